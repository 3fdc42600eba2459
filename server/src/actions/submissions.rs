//! Accepting a submission, and reading submissions back.
//!
//! Who may submit: the team's **members**, while the event runs (started and not ended), to
//! a challenge open to their team. Coaches and organizers may read a team's submissions but
//! not submit for it (403): a verdict must be the team's own work.
//!
//! Order of the checks: access (404 to outsiders), role, schedule (409 `not_running`), lock
//! (409 `locked`), the endpoints a challenge judged against the team's service needs (422
//! `endpoint_missing`, `invalid_endpoint`; such a submission may be empty), the input itself (400: `invalid_path`, `duplicate_path`, `invalid_base64`,
//! `empty_submission`, `too_many_files`; 413 when too large for the challenge), then the rate
//! limit (429), so that a malformed request does not spend the team's budget.

use std::collections::HashSet;

use actix_web::web;
use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::models::sign_off::SignOff;
use crate::{
    access::{self, TeamRelation},
    actions::announce::{Change, announce},
    actions::challenges::ladder::{ensure_unlocked, not_running},
    actions::endpoints,
    db::{DbConnection, new_id, now},
    error::{Error, Result},
    judge::{
        run::judge_new,
        views::{Audience, SubmissionList, SubmissionView, submission_summary, submission_view},
    },
    models::{
        challenge::Challenge,
        event::Phase,
        role::{self, EventRole},
        submission::{Submission, SubmissionFile, SubmissionStatus},
        user::User,
        verdict::Verdict,
    },
    state::AppState,
};

/// `POST /teams/{id}/submissions`
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// The challenge's slug.
    pub challenge: String,
    /// The short answer.
    #[serde(default)]
    pub answer: Option<String>,
    /// The files.
    #[serde(default)]
    pub files: Option<Vec<SubmittedFile>>,
}

/// A file of a submission.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmittedFile {
    /// Relative path with `/` separators, staying inside the submission (`src/main.rs`).
    pub path: String,
    /// The content, standard base64.
    pub content_base64: String,
}

/// What became of a submission by the time the response is sent.
#[derive(Debug)]
pub enum SubmitOutcome {
    /// Judged (verdict or validator error) within the wait.
    Judged(Box<SubmissionView>),
    /// Stored and still being judged.
    Pending(Box<SubmissionView>),
}

/// Longest accepted file path, in bytes.
const MAX_PATH: usize = 255;

/// Checks a submitted path: relative, `/`-separated, no `.`/`..`/empty segments, no
/// backslashes or control characters.
fn check_path(path: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::bad_request(
            "invalid_path",
            format!("file path `{}`: {why}", path.escape_default()),
        ))
    };
    if path.is_empty() || path.len() > MAX_PATH {
        return bad(&format!("must have 1 to {MAX_PATH} bytes"));
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return bad("must not contain backslashes or control characters");
    }
    if path.starts_with('/') {
        return bad("must be relative");
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
    {
        return bad("must stay inside the submission (no `..`, `.` or empty segments)");
    }
    Ok(())
}

/// Decodes and checks the submitted files.
fn decode_files(files: Vec<SubmittedFile>) -> Result<Vec<cohack_runtime::File>> {
    let mut seen = HashSet::new();
    let mut decoded = Vec::with_capacity(files.len());
    for file in files {
        check_path(&file.path)?;
        if !seen.insert(file.path.clone()) {
            return Err(Error::bad_request(
                "duplicate_path",
                format!("file path `{}` appears twice", file.path),
            ));
        }
        let content = STANDARD.decode(file.content_base64.trim()).map_err(|e| {
            Error::bad_request(
                "invalid_base64",
                format!(
                    "file `{}`: content_base64 is not standard base64: {e}",
                    file.path
                ),
            )
        })?;
        decoded.push(cohack_runtime::File {
            path: file.path,
            content,
        });
    }
    decoded.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(decoded)
}

