//! Signing in through an OpenID Connect provider, in the browser:
//!
//! - `GET /auth/oidc/{id}?next=/path` starts the flow and sends the browser to the provider;
//! - `GET /auth/oidc/{id}/callback` ends it and signs the browser in as a password sign-in
//!   does, then goes to `next` (a path on this site only);
//! - `POST /auth/oidc/{id}/backchannel-logout` takes the provider's logout token;
//! - `/account`: the account's e-mail and linked identities (link one more, remove one).
//!
//! Every refusal is a page that says what went wrong and what to do (never a 500), and a
//! provider that cannot be reached leaves the other ways in working.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    get,
    http::{StatusCode, header},
    post, web,
};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::{
        oidc::{
            ProviderView,
            flow::{self, Callback},
            identities::{self, IdentityView},
            logout,
        },
        throttle::ClientAddress,
    },
    error::{Error, Result},
    state::AppState,
    web::{
        PageContext,
        context::{Chrome, is_token_shaped, safe_next},
        pages::verify_email::EmailVerificationPanel,
        time::ShownTime,
    },
};

/// The cookie binding a started flow to the browser that started it.
const FLOW_COOKIE: &str = "cohack_oidc";

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(start)
        .service(callback)
        .service(backchannel_logout)
        .service(account_page)
        .service(link)
        .service(unlink);
}

#[derive(Template)]
#[template(path = "oidc_error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    heading: &'static str,
    message: String,
    retry: Option<String>,
}

/// A refused or failed sign-in as a page: what happened, and the ways on.
fn error_page(ctx: &PageContext, provider: Option<&str>, error: &Error) -> Result<HttpResponse> {
    use actix_web::ResponseError as _;
    let status = error.status_code();
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        // Logged once, with its cause, by the error's own rendering.
        let _ = error.error_response();
    }
    let heading = match status {
        StatusCode::SERVICE_UNAVAILABLE => "The sign-in provider cannot be reached",
        StatusCode::TOO_MANY_REQUESTS => "Too many sign-ups from here",
        StatusCode::NOT_FOUND => "No such sign-in provider",
        _ => "You are not signed in",
    };
    let mut response = ctx.render_with_status(
        status,
        &ErrorPage {
            chrome: ctx.chrome(heading, &[]),
            status: status.as_u16(),
            heading,
            message: error.to_string(),
            retry: provider.map(|id| format!("/auth/oidc/{id}")),
        },
    )?;
    if let Error::TooManyRequests { retry_after } = error
        && let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    Ok(response)
}

fn flow_cookie(ctx_secure: bool, value: String) -> Cookie<'static> {
    Cookie::build(FLOW_COOKIE, value)
        .path("/auth/oidc")
        .http_only(true)
        .secure(ctx_secure)
        // Lax: the provider's redirect back is a top-level GET from another site.
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(10))
        .finish()
}

fn flow_token(req: &HttpRequest) -> Option<String> {
    req.cookie(FLOW_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| is_token_shaped(v))
}

fn is_secure(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

/// `?next=` on the start.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

async fn begin(
    req: &HttpRequest,
    ctx: &PageContext,
    id: &str,
    next: String,
    link_user_id: Option<String>,
) -> Result<HttpResponse> {
    let state = ctx.state();
    let provider = state.oidc.get(id)?;
    let started = flow::start(state, provider, next, link_user_id, flow_token(req)).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, started.authorize_url.as_str()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(flow_cookie(is_secure(req), started.browser_token))
        .finish())
}

#[get("/auth/oidc/{id}")]
async fn start(
    req: HttpRequest,
    ctx: PageContext,
    id: web::Path<String>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if ctx.user.is_some() {
        return Ok(ctx.redirect(&next));
    }
    match begin(&req, &ctx, &id, next, None).await {
        Ok(response) => Ok(response),
        Err(error) => error_page(&ctx, Some(&id), &error),
    }
}

/// What the provider's redirect back carries.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

