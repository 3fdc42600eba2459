//! The author's analytics on both backends: `GET /api/v1/events/{slug}/challenges/{challenge}/analytics`
//! and the author's page (`/events/{slug}/author`) draw what teams did — the pass rate over the
//! event, attempts until the first pass, the failing checks with the messages teams saw,
//! validator errors and run times — for the challenge's authors and the event's organizers
//! only: another author of the same event, a participant and a coach get 404.
//!
//! The event is the insight tests' played event (`insights::play_cliff_event`: attempts with
//! chosen times and per-check results), so the expected figures are counted from what it
//! submitted.

use chrono::TimeDelta;
use cohack_server::models::role::EventRole;
use serde_json::Value;

use crate::{
    backend_tests,
    challenges::{expect, publish, upload, user_with_role},
    harness::TestApp,
    insights::{COUNT_MESSAGE, play_cliff_event},
    plain_browser::PlainBrowser,
};

backend_tests!(authors_and_organizers_see_the_pictures_of_what_teams_did);

fn numbers(values: &Value, key: &str) -> Vec<u64> {
    values
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v[key].as_u64().expect("number"))
        .collect()
}

async fn authors_and_organizers_see_the_pictures_of_what_teams_did(app: TestApp) {
    let played = play_cliff_event(&app, "pics", TimeDelta::days(1)).await;
    let organizer = &played.event.organizer.access_token;
    let path = "/api/v1/events/pics/challenges/first-contact/analytics";
    let a = expect(app.get_as(organizer, path).await, 200).await;

    // Four teams attempted; a and b passed on their 4th attempt, d on its 1st; c never did.
    assert_eq!(a["challenge"], "first-contact");
    assert_eq!(
        (&a["teams_attempted"], &a["teams_passed"]),
        (&4.into(), &3.into())
    );
    assert_eq!(a["attempts"], 12, "4 + 4 + 3 + 1 judged attempts: {a}");
    let mut buckets = vec![0; 10];
    buckets[0] = 1;
    buckets[3] = 2;
    assert_eq!(numbers(&a["attempts_until_pass"], "teams"), buckets);
    // The pass rate moves when a team first attempts (a at 0', d at 5' passing at once, b at
    // 10', c at 20') and first passes (a at 180', b at 190').
    assert_eq!(
        numbers(&a["pass_rate"], "attempted"),
        [1, 2, 3, 4, 4, 4],
        "{}",
        a["pass_rate"]
    );
    assert_eq!(numbers(&a["pass_rate"], "passed"), [0, 1, 1, 1, 2, 3]);
    let last = &a["pass_rate"][5];
    assert_eq!(last["rate"], 0.75);
    let at = |minutes: i64| {
        (played.start + TimeDelta::minutes(minutes))
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(last["at"].as_str().expect("at"))
            .expect("a time")
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at(190)
    );
    // `count` failed 3 times for each of a, b and c, with one message; `parse` once each.
    let count = &a["failing_checks"][0];
    assert_eq!(
        (&count["check"], &count["failures"], &count["teams"]),
        (&"count".into(), &9.into(), &3.into())
    );
    assert_eq!(count["messages"][0]["message"], COUNT_MESSAGE);
    assert_eq!(count["messages"][0]["failures"], 9);
    let parse = &a["failing_checks"][1];
    assert_eq!(
        (&parse["check"], &parse["failures"]),
        (&"parse".into(), &3.into())
    );
    assert_eq!(
        parse["messages"][0]["message"],
        "the answer is not a number"
    );
    // One validator error (a trap), never an attempt; it ran all the same.
    assert_eq!(a["validator_errors"], 1);
    assert_eq!(a["validator_errors_by_kind"][0]["kind"], "trap");
    assert_eq!(a["run_times"]["runs"], 13);
    let runs: u64 = numbers(&a["run_time_buckets"], "runs").iter().sum();
    assert_eq!(runs, 13);
    // The statistics say the same.
    let stats = expect(
        app.get_as(
            organizer,
            "/api/v1/events/pics/challenges/first-contact/stats",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(stats["teams_passed"], a["teams_passed"]);
    assert_eq!(stats["attempts"], a["attempts"]);

    // Alice publishes pipeline-manifest: she sees its analytics and not first-contact's,
    // which the organizer published; Bob, another author, sees neither.
    let alice = user_with_role(&app, &played.event, "alice", EventRole::Author).await;
    let bob = user_with_role(&app, &played.event, "bob", EventRole::Author).await;
    expect(
        publish(
            &app,
            &alice.access_token,
            "pics",
            &upload("02-pipeline-manifest"),
            "",
        )
        .await,
        201,
    )
    .await;
    let hers = "/api/v1/events/pics/challenges/pipeline-manifest/analytics";
    let mine = expect(app.get_as(&alice.access_token, hers).await, 200).await;
    assert_eq!(
        (&mine["teams_attempted"], &mine["attempts"]),
        (&0.into(), &0.into())
    );
    for (token, path) in [
        (&alice.access_token, path),
        (&bob.access_token, path),
        (&bob.access_token, hers),
        (&played.teams[0].member.access_token, path),
        (&played.coach_a.access_token, path),
        (&played.coach_a.access_token, hers),
    ] {
        let refused = expect(app.get_as(token, path.as_ref()).await, 404).await;
        assert_eq!(refused["error"]["code"], "not_found", "{path}");
    }
    expect(
        app.get_as(organizer, "/api/v1/events/pics/challenges/nope/analytics")
            .await,
        404,
    )
    .await;
    expect(app.get(path).await, 401).await;

    // The organizer's page draws first-contact; its marks carry the figures above.
    let mut page = PlainBrowser::sign_in(&app, &played.event.organizer.email).await;
    let html = page.page("/events/pics/author").await;
    assert!(html.contains(r#"id="first-contact-pass-rate""#), "{html}");
    assert!(
        html.contains(r#"data-series="pass rate (%)""#) && html.contains(r#"data-last="75""#),
        "the pass rate ends at 75 %"
    );
    assert!(html.contains(r#"id="first-contact-attempts""#));
    assert!(html.contains(r#"data-group="4 attempts" data-series="teams" data-value="2""#));
    assert!(html.contains(r#"data-group="count" data-series="failing attempts" data-value="9""#));
    assert!(html.contains(COUNT_MESSAGE));
    assert!(html.contains(r#"data-group="trap" data-series="errors" data-value="1""#));
    assert!(html.contains(r#"id="first-contact-run-times""#));
    // Alice's page has her challenge only; Bob's has none; a participant's is a 404.
    let mut page = PlainBrowser::sign_in(&app, &alice.email).await;
    let html = page.page("/events/pics/author").await;
    assert!(html.contains(r#"data-author-charts="pipeline-manifest""#));
    assert!(!html.contains("first-contact-pass-rate"));
    let mut page = PlainBrowser::sign_in(&app, &bob.email).await;
    let html = page.page("/events/pics/author").await;
    assert!(!html.contains("data-author-charts"));
    let mut page = PlainBrowser::sign_in(&app, &played.teams[0].member.email).await;
    assert_eq!(page.get("/events/pics/author").await.status(), 404);
}
