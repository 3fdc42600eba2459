//! Each person's data rights, over HTTP on both backends and through the real binary: a
//! participant's archive (`GET /api/v1/me/export`) holds their submissions with the files,
//! their chat lines and feedback, and nothing of a teammate's; after `DELETE /api/v1/me` the
//! person's name and e-mail appear in no response of the event (API, pages, reports in every
//! form, CSVs, the event export file), while the team's solves and the board stay the same and
//! the person's open sockets close here and on a sibling instance; the last organizer, a wrong
//! or missing password and, for an account without a password, a sign-in older than ten
//! minutes are refused; `cohack admin erase-user` erases (refusing an unknown address and the
//! last organizer) and `cohack admin erasures` lists the record.

use std::io::{Cursor, Read};

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::TimeDelta;
use cohack_server::{
    db::{
        now,
        schema::{sessions, users},
    },
    models::{
        event::Event,
        role::{self, EventRole},
        team::Team,
    },
};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{TestEvent, coach, expect, publish_all, running_event, submit},
    export::export_text,
    harness::{Account, TestApp, repo_root, run_cohack},
    live_client::{Ws, connect},
    plain_browser::PlainBrowser,
};

backend_tests!(
    an_export_holds_the_callers_data_and_nobody_elses,
    after_erasure_the_person_appears_nowhere,
    erasure_is_refused_when_it_must_be,
    the_command_line_erases_and_lists_erasures,
);

/// The marker: the erased person's display name, and the local part of their e-mail.
const MARKER: &str = "zmarker7";
const MARKER_EMAIL: &str = "zmarker7@acme.example";
const ZED_LINE: &str = "zed thinks the manifest wants a retry section";
const TINA_LINE: &str = "tina private aside about the vendor";
const ZED_FEEDBACK: &str = "zed found the manifest rules hard to guess";
const TINA_FEEDBACK: &str = "tina found it fine";
const DRAFT: &str = "# zed draft, not a pipeline yet\n";

struct Scene {
    event: TestEvent,
    team_id: String,
    zed: Account,
    tina: Account,
    coach: Account,
    passed_submission: String,
}

