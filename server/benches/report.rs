//! The event's report (issue #22) on a large event: 50 teams of three organizations, 5
//! challenges, 20,000 judged submissions with per-check verdicts, on SQLite. It times, without
//! HTTP, the work of each answer: the JSON cliffs report (load, rank, encode), and the report
//! (load, cliffs per organization, race, charts, HTML) as the page's body and as the file.
//!
//! `cargo bench -p cohack-server --bench report` prints one line per answer (the figures in
//! `BENCHMARKS.md`, "The report (issue #22)").

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use cohack_server::{
    config::DatabaseUrl,
    db::{
        Database, DbConnection, new_id, now,
        schema::{challenges, submissions, validator_blobs, validator_versions, verdicts},
    },
    insights::report::{ReportFilter, cliffs_as, report_as},
    models::{
        event::{Event, EventSettings},
        organization::Organization,
        role::{self, EventRole},
        team::Team,
        user::{NewUser, User},
    },
    web::pages::report::file,
};
use diesel::prelude::*;

const TEAMS: usize = 50;
const CHALLENGES: usize = 5;
const SUBMISSIONS: usize = 20_000;
const CHECKS: [&str; 4] = ["parse", "schema", "count", "edge-cases"];
const ORGANIZATIONS: [&str; 3] = ["Acme", "Globex", "Initech"];

fn user(conn: &mut DbConnection, email: &str, org: &str, organizer: bool) -> User {
    let org = Organization::find_or_create(conn, org).expect("org");
    User::create(
        conn,
        NewUser {
            email,
            password_hash: String::new(),
            display_name: email,
            organization_id: &org.id,
            is_portal_organizer: organizer,
        },
    )
    .expect("user")
}

fn seed(conn: &mut DbConnection) -> User {
    let organizer = user(conn, "org@vendor.example", "Vendor", true);
    let start = now() - TimeDelta::days(2);
    let event = Event::create(
        conn,
        EventSettings {
            slug: "big".into(),
            name: "Big hack".into(),
            description: String::new(),
            starts_at: start,
            ends_at: start + TimeDelta::days(1),
            freeze_at: Some(start + TimeDelta::hours(22)),
            registration: "open".into(),
            invite_code: None,
            team_size_min: 1,
            team_size_max: 10,
        },
        &organizer.id,
    )
    .expect("event");
    diesel::insert_into(validator_blobs::table)
        .values((
            validator_blobs::hash.eq("h"),
            validator_blobs::wasm.eq(vec![0u8]),
            validator_blobs::size_bytes.eq(1i64),
            validator_blobs::created_at.eq(now()),
        ))
        .execute(conn)
        .expect("blob");
    let mut ladder = Vec::new();
    for c in 0..CHALLENGES {
        let (id, version) = (new_id(), new_id());
        diesel::insert_into(challenges::table)
            .values((
                challenges::id.eq(&id),
                challenges::event_id.eq(&event.id),
                challenges::slug.eq(format!("challenge-{c}")),
                challenges::title.eq(format!("Challenge {c}")),
                challenges::summary.eq(""),
                challenges::position.eq(i32::try_from(c).expect("small") + 1),
                challenges::points.eq(100),
                challenges::statement.eq(""),
                challenges::always_open.eq(false),
                challenges::config.eq("{}"),
                challenges::limits.eq("{}"),
                challenges::live_version_id.eq(&version),
                challenges::created_at.eq(now()),
                challenges::updated_at.eq(now()),
            ))
            .execute(conn)
            .expect("challenge");
        diesel::insert_into(validator_versions::table)
            .values((
                validator_versions::id.eq(&version),
                validator_versions::challenge_id.eq(&id),
                validator_versions::version.eq(1),
                validator_versions::blob_hash.eq("h"),
                validator_versions::manifest.eq("{}"),
                validator_versions::sample_report.eq("[]"),
                validator_versions::published_by.eq(&organizer.id),
                validator_versions::created_at.eq(now()),
            ))
            .execute(conn)
            .expect("version");
        ladder.push((id, version));
    }
    let mut teams = Vec::new();
    for t in 0..TEAMS {
        let org = ORGANIZATIONS[t % ORGANIZATIONS.len()];
        let member = user(conn, &format!("m{t}@{org}.example"), org, false);
        role::grant(conn, &event.id, &member.id, EventRole::Participant, None).expect("role");
        let team = Team::create(conn, &event, &format!("team-{t}"), &member.id).expect("team");
        teams.push((team.id, member.id));
    }
    // 400 attempts per team, 80 per challenge, one minute apart; most teams pass on their
    // last attempt there, with partial credit before.
    let per_pair = SUBMISSIONS / TEAMS / CHALLENGES;
    conn.transaction(|conn| {
        for (t, (team, member)) in teams.iter().enumerate() {
            for (c, (challenge, version)) in ladder.iter().enumerate() {
                for i in 0..per_pair {
                    let at = start
                        + TimeDelta::minutes(i64::try_from(c * per_pair + i).expect("small"));
                    let passed = i == per_pair - 1 && (t + c) % 7 != 0;
                    let checks: Vec<_> = CHECKS
                        .iter()
                        .enumerate()
                        .map(|(k, name)| {
                            let ok = passed || (i * (k + 1) + t) % 5 > k;
                            serde_json::json!({"name": name, "passed": ok,
                                "message": if ok { "ok".to_owned() } else { format!("{name} failed on line {i}") }})
                        })
                        .collect();
                    let id = new_id();
                    diesel::insert_into(submissions::table)
                        .values((
                            submissions::id.eq(&id),
                            submissions::team_id.eq(team),
                            submissions::challenge_id.eq(challenge),
                            submissions::submitted_by.eq(member),
                            submissions::answer.eq("42"),
                            submissions::status.eq("judged"),
                            submissions::created_at.eq(at),
                        ))
                        .execute(conn)?;
                    diesel::insert_into(verdicts::table)
                        .values((
                            verdicts::id.eq(new_id()),
                            verdicts::submission_id.eq(&id),
                            verdicts::validator_version_id.eq(version),
                            verdicts::is_current.eq(true),
                            verdicts::passed.eq(passed),
                            verdicts::score.eq(if passed { 100 } else { i32::from(i % 3 == 0) * 40 }),
                            verdicts::max_score.eq(100),
                            verdicts::feedback.eq(""),
                            verdicts::checks.eq(serde_json::Value::from(checks).to_string()),
                            verdicts::notes.eq(""),
                            verdicts::logs.eq("[]"),
                            verdicts::fuel_used.eq(1i64),
                            verdicts::duration_us.eq(1i64),
                            verdicts::created_at.eq(at),
                        ))
                        .execute(conn)?;
                }
            }
        }
        Ok::<_, diesel::result::Error>(())
    })
    .expect("submissions");
    organizer
}

