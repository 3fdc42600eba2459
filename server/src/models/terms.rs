//! Participation terms: an event's terms (Markdown), numbered 1, 2, … as their text changes,
//! each person's acceptance of a version, and each person's choice whether the report may
//! print their name next to their words.
//!
//! The rules, written once here:
//! - **A new text is a new version.** [`set_terms`] adds a row only when the (trimmed) text
//!   differs from the current one, so saving the same terms keeps their version. An empty
//!   text is a version too: it means the event asks for no terms from then on.
//! - **Submitting needs the current version.** [`require_current`] is what submitting (and
//!   signing up for the current terms) checks: a person who accepted an older version is asked
//!   again, naming the version to accept.
//! - **The name choice defaults to no.** Without a row in `report_names`, the report
//!   attributes a person's words to a role and an organization only.
//!
//! What a person's data export takes from here: [`acceptances_of_user`] and
//! [`name_choices_of_user`].

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    db::{
        DbConnection, now,
        schema::{event_terms, events, organizations, report_names, terms_acceptances, users},
    },
    error::{Error, Result},
};

/// The longest terms accepted, in characters.
pub const MAX_TERMS_CHARS: usize = 65536;

/// One version of an event's terms.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize, ToSchema)]
#[diesel(table_name = event_terms)]
pub struct Terms {
    /// The event.
    #[serde(skip)]
    pub event_id: String,
    /// 1, 2, … in the order the texts were set.
    pub version: i32,
    /// The Markdown text; empty: the event asks for no terms from this version on.
    pub text: String,
    /// When this text was set (UTC).
    #[serde(serialize_with = "crate::models::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

impl Terms {
    /// Whether this version asks anything of the participants (its text is not empty).
    pub fn is_required(&self) -> bool {
        !self.text.is_empty()
    }
}

/// Checks a new terms text: 400 `invalid_terms` when longer than [`MAX_TERMS_CHARS`].
pub fn validate_terms(text: &str) -> Result<()> {
    if text.chars().count() > MAX_TERMS_CHARS {
        return Err(Error::bad_request(
            "invalid_terms",
            format!("terms must have at most {MAX_TERMS_CHARS} characters"),
        ));
    }
    Ok(())
}

/// The latest version of the terms of the event `event_id`, if it ever had any.
pub fn latest(conn: &mut DbConnection, event_id: &str) -> Result<Option<Terms>> {
    Ok(event_terms::table
        .filter(event_terms::event_id.eq(event_id))
        .order(event_terms::version.desc())
        .select(Terms::as_select())
        .first(conn)
        .optional()?)
}

/// The terms a participant must accept now: the latest version when its text is not empty.
pub fn current(conn: &mut DbConnection, event_id: &str) -> Result<Option<Terms>> {
    Ok(latest(conn, event_id)?.filter(Terms::is_required))
}

/// Every version of the event's terms, oldest first (the export's history).
pub fn history(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Terms>> {
    Ok(event_terms::table
        .filter(event_terms::event_id.eq(event_id))
        .order(event_terms::version.asc())
        .select(Terms::as_select())
        .load(conn)?)
}

/// Sets the event's terms to `text` (trimmed; validated by [`validate_terms`]): a new version
/// when the text differs from the latest one, nothing otherwise. Returns the latest version
/// afterwards. An event that never had terms and is given an empty text stays without.
pub fn set_terms(conn: &mut DbConnection, event_id: &str, text: &str) -> Result<Option<Terms>> {
    let text = text.trim();
    validate_terms(text)?;
    let previous = latest(conn, event_id)?;
    let unchanged = match &previous {
        Some(terms) => terms.text == text,
        None => text.is_empty(),
    };
    if unchanged {
        return Ok(previous);
    }
    let terms = Terms {
        event_id: event_id.to_owned(),
        version: previous.map_or(1, |t| t.version + 1),
        text: text.to_owned(),
        created_at: now(),
    };
    diesel::insert_into(event_terms::table)
        .values(&terms)
        .execute(conn)?;
    Ok(Some(terms))
}

/// Records that `user_id` accepted `version` of the event's terms (once per version: a repeat
/// keeps the first time).
pub fn accept(conn: &mut DbConnection, event_id: &str, user_id: &str, version: i32) -> Result<()> {
    if has_accepted(conn, event_id, user_id, version)? {
        return Ok(());
    }
    diesel::insert_into(terms_acceptances::table)
        .values((
            terms_acceptances::event_id.eq(event_id),
            terms_acceptances::user_id.eq(user_id),
            terms_acceptances::version.eq(version),
            terms_acceptances::accepted_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether `user_id` accepted `version` of the event's terms.
pub fn has_accepted(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    version: i32,
) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        terms_acceptances::table.filter(
            terms_acceptances::event_id
                .eq(event_id)
                .and(terms_acceptances::user_id.eq(user_id))
                .and(terms_acceptances::version.eq(version)),
        ),
    ))
    .get_result(conn)?)
}

/// The newest version of the event's terms `user_id` accepted, if any.
pub fn accepted_version(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
) -> Result<Option<i32>> {
    Ok(terms_acceptances::table
        .filter(
            terms_acceptances::event_id
                .eq(event_id)
                .and(terms_acceptances::user_id.eq(user_id)),
        )
        .select(diesel::dsl::max(terms_acceptances::version))
        .first::<Option<i32>>(conn)?)
}

/// 403 `terms_not_accepted` when the event has terms and `user_id` has not accepted their
/// current version; the message names the version to accept. What submitting checks.
pub fn require_current(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<()> {
    let Some(terms) = current(conn, event_id)? else {
        return Ok(());
    };
    if has_accepted(conn, event_id, user_id, terms.version)? {
        return Ok(());
    }
    Err(Error::forbidden(
        "terms_not_accepted",
        format!(
            "the event's terms changed: accept version {} (POST /api/v1/events/{{slug}}/registrations with {{\"accept_terms\": {}}}) before submitting",
            terms.version, terms.version
        ),
    ))
}

/// Checks the version a registration accepts against the event's current terms: 400
/// `invalid_accept_terms` for a version below 1 (none exists); `None` when the event has no
/// terms; 400 `terms_acceptance_required` without a version, 409 `stale_terms_version` for
/// an older one, 422 `unknown_terms_version` for one the event does not have yet. Returns
/// the version to record.
pub fn check_acceptance(current: Option<&Terms>, presented: Option<i32>) -> Result<Option<i32>> {
    if presented.is_some_and(|v| v < 1) {
        return Err(Error::bad_request(
            "invalid_accept_terms",
            "accept_terms is a version of the event's terms: 1 or more",
        ));
    }
    let Some(terms) = current else {
        return Ok(None);
    };
    let version = terms.version;
    match presented {
        None => Err(Error::bad_request(
            "terms_acceptance_required",
            format!(
                "this event has participation terms: registering needs \"accept_terms\": {version} (the current version)"
            ),
        )),
        Some(v) if v == version => Ok(Some(v)),
        Some(v) if v < version => Err(Error::conflict(
            "stale_terms_version",
            format!("version {v} of the terms is no longer current: accept version {version}"),
        )),
        Some(v) => Err(Error::unprocessable(
            "unknown_terms_version",
            format!("the event has no version {v} of its terms: the current one is {version}"),
        )),
    }
}

/// Who accepted which version of an event's terms, as organizers read it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Acceptance {
    /// The person's user id.
    pub user_id: String,
    /// Their display name.
    pub name: String,
    /// Their e-mail.
    pub email: String,
    /// Their organization's name.
    pub organization: String,
    /// The version they accepted.
    pub version: i32,
    /// When (UTC).
    #[serde(serialize_with = "crate::models::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub accepted_at: NaiveDateTime,
}

/// Every acceptance of the event's terms, oldest first.
pub fn acceptances_of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Acceptance>> {
    let rows: Vec<(String, String, String, String, i32, NaiveDateTime)> = terms_acceptances::table
        .inner_join(users::table)
        .inner_join(organizations::table.on(organizations::id.eq(users::organization_id)))
        .filter(terms_acceptances::event_id.eq(event_id))
        .order((
            terms_acceptances::accepted_at.asc(),
            terms_acceptances::user_id.asc(),
            terms_acceptances::version.asc(),
        ))
        .select((
            users::id,
            users::display_name,
            users::email,
            organizations::name,
            terms_acceptances::version,
            terms_acceptances::accepted_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, name, email, organization, version, accepted_at)| Acceptance {
                user_id,
                name,
                email,
                organization,
                version,
                accepted_at,
            },
        )
        .collect())
}

