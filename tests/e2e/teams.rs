//! Teams: forming and joining with invite codes, coaches, listings — and participants of
//! competing companies ("Acme" and "Globex") trying to reach each other's team.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    events::{body, create_event, event_as, grant, hours_from_now, refusal, register_for},
    harness::{Account, TestApp},
};

backend_tests!(
    participants_form_and_join_teams,
    team_size_limit_is_enforced,
    competitors_cannot_reach_each_others_teams,
    coaches_are_assigned_by_organizers_and_see_only_their_teams,
    organizers_of_one_event_cannot_reach_another_events_teams,
    teams_freeze_when_the_event_ends,
);

/// Creates team `name` in `slug` as `account`; returns the team.
async fn create_team(app: &TestApp, account: &Account, slug: &str, name: &str) -> Value {
    let response = create_team_response(app, account, slug, name).await;
    assert_eq!(response.status(), 201, "create team {name}");
    body(response).await
}

async fn create_team_response(
    app: &TestApp,
    account: &Account,
    slug: &str,
    name: &str,
) -> Response {
    app.post(
        account.token(),
        &format!("/api/v1/events/{slug}/teams"),
        &json!({ "name": name }),
    )
    .await
}

async fn join(app: &TestApp, account: &Account, team_id: &str, code: &str) -> Response {
    app.post(
        account.token(),
        &format!("/api/v1/teams/{team_id}/members"),
        &json!({ "invite_code": code }),
    )
    .await
}

async fn team_as(app: &TestApp, account: &Account, team_id: &str) -> Response {
    app.get_as(&account.access_token, &format!("/api/v1/teams/{team_id}"))
        .await
}

async fn assign_coach(app: &TestApp, account: &Account, team_id: &str, user_id: &str) -> Response {
    app.post(
        account.token(),
        &format!("/api/v1/teams/{team_id}/coaches"),
        &json!({ "user_id": user_id }),
    )
    .await
}

/// The user ids of a team's `members` or `coaches`.
fn ids(team: &Value, field: &str) -> Vec<String> {
    team[field]
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["user_id"].as_str().expect("user_id").to_owned())
        .collect()
}

/// The team's members as its organizer sees them.
async fn members_seen_by(app: &TestApp, organizer: &Account, team_id: &str) -> Vec<String> {
    let response = team_as(app, organizer, team_id).await;
    assert_eq!(response.status(), 200);
    ids(&body(response).await, "members")
}

/// An event `slug` with `participants` registered.
async fn event_with(
    app: &TestApp,
    organizer: &Account,
    slug: &str,
    overrides: Value,
    participants: &[&Account],
) {
    create_event(app, organizer, slug, overrides).await;
    for participant in participants {
        assert_eq!(register_for(app, participant, slug, None).await, 201);
    }
}

