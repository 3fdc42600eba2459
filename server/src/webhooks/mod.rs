//! Organizers' webhooks: the news of an event posted to a chat channel, a CRM or a
//! dashboard, through the [`crate::outbox`].
//!
//! - [`news`]: what each event type says and enqueuing it, inside the change's transaction;
//! - [`deliver`]: the `webhook` channel's deliverer (format, sign, post);
//! - [`sign`]: Standard Webhooks signatures;
//! - [`destination`]: where a webhook may be sent (the validators' outbound rules), checked
//!   at creation and at every delivery;
//! - [`phases`]: the task that tells of an event's start, freeze, end and report.

pub mod deliver;
pub mod destination;
pub mod news;
pub mod phases;
pub mod sign;

pub use deliver::WebhookDeliverer;
