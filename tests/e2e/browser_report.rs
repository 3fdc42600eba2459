//! The event's report in Chromium (`tests/browser/report.mjs`, SQLite, skipped without
//! Chromium), on the seeded event of `report.rs` (54 teams of three organizations, five
//! challenges, a few thousand attempts, notes, feedback, help calls): every section has its
//! chart, and the numbers the charts carry (`data-*`) are the API's (`/insights`,
//! `/results`, fetched by the scenario); the filter form changes them and the URL carries
//! it; the downloaded file, opened with the network cut off, shows the same charts and makes
//! no request. Screenshots of each section in `target/screenshots/report/`.

use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    harness::{Backend, TestApp},
    report::seed,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_reads_top_to_bottom_and_its_file_works_offline() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let seeded = seed(&app, "report-room").await;
    run_scenario(
        &app,
        "report",
        &json!({
            "slug": seeded.event.slug,
            "organizer_email": seeded.event.organizer.email,
            "organizer_token": seeded.event.organizer.access_token,
            "participant_email": seeded.participant.email,
        }),
    )
    .await;
}
