//! Rewards: a team's first solve of a challenge, while its event gives rewards, earns the
//! reward the challenge names ("a coffee"), brought to the team's location on site by a
//! runner, or, for a team without a location (a remote team), the event's `remote_reward`
//! words, which the organizers fulfil after the event.
//!
//! The rules, written once here:
//! - **One per team and challenge.** A reward row exists for a team's first *counted* pass
//!   (judged without a sign-off, or approved); the `(team_id, challenge_id)` key makes it one,
//!   across instances and concurrent passes. A resubmission or a rejudge that passes again
//!   finds the row and adds nothing ([`Reward::record_solve`]).
//! - **A withdrawn solve withdraws its open reward.** When a rejudge leaves the team no
//!   counted pass of the challenge, an undelivered row is deleted; a delivered one stays
//!   (the coffee was drunk) ([`Reward::withdraw_if_unsolved`]).
//! - **Held until the end.** With `hold_rewards_until_end`, rows made at or after the freeze
//!   are kept from the queue until the event ends ([`RewardQueue::held_from`]); the public
//!   board stays frozen either way, since rewards are only for staff.
//! - **Where it goes** is the team's location when it solved, copied into the row, so moving
//!   tables later does not send a runner to the wrong one.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{challenges, rewards, submissions, teams},
    },
    error::{Error, Result},
    models::{
        event::Event,
        verdict::{Whose, counted_passes},
    },
};

/// What a challenge's reward is called when neither its manifest nor the event names one.
pub const DEFAULT_REWARD: &str = "a reward";
/// The longest location, in characters (after trimming).
pub const MAX_LOCATION_CHARS: usize = 40;
/// The longest reward words a challenge may carry, in characters.
pub const MAX_REWARD_CHARS: usize = 100;

/// One reward a team earned.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = rewards)]
pub struct Reward {
    /// Identifier.
    pub id: String,
    /// The event.
    pub event_id: String,
    /// The team.
    pub team_id: String,
    /// The challenge solved.
    pub challenge_id: String,
    /// Where the team sat when it solved; `None`: a remote team.
    pub location: Option<String>,
    /// What the reward is, as the challenge named it then.
    pub reward: String,
    /// When the solve earned it.
    pub created_at: NaiveDateTime,
    /// When a runner (or an organizer) marked it delivered.
    pub delivered_at: Option<NaiveDateTime>,
    /// Who marked it delivered.
    pub delivered_by: Option<String>,
}

/// A team in a reward's view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RewardTeam {
    /// Team id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A challenge in a reward's view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RewardChallenge {
    /// Challenge slug.
    pub slug: String,
    /// Its title.
    pub title: String,
}

/// A reward as runners and organizers see it (and a slip prints it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RewardView {
    /// Identifier (`POST /rewards/{id}/delivered`).
    pub id: String,
    /// The team that earned it.
    pub team: RewardTeam,
    /// Where to bring it; `null` for a remote team (fulfilled by the organizers).
    pub location: Option<String>,
    /// The challenge solved.
    pub challenge: RewardChallenge,
    /// What to bring.
    pub reward: String,
    /// When the solve earned it (UTC).
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::serialize_utc")]
    pub created_at: NaiveDateTime,
    /// When it was marked delivered (UTC); `null` while open.
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(serialize_with = "serialize_optional_utc")]
    pub delivered_at: Option<NaiveDateTime>,
}

fn serialize_optional_utc<S: serde::Serializer>(
    at: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Serialize::serialize(&at.map(|at| at.and_utc()), serializer)
}

/// A challenge's reward words in its event: what a first solve earns now, and where the words
/// come from (the event's own override wins over the manifest's, and [`DEFAULT_REWARD`] over
/// neither).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChallengeReward {
    /// Challenge slug.
    pub challenge: String,
    /// What a team's first solve of it earns now.
    pub reward: String,
    /// The event's own words for it (`PUT …/challenges/{challenge}/reward`); `null`: none,
    /// the manifest's (or the default) apply.
    pub event_reward: Option<String>,
    /// The words its live version's manifest names (`reward = "a coffee"`); `null`: none.
    pub manifest_reward: Option<String>,
}

impl ChallengeReward {
    fn of(challenge: String, manifest: Option<String>, event: Option<String>) -> Self {
        Self {
            challenge,
            reward: event
                .clone()
                .or_else(|| manifest.clone())
                .unwrap_or_else(|| DEFAULT_REWARD.to_owned()),
            event_reward: event,
            manifest_reward: manifest,
        }
    }
}

