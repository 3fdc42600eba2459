//! Rejudging a challenge: every submission that has a verdict (or a validator error) is run
//! again on the challenge's live version; each gets a new verdict row that becomes current,
//! the old rows stay for the record. Pending submissions are left to the judge, which uses
//! the live version anyway.
//!
//! For a challenge judged against the teams' services (`[network]`), the mode says how they
//! are reached: `replay` (the default) answers each submission's requests from its current
//! verdict's recorded exchanges, so no service is called and an unchanged validator gives the
//! same verdict; `live` calls the endpoints each submission copied when it was stored. A
//! submission with no recording (judged before its challenge had `[network]`) has nothing to
//! replay: its requests are refused, a `network` validator error that never counts; rejudge
//! it `live`.

use actix_web::web;
use futures_util::StreamExt;

use crate::{
    access,
    actions::announce::{Change, announce},
    error::{Error, Result},
    judge::{
        RejudgeMode,
        run::{load, run},
        views::{OutcomeView, RejudgeChange, RejudgeReport},
    },
    models::{
        challenge::Challenge, reward::RejudgedRewards, submission::Submission, user::User,
        validator_version::ValidatorVersion, verdict::Verdict,
    },
    state::AppState,
};

/// The mode a request names: `replay` when none, 422 `invalid_mode` for an unknown one.
pub fn parse_mode(mode: Option<&str>) -> Result<RejudgeMode> {
    match mode {
        None | Some("replay") => Ok(RejudgeMode::Replay),
        Some("live") => Ok(RejudgeMode::Live),
        Some(other) => Err(Error::unprocessable(
            "invalid_mode",
            format!(
                "`{}` is not a rejudge mode: use `replay` (answer from the recorded exchanges) \
                 or `live` (call the teams' services again)",
                other.chars().take(40).collect::<String>().escape_default()
            ),
        )),
    }
}

/// Re-runs every finished submission of a challenge on its live version (authors and
/// organizers of the event), replaying recorded exchanges: [`rejudge_with`] in
/// [`RejudgeMode::Replay`].
pub async fn rejudge(
    state: &web::Data<AppState>,
    user: &User,
    event_slug: &str,
    challenge_slug: &str,
) -> Result<RejudgeReport> {
    rejudge_with(
        state,
        user,
        event_slug,
        challenge_slug,
        RejudgeMode::default(),
    )
    .await
}

/// Re-runs every finished submission of a challenge on its live version (authors and
/// organizers of the event), reaching the teams' services as `mode` says.
pub async fn rejudge_with(
    state: &web::Data<AppState>,
    user: &User,
    event_slug: &str,
    challenge_slug: &str,
    mode: RejudgeMode,
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
    let needs_sign_off = challenge.sign_off == crate::models::challenge::SIGN_OFF_COACH;

    let results: Vec<Result<Option<RejudgeChange>>> = futures_util::stream::iter(submissions)
        .map(|submission| {
            let (state, loaded) = (state.clone(), loaded.clone());
            async move {
                let stored = load(&state, &submission.id, Some(&loaded.version_id)).await?;
                let report = run(&state, &loaded, stored, mode.into()).await;
                let verdict = Verdict::from_report(&submission.id, &loaded.version_id, &report);
                let after = OutcomeView::of(&verdict);
                let before = state
                    .db
                    .write(move |conn| Verdict::record_rejudge(conn, &verdict, needs_sign_off))
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
    let mut changed = Vec::new();
    let mut failed = None;
    for result in results {
        match result {
            Ok(Some(change)) => changed.push(change),
            Ok(None) => {}
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    // What the new verdicts did to the teams' rewards, before anyone is told.
    let rewards = rejudged_rewards(&changed);
    let remote_rewards = if rewards.is_empty() {
        Vec::new()
    } else {
        let challenge_id = challenge.id.clone();
        state
            .db
            .write(move |conn| rewards.apply(conn, &challenge_id))
            .await?
    };
    announce(
        state,
        Change::Rejudged {
            event_id: challenge.event_id.clone(),
            remote_rewards,
        },
    );
    if let Some(e) = failed {
        return Err(e);
    }
    tracing::info!(
        challenge = %challenge.slug,
        version = version.version,
        mode = mode.as_str(),
        rejudged,
        changed = changed.len(),
        "challenge rejudged"
    );
    Ok(RejudgeReport {
        challenge: challenge.slug,
        version: version.version,
        mode,
        rejudged,
        changed,
    })
}

/// Which teams a rejudge's changes may have given a first solve (a pass where there was none)
/// or taken one from (no pass where there was one): their rewards are looked at again.
fn rejudged_rewards(changes: &[RejudgeChange]) -> RejudgedRewards {
    let mut rewards = RejudgedRewards::default();
    for change in changes {
        let before = change.before.as_ref().is_some_and(|o| o.passed);
        let list = match (before, change.after.passed) {
            (false, true) => &mut rewards.gained,
            (true, false) => &mut rewards.lost,
            _ => continue,
        };
        if !list.contains(&change.team) {
            list.push(change.team.clone());
        }
    }
    rewards
}

#[cfg(test)]
mod tests {
    use actix_web::{ResponseError, http::StatusCode};

    use super::*;

    #[test]
    fn modes_default_to_replay_and_unknown_ones_are_422() {
        assert_eq!(parse_mode(None).expect("default"), RejudgeMode::Replay);
        assert_eq!(
            parse_mode(Some("replay")).expect("replay"),
            RejudgeMode::Replay
        );
        assert_eq!(parse_mode(Some("live")).expect("live"), RejudgeMode::Live);
        let error = parse_mode(Some("LIVE")).expect_err("case matters");
        assert_eq!(error.code(), "invalid_mode");
        assert_eq!(error.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
