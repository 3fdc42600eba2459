//! The big screen at full size (1920×1080, 3840×2160) and the board on a phone, with a 50-team event, in Chromium.
//!
//! The event is seeded through the API: participants register, create their teams and submit
//! (right and wrong answers to `first-contact`, the reference `pipeline.toml`, and a
//! `readings_clean.csv` that earns partial credit on `clean-readings`, open to every team).
//! The browser scenario (`tests/browser/board_full.mjs`) watches the board page through its
//! pages and checks every team was on screen; an HTTP check on both databases reads the page
//! as it is without JavaScript (every team listed, the podium named, partial credit shown).

use base64::{Engine, engine::general_purpose::STANDARD};
use cohack_server::models::role::EventRole;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    browser::{browser_available, run_scenario},
    challenges::{
        TestEvent, expect, first_contact_answer, materials, publish, publish_all, running_event,
        submit, upload, user_with_role,
    },
    harness::{Backend, TestApp, repo_root},
};

backend_tests!(the_board_without_javascript_lists_every_team_with_podium_and_partial_credit);

/// One seeded team.
struct Seeded {
    id: String,
    name: String,
    token: String,
}

/// What each team does in the seeded event, by its index.
#[derive(Clone, Copy, PartialEq)]
enum Play {
    /// Solves `first-contact` and `pipeline-manifest`: first place.
    Leads,
    /// Solves `first-contact` and earns partial credit on `clean-readings`: second place.
    Second,
    /// Solves `first-contact`.
    Solves,
    /// Answers `first-contact` wrongly.
    Fails,
    /// Earns partial credit on `clean-readings` only.
    Partial,
    /// Does nothing (yet).
    Idle,
}

fn play(i: usize) -> Play {
    match i {
        0 => Play::Leads,
        1 => Play::Second,
        _ => match i % 4 {
            1 => Play::Solves,
            2 => Play::Fails,
            3 => Play::Partial,
            _ => Play::Idle,
        },
    }
}

/// A team name: mostly short, some long enough to need wrapping on a phone.
fn team_name(i: usize) -> String {
    const PLACES: [&str; 6] = ["Lyon", "Oslo", "Porto", "Gdańsk", "Turku", "Graz"];
    if i % 9 == 4 {
        format!(
            "Extraordinarily Long-Named Telemetry Collective {:02}",
            i + 1
        )
    } else {
        format!("{} Sensors {:02}", PLACES[i % PLACES.len()], i + 1)
    }
}

/// A running event with `first-contact`, `pipeline-manifest` and `clean-readings` (always open).
async fn board_event(app: &TestApp, slug: &str) -> TestEvent {
    let event = running_event(app, slug).await;
    publish_all(app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    expect(
        publish(
            app,
            &event.organizer.access_token,
            &event.slug,
            &upload("03-clean-readings"),
            "?always_open=true",
        )
        .await,
        201,
    )
    .await;
    event
}

/// Registers a participant and creates their team through the API.
async fn seed_team(app: &TestApp, event: &TestEvent, i: usize) -> Seeded {
    let member = user_with_role(
        app,
        event,
        &format!("{}p{i:02}", event.slug),
        EventRole::Participant,
    )
    .await;
    let name = team_name(i);
    let team = expect(
        app.post(
            Some(&member.access_token),
            &format!("/api/v1/events/{}/teams", event.slug),
            &json!({ "name": name }),
        )
        .await,
        201,
    )
    .await;
    Seeded {
        id: team["id"].as_str().expect("team id").to_owned(),
        name,
        token: member.access_token,
    }
}

/// Submits `body` for `team` and returns the verdict.
async fn verdict(app: &TestApp, team: &Seeded, body: &Value) -> Value {
    let answer = expect(submit(app, &team.token, &team.id, body).await, 201).await;
    answer["verdict"].clone()
}

/// The right answer to `first-contact` for `team`.
async fn right_answer(app: &TestApp, team: &Seeded) -> String {
    let own = expect(
        materials(app, &team.token, &team.id, "first-contact").await,
        200,
    )
    .await;
    first_contact_answer(&own)
}

async fn solve_first_contact(app: &TestApp, team: &Seeded) {
    let answer = right_answer(app, team).await;
    let v = verdict(
        app,
        team,
        &json!({"challenge": "first-contact", "answer": answer}),
    )
    .await;
    assert_eq!(v["passed"], true, "{v}");
}

/// Earns partial credit on `clean-readings` (the right header, no rows); returns the points.
async fn partial_credit(app: &TestApp, team: &Seeded) -> i64 {
    let csv = "device_id,timestamp,temp_c\n";
    let v = verdict(
        app,
        team,
        &json!({"challenge": "clean-readings", "files": [
            {"path": "readings_clean.csv", "content_base64": STANDARD.encode(csv)}
        ]}),
    )
    .await;
    assert_eq!(v["passed"], false, "{v}");
    let points = v["score"].as_i64().expect("score");
    assert!(points > 0, "partial credit expected: {v}");
    points
}

/// Seeds `count` teams playing as [`play`] says; returns them and the points of partial credit.
async fn seed(app: &TestApp, event: &TestEvent, count: usize) -> (Vec<Seeded>, i64) {
    let manifest = std::fs::read_to_string(
        repo_root().join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("the reference pipeline");
    let mut teams = Vec::new();
    let mut partial = 0;
    for i in 0..count {
        let team = seed_team(app, event, i).await;
        match play(i) {
            Play::Leads => {
                solve_first_contact(app, &team).await;
                let v = verdict(
                    app,
                    &team,
                    &json!({"challenge": "pipeline-manifest", "files": [
                        {"path": "pipeline.toml", "content_base64": STANDARD.encode(&manifest)}
                    ]}),
                )
                .await;
                assert_eq!(v["passed"], true, "{v}");
            }
            Play::Second => {
                solve_first_contact(app, &team).await;
                partial = partial_credit(app, &team).await;
            }
            Play::Solves => solve_first_contact(app, &team).await,
            Play::Fails => {
                let right: u32 = right_answer(app, &team).await.parse().expect("a number");
                let v = verdict(
                    app,
                    &team,
                    &json!({"challenge": "first-contact", "answer": (right + 1).to_string()}),
                )
                .await;
                assert_eq!(v["passed"], false, "{v}");
            }
            Play::Partial => {
                partial_credit(app, &team).await;
            }
            Play::Idle => {}
        }
        teams.push(team);
    }
    (teams, partial)
}

/// The `<tr>` of `team_id` in the page's HTML.
fn row_of<'a>(html: &'a str, team_id: &str) -> &'a str {
    let start = html
        .find(&format!("<tr data-team=\"{team_id}\""))
        .unwrap_or_else(|| panic!("no row for {team_id}"));
    let end = html[start..].find("</tr>").expect("row end") + start;
    &html[start..end]
}

