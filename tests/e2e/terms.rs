//! Participation terms over HTTP on both backends: an event's `terms` numbered as their text
//! changes, registration refused without the current version and recorded with it, a newer
//! version accepted by the same call, submitting blocked until the current version is
//! accepted, who accepted which version for organizers only, and the name-in-report choice.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{expect, publish_all, running_event, submit, team},
    events::{body, create_event, event_as, refusal},
    export::export_text,
    harness::{Account, TestApp},
    import_hostile::{ExportFile, import_text},
};

backend_tests!(
    registering_needs_the_current_terms_and_is_recorded,
    a_new_version_blocks_submitting_until_accepted,
    only_organizers_see_who_accepted,
    the_name_choice_is_kept_and_changed,
    the_export_carries_the_terms_and_who_accepted_them,
);

const TERMS_V1: &str = "## Terms\n\nWhat you build stays yours. The vendor may quote your words.";
const TERMS_V2: &str = "## Terms\n\nWhat you build stays yours. Quotes need your consent.";

/// `POST /events/{slug}/registrations` as `account` with `request`.
async fn register(
    app: &TestApp,
    account: &Account,
    slug: &str,
    request: Value,
) -> reqwest::Response {
    app.post(
        account.token(),
        &format!("/api/v1/events/{slug}/registrations"),
        &request,
    )
    .await
}

/// `PATCH /events/{slug}` as `account`.
async fn patch_event(app: &TestApp, account: &Account, slug: &str, request: Value) -> Value {
    expect(
        app.send(
            Method::PATCH,
            account.token(),
            &format!("/api/v1/events/{slug}"),
            &request,
        )
        .await,
        200,
    )
    .await
}

/// The event's terms record as `account` reads it.
async fn acceptances(app: &TestApp, account: &Account, slug: &str) -> reqwest::Response {
    app.get_as(
        &account.access_token,
        &format!("/api/v1/events/{slug}/terms/acceptances"),
    )
    .await
}

