//! A team's workspace (`/teams/{id}`): the team and its invite link, the challenge ladder
//! with the selected challenge's statement and materials, the submit panel, and the places
//! `workspace.js` fills live (collaborative editor, chat, presence, activity, help calls,
//! announcements) over the team channel and document sockets.
//!
//! Routes:
//! - `GET /teams/{id}` (`?challenge=` selects a challenge, `?submission=` shows a verdict);
//! - `POST /teams/{id}/submit`: the form without JavaScript (a short answer), redirecting
//!   back with the verdict;
//! - `GET /teams/{id}/materials/{challenge}/{path}`: one file of the team's materials, as a
//!   download;
//! - `POST /teams/{id}/endpoints` and `POST /teams/{id}/endpoints/{name}/remove`: the
//!   Endpoints panel's forms without JavaScript.
//!
//! Members, assigned coaches and the event's organizers see the page; anyone else gets the
//! same 404 as the API.
//!
//! Modules, one job each: `page` reads and renders the workspace from the view-models of
//! `view`; `submit` is the form without JavaScript; `endpoints` is the Endpoints panel and
//! its forms; `materials` serves the downloads.

mod endpoints;
mod materials;
mod page;
mod submit;
mod view;

use actix_web::web;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(page::workspace_page)
        .service(submit::submit_form)
        .service(materials::download_material)
        .service(endpoints::set_endpoint)
        .service(endpoints::remove_endpoint);
}
