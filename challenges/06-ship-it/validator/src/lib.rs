//! `ship-it`: the first challenge judged against a running service. The team deploys a tiny
//! web service and sets its URL as the endpoint `api`; the judge calls it twice:
//!
//! - `GET {api}/health` must answer 200 with the JSON `{"status":"ok"}`;
//! - `GET {api}/echo?value=V` must answer 200 with the JSON `{"value":"V"}`, for a `V` drawn
//!   per team (eight characters from `[a-z0-9]`, so it needs no URL encoding), so the answer
//!   cannot be a hard-coded file.
//!
//! When `/health` gets no answer at all (a timeout, nothing listening), `/echo` is not tried:
//! the team learns the same thing without waiting for a second timeout.

use challenge_sdk::http::{self, HttpErrorKind};
use challenge_sdk::json::Value;
use challenge_sdk::prelude::*;

/// Salt of the per-team echo value: fixed forever, or rejudges of recorded runs would ask
/// for other URLs than the ones recorded.
const SALT: &str = "ship-it/v1";
const POINTS: u32 = 600;
/// The endpoint the manifest's `[network] team_endpoints` declares.
const ENDPOINT: &str = "api";
/// How many characters of a body a message quotes.
const QUOTE_CHARS: usize = 120;

/// The validator.
pub struct ShipIt;

impl Validator for ShipIt {
    fn validate(s: Submission) -> Verdict {
        judge(POINTS, |v| {
            let api = s.endpoint(ENDPOINT)?;
            let answered = check_health(v, api);
            if answered {
                check_echo(v, api, &echo_value(&s.team));
            } else {
                v.fail_check(
                    "echo",
                    "Not tried: your service did not answer `/health` (see above).",
                );
            }
            Ok(())
        })
    }
}

challenge_sdk::export!(ShipIt);

/// The value team `team` is asked to echo: eight characters from `[a-z0-9]`.
pub fn echo_value(team: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = TeamRng::new(team, SALT);
    (0..8)
        .map(|_| char::from(*rng.pick(ALPHABET).unwrap_or(&b'a')))
        .collect()
}

/// Records the `health` check; `false` when the service gave no answer at all.
fn check_health(v: &mut VerdictBuilder, api: &str) -> bool {
    let url = http::join(api, "health");
    match http::get_json::<Value>(&url) {
        Ok(body) if body.get("status").and_then(Value::as_str) == Some("ok") => {
            v.pass_check("health", format!("GET {url} answered {}.", quote(&body)));
        }
        Ok(body) => {
            v.fail_check(
                "health",
                format!(
                    "GET {url} answered {}, but the judge expects {{\"status\":\"ok\"}}.",
                    quote(&body)
                ),
            );
        }
        Err(error) => {
            let answered = matches!(
                error.kind(),
                HttpErrorKind::Status { .. } | HttpErrorKind::Body { .. }
            );
            v.add_check(error.into_check("health"));
            return answered;
        }
    }
    true
}

/// Records the `echo` check.
fn check_echo(v: &mut VerdictBuilder, api: &str, value: &str) {
    let url = http::join(api, &format!("echo?value={value}"));
    match http::get_json::<Value>(&url) {
        Ok(body) if body.get("value").and_then(Value::as_str) == Some(value) => {
            v.pass_check("echo", format!("GET {url} answered {}.", quote(&body)));
        }
        Ok(body) => {
            v.fail_check(
                "echo",
                format!(
                    "GET {url} answered {}, but the judge expects {{\"value\":\"{value}\"}}: \
                     return the `value` query parameter as it came.",
                    quote(&body)
                ),
            );
        }
        Err(error) => {
            v.add_check(error.into_check("echo"));
        }
    }
}

