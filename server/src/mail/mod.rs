//! Mail through the organizer's own server: invitations, password resets, e-mail
//! verification links, reminders and the report at the end of an event.
//!
//! Nothing here sends on its own. An action composes a [`Mail`] ([`compose`]) and queues it
//! with [`queue`] inside the transaction of the change that causes it, as a `mail` row of the
//! outbox; the outbox's worker hands the row to [`Mailer::send`] through the `mail` deliverer
//! ([`deliver`]), retries it with backoff, and records the outcome. So a mail cohack accepted
//! is never lost, and one sent twice after a crash carries the same `Message-ID` (built from
//! the outbox row's id) for the receiving side to fold.
//!
//! [`Mailer`] is built once from `smtp_url` with lettre: async on tokio, rustls for STARTTLS
//! (`smtp://`, opportunistic unless `smtp_require_tls`) and implicit TLS (`smtps://`), and a
//! pool of connections. Without `smtp_url` there is no mailer: nothing is queued, and the
//! pages show links to copy instead.

pub mod compose;
pub mod deliver;
pub mod links;

use std::time::Duration;

use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Attachment, Mailbox, MultiPart,
        header::{ContentType, HeaderName, HeaderValue},
    },
};
use url::Url;

pub use self::{compose::Mail, links::Links};
use crate::{config::Config, db::DbConnection, error::Result};

/// How long one SMTP exchange may take before the attempt counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// The `List-Unsubscribe` header (RFC 2369) and the one-click marker (RFC 8058).
const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// Sends mail through the organizer's server; one per process, shared by the outbox's worker.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The host of `public_url`: the right-hand side of every `Message-ID`.
    id_domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The server refused it for good (a 5xx answer: an address it does not know, say).
    #[error("the mail server refused the mail: {0}")]
    Permanent(String),
    /// Anything worth another try later: the server is down, busy, or answered 4xx.
    #[error("the mail could not be sent: {0}")]
    Transient(String),
}

/// The mail settings of `config`, the mailer and `public_url`: `None` without `smtp_url`. Fails in one line naming the
/// setting when `smtp_url` is set but `public_url` is missing, or either is malformed.
pub fn settings(config: &Config) -> anyhow::Result<Option<(Mailer, Url)>> {
    let raw = config.smtp_url.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if config.public_url.trim().is_empty() {
        anyhow::bail!(
            "smtp_url is set but public_url is not: set public_url (COHACK_PUBLIC_URL) to the \
             address people reach the portal at, which links in mail point to"
        );
    }
    let public = Url::parse(config.public_url.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "public_url {:?} is not an http(s) address (COHACK_PUBLIC_URL)",
                config.public_url
            )
        })?;
    let id_domain = public.host_str().unwrap_or("cohack.invalid").to_owned();
    let transport = transport(raw, config.smtp_require_tls).map_err(|reason| {
        anyhow::anyhow!(
            "smtp_url {} is not usable (COHACK_SMTP_URL): {reason}",
            crate::config::mask_password(raw)
        )
    })?;
    let from = if config.mail_from.trim().is_empty() {
        format!("cohack <cohack@{id_domain}>")
    } else {
        config.mail_from.trim().to_owned()
    };
    let from = from.parse::<Mailbox>().map_err(|e| {
        anyhow::anyhow!(
            "mail_from {:?} is not an address (COHACK_MAIL_FROM): {e}",
            config.mail_from
        )
    })?;
    Ok(Some((
        Mailer {
            transport,
            from,
            id_domain,
        },
        public,
    )))
}

/// The transport for `smtp://` (STARTTLS when offered, or always with `require_tls`) or
/// `smtps://` (TLS from the first byte), with the URL's user and password if any. lettre
/// reads the URL (its percent-decoding of the credentials included); only the STARTTLS
/// choice is ours, so that a plain `smtp://` still upgrades when the server offers it.
fn transport(raw: &str, require_tls: bool) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let mut url = Url::parse(raw).map_err(|e| e.to_string())?;
    match url.scheme() {
        "smtp" => {
            let tls = if require_tls {
                "required"
            } else {
                "opportunistic"
            };
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "tls")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("tls", tls);
        }
        "smtps" => {}
        other => return Err(format!("the scheme is {other:?}, not smtp or smtps")),
    }
    let builder =
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str()).map_err(|e| e.to_string())?;
    Ok(builder.timeout(Some(SMTP_TIMEOUT)).build())
}

impl Mailer {
    /// Sends `mail` to `to`, its `Message-ID` made from `outbox_id` (the same on every retry).
    pub async fn send(&self, outbox_id: &str, to: &str, mail: &Mail) -> Result<(), SendError> {
        let message = self
            .message(outbox_id, to, mail)
            .map_err(|e| SendError::Permanent(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }

    /// The message: text and HTML alternatives (and any attached files), the stable `Message-ID`, and for reminders the
    /// one-click `List-Unsubscribe`.
    fn message(&self, outbox_id: &str, to: &str, mail: &Mail) -> anyhow::Result<Message> {
        let to = to.parse::<Mailbox>()?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{outbox_id}@{}>", self.id_domain)));
        if let Some(link) = &mail.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{link}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let body = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
        if mail.attachments.is_empty() {
            return Ok(builder.multipart(body)?);
        }
        // The text and HTML alternatives, then each file: multipart/mixed.
        let mut mixed = MultiPart::mixed().multipart(body);
        for file in &mail.attachments {
            let content_type = ContentType::parse(&file.content_type)?;
            mixed = mixed.singlepart(
                Attachment::new(file.name.clone()).body(file.content.clone(), content_type),
            );
        }
        Ok(builder.multipart(mixed)?)
    }
}

/// Queues `mail` to `to` in the outbox, inside the caller's transaction; the id of the row.
pub fn queue(
    conn: &mut DbConnection,
    event_id: Option<&str>,
    to: &str,
    mail: &Mail,
) -> Result<String> {
    deliver::enqueue(conn, event_id, to, mail)
}
