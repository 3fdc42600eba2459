//! The author's page (`/events/{slug}/author`): the challenges the signed-in user may manage
//! (authors: those they published a version of; organizers: all), each with its versions and
//! the samples' results, the recent failures (validator errors with their detail, failed
//! verdicts with the failing checks, the validator's notes and log, and every request the
//! validator sent to the team's service), the attempt statistics with their pictures (pass
//! rate over the event, attempts until pass, failing checks and the messages teams saw,
//! validator errors, run times: [`charts`]), and a rejudge button (a CSRF-checked post) whose answer shows the changed-verdict report.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    actions::challenges::rejudge,
    error::{Error, Result},
    insights::{
        authoring::{self, AuthorChallenge},
        render::human,
        stats::Distribution,
    },
    judge::views::{ExchangeView, OutcomeView, RejudgeReport, SampleRow},
    models::{event::Event, team::Team},
    web::{
        PageContext,
        context::Chrome,
        pages::exchanges::ExchangeLine,
        time::{ShownTime, TimeStyle},
    },
};

mod charts;

use self::charts::AuthorCharts;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(author_page).service(rejudge_challenge);
}

/// A version as the page shows it.
pub struct VersionView {
    version: i32,
    published: ShownTime,
    published_by: String,
    live: bool,
    readable: bool,
    samples_ok: bool,
    samples: Vec<SampleRow>,
    materials_error: Option<String>,
}

/// A recent failure as the page shows it.
pub struct FailureView {
    team: String,
    at: ShownTime,
    version: i32,
    what: String,
    is_error: bool,
    /// A validator error of kind `network`: the sandbox refused a request (see `exchanges`).
    is_network_error: bool,
    feedback: String,
    notes: String,
    detail: String,
    failed_checks: Vec<(String, String)>,
    log: Vec<(String, String)>,
    /// The requests the run sent (challenges judged against the team's service), URLs whole.
    exchanges: Vec<ExchangeLine>,
}

/// The statistics, formatted.
pub struct StatsView {
    teams: String,
    pass_rate: String,
    attempts: u32,
    attempts_until_pass: String,
    time_to_solve: String,
    validator_errors: String,
    failing_checks: Vec<(String, u32, u32)>,
}

/// One challenge's section.
pub struct ChallengeView {
    slug: String,
    title: String,
    position: i32,
    points: i32,
    versions: Vec<VersionView>,
    failures: Vec<FailureView>,
    stats: StatsView,
    /// The pictures: pass rate over time, attempts until pass, failing checks, validator
    /// errors, run times.
    charts: AuthorCharts,
    /// Per failing check (most failures first), the messages teams saw: `(message,
    /// failures, teams)`.
    messages: Vec<(String, Vec<SeenMessage>)>,
}

/// A message teams saw on a failing check: `(message, failures, teams)`.
type SeenMessage = (String, u32, u32);

/// A changed verdict of a rejudge.
pub struct ChangeView {
    team: String,
    before: String,
    after: String,
}

/// A rejudge's report.
pub struct ReportView {
    challenge: String,
    version: i32,
    rejudged: usize,
    changes: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "author.html")]
struct AuthorPage {
    chrome: Chrome,
    event: Event,
    challenges: Vec<ChallengeView>,
    report: Option<ReportView>,
}

fn distribution(d: &Distribution, format: impl Fn(i64) -> String) -> String {
    match (d.median, d.p90) {
        (Some(median), Some(p90)) => format!("{} (p90 {})", format(median), format(p90)),
        (Some(median), None) => format(median),
        _ => "–".into(),
    }
}

fn outcome(o: Option<&OutcomeView>) -> String {
    match o {
        None => "no verdict".into(),
        Some(o) if o.status.as_str() == "validator_error" => "validator error".into(),
        Some(o) if o.passed => format!("passed ({})", o.score),
        Some(o) => format!("failed ({})", o.score),
    }
}

