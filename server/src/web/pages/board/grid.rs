//! The big screen's grid: the ladder as columns, one row per ranked team with a cell per
//! challenge (first to solve, solved, partial credit with its points, attempted, untouched),
//! the podium (the first three places, named as well as coloured), the first-solves strip and
//! the clock's countdown. The organizer's live view draws the same grid from the full board.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;

use crate::{
    models::{
        challenge::Challenge,
        event::{Event, Phase},
    },
    scoring::{ChallengeProgress, cache::LeaderboardBody},
};

/// Per team id, the slugs of the challenges it attempted.
pub type Attempted = BTreeMap<String, BTreeSet<String>>;

/// A column of the progress grid: one challenge of the ladder.
#[derive(Debug, Clone)]
pub struct Column {
    /// Challenge slug.
    pub slug: String,
    /// Place on the ladder (1 first).
    pub position: i32,
    /// Title; empty before the start (nothing of the ladder is public then).
    pub title: String,
}

/// One cell of the grid as rendered.
#[derive(Debug, Clone)]
pub struct CellView {
    /// Challenge slug.
    pub slug: String,
    /// `first`, `solved`, `partial`, `attempted` or `untouched`.
    pub state: &'static str,
    /// What the cell shows: a symbol, or the points of partial credit.
    pub symbol: String,
    /// What a screen reader says.
    pub label: String,
}

/// One team's row as rendered.
#[derive(Debug, Clone)]
pub struct RowView {
    /// Team id.
    pub team_id: String,
    /// Team name.
    pub team_name: String,
    /// Rank.
    pub rank: u32,
    /// Challenges solved.
    pub solved: u32,
    /// Score.
    pub score: i64,
    /// One cell per column.
    pub cells: Vec<CellView>,
    /// `1st`, `2nd` or `3rd` for a podium place (a team that scored, ranked 1 to 3).
    pub podium: Option<&'static str>,
}

/// The podium place a row shows, if any: the first three ranks, once the team has scored.
pub fn podium(rank: u32, solved: u32, score: i64) -> Option<&'static str> {
    if solved == 0 && score <= 0 {
        return None;
    }
    match rank {
        1 => Some("1st"),
        2 => Some("2nd"),
        3 => Some("3rd"),
        _ => None,
    }
}

/// One challenge of the first-solves strip: who solved it first, if anyone has.
#[derive(Debug, Clone)]
pub struct FirstSolve {
    /// Place on the ladder.
    pub position: i32,
    /// Title, or `challenge N` before the start.
    pub name: String,
    /// Challenge slug.
    pub slug: String,
    /// The team that solved it first.
    pub team: Option<String>,
}

/// The first-solves strip: one entry per column, naming the team that solved it first.
pub fn first_solves(body: &LeaderboardBody, columns: &[Column]) -> Vec<FirstSolve> {
    columns
        .iter()
        .map(|column| FirstSolve {
            position: column.position,
            name: if column.title.is_empty() {
                format!("challenge {}", column.position)
            } else {
                column.title.clone()
            },
            slug: column.slug.clone(),
            team: body
                .rows
                .iter()
                .find(|row| {
                    row.progress
                        .iter()
                        .any(|p| p.challenge == column.slug && p.solved && p.first_solve)
                })
                .map(|row| row.team.name.clone()),
        })
        .collect()
}

/// A cell's state and what it shows: partial credit (scored, not solved) shows its points.
pub fn cell(progress: Option<&ChallengeProgress>, attempted: bool) -> (&'static str, String) {
    match progress {
        Some(p) if p.solved && p.first_solve => ("first", "★".to_owned()),
        Some(p) if p.solved => ("solved", "✓".to_owned()),
        Some(p) if p.score > 0 => ("partial", p.score.to_string()),
        _ if attempted => ("attempted", "•".to_owned()),
        _ => ("untouched", String::new()),
    }
}

