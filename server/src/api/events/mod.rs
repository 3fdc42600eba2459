//! Events: create and edit them (organizers), read them (anyone), register for them
//! (participants), and grant the per-event roles.
//!
//! Modules, one job each:
//! - `event`: the event endpoints (create, list, read, change);
//! - `registrations`: registering as a participant;
//! - `roles`: granting, revoking and listing roles;
//! - `requests`: the create and change bodies, read into the domain's settings;
//! - `view`: what the event endpoints return.

mod event;
mod registrations;
mod requests;
mod roles;
mod view;

use utoipa_actix_web::service_config::ServiceConfig;

pub use registrations::{RegisterRequest, RegistrationView};
pub use requests::{CreateEventRequest, UpdateEventRequest};
pub use roles::GrantRoleRequest;
pub(crate) use view::utc;
pub use view::{EventMembership, EventView};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(event::create_event)
        .service(event::list_events)
        .service(event::get_event)
        .service(event::update_event)
        .service(registrations::register)
        .service(roles::grant_role)
        .service(roles::revoke_role)
        .service(roles::list_roles);
}
