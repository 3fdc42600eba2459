//! What the network costs a run, and what waiting runs cost everyone else.
//!
//! 1. Per-run overhead: `Runtime::judge` of the trivial 0.1.0 validator, beside the `net`
//!    0.2.0 validator sending one GET to a local service (live: resolve, connect, one
//!    HTTP/1.1 exchange, record) and the same run replayed from its recording.
//! 2. Judging beside waiting runs: latency of trivial judgments (another challenge) on an idle
//!    sandbox, then while 100 network runs wait on a service that never answers.
//!
//! `cargo bench -p cohack-runtime --bench network` prints the table and ratios of
//! `BENCHMARKS.md`. `COHACK_BENCH_RUNS` sets the runs per row (default 2,000).

mod common;

use std::time::{Duration, Instant};

use cohack_runtime::{
    Endpoint, Limits, Network, NetworkMode, RunContext, Runtime, RuntimeConfig, Submission,
    Validator,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A keep-nothing HTTP/1.1 service on 127.0.0.1: `/health` answers at once, `/hang` never.
async fn service() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 2048];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                if request.starts_with(b"GET /hang") {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                }
                let body = br#"{"status":"ok"}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body).await;
            });
        }
    });
    port
}

fn network(port: u16, timeout: Duration) -> Network {
    Network {
        endpoints: vec![Endpoint {
            name: "api".into(),
            url: format!("http://127.0.0.1:{port}/"),
        }],
        allow_http: true,
        allow_private: true,
        request_timeout: timeout,
        ..Network::default()
    }
}

fn submission(answer: String) -> Submission {
    Submission {
        challenge: "bench".into(),
        team: "team-1".into(),
        answer,
        files: Vec::new(),
    }
}

/// Median and 99th percentile of `samples`.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

async fn time_runs(
    runtime: &Runtime,
    validator: &Validator,
    answer: &str,
    context: &RunContext,
    runs: usize,
) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let report = runtime
            .judge(validator, submission(answer.to_owned()), context.clone())
            .await;
        samples.push(started.elapsed());
        let verdict = report.outcome.as_ref().expect("a verdict");
        assert!(verdict.passed, "{report:?}");
    }
    percentiles(samples)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn main() {
    let runs: usize = std::env::var("COHACK_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let io = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let trivial = runtime
        .load(&common::guest("trivial"))
        .expect("trivial loads");
    let net = runtime.load(&common::guest("net")).expect("net loads");
    let plain = RunContext {
        limits: Limits::default(),
        ..RunContext::default()
    };

    io.block_on(async {
        let port = service().await;
        let get = format!("GET http://127.0.0.1:{port}/health");
        let live = RunContext {
            network: Some(network(port, Duration::from_secs(2))),
            ..plain.clone()
        };
        let recording = runtime
            .judge(&net, submission(get.clone()), live.clone())
            .await
            .exchanges;
        let replay = RunContext {
            network: Some(Network {
                mode: NetworkMode::Replay {
                    exchanges: recording,
                },
                ..network(port, Duration::from_secs(2))
            }),
            ..plain.clone()
        };
        // Warm-up.
        let _ = time_runs(&runtime, &trivial, "42", &plain, runs / 10).await;
        let _ = time_runs(&runtime, &net, &get, &live, runs / 10).await;

        println!("## Per-run overhead ({runs} runs each, Runtime::judge, sequential)");
        println!("| run | p50 | p99 | p50 vs 0.1.0 |");
        println!("|---|---|---|---|");
        let (base50, base99) = time_runs(&runtime, &trivial, "42", &plain, runs).await;
        println!("| trivial 0.1.0 validator | {} | {} | 1.00× |", micros(base50), micros(base99));
        for (name, context) in [
            ("0.2.0 `net`, one GET to a local service (live)", &live),
            ("0.2.0 `net`, the same GET replayed", &replay),
        ] {
            let (p50, p99) = time_runs(&runtime, &net, &get, context, runs).await;
            println!(
                "| {name} | {} | {} | {:.2}× |",
                micros(p50),
                micros(p99),
                p50.as_secs_f64() / base50.as_secs_f64()
            );
        }

        println!();
        println!("## Judging another challenge while network runs wait ({runs} trivial runs)");
        println!("| situation | p50 | p99 | p50 vs idle |");
        println!("|---|---|---|---|");
        let (idle50, idle99) = time_runs(&runtime, &trivial, "42", &plain, runs).await;
        println!("| idle sandbox | {} | {} | 1.00× |", micros(idle50), micros(idle99));
        let hanging = RunContext {
            network: Some(network(port, Duration::from_secs(60))),
            ..plain.clone()
        };
        let waiting: Vec<_> = (0..100)
            .map(|_| {
                tokio::spawn(runtime.judge(
                    &net,
                    submission(format!("GET http://127.0.0.1:{port}/hang")),
                    hanging.clone(),
                ))
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (busy50, busy99) = time_runs(&runtime, &trivial, "42", &plain, runs).await;
        let still_waiting = waiting.iter().filter(|h| !h.is_finished()).count();
        println!(
            "| 100 network runs waiting on a service that never answers ({still_waiting} still waiting at the end) | {} | {} | {:.2}× |",
            micros(busy50),
            micros(busy99),
            busy50.as_secs_f64() / idle50.as_secs_f64()
        );
        for handle in waiting {
            handle.abort();
        }
    });
}