async fn participants_form_and_join_teams(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let bob = app.register("bob@acme.example", "Acme").await;
    let carol = app.register("carol@acme.example", "Acme").await;
    event_with(
        &app,
        &organizer,
        "team-hack",
        json!({}),
        &[&alice, &bob, &carol],
    )
    .await;

    // The board is read (and cached) before any team exists…
    let board = body(app.get("/api/v1/events/team-hack/leaderboard").await).await;
    assert_eq!(board["rows"], json!([]), "{board}");
    let rockets = create_team(&app, &alice, "team-hack", "  Rockets ").await;
    // …and shows the new team right away.
    let board = body(app.get("/api/v1/events/team-hack/leaderboard").await).await;
    assert_eq!(board["rows"][0]["team"]["name"], "Rockets", "{board}");
    let id = rockets["id"].as_str().expect("id").to_owned();
    let code = rockets["invite_code"].as_str().expect("code").to_owned();
    assert_eq!(rockets["name"], "Rockets");
    assert_eq!(code.len(), 10);
    assert_eq!(ids(&rockets, "members"), [alice.id.as_str()]);
    assert_eq!(rockets["members"][0]["display_name"], "alice");
    assert_eq!(rockets["coaches"], json!([]));
    assert_eq!(rockets["event"]["slug"], "team-hack");
    assert_eq!(rockets["event"]["team_size_max"], 4);

    // Bob joins with the code (whitespace around it is forgiven).
    let joined = join(&app, &bob, &id, &format!(" {code} ")).await;
    assert_eq!(joined.status(), 201);
    assert_eq!(
        ids(&body(joined).await, "members"),
        [alice.id.as_str(), bob.id.as_str()]
    );
    let seen = team_as(&app, &bob, &id).await;
    assert_eq!(seen.status(), 200);
    let seen = body(seen).await;
    assert_eq!(seen["invite_code"], code.as_str());
    assert_eq!(
        event_as(&app, &bob, "team-hack").await["me"]["team_id"],
        id.as_str()
    );

    // One team per person per event, unique names, sane names.
    let response = create_team_response(&app, &alice, "team-hack", "Second").await;
    assert_eq!(refusal(response).await, (409, "already_in_team".to_owned()));
    let response = join(&app, &bob, &id, &code).await;
    assert_eq!(refusal(response).await, (409, "already_in_team".to_owned()));
    let response = create_team_response(&app, &carol, "team-hack", "Rockets").await;
    assert_eq!(refusal(response).await, (409, "team_name_taken".to_owned()));
    let response = create_team_response(&app, &carol, "team-hack", " ").await;
    assert_eq!(
        refusal(response).await,
        (400, "invalid_team_name".to_owned())
    );
    let response = create_team_response(&app, &carol, "team-hack", &"x".repeat(61)).await;
    assert_eq!(
        refusal(response).await,
        (400, "invalid_team_name".to_owned())
    );
    let comets = create_team(&app, &carol, "team-hack", "Comets").await;
    let comets_id = comets["id"].as_str().expect("id");
    // Carol, now in Comets, cannot also join Rockets.
    let response = join(&app, &carol, &id, &code).await;
    assert_eq!(refusal(response).await, (409, "already_in_team".to_owned()));
    assert_eq!(
        members_seen_by(&app, &organizer, &id).await,
        [alice.id.as_str(), bob.id.as_str()]
    );
    assert_eq!(
        members_seen_by(&app, &organizer, comets_id).await,
        [carol.id.as_str()]
    );

    // Unregistered users can neither create nor join.
    let dan = app.register("dan@acme.example", "Acme").await;
    let response = create_team_response(&app, &dan, "team-hack", "Dan's").await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = join(&app, &dan, &id, &code).await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    assert_eq!(members_seen_by(&app, &organizer, &id).await.len(), 2);
    let response = create_team_response(&app, &dan, "no-such-hack", "Dan's").await;
    assert_eq!(response.status(), 404);
    let response = app
        .post(
            None,
            "/api/v1/events/team-hack/teams",
            &json!({"name": "Anon"}),
        )
        .await;
    assert_eq!(response.status(), 401);
}

