//! The team's own administration, for its members, in the workspace's header
//! (`#team-admin`), as forms without JavaScript:
//!
//! - `POST /teams/{id}/rename` (`name`): renames the team through
//!   [`team_admin::rename`], then back to the workspace (`?renamed=1`);
//! - `POST /teams/{id}/leave`: the member leaves through [`team_admin::remove_member`]
//!   (the page asks to confirm first), then lands on the event's page, where they can start a
//!   team or open another team's invite link.
//!
//! Each checks the `csrf` field; a refusal (`event_ended`, `team_name_taken`,
//! `invalid_team_name`…) shows the workspace again with the reason beside the forms.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::{team_admin, teams},
    error::{Error, Result},
    web::PageContext,
};

use super::page::{FormOutcome, render_workspace};

/// The rename form.
#[derive(Debug, Deserialize)]
pub struct RenameForm {
    csrf: String,
    name: String,
}

/// The leave form (its button is the confirmation).
#[derive(Debug, Deserialize)]
pub struct LeaveForm {
    csrf: String,
}

/// The notice after a rename (`?renamed=1`).
pub(super) fn notice(renamed: bool) -> Option<&'static str> {
    renamed.then_some("Team renamed.")
}

#[post("/teams/{id}/rename")]
pub(super) async fn rename_team(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<RenameForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    match team_admin::rename(ctx.state(), &user, &team_id, &form.name).await {
        Ok(details) => Ok(ctx.redirect(&format!("/teams/{}?renamed=1", details.team.id))),
        Err(error) => refused(&ctx, &team_id, error, Some(form.name)).await,
    }
}

#[post("/teams/{id}/leave")]
pub(super) async fn leave_team(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<LeaveForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    // Where to land afterwards: read while the member may still see the team.
    let slug = {
        let (user, team_id) = (user.clone(), team_id.clone());
        ctx.state()
            .db
            .run(move |conn| teams::view(conn, &user, &team_id))
            .await?
            .event
            .slug
    };
    match team_admin::remove_member(ctx.state(), &user, &team_id, &user.id).await {
        Ok(()) => Ok(ctx.redirect(&format!("/events/{slug}"))),
        Err(error) => refused(&ctx, &team_id, error, None).await,
    }
}

/// The workspace again with the reason `error` beside the team's forms, or the error page
/// for what is not a refusal of the form (an unknown team, a broken database).
async fn refused(
    ctx: &PageContext,
    team_id: &str,
    error: Error,
    name: Option<String>,
) -> Result<HttpResponse> {
    match error {
        error @ (Error::BadRequest { .. }
        | Error::Conflict { .. }
        | Error::Forbidden(_)
        | Error::Denied { .. }) => {
            let status = actix_web::ResponseError::status_code(&error);
            let outcome = FormOutcome {
                team_error: Some(error.to_string()),
                team_name_sent: name,
                ..FormOutcome::default()
            };
            render_workspace(ctx, team_id, None, None, status, outcome).await
        }
        other => Err(other),
    }
}
