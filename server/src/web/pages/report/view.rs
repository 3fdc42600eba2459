//! What the report shows, built from [`Report`]: the texts, the tables and one chart per
//! section, drawn with [`crate::web::charts`]. The page and the file render the same view.

use std::collections::HashMap;

use crate::{
    insights::{
        cliffs::{Cliff, Evidence},
        report::{BIN_SECONDS, Report},
        survey::SurveySummary,
    },
    models::survey::QuestionKind,
    web::charts::{
        self, Chart, Figure, Unit,
        bars::{BarGroup, Bars},
        heatmap::{Cell, Heatmap},
        lines::{Columns, Lines, Series, TimeAxis},
        scale::{format_count, format_duration},
        strip::{StripGroup, StripPoint, Strips},
    },
};

/// How many cliffs the report details (the JSON, CSV and Markdown reports have them all).
const CLIFFS_SHOWN: usize = 10;
/// How many failure messages and quotes a cliff shows.
const EVIDENCE_SHOWN: usize = 3;

/// One figure of section 1.
pub struct Figure1 {
    /// What is counted.
    pub label: &'static str,
    /// The number, written.
    pub value: String,
    /// `data-number` (for tests): the raw number.
    pub key: &'static str,
    /// The raw number.
    pub raw: u32,
}

/// A failing check of section 3, as a row.
pub struct CheckRow {
    /// The check.
    pub check: String,
    /// Time lost, written.
    pub lost: String,
    /// Teams stuck.
    pub teams: u32,
    /// Failed attempts.
    pub failed_attempts: u32,
}

/// A challenge's failing checks, for section 3.
pub struct ChecksOf {
    /// Slug.
    pub challenge: String,
    /// Title.
    pub title: String,
    /// Ranked by time lost.
    pub rows: Vec<CheckRow>,
}

/// A failure message and how many teams saw it first.
pub struct MessageRow {
    /// The message.
    pub text: String,
    /// Teams.
    pub teams: usize,
}

/// A quote, attributed to a role and an organization, and to a person only when they let
/// the report print their name (`name_in_report`).
pub struct Quote {
    /// What they wrote.
    pub text: String,
    /// `coach`, `participant`, or `participant, in the closing survey`.
    pub role: &'static str,
    /// The team's organization (empty for a survey answer of an organization with fewer than
    /// three answers).
    pub organization: String,
    /// The author's name, when they said yes.
    pub name: Option<String>,
}

/// The closing survey's section of the report.
pub struct SurveySection {
    /// How many answered.
    pub respondents: u32,
    /// The event's participants.
    pub participants: u32,
    /// The response rate, written (`40%`).
    pub rate: String,
    /// The net promoter score, when the default "recommend" question is asked.
    pub net_promoter_score: Option<i32>,
    /// One chart per scale and choice question.
    pub charts: Vec<Chart>,
    /// The free texts of each text question: `(question, answers)`.
    pub texts: Vec<(String, Vec<String>)>,
    /// Organizations with at least three answers: `(name, answers, net promoter score)`.
    pub organizations: Vec<(String, u32, Option<i32>)>,
    /// The fewest answers an organization needs to be listed.
    pub min_per_organization: u32,
}

/// A cliff of section 4.
pub struct CliffView {
    /// Rank.
    pub rank: u32,
    /// Challenge slug.
    pub challenge: String,
    /// The check, or a phrase for failures without one.
    pub check: String,
    /// Time lost, written.
    pub lost: String,
    /// Raw seconds (for `data-*`).
    pub lost_seconds: i64,
    /// Teams affected.
    pub teams_affected: u32,
    /// Teams that attempted.
    pub teams_total: u32,
    /// Median stuck time, written.
    pub median: String,
    /// Failed attempts.
    pub failed_attempts: u32,
    /// Help calls.
    pub help_calls: u32,
    /// The playbook's signals, written (`2 hints, 1 question`), empty when none.
    pub playbook: String,
    /// Validator errors.
    pub validator_errors: u32,
    /// The messages teams saw most.
    pub messages: Vec<MessageRow>,
    /// What coaches and participants wrote.
    pub quotes: Vec<Quote>,
}

