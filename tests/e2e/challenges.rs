//! Challenges as authors, organizers and teams use them: publishing packages (and the
//! server refusing bad ones), the ladder unlocking, per-team materials, organizers' settings,
//! and the author's CLI. The sample challenges of `challenges/` are built once per process
//! and published through the API in the upload form, exactly as `cohack challenge publish`
//! sends them.

use std::collections::HashSet;

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{NaiveDateTime, TimeDelta};
use cohack_package::Package;
use cohack_server::{
    db::now,
    models::{
        event::{Event, EventSettings},
        role::{self, EventRole},
        team::Team,
    },
};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    harness::{Account, TestApp, built_challenges, repo_root, run_cohack},
};

backend_tests!(
    publish_goes_live_and_republish_adds_a_version,
    a_sample_with_the_wrong_outcome_refuses_the_version,
    binaries_that_are_not_validators_are_refused,
    only_authors_and_organizers_publish,
    the_ladder_unlocks_as_a_team_solves,
    participants_see_nothing_before_the_start,
    materials_are_per_team_and_private,
    organizers_change_settings,
);

// ---------------------------------------------------------------------------------------
// Fixtures shared with `submissions.rs`.

/// An event with its organizer (a portal organizer).
pub struct TestEvent {
    pub slug: String,
    pub id: String,
    pub organizer: Account,
}

/// An event that started an hour ago and ends in a day.
pub async fn running_event(app: &TestApp, slug: &str) -> TestEvent {
    let at = now();
    event_between(app, slug, at - TimeDelta::hours(1), at + TimeDelta::days(1)).await
}

/// An event with the given schedule, and its organizer.
pub async fn event_between(
    app: &TestApp,
    slug: &str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
) -> TestEvent {
    let organizer = app
        .portal_organizer(&format!("org-{slug}@vendor.example"))
        .await;
    let creator = organizer.id.clone();
    let event_slug = slug.to_owned();
    let event = app
        .state
        .db
        .write(move |conn| {
            Event::create(
                conn,
                EventSettings {
                    slug: event_slug.clone(),
                    name: format!("Hack {event_slug}"),
                    description: String::new(),
                    starts_at,
                    ends_at,
                    freeze_at: None,
                    registration: "open".into(),
                    invite_code: None,
                    team_size_min: 1,
                    team_size_max: 5,
                },
                &creator,
            )
        })
        .await
        .expect("event created");
    TestEvent {
        slug: event.slug,
        id: event.id,
        organizer,
    }
}

/// Moves an event's schedule (and clears its freeze).
pub async fn reschedule(
    app: &TestApp,
    event: &TestEvent,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
) {
    edit_settings(app, event, move |settings| {
        settings.starts_at = starts_at;
        settings.ends_at = ends_at;
        settings.freeze_at = None;
    })
    .await;
}

/// Changes an event's settings directly in the database.
pub async fn edit_settings(
    app: &TestApp,
    event: &TestEvent,
    change: impl FnOnce(&mut EventSettings) + Send + 'static,
) {
    let id = event.id.clone();
    app.state
        .db
        .write(move |conn| {
            let e = Event::find(conn, &id)?;
            let mut settings = EventSettings {
                slug: e.slug,
                name: e.name,
                description: e.description,
                starts_at: e.starts_at,
                ends_at: e.ends_at,
                freeze_at: e.freeze_at,
                registration: e.registration,
                invite_code: e.invite_code,
                team_size_min: e.team_size_min,
                team_size_max: e.team_size_max,
            };
            change(&mut settings);
            Event::update(conn, &id, settings)
        })
        .await
        .expect("event settings changed");
}

/// Registers `name@name.example` and grants it `role` in the event.
pub async fn user_with_role(
    app: &TestApp,
    event: &TestEvent,
    name: &str,
    role: EventRole,
) -> Account {
    let account = app.register(&format!("{name}@{name}.example"), name).await;
    let (event_id, user_id) = (event.id.clone(), account.id.clone());
    app.state
        .db
        .write(move |conn| role::grant(conn, &event_id, &user_id, role, None))
        .await
        .expect("role granted");
    account
}

