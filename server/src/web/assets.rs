//! The browser code and styles bundled by `server/build.rs`, embedded in the binary.
//!
//! Pages refer to them as `/assets/{name}?v={hash}`: the hash changes with the content, so
//! responses can be cached for a year without ever serving a stale script.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};

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
    /// The content gzipped at build time, when that makes it smaller.
    pub gzip: Option<&'static [u8]>,
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

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not refused with `q=0`).
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// `GET /assets/{name}`: the file, gzipped for clients that take it.
#[get("/assets/{name}")]
pub async fn serve_asset(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse> {
    let asset = find(&name).ok_or(Error::NotFound("asset"))?;
    let mut response = HttpResponse::Ok();
    response
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::ETAG, format!("\"{}\"", asset.hash)))
        .insert_header((header::VARY, "Accept-Encoding"));
    Ok(match asset.gzip {
        Some(packed) if accepts_gzip(&req) => response
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(packed),
        _ => response.body(asset.body),
    })
}
