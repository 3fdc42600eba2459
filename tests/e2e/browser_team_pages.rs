//! A team's own administration and clock in the workspace, in Chromium: leaving, renaming, one invite link, countdowns and the live start.
//!
//! What the server does is tested on both backends (`backend_tests!`): a member leaving and a
//! rename reach the teammates' activity (and a reconnect's history), the team channel carries
//! the clock and its changes, the workspace's rename and leave forms (refusals shown where
//! the forms are; strangers, coaches and forged forms refused), and a team's invite link that
//! registers and joins in one step, also for an invite-only event, registering nobody when
//! the join is refused. The browser scenarios (`tests/browser/team_*.mjs`, SQLite, skipped
//! without Chromium) play it as people do at 1920×1080, with a teammate watching live, and
//! leave their screenshots in `target/screenshots/team/`.

use chrono::{SecondsFormat, TimeDelta, Utc};
use cohack_server::{db::now, models::role::EventRole};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, coach, edit_settings, event_between, expect, publish_all, reschedule,
        running_event, team, user_with_role,
    },
    harness::{Account, PASSWORD, TestApp},
    live_client::connect,
    plain_browser::PlainBrowser,
};

backend_tests!(
    leaving_and_renaming_reach_the_teammates_activity,
    the_team_channel_carries_the_clock_and_its_changes,
    members_rename_and_leave_through_the_workspace_forms,
    a_team_link_registers_and_joins_in_one_step,
);

/// An instant `delta` from now, as the API takes it.
fn rfc3339(delta: TimeDelta) -> String {
    (Utc::now() + delta).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The team's invite code, as a member reads it.
async fn invite_code(app: &TestApp, member: &Account, team_id: &str) -> String {
    let view = expect(
        app.get_as(&member.access_token, &format!("/api/v1/teams/{team_id}"))
            .await,
        200,
    )
    .await;
    view["invite_code"].as_str().expect("code").to_owned()
}

/// `account` joins `team_id` through the API with its code.
async fn join(app: &TestApp, account: &Account, team_id: &str, code: &str) {
    expect(
        app.post(
            account.token(),
            &format!("/api/v1/teams/{team_id}/members"),
            &json!({ "invite_code": code }),
        )
        .await,
        201,
    )
    .await;
}

/// The event as `token`'s holder sees it (`me.roles`, `me.team_id`).
async fn event_seen_by(app: &TestApp, token: &str, slug: &str) -> Value {
    expect(
        app.get_as(token, &format!("/api/v1/events/{slug}")).await,
        200,
    )
    .await
}

async fn leaving_and_renaming_reach_the_teammates_activity(app: TestApp) {
    let event = running_event(&app, "leave-hack").await;
    let (ada, team_id) = team(&app, &event, "ada").await;
    let bob = user_with_role(&app, &event, "bob", EventRole::Participant).await;
    let code = invite_code(&app, &ada, &team_id).await;
    join(&app, &bob, &team_id, &code).await;
    let (carol, carol_team) = team(&app, &event, "carol").await;

    let mut watching = connect(
        &app,
        &format!("/api/v1/teams/{team_id}/ws"),
        Some(&ada.access_token),
    )
    .await;
    watching.expect("hello").await;

    // Strangers cannot rename the team nor take its members out: the same 404 as no team.
    let path = format!("/api/v1/teams/{team_id}");
    let refused = app
        .send(
            Method::PATCH,
            carol.token(),
            &path,
            &json!({"name": "Pwned"}),
        )
        .await;
    assert_eq!(refused.status(), 404);
    let refused = app
        .send(
            Method::DELETE,
            carol.token(),
            &format!("/api/v1/teams/{team_id}/members/{}", bob.id),
            &json!(null),
        )
        .await;
    assert_eq!(refused.status(), 404);
    // A member cannot take another member out either.
    let refused = app
        .send(
            Method::DELETE,
            ada.token(),
            &format!("/api/v1/teams/{team_id}/members/{}", bob.id),
            &json!(null),
        )
        .await;
    assert_eq!(refused.status(), 403);

    // Bob renames the team: Ada hears who renamed it to what.
    let renamed = app
        .send(Method::PATCH, bob.token(), &path, &json!({"name": "Owls"}))
        .await;
    assert_eq!(renamed.status(), 200);
    let item = watching
        .expect_where("activity", |a| a["kind"] == "team_renamed")
        .await;
    assert_eq!(item["name"], "Owls");
    assert_eq!(item["by"]["user_id"], bob.id.as_str());
    assert_eq!(item["by"]["display_name"], "bob");

    // Bob leaves: Ada hears it, and Bob's own socket on the team would close.
    let left = app
        .send(
            Method::DELETE,
            bob.token(),
            &format!("/api/v1/teams/{team_id}/members/{}", bob.id),
            &json!(null),
        )
        .await;
    assert_eq!(left.status(), 204);
    let item = watching
        .expect_where("activity", |a| a["kind"] == "member_left")
        .await;
    assert_eq!(item["user"]["user_id"], bob.id.as_str());
    assert_eq!(item["user"]["display_name"], "bob");
    assert_eq!(item["removed"], false);
    let gone = app
        .get_as(&bob.access_token, &format!("/api/v1/teams/{team_id}"))
        .await;
    assert_eq!(
        gone.status(),
        404,
        "a former member no longer sees the team"
    );

    // An organizer moves Carol into Ada's team: Carol's team (empty, without work) is gone,
    // and Ada's activity says Carol joined.
    let moved = app
        .post(
            event.organizer.token(),
            &format!("/api/v1/teams/{team_id}/members"),
            &json!({"user_id": carol.id}),
        )
        .await;
    assert_eq!(moved.status(), 201);
    watching
        .expect_where("activity", |a| {
            a["kind"] == "member_joined" && a["user"]["user_id"] == carol.id.as_str()
        })
        .await;
    let deleted = app
        .get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{carol_team}"),
        )
        .await;
    assert_eq!(deleted.status(), 404);

    // Whoever connects later reads the same in the history, in order.
    let mut later = connect(
        &app,
        &format!("/api/v1/teams/{team_id}/ws"),
        Some(&carol.access_token),
    )
    .await;
    let history = later.expect("activity_history").await;
    let kinds: Vec<&str> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "member_joined",
            "team_renamed",
            "member_left",
            "member_joined"
        ],
        "{history}"
    );
    app.stop().await;
}

