//! A whole event through the HTTP API, as its people would run it: an organizer sets it up,
//! an author publishes the five sample challenges, a coach is assigned, participants from two
//! competing organizations form three teams, submit wrong and right answers, unlock the
//! ladder; the organizer fixes a setting and rejudges, the board freezes, the event ends.
//! The leaderboard is checked at every step, on both backends.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{expect, first_contact_answer, ladder, materials, publish, submit, upload},
    harness::{Account, TestApp},
};

backend_tests!(a_whole_event);

const INVITE: &str = "open-sesame-2026";
const LADDER: [&str; 5] = [
    "01-first-contact",
    "02-pipeline-manifest",
    "03-clean-readings",
    "04-fleet-report",
    "05-route-planner",
];

fn rfc3339(delta: TimeDelta) -> String {
    (Utc::now() + delta).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `(team name, rank, solved, score)` of every row.
async fn board(app: &TestApp, token: Option<&str>) -> (bool, Vec<(String, u64, u64, i64)>) {
    let path = "/api/v1/events/hack/leaderboard";
    let response = match token {
        Some(token) => app.get_as(token, path).await,
        None => app.get(path).await,
    };
    let body = expect(response, 200).await;
    let rows = body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["team"]["name"].as_str().expect("name").to_owned(),
                r["rank"].as_u64().expect("rank"),
                r["solved"].as_u64().expect("solved"),
                r["score"].as_i64().expect("score"),
            )
        })
        .collect();
    (body["frozen"].as_bool().expect("frozen"), rows)
}

fn row(name: &str, rank: u64, solved: u64, score: i64) -> (String, u64, u64, i64) {
    (name.to_owned(), rank, solved, score)
}

async fn join_event(app: &TestApp, email: &str, organization: &str) -> Account {
    let account = app.register(email, organization).await;
    let refused = app
        .post(
            account.token(),
            "/api/v1/events/hack/registrations",
            &json!({}),
        )
        .await;
    assert_eq!(refused.status(), 403, "invite-only event without the code");
    let registered = app
        .post(
            account.token(),
            "/api/v1/events/hack/registrations",
            &json!({ "invite_code": INVITE }),
        )
        .await;
    assert!(registered.status().is_success(), "{}", registered.status());
    account
}

async fn create_team(app: &TestApp, founder: &Account, name: &str) -> (String, String) {
    let team = expect(
        app.post(
            founder.token(),
            "/api/v1/events/hack/teams",
            &json!({ "name": name }),
        )
        .await,
        201,
    )
    .await;
    (
        team["id"].as_str().expect("id").to_owned(),
        team["invite_code"].as_str().expect("code").to_owned(),
    )
}

async fn join_team(app: &TestApp, member: &Account, team: &str, code: &str) {
    let joined = app
        .post(
            member.token(),
            &format!("/api/v1/teams/{team}/members"),
            &json!({ "invite_code": code }),
        )
        .await;
    assert!(joined.status().is_success(), "{}", joined.status());
}

async fn grant(app: &TestApp, organizer: &Account, user: &Account, role: &str) {
    let granted = app
        .post(
            organizer.token(),
            "/api/v1/events/hack/roles",
            &json!({ "user_id": user.id, "role": role }),
        )
        .await;
    assert!(
        granted.status().is_success(),
        "grant {role}: {}",
        granted.status()
    );
}

async fn verdict_of(app: &TestApp, who: &Account, team: &str, body: Value) -> Value {
    let response = submit(app, &who.access_token, team, &body).await;
    let view = expect(response, 201).await;
    assert_eq!(view["status"], "judged", "{view}");
    view["verdict"].clone()
}

async fn solve_first_contact(app: &TestApp, who: &Account, team: &str) -> Value {
    let material = expect(
        materials(app, &who.access_token, team, "first-contact").await,
        200,
    )
    .await;
    let answer = first_contact_answer(&material);
    verdict_of(
        app,
        who,
        team,
        json!({ "challenge": "first-contact", "answer": answer }),
    )
    .await
}

fn pipeline(text: &str) -> Value {
    json!({
        "challenge": "pipeline-manifest",
        "files": [{ "path": "pipeline.toml", "content_base64": STANDARD.encode(text) }],
    })
}

