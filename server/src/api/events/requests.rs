//! The bodies that create and change an event, and how they become the domain's settings:
//! RFC 3339 times read into UTC at the database's precision, `null` told apart from absent.

use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::{
    actions::terms::{EventTrustChanges, SurveyChoice},
    error::{Error, Result},
    models::{
        event::{EventChanges, EventSettings},
        event_options::{EventOptionChanges, EventOptions},
        survey::Question,
    },
};

/// `POST /events`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEventRequest {
    /// URL name, unique: 2–64 characters of `a-z`, `0-9` and inner dashes. Never changes.
    #[schema(schema_with = crate::api::schema::slug)]
    pub slug: String,
    /// Display name, 1–120 characters.
    #[schema(schema_with = crate::api::schema::text::<120>)]
    pub name: String,
    /// Markdown description, at most 65536 characters.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::chars::<65536>)]
    pub description: String,
    /// Start, RFC 3339 (e.g. `2026-05-04T09:00:00+02:00`); stored in UTC.
    #[schema(schema_with = crate::api::schema::time)]
    pub starts_at: String,
    /// End, RFC 3339, after the start.
    #[schema(schema_with = crate::api::schema::time)]
    pub ends_at: String,
    /// When the public leaderboard freezes, RFC 3339, between start and end.
    #[schema(schema_with = crate::api::schema::time_or_null)]
    pub freeze_at: Option<String>,
    /// `open` or `invite`.
    #[schema(schema_with = crate::api::schema::registration)]
    pub registration: String,
    /// Required (6+ characters) when `registration` is `invite`; ignored when `open`.
    #[schema(schema_with = crate::api::schema::optional_text_or_null::<128>)]
    pub invite_code: Option<String>,
    /// Smallest team, default 1.
    #[serde(
        default = "default_team_size_min",
        deserialize_with = "crate::api::whole::number"
    )]
    #[schema(minimum = 1, maximum = 100)]
    pub team_size_min: i32,
    /// Largest team, at most 100, at least `team_size_min`.
    #[serde(deserialize_with = "crate::api::whole::number")]
    #[schema(minimum = 1, maximum = 100)]
    pub team_size_max: i32,
    /// How a hint's cost is taken: `on_solve` (default: only once the team solves the
    /// challenge) or `always` (as soon as it is unlocked).
    #[serde(default = "default_hint_cost")]
    #[schema(schema_with = crate::api::schema::hint_cost)]
    pub hint_cost: String,
    /// Names on the public board and big screen: `teams` (default) or `aliases` (only team
    /// aliases, never names, members or organizations).
    #[serde(default = "default_board_names")]
    #[schema(schema_with = crate::api::schema::board_names)]
    pub board_names: String,
    /// The event's home time zone, an IANA name (default `UTC`); 422 `unknown_time_zone`.
    #[serde(default = "default_time_zone")]
    #[schema(schema_with = crate::api::schema::line::<64>)]
    pub time_zone: String,
    /// Whether a team's first solve of a challenge earns a reward (default `false`): runners
    /// bring it to teams on site, remote teams read `remote_reward`.
    #[serde(default)]
    pub rewards: bool,
    /// Whether rewards earned while the public board is frozen reach the runners only at the
    /// end (default `false`).
    #[serde(default)]
    pub hold_rewards_until_end: bool,
    /// What a team without a location (a remote team) is told it gets for a solve, e.g. "a
    /// coffee voucher, sent to you by mail after the event"; at most 200 characters after
    /// trimming (400 `invalid_remote_reward`). Empty: the challenge's own reward.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::optional_text::<200>)]
    pub remote_reward: String,
    /// Brackets ranked apart on the board besides the full ranking (`["On site",
    /// "Remote"]`), in order; none by default. At most 16 names of 1–40 characters on one
    /// line, unique regardless of case (400 `invalid_brackets`). Every team then names one
    /// when it is created.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::brackets)]
    pub brackets: Vec<String>,
    /// Participation terms (Markdown, at most 65536 characters; 400 `invalid_terms`): who
    /// owns what is built, what stays confidential, what the vendor keeps and may quote, for
    /// how long. Registering then requires accepting their version (`terms_version`, 1 for
    /// the first text). Empty or absent: none.
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::chars::<65536>)]
    pub terms: String,
    /// The closing survey: `true` for the default set (recommend 0–10, the hardest challenge
    /// and why, what to fix first), a list of questions for the event's own, `false` (the
    /// default) for none. 400 `invalid_survey`.
    #[serde(default)]
    pub survey: Option<SurveyField>,
    /// When the survey opens, RFC 3339 (default: the event's end).
    #[serde(default)]
    #[schema(schema_with = crate::api::schema::time_or_null)]
    pub survey_opens_at: Option<String>,
}