async fn the_board_without_javascript_lists_every_team_with_podium_and_partial_credit(
    app: TestApp,
) {
    let event = board_event(&app, "plainboard").await;
    let (teams, points) = seed(&app, &event, 9).await;
    // A query the script reads, whatever its value, leaves the page as it is.
    for query in [
        "",
        "?page_seconds=3",
        "?page_seconds=%3Cscript%3E",
        "?page_seconds=99999999999",
    ] {
        let response = app
            .get(&format!("/events/{}/board{query}", event.slug))
            .await;
        assert_eq!(response.status(), 200, "{query}");
        let html = response.text().await.expect("html");
        for team in &teams {
            assert!(
                html.contains(&format!("<tr data-team=\"{}\"", team.id)),
                "{} missing without JavaScript",
                team.name
            );
        }
        assert!(!html.contains("<script>"), "{query}");
    }
    let html = app
        .get(&format!("/events/{}/board", event.slug))
        .await
        .text()
        .await
        .expect("html");

    // The podium: first and second place named, not only coloured; fourth place is not.
    let leader = row_of(&html, &teams[0].id);
    assert!(leader.contains("podium-1"), "{leader}");
    assert!(
        leader.contains("1st<span class=\"visually-hidden\"> place</span>"),
        "{leader}"
    );
    let second = row_of(&html, &teams[1].id);
    assert!(second.contains("class=\"board-row podium-2\""), "{second}");
    assert!(
        second.contains("2nd<span class=\"visually-hidden\"> place</span>"),
        "{second}"
    );
    let idle = row_of(&html, &teams[4].id);
    assert!(
        !idle.contains("podium"),
        "a team that never scored is no podium: {idle}"
    );

    // Partial credit shows as partial with its points, not as attempted.
    assert!(
        second.contains(&format!(
            "data-challenge=\"clean-readings\" data-state=\"partial\"><span aria-hidden=\"true\">{points}</span>"
        )),
        "{second}"
    );
    assert!(
        second.contains(&format!("partial credit, {points} points")),
        "{second}"
    );
    let partial_only = row_of(&html, &teams[3].id);
    assert!(
        partial_only.contains("data-state=\"partial\""),
        "{partial_only}"
    );
    // A wrong answer without points is still just attempted.
    let failed = row_of(&html, &teams[2].id);
    assert!(
        failed.contains("data-challenge=\"first-contact\" data-state=\"attempted\""),
        "{failed}"
    );
    // The first-solves strip names who solved first.
    let strip_start = html
        .find("data-board-firsts")
        .expect("the first-solves strip");
    let strip =
        &html[strip_start..html[strip_start..].find("</section>").expect("end") + strip_start];
    assert!(
        strip.contains(&format!("{}</span>", teams[0].name)),
        "the leader solved first-contact and pipeline-manifest first: {strip}"
    );
    assert!(
        strip.contains("not solved yet"),
        "nobody solved clean-readings: {strip}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_board_fifty_teams_at_full_size_and_on_a_phone() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let event = board_event(&app, "fullboard").await;
    let (teams, points) = seed(&app, &event, 50).await;
    // An idle team near the bottom: the scenario makes it solve, and the board re-fits.
    let mover = teams
        .iter()
        .enumerate()
        .rev()
        .find(|(i, _)| play(*i) == Play::Idle)
        .map(|(_, t)| t)
        .expect("an idle team");
    let mover_answer = right_answer(&app, mover).await;
    run_scenario(
        &app,
        "board_full",
        &json!({
            "slug": event.slug,
            "teams": teams.iter().map(|t| json!({"id": t.id, "name": t.name})).collect::<Vec<_>>(),
            "leader": teams[0].id,
            "second": teams[1].id,
            "partial": {"team": teams[1].id, "challenge": "clean-readings", "points": points},
            "mover": {"team": mover.id, "token": mover.token, "answer": mover_answer},
        }),
    )
    .await;
    app.stop().await;
}
