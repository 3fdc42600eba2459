//! cohack's portal: configuration, persistence, the HTTP API, and the `cohack` CLI.
//!
//! The path of a request: an edge ([`api`] for JSON, [`web`] for pages, [`live`] sockets,
//! [`cli`]) → an action ([`actions`]: who may do it, the change, and what must follow it) →
//! [`access`] (the authorization rules) → [`models`] (rows and invariants) → [`db`] (a pooled
//! connection on the blocking pool). [`error::Error`] is mapped to a status and a stable code in
//! one place. `ARCHITECTURE.md` at the repository root draws the layers and the allowed imports.

pub mod access;
pub mod actions;
pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod export;
pub mod http;
pub mod insights;
pub mod judge;
pub mod live;
pub mod mail;
pub mod models;
pub mod outbox;
pub mod scoring;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
pub mod webhooks;
