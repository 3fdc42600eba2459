//! Reading and importing an export file: verified whole before anything is written, then
//! inserted in one transaction (see [`crate::export`] for the format and the matching rules).

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::{
    db::{DbConnection, schema::*},
    export::{FORMAT, Progress, VERSION, rows::*},
};

/// Why an import was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file stops before its trailer.
    #[error("the file is truncated: {0}")]
    Truncated(String),
    /// The digest or the counts do not match the content.
    #[error("the file was altered after export: {0}")]
    Tampered(String),
    /// Not an export, or a version this cohack does not read.
    #[error("not a cohack event export: {0}")]
    Format(String),
    /// The target already has an event with this slug.
    #[error(
        "an event with the slug `{0}` already exists on the target database; nothing was imported"
    )]
    SlugTaken(String),
    /// The database refused a row.
    #[error("the database refused the import (nothing was imported): {0}")]
    Database(#[from] diesel::result::Error),
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The event's slug.
    pub event: String,
    /// Rows inserted per table.
    pub counts: BTreeMap<String, usize>,
    /// Users matched to existing accounts by email.
    pub matched_users: usize,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
    event: String,
}

#[derive(Deserialize)]
struct Trailer {
    rows: usize,
    counts: BTreeMap<String, usize>,
    sha256: String,
}

#[derive(Deserialize)]
struct TrailerLine {
    trailer: Trailer,
}

#[derive(Deserialize)]
struct RowLine {
    table: String,
    row: serde_json::Value,
}

/// Checks the file whole and parses it: the header, the rows, the trailer.
fn parse(bytes: &[u8]) -> Result<(Header, Vec<Row>), ImportError> {
    let Some(body) = bytes.strip_suffix(b"\n") else {
        return Err(ImportError::Truncated(
            "it does not end with a complete line".into(),
        ));
    };
    let trailer_start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let trailer: TrailerLine = serde_json::from_slice(&body[trailer_start..]).map_err(|_| {
        ImportError::Truncated("its last line is not the trailer (counts and sha256)".into())
    })?;
    let trailer = trailer.trailer;
    let content = &bytes[..trailer_start];
    let digest = hex::encode(Sha256::digest(content));
    if digest != trailer.sha256 {
        return Err(ImportError::Tampered(format!(
            "sha256 of the content is {digest}, the trailer says {}",
            trailer.sha256
        )));
    }
    let text = std::str::from_utf8(content)
        .map_err(|_| ImportError::Format("the content is not UTF-8".into()))?;
    let mut lines = text.lines();
    let header: Header = lines
        .next()
        .and_then(|l| serde_json::from_str(l).ok())
        .ok_or_else(|| ImportError::Format("the first line is not an export header".into()))?;
    if header.format != FORMAT {
        return Err(ImportError::Format(format!("format {:?}", header.format)));
    }
    if header.version != VERSION {
        return Err(ImportError::Format(format!(
            "version {} (this cohack reads version {VERSION})",
            header.version
        )));
    }
    let mut rows = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (i, line) in lines.enumerate() {
        let parsed: RowLine = serde_json::from_str(line)
            .map_err(|e| ImportError::Format(format!("line {}: {e}", i + 2)))?;
        let row = Row::from_json(&parsed.table, parsed.row)
            .map_err(|e| ImportError::Format(format!("line {}: {e}", i + 2)))?;
        *counts.entry(parsed.table).or_default() += 1;
        rows.push(row);
    }
    let expected: BTreeMap<String, usize> =
        trailer.counts.into_iter().filter(|(_, n)| *n > 0).collect();
    if rows.len() != trailer.rows || counts != expected {
        return Err(ImportError::Tampered(format!(
            "{} rows found, the trailer says {}",
            rows.len(),
            trailer.rows
        )));
    }
    Ok((header, rows))
}

/// Imports an export file's bytes into the database behind `conn`: all of it or nothing.
pub fn import_file(
    conn: &mut DbConnection,
    bytes: &[u8],
    progress: &mut dyn Progress,
) -> Result<ImportSummary, ImportError> {
    let (header, rows) = parse(bytes)?;
    conn.transaction(|conn| insert_all(conn, &header.event, rows, progress))
}

