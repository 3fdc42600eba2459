//! An organizer's webhook: where an event's news is posted (a URL), which news (event
//! types), how (`standard`: Standard Webhooks, signed; `slack`: `{"text": …}`), and whether it
//! may hear what the frozen public board hides before the end (`staff_only`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{DbConnection, schema::webhooks},
    error::{Error, Result},
};

/// Standard Webhooks: JSON `{type, timestamp, data}`, signed.
pub const FORMAT_STANDARD: &str = "standard";
/// Slack's and Mattermost's incoming webhooks: `{"text": …}`.
pub const FORMAT_SLACK: &str = "slack";
/// Webhooks one event may have.
pub const MAX_PER_EVENT: i64 = 20;

/// The news a webhook may subscribe to.
pub const EVENT_TYPES: [&str; 5] = [
    "challenge.first_solve",
    "challenge.solved",
    "help.requested",
    "event.phase",
    "report.ready",
];

/// A row of `webhooks`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhooks)]
pub struct Webhook {
    /// Identifier.
    pub id: String,
    /// Its event.
    pub event_id: String,
    /// Where deliveries are posted.
    pub url: String,
    /// The subscribed event types, a JSON array.
    pub events: String,
    /// `standard` or `slack`.
    pub format: String,
    /// The `whsec_` signing secret (shown once, at creation).
    pub secret: String,
    /// May hear what the frozen public board hides, before the end.
    pub staff_only: bool,
    /// Who made it.
    pub created_by: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// Checks a list of event types: known, at least one; returns it without duplicates, in the
/// order of [`EVENT_TYPES`].
pub fn normalize_event_types(types: &[String]) -> Result<Vec<String>> {
    if types.is_empty() {
        return Err(Error::unprocessable(
            "invalid_webhook",
            "name at least one event type",
        ));
    }
    if let Some(unknown) = types.iter().find(|t| !EVENT_TYPES.contains(&t.as_str())) {
        return Err(Error::unprocessable(
            "invalid_webhook",
            format!(
                "unknown event type `{}`; known: {}",
                unknown.chars().take(64).collect::<String>(),
                EVENT_TYPES.join(", ")
            ),
        ));
    }
    Ok(EVENT_TYPES
        .iter()
        .filter(|known| types.iter().any(|t| t == *known))
        .map(|t| (*t).to_owned())
        .collect())
}

impl Webhook {
    /// The subscribed event types.
    pub fn event_types(&self) -> Vec<String> {
        serde_json::from_str(&self.events).unwrap_or_default()
    }

    /// Whether it subscribes to `event_type`.
    pub fn wants(&self, event_type: &str) -> bool {
        self.event_types().iter().any(|t| t == event_type)
    }

    /// Stores a new webhook; 409 `too_many_webhooks` past [`MAX_PER_EVENT`].
    pub fn insert(conn: &mut DbConnection, webhook: &Webhook) -> Result<()> {
        let existing = webhooks::table
            .filter(webhooks::event_id.eq(&webhook.event_id))
            .count()
            .get_result::<i64>(conn)?;
        if existing >= MAX_PER_EVENT {
            return Err(Error::conflict(
                "too_many_webhooks",
                format!("an event has at most {MAX_PER_EVENT} webhooks"),
            ));
        }
        diesel::insert_into(webhooks::table)
            .values(webhook)
            .execute(conn)?;
        Ok(())
    }

    /// The event's webhooks, oldest first.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<Webhook>> {
        Ok(webhooks::table
            .filter(webhooks::event_id.eq(event_id))
            .order((webhooks::created_at.asc(), webhooks::id.asc()))
            .select(Webhook::as_select())
            .load(conn)?)
    }

    /// The event's webhooks subscribed to `event_type`.
    pub fn subscribed(
        conn: &mut DbConnection,
        event_id: &str,
        event_type: &str,
    ) -> Result<Vec<Webhook>> {
        Ok(Self::of_event(conn, event_id)?
            .into_iter()
            .filter(|hook| hook.wants(event_type))
            .collect())
    }

    /// Every event that has a webhook subscribed to `event_type`.
    pub fn events_subscribed_to(conn: &mut DbConnection, event_type: &str) -> Result<Vec<String>> {
        let pattern = format!("%\"{event_type}\"%");
        Ok(webhooks::table
            .filter(webhooks::events.like(pattern))
            .select(webhooks::event_id)
            .distinct()
            .load(conn)?)
    }

    /// Webhook `id` of event `event_id` (404 `webhook` otherwise).
    pub fn find(conn: &mut DbConnection, event_id: &str, id: &str) -> Result<Webhook> {
        webhooks::table
            .filter(webhooks::event_id.eq(event_id))
            .filter(webhooks::id.eq(id))
            .select(Webhook::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("webhook"))
    }

    /// Webhook `id`, whatever its event (`None` once deleted).
    pub fn by_id(conn: &mut DbConnection, id: &str) -> Result<Option<Webhook>> {
        Ok(webhooks::table
            .find(id)
            .select(Webhook::as_select())
            .first(conn)
            .optional()?)
    }

    /// Deletes webhook `id` of event `event_id` (404 `webhook` otherwise).
    pub fn delete(conn: &mut DbConnection, event_id: &str, id: &str) -> Result<()> {
        let deleted = diesel::delete(
            webhooks::table
                .filter(webhooks::event_id.eq(event_id))
                .filter(webhooks::id.eq(id)),
        )
        .execute(conn)?;
        if deleted == 0 {
            return Err(Error::NotFound("webhook"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types_are_checked_and_deduplicated_in_a_fixed_order() {
        let given = ["event.phase", "challenge.first_solve", "event.phase"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            normalize_event_types(&given).expect("known"),
            ["challenge.first_solve", "event.phase"]
        );
        assert!(normalize_event_types(&[]).is_err());
        assert!(normalize_event_types(&["challenge.*".into()]).is_err());
    }
}
