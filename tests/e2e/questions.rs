//! Questions (clarifications): a team asks about a challenge, the staff queue shows it to the
//! team's coach and the organizers (never to another team's coach), an answer goes to the
//! team or to everyone, a duplicate reads the answer it repeats, organizers keep canned
//! answers. A competitor reads every answer to everyone, live and over the API, without ever
//! meeting the asking team's name or the asker's name: each body and frame is searched for
//! both.

use cohack_server::models::{event::Event, role::EventRole, team::Team};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

use crate::{
    backend_tests,
    challenges::{
        TestEvent, coach, expect, publish_all, reschedule, running_event, user_with_role,
    },
    harness::{Account, TestApp},
    live_client::connect,
    plain_browser::PlainBrowser,
};

backend_tests!(
    a_question_answered_to_everyone_reaches_every_team_without_its_asker,
    answers_to_the_team_and_duplicates_stay_with_their_teams,
    who_may_ask_read_and_answer,
    organizers_keep_canned_answers,
    the_pages_ask_and_answer_without_javascript,
);

/// The asking team's name and its member's display name: no competitor may meet either.
const ASKING_TEAM: &str = "Zephyr Works";
const ASKER: &str = "quinnasker";

/// A participant `member` who forms the team `name`; returns them and the team's id.
async fn team_named(
    app: &TestApp,
    event: &TestEvent,
    member: &str,
    name: &str,
) -> (Account, String) {
    let account = user_with_role(app, event, member, EventRole::Participant).await;
    let (event_id, user_id, name) = (event.id.clone(), account.id.clone(), name.to_owned());
    let team = app
        .state
        .db
        .write(move |conn| {
            let event = Event::find(conn, &event_id)?;
            Team::create(conn, &event, &name, &user_id)
        })
        .await
        .expect("team created");
    (account, team.id)
}

/// Two teams of a running event with the first challenges published: the asking team (with
/// its coach) and a competitor (with its own coach).
struct Scene {
    event: TestEvent,
    asker: Account,
    asking_team: String,
    asking_coach: Account,
    rival: Account,
    rival_team: String,
    rival_coach: Account,
}

async fn scene(app: &TestApp, slug: &str) -> Scene {
    let event = running_event(app, slug).await;
    publish_all(app, &event, &["01-first-contact", "02-pipeline-manifest"]).await;
    let (asker, asking_team) = team_named(app, &event, ASKER, ASKING_TEAM).await;
    let asking_coach = coach(app, &event, &asking_team, "carlacoach").await;
    let (rival, rival_team) = team_named(app, &event, "bobrival", "Borealis").await;
    let rival_coach = coach(app, &event, &rival_team, "dmitricoach").await;
    Scene {
        event,
        asker,
        asking_team,
        asking_coach,
        rival,
        rival_team,
        rival_coach,
    }
}

/// Asks `text` about `challenge` as `member` of `team`.
async fn ask(
    app: &TestApp,
    member: &Account,
    team: &str,
    challenge: &str,
    text: &str,
) -> reqwest::Response {
    app.post(
        member.token(),
        &format!("/api/v1/teams/{team}/questions"),
        &json!({"challenge": challenge, "text": text}),
    )
    .await
}

