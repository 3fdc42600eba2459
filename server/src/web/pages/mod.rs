//! The pages, one module per area. Addresses fixed by issue #7 (shared links depend on
//! them): `/`, `/events/{slug}`, `/events/{slug}/board`, `/teams/{id}`.
//!
//! | address | module | who |
//! |---|---|---|
//! | `/`, `/events/new`, `/events/{slug}` (+ `/register`, `/teams`) | [`events`] | everyone |
//! | `/signin`, `/signup`, `/signout`, `/setup`, `/session/token` | [`accounts`] | everyone |
//! | `/auth/oidc/{id}` (+ `/callback`, `/backchannel-logout`), `/account` | [`oidc`] | everyone; the provider; signed-in users |
//! | `/reset-password?token=…` | [`reset`] | whoever holds a reset link |
//! | `/verify-email?token=…`, `/account/email-verification` | [`verify_email`] | whoever holds a verification link; signed-in users |
//! | `/account/tokens` | [`tokens`] | signed-in users |
//! | `/people` | [`people`] | portal organizers |
//! | `/teams/{id}` (+ `/join`, `/submit`, …) | [`workspace`] | members, coaches, organizers |
//! | `/events/{slug}/board` | [`board`] | everyone (the big screen) |
//! | `/coach` | [`coach`] | coaches |
//! | `/questions/…` (the queue's part and forms) | [`questions`] | coaches, organizers |
//! | `/events/{slug}/progress` | [`progress`] | coaches (their teams), organizers |
//! | `/events/{slug}/rewards`, `/rewards/{id}/delivered` | [`rewards`] | runners, organizers |
//! | `/events/{slug}/author` | [`author`] | authors, organizers |
//! | `/events/{slug}/manage` | [`organizer`] | organizers |
//! | `/events/{slug}/report` (+ `/download`) | [`report`] | organizers; authors (their challenges) |
//!
//! [`exchanges`] is shared: a run's exchanges as the workspace and the author's page show
//! them.

pub mod accounts;
pub mod author;
pub mod board;
pub mod coach;
pub mod data_rights;
pub mod events;
pub mod exchanges;
pub mod hint_unlocks;
pub mod mail;
pub mod oidc;
pub mod organizer;
pub mod people;
pub mod progress;
pub mod questions;
pub mod report;
pub mod reset;
pub mod rewards;
pub mod sign_offs;
pub mod tokens;
pub mod verify_email;
pub mod workspace;

use actix_web::{middleware::from_fn, web};

use crate::web::security;

/// Registers the pages inside one scope whose errors render as pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("")
            .wrap(from_fn(security::html_errors))
            .configure(accounts::configure)
            .configure(oidc::configure)
            .configure(data_rights::configure)
            .configure(reset::configure)
            .configure(verify_email::configure)
            .configure(mail::configure)
            .configure(tokens::configure)
            .configure(people::configure)
            .configure(events::configure)
            .configure(workspace::configure)
            .configure(board::configure)
            .configure(coach::configure)
            .configure(questions::configure)
            .configure(sign_offs::configure)
            .configure(rewards::configure)
            .configure(progress::configure)
            .configure(author::configure)
            .configure(organizer::configure)
            .configure(report::configure),
    );
}
