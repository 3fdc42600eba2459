//! Erasing a person: their account becomes a tombstone, and the erasure is recorded.
//!
//! # Why a tombstone and not a deleted row
//! Nearly every table points at `users`: submissions (`submitted_by`), chat lines, documents,
//! notes, feedback, help calls, questions, openings, sign-offs, rewards, roles and team
//! memberships. Deleting the row would either cascade (and take the team's work, its solves
//! and so the board with it) or need every one of those columns made nullable and every reader
//! taught a missing author. Scrubbing the row in place keeps every foreign key, every score and
//! every team's history whole, while nothing personal is left in it:
//! - the name becomes [`FORMER_MEMBER`], which every page, export, report, CSV, webhook and mail
//!   then prints wherever it printed the person (they all join `users` for the name);
//! - the e-mail becomes a placeholder made of the account's random id under the reserved
//!   `.invalid` domain ([`placeholder_email`]), so the column stays unique and nothing can be
//!   mailed to it;
//! - the password is removed (no password sign-in), the portal organizer, staff and verified
//!   flags are cleared, reminders are turned off;
//! - sign-in identities (with their provider sessions), pending verification and reset links,
//!   personal tokens, refresh tokens and web sign-ins are deleted; every session is revoked,
//!   which the live layer's session sweep turns into closed sockets on every instance;
//! - the activity feed and the outbox, which store what was pushed or will be sent as JSON text,
//!   are rewritten where they carry the person's name or e-mail ([`scrub_text`]); mail still
//!   waiting to be sent to the person's address is dropped; invitations sent to the address
//!   keep the placeholder instead.
//!
//! The organization stays: it is the employer's, and the report's per-organization figures
//! (and the event's record) count it. Free text others wrote (a teammate's chat line that
//! names the person, a shared document) is the team's work and is not rewritten.
//!
//! An erasure is recorded in `erasures` with when and by whom (`self`, `admin CLI` or the
//! acting organizer's id), never who was erased.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{
            email_verifications, erasures, event_roles, events, identities, invitations,
            live_activity, live_presence, oidc_flows, oidc_sessions, outbox, password_resets,
            personal_tokens, refresh_tokens, report_names, sessions, users, web_sessions,
        },
    },
    error::{Error, Result},
    models::user::User,
};

/// The name an erased person's account carries from then on, wherever their work appears.
pub const FORMER_MEMBER: &str = "former member";

/// The domain of an erased account's placeholder e-mail (reserved: it never resolves).
pub const PLACEHOLDER_DOMAIN: &str = "erased.invalid";

/// Who asked for an erasure, as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasedBy {
    /// The person, through `DELETE /api/v1/me` or the account page.
    Themselves,
    /// An operator, through `cohack admin erase-user`.
    AdminCli,
    /// An organizer acting for the person (their user id).
    Organizer(String),
}

impl ErasedBy {
    /// The stored form: `self`, `admin CLI`, or the organizer's user id.
    pub fn as_stored(&self) -> &str {
        match self {
            Self::Themselves => "self",
            Self::AdminCli => "admin CLI",
            Self::Organizer(id) => id,
        }
    }
}

/// A recorded erasure: when and by whom, nothing about whom.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = erasures)]
pub struct Erasure {
    /// Identifier.
    pub id: String,
    /// `self`, `admin CLI`, or the acting organizer's user id.
    pub erased_by: String,
    /// When (UTC).
    #[serde(serialize_with = "crate::models::serialize_utc")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
}

/// What an erasure removed, for whoever ran it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// The record's id.
    pub erasure_id: String,
    /// Sessions revoked (their sockets close on every instance).
    pub sessions_ended: usize,
    /// Sign-in identities deleted.
    pub identities_removed: usize,
    /// Personal tokens deleted.
    pub tokens_removed: usize,
    /// Activity rows and outbox rows rewritten.
    pub rows_rewritten: usize,
    /// Mail to the person's address that was still waiting, dropped.
    pub mail_dropped: usize,
}

