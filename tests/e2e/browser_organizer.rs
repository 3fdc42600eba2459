//! The organizer's page at 50 teams in Chromium (`tests/browser/organizer_full.mjs`): an event
//! of three companies seeded through the API; the organizer searches a team, filters to the
//! teams without a coach, coaches several at once, moves a person and merges two teams,
//! reorders the ladder, is asked to confirm a rejudge, and edits then deletes an announcement
//! that an open workspace shows — all without the page navigating or losing its place. What
//! the browser did is then read back through the API.

use cohack_server::models::role::EventRole;
use serde_json::{Value, json};

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, expect, first_contact_answer, materials, publish_all, running_event, submit,
        user_with_role,
    },
    harness::{Account, Backend, TestApp},
};

const COMPANIES: [&str; 3] = ["Acme Foods", "Borealis", "Cygnus"];
const TEAMS: usize = 50;
/// Teams that already have a coach when the organizer arrives.
const COACHED: usize = 10;

/// A participant registered (account and event) through the API.
async fn participant(app: &TestApp, event: &TestEvent, name: &str, company: &str) -> Account {
    let account = app
        .register(
            &format!("{name}@{}.example", company.replace(' ', "")),
            company,
        )
        .await;
    expect(
        app.post(
            account.token(),
            &format!("/api/v1/events/{}/registrations", event.slug),
            &json!({}),
        )
        .await,
        201,
    )
    .await;
    account
}

/// `name` of team `i`: `Borealis 17`.
fn team_name(i: usize) -> String {
    format!(
        "{} {:02}",
        COMPANIES[i % 3].split(' ').next().unwrap_or(""),
        i + 1
    )
}

async fn team_of(app: &TestApp, event: &TestEvent, team_id: &str) -> Value {
    expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{team_id}"),
        )
        .await,
        200,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizer_runs_fifty_teams_without_losing_the_place() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let event = running_event(&app, "fullsize").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let organizer = event.organizer.token();
    let erin = user_with_role(&app, &event, "erin", EventRole::Engineer).await;
    let eve = user_with_role(&app, &event, "eve", EventRole::Engineer).await;

    let mut teams = Vec::new();
    let mut captains = Vec::new();
    for i in 0..TEAMS {
        let company = COMPANIES[i % 3];
        let captain = participant(&app, &event, &format!("p{:02}", i + 1), company).await;
        let made = expect(
            app.post(
                captain.token(),
                &format!("/api/v1/events/{}/teams", event.slug),
                &json!({ "name": team_name(i) }),
            )
            .await,
            201,
        )
        .await;
        let id = made["id"].as_str().expect("team id").to_owned();
        if i < COACHED {
            expect(
                app.post(
                    organizer,
                    &format!("/api/v1/teams/{id}/coaches"),
                    &json!({ "user_id": erin.id }),
                )
                .await,
                201,
            )
            .await;
        }
        teams.push(id);
        captains.push(captain);
    }
    // Zoe sits in team 1 by mistake; she belongs in team 2.
    let zoe = participant(&app, &event, "zoe", "Acme Foods").await;
    expect(
        app.post(
            organizer,
            &format!("/api/v1/teams/{}/members", teams[0]),
            &json!({ "user_id": zoe.id }),
        )
        .await,
        201,
    )
    .await;
    // Team 1 solves the first challenge: it is "in progress".
    let own = expect(
        materials(&app, &captains[0].access_token, &teams[0], "first-contact").await,
        200,
    )
    .await;
    let solved = submit(
        &app,
        &captains[0].access_token,
        &teams[0],
        &json!({"challenge": "first-contact", "answer": first_contact_answer(&own)}),
    )
    .await;
    assert_eq!(expect(solved, 201).await["verdict"]["passed"], true);
    let announcement = expect(
        app.post(
            organizer,
            &format!("/api/v1/events/{}/announcements", event.slug),
            &json!({ "text": "Lunch is at **12:00** in the atrium." }),
        )
        .await,
        201,
    )
    .await;

    // Two one-person teams of the same company are merged in the browser.
    let (merge_from, merge_into) = (TEAMS - 1, TEAMS - 4);
    run_scenario(
        &app,
        "organizer_full",
        &json!({
            "slug": event.slug,
            "organizer": event.organizer.email,
            "teams": teams.len(),
            "coached": COACHED,
            "search": team_name(16),
            "search_team": teams[16],
            "eve_id": eve.id,
            "zoe": "zoe",
            "zoe_from": team_name(0),
            "zoe_into": team_name(1),
            "zoe_into_id": teams[1],
            "merge_from": team_name(merge_from),
            "merge_from_id": teams[merge_from],
            "merge_into": team_name(merge_into),
            "merge_into_id": teams[merge_into],
            "busy_team_id": teams[2],
            "member": captains[0].email,
            "member_team": teams[0],
            "announcement": announcement["id"],
        }),
    )
    .await;

    // What the browser did is what the API sees.
    let listed = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/teams", event.slug),
        )
        .await,
        200,
    )
    .await;
    let listed = listed.as_array().expect("teams");
    assert_eq!(listed.len(), TEAMS - 1, "two teams merged into one");
    assert!(listed.iter().all(|t| t["id"] != teams[merge_from].as_str()));
    let merged = team_of(&app, &event, &teams[merge_into]).await;
    assert_eq!(
        merged["members"].as_array().map(Vec::len),
        Some(2),
        "{merged}"
    );
    let into = team_of(&app, &event, &teams[1]).await;
    assert!(
        into["members"]
            .as_array()
            .expect("members")
            .iter()
            .any(|m| m["user_id"] == zoe.id.as_str()),
        "zoe moved: {into}"
    );
    let coached_by_eve = listed
        .iter()
        .filter(|t| {
            t["coaches"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["user_id"] == eve.id.as_str()))
        })
        .count();
    assert_eq!(coached_by_eve, 3, "eve coaches the three teams selected");
    let ladder = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/challenges", event.slug),
        )
        .await,
        200,
    )
    .await;
    let order: Vec<&str> = ladder["challenges"]
        .as_array()
        .expect("challenges")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(order, ["pipeline-manifest", "first-contact"], "{ladder}");
    let left = expect(
        app.get(&format!("/api/v1/events/{}/announcements", event.slug))
            .await,
        200,
    )
    .await;
    let left: Vec<&str> = left
        .as_array()
        .expect("announcements")
        .iter()
        .map(|a| a["text"].as_str().expect("text"))
        .collect();
    assert_eq!(
        left,
        ["Demos start at **16:00**."],
        "the first was deleted, the one posted after stays"
    );
}
