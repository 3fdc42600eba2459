//! The cliffs report and the results as CSV (RFC 4180: comma, CRLF, quotes doubled) and the
//! report as a Markdown brief. Both are renderings of the same [`CliffsReport`] the JSON
//! answer serializes, so the three forms always agree.

use std::fmt::Write as _;

use crate::insights::{cliffs::CliffsReport, results::Results};

/// One CSV field, quoted when it needs to be.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn csv_row(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// Columns of the cliffs CSV, one row per cliff, in rank order.
pub const CLIFF_COLUMNS: [&str; 13] = [
    "rank",
    "challenge",
    "check",
    "lost_seconds",
    "teams_affected",
    "teams_total",
    "median_stuck_seconds",
    "failed_attempts",
    "help_calls",
    "validator_errors",
    "organizations_affected",
    "evidence_count",
    "first_evidence",
];

/// The report as CSV.
pub fn cliffs_csv(report: &CliffsReport) -> String {
    let mut out = String::new();
    csv_row(&mut out, &CLIFF_COLUMNS.map(str::to_owned));
    for c in &report.cliffs {
        csv_row(
            &mut out,
            &[
                c.rank.to_string(),
                c.challenge.clone(),
                c.check.clone().unwrap_or_default(),
                c.lost_seconds.to_string(),
                c.teams_affected.to_string(),
                c.teams_total.to_string(),
                c.median_stuck_seconds.to_string(),
                c.failed_attempts.to_string(),
                c.help_calls.to_string(),
                c.validator_errors.to_string(),
                c.organizations_affected.to_string(),
                c.evidence.len().to_string(),
                c.evidence
                    .first()
                    .map(|e| e.text.clone())
                    .unwrap_or_default(),
            ],
        );
    }
    out
}

/// A duration as `1h 02m`, `5m 03s` or `12s`.
pub fn human(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The report as a Markdown brief for a product team.
pub fn cliffs_markdown(report: &CliffsReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Cliffs of `{}`\n", report.event);
    let _ = writeln!(
        out,
        "Generated {} UTC. Ranked by time lost: the sum over affected teams of the time each \
         was stuck (ties: failed attempts, then help calls).\n",
        report.generated_at.format("%Y-%m-%d %H:%M:%S")
    );
    if report.cliffs.is_empty() {
        out.push_str("No cliffs: no team was stuck.\n");
        return out;
    }
    out.push_str("| rank | challenge | check | time lost | teams affected | median stuck | failed attempts | help calls | validator errors | organizations |\n");
    out.push_str("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for c in &report.cliffs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} |",
            c.rank,
            md_cell(&c.challenge),
            md_cell(c.check.as_deref().unwrap_or("(whole challenge)")),
            human(c.lost_seconds),
            c.teams_affected,
            c.teams_total,
            human(c.median_stuck_seconds),
            c.failed_attempts,
            c.help_calls,
            c.validator_errors,
            c.organizations_affected,
        );
    }
    for c in &report.cliffs {
        let _ = writeln!(
            out,
            "\n## {}. {} — {}\n",
            c.rank,
            c.challenge,
            c.check.as_deref().unwrap_or("(whole challenge)")
        );
        for e in &c.evidence {
            let _ = writeln!(
                out,
                "- **{}** ({}, {}, {}): {}",
                e.kind,
                md_cell(&e.team),
                md_cell(&e.organization),
                e.at.format("%Y-%m-%d %H:%M"),
                md_cell(&e.text)
            );
        }
    }
    out
}

/// The results as CSV: one row per team, with each challenge's solve time in seconds from the
/// event's start (empty when unsolved).
pub fn results_csv(results: &Results) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = [
        "rank",
        "team",
        "organization",
        "solved",
        "score",
        "last_solve_at",
    ]
    .map(str::to_owned)
    .to_vec();
    header.extend(results.challenges.iter().map(|c| format!("{c}_seconds")));
    csv_row(&mut out, &header);
    for s in &results.standings {
        let mut row = vec![
            s.rank.to_string(),
            s.team.clone(),
            s.organization.clone(),
            s.solved.to_string(),
            s.score.to_string(),
            s.last_solve_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ];
        row.extend(
            s.challenges
                .iter()
                .map(|c| c.solve_seconds.map(|v| v.to_string()).unwrap_or_default()),
        );
        csv_row(&mut out, &row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human(12), "12s");
        assert_eq!(human(303), "5m 03s");
        assert_eq!(human(3720), "1h 02m");
    }
}