/// A participant who creates the team `name`; returns them and the team's id.
pub async fn team(app: &TestApp, event: &TestEvent, name: &str) -> (Account, String) {
    let member = user_with_role(app, event, name, EventRole::Participant).await;
    let (event_id, user_id, team_name) = (event.id.clone(), member.id.clone(), name.to_owned());
    let team = app
        .state
        .db
        .write(move |conn| {
            let event = Event::find(conn, &event_id)?;
            Team::create(conn, &event, &team_name, &user_id)
        })
        .await
        .expect("team created");
    (member, team.id)
}

/// A coach (engineer) assigned to a team.
pub async fn coach(app: &TestApp, event: &TestEvent, team_id: &str, name: &str) -> Account {
    let coach = user_with_role(app, event, name, EventRole::Engineer).await;
    let (team_id, coach_id, by) = (
        team_id.to_owned(),
        coach.id.clone(),
        event.organizer.id.clone(),
    );
    app.state
        .db
        .write(move |conn| Team::assign_coach(conn, &team_id, &coach_id, &by))
        .await
        .expect("coach assigned");
    coach
}

/// The upload form of a sample challenge (`01-first-contact`, …) with its built validator.
pub fn upload(folder: &str) -> Value {
    let release = built_challenges();
    let dir = repo_root().join("challenges").join(folder);
    let package = Package::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let cargo_toml = std::fs::read_to_string(dir.join("validator/Cargo.toml")).expect("Cargo.toml");
    let table: toml::Table = cargo_toml.parse().expect("valid Cargo.toml");
    let name = table["package"]["name"]
        .as_str()
        .expect("name")
        .replace('-', "_");
    let wasm = std::fs::read(release.join(format!("{name}.wasm"))).expect("built validator");
    serde_json::to_value(package.to_upload(&wasm)).expect("upload serializes")
}

/// `POST /events/{slug}/challenges{query}` with an upload.
pub async fn publish(
    app: &TestApp,
    token: &str,
    event: &str,
    upload: &Value,
    query: &str,
) -> reqwest::Response {
    app.post(
        Some(token),
        &format!("/api/v1/events/{event}/challenges{query}"),
        upload,
    )
    .await
}

/// Publishes sample challenges in order as the event's organizer, asserting 201.
pub async fn publish_all(app: &TestApp, event: &TestEvent, folders: &[&str]) {
    for folder in folders {
        let response = publish(
            app,
            &event.organizer.access_token,
            &event.slug,
            &upload(folder),
            "",
        )
        .await;
        let status = response.status();
        let body: Value = response.json().await.expect("json");
        assert_eq!(status, 201, "publish {folder}: {body}");
    }
}

/// The JSON body of a response, asserting its status.
pub async fn expect(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(actual, status, "unexpected answer: {body}");
    body
}

/// The answer to `first-contact` from a team's materials: distinct devices with an
/// ERROR-level line in `gateway.log`.
pub fn first_contact_answer(materials: &Value) -> String {
    let file = materials["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["path"] == "gateway.log"))
        .expect("gateway.log in the materials");
    let log = STANDARD
        .decode(file["content_base64"].as_str().expect("content"))
        .expect("base64");
    let log = String::from_utf8(log).expect("text");
    let devices: HashSet<&str> = log
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("ERROR"))
        .filter_map(|line| {
            line.split_whitespace()
                .find_map(|f| f.strip_prefix("device="))
        })
        .collect();
    devices.len().to_string()
}

/// A team's materials for a challenge.
pub async fn materials(
    app: &TestApp,
    token: &str,
    team: &str,
    challenge: &str,
) -> reqwest::Response {
    app.get_as(
        token,
        &format!("/api/v1/teams/{team}/challenges/{challenge}/materials"),
    )
    .await
}