/// The placeholder e-mail of the erased account `user_id` (unique, undeliverable).
pub fn placeholder_email(user_id: &str) -> String {
    format!("erased-{user_id}@{PLACEHOLDER_DOMAIN}")
}

/// Whether `user` is an erased account's tombstone.
pub fn is_tombstone(user: &User) -> bool {
    user.email.ends_with(&format!("@{PLACEHOLDER_DOMAIN}")) && user.display_name == FORMER_MEMBER
}

/// Refuses to erase the last organizer of the portal or of an event (409), naming what to do.
pub fn ensure_not_last_organizer(conn: &mut DbConnection, user: &User) -> Result<()> {
    if user.is_portal_organizer {
        let others = users::table
            .filter(users::is_portal_organizer.eq(true))
            .filter(users::id.ne(&user.id))
            .count()
            .get_result::<i64>(conn)?;
        if others == 0 {
            return Err(Error::conflict(
                "last_portal_organizer",
                "this account is the portal's last organizer: make another account a portal \
                 organizer first (`cohack admin create-organizer`), then erase this one",
            ));
        }
    }
    let organized: Vec<(String, String)> = event_roles::table
        .inner_join(events::table)
        .filter(event_roles::user_id.eq(&user.id))
        .filter(event_roles::role.eq("organizer"))
        .select((events::id, events::slug))
        .order(events::slug.asc())
        .load(conn)?;
    for (event_id, slug) in organized {
        let others = event_roles::table
            .filter(event_roles::event_id.eq(&event_id))
            .filter(event_roles::role.eq("organizer"))
            .filter(event_roles::user_id.ne(&user.id))
            .count()
            .get_result::<i64>(conn)?;
        if others == 0 {
            return Err(Error::conflict(
                "last_organizer",
                format!(
                    "this account is the last organizer of the event {slug}: add another \
                     organizer to it first (its roles page), then erase this one"
                ),
            ));
        }
    }
    Ok(())
}

/// Scrubs `user` to a tombstone and records the erasure, in the caller's transaction; the
/// caller checks [`ensure_not_last_organizer`] first, in the same transaction.
pub fn erase(conn: &mut DbConnection, user: &User, by: &ErasedBy) -> Result<Erased> {
    let id = user.id.as_str();
    let placeholder = placeholder_email(id);
    let mut erased = Erased::default();

    // Sign-in paths: identities (and the provider sessions that name them), flows that would
    // link one, links mailed to the address, personal tokens.
    let identity_ids: Vec<String> = identities::table
        .filter(identities::user_id.eq(id))
        .select(identities::id)
        .load(conn)?;
    diesel::delete(oidc_sessions::table.filter(oidc_sessions::identity_id.eq_any(&identity_ids)))
        .execute(conn)?;
    erased.identities_removed =
        diesel::delete(identities::table.filter(identities::user_id.eq(id))).execute(conn)?;
    diesel::delete(oidc_flows::table.filter(oidc_flows::link_user_id.eq(id))).execute(conn)?;
    diesel::delete(email_verifications::table.filter(email_verifications::user_id.eq(id)))
        .execute(conn)?;
    diesel::delete(password_resets::table.filter(password_resets::user_id.eq(id))).execute(conn)?;
    erased.tokens_removed =
        diesel::delete(personal_tokens::table.filter(personal_tokens::user_id.eq(id)))
            .execute(conn)?;

    // Sessions: revoked (the rows stay, so the session sweep of every instance sees them end
    // and closes their sockets), their refresh tokens and web sign-ins deleted.
    let session_ids = sessions::table
        .filter(sessions::user_id.eq(id))
        .select(sessions::id);
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::session_id.eq_any(session_ids)))
        .execute(conn)?;
    diesel::delete(web_sessions::table.filter(web_sessions::session_id.eq_any(session_ids)))
        .execute(conn)?;
    erased.sessions_ended = diesel::update(sessions::table)
        .filter(sessions::user_id.eq(id))
        .filter(sessions::revoked_at.is_null())
        .set(sessions::revoked_at.eq(now()))
        .execute(conn)?;
    diesel::delete(live_presence::table.filter(live_presence::user_id.eq(id))).execute(conn)?;
    // A tombstone has no name to print: the report's choice goes. Terms acceptances and survey
    // participation stay (they name nobody, and keep the event's record and the one-answer rule).
    diesel::delete(report_names::table.filter(report_names::user_id.eq(id))).execute(conn)?;

    // Mail still waiting for the address goes; invitations keep the placeholder.
    erased.mail_dropped = diesel::delete(
        outbox::table
            .filter(outbox::target.eq(&user.email))
            .filter(outbox::sent_at.is_null()),
    )
    .execute(conn)?;
    diesel::update(invitations::table.filter(invitations::email.eq(&user.email)))
        .set(invitations::email.eq(&placeholder))
        .execute(conn)?;

    // Stored JSON that names the person.
    let scrub = Scrub {
        user_id: id,
        name: &user.display_name,
        email: &user.email,
        placeholder: &placeholder,
    };
    erased.rows_rewritten = rewrite_activity(conn, &scrub)? + rewrite_outbox(conn, &scrub)?;

    // The account itself.
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(&placeholder),
            users::password_hash.eq(""),
            users::display_name.eq(FORMER_MEMBER),
            users::is_portal_organizer.eq(false),
            users::reminders_opt_out.eq(true),
            users::email_verified.eq(false),
            users::is_staff.eq(false),
            users::organization_verified.eq(false),
        ))
        .execute(conn)?;

    let record = Erasure {
        id: new_id(),
        erased_by: by.as_stored().to_owned(),
        created_at: now(),
    };
    diesel::insert_into(erasures::table)
        .values(&record)
        .execute(conn)?;
    erased.erasure_id = record.id;
    Ok(erased)
}

