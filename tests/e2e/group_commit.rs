//! Group commit on the submission path: submissions (and verdicts) arriving together are
//! committed in one transaction, an answer still means "stored", one refused write leaves the
//! rest of its batch stored, and what decides whether a member may submit is read at the
//! moment of the submission on every instance.

use std::time::{Duration, Instant};

use cohack_server::{
    db::{
        DbConnection, new_id, now,
        schema::{live_activity, submissions, verdicts},
    },
    error::Error,
    models::submission::{Submission, SubmissionStatus},
};
use diesel::prelude::*;
use serde_json::{Value, json};
use tokio::task::JoinSet;

use crate::{
    backend_tests,
    challenges::{
        TestEvent, expect, first_contact_answer, materials, publish_all, running_event, submit,
        team,
    },
    harness::{Account, Backend, TestApp},
};

backend_tests!(
    many_teams_at_once_are_each_stored_judged_and_counted_once,
    a_refused_write_leaves_the_rest_of_its_batch_stored,
);

/// Teams in the concurrent run.
const TEAMS: usize = 12;
/// Submissions per team in it (a wrong answer, the right one, a wrong one again).
const PER_TEAM: usize = 3;

/// A team of one with the right answer to `first-contact` from its own materials.
struct Competitor {
    member: Account,
    team_id: String,
    right: String,
}

