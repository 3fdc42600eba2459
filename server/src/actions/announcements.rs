//! Organizers correct and withdraw announcements: the text of one is edited, or it is
//! deleted, and every open big screen and workspace of the event hears of it live
//! (`announcement_edited`, `announcement_deleted`), on every instance; and making one.

use diesel::Connection;

use crate::{
    access,
    error::{Error, Result},
    live::bus::{self, Notice},
    models::announcement::{Announcement, AnnouncementView},
    models::user::User,
    state::AppState,
};

/// Replaces the text of announcement `id` of the event `slug` (its organizers): 403 for
/// anyone else who sees the event, 404 for an announcement the event does not have, 400
/// `invalid_announcement` for an empty or too long text.
pub async fn edit(
    state: &AppState,
    user: &User,
    slug: &str,
    id: &str,
    text: &str,
) -> Result<AnnouncementView> {
    let (caller, slug, id, text, origin) = (
        user.clone(),
        slug.to_owned(),
        id.to_owned(),
        text.to_owned(),
        state.live.instance_id().to_owned(),
    );
    let id = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                Announcement::update_text(conn, &access.event.id, &id, &text)?;
                bus::notify(
                    conn,
                    &Notice::AnnouncementEdited {
                        o: origin,
                        e: access.event.id.clone(),
                        id: id.clone(),
                    },
                )?;
                Ok::<_, Error>(id)
            })
        })
        .await?;
    state.live.deliver_announcement_edited(state, &id).await?;
    Ok(state
        .db
        .run(move |conn| Announcement::find(conn, &id))
        .await?
        .1)
}

/// Deletes announcement `id` of the event `slug` (its organizers): 403 for anyone else who
/// sees the event, 404 for an announcement the event does not have.
pub async fn delete(state: &AppState, user: &User, slug: &str, id: &str) -> Result<()> {
    let (caller, slug, id, origin) = (
        user.clone(),
        slug.to_owned(),
        id.to_owned(),
        state.live.instance_id().to_owned(),
    );
    let (event_id, id) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                Announcement::delete(conn, &access.event.id, &id)?;
                bus::notify(
                    conn,
                    &Notice::AnnouncementDeleted {
                        o: origin,
                        e: access.event.id.clone(),
                        id: id.clone(),
                    },
                )?;
                Ok::<_, Error>((access.event.id, id))
            })
        })
        .await?;
    state.live.deliver_announcement_deleted(&event_id, &id);
    Ok(())
}

/// Makes an announcement to the event `slug` (its organizers).
pub async fn post(
    state: &AppState,
    user: &User,
    slug: &str,
    text: &str,
) -> Result<AnnouncementView> {
    let (caller, slug, text, origin) = (
        user.clone(),
        slug.to_owned(),
        text.to_owned(),
        state.live.instance_id().to_owned(),
    );
    let id = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::event_access(conn, &caller, &slug)?;
                access.require_organizer()?;
                let id = Announcement::create(conn, &access.event.id, &caller.id, &text)?;
                bus::notify(
                    conn,
                    &Notice::Announcement {
                        o: origin,
                        e: access.event.id.clone(),
                        id: id.clone(),
                    },
                )?;
                Ok::<_, Error>(id)
            })
        })
        .await?;
    state.live.deliver_announcement(state, &id).await?;
    let owned = id.clone();
    Ok(state
        .db
        .run(move |conn| Announcement::find(conn, &owned))
        .await?
        .1)
}
