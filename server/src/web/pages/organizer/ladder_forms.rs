//! The ladder on the organizer's page: a challenge's title and whether it is always open
//! (`actions::challenges::ladder::update_challenge`, as `PATCH …/challenges/{challenge}`), its
//! place in the order (moved one up or down by swapping positions with its neighbour), the
//! event's own reward words for it (`actions::rewards::set_challenge_words`, as
//! `PUT …/challenges/{challenge}/reward`; blank clears them), and a rejudge that runs only
//! once confirmed (a checkbox the form requires, checked here too).

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::{
        challenges::{ladder, rejudge},
        rewards,
    },
    error::{Error, Result},
    models::challenge::ChallengeChanges,
    web::PageContext,
};

use super::forms::after_form;

/// `challenge-{slug}`: where the page shows a rung.
fn rung_anchor(slug: &str) -> String {
    format!("challenge-{slug}")
}

/// A challenge's title and whether it is always open (an unchecked box is not sent).
#[derive(Debug, Deserialize)]
pub struct RungForm {
    csrf: String,
    challenge: String,
    title: String,
    always_open: Option<String>,
}

#[post("/events/{slug}/manage/ladder")]
pub(super) async fn save_rung(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RungForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let changes = ChallengeChanges {
        title: Some(form.title.clone()),
        always_open: Some(form.always_open.is_some()),
        ..ChallengeChanges::default()
    };
    let result = ladder::update_challenge(ctx.state(), &user, &slug, &form.challenge, changes)
        .await
        .map(|_| ());
    let anchor = rung_anchor(&form.challenge);
    after_form(&ctx, &slug, result, "ladder", &anchor, None).await
}

/// A challenge and the event's reward words for it (blank: back to the manifest's).
#[derive(Debug, Deserialize)]
pub struct RewardForm {
    csrf: String,
    challenge: String,
    #[serde(default)]
    reward: String,
}

#[post("/events/{slug}/manage/ladder/reward")]
pub(super) async fn set_reward(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RewardForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = rewards::set_challenge_words(
        ctx.state(),
        &user,
        &slug,
        &form.challenge,
        Some(form.reward.as_str()),
    )
    .await
    .map(|_| ());
    let anchor = rung_anchor(&form.challenge);
    after_form(&ctx, &slug, result, "reward", &anchor, None).await
}

/// A challenge and `up` or `down`.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    csrf: String,
    challenge: String,
    direction: String,
}

/// Swaps the positions of `challenge` and its neighbour: positions are unique, so the first
/// one waits on a free position past the end while the other takes its place.
async fn swap_with_neighbour(
    ctx: &PageContext,
    slug: &str,
    challenge: &str,
    up: bool,
) -> Result<()> {
    let user = ctx.require_user()?.user.clone();
    let (owned_slug, owned_user) = (slug.to_owned(), user.clone());
    let rungs = ctx
        .state()
        .db
        .run(move |conn| ladder::ladder(conn, &owned_user, &owned_slug))
        .await?
        .challenges;
    let at = rungs
        .iter()
        .position(|c| c.slug == challenge)
        .ok_or(Error::NotFound("challenge"))?;
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(neighbour) = other.and_then(|i| rungs.get(i)) else {
        return Err(Error::conflict(
            "ladder_edge",
            format!(
                "`{challenge}` is already {} of the ladder",
                if up { "at the top" } else { "at the bottom" }
            ),
        ));
    };
    let mine = rungs[at].position;
    let free = rungs.iter().map(|c| c.position).max().unwrap_or(0) + 1;
    let to = |position: i32| ChallengeChanges {
        position: Some(position),
        ..ChallengeChanges::default()
    };
    let state = ctx.state();
    ladder::update_challenge(state, &user, slug, challenge, to(free)).await?;
    ladder::update_challenge(state, &user, slug, &neighbour.slug, to(mine)).await?;
    ladder::update_challenge(state, &user, slug, challenge, to(neighbour.position)).await?;
    Ok(())
}

#[post("/events/{slug}/manage/ladder/move")]
pub(super) async fn move_rung(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<MoveForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let slug = slug.into_inner();
    let result = match form.direction.as_str() {
        "up" => swap_with_neighbour(&ctx, &slug, &form.challenge, true).await,
        "down" => swap_with_neighbour(&ctx, &slug, &form.challenge, false).await,
        _ => Err(Error::unprocessable(
            "invalid_direction",
            "a challenge moves `up` or `down`",
        )),
    };
    let anchor = rung_anchor(&form.challenge);
    after_form(&ctx, &slug, result, "reordered", &anchor, None).await
}

/// A rejudge, with the box that confirms it.
#[derive(Debug, Deserialize)]
pub struct RejudgeForm {
    csrf: String,
    challenge: String,
    confirm: Option<String>,
}

#[post("/events/{slug}/manage/ladder/rejudge")]
pub(super) async fn rejudge_rung(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RejudgeForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = if form.confirm.as_deref() == Some("yes") {
        rejudge::rejudge(ctx.state(), &user, &slug, &form.challenge)
            .await
            .map(|_| ())
    } else {
        Err(Error::unprocessable(
            "rejudge_unconfirmed",
            "nothing was rejudged: tick the box that confirms the rejudge first",
        ))
    };
    let anchor = rung_anchor(&form.challenge);
    after_form(&ctx, &slug, result, "rejudged", &anchor, None).await
}
