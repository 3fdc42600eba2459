//! Trust in Chromium: registering on the event's page needs its terms accepted (the box is
//! required; ticked, the acceptance and the name choice are recorded), and the closing
//! survey's card appears once in the workspace: answered or dismissed, it does not come back.
//! The scenario (`tests/browser/trust.mjs`, SQLite, skipped without Chromium) leaves its
//! screenshots in `target/screenshots/trust/`.

use chrono::{TimeDelta, Utc};
use reqwest::Method;
use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{expect, publish_all, running_event, team},
    harness::TestApp,
};

#[tokio::test]
async fn browser_trust_terms_at_registration_and_the_survey_card_once() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "trust-hack").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (bob, bob_team) = team(&app, &event, "bob").await;
    let (cara, cara_team) = team(&app, &event, "cara").await;
    let opened =
        (Utc::now() - TimeDelta::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let view = expect(
        app.send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &json!({
                "terms": "## Terms\n\nWhat you build stays yours. The vendor may quote your words, by role and organization.",
                "survey": true,
                "survey_opens_at": opened,
            }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(view["terms_version"], 1);
    // Bob and Cara became participants before the terms: they accept them too, so that the
    // workspace is theirs as usual.
    for member in [&bob, &cara] {
        expect(
            app.post(
                member.token(),
                &format!("/api/v1/events/{}/registrations", event.slug),
                &json!({"accept_terms": 1}),
            )
            .await,
            200,
        )
        .await;
    }
    let ada = app.register("ada@acme.example", "Acme").await;
    let survey = expect(
        app.get_as(
            &bob.access_token,
            &format!("/api/v1/events/{}/survey", event.slug),
        )
        .await,
        200,
    )
    .await;
    let fixture = json!({
        "event": event.slug,
        "organizer": {"email": event.organizer.email},
        "ada": {"email": ada.email, "token": ada.access_token},
        "bob": {"email": bob.email, "token": bob.access_token, "team": bob_team},
        "cara": {"email": cara.email, "token": cara.access_token, "team": cara_team},
        "challenge_title": survey["questions"][1]["choices"][0],
    });
    run_scenario(&app, "trust", &fixture).await;
    app.stop().await;
}