fn reference_pipeline() -> String {
    std::fs::read_to_string(
        repo_root().join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("reference sample")
}

fn pipeline(text: &str) -> Value {
    json!({
        "challenge": "pipeline-manifest",
        "files": [{"path": "pipeline.toml", "content_base64": STANDARD.encode(text)}],
    })
}

async fn team_channel(app: &TestApp, team_id: &str, account: &Account) -> Ws {
    let mut ws = connect(app, &format!("/api/v1/teams/{team_id}/ws"), account.token()).await;
    ws.expect("hello").await;
    ws
}

async fn say(ws: &mut Ws, text: &str) {
    ws.send_json(json!({"type": "chat", "text": text})).await;
    ws.expect_where("chat", |c| c["text"] == text).await;
}

/// A running event with one challenge; Zed (the marker) and Tina in one team, a coach; Zed
/// submits a draft that fails and the reference that passes, both write in the chat and give
/// feedback, Zed raises a help call, the coach writes a note.
async fn scene(app: &TestApp) -> Scene {
    let event = running_event(app, "rights").await;
    publish_all(app, &event, &["02-pipeline-manifest"]).await;
    let zed = app.register(MARKER_EMAIL, "Acme").await;
    let tina = app.register("tina@acme.example", "Acme").await;
    let (event_id, zed_id, tina_id) = (event.id.clone(), zed.id.clone(), tina.id.clone());
    let team = app
        .state
        .db
        .write(move |conn| {
            role::grant(conn, &event_id, &zed_id, EventRole::Participant, None)?;
            role::grant(conn, &event_id, &tina_id, EventRole::Participant, None)?;
            let event = Event::find(conn, &event_id)?;
            let team = Team::create(conn, &event, "Acme Rockets", &zed_id)?;
            Team::add_member(conn, &team, &tina_id)?;
            Ok::<_, cohack_server::error::Error>(team)
        })
        .await
        .expect("team formed");
    let coach = coach(app, &event, &team.id, "coachy").await;

    let draft = expect(
        submit(app, &zed.access_token, &team.id, &pipeline(DRAFT)).await,
        201,
    )
    .await;
    assert_eq!(draft["verdict"]["passed"], false, "{draft}");
    let passed = expect(
        submit(
            app,
            &zed.access_token,
            &team.id,
            &pipeline(&reference_pipeline()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(passed["verdict"]["passed"], true, "{passed}");

    let mut zed_ws = team_channel(app, &team.id, &zed).await;
    let mut tina_ws = team_channel(app, &team.id, &tina).await;
    say(&mut zed_ws, ZED_LINE).await;
    say(&mut tina_ws, TINA_LINE).await;
    zed_ws
        .send_json(json!({"type": "help_raise", "context": "zed is stuck on retries"}))
        .await;
    zed_ws.expect("help").await;
    drop((zed_ws, tina_ws));

    for (account, text, difficulty) in [(&zed, ZED_FEEDBACK, 4), (&tina, TINA_FEEDBACK, 2)] {
        expect(
            app.post(
                account.token(),
                &format!("/api/v1/teams/{}/feedback", team.id),
                &json!({"challenge": "pipeline-manifest", "difficulty": difficulty, "text": text}),
            )
            .await,
            201,
        )
        .await;
    }
    expect(
        app.post(
            coach.token(),
            &format!("/api/v1/teams/{}/notes", team.id),
            &json!({"challenge": "pipeline-manifest", "text": "they guessed the retry rule"}),
        )
        .await,
        201,
    )
    .await;
    Scene {
        event,
        team_id: team.id,
        zed,
        tina,
        coach,
        passed_submission: passed["id"].as_str().expect("id").to_owned(),
    }
}

/// The archive's entries, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("entry");
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("entry reads");
            (entry.name().expect("a UTF-8 name").into_owned(), content)
        })
        .collect()
}

async fn export_of(app: &TestApp, account: &Account) -> Vec<(String, Vec<u8>)> {
    let response = app.get_as(&account.access_token, "/api/v1/me/export").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().expect("ascii"),
        "application/zip"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("attachment")
    );
    unzip(&response.bytes().await.expect("body"))
}

