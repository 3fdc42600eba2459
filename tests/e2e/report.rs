//! The event's report (issue #22) over HTTP, on both backends: its numbers are the API's (the
//! data each SVG mark carries is compared with `/insights` and `/results`, not pixels), a
//! filter changes them, the file has no script and asks for nothing, and only the event's
//! organizers (all of it) and authors (their challenges) get it.
//!
//! The event is seeded through the model layer in a few batched inserts (`seed`, also used by
//! `browser_report.rs`): 54 teams of three organizations on five challenges, a few thousand
//! judged attempts at chosen times (the real judge stamps "now"; the report is about hours),
//! with per-check results, partial credit, coach notes, feedback and help calls. The accounts
//! the test signs in with are real (registered over HTTP).

use std::collections::HashMap;

use chrono::{NaiveDateTime, TimeDelta};
use cohack_server::{
    db::{
        DbConnection, new_id, now,
        schema::{
            challenge_feedback, challenges, coach_notes, help_calls, submissions, validator_blobs,
            validator_versions, verdicts,
        },
    },
    models::{
        event::Event,
        organization::Organization,
        role::{self, EventRole},
        team::Team,
        user::{NewUser, User},
    },
};
use diesel::prelude::*;
use regex::Regex;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{TestEvent, coach, edit_settings, event_between, expect, team, user_with_role},
    harness::{Account, TestApp},
    plain_browser::PlainBrowser,
};

backend_tests!(
    the_report_carries_the_apis_numbers_and_filters_change_them,
    only_organizers_and_authors_get_the_report,
);

/// The organizations of the seeded teams.
pub const ORGANIZATIONS: [&str; 3] = ["Acme", "Globex", "Initech"];
/// Seeded teams per organization.
pub const TEAMS_PER_ORGANIZATION: usize = 18;
/// The seeded ladder's slugs.
pub const CHALLENGES: [&str; 5] = ["ingest", "transform", "query", "dashboard", "ship"];
const CHECKS: [&str; 3] = ["parse", "schema", "count"];

/// The seeded event.
pub struct Seeded {
    /// The event and its organizer.
    pub event: TestEvent,
    /// A participant with a team of their own (Initech's 19th team, no attempts).
    pub participant: Account,
    /// A coach of that team.
    pub coach: Account,
    /// An author who published `query` and `dashboard`.
    pub author: Account,
    /// Judged attempts stored.
    pub attempts: usize,
}

struct Row {
    team: String,
    member: String,
    challenge: usize,
    at: NaiveDateTime,
    passed: bool,
    score: i32,
    failing: Vec<usize>,
}

/// Seeds the event `slug`: started nine hours ago, frozen two hours ago, ended an hour ago.
pub async fn seed(app: &TestApp, slug: &str) -> Seeded {
    let start = now() - TimeDelta::hours(9);
    let event = event_between(app, slug, start, start + TimeDelta::hours(8)).await;
    edit_settings(app, &event, move |s| {
        s.freeze_at = Some(start + TimeDelta::hours(7));
        s.team_size_max = 10;
    })
    .await;
    let (participant, own_team) = team(app, &event, &format!("{slug}-late")).await;
    let coach = coach(app, &event, &own_team, &format!("{slug}-coach")).await;
    let author = user_with_role(app, &event, &format!("{slug}-author"), EventRole::Author).await;
    let (event_id, author_id, organizer_id) = (
        event.id.clone(),
        author.id.clone(),
        event.organizer.id.clone(),
    );
    let attempts = app
        .state
        .db
        .write(move |conn| {
            conn.transaction(|conn| seed_rows(conn, &event_id, &organizer_id, &author_id, start))
        })
        .await
        .expect("seeded");
    Seeded {
        event,
        participant,
        coach,
        author,
        attempts,
    }
}