fn default_team_size_min() -> i32 {
    1
}

fn default_hint_cost() -> String {
    EventOptions::default().hint_cost
}

fn default_board_names() -> String {
    EventOptions::default().board_names
}

fn default_time_zone() -> String {
    EventOptions::default().time_zone
}

/// `PATCH /events/{slug}`: absent fields keep their value; `null` clears `freeze_at` and
/// `invite_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEventRequest {
    /// Accepted only if unchanged (400 `slug_immutable` otherwise).
    #[schema(schema_with = crate::api::schema::slug_or_null)]
    pub slug: Option<String>,
    /// Display name.
    #[schema(schema_with = crate::api::schema::text_or_null::<120>)]
    pub name: Option<String>,
    /// Markdown description, at most 65536 characters.
    #[schema(max_length = 65536)]
    pub description: Option<String>,
    /// Start, RFC 3339.
    #[schema(schema_with = crate::api::schema::time_or_null)]
    pub starts_at: Option<String>,
    /// End, RFC 3339.
    #[schema(schema_with = crate::api::schema::time_or_null)]
    pub ends_at: Option<String>,
    /// Freeze, RFC 3339, or `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::schema::time_or_null)]
    pub freeze_at: Option<Option<String>>,
    /// `open` or `invite`.
    #[schema(schema_with = crate::api::schema::registration_or_null)]
    pub registration: Option<String>,
    /// The invite code, or `null` to clear it (only valid with open registration).
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::schema::optional_text_or_null::<128>)]
    pub invite_code: Option<Option<String>>,
    /// Smallest team.
    #[serde(default, deserialize_with = "crate::api::whole::optional")]
    #[schema(minimum = 1, maximum = 100)]
    pub team_size_min: Option<i32>,
    /// Largest team.
    #[serde(default, deserialize_with = "crate::api::whole::optional")]
    #[schema(minimum = 1, maximum = 100)]
    pub team_size_max: Option<i32>,
    /// `on_solve` or `always`.
    #[schema(schema_with = crate::api::schema::hint_cost_or_null)]
    pub hint_cost: Option<String>,
    /// `teams` or `aliases`.
    #[schema(schema_with = crate::api::schema::board_names_or_null)]
    pub board_names: Option<String>,
    /// The home time zone, an IANA name.
    #[schema(schema_with = crate::api::schema::line_or_null::<64>)]
    pub time_zone: Option<String>,
    /// Rewards on or off.
    pub rewards: Option<bool>,
    /// Hold the rewards earned during the freeze until the end, or not.
    pub hold_rewards_until_end: Option<bool>,
    /// What a remote team gets for a solve, at most 200 characters after trimming (empty:
    /// the challenge's own reward).
    #[schema(schema_with = crate::api::schema::optional_text_or_null::<200>)]
    pub remote_reward: Option<String>,
    /// The event's brackets, replacing the current list (`[]`: none; absent or `null`: kept).
    /// Teams keep their bracket when it stays; a bracket that still has teams cannot be
    /// removed (409 `bracket_in_use`).
    #[schema(schema_with = crate::api::schema::brackets_or_null)]
    pub brackets: Option<Vec<String>>,
    /// New participation terms (Markdown, at most 65536 characters): a text that differs
    /// from the current one becomes the next `terms_version`, and participants accept it
    /// before their next submission; the same text keeps its version; `""`: no terms from now
    /// on. Absent or `null`: kept.
    #[schema(max_length = 65536)]
    pub terms: Option<String>,
    /// The survey: `true` (the default set), a list of questions, or `false` (none). Absent
    /// or `null`: kept.
    pub survey: Option<SurveyField>,
    /// When the survey opens, RFC 3339; `null`: at the event's end. Absent: kept.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = crate::api::schema::time_or_null)]
    pub survey_opens_at: Option<Option<String>>,
}

/// An event's survey in its settings: `true` for the default set, `false` for none, or the
/// event's own questions (1–20; ids of `a-z`, `0-9`, `_`, `-`; `kind` `scale` (0–10),
/// `choice` (with `choices`) or `text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum SurveyField {
    /// `true`: the default set; `false`: no survey.
    Flag(bool),
    /// The event's own questions.
    Questions(Vec<Question>),
}