/// Submits for a team.
pub async fn submit(app: &TestApp, token: &str, team: &str, body: &Value) -> reqwest::Response {
    app.post(
        Some(token),
        &format!("/api/v1/teams/{team}/submissions"),
        body,
    )
    .await
}

/// The ladder as `token`'s user sees it.
pub async fn ladder(app: &TestApp, token: &str, event: &str) -> Value {
    expect(
        app.get_as(token, &format!("/api/v1/events/{event}/challenges"))
            .await,
        200,
    )
    .await
}

fn rung<'a>(ladder: &'a Value, slug: &str) -> &'a Value {
    ladder["challenges"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["slug"] == slug))
        .unwrap_or_else(|| panic!("{slug} not on the ladder: {ladder}"))
}

// ---------------------------------------------------------------------------------------

async fn publish_goes_live_and_republish_adds_a_version(app: TestApp) {
    let event = running_event(&app, "spring").await;
    let token = event.organizer.access_token.clone();
    let first = expect(
        publish(&app, &token, "spring", &upload("01-first-contact"), "").await,
        201,
    )
    .await;
    assert_eq!(first["version"], 1);
    assert_eq!(first["challenge"]["slug"], "first-contact");
    assert_eq!(first["challenge"]["position"], 1);
    assert_eq!(first["challenge"]["points"], 100);
    let samples = first["samples"].as_array().expect("sample table");
    assert!(samples.len() >= 5, "{first}");
    assert!(samples.iter().all(|s| s["ok"] == true), "{first}");
    assert!(
        samples.iter().any(|s| s["got"] == "fail") && samples.iter().any(|s| s["got"] == "pass")
    );

    let second = expect(
        publish(&app, &token, "spring", &upload("02-pipeline-manifest"), "").await,
        201,
    )
    .await;
    assert_eq!(second["challenge"]["position"], 2, "next free position");

    // Re-publishing adds v2, keeps the position, stores the (same) component once.
    let again = expect(
        publish(&app, &token, "spring", &upload("01-first-contact"), "").await,
        201,
    )
    .await;
    assert_eq!(again["version"], 2);
    assert_eq!(again["challenge"]["position"], 1);
    assert_eq!(again["validator_sha256"], first["validator_sha256"]);
    let (blobs, versions) = app
        .state
        .db
        .run(|conn| {
            use cohack_server::db::schema::{validator_blobs, validator_versions};
            use diesel::prelude::*;
            let blobs = validator_blobs::table.count().get_result::<i64>(conn)?;
            let versions = validator_versions::table.count().get_result::<i64>(conn)?;
            Ok::<_, cohack_server::error::Error>((blobs, versions))
        })
        .await
        .expect("counts");
    assert_eq!((blobs, versions), (2, 3));

    // An explicit position that is taken is a conflict; a free one is honoured.
    let taken = publish(
        &app,
        &token,
        "spring",
        &upload("03-clean-readings"),
        "?position=2",
    )
    .await;
    assert_eq!(expect(taken, 409).await["error"]["code"], "position_taken");
    let placed = expect(
        publish(
            &app,
            &token,
            "spring",
            &upload("03-clean-readings"),
            "?position=7&always_open=true",
        )
        .await,
        201,
    )
    .await;
    assert_eq!(placed["challenge"]["position"], 7);
    assert_eq!(placed["challenge"]["always_open"], true);

    let ladder = ladder(&app, &token, "spring").await;
    let slugs: Vec<&str> = ladder["challenges"]
        .as_array()
        .expect("challenges")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(
        slugs,
        ["first-contact", "pipeline-manifest", "clean-readings"]
    );
    assert!(
        rung(&ladder, "pipeline-manifest")["statement"]
            .as_str()
            .is_some_and(|s| s.contains("pipeline"))
    );

    // Every new endpoint is described.
    let doc: Value = app
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("openapi");
    for path in [
        "/api/v1/events/{slug}/challenges",
        "/api/v1/events/{slug}/challenges/{challenge}",
        "/api/v1/events/{slug}/challenges/{challenge}/rejudge",
        "/api/v1/teams/{id}/challenges/{challenge}/materials",
        "/api/v1/teams/{id}/submissions",
        "/api/v1/submissions/{id}",
    ] {
        assert!(
            doc["paths"].get(path).is_some(),
            "{path} missing from the OpenAPI document"
        );
    }
}