async fn team_size_limit_is_enforced(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let bob = app.register("bob@acme.example", "Acme").await;
    let carol = app.register("carol@acme.example", "Acme").await;
    event_with(
        &app,
        &organizer,
        "pairs",
        json!({"team_size_max": 2}),
        &[&alice, &bob, &carol],
    )
    .await;
    let team = create_team(&app, &alice, "pairs", "Duo").await;
    let (id, code) = (
        team["id"].as_str().expect("id"),
        team["invite_code"].as_str().expect("code"),
    );
    assert_eq!(join(&app, &bob, id, code).await.status(), 201);
    let response = join(&app, &carol, id, code).await;
    assert_eq!(refusal(response).await, (409, "team_full".to_owned()));
    assert_eq!(
        members_seen_by(&app, &organizer, id).await,
        [alice.id.as_str(), bob.id.as_str()]
    );
    assert!(event_as(&app, &carol, "pairs").await["me"]["team_id"].is_null());

    // Racing for the last seats: a team of 2 with one member takes exactly one more.
    let racers = [
        app.register("r1@globex.example", "Globex").await,
        app.register("r2@globex.example", "Globex").await,
        app.register("r3@globex.example", "Globex").await,
        app.register("r4@globex.example", "Globex").await,
    ];
    for racer in &racers {
        assert_eq!(register_for(&app, racer, "pairs", None).await, 201);
    }
    let race = create_team(&app, &racers[0], "pairs", "Race").await;
    let (race_id, race_code) = (
        race["id"].as_str().expect("id"),
        race["invite_code"].as_str().expect("code"),
    );
    let statuses: Vec<u16> = futures_util::future::join_all(
        racers[1..]
            .iter()
            .map(|racer| join(&app, racer, race_id, race_code)),
    )
    .await
    .iter()
    .map(|r| r.status().as_u16())
    .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(members_seen_by(&app, &organizer, race_id).await.len(), 2);

    // Raising the limit lets Carol in.
    let response = app
        .send(
            Method::PATCH,
            organizer.token(),
            "/api/v1/events/pairs",
            &json!({"team_size_max": 3}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(join(&app, &carol, id, code).await.status(), 201);
}

async fn competitors_cannot_reach_each_others_teams(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let gina = app.register("gina@globex.example", "Globex").await;
    let gus = app.register("gus@globex.example", "Globex").await;
    event_with(
        &app,
        &organizer,
        "open-hack",
        json!({}),
        &[&alice, &gina, &gus],
    )
    .await;
    let acme = create_team(&app, &alice, "open-hack", "Acme Team").await;
    let globex = create_team(&app, &gina, "open-hack", "Globex Team").await;
    let (acme_id, acme_code) = (
        acme["id"].as_str().expect("id"),
        acme["invite_code"].as_str().expect("code"),
    );
    let (globex_id, globex_code) = (
        globex["id"].as_str().expect("id"),
        globex["invite_code"].as_str().expect("code"),
    );

    // Alice cannot read Globex's team: the same 404 as for a team that does not exist.
    let hidden = refusal(team_as(&app, &alice, globex_id).await).await;
    let missing =
        refusal(team_as(&app, &alice, "0190aaaa-0000-7000-8000-000000000000").await).await;
    assert_eq!(hidden, (404, "not_found".to_owned()));
    assert_eq!(hidden, missing);
    let response = team_as(&app, &gina, acme_id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));

    // Gus (Globex, no team yet) tries to get into Acme's team without its code: every wrong
    // code looks exactly like an unknown team, so codes and ids cannot be probed.
    for code in [
        "",
        "wrong-code",
        globex_code,
        acme_code.to_uppercase().as_str(),
        &acme_code[..9],
    ] {
        let wrong = join(&app, &gus, acme_id, code).await;
        let wrong_body = body(wrong).await;
        let unknown = join(&app, &gus, "0190aaaa-0000-7000-8000-000000000000", code).await;
        assert_eq!(unknown.status(), 404);
        assert_eq!(wrong_body, body(unknown).await, "code {code:?}");
        assert_eq!(wrong_body["error"]["code"], "not_found");
    }
    // A code of another team does not open this one either, even for its own members.
    let response = join(&app, &alice, globex_id, acme_code).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    let response = app
        .post(
            alice.token(),
            &format!("/api/v1/teams/{globex_id}/members"),
            &json!({"invite_code": globex_code, "user_id": gus.id}),
        )
        .await;
    assert_eq!(refusal(response).await, (400, "invalid_json".to_owned()));

    // Participants cannot list teams nor assign coaches to their own or others' teams.
    let response = app
        .get_as(&alice.access_token, "/api/v1/events/open-hack/teams")
        .await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = assign_coach(&app, &alice, acme_id, &alice.id).await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = assign_coach(&app, &alice, globex_id, &alice.id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));

    // Nothing changed.
    assert_eq!(
        members_seen_by(&app, &organizer, acme_id).await,
        [alice.id.as_str()]
    );
    assert_eq!(
        members_seen_by(&app, &organizer, globex_id).await,
        [gina.id.as_str()]
    );
    let acme_now = body(team_as(&app, &organizer, acme_id).await).await;
    assert_eq!(acme_now["coaches"], json!([]));
    assert!(event_as(&app, &gus, "open-hack").await["me"]["team_id"].is_null());

    // With the right code, Gus joins Globex's team.
    assert_eq!(join(&app, &gus, globex_id, globex_code).await.status(), 201);
}

