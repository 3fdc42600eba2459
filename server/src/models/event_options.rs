//! An event's playbook settings: how hint costs are taken, which names the public board shows,
//! the event's home time zone, and its rewards. They are kept apart from [`EventSettings`] (the
//! schedule, registration and team sizes) so that the code which moves a schedule never resets
//! them.
//!
//! [`EventSettings`]: crate::models::event::EventSettings

use diesel::prelude::*;

use crate::{
    db::{DbConnection, now, schema::events},
    error::{Error, Result},
    models::event::{
        BOARD_NAMES_ALIASES, BOARD_NAMES_TEAMS, DEFAULT_TIME_ZONE, Event, HINT_COST_ALWAYS,
        HINT_COST_ON_SOLVE,
    },
};

/// The longest time zone name accepted, in characters (the longest IANA name has 32).
pub const MAX_TIME_ZONE_CHARS: usize = 64;
/// The longest words for a remote team's reward, in characters.
pub const MAX_REMOTE_REWARD_CHARS: usize = 200;

/// The playbook settings of an event, validated by [`EventOptions::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOptions {
    /// [`HINT_COST_ON_SOLVE`] or [`HINT_COST_ALWAYS`].
    pub hint_cost: String,
    /// [`BOARD_NAMES_TEAMS`] or [`BOARD_NAMES_ALIASES`].
    pub board_names: String,
    /// An IANA time zone name.
    pub time_zone: String,
    /// Whether a team's first solve of a challenge earns a reward.
    pub rewards: bool,
    /// Whether rewards earned during the freeze reach the runners only at the end.
    pub hold_rewards_until_end: bool,
    /// What a remote team is told it gets for a solve (at most
    /// [`MAX_REMOTE_REWARD_CHARS`] characters).
    pub remote_reward: String,
}

impl Default for EventOptions {
    fn default() -> Self {
        Self {
            hint_cost: HINT_COST_ON_SOLVE.to_owned(),
            board_names: BOARD_NAMES_TEAMS.to_owned(),
            time_zone: DEFAULT_TIME_ZONE.to_owned(),
            rewards: false,
            hold_rewards_until_end: false,
            remote_reward: String::new(),
        }
    }
}

/// A partial change of [`EventOptions`] (`PATCH`): `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct EventOptionChanges {
    /// New hint cost rule.
    pub hint_cost: Option<String>,
    /// New board names rule.
    pub board_names: Option<String>,
    /// New home time zone.
    pub time_zone: Option<String>,
    /// Rewards on or off.
    pub rewards: Option<bool>,
    /// Hold the freeze's rewards until the end, or not.
    pub hold_rewards_until_end: Option<bool>,
    /// New words for a remote team's reward.
    pub remote_reward: Option<String>,
}

/// The time zone named `name` (trimmed), if the tz database knows it.
pub fn parse_time_zone(name: &str) -> Option<chrono_tz::Tz> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_TIME_ZONE_CHARS {
        return None;
    }
    name.parse().ok()
}

impl EventOptions {
    /// The options an event has now.
    pub fn of(event: &Event) -> Self {
        Self {
            hint_cost: event.hint_cost.clone(),
            board_names: event.board_names.clone(),
            time_zone: event.time_zone.clone(),
            rewards: event.rewards,
            hold_rewards_until_end: event.hold_rewards_until_end,
            remote_reward: event.remote_reward.clone(),
        }
    }

    /// Every rule the options must satisfy: 400 `invalid_hint_cost`, 400
    /// `invalid_board_names`, 422 `unknown_time_zone` (a name the tz database does not know),
    /// 400 `invalid_remote_reward` (more than [`MAX_REMOTE_REWARD_CHARS`] characters).
    pub fn validate(&self) -> Result<()> {
        if ![HINT_COST_ON_SOLVE, HINT_COST_ALWAYS].contains(&self.hint_cost.as_str()) {
            return Err(Error::bad_request(
                "invalid_hint_cost",
                "hint_cost must be \"on_solve\" or \"always\"",
            ));
        }
        if ![BOARD_NAMES_TEAMS, BOARD_NAMES_ALIASES].contains(&self.board_names.as_str()) {
            return Err(Error::bad_request(
                "invalid_board_names",
                "board_names must be \"teams\" or \"aliases\"",
            ));
        }
        if parse_time_zone(&self.time_zone).is_none() {
            return Err(Error::unprocessable(
                "unknown_time_zone",
                "time_zone must be an IANA time zone name such as Europe/Paris or UTC",
            ));
        }
        if self.remote_reward.chars().count() > MAX_REMOTE_REWARD_CHARS {
            return Err(Error::bad_request(
                "invalid_remote_reward",
                format!("remote_reward must have at most {MAX_REMOTE_REWARD_CHARS} characters"),
            ));
        }
        Ok(())
    }

    /// The options as stored: the zone's name trimmed.
    pub fn normalized(mut self) -> Self {
        self.time_zone = self.time_zone.trim().to_owned();
        self.remote_reward = self.remote_reward.trim().to_owned();
        self
    }

    /// Validates and stores the options of the event `id`; returns the event as it is now.
    pub fn store(self, conn: &mut DbConnection, id: &str) -> Result<Event> {
        let options = self.normalized();
        options.validate()?;
        diesel::update(events::table.find(id))
            .set((
                events::hint_cost.eq(&options.hint_cost),
                events::board_names.eq(&options.board_names),
                events::time_zone.eq(&options.time_zone),
                events::rewards.eq(options.rewards),
                events::hold_rewards_until_end.eq(options.hold_rewards_until_end),
                events::remote_reward.eq(&options.remote_reward),
                events::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Event::find(conn, id)
    }
}

impl EventOptionChanges {
    /// The options `event` has after these changes (not yet validated).
    pub fn apply_to(self, event: &Event) -> EventOptions {
        let current = EventOptions::of(event);
        EventOptions {
            hint_cost: self.hint_cost.unwrap_or(current.hint_cost),
            board_names: self.board_names.unwrap_or(current.board_names),
            time_zone: self.time_zone.unwrap_or(current.time_zone),
            rewards: self.rewards.unwrap_or(current.rewards),
            hold_rewards_until_end: self
                .hold_rewards_until_end
                .unwrap_or(current.hold_rewards_until_end),
            remote_reward: self.remote_reward.unwrap_or(current.remote_reward),
        }
    }

    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.hint_cost.is_none()
            && self.board_names.is_none()
            && self.time_zone.is_none()
            && self.rewards.is_none()
            && self.hold_rewards_until_end.is_none()
            && self.remote_reward.is_none()
    }
}

impl Event {
    /// Whether the public board and big screen show team aliases instead of names.
    pub fn shows_aliases(&self) -> bool {
        self.board_names == BOARD_NAMES_ALIASES
    }

    /// The event's home time zone (UTC if the stored name is somehow unknown).
    pub fn home_zone(&self) -> chrono_tz::Tz {
        parse_time_zone(&self.time_zone).unwrap_or(chrono_tz::UTC)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_checked_against_the_tz_database() {
        assert!(parse_time_zone("Europe/Paris").is_some());
        assert!(parse_time_zone(" UTC ").is_some());
        assert!(parse_time_zone("America/Argentina/ComodRivadavia").is_some());
        assert!(parse_time_zone("Mars/Olympus_Mons").is_none());
        assert!(parse_time_zone("").is_none());
        let bad = EventOptions {
            time_zone: "Nowhere/City".into(),
            ..EventOptions::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(Error::Unprocessable {
                code: "unknown_time_zone",
                ..
            })
        ));
        assert!(EventOptions::default().validate().is_ok());
    }
}
