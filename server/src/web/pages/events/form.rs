//! The event settings form, shared by the new-event page and the organizer's settings: its
//! fields as posted, filled from an event, and turned into the API's create and update
//! requests (so that both edges validate alike).

use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::{
    api::events::{CreateEventRequest, UpdateEventRequest},
    error::{Error, Result},
    models::event::{BOARD_NAMES_TEAMS, DEFAULT_TIME_ZONE, Event, HINT_COST_ON_SOLVE},
};

/// An event's settings as the new-event and the organizer's settings forms carry them. Times
/// are UTC (`datetime-local` values, or RFC 3339); the slug is only set when creating.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) slug: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) starts_at: String,
    pub(crate) ends_at: String,
    #[serde(default)]
    pub(crate) freeze_at: String,
    pub(crate) registration: String,
    #[serde(default)]
    pub(crate) invite_code: String,
    pub(crate) team_size_min: String,
    pub(crate) team_size_max: String,
    /// `on_solve` or `always`; blank keeps the current rule (the default when creating).
    #[serde(default)]
    pub(crate) hint_cost: String,
    /// `teams` or `aliases`; blank keeps the current rule (the default when creating).
    #[serde(default)]
    pub(crate) board_names: String,
    /// The home time zone (IANA name); blank keeps the current one (`UTC` when creating).
    #[serde(default)]
    pub(crate) time_zone: String,
    /// Present (`1`) when the form carries the reward settings below: an unticked box sends
    /// nothing, so only a form that shows them changes them.
    #[serde(default)]
    pub(crate) reward_settings: Option<String>,
    /// The "rewards" box, sent when ticked.
    #[serde(default)]
    pub(crate) rewards: Option<String>,
    /// The "hold rewards until the end" box, sent when ticked.
    #[serde(default)]
    pub(crate) hold_rewards_until_end: Option<String>,
    /// What a remote team gets for a solve.
    #[serde(default)]
    pub(crate) remote_reward: Option<String>,
    /// The brackets, one per line (blank lines skipped); a form without the field keeps them.
    #[serde(default)]
    pub(crate) brackets: Option<String>,
    /// The participation terms (Markdown); a form without the field keeps them.
    #[serde(default)]
    pub(crate) terms: Option<String>,
}

/// A `datetime-local` value (`2026-05-04T09:00`) read as UTC; RFC 3339 passes through.
pub fn utc_time(value: &str) -> String {
    let value = value.trim();
    match value.len() {
        16 => format!("{value}:00Z"),
        19 => format!("{value}Z"),
        _ => value.to_owned(),
    }
}

fn parse_size(field: &'static str, value: &str) -> Result<i32> {
    value
        .trim()
        .parse()
        .map_err(|_| Error::bad_request("invalid_team_size", format!("{field} must be a number")))
}

/// The brackets written one per line, blank lines skipped.
fn bracket_lines(value: &str) -> Vec<String> {
    value
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A time as a `datetime-local` field shows it (UTC).
fn datetime_local(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M").to_string()
}

impl EventForm {
    /// The form filled with an event's current settings.
    pub fn of(event: &Event) -> Self {
        Self {
            csrf: String::new(),
            slug: event.slug.clone(),
            name: event.name.clone(),
            description: event.description.clone(),
            starts_at: datetime_local(event.starts_at),
            ends_at: datetime_local(event.ends_at),
            freeze_at: event.freeze_at.map(datetime_local).unwrap_or_default(),
            registration: event.registration.clone(),
            invite_code: event.invite_code.clone().unwrap_or_default(),
            team_size_min: event.team_size_min.to_string(),
            team_size_max: event.team_size_max.to_string(),
            hint_cost: event.hint_cost.clone(),
            board_names: event.board_names.clone(),
            time_zone: event.time_zone.clone(),
            reward_settings: Some("1".into()),
            rewards: event.rewards.then(|| "on".into()),
            hold_rewards_until_end: event.hold_rewards_until_end.then(|| "on".into()),
            remote_reward: Some(event.remote_reward.clone()),
            brackets: None,
            terms: None,
        }
    }

    /// What the API's `POST /events` would receive.
    pub fn create_request(&self) -> Result<CreateEventRequest> {
        Ok(CreateEventRequest {
            slug: self.slug.trim().to_owned(),
            name: self.name.trim().to_owned(),
            description: self.description.clone(),
            starts_at: utc_time(&self.starts_at),
            ends_at: utc_time(&self.ends_at),
            freeze_at: optional(&self.freeze_at).map(|f| utc_time(&f)),
            registration: self.registration.clone(),
            invite_code: optional(&self.invite_code),
            team_size_min: parse_size("team_size_min", &self.team_size_min)?,
            team_size_max: parse_size("team_size_max", &self.team_size_max)?,
            hint_cost: optional(&self.hint_cost).unwrap_or_else(|| HINT_COST_ON_SOLVE.into()),
            board_names: optional(&self.board_names).unwrap_or_else(|| BOARD_NAMES_TEAMS.into()),
            time_zone: optional(&self.time_zone).unwrap_or_else(|| DEFAULT_TIME_ZONE.into()),
            rewards: self.rewards.is_some(),
            hold_rewards_until_end: self.hold_rewards_until_end.is_some(),
            remote_reward: self.remote_reward.clone().unwrap_or_default(),
            brackets: self
                .brackets
                .as_deref()
                .map(bracket_lines)
                .unwrap_or_default(),
            terms: self.terms.clone().unwrap_or_default(),
            survey: None,
            survey_opens_at: None,
        })
    }

    /// What the API's `PATCH /events/{slug}` would receive: every setting but the slug.
    pub fn update_request(&self) -> Result<UpdateEventRequest> {
        Ok(UpdateEventRequest {
            slug: None,
            name: Some(self.name.trim().to_owned()),
            description: Some(self.description.clone()),
            starts_at: Some(utc_time(&self.starts_at)),
            ends_at: Some(utc_time(&self.ends_at)),
            freeze_at: Some(optional(&self.freeze_at).map(|f| utc_time(&f))),
            registration: Some(self.registration.clone()),
            invite_code: Some(optional(&self.invite_code)),
            team_size_min: Some(parse_size("team_size_min", &self.team_size_min)?),
            team_size_max: Some(parse_size("team_size_max", &self.team_size_max)?),
            hint_cost: optional(&self.hint_cost),
            board_names: optional(&self.board_names),
            time_zone: optional(&self.time_zone),
            rewards: self
                .reward_settings
                .as_ref()
                .map(|_| self.rewards.is_some()),
            hold_rewards_until_end: self
                .reward_settings
                .as_ref()
                .map(|_| self.hold_rewards_until_end.is_some()),
            remote_reward: self
                .reward_settings
                .as_ref()
                .map(|_| self.remote_reward.clone().unwrap_or_default()),
            brackets: self.brackets.as_deref().map(bracket_lines),
            terms: self.terms.clone(),
            survey: None,
            survey_opens_at: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::utc_time;

    #[test]
    fn datetime_local_values_are_utc() {
        assert_eq!(utc_time("2026-05-04T09:00"), "2026-05-04T09:00:00Z");
        assert_eq!(utc_time("2026-05-04T09:00:30"), "2026-05-04T09:00:30Z");
        assert_eq!(
            utc_time("2026-05-04T09:00:00+02:00"),
            "2026-05-04T09:00:00+02:00"
        );
        assert_eq!(utc_time("2026-05-04T09:00:00Z"), "2026-05-04T09:00:00Z");
    }
}
