//! The ladder as each caller sees it, the organizers' settings of a challenge, and a team's
//! materials.
//!
//! Visibility rules:
//! - organizers, authors and engineers (coaches) see every challenge with its statement, at
//!   any time: they prepare and support the event;
//! - participants see nothing before the event starts (`phase: upcoming`, no challenges);
//!   afterwards every challenge's title and points, and the statement of those open to their
//!   team: the first, the `always_open` ones, each one whose predecessor the team solved, and
//!   each one a coach or organizer opened for the team ([`challenge::open_to_team`]);
//! - the coach's guide (`coach_guide`) goes to the event's coaches and organizers only (in the
//!   ladder, unless they are in a team; in a workspace, to its coaches and organizers), never
//!   to a member;
//! - anyone else gets 403.

use std::collections::HashSet;

use base64::{Engine as _, engine::general_purpose::STANDARD};

use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, announce},
    db::DbConnection,
    error::{Error, Result},
    judge::views::{ChallengeAdmin, FileView, Ladder, LadderChallenge, Materials},
    models::{
        challenge::{self, Challenge, ChallengeChanges},
        event::{Event, Phase},
        team::{Team, TeamDetails},
        user::User,
        validator_version::ValidatorVersion,
    },
    state::AppState,
};

/// The 409 for a challenge the team has not unlocked.
fn locked(challenge: &Challenge) -> Error {
    Error::conflict(
        "locked",
        format!(
            "`{}` is locked: solve the previous challenge of the ladder first",
            challenge.slug
        ),
    )
}

/// The 409 for participants acting outside the event's schedule.
pub(crate) fn not_running(event: &Event) -> Error {
    match event.phase() {
        Phase::Upcoming => Error::conflict(
            "not_running",
            format!(
                "the event has not started yet (it starts at {} UTC)",
                event.starts_at
            ),
        ),
        _ => Error::conflict("not_running", "the event has ended: submissions are closed"),
    }
}

/// Refuses unless `challenge` is open to `team_id`.
pub(crate) fn ensure_unlocked(
    conn: &mut DbConnection,
    challenge: &Challenge,
    team_id: &str,
) -> Result<()> {
    let (_, _, open) = Challenge::open_for_team(conn, &challenge.event_id, team_id)?;
    if open.contains(&challenge.id) {
        Ok(())
    } else {
        Err(locked(challenge))
    }
}

/// The challenge `slug` if the team's members may read its statement: the event has started
/// and the ladder opened it to the team. 404 otherwise, as if it did not exist (hints and
/// questions are about challenges a team can see, and say nothing of the others).
pub(crate) fn visible_to_team(
    conn: &mut DbConnection,
    access: &access::TeamAccess,
    slug: &str,
) -> Result<Challenge> {
    let challenge = Challenge::get_by_slug(conn, &access.event.id, slug)?;
    if access.event.phase() == Phase::Upcoming {
        return Err(Error::NotFound("challenge"));
    }
    let (_, _, open) = Challenge::open_for_team(conn, &access.event.id, &access.team.id)?;
    if open.contains(&challenge.id) {
        Ok(challenge)
    } else {
        Err(Error::NotFound("challenge"))
    }
}

/// One challenge as a rung of a ladder view; the statement only when `show_statement`, the
/// coach's guide only when `coaching` (the event's coaches and organizers, never a member).
fn rung(
    c: Challenge,
    is_open: bool,
    solved: &HashSet<String>,
    config: Option<std::collections::BTreeMap<String, String>>,
    show_statement: bool,
    coaching: bool,
) -> LadderChallenge {
    let coach_guide = if coaching {
        c.coach_guide.clone()
    } else {
        None
    };
    LadderChallenge {
        coach_guide,
        solved: solved.contains(&c.id),
        locked: !is_open,
        config,
        hints: show_statement.then(|| crate::models::hint::HintTitle::of(&c.hint_list())),
        statement: show_statement.then_some(c.statement),
        slug: c.slug,
        title: c.title,
        summary: c.summary,
        position: c.position,
        points: c.points,
        always_open: c.always_open,
    }
}

/// The caller's ladder in the event `event_slug`.
pub fn ladder(conn: &mut DbConnection, user: &User, event_slug: &str) -> Result<Ladder> {
    let standing = access::event_access(conn, user, event_slug)?;
    let event = &standing.event;
    let staff = standing.is_author() || standing.is_engineer();
    let team = Team::of_member(conn, &event.id, &user.id)?;
    if !staff && team.is_none() && !standing.is_participant() {
        return Err(Error::Forbidden(
            "register for this event to see its challenges".into(),
        ));
    }
    let phase = event.phase();
    let mut view = Ladder {
        event: event.slug.clone(),
        phase,
        starts_at: event.starts_at.and_utc(),
        team: team.as_ref().map(|t| t.id.clone()),
        challenges: Vec::new(),
    };
    if !staff && phase == Phase::Upcoming {
        return Ok(view);
    }
    let (ladder, solved, team_open) = match &team {
        Some(team) => Challenge::open_for_team(conn, &event.id, &team.id)?,
        None => {
            let ladder = Challenge::ladder(conn, &event.id)?;
            let open = challenge::unlocked(&ladder, &HashSet::new());
            (ladder, HashSet::new(), open)
        }
    };
    let open = if staff {
        ladder.iter().map(|c| c.id.clone()).collect()
    } else {
        team_open
    };
    let show_config = standing.is_author();
    // The coach's guide: the event's coaches and organizers, unless they are in a team.
    let coaching = (standing.is_organizer() || standing.is_engineer()) && team.is_none();
    view.challenges = ladder
        .into_iter()
        .map(|c| {
            let is_open = open.contains(&c.id);
            let config = show_config.then(|| c.config_overrides());
            rung(c, is_open, &solved, config, is_open, coaching)
        })
        .collect();
    Ok(view)
}

