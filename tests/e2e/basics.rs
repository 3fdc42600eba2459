//! HTTP basics on both backends: probes, metrics, the OpenAPI document, JSON errors, limits.

use serde_json::Value;

use crate::{backend_tests, harness::TestApp};

backend_tests!(
    healthz_and_readyz_answer,
    metrics_count_requests_by_route,
    openapi_lists_every_endpoint,
    unknown_routes_get_json_errors,
    responses_carry_a_request_id,
);

async fn healthz_and_readyz_answer(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.expect("json")["status"], "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
}

async fn metrics_count_requests_by_route(app: TestApp) {
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
    let _ = app.get("/no/such/thing/12345").await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("text");
    assert!(
        text.contains(
            r#"cohack_http_requests_total{method="GET",route="/healthz",status="200"} 3"#
        ),
        "{text}"
    );
    // Unknown paths are counted under one label, not one series per path.
    assert!(!text.contains("12345"), "{text}");
    assert!(text.contains("cohack_http_request_duration_seconds_bucket"));
    assert!(text.contains("cohack_db_pool_max_connections 4"));
}

async fn openapi_lists_every_endpoint(app: TestApp) {
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.expect("json");
    assert!(
        doc["openapi"].as_str().expect("version").starts_with("3.1"),
        "{doc}"
    );
    for path in ["/healthz", "/readyz", "/metrics"] {
        assert!(
            doc["paths"][path]["get"].is_object(),
            "{path} missing: {doc}"
        );
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
}

async fn unknown_routes_get_json_errors(app: TestApp) {
    let response = app.get("/api/v1/nothing-here").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.expect("json error body");
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].is_string());
}

async fn responses_carry_a_request_id(app: TestApp) {
    let first = app.get("/healthz").await;
    let second = app.get("/healthz").await;
    let id = |r: &reqwest::Response| {
        r.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .expect("x-request-id header")
    };
    assert_ne!(id(&first), id(&second));
}