async fn an_export_holds_the_callers_data_and_nobody_elses(app: TestApp) {
    let s = scene(&app).await;
    assert_eq!(app.get("/api/v1/me/export").await.status(), 401);

    let entries = export_of(&app, &s.zed).await;
    assert_eq!(entries[0].0, "data.json", "data.json comes first");
    let text = String::from_utf8(entries[0].1.clone()).expect("utf-8");
    let data: Value = serde_json::from_str(&text).expect("data.json is JSON");
    assert_eq!(data["format"], "cohack-personal-export");
    assert_eq!(data["account"]["email"], MARKER_EMAIL);
    assert_eq!(data["account"]["display_name"], MARKER);
    assert_eq!(data["account"]["organization"], "Acme");
    assert_eq!(data["account"]["has_password"], true);
    assert!(!text.contains("argon2"), "no password hash");
    let roles: Vec<&str> = data["registrations"]
        .as_array()
        .expect("registrations")
        .iter()
        .filter_map(|r| r["role"].as_str())
        .collect();
    assert_eq!(roles, ["participant"]);
    assert_eq!(data["teams"][0]["team"], "Acme Rockets");
    for section in ["terms_acceptances", "name_in_report", "survey"] {
        assert!(data[section].is_array(), "{section} in data.json");
    }

    // Both submissions, their verdicts, and each file byte for byte under files/.
    let submissions = data["submissions"].as_array().expect("submissions");
    assert_eq!(submissions.len(), 2, "{text}");
    let passes: Vec<&Value> = submissions
        .iter()
        .map(|s| &s["verdicts"][0]["passed"])
        .collect();
    assert_eq!(passes, [false, true]);
    for (submission, content) in submissions
        .iter()
        .zip([DRAFT.to_owned(), reference_pipeline()])
    {
        assert_eq!(submission["verdicts"][0]["is_current"], true);
        let file = &submission["files"][0];
        assert_eq!(file["path"], "pipeline.toml");
        let archive_path = file["archive_path"].as_str().expect("archive path");
        assert_eq!(
            archive_path,
            format!(
                "files/{}/pipeline.toml",
                submission["id"].as_str().expect("id")
            )
        );
        let entry = entries
            .iter()
            .find(|(name, _)| name == archive_path)
            .unwrap_or_else(|| panic!("{archive_path} in the archive"));
        assert_eq!(entry.1, content.as_bytes());
        assert_eq!(file["size"], content.len());
    }
    assert_eq!(submissions[1]["id"], s.passed_submission.as_str());
    assert_eq!(submissions[1]["verdicts"][0]["passed"], true);

    // Their own words, and nothing of Tina's: not her line, her feedback, her name or her id.
    let lines: Vec<&str> = data["chat_messages"]
        .as_array()
        .expect("chat")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(lines, [ZED_LINE]);
    assert_eq!(data["feedback"][0]["text"], ZED_FEEDBACK);
    assert_eq!(data["feedback"].as_array().map(Vec::len), Some(1));
    assert_eq!(data["help_calls"][0]["raised_by_you"], true);
    assert_eq!(data["notes"], json!([]), "the coach's note is not Zed's");
    for theirs in [
        TINA_LINE,
        TINA_FEEDBACK,
        "tina",
        s.tina.id.as_str(),
        "coachy",
        s.coach.id.as_str(),
    ] {
        assert!(!text.contains(theirs), "{theirs:?} in Zed's data.json");
    }
    assert_eq!(entries.len(), 3, "data.json and two files");

    // Tina's archive has her line and none of Zed's.
    let tina = export_of(&app, &s.tina).await;
    let tina_text = String::from_utf8(tina[0].1.clone()).expect("utf-8");
    assert!(tina_text.contains(TINA_LINE));
    for theirs in [ZED_LINE, ZED_FEEDBACK, MARKER, DRAFT.trim()] {
        assert!(
            !tina_text.contains(theirs),
            "{theirs:?} in Tina's data.json"
        );
    }
    assert_eq!(tina.len(), 1, "Tina submitted nothing");
}

