//! The organizer's page itself: the rows it lists (roles, teams with their standing,
//! announcements, the ladder, open help calls, the worst cliffs), built from what `data` read,
//! the rows the filters leave out hidden, and the notice a `?done=` redirect shows.

use std::collections::{BTreeSet, HashMap, HashSet};

use actix_web::{HttpResponse, get, http::StatusCode, web};
use askama::Template;

use crate::{
    error::Result,
    insights::render,
    models::{
        event::Event, help_call::HelpCall, reward::DEFAULT_REWARD, role::EventRole, team::Person,
    },
    web::{
        PageContext,
        context::Chrome,
        markdown,
        pages::{
            board::{self, Column, RowView},
            events::{EventForm, phase_class, phase_label},
        },
        time::ShownTime,
    },
};

use super::{
    data::load,
    filters::{self, PageQuery, TeamFacts},
};

/// A role holder as the page lists them.
pub struct RoleRow {
    user_id: String,
    name: String,
    organization: String,
    role: &'static str,
    /// Event organizers may revoke authors and engineers (not themselves).
    revocable: bool,
    /// Name and organization, lower case: what the search looks in.
    search: String,
    /// Left out by the roles filter.
    hidden: bool,
}

/// A member of a team as the page lists them.
pub struct MemberRow {
    user_id: String,
    name: String,
    organization: String,
}

/// A team as the page lists it, with what the filters look at.
pub struct TeamRow {
    id: String,
    name: String,
    /// Where it sits on site (empty: remote, or not said).
    location: String,
    /// The alias an organizer set for aliased boards (empty: the derived one).
    alias: String,
    /// Its bracket (empty: none).
    bracket: String,
    members: Vec<MemberRow>,
    /// Its members' organizations, one each, `|`-separated (for `staff.js`).
    organizations: String,
    coaches: Vec<Person>,
    solved: u32,
    score: i64,
    /// `not_started`, `in_progress` or `finished`.
    status: &'static str,
    /// An open help call is up.
    hand: bool,
    /// Team and member names, lower case, newline-separated.
    search: String,
    /// Left out by the filters.
    hidden: bool,
}

/// An announcement as the page lists it.
pub struct AnnouncementRow {
    id: String,
    text: String,
    html: String,
    author: String,
    at: ShownTime,
}

/// A rung of the ladder as the page edits it.
pub struct RungRow {
    slug: String,
    title: String,
    position: i32,
    always_open: bool,
    live: bool,
    first: bool,
    last: bool,
    /// The event's own reward words (empty: none).
    event_reward: String,
    /// What a first solve earns without them (the manifest's words, else the default).
    base_reward: String,
}

/// People who may be moved into a team, grouped by where they are now.
pub struct PeopleGroup {
    label: String,
    people: Vec<Person>,
}

/// An open help call.
pub struct HelpRow {
    /// Call id.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// The team's name.
    pub team_name: String,
    /// What the team is stuck on.
    pub context: String,
    /// `raised` or `acknowledged`.
    pub status: &'static str,
    /// When it was raised (RFC 3339).
    pub raised_at: String,
    /// When it was raised, as pages show it.
    pub raised: ShownTime,
}

impl HelpRow {
    /// The open calls, oldest first, named by team.
    pub fn of(calls: &[HelpCall], names: &HashMap<String, String>) -> Vec<HelpRow> {
        calls
            .iter()
            .filter(|c| c.resolved_at.is_none())
            .map(|c| HelpRow {
                id: c.id.clone(),
                team_id: c.team_id.clone(),
                team_name: names.get(&c.team_id).cloned().unwrap_or_default(),
                context: c.context.clone(),
                status: c.status(),
                raised_at: c.raised_at.and_utc().to_rfc3339(),
                raised: ShownTime::time(c.raised_at),
            })
            .collect()
    }
}

