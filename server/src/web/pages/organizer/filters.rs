//! What the organizer narrows the page to: teams by name (or a member's name), organization,
//! coach assigned or not, and status; the roles table to staff (the default), participants or
//! everyone, by name. The page renders every row and hides those the query leaves out, so
//! `staff.js` filters the same rows as the organizer types, without a request; without
//! JavaScript the filter form is a `GET` and the server hides the same rows.

use serde::Deserialize;

/// The page's query: `?done=` after a form, and the filters.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// What a form just did.
    pub done: Option<String>,
    /// Team or member name contains (case-insensitive).
    pub q: Option<String>,
    /// A member's organization, exactly.
    pub org: Option<String>,
    /// `none` (no coach yet) or `assigned`.
    pub coach: Option<String>,
    /// `not_started`, `in_progress`, `finished` or `hand` (an open help call).
    pub status: Option<String>,
    /// `staff` (default), `participants` or `all`.
    pub people: Option<String>,
    /// Person name or organization contains (case-insensitive).
    pub who: Option<String>,
}

/// Where a team stands, for the status filter.
pub fn team_status(solved: u32, attempted: bool, challenges: usize) -> &'static str {
    if challenges > 0 && solved as usize >= challenges {
        "finished"
    } else if solved > 0 || attempted {
        "in_progress"
    } else {
        "not_started"
    }
}

/// What the team filter looks at in one team.
pub struct TeamFacts<'a> {
    /// Team name and member names, lower case, separated by newlines.
    pub search: &'a str,
    /// Organizations of its members.
    pub organizations: &'a [String],
    /// Whether a coach is assigned.
    pub coached: bool,
    /// [`team_status`].
    pub status: &'static str,
    /// Whether an open help call is up.
    pub hand: bool,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl PageQuery {
    /// Whether the team filters let `team` show.
    pub fn shows_team(&self, team: &TeamFacts<'_>) -> bool {
        if let Some(q) = given(&self.q)
            && !team.search.contains(&q.to_lowercase())
        {
            return false;
        }
        if let Some(org) = given(&self.org)
            && !team.organizations.iter().any(|o| o == org)
        {
            return false;
        }
        match given(&self.coach) {
            Some("none") if team.coached => return false,
            Some("assigned") if !team.coached => return false,
            _ => {}
        }
        match given(&self.status) {
            Some("hand") => team.hand,
            Some(status) => team.status == status,
            None => true,
        }
    }

    /// `staff`, `participants` or `all`.
    pub fn people(&self) -> &'static str {
        match given(&self.people) {
            Some("participants") => "participants",
            Some("all") => "all",
            // A search looks through everyone unless told otherwise.
            _ if given(&self.who).is_some() => "all",
            _ => "staff",
        }
    }

    /// Whether the roles filter lets a holder of `role` whose name and organization (lower
    /// case) are `search` show.
    pub fn shows_person(&self, participant: bool, search: &str) -> bool {
        let kind = match self.people() {
            "participants" => participant,
            "all" => true,
            _ => !participant,
        };
        kind && given(&self.who).is_none_or(|who| search.contains(&who.to_lowercase()))
    }
}