impl SurveyField {
    fn into_choice(self) -> SurveyChoice {
        match self {
            Self::Flag(false) => SurveyChoice::Off,
            Self::Flag(true) => SurveyChoice::Default,
            Self::Questions(questions) => SurveyChoice::Own(questions),
        }
    }
}

/// Tells a field sent as `null` (`Some(None)`) from an absent one (`None`, via `default`).
fn present<'de, D, T>(deserializer: D) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Parses an RFC 3339 time into UTC at the database's precision (microseconds).
fn parse_time(field: &str, value: &str) -> Result<NaiveDateTime> {
    let parsed = DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        Error::bad_request(
            "invalid_time",
            format!("{field} must be an RFC 3339 time such as 2026-05-04T09:00:00Z"),
        )
    })?;
    let at = parsed.naive_utc();
    Ok(chrono::DurationRound::duration_trunc(at, chrono::TimeDelta::microseconds(1)).unwrap_or(at))
}

fn parse_optional_time(field: &str, value: Option<&str>) -> Result<Option<NaiveDateTime>> {
    value.map(|v| parse_time(field, v)).transpose()
}

impl CreateEventRequest {
    /// The terms and survey this body asks for, taken out of it (checked, nothing stored).
    pub(crate) fn take_trust(&mut self) -> Result<EventTrustChanges> {
        let survey_on = matches!(
            self.survey,
            Some(SurveyField::Flag(true) | SurveyField::Questions(_))
        );
        if self.survey_opens_at.is_some() && !survey_on {
            return Err(Error::bad_request(
                "invalid_survey",
                "survey_opens_at needs a survey: set survey to true or to a list of questions",
            ));
        }
        EventTrustChanges {
            terms: Some(std::mem::take(&mut self.terms)).filter(|t| !t.trim().is_empty()),
            survey: self.survey.take().map(SurveyField::into_choice),
            survey_opens_at: parse_optional_time(
                "survey_opens_at",
                self.survey_opens_at.take().as_deref(),
            )?
            .map(Some),
        }
        .checked()
    }

    /// The settings, the options and the brackets (checked by the action) this body asks for.
    pub(crate) fn into_settings(self) -> Result<(EventSettings, EventOptions, Vec<String>)> {
        let options = EventOptions {
            hint_cost: self.hint_cost,
            board_names: self.board_names,
            time_zone: self.time_zone,
            rewards: self.rewards,
            hold_rewards_until_end: self.hold_rewards_until_end,
            remote_reward: self.remote_reward,
        };
        let settings = EventSettings {
            starts_at: parse_time("starts_at", &self.starts_at)?,
            ends_at: parse_time("ends_at", &self.ends_at)?,
            freeze_at: parse_optional_time("freeze_at", self.freeze_at.as_deref())?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            registration: self.registration,
            invite_code: self.invite_code,
            team_size_min: self.team_size_min,
            team_size_max: self.team_size_max,
        };
        Ok((settings, options, self.brackets))
    }
}

impl UpdateEventRequest {
    /// The terms and survey changes this body asks for, taken out of it (checked, nothing
    /// stored).
    pub(crate) fn take_trust(&mut self) -> Result<EventTrustChanges> {
        EventTrustChanges {
            terms: self.terms.take(),
            survey: self.survey.take().map(SurveyField::into_choice),
            survey_opens_at: self
                .survey_opens_at
                .take()
                .map(|at| parse_optional_time("survey_opens_at", at.as_deref()))
                .transpose()?,
        }
        .checked()
    }

    /// The changes this body asks for; brackets `None`: kept.
    pub(crate) fn into_changes(
        self,
    ) -> Result<(EventChanges, EventOptionChanges, Option<Vec<String>>)> {
        let options = EventOptionChanges {
            hint_cost: self.hint_cost,
            board_names: self.board_names,
            time_zone: self.time_zone,
            rewards: self.rewards,
            hold_rewards_until_end: self.hold_rewards_until_end,
            remote_reward: self.remote_reward,
        };
        let changes = EventChanges {
            starts_at: parse_optional_time("starts_at", self.starts_at.as_deref())?,
            ends_at: parse_optional_time("ends_at", self.ends_at.as_deref())?,
            freeze_at: self
                .freeze_at
                .map(|f| parse_optional_time("freeze_at", f.as_deref()))
                .transpose()?,
            slug: self.slug,
            name: self.name,
            description: self.description,
            registration: self.registration,
            invite_code: self.invite_code,
            team_size_min: self.team_size_min,
            team_size_max: self.team_size_max,
        };
        Ok((changes, options, self.brackets))
    }
}
