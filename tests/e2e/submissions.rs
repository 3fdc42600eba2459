//! Submissions as teams make them and organizers look at them: verdicts, every refusal,
//! validator errors (shown as such, never counted), rejudges, and recovery of what a stopped
//! server left pending.

use std::time::{Duration, Instant};

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::TimeDelta;
use cohack_server::{
    db::{new_id, now},
    models::{
        role::EventRole,
        submission::{Submission, SubmissionFile},
    },
};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        coach, expect, first_contact_answer, ladder, materials, publish_all, reschedule,
        running_event, submit, team, user_with_role,
    },
    harness::{TestApp, repo_root},
};

backend_tests!(
    a_wrong_then_a_right_answer,
    refusals_have_clear_codes,
    submissions_are_rate_limited_per_team_and_challenge,
    a_validator_error_is_shown_as_such_and_not_counted,
    rejudge_reports_what_changed,
    pending_submissions_are_judged_after_a_restart,
);

/// The reference solution of `pipeline-manifest`.
fn reference_pipeline() -> String {
    std::fs::read_to_string(
        repo_root().join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("reference sample")
}

fn pipeline_submission(text: &str) -> Value {
    json!({
        "challenge": "pipeline-manifest",
        "files": [{"path": "pipeline.toml", "content_base64": STANDARD.encode(text)}],
    })
}

async fn get_submission(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.get_as(token, &format!("/api/v1/submissions/{id}"))
        .await
}

/// Polls a submission until it leaves `pending`.
async fn wait_judged(app: &TestApp, token: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let view = expect(get_submission(app, token, id).await, 200).await;
        if view["status"] != "pending" {
            return view;
        }
        assert!(Instant::now() < deadline, "still pending: {view}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn a_wrong_then_a_right_answer(app: TestApp) {
    let event = running_event(&app, "answers").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = alice.access_token.clone();
    let own = expect(
        materials(&app, &token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let right = first_contact_answer(&own);
    let wrong = (right.parse::<u32>().expect("a number") + 1).to_string();

    let first = expect(
        submit(
            &app,
            &token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": wrong}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(first["status"], "judged");
    assert_eq!(first["verdict"]["passed"], false);
    assert_eq!(first["verdict"]["score"], 0);
    assert_eq!(first["verdict"]["max_score"], 100);
    assert!(
        first["verdict"]["feedback"]
            .as_str()
            .is_some_and(|f| !f.is_empty()),
        "{first}"
    );
    assert!(
        first["verdict"]["checks"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    assert!(
        first["verdict"].get("notes").is_none(),
        "notes are for authors"
    );
    assert!(first.get("run").is_none(), "logs are for authors");

    let second = expect(
        submit(
            &app,
            &token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": format!(" {right}\n")}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(second["verdict"]["passed"], true, "{second}");
    assert_eq!(second["verdict"]["score"], 100);
    assert_eq!(second["submitted_by"], alice.id.as_str());

    // Newest first, with outcomes; filterable by challenge.
    let list = expect(
        app.get_as(&token, &format!("/api/v1/teams/{team_id}/submissions"))
            .await,
        200,
    )
    .await;
    let list = list["submissions"].as_array().expect("list").clone();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], second["id"]);
    assert_eq!(list[0]["passed"], true);
    assert_eq!(list[1]["id"], first["id"]);
    assert_eq!(list[1]["passed"], false);
    let filtered = expect(
        app.get_as(
            &token,
            &format!("/api/v1/teams/{team_id}/submissions?challenge=pipeline-manifest"),
        )
        .await,
        200,
    )
    .await;
    assert!(filtered["submissions"].as_array().expect("list").is_empty());

    // A file submission round-trips its files.
    let with_file = expect(
        submit(
            &app,
            &token,
            &team_id,
            &pipeline_submission(&reference_pipeline()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(with_file["verdict"]["passed"], true, "{with_file}");
    let id = with_file["id"].as_str().expect("id");
    let detail = expect(get_submission(&app, &token, id).await, 200).await;
    assert_eq!(detail["files"][0]["path"], "pipeline.toml");
    let content = STANDARD
        .decode(
            detail["files"][0]["content_base64"]
                .as_str()
                .expect("content"),
        )
        .expect("b64");
    assert_eq!(
        String::from_utf8(content).expect("utf-8"),
        reference_pipeline()
    );
    assert!(detail.get("run").is_none());

    // Organizers get the notes and the run; coaches read like the team; others get 404.
    let staff = expect(
        get_submission(&app, &event.organizer.access_token, id).await,
        200,
    )
    .await;
    assert!(staff["verdict"]["notes"].is_string());
    assert!(staff["run"]["logs"].is_array());
    assert!(staff["run"]["fuel_used"].as_i64().is_some_and(|f| f > 0));
    let coach = coach(&app, &event, &team_id, "coachy").await;
    let coached = expect(get_submission(&app, &coach.access_token, id).await, 200).await;
    assert!(coached.get("run").is_none());
    let (bob, other_team) = team(&app, &event, "rivals").await;
    assert_eq!(
        get_submission(&app, &bob.access_token, id).await.status(),
        404
    );
    assert_eq!(
        get_submission(&app, &bob.access_token, "no-such-id")
            .await
            .status(),
        404
    );
    let peek = app
        .get_as(
            &bob.access_token,
            &format!("/api/v1/teams/{team_id}/submissions"),
        )
        .await;
    assert_eq!(peek.status(), 404);
    let own_list = expect(
        app.get_as(
            &bob.access_token,
            &format!("/api/v1/teams/{other_team}/submissions"),
        )
        .await,
        200,
    )
    .await;
    assert!(own_list["submissions"].as_array().expect("list").is_empty());
}

async fn refusals_have_clear_codes(app: TestApp) {
    let event = running_event(&app, "refusals").await;
    // A tighter submission limit for pipeline-manifest: 1 KiB, 2 files.
    let mut small = crate::challenges::upload("02-pipeline-manifest");
    small["manifest"]["limits"]["submission_kb"] = json!(1);
    small["manifest"]["limits"]["submission_files"] = json!(2);
    expect(
        crate::challenges::publish(&app, &event.organizer.access_token, "refusals", &small, "")
            .await,
        201,
    )
    .await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = alice.access_token.clone();
    let file = |path: &str, content: &str| json!({"path": path, "content_base64": STANDARD.encode(content)});
    let post = |body: Value| {
        let (app, token, team_id) = (&app, token.clone(), team_id.clone());
        async move { submit(app, &token, &team_id, &body).await }
    };

    let cases = [
        (
            json!({"challenge": "pipeline-manifest", "files": [file("../pipeline.toml", "x")]}),
            400,
            "invalid_path",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [file("/etc/passwd", "x")]}),
            400,
            "invalid_path",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [file("a/../../b", "x")]}),
            400,
            "invalid_path",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [file("a\\b", "x")]}),
            400,
            "invalid_path",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [file("a", "x"), file("a", "y")]}),
            400,
            "duplicate_path",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [{"path": "a", "content_base64": "not base64!"}]}),
            400,
            "invalid_base64",
        ),
        (
            json!({"challenge": "pipeline-manifest", "answer": "  "}),
            400,
            "empty_submission",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [file("a", "1"), file("b", "2"), file("c", "3")]}),
            400,
            "too_many_files",
        ),
        (
            json!({"challenge": "pipeline-manifest", "files": [file("big.txt", &"x".repeat(2048))]}),
            413,
            "payload_too_large",
        ),
        (
            json!({"challenge": "no-such-challenge", "answer": "1"}),
            404,
            "not_found",
        ),
        (
            json!({"challenge": "first-contact", "answer": "1", "extra": true}),
            400,
            "invalid_json",
        ),
    ];
    for (body, status, code) in cases {
        let refused = expect(post(body.clone()).await, status).await;
        assert_eq!(refused["error"]["code"], code, "{body}: {refused}");
    }
    // pipeline-manifest is first on the ladder; first-contact is second, so locked.
    let locked = expect(
        post(json!({"challenge": "first-contact", "answer": "1"})).await,
        409,
    )
    .await;
    assert_eq!(locked["error"]["code"], "locked");

    // Not members: outsiders get 404, the team's coach and the organizers 403.
    let body = pipeline_submission(&reference_pipeline());
    let (bob, _) = team(&app, &event, "rivals").await;
    assert_eq!(
        submit(&app, &bob.access_token, &team_id, &body)
            .await
            .status(),
        404
    );
    let coach = coach(&app, &event, &team_id, "coachy").await;
    assert_eq!(
        submit(&app, &coach.access_token, &team_id, &body)
            .await
            .status(),
        403
    );
    assert_eq!(
        submit(&app, &event.organizer.access_token, &team_id, &body)
            .await
            .status(),
        403
    );
    let author = user_with_role(&app, &event, "author", EventRole::Author).await;
    assert_eq!(
        submit(&app, &author.access_token, &team_id, &body)
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(None, &format!("/api/v1/teams/{team_id}/submissions"), &body)
            .await
            .status(),
        401
    );

    // Outside the schedule.
    let at = now();
    reschedule(
        &app,
        &event,
        at + TimeDelta::hours(1),
        at + TimeDelta::days(1),
    )
    .await;
    let early = expect(post(body.clone()).await, 409).await;
    assert_eq!(early["error"]["code"], "not_running");
    assert!(
        early["error"]["message"]
            .as_str()
            .expect("message")
            .contains("not started")
    );
    reschedule(
        &app,
        &event,
        at - TimeDelta::days(2),
        at - TimeDelta::days(1),
    )
    .await;
    let late = expect(post(body.clone()).await, 409).await;
    assert_eq!(late["error"]["code"], "not_running");
    assert!(
        late["error"]["message"]
            .as_str()
            .expect("message")
            .contains("ended")
    );

    // None of the refusals was stored.
    let list = expect(
        app.get_as(&token, &format!("/api/v1/teams/{team_id}/submissions"))
            .await,
        200,
    )
    .await;
    assert!(
        list["submissions"].as_array().expect("list").is_empty(),
        "{list}"
    );
}

