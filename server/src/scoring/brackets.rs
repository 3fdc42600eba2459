//! Brackets on the board: each row names its team's bracket and its competition rank among
//! that bracket's teams, and a bracket's board is the rows of that bracket.
//!
//! Ranks within a bracket follow the board's own order (the ranking rule), counted among the
//! bracket's teams: teams equal on solved, score and `last_solve_at` share a rank there too.
//! Because they are read off rows that were already ranked — live or at the freeze — a
//! bracket's board is always consistent with the full board it comes from.

use std::collections::HashMap;

use super::{Standing, cache::LeaderboardBody};

/// `rows` (ranked) with each team's bracket (from `brackets`, by team id) and its rank within
/// that bracket.
pub fn rank_within(mut rows: Vec<Standing>, brackets: &HashMap<String, String>) -> Vec<Standing> {
    type Key = (u32, i64, Option<chrono::DateTime<chrono::Utc>>);
    // Per bracket: teams seen so far, and the key and rank of the last one.
    let mut seen: HashMap<String, (u32, Option<(Key, u32)>)> = HashMap::new();
    for row in &mut rows {
        row.bracket = brackets.get(&row.team.id).cloned();
        row.bracket_rank = None;
        let Some(bracket) = &row.bracket else {
            continue;
        };
        let key = (row.solved, row.score, row.last_solve_at);
        let (count, last) = seen.entry(bracket.clone()).or_insert((0, None));
        *count += 1;
        let rank = match last {
            Some((previous, rank)) if *previous == key => *rank,
            _ => *count,
        };
        *last = Some((key, rank));
        row.bracket_rank = Some(rank);
    }
    rows
}

/// The board of one bracket: `body`'s rows in `bracket`, in the same order.
pub fn bracket_body(body: &LeaderboardBody, bracket: &str) -> LeaderboardBody {
    LeaderboardBody {
        bracket: Some(bracket.to_owned()),
        rows: body
            .rows
            .iter()
            .filter(|row| row.bracket.as_deref() == Some(bracket))
            .cloned()
            .collect(),
        ..body.clone()
    }
}

/// `body` (a bracket's board) with each row's `rank` being its rank within the bracket: what
/// a screen showing one bracket ranks by.
pub fn ranked_in_bracket(body: &LeaderboardBody) -> LeaderboardBody {
    let mut body = body.clone();
    for row in &mut body.rows {
        row.rank = row.bracket_rank.unwrap_or(row.rank);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::TeamRef;

    fn row(id: &str, rank: u32, solved: u32, score: i64) -> Standing {
        Standing {
            rank,
            team: TeamRef {
                id: id.into(),
                name: id.into(),
            },
            solved,
            score,
            last_solve_at: None,
            progress: Vec::new(),
            bracket: None,
            bracket_rank: None,
        }
    }

    #[test]
    fn ranks_count_within_each_bracket_and_ties_share_one() {
        let rows = vec![
            row("a", 1, 3, 300),
            row("b", 2, 2, 200),
            row("c", 3, 1, 100),
            row("d", 3, 1, 100),
            row("e", 5, 0, 0),
            row("f", 6, 0, 0),
        ];
        let brackets: HashMap<String, String> = [
            ("a", "Remote"),
            ("b", "On site"),
            ("c", "Remote"),
            ("d", "Remote"),
            ("e", "On site"),
        ]
        .into_iter()
        .map(|(t, b)| (t.to_owned(), b.to_owned()))
        .collect();
        let ranked = rank_within(rows, &brackets);
        let got: Vec<(&str, Option<&str>, Option<u32>)> = ranked
            .iter()
            .map(|r| (r.team.id.as_str(), r.bracket.as_deref(), r.bracket_rank))
            .collect();
        assert_eq!(
            got,
            [
                ("a", Some("Remote"), Some(1)),
                ("b", Some("On site"), Some(1)),
                ("c", Some("Remote"), Some(2)),
                ("d", Some("Remote"), Some(2)),
                ("e", Some("On site"), Some(2)),
                ("f", None, None),
            ]
        );
    }
}
