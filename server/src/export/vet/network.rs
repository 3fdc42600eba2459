//! What validators that call teams' services leave behind, re-checked: a team's endpoints
//! (names and URLs as a member may set them, a bounded number per team), the endpoints a
//! submission was judged against, and a verdict's recorded exchanges (what a replay rejudge
//! answers from, so they must parse as the runtime reads them).
//!
//! Both JSON columns are bounded before they are parsed: the line bound alone would let one
//! verdict make the import parse tens of MiB of tiny objects.

use cohack_runtime::{Endpoint, Exchange, check_endpoint_url};

use super::{Kind, Vetter, invalid, once};
use crate::{
    export::{error::Refusal, rows::TeamEndpointRow},
    models::team_endpoint::{MAX_ENDPOINTS_PER_TEAM, MAX_NAME_CHARS, is_endpoint_name},
};

/// The longest `submissions.endpoints`: [`MAX_ENDPOINTS_PER_TEAM`] endpoints of the longest
/// name and URL (2 KiB, the runtime's bound), with room to spare for the JSON around them.
pub const MAX_ENDPOINTS_JSON_BYTES: usize = 64 << 10;

/// The longest `verdicts.exchanges`: as large as the largest binary column an export carries
/// (64 MiB), so that the line holding it stays within [`crate::export::MAX_LINE_BYTES`]. A
/// run under the default caps (20 requests, 1 MiB responses) records far less.
pub const MAX_EXCHANGES_JSON_BYTES: usize = 64 << 20;
const _: () = assert!(MAX_EXCHANGES_JSON_BYTES < crate::export::MAX_LINE_BYTES);

/// Checks an endpoint's name and URL as a team member setting it would have them checked,
/// except for `http://` and private addresses: those are the target's settings to apply
/// when its judge sends a request.
fn check_endpoint(column: &str, name: &str, url: &str) -> Result<(), Refusal> {
    if !is_endpoint_name(name) {
        return Err(invalid(format!(
            "{column} {:?} is not an endpoint name (1 to {MAX_NAME_CHARS} lower-case letters, \
             digits, `_` or `-`)",
            name.chars().take(40).collect::<String>()
        )));
    }
    check_endpoint_url(url, true)
        .map_err(|e| invalid(format!("the URL of endpoint `{name}` is refused: {e}")))?;
    Ok(())
}

/// Refuses JSON text longer than `max` bytes, before it is parsed.
fn bounded(column: &str, text: &str, max: usize) -> Result<(), Refusal> {
    if text.len() > max {
        return Err(invalid(format!(
            "`{column}` has {} bytes, more than the {max} this portal accepts",
            text.len()
        )));
    }
    Ok(())
}

/// Checks a submission's `endpoints`: absent, or a JSON list of at most
/// [`MAX_ENDPOINTS_PER_TEAM`] endpoints, each name once.
pub(super) fn check_submission_endpoints(endpoints: Option<&str>) -> Result<(), Refusal> {
    let Some(text) = endpoints else {
        return Ok(());
    };
    bounded("endpoints", text, MAX_ENDPOINTS_JSON_BYTES)?;
    let endpoints: Vec<Endpoint> = serde_json::from_str(text)
        .map_err(|e| invalid(format!("`endpoints` is not a list of endpoints: {e}")))?;
    if endpoints.len() > MAX_ENDPOINTS_PER_TEAM {
        return Err(invalid(format!(
            "`endpoints` lists {} endpoints, a team may set at most {MAX_ENDPOINTS_PER_TEAM}",
            endpoints.len()
        )));
    }
    let mut names = std::collections::HashSet::new();
    for endpoint in &endpoints {
        check_endpoint(
            "an endpoint in `endpoints` named",
            &endpoint.name,
            &endpoint.url,
        )?;
        once(&mut names, endpoint.name.as_str(), || {
            format!("endpoint `{}` of one submission", endpoint.name)
        })?;
    }
    Ok(())
}

