//! Creating an event (`/events/new`, portal organizers only): the form, and the page again
//! with the reason when the settings are refused.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use crate::{
    actions::events,
    api::events::CreateEventRequest,
    error::{Error, Result},
    web::{PageContext, context::Chrome},
};

use super::form::EventForm;

#[derive(Template)]
#[template(path = "event_new.html")]
struct NewEventPage {
    chrome: Chrome,
    error: Option<String>,
    values: EventForm,
}

#[get("/events/new")]
pub(super) async fn new_event_form(ctx: PageContext) -> Result<HttpResponse> {
    let user = ctx.require_user()?;
    if !user.user.is_portal_organizer {
        return Err(Error::Forbidden(
            "only the portal's organizers create events".into(),
        ));
    }
    ctx.render(&NewEventPage {
        chrome: ctx.chrome("New event", &["times.js"]),
        error: None,
        values: EventForm {
            registration: "open".into(),
            team_size_min: "1".into(),
            team_size_max: "5".into(),
            ..EventForm::default()
        },
    })
}

#[post("/events/new")]
pub(super) async fn create_event(
    ctx: PageContext,
    form: web::Form<EventForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let form = form.into_inner();
    let created = match form
        .create_request()
        .and_then(CreateEventRequest::into_settings)
    {
        Ok((settings, options, brackets)) => {
            events::create(ctx.state(), &user, settings, options, brackets).await
        }
        Err(e) => Err(e),
    };
    match created {
        Ok(standing) => Ok(ctx.redirect(&format!("/events/{}", standing.access.event.slug))),
        Err(
            error @ (Error::BadRequest { .. }
            | Error::Conflict { .. }
            | Error::Unprocessable { .. }),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            ctx.render_with_status(
                status,
                &NewEventPage {
                    chrome: ctx.chrome("New event", &["times.js"]),
                    error: Some(error.to_string()),
                    values: form,
                },
            )
        }
        Err(other) => Err(other),
    }
}