async fn registering_needs_the_current_terms_and_is_recorded(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let created = create_event(&app, &organizer, "legal-hack", json!({"terms": TERMS_V1})).await;
    assert_eq!(created["terms"], TERMS_V1);
    assert_eq!(created["terms_version"], 1);

    let ada = app.register("ada@acme.example", "Acme").await;
    // Without accepting, with a version the event does not have, with one it never had.
    let missing = refusal(register(&app, &ada, "legal-hack", json!({})).await).await;
    assert_eq!(missing, (400, "terms_acceptance_required".into()));
    let empty = refusal(
        app.post(
            ada.token(),
            "/api/v1/events/legal-hack/registrations",
            &Value::Null,
        )
        .await,
    )
    .await;
    assert_eq!(empty, (400, "terms_acceptance_required".into()));
    let future =
        refusal(register(&app, &ada, "legal-hack", json!({"accept_terms": 2})).await).await;
    assert_eq!(future, (422, "unknown_terms_version".into()));
    let zero = refusal(register(&app, &ada, "legal-hack", json!({"accept_terms": 0})).await).await;
    assert_eq!(zero, (400, "invalid_accept_terms".into()));
    let bad = refusal(register(&app, &ada, "legal-hack", json!({"accept_terms": "1"})).await).await;
    assert_eq!(bad.0, 400, "a version is a number");
    // Nothing was recorded by the refusals: she is not a participant.
    let seen = event_as(&app, &ada, "legal-hack").await;
    assert_eq!(seen["me"]["roles"], json!([]));
    assert_eq!(seen["me"]["accepted_terms_version"], Value::Null);

    let response = register(&app, &ada, "legal-hack", json!({"accept_terms": 1})).await;
    assert_eq!(response.status(), 201);
    let registered = body(response).await;
    assert_eq!(registered["roles"], json!(["participant"]));
    assert_eq!(registered["terms_version"], 1);
    assert_eq!(registered["accepted_terms_version"], 1);
    assert_eq!(registered["name_in_report"], false);

    // The same text saved again keeps its version; a new text is version 2.
    let same = patch_event(
        &app,
        &organizer,
        "legal-hack",
        json!({"terms": format!("  {TERMS_V1}\n")}),
    )
    .await;
    assert_eq!(same["terms_version"], 1);
    let changed = patch_event(&app, &organizer, "legal-hack", json!({"terms": TERMS_V2})).await;
    assert_eq!(changed["terms_version"], 2);
    assert_eq!(changed["terms"], TERMS_V2);
    let seen = event_as(&app, &ada, "legal-hack").await;
    assert_eq!(seen["terms_version"], 2);
    assert_eq!(seen["me"]["accepted_terms_version"], 1);
    assert_eq!(seen["me"]["must_accept_terms"], true);

    // Registered already: the same call accepts the new version (and only the current one).
    let old = refusal(register(&app, &ada, "legal-hack", json!({"accept_terms": 1})).await).await;
    assert_eq!(old, (409, "stale_terms_version".into()));
    let response = register(&app, &ada, "legal-hack", json!({"accept_terms": 2})).await;
    assert_eq!(response.status(), 200, "already registered");
    assert_eq!(body(response).await["accepted_terms_version"], 2);
    let seen = event_as(&app, &ada, "legal-hack").await;
    assert_eq!(seen["me"]["must_accept_terms"], false);

    let record = expect(acceptances(&app, &organizer, "legal-hack").await, 200).await;
    assert_eq!(record["current_version"], 2);
    let versions: Vec<i64> = record["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["version"].as_i64())
        .collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(record["versions"][0]["text"], TERMS_V1);
    let accepted: Vec<(String, i64)> = record["acceptances"]
        .as_array()
        .expect("acceptances")
        .iter()
        .map(|a| {
            (
                a["email"].as_str().unwrap_or_default().to_owned(),
                a["version"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        accepted,
        [
            ("ada@acme.example".to_owned(), 1),
            ("ada@acme.example".to_owned(), 2)
        ]
    );
    assert_eq!(record["acceptances"][0]["organization"], "Acme");
    assert!(record["acceptances"][0]["accepted_at"].is_string());

    // Clearing the terms: registering needs nothing any more.
    let cleared = patch_event(&app, &organizer, "legal-hack", json!({"terms": ""})).await;
    assert_eq!(cleared["terms_version"], Value::Null);
    let bob = app.register("bob@acme.example", "Acme").await;
    assert_eq!(
        register(&app, &bob, "legal-hack", json!({})).await.status(),
        201
    );

    // An event without terms registers as before; oversized terms are refused.
    create_event(&app, &organizer, "plain-hack", json!({})).await;
    assert_eq!(
        register(&app, &bob, "plain-hack", json!({})).await.status(),
        201
    );
    let huge = "x".repeat(65537);
    let refused = refusal(
        app.send(
            Method::PATCH,
            organizer.token(),
            "/api/v1/events/plain-hack",
            &json!({"terms": huge}),
        )
        .await,
    )
    .await;
    assert_eq!(refused, (400, "invalid_terms".into()));
}

async fn a_new_version_blocks_submitting_until_accepted(app: TestApp) {
    let event = running_event(&app, "terms-run").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (member, team_id) = team(&app, &event, "ada").await;
    let attempt = json!({"challenge": "first-contact", "answer": "0"});

    // Terms added while the team is at work: the next submission waits for an acceptance.
    let v1 = patch_event(
        &app,
        &event.organizer,
        "terms-run",
        json!({"terms": TERMS_V1}),
    )
    .await;
    assert_eq!(v1["terms_version"], 1);
    let response = submit(&app, &member.access_token, &team_id, &attempt).await;
    assert_eq!(response.status(), 403);
    let refused: Value = response.json().await.expect("json");
    assert_eq!(refused["error"]["code"], "terms_not_accepted");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("version 1"),
        "names the version: {message}"
    );

    let accepted = register(&app, &member, "terms-run", json!({"accept_terms": 1})).await;
    assert_eq!(accepted.status(), 200);
    let response = submit(&app, &member.access_token, &team_id, &attempt).await;
    assert!(
        matches!(response.status().as_u16(), 201 | 202),
        "submitted once accepted: {}",
        response.status()
    );

    // A second version blocks again, naming version 2, until it is accepted.
    patch_event(
        &app,
        &event.organizer,
        "terms-run",
        json!({"terms": TERMS_V2}),
    )
    .await;
    let response = submit(&app, &member.access_token, &team_id, &attempt).await;
    assert_eq!(response.status(), 403);
    let refused: Value = response.json().await.expect("json");
    assert_eq!(refused["error"]["code"], "terms_not_accepted");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("version 2"),
        "names the version: {message}"
    );
    assert_eq!(
        register(&app, &member, "terms-run", json!({"accept_terms": 2}))
            .await
            .status(),
        200
    );
    let response = submit(&app, &member.access_token, &team_id, &attempt).await;
    assert_ne!(response.status(), 403, "accepted: submitting again");
}

async fn only_organizers_see_who_accepted(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "secret-terms", json!({"terms": TERMS_V1})).await;
    let ada = app.register("ada@acme.example", "Acme").await;
    assert_eq!(
        register(&app, &ada, "secret-terms", json!({"accept_terms": 1}))
            .await
            .status(),
        201
    );
    let refused = refusal(acceptances(&app, &ada, "secret-terms").await).await;
    assert_eq!(refused.0, 403, "a participant does not list acceptances");
    let outsider = app.register("eve@rival.example", "Rival").await;
    assert_eq!(
        acceptances(&app, &outsider, "secret-terms").await.status(),
        403
    );
    assert_eq!(
        app.get("/api/v1/events/secret-terms/terms/acceptances")
            .await
            .status(),
        401
    );
    assert_eq!(
        acceptances(&app, &organizer, "no-such-event")
            .await
            .status(),
        404
    );
    // The public sees the terms themselves, to read them before registering.
    let public = body(app.get("/api/v1/events/secret-terms").await).await;
    assert_eq!(public["terms"], TERMS_V1);
    assert_eq!(public["terms_version"], 1);
    assert!(public.get("me").is_none());
}

async fn the_name_choice_is_kept_and_changed(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "named-hack", json!({})).await;
    let ada = app.register("ada@acme.example", "Acme").await;
    let response = register(&app, &ada, "named-hack", json!({"name_in_report": true})).await;
    assert_eq!(response.status(), 201);
    assert_eq!(body(response).await["name_in_report"], true);
    assert_eq!(
        event_as(&app, &ada, "named-hack").await["me"]["name_in_report"],
        true
    );

    let set = |value: Value| {
        let (app, ada) = (&app, &ada);
        async move {
            app.send(
                Method::PUT,
                ada.token(),
                "/api/v1/events/named-hack/name-in-report",
                &value,
            )
            .await
        }
    };
    let changed = expect(set(json!({"name_in_report": false})).await, 200).await;
    assert_eq!(changed["name_in_report"], false);
    assert_eq!(
        event_as(&app, &ada, "named-hack").await["me"]["name_in_report"],
        false
    );
    assert_eq!(set(json!({"name_in_report": "yes"})).await.status(), 400);
    assert_eq!(set(json!({})).await.status(), 400);
    // Registering again changes it too; without the field it stays.
    register(&app, &ada, "named-hack", json!({"name_in_report": true})).await;
    register(&app, &ada, "named-hack", json!({})).await;
    assert_eq!(
        event_as(&app, &ada, "named-hack").await["me"]["name_in_report"],
        true
    );

    // Default no; and only participants choose.
    let bob = app.register("bob@acme.example", "Acme").await;
    assert_eq!(
        register(&app, &bob, "named-hack", json!({})).await.status(),
        201
    );
    assert_eq!(
        event_as(&app, &bob, "named-hack").await["me"]["name_in_report"],
        false
    );
    let outsider = app.register("eve@rival.example", "Rival").await;
    let refused = refusal(
        app.send(
            Method::PUT,
            outsider.token(),
            "/api/v1/events/named-hack/name-in-report",
            &json!({"name_in_report": true}),
        )
        .await,
    )
    .await;
    assert_eq!(refused, (403, "not_a_participant".into()));
}

