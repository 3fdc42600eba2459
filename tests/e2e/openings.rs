//! Unblocking a stuck team and the coach's guide (#25), as a team, its coach, an organizer
//! and a competitor meet them over the API: a coach opens the team's next locked challenge
//! (and only that one; an organizer any), the team hears of it live and may work on it, it
//! scores only if solved, the skipped one stays open, the opening is recorded on the progress
//! view and ranks its cliff with `skip` evidence; a package's `coach.md` reaches the event's
//! coaches and organizers and no response a participant or a competitor can get.

use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, expect, first_contact_answer, ladder, materials, publish, publish_all,
        running_event, submit, team, upload,
    },
    harness::TestApp,
    live_client::connect,
    plain_browser::PlainBrowser,
};

backend_tests!(
    a_coach_opens_the_next_challenge_for_a_stuck_team,
    a_team_that_never_submitted_is_opened_past_a_cliff,
    who_may_open_what,
    the_coach_guide_reaches_coaches_and_organizers_only,
);

/// The marker of the coach's guide: no participant-reachable body may contain it.
pub const GUIDE_MARKER: &str = "COACH-ONLY-7f3a9c: the gaps are the offline hours";

fn open_path(team: &str, challenge: &str) -> String {
    format!("/api/v1/teams/{team}/challenges/{challenge}/open")
}

async fn open(
    app: &TestApp,
    token: Option<&str>,
    team: &str,
    challenge: &str,
    reason: &str,
) -> reqwest::Response {
    app.post(
        token,
        &open_path(team, challenge),
        &json!({"reason": reason}),
    )
    .await
}

/// A running event with the first four sample challenges.
async fn ladder_event(app: &TestApp, slug: &str) -> TestEvent {
    let event = running_event(app, slug).await;
    publish_all(
        app,
        &event,
        &[
            "01-first-contact",
            "02-pipeline-manifest",
            "03-clean-readings",
            "04-fleet-report",
        ],
    )
    .await;
    event
}

fn rung<'a>(ladder: &'a Value, slug: &str) -> &'a Value {
    ladder["challenges"]
        .as_array()
        .expect("challenges")
        .iter()
        .find(|c| c["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} on the ladder: {ladder}"))
}

