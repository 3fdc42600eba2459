//! Events: a hack with a schedule, a registration mode and team rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{events, users},
    },
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
    /// How a hint's cost is taken: [`HINT_COST_ON_SOLVE`] or [`HINT_COST_ALWAYS`].
    pub hint_cost: String,
    /// Names on the public board and big screen: [`BOARD_NAMES_TEAMS`] or
    /// [`BOARD_NAMES_ALIASES`].
    pub board_names: String,
    /// The event's home time zone, an IANA name (`Europe/Paris`); `UTC` by default.
    pub time_zone: String,
    /// Whether a team's first solve of a challenge earns a reward (see
    /// [`crate::models::reward`]).
    pub rewards: bool,
    /// Whether rewards earned while the public board is frozen reach the runners only at the
    /// end.
    pub hold_rewards_until_end: bool,
    /// What a team without a location (a remote team) is told it gets for a solve.
    pub remote_reward: String,
}

/// A hint's cost is taken only once the team solves the challenge (the default).
pub const HINT_COST_ON_SOLVE: &str = "on_solve";
/// A hint's cost is taken as soon as it is unlocked.
pub const HINT_COST_ALWAYS: &str = "always";
/// The public board names teams (the default).
pub const BOARD_NAMES_TEAMS: &str = "teams";
/// The public board and big screen show only team aliases, never names or organizations.
pub const BOARD_NAMES_ALIASES: &str = "aliases";
/// The home time zone of an event that names none.
pub const DEFAULT_TIME_ZONE: &str = "UTC";

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

/// The longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 65536;
/// Registration open to anyone with an account.
pub const REGISTRATION_OPEN: &str = "open";
/// Registration mode: registering needs the event's invite code.
pub const REGISTRATION_INVITE: &str = "invite";

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
    /// Every rule an event's settings must satisfy. Each kind of mistake has its own code:
    /// `invalid_slug`, `invalid_name`, `invalid_description`, `invalid_schedule`,
    /// `invalid_registration`, `invalid_team_size`.
    pub fn validate(&self) -> Result<()> {
        validate_slug(&self.slug, "event")?;
        let bad =
            |code: &'static str, message: &str| Err(Error::bad_request(code, message.to_owned()));
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            return bad("invalid_name", "name must have 1 to 120 characters");
        }
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            return bad(
                "invalid_description",
                "description has more than 65536 characters",
            );
        }
        if self.ends_at <= self.starts_at {
            return bad("invalid_schedule", "ends_at must be after starts_at");
        }
        if let Some(freeze) = self.freeze_at
            && (freeze < self.starts_at || freeze > self.ends_at)
        {
            return bad(
                "invalid_schedule",
                "freeze_at must lie between starts_at and ends_at",
            );
        }
        match self.registration.as_str() {
            REGISTRATION_OPEN => {}
            REGISTRATION_INVITE => {
                if self
                    .invite_code
                    .as_deref()
                    .is_none_or(|c| c.trim().chars().count() < 6)
                {
                    return bad(
                        "invalid_registration",
                        "registration by invite needs an invite_code of 6+ characters",
                    );
                }
            }
            _ => {
                return bad(
                    "invalid_registration",
                    "registration must be \"open\" or \"invite\"",
                );
            }
        }
        if self
            .invite_code
            .as_deref()
            .is_some_and(invite_code_too_long)
        {
            return bad(
                "invalid_registration",
                "invite_code must not exceed 128 characters",
            );
        }
        if self.team_size_min < 1
            || self.team_size_max < self.team_size_min
            || self.team_size_max > 100
        {
            return bad(
                "invalid_team_size",
                "team sizes must satisfy 1 <= team_size_min <= team_size_max <= 100",
            );
        }
        Ok(())
    }

    /// The settings as stored: the invite code trimmed, and dropped when registration is
    /// open (an open event has no code to leak or to check).
    pub fn normalized(mut self) -> Self {
        self.invite_code = match self.registration.as_str() {
            REGISTRATION_OPEN => None,
            _ => self.invite_code.map(|c| c.trim().to_owned()),
        };
        self
    }
}