/// A JSON value on one line, cut to [`QUOTE_CHARS`].
fn quote(body: &Value) -> String {
    let text = body.to_string();
    if text.chars().count() <= QUOTE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(QUOTE_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use challenge_sdk::testing::{self, Failure};

    const API: &str = "https://ship-it.example/";

    fn submission(team: &str) -> Submission {
        Submission::new("ship-it", team).with_endpoint(ENDPOINT, API)
    }

    fn echo_url(team: &str) -> String {
        format!("https://ship-it.example/echo?value={}", echo_value(team))
    }

    fn healthy() {
        testing::respond(
            "GET",
            "https://ship-it.example/health",
            200,
            r#"{"status":"ok"}"#,
        );
    }

    #[test]
    fn echo_values_are_per_team_and_need_no_encoding() {
        let a = echo_value("team-a");
        assert_eq!(a, echo_value("team-a"));
        assert_ne!(a, echo_value("team-b"));
        assert_eq!(a.len(), 8);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }

    #[test]
    fn a_working_service_passes() {
        healthy();
        let value = echo_value("team-1");
        testing::respond(
            "GET",
            &echo_url("team-1"),
            200,
            format!(r#"{{"value":"{value}"}}"#),
        );
        let verdict = ShipIt::validate(submission("team-1"));
        assert!(verdict.passed, "{verdict:?}");
        assert_eq!(verdict.score, POINTS);
        let asked: Vec<String> = testing::take_requests()
            .into_iter()
            .map(|r| r.url)
            .collect();
        assert_eq!(
            asked,
            [
                "https://ship-it.example/health".to_owned(),
                echo_url("team-1")
            ]
        );
    }

    #[test]
    fn a_broken_health_check_fails_and_says_what_came_back() {
        testing::respond(
            "GET",
            "https://ship-it.example/health",
            500,
            "Internal Server Error",
        );
        let value = echo_value("team-1");
        testing::respond(
            "GET",
            &echo_url("team-1"),
            200,
            format!(r#"{{"value":"{value}"}}"#),
        );
        let verdict = ShipIt::validate(submission("team-1"));
        assert!(!verdict.passed);
        let health = &verdict.checks[0];
        assert_eq!(health.name, "health");
        assert!(
            health.message.contains("answered 500"),
            "{}",
            health.message
        );
        assert!(verdict.checks[1].passed, "echo is still tried");
    }

    #[test]
    fn a_wrong_echo_fails_with_the_expected_value() {
        healthy();
        testing::respond("GET", &echo_url("team-1"), 200, r#"{"value":"test"}"#);
        let verdict = ShipIt::validate(submission("team-1"));
        assert!(!verdict.passed);
        let echo = &verdict.checks[1];
        assert!(!echo.passed);
        assert!(
            echo.message.contains(&format!(
                "expects {{\"value\":\"{}\"}}",
                echo_value("team-1")
            )),
            "{}",
            echo.message
        );
    }

    #[test]
    fn a_silent_service_is_asked_once() {
        testing::fail("GET", "https://ship-it.example/health", Failure::Timeout);
        let verdict = ShipIt::validate(submission("team-1"));
        assert!(!verdict.passed);
        assert_eq!(
            verdict.checks[0].message,
            "your service at https://ship-it.example/health did not answer within 2 s"
        );
        assert!(verdict.checks[1].message.starts_with("Not tried"));
        assert_eq!(testing::take_requests().len(), 1);
    }

    #[test]
    fn a_health_check_with_the_wrong_json_fails() {
        testing::respond(
            "GET",
            "https://ship-it.example/health",
            200,
            r#"{"status":"up"}"#,
        );
        testing::fail("GET", &echo_url("team-1"), Failure::ConnectionRefused);
        let verdict = ShipIt::validate(submission("team-1"));
        assert!(!verdict.passed);
        assert!(verdict.checks[0].message.contains(r#"{"status":"up"}"#));
        assert!(
            verdict.checks[1]
                .message
                .starts_with("nothing is listening")
        );
    }

    #[test]
    fn no_endpoint_asks_the_team_to_set_it() {
        let verdict = ShipIt::validate(Submission::new("ship-it", "team-1"));
        assert!(!verdict.passed);
        assert!(
            verdict.feedback.contains("Endpoints panel"),
            "{}",
            verdict.feedback
        );
        assert!(testing::take_requests().is_empty());
    }

    #[test]
    fn the_sample_team_echo_value_is_frozen() {
        // samples/*/exchanges.json record this URL: changing SALT breaks them.
        assert_eq!(echo_value("sample-team"), "1nuuula7");
    }

    /// Replays every sample's `exchanges.json` through the SDK's stand-ins, as the sandbox
    /// replays it: the requests must come in the recorded order, and the verdict must match
    /// the sample's folder (`pass/` or `fail/`).
    #[test]
    fn the_samples_replay_to_their_expected_verdicts() {
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
        let mut seen = 0;
        for expect in ["pass", "fail"] {
            let mut dirs: Vec<_> = std::fs::read_dir(samples.join(expect))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            dirs.sort();
            for dir in dirs {
                testing::reset_network();
                let text = std::fs::read_to_string(dir.join("exchanges.json")).unwrap();
                let recording: Value = challenge_sdk::json::parse(&text).unwrap();
                let mut s = Submission::new("ship-it", "sample-team");
                for (name, url) in recording["endpoints"].as_object().unwrap() {
                    s = s.with_endpoint(name.as_str(), url.as_str().unwrap());
                }
                let exchanges = recording["exchanges"].as_array().unwrap();
                for exchange in exchanges {
                    register(exchange);
                }
                let verdict = ShipIt::validate(s);
                let sent: Vec<(String, String)> = testing::take_requests()
                    .into_iter()
                    .map(|r| (r.method, r.url))
                    .collect();
                let recorded: Vec<(String, String)> = exchanges
                    .iter()
                    .map(|e| (text_of(&e["method"]), text_of(&e["url"])))
                    .collect();
                assert_eq!(sent, recorded, "{}: requests out of order", dir.display());
                assert_eq!(
                    verdict.passed,
                    expect == "pass",
                    "{}: {verdict:?}",
                    dir.display()
                );
                seen += 1;
            }
        }
        assert!(seen >= 4, "only {seen} samples");
    }

    fn text_of(value: &Value) -> String {
        value.as_str().unwrap().to_owned()
    }

    /// Registers one recorded exchange (the JSON form of `runtime/src/network/exchange.rs`).
    fn register(exchange: &Value) {
        let (method, url) = (text_of(&exchange["method"]), text_of(&exchange["url"]));
        let outcome = &exchange["outcome"];
        if let Some(response) = outcome.get("response") {
            let body = response["body"]["text"].as_str().unwrap_or_default();
            let status = u16::try_from(response["status"].as_u64().unwrap()).unwrap();
            let mut canned = http::Response::new(status, body);
            if let Some(headers) = response["headers"].as_object() {
                for (name, value) in headers {
                    canned = canned.with_header(name, value.as_str().unwrap());
                }
            }
            testing::respond_with(&method, &url, canned);
        } else {
            let failure = match outcome["failed"]["error"].as_str().unwrap() {
                "timeout" => Failure::Timeout,
                "connection_refused" => Failure::ConnectionRefused,
                "dns" => Failure::Dns,
                "tls" => Failure::Tls,
                "too_large" => Failure::TooLarge,
                other => panic!("no stand-in for the failure `{other}`"),
            };
            testing::fail(&method, &url, failure);
        }
    }
}
