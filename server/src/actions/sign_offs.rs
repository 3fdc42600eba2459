//! Coach sign-off: the team's coaches and the event's organizers approve or reject a
//! validator pass on a challenge with `sign_off = "coach"`, and list the passes awaiting them.
//!
//! A decision is refused once the event has ended (as a submission is: "freeze and event end
//! apply as to any solve"); an approval counts at its own time, so one made after the freeze
//! shows on the public board only at the end, like any solve after the freeze.

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, Outgoing, announce, record_outgoing},
    db::DbConnection,
    error::{Error, Result},
    models::{
        challenge::Challenge,
        event::Phase,
        sign_off::{ListedSignOff, MAX_COMMENT_CHARS, SignOff, SignOffState},
        submission::Submission,
        user::User,
    },
    state::AppState,
};

/// A sign-off as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SignOffView {
    /// The passing submission.
    pub submission: String,
    /// Its team.
    pub team: String,
    /// The team's name.
    pub team_name: String,
    /// The challenge's slug.
    pub challenge: String,
    /// The challenge's title.
    pub challenge_title: String,
    /// `awaiting`, `approved` or `rejected`.
    pub state: SignOffState,
    /// The decider's comment (empty while awaiting; always set on a rejection).
    pub comment: String,
    /// The submission's short answer (its files: `GET /submissions/{id}`).
    pub answer: String,
    /// When the team submitted.
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: DateTime<Utc>,
    /// When the pass was recorded (the sign-off began to await).
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTime<Utc>,
    /// When it was decided: for an approval, the moment the solve counts.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<DateTime<Utc>>,
}

impl SignOffView {
    /// The view of a listed sign-off.
    pub fn of(listed: &ListedSignOff) -> SignOffView {
        let s = &listed.sign_off;
        SignOffView {
            submission: s.submission_id.clone(),
            team: s.team_id.clone(),
            team_name: listed.team_name.clone(),
            challenge: listed.challenge_slug.clone(),
            challenge_title: listed.challenge_title.clone(),
            state: s.state(),
            comment: s.comment.clone(),
            answer: listed.answer.clone(),
            submitted_at: listed.submitted_at.and_utc(),
            created_at: s.created_at.and_utc(),
            decided_at: s.decided_at.map(|at| at.and_utc()),
        }
    }
}

/// The comment of a decision, trimmed: required when rejecting (400 `comment_required`), at
/// most [`MAX_COMMENT_CHARS`] characters (400 `comment_too_long`), no NUL (400
/// `invalid_comment`).
pub fn checked_comment(comment: &str, approve: bool) -> Result<String> {
    let comment = comment.trim();
    if comment.contains('\0') {
        return Err(Error::bad_request(
            "invalid_comment",
            "the comment may not contain NUL characters",
        ));
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(Error::bad_request(
            "comment_too_long",
            format!("a comment has at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    if !approve && comment.is_empty() {
        return Err(Error::bad_request(
            "comment_required",
            "say why when rejecting: the comment goes back to the team",
        ));
    }
    Ok(comment.to_owned())
}

/// Approves or rejects the pass `submission_id` (its team's coaches and its event's
/// organizers; 404 for those who may not see the team, 403 for its members; 409
/// `not_running` once the event ended, 409 `sign_off_not_awaiting` if it is not awaiting).
pub async fn decide(
    state: &AppState,
    user: &User,
    submission_id: &str,
    approve: bool,
    comment: &str,
) -> Result<SignOffView> {
    let comment = checked_comment(comment, approve)?;
    let (caller, id) = (user.clone(), submission_id.to_owned());
    let (view, event_id) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let submission = Submission::find(conn, &id)?;
                let access = access::team_access(conn, &caller, &submission.team_id).map_err(
                    |e| match e {
                        Error::NotFound(_) => Error::NotFound("submission"),
                        other => other,
                    },
                )?;
                if access.relation == TeamRelation::Member
                    && !access::organizes(conn, &caller, &access.event.id)?
                {
                    return Err(Error::Forbidden(
                        "only the team's coaches and the event's organizers sign off its passes"
                            .into(),
                    ));
                }
                if access.event.phase() == Phase::Ended {
                    return Err(Error::conflict(
                        "not_running",
                        "the event has ended: sign-offs are closed",
                    ));
                }
                let decided = SignOff::decide(conn, &id, approve, &comment, &caller.id)?;
                // In the decision's transaction: an approval is a solve (see `record_outgoing`).
                record_outgoing(
                    conn,
                    Outgoing::SignedOff {
                        submission_id: &id,
                        approved: approve,
                    },
                )?;
                let challenge = Challenge::find(conn, &submission.challenge_id)?;
                let listed = ListedSignOff {
                    sign_off: decided,
                    team_name: access.team.name.clone(),
                    challenge_slug: challenge.slug,
                    challenge_title: challenge.title,
                    answer: submission.answer,
                    submitted_at: submission.created_at,
                };
                Ok::<_, Error>((SignOffView::of(&listed), access.event.id))
            })
        })
        .await?;
    announce(
        state,
        Change::SignedOff {
            event_id,
            team_id: view.team.clone(),
            submission_id: view.submission.clone(),
            challenge: view.challenge.clone(),
            approved: approve,
            comment: view.comment.clone(),
        },
    );
    Ok(view)
}

/// The sign-offs of the event `slug` the caller oversees (organizers: every team; coaches:
/// their teams; 403 for anyone else), oldest first, in `state` (all when `None`).
pub fn list(
    conn: &mut DbConnection,
    user: &User,
    slug: &str,
    state: Option<SignOffState>,
) -> Result<Vec<SignOffView>> {
    let access = access::event_access(conn, user, slug)?;
    let Some(oversight) = access::oversight(conn, user, &access)? else {
        return Err(Error::Forbidden(
            "only the event's organizers and coaches see its sign-offs".into(),
        ));
    };
    Ok(
        SignOff::of_event(conn, &access.event.id, state, oversight.team_ids())?
            .iter()
            .map(SignOffView::of)
            .collect(),
    )
}

/// The sign-offs awaiting `user` in every event: those of the teams they coach, and of every
/// team of the events they organize (the coach's page).
pub fn awaiting_for(conn: &mut DbConnection, user: &User) -> Result<Vec<(String, SignOffView)>> {
    let mut found = Vec::new();
    for event in crate::models::event::Event::list(conn)? {
        let teams = if access::organizes(conn, user, &event.id)? {
            None
        } else {
            let coached: Vec<String> =
                crate::models::team::Team::coached_by(conn, &event.id, &user.id)?
                    .into_iter()
                    .map(|t| t.id)
                    .collect();
            if coached.is_empty() {
                continue;
            }
            Some(coached)
        };
        for listed in SignOff::of_event(
            conn,
            &event.id,
            Some(SignOffState::Awaiting),
            teams.as_deref(),
        )? {
            found.push((event.name.clone(), SignOffView::of(&listed)));
        }
    }
    Ok(found)
}
