//! Signing up, in and out, the first-run set-up of a new portal, and access tokens for page
//! scripts.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::{
        accounts::{self, SignUp},
        oidc::{ProviderView, identities, logout},
        throttle::ClientAddress,
        web_sessions,
    },
    error::{Error, Result},
    models::organization::Organization,
    web::{
        PageContext,
        context::{CSRF_HEADER, Chrome, safe_next},
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(signin_form)
        .service(signin)
        .service(signup_form)
        .service(signup)
        .service(signout)
        .service(setup_form)
        .service(setup)
        .service(session_token);
}

/// `?next=` on the account pages.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    chrome: Chrome,
    next: String,
    email: String,
    error: Option<String>,
    /// The OpenID Connect providers' buttons.
    providers: Vec<ProviderView>,
    /// Whether password sign-in is on (`password_sign_in`).
    password: bool,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SigninForm {
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

#[get("/signin")]
async fn signin_form(ctx: PageContext, query: web::Query<NextQuery>) -> Result<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if ctx.user.is_some() {
        return Ok(ctx.redirect(&next));
    }
    ctx.render(&SigninPage {
        chrome: ctx.chrome("Sign in", &[]),
        next,
        email: String::new(),
        error: None,
        providers: ctx.state().oidc.views(),
        password: ctx.state().config.password_sign_in,
    })
}

#[post("/signin")]
async fn signin(
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<SigninForm>,
) -> Result<HttpResponse> {
    let form = form.into_inner();
    ctx.verify_csrf(&form.csrf)?;
    let next = safe_next(form.next.as_deref());
    let checked =
        accounts::check_credentials(ctx.state(), &form.email, form.password, client).await;
    let user = match checked {
        Ok((user, _)) => user,
        Err(
            error @ (Error::Unauthorized(_) | Error::TooManyRequests { .. } | Error::Denied { .. }),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            return ctx.render_with_status(
                status,
                &SigninPage {
                    chrome: ctx.chrome("Sign in", &[]),
                    next,
                    email: form.email,
                    error: Some(error.to_string()),
                    providers: ctx.state().oidc.views(),
                    password: ctx.state().config.password_sign_in,
                },
            );
        }
        Err(other) => return Err(other),
    };
    let ttl = ctx.state().session_policy.refresh_ttl;
    let started = ctx
        .state()
        .db
        .write(move |conn| web_sessions::start(conn, &user.id, ttl))
        .await?;
    ctx.sign_in(&started, &next)
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    chrome: Chrome,
    heading: &'static str,
    action: &'static str,
    intro: &'static str,
    next: String,
    values: SignupValues,
    error: Option<String>,
    /// The existing organizations, offered as the company field's suggestions.
    organizations: Vec<String>,
    /// The OpenID Connect providers' buttons.
    providers: Vec<ProviderView>,
    /// Whether password sign-up is on (`password_sign_in`).
    password: bool,
}

/// What the sign-up form shows again after an error (never the password).
#[derive(Debug, Default)]
struct SignupValues {
    email: String,
    display_name: String,
    organization: String,
}

/// The sign-up (and first-run set-up) form.
#[derive(Debug, Deserialize)]
pub struct SignupForm {
    csrf: String,
    email: String,
    display_name: String,
    organization: String,
    password: String,
    next: Option<String>,
}

#[get("/signup")]
async fn signup_form(ctx: PageContext, query: web::Query<NextQuery>) -> Result<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if ctx.user.is_some() {
        return Ok(ctx.redirect(&next));
    }
    ctx.render(&signup_page(&ctx, Kind::Signup, next, SignupValues::default(), None).await?)
}

#[post("/signup")]
async fn signup(
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<SignupForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    create_account(ctx, client, form.into_inner(), Kind::Signup).await
}

#[get("/setup")]
async fn setup_form(ctx: PageContext) -> Result<HttpResponse> {
    if ctx.state().db.run(accounts::has_portal_organizer).await? {
        return Ok(ctx.redirect("/"));
    }
    ctx.render(
        &signup_page(
            &ctx,
            Kind::Setup,
            "/events/new".into(),
            SignupValues::default(),
            None,
        )
        .await?,
    )
}

