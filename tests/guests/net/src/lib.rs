//! Sends the HTTP requests its submission's answer lists (contract 0.2.0, `wasi:http`), so one
//! guest covers every network case of the sandbox's tests. One command per line (blank lines
//! skipped), numbered from 0:
//!
//! - `GET <url>`: one GET;
//! - `GET-FOLLOW <url>`: one GET, then one GET of its `location` if it answered 3xx with one;
//! - `GET-N <n> <url>`: n GETs of the same URL;
//! - `POST <url> <body>`: one POST of the rest of the line;
//! - `ENDPOINT <name>`: one GET of the submission's endpoint `name`.
//!
//! Every request's result is one check named by its command's number (`GET-N`'s are `i.k`):
//! passed when the status is 2xx, message `status 200 body …` or `error: <error-code debug>`.
//! The verdict passes when there is at least one check and all passed.

wit_bindgen::generate!({ path: "../../../challenge-sdk/wit/validator.wit", world: "validator" });

use cohack::validator::types::Check;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, Method, OutgoingBody, OutgoingRequest, Scheme,
};
use wasip2::io::streams::StreamError;

/// How much of a body a message quotes.
const BODY_CHARS: usize = 200;

struct Guest_;

export!(Guest_);

impl Guest for Guest_ {
    fn validate(submission: Submission) -> Verdict {
        let mut checks = Vec::new();
        let lines = submission.answer.lines().filter(|l| !l.trim().is_empty());
        for (index, line) in lines.enumerate() {
            run(index, line.trim(), &submission, &mut checks);
        }
        let passed = !checks.is_empty() && checks.iter().all(|c| c.passed);
        Verdict {
            passed,
            score: u32::from(passed),
            max_score: 1,
            feedback: format!("{} requests", checks.len()),
            checks,
            notes: String::new(),
        }
    }

    fn materials(_team: String) -> Vec<File> {
        Vec::new()
    }
}

/// The result of one request: a status and body, or the error code's debug form.
type Outcome = Result<(u16, Option<String>, String), String>;

fn run(index: usize, line: &str, submission: &Submission, checks: &mut Vec<Check>) {
    let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    let name = index.to_string();
    match command {
        "GET" => checks.push(check(name, send(Method::Get, rest, b""))),
        "GET-FOLLOW" => {
            let mut outcome = send(Method::Get, rest, b"");
            if let Ok((300..=399, Some(location), _)) = &outcome {
                outcome = send(Method::Get, location, b"");
            }
            checks.push(check(name, outcome));
        }
        "GET-N" => {
            let (n, url) = rest.split_once(' ').unwrap_or((rest, ""));
            for k in 0..n.parse::<usize>().unwrap_or(0) {
                checks.push(check(
                    format!("{index}.{k}"),
                    send(Method::Get, url.trim(), b""),
                ));
            }
        }
        "POST" => {
            let (url, body) = rest.split_once(' ').unwrap_or((rest, ""));
            checks.push(check(name, send(Method::Post, url, body.as_bytes())));
        }
        "ENDPOINT" => {
            let outcome = match submission.endpoints.iter().find(|e| e.name == rest) {
                Some(endpoint) => send(Method::Get, &endpoint.url, b""),
                None => Err(format!("no endpoint `{rest}`")),
            };
            checks.push(check(name, outcome));
        }
        other => checks.push(check(name, Err(format!("unknown command `{other}`")))),
    }
}

fn check(name: String, outcome: Outcome) -> Check {
    match outcome {
        Ok((status, _, body)) => Check {
            name,
            passed: (200..300).contains(&status),
            message: format!("status {status} body {body}"),
        },
        Err(error) => Check {
            name,
            passed: false,
            message: format!("error: {error}"),
        },
    }
}

/// Sends one request: the status, the `location` header and the start of the body.
fn send(method: Method, url: &str, body: &[u8]) -> Outcome {
    let (scheme, rest) = url.split_once("://").ok_or("bad url")?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path
    };
    let scheme = match scheme {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        other => Scheme::Other(other.to_owned()),
    };
    let request = OutgoingRequest::new(Fields::new());
    let set = request
        .set_method(&method)
        .and_then(|()| request.set_scheme(Some(&scheme)))
        .and_then(|()| request.set_authority(Some(authority)))
        .and_then(|()| request.set_path_with_query(Some(&path)));
    set.map_err(|()| "bad url".to_owned())?;
    let outgoing_body = request.body().map_err(|()| "no body".to_owned())?;
    let pending = outgoing_handler::handle(request, None).map_err(debug)?;
    if !body.is_empty()
        && let Ok(stream) = outgoing_body.write()
    {
        for chunk in body.chunks(4096) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                break;
            }
        }
    }
    OutgoingBody::finish(outgoing_body, None).map_err(debug)?;
    pending.subscribe().block();
    let response = match pending.get() {
        Some(Ok(result)) => result.map_err(debug)?,
        _ => return Err("no response".to_owned()),
    };
    let status = response.status();
    let location = {
        let headers = response.headers();
        headers
            .get("location")
            .first()
            .map(|v| String::from_utf8_lossy(v).into_owned())
    };
    let incoming = response.consume().map_err(|()| "no body".to_owned())?;
    let mut bytes = Vec::new();
    {
        let stream = incoming.stream().map_err(|()| "no body".to_owned())?;
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err(match wasip2::http::types::http_error_code(&e) {
                        Some(code) => debug(code),
                        None => e.to_debug_string(),
                    });
                }
            }
        }
    }
    drop(IncomingBody::finish(incoming));
    let text: String = String::from_utf8_lossy(&bytes)
        .chars()
        .take(BODY_CHARS)
        .collect();
    Ok((status, location, text))
}

fn debug(code: ErrorCode) -> String {
    format!("{code:?}")
}