async fn a_sample_with_the_wrong_outcome_refuses_the_version(app: TestApp) {
    let event = running_event(&app, "tamper").await;
    let token = event.organizer.access_token.clone();
    // A failing sample declared as passing: the server's re-run must catch it.
    let mut tampered = upload("02-pipeline-manifest");
    let sample = tampered["samples"]
        .as_array_mut()
        .expect("samples")
        .iter_mut()
        .find(|s| s["name"] == "fail/typo-in-key")
        .expect("the typo sample");
    sample["name"] = json!("pass/typo-in-key");
    sample["expect"] = json!("pass");
    let refused = expect(publish(&app, &token, "tamper", &tampered, "").await, 422).await;
    assert_eq!(refused["error"]["code"], "samples_mismatch");
    assert!(
        refused["error"]["message"]
            .as_str()
            .expect("message")
            .contains("nothing was published")
    );
    let rows = refused["samples"].as_array().expect("the sample table");
    let bad: Vec<&Value> = rows.iter().filter(|r| r["ok"] == false).collect();
    assert_eq!(bad.len(), 1, "{refused}");
    assert_eq!(bad[0]["name"], "pass/typo-in-key");
    assert_eq!(bad[0]["expect"], "pass");
    assert_eq!(bad[0]["got"], "fail");
    assert!(
        bad[0]["mismatch"]
            .as_str()
            .expect("why")
            .contains("expected pass, got fail")
    );
    assert!(
        ladder(&app, &token, "tamper").await["challenges"]
            .as_array()
            .expect("list")
            .is_empty(),
        "nothing live"
    );

    // Against a live version: a refused re-publish leaves v1 live.
    expect(
        publish(&app, &token, "tamper", &upload("02-pipeline-manifest"), "").await,
        201,
    )
    .await;
    let mut wrong_score = upload("02-pipeline-manifest");
    for sample in wrong_score["samples"].as_array_mut().expect("samples") {
        if sample["name"] == "pass/reference" {
            sample["expected_score"] = json!(1);
        }
    }
    let refused = expect(publish(&app, &token, "tamper", &wrong_score, "").await, 422).await;
    assert!(
        refused["samples"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["mismatch"]
                .as_str()
                .is_some_and(|m| m.contains("expected score 1")))
    );
    let versions = app
        .state
        .db
        .run(|conn| {
            use cohack_server::db::schema::validator_versions;
            use diesel::prelude::*;
            Ok::<_, cohack_server::error::Error>(
                validator_versions::table.count().get_result::<i64>(conn)?,
            )
        })
        .await
        .expect("count");
    assert_eq!(versions, 1);
}