/// Which rewards a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RewardState {
    /// Not yet delivered, oldest first (the default).
    #[default]
    Open,
    /// Delivered, most recent first.
    Delivered,
}

/// Where rewards go: the runners' queue (teams on site) or the organizers' list of remote
/// solves to fulfil.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// Teams with a location: a runner brings it.
    OnSite,
    /// Teams without one: the organizers fulfil it after the event.
    Remote,
}

/// The part of an event's rewards that may be shown now.
#[derive(Debug, Clone, Copy)]
pub struct RewardQueue {
    /// Rows made at or after this time are held back (the freeze, while the event holds its
    /// rewards until the end and has not ended).
    pub held_from: Option<NaiveDateTime>,
}

impl RewardQueue {
    /// What of `event`'s rewards may be shown at `at`.
    pub fn of(event: &Event, at: NaiveDateTime) -> Self {
        let held_from = event
            .freeze_at
            .filter(|_| event.hold_rewards_until_end && at < event.ends_at);
        Self { held_from }
    }

    /// Whether `reward` may be shown now.
    pub fn shows(&self, reward: &Reward) -> bool {
        self.held_from.is_none_or(|from| reward.created_at < from)
    }
}

/// A team's location as stored: trimmed, blank meaning none; 400 `invalid_location` for more
/// than [`MAX_LOCATION_CHARS`] characters or a line break.
pub fn checked_location(location: Option<&str>) -> Result<Option<String>> {
    let Some(location) = location.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    if location.chars().count() > MAX_LOCATION_CHARS || location.contains('\n') {
        return Err(Error::bad_request(
            "invalid_location",
            format!("location must be one line of at most {MAX_LOCATION_CHARS} characters"),
        ));
    }
    Ok(Some(location.to_owned()))
}

/// The reward words of a manifest as stored: trimmed, blank meaning none, cut to
/// [`MAX_REWARD_CHARS`] characters.
pub fn checked_reward(words: Option<&str>) -> Option<String> {
    words
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(MAX_REWARD_CHARS).collect())
}

/// The event's own reward words for a challenge as stored: trimmed, blank meaning none; 400
/// `invalid_reward` for more than [`MAX_REWARD_CHARS`] characters or a line break.
pub fn checked_event_words(words: Option<&str>) -> Result<Option<String>> {
    let words = words.map(str::trim).filter(|w| !w.is_empty());
    if words.is_some_and(|w| w.chars().count() > MAX_REWARD_CHARS || w.contains('\n')) {
        return Err(Error::bad_request(
            "invalid_reward",
            format!("reward must be one line of at most {MAX_REWARD_CHARS} characters"),
        ));
    }
    Ok(words.map(str::to_owned))
}

impl Reward {
    /// What the challenge `challenge_id` rewards: the event's words, else the manifest's,
    /// else [`DEFAULT_REWARD`].
    pub fn words_of(conn: &mut DbConnection, challenge_id: &str) -> Result<String> {
        let (manifest, event): (Option<String>, Option<String>) = challenges::table
            .find(challenge_id)
            .select((challenges::reward, challenges::event_reward))
            .first(conn)?;
        Ok(event
            .or(manifest)
            .unwrap_or_else(|| DEFAULT_REWARD.to_owned()))
    }

    /// The reward words of the challenge `challenge_id` and where they come from.
    pub fn challenge_words(conn: &mut DbConnection, challenge_id: &str) -> Result<ChallengeReward> {
        let (slug, manifest, event): (String, Option<String>, Option<String>) = challenges::table
            .find(challenge_id)
            .select((
                challenges::slug,
                challenges::reward,
                challenges::event_reward,
            ))
            .first(conn)?;
        Ok(ChallengeReward::of(slug, manifest, event))
    }

    /// The reward words of every challenge of the event `event_id`, by slug.
    pub fn words_of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<ChallengeReward>> {
        let rows: Vec<(String, Option<String>, Option<String>)> = challenges::table
            .filter(challenges::event_id.eq(event_id))
            .order(challenges::position.asc())
            .select((
                challenges::slug,
                challenges::reward,
                challenges::event_reward,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(slug, manifest, event)| ChallengeReward::of(slug, manifest, event))
            .collect())
    }