/// Every body the organizer, a teammate, the coach and the public can fetch about the event,
/// with what it was fetched from.
async fn every_view(app: &TestApp, s: &Scene) -> Vec<(String, String)> {
    let slug = &s.event.slug;
    let team = &s.team_id;
    let mut bodies = Vec::new();
    let organizer = s.event.organizer.access_token.as_str();
    let api = [
        (organizer, format!("/api/v1/events/{slug}")),
        (organizer, format!("/api/v1/events/{slug}/leaderboard")),
        (organizer, format!("/api/v1/events/{slug}/results")),
        (organizer, format!("/api/v1/events/{slug}/insights")),
        (organizer, format!("/api/v1/events/{slug}/roles")),
        (organizer, format!("/api/v1/events/{slug}/teams")),
        (organizer, format!("/api/v1/events/{slug}/progress")),
        (organizer, format!("/api/v1/events/{slug}/help-calls")),
        (organizer, format!("/api/v1/teams/{team}")),
        (organizer, format!("/api/v1/teams/{team}/submissions")),
        (organizer, format!("/api/v1/teams/{team}/notes")),
        (organizer, format!("/api/v1/teams/{team}/feedback")),
        (
            organizer,
            format!("/api/v1/submissions/{}", s.passed_submission),
        ),
        (organizer, "/api/v1/organizations".to_owned()),
        (&s.tina.access_token, format!("/api/v1/teams/{team}")),
        (&s.tina.access_token, format!("/api/v1/teams/{team}/chat")),
        (
            &s.tina.access_token,
            format!("/api/v1/teams/{team}/submissions"),
        ),
        (
            &s.tina.access_token,
            format!("/api/v1/teams/{team}/help-calls"),
        ),
        (
            &s.tina.access_token,
            format!("/api/v1/events/{slug}/challenges"),
        ),
        (
            &s.coach.access_token,
            format!("/api/v1/teams/{team}/feedback"),
        ),
    ];
    for (token, path) in api {
        let response = app.get_as(token, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        bodies.push((path, response.text().await.expect("body")));
    }
    for accept in ["text/csv", "text/markdown", "text/html"] {
        for what in ["insights", "results"] {
            let response = app
                .client
                .get(format!("{}/api/v1/events/{slug}/{what}", app.address))
                .bearer_auth(organizer)
                .header("Accept", accept)
                .send()
                .await
                .expect("sent");
            let path = format!("/api/v1/events/{slug}/{what} ({accept})");
            bodies.push((path, response.text().await.expect("body")));
        }
    }
    // What the team's channel greets with: the workspace's history (activity, chat, people).
    let mut ws = connect(app, &format!("/api/v1/teams/{team}/ws"), s.tina.token()).await;
    let hello = ws.expect("hello").await;
    bodies.push(("team channel hello".into(), hello.to_string()));
    drop(ws);

    let mut organizer_pages = PlainBrowser::sign_in(app, &s.event.organizer.email).await;
    for path in [
        format!("/events/{slug}"),
        format!("/events/{slug}/manage"),
        format!("/events/{slug}/manage/progress"),
        format!("/events/{slug}/manage/results.csv"),
        format!("/events/{slug}/manage/cliffs.csv"),
        format!("/events/{slug}/manage/cliffs.md"),
        format!("/events/{slug}/report"),
        format!("/events/{slug}/report/download"),
        format!("/teams/{team}"),
        "/people".to_owned(),
    ] {
        let response = organizer_pages.get(&path).await;
        assert_eq!(response.status(), 200, "organizer page {path}");
        bodies.push((path, response.text().await.expect("body")));
    }
    let mut tina_pages = PlainBrowser::sign_in(app, &s.tina.email).await;
    for path in [format!("/teams/{team}"), format!("/events/{slug}")] {
        let response = tina_pages.get(&path).await;
        assert_eq!(response.status(), 200, "teammate page {path}");
        bodies.push((path, response.text().await.expect("body")));
    }
    for path in [
        format!("/events/{slug}/board"),
        format!("/events/{slug}/board/state"),
        format!("/api/v1/events/{slug}/leaderboard"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 200, "public {path}");
        bodies.push((path, response.text().await.expect("body")));
    }

    // The event export file (`cohack export`).
    bodies.push(("cohack export".into(), export_text(app, slug)));
    bodies
}

/// The board without when it was computed.
fn board_rows(board: &Value) -> Value {
    let mut board = board.clone();
    if let Some(object) = board.as_object_mut() {
        object.remove("generated_at");
    }
    board
}

async fn after_erasure_the_person_appears_nowhere(app: TestApp) {
    let s = scene(&app).await;
    let slug = s.event.slug.clone();
    let before = every_view(&app, &s).await;
    assert!(
        before.iter().any(|(_, body)| body.contains(MARKER)),
        "the marker shows before the erasure (else the search below proves nothing)"
    );
    let board_before = expect(
        app.get(&format!("/api/v1/events/{slug}/leaderboard")).await,
        200,
    )
    .await;

    // Zed's sockets here and on a sibling instance.
    let sibling = app.spawn_sibling(|_| {}).await;
    let mut here = team_channel(&app, &s.team_id, &s.zed).await;
    let mut there = team_channel(&sibling, &s.team_id, &s.zed).await;
    let mut tina_ws = team_channel(&sibling, &s.team_id, &s.tina).await;

    let erased = app
        .send(
            reqwest::Method::DELETE,
            s.zed.token(),
            "/api/v1/me",
            &json!({"password": crate::harness::PASSWORD}),
        )
        .await;
    assert_eq!(erased.status(), 204);
    assert_eq!(here.expect_close().await, Some(4401), "socket here");
    assert_eq!(
        there.expect_close().await,
        Some(4401),
        "socket on the sibling"
    );
    say(&mut tina_ws, "still here").await;

    // Zed's tokens and password no longer work.
    assert_eq!(
        app.get_as(&s.zed.access_token, "/api/v1/me").await.status(),
        401
    );
    let login = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"email": MARKER_EMAIL, "password": crate::harness::PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), 401);

    // Nowhere: every view, in every form, after the erasure.
    let after = every_view(&app, &s).await;
    for (path, body) in &after {
        assert!(
            !body.to_lowercase().contains(MARKER),
            "{path} still names the erased person: {}",
            &body[body
                .to_lowercase()
                .find(MARKER)
                .unwrap_or(0)
                .saturating_sub(200)..]
                .chars()
                .take(400)
                .collect::<String>()
        );
    }

    // The team's work stays, attributed to "former member"; the board is the same.
    let chat = expect(
        app.get_as(
            &s.tina.access_token,
            &format!("/api/v1/teams/{}/chat", s.team_id),
        )
        .await,
        200,
    )
    .await;
    let chat = chat.to_string();
    assert!(chat.contains(ZED_LINE), "{chat}");
    assert!(chat.contains("former member"), "{chat}");
    let submissions = expect(
        app.get_as(
            &s.tina.access_token,
            &format!("/api/v1/teams/{}/submissions", s.team_id),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        submissions["submissions"].as_array().map(Vec::len),
        Some(2),
        "{submissions}"
    );
    let feedback = expect(
        app.get_as(
            &s.coach.access_token,
            &format!("/api/v1/teams/{}/feedback", s.team_id),
        )
        .await,
        200,
    )
    .await
    .to_string();
    assert!(feedback.contains(ZED_FEEDBACK), "{feedback}");
    let board_after = expect(
        app.get(&format!("/api/v1/events/{slug}/leaderboard")).await,
        200,
    )
    .await;
    assert_eq!(board_rows(&board_after), board_rows(&board_before));
    assert!(
        board_after["rows"][0]["score"]
            .as_i64()
            .is_some_and(|s| s > 0),
        "{board_after}"
    );

    // The record: when and by whom, never whom.
    let records = expect(
        app.get_as(&s.event.organizer.access_token, "/api/v1/erasures")
            .await,
        200,
    )
    .await;
    assert_eq!(records.as_array().map(Vec::len), Some(1), "{records}");
    assert_eq!(records[0]["erased_by"], "self");
    assert!(!records.to_string().contains(&s.zed.id), "{records}");
    assert_eq!(
        app.get_as(&s.tina.access_token, "/api/v1/erasures")
            .await
            .status(),
        403
    );
    sibling.stop().await;
}

