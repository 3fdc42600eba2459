//! The browser code and styles bundled by `server/build.rs`, embedded in the binary.
//!
//! Pages refer to them as `/assets/{name}?v={hash}`: the hash changes with the content, so
//! responses can be cached for a year without ever serving a stale script.

use actix_web::{HttpResponse, get, http::header, web};

use crate::error::{Error, Result};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The file name, e.g. `workspace.js`.
    pub name: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Twelve hex digits of its SHA-256.
    pub hash: &'static str,
    /// The content.
    pub body: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// The embedded file called `name`.
pub fn find(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|asset| asset.name == name)
}

/// The cache-busting URL of an asset (`/assets/app.css?v=…`).
pub fn url(name: &str) -> String {
    match find(name) {
        Some(asset) => format!("/assets/{}?v={}", asset.name, asset.hash),
        None => format!("/assets/{name}"),
    }
}

/// `GET /assets/{name}`.
#[get("/assets/{name}")]
pub async fn serve_asset(name: web::Path<String>) -> Result<HttpResponse> {
    let asset = find(&name).ok_or(Error::NotFound("asset"))?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::ETAG, format!("\"{}\"", asset.hash)))
        .body(asset.body))
}