fn insert_all(
    conn: &mut DbConnection,
    slug: &str,
    rows: Vec<Row>,
    progress: &mut dyn Progress,
) -> Result<ImportSummary, ImportError> {
    let taken: i64 = events::table
        .filter(events::slug.eq(slug))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(ImportError::SlugTaken(slug.to_owned()));
    }
    let mut orgs: HashMap<String, String> = HashMap::new();
    let mut users_map: HashMap<String, String> = HashMap::new();
    let mut live_versions: Vec<(String, String)> = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut matched_users = 0;
    for mut row in rows {
        row.remap_users(&users_map);
        let table = row.table();
        macro_rules! insert {
            ($table:ident, $r:expr) => {{
                diesel::insert_into($table::table)
                    .values($r)
                    .execute(conn)?;
            }};
        }
        match &mut row {
            Row::OrganizationRow(r) => {
                let existing: Option<String> = organizations::table
                    .filter(organizations::name.eq(&r.name))
                    .select(organizations::id)
                    .first(conn)
                    .optional()?;
                match existing {
                    Some(id) => {
                        orgs.insert(r.id.clone(), id);
                        continue;
                    }
                    None => insert!(organizations, &*r),
                };
            }
            Row::UserRow(r) => {
                let existing: Option<String> = users::table
                    .filter(users::email.eq(&r.email))
                    .select(users::id)
                    .first(conn)
                    .optional()?;
                if let Some(id) = existing {
                    users_map.insert(r.id.clone(), id);
                    matched_users += 1;
                    continue;
                }
                if let Some(id) = orgs.get(&r.organization_id) {
                    r.organization_id.clone_from(id);
                }
                insert!(users, &*r);
            }
            Row::EventRow(r) => insert!(events, &*r),
            Row::EventRoleRow(r) => insert!(event_roles, &*r),
            Row::TeamRow(r) => insert!(teams, &*r),
            Row::TeamMemberRow(r) => insert!(team_members, &*r),
            Row::TeamCoachRow(r) => insert!(team_coaches, &*r),
            Row::ChallengeRow(r) => {
                // The live version is set once the versions exist (they reference the
                // challenge).
                if let Some(version) = r.live_version_id.take() {
                    live_versions.push((r.id.clone(), version));
                }
                insert!(challenges, &*r);
            }
            Row::ValidatorBlobRow(r) => {
                let present: i64 = validator_blobs::table
                    .filter(validator_blobs::hash.eq(&r.hash))
                    .count()
                    .get_result(conn)?;
                if present > 0 {
                    continue;
                }
                insert!(validator_blobs, &*r);
            }
            Row::ValidatorVersionRow(r) => insert!(validator_versions, &*r),
            Row::SubmissionRow(r) => insert!(submissions, &*r),
            Row::SubmissionFileRow(r) => insert!(submission_files, &*r),
            Row::VerdictRow(r) => insert!(verdicts, &*r),
            Row::ChatMessageRow(r) => insert!(chat_messages, &*r),
            Row::DocumentRow(r) => insert!(documents, &*r),
            Row::DocumentUpdateRow(r) => insert!(document_updates, &*r),
            Row::HelpCallRow(r) => insert!(help_calls, &*r),
            Row::AnnouncementRow(r) => insert!(announcements, &*r),
            Row::CoachNoteRow(r) => insert!(coach_notes, &*r),
            Row::FeedbackRow(r) => insert!(challenge_feedback, &*r),
            Row::ChallengeOpenRow(r) => insert!(challenge_opens, &*r),
        };
        let count = counts.entry(table.to_owned()).or_default();
        *count += 1;
        if count.is_multiple_of(1000) {
            progress.rows(table, *count);
        }
    }
    for (challenge, version) in live_versions {
        diesel::update(challenges::table.find(&challenge))
            .set(challenges::live_version_id.eq(Some(version)))
            .execute(conn)?;
    }
    Ok(ImportSummary {
        event: slug.to_owned(),
        counts,
        matched_users,
    })
}
