//! Everything cohack holds about one person, for their own export (`GET /api/v1/me/export`).
//!
//! Each section reads only rows the person is the subject or the author of: their account,
//! sign-in identities, sessions and personal tokens, roles (registrations), team memberships
//! and coaching, the submissions they made (with each file's path and size; the bytes are
//! read one file at a time by [`file_content`] while the archive is written), every verdict on
//! those submissions, the chat lines, notes, feedback, questions, announcements and help calls
//! they wrote, the documents they created, the terms they accepted, their name-in-report
//! choices and whether they answered each survey (not the answers: those are anonymous).
//! Other people appear in none of it: a team is named, never its members; a teammate's chat
//! lines are not included at all.
//!
//! The shape is [`PersonalData`], written as `data.json`; the README documents it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, now,
        schema::{
            announcements, challenge_feedback, challenges, chat_messages, coach_notes, documents,
            event_roles, events, help_calls, identities, organizations, personal_tokens, questions,
            sessions, submission_files, submissions, team_coaches, team_members, teams, verdicts,
        },
    },
    error::Result,
    models::{
        survey::{self, SurveyStanding},
        terms::{self, NameChoice, UserAcceptance},
        user::User,
    },
};

/// The `format` of `data.json`.
pub const FORMAT: &str = "cohack-personal-export";
/// The `version` of `data.json`'s shape.
pub const VERSION: u32 = 1;

type At = NaiveDateTime;

fn utc<S: serde::Serializer>(at: &At, s: S) -> std::result::Result<S::Ok, S::Error> {
    crate::models::serialize_utc(at, s)
}

fn utc_opt<S: serde::Serializer>(at: &Option<At>, s: S) -> std::result::Result<S::Ok, S::Error> {
    Serialize::serialize(&at.map(|at| at.and_utc()), s)
}

/// `data.json`: every section of one person's data.
#[derive(Debug, Serialize)]
pub struct PersonalData {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Always [`VERSION`].
    pub version: u32,
    /// When the archive was written (UTC).
    #[serde(serialize_with = "utc")]
    pub exported_at: At,
    /// The account.
    pub account: Account,
    /// Sign-in identities (OpenID Connect links).
    pub identities: Vec<Identity>,
    /// Sign-ins (web, API log-ins, personal tokens), open or ended.
    pub sessions: Vec<SessionRow>,
    /// Personal API tokens (names and dates, never the secret).
    pub personal_tokens: Vec<Token>,
    /// Roles held in events: `participant` is a registration.
    pub registrations: Vec<Registration>,
    /// Teams joined.
    pub teams: Vec<Membership>,
    /// Teams coached.
    pub coaching: Vec<Membership>,
    /// Submissions made, with their files and verdicts.
    pub submissions: Vec<SubmissionRow>,
    /// Chat lines written (only the person's own).
    pub chat_messages: Vec<ChatRow>,
    /// Documents created (title and dates; the text is the team's shared writing).
    pub documents: Vec<DocumentRow>,
    /// Coach notes written.
    pub notes: Vec<NoteRow>,
    /// Feedback given on challenges.
    pub feedback: Vec<FeedbackRow>,
    /// Questions asked.
    pub questions: Vec<QuestionRow>,
    /// Announcements written.
    pub announcements: Vec<AnnouncementRow>,
    /// Help calls raised, acknowledged or resolved.
    pub help_calls: Vec<HelpCallRow>,
    /// Each event's terms the person accepted: which version, when.
    pub terms_acceptances: Vec<UserAcceptance>,
    /// Per event, whether the report may print their name next to their words.
    pub name_in_report: Vec<NameChoice>,
    /// Per event with a survey, whether they answered or dismissed it (the answers are stored
    /// without who gave them, with the organization and role only, so they are not here).
    pub survey: Vec<SurveyStanding>,
}

/// The account's own fields.
#[derive(Debug, Serialize)]
pub struct Account {
    /// User id.
    pub id: String,
    /// E-mail (login).
    pub email: String,
    /// Name shown to others.
    pub display_name: String,
    /// The organization's name.
    pub organization: String,
    /// The e-mail was proven.
    pub email_verified: bool,
    /// The organization came from a verified identity.
    pub organization_verified: bool,
    /// Organizes the portal.
    pub is_portal_organizer: bool,
    /// Signed in through a staff provider.
    pub is_staff: bool,
    /// Turned reminder mail off.
    pub reminders_opt_out: bool,
    /// Whether a password is set (never the hash).
    pub has_password: bool,
    /// When it was created.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
}

