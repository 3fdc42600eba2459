//! Invitations mailed to an address: the row, and the queries on it.
//!
//! The link's secret is never stored, only its SHA-256 (`token_hash`), as for sessions and
//! reset links. An invitation is `active` until someone accepts it (`accepted`) or an
//! organizer revokes it (`revoked`); whether its mail is queued, sent or failed is the state
//! of its latest outbox row (`outbox_id`), read beside it, never copied.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, now,
        schema::{invitations, outbox},
    },
    error::{Error, Result},
};

/// Waiting to be accepted.
pub const ACTIVE: &str = "active";
/// Someone used the link.
pub const ACCEPTED: &str = "accepted";
/// An organizer withdrew it.
pub const REVOKED: &str = "revoked";

/// A row of `invitations`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    /// Identifier.
    pub id: String,
    /// The event it is to.
    pub event_id: String,
    /// The address it was mailed to (normalised).
    pub email: String,
    /// The team it joins, if any.
    pub team_id: Option<String>,
    /// The role it grants besides taking part (`author`, `engineer`, `organizer`), if any.
    pub role: Option<String>,
    /// SHA-256 of the link's secret.
    pub token_hash: String,
    /// `active`, `accepted` or `revoked`.
    pub state: String,
    /// The latest mail of it, if mail is on.
    pub outbox_id: Option<String>,
    /// The organizer who invited.
    pub invited_by: Option<String>,
    /// The account that accepted it.
    pub accepted_by: Option<String>,
    /// The link stops working then.
    pub expires_at: NaiveDateTime,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it was accepted.
    pub accepted_at: Option<NaiveDateTime>,
}

/// An invitation with the state of its latest mail: (state, last error) of the outbox row.
pub type WithMail = (Invitation, Option<(String, Option<String>)>);

impl Invitation {
    /// Stores a new invitation.
    pub fn insert(conn: &mut DbConnection, invitation: &Invitation) -> Result<()> {
        diesel::insert_into(invitations::table)
            .values(invitation)
            .execute(conn)?;
        Ok(())
    }

    /// The invitation `id` of the event `event_id`; 404 otherwise.
    pub fn find_in(conn: &mut DbConnection, event_id: &str, id: &str) -> Result<Invitation> {
        invitations::table
            .find(id)
            .filter(invitations::event_id.eq(event_id))
            .select(Invitation::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("invitation"))
    }

    /// The invitation whose link's secret hashes to `token_hash`, if any.
    pub fn by_token_hash(conn: &mut DbConnection, token_hash: &str) -> Result<Option<Invitation>> {
        Ok(invitations::table
            .filter(invitations::token_hash.eq(token_hash))
            .select(Invitation::as_select())
            .first(conn)
            .optional()?)
    }

    /// The event's invitations, newest first, each with its latest mail's state.
    pub fn of_event(conn: &mut DbConnection, event_id: &str) -> Result<Vec<WithMail>> {
        let rows = invitations::table
            .left_join(outbox::table.on(outbox::id.nullable().eq(invitations::outbox_id)))
            .filter(invitations::event_id.eq(event_id))
            .order((invitations::created_at.desc(), invitations::id.desc()))
            .select((
                Invitation::as_select(),
                outbox::state.nullable(),
                outbox::last_error.nullable(),
            ))
            .load::<(Invitation, Option<String>, Option<String>)>(conn)?;
        Ok(rows
            .into_iter()
            .map(|(invitation, state, error)| (invitation, state.map(|s| (s, error))))
            .collect())
    }

    /// The state of the outbox row `outbox_id`: (state, last error).
    pub fn mail_state(
        conn: &mut DbConnection,
        outbox_id: Option<&str>,
    ) -> Result<Option<(String, Option<String>)>> {
        let Some(id) = outbox_id else {
            return Ok(None);
        };
        Ok(outbox::table
            .find(id)
            .select((outbox::state, outbox::last_error))
            .first(conn)
            .optional()?)
    }

    /// Gives the invitation a new link and mail (a resend): the old link stops working.
    pub fn renew(
        conn: &mut DbConnection,
        id: &str,
        token_hash: &str,
        outbox_id: Option<&str>,
        expires_at: NaiveDateTime,
    ) -> Result<()> {
        diesel::update(invitations::table.find(id))
            .set((
                invitations::token_hash.eq(token_hash),
                invitations::outbox_id.eq(outbox_id),
                invitations::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Moves an active invitation to `revoked`; false if it was not active any more.
    pub fn revoke(conn: &mut DbConnection, id: &str) -> Result<bool> {
        let changed = diesel::update(
            invitations::table
                .find(id)
                .filter(invitations::state.eq(ACTIVE)),
        )
        .set(invitations::state.eq(REVOKED))
        .execute(conn)?;
        Ok(changed == 1)
    }

    /// Marks an active invitation accepted by `user_id`; false if it was not active any more
    /// (two clicks racing: one wins).
    pub fn accept(conn: &mut DbConnection, id: &str, user_id: &str) -> Result<bool> {
        let changed = diesel::update(
            invitations::table
                .find(id)
                .filter(invitations::state.eq(ACTIVE)),
        )
        .set((
            invitations::state.eq(ACCEPTED),
            invitations::accepted_by.eq(user_id),
            invitations::accepted_at.eq(now()),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }
}
