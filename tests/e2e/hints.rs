//! Hints (#17): a challenge's `[[hints]]` as teams, coaches, organizers and competitors meet
//! them over the API. Titles and costs show with the statement; a hint's text only once a
//! member unlocks it (an explicit step, once: unlocking again charges nothing); the cost is
//! taken only when the team solves the challenge (`hint_cost = "on_solve"`), or at once
//! (`"always"`), never below 0 per challenge, and the frozen public board ignores unlocks
//! made after the freeze; the board and `/results` agree; the team's activity records it.

use chrono::TimeDelta;
use cohack_server::db::now;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, edit_settings, expect, first_contact_answer, materials, publish,
        reschedule, running_event, submit, team, upload,
    },
    harness::{TestApp, repo_root},
    live_client::connect,
};

backend_tests!(
    titles_show_until_a_member_unlocks_the_text,
    only_members_unlock_and_only_once,
    the_cost_is_taken_only_on_solve,
    always_takes_the_cost_at_once_never_below_zero,
    the_frozen_board_ignores_unlocks_after_the_freeze,
);

pub const WHERE: &str = "Count devices, not lines: one device may log many errors.";
pub const FREE: &str = "Only `ERROR` lines count; `WARN` is noise.";

/// `upload` with two hints: "Where to look" (cost `cost`) and "Which lines" (free).
pub fn with_hints(folder: &str, cost: u32) -> Value {
    let mut upload = upload(folder);
    upload["manifest"]["hints"] = json!([
        {"title": "Where to look", "cost": cost, "file": "hints/where.md"},
        {"title": "Which lines", "cost": 0, "file": "hints/free.md"},
    ]);
    upload["hints"] = json!([WHERE, FREE]);
    upload
}

/// A running event with `first-contact` (hints: 30 points and free) and `pipeline-manifest`
/// (locked until first-contact is solved).
async fn hinted_event(app: &TestApp, slug: &str) -> TestEvent {
    let event = running_event(app, slug).await;
    let token = &event.organizer.access_token;
    let published = expect(
        publish(
            app,
            token,
            &event.slug,
            &with_hints("01-first-contact", 30),
            "",
        )
        .await,
        201,
    )
    .await;
    assert_eq!(published["challenge"]["slug"], "first-contact");
    expect(
        publish(
            app,
            token,
            &event.slug,
            &with_hints("02-pipeline-manifest", 50),
            "",
        )
        .await,
        201,
    )
    .await;
    event
}

fn hints_path(team: &str, challenge: &str) -> String {
    format!("/api/v1/teams/{team}/challenges/{challenge}/hints")
}

fn unlock_path(team: &str, challenge: &str, n: &str) -> String {
    format!("/api/v1/teams/{team}/challenges/{challenge}/hints/{n}/unlock")
}

async fn unlock(app: &TestApp, token: &str, team: &str, n: &str) -> reqwest::Response {
    app.post(
        Some(token),
        &unlock_path(team, "first-contact", n),
        &json!({}),
    )
    .await
}

/// The team's row of the event's board as `token` reads it (anonymous: the public board).
async fn board_score(app: &TestApp, event: &TestEvent, token: Option<&str>, team: &str) -> i64 {
    let path = format!("/api/v1/events/{}/leaderboard", event.slug);
    let board = match token {
        Some(token) => expect(app.get_as(token, &path).await, 200).await,
        None => expect(app.get(&path).await, 200).await,
    };
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["team"]["id"] == team)
        .unwrap_or_else(|| panic!("team on the board: {board}"))["score"]
        .as_i64()
        .expect("score")
}

/// The team's score in the organizer's `/results`.
async fn results_score(app: &TestApp, event: &TestEvent, team: &str) -> i64 {
    let results = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/results", event.slug),
        )
        .await,
        200,
    )
    .await;
    results["standings"]
        .as_array()
        .expect("standings")
        .iter()
        .find(|r| r["team_id"] == team)
        .unwrap_or_else(|| panic!("team in the results: {results}"))["score"]
        .as_i64()
        .expect("score")
}