async fn submissions_are_rate_limited_per_team_and_challenge(app: TestApp) {
    let event = running_event(&app, "throttle").await;
    publish_all(&app, &event, &["02-pipeline-manifest", "01-first-contact"]).await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let wrong = pipeline_submission("[pipeline]\nname = \"x\"\n");
    let budget = app.state.config.submissions_per_minute;
    for _ in 0..budget {
        expect(
            submit(&app, &alice.access_token, &team_id, &wrong).await,
            201,
        )
        .await;
    }
    let throttled = submit(&app, &alice.access_token, &team_id, &wrong).await;
    assert_eq!(throttled.status(), 429);
    let retry_after: u64 = throttled
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=61).contains(&retry_after));
    assert_eq!(
        expect(throttled, 429).await["error"]["code"],
        "rate_limited"
    );
    // Another team has its own budget.
    let (bob, other) = team(&app, &event, "rivals").await;
    expect(submit(&app, &bob.access_token, &other, &wrong).await, 201).await;
}

async fn a_validator_error_is_shown_as_such_and_not_counted(app: TestApp) {
    let event = running_event(&app, "broken").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = alice.access_token.clone();
    let own = expect(
        materials(&app, &token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let answer = first_contact_answer(&own);

    // The same database, served by an instance whose validators get almost no fuel. It
    // compiles the validator afresh (its own data directory), which on a busy machine takes
    // longer than the default wait for a verdict: the answer this test reads is the verdict.
    let starved = app
        .spawn_sibling(|config| {
            config.validator_fuel = 2_000;
            config.validator_fuel_max = 2_000;
            config.judge_wait_ms = 120_000;
        })
        .await;
    let failed = expect(
        submit(
            &starved,
            &token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(failed["status"], "validator_error", "{failed}");
    assert!(
        failed.get("verdict").is_none(),
        "no verdict, no score: {failed}"
    );
    assert_eq!(failed["validator_error"]["kind"], "out_of_fuel");
    assert!(
        failed["validator_error"]["message"]
            .as_str()
            .expect("message")
            .contains("not counted")
    );
    assert!(
        failed["validator_error"].get("detail").is_none(),
        "the detail is for authors"
    );
    let starved_materials = materials(&starved, &token, &team_id, "first-contact").await;
    assert_eq!(
        expect(starved_materials, 409).await["error"]["code"],
        "materials_unavailable"
    );
    starved.stop().await;

    let id = failed["id"].as_str().expect("id").to_owned();
    let staff = expect(
        get_submission(&app, &event.organizer.access_token, &id).await,
        200,
    )
    .await;
    assert!(
        staff["validator_error"]["detail"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{staff}"
    );
    assert!(staff["run"]["logs"].is_array());
    let list = expect(
        app.get_as(&token, &format!("/api/v1/teams/{team_id}/submissions"))
            .await,
        200,
    )
    .await;
    assert_eq!(list["submissions"][0]["status"], "validator_error");
    assert!(list["submissions"][0]["passed"].is_null());
    // Not a solve: challenge 2 stays locked.
    let view = ladder(&app, &token, "broken").await;
    let second = view["challenges"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["slug"] == "pipeline-manifest")
        .expect("rung")
        .clone();
    assert_eq!(second["locked"], true);

    // Nothing solved on the board (the board is now cached).
    let solved = |board: &Value| {
        board["rows"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["team"]["id"] == team_id.as_str()))
            .map(|r| r["solved"].clone())
    };
    let board = expect(app.get("/api/v1/events/broken/leaderboard").await, 200).await;
    assert_eq!(solved(&board), Some(json!(0)), "{board}");

    // Rejudged with the normal limits, the same submission passes.
    let report = expect(
        app.post(
            event.organizer.token(),
            "/api/v1/events/broken/challenges/first-contact/rejudge",
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(report["rejudged"], 1);
    let change = &report["changed"][0];
    assert_eq!(change["submission"], id.as_str());
    assert_eq!(change["team"], team_id.as_str());
    assert_eq!(change["before"]["status"], "validator_error");
    assert_eq!(change["after"]["status"], "judged");
    assert_eq!(change["after"]["passed"], true);
    let view = ladder(&app, &token, "broken").await;
    let second = view["challenges"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["slug"] == "pipeline-manifest")
        .expect("rung")
        .clone();
    assert_eq!(
        second["locked"], false,
        "the rejudged pass unlocks the next challenge"
    );
    // The rejudge invalidated the cached board.
    let board = expect(app.get("/api/v1/events/broken/leaderboard").await, 200).await;
    assert_eq!(solved(&board), Some(json!(1)), "{board}");
}

async fn rejudge_reports_what_changed(app: TestApp) {
    let event = running_event(&app, "rejudge").await;
    publish_all(&app, &event, &["02-pipeline-manifest"]).await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let token = alice.access_token.clone();
    let right = expect(
        submit(
            &app,
            &token,
            &team_id,
            &pipeline_submission(&reference_pipeline()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(right["verdict"]["passed"], true);
    // An extra key the pipeline format does not know: refused while the challenge is strict.
    let extra = reference_pipeline().replace("workers = 4", "workers = 4\ncolour = \"blue\"");
    let strict = expect(
        submit(&app, &token, &team_id, &pipeline_submission(&extra)).await,
        201,
    )
    .await;
    assert_eq!(strict["verdict"]["passed"], false, "{strict}");
    let stranger_team = team(&app, &event, "rivals").await;

    // Only authors and organizers rejudge.
    let path = "/api/v1/events/rejudge/challenges/pipeline-manifest/rejudge";
    assert_eq!(app.post(Some(&token), path, &json!({})).await.status(), 403);
    assert_eq!(
        app.post(Some(&stranger_team.0.access_token), path, &json!({}))
            .await
            .status(),
        403
    );

    // Nothing changed: nothing reported.
    let report = expect(
        app.post(event.organizer.token(), path, &json!({})).await,
        200,
    )
    .await;
    assert_eq!(report["rejudged"], 2);
    assert!(
        report["changed"].as_array().expect("changes").is_empty(),
        "{report}"
    );

    // Organizers relax the setting; the rejudge reports the one verdict that changed.
    expect(
        app.send(
            reqwest::Method::PATCH,
            event.organizer.token(),
            "/api/v1/events/rejudge/challenges/pipeline-manifest",
            &json!({"config": {"allow_unknown_keys": "true"}}),
        )
        .await,
        200,
    )
    .await;
    let author = user_with_role(&app, &event, "author", EventRole::Author).await;
    let report = expect(app.post(author.token(), path, &json!({})).await, 200).await;
    assert_eq!(report["rejudged"], 2);
    assert_eq!(report["version"], 1);
    let changed = report["changed"].as_array().expect("changes");
    assert_eq!(changed.len(), 1, "{report}");
    assert_eq!(changed[0]["submission"], strict["id"]);
    assert_eq!(changed[0]["before"]["passed"], false);
    assert_eq!(changed[0]["after"]["passed"], true);
    assert_eq!(changed[0]["after"]["score"], 200);

    // The new verdict counts; the old ones are kept.
    let id = strict["id"].as_str().expect("id");
    let now_passing = expect(get_submission(&app, &token, id).await, 200).await;
    assert_eq!(now_passing["verdict"]["passed"], true);
    let id = id.to_owned();
    let rows = app
        .state
        .db
        .run(move |conn| {
            use cohack_server::db::schema::verdicts;
            use diesel::prelude::*;
            Ok::<_, cohack_server::error::Error>(
                verdicts::table
                    .filter(verdicts::submission_id.eq(&id))
                    .select(verdicts::is_current)
                    .load::<bool>(conn)?,
            )
        })
        .await
        .expect("verdict rows");
    assert_eq!(rows.len(), 3, "first judging and two rejudges");
    assert_eq!(rows.iter().filter(|c| **c).count(), 1);
}

async fn pending_submissions_are_judged_after_a_restart(app: TestApp) {
    let event = running_event(&app, "restart").await;
    publish_all(&app, &event, &["02-pipeline-manifest"]).await;
    let (alice, team_id) = team(&app, &event, "acme").await;

    // Acknowledged, then the server went away before judging it: a pending row.
    let challenge_id = {
        let event_id = event.id.clone();
        app.state
            .db
            .run(move |conn| {
                cohack_server::models::challenge::Challenge::get_by_slug(
                    conn,
                    &event_id,
                    "pipeline-manifest",
                )
            })
            .await
            .expect("challenge")
            .id
    };
    let id = new_id();
    let submission = Submission {
        id: id.clone(),
        team_id: team_id.clone(),
        challenge_id,
        submitted_by: alice.id.clone(),
        answer: String::new(),
        status: "pending".into(),
        created_at: now(),
        endpoints: None,
    };
    let files = vec![SubmissionFile {
        submission_id: id.clone(),
        path: "pipeline.toml".into(),
        content: reference_pipeline().into_bytes(),
    }];
    app.state
        .db
        .write(move |conn| Submission::insert(conn, &submission, &files))
        .await
        .expect("pending submission stored");
    app.stop().await;

    // A new server on the same database judges it on start-up.
    let restarted = app.spawn_sibling(|config| config.judge_wait_ms = 0).await;
    let judged = wait_judged(&restarted, &alice.access_token, &id).await;
    assert_eq!(judged["status"], "judged");
    assert_eq!(judged["verdict"]["passed"], true, "{judged}");

    // A verdict that takes longer than the wait: 202 now, judged soon after.
    let accepted = expect(
        submit(
            &restarted,
            &alice.access_token,
            &team_id,
            &pipeline_submission(&reference_pipeline()),
        )
        .await,
        202,
    )
    .await;
    assert_eq!(accepted["status"], "pending");
    assert!(accepted.get("verdict").is_none());
    let later = wait_judged(
        &restarted,
        &alice.access_token,
        accepted["id"].as_str().expect("id"),
    )
    .await;
    assert_eq!(later["verdict"]["passed"], true);
}