async fn binaries_that_are_not_validators_are_refused(app: TestApp) {
    let event = running_event(&app, "bytes").await;
    let token = event.organizer.access_token.clone();
    let with_wasm = |bytes: &[u8]| {
        let mut upload = upload("01-first-contact");
        upload["validator_wasm"] = json!(STANDARD.encode(bytes));
        upload["validator_sha256"] =
            json!(hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes)));
        upload
    };
    let text = expect(
        publish(
            &app,
            &token,
            "bytes",
            &with_wasm(b"#!/bin/sh\necho pass\n"),
            "",
        )
        .await,
        400,
    )
    .await;
    assert_eq!(text["error"]["code"], "invalid_validator");
    assert!(
        text["error"]["message"]
            .as_str()
            .expect("message")
            .contains("not a WebAssembly binary"),
        "{text}"
    );

    let core = expect(
        publish(&app, &token, "bytes", &with_wasm(b"\0asm\x01\0\0\0"), "").await,
        400,
    )
    .await;
    assert_eq!(core["error"]["code"], "invalid_validator");
    assert!(
        core["error"]["message"]
            .as_str()
            .expect("message")
            .contains("not a component"),
        "{core}"
    );

    let mut damaged = upload("01-first-contact");
    damaged["validator_sha256"] = json!("00".repeat(32));
    let damaged = expect(publish(&app, &token, "bytes", &damaged, "").await, 400).await;
    assert_eq!(damaged["error"]["code"], "invalid_package");
    assert!(
        damaged["error"]["message"]
            .as_str()
            .expect("message")
            .contains("damaged")
    );

    let mut bad_slug = upload("01-first-contact");
    bad_slug["manifest"]["slug"] = json!("Not A Slug");
    let bad_slug = expect(publish(&app, &token, "bytes", &bad_slug, "").await, 400).await;
    assert!(
        bad_slug["error"]["message"]
            .as_str()
            .expect("message")
            .contains("slug")
    );

    let not_json = app
        .client
        .post(format!("{}/api/v1/events/bytes/challenges", app.address))
        .bearer_auth(&token)
        .body("{ not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(expect(not_json, 400).await["error"]["code"], "invalid_json");
    assert!(
        ladder(&app, &token, "bytes").await["challenges"]
            .as_array()
            .expect("list")
            .is_empty()
    );
}

async fn only_authors_and_organizers_publish(app: TestApp) {
    let event = running_event(&app, "roles").await;
    let author = user_with_role(&app, &event, "author", EventRole::Author).await;
    let (participant, _) = team(&app, &event, "acme").await;
    let coach = user_with_role(&app, &event, "coachy", EventRole::Engineer).await;
    let package = upload("01-first-contact");
    for who in [&participant, &coach] {
        let refused = publish(&app, &who.access_token, "roles", &package, "").await;
        assert_eq!(refused.status(), 403, "{}", who.email);
    }
    let anonymous = app
        .post(None, "/api/v1/events/roles/challenges", &package)
        .await;
    assert_eq!(anonymous.status(), 401);
    let missing = publish(&app, &author.access_token, "no-such-event", &package, "").await;
    assert_eq!(missing.status(), 404);
    expect(
        publish(&app, &author.access_token, "roles", &package, "").await,
        201,
    )
    .await;
    // Organizers (not authors) change settings.
    let patch = app
        .send(
            reqwest::Method::PATCH,
            author.token(),
            "/api/v1/events/roles/challenges/first-contact",
            &json!({"always_open": true}),
        )
        .await;
    assert_eq!(patch.status(), 403);
    // Outsiders to the event see no ladder.
    let stranger = app
        .register("stranger@elsewhere.example", "Elsewhere")
        .await;
    let refused = app
        .get_as(&stranger.access_token, "/api/v1/events/roles/challenges")
        .await;
    assert_eq!(refused.status(), 403);
}

