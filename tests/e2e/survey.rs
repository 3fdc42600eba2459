//! The closing survey over HTTP on both backends: 404 before it opens and for anyone but
//! participants, the default set's questions, answers checked and taken once (409 the second
//! time), a dismissed card that can still be answered; the answers reaching the report (JSON,
//! Markdown, HTML) without anyone's name or e-mail, the "why" of the hardest challenge as
//! evidence of its cliff, and per-organization figures only for organizations with three
//! answers or more. Also the report's quotes: a name only for those who said yes.

use chrono::TimeDelta;
use cohack_server::db::now;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{
        TestEvent, expect, publish_all, reschedule, running_event, submit, team, user_with_role,
    },
    events::refusal,
    harness::{Account, TestApp},
};
use cohack_server::models::role::EventRole;

backend_tests!(
    the_survey_opens_at_the_end_and_takes_one_answer,
    answers_reach_the_report_without_names,
    quotes_name_only_those_who_said_yes,
);

async fn survey_of(app: &TestApp, account: &Account, slug: &str) -> reqwest::Response {
    app.get_as(
        &account.access_token,
        &format!("/api/v1/events/{slug}/survey"),
    )
    .await
}

async fn answer(app: &TestApp, account: &Account, slug: &str, answers: Value) -> reqwest::Response {
    app.post(
        account.token(),
        &format!("/api/v1/events/{slug}/survey"),
        &json!({ "answers": answers }),
    )
    .await
}

async fn patch_event(app: &TestApp, event: &TestEvent, request: Value) -> Value {
    expect(
        app.send(
            Method::PATCH,
            event.organizer.token(),
            &format!("/api/v1/events/{}", event.slug),
            &request,
        )
        .await,
        200,
    )
    .await
}

/// Moves the event's end into the past (it started two hours ago, ended a minute ago).
async fn end(app: &TestApp, event: &TestEvent) {
    let at = now();
    reschedule(
        app,
        event,
        at - TimeDelta::hours(2),
        at - TimeDelta::minutes(1),
    )
    .await;
}

/// The report of `slug` as `token`'s user, in the form `accept` asks for.
async fn report(app: &TestApp, token: &str, slug: &str, accept: &str, query: &str) -> String {
    let response = app
        .client
        .get(format!(
            "{}/api/v1/events/{slug}/insights{query}",
            app.address
        ))
        .bearer_auth(token)
        .header("Accept", accept)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "report as {accept}");
    response.text().await.expect("body")
}

