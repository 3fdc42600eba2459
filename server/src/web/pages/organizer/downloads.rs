//! The organizer's downloads: the cliffs report (CSV, or a Markdown brief) and the results
//! (standings with solve times, CSV), rendered as the API renders them and never cached.

use actix_web::{HttpResponse, get, web};

use crate::{
    error::Result,
    insights::{self, CliffFilter, render},
    web::PageContext,
};

async fn cliffs_report(ctx: &PageContext, slug: String) -> Result<insights::CliffsReport> {
    let user = ctx.require_user()?.user.clone();
    ctx.state()
        .db
        .run(move |conn| insights::cliffs_report_as(conn, &user, &slug, &CliffFilter::default()))
        .await
}

fn download(content_type: &str, name: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// The cliffs report of `slug` rendered by `render`, as `{slug}-cliffs.{extension}`.
async fn cliffs_download(
    ctx: &PageContext,
    slug: String,
    extension: &str,
    media_type: &str,
    render: fn(&insights::CliffsReport) -> String,
) -> Result<HttpResponse> {
    let report = cliffs_report(ctx, slug.clone()).await?;
    Ok(download(
        &format!("{media_type}; charset=utf-8"),
        &format!("{slug}-cliffs.{extension}"),
        render(&report),
    ))
}

/// The cliffs report as CSV (the same rendering as the API's `Accept: text/csv`).
#[get("/events/{slug}/manage/cliffs.csv")]
pub(super) async fn cliffs_csv(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    cliffs_download(
        &ctx,
        slug.into_inner(),
        "csv",
        "text/csv",
        render::cliffs_csv,
    )
    .await
}

/// The cliffs report as a Markdown brief.
#[get("/events/{slug}/manage/cliffs.md")]
pub(super) async fn cliffs_markdown(
    ctx: PageContext,
    slug: web::Path<String>,
) -> Result<HttpResponse> {
    cliffs_download(
        &ctx,
        slug.into_inner(),
        "md",
        "text/markdown",
        render::cliffs_markdown,
    )
    .await
}

/// The results (standings with solve times) as CSV.
#[get("/events/{slug}/manage/results.csv")]
pub(super) async fn results_csv(ctx: PageContext, slug: web::Path<String>) -> Result<HttpResponse> {
    let user = ctx.require_user()?.user.clone();
    let slug = slug.into_inner();
    let owned = slug.clone();
    let results = ctx
        .state()
        .db
        .run(move |conn| insights::results::results_as(conn, &user, &owned))
        .await?;
    Ok(download(
        "text/csv; charset=utf-8",
        &format!("{slug}-results.csv"),
        render::results_csv(&results),
    ))
}
