//! Hints over REST: a team's view of a challenge's hints (titles and costs, the text of those
//! it unlocked) and the unlock itself. Who may do what is written in
//! [`crate::actions::hints`]; what follows an unlock in [`crate::actions::announce`].

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    actions::hints,
    auth::AuthUser,
    error::{Error, ErrorBody, Result},
    models::hint::{HintList, HintView},
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(team_hints).service(unlock_hint);
}

/// A challenge's hints for a team: per hint its number `n`, title and cost, whether (by whom,
/// when) the team unlocked it, and its text only once unlocked; with the event's `hint_cost`
/// (`on_solve`: a cost is taken only if the team solves the challenge; `always`). The team's
/// members, its coaches and the event's organizers; 404 for anyone else, and for a challenge
/// whose statement the team may not read yet (before the start, or locked on the ladder).
#[utoipa::path(
    tag = "hints",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    responses(
        (status = 200, body = HintList),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no such team (or not yours), or no such challenge open to the team", body = ErrorBody),
    )
)]
#[get("/teams/{id}/challenges/{challenge}/hints")]
pub async fn team_hints(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (id, challenge) = path.into_inner();
    let list = state
        .db
        .run(move |conn| hints::of_team(conn, &caller.user, &id, &challenge))
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Unlocks hint `n` (1 first) of a challenge for the team and answers it with its text (the
/// team's members; coaches and organizers 403, anyone else 404). Unlocking again answers the
/// same and charges nothing more. The cost is recorded as it is now; the event's `hint_cost`
/// says whether it is taken only if the team solves the challenge (`on_solve`) or at once
/// (`always`).
#[utoipa::path(
    tag = "hints",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "team id"),
        ("challenge" = String, Path, description = "challenge slug"),
        ("n" = u32, Path, minimum = 1, description = "the hint's number, 1 first"),
    ),
    responses(
        (status = 200, body = HintView),
        (status = 401, body = ErrorBody),
        (status = 403, description = "not a member of the team", body = ErrorBody),
        (status = 404, description = "no such team (or not yours), no such challenge open to the team, or no hint `n`", body = ErrorBody),
        (status = 409, description = "`not_running`: the event has ended", body = ErrorBody),
    )
)]
#[post("/teams/{id}/challenges/{challenge}/hints/{n}/unlock")]
pub async fn unlock_hint(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse> {
    let (id, challenge, n) = path.into_inner();
    let n: u32 = n.parse().map_err(|_| Error::NotFound("hint"))?;
    let view = hints::unlock(&state, &caller.user, &id, &challenge, n).await?;
    Ok(HttpResponse::Ok().json(view))
}
