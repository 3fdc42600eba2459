//! Event actions: create an event, change its settings, register for it.

use diesel::Connection;

use crate::{
    access::{self, EventAccess, EventStanding},
    actions::{
        self,
        announce::{Change, announce},
    },
    auth::{constant_time_eq, throttle::ClientAddress},
    db::DbConnection,
    error::{Error, Result},
    models::{
        event::{Event, EventChanges, EventSettings, Phase, REGISTRATION_INVITE},
        event_options::{EventOptionChanges, EventOptions},
        role::{self, EventRole},
        terms,
        user::User,
    },
    state::AppState,
};

/// Creates an event as `creator`, who must be a portal organizer and becomes the event's
/// first organizer (so the role survives if the portal flag is ever withdrawn), with its
/// `brackets` (400 `invalid_brackets`; see [`crate::models::bracket`]).
pub async fn create(
    state: &AppState,
    creator: &User,
    settings: EventSettings,
    options: EventOptions,
    brackets: Vec<String>,
) -> Result<EventStanding> {
    if !creator.is_portal_organizer {
        return Err(Error::Forbidden(
            "only portal organizers may create events".into(),
        ));
    }
    let settings = settings.normalized();
    let options = options.normalized();
    options.validate()?;
    let brackets = actions::brackets::checked(Some(brackets))?;
    let creator = creator.clone();
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let event = Event::create(conn, settings, &creator.id)?;
                let event = options.store(conn, &event.id)?;
                actions::brackets::replace_in(conn, &event.id, brackets.as_deref())?;
                role::grant(
                    conn,
                    &event.id,
                    &creator.id,
                    EventRole::Organizer,
                    Some(&creator.id),
                )?;
                Ok(EventStanding {
                    access: EventAccess {
                        event,
                        roles: vec![EventRole::Organizer],
                        portal_organizer: true,
                    },
                    team_id: None,
                })
            })
        })
        .await
}

/// Changes the settings of the event `slug` as `caller`, who must organize it; the result is
/// validated exactly as on creation. The schedule decides when the public board freezes and
/// unfreezes, so the board and every clock are refreshed. `brackets` (`None`: kept) replaces
/// the event's brackets (409 `bracket_in_use` when a removed one still has teams).
pub async fn edit(
    state: &AppState,
    caller: &User,
    slug: &str,
    changes: EventChanges,
    options: EventOptionChanges,
    brackets: Option<Vec<String>>,
) -> Result<EventStanding> {
    let (caller, slug) = (caller.clone(), slug.to_owned());
    let brackets = actions::brackets::checked(brackets)?;
    let standing = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| edit_in(conn, &caller, &slug, changes, options, brackets))
        })
        .await?;
    announce(
        state,
        Change::EventUpdated {
            event_id: standing.access.event.id.clone(),
        },
    );
    Ok(standing)
}

/// Changing the settings, inside the caller's transaction: nothing is written unless all of
/// it is valid.
fn edit_in(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    changes: EventChanges,
    options: EventOptionChanges,
    brackets: Option<Vec<String>>,
) -> Result<EventStanding> {
    let standing = access::event_standing(conn, caller, slug)?;
    standing.access.require_organizer()?;
    let new_options = options.apply_to(&standing.access.event);
    let settings = changes.apply_to(&standing.access.event)?;
    new_options.clone().normalized().validate()?;
    let event = Event::update(conn, &standing.access.event.id, settings)?;
    let event = if new_options == EventOptions::of(&event) {
        event
    } else {
        new_options.store(conn, &event.id)?
    };
    actions::brackets::replace_in(conn, &event.id, brackets.as_deref())?;
    Ok(EventStanding {
        access: EventAccess {
            event,
            ..standing.access
        },
        ..standing
    })
}

