//! The [`AuthUser`] extractor: a verified access token whose session is still live, or a
//! personal token ([`personal_tokens`], `cohack_pat_…`) that still works.
//!
//! The token comes from `Authorization: Bearer …` or, on a WebSocket upgrade only (browsers
//! cannot set headers on a WebSocket), an `access_token` query parameter. Anywhere else a
//! token in the query string is refused (401): addresses end up in browser histories, proxy
//! logs and `Referer` headers, so a client that puts one there is told to stop rather than
//! served. The request log redacts such parameters either way ([`crate::http::redact`]).

use std::{future::Future, pin::Pin};

use actix_web::{
    FromRequest, HttpRequest,
    dev::Payload,
    http::{
        Method,
        header::{AUTHORIZATION, UPGRADE},
    },
    web,
};

use crate::{
    auth::{personal_tokens, sessions},
    error::Error,
    models::user::User,
    state::AppState,
};

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

/// The query parameter a browser's WebSocket carries its access token in.
pub const QUERY_TOKEN: &str = "access_token";

/// Whether `req` asks to become a WebSocket (`GET` with `Upgrade: websocket`): the one kind of
/// request on which a browser cannot send an `Authorization` header.
pub fn is_websocket_upgrade(req: &HttpRequest) -> bool {
    req.method() == Method::GET
        && req
            .headers()
            .get(UPGRADE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("websocket"))
}

/// The `access_token` query parameter, if the request has one.
fn query_token(req: &HttpRequest) -> Option<String> {
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(key, _)| key == QUERY_TOKEN)
        .map(|(_, value)| value.into_owned())
}

/// The token the request presents: `Ok(None)` when it presents none, 401 when it carries one
/// in the query string of anything but a WebSocket upgrade.
fn presented_token(req: &HttpRequest) -> Result<Option<String>, Error> {
    let from_query = query_token(req);
    if from_query.is_some() && !is_websocket_upgrade(req) {
        return Err(Error::Unauthorized(format!(
            "an access token in the query string (`{QUERY_TOKEN}=`) is accepted only on \
             WebSocket upgrades, where browsers cannot send headers; send it as \
             `Authorization: Bearer …`"
        )));
    }
    if let Some(header) = req.headers().get(AUTHORIZATION) {
        let bearer = header.to_str().ok().and_then(|value| {
            let (scheme, token) = value.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| token.trim().to_owned())
        });
        return Ok(bearer);
    }
    Ok(from_query)
}

async fn authenticate(state: web::Data<AppState>, token: String) -> Result<AuthUser, Error> {
    if personal_tokens::is_personal(&token) {
        return authenticate_personal(state, token).await;
    }
    let claims = state.tokens.verify(&token)?;
    let session_id = claims.sid.clone();
    let user = state
        .db
        .run(move |conn| sessions::user_of_live_session(conn, &claims.sid, &claims.sub))
        .await?;
    Ok(AuthUser { user, session_id })
}

/// A personal token acts as its user in its own session, like an access token does.
async fn authenticate_personal(
    state: web::Data<AppState>,
    token: String,
) -> Result<AuthUser, Error> {
    let (user, session_id, touch) = state
        .db
        .run(move |conn| personal_tokens::authenticate(conn, &token))
        .await?;
    if let Some(id) = touch {
        state
            .db
            .write(move |conn| personal_tokens::touch(conn, &id))
            .await?;
    }
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
        let token = presented_token(req);
        let state = app_state(req);
        Box::pin(async move {
            let token = token?.ok_or_else(|| {
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
        let token = presented_token(req);
        let state = app_state(req);
        Box::pin(async move {
            match token? {
                None => Ok(MaybeUser(None)),
                Some(token) => Ok(MaybeUser(Some(authenticate(state?, token).await?))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn query_tokens_are_read_on_websocket_upgrades_only() {
        let upgrade = TestRequest::get()
            .uri("/api/v1/teams/t/ws?access_token=abc%2Bdef")
            .insert_header((UPGRADE, "WebSocket"))
            .to_http_request();
        assert!(is_websocket_upgrade(&upgrade));
        assert_eq!(presented_token(&upgrade).ok(), Some(Some("abc+def".into())));

        for request in [
            TestRequest::get().uri("/api/v1/events?access_token=abc"),
            TestRequest::post()
                .uri("/api/v1/events?access_token=abc")
                .insert_header((UPGRADE, "websocket")),
            TestRequest::get()
                .uri("/api/v1/events?access_token=abc")
                .insert_header((AUTHORIZATION, "Bearer xyz")),
        ] {
            let request = request.to_http_request();
            assert!(matches!(
                presented_token(&request),
                Err(Error::Unauthorized(message)) if message.contains("WebSocket")
            ));
        }

        let header = TestRequest::get()
            .uri("/api/v1/events?other=1")
            .insert_header((AUTHORIZATION, "Bearer xyz"))
            .to_http_request();
        assert_eq!(presented_token(&header).ok(), Some(Some("xyz".into())));
        let none = TestRequest::get().uri("/api/v1/events").to_http_request();
        assert_eq!(presented_token(&none).ok(), Some(None));
    }
}
