//! Which organizations in a report came from verified identities.
//!
//! Anyone can type any company's name at sign-up, so a report that says "Acme lost two hours
//! here" is only as good as the names behind it. A person holds their organization through a
//! **verified identity** when `users.organization_verified` is set: it came from an e-mail they
//! proved at a domain a portal organizer mapped to it, or from a sign-in provider, never from
//! what they typed. An organization of a report counts:
//!
//! - **people**: the members of its teams within the report's filters (a team's organization
//!   is its creator's, as everywhere in the reports);
//! - **verified people**: those of them whose own account holds this organization through a
//!   verified identity (a member of another organization does not vouch for this one, though
//!   the organization's figures include their work);
//! - **verified**: every one of its people is verified (and it has at least one).

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::insights::data::{EventData, TeamInfo};

/// How many of an organization's people hold it through a verified identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trust {
    /// The members of its teams.
    pub people: u32,
    /// Of them, those whose organization (this one) came from a verified identity.
    pub verified_people: u32,
}

impl Trust {
    /// Every one of its people is verified, and there is at least one.
    pub fn verified(&self) -> bool {
        self.people > 0 && self.verified_people == self.people
    }
}

/// One organization of a report: whether its figures rest on verified identities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrganizationTrust {
    /// The organization's id.
    pub id: String,
    /// Its name.
    pub organization: String,
    /// Its teams within the filters.
    pub teams: u32,
    /// The members of those teams.
    pub people: u32,
    /// Of them, those who hold this organization through a verified identity (an e-mail
    /// proven at a domain mapped to it, or a sign-in provider), not a name they typed.
    pub verified_people: u32,
    /// Every one of its people is verified (and it has at least one).
    pub verified: bool,
}

/// The trust of the organization `organization_id`, whose teams (within the filters) are
/// `teams`.
pub fn of_organization(data: &EventData, organization_id: &str, teams: &[&TeamInfo]) -> Trust {
    let ids: HashSet<&str> = teams.iter().map(|t| t.id.as_str()).collect();
    let mut trust = Trust::default();
    for member in data
        .members
        .iter()
        .filter(|m| ids.contains(m.team_id.as_str()))
    {
        trust.people += 1;
        if member.organization_verified && member.organization_id == organization_id {
            trust.verified_people += 1;
        }
    }
    trust
}

/// Every organization of `teams` with its trust, by name (as the report's section 5 orders
/// them).
pub fn organizations<'a>(
    data: &EventData,
    teams: impl IntoIterator<Item = &'a TeamInfo>,
) -> Vec<OrganizationTrust> {
    let mut by_organization: BTreeMap<(String, &str), Vec<&TeamInfo>> = BTreeMap::new();
    for team in teams {
        by_organization
            .entry((
                team.organization.to_lowercase(),
                team.organization_id.as_str(),
            ))
            .or_default()
            .push(team);
    }
    by_organization
        .into_iter()
        .map(|((_, id), teams)| {
            let trust = of_organization(data, id, &teams);
            OrganizationTrust {
                id: id.to_owned(),
                organization: teams
                    .first()
                    .map(|t| t.organization.clone())
                    .unwrap_or_default(),
                teams: u32::try_from(teams.len()).unwrap_or(u32::MAX),
                people: trust.people,
                verified_people: trust.verified_people,
                verified: trust.verified(),
            }
        })
        .collect()
}
