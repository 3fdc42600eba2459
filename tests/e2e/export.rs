//! Export and import: an event played on SQLite is exported with `cohack export`, imported
//! with `cohack import` into a fresh PostgreSQL database (a fresh SQLite file when PostgreSQL
//! tests are off), and the leaderboard, the results and the insights read the same there.
//! A second import, a truncated file and a tampered one are refused with nothing imported.
//! An event imported beside its original becomes a second event with all-new ids, and the
//! original reads the same as before. (Hostile files: `import_hostile.rs`.)

use std::path::Path;

use chrono::TimeDelta;
use cohack_server::{
    db::{now, schema::submissions},
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
    insights::{NOTE_TEXT, play_cliff_event},
};

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
fn export_text(app: &TestApp, slug: &str) -> String {
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

backend_tests!(an_export_imports_as_a_new_event_beside_its_original);

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
