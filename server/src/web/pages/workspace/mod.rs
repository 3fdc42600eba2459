//! A team's workspace (`/teams/{id}`): the team and its invite link, the challenge ladder
//! with the selected challenge's statement and materials, the submit panel, and the places
//! `workspace.js` fills live (collaborative editor, chat, presence, activity, help calls,
//! announcements) over the team channel and document sockets.
//!
//! Routes:
//! - `GET /teams/{id}` (`?challenge=` selects a challenge, `?submission=` opens a submission
//!   of the team in the main column: what was sent, by whom, when, and its verdict);
//! - `POST /teams/{id}/submit`: the form without JavaScript (a short answer), redirecting
//!   back with the verdict;
//! - `GET /teams/{id}/materials/{challenge}/{path}`: one file of the team's materials, as a
//!   download;
//! - `GET /teams/{id}/submissions/{sid}/files/{path}`: one file of a submission, as a
//!   download;
//! - `POST /teams/{id}/endpoints` and `POST /teams/{id}/endpoints/{name}/remove`: the
//!   Endpoints panel's forms without JavaScript;
//! - `POST /teams/{id}/feedback` and `POST /teams/{id}/notes`: members' feedback and
//!   coaches' notes on the selected challenge;
//! - `POST /teams/{id}/questions`: a member asks about the selected challenge;
//! - `POST /teams/{id}/challenges/{challenge}/hints/{n}/unlock`: a member unlocks a hint of
//!   the selected challenge (`hints`: the panel under the statement);
//! - `POST /teams/{id}/challenges/{challenge}/open`: a coach or an organizer opens a locked
//!   challenge for the team without the solve before it (`openings`: the form above a locked
//!   challenge; the coach's guide shows beside the statement to them);
//! - `POST /teams/{id}/rename` and `POST /teams/{id}/leave`: a member renames the team, or
//!   leaves it;
//! - `POST /teams/{id}/location`: a member (or an organizer) says where the team sits, while
//!   the event gives rewards (`location`: the panel in the header).
//!
//! Members, assigned coaches and the event's organizers see the page; anyone else gets the
//! same 404 as the API.
//!
//! Modules, one job each: `page` reads and renders the workspace from the view-models of
//! `view`; `submit` is the form without JavaScript; `endpoints` is the Endpoints panel and
//! its forms; `materials` and `files` serve the downloads of materials and of submitted
//! files; `observations` is the feedback and notes panel and its forms; `team` is the team's
//! own administration (rename, leave); `clock` is the schedule the clock counts down to.

mod clock;
mod endpoints;
mod files;
mod hints;
mod location;
mod materials;
mod observations;
mod openings;
mod page;
mod questions;
mod submit;
mod survey;
mod team;
mod view;

use actix_web::web;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page::workspace_page)
        .service(submit::submit_form)
        .service(materials::download_material)
        .service(endpoints::set_endpoint)
        .service(endpoints::remove_endpoint)
        .service(files::download_submitted_file)
        .service(observations::give_feedback)
        .service(observations::write_note)
        .service(questions::ask_question)
        .service(hints::unlock_hint)
        .service(openings::open_challenge)
        .service(team::rename_team)
        .service(team::leave_team)
        .service(location::set_location)
        .service(survey::answer_survey)
        .service(survey::dismiss_survey);
}