/// A cliff of the report, for the table.
pub struct CliffRow {
    rank: u32,
    challenge: String,
    check: String,
    lost: String,
    teams: String,
    failed_attempts: u32,
    help_calls: u32,
}

#[derive(Template)]
#[template(path = "organizer.html")]
struct ManagePage {
    chrome: Chrome,
    event: Event,
    phase: &'static str,
    phase_class: &'static str,
    error: Option<String>,
    notice: Option<&'static str>,
    form: EventForm,
    query: PageQuery,
    roles: Vec<RoleRow>,
    roles_shown: usize,
    engineers: Vec<Person>,
    /// The vendor's staff without an author or engineer role here: (e-mail, name).
    staff: Vec<(String, String)>,
    /// The event's brackets, in order (a team moves between them).
    brackets: Vec<String>,
    teams: Vec<TeamRow>,
    teams_shown: usize,
    organizations: Vec<String>,
    people: Vec<PeopleGroup>,
    announcements: Vec<AnnouncementRow>,
    ladder: Vec<RungRow>,
    columns: Vec<Column>,
    rows: Vec<RowView>,
    help: Vec<HelpRow>,
    cliffs: Vec<CliffRow>,
    /// The event's question queue.
    queue: crate::web::pages::questions::QueuePanel,
    /// The participation terms' versions and who accepted which.
    terms: crate::actions::terms::TermsRecord,
}

impl ManagePage {
    fn people_filter(&self) -> &'static str {
        self.query.people()
    }

    fn query_value(value: &Option<String>) -> &str {
        value.as_deref().unwrap_or("")
    }

    fn q(&self) -> &str {
        Self::query_value(&self.query.q)
    }

    fn org(&self) -> &str {
        Self::query_value(&self.query.org)
    }

    fn coach_filter(&self) -> &str {
        Self::query_value(&self.query.coach)
    }

    fn status_filter(&self) -> &str {
        Self::query_value(&self.query.status)
    }

    fn who(&self) -> &str {
        Self::query_value(&self.query.who)
    }
}

