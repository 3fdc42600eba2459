//! Authorization: what the caller is to an event and to a team, decided in one place.
//!
//! Competing companies share events, so a team's workspace, submissions, verdicts and
//! materials exist only for its members, its assigned coaches and the event's organizers
//! (portal organizers count as organizers of every event). To anyone else they do not exist:
//! [`team_access`] answers 404, never 403, so that probing reveals nothing.

use crate::{
    db::DbConnection,
    error::{Error, Result},
    models::{
        event::Event,
        role::{self, EventRole},
        team::Team,
        user::User,
    },
};

/// The caller's standing in one event.
#[derive(Debug, Clone)]
pub struct EventAccess {
    /// The event.
    pub event: Event,
    /// Roles held in it.
    pub roles: Vec<EventRole>,
    /// Portal organizers organize every event.
    pub portal_organizer: bool,
}

impl EventAccess {
    /// Organizer of this event (or of the portal).
    pub fn is_organizer(&self) -> bool {
        self.portal_organizer || self.roles.contains(&EventRole::Organizer)
    }

    /// May publish challenges and see authors' views.
    pub fn is_author(&self) -> bool {
        self.is_organizer() || self.roles.contains(&EventRole::Author)
    }

    /// A coach in this event.
    pub fn is_engineer(&self) -> bool {
        self.roles.contains(&EventRole::Engineer)
    }

    /// Registered to take part.
    pub fn is_participant(&self) -> bool {
        self.roles.contains(&EventRole::Participant)
    }

    /// May see the event's rewards and mark them delivered: its runners and organizers. A
    /// runner holds no other right in the event: every other check here leaves them out.
    pub fn sees_rewards(&self) -> bool {
        self.is_organizer() || self.roles.contains(&EventRole::Runner)
    }

    /// 403 unless runner or organizer.
    pub fn require_rewards(&self) -> Result<()> {
        if self.sees_rewards() {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only the event's runners and organizers may do this".into(),
            ))
        }
    }

    /// 403 unless organizer.
    pub fn require_organizer(&self) -> Result<()> {
        if self.is_organizer() {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only the event's organizers may do this".into(),
            ))
        }
    }

    /// 403 unless author or organizer.
    pub fn require_author(&self) -> Result<()> {
        if self.is_author() {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "only the event's authors and organizers may do this".into(),
            ))
        }
    }
}

/// The caller's standing in the event `slug`.
pub fn event_access(conn: &mut DbConnection, user: &User, slug: &str) -> Result<EventAccess> {
    let event = Event::find_by_slug(conn, slug)?;
    let roles = role::roles_of(conn, &event.id, &user.id)?;
    Ok(EventAccess {
        event,
        roles,
        portal_organizer: user.is_portal_organizer,
    })
}

/// The caller's standing in an event together with the team they belong to there.
#[derive(Debug, Clone)]
pub struct EventStanding {
    /// Roles and organizer status.
    pub access: EventAccess,
    /// The caller's team in this event, if they have joined one.
    pub team_id: Option<String>,
}

/// The caller's standing in the event `slug`, with their team.
pub fn event_standing(conn: &mut DbConnection, user: &User, slug: &str) -> Result<EventStanding> {
    let access = event_access(conn, user, slug)?;
    let team_id = Team::of_member(conn, &access.event.id, &user.id)?.map(|t| t.id);
    Ok(EventStanding { access, team_id })
}

/// How the caller relates to a team they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamRelation {
    /// A member of the team.
    Member,
    /// An assigned coach.
    Coach,
    /// An organizer of the team's event.
    Organizer,
}

/// A team the caller may see, with its event and the caller's relation to it.
#[derive(Debug, Clone)]
pub struct TeamAccess {
    /// The team.
    pub team: Team,
    /// Its event.
    pub event: Event,
    /// Why the caller may see it.
    pub relation: TeamRelation,
}

/// The team `team_id` if the caller is a member, an assigned coach or an organizer of its
/// event; otherwise 404, as if it did not exist.
pub fn team_access(conn: &mut DbConnection, user: &User, team_id: &str) -> Result<TeamAccess> {
    // The team, its event and membership in one query: members are most of the callers.
    let (team, event, is_member) = Team::with_event_and_membership(conn, team_id, &user.id)?;
    let relation = if is_member {
        TeamRelation::Member
    } else if Team::is_coach(conn, &team.id, &user.id)? {
        TeamRelation::Coach
    } else if organizes(conn, user, &team.event_id)? {
        TeamRelation::Organizer
    } else {
        return Err(Error::NotFound("team"));
    };
    Ok(TeamAccess {
        team,
        event,
        relation,
    })
}

/// The team `team_id` if the caller coaches it or organizes its event: 404 for its members
/// (unless they organize the event too) and for everyone else. Coaches' notes and
/// participants' feedback exist only for the team's staff.
pub fn team_staff_access(
    conn: &mut DbConnection,
    user: &User,
    team_id: &str,
) -> Result<TeamAccess> {
    let access = team_access(conn, user, team_id)?;
    match access.relation {
        TeamRelation::Coach | TeamRelation::Organizer => Ok(access),
        TeamRelation::Member if organizes(conn, user, &access.event.id)? => Ok(access),
        TeamRelation::Member => Err(Error::NotFound("team")),
    }
}

/// Whether `user` organizes the event `event_id` (portal organizers organize every event).
pub fn organizes(conn: &mut DbConnection, user: &User, event_id: &str) -> Result<bool> {
    Ok(user.is_portal_organizer
        || role::roles_of(conn, event_id, &user.id)?.contains(&EventRole::Organizer))
}

/// Which of an event's teams a staff member oversees: the rule behind the team list, the
/// event's help calls and the staff side of the event channel, written once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Oversight {
    /// Every team (the event's organizers).
    AllTeams,
    /// The teams they coach (the event's engineers).
    Coached(Vec<String>),
}

impl Oversight {
    /// Whether the team `team_id` is overseen.
    pub fn covers(&self, team_id: &str) -> bool {
        match self {
            Oversight::AllTeams => true,
            Oversight::Coached(teams) => teams.iter().any(|t| t == team_id),
        }
    }

    /// The overseen team ids, `None` meaning all of them.
    pub fn team_ids(&self) -> Option<&[String]> {
        match self {
            Oversight::AllTeams => None,
            Oversight::Coached(teams) => Some(teams),
        }
    }
}

/// What the caller oversees in the event of `access`: all teams for organizers, the teams
/// they coach for engineers, `None` for anyone else.
pub fn oversight(
    conn: &mut DbConnection,
    user: &User,
    access: &EventAccess,
) -> Result<Option<Oversight>> {
    Ok(if access.is_organizer() {
        Some(Oversight::AllTeams)
    } else if access.is_engineer() {
        let teams = Team::coached_by(conn, &access.event.id, &user.id)?;
        Some(Oversight::Coached(
            teams.into_iter().map(|t| t.id).collect(),
        ))
    } else {
        None
    })
}

/// The team `team_id` if the caller organizes its event: 404 for those who may not see the
/// team at all (as [`team_access`]), 403 for its members and coaches.
pub fn team_organizer_access(
    conn: &mut DbConnection,
    user: &User,
    team_id: &str,
) -> Result<TeamAccess> {
    let access = team_access(conn, user, team_id)?;
    if access.relation != TeamRelation::Organizer {
        // A member or coach may also organize the event.
        if !organizes(conn, user, &access.event.id)? {
            return Err(Error::Forbidden(
                "only the event's organizers may do this".into(),
            ));
        }
    }
    Ok(access)
}
