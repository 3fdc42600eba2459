//! Export and import: an event played on SQLite is exported with `cohack export`, imported
//! with `cohack import` into a fresh PostgreSQL database (a fresh SQLite file when PostgreSQL
//! tests are off), and the leaderboard, the results and the insights read the same there.
//! A second import, a truncated file and a tampered one are refused with nothing imported.
//! An event imported beside its original becomes a second event with all-new ids, and the
//! original reads the same as before. Networked work (teams' endpoints, the endpoints a
//! submission was judged against, the exchanges a verdict recorded) moves byte for byte, and
//! a version 1 file, written before it existed, still imports without it. (Hostile files:
//! `import_hostile.rs`.)

use std::{collections::BTreeMap, path::Path};

use chrono::{NaiveDateTime, TimeDelta};
use cohack_runtime::{Body, Exchange, ExchangeOutcome, FailureKind};
use cohack_server::{
    db::{
        now,
        schema::{submissions, team_endpoints, teams, users, verdicts},
    },
    error::Error,
    models::{chat::ChatMessage, event::Event, team::Team, user::User},
};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{expect, reschedule},
    harness::{Backend, PASSWORD, PgDatabase, TestApp, path_str, run_cohack},
    import_hostile::{ExportFile, import_text},
    insights::{NOTE_TEXT, play_cliff_event, playbook_rows},
};

/// The coach's playbook in a played event, before it moves: settings, an alias, a hint unlock,
/// a nudge, a rejected sign-off, a question answered to everyone and a canned answer.
async fn play_the_playbook(app: &TestApp, played: &crate::insights::Played) {
    let token = played.event.organizer.token();
    let slug = &played.event.slug;
    expect(
        app.send(
            reqwest::Method::PATCH,
            token,
            &format!("/api/v1/events/{slug}"),
            &json!({"time_zone": "Europe/Paris", "hint_cost": "always", "board_names": "aliases"}),
        )
        .await,
        200,
    )
    .await;
    expect(
        app.send(
            reqwest::Method::PATCH,
            token,
            &format!("/api/v1/teams/{}", played.teams[1].id),
            &json!({"alias": "Night Owls"}),
        )
        .await,
        200,
    )
    .await;
    playbook_rows(
        app,
        &played.event,
        &played.teams[0],
        played.start + TimeDelta::minutes(60),
    )
    .await;
    let team = &played.teams[2];
    let question = expect(
        app.post(
            team.member.token(),
            &format!("/api/v1/teams/{}/questions", team.id),
            &json!({"challenge": "first-contact", "text": "Do WARN lines count?"}),
        )
        .await,
        201,
    )
    .await;
    expect(
        app.post(
            token,
            &format!(
                "/api/v1/questions/{}/answer",
                question["id"].as_str().expect("id")
            ),
            &json!({"text": "Only ERROR lines.", "to": "everyone"}),
        )
        .await,
        200,
    )
    .await;
    expect(
        app.post(
            token,
            &format!("/api/v1/events/{slug}/challenges/first-contact/canned-answers"),
            &json!({"title": "Levels", "text": "Only ERROR lines count."}),
        )
        .await,
        201,
    )
    .await;
}

/// What must read the same after a move, with the computation times taken out.
async fn snapshot(app: &TestApp, token: &str, slug: &str) -> Vec<Value> {
    let mut views = Vec::new();
    for path in [
        "leaderboard",
        "results",
        "insights",
        "insights?organization=Acme",
    ] {
        let mut body = expect(
            app.get_as(token, &format!("/api/v1/events/{slug}/{path}"))
                .await,
            200,
        )
        .await;
        if let Some(object) = body.as_object_mut() {
            object.remove("generated_at");
        }
        views.push(without_ids(body));
    }
    views
}

/// `value` with every id (a UUID) replaced by `<id>`: an import gives every row a new id, so
/// views of a moved event compare equal without them.
fn without_ids(value: Value) -> Value {
    match value {
        Value::String(text) if uuid::Uuid::parse_str(&text).is_ok() => Value::String("<id>".into()),
        Value::Array(items) => Value::Array(items.into_iter().map(without_ids).collect()),
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| (key, without_ids(value)))
                .collect(),
        ),
        other => other,
    }
}

fn import(dir: &Path, file: &Path, url: &str) -> std::process::Output {
    run_cohack(
        dir,
        &["import", &path_str(file), "--database-url", url],
        &[],
    )
}

