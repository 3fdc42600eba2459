//! What a team tells the insight loop, from its workspace (`#observations`): members leave
//! feedback on a challenge they attempted or solved (a difficulty from 1 to 5 and a line), the
//! team's coaches and the event's organizers write notes on it, and read both back. The
//! forms work without JavaScript:
//!
//! - `POST /teams/{id}/feedback` (`challenge`, `difficulty`, `text`): through
//!   [`actions::observations::give_feedback`];
//! - `POST /teams/{id}/notes` (`challenge`, `text`, `tags`): through
//!   [`actions::observations::write_note`].
//!
//! Each checks the `csrf` field, then answers with a 303 back to the panel
//! (`?feedback_sent=1#observations`), or the workspace again with the reason the server refused
//! (`invalid_difficulty`, `invalid_note`, …) in the panel.

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;

use crate::{
    actions::observations,
    error::{Error, Result},
    models::{feedback::FeedbackView, note::NoteView},
    web::{PageContext, security::urlencode, time::ShownTime},
};

use super::page::{FormOutcome, render_workspace};

/// The panel as the template reads it, for the selected challenge.
pub(super) struct ObservationsPanel {
    /// Members may leave feedback: the team attempted or solved the challenge.
    pub(super) feedback_open: bool,
    /// The team's notes on the challenge (its staff only).
    pub(super) notes: Vec<ObservationRow>,
    /// The team's feedback on the challenge (its staff only).
    pub(super) feedback: Vec<ObservationRow>,
    /// What a form just did.
    pub(super) notice: Option<&'static str>,
    /// Why the server refused a form.
    pub(super) error: Option<String>,
}

/// A note or a piece of feedback as the panel lists it.
pub(super) struct ObservationRow {
    pub(super) author: String,
    pub(super) at: ShownTime,
    /// `difficulty 4/5` for feedback, the tags for a note.
    pub(super) label: String,
    pub(super) text: String,
}

impl ObservationRow {
    pub(super) fn of_note(note: &NoteView) -> Self {
        Self {
            author: note.author.clone(),
            at: ShownTime::date(note.created_at.naive_utc()),
            label: note.tags.join(", "),
            text: note.text.clone(),
        }
    }

    pub(super) fn of_feedback(feedback: &FeedbackView) -> Self {
        Self {
            author: feedback.author.clone(),
            at: ShownTime::date(feedback.created_at.naive_utc()),
            label: format!("difficulty {}/5", feedback.difficulty),
            text: feedback.text.clone(),
        }
    }
}

/// The notice after a redirect from a form: a fixed text, whatever the link says.
pub(super) fn notice(feedback_sent: bool, note_written: bool) -> Option<&'static str> {
    match (feedback_sent, note_written) {
        (true, _) => Some("Thank you: your feedback is with the organizers."),
        (false, true) => Some("Note saved."),
        (false, false) => None,
    }
}

/// Where a form goes back to: the panel, on the challenge it was about.
fn back(team_id: &str, challenge: &str, done: &str) -> String {
    format!(
        "/teams/{team_id}?challenge={}&{done}#observations",
        urlencode(challenge)
    )
}

/// After a form: back to the panel (303), or the workspace again with the reason.
async fn after_form<T>(
    ctx: &PageContext,
    team_id: &str,
    challenge: String,
    result: Result<T>,
    done: &str,
) -> Result<HttpResponse> {
    match result {
        Ok(_) => Ok(ctx.redirect(&back(team_id, &challenge, done))),
        Err(error @ (Error::BadRequest { .. } | Error::Forbidden(_) | Error::NotFound(_))) => {
            let status = actix_web::ResponseError::status_code(&error);
            let outcome = FormOutcome {
                observation_error: Some(error.to_string()),
                ..FormOutcome::default()
            };
            render_workspace(ctx, team_id, Some(challenge), None, status, outcome).await
        }
        Err(other) => Err(other),
    }
}

/// The feedback form.
#[derive(Debug, Deserialize)]
pub struct FeedbackForm {
    csrf: String,
    challenge: String,
    difficulty: i32,
    #[serde(default)]
    text: String,
}

#[post("/teams/{id}/feedback")]
pub(super) async fn give_feedback(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<FeedbackForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    let result = {
        let (team_id, challenge) = (team_id.clone(), form.challenge.clone());
        ctx.state()
            .db
            .write(move |conn| {
                observations::give_feedback(
                    conn,
                    &user,
                    &team_id,
                    &challenge,
                    form.difficulty,
                    &form.text,
                )
            })
            .await
    };
    after_form(&ctx, &team_id, form.challenge, result, "feedback_sent=1").await
}

/// The note form; `tags` are separated by commas or spaces.
#[derive(Debug, Deserialize)]
pub struct NoteForm {
    csrf: String,
    challenge: String,
    text: String,
    #[serde(default)]
    tags: String,
}

#[post("/teams/{id}/notes")]
pub(super) async fn write_note(
    ctx: PageContext,
    team_id: web::Path<String>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let team_id = team_id.into_inner();
    let form = form.into_inner();
    let tags: Vec<String> = form
        .tags
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect();
    let result = {
        let (team_id, challenge) = (team_id.clone(), form.challenge.clone());
        ctx.state()
            .db
            .write(move |conn| {
                observations::write_note(conn, &user, &team_id, &challenge, &form.text, &tags)
            })
            .await
    };
    after_form(&ctx, &team_id, form.challenge, result, "note_written=1").await
}

#[cfg(test)]
mod tests {
    use super::{back, notice};

    #[test]
    fn notices_are_fixed_texts() {
        assert_eq!(
            notice(true, false),
            Some("Thank you: your feedback is with the organizers.")
        );
        assert_eq!(notice(false, true), Some("Note saved."));
        assert_eq!(notice(false, false), None);
    }

    #[test]
    fn forms_come_back_to_the_panel() {
        assert_eq!(
            back("t1", "ship it", "note_written=1"),
            "/teams/t1?challenge=ship+it&note_written=1#observations"
        );
    }
}
