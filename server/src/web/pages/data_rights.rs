//! The account page's data rights: `/account/export` downloads the signed-in person's archive
//! (the same action as `GET /api/v1/me/export`), and `/account/erase` asks for the password (or
//! a fresh sign-in) and erases the account (the same action as `DELETE /api/v1/me`), then ends
//! the browser's sign-in and says it is done.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, http::header, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::data_rights,
    auth::throttle::ClientAddress,
    error::{Error, Result},
    web::{PageContext, context::Chrome},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export)
        .service(erase_form)
        .service(erase)
        .service(erased);
}

/// The archive, as a download.
#[get("/account/export")]
async fn export(ctx: PageContext) -> Result<HttpResponse> {
    let caller = ctx.require_user()?.clone();
    let archive = data_rights::export(ctx.state(), &caller).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"cohack-data.zip\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(archive))
}

#[derive(Template)]
#[template(path = "account_erase.html")]
struct ErasePage {
    chrome: Chrome,
    has_password: bool,
    fresh_minutes: i64,
    error: Option<String>,
}

async fn erase_page(
    ctx: &PageContext,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse> {
    let user = &ctx.require_user()?.user;
    ctx.render_with_status(
        status,
        &ErasePage {
            chrome: ctx.chrome("Erase your account", &[]),
            has_password: !user.password_hash.is_empty(),
            fresh_minutes: data_rights::FRESH_SIGN_IN.num_minutes(),
            error,
        },
    )
}

#[get("/account/erase")]
async fn erase_form(ctx: PageContext) -> Result<HttpResponse> {
    erase_page(&ctx, StatusCode::OK, None).await
}

/// The erase form.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    csrf: String,
    #[serde(default)]
    password: Option<String>,
}

#[post("/account/erase")]
async fn erase(
    req: HttpRequest,
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<EraseForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let caller = ctx.require_user()?.clone();
    let password = form.into_inner().password;
    match data_rights::erase_self(ctx.state(), &caller, client, password).await {
        Ok(_) => ctx.sign_out_to(&req, "/account/erased").await,
        Err(error @ (Error::BadRequest { .. } | Error::Denied { .. } | Error::Conflict { .. })) => {
            let status = actix_web::ResponseError::status_code(&error);
            erase_page(&ctx, status, Some(error.to_string())).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "account_erased.html")]
struct ErasedPage {
    chrome: Chrome,
}

/// Where an erasure lands: signed out, with what happened.
#[get("/account/erased")]
async fn erased(ctx: PageContext) -> Result<HttpResponse> {
    ctx.render(&ErasedPage {
        chrome: ctx.chrome("Account erased", &[]),
    })
}