/// An organization of section 5: whether its figures rest on verified identities.
pub struct OrganizationTrustRow {
    /// Name.
    pub organization: String,
    /// Its teams.
    pub teams: u32,
    /// The people on its teams.
    pub people: u32,
    /// Of them, those who hold it through a verified identity.
    pub verified_people: u32,
    /// All of them do.
    pub verified: bool,
}

/// The report as pages and the file show it.
pub struct ReportView {
    /// Event name.
    pub event_name: String,
    /// Event slug.
    pub slug: String,
    /// When it was computed (UTC, written).
    pub generated: String,
    /// The event's schedule, written.
    pub schedule: String,
    /// The filters in effect, written (empty: none).
    pub filters: Vec<String>,
    /// The filters as a query string (`?organization=…`), empty when none.
    pub query: String,
    /// Organizer's view (else an author's, about their challenges).
    pub complete: bool,
    /// Section 1.
    pub numbers: Vec<Figure1>,
    /// Section 1's chart: median time per challenge.
    pub numbers_chart: Chart,
    /// Section 2.
    pub funnel_chart: Chart,
    /// Section 3.
    pub time_chart: Chart,
    /// Section 3's tables.
    pub checks: Vec<ChecksOf>,
    /// Section 4's chart: time lost per cliff.
    pub cliffs_chart: Chart,
    /// Section 4's detail.
    pub cliffs: Vec<CliffView>,
    /// All the cliffs (the page details the first [`CLIFFS_SHOWN`]).
    pub cliffs_total: usize,
    /// Section 5.
    pub organizations_chart: Chart,
    /// Section 5: each organization's verified identities.
    pub organizations: Vec<OrganizationTrustRow>,
    /// Section 6: the race (`None` for an author).
    pub race_chart: Option<Chart>,
    /// Section 6: submissions per ten minutes.
    pub submissions_chart: Chart,
    /// Section 7: the closing survey, when the event has one (and the filter allows it).
    pub survey: Option<SurveySection>,
    /// The filter form's choices: organizations.
    pub organization_choices: Vec<String>,
    /// The filter form's choices: `(slug, title)`.
    pub challenge_choices: Vec<(String, String)>,
    /// The filter form's values.
    pub organization: String,
    /// The filter form's values.
    pub challenge: String,
    /// The filter form's values (`YYYY-MM-DDTHH:MM`).
    pub from: String,
    /// The filter form's values.
    pub until: String,
}

fn check_name(check: &Option<String>) -> String {
    check
        .clone()
        .unwrap_or_else(|| "(failed without a failing check)".to_owned())
}