async fn the_team_channel_carries_the_clock_and_its_changes(app: TestApp) {
    let event = running_event(&app, "clock-hack").await;
    let (ada, team_id) = team(&app, &event, "ada").await;
    let mut socket = connect(
        &app,
        &format!("/api/v1/teams/{team_id}/ws"),
        Some(&ada.access_token),
    )
    .await;
    let clock = socket.expect("clock").await;
    assert_eq!(clock["phase"], "running", "{clock}");
    assert!(clock["server_time"].is_string());
    assert!(clock["freeze_at"].is_null());

    // The organizer moves the start an hour ahead: the workspace hears it is upcoming again.
    let starts = rfc3339(TimeDelta::hours(1));
    let changed = app
        .send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"starts_at": starts, "freeze_at": rfc3339(TimeDelta::hours(5))}),
        )
        .await;
    assert_eq!(
        changed.status(),
        200,
        "{}",
        changed.text().await.unwrap_or_default()
    );
    let clock = socket
        .expect_where("clock", |c| c["phase"] == "upcoming")
        .await;
    let pushed = chrono::DateTime::parse_from_rfc3339(clock["starts_at"].as_str().expect("start"))
        .expect("RFC 3339");
    let asked = chrono::DateTime::parse_from_rfc3339(&starts).expect("RFC 3339");
    assert!((pushed - asked).num_seconds().abs() <= 1, "{clock}");
    assert!(clock["freeze_at"].is_string(), "{clock}");
    app.stop().await;
}