async fn the_export_carries_the_terms_and_who_accepted_them(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "terms-export", json!({"terms": TERMS_V1})).await;
    let ada = app.register("ada@acme.example", "Acme").await;
    assert_eq!(
        register(&app, &ada, "terms-export", json!({"accept_terms": 1}))
            .await
            .status(),
        201
    );
    patch_event(&app, &organizer, "terms-export", json!({"terms": TERMS_V2})).await;
    register(&app, &ada, "terms-export", json!({"accept_terms": 2})).await;

    let text = export_text(&app, "terms-export");
    let mut file = ExportFile::parse(&text);
    let versions: Vec<(i64, String)> = file
        .rows_of("event_terms")
        .map(|r| {
            (
                r["version"].as_i64().unwrap_or_default(),
                r["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [(1, TERMS_V1.to_owned()), (2, TERMS_V2.to_owned())]
    );
    let accepted: Vec<(String, i64)> = file
        .rows_of("terms_acceptances")
        .map(|r| {
            (
                r["user_id"].as_str().unwrap_or_default().to_owned(),
                r["version"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(accepted, [(ada.id.clone(), 1), (ada.id.clone(), 2)]);

    // Imported beside the original, the copy asks for version 2 and knows Ada accepted it.
    file.header["event"] = json!("terms-copy");
    file.rows_of("events")
        .for_each(|event| event["slug"] = json!("terms-copy"));
    let out = import_text(&app, &file.render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = event_as(&app, &ada, "terms-copy").await;
    assert_eq!(copy["terms"], TERMS_V2);
    assert_eq!(copy["terms_version"], 2);
    assert_eq!(copy["me"]["accepted_terms_version"], 2);
    let record = expect(acceptances(&app, &organizer, "terms-copy").await, 200).await;
    assert_eq!(record["acceptances"].as_array().map(Vec::len), Some(2));

    // An acceptance of a version the file does not have is refused, naming its line.
    let mut bad = ExportFile::parse(&text);
    bad.header["event"] = json!("terms-bad");
    bad.rows_of("events")
        .for_each(|event| event["slug"] = json!("terms-bad"));
    bad.rows_of("terms_acceptances")
        .for_each(|row| row["version"] = json!(7));
    let out = import_text(&app, &bad.render());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("version 7"), "{stderr}");
}
