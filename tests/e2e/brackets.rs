//! Brackets, over HTTP on both backends: an event's list (`brackets` on create and update),
//! each team's bracket (chosen at creation, moved by organizers), and the board of one
//! bracket (`?bracket=`): the same rows as the full board, ranked within the bracket, frozen
//! exactly like it. Verdicts are written straight into the database (as in `leaderboard.rs`)
//! so that the times around the freeze are exact.

use chrono::{Duration, NaiveDateTime, Utc};
use cohack_server::error::Error;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    events::body,
    harness::{Account, TestApp},
    seed,
};

backend_tests!(
    brackets_rank_apart_and_freeze_like_the_board,
    a_team_names_one_of_the_events_brackets,
    organizers_change_brackets_and_move_teams,
);

fn minutes_ago(m: i64) -> NaiveDateTime {
    (Utc::now() - Duration::minutes(m)).naive_utc()
}

fn rfc3339_minutes_ago(m: i64) -> String {
    (Utc::now() - Duration::minutes(m)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Creates the event `slug` through the API, running for two hours, with `brackets` and a
/// freeze `freeze_minutes_ago` (if any).
async fn create_event(
    app: &TestApp,
    organizer: &Account,
    slug: &str,
    brackets: Value,
    freeze_minutes_ago: Option<i64>,
) -> Value {
    let response = app
        .post(
            organizer.token(),
            "/api/v1/events",
            &json!({
                "slug": slug,
                "name": "Brackets",
                "starts_at": rfc3339_minutes_ago(120),
                "ends_at": rfc3339_minutes_ago(-120),
                "freeze_at": freeze_minutes_ago.map(rfc3339_minutes_ago),
                "registration": "open",
                "team_size_max": 4,
                "brackets": brackets,
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    body(response).await
}

/// A registered participant of `slug`, by its e-mail.
async fn participant(app: &TestApp, slug: &str, email: &str) -> Account {
    let account = app.register(email, "Acme").await;
    let response = app
        .post(
            account.token(),
            &format!("/api/v1/events/{slug}/registrations"),
            &json!({}),
        )
        .await;
    assert!(response.status().is_success(), "registered");
    account
}

/// `POST /events/{slug}/teams` as `member` with `body`.
async fn create_team(
    app: &TestApp,
    slug: &str,
    member: &Account,
    body: Value,
) -> reqwest::Response {
    app.post(
        member.token(),
        &format!("/api/v1/events/{slug}/teams"),
        &body,
    )
    .await
}

/// A new team named `name` in `bracket`, created by a new participant; its id.
async fn team_in(app: &TestApp, slug: &str, name: &str, bracket: &str) -> (String, Account) {
    let member = participant(app, slug, &format!("{}@acme.example", name.to_lowercase())).await;
    let response = create_team(
        app,
        slug,
        &member,
        json!({"name": name, "bracket": bracket}),
    )
    .await;
    assert_eq!(response.status(), 201, "team {name} created");
    let team = body(response).await;
    (team["id"].as_str().expect("id").to_owned(), member)
}

/// Two challenges on the ladder of `event_id`, the first with a validator version, written
/// straight into the database ([`seed::ladder`]): their ids and the version's.
async fn ladder(app: &TestApp, event_id: &str, organizer_id: &str) -> (Vec<String>, String) {
    let (event_id, organizer_id) = (event_id.to_owned(), organizer_id.to_owned());
    app.state
        .db
        .write(move |conn| {
            let seeded = seed::ladder(conn, &event_id, &organizer_id, 2, "c", minutes_ago(0))?;
            Ok::<_, Error>((seeded.challenges, seeded.version))
        })
        .await
        .expect("ladder")
}

/// A passing verdict of `team` on `challenge`, submitted `minutes` ago by `member`.
async fn solved(
    app: &TestApp,
    (team, member): (&str, &Account),
    challenge: &str,
    version: &str,
    minutes: i64,
) {
    let (team, member, challenge, version) = (
        team.to_owned(),
        member.id.clone(),
        challenge.to_owned(),
        version.to_owned(),
    );
    app.state
        .db
        .write(move |conn| {
            seed::judged(
                conn,
                seed::Judged {
                    team: &team,
                    challenge: &challenge,
                    submitted_by: &member,
                    version: &version,
                    at: minutes_ago(minutes),
                    passed: true,
                    score: 100,
                },
            )
        })
        .await
        .expect("verdict");
}

/// `GET` a leaderboard path as `token` (or anonymously): status and body.
async fn read(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Value) {
    let response = match token {
        Some(token) => app.get_as(token, path).await,
        None => app.get(path).await,
    };
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Each row as (team name, rank, bracket, bracket rank, solved).
fn rows(board: &Value) -> Vec<(String, u64, String, u64, u64)> {
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| {
            (
                row["team"]["name"].as_str().expect("name").to_owned(),
                row["rank"].as_u64().expect("rank"),
                row["bracket"].as_str().unwrap_or("").to_owned(),
                row["bracket_rank"].as_u64().unwrap_or(0),
                row["solved"].as_u64().expect("solved"),
            )
        })
        .collect()
}

fn row(
    name: &str,
    rank: u64,
    bracket: &str,
    in_bracket: u64,
    solved: u64,
) -> (String, u64, String, u64, u64) {
    (
        name.to_owned(),
        rank,
        bracket.to_owned(),
        in_bracket,
        solved,
    )
}

async fn brackets_rank_apart_and_freeze_like_the_board(app: TestApp) {
    let organizer = app.portal_organizer("boss@vendor.example").await;
    let event = create_event(
        &app,
        &organizer,
        "split",
        json!([" On site ", "Remote"]),
        Some(10),
    )
    .await;
    assert_eq!(
        event["brackets"],
        json!(["On site", "Remote"]),
        "trimmed, in order"
    );
    let event_id = event["id"].as_str().expect("id").to_owned();
    let public_event = body(app.get("/api/v1/events/split").await).await;
    assert_eq!(public_event["brackets"], json!(["On site", "Remote"]));

    let (anvil, anvil_member) = team_in(&app, "split", "Anvil", "On site").await;
    let (beacon, beacon_member) = team_in(&app, "split", "Beacon", "remote").await;
    let (cobalt, cobalt_member) = team_in(&app, "split", "Cobalt", "ON SITE").await;
    let (_delta, _) = team_in(&app, "split", "Delta", "Remote").await;
    let (challenges, version) = ladder(&app, &event_id, &organizer.id).await;

    // Before the freeze (10 minutes ago): Beacon, then Anvil, each solve c1.
    solved(
        &app,
        (&beacon, &beacon_member),
        &challenges[0],
        &version,
        40,
    )
    .await;
    solved(&app, (&anvil, &anvil_member), &challenges[0], &version, 30).await;
    // After it: Cobalt solves both.
    solved(&app, (&cobalt, &cobalt_member), &challenges[0], &version, 6).await;
    solved(&app, (&cobalt, &cobalt_member), &challenges[1], &version, 5).await;
    app.state.leaderboard.invalidate(&event_id);

    let (status, public) = read(&app, None, "/api/v1/events/split/leaderboard").await;
    assert_eq!(status, 200);
    assert_eq!(public["frozen"], true);
    assert!(
        public.get("bracket").is_none(),
        "the whole board names no bracket"
    );
    assert_eq!(
        rows(&public),
        [
            row("Beacon", 1, "Remote", 1, 1),
            row("Anvil", 2, "On site", 1, 1),
            row("Cobalt", 3, "On site", 2, 0),
            row("Delta", 3, "Remote", 2, 0),
        ],
        "the frozen board: every row names its bracket and its rank there"
    );

    let (status, on_site) = read(
        &app,
        None,
        "/api/v1/events/split/leaderboard?bracket=on%20site",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        on_site["bracket"], "On site",
        "named as the event spells it"
    );
    assert_eq!(
        on_site["frozen"], true,
        "frozen exactly like the whole board"
    );
    assert_eq!(
        rows(&on_site),
        [
            row("Anvil", 2, "On site", 1, 1),
            row("Cobalt", 3, "On site", 2, 0)
        ],
        "Cobalt's solves after the freeze stay hidden in its bracket too"
    );
    let text = serde_json::to_string(&on_site).expect("json");
    assert!(
        !text.contains("Beacon") && !text.contains("Delta"),
        "only the bracket's teams"
    );

    // A participant (a competitor) gets the same frozen bracket board as the public.
    let (_, as_participant) = read(
        &app,
        beacon_member.token(),
        "/api/v1/events/split/leaderboard?bracket=On%20site",
    )
    .await;
    assert_eq!(rows(&as_participant), rows(&on_site));

    // The organizers' live bracket board: Cobalt leads its bracket.
    let (_, live) = read(
        &app,
        organizer.token(),
        "/api/v1/events/split/leaderboard?bracket=On%20site",
    )
    .await;
    assert_eq!(live["frozen"], false);
    assert_eq!(
        rows(&live),
        [
            row("Cobalt", 1, "On site", 1, 2),
            row("Anvil", 3, "On site", 2, 1)
        ]
    );
    let (_, live_public) = read(
        &app,
        organizer.token(),
        "/api/v1/events/split/leaderboard?bracket=On%20site&view=public",
    )
    .await;
    assert_eq!(
        rows(&live_public),
        rows(&on_site),
        "?view=public applies to brackets"
    );

    // A bracket board has its own tag, and revalidates like the whole board.
    let path = "/api/v1/events/split/leaderboard?bracket=Remote";
    let first = app.get(path).await;
    let tag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned();
    let whole = app.get("/api/v1/events/split/leaderboard").await;
    assert_ne!(
        whole.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some(tag.as_str()),
        "another board, another tag"
    );
    let again = app
        .client
        .get(format!("{}{path}", app.address))
        .header("if-none-match", &tag)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 304);

    for unknown in ["Moon", "", "On%20site%20x"] {
        let (status, error) = read(
            &app,
            None,
            &format!("/api/v1/events/split/leaderboard?bracket={unknown}"),
        )
        .await;
        assert_eq!(status, 404, "{unknown:?}: {error}");
        assert_eq!(error["error"]["code"], "not_found");
    }
}

async fn a_team_names_one_of_the_events_brackets(app: TestApp) {
    let organizer = app.portal_organizer("boss@vendor.example").await;
    create_event(
        &app,
        &organizer,
        "split",
        json!(["On site", "Remote"]),
        None,
    )
    .await;
    create_event(&app, &organizer, "whole", json!([]), None).await;
    let member = participant(&app, "split", "ann@acme.example").await;

    for (request, status, code) in [
        (json!({"name": "Anvil"}), 400, "bracket_required"),
        (
            json!({"name": "Anvil", "bracket": null}),
            400,
            "bracket_required",
        ),
        (
            json!({"name": "Anvil", "bracket": "  "}),
            400,
            "bracket_required",
        ),
        (
            json!({"name": "Anvil", "bracket": "Moon"}),
            422,
            "unknown_bracket",
        ),
    ] {
        let response = create_team(&app, "split", &member, request.clone()).await;
        assert_eq!(response.status(), status, "{request}");
        let error = body(response).await;
        assert_eq!(error["error"]["code"], code, "{request}");
        if code == "bracket_required" {
            let message = error["error"]["message"].as_str().unwrap_or_default();
            assert!(
                message.contains("\"On site\"") && message.contains("\"Remote\""),
                "the error names the brackets to choose from: {message}"
            );
        }
    }
    let response = create_team(
        &app,
        "split",
        &member,
        json!({"name": "Anvil", "bracket": "remote"}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let team = body(response).await;
    assert_eq!(team["bracket"], "Remote");
    let id = team["id"].as_str().expect("id");
    let read_back = body(
        app.get_as(&member.access_token, &format!("/api/v1/teams/{id}"))
            .await,
    )
    .await;
    assert_eq!(read_back["bracket"], "Remote");

    // An event without brackets: none is asked for, and naming one is refused.
    let other = participant(&app, "whole", "bob@acme.example").await;
    let response = create_team(
        &app,
        "whole",
        &other,
        json!({"name": "Solo", "bracket": "Remote"}),
    )
    .await;
    assert_eq!(response.status(), 422);
    assert_eq!(body(response).await["error"]["code"], "unknown_bracket");
    let response = create_team(&app, "whole", &other, json!({"name": "Solo"})).await;
    assert_eq!(response.status(), 201);
    let solo = body(response).await;
    assert_eq!(solo["bracket"], Value::Null);
    let (_, board) = read(&app, None, "/api/v1/events/whole/leaderboard").await;
    assert_eq!(board["rows"][0]["bracket"], Value::Null);
    assert_eq!(board["rows"][0]["bracket_rank"], Value::Null);
    let (status, _) = read(
        &app,
        None,
        "/api/v1/events/whole/leaderboard?bracket=Remote",
    )
    .await;
    assert_eq!(status, 404, "no brackets, no bracket boards");
}

async fn organizers_change_brackets_and_move_teams(app: TestApp) {
    let organizer = app.portal_organizer("boss@vendor.example").await;
    let event = create_event(
        &app,
        &organizer,
        "split",
        json!(["On site", "Remote"]),
        None,
    )
    .await;
    let event_id = event["id"].as_str().expect("id").to_owned();
    let (anvil, anvil_member) = team_in(&app, "split", "Anvil", "On site").await;
    let (beacon, _) = team_in(&app, "split", "Beacon", "Remote").await;
    let (challenges, version) = ladder(&app, &event_id, &organizer.id).await;
    solved(&app, (&anvil, &anvil_member), &challenges[0], &version, 3).await;
    app.state.leaderboard.invalidate(&event_id);

    let patch = |body: Value| {
        let app = &app;
        let token = organizer.access_token.clone();
        async move {
            app.send(
                reqwest::Method::PATCH,
                Some(&token),
                "/api/v1/events/split",
                &body,
            )
            .await
        }
    };
    // Lists the rules refuse, and removing a bracket that has teams.
    for (brackets, status, code) in [
        (json!(["A", "a"]), 400, "invalid_brackets"),
        (json!(["ok", " "]), 400, "invalid_brackets"),
        (json!(["x".repeat(41)]), 400, "invalid_brackets"),
        (json!(["On site"]), 409, "bracket_in_use"),
        (json!([]), 409, "bracket_in_use"),
    ] {
        let response = patch(json!({"brackets": brackets, "name": "Renamed"})).await;
        assert_eq!(response.status(), status, "{brackets}");
        assert_eq!(body(response).await["error"]["code"], code, "{brackets}");
    }
    let unchanged = body(app.get("/api/v1/events/split").await).await;
    assert_eq!(unchanged["brackets"], json!(["On site", "Remote"]));
    assert_eq!(
        unchanged["name"], "Brackets",
        "a refused change writes nothing"
    );

    // A new order and a new bracket: the teams of the brackets that stay keep them.
    let response = patch(json!({"brackets": ["Remote", "On site", "Online"]})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        body(response).await["brackets"],
        json!(["Remote", "On site", "Online"])
    );
    let response = patch(json!({"name": "Kept"})).await;
    assert_eq!(
        body(response).await["brackets"],
        json!(["Remote", "On site", "Online"]),
        "absent: kept"
    );

    // Moving a team: organizers only, to one of the event's brackets; the board follows.
    let path = format!("/api/v1/teams/{beacon}/bracket");
    let response = app
        .send(
            reqwest::Method::PUT,
            anvil_member.token(),
            &format!("/api/v1/teams/{anvil}/bracket"),
            &json!({"bracket": "Online"}),
        )
        .await;
    assert_eq!(
        response.status(),
        403,
        "a member cannot move their own team"
    );
    let response = app
        .send(
            reqwest::Method::PUT,
            anvil_member.token(),
            &path,
            &json!({"bracket": "Online"}),
        )
        .await;
    assert_eq!(
        response.status(),
        404,
        "another team does not exist for a competitor"
    );
    let response = app
        .send(
            reqwest::Method::PUT,
            organizer.token(),
            &path,
            &json!({"bracket": "Moon"}),
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(body(response).await["error"]["code"], "unknown_bracket");

    let (_, before) = read(
        &app,
        None,
        "/api/v1/events/split/leaderboard?bracket=On%20site",
    )
    .await;
    assert_eq!(rows(&before), [row("Anvil", 1, "On site", 1, 1)]);
    let response = app
        .send(
            reqwest::Method::PUT,
            organizer.token(),
            &path,
            &json!({"bracket": "on site"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(body(response).await["bracket"], "On site");
    let (_, after) = read(
        &app,
        None,
        "/api/v1/events/split/leaderboard?bracket=On%20site",
    )
    .await;
    assert_eq!(
        rows(&after),
        [
            row("Anvil", 1, "On site", 1, 1),
            row("Beacon", 2, "On site", 2, 0)
        ],
        "the move shows at once"
    );
    let (_, remote) = read(
        &app,
        None,
        "/api/v1/events/split/leaderboard?bracket=Remote",
    )
    .await;
    assert_eq!(rows(&remote), [], "an empty bracket is an empty board");

    // Now no team is in Remote: it can go.
    let response = patch(json!({"brackets": ["On site"]})).await;
    assert_eq!(response.status(), 200);
    let (status, _) = read(
        &app,
        None,
        "/api/v1/events/split/leaderboard?bracket=Remote",
    )
    .await;
    assert_eq!(status, 404, "a removed bracket has no board");
}