/// A sign-in identity.
#[derive(Debug, Serialize, Queryable)]
pub struct Identity {
    /// The provider's id in the configuration.
    pub provider: String,
    /// The issuer.
    pub issuer: String,
    /// The person's id at the issuer.
    pub subject: String,
    /// The e-mail the provider gave.
    pub email: String,
    /// Whether the provider said it was verified.
    pub email_verified: bool,
    /// When it was linked.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
    /// When it was last used.
    #[serde(serialize_with = "utc")]
    pub last_used_at: At,
}

/// A session.
#[derive(Debug, Serialize, Queryable)]
pub struct SessionRow {
    /// When it started.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
    /// When it ended, if it did.
    #[serde(serialize_with = "utc_opt")]
    pub revoked_at: Option<At>,
}

/// A personal token.
#[derive(Debug, Serialize, Queryable)]
pub struct Token {
    /// Its name.
    pub name: String,
    /// When it was made.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
    /// When it was last used.
    #[serde(serialize_with = "utc_opt")]
    pub last_used_at: Option<At>,
    /// When it stops working.
    #[serde(serialize_with = "utc_opt")]
    pub expires_at: Option<At>,
}

/// A role in an event.
#[derive(Debug, Serialize, Queryable)]
pub struct Registration {
    /// Event slug.
    pub event: String,
    /// Event name.
    pub event_name: String,
    /// `participant`, `organizer`, `author`, `engineer` or `runner`.
    pub role: String,
    /// Since when.
    #[serde(serialize_with = "utc")]
    pub since: At,
}

/// A team joined or coached.
#[derive(Debug, Serialize, Queryable)]
pub struct Membership {
    /// Event slug.
    pub event: String,
    /// Team id.
    pub team_id: String,
    /// Team name.
    pub team: String,
    /// Since when.
    #[serde(serialize_with = "utc")]
    pub since: At,
}

/// A submission.
#[derive(Debug, Serialize)]
pub struct SubmissionRow {
    /// Submission id.
    pub id: String,
    /// Event slug.
    pub event: String,
    /// Team name.
    pub team: String,
    /// Challenge slug.
    pub challenge: String,
    /// The answer typed.
    pub answer: String,
    /// `pending`, `passed`, `failed`, `error`.
    pub status: String,
    /// When.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
    /// Its files, in the archive under `archive_path`.
    pub files: Vec<FileRow>,
    /// Every verdict, the current one marked.
    pub verdicts: Vec<VerdictRow>,
}

/// A submitted file.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    /// The path as submitted.
    pub path: String,
    /// Size in bytes.
    pub size: i64,
    /// Where it is in the archive: `files/{submission id}/{path}`.
    pub archive_path: String,
}

/// A verdict.
#[derive(Debug, Serialize)]
pub struct VerdictRow {
    /// The verdict in force.
    pub is_current: bool,
    /// Passed.
    pub passed: bool,
    /// Score.
    pub score: i32,
    /// Out of.
    pub max_score: i32,
    /// The validator's feedback.
    pub feedback: String,
    /// The validator's checks (JSON).
    pub checks: serde_json::Value,
    /// A validator error, if it failed to judge.
    pub error_kind: Option<String>,
    /// When.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
}

/// A chat line.
#[derive(Debug, Serialize, Queryable)]
pub struct ChatRow {
    /// Line id.
    pub id: String,
    /// Team name.
    pub team: String,
    /// The text.
    pub text: String,
    /// When.
    #[serde(serialize_with = "utc")]
    pub at: At,
}

/// A document created.
#[derive(Debug, Serialize, Queryable)]
pub struct DocumentRow {
    /// Document id.
    pub id: String,
    /// Team name.
    pub team: String,
    /// Title.
    pub title: String,
    /// Created.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
    /// Last changed.
    #[serde(serialize_with = "utc")]
    pub updated_at: At,
    /// Deleted, if it was.
    #[serde(serialize_with = "utc_opt")]
    pub deleted_at: Option<At>,
}