async fn coaches_are_assigned_by_organizers_and_see_only_their_teams(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let olivia = app.register("olivia@vendor.example", "Vendor").await;
    let eve = app.register("eve@vendor.example", "Vendor").await;
    let ed = app.register("ed@vendor.example", "Vendor").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let gina = app.register("gina@globex.example", "Globex").await;
    event_with(&app, &organizer, "coach-hack", json!({}), &[&alice, &gina]).await;
    assert_eq!(
        grant(&app, &organizer, "coach-hack", &olivia.id, "organizer")
            .await
            .status(),
        201
    );
    assert_eq!(
        grant(&app, &olivia, "coach-hack", &eve.id, "engineer")
            .await
            .status(),
        201
    );
    assert_eq!(
        grant(&app, &olivia, "coach-hack", &ed.id, "engineer")
            .await
            .status(),
        201
    );
    let acme = create_team(&app, &alice, "coach-hack", "Acme Team").await;
    let globex = create_team(&app, &gina, "coach-hack", "Globex Team").await;
    let acme_id = acme["id"].as_str().expect("id");
    let globex_id = globex["id"].as_str().expect("id");

    // Olivia (an event organizer) assigns Eve to Acme and Ed to Globex.
    let assigned = assign_coach(&app, &olivia, acme_id, &eve.id).await;
    assert_eq!(assigned.status(), 201);
    let assigned = body(assigned).await;
    assert_eq!(ids(&assigned, "coaches"), [eve.id.as_str()]);
    assert_eq!(assigned["coaches"][0]["display_name"], "eve");
    assert_eq!(
        assign_coach(&app, &olivia, acme_id, &eve.id).await.status(),
        200
    );
    assert_eq!(
        assign_coach(&app, &organizer, globex_id, &ed.id)
            .await
            .status(),
        201
    );

    // Only engineers of the event coach; unknown users are 404.
    let response = assign_coach(&app, &olivia, acme_id, &gina.id).await;
    assert_eq!(refusal(response).await, (409, "not_an_engineer".to_owned()));
    let response = assign_coach(&app, &olivia, acme_id, &olivia.id).await;
    assert_eq!(refusal(response).await, (409, "not_an_engineer".to_owned()));
    let response = assign_coach(&app, &olivia, acme_id, "no-such-user").await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    // A coach cannot bring in another coach.
    let response = assign_coach(&app, &eve, acme_id, &ed.id).await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));

    // Eve sees Acme's team and nothing of Globex's.
    let seen = team_as(&app, &eve, acme_id).await;
    assert_eq!(seen.status(), 200);
    let seen = body(seen).await;
    assert_eq!(ids(&seen, "members"), [alice.id.as_str()]);
    assert_eq!(ids(&seen, "coaches"), [eve.id.as_str()]);
    let response = team_as(&app, &eve, globex_id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    let response = assign_coach(&app, &eve, globex_id, &eve.id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));

    // Listings: organizers see every team, engineers the teams they coach.
    let all = app
        .get_as(&olivia.access_token, "/api/v1/events/coach-hack/teams")
        .await;
    assert_eq!(all.status(), 200);
    let all = body(all).await;
    let names: Vec<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Acme Team", "Globex Team"]);
    assert_eq!(ids(&all[0], "members"), [alice.id.as_str()]);
    assert_eq!(ids(&all[0], "coaches"), [eve.id.as_str()]);
    assert_eq!(ids(&all[1], "members"), [gina.id.as_str()]);
    assert_eq!(ids(&all[1], "coaches"), [ed.id.as_str()]);
    let mine = body(
        app.get_as(&eve.access_token, "/api/v1/events/coach-hack/teams")
            .await,
    )
    .await;
    let mine = mine.as_array().expect("array");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], acme_id);

    // An engineer without teams lists nothing; one without the role is refused.
    let ivy = app.register("ivy@vendor.example", "Vendor").await;
    assert_eq!(
        grant(&app, &olivia, "coach-hack", &ivy.id, "engineer")
            .await
            .status(),
        201
    );
    let none = body(
        app.get_as(&ivy.access_token, "/api/v1/events/coach-hack/teams")
            .await,
    )
    .await;
    assert_eq!(none, json!([]));
    let response = team_as(&app, &ivy, acme_id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));

    // Unassigning: Ed loses Globex's team.
    let path = format!("/api/v1/teams/{globex_id}/coaches/{}", ed.id);
    let response = app
        .send(Method::DELETE, eve.token(), &path, &json!({}))
        .await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    let response = app
        .send(Method::DELETE, olivia.token(), &path, &json!({}))
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(team_as(&app, &ed, globex_id).await.status(), 404);
    let response = app
        .send(Method::DELETE, olivia.token(), &path, &json!({}))
        .await;
    assert_eq!(response.status(), 404);

    // Revoking Eve's engineer role ends her coaching and her access.
    let revoke = format!("/api/v1/events/coach-hack/roles/{}/engineer", eve.id);
    let response = app
        .send(Method::DELETE, olivia.token(), &revoke, &json!({}))
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(team_as(&app, &eve, acme_id).await.status(), 404);
    let acme_now = body(team_as(&app, &olivia, acme_id).await).await;
    assert_eq!(acme_now["coaches"], json!([]));

    // A participant in a team keeps the participant role.
    let revoke = format!("/api/v1/events/coach-hack/roles/{}/participant", alice.id);
    let response = app
        .send(Method::DELETE, organizer.token(), &revoke, &json!({}))
        .await;
    assert_eq!(refusal(response).await, (409, "member_of_team".to_owned()));
}

