//! Activity stored in the transaction of the change that made it.
//!
//! The live layer records most activity itself, one write per item, in the order published
//! ([`super::changes`]). For submissions and verdicts, thousands a second at the box's limit,
//! that queue of single writes would be the slowest part of the path, so their activity row
//! (and, on PostgreSQL, the notice that tells the other instances) is built here and written by
//! the action in the same grouped transaction as the submission or the verdict
//! ([`crate::db::Database::write_grouped`]). Once that committed, the hub only delivers it to
//! this instance's clients, from the payload it already has: nothing is read back.

use bytestring::ByteString;
use serde_json::{Value, json};

use super::{
    LiveHub,
    bus::{self, Notice},
    registry::{Frame, Topic},
};
use crate::{
    db::{DbConnection, new_id, now},
    error::Result,
    models::{activity::Activity, submission::SubmissionStatus, verdict::Verdict},
};

/// An activity row and its notice, ready to be stored by the caller's transaction.
#[derive(Debug, Clone)]
pub struct NewActivity {
    activity: Activity,
    notice: Notice,
}

impl NewActivity {
    /// Stores the row and (PostgreSQL) the notice, inside the caller's transaction.
    pub fn store(&self, conn: &mut DbConnection) -> Result<()> {
        Activity::record(conn, &self.activity)?;
        bus::notify(conn, &self.notice)
    }

    /// The row's id.
    pub fn id(&self) -> &str {
        &self.activity.id
    }

    /// What the hub delivers once the row committed.
    pub fn stored(self) -> StoredActivity {
        StoredActivity {
            team_id: self.activity.team_id,
            id: self.activity.id,
            payload: self.activity.payload,
        }
    }
}

/// An activity row that committed: what the hub delivers here.
#[derive(Debug, Clone)]
pub struct StoredActivity {
    /// The team.
    pub team_id: String,
    /// The row's id.
    pub id: String,
    /// The frame as stored.
    pub payload: String,
}

/// The fields of a `submission` activity.
pub(super) fn submission_data(submission_id: &str, challenge: &str, submitted_by: &str) -> Value {
    json!({"submission_id": submission_id, "challenge": challenge,
        "submitted_by": submitted_by})
}

/// The fields of a `verdict` activity (`checks` as stored with the verdict).
#[expect(
    clippy::too_many_arguments,
    reason = "the activity's fields, each named at the call"
)]
pub(super) fn verdict_data(
    submission_id: &str,
    challenge: &str,
    status: SubmissionStatus,
    passed: bool,
    score: i32,
    max_score: i32,
    feedback: &str,
    checks: &Value,
) -> Value {
    json!({"submission_id": submission_id, "challenge": challenge,
        "status": status.as_str(), "passed": passed, "score": score,
        "max_score": max_score, "feedback": feedback, "checks": checks})
}

impl LiveHub {
    /// A `kind` activity of `team_id` with `data`'s fields, and its notice, not yet stored.
    pub(super) fn new_activity(&self, team_id: &str, kind: &str, data: Value) -> NewActivity {
        let id = new_id();
        let at = now();
        let mut payload = json!({"type": "activity", "id": id, "kind": kind, "at": at.and_utc()});
        if let (Some(target), Value::Object(fields)) = (payload.as_object_mut(), data) {
            target.extend(fields);
        }
        NewActivity {
            notice: Notice::Activity {
                o: self.instance_id().to_owned(),
                t: team_id.to_owned(),
                id: id.clone(),
            },
            activity: Activity {
                id,
                team_id: team_id.to_owned(),
                kind: kind.to_owned(),
                payload: payload.to_string(),
                created_at: at,
            },
        }
    }

    /// The `submission` activity of a submission about to be stored.
    pub fn submission_activity(
        &self,
        team_id: &str,
        submission_id: &str,
        challenge: &str,
        submitted_by: &str,
    ) -> NewActivity {
        let data = submission_data(submission_id, challenge, submitted_by);
        self.new_activity(team_id, "submission", data)
    }

    /// The `verdict` activity of a verdict about to be recorded, with the submission's status.
    pub fn verdict_activity(
        &self,
        team_id: &str,
        challenge: &str,
        verdict: &Verdict,
        status: SubmissionStatus,
    ) -> NewActivity {
        let checks = serde_json::from_str(&verdict.checks).unwrap_or(Value::Array(Vec::new()));
        let data = verdict_data(
            &verdict.submission_id,
            challenge,
            status,
            verdict.passed,
            verdict.score,
            verdict.max_score,
            &verdict.feedback,
            &checks,
        );
        self.new_activity(team_id, "verdict", data)
    }

    /// Pushes a committed activity row to the team's clients here.
    pub(super) fn deliver_stored(&self, stored: &StoredActivity) {
        let topic = Topic::Team(stored.team_id.clone());
        if !self.registry.has(&topic) {
            return;
        }
        self.advance(format!("activity:{}", stored.team_id), &stored.id);
        self.registry.send(
            &topic,
            &Frame::Text(ByteString::from(stored.payload.clone())),
            None,
            None,
        );
    }
}
