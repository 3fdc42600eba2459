//! Invitations by e-mail: an event's organizers invite a list of addresses (into a team, or
//! to a role), see what became of each, resend and revoke; whoever holds a link accepts it.
//!
//! Each invitation and its mail are written in one transaction (the mail as an outbox row,
//! [`crate::mail::queue`]), so an invitation the API acknowledged is mailed even across a
//! crash. Without mail (`smtp_url` unset) the invitations are made all the same and their
//! links are handed back to copy. The link's secret is shown once (in the mail, or in the
//! answer); only its hash is stored. Accepting is like a team's invite link: it registers the
//! person for the event and joins the team (or grants the role) in one transaction, and a
//! link that does not work counts against the invite-code throttle.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::Connection;

use crate::{
    access,
    actions::{
        announce::{Change, announce},
        teams::{join_checked, require_not_ended},
    },
    auth::{
        sessions::{hash_token, random_token},
        throttle::ClientAddress,
    },
    db::{DbConnection, new_id, now},
    error::{Error, Result},
    mail::{self, compose},
    models::{
        event::Event,
        invitation::{self, Invitation, WithMail},
        mailing::checked_address,
        role::{self, EventRole},
        team::{Team, TeamDetails},
        user::User,
    },
    state::AppState,
};

/// The most addresses one request invites.
pub const MAX_PER_REQUEST: usize = 200;
/// The page an invitation's link opens; the secret follows as `?token=`.
pub const PAGE: &str = "/invitations/accept";
/// The longest a link works: until the event ends, and at most this long.
const LINK_TTL: TimeDelta = TimeDelta::days(30);

/// Who to invite, and into what.
#[derive(Debug, Clone)]
pub struct Invite {
    /// The addresses, each checked.
    pub emails: Vec<String>,
    /// A team of the event to join.
    pub team_id: Option<String>,
    /// A role to grant (`author`, `engineer`; `organizer` needs a portal organizer).
    pub role: Option<EventRole>,
}

/// What became of an invitation, as the organizer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Its mail waits to be sent (or to be retried).
    Queued,
    /// Its mail was accepted by the mail server.
    Sent,
    /// Its mail could not be sent (the reason beside it).
    Failed,
    /// Someone used the link.
    Accepted,
    /// An organizer withdrew it.
    Revoked,
    /// Mail is off: the link was handed to the organizer to pass on.
    NotMailed,
}

impl Standing {
    /// As the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::NotMailed => "not_mailed",
        }
    }
}

/// An invitation with what became of it.
#[derive(Debug, Clone)]
pub struct InvitationState {
    /// The row.
    pub invitation: Invitation,
    /// Its standing.
    pub standing: Standing,
    /// Why its mail failed (or the last failed attempt of a queued one).
    pub mail_error: Option<String>,
    /// The link's path (`/invitations/accept?token=…`), only right after it was made.
    pub path: Option<String>,
}

fn standing_of((invitation, mail): WithMail, path: Option<String>) -> InvitationState {
    let (standing, mail_error) = match (invitation.state.as_str(), mail) {
        (invitation::ACCEPTED, _) => (Standing::Accepted, None),
        (invitation::REVOKED, _) => (Standing::Revoked, None),
        (_, None) => (Standing::NotMailed, None),
        (_, Some((state, error))) => match state.as_str() {
            "sent" => (Standing::Sent, None),
            "failed" => (Standing::Failed, error),
            _ => (Standing::Queued, error),
        },
    };
    InvitationState {
        invitation,
        standing,
        mail_error,
        path,
    }
}

fn link_path(secret: &str) -> String {
    format!("{PAGE}?token={secret}")
}

/// When a link made now for `event` stops working.
fn expiry(event: &Event) -> NaiveDateTime {
    event.ends_at.min(now() + LINK_TTL)
}

