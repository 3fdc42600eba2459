//! Keeping secrets out of the request log.
//!
//! The request log line (the root span of `tracing-actix-web`, closed when the response is
//! sent) names the request's target. Some targets carry secrets in their query string: a
//! WebSocket's `access_token`, a team's invite link (`/teams/{id}/join?code=…`), and the same
//! link again inside a sign-in redirect (`/signin?next=%2Fteams%2F…%2Fjoin%3Fcode%3D…`).
//! [`RedactingRootSpan`] builds the same span as `tracing-actix-web`'s default, with the
//! target passed through [`redact_target`], which replaces the value of every parameter whose
//! name says it is a secret (see [`is_secret_name`]) with `[redacted]`, also inside a
//! parameter whose value is itself an address with a query.

use std::borrow::Cow;

use actix_web::{
    Error, HttpMessage as _,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// What a secret's value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// Whether a query parameter named `name` carries a secret: access and refresh tokens,
/// invite and other one-time codes, passwords and secrets, whatever they are prefixed with
/// (`access_token`, `refresh_token`, `code`, `invite_code`, `client_secret`, …).
pub fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "code", "secret", "password", "signature"]
        .iter()
        .any(|secret| name.ends_with(secret))
}

/// Nested addresses are followed this deep (`next=…?next=…?code=` is already contrived).
const MAX_DEPTH: usize = 3;

/// `path_and_query` with the value of every secret query parameter replaced by
/// [`REDACTED`]; borrowed unchanged when there is nothing to redact.
pub fn redact_target(path_and_query: &str) -> Cow<'_, str> {
    redact_at(path_and_query, 0)
}

fn redact_at(target: &str, depth: usize) -> Cow<'_, str> {
    let Some((path, query)) = target.split_once('?') else {
        return Cow::Borrowed(target);
    };
    match redact_query(query, depth) {
        Cow::Borrowed(_) => Cow::Borrowed(target),
        Cow::Owned(query) => Cow::Owned(format!("{path}?{query}")),
    }
}

/// `query` (`a=1&b=2`) with secret values redacted; borrowed when nothing changed.
fn redact_query(query: &str, depth: usize) -> Cow<'_, str> {
    let mut changed = false;
    let pairs: Vec<Cow<'_, str>> = query
        .split('&')
        .map(|pair| {
            let redacted = redact_pair(pair, depth);
            changed |= matches!(redacted, Cow::Owned(_));
            redacted
        })
        .collect();
    if changed {
        Cow::Owned(pairs.join("&"))
    } else {
        Cow::Borrowed(query)
    }
}

fn redact_pair(pair: &str, depth: usize) -> Cow<'_, str> {
    let Some((raw_name, raw_value)) = pair.split_once('=') else {
        return Cow::Borrowed(pair);
    };
    if is_secret_name(&decode(raw_name)) {
        return Cow::Owned(format!("{raw_name}={REDACTED}"));
    }
    // A value that is itself an address (a redirect's `next`) may carry a secret of its own.
    if depth < MAX_DEPTH {
        let value = decode(raw_value);
        if value.contains('?')
            && let Cow::Owned(inner) = redact_at(&value, depth + 1)
        {
            return Cow::Owned(format!("{raw_name}={}", encode_nested(&inner)));
        }
    }
    Cow::Borrowed(pair)
}

/// A query component decoded as a form decodes it (`+` is a space, `%XX` a byte).
fn decode(component: &str) -> String {
    url::form_urlencoded::parse(format!("x={component}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// A redacted nested address, written back so that the log line still reads as one query:
/// only the characters that would end or change the outer parameter are escaped.
fn encode_nested(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '%' => out.push_str("%25"),
            '&' => out.push_str("%26"),
            '#' => out.push_str("%23"),
            '+' => out.push_str("%2B"),
            ' ' => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// The request's root span: `tracing-actix-web`'s default fields, with the target redacted.
pub struct RedactingRootSpan;

impl RootSpanBuilder for RedactingRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let user_agent = request
            .headers()
            .get("User-Agent")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let route = request.match_pattern().unwrap_or_else(|| "default".into());
        let method = request.method().as_str();
        let target = request
            .uri()
            .path_and_query()
            .map(|p| redact_target(p.as_str()))
            .unwrap_or_default();
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .copied()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let connection = request.connection_info();
        tracing::info_span!(
            "HTTP request",
            http.method = %method,
            http.route = %route,
            http.flavor = ?request.version(),
            http.scheme = %connection.scheme(),
            http.host = %connection.host(),
            http.client_ip = %connection.realip_remote_addr().unwrap_or(""),
            http.user_agent = %user_agent,
            http.target = %target,
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            trace_id = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_parameters_are_redacted_and_others_kept() {
        assert_eq!(
            redact_target("/api/v1/teams/t/ws?access_token=eyJhbGci.x.y&after=3"),
            "/api/v1/teams/t/ws?access_token=[redacted]&after=3"
        );
        assert_eq!(
            redact_target("/teams/t/join?code=S3CRET"),
            "/teams/t/join?code=[redacted]"
        );
        assert_eq!(
            redact_target("/x?refresh_token=a&invite_code=b&access%5Ftoken=c&Code=d&page=2"),
            "/x?refresh_token=[redacted]&invite_code=[redacted]&access%5Ftoken=[redacted]&Code=[redacted]&page=2"
        );
        assert!(matches!(
            redact_target("/api/v1/events?limit=5&challenge=first-contact"),
            Cow::Borrowed(_)
        ));
        assert_eq!(redact_target("/healthz"), "/healthz");
        assert_eq!(redact_target("/x?flag&code"), "/x?flag&code");
    }

    #[test]
    fn secrets_inside_a_redirect_address_are_redacted() {
        assert_eq!(
            redact_target("/signin?next=%2Fteams%2Ft%2Fjoin%3Fcode%3DS3CRET"),
            "/signin?next=/teams/t/join?code=[redacted]"
        );
        assert_eq!(
            redact_target("/signin?next=/teams/t/join?code=S3CRET"),
            "/signin?next=/teams/t/join?code=[redacted]"
        );
        assert!(matches!(
            redact_target("/signin?next=%2Fevents%2Fhack%3Ftab%3Dladder"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn secret_names_are_recognized_whatever_their_prefix() {
        for name in [
            "access_token",
            "refresh_token",
            "token",
            "code",
            "invite_code",
            "event_invite_code",
            "client_secret",
            "password",
            "ACCESS_TOKEN",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "next",
            "challenge",
            "limit",
            "after",
            "position",
            "always_open",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
