//! The leaderboard over HTTP: ranking, the freeze (public vs organizers), cache invalidation,
//! and the board as ready-made bytes: gzip, strong `ETag`s, `304` on `If-None-Match`.
//! Verdicts are written straight into the database here, so that these tests pin the ranking
//! rule itself; the full-event test drives the same board through real submissions (and so
//! does the test of tags after a real solve).

use chrono::{Duration, NaiveDateTime, Utc};
use cohack_server::{
    db::DbConnection,
    error::Error,
    models::{
        event::{Event, EventSettings},
        role::{self, EventRole},
        team::Team,
    },
};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        expect, first_contact_answer, materials, publish_all, running_event, submit, team,
    },
    harness::{Account, TestApp},
    seed,
};

backend_tests!(
    ranks_by_solved_score_and_time,
    freeze_hides_late_solves_from_the_public_only,
    unknown_event_is_404,
    gzip_body_is_the_plain_body_gzipped,
    tag_is_stable_revalidates_with_304_and_changes_with_a_solve,
    frozen_public_and_live_boards_never_share_a_tag,
    if_none_match_is_read_per_rfc_9110,
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
            let seeded = seed::ladder(conn, &event.id, &organizer_id, 2, "c", minutes_ago(0))?;
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
                challenges: seeded.challenges,
                teams,
                version_id: seeded.version,
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
    let member = Team::members(conn, &fixture.teams[team].id)?
        .first()
        .map(|p| p.user_id.clone())
        .ok_or(Error::NotFound("member"))?;
    seed::judged(
        conn,
        seed::Judged {
            team: &fixture.teams[team].id,
            challenge: &fixture.challenges[challenge],
            submitted_by: &member,
            version: &fixture.version_id,
            at: minutes_ago(minutes),
            passed,
            score,
        },
    )
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

/// One raw read of a board: status, the headers that matter here, and the body as sent.
struct Read {
    status: u16,
    etag: Option<String>,
    encoding: Option<String>,
    vary: Option<String>,
    cache_control: Option<String>,
    body: Vec<u8>,
}

impl Read {
    fn etag(&self) -> String {
        self.etag.clone().expect("an ETag")
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

/// `GET` a leaderboard as sent (never decompressed), with optional token and extra headers
/// (each `(name, value)` sent as its own line).
async fn read(app: &TestApp, path: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Read {
    let mut request = app.client.get(format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_owned())
    };
    Read {
        status: response.status().as_u16(),
        etag: header("etag"),
        encoding: header("content-encoding"),
        vary: header("vary"),
        cache_control: header("cache-control"),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

const BOARD: &str = "/api/v1/events/board/leaderboard";

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read as _;
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut plain)
        .expect("a valid gzip stream");
    plain
}

async fn scored_fixture(app: &TestApp, freeze_minutes_ago: Option<i64>) -> (Account, Fixture) {
    let organizer = app.portal_organizer("boss@vendor.example").await;
    let fixture = fixture(app, &organizer, freeze_minutes_ago).await;
    let f = std::sync::Arc::new(fixture);
    let g = f.clone();
    app.state
        .db
        .write(move |conn| {
            judged(conn, &g, 0, 0, 30, true, 100)?; // A, before any freeze (-10)
            judged(conn, &g, 1, 0, 5, true, 100)?; // B, after it
            judged(conn, &g, 1, 1, 4, false, 40)
        })
        .await
        .expect("verdicts");
    let fixture = std::sync::Arc::try_unwrap(f).ok().expect("sole owner");
    (organizer, fixture)
}

async fn gzip_body_is_the_plain_body_gzipped(app: TestApp) {
    let (organizer, _fixture) = scored_fixture(&app, None).await;
    let plain = read(&app, BOARD, None, &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.encoding, None, "no Accept-Encoding, no coding");
    assert_eq!(plain.cache_control.as_deref(), Some("no-cache"));
    assert!(
        plain
            .vary
            .as_deref()
            .is_some_and(|v| v.contains("Accept-Encoding")),
        "{:?}",
        plain.vary
    );
    assert_eq!(summary(&plain.json())[0].0, "Team B");

    for accept in [
        "gzip",
        "gzip, deflate, br",
        "br;q=1.0, gzip;q=0.5, *;q=0.1",
        "*",
    ] {
        let gzipped = read(&app, BOARD, None, &[("Accept-Encoding", accept)]).await;
        assert_eq!(gzipped.status, 200);
        assert_eq!(gzipped.encoding.as_deref(), Some("gzip"), "{accept}");
        assert_eq!(gzipped.cache_control.as_deref(), Some("no-cache"));
        assert!(
            gzipped
                .vary
                .as_deref()
                .is_some_and(|v| v.contains("Accept-Encoding"))
        );
        assert!(
            gzipped.body.len() * 3 < plain.body.len(),
            "compressed: {} of {} bytes",
            gzipped.body.len(),
            plain.body.len()
        );
        assert_eq!(gunzip(&gzipped.body), plain.body, "exactly the plain bytes");
        let (plain_tag, gzip_tag) = (plain.etag(), gzipped.etag());
        assert_ne!(plain_tag, gzip_tag, "two representations, two strong tags");
        for tag in [&plain_tag, &gzip_tag] {
            assert!(tag.starts_with('"') && tag.ends_with('"'), "strong: {tag}");
        }
    }
    for refused in ["gzip;q=0", "identity", "gzip;q=0, *"] {
        let read = read(&app, BOARD, None, &[("Accept-Encoding", refused)]).await;
        assert_eq!(read.encoding, None, "{refused}");
        assert_eq!(read.body, plain.body);
        assert_eq!(read.etag, plain.etag);
    }

    // The organizer's live board goes the same way (and is the same board outside a freeze).
    let live = read(&app, BOARD, Some(&organizer.access_token), &[]).await;
    let live_gz = read(
        &app,
        BOARD,
        Some(&organizer.access_token),
        &[("Accept-Encoding", "gzip")],
    )
    .await;
    assert_eq!(live_gz.encoding.as_deref(), Some("gzip"));
    assert_eq!(gunzip(&live_gz.body), live.body);
    assert_eq!(live.json()["frozen"], false);
}

/// Reads the board until its tag is no longer `old` (the change travels through the event's
/// notices), failing after a while.
async fn next_tag(app: &TestApp, path: &str, old: &str) -> Read {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let read = read(app, path, None, &[]).await;
        assert_eq!(read.status, 200);
        if read.etag() != old {
            return read;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the tag never changed after the solve"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

async fn tag_is_stable_revalidates_with_304_and_changes_with_a_solve(app: TestApp) {
    let event = running_event(&app, "tags").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let _ = team(&app, &event, "bob").await;
    let path = "/api/v1/events/tags/leaderboard";

    let first = read(&app, path, None, &[]).await;
    let second = read(&app, path, None, &[]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.etag(), second.etag(), "same board, same tag");
    assert_eq!(first.body, second.body);
    let gz = read(&app, path, None, &[("Accept-Encoding", "gzip")]).await;

    // Revalidation: 304 with the tag, no body.
    let tag = first.etag();
    let same = read(&app, path, None, &[("If-None-Match", &tag)]).await;
    assert_eq!(same.status, 304);
    assert_eq!(same.etag(), tag);
    assert!(same.body.is_empty(), "a 304 has no body");
    assert_eq!(same.cache_control.as_deref(), Some("no-cache"));
    // A gzip client revalidates with its own tag and gets its own tag back; either tag names
    // the same board.
    let gz_tag = gz.etag();
    for held in [&gz_tag, &tag] {
        let again = read(
            &app,
            path,
            None,
            &[("If-None-Match", held), ("Accept-Encoding", "gzip")],
        )
        .await;
        assert_eq!(again.status, 304, "{held}");
        assert_eq!(again.etag(), gz_tag);
        assert!(again.body.is_empty());
    }

    // Announcing a change that moved nothing keeps the bytes and the tag.
    app.state.leaderboard.invalidate(&event.id);
    let unchanged = read(&app, path, None, &[("If-None-Match", &tag)]).await;
    assert_eq!(
        unchanged.status, 304,
        "a recomputed, identical board keeps its tag"
    );

    // A solve changes the board: a new tag, and the old one no longer revalidates.
    let own = expect(
        materials(&app, &alice.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let solved = expect(
        submit(
            &app,
            &alice.access_token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": first_contact_answer(&own)}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(solved["verdict"]["passed"], true, "{solved}");
    let changed = next_tag(&app, path, &tag).await;
    assert_eq!(changed.json()["rows"][0]["team"]["name"], "alice");
    assert_eq!(changed.json()["rows"][0]["solved"], 1);
    let stale = read(&app, path, None, &[("If-None-Match", &tag)]).await;
    assert_eq!(stale.status, 200, "the old tag names a board that is gone");
    assert_eq!(stale.etag(), changed.etag());
    assert_eq!(stale.body, changed.body);
    let stale_gz = read(
        &app,
        path,
        None,
        &[("If-None-Match", &gz_tag), ("Accept-Encoding", "gzip")],
    )
    .await;
    assert_eq!(stale_gz.status, 200);
    assert_ne!(stale_gz.etag(), gz_tag);
    assert_eq!(gunzip(&stale_gz.body), changed.body);
    let fresh = read(&app, path, None, &[("If-None-Match", &changed.etag())]).await;
    assert_eq!(fresh.status, 304);
}

async fn frozen_public_and_live_boards_never_share_a_tag(app: TestApp) {
    let (organizer, fixture) = scored_fixture(&app, Some(10)).await;
    let participant = app.login("member1@acme.example").await;
    let org = Some(organizer.access_token.as_str());

    let public = read(&app, BOARD, None, &[]).await;
    let live = read(&app, BOARD, org, &[]).await;
    assert_eq!(public.json()["frozen"], true);
    assert_eq!(live.json()["frozen"], false);
    assert_ne!(public.etag(), live.etag(), "two boards, two tags");
    let public_gz = read(&app, BOARD, None, &[("Accept-Encoding", "gzip")]).await;
    let live_gz = read(&app, BOARD, org, &[("Accept-Encoding", "gzip")]).await;
    assert_ne!(public_gz.etag(), live_gz.etag());
    assert_eq!(
        gunzip(&public_gz.body),
        public.body,
        "the frozen bytes, gzipped"
    );
    assert_eq!(gunzip(&live_gz.body), live.body);

    // Replaying the organizers' tags never gets the public a 304 (which would tell it the
    // live board is its board) nor the live bytes: it gets the frozen board.
    for (held, accept) in [
        (live.etag(), "identity"),
        (live_gz.etag(), "gzip"),
        (format!("W/{}", live.etag()), "identity"),
        (format!("{}, {}", live.etag(), live_gz.etag()), "gzip"),
    ] {
        for token in [None, Some(participant.access_token.as_str())] {
            let replay = read(
                &app,
                BOARD,
                token,
                &[("If-None-Match", &held), ("Accept-Encoding", accept)],
            )
            .await;
            assert_eq!(replay.status, 200, "{held} as {token:?}");
            let body = match replay.encoding.as_deref() {
                Some("gzip") => gunzip(&replay.body),
                _ => replay.body.clone(),
            };
            assert_eq!(body, public.body, "the frozen board, not the live one");
            assert_eq!(
                summary(&replay_json(&body))[1].2,
                0,
                "B's late solve hidden"
            );
        }
    }
    // And the other way round: the public tag does not revalidate the live board.
    let organizer_replay = read(&app, BOARD, org, &[("If-None-Match", &public.etag())]).await;
    assert_eq!(organizer_replay.status, 200);
    assert_eq!(organizer_replay.body, live.body);
    // Each view revalidates with its own tag, the organizer's public view included.
    for (token, query, tag) in [
        (None, "", public.etag()),
        (org, "", live.etag()),
        (org, "?view=public", public.etag()),
        (Some(participant.access_token.as_str()), "", public.etag()),
    ] {
        let path = format!("{BOARD}{query}");
        let again = read(&app, &path, token, &[("If-None-Match", &tag)]).await;
        assert_eq!(again.status, 304, "{query} as {token:?}");
        assert_eq!(again.etag(), tag);
    }
    // A late solve moves the live board only: the organizers get a new tag, the public keeps
    // revalidating the frozen bytes it holds.
    let (event_id, g) = (fixture.event.id.clone(), std::sync::Arc::new(fixture));
    app.state
        .db
        .write(move |conn| judged(conn, &g, 2, 1, 1, true, 100))
        .await
        .expect("a late solve");
    app.state.leaderboard.invalidate(&event_id);
    let moved = read(&app, BOARD, org, &[("If-None-Match", &live.etag())]).await;
    assert_eq!(moved.status, 200, "the live board moved");
    assert_ne!(moved.etag(), live.etag());
    assert_ne!(moved.etag(), public.etag());
    let frozen = read(&app, BOARD, None, &[("If-None-Match", &public.etag())]).await;
    assert_eq!(frozen.status, 304, "the frozen board has not moved");
    let replay = read(&app, BOARD, None, &[("If-None-Match", &moved.etag())]).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.body, public.body, "still the frozen bytes");
}

fn replay_json(body: &[u8]) -> Value {
    serde_json::from_slice(body).expect("JSON")
}

async fn if_none_match_is_read_per_rfc_9110(app: TestApp) {
    let _ = scored_fixture(&app, None).await;
    let current = read(&app, BOARD, None, &[]).await;
    let tag = current.etag();
    let opaque = tag.trim_matches('"').to_owned();
    let weak = format!("W/{tag}");
    let list = format!("\"0123\", W/\"abc\" ,{tag}");
    let spaced = format!("  {tag}  ");
    let cases: Vec<(Vec<(&str, &str)>, u16)> = vec![
        (vec![("If-None-Match", &tag)], 304),
        (vec![("If-None-Match", &weak)], 304), // weak comparison
        (vec![("If-None-Match", &list)], 304),
        (vec![("If-None-Match", &spaced)], 304),
        (vec![("If-None-Match", "*")], 304),
        // Two header lines: the second names the board.
        (
            vec![("If-None-Match", "\"other\""), ("If-None-Match", &tag)],
            304,
        ),
        (vec![("If-None-Match", "\"other\", W/\"another\"")], 200),
        (vec![("If-None-Match", &opaque)], 200), // not quoted: not an entity tag
        (vec![("If-None-Match", "garbage")], 200),
        (vec![("If-None-Match", "\"unterminated")], 200),
        (vec![("If-None-Match", "")], 200),
        (vec![("If-None-Match", "W/")], 200),
        (vec![("If-None-Match", "\"\"")], 200),
    ];
    for (headers, status) in cases {
        let answer = read(&app, BOARD, None, &headers).await;
        assert_eq!(answer.status, status, "{headers:?}");
        assert_eq!(answer.etag(), tag, "{headers:?}");
        if status == 200 {
            assert_eq!(answer.body, current.body, "{headers:?}");
        } else {
            assert!(answer.body.is_empty());
        }
    }
    // A precondition never turns an unknown event into a 304.
    let unknown = read(
        &app,
        "/api/v1/events/nope/leaderboard",
        None,
        &[("If-None-Match", "*")],
    )
    .await;
    assert_eq!(unknown.status, 404);
}