    /// Stores the words the live version's manifest names for the challenge `challenge_id`
    /// (called when a version is published).
    pub fn set_manifest_words(
        conn: &mut DbConnection,
        challenge_id: &str,
        words: Option<&str>,
    ) -> Result<()> {
        diesel::update(challenges::table.find(challenge_id))
            .set(challenges::reward.eq(checked_reward(words)))
            .execute(conn)?;
        Ok(())
    }

    /// Sets (or with `None` clears) the event's own words for the challenge's reward, which
    /// win over the manifest's. 400 `invalid_reward` when longer than [`MAX_REWARD_CHARS`].
    pub fn set_event_words(
        conn: &mut DbConnection,
        challenge_id: &str,
        words: Option<&str>,
    ) -> Result<()> {
        let words = checked_event_words(words)?;
        diesel::update(challenges::table.find(challenge_id))
            .set(challenges::event_reward.eq(words))
            .execute(conn)?;
        Ok(())
    }

    /// After the submission `submission_id`'s pass counted (called inside the transaction
    /// that made it count): the team's reward for the challenge when this is its first
    /// counted pass and the event gives rewards. `None` when it earns none or the team
    /// already has one.
    pub fn record_solve(conn: &mut DbConnection, submission_id: &str) -> Result<Option<Reward>> {
        let (team_id, challenge_id, event_id): (String, String, String) = submissions::table
            .inner_join(challenges::table)
            .filter(submissions::id.eq(submission_id))
            .select((
                submissions::team_id,
                submissions::challenge_id,
                challenges::event_id,
            ))
            .first(conn)?;
        let event = Event::find(conn, &event_id)?;
        if !event.rewards {
            return Ok(None);
        }
        // The first counted pass only: a second one (a resubmission) earns nothing more.
        if counted_passes(conn, &challenge_id, Whose::Team(&team_id), 2)?.len() != 1 {
            return Ok(None);
        }
        Self::create(conn, &event_id, &team_id, &challenge_id)
    }

    /// After a rejudge made the team's pass of the challenge count where none did: its
    /// reward, as for a first solve, unless it has one.
    pub fn record_regained(
        conn: &mut DbConnection,
        event: &Event,
        team_id: &str,
        challenge_id: &str,
    ) -> Result<Option<Reward>> {
        if !event.rewards || counted_passes(conn, challenge_id, Whose::Team(team_id), 1)?.is_empty()
        {
            return Ok(None);
        }
        Self::create(conn, &event.id, team_id, challenge_id)
    }

    /// Inserts the team's reward for the challenge unless it has one (the key decides, so
    /// two passes committed at once still make one).
    fn create(
        conn: &mut DbConnection,
        event_id: &str,
        team_id: &str,
        challenge_id: &str,
    ) -> Result<Option<Reward>> {
        let exists = rewards::table
            .filter(rewards::team_id.eq(team_id))
            .filter(rewards::challenge_id.eq(challenge_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            return Ok(None);
        }
        let location: Option<String> = teams::table
            .find(team_id)
            .select(teams::location)
            .first(conn)?;
        let reward = Reward {
            id: new_id(),
            event_id: event_id.to_owned(),
            team_id: team_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            location,
            reward: Self::words_of(conn, challenge_id)?,
            created_at: now(),
            delivered_at: None,
            delivered_by: None,
        };
        // A savepoint: a concurrent first pass that inserted first leaves this transaction
        // (the verdict's) intact.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(rewards::table)
                .values(&reward)
                .execute(conn)
        });
        match inserted {
            Ok(_) => Ok(Some(reward)),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// After a rejudge: when the team has no counted pass of the challenge left, its open
    /// reward is withdrawn (a delivered one stays). Whether one was withdrawn.
    pub fn withdraw_if_unsolved(
        conn: &mut DbConnection,
        team_id: &str,
        challenge_id: &str,
    ) -> Result<bool> {
        if !counted_passes(conn, challenge_id, Whose::Team(team_id), 1)?.is_empty() {
            return Ok(false);
        }
        let deleted = diesel::delete(
            rewards::table
                .filter(rewards::team_id.eq(team_id))
                .filter(rewards::challenge_id.eq(challenge_id))
                .filter(rewards::delivered_at.is_null()),
        )
        .execute(conn)?;
        Ok(deleted > 0)
    }

    /// What a remote team's workspace says after a counted pass of the challenge `slug`:
    /// the event's `remote_reward` words (the reward's own when the event names none), when
    /// this was the team's first solve of it and it earned a reward without a location;
    /// `None` otherwise (a second pass, an on-site team, an event without rewards).
    pub fn remote_of_first_pass(
        conn: &mut DbConnection,
        event_id: &str,
        team_id: &str,
        slug: &str,
    ) -> Result<Option<String>> {
        let found: Option<(String, Option<String>, String)> = rewards::table
            .inner_join(challenges::table.on(challenges::id.eq(rewards::challenge_id)))
            .filter(rewards::team_id.eq(team_id))
            .filter(challenges::event_id.eq(event_id))
            .filter(challenges::slug.eq(slug))
            .select((rewards::challenge_id, rewards::location, rewards::reward))
            .first(conn)
            .optional()?;
        let Some((challenge_id, None, words)) = found else {
            return Ok(None);
        };
        if counted_passes(conn, &challenge_id, Whose::Team(team_id), 2)?.len() != 1 {
            return Ok(None);
        }
        let event = Event::find(conn, event_id)?;
        Ok(Some(remote_words(&event, words)))
    }

    /// The reward `id`.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Reward> {
        rewards::table
            .find(id)
            .select(Reward::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("reward"))
    }