/// What a registration says besides the invite code: the version of the event's terms it
/// accepts and whether the report may name the person (`None`: no choice made).
#[derive(Debug, Clone, Copy, Default)]
pub struct RegistrationChoices {
    /// The version of the terms accepted.
    pub accept_terms: Option<i32>,
    /// Whether the report may print the person's name next to their words.
    pub name_in_report: Option<bool>,
}

/// Registers `user` as a participant of the event `slug`. Returns the caller's standing and
/// whether the registration is new: registering again is a no-op, not an error, except that
/// it records what `choices` says (a newer version of the terms accepted, the name choice).
///
/// Invite-mode events need their code (403 `invite_code_required` / `invalid_invite_code`);
/// nobody can register once the event has ended (409 `event_ended`). Wrong codes are
/// throttled per user and per client address (429). An event with terms needs their current
/// version ([`terms::check_acceptance`]: 400 `terms_acceptance_required`, 409
/// `stale_terms_version`, 422 `unknown_terms_version`).
pub async fn register(
    state: &AppState,
    user: &User,
    slug: &str,
    invite_code: Option<&str>,
    choices: RegistrationChoices,
) -> Result<(EventStanding, bool)> {
    let guess = match invite_code.filter(|code| !code.trim().is_empty()) {
        Some(_) => Some(
            state
                .throttles
                .invite_code(&user.id, ClientAddress::current())?,
        ),
        None => None,
    };
    let (user, slug, code) = (
        user.clone(),
        slug.to_owned(),
        invite_code.map(str::to_owned),
    );
    let registered = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| register_in(conn, &user, &slug, code.as_deref(), choices))
        })
        .await;
    if let Some(guess) = guess {
        guess.finish(matches!(
            registered,
            Err(Error::Denied {
                code: "invalid_invite_code",
                ..
            })
        ));
    }
    registered
}

/// Registering, inside the caller's transaction.
pub(crate) fn register_in(
    conn: &mut DbConnection,
    user: &User,
    slug: &str,
    invite_code: Option<&str>,
    choices: RegistrationChoices,
) -> Result<(EventStanding, bool)> {
    Event::lock_user(conn, &user.id)?;
    let mut standing = access::event_standing(conn, user, slug)?;
    let event_id = standing.access.event.id.clone();
    let current_terms = terms::current(conn, &event_id)?;
    if standing.access.is_participant() {
        // Already registered: the same call accepts a newer version, or changes the choice.
        if choices.accept_terms.is_some()
            && let Some(version) =
                terms::check_acceptance(current_terms.as_ref(), choices.accept_terms)?
        {
            terms::accept(conn, &event_id, &user.id, version)?;
        }
        if let Some(named) = choices.name_in_report {
            terms::set_name_in_report(conn, &event_id, &user.id, named)?;
        }
        return Ok((standing, false));
    }
    let event = &standing.access.event;
    if event.phase() == Phase::Ended {
        return Err(Error::conflict(
            "event_ended",
            "the event has ended; registration is closed",
        ));
    }
    if event.registration == REGISTRATION_INVITE {
        let presented = invite_code.map(str::trim).unwrap_or_default();
        if presented.is_empty() {
            return Err(Error::forbidden(
                "invite_code_required",
                "this event is by invitation: registering needs its invite_code",
            ));
        }
        let expected = event.invite_code.as_deref().unwrap_or_default();
        if expected.is_empty() || !constant_time_eq(expected.as_bytes(), presented.as_bytes()) {
            return Err(Error::forbidden(
                "invalid_invite_code",
                "the invite_code is not this event's invite code",
            ));
        }
    }
    let accepted = terms::check_acceptance(current_terms.as_ref(), choices.accept_terms)?;
    role::grant(conn, &event.id, &user.id, EventRole::Participant, None)?;
    if let Some(version) = accepted {
        terms::accept(conn, &event_id, &user.id, version)?;
    }
    terms::set_name_in_report(
        conn,
        &event_id,
        &user.id,
        choices.name_in_report.unwrap_or(false),
    )?;
    standing.access.roles.push(EventRole::Participant);
    Ok((standing, true))
}
