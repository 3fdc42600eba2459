//! Judging one stored submission: load it, run the live validator of its challenge on the
//! worker pool (or, for a live network run, in the runtime's network lane), record the
//! verdict (or the validator error) with the run's exchanges while the submission is still
//! pending, and tell the leaderboard.
//!
//! A run of a version whose manifest has `[network]` gets a [`Network`]: the manifest's
//! section capped by the server's `validator_network_*` settings, the endpoints the
//! submission copied when it was stored, and a mode. The first judging is live; a rejudge
//! either replays the current verdict's recorded exchanges (nothing is called, the verdict is
//! the same) or calls the same endpoints again ([`RejudgeMode`]).

use cohack_package::NetworkSpec;
use cohack_runtime::{Endpoint, Exchange, File, Network, NetworkMode, RunReport};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    actions::announce::{Change, Outgoing, announce, record_outgoing},
    error::{Error, Result},
    judge::LoadedVersion,
    models::{
        challenge::{Challenge, SIGN_OFF_COACH},
        submission::{Submission, SubmissionStatus},
        team_endpoint::TeamEndpoint,
        validator_version::ValidatorVersion,
        verdict::Verdict,
    },
    state::AppState,
};

/// How a rejudge reaches the teams' services (challenges with `[network]`; for the others
/// it changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejudgeMode {
    /// Each submission's requests are answered from its current verdict's recorded exchanges:
    /// no service is called, and an unchanged validator gives the same verdict.
    #[default]
    Replay,
    /// The endpoints each submission copied when it was stored are called again.
    Live,
}

impl RejudgeMode {
    /// The stable name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Replay => "replay",
            Self::Live => "live",
        }
    }
}

/// How one run reaches the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunMode {
    /// Requests are sent.
    Live,
    /// Requests are answered from the current verdict's recording.
    Replay,
}

impl From<RejudgeMode> for RunMode {
    fn from(mode: RejudgeMode) -> Self {
        match mode {
            RejudgeMode::Replay => RunMode::Replay,
            RejudgeMode::Live => RunMode::Live,
        }
    }
}

/// A stored submission with what judging it needs.
pub(crate) struct Stored {
    pub(crate) submission: Submission,
    pub(crate) files: Vec<File>,
    pub(crate) challenge: Challenge,
    /// The judging version's `[network]` section.
    pub(crate) network: Option<NetworkSpec>,
    /// The endpoints its runs call: those copied when it was stored, or, for a submission
    /// stored before its challenge had `[network]`, the team's current ones.
    pub(crate) endpoints: Vec<Endpoint>,
    /// The current verdict's exchanges (what a replay answers from).
    pub(crate) recorded: Vec<Exchange>,
}

/// Loads a submission, its files and its challenge, and for a run of the version `version_id`
/// (the challenge's live one when `None`) its network: the manifest's section, the endpoints
/// and the current recording.
pub(crate) async fn load(
    state: &AppState,
    submission_id: &str,
    version_id: Option<&str>,
) -> Result<Stored> {
    let (id, version_id) = (submission_id.to_owned(), version_id.map(str::to_owned));
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
            let network = match version_id.or_else(|| challenge.live_version_id.clone()) {
                Some(version_id) => {
                    ValidatorVersion::find(conn, &version_id)?
                        .manifest()?
                        .network
                }
                None => None,
            };
            let (endpoints, recorded) = match &network {
                Some(_) => {
                    let endpoints = match submission.endpoints() {
                        Some(copied) => copied,
                        None => TeamEndpoint::of_team(conn, &submission.team_id)?
                            .iter()
                            .map(TeamEndpoint::endpoint)
                            .collect(),
                    };
                    let recorded = Verdict::current(conn, &id)?
                        .map(|v| v.exchanges())
                        .unwrap_or_default();
                    (endpoints, recorded)
                }
                None => (Vec::new(), Vec::new()),
            };
            Ok::<_, Error>(Stored {
                submission,
                files,
                challenge,
                network,
                endpoints,
                recorded,
            })
        })
        .await
}

