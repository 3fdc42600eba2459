//! Every change that moves a team's standing makes the cached public board stale before the
//! action answers (readers get the new board as soon as it is computed) and pushes it to the
//! big screens exactly once; changes that do not move it push nothing. Driven as organizers and teams cause them, through the API, with a big screen
//! connected to the event channel.

use std::time::Duration;

use chrono::TimeDelta;
use cohack_server::{db::now, models::role::EventRole};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, expect, first_contact_answer, materials, publish_all, running_event, submit,
        user_with_role,
    },
    harness::TestApp,
    live_client::{WAIT, Ws, connect},
};

backend_tests!(each_standing_change_pushes_the_board_once);

/// Long enough for a second push of the same change to arrive (pushes take milliseconds).
const QUIET: Duration = Duration::from_millis(800);

/// The public board as the HTTP endpoint serves it right now.
async fn board(app: &TestApp, event: &TestEvent) -> Value {
    expect(
        app.get(&format!("/api/v1/events/{}/leaderboard", event.slug))
            .await,
        200,
    )
    .await
}

/// The public board over HTTP once it shows `wanted` (a reader who asks while the new board
/// is being computed gets the one it replaces, never an older one).
async fn board_once(app: &TestApp, event: &TestEvent, wanted: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let served = board(app, event).await;
        if wanted(&served) {
            return served;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the board never showed the change: {served}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The first team's progress on the first challenge: (attempted, solved).
fn first_cell(board: &Value) -> (bool, bool) {
    let cell = &board["rows"][0]["progress"][0];
    (
        cell["attempted"].as_bool().unwrap_or(false),
        cell["solved"].as_bool().unwrap_or(false),
    )
}

/// The next `leaderboard` frame, then quiet: no second one for the same change.
async fn pushed_once(screen: &mut Ws, what: &str) -> Value {
    let frame = screen.expect("leaderboard").await;
    let again: Vec<Value> = screen
        .frames_for(QUIET)
        .await
        .into_iter()
        .filter(|f| f["type"] == "leaderboard")
        .collect();
    assert!(
        again.is_empty(),
        "{what}: pushed {} times: {again:?}",
        again.len() + 1
    );
    frame
}

/// No `leaderboard` frame at all.
async fn not_pushed(screen: &mut Ws, what: &str) {
    let frames = screen.frames_for(QUIET).await;
    assert!(
        !frames.iter().any(|f| f["type"] == "leaderboard"),
        "{what} does not move the board but pushed it: {frames:?}"
    );
}

/// The board without what changes on its own (none of it does here).
fn rows(board: &Value) -> Value {
    board["rows"].clone()
}

async fn each_standing_change_pushes_the_board_once(app: TestApp) {
    let event = running_event(&app, "pushes").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let alice = user_with_role(&app, &event, "alice", EventRole::Participant).await;
    let bob = user_with_role(&app, &event, "bob", EventRole::Participant).await;
    let engineer = user_with_role(&app, &event, "engineer", EventRole::Engineer).await;
    let organizer = event.organizer.token().expect("token");

    let mut screen = connect(&app, &format!("/api/v1/events/{}/ws", event.slug), None).await;
    let first = screen.expect("leaderboard").await;
    assert_eq!(first["rows"], json!([]));

    // A team is formed: a new row, on the board at once and pushed once.
    let created = expect(
        app.post(
            alice.token(),
            &format!("/api/v1/events/{}/teams", event.slug),
            &json!({"name": "Acme Rockets"}),
        )
        .await,
        201,
    )
    .await;
    let team_id = created["id"].as_str().expect("team id").to_owned();
    let now_served = board_once(&app, &event, |b| {
        b["rows"][0]["team"]["name"] == "Acme Rockets"
    })
    .await;
    let pushed = pushed_once(&mut screen, "a new team").await;
    assert_eq!(rows(&pushed), rows(&now_served));

    // A member joins and a coach is assigned: the board names teams, so nothing is pushed.
    let code = created["invite_code"].as_str().expect("invite code");
    expect(
        app.post(
            bob.token(),
            &format!("/api/v1/teams/{team_id}/members"),
            &json!({"invite_code": code}),
        )
        .await,
        201,
    )
    .await;
    expect(
        app.post(
            Some(organizer),
            &format!("/api/v1/teams/{team_id}/coaches"),
            &json!({"user_id": engineer.id}),
        )
        .await,
        201,
    )
    .await;
    not_pushed(&mut screen, "a join or a coach").await;

    // A wrong answer scores nothing, yet the cell turns "attempted".
    let token = alice.access_token.clone();
    let own = expect(
        materials(&app, &token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let right = first_contact_answer(&own);
    let wrong = (right.parse::<u32>().expect("a number") + 1).to_string();
    let failed = expect(
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
    assert_eq!(failed["verdict"]["passed"], false, "{failed}");
    board_once(&app, &event, |b| first_cell(b) == (true, false)).await;
    let pushed = pushed_once(&mut screen, "a failed submission").await;
    assert_eq!(first_cell(&pushed), (true, false));

    // The right answer solves it.
    let solved = expect(
        submit(
            &app,
            &token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": right}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(solved["verdict"]["passed"], true, "{solved}");
    board_once(&app, &event, |b| b["rows"][0]["solved"] == 1).await;
    let pushed = pushed_once(&mut screen, "a solve").await;
    assert_eq!(pushed["rows"][0]["solved"], 1);

    // A rejudge: pushed once (whatever it changed).
    expect(
        app.post(
            Some(organizer),
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
    let pushed = pushed_once(&mut screen, "a rejudge").await;
    assert_eq!(pushed["rows"][0]["solved"], 1);

    // The organizer sets a freeze before the solve: the public board hides it at once.
    let freeze_at = (now() - TimeDelta::minutes(30)).and_utc().to_rfc3339();
    expect(
        app.send(
            reqwest::Method::PATCH,
            Some(organizer),
            &format!("/api/v1/events/{}", event.slug),
            &json!({ "freeze_at": freeze_at }),
        )
        .await,
        200,
    )
    .await;
    board_once(&app, &event, |b| b["rows"][0]["solved"] == 0).await;
    let pushed = pushed_once(&mut screen, "a freeze").await;
    assert_eq!(pushed["rows"][0]["solved"], 0);
    assert_eq!(pushed["frozen"], true, "{pushed}");
}
