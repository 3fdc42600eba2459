//! What a team has solved and which rungs of the ladder that opens: the unlocking rule,
//! written once, and the queries it needs. A coach or an organizer may also open one rung for
//! one team without the solve before it ([`crate::models::opening`]): [`open_to_team`] is the
//! rule with those openings, and every reader of a team's ladder goes through it.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::{
    db::{
        DbConnection,
        schema::{submissions, verdicts},
    },
    error::Result,
    models::{opening::Opening, sign_off::SignOff, submission::SubmissionStatus},
};

use super::Challenge;

impl Challenge {
    /// The ids of the challenges `team_id` has solved: a judged submission whose current
    /// verdict passed (a pass awaiting or refused a coach's sign-off is not judged).
    pub fn solved_by(conn: &mut DbConnection, team_id: &str) -> Result<HashSet<String>> {
        let ids: Vec<String> = submissions::table
            .inner_join(verdicts::table)
            .filter(submissions::team_id.eq(team_id))
            .filter(submissions::status.eq(SubmissionStatus::Judged.as_str()))
            .filter(diesel::dsl::not(
                submissions::id.eq_any(SignOff::undecided_or_refused()),
            ))
            .filter(verdicts::is_current.eq(true))
            .filter(verdicts::passed.eq(true))
            .select(submissions::challenge_id)
            .distinct()
            .load(conn)?;
        Ok(ids.into_iter().collect())
    }

    /// How many passing current verdicts that count as solves (judged: not awaiting or
    /// refused a coach's sign-off) `team_id` has on the challenge `challenge_id`.
    pub fn passes(conn: &mut DbConnection, team_id: &str, challenge_id: &str) -> Result<i64> {
        Ok(submissions::table
            .inner_join(verdicts::table)
            .filter(submissions::team_id.eq(team_id))
            .filter(submissions::status.eq(SubmissionStatus::Judged.as_str()))
            .filter(diesel::dsl::not(
                submissions::id.eq_any(SignOff::undecided_or_refused()),
            ))
            .filter(submissions::challenge_id.eq(challenge_id))
            .filter(verdicts::is_current.eq(true))
            .filter(verdicts::passed.eq(true))
            .count()
            .get_result(conn)?)
    }

    /// The challenges (slugs) that a team's first pass on `slug` opened, by the ladder's rule
    /// ([`unlocked`]): none when it had passed it before. Two first passes judged at the same
    /// moment may both see two passes and report nothing; the ladder itself is still right.
    pub fn opened_by_first_pass(
        conn: &mut DbConnection,
        event_id: &str,
        team_id: &str,
        slug: &str,
    ) -> Result<Vec<String>> {
        let ladder = Self::ladder(conn, event_id)?;
        let Some(passed) = ladder.iter().find(|c| c.slug == slug) else {
            return Ok(Vec::new());
        };
        if Self::passes(conn, team_id, &passed.id)? != 1 {
            return Ok(Vec::new());
        }
        let solved = Self::solved_by(conn, team_id)?;
        let opened = Opening::opened_for(conn, team_id)?;
        let mut before = solved.clone();
        before.remove(&passed.id);
        let open_now = open_to_team(&ladder, &solved, &opened);
        let open_before = open_to_team(&ladder, &before, &opened);
        Ok(ladder
            .iter()
            .filter(|c| open_now.contains(&c.id) && !open_before.contains(&c.id))
            .map(|c| c.slug.clone())
            .collect())
    }

    /// The event's ladder and the ids of its challenges open to `team_id` now, by
    /// [`open_to_team`] (solves and openings).
    pub fn open_for_team(
        conn: &mut DbConnection,
        event_id: &str,
        team_id: &str,
    ) -> Result<(Vec<Challenge>, HashSet<String>, HashSet<String>)> {
        let ladder = Self::ladder(conn, event_id)?;
        let solved = Self::solved_by(conn, team_id)?;
        let opened = Opening::opened_for(conn, team_id)?;
        let open = open_to_team(&ladder, &solved, &opened);
        Ok((ladder, solved, open))
    }
}

/// Which challenges of a ladder are open to a team that solved `solved`: the first one,
/// those marked `always_open`, and each one whose predecessor is solved.
pub fn unlocked(ladder: &[Challenge], solved: &HashSet<String>) -> HashSet<String> {
    let mut open = HashSet::new();
    for (i, challenge) in ladder.iter().enumerate() {
        let previous_solved = i == 0 || solved.contains(&ladder[i - 1].id);
        if previous_solved || challenge.always_open {
            open.insert(challenge.id.clone());
        }
    }
    open
}

/// Which challenges of a ladder are open to a team that solved `solved` and for which a
/// coach or an organizer opened `opened`: those [`unlocked`] opens, and every opened one. An
/// opened challenge is open like any other: solving it opens the next.
pub fn open_to_team(
    ladder: &[Challenge],
    solved: &HashSet<String>,
    opened: &HashSet<String>,
) -> HashSet<String> {
    let mut open = unlocked(ladder, solved);
    open.extend(
        ladder
            .iter()
            .filter(|c| opened.contains(&c.id))
            .map(|c| c.id.clone()),
    );
    open
}

/// The challenge a coach may open for a team: the first locked one of the ladder (`None`
/// when every challenge is open to it).
pub fn next_locked<'a>(ladder: &'a [Challenge], open: &HashSet<String>) -> Option<&'a Challenge> {
    ladder.iter().find(|c| !open.contains(&c.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::now;

    fn challenge(id: &str, position: i32, always_open: bool) -> Challenge {
        let at = now();
        Challenge {
            id: id.into(),
            event_id: "e".into(),
            slug: id.into(),
            title: id.into(),
            summary: String::new(),
            position,
            points: 100,
            statement: String::new(),
            always_open,
            config: "{}".into(),
            limits: "{}".into(),
            live_version_id: None,
            created_at: at,
            updated_at: at,
            hints: "[]".into(),
            expected_minutes: None,
            sign_off: crate::models::challenge::SIGN_OFF_NONE.into(),
            coach_guide: None,
        }
    }

    #[test]
    fn the_ladder_opens_one_rung_at_a_time() {
        let ladder = [
            challenge("a", 1, false),
            challenge("b", 2, false),
            challenge("c", 3, false),
            challenge("d", 4, true),
        ];
        let none = unlocked(&ladder, &HashSet::new());
        assert!(none.contains("a") && !none.contains("b") && !none.contains("c"));
        assert!(none.contains("d"), "always open");
        let after_a = unlocked(&ladder, &HashSet::from(["a".to_owned()]));
        assert!(after_a.contains("b") && !after_a.contains("c"));
    }

    #[test]
    fn an_opened_rung_is_open_and_its_solve_opens_the_next() {
        let ladder = [
            challenge("a", 1, false),
            challenge("b", 2, false),
            challenge("c", 3, false),
        ];
        let opened = HashSet::from(["b".to_owned()]);
        let open = open_to_team(&ladder, &HashSet::new(), &opened);
        assert!(open.contains("a") && open.contains("b") && !open.contains("c"));
        assert_eq!(
            next_locked(&ladder, &open).map(|c| c.id.as_str()),
            Some("c")
        );
        let after_b = open_to_team(&ladder, &HashSet::from(["b".to_owned()]), &opened);
        assert!(after_b.contains("a"), "the skipped rung stays open");
        assert!(after_b.contains("c"));
        assert_eq!(next_locked(&ladder, &after_b).map(|c| c.id.as_str()), None);
    }
}
