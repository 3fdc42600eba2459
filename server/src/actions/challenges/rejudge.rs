//! Rejudging a challenge: every submission that has a verdict (or a validator error) is run
//! again on the challenge's live version; each gets a new verdict row that becomes current,
//! the old rows stay for the record. Pending submissions are left to the judge, which uses
//! the live version anyway.

use actix_web::web;
use futures_util::StreamExt;

use crate::{
    access,
    actions::announce::{Change, announce},
    error::{Error, Result},
    judge::{
        run::{load, run},
        views::{OutcomeView, RejudgeChange, RejudgeReport},
    },
    models::{
        challenge::Challenge, submission::Submission, user::User,
        validator_version::ValidatorVersion, verdict::Verdict,
    },
    state::AppState,
};

/// Re-runs every finished submission of a challenge on its live version (authors and
/// organizers of the event).
pub async fn rejudge(
    state: &web::Data<AppState>,
    user: &User,
    event_slug: &str,
    challenge_slug: &str,
) -> Result<RejudgeReport> {
    let (caller, event_slug, challenge_slug) = (
        user.clone(),
        event_slug.to_owned(),
        challenge_slug.to_owned(),
    );
    let (challenge, version, submissions) = state
        .db
        .run(move |conn| {
            let standing = access::event_access(conn, &caller, &event_slug)?;
            standing.require_author()?;
            let challenge = Challenge::get_by_slug(conn, &standing.event.id, &challenge_slug)?;
            let version_id = challenge.live_version_id.clone().ok_or_else(|| {
                Error::conflict("no_live_version", "this challenge has no validator yet")
            })?;
            let version = ValidatorVersion::find(conn, &version_id)?;
            let submissions = Submission::finished_of_challenge(conn, &challenge.id)?;
            Ok::<_, Error>((challenge, version, submissions))
        })
        .await?;
    let loaded = state.judge.version(&state.db, &version.id).await?;
    let rejudged = submissions.len();

    let results: Vec<Result<Option<RejudgeChange>>> = futures_util::stream::iter(submissions)
        .map(|submission| {
            let (state, loaded) = (state.clone(), loaded.clone());
            async move {
                let stored = load(&state, &submission.id).await?;
                let report = run(&state, &loaded, stored).await;
                let verdict = Verdict::from_report(&submission.id, &loaded.version_id, &report);
                let after = OutcomeView::of(&verdict);
                let before = state
                    .db
                    .write(move |conn| Verdict::record_rejudge(conn, &verdict))
                    .await?
                    .map(|v| OutcomeView::of(&v));
                Ok((before != Some(after)).then_some(RejudgeChange {
                    submission: submission.id,
                    team: submission.team_id,
                    before,
                    after,
                }))
            }
        })
        .buffered(16)
        .collect()
        .await;
    announce(
        state,
        Change::Rejudged {
            event_id: challenge.event_id.clone(),
        },
    );

    let mut changed = Vec::new();
    for result in results {
        if let Some(change) = result? {
            changed.push(change);
        }
    }
    tracing::info!(
        challenge = %challenge.slug,
        version = version.version,
        rejudged,
        changed = changed.len(),
        "challenge rejudged"
    );
    Ok(RejudgeReport {
        challenge: challenge.slug,
        version: version.version,
        rejudged,
        changed,
    })
}