/// Every recorded erasure, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Erasure>> {
    Ok(erasures::table
        .select(Erasure::as_select())
        .order(erasures::created_at.desc())
        .load(conn)?)
}

/// What names the person in stored text, and what replaces it.
#[derive(Debug)]
pub struct Scrub<'a> {
    /// The account's id: objects carrying it as `user_id` (or `id`) lose their name.
    pub user_id: &'a str,
    /// The name to replace with [`FORMER_MEMBER`].
    pub name: &'a str,
    /// The e-mail to replace with the placeholder.
    pub email: &'a str,
    /// The placeholder e-mail.
    pub placeholder: &'a str,
}

/// `text` with the person taken out: in JSON, every string equal to or containing their name
/// or e-mail rewritten, and any object that carries their id losing its name and e-mail fields;
/// text that is not JSON is rewritten as one string. `None` when nothing named them.
pub fn scrub_text(text: &str, scrub: &Scrub<'_>) -> Option<String> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) => scrub_value(&mut value, scrub).then(|| value.to_string()),
        Err(_) => {
            let rewritten = scrub_string(text, scrub);
            (rewritten != text).then_some(rewritten)
        }
    }
}

fn scrub_string(text: &str, scrub: &Scrub<'_>) -> String {
    let mut out = text.replace(scrub.email, scrub.placeholder);
    // A name of one or two characters would rewrite unrelated words; such a name is matched
    // only as a whole string, by the JSON walk.
    if scrub.name.chars().count() >= 3 {
        out = out.replace(scrub.name, FORMER_MEMBER);
    }
    out
}

fn scrub_value(value: &mut serde_json::Value, scrub: &Scrub<'_>) -> bool {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            let rewritten = if s == scrub.name {
                FORMER_MEMBER.to_owned()
            } else {
                scrub_string(s, scrub)
            };
            let changed = rewritten != *s;
            *s = rewritten;
            changed
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| scrub_value(item, scrub) | changed),
        Value::Object(map) => {
            let theirs = ["user_id", "id"]
                .iter()
                .any(|key| map.get(*key).and_then(Value::as_str) == Some(scrub.user_id));
            let mut changed = false;
            if theirs {
                for key in ["display_name", "name", "author"] {
                    if let Some(field) = map.get_mut(key)
                        && field.as_str() != Some(FORMER_MEMBER)
                    {
                        *field = Value::String(FORMER_MEMBER.to_owned());
                        changed = true;
                    }
                }
                if let Some(field) = map.get_mut("email") {
                    *field = Value::String(scrub.placeholder.to_owned());
                    changed = true;
                }
            }
            map.values_mut()
                .fold(changed, |changed, item| scrub_value(item, scrub) | changed)
        }
        _ => false,
    }
}