async fn erasure_is_refused_when_it_must_be(app: TestApp) {
    let s = scene(&app).await;
    let erase = |account: &Account, body: Value| {
        let token = account.access_token.clone();
        let app = &app;
        async move {
            app.send(reqwest::Method::DELETE, Some(&token), "/api/v1/me", &body)
                .await
        }
    };
    assert_eq!(
        app.send(reqwest::Method::DELETE, None, "/api/v1/me", &json!({}))
            .await
            .status(),
        401
    );
    let wrong = expect(
        erase(&s.zed, json!({"password": "not the password"})).await,
        403,
    )
    .await;
    assert_eq!(wrong["error"]["code"], "wrong_password");
    for missing in [
        json!({}),
        json!({"password": ""}),
        json!({"password": null}),
    ] {
        let missing = expect(erase(&s.zed, missing).await, 403).await;
        assert_eq!(missing["error"]["code"], "password_required");
    }
    let unknown = erase(&s.zed, json!({"password": "x", "also": 1})).await;
    assert_eq!(unknown.status(), 400);
    assert_eq!(
        app.get_as(&s.zed.access_token, "/api/v1/me").await.status(),
        200
    );

    // The portal's only organizer, then an event's only organizer.
    let portal = expect(
        erase(
            &s.event.organizer,
            json!({"password": crate::harness::PASSWORD}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(portal["error"]["code"], "last_portal_organizer");
    assert!(
        portal["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("first")),
        "{portal}"
    );
    let olga = app.register("olga@vendor.example", "Vendor").await;
    let (event_id, olga_id) = (s.event.id.clone(), olga.id.clone());
    app.state
        .db
        .write(move |conn| role::grant(conn, &event_id, &olga_id, EventRole::Organizer, None))
        .await
        .expect("organizer role");
    let last = expect(
        erase(&olga, json!({"password": crate::harness::PASSWORD})).await,
        409,
    )
    .await;
    assert_eq!(last["error"]["code"], "last_organizer");
    assert!(
        last["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("rights") && m.contains("add another organizer")),
        "{last}"
    );
    assert_eq!(
        app.get_as(&olga.access_token, "/api/v1/me").await.status(),
        200
    );
    let none = expect(
        app.get_as(&s.event.organizer.access_token, "/api/v1/erasures")
            .await,
        200,
    )
    .await;
    assert_eq!(none, json!([]), "refusals record nothing");

    // An account without a password (as a sign-in provider makes them): a sign-in older than
    // ten minutes is refused, a fresh one erases it.
    let pat = app.register("pat@acme.example", "Acme").await;
    let pat_id = pat.id.clone();
    app.state
        .db
        .write(move |conn| {
            diesel::update(users::table.find(&pat_id))
                .set(users::password_hash.eq(""))
                .execute(conn)?;
            diesel::update(sessions::table.filter(sessions::user_id.eq(&pat_id)))
                .set(sessions::created_at.eq(now() - TimeDelta::minutes(11)))
                .execute(conn)?;
            Ok::<_, cohack_server::error::Error>(())
        })
        .await
        .expect("a provider-made account signed in 11 minutes ago");
    let stale = expect(erase(&pat, json!({})).await, 403).await;
    assert_eq!(stale["error"]["code"], "fresh_sign_in_required");
    assert!(
        stale["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("sign in again")),
        "{stale}"
    );
    let pat_id = pat.id.clone();
    app.state
        .db
        .write(move |conn| {
            diesel::update(sessions::table.filter(sessions::user_id.eq(&pat_id)))
                .set(sessions::created_at.eq(now()))
                .execute(conn)?;
            Ok::<_, cohack_server::error::Error>(())
        })
        .await
        .expect("a fresh sign-in");
    assert_eq!(erase(&pat, json!({})).await.status(), 204);
    assert_eq!(
        app.get_as(&pat.access_token, "/api/v1/me").await.status(),
        401
    );
}

async fn the_command_line_erases_and_lists_erasures(app: TestApp) {
    let s = scene(&app).await;
    let mut zed_ws = team_channel(&app, &s.team_id, &s.zed).await;
    let dir = tempfile::tempdir().expect("dir");
    let url = app.state.config.database_url.clone();
    let out = run_cohack(
        dir.path(),
        &[
            "admin",
            "erase-user",
            "--email",
            MARKER_EMAIL,
            "--database-url",
            &url,
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("erased the account"), "{stdout}");
    assert!(stdout.contains("session(s) ended"), "{stdout}");
    assert_eq!(zed_ws.expect_close().await, Some(4401));
    assert_eq!(
        app.get_as(&s.zed.access_token, "/api/v1/me").await.status(),
        401
    );
    let team = expect(
        app.get_as(
            &s.tina.access_token,
            &format!("/api/v1/teams/{}", s.team_id),
        )
        .await,
        200,
    )
    .await
    .to_string();
    assert!(
        !team.contains(MARKER) && team.contains("former member"),
        "{team}"
    );

    // Again: nobody has the address any more. The last organizer: refused.
    let again = run_cohack(
        dir.path(),
        &[
            "admin",
            "erase-user",
            "--email",
            MARKER_EMAIL,
            "--database-url",
            &url,
        ],
        &[],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no account has the email"));
    let organizer = run_cohack(
        dir.path(),
        &[
            "admin",
            "erase-user",
            "--email",
            &s.event.organizer.email,
            "--database-url",
            &url,
        ],
        &[],
    );
    assert!(!organizer.status.success());
    assert!(String::from_utf8_lossy(&organizer.stderr).contains("last organizer"));

    let listed = run_cohack(
        dir.path(),
        &["admin", "erasures", "--database-url", &url],
        &[],
    );
    assert!(listed.status.success());
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("admin CLI"), "{listed}");
    assert!(
        !listed.contains(MARKER) && !listed.contains(&s.zed.id),
        "{listed}"
    );
}
