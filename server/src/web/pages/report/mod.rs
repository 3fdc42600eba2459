//! The event's report (`/events/{slug}/report`): the brief an organizer forwards to the
//! vendor's product teams, read top to bottom (numbers, funnel, where the time went, the
//! cliffs with their evidence, organizations × challenges, the event over time), each section
//! with its chart. Organizers see it all; an author the part about the challenges they
//! published; anyone else 404. Filters (organization, challenge, time window) travel in the
//! URL, so a filtered view can be shared.
//!
//! `/events/{slug}/report/download` (the page's "Download report" button) and the insights
//! API with `Accept: text/html` give the same report as one self-contained HTML file
//! ([`file`]): styles and SVG inline, no script, no external request, a print stylesheet.
//!
//! Both call [`insights::report::report_as`] and render [`view::view`]; nothing is computed
//! here.

mod view;

use actix_web::{HttpResponse, get, http::header, web};
use askama::Template;

use crate::{
    error::{Error, Result},
    insights::{
        self,
        report::{Report, ReportFilter},
    },
    web::{PageContext, assets, context::Chrome},
};

use view::ReportView;

pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(report_page).service(report_download);
}

/// The policy of the report file: its own inline styles and nothing else, so that, served or
/// saved, it can load nothing from anywhere.
pub const FILE_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
    img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    stylesheet: String,
    r: ReportView,
}

#[derive(Template)]
#[template(path = "report_file.html")]
struct ReportFile {
    css: String,
    r: ReportView,
}

/// The report's stylesheet, as the file inlines it.
fn stylesheet() -> String {
    assets::find("report.css")
        .map(|a| String::from_utf8_lossy(a.body).into_owned())
        .unwrap_or_default()
}

/// `report` as one self-contained HTML file.
pub fn file(report: &Report) -> Result<String> {
    ReportFile {
        css: stylesheet(),
        r: view::view(report),
    }
    .render()
    .map_err(Error::internal)
}

/// The file's name: `{slug}-report.html`.
pub fn file_name(report: &Report) -> String {
    format!("{}-report.html", report.event.slug)
}

/// The file and its name, as the report mail at the event's end attaches it.
pub fn named_file(report: &Report) -> Result<(String, String)> {
    Ok((file_name(report), file(report)?))
}

/// An HTTP answer carrying the report file; `attachment` makes browsers save it.
pub fn file_response(report: &Report, attachment: bool) -> Result<HttpResponse> {
    let body = file(report)?;
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            FILE_CONTENT_SECURITY_POLICY,
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if attachment {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", file_name(report)),
        ));
    }
    Ok(response.body(body))
}

async fn load(ctx: &PageContext, slug: String, filter: ReportFilter) -> Result<Report> {
    let user = ctx.require_user()?.user.clone();
    ctx.state()
        .db
        .run(move |conn| insights::report::report_as(conn, &user, &slug, &filter))
        .await
}

/// The report page.
#[get("/events/{slug}/report")]
async fn report_page(
    ctx: PageContext,
    slug: web::Path<String>,
    filter: web::Query<ReportFilter>,
) -> Result<HttpResponse> {
    let report = load(&ctx, slug.into_inner(), filter.into_inner()).await?;
    let r = view::view(&report);
    ctx.render(&ReportPage {
        chrome: ctx.chrome(format!("Report · {}", r.event_name), &[]),
        stylesheet: assets::url("report.css"),
        r,
    })
}

/// The report as one file to share, with the page's filters.
#[get("/events/{slug}/report/download")]
async fn report_download(
    ctx: PageContext,
    slug: web::Path<String>,
    filter: web::Query<ReportFilter>,
) -> Result<HttpResponse> {
    let report = load(&ctx, slug.into_inner(), filter.into_inner()).await?;
    file_response(&report, true)
}
