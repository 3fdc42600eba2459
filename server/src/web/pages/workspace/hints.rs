//! Hints in the workspace, under the selected challenge's statement: each hint's title and
//! cost, an explicit unlock for members (a confirmation box when it costs points, wording that
//! follows the event's `hint_cost`), and once unlocked the text as Markdown with who unlocked
//! it and when. Works without JavaScript:
//!
//! - `POST /teams/{id}/challenges/{challenge}/hints/{n}/unlock` (`csrf`, `confirm` for a hint
//!   that costs points): through [`hints::unlock`], then back to the hint
//!   (`?challenge=…&hint_unlocked=n#hint-n`), or the workspace again with the reason the
//!   server refused in the panel.
//!
//! A teammate's unlock reaches the others as a `hint` activity (`workspace/activity.js`).

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::hints,
    error::{Error, Result},
    models::{hint::HintList, user::User},
    web::{PageContext, markdown, security::urlencode, time::ShownTime},
};

use super::page::{FormOutcome, render_workspace};

/// The panel as the template reads it, for the selected challenge.
pub(super) struct HintsPanel {
    /// Members may unlock (the event has not ended).
    pub(super) can_unlock: bool,
    /// Costs are taken only if the team solves the challenge (`on_solve`).
    pub(super) on_solve: bool,
    /// The points the team's unlocked hints cost.
    pub(super) unlocked_cost: i64,
    pub(super) hints: Vec<HintRow>,
    /// What the form just did.
    pub(super) notice: Option<String>,
    /// Why the server refused the form.
    pub(super) error: Option<String>,
}

/// One hint.
pub(super) struct HintRow {
    pub(super) n: u32,
    pub(super) title: String,
    pub(super) cost: i32,
    /// "Unlock (costs 30 points, taken only if you solve it)", or "Unlock (free)".
    pub(super) unlock_label: String,
    /// Unlocked: who, when, and the text as safe HTML.
    pub(super) unlocked: Option<UnlockedHint>,
}

/// What an unlocked hint shows.
pub(super) struct UnlockedHint {
    pub(super) by: String,
    pub(super) at: ShownTime,
    pub(super) text_html: String,
}

/// "30 points" or "1 point".
fn points(cost: i32) -> String {
    if cost == 1 {
        "1 point".to_owned()
    } else {
        format!("{cost} points")
    }
}

impl HintsPanel {
    /// The panel of a challenge's hints (`None` when it has none).
    pub(super) fn of(list: HintList, can_unlock: bool, outcome: &FormOutcome) -> Option<Self> {
        if list.hints.is_empty() {
            return None;
        }
        let on_solve = !hints::takes_always(&list.hint_cost);
        let hints = list
            .hints
            .into_iter()
            .map(|h| HintRow {
                unlock_label: match (h.cost, on_solve) {
                    (0, _) => "Unlock (free)".to_owned(),
                    (cost, true) => format!(
                        "Unlock (costs {}, taken only if you solve it)",
                        points(cost)
                    ),
                    (cost, false) => format!("Unlock (costs {})", points(cost)),
                },
                unlocked: h.unlocked.then(|| UnlockedHint {
                    by: h
                        .unlocked_by
                        .map_or_else(|| "a former member".to_owned(), |p| p.display_name),
                    at: ShownTime::time(
                        h.unlocked_at
                            .map(|at| at.naive_utc())
                            .unwrap_or_else(crate::db::now),
                    ),
                    text_html: markdown::to_safe_html(h.text.as_deref().unwrap_or_default()),
                }),
                n: h.n,
                title: h.title,
                cost: h.cost,
            })
            .collect();
        Some(HintsPanel {
            can_unlock,
            on_solve,
            unlocked_cost: list.unlocked_cost,
            hints,
            notice: outcome.hint_notice.clone(),
            error: outcome.hint_error.clone(),
        })
    }
}

/// The hints of the challenge `slug` for the team, or `None` when the team may not read them
/// (a locked challenge).
pub(super) async fn read(
    ctx: &PageContext,
    user: &User,
    team_id: &str,
    slug: &str,
) -> Result<Option<HintList>> {
    let (user, team_id, slug) = (user.clone(), team_id.to_owned(), slug.to_owned());
    match ctx
        .state()
        .db
        .run(move |conn| hints::of_team(conn, &user, &team_id, &slug))
        .await
    {
        Ok(list) => Ok(Some(list)),
        Err(Error::NotFound(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// The notice after the form (`?hint_unlocked=n`).
pub(super) fn notice(unlocked: Option<u32>) -> Option<String> {
    unlocked.map(|n| format!("Hint {n} unlocked: your team reads it below."))
}

/// The unlock form.
#[derive(Debug, Deserialize)]
pub struct UnlockForm {
    csrf: String,
    /// The box that confirms a hint's cost (`1` when ticked).
    #[serde(default)]
    confirm: Option<String>,
}

#[post("/teams/{id}/challenges/{challenge}/hints/{n}/unlock")]
pub(super) async fn unlock_hint(
    ctx: PageContext,
    path: web::Path<(String, String, String)>,
    form: web::Form<UnlockForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let (team_id, challenge, n) = path.into_inner();
    let n: u32 = n.parse().map_err(|_| Error::NotFound("hint"))?;
    let confirmed = form.confirm.is_some();
    let refused = |error: Error| FormOutcome {
        hint_error: Some(error.to_string()),
        ..FormOutcome::default()
    };
    // A hint that costs points is unlocked only with its box ticked.
    let cost = match read(&ctx, &user, &team_id, &challenge).await? {
        Some(list) => list
            .hints
            .iter()
            .find(|h| h.n == n && !h.unlocked)
            .map_or(0, |h| h.cost),
        None => 0,
    };
    let result = if cost > 0 && !confirmed {
        Err(Error::unprocessable(
            "unlock_unconfirmed",
            format!(
                "tick the box to confirm that unlocking hint {n} costs {}",
                points(cost)
            ),
        ))
    } else {
        hints::unlock(ctx.state(), &user, &team_id, &challenge, n).await
    };
    match result {
        Ok(_) => Ok(ctx.redirect(&format!(
            "/teams/{}?challenge={}&hint_unlocked={n}#hint-{n}",
            team_id,
            urlencode(&challenge)
        ))),
        Err(
            error @ (Error::Unprocessable { .. }
            | Error::Conflict { .. }
            | Error::Forbidden(_)
            | Error::NotFound("hint")),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            render_workspace(
                &ctx,
                &team_id,
                Some(challenge),
                None,
                status,
                refused(error),
            )
            .await
        }
        Err(other) => Err(other),
    }
}
