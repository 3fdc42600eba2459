//! Accounts: register, log in, refresh, log out, who am I, password reset links (issued by
//! portal organizers, used once by the account's owner), and asking for another link that
//! verifies the caller's e-mail.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{
        AuthUser,
        accounts::{self, SignUp},
        email_verification, password_reset, sessions,
        throttle::ClientAddress,
    },
    error::{Error, Result},
    models::{organization::Organization, user::User},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(me)
        .service(issue_password_reset)
        .service(request_password_reset)
        .service(use_password_reset)
        .service(request_email_verification)
        .service(providers);
}

/// The OpenID Connect providers people may sign in through (the `[[oidc]]` tables), in the
/// configuration's order: pages and clients show one button each, linking to
/// `/auth/oidc/{id}?next=…`. Empty when none is configured.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, body = Vec<crate::auth::oidc::ProviderView>))
)]
#[get("/auth/providers")]
pub async fn providers(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(state.oidc.views())
}

/// `POST /auth/register`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// The login; normalised to lower case.
    #[schema(schema_with = crate::api::schema::email)]
    pub email: String,
    /// At least 10 characters.
    #[schema(min_length = 10)]
    pub password: String,
    /// Name shown to teammates and on the leaderboard's team pages, 1–80 characters.
    #[schema(schema_with = crate::api::schema::text::<80>)]
    pub display_name: String,
    /// The company the user belongs to (created on first use), 1–120 characters.
    #[schema(schema_with = crate::api::schema::text::<120>)]
    pub organization: String,
}

/// `POST /auth/login`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The login.
    pub email: String,
    /// The password.
    pub password: String,
}

/// `POST /auth/refresh`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// A refresh token not used before.
    pub refresh_token: String,
}

/// An organization as others see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationView {
    /// Identifier.
    pub id: String,
    /// Name.
    pub name: String,
}

/// The caller's own account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    /// Identifier.
    pub id: String,
    /// Login.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// The user's organization.
    pub organization: OrganizationView,
    /// May create events.
    pub is_portal_organizer: bool,
    /// The e-mail was proven to be the user's (a mailed link was opened, or a sign-in
    /// provider vouched for it).
    pub email_verified: bool,
    /// The organization came from a verified identity (a verified e-mail at a domain mapped
    /// to it, or a sign-in provider), not from what the user typed.
    pub organization_verified: bool,
}

/// Tokens and the account they belong to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    /// The account.
    pub user: UserView,
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// One-time token for `POST /auth/refresh`.
    pub refresh_token: String,
}

fn user_view(user: User, organization: Organization) -> UserView {
    UserView {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        organization: OrganizationView {
            id: organization.id,
            name: organization.name,
        },
        is_portal_organizer: user.is_portal_organizer,
        email_verified: user.email_verified,
        organization_verified: user.organization_verified,
    }
}

fn auth_response(
    user: User,
    organization: Organization,
    tokens: sessions::IssuedTokens,
) -> AuthResponse {
    AuthResponse {
        user: user_view(user, organization),
        access_token: tokens.access_token,
        token_type: "Bearer",
        expires_in: tokens.expires_in,
        refresh_token: tokens.refresh_token,
    }
}

/// Creates an account in the given organization and logs it in. Throttled per client address:
/// sign-ups, and failed sign-ups (see the README, "Behind a reverse proxy, and at a venue").
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, body = AuthResponse),
        (status = 400, description = "`invalid_email`, `weak_password`, `invalid_display_name`, \
            `invalid_organization`", body = crate::error::ErrorBody),
        (status = 403, description = "`password_sign_in_off`: this portal signs people in \
            through its providers only", body = crate::error::ErrorBody),
        (status = 409, description = "`email_taken`", body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody),
    )
)]
#[post("/auth/register")]
pub async fn register(
    client: ClientAddress,
    state: web::Data<AppState>,
    body: crate::http::Json<RegisterRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let sign_up = SignUp {
        email: body.email,
        password: body.password,
        display_name: body.display_name,
        organization: body.organization,
        portal_organizer: false,
    };
    let app = state.clone();
    let (user, organization, tokens) =
        accounts::sign_up(&state, client, sign_up, move |conn, user| {
            sessions::start(conn, &app.tokens, app.session_policy, &user.id)
        })
        .await?;
    let response = auth_response(user, organization, tokens);
    Ok(HttpResponse::Created().json(response))
}

/// Logs in with email and password. Only failures count against the throttles: per account
/// and client address, per account from addresses it has not signed in from, per client.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, description = "`password_sign_in_off`: this portal signs people in \
            through its providers only (portal organizers still may)", body = crate::error::ErrorBody),
        (status = 429, description = "too many attempts", body = crate::error::ErrorBody),
    )
)]
#[post("/auth/login")]
pub async fn login(
    client: ClientAddress,
    state: web::Data<AppState>,
    body: crate::http::Json<LoginRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let (user, organization) =
        accounts::check_credentials(&state, &body.email, body.password, client).await?;
    let app = state.clone();
    let user_id = user.id.clone();
    let tokens = state
        .db
        .write(move |conn| sessions::start(conn, &app.tokens, app.session_policy, &user_id))
        .await?;
    Ok(HttpResponse::Ok().json(auth_response(user, organization, tokens)))
}

