//! Rewards over REST: an event's runners and organizers list the rewards to bring (and the
//! organizers the remote solves to fulfil), and mark one delivered; the organizers set the
//! event's own reward words for one of its challenges. A team's location is set with
//! `PATCH /teams/{id}` (`api/teams.rs`).

use actix_web::{
    HttpResponse, get, post, put,
    web::{self, Query},
};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::rewards,
    auth::AuthUser,
    error::{Error, ErrorBody, Result},
    models::reward::{ChallengeReward, Destination, RewardState, RewardView},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_rewards)
        .service(mark_delivered)
        .service(set_challenge_reward);
}

/// `PUT /events/{slug}/challenges/{challenge}/reward`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeRewardRequest {
    /// What a team's first solve of the challenge earns in this event ("a cookie"), over the
    /// manifest's words: one line of at most 100 characters; `null` or blank clears it (back
    /// to the manifest's words, else "a reward").
    #[schema(schema_with = crate::api::schema::optional_line_or_null::<100>)]
    pub reward: Option<String>,
}

/// Where the rewards of a list go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RewardDestination {
    /// Teams with a location, which a runner brings it to (the default).
    #[default]
    OnSite,
    /// Teams without one: the organizers fulfil these (organizers only).
    Remote,
}

/// Query of the rewards list.
#[derive(Debug, Deserialize)]
pub struct RewardsQuery {
    /// `open` (default) or `delivered`.
    pub state: Option<String>,
    /// `on_site` (default) or `remote`.
    pub to: Option<String>,
}

fn parse_state(state: Option<&str>) -> Result<RewardState> {
    match state {
        None | Some("open") => Ok(RewardState::Open),
        Some("delivered") => Ok(RewardState::Delivered),
        Some(_) => Err(Error::bad_request(
            "invalid_state",
            "state is `open` or `delivered`",
        )),
    }
}

fn parse_destination(to: Option<&str>) -> Result<Destination> {
    match to {
        None | Some("on_site") => Ok(Destination::OnSite),
        Some("remote") => Ok(Destination::Remote),
        Some(_) => Err(Error::bad_request(
            "invalid_destination",
            "to is `on_site` or `remote`",
        )),
    }
}

/// The event's rewards (its runners and organizers): by default the open ones going to teams
/// on site, oldest first — the runners' queue. `state=delivered` lists the delivered ones,
/// most recent first; `to=remote` the solves of teams without a location, which the
/// organizers fulfil (organizers only). With `hold_rewards_until_end`, rewards earned since
/// the freeze are left out until the event ends.
#[utoipa::path(
    tag = "rewards",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"),
        ("state" = Option<RewardState>, Query, description = "`open` (default) or `delivered`"),
        ("to" = Option<RewardDestination>, Query,
            description = "`on_site` (default) or `remote` (organizers only)")),
    responses(
        (status = 200, body = Vec<RewardView>),
        (status = 400, description = "`invalid_state`, `invalid_destination`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "neither runner nor organizer of the event; a runner \
            asking for the remote solves", body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/rewards")]
pub async fn list_rewards(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: Query<RewardsQuery>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let wanted = parse_state(query.state.as_deref())?;
    let destination = parse_destination(query.to.as_deref())?;
    let slug = slug.into_inner();
    let views = state
        .db
        .run(move |conn| rewards::list(conn, &caller.user, &slug, destination, wanted))
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// Marks a reward delivered (the event's runners and organizers; a runner only one going to
/// a table and not held until the end). Every rewards page of the event updates live.
#[utoipa::path(
    tag = "rewards",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "reward id")),
    responses(
        (status = 200, body = RewardView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no such reward, or not one the caller may deliver",
            body = ErrorBody),
        (status = 409, description = "`already_delivered`", body = ErrorBody),
    )
)]
#[post("/rewards/{id}/delivered")]
pub async fn mark_delivered(
    state: web::Data<AppState>,
    id: web::Path<String>,
    caller: AuthUser,
) -> Result<HttpResponse> {
    let view = rewards::mark_delivered(&state, &caller.user, &id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Sets the event's own reward words for one of its challenges (the event's organizers), or
/// clears them with `null` or blank words: a first solve from now on earns these words, on
/// the runners' queue and the slip; rewards already earned keep theirs.
#[utoipa::path(
    tag = "rewards",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    request_body = ChallengeRewardRequest,
    responses(
        (status = 200, description = "the challenge's reward words now", body = ChallengeReward),
        (status = 400, description = "`invalid_reward`: more than one line or 100 characters",
            body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not an organizer of the event", body = ErrorBody),
        (status = 404, description = "no such event or challenge", body = ErrorBody),
    )
)]
#[put("/events/{slug}/challenges/{challenge}/reward")]
pub async fn set_challenge_reward(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    caller: AuthUser,
    body: crate::http::Json<ChallengeRewardRequest>,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let words = body.into_inner().reward;
    let view =
        rewards::set_challenge_words(&state, &caller.user, &slug, &challenge, words.as_deref())
            .await?;
    Ok(HttpResponse::Ok().json(view))
}
