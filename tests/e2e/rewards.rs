//! Rewards (#25): a team's first solve of a challenge, while the event gives rewards, is one
//! delivery — a resubmission or a rejudge that passes again adds none, a rejudge that takes
//! the only pass back withdraws the open one — which the event's runners (a role granted on
//! the roles endpoint) list and mark delivered, live on the event channel; a runner gets
//! nothing else of the event; a team without a location gets the event's `remote_reward`
//! words in its workspace instead (after a first solve, or a rejudge that gave it one), and
//! the organizers the list of remote solves. An organizer overrides a challenge's reward words
//! for the event; an event that holds its rewards until the end keeps what was earned since the
//! freeze from the runners until then, and tells their pages when it ends.

use base64::{Engine, engine::general_purpose::STANDARD};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{TestEvent, coach, expect, publish_all, running_event, submit, team},
    harness::{Account, TestApp, repo_root},
    live_client::connect,
};

backend_tests!(
    a_first_solve_is_one_delivery_the_runner_marks_delivered,
    a_runner_sees_nothing_else_of_the_event,
    a_rejudge_that_takes_the_only_pass_withdraws_the_open_delivery,
    a_remote_team_reads_the_remote_reward_and_organizers_fulfil_it,
    an_organizer_sets_and_clears_a_challenges_reward_words,
    held_rewards_reach_the_runner_when_the_event_ends,
    a_rejudge_that_gives_a_remote_team_its_pass_tells_it_its_reward,
);

const REMOTE: &str = "a coffee voucher, sent to you by mail after the event";

/// The reference solution of `pipeline-manifest`.
fn reference_pipeline() -> String {
    std::fs::read_to_string(
        repo_root().join("challenges/02-pipeline-manifest/samples/pass/reference/pipeline.toml"),
    )
    .expect("reference sample")
}

/// The reference with a key the format does not know: a pass only while the challenge's
/// `allow_unknown_keys` is on.
fn lenient_pipeline() -> String {
    reference_pipeline().replace("workers = 4", "workers = 4\ncolour = \"blue\"")
}

fn pipeline_submission(text: &str) -> Value {
    json!({
        "challenge": "pipeline-manifest",
        "files": [{"path": "pipeline.toml", "content_base64": STANDARD.encode(text)}],
    })
}

