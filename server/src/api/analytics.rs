//! The author's analytics of one challenge as JSON: what the author's page draws (pass rate
//! over the event, attempts until the first pass, failing checks with their messages,
//! validator errors, run times), from [`crate::insights::analytics`].

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    error::{ErrorBody, Result},
    insights::analytics::{self, ChallengeAnalytics},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(challenge_analytics);
}

/// The analytics of one challenge: the pass rate over the event, teams by attempts until
/// their first pass, the failing checks with the messages teams saw, validator errors by kind
/// and the validator's run times. For the event's organizers and the authors who published a
/// version of the challenge; anyone else (participants, coaches, other authors) gets 404
/// (`not_found`).
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    responses(
        (status = 200, body = ChallengeAnalytics),
        (status = 401, body = ErrorBody),
        (status = 404, description = "`not_found`: no such event or challenge, or not an organizer of the event or an author of the challenge", body = ErrorBody),
    )
)]
#[get("/events/{slug}/challenges/{challenge}/analytics")]
pub async fn challenge_analytics(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let analytics = state
        .db
        .run(move |conn| analytics::challenge_analytics_as(conn, &caller.user, &slug, &challenge))
        .await?;
    Ok(HttpResponse::Ok().json(analytics))
}
