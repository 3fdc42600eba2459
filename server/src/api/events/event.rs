//! Events themselves: create one (portal organizers), list and read them (anyone, with the
//! caller's place when authenticated), and change their settings (the event's organizers).

use actix_web::{HttpResponse, get, patch, post, web};

use crate::{
    actions::{brackets, events, terms},
    auth::{AuthUser, MaybeUser},
    error::{Error, ErrorBody, Result},
    models::event::Event,
    state::AppState,
};

use super::{
    requests::{CreateEventRequest, UpdateEventRequest},
    view::EventView,
};

/// Creates an event. Portal organizers only; the creator becomes the event's organizer.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    request_body = CreateEventRequest,
    responses(
        (status = 201, body = EventView),
        (status = 400, description = "`invalid_slug`, `invalid_time`, `invalid_name`, \
            `invalid_description`, `invalid_schedule`, `invalid_registration`, \
            `invalid_team_size`, `invalid_hint_cost`, `invalid_board_names`, \
            `invalid_brackets`, `invalid_remote_reward`, `invalid_terms`, `invalid_survey`, \
            `invalid_json`",             body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a portal organizer", body = ErrorBody),
        (status = 409, description = "`slug_taken`", body = ErrorBody),
        (status = 422, description = "`unknown_time_zone`: not an IANA time zone name",             body = ErrorBody),
    )
)]
#[post("/events")]
pub async fn create_event(
    state: web::Data<AppState>,
    caller: AuthUser,
    body: crate::http::Json<CreateEventRequest>,
) -> Result<HttpResponse> {
    let mut body = body.into_inner();
    let trust = body.take_trust()?;
    let (settings, options, brackets) = body.into_settings()?;
    let standing = events::create(&state, &caller.user, settings, options, brackets).await?;
    if !trust.is_empty() {
        terms::configure(&state, &caller.user, &standing.access.event.slug, trust).await?;
    }
    let brackets = read_brackets(&state, &standing.access.event.id).await?;
    let view = with_trust(&state, EventView::for_caller(standing, brackets), &caller).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Every event, soonest first, upcoming ones included. Public.
#[utoipa::path(
    tag = "events",
    responses((status = 200, body = Vec<EventView>))
)]
#[get("/events")]
pub async fn list_events(state: web::Data<AppState>) -> Result<HttpResponse> {
    let (events, mut brackets, mut trust) = state
        .db
        .run(|conn| {
            let events = Event::list(conn)?;
            let mut trust = std::collections::HashMap::new();
            for event in &events {
                trust.insert(event.id.clone(), terms::trust_of(conn, &event.id)?);
            }
            Ok::<_, Error>((events, brackets::of_all_events(conn)?, trust))
        })
        .await?;
    let views: Vec<EventView> = events
        .into_iter()
        .map(|event| {
            let of_event = brackets.remove(&event.id).unwrap_or_default();
            let of_trust = trust.remove(&event.id).unwrap_or_default();
            EventView::public(event, of_event).with_trust(of_trust, None)
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}

/// One event. Public; with a token, also the caller's roles and team (`me`), and the invite
/// code for its organizers.
#[utoipa::path(
    tag = "events",
    security((), ("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, body = EventView),
        (status = 401, description = "an invalid token was sent", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}")]
pub async fn get_event(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: MaybeUser,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let view = match caller.0 {
        Some(caller) => {
            state
                .db
                .run(move |conn| {
                    let standing = crate::access::event_standing(conn, &caller.user, &slug)?;
                    let event_id = standing.access.event.id.clone();
                    let brackets = brackets::of_event(conn, &event_id)?;
                    let trust = terms::trust_of(conn, &event_id)?;
                    let mine = terms::mine(conn, &event_id, &caller.user.id)?;
                    Ok::<_, Error>(
                        EventView::for_caller(standing, brackets).with_trust(trust, Some(mine)),
                    )
                })
                .await?
        }
        None => {
            state
                .db
                .run(move |conn| {
                    let event = Event::find_by_slug(conn, &slug)?;
                    let brackets = brackets::of_event(conn, &event.id)?;
                    let trust = terms::trust_of(conn, &event.id)?;
                    Ok::<_, Error>(EventView::public(event, brackets).with_trust(trust, None))
                })
                .await?
        }
    };
    Ok(HttpResponse::Ok().json(view))
}

/// Changes an event's settings (the event's organizers), validated as on creation. Lowering
/// `team_size_max` does not remove anyone: it only stops further joins.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    request_body = UpdateEventRequest,
    responses(
        (status = 200, body = EventView),
        (status = 400, description = "as on creation (`invalid_slug`, `invalid_time`, \
            `invalid_name`, `invalid_description`, `invalid_schedule`, `invalid_registration`, \
            `invalid_team_size`, `invalid_hint_cost`, `invalid_board_names`, \
            `invalid_brackets`, `invalid_remote_reward`, `invalid_terms`, `invalid_survey`), \
            and `slug_immutable`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of this event", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`bracket_in_use`: a removed bracket still has teams",
            body = ErrorBody),
        (status = 422, description = "`unknown_time_zone`: not an IANA time zone name",             body = ErrorBody),
    )
)]
#[patch("/events/{slug}")]
pub async fn update_event(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    caller: AuthUser,
    body: crate::http::Json<UpdateEventRequest>,
) -> Result<HttpResponse> {
    let mut body = body.into_inner();
    let trust = body.take_trust()?;
    let (changes, options, brackets) = body.into_changes()?;
    let slug = slug.into_inner();
    let standing = events::edit(&state, &caller.user, &slug, changes, options, brackets).await?;
    if !trust.is_empty() {
        terms::configure(&state, &caller.user, &slug, trust).await?;
    }
    let brackets = read_brackets(&state, &standing.access.event.id).await?;
    let view = with_trust(&state, EventView::for_caller(standing, brackets), &caller).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `view` with its event's terms and survey, and the caller's own standing towards them.
async fn with_trust(state: &AppState, view: EventView, caller: &AuthUser) -> Result<EventView> {
    let (event_id, user_id) = (view.id.clone(), caller.user.id.clone());
    let (trust, mine) = state
        .db
        .run(move |conn| {
            Ok::<_, Error>((
                terms::trust_of(conn, &event_id)?,
                terms::mine(conn, &event_id, &user_id)?,
            ))
        })
        .await?;
    Ok(view.with_trust(trust, Some(mine)))
}

/// The brackets of the event `event_id`, as its view lists them.
async fn read_brackets(state: &AppState, event_id: &str) -> Result<Vec<String>> {
    let event_id = event_id.to_owned();
    state
        .db
        .run(move |conn| brackets::of_event(conn, &event_id))
        .await
}