#[get("/auth/oidc/{id}/callback")]
async fn callback(
    req: HttpRequest,
    client: ClientAddress,
    ctx: PageContext,
    id: web::Path<String>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse> {
    let query = query.into_inner();
    let returned = Callback {
        code: query.code,
        state: query.state,
        error: query.error,
        error_description: query.error_description,
    };
    let mut response = match finish(&req, client, &ctx, &id, returned).await {
        Ok(response) => response,
        Err(error) => error_page(&ctx, Some(&id), &error)?,
    };
    // The flow is over either way; its cookie is of no further use.
    let mut gone = flow_cookie(is_secure(&req), String::new());
    gone.make_removal();
    response.add_cookie(&gone).map_err(Error::internal)?;
    Ok(response)
}

async fn finish(
    req: &HttpRequest,
    client: ClientAddress,
    ctx: &PageContext,
    id: &str,
    returned: Callback,
) -> Result<HttpResponse> {
    let state = ctx.state();
    let provider = state.oidc.get(id)?;
    let login = flow::finish(state, provider, returned, flow_token(req)).await?;
    let (issuer, subject) = (login.issuer.clone(), login.subject.clone());
    let known = state
        .db
        .run(move |conn| identities::is_known(conn, &issuer, &subject))
        .await?;
    // A first sign-in creates an account: it goes through the sign-up throttles as a password
    // sign-up does.
    let attempt = if known || login.link_user_id.is_some() {
        None
    } else {
        Some(
            state
                .throttles
                .sign_up(login.email.as_deref().unwrap_or(&login.subject), client)?,
        )
    };
    let ttl = state.session_policy.refresh_ttl;
    let config = provider.config.clone();
    let signing_in = login.clone();
    let signed_in = state
        .db
        .write(move |conn| identities::sign_in(conn, &config, &signing_in, ttl))
        .await;
    if let Some(attempt) = attempt {
        attempt.finish(signed_in.is_err());
    }
    let signed_in = signed_in?;
    let next = if login.link_user_id.is_some() {
        "/account".to_owned()
    } else {
        login.next
    };
    ctx.sign_in(&signed_in.started, &next)
}

/// The back-channel logout request's body.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    logout_token: String,
}

#[post("/auth/oidc/{id}/backchannel-logout")]
async fn backchannel_logout(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse> {
    let provider = state.oidc.get(&id)?;
    logout::backchannel(&state, provider, &form.logout_token).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// A linked identity as the account page lists it.
struct IdentityRow {
    id: String,
    provider: String,
    email: String,
    email_verified: bool,
    created_at: ShownTime,
    last_used_at: ShownTime,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    /// The e-mail's verification, with the button that mails a new link.
    verification: EmailVerificationPanel,
    email: String,
    email_verified: bool,
    has_password: bool,
    is_staff: bool,
    organization_verified: bool,
    identities: Vec<IdentityRow>,
    linkable: Vec<ProviderView>,
    notice: Option<String>,
    error: Option<String>,
}

async fn account(
    ctx: &PageContext,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let id = user.id.clone();
    let linked: Vec<IdentityView> = ctx
        .state()
        .db
        .run(move |conn| identities::of_user(conn, &id))
        .await?;
    let providers = ctx.state().oidc.views();
    let label_of = |id: &str| {
        providers
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_owned(), |p| p.label.clone())
    };
    let identities = linked
        .iter()
        .map(|i| IdentityRow {
            id: i.id.clone(),
            provider: label_of(&i.provider),
            email: i.email.clone(),
            email_verified: i.email_verified,
            created_at: ShownTime::date(i.created_at),
            last_used_at: ShownTime::date(i.last_used_at),
        })
        .collect();
    let linkable = providers
        .iter()
        .filter(|p| !linked.iter().any(|i| i.provider == p.id))
        .cloned()
        .collect();
    ctx.render_with_status(
        status,
        &AccountPage {
            chrome: ctx.chrome("Your account", &[]),
            verification: EmailVerificationPanel::of(ctx.state(), &user),
            email: user.email,
            email_verified: user.email_verified,
            has_password: !user.password_hash.is_empty(),
            is_staff: user.is_staff,
            organization_verified: user.organization_verified,
            identities,
            linkable,
            notice,
            error,
        },
    )
}

#[get("/account")]
async fn account_page(ctx: PageContext) -> Result<HttpResponse> {
    account(&ctx, StatusCode::OK, None, None).await
}

/// A form that only carries its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[post("/account/identities/link/{provider}")]
async fn link(
    req: HttpRequest,
    ctx: PageContext,
    provider: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user_id = ctx.require_user()?.id().to_owned();
    match begin(&req, &ctx, &provider, "/account".into(), Some(user_id)).await {
        Ok(response) => Ok(response),
        Err(error @ (Error::Upstream(_) | Error::NotFound(_))) => {
            account(&ctx, error_status(&error), None, Some(error.to_string())).await
        }
        Err(other) => Err(other),
    }
}

fn error_status(error: &Error) -> StatusCode {
    actix_web::ResponseError::status_code(error)
}

#[post("/account/identities/{id}/remove")]
async fn unlink(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user_id = ctx.require_user()?.id().to_owned();
    let identity = id.into_inner();
    let removed = ctx
        .state()
        .db
        .write(move |conn| identities::remove(conn, &user_id, &identity))
        .await;
    match removed {
        Ok(()) => account(&ctx, StatusCode::OK, Some("Identity removed.".into()), None).await,
        Err(error @ (Error::Conflict { .. } | Error::NotFound(_))) => {
            account(&ctx, error_status(&error), None, Some(error.to_string())).await
        }
        Err(other) => Err(other),
    }
}