fn reference_pipeline() -> String {
    std::fs::read_to_string(
        crate::harness::repo_root()
            .join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("reference sample")
}

async fn a_whole_event(app: TestApp) {
    // The organizer sets the event up: invite-only, teams of up to three.
    let organizer = app.portal_organizer("boss@telemetra.example").await;
    expect(
        app.post(
            organizer.token(),
            "/api/v1/events",
            &json!({
                "slug": "hack", "name": "Telemetra Co-creation Hack",
                "starts_at": rfc3339(TimeDelta::hours(-1)), "ends_at": rfc3339(TimeDelta::days(2)),
                "registration": "invite", "invite_code": INVITE, "team_size_max": 3,
            }),
        )
        .await,
        201,
    )
    .await;
    let author = app.register("author@telemetra.example", "Telemetra").await;
    let coach = app.register("coach@telemetra.example", "Telemetra").await;
    grant(&app, &organizer, &author, "author").await;
    grant(&app, &organizer, &coach, "engineer").await;

    // The author publishes the ladder; the server re-runs every sample before it goes live.
    for folder in LADDER {
        let published = publish(&app, &author.access_token, "hack", &upload(folder), "").await;
        assert_eq!(published.status(), 201, "publish {folder}");
    }

    // Customers from two competing companies form three teams.
    let alice = join_event(&app, "alice@acme.example", "Acme").await;
    let bob = join_event(&app, "bob@acme.example", "Acme").await;
    let gina = join_event(&app, "gina@globex.example", "Globex").await;
    let hank = join_event(&app, "hank@globex.example", "Globex").await;
    let ivy = join_event(&app, "ivy@globex.example", "Globex").await;
    let (rockets, rockets_code) = create_team(&app, &alice, "Acme Rockets").await;
    join_team(&app, &bob, &rockets, &rockets_code).await;
    let (one, one_code) = create_team(&app, &gina, "Globex One").await;
    join_team(&app, &hank, &one, &one_code).await;
    let (two, _) = create_team(&app, &ivy, "Globex Two").await;
    for team in [&rockets, &one] {
        let assigned = app
            .post(
                organizer.token(),
                &format!("/api/v1/teams/{team}/coaches"),
                &json!({ "user_id": coach.id }),
            )
            .await;
        assert!(assigned.status().is_success(), "{}", assigned.status());
    }
    assert_eq!(
        board(&app, None).await,
        (
            false,
            vec![
                row("Acme Rockets", 1, 0, 0),
                row("Globex One", 1, 0, 0),
                row("Globex Two", 1, 0, 0)
            ]
        )
    );

    // Only the first challenge is open; the rest show their place and title only.
    let view = ladder(&app, &bob.access_token, "hack").await;
    let items = view["challenges"]
        .as_array()
        .unwrap_or_else(|| view.as_array().expect("ladder"));
    assert_eq!(items.len(), 5);
    assert_eq!(items[0]["locked"], false);
    assert!(items[0]["statement"].is_string());
    for locked in &items[1..] {
        assert_eq!(locked["locked"], true);
        assert!(locked["statement"].is_null(), "{locked}");
    }

    // Acme: a wrong answer first, then the right one — which unlocks the next challenge.
    let wrong = verdict_of(
        &app,
        &alice,
        &rockets,
        json!({ "challenge": "first-contact", "answer": "999999" }),
    )
    .await;
    assert_eq!(wrong["passed"], false);
    assert!(!wrong["checks"].as_array().expect("checks").is_empty());
    assert_eq!(
        board(&app, None).await.1[0].2,
        0,
        "a wrong answer scores nothing"
    );
    let right = solve_first_contact(&app, &bob, &rockets).await;
    assert_eq!(right["passed"], true);
    let view = ladder(&app, &alice.access_token, "hack").await;
    let items = view["challenges"]
        .as_array()
        .unwrap_or_else(|| view.as_array().expect("ladder"));
    assert_eq!(items[1]["locked"], false, "solving 1 unlocks 2");
    assert_eq!(items[2]["locked"], true);
    assert_eq!(
        board(&app, None).await.1,
        vec![
            row("Acme Rockets", 1, 1, 100),
            row("Globex One", 2, 0, 0),
            row("Globex Two", 2, 0, 0)
        ]
    );

    // Globex One climbs two rungs and takes the lead.
    assert_eq!(solve_first_contact(&app, &gina, &one).await["passed"], true);
    assert_eq!(
        verdict_of(&app, &hank, &one, pipeline(&reference_pipeline())).await["passed"],
        true
    );
    assert_eq!(
        board(&app, None).await.1,
        vec![
            row("Globex One", 1, 2, 300),
            row("Acme Rockets", 2, 1, 100),
            row("Globex Two", 3, 0, 0)
        ]
    );

    // Competitors cannot see each other's work; coaches see only the teams they coach.
    for (who, team) in [(&hank, &rockets), (&alice, &one), (&coach, &two)] {
        let peek = app
            .get_as(
                &who.access_token,
                &format!("/api/v1/teams/{team}/submissions"),
            )
            .await;
        assert_eq!(peek.status(), 404);
    }
    let coached = app
        .get_as(
            &coach.access_token,
            &format!("/api/v1/teams/{rockets}/submissions"),
        )
        .await;
    assert_eq!(coached.status(), 200);
    let stolen = submit(
        &app,
        &hank.access_token,
        &rockets,
        &pipeline(&reference_pipeline()),
    )
    .await;
    assert_eq!(stolen.status(), 404, "submitting for another team");

    // Acme's manifest carries a key the validator refuses by default …
    let extended = format!(
        "{}\n[pipeline.labels]\nsite = \"lyon\"\n",
        reference_pipeline()
    );
    let extended = extended.replacen("[pipeline]\n", "[pipeline]\nowner = \"acme\"\n", 1);
    let refused = verdict_of(&app, &alice, &rockets, pipeline(&extended)).await;
    assert_eq!(refused["passed"], false, "{refused}");
    // … the organizer decides such keys are fine for this event, and rejudges.
    expect(
        app.send(
            reqwest::Method::PATCH,
            organizer.token(),
            "/api/v1/events/hack/challenges/pipeline-manifest",
            &json!({ "config": { "allow_unknown_keys": "true" } }),
        )
        .await,
        200,
    )
    .await;
    let report = expect(
        app.post(
            author.token(),
            "/api/v1/events/hack/challenges/pipeline-manifest/rejudge",
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    let changed = report["changed"].as_array().expect("changed");
    assert_eq!(changed.len(), 1, "{report}");
    assert_eq!(changed[0]["team"], rockets.as_str(), "{report}");
    assert_eq!(changed[0]["after"]["passed"], true, "{report}");
    // Same solved count and score: Globex One reached it first.
    assert_eq!(
        board(&app, None).await.1,
        vec![
            row("Globex One", 1, 2, 300),
            row("Acme Rockets", 2, 2, 300),
            row("Globex Two", 3, 0, 0)
        ]
    );

    // The board freezes for the public; the team still sees its verdict; organizers see all.
    expect(
        app.send(
            reqwest::Method::PATCH,
            organizer.token(),
            "/api/v1/events/hack",
            &json!({ "freeze_at": rfc3339(TimeDelta::zero()) }),
        )
        .await,
        200,
    )
    .await;
    let late = solve_first_contact(&app, &ivy, &two).await;
    assert_eq!(
        late["passed"], true,
        "the team sees its own verdict during the freeze"
    );
    let (frozen, public) = board(&app, None).await;
    assert!(frozen);
    assert_eq!(
        public[2],
        row("Globex Two", 3, 0, 0),
        "hidden from the public"
    );
    let (live_frozen, live) = board(&app, organizer.token()).await;
    assert!(!live_frozen);
    assert_eq!(live[2], row("Globex Two", 3, 1, 100));

    // The event ends: submissions are refused and the board unfreezes.
    expect(
        app.send(
            reqwest::Method::PATCH,
            organizer.token(),
            "/api/v1/events/hack",
            &json!({
                "freeze_at": rfc3339(TimeDelta::zero()),
                "ends_at": rfc3339(TimeDelta::zero()),
            }),
        )
        .await,
        200,
    )
    .await;
    let after_end = submit(
        &app,
        &ivy.access_token,
        &two,
        &json!({ "challenge": "first-contact", "answer": "1" }),
    )
    .await;
    assert_eq!(after_end.status(), 409, "no submissions after the end");
    assert_eq!(
        board(&app, None).await,
        (
            false,
            vec![
                row("Globex One", 1, 2, 300),
                row("Acme Rockets", 2, 2, 300),
                row("Globex Two", 3, 1, 100)
            ]
        )
    );
}