/// A coach note.
#[derive(Debug, Serialize, Queryable)]
pub struct NoteRow {
    /// Team name.
    pub team: String,
    /// Challenge slug.
    pub challenge: String,
    /// The text.
    pub text: String,
    /// Tags (JSON list).
    pub tags: String,
    /// When.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
}

/// Feedback on a challenge.
#[derive(Debug, Serialize, Queryable)]
pub struct FeedbackRow {
    /// Team name.
    pub team: String,
    /// Challenge slug.
    pub challenge: String,
    /// 1 to 5.
    pub difficulty: i32,
    /// The text.
    pub text: String,
    /// When.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
}

/// A question asked.
#[derive(Debug, Serialize, Queryable)]
pub struct QuestionRow {
    /// Team name.
    pub team: String,
    /// Challenge slug.
    pub challenge: String,
    /// The question.
    pub text: String,
    /// Its state.
    pub state: String,
    /// The answer, if any.
    pub answer: Option<String>,
    /// When.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
}

/// An announcement written.
#[derive(Debug, Serialize, Queryable)]
pub struct AnnouncementRow {
    /// Event slug.
    pub event: String,
    /// The text.
    pub text: String,
    /// When.
    #[serde(serialize_with = "utc")]
    pub created_at: At,
}

/// A help call the person raised, acknowledged or resolved.
#[derive(Debug, Serialize)]
pub struct HelpCallRow {
    /// Team name.
    pub team: String,
    /// What it was about.
    pub context: String,
    /// The person raised it.
    pub raised_by_you: bool,
    /// When it was raised.
    #[serde(serialize_with = "utc")]
    pub raised_at: At,
    /// The person acknowledged it.
    pub acknowledged_by_you: bool,
    /// The person resolved it.
    pub resolved_by_you: bool,
    /// When it was resolved.
    #[serde(serialize_with = "utc_opt")]
    pub resolved_at: Option<At>,
}

/// The archive path of a submitted file: `files/{submission id}/{path}`, with the path made
/// safe to unpack (no absolute path, no `..`, no empty or `.` segment, `/` separators).
pub fn archive_path(submission_id: &str, path: &str) -> String {
    let segments: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    let name = if segments.is_empty() {
        "file".to_owned()
    } else {
        segments.join("/")
    };
    format!("files/{submission_id}/{name}")
}