/// Answers question `id` as `staff`.
async fn answer(
    app: &TestApp,
    staff: &Account,
    id: &str,
    text: &str,
    to: &str,
) -> reqwest::Response {
    app.post(
        staff.token(),
        &format!("/api/v1/questions/{id}/answer"),
        &json!({"text": text, "to": to}),
    )
    .await
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

/// Asserts that `text` names neither the asking team nor the asker.
fn names_no_one(text: &str, what: &str) {
    assert!(
        !text.contains(ASKING_TEAM),
        "{what} names the asking team: {text}"
    );
    assert!(!text.contains(ASKER), "{what} names the asker: {text}");
}

async fn a_question_answered_to_everyone_reaches_every_team_without_its_asker(app: TestApp) {
    let s = scene(&app, "questions-everyone").await;
    let slug = &s.event.slug;
    let events_ws = format!("/api/v1/events/{slug}/ws");
    let mut asking_coach_ws = connect(&app, &events_ws, s.asking_coach.token()).await;
    let mut rival_coach_ws = connect(&app, &events_ws, s.rival_coach.token()).await;
    let mut rival_ws = connect(
        &app,
        &format!("/api/v1/teams/{}/ws", s.rival_team),
        s.rival.token(),
    )
    .await;
    let mut asking_ws = connect(
        &app,
        &format!("/api/v1/teams/{}/ws", s.asking_team),
        s.asker.token(),
    )
    .await;

    let asked = ask(
        &app,
        &s.asker,
        &s.asking_team,
        "first-contact",
        "  Does the gateway log rotate?  ",
    )
    .await;
    let asked = expect(asked, 201).await;
    let id = id_of(&asked);
    assert_eq!(asked["text"], "Does the gateway log rotate?", "trimmed");
    assert_eq!(asked["state"], "open");
    assert_eq!(asked["challenge"], "first-contact");
    assert_eq!(asked["asked_by"], s.asker.id.as_str());
    assert_eq!(asked["asked_by_name"], ASKER);
    assert_eq!(asked["team_name"], ASKING_TEAM);
    assert!(asked["answer"].is_null());

    // The asking team's activity, and its coach's queue, live.
    let activity = asking_ws
        .expect_where("activity", |f| f["kind"] == "question")
        .await;
    assert_eq!(activity["question_id"], id.as_str());
    assert_eq!(activity["challenge"], "first-contact");
    let pushed = asking_coach_ws.expect("question").await;
    assert_eq!(pushed["question"]["id"], id.as_str());
    assert_eq!(pushed["question"]["state"], "open");

    // The queue per role: the team's coach and the organizer see it, another team's coach
    // sees nothing of it.
    let queue = |token: Option<&str>, query: &str| {
        let path = format!("/api/v1/events/{slug}/questions{query}");
        let token = token.expect("token").to_owned();
        let app = &app;
        async move { app.get_as(&token, &path).await }
    };
    let coach_queue = expect(queue(s.asking_coach.token(), "").await, 200).await;
    assert_eq!(coach_queue["questions"].as_array().expect("list").len(), 1);
    assert_eq!(coach_queue["questions"][0]["id"], id.as_str());
    let organizer_queue = expect(queue(s.event.organizer.token(), "?state=open").await, 200).await;
    assert_eq!(organizer_queue["questions"][0]["id"], id.as_str());
    let answered_only = expect(
        queue(s.event.organizer.token(), "?state=answered").await,
        200,
    )
    .await;
    assert_eq!(answered_only["questions"], json!([]));
    let other = queue(s.rival_coach.token(), "").await;
    let other = other.text().await.expect("body");
    assert!(
        !other.contains(&id),
        "another team's coach sees the question: {other}"
    );
    names_no_one(&other, "another coach's queue");
    let bad = expect(queue(s.event.organizer.token(), "?state=maybe").await, 400).await;
    assert_eq!(bad["error"]["code"], "invalid_state");

    // The coach answers to everyone.
    let answered = answer(
        &app,
        &s.asking_coach,
        &id,
        "Yes: hourly, keep the last file.",
        "everyone",
    )
    .await;
    let answered = expect(answered, 200).await;
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["answer_to"], "everyone");
    assert_eq!(answered["answer"], "Yes: hourly, keep the last file.");

    // The competitor's workspace hears it live, naming no one.
    let frame = rival_ws.expect("clarification").await;
    assert_eq!(frame["clarification"]["challenge"], "first-contact");
    assert_eq!(
        frame["clarification"]["text"],
        "Yes: hourly, keep the last file."
    );
    names_no_one(&frame.to_string(), "the clarification frame");
    assert!(
        !frame.to_string().contains("carlacoach"),
        "who answered points at the teams they coach: {frame}"
    );
    // The other team's coach gets the clarification too, never the question.
    let frame = rival_coach_ws.expect("clarification").await;
    names_no_one(&frame.to_string(), "the staff clarification frame");
    // The asking team hears its answer in its activity.
    let activity = asking_ws
        .expect_where("activity", |f| f["kind"] == "answer")
        .await;
    assert_eq!(activity["question_id"], id.as_str());
    assert_eq!(activity["to"], "everyone");

    // Nothing either competitor's socket carried names the asking team or the asker.
    for frames in [
        rival_ws.frames_for(Duration::from_millis(300)).await,
        rival_coach_ws.frames_for(Duration::from_millis(300)).await,
    ] {
        for frame in frames {
            names_no_one(&frame.to_string(), "a competitor's frame");
        }
    }

    // Over the API: the competitor reads the clarification, not the question.
    let theirs = app
        .get_as(
            &s.rival.access_token,
            &format!("/api/v1/teams/{}/questions", s.rival_team),
        )
        .await;
    let body = theirs.text().await.expect("body");
    names_no_one(&body, "the competitor's questions");
    let theirs: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(theirs["questions"], json!([]));
    assert_eq!(
        theirs["clarifications"][0]["text"],
        "Yes: hourly, keep the last file."
    );
    assert_eq!(theirs["clarifications"][0]["challenge"], "first-contact");
    let other = expect(queue(s.rival_coach.token(), "").await, 200).await;
    assert_eq!(other["questions"], json!([]));
    assert_eq!(other["clarifications"][0]["id"], id.as_str());
    names_no_one(&other.to_string(), "another coach's queue");

    // And in its workspace page.
    let mut browser = PlainBrowser::sign_in(&app, "bobrival@bobrival.example").await;
    let page = browser
        .page(&format!("/teams/{}?challenge=first-contact", s.rival_team))
        .await;
    assert!(
        page.contains("Yes: hourly, keep the last file."),
        "the clarification in the workspace"
    );
    names_no_one(&page, "the competitor's workspace");

    // The asking team reads its own question with the answer.
    let own = expect(
        app.get_as(
            &s.asker.access_token,
            &format!("/api/v1/teams/{}/questions", s.asking_team),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(own["questions"][0]["id"], id.as_str());
    assert_eq!(
        own["questions"][0]["answer"],
        "Yes: hourly, keep the last file."
    );

    // An answer is final.
    let again = expect(
        answer(&app, &s.event.organizer, &id, "No.", "team").await,
        409,
    )
    .await;
    assert_eq!(again["error"]["code"], "already_answered");
}

async fn answers_to_the_team_and_duplicates_stay_with_their_teams(app: TestApp) {
    let s = scene(&app, "questions-team").await;
    let mut rival_ws = connect(
        &app,
        &format!("/api/v1/teams/{}/ws", s.rival_team),
        s.rival.token(),
    )
    .await;
    let private = expect(
        ask(
            &app,
            &s.asker,
            &s.asking_team,
            "first-contact",
            "Is device 7 a trap?",
        )
        .await,
        201,
    )
    .await;
    let private_id = id_of(&private);
    expect(
        answer(
            &app,
            &s.asking_coach,
            &private_id,
            "Look at its timestamps.",
            "team",
        )
        .await,
        200,
    )
    .await;

    // The competitor hears nothing of an answer to the team.
    for frame in rival_ws.frames_for(Duration::from_millis(500)).await {
        assert_ne!(frame["type"], "clarification", "{frame}");
        assert!(!frame.to_string().contains("timestamps"), "{frame}");
    }
    let theirs = expect(
        app.get_as(
            &s.rival.access_token,
            &format!("/api/v1/teams/{}/questions", s.rival_team),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(theirs["clarifications"], json!([]));

    // An answer to everyone, then the competitor asks the same: its coach marks the repeat.
    let public = expect(
        ask(
            &app,
            &s.asker,
            &s.asking_team,
            "first-contact",
            "Count unique devices?",
        )
        .await,
        201,
    )
    .await;
    let public_id = id_of(&public);
    expect(
        answer(
            &app,
            &s.event.organizer,
            &public_id,
            "Unique devices, yes.",
            "everyone",
        )
        .await,
        200,
    )
    .await;
    let repeat = expect(
        ask(
            &app,
            &s.rival,
            &s.rival_team,
            "first-contact",
            "Do we count devices once?",
        )
        .await,
        201,
    )
    .await;
    let repeat_id = id_of(&repeat);
    let marked = app
        .post(
            s.rival_coach.token(),
            &format!("/api/v1/questions/{repeat_id}/duplicate"),
            &json!({"of": public_id}),
        )
        .await;
    let marked = expect(marked, 200).await;
    assert_eq!(marked["state"], "duplicate");
    assert_eq!(marked["duplicate_of"], public_id.as_str());
    assert_eq!(marked["answer"], "Unique devices, yes.");
    let activity = rival_ws
        .expect_where("activity", |f| f["kind"] == "answer")
        .await;
    assert_eq!(activity["answer"], "Unique devices, yes.");
    names_no_one(&activity.to_string(), "the duplicate's activity");

    // A repeat of an answer to the asking team only: the competitor's coach, who does not
    // oversee the asking team, may not point at it; an organizer may, and the competitor
    // then reads the answer, never who it was for.
    let second = expect(
        ask(
            &app,
            &s.rival,
            &s.rival_team,
            "first-contact",
            "Device 7 looks odd?",
        )
        .await,
        201,
    )
    .await;
    let second_id = id_of(&second);
    let duplicate_path = format!("/api/v1/questions/{second_id}/duplicate");
    let refused = app
        .post(
            s.rival_coach.token(),
            &duplicate_path,
            &json!({"of": private_id}),
        )
        .await;
    assert_eq!(
        expect(refused, 422).await["error"]["code"],
        "invalid_duplicate"
    );
    for of in [second_id.as_str(), "no-such-question"] {
        let refused = app
            .post(
                s.event.organizer.token(),
                &duplicate_path,
                &json!({"of": of}),
            )
            .await;
        assert_eq!(
            expect(refused, 422).await["error"]["code"],
            "invalid_duplicate"
        );
    }
    let marked = app
        .post(
            s.event.organizer.token(),
            &duplicate_path,
            &json!({"of": private_id}),
        )
        .await;
    let marked = expect(marked, 200).await;
    assert_eq!(marked["answer"], "Look at its timestamps.");
    let theirs = app
        .get_as(
            &s.rival.access_token,
            &format!("/api/v1/teams/{}/questions", s.rival_team),
        )
        .await
        .text()
        .await
        .expect("body");
    names_no_one(&theirs, "the competitor's questions");
    assert!(theirs.contains("Look at its timestamps."), "{theirs}");
    assert!(
        !theirs.contains("Is device 7 a trap?"),
        "the other team's question: {theirs}"
    );
    // A duplicate is settled: it takes no answer, and no second marking.
    let again = expect(
        answer(&app, &s.rival_coach, &second_id, "x", "team").await,
        409,
    )
    .await;
    assert_eq!(again["error"]["code"], "already_answered");

    // The queue lists open questions first.
    let open = expect(
        ask(
            &app,
            &s.asker,
            &s.asking_team,
            "first-contact",
            "Still there?",
        )
        .await,
        201,
    )
    .await;
    let queue = expect(
        app.get_as(
            &s.event.organizer.access_token,
            &format!("/api/v1/events/{}/questions", s.event.slug),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(queue["questions"][0]["id"], id_of(&open).as_str());
    assert_eq!(queue["questions"].as_array().expect("list").len(), 5);
}

async fn who_may_ask_read_and_answer(app: TestApp) {
    let s = scene(&app, "questions-who").await;
    let path = format!("/api/v1/teams/{}/questions", s.asking_team);

    // Asking: members only, about a challenge open to the team, with 1–2000 characters.
    let anonymous = app
        .post(
            None,
            &path,
            &json!({"challenge": "first-contact", "text": "hi"}),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    let coach_asks = ask(&app, &s.asking_coach, &s.asking_team, "first-contact", "hi").await;
    expect(coach_asks, 403).await;
    let stranger = ask(&app, &s.rival, &s.asking_team, "first-contact", "hi").await;
    expect(stranger, 404).await;
    for challenge in ["pipeline-manifest", "no-such-challenge"] {
        let hidden = ask(&app, &s.asker, &s.asking_team, challenge, "hi").await;
        expect(hidden, 404).await;
    }
    for text in ["   ", &"x".repeat(2001)] {
        let refused = ask(&app, &s.asker, &s.asking_team, "first-contact", text).await;
        assert_eq!(
            expect(refused, 422).await["error"]["code"],
            "invalid_question"
        );
    }
    let longest = ask(
        &app,
        &s.asker,
        &s.asking_team,
        "first-contact",
        &"y".repeat(2000),
    )
    .await;
    expect(longest, 201).await;
    let nul = ask(&app, &s.asker, &s.asking_team, "first-contact", "a\u{0}b").await;
    assert_eq!(nul.status(), 400);
    let question = expect(
        ask(
            &app,
            &s.asker,
            &s.asking_team,
            "first-contact",
            "What is a device?",
        )
        .await,
        201,
    )
    .await;
    let id = id_of(&question);

    // Reading a team's questions: its members, coaches and organizers.
    for reader in [&s.asker, &s.asking_coach, &s.event.organizer] {
        expect(app.get_as(&reader.access_token, &path).await, 200).await;
    }
    for outsider in [&s.rival, &s.rival_coach] {
        expect(app.get_as(&outsider.access_token, &path).await, 404).await;
    }
    assert_eq!(app.get(&path).await.status(), 401);
    // The queue: the event's staff only.
    let queue = format!("/api/v1/events/{}/questions", s.event.slug);
    expect(app.get_as(&s.asker.access_token, &queue).await, 403).await;
    assert_eq!(app.get(&queue).await.status(), 401);
    expect(
        app.get_as(
            &s.asker.access_token,
            "/api/v1/events/no-such-event/questions",
        )
        .await,
        404,
    )
    .await;

    // Answering: the team's coach and the organizers; its members 403, anyone else 404.
    let refused = answer(&app, &s.asker, &id, "self-service", "team").await;
    expect(refused, 403).await;
    for outsider in [&s.rival, &s.rival_coach] {
        expect(answer(&app, outsider, &id, "not yours", "team").await, 404).await;
    }
    let anonymous = app
        .post(
            None,
            &format!("/api/v1/questions/{id}/answer"),
            &json!({"text": "x", "to": "team"}),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    expect(
        answer(&app, &s.asking_coach, "no-such-question", "x", "team").await,
        404,
    )
    .await;
    let empty = answer(&app, &s.asking_coach, &id, "  ", "team").await;
    assert_eq!(expect(empty, 422).await["error"]["code"], "invalid_answer");
    let long = answer(&app, &s.asking_coach, &id, &"z".repeat(4001), "team").await;
    assert_eq!(expect(long, 422).await["error"]["code"], "invalid_answer");
    let nobody = answer(&app, &s.asking_coach, &id, "x", "someone").await;
    assert_eq!(nobody.status(), 400);
    let duplicate = app
        .post(
            s.asker.token(),
            &format!("/api/v1/questions/{id}/duplicate"),
            &json!({"of": id}),
        )
        .await;
    expect(duplicate, 403).await;
    expect(
        answer(&app, &s.asking_coach, &id, "A gateway's client.", "team").await,
        200,
    )
    .await;

    // After the end: no new questions.
    let at = cohack_server::db::now();
    reschedule(
        &app,
        &s.event,
        at - chrono::TimeDelta::days(2),
        at - chrono::TimeDelta::hours(1),
    )
    .await;
    let late = ask(&app, &s.asker, &s.asking_team, "first-contact", "Too late?").await;
    assert_eq!(expect(late, 409).await["error"]["code"], "event_ended");
}

async fn organizers_keep_canned_answers(app: TestApp) {
    let s = scene(&app, "questions-canned").await;
    let path = format!(
        "/api/v1/events/{}/challenges/first-contact/canned-answers",
        s.event.slug
    );
    let made = app
        .post(
            s.event.organizer.token(),
            &path,
            &json!({"title": " Rotation ", "text": "Logs rotate hourly."}),
        )
        .await;
    let made = expect(made, 201).await;
    assert_eq!(made["title"], "Rotation");
    let canned_id = id_of(&made);

    // Organizers and the event's engineers read them; participants do not.
    for staff in [&s.event.organizer, &s.asking_coach, &s.rival_coach] {
        let list = expect(app.get_as(&staff.access_token, &path).await, 200).await;
        assert_eq!(list[0]["text"], "Logs rotate hourly.");
    }
    expect(app.get_as(&s.asker.access_token, &path).await, 403).await;
    assert_eq!(app.get(&path).await.status(), 401);
    let unknown = format!(
        "/api/v1/events/{}/challenges/no-such-challenge/canned-answers",
        s.event.slug
    );
    expect(
        app.get_as(&s.event.organizer.access_token, &unknown).await,
        404,
    )
    .await;

    // Only organizers write them, with a title and a text.
    let by_coach = app
        .post(
            s.asking_coach.token(),
            &path,
            &json!({"title": "t", "text": "x"}),
        )
        .await;
    expect(by_coach, 403).await;
    for body in [
        json!({"title": "", "text": "x"}),
        json!({"title": "t", "text": " "}),
    ] {
        let refused = app.post(s.event.organizer.token(), &path, &body).await;
        assert_eq!(
            expect(refused, 422).await["error"]["code"],
            "invalid_canned_answer"
        );
    }

    // And delete them.
    let one = format!("/api/v1/canned-answers/{canned_id}");
    let by_coach = app
        .send(Method::DELETE, s.asking_coach.token(), &one, &json!({}))
        .await;
    expect(by_coach, 403).await;
    let deleted = app
        .send(Method::DELETE, s.event.organizer.token(), &one, &json!({}))
        .await;
    assert_eq!(deleted.status(), 204);
    let list = expect(
        app.get_as(&s.event.organizer.access_token, &path).await,
        200,
    )
    .await;
    assert_eq!(list, json!([]));
    let gone = app
        .send(Method::DELETE, s.event.organizer.token(), &one, &json!({}))
        .await;
    expect(gone, 404).await;
}

async fn the_pages_ask_and_answer_without_javascript(app: TestApp) {
    let s = scene(&app, "questions-pages").await;
    let workspace = format!("/teams/{}?challenge=first-contact", s.asking_team);

    // A member asks in the workspace; a blank question is refused beside the form.
    let mut quinn = PlainBrowser::sign_in(&app, "quinnasker@quinnasker.example").await;
    quinn.page(&workspace).await;
    let refused = quinn
        .submit(
            &format!("/teams/{}/questions", s.asking_team),
            &[("challenge", "first-contact"), ("text", "  ")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("html");
    assert!(
        page.contains("id=\"question-error\""),
        "the reason beside the form"
    );
    let asked = quinn
        .submit(
            &format!("/teams/{}/questions", s.asking_team),
            &[
                ("challenge", "first-contact"),
                ("text", "Which log is the gateway's?"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let page = quinn.page(&format!("{workspace}&asked=1")).await;
    assert!(
        page.contains("Which log is the gateway"),
        "the question in the panel"
    );

    // The coach's page lists it with the answer form, and the form answers it to everyone.
    let mut carla = PlainBrowser::sign_in(&app, "carlacoach@carlacoach.example").await;
    let coach_page = carla.page("/coach").await;
    assert!(
        coach_page.contains("Which log is the gateway"),
        "the queue on the coach's page"
    );
    let list = expect(
        app.get_as(
            &s.asking_coach.access_token,
            &format!("/api/v1/events/{}/questions", s.event.slug),
        )
        .await,
        200,
    )
    .await;
    let id = list["questions"][0]["id"].as_str().expect("id").to_owned();
    let answered = carla
        .submit(
            &format!("/questions/{id}/answer"),
            &[
                ("text", "gateway.log, in your materials."),
                ("to", "everyone"),
                ("back", "coach"),
            ],
        )
        .await;
    let status = answered.status();
    let location = answered
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("ascii").to_owned());
    assert_eq!(status, 303, "{:?}", answered.text().await);
    assert_eq!(location.as_deref(), Some("/coach#questions"));
    let again = carla
        .submit(
            &format!("/questions/{id}/answer"),
            &[("text", "again"), ("to", "team"), ("back", "coach")],
        )
        .await;
    assert_eq!(again.status(), 409);

    // The competitor's coach: not the question, but the clarification; an organizer's page
    // marks the competitor's repeat a duplicate with a canned answer kept ready.
    let mut dmitri = PlainBrowser::sign_in(&app, "dmitricoach@dmitricoach.example").await;
    let other_page = dmitri.page("/coach").await;
    names_no_one(&other_page, "another coach's page");
    let repeat = expect(
        ask(
            &app,
            &s.rival,
            &s.rival_team,
            "first-contact",
            "Where is the gateway log?",
        )
        .await,
        201,
    )
    .await;
    let repeat_id = id_of(&repeat);
    let organizer_email = format!("org-{}@vendor.example", s.event.slug);
    let mut organizer = PlainBrowser::sign_in(&app, &organizer_email).await;
    let manage = organizer
        .page(&format!("/events/{}/manage", s.event.slug))
        .await;
    assert!(
        manage.contains("Where is the gateway log?"),
        "the queue on the organizer's page"
    );
    let marked = organizer
        .submit(
            &format!("/questions/{repeat_id}/duplicate"),
            &[
                ("of", id.as_str()),
                ("back", &format!("manage:{}", s.event.slug)),
            ],
        )
        .await;
    assert_eq!(marked.status(), 303);
    let canned = expect(
        app.post(
            s.event.organizer.token(),
            &format!(
                "/api/v1/events/{}/challenges/first-contact/canned-answers",
                s.event.slug
            ),
            &json!({"title": "Materials", "text": "Everything is in your materials."}),
        )
        .await,
        201,
    )
    .await;
    let third = expect(
        ask(
            &app,
            &s.rival,
            &s.rival_team,
            "first-contact",
            "Anything else?",
        )
        .await,
        201,
    )
    .await;
    let canned_answer = organizer
        .submit(
            &format!("/questions/{}/answer", id_of(&third)),
            &[
                ("text", ""),
                ("canned", &id_of(&canned)),
                ("to", "team"),
                ("back", "coach"),
            ],
        )
        .await;
    assert_eq!(canned_answer.status(), 303);
    let theirs = expect(
        app.get_as(
            &s.rival.access_token,
            &format!("/api/v1/teams/{}/questions", s.rival_team),
        )
        .await,
        200,
    )
    .await;
    names_no_one(&theirs.to_string(), "the competitor's questions");
    let answers: Vec<&str> = theirs["questions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|q| q["answer"].as_str())
        .collect();
    assert!(
        answers.contains(&"Everything is in your materials."),
        "{theirs}"
    );
    assert!(
        answers.contains(&"gateway.log, in your materials."),
        "{theirs}"
    );

    // The competitor's workspace page shows the clarification, naming no one.
    let mut bob = PlainBrowser::sign_in(&app, "bobrival@bobrival.example").await;
    let page = bob
        .page(&format!("/teams/{}?challenge=first-contact", s.rival_team))
        .await;
    assert!(page.contains("gateway.log, in your materials."));
    names_no_one(&page, "the competitor's workspace");
}
