//! Browser tests of the big screen and the staff pages (organizer, coach, author), in real
//! headless Chromium (`tests/browser/{board,organizer,coach,author}.mjs`), plus HTTP checks on
//! both databases: what the big screen must never show (post-freeze solves), and every staff
//! page and form working without JavaScript.

use chrono::TimeDelta;
use cohack_server::{db::now, models::role::EventRole};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, coach, edit_settings, event_between, expect, first_contact_answer, materials,
        publish, publish_all, running_event, submit, team, upload, user_with_role,
    },
    harness::{Backend, TestApp},
    plain_browser::PlainBrowser,
};

backend_tests!(staff_pages_work_without_javascript);

async fn sqlite_app() -> TestApp {
    TestApp::spawn(Backend::Sqlite).await.expect("sqlite app")
}

/// The right and a wrong answer to `first-contact` for a team.
async fn answers(app: &TestApp, token: &str, team_id: &str) -> (String, String) {
    let own = expect(materials(app, token, team_id, "first-contact").await, 200).await;
    let right = first_contact_answer(&own);
    let wrong = (right.parse::<u32>().expect("a number") + 1).to_string();
    (right, wrong)
}

/// Submits an answer to `first-contact` and returns whether it passed.
async fn answer(app: &TestApp, token: &str, team_id: &str, answer: &str) -> bool {
    let body = expect(
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
    body["verdict"]["passed"] == true
}

async fn announce(app: &TestApp, event: &TestEvent, text: &str) {
    expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}/announcements", event.slug),
            &json!({ "text": text }),
        )
        .await,
        201,
    )
    .await;
}