/// A running event with rewards on, `pipeline-manifest` as its first challenge.
async fn rewarding_event(app: &TestApp, slug: &str) -> TestEvent {
    let event = running_event(app, slug).await;
    let view = expect(
        app.send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{slug}"),
            &json!({"rewards": true, "remote_reward": format!("  {REMOTE} ")}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(view["rewards"], true, "{view}");
    assert_eq!(view["hold_rewards_until_end"], false, "{view}");
    assert_eq!(view["remote_reward"], REMOTE, "trimmed: {view}");
    publish_all(app, &event, &["02-pipeline-manifest"]).await;
    event
}

/// A user granted `runner` by the event's organizer on the roles endpoint.
async fn runner(app: &TestApp, event: &TestEvent, name: &str) -> Account {
    let runner = app
        .register(&format!("{name}@venue.example"), "Venue")
        .await;
    let granted = expect(
        app.post(
            event.organizer.token(),
            &format!("/api/v1/events/{}/roles", event.slug),
            &json!({"user_id": runner.id, "role": "runner"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(granted["role"], "runner", "{granted}");
    runner
}

async fn set_location(
    app: &TestApp,
    token: &str,
    team: &str,
    location: Value,
) -> reqwest::Response {
    app.send(
        Method::PATCH,
        Some(token),
        &format!("/api/v1/teams/{team}"),
        &json!({ "location": location }),
    )
    .await
}

async fn rewards(app: &TestApp, token: &str, event: &TestEvent, query: &str) -> Value {
    expect(
        app.get_as(
            token,
            &format!("/api/v1/events/{}/rewards{query}", event.slug),
        )
        .await,
        200,
    )
    .await
}

async fn solve(app: &TestApp, token: &str, team: &str, pipeline: &str) -> Value {
    let judged = expect(
        submit(app, token, team, &pipeline_submission(pipeline)).await,
        201,
    )
    .await;
    assert_eq!(judged["verdict"]["passed"], true, "{judged}");
    judged
}

async fn rejudge(app: &TestApp, event: &TestEvent) -> Value {
    expect(
        app.post(
            event.organizer.token(),
            &format!(
                "/api/v1/events/{}/challenges/pipeline-manifest/rejudge",
                event.slug
            ),
            &json!({}),
        )
        .await,
        200,
    )
    .await
}

async fn allow_unknown_keys(app: &TestApp, event: &TestEvent, allow: bool) {
    expect(
        app.send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}/challenges/pipeline-manifest", event.slug),
            &json!({"config": {"allow_unknown_keys": allow.to_string()}}),
        )
        .await,
        200,
    )
    .await;
}

/// `who` marks the reward `id` delivered (`POST /api/v1/rewards/{id}/delivered`).
async fn deliver(app: &TestApp, who: &Account, id: &str) -> reqwest::Response {
    app.post(
        who.token(),
        &format!("/api/v1/rewards/{id}/delivered"),
        &json!({}),
    )
    .await
}

async fn a_first_solve_is_one_delivery_the_runner_marks_delivered(app: TestApp) {
    let event = rewarding_event(&app, "rewards-one").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let bob = coach(&app, &event, &team_id, "bob").await;
    let (carol, _) = team(&app, &event, "rivals").await;
    let rita = runner(&app, &event, "rita").await;

    // Members and organizers set where the team sits; its coach may not; a competitor does
    // not learn the team exists.
    let set = expect(
        set_location(&app, &alice.access_token, &team_id, json!(" Table 7 ")).await,
        200,
    )
    .await;
    assert_eq!(set["location"], "Table 7", "{set}");
    let refused = expect(
        set_location(&app, &bob.access_token, &team_id, json!("Table 9")).await,
        403,
    )
    .await;
    assert_eq!(refused["error"]["code"], "forbidden");
    expect(
        set_location(&app, &carol.access_token, &team_id, json!("Table 9")).await,
        404,
    )
    .await;
    let long = expect(
        set_location(&app, &alice.access_token, &team_id, json!("x".repeat(41))).await,
        400,
    )
    .await;
    assert_eq!(long["error"]["code"], "invalid_location");
    let read = expect(
        app.get_as(&alice.access_token, &format!("/api/v1/teams/{team_id}"))
            .await,
        200,
    )
    .await;
    assert_eq!(read["location"], "Table 7", "{read}");

    // The runner's page listens on the event channel.
    let mut runner_channel = connect(
        &app,
        &format!("/api/v1/events/{}/ws", event.slug),
        rita.token(),
    )
    .await;
    runner_channel.expect("hello").await;
    assert_eq!(
        rewards(&app, &rita.access_token, &event, "").await,
        json!([])
    );

    // A first solve: one delivery, pushed.
    solve(&app, &alice.access_token, &team_id, &reference_pipeline()).await;
    runner_channel.expect("rewards").await;
    let queue = rewards(&app, &rita.access_token, &event, "").await;
    let items = queue.as_array().expect("a list");
    assert_eq!(items.len(), 1, "{queue}");
    let delivery = &items[0];
    assert_eq!(delivery["team"], json!({"id": team_id, "name": "acme"}));
    assert_eq!(delivery["location"], "Table 7");
    assert_eq!(delivery["challenge"]["slug"], "pipeline-manifest");
    assert_eq!(
        delivery["reward"], "a reward",
        "the default words: {delivery}"
    );
    assert!(
        delivery["created_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(delivery["delivered_at"], Value::Null);
    let id = delivery["id"].as_str().expect("id").to_owned();
    // The organizer sees the same queue.
    assert_eq!(
        rewards(&app, &event.organizer.access_token, &event, "?state=open").await,
        queue
    );

    // A resubmission that passes again, and a rejudge that passes again: no new delivery.
    solve(&app, &alice.access_token, &team_id, &reference_pipeline()).await;
    let report = rejudge(&app, &event).await;
    assert_eq!(report["rejudged"], 2, "{report}");
    assert_eq!(rewards(&app, &rita.access_token, &event, "").await, queue);

    // Marked delivered with one request; again is a conflict; the list moves.
    let delivered = expect(deliver(&app, &rita, &id).await, 200).await;
    assert_eq!(delivered["id"], id.as_str());
    assert!(delivered["delivered_at"].as_str().is_some(), "{delivered}");
    runner_channel.expect("rewards").await;
    let again = expect(
        app.post(
            event.organizer.token(),
            &format!("/api/v1/rewards/{id}/delivered"),
            &json!({}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(again["error"]["code"], "already_delivered");
    assert_eq!(
        rewards(&app, &rita.access_token, &event, "").await,
        json!([])
    );
    let done = rewards(&app, &rita.access_token, &event, "?state=delivered").await;
    assert_eq!(done.as_array().map(Vec::len), Some(1), "{done}");
    assert_eq!(done[0]["id"], id.as_str());
    let bad = expect(
        app.get_as(
            &rita.access_token,
            &format!("/api/v1/events/{}/rewards?state=lost", event.slug),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(bad["error"]["code"], "invalid_state");

    // Members, coaches and competitors see no rewards and deliver none.
    for who in [&alice, &bob, &carol] {
        expect(
            app.get_as(
                &who.access_token,
                &format!("/api/v1/events/{}/rewards", event.slug),
            )
            .await,
            403,
        )
        .await;
        expect(deliver(&app, who, &id).await, 404).await;
    }
}

async fn a_runner_sees_nothing_else_of_the_event(app: TestApp) {
    let event = rewarding_event(&app, "rewards-runner").await;
    let (alice, team_id) = team(&app, &event, "acme").await;
    let rita = runner(&app, &event, "rita").await;
    let judged = solve(&app, &alice.access_token, &team_id, &reference_pipeline()).await;
    let submission = judged["id"].as_str().expect("id");
    let slug = &event.slug;

    let not_found = [
        format!("/api/v1/teams/{team_id}"),
        format!("/api/v1/teams/{team_id}/submissions"),
        format!("/api/v1/submissions/{submission}"),
        format!("/api/v1/teams/{team_id}/challenges/pipeline-manifest/materials"),
        format!("/api/v1/teams/{team_id}/challenges/pipeline-manifest/hints"),
    ];
    for path in &not_found {
        let status = app.get_as(&rita.access_token, path).await.status();
        assert_eq!(status, 404, "{path}");
    }
    let forbidden = [
        format!("/api/v1/events/{slug}/roles"),
        format!("/api/v1/events/{slug}/results"),
        format!("/api/v1/events/{slug}/progress"),
        format!("/api/v1/events/{slug}/sign-offs"),
        format!("/api/v1/events/{slug}/rewards?to=remote"),
    ];
    for path in &forbidden {
        let status = app.get_as(&rita.access_token, path).await.status();
        assert!(
            status == 403 || status == 404,
            "{path}: {status} for a runner"
        );
    }
    // No submitting, no team of their own through the role.
    expect(
        submit(
            &app,
            &rita.access_token,
            &team_id,
            &pipeline_submission(&reference_pipeline()),
        )
        .await,
        404,
    )
    .await;
    let me = expect(
        app.get_as(&rita.access_token, &format!("/api/v1/events/{slug}"))
            .await,
        200,
    )
    .await;
    assert_eq!(me["me"]["roles"], json!(["runner"]), "{me}");
    assert_eq!(me["me"]["is_organizer"], false);
    // The board a runner reads is the public one.
    let public = expect(
        app.get(&format!("/api/v1/events/{slug}/leaderboard")).await,
        200,
    )
    .await;
    let theirs = expect(
        app.get_as(
            &rita.access_token,
            &format!("/api/v1/events/{slug}/leaderboard"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(theirs["rows"], public["rows"]);
    assert_eq!(theirs["frozen"], public["frozen"]);
    // Only the team's members see its workspace channel.
    let status =
        crate::live_client::try_connect(&app, &format!("/api/v1/teams/{team_id}/ws"), rita.token())
            .await
            .err();
    assert_eq!(status, Some(404));
    // An event organizer grants and revokes the role; a runner grants nothing.
    let other = app.register("sam@venue.example", "Venue").await;
    expect(
        app.post(
            rita.token(),
            &format!("/api/v1/events/{slug}/roles"),
            &json!({"user_id": other.id, "role": "runner"}),
        )
        .await,
        403,
    )
    .await;
    let revoked = app
        .send(
            Method::DELETE,
            event.organizer.token(),
            &format!("/api/v1/events/{slug}/roles/{}/runner", rita.id),
            &json!({}),
        )
        .await;
    assert_eq!(revoked.status(), 204);
    expect(
        app.get_as(
            &rita.access_token,
            &format!("/api/v1/events/{slug}/rewards"),
        )
        .await,
        403,
    )
    .await;
}

async fn a_rejudge_that_takes_the_only_pass_withdraws_the_open_delivery(app: TestApp) {
    let event = rewarding_event(&app, "rewards-rejudge").await;
    let (alice, lenient_team) = team(&app, &event, "lenient").await;
    let (bea, strict_team) = team(&app, &event, "strict").await;
    for (who, team_id, location) in [
        (&alice, &lenient_team, "Table 1"),
        (&bea, &strict_team, "Table 2"),
    ] {
        expect(
            set_location(&app, &who.access_token, team_id, json!(location)).await,
            200,
        )
        .await;
    }
    let rita = runner(&app, &event, "rita").await;
    allow_unknown_keys(&app, &event, true).await;
    solve(
        &app,
        &alice.access_token,
        &lenient_team,
        &lenient_pipeline(),
    )
    .await;
    solve(&app, &bea.access_token, &strict_team, &reference_pipeline()).await;
    let queue = rewards(&app, &rita.access_token, &event, "").await;
    assert_eq!(queue.as_array().map(Vec::len), Some(2), "{queue}");
    // The strict team's delivery is brought before the rejudge.
    let strict_id = queue
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["team"]["id"] == strict_team.as_str())
        .and_then(|r| r["id"].as_str())
        .expect("the strict team's delivery")
        .to_owned();
    expect(deliver(&app, &rita, &strict_id).await, 200).await;

    // Strict again: the lenient team's only pass fails now; its open delivery is withdrawn.
    allow_unknown_keys(&app, &event, false).await;
    let mut runner_channel = connect(
        &app,
        &format!("/api/v1/events/{}/ws", event.slug),
        rita.token(),
    )
    .await;
    runner_channel.expect("hello").await;
    let report = rejudge(&app, &event).await;
    assert_eq!(
        report["changed"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    runner_channel.expect("rewards").await;
    assert_eq!(
        rewards(&app, &rita.access_token, &event, "").await,
        json!([])
    );
    // The delivered one stays delivered.
    let done = rewards(&app, &rita.access_token, &event, "?state=delivered").await;
    assert_eq!(done.as_array().map(Vec::len), Some(1), "{done}");
    assert_eq!(done[0]["id"], strict_id.as_str());

    // Lenient again: the pass is back, and so is one delivery (a first solve again).
    allow_unknown_keys(&app, &event, true).await;
    rejudge(&app, &event).await;
    let back = rewards(&app, &rita.access_token, &event, "").await;
    assert_eq!(back.as_array().map(Vec::len), Some(1), "{back}");
    assert_eq!(back[0]["team"]["id"], lenient_team.as_str());
    // And a rejudge that changes nothing adds nothing.
    rejudge(&app, &event).await;
    assert_eq!(rewards(&app, &rita.access_token, &event, "").await, back);
}

async fn a_remote_team_reads_the_remote_reward_and_organizers_fulfil_it(app: TestApp) {
    let event = rewarding_event(&app, "rewards-remote").await;
    let (alice, team_id) = team(&app, &event, "faraway").await;
    let rita = runner(&app, &event, "rita").await;
    let mut workspace = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), alice.token()).await;
    solve(&app, &alice.access_token, &team_id, &reference_pipeline()).await;
    let is_reward = |a: &Value| a["kind"] == "reward";
    let message = workspace.expect_where("activity", is_reward).await;
    assert_eq!(message["challenge"], "pipeline-manifest");
    assert_eq!(message["reward"], REMOTE, "{message}");

    // No runner goes anywhere; the organizers have it to fulfil.
    assert_eq!(
        rewards(&app, &rita.access_token, &event, "").await,
        json!([])
    );
    expect(
        app.get_as(
            &rita.access_token,
            &format!("/api/v1/events/{}/rewards?to=remote", event.slug),
        )
        .await,
        403,
    )
    .await;
    let remote = rewards(&app, &event.organizer.access_token, &event, "?to=remote").await;
    assert_eq!(remote.as_array().map(Vec::len), Some(1), "{remote}");
    assert_eq!(remote[0]["location"], Value::Null);
    assert_eq!(remote[0]["team"]["name"], "faraway");
    let id = remote[0]["id"].as_str().expect("id");
    // A runner cannot mark it; the organizers do once fulfilled.
    expect(deliver(&app, &rita, id).await, 404).await;
    expect(
        app.post(
            event.organizer.token(),
            &format!("/api/v1/rewards/{id}/delivered"),
            &json!({}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        rewards(&app, &event.organizer.access_token, &event, "?to=remote").await,
        json!([])
    );

    // A second solve of the same challenge tells the team nothing more.
    solve(&app, &alice.access_token, &team_id, &reference_pipeline()).await;
    let later = workspace
        .frames_for(std::time::Duration::from_millis(1500))
        .await;
    assert!(
        !later
            .iter()
            .any(|f| f["type"] == "activity" && f["kind"] == "reward"),
        "{later:?}"
    );
}

/// `PUT …/challenges/{challenge}/reward` as `token`.
async fn put_reward(
    app: &TestApp,
    token: Option<&str>,
    slug: &str,
    body: &Value,
) -> reqwest::Response {
    app.send(
        Method::PUT,
        token,
        &format!("/api/v1/events/{slug}/challenges/pipeline-manifest/reward"),
        body,
    )
    .await
}

async fn an_organizer_sets_and_clears_a_challenges_reward_words(app: TestApp) {
    let event = rewarding_event(&app, "rewards-words").await;
    let (alice, first) = team(&app, &event, "first").await;
    let (bea, second) = team(&app, &event, "second").await;
    for (who, team_id, location) in [(&alice, &first, "Table 1"), (&bea, &second, "Table 2")] {
        expect(
            set_location(&app, &who.access_token, team_id, json!(location)).await,
            200,
        )
        .await;
    }
    let rita = runner(&app, &event, "rita").await;
    let organizer = event.organizer.token();

    // The event's words win over the manifest's (none here) and the default.
    let set = expect(
        put_reward(
            &app,
            organizer,
            &event.slug,
            &json!({"reward": "  a cookie "}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        set,
        json!({"challenge": "pipeline-manifest", "reward": "a cookie",
               "event_reward": "a cookie", "manifest_reward": null}),
        "trimmed: {set}"
    );
    solve(&app, &alice.access_token, &first, &reference_pipeline()).await;
    let queue = rewards(&app, &rita.access_token, &event, "").await;
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "{queue}");
    assert_eq!(queue[0]["reward"], "a cookie", "{queue}");

    // Cleared with null: back to the challenge's words; what was earned keeps its words.
    let cleared = expect(
        put_reward(&app, organizer, &event.slug, &json!({"reward": null})).await,
        200,
    )
    .await;
    assert_eq!(cleared["reward"], "a reward", "{cleared}");
    assert_eq!(cleared["event_reward"], Value::Null, "{cleared}");
    solve(&app, &bea.access_token, &second, &reference_pipeline()).await;
    let queue = rewards(&app, &rita.access_token, &event, "").await;
    let words: Vec<(&str, &str)> = queue
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["team"]["name"].as_str().unwrap_or_default(),
                r["reward"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(words, [("first", "a cookie"), ("second", "a reward")]);
    // Blank words clear too.
    expect(
        put_reward(&app, organizer, &event.slug, &json!({"reward": "a muffin"})).await,
        200,
    )
    .await;
    let blank = expect(
        put_reward(&app, organizer, &event.slug, &json!({"reward": "   "})).await,
        200,
    )
    .await;
    assert_eq!(blank["event_reward"], Value::Null, "{blank}");

    // Only the event's organizers: its runner, a member, and anyone else are refused.
    for who in [&rita, &alice] {
        let refused = expect(
            put_reward(
                &app,
                who.token(),
                &event.slug,
                &json!({"reward": "free beer"}),
            )
            .await,
            403,
        )
        .await;
        assert_eq!(refused["error"]["code"], "forbidden", "{refused}");
    }
    let stranger = app.register("sly@elsewhere.example", "Else").await;
    let status = put_reward(&app, stranger.token(), &event.slug, &json!({"reward": "x"}))
        .await
        .status();
    assert!(status == 403 || status == 404, "a stranger: {status}");
    let anonymous = put_reward(&app, None, &event.slug, &json!({"reward": "x"})).await;
    assert_eq!(anonymous.status(), 401);
    let unchanged = expect(
        put_reward(&app, organizer, &event.slug, &json!({"reward": null})).await,
        200,
    )
    .await;
    assert_eq!(
        unchanged["reward"], "a reward",
        "no refused call changed it"
    );

    // Bad input: too long, two lines, not a string, an unknown field, an unknown challenge.
    for (body, code) in [
        (json!({"reward": "x".repeat(101)}), "invalid_reward"),
        (json!({"reward": "a coffee\nand a cake"}), "invalid_reward"),
    ] {
        let refused = expect(put_reward(&app, organizer, &event.slug, &body).await, 400).await;
        assert_eq!(refused["error"]["code"], code, "{body}: {refused}");
    }
    assert_eq!(
        put_reward(
            &app,
            organizer,
            &event.slug,
            &json!({"reward": "é".repeat(100)})
        )
        .await
        .status(),
        200,
        "100 characters, not bytes"
    );
    for body in [
        json!({"reward": 7}),
        json!({"reward": "x", "colour": "blue"}),
    ] {
        let status = put_reward(&app, organizer, &event.slug, &body)
            .await
            .status();
        assert_eq!(status, 400, "{body}");
    }
    let missing = expect(
        app.send(
            Method::PUT,
            organizer,
            &format!(
                "/api/v1/events/{}/challenges/no-such-thing/reward",
                event.slug
            ),
            &json!({"reward": "x"}),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(missing["error"]["code"], "not_found", "{missing}");
}

fn rfc3339_in(seconds: i64) -> String {
    (chrono::Utc::now() + chrono::TimeDelta::seconds(seconds))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn held_rewards_reach_the_runner_when_the_event_ends(app: TestApp) {
    let event = rewarding_event(&app, "rewards-held").await;
    let slug = event.slug.clone();
    let organizer = event.organizer.token();
    let held = expect(
        app.send(
            Method::PATCH,
            organizer,
            &format!("/api/v1/events/{slug}"),
            &json!({"hold_rewards_until_end": true}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(held["hold_rewards_until_end"], true, "{held}");
    let (alice, early) = team(&app, &event, "early").await;
    let (bea, late) = team(&app, &event, "late").await;
    for (who, team_id, location) in [(&alice, &early, "Table 1"), (&bea, &late, "Table 2")] {
        expect(
            set_location(&app, &who.access_token, team_id, json!(location)).await,
            200,
        )
        .await;
    }
    let rita = runner(&app, &event, "rita").await;

    // Before the freeze: shown at once.
    solve(&app, &alice.access_token, &early, &reference_pipeline()).await;
    expect(
        app.send(
            Method::PATCH,
            organizer,
            &format!("/api/v1/events/{slug}"),
            &json!({"freeze_at": rfc3339_in(0)}),
        )
        .await,
        200,
    )
    .await;
    // After it: held from the runners (and the organizers' queue) until the end.
    solve(&app, &bea.access_token, &late, &reference_pipeline()).await;
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|r| r["team"]["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(
        names(&rewards(&app, &rita.access_token, &event, "").await),
        ["early"]
    );
    assert_eq!(
        names(&rewards(&app, &event.organizer.access_token, &event, "").await),
        ["early"]
    );
    // Nor can a runner deliver what is held.
    let late_id: String = {
        let late = late.clone();
        app.state
            .db
            .run(move |conn| {
                use diesel::prelude::*;
                cohack_server::db::schema::rewards::table
                    .filter(cohack_server::db::schema::rewards::team_id.eq(&late))
                    .select(cohack_server::db::schema::rewards::id)
                    .first::<String>(conn)
                    .map_err(cohack_server::error::Error::from)
            })
            .await
            .expect("the held reward exists")
    };
    expect(deliver(&app, &rita, &late_id).await, 404).await;

    // The runner's page listens; the end comes a few seconds from now.
    let mut channel = connect(&app, &format!("/api/v1/events/{slug}/ws"), rita.token()).await;
    channel.expect("hello").await;
    expect(
        app.send(
            Method::PATCH,
            organizer,
            &format!("/api/v1/events/{slug}"),
            &json!({"ends_at": rfc3339_in(6)}),
        )
        .await,
        200,
    )
    .await;
    // The schedule's change is told at once (still held: the end has not come) ...
    channel.expect("rewards").await;
    assert_eq!(
        names(&rewards(&app, &rita.access_token, &event, "").await),
        ["early"]
    );
    // ... and the end itself, without anyone acting: now everything shows, oldest first.
    channel.expect("rewards").await;
    let after = rewards(&app, &rita.access_token, &event, "").await;
    assert_eq!(names(&after), ["early", "late"], "{after}");
    assert!(
        chrono::Utc::now().naive_utc()
            >= app
                .state
                .db
                .run({
                    let id = event.id.clone();
                    move |conn| cohack_server::models::event::Event::find(conn, &id)
                })
                .await
                .expect("event")
                .ends_at,
        "the frame came at the end, not before"
    );
    expect(deliver(&app, &rita, &late_id).await, 200).await;
}

async fn a_rejudge_that_gives_a_remote_team_its_pass_tells_it_its_reward(app: TestApp) {
    let event = rewarding_event(&app, "rewards-remote-rejudge").await;
    let (alice, remote) = team(&app, &event, "faraway").await;
    // Strict: the team's submission with an unknown key fails.
    allow_unknown_keys(&app, &event, false).await;
    let failed = expect(
        submit(
            &app,
            &alice.access_token,
            &remote,
            &pipeline_submission(&lenient_pipeline()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(failed["verdict"]["passed"], false, "{failed}");
    let mut workspace = connect(&app, &format!("/api/v1/teams/{remote}/ws"), alice.token()).await;
    workspace.expect("hello").await;

    // Lenient now, and rejudged: the failed submission passes; the team is told its reward.
    allow_unknown_keys(&app, &event, true).await;
    let report = rejudge(&app, &event).await;
    assert_eq!(
        report["changed"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    let is_reward = |a: &Value| a["kind"] == "reward";
    let message = workspace.expect_where("activity", is_reward).await;
    assert_eq!(message["challenge"], "pipeline-manifest", "{message}");
    assert_eq!(message["reward"], REMOTE, "{message}");
    let remote_list = rewards(&app, &event.organizer.access_token, &event, "?to=remote").await;
    assert_eq!(
        remote_list.as_array().map(Vec::len),
        Some(1),
        "{remote_list}"
    );
    // The activity is stored: a workspace opened afresh reads it in its history.
    let mut fresh = connect(&app, &format!("/api/v1/teams/{remote}/ws"), alice.token()).await;
    let history = fresh.expect("activity_history").await;
    let told = history["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["kind"] == "reward")
        .count();
    assert_eq!(told, 1, "{history}");

    // A rejudge that changes nothing tells it nothing again.
    rejudge(&app, &event).await;
    let later = workspace
        .frames_for(std::time::Duration::from_millis(1500))
        .await;
    assert!(
        !later
            .iter()
            .any(|f| f["type"] == "activity" && f["kind"] == "reward"),
        "{later:?}"
    );
}
