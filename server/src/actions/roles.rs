//! Role actions: grant, revoke and list the roles of an event.
//!
//! Who may grant what: a portal organizer grants any role; an event's organizers grant
//! `author`, `engineer` and `runner`; `participant` comes from registering. Nobody grants themselves
//! anything.

use diesel::Connection;

use crate::{
    access::{self, EventAccess},
    actions::announce::{Change, announce},
    db::DbConnection,
    error::{Error, Result},
    models::{
        role::{self, EventRole, RoleHolder, roles_of},
        team::Team,
        user::User,
    },
    state::AppState,
};

/// Whether the caller (standing `access` in the event) may grant or revoke `role` for
/// `target_id`: organizers only; event organizers handle `author`, `engineer` and `runner`,
/// portal organizers every role; nobody changes their own roles.
fn check_may_assign(
    access: &EventAccess,
    caller_id: &str,
    target_id: &str,
    role: EventRole,
) -> Result<()> {
    access.require_organizer()?;
    if caller_id == target_id {
        return Err(Error::Forbidden(
            "nobody grants or revokes their own roles".into(),
        ));
    }
    if !access.portal_organizer
        && !matches!(
            role,
            EventRole::Author | EventRole::Engineer | EventRole::Runner
        )
    {
        return Err(Error::Forbidden(format!(
            "event organizers grant and revoke author, engineer and runner; {role} needs a \
             portal organizer"
        )));
    }
    Ok(())
}

/// Grants `role` in the event `slug` to `target_id` as `caller` (see `check_may_assign`).
/// Returns the grant and whether it is new; an unknown user is a 404.
pub async fn grant(
    state: &AppState,
    caller: &User,
    slug: &str,
    target_id: &str,
    role: EventRole,
) -> Result<(RoleHolder, bool)> {
    let (caller, slug, target) = (caller.clone(), slug.to_owned(), target_id.to_owned());
    state
        .db
        .write(move |conn| {
            let access = access::event_access(conn, &caller, &slug)?;
            check_may_assign(&access, &caller.id, &target, role)?;
            User::find(conn, &target)?;
            let new = !roles_of(conn, &access.event.id, &target)?.contains(&role);
            if new {
                role::grant(conn, &access.event.id, &target, role, Some(&caller.id))?;
            }
            Ok((role::holder(conn, &access.event.id, &target, role)?, new))
        })
        .await
}

/// Grants `role` to the holder of the account `email` (see [`grant`]); 400 `unknown_email`
/// when nobody has signed up with it yet.
pub async fn grant_by_email(
    state: &AppState,
    caller: &User,
    slug: &str,
    email: &str,
    role: EventRole,
) -> Result<(RoleHolder, bool)> {
    let email = email.trim().to_owned();
    let target = state
        .db
        .run(move |conn| User::find_by_email(conn, &email))
        .await?
        .ok_or_else(|| {
            Error::bad_request(
                "unknown_email",
                "nobody has an account with this email yet: ask them to sign up first",
            )
        })?;
    grant(state, caller, slug, &target.id, role).await
}

/// Revokes `role` in the event `slug` from `target_id` as `caller` (see
/// `check_may_assign`). Revoking `engineer` also ends the user's coaching in the event, so
/// that they lose access to those teams. Whatever the user has open is authorized again on
/// every instance: sockets they may no longer hold close at once. A participant
/// who is in a team cannot lose the role (409 `member_of_team`). A role not held is a 404.
pub async fn revoke(
    state: &AppState,
    caller: &User,
    slug: &str,
    target_id: &str,
    role: EventRole,
) -> Result<()> {
    let (caller, slug, target) = (caller.clone(), slug.to_owned(), target_id.to_owned());
    let owned = target.clone();
    let (event_id, coached) = state
        .db
        .write(move |conn| {
            let access = access::event_access(conn, &caller, &slug)?;
            check_may_assign(&access, &caller.id, &owned, role)?;
            let event_id = access.event.id;
            if !roles_of(conn, &event_id, &owned)?.contains(&role) {
                return Err(Error::NotFound("role"));
            }
            if role == EventRole::Participant && Team::of_member(conn, &event_id, &owned)?.is_some()
            {
                return Err(Error::conflict(
                    "member_of_team",
                    "the participant is in a team of this event; the role cannot be revoked",
                ));
            }
            conn.transaction(|conn| {
                let coached = if role == EventRole::Engineer {
                    role::end_coaching(conn, &event_id, &owned)?
                } else {
                    Vec::new()
                };
                role::revoke(conn, &event_id, &owned, role)?;
                Ok::<_, Error>((event_id.clone(), coached))
            })
        })
        .await?;
    for team_id in coached {
        announce(
            state,
            Change::AccessRevoked {
                event_id: event_id.clone(),
                team_id,
                user_id: target.clone(),
            },
        );
    }
    announce(
        state,
        Change::RolesChanged {
            event_id,
            user_id: target,
        },
    );
    Ok(())
}

/// Every role held in the event `slug`, for its organizers.
pub fn list(conn: &mut DbConnection, caller: &User, slug: &str) -> Result<Vec<RoleHolder>> {
    let access = access::event_access(conn, caller, slug)?;
    access.require_organizer()?;
    role::list(conn, &access.event.id)
}
