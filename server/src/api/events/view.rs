//! What the event endpoints return: an event as the public sees it, plus the caller's own
//! place in it (roles, team, and the invite code for its organizers).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    access::EventStanding,
    actions::{self, terms::EventTrust},
    db::now,
    models::{
        event::{Event, Phase},
        role::EventRole,
    },
};

/// An event as the public sees it, plus what the caller may know about their own place in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Identifier.
    pub id: String,
    /// URL name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Markdown description.
    pub description: String,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Public leaderboard freeze (UTC), if any.
    pub freeze_at: Option<DateTime<Utc>>,
    /// `open` or `invite`.
    pub registration: String,
    /// Smallest team.
    pub team_size_min: i32,
    /// Largest team.
    pub team_size_max: i32,
    /// How a hint's cost is taken: `on_solve` or `always`.
    pub hint_cost: String,
    /// Names on the public board and big screen: `teams` or `aliases`.
    pub board_names: String,
    /// The event's home time zone, an IANA name (times in the API stay UTC).
    pub time_zone: String,
    /// Whether a team's first solve of a challenge earns a reward.
    pub rewards: bool,
    /// Whether rewards earned during the freeze reach the runners only at the end.
    pub hold_rewards_until_end: bool,
    /// What a remote team gets for a solve (empty: the challenge's own reward).
    pub remote_reward: String,
    /// The brackets its teams are ranked in besides the full board, in order (empty: none).
    pub brackets: Vec<String>,
    /// The participation terms (Markdown; empty: none).
    pub terms: String,
    /// The version of `terms` registering accepts (`null`: the event has no terms).
    pub terms_version: Option<i32>,
    /// The closing survey: `false` (none), `true` (the default set) or its own questions.
    pub survey: super::requests::SurveyField,
    /// When the survey opens (UTC; the event's end unless set); `null` without a survey.
    pub survey_opens_at: Option<DateTime<Utc>>,
    /// Where the event is in its schedule at `server_time`.
    pub phase: Phase,
    /// The server's clock, so that clients can show a countdown that agrees with it.
    pub server_time: DateTime<Utc>,
    /// The invite code: only for the event's organizers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_code: Option<String>,
    /// The caller's place in the event: only when authenticated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub me: Option<EventMembership>,
}

/// The caller's roles and team in one event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventMembership {
    /// Roles held in the event.
    pub roles: Vec<EventRole>,
    /// Whether the caller organizes the event (by role or as a portal organizer).
    pub is_organizer: bool,
    /// The caller's team in this event, if any.
    pub team_id: Option<String>,
    /// The newest version of the terms the caller accepted (`null`: none).
    pub accepted_terms_version: Option<i32>,
    /// Whether the caller must accept the current terms before submitting again.
    pub must_accept_terms: bool,
    /// Whether the report may print the caller's name next to their words.
    pub name_in_report: bool,
}

/// A UTC timestamp as sent to clients.
pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

impl EventView {
    /// What anyone may see, with the event's `brackets`.
    pub(super) fn public(event: Event, brackets: Vec<String>) -> Self {
        let at = now();
        Self {
            phase: event.phase_at(at),
            server_time: utc(at),
            id: event.id,
            slug: event.slug,
            name: event.name,
            description: event.description,
            starts_at: utc(event.starts_at),
            ends_at: utc(event.ends_at),
            freeze_at: event.freeze_at.map(utc),
            registration: event.registration,
            team_size_min: event.team_size_min,
            team_size_max: event.team_size_max,
            hint_cost: event.hint_cost,
            board_names: event.board_names,
            time_zone: event.time_zone,
            rewards: event.rewards,
            hold_rewards_until_end: event.hold_rewards_until_end,
            remote_reward: event.remote_reward,
            brackets,
            terms: String::new(),
            terms_version: None,
            survey: super::requests::SurveyField::Flag(false),
            survey_opens_at: None,
            invite_code: None,
            me: None,
        }
    }

    /// The view with the event's terms and survey (`trust`) and, for a caller with a place
    /// in it, their own standing towards the terms (`mine`).
    pub(crate) fn with_trust(
        mut self,
        trust: EventTrust,
        mine: Option<actions::terms::MyTerms>,
    ) -> Self {
        if let Some(terms) = trust.terms {
            self.terms_version = terms.is_required().then_some(terms.version);
            self.terms = terms.text;
        }
        if let Some(survey) = trust.survey {
            let ends_at = self.ends_at;
            self.survey_opens_at = Some(survey.opens_at.map_or(ends_at, utc));
            self.survey = match survey.questions {
                Some(questions) => super::requests::SurveyField::Questions(questions),
                None => super::requests::SurveyField::Flag(true),
            };
        }
        if let (Some(me), Some(mine)) = (self.me.as_mut(), mine) {
            me.accepted_terms_version = mine.accepted_version;
            me.must_accept_terms = mine.must_accept && me.roles.contains(&EventRole::Participant);
            me.name_in_report = mine.name_in_report;
        }
        self
    }

    /// What the caller in `standing` may see, with the event's `brackets`.
    pub(super) fn for_caller(standing: EventStanding, brackets: Vec<String>) -> Self {
        let is_organizer = standing.access.is_organizer();
        let invite_code = standing
            .access
            .event
            .invite_code
            .clone()
            .filter(|_| is_organizer);
        Self {
            invite_code,
            me: Some(EventMembership {
                roles: standing.access.roles,
                is_organizer,
                team_id: standing.team_id,
                accepted_terms_version: None,
                must_accept_terms: false,
                name_in_report: false,
            }),
            ..Self::public(standing.access.event, brackets)
        }
    }
}
