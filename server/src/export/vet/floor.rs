//! The floor of the event, re-checked on import (format version 4): the event's brackets and
//! each team's one bracket, a team's location, a challenge's reward words, the challenges coaches and organizers opened for a team, and the rewards teams earned, all
//! under the rules the portal applies when they are made.

use super::{Kind, Vetter, invalid, once};
use crate::{
    export::{
        error::Refusal,
        rows::{ChallengeRow, EventBracketRow, OpeningRow, RewardRow, TeamBracketRow},
    },
    models::{bracket, opening, reward},
};

/// A team's location as the portal stores it (trimmed, blank meaning none, one line of at
/// most 40 characters).
pub(super) fn check_location(location: &mut Option<String>) -> Result<(), Refusal> {
    *location = reward::checked_location(location.as_deref())
        .map_err(|e| invalid(format!("`location`: {e}")))?;
    Ok(())
}

/// A challenge's reward words, the manifest's and the event's: one line of at most 100
/// characters each.
pub(super) fn check_challenge(r: &mut ChallengeRow) -> Result<(), Refusal> {
    for (column, words) in [
        ("reward", &mut r.reward),
        ("event_reward", &mut r.event_reward),
    ] {
        *words = reward::checked_event_words(words.as_deref())
            .map_err(|e| invalid(format!("`{column}`: {e}")))?;
    }
    Ok(())
}

impl Vetter {
    /// One of the event's brackets: a name the portal accepts, each name (regardless of case)
    /// and each position once, at most [`bracket::MAX_BRACKETS`].
    pub(super) fn event_bracket(&mut self, r: &mut EventBracketRow) -> Result<(), Refusal> {
        self.in_event("event_id", &mut r.event_id)?;
        let name = bracket::normalized(std::slice::from_ref(&r.name))
            .map_err(|e| invalid(format!("`name`: {e}")))?
            .pop()
            .unwrap_or_default();
        if bracket::resolve(&self.brackets, &name).is_some() {
            return Err(Refusal::Duplicate(format!("the bracket {name:?}")));
        }
        if self.brackets.len() >= bracket::MAX_BRACKETS {
            return Err(invalid(format!(
                "an event has at most {} brackets",
                bracket::MAX_BRACKETS
            )));
        }
        once(&mut self.bracket_positions, r.position, || {
            format!("the bracket position {}", r.position)
        })?;
        r.name.clone_from(&name);
        self.brackets.push(name);
        Ok(())
    }

    /// A team's bracket: one of the event's, once per team.
    pub(super) fn team_bracket(&mut self, r: &mut TeamBracketRow) -> Result<(), Refusal> {
        self.in_event("event_id", &mut r.event_id)?;
        let team = r.team_id.clone();
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        let Some(name) = bracket::resolve(&self.brackets, &r.bracket) else {
            return Err(Refusal::UnknownReference {
                column: "bracket",
                kind: "bracket",
                id: r.bracket.clone(),
            });
        };
        r.bracket.clone_from(name);
        once(&mut self.team_brackets, r.team_id.clone(), || {
            format!("the bracket of team `{team}`")
        })
    }

    /// A challenge opened for a team: the file's team and challenges, a reason the portal
    /// accepts, a stay of 0 seconds or more, once per team and challenge.
    pub(super) fn opening(&mut self, r: &mut OpeningRow) -> Result<(), Refusal> {
        let (team, challenge) = (r.team_id.clone(), r.challenge_id.clone());
        self.in_event("event_id", &mut r.event_id)?;
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
        if let Some(skipped) = &mut r.skipped_challenge_id {
            if *skipped == challenge {
                return Err(Refusal::Inconsistent(
                    "`skipped_challenge_id` is the challenge the opening opened".into(),
                ));
            }
            self.resolve(Kind::Challenge, "skipped_challenge_id", skipped)?;
        }
        if r.stuck_seconds < 0 {
            return Err(invalid(format!(
                "`stuck_seconds` {} is below 0",
                r.stuck_seconds
            )));
        }
        r.reason =
            opening::check_reason(&r.reason).map_err(|e| invalid(format!("`reason`: {e}")))?;
        once(
            &mut self.openings,
            (r.team_id.clone(), r.challenge_id.clone()),
            || format!("the opening of challenge `{challenge}` for team `{team}`"),
        )?;
        self.define(Kind::Opening, &mut r.id)
    }

    /// A reward a team earned: the file's team and challenge, once per team and challenge, a
    /// location and words the portal accepts, marked delivered with a time or not at all.
    pub(super) fn reward(&mut self, r: &mut RewardRow) -> Result<(), Refusal> {
        let (team, challenge) = (r.team_id.clone(), r.challenge_id.clone());
        self.in_event("event_id", &mut r.event_id)?;
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
        check_location(&mut r.location)?;
        r.reward = reward::checked_event_words(Some(&r.reward))
            .map_err(|e| invalid(format!("`reward`: {e}")))?
            .ok_or_else(|| invalid("`reward` is empty"))?;
        if r.delivered_by.is_some() && r.delivered_at.is_none() {
            return Err(Refusal::Inconsistent(
                "`delivered_by` names who delivered a reward that has no `delivered_at`".into(),
            ));
        }
        if r.delivered_at.is_some_and(|at| at < r.created_at) {
            return Err(Refusal::Inconsistent(
                "`delivered_at` is before the reward was earned (`created_at`)".into(),
            ));
        }
        once(
            &mut self.rewards,
            (r.team_id.clone(), r.challenge_id.clone()),
            || format!("the reward of team `{team}` for challenge `{challenge}`"),
        )?;
        self.define(Kind::Reward, &mut r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reward_words_and_locations_are_checked_as_the_portal_checks_them() {
        let mut location = Some("  Table 7 ".to_owned());
        assert!(check_location(&mut location).is_ok());
        assert_eq!(location.as_deref(), Some("Table 7"));
        let mut blank = Some("   ".to_owned());
        assert!(check_location(&mut blank).is_ok());
        assert_eq!(blank, None);
        assert!(check_location(&mut Some("x".repeat(41))).is_err());
        assert!(check_location(&mut Some("Table\n7".to_owned())).is_err());
    }
}