/// The network of a run of `stored` in `mode`: `None` when its version has no `[network]`.
pub(crate) fn network(state: &AppState, stored: &mut Stored, mode: RunMode) -> Option<Network> {
    let spec = stored.network.as_ref()?;
    let mode = match mode {
        RunMode::Live => NetworkMode::Live,
        RunMode::Replay => NetworkMode::Replay {
            exchanges: std::mem::take(&mut stored.recorded),
        },
    };
    Some(spec.network(&state.config.network_caps(), &stored.endpoints, mode))
}

/// Runs `loaded` on a stored submission: on the worker pool, or in the runtime's network
/// lane for a live network run.
pub(crate) async fn run(
    state: &AppState,
    loaded: &LoadedVersion,
    mut stored: Stored,
    mode: RunMode,
) -> RunReport {
    let network = network(state, &mut stored, mode);
    let context = loaded.context(&stored.challenge, network);
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
    let stored = load(state, submission_id, None).await?;
    judge_stored(state, stored).await
}

/// Judges a submission the caller has just stored, with what it stored: nothing is read back.
/// `network` is the live version's `[network]` section and `endpoints` what the submission
/// copied. The same as [`judge_submission`] otherwise.
pub(crate) async fn judge_new(
    state: &AppState,
    submission: Submission,
    files: Vec<File>,
    challenge: Challenge,
    network: Option<NetworkSpec>,
    endpoints: Vec<Endpoint>,
) -> Result<Option<Verdict>> {
    let stored = Stored {
        submission,
        files,
        challenge,
        network,
        endpoints,
        // A first judging runs live: there is no recording to replay.
        recorded: Vec::new(),
    };
    judge_stored(state, stored).await
}

/// Judges a loaded submission if it is still pending.
async fn judge_stored(state: &AppState, stored: Stored) -> Result<Option<Verdict>> {
    let submission_id = stored.submission.id.clone();
    let submission_id = submission_id.as_str();
    if stored.submission.status()? != SubmissionStatus::Pending {
        return current(state, submission_id).await;
    }
    let Some(version_id) = stored.challenge.live_version_id.clone() else {
        tracing::warn!(submission = %submission_id, "challenge has no live validator: left pending");
        return Ok(None);
    };
    let event_id = stored.challenge.event_id.clone();
    let needs_sign_off = stored.challenge.sign_off == SIGN_OFF_COACH;
    let (team_id, challenge_slug) = (
        stored.submission.team_id.clone(),
        stored.challenge.slug.clone(),
    );
    let loaded = state.judge.version(&state.db, &version_id).await?;
    let report = run(state, &loaded, stored, RunMode::Live).await;
    let requests = report.exchanges.len();
    let verdict = Verdict::from_report(submission_id, &version_id, &report);
    if let Err(e) = &report.outcome {
        tracing::warn!(submission = %submission_id, validator = %version_id, error = %e, "validator error");
    }
    // The team's `verdict` activity is stored with the verdict, not by the live layer
    // afterwards; grouped: verdicts judged at the same moment commit in one transaction.
    let activity = state.live.verdict_activity(
        &team_id,
        &challenge_slug,
        &verdict,
        verdict.first_status(needs_sign_off),
    );
    let with_activity = activity.clone();
    let recorded = state
        .db
        .write_grouped(move |conn| {
            let recorded = Verdict::record_first_in(conn, &verdict, needs_sign_off)?;
            if let Some(recorded) = &recorded {
                with_activity.store(conn)?;
                // The webhooks a solve sends, in the verdict's transaction: see
                // `record_outgoing`.
                record_outgoing(
                    conn,
                    Outgoing::Judged {
                        verdict: recorded,
                        status: recorded.first_status(needs_sign_off),
                    },
                )?;
            }
            Ok::<_, Error>(recorded)
        })
        .await?;
    match recorded {
        Some(verdict) => {
            announce(
                state,
                Change::Judged {
                    status: verdict.first_status(needs_sign_off),
                    verdict: Box::new(verdict.clone()),
                    event_id,
                    team_id,
                    challenge: challenge_slug,
                    stored: Some(activity.stored()),
                },
            );
            tracing::info!(
                submission = %submission_id,
                status = %verdict.status(),
                passed = verdict.passed,
                score = verdict.score,
                duration_us = verdict.duration_us,
                requests,
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
