//! The organizer's page (`/events/{slug}/manage`, the event's organizers only): event
//! settings, roles (grant author or engineer by email, revoke), teams with their members and
//! coaches (assign, remove), announcements, the live view of every team (progress on the
//! ladder and raised hands, made live by `staff.js` over the event channel as staff), the
//! cliffs report and the results export.
//!
//! Every form posts with the hidden `csrf` field and answers with a 303 back to the page
//! (`?done=…` says what happened); a refused change shows the page again with the reason.
//!
//! Modules, one job each:
//! - `data`: what the page reads, in one database call;
//! - `page`: the page itself, its rows built from what was read;
//! - `forms`: the forms it posts, each answered by a redirect or the page with the reason;
//! - `progress`: the JSON the live view re-renders from;
//! - `downloads`: the cliffs report and the results as files.

mod data;
mod downloads;
mod forms;
mod page;
mod progress;

use actix_web::web;

pub use page::HelpRow;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page::manage_page)
        .service(progress::progress)
        .service(forms::update_settings)
        .service(forms::grant_role)
        .service(forms::revoke_role)
        .service(forms::assign_coach)
        .service(forms::remove_coach)
        .service(forms::post_announcement)
        .service(downloads::cliffs_csv)
        .service(downloads::cliffs_markdown)
        .service(downloads::results_csv);
}
