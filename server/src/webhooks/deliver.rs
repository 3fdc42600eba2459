//! The webhook channel's deliverer: reads the webhook (gone: given up), holds what the frozen
//! board hides until the end (unless `staff_only`), checks the destination again (DNS can
//! change; the setting can be turned off), formats and signs the body, and posts it.

use std::time::Duration;

use crate::{
    db::{Database, now},
    models::{
        event::Event,
        webhook::{FORMAT_SLACK, Webhook},
    },
    outbox::{Deliver, DeliverFuture, Delivery, DeliveryError},
    webhooks::{destination, sign},
};

/// Sends `webhook` deliveries.
pub struct WebhookDeliverer {
    db: Database,
    client: reqwest::Client,
    allow_private: bool,
}

impl WebhookDeliverer {
    /// A deliverer over `db`, calls bounded by `timeout`.
    pub fn new(db: Database, timeout: Duration, allow_private: bool) -> reqwest::Result<Self> {
        Ok(Self {
            db,
            client: destination::client(timeout, allow_private)?,
            allow_private,
        })
    }

    async fn send(&self, item: &Delivery) -> Result<(), DeliveryError> {
        let id = item.target.clone();
        let event_id = item.event_id.clone();
        let (hook, event) = self
            .db
            .run(move |conn| {
                let hook = Webhook::by_id(conn, &id)?;
                let event = match event_id {
                    Some(event_id) => Some(Event::find(conn, &event_id)?),
                    None => None,
                };
                Ok::<_, crate::error::Error>((hook, event))
            })
            .await
            .map_err(|e| DeliveryError::Retry(format!("cannot read the webhook: {e}")))?;
        let Some(hook) = hook else {
            return Err(DeliveryError::GiveUp("the webhook was deleted".into()));
        };
        let hidden = item.payload["hidden_by_freeze"].as_bool().unwrap_or(false);
        if let Some(event) = &event
            && hidden
            && !hook.staff_only
            && now() < event.ends_at
        {
            return Err(DeliveryError::Defer {
                until: event.ends_at,
                reason: "the frozen board hides it until the end".into(),
            });
        }
        destination::check(&hook.url, self.allow_private)
            .await
            .map_err(|e| match e {
                destination::DestinationError::Unresolvable { .. } => {
                    DeliveryError::Retry(e.to_string())
                }
                _ => DeliveryError::GiveUp(format!("destination refused: {e}")),
            })?;
        let body = if hook.format == FORMAT_SLACK {
            serde_json::json!({"text": item.payload["text"]})
        } else {
            serde_json::json!({
                "type": item.payload["type"],
                "timestamp": item.payload["timestamp"],
                "data": item.payload["data"],
            })
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| DeliveryError::GiveUp(format!("cannot encode: {e}")))?;
        let mut request = self
            .client
            .post(&hook.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if hook.format != FORMAT_SLACK {
            let timestamp = chrono::Utc::now().timestamp();
            let signature = sign::signature(&hook.secret, &item.id, timestamp, &body)
                .ok_or_else(|| DeliveryError::GiveUp("the webhook's secret is unusable".into()))?;
            request = request
                .header("webhook-id", &item.id)
                .header("webhook-timestamp", timestamp.to_string())
                .header("webhook-signature", signature);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| DeliveryError::Retry(describe(&e)))?;
        let status = response.status();
        if status.is_success() {
            Ok(())
        } else if status.is_redirection() {
            Err(DeliveryError::GiveUp(format!(
                "the receiver answered {status}, a redirect (not followed)"
            )))
        } else if status == reqwest::StatusCode::GONE {
            Err(DeliveryError::GiveUp(format!(
                "the receiver answered {status}"
            )))
        } else {
            Err(DeliveryError::Retry(format!(
                "the receiver answered {status}"
            )))
        }
    }
}

/// A transport error with its causes (reqwest's own text stops at "error sending request").
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else {
        error.to_string()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl Deliver for WebhookDeliverer {
    fn deliver<'a>(&'a self, item: &'a Delivery) -> DeliverFuture<'a> {
        Box::pin(self.send(item))
    }
}
