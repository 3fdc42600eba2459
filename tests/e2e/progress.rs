//! Who is stuck (`GET /api/v1/events/{slug}/progress`, the `/events/{slug}/progress` page) and
//! the nudges that tell coaches a team passed a challenge's expected time: who may read it,
//! each status, the order, and a nudge made once per team and challenge (two checks, two
//! instances) whose frame reaches the coach's socket. Time is moved by backdating
//! `challenge_opens.opened_at` through the database, never by waiting.

use chrono::TimeDelta;
use cohack_server::{
    actions::progress::nudge_overdue,
    config::Config,
    db::{
        now,
        schema::{challenge_opens, challenges, live_activity, nudges},
    },
    error::Error,
    models::role::EventRole,
};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, event_between, expect, first_contact_answer, materials, publish_all,
        running_event, submit, team, user_with_role,
    },
    harness::TestApp,
    live_client::connect,
    plain_browser::PlainBrowser,
};

backend_tests!(
    staff_read_progress_and_others_are_refused,
    each_status_and_the_team_most_in_need_on_top,
);

backend_tests!(
    config = fast_nudges;
    a_team_over_its_expected_time_nudges_its_coach_once,
    no_nudge_before_the_start_after_the_end_or_once_solved,
);

/// Nudge checks five times a second.
pub fn fast_nudges(config: &mut Config) {
    config.nudge_check_ms = 200;
}

const CHALLENGE: &str = "first-contact";

/// Sets a challenge's expected minutes (as publishing a manifest with `expected_minutes`
/// does).
pub async fn expect_minutes(app: &TestApp, event: &TestEvent, slug: &str, minutes: i32) {
    let (event_id, slug) = (event.id.clone(), slug.to_owned());
    app.state
        .db
        .write(move |conn| {
            diesel::update(
                challenges::table
                    .filter(challenges::event_id.eq(event_id))
                    .filter(challenges::slug.eq(slug)),
            )
            .set(challenges::expected_minutes.eq(Some(minutes)))
            .execute(conn)
            .map_err(Error::from)
        })
        .await
        .expect("expected minutes set");
}

/// Says that `team_id` first opened the challenge `slug` `minutes` ago.
async fn opened_ago(app: &TestApp, event: &TestEvent, team_id: &str, slug: &str, minutes: i64) {
    opened_at(
        app,
        event,
        team_id,
        slug,
        now() - TimeDelta::minutes(minutes),
    )
    .await;
}

/// Says that `team_id` first opened the challenge `slug` at `at`.
pub async fn opened_at(
    app: &TestApp,
    event: &TestEvent,
    team_id: &str,
    slug: &str,
    at: chrono::NaiveDateTime,
) {
    let (event_id, team_id, slug) = (event.id.clone(), team_id.to_owned(), slug.to_owned());
    app.state
        .db
        .write(move |conn| {
            let challenge_id: String = challenges::table
                .filter(challenges::event_id.eq(event_id))
                .filter(challenges::slug.eq(slug))
                .select(challenges::id)
                .first(conn)
                .map_err(Error::from)?;
            diesel::delete(
                challenge_opens::table
                    .filter(challenge_opens::team_id.eq(&team_id))
                    .filter(challenge_opens::challenge_id.eq(&challenge_id)),
            )
            .execute(conn)?;
            diesel::insert_into(challenge_opens::table)
                .values((
                    challenge_opens::team_id.eq(team_id),
                    challenge_opens::challenge_id.eq(challenge_id),
                    challenge_opens::opened_at.eq(at),
                ))
                .execute(conn)
                .map_err(Error::from)
        })
        .await
        .expect("open backdated");
}

async fn progress(app: &TestApp, token: Option<&str>, slug: &str) -> reqwest::Response {
    let path = format!("/api/v1/events/{slug}/progress");
    match token {
        Some(token) => app.get_as(token, &path).await,
        None => app.get(&path).await,
    }
}

/// The rows of the progress report, by team name.
fn row<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .find(|t| t["team_name"] == name)
        .unwrap_or_else(|| panic!("{name} in {report}"))
}

