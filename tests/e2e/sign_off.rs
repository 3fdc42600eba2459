//! Coach sign-off (#17): on a challenge with `sign_off = "coach"`, a validator pass awaits
//! one of the team's coaches or an organizer. Until approved it is not a solve (not on the
//! board, the next rung still locked); a rejection returns its comment to the team, live; an
//! approval is a solve at the moment of approval — on the board, in `/results` and in the
//! ladder. Who may decide, a second decision (409), a decision after the end (409), the
//! frozen public board, and rejudges of awaiting, approved and rejected passes.

use chrono::{DateTime, TimeDelta, Utc};
use cohack_server::{
    db::{now, schema::challenges},
    models::challenge::SIGN_OFF_COACH,
};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, edit_settings, expect, first_contact_answer, ladder, materials,
        publish_all, reschedule, running_event, submit, team,
    },
    harness::{Account, TestApp},
    live_client::connect,
};

backend_tests!(
    a_pass_awaits_the_coach_and_counts_when_approved,
    only_the_teams_staff_sign_off_and_only_once,
    no_sign_off_after_the_end,
    an_approval_after_the_freeze_shows_publicly_at_the_end,
    rejudges_keep_decisions,
);

/// Makes `slug` a sign-off challenge (as publishing a manifest with `sign_off = "coach"`
/// does).
pub async fn require_sign_off(app: &TestApp, event: &TestEvent, slug: &str) {
    let (event_id, slug) = (event.id.clone(), slug.to_owned());
    app.state
        .db
        .write(move |conn| {
            diesel::update(
                challenges::table
                    .filter(challenges::event_id.eq(&event_id))
                    .filter(challenges::slug.eq(&slug)),
            )
            .set(challenges::sign_off.eq(SIGN_OFF_COACH))
            .execute(conn)?;
            Ok::<_, cohack_server::error::Error>(())
        })
        .await
        .expect("sign-off set");
}

/// An event with `first-contact` (sign-off) and `pipeline-manifest`, a team with a coach.
async fn setup(app: &TestApp, slug: &str) -> (TestEvent, Account, String, Account) {
    let event = running_event(app, slug).await;
    publish_all(app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    require_sign_off(app, &event, "first-contact").await;
    let (alice, team_id) = team(app, &event, "alice").await;
    let bob = coach(app, &event, &team_id, "bob").await;
    (event, alice, team_id, bob)
}

/// The right and a wrong answer to `first-contact` for a team.
async fn answers(app: &TestApp, member: &Account, team_id: &str) -> (String, String) {
    let own = expect(
        materials(app, &member.access_token, team_id, "first-contact").await,
        200,
    )
    .await;
    let right = first_contact_answer(&own);
    let wrong = (right.parse::<u32>().expect("a number") + 1).to_string();
    (right, wrong)
}

/// Submits `answer` to `first-contact`; returns the judged submission (read again while a
/// busy machine judges it after the answer's wait).
async fn submit_answer(app: &TestApp, member: &Account, team_id: &str, answer: &str) -> Value {
    let response = submit(
        app,
        &member.access_token,
        team_id,
        &json!({"challenge": "first-contact", "answer": answer}),
    )
    .await;
    let status = response.status().as_u16();
    let mut view: Value = response.json().await.expect("json");
    assert!(matches!(status, 201 | 202), "{status}: {view}");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while view["status"] == "pending" {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never judged: {view}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let id = view["id"].as_str().expect("id").to_owned();
        view = expect(
            app.get_as(&member.access_token, &format!("/api/v1/submissions/{id}"))
                .await,
            200,
        )
        .await;
    }
    view
}

async fn decide(
    app: &TestApp,
    token: Option<&str>,
    submission: &str,
    approve: bool,
    comment: &str,
) -> reqwest::Response {
    app.post(
        token,
        &format!("/api/v1/submissions/{submission}/sign-off"),
        &json!({"approve": approve, "comment": comment}),
    )
    .await
}

/// The leaderboard as `token` sees it (`None`: the public board).
async fn board(app: &TestApp, event: &TestEvent, token: Option<&str>) -> Value {
    let path = format!("/api/v1/events/{}/leaderboard", event.slug);
    let response = match token {
        Some(token) => app.get_as(token, &path).await,
        None => app.get(&path).await,
    };
    expect(response, 200).await
}

fn row<'a>(board: &'a Value, team_id: &str) -> &'a Value {
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["team"]["id"] == team_id)
        .expect("the team's row")
}

