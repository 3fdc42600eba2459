//! Board updates as deltas (`?board=deltas` on the event channel): a client that applies
//! every `leaderboard_delta` holds exactly the board `GET /events/{slug}/leaderboard` serves,
//! on this instance and, on PostgreSQL, on another one; old clients keep getting whole
//! `leaderboard` frames and never a delta; a client that missed a delta asks for the whole
//! board and is whole again; the frozen public board and an aliased one leak nothing through a
//! delta (no frame at all during the freeze, aliases only in an aliased event's deltas).

use std::time::Duration;

use cohack_server::db::now;
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, edit_settings, expect, first_contact_answer, materials, publish_all,
        running_event, submit, team,
    },
    harness::TestApp,
    live_client::{WAIT, Ws, connect, try_connect},
};

backend_tests!(
    deltas_converge_to_the_served_board,
    a_client_that_missed_a_delta_recovers,
    frozen_and_aliased_deltas_leak_nothing,
);

/// Long enough for a push that would follow a change to arrive (pushes take milliseconds).
const QUIET: Duration = Duration::from_millis(800);

fn ws_path(event: &TestEvent, deltas: bool) -> String {
    let query = if deltas { "?board=deltas" } else { "" };
    format!("/api/v1/events/{}/ws{query}", event.slug)
}

/// The public board served over HTTP on `app`.
async fn served(app: &TestApp, event: &TestEvent) -> Value {
    expect(
        app.get(&format!("/api/v1/events/{}/leaderboard", event.slug))
            .await,
        200,
    )
    .await
}

/// Whether `board` counts a solve for `team_id`.
fn shows_solved(board: &Value, team_id: &str) -> bool {
    board["rows"].as_array().is_some_and(|rows| {
        rows.iter()
            .any(|row| row["team"]["id"] == team_id && row["solved"].as_i64() >= Some(1))
    })
}

/// A board frame as the body the HTTP endpoint serves (without `type` and `etag`).
fn as_body(frame: &Value) -> Value {
    let mut body = frame.as_object().cloned().unwrap_or_default();
    body.remove("type");
    body.remove("etag");
    Value::Object(body)
}

/// What the big screen's script does with a delta (web/src/board/delta.js), written again
/// from the README's rule: `None` when `board` is not the delta's `base` or it cannot apply.
fn apply(board: &Value, delta: &Value) -> Option<Value> {
    if board["etag"] != delta["base"] {
        return None;
    }
    let rows = board["rows"].as_array()?;
    let mut by_id: Map<String, Value> = rows
        .iter()
        .map(|row| Some((row["team"]["id"].as_str()?.to_owned(), row.clone())))
        .collect::<Option<_>>()?;
    for row in delta["rows"].as_array()? {
        by_id.insert(row["team"]["id"].as_str()?.to_owned(), row.clone());
    }
    for (id, rank) in delta["ranks"].as_object()? {
        by_id.get_mut(id)?["rank"] = rank.clone();
    }
    let order: Vec<String> = match delta.get("order") {
        Some(order) => order
            .as_array()?
            .iter()
            .map(|id| id.as_str().map(str::to_owned))
            .collect::<Option<_>>()?,
        None => rows
            .iter()
            .map(|row| row["team"]["id"].as_str().map(str::to_owned))
            .collect::<Option<_>>()?,
    };
    let rows: Vec<Value> = order
        .iter()
        .map(|id| by_id.get(id).cloned())
        .collect::<Option<_>>()?;
    Some(json!({
        "type": "leaderboard",
        "etag": delta["etag"],
        "event": delta["event"],
        "frozen": delta["frozen"],
        "freeze_at": delta["freeze_at"],
        "generated_at": delta["generated_at"],
        "rows": rows,
    }))
}

/// A screen that applies deltas, as the big screen does.
struct DeltaScreen {
    ws: Ws,
    board: Value,
    /// Deltas applied, and whole boards asked for.
    applied: usize,
    asked: usize,
    /// The most rows one delta carried.
    most_rows: usize,
}

impl DeltaScreen {
    async fn open(app: &TestApp, event: &TestEvent) -> DeltaScreen {
        let mut ws = connect(app, &ws_path(event, true), None).await;
        let board = ws.expect("leaderboard").await;
        assert!(
            board["etag"].as_str().is_some_and(|t| !t.is_empty()),
            "the whole board names its tag: {board}"
        );
        DeltaScreen {
            ws,
            board,
            applied: 0,
            asked: 0,
            most_rows: 0,
        }
    }

    /// Takes one board frame: a whole board replaces the held one; a delta is applied, or
    /// skipped when the board already is its result, or answered by asking for the whole
    /// board.
    async fn take(&mut self, frame: Value) {
        let kind = frame["type"].as_str().map(str::to_owned);
        match kind.as_deref() {
            Some("leaderboard") => self.board = frame,
            Some("leaderboard_delta") => {
                let rows = frame["rows"].as_array().map_or(0, Vec::len);
                self.most_rows = self.most_rows.max(rows);
                if self.board["etag"] == frame["etag"] {
                    return;
                }
                match apply(&self.board, &frame) {
                    Some(board) => {
                        self.applied += 1;
                        self.board = board;
                    }
                    None => {
                        self.asked += 1;
                        self.ws.send_json(json!({"type": "leaderboard"})).await;
                    }
                }
            }
            _ => {}
        }
    }