/// Submits the right answer to `first-contact` for the team.
async fn solve_first_contact(app: &TestApp, token: &str, team: &str) {
    let own = expect(materials(app, token, team, "first-contact").await, 200).await;
    let answer = first_contact_answer(&own);
    let solved = expect(
        submit(
            app,
            token,
            team,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(solved["verdict"]["passed"], true, "{solved}");
}

async fn titles_show_until_a_member_unlocks_the_text(app: TestApp) {
    let event = hinted_event(&app, "hints-read").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let (carol, _) = team(&app, &event, "carol").await;

    // With the statement: titles and costs, no text.
    let ladder = expect(
        app.get_as(
            &alice.access_token,
            &format!("/api/v1/events/{}/challenges", event.slug),
        )
        .await,
        200,
    )
    .await;
    let first = &ladder["challenges"][0];
    assert_eq!(
        first["hints"],
        json!([{"n": 1, "title": "Where to look", "cost": 30},
               {"n": 2, "title": "Which lines", "cost": 0}]),
        "{ladder}"
    );
    assert!(
        ladder["challenges"][1].get("hints").is_none(),
        "a locked challenge shows neither statement nor hints: {ladder}"
    );
    assert!(!ladder.to_string().contains(WHERE), "no text in the ladder");

    let list = expect(
        app.get_as(&alice.access_token, &hints_path(&team_id, "first-contact"))
            .await,
        200,
    )
    .await;
    assert_eq!(list["challenge"], "first-contact");
    assert_eq!(list["hint_cost"], "on_solve");
    assert_eq!(list["unlocked_cost"], 0);
    let hints = list["hints"].as_array().expect("hints");
    assert_eq!(hints.len(), 2);
    assert_eq!(hints[0]["title"], "Where to look");
    assert_eq!(hints[0]["cost"], 30);
    assert_eq!(hints[0]["unlocked"], false);
    assert_eq!(hints[0]["text"], Value::Null);
    assert_eq!(hints[1]["cost"], 0);
    assert!(!list.to_string().contains(WHERE) && !list.to_string().contains(FREE));

    // The team's coach and the event's organizer read the same; a competitor and a stranger
    // do not learn the team exists; nobody reads the hints of a challenge still locked.
    for token in [&bob.access_token, &event.organizer.access_token] {
        let read = expect(
            app.get_as(token, &hints_path(&team_id, "first-contact"))
                .await,
            200,
        )
        .await;
        assert_eq!(read["hints"][0]["title"], "Where to look");
    }
    expect(
        app.get_as(&carol.access_token, &hints_path(&team_id, "first-contact"))
            .await,
        404,
    )
    .await;
    expect(app.get(&hints_path(&team_id, "first-contact")).await, 401).await;
    for slug in ["pipeline-manifest", "no-such-challenge"] {
        expect(
            app.get_as(&alice.access_token, &hints_path(&team_id, slug))
                .await,
            404,
        )
        .await;
    }

    // Unlocking the free hint is an explicit step too; its text then shows, the other's not.
    let mut workspace = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), alice.token()).await;
    let mut coach_view = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), bob.token()).await;
    let free = expect(unlock(&app, &alice.access_token, &team_id, "2").await, 200).await;
    assert_eq!(free["n"], 2);
    assert_eq!(free["text"], FREE);
    assert_eq!(free["unlocked"], true);
    assert_eq!(free["unlocked_by"]["user_id"], alice.id.as_str());
    let is_hint = |a: &Value| a["kind"] == "hint" && a["n"] == 2;
    let activity = workspace.expect_where("activity", is_hint).await;
    assert_eq!(activity["challenge"], "first-contact");
    assert_eq!(activity["title"], "Which lines");
    assert_eq!(activity["cost"], 0);
    assert_eq!(activity["by"]["user_id"], alice.id.as_str());
    assert!(activity["by"]["display_name"].as_str().is_some());
    coach_view.expect_where("activity", is_hint).await;

    let read = expect(
        app.get_as(&bob.access_token, &hints_path(&team_id, "first-contact"))
            .await,
        200,
    )
    .await;
    assert_eq!(
        read["hints"][1]["text"], FREE,
        "the coach reads the unlocked text"
    );
    assert_eq!(
        read["hints"][1]["unlocked_by"]["user_id"],
        alice.id.as_str()
    );
    assert!(read["hints"][1]["unlocked_at"].as_str().is_some());
    assert_eq!(read["hints"][0]["text"], Value::Null);
}

