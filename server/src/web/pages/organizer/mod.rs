//! The organizer's page (`/events/{slug}/manage`, the event's organizers only): event
//! settings, roles (grant author or engineer by email, revoke; staff listed, participants on
//! search), teams with their members and coaches (search and filters, one coach for many
//! teams, rename, remove, move, merge, delete), announcements (post, edit, delete), the ladder
//! (titles, always-open, order, a confirmed rejudge), the live view of every team (progress on
//! the ladder and raised hands, made live by `staff.js` over the event channel as staff), the
//! cliffs report and the results export.
//!
//! Every form posts with the hidden `csrf` field and answers with a 303 back to the page at
//! the place it was (`?done=…#team-…`); a refused change shows the page again with the
//! reason. With JavaScript, `staff.js` posts the same forms with `fetch` and swaps in the
//! parts of the page that changed, so the organizer never loses the place.
//!
//! Modules, one job each:
//! - `data`: what the page reads, in one database call;
//! - `filters`: the query that narrows the teams and the roles;
//! - `page`: the page itself, its rows built from what was read;
//! - `forms`: settings, roles, coaches and announcements, each answered by a redirect or the
//!   page with the reason;
//! - `team_forms`: team administration and one coach for many teams;
//! - `ladder_forms`: the ladder's titles, order and rejudges;
//! - `progress`: the JSON the live view re-renders from;
//! - `downloads`: the cliffs report and the results as files.

mod data;
mod downloads;
mod filters;
mod forms;
mod ladder_forms;
mod page;
mod progress;
mod team_forms;

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
        .service(forms::edit_announcement)
        .service(forms::delete_announcement)
        .service(team_forms::assign_coach_to_many)
        .service(team_forms::rename_team)
        .service(team_forms::set_alias)
        .service(team_forms::set_bracket)
        .service(team_forms::set_location)
        .service(team_forms::remove_member)
        .service(team_forms::move_member)
        .service(team_forms::merge_teams)
        .service(team_forms::delete_team)
        .service(ladder_forms::save_rung)
        .service(ladder_forms::move_rung)
        .service(ladder_forms::rejudge_rung)
        .service(ladder_forms::set_reward)
        .service(downloads::cliffs_csv)
        .service(downloads::cliffs_markdown)
        .service(downloads::results_csv);
}
