//! The live layer against the real server, with real WebSocket clients: presence, chat and
//! documents between two members, help calls, verdicts on the workspace and the big screen,
//! reconnection, access, malformed and oversized frames.

use chrono::{Duration, Utc};
use cohack_server::{
    actions::announce::{Change, announce},
    db::{
        new_id,
        schema::{challenges, submissions, validator_blobs, validator_versions, verdicts},
    },
    error::Error,
    models::{
        event::{Event, EventSettings},
        role::{self, EventRole},
        team::Team,
        verdict::Verdict,
    },
};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    harness::{Account, TestApp},
    live_client::{YClient, connect, edit_doc, try_connect},
};

backend_tests!(
    members_see_presence_chat_and_document_edits,
    coach_sees_a_raised_hand,
    verdict_reaches_workspace_and_big_screen,
    reconnecting_clients_converge_and_resume_chat,
    outsiders_cannot_join_team_or_documents,
    malformed_and_oversized_frames_get_errors,
    a_removed_coach_loses_the_live_workspace,
);

/// An event with one team of two members, a coach, an organizer and an outsider team.
pub struct World {
    pub event: Event,
    pub team: Team,
    pub other_team: Team,
    pub alice: Account,
    pub bob: Account,
    pub coach: Account,
    pub organizer: Account,
    pub mallory: Account,
}

pub async fn world(app: &TestApp) -> World {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let bob = app.register("bob@acme.example", "Acme").await;
    let coach = app.register("coach@vendor.example", "Vendor").await;
    let mallory = app.register("mallory@rival.example", "Rival").await;
    let ids = (
        organizer.id.clone(),
        alice.id.clone(),
        bob.id.clone(),
        coach.id.clone(),
        mallory.id.clone(),
    );
    let (event, team, other_team) = app
        .state
        .db
        .write(move |conn| {
            let (org, alice, bob, coach, mallory) = ids;
            let now = Utc::now().naive_utc();
            let event = Event::create(
                conn,
                EventSettings {
                    slug: "live-hack".into(),
                    name: "Live hack".into(),
                    description: String::new(),
                    starts_at: now - Duration::hours(1),
                    ends_at: now + Duration::hours(5),
                    freeze_at: None,
                    registration: "open".into(),
                    invite_code: None,
                    team_size_min: 1,
                    team_size_max: 4,
                },
                &org,
            )?;
            role::grant(conn, &event.id, &org, EventRole::Organizer, None)?;
            for member in [&alice, &bob, &mallory] {
                role::grant(conn, &event.id, member, EventRole::Participant, None)?;
            }
            role::grant(conn, &event.id, &coach, EventRole::Engineer, None)?;
            let team = Team::create(conn, &event, "Acme Rockets", &alice)?;
            Team::add_member(conn, &team, &bob)?;
            Team::assign_coach(conn, &team.id, &coach, &org)?;
            let other_team = Team::create(conn, &event, "Rival Labs", &mallory)?;
            Ok::<_, Error>((event, team, other_team))
        })
        .await
        .expect("world created");
    World {
        event,
        team,
        other_team,
        alice,
        bob,
        coach,
        organizer,
        mallory,
    }
}

pub fn team_ws(world: &World) -> String {
    format!("/api/v1/teams/{}/ws", world.team.id)
}

