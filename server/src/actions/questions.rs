//! Questions (clarifications): a team asks about a challenge; the team's coaches and the
//! event's organizers answer it to the team or to everyone, or mark it a duplicate of an
//! answered one; organizers keep canned answers per challenge.
//!
//! Who may do what:
//! - asking: the team's members, about a challenge open to the team (its statement visible:
//!   404 otherwise, as for a challenge that does not exist), until the event ends (409
//!   `event_ended` afterwards); coaches and organizers get 403;
//! - reading a team's questions: its members, its coaches, the event's organizers (404 for
//!   anyone else, as every team read);
//! - the event's queue: organizers (every team) and engineers (the teams they coach, as
//!   [`access::Oversight`] says), with every clarification; 403 for anyone else;
//! - answering and marking duplicates: the asking team's coaches and the event's organizers
//!   (403 for its members, 404 for anyone else). An answered question stays answered: a
//!   second answer is 409 `already_answered`;
//! - canned answers: organizers write and delete them, organizers and engineers read them.
//!
//! What follows a question or an answer (activity, the staff queue, every workspace for an
//! answer to everyone) is decided in [`crate::actions::announce`].

use diesel::Connection;

use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, announce},
    db::DbConnection,
    error::{Error, Result},
    models::{
        challenge::Challenge,
        event::Phase,
        question::{AnswerTo, CannedAnswer, Question, QuestionList, QuestionView},
        team::Person,
        user::User,
    },
    state::AppState,
};

/// The states a queue may be filtered by.
pub const STATES: [&str; 3] = ["open", "answered", "duplicate"];

/// Asks a question about the challenge `challenge_slug` as a member of `team_id`.
pub async fn ask(
    state: &AppState,
    user: &User,
    team_id: &str,
    challenge_slug: &str,
    text: &str,
) -> Result<QuestionView> {
    let (caller, team_id, slug, text) = (
        user.clone(),
        team_id.to_owned(),
        challenge_slug.to_owned(),
        text.to_owned(),
    );
    let view = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let access = access::team_access(conn, &caller, &team_id)?;
                if access.relation != TeamRelation::Member {
                    return Err(Error::Forbidden(
                        "only the team's members ask its questions".into(),
                    ));
                }
                let challenge =
                    crate::actions::challenges::ladder::visible_to_team(conn, &access, &slug)?;
                if access.event.phase() == Phase::Ended {
                    return Err(Error::conflict(
                        "event_ended",
                        "the event has ended: questions are closed",
                    ));
                }
                let question = Question::ask(
                    conn,
                    &access.event.id,
                    &access.team.id,
                    &challenge.id,
                    &caller.id,
                    &text,
                )?;
                Question::view(conn, &question.id)
            })
        })
        .await?;
    announce(
        state,
        Change::QuestionAsked {
            question: Box::new(view.clone()),
            asked_by: Person {
                user_id: user.id.clone(),
                display_name: user.display_name.clone(),
            },
        },
    );
    Ok(view)
}

/// The question `id` with the caller's access to its team: the team's coaches and the
/// event's organizers; 403 for its members, 404 for anyone else.
fn staff_question(conn: &mut DbConnection, caller: &User, id: &str) -> Result<Question> {
    let question = Question::find(conn, id)?;
    let access = match access::team_access(conn, caller, &question.team_id) {
        Ok(access) => access,
        Err(Error::NotFound(_)) => return Err(Error::NotFound("question")),
        Err(other) => return Err(other),
    };
    if access.relation == TeamRelation::Member
        && !access::organizes(conn, caller, &access.event.id)?
    {
        return Err(Error::Forbidden(
            "only the team's coaches and the event's organizers answer its questions".into(),
        ));
    }
    Ok(question)
}

/// Answers the question `id` to the team or to everyone.
pub async fn answer(
    state: &AppState,
    user: &User,
    id: &str,
    text: &str,
    to: AnswerTo,
) -> Result<QuestionView> {
    let (caller, id, text) = (user.clone(), id.to_owned(), text.to_owned());
    let view = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                staff_question(conn, &caller, &id)?;
                Question::answer(conn, &id, &caller.id, &text, to)?;
                Question::view(conn, &id)
            })
        })
        .await?;
    announce(
        state,
        Change::QuestionAnswered {
            question: Box::new(view.clone()),
        },
    );
    Ok(view)
}

