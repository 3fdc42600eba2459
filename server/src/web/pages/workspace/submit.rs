//! The submit form without JavaScript (`POST /teams/{id}/submit`): a challenge and a short
//! answer, submitted as the API would, then back to the workspace showing the verdict.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::submissions::{self as submit, SubmitOutcome, SubmitRequest},
    error::Result,
    web::{PageContext, security::urlencode},
};

/// The submit form without JavaScript: a challenge and a short answer.
#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    csrf: String,
    challenge: String,
    #[serde(default)]
    answer: String,
}

#[post("/teams/{id}/submit")]
pub(super) async fn submit_form(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<SubmitForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    let request = SubmitRequest {
        challenge: form.challenge,
        answer: Some(form.answer),
        files: None,
    };
    let outcome = submit::submit(ctx.state().clone(), &user, &team_id, request).await?;
    let view = match outcome {
        SubmitOutcome::Judged(view) | SubmitOutcome::Pending(view) => view,
    };
    Ok(ctx.redirect(&format!(
        "/teams/{team_id}?challenge={}&submission={}#verdict",
        urlencode(&view.challenge),
        urlencode(&view.id)
    )))
}
