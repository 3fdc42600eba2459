//! The competitor-safe screen and the event's home zone, in Chromium
//! (`tests/browser/aliases.mjs`, SQLite, skipped without Chromium): the big screen of an
//! event with `board_names = "aliases"` shows team aliases and no team or organization name,
//! also after an alias changes live; the event's page names its home time zone and shows its
//! times in the reader's zone. Screenshots in `target/screenshots/playbook/`. (What the
//! server sends is tested on both backends in `board_aliases.rs`.)

use reqwest::Method;
use serde_json::json;

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{expect, publish_all, running_event, team},
    harness::{Backend, TestApp},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_big_screen_of_an_aliased_event_names_no_team() {
    if !browser_available() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let event = running_event(&app, "aliased-room").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    // Each member registers in an organization of the team's name: both must stay hidden.
    let (_, zebra) = team(&app, &event, "zebracorp").await;
    let (_, yak) = team(&app, &event, "yakworks").await;
    let (_, _xylo) = team(&app, &event, "xylophonic").await;
    let organizer = event.organizer.token();
    let view = expect(
        app.send(
            Method::PATCH,
            organizer,
            &format!("/api/v1/events/{}", event.slug),
            &json!({"board_names": "aliases", "time_zone": "Europe/Paris"}),
        )
        .await,
        200,
    )
    .await;
    expect(
        app.send(
            Method::PATCH,
            organizer,
            &format!("/api/v1/teams/{yak}"),
            &json!({"alias": "Night Owls"}),
        )
        .await,
        200,
    )
    .await;
    run_scenario(
        &app,
        "aliases",
        &json!({
            "slug": event.slug,
            "organizer_token": event.organizer.access_token,
            "zebra": zebra,
            "names": ["zebracorp", "yakworks", "xylophonic"],
            "starts_at": view["starts_at"],
        }),
    )
    .await;
}