async fn organizers_of_one_event_cannot_reach_another_events_teams(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let olivia = app.register("olivia@vendor.example", "Vendor").await;
    let eve = app.register("eve@vendor.example", "Vendor").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let gina = app.register("gina@globex.example", "Globex").await;
    event_with(&app, &organizer, "event-x", json!({}), &[&alice]).await;
    event_with(&app, &organizer, "event-y", json!({}), &[&gina]).await;
    assert_eq!(
        grant(&app, &organizer, "event-x", &olivia.id, "organizer")
            .await
            .status(),
        201
    );
    assert_eq!(
        grant(&app, &organizer, "event-y", &eve.id, "engineer")
            .await
            .status(),
        201
    );
    let x_team = create_team(&app, &alice, "event-x", "X Team").await;
    let y_team = create_team(&app, &gina, "event-y", "Y Team").await;
    let (x_id, x_code) = (
        x_team["id"].as_str().expect("id"),
        x_team["invite_code"].as_str().expect("code"),
    );
    let y_id = y_team["id"].as_str().expect("id");

    assert_eq!(team_as(&app, &olivia, x_id).await.status(), 200);
    let response = team_as(&app, &olivia, y_id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    let response = assign_coach(&app, &olivia, y_id, &eve.id).await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    let response = app
        .get_as(&olivia.access_token, "/api/v1/events/event-y/teams")
        .await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let unassign = format!("/api/v1/teams/{y_id}/coaches/{}", eve.id);
    let response = app
        .send(Method::DELETE, olivia.token(), &unassign, &json!({}))
        .await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));
    // An engineer of Y cannot coach X's team, nor can a participant of Y join it.
    let response = assign_coach(&app, &olivia, x_id, &eve.id).await;
    assert_eq!(refusal(response).await, (409, "not_an_engineer".to_owned()));
    let response = join(&app, &gina, x_id, x_code).await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));

    let y_now = body(team_as(&app, &organizer, y_id).await).await;
    assert_eq!(ids(&y_now, "members"), [gina.id.as_str()]);
    assert_eq!(y_now["coaches"], json!([]));
    assert_eq!(
        members_seen_by(&app, &organizer, x_id).await,
        [alice.id.as_str()]
    );
}

async fn teams_freeze_when_the_event_ends(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let bob = app.register("bob@acme.example", "Acme").await;
    event_with(
        &app,
        &organizer,
        "short-hack",
        json!({"starts_at": hours_from_now(-3), "ends_at": hours_from_now(1)}),
        &[&alice, &bob],
    )
    .await;
    let team = create_team(&app, &alice, "short-hack", "Late").await;
    let (id, code) = (
        team["id"].as_str().expect("id"),
        team["invite_code"].as_str().expect("code"),
    );
    // The organizer moves the end into the past.
    let response = app
        .send(
            Method::PATCH,
            organizer.token(),
            "/api/v1/events/short-hack",
            &json!({"ends_at": hours_from_now(-1)}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(body(response).await["phase"], "ended");
    let response = join(&app, &bob, id, code).await;
    assert_eq!(refusal(response).await, (409, "event_ended".to_owned()));
    let response = create_team_response(&app, &bob, "short-hack", "Later").await;
    assert_eq!(refusal(response).await, (409, "event_ended".to_owned()));
    // The team stays readable.
    assert_eq!(
        members_seen_by(&app, &organizer, id).await,
        [alice.id.as_str()]
    );
}
