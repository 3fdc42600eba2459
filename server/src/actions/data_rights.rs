//! Each person's data rights: their own data as one archive (access and portability), and
//! erasing their account (self-service, or by the operator's command line), with the record of
//! every erasure for portal organizers.
//!
//! - [`export`]: `data.json` ([`PersonalData`]) and every file the person submitted, as a zip
//!   written while it is sent. The zip writer runs on a blocking thread and hands 64 KiB chunks
//!   to the response through a channel of four, so a slow reader holds it back and memory stays
//!   bounded however much there is: the files, the large part, are read from the database one
//!   at a time, each with a connection of its own that goes back to the pool at once.
//! - [`erase_self`] and [`erase_by_email`]: the account becomes a tombstone
//!   ([`crate::models::erasure`] says what goes and why a tombstone), refused for the last
//!   organizer of the portal or of an event (409). Ending the sessions is what closes the
//!   person's sockets on every instance: the live layer's session sweep asks the database for
//!   ended sessions twice a second.
//! - [`erasures`]: the record, for portal organizers.

use std::{io::Write, time::Duration};

use actix_web::web::Bytes;
use chrono::TimeDelta;
use diesel::{Connection, prelude::*};
use futures_util::Stream;
use tokio::sync::mpsc;

use crate::{
    auth::{AuthUser, password, throttle::ClientAddress},
    db::{DbConnection, now, schema::sessions},
    error::{Error, Result},
    models::{
        erasure::{self, Erased, ErasedBy, Erasure},
        personal_data::{self, PersonalData},
        user::User,
    },
    state::AppState,
};

/// How young a sign-in must be for an account without a password to erase itself.
pub const FRESH_SIGN_IN: TimeDelta = TimeDelta::minutes(10);

/// How long one file's read may wait for a connection.
const CHECKOUT: Duration = Duration::from_secs(10);
/// The size of one chunk handed to the response.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the reader, at most.
const CHUNKS_AHEAD: usize = 4;

/// The caller's data as a zip archive, produced while it is read (see the module doc). The
/// first read happens before this returns, so a database outage is an error status rather than
/// a broken download.
pub async fn export(
    state: &AppState,
    caller: &AuthUser,
) -> Result<impl Stream<Item = std::result::Result<Bytes, Error>> + use<>> {
    let user = caller.user.clone();
    let data = state
        .db
        .run(move |conn| PersonalData::gather(conn, &user))
        .await?;
    let (tx, rx) = mpsc::channel::<std::result::Result<Bytes, Error>>(CHUNKS_AHEAD);
    let db = state.db.clone();
    tokio::task::spawn_blocking(move || {
        let errors = tx.clone();
        if let Err(e) = write_archive(&db, &data, ChannelWriter::new(tx)) {
            // The status is sent already: cut the body, so the client sees a broken archive
            // instead of a complete-looking one.
            tracing::warn!(error = %e, "personal export cut short");
            let _ = errors.blocking_send(Err(e));
        }
    });
    Ok(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    }))
}

fn write_archive(db: &crate::db::Database, data: &PersonalData, out: ChannelWriter) -> Result<()> {
    use zip::{CompressionMethod, write::SimpleFileOptions};
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    let mut zip = zip::ZipWriter::new_stream(out);
    zip.start_file("data.json", options)
        .map_err(Error::internal)?;
    serde_json::to_writer_pretty(&mut zip, data).map_err(Error::internal)?;
    for (submission_id, file) in data.files() {
        let content = {
            let mut conn = db.checkout(CHECKOUT)?;
            personal_data::file_content(&mut conn, submission_id, &file.path)?
        };
        zip.start_file(file.archive_path.as_str(), options)
            .map_err(Error::internal)?;
        zip.write_all(&content).map_err(Error::internal)?;
    }
    let mut out = zip.finish().map_err(Error::internal)?.into_inner();
    out.flush().map_err(Error::internal)?;
    Ok(())
}

