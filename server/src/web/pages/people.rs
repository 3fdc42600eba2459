//! `/people` (portal organizers): password reset links for accounts, and the portal's
//! organizations — rename, merge, and the e-mail domains that pick one at sign-up. Each form
//! calls the same action as the JSON API (`actions::organizations`,
//! `auth::password_reset`).

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::organizations::{self, ManagedOrganization},
    auth::password_reset,
    error::{Error, Result},
    web::{PageContext, context::Chrome, time::ShownTime},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(people_page)
        .service(issue_reset)
        .service(rename)
        .service(merge)
        .service(add_domain)
        .service(remove_domain);
}

/// A reset link just issued, shown to the organizer to hand over.
struct IssuedView {
    email: String,
    url: String,
    expires_at: ShownTime,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Chrome,
    organizations: Vec<ManagedOrganization>,
    issued: Option<IssuedView>,
    notice: Option<&'static str>,
    error: Option<String>,
    reset_email: String,
}

/// `?done=` after a change.
#[derive(Debug, Deserialize)]
pub struct PeopleQuery {
    done: Option<String>,
}

/// A form with nothing but its CSRF token and one value.
#[derive(Debug, Deserialize)]
pub struct ValueForm {
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    into: String,
    #[serde(default)]
    domain: String,
}

fn notice_for(done: &str) -> Option<&'static str> {
    Some(match done {
        "renamed" => "Organization renamed.",
        "merged" => "Organizations merged: their accounts now count as one organization.",
        "domain-added" => "Domain mapped: sign-ups at it join that organization.",
        "domain-removed" => "Domain unmapped.",
        _ => return None,
    })
}

async fn render(
    ctx: &PageContext,
    status: StatusCode,
    issued: Option<IssuedView>,
    notice: Option<&'static str>,
    error: Option<String>,
    reset_email: String,
) -> Result<HttpResponse> {
    let caller = ctx.require_user()?.user.clone();
    let all = ctx
        .state()
        .db
        .run(move |conn| organizations::list(conn, &caller))
        .await?;
    ctx.render_with_status(
        status,
        &PeoplePage {
            chrome: ctx.chrome("People", &["times.js"]),
            organizations: all,
            issued,
            notice,
            error,
            reset_email,
        },
    )
}

/// A refusal the page shows above its forms; anything else is an error page.
async fn refused(ctx: &PageContext, error: Error, reset_email: String) -> Result<HttpResponse> {
    match error {
        Error::BadRequest { .. }
        | Error::Conflict { .. }
        | Error::NotFound(_)
        | Error::Unprocessable { .. } => {
            let status = actix_web::ResponseError::status_code(&error);
            render(
                ctx,
                status,
                None,
                None,
                Some(error.to_string()),
                reset_email,
            )
            .await
        }
        other => Err(other),
    }
}

fn done(ctx: &PageContext, what: &str, org: &str) -> HttpResponse {
    ctx.redirect(&format!("/people?done={what}#org-{org}"))
}

#[get("/people")]
async fn people_page(ctx: PageContext, query: web::Query<PeopleQuery>) -> Result<HttpResponse> {
    let notice = query.done.as_deref().and_then(notice_for);
    render(&ctx, StatusCode::OK, None, notice, None, String::new()).await
}

#[post("/people/password-reset")]
async fn issue_reset(
    req: HttpRequest,
    ctx: PageContext,
    form: web::Form<ValueForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let caller = ctx.require_user()?.user.clone();
    let email = form.email.trim().to_owned();
    match password_reset::issue_for_email(ctx.state(), &caller, &email).await {
        Ok(link) => {
            let url = {
                let info = req.connection_info();
                format!("{}://{}{}", info.scheme(), info.host(), link.path())
            };
            let issued = IssuedView {
                email: link.user.email.clone(),
                url,
                expires_at: ShownTime::date(link.expires_at),
            };
            render(
                &ctx,
                StatusCode::CREATED,
                Some(issued),
                None,
                None,
                String::new(),
            )
            .await
        }
        Err(Error::NotFound(_)) => {
            let error = Error::NotFound("account with this email");
            refused(&ctx, error, email).await
        }
        Err(error) => refused(&ctx, error, email).await,
    }
}

#[post("/people/organizations/{id}/rename")]
async fn rename(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<ValueForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let caller = ctx.require_user()?.user.clone();
    match organizations::rename(ctx.state(), &caller, &id, &form.name).await {
        Ok(org) => Ok(done(&ctx, "renamed", &org.organization.id)),
        Err(error) => refused(&ctx, error, String::new()).await,
    }
}

#[post("/people/organizations/{id}/merge")]
async fn merge(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<ValueForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let caller = ctx.require_user()?.user.clone();
    match organizations::merge(ctx.state(), &caller, &id, &form.into).await {
        Ok((kept, _)) => Ok(done(&ctx, "merged", &kept.organization.id)),
        Err(error) => refused(&ctx, error, String::new()).await,
    }
}

#[post("/people/organizations/{id}/domains")]
async fn add_domain(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<ValueForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let caller = ctx.require_user()?.user.clone();
    match organizations::add_domain(ctx.state(), &caller, &id, form.domain.trim()).await {
        Ok(org) => Ok(done(&ctx, "domain-added", &org.organization.id)),
        Err(error) => refused(&ctx, error, String::new()).await,
    }
}

#[post("/people/organizations/{id}/domains/remove")]
async fn remove_domain(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<ValueForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let caller = ctx.require_user()?.user.clone();
    match organizations::remove_domain(ctx.state(), &caller, &id, &form.domain).await {
        Ok(()) => Ok(done(&ctx, "domain-removed", &id)),
        Err(error) => refused(&ctx, error, String::new()).await,
    }
}
