//! Reward actions: the runners' queue and the organizers' list of remote solves, marking a
//! reward delivered, a team's location, the event's own reward words for a challenge, and
//! what a team's workspace shows of its rewards.
//!
//! Who may: an event's runners and organizers see its rewards (a runner nothing else of the
//! event); to anyone else a reward does not exist (404). Runners see and deliver what goes to
//! a table (on-site teams), and only what the event's hold lets through; organizers also see
//! the remote solves, which they fulfil.

use diesel::Connection;

use crate::{
    access::{self, EventAccess, TeamRelation},
    actions::announce::{Change, announce},
    db::{DbConnection, now},
    error::{Error, Result},
    models::{
        challenge::Challenge,
        event::Event,
        reward::{ChallengeReward, Destination, Reward, RewardQueue, RewardState, RewardView},
        team::{Team, TeamDetails},
        user::User,
    },
    state::AppState,
};

/// An event's rewards as its rewards page shows them.
#[derive(Debug, Clone)]
pub struct RewardsBoard {
    /// The event.
    pub event: Event,
    /// Whether the caller organizes it (sees the remote solves).
    pub is_organizer: bool,
    /// On-site rewards to bring, oldest first.
    pub open: Vec<RewardView>,
    /// On-site rewards delivered, most recent first.
    pub delivered: Vec<RewardView>,
    /// Remote solves, oldest first (organizers only; empty for runners).
    pub remote: Vec<RewardView>,
    /// Whether rewards made since the freeze are held until the end now.
    pub held: bool,
}

/// The caller's standing in the event `slug`, if they may see its rewards (403 otherwise).
fn rewards_access(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<EventAccess> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_rewards()?;
    Ok(access)
}

/// The event's rewards going to `destination` in `state` (runners and organizers; the remote
/// ones organizers only: 403 for a runner).
pub fn list(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    destination: Destination,
    state: RewardState,
) -> Result<Vec<RewardView>> {
    let access = rewards_access(conn, caller, slug)?;
    if destination == Destination::Remote {
        access.require_organizer()?;
    }
    let queue = RewardQueue::of(&access.event, now());
    Reward::list(conn, &access.event.id, destination, state, queue)
}

/// Everything the rewards page shows the caller.
pub fn board(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<RewardsBoard> {
    let access = rewards_access(conn, caller, slug)?;
    let queue = RewardQueue::of(&access.event, now());
    let event_id = access.event.id.clone();
    let open = Reward::list(
        conn,
        &event_id,
        Destination::OnSite,
        RewardState::Open,
        queue,
    )?;
    let mut delivered = Reward::list(
        conn,
        &event_id,
        Destination::OnSite,
        RewardState::Delivered,
        queue,
    )?;
    delivered.truncate(50);
    let is_organizer = access.is_organizer();
    let remote = if is_organizer {
        Reward::list(
            conn,
            &event_id,
            Destination::Remote,
            RewardState::Open,
            queue,
        )?
    } else {
        Vec::new()
    };
    Ok(RewardsBoard {
        held: queue.held_from.is_some_and(|from| now() >= from),
        event: access.event,
        is_organizer,
        open,
        delivered,
        remote,
    })
}

/// Marks the reward `id` delivered (its event's runners and organizers): 404 for anyone else
/// and, for a runner, for a remote or held reward; 409 `already_delivered`.
pub async fn mark_delivered(state: &AppState, caller: &User, id: &str) -> Result<RewardView> {
    let (caller, id) = (caller.clone(), id.to_owned());
    let (view, event_id) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let reward = Reward::find(conn, &id)?;
                let event = Event::find(conn, &reward.event_id)?;
                let access = access::event_access(conn, &caller, &event.slug)?;
                let visible = access.is_organizer()
                    || (access.sees_rewards()
                        && reward.location.is_some()
                        && RewardQueue::of(&event, now()).shows(&reward));
                if !visible {
                    return Err(Error::NotFound("reward"));
                }
                Reward::mark_delivered(conn, &reward, &caller.id)?;
                let reward = Reward::find(conn, &id)?;
                Ok((Reward::view(conn, reward)?, event.id))
            })
        })
        .await?;
    announce(state, Change::RewardDelivered { event_id });
    Ok(view)
}

/// Sets (or with `None` clears) where the team `team_id` sits (its members and the event's
/// organizers: 403 for its coaches, 404 for anyone else); 400 `invalid_location`.
pub async fn set_location(
    state: &AppState,
    caller: &User,
    team_id: &str,
    location: Option<&str>,
) -> Result<TeamDetails> {
    let (caller, team_id, location) = (
        caller.clone(),
        team_id.to_owned(),
        location.map(str::to_owned),
    );
    state
        .db
        .write(move |conn| {
            let access = access::team_access(conn, &caller, &team_id)?;
            if access.relation != TeamRelation::Member
                && !access::organizes(conn, &caller, &access.event.id)?
            {
                return Err(Error::Forbidden(
                    "only the team's members and the event's organizers may set its location"
                        .into(),
                ));
            }
            let location = Reward::set_location(conn, &access.team.id, location.as_deref())?;
            let team = Team {
                location,
                ..access.team
            };
            Team::details(conn, team, access.event)
        })
        .await
}

/// The reward words of every challenge of the event `slug`, in ladder order (its organizers:
/// 403 otherwise).
pub fn challenge_words(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
) -> Result<Vec<ChallengeReward>> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_organizer()?;
    Reward::words_of_event(conn, &access.event.id)
}

/// Sets (or with `None` or blank words clears) the event's own reward words for its challenge
/// `challenge`, which win over the manifest's from the next first solve on; rewards already
/// earned keep their words. The event's organizers only (403); 404 for an unknown challenge;
/// 400 `invalid_reward` for more than one line or more than 100 characters.
pub async fn set_challenge_words(
    state: &AppState,
    caller: &User,
    slug: &str,
    challenge: &str,
    words: Option<&str>,
) -> Result<ChallengeReward> {
    let (caller, slug, challenge, words) = (
        caller.clone(),
        slug.to_owned(),
        challenge.to_owned(),
        words.map(str::to_owned),
    );
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                let challenge = Challenge::get_by_slug(conn, &access.event.id, &challenge)?;
                Reward::set_event_words(conn, &challenge.id, words.as_deref())?;
                Reward::challenge_words(conn, &challenge.id)
            })
        })
        .await
}

/// What a team's workspace shows of its rewards: each one earned, with the words a remote
/// team gets instead of the challenge's reward.
#[derive(Debug, Clone)]
pub struct TeamRewards {
    /// The event gives rewards.
    pub on: bool,
    /// The team's location (`None`: remote).
    pub location: Option<String>,
    /// Rewards earned, oldest first.
    pub earned: Vec<RewardView>,
    /// The event's words for a remote team's reward (empty: the challenge's own).
    pub remote_reward: String,
}

/// The rewards of a team the caller may see (see [`access::team_access`]).
pub fn of_team(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<TeamRewards> {
    let access = access::team_access(conn, caller, team_id)?;
    let earned = if access.event.rewards {
        Reward::of_team(conn, &access.team.id)?
    } else {
        Vec::new()
    };
    Ok(TeamRewards {
        on: access.event.rewards,
        location: access.team.location,
        earned,
        remote_reward: access.event.remote_reward,
    })
}

/// The slug of the event of the team `team_id` (for a page to go back to after a delivery).
pub fn event_slug_of_team(conn: &mut DbConnection, team_id: &str) -> Result<String> {
    let team = Team::find(conn, team_id)?;
    Ok(Event::find(conn, &team.event_id)?.slug)
}