/// Queues the invitation's mail when mail is on; the outbox row's id.
fn queue_mail(
    public: Option<&mail::Links>,
    conn: &mut DbConnection,
    event: &Event,
    invitation: &Invitation,
    inviter: &str,
    secret: &str,
) -> Result<Option<String>> {
    let Some(public) = public else {
        return Ok(None);
    };
    let team = match &invitation.team_id {
        Some(id) => Some(Team::find(conn, id)?.name),
        None => None,
    };
    let mail = compose::invitation(
        event,
        inviter,
        team.as_deref(),
        invitation.role.as_deref(),
        &public.link(&link_path(secret)),
        invitation.expires_at,
    )?;
    mail::queue(conn, Some(&event.id), &invitation.email, &mail).map(Some)
}

/// Invites `invite.emails` to the event `slug` as `caller` (its organizers; 403), one
/// invitation and one mail each, all in one transaction: every address is checked first (400
/// `invalid_email`, 400 `too_many_addresses` past [`MAX_PER_REQUEST`], 400 `no_addresses`),
/// the team must be the event's (404), a role and a team do not go together (400
/// `team_with_role`), `organizer` needs a portal organizer (403), and the event must not
/// have ended (409 `event_ended`).
pub async fn invite(
    state: &AppState,
    caller: &User,
    slug: &str,
    invite: Invite,
) -> Result<Vec<InvitationState>> {
    if invite.emails.is_empty() {
        return Err(Error::bad_request(
            "no_addresses",
            "give at least one address to invite",
        ));
    }
    if invite.emails.len() > MAX_PER_REQUEST {
        return Err(Error::bad_request(
            "too_many_addresses",
            format!("at most {MAX_PER_REQUEST} addresses at once"),
        ));
    }
    let mut emails: Vec<String> = Vec::with_capacity(invite.emails.len());
    for raw in &invite.emails {
        let email = checked_address(raw)?;
        if !emails.contains(&email) {
            emails.push(email);
        }
    }
    let role = invite.role.filter(|r| *r != EventRole::Participant);
    if role.is_some() && invite.team_id.is_some() {
        return Err(Error::bad_request(
            "team_with_role",
            "invite into a team or to a role, not both",
        ));
    }
    let made = state
        .db
        .write({
            let (state_caller, slug) = (caller.clone(), slug.to_owned());
            let team_id = invite.team_id.clone();
            let public = state.mail.clone();
            move |conn| {
                conn.transaction(|conn| {
                    let access = access::event_access(conn, &state_caller, &slug)?;
                    access.require_organizer()?;
                    if role == Some(EventRole::Organizer) && !access.portal_organizer {
                        return Err(Error::Forbidden(
                            "only a portal organizer invites organizers".into(),
                        ));
                    }
                    let event = access.event;
                    require_not_ended(&event)?;
                    if let Some(team_id) = &team_id {
                        let team = Team::find(conn, team_id)?;
                        if team.event_id != event.id {
                            return Err(Error::NotFound("team"));
                        }
                    }
                    let mut made = Vec::with_capacity(emails.len());
                    for email in emails {
                        let secret = random_token()?;
                        let mut row = Invitation {
                            id: new_id(),
                            event_id: event.id.clone(),
                            email,
                            team_id: team_id.clone(),
                            role: role.map(|r| r.as_str().to_owned()),
                            token_hash: hash_token(&secret),
                            state: invitation::ACTIVE.to_owned(),
                            outbox_id: None,
                            invited_by: Some(state_caller.id.clone()),
                            accepted_by: None,
                            expires_at: expiry(&event),
                            created_at: now(),
                            accepted_at: None,
                        };
                        row.outbox_id = queue_mail(
                            public.as_ref(),
                            conn,
                            &event,
                            &row,
                            &state_caller.display_name,
                            &secret,
                        )?;
                        Invitation::insert(conn, &row)?;
                        let mail = Invitation::mail_state(conn, row.outbox_id.as_deref())?;
                        made.push(standing_of((row, mail), Some(link_path(&secret))));
                    }
                    Ok(made)
                })
            }
        })
        .await?;
    state.outbox.wake();
    Ok(made)
}

