//! Coach sign-off on the staff pages: the panel of passes awaiting a sign-off (on the coach's
//! page, `templates/sign_offs_panel.html`), each with the team's answer, a link to the
//! submission and its workspace, and approve / reject forms with a comment. The forms work
//! without JavaScript:
//!
//! - `POST /sign-offs/{submission}` (`csrf`, `decision` = `approve` | `reject`, `comment`):
//!   through [`actions::sign_offs::decide`], then a 303 back to `/coach#sign-offs`; a refusal
//!   (a rejection without a comment, a decision made already, the event over) is the error
//!   page with its reason.
//!
//! `sign_offs.js` keeps the panel current: each `sign_offs` frame of the staff channel reads
//! the coach's page again and swaps the panel in.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::sign_offs::{self, SignOffView},
    db::DbConnection,
    error::{Error, Result},
    models::user::User,
    web::{
        PageContext,
        time::{ShownTime, TimeStyle},
    },
};

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(decide_sign_off);
}

/// A pass awaiting a sign-off, as the panel lists it.
pub struct SignOffRow {
    /// The submission.
    pub submission: String,
    /// The team.
    pub team_id: String,
    /// The team's name.
    pub team_name: String,
    /// The challenge's slug.
    pub challenge: String,
    /// The challenge's title.
    pub challenge_title: String,
    /// The team's short answer.
    pub answer: String,
    /// When the team submitted.
    pub submitted_at: ShownTime,
    /// The event's name.
    pub event_name: String,
}

/// The panel of passes awaiting the viewer's sign-off.
pub struct SignOffPanel {
    /// Oldest first.
    pub rows: Vec<SignOffRow>,
}

impl SignOffPanel {
    /// The passes awaiting `user` in every event: their coached teams', and every team's in
    /// the events they organize.
    pub fn awaiting_for(conn: &mut DbConnection, user: &User) -> Result<SignOffPanel> {
        let rows = sign_offs::awaiting_for(conn, user)?
            .into_iter()
            .map(|(event_name, view)| SignOffRow::of(&view, event_name))
            .collect();
        Ok(SignOffPanel { rows })
    }
}

impl SignOffRow {
    fn of(view: &SignOffView, event_name: String) -> SignOffRow {
        SignOffRow {
            submission: view.submission.clone(),
            team_id: view.team.clone(),
            team_name: view.team_name.clone(),
            challenge: view.challenge.clone(),
            challenge_title: view.challenge_title.clone(),
            answer: view.answer.clone(),
            submitted_at: ShownTime::new(view.submitted_at.naive_utc(), TimeStyle::DateSeconds),
            event_name,
        }
    }
}

/// The approve / reject form.
#[derive(Debug, Deserialize)]
pub struct SignOffForm {
    csrf: String,
    /// `approve` or `reject`.
    decision: String,
    #[serde(default)]
    comment: String,
}

#[post("/sign-offs/{submission}")]
async fn decide_sign_off(
    ctx: PageContext,
    submission: web::Path<String>,
    form: web::Form<SignOffForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => {
            return Err(Error::bad_request(
                "invalid_decision",
                "the decision is `approve` or `reject`",
            ));
        }
    };
    sign_offs::decide(
        ctx.state(),
        &user,
        &submission.into_inner(),
        approve,
        &form.comment,
    )
    .await?;
    Ok(ctx.redirect("/coach#sign-offs"))
}