impl PersonalData {
    /// Reads every section of `user`'s data (file bytes excepted).
    pub fn gather(conn: &mut DbConnection, user: &User) -> Result<PersonalData> {
        let id = user.id.as_str();
        let organization = organizations::table
            .find(&user.organization_id)
            .select(organizations::name)
            .first::<String>(conn)
            .optional()?
            .unwrap_or_default();
        let account = Account {
            id: user.id.clone(),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            organization,
            email_verified: user.email_verified,
            organization_verified: user.organization_verified,
            is_portal_organizer: user.is_portal_organizer,
            is_staff: user.is_staff,
            reminders_opt_out: reminders_opt_out(conn, id)?,
            has_password: !user.password_hash.is_empty(),
            created_at: user.created_at,
        };
        let identities = identities::table
            .filter(identities::user_id.eq(id))
            .order(identities::created_at.asc())
            .select((
                identities::provider,
                identities::issuer,
                identities::subject,
                identities::email,
                identities::email_verified,
                identities::created_at,
                identities::last_used_at,
            ))
            .load(conn)?;
        let sessions = sessions::table
            .filter(sessions::user_id.eq(id))
            .order(sessions::created_at.asc())
            .select((sessions::created_at, sessions::revoked_at))
            .load(conn)?;
        let personal_tokens = personal_tokens::table
            .filter(personal_tokens::user_id.eq(id))
            .order(personal_tokens::created_at.asc())
            .select((
                personal_tokens::name,
                personal_tokens::created_at,
                personal_tokens::last_used_at,
                personal_tokens::expires_at,
            ))
            .load(conn)?;
        let registrations = event_roles::table
            .inner_join(events::table)
            .filter(event_roles::user_id.eq(id))
            .order((event_roles::created_at.asc(), events::slug.asc()))
            .select((
                events::slug,
                events::name,
                event_roles::role,
                event_roles::created_at,
            ))
            .load(conn)?;
        let teams = team_members::table
            .inner_join(teams::table.inner_join(events::table))
            .filter(team_members::user_id.eq(id))
            .order(team_members::joined_at.asc())
            .select((
                events::slug,
                teams::id,
                teams::name,
                team_members::joined_at,
            ))
            .load(conn)?;
        let coaching = team_coaches::table
            .inner_join(teams::table.inner_join(events::table))
            .filter(team_coaches::user_id.eq(id))
            .order(team_coaches::assigned_at.asc())
            .select((
                events::slug,
                teams::id,
                teams::name,
                team_coaches::assigned_at,
            ))
            .load(conn)?;
        Ok(PersonalData {
            format: FORMAT,
            version: VERSION,
            exported_at: now(),
            account,
            identities,
            sessions,
            personal_tokens,
            registrations,
            teams,
            coaching,
            submissions: submissions_of(conn, id)?,
            chat_messages: chat_messages::table
                .inner_join(teams::table)
                .filter(chat_messages::author_id.eq(id))
                .order(chat_messages::id.asc())
                .select((
                    chat_messages::id,
                    teams::name,
                    chat_messages::text,
                    chat_messages::created_at,
                ))
                .load(conn)?,
            documents: documents::table
                .inner_join(teams::table)
                .filter(documents::created_by.eq(id))
                .order(documents::created_at.asc())
                .select((
                    documents::id,
                    teams::name,
                    documents::title,
                    documents::created_at,
                    documents::updated_at,
                    documents::deleted_at,
                ))
                .load(conn)?,
            notes: coach_notes::table
                .inner_join(teams::table)
                .inner_join(challenges::table)
                .filter(coach_notes::author_id.eq(id))
                .order(coach_notes::created_at.asc())
                .select((
                    teams::name,
                    challenges::slug,
                    coach_notes::text,
                    coach_notes::tags,
                    coach_notes::created_at,
                ))
                .load(conn)?,
            feedback: challenge_feedback::table
                .inner_join(teams::table)
                .inner_join(challenges::table)
                .filter(challenge_feedback::user_id.eq(id))
                .order(challenge_feedback::created_at.asc())
                .select((
                    teams::name,
                    challenges::slug,
                    challenge_feedback::difficulty,
                    challenge_feedback::text,
                    challenge_feedback::created_at,
                ))
                .load(conn)?,
            questions: questions::table
                .inner_join(teams::table)
                .inner_join(challenges::table)
                .filter(questions::asked_by.eq(id))
                .order(questions::created_at.asc())
                .select((
                    teams::name,
                    challenges::slug,
                    questions::text,
                    questions::state,
                    questions::answer,
                    questions::created_at,
                ))
                .load(conn)?,
            announcements: announcements::table
                .inner_join(events::table.on(events::id.eq(announcements::event_id)))
                .filter(announcements::author_id.eq(id))
                .order(announcements::created_at.asc())
                .select((events::slug, announcements::text, announcements::created_at))
                .load(conn)?,
            help_calls: help_calls_of(conn, id)?,
            terms_acceptances: terms::acceptances_of_user(conn, id)?,
            name_in_report: terms::name_choices_of_user(conn, id)?,
            survey: survey::standings_of_user(conn, id)?,
        })
    }

    /// Every file of every submission, in the order `data.json` lists them.
    pub fn files(&self) -> impl Iterator<Item = (&str, &FileRow)> {
        self.submissions
            .iter()
            .flat_map(|s| s.files.iter().map(move |f| (s.id.as_str(), f)))
    }
}

fn reminders_opt_out(conn: &mut DbConnection, id: &str) -> Result<bool> {
    use crate::db::schema::users;
    Ok(users::table
        .find(id)
        .select(users::reminders_opt_out)
        .first(conn)?)
}

