//! Export and import: an event played on SQLite is exported with `cohack export`, imported
//! with `cohack import` into a fresh PostgreSQL database (a fresh SQLite file when PostgreSQL
//! tests are off), and the leaderboard, the results and the insights read the same there.
//! A second import, a truncated file and a tampered one are refused with nothing imported.

use std::path::Path;

use chrono::TimeDelta;
use cohack_server::{
    db::{now, schema::submissions},
    models::{chat::ChatMessage, event::Event},
};
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    challenges::{expect, reschedule},
    harness::{Backend, PgDatabase, TestApp, path_str, run_cohack},
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
        views.push(body);
    }
    views
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
            Ok::<_, cohack_server::error::Error>((events, subs))
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
    let team = expect(
        fresh_app
            .get_as(
                &existing.access_token,
                &format!("/api/v1/teams/{}", played.teams[0].id),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(team["members"][0]["user_id"], existing.id.as_str());
    let slug_found = fresh_app
        .state
        .db
        .run(|conn| Event::find_by_slug(conn, "moving"))
        .await;
    assert!(slug_found.is_ok());
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