    /// Marks the reward delivered by `user_id`; 409 `already_delivered` when it was.
    pub fn mark_delivered(conn: &mut DbConnection, reward: &Reward, user_id: &str) -> Result<()> {
        let at = now();
        let changed = diesel::update(
            rewards::table
                .find(&reward.id)
                .filter(rewards::delivered_at.is_null()),
        )
        .set((
            rewards::delivered_at.eq(Some(at)),
            rewards::delivered_by.eq(Some(user_id)),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(Error::conflict(
                "already_delivered",
                "this reward was already marked delivered",
            ));
        }
        Ok(())
    }

    /// The event's rewards going to `destination` in `state` that `queue` shows: open ones
    /// oldest first, delivered ones most recent first.
    pub fn list(
        conn: &mut DbConnection,
        event_id: &str,
        destination: Destination,
        state: RewardState,
        queue: RewardQueue,
    ) -> Result<Vec<RewardView>> {
        let mut query = rewards::table
            .inner_join(teams::table.on(teams::id.eq(rewards::team_id)))
            .inner_join(challenges::table.on(challenges::id.eq(rewards::challenge_id)))
            .filter(rewards::event_id.eq(event_id))
            .into_boxed();
        query = match destination {
            Destination::OnSite => query.filter(rewards::location.is_not_null()),
            Destination::Remote => query.filter(rewards::location.is_null()),
        };
        query = match state {
            RewardState::Open => query
                .filter(rewards::delivered_at.is_null())
                .order((rewards::created_at.asc(), rewards::id.asc())),
            RewardState::Delivered => query
                .filter(rewards::delivered_at.is_not_null())
                .order((rewards::delivered_at.desc(), rewards::id.desc())),
        };
        if let Some(from) = queue.held_from {
            query = query.filter(rewards::created_at.lt(from));
        }
        let rows: Vec<(Reward, String, String, String)> = query
            .select((
                Reward::as_select(),
                teams::name,
                challenges::slug,
                challenges::title,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(reward, team, slug, title)| RewardView::of(reward, team, slug, title))
            .collect())
    }

    /// One reward as a view.
    pub fn view(conn: &mut DbConnection, reward: Reward) -> Result<RewardView> {
        let (team, slug, title): (String, String, String) = rewards::table
            .inner_join(teams::table.on(teams::id.eq(rewards::team_id)))
            .inner_join(challenges::table.on(challenges::id.eq(rewards::challenge_id)))
            .filter(rewards::id.eq(&reward.id))
            .select((teams::name, challenges::slug, challenges::title))
            .first(conn)?;
        Ok(RewardView::of(reward, team, slug, title))
    }

    /// The rewards a team earned, oldest first, as its workspace shows them.
    pub fn of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<RewardView>> {
        let rows: Vec<(Reward, String, String, String)> = rewards::table
            .inner_join(teams::table.on(teams::id.eq(rewards::team_id)))
            .inner_join(challenges::table.on(challenges::id.eq(rewards::challenge_id)))
            .filter(rewards::team_id.eq(team_id))
            .order((rewards::created_at.asc(), rewards::id.asc()))
            .select((
                Reward::as_select(),
                teams::name,
                challenges::slug,
                challenges::title,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(reward, team, slug, title)| RewardView::of(reward, team, slug, title))
            .collect())
    }

    /// Sets (or clears) the team's location; 400 `invalid_location`.
    pub fn set_location(
        conn: &mut DbConnection,
        team_id: &str,
        location: Option<&str>,
    ) -> Result<Option<String>> {
        let location = checked_location(location)?;
        diesel::update(teams::table.find(team_id))
            .set(teams::location.eq(&location))
            .execute(conn)?;
        Ok(location)
    }
}

/// What a team without a location is told it gets for a reward of `words`: the event's
/// `remote_reward` words, or the reward's own when the event names none.
pub fn remote_words(event: &Event, words: String) -> String {
    if event.remote_reward.is_empty() {
        words
    } else {
        event.remote_reward.clone()
    }
}

/// A reward a team without a location gained from a rejudge: its workspace is told, as after
/// a first solve (see [`RejudgedRewards::apply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRegained {
    /// The team.
    pub team_id: String,
    /// The challenge's slug.
    pub challenge: String,
    /// The words the team gets ([`remote_words`]).
    pub reward: String,
}

