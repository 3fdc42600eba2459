//! The cliffs report on a large event: 50 teams (three organizations), 5 challenges, 20,000
//! submissions with per-check verdicts (the report bench's event, `seeded/`), on SQLite — the whole request's work (loading the
//! event's data and ranking the cliffs), without HTTP.
//!
//! `cargo bench -p cohack-server --bench insights` prints a summary (the figures in
//! `BENCHMARKS.md`, section "Insights") and then criterion's own measurement.

use std::{hint::black_box, time::Instant};

use cohack_server::{
    config::DatabaseUrl,
    db::Database,
    insights::{CliffFilter, cliffs_report_as},
};
use criterion::Criterion;

mod seeded;

use seeded::{CHALLENGES, ORGANIZATIONS, SUBMISSIONS, TEAMS, seed};

fn main() {
    let dir = tempfile::tempdir().expect("dir");
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.db"));
    let db = Database::open(&url, 2).expect("open");
    db.migrate().expect("migrate");
    let mut conn = db
        .checkout(std::time::Duration::from_secs(5))
        .expect("conn");
    let seeding = Instant::now();
    let organizer = seed(&mut conn);
    eprintln!(
        "seeded {SUBMISSIONS} submissions in {:?}",
        seeding.elapsed()
    );
    let filter = CliffFilter::default();
    let mut times = Vec::new();
    let mut cliffs = 0;
    for _ in 0..30 {
        let t = Instant::now();
        let report = cliffs_report_as(&mut conn, &organizer, "big", &filter).expect("report");
        times.push(t.elapsed());
        cliffs = report.cliffs.len();
    }
    times.sort();
    println!(
        "insights report, {TEAMS} teams of {} organizations, {CHALLENGES} challenges, \
         {SUBMISSIONS} submissions, SQLite: {cliffs} cliffs; min {:?}, median {:?}, p90 {:?}, \
         max {:?} (30 runs)",
        ORGANIZATIONS.len(),
        times[0],
        times[15],
        times[26],
        times[29]
    );
    let mut criterion = Criterion::default().sample_size(20).configure_from_args();
    criterion.bench_function("cliffs_report_20k_submissions_sqlite", |b| {
        b.iter(|| {
            black_box(cliffs_report_as(&mut conn, &organizer, "big", &filter).expect("report"))
        })
    });
    criterion.final_summary();
}