/// Trades a refresh token for new tokens. Each refresh token works once; presenting a used
/// one again revokes the session it belongs to.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, body = AuthResponse), (status = 401, body = crate::error::ErrorBody))
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: crate::http::Json<RefreshRequest>,
) -> Result<HttpResponse> {
    let presented = body.into_inner().refresh_token;
    let app = state.clone();
    let response = state
        .db
        .write(move |conn| {
            let (user, tokens) =
                sessions::refresh(conn, &app.tokens, app.session_policy, &presented)?;
            let organization = Organization::find(conn, &user.organization_id)?;
            Ok::<_, Error>(auth_response(user, organization, tokens))
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Ends the caller's session: its access and refresh tokens stop working.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::ErrorBody))
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse> {
    state
        .db
        .write(move |conn| sessions::revoke(conn, &caller.session_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = crate::error::ErrorBody))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse> {
    let user = caller.user;
    let organization_id = user.organization_id.clone();
    let organization = state
        .db
        .run(move |conn| Organization::find(conn, &organization_id))
        .await?;
    Ok(HttpResponse::Ok().json(user_view(user, organization)))
}

/// A password reset link just issued: hand it to the account's owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordResetLink {
    /// The whole link, on the address this request was sent to.
    pub url: String,
    /// The link's path and query, for another public address.
    pub path: String,
    /// When it stops working (UTC): 30 minutes from now.
    pub expires_at: DateTime<Utc>,
}

/// `POST /auth/password-reset`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestPasswordResetRequest {
    /// The account's e-mail.
    pub email: String,
}

/// `POST /auth/password-reset/confirm`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsePasswordResetRequest {
    /// The `token` of the reset link.
    pub token: String,
    /// The new password, at least 10 characters.
    #[schema(min_length = 10)]
    pub password: String,
}

/// Issues a one-time password reset link for the account (portal organizers). It works once,
/// for 30 minutes, replaces the account's earlier unused links, and using it ends every
/// session of the account (web sign-ins, API log-ins, personal tokens).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "user id")),
    responses(
        (status = 201, body = PasswordResetLink),
        (status = 401, body = crate::error::ErrorBody),
        (status = 403, description = "not a portal organizer", body = crate::error::ErrorBody),
        (status = 404, description = "unknown user", body = crate::error::ErrorBody),
    )
)]
#[post("/users/{id}/password-reset")]
pub async fn issue_password_reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let link = password_reset::issue_for(&state, &caller.user, &id.into_inner()).await?;
    let info = req.connection_info();
    let path = link.path();
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(PasswordResetLink {
            url: format!("{}://{}{path}", info.scheme(), info.host()),
            path,
            expires_at: link.expires_at.and_utc(),
        }))
}

/// Mails a one-time password reset link (30 minutes) to the address, if an account has it and
/// mail is on. The answer is 202 either way, and comes before the account is looked up, so it
/// tells nothing about which addresses have accounts. Throttled per client (429) and per
/// address (past its budget nothing more is mailed for a while; the answer is the same).
#[utoipa::path(
    tag = "auth",
    request_body = RequestPasswordResetRequest,
    responses(
        (status = 202, description = "accepted: a link is mailed if an account has the address"),
        (status = 429, body = crate::error::ErrorBody),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_password_reset(
    client: ClientAddress,
    state: web::Data<AppState>,
    body: crate::http::Json<RequestPasswordResetRequest>,
) -> Result<HttpResponse> {
    password_reset::request_by_mail(&state, client, &body.email)?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with a reset link's token (mailed, or issued by an organizer) and ends
/// every session of the account. Throttled like a sign-in: an unknown, used or expired token
/// counts against the client.
#[utoipa::path(
    tag = "auth",
    request_body = UsePasswordResetRequest,
    responses(
        (status = 204, description = "password changed; sign in with it"),
        (status = 400, description = "`weak_password`", body = crate::error::ErrorBody),
        (status = 404, description = "unknown reset link", body = crate::error::ErrorBody),
        (status = 409, description = "`reset_link_used`, `reset_link_expired`", body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn use_password_reset(
    client: ClientAddress,
    state: web::Data<AppState>,
    body: crate::http::Json<UsePasswordResetRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    password_reset::complete(&state, client, body.token, body.password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mails the caller a new link that verifies their e-mail (48 hours, once; their earlier links
/// stop working). Opening it and pressing its button marks the address verified and, if its
/// domain is mapped to an organization, moves the account there. Three requests per account,
/// then one every ten minutes (429).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "a new link is queued to the caller's address"),
        (status = 401, body = crate::error::ErrorBody),
        (status = 409, description = "`email_already_verified`; `mail_off`: the portal sends no \
            mail, so it cannot verify addresses", body = crate::error::ErrorBody),
        (status = 429, body = crate::error::ErrorBody),
    )
)]
#[post("/auth/email-verification")]
pub async fn request_email_verification(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    email_verification::request_again(&state, &caller.user).await?;
    Ok(HttpResponse::Accepted().finish())
}
