//! The leaderboard over HTTP: ranking, the freeze (public vs organizers), cache invalidation.
//! Verdicts are written straight into the database here, so that these tests pin the ranking
//! rule itself; the full-event test drives the same board through real submissions.

use chrono::{Duration, NaiveDateTime, Utc};
use cohack_server::{
    db::{
        DbConnection, new_id,
        schema::{challenges, submissions, validator_blobs, validator_versions, verdicts},
    },
    error::Error,
    models::{
        event::{Event, EventSettings},
        role::{self, EventRole},
        team::Team,
    },
};
use diesel::prelude::*;
use serde_json::Value;

use crate::{
    backend_tests,
    harness::{Account, TestApp},
};

backend_tests!(
    ranks_by_solved_score_and_time,
    freeze_hides_late_solves_from_the_public_only,
    unknown_event_is_404,
);

struct Fixture {
    event: Event,
    challenges: Vec<String>,
    teams: Vec<Team>,
    version_id: String,
}

fn minutes_ago(m: i64) -> NaiveDateTime {
    (Utc::now() - Duration::minutes(m)).naive_utc()
}

async fn fixture(app: &TestApp, organizer: &Account, freeze_minutes_ago: Option<i64>) -> Fixture {
    let organizer_id = organizer.id.clone();
    let members: Vec<Account> = futures_join(app, 3).await;
    app.state
        .db
        .write(move |conn| {
            let event = Event::create(
                conn,
                EventSettings {
                    slug: "board".into(),
                    name: "Board".into(),
                    description: String::new(),
                    starts_at: minutes_ago(120),
                    ends_at: minutes_ago(-120),
                    freeze_at: freeze_minutes_ago.map(minutes_ago),
                    registration: "open".into(),
                    invite_code: None,
                    team_size_min: 1,
                    team_size_max: 4,
                },
                &organizer_id,
            )?;
            role::grant(conn, &event.id, &organizer_id, EventRole::Organizer, None)?;
            let now = minutes_ago(0);
            diesel::insert_into(validator_blobs::table)
                .values((
                    validator_blobs::hash.eq("h"),
                    validator_blobs::wasm.eq(vec![0u8]),
                    validator_blobs::size_bytes.eq(1i64),
                    validator_blobs::created_at.eq(now),
                ))
                .execute(conn)?;
            let mut challenge_ids = Vec::new();
            for position in 1..=2 {
                let id = new_id();
                diesel::insert_into(challenges::table)
                    .values((
                        challenges::id.eq(&id),
                        challenges::event_id.eq(&event.id),
                        challenges::slug.eq(format!("c{position}")),
                        challenges::title.eq(format!("Challenge {position}")),
                        challenges::position.eq(position),
                        challenges::points.eq(100),
                        challenges::statement.eq("…"),
                        challenges::created_at.eq(now),
                        challenges::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                challenge_ids.push(id);
            }
            let version_id = new_id();
            diesel::insert_into(validator_versions::table)
                .values((
                    validator_versions::id.eq(&version_id),
                    validator_versions::challenge_id.eq(&challenge_ids[0]),
                    validator_versions::version.eq(1),
                    validator_versions::blob_hash.eq("h"),
                    validator_versions::manifest.eq("{}"),
                    validator_versions::sample_report.eq("{}"),
                    validator_versions::published_by.eq(&organizer_id),
                    validator_versions::created_at.eq(now),
                ))
                .execute(conn)?;
            let mut teams = Vec::new();
            for (index, member) in members.iter().enumerate() {
                role::grant(conn, &event.id, &member.id, EventRole::Participant, None)?;
                teams.push(Team::create(
                    conn,
                    &event,
                    &format!("Team {}", (b'A' + index as u8) as char),
                    &member.id,
                )?);
            }
            Ok::<_, Error>(Fixture {
                event,
                challenges: challenge_ids,
                teams,
                version_id,
            })
        })
        .await
        .expect("fixture")
}

async fn futures_join(app: &TestApp, n: usize) -> Vec<Account> {
    let mut accounts = Vec::new();
    for i in 0..n {
        accounts.push(
            app.register(&format!("member{i}@acme.example"), "Acme")
                .await,
        );
    }
    accounts
}

fn judged(
    conn: &mut DbConnection,
    fixture: &Fixture,
    team: usize,
    challenge: usize,
    minutes: i64,
    passed: bool,
    score: i32,
) -> Result<(), Error> {
    let submission = new_id();
    let member = Team::members(conn, &fixture.teams[team].id)?
        .first()
        .map(|p| p.user_id.clone())
        .ok_or(Error::NotFound("member"))?;
    diesel::insert_into(submissions::table)
        .values((
            submissions::id.eq(&submission),
            submissions::team_id.eq(&fixture.teams[team].id),
            submissions::challenge_id.eq(&fixture.challenges[challenge]),
            submissions::submitted_by.eq(member),
            submissions::status.eq("judged"),
            submissions::created_at.eq(minutes_ago(minutes)),
        ))
        .execute(conn)?;
    diesel::insert_into(verdicts::table)
        .values((
            verdicts::id.eq(new_id()),
            verdicts::submission_id.eq(&submission),
            verdicts::validator_version_id.eq(&fixture.version_id),
            verdicts::is_current.eq(true),
            verdicts::passed.eq(passed),
            verdicts::score.eq(score),
            verdicts::max_score.eq(100),
            verdicts::feedback.eq(""),
            verdicts::checks.eq("[]"),
            verdicts::notes.eq(""),
            verdicts::logs.eq("[]"),
            verdicts::fuel_used.eq(0i64),
            verdicts::duration_us.eq(0i64),
            verdicts::created_at.eq(minutes_ago(minutes)),
        ))
        .execute(conn)?;
    Ok(())
}

fn summary(board: &Value) -> Vec<(String, u64, u64, i64)> {
    board["rows"]
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
        .collect()
}

async fn board(app: &TestApp, token: Option<&str>, query: &str) -> Value {
    let path = format!("/api/v1/events/board/leaderboard{query}");
    let response = match token {
        Some(token) => app.get_as(token, &path).await,
        None => app.get(&path).await,
    };
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn ranks_by_solved_score_and_time(app: TestApp) {
    let organizer = app.portal_organizer("boss@vendor.example").await;
    let fixture = fixture(&app, &organizer, None).await;
    let empty = board(&app, None, "").await;
    assert_eq!(empty["frozen"], false);
    assert_eq!(
        summary(&empty),
        vec![
            ("Team A".into(), 1, 0, 0),
            ("Team B".into(), 1, 0, 0),
            ("Team C".into(), 1, 0, 0)
        ],
        "nobody scored: everyone shares rank 1"
    );

    let event_id = fixture.event.id.clone();
    let f = std::sync::Arc::new(fixture);
    let g = f.clone();
    app.state
        .db
        .write(move |conn| {
            judged(conn, &g, 0, 0, 50, false, 0)?; // A: wrong first
            judged(conn, &g, 0, 0, 40, true, 100)?; // A solves c1 at -40
            judged(conn, &g, 1, 0, 45, true, 100)?; // B solves c1 earlier, at -45
            judged(conn, &g, 2, 0, 30, true, 100)?; // C solves c1 at -30 …
            judged(conn, &g, 2, 1, 20, false, 60) // … and earns partial credit on c2
        })
        .await
        .expect("verdicts");
    // Still the cached, empty board until the change is announced …
    assert_eq!(summary(&board(&app, None, "").await)[0].3, 0);
    // … and right after it.
    app.state.leaderboard.invalidate(&event_id);
    let ranked = board(&app, None, "").await;
    assert_eq!(
        summary(&ranked),
        vec![
            ("Team C".into(), 1, 1, 160),
            ("Team B".into(), 2, 1, 100),
            ("Team A".into(), 3, 1, 100)
        ]
    );
    let rows = ranked["rows"].as_array().expect("rows");
    assert_eq!(
        rows[1]["progress"][0]["first_solve"], true,
        "B solved c1 first"
    );
    assert_eq!(rows[0]["progress"][1]["score"], 60);
    assert!(rows[0]["last_solve_at"].is_string());
}

async fn freeze_hides_late_solves_from_the_public_only(app: TestApp) {
    let organizer = app.portal_organizer("boss@vendor.example").await;
    let fixture = std::sync::Arc::new(fixture(&app, &organizer, Some(10)).await);
    let participant = app.login("member1@acme.example").await;
    let g = fixture.clone();
    app.state
        .db
        .write(move |conn| {
            judged(conn, &g, 0, 0, 30, true, 100)?; // before the freeze (-10)
            judged(conn, &g, 1, 0, 5, true, 100)?; // after it
            judged(conn, &g, 1, 1, 4, true, 100)
        })
        .await
        .expect("verdicts");
    let public = board(&app, None, "").await;
    assert_eq!(public["frozen"], true);
    assert_eq!(summary(&public)[0], ("Team A".into(), 1, 1, 100));
    assert_eq!(summary(&public)[1].2, 0, "B's late solves are hidden");

    let as_participant = board(&app, Some(&participant.access_token), "").await;
    assert_eq!(
        summary(&as_participant),
        summary(&public),
        "participants see the frozen board"
    );

    let live = board(&app, Some(&organizer.access_token), "").await;
    assert_eq!(live["frozen"], false);
    assert_eq!(summary(&live)[0], ("Team B".into(), 1, 2, 200));
    let organizer_public = board(&app, Some(&organizer.access_token), "?view=public").await;
    assert_eq!(organizer_public["frozen"], true);
}

async fn unknown_event_is_404(app: TestApp) {
    let response = app.get("/api/v1/events/nope/leaderboard").await;
    assert_eq!(response.status(), 404);
}
