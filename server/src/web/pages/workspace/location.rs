//! Where the team sits, in the workspace's header (`#team-location`), while its event gives
//! rewards: runners bring a team's rewards to its location, and a team without one (a remote
//! team) is told in its activity what it gets instead. Its members (and the event's
//! organizers) set it here without JavaScript:
//!
//! - `POST /teams/{id}/location` (`csrf`, `location`; blank: remote): through
//!   [`rewards::set_location`], the action `PATCH /teams/{id}` `{"location"}` calls, then back
//!   to the workspace (`?located=1`), or the workspace again with the reason the server
//!   refused (`invalid_location`) beside the form and the words sent.
//!
//! Coaches read it; the action refuses them (403).

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::rewards,
    error::{Error, Result},
    web::PageContext,
};

use super::page::{FormOutcome, render_workspace};

/// The notice after the form (`?located=1`).
pub(super) fn notice(located: bool) -> Option<&'static str> {
    located.then_some("Location saved: runners bring your rewards there.")
}

/// What the workspace shows of where the team sits.
pub(super) struct LocationPanel {
    /// Where it sits; `None`: a remote team.
    pub(super) location: Option<String>,
    /// The event's words for a remote team's reward (empty: the challenge's own).
    pub(super) remote_reward: String,
    /// Whether the caller may change it (members and organizers).
    pub(super) can_set: bool,
    /// The value the form shows: what was sent when refused, else the location.
    pub(super) value: String,
    /// After the form went through.
    pub(super) notice: Option<&'static str>,
    /// Why the server refused it.
    pub(super) error: Option<String>,
}

/// The location form.
#[derive(Debug, Deserialize)]
pub struct LocationForm {
    csrf: String,
    #[serde(default)]
    location: String,
}

#[post("/teams/{id}/location")]
pub(super) async fn set_location(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<LocationForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    match rewards::set_location(ctx.state(), &user, &team_id, Some(&form.location)).await {
        Ok(details) => Ok(ctx.redirect(&format!(
            "/teams/{}?located=1#team-location",
            details.team.id
        ))),
        Err(error @ (Error::BadRequest { .. } | Error::Forbidden(_))) => {
            let status = actix_web::ResponseError::status_code(&error);
            let outcome = FormOutcome {
                location_error: Some(error.to_string()),
                location_sent: Some(form.location),
                ..FormOutcome::default()
            };
            render_workspace(&ctx, &team_id, None, None, status, outcome).await
        }
        Err(other) => Err(other),
    }
}
