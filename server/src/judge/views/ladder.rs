//! The ladder as the challenge endpoints return it: each rung as the caller may see it, a
//! challenge as its authors and organizers manage it, and a team's materials.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::models::{challenge::Challenge, event::Phase};

use super::FileView;

/// One rung of the ladder as the caller sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LadderChallenge {
    /// Stable identifier within the event.
    pub slug: String,
    /// Display title.
    pub title: String,
    /// One line.
    pub summary: String,
    /// Place on the ladder, 1 first.
    pub position: i32,
    /// The maximum score.
    pub points: i32,
    /// Open to every team regardless of the ladder.
    pub always_open: bool,
    /// Not open to the caller's team yet.
    pub locked: bool,
    /// Solved by the caller's team.
    pub solved: bool,
    /// The statement (Markdown); only when unlocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The organizers' config overrides (organizers and authors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<std::collections::BTreeMap<String, String>>,
    /// The hints' titles and costs, with the statement (the texts are unlocked per team:
    /// `GET /teams/{id}/challenges/{challenge}/hints`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hints: Option<Vec<crate::models::hint::HintTitle>>,
    /// The coach's guide (Markdown, the package's `coach.md`): the event's coaches and
    /// organizers only, never a participant; absent when the package has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coach_guide: Option<String>,
}

/// The caller's ladder.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ladder {
    /// The event's slug.
    pub event: String,
    /// Where the event is in its schedule; before the start participants see no challenge.
    pub phase: Phase,
    /// When challenge 1 opens.
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: DateTime<Utc>,
    /// The caller's team, if they are in one.
    pub team: Option<String>,
    /// The challenges, in ladder order.
    pub challenges: Vec<LadderChallenge>,
}

impl Ladder {
    /// The challenge a team's workspace shows: `wanted` if it is on the ladder, else the
    /// first open one not yet solved, else the last open one.
    pub fn focus(&self, wanted: Option<&str>) -> Option<&LadderChallenge> {
        wanted
            .and_then(|slug| self.challenges.iter().find(|c| c.slug == slug))
            .or_else(|| self.challenges.iter().find(|c| !c.locked && !c.solved))
            .or_else(|| self.challenges.iter().rfind(|c| !c.locked))
    }
}

/// A challenge as its authors and organizers manage it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChallengeAdmin {
    /// Slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Position.
    pub position: i32,
    /// Points.
    pub points: i32,
    /// Open regardless of the ladder.
    pub always_open: bool,
    /// The organizers' config overrides.
    pub config: std::collections::BTreeMap<String, String>,
}

impl From<&Challenge> for ChallengeAdmin {
    fn from(c: &Challenge) -> Self {
        ChallengeAdmin {
            slug: c.slug.clone(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            position: c.position,
            points: c.points,
            always_open: c.always_open,
            config: c.config_overrides(),
        }
    }
}

/// A team's starting material for a challenge.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Materials {
    /// The challenge's slug.
    pub challenge: String,
    /// The team.
    pub team: String,
    /// The files, with their content in base64.
    pub files: Vec<FileView>,
}
