//! The insight loop on both backends: an event in which three teams of two organizations fail
//! one check of `first-contact` for hours and another only for minutes, a coach's note,
//! participants' feedback and a help call — and the cliffs report ranking the long cliff first,
//! with its evidence, in JSON, CSV and Markdown alike. Plus who may read what (404 for
//! everyone else), the author's statistics and the results.
//!
//! Attempts are inserted through the model layer (`Submission::insert` then
//! `Verdict::record_first`) with chosen `created_at` times and per-check results: the real
//! judge stamps "now", and the report is about hours of being stuck. The help call's
//! `raised_at` is moved the same way, with a direct update.

use chrono::{NaiveDateTime, TimeDelta};
use cohack_server::{
    db::{
        new_id, now,
        schema::{help_calls, hint_unlocks, nudges, sign_offs, submissions},
    },
    models::{
        challenge::Challenge,
        event::Event,
        help_call::HelpCall,
        role::{self, EventRole},
        submission::Submission,
        team::Team,
        verdict::Verdict,
    },
};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{TestEvent, coach, event_between, expect, publish_all},
    harness::{Account, TestApp},
};

backend_tests!(
    the_long_cliff_ranks_first_with_its_evidence,
    the_playbook_weighs_a_cliff_with_its_evidence,
    notes_feedback_and_reports_are_private,
    authors_see_stats_and_organizers_results,
);

/// The long cliff's message, as the validator would phrase it.
pub const COUNT_MESSAGE: &str = "expected the number of devices with an ERROR line";
/// The coach's note.
pub const NOTE_TEXT: &str = "They counted WARN lines too: the log levels are not documented";
/// A participant's feedback.
pub const FEEDBACK_TEXT: &str = "The count check never said which lines count";

/// A team in the played event.
pub struct PlayedTeam {
    pub id: String,
    pub member: Account,
}

/// The played event.
pub struct Played {
    pub event: TestEvent,
    /// Acme: a, b; Globex: c, d (d solved at once).
    pub teams: Vec<PlayedTeam>,
    /// Coach of team a.
    pub coach_a: Account,
    /// Coach of team b.
    pub coach_b: Account,
    /// Event start.
    pub start: NaiveDateTime,
}

async fn member(app: &TestApp, event: &TestEvent, name: &str, org: &str) -> (Account, String) {
    let account = app.register(&format!("{name}@{org}.example"), org).await;
    let (event_id, user_id, team_name) = (event.id.clone(), account.id.clone(), name.to_owned());
    let team = app
        .state
        .db
        .write(move |conn| {
            role::grant(conn, &event_id, &user_id, EventRole::Participant, None)?;
            let event = Event::find(conn, &event_id)?;
            Team::create(conn, &event, &team_name, &user_id)
        })
        .await
        .expect("team created");
    (account, team.id)
}

fn checks(parse: bool, count: bool) -> String {
    json!([
        {"name": "parse", "passed": parse,
         "message": if parse { "a number" } else { "the answer is not a number" }},
        {"name": "count", "passed": count,
         "message": if count { "right" } else { COUNT_MESSAGE }},
    ])
    .to_string()
}

/// Stores an attempt of `team` at `at` with a chosen verdict.
async fn attempt(
    app: &TestApp,
    event: &TestEvent,
    team: &PlayedTeam,
    at: NaiveDateTime,
    outcome: Option<(bool, bool)>,
) {
    let (event_id, team_id, user_id) = (event.id.clone(), team.id.clone(), team.member.id.clone());
    app.state
        .db
        .write(move |conn| {
            let challenge = Challenge::get_by_slug(conn, &event_id, "first-contact")?;
            let submission = Submission {
                id: new_id(),
                team_id,
                challenge_id: challenge.id.clone(),
                submitted_by: user_id,
                answer: "42".into(),
                status: "pending".into(),
                created_at: at,
                endpoints: None,
            };
            Submission::insert(conn, &submission, &[])?;
            let (passed, checks, error_kind) = match outcome {
                Some((parse, count)) => (parse && count, checks(parse, count), None),
                None => (false, "[]".to_owned(), Some("trap".to_owned())),
            };
            Verdict::record_first(
                conn,
                &Verdict {
                    id: new_id(),
                    submission_id: submission.id,
                    validator_version_id: challenge.live_version_id.clone().unwrap_or_default(),
                    is_current: true,
                    passed,
                    score: i32::from(passed) * 100,
                    max_score: 100,
                    feedback: if passed { "solved" } else { "not yet" }.into(),
                    checks,
                    notes: String::new(),
                    error_kind,
                    error_detail: None,
                    logs: "[]".into(),
                    fuel_used: 1,
                    duration_us: 1,
                    created_at: at,
                    exchanges: "[]".into(),
                },
                false,
            )
        })
        .await
        .expect("attempt stored");
}

