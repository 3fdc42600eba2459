//! Two real instances on one PostgreSQL database: every kind of live event made through
//! instance A reaches clients of instance B (LISTEN/NOTIFY, then read from the database),
//! and an instance whose listening connection is killed reconnects and catches up.

use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::json;

use cohack_server::{live::LiveEvent, models::submission::SubmissionStatus};

use crate::{
    harness::{Backend, PgDatabase, TestApp},
    live::{create_document, online_ids, record_passing_verdict, team_ws, world},
    live_client::{YClient, connect},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_live_event_crosses_instances() {
    let Some(a) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let b = a.spawn_sibling(|_| {}).await;
    let w = world(&a).await;

    // Clients on B.
    let mut bob = connect(&b, &team_ws(&w), w.bob.token()).await;
    bob.expect("hello").await;
    let mut coach = connect(
        &b,
        &format!("/api/v1/events/{}/ws", w.event.slug),
        w.coach.token(),
    )
    .await;
    coach.expect("hello").await;
    let mut screen = connect(&b, &format!("/api/v1/events/{}/ws", w.event.slug), None).await;
    screen.expect("leaderboard").await;

    // Presence: Alice joins through A.
    let mut alice = connect(&a, &team_ws(&w), w.alice.token()).await;
    alice.expect("hello").await;
    let mut both = vec![w.alice.id.clone(), w.bob.id.clone()];
    both.sort();
    bob.expect_where("presence", |p| online_ids(p) == both)
        .await;
    alice
        .expect_where("presence", |p| online_ids(p) == both)
        .await;

    // Chat.
    alice
        .send_json(json!({"type": "chat", "text": "from A"}))
        .await;
    let line = bob.expect("chat").await;
    assert_eq!(line["text"], "from A");
    assert_eq!(line["author"]["user_id"], w.alice.id.as_str());

    // Documents: the list, then edits and cursors both ways.
    let doc = create_document(&a, &w.alice.access_token, &w.team.id, "shared.md").await;
    bob.expect_where("documents", |d| d["documents"][0]["id"] == doc.as_str())
        .await;
    let mut ya = YClient::connect(&a, &w.alice.access_token, &w.team.id, &doc).await;
    let mut yb = YClient::connect(&b, &w.bob.access_token, &w.team.id, &doc).await;
    ya.insert(0, "edited on A").await;
    yb.wait_text("edited on A").await;
    yb.insert(0, "B+").await;
    ya.wait_text("B+edited on A").await;
    ya.set_awareness(r#"{"user":{"name":"alice-on-a"}}"#).await;
    yb.expect_awareness("alice-on-a").await;

    // Help calls: raised on A, seen by the coach's event channel on B.
    let raised = a
        .post(
            w.alice.token(),
            &format!("/api/v1/teams/{}/help-calls", w.team.id),
            &json!({"context": "stuck on auth"}),
        )
        .await;
    assert_eq!(raised.status(), 201);
    assert_eq!(
        coach.expect("help").await["call"]["context"],
        "stuck on auth"
    );
    assert_eq!(bob.expect("help").await["call"]["status"], "raised");

    // Announcements.
    let made = a
        .post(
            w.organizer.token(),
            &format!("/api/v1/events/{}/announcements", w.event.slug),
            &json!({"text": "Ten minutes left"}),
        )
        .await;
    assert_eq!(made.status(), 201);
    assert_eq!(
        screen.expect("announcement").await["text"],
        "Ten minutes left"
    );
    assert_eq!(bob.expect("announcement").await["text"], "Ten minutes left");

    // Activity and the leaderboard: a verdict published on A.
    let submission = record_passing_verdict(&a, &w).await;
    a.state
        .live
        .publish_now(
            &a.state,
            LiveEvent::Verdict {
                team_id: w.team.id.clone(),
                event_id: w.event.id.clone(),
                submission_id: submission,
                challenge: "c1".into(),
                status: SubmissionStatus::Judged,
                passed: true,
                score: 100,
                max_score: 100,
                feedback: String::new(),
                checks: json!([]),
            },
        )
        .await
        .expect("published");
    bob.expect_where("activity", |x| x["kind"] == "verdict")
        .await;
    screen
        .expect_where("leaderboard", |board| board["rows"][0]["solved"] == 1)
        .await;
    for event in [
        LiveEvent::Submission {
            team_id: w.team.id.clone(),
            submission_id: "s2".into(),
            challenge: "c1".into(),
            submitted_by: w.alice.id.clone(),
        },
        LiveEvent::MemberJoined {
            team_id: w.team.id.clone(),
            user_id: w.bob.id.clone(),
            display_name: "bob".into(),
        },
        LiveEvent::CoachAssigned {
            team_id: w.team.id.clone(),
            user_id: w.coach.id.clone(),
            display_name: "coach".into(),
        },
    ] {
        a.state.live.publish(event);
    }
    for kind in ["submission", "member_joined", "coach_assigned"] {
        bob.expect_where("activity", |x| x["kind"] == kind).await;
    }
    a.state.live.publish(LiveEvent::EventUpdated {
        event_id: w.event.id.clone(),
    });
    screen.expect("clock").await;

    // B's listening connection dies; what happens meanwhile still arrives.
    let url = format!("{}/postgres", PgDatabase::server_url());
    let database = a
        .state
        .config
        .database_url
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut admin = PgConnection::establish(&url).expect("admin connection");
    let killed = diesel::sql_query(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{database}' AND query LIKE 'LISTEN%'"
    ))
    .execute(&mut admin)
    .expect("terminate listeners");
    assert!(killed >= 2, "both instances listen");
    alice
        .send_json(json!({"type": "chat", "text": "while B was deaf"}))
        .await;
    ya.insert(0, ">").await;
    bob.expect_where("chat", |c| c["text"] == "while B was deaf")
        .await;
    yb.wait_text(">B+edited on A").await;
    // And B's listener works again.
    alice
        .send_json(json!({"type": "chat", "text": "after"}))
        .await;
    bob.expect_where("chat", |c| c["text"] == "after").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coach_removed_on_one_instance_is_cut_off_on_the_other() {
    let Some(a) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let b = a.spawn_sibling(|_| {}).await;
    let w = world(&a).await;
    let mut coach = connect(&b, &team_ws(&w), w.coach.token()).await;
    coach.expect("hello").await;

    let response = a
        .send(
            reqwest::Method::DELETE,
            w.organizer.token(),
            &format!("/api/v1/teams/{}/coaches/{}", w.team.id, w.coach.id),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(coach.expect_close().await, Some(4403));
    b.stop().await;
    a.stop().await;
}

/// A replica catching up while another instance compacts the same document misses nothing.
/// A catch-up reads the document's seqs, then (maybe) its snapshot, then the updates after
/// them; a compaction that commits between those reads moves updates into the snapshot and
/// deletes them. Read in separate snapshots (PostgreSQL's default), the catch-up then got
/// neither: the replica silently lacked those edits until the next reconnect. Here one task
/// appends edits and compacts every few, as a busy room does on instance A, while another
/// catches a replica up in a loop, as instance B's room does on each notice; at the end the
/// replica must read exactly what the database holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_catching_up_while_another_instance_compacts_misses_nothing() {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    use cohack_server::models::document::{Document, replay};
    use yrs::{GetString, ReadTxn, Text, Transact, Update, updates::decoder::Decode};

    let Some(a) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let w = world(&a).await;
    let doc_id = create_document(&a, &w.alice.access_token, &w.team.id, "race").await;

    const EDITS: usize = 1_000;
    const REPLICAS: usize = 3;
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, id, done) = (a.state.db.clone(), doc_id.clone(), Arc::clone(&done));
        tokio::spawn(async move {
            let source = yrs::Doc::new();
            let text = source.get_or_insert_text("content");
            for i in 0..EDITS {
                let before = source.transact().state_vector();
                {
                    let mut txn = source.transact_mut();
                    let len = text.len(&txn);
                    text.insert(&mut txn, len, &format!("{}", i % 10));
                }
                let update = source.transact().encode_state_as_update_v1(&before);
                let id = id.clone();
                db.run(move |conn| {
                    Document::append_update(conn, &id, &update)?;
                    if i % 2 == 1 {
                        Document::compact(conn, &id)?;
                    }
                    Ok::<_, cohack_server::error::Error>(())
                })
                .await
                .expect("append and compact");
            }
            done.store(true, Ordering::SeqCst);
        })
    };

    // Replicas, each as one instance's room: apply what each catch-up returns, from the last
    // seq it covered, until the writer is done, then once more.
    let replicas: Vec<_> = (0..REPLICAS)
        .map(|_| {
            let (db, id, done) = (a.state.db.clone(), doc_id.clone(), Arc::clone(&done));
            tokio::spawn(async move {
                let replica = yrs::Doc::new();
                let mut watermark = -1;
                loop {
                    let finished = done.load(Ordering::SeqCst);
                    let (id, after) = (id.clone(), watermark);
                    let caught = db
                        .run(move |conn| Document::catchup(conn, &id, after))
                        .await
                        .expect("catch up");
                    for update in caught
                        .snapshot
                        .iter()
                        .chain(caught.updates.iter().map(|(_, u)| u))
                    {
                        let update = Update::decode_v1(update).expect("an update");
                        replica
                            .transact_mut()
                            .apply_update(update)
                            .expect("applies");
                    }
                    watermark = watermark.max(caught.last_seq);
                    if finished {
                        break;
                    }
                }
                replica
                    .get_or_insert_text("content")
                    .get_string(&replica.transact())
            })
        })
        .collect();
    writer.await.expect("writer");

    let id = doc_id.clone();
    let stored = a
        .state
        .db
        .run(move |conn| Document::catchup(conn, &id, -1))
        .await
        .expect("whole document");
    let whole = replay(
        stored
            .snapshot
            .iter()
            .map(Vec::as_slice)
            .chain(stored.updates.iter().map(|(_, u)| u.as_slice())),
    )
    .expect("replay");
    let expected = whole
        .get_or_insert_text("content")
        .get_string(&whole.transact());
    assert_eq!(expected.len(), EDITS, "every edit is stored");
    for replica in replicas {
        let got = replica.await.expect("replica");
        assert_eq!(got, expected, "the replica has every edit");
    }
}
