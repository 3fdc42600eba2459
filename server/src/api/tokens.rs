//! Personal API tokens (the caller's own): list, make, revoke. The page `/account/tokens`
//! does the same through [`crate::auth::personal_tokens`].

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::{
        AuthUser,
        personal_tokens::{self, PersonalToken},
    },
    error::{ErrorBody, Result},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tokens)
        .service(create_token)
        .service(revoke_token);
}

/// `POST /tokens`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePersonalTokenRequest {
    /// What the token is for (e.g. "laptop publish"), 1–80 characters.
    #[schema(schema_with = crate::api::schema::text::<80>)]
    pub name: String,
    /// Days until it stops working by itself, 1–366; absent or null: until revoked.
    #[schema(minimum = 1, maximum = 366, nullable)]
    #[serde(default, deserialize_with = "crate::api::whole::optional")]
    pub expires_in_days: Option<u32>,
}

/// A personal token (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonalTokenView {
    /// Identifier (to revoke it).
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it was made (UTC).
    pub created_at: DateTime<Utc>,
    /// When it stops working by itself (UTC); null: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was last used (UTC, to the minute); null: never.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just made, with its secret: shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedPersonalToken {
    /// The token.
    pub token: PersonalTokenView,
    /// Send as `Authorization: Bearer <secret>` (or `COHACK_TOKEN` for the CLI). It is not
    /// stored and cannot be shown again.
    pub secret: String,
}

fn view(token: PersonalToken) -> PersonalTokenView {
    PersonalTokenView {
        id: token.id,
        name: token.name,
        created_at: token.created_at.and_utc(),
        expires_at: token.expires_at.map(|at| at.and_utc()),
        last_used_at: token.last_used_at.map(|at| at.and_utc()),
    }
}

/// The caller's personal tokens, newest first.
#[utoipa::path(
    tag = "tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<PersonalTokenView>),
        (status = 401, body = ErrorBody),
    )
)]
#[get("/tokens")]
pub async fn list_tokens(state: web::Data<AppState>, caller: AuthUser) -> Result<HttpResponse> {
    let user_id = caller.user.id;
    let tokens = state
        .db
        .run(move |conn| personal_tokens::list(conn, &user_id))
        .await?;
    let views: Vec<PersonalTokenView> = tokens.into_iter().map(view).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Makes a personal token: it acts as the caller, with the caller's rights, until it expires
/// or is revoked. The secret is in this answer only.
#[utoipa::path(
    tag = "tokens",
    security(("bearer" = [])),
    request_body = CreatePersonalTokenRequest,
    responses(
        (status = 201, body = CreatedPersonalToken),
        (status = 400, description = "`invalid_token_name`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 409, description = "`too_many_tokens`: 50 live tokens already", body = ErrorBody),
        (status = 422, description = "`invalid_expiry`", body = ErrorBody),
    )
)]
#[post("/tokens")]
pub async fn create_token(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: crate::http::Json<CreatePersonalTokenRequest>,
) -> Result<HttpResponse> {
    let body = body.into_inner();
    let user_id = caller.user.id;
    let created = state
        .db
        .write(move |conn| {
            personal_tokens::create(conn, &user_id, &body.name, body.expires_in_days)
        })
        .await?;
    Ok(HttpResponse::Created().json(CreatedPersonalToken {
        token: view(created.token),
        secret: created.secret,
    }))
}

/// Revokes one of the caller's personal tokens: it stops working at once.
#[utoipa::path(
    tag = "tokens",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "token id")),
    responses(
        (status = 204, description = "revoked"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no such token of the caller's", body = ErrorBody),
    )
)]
#[delete("/tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let (id, user_id) = (id.into_inner(), caller.user.id);
    state
        .db
        .write(move |conn| personal_tokens::revoke(conn, &user_id, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
