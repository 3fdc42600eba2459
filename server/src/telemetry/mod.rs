//! Structured logs through `tracing`: one line per request (with its request id, route,
//! status and duration) and whatever the domain logs, as text or JSON on standard error; and
//! the Prometheus [`metrics`].

pub mod metrics;

use tracing_subscriber::{EnvFilter, fmt::format::FmtSpan};

use crate::config::LogFormat;

/// Installs the global subscriber. `RUST_LOG` overrides the default filter. Calling it twice
/// is harmless (the second call does nothing), which in-process tests rely on.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn,tracing_actix_web=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // The request span closes when the response is sent: that is the request log line.
        .with_span_events(FmtSpan::CLOSE);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
