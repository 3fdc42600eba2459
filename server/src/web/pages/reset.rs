//! `/reset-password?token=…`: the page a password reset link opens. It sets a new password
//! with the sign-up's rules and ends every session of the account
//! ([`crate::auth::password_reset`], also `POST /api/v1/auth/password-reset/confirm`). An unknown,
//! used or expired link gets a page that says which, and what to do.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::{
        password::MIN_PASSWORD_LEN,
        password_reset::{self, LinkState},
        throttle::ClientAddress,
    },
    error::{Error, Result},
    web::{PageContext, context::Chrome, time::ShownTime},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(reset_form).service(reset);
}

/// What the page shows.
enum Shown {
    /// The form, for this account, until then.
    Form {
        email: String,
        expires_at: ShownTime,
        error: Option<String>,
    },
    /// The password was changed.
    Done,
    /// The link cannot be used: a heading and why.
    Refused { heading: &'static str, why: String },
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    chrome: Chrome,
    token: String,
    shown: Shown,
    min_len: usize,
}

/// `?token=` of a reset link.
#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    #[serde(default)]
    token: String,
}

/// The new-password form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    csrf: String,
    token: String,
    password: String,
    password_again: String,
}

fn refused(state: &LinkState) -> Shown {
    match state {
        LinkState::Used => Shown::Refused {
            heading: "This link was used already",
            why: "A reset link works once. If you did not use it yourself, ask a portal \
                  organizer for a new one."
                .into(),
        },
        LinkState::Expired => Shown::Refused {
            heading: "This link has expired",
            why: "A reset link works for 30 minutes. Ask a portal organizer for a new one.".into(),
        },
        LinkState::Unknown | LinkState::Valid { .. } => Shown::Refused {
            heading: "This link does not work",
            why: "It may be cut short, or a newer link replaced it. Copy the whole link, or \
                  ask a portal organizer for a new one."
                .into(),
        },
    }
}

fn status_of(state: &LinkState) -> StatusCode {
    match state {
        LinkState::Valid { .. } => StatusCode::OK,
        LinkState::Used | LinkState::Expired => StatusCode::CONFLICT,
        LinkState::Unknown => StatusCode::NOT_FOUND,
    }
}

fn page(ctx: &PageContext, token: String, shown: Shown) -> ResetPage {
    ResetPage {
        chrome: ctx.chrome("Choose a new password", &["times.js"]),
        token,
        shown,
        min_len: MIN_PASSWORD_LEN,
    }
}

#[get("/reset-password")]
async fn reset_form(
    client: ClientAddress,
    ctx: PageContext,
    query: web::Query<ResetQuery>,
) -> Result<HttpResponse> {
    let token = query.into_inner().token;
    let state = password_reset::check(ctx.state(), client, token.clone()).await?;
    let status = status_of(&state);
    let shown = match state {
        LinkState::Valid { email, expires_at } => Shown::Form {
            email,
            expires_at: ShownTime::date(expires_at),
            error: None,
        },
        other => refused(&other),
    };
    ctx.render_with_status(status, &page(&ctx, token, shown))
}

#[post("/reset-password")]
async fn reset(
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    ctx.verify_csrf(&form.csrf)?;
    if form.password != form.password_again {
        let state = password_reset::check(ctx.state(), client, form.token.clone()).await?;
        let shown = match state {
            LinkState::Valid { email, expires_at } => Shown::Form {
                email,
                expires_at: ShownTime::date(expires_at),
                error: Some("The two passwords differ: type the same one twice.".into()),
            },
            other => refused(&other),
        };
        return ctx.render_with_status(StatusCode::BAD_REQUEST, &page(&ctx, form.token, shown));
    }
    let token = form.token.clone();
    match password_reset::complete(ctx.state(), client, form.token, form.password).await {
        Ok(_) => ctx.render(&page(&ctx, String::new(), Shown::Done)),
        Err(error @ (Error::BadRequest { .. } | Error::TooManyRequests { .. })) => {
            let status = actix_web::ResponseError::status_code(&error);
            let probe = token.clone();
            let state = ctx
                .state()
                .db
                .run(move |conn| password_reset::inspect(conn, &probe))
                .await?;
            let shown = match state {
                LinkState::Valid { email, expires_at } => Shown::Form {
                    email,
                    expires_at: ShownTime::date(expires_at),
                    error: Some(error.to_string()),
                },
                other => refused(&other),
            };
            ctx.render_with_status(status, &page(&ctx, token, shown))
        }
        Err(Error::NotFound(_)) => {
            let shown = refused(&LinkState::Unknown);
            ctx.render_with_status(StatusCode::NOT_FOUND, &page(&ctx, String::new(), shown))
        }
        Err(Error::Conflict { code, .. }) => {
            let state = if code == "reset_link_used" {
                LinkState::Used
            } else {
                LinkState::Expired
            };
            ctx.render_with_status(
                StatusCode::CONFLICT,
                &page(&ctx, String::new(), refused(&state)),
            )
        }
        Err(other) => Err(other),
    }
}
