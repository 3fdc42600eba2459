//! The per-run side of the network: the [`Ledger`] (the budget, the exchanges recorded so
//! far, the time spent waiting) and [`NetworkHooks`], the hook wasmtime-wasi-http calls for
//! every request a validator sends.
//!
//! The hook's synchronous part runs on the run's thread: it checks the URL and the budget
//! and reserves the exchange's slot, so the order of the record is the order of sending. The
//! rest (reading the request body, resolving, connecting, the response) runs on
//! wasmtime-wasi's I/O runtime, bounded by the request's timeout, and fills the slot in.
//! Waiting on it burns no fuel; the time is credited back to the run's own wall-time limit
//! (`run.rs`) and bounded by its own: `max_requests` × `request_timeout`.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use url::Url;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::exchange::{Body, Exchange, ExchangeOutcome, FailureKind};
use super::policy::NetworkError;
use super::send::{Received, SendError, send};
use super::{Network, NetworkMode};

/// Request bodies recorded (and sent) up to this: validators send small JSON.
const MAX_REQUEST_BODY: usize = 1 << 20;
/// Of a request body, this much is kept in the record.
const RECORDED_REQUEST_BODY: usize = 16 << 10;
/// Request headers worth recording.
const REQUEST_HEADERS: &[&str] = &["accept", "content-type"];
/// Response headers worth recording (and replaying).
const RESPONSE_HEADERS: &[&str] = &["content-type", "content-length", "location"];

/// What a run has done on the network so far. Shared between the store (the hook, the budget
/// import, the epoch callback) and the requests in flight.
#[derive(Default)]
pub(crate) struct Ledger {
    network: Option<Network>,
    exchanges: Vec<Exchange>,
    /// Requests in flight: slot index and when they were sent.
    in_flight: Vec<(usize, Instant)>,
    /// Time spent waiting on finished requests.
    waited: Duration,
    /// The next recorded exchange to replay.
    replay_next: usize,
}

/// The ledger behind a lock: cheap to clone into request futures.
#[derive(Clone, Default)]
pub(crate) struct SharedLedger(Arc<Mutex<Ledger>>);