/// The page as `ctx` sees it, with `status` and, after a form, its `error` or `notice` and
/// the settings form as sent; rows left out by `query` are hidden.
pub(super) async fn render_page(
    ctx: &PageContext,
    slug: &str,
    status: StatusCode,
    error: Option<String>,
    query: PageQuery,
    form: Option<EventForm>,
) -> Result<HttpResponse> {
    let (data, body) = load(ctx, slug).await?;
    let me = ctx
        .user
        .as_ref()
        .map(|u| u.id().to_owned())
        .unwrap_or_default();
    let portal_organizer = ctx
        .user
        .as_ref()
        .is_some_and(|u| u.user.is_portal_organizer);
    let roles: Vec<RoleRow> = data
        .roles
        .iter()
        .map(|h| {
            let search = format!("{}\n{}", h.display_name, h.organization).to_lowercase();
            RoleRow {
                user_id: h.user_id.clone(),
                name: h.display_name.clone(),
                organization: h.organization.clone(),
                role: h.role.as_str(),
                revocable: h.user_id != me
                    && (portal_organizer && h.role != EventRole::Participant
                        || matches!(h.role, EventRole::Author | EventRole::Engineer)),
                hidden: !query.shows_person(h.role == EventRole::Participant, &search),
                search,
            }
        })
        .collect();
    let roles_shown = roles.iter().filter(|r| !r.hidden).count();
    let engineers = data
        .roles
        .iter()
        .filter(|h| h.role == EventRole::Engineer)
        .map(|h| Person {
            user_id: h.user_id.clone(),
            display_name: h.display_name.clone(),
        })
        .collect();
    let organization_of: HashMap<&str, &str> = data
        .roles
        .iter()
        .map(|h| (h.user_id.as_str(), h.organization.as_str()))
        .collect();
    let names: HashMap<String, String> = data
        .teams
        .iter()
        .map(|t| (t.team.id.clone(), t.team.name.clone()))
        .collect();
    let columns = board::columns(&data.ladder, true);
    let rows = board::rows(&body.body, &columns, &body.attempted());
    let standing: HashMap<&str, &RowView> = rows.iter().map(|r| (r.team_id.as_str(), r)).collect();
    let help = HelpRow::of(&data.calls, &names);
    let hands: HashSet<&str> = help.iter().map(|h| h.team_id.as_str()).collect();
    let mut organizations = BTreeSet::new();
    let teams: Vec<TeamRow> = data
        .teams
        .iter()
        .map(|t| {
            let members: Vec<MemberRow> = t
                .members
                .iter()
                .map(|m| MemberRow {
                    user_id: m.user_id.clone(),
                    name: m.display_name.clone(),
                    organization: organization_of
                        .get(m.user_id.as_str())
                        .map(|o| (*o).to_owned())
                        .unwrap_or_default(),
                })
                .collect();
            let mut orgs: Vec<String> = members
                .iter()
                .map(|m| m.organization.clone())
                .filter(|o| !o.is_empty())
                .collect();
            orgs.sort();
            orgs.dedup();
            organizations.extend(orgs.iter().cloned());
            let row = standing.get(t.team.id.as_str());
            let solved = row.map_or(0, |r| r.solved);
            let attempted = row.is_some_and(|r| r.cells.iter().any(|c| c.state != "untouched"));
            let team_status = filters::team_status(solved, attempted, columns.len());
            let search = std::iter::once(t.team.name.as_str())
                .chain(members.iter().map(|m| m.name.as_str()))
                .collect::<Vec<_>>()
                .join("\n")
                .to_lowercase();
            let hand = hands.contains(t.team.id.as_str());
            let hidden = !query.shows_team(&TeamFacts {
                search: &search,
                organizations: &orgs,
                coached: !t.coaches.is_empty(),
                status: team_status,
                hand,
            });
            TeamRow {
                id: t.team.id.clone(),
                name: t.team.name.clone(),
                alias: t.team.alias.clone().unwrap_or_default(),
                location: t.team.location.clone().unwrap_or_default(),
                bracket: t.bracket.clone().unwrap_or_default(),
                organizations: orgs.join("|"),
                members,
                coaches: t.coaches.clone(),
                solved,
                score: row.map_or(0, |r| r.score),
                status: team_status,
                hand,
                search,
                hidden,
            }
        })
        .collect();
    let teams_shown = teams.iter().filter(|t| !t.hidden).count();
    let mut placed = HashSet::new();
    let mut people: Vec<PeopleGroup> = data
        .teams
        .iter()
        .filter(|t| !t.members.is_empty())
        .map(|t| {
            placed.extend(t.members.iter().map(|m| m.user_id.clone()));
            PeopleGroup {
                label: t.team.name.clone(),
                people: t.members.clone(),
            }
        })
        .collect();
    let unplaced: Vec<Person> = data
        .roles
        .iter()
        .filter(|h| h.role == EventRole::Participant && !placed.contains(&h.user_id))
        .map(|h| Person {
            user_id: h.user_id.clone(),
            display_name: h.display_name.clone(),
        })
        .collect();
    if !unplaced.is_empty() {
        people.push(PeopleGroup {
            label: "No team yet".into(),
            people: unplaced,
        });
    }
    let announcements = data
        .announcements
        .iter()
        .rev()
        .map(|a| AnnouncementRow {
            id: a.id.clone(),
            text: a.text.clone(),
            html: markdown::to_safe_html(&a.text),
            author: a.author.display_name.clone(),
            at: ShownTime::date(a.at.naive_utc()),
        })
        .collect();
    let count = data.ladder.len();
    let reward_of = |slug: &str| data.rewards.iter().find(|r| r.challenge == slug);
    let ladder = data
        .ladder
        .iter()
        .enumerate()
        .map(|(i, c)| RungRow {
            slug: c.slug.clone(),
            title: c.title.clone(),
            position: c.position,
            always_open: c.always_open,
            live: c.live_version_id.is_some(),
            first: i == 0,
            last: i + 1 == count,
            event_reward: reward_of(c.slug.as_str())
                .and_then(|r| r.event_reward.clone())
                .unwrap_or_default(),
            base_reward: reward_of(c.slug.as_str())
                .and_then(|r| r.manifest_reward.clone())
                .unwrap_or_else(|| DEFAULT_REWARD.to_owned()),
        })
        .collect();
    let cliffs = data
        .cliffs
        .cliffs
        .iter()
        .take(10)
        .map(|c| CliffRow {
            rank: c.rank,
            challenge: c.challenge.clone(),
            check: c
                .check
                .clone()
                .unwrap_or_else(|| "(no failing check)".into()),
            lost: render::human(c.lost_seconds),
            teams: format!("{} of {}", c.teams_affected, c.teams_total),
            failed_attempts: c.failed_attempts,
            help_calls: c.help_calls,
        })
        .collect();
    let phase = data.event.phase();
    let page = ManagePage {
        queue: crate::web::pages::questions::queue(ctx, Some(&data.event.slug)).await?,
        chrome: ctx.live_chrome(format!("Manage {}", data.event.name), &["staff.js"])?,
        phase: phase_label(phase),
        phase_class: phase_class(phase),
        error,
        notice: notice(query.done.as_deref()),
        form: {
            let mut form = form.unwrap_or_else(|| EventForm::of(&data.event));
            if form.brackets.is_none() {
                form.brackets = Some(data.brackets.join("\n"));
            }
            if form.terms.is_none() {
                form.terms = Some(
                    data.terms
                        .versions
                        .last()
                        .map(|t| t.text.clone())
                        .unwrap_or_default(),
                );
            }
            form
        },
        terms: data.terms.clone(),
        query,
        roles,
        roles_shown,
        engineers,
        staff: data
            .staff
            .iter()
            .map(|u| (u.email.clone(), u.display_name.clone()))
            .collect(),
        brackets: data.brackets.clone(),
        teams,
        teams_shown,
        organizations: organizations.into_iter().collect(),
        people,
        announcements,
        ladder,
        rows,
        columns,
        help,
        cliffs,
        event: data.event,
    };
    ctx.render_with_status(status, &page)
}

