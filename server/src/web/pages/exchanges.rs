//! A run's exchanges (the requests a validator sent to a team's service) as the pages show
//! them: one line each, the team's endpoint shortened away (`GET /health → 200 in 84 ms`),
//! with the start of the response body to unfold. The workspace's verdict and the author's
//! recent failures share it; `templates/exchanges.html` draws it. Bodies are whatever a
//! team's service answered, so they only ever reach a page through the template's escaping.

use crate::judge::views::{ExchangeOutcomeView, ExchangeView};

/// One exchange as a page shows it.
pub struct ExchangeLine {
    /// `GET /health → 200 in 84 ms`, `GET /echo?value=x → timeout after 2000 ms: …`.
    pub line: String,
    /// `response`, `failed` or `refused` (the CSS class suffix).
    pub outcome: &'static str,
    /// The service answered with a status below 400.
    pub ok: bool,
    /// The start of the response body, when the service answered with one.
    pub body: Option<String>,
}

impl ExchangeLine {
    /// The line of `view`, its URL shortened to a path when it is under one of `endpoints`
    /// (the team's endpoint URLs).
    pub fn of(view: &ExchangeView, endpoints: &[&str]) -> Self {
        let url = short_url(&view.url, endpoints);
        let full = format!("{} {} → ", view.method, view.url);
        let line = match view.summary.strip_prefix(&full) {
            Some(what) => format!("{} {url} → {what}", view.method),
            None => view.summary.clone(),
        };
        Self {
            line,
            outcome: match view.outcome {
                ExchangeOutcomeView::Response => "response",
                ExchangeOutcomeView::Failed => "failed",
                ExchangeOutcomeView::Refused => "refused",
            },
            ok: view.outcome == ExchangeOutcomeView::Response
                && view.status.is_some_and(|status| status < 400),
            body: view.response_body.clone().filter(|body| !body.is_empty()),
        }
    }

    /// The lines of a run's exchanges, in order.
    pub fn all(views: &[ExchangeView], endpoints: &[&str]) -> Vec<Self> {
        views.iter().map(|view| Self::of(view, endpoints)).collect()
    }
}

/// `url` as a path when it is under one of `endpoints` (the longest that matches):
/// `https://team.example/v1/health` under `https://team.example/v1/` is `/health`. Any other
/// URL is kept whole, so a request elsewhere never passes for one to the team's service.
pub fn short_url(url: &str, endpoints: &[&str]) -> String {
    endpoints
        .iter()
        .filter_map(|endpoint| {
            let base = endpoint.trim_end_matches('/');
            let rest = url.strip_prefix(base)?;
            match rest.chars().next() {
                None => Some((base.len(), "/".to_owned())),
                Some('/') => Some((base.len(), rest.to_owned())),
                Some('?') => Some((base.len(), format!("/{rest}"))),
                Some(_) => None,
            }
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| url.to_owned(), |(_, path)| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(url: &str, outcome: ExchangeOutcomeView, summary: &str) -> ExchangeView {
        ExchangeView {
            method: "GET".into(),
            url: url.into(),
            status: Some(200),
            outcome,
            error: None,
            reason: None,
            duration_ms: 84,
            summary: summary.into(),
            response_body: Some(r#"{"status":"ok"}"#.into()),
        }
    }

    #[test]
    fn urls_under_an_endpoint_read_as_paths() {
        let endpoints = ["http://127.0.0.1:8080/", "https://team.example/v1/"];
        assert_eq!(
            short_url("http://127.0.0.1:8080/health", &endpoints),
            "/health"
        );
        assert_eq!(
            short_url("https://team.example/v1/echo?value=x", &endpoints),
            "/echo?value=x"
        );
        assert_eq!(short_url("https://team.example/v1", &endpoints), "/");
        assert_eq!(
            short_url("https://team.example/v1?x=1", &endpoints),
            "/?x=1"
        );
        // Not under it: a longer host, another path, another site.
        for other in [
            "http://127.0.0.1:80801/health",
            "https://team.example/v10/health",
            "https://team.example/health",
            "https://elsewhere.example/",
        ] {
            assert_eq!(short_url(other, &endpoints), other);
        }
        // The most specific endpoint wins.
        assert_eq!(
            short_url(
                "https://team.example/v1/health",
                &["https://team.example/", "https://team.example/v1/"]
            ),
            "/health"
        );
    }

    #[test]
    fn lines_keep_the_outcome_and_shorten_the_url() {
        let answered = ExchangeLine::of(
            &view(
                "http://127.0.0.1:8080/health",
                ExchangeOutcomeView::Response,
                "GET http://127.0.0.1:8080/health → 200 in 84 ms",
            ),
            &["http://127.0.0.1:8080/"],
        );
        assert_eq!(answered.line, "GET /health → 200 in 84 ms");
        assert_eq!(answered.outcome, "response");
        assert!(answered.ok);
        assert_eq!(answered.body.as_deref(), Some(r#"{"status":"ok"}"#));

        let refused = ExchangeLine::of(
            &view(
                "https://10.0.0.1/",
                ExchangeOutcomeView::Refused,
                "GET https://10.0.0.1/ → refused: a private address",
            ),
            &["http://127.0.0.1:8080/"],
        );
        assert_eq!(
            refused.line,
            "GET https://10.0.0.1/ → refused: a private address"
        );
        assert_eq!(refused.outcome, "refused");
        assert!(!refused.ok);
    }
}
