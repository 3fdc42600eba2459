//! Sending one checked request: resolve the name once, check every address, connect to the
//! first allowed one (never resolving again), TLS for `https` with the system's roots, one
//! HTTP/1.1 exchange, and the response body read up to the run's cap. Redirects are never
//! followed: the validator gets the 3xx and any next request is checked on its own.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use tokio::net::TcpStream;
use url::Url;
use wasmtime_wasi_http::io::TokioIo;

use super::Network;
use super::exchange::FailureKind;
use super::policy::{NetworkError, host_of};

/// A request that did not produce an acceptable response, and why.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The sandbox refused it (the validator's fault).
    Refused(NetworkError),
    /// It went out but failed (the service's fault).
    Failed(FailureKind, String),
}

/// A response read whole.
pub(crate) struct Received {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

/// Resolves `url`'s host (or takes its IP literal) and returns the first address the run may
/// reach, refusing if there is none.
async fn destination(network: &Network, url: &Url) -> Result<SocketAddr, SendError> {
    let host = host_of(url);
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| {
                SendError::Failed(FailureKind::Dns, format!("cannot resolve {host}: {e}"))
            })?
            .collect(),
    };
    let mut first_refusal = None;
    for address in &addresses {
        match network.check_address(&host, address.ip()) {
            Ok(()) => return Ok(*address),
            Err(refusal) => {
                first_refusal.get_or_insert(refusal);
            }
        }
    }
    Err(match first_refusal {
        Some(refusal) => SendError::Refused(refusal),
        None => SendError::Failed(FailureKind::Dns, format!("{host} has no address")),
    })
}

/// The TLS client set-up, built once: the system's root certificates.
fn tls() -> Result<Arc<rustls::ClientConfig>, SendError> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            let found = rustls_native_certs::load_native_certs();
            for cert in found.certs {
                // A certificate the store cannot parse is skipped, as browsers do.
                let _ = roots.add(cert);
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map(|builder| {
                    Arc::new(builder.with_root_certificates(roots).with_no_client_auth())
                })
                .map_err(|e| format!("TLS set-up: {e}"))
        })
        .clone()
        .map_err(|e| SendError::Failed(FailureKind::Tls, e))
}

/// Sends `request` (whose URI is absolute) to the checked address of `url` and reads the
/// response body up to `network.max_response_bytes`. The caller bounds it in time.
pub(crate) async fn send(
    network: &Network,
    url: &Url,
    mut request: http::Request<http_body_util::Full<Bytes>>,
) -> Result<Received, SendError> {
    let address = destination(network, url).await?;
    let tcp = TcpStream::connect(address).await.map_err(|e| {
        SendError::Failed(
            FailureKind::ConnectionRefused,
            format!("cannot connect to {address}: {e}"),
        )
    })?;
    // Only the path goes on the request line; the host set `Host` from the URL.
    *request.uri_mut() = url[url::Position::BeforePath..url::Position::AfterQuery]
        .parse()
        .map_err(|e| {
            SendError::Refused(NetworkError::NotAUrl {
                url: url.to_string(),
                why: format!("{e}"),
            })
        })?;
    let authority = &url[url::Position::BeforeHost..url::Position::AfterPort];
    let host_header = http::HeaderValue::from_str(authority).map_err(|_| {
        SendError::Refused(NetworkError::NotAUrl {
            url: url.to_string(),
            why: "its host cannot be sent in a Host header".into(),
        })
    })?;
    request
        .headers_mut()
        .insert(http::header::HOST, host_header);

    let response = if url.scheme() == "https" {
        let name = rustls::pki_types::ServerName::try_from(host_of(url))
            .map_err(|e| SendError::Failed(FailureKind::Tls, format!("{e}")))?;
        let stream = tokio_rustls::TlsConnector::from(tls()?)
            .connect(name, tcp)
            .await
            .map_err(|e| SendError::Failed(FailureKind::Tls, format!("TLS with {address}: {e}")))?;
        exchange(TokioIo::new(stream), request).await?
    } else {
        exchange(TokioIo::new(tcp), request).await?
    };
    read(network, response).await
}

async fn exchange<S>(
    io: TokioIo<S>,
    request: http::Request<http_body_util::Full<Bytes>>,
) -> Result<http::Response<Incoming>, SendError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let protocol = |e: hyper::Error| SendError::Failed(FailureKind::Protocol, format!("{e}"));
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(protocol)?;
    // Drives the connection until the response is read; ends with this exchange.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender.send_request(request).await.map_err(|e| {
        if e.is_incomplete_message() || e.is_closed() {
            SendError::Failed(
                FailureKind::ConnectionRefused,
                format!("the connection closed before a response: {e}"),
            )
        } else {
            protocol(e)
        }
    })
}

/// A byte count for a message: `512 bytes`, `64 KiB`.
fn size(bytes: u64) -> String {
    if bytes < 1024 || !bytes.is_multiple_of(1024) {
        format!("{bytes} bytes")
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

async fn read(
    network: &Network,
    response: http::Response<Incoming>,
) -> Result<Received, SendError> {
    let cap = network.max_response_bytes;
    let too_large = |n: u64| {
        SendError::Failed(
            FailureKind::TooLarge,
            format!(
                "the response body is larger than the limit of {} ({n} bytes or more)",
                size(cap)
            ),
        )
    };
    let (parts, mut body) = response.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|&n| n > cap) {
        return Err(too_large(n));
    }
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            SendError::Failed(FailureKind::Protocol, format!("reading the body: {e}"))
        })?;
        if let Ok(data) = frame.into_data() {
            let total = bytes.len() as u64 + data.len() as u64;
            if total > cap {
                return Err(too_large(total));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(Received {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: Bytes::from(bytes),
    })
}