/// One of a person's acceptances, as their own data export lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserAcceptance {
    /// The event's slug.
    pub event: String,
    /// The version accepted.
    pub version: i32,
    /// When (UTC).
    #[serde(serialize_with = "crate::models::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub accepted_at: NaiveDateTime,
}

/// Every acceptance of `user_id`, oldest first (for the person's data export).
pub fn acceptances_of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<UserAcceptance>> {
    let rows: Vec<(String, i32, NaiveDateTime)> = terms_acceptances::table
        .inner_join(events::table.on(events::id.eq(terms_acceptances::event_id)))
        .filter(terms_acceptances::user_id.eq(user_id))
        .order((terms_acceptances::accepted_at.asc(), events::slug.asc()))
        .select((
            events::slug,
            terms_acceptances::version,
            terms_acceptances::accepted_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(event, version, accepted_at)| UserAcceptance {
            event,
            version,
            accepted_at,
        })
        .collect())
}

/// Records whether the report may print `user_id`'s name next to their words at the event.
pub fn set_name_in_report(
    conn: &mut DbConnection,
    event_id: &str,
    user_id: &str,
    name_in_report: bool,
) -> Result<()> {
    let updated = diesel::update(report_names::table.find((event_id, user_id)))
        .set((
            report_names::name_in_report.eq(name_in_report),
            report_names::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(report_names::table)
            .values((
                report_names::event_id.eq(event_id),
                report_names::user_id.eq(user_id),
                report_names::name_in_report.eq(name_in_report),
                report_names::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether the report may print `user_id`'s name at the event (no choice made: no).
pub fn name_in_report(conn: &mut DbConnection, event_id: &str, user_id: &str) -> Result<bool> {
    Ok(report_names::table
        .find((event_id, user_id))
        .select(report_names::name_in_report)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

/// The people of the event who said yes: the report may print their names.
pub fn named_in_report(conn: &mut DbConnection, event_id: &str) -> Result<HashSet<String>> {
    Ok(report_names::table
        .filter(
            report_names::event_id
                .eq(event_id)
                .and(report_names::name_in_report.eq(true)),
        )
        .select(report_names::user_id)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// A person's name choice at one event, as their data export lists it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NameChoice {
    /// The event's slug.
    pub event: String,
    /// Whether the report may print their name next to their words.
    pub name_in_report: bool,
    /// When they last chose (UTC).
    #[serde(serialize_with = "crate::models::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: NaiveDateTime,
}

/// Every name choice `user_id` made (for the person's data export), by event slug.
pub fn name_choices_of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<NameChoice>> {
    let rows: Vec<(String, bool, NaiveDateTime)> = report_names::table
        .inner_join(events::table.on(events::id.eq(report_names::event_id)))
        .filter(report_names::user_id.eq(user_id))
        .order(events::slug.asc())
        .select((
            events::slug,
            report_names::name_in_report,
            report_names::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(event, name_in_report, updated_at)| NameChoice {
            event,
            name_in_report,
            updated_at,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(version: i32) -> Terms {
        Terms {
            event_id: "e".into(),
            version,
            text: "Code stays yours.".into(),
            created_at: now(),
        }
    }

    #[test]
    fn an_acceptance_must_name_the_current_version() {
        assert_eq!(check_acceptance(None, None).ok(), Some(None));
        assert_eq!(check_acceptance(None, Some(3)).ok(), Some(None));
        let current = terms(2);
        assert_eq!(
            check_acceptance(Some(&current), Some(2)).ok(),
            Some(Some(2))
        );
        let code = |presented| {
            check_acceptance(Some(&current), presented)
                .err()
                .map(|e| e.code())
        };
        assert_eq!(code(None), Some("terms_acceptance_required"));
        assert_eq!(code(Some(1)), Some("stale_terms_version"));
        assert_eq!(code(Some(0)), Some("invalid_accept_terms"));
        assert_eq!(
            check_acceptance(None, Some(-1)).err().map(|e| e.code()),
            Some("invalid_accept_terms")
        );
        assert_eq!(code(Some(3)), Some("unknown_terms_version"));
    }
}
