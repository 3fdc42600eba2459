//! The portal's events (`/`), an event's public page (`/events/{slug}`) with registration and
//! team forming, joining a team through its invite link, and creating an event.
//!
//! Modules, one job each:
//! - `home`: the list of events;
//! - `page`: an event's public page, registering and forming a team;
//! - `join`: the invite link's page and joining through it;
//! - `new_event`: creating an event;
//! - `form`: the settings form the new-event and organizer's pages share;
//! - `labels`: how every page words an event's schedule and phase.

mod form;
mod home;
mod join;
mod labels;
mod new_event;
mod page;

use actix_web::web;

pub use form::{EventForm, utc_time};
pub use labels::{Schedule, phase_class, phase_label, schedule};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home::home)
        .service(new_event::new_event_form)
        .service(new_event::create_event)
        .service(page::event_page)
        .service(page::register)
        .service(page::create_team)
        .service(join::join_page)
        .service(join::join_team);
}