/// Checks a verdict's `exchanges`: a JSON list of exchanges as the runtime records them.
pub(super) fn check_exchanges(exchanges: &str) -> Result<(), Refusal> {
    bounded("exchanges", exchanges, MAX_EXCHANGES_JSON_BYTES)?;
    serde_json::from_str::<Vec<Exchange>>(exchanges).map_err(|e| {
        invalid(format!(
            "`exchanges` is not a list of recorded exchanges: {e}"
        ))
    })?;
    Ok(())
}

impl Vetter {
    /// A team's endpoint: a team of the file, a valid name and URL, each name once per team,
    /// at most [`MAX_ENDPOINTS_PER_TEAM`] per team. (`updated_by` is checked with every user
    /// reference; it need not be a member still: people leave teams.)
    pub(super) fn team_endpoint(&mut self, r: &mut TeamEndpointRow) -> Result<(), Refusal> {
        let team = r.team_id.clone();
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        check_endpoint("`name`", &r.name, &r.url)?;
        once(
            &mut self.endpoints,
            (r.team_id.clone(), r.name.clone()),
            || format!("endpoint `{}` of team `{team}`", r.name),
        )?;
        let count = self.endpoint_counts.entry(r.team_id.clone()).or_default();
        *count += 1;
        if *count > MAX_ENDPOINTS_PER_TEAM {
            return Err(invalid(format!(
                "team `{team}` would have {count} endpoints, a team may set at most \
                 {MAX_ENDPOINTS_PER_TEAM}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoints_bound_holds_a_full_team_of_the_longest_endpoints() {
        let longest = Endpoint {
            name: "n".repeat(MAX_NAME_CHARS),
            url: format!("https://a.example/{}", "x".repeat(2048 - 18)),
        };
        let full = serde_json::to_string(&vec![longest; MAX_ENDPOINTS_PER_TEAM]).expect("json");
        assert!(full.len() <= MAX_ENDPOINTS_JSON_BYTES, "{}", full.len());
    }

    #[test]
    fn submission_endpoints_are_checked_as_a_team_sets_them() {
        assert!(check_submission_endpoints(None).is_ok());
        assert!(check_submission_endpoints(Some("[]")).is_ok());
        assert!(
            check_submission_endpoints(Some(r#"[{"name":"api","url":"https://a.example/"}]"#))
                .is_ok()
        );
        for bad in [
            "{}",
            r#"[{"name":"API","url":"https://a.example/"}]"#,
            r#"[{"name":"api","url":"ftp://a.example/"}]"#,
            r#"[{"name":"api","url":"https://user:pw@a.example/"}]"#,
            r#"[{"name":"api","url":"https://a.example/"},{"name":"api","url":"https://b.example/"}]"#,
        ] {
            assert!(check_submission_endpoints(Some(bad)).is_err(), "{bad}");
        }
        let many = format!(
            "[{}]",
            vec![r#"{"name":"a","url":"https://a.example/"}"#; MAX_ENDPOINTS_PER_TEAM + 1]
                .join(",")
        );
        assert!(check_submission_endpoints(Some(&many)).is_err());
        let long = format!("[{}]", " ".repeat(MAX_ENDPOINTS_JSON_BYTES));
        assert!(check_submission_endpoints(Some(&long)).is_err());
    }

    #[test]
    fn exchanges_must_be_what_the_runtime_records() {
        assert!(check_exchanges("[]").is_ok());
        let recorded = r#"[{"method":"GET","url":"https://a.example/health",
            "outcome":{"response":{"status":200,"body":{"text":"ok"}}},"duration_ms":84},
            {"method":"GET","url":"http://10.0.0.1/","outcome":{"refused":{"reason":"private"}}}]"#;
        assert!(check_exchanges(recorded).is_ok());
        for bad in [
            "",
            "{}",
            "[1]",
            r#"[{"method":"GET","url":"https://a.example/"}]"#,
            r#"[{"method":"GET","url":"https://a.example/","outcome":{"exploded":{}}}]"#,
        ] {
            assert!(check_exchanges(bad).is_err(), "{bad}");
        }
    }
}
