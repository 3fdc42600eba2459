//! What the scheduled mail of an event reads and records: who gets reminders (registered,
//! not opted out), the stakeholders who get the report, and `event_mailings`, the record that
//! makes each reminder and the report go out once per event and kind across instances.

use chrono::NaiveDateTime;
use diesel::{
    prelude::*,
    result::{DatabaseErrorKind, Error as DieselError},
};

use crate::{
    db::{
        DbConnection,
        schema::{event_mailings, event_roles, events, team_members, teams, users},
    },
    error::{Error, Result},
    models::{role::EventRole, user::normalize_email},
};

/// The most stakeholder addresses an event keeps.
pub const MAX_STAKEHOLDERS: usize = 50;

/// A scheduled mailing of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailingKind {
    /// A day before the start, to everyone registered.
    Day,
    /// An hour before the start, to everyone registered.
    Hour,
    /// At the end, the cliffs report to the organizers and stakeholders.
    Report,
    /// When the closing survey opens, to everyone registered who has not answered it.
    Survey,
}

impl MailingKind {
    /// As stored in `event_mailings.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Hour => "hour",
            Self::Report => "report",
            Self::Survey => "survey",
        }
    }
}

/// Someone to remind: their account, address, and team at the event if any.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The account.
    pub user_id: String,
    /// Where the mail goes.
    pub email: String,
    /// Their team's name at the event, if they are in one.
    pub team: Option<String>,
    /// Their team's id at the event, if they are in one (its workspace links the survey).
    pub team_id: Option<String>,
}

/// Records that `kind` of `event_id` goes out now, then runs `send` (which queues the mails)
/// in the same transaction. Returns `None`, having done nothing, if another instance (or an
/// earlier run) recorded it already: the primary key decides, so it happens once.
pub fn once<T>(
    conn: &mut DbConnection,
    event_id: &str,
    kind: MailingKind,
    at: NaiveDateTime,
    send: impl FnOnce(&mut DbConnection) -> Result<T>,
) -> Result<Option<T>> {
    let done = conn.transaction::<_, Error, _>(|conn| {
        let inserted = diesel::insert_into(event_mailings::table)
            .values((
                event_mailings::event_id.eq(event_id),
                event_mailings::kind.eq(kind.as_str()),
                event_mailings::sent_at.eq(at),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => send(conn),
            // Rolled back (PostgreSQL has aborted the transaction anyway), then told apart.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Err(
                Error::conflict(ALREADY_DONE, "this mailing went out already"),
            ),
            Err(e) => Err(e.into()),
        }
    });
    match done {
        Ok(value) => Ok(Some(value)),
        Err(Error::Conflict {
            code: ALREADY_DONE, ..
        }) => Ok(None),
        Err(e) => Err(e),
    }
}

const ALREADY_DONE: &str = "mailing_done";

/// Whether `kind` of `event_id` went out already.
pub fn done(conn: &mut DbConnection, event_id: &str, kind: MailingKind) -> Result<bool> {
    Ok(event_mailings::table
        .find((event_id, kind.as_str()))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Everyone registered for the event (its participants) who did not opt out of reminders.
pub fn reminder_recipients(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Recipient>> {
    let people = event_roles::table
        .inner_join(users::table.on(users::id.eq(event_roles::user_id)))
        .filter(event_roles::event_id.eq(event_id))
        .filter(event_roles::role.eq(EventRole::Participant.as_str()))
        .filter(users::reminders_opt_out.eq(false))
        .order(users::email.asc())
        .select((users::id, users::email))
        .load::<(String, String)>(conn)?;
    let teams_of = team_members::table
        .inner_join(teams::table.on(teams::id.eq(team_members::team_id)))
        .filter(team_members::event_id.eq(event_id))
        .select((team_members::user_id, (teams::id, teams::name)))
        .load::<(String, (String, String))>(conn)?
        .into_iter()
        .collect::<std::collections::HashMap<_, _>>();
    Ok(people
        .into_iter()
        .map(|(user_id, email)| {
            let team = teams_of.get(&user_id);
            Recipient {
                team: team.map(|(_, name)| name.clone()),
                team_id: team.map(|(id, _)| id.clone()),
                user_id,
                email,
            }
        })
        .collect())
}

/// The addresses of the event's organizers.
pub fn organizer_addresses(conn: &mut DbConnection, event_id: &str) -> Result<Vec<String>> {
    Ok(event_roles::table
        .inner_join(users::table.on(users::id.eq(event_roles::user_id)))
        .filter(event_roles::event_id.eq(event_id))
        .filter(event_roles::role.eq(EventRole::Organizer.as_str()))
        .select(users::email)
        .load::<String>(conn)?)
}

/// The event's stakeholder addresses.
pub fn stakeholders(conn: &mut DbConnection, event_id: &str) -> Result<Vec<String>> {
    let raw = events::table
        .find(event_id)
        .select(events::stakeholders)
        .first::<String>(conn)
        .optional()?
        .ok_or(Error::NotFound("event"))?;
    Ok(serde_json::from_str(&raw).unwrap_or_default())
}

/// Each address normalised and checked (400 `invalid_email`), duplicates dropped, at most
/// [`MAX_STAKEHOLDERS`] (400 `too_many_stakeholders`).
pub fn checked_stakeholders(addresses: &[String]) -> Result<Vec<String>> {
    if addresses.len() > MAX_STAKEHOLDERS {
        return Err(Error::bad_request(
            "too_many_stakeholders",
            format!("at most {MAX_STAKEHOLDERS} stakeholder addresses"),
        ));
    }
    let mut kept: Vec<String> = Vec::with_capacity(addresses.len());
    for address in addresses {
        let email = checked_address(address)?;
        if !kept.contains(&email) {
            kept.push(email);
        }
    }
    Ok(kept)
}

/// An address normalised and checked with the sign-up's rule (400 `invalid_email`), the
/// rule the API's schema states; one the mail server then refuses shows as a failed mail.
pub fn checked_address(address: &str) -> Result<String> {
    normalize_email(address)
}

/// Replaces the event's stakeholder addresses (checked with [`checked_stakeholders`]).
pub fn set_stakeholders(
    conn: &mut DbConnection,
    event_id: &str,
    addresses: &[String],
) -> Result<()> {
    let json = serde_json::to_string(addresses).map_err(Error::internal)?;
    diesel::update(events::table.find(event_id))
        .set(events::stakeholders.eq(json))
        .execute(conn)?;
    Ok(())
}

/// Whether the account opted out of reminders.
pub fn opted_out(conn: &mut DbConnection, user_id: &str) -> Result<bool> {
    Ok(users::table
        .find(user_id)
        .select(users::reminders_opt_out)
        .first::<bool>(conn)?)
}

/// Sets whether the account gets reminders.
pub fn set_opt_out(conn: &mut DbConnection, user_id: &str, opt_out: bool) -> Result<()> {
    diesel::update(users::table.find(user_id))
        .set(users::reminders_opt_out.eq(opt_out))
        .execute(conn)?;
    Ok(())
}
