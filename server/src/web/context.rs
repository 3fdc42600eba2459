//! [`PageContext`]: what a page handler knows about the browser asking — the signed-in user
//! (from the HttpOnly `cohack_session` cookie), the CSRF token of its forms — and how it
//! answers: a rendered page, or a 303 redirect after a form.
//!
//! CSRF protection is a double-submit token: a random value in an HttpOnly, `SameSite=Strict`
//! cookie (`cohack_csrf`) that every form repeats in a hidden field (scripts send it as
//! `X-CSRF-Token`); a post is accepted only when the two match and its `Origin`, when sent, is
//! this site. The session cookie itself is `SameSite=Lax`, so a shared link opens signed in.

use std::{future::Future, pin::Pin};

use actix_web::{
    FromRequest, HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    dev::Payload,
    http::{StatusCode, header},
    web,
};
use askama::Template;

use crate::{
    auth::{
        AuthUser,
        sessions::random_token,
        web_sessions::{self, StartedWebSession},
    },
    error::{Error, Result},
    models::team::Team,
    state::AppState,
    web::assets,
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "cohack_session";
/// The CSRF cookie.
pub const CSRF_COOKIE: &str = "cohack_csrf";
/// The header scripts send the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The browser's standing, resolved once per request.
pub struct PageContext {
    /// The signed-in user, if any.
    pub user: Option<AuthUser>,
    /// Whether the signed-in user coaches a team (the navigation then links to `/coach`).
    pub is_coach: bool,
    /// The CSRF token forms must repeat.
    pub csrf: String,
    /// Whether `csrf` is new and must be set as a cookie with the response.
    csrf_is_new: bool,
    /// Whether the browser reached us over TLS (cookies are then `Secure`).
    secure: bool,
    /// The page's path and query, to come back to after signing in.
    path: String,
    /// Whether the request's `Origin`, when the browser sent one, is this site.
    origin_ok: bool,
    state: web::Data<AppState>,
}

/// What the shared layout (`base.html`) shows around every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The page title.
    pub title: String,
    /// The signed-in user's name, if any.
    pub user_name: Option<String>,
    /// Whether the signed-in user organizes the portal.
    pub portal_organizer: bool,
    /// Whether the signed-in user coaches a team.
    pub is_coach: bool,
    /// The CSRF token (forms, and a `<meta>` for scripts).
    pub csrf: String,
    /// The stylesheet's URL.
    pub stylesheet: String,
    /// The icon's URL.
    pub icon: String,
    /// The page's scripts (module URLs).
    pub scripts: Vec<String>,
    /// A short-lived access token for the page's live channels, on pages that have them.
    pub access_token: Option<String>,
    /// The current path (sign-in links come back here).
    pub path: String,
}

impl PageContext {
    /// The application state.
    pub fn state(&self) -> &web::Data<AppState> {
        &self.state
    }

    /// The signed-in user, or a 401 (which the page layer turns into a redirect to sign in).
    pub fn require_user(&self) -> Result<&AuthUser> {
        self.user
            .as_ref()
            .ok_or_else(|| Error::Unauthorized("sign in to see this page".into()))
    }

    /// Checks a form's (or a script's) CSRF token and the request's origin.
    pub fn verify_csrf(&self, presented: &str) -> Result<()> {
        if !self.origin_ok {
            return Err(Error::forbidden(
                "csrf_failed",
                "cross-site form posts are refused",
            ));
        }
        if self.csrf_is_new
            || !crate::auth::constant_time_eq(presented.as_bytes(), self.csrf.as_bytes())
        {
            return Err(Error::forbidden(
                "csrf_failed",
                "this form has expired: reload the page and try again",
            ));
        }
        Ok(())
    }

    /// The layout's data for a page called `title`, with the given page scripts.
    pub fn chrome(&self, title: impl Into<String>, scripts: &[&str]) -> Chrome {
        Chrome {
            title: title.into(),
            user_name: self.user.as_ref().map(|u| u.user.display_name.clone()),
            portal_organizer: self
                .user
                .as_ref()
                .is_some_and(|u| u.user.is_portal_organizer),
            is_coach: self.is_coach,
            csrf: self.csrf.clone(),
            stylesheet: assets::url("app.css"),
            icon: assets::url("favicon.svg"),
            scripts: scripts.iter().map(|name| assets::url(name)).collect(),
            access_token: None,
            path: self.path.clone(),
        }
    }