pub async fn create_document(app: &TestApp, token: &str, team: &str, title: &str) -> String {
    let response = app
        .post(
            Some(token),
            &format!("/api/v1/teams/{team}/documents"),
            &json!({ "title": title }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    body["id"].as_str().expect("id").to_owned()
}

pub fn online_ids(presence: &Value) -> Vec<String> {
    let mut ids: Vec<String> = presence["online"]
        .as_array()
        .expect("online")
        .iter()
        .map(|p| p["user_id"].as_str().expect("user_id").to_owned())
        .collect();
    ids.sort();
    ids
}

async fn members_see_presence_chat_and_document_edits(app: TestApp) {
    let w = world(&app).await;
    let mut alice = connect(&app, &team_ws(&w), w.alice.token()).await;
    let hello = alice.expect("hello").await;
    assert_eq!(hello["you"]["role"], "member");
    alice
        .expect_where("presence", |p| online_ids(p) == vec![w.alice.id.clone()])
        .await;

    let mut bob = connect(&app, &team_ws(&w), w.bob.token()).await;
    let mut both = vec![w.alice.id.clone(), w.bob.id.clone()];
    both.sort();
    let seen = alice
        .expect_where("presence", |p| online_ids(p) == both)
        .await;
    assert!(
        seen["online"]
            .as_array()
            .expect("online")
            .iter()
            .all(|p| p["role"] == "member" && p["state"] == "active")
    );
    bob.expect_where("presence", |p| online_ids(p) == both)
        .await;

    // Idle, and in a document.
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "notes.md").await;
    alice.expect("documents").await;
    bob.send_json(json!({"type": "presence", "state": "idle", "document_id": doc}))
        .await;
    alice
        .expect_where("presence", |p| {
            p["online"].as_array().expect("online").iter().any(|o| {
                o["user_id"] == w.bob.id.as_str() && o["state"] == "idle" && o["document_id"] == doc
            })
        })
        .await;

    // Chat: persisted, pushed to everyone with its author.
    bob.send_json(json!({"type": "chat", "text": "**hello** <script>"}))
        .await;
    let line = alice.expect("chat").await;
    assert_eq!(line["text"], "**hello** <script>", "stored raw");
    assert_eq!(line["author"]["user_id"], w.bob.id.as_str());
    assert!(line["at"].is_string() && line["id"].is_string());
    bob.expect("chat").await;
    let history: Value = app
        .get_as(
            &w.alice.access_token,
            &format!("/api/v1/teams/{}/chat", w.team.id),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history["messages"][0]["text"], "**hello** <script>");

    // Documents: two Yjs clients edit one document at once.
    let mut ya = YClient::connect(&app, &w.alice.access_token, &w.team.id, &doc).await;
    let mut yb = YClient::connect(&app, &w.bob.access_token, &w.team.id, &doc).await;
    ya.insert(0, "hello").await;
    yb.wait_text("hello").await;
    yb.insert(5, " world").await;
    ya.wait_text("hello world").await;
    // Concurrent edits converge.
    ya.insert(0, "A").await;
    yb.insert(0, "B").await;
    let expected = {
        yb.wait_text_len(13).await;
        yb.text()
    };
    ya.wait_text(&expected).await;
    // Cursors: awareness reaches the other client.
    ya.set_awareness(r#"{"user":{"name":"alice"},"cursor":3}"#)
        .await;
    yb.expect_awareness("alice").await;

    // The submit path reads the text from the database.
    let text: Value = app
        .get_as(
            &w.bob.access_token,
            &format!("/api/v1/teams/{}/documents/{doc}/text", w.team.id),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(text["text"], expected.as_str());

    // Leaving: presence shrinks.
    drop(bob);
    alice
        .expect_where("presence", |p| online_ids(p) == vec![w.alice.id.clone()])
        .await;
}

async fn coach_sees_a_raised_hand(app: TestApp) {
    let w = world(&app).await;
    let mut coach = connect(&app, &team_ws(&w), w.coach.token()).await;
    assert_eq!(coach.expect("hello").await["you"]["role"], "coach");
    let mut big_screen_staff = connect(
        &app,
        &format!("/api/v1/events/{}/ws", w.event.slug),
        w.organizer.token(),
    )
    .await;
    assert_eq!(big_screen_staff.expect("hello").await["staff"], true);
    let mut alice = connect(&app, &team_ws(&w), w.alice.token()).await;
    alice.expect("hello").await;

    alice
        .send_json(json!({"type": "help_raise", "context": "the CSV parser chokes on BOMs"}))
        .await;
    let raised = coach.expect("help").await;
    assert_eq!(raised["call"]["status"], "raised");
    assert_eq!(raised["call"]["context"], "the CSV parser chokes on BOMs");
    let id = raised["call"]["id"].as_str().expect("id").to_owned();
    let staff = big_screen_staff.expect("help").await;
    assert_eq!(staff["call"]["id"], id.as_str());

    // Only one open call per team; members cannot acknowledge.
    alice
        .send_json(json!({"type": "help_raise", "context": "again"}))
        .await;
    assert_eq!(alice.expect("error").await["code"], "help_already_raised");
    alice.send_json(json!({"type": "help_ack", "id": id})).await;
    assert_eq!(alice.expect("error").await["code"], "forbidden");

    coach.send_json(json!({"type": "help_ack", "id": id})).await;
    let acked = alice
        .expect_where("help", |h| h["call"]["status"] == "acknowledged")
        .await;
    assert_eq!(acked["call"]["acknowledged_by"], w.coach.id.as_str());
    let resolved = app
        .post(
            w.organizer.token(),
            &format!("/api/v1/teams/{}/help-calls/{id}/resolve", w.team.id),
            &json!({}),
        )
        .await;
    assert_eq!(resolved.status(), 200);
    let done = coach
        .expect_where("help", |h| h["call"]["status"] == "resolved")
        .await;
    assert!(done["call"]["raised_at"].is_string());
    assert!(done["call"]["acknowledged_at"].is_string());
    assert!(done["call"]["resolved_at"].is_string());

    // The record, with its three times, for the cliffs report.
    let calls: Value = app
        .get_as(
            &w.organizer.access_token,
            &format!("/api/v1/events/{}/help-calls", w.event.slug),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(calls.as_array().expect("list").len(), 1);
}

async fn verdict_reaches_workspace_and_big_screen(app: TestApp) {
    let w = world(&app).await;
    let mut screen = connect(&app, &format!("/api/v1/events/{}/ws", w.event.slug), None).await;
    let hello = screen.expect("hello").await;
    assert_eq!(hello["staff"], false);
    let clock = screen.expect("clock").await;
    assert_eq!(clock["phase"], "running");
    assert!(clock["server_time"].is_string() && clock["ends_at"].is_string());
    let board = screen.expect("leaderboard").await;
    assert_eq!(board["rows"][0]["solved"], 0);
    let mut alice = connect(&app, &team_ws(&w), w.alice.token()).await;
    alice.expect("hello").await;

    // The judge recorded a verdict (rows stored directly, no validator here) and announces it,
    // as judge::run does.
    let submission = record_passing_verdict(&app, &w).await;
    let id = submission.clone();
    let verdict = app
        .state
        .db
        .run(move |conn| Verdict::current(conn, &id))
        .await
        .expect("read")
        .expect("a verdict");
    announce(
        &app.state,
        Change::Judged {
            status: verdict.status(),
            verdict: Box::new(verdict),
            event_id: w.event.id.clone(),
            team_id: w.team.id.clone(),
            challenge: "c1".into(),
            stored: None,
        },
    );
    let verdict = alice
        .expect_where("activity", |a| a["kind"] == "verdict")
        .await;
    assert_eq!(verdict["submission_id"], submission.as_str());
    assert_eq!(verdict["checks"][0]["name"], "parses");
    let board = screen
        .expect_where("leaderboard", |b| b["rows"][0]["solved"] == 1)
        .await;
    assert_eq!(board["rows"][0]["team"]["id"], w.team.id.as_str());
    let http: Value = app
        .get(&format!("/api/v1/events/{}/leaderboard", w.event.slug))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(board["rows"], http["rows"], "same rows as over HTTP");

    // Passing c1 opened c2: an unlock follows the verdict.
    let unlock = alice
        .expect_where("activity", |a| a["kind"] == "unlock")
        .await;
    assert_eq!(unlock["challenge"], "c2");
    let made = app
        .post(
            w.organizer.token(),
            &format!("/api/v1/events/{}/announcements", w.event.slug),
            &json!({"text": "Lunch is served"}),
        )
        .await;
    assert_eq!(made.status(), 201);
    assert_eq!(
        screen.expect("announcement").await["text"],
        "Lunch is served"
    );
    assert_eq!(
        alice.expect("announcement").await["text"],
        "Lunch is served"
    );
    let refused = app
        .post(
            w.alice.token(),
            &format!("/api/v1/events/{}/announcements", w.event.slug),
            &json!({"text": "free beer"}),
        )
        .await;
    assert_eq!(refused.status(), 403);
}

/// Adds challenges `c1` and `c2` and stores a passing verdict for team `w.team` on `c1`.
pub async fn record_passing_verdict(app: &TestApp, w: &World) -> String {
    let (event_id, team_id, author) = (w.event.id.clone(), w.team.id.clone(), w.alice.id.clone());
    app.state
        .db
        .write(move |conn| {
            let now = Utc::now().naive_utc();
            diesel::insert_into(validator_blobs::table)
                .values((
                    validator_blobs::hash.eq("h"),
                    validator_blobs::wasm.eq(vec![0u8]),
                    validator_blobs::size_bytes.eq(1i64),
                    validator_blobs::created_at.eq(now),
                ))
                .execute(conn)?;
            let challenge = new_id();
            diesel::insert_into(challenges::table)
                .values((
                    challenges::id.eq(&challenge),
                    challenges::event_id.eq(&event_id),
                    challenges::slug.eq("c1"),
                    challenges::title.eq("Challenge 1"),
                    challenges::position.eq(1),
                    challenges::points.eq(100),
                    challenges::statement.eq("…"),
                    challenges::created_at.eq(now),
                    challenges::updated_at.eq(now),
                ))
                .execute(conn)?;
            diesel::insert_into(challenges::table)
                .values((
                    challenges::id.eq(new_id()),
                    challenges::event_id.eq(&event_id),
                    challenges::slug.eq("c2"),
                    challenges::title.eq("Challenge 2"),
                    challenges::position.eq(2),
                    challenges::points.eq(100),
                    challenges::statement.eq("…"),
                    challenges::created_at.eq(now),
                    challenges::updated_at.eq(now),
                ))
                .execute(conn)?;
            let version = new_id();
            diesel::insert_into(validator_versions::table)
                .values((
                    validator_versions::id.eq(&version),
                    validator_versions::challenge_id.eq(&challenge),
                    validator_versions::version.eq(1),
                    validator_versions::blob_hash.eq("h"),
                    validator_versions::manifest.eq("{}"),
                    validator_versions::sample_report.eq("{}"),
                    validator_versions::published_by.eq(&author),
                    validator_versions::created_at.eq(now),
                ))
                .execute(conn)?;
            let submission = new_id();
            diesel::insert_into(submissions::table)
                .values((
                    submissions::id.eq(&submission),
                    submissions::team_id.eq(&team_id),
                    submissions::challenge_id.eq(&challenge),
                    submissions::submitted_by.eq(&author),
                    submissions::answer.eq("42"),
                    submissions::status.eq("judged"),
                    submissions::created_at.eq(now),
                ))
                .execute(conn)?;
            diesel::insert_into(verdicts::table)
                .values((
                    verdicts::id.eq(new_id()),
                    verdicts::submission_id.eq(&submission),
                    verdicts::validator_version_id.eq(&version),
                    verdicts::is_current.eq(true),
                    verdicts::passed.eq(true),
                    verdicts::score.eq(100),
                    verdicts::max_score.eq(100),
                    verdicts::feedback.eq("all good"),
                    verdicts::checks.eq(r#"[{"name":"parses","passed":true,"message":""}]"#),
                    verdicts::notes.eq(""),
                    verdicts::logs.eq("[]"),
                    verdicts::fuel_used.eq(1i64),
                    verdicts::duration_us.eq(1i64),
                    verdicts::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok::<_, Error>(submission)
        })
        .await
        .expect("verdict stored")
}

async fn reconnecting_clients_converge_and_resume_chat(app: TestApp) {
    let w = world(&app).await;
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "solution.py").await;
    let mut ya = YClient::connect(&app, &w.alice.access_token, &w.team.id, &doc).await;
    let mut yb = YClient::connect(&app, &w.bob.access_token, &w.team.id, &doc).await;
    ya.insert(0, "def main():\n").await;
    yb.wait_text("def main():\n").await;

    // Bob goes offline, keeps editing his replica; Alice edits meanwhile.
    let YClient { ws, doc: offline } = yb;
    drop(ws);
    edit_doc(&offline, 0, "# bob\n");
    ya.insert(12, "    pass\n").await;
    ya.wait_text("def main():\n    pass\n").await;
    // Many edits: the document gets compacted on the way.
    for i in 0..5 {
        ya.insert(0, &format!("#{i}\n")).await;
    }

    // Bob comes back with his replica: both sides converge.
    let mut yb = YClient::reconnect(&app, &w.bob.access_token, &w.team.id, &doc, offline).await;
    let len = "# bob\n".len() + "def main():\n    pass\n".len() + 5 * "#0\n".len();
    yb.wait_text_len(len).await;
    ya.wait_text_len(len).await;
    assert!(yb.text().contains("# bob") && yb.text().contains("#4"));
    assert_eq!(ya.text(), yb.text());
    // A late client gets the same text, straight from the database too.
    let late = YClient::connect(&app, &w.alice.access_token, &w.team.id, &doc).await;
    assert_eq!(late.text(), ya.text());
    let stored: Value = app
        .get_as(
            &w.alice.access_token,
            &format!("/api/v1/teams/{}/documents/{doc}/text", w.team.id),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(stored["text"], ya.text().as_str());

    // Chat: a client that was away reads what it missed after its last line.
    let mut alice = connect(&app, &team_ws(&w), w.alice.token()).await;
    alice
        .send_json(json!({"type": "chat", "text": "one"}))
        .await;
    let first = alice.expect("chat").await;
    let last_seen = first["id"].as_str().expect("id").to_owned();
    for text in ["two", "three"] {
        alice.send_json(json!({"type": "chat", "text": text})).await;
        alice.expect_where("chat", |c| c["text"] == text).await;
    }
    let mut bob = connect(&app, &team_ws(&w), w.bob.token()).await;
    let history = bob.expect("chat_history").await;
    assert_eq!(history["messages"].as_array().expect("list").len(), 3);
    bob.send_json(json!({"type": "chat_history", "after": last_seen}))
        .await;
    let missed = bob
        .expect_where("chat_history", |h| h["after"].is_string())
        .await;
    let texts: Vec<&str> = missed["messages"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["text"].as_str().expect("text"))
        .collect();
    assert_eq!(texts, ["two", "three"]);
    bob.send_json(json!({"type": "chat_history", "before": last_seen}))
        .await;
    let older = bob
        .expect_where("chat_history", |h| h["before"].is_string())
        .await;
    assert_eq!(older["messages"].as_array().expect("list").len(), 0);
}

async fn outsiders_cannot_join_team_or_documents(app: TestApp) {
    let w = world(&app).await;
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "secret.md").await;
    assert_eq!(
        try_connect(&app, &team_ws(&w), w.mallory.token())
            .await
            .err(),
        Some(404)
    );
    let doc_path = format!("/api/v1/teams/{}/documents/{doc}/ws", w.team.id);
    assert_eq!(
        try_connect(&app, &doc_path, w.mallory.token()).await.err(),
        Some(404)
    );
    // Through her own team's path, the document is not hers either.
    let via_own = format!("/api/v1/teams/{}/documents/{doc}/ws", w.other_team.id);
    assert_eq!(
        try_connect(&app, &via_own, w.mallory.token()).await.err(),
        Some(404)
    );
    assert_eq!(try_connect(&app, &team_ws(&w), None).await.err(), Some(401));
    let text = app
        .get_as(
            &w.mallory.access_token,
            &format!("/api/v1/teams/{}/documents/{doc}/text", w.team.id),
        )
        .await;
    assert_eq!(text.status(), 404);
    // Her own channel works; the event channel needs no log-in.
    let mut own = connect(
        &app,
        &format!("/api/v1/teams/{}/ws", w.other_team.id),
        w.mallory.token(),
    )
    .await;
    own.expect("hello").await;
    let mut public = connect(&app, &format!("/api/v1/events/{}/ws", w.event.slug), None).await;
    public.expect("leaderboard").await;
    assert_eq!(
        try_connect(&app, "/api/v1/events/no-such-event/ws", None)
            .await
            .err(),
        Some(404)
    );
}

async fn malformed_and_oversized_frames_get_errors(app: TestApp) {
    let w = world(&app).await;
    let mut alice = connect(&app, &team_ws(&w), w.alice.token()).await;
    alice.expect("hello").await;
    alice.send_text("not json").await;
    assert_eq!(alice.expect("error").await["code"], "invalid_json");
    alice.send_text("[1,2]").await;
    assert_eq!(alice.expect("error").await["code"], "missing_type");
    alice.send_json(json!({"type": "dance"})).await;
    assert_eq!(alice.expect("error").await["code"], "unknown_type");
    alice.send_json(json!({"type": "chat"})).await;
    assert_eq!(alice.expect("error").await["code"], "invalid_message");
    alice
        .send_json(json!({"type": "chat", "text": "x".repeat(5_000)}))
        .await;
    assert_eq!(alice.expect("error").await["code"], "message_too_long");
    alice.send_binary(vec![1, 2, 3]).await;
    assert_eq!(alice.expect("error").await["code"], "binary_not_accepted");
    alice.send_json(json!({"type": "ping"})).await;
    assert!(alice.expect("pong").await["server_time"].is_string());

    // A document socket answers garbage with an error and keeps working.
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "d").await;
    let mut y = YClient::connect(&app, &w.alice.access_token, &w.team.id, &doc).await;
    y.ws.send_binary(vec![0, 2, 200, 1, 7]).await;
    assert_eq!(y.ws.expect("error").await["code"], "invalid_update");
    y.insert(0, "still fine").await;
    let mut other = YClient::connect(&app, &w.bob.access_token, &w.team.id, &doc).await;
    other.wait_text("still fine").await;

    // Oversized: an error, then the socket is closed with 1009 (Message Too Big).
    alice.send_text(&"y".repeat(100_000)).await;
    assert_eq!(alice.expect("error").await["code"], "message_too_large");
    assert_eq!(alice.expect_close().await, Some(1009));

    // The server is fine.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let mut again = connect(&app, &team_ws(&w), w.alice.token()).await;
    again.expect("hello").await;
    again
        .send_json(json!({"type": "chat", "text": "back"}))
        .await;
    again.expect("chat").await;
}

async fn a_removed_coach_loses_the_live_workspace(app: TestApp) {
    let w = world(&app).await;
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "plan.md").await;
    let mut channel = connect(&app, &team_ws(&w), w.coach.token()).await;
    channel.expect("hello").await;
    let mut document = YClient::connect(&app, &w.coach.access_token, &w.team.id, &doc).await;
    let event_ws = format!("/api/v1/events/{}/ws", w.event.slug);
    let mut staff = connect(&app, &event_ws, w.coach.token()).await;
    assert_eq!(staff.expect("hello").await["staff"], true);
    // A member's sockets are not touched.
    let mut alice = connect(&app, &team_ws(&w), w.alice.token()).await;
    alice.expect("hello").await;

    let response = app
        .send(
            reqwest::Method::DELETE,
            w.organizer.token(),
            &format!("/api/v1/teams/{}/coaches/{}", w.team.id, w.coach.id),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 204);

    assert_eq!(
        channel.expect_close().await,
        Some(4403),
        "team channel closed"
    );
    assert_eq!(
        document.ws.expect_close().await,
        Some(4403),
        "document closed"
    );
    assert_eq!(
        staff.expect_close().await,
        Some(4409),
        "stale staff channel closed"
    );
    // Coming back is refused like any outsider, and the member is still there.
    assert!(
        try_connect(&app, &team_ws(&w), w.coach.token())
            .await
            .is_err()
    );
    alice
        .send_json(json!({"type": "chat", "text": "still here"}))
        .await;
    alice
        .expect_where("chat", |c| c["text"] == "still here")
        .await;
}
