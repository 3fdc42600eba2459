//! Insights for the event's organizers and authors: the cliffs report (JSON, CSV, Markdown),
//! the author's statistics of a challenge, and the final results (JSON, CSV).

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser,
    error::{ErrorBody, Result},
    insights::{
        CliffsReport, render,
        report::{self, ReportFilter},
        results::{self, Results},
        stats::{self, ChallengeStats},
    },
    state::AppState,
};

pub(crate) fn configure(cfg: &mut ServiceConfig) {
    cfg.service(cliffs_report)
        .service(challenge_stats)
        .service(event_results);
}

/// The representation a client asked for with `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Json,
    Csv,
    Markdown,
    Html,
}

fn negotiate(request: &HttpRequest) -> Form {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("text/csv") {
        Form::Csv
    } else if accept.contains("text/markdown") {
        Form::Markdown
    } else if accept.contains("text/html") {
        Form::Html
    } else {
        Form::Json
    }
}

/// The ranked cliffs of an event: where customers lost the most time, with evidence. The
/// event's organizers see every challenge; authors see the challenges they published; anyone
/// else gets 404. `Accept: text/csv` gives one row per cliff, `Accept: text/markdown` a brief,
/// and `Accept: text/html` the whole event report (numbers, funnel, time, cliffs,
/// organizations, the race) as one self-contained HTML file: styles and SVG charts inline, no
/// script, no external request, printable. Every form takes the same filters, the time window
/// (`from`, `until`) included.
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug"), ReportFilter),
    responses(
        (status = 200, description = "the report: JSON by default; `text/csv` (one row per cliff), \
            `text/markdown` (a brief) or `text/html` (the whole report as one self-contained \
            file: inline styles and SVG, no script, no external request) by `Accept`",
            content(
                (CliffsReport = "application/json"),
                (String = "text/csv"),
                (String = "text/markdown"),
                (String = "text/html"),
            )),
        (status = 400, description = "`invalid_time_window`: `from` or `until` is not a UTC time, \
            or `until` is not after `from`", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "no such event, or not an organizer or author of it", body = ErrorBody),
    )
)]
#[get("/events/{slug}/insights")]
pub async fn cliffs_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    slug: web::Path<String>,
    filter: web::Query<ReportFilter>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let (slug, filter) = (slug.into_inner(), filter.into_inner());
    let form = negotiate(&request);
    if form == Form::Html {
        let report = state
            .db
            .run(move |conn| report::report_as(conn, &caller.user, &slug, &filter))
            .await?;
        return crate::web::pages::report::file_response(&report, false);
    }
    let report = state
        .db
        .run(move |conn| report::cliffs_as(conn, &caller.user, &slug, &filter))
        .await?;
    Ok(match form {
        Form::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(render::cliffs_csv(&report)),
        Form::Markdown => HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(render::cliffs_markdown(&report)),
        Form::Json | Form::Html => HttpResponse::Ok().json(report),
    })
}

/// The author's view of one challenge: pass rate, attempts until pass (median, p90), time to
/// solve, failing checks, validator errors. For the event's organizers and the challenge's
/// authors; 404 for anyone else.
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "event slug"),
        ("challenge" = String, Path, description = "challenge slug"),
    ),
    responses(
        (status = 200, body = ChallengeStats),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/challenges/{challenge}/stats")]
pub async fn challenge_stats(
    state: web::Data<AppState>,
    caller: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse> {
    let (slug, challenge) = path.into_inner();
    let stats = state
        .db
        .run(move |conn| stats::challenge_stats_as(conn, &caller.user, &slug, &challenge))
        .await?;
    Ok(HttpResponse::Ok().json(stats))
}

/// Final standings (the leaderboard's ranking rule, never frozen) with per-challenge solve
/// times, for the event's organizers; `Accept: text/csv` for a spreadsheet.
#[utoipa::path(
    tag = "insights",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "event slug")),
    responses(
        (status = 200, description = "the results; also as `text/csv`", body = Results),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/events/{slug}/results")]
pub async fn event_results(
    state: web::Data<AppState>,
    caller: AuthUser,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse> {
    let slug = slug.into_inner();
    let results = state
        .db
        .run(move |conn| results::results_as(conn, &caller.user, &slug))
        .await?;
    Ok(match negotiate(&request) {
        Form::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(render::results_csv(&results)),
        _ => HttpResponse::Ok().json(results),
    })
}
