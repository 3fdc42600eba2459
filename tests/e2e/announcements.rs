//! Announcements corrected and withdrawn: an event's organizers edit and delete them over the
//! API (`PATCH`/`DELETE /api/v1/events/{slug}/announcements/{id}`), and every open big screen
//! and workspace hears of it live; participants, coaches, anonymous callers and another
//! event's organizer are refused, and an unknown announcement is 404.

use cohack_server::models::role::EventRole;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{TestEvent, coach, expect, running_event, team, user_with_role},
    harness::TestApp,
    live_client::connect,
};

backend_tests!(
    organizers_edit_and_delete_announcements_live,
    only_the_events_organizers_edit_and_delete_announcements,
);

fn announcements_path(event: &TestEvent) -> String {
    format!("/api/v1/events/{}/announcements", event.slug)
}

/// Posts `text` as the event's organizer; returns the announcement.
async fn announce(app: &TestApp, event: &TestEvent, text: &str) -> Value {
    let made = app
        .post(
            event.organizer.token(),
            &announcements_path(event),
            &json!({ "text": text }),
        )
        .await;
    expect(made, 201).await
}

/// The texts of the event's announcements, as anyone reads them.
async fn texts(app: &TestApp, event: &TestEvent) -> Vec<String> {
    let list = expect(app.get(&announcements_path(event)).await, 200).await;
    list.as_array()
        .expect("a list")
        .iter()
        .map(|a| a["text"].as_str().expect("text").to_owned())
        .collect()
}

async fn organizers_edit_and_delete_announcements_live(app: TestApp) {
    let event = running_event(&app, "announce-edit").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let mut screen = connect(&app, &format!("/api/v1/events/{}/ws", event.slug), None).await;
    let mut workspace = connect(&app, &format!("/api/v1/teams/{team_id}/ws"), alice.token()).await;
    let made = announce(&app, &event, "Lunch at 12:00").await;
    let id = made["id"].as_str().expect("id").to_owned();
    workspace.expect("announcement").await;
    screen.expect("announcement").await;

    let edited = app
        .send(
            Method::PATCH,
            event.organizer.token(),
            &format!("{}/{id}", announcements_path(&event)),
            &json!({ "text": "  Lunch at 12:30  " }),
        )
        .await;
    let edited = expect(edited, 200).await;
    assert_eq!(edited["id"], id.as_str());
    assert_eq!(edited["text"], "Lunch at 12:30", "trimmed like a new one");
    assert_eq!(edited["at"], made["at"], "keeps the time it was made");
    for socket in [&mut workspace, &mut screen] {
        let frame = socket.expect("announcement_edited").await;
        assert_eq!(frame["id"], id.as_str());
        assert_eq!(frame["text"], "Lunch at 12:30");
        assert_eq!(frame["author"]["user_id"], event.organizer.id.as_str());
    }
    assert_eq!(texts(&app, &event).await, ["Lunch at 12:30"]);

    let kept = announce(&app, &event, "Demos at 16:00").await;
    let deleted = app
        .send(
            Method::DELETE,
            event.organizer.token(),
            &format!("{}/{id}", announcements_path(&event)),
            &json!({}),
        )
        .await;
    assert_eq!(deleted.status(), 204);
    for socket in [&mut workspace, &mut screen] {
        let frame = socket.expect("announcement_deleted").await;
        assert_eq!(frame["id"], id.as_str());
    }
    assert_eq!(texts(&app, &event).await, ["Demos at 16:00"]);

    // Gone is gone: editing or deleting it again is 404, like an id never made.
    for method in [Method::PATCH, Method::DELETE] {
        for missing in [id.as_str(), "0190f0f0-0000-7000-8000-000000000000"] {
            let response = app
                .send(
                    method.clone(),
                    event.organizer.token(),
                    &format!("{}/{missing}", announcements_path(&event)),
                    &json!({ "text": "again" }),
                )
                .await;
            let body = expect(response, 404).await;
            assert_eq!(body["error"]["code"], "not_found", "{method} {missing}");
        }
    }
    // An empty text is refused with the rule's code, and changes nothing.
    let empty = app
        .send(
            Method::PATCH,
            event.organizer.token(),
            &format!(
                "{}/{}",
                announcements_path(&event),
                kept["id"].as_str().expect("id")
            ),
            &json!({ "text": "   " }),
        )
        .await;
    assert_eq!(
        expect(empty, 400).await["error"]["code"],
        "invalid_announcement"
    );
    assert_eq!(texts(&app, &event).await, ["Demos at 16:00"]);
}

async fn only_the_events_organizers_edit_and_delete_announcements(app: TestApp) {
    let event = running_event(&app, "announce-rights").await;
    let (alice, team_id) = team(&app, &event, "alice").await;
    let coach = coach(&app, &event, &team_id, "carol").await;
    let author = user_with_role(&app, &event, "arthur", EventRole::Author).await;
    // The organizer of another event only (the fixtures' organizers organize the portal).
    let other = running_event(&app, "announce-other").await;
    let other_organizer = user_with_role(&app, &other, "olga", EventRole::Organizer).await;
    // An organizer of this event who is not a portal organizer may.
    let event_organizer = user_with_role(&app, &event, "ed", EventRole::Organizer).await;
    let made = announce(&app, &event, "Wifi password is on the wall").await;
    let id = made["id"].as_str().expect("id");
    let own_path = format!("{}/{id}", announcements_path(&event));

    let callers = [
        ("participant", alice.token(), 403),
        ("coach", coach.token(), 403),
        ("author", author.token(), 403),
        ("other event's organizer", other_organizer.token(), 403),
        ("anonymous", None, 401),
    ];
    for (who, token, status) in callers {
        let edit = app
            .send(
                Method::PATCH,
                token,
                &own_path,
                &json!({ "text": "hacked" }),
            )
            .await;
        assert_eq!(edit.status(), status, "{who} edits");
        let delete = app.send(Method::DELETE, token, &own_path, &json!({})).await;
        assert_eq!(delete.status(), status, "{who} deletes");
    }
    // Through their own event, another organizer does not find it.
    let through_other = format!("{}/{id}", announcements_path(&other));
    for method in [Method::PATCH, Method::DELETE] {
        let response = app
            .send(
                method.clone(),
                other_organizer.token(),
                &through_other,
                &json!({ "text": "hacked" }),
            )
            .await;
        assert_eq!(response.status(), 404, "{method} through another event");
    }
    assert_eq!(
        texts(&app, &event).await,
        ["Wifi password is on the wall"],
        "nobody but the organizers changed it"
    );
    let edited = app
        .send(
            Method::PATCH,
            event_organizer.token(),
            &own_path,
            &json!({ "text": "Wifi: cohack / hack2026" }),
        )
        .await;
    assert_eq!(expect(edited, 200).await["text"], "Wifi: cohack / hack2026");
    let deleted = app
        .send(
            Method::DELETE,
            event_organizer.token(),
            &own_path,
            &json!({}),
        )
        .await;
    assert_eq!(deleted.status(), 204, "the event's own organizer deletes");
    assert!(texts(&app, &event).await.is_empty());
}
