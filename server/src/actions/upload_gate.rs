//! Who may upload, decided before the upload is read.
//!
//! A challenge package may be 64 MiB and a submission 8 MiB. If the body were read before
//! the caller is authorized, anyone with an account could make the server buffer that much
//! per request only to answer 403 (four 60 MB uploads from a participant took a server from
//! 206 MB to 592 MB). The upload endpoints therefore call these read-only checks first, and
//! read the body only when they pass. They are the first checks of
//! [`super::challenges::publish::publish`] and [`super::submissions::submit`], which make
//! them again (with everything else) once the body is read: the gate decides nothing those
//! actions would not.

use crate::{
    access::{self, TeamRelation},
    actions::challenges::ladder::not_running,
    db::DbConnection,
    error::{Error, Result},
    models::{event::Phase, user::User},
};

/// Whether `user` may publish to the event `event_slug`: its authors and organizers (404 for
/// an unknown event, 403 for anyone else).
pub fn may_publish(conn: &mut DbConnection, user: &User, event_slug: &str) -> Result<()> {
    access::event_access(conn, user, event_slug)?.require_author()
}

/// Whether `user` may submit for the team `team_id` now: a member (404 for outsiders, 403 for
/// its coaches and organizers), while the event runs (409 `not_running`).
pub fn may_submit(conn: &mut DbConnection, user: &User, team_id: &str) -> Result<()> {
    let access = access::team_access(conn, user, team_id)?;
    if access.relation != TeamRelation::Member {
        return Err(Error::Forbidden(
            "only the team's members submit; coaches and organizers may read its submissions"
                .into(),
        ));
    }
    if !matches!(access.event.phase(), Phase::Running | Phase::Frozen) {
        return Err(not_running(&access.event));
    }
    Ok(())
}