/// The teams whose rewards a rejudge may change (see [`Reward::rejudged`]).
#[derive(Debug, Clone, Default)]
pub struct RejudgedRewards {
    /// Teams with a new pass: a reward unless they have one.
    pub gained: Vec<String>,
    /// Teams that lost a pass: their open reward withdrawn unless a pass is left.
    pub lost: Vec<String>,
}

impl RejudgedRewards {
    /// Whether nothing is to be done.
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty()
    }

    /// Withdraws and records what the rejudge of the challenge `challenge_id` changed, in
    /// one transaction. Returns the rewards gained by teams without a location, whose
    /// workspaces are told what they get, as after a first solve.
    pub fn apply(self, conn: &mut DbConnection, challenge_id: &str) -> Result<Vec<RemoteRegained>> {
        conn.transaction(|conn| {
            let (event_id, slug): (String, String) = challenges::table
                .find(challenge_id)
                .select((challenges::event_id, challenges::slug))
                .first(conn)?;
            let event = Event::find(conn, &event_id)?;
            for team in &self.lost {
                Reward::withdraw_if_unsolved(conn, team, challenge_id)?;
            }
            let mut remote = Vec::new();
            for team in &self.gained {
                if let Some(reward) = Reward::record_regained(conn, &event, team, challenge_id)?
                    && reward.location.is_none()
                {
                    remote.push(RemoteRegained {
                        team_id: reward.team_id,
                        challenge: slug.clone(),
                        reward: remote_words(&event, reward.reward),
                    });
                }
            }
            Ok(remote)
        })
    }
}

impl RewardView {
    fn of(reward: Reward, team: String, slug: String, title: String) -> Self {
        Self {
            id: reward.id,
            team: RewardTeam {
                id: reward.team_id,
                name: team,
            },
            location: reward.location,
            challenge: RewardChallenge { slug, title },
            reward: reward.reward,
            created_at: reward.created_at,
            delivered_at: reward.delivered_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_short_line_and_blank_is_none() {
        assert_eq!(checked_location(None).expect("none"), None);
        assert_eq!(checked_location(Some("  ")).expect("blank"), None);
        assert_eq!(
            checked_location(Some(" Table 7 ")).expect("a table"),
            Some("Table 7".to_owned())
        );
        assert!(checked_location(Some(&"x".repeat(41))).is_err());
        assert!(checked_location(Some("Table\n7")).is_err());
        assert!(checked_location(Some(&"é".repeat(40))).is_ok());
    }

    #[test]
    fn a_held_queue_hides_what_came_after_the_freeze() {
        let at = |h| {
            chrono::NaiveDate::from_ymd_opt(2026, 5, 4)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .expect("a time")
        };
        let reward = |h| Reward {
            id: "r".into(),
            event_id: "e".into(),
            team_id: "t".into(),
            challenge_id: "c".into(),
            location: Some("T1".into()),
            reward: DEFAULT_REWARD.into(),
            created_at: at(h),
            delivered_at: None,
            delivered_by: None,
        };
        let held = RewardQueue {
            held_from: Some(at(15)),
        };
        assert!(held.shows(&reward(14)));
        assert!(!held.shows(&reward(15)));
        assert!(RewardQueue { held_from: None }.shows(&reward(16)));
    }
}