/// A partial change of an event's settings (`PATCH`): `None` keeps the current value; for the
/// nullable fields `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct EventChanges {
    /// Only accepted when equal to the current slug: slugs never change (links, caches).
    pub slug: Option<String>,
    /// New display name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New start.
    pub starts_at: Option<NaiveDateTime>,
    /// New end.
    pub ends_at: Option<NaiveDateTime>,
    /// New freeze time, or `Some(None)` for no freeze.
    pub freeze_at: Option<Option<NaiveDateTime>>,
    /// New registration mode.
    pub registration: Option<String>,
    /// New invite code, or `Some(None)` to clear it.
    pub invite_code: Option<Option<String>>,
    /// New smallest team.
    pub team_size_min: Option<i32>,
    /// New largest team.
    pub team_size_max: Option<i32>,
}

/// Whether an invite code is over 128 characters (trimmed).
fn invite_code_too_long(code: &str) -> bool {
    code.trim().chars().count() > 128
}

impl EventChanges {
    /// The settings `event` has after these changes, normalized but not yet validated. An
    /// invite code sent is checked for length even when open registration then drops it.
    pub fn apply_to(self, event: &Event) -> Result<EventSettings> {
        if let Some(Some(code)) = &self.invite_code
            && invite_code_too_long(code)
        {
            return Err(Error::bad_request(
                "invalid_registration",
                "invite_code must not exceed 128 characters",
            ));
        }
        if let Some(slug) = &self.slug
            && *slug != event.slug
        {
            return Err(Error::bad_request(
                "slug_immutable",
                "an event's slug cannot change",
            ));
        }
        Ok(EventSettings {
            slug: event.slug.clone(),
            name: self.name.unwrap_or_else(|| event.name.clone()),
            description: self
                .description
                .unwrap_or_else(|| event.description.clone()),
            starts_at: self.starts_at.unwrap_or(event.starts_at),
            ends_at: self.ends_at.unwrap_or(event.ends_at),
            freeze_at: self.freeze_at.unwrap_or(event.freeze_at),
            registration: self
                .registration
                .unwrap_or_else(|| event.registration.clone()),
            invite_code: self
                .invite_code
                .unwrap_or_else(|| event.invite_code.clone()),
            team_size_min: self.team_size_min.unwrap_or(event.team_size_min),
            team_size_max: self.team_size_max.unwrap_or(event.team_size_max),
        }
        .normalized())
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

    /// The first schedule boundary (start, freeze, end) after `at`, if any: the phase — and
    /// with it the public board, the clock and who may submit — changes there and only there.
    pub fn next_boundary(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        [Some(self.starts_at), self.freeze_at, Some(self.ends_at)]
            .into_iter()
            .flatten()
            .filter(|boundary| *boundary > at)
            .min()
    }

    /// How long after `at` until [`Event::next_boundary`], if there is one.
    pub fn until_next_boundary(&self, at: NaiveDateTime) -> Option<std::time::Duration> {
        self.next_boundary(at)
            .map(|boundary| (boundary - at).to_std().unwrap_or_default())
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
            hint_cost: HINT_COST_ON_SOLVE.to_owned(),
            board_names: BOARD_NAMES_TEAMS.to_owned(),
            time_zone: DEFAULT_TIME_ZONE.to_owned(),
            rewards: false,
            hold_rewards_until_end: false,
            remote_reward: String::new(),
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

    /// Locks the user's row until the transaction ends (PostgreSQL): a double-clicked
    /// registration waits there and then finds the role instead of colliding with it.
    pub fn lock_user(conn: &mut DbConnection, user_id: &str) -> Result<()> {
        diesel::update(users::table.find(user_id))
            .set(users::id.eq(users::id))
            .execute(conn)?;
        Ok(())
    }

    /// Every event, soonest first.
    pub fn list(conn: &mut DbConnection) -> Result<Vec<Event>> {
        Ok(events::table
            .order(events::starts_at.asc())
            .select(Event::as_select())
            .load(conn)?)
    }
}
