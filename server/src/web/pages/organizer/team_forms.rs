//! The organizer's team administration on the page: one coach for many teams at once, and
//! renaming, setting where a team sits, removing a member, moving a person in, merging and
//! deleting teams. Each form
//! calls the action the JSON API calls (`actions::teams`, `actions::team_admin`), and its
//! refusals (`team_full`, `team_has_work`, …) come back on the page with their message.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::{team_admin, teams},
    error::{Error, Result},
    web::PageContext,
};

use super::forms::after_form;

/// `team-{id}`: where the page shows a team.
fn team_anchor(team_id: &str) -> String {
    format!("team-{team_id}")
}

/// One coach for every selected team: `csrf`, `user_id`, and `team_id` once per team.
#[post("/events/{slug}/manage/coaches/bulk")]
pub(super) async fn assign_coach_to_many(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse> {
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    };
    ctx.verify_csrf(field("csrf"))?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let coach = field("user_id").to_owned();
    let team_ids: Vec<&str> = form
        .iter()
        .filter(|(key, _)| key == "team_id")
        .map(|(_, value)| value.as_str())
        .collect();
    let result = if team_ids.is_empty() {
        Err(Error::unprocessable(
            "no_team_selected",
            "select the teams to coach first (the boxes beside their names)",
        ))
    } else {
        let mut result = Ok(());
        for team_id in &team_ids {
            if let Err(error) = teams::assign_coach(ctx.state(), &user, team_id, &coach).await {
                result = Err(error);
                break;
            }
        }
        result
    };
    after_form(&ctx, &slug, result, "coaches", "teams-heading", None).await
}

/// A team and a name.
#[derive(Debug, Deserialize)]
pub struct RenameForm {
    csrf: String,
    team_id: String,
    name: String,
}

#[post("/events/{slug}/manage/teams/rename")]
pub(super) async fn rename_team(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RenameForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = team_admin::rename(ctx.state(), &user, &form.team_id, &form.name)
        .await
        .map(|_| ());
    let anchor = team_anchor(&form.team_id);
    after_form(&ctx, &slug, result, "renamed", &anchor, None).await
}

/// A team and the alias it shows on an aliased board (blank: back to the derived one).
#[derive(Debug, Deserialize)]
pub struct AliasForm {
    csrf: String,
    team_id: String,
    #[serde(default)]
    alias: String,
}

#[post("/events/{slug}/manage/teams/alias")]
pub(super) async fn set_alias(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<AliasForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let alias = Some(form.alias.trim()).filter(|a| !a.is_empty());
    let result = team_admin::set_alias(ctx.state(), &user, &form.team_id, alias)
        .await
        .map(|_| ());
    let anchor = team_anchor(&form.team_id);
    after_form(&ctx, &slug, result, "aliased", &anchor, None).await
}

/// A team and where it sits on site (blank: a remote team).
#[derive(Debug, Deserialize)]
pub struct LocationForm {
    csrf: String,
    team_id: String,
    #[serde(default)]
    location: String,
}

#[post("/events/{slug}/manage/teams/location")]
pub(super) async fn set_location(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<LocationForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = crate::actions::rewards::set_location(
        ctx.state(),
        &user,
        &form.team_id,
        Some(form.location.as_str()),
    )
    .await
    .map(|_| ());
    let anchor = team_anchor(&form.team_id);
    after_form(&ctx, &slug, result, "located", &anchor, None).await
}

/// A team and the bracket an organizer moves it to.
#[derive(Debug, Deserialize)]
pub struct BracketForm {
    csrf: String,
    team_id: String,
    bracket: String,
}

#[post("/events/{slug}/manage/teams/bracket")]
pub(super) async fn set_bracket(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<BracketForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result =
        crate::actions::brackets::move_team(ctx.state(), &user, &form.team_id, &form.bracket)
            .await
            .map(|_| ());
    let anchor = team_anchor(&form.team_id);
    after_form(&ctx, &slug, result, "bracketed", &anchor, None).await
}

/// A team and a person.
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    csrf: String,
    team_id: String,
    user_id: String,
}

#[post("/events/{slug}/manage/teams/remove-member")]
pub(super) async fn remove_member(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = team_admin::remove_member(ctx.state(), &user, &form.team_id, &form.user_id).await;
    let anchor = team_anchor(&form.team_id);
    after_form(&ctx, &slug, result, "member_removed", &anchor, None).await
}

/// Moves a person into `team_id` from their current team.
#[post("/events/{slug}/manage/teams/move")]
pub(super) async fn move_member(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = team_admin::move_member(ctx.state(), &user, &form.team_id, &form.user_id)
        .await
        .map(|_| ());
    let anchor = team_anchor(&form.team_id);
    after_form(&ctx, &slug, result, "moved", &anchor, None).await
}

/// Merges `team_id` into `into`.
#[derive(Debug, Deserialize)]
pub struct MergeForm {
    csrf: String,
    team_id: String,
    into: String,
}

#[post("/events/{slug}/manage/teams/merge")]
pub(super) async fn merge_teams(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = team_admin::merge(ctx.state(), &user, &form.team_id, &form.into)
        .await
        .map(|_| ());
    let anchor = team_anchor(&form.into);
    after_form(&ctx, &slug, result, "merged", &anchor, None).await
}

/// A team.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    csrf: String,
    team_id: String,
}

#[post("/events/{slug}/manage/teams/delete")]
pub(super) async fn delete_team(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = team_admin::delete(ctx.state(), &user, &form.team_id).await;
    after_form(&ctx, &slug, result, "team_deleted", "teams-heading", None).await
}
