//! The organizer's page at 50 teams in Chromium (`tests/browser/organizer_full.mjs`): an event
//! of three companies seeded through the API; the organizer searches a team, filters to the
//! teams without a coach, coaches several at once, moves a person and merges two teams,
//! reorders the ladder, is asked to confirm a rejudge, and edits then deletes an announcement
//! that an open workspace shows — all without the page navigating or losing its place. What
//! the browser did is then read back through the API.

use cohack_server::models::role::EventRole;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, expect, first_contact_answer, materials, publish_all, running_event, submit,
        user_with_role,
    },
    harness::{Account, Backend, TestApp},
    plain_browser::PlainBrowser,
};

backend_tests!(the_organizers_forms_work_without_javascript);

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

/// Where a 303 sends the browser.
fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The same forms with scripts off: each redirects back to its place on the page (`#team-…`),
/// filters are a `GET`, a refusal is the page with its reason, a rejudge without its box ticked
/// runs nothing, and a participant or coach posting them is refused.
async fn the_organizers_forms_work_without_javascript(app: TestApp) {
    let event = running_event(&app, "plain-manage").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let eve = user_with_role(&app, &event, "eve", EventRole::Engineer).await;
    let mut teams = Vec::new();
    let mut people = Vec::new();
    for i in 0..4 {
        let captain = participant(&app, &event, &format!("q{i}"), COMPANIES[i % 3]).await;
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
        teams.push(made["id"].as_str().expect("id").to_owned());
        people.push(captain);
    }
    let announcement = expect(
        app.post(
            event.organizer.token(),
            &format!("/api/v1/events/{}/announcements", event.slug),
            &json!({ "text": "Welcome" }),
        )
        .await,
        201,
    )
    .await;
    let slug = event.slug.clone();
    let manage = format!("/events/{slug}/manage");
    let mut organizer = PlainBrowser::sign_in(&app, &event.organizer.email).await;

    // Filters: the rows left out are hidden by the server; participants only on request.
    let page = organizer
        .page(&format!("{manage}?q={}", team_name(1).replace(' ', "+")))
        .await;
    assert!(page.contains(&format!("id=\"team-{}\" data-team-row", teams[1])));
    assert_eq!(page.matches("data-team-row").count(), 4);
    assert!(
        page.matches(" hidden>").count() >= 3,
        "the other teams are hidden"
    );
    assert!(
        page.contains("<span data-teams-shown>1</span> of 4 teams shown"),
        "{page}"
    );
    let staff = organizer.page(&manage).await;
    let shown = |page: &str| -> usize {
        page.split("<span data-roles-shown>")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .and_then(|n| n.parse().ok())
            .expect("a count of people shown")
    };
    assert!(
        (1..=2).contains(&shown(&staff)),
        "staff only (the organizers, eve): {}",
        shown(&staff)
    );
    let everyone = organizer.page(&format!("{manage}?who=q2")).await;
    assert_eq!(shown(&everyone), 1, "a search finds participants");

    // One coach for two teams, back at the teams.
    let bulk = organizer
        .submit(
            &format!("{manage}/coaches/bulk"),
            &[
                ("user_id", eve.id.as_str()),
                ("team_id", teams[0].as_str()),
                ("team_id", teams[2].as_str()),
            ],
        )
        .await;
    assert_eq!(bulk.status(), 303);
    assert_eq!(
        location(&bulk),
        format!("{manage}?done=coaches#teams-heading")
    );
    for (team, coached) in [(0, true), (1, false), (2, true)] {
        let view = team_of(&app, &event, &teams[team]).await;
        assert_eq!(
            view["coaches"].as_array().map(Vec::len) == Some(1),
            coached,
            "{view}"
        );
    }

    // Move, rename, merge: each back at its team.
    let moved = organizer
        .submit(
            &format!("{manage}/teams/move"),
            &[
                ("team_id", teams[1].as_str()),
                ("user_id", people[3].id.as_str()),
            ],
        )
        .await;
    assert_eq!(
        location(&moved),
        format!("{manage}?done=moved#team-{}", teams[1])
    );
    let renamed = organizer
        .submit(
            &format!("{manage}/teams/rename"),
            &[("team_id", teams[1].as_str()), ("name", "Borealis United")],
        )
        .await;
    assert_eq!(
        location(&renamed),
        format!("{manage}?done=renamed#team-{}", teams[1])
    );
    assert_eq!(
        team_of(&app, &event, &teams[1]).await["name"],
        "Borealis United"
    );
    let merged = organizer
        .submit(
            &format!("{manage}/teams/merge"),
            &[("team_id", teams[2].as_str()), ("into", teams[0].as_str())],
        )
        .await;
    assert_eq!(
        location(&merged),
        format!("{manage}?done=merged#team-{}", teams[0])
    );
    assert_eq!(
        team_of(&app, &event, &teams[0]).await["members"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // A refusal: deleting a team with members is the page again, with the reason.
    let refused = organizer
        .submit(
            &format!("{manage}/teams/delete"),
            &[("team_id", teams[0].as_str())],
        )
        .await;
    assert_eq!(refused.status(), 409);
    let body = refused.text().await.expect("html");
    assert!(
        body.contains("class=\"form-error\" role=\"alert\""),
        "{body}"
    );

    // The ladder: a title, then the order.
    let titled = organizer
        .submit(
            &format!("{manage}/ladder"),
            &[
                ("challenge", "first-contact"),
                ("title", "Say hello"),
                ("always_open", "on"),
            ],
        )
        .await;
    assert_eq!(
        location(&titled),
        format!("{manage}?done=ladder#challenge-first-contact")
    );
    let down = organizer
        .submit(
            &format!("{manage}/ladder/move"),
            &[("challenge", "first-contact"), ("direction", "down")],
        )
        .await;
    assert_eq!(down.status(), 303);
    let ladder = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{slug}/challenges"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ladder["challenges"][1]["slug"], "first-contact", "{ladder}");
    assert_eq!(ladder["challenges"][1]["title"], "Say hello");
    assert_eq!(ladder["challenges"][1]["always_open"], true);
    let edge = organizer
        .submit(
            &format!("{manage}/ladder/move"),
            &[("challenge", "first-contact"), ("direction", "down")],
        )
        .await;
    assert_eq!(edge.status(), 409, "already at the bottom");

    // A rejudge without its box ticked runs nothing; ticked, it runs.
    let unconfirmed = organizer
        .submit(
            &format!("{manage}/ladder/rejudge"),
            &[("challenge", "first-contact")],
        )
        .await;
    assert_eq!(unconfirmed.status(), 422);
    assert!(
        unconfirmed
            .text()
            .await
            .expect("html")
            .contains("nothing was rejudged")
    );
    let confirmed = organizer
        .submit(
            &format!("{manage}/ladder/rejudge"),
            &[("challenge", "first-contact"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(
        location(&confirmed),
        format!("{manage}?done=rejudged#challenge-first-contact")
    );

    // Announcements: edited, then deleted.
    let id = announcement["id"].as_str().expect("id");
    let edited = organizer
        .submit(
            &format!("{manage}/announcements/edit"),
            &[("id", id), ("text", "Welcome, all")],
        )
        .await;
    assert_eq!(
        location(&edited),
        format!("{manage}?done=announcement_edited#announcement-{id}")
    );
    let deleted = organizer
        .submit(&format!("{manage}/announcements/delete"), &[("id", id)])
        .await;
    assert_eq!(deleted.status(), 303);
    let list = expect(
        app.get(&format!("/api/v1/events/{slug}/announcements"))
            .await,
        200,
    )
    .await;
    assert_eq!(list, json!([]));

    // A participant and a coach posting the organizer's forms are refused (a member may rename
    // their own team, as in the workspace, but not another).
    let mut member = PlainBrowser::sign_in(&app, &people[1].email).await;
    member.page(&format!("/events/{slug}")).await;
    let refused = member
        .submit(
            &format!("{manage}/teams/rename"),
            &[("team_id", teams[0].as_str()), ("name", "Mine now")],
        )
        .await;
    assert!(
        matches!(refused.status().as_u16(), 403 | 404),
        "{}",
        refused.status()
    );
    let mut coach = PlainBrowser::sign_in(&app, &eve.email).await;
    coach.page(&format!("/events/{slug}")).await;
    let refused = coach
        .submit(
            &format!("{manage}/coaches/bulk"),
            &[("user_id", eve.id.as_str()), ("team_id", teams[1].as_str())],
        )
        .await;
    assert!(
        matches!(refused.status().as_u16(), 403 | 404),
        "{}",
        refused.status()
    );
    assert_eq!(
        team_of(&app, &event, &teams[1]).await["name"],
        "Borealis United"
    );
    assert_eq!(
        team_of(&app, &event, &teams[1]).await["coaches"],
        json!([]),
        "the coach did not coach themselves"
    );
}
