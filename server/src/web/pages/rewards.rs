//! The rewards page (`/events/{slug}/rewards`): what its runners and organizers see of an
//! event's rewards — the open ones going to teams on site, oldest first, each with a button
//! that marks it delivered and a slip to print; the recently delivered; and, for organizers,
//! the remote solves to fulfil. Rendered here and complete without JavaScript (the button is a
//! form: `POST /rewards/{id}/delivered`, then a 303 back); `rewards.js` keeps the lists live
//! (each `rewards` frame of the event channel reads the page again and swaps them in), marks
//! a reward delivered without leaving the page, and prints one slip.
//!
//! A runner sees this page and nothing else of the event: every other page answers them as
//! it answers a stranger.

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::rewards::{self, RewardsBoard},
    error::Result,
    models::reward::RewardView,
    web::{PageContext, context::Chrome, time::ShownTime},
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(rewards_page).service(deliver_reward);
}

/// A reward as the page lists it.
pub struct RewardRow {
    reward: RewardView,
    earned: ShownTime,
    delivered: Option<ShownTime>,
}

impl RewardRow {
    fn of(reward: RewardView) -> Self {
        Self {
            earned: ShownTime::time(reward.created_at),
            delivered: reward.delivered_at.map(ShownTime::time),
            reward,
        }
    }
}

#[derive(Template)]
#[template(path = "rewards.html")]
struct RewardsPage {
    chrome: Chrome,
    slug: String,
    name: String,
    rewards_on: bool,
    is_organizer: bool,
    held: bool,
    open: Vec<RewardRow>,
    delivered: Vec<RewardRow>,
    remote: Vec<RewardRow>,
    remote_reward: String,
}

#[get("/events/{slug}/rewards")]
async fn rewards_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let board: RewardsBoard = ctx
        .state()
        .db
        .run(move |conn| rewards::board(conn, &user, &slug))
        .await?;
    let rows = |list: Vec<RewardView>| list.into_iter().map(RewardRow::of).collect();
    ctx.render(&RewardsPage {
        chrome: ctx.live_chrome(format!("Rewards · {}", board.event.name), &["rewards.js"])?,
        slug: board.event.slug,
        name: board.event.name,
        rewards_on: board.event.rewards,
        is_organizer: board.is_organizer,
        held: board.held,
        open: rows(board.open),
        delivered: rows(board.delivered),
        remote: rows(board.remote),
        remote_reward: board.event.remote_reward,
    })
}

/// The "Delivered" button's form.
#[derive(Debug, Deserialize)]
pub struct DeliveredForm {
    csrf: String,
}

#[post("/rewards/{id}/delivered")]
async fn deliver_reward(
    ctx: PageContext,
    id: web::Path<String>,
    form: web::Form<DeliveredForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let view = rewards::mark_delivered(ctx.state(), &user, &id.into_inner()).await?;
    let slug = ctx
        .state()
        .db
        .run({
            let team = view.team.id.clone();
            move |conn| rewards::event_slug_of_team(conn, &team)
        })
        .await?;
    Ok(ctx.redirect(&format!("/events/{slug}/rewards")))
}
