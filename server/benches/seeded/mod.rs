//! The large event the insights and report benches share: 50 teams of three organizations,
//! 5 challenges, 20,000 judged submissions (80 per team and challenge, one minute apart) with
//! four checks each, failing in a team-dependent pattern, partial credit before most teams'
//! last attempt passes; on the database given (the benches use a fresh SQLite file).

use chrono::TimeDelta;
use cohack_server::{
    db::{
        DbConnection, new_id, now,
        schema::{challenges, submissions, validator_blobs, validator_versions, verdicts},
    },
    models::{
        event::{Event, EventSettings},
        organization::Organization,
        role::{self, EventRole},
        team::Team,
        user::{NewUser, User},
    },
};
use diesel::prelude::*;

pub const TEAMS: usize = 50;
pub const CHALLENGES: usize = 5;
pub const SUBMISSIONS: usize = 20_000;
const CHECKS: [&str; 4] = ["parse", "schema", "count", "edge-cases"];
pub const ORGANIZATIONS: [&str; 3] = ["Acme", "Globex", "Initech"];

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

/// Seeds the event `big` and returns its organizer.
pub fn seed(conn: &mut DbConnection) -> User {
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