fn submissions_of(conn: &mut DbConnection, id: &str) -> Result<Vec<SubmissionRow>> {
    let rows: Vec<(String, String, String, String, String, String, At)> = submissions::table
        .inner_join(teams::table.inner_join(events::table))
        .inner_join(challenges::table)
        .filter(submissions::submitted_by.eq(id))
        .order(submissions::created_at.asc())
        .select((
            submissions::id,
            events::slug,
            teams::name,
            challenges::slug,
            submissions::answer,
            submissions::status,
            submissions::created_at,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.0.as_str()).collect();
        let files: Vec<(String, String, i64)> = submission_files::table
            .filter(submission_files::submission_id.eq_any(&ids))
            .order((submission_files::submission_id, submission_files::path))
            .select((
                submission_files::submission_id,
                submission_files::path,
                diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(LENGTH(content) AS BIGINT)"),
            ))
            .load(conn)?;
        #[expect(
            clippy::type_complexity,
            reason = "one verdict's columns, read once here"
        )]
        let verdicts: Vec<(
            String,
            bool,
            bool,
            i32,
            i32,
            String,
            String,
            Option<String>,
            At,
        )> = verdicts::table
            .filter(verdicts::submission_id.eq_any(&ids))
            .order(verdicts::created_at.asc())
            .select((
                verdicts::submission_id,
                verdicts::is_current,
                verdicts::passed,
                verdicts::score,
                verdicts::max_score,
                verdicts::feedback,
                verdicts::checks,
                verdicts::error_kind,
                verdicts::created_at,
            ))
            .load(conn)?;
        for (sid, event, team, challenge, answer, status, created_at) in chunk.iter().cloned() {
            let files = files
                .iter()
                .filter(|f| f.0 == sid)
                .map(|(_, path, size)| FileRow {
                    archive_path: archive_path(&sid, path),
                    path: path.clone(),
                    size: *size,
                })
                .collect();
            let verdicts = verdicts
                .iter()
                .filter(|v| v.0 == sid)
                .map(|v| VerdictRow {
                    is_current: v.1,
                    passed: v.2,
                    score: v.3,
                    max_score: v.4,
                    feedback: v.5.clone(),
                    checks: serde_json::from_str(&v.6)
                        .unwrap_or_else(|_| serde_json::Value::String(v.6.clone())),
                    error_kind: v.7.clone(),
                    created_at: v.8,
                })
                .collect();
            out.push(SubmissionRow {
                id: sid,
                event,
                team,
                challenge,
                answer,
                status,
                created_at,
                files,
                verdicts,
            });
        }
    }
    Ok(out)
}

fn help_calls_of(conn: &mut DbConnection, id: &str) -> Result<Vec<HelpCallRow>> {
    #[expect(
        clippy::type_complexity,
        reason = "one help call's columns, read once here"
    )]
    let rows: Vec<(
        String,
        String,
        String,
        At,
        Option<String>,
        Option<String>,
        Option<At>,
    )> = help_calls::table
        .inner_join(teams::table.on(teams::id.eq(help_calls::team_id)))
        .filter(
            help_calls::raised_by
                .eq(id)
                .or(help_calls::acknowledged_by.eq(id))
                .or(help_calls::resolved_by.eq(id)),
        )
        .order(help_calls::raised_at.asc())
        .select((
            teams::name,
            help_calls::context,
            help_calls::raised_by,
            help_calls::raised_at,
            help_calls::acknowledged_by,
            help_calls::resolved_by,
            help_calls::resolved_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(team, context, raised_by, raised_at, ack, resolved, resolved_at)| HelpCallRow {
                team,
                context,
                raised_by_you: raised_by == id,
                raised_at,
                acknowledged_by_you: ack.as_deref() == Some(id),
                resolved_by_you: resolved.as_deref() == Some(id),
                resolved_at,
            },
        )
        .collect())
}

/// The bytes of one submitted file (read alone, so that the archive holds one file at a time).
pub fn file_content(conn: &mut DbConnection, submission_id: &str, path: &str) -> Result<Vec<u8>> {
    Ok(submission_files::table
        .find((submission_id, path))
        .select(submission_files::content)
        .first(conn)?)
}

#[cfg(test)]
mod tests {
    use super::archive_path;

    #[test]
    fn archive_paths_cannot_leave_their_folder() {
        assert_eq!(archive_path("s1", "src/main.rs"), "files/s1/src/main.rs");
        assert_eq!(archive_path("s1", "/etc/passwd"), "files/s1/etc/passwd");
        assert_eq!(archive_path("s1", "../../x"), "files/s1/x");
        assert_eq!(archive_path("s1", "a\\..\\b"), "files/s1/a/b");
        assert_eq!(archive_path("s1", ".."), "files/s1/file");
    }
}