/// A `LIKE` pattern matching text that contains `needle` (its wildcards escaped).
fn containing(needle: &str) -> String {
    let escaped = needle
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn rewrite_activity(conn: &mut DbConnection, scrub: &Scrub<'_>) -> Result<usize> {
    let rows: Vec<(String, String)> = live_activity::table
        .filter(
            live_activity::payload
                .like(containing(scrub.user_id))
                .escape('\\')
                .or(live_activity::payload
                    .like(containing(scrub.email))
                    .escape('\\'))
                .or(live_activity::payload
                    .like(containing(&json_inner(scrub.name)))
                    .escape('\\')),
        )
        .select((live_activity::id, live_activity::payload))
        .load(conn)?;
    let mut rewritten = 0;
    for (row_id, payload) in rows {
        if let Some(payload) = scrub_text(&payload, scrub) {
            diesel::update(live_activity::table.find(&row_id))
                .set(live_activity::payload.eq(payload))
                .execute(conn)?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

fn rewrite_outbox(conn: &mut DbConnection, scrub: &Scrub<'_>) -> Result<usize> {
    let rows: Vec<(String, String)> = outbox::table
        .filter(
            outbox::payload
                .like(containing(scrub.user_id))
                .escape('\\')
                .or(outbox::payload.like(containing(scrub.email)).escape('\\'))
                .or(outbox::payload
                    .like(containing(&json_inner(scrub.name)))
                    .escape('\\')),
        )
        .select((outbox::id, outbox::payload))
        .load(conn)?;
    let mut rewritten = 0;
    for (row_id, payload) in rows {
        if let Some(payload) = scrub_text(&payload, scrub) {
            diesel::update(outbox::table.find(&row_id))
                .set(outbox::payload.eq(payload))
                .execute(conn)?;
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// `text` as it appears inside a JSON string (escaped, without the quotes).
fn json_inner(text: &str) -> String {
    let quoted = serde_json::Value::String(text.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub() -> Scrub<'static> {
        Scrub {
            user_id: "u1",
            name: "Zed Marker",
            email: "zed@corp.example",
            placeholder: "erased-u1@erased.invalid",
        }
    }

    #[test]
    fn json_loses_the_name_and_the_email_and_keeps_the_rest() {
        let text = r#"{"type":"activity","data":{"user":{"user_id":"u1","display_name":"Zed"},
            "text":"Zed Marker joined","to":"zed@corp.example","other":{"user_id":"u2",
            "display_name":"Amy"}}}"#;
        let out = scrub_text(text, &scrub()).expect("rewritten");
        assert!(!out.contains("Zed"), "{out}");
        assert!(!out.contains("zed@corp.example"), "{out}");
        assert!(out.contains("former member joined"), "{out}");
        assert!(out.contains("erased-u1@erased.invalid"), "{out}");
        assert!(out.contains("Amy"), "{out}");
    }

    #[test]
    fn text_that_names_nobody_is_left_alone() {
        assert_eq!(scrub_text(r#"{"a":"b","user_id":"u2"}"#, &scrub()), None);
        assert_eq!(scrub_text("plain words", &scrub()), None);
        assert_eq!(
            scrub_text("to zed@corp.example", &scrub()).as_deref(),
            Some("to erased-u1@erased.invalid")
        );
    }

    #[test]
    fn a_short_name_is_replaced_only_whole() {
        let short = Scrub {
            name: "Al",
            ..scrub()
        };
        let out = scrub_text(r#"["Al","Alice","Also"]"#, &short).expect("rewritten");
        assert_eq!(out, r#"["former member","Alice","Also"]"#);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(containing("a_b%c"), "%a\\_b\\%c%");
        assert_eq!(json_inner("say \"hi\""), "say \\\"hi\\\"");
    }
}
