//! An event's webhooks, made, listed, deleted and pinged by its organizers.
//!
//! A destination is checked when the webhook is made (422 `webhook_url_refused`, with the
//! reason, and logged) and again at every delivery ([`crate::webhooks::destination`]). The
//! signing secret is shown once, in the answer that makes the webhook.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    access,
    db::{DbConnection, new_id, now},
    error::{Error, Result},
    models::{
        serialize_utc,
        user::User,
        webhook::{FORMAT_SLACK, FORMAT_STANDARD, Webhook, normalize_event_types},
    },
    outbox::OutboxRow,
    state::AppState,
    webhooks::{destination, news, sign},
};

/// Deliveries listed per webhook.
const LAST_DELIVERIES: i64 = 10;

/// What an organizer asks for.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// The receiver.
    pub url: String,
    /// Event types (see [`crate::models::webhook::EVENT_TYPES`]).
    pub events: Vec<String>,
    /// `standard` or `slack`.
    pub format: String,
    /// May hear what the frozen board hides before the end.
    pub staff_only: bool,
}

/// One delivery to a webhook, as its organizer sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookDeliveryView {
    /// The delivery's id: the `webhook-id` header (the same on every retry).
    pub id: String,
    /// The event type (`challenge.first_solve`, …, `webhook.ping`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// `queued`, `sent` or `failed`.
    pub state: String,
    /// Attempts made.
    pub attempts: i32,
    /// Why the last attempt failed (a failed delivery: why it was given up).
    pub last_error: Option<String>,
    /// When it was queued.
    #[serde(serialize_with = "serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    /// When the receiver accepted it.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<String>,
    /// Held until then (what the frozen board hides waits for the end).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub held_until: Option<String>,
}

/// A webhook, as its event's organizers see it (the secret is not shown again).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    /// Identifier.
    pub id: String,
    /// The receiver.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// `standard` or `slack`.
    pub format: String,
    /// Whether it hears what the frozen public board hides before the end.
    pub staff_only: bool,
    /// When it was made.
    #[serde(serialize_with = "serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    /// Its latest deliveries, newest first (at most 10).
    pub last_deliveries: Vec<WebhookDeliveryView>,
}

/// A webhook just made, with its signing secret (shown this once).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The webhook.
    #[serde(flatten)]
    pub webhook: WebhookView,
    /// The Standard Webhooks signing secret (`whsec_` and base64), for verifying
    /// `webhook-signature`. Not shown again.
    pub secret: String,
}

/// A ping queued.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookPing {
    /// The delivery's id (its `webhook-id`).
    pub delivery_id: String,
}

fn rfc3339(at: Option<NaiveDateTime>) -> Option<String> {
    at.map(|at| {
        at.and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    })
}

fn view(conn: &mut DbConnection, hook: &Webhook) -> Result<WebhookView> {
    let last_deliveries = OutboxRow::latest_of_target(conn, &hook.id, LAST_DELIVERIES)?
        .into_iter()
        .map(|row| {
            let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
            WebhookDeliveryView {
                event_type: payload["type"].as_str().unwrap_or_default().to_owned(),
                held_until: rfc3339(row.hold_until.filter(|hold| *hold > now())),
                sent_at: rfc3339(row.sent_at),
                id: row.id,
                state: row.state,
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: row.created_at,
            }
        })
        .collect();
    Ok(WebhookView {
        id: hook.id.clone(),
        url: hook.url.clone(),
        events: hook.event_types(),
        format: hook.format.clone(),
        staff_only: hook.staff_only,
        created_at: hook.created_at,
        last_deliveries,
    })
}

/// Makes a webhook for the event `slug` (its organizers; 403 others). 422
/// `invalid_webhook` (no or unknown event type, unknown format), `webhook_url_refused` (the
/// URL's form, or an address webhooks may not reach, with the reason); 409
/// `too_many_webhooks`.
pub async fn create(
    state: &AppState,
    user: &User,
    slug: &str,
    new: NewWebhook,
) -> Result<CreatedWebhook> {
    let events = normalize_event_types(&new.events)?;
    if new.format != FORMAT_STANDARD && new.format != FORMAT_SLACK {
        return Err(Error::unprocessable(
            "invalid_webhook",
            "format is `standard` or `slack`",
        ));
    }
    let (caller, owned_slug) = (user.clone(), slug.to_owned());
    // Authorized before anything is resolved: a stranger's URL costs no lookup.
    state
        .db
        .run(move |conn| access::event_access(conn, &caller, &owned_slug)?.require_organizer())
        .await?;
    let allow_private = state.config.webhook_allow_private;
    if let Err(refused) = destination::check(&new.url, allow_private).await {
        tracing::warn!(
            event = %slug,
            user = %user.id,
            reason = %refused,
            "webhook refused: its destination is not allowed"
        );
        return Err(Error::unprocessable(
            "webhook_url_refused",
            refused.to_string(),
        ));
    }
    let secret = sign::new_secret().map_err(|e| Error::internal(anyhow::anyhow!("{e}")))?;
    let (caller, slug) = (user.clone(), slug.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                let hook = Webhook {
                    id: new_id(),
                    event_id: access.event.id.clone(),
                    url: new.url.trim().to_owned(),
                    events: serde_json::to_string(&events).map_err(Error::internal)?,
                    format: new.format,
                    secret,
                    staff_only: new.staff_only,
                    created_by: Some(caller.id.clone()),
                    created_at: now(),
                };
                Webhook::insert(conn, &hook)?;
                Ok::<_, Error>(CreatedWebhook {
                    webhook: view(conn, &hook)?,
                    secret: hook.secret,
                })
            })
        })
        .await
}

/// The event's webhooks with their latest deliveries (its organizers; 403 others).
pub fn list(conn: &mut DbConnection, user: &User, slug: &str) -> Result<Vec<WebhookView>> {
    let access = access::event_access(conn, user, slug)?;
    access.require_organizer()?;
    Webhook::of_event(conn, &access.event.id)?
        .iter()
        .map(|hook| view(conn, hook))
        .collect()
}

/// Deletes webhook `id` of the event `slug` (its organizers; 403 others, 404 an unknown
/// webhook). What is still queued for it is given up at its next attempt.
pub async fn delete(state: &AppState, user: &User, slug: &str, id: &str) -> Result<()> {
    let (caller, slug, id) = (user.clone(), slug.to_owned(), id.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                Webhook::delete(conn, &access.event.id, &id)
            })
        })
        .await
}

/// Queues a `webhook.ping` to webhook `id` of the event `slug` (its organizers; 403 others,
/// 404 an unknown webhook).
pub async fn ping(state: &AppState, user: &User, slug: &str, id: &str) -> Result<WebhookPing> {
    let (caller, slug, id) = (user.clone(), slug.to_owned(), id.to_owned());
    let delivery_id = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                let hook = Webhook::find(conn, &access.event.id, &id)?;
                news::ping(conn, &access.event, &hook)
            })
        })
        .await?;
    state.outbox.wake();
    Ok(WebhookPing { delivery_id })
}