async fn event_count(app: &TestApp) -> (i64, i64) {
    app.state
        .db
        .run(|conn| {
            let events = cohack_server::db::schema::events::table
                .count()
                .get_result::<i64>(conn)?;
            let subs = submissions::table.count().get_result::<i64>(conn)?;
            Ok::<_, Error>((events, subs))
        })
        .await
        .expect("counts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_moves_from_sqlite_to_another_database_identically() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let played = play_cliff_event(&app, "moving", TimeDelta::days(1)).await;
    let (team_id, member_id) = (
        played.teams[0].id.clone(),
        played.teams[0].member.id.clone(),
    );
    app.state
        .db
        .write(move |conn| ChatMessage::post(conn, &team_id, &member_id, "chat travels too"))
        .await
        .expect("chat");
    play_the_playbook(&app, &played).await;
    // End the event, so that stuck times no longer depend on the clock.
    reschedule(
        &app,
        &played.event,
        played.start,
        now() - TimeDelta::minutes(1),
    )
    .await;
    app.state.leaderboard.invalidate(&played.event.id);
    let token = played.event.organizer.access_token.clone();
    let before = snapshot(&app, &token, "moving").await;
    assert_eq!(before[2]["cliffs"][0]["check"], "count");
    assert_eq!(before[2]["cliffs"][0]["hints"], 1, "{}", before[2]);
    assert_eq!(before[2]["cliffs"][0]["questions_to_everyone"], 1);
    assert_eq!(before[2]["cliffs"][0]["nudges"], 1);
    assert_eq!(before[2]["cliffs"][0]["sign_offs_rejected"], 1);

    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("moving.cohack.jsonl");
    let source = app.state.config.database_url.clone();
    let out = run_cohack(
        dir.path(),
        &[
            "export",
            "--event",
            "moving",
            "--out",
            &path_str(&file),
            "--database-url",
            &source,
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let content = std::fs::read_to_string(&file).expect("export");
    assert!(
        content.starts_with("{\"anonymized\":false")
            || content.contains("\"format\":\"cohack-event-export\"")
    );
    assert!(content.contains("chat travels too"));
    assert!(content.contains(NOTE_TEXT));
    assert!(
        content
            .lines()
            .last()
            .expect("trailer")
            .contains("\"sha256\"")
    );

    // The target: a fresh PostgreSQL database when enabled, else a fresh SQLite file.
    let pg = PgDatabase::create();
    let target = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("target.db").display()),
    };
    let out = import(dir.path(), &file, &target);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let moved = TestApp::spawn_on(target.clone()).await;
    // The portal-organizer flag never travels: the target's operator makes its organizers
    // (as `cohack admin create-organizer` does for an existing account).
    let email = played.event.organizer.email.clone();
    moved
        .state
        .db
        .write(move |conn| {
            let user = User::find_by_email(conn, &email)?.ok_or(Error::NotFound("user"))?;
            assert!(!user.is_portal_organizer, "the flag was imported");
            let hash = cohack_server::auth::password::hash(PASSWORD)?;
            User::promote_to_organizer(conn, &user.id, &hash)
        })
        .await
        .expect("organizer promoted");
    let organizer = moved.login(&played.event.organizer.email).await;
    let after = snapshot(&moved, &organizer.access_token, "moving").await;
    assert_eq!(before, after);
    // The playbook's settings, the alias, the question and the canned answer moved too.
    let event = expect(moved.get("/api/v1/events/moving").await, 200).await;
    assert_eq!(event["time_zone"], "Europe/Paris");
    assert_eq!(event["hint_cost"], "always");
    assert_eq!(event["board_names"], "aliases");
    let public = moved
        .get("/api/v1/events/moving/leaderboard")
        .await
        .text()
        .await
        .expect("board");
    assert!(public.contains("Night Owls"), "{public}");
    assert!(!public.contains("moving-b"), "{public}");
    let queue = expect(
        moved
            .get_as(
                &organizer.access_token,
                "/api/v1/events/moving/questions?state=answered",
            )
            .await,
        200,
    )
    .await;
    assert!(
        queue.to_string().contains("Do WARN lines count?"),
        "{queue}"
    );
    assert!(content.contains("\"canned_answers\"") && content.contains("Only ERROR lines count."));

    // Importing the same file again is refused, nothing changes.
    let counts = event_count(&moved).await;
    let out = import(dir.path(), &file, &target);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`moving` already exists"), "{stderr}");
    assert_eq!(event_count(&moved).await, counts);

    // A truncated file and a tampered one are refused before anything is written: the good
    // file then imports cleanly into the same fresh database.
    let fresh = format!("sqlite://{}", dir.path().join("fresh.db").display());
    let truncated = dir.path().join("truncated.jsonl");
    std::fs::write(&truncated, &content.as_bytes()[..content.len() / 2]).expect("write");
    let out = import(dir.path(), &truncated, &fresh);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("truncated"), "{stderr}");
    let tampered = dir.path().join("tampered.jsonl");
    std::fs::write(&tampered, content.replacen("moving-a", "moving-z", 1)).expect("write");
    let out = import(dir.path(), &tampered, &fresh);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("altered"), "{stderr}");
    let fresh_app = TestApp::spawn_on(fresh.clone()).await;
    assert_eq!(event_count(&fresh_app).await, (0, 0));
    // A person who already has an account there (same email) is matched, not duplicated.
    let existing = fresh_app
        .register(&played.teams[0].member.email, "Acme")
        .await;
    let out = import(dir.path(), &file, &fresh);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 existing users matched by email"),
        "{stdout}"
    );
    let existing_id = existing.id.clone();
    let imported_team = fresh_app
        .state
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, "moving")?;
            Team::of_member(conn, &event.id, &existing_id)
        })
        .await
        .expect("the imported event")
        .expect("the existing account is in its team");
    assert_ne!(imported_team.id, played.teams[0].id, "the team kept its id");
    let team = expect(
        fresh_app
            .get_as(
                &existing.access_token,
                &format!("/api/v1/teams/{}", imported_team.id),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(team["members"][0]["user_id"], existing.id.as_str());
    moved.stop().await;
    fresh_app.stop().await;
    drop(pg);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymized_exports_keep_organizations_and_drop_people() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let played = play_cliff_event(&app, "anon", TimeDelta::days(1)).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("anon.jsonl");
    let source = app.state.config.database_url.clone();
    let out = run_cohack(
        dir.path(),
        &[
            "export",
            "--event",
            "anon",
            "--out",
            &path_str(&file),
            "--anonymize",
            "--database-url",
            &source,
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let content = std::fs::read_to_string(&file).expect("export");
    assert!(
        !content.contains(&played.teams[0].member.email),
        "an email left"
    );
    assert!(!content.contains("$argon2"), "a password hash left");
    assert!(content.contains("@anonymized.invalid"));
    assert!(content.contains("\"Acme\"") && content.contains("\"Globex\""));
    // Pseudonyms are stable: a second export names people the same way.
    let again = dir.path().join("again.jsonl");
    let out = run_cohack(
        dir.path(),
        &[
            "export",
            "--event",
            "anon",
            "--out",
            &path_str(&again),
            "--anonymize",
            "--database-url",
            &source,
        ],
        &[],
    );
    assert!(out.status.success());
    let emails = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("{\"row\"") || l.contains("\"table\":\"users\""))
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["table"] == "users")
            .map(|v| v["row"]["email"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let first = emails(&content);
    assert!(!first.is_empty());
    assert_eq!(
        first,
        emails(&std::fs::read_to_string(&again).expect("again"))
    );
    // Unknown events are a clear error.
    let out = run_cohack(
        dir.path(),
        &[
            "export",
            "--event",
            "nope",
            "--out",
            &path_str(&again),
            "--database-url",
            &source,
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no event with the slug `nope`"));
}

/// Exports the event `slug` of `app` with the real binary and returns the file's text.
pub(crate) fn export_text(app: &TestApp, slug: &str) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("export.jsonl");
    let out = run_cohack(
        dir.path(),
        &[
            "export",
            "--event",
            slug,
            "--out",
            &path_str(&file),
            "--database-url",
            &app.state.config.database_url,
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(&file).expect("export")
}

/// The row lines of an export (the header has the export time, the trailer its digest).
fn row_lines(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    lines[1..lines.len() - 1].to_vec()
}

/// Every string in `value`.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(object) => object.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

backend_tests!(
    an_export_imports_as_a_new_event_beside_its_original,
    endpoints_and_recorded_exchanges_move_byte_for_byte,
    the_floor_moves_with_the_event,
);

/// An event exported and imported into its own database (under another slug: slugs are
/// unique) becomes a second event: every row a new id, the people matched by e-mail, the
/// original unchanged, the same standings.
async fn an_export_imports_as_a_new_event_beside_its_original(app: TestApp) {
    let played = play_cliff_event(&app, "origin", TimeDelta::days(1)).await;
    let (team_id, member_id) = (
        played.teams[0].id.clone(),
        played.teams[0].member.id.clone(),
    );
    app.state
        .db
        .write(move |conn| ChatMessage::post(conn, &team_id, &member_id, "a chat line"))
        .await
        .expect("chat");
    let original = export_text(&app, "origin");
    let mut copy = ExportFile::parse(&original);
    copy.header["event"] = json!("copy");
    copy.rows_of("events")
        .for_each(|event| event["slug"] = json!("copy"));
    let people = copy.rows_of("users").count();
    let out = import_text(&app, &copy.render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{people} existing users matched by email")),
        "{stdout}"
    );

    // The original is untouched: its export reads the same, row for row.
    assert_eq!(
        row_lines(&export_text(&app, "origin")),
        row_lines(&original)
    );

    // The copy has as many rows of each table, and none of the original event's ids: only
    // the people, their organizations and the validators (matched, shared) are the same.
    let imported = export_text(&app, "copy");
    let tables = |text: &str| -> Vec<String> {
        row_lines(text)
            .iter()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter_map(|v| v["table"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(tables(&original), tables(&imported));
    let shared = ["organizations", "users", "validator_blobs"];
    let mut original_ids = std::collections::HashSet::new();
    for line in row_lines(&original) {
        let row: Value = serde_json::from_str(line).expect("row");
        if shared.iter().any(|t| row["table"] == *t) {
            continue;
        }
        for column in ["id", "invite_code"] {
            if let Some(id) = row["row"][column].as_str() {
                original_ids.insert(id.to_owned());
            }
        }
    }
    assert!(original_ids.len() > 20, "{original_ids:?}");
    for line in row_lines(&imported) {
        let row: Value = serde_json::from_str(line).expect("row");
        let mut values = Vec::new();
        strings(&row["row"], &mut values);
        if let Some(old) = values.iter().find(|v| original_ids.contains(*v)) {
            panic!("the copy holds the original's id or code {old}: {line}");
        }
    }

    // The same standings and results, ids aside.
    let token = played.event.organizer.access_token.clone();
    for view in ["leaderboard", "results"] {
        let read = |slug: &'static str| {
            let (app, token) = (&app, &token);
            async move {
                let mut body = expect(
                    app.get_as(token, &format!("/api/v1/events/{slug}/{view}"))
                        .await,
                    200,
                )
                .await;
                if let Some(object) = body.as_object_mut() {
                    object.remove("generated_at");
                    object.remove("event");
                }
                without_ids(body)
            }
        };
        assert_eq!(read("origin").await, read("copy").await, "{view}");
    }
}

/// What validators that call teams' services leave in an event, named by what an import
/// keeps (team names, e-mails, times) rather than by ids.
#[derive(Debug, PartialEq, Eq)]
struct Networked {
    /// `(team, name, url, updated_at, updated_by's e-mail)`.
    endpoints: Vec<(String, String, String, NaiveDateTime, String)>,
    /// `(team, submitted at, the submission's endpoints, its current verdict's exchanges)`.
    judged: Vec<(String, NaiveDateTime, Option<String>, String)>,
}

async fn networked(app: &TestApp, slug: &str) -> Networked {
    let slug = slug.to_owned();
    app.state
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let mut endpoints = team_endpoints::table
                .inner_join(teams::table)
                .inner_join(users::table.on(users::id.eq(team_endpoints::updated_by)))
                .filter(teams::event_id.eq(&event.id))
                .select((
                    teams::name,
                    team_endpoints::name,
                    team_endpoints::url,
                    team_endpoints::updated_at,
                    users::email,
                ))
                .load::<(String, String, String, NaiveDateTime, String)>(conn)?;
            endpoints.sort();
            let mut judged = verdicts::table
                .inner_join(submissions::table.inner_join(teams::table))
                .filter(teams::event_id.eq(&event.id))
                .filter(verdicts::is_current.eq(true))
                .select((
                    teams::name,
                    submissions::created_at,
                    submissions::endpoints,
                    verdicts::exchanges,
                ))
                .load::<(String, NaiveDateTime, Option<String>, String)>(conn)?;
            judged.sort();
            Ok::<_, Error>(Networked { endpoints, judged })
        })
        .await
        .expect("networked rows")
}

/// Two exchanges as a networked run records them: an answer, and a timeout after a request
/// whose body is not UTF-8 (stored as base64).
fn recorded_exchanges() -> String {
    let exchanges = vec![
        Exchange {
            method: "GET".into(),
            url: "https://example.net/health".into(),
            request_headers: BTreeMap::from([("accept".into(), "application/json".into())]),
            request_body: Body::default(),
            outcome: ExchangeOutcome::Response {
                status: 200,
                headers: BTreeMap::from([("content-type".into(), "application/json".into())]),
                body: Body::new(br#"{"status":"ok","note":"caf\u00e9 \u2014 ok"}"#.to_vec()),
            },
            duration_ms: 84,
        },
        Exchange {
            method: "POST".into(),
            url: "https://example.net/echo?value=7f3a".into(),
            request_headers: BTreeMap::new(),
            request_body: Body::new(vec![0xff, 0x00, 0x01]),
            outcome: ExchangeOutcome::Failed {
                error: FailureKind::Timeout,
                reason: "no answer within 2000 ms".into(),
            },
            duration_ms: 2000,
        },
    ];
    serde_json::to_string(&exchanges).expect("exchanges")
}

/// A team sets an endpoint through the API; one of its submissions was judged against it
/// and its verdict recorded two exchanges (written directly: the test server calls nothing).
/// Exported and imported into a fresh database of the same backend, the endpoint, the
/// submission's endpoints and the verdict's exchanges are there byte for byte, and the team
/// reads its endpoint. The same file made version 1 (no endpoints, no exchanges) imports too.
async fn endpoints_and_recorded_exchanges_move_byte_for_byte(app: TestApp) {
    let played = play_cliff_event(&app, "wired", TimeDelta::days(1)).await;
    let team = &played.teams[0];
    let set = app
        .send(
            reqwest::Method::PUT,
            team.member.token(),
            &format!("/api/v1/teams/{}/endpoints/api", team.id),
            &json!({"url": "https://example.net/"}),
        )
        .await;
    assert_eq!(set.status(), 204, "{:?}", set.text().await);
    let judged_against = json!([{"name": "api", "url": "https://example.net/"}]).to_string();
    let exchanges = recorded_exchanges();
    let (team_id, endpoints_json, exchanges_json) =
        (team.id.clone(), judged_against.clone(), exchanges.clone());
    app.state
        .db
        .write(move |conn| {
            let latest: String = submissions::table
                .filter(submissions::team_id.eq(&team_id))
                .order(submissions::created_at.desc())
                .select(submissions::id)
                .first(conn)?;
            diesel::update(submissions::table.find(&latest))
                .set(submissions::endpoints.eq(Some(endpoints_json)))
                .execute(conn)?;
            let updated = diesel::update(
                verdicts::table
                    .filter(verdicts::submission_id.eq(&latest))
                    .filter(verdicts::is_current.eq(true)),
            )
            .set(verdicts::exchanges.eq(exchanges_json))
            .execute(conn)?;
            assert_eq!(updated, 1, "the latest submission has a current verdict");
            Ok::<_, Error>(())
        })
        .await
        .expect("a networked verdict");
    let before = networked(&app, "wired").await;
    assert_eq!(before.endpoints.len(), 1, "{before:?}");
    assert_eq!(
        before
            .judged
            .iter()
            .filter(|(_, _, endpoints, recorded)| {
                endpoints.as_deref() == Some(judged_against.as_str()) && *recorded == exchanges
            })
            .count(),
        1,
        "{before:?}"
    );

    let text = export_text(&app, "wired");
    let file = ExportFile::parse(&text);
    assert_eq!(file.header["version"], 4);
    assert!(
        file.rows.iter().any(|r| r["table"] == "team_endpoints"),
        "no team_endpoints row"
    );

    // A fresh database of the same backend.
    let dir = tempfile::tempdir().expect("dir");
    let pg = app
        .state
        .config
        .database_url
        .starts_with("postgres")
        .then(|| PgDatabase::create().expect("PostgreSQL tests are on"));
    let target = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("target.db").display()),
    };
    let path = dir.path().join("wired.cohack.jsonl");
    std::fs::write(&path, &text).expect("write");
    let out = import(dir.path(), &path, &target);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let moved = TestApp::spawn_on(target).await;
    assert_eq!(networked(&moved, "wired").await, before);
    // The team reads its endpoint there, as it set it.
    let member = moved.login(&team.member.email).await;
    let (event_slug, member_id) = ("wired", member.id.clone());
    let moved_team = moved
        .state
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, event_slug)?;
            Team::of_member(conn, &event.id, &member_id)
        })
        .await
        .expect("the imported event")
        .expect("the member's team");
    let list = expect(
        moved
            .get_as(
                &member.access_token,
                &format!("/api/v1/teams/{}/endpoints", moved_team.id),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(list["endpoints"][0]["name"], "api", "{list}");
    assert_eq!(
        list["endpoints"][0]["url"], "https://example.net/",
        "{list}"
    );

    // Written before the coach's playbook (version 2): no playbook settings, aliases, hints,
    // expectations, sign-offs or playbook tables. It imports with the defaults.
    let mut v2 = file.clone();
    v2.header["version"] = json!(2);
    v2.header["event"] = json!("wired-v2");
    v2.rows_of("events").for_each(|event| {
        event["slug"] = json!("wired-v2");
        let event = event.as_object_mut().expect("a row");
        for column in ["hint_cost", "board_names", "time_zone"] {
            event.remove(column);
        }
    });
    v2.rows_of("teams").for_each(|team| {
        team.as_object_mut().expect("a row").remove("alias");
    });
    v2.rows_of("challenges").for_each(|challenge| {
        let challenge = challenge.as_object_mut().expect("a row");
        for column in ["hints", "expected_minutes", "sign_off"] {
            challenge.remove(column);
        }
    });
    v2.rows.retain(|r| {
        ![
            "hint_unlocks",
            "questions",
            "canned_answers",
            "nudges",
            "sign_offs",
        ]
        .contains(&r["table"].as_str().unwrap_or_default())
    });
    let out = import_text(&moved, &v2.render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v2_event = expect(moved.get("/api/v1/events/wired-v2").await, 200).await;
    assert_eq!(
        (
            &v2_event["hint_cost"],
            &v2_event["board_names"],
            &v2_event["time_zone"]
        ),
        (&json!("on_solve"), &json!("teams"), &json!("UTC"))
    );

    // Written before networked validators (version 1): no endpoints, no exchanges. It
    // imports, its submissions judged against none and its verdicts with nothing recorded.
    let mut old = file.clone();
    old.header["version"] = json!(1);
    old.header["event"] = json!("wired-v1");
    old.rows_of("events")
        .for_each(|event| event["slug"] = json!("wired-v1"));
    old.rows.retain(|r| r["table"] != "team_endpoints");
    for (table, column) in [("submissions", "endpoints"), ("verdicts", "exchanges")] {
        old.rows_of(table).for_each(|row| {
            row.as_object_mut().expect("a row").remove(column);
        });
    }
    let out = import_text(&moved, &old.render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let imported = networked(&moved, "wired-v1").await;
    assert!(imported.endpoints.is_empty(), "{imported:?}");
    assert_eq!(imported.judged.len(), before.judged.len());
    assert!(
        imported
            .judged
            .iter()
            .all(|(_, _, endpoints, exchanges)| endpoints.is_none() && exchanges == "[]"),
        "{imported:?}"
    );
    moved.stop().await;
    drop(pg);
}

/// A coach's opening: `(team, challenge, skipped, stuck seconds, reason, opener, at)`.
type OpeningByName = (
    String,
    String,
    Option<String>,
    i64,
    String,
    String,
    NaiveDateTime,
);

/// A reward: `(team, challenge, location, words, earned at, delivered at, deliverer)`.
type RewardByName = (
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
);

/// The floor of an event, named by what an import keeps (team names, challenge slugs,
/// e-mails, times) rather than by ids.
#[derive(Debug, PartialEq, Eq)]
struct Floor {
    /// `(rewards, hold_rewards_until_end, remote_reward)`.
    settings: (bool, bool, String),
    /// The event's brackets, in order.
    brackets: Vec<String>,
    /// `(team, location, bracket)`.
    teams: Vec<(String, Option<String>, Option<String>)>,
    /// `(challenge, manifest words, event words)`.
    words: Vec<(String, Option<String>, Option<String>)>,
    /// The coaches' and organizers' openings, oldest first.
    openings: Vec<OpeningByName>,
    /// The rewards earned.
    rewards: Vec<RewardByName>,
}

async fn floor(app: &TestApp, slug: &str) -> Floor {
    use cohack_server::{
        db::schema::{challenges, rewards},
        models::{bracket, opening::Opening},
    };
    let slug = slug.to_owned();
    app.state
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let email = |conn: &mut cohack_server::db::DbConnection, id: &str| {
                User::find(conn, id).map(|u| u.email)
            };
            let slug_of: std::collections::HashMap<String, String> = challenges::table
                .filter(challenges::event_id.eq(&event.id))
                .select((challenges::id, challenges::slug))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
            let team_rows: Vec<(String, String, Option<String>)> = teams::table
                .filter(teams::event_id.eq(&event.id))
                .select((teams::id, teams::name, teams::location))
                .load(conn)?;
            let in_bracket = bracket::of_teams(conn, &event.id)?;
            let name_of: std::collections::HashMap<String, String> = team_rows
                .iter()
                .map(|(id, name, _)| (id.clone(), name.clone()))
                .collect();
            let mut teams: Vec<_> = team_rows
                .into_iter()
                .map(|(id, name, location)| (name, location, in_bracket.get(&id).cloned()))
                .collect();
            teams.sort();
            let words = challenges::table
                .filter(challenges::event_id.eq(&event.id))
                .order(challenges::position)
                .select((
                    challenges::slug,
                    challenges::reward,
                    challenges::event_reward,
                ))
                .load(conn)?;
            let mut openings = Vec::new();
            for o in Opening::of_event(conn, &event.id)? {
                openings.push((
                    name_of[&o.team_id].clone(),
                    slug_of[&o.challenge_id].clone(),
                    o.skipped_challenge_id.map(|c| slug_of[&c].clone()),
                    o.stuck_seconds,
                    o.reason,
                    email(conn, &o.opened_by)?,
                    o.created_at,
                ));
            }
            let mut earned = Vec::new();
            let rows: Vec<cohack_server::models::reward::Reward> = rewards::table
                .filter(rewards::event_id.eq(&event.id))
                .order(rewards::created_at)
                .select(cohack_server::models::reward::Reward::as_select())
                .load(conn)?;
            for r in rows {
                let by = match &r.delivered_by {
                    Some(id) => Some(email(conn, id)?),
                    None => None,
                };
                earned.push((
                    name_of[&r.team_id].clone(),
                    slug_of[&r.challenge_id].clone(),
                    r.location,
                    r.reward,
                    r.created_at,
                    r.delivered_at,
                    by,
                ));
            }
            earned.sort();
            Ok::<_, Error>(Floor {
                settings: (
                    event.rewards,
                    event.hold_rewards_until_end,
                    event.remote_reward.clone(),
                ),
                brackets: bracket::of_event(conn, &event.id)?,
                teams,
                words,
                openings,
                rewards: earned,
            })
        })
        .await
        .expect("the floor")
}

/// The views of the floor a move must keep, ids and computation times taken out: the board
/// of each bracket (per-bracket ranks), the open and the delivered rewards, the progress
/// view's openings.
async fn floor_views(app: &TestApp, token: &str, slug: &str) -> Vec<Value> {
    let mut views = Vec::new();
    for path in [
        "leaderboard",
        "leaderboard?bracket=On%20site",
        "leaderboard?bracket=Remote",
        "rewards?state=open",
        "rewards?state=delivered",
        "progress",
    ] {
        let mut body = expect(
            app.get_as(token, &format!("/api/v1/events/{slug}/{path}"))
                .await,
            200,
        )
        .await;
        if let Some(object) = body.as_object_mut() {
            object.remove("generated_at");
        }
        if path == "progress" {
            // Minutes on a challenge run with the clock: only the openings.
            let mut teams: Vec<Value> = body["teams"]
                .as_array()
                .expect("teams")
                .iter()
                .map(|t| json!([t["team_name"], t["openings"]]))
                .collect();
            teams.sort_by_key(|t| t[0].as_str().unwrap_or_default().to_owned());
            body = Value::Array(teams);
        }
        views.push(without_ids(body));
    }
    views
}

/// An event's floor moves with it: rewards settings, brackets and each team's, a team's
/// location, a challenge's reward words (the manifest's and the event's override), a coach's
/// opening past a stuck challenge, and the rewards earned (one delivered,
/// one open for a remote team to fulfil). Imported into a fresh database of the same backend,
/// the per-bracket boards, the rewards lists, the openings and the words read the same. The
/// same file made version 3 (before the floor) still imports, without any of it.
async fn the_floor_moves_with_the_event(app: TestApp) {
    use crate::challenges::{
        coach, first_contact_answer, materials, publish_all, running_event, submit, team,
    };
    let event = running_event(&app, "floor").await;
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
    let organizer = event.organizer.token();
    expect(
        app.send(
            reqwest::Method::PATCH,
            organizer,
            "/api/v1/events/floor",
            &json!({"rewards": true, "remote_reward": "a voucher, by mail",
                    "brackets": ["On site", "Remote"]}),
        )
        .await,
        200,
    )
    .await;
    let (alice, on_site) = team(&app, &event, "anvil").await;
    let (carol, remote) = team(&app, &event, "beacon").await;
    let bob = coach(&app, &event, &remote, "bob").await;
    for (team_id, bracket) in [(&on_site, "On site"), (&remote, "Remote")] {
        expect(
            app.send(
                reqwest::Method::PUT,
                organizer,
                &format!("/api/v1/teams/{team_id}/bracket"),
                &json!({"bracket": bracket}),
            )
            .await,
            200,
        )
        .await;
    }
    expect(
        app.send(
            reqwest::Method::PATCH,
            alice.token(),
            &format!("/api/v1/teams/{on_site}"),
            &json!({"location": "Table 7"}),
        )
        .await,
        200,
    )
    .await;
    let event_id = event.id.clone();
    app.state
        .db
        .write(move |conn| {
            let id: String = cohack_server::db::schema::challenges::table
                .filter(cohack_server::db::schema::challenges::event_id.eq(&event_id))
                .filter(cohack_server::db::schema::challenges::slug.eq("first-contact"))
                .select(cohack_server::db::schema::challenges::id)
                .first(conn)?;
            cohack_server::models::reward::Reward::set_event_words(
                conn,
                &id,
                Some("a cup of coffee"),
            )
        })
        .await
        .expect("the event's words");
    // Both teams solve the first challenge: a reward each, the on-site one to a table.
    for (member, team_id) in [(&alice, &on_site), (&carol, &remote)] {
        let own = expect(
            materials(&app, &member.access_token, team_id, "first-contact").await,
            200,
        )
        .await;
        let solved = expect(
            submit(
                &app,
                &member.access_token,
                team_id,
                &json!({"challenge": "first-contact", "answer": first_contact_answer(&own)}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(solved["verdict"]["passed"], true, "{solved}");
    }
    let open = expect(
        app.get_as(
            &event.organizer.access_token,
            "/api/v1/events/floor/rewards",
        )
        .await,
        200,
    )
    .await;
    let on_site_reward = open
        .as_array()
        .or_else(|| open["rewards"].as_array())
        .expect("rewards")
        .iter()
        .find(|r| r["location"] == "Table 7")
        .unwrap_or_else(|| panic!("the on-site reward: {open}"))["id"]
        .as_str()
        .expect("id")
        .to_owned();
    expect(
        app.post(
            organizer,
            &format!("/api/v1/rewards/{on_site_reward}/delivered"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    // The remote team's coach opens the next challenge past the one it is stuck on.
    expect(
        app.post(
            Some(&bob.access_token),
            &format!("/api/v1/teams/{remote}/challenges/clean-readings/open"),
            &json!({"reason": "stuck on the manifest all morning"}),
        )
        .await,
        201,
    )
    .await;
    let before = floor(&app, "floor").await;
    assert_eq!(before.brackets, ["On site", "Remote"]);
    assert_eq!(before.openings.len(), 1, "{before:?}");
    assert_eq!(before.rewards.len(), 2, "{before:?}");
    assert_eq!(before.rewards[0].3, "a cup of coffee", "{before:?}");
    assert!(
        before.rewards.iter().any(|r| r.5.is_some())
            && before.rewards.iter().any(|r| r.5.is_none()),
        "one delivered, one open: {before:?}"
    );
    let views = floor_views(&app, &event.organizer.access_token, "floor").await;

    let text = export_text(&app, "floor");
    let file = ExportFile::parse(&text);
    assert_eq!(file.header["version"], 4);
    for table in [
        "event_brackets",
        "team_brackets",
        "staff_openings",
        "rewards",
    ] {
        assert!(
            file.rows.iter().any(|r| r["table"] == table),
            "no {table} row"
        );
    }

    // A fresh database of the same backend.
    let dir = tempfile::tempdir().expect("dir");
    let pg = app
        .state
        .config
        .database_url
        .starts_with("postgres")
        .then(|| PgDatabase::create().expect("PostgreSQL tests are on"));
    let target = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("target.db").display()),
    };
    let path = dir.path().join("floor.cohack.jsonl");
    std::fs::write(&path, &text).expect("write");
    let out = import(dir.path(), &path, &target);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let moved = TestApp::spawn_on(target).await;
    assert_eq!(floor(&moved, "floor").await, before);
    let email = event.organizer.email.clone();
    moved
        .state
        .db
        .write(move |conn| {
            let user = User::find_by_email(conn, &email)?.ok_or(Error::NotFound("user"))?;
            let hash = cohack_server::auth::password::hash(PASSWORD)?;
            User::promote_to_organizer(conn, &user.id, &hash)
        })
        .await
        .expect("organizer promoted");
    let organizer = moved.login(&event.organizer.email).await;
    assert_eq!(
        floor_views(&moved, &organizer.access_token, "floor").await,
        views
    );

    // Written before the floor (version 3): none of it. It imports, without any.
    let mut v3 = file.clone();
    v3.header["version"] = json!(3);
    v3.header["event"] = json!("floor-v3");
    v3.rows_of("events").for_each(|event| {
        event["slug"] = json!("floor-v3");
        let event = event.as_object_mut().expect("a row");
        for column in ["rewards", "hold_rewards_until_end", "remote_reward"] {
            event.remove(column);
        }
    });
    v3.rows_of("teams").for_each(|team| {
        team.as_object_mut().expect("a row").remove("location");
    });
    v3.rows_of("challenges").for_each(|challenge| {
        let challenge = challenge.as_object_mut().expect("a row");
        for column in ["reward", "event_reward"] {
            challenge.remove(column);
        }
    });
    v3.rows.retain(|r| {
        ![
            "event_brackets",
            "team_brackets",
            "staff_openings",
            "rewards",
        ]
        .contains(&r["table"].as_str().unwrap_or_default())
    });
    let out = import_text(&moved, &v3.render());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let old = floor(&moved, "floor-v3").await;
    assert_eq!(old.settings, (false, false, String::new()));
    assert!(old.brackets.is_empty() && old.openings.is_empty() && old.rewards.is_empty());
    assert!(
        old.teams
            .iter()
            .all(|(_, location, bracket)| location.is_none() && bracket.is_none())
    );
    assert!(
        old.words
            .iter()
            .all(|(_, manifest, event)| manifest.is_none() && event.is_none()),
        "{old:?}"
    );
    let board = expect(
        moved
            .get_as(
                &organizer.access_token,
                "/api/v1/events/floor-v3/leaderboard",
            )
            .await,
        200,
    )
    .await;
    assert_eq!(board["rows"].as_array().map(Vec::len), Some(2), "{board}");
    moved.stop().await;
    drop(pg);
}
