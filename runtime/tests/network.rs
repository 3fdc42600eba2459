//! The network of a 0.2.0 validator, against a real HTTP service on 127.0.0.1 started by the
//! test: what is allowed works and is recorded; everything else is refused, recorded, and
//! never reaches the service (the service counts every connection it accepts).
//!
//! The `net` guest (`tests/guests/net`) sends what its answer says, one command per line, and
//! reports each request's result as a check.

#[expect(
    dead_code,
    reason = "the shared harness has helpers only other test files use"
)]
mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cohack_runtime::{
    Endpoint, ExchangeOutcome, FailureKind, HostPattern, Limits, Network, NetworkMode, RunContext,
    RunReport, Runtime, RuntimeConfig, ValidatorErrorKind as Kind,
};
use common::{answer, load, runtime, verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A tiny HTTP/1.1 service on 127.0.0.1: `/health`, `/echo?value=V`, `/status/N`,
/// `/redirect?to=URL`, `/big` (2 MiB), `/slow?ms=N`, `/hang` (never answers). Counts the
/// connections it accepts. Stops when dropped.
struct Service {
    port: u16,
    connections: Arc<AtomicUsize>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Service {
    fn start() -> Service {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let connections = Arc::new(AtomicUsize::new(0));
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let counter = Arc::clone(&connections);
        runtime.spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request).into_owned();
                    let target = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let response = respond(&target).await;
                    let _ = stream.write_all(&response).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Service {
            port,
            connections,
            runtime: Some(runtime),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Stops the service: its port refuses connections from now on.
    fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn respond(target: &str) -> Vec<u8> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap_or("")
            .to_owned()
    };
    let http = |status: &str, headers: &str, body: &[u8]| {
        let mut out = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        out
    };
    let json = "content-type: application/json\r\n";
    match path {
        "/" => http("200 OK", "", b"root"),
        "/health" => http("200 OK", json, br#"{"status":"ok"}"#),
        "/echo" => http(
            "200 OK",
            json,
            format!(r#"{{"value":"{}"}}"#, param("value")).as_bytes(),
        ),
        "/redirect" => http("302 Found", &format!("location: {}\r\n", param("to")), b""),
        "/big" => http("200 OK", "", &vec![b'x'; 2 << 20]),
        "/slow" => {
            let ms = param("ms").parse().unwrap_or(100);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            http("200 OK", json, br#"{"status":"ok"}"#)
        }
        "/hang" => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Vec::new()
        }
        _ => match path.strip_prefix("/status/") {
            Some(code) => http(&format!("{code} Status"), "", b"status body"),
            None => http("404 Not Found", "", b"no such page"),
        },
    }
}

/// Runs the test `name` again in a network namespace of its own with only loopback (`unshare
/// -n`), so that a destination the sandbox must refuse stays unreachable even if the sandbox
/// were wrong. Returns `true` in the parent (the test is done: it passed in the child), and
/// `false` in the child, which then runs the test's body. Without the right to create a
/// namespace, the test is skipped with a note (and fails under CI, where it must run).
fn isolated(name: &str) -> bool {
    if std::env::var_os("COHACK_NETNS_CHILD").is_some() {
        return false;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let status = std::process::Command::new("unshare")
        .args(["-n", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
        .arg(exe)
        .args(["--exact", name, "--test-threads=1"])
        .env("COHACK_NETNS_CHILD", "1")
        .status();
    match status {
        Ok(status) if status.success() => true,
        Ok(status) if status.code() == Some(101) => {
            panic!("{name} failed in its network namespace (see its output above)")
        }
        other => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} needs `unshare -n` (root, iproute2) under CI: {other:?}"
            );
            eprintln!("skipping {name}: cannot create a network namespace ({other:?})");
            true
        }
    }
}

/// A network for tests against the service: its root is the team's endpoint `api`.
fn network(service: &Service) -> Network {
    Network {
        endpoints: vec![Endpoint {
            name: "api".into(),
            url: service.url("/"),
        }],
        allow_http: true,
        allow_private: true,
        request_timeout: Duration::from_millis(1500),
        ..Network::default()
    }
}

fn context(network: Network) -> RunContext {
    RunContext {
        limits: Limits::default(),
        config: BTreeMap::new(),
        network: Some(network),
    }
}

fn run(runtime: &Runtime, commands: &str, network: Network) -> RunReport {
    load(runtime, "net").validate(&answer(commands), &context(network))
}

/// The refusal reason of the first refused exchange, or a panic with the report.
fn refusal(report: &RunReport) -> &str {
    report
        .exchanges
        .iter()
        .find_map(|e| match &e.outcome {
            ExchangeOutcome::Refused { reason } => Some(reason.as_str()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected a refused exchange: {report:#?}"))
}

fn network_error(report: &RunReport) -> String {
    match &report.outcome {
        Err(e) if e.kind == Kind::Network => e.detail.clone(),
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[test]
fn a_request_to_the_teams_endpoint_is_answered_and_recorded() {
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!("GET {}\nENDPOINT api", service.url("/health")),
        network(&service),
    );
    let verdict = verdict(&report);
    assert!(verdict.passed, "{report:#?}");
    assert!(verdict.checks[0].message.contains(r#"{"status":"ok"}"#));
    assert_eq!(report.exchanges.len(), 2);
    let first = &report.exchanges[0];
    assert_eq!(first.method, "GET");
    assert_eq!(first.url, service.url("/health"));
    match &first.outcome {
        ExchangeOutcome::Response {
            status,
            headers,
            body,
        } => {
            assert_eq!(*status, 200);
            assert_eq!(
                headers.get("content-type").map(String::as_str),
                Some("application/json")
            );
            assert_eq!(body.text(), Some(r#"{"status":"ok"}"#));
        }
        other => panic!("expected a response, got {other:?}"),
    }
    assert!(first.summary().contains("→ 200 in"), "{}", first.summary());
    assert_eq!(service.connections(), 2);
}

#[test]
fn loopback_is_refused_when_private_addresses_are_not_allowed_and_nothing_is_reached() {
    if isolated("loopback_is_refused_when_private_addresses_are_not_allowed_and_nothing_is_reached")
    {
        return;
    }
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!("GET {}", service.url("/health")),
        Network {
            allow_private: false,
            ..network(&service)
        },
    );
    assert!(network_error(&report).contains("loopback"), "{report:#?}");
    assert!(refusal(&report).contains("validator_network_allow_private"));
    assert_eq!(
        service.connections(),
        0,
        "the service must never be reached"
    );
}

#[test]
fn a_name_resolving_to_a_private_address_is_refused_after_resolution() {
    if isolated("a_name_resolving_to_a_private_address_is_refused_after_resolution") {
        return;
    }
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!("GET http://localhost:{}/health", service.port),
        Network {
            allowed_hosts: vec![HostPattern::parse("localhost").expect("pattern")],
            allow_private: false,
            ..network(&service)
        },
    );
    let reason = refusal(&report);
    assert!(
        reason.contains("localhost is") && reason.contains("loopback"),
        "{reason}"
    );
    assert_eq!(service.connections(), 0);
}

#[test]
fn cloud_metadata_is_refused_even_where_private_addresses_are_allowed() {
    if isolated("cloud_metadata_is_refused_even_where_private_addresses_are_allowed") {
        return;
    }
    let runtime = runtime();
    for url in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
    ] {
        let report = run(
            &runtime,
            &format!("GET {url}"),
            Network {
                allowed_hosts: ["169.254.169.254", "fd00:ec2::254", "::ffff:a9fe:a9fe"]
                    .iter()
                    .map(|h| HostPattern::parse(h).expect("pattern"))
                    .collect(),
                allow_http: true,
                allow_private: true,
                ..Network::default()
            },
        );
        let reason = refusal(&report);
        assert!(reason.contains("cloud metadata"), "{url}: {reason}");
    }
}

#[test]
fn hosts_outside_the_endpoints_and_allowed_hosts_are_refused() {
    if isolated("hosts_outside_the_endpoints_and_allowed_hosts_are_refused") {
        return;
    }
    let service = Service::start();
    let runtime = runtime();
    // Another port on the same host is another service.
    let report = run(
        &runtime,
        &format!(
            "GET http://127.0.0.1:{}/health",
            service.port.wrapping_add(1)
        ),
        network(&service),
    );
    assert!(refusal(&report).contains("neither one of the team's endpoints"));
    // https only unless http is allowed.
    let report = run(
        &runtime,
        &format!("GET {}", service.url("/health")),
        Network {
            allow_http: false,
            ..network(&service)
        },
    );
    assert!(refusal(&report).contains("http://"), "{report:#?}");
    // No network at all.
    let report = load(&runtime, "net").validate(
        &answer(&format!("GET {}", service.url("/health"))),
        &RunContext::default(),
    );
    assert!(network_error(&report).contains("no [network] section"));
    assert_eq!(service.connections(), 0);
}

#[test]
fn a_redirect_to_a_foreign_host_is_not_followed() {
    if isolated("a_redirect_to_a_foreign_host_is_not_followed") {
        return;
    }
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!(
            "GET-FOLLOW {}",
            service.url("/redirect?to=http://169.254.169.254/latest/meta-data/")
        ),
        network(&service),
    );
    assert_eq!(report.exchanges.len(), 2, "{report:#?}");
    assert!(matches!(
        report.exchanges[0].outcome,
        ExchangeOutcome::Response { status: 302, .. }
    ));
    assert!(report.exchanges[1].refused());
    assert_eq!(service.connections(), 1);
}

#[test]
fn requests_over_the_budget_are_refused_and_never_sent() {
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!("GET-N 5 {}", service.url("/health")),
        Network {
            max_requests: 3,
            ..network(&service)
        },
    );
    assert!(refusal(&report).contains("already sent its 3 requests"));
    assert_eq!(
        report.exchanges.len(),
        5,
        "the refused ones are recorded too"
    );
    assert_eq!(report.exchanges.iter().filter(|e| e.refused()).count(), 2);
    assert_eq!(service.connections(), 3);
}

#[test]
fn a_response_over_the_cap_fails_the_request_not_the_validator() {
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!("GET {}", service.url("/big")),
        Network {
            max_response_bytes: 1 << 20,
            ..network(&service)
        },
    );
    let verdict = verdict(&report);
    assert!(!verdict.passed);
    assert!(matches!(
        report.exchanges[0].outcome,
        ExchangeOutcome::Failed {
            error: FailureKind::TooLarge,
            ..
        }
    ));
}

#[test]
fn a_service_that_errs_or_is_down_fails_the_check_not_the_validator() {
    let mut service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        &format!("GET {}", service.url("/status/500")),
        network(&service),
    );
    let failed = verdict(&report);
    assert!(!failed.passed && failed.checks[0].message.contains("500"));
    let url = service.url("/health");
    service.stop();
    let report = run(&runtime, &format!("GET {url}"), network(&service));
    assert!(!verdict(&report).passed);
    assert!(matches!(
        report.exchanges[0].outcome,
        ExchangeOutcome::Failed {
            error: FailureKind::ConnectionRefused,
            ..
        }
    ));
}

#[test]
fn waiting_on_the_network_does_not_count_against_the_runs_wall_time() {
    let service = Service::start();
    let runtime = runtime();
    let context = RunContext {
        limits: Limits {
            wall_time: Duration::from_millis(200),
            ..Limits::default()
        },
        ..context(network(&service))
    };
    let report = load(&runtime, "net").validate(
        &answer(&format!("GET-N 2 {}", service.url("/slow?ms=300"))),
        &context,
    );
    assert!(verdict(&report).passed, "{report:#?}");
    assert!(report.duration >= Duration::from_millis(600));
}

#[test]
fn a_hanging_service_times_out_and_never_holds_up_other_judging() {
    let service = Service::start();
    // One worker: if network runs held it, the trivial runs below could not run at all.
    let runtime = Runtime::new(RuntimeConfig {
        workers: 1,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let net = load(&runtime, "net");
    let trivial = load(&runtime, "trivial");
    let io = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio");
    io.block_on(async {
        let hanging: Vec<_> = (0..16)
            .map(|_| {
                tokio::spawn(runtime.judge(
                    &net,
                    answer(&format!("GET {}", service.url("/hang"))),
                    context(network(&service)),
                ))
            })
            .collect();
        // While all sixteen wait on the service, other validators are judged.
        for _ in 0..20 {
            let report = runtime
                .judge(&trivial, answer("42"), common::context(Limits::default()))
                .await;
            assert!(verdict(&report).passed);
        }
        assert!(
            hanging.iter().all(|h| !h.is_finished()),
            "the hanging runs were still waiting while the others were judged"
        );
        for handle in hanging {
            let report = handle.await.expect("joined");
            assert!(!verdict(&report).passed);
            assert!(matches!(
                report.exchanges[0].outcome,
                ExchangeOutcome::Failed {
                    error: FailureKind::Timeout,
                    ..
                }
            ));
        }
    });
}

#[test]
fn a_replay_gives_the_same_verdict_with_the_service_stopped() {
    let mut service = Service::start();
    let runtime = runtime();
    let commands = format!(
        "GET {}\nGET {}\nGET {}",
        service.url("/health"),
        service.url("/echo?value=abc"),
        service.url("/status/503")
    );
    let live = run(&runtime, &commands, network(&service));
    let seen = service.connections();
    service.stop();
    let replayed = run(
        &runtime,
        &commands,
        Network {
            mode: NetworkMode::Replay {
                exchanges: live.exchanges.clone(),
            },
            ..network(&service)
        },
    );
    assert_eq!(replayed.outcome, live.outcome);
    assert_eq!(
        replayed.exchanges, live.exchanges,
        "the record replays as recorded"
    );
    assert_eq!(service.connections(), seen);

    // A run that asks for something else than the recording is refused.
    let other = run(
        &runtime,
        &format!("GET {}", service.url("/echo?value=xyz")),
        Network {
            mode: NetworkMode::Replay {
                exchanges: live.exchanges,
            },
            ..network(&service)
        },
    );
    assert!(refusal(&other).contains("replaying the recorded run"));
}

#[test]
fn the_submission_carries_the_teams_endpoints() {
    let service = Service::start();
    let runtime = runtime();
    let report = run(
        &runtime,
        "ENDPOINT api\nENDPOINT missing",
        network(&service),
    );
    let verdict = verdict(&report);
    assert!(verdict.checks[0].passed, "{report:#?}");
    assert!(!verdict.checks[1].passed);
    assert!(report.exchanges.len() == 1, "{report:#?}");
}

#[test]
fn the_contract_version_is_told_by_the_world_a_validator_targets() {
    let runtime = runtime();
    assert_eq!(load(&runtime, "net").contract(), "0.2.0");
    assert_eq!(load(&runtime, "trivial").contract(), "0.1.0");
}

#[test]
fn a_replayed_post_reads_the_body_the_validator_sends_and_records_it() {
    let mut service = Service::start();
    let runtime = runtime();
    let command = format!("POST {} {{\"hello\":\"world\"}}", service.url("/health"));
    let live = run(&runtime, &command, network(&service));
    assert!(verdict(&live).passed, "{live:#?}");
    service.stop();
    let replayed = run(
        &runtime,
        &command,
        Network {
            mode: NetworkMode::Replay {
                exchanges: live.exchanges.clone(),
            },
            ..network(&service)
        },
    );
    assert_eq!(replayed.outcome, live.outcome);
    assert_eq!(
        replayed.exchanges[0].request_body.text(),
        Some(r#"{"hello":"world"}"#)
    );
    assert_eq!(replayed.exchanges, live.exchanges);
}