async fn members_rename_and_leave_through_the_workspace_forms(app: TestApp) {
    let event = running_event(&app, "forms-hack").await;
    let (ada, team_id) = team(&app, &event, "ada").await;
    let bob = user_with_role(&app, &event, "bob", EventRole::Participant).await;
    let code = invite_code(&app, &ada, &team_id).await;
    join(&app, &bob, &team_id, &code).await;
    team(&app, &event, "Hawks").await;
    let (carol, _) = team(&app, &event, "carol").await;
    let coach = coach(&app, &event, &team_id, "cody").await;
    let workspace = format!("/teams/{team_id}");

    let mut browser = PlainBrowser::sign_in(&app, &bob.email).await;
    let page = browser.page(&workspace).await;
    assert!(page.contains("Rename or leave the team"), "{page}");
    assert!(page.contains(&format!("action=\"/teams/{team_id}/leave\"")));
    assert!(page.contains("id=\"ws-clock\""), "the clock is on the page");

    // Renaming: back to the workspace with the new name and a notice.
    let renamed = browser
        .submit(&format!("/teams/{team_id}/rename"), &[("name", "Owls")])
        .await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    let page = browser.page(&format!("{workspace}?renamed=1")).await;
    assert!(page.contains("<h1 id=\"team-heading\">Owls</h1>"), "{page}");
    assert!(page.contains("Team renamed."));

    // A taken name is refused where the form is, the name sent kept in the field.
    let taken = browser
        .submit(&format!("/teams/{team_id}/rename"), &[("name", "Hawks")])
        .await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let page = taken.text().await.expect("html");
    assert!(page.contains("id=\"team-admin-error\""), "{page}");
    assert!(page.contains("already has this name"), "{page}");
    assert!(page.contains("value=\"Hawks\""));

    // A forged form (no CSRF token) changes nothing.
    let forged = browser
        .post_form(
            &format!("/teams/{team_id}/rename"),
            &[("csrf", "forged"), ("name", "Forged")],
            Some(&app.address),
        )
        .await;
    assert!(forged.status().is_client_error(), "{}", forged.status());

    // Strangers get the 404 of a team that does not exist; a coach cannot leave as a member.
    let mut stranger = PlainBrowser::sign_in(&app, &carol.email).await;
    stranger.page("/").await;
    let refused = stranger
        .submit(&format!("/teams/{team_id}/rename"), &[("name", "Mine")])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let refused = stranger
        .submit(&format!("/teams/{team_id}/leave"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let mut coaching = PlainBrowser::sign_in(&app, &coach.email).await;
    let page = coaching.page(&workspace).await;
    assert!(
        !page.contains("Rename or leave the team"),
        "coaches have no such forms"
    );
    let refused = coaching
        .submit(&format!("/teams/{team_id}/leave"), &[])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Bob leaves and lands on the event's page, where he may start or join another team.
    let left = browser
        .submit(&format!("/teams/{team_id}/leave"), &[])
        .await;
    assert_eq!(left.status(), StatusCode::SEE_OTHER);
    let landing = left
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    assert_eq!(landing, format!("/events/{}", event.slug));
    let page = browser.page(&landing).await;
    assert!(page.contains("Create team"), "{page}");
    assert_eq!(
        browser.get(&workspace).await.status(),
        StatusCode::NOT_FOUND
    );
    let members = expect(
        app.get_as(&ada.access_token, &format!("/api/v1/teams/{team_id}"))
            .await,
        200,
    )
    .await;
    assert_eq!(members["members"].as_array().map(Vec::len), Some(1));
    assert_eq!(members["name"], "Owls");

    // Once the event has ended, nobody leaves: the reason shows beside the forms.
    reschedule(
        &app,
        &event,
        now() - TimeDelta::days(2),
        now() - TimeDelta::hours(1),
    )
    .await;
    let mut last = PlainBrowser::sign_in(&app, &ada.email).await;
    last.page(&workspace).await;
    let refused = last.submit(&format!("/teams/{team_id}/leave"), &[]).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.expect("html");
    assert!(page.contains("the event has ended"), "{page}");
    assert_eq!(last.get(&workspace).await.status(), StatusCode::OK);
    app.stop().await;
}

async fn a_team_link_registers_and_joins_in_one_step(app: TestApp) {
    let event = running_event(&app, "link-hack").await;
    edit_settings(&app, &event, |settings| {
        settings.registration = "invite".into();
        settings.invite_code = Some("secret-42".into());
        settings.team_size_max = 2;
    })
    .await;
    let (ada, team_id) = team(&app, &event, "ada").await;
    let code = invite_code(&app, &ada, &team_id).await;
    let link = format!("/teams/{team_id}/join?code={code}");

    // A guessed code registers nobody and names no team.
    let mut guesser = PlainBrowser::new(&app);
    guesser.sign_up("gus@gus.example", "Gus", "/").await;
    let guessed = guesser
        .submit(&format!("/teams/{team_id}/join"), &[("code", "guess")])
        .await;
    assert_eq!(guessed.status(), StatusCode::NOT_FOUND);
    let gus = app.login("gus@gus.example").await;
    let seen = event_seen_by(&app, &gus.access_token, &event.slug).await;
    assert_eq!(seen["me"]["roles"], json!([]), "{seen}");

    // A newcomer on an invite-only event: the team's link is the whole invitation.
    let mut newcomer = PlainBrowser::new(&app);
    let page = newcomer.page(&link).await;
    assert!(
        page.contains("this link is all the invitation the event needs"),
        "{page}"
    );
    newcomer.sign_up("nia@nia.example", "Nia", &link).await;
    let page = newcomer.page(&link).await;
    assert!(!page.contains("event_invite_code"), "{page}");
    assert!(page.contains("Joining registers you for"), "{page}");
    let joined = newcomer
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    let nia = app.login("nia@nia.example").await;
    let seen = event_seen_by(&app, &nia.access_token, &event.slug).await;
    assert_eq!(seen["me"]["roles"], json!(["participant"]), "{seen}");
    assert_eq!(seen["me"]["team_id"], team_id.as_str());

    // The team is full now: the link says why, and registers nobody.
    let mut late = PlainBrowser::new(&app);
    late.sign_up("lou@lou.example", "Lou", "/").await;
    late.page(&link).await;
    let full = late
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(full.status(), StatusCode::CONFLICT);
    let page = full.text().await.expect("html");
    assert!(page.contains("id=\"join-error\""), "{page}");
    assert!(page.contains("the most this event allows"), "{page}");
    let lou = app.login("lou@lou.example").await;
    let seen = event_seen_by(&app, &lou.access_token, &event.slug).await;
    assert_eq!(
        seen["me"]["roles"],
        json!([]),
        "a refused join registers nobody"
    );

    // Someone already in another team is told so, with the way out.
    let (zoe, _) = team(&app, &event, "zoe").await;
    edit_settings(&app, &event, |settings| settings.team_size_max = 5).await;
    let mut taken = PlainBrowser::sign_in(&app, &zoe.email).await;
    let page = taken.page(&link).await;
    assert!(page.contains("You are in <strong>zoe</strong>"), "{page}");
    let refused = taken
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("already in a team of this event")
    );

    // After the end, the link registers nobody.
    reschedule(
        &app,
        &event,
        now() - TimeDelta::days(2),
        now() - TimeDelta::hours(1),
    )
    .await;
    let ended = late
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(ended.status(), StatusCode::CONFLICT);
    let seen = event_seen_by(&app, &lou.access_token, &event.slug).await;
    assert_eq!(seen["me"]["roles"], json!([]));
    app.stop().await;
}

/// A participant who created a team by mistake leaves it (its creator watching) and joins
/// the right one by its link (its member watching); a member renames the team.
#[tokio::test]
async fn browser_team_a_mistaken_team_is_left_and_the_right_one_joined() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "mistake-hack").await;
    let (ada, right) = team(&app, &event, "owls").await;
    let (zoe, wrong) = team(&app, &event, "mistake").await;
    let max = user_with_role(&app, &event, "max", EventRole::Participant).await;
    let wrong_code = invite_code(&app, &zoe, &wrong).await;
    join(&app, &max, &wrong, &wrong_code).await;
    let right_code = invite_code(&app, &ada, &right).await;
    let fixture = json!({
        "right": right,
        "wrong": wrong,
        "event": event.slug,
        "link": format!("/teams/{right}/join?code={right_code}"),
        "ada": {"email": ada.email, "name": "owls"},
        "zoe": {"email": zoe.email, "name": "mistake"},
        "max": {"email": max.email, "name": "max"},
        "password": PASSWORD,
    });
    run_scenario(&app, "team_leave_and_join", &fixture).await;
    app.stop().await;
}