fn query_of(report: &Report) -> String {
    let f = &report.filter;
    let pairs: Vec<String> = [
        ("organization", &f.organization),
        ("challenge", &f.challenge),
        ("tag", &f.tag),
        ("from", &f.from),
        ("until", &f.until),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_deref().filter(|v| !v.trim().is_empty()).map(|v| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
    })
    .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

fn playbook_text(cliff: &Cliff) -> String {
    let parts: Vec<String> = [
        (cliff.hints, "hint", "hints"),
        (cliff.questions, "question", "questions"),
        (cliff.nudges, "nudge", "nudges"),
        (
            cliff.sign_offs_rejected,
            "sign-off rejected",
            "sign-offs rejected",
        ),
        (cliff.skips, "skip", "skips"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect();
    parts.join(", ")
}

fn messages(evidence: &[Evidence]) -> Vec<MessageRow> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for e in evidence
        .iter()
        .filter(|e| e.kind == "failing_check" && !e.text.trim().is_empty())
    {
        *seen.entry(e.text.as_str()).or_default() += 1;
    }
    let mut rows: Vec<MessageRow> = seen
        .into_iter()
        .map(|(text, teams)| MessageRow {
            text: text.to_owned(),
            teams,
        })
        .collect();
    rows.sort_by(|a, b| b.teams.cmp(&a.teams).then(a.text.cmp(&b.text)));
    rows.truncate(EVIDENCE_SHOWN);
    rows
}

fn quotes(evidence: &[Evidence]) -> Vec<Quote> {
    evidence
        .iter()
        .filter_map(|e| {
            let role = match e.kind.as_str() {
                "coach_note" => "coach",
                "feedback" => "participant",
                "survey" => "participant, in the closing survey",
                _ => return None,
            };
            Some(Quote {
                text: e.text.clone(),
                role,
                organization: e.organization.clone(),
                name: e.author.clone(),
            })
        })
        .take(EVIDENCE_SHOWN)
        .collect()
}

/// The survey's section: its figures, a bar chart per scale and choice question.
fn survey_section(survey: &SurveySummary) -> SurveySection {
    let charts = survey
        .questions
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let groups: Vec<BarGroup> = match q.kind {
                QuestionKind::Scale => q
                    .distribution
                    .iter()
                    .enumerate()
                    .map(|(n, count)| BarGroup {
                        label: n.to_string(),
                        values: vec![f64::from(*count)],
                    })
                    .collect(),
                QuestionKind::Choice => q
                    .choices
                    .iter()
                    .map(|c| BarGroup {
                        label: c.choice.clone(),
                        values: vec![f64::from(c.count)],
                    })
                    .collect(),
                QuestionKind::Text => return None,
            };
            Some(charts::bars::render(
                &Figure::new(
                    format!("chart-survey-{i}"),
                    q.text.clone(),
                    format!(
                        "How many of the {} who answered gave each answer.",
                        q.answers
                    ),
                ),
                &Bars {
                    unit: Unit::Count,
                    series: vec!["people".into()],
                    groups,
                },
            ))
        })
        .collect();
    SurveySection {
        respondents: survey.respondents,
        participants: survey.participants,
        rate: format!("{:.0}%", survey.response_rate * 100.0),
        net_promoter_score: survey.net_promoter_score,
        charts,
        texts: survey
            .questions
            .iter()
            .filter(|q| q.kind == QuestionKind::Text && !q.texts.is_empty())
            .map(|q| (q.text.clone(), q.texts.clone()))
            .collect(),
        organizations: survey
            .by_organization
            .iter()
            .map(|o| (o.organization.clone(), o.respondents, o.net_promoter_score))
            .collect(),
        min_per_organization: survey.min_per_organization,
    }
}

