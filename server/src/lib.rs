//! cohack's portal: configuration, persistence, the HTTP API, and the `cohack` CLI.
//!
//! The path of a request: [`http`] (routing, extractors, error mapping) → a domain function
//! ([`models`]) → [`db`] (a pooled connection on the blocking pool) → back as JSON, with
//! [`error::Error`] mapped to a status and a stable code in one place. Browsers get the same
//! domain through [`web`]: pages rendered on the server, made live by page scripts.

pub mod access;
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
pub mod models;
pub mod scoring;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
