//! One serializable row type per exported table, in dependency order, and the user
//! references of each row (what an export gathers and an import rewrites).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema;

/// Base64 for binary columns.
mod b64 {
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

/// The `exchanges` of a verdict whose run sent no request (the column's default).
fn no_exchanges() -> String {
    "[]".to_owned()
}

/// Version 2 files have no playbook settings: the defaults (the columns' own).
fn default_hint_cost() -> String {
    crate::models::event::HINT_COST_ON_SOLVE.to_owned()
}

fn default_board_names() -> String {
    crate::models::event::BOARD_NAMES_TEAMS.to_owned()
}

fn default_time_zone() -> String {
    crate::models::event::DEFAULT_TIME_ZONE.to_owned()
}

/// Version 2 files have no hints on a challenge.
fn no_hints() -> String {
    "[]".to_owned()
}

/// Version 2 files have no coach sign-off on a challenge.
fn no_sign_off() -> String {
    "none".to_owned()
}

macro_rules! rows {
    ($( $name:ident => $table:ident { $( $(#[$attr:meta])* $field:ident : $ty:ty ),* $(,)? } )*) => {
        $(
            #[doc = concat!("A row of `", stringify!($table), "`.")]
            #[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, Deserialize)]
            #[diesel(table_name = schema::$table)]
            #[serde(deny_unknown_fields)]
            pub struct $name { $( $(#[$attr])* pub $field: $ty ),* }
        )*

        /// A row of any exported table.
        #[derive(Debug, Clone)]
        #[expect(clippy::enum_variant_names, reason = "each variant wraps the row type of its name")]
        pub enum Row {
            $(
                #[doc = concat!("`", stringify!($table), "`")]
                $name($name),
            )*
        }

        impl Row {
            /// The table's name.
            pub fn table(&self) -> &'static str {
                match self { $( Row::$name(_) => stringify!($table), )* }
            }

            /// The row's columns as JSON.
            pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
                match self { $( Row::$name(r) => serde_json::to_value(r), )* }
            }

            /// A row of `table` from its columns.
            pub fn from_json(table: &str, row: serde_json::Value) -> Result<Row, String> {
                match table {
                    $( stringify!($table) => serde_json::from_value(row)
                        .map(Row::$name)
                        .map_err(|e| format!("a row of {table}: {e}")), )*
                    other => Err(format!("unknown table {other:?}")),
                }
            }
        }

        /// Tables in export (and insertion) order.
        pub const TABLES: &[&str] = &[ $( stringify!($table) ),* ];
    };
}

rows! {
    OrganizationRow => organizations { id: String, name: String, created_at: NaiveDateTime }
    UserRow => users {
        id: String, email: String, password_hash: String, display_name: String,
        organization_id: String, is_portal_organizer: bool, created_at: NaiveDateTime,
    }
    EventRow => events {
        id: String, slug: String, name: String, description: String, starts_at: NaiveDateTime,
        ends_at: NaiveDateTime, freeze_at: Option<NaiveDateTime>, registration: String,
        invite_code: Option<String>, team_size_min: i32, team_size_max: i32, created_by: String,
        created_at: NaiveDateTime, updated_at: NaiveDateTime,
        // Version 3: the coach's playbook settings.
        #[serde(default = "default_hint_cost")] hint_cost: String,
        #[serde(default = "default_board_names")] board_names: String,
        #[serde(default = "default_time_zone")] time_zone: String,
        // Version 4: the floor's rewards settings.
        #[serde(default)] rewards: bool,
        #[serde(default)] hold_rewards_until_end: bool,
        #[serde(default)] remote_reward: String,
    }
    EventRoleRow => event_roles {
        event_id: String, user_id: String, role: String, granted_by: Option<String>,
        created_at: NaiveDateTime,
    }
    EventBracketRow => event_brackets { event_id: String, name: String, position: i32 }
    TeamRow => teams {
        id: String, event_id: String, name: String, invite_code: String, created_by: String,
        created_at: NaiveDateTime,
        // Version 3: the alias an aliased board shows.
        #[serde(default)] alias: Option<String>,
        // Version 4: where the team sits on site (none: a remote team).
        #[serde(default)] location: Option<String>,
    }
    TeamMemberRow => team_members {
        team_id: String, user_id: String, event_id: String, joined_at: NaiveDateTime,
    }
    TeamCoachRow => team_coaches {
        team_id: String, user_id: String, assigned_by: Option<String>, assigned_at: NaiveDateTime,
    }
    TeamEndpointRow => team_endpoints {
        team_id: String, name: String, url: String, updated_at: NaiveDateTime, updated_by: String,
    }
    TeamBracketRow => team_brackets { team_id: String, event_id: String, bracket: String }
    ChallengeRow => challenges {
        id: String, event_id: String, slug: String, title: String, summary: String,
        position: i32, points: i32, statement: String, always_open: bool, config: String,
        limits: String, live_version_id: Option<String>, created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        // Version 3: hints, the expected time and who confirms a pass.
        #[serde(default = "no_hints")] hints: String,
        #[serde(default)] expected_minutes: Option<i32>,
        #[serde(default = "no_sign_off")] sign_off: String,
        // Version 4: the manifest's reward words and the event's own. (The coach's guide is
        // not exported: see the module `export`.)
        #[serde(default)] reward: Option<String>,
        #[serde(default)] event_reward: Option<String>,
    }
    ValidatorBlobRow => validator_blobs {
        hash: String, #[serde(with = "b64")] wasm: Vec<u8>, size_bytes: i64,
        created_at: NaiveDateTime,
    }
    ValidatorVersionRow => validator_versions {
        id: String, challenge_id: String, version: i32, blob_hash: String, manifest: String,
        sample_report: String, published_by: String, created_at: NaiveDateTime,
    }
    SubmissionRow => submissions {
        id: String, team_id: String, challenge_id: String, submitted_by: String, answer: String,
        status: String, created_at: NaiveDateTime,
        // Version 1 files have no endpoints: their submissions called none.
        #[serde(default)] endpoints: Option<String>,
    }
    SubmissionFileRow => submission_files {
        submission_id: String, path: String, #[serde(with = "b64")] content: Vec<u8>,
    }
    VerdictRow => verdicts {
        id: String, submission_id: String, validator_version_id: String, is_current: bool,
        passed: bool, score: i32, max_score: i32, feedback: String, checks: String,
        notes: String, error_kind: Option<String>, error_detail: Option<String>, logs: String,
        fuel_used: i64, duration_us: i64, created_at: NaiveDateTime,
        // Version 1 files have no exchanges: their runs sent no request.
        #[serde(default = "no_exchanges")] exchanges: String,
    }
    ChatMessageRow => chat_messages {
        id: String, team_id: String, author_id: String, text: String, created_at: NaiveDateTime,
    }
    DocumentRow => documents {
        id: String, team_id: String, title: String, created_by: String,
        created_at: NaiveDateTime, updated_at: NaiveDateTime, deleted_at: Option<NaiveDateTime>,
        #[serde(with = "b64")] snapshot: Vec<u8>, snapshot_seq: i64, last_seq: i64,
    }
    DocumentUpdateRow => document_updates {
        document_id: String, seq: i64, #[serde(with = "b64")] data: Vec<u8>,
        created_at: NaiveDateTime,
    }
    HelpCallRow => help_calls {
        id: String, team_id: String, event_id: String, raised_by: String, context: String,
        raised_at: NaiveDateTime, acknowledged_by: Option<String>,
        acknowledged_at: Option<NaiveDateTime>, resolved_by: Option<String>,
        resolved_at: Option<NaiveDateTime>,
    }
    AnnouncementRow => announcements {
        id: String, event_id: String, author_id: String, text: String, created_at: NaiveDateTime,
    }
    CoachNoteRow => coach_notes {
        id: String, team_id: String, challenge_id: String, author_id: String, text: String,
        tags: String, created_at: NaiveDateTime,
    }
    FeedbackRow => challenge_feedback {
        id: String, team_id: String, challenge_id: String, user_id: String, difficulty: i32,
        text: String, created_at: NaiveDateTime,
    }
    ChallengeOpenRow => challenge_opens {
        team_id: String, challenge_id: String, opened_at: NaiveDateTime,
    }
    HintUnlockRow => hint_unlocks {
        team_id: String, challenge_id: String, hint_index: i32, cost: i32, unlocked_by: String,
        unlocked_at: NaiveDateTime,
    }
    QuestionRow => questions {
        id: String, event_id: String, team_id: String, challenge_id: String, asked_by: String,
        text: String, state: String, answer: Option<String>, answer_to: Option<String>,
        answered_by: Option<String>, answered_at: Option<NaiveDateTime>,
        duplicate_of: Option<String>, created_at: NaiveDateTime,
    }
    CannedAnswerRow => canned_answers {
        id: String, challenge_id: String, title: String, text: String, created_by: String,
        created_at: NaiveDateTime,
    }
    NudgeRow => nudges {
        team_id: String, challenge_id: String, expected_minutes: i32, created_at: NaiveDateTime,
    }
    SignOffRow => sign_offs {
        submission_id: String, team_id: String, challenge_id: String, state: String,
        comment: String, decided_by: Option<String>, decided_at: Option<NaiveDateTime>,
        created_at: NaiveDateTime,
    }
    OpeningRow => staff_openings {
        id: String, event_id: String, team_id: String, challenge_id: String,
        skipped_challenge_id: Option<String>, stuck_seconds: i64, reason: String,
        opened_by: String, created_at: NaiveDateTime,
    }
    RewardRow => rewards {
        id: String, event_id: String, team_id: String, challenge_id: String,
        location: Option<String>, reward: String, created_at: NaiveDateTime,
        delivered_at: Option<NaiveDateTime>, delivered_by: Option<String>,
    }
    TermsRow => event_terms {
        event_id: String, version: i32, text: String, created_at: NaiveDateTime,
    }
    TermsAcceptanceRow => terms_acceptances {
        event_id: String, user_id: String, version: i32, accepted_at: NaiveDateTime,
    }
}

/// A column naming a user, and its value.
pub type UserRef<'a> = (&'static str, &'a mut String);
type OptionalUserRef<'a> = (&'static str, &'a mut Option<String>);

impl Row {
    /// Every user id this row references.
    pub fn user_ids(&self) -> Vec<&str> {
        let (ids, optional): (Vec<&String>, Vec<&Option<String>>) = match self {
            Row::EventRow(r) => (vec![&r.created_by], vec![]),
            Row::EventRoleRow(r) => (vec![&r.user_id], vec![&r.granted_by]),
            Row::TeamRow(r) => (vec![&r.created_by], vec![]),
            Row::TeamMemberRow(r) => (vec![&r.user_id], vec![]),
            Row::TeamCoachRow(r) => (vec![&r.user_id], vec![&r.assigned_by]),
            Row::TeamEndpointRow(r) => (vec![&r.updated_by], vec![]),
            Row::ValidatorVersionRow(r) => (vec![&r.published_by], vec![]),
            Row::SubmissionRow(r) => (vec![&r.submitted_by], vec![]),
            Row::ChatMessageRow(r) => (vec![&r.author_id], vec![]),
            Row::DocumentRow(r) => (vec![&r.created_by], vec![]),
            Row::HelpCallRow(r) => (vec![&r.raised_by], vec![&r.acknowledged_by, &r.resolved_by]),
            Row::AnnouncementRow(r) => (vec![&r.author_id], vec![]),
            Row::CoachNoteRow(r) => (vec![&r.author_id], vec![]),
            Row::FeedbackRow(r) => (vec![&r.user_id], vec![]),
            Row::HintUnlockRow(r) => (vec![&r.unlocked_by], vec![]),
            Row::QuestionRow(r) => (vec![&r.asked_by], vec![&r.answered_by]),
            Row::CannedAnswerRow(r) => (vec![&r.created_by], vec![]),
            Row::SignOffRow(r) => (vec![], vec![&r.decided_by]),
            Row::OpeningRow(r) => (vec![&r.opened_by], vec![]),
            Row::RewardRow(r) => (vec![], vec![&r.delivered_by]),
            Row::TermsAcceptanceRow(r) => (vec![&r.user_id], vec![]),
            _ => (vec![], vec![]),
        };
        ids.into_iter()
            .map(String::as_str)
            .chain(optional.into_iter().filter_map(Option::as_deref))
            .collect()
    }

    /// Every user this row references, by column, to check or rewrite.
    pub fn user_refs_mut(&mut self) -> Vec<UserRef<'_>> {
        let (ids, optional): (Vec<UserRef<'_>>, Vec<OptionalUserRef<'_>>) = match self {
            Row::EventRow(r) => (vec![("created_by", &mut r.created_by)], vec![]),
            Row::EventRoleRow(r) => (
                vec![("user_id", &mut r.user_id)],
                vec![("granted_by", &mut r.granted_by)],
            ),
            Row::TeamRow(r) => (vec![("created_by", &mut r.created_by)], vec![]),
            Row::TeamMemberRow(r) => (vec![("user_id", &mut r.user_id)], vec![]),
            Row::TeamCoachRow(r) => (
                vec![("user_id", &mut r.user_id)],
                vec![("assigned_by", &mut r.assigned_by)],
            ),
            Row::TeamEndpointRow(r) => (vec![("updated_by", &mut r.updated_by)], vec![]),
            Row::ValidatorVersionRow(r) => (vec![("published_by", &mut r.published_by)], vec![]),
            Row::SubmissionRow(r) => (vec![("submitted_by", &mut r.submitted_by)], vec![]),
            Row::ChatMessageRow(r) => (vec![("author_id", &mut r.author_id)], vec![]),
            Row::DocumentRow(r) => (vec![("created_by", &mut r.created_by)], vec![]),
            Row::HelpCallRow(r) => (
                vec![("raised_by", &mut r.raised_by)],
                vec![
                    ("acknowledged_by", &mut r.acknowledged_by),
                    ("resolved_by", &mut r.resolved_by),
                ],
            ),
            Row::AnnouncementRow(r) => (vec![("author_id", &mut r.author_id)], vec![]),
            Row::CoachNoteRow(r) => (vec![("author_id", &mut r.author_id)], vec![]),
            Row::FeedbackRow(r) => (vec![("user_id", &mut r.user_id)], vec![]),
            Row::HintUnlockRow(r) => (vec![("unlocked_by", &mut r.unlocked_by)], vec![]),
            Row::QuestionRow(r) => (
                vec![("asked_by", &mut r.asked_by)],
                vec![("answered_by", &mut r.answered_by)],
            ),
            Row::CannedAnswerRow(r) => (vec![("created_by", &mut r.created_by)], vec![]),
            Row::SignOffRow(r) => (vec![], vec![("decided_by", &mut r.decided_by)]),
            Row::OpeningRow(r) => (vec![("opened_by", &mut r.opened_by)], vec![]),
            Row::RewardRow(r) => (vec![], vec![("delivered_by", &mut r.delivered_by)]),
            Row::TermsAcceptanceRow(r) => (vec![("user_id", &mut r.user_id)], vec![]),
            _ => (vec![], vec![]),
        };
        ids.into_iter()
            .chain(
                optional
                    .into_iter()
                    .filter_map(|(column, id)| id.as_mut().map(|id| (column, id))),
            )
            .collect()
    }
}
