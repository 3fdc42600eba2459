//! The submit form without JavaScript (`POST /teams/{id}/submit`): a challenge and a short
//! answer, submitted as the API would, then back to the workspace showing the verdict. A
//! submission the server refuses as it stands (422: an endpoint the challenge needs is not
//! set, say) shows the workspace again with the reason where the verdict would be, and a
//! link to the Endpoints panel when the reason is an endpoint.

use actix_web::{HttpResponse, ResponseError as _, post, web};
use serde::Deserialize;

use crate::{
    actions::submissions::{self as submit, SubmitOutcome, SubmitRequest},
    error::{Error, Result},
    web::{PageContext, security::urlencode},
};

use super::page::{FormOutcome, SubmitRefusal, render_workspace};

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
    let challenge = form.challenge.clone();
    let request = SubmitRequest {
        challenge: form.challenge,
        answer: Some(form.answer),
        files: None,
    };
    let view = match submit::submit(ctx.state().clone(), &user, &team_id, request).await {
        Ok(SubmitOutcome::Judged(view) | SubmitOutcome::Pending(view)) => view,
        Err(error @ Error::Unprocessable { code, .. }) => {
            let outcome = FormOutcome {
                submit_refusal: Some(SubmitRefusal {
                    message: error.to_string(),
                    about_endpoints: matches!(code, "endpoint_missing" | "invalid_endpoint"),
                }),
                ..FormOutcome::default()
            };
            let status = error.status_code();
            return render_workspace(&ctx, &team_id, Some(challenge), None, status, outcome).await;
        }
        Err(other) => return Err(other),
    };
    Ok(ctx.redirect(&format!(
        "/teams/{team_id}?challenge={}&submission={}#verdict",
        urlencode(&view.challenge),
        urlencode(&view.id)
    )))
}
