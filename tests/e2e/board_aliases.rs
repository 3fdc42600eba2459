//! The event settings of the coach's playbook (`hint_cost`, `board_names`, `time_zone`) and
//! the competitor-safe board: with `board_names = "aliases"`, the public leaderboard, the big
//! screen's page and the event socket name teams only by their aliases — never a team's
//! name, its members or their organizations — while organizers keep seeing names.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{TestEvent, expect, running_event, team},
    harness::TestApp,
    live_client::connect,
    plain_browser::PlainBrowser,
};

backend_tests!(
    event_settings_are_validated_and_shown,
    an_aliased_board_names_no_team,
    aliases_are_set_by_organizers_only_and_unique,
    organizers_set_settings_and_aliases_in_their_pages,
);

fn event_path(event: &TestEvent) -> String {
    format!("/api/v1/events/{}", event.slug)
}

async fn patch_event(app: &TestApp, event: &TestEvent, body: Value) -> reqwest::Response {
    app.send(
        Method::PATCH,
        event.organizer.token(),
        &event_path(event),
        &body,
    )
    .await
}

async fn patch_team(
    app: &TestApp,
    token: Option<&str>,
    team: &str,
    body: Value,
) -> reqwest::Response {
    app.send(
        Method::PATCH,
        token,
        &format!("/api/v1/teams/{team}"),
        &body,
    )
    .await
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

async fn event_settings_are_validated_and_shown(app: TestApp) {
    let organizer = app.portal_organizer("settings-org@vendor.example").await;
    let create = |extra: Value| {
        let mut body = json!({
            "slug": "zones", "name": "Zones", "starts_at": "2026-05-04T09:00:00Z",
            "ends_at": "2026-05-04T17:00:00Z", "registration": "open", "team_size_max": 4,
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    let token = organizer.token();
    let refused = expect(
        app.post(
            token,
            "/api/v1/events",
            &create(json!({"time_zone": "Mars/Olympus_Mons"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(code(&refused), "unknown_time_zone");
    let refused = expect(
        app.post(
            token,
            "/api/v1/events",
            &create(json!({"hint_cost": "sometimes"})),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(code(&refused), "invalid_hint_cost");
    let refused = expect(
        app.post(
            token,
            "/api/v1/events",
            &create(json!({"board_names": "logos"})),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(code(&refused), "invalid_board_names");

    // The defaults.
    let made = expect(
        app.post(token, "/api/v1/events", &create(json!({}))).await,
        201,
    )
    .await;
    assert_eq!(made["hint_cost"], "on_solve");
    assert_eq!(made["board_names"], "teams");
    assert_eq!(made["time_zone"], "UTC");

    let path = "/api/v1/events/zones";
    let refused = expect(
        app.send(
            Method::PATCH,
            token,
            path,
            &json!({"time_zone": "Europe/Atlantis"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(code(&refused), "unknown_time_zone");
    let refused = expect(
        app.send(
            Method::PATCH,
            token,
            path,
            &json!({"board_names": "ALIASES"}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(code(&refused), "invalid_board_names");
    let changed = expect(
        app.send(
            Method::PATCH,
            token,
            path,
            &json!({"time_zone": " Europe/Paris ", "hint_cost": "always", "board_names": "aliases"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["time_zone"], "Europe/Paris", "trimmed");
    assert_eq!(changed["hint_cost"], "always");
    assert_eq!(changed["board_names"], "aliases");
    // A PATCH of something else keeps them; anyone reads them; times stay UTC.
    expect(
        app.send(Method::PATCH, token, path, &json!({"name": "Zones again"}))
            .await,
        200,
    )
    .await;
    let public = expect(app.get(path).await, 200).await;
    assert_eq!(public["time_zone"], "Europe/Paris");
    assert_eq!(public["hint_cost"], "always");
    assert_eq!(public["board_names"], "aliases");
    assert_eq!(public["starts_at"], "2026-05-04T09:00:00Z");
    // The event's page names its home zone.
    let page = app.get("/events/zones").await.text().await.expect("page");
    assert!(page.contains("Europe/Paris"), "home zone on the event page");
}

/// Every string of `haystack` that names one of `names`, case-insensitively.
fn leaks(haystack: &str, names: &[&str]) -> Vec<String> {
    let lower = haystack.to_lowercase();
    names
        .iter()
        .filter(|name| lower.contains(&name.to_lowercase()))
        .map(|name| (*name).to_owned())
        .collect()
}

fn board_names(board: &Value) -> Vec<String> {
    board["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|row| row["team"]["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn an_aliased_board_names_no_team(app: TestApp) {
    let event = running_event(&app, "aliased").await;
    // `team` registers each member in an organization of the same name: both must stay hidden.
    let (zebra, zebra_id) = team(&app, &event, "zebracorp").await;
    let (_yak, _) = team(&app, &event, "yakworks").await;
    let (_xylo, xylo_id) = team(&app, &event, "xylophonic").await;
    let names = ["zebracorp", "yakworks", "xylophonic"];
    let set = expect(
        patch_team(
            &app,
            event.organizer.token(),
            &xylo_id,
            json!({"alias": "Blue Falcons"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(set["alias"], "Blue Falcons");
    assert_eq!(set["name"], "xylophonic", "the name stays");

    let board_path = format!("{}/leaderboard", event_path(&event));
    let before = app.get(&board_path).await;
    let plain_tag = before.headers()["etag"].clone();
    let before = before.text().await.expect("body");
    assert_eq!(
        leaks(&before, &names).len(),
        3,
        "names until the event is aliased"
    );

    let mut screen = connect(&app, &format!("{}/ws", event_path(&event)), None).await;
    screen.expect("leaderboard").await;
    expect(
        patch_event(&app, &event, json!({"board_names": "aliases"})).await,
        200,
    )
    .await;
    let frame = screen
        .expect_where("leaderboard", |f| leaks(&f.to_string(), &names).is_empty())
        .await;
    let frame = frame.to_string();
    assert!(
        frame.contains("Team 01") && frame.contains("Blue Falcons"),
        "{frame}"
    );

    // The public board, anonymous and as a participant: aliases only, derived ones stable.
    let response = app.get(&board_path).await;
    let aliased_tag = response.headers()["etag"].clone();
    let anonymous = response.text().await.expect("body");
    assert_eq!(
        leaks(&anonymous, &names),
        Vec::<String>::new(),
        "{anonymous}"
    );
    assert_ne!(plain_tag, aliased_tag, "aliased bytes have their own tag");
    let parsed: Value = serde_json::from_str(&anonymous).expect("json");
    let mut shown = board_names(&parsed);
    shown.sort();
    assert_eq!(shown, ["Blue Falcons", "Team 01", "Team 02"]);
    let member = app
        .get_as(&zebra.access_token, &board_path)
        .await
        .text()
        .await
        .expect("body");
    assert_eq!(leaks(&member, &names), Vec::<String>::new());
    let again = app.get(&board_path).await.text().await.expect("body");
    let mut shown_again = board_names(&serde_json::from_str(&again).expect("json"));
    shown_again.sort();
    assert_eq!(shown, shown_again, "derived aliases are stable");

    // The big screen's page and its state.
    let page = app
        .get(&format!("/events/{}/board", event.slug))
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(leaks(&page, &names), Vec::<String>::new(), "board page");
    let state = app
        .get(&format!("/events/{}/board/state", event.slug))
        .await
        .text()
        .await
        .expect("state");
    assert_eq!(leaks(&state, &names), Vec::<String>::new(), "board state");
    // The public event page.
    let event_page = app
        .get(&format!("/events/{}", event.slug))
        .await
        .text()
        .await
        .expect("page");
    assert_eq!(
        leaks(&event_page, &names),
        Vec::<String>::new(),
        "event page"
    );

    // A fresh screen's greeting, and the frame after an alias changes.
    let mut fresh = connect(&app, &format!("{}/ws", event_path(&event)), None).await;
    let greeting = fresh
        .frames_for(std::time::Duration::from_millis(500))
        .await;
    let greeting = serde_json::to_string(&greeting).expect("json");
    assert!(greeting.contains("Team 01"), "{greeting}");
    assert_eq!(leaks(&greeting, &names), Vec::<String>::new(), "{greeting}");
    expect(
        patch_team(
            &app,
            event.organizer.token(),
            &zebra_id,
            json!({"alias": "Red Pandas"}),
        )
        .await,
        200,
    )
    .await;
    let frame = fresh
        .expect_where("leaderboard", |f| f.to_string().contains("Red Pandas"))
        .await
        .to_string();
    assert_eq!(leaks(&frame, &names), Vec::<String>::new(), "{frame}");

    // Organizers still see names, on a board with another tag.
    let staff = app.get_as(&event.organizer.access_token, &board_path).await;
    let staff_tag = staff.headers()["etag"].clone();
    let staff = staff.text().await.expect("body");
    assert_eq!(leaks(&staff, &names).len(), 3, "{staff}");
    let public_tag = app.get(&board_path).await.headers()["etag"].clone();
    assert_ne!(staff_tag, public_tag);

    // The team sees its own alias in its workspace.
    let mut browser = PlainBrowser::sign_in(&app, &zebra.email).await;
    let workspace = browser.page(&format!("/teams/{zebra_id}")).await;
    assert!(
        workspace.contains("Red Pandas"),
        "the team's alias in its workspace"
    );
    let own_page = browser.page(&format!("/events/{}", event.slug)).await;
    assert!(own_page.contains("Red Pandas"), "and on the event's page");
}

async fn aliases_are_set_by_organizers_only_and_unique(app: TestApp) {
    let event = running_event(&app, "alias-rules").await;
    let (alice, alice_team) = team(&app, &event, "alice").await;
    let (_bob, bob_team) = team(&app, &event, "bob").await;
    let organizer = event.organizer.token();

    let refused = patch_team(&app, alice.token(), &alice_team, json!({"alias": "Mine"})).await;
    assert_eq!(refused.status(), 403, "a member may rename, not alias");
    let refused = expect(
        patch_team(&app, organizer, &alice_team, json!({"alias": "  "})).await,
        400,
    )
    .await;
    assert_eq!(code(&refused), "invalid_alias");
    let long = "x".repeat(41);
    let refused = expect(
        patch_team(&app, organizer, &alice_team, json!({"alias": long})).await,
        400,
    )
    .await;
    assert_eq!(code(&refused), "invalid_alias");
    let unchanged = expect(
        patch_team(&app, organizer, &alice_team, json!({})).await,
        200,
    )
    .await;
    assert_eq!(unchanged["name"], "alice", "nothing changes");

    expect(
        patch_team(&app, organizer, &alice_team, json!({"alias": "Owls"})).await,
        200,
    )
    .await;
    let refused = expect(
        patch_team(&app, organizer, &bob_team, json!({"alias": " OWLS "})).await,
        409,
    )
    .await;
    assert_eq!(code(&refused), "alias_taken", "unique regardless of case");
    // Bob shows the derived `Team 02`; nobody else may take it.
    let refused = expect(
        patch_team(&app, organizer, &alice_team, json!({"alias": "team 02"})).await,
        409,
    )
    .await;
    assert_eq!(code(&refused), "alias_taken");
    // Cleared, a team goes back to its derived alias.
    let cleared = expect(
        patch_team(&app, organizer, &alice_team, json!({"alias": null})).await,
        200,
    )
    .await;
    assert_eq!(cleared["alias"], Value::Null);
    // A member's rename still works, and the name and alias can change together.
    let renamed = expect(
        patch_team(&app, alice.token(), &alice_team, json!({"name": "Alice's"})).await,
        200,
    )
    .await;
    assert_eq!(renamed["name"], "Alice's");
    let both = expect(
        patch_team(
            &app,
            organizer,
            &bob_team,
            json!({"name": "Bobcats", "alias": "Night Owls"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (both["name"].as_str(), both["alias"].as_str()),
        (Some("Bobcats"), Some("Night Owls"))
    );
}

/// The organizer's settings form and team administration carry the playbook's settings and the
/// alias, without JavaScript; a refused alias is shown with its reason.
async fn organizers_set_settings_and_aliases_in_their_pages(app: TestApp) {
    let event = running_event(&app, "alias-pages").await;
    let (_, owls) = team(&app, &event, "owls").await;
    let (_, larks) = team(&app, &event, "larks").await;
    let mut organizer = PlainBrowser::sign_in(&app, &event.organizer.email).await;
    let manage = format!("/events/{}/manage", event.slug);
    let page = organizer.page(&manage).await;
    assert!(
        page.contains("name=\"time_zone\""),
        "the settings form has the zone"
    );
    assert!(page.contains("name=\"board_names\""));
    assert!(page.contains("name=\"hint_cost\""));

    let set = organizer
        .submit(
            &format!("{manage}/teams/alias"),
            &[("team_id", owls.as_str()), ("alias", "  Blue Owls ")],
        )
        .await;
    assert!(set.status().is_redirection(), "{}", set.status());
    let refused = organizer
        .submit(
            &format!("{manage}/teams/alias"),
            &[("team_id", larks.as_str()), ("alias", "blue owls")],
        )
        .await;
    assert_eq!(refused.status(), 409);
    let body = refused.text().await.expect("page");
    assert!(
        body.contains("another team of this event shows this alias"),
        "{body}"
    );
    let view = expect(
        app.get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{owls}"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(view["alias"], "Blue Owls");

    // Settings: a bad zone is refused with its reason, a good one saved with the rest.
    let view = expect(app.get(&event_path(&event)).await, 200).await;
    let starts = view["starts_at"].as_str().expect("start").to_owned();
    let ends = view["ends_at"].as_str().expect("end").to_owned();
    let fields = |zone: &'static str| {
        vec![
            ("name", "Alias pages"),
            ("starts_at", starts.as_str()),
            ("ends_at", ends.as_str()),
            ("registration", "open"),
            ("team_size_min", "1"),
            ("team_size_max", "5"),
            ("hint_cost", "always"),
            ("board_names", "aliases"),
            ("time_zone", zone),
        ]
    };
    let refused = organizer
        .submit(&format!("{manage}/settings"), &fields("Moon/Base"))
        .await;
    assert_eq!(refused.status(), 422);
    let saved = organizer
        .submit(&format!("{manage}/settings"), &fields("Asia/Tokyo"))
        .await;
    assert!(saved.status().is_redirection(), "{}", saved.status());
    let view = expect(app.get(&event_path(&event)).await, 200).await;
    assert_eq!(view["time_zone"], "Asia/Tokyo");
    assert_eq!(view["board_names"], "aliases");
    assert_eq!(view["hint_cost"], "always");
}