/// The view of `report`.
pub fn view(report: &Report) -> ReportView {
    let event = &report.event;
    let n = &report.numbers;
    let numbers = vec![
        Figure1 {
            label: "teams",
            value: format_count(f64::from(n.teams)),
            key: "teams",
            raw: n.teams,
        },
        Figure1 {
            label: "people",
            value: format_count(f64::from(n.people)),
            key: "people",
            raw: n.people,
        },
        Figure1 {
            label: "organizations",
            value: format_count(f64::from(n.organizations)),
            key: "organizations",
            raw: n.organizations,
        },
        Figure1 {
            label: "challenges",
            value: format_count(f64::from(n.challenges)),
            key: "challenges",
            raw: n.challenges,
        },
        Figure1 {
            label: "solves",
            value: format_count(f64::from(n.solves)),
            key: "solves",
            raw: n.solves,
        },
        Figure1 {
            label: "submissions judged",
            value: format_count(f64::from(n.submissions)),
            key: "submissions",
            raw: n.submissions,
        },
        Figure1 {
            label: "help calls",
            value: format_count(f64::from(n.help_calls)),
            key: "help_calls",
            raw: n.help_calls,
        },
    ];
    let numbers_chart = charts::bars::render(
        &Figure::new(
            "chart-numbers",
            "Median time per challenge",
            "For each challenge, the median time a team spent on it, from reaching it to solving it or stopping.",
        ),
        &Bars {
            unit: Unit::Seconds,
            series: vec!["median time".into()],
            groups: n
                .median_seconds
                .iter()
                .map(|(slug, m)| BarGroup {
                    label: slug.clone(),
                    values: vec![m.unwrap_or(0) as f64],
                })
                .collect(),
        },
    );
    let funnel_chart = charts::bars::render(
        &Figure::new(
            "chart-funnel",
            "The ladder funnel",
            "For each challenge, the teams that reached it, attempted it, got partial credit and solved it.",
        ),
        &Bars {
            unit: Unit::Count,
            series: vec![
                "reached".into(),
                "attempted".into(),
                "partial".into(),
                "solved".into(),
            ],
            groups: report
                .funnel
                .iter()
                .map(|f| BarGroup {
                    label: f.challenge.clone(),
                    values: vec![
                        f64::from(f.reached),
                        f64::from(f.attempted),
                        f64::from(f.partial),
                        f64::from(f.solved),
                    ],
                })
                .collect(),
        },
    );
    let time_chart = charts::strip::render(
        &Figure::new(
            "chart-time",
            "Where the time went",
            "For each challenge, one mark per team at the time it spent there until it solved the challenge or stopped; the box spans the middle half of the teams, the bar is the median.",
        ),
        &Strips {
            unit: Unit::Seconds,
            states: vec!["solved".into(), "stopped".into()],
            groups: report
                .time
                .iter()
                .map(|row| StripGroup {
                    label: row.challenge.clone(),
                    points: row
                        .teams
                        .iter()
                        .map(|t| StripPoint {
                            label: t.team.clone(),
                            value: t.seconds as f64,
                            state: usize::from(!t.solved),
                        })
                        .collect(),
                })
                .collect(),
        },
    );
    let checks = report
        .time
        .iter()
        .map(|row| ChecksOf {
            challenge: row.challenge.clone(),
            title: row.title.clone(),
            rows: row
                .checks
                .iter()
                .map(|c| CheckRow {
                    check: check_name(&c.check),
                    lost: format_duration(c.lost_seconds as f64),
                    teams: c.teams,
                    failed_attempts: c.failed_attempts,
                })
                .collect(),
        })
        .collect();
    let shown: Vec<&Cliff> = report.cliffs.cliffs.iter().take(CLIFFS_SHOWN).collect();
    let cliffs_chart = charts::bars::render(
        &Figure::new(
            "chart-cliffs",
            "The cliffs, ranked",
            "The worst cliffs (a challenge and its failing check), by the time teams lost stuck there.",
        ),
        &Bars {
            unit: Unit::Seconds,
            series: vec!["time lost".into()],
            groups: shown
                .iter()
                .map(|c| BarGroup {
                    label: format!("{} · {}", c.challenge, check_name(&c.check)),
                    values: vec![c.lost_seconds as f64],
                })
                .collect(),
        },
    );
    let cliffs = shown
        .iter()
        .map(|c| CliffView {
            rank: c.rank,
            challenge: c.challenge.clone(),
            check: check_name(&c.check),
            lost: format_duration(c.lost_seconds as f64),
            lost_seconds: c.lost_seconds,
            teams_affected: c.teams_affected,
            teams_total: c.teams_total,
            median: format_duration(c.median_stuck_seconds as f64),
            failed_attempts: c.failed_attempts,
            help_calls: c.help_calls,
            playbook: playbook_text(c),
            validator_errors: c.validator_errors,
            messages: messages(&c.evidence),
            quotes: quotes(&c.evidence),
        })
        .collect();
    let columns: Vec<String> = report.funnel.iter().map(|f| f.challenge.clone()).collect();
    let organizations_chart = charts::heatmap::render(
        &Figure::new(
            "chart-organizations",
            "By organization",
            "Organizations against challenges: each cell is the median time the organization's teams spent on the challenge (lighter is longer), with how many of them solved it.",
        ),
        &Heatmap {
            unit: Unit::Seconds,
            rows: report
                .by_organization
                .iter()
                .map(|o| o.organization.clone())
                .collect(),
            columns,
            cells: report
                .by_organization
                .iter()
                .map(|o| {
                    o.cells
                        .iter()
                        .map(|c| Cell {
                            value: c.median_seconds.map(|m| m as f64),
                            text: match c.median_seconds {
                                Some(m) => format!(
                                    "{} · {}/{}",
                                    format_duration(m as f64),
                                    c.solved,
                                    c.attempted
                                ),
                                None => String::new(),
                            },
                            data: vec![
                                ("attempted".into(), c.attempted.to_string()),
                                ("solved".into(), c.solved.to_string()),
                                ("lost-seconds".into(), c.lost_seconds.to_string()),
                            ],
                        })
                        .collect()
                })
                .collect(),
            legend: "median time on it".into(),
        },
    );
    let start = event.starts_at;
    let seconds = |at: chrono::NaiveDateTime| (at - start).num_seconds() as f64;
    let mut markers = vec![("start".to_owned(), 0.0)];
    if let Some(freeze) = event.freeze_at {
        markers.push(("freeze".to_owned(), seconds(freeze)));
    }
    markers.push(("end".to_owned(), seconds(event.ends_at)));
    let axis = TimeAxis {
        until: seconds(event.ends_at).max(
            report
                .submissions
                .last()
                .map_or(0.0, |b| (b.0 + BIN_SECONDS) as f64),
        ),
        markers,
    };
    let race_chart = report.complete.then(|| {
        charts::lines::render_lines(
            &Figure::new(
                "chart-race",
                "The race of the top ten",
                "The score of the ten best teams over the event, by the board's rule, with the start, the freeze and the end marked.",
            ),
            &Lines {
                unit: Unit::Count,
                steps: true,
                series: report
                    .race
                    .iter()
                    .map(|line| Series {
                        name: line.team.name.clone(),
                        points: std::iter::once((0.0, 0.0))
                            .chain(line.points.iter().map(|p| {
                                (seconds(p.at.naive_utc()).max(0.0), p.score as f64)
                            }))
                            .collect(),
                    })
                    .collect(),
                time: axis.clone(),
            },
        )
    });
    let submissions_chart = charts::lines::render_columns(
        &Figure::new(
            "chart-submissions",
            "Submissions per ten minutes",
            "Judged submissions in each ten minutes of the event, with the start, the freeze and the end marked.",
        ),
        &Columns {
            unit: Unit::Count,
            bin_seconds: BIN_SECONDS as f64,
            bins: report
                .submissions
                .iter()
                .map(|(s, n)| (*s as f64, f64::from(*n)))
                .collect(),
            time: axis,
        },
    );

    let f = &report.filter;
    let text = |v: &Option<String>| v.clone().unwrap_or_default().trim().to_owned();
    let mut filters = Vec::new();
    for (label, value) in [
        ("organization", text(&f.organization)),
        ("challenge", text(&f.challenge)),
        ("coach-note tag", text(&f.tag)),
    ] {
        if !value.is_empty() {
            filters.push(format!("{label}: {value}"));
        }
    }
    let minute = |t: Option<chrono::NaiveDateTime>| {
        t.map(|t| t.format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    if let Some(from) = report.window.from {
        filters.push(format!("from {} UTC", from.format("%Y-%m-%d %H:%M")));
    }
    if let Some(until) = report.window.until {
        filters.push(format!("until {} UTC", until.format("%Y-%m-%d %H:%M")));
    }
    ReportView {
        event_name: event.name.clone(),
        slug: event.slug.clone(),
        generated: report.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        schedule: format!(
            "{} to {} UTC{}",
            event.starts_at.format("%Y-%m-%d %H:%M"),
            event.ends_at.format("%Y-%m-%d %H:%M"),
            event
                .freeze_at
                .map(|f| format!(", board frozen from {}", f.format("%Y-%m-%d %H:%M")))
                .unwrap_or_default()
        ),
        filters,
        query: query_of(report),
        complete: report.complete,
        numbers,
        numbers_chart,
        funnel_chart,
        time_chart,
        checks,
        cliffs_chart,
        cliffs,
        cliffs_total: report.cliffs.cliffs.len(),
        organizations_chart,
        organizations: report
            .by_organization
            .iter()
            .map(|o| OrganizationTrustRow {
                organization: o.organization.clone(),
                teams: o.teams,
                people: o.trust.people,
                verified_people: o.trust.verified_people,
                verified: o.trust.verified(),
            })
            .collect(),
        race_chart,
        submissions_chart,
        survey: report.cliffs.survey.as_ref().map(survey_section),
        organization_choices: report.organizations.clone(),
        challenge_choices: report.challenge_choices.clone(),
        organization: text(&f.organization),
        challenge: text(&f.challenge),
        from: minute(report.window.from),
        until: minute(report.window.until),
    }
}
