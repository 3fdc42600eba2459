//! Observation actions: coaches' notes on a team and participants' feedback on a challenge —
//! evidence for the cliffs report, visible to the team's staff only.

use crate::{
    access::{self, TeamRelation},
    db::DbConnection,
    error::{Error, Result},
    models::{
        challenge::Challenge,
        feedback::{Feedback, FeedbackView},
        note::{CoachNote, NoteView},
        user::User,
    },
};

/// Writes a note on `team_id` and `challenge_slug` as `caller`, who must coach the team or
/// organize its event (members and outsiders: 404).
pub fn write_note(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
    challenge_slug: &str,
    text: &str,
    tags: &[String],
) -> Result<NoteView> {
    let access = access::team_staff_access(conn, caller, team_id)?;
    let challenge = Challenge::get_by_slug(conn, &access.event.id, challenge_slug)?;
    let (note, tags) = CoachNote::checked(&access.team.id, &challenge.id, &caller.id, text, tags)?;
    CoachNote::insert(conn, &note)?;
    Ok(NoteView {
        id: note.id,
        team_id: note.team_id,
        challenge: challenge.slug,
        author_id: caller.id.clone(),
        author: caller.display_name.clone(),
        text: note.text,
        tags,
        created_at: note.created_at.and_utc(),
    })
}

/// The team's notes, oldest first, for its coaches and the event's organizers.
pub fn notes(conn: &mut DbConnection, caller: &User, team_id: &str) -> Result<Vec<NoteView>> {
    let access = access::team_staff_access(conn, caller, team_id)?;
    CoachNote::views_of_team(conn, &access.team.id)
}

/// Records `caller`'s feedback on a challenge of their team (members only: coaches and
/// organizers get 403, outsiders 404).
pub fn give_feedback(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
    challenge_slug: &str,
    difficulty: i32,
    text: &str,
) -> Result<FeedbackView> {
    let access = access::team_access(conn, caller, team_id)?;
    if access.relation != TeamRelation::Member {
        return Err(Error::Forbidden(
            "only the team's members give feedback".into(),
        ));
    }
    let challenge = Challenge::get_by_slug(conn, &access.event.id, challenge_slug)?;
    let feedback = Feedback::checked(&access.team.id, &challenge.id, &caller.id, difficulty, text)?;
    Feedback::insert(conn, &feedback)?;
    Ok(FeedbackView {
        id: feedback.id,
        team_id: feedback.team_id,
        challenge: challenge.slug,
        user_id: feedback.user_id,
        author: caller.display_name.clone(),
        difficulty,
        text: feedback.text,
        created_at: feedback.created_at.and_utc(),
    })
}

/// The team's feedback, oldest first, for its coaches and the event's organizers.
pub fn feedback(
    conn: &mut DbConnection,
    caller: &User,
    team_id: &str,
) -> Result<Vec<FeedbackView>> {
    let access = access::team_staff_access(conn, caller, team_id)?;
    Feedback::views_of_team(conn, &access.team.id)
}