async fn competitor(app: &TestApp, event: &TestEvent, name: &str) -> Competitor {
    let (member, team_id) = team(app, event, name).await;
    let own = expect(
        materials(app, &member.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let right = first_contact_answer(&own);
    Competitor {
        member,
        team_id,
        right,
    }
}

/// Polls the database until `done` holds (a hang fails after a minute, not a slow run).
async fn wait_for<T: Send + 'static>(
    app: &TestApp,
    what: &str,
    read: impl Fn(&mut DbConnection) -> Result<T, Error> + Send + Sync + Clone + 'static,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let read = read.clone();
        let value = app.state.db.run(read).await.expect("read");
        if done(&value) {
            return value;
        }
        assert!(Instant::now() < deadline, "still waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn many_teams_at_once_are_each_stored_judged_and_counted_once(app: TestApp) {
    let event = running_event(&app, "rush").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let mut teams = Vec::new();
    for n in 0..TEAMS {
        teams.push(competitor(&app, &event, &format!("rush{n}")).await);
    }

    // Every submission of every team at once.
    let mut sent = JoinSet::new();
    for t in &teams {
        let wrong = (t.right.parse::<u32>().expect("a number") + 1).to_string();
        for answer in [wrong.clone(), t.right.clone(), wrong] {
            let (client, address) = (app.client.clone(), app.address.clone());
            let (token, team_id) = (t.member.access_token.clone(), t.team_id.clone());
            sent.spawn(async move {
                let response = client
                    .post(format!("{address}/api/v1/teams/{team_id}/submissions"))
                    .bearer_auth(&token)
                    .json(&json!({"challenge": "first-contact", "answer": answer}))
                    .send()
                    .await
                    .expect("request sent");
                let status = response.status().as_u16();
                let body: Value = response.json().await.expect("json");
                (team_id, status, body)
            });
        }
    }
    let mut acknowledged = Vec::new();
    while let Some(answer) = sent.join_next().await {
        let (team_id, status, body) = answer.expect("request task");
        assert!(status == 201 || status == 202, "{status}: {body}");
        let id = body["id"].as_str().expect("submission id").to_owned();
        acknowledged.push((team_id, id));
    }
    assert_eq!(acknowledged.len(), TEAMS * PER_TEAM);

    // Each acknowledged submission is stored, and judged exactly once.
    let ids: Vec<String> = acknowledged.iter().map(|(_, id)| id.clone()).collect();
    let read_ids = ids.clone();
    let pending = wait_for(
        &app,
        "every verdict",
        move |conn| {
            Ok(submissions::table
                .filter(submissions::id.eq_any(&read_ids))
                .filter(submissions::status.eq(SubmissionStatus::Pending.as_str()))
                .count()
                .get_result::<i64>(conn)?)
        },
        |pending| *pending == 0,
    )
    .await;
    assert_eq!(pending, 0);
    let read_ids = ids.clone();
    let (stored, judged): (Vec<String>, Vec<(String, bool)>) = app
        .state
        .db
        .run(move |conn| {
            let stored = submissions::table
                .filter(submissions::id.eq_any(&read_ids))
                .select(submissions::id)
                .load(conn)?;
            let judged = verdicts::table
                .filter(verdicts::submission_id.eq_any(&read_ids))
                .select((verdicts::submission_id, verdicts::passed))
                .load(conn)?;
            Ok::<_, Error>((stored, judged))
        })
        .await
        .expect("read");
    assert_eq!(
        stored.len(),
        ids.len(),
        "every acknowledged submission stored"
    );
    assert_eq!(judged.len(), ids.len(), "one verdict per submission");
    for t in &teams {
        let passes = acknowledged
            .iter()
            .filter(|(team, _)| team == &t.team_id)
            .filter(|(_, id)| judged.iter().any(|(s, passed)| s == id && *passed))
            .count();
        assert_eq!(passes, 1, "team {}: one right answer", t.team_id);
    }

    // The live layer recorded each submission and each verdict once.
    let team_ids: Vec<String> = teams.iter().map(|t| t.team_id.clone()).collect();
    let expected = i64::try_from(ids.len()).expect("small");
    let activities = wait_for(
        &app,
        "the activity of every verdict",
        move |conn| {
            let count = |kind: &str, conn: &mut DbConnection| {
                live_activity::table
                    .filter(live_activity::team_id.eq_any(&team_ids))
                    .filter(live_activity::kind.eq(kind))
                    .count()
                    .get_result::<i64>(conn)
            };
            Ok((count("submission", conn)?, count("verdict", conn)?))
        },
        |(submitted, judged)| *submitted >= expected && *judged >= expected,
    )
    .await;
    assert_eq!(activities, (expected, expected));

    // The board counts one solve per team.
    let board = expect(
        app.get(&format!("/api/v1/events/{}/leaderboard", event.slug))
            .await,
        200,
    )
    .await;
    let rows = board["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), TEAMS);
    for row in rows {
        assert_eq!(row["solved"], 1, "{row}");
        assert_eq!(row["score"], 100, "{row}");
    }
}

/// A submission row for `team_id`, as `submit` stores it.
fn row(team_id: &str, challenge_id: &str, user_id: &str) -> Submission {
    Submission {
        id: new_id(),
        team_id: team_id.to_owned(),
        challenge_id: challenge_id.to_owned(),
        submitted_by: user_id.to_owned(),
        answer: "7".into(),
        status: SubmissionStatus::Pending.as_str().to_owned(),
        created_at: now(),
        endpoints: None,
    }
}

/// Holds back the committer, so that the writes queued meanwhile form one batch: on SQLite
/// by holding the writer (the committer takes the same lock), on PostgreSQL by locking the
/// team's row (a new submission's foreign-key check waits for it).
async fn hold_writes(app: &TestApp, team_id: &str) -> std::sync::mpsc::Sender<()> {
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (held_tx, held) = tokio::sync::oneshot::channel();
    match app.state.db.backend() {
        cohack_server::db::Backend::Sqlite => {
            let db = app.state.db.clone();
            tokio::spawn(async move {
                db.write(move |_| {
                    let _ = held_tx.send(());
                    let _ = released.recv();
                    Ok::<_, Error>(())
                })
                .await
                .expect("writer held");
            });
        }
        cohack_server::db::Backend::Postgres => {
            let url = app.state.config.database_url.clone();
            let team_id = team_id.to_owned();
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).expect("connect");
                conn.transaction::<_, diesel::result::Error, _>(|conn| {
                    diesel::sql_query("SELECT id FROM teams WHERE id = $1 FOR UPDATE")
                        .bind::<diesel::sql_types::Text, _>(&team_id)
                        .execute(conn)?;
                    let _ = held_tx.send(());
                    let _ = released.recv();
                    Ok(())
                })
                .expect("row held");
            });
        }
    }
    held.await.expect("held");
    release
}