impl ChallengeView {
    fn of(event: &Event, c: AuthorChallenge) -> Self {
        let stats = &c.stats;
        let errors = if stats.validator_errors == 0 {
            "none".to_owned()
        } else {
            let kinds = stats
                .validator_errors_by_kind
                .iter()
                .map(|(kind, n)| format!("{kind} {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{} ({kinds})", stats.validator_errors)
        };
        ChallengeView {
            charts: charts::draw(event, &c.analytics),
            messages: c
                .analytics
                .failing_checks
                .iter()
                .map(|check| {
                    (
                        check.check.clone(),
                        check
                            .messages
                            .iter()
                            .map(|m| (m.message.clone(), m.failures, m.teams))
                            .collect(),
                    )
                })
                .collect(),
            slug: c.challenge.slug.clone(),
            title: c.challenge.title.clone(),
            position: c.challenge.position,
            points: c.challenge.points,
            versions: c
                .versions
                .iter()
                .map(|v| VersionView {
                    version: v.version,
                    published: ShownTime::date(v.published_at),
                    published_by: v.published_by.clone(),
                    live: v.live,
                    readable: v.samples.is_some(),
                    samples_ok: v.samples.as_ref().is_some_and(|s| {
                        s.samples.iter().all(|r| r.ok) && s.materials_error.is_none()
                    }),
                    samples: v
                        .samples
                        .as_ref()
                        .map(|s| s.samples.clone())
                        .unwrap_or_default(),
                    materials_error: v.samples.as_ref().and_then(|s| s.materials_error.clone()),
                })
                .collect(),
            failures: c
                .failures
                .iter()
                .map(|f| {
                    let verdict = &f.verdict;
                    let is_error = verdict.error_kind.is_some();
                    FailureView {
                        team: f.team.clone(),
                        at: ShownTime::new(f.submitted_at, TimeStyle::DateSeconds),
                        version: f.version,
                        what: match &verdict.error_kind {
                            Some(kind) => format!("validator error: {kind}"),
                            None => format!("failed, {} of {}", verdict.score, verdict.max_score),
                        },
                        is_error,
                        is_network_error: verdict.error_kind.as_deref() == Some("network"),
                        feedback: verdict.feedback.clone(),
                        notes: verdict.notes.clone(),
                        detail: verdict.error_detail.clone().unwrap_or_default(),
                        failed_checks: f.failed_checks(),
                        log: f.log(),
                        exchanges: verdict
                            .exchanges()
                            .iter()
                            .map(|x| ExchangeLine::of(&ExchangeView::of(x), &[]))
                            .collect(),
                    }
                })
                .collect(),
            stats: StatsView {
                teams: format!("{} of {}", stats.teams_passed, stats.teams_attempted),
                pass_rate: format!("{:.0} %", stats.pass_rate * 100.0),
                attempts: stats.attempts,
                attempts_until_pass: distribution(&stats.attempts_until_pass, |n| n.to_string()),
                time_to_solve: distribution(&stats.time_to_solve_seconds, human),
                validator_errors: errors,
                failing_checks: stats
                    .failing_checks
                    .iter()
                    .map(|c| (c.check.clone(), c.failures, c.teams))
                    .collect(),
            },
        }
    }
}

async fn render(
    ctx: &PageContext,
    slug: String,
    report: Option<RejudgeReport>,
) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let (event, challenges, team_names) = ctx
        .state()
        .db
        .run(move |conn| {
            let (event, challenges) = authoring::author_view_as(conn, &user, &slug)?;
            let names: HashMap<String, String> = Team::of_event(conn, &event.id)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            Ok::<_, Error>((event, challenges, names))
        })
        .await?;
    let report = report.map(|r| ReportView {
        challenge: r.challenge,
        version: r.version,
        rejudged: r.rejudged,
        changes: r
            .changed
            .iter()
            .map(|c| ChangeView {
                team: team_names
                    .get(&c.team)
                    .cloned()
                    .unwrap_or_else(|| c.team.clone()),
                before: outcome(c.before.as_ref()),
                after: outcome(Some(&c.after)),
            })
            .collect(),
    });
    ctx.render(&AuthorPage {
        chrome: ctx.chrome(format!("Challenges of {}", event.name), &["times.js"]),
        challenges: challenges
            .into_iter()
            .map(|c| ChallengeView::of(&event, c))
            .collect(),
        report,
        event,
    })
}

#[get("/events/{slug}/author")]
async fn author_page(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    render(&ctx, slug.into_inner(), None).await
}

/// The rejudge button's form: `confirm=yes` is the ticked box that says the author means it
/// (a rejudge can change every team's verdicts, board and unlocks).
#[derive(Debug, Deserialize)]
pub struct RejudgeForm {
    csrf: String,
    confirm: Option<String>,
}

/// Re-runs every judged submission of the challenge on its live version and shows the page
/// with the report of what changed.
#[post("/events/{slug}/author/{challenge}/rejudge")]
async fn rejudge_challenge(
    ctx: PageContext,
    path: web::Path<(String, String)>,
    form: web::Form<RejudgeForm>,
) -> Result<HttpResponse> {
    ctx.verify_csrf(&form.csrf)?;
    let user = ctx.require_user()?.user.clone();
    let (slug, challenge) = path.into_inner();
    if form.confirm.as_deref() != Some("yes") {
        return Err(Error::unprocessable(
            "rejudge_unconfirmed",
            "nothing was rejudged: tick the box that confirms the rejudge first",
        ));
    }
    let report = rejudge::rejudge(ctx.state(), &user, &slug, &challenge).await?;
    render(&ctx, slug, Some(report)).await
}
