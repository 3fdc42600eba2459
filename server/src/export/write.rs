//! Writing an event's export file (the format is described in [`crate::export`]).

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Write,
};

use diesel::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{
    db::{DbConnection, now, schema::*},
    error::{Error, Result},
    export::{FORMAT, Progress, VERSION, rows::*},
};

/// What to export.
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Replace user names and emails by stable pseudonyms.
    pub anonymize: bool,
}

/// What was exported.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// Rows per table.
    pub counts: BTreeMap<String, usize>,
    /// The content digest written in the trailer.
    pub sha256: String,
}

/// A writer that hashes what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn io(e: std::io::Error) -> Error {
    Error::internal(anyhow::Error::new(e).context("cannot write the export"))
}

/// Loads every row of the event `slug`, parents first.
fn load(conn: &mut DbConnection, slug: &str) -> Result<Vec<Row>> {
    let event: EventRow = events::table
        .filter(events::slug.eq(slug))
        .select(EventRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(Error::NotFound("event"))?;
    let id = event.id.clone();
    let mut rows: Vec<Row> = vec![Row::EventRow(event)];
    macro_rules! push {
        ($variant:ident, $query:expr) => {
            rows.extend(
                $query
                    .load::<$variant>(conn)?
                    .into_iter()
                    .map(Row::$variant),
            );
        };
    }
    push!(
        EventRoleRow,
        event_roles::table
            .filter(event_roles::event_id.eq(&id))
            .order((
                event_roles::created_at,
                event_roles::user_id,
                event_roles::role
            ))
            .select(EventRoleRow::as_select())
    );
    push!(
        EventBracketRow,
        event_brackets::table
            .filter(event_brackets::event_id.eq(&id))
            .order(event_brackets::position)
            .select(EventBracketRow::as_select())
    );
    push!(
        TeamRow,
        teams::table
            .filter(teams::event_id.eq(&id))
            .order(teams::id)
            .select(TeamRow::as_select())
    );
    push!(
        TeamMemberRow,
        team_members::table
            .filter(team_members::event_id.eq(&id))
            .order((team_members::team_id, team_members::user_id))
            .select(TeamMemberRow::as_select())
    );
    push!(
        TeamCoachRow,
        team_coaches::table
            .inner_join(teams::table)
            .filter(teams::event_id.eq(&id))
            .order((team_coaches::team_id, team_coaches::user_id))
            .select(TeamCoachRow::as_select())
    );
    push!(
        TeamEndpointRow,
        team_endpoints::table
            .inner_join(teams::table)
            .filter(teams::event_id.eq(&id))
            .order((team_endpoints::team_id, team_endpoints::name))
            .select(TeamEndpointRow::as_select())
    );
    push!(
        TeamBracketRow,
        team_brackets::table
            .filter(team_brackets::event_id.eq(&id))
            .order(team_brackets::team_id)
            .select(TeamBracketRow::as_select())
    );
    push!(
        ChallengeRow,
        challenges::table
            .filter(challenges::event_id.eq(&id))
            .order(challenges::position)
            .select(ChallengeRow::as_select())
    );
    let versions: Vec<ValidatorVersionRow> = validator_versions::table
        .inner_join(challenges::table)
        .filter(challenges::event_id.eq(&id))
        .order((
            validator_versions::challenge_id,
            validator_versions::version,
        ))
        .select(ValidatorVersionRow::as_select())
        .load(conn)?;
    let hashes: BTreeSet<&str> = versions.iter().map(|v| v.blob_hash.as_str()).collect();
    push!(
        ValidatorBlobRow,
        validator_blobs::table
            .filter(validator_blobs::hash.eq_any(hashes))
            .order(validator_blobs::hash)
            .select(ValidatorBlobRow::as_select())
    );
    rows.extend(versions.into_iter().map(Row::ValidatorVersionRow));
    push!(
        SubmissionRow,
        submissions::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order((submissions::created_at, submissions::id))
            .select(SubmissionRow::as_select())
    );
    push!(
        SubmissionFileRow,
        submission_files::table
            .inner_join(submissions::table.inner_join(challenges::table))
            .filter(challenges::event_id.eq(&id))
            .order((submission_files::submission_id, submission_files::path))
            .select(SubmissionFileRow::as_select())
    );
    push!(
        VerdictRow,
        verdicts::table
            .inner_join(submissions::table.inner_join(challenges::table))
            .filter(challenges::event_id.eq(&id))
            .order((verdicts::created_at, verdicts::id))
            .select(VerdictRow::as_select())
    );
    push!(
        ChatMessageRow,
        chat_messages::table
            .inner_join(teams::table)
            .filter(teams::event_id.eq(&id))
            .order(chat_messages::id)
            .select(ChatMessageRow::as_select())
    );
    push!(
        DocumentRow,
        documents::table
            .inner_join(teams::table)
            .filter(teams::event_id.eq(&id))
            .order(documents::id)
            .select(DocumentRow::as_select())
    );
    push!(
        DocumentUpdateRow,
        document_updates::table
            .inner_join(documents::table.inner_join(teams::table))
            .filter(teams::event_id.eq(&id))
            .order((document_updates::document_id, document_updates::seq))
            .select(DocumentUpdateRow::as_select())
    );
    push!(
        HelpCallRow,
        help_calls::table
            .filter(help_calls::event_id.eq(&id))
            .order(help_calls::id)
            .select(HelpCallRow::as_select())
    );
    push!(
        AnnouncementRow,
        announcements::table
            .filter(announcements::event_id.eq(&id))
            .order(announcements::id)
            .select(AnnouncementRow::as_select())
    );
    push!(
        CoachNoteRow,
        coach_notes::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order(coach_notes::id)
            .select(CoachNoteRow::as_select())
    );
    push!(
        FeedbackRow,
        challenge_feedback::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order(challenge_feedback::id)
            .select(FeedbackRow::as_select())
    );
    push!(
        ChallengeOpenRow,
        challenge_opens::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order((challenge_opens::team_id, challenge_opens::challenge_id))
            .select(ChallengeOpenRow::as_select())
    );
    push!(
        HintUnlockRow,
        hint_unlocks::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order((
                hint_unlocks::team_id,
                hint_unlocks::challenge_id,
                hint_unlocks::hint_index,
            ))
            .select(HintUnlockRow::as_select())
    );
    // Oldest first: a duplicate names the question it repeats, asked before it.
    push!(
        QuestionRow,
        questions::table
            .filter(questions::event_id.eq(&id))
            .order((questions::created_at, questions::id))
            .select(QuestionRow::as_select())
    );
    push!(
        CannedAnswerRow,
        canned_answers::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order(canned_answers::id)
            .select(CannedAnswerRow::as_select())
    );
    push!(
        NudgeRow,
        nudges::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order((nudges::team_id, nudges::challenge_id))
            .select(NudgeRow::as_select())
    );
    push!(
        SignOffRow,
        sign_offs::table
            .inner_join(challenges::table)
            .filter(challenges::event_id.eq(&id))
            .order(sign_offs::submission_id)
            .select(SignOffRow::as_select())
    );
    push!(
        OpeningRow,
        staff_openings::table
            .filter(staff_openings::event_id.eq(&id))
            .order((staff_openings::created_at, staff_openings::id))
            .select(OpeningRow::as_select())
    );
    push!(
        RewardRow,
        rewards::table
            .filter(rewards::event_id.eq(&id))
            .order((rewards::created_at, rewards::id))
            .select(RewardRow::as_select())
    );
    push!(
        TermsRow,
        event_terms::table
            .filter(event_terms::event_id.eq(&id))
            .order(event_terms::version)
            .select(TermsRow::as_select())
    );
    push!(
        TermsAcceptanceRow,
        terms_acceptances::table
            .filter(terms_acceptances::event_id.eq(&id))
            .order((
                terms_acceptances::accepted_at,
                terms_acceptances::user_id,
                terms_acceptances::version,
            ))
            .select(TermsAcceptanceRow::as_select())
    );
    // The people the rows reference, and their organizations, go first.
    let user_ids: BTreeSet<String> = rows
        .iter()
        .flat_map(|r| r.user_ids())
        .map(str::to_owned)
        .collect();
    let users: Vec<UserRow> = users::table
        .filter(users::id.eq_any(&user_ids))
        .order(users::id)
        .select(UserRow::as_select())
        .load(conn)?;
    let org_ids: BTreeSet<&str> = users.iter().map(|u| u.organization_id.as_str()).collect();
    let orgs: Vec<OrganizationRow> = organizations::table
        .filter(organizations::id.eq_any(org_ids))
        .order(organizations::id)
        .select(OrganizationRow::as_select())
        .load(conn)?;
    let mut all: Vec<Row> = orgs.into_iter().map(Row::OrganizationRow).collect();
    all.extend(users.into_iter().map(Row::UserRow));
    all.extend(rows);
    // Stable order: the format's table order (`TABLES`).
    all.sort_by_key(|r| TABLES.iter().position(|t| *t == r.table()));
    Ok(all)
}

/// A stable pseudonym for a user id.
fn pseudonym(user_id: &str) -> String {
    let digest = Sha256::digest(user_id.as_bytes());
    format!("person-{}", &hex::encode(digest)[..8])
}

/// Writes the export of the event `slug` to `out`.
pub fn export_event(
    conn: &mut DbConnection,
    slug: &str,
    options: &ExportOptions,
    out: impl Write,
    progress: &mut dyn Progress,
) -> Result<ExportSummary> {
    // One consistent snapshot of the event: a read transaction around every query.
    let mut rows = conn.transaction(|conn| load(conn, slug))?;
    if options.anonymize {
        for row in &mut rows {
            if let Row::UserRow(user) = row {
                let name = pseudonym(&user.id);
                user.email = format!("{name}@anonymized.invalid");
                user.display_name = name;
                user.password_hash = String::new();
            }
        }
    }
    let mut out = Hashing {
        inner: std::io::BufWriter::new(out),
        hasher: Sha256::new(),
    };
    let header = json!({
        "format": FORMAT,
        "version": VERSION,
        "event": slug,
        "exported_at": now(),
        "anonymized": options.anonymize,
        "tables": TABLES,
    });
    writeln!(out, "{header}").map_err(io)?;
    let mut counts: BTreeMap<String, usize> = TABLES.iter().map(|t| ((*t).to_owned(), 0)).collect();
    for row in &rows {
        let line = json!({"table": row.table(), "row": row.to_json().map_err(Error::internal)?});
        writeln!(out, "{line}").map_err(io)?;
        let count = counts.entry(row.table().to_owned()).or_default();
        *count += 1;
        if count.is_multiple_of(1000) {
            progress.rows(row.table(), *count);
        }
    }
    let sha256 = hex::encode(out.hasher.clone().finalize());
    let trailer = json!({"trailer": {"rows": rows.len(), "counts": counts, "sha256": sha256}});
    let mut inner = out.inner;
    writeln!(inner, "{trailer}").map_err(io)?;
    inner.flush().map_err(io)?;
    Ok(ExportSummary { counts, sha256 })
}
