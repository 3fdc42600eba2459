//! The [`AuthUser`] extractor: a verified access token whose session is still live.
//!
//! The token comes from `Authorization: Bearer …` or, for WebSockets (browsers cannot set
//! headers on them), an `access_token` query parameter.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header::AUTHORIZATION, web};

use crate::{auth::sessions, error::Error, models::user::User, state::AppState};

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct AuthUser {
    /// The account.
    pub user: User,
    /// The session the access token belongs to.
    pub session_id: String,
}

impl AuthUser {
    /// The caller's user id.
    pub fn id(&self) -> &str {
        &self.user.id
    }
}

/// The caller if a valid token was sent, `None` if none was; an invalid token is still a 401.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

fn bearer_token(req: &HttpRequest) -> Option<String> {
    if let Some(header) = req.headers().get(AUTHORIZATION) {
        let value = header.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("access_token").cloned())
}

async fn authenticate(state: web::Data<AppState>, token: String) -> Result<AuthUser, Error> {
    let claims = state.tokens.verify(&token)?;
    let session_id = claims.sid.clone();
    let user = state
        .db
        .run(move |conn| sessions::user_of_live_session(conn, &claims.sid, &claims.sub))
        .await?;
    Ok(AuthUser { user, session_id })
}

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, Error> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| Error::internal(anyhow::anyhow!("application state missing")))
}

impl FromRequest for AuthUser {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = app_state(req);
        Box::pin(async move {
            let token = token.ok_or_else(|| {
                Error::Unauthorized("missing access token (Authorization: Bearer …)".into())
            })?;
            authenticate(state?, token).await
        })
    }
}

impl FromRequest for MaybeUser {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = app_state(req);
        Box::pin(async move {
            match token {
                None => Ok(MaybeUser(None)),
                Some(token) => Ok(MaybeUser(Some(authenticate(state?, token).await?))),
            }
        })
    }
}
