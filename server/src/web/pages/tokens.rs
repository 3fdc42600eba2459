//! `/account/tokens`: the signed-in user's personal API tokens — make one (its secret shown
//! once, on the answer to the form), see when each was last used, revoke one. The same
//! functions as `GET/POST /api/v1/tokens` and `DELETE /api/v1/tokens/{id}`.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::personal_tokens::{self, MAX_EXPIRY_DAYS, MAX_NAME_LEN, PersonalToken},
    error::{Error, Result},
    web::{PageContext, context::Chrome, time::ShownTime},
};

/// Where the page lives (the CLI's token error names it).
pub const PAGE: &str = "/account/tokens";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(tokens_page)
        .service(create_token)
        .service(revoke_token);
}

/// A token as the page lists it.
struct TokenRow {
    id: String,
    name: String,
    created_at: ShownTime,
    expires_at: Option<ShownTime>,
    last_used_at: Option<ShownTime>,
}

impl From<PersonalToken> for TokenRow {
    fn from(token: PersonalToken) -> Self {
        Self {
            id: token.id,
            name: token.name,
            created_at: ShownTime::date(token.created_at),
            expires_at: token.expires_at.map(ShownTime::date),
            last_used_at: token.last_used_at.map(ShownTime::date),
        }
    }
}

/// The token just made, shown once.
struct Created {
    name: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    created: Option<Created>,
    notice: Option<String>,
    error: Option<String>,
    name: String,
    max_name: usize,
    max_days: u32,
}

/// The form that makes a token.
#[derive(Debug, Deserialize)]
pub struct CreateTokenForm {
    csrf: String,
    name: String,
    /// Days, or empty for "until revoked".
    #[serde(default)]
    expires_in_days: String,
}

/// The form that revokes a token.
#[derive(Debug, Deserialize)]
pub struct RevokeTokenForm {
    csrf: String,
}

/// `?revoked=1` after a revocation.
#[derive(Debug, Deserialize)]
pub struct TokensQuery {
    revoked: Option<String>,
}

async fn render(
    ctx: &PageContext,
    status: actix_web::http::StatusCode,
    created: Option<Created>,
    notice: Option<String>,
    error: Option<String>,
    name: String,
) -> Result<HttpResponse> {
    let user_id = ctx.require_user()?.user.id.clone();
    let tokens = ctx
        .state()
        .db
        .run(move |conn| personal_tokens::list(conn, &user_id))
        .await?;
    ctx.render_with_status(
        status,
        &TokensPage {
            chrome: ctx.chrome("API tokens", &["times.js"]),
            tokens: tokens.into_iter().map(TokenRow::from).collect(),
            created,
            notice,
            error,
            name,
            max_name: MAX_NAME_LEN,
            max_days: MAX_EXPIRY_DAYS,
        },
    )
}

#[get("/account/tokens")]
async fn tokens_page(ctx: PageContext, query: web::Query<TokensQuery>) -> Result<HttpResponse> {
    let notice = query
        .revoked
        .is_some()
        .then(|| "Token revoked: it no longer works.".to_owned());
    render(
        &ctx,
        actix_web::http::StatusCode::OK,
        None,
        notice,
        None,
        String::new(),
    )
    .await
}

#[post("/account/tokens")]
async fn create_token(ctx: PageContext, form: web::Form<CreateTokenForm>) -> Result<HttpResponse> {
    let form = form.into_inner();
    ctx.verify_csrf(&form.csrf)?;
    let user_id = ctx.require_user()?.user.id.clone();
    let days = match form.expires_in_days.trim() {
        "" => Ok(None),
        days => days.parse::<u32>().map(Some).map_err(|_| {
            Error::unprocessable(
                "invalid_expiry",
                format!("a token lasts 1 to {MAX_EXPIRY_DAYS} days, or until revoked"),
            )
        }),
    };
    let name = form.name.clone();
    let created = match days {
        Ok(days) => {
            ctx.state()
                .db
                .write(move |conn| personal_tokens::create(conn, &user_id, &name, days))
                .await
        }
        Err(error) => Err(error),
    };
    match created {
        Ok(created) => {
            let shown = Created {
                name: created.token.name,
                secret: created.secret,
            };
            render(
                &ctx,
                actix_web::http::StatusCode::CREATED,
                Some(shown),
                None,
                None,
                String::new(),
            )
            .await
        }
        Err(
            error @ (Error::BadRequest { .. }
            | Error::Conflict { .. }
            | Error::Unprocessable { .. }),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            render(&ctx, status, None, None, Some(error.to_string()), form.name).await
        }
        Err(other) => Err(other),
    }
}

#[post("/account/tokens/{id}/revoke")]
async fn revoke_token(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<RevokeTokenForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user_id = ctx.require_user()?.user.id.clone();
    let id = id.into_inner();
    ctx.state()
        .db
        .write(move |conn| personal_tokens::revoke(conn, &user_id, &id))
        .await?;
    Ok(ctx.redirect(&format!("{PAGE}?revoked=1")))
}