async fn the_ladder_unlocks_as_a_team_solves(app: TestApp) {
    let event = running_event(&app, "ladder").await;
    publish_all(
        &app,
        &event,
        &[
            "01-first-contact",
            "02-pipeline-manifest",
            "03-clean-readings",
        ],
    )
    .await;
    let (alice, team_id) = team(&app, &event, "acme").await;

    let view = ladder(&app, &alice.access_token, "ladder").await;
    assert_eq!(view["phase"], "running");
    assert_eq!(view["team"], team_id.as_str());
    let first = rung(&view, "first-contact");
    assert_eq!(first["locked"], false);
    assert!(
        first["statement"]
            .as_str()
            .is_some_and(|s| s.contains("gateway.log"))
    );
    for slug in ["pipeline-manifest", "clean-readings"] {
        let locked = rung(&view, slug);
        assert_eq!(locked["locked"], true, "{slug}");
        assert!(
            locked.get("statement").is_none(),
            "{slug}: statement hidden while locked"
        );
        assert!(locked["title"].as_str().is_some(), "titles are visible");
        assert!(locked.get("config").is_none(), "config is for organizers");
    }
    // Locked: no materials, no submissions.
    let refused = materials(&app, &alice.access_token, &team_id, "pipeline-manifest").await;
    assert_eq!(expect(refused, 409).await["error"]["code"], "locked");
    let refused = submit(
        &app,
        &alice.access_token,
        &team_id,
        &json!({"challenge": "clean-readings", "answer": "x"}),
    )
    .await;
    assert_eq!(expect(refused, 409).await["error"]["code"], "locked");

    // Solving challenge 1 opens challenge 2, not 3.
    let own = expect(
        materials(&app, &alice.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let answer = first_contact_answer(&own);
    let solved = expect(
        submit(
            &app,
            &alice.access_token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(solved["verdict"]["passed"], true, "{solved}");
    let view = ladder(&app, &alice.access_token, "ladder").await;
    assert_eq!(rung(&view, "first-contact")["solved"], true);
    assert_eq!(rung(&view, "pipeline-manifest")["locked"], false);
    assert!(
        rung(&view, "pipeline-manifest")["statement"]
            .as_str()
            .is_some()
    );
    assert_eq!(rung(&view, "clean-readings")["locked"], true);

    // Staff see everything, with statements and settings.
    let staff = ladder(&app, &event.organizer.access_token, "ladder").await;
    assert!(
        staff["challenges"]
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["locked"] == false && c["statement"].is_string())
    );
    assert!(rung(&staff, "pipeline-manifest")["config"].is_object());
    let coach = coach(&app, &event, &team_id, "coachy").await;
    let coached = ladder(&app, &coach.access_token, "ladder").await;
    assert!(
        coached["challenges"]
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["statement"].is_string())
    );
}

async fn participants_see_nothing_before_the_start(app: TestApp) {
    let at = now();
    let event = event_between(
        &app,
        "later",
        at + TimeDelta::hours(2),
        at + TimeDelta::days(1),
    )
    .await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (bob, team_id) = team(&app, &event, "bobs").await;
    let view = ladder(&app, &bob.access_token, "later").await;
    assert_eq!(view["phase"], "upcoming");
    assert!(
        view["challenges"].as_array().expect("list").is_empty(),
        "{view}"
    );
    let refused = materials(&app, &bob.access_token, &team_id, "first-contact").await;
    assert_eq!(expect(refused, 409).await["error"]["code"], "not_running");
    // Authors prepare before the start.
    let staff = ladder(&app, &event.organizer.access_token, "later").await;
    assert_eq!(staff["challenges"].as_array().expect("list").len(), 1);
}

async fn materials_are_per_team_and_private(app: TestApp) {
    let event = running_event(&app, "materials").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (alice, red) = team(&app, &event, "red").await;
    let (bob, blue) = team(&app, &event, "blue").await;
    let red_files = expect(
        materials(&app, &alice.access_token, &red, "first-contact").await,
        200,
    )
    .await;
    let blue_files = expect(
        materials(&app, &bob.access_token, &blue, "first-contact").await,
        200,
    )
    .await;
    assert_eq!(red_files["team"], red.as_str());
    assert_ne!(
        red_files["files"], blue_files["files"],
        "team-specific material differs"
    );
    let again = expect(
        materials(&app, &alice.access_token, &red, "first-contact").await,
        200,
    )
    .await;
    assert_eq!(red_files["files"], again["files"], "and is stable");

    // Other teams and strangers: the team does not exist for them.
    let peek = materials(&app, &bob.access_token, &red, "first-contact").await;
    assert_eq!(peek.status(), 404);
    let stranger = app.register("eve@evil.example", "Evil").await;
    assert_eq!(
        materials(&app, &stranger.access_token, &red, "first-contact")
            .await
            .status(),
        404
    );
    assert_eq!(
        materials(&app, &alice.access_token, "no-such-team", "first-contact")
            .await
            .status(),
        404
    );
    assert_eq!(
        materials(&app, &alice.access_token, &red, "no-such-challenge")
            .await
            .status(),
        404
    );
    // The team's coach and the organizers may look.
    let coach = coach(&app, &event, &red, "coachy").await;
    let seen = expect(
        materials(&app, &coach.access_token, &red, "first-contact").await,
        200,
    )
    .await;
    assert_eq!(seen["files"], red_files["files"]);
    expect(
        materials(&app, &event.organizer.access_token, &red, "first-contact").await,
        200,
    )
    .await;
}

async fn organizers_change_settings(app: TestApp) {
    let event = running_event(&app, "settings").await;
    publish_all(
        &app,
        &event,
        &[
            "01-first-contact",
            "02-pipeline-manifest",
            "05-route-planner",
        ],
    )
    .await;
    let token = event.organizer.token();
    let path = "/api/v1/events/settings/challenges/route-planner";

    let changed = expect(
        app.send(
            reqwest::Method::PATCH,
            token,
            path,
            &json!({"always_open": true, "title": "Route the van", "config": {"slack_percent": "10"}}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["always_open"], true);
    assert_eq!(changed["title"], "Route the van");
    assert_eq!(changed["config"]["slack_percent"], "10");

    let typo = app
        .send(
            reqwest::Method::PATCH,
            token,
            path,
            &json!({"config": {"slack_percnt": "10"}}),
        )
        .await;
    let typo = expect(typo, 400).await;
    assert_eq!(typo["error"]["code"], "unknown_config_key");
    assert!(
        typo["error"]["message"]
            .as_str()
            .expect("message")
            .contains("slack_percent")
    );
    let clash = app
        .send(reqwest::Method::PATCH, token, path, &json!({"position": 1}))
        .await;
    assert_eq!(expect(clash, 409).await["error"]["code"], "position_taken");
    let unknown_field = app
        .send(reqwest::Method::PATCH, token, path, &json!({"points": 5}))
        .await;
    assert_eq!(unknown_field.status(), 400);

    // always_open: a new team sees it unlocked at once.
    let (carol, team_id) = team(&app, &event, "carols").await;
    let view = ladder(&app, &carol.access_token, "settings").await;
    let route = rung(&view, "route-planner");
    assert_eq!(route["locked"], false);
    assert_eq!(route["title"], "Route the van");
    assert_eq!(rung(&view, "pipeline-manifest")["locked"], true);
    expect(
        materials(&app, &carol.access_token, &team_id, "route-planner").await,
        200,
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// The author's CLI.

#[test]
fn challenge_commands_have_help() {
    let dir = tempfile::tempdir().expect("dir");
    for args in [
        vec!["challenge", "--help"],
        vec!["challenge", "new", "--help"],
        vec!["challenge", "build", "--help"],
        vec!["challenge", "test", "--help"],
        vec!["challenge", "publish", "--help"],
        vec!["validate", "--help"],
    ] {
        let out = run_cohack(dir.path(), &args, &[]);
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{args:?}"
        );
    }
}

/// Scaffolds a package and runs its samples: the one test that builds a fresh guest.
#[test]
fn a_new_challenge_builds_and_passes_its_samples() {
    let dir = tempfile::tempdir().expect("dir");
    let package = dir.path().join("07-hello-world");
    let created = run_cohack(dir.path(), &["challenge", "new", "07-hello-world"], &[]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("hello-world"));
    let manifest = std::fs::read_to_string(package.join("challenge.toml")).expect("manifest");
    assert!(manifest.contains("slug = \"hello-world\""));

    let again = run_cohack(dir.path(), &["challenge", "new", "07-hello-world"], &[]);
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not empty"), "{stderr}");

    // Shares compiled dependencies with the sample challenges' build.
    let target = repo_root().join("target/challenges");
    let target = target.to_string_lossy();
    let tested = run_cohack(
        dir.path(),
        &["challenge", "test", "07-hello-world"],
        &[("CARGO_TARGET_DIR", &target)],
    );
    let stdout = String::from_utf8_lossy(&tested.stdout);
    assert!(
        tested.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    for column in ["sample", "expect", "got", "score", "time", "fuel"] {
        assert!(stdout.contains(column), "{column} missing from\n{stdout}");
    }
    assert!(stdout.contains("pass/correct") && stdout.contains("fail/wrong-answer"));
    assert!(!stdout.contains("MISMATCH"), "{stdout}");

    // A wrong declared outcome makes `test` fail.
    std::fs::write(package.join("samples/pass/correct/answer.txt"), "41\n").expect("tamper");
    let failed = run_cohack(
        dir.path(),
        &["challenge", "test", "07-hello-world"],
        &[("CARGO_TARGET_DIR", &target)],
    );
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stdout).contains("MISMATCH"));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("error: ") && l.contains("did not get")),
        "{stderr}"
    );
}

#[test]
fn validate_prints_the_verdict_as_json() {
    let release = built_challenges();
    let wasm = release.join("first_contact_validator.wasm");
    let wasm = wasm.to_string_lossy();
    let dir = tempfile::tempdir().expect("dir");
    let sample = repo_root().join("challenges/01-first-contact/samples/pass/correct-count");
    let sample = sample.to_string_lossy();
    let out = run_cohack(
        dir.path(),
        &["validate", "--wasm", &wasm, "--submission", &sample],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(report["outcome"], "verdict");
    assert_eq!(report["verdict"]["passed"], true, "{report}");
    assert_eq!(report["verdict"]["max_score"], 100);
    assert!(report["fuel_used"].as_u64().is_some_and(|f| f > 0));
    assert!(report["verdict"]["checks"].is_array());

    let wrong = run_cohack(
        dir.path(),
        &[
            "validate", "--wasm", &wasm, "--answer", "zero", "--team", "team-x", "--config",
            "unused=1",
        ],
        &[],
    );
    assert!(wrong.status.success());
    let report: Value = serde_json::from_slice(&wrong.stdout).expect("JSON on stdout");
    assert_eq!(report["verdict"]["passed"], false);

    let not_wasm = dir.path().join("x.wasm");
    std::fs::write(&not_wasm, "nope").expect("write");
    let refused = run_cohack(
        dir.path(),
        &[
            "validate",
            "--wasm",
            &not_wasm.to_string_lossy(),
            "--answer",
            "1",
        ],
        &[],
    );
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a WebAssembly binary"), "{stderr}");
    let neither = run_cohack(dir.path(), &["validate", "--wasm", &wasm], &[]);
    assert!(
        !neither.status.success(),
        "--submission or --answer is required"
    );
}

/// `cohack challenge publish` against a running server: builds (already built here), uploads,
/// and the version is live.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_from_the_command_line() {
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "cli").await;
    built_challenges();
    let package = repo_root().join("challenges/01-first-contact");
    let url = app.address.clone();
    let token = event.organizer.access_token.clone();
    let run = |args: Vec<String>, token: String| {
        tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().expect("dir");
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_cohack(dir.path(), &args, &[("COHACK_TOKEN", &token)])
        })
    };
    let args = |event: &str| {
        vec![
            "challenge".to_owned(),
            "publish".to_owned(),
            package.to_string_lossy().into_owned(),
            "--url".to_owned(),
            url.clone(),
            "--event".to_owned(),
            event.to_owned(),
        ]
    };
    let out = run(args("cli"), token.clone()).await.expect("ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("published `first-contact` v1"), "{stdout}");
    assert!(
        stdout.contains("pass/correct-count"),
        "the server's table: {stdout}"
    );
    assert_eq!(
        ladder(&app, &token, "cli").await["challenges"]
            .as_array()
            .expect("list")
            .len(),
        1
    );

    let out = run(args("no-such-event"), token).await.expect("ran");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.contains("404") && l.contains("not_found")),
        "{stderr}"
    );
    let out = run(args("cli"), String::new()).await.expect("ran");
    assert!(String::from_utf8_lossy(&out.stderr).contains("COHACK_TOKEN"));
}