/// The rows of `body` over `columns`, with `attempted` for the cells not solved.
pub fn rows(body: &LeaderboardBody, columns: &[Column], attempted: &Attempted) -> Vec<RowView> {
    let none = BTreeSet::new();
    body.rows
        .iter()
        .map(|row| {
            let tried = attempted.get(&row.team.id).unwrap_or(&none);
            let cells = columns
                .iter()
                .map(|column| {
                    let progress = row.progress.iter().find(|p| p.challenge == column.slug);
                    let (state, symbol) = cell(progress, tried.contains(&column.slug));
                    let name = if column.title.is_empty() {
                        format!("challenge {}", column.position)
                    } else {
                        format!("challenge {} ({})", column.position, column.title)
                    };
                    let what = match state {
                        "first" => "solved first".to_owned(),
                        "solved" => "solved".to_owned(),
                        "partial" => format!("partial credit, {symbol} points"),
                        "attempted" => "attempted".to_owned(),
                        _ => "not attempted".to_owned(),
                    };
                    CellView {
                        slug: column.slug.clone(),
                        state,
                        symbol,
                        label: format!("{name}: {what}"),
                    }
                })
                .collect();
            RowView {
                team_id: row.team.id.clone(),
                team_name: row.team.name.clone(),
                rank: row.rank,
                solved: row.solved,
                score: row.score,
                cells,
                podium: podium(row.rank, row.solved, row.score),
            }
        })
        .collect()
}

/// The ladder as columns; titles only once the event has started.
pub fn columns(ladder: &[Challenge], started: bool) -> Vec<Column> {
    ladder
        .iter()
        .map(|c| Column {
            slug: c.slug.clone(),
            position: c.position,
            title: if started {
                c.title.clone()
            } else {
                String::new()
            },
        })
        .collect()
}