/// A brand-new person opens a team's link to an invite-only event, signs up, and is in the
/// team's workspace without typing the event's code.
#[tokio::test]
async fn browser_team_invite_link_is_enough_for_an_invite_only_event() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "private-hack").await;
    edit_settings(&app, &event, |settings| {
        settings.registration = "invite".into();
        settings.invite_code = Some("only-for-the-invited".into());
    })
    .await;
    let (ada, team_id) = team(&app, &event, "owls").await;
    let code = invite_code(&app, &ada, &team_id).await;
    let fixture = json!({
        "team": team_id,
        "team_name": "owls",
        "link": format!("/teams/{team_id}/join?code={code}"),
        "newcomer": {"name": "Nadia Newcomer", "email": "nadia@customer.example", "organization": "Customer Corp"},
    });
    run_scenario(&app, "team_invite_only", &fixture).await;
    app.stop().await;
}

/// A workspace open 20 s before the start counts down in the reader's zone and shows the
/// challenges when the event starts, without a reload; the organizer then moves the end close,
/// and the workspace closes submissions when it passes.
#[tokio::test]
async fn browser_team_workspace_opens_at_the_start_without_a_reload() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let at = now();
    let event: TestEvent = event_between(
        &app,
        "start-hack",
        at + TimeDelta::seconds(20),
        at + TimeDelta::hours(8),
    )
    .await;
    edit_settings(&app, &event, move |settings| {
        settings.freeze_at = Some(at + TimeDelta::hours(7));
    })
    .await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let (ada, team_id) = team(&app, &event, "earlybirds").await;
    // Publishing compiles validators, which on a loaded machine can outlast the 20 s: the start
    // is counted from now, when the browser is about to open the workspace.
    edit_settings(&app, &event, move |settings| {
        settings.starts_at = now() + TimeDelta::seconds(20);
    })
    .await;
    let fixture = json!({
        "team": team_id,
        "event": event.slug,
        "email": ada.email,
        "organizer_token": event.organizer.access_token,
    });
    run_scenario(&app, "team_clock", &fixture).await;
    app.stop().await;
}

