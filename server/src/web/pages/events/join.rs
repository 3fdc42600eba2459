//! Joining a team through the invite link it shares (`/teams/{id}/join?code=…`): the page
//! that shows the invitation, and the form that registers for the event (with its invite code
//! when it needs one) and joins.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::teams,
    error::Result,
    models::event::Event,
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
    needs_event_code: bool,
    signin_next: String,
}

/// `GET /teams/{id}/join?code=…`: the invite link a team shares.
#[get("/teams/{id}/join")]
pub(super) async fn join_page(
    ctx: PageContext,
    team_id: web::Path<String>,
    query: web::Query<InviteQuery>,
) -> Result<HttpResponse> {
    let code = query.into_inner().code.unwrap_or_default();
    let team_id = team_id.into_inner();
    let user = ctx.user.as_ref().map(|u| u.user.clone());
    let teams::Invitation {
        team,
        event,
        registered,
    } = {
        let code = code.clone();
        let team_id = team_id.clone();
        ctx.state()
            .db
            .run(move |conn| teams::invitation(conn, user.as_ref(), &team_id, &code))
            .await?
    };
    let here = format!("/teams/{team_id}/join?code={}", urlencode(&code));
    ctx.render(&JoinPage {
        chrome: ctx.chrome(format!("Join {}", team.name), &[]),
        team_id,
        team_name: team.name,
        needs_event_code: event.registration == "invite" && !registered,
        event,
        code,
        signin_next: urlencode(&here),
    })
}

/// Joining: the team's code, and the event's when registering for an invite-only event.
#[derive(Debug, Deserialize)]
pub struct JoinForm {
    csrf: String,
    code: String,
    #[serde(default)]
    event_invite_code: String,
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
    let event_code = Some(form.event_invite_code.as_str()).filter(|c| !c.is_empty());
    let details =
        teams::register_and_join(ctx.state(), &user, &team_id, &form.code, event_code).await?;
    Ok(ctx.redirect(&format!("/teams/{}", details.team.id)))
}