/// `?done=` after a form: what happened.
fn notice(done: Option<&str>) -> Option<&'static str> {
    Some(match done? {
        "settings" => "Settings saved.",
        "role" => "Role granted.",
        "revoked" => "Role revoked.",
        "coach" => "Coach assigned.",
        "coaches" => "Coach assigned to the selected teams.",
        "uncoached" => "Coach removed.",
        "announced" => "Announcement posted: the big screen and every workspace show it.",
        "announcement_edited" => {
            "Announcement changed: the big screen and every workspace show the new text."
        }
        "announcement_deleted" => {
            "Announcement deleted: it left the big screen and every workspace."
        }
        "renamed" => "Team renamed.",
        "aliased" => "Alias saved.",
        "bracketed" => "Team moved to another bracket: the board ranks it there.",
        "member_removed" => "Member removed from the team.",
        "moved" => "Person moved.",
        "merged" => "Teams merged.",
        "team_deleted" => "Team deleted.",
        "ladder" => "Challenge saved.",
        "reward" => "Reward words saved: the next first solve of the challenge earns them.",
        "located" => "Location saved: runners bring the team's rewards there.",
        "reordered" => "Ladder reordered.",
        "rejudged" => {
            "Rejudged: every finished submission of the challenge was judged again on its live version."
        }
        _ => return None,
    })
}

#[get("/events/{slug}/manage")]
pub(super) async fn manage_page(
    ctx: PageContext,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse> {
    render_page(&ctx, &slug, StatusCode::OK, None, query.into_inner(), None).await
}
