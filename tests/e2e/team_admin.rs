//! Changing teams after they formed, as people at a real event need to: a participant who
//! made a team by mistake leaves it and joins the right one; organizers move people, rename,
//! merge and delete teams, each refused with its own reason when it would break a rule; and
//! portal organizers merge two spellings of one company, which the cliffs report then counts
//! as one.

use reqwest::Method;
use serde_json::{Value, json};

use cohack_server::models::role::EventRole;

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, expect, publish_all, running_event, submit, team, user_with_role,
    },
    harness::{Account, TestApp},
};

backend_tests!(
    a_participant_leaves_a_mistaken_team_and_joins_the_right_one,
    organizers_move_people_between_teams,
    teams_are_renamed_by_members_and_organizers_only,
    teams_merge_and_delete_only_without_work_and_within_the_limit,
    merged_organizations_count_as_one_in_the_cliffs_report,
);

/// Requests made as one account.
struct By<'a> {
    app: &'a TestApp,
    who: &'a Account,
}

fn by<'a>(app: &'a TestApp, who: &'a Account) -> By<'a> {
    By { app, who }
}

impl By<'_> {
    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.app
            .send(Method::POST, self.who.token(), path, &body)
            .await
    }

    async fn patch(&self, path: &str, body: Value) -> reqwest::Response {
        self.app
            .send(Method::PATCH, self.who.token(), path, &body)
            .await
    }

    async fn delete(&self, path: &str) -> reqwest::Response {
        self.app
            .send(Method::DELETE, self.who.token(), path, &Value::Null)
            .await
    }
}

async fn code_of(app: &TestApp, member: &Account, team_id: &str) -> String {
    let team = expect(
        app.get_as(&member.access_token, &format!("/api/v1/teams/{team_id}"))
            .await,
        200,
    )
    .await;
    team["invite_code"]
        .as_str()
        .expect("invite code")
        .to_owned()
}

async fn members_of(app: &TestApp, event: &TestEvent, team_id: &str) -> Vec<String> {
    let team = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{team_id}"),
        )
        .await,
        200,
    )
    .await;
    team["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["user_id"].as_str().expect("user id").to_owned())
        .collect()
}

/// A wrong answer to first-contact, so that the team has work.
async fn fail_once(app: &TestApp, member: &Account, team_id: &str) {
    let response = submit(
        app,
        &member.access_token,
        team_id,
        &json!({"challenge": "first-contact", "answer": "0"}),
    )
    .await;
    assert!(response.status().is_success(), "{}", response.status());
}

async fn error_code(response: reqwest::Response, status: u16) -> String {
    let body = expect(response, status).await;
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn a_participant_leaves_a_mistaken_team_and_joins_the_right_one(app: TestApp) {
    let event = running_event(&app, "mistake").await;
    let (alice, right) = team(&app, &event, "alice").await;
    let (bob, wrong) = team(&app, &event, "bob").await;
    let code = code_of(&app, &alice, &right).await;

    // While in his mistaken team, Bob cannot join the right one.
    let joined = by(&app, &bob)
        .post(
            &format!("/api/v1/teams/{right}/members"),
            json!({"invite_code": code}),
        )
        .await;
    assert_eq!(error_code(joined, 409).await, "already_in_team");

    // He leaves; the team had no work and nobody else, so it is gone, board row and all.
    let left = by(&app, &bob)
        .delete(&format!("/api/v1/teams/{wrong}/members/{}", bob.id))
        .await;
    assert_eq!(left.status(), 204);
    let gone = app
        .get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{wrong}"),
        )
        .await;
    assert_eq!(gone.status(), 404);
    let board = expect(app.get("/api/v1/events/mistake/leaderboard").await, 200).await;
    assert!(
        !board.to_string().contains(&wrong),
        "the deleted team left the board: {board}"
    );

    let joined = by(&app, &bob)
        .post(
            &format!("/api/v1/teams/{right}/members"),
            json!({"invite_code": code}),
        )
        .await;
    expect(joined, 201).await;
    assert_eq!(
        members_of(&app, &event, &right).await,
        [alice.id.clone(), bob.id.clone()]
    );

    // Leaving twice is a 404 (no longer a member, so no longer sees the team); another
    // member cannot take Alice out; a stranger learns nothing.
    let carol = user_with_role(&app, &event, "carol", EventRole::Participant).await;
    let removed = by(&app, &bob)
        .delete(&format!("/api/v1/teams/{right}/members/{}", alice.id))
        .await;
    assert_eq!(removed.status(), 403);
    let stranger = by(&app, &carol)
        .delete(&format!("/api/v1/teams/{right}/members/{}", alice.id))
        .await;
    assert_eq!(stranger.status(), 404);

    // A team with work keeps its record when its last member leaves.
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (dave, worked) = team(&app, &event, "dave").await;
    fail_once(&app, &dave, &worked).await;
    let left = by(&app, &dave)
        .delete(&format!("/api/v1/teams/{worked}/members/{}", dave.id))
        .await;
    assert_eq!(left.status(), 204);
    assert!(members_of(&app, &event, &worked).await.is_empty());
    assert_eq!(
        app.get_as(&dave.access_token, &format!("/api/v1/teams/{worked}"))
            .await
            .status(),
        404
    );
}

