//! The event's report (issue #22) on a large event: 50 teams of three organizations, 5
//! challenges, 20,000 judged submissions with per-check verdicts, on SQLite. It times, without
//! HTTP, the work of each answer: the JSON cliffs report (load, rank, encode), and the report
//! (load, cliffs, each organization's figures, race, charts, HTML) as the page's body and as the file.
//!
//! `cargo bench -p cohack-server --bench report` prints one line per answer (the figures in
//! `BENCHMARKS.md`, "The report (issue #22)").

use std::time::{Duration, Instant};

use cohack_server::{
    config::DatabaseUrl,
    db::Database,
    insights::report::{ReportFilter, cliffs_as, report_as},
    web::pages::report::file,
};

mod seeded;

use seeded::{CHALLENGES, ORGANIZATIONS, SUBMISSIONS, TEAMS, seed};

/// Runs `work` 30 times and prints min, median, p90 and max.
fn time(name: &str, mut work: impl FnMut() -> usize) {
    let mut times: Vec<Duration> = Vec::new();
    let mut bytes = 0;
    for _ in 0..30 {
        let t = Instant::now();
        bytes = work();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{name:<44} {bytes:>8} bytes; min {:>9.1?}, median {:>9.1?}, p90 {:>9.1?}, max {:>9.1?} (30 runs)",
        times[0], times[15], times[26], times[29]
    );
}

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.db"));
    let db = Database::open(&url, 2).expect("open");
    db.migrate().expect("migrate");
    let mut conn = db.checkout(Duration::from_secs(5)).expect("conn");
    let organizer = seed(&mut conn);
    println!(
        "the report, {TEAMS} teams of {} organizations, {CHALLENGES} challenges, {SUBMISSIONS} submissions, SQLite:",
        ORGANIZATIONS.len()
    );
    let all = ReportFilter::default();
    time("JSON cliffs report (GET /insights)", || {
        let report = cliffs_as(&mut conn, &organizer, "big", &all).expect("cliffs");
        serde_json::to_vec(&report).expect("json").len()
    });
    time("report file (Accept: text/html, /download)", || {
        let report = report_as(&mut conn, &organizer, "big", &all).expect("report");
        file(&report).expect("file").len()
    });
    let acme = ReportFilter {
        organization: Some("Acme".into()),
        ..ReportFilter::default()
    };
    time("report file, ?organization=Acme", || {
        let report = report_as(&mut conn, &organizer, "big", &acme).expect("report");
        file(&report).expect("file").len()
    });
    time("report data only (report_as)", || {
        report_as(&mut conn, &organizer, "big", &all)
            .expect("report")
            .cliffs
            .cliffs
            .len()
    });
}