/// Sets the event's freeze time.
async fn set_freeze(app: &TestApp, event: &TestEvent, freeze_at: chrono::NaiveDateTime) {
    edit_settings(app, event, move |settings| {
        settings.freeze_at = Some(freeze_at)
    })
    .await;
    app.state.leaderboard.invalidate(&event.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn board_updates_live_without_a_reload() {
    if !browser_available() {
        return;
    }
    let app = sqlite_app().await;
    let event = running_event(&app, "bigscreen").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let (acme, acme_team) = team(&app, &event, "Acme").await;
    let (borealis, borealis_team) = team(&app, &event, "Borealis").await;
    let (cobalt, cobalt_team) = team(&app, &event, "Cobalt").await;
    // Borealis solves first; Cobalt tries and fails; Acme has not started.
    let (right, _) = answers(&app, &borealis.access_token, &borealis_team).await;
    assert!(answer(&app, &borealis.access_token, &borealis_team, &right).await);
    let (_, wrong) = answers(&app, &cobalt.access_token, &cobalt_team).await;
    assert!(!answer(&app, &cobalt.access_token, &cobalt_team, &wrong).await);
    let (acme_right, _) = answers(&app, &acme.access_token, &acme_team).await;
    announce(&app, &event, "Lunch is served in **hall B**.").await;

    run_scenario(
        &app,
        "board",
        &json!({
            "slug": event.slug,
            "team_names": ["Acme", "Borealis", "Cobalt"],
            "team": acme_team,
            "token": acme.access_token,
            "answer": acme_right,
            "leader": borealis_team,
            "trier": cobalt_team,
        }),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn board_does_not_leak_solves_after_the_freeze() {
    let app = sqlite_app().await;
    let at = now();
    let event = event_between(
        &app,
        "frozenboard",
        at - TimeDelta::hours(2),
        at + TimeDelta::hours(2),
    )
    .await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (early, early_team) = team(&app, &event, "Early").await;
    let (late, late_team) = team(&app, &event, "Late").await;
    let (right, _) = answers(&app, &early.access_token, &early_team).await;
    assert!(answer(&app, &early.access_token, &early_team, &right).await);
    set_freeze(&app, &event, now()).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let (late_right, _) = answers(&app, &late.access_token, &late_team).await;
    assert!(answer(&app, &late.access_token, &late_team, &late_right).await);

    let html = app
        .get(&format!("/events/{}/board", event.slug))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains("Board frozen"), "{html}");
    let late_row = html
        .split(&format!("data-team=\"{late_team}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the late team's row");
    assert!(
        late_row.contains("data-state=\"untouched\""),
        "a post-freeze solve leaked: {late_row}"
    );
    let early_row = html
        .split(&format!("data-team=\"{early_team}\""))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the early team's row");
    assert!(early_row.contains("data-state=\"first\""), "{early_row}");

    let state: Value = app
        .get(&format!("/events/{}/board/state", event.slug))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(state["frozen"], true);
    assert!(state["attempted"].get(&late_team).is_none(), "{state}");
    assert_eq!(state["attempted"][&early_team], json!(["first-contact"]));

    // The live page keeps to the frozen view too.
    if browser_available() {
        run_scenario(
            &app,
            "board_frozen",
            &json!({ "slug": event.slug, "early": early_team, "late": late_team }),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organizer_manages_the_event_in_the_browser() {
    if !browser_available() {
        return;
    }
    let app = sqlite_app().await;
    let event = running_event(&app, "managed").await;
    publish_all(&app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let (member, team_id) = team(&app, &event, "acme").await;
    let (_, _) = team(&app, &event, "borealis").await;
    let engineer = user_with_role(&app, &event, "erin", EventRole::Engineer).await;
    let author = app.register("ada@vendor.example", "Vendor").await;

    run_scenario(
        &app,
        "organizer",
        &json!({
            "slug": event.slug,
            "organizer": event.organizer.email,
            "participant": member.email,
            "team": team_id,
            "team_name": "acme",
            "member_token": member.access_token,
            "engineer_id": engineer.id,
            "author_email": author.email,
        }),
    )
    .await;

    // What the browser did is what the API sees.
    let view = expect(
        app.get(&format!("/api/v1/events/{}", event.slug)).await,
        200,
    )
    .await;
    assert_eq!(view["name"], "Hack Renamed");
    let coaches = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{team_id}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        coaches["coaches"][0]["user_id"],
        json!(engineer.id),
        "{coaches}"
    );
}

/// One clock: readers in Paris and New York see every time in their own zone, named, and a
/// schedule entered in Paris time is stored as the right UTC instants
/// (`tests/browser/time_zones.mjs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_read_and_entered_in_the_readers_time_zone() {
    if !browser_available() {
        return;
    }
    let app = sqlite_app().await;
    let event = running_event(&app, "clocks").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (member, team_id) = team(&app, &event, "acme").await;
    let (_, wrong) = answers(&app, &member.access_token, &team_id).await;
    assert!(!answer(&app, &member.access_token, &team_id, &wrong).await);
    announce(&app, &event, "Dinner at **seven**, Paris time.").await;
    let view = expect(
        app.get(&format!("/api/v1/events/{}", event.slug)).await,
        200,
    )
    .await;

    run_scenario(
        &app,
        "time_zones",
        &json!({
            "slug": event.slug,
            "organizer": event.organizer.email,
            "member": member.email,
            "member_token": member.access_token,
            "team": team_id,
            "starts_at": view["starts_at"],
            "ends_at": view["ends_at"],
        }),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coach_sees_raised_hands_on_top() {
    if !browser_available() {
        return;
    }
    let app = sqlite_app().await;
    let event = running_event(&app, "coached").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (acme, acme_team) = team(&app, &event, "acme").await;
    let (borealis, borealis_team) = team(&app, &event, "borealis").await;
    let carol = coach(&app, &event, &acme_team, "carol").await;
    expect(
        app.post(
            Some(&event.organizer.access_token),
            &format!("/api/v1/teams/{borealis_team}/coaches"),
            &json!({ "user_id": carol.id }),
        )
        .await,
        201,
    )
    .await;
    expect(
        app.post(
            Some(&acme.access_token),
            &format!("/api/v1/teams/{acme_team}/help-calls"),
            &json!({ "context": "Which log file has the device ids?" }),
        )
        .await,
        201,
    )
    .await;

    run_scenario(
        &app,
        "coach",
        &json!({
            "coach": carol.email,
            "acme": acme_team,
            "borealis": borealis_team,
            "borealis_token": borealis.access_token,
        }),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn author_rejudges_and_sees_the_report() {
    if !browser_available() {
        return;
    }
    let app = sqlite_app().await;
    let event = running_event(&app, "authored").await;
    let ada = user_with_role(&app, &event, "ada", EventRole::Author).await;
    // Ada publishes challenge 1; the organizer publishes challenge 2 (not Ada's).
    expect(
        publish(
            &app,
            &ada.access_token,
            &event.slug,
            &upload("01-first-contact"),
            "",
        )
        .await,
        201,
    )
    .await;
    publish_all(&app, &event, &["02-pipeline-manifest"]).await;
    let (acme, acme_team) = team(&app, &event, "acme").await;
    let (right, wrong) = answers(&app, &acme.access_token, &acme_team).await;
    assert!(!answer(&app, &acme.access_token, &acme_team, &wrong).await);
    assert!(answer(&app, &acme.access_token, &acme_team, &right).await);

    run_scenario(
        &app,
        "author",
        &json!({ "slug": event.slug, "author": ada.email }),
    )
    .await;
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn staff_pages_work_without_javascript(app: TestApp) {
    let event = running_event(&app, "plain").await;
    let ada = user_with_role(&app, &event, "ada", EventRole::Author).await;
    expect(
        publish(
            &app,
            &ada.access_token,
            &event.slug,
            &upload("01-first-contact"),
            "",
        )
        .await,
        201,
    )
    .await;
    publish_all(&app, &event, &["02-pipeline-manifest"]).await;
    let (acme, acme_team) = team(&app, &event, "acme").await;
    let carol = coach(&app, &event, &acme_team, "carol").await;
    let erin = user_with_role(&app, &event, "erin", EventRole::Engineer).await;
    let (right, wrong) = answers(&app, &acme.access_token, &acme_team).await;
    assert!(!answer(&app, &acme.access_token, &acme_team, &wrong).await);
    assert!(answer(&app, &acme.access_token, &acme_team, &right).await);
    expect(
        app.post(
            Some(&acme.access_token),
            &format!("/api/v1/teams/{acme_team}/help-calls"),
            &json!({ "context": "Stuck on the manifest" }),
        )
        .await,
        201,
    )
    .await;
    announce(&app, &event, "Welcome!").await;
    let slug = event.slug.clone();

    // The big screen, and the state its script asks for.
    let mut anyone = PlainBrowser::new(&app);
    let board = anyone.page(&format!("/events/{slug}/board")).await;
    assert!(board.contains("data-state=\"first\""), "{board}");
    assert!(board.contains("Welcome!"), "{board}");
    // Without JavaScript every time is in UTC and says so.
    assert!(board.contains(" UTC</time>"), "{board}");
    let state: Value = app
        .get(&format!("/events/{slug}/board/state?v=one"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(state["attempted"][&acme_team], json!(["first-contact"]));
    assert_eq!(state["ladder"][1]["title"], "Plumb the pipeline");

    // The organizer: the page, a setting, a coach, an announcement — all as plain forms.
    let mut organizer = PlainBrowser::sign_in(&app, &event.organizer.email).await;
    let manage = organizer.page(&format!("/events/{slug}/manage")).await;
    assert!(manage.contains("Stuck on the manifest"), "{manage}");
    assert!(manage.contains(">acme</a>"), "{manage}");
    assert!(
        manage.contains("(times in <span data-zone>UTC</span>)"),
        "{manage}"
    );
    assert!(manage.contains(" UTC</time>"), "{manage}");
    let saved = organizer
        .submit(
            &format!("/events/{slug}/manage/settings"),
            &[
                ("name", "Plain Hack"),
                ("description", "No *scripts* needed."),
                ("starts_at", "2020-01-01T09:00"),
                ("ends_at", "2099-01-01T17:00"),
                ("freeze_at", ""),
                ("registration", "invite"),
                ("invite_code", "letmein"),
                ("team_size_min", "1"),
                ("team_size_max", "4"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        location(&saved),
        format!("/events/{slug}/manage?done=settings")
    );
    let view = expect(app.get(&format!("/api/v1/events/{slug}")).await, 200).await;
    assert_eq!(view["name"], "Plain Hack");
    assert_eq!(view["team_size_max"], 4);
    assert_eq!(view["registration"], "invite");
    // A schedule posted without the page script is read as UTC.
    assert_eq!(
        view["starts_at"]
            .as_str()
            .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok()),
        chrono::DateTime::parse_from_rfc3339("2020-01-01T09:00:00Z").ok(),
        "{view}"
    );
    let assigned = organizer
        .submit(
            &format!("/events/{slug}/manage/coaches"),
            &[
                ("team_id", acme_team.as_str()),
                ("user_id", erin.id.as_str()),
            ],
        )
        .await;
    assert_eq!(assigned.status(), 303);
    let granted = organizer
        .submit(
            &format!("/events/{slug}/manage/roles"),
            &[("email", "nobody@nowhere.example"), ("role", "author")],
        )
        .await;
    assert_eq!(granted.status(), 400);
    assert!(
        granted
            .text()
            .await
            .expect("html")
            .contains("ask them to sign up first")
    );
    let announced = organizer
        .submit(
            &format!("/events/{slug}/manage/announcements"),
            &[("text", "Doors close at six")],
        )
        .await;
    assert_eq!(announced.status(), 303);
    let list = expect(
        app.get(&format!("/api/v1/events/{slug}/announcements"))
            .await,
        200,
    )
    .await;
    assert_eq!(list[1]["text"], "Doors close at six");
    let progress: Value = organizer
        .client
        .get(format!("{}/events/{slug}/manage/progress", app.address))
        .header(reqwest::header::COOKIE, organizer.cookie_header())
        .send()
        .await
        .expect("progress")
        .json()
        .await
        .expect("json");
    assert_eq!(progress["board"]["rows"][0]["team"]["name"], "acme");
    let results = organizer
        .get(&format!("/events/{slug}/manage/results.csv"))
        .await;
    assert_eq!(results.status(), 200);
    assert!(results.text().await.expect("csv").starts_with("rank,team,"));

    // The coach sees the raised hand; the author their own challenge and a rejudge report.
    let mut carol_browser = PlainBrowser::sign_in(&app, &carol.email).await;
    let coach_page = carol_browser.page("/coach").await;
    assert!(coach_page.contains("Stuck on the manifest"), "{coach_page}");
    assert!(coach_page.contains(&format!("href=\"/teams/{acme_team}\"")));
    let mut ada_browser = PlainBrowser::sign_in(&app, &ada.email).await;
    let author = ada_browser.page(&format!("/events/{slug}/author")).await;
    assert!(author.contains("First contact"), "{author}");
    assert!(!author.contains("Plumb the pipeline"), "{author}");
    // A rejudge changes every team's verdicts: without the confirming box, nothing runs.
    let unconfirmed = ada_browser
        .submit(&format!("/events/{slug}/author/first-contact/rejudge"), &[])
        .await;
    assert_eq!(unconfirmed.status(), 422);
    let rejudged = ada_browser
        .submit(
            &format!("/events/{slug}/author/first-contact/rejudge"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(rejudged.status(), 200);
    let report = rejudged.text().await.expect("html");
    assert!(report.contains("2 submissions re-run"), "{report}");

    // Nobody else gets in.
    let mut member = PlainBrowser::sign_in(&app, &acme.email).await;
    assert_eq!(
        member.get(&format!("/events/{slug}/manage")).await.status(),
        403
    );
    assert_eq!(
        member.get(&format!("/events/{slug}/author")).await.status(),
        404
    );
    let forged = member
        .submit(
            &format!("/events/{slug}/manage/announcements"),
            &[("text", "I am the organizer now")],
        )
        .await;
    assert_eq!(forged.status(), 403);
    let mut stranger = PlainBrowser::new(&app);
    let refused = stranger.get(&format!("/events/{slug}/manage")).await;
    assert_eq!(refused.status(), 303);
    assert!(location(&refused).starts_with("/signin?next="));
}
