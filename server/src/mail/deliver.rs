//! The `mail` channel of the outbox: queuing a [`Mail`] inside a transaction, and the
//! deliverer that sends a queued one through the [`Mailer`].
//!
//! A server that refuses a mail for good (5xx, a malformed address) fails it at once, with the
//! server's answer as the reason the organizer sees; anything else (the server is down, busy,
//! a 4xx, a timeout) is retried with the outbox's backoff for a day.

use std::sync::Arc;

use super::{Mail, Mailer, SendError};
use crate::{
    db::DbConnection,
    error::{Error, Result},
    outbox::{self, Channel, Deliver, DeliverFuture, Delivery, DeliveryError, NewDelivery},
};

/// Queues `mail` to `to` inside the caller's transaction; the outbox row's id (the mail's
/// `Message-ID`). Call `state.outbox.wake()` after the commit.
pub fn enqueue(
    conn: &mut DbConnection,
    event_id: Option<&str>,
    to: &str,
    mail: &Mail,
) -> Result<String> {
    let payload = serde_json::to_value(mail).map_err(Error::internal)?;
    outbox::enqueue(
        conn,
        NewDelivery {
            channel: Channel::Mail,
            event_id: event_id.map(str::to_owned),
            target: to.to_owned(),
            payload,
            hold_until: None,
        },
    )
}

/// Sends the outbox's `mail` rows.
pub struct MailDeliverer {
    mailer: Mailer,
}

impl MailDeliverer {
    /// The deliverer to register for [`Channel::Mail`].
    pub fn new(mailer: Mailer) -> Arc<Self> {
        Arc::new(Self { mailer })
    }
}

impl Deliver for MailDeliverer {
    fn deliver<'a>(&'a self, item: &'a Delivery) -> DeliverFuture<'a> {
        Box::pin(async move {
            let mail: Mail = serde_json::from_value(item.payload.clone())
                .map_err(|e| DeliveryError::GiveUp(format!("not a mail payload: {e}")))?;
            match self.mailer.send(&item.id, &item.target, &mail).await {
                Ok(()) => Ok(()),
                Err(SendError::Permanent(reason)) => Err(DeliveryError::GiveUp(reason)),
                Err(SendError::Transient(reason)) => Err(DeliveryError::Retry(reason)),
            }
        })
    }
}