/// The invitations of the event `slug`, newest first, for its organizers (403).
pub fn list(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Vec<InvitationState>> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_organizer()?;
    Ok(Invitation::of_event(conn, &access.event.id)?
        .into_iter()
        .map(|row| standing_of(row, None))
        .collect())
}

/// Mails the invitation `id` again with a new link (the old one stops working), for the
/// event's organizers; 409 `invitation_closed` once accepted or revoked, 409 `event_ended`.
pub async fn resend(
    state: &AppState,
    caller: &User,
    slug: &str,
    id: &str,
) -> Result<InvitationState> {
    let (caller, slug, id) = (caller.clone(), slug.to_owned(), id.to_owned());
    let public = state.mail.clone();
    let renewed = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                let mut row = Invitation::find_in(conn, &access.event.id, &id)?;
                if row.state != invitation::ACTIVE {
                    return Err(Error::conflict(
                        "invitation_closed",
                        format!("this invitation is {}: invite the address again", row.state),
                    ));
                }
                require_not_ended(&access.event)?;
                let secret = random_token()?;
                row.token_hash = hash_token(&secret);
                row.expires_at = expiry(&access.event);
                row.outbox_id = queue_mail(
                    public.as_ref(),
                    conn,
                    &access.event,
                    &row,
                    &caller.display_name,
                    &secret,
                )?;
                Invitation::renew(
                    conn,
                    &row.id,
                    &row.token_hash,
                    row.outbox_id.as_deref(),
                    row.expires_at,
                )?;
                let mail = Invitation::mail_state(conn, row.outbox_id.as_deref())?;
                Ok(standing_of((row, mail), Some(link_path(&secret))))
            })
        })
        .await?;
    state.outbox.wake();
    Ok(renewed)
}

/// Withdraws the invitation `id`, for the event's organizers: its link stops working. 409
/// `invitation_closed` if it was accepted already (revoking twice is a no-op).
pub async fn revoke(state: &AppState, caller: &User, slug: &str, id: &str) -> Result<()> {
    let (caller, slug, id) = (caller.clone(), slug.to_owned(), id.to_owned());
    state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                let row = Invitation::find_in(conn, &access.event.id, &id)?;
                if row.state == invitation::ACCEPTED {
                    return Err(Error::conflict(
                        "invitation_closed",
                        "this invitation was accepted already",
                    ));
                }
                Invitation::revoke(conn, &row.id)?;
                Ok(())
            })
        })
        .await
}

/// What a link is, for its page: the invitation, its event and team, or why it cannot be
/// used (404 unknown, 409 `invitation_used`, `invitation_revoked`, `invitation_expired`).
#[derive(Debug, Clone)]
pub struct Preview {
    /// The invitation.
    pub invitation: Invitation,
    /// Its event.
    pub event: Event,
    /// The team it joins, if any.
    pub team: Option<Team>,
}

/// What the link `secret` is (nothing changes); refused as [`Preview`] says.
pub fn preview(conn: &mut DbConnection, secret: &str) -> Result<Preview> {
    let invitation = usable(conn, secret, None)?;
    let event = Event::find(conn, &invitation.event_id)?;
    let team = match &invitation.team_id {
        Some(id) => Some(Team::find(conn, id)?),
        None => None,
    };
    Ok(Preview {
        invitation,
        event,
        team,
    })
}

