//! Seeding a board straight into the database: a ladder of challenges with one validator
//! version, and judged submissions with their verdicts at exact times. Tests that pin a
//! ranking rule (the leaderboard, brackets) write verdicts this way instead of judging real
//! submissions, so that times around a freeze are exact; the live-layer bench seeds its
//! ladder with it too (it includes this file by path, so it depends on `cohack_server` and
//! `diesel` only).

use chrono::NaiveDateTime;
use cohack_server::{
    db::{
        DbConnection, new_id,
        schema::{challenges, submissions, validator_blobs, validator_versions, verdicts},
    },
    error::Error,
};
use diesel::prelude::*;

/// The key of the one-byte validator blob a seeded ladder's version points at (never run).
pub const BLOB_HASH: &str = "h";

/// A seeded ladder.
#[derive(Debug, Clone)]
pub struct Ladder {
    /// The challenges' ids, by position (1 first).
    pub challenges: Vec<String>,
    /// The first challenge's validator version: seeded verdicts name it.
    pub version: String,
}

/// Writes `count` challenges of 100 points into the event `event_id`, at positions 1 to
/// `count`, slugs `{slug_prefix}{position}` and titles `Challenge {position}`, and one
/// validator version of the first, published by `publisher` at `now` (with the blob it
/// names, once per database).
pub fn ladder(
    conn: &mut DbConnection,
    event_id: &str,
    publisher: &str,
    count: i32,
    slug_prefix: &str,
    now: NaiveDateTime,
) -> Result<Ladder, Error> {
    diesel::insert_into(validator_blobs::table)
        .values((
            validator_blobs::hash.eq(BLOB_HASH),
            validator_blobs::wasm.eq(vec![0u8]),
            validator_blobs::size_bytes.eq(1i64),
            validator_blobs::created_at.eq(now),
        ))
        .execute(conn)?;
    let mut ids = Vec::new();
    for position in 1..=count {
        let id = new_id();
        diesel::insert_into(challenges::table)
            .values((
                challenges::id.eq(&id),
                challenges::event_id.eq(event_id),
                challenges::slug.eq(format!("{slug_prefix}{position}")),
                challenges::title.eq(format!("Challenge {position}")),
                challenges::position.eq(position),
                challenges::points.eq(100),
                challenges::statement.eq("…"),
                challenges::created_at.eq(now),
                challenges::updated_at.eq(now),
            ))
            .execute(conn)?;
        ids.push(id);
    }
    let version = new_id();
    let first = ids.first().ok_or(Error::NotFound("challenge"))?;
    diesel::insert_into(validator_versions::table)
        .values((
            validator_versions::id.eq(&version),
            validator_versions::challenge_id.eq(first),
            validator_versions::version.eq(1),
            validator_versions::blob_hash.eq(BLOB_HASH),
            validator_versions::manifest.eq("{}"),
            validator_versions::sample_report.eq("{}"),
            validator_versions::published_by.eq(publisher),
            validator_versions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Ladder {
        challenges: ids,
        version,
    })
}

/// One judged submission and its current verdict.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    /// The team.
    pub team: &'a str,
    /// The challenge.
    pub challenge: &'a str,
    /// Who submitted (a member of the team).
    pub submitted_by: &'a str,
    /// The validator version that judged it.
    pub version: &'a str,
    /// When it was submitted and judged.
    pub at: NaiveDateTime,
    /// Whether it passed.
    pub passed: bool,
    /// Its score (of 100).
    pub score: i32,
}

/// Writes a judged submission and its current verdict.
pub fn judged(conn: &mut DbConnection, judged: Judged<'_>) -> Result<(), Error> {
    let submission = new_id();
    diesel::insert_into(submissions::table)
        .values((
            submissions::id.eq(&submission),
            submissions::team_id.eq(judged.team),
            submissions::challenge_id.eq(judged.challenge),
            submissions::submitted_by.eq(judged.submitted_by),
            submissions::status.eq("judged"),
            submissions::created_at.eq(judged.at),
        ))
        .execute(conn)?;
    diesel::insert_into(verdicts::table)
        .values((
            verdicts::id.eq(new_id()),
            verdicts::submission_id.eq(&submission),
            verdicts::validator_version_id.eq(judged.version),
            verdicts::is_current.eq(true),
            verdicts::passed.eq(judged.passed),
            verdicts::score.eq(judged.score),
            verdicts::max_score.eq(100),
            verdicts::feedback.eq(""),
            verdicts::checks.eq("[]"),
            verdicts::notes.eq(""),
            verdicts::logs.eq("[]"),
            verdicts::fuel_used.eq(0i64),
            verdicts::duration_us.eq(0i64),
            verdicts::created_at.eq(judged.at),
        ))
        .execute(conn)?;
    Ok(())
}