/// A `Write` that hands full chunks to the response's channel, waiting while it is full. A
/// reader that went away makes writing fail, which stops the archive.
struct ChannelWriter {
    tx: mpsc::Sender<std::result::Result<Bytes, Error>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn new(tx: mpsc::Sender<std::result::Result<Bytes, Error>>) -> Self {
        Self {
            tx,
            buffer: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "reader gone"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = CHUNK - self.buffer.len();
        let taken = buf.len().min(room);
        self.buffer.extend_from_slice(&buf[..taken]);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Erases the caller's own account. With a password set, `password` must be it (403
/// `wrong_password`, throttled like a sign-in; 403 `password_required` without one); an account without one (made through a sign-in
/// provider) must have signed in within [`FRESH_SIGN_IN`] (403 `fresh_sign_in_required`).
pub async fn erase_self(
    state: &AppState,
    caller: &AuthUser,
    client: ClientAddress,
    password: Option<String>,
) -> Result<Erased> {
    let user = caller.user.clone();
    if user.password_hash.is_empty() {
        let session_id = caller.session_id.clone();
        let started = state
            .db
            .run(move |conn| session_started_at(conn, &session_id))
            .await?;
        if now() - started > FRESH_SIGN_IN {
            return Err(Error::forbidden(
                "fresh_sign_in_required",
                format!(
                    "this account has no password: sign out and sign in again, then erase it \
                     within {} minutes",
                    FRESH_SIGN_IN.num_minutes()
                ),
            ));
        }
    } else {
        let Some(secret) = password.filter(|p| !p.is_empty()) else {
            return Err(Error::forbidden(
                "password_required",
                "send the account's password to erase it: {\"password\": \"…\"}",
            ));
        };
        let attempt = state.throttles.sign_in(&user.email, client)?;
        let stored = user.password_hash.clone();
        let matches = actix_web::web::block(move || password::verify(&secret, &stored))
            .await
            .map_err(Error::internal)?;
        attempt.finish(!matches);
        if !matches {
            return Err(Error::forbidden(
                "wrong_password",
                "that is not this account's password",
            ));
        }
    }
    let id = user.id.clone();
    let erased = state
        .db
        .write(move |conn| erase_in_transaction(conn, &id, &ErasedBy::Themselves))
        .await?;
    tracing::info!(erasure = %erased.erasure_id, "account erased by its owner");
    Ok(erased)
}

/// Erases the account with `email` on behalf of `by` (the operator's command line). 404 for an
/// unknown address.
pub fn erase_by_email(conn: &mut DbConnection, email: &str, by: &ErasedBy) -> Result<Erased> {
    let user = User::find_by_email(conn, email)?.ok_or(Error::NotFound("user"))?;
    erase_in_transaction(conn, &user.id, by)
}

fn erase_in_transaction(conn: &mut DbConnection, user_id: &str, by: &ErasedBy) -> Result<Erased> {
    conn.transaction(|conn| {
        let user = User::find(conn, user_id)?;
        if erasure::is_tombstone(&user) {
            return Err(Error::conflict(
                "already_erased",
                "this account was erased already",
            ));
        }
        erasure::ensure_not_last_organizer(conn, &user)?;
        erasure::erase(conn, &user, by)
    })
}

/// The recorded erasures, newest first (portal organizers only).
pub fn erasures(conn: &mut DbConnection, caller: &User) -> Result<Vec<Erasure>> {
    if !caller.is_portal_organizer {
        return Err(Error::Forbidden(
            "only portal organizers read the erasures".into(),
        ));
    }
    erasure::list(conn)
}

fn session_started_at(conn: &mut DbConnection, session_id: &str) -> Result<chrono::NaiveDateTime> {
    sessions::table
        .find(session_id)
        .select(sessions::created_at)
        .first(conn)
        .optional()?
        .ok_or_else(|| Error::Unauthorized("session ended, log in again".into()))
}