/// Runs `work` 30 times and prints min, median, p90 and max.
fn time(name: &str, mut work: impl FnMut() -> usize) {
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for _ in 0..30 {
        let t = Instant::now();
        bytes = work();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{name:<44} {bytes:>8} bytes; min {:>9.1?}, median {:>9.1?}, p90 {:>9.1?}, max {:>9.1?} (30 runs)",
        times[0], times[15], times[26], times[29]
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.db"));
    let db = Database::open(&url, 2).expect("open");
    db.migrate().expect("migrate");
    let mut conn = db.checkout(Duration::from_secs(5)).expect("conn");
    let organizer = seed(&mut conn);
    println!(
        "the report, {TEAMS} teams of {} organizations, {CHALLENGES} challenges, {SUBMISSIONS} submissions, SQLite:",
        ORGANIZATIONS.len()
    );
    let all = ReportFilter::default();
    time("JSON cliffs report (GET /insights)", || {
        let report = cliffs_as(&mut conn, &organizer, "big", &all).expect("cliffs");
        serde_json::to_vec(&report).expect("json").len()
    });
    time("report file (Accept: text/html, /download)", || {
        let report = report_as(&mut conn, &organizer, "big", &all).expect("report");
        file(&report).expect("file").len()
    });
    let acme = ReportFilter {
        organization: Some("Acme".into()),
        ..ReportFilter::default()
    };
    time("report file, ?organization=Acme", || {
        let report = report_as(&mut conn, &organizer, "big", &acme).expect("report");
        file(&report).expect("file").len()
    });
    time("report data only (report_as)", || {
        report_as(&mut conn, &organizer, "big", &all)
            .expect("report")
            .cliffs
            .cliffs
            .len()
    });
}