/// What the clock shows at `at`: a label and the time left (`H:MM:SS`) to the next schedule
/// boundary, if there is one.
pub fn countdown(event: &Event, at: NaiveDateTime) -> (&'static str, Option<String>) {
    let Some(boundary) = event.next_boundary(at) else {
        return ("Final results", None);
    };
    let seconds = (boundary - at).num_seconds().max(0);
    let left = format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    );
    let label = match event.phase_at(at) {
        Phase::Upcoming => "Starts in",
        Phase::Running if event.freeze_at == Some(boundary) => "Board freezes in",
        _ => "Ends in",
    };
    (label, Some(left))
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

    use super::{Column, cell, countdown, first_solves, podium};
    use crate::{
        models::event::Event,
        scoring::{ChallengeProgress, Standing, TeamRef, cache::LeaderboardBody},
    };

    fn at(hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 5, 4)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .expect("a valid time")
    }

    fn event(freeze_at: Option<NaiveDateTime>) -> Event {
        Event {
            id: "e".into(),
            slug: "e".into(),
            name: "E".into(),
            description: String::new(),
            starts_at: at(9, 0),
            ends_at: at(17, 0),
            freeze_at,
            registration: "open".into(),
            invite_code: None,
            team_size_min: 1,
            team_size_max: 5,
            created_by: "u".into(),
            created_at: at(8, 0),
            updated_at: at(8, 0),
            hint_cost: "on_solve".into(),
            board_names: "teams".into(),
            time_zone: "UTC".into(),
            rewards: false,
            hold_rewards_until_end: false,
            remote_reward: String::new(),
        }
    }

    #[test]
    fn the_clock_counts_down_to_the_next_boundary() {
        let e = event(Some(at(16, 0)));
        assert_eq!(
            countdown(&e, at(8, 30)),
            ("Starts in", Some("0:30:00".into()))
        );
        assert_eq!(
            countdown(&e, at(9, 0) + TimeDelta::seconds(1)),
            ("Board freezes in", Some("6:59:59".into()))
        );
        assert_eq!(
            countdown(&e, at(16, 15)),
            ("Ends in", Some("0:45:00".into()))
        );
        assert_eq!(
            countdown(&event(None), at(10, 0)),
            ("Ends in", Some("7:00:00".into()))
        );
        assert_eq!(countdown(&e, at(17, 0)), ("Final results", None));
    }

    fn progress(solved: bool, first_solve: bool, score: i64) -> ChallengeProgress {
        ChallengeProgress {
            challenge: "c".into(),
            solved,
            score,
            attempted: solved || score > 0,
            first_solve,
            solved_at: None,
        }
    }

    #[test]
    fn cells_tell_first_solved_partial_attempted_and_untouched_apart() {
        assert_eq!(cell(Some(&progress(true, true, 100)), true).0, "first");
        assert_eq!(cell(Some(&progress(true, false, 100)), true).0, "solved");
        assert_eq!(
            cell(Some(&progress(false, false, 40)), false),
            ("partial", "40".to_owned()),
            "partial credit shows its points"
        );
        assert_eq!(cell(Some(&progress(false, false, 0)), true).0, "attempted");
        assert_eq!(cell(Some(&progress(false, false, 0)), false).0, "untouched");
        assert_eq!(cell(None, false).0, "untouched");
    }

    #[test]
    fn the_podium_names_the_first_three_places_of_teams_that_scored() {
        assert_eq!(podium(1, 2, 300), Some("1st"));
        assert_eq!(podium(2, 0, 40), Some("2nd"), "partial credit is a score");
        assert_eq!(podium(3, 1, 100), Some("3rd"));
        assert_eq!(podium(4, 1, 100), None);
        assert_eq!(podium(1, 0, 0), None, "nobody scored yet");
    }

    #[test]
    fn first_solves_name_the_first_team_per_challenge() {
        let mut first = progress(true, true, 100);
        first.challenge = "a".into();
        let mut later = progress(true, false, 100);
        later.challenge = "a".into();
        let row = |name: &str, progress: Vec<ChallengeProgress>| Standing {
            rank: 1,
            team: TeamRef {
                id: name.into(),
                name: name.into(),
            },
            solved: 1,
            score: 100,
            last_solve_at: None,
            progress,
            bracket: None,
            bracket_rank: None,
        };
        let body = LeaderboardBody {
            event: "e".into(),
            frozen: false,
            freeze_at: None,
            generated_at: chrono::Utc::now(),
            bracket: None,
            rows: vec![row("Later", vec![later]), row("First", vec![first])],
        };
        let columns = ["a", "b"].map(|slug| Column {
            slug: slug.into(),
            position: if slug == "a" { 1 } else { 2 },
            title: String::new(),
        });
        let strip = first_solves(&body, &columns);
        assert_eq!(strip[0].team.as_deref(), Some("First"));
        assert_eq!(strip[0].name, "challenge 1");
        assert_eq!(strip[1].team, None);
    }

    #[test]
    fn attempted_challenges_are_read_off_the_board() {
        let row = |id: &str, progress: Vec<ChallengeProgress>| Standing {
            rank: 1,
            team: TeamRef {
                id: id.into(),
                name: id.into(),
            },
            solved: 0,
            score: 0,
            last_solve_at: None,
            progress,
            bracket: None,
            bracket_rank: None,
        };
        let mut tried = progress(false, false, 0);
        tried.attempted = true;
        let board = crate::scoring::Board::from_body(LeaderboardBody {
            event: "e".into(),
            frozen: false,
            freeze_at: None,
            generated_at: chrono::Utc::now(),
            bracket: None,
            rows: vec![
                row("a", vec![tried]),
                row("b", vec![progress(false, false, 0)]),
            ],
        })
        .expect("encodes");
        let attempted = board.attempted();
        assert_eq!(
            attempted
                .get("a")
                .map(|s| s.iter().cloned().collect::<Vec<_>>()),
            Some(vec!["c".to_owned()])
        );
        assert!(!attempted.contains_key("b"), "untouched teams are absent");
    }
}