impl SharedLedger {
    /// A ledger for a run with `network` (or none: every request refused).
    pub(crate) fn new(network: Option<Network>) -> Self {
        Self(Arc::new(Mutex::new(Ledger {
            network,
            ..Ledger::default()
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Ledger> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Time the run has spent waiting on the network, counting requests still in flight.
    pub(crate) fn waited(&self) -> Duration {
        let ledger = self.lock();
        ledger.waited
            + ledger
                .in_flight
                .iter()
                .map(|(_, since)| since.elapsed())
                .sum::<Duration>()
    }

    /// The run's network wall-time limit, if it has a network.
    pub(crate) fn wall_time(&self) -> Option<Duration> {
        self.lock().network.as_ref().map(Network::wall_time)
    }

    /// What the `network-budget` import answers: (requests left, max requests, timeout in
    /// ms, max response bytes).
    pub(crate) fn budget(&self) -> (u32, u32, u32, u64) {
        let ledger = self.lock();
        match &ledger.network {
            Some(n) => {
                let sent = u32::try_from(ledger.exchanges.len()).unwrap_or(u32::MAX);
                (
                    n.max_requests.saturating_sub(sent),
                    n.max_requests,
                    u32::try_from(n.request_timeout.as_millis()).unwrap_or(u32::MAX),
                    n.max_response_bytes,
                )
            }
            None => (0, 0, 0, 0),
        }
    }

    /// The exchanges, in the order they were sent; requests the run did not wait for are
    /// marked so.
    pub(crate) fn finish(&self) -> Vec<Exchange> {
        let mut ledger = self.lock();
        let pending: Vec<usize> = ledger.in_flight.drain(..).map(|(i, _)| i).collect();
        for i in pending {
            if let Some(exchange) = ledger.exchanges.get_mut(i) {
                exchange.outcome = ExchangeOutcome::Failed {
                    error: FailureKind::Timeout,
                    reason: "the run ended before this request was answered".into(),
                };
            }
        }
        std::mem::take(&mut ledger.exchanges)
    }

    /// Reserves the next slot for a request, or records its refusal. On success, the policy
    /// the request is sent under and what to do with it.
    fn open(&self, exchange: Exchange, url: Option<&Url>) -> Result<(usize, Plan), Error> {
        let mut ledger = self.lock();
        let index = ledger.exchanges.len();
        let verdict = match (&ledger.network, url) {
            (None, _) => Err(refusal(
                "the challenge declares no [network] section, so its validator may send no request",
            )),
            (Some(_), None) => Err(refusal("the request has no absolute URL")),
            (Some(network), Some(url)) => {
                let sent = u32::try_from(index).unwrap_or(u32::MAX);
                if sent >= network.max_requests {
                    Err(refusal(format!(
                        "the run already sent its {} requests (`max_requests`)",
                        network.max_requests
                    )))
                } else {
                    network
                        .check_url(url)
                        .map_err(|e| (e.to_string(), Error::HttpRequestDenied))
                        .map(|()| network.clone())
                }
            }
        };
        let network = match verdict {
            Ok(network) => network,
            Err((reason, error)) => {
                ledger.exchanges.push(Exchange {
                    outcome: ExchangeOutcome::Refused { reason },
                    ..exchange
                });
                return Err(error);
            }
        };
        let plan = match &network.mode {
            NetworkMode::Live => Plan::Live(network),
            NetworkMode::Replay { exchanges } => {
                let next = ledger.replay_next;
                ledger.replay_next += 1;
                match exchanges.get(next) {
                    Some(recorded)
                        if recorded.method == exchange.method && recorded.url == exchange.url =>
                    {
                        Plan::Replay(recorded.clone())
                    }
                    other => {
                        let reason = match other {
                            Some(recorded) => format!(
                                "replaying the recorded run, whose request {} was {} {}: this run sent {} {} instead (is the validator deterministic?)",
                                next + 1,
                                recorded.method,
                                recorded.url,
                                exchange.method,
                                exchange.url
                            ),
                            None => format!(
                                "replaying the recorded run, which sent only {} requests",
                                exchanges.len()
                            ),
                        };
                        ledger.exchanges.push(Exchange {
                            outcome: ExchangeOutcome::Refused { reason },
                            ..exchange
                        });
                        return Err(Error::HttpRequestDenied);
                    }
                }
            }
        };
        ledger.exchanges.push(exchange);
        ledger.in_flight.push((index, Instant::now()));
        Ok((index, plan))
    }

    /// Fills slot `index` in with what became of its request: `took` is the time the run
    /// waited, `shown` the duration the record shows (a replay shows the recorded one, so a
    /// replayed "200 in 84 ms" stays that).
    fn close(
        &self,
        index: usize,
        request_body: Body,
        outcome: ExchangeOutcome,
        took: Duration,
        shown: Option<u64>,
    ) {
        let mut ledger = self.lock();
        ledger.in_flight.retain(|(i, _)| *i != index);
        ledger.waited += took;
        if let Some(exchange) = ledger.exchanges.get_mut(index) {
            exchange.request_body = request_body;
            exchange.outcome = outcome;
            exchange.duration_ms =
                shown.unwrap_or_else(|| u64::try_from(took.as_millis()).unwrap_or(u64::MAX));
        }
    }
}

fn refusal(reason: impl Into<String>) -> (String, Error) {
    (reason.into(), Error::HttpRequestDenied)
}

/// What to do with an accepted request.
enum Plan {
    /// Send it under this policy.
    Live(Network),
    /// Answer it from this record.
    Replay(Exchange),
}

/// The hook wasmtime-wasi-http calls to send a request: one per run.
pub(crate) struct NetworkHooks {
    pub(crate) ledger: SharedLedger,
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

impl WasiHttpHooks for NetworkHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        _options: Option<RequestOptions>,
        _response_errors: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        let url = Url::parse(&request.uri().to_string()).ok();
        let exchange = Exchange {
            method: request.method().to_string(),
            url: url
                .as_ref()
                .map_or_else(|| request.uri().to_string(), Url::to_string),
            request_headers: chosen(request.headers(), REQUEST_HEADERS),
            request_body: Body::default(),
            outcome: ExchangeOutcome::Refused {
                reason: String::new(),
            },
            duration_ms: 0,
        };
        let opened = self.ledger.open(exchange, url.as_ref());
        let ledger = self.ledger.clone();
        Box::new(async move {
            let (index, plan) = opened?;
            let started = Instant::now();
            let shown = match &plan {
                Plan::Replay(recorded) => Some(recorded.duration_ms),
                Plan::Live(_) => None,
            };
            let (request_body, result) = match plan {
                // The body is read as a live request's is: a guest still writing it must see
                // it consumed (a JavaScript engine waits on that), and the record shows what
                // this run sent.
                Plan::Replay(recorded) => match collect_body(request.into_body()).await {
                    Ok(bytes) => (recorded_body(&bytes), replay(&recorded)),
                    Err(refused) => (Body::default(), Err(refused)),
                },
                Plan::Live(network) => {
                    let url = url.ok_or(Error::HttpRequestUriInvalid)?;
                    live(&network, &url, request).await
                }
            };
            let took = started.elapsed();
            match result {
                Ok(received) => {
                    let outcome = ExchangeOutcome::Response {
                        status: received.status,
                        headers: chosen(&received.headers, RESPONSE_HEADERS),
                        body: Body::new(received.body.to_vec()),
                    };
                    ledger.close(index, request_body, outcome, took, shown);
                    let mut response = http::Response::new(
                        Full::new(received.body)
                            .map_err(|never| match never {})
                            .boxed_unsync(),
                    );
                    *response.status_mut() = http::StatusCode::from_u16(received.status)
                        .map_err(|_| Error::HttpProtocolError)?;
                    *response.headers_mut() = received.headers;
                    let done: Box<dyn Future<Output = Result<(), Error>> + Send> =
                        Box::new(async { Ok(()) });
                    Ok((response, done))
                }
                Err(SendError::Refused(refusal)) => {
                    let error = refusal_code(&refusal);
                    let outcome = ExchangeOutcome::Refused {
                        reason: refusal.to_string(),
                    };
                    ledger.close(index, request_body, outcome, took, shown);
                    Err(error)
                }
                Err(SendError::Failed(kind, reason)) => {
                    ledger.close(
                        index,
                        request_body,
                        ExchangeOutcome::Failed {
                            error: kind,
                            reason,
                        },
                        took,
                        shown,
                    );
                    Err(failure_code(kind))
                }
            }
        })
    }
}

/// Sends a request live, within its timeout; returns the recorded request body too.
async fn live(
    network: &Network,
    url: &Url,
    request: http::Request<WasiBody>,
) -> (Body, Result<Received, SendError>) {
    let timeout = network.request_timeout;
    let attempt = async {
        let (parts, body) = request.into_parts();
        let bytes = collect_body(body).await?;
        let recorded = recorded_body(&bytes);
        let request = http::Request::from_parts(parts, Full::new(bytes));
        Ok::<_, SendError>((recorded, send(network, url, request).await))
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok((recorded, result))) => (recorded, result),
        Ok(Err(failed)) => (Body::default(), Err(failed)),
        Err(_) => (
            Body::default(),
            Err(SendError::Failed(
                FailureKind::Timeout,
                format!("no complete answer within {} ms", timeout.as_millis()),
            )),
        ),
    }
}

/// What the record keeps of a request body.
fn recorded_body(bytes: &[u8]) -> Body {
    Body {
        bytes: bytes[..bytes.len().min(RECORDED_REQUEST_BODY)].to_vec(),
        truncated: bytes.len() > RECORDED_REQUEST_BODY,
    }
}

async fn collect_body(mut body: WasiBody) -> Result<Bytes, SendError> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| SendError::Refused(NetworkError::RequestBody(format!("failed: {e}"))))?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > MAX_REQUEST_BODY {
                return Err(SendError::Refused(NetworkError::RequestBody(format!(
                    "is above {} KiB",
                    MAX_REQUEST_BODY >> 10
                ))));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Bytes::from(bytes))
}

/// Answers a request from its record.
fn replay(recorded: &Exchange) -> Result<Received, SendError> {
    match &recorded.outcome {
        ExchangeOutcome::Response {
            status,
            headers,
            body,
        } => {
            let mut map = http::HeaderMap::new();
            for (name, value) in headers {
                if let (Ok(name), Ok(value)) = (
                    http::HeaderName::from_bytes(name.as_bytes()),
                    http::HeaderValue::from_str(value),
                ) {
                    map.insert(name, value);
                }
            }
            Ok(Received {
                status: *status,
                headers: map,
                body: Bytes::from(body.bytes.clone()),
            })
        }
        ExchangeOutcome::Failed { error, reason } => Err(SendError::Failed(*error, reason.clone())),
        ExchangeOutcome::Refused { reason } => {
            Err(SendError::Refused(NetworkError::Recorded(reason.clone())))
        }
    }
}

/// The wasi:http error code a validator gets for a refusal.
fn refusal_code(refusal: &NetworkError) -> Error {
    match refusal {
        NetworkError::Address { .. } => Error::DestinationIpProhibited,
        _ => Error::HttpRequestDenied,
    }
}

/// The wasi:http error code a validator gets for a failure.
fn failure_code(kind: FailureKind) -> Error {
    match kind {
        FailureKind::Timeout => Error::ConnectionReadTimeout,
        FailureKind::ConnectionRefused => Error::ConnectionRefused,
        FailureKind::Dns => Error::DnsError {
            rcode: Some("cannot resolve".into()),
            info_code: None,
        },
        FailureKind::Tls => Error::TlsProtocolError,
        FailureKind::TooLarge => Error::HttpResponseBodySize(None),
        FailureKind::Protocol => Error::HttpProtocolError,
    }
}

/// The headers among `names`, lower-case, first value each.
fn chosen(headers: &http::HeaderMap, names: &[&str]) -> BTreeMap<String, String> {
    names
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect()
}