async fn a_refused_write_leaves_the_rest_of_its_batch_stored(app: TestApp) {
    let event = running_event(&app, "batch").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let t = competitor(&app, &event, "batch").await;
    let slug_event = event.id.clone();
    let challenge_id = app
        .state
        .db
        .run(move |conn| {
            cohack_server::models::challenge::Challenge::get_by_slug(
                conn,
                &slug_event,
                "first-contact",
            )
            .map(|c| c.id)
        })
        .await
        .expect("challenge");
    let before = app.state.db.group_commit_stats();

    let release = hold_writes(&app, &t.team_id).await;
    let grouped = |submission: Submission| {
        let db = app.state.db.clone();
        tokio::spawn(async move {
            let id = submission.id.clone();
            let stored = db
                .write_grouped(move |conn| Submission::store(conn, &submission, &[]))
                .await;
            (id, stored)
        })
    };
    // The first write reaches the committer, which waits; the rest queue behind it, one of
    // them for a team that does not exist (its foreign key refuses it).
    let first = grouped(row(&t.team_id, &challenge_id, &t.member.id));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut rest = Vec::new();
    for n in 0..9 {
        let team_id = if n == 4 { "no-such-team" } else { &t.team_id };
        rest.push(grouped(row(team_id, &challenge_id, &t.member.id)));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    release.send(()).expect("release");

    let mut answers = vec![first.await.expect("task")];
    for handle in rest {
        answers.push(handle.await.expect("task"));
    }
    let refused: Vec<&String> = answers
        .iter()
        .filter(|(_, stored)| stored.is_err())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(refused.len(), 1, "only the bad write is refused");
    let ids: Vec<String> = answers.iter().map(|(id, _)| id.clone()).collect();
    let stored: Vec<String> = app
        .state
        .db
        .run(move |conn| {
            Ok::<_, Error>(
                submissions::table
                    .filter(submissions::id.eq_any(&ids))
                    .select(submissions::id)
                    .load(conn)?,
            )
        })
        .await
        .expect("read");
    assert_eq!(stored.len(), answers.len() - 1, "every other write stored");
    assert!(!stored.contains(refused[0]));

    // The bad write shared a transaction with good ones: that batch was split and retried.
    let after = app.state.db.group_commit_stats();
    assert!(after.split > before.split, "{before:?} → {after:?}");
}

/// Changes made through instance A hold at once for a submission made through instance B:
/// a member taken out of the team is refused, and so is anyone once the event has ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_on_one_instance_hold_at_once_on_another() {
    let Some(a) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let b = a.spawn_sibling(|_| {}).await;
    let event = running_event(&a, "instances").await;
    publish_all(&a, &event, &["01-first-contact"]).await;
    let alice = competitor(&a, &event, "alice").await;
    let bob = competitor(&a, &event, "bob").await;
    let body = json!({"challenge": "first-contact", "answer": "1"});

    // Both may submit through B.
    for t in [&alice, &bob] {
        let response = submit(&b, &t.member.access_token, &t.team_id, &body).await;
        assert!(
            [201, 202].contains(&response.status().as_u16()),
            "{}",
            response.status()
        );
    }

    // The organizer takes Alice out of her team through A; B refuses her next submission.
    let removed = a
        .send(
            reqwest::Method::DELETE,
            event.organizer.token(),
            &format!(
                "/api/v1/teams/{}/members/{}",
                alice.team_id, alice.member.id
            ),
            &Value::Null,
        )
        .await;
    assert_eq!(removed.status(), 204);
    let refused = submit(&b, &alice.member.access_token, &alice.team_id, &body).await;
    assert_eq!(refused.status(), 404, "a removed member is an outsider");

    // The organizer ends the event through A; B refuses Bob.
    let ended = (now() - chrono::TimeDelta::minutes(1))
        .and_utc()
        .to_rfc3339();
    let patched = a
        .send(
            reqwest::Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"ends_at": ended}),
        )
        .await;
    assert_eq!(patched.status(), 200, "{:?}", patched.text().await);
    let late = expect(
        submit(&b, &bob.member.access_token, &bob.team_id, &body).await,
        409,
    )
    .await;
    assert_eq!(late["error"]["code"], "not_running");
}