/// Stores a team's submission, starts judging it, and waits a short time for the verdict.
pub async fn submit(
    state: web::Data<AppState>,
    user: &User,
    team_id: &str,
    request: SubmitRequest,
) -> Result<SubmitOutcome> {
    let (caller, team, slug) = (user.clone(), team_id.to_owned(), request.challenge.clone());
    let judge = state.clone();
    let (team, challenge, limits, network, endpoints) = state
        .db
        .run(move |conn| {
            let access = access::team_access(conn, &caller, &team)?;
            if access.relation != TeamRelation::Member {
                return Err(Error::Forbidden(
                    "only the team's members submit; coaches and organizers may read its submissions"
                        .into(),
                ));
            }
            let challenge = Challenge::get_by_slug(conn, &access.event.id, &slug)?;
            if !matches!(access.event.phase(), Phase::Running | Phase::Frozen) {
                return Err(not_running(&access.event));
            }
            // A new version of the event's terms is accepted before the next submission.
            crate::models::terms::require_current(conn, &access.event.id, &caller.id)?;
            ensure_unlocked(conn, &challenge, &access.team.id)?;
            // The limits come from the live version's manifest: nothing is loaded or
            // compiled before the submission is stored.
            let version_id = challenge.live_version_id.as_deref().ok_or_else(|| {
                Error::conflict("no_live_version", "this challenge has no validator yet")
            })?;
            let manifest = judge.judge.manifest(conn, version_id)?;
            let limits = judge.judge.limits_for(&manifest);
            // A challenge judged against the team's service: the endpoints it names must be
            // set, and are copied with the submission so every run calls the same URLs.
            let endpoints = match &manifest.network {
                Some(spec) => Some(endpoints::for_submission(
                    conn,
                    &access.team.id,
                    spec,
                    &challenge.title,
                    &judge.config,
                )?),
                None => None,
            };
            Ok::<_, Error>((access.team, challenge, limits, manifest.network.clone(), endpoints))
        })
        .await?;

    let answer = request.answer.unwrap_or_default();
    let files = decode_files(request.files.unwrap_or_default())?;
    // For a challenge judged against the team's service, the service is the submission: an
    // empty answer with no files is what its statement asks for.
    if answer.trim().is_empty() && files.is_empty() && endpoints.is_none() {
        return Err(Error::bad_request(
            "empty_submission",
            "send a short answer, files, or both",
        ));
    }
    if files.len() > limits.max_submission_files {
        return Err(Error::bad_request(
            "too_many_files",
            format!(
                "{} files, this challenge accepts at most {}",
                files.len(),
                limits.max_submission_files
            ),
        ));
    }
    let size = answer.len()
        + files
            .iter()
            .map(|f| f.path.len() + f.content.len())
            .sum::<usize>();
    if size > limits.max_submission_bytes {
        return Err(Error::PayloadTooLarge {
            limit: limits.max_submission_bytes,
        });
    }
    state
        .throttles
        .submissions
        .check(&format!("{}:{}", team.id, challenge.id))?;

    let submission = Submission {
        id: new_id(),
        team_id: team.id.clone(),
        challenge_id: challenge.id.clone(),
        submitted_by: user.id.clone(),
        answer,
        status: SubmissionStatus::Pending.as_str().to_owned(),
        created_at: now(),
        endpoints: endpoints.as_deref().map(Submission::endpoints_json),
    };
    let rows: Vec<SubmissionFile> = files
        .iter()
        .map(|f| SubmissionFile {
            submission_id: submission.id.clone(),
            path: f.path.clone(),
            content: f.content.clone(),
        })
        .collect();
    let listed: Vec<(String, i64, Option<Vec<u8>>)> = rows
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                i64::try_from(f.content.len()).unwrap_or(i64::MAX),
                None,
            )
        })
        .collect();
    let stored = submission.clone();
    // The team's `submission` activity is stored with it, not by the live layer afterwards.
    let activity = state.live.submission_activity(
        &submission.team_id,
        &submission.id,
        &challenge.slug,
        &submission.submitted_by,
    );
    let recorded = activity.clone();
    // Grouped: submissions arriving together are committed in one transaction, and this
    // answer waits until the one holding this submission has committed.
    state
        .db
        .write_grouped(move |conn| {
            Submission::store(conn, &stored, &rows)?;
            recorded.store(conn)
        })
        .await?;
    announce(
        &state,
        Change::Submitted {
            team_id: submission.team_id.clone(),
            submission_id: submission.id.clone(),
            challenge: challenge.slug.clone(),
            submitted_by: submission.submitted_by.clone(),
            stored: Some(activity.stored()),
        },
    );

    // Committed: from here on the submission is judged even if this request goes away.
    // The judge is handed what was stored, so it reads nothing back.
    let judge = {
        let state = state.clone();
        let (stored, challenge) = (submission.clone(), challenge.clone());
        let endpoints = endpoints.unwrap_or_default();
        tokio::spawn(async move {
            judge_new(&state, stored, files, challenge, network, endpoints).await
        })
    };
    // `judge_wait_ms = 0` means never wait: always 202, even when the judge is quick enough to
    // finish before a zero timeout is first polled (which made the answer a race). The judge
    // goes on either way: dropping its handle detaches it.
    let wait = state.judge.wait();
    let verdict = if wait.is_zero() {
        None
    } else {
        match tokio::time::timeout(wait, judge).await {
            Ok(Ok(Ok(verdict))) => verdict,
            Ok(Ok(Err(e))) => {
                tracing::warn!(submission = %submission.id, error = %e, "judging failed: left pending");
                None
            }
            Ok(Err(e)) => {
                tracing::error!(submission = %submission.id, error = %e, "judge task failed");
                None
            }
            Err(_) => None,
        }
    };
    let mut submission = submission;
    if let Some(v) = &verdict {
        let needs_sign_off = challenge.sign_off == crate::models::challenge::SIGN_OFF_COACH;
        submission.status = v.first_status(needs_sign_off).as_str().to_owned();
    }
    // A pass awaiting a sign-off: its row was stored with the verdict.
    let awaiting = (submission.status == SubmissionStatus::AwaitingSignOff.as_str()).then(|| {
        SignOff::awaiting(
            &submission.id,
            &submission.team_id,
            &submission.challenge_id,
        )
    });
    if awaiting.is_some() {
        submission.status = SubmissionStatus::Judged.as_str().to_owned();
    }
    let view = submission_view(
        &submission,
        &challenge.slug,
        listed,
        verdict.as_ref(),
        Audience::Team,
        awaiting.as_ref(),
    );
    Ok(if verdict.is_some() {
        SubmitOutcome::Judged(Box::new(view))
    } else {
        SubmitOutcome::Pending(Box::new(view))
    })
}