fn seed_rows(
    conn: &mut DbConnection,
    event_id: &str,
    organizer_id: &str,
    author_id: &str,
    start: NaiveDateTime,
) -> cohack_server::error::Result<usize> {
    let event = Event::find(conn, event_id)?;
    diesel::insert_into(validator_blobs::table)
        .values((
            validator_blobs::hash.eq(format!("report-{event_id}")),
            validator_blobs::wasm.eq(vec![0u8]),
            validator_blobs::size_bytes.eq(1i64),
            validator_blobs::created_at.eq(now()),
        ))
        .execute(conn)?;
    let mut ladder = Vec::new();
    for (c, slug) in CHALLENGES.iter().enumerate() {
        let (id, version) = (new_id(), new_id());
        let position = i32::try_from(c).unwrap_or(0) + 1;
        diesel::insert_into(challenges::table)
            .values((
                challenges::id.eq(&id),
                challenges::event_id.eq(event_id),
                challenges::slug.eq(*slug),
                challenges::title.eq(format!("Step {position}: {slug}")),
                challenges::summary.eq(""),
                challenges::position.eq(position),
                challenges::points.eq(100),
                challenges::statement.eq(""),
                challenges::always_open.eq(false),
                challenges::config.eq("{}"),
                challenges::limits.eq("{}"),
                challenges::created_at.eq(now()),
                challenges::updated_at.eq(now()),
            ))
            .execute(conn)?;
        // The author published `query` and `dashboard`; the organizer the rest.
        let publisher = if (2..4).contains(&c) {
            author_id
        } else {
            organizer_id
        };
        diesel::insert_into(validator_versions::table)
            .values((
                validator_versions::id.eq(&version),
                validator_versions::challenge_id.eq(&id),
                validator_versions::version.eq(1),
                validator_versions::blob_hash.eq(format!("report-{event_id}")),
                validator_versions::manifest.eq("{}"),
                validator_versions::sample_report.eq("[]"),
                validator_versions::published_by.eq(publisher),
                validator_versions::created_at.eq(now()),
            ))
            .execute(conn)?;
        diesel::update(challenges::table.find(&id))
            .set(challenges::live_version_id.eq(&version))
            .execute(conn)?;
        ladder.push((id, version));
    }
    let coach = user(conn, &format!("coach-{event_id}@vendor.example"), "Vendor")?;
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut feedback = Vec::new();
    let mut calls = Vec::new();
    let end = start + TimeDelta::hours(8);
    for (o, organization) in ORGANIZATIONS.iter().enumerate() {
        for k in 0..TEAMS_PER_ORGANIZATION {
            let t = o * TEAMS_PER_ORGANIZATION + k;
            let member = user(
                conn,
                &format!("m{t}-{event_id}@{organization}.example"),
                organization,
            )?;
            role::grant(conn, event_id, &member.id, EventRole::Participant, None)?;
            let team = Team::create(
                conn,
                &event,
                &format!("{organization} team {k:02}"),
                &member.id,
            )?;
            // Each team climbs the ladder: some attempts a few minutes apart, a pass on the
            // last one, or it stops there. Acme's teams stall on `query`.
            let mut at = start + TimeDelta::minutes(i64::try_from(t % 13).unwrap_or(0));
            for c in 0..CHALLENGES.len() {
                let tries = 3 + (t * 7 + c * 5) % 11;
                let mut gap = 2 + i64::try_from((t + 3 * c) % 7).unwrap_or(0);
                if o == 0 && c == 2 {
                    gap *= 5;
                }
                let stops = (t + 2 * c).is_multiple_of(11) || (c == 4 && t.is_multiple_of(3));
                for i in 0..tries {
                    at += TimeDelta::minutes(gap);
                    if at >= end {
                        break;
                    }
                    let last = i + 1 == tries;
                    let passed = last && !stops;
                    let failing: Vec<usize> = if passed {
                        Vec::new()
                    } else {
                        (0..CHECKS.len())
                            .filter(|check| !(i + check + t).is_multiple_of(3) || i == 0)
                            .collect()
                    };
                    let score = if passed {
                        100
                    } else if failing.len() < CHECKS.len() {
                        30
                    } else {
                        0
                    };
                    rows.push(Row {
                        team: team.id.clone(),
                        member: member.id.clone(),
                        challenge: c,
                        at,
                        passed,
                        score,
                        failing,
                    });
                    if i == tries / 2 && t % 6 == c % 6 {
                        calls.push((team.id.clone(), member.id.clone(), c, at));
                    }
                }
                if t % 5 == c % 5 {
                    notes.push((team.id.clone(), c, at));
                }
                if t % 4 == c % 4 {
                    feedback.push((team.id.clone(), member.id.clone(), c, at));
                }
                if stops || at >= end {
                    break;
                }
                at += TimeDelta::minutes(1);
            }
        }
    }
    let count = rows.len();
    // One row at a time: diesel's batch insert is not available on the two-backend
    // connection; inside one transaction this still takes well under a second.
    for row in &rows {
        let id = new_id();
        let (challenge, version) = &ladder[row.challenge];
        let checks: Vec<Value> = CHECKS
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let ok = !row.failing.contains(&k);
                json!({"name": name, "passed": ok, "message": if ok { String::new() } else { format!("{name}: expected 42 rows, got {}", k * 10) }})
            })
            .collect();
        diesel::insert_into(submissions::table)
            .values((
                submissions::id.eq(&id),
                submissions::team_id.eq(&row.team),
                submissions::challenge_id.eq(challenge),
                submissions::submitted_by.eq(&row.member),
                submissions::answer.eq("42"),
                submissions::status.eq("judged"),
                submissions::created_at.eq(row.at),
            ))
            .execute(conn)?;
        diesel::insert_into(verdicts::table)
            .values((
                verdicts::id.eq(new_id()),
                verdicts::submission_id.eq(&id),
                verdicts::validator_version_id.eq(version),
                verdicts::is_current.eq(true),
                verdicts::passed.eq(row.passed),
                verdicts::score.eq(row.score),
                verdicts::max_score.eq(100),
                verdicts::feedback.eq(""),
                verdicts::checks.eq(Value::from(checks).to_string()),
                verdicts::notes.eq(""),
                verdicts::logs.eq("[]"),
                verdicts::fuel_used.eq(1i64),
                verdicts::duration_us.eq(1000i64),
                verdicts::created_at.eq(row.at),
            ))
            .execute(conn)?;
    }
    for (team, c, at) in notes {
        diesel::insert_into(coach_notes::table)
            .values((
                coach_notes::id.eq(new_id()),
                coach_notes::team_id.eq(team),
                coach_notes::challenge_id.eq(ladder[c].0.clone()),
                coach_notes::author_id.eq(coach.id.clone()),
                coach_notes::text.eq(format!(
                    "The {} docs never say the count excludes headers",
                    CHALLENGES[c]
                )),
                coach_notes::tags.eq("[\"docs\"]"),
                coach_notes::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    for (team, member, c, at) in feedback {
        diesel::insert_into(challenge_feedback::table)
            .values((
                challenge_feedback::id.eq(new_id()),
                challenge_feedback::team_id.eq(team),
                challenge_feedback::challenge_id.eq(ladder[c].0.clone()),
                challenge_feedback::user_id.eq(member),
                challenge_feedback::difficulty.eq(4),
                challenge_feedback::text.eq(format!(
                    "{} took us far longer than it should",
                    CHALLENGES[c]
                )),
                challenge_feedback::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    for (team, member, c, at) in calls {
        diesel::insert_into(help_calls::table)
            .values((
                help_calls::id.eq(new_id()),
                help_calls::team_id.eq(team),
                help_calls::event_id.eq(event_id),
                help_calls::raised_by.eq(member),
                help_calls::context.eq(format!("stuck on {}", CHALLENGES[c])),
                help_calls::raised_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(count)
}

fn user(
    conn: &mut DbConnection,
    email: &str,
    organization: &str,
) -> cohack_server::error::Result<User> {
    let org = Organization::find_or_create(conn, organization)?;
    User::create(
        conn,
        NewUser {
            email,
            password_hash: String::new(),
            display_name: email,
            organization_id: &org.id,
            is_portal_organizer: false,
        },
    )
}

/// Every element with `data-{key}` in `html`: its `data-*` attributes by name (unescaped).
pub fn marks(html: &str, selector_attribute: &str) -> Vec<HashMap<String, String>> {
    let element = Regex::new(r#"<[a-z]+ [^>]*>"#).expect("regex");
    let attribute = Regex::new(r#"data-([a-z-]+)="([^"]*)""#).expect("regex");
    element
        .find_iter(html)
        .filter(|m| m.as_str().contains(&format!(" data-{selector_attribute}=")))
        .map(|m| {
            attribute
                .captures_iter(m.as_str())
                .map(|c| {
                    (
                        c[1].to_owned(),
                        c[2].replace("&amp;", "&")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                            .replace("&quot;", "\"")
                            .replace("&#39;", "'"),
                    )
                })
                .collect()
        })
        .collect()
}

/// The part of `html` inside the figure `id`.
pub fn figure<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<figure class="chart" id="{id}""#))
        .unwrap_or_else(|| panic!("no figure {id}"));
    let end = html[start..]
        .find("</figure>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

async fn html_report(app: &TestApp, token: &str, slug: &str, query: &str) -> reqwest::Response {
    app.client
        .get(format!(
            "{}/api/v1/events/{slug}/insights{query}",
            app.address
        ))
        .bearer_auth(token)
        .header("Accept", "text/html")
        .send()
        .await
        .expect("request")
}

fn number(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Solved teams per challenge, from `/results`.
fn solved_per_challenge(results: &Value, organization: Option<&str>) -> HashMap<String, usize> {
    let mut solved = HashMap::new();
    for row in results["standings"].as_array().expect("standings") {
        if organization.is_some_and(|o| row["organization"] != o) {
            continue;
        }
        for c in row["challenges"].as_array().expect("challenges") {
            if !c["solved_at"].is_null() {
                *solved
                    .entry(c["challenge"].as_str().unwrap_or_default().to_owned())
                    .or_default() += 1;
            }
        }
    }
    solved
}

/// The file's promise: no script, nothing fetched from anywhere.
pub fn assert_self_contained(html: &str) {
    assert!(
        !html.to_lowercase().contains("<script"),
        "a script in the file"
    );
    let without_namespace = html.replace(r#"xmlns="http://www.w3.org/2000/svg""#, "");
    for needle in ["http://", "https://", "src=", "url(", "@import", "<link"] {
        assert!(
            !without_namespace.contains(needle),
            "the file refers outside itself ({needle})"
        );
    }
}

async fn the_report_carries_the_apis_numbers_and_filters_change_them(app: TestApp) {
    let seeded = seed(&app, "report-numbers").await;
    assert!(seeded.attempts > 1000, "{} attempts", seeded.attempts);
    let (slug, token) = (
        seeded.event.slug.as_str(),
        seeded.event.organizer.access_token.as_str(),
    );
    let cliffs = expect(
        app.get_as(token, &format!("/api/v1/events/{slug}/insights"))
            .await,
        200,
    )
    .await;
    let results = expect(
        app.get_as(token, &format!("/api/v1/events/{slug}/results"))
            .await,
        200,
    )
    .await;
    let response = html_report(&app, token, slug, "").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let html = response.text().await.expect("body");
    assert_self_contained(&html);

    // 1. The numbers: the results' teams and solves.
    let standings = results["standings"].as_array().expect("standings");
    let numbers: HashMap<String, String> = marks(&html, "number")
        .into_iter()
        .map(|m| (m["number"].clone(), m["value"].clone()))
        .collect();
    assert_eq!(numbers["teams"], standings.len().to_string());
    let solved = solved_per_challenge(&results, None);
    assert_eq!(
        numbers["solves"],
        solved.values().sum::<usize>().to_string()
    );
    // Three seeded organizations and the late team's own.
    assert_eq!(numbers["organizations"], "4");

    // 2. The funnel's solved bars are the results' solves; every stage holds the next.
    let funnel = marks(figure(&html, "chart-funnel"), "series");
    assert_eq!(funnel.len(), CHALLENGES.len() * 4);
    for challenge in CHALLENGES {
        let stage = |name: &str| -> i64 {
            funnel
                .iter()
                .find(|m| m["group"] == challenge && m["series"] == name)
                .map(|m| m["value"].parse().expect("a count"))
                .unwrap_or_else(|| panic!("no {name} bar for {challenge}"))
        };
        assert_eq!(
            stage("solved"),
            i64::try_from(solved.get(challenge).copied().unwrap_or(0)).expect("small"),
            "{challenge}"
        );
        assert!(stage("reached") >= stage("attempted"));
        assert!(stage("attempted") >= stage("partial"));
        assert!(stage("partial") >= stage("solved"));
    }

    // 3. One mark per team that attempted a challenge; the solved ones are the solves.
    let strips = marks(figure(&html, "chart-time"), "state");
    for challenge in CHALLENGES {
        let solved_marks = strips
            .iter()
            .filter(|m| m["group"] == challenge && m["state"] == "solved")
            .count();
        assert_eq!(
            solved_marks,
            solved.get(challenge).copied().unwrap_or(0),
            "{challenge}"
        );
    }

    // 4. The cliffs, in the API's order with the API's figures.
    let api_cliffs = cliffs["cliffs"].as_array().expect("cliffs");
    let shown = marks(&html, "cliff-rank");
    assert_eq!(shown.len(), api_cliffs.len().min(10));
    for (shown, api) in shown.iter().zip(api_cliffs) {
        assert_eq!(
            shown["challenge"],
            api["challenge"].as_str().unwrap_or_default()
        );
        assert_eq!(
            shown["lost-seconds"],
            number(&api["lost_seconds"]).to_string()
        );
        assert_eq!(
            shown["teams-affected"],
            number(&api["teams_affected"]).to_string()
        );
    }
    let bars = marks(figure(&html, "chart-cliffs"), "series");
    assert_eq!(
        bars[0]["value"],
        number(&api_cliffs[0]["lost_seconds"]).to_string()
    );
    // Quotes are attributed to a role and an organization, never to the person.
    assert!(html.contains("— a coach, Acme") || html.contains("— a participant, Acme"));
    assert!(!html.contains(&format!("coach-{}", seeded.event.id)));

    // 5. Each organization's lost time is the cliffs report's, filtered by it.
    let cells = marks(figure(&html, "chart-organizations"), "row");
    assert_eq!(cells.len(), (ORGANIZATIONS.len() + 1) * CHALLENGES.len());
    for organization in ORGANIZATIONS {
        let theirs = expect(
            app.get_as(
                token,
                &format!("/api/v1/events/{slug}/insights?organization={organization}"),
            )
            .await,
            200,
        )
        .await;
        for challenge in CHALLENGES {
            let lost: i64 = theirs["cliffs"]
                .as_array()
                .expect("cliffs")
                .iter()
                .filter(|c| c["challenge"] == challenge)
                .map(|c| number(&c["lost_seconds"]))
                .sum();
            let cell = cells
                .iter()
                .find(|c| c["row"] == organization && c["column"] == challenge)
                .expect("a cell");
            assert_eq!(
                cell["lost-seconds"],
                lost.to_string(),
                "{organization} × {challenge}"
            );
        }
    }
    let acme_query = cells
        .iter()
        .find(|c| c["row"] == "Acme" && c["column"] == "query")
        .expect("cell");
    let globex_query = cells
        .iter()
        .find(|c| c["row"] == "Globex" && c["column"] == "query")
        .expect("cell");
    let median = |c: &HashMap<String, String>| c["value"].parse::<f64>().unwrap_or(0.0);
    assert!(
        median(acme_query) > median(globex_query),
        "Acme stalls on query"
    );

    // 6. The race: the results' top ten, each line ending at its score; start, freeze, end.
    let race = marks(figure(&html, "chart-race"), "points");
    assert_eq!(race.len(), 10);
    for (line, row) in race.iter().zip(standings) {
        assert_eq!(line["series"], row["team"].as_str().unwrap_or_default());
        assert_eq!(line["last"], number(&row["score"]).to_string());
    }
    let markers: Vec<String> = marks(&html, "marker")
        .into_iter()
        .map(|m| m["marker"].clone())
        .collect();
    assert!(
        markers.iter().filter(|m| *m == "freeze").count() >= 2,
        "{markers:?}"
    );
    // The columns (markers carry a `data-x` too, but no value).
    let bins = marks(figure(&html, "chart-submissions"), "value");
    let submitted: usize = bins
        .iter()
        .map(|b| b["value"].parse::<usize>().unwrap_or(0))
        .sum();
    assert_eq!(submitted, seeded.attempts);

    // The page shows the same report, linked from the organizer's page, with the download.
    let mut browser = PlainBrowser::sign_in(&app, &seeded.event.organizer.email).await;
    let manage = browser.page(&format!("/events/{slug}/manage")).await;
    assert!(manage.contains(&format!("href=\"/events/{slug}/report\"")));
    let page = browser.page(&format!("/events/{slug}/report")).await;
    assert_eq!(
        marks(figure(&page, "chart-funnel"), "series"),
        funnel,
        "the page and the file draw the same funnel"
    );
    assert!(page.contains(&format!("/events/{slug}/report/download")));
    let download = browser
        .get(&format!("/events/{slug}/report/download?organization=Acme"))
        .await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains(&format!("{slug}-report.html"))
    );
    let file = download.text().await.expect("file");
    assert_self_contained(&file);

    // A filter changes the numbers: Acme's teams only, then one challenge, then a window.
    let acme = html_report(&app, token, slug, "?organization=acme")
        .await
        .text()
        .await
        .expect("body");
    let acme_numbers: HashMap<String, String> = marks(&acme, "number")
        .into_iter()
        .map(|m| (m["number"].clone(), m["value"].clone()))
        .collect();
    assert_eq!(acme_numbers["teams"], TEAMS_PER_ORGANIZATION.to_string());
    let acme_solved = solved_per_challenge(&results, Some("Acme"));
    for bar in marks(figure(&acme, "chart-funnel"), "series")
        .iter()
        .filter(|m| m["series"] == "solved")
    {
        assert_eq!(
            bar["value"],
            acme_solved
                .get(&bar["group"])
                .copied()
                .unwrap_or(0)
                .to_string()
        );
    }
    assert_eq!(
        marks(figure(&acme, "chart-organizations"), "row").len(),
        CHALLENGES.len()
    );
    assert_eq!(
        file.matches("data-number=").count(),
        acme.matches("data-number=").count()
    );

    let one = html_report(&app, token, slug, "?challenge=query")
        .await
        .text()
        .await
        .expect("body");
    let groups: Vec<String> = marks(figure(&one, "chart-funnel"), "series")
        .into_iter()
        .map(|m| m["group"].clone())
        .collect();
    assert!(
        !groups.is_empty() && groups.iter().all(|g| g == "query"),
        "{groups:?}"
    );

    let event_start = now() - TimeDelta::hours(9);
    let until = (event_start + TimeDelta::hours(2))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let early = html_report(&app, token, slug, &format!("?until={until}"))
        .await
        .text()
        .await
        .expect("body");
    let early_submitted: usize = marks(figure(&early, "chart-submissions"), "value")
        .iter()
        .map(|b| b["value"].parse::<usize>().unwrap_or(0))
        .sum();
    assert!(
        early_submitted > 0 && early_submitted < seeded.attempts,
        "{early_submitted}"
    );
    let early_json = expect(
        app.get_as(
            token,
            &format!("/api/v1/events/{slug}/insights?until={until}"),
        )
        .await,
        200,
    )
    .await;
    let early_lost: i64 = early_json["cliffs"]
        .as_array()
        .expect("cliffs")
        .iter()
        .map(|c| number(&c["lost_seconds"]))
        .sum();
    let all_lost: i64 = api_cliffs.iter().map(|c| number(&c["lost_seconds"])).sum();
    assert!(early_lost < all_lost, "the window bounds the lost time");

    // A window that is not a time, or runs backwards, is refused with its code.
    for query in [
        "?from=yesterday",
        "?from=2026-05-04T12:00&until=2026-05-04T09:00",
    ] {
        let refused = expect(
            app.get_as(token, &format!("/api/v1/events/{slug}/insights{query}"))
                .await,
            400,
        )
        .await;
        assert_eq!(refused["error"]["code"], "invalid_time_window", "{query}");
    }
    let refused_page = browser
        .get(&format!("/events/{slug}/report?from=soon"))
        .await;
    assert_eq!(refused_page.status(), 400);
}

async fn only_organizers_and_authors_get_the_report(app: TestApp) {
    let seeded = seed(&app, "report-roles").await;
    let slug = seeded.event.slug.as_str();

    // Participants and coaches: 404 for the page, the download and the file.
    for account in [&seeded.participant, &seeded.coach] {
        let file = html_report(&app, &account.access_token, slug, "").await;
        assert_eq!(file.status(), 404, "{}", account.email);
        let mut browser = PlainBrowser::sign_in(&app, &account.email).await;
        for path in [
            format!("/events/{slug}/report"),
            format!("/events/{slug}/report/download"),
        ] {
            let response = browser.get(&path).await;
            assert_eq!(response.status(), 404, "{} {path}", account.email);
            let body = response.text().await.unwrap_or_default();
            assert!(!body.contains("data-chart"), "nothing of the report leaks");
        }
    }
    // Nobody signed in: the API says 401, the page sends to sign-in; neither shows a chart.
    let anonymous = app
        .client
        .get(format!("{}/api/v1/events/{slug}/insights", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    let mut stranger = PlainBrowser::new(&app);
    let page = stranger.get(&format!("/events/{slug}/report")).await;
    assert_eq!(page.status(), 303);

    // The author: the challenges they published, no race.
    let file = html_report(&app, &seeded.author.access_token, slug, "").await;
    assert_eq!(file.status(), 200);
    let html = file.text().await.expect("body");
    assert_self_contained(&html);
    let groups: std::collections::BTreeSet<String> = marks(figure(&html, "chart-funnel"), "series")
        .into_iter()
        .map(|m| m["group"].clone())
        .collect();
    assert_eq!(
        groups.into_iter().collect::<Vec<_>>(),
        vec!["dashboard".to_owned(), "query".to_owned()]
    );
    assert!(!html.contains(r#"id="chart-race""#));
    for cliff in marks(&html, "cliff-rank") {
        assert!(["query", "dashboard"].contains(&cliff["challenge"].as_str()));
    }
    let mut browser = PlainBrowser::sign_in(&app, &seeded.author.email).await;
    let page = browser.get(&format!("/events/{slug}/report")).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    assert!(!page.contains(r#"data-group="ingest""#));
}