async fn the_survey_opens_at_the_end_and_takes_one_answer(app: TestApp) {
    let event = running_event(&app, "survey-once").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (ada, _) = team(&app, &event, "ada").await;
    let (bob, _) = team(&app, &event, "bob").await;
    let outsider = app.register("eve@rival.example", "Rival").await;
    let coach = user_with_role(&app, &event, "carl", EventRole::Engineer).await;

    // Without a survey, and with one that opens at the end (still to come): 404.
    assert_eq!(survey_of(&app, &ada, "survey-once").await.status(), 404);
    let view = patch_event(&app, &event, json!({"survey": true})).await;
    assert_eq!(view["survey"], true);
    assert_eq!(view["survey_opens_at"], view["ends_at"]);
    assert_eq!(survey_of(&app, &ada, "survey-once").await.status(), 404);
    assert_eq!(
        answer(&app, &ada, "survey-once", json!({"recommend": 9}))
            .await
            .status(),
        404
    );

    end(&app, &event).await;
    let survey = expect(survey_of(&app, &ada, "survey-once").await, 200).await;
    let ids: Vec<&str> = survey["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        ["recommend", "hardest_challenge", "hardest_why", "fix_first"]
    );
    assert_eq!(survey["questions"][0]["kind"], "scale");
    assert_eq!(survey["questions"][1]["kind"], "choice");
    let first_contact = survey["questions"][1]["choices"][0]
        .as_str()
        .expect("a challenge to choose")
        .to_owned();
    assert_eq!(survey["answered"], false);
    // Only participants see it.
    for other in [&outsider, &coach, &event.organizer] {
        assert_eq!(survey_of(&app, other, "survey-once").await.status(), 404);
    }
    assert_eq!(
        app.get("/api/v1/events/survey-once/survey").await.status(),
        401
    );

    // Bad answers, each with its code.
    for (answers, expected) in [
        (
            json!({"favourite_colour": "blue"}),
            (422, "unknown_question"),
        ),
        (json!({"recommend": 11}), (422, "invalid_answer")),
        (json!({"recommend": -1}), (422, "invalid_answer")),
        (json!({"recommend": 7.5}), (422, "invalid_answer")),
        (json!({"recommend": "9"}), (422, "invalid_answer")),
        (
            json!({"hardest_challenge": "not a challenge"}),
            (422, "invalid_answer"),
        ),
        (
            json!({"fix_first": "x".repeat(2001)}),
            (422, "invalid_answer"),
        ),
        (json!({"fix_first": 3}), (422, "invalid_answer")),
        (json!({}), (400, "no_answers")),
    ] {
        let refused = refusal(answer(&app, &ada, "survey-once", answers.clone()).await).await;
        assert_eq!(refused, (expected.0, expected.1.to_owned()), "{answers}");
    }
    assert_eq!(
        app.post(
            ada.token(),
            "/api/v1/events/survey-once/survey",
            &json!({"answers": [1, 2]}),
        )
        .await
        .status(),
        400
    );

    let answered = expect(
        answer(
            &app,
            &ada,
            "survey-once",
            json!({"recommend": 9, "hardest_challenge": first_contact, "hardest_why": "  The log was huge.  ", "fix_first": "docs"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(answered["answers"]["hardest_why"], "The log was huge.");
    let again = refusal(answer(&app, &ada, "survey-once", json!({"recommend": 3})).await).await;
    assert_eq!(again, (409, "survey_answered".into()));
    let seen = expect(survey_of(&app, &ada, "survey-once").await, 200).await;
    assert_eq!(seen["answered"], true);

    // Dismissing the card: it stays dismissed, and the survey can still be answered, once.
    let dismissed = app
        .post(
            bob.token(),
            "/api/v1/events/survey-once/survey/dismissal",
            &json!({}),
        )
        .await;
    assert_eq!(dismissed.status(), 204);
    let seen = expect(survey_of(&app, &bob, "survey-once").await, 200).await;
    assert_eq!(
        (seen["dismissed"].clone(), seen["answered"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(
        answer(&app, &bob, "survey-once", json!({"recommend": 4}))
            .await
            .status(),
        201
    );
    assert_eq!(
        answer(&app, &bob, "survey-once", json!({"recommend": 4}))
            .await
            .status(),
        409
    );

    // The event's own questions, checked when set.
    let own = patch_event(
        &app,
        &event,
        json!({"survey": [{"id": "pick", "kind": "choice", "text": "Which?", "choices": ["a", "b"]}]}),
    )
    .await;
    assert_eq!(own["survey"][0]["id"], "pick");
    for bad in [
        json!({"survey": [{"id": "pick", "kind": "choice", "text": "Which?", "choices": []}]}),
        json!({"survey": [{"id": "Bad Id", "kind": "text", "text": "Why?"}]}),
        json!({"survey": []}),
        json!({"survey": [{"id": "x", "kind": "essay", "text": "Why?"}]}),
    ] {
        let status = app
            .send(
                Method::PATCH,
                event.organizer.token(),
                "/api/v1/events/survey-once",
                &bad,
            )
            .await
            .status();
        assert_eq!(status, 400, "{bad}");
    }
}

async fn answers_reach_the_report_without_names(app: TestApp) {
    let event = running_event(&app, "survey-report").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    // `team` makes `NAME@NAME.example` in organization NAME: two organizations need their
    // people registered by hand.
    let mut people = Vec::new();
    for (email, org) in [
        ("quintessa.acme1@acme.example", "Acme"),
        ("quirinus.acme2@acme.example", "Acme"),
        ("quillon.acme3@acme.example", "Acme"),
        ("zebedee.beta1@beta.example", "Beta"),
        ("zenobia.beta2@beta.example", "Beta"),
    ] {
        let account = app.register(email, org).await;
        let response = app
            .post(
                account.token(),
                "/api/v1/events/survey-report/registrations",
                &json!({}),
            )
            .await;
        assert!(response.status().is_success());
        people.push((account, email));
    }
    // A team stuck on first-contact, so that the challenge has a cliff.
    let (stuck, team_id) = team(&app, &event, "stuckteam").await;
    let wrong = json!({"challenge": "first-contact", "answer": "0"});
    assert!(
        submit(&app, &stuck.access_token, &team_id, &wrong)
            .await
            .status()
            .is_success()
    );

    // Opened a minute ago, while the event still runs (the cliff's stuck time runs to now).
    let opened = (chrono::Utc::now() - TimeDelta::minutes(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    patch_event(
        &app,
        &event,
        json!({"survey": true, "survey_opens_at": opened}),
    )
    .await;
    let survey = expect(survey_of(&app, &people[0].0, "survey-report").await, 200).await;
    let title = survey["questions"][1]["choices"][0]
        .as_str()
        .expect("challenge")
        .to_owned();
    for (i, (account, _)) in people.iter().enumerate() {
        let recommend = [10, 9, 3, 8, 10][i];
        expect(
            answer(
                &app,
                account,
                "survey-report",
                json!({
                    "recommend": recommend,
                    "hardest_challenge": title,
                    "hardest_why": format!("WHY-{i} the gateway log"),
                    "fix_first": format!("FIX-{i}"),
                }),
            )
            .await,
            201,
        )
        .await;
    }

    let token = event.organizer.access_token.clone();
    let json: Value =
        serde_json::from_str(&report(&app, &token, "survey-report", "application/json", "").await)
            .expect("json report");
    let s = &json["survey"];
    assert_eq!(s["respondents"], 5);
    assert_eq!(
        s["participants"], 6,
        "five people and the stuck team's member"
    );
    // 3 promoters (10, 9, 10), 1 detractor (3) of 5: 40.
    assert_eq!(s["net_promoter_score"], 40);
    assert_eq!(s["questions"][0]["distribution"][10], 2);
    assert_eq!(s["questions"][1]["choices"][0]["count"], 5);
    let orgs: Vec<&str> = s["by_organization"]
        .as_array()
        .expect("by organization")
        .iter()
        .filter_map(|o| o["organization"].as_str())
        .collect();
    assert_eq!(orgs, ["Acme"], "Beta has two answers: not shown on its own");
    assert_eq!(s["by_organization"][0]["respondents"], 3);
    // The "why" answers are evidence of first-contact's cliff; Beta's name no organization.
    let cliff = json["cliffs"]
        .as_array()
        .expect("cliffs")
        .iter()
        .find(|c| c["challenge"] == "first-contact")
        .expect("first-contact's cliff");
    let survey_evidence: Vec<&Value> = cliff["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|e| e["kind"] == "survey")
        .collect();
    assert_eq!(survey_evidence.len(), 5);
    for e in &survey_evidence {
        let text = e["text"].as_str().unwrap_or_default();
        assert!(text.starts_with("WHY-"));
        assert_eq!(e["team"], "");
        let i: usize = text[4..5].parse().expect("index");
        assert_eq!(e["organization"], if i < 3 { "Acme" } else { "" }, "{text}");
        assert!(e.get("author").is_none());
    }
    // Filtered to an organization: its figures with three answers, none with two.
    let acme: Value = serde_json::from_str(
        &report(
            &app,
            &token,
            "survey-report",
            "application/json",
            "?organization=Acme",
        )
        .await,
    )
    .expect("json");
    assert_eq!(acme["survey"]["respondents"], 3);
    let beta: Value = serde_json::from_str(
        &report(
            &app,
            &token,
            "survey-report",
            "application/json",
            "?organization=beta",
        )
        .await,
    )
    .expect("json");
    assert_eq!(beta["survey"], Value::Null);

    let markdown = report(&app, &token, "survey-report", "text/markdown", "").await;
    let html = report(&app, &token, "survey-report", "text/html", "").await;
    assert!(markdown.contains("## The closing survey"));
    assert!(markdown.contains("WHY-4 the gateway log") && markdown.contains("FIX-3"));
    assert!(html.contains("7. The closing survey"));
    assert!(html.contains("data-nps=\"40\""));
    assert!(html.contains("data-survey-organization=\"Acme\""));
    assert!(!html.contains("data-survey-organization=\"Beta\""));
    assert!(html.contains("FIX-0") && html.contains("chart-survey-1"));
    // Nobody's name or e-mail in any of them.
    for body in [json.to_string(), markdown, html] {
        for (account, email) in &people {
            let local = email.split('@').next().unwrap_or_default();
            assert!(!body.contains(email), "{email} in a report");
            assert!(!body.contains(local), "{local} in a report");
            assert!(!body.contains(&account.id), "a respondent's id in a report");
        }
    }
}

async fn quotes_name_only_those_who_said_yes(app: TestApp) {
    let event = running_event(&app, "named-quotes").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (yes, yes_team) = team(&app, &event, "yessica").await;
    let (no, no_team) = team(&app, &event, "nolan").await;
    let wrong = json!({"challenge": "first-contact", "answer": "0"});
    for (member, team_id) in [(&yes, &yes_team), (&no, &no_team)] {
        assert!(
            submit(&app, &member.access_token, team_id, &wrong)
                .await
                .status()
                .is_success()
        );
    }
    let named = app
        .send(
            Method::PUT,
            yes.token(),
            "/api/v1/events/named-quotes/name-in-report",
            &json!({"name_in_report": true}),
        )
        .await;
    assert_eq!(named.status(), 200);
    for (member, team_id, text) in [
        (&yes, &yes_team, "QUOTE-YES the log format"),
        (&no, &no_team, "QUOTE-NO the device ids"),
    ] {
        let response = app
            .post(
                member.token(),
                &format!("/api/v1/teams/{team_id}/feedback"),
                &json!({"challenge": "first-contact", "difficulty": 4, "text": text}),
            )
            .await;
        assert!(response.status().is_success(), "feedback given");
    }
    let token = event.organizer.access_token.clone();
    let json: Value =
        serde_json::from_str(&report(&app, &token, "named-quotes", "application/json", "").await)
            .expect("json");
    let evidence: Vec<&Value> = json["cliffs"]
        .as_array()
        .expect("cliffs")
        .iter()
        .flat_map(|c| c["evidence"].as_array().into_iter().flatten())
        .filter(|e| e["kind"] == "feedback")
        .collect();
    let yes_quote = evidence
        .iter()
        .find(|e| e["text"].as_str().is_some_and(|t| t.contains("QUOTE-YES")))
        .expect("yes quote");
    assert_eq!(yes_quote["author"], "yessica");
    let no_quote = evidence
        .iter()
        .find(|e| e["text"].as_str().is_some_and(|t| t.contains("QUOTE-NO")))
        .expect("no quote");
    assert!(no_quote.get("author").is_none());

    let html = report(&app, &token, "named-quotes", "text/html", "").await;
    assert!(html.contains("QUOTE-YES") && html.contains("QUOTE-NO"));
    assert!(
        html.contains("— yessica, a participant, yessica"),
        "named: {}",
        quote_of(&html, "QUOTE-YES")
    );
    assert!(!html.contains("nolan, a participant"));
    assert!(
        html.contains("— a participant, nolan"),
        "{}",
        quote_of(&html, "QUOTE-NO")
    );
    let markdown = report(&app, &token, "named-quotes", "text/markdown", "").await;
    // An evidence line reads (author, team, organization, time) for her, (team, organization,
    // time) for him: here all three are the same word.
    assert!(
        markdown.contains("(yessica, yessica, yessica, "),
        "the Markdown names her"
    );
    assert!(!markdown.contains("(nolan, nolan, nolan, "), "and not him");
    assert!(markdown.contains("(nolan, nolan, "), "his words are there");
}

/// The text around `needle` in `html` (for a failing assertion's message).
fn quote_of<'a>(html: &'a str, needle: &str) -> &'a str {
    let at = html.find(needle).unwrap_or(0);
    &html[at..(at + 200).min(html.len())]
}
