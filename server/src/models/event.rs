//! Events: a hack with a schedule, a registration mode and team rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, new_id, now, schema::events},
    error::{Error, Result},
};

/// An event.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct Event {
    /// Identifier.
    pub id: String,
    /// URL name, unique: lower-case letters, digits and dashes.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Markdown description.
    pub description: String,
    /// When challenge 1 opens.
    pub starts_at: NaiveDateTime,
    /// When submissions close.
    pub ends_at: NaiveDateTime,
    /// When the public leaderboard freezes (until the end), if ever.
    pub freeze_at: Option<NaiveDateTime>,
    /// `open` or `invite`.
    pub registration: String,
    /// The code participants need when registration is by invite.
    pub invite_code: Option<String>,
    /// Smallest team.
    pub team_size_min: i32,
    /// Largest team.
    pub team_size_max: i32,
    /// The portal organizer who created it.
    pub created_by: String,
    /// Creation time.
    pub created_at: NaiveDateTime,
    /// Last change.
    pub updated_at: NaiveDateTime,
}

/// Where an event is in its schedule at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before `starts_at`: nothing of the ladder is visible.
    Upcoming,
    /// Between start and freeze (or end).
    Running,
    /// Between `freeze_at` and `ends_at`: the public board shows the state at freeze.
    Frozen,
    /// After `ends_at`: submissions are refused.
    Ended,
}

/// The editable fields of an event, validated by [`EventSettings::validate`].
#[derive(Debug, Clone)]
pub struct EventSettings {
    /// URL name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Markdown description.
    pub description: String,
    /// Start.
    pub starts_at: NaiveDateTime,
    /// End.
    pub ends_at: NaiveDateTime,
    /// Freeze, between start and end.
    pub freeze_at: Option<NaiveDateTime>,
    /// `open` or `invite`.
    pub registration: String,
    /// Required when registration is `invite`.
    pub invite_code: Option<String>,
    /// Smallest team.
    pub team_size_min: i32,
    /// Largest team.
    pub team_size_max: i32,
}

/// Checks a slug: 2–64 characters of `a-z`, `0-9` and inner dashes.
pub fn validate_slug(slug: &str, what: &'static str) -> Result<()> {
    let ok = (2..=64).contains(&slug.len())
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::bad_request(
            "invalid_slug",
            format!("{what} slug must be 2-64 characters of a-z, 0-9 and inner dashes"),
        ))
    }
}

impl EventSettings {
    /// Every rule an event's settings must satisfy.
    pub fn validate(&self) -> Result<()> {
        validate_slug(&self.slug, "event")?;
        let bad = |message: &str| Err(Error::bad_request("invalid_event", message.to_owned()));
        if self.name.trim().is_empty() || self.name.chars().count() > 120 {
            return bad("name must have 1 to 120 characters");
        }
        if self.description.len() > 64 * 1024 {
            return bad("description is longer than 64 KiB");
        }
        if self.ends_at <= self.starts_at {
            return bad("ends_at must be after starts_at");
        }
        if let Some(freeze) = self.freeze_at
            && (freeze < self.starts_at || freeze > self.ends_at)
        {
            return bad("freeze_at must lie between starts_at and ends_at");
        }
        match self.registration.as_str() {
            "open" => {}
            "invite" => {
                if self
                    .invite_code
                    .as_deref()
                    .is_none_or(|c| c.trim().len() < 6)
                {
                    return bad("registration by invite needs an invite_code of 6+ characters");
                }
            }
            _ => return bad("registration must be \"open\" or \"invite\""),
        }
        if self.team_size_min < 1
            || self.team_size_max < self.team_size_min
            || self.team_size_max > 100
        {
            return bad("team sizes must satisfy 1 <= team_size_min <= team_size_max <= 100");
        }
        Ok(())
    }
}

impl Event {
    /// The phase at `at`.
    pub fn phase_at(&self, at: NaiveDateTime) -> Phase {
        if at < self.starts_at {
            Phase::Upcoming
        } else if at >= self.ends_at {
            Phase::Ended
        } else if self.freeze_at.is_some_and(|f| at >= f) {
            Phase::Frozen
        } else {
            Phase::Running
        }
    }

    /// The phase now.
    pub fn phase(&self) -> Phase {
        self.phase_at(now())
    }

    /// Creates an event; a taken slug is a 409.
    pub fn create(
        conn: &mut DbConnection,
        settings: EventSettings,
        creator: &str,
    ) -> Result<Event> {
        settings.validate()?;
        let at = now();
        let event = Event {
            id: new_id(),
            slug: settings.slug,
            name: settings.name.trim().to_owned(),
            description: settings.description,
            starts_at: settings.starts_at,
            ends_at: settings.ends_at,
            freeze_at: settings.freeze_at,
            registration: settings.registration,
            invite_code: settings.invite_code,
            team_size_min: settings.team_size_min,
            team_size_max: settings.team_size_max,
            created_by: creator.to_owned(),
            created_at: at,
            updated_at: at,
        };
        match diesel::insert_into(events::table)
            .values(&event)
            .execute(conn)
        {
            Ok(_) => Ok(event),
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Err(Error::conflict(
                "slug_taken",
                "an event with this slug exists",
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces the editable settings (the slug stays).
    pub fn update(conn: &mut DbConnection, id: &str, settings: EventSettings) -> Result<Event> {
        settings.validate()?;
        diesel::update(events::table.find(id))
            .set((
                events::name.eq(settings.name.trim()),
                events::description.eq(&settings.description),
                events::starts_at.eq(settings.starts_at),
                events::ends_at.eq(settings.ends_at),
                events::freeze_at.eq(settings.freeze_at),
                events::registration.eq(&settings.registration),
                events::invite_code.eq(&settings.invite_code),
                events::team_size_min.eq(settings.team_size_min),
                events::team_size_max.eq(settings.team_size_max),
                events::updated_at.eq(now()),
            ))
            .execute(conn)?;
        Self::find(conn, id)
    }

    /// The event with this slug.
    pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> Result<Event> {
        events::table
            .filter(events::slug.eq(slug))
            .select(Event::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("event"))
    }

    /// The event with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<Event> {
        events::table
            .find(id)
            .select(Event::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("event"))
    }

    /// Every event, soonest first.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<Event>> {
        Ok(events::table
            .order(events::starts_at.asc())
            .select(Event::as_select())
            .load(conn)?)
    }
}