async fn only_members_unlock_and_only_once(app: TestApp) {
    let event = hinted_event(&app, "hints-who").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let (carol, _) = team(&app, &event, "carol").await;

    expect(unlock(&app, &bob.access_token, &team_id, "1").await, 403).await;
    expect(
        unlock(&app, &event.organizer.access_token, &team_id, "1").await,
        403,
    )
    .await;
    expect(unlock(&app, &carol.access_token, &team_id, "1").await, 404).await;
    let anonymous = app
        .post(
            None,
            &unlock_path(&team_id, "first-contact", "1"),
            &json!({}),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    for n in ["0", "3", "abc", "-1", "99999999999"] {
        let body = expect(unlock(&app, &alice.access_token, &team_id, n).await, 404).await;
        assert_eq!(body["error"]["code"], "not_found", "{n}: {body}");
    }
    expect(
        app.post(
            Some(&alice.access_token),
            &unlock_path(&team_id, "pipeline-manifest", "1"),
            &json!({}),
        )
        .await,
        404,
    )
    .await;

    let first = expect(unlock(&app, &alice.access_token, &team_id, "1").await, 200).await;
    assert_eq!(first["text"], WHERE);
    assert_eq!(first["cost"], 30);
    let again = expect(unlock(&app, &alice.access_token, &team_id, "1").await, 200).await;
    assert_eq!(again, first, "idempotent: the same unlock, time and all");
    let list = expect(
        app.get_as(&alice.access_token, &hints_path(&team_id, "first-contact"))
            .await,
        200,
    )
    .await;
    assert_eq!(list["unlocked_cost"], 30, "charged once: {list}");

    // After the end: no more unlocks, the unlocked text still reads.
    let at = now();
    reschedule(
        &app,
        &event,
        at - TimeDelta::hours(3),
        at - TimeDelta::hours(1),
    )
    .await;
    let ended = expect(unlock(&app, &alice.access_token, &team_id, "2").await, 409).await;
    assert_eq!(ended["error"]["code"], "not_running");
    let list = expect(
        app.get_as(&alice.access_token, &hints_path(&team_id, "first-contact"))
            .await,
        200,
    )
    .await;
    assert_eq!(list["hints"][0]["text"], WHERE);
    assert_eq!(list["hints"][1]["unlocked"], false);
}

async fn the_cost_is_taken_only_on_solve(app: TestApp) {
    let event = hinted_event(&app, "hints-solve").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let (dave, other) = team(&app, &event, "dave").await;
    let token = &alice.access_token;

    expect(unlock(&app, token, &team_id, "1").await, 200).await;
    assert_eq!(board_score(&app, &event, Some(token), &team_id).await, 0);

    // Solved: 100 points less the hint's 30.
    solve_first_contact(&app, token, &team_id).await;
    assert_eq!(board_score(&app, &event, Some(token), &team_id).await, 70);
    assert_eq!(results_score(&app, &event, &team_id).await, 70);
    // A hint on a challenge not solved (pipeline-manifest, now open) costs nothing yet.
    expect(
        app.post(
            Some(token),
            &unlock_path(&team_id, "pipeline-manifest", "1"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(board_score(&app, &event, Some(token), &team_id).await, 70);

    // The team that solved later without a hint ranks first.
    solve_first_contact(&app, &dave.access_token, &other).await;
    let board = expect(
        app.get(&format!("/api/v1/events/{}/leaderboard", event.slug))
            .await,
        200,
    )
    .await;
    let rows = board["rows"].as_array().expect("rows");
    assert_eq!(rows[0]["team"]["id"], other.as_str(), "{board}");
    assert_eq!(rows[0]["score"], 100);
    assert_eq!(rows[1]["score"], 70);
    assert_eq!(rows[0]["rank"], 1);
    assert_eq!(rows[1]["rank"], 2);
    assert_eq!(rows[1]["progress"][0]["score"], 70);
    assert_eq!(rows[1]["progress"][0]["solved"], true);

    // The board and the results agree on every team.
    for id in [&team_id, &other] {
        assert_eq!(
            board_score(&app, &event, Some(&event.organizer.access_token), id).await,
            results_score(&app, &event, id).await
        );
    }
}

async fn always_takes_the_cost_at_once_never_below_zero(app: TestApp) {
    let event = running_event(&app, "hints-always").await;
    let token = event.organizer.access_token.clone();
    let patched = expect(
        app.send(
            Method::PATCH,
            Some(&token),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"hint_cost": "always"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(patched["hint_cost"], "always", "{patched}");
    expect(
        publish(
            &app,
            &token,
            &event.slug,
            &with_hints("01-first-contact", 30),
            "",
        )
        .await,
        201,
    )
    .await;
    // clean-readings (300 points, open to all) with a hint of 50: partial credit shows it.
    expect(
        publish(
            &app,
            &token,
            &event.slug,
            &with_hints("03-clean-readings", 50),
            "?always_open=true",
        )
        .await,
        201,
    )
    .await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let member = &alice.access_token;

    // Partial credit, not solved: 240.
    let csv = std::fs::read(
        repo_root()
            .join("challenges/03-clean-readings/samples/fail/forgot-fahrenheit/readings_clean.csv"),
    )
    .expect("sample file");
    use base64::Engine as _;
    let partial = expect(
        submit(
            &app,
            member,
            &team_id,
            &json!({"challenge": "clean-readings", "answer": "",
                    "files": [{"path": "readings_clean.csv",
                               "content_base64": base64::engine::general_purpose::STANDARD.encode(csv)}]}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(partial["verdict"]["score"], 240, "{partial}");
    assert_eq!(board_score(&app, &event, Some(member), &team_id).await, 240);

    // `always`: the cost is taken at once from the unsolved challenge.
    let unlocked = expect(
        app.post(
            Some(member),
            &unlock_path(&team_id, "clean-readings", "1"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(unlocked["cost"], 50);
    assert_eq!(board_score(&app, &event, Some(member), &team_id).await, 190);
    assert_eq!(results_score(&app, &event, &team_id).await, 190);

    // A challenge with no score keeps 0, whatever its hints cost.
    expect(unlock(&app, member, &team_id, "1").await, 200).await;
    let board = expect(
        app.get_as(
            member,
            &format!("/api/v1/events/{}/leaderboard", event.slug),
        )
        .await,
        200,
    )
    .await;
    let row = &board["rows"][0];
    assert_eq!(row["score"], 190, "{board}");
    let first = row["progress"]
        .as_array()
        .expect("progress")
        .iter()
        .find(|p| p["challenge"] == "first-contact")
        .expect("first-contact");
    assert_eq!(first["score"], 0);
}

async fn the_frozen_board_ignores_unlocks_after_the_freeze(app: TestApp) {
    let event = hinted_event(&app, "hints-frozen").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let token = &alice.access_token;
    solve_first_contact(&app, token, &team_id).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let freeze = now();
    edit_settings(&app, &event, move |settings| {
        settings.freeze_at = Some(freeze)
    })
    .await;
    app.state.leaderboard.invalidate(&event.id);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;

    expect(unlock(&app, token, &team_id, "1").await, 200).await;
    assert_eq!(
        board_score(&app, &event, None, &team_id).await,
        100,
        "the public board stopped at the freeze"
    );
    assert_eq!(
        board_score(&app, &event, Some(&event.organizer.access_token), &team_id).await,
        70,
        "the organizers' board is live"
    );
    assert_eq!(results_score(&app, &event, &team_id).await, 70);
}