    /// Like [`Self::chrome`], with an access token for the page's live channels.
    pub fn live_chrome(&self, title: impl Into<String>, scripts: &[&str]) -> Result<Chrome> {
        let mut chrome = self.chrome(title, scripts);
        chrome.access_token = self.access_token()?;
        Ok(chrome)
    }

    /// A fresh access token for the signed-in user's session (none when signed out).
    pub fn access_token(&self) -> Result<Option<String>> {
        self.user
            .as_ref()
            .map(|u| self.state.tokens.issue(u.id(), &u.session_id))
            .transpose()
    }

    /// Answers 200 with a rendered page.
    pub fn render(&self, page: &impl Template) -> Result<HttpResponse> {
        self.render_with_status(StatusCode::OK, page)
    }

    /// Answers `status` with a rendered page (a form shown again with its error, say).
    pub fn render_with_status(
        &self,
        status: StatusCode,
        page: &impl Template,
    ) -> Result<HttpResponse> {
        let html = page.render().map_err(Error::internal)?;
        let mut response = HttpResponse::build(status);
        response
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if self.csrf_is_new {
            response.cookie(self.csrf_cookie(self.csrf.clone()));
        }
        Ok(response.body(html))
    }

    /// Answers a form with a 303 to `location` (a reload then does not post again).
    pub fn redirect(&self, location: &str) -> HttpResponse {
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish()
    }

    /// Signs the browser in: sets the session cookie and a new CSRF token, then redirects.
    pub fn sign_in(&self, started: &StartedWebSession, location: &str) -> Result<HttpResponse> {
        let ttl = self.state.session_policy.refresh_ttl;
        let session = Cookie::build(SESSION_COOKIE, started.cookie_token.clone())
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(CookieDuration::seconds(
                i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
            ))
            .finish();
        Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .cookie(session)
            .cookie(self.csrf_cookie(random_token()?))
            .finish())
    }

    /// Signs the browser out (ends its session, clears the cookie), then sends it to `location` (the home page, or a provider's
    /// sign-out page).
    pub async fn sign_out_to(&self, req: &HttpRequest, location: &str) -> Result<HttpResponse> {
        if let Some(cookie) = req.cookie(SESSION_COOKIE) {
            let token = cookie.value().to_owned();
            self.state
                .db
                .write(move |conn| web_sessions::end(conn, &token))
                .await?;
        }
        let mut gone = Cookie::build(SESSION_COOKIE, "")
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .finish();
        gone.make_removal();
        Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .cookie(gone)
            .finish())
    }

    fn csrf_cookie(&self, value: String) -> Cookie<'static> {
        Cookie::build(CSRF_COOKIE, value)
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Strict)
            .finish()
    }
}

/// Where to go after signing in: a path on this site, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && !next.chars().any(char::is_control) =>
        {
            next.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Whether a cookie's value has the shape of the random tokens cohack sets (anything else is
/// ignored before it reaches the database).
pub(crate) fn is_token_shaped(value: &str) -> bool {
    (20..=100).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl FromRequest for PageContext {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let session = req
            .cookie(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| is_token_shaped(v));
        let csrf = req
            .cookie(CSRF_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|v| is_token_shaped(v));
        let info = req.connection_info().clone();
        let secure = info.scheme() == "https";
        let origin = format!("{}://{}", info.scheme(), info.host());
        let origin_ok = match req.headers().get(header::ORIGIN) {
            None => true,
            Some(sent) => sent.to_str().is_ok_and(|o| o == origin),
        };
        let path = match req.query_string() {
            "" => req.path().to_owned(),
            query => format!("{}?{query}", req.path()),
        };
        Box::pin(async move {
            let state = state
                .ok_or_else(|| Error::internal(anyhow::anyhow!("application state missing")))?;
            let (user, is_coach) = match session {
                None => (None, false),
                Some(token) => {
                    state
                        .db
                        .run(move |conn| {
                            let Some((user, session_id)) = web_sessions::resolve(conn, &token)?
                            else {
                                return Ok((None, false));
                            };
                            let is_coach = Team::coaches_any(conn, &user.id)?;
                            Ok::<_, Error>((Some(AuthUser { user, session_id }), is_coach))
                        })
                        .await?
                }
            };
            let (csrf, csrf_is_new) = match csrf {
                Some(csrf) => (csrf, false),
                None => (random_token()?, true),
            };
            Ok(Self {
                origin_ok,
                user,
                is_coach,
                csrf,
                csrf_is_new,
                secure,
                path,
                state,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/teams/abc?x=1")), "/teams/abc?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/a\nb")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
