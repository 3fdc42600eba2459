//! Judging one stored submission: load it, run the live validator of its challenge on the
//! worker pool, record the verdict (or the validator error) while the submission is still
//! pending, and tell the leaderboard.

use cohack_runtime::{File, RunReport};

use crate::{
    actions::announce::{Change, announce},
    error::{Error, Result},
    judge::LoadedVersion,
    models::{
        challenge::Challenge,
        submission::{Submission, SubmissionStatus},
        verdict::Verdict,
    },
    state::AppState,
};

/// A stored submission with what judging it needs.
pub(crate) struct Stored {
    pub(crate) submission: Submission,
    pub(crate) files: Vec<File>,
    pub(crate) challenge: Challenge,
}

/// Loads a submission, its files and its challenge.
pub(crate) async fn load(state: &AppState, submission_id: &str) -> Result<Stored> {
    let id = submission_id.to_owned();
    state
        .db
        .run(move |conn| {
            let submission = Submission::find(conn, &id)?;
            let files = Submission::files(conn, &id)?
                .into_iter()
                .map(|f| File {
                    path: f.path,
                    content: f.content,
                })
                .collect();
            let challenge = Challenge::find(conn, &submission.challenge_id)?;
            Ok::<_, Error>(Stored {
                submission,
                files,
                challenge,
            })
        })
        .await
}

/// Runs `loaded` on a stored submission, on the worker pool.
pub(crate) async fn run(state: &AppState, loaded: &LoadedVersion, stored: Stored) -> RunReport {
    let context = loaded.context(&stored.challenge);
    let submission = cohack_runtime::Submission {
        challenge: stored.challenge.slug,
        team: stored.submission.team_id,
        answer: stored.submission.answer,
        files: stored.files,
    };
    state
        .judge
        .runtime()
        .judge(&loaded.validator, submission, context)
        .await
}

/// Judges the submission `submission_id` if it is still pending and returns its current
/// verdict (`None` if its challenge has no live validator). Idempotent: when another judge
/// (another instance, the recovery sweep) recorded a verdict first, that one is returned.
pub async fn judge_submission(state: &AppState, submission_id: &str) -> Result<Option<Verdict>> {
    let stored = load(state, submission_id).await?;
    if stored.submission.status()? != SubmissionStatus::Pending {
        return current(state, submission_id).await;
    }
    let Some(version_id) = stored.challenge.live_version_id.clone() else {
        tracing::warn!(submission = %submission_id, "challenge has no live validator: left pending");
        return Ok(None);
    };
    let event_id = stored.challenge.event_id.clone();
    let (team_id, challenge_slug) = (
        stored.submission.team_id.clone(),
        stored.challenge.slug.clone(),
    );
    let loaded = state.judge.version(&state.db, &version_id).await?;
    let report = run(state, &loaded, stored).await;
    let verdict = Verdict::from_report(submission_id, &version_id, &report);
    if let Err(e) = &report.outcome {
        tracing::warn!(submission = %submission_id, validator = %version_id, error = %e, "validator error");
    }
    let recorded = state
        .db
        .write(move |conn| Verdict::record_first(conn, &verdict))
        .await?;
    match recorded {
        Some(verdict) => {
            announce(
                state,
                Change::Judged {
                    verdict: Box::new(verdict.clone()),
                    event_id,
                    team_id,
                    challenge: challenge_slug,
                },
            );
            tracing::info!(
                submission = %submission_id,
                status = %verdict.status(),
                passed = verdict.passed,
                score = verdict.score,
                duration_us = verdict.duration_us,
                "submission judged"
            );
            Ok(Some(verdict))
        }
        None => current(state, submission_id).await,
    }
}

async fn current(state: &AppState, submission_id: &str) -> Result<Option<Verdict>> {
    let id = submission_id.to_owned();
    state.db.run(move |conn| Verdict::current(conn, &id)).await
}