async fn organizers_move_people_between_teams(app: TestApp) {
    let event = running_event(&app, "moves").await;
    let (alice, a) = team(&app, &event, "alice").await;
    let (bob, b) = team(&app, &event, "bob").await;
    let coach_b = coach(&app, &event, &b, "coachb").await;
    let path = format!("/api/v1/teams/{a}/members");

    // Only organizers move people: a member and a coach are refused.
    let by_member = by(&app, &alice)
        .post(&path, json!({"user_id": bob.id}))
        .await;
    assert_eq!(by_member.status(), 403);
    let by_coach = by(&app, &coach_b)
        .post(
            &format!("/api/v1/teams/{b}/members"),
            json!({"user_id": alice.id}),
        )
        .await;
    assert_eq!(by_coach.status(), 403);

    let moved = expect(
        by(&app, &event.organizer)
            .post(&path, json!({"user_id": bob.id}))
            .await,
        201,
    )
    .await;
    assert_eq!(moved["members"].as_array().expect("members").len(), 2);
    // Bob's old team was empty without work: it is gone, and his coach's view with it.
    assert_eq!(
        app.get_as(&event.organizer.access_token, &format!("/api/v1/teams/{b}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get_as(&bob.access_token, &format!("/api/v1/teams/{a}"))
            .await
            .status(),
        200
    );

    // Again: already there. Someone who is not a participant: refused with the reason.
    let again = by(&app, &event.organizer)
        .post(&path, json!({"user_id": bob.id}))
        .await;
    assert_eq!(error_code(again, 409).await, "already_in_team");
    let author = user_with_role(&app, &event, "author", EventRole::Author).await;
    let not_participant = by(&app, &event.organizer)
        .post(&path, json!({"user_id": author.id}))
        .await;
    assert_eq!(error_code(not_participant, 409).await, "not_participant");
    let unknown = by(&app, &event.organizer)
        .post(&path, json!({"user_id": "nobody"}))
        .await;
    assert_eq!(unknown.status(), 404);

    // The size limit holds (5 in these events).
    for name in ["p3", "p4", "p5"] {
        let person = user_with_role(&app, &event, name, EventRole::Participant).await;
        expect(
            by(&app, &event.organizer)
                .post(&path, json!({"user_id": person.id}))
                .await,
            201,
        )
        .await;
    }
    let sixth = user_with_role(&app, &event, "p6", EventRole::Participant).await;
    let full = by(&app, &event.organizer)
        .post(&path, json!({"user_id": sixth.id}))
        .await;
    assert_eq!(error_code(full, 409).await, "team_full");

    // An organizer removes a member.
    let removed = by(&app, &event.organizer)
        .delete(&format!("/api/v1/teams/{a}/members/{}", bob.id))
        .await;
    assert_eq!(removed.status(), 204);
    assert!(!members_of(&app, &event, &a).await.contains(&bob.id));
    // A body that is neither a join nor a move.
    let neither = by(&app, &event.organizer)
        .post(&path, json!({"user_id": bob.id, "invite_code": "x"}))
        .await;
    assert_eq!(error_code(neither, 400).await, "invalid_json");
}

async fn teams_are_renamed_by_members_and_organizers_only(app: TestApp) {
    let event = running_event(&app, "names").await;
    let (alice, a) = team(&app, &event, "alice").await;
    let (_bob, _b) = team(&app, &event, "bob").await;
    let coach_a = coach(&app, &event, &a, "coacha").await;
    let path = format!("/api/v1/teams/{a}");

    let renamed = expect(
        by(&app, &alice)
            .patch(&path, json!({"name": " Rocket Team "}))
            .await,
        200,
    )
    .await;
    assert_eq!(renamed["name"], "Rocket Team");
    let board = expect(app.get("/api/v1/events/names/leaderboard").await, 200).await;
    assert!(
        board.to_string().contains("Rocket Team"),
        "the board shows the new name: {board}"
    );

    let taken = by(&app, &event.organizer)
        .patch(&path, json!({"name": "bob"}))
        .await;
    assert_eq!(error_code(taken, 409).await, "team_name_taken");
    let blank = by(&app, &alice).patch(&path, json!({"name": " "})).await;
    assert_eq!(error_code(blank, 400).await, "invalid_team_name");
    let by_coach = by(&app, &coach_a)
        .patch(&path, json!({"name": "Coached"}))
        .await;
    assert_eq!(by_coach.status(), 403);
    expect(
        by(&app, &event.organizer)
            .patch(&path, json!({"name": "Blue"}))
            .await,
        200,
    )
    .await;
}

async fn teams_merge_and_delete_only_without_work_and_within_the_limit(app: TestApp) {
    let event = running_event(&app, "merges").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (alice, a) = team(&app, &event, "alice").await;
    let (bob, b) = team(&app, &event, "bob").await;
    let coach_b = coach(&app, &event, &b, "coachb").await;

    // Not into itself, not into another event's team, not by a member.
    let itself = by(&app, &event.organizer)
        .post(&format!("/api/v1/teams/{b}/merge"), json!({"into": b}))
        .await;
    assert_eq!(error_code(itself, 400).await, "invalid_merge");
    let other = running_event(&app, "elsewhere").await;
    let (_carol, c) = team(&app, &other, "carol").await;
    let across = by(&app, &event.organizer)
        .post(&format!("/api/v1/teams/{b}/merge"), json!({"into": c}))
        .await;
    assert_eq!(error_code(across, 404).await, "not_found");
    let by_member = by(&app, &bob)
        .post(&format!("/api/v1/teams/{b}/merge"), json!({"into": a}))
        .await;
    assert_eq!(by_member.status(), 403);

    // Bob's team merges into Alice's: members and coach move, the team is gone.
    let merged = expect(
        by(&app, &event.organizer)
            .post(&format!("/api/v1/teams/{b}/merge"), json!({"into": a}))
            .await,
        200,
    )
    .await;
    assert_eq!(merged["id"], a.as_str());
    assert_eq!(
        members_of(&app, &event, &a).await,
        [alice.id.clone(), bob.id.clone()]
    );
    assert_eq!(merged["coaches"][0]["user_id"], coach_b.id.as_str());
    assert_eq!(
        app.get_as(&event.organizer.access_token, &format!("/api/v1/teams/{b}"))
            .await
            .status(),
        404
    );

    // A team with work is not merged away; beyond the size limit is refused.
    let (dave, d) = team(&app, &event, "dave").await;
    fail_once(&app, &dave, &d).await;
    let worked = by(&app, &event.organizer)
        .post(&format!("/api/v1/teams/{d}/merge"), json!({"into": a}))
        .await;
    assert_eq!(error_code(worked, 409).await, "team_has_work");
    let (_erin, e) = team(&app, &event, "erin").await;
    let path = format!("/api/v1/teams/{e}/members");
    for name in ["e2", "e3", "e4"] {
        let person = user_with_role(&app, &event, name, EventRole::Participant).await;
        expect(
            by(&app, &event.organizer)
                .post(&path, json!({"user_id": person.id}))
                .await,
            201,
        )
        .await;
    }
    let too_big = by(&app, &event.organizer)
        .post(&format!("/api/v1/teams/{e}/merge"), json!({"into": a}))
        .await;
    assert_eq!(error_code(too_big, 409).await, "team_full");

    // Deleting: not with members, not with work.
    let not_empty = by(&app, &event.organizer)
        .delete(&format!("/api/v1/teams/{e}"))
        .await;
    assert_eq!(error_code(not_empty, 409).await, "team_not_empty");
    let left = by(&app, &dave)
        .delete(&format!("/api/v1/teams/{d}/members/{}", dave.id))
        .await;
    assert_eq!(left.status(), 204);
    let with_work = by(&app, &event.organizer)
        .delete(&format!("/api/v1/teams/{d}"))
        .await;
    assert_eq!(error_code(with_work, 409).await, "team_has_work");
    let by_coach = by(&app, &coach_b)
        .delete(&format!("/api/v1/teams/{a}"))
        .await;
    assert_eq!(by_coach.status(), 403);
}

async fn merged_organizations_count_as_one_in_the_cliffs_report(app: TestApp) {
    let event = running_event(&app, "acme").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let mut ids = Vec::new();
    for (email, organization, name) in [
        ("ann@acme.example", "Acme Foods", "Ann's"),
        ("ben@acme.example", "Acme Foods Ltd", "Ben's"),
    ] {
        let person = app.register(email, organization).await;
        expect(
            app.post(
                person.token(),
                "/api/v1/events/acme/registrations",
                &json!({}),
            )
            .await,
            201,
        )
        .await;
        let created = expect(
            app.post(
                person.token(),
                "/api/v1/events/acme/teams",
                &json!({"name": name}),
            )
            .await,
            201,
        )
        .await;
        let team_id = created["id"].as_str().expect("team id").to_owned();
        for _ in 0..3 {
            fail_once(&app, &person, &team_id).await;
        }
        ids.push(person.organization_id.clone());
    }
    let organizer = &event.organizer;
    let cliff = |report: &Value| report["cliffs"][0]["organizations_affected"].clone();
    let path = "/api/v1/events/acme/insights";
    let before = expect(app.get_as(&organizer.access_token, path).await, 200).await;
    assert_eq!(cliff(&before), 2, "{before}");

    // Only portal organizers see and merge organizations.
    let ann = app.login("ann@acme.example").await;
    assert_eq!(
        app.get_as(&ann.access_token, "/api/v1/organizations")
            .await
            .status(),
        403
    );
    let all = expect(
        app.get_as(&organizer.access_token, "/api/v1/organizations")
            .await,
        200,
    )
    .await;
    let names: Vec<&str> = all
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(
        names.contains(&"Acme Foods") && names.contains(&"Acme Foods Ltd"),
        "{all}"
    );

    let merged = expect(
        app.post(
            organizer.token(),
            &format!("/api/v1/organizations/{}/merge", ids[1]),
            &json!({"into": ids[0]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(merged["moved"], 1);
    assert_eq!(merged["organization"]["name"], "Acme Foods");
    assert_eq!(merged["organization"]["members"], 2);
    let after = expect(app.get_as(&organizer.access_token, path).await, 200).await;
    assert_eq!(cliff(&after), 1, "{after}");
    let me = expect(
        app.get_as(
            &app.login("ben@acme.example").await.access_token,
            "/api/v1/me",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(me["organization"]["name"], "Acme Foods", "{me}");

    // Renaming to a taken name says to merge; into itself or nowhere is refused.
    let renamed = app
        .send(
            Method::PATCH,
            organizer.token(),
            &format!("/api/v1/organizations/{}", ids[0]),
            &json!({"name": "Vendor"}),
        )
        .await;
    assert_eq!(error_code(renamed, 409).await, "organization_name_taken");
    let renamed = expect(
        app.send(
            Method::PATCH,
            organizer.token(),
            &format!("/api/v1/organizations/{}", ids[0]),
            &json!({"name": "ACME Foods Inc."}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(renamed["name"], "ACME Foods Inc.");
    let itself = app
        .post(
            organizer.token(),
            &format!("/api/v1/organizations/{}/merge", ids[0]),
            &json!({"into": ids[0]}),
        )
        .await;
    assert_eq!(error_code(itself, 400).await, "invalid_merge");
    let nowhere = app
        .post(
            organizer.token(),
            &format!("/api/v1/organizations/{}/merge", ids[0]),
            &json!({"into": "no-such-organization"}),
        )
        .await;
    assert_eq!(error_code(nowhere, 404).await, "not_found");
    let gone = app
        .post(
            organizer.token(),
            &format!("/api/v1/organizations/{}/merge", ids[1]),
            &json!({"into": ids[0]}),
        )
        .await;
    assert_eq!(gone.status(), 404);
}
