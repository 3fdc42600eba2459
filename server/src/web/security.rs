//! Headers that protect every response, and error pages for browsers.
//!
//! The Content-Security-Policy allows scripts, styles and connections from this origin only:
//! no inline script or style, no `eval`, no framing (`frame-ancestors 'none'`), forms posting
//! only here. Pages are written to need nothing more (no `style` attributes; scripts set
//! styles through the CSSOM, which the policy permits).

use actix_web::{
    Error as ActixError, FromRequest, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, StatusCode, header},
    middleware::{DefaultHeaders, Next},
};
use askama::Template;

use crate::{
    error::Error,
    web::{PageContext, context::Chrome},
};

/// The policy sent with every response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers for every response (added where a handler did not set its own).
pub fn headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    heading: &'static str,
    message: String,
}

/// Middleware of the page scope: a browser that meets an error gets a page, not JSON. A
/// signed-out visitor of a page that needs an account is sent to sign in and brought back.
pub async fn html_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, ActixError> {
    let wants_html = !req.path().starts_with("/api/")
        && !req.path().starts_with("/assets/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    let is_get = req.method() == Method::GET;
    let here = match req.query_string() {
        "" => req.path().to_owned(),
        query => format!("{}?{query}", req.path()),
    };
    let response = next.call(req).await?.map_into_boxed_body();
    if !wants_html {
        return Ok(response);
    }
    let Some(error) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<Error>())
    else {
        return Ok(response);
    };
    if is_get && matches!(error, Error::Unauthorized(_)) {
        let target = format!("/signin?next={}", urlencode(&here));
        let redirect = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, target))
            .finish();
        let (request, _) = response.into_parts();
        return Ok(ServiceResponse::new(request, redirect));
    }
    use actix_web::ResponseError as _;
    // The JSON rendering logs internal causes; rendering it keeps that in one place.
    let fallback = error.error_response();
    let status = error.status_code();
    let message = error.to_string();
    let (request, _) = response.into_parts();
    // The page around the error shows who is signed in, as every other page does.
    let page = match PageContext::extract(&request).await {
        Ok(ctx) => {
            let heading = heading_of(status);
            let page = ErrorPage {
                chrome: ctx.chrome(heading, &[]),
                status: status.as_u16(),
                heading,
                message,
            };
            match ctx.render_with_status(status, &page) {
                Ok(mut html) => {
                    if let Some(retry) = fallback.headers().get(header::RETRY_AFTER) {
                        html.headers_mut()
                            .insert(header::RETRY_AFTER, retry.clone());
                    }
                    html
                }
                Err(_) => fallback,
            }
        }
        Err(_) => fallback,
    };
    Ok(ServiceResponse::new(request, page))
}

fn heading_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNAUTHORIZED => "Please sign in",
        StatusCode::CONFLICT => "That did not work",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_client_error() => "That did not work",
        _ => "Something went wrong",
    }
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