fn rung<'a>(view: &'a Value, slug: &str) -> &'a Value {
    view["challenges"]
        .as_array()
        .expect("challenges")
        .iter()
        .find(|c| c["slug"] == slug)
        .expect("the rung")
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .unwrap_or_else(|| panic!("a time: {value}"))
        .with_timezone(&Utc)
}

async fn awaiting(app: &TestApp, event: &TestEvent, token: &str) -> Vec<Value> {
    expect(
        app.get_as(
            token,
            &format!("/api/v1/events/{}/sign-offs?state=awaiting", event.slug),
        )
        .await,
        200,
    )
    .await
    .as_array()
    .expect("a list")
    .clone()
}

async fn a_pass_awaits_the_coach_and_counts_when_approved(app: TestApp) {
    let (event, alice, team_id, bob) = setup(&app, "sign-off-flow").await;
    let (right, _) = answers(&app, &alice, &team_id).await;
    let mut workspace = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), alice.token()).await;

    // A pass awaits the coach: not a solve, the next rung stays locked.
    let first = submit_answer(&app, &alice, &team_id, &right).await;
    assert_eq!(first["status"], "awaiting_sign_off", "{first}");
    assert_eq!(first["verdict"]["passed"], true);
    let first_id = first["id"].as_str().expect("id").to_owned();
    workspace
        .expect_where("activity", |a| {
            a["kind"] == "verdict" && a["status"] == "awaiting_sign_off"
        })
        .await;
    for token in [None, Some(event.organizer.access_token.as_str())] {
        let b = board(&app, &event, token).await;
        assert_eq!(row(&b, &team_id)["solved"], 0, "{b}");
        assert_eq!(row(&b, &team_id)["score"], 0, "{b}");
    }
    let view = ladder(&app, &alice.access_token, &event.slug).await;
    assert_eq!(rung(&view, "pipeline-manifest")["locked"], true, "{view}");
    let listed = awaiting(&app, &event, &bob.access_token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["submission"], first_id.as_str());
    assert_eq!(listed[0]["team"], team_id.as_str());
    assert_eq!(listed[0]["challenge"], "first-contact");
    assert_eq!(listed[0]["state"], "awaiting");
    assert_eq!(listed[0]["answer"], right.as_str());

    // Rejected with a comment: the team reads it on the submission and live; still unsolved.
    let refused = decide(&app, Some(&bob.access_token), &first_id, false, "   ").await;
    assert_eq!(
        expect(refused, 400).await["error"]["code"],
        "comment_required"
    );
    let long = "x".repeat(2001);
    let refused = decide(&app, Some(&bob.access_token), &first_id, false, &long).await;
    assert_eq!(
        expect(refused, 400).await["error"]["code"],
        "comment_too_long"
    );
    let rejected = expect(
        decide(
            &app,
            Some(&bob.access_token),
            &first_id,
            false,
            "  Show the query you used, not just the count.  ",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rejected["state"], "rejected");
    assert_eq!(
        rejected["comment"],
        "Show the query you used, not just the count."
    );
    let frame = workspace
        .expect_where("activity", |a| a["kind"] == "sign_off")
        .await;
    assert_eq!(frame["approved"], false);
    assert_eq!(frame["submission_id"], first_id.as_str());
    assert_eq!(
        frame["comment"],
        "Show the query you used, not just the count."
    );
    let seen = expect(
        app.get_as(
            &alice.access_token,
            &format!("/api/v1/submissions/{first_id}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["status"], "sign_off_rejected");
    assert_eq!(seen["sign_off"]["state"], "rejected");
    assert_eq!(
        seen["sign_off"]["comment"],
        "Show the query you used, not just the count."
    );
    let list = expect(
        app.get_as(
            &alice.access_token,
            &format!("/api/v1/teams/{team_id}/submissions"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["submissions"][0]["status"], "sign_off_rejected");
    assert_eq!(
        list["submissions"][0]["sign_off_comment"],
        "Show the query you used, not just the count."
    );
    assert_eq!(row(&board(&app, &event, None).await, &team_id)["solved"], 0);
    let view = ladder(&app, &alice.access_token, &event.slug).await;
    assert_eq!(rung(&view, "pipeline-manifest")["locked"], true);
    assert!(awaiting(&app, &event, &bob.access_token).await.is_empty());

    // A new pass, approved: a solve at the approval's time, everywhere.
    let second = submit_answer(&app, &alice, &team_id, &right).await;
    assert_eq!(second["status"], "awaiting_sign_off");
    let second_id = second["id"].as_str().expect("id").to_owned();
    assert_eq!(row(&board(&app, &event, None).await, &team_id)["solved"], 0);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let approved = expect(
        decide(&app, Some(&bob.access_token), &second_id, true, "").await,
        200,
    )
    .await;
    assert_eq!(approved["state"], "approved");
    let decided_at = time(&approved["decided_at"]);
    assert!(decided_at > time(&second["created_at"]));
    let frame = workspace
        .expect_where("activity", |a| a["kind"] == "sign_off")
        .await;
    assert_eq!(frame["approved"], true);
    workspace
        .expect_where("activity", |a| {
            a["kind"] == "unlock" && a["challenge"] == "pipeline-manifest"
        })
        .await;

    let public = board(&app, &event, None).await;
    let mine = row(&public, &team_id);
    assert_eq!(mine["solved"], 1, "{public}");
    assert_eq!(mine["score"], approved_score(&second));
    assert_eq!(
        time(&mine["last_solve_at"]),
        decided_at,
        "counts at approval"
    );
    assert_eq!(time(&mine["progress"][0]["solved_at"]), decided_at);
    assert_eq!(mine["progress"][0]["first_solve"], true);
    let results = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/results", event.slug),
        )
        .await,
        200,
    )
    .await;
    let result = results["standings"]
        .as_array()
        .expect("standings")
        .iter()
        .find(|r| r["team_id"] == team_id.as_str())
        .expect("the team's result");
    assert_eq!(result["solved"], mine["solved"]);
    assert_eq!(result["score"], mine["score"]);
    assert_eq!(
        time(&result["last_solve_at"]),
        decided_at,
        "results and board agree"
    );
    let view = ladder(&app, &alice.access_token, &event.slug).await;
    assert_eq!(rung(&view, "pipeline-manifest")["locked"], false);
    let seen = expect(
        app.get_as(
            &alice.access_token,
            &format!("/api/v1/submissions/{second_id}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(seen["status"], "judged");
    assert_eq!(seen["sign_off"]["state"], "approved");

    // The organizer sees every decision.
    let all = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/sign-offs", event.slug),
        )
        .await,
        200,
    )
    .await;
    let states: Vec<&str> = all
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["state"].as_str().expect("state"))
        .collect();
    assert_eq!(states, ["rejected", "approved"]);
}

fn approved_score(submission: &Value) -> i64 {
    submission["verdict"]["score"].as_i64().expect("a score")
}

async fn only_the_teams_staff_sign_off_and_only_once(app: TestApp) {
    let (event, alice, team_id, bob) = setup(&app, "sign-off-who").await;
    let (_carol, other_team) = team(&app, &event, "carol").await;
    let dave = coach(&app, &event, &other_team, "dave").await;
    let (right, wrong) = answers(&app, &alice, &team_id).await;

    // A failure needs no sign-off.
    let failed = submit_answer(&app, &alice, &team_id, &wrong).await;
    assert_eq!(failed["status"], "judged");
    let failed_id = failed["id"].as_str().expect("id");
    let refused = decide(&app, Some(&bob.access_token), failed_id, true, "").await;
    assert_eq!(
        expect(refused, 409).await["error"]["code"],
        "sign_off_not_awaiting"
    );

    let pass = submit_answer(&app, &alice, &team_id, &right).await;
    let id = pass["id"].as_str().expect("id").to_owned();
    // Another team's coach does not know the submission; a member may not decide; nobody
    // anonymous.
    expect(
        decide(&app, Some(&dave.access_token), &id, true, "").await,
        404,
    )
    .await;
    expect(
        decide(&app, Some(&alice.access_token), &id, true, "").await,
        403,
    )
    .await;
    expect(decide(&app, None, &id, true, "").await, 401).await;
    let missing = decide(
        &app,
        Some(&bob.access_token),
        "no-such-submission",
        true,
        "",
    )
    .await;
    expect(missing, 404).await;
    // Lists: the coach's own teams, every team for organizers, nobody else.
    assert_eq!(awaiting(&app, &event, &bob.access_token).await.len(), 1);
    assert!(awaiting(&app, &event, &dave.access_token).await.is_empty());
    assert_eq!(
        awaiting(&app, &event, &event.organizer.access_token)
            .await
            .len(),
        1
    );
    let path = format!("/api/v1/events/{}/sign-offs", event.slug);
    expect(app.get_as(&alice.access_token, &path).await, 403).await;
    expect(app.get(&path).await, 401).await;
    let bad = app
        .get_as(&bob.access_token, &format!("{path}?state=maybe"))
        .await;
    assert_eq!(expect(bad, 400).await["error"]["code"], "invalid_state");

    // The organizer decides; a second decision is 409, whoever makes it.
    let approved = decide(&app, Some(&event.organizer.access_token), &id, true, " ok ").await;
    assert_eq!(expect(approved, 200).await["comment"], "ok");
    for token in [&bob.access_token, &event.organizer.access_token] {
        let again = decide(&app, Some(token), &id, false, "changed my mind").await;
        assert_eq!(
            expect(again, 409).await["error"]["code"],
            "sign_off_not_awaiting"
        );
    }
    assert_eq!(row(&board(&app, &event, None).await, &team_id)["solved"], 1);
}

async fn no_sign_off_after_the_end(app: TestApp) {
    let (event, alice, team_id, bob) = setup(&app, "sign-off-end").await;
    let (right, _) = answers(&app, &alice, &team_id).await;
    let pass = submit_answer(&app, &alice, &team_id, &right).await;
    let id = pass["id"].as_str().expect("id").to_owned();
    let at = now();
    reschedule(
        &app,
        &event,
        at - TimeDelta::hours(2),
        at - TimeDelta::minutes(1),
    )
    .await;
    let late = decide(&app, Some(&bob.access_token), &id, true, "").await;
    assert_eq!(expect(late, 409).await["error"]["code"], "not_running");
    let late = decide(&app, Some(&event.organizer.access_token), &id, true, "").await;
    assert_eq!(expect(late, 409).await["error"]["code"], "not_running");
    assert_eq!(row(&board(&app, &event, None).await, &team_id)["solved"], 0);
}

async fn an_approval_after_the_freeze_shows_publicly_at_the_end(app: TestApp) {
    let (event, alice, team_id, bob) = setup(&app, "sign-off-freeze").await;
    let (right, _) = answers(&app, &alice, &team_id).await;
    // Submitted before the freeze, approved after it.
    let pass = submit_answer(&app, &alice, &team_id, &right).await;
    let id = pass["id"].as_str().expect("id").to_owned();
    let freeze = now();
    edit_settings(&app, &event, move |s| s.freeze_at = Some(freeze)).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    expect(
        decide(&app, Some(&bob.access_token), &id, true, "").await,
        200,
    )
    .await;

    let public = board(&app, &event, None).await;
    assert_eq!(public["frozen"], true, "{public}");
    assert_eq!(row(&public, &team_id)["solved"], 0, "frozen: {public}");
    let live = board(&app, &event, Some(&event.organizer.access_token)).await;
    assert_eq!(row(&live, &team_id)["solved"], 1, "organizers: {live}");

    let at = now();
    reschedule(
        &app,
        &event,
        at - TimeDelta::hours(2),
        at - TimeDelta::seconds(1),
    )
    .await;
    // Changed behind the server's back: the board cache hears of it as of an edit.
    app.state.leaderboard.invalidate(&event.id);
    let public = board(&app, &event, None).await;
    assert_eq!(
        row(&public, &team_id)["solved"],
        1,
        "after the end: {public}"
    );
}

async fn rejudges_keep_decisions(app: TestApp) {
    let (event, alice, team_id, bob) = setup(&app, "sign-off-rejudge").await;
    let (right, _) = answers(&app, &alice, &team_id).await;
    let rejected = submit_answer(&app, &alice, &team_id, &right).await;
    let rejected_id = rejected["id"].as_str().expect("id").to_owned();
    expect(
        decide(&app, Some(&bob.access_token), &rejected_id, false, "no").await,
        200,
    )
    .await;
    let approved = submit_answer(&app, &alice, &team_id, &right).await;
    let approved_id = approved["id"].as_str().expect("id").to_owned();
    let decided = expect(
        decide(&app, Some(&bob.access_token), &approved_id, true, "").await,
        200,
    )
    .await;
    let waiting = submit_answer(&app, &alice, &team_id, &right).await;
    let waiting_id = waiting["id"].as_str().expect("id").to_owned();

    expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!(
                "/api/v1/events/{}/challenges/first-contact/rejudge",
                event.slug
            ),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    for (id, status) in [
        (&rejected_id, "sign_off_rejected"),
        (&approved_id, "judged"),
        (&waiting_id, "awaiting_sign_off"),
    ] {
        let seen = expect(
            app.get_as(&alice.access_token, &format!("/api/v1/submissions/{id}"))
                .await,
            200,
        )
        .await;
        assert_eq!(seen["status"], status, "{seen}");
    }
    let mine = board(&app, &event, None).await;
    assert_eq!(row(&mine, &team_id)["solved"], 1);
    assert_eq!(
        time(&row(&mine, &team_id)["last_solve_at"]),
        time(&decided["decided_at"]),
        "the approval's time stands"
    );
    assert_eq!(awaiting(&app, &event, &bob.access_token).await.len(), 1);
}