/// Two instances on one PostgreSQL database: a workspace open on B hears a rename and a
/// member leaving made through A, and the schedule an organizer moves through A.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_changes_and_the_clock_cross_instances() {
    let Some(a) = TestApp::spawn(crate::harness::Backend::Postgres).await else {
        return;
    };
    let b = a.spawn_sibling(|_| {}).await;
    let event = running_event(&a, "twin-hack").await;
    let (ada, team_id) = team(&a, &event, "ada").await;
    let bob = user_with_role(&a, &event, "bob", EventRole::Participant).await;
    let code = invite_code(&a, &ada, &team_id).await;
    join(&a, &bob, &team_id, &code).await;

    let mut on_b = connect(
        &b,
        &format!("/api/v1/teams/{team_id}/ws"),
        Some(&ada.access_token),
    )
    .await;
    on_b.expect("clock").await;

    let renamed = a
        .send(
            Method::PATCH,
            bob.token(),
            &format!("/api/v1/teams/{team_id}"),
            &json!({"name": "Twins"}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    on_b.expect_where("activity", |i| {
        i["kind"] == "team_renamed" && i["name"] == "Twins"
    })
    .await;
    let left = a
        .send(
            Method::DELETE,
            bob.token(),
            &format!("/api/v1/teams/{team_id}/members/{}", bob.id),
            &json!(null),
        )
        .await;
    assert_eq!(left.status(), 204);
    on_b.expect_where("activity", |i| {
        i["kind"] == "member_left" && i["user"]["user_id"] == bob.id.as_str()
    })
    .await;

    let moved = a
        .send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"starts_at": rfc3339(TimeDelta::hours(2))}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    on_b.expect_where("clock", |c| c["phase"] == "upcoming")
        .await;
    b.stop().await;
    a.stop().await;
}