/// Plays the event: started three days ago, running until `ends_in` from now.
pub async fn play_cliff_event(app: &TestApp, slug: &str, ends_in: TimeDelta) -> Played {
    let at = now();
    let start = at - TimeDelta::days(3);
    let event = event_between(app, slug, start, at + ends_in).await;
    publish_all(app, &event, &["01-first-contact"]).await;
    let mut teams = Vec::new();
    for (name, org) in [
        ("a", "Acme"),
        ("b", "Acme"),
        ("c", "Globex"),
        ("d", "Globex"),
    ] {
        let (member, id) = member(app, &event, &format!("{slug}-{name}"), org).await;
        teams.push(PlayedTeam { id, member });
    }
    let minutes = |m: i64| start + TimeDelta::minutes(m);
    // a, b, c: `parse` fails for two minutes, `count` for hours; c never gets past it.
    for (i, team) in teams.iter().take(3).enumerate() {
        let offset = i64::try_from(i).expect("small") * 10;
        attempt(app, &event, team, minutes(offset), Some((false, false))).await;
        attempt(app, &event, team, minutes(offset + 2), Some((true, false))).await;
        attempt(app, &event, team, minutes(offset + 90), Some((true, false))).await;
        if i < 2 {
            attempt(app, &event, team, minutes(offset + 180), Some((true, true))).await;
        }
    }
    // A validator error (not an attempt) and d passing at once.
    attempt(app, &event, &teams[0], minutes(1), None).await;
    attempt(app, &event, &teams[3], minutes(5), Some((true, true))).await;

    let coach_a = coach(app, &event, &teams[0].id, &format!("{slug}-coach-a")).await;
    let coach_b = coach(app, &event, &teams[1].id, &format!("{slug}-coach-b")).await;
    expect(
        app.post(
            coach_a.token(),
            &format!("/api/v1/teams/{}/notes", teams[0].id),
            &json!({"challenge": "first-contact", "text": NOTE_TEXT, "tags": ["Logs", "docs"]}),
        )
        .await,
        201,
    )
    .await;
    expect(
        app.post(
            teams[0].member.token(),
            &format!("/api/v1/teams/{}/feedback", teams[0].id),
            &json!({"challenge": "first-contact", "difficulty": 4, "text": FEEDBACK_TEXT}),
        )
        .await,
        201,
    )
    .await;
    expect(
        app.post(
            teams[2].member.token(),
            &format!("/api/v1/teams/{}/feedback", teams[2].id),
            &json!({"challenge": "first-contact", "difficulty": 5, "text": "too hard"}),
        )
        .await,
        201,
    )
    .await;
    // Team c calls a coach an hour into the `count` cliff.
    let (team_id, event_id, user_id) = (
        teams[2].id.clone(),
        event.id.clone(),
        teams[2].member.id.clone(),
    );
    let raised_at = minutes(80);
    app.state
        .db
        .write(move |conn| {
            let call = HelpCall::raise(conn, &team_id, &event_id, &user_id, "which lines count?")?;
            diesel::update(help_calls::table.find(&call.id))
                .set(help_calls::raised_at.eq(raised_at))
                .execute(conn)?;
            Ok::<_, cohack_server::error::Error>(())
        })
        .await
        .expect("help call");
    Played {
        event,
        teams,
        coach_a,
        coach_b,
        start,
    }
}

async fn get_text(app: &TestApp, token: &str, path: &str, accept: &str) -> String {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .header("Accept", accept)
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200, "{path} as {accept}");
    response.text().await.expect("text")
}

