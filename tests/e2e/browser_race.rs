//! The race on the big screen and the author's pictures, in Chromium (`tests/browser/race.mjs`,
//! SQLite, skipped without Chromium).
//!
//! Twelve teams score before the board's freeze (attempts stored through the model layer with
//! chosen times and scores, as the insight tests do: the real judge stamps "now"). The board
//! with `?race=1` shows the top ten's race as one more page of its cycle; the lines' data
//! (`data-series`, `data-last`) must be the public board's top ten. A team then solves for
//! real after the freeze: the race does not move; the organizer ends the event: the race shows
//! the solve. The organizer's author page draws the challenge's charts. Screenshots in
//! `target/screenshots/race/` and `target/screenshots/authors/`.

use chrono::{NaiveDateTime, TimeDelta};
use cohack_server::{
    db::{new_id, now},
    models::{challenge::Challenge, submission::Submission, verdict::Verdict},
};
use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, edit_settings, event_between, expect, first_contact_answer, materials,
        publish_all, team,
    },
    harness::{Backend, TestApp},
};

/// Stores a judged attempt of `team_id` on `first-contact` at `at`.
async fn scored(
    app: &TestApp,
    event: &TestEvent,
    (team_id, user_id): (&str, &str),
    at: NaiveDateTime,
    passed: bool,
    score: i32,
) {
    let (event_id, team_id, user_id) = (event.id.clone(), team_id.to_owned(), user_id.to_owned());
    app.state
        .db
        .write(move |conn| {
            let challenge = Challenge::get_by_slug(conn, &event_id, "first-contact")?;
            let submission = Submission {
                id: new_id(),
                team_id,
                challenge_id: challenge.id.clone(),
                submitted_by: user_id,
                answer: "7".into(),
                status: "pending".into(),
                created_at: at,
                endpoints: None,
            };
            Submission::insert(conn, &submission, &[])?;
            Verdict::record_first(
                conn,
                &Verdict {
                    id: new_id(),
                    submission_id: submission.id,
                    validator_version_id: challenge.live_version_id.clone().unwrap_or_default(),
                    is_current: true,
                    passed,
                    score,
                    max_score: 100,
                    feedback: String::new(),
                    checks: json!([{"name": "count", "passed": passed,
                        "message": if passed { "right" } else { "wrong count" }}])
                    .to_string(),
                    notes: String::new(),
                    error_kind: None,
                    error_detail: None,
                    logs: "[]".into(),
                    fuel_used: 1,
                    duration_us: 1500 + i64::from(score) * 40,
                    created_at: at,
                    exchanges: "[]".into(),
                },
                false,
            )
        })
        .await
        .expect("attempt stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_race_is_a_page_of_the_board_and_stops_at_the_freeze() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let at = now();
    let start = at - TimeDelta::hours(3);
    let event = event_between(&app, "race-room", start, at + TimeDelta::days(1)).await;
    edit_settings(&app, &event, move |s| {
        s.freeze_at = Some(at - TimeDelta::minutes(30));
    })
    .await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let minutes = |m: i64| start + TimeDelta::minutes(m);
    let mut solver = None;
    for i in 0..12i64 {
        let (member, team_id) = team(&app, &event, &format!("racers-{:02}", i + 1)).await;
        let who = (team_id.as_str(), member.id.as_str());
        // Partial credit first, then (even teams) a pass; every score before the freeze.
        let partial = i32::try_from(10 * (i % 5 + 1)).expect("small");
        scored(&app, &event, who, minutes(10 + 7 * i), false, partial / 2).await;
        scored(&app, &event, who, minutes(20 + 7 * i), false, partial).await;
        if i % 2 == 0 {
            scored(&app, &event, who, minutes(60 + 5 * i), true, 100).await;
        }
        if i == 9 {
            solver = Some((member, team_id));
        }
    }
    // Team 10 (50 points, in the top ten) will solve for real after the freeze.
    let (member, team_id) = solver.expect("team 10");
    let answer = first_contact_answer(
        &expect(
            materials(&app, &member.access_token, &team_id, "first-contact").await,
            200,
        )
        .await,
    );
    run_scenario(
        &app,
        "race",
        &json!({
            "slug": event.slug,
            "organizer_token": event.organizer.access_token,
            "organizer_email": event.organizer.email,
            "solver_token": member.access_token,
            "solver_team": team_id,
            "solver_name": "racers-10",
            "answer": answer,
        }),
    )
    .await;
}
