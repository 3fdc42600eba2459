//! Writing a vetted file, inside the import's one transaction: users matched by e-mail or
//! created, organizations matched by name or created (only for new users), fresh team invite
//! codes, blobs stored once by hash, then every other row as vetted.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;

use crate::{
    db::{DbConnection, schema::*},
    error::Error,
    export::{
        Progress,
        error::{ImportError, Refusal},
        read::Numbered,
        rows::Row,
        vet::Vetted,
    },
    models::{
        event::Event,
        organization::Organization,
        team::new_invite_code,
        user::{NewUser, User},
        validator_version::ValidatorVersion,
    },
};

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportSummary {
    /// The event's slug.
    pub event: String,
    /// The new event's id.
    pub event_id: String,
    /// Rows written per table (validator blobs already present count as written: they are
    /// the same bytes).
    pub counts: BTreeMap<String, usize>,
    /// Users matched to existing accounts by email (referenced, never changed).
    pub matched_users: usize,
}

/// Writes every row of `vetted`; the caller holds the transaction.
pub fn insert_all(
    conn: &mut DbConnection,
    vetted: Vetted,
    progress: &mut dyn Progress,
) -> Result<ImportSummary, ImportError> {
    let Vetted {
        slug,
        rows,
        live_versions,
        organizations: organization_names,
    } = vetted;
    // Ids in the file → ids on the target.
    let mut users: HashMap<String, String> = HashMap::new();
    let mut organizations: HashMap<String, String> = HashMap::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut matched_users = 0;
    let mut event_id = String::new();
    for Numbered { line, mut row } in rows {
        let table = row.table();
        let database = |cause| ImportError::Database {
            line: Some(line),
            cause,
        };
        let store = |cause: Error| ImportError::Store { line, cause };
        for (column, id) in row.user_refs_mut() {
            let target = users.get(id.as_str()).ok_or_else(|| ImportError::Refused {
                line,
                table,
                refusal: Refusal::UnknownReference {
                    column,
                    kind: "user",
                    id: id.clone(),
                },
            })?;
            id.clone_from(target);
        }
        macro_rules! insert {
            ($table:ident, $r:expr) => {{
                diesel::insert_into($table::table)
                    .values($r)
                    .execute(conn)
                    .map_err(database)?;
            }};
        }
        match &mut row {
            // Found or created with their first new member, below.
            Row::OrganizationRow(_) => continue,
            Row::UserRow(r) => {
                if let Some(existing) = User::find_by_email(conn, &r.email).map_err(store)? {
                    users.insert(r.id.clone(), existing.id);
                    matched_users += 1;
                    continue;
                }
                let organization = match organizations.get(&r.organization_id) {
                    Some(id) => id.clone(),
                    None => {
                        let name = organization_names
                            .get(&r.organization_id)
                            .map_or("", String::as_str);
                        let found = Organization::find_or_create(conn, name).map_err(store)?;
                        organizations.insert(r.organization_id.clone(), found.id.clone());
                        found.id
                    }
                };
                let created = User::create(
                    conn,
                    NewUser {
                        email: &r.email,
                        password_hash: r.password_hash.clone(),
                        display_name: &r.display_name,
                        organization_id: &organization,
                        is_portal_organizer: false,
                    },
                )
                .map_err(store)?;
                users.insert(r.id.clone(), created.id);
            }
            Row::EventRow(r) => {
                match Event::find_by_slug(conn, &r.slug) {
                    Ok(_) => {
                        return Err(ImportError::Refused {
                            line,
                            table,
                            refusal: Refusal::SlugTaken(r.slug.clone()),
                        });
                    }
                    Err(Error::NotFound(_)) => {}
                    Err(other) => return Err(store(other)),
                }
                insert!(events, &*r);
                event_id.clone_from(&r.id);
            }
            Row::EventRoleRow(r) => insert!(event_roles, &*r),
            Row::EventBracketRow(r) => insert!(event_brackets, &*r),
            Row::TeamRow(r) => {
                // The file's codes are the source portal's secrets, and may collide here.
                r.invite_code = new_invite_code().map_err(store)?;
                insert!(teams, &*r);
            }
            Row::TeamMemberRow(r) => insert!(team_members, &*r),
            Row::TeamCoachRow(r) => insert!(team_coaches, &*r),
            Row::TeamEndpointRow(r) => insert!(team_endpoints, &*r),
            Row::TeamBracketRow(r) => insert!(team_brackets, &*r),
            Row::ChallengeRow(r) => insert!(challenges, &*r),
            // Vetted: the hash is the sha256 of the bytes, so a blob already stored under it
            // is the same validator.
            Row::ValidatorBlobRow(r) => {
                ValidatorVersion::store_blob(conn, &r.hash, &r.wasm).map_err(store)?;
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
            Row::HintUnlockRow(r) => insert!(hint_unlocks, &*r),
            Row::QuestionRow(r) => insert!(questions, &*r),
            Row::CannedAnswerRow(r) => insert!(canned_answers, &*r),
            Row::NudgeRow(r) => insert!(nudges, &*r),
            Row::SignOffRow(r) => insert!(sign_offs, &*r),
            Row::OpeningRow(r) => insert!(staff_openings, &*r),
            Row::RewardRow(r) => insert!(rewards, &*r),
            Row::TermsRow(r) => insert!(event_terms, &*r),
            Row::TermsAcceptanceRow(r) => insert!(terms_acceptances, &*r),
        };
        let count = counts.entry(table.to_owned()).or_default();
        *count += 1;
        if count.is_multiple_of(1000) {
            progress.rows(table, *count);
        }
    }
    for (line, challenge, version) in live_versions {
        diesel::update(challenges::table.find(&challenge))
            .set(challenges::live_version_id.eq(Some(version)))
            .execute(conn)
            .map_err(|cause| ImportError::Database {
                line: Some(line),
                cause,
            })?;
    }
    Ok(ImportSummary {
        event: slug,
        event_id,
        counts,
        matched_users,
    })
}
