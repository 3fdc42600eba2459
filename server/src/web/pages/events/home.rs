//! The portal's home (`/`): every event, and a hint to run the set-up when the portal has no
//! organizer yet.

use actix_web::{HttpResponse, get};
use askama::Template;

use crate::{
    auth::accounts,
    error::{Error, Result},
    models::event::Event,
    web::{PageContext, context::Chrome},
};

use super::labels::{Schedule, phase_class, phase_label, schedule};

/// An event in a list.
pub struct EventCard {
    slug: String,
    name: String,
    when: Schedule,
    phase: &'static str,
    phase_class: &'static str,
}

impl EventCard {
    fn of(event: &Event) -> Self {
        Self {
            slug: event.slug.clone(),
            name: event.name.clone(),
            when: schedule(event),
            phase: phase_label(event.phase()),
            phase_class: phase_class(event.phase()),
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    events: Vec<EventCard>,
    needs_setup: bool,
}

#[get("/")]
pub(super) async fn home(ctx: PageContext) -> Result<HttpResponse> {
    let (events, needs_setup) = ctx
        .state()
        .db
        .run(|conn| {
            let events = Event::list(conn)?;
            Ok::<_, Error>((events, !accounts::has_portal_organizer(conn)?))
        })
        .await?;
    ctx.render(&HomePage {
        chrome: ctx.chrome("Events", &["times.js"]),
        events: events.iter().map(EventCard::of).collect(),
        needs_setup,
    })
}
