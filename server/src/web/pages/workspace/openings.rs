//! Unblocking a stuck team from its workspace: above a locked challenge, its coaches and the
//! event's organizers get a form to open it for the team with a reason. Works without
//! JavaScript:
//!
//! - `POST /teams/{id}/challenges/{challenge}/open` (`csrf`, `reason`): through
//!   [`openings::open_challenge`] (coaches: the next locked challenge only), then back to the
//!   challenge (`?challenge=…&opened=1`), or the workspace again with the reason the server
//!   refused above the form.
//!
//! The team hears of it live as an `opened` activity (`workspace/activity.js`).

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::openings,
    error::{Error, Result},
    web::{PageContext, security::urlencode},
};

use super::page::{FormOutcome, render_workspace};

/// The notice after the form (`?opened=1`).
pub(super) fn notice(opened: bool) -> Option<&'static str> {
    opened.then_some("Opened for the team: its workspace shows the challenge open now.")
}

/// The opening form.
#[derive(Debug, Deserialize)]
pub struct OpenForm {
    csrf: String,
    reason: String,
}

#[post("/teams/{id}/challenges/{challenge}/open")]
pub(super) async fn open_challenge(
    ctx: PageContext,
    path: web::Path<(String, String)>,
    form: web::Form<OpenForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let (team_id, challenge) = path.into_inner();
    match openings::open_challenge(ctx.state(), &user, &team_id, &challenge, &form.reason).await {
        Ok(_) => Ok(ctx.redirect(&format!(
            "/teams/{}?challenge={}&opened=1#challenge",
            team_id,
            urlencode(&challenge)
        ))),
        Err(error @ (Error::BadRequest { .. } | Error::Conflict { .. } | Error::Forbidden(_))) => {
            let status = actix_web::ResponseError::status_code(&error);
            let outcome = FormOutcome {
                opening_error: Some(error.to_string()),
                ..FormOutcome::default()
            };
            render_workspace(&ctx, &team_id, Some(challenge), None, status, outcome).await
        }
        Err(other) => Err(other),
    }
}
