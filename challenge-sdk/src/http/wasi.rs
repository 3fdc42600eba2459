//! Sending a [`Request`] through the standard `wasi:http/outgoing-handler` (the `wasip2`
//! crate's bindings). The only module that uses them: a validator that never sends a request
//! links none of it, so its component imports no `wasi:http`.
//!
//! One request at a time, blocking: the body is written after `handle` (so the host may
//! stream it), then the response is awaited and read whole. Resources are dropped child
//! first (header fields and streams before their parents), as `wasi:http` requires.

use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, IncomingBody, IncomingResponse, Method, OutgoingBody, OutgoingRequest,
    Scheme,
};
use wasip2::io::streams::StreamError;

use super::url::Target;
use super::{HttpError, HttpErrorKind, Request, Response};

/// `blocking-write-and-flush` takes at most this many bytes per call.
const WRITE_CHUNK: usize = 4096;
/// How much one `blocking-read` asks for.
const READ_CHUNK: u64 = 64 * 1024;

pub(super) fn send(request: &Request, target: &Target<'_>) -> Result<Response, HttpError> {
    let url = request.url.as_str();
    let other = |detail: &str| {
        HttpError::new(
            url,
            HttpErrorKind::Other {
                detail: detail.to_owned(),
            },
        )
    };
    let from_code = |code: ErrorCode| HttpError::new(url, kind_of(&code));

    let entries: Vec<(String, Vec<u8>)> = request
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.as_bytes().to_vec()))
        .collect();
    let headers = Fields::from_list(&entries)
        .map_err(|e| other(&format!("the request headers were refused: {e:?}")))?;
    let outgoing = OutgoingRequest::new(headers);
    outgoing
        .set_method(&method(&request.method))
        .map_err(|()| other(&format!("the method `{}` is not valid", request.method)))?;
    let scheme = if target.https {
        Scheme::Https
    } else {
        Scheme::Http
    };
    outgoing
        .set_scheme(Some(&scheme))
        .and_then(|()| outgoing.set_authority(Some(target.authority)))
        .and_then(|()| outgoing.set_path_with_query(Some(&target.path_with_query)))
        .map_err(|()| HttpError::new(url, HttpErrorKind::InvalidUrl))?;
    let body = outgoing
        .body()
        .map_err(|()| other("the request body was already taken"))?;

    let pending = outgoing_handler::handle(outgoing, None).map_err(from_code)?;
    write_body(&body, &request.body);
    // A failed write shows up as the response's error code, so it is not reported twice.
    OutgoingBody::finish(body, None).map_err(from_code)?;

    pending.subscribe().block();
    let incoming = match pending.get() {
        Some(Ok(Ok(incoming))) => incoming,
        Some(Ok(Err(code))) => return Err(from_code(code)),
        Some(Err(())) | None => return Err(other("the response was lost")),
    };
    drop(pending);
    read_response(url, &incoming).map_err(|e| e.unwrap_or_else(|| other("the body was lost")))
}

fn write_body(body: &OutgoingBody, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let Ok(stream) = body.write() else {
        return;
    };
    for chunk in bytes.chunks(WRITE_CHUNK) {
        if stream.blocking_write_and_flush(chunk).is_err() {
            break;
        }
    }
}

/// The status, headers and whole body; `Err(None)` when the host lost track of the body.
fn read_response(url: &str, incoming: &IncomingResponse) -> Result<Response, Option<HttpError>> {
    let status = incoming.status();
    let headers = {
        let fields = incoming.headers();
        fields
            .entries()
            .into_iter()
            .map(|(name, value)| {
                (
                    name.to_ascii_lowercase(),
                    String::from_utf8_lossy(&value).into_owned(),
                )
            })
            .collect()
    };
    let body = incoming.consume().map_err(|()| None)?;
    let mut bytes = Vec::new();
    {
        let stream = body.stream().map_err(|()| None)?;
        loop {
            match stream.blocking_read(READ_CHUNK) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    let kind = match wasip2::http::types::http_error_code(&e) {
                        Some(code) => kind_of(&code),
                        None => HttpErrorKind::Other {
                            detail: e.to_debug_string(),
                        },
                    };
                    return Err(Some(HttpError::new(url, kind)));
                }
            }
        }
    }
    let trailers = IncomingBody::finish(body);
    trailers.subscribe().block();
    if let Some(Ok(Err(code))) = trailers.get() {
        return Err(Some(HttpError::new(url, kind_of(&code))));
    }
    Ok(Response {
        url: url.to_owned(),
        status,
        headers,
        body: bytes,
    })
}

fn method(name: &str) -> Method {
    match name {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        "CONNECT" => Method::Connect,
        "OPTIONS" => Method::Options,
        "TRACE" => Method::Trace,
        "PATCH" => Method::Patch,
        other => Method::Other(other.to_owned()),
    }
}

/// The team-facing kind of a `wasi:http` error code. Limits come from the run's budget, so
/// a message can say "within 2 s" (the sandbox's clock is virtual: a validator cannot time
/// a request itself).
fn kind_of(code: &ErrorCode) -> HttpErrorKind {
    match code {
        ErrorCode::DnsTimeout | ErrorCode::DnsError(_) | ErrorCode::DestinationNotFound => {
            HttpErrorKind::Dns
        }
        ErrorCode::DestinationUnavailable
        | ErrorCode::DestinationIpUnroutable
        | ErrorCode::ConnectionRefused => HttpErrorKind::ConnectionRefused,
        ErrorCode::ConnectionTerminated | ErrorCode::HttpResponseIncomplete => {
            HttpErrorKind::ConnectionClosed
        }
        ErrorCode::ConnectionTimeout
        | ErrorCode::ConnectionReadTimeout
        | ErrorCode::ConnectionWriteTimeout
        | ErrorCode::HttpResponseTimeout => HttpErrorKind::Timeout {
            timeout_ms: super::budget().request_timeout_ms,
        },
        ErrorCode::TlsProtocolError
        | ErrorCode::TlsCertificateError
        | ErrorCode::TlsAlertReceived(_) => HttpErrorKind::Tls {
            detail: tls_detail(code),
        },
        ErrorCode::HttpResponseBodySize(_)
        | ErrorCode::HttpResponseHeaderSectionSize(_)
        | ErrorCode::HttpResponseHeaderSize(_)
        | ErrorCode::HttpResponseTrailerSectionSize(_)
        | ErrorCode::HttpResponseTrailerSize(_) => HttpErrorKind::TooLarge {
            limit_bytes: super::budget().max_response_bytes,
        },
        ErrorCode::HttpProtocolError
        | ErrorCode::HttpResponseTransferCoding(_)
        | ErrorCode::HttpResponseContentCoding(_)
        | ErrorCode::HttpUpgradeFailed => HttpErrorKind::Protocol {
            detail: format!("{code:?}"),
        },
        ErrorCode::HttpRequestDenied | ErrorCode::DestinationIpProhibited => {
            HttpErrorKind::Refused {
                detail: format!("{code:?}"),
            }
        }
        ErrorCode::InternalError(Some(detail)) => HttpErrorKind::Other {
            detail: detail.clone(),
        },
        other => HttpErrorKind::Other {
            detail: format!("{other:?}"),
        },
    }
}

fn tls_detail(code: &ErrorCode) -> String {
    match code {
        ErrorCode::TlsCertificateError => "certificate not accepted".to_owned(),
        ErrorCode::TlsAlertReceived(alert) => match &alert.alert_message {
            Some(message) => format!("TLS alert: {message}"),
            None => "TLS alert".to_owned(),
        },
        _ => "TLS protocol error".to_owned(),
    }
}