/// The invitation of `secret` if it can be used (by `caller`: accepting twice is fine).
fn usable(conn: &mut DbConnection, secret: &str, caller: Option<&str>) -> Result<Invitation> {
    let invitation = Invitation::by_token_hash(conn, &hash_token(secret))?
        .ok_or(Error::NotFound("invitation"))?;
    let state = invitation.state.clone();
    match state.as_str() {
        invitation::REVOKED => Err(Error::conflict(
            "invitation_revoked",
            "this invitation was withdrawn: ask the organizers for a new one",
        )),
        invitation::ACCEPTED if caller.is_some() && invitation.accepted_by.as_deref() == caller => {
            Ok(invitation)
        }
        invitation::ACCEPTED => Err(Error::conflict(
            "invitation_used",
            "this invitation was accepted already",
        )),
        _ if invitation.expires_at <= now() => Err(Error::conflict(
            "invitation_expired",
            "this invitation has expired: ask the organizers for a new one",
        )),
        _ => Ok(invitation),
    }
}

/// What accepting did.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The event.
    pub event: Event,
    /// The team joined, if the invitation named one.
    pub team: Option<TeamDetails>,
    /// The role granted, if it named one.
    pub role: Option<EventRole>,
}

/// Accepts the invitation of the link `secret` as `caller`: registers them for the event and
/// joins the team or grants the role, in one transaction (refused as [`preview`] says, and
/// as joining a team refuses: 409 `already_in_team`, `team_full`, `event_ended`). A link that
/// does not work counts against the caller's and client's invite-code budgets (429).
pub async fn accept(state: &AppState, caller: &User, secret: &str) -> Result<Accepted> {
    let guess = state
        .throttles
        .invite_code(&caller.id, ClientAddress::current())?;
    let (caller, secret) = (caller.clone(), secret.to_owned());
    let accepted = state
        .db
        .write(move |conn| conn.transaction(|conn| accept_in(conn, &caller, &secret)))
        .await;
    guess.finish(matches!(accepted, Err(Error::NotFound("invitation"))));
    let accepted = accepted?;
    if let Some(details) = &accepted.team
        && let Some(joined) = details.members.last()
    {
        announce(
            state,
            Change::MemberJoined {
                event_id: details.event.id.clone(),
                team_id: details.team.id.clone(),
                member: joined.clone(),
            },
        );
    }
    Ok(accepted)
}

fn accept_in(conn: &mut DbConnection, caller: &User, secret: &str) -> Result<Accepted> {
    let invitation = usable(conn, secret, Some(&caller.id))?;
    let event = Event::find(conn, &invitation.event_id)?;
    let role = invitation
        .role
        .as_deref()
        .map(str::parse::<EventRole>)
        .transpose()?;
    if invitation.state == invitation::ACCEPTED {
        // The same person opening their link again: nothing more to do.
        let team = match Team::of_member(conn, &event.id, &caller.id)? {
            Some(team) => Some(Team::details(conn, team, event.clone())?),
            None => None,
        };
        return Ok(Accepted { event, team, role });
    }
    require_not_ended(&event)?;
    if !Invitation::accept(conn, &invitation.id, &caller.id)? {
        return Err(Error::conflict(
            "invitation_used",
            "this invitation was accepted already",
        ));
    }
    let granted_by = invitation.invited_by.as_deref();
    Event::lock_user(conn, &caller.id)?;
    if !role::roles_of(conn, &event.id, &caller.id)?.contains(&EventRole::Participant)
        && role.is_none()
    {
        role::grant(
            conn,
            &event.id,
            &caller.id,
            EventRole::Participant,
            granted_by,
        )?;
    }
    if let Some(role) = role {
        role::grant(conn, &event.id, &caller.id, role, granted_by)?;
    }
    let team = match &invitation.team_id {
        Some(team_id) => {
            if !Team::lock(conn, team_id)? {
                return Err(Error::NotFound("team"));
            }
            let team = Team::find(conn, team_id)?;
            match Team::of_member(conn, &event.id, &caller.id)? {
                Some(current) if current.id == team.id => {
                    Some(Team::details(conn, team, event.clone())?)
                }
                _ => Some(join_checked(conn, caller, team, event.clone())?),
            }
        }
        None => None,
    };
    Ok(Accepted { event, team, role })
}
