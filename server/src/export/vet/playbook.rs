//! The coach's playbook, re-checked on import: a challenge's hints, expected time and sign-off
//! as publishing stores them; hint unlocks, questions, canned answers, nudges and sign-offs
//! that name the file's own teams, challenges and submissions, once each, with their states
//! from their fixed sets.

use super::{Kind, Vetter, invalid, once};
use crate::export::{
    error::Refusal,
    rows::{ChallengeRow, HintUnlockRow, NudgeRow, QuestionRow, SignOffRow},
};

/// The most hints a challenge has (as a package may declare).
const MAX_HINTS: usize = 16;

/// A challenge's playbook columns: `hints` a JSON array of at most 16 `{"title", "cost",
/// "text"}`, `expected_minutes` 1–1440 if set, `sign_off` `none` or `coach`.
pub(super) fn check_challenge(r: &ChallengeRow) -> Result<(), Refusal> {
    let hints: Vec<serde_json::Value> = serde_json::from_str(&r.hints)
        .map_err(|e| invalid(format!("`hints` is not a JSON array: {e}")))?;
    if hints.len() > MAX_HINTS {
        return Err(invalid(format!("`hints` has more than {MAX_HINTS} hints")));
    }
    for hint in &hints {
        let ok = hint["title"].is_string()
            && hint["text"].is_string()
            && hint["cost"].as_i64().is_some_and(|c| c >= 0);
        if !ok {
            return Err(invalid(
                "each of `hints` needs a title, a text and a cost of 0 or more",
            ));
        }
    }
    if r.expected_minutes.is_some_and(|m| !(1..=1440).contains(&m)) {
        return Err(invalid("`expected_minutes` must be between 1 and 1440"));
    }
    if !matches!(r.sign_off.as_str(), "none" | "coach") {
        return Err(invalid(format!(
            "`sign_off` {:?} is not one of none, coach",
            r.sign_off
        )));
    }
    Ok(())
}

impl Vetter {
    pub(super) fn hint_unlock(&mut self, r: &mut HintUnlockRow) -> Result<(), Refusal> {
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
        if r.hint_index < 0 || r.cost < 0 {
            return Err(invalid("`hint_index` and `cost` must be 0 or more"));
        }
        once(
            &mut self.hint_unlocks,
            (r.team_id.clone(), r.challenge_id.clone(), r.hint_index),
            || format!("the unlock of hint {} by one team", r.hint_index),
        )
    }

    pub(super) fn question(&mut self, r: &mut QuestionRow) -> Result<(), Refusal> {
        self.in_event("event_id", &mut r.event_id)?;
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
        let text = r.text.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            return Err(invalid("a question's text must have 1 to 2000 characters"));
        }
        if !matches!(r.state.as_str(), "open" | "answered" | "duplicate") {
            return Err(invalid(format!(
                "`state` {:?} is not one of open, answered, duplicate",
                r.state
            )));
        }
        if !matches!(r.answer_to.as_deref(), None | Some("team" | "everyone")) {
            return Err(invalid("`answer_to` must be team, everyone or null"));
        }
        if let Some(original) = r.duplicate_of.as_mut() {
            self.resolve(Kind::Question, "duplicate_of", original)?;
            if self.questions.get(original.as_str()).map(|q| &q.0) != Some(&r.challenge_id) {
                return Err(Refusal::Inconsistent(
                    "`duplicate_of` names a question about another challenge".into(),
                ));
            }
        }
        self.define(Kind::Question, &mut r.id)?;
        self.questions
            .insert(r.id.clone(), (r.challenge_id.clone(), r.answer.is_some()));
        Ok(())
    }

    pub(super) fn nudge(&mut self, r: &mut NudgeRow) -> Result<(), Refusal> {
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
        once(
            &mut self.nudges,
            (r.team_id.clone(), r.challenge_id.clone()),
            || "a second nudge of one team on one challenge".to_owned(),
        )
    }

    pub(super) fn sign_off(&mut self, r: &mut SignOffRow) -> Result<(), Refusal> {
        self.resolve(Kind::Submission, "submission_id", &mut r.submission_id)?;
        self.resolve(Kind::Team, "team_id", &mut r.team_id)?;
        self.resolve(Kind::Challenge, "challenge_id", &mut r.challenge_id)?;
        if self.challenge_of_submission.get(&r.submission_id) != Some(&r.challenge_id) {
            return Err(Refusal::Inconsistent(
                "the sign-off's challenge is not its submission's".into(),
            ));
        }
        if !matches!(r.state.as_str(), "awaiting" | "approved" | "rejected") {
            return Err(invalid(format!(
                "`state` {:?} is not one of awaiting, approved, rejected",
                r.state
            )));
        }
        once(&mut self.sign_offs, r.submission_id.clone(), || {
            "a second sign-off of one submission".to_owned()
        })
    }
}