/// Marks the question `id` a duplicate of the answered question `of` (same event and
/// challenge; 422 `invalid_duplicate` otherwise). A question answered to its team only may
/// be named only by staff who oversee that team too.
pub async fn mark_duplicate(
    state: &AppState,
    user: &User,
    id: &str,
    of: &str,
) -> Result<QuestionView> {
    let (caller, id, of) = (user.clone(), id.to_owned(), of.to_owned());
    let view = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                let question = staff_question(conn, &caller, &id)?;
                let refused = || {
                    Error::unprocessable(
                        "invalid_duplicate",
                        "`of` must be another answered question about the same challenge",
                    )
                };
                let original = match Question::find(conn, &of) {
                    Ok(original) => original,
                    Err(Error::NotFound(_)) => return Err(refused()),
                    Err(other) => return Err(other),
                };
                if !question.may_repeat(&original) {
                    return Err(refused());
                }
                if !original.is_clarification() {
                    let sees = match access::team_access(conn, &caller, &original.team_id) {
                        Ok(access) => {
                            access.relation != TeamRelation::Member
                                || access::organizes(conn, &caller, &access.event.id)?
                        }
                        Err(Error::NotFound(_)) => false,
                        Err(other) => return Err(other),
                    };
                    if !sees {
                        return Err(refused());
                    }
                }
                Question::mark_duplicate(conn, &id, &original, &caller.id)?;
                Question::view(conn, &id)
            })
        })
        .await?;
    announce(
        state,
        Change::QuestionAnswered {
            question: Box::new(view.clone()),
        },
    );
    Ok(view)
}

/// The team's own questions with their answers, and every clarification of its event.
pub fn of_team(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<QuestionList> {
    let access = access::team_access(conn, caller, team_id)?;
    Ok(QuestionList {
        questions: Question::views_of_event(
            conn,
            &access.event.id,
            Some(std::slice::from_ref(&access.team.id)),
            None,
        )?,
        clarifications: Question::clarifications(conn, &access.event.id)?,
    })
}

/// The event's queue as `caller` oversees it (open first, oldest first; only `state` when
/// given, 400 `invalid_state` for another word), with every clarification.
pub fn of_event(
    conn: &mut DbConnection,
    caller: &User,
    slug: &str,
    state: Option<&str>,
) -> Result<QuestionList> {
    if let Some(state) = state
        && !STATES.contains(&state)
    {
        return Err(Error::bad_request(
            "invalid_state",
            "`state` is `open`, `answered` or `duplicate`",
        ));
    }
    let access = access::event_access(conn, caller, slug)?;
    let Some(oversight) = access::oversight(conn, caller, &access)? else {
        return Err(Error::Forbidden(
            "only the event's organizers and engineers see its questions".into(),
        ));
    };
    Ok(QuestionList {
        questions: Question::views_of_event(conn, &access.event.id, oversight.team_ids(), state)?,
        clarifications: Question::clarifications(conn, &access.event.id)?,
    })
}

/// The challenge `slug` of the event `event_slug`, for its staff: organizers (and engineers
/// too unless `organizers_only`); 403 for anyone else.
fn staff_challenge(
    conn: &mut DbConnection,
    caller: &User,
    event_slug: &str,
    slug: &str,
    organizers_only: bool,
) -> Result<Challenge> {
    let access = access::event_access(conn, caller, event_slug)?;
    if organizers_only {
        access.require_organizer()?;
    } else if !(access.is_organizer() || access.is_engineer()) {
        return Err(Error::Forbidden(
            "only the event's organizers and engineers read its canned answers".into(),
        ));
    }
    Challenge::get_by_slug(conn, &access.event.id, slug)
}

/// The canned answers of a challenge (the event's organizers and engineers).
pub fn canned_answers(
    conn: &mut DbConnection,
    caller: &User,
    event_slug: &str,
    challenge_slug: &str,
) -> Result<Vec<CannedAnswer>> {
    let challenge = staff_challenge(conn, caller, event_slug, challenge_slug, false)?;
    CannedAnswer::of_challenge(conn, &challenge.id)
}

/// Every canned answer of the event, with its challenge's slug (organizers and engineers).
pub fn canned_answers_of_event(
    conn: &mut DbConnection,
    caller: &User,
    event_id: &str,
) -> Result<Vec<(String, CannedAnswer)>> {
    if !access::organizes(conn, caller, event_id)?
        && !crate::models::role::roles_of(conn, event_id, &caller.id)?
            .contains(&crate::models::role::EventRole::Engineer)
    {
        return Ok(Vec::new());
    }
    CannedAnswer::of_event(conn, event_id)
}

/// Keeps a canned answer for a challenge (the event's organizers).
pub fn create_canned_answer(
    conn: &mut DbConnection,
    caller: &User,
    event_slug: &str,
    challenge_slug: &str,
    title: &str,
    text: &str,
) -> Result<CannedAnswer> {
    let challenge = staff_challenge(conn, caller, event_slug, challenge_slug, true)?;
    CannedAnswer::create(conn, &challenge.id, &caller.id, title, text)
}

/// Deletes a canned answer (the event's organizers; 404 for an unknown id).
pub fn delete_canned_answer(conn: &mut DbConnection, caller: &User, id: &str) -> Result<()> {
    let canned = CannedAnswer::find(conn, id)?;
    let challenge = Challenge::find(conn, &canned.challenge_id)?;
    if !access::organizes(conn, caller, &challenge.event_id)? {
        return Err(Error::Forbidden(
            "only the event's organizers may do this".into(),
        ));
    }
    CannedAnswer::delete(conn, id)
}
