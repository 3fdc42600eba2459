//! Prometheus metrics: request counts and latencies by route and status, and pool usage, in a
//! registry of their own. The HTTP edge records into them ([`crate::http`]'s middleware) and
//! serves them (`GET /metrics`).
//!
//! Routes are labelled by their matched pattern (`/api/v1/teams/{id}`), never by the raw
//! path, so that the number of series stays bounded whatever clients send.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

/// The process's metrics, registered in a registry of their own (one per server, so that
/// several servers in one test process never collide).
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("cohack".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        let pool_connections = IntGauge::new(
            "db_pool_connections",
            "Open database connections in the pool",
        )?;
        let pool_idle = IntGauge::new("db_pool_idle_connections", "Idle pooled connections")?;
        let pool_max = IntGauge::new("db_pool_max_connections", "Configured pool size")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_idle.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            pool_connections,
            pool_idle,
            pool_max,
        })
    }

    /// The registry, for parts that keep metrics of their own (the outbox).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Counts one request and its latency, by matched route.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, status_label(status)])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// Refreshes the pool gauges and renders every metric in Prometheus' text format.
    pub fn render(&self, pool: PoolUsage) -> Result<Vec<u8>, prometheus::Error> {
        self.pool_connections.set(pool.connections.into());
        self.pool_idle.set(pool.idle.into());
        self.pool_max.set(pool.max.into());
        let mut body = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut body)?;
        Ok(body)
    }
}

/// The database pool's state when metrics are read.
#[derive(Debug, Clone, Copy)]
pub struct PoolUsage {
    /// Open connections.
    pub connections: u32,
    /// Of those, idle.
    pub idle: u32,
    /// The configured size.
    pub max: u32,
}

fn status_label(status: u16) -> &'static str {
    // Pre-rendered labels: the hot path allocates nothing for common statuses.
    match status {
        200 => "200",
        201 => "201",
        202 => "202",
        204 => "204",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        409 => "409",
        413 => "413",
        429 => "429",
        500 => "500",
        503 => "503",
        s if s < 300 => "2xx",
        s if s < 400 => "3xx",
        s if s < 500 => "4xx",
        _ => "5xx",
    }
}