fn names(report: &Value) -> Vec<String> {
    report["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .map(|t| t["team_name"].as_str().expect("name").to_owned())
        .collect()
}

/// How many nudges and `nudge` activity rows the team has.
async fn nudge_rows(app: &TestApp, team_id: &str) -> (i64, i64) {
    let team_id = team_id.to_owned();
    app.state
        .db
        .run(move |conn| {
            let made: i64 = nudges::table
                .filter(nudges::team_id.eq(&team_id))
                .count()
                .get_result(conn)?;
            let told: i64 = live_activity::table
                .filter(live_activity::team_id.eq(&team_id))
                .filter(live_activity::kind.eq("nudge"))
                .count()
                .get_result(conn)?;
            Ok::<_, Error>((made, told))
        })
        .await
        .expect("nudges counted")
}

async fn staff_read_progress_and_others_are_refused(app: TestApp) {
    let event = running_event(&app, "progress-roles").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (alice, alpha) = team(&app, &event, "alpha").await;
    let (_bob, _beta) = team(&app, &event, "beta").await;
    let carol = coach(&app, &event, &alpha, "carol").await;
    let idle = user_with_role(&app, &event, "dave", EventRole::Engineer).await;

    let all = expect(
        progress(&app, event.organizer.token(), &event.slug).await,
        200,
    )
    .await;
    let mut seen = names(&all);
    seen.sort();
    assert_eq!(seen, ["alpha", "beta"], "an organizer sees every team");
    assert_eq!(all["event"], event.slug.as_str());

    let mine = expect(progress(&app, carol.token(), &event.slug).await, 200).await;
    assert_eq!(
        names(&mine),
        ["alpha"],
        "a coach sees only the teams they coach"
    );
    let none = expect(progress(&app, idle.token(), &event.slug).await, 200).await;
    assert_eq!(names(&none), Vec::<String>::new());

    let refused = expect(progress(&app, alice.token(), &event.slug).await, 403).await;
    assert_eq!(refused["error"]["code"], "forbidden", "{refused}");
    let stranger = app.register("eve@rival.example", "rival").await;
    expect(progress(&app, stranger.token(), &event.slug).await, 403).await;
    expect(progress(&app, None, &event.slug).await, 401).await;
    let missing = expect(progress(&app, carol.token(), "no-such-event").await, 404).await;
    assert_eq!(missing["error"]["code"], "not_found", "{missing}");

    // The page, without JavaScript: the coach's teams; the participant refused.
    let path = format!("/events/{}/progress", event.slug);
    let mut browser = PlainBrowser::sign_in(&app, "carol@carol.example").await;
    let html = browser.page(&path).await;
    assert!(
        html.contains(">alpha</a>") && !html.contains(">beta</a>"),
        "{html}"
    );
    let mut browser = PlainBrowser::sign_in(&app, "alpha@alpha.example").await;
    assert_eq!(browser.get(&path).await.status(), 403);
    let organizer_page = PlainBrowser::new(&app).get(&path).await;
    assert_ne!(organizer_page.status(), 200, "signed out: no page");
}

async fn each_status_and_the_team_most_in_need_on_top(app: TestApp) {
    let event = running_event(&app, "progress-status").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    expect_minutes(&app, &event, CHALLENGE, 30).await;
    let (_idle, _) = team(&app, &event, "idle").await;
    let (busy, busy_id) = team(&app, &event, "busy").await;
    let (failing, failing_id) = team(&app, &event, "failing").await;
    let (_late, late_id) = team(&app, &event, "late").await;
    let (finished, finished_id) = team(&app, &event, "finished").await;

    expect(
        materials(&app, &busy.access_token, &busy_id, CHALLENGE).await,
        200,
    )
    .await;
    expect(
        materials(&app, &failing.access_token, &failing_id, CHALLENGE).await,
        200,
    )
    .await;
    for _ in 0..3 {
        let wrong = json!({"challenge": CHALLENGE, "answer": "999999"});
        let verdict = expect(
            submit(&app, &failing.access_token, &failing_id, &wrong).await,
            201,
        )
        .await;
        assert_eq!(verdict["verdict"]["passed"], false, "{verdict}");
    }
    opened_ago(&app, &event, &late_id, CHALLENGE, 75).await;
    let own = expect(
        materials(&app, &finished.access_token, &finished_id, CHALLENGE).await,
        200,
    )
    .await;
    let right = json!({"challenge": CHALLENGE, "answer": first_contact_answer(&own)});
    expect(
        submit(&app, &finished.access_token, &finished_id, &right).await,
        201,
    )
    .await;

    let report = expect(
        progress(&app, event.organizer.token(), &event.slug).await,
        200,
    )
    .await;
    assert_eq!(row(&report, "idle")["status"], "not_started", "{report}");
    assert_eq!(row(&report, "idle")["challenge"]["slug"], CHALLENGE);
    assert_eq!(row(&report, "busy")["status"], "working", "{report}");
    let failing_row = row(&report, "failing");
    assert_eq!(failing_row["status"], "failing", "{report}");
    assert_eq!(failing_row["failed_in_a_row"], 3);
    assert!(
        failing_row["last_failure"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "the last failing check's message: {failing_row}"
    );
    let late = row(&report, "late");
    assert_eq!(late["status"], "over_time", "{report}");
    // Opened before the start: the clock runs from the start (an hour ago).
    assert!(late["minutes"].as_i64().expect("minutes") >= 59, "{late}");
    assert!(
        late["over_by_minutes"].as_i64().expect("over by") >= 29,
        "{late}"
    );
    assert_eq!(late["challenge"]["expected_minutes"], 30);
    let done = row(&report, "finished");
    assert_eq!(done["status"], "done", "{report}");
    assert_eq!(done["challenge"], Value::Null);
    assert_eq!(done["solved"], 1);

    assert_eq!(
        names(&report),
        ["late", "failing", "busy", "idle", "finished"],
        "over time on top, then failing, working, not started, done"
    );

    // A raised hand comes before everything.
    expect(
        app.post(
            busy.token(),
            &format!("/api/v1/teams/{busy_id}/help-calls"),
            &json!({"context": "stuck on the log format"}),
        )
        .await,
        201,
    )
    .await;
    let report = expect(
        progress(&app, event.organizer.token(), &event.slug).await,
        200,
    )
    .await;
    assert_eq!(names(&report)[0], "busy", "{report}");
    assert_eq!(row(&report, "busy")["open_help_calls"], 1);
    assert!(row(&report, "busy")["hand_raised_at"].is_string());
}

async fn a_team_over_its_expected_time_nudges_its_coach_once(app: TestApp) {
    let event = running_event(&app, "progress-nudge").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (_alice, alpha) = team(&app, &event, "alpha").await;
    let (_bob, beta) = team(&app, &event, "beta").await;
    let carol = coach(&app, &event, &alpha, "carol").await;
    let dan = coach(&app, &event, &beta, "dan").await;
    let ws = format!("/api/v1/events/{}/ws", event.slug);
    let mut carols = connect(&app, &ws, carol.token()).await;
    carols.expect("hello").await;
    let mut dans = connect(&app, &ws, dan.token()).await;
    dans.expect("hello").await;

    // No expectation yet: no nudge however long a team takes.
    opened_ago(&app, &event, &alpha, CHALLENGE, 45).await;
    assert_eq!(nudge_overdue(&app.state).await.expect("checked"), 0);
    assert_eq!(nudge_rows(&app, &alpha).await, (0, 0));

    expect_minutes(&app, &event, CHALLENGE, 30).await;
    let frame = carols
        .expect_where("nudge", |f| f["nudge"]["team_id"] == alpha.as_str())
        .await;
    assert_eq!(frame["nudge"]["team_name"], "alpha");
    assert_eq!(frame["nudge"]["challenge"], CHALLENGE);
    assert_eq!(frame["nudge"]["expected_minutes"], 30);
    assert!(frame["nudge"]["at"].is_string());

    // Checks go on (the task, and two more by hand): still one nudge, one activity.
    assert_eq!(nudge_overdue(&app.state).await.expect("checked"), 0);
    assert_eq!(nudge_overdue(&app.state).await.expect("checked"), 0);
    let later = carols
        .frames_for(std::time::Duration::from_millis(800))
        .await;
    assert!(
        later.iter().all(|f| f["type"] != "nudge"),
        "nudged once: {later:?}"
    );
    assert_eq!(nudge_rows(&app, &alpha).await, (1, 1));
    let others = dans.frames_for(std::time::Duration::from_millis(300)).await;
    assert!(
        others.iter().all(|f| f["type"] != "nudge"),
        "another team's coach is not told: {others:?}"
    );

    // The progress report has it on top, nudged.
    let report = expect(progress(&app, carol.token(), &event.slug).await, 200).await;
    let alpha_row = row(&report, "alpha");
    assert_eq!(alpha_row["status"], "over_time");
    assert!(alpha_row["nudged_at"].is_string(), "{alpha_row}");

    // The coach page shows it.
    let mut browser = PlainBrowser::sign_in(&app, "carol@carol.example").await;
    let html = browser.page("/coach").await;
    assert!(
        html.contains(&format!(r#"data-nudge-team="{alpha}""#)),
        "{html}"
    );

    if app.state.db.backend() == cohack_server::db::Backend::Postgres {
        // A second instance checking the same database nudges nobody again, and a team it
        // finds over time first is nudged once, its frame reaching a coach on either.
        let sibling = app.spawn_sibling(fast_nudges).await;
        let mut dans_there = connect(&sibling, &ws, dan.token()).await;
        dans_there.expect("hello").await;
        assert_eq!(nudge_overdue(&sibling.state).await.expect("checked"), 0);
        opened_ago(&app, &event, &beta, CHALLENGE, 31).await;
        let frame = dans_there
            .expect_where("nudge", |f| f["nudge"]["team_id"] == beta.as_str())
            .await;
        assert_eq!(frame["nudge"]["team_name"], "beta");
        dans.expect_where("nudge", |f| f["nudge"]["team_id"] == beta.as_str())
            .await;
        let _ = dans_there
            .frames_for(std::time::Duration::from_millis(800))
            .await;
        assert_eq!(nudge_rows(&app, &beta).await, (1, 1));
        assert_eq!(nudge_rows(&app, &alpha).await, (1, 1));
    }
}

async fn no_nudge_before_the_start_after_the_end_or_once_solved(app: TestApp) {
    let at = now();
    let upcoming = event_between(
        &app,
        "progress-upcoming",
        at + TimeDelta::hours(1),
        at + TimeDelta::days(1),
    )
    .await;
    let ended = event_between(
        &app,
        "progress-ended",
        at - TimeDelta::days(1),
        at - TimeDelta::hours(1),
    )
    .await;
    let running = running_event(&app, "progress-solved").await;
    let mut teams = Vec::new();
    for event in [&upcoming, &ended, &running] {
        publish_all(&app, event, &["01-first-contact"]).await;
        expect_minutes(&app, event, CHALLENGE, 5).await;
    }
    for (event, name) in [(&upcoming, "soon"), (&ended, "past")] {
        let (_member, id) = team(&app, event, name).await;
        opened_ago(&app, event, &id, CHALLENGE, 120).await;
        teams.push(id);
    }
    let (solver, solver_id) = team(&app, &running, "solver").await;
    let own = expect(
        materials(&app, &solver.access_token, &solver_id, CHALLENGE).await,
        200,
    )
    .await;
    let right = json!({"challenge": CHALLENGE, "answer": first_contact_answer(&own)});
    expect(
        submit(&app, &solver.access_token, &solver_id, &right).await,
        201,
    )
    .await;
    opened_ago(&app, &running, &solver_id, CHALLENGE, 120).await;
    teams.push(solver_id);

    // Several rounds of the task, and one by hand.
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert_eq!(nudge_overdue(&app.state).await.expect("checked"), 0);
    for id in &teams {
        assert_eq!(nudge_rows(&app, id).await, (0, 0), "team {id}");
    }
    let report = expect(
        progress(&app, upcoming.organizer.token(), &upcoming.slug).await,
        200,
    )
    .await;
    assert_eq!(row(&report, "soon")["status"], "not_started", "{report}");
    assert_eq!(row(&report, "soon")["minutes"], 0);
    let report = expect(
        progress(&app, running.organizer.token(), &running.slug).await,
        200,
    )
    .await;
    assert_eq!(row(&report, "solver")["status"], "done", "{report}");
}
