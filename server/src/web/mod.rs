//! The web UI: pages rendered on the server (askama templates, `server/templates/`), forms
//! that post, and page scripts (bundled from `web/` at build time) that make the live parts
//! live over the same WebSockets and JSON API that other clients use.
//!
//! - [`assets`]: the embedded scripts and styles, served with content-hashed URLs.
//! - [`charts`]: charts drawn on the server as SVG (bars, strips, heatmaps, time).
//! - [`context`]: [`PageContext`], what every page handler starts from: the signed-in user
//!   (from the HttpOnly session cookie), the CSRF token, and rendering.
//! - [`security`]: the Content-Security-Policy and other headers, and the error pages.
//! - [`markdown`]: user-written Markdown to sanitized HTML.
//! - [`time`]: how pages show a time (UTC named, then the reader's zone in the browser).
//! - [`pages`]: one module per area (accounts, events, workspace, board, coach, author,
//!   organizer).
//!
//! Handlers stay thin as in the API: parse the form, call the same domain function the API
//! calls, render or redirect (303, so that reloading never re-posts).

pub mod assets;
pub mod charts;
pub mod context;
pub mod markdown;
pub mod pages;
pub mod security;
pub mod time;

pub use context::PageContext;

use actix_web::web;

/// Registers every page and the assets. Call last: the page scope also renders the HTML
/// "not found" page for browsers.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::serve_asset);
    pages::configure(cfg);
}
