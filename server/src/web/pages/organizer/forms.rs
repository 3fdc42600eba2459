//! The forms of the organizer's page: settings, roles, coaches and announcements. Each
//! checks the `csrf` field, calls one action, and answers with a 303 back to the page
//! (`?done=…`) at the place the form was (`#team-…`, `#announcements-heading`, …), or the
//! page again with the reason a change was refused. `staff.js` posts the same forms with
//! `fetch` and swaps in the parts of the page that answer, so the organizer keeps the place.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::{announcements, events, roles, teams},
    error::{Error, Result},
    models::role::EventRole,
    web::{PageContext, pages::events::EventForm},
};

use super::{filters::PageQuery, page::render_page};

/// After a form: back to the page at `anchor` (303; the top when empty), or the page again
/// with the reason it was refused.
pub(super) async fn after_form(
    ctx: &PageContext,
    slug: &str,
    result: Result<()>,
    done: &str,
    anchor: &str,
    form: Option<EventForm>,
) -> Result<HttpResponse> {
    match result {
        Ok(()) if anchor.is_empty() => {
            Ok(ctx.redirect(&format!("/events/{slug}/manage?done={done}")))
        }
        Ok(()) => Ok(ctx.redirect(&format!("/events/{slug}/manage?done={done}#{anchor}"))),
        Err(
            error @ (Error::BadRequest { .. }
            | Error::Conflict { .. }
            | Error::Unprocessable { .. }
            | Error::NotFound(_)
            | Error::Forbidden(_)
            | Error::Denied { .. }),
        ) => {
            let status = actix_web::ResponseError::status_code(&error);
            let query = PageQuery::default();
            render_page(ctx, slug, status, Some(error.to_string()), query, form).await
        }
        Err(other) => Err(other),
    }
}

#[post("/events/{slug}/manage/settings")]
pub(super) async fn update_settings(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<EventForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let changes = form.update_request().and_then(|mut request| {
        let trust = request.take_trust()?;
        Ok((request.into_changes()?, trust))
    });
    let result = match changes {
        Ok(((changes, options, brackets), trust)) => {
            match events::edit(ctx.state(), &user, &slug, changes, options, brackets).await {
                Ok(_) if !trust.is_empty() => {
                    crate::actions::terms::configure(ctx.state(), &user, &slug, trust)
                        .await
                        .map(|_| ())
                }
                other => other.map(|_| ()),
            }
        }
        Err(e) => Err(e),
    };
    after_form(&ctx, &slug, result, "settings", "", Some(form)).await
}

/// Granting a role by email.
#[derive(Debug, Deserialize)]
pub struct GrantForm {
    csrf: String,
    email: String,
    role: String,
}

#[post("/events/{slug}/manage/roles")]
pub(super) async fn grant_role(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<GrantForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = match form.role.parse::<EventRole>() {
        Ok(role) => roles::grant_by_email(ctx.state(), &user, &slug, &form.email, role)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after_form(&ctx, &slug, result, "role", "roles-heading", None).await
}

/// Revoking a role.
#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    csrf: String,
    user_id: String,
    role: String,
}

#[post("/events/{slug}/manage/roles/revoke")]
pub(super) async fn revoke_role(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = match form.role.parse::<EventRole>() {
        Ok(role) => roles::revoke(ctx.state(), &user, &slug, &form.user_id, role).await,
        Err(e) => Err(e),
    };
    after_form(&ctx, &slug, result, "revoked", "roles-heading", None).await
}

/// Assigning or removing a coach.
#[derive(Debug, Deserialize)]
pub struct CoachForm {
    csrf: String,
    team_id: String,
    user_id: String,
}

#[post("/events/{slug}/manage/coaches")]
pub(super) async fn assign_coach(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<CoachForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = teams::assign_coach(ctx.state(), &user, &form.team_id, &form.user_id)
        .await
        .map(|_| ());
    let anchor = format!("team-{}", form.team_id);
    after_form(&ctx, &slug, result, "coach", &anchor, None).await
}

#[post("/events/{slug}/manage/coaches/remove")]
pub(super) async fn remove_coach(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<CoachForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let form = form.into_inner();
    let result = teams::remove_coach(ctx.state(), &user, &form.team_id, &form.user_id)
        .await
        .map(|_| ());
    let anchor = format!("team-{}", form.team_id);
    after_form(&ctx, &slug, result, "uncoached", &anchor, None).await
}

/// A new announcement.
#[derive(Debug, Deserialize)]
pub struct AnnouncementForm {
    csrf: String,
    text: String,
}

#[post("/events/{slug}/manage/announcements")]
pub(super) async fn post_announcement(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<AnnouncementForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = announcements::post(ctx.state(), &user, &slug, &form.text)
        .await
        .map(|_| ());
    after_form(&ctx, &slug, result, "announced", "announce-heading", None).await
}

/// A corrected announcement.
#[derive(Debug, Deserialize)]
pub struct AnnouncementEditForm {
    csrf: String,
    id: String,
    text: String,
}

#[post("/events/{slug}/manage/announcements/edit")]
pub(super) async fn edit_announcement(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<AnnouncementEditForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = announcements::edit(ctx.state(), &user, &slug, &form.id, &form.text)
        .await
        .map(|_| ());
    let anchor = format!("announcement-{}", form.id);
    after_form(&ctx, &slug, result, "announcement_edited", &anchor, None).await
}

/// An announcement withdrawn.
#[derive(Debug, Deserialize)]
pub struct AnnouncementDeleteForm {
    csrf: String,
    id: String,
}

#[post("/events/{slug}/manage/announcements/delete")]
pub(super) async fn delete_announcement(
    ctx: PageContext,
    slug: web::Path<String>,
    form: web::Form<AnnouncementDeleteForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let result = announcements::delete(ctx.state(), &user, &slug, &form.id).await;
    let anchor = "announce-heading";
    after_form(&ctx, &slug, result, "announcement_deleted", anchor, None).await
}
