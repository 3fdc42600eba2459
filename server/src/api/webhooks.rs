//! An event's webhooks (its organizers): made with the URL, the event types and the format;
//! listed with their latest deliveries; deleted; pinged. The payloads of each event type are
//! described on [`create_webhook`], and so in the OpenAPI document.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::webhooks::{self, CreatedWebhook, NewWebhook, WebhookPing, WebhookView},
    auth::AuthUser,
    error::{ErrorBody, Result},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_webhook)
        .service(list_webhooks)
        .service(delete_webhook)
        .service(ping_webhook);
}

/// The news a webhook may receive.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
pub enum WebhookEventType {
    /// The first team to solve a challenge.
    #[serde(rename = "challenge.first_solve")]
    FirstSolve,
    /// A team solved a challenge (its first counted pass of it).
    #[serde(rename = "challenge.solved")]
    Solved,
    /// A team raised its hand.
    #[serde(rename = "help.requested")]
    HelpRequested,
    /// The event started, froze or ended.
    #[serde(rename = "event.phase")]
    Phase,
    /// The event's report can be read (at the end).
    #[serde(rename = "report.ready")]
    ReportReady,
}

impl WebhookEventType {
    fn as_str(self) -> &'static str {
        match self {
            Self::FirstSolve => "challenge.first_solve",
            Self::Solved => "challenge.solved",
            Self::HelpRequested => "help.requested",
            Self::Phase => "event.phase",
            Self::ReportReady => "report.ready",
        }
    }
}

/// How deliveries are written.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// Standard Webhooks: `{type, timestamp, data}`, with `webhook-id`, `webhook-timestamp`
    /// and `webhook-signature` (`v1,` HMAC-SHA256 of `id.timestamp.body`, keyed with the
    /// secret).
    Standard,
    /// Slack's and Mattermost's incoming webhooks: `{"text": "…"}`, unsigned.
    Slack,
}

/// `POST /events/{slug}/webhooks`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// Where deliveries are posted: `https://` (and `http://` where the server allows private
    /// addresses), no credentials, no `#fragment`, at most 2,048 bytes, not a loopback,
    /// private, link-local or metadata address unless the server allows it.
    pub url: String,
    /// The news it receives, at least one.
    #[schema(min_items = 1)]
    pub events: Vec<WebhookEventType>,
    /// `standard` (signed JSON) or `slack` (`{"text"}`).
    pub format: WebhookFormat,
    /// May hear, before the end, what the frozen public board hides (solves after the
    /// freeze); otherwise those are held until the end. Default false.
    #[serde(default)]
    pub staff_only: bool,
}

/// Makes a webhook (the event's organizers). The answer carries the signing secret, shown
/// this once. Deliveries are stored with the change they tell of and retried for a day; the
/// same delivery keeps its `webhook-id`, so a receiver de-duplicates on it. Solves made while
/// the public board is frozen are held until the end unless `staff_only`.
///
/// A `standard` webhook receives `{"type", "timestamp", "data"}` with the headers
/// `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` and the base64
/// HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the secret's base64
/// part). `data` always has `event` (`{slug, name}`); then, by `type`:
/// - `challenge.first_solve`, `challenge.solved`: `team` (`{id, name}`, the name the public
///   board shows), `challenge` (`{slug, title}`), `submission_id`, `first` (bool),
///   `minutes_in` (since the start);
/// - `help.requested`: `team`, `help_call_id`, `context`;
/// - `event.phase`: `phase` (`started`, `frozen`, `ended`), `at`;
/// - `report.ready`: `report` (where to read it: the insights address);
/// - `webhook.ping`: `webhook_id`.
///
/// A `slack` webhook receives `{"text": "Nimbus solved *Ingest* first — 42 minutes in"}`.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, body = CreatedWebhook),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, description = "unknown event", body = ErrorBody),
        (status = 409, description = "`too_many_webhooks` (20 per event)", body = ErrorBody),
        (status = 422, description = "`invalid_webhook` (no event type); \
            `webhook_url_refused`: the URL's form, or an address webhooks may not reach \
            (loopback, private, link-local, metadata), or a name that does not resolve, with \
            the reason", body = ErrorBody),
    ),
)]
#[post("/events/{slug}/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<CreateWebhookRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let new = NewWebhook {
        url: body.url,
        events: body.events.iter().map(|t| t.as_str().to_owned()).collect(),
        format: match body.format {
            WebhookFormat::Standard => "standard",
            WebhookFormat::Slack => "slack",
        }
        .to_owned(),
        staff_only: body.staff_only,
    };
    let created = webhooks::create(&state, &caller.user, &slug, new).await?;
    Ok(HttpResponse::Created().json(created))
}

/// The event's webhooks with their latest deliveries, newest first (the event's organizers):
/// `queued` (with `held_until` while held), `sent`, or `failed` with `last_error`.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = Vec<WebhookView>),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, description = "unknown event", body = ErrorBody),
    )
)]
#[get("/events/{slug}/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let list = state
        .db
        .run(move |conn| webhooks::list(conn, &caller.user, &slug))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Deletes a webhook (the event's organizers); what is still queued for it is given up.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("id" = String, Path, description = "webhook id"),
    ),
    responses(
        (status = 204, description = "deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, description = "unknown event or webhook", body = ErrorBody),
    )
)]
#[delete("/events/{slug}/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, id) = path.into_inner();
    webhooks::delete(&state, &caller.user, &slug, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Queues a `webhook.ping` to the webhook (the event's organizers), to check the receiver:
/// its outcome shows in the list.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("id" = String, Path, description = "webhook id"),
    ),
    responses(
        (status = 202, body = WebhookPing),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, description = "unknown event or webhook", body = ErrorBody),
    )
)]
#[post("/events/{slug}/webhooks/{id}/ping")]
pub async fn ping_webhook(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (slug, id) = path.into_inner();
    let ping = webhooks::ping(&state, &caller.user, &slug, &id).await?;
    Ok(HttpResponse::Accepted().json(ping))
}