/// Whether `user` gets the authors' details (notes, logs) for an event's submissions.
fn is_staff(conn: &mut DbConnection, user: &User, event_id: &str) -> Result<bool> {
    if user.is_portal_organizer {
        return Ok(true);
    }
    let roles = role::roles_of(conn, event_id, &user.id)?;
    Ok(roles.contains(&EventRole::Organizer) || roles.contains(&EventRole::Author))
}

/// One submission with its files and current verdict, for those who may see its team.
pub fn submission_detail(
    conn: &mut DbConnection,
    user: &User,
    submission_id: &str,
) -> Result<SubmissionView> {
    let submission = Submission::find(conn, submission_id)?;
    let access = access::team_access(conn, user, &submission.team_id).map_err(|e| match e {
        Error::NotFound(_) => Error::NotFound("submission"),
        other => other,
    })?;
    let audience = if is_staff(conn, user, &access.event.id)? {
        Audience::Staff
    } else {
        Audience::Team
    };
    let challenge = Challenge::find(conn, &submission.challenge_id)?;
    let files = Submission::files(conn, &submission.id)?
        .into_iter()
        .map(|f| {
            let size = i64::try_from(f.content.len()).unwrap_or(i64::MAX);
            (f.path, size, Some(f.content))
        })
        .collect();
    let verdict = Verdict::current(conn, &submission.id)?;
    let sign_off = SignOff::of_submission(conn, &submission.id)?;
    Ok(submission_view(
        &submission,
        &challenge.slug,
        files,
        verdict.as_ref(),
        audience,
        sign_off.as_ref(),
    ))
}

/// A team's submissions, newest first (at most `limit`, optionally for one challenge).
pub fn team_submissions(
    conn: &mut DbConnection,
    user: &User,
    team_id: &str,
    challenge_slug: Option<&str>,
    limit: i64,
) -> Result<SubmissionList> {
    let access = access::team_access(conn, user, team_id)?;
    let challenge_id = match challenge_slug {
        Some(slug) => Some(Challenge::get_by_slug(conn, &access.event.id, slug)?.id),
        None => None,
    };
    let listed = Submission::of_team(conn, &access.team.id, challenge_id.as_deref(), limit)?;
    let ids: Vec<String> = listed.iter().map(|l| l.submission.id.clone()).collect();
    let verdicts = Verdict::current_summaries(conn, &ids)?;
    let sign_offs = SignOff::of_submissions(conn, &ids)?;
    Ok(SubmissionList {
        submissions: listed
            .iter()
            .map(|l| {
                submission_summary(
                    &l.submission,
                    &l.challenge_slug,
                    verdicts.get(&l.submission.id),
                    sign_offs.get(&l.submission.id),
                )
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside_the_submission() {
        for good in [
            "a.txt",
            "src/main.rs",
            "dir/sub/file.csv",
            "..hidden",
            "a..b",
        ] {
            assert!(check_path(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a/./b",
            "a\\b",
            "a/",
            "x\0y",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_path(&"a".repeat(MAX_PATH + 1)).is_err());
    }
}