fn evidence_has(cliff: &Value, kind: &str, needle: &str) -> bool {
    cliff["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .any(|e| e["kind"] == kind && e["text"].as_str().is_some_and(|t| t.contains(needle)))
}

async fn the_long_cliff_ranks_first_with_its_evidence(app: TestApp) {
    let played = play_cliff_event(&app, "cliffs", TimeDelta::days(1)).await;
    let token = played.event.organizer.access_token.clone();
    let path = "/api/v1/events/cliffs/insights";
    let report = expect(app.get_as(&token, path).await, 200).await;
    let cliffs = report["cliffs"].as_array().expect("cliffs");
    assert!(report["generated_at"].is_string());
    assert_eq!(cliffs.len(), 2, "{report}");
    let long = &cliffs[0];
    assert_eq!(long["rank"], 1);
    assert_eq!(long["challenge"], "first-contact");
    assert_eq!(long["check"], "count", "{report}");
    assert_eq!(long["teams_affected"], 3);
    assert_eq!(long["teams_total"], 4);
    assert_eq!(long["organizations_affected"], 2);
    assert_eq!(long["validator_errors"], 1);
    assert_eq!(long["failed_attempts"], 9);
    assert_eq!(long["help_calls"], 1);
    // a and b: 180 minutes each, c: from minute 20 until now (the event still runs).
    assert_eq!(long["median_stuck_seconds"], 180 * 60);
    assert!(evidence_has(long, "failing_check", COUNT_MESSAGE), "{long}");
    assert!(evidence_has(long, "coach_note", NOTE_TEXT), "{long}");
    assert!(evidence_has(long, "coach_note", "[logs, docs]"), "{long}");
    assert!(evidence_has(long, "feedback", FEEDBACK_TEXT), "{long}");
    assert!(
        evidence_has(long, "help_call", "which lines count?"),
        "{long}"
    );
    let org = long["evidence"][0]["organization"].as_str().expect("org");
    assert!(org == "Acme" || org == "Globex");
    let brief = &cliffs[1];
    assert_eq!(brief["check"], "parse");
    assert_eq!(brief["teams_affected"], 3);
    assert_eq!(brief["median_stuck_seconds"], 120);
    assert_eq!(brief["lost_seconds"], 3 * 120);
    assert!(evidence_has(brief, "failing_check", "not a number"));
    assert!(long["lost_seconds"].as_i64() > brief["lost_seconds"].as_i64());

    // The organization filter: Globex alone (c stuck, d not).
    let globex = expect(
        app.get_as(&token, &format!("{path}?organization=globex"))
            .await,
        200,
    )
    .await;
    let top = &globex["cliffs"][0];
    assert_eq!(top["check"], "count");
    assert_eq!(top["teams_affected"], 1);
    assert_eq!(top["teams_total"], 2);
    assert_eq!(top["organizations_affected"], 1);
    assert!(
        !evidence_has(top, "coach_note", NOTE_TEXT),
        "Acme's note under Globex"
    );
    // Tag and challenge filters.
    let tagged = expect(app.get_as(&token, &format!("{path}?tag=logs")).await, 200).await;
    assert_eq!(tagged["cliffs"].as_array().map(Vec::len), Some(1));
    assert_eq!(tagged["cliffs"][0]["check"], "count");
    let none = expect(
        app.get_as(&token, &format!("{path}?challenge=nope")).await,
        200,
    )
    .await;
    assert_eq!(none["cliffs"], json!([]));

    // CSV and Markdown agree with the JSON, filters included.
    for query in ["", "?organization=Globex"] {
        let json_form = expect(app.get_as(&token, &format!("{path}{query}")).await, 200).await;
        let csv = get_text(&app, &token, &format!("{path}{query}"), "text/csv").await;
        let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
        assert_eq!(rows[0][..4], ["rank", "challenge", "check", "lost_seconds"]);
        let cliffs = json_form["cliffs"].as_array().expect("cliffs");
        assert_eq!(rows.len(), cliffs.len() + 1, "{csv}");
        for (row, cliff) in rows[1..].iter().zip(cliffs) {
            assert_eq!(row[0], cliff["rank"].to_string());
            assert_eq!(row[1], cliff["challenge"]);
            assert_eq!(row[2], cliff["check"]);
            assert_eq!(row[3], cliff["lost_seconds"].to_string());
            assert_eq!(row[4], cliff["teams_affected"].to_string());
            assert_eq!(row[5], cliff["teams_total"].to_string());
            assert_eq!(row[6], cliff["median_stuck_seconds"].to_string());
        }
        let markdown = get_text(&app, &token, &format!("{path}{query}"), "text/markdown").await;
        for cliff in cliffs {
            let line = format!(
                "| {} | first-contact | {} |",
                cliff["rank"],
                cliff["check"].as_str().expect("check")
            );
            assert!(markdown.contains(&line), "{line} in {markdown}");
        }
        assert_eq!(markdown.contains(NOTE_TEXT), query.is_empty(), "{markdown}");
    }
}

async fn notes_feedback_and_reports_are_private(app: TestApp) {
    let played = play_cliff_event(&app, "private", TimeDelta::days(1)).await;
    let (a, b) = (&played.teams[0], &played.teams[1]);
    let report = "/api/v1/events/private/insights";
    // Participants and coaches get 404 on the report, the stats and the results.
    for token in [&a.member.access_token, &played.coach_a.access_token] {
        for path in [
            report.to_owned(),
            "/api/v1/events/private/challenges/first-contact/stats".to_owned(),
            "/api/v1/events/private/results".to_owned(),
        ] {
            expect(app.get_as(token, &path).await, 404).await;
        }
    }
    // The team's coach and the organizer read its notes and feedback.
    for token in [
        &played.coach_a.access_token,
        &played.event.organizer.access_token,
    ] {
        let notes = expect(
            app.get_as(token, &format!("/api/v1/teams/{}/notes", a.id))
                .await,
            200,
        )
        .await;
        assert_eq!(notes[0]["text"], NOTE_TEXT);
        assert_eq!(notes[0]["tags"], json!(["logs", "docs"]));
        let feedback = expect(
            app.get_as(token, &format!("/api/v1/teams/{}/feedback", a.id))
                .await,
            200,
        )
        .await;
        assert_eq!(feedback[0]["difficulty"], 4);
        assert_eq!(feedback.as_array().map(Vec::len), Some(1));
    }
    // Members don't read notes nor feedback; another team's coach and member see nothing.
    for (token, team) in [
        (&a.member.access_token, &a.id),
        (&b.member.access_token, &a.id),
        (&played.coach_b.access_token, &a.id),
    ] {
        for what in ["notes", "feedback"] {
            expect(
                app.get_as(token, &format!("/api/v1/teams/{team}/{what}"))
                    .await,
                404,
            )
            .await;
        }
    }
    // Writing: another team's coach and member get 404 with nothing stored; a member can't
    // write notes, a coach can't give feedback; bad values are 400.
    let note = json!({"challenge": "first-contact", "text": "x"});
    let feedback = json!({"challenge": "first-contact", "difficulty": 3, "text": "ok"});
    for (token, body, what, status) in [
        (&played.coach_b.access_token, &note, "notes", 404),
        (&b.member.access_token, &note, "notes", 404),
        (&a.member.access_token, &note, "notes", 404),
        (&b.member.access_token, &feedback, "feedback", 404),
        (&played.coach_b.access_token, &feedback, "feedback", 404),
        (&played.coach_a.access_token, &feedback, "feedback", 403),
    ] {
        expect(
            app.post(Some(token), &format!("/api/v1/teams/{}/{what}", a.id), body)
                .await,
            status,
        )
        .await;
    }
    let bad = expect(
        app.post(
            a.member.token(),
            &format!("/api/v1/teams/{}/feedback", a.id),
            &json!({"challenge": "first-contact", "difficulty": 6, "text": ""}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(bad["error"]["code"], "invalid_difficulty");
    let bad = expect(
        app.post(
            played.coach_a.token(),
            &format!("/api/v1/teams/{}/notes", a.id),
            &json!({"challenge": "first-contact", "text": "x", "tags": ["has space"]}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(bad["error"]["code"], "invalid_tag");
    let token = &played.coach_a.access_token;
    let notes = expect(
        app.get_as(token, &format!("/api/v1/teams/{}/notes", a.id))
            .await,
        200,
    )
    .await;
    assert_eq!(
        notes.as_array().map(Vec::len),
        Some(1),
        "nothing else stored"
    );
}

async fn authors_see_stats_and_organizers_results(app: TestApp) {
    let played = play_cliff_event(&app, "stats", TimeDelta::days(1)).await;
    let token = &played.event.organizer.access_token;
    // A member's first fetch of the materials records the opening; a coach's does not.
    for account in [
        &played.teams[3].member,
        &played.coach_a,
        &played.teams[3].member,
    ] {
        let team = if account.id == played.coach_a.id {
            &played.teams[0].id
        } else {
            &played.teams[3].id
        };
        expect(
            crate::challenges::materials(&app, &account.access_token, team, "first-contact").await,
            200,
        )
        .await;
    }
    let stats = expect(
        app.get_as(token, "/api/v1/events/stats/challenges/first-contact/stats")
            .await,
        200,
    )
    .await;
    assert_eq!(stats["teams_attempted"], 4);
    assert_eq!(stats["teams_passed"], 3);
    assert_eq!(stats["pass_rate"], 0.75);
    assert_eq!(stats["attempts_until_pass"]["median"], 4);
    assert_eq!(stats["attempts_until_pass"]["p90"], 4);
    assert_eq!(stats["time_to_solve_seconds"]["max"], 180 * 60);
    assert_eq!(stats["most_frequent_failing_check"]["check"], "count");
    assert_eq!(stats["most_frequent_failing_check"]["failures"], 9);
    assert_eq!(stats["validator_errors"], 1);
    assert_eq!(stats["open_to_solve_seconds"]["count"], 1, "{stats}");

    // An author who did not publish this challenge: no report lines, 404 on its stats.
    let author =
        crate::challenges::user_with_role(&app, &played.event, "writer", EventRole::Author).await;
    let report = expect(
        app.get_as(&author.access_token, "/api/v1/events/stats/insights")
            .await,
        200,
    )
    .await;
    assert_eq!(report["cliffs"], json!([]));
    expect(
        app.get_as(
            &author.access_token,
            "/api/v1/events/stats/challenges/first-contact/stats",
        )
        .await,
        404,
    )
    .await;

    let results = expect(app.get_as(token, "/api/v1/events/stats/results").await, 200).await;
    let standings = results["standings"].as_array().expect("standings");
    assert_eq!(standings.len(), 4);
    assert_eq!(standings[0]["team"], "stats-d", "solved first");
    assert_eq!(standings[0]["challenges"][0]["solve_seconds"], 5 * 60);
    assert_eq!(standings[3]["team"], "stats-c");
    assert_eq!(standings[3]["solved"], 0);
    let leaderboard = expect(
        app.get_as(token, "/api/v1/events/stats/leaderboard").await,
        200,
    )
    .await;
    for (row, standing) in leaderboard["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .zip(standings)
    {
        assert_eq!(row["team"]["name"], standing["team"]);
        assert_eq!(row["rank"], standing["rank"]);
    }
    let csv = get_text(&app, token, "/api/v1/events/stats/results", "text/csv").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[0]
            .starts_with("rank,team,organization,solved,score,last_solve_at,first-contact_seconds")
    );
    assert!(lines[1].starts_with("1,stats-d,Globex,1,"), "{csv}");
    let _ = played.start;
}

/// A hint unlock, a nudge and a rejected sign-off of `team` on `first-contact` at `at`, stored
/// as the playbook's own actions store them (the hint and sign-off flows need a package with
/// hints and a `sign_off = "coach"` challenge; the rows are what the report reads).
pub async fn playbook_rows(app: &TestApp, event: &TestEvent, team: &PlayedTeam, at: NaiveDateTime) {
    let (event_id, team_id, user_id) = (event.id.clone(), team.id.clone(), team.member.id.clone());
    app.state
        .db
        .write(move |conn| {
            let challenge = Challenge::get_by_slug(conn, &event_id, "first-contact")?;
            diesel::insert_into(hint_unlocks::table)
                .values((
                    hint_unlocks::team_id.eq(&team_id),
                    hint_unlocks::challenge_id.eq(&challenge.id),
                    hint_unlocks::hint_index.eq(0),
                    hint_unlocks::cost.eq(30),
                    hint_unlocks::unlocked_by.eq(&user_id),
                    hint_unlocks::unlocked_at.eq(at),
                ))
                .execute(conn)?;
            diesel::insert_into(nudges::table)
                .values((
                    nudges::team_id.eq(&team_id),
                    nudges::challenge_id.eq(&challenge.id),
                    nudges::expected_minutes.eq(45),
                    nudges::created_at.eq(at),
                ))
                .execute(conn)?;
            let submission: String = submissions::table
                .filter(submissions::team_id.eq(&team_id))
                .filter(submissions::challenge_id.eq(&challenge.id))
                .select(submissions::id)
                .first(conn)?;
            diesel::insert_into(sign_offs::table)
                .values((
                    sign_offs::submission_id.eq(submission),
                    sign_offs::team_id.eq(&team_id),
                    sign_offs::challenge_id.eq(&challenge.id),
                    sign_offs::state.eq("rejected"),
                    sign_offs::comment.eq("the count includes WARN lines"),
                    sign_offs::decided_at.eq(Some(at)),
                    sign_offs::created_at.eq(at),
                ))
                .execute(conn)?;
            Ok::<_, cohack_server::error::Error>(())
        })
        .await
        .expect("playbook rows");
}

/// Hints, questions (one answered to everyone), nudges and a rejected sign-off land on the
/// cliff where their team was stuck, as evidence and in its score: the `count` cliff ranks
/// first by a score that is its time lost plus each signal's documented weight, in JSON, CSV
/// and Markdown alike. A team never stuck there (d) adds nothing.
async fn the_playbook_weighs_a_cliff_with_its_evidence(app: TestApp) {
    let played = play_cliff_event(&app, "playbook", TimeDelta::days(1)).await;
    let token = played.event.organizer.access_token.clone();
    let minutes = |m: i64| played.start + TimeDelta::minutes(m);
    let (a, c, d) = (&played.teams[0], &played.teams[2], &played.teams[3]);
    playbook_rows(&app, &played.event, a, minutes(60)).await;
    playbook_rows(&app, &played.event, c, minutes(70)).await;
    playbook_rows(&app, &played.event, d, minutes(6)).await;
    // Questions through the API: c's answered to everyone, a's to its team only.
    let ask = |team: &PlayedTeam, text: &str| {
        let (path, body, token) = (
            format!("/api/v1/teams/{}/questions", team.id),
            json!({"challenge": "first-contact", "text": text}),
            team.member.access_token.clone(),
        );
        let app = &app;
        async move { expect(app.post(Some(&token), &path, &body).await, 201).await }
    };
    let everyone = ask(c, "Do WARN lines count as errors?").await;
    let team_only = ask(a, "Is the count per device?").await;
    for (question, to) in [(&everyone, "everyone"), (&team_only, "team")] {
        let id = question["id"].as_str().expect("id");
        expect(
            app.post(
                Some(&token),
                &format!("/api/v1/questions/{id}/answer"),
                &json!({"text": "Only ERROR lines count.", "to": to}),
            )
            .await,
            200,
        )
        .await;
    }

    let path = "/api/v1/events/playbook/insights";
    let report = expect(app.get_as(&token, path).await, 200).await;
    let long = &report["cliffs"][0];
    assert_eq!(long["check"], "count", "{report}");
    assert_eq!(long["hints"], 2, "a's and c's, not d's: {long}");
    assert_eq!(long["questions"], 2);
    assert_eq!(long["questions_to_everyone"], 1);
    assert_eq!(long["nudges"], 2);
    assert_eq!(long["sign_offs_rejected"], 2);
    let weights = 2 * 600 + 600 + 1800 + 2 * 1200 + 2 * 900;
    assert_eq!(
        long["score"].as_i64(),
        long["lost_seconds"].as_i64().map(|lost| lost + weights),
        "{long}"
    );
    assert!(evidence_has(long, "hint", "(cost 30)"), "{long}");
    assert!(
        evidence_has(
            long,
            "question",
            "Do WARN lines count as errors? (answered to everyone)"
        ),
        "{long}"
    );
    assert!(
        evidence_has(long, "question", "Is the count per device?"),
        "{long}"
    );
    assert!(
        evidence_has(long, "nudge", "over the expected 45 minutes"),
        "{long}"
    );
    assert!(
        evidence_has(long, "sign_off_rejected", "the count includes WARN lines"),
        "{long}"
    );
    let brief = &report["cliffs"][1];
    assert_eq!(
        brief["score"], brief["lost_seconds"],
        "nothing of the playbook there"
    );

    // The playbook alone ranks a cliff: without it, the organization filter's only cliffs
    // keep their order; the score column and counts are in the CSV and the Markdown.
    let csv = get_text(&app, &token, path, "text/csv").await;
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let column = |name: &str| rows[0].iter().position(|c| *c == name).expect(name);
    assert_eq!(rows[1][column("score")], long["score"].to_string());
    assert_eq!(rows[1][column("hints")], "2");
    assert_eq!(rows[1][column("questions_to_everyone")], "1");
    assert_eq!(rows[1][column("nudges")], "2");
    assert_eq!(rows[1][column("sign_offs_rejected")], "2");
    let markdown = get_text(&app, &token, path, "text/markdown").await;
    assert!(markdown.contains("**question**"), "{markdown}");
    assert!(markdown.contains("**nudge**"), "{markdown}");
    assert!(markdown.contains("**hint**"), "{markdown}");
    assert!(markdown.contains("| 2 | 2 (1) | 2 | 2 |"), "{markdown}");
}