async fn a_coach_opens_the_next_challenge_for_a_stuck_team(app: TestApp) {
    let event = ladder_event(&app, "unblock").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let token = &alice.access_token;

    // Stuck: two wrong answers on the first challenge.
    expect(materials(&app, token, &team_id, "first-contact").await, 200).await;
    for answer in ["0", "1"] {
        let failed = expect(
            submit(
                &app,
                token,
                &team_id,
                &json!({"challenge": "first-contact", "answer": answer}),
            )
            .await,
            201,
        )
        .await;
        assert_eq!(failed["verdict"]["passed"], false, "{failed}");
    }
    let locked = expect(
        submit(
            &app,
            token,
            &team_id,
            &json!({"challenge": "pipeline-manifest", "answer": "x"}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(locked["error"]["code"], "locked");

    let mut workspace = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), alice.token()).await;
    let opened = expect(
        open(
            &app,
            Some(&bob.access_token),
            &team_id,
            "pipeline-manifest",
            "  stuck on counting devices for an hour  ",
        )
        .await,
        201,
    )
    .await;
    assert_eq!(opened["challenge"], "pipeline-manifest", "{opened}");
    assert_eq!(opened["skipped"], "first-contact", "{opened}");
    assert_eq!(opened["reason"], "stuck on counting devices for an hour");
    assert_eq!(opened["opened_by"]["user_id"], bob.id.as_str());
    assert_eq!(opened["team_id"], team_id.as_str());
    let stuck = opened["stuck_seconds"].as_i64().expect("stuck_seconds");
    assert!(stuck >= 0, "{opened}");
    assert!(opened["opened_at"].as_str().is_some());

    // The team hears of it live.
    let activity = workspace
        .expect_where("activity", |a| a["kind"] == "opened")
        .await;
    assert_eq!(activity["challenge"], "pipeline-manifest");
    assert_eq!(activity["reason"], "stuck on counting devices for an hour");
    assert_eq!(activity["by"]["user_id"], bob.id.as_str());

    // Open now, statement and all; the skipped one stays open; the one after stays locked.
    let seen = ladder(&app, token, &event.slug).await;
    let second = rung(&seen, "pipeline-manifest");
    assert_eq!(second["locked"], false, "{seen}");
    assert!(second["statement"].as_str().is_some(), "{seen}");
    assert_eq!(rung(&seen, "first-contact")["locked"], false);
    assert_eq!(rung(&seen, "first-contact")["solved"], false);
    assert_eq!(rung(&seen, "clean-readings")["locked"], true);
    // The team works on it: a submission is accepted (judged), not refused as locked.
    let tried = expect(
        submit(
            &app,
            token,
            &team_id,
            &json!({"challenge": "pipeline-manifest", "answer": "x"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(tried["verdict"]["passed"], false, "{tried}");

    // It scores only if solved: nothing on the board yet.
    let board = expect(
        app.get(&format!("/api/v1/events/{}/leaderboard", event.slug))
            .await,
        200,
    )
    .await;
    let row = board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["team"]["id"] == team_id.as_str())
        .expect("the team's row")
        .clone();
    assert_eq!(row["solved"], 0, "{board}");
    assert_eq!(row["score"], 0, "{board}");

    // Once open, it is not opened again.
    let again = expect(
        open(
            &app,
            Some(&bob.access_token),
            &team_id,
            "pipeline-manifest",
            "again",
        )
        .await,
        409,
    )
    .await;
    assert_eq!(again["error"]["code"], "already_open");

    // The skipped challenge still counts when solved later.
    let own = expect(materials(&app, token, &team_id, "first-contact").await, 200).await;
    let solved = expect(
        submit(
            &app,
            token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": first_contact_answer(&own)}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(solved["verdict"]["passed"], true, "{solved}");

    // The coach's and the organizer's progress views show the opening.
    for viewer in [&bob.access_token, &event.organizer.access_token] {
        let progress = expect(
            app.get_as(viewer, &format!("/api/v1/events/{}/progress", event.slug))
                .await,
            200,
        )
        .await;
        let row = progress["teams"]
            .as_array()
            .expect("teams")
            .iter()
            .find(|t| t["team_id"] == team_id.as_str())
            .unwrap_or_else(|| panic!("the team: {progress}"));
        let openings = row["openings"].as_array().expect("openings");
        assert_eq!(openings.len(), 1, "{row}");
        assert_eq!(openings[0]["challenge"], "pipeline-manifest");
        assert_eq!(openings[0]["skipped"], "first-contact");
        assert_eq!(openings[0]["opened_by"]["user_id"], bob.id.as_str());
        assert_eq!(
            openings[0]["reason"],
            "stuck on counting devices for an hour"
        );
        assert_eq!(row["challenge"]["slug"], "pipeline-manifest", "{row}");
    }

    // The cliffs report: the skipped challenge's cliff carries the skip, weighed an hour.
    let report = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/insights", event.slug),
        )
        .await,
        200,
    )
    .await;
    let cliffs = report["cliffs"].as_array().expect("cliffs");
    let skipped = cliffs
        .iter()
        .find(|c| c["skips"] == 1)
        .unwrap_or_else(|| panic!("a cliff with the skip: {report}"));
    assert_eq!(skipped["challenge"], "first-contact", "{skipped}");
    assert_eq!(
        skipped["rank"], 1,
        "the strongest evidence ranks it first: {report}"
    );
    let lost = skipped["lost_seconds"].as_i64().expect("lost");
    assert!(
        skipped["score"].as_i64().expect("score") >= lost + 3600,
        "{skipped}"
    );
    let evidence = skipped["evidence"].as_array().expect("evidence");
    let skip = evidence
        .iter()
        .find(|e| e["kind"] == "skip")
        .unwrap_or_else(|| panic!("skip evidence: {skipped}"));
    assert!(
        skip["text"]
            .as_str()
            .is_some_and(|t| t.contains("stuck on counting devices")),
        "{skip}"
    );
    let csv = app
        .client
        .get(format!(
            "{}/api/v1/events/{}/insights",
            app.address, event.slug
        ))
        .bearer_auth(&event.organizer.access_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("csv");
    let csv = csv.text().await.expect("text");
    assert!(
        csv.lines().next().is_some_and(|h| h.ends_with(",skips")),
        "{csv}"
    );
}

/// A team stuck without a single submission (it read the statement, tried locally, asked its
/// coach) is opened past the challenge: the cliffs report still ranks that challenge with the
/// skip as evidence, on its `check: null` cliff, the team counted as affected, while a team
/// that failed an attempt elsewhere keeps its own cliff and the organization filter applies.
async fn a_team_that_never_submitted_is_opened_past_a_cliff(app: TestApp) {
    let event = ladder_event(&app, "unblock-silent").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    expect(
        materials(&app, &alice.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let opened = expect(
        open(
            &app,
            Some(&bob.access_token),
            &team_id,
            "pipeline-manifest",
            "read it twice, never dared to submit",
        )
        .await,
        201,
    )
    .await;
    assert_eq!(opened["skipped"], "first-contact", "{opened}");
    // Another team failed an attempt: a cliff measured from submissions, worth a few seconds.
    let (carol, other_team) = team(&app, &event, "carol").await;
    expect(
        submit(
            &app,
            &carol.access_token,
            &other_team,
            &json!({"challenge": "first-contact", "answer": "0"}),
        )
        .await,
        201,
    )
    .await;

    let report = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/events/{}/insights", event.slug),
        )
        .await,
        200,
    )
    .await;
    let cliffs = report["cliffs"].as_array().expect("cliffs");
    let skipped = cliffs
        .iter()
        .find(|c| c["skips"] == 1)
        .unwrap_or_else(|| panic!("a cliff with the skip: {report}"));
    assert_eq!(skipped["challenge"], "first-contact", "{skipped}");
    assert_eq!(skipped["rank"], 1, "the skip outweighs seconds: {report}");
    assert_eq!(skipped["teams_affected"], 1, "{skipped}");
    let evidence = skipped["evidence"].as_array().expect("evidence");
    let skip = evidence
        .iter()
        .find(|e| e["kind"] == "skip")
        .unwrap_or_else(|| panic!("skip evidence: {skipped}"));
    assert!(
        skip["text"]
            .as_str()
            .is_some_and(|t| t.contains("never dared to submit")),
        "{skip}"
    );
    assert!(
        skipped["score"].as_i64().expect("score")
            >= skipped["lost_seconds"].as_i64().expect("lost") + 3600,
        "{skipped}"
    );
    // The skip is the silent team's alone: no cliff gives it to the team that submitted.
    assert_eq!(
        cliffs
            .iter()
            .flat_map(|c| c["evidence"].as_array().expect("evidence"))
            .filter(|e| e["kind"] == "skip")
            .count(),
        1,
        "{report}"
    );
    // Filtered to the challenge, the skip stays; filtered to another one, it is gone.
    let only = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!(
                "/api/v1/events/{}/insights?challenge=first-contact",
                event.slug
            ),
        )
        .await,
        200,
    )
    .await;
    assert!(
        only["cliffs"]
            .as_array()
            .expect("cliffs")
            .iter()
            .any(|c| c["skips"] == 1),
        "{only}"
    );
    let elsewhere = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!(
                "/api/v1/events/{}/insights?challenge=clean-readings",
                event.slug
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(elsewhere["cliffs"], json!([]), "{elsewhere}");
}

async fn who_may_open_what(app: TestApp) {
    let event = ladder_event(&app, "unblock-who").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let (carol, other) = team(&app, &event, "carol").await;
    let dave = coach(&app, &event, &other, "dave").await;
    let reason = "stuck";

    // A member may not; a competitor, another team's coach and a stranger do not see the team.
    let member = expect(
        open(
            &app,
            Some(&alice.access_token),
            &team_id,
            "pipeline-manifest",
            reason,
        )
        .await,
        403,
    )
    .await;
    assert_eq!(member["error"]["code"], "forbidden", "{member}");
    for token in [&carol.access_token, &dave.access_token] {
        expect(
            open(&app, Some(token), &team_id, "pipeline-manifest", reason).await,
            404,
        )
        .await;
    }
    expect(
        open(&app, None, &team_id, "pipeline-manifest", reason).await,
        401,
    )
    .await;
    // A reason is required; unknown challenges are 404; an open one is 409.
    for blank in ["", "   ", &"x".repeat(501)] {
        let refused = expect(
            open(
                &app,
                Some(&bob.access_token),
                &team_id,
                "pipeline-manifest",
                blank,
            )
            .await,
            400,
        )
        .await;
        assert_eq!(refused["error"]["code"], "invalid_reason", "{refused}");
    }
    expect(
        open(&app, Some(&bob.access_token), &team_id, "no-such", reason).await,
        404,
    )
    .await;
    let open_already = expect(
        open(
            &app,
            Some(&bob.access_token),
            &team_id,
            "first-contact",
            reason,
        )
        .await,
        409,
    )
    .await;
    assert_eq!(open_already["error"]["code"], "already_open");
    // A coach opens the next locked challenge only.
    let not_next = expect(
        open(
            &app,
            Some(&bob.access_token),
            &team_id,
            "fleet-report",
            reason,
        )
        .await,
        409,
    )
    .await;
    assert_eq!(not_next["error"]["code"], "not_next", "{not_next}");
    assert!(
        not_next["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("pipeline-manifest")),
        "{not_next}"
    );
    // An organizer opens any locked one; the rungs between stay locked.
    let any = expect(
        open(
            &app,
            Some(&event.organizer.access_token),
            &team_id,
            "fleet-report",
            "the organizers moved the team on",
        )
        .await,
        201,
    )
    .await;
    assert_eq!(any["challenge"], "fleet-report");
    let seen = ladder(&app, &alice.access_token, &event.slug).await;
    assert_eq!(rung(&seen, "fleet-report")["locked"], false, "{seen}");
    assert_eq!(rung(&seen, "pipeline-manifest")["locked"], true, "{seen}");
    assert_eq!(rung(&seen, "clean-readings")["locked"], true, "{seen}");
    // The other team's ladder is untouched.
    let theirs = ladder(&app, &carol.access_token, &event.slug).await;
    assert_eq!(rung(&theirs, "fleet-report")["locked"], true, "{theirs}");

    // Nothing opens after the end.
    let at = cohack_server::db::now();
    crate::challenges::reschedule(
        &app,
        &event,
        at - chrono::TimeDelta::hours(3),
        at - chrono::TimeDelta::hours(1),
    )
    .await;
    let ended = expect(
        open(
            &app,
            Some(&event.organizer.access_token),
            &team_id,
            "pipeline-manifest",
            reason,
        )
        .await,
        409,
    )
    .await;
    assert_eq!(ended["error"]["code"], "not_running");
}

/// `upload(folder)` with the marker in its coach's guide.
fn guided(folder: &str) -> Value {
    let mut upload = upload(folder);
    upload["coach_guide"] = json!(format!(
        "# Coaching\n\nExpected approach: count devices. {GUIDE_MARKER}\n"
    ));
    upload
}

async fn the_coach_guide_reaches_coaches_and_organizers_only(app: TestApp) {
    let event = running_event(&app, "guide").await;
    let token = event.organizer.access_token.clone();
    let published = expect(
        publish(&app, &token, &event.slug, &guided("01-first-contact"), "").await,
        201,
    )
    .await;
    assert!(
        !published.to_string().contains(GUIDE_MARKER),
        "the publish answer need not repeat it"
    );
    expect(
        publish(
            &app,
            &token,
            &event.slug,
            &upload("02-pipeline-manifest"),
            "",
        )
        .await,
        201,
    )
    .await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let (carol, other) = team(&app, &event, "carol").await;

    // The coach and the organizer read it with the statement.
    for viewer in [&bob.access_token, &token] {
        let seen = ladder(&app, viewer, &event.slug).await;
        let first = rung(&seen, "first-contact");
        assert!(
            first["coach_guide"]
                .as_str()
                .is_some_and(|g| g.contains(GUIDE_MARKER)),
            "{seen}"
        );
        assert!(
            rung(&seen, "pipeline-manifest")
                .get("coach_guide")
                .is_none(),
            "no guide, no field: {seen}"
        );
    }

    // Whatever a participant or a competitor can get never holds it.
    let own = expect(
        materials(&app, &alice.access_token, &team_id, "first-contact").await,
        200,
    )
    .await;
    let answer = first_contact_answer(&own);
    let mut team_ws = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), alice.token()).await;
    let submitted = expect(
        submit(
            &app,
            &alice.access_token,
            &team_id,
            &json!({"challenge": "first-contact", "answer": answer}),
        )
        .await,
        201,
    )
    .await;
    let submission = submitted["id"].as_str().unwrap_or_default().to_owned();
    let frame = team_ws
        .expect_where("activity", |a| a["kind"] == "verdict")
        .await;
    assert!(!frame.to_string().contains(GUIDE_MARKER), "{frame}");
    let mut bodies = vec![own.to_string(), submitted.to_string()];
    for (who, team) in [(&alice, &team_id), (&carol, &other)] {
        let t = &who.access_token;
        for path in [
            format!("/api/v1/events/{}/challenges", event.slug),
            format!("/api/v1/events/{}", event.slug),
            format!("/api/v1/events/{}/leaderboard", event.slug),
            format!("/api/v1/teams/{team}"),
            format!("/api/v1/teams/{team}/submissions"),
            format!("/api/v1/teams/{team}/challenges/first-contact/hints"),
            format!("/api/v1/teams/{team}/challenges/first-contact/materials"),
            format!("/api/v1/teams/{team}/questions"),
            format!("/api/v1/submissions/{submission}"),
        ] {
            let response = app.get_as(t, &path).await;
            bodies.push(format!(
                "{path}: {}",
                response.text().await.unwrap_or_default()
            ));
        }
    }
    for path in [
        format!("/api/v1/events/{}/leaderboard", event.slug),
        format!("/events/{}/board", event.slug),
        "/api/openapi.json".to_owned(),
    ] {
        let response = app.get(&path).await;
        bodies.push(format!(
            "{path}: {}",
            response.text().await.unwrap_or_default()
        ));
    }
    // The pages, signed in: the member's workspace and the event's page.
    let mut member = PlainBrowser::sign_in(&app, "alice@alice.example").await;
    for path in [
        format!("/teams/{team_id}"),
        format!("/teams/{team_id}?challenge=first-contact"),
        format!("/events/{}", event.slug),
    ] {
        bodies.push(format!("{path}: {}", member.page(&path).await));
    }
    let mut competitor = PlainBrowser::sign_in(&app, "carol@carol.example").await;
    bodies.push(
        competitor
            .page(&format!("/teams/{other}?challenge=first-contact"))
            .await,
    );
    for body in &bodies {
        assert!(!body.contains(GUIDE_MARKER), "the guide leaked: {body}");
    }
    assert!(
        bodies
            .iter()
            .filter(|b| b.contains("first-contact"))
            .count()
            > 10,
        "the bodies were read"
    );

    // The coach's workspace page shows it beside the statement; the organizer's too.
    let mut coach_page = PlainBrowser::sign_in(&app, "bob@bob.example").await;
    let page = coach_page
        .page(&format!("/teams/{team_id}?challenge=first-contact"))
        .await;
    assert!(page.contains(GUIDE_MARKER), "the coach reads the guide");
    assert!(page.contains("id=\"coach-guide\""), "in its panel");
}