    /// Takes board frames until the held board is the one `app` serves (HTTP), or fails
    /// after [`WAIT`].
    async fn converge(&mut self, app: &TestApp, event: &TestEvent) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let want = served(app, event).await;
            if as_body(&self.board) == want {
                return want;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the screen's board {} never became the served one {want}",
                self.board
            );
            for frame in self.ws.frames_for(Duration::from_millis(100)).await {
                self.take(frame).await;
            }
        }
    }
}

/// `count` more teams that never submit: a board of realistic size, on which a solve moves
/// one row and shifts ranks (the delta is then smaller than the board, so it is sent).
async fn bystanders(app: &TestApp, event: &TestEvent, count: usize) {
    for i in 0..count {
        team(app, event, &format!("{}-bystander-{i}", event.slug)).await;
    }
}

/// The right answer to first-contact for a team.
async fn right_answer(app: &TestApp, token: &str, team_id: &str) -> String {
    let own = expect(materials(app, token, team_id, "first-contact").await, 200).await;
    first_contact_answer(&own)
}

/// A team solves first-contact (the board moves).
async fn solve(app: &TestApp, token: &str, team_id: &str) {
    let answer = right_answer(app, token, team_id).await;
    let verdict = expect(
        submit(
            app,
            token,
            team_id,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(verdict["verdict"]["passed"], true, "{verdict}");
}

async fn deltas_converge_to_the_served_board(app: TestApp) {
    let event = running_event(&app, "deltas").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    // Listed by name while tied; Charlie's solve moves it to the top and Alpha and Bravo down
    // a rank (rank-only changes), Bravo's then reorders the rest.
    team(&app, &event, "alpha").await;
    let (bravo, bravo_team) = team(&app, &event, "bravo").await;
    let (charlie, charlie_team) = team(&app, &event, "charlie").await;
    bystanders(&app, &event, 3).await;
    let mut screen = DeltaScreen::open(&app, &event).await;
    let mut old_client = connect(&app, &ws_path(&event, false), None).await;
    old_client.expect("leaderboard").await;
    let refused = try_connect(
        &app,
        &format!("/api/v1/events/{}/ws?board=some", event.slug),
        None,
    )
    .await
    .err();
    assert_eq!(refused, Some(400), "an unknown `board` is refused");
    // Another instance on the same database, with a delta screen of its own (PostgreSQL: the
    // change reaches it as a notice).
    let postgres = app.state.config.database_url.starts_with("postgres");
    let sibling = if postgres {
        Some(app.spawn_sibling(|_| {}).await)
    } else {
        None
    };
    let mut far_screen = match &sibling {
        Some(b) => Some(DeltaScreen::open(b, &event).await),
        None => None,
    };

    for (token, team_id) in [
        (charlie.token().expect("token"), &charlie_team),
        (bravo.token().expect("token"), &bravo_team),
    ] {
        solve(&app, token, team_id).await;
        // The board is recomputed once the verdict's change is announced, which may be a
        // moment after the submission's answer: wait until the served board shows the solve.
        let deadline = tokio::time::Instant::now() + WAIT;
        while !shows_solved(&served(&app, &event).await, team_id) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the served board never showed the solve"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let want = screen.converge(&app, &event).await;
        if let (Some(b), Some(far)) = (&sibling, far_screen.as_mut()) {
            // Each instance computes (and stamps) its own board: the same rows.
            assert_eq!(
                far.converge(b, &event).await["rows"],
                want["rows"],
                "same rows on both"
            );
        }
        // The old client got the whole board, never a delta: its latest whole board is the
        // served one.
        let mut latest = None;
        let deadline = tokio::time::Instant::now() + WAIT;
        while tokio::time::Instant::now() < deadline {
            for frame in old_client.frames_for(Duration::from_millis(100)).await {
                assert_ne!(
                    frame["type"], "leaderboard_delta",
                    "an old client got a delta"
                );
                if frame["type"] == "leaderboard" {
                    latest = Some(as_body(&frame));
                }
            }
            if latest.as_ref() == Some(&want) {
                break;
            }
        }
        assert_eq!(
            latest.as_ref(),
            Some(&want),
            "the old client's latest whole board"
        );
    }
    let frames = old_client.frames_for(QUIET).await;
    assert!(
        !frames.iter().any(|f| f["type"] == "leaderboard_delta"),
        "an old client never gets a delta: {frames:?}"
    );
    assert!(
        screen.applied >= 2 && screen.asked == 0,
        "both changes came as deltas, applied in turn ({} applied, {} asked)",
        screen.applied,
        screen.asked
    );
    assert_eq!(
        screen.most_rows, 1,
        "a delta carries the one row a solve changed (the others' ranks apart)"
    );
    let rows = screen.board["rows"].as_array().expect("rows");
    let names: Vec<&str> = rows
        .iter()
        .filter_map(|row| row["team"]["name"].as_str())
        .collect();
    assert_eq!(names[..3], ["charlie", "bravo", "alpha"]);
    assert_eq!(
        rows.iter()
            .map(|row| row["rank"].clone())
            .collect::<Vec<_>>()[..3],
        [json!(1), json!(2), json!(3)]
    );
    if let Some(far) = &far_screen {
        assert!(far.applied >= 1, "the other instance sent deltas too");
    }
    if let Some(b) = sibling {
        b.stop().await;
    }
}

async fn a_client_that_missed_a_delta_recovers(app: TestApp) {
    let event = running_event(&app, "missed").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (first, first_team) = team(&app, &event, "first").await;
    let (second, second_team) = team(&app, &event, "second").await;
    bystanders(&app, &event, 3).await;
    let mut screen = DeltaScreen::open(&app, &event).await;

    // The screen loses the first update (as if it had been away).
    solve(&app, first.token().expect("token"), &first_team).await;
    let lost = screen.ws.expect("leaderboard_delta").await;
    assert_eq!(lost["base"], screen.board["etag"]);

    // The next delta starts from a board it does not hold: it asks for the whole board, and
    // holds the served one again.
    solve(&app, second.token().expect("token"), &second_team).await;
    screen.converge(&app, &event).await;
    assert_eq!(screen.asked, 1, "asked once for the whole board");
    assert_eq!(screen.applied, 0);

    // Asking again answers the same whole board (nothing changed meanwhile).
    screen.ws.send_json(json!({"type": "leaderboard"})).await;
    let again = screen.ws.expect("leaderboard").await;
    assert_eq!(again["etag"], screen.board["etag"]);
    assert_eq!(as_body(&again), served(&app, &event).await);
}

async fn frozen_and_aliased_deltas_leak_nothing(app: TestApp) {
    let event = running_event(&app, "hidden").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let organizer = event.organizer.token().expect("token").to_owned();
    let (secret, secret_team) = team(&app, &event, "secret-squirrels").await;
    let (other, other_team) = team(&app, &event, "otter-works").await;
    bystanders(&app, &event, 3).await;
    let expect_ok = |response| expect(response, 200);
    expect_ok(
        app.send(
            Method::PATCH,
            Some(&organizer),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"board_names": "aliases"}),
        )
        .await,
    )
    .await;
    for (team_id, alias) in [(&secret_team, "Blue"), (&other_team, "Green")] {
        expect_ok(
            app.send(
                Method::PATCH,
                Some(&organizer),
                &format!("/api/v1/teams/{team_id}"),
                &json!({"alias": alias}),
            )
            .await,
        )
        .await;
    }
    let mut screen = DeltaScreen::open(&app, &event).await;
    screen.converge(&app, &event).await;

    // Aliased: a solve comes as a delta naming the alias only.
    solve(&app, secret.token().expect("token"), &secret_team).await;
    let delta = screen.ws.expect("leaderboard_delta").await;
    let text = delta.to_string();
    assert!(
        text.contains("Blue") && !text.contains("secret") && !text.contains("otter"),
        "an aliased delta names aliases only: {text}"
    );
    screen.take(delta).await;
    let want = screen.converge(&app, &event).await;
    assert_eq!(want["rows"][0]["team"]["name"], "Blue");

    // Frozen from now: the public board stands still, so no frame shows a later solve.
    edit_settings(&app, &event, |settings| {
        settings.freeze_at = Some(now());
    })
    .await;
    let frozen = loop {
        let board = served(&app, &event).await;
        if board["frozen"] == true {
            break board;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    solve(&app, other.token().expect("token"), &other_team).await;
    let solved = |board: &Value| {
        board["rows"]
            .as_array()
            .map_or(0, |rows| rows.iter().filter(|r| r["solved"] == 1).count())
    };
    // Organizers see the solve (a reader during a recomputation gets the board it replaces,
    // so ask until the new one is there).
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let organizers = expect(
            app.get_as(
                &organizer,
                &format!("/api/v1/events/{}/leaderboard", event.slug),
            )
            .await,
            200,
        )
        .await;
        if solved(&organizers) == 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "organizers never saw the solve: {organizers}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for frame in screen.ws.frames_for(QUIET).await {
        let text = frame.to_string();
        assert!(
            !text.contains("otter") && !text.contains("secret"),
            "no team name in any frame: {text}"
        );
        let green_solved = frame["rows"].as_array().is_some_and(|rows| {
            rows.iter()
                .any(|r| r["team"]["name"] == "Green" && r["solved"] == 1)
        });
        assert!(
            !green_solved,
            "the frozen board shows no solve after the freeze: {text}"
        );
        screen.take(frame).await;
    }
    let public = screen.converge(&app, &event).await;
    assert_eq!(
        as_body(&frozen)["rows"],
        public["rows"],
        "still the frozen board"
    );
}