/// Applies the organizers' edits to a challenge (organizers only). Titles and order show on
/// the board, so it is refreshed.
pub async fn update_challenge(
    state: &AppState,
    user: &User,
    event_slug: &str,
    challenge_slug: &str,
    changes: ChallengeChanges,
) -> Result<ChallengeAdmin> {
    let (user, event_slug, challenge_slug) = (
        user.clone(),
        event_slug.to_owned(),
        challenge_slug.to_owned(),
    );
    let (event_id, view) = state
        .db
        .write(move |conn| {
            let standing = access::event_access(conn, &user, &event_slug)?;
            standing.require_organizer()?;
            let challenge = Challenge::get_by_slug(conn, &standing.event.id, &challenge_slug)?;
            let defaults = match &challenge.live_version_id {
                Some(id) => ValidatorVersion::find(conn, id)?.manifest()?.config,
                None => Default::default(),
            };
            let updated = Challenge::apply_changes(conn, &challenge, changes, &defaults)?;
            Ok::<_, Error>((standing.event.id, ChallengeAdmin::from(&updated)))
        })
        .await?;
    announce(state, Change::LadderChanged { event_id });
    Ok(view)
}

/// A team's materials for a challenge: what the validator's `materials(team)` hands out.
/// Members need the challenge unlocked and the event started; coaches and organizers do not.
/// Each run of the validator counts against the team's materials budget (429 once spent).
pub async fn materials(
    state: &AppState,
    user: &User,
    team_id: &str,
    challenge_slug: &str,
) -> Result<Materials> {
    let (caller, team_id, slug) = (user.clone(), team_id.to_owned(), challenge_slug.to_owned());
    let (team, challenge) = state
        .db
        .run(move |conn| {
            let access = access::team_access(conn, &caller, &team_id)?;
            let challenge = Challenge::get_by_slug(conn, &access.event.id, &slug)?;
            if access.relation == TeamRelation::Member {
                if access.event.phase() == Phase::Upcoming {
                    return Err(not_running(&access.event));
                }
                ensure_unlocked(conn, &challenge, &access.team.id)?;
            }
            Ok::<_, Error>((access.team, challenge))
        })
        .await?;
    let version_id = challenge
        .live_version_id
        .clone()
        .ok_or_else(|| Error::conflict("no_live_version", "this challenge has no validator yet"))?;
    // Each request runs the validator: throttled per team, and only once the caller may see
    // the team, so nobody else can spend its budget.
    state.throttles.materials(&team.id)?;
    let loaded = state.judge.version(&state.db, &version_id).await?;
    let files = state
        .judge
        .runtime()
        .materials(&loaded.validator, team.id.clone(), loaded.context(&challenge, None))
        .await
        .map_err(|e| {
            tracing::warn!(challenge = %challenge.slug, team = %team.id, error = %e, "materials failed");
            Error::conflict(
                "materials_unavailable",
                "the challenge's validator failed to produce your materials; the organizers can see why",
            )
        })?;
    Ok(Materials {
        challenge: challenge.slug,
        team: team.id,
        files: files
            .into_iter()
            .map(|f| FileView {
                size: i64::try_from(f.content.len()).unwrap_or(i64::MAX),
                content_base64: Some(STANDARD.encode(&f.content)),
                path: f.path,
            })
            .collect(),
    })
}

/// A team's workspace as the caller sees it: the team with its event and people, why the
/// caller may see it, and the team's ladder.
#[derive(Debug, Clone)]
pub struct TeamWorkspace {
    /// The team, its event, members and coaches.
    pub details: TeamDetails,
    /// The caller's relation to the team.
    pub relation: TeamRelation,
    /// The team's ladder.
    pub ladder: Ladder,
}

/// The workspace of the team `team_id` for its members, coaches and organizers (404 for
/// anyone else, as [`access::team_access`]). The lock and solved states are always the
/// team's; members see the statements of the challenges open to them (nothing before the
/// start), coaches and organizers every statement, as in [`ladder`].
pub fn team_workspace(
    conn: &mut DbConnection,
    user: &User,
    team_id: &str,
) -> Result<TeamWorkspace> {
    let access = access::team_access(conn, user, team_id)?;
    let event = access.event.clone();
    let member = access.relation == TeamRelation::Member;
    let phase = event.phase();
    let mut view = Ladder {
        event: event.slug.clone(),
        phase,
        starts_at: event.starts_at.and_utc(),
        team: Some(access.team.id.clone()),
        challenges: Vec::new(),
    };
    if !(member && phase == Phase::Upcoming) {
        let (ladder, solved, open) = Challenge::open_for_team(conn, &event.id, &access.team.id)?;
        view.challenges = ladder
            .into_iter()
            .map(|c| {
                let is_open = open.contains(&c.id);
                rung(c, is_open, &solved, None, is_open || !member, !member)
            })
            .collect();
    }
    let relation = access.relation;
    let details = Team::details(conn, access.team, event)?;
    Ok(TeamWorkspace {
        details,
        relation,
        ladder: view,
    })
}