#[post("/setup")]
async fn setup(
    client: ClientAddress,
    ctx: PageContext,
    form: web::Form<SignupForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    create_account(ctx, client, form.into_inner(), Kind::Setup).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signup,
    Setup,
}

/// The names sign-up offers (none on the first-run set-up, where there are none to offer).
async fn organization_names(ctx: &PageContext, kind: Kind) -> Result<Vec<String>> {
    if kind == Kind::Setup {
        return Ok(Vec::new());
    }
    ctx.state().db.run(Organization::names).await
}

async fn signup_page(
    ctx: &PageContext,
    kind: Kind,
    next: String,
    values: SignupValues,
    error: Option<String>,
) -> Result<SignupPage> {
    let organizations = organization_names(ctx, kind).await?;
    let (heading, action, intro) = match kind {
        Kind::Signup => (
            "Create your account",
            "/signup",
            "One account for every event on this portal.",
        ),
        Kind::Setup => (
            "Set up this portal",
            "/setup",
            "Nobody organizes this portal yet. The account you create now will: it can \
             create events and grant every role.",
        ),
    };
    Ok(SignupPage {
        chrome: ctx.chrome(heading, &[]),
        heading,
        action,
        intro,
        next,
        values,
        error,
        organizations,
        providers: ctx.state().oidc.views(),
        password: ctx.state().config.password_sign_in,
    })
}

async fn create_account(
    ctx: PageContext,
    client: ClientAddress,
    form: SignupForm,
    kind: Kind,
) -> Result<HttpResponse> {
    let next = match kind {
        Kind::Signup => safe_next(form.next.as_deref()),
        Kind::Setup => "/events/new".to_owned(),
    };
    let values = SignupValues {
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        organization: form.organization.clone(),
    };
    let sign_up = SignUp {
        email: form.email,
        password: form.password,
        display_name: form.display_name,
        organization: form.organization,
        portal_organizer: kind == Kind::Setup,
    };
    let ttl = ctx.state().session_policy.refresh_ttl;
    let created = accounts::sign_up(ctx.state(), client, sign_up, move |conn, user| {
        web_sessions::start(conn, &user.id, ttl)
    })
    .await;
    match created {
        Ok((_, _, started)) => ctx.sign_in(&started, &next),
        Err(
            error @ (Error::BadRequest { .. }
            | Error::Conflict { .. }
            | Error::TooManyRequests { .. }),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            let page = signup_page(&ctx, kind, next, values, Some(error.to_string())).await?;
            ctx.render_with_status(status, &page)
        }
        Err(other) => Err(other),
    }
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

#[post("/signout")]
async fn signout(
    req: HttpRequest,
    ctx: PageContext,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    // Signed in through a provider whose table asks for it: sign out there too.
    let at_provider = match &ctx.user {
        Some(user) => {
            let session = user.session_id.clone();
            let through = ctx
                .state()
                .db
                .run(move |conn| identities::of_session(conn, &session))
                .await?;
            match through {
                Some((provider, id_token)) => match ctx.state().oidc.get(&provider) {
                    Ok(provider) => {
                        logout::provider_signout(ctx.state(), provider, &id_token).await
                    }
                    Err(_) => None,
                },
                None => None,
            }
        }
        None => None,
    };
    ctx.sign_out_to(&req, at_provider.as_ref().map_or("/", url::Url::as_str))
        .await
}

/// `POST /session/token` (header `X-CSRF-Token`): a fresh access token for the page's
/// scripts, whose live channels reconnect with it after the one in the page expired.
#[post("/session/token")]
async fn session_token(req: HttpRequest, ctx: PageContext) -> Result<HttpResponse> {
    let presented = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    ctx.verify_csrf(presented)?;
    let user = ctx.require_user()?;
    let token = ctx.state().tokens.issue(user.id(), &user.session_id)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({
            "access_token": token,
            "expires_in": ctx.state().tokens.ttl().as_secs(),
        })))
}
