//! Joining a team through the invite link it shares (`/teams/{id}/join?code=…`): the page
//! that shows the invitation, and the form that registers for the event and joins the team
//! in one step. The team's link is all it takes, also for an invite-only event: whoever a
//! team invites may take part. Someone signed out is sent to sign up (or in) and brought back
//! to the link. A refusal (the team is full, the person is in another team, the event ended)
//! shows on the link's page with its reason.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::teams,
    error::{Error, Result},
    models::{event::Event, team::Team},
    web::{PageContext, context::Chrome, security::urlencode},
};

/// `?code=` of an invite link.
#[derive(Debug, Deserialize)]
pub struct InviteQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "join.html")]
struct JoinPage {
    chrome: Chrome,
    team_id: String,
    team_name: String,
    event: Event,
    code: String,
    /// Joining registers the person for the event too.
    registers: bool,
    invite_only: bool,
    /// The team the signed-in person is in at this event, if another one.
    other_team: Option<Team>,
    /// They are in this team already.
    in_team: bool,
    signin_next: String,
    /// Why joining was refused.
    error: Option<String>,
}

/// `GET /teams/{id}/join?code=…`: the invite link a team shares.
#[get("/teams/{id}/join")]
pub(super) async fn join_page(
    ctx: PageContext,
    team_id: web::Path<String>,
    query: web::Query<InviteQuery>,
) -> Result<HttpResponse> {
    let code = query.into_inner().code.unwrap_or_default();
    render_join(&ctx, &team_id, code, StatusCode::OK, None).await
}

/// The invitation of `team_id` with `code`, answered with `status`, with a refusal if any.
async fn render_join(
    ctx: &PageContext,
    team_id: &str,
    code: String,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse> {
    let user = ctx.user.as_ref().map(|u| u.user.clone());
    let teams::Invitation {
        team,
        event,
        registered,
        current_team,
    } = {
        let (code, team_id) = (code.clone(), team_id.to_owned());
        ctx.state()
            .db
            .run(move |conn| teams::invitation(conn, user.as_ref(), &team_id, &code))
            .await?
    };
    let here = format!("/teams/{team_id}/join?code={}", urlencode(&code));
    let in_team = current_team.as_ref().is_some_and(|t| t.id == team.id);
    ctx.render_with_status(
        status,
        &JoinPage {
            chrome: ctx.chrome(format!("Join {}", team.name), &[]),
            team_id: team.id,
            team_name: team.name,
            registers: !registered,
            invite_only: event.registration == "invite",
            event,
            code,
            other_team: current_team.filter(|_| !in_team),
            in_team,
            signin_next: urlencode(&here),
            error,
        },
    )
}

/// Joining: the team's code, from its link.
#[derive(Debug, Deserialize)]
pub struct JoinForm {
    csrf: String,
    code: String,
}

#[post("/teams/{id}/join")]
pub(super) async fn join_team(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<JoinForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    match teams::register_and_join(ctx.state(), &user, &team_id, &form.code).await {
        Ok(details) => Ok(ctx.redirect(&format!("/teams/{}", details.team.id))),
        Err(error @ (Error::Conflict { .. } | Error::Forbidden(_) | Error::Denied { .. })) => {
            let status = actix_web::ResponseError::status_code(&error);
            render_join(&ctx, &team_id, form.code, status, Some(error.to_string())).await
        }
        Err(other) => Err(other),
    }
}
