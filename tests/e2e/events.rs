//! Events, registrations and roles, as organizers and participants use them and as
//! participants from competing companies try to get around them.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    harness::{Account, TestApp},
};

backend_tests!(
    organizer_creates_reads_and_edits_an_event,
    bad_event_settings_are_refused,
    only_portal_organizers_create_events,
    participants_register_openly_and_by_invite,
    registration_closes_when_the_event_ends,
    roles_are_granted_only_by_those_allowed,
    roles_are_revoked_under_the_same_rules,
    organizers_of_one_event_cannot_act_on_another,
    openapi_lists_event_and_team_endpoints,
);

/// An RFC 3339 time `hours` from now (negative: in the past), in UTC.
pub fn hours_from_now(hours: i64) -> String {
    (chrono::Utc::now() + chrono::TimeDelta::hours(hours))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The body of a response, as JSON.
pub async fn body(response: Response) -> Value {
    response.json().await.expect("json body")
}

/// Status and error code of a refused request.
pub async fn refusal(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("json error");
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or("<none>")
        .to_owned();
    (status, code)
}

/// Creates an open event starting in a day, with `overrides` applied, as `organizer`.
pub async fn create_event(
    app: &TestApp,
    organizer: &Account,
    slug: &str,
    overrides: Value,
) -> Value {
    let mut request = json!({
        "slug": slug,
        "name": format!("Hack {slug}"),
        "description": "Build things with us.",
        "starts_at": hours_from_now(24),
        "ends_at": hours_from_now(72),
        "registration": "open",
        "team_size_max": 4,
    });
    if let (Some(request), Some(overrides)) = (request.as_object_mut(), overrides.as_object()) {
        for (key, value) in overrides {
            request.insert(key.clone(), value.clone());
        }
    }
    let response = app
        .post(organizer.token(), "/api/v1/events", &request)
        .await;
    assert_eq!(response.status(), 201, "create event {slug}");
    body(response).await
}

/// Registers `account` for `slug` with an optional invite code; returns the status.
pub async fn register_for(app: &TestApp, account: &Account, slug: &str, code: Option<&str>) -> u16 {
    let request = match code {
        Some(code) => json!({ "invite_code": code }),
        None => json!({}),
    };
    app.post(
        account.token(),
        &format!("/api/v1/events/{slug}/registrations"),
        &request,
    )
    .await
    .status()
    .as_u16()
}

/// Grants `role` in `slug` to `user_id` as `granter`.
pub async fn grant(
    app: &TestApp,
    granter: &Account,
    slug: &str,
    user_id: &str,
    role: &str,
) -> Response {
    app.post(
        granter.token(),
        &format!("/api/v1/events/{slug}/roles"),
        &json!({ "user_id": user_id, "role": role }),
    )
    .await
}

/// The event as `account` sees it.
pub async fn event_as(app: &TestApp, account: &Account, slug: &str) -> Value {
    let response = app
        .get_as(&account.access_token, &format!("/api/v1/events/{slug}"))
        .await;
    assert_eq!(response.status(), 200, "get event {slug}");
    body(response).await
}

async fn organizer_creates_reads_and_edits_an_event(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let created = create_event(
        &app,
        &organizer,
        "spring-hack",
        json!({
            "starts_at": "2030-05-04T09:00:00+02:00",
            "ends_at": "2030-05-06T17:30:00+02:00",
            "freeze_at": "2030-05-06T15:00:00Z",
            "registration": "invite",
            "invite_code": "  acme-and-friends ",
            "team_size_min": 2,
            "team_size_max": 5,
        }),
    )
    .await;
    assert_eq!(created["slug"], "spring-hack");
    assert_eq!(
        created["starts_at"], "2030-05-04T07:00:00Z",
        "stored in UTC"
    );
    assert_eq!(created["ends_at"], "2030-05-06T15:30:00Z");
    assert_eq!(created["freeze_at"], "2030-05-06T15:00:00Z");
    assert_eq!(created["registration"], "invite");
    assert_eq!(created["invite_code"], "acme-and-friends", "trimmed");
    assert_eq!(created["team_size_min"], 2);
    assert_eq!(created["team_size_max"], 5);
    assert_eq!(created["phase"], "upcoming");
    assert_eq!(created["me"]["roles"], json!(["organizer"]));
    assert_eq!(created["me"]["is_organizer"], true);
    assert!(created["me"]["team_id"].is_null());

    // The public page: everything but the invite code, and the server's clock.
    let public = body(app.get("/api/v1/events/spring-hack").await).await;
    assert_eq!(public["name"], "Hack spring-hack");
    assert_eq!(public["description"], "Build things with us.");
    assert_eq!(public["phase"], "upcoming");
    assert!(public["server_time"].is_string());
    assert!(public.get("invite_code").is_none(), "{public}");
    assert!(public.get("me").is_none(), "{public}");

    // A logged-in stranger sees their (empty) standing, still no code.
    let alice = app.register("alice@acme.example", "Acme").await;
    let seen = event_as(&app, &alice, "spring-hack").await;
    assert!(seen.get("invite_code").is_none(), "{seen}");
    assert_eq!(seen["me"]["roles"], json!([]));
    assert_eq!(seen["me"]["is_organizer"], false);

    // The list shows it, without the code even to its organizer.
    let list = app.get_as(&organizer.access_token, "/api/v1/events").await;
    assert_eq!(list.status(), 200);
    let list = body(list).await;
    let listed = list
        .as_array()
        .expect("array")
        .iter()
        .find(|e| e["slug"] == "spring-hack")
        .expect("listed");
    assert!(listed.get("invite_code").is_none());

    // Edit: partial, validated, nullable fields cleared with null.
    let path = "/api/v1/events/spring-hack";
    let edited = app
        .send(
            Method::PATCH,
            organizer.token(),
            path,
            &json!({"name": "Spring Hack 2030", "freeze_at": null, "team_size_max": 6}),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let edited = body(edited).await;
    assert_eq!(edited["name"], "Spring Hack 2030");
    assert!(edited["freeze_at"].is_null());
    assert_eq!(edited["team_size_max"], 6);
    assert_eq!(
        edited["starts_at"], "2030-05-04T07:00:00Z",
        "untouched fields stay"
    );
    assert_eq!(edited["invite_code"], "acme-and-friends");

    // Switching to open registration drops the code.
    let opened = body(
        app.send(
            Method::PATCH,
            organizer.token(),
            path,
            &json!({"registration": "open"}),
        )
        .await,
    )
    .await;
    assert_eq!(opened["registration"], "open");
    assert!(opened.get("invite_code").is_none(), "{opened}");

    // Edits are validated as on create, and a refused edit changes nothing.
    let refused = [
        (
            json!({"ends_at": "2030-05-01T00:00:00Z"}),
            "invalid_schedule",
        ),
        (json!({"starts_at": "tomorrow"}), "invalid_time"),
        (json!({"registration": "invite"}), "invalid_registration"),
        (json!({"team_size_min": 7}), "invalid_team_size"),
        (json!({"name": "  "}), "invalid_name"),
        (json!({"slug": "autumn-hack"}), "slug_immutable"),
        (json!({"created_by": alice.id}), "invalid_json"),
    ];
    for (change, code) in refused {
        let response = app
            .send(Method::PATCH, organizer.token(), path, &change)
            .await;
        assert_eq!(refusal(response).await, (400, code.to_owned()), "{change}");
    }
    let after = event_as(&app, &organizer, "spring-hack").await;
    assert_eq!(after["name"], "Spring Hack 2030");
    assert_eq!(after["ends_at"], "2030-05-06T15:30:00Z");
    assert_eq!(after["registration"], "open");
    assert_eq!(after["team_size_min"], 2);
    assert_eq!(after["team_size_max"], 6);

    // The same slug again.
    let duplicate = app
        .post(
            organizer.token(),
            "/api/v1/events",
            &json!({
                "slug": "spring-hack", "name": "Again", "starts_at": hours_from_now(1),
                "ends_at": hours_from_now(2), "registration": "open", "team_size_max": 3,
            }),
        )
        .await;
    assert_eq!(refusal(duplicate).await, (409, "slug_taken".to_owned()));

    // A participant may not edit.
    let response = app
        .send(Method::PATCH, alice.token(), path, &json!({"name": "Mine"}))
        .await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    assert_eq!(app.get("/api/v1/events/no-such-event").await.status(), 404);
}

async fn bad_event_settings_are_refused(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let base = json!({
        "slug": "good-slug",
        "name": "Hack",
        "starts_at": "2030-01-01T09:00:00Z",
        "ends_at": "2030-01-02T17:00:00Z",
        "registration": "open",
        "team_size_max": 4,
    });
    let with = |key: &str, value: Value| {
        let mut request = base.clone();
        request[key] = value;
        request
    };
    let cases = [
        (with("slug", json!("Bad_Slug")), "invalid_slug"),
        (with("slug", json!("a")), "invalid_slug"),
        (with("slug", json!("-dash")), "invalid_slug"),
        (with("slug", json!("../etc")), "invalid_slug"),
        (with("slug", json!("x".repeat(65))), "invalid_slug"),
        (with("starts_at", json!("2030-01-01 09:00")), "invalid_time"),
        (with("ends_at", json!("")), "invalid_time"),
        (
            with("freeze_at", json!("2030-13-01T00:00:00Z")),
            "invalid_time",
        ),
        (
            with("ends_at", json!("2030-01-01T09:00:00Z")),
            "invalid_schedule",
        ),
        (
            with("ends_at", json!("2029-12-31T09:00:00Z")),
            "invalid_schedule",
        ),
        (
            with("freeze_at", json!("2030-01-03T00:00:00Z")),
            "invalid_schedule",
        ),
        (
            with("registration", json!("closed")),
            "invalid_registration",
        ),
        (
            with("registration", json!("invite")),
            "invalid_registration",
        ),
        (with("name", json!("")), "invalid_name"),
        (with("team_size_max", json!(0)), "invalid_team_size"),
        (with("team_size_max", json!(101)), "invalid_team_size"),
        (with("team_size_min", json!(5)), "invalid_team_size"),
        (with("team_size_max", json!("four")), "invalid_json"),
        (with("is_portal_event", json!(true)), "invalid_json"),
    ];
    let mut invite_short = with("registration", json!("invite"));
    invite_short["invite_code"] = json!("abc");
    for (request, code) in cases
        .into_iter()
        .chain([(invite_short, "invalid_registration")])
    {
        let response = app
            .post(organizer.token(), "/api/v1/events", &request)
            .await;
        assert_eq!(refusal(response).await, (400, code.to_owned()), "{request}");
    }
    let list = body(app.get("/api/v1/events").await).await;
    assert_eq!(list, json!([]), "nothing was created");
}

async fn only_portal_organizers_create_events(app: TestApp) {
    let alice = app.register("alice@acme.example", "Acme").await;
    let request = json!({
        "slug": "acme-only", "name": "Hack", "starts_at": hours_from_now(1),
        "ends_at": hours_from_now(5), "registration": "open", "team_size_max": 4,
    });
    let response = app.post(alice.token(), "/api/v1/events", &request).await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = app.post(None, "/api/v1/events", &request).await;
    assert_eq!(refusal(response).await, (401, "unauthorized".to_owned()));

    // Organizing one event does not make one a portal organizer.
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "first", json!({})).await;
    let olivia = app.register("olivia@vendor.example", "Vendor").await;
    assert_eq!(
        grant(&app, &organizer, "first", &olivia.id, "organizer")
            .await
            .status(),
        201
    );
    let response = app.post(olivia.token(), "/api/v1/events", &request).await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    assert_eq!(app.get("/api/v1/events/acme-only").await.status(), 404);
}

async fn participants_register_openly_and_by_invite(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "open-hack", json!({})).await;
    create_event(
        &app,
        &organizer,
        "invite-hack",
        json!({"registration": "invite", "invite_code": "SECRET-2030"}),
    )
    .await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let gina = app.register("gina@globex.example", "Globex").await;

    // Open: no code needed; registering twice is a no-op answered 200.
    let first = app
        .post(
            alice.token(),
            "/api/v1/events/open-hack/registrations",
            &json!({}),
        )
        .await;
    assert_eq!(first.status(), 201);
    let first = body(first).await;
    assert_eq!(first["event"], "open-hack");
    assert_eq!(first["user_id"], alice.id.as_str());
    assert_eq!(first["roles"], json!(["participant"]));
    assert_eq!(register_for(&app, &alice, "open-hack", None).await, 200);
    // An empty body is fine too.
    let empty = app
        .client
        .post(format!(
            "{}/api/v1/events/open-hack/registrations",
            app.address
        ))
        .bearer_auth(&gina.access_token)
        .send()
        .await
        .expect("sent");
    assert_eq!(empty.status(), 201);
    let seen = event_as(&app, &alice, "open-hack").await;
    assert_eq!(seen["me"]["roles"], json!(["participant"]));

    // A double click: one registration, one no-op, never an error.
    let hal = app.register("hal@acme.example", "Acme").await;
    let (a, b) = tokio::join!(
        register_for(&app, &hal, "open-hack", None),
        register_for(&app, &hal, "open-hack", None),
    );
    let mut statuses = [a, b];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201]);

    // By invite: missing and wrong codes are refused and leave no trace.
    for (code, expected) in [
        (None, "invite_code_required"),
        (Some(""), "invite_code_required"),
        (Some("secret-2030"), "invalid_invite_code"),
        (Some("SECRET-2031"), "invalid_invite_code"),
    ] {
        let response = app
            .post(
                gina.token(),
                "/api/v1/events/invite-hack/registrations",
                &code.map_or_else(|| json!({}), |c| json!({ "invite_code": c })),
            )
            .await;
        assert_eq!(
            refusal(response).await,
            (403, expected.to_owned()),
            "{code:?}"
        );
    }
    let seen = event_as(&app, &gina, "invite-hack").await;
    assert_eq!(
        seen["me"]["roles"],
        json!([]),
        "refused registrations grant nothing"
    );
    assert_eq!(
        register_for(&app, &gina, "invite-hack", Some(" SECRET-2030 ")).await,
        201
    );
    let seen = event_as(&app, &gina, "invite-hack").await;
    assert_eq!(seen["me"]["roles"], json!(["participant"]));

    // Malformed bodies and unknown events.
    let response = app
        .post(
            alice.token(),
            "/api/v1/events/invite-hack/registrations",
            &json!({"invite_code": 2030}),
        )
        .await;
    assert_eq!(refusal(response).await, (400, "invalid_json".to_owned()));
    assert_eq!(register_for(&app, &alice, "no-such-hack", None).await, 404);
    let anonymous = app
        .post(None, "/api/v1/events/open-hack/registrations", &json!({}))
        .await;
    assert_eq!(anonymous.status(), 401);

    // The organizers see who registered, with their organizations.
    let roles = body(
        app.get_as(&organizer.access_token, "/api/v1/events/open-hack/roles")
            .await,
    )
    .await;
    let participants: Vec<(&str, &str)> = roles
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["role"] == "participant")
        .map(|r| {
            (
                r["display_name"].as_str().expect("name"),
                r["organization"].as_str().expect("org"),
            )
        })
        .collect();
    assert_eq!(
        participants,
        [("alice", "Acme"), ("gina", "Globex"), ("hal", "Acme")]
    );
}

async fn registration_closes_when_the_event_ends(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    let running = create_event(
        &app,
        &organizer,
        "running-hack",
        json!({"starts_at": hours_from_now(-2), "ends_at": hours_from_now(2)}),
    )
    .await;
    assert_eq!(running["phase"], "running");
    let ended = create_event(
        &app,
        &organizer,
        "past-hack",
        json!({"starts_at": hours_from_now(-48), "ends_at": hours_from_now(-24)}),
    )
    .await;
    assert_eq!(ended["phase"], "ended");
    let alice = app.register("alice@acme.example", "Acme").await;
    assert_eq!(register_for(&app, &alice, "running-hack", None).await, 201);
    let response = app
        .post(
            alice.token(),
            "/api/v1/events/past-hack/registrations",
            &json!({}),
        )
        .await;
    assert_eq!(refusal(response).await, (409, "event_ended".to_owned()));
    assert_eq!(
        event_as(&app, &alice, "past-hack").await["me"]["roles"],
        json!([])
    );
}

async fn roles_are_granted_only_by_those_allowed(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "role-hack", json!({})).await;
    let olivia = app.register("olivia@vendor.example", "Vendor").await;
    let eve = app.register("eve@vendor.example", "Vendor").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let gina = app.register("gina@globex.example", "Globex").await;
    assert_eq!(register_for(&app, &alice, "role-hack", None).await, 201);

    // The portal organizer makes Olivia an organizer of this event.
    let granted = grant(&app, &organizer, "role-hack", &olivia.id, "organizer").await;
    assert_eq!(granted.status(), 201);
    let granted = body(granted).await;
    assert_eq!(granted["user_id"], olivia.id.as_str());
    assert_eq!(granted["role"], "organizer");
    assert_eq!(granted["granted_by"], organizer.id.as_str());
    assert_eq!(granted["organization"], "Vendor");

    // Olivia grants author and engineer; again is a 200.
    assert_eq!(
        grant(&app, &olivia, "role-hack", &eve.id, "engineer")
            .await
            .status(),
        201
    );
    assert_eq!(
        grant(&app, &olivia, "role-hack", &eve.id, "engineer")
            .await
            .status(),
        200
    );
    assert_eq!(
        grant(&app, &olivia, "role-hack", &eve.id, "author")
            .await
            .status(),
        201
    );

    // …but not organizer or participant, and nothing to herself.
    let refused = [
        (&olivia, &gina.id, "organizer", 403, "forbidden"),
        (&olivia, &gina.id, "participant", 403, "forbidden"),
        (&olivia, &olivia.id, "author", 403, "forbidden"),
        (&organizer, &organizer.id, "participant", 403, "forbidden"),
        // Participants grant nothing, to themselves or to others.
        (&alice, &alice.id, "organizer", 403, "forbidden"),
        (&alice, &alice.id, "engineer", 403, "forbidden"),
        (&alice, &gina.id, "author", 403, "forbidden"),
        (&gina, &alice.id, "engineer", 403, "forbidden"),
        // A bad role or an unknown user.
        (&olivia, &gina.id, "admin", 400, "invalid_role"),
        (
            &olivia,
            &"no-such-user".to_owned(),
            "engineer",
            404,
            "not_found",
        ),
        (
            &organizer,
            &"no-such-user".to_owned(),
            "organizer",
            404,
            "not_found",
        ),
    ];
    for (granter, user_id, role, status, code) in refused {
        let response = grant(&app, granter, "role-hack", user_id, role).await;
        assert_eq!(
            refusal(response).await,
            (status, code.to_owned()),
            "{} grants {role} to {user_id}",
            granter.email
        );
    }
    // A stranger learns nothing about user ids either: 403 comes before the lookup.
    let response = grant(&app, &alice, "role-hack", "no-such-user", "author").await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = grant(&app, &alice, "no-such-hack", &alice.id, "author").await;
    assert_eq!(refusal(response).await, (404, "not_found".to_owned()));

    // Only the roles granted above exist.
    for (who, expected) in [
        (&alice, json!(["participant"])),
        (&gina, json!([])),
        (&olivia, json!(["organizer"])),
    ] {
        let seen = event_as(&app, who, "role-hack").await;
        assert_eq!(seen["me"]["roles"], expected, "{}", who.email);
    }
    let eve_roles = event_as(&app, &eve, "role-hack").await["me"]["roles"].clone();
    let mut eve_roles: Vec<String> = serde_json::from_value(eve_roles).expect("roles");
    eve_roles.sort();
    assert_eq!(eve_roles, ["author", "engineer"]);

    // The role list is for organizers only.
    let list = app
        .get_as(&olivia.access_token, "/api/v1/events/role-hack/roles")
        .await;
    assert_eq!(list.status(), 200);
    assert_eq!(body(list).await.as_array().expect("array").len(), 5);
    for stranger in [&alice, &eve, &gina] {
        let response = app
            .get_as(&stranger.access_token, "/api/v1/events/role-hack/roles")
            .await;
        assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    }
    assert_eq!(
        app.get("/api/v1/events/role-hack/roles").await.status(),
        401
    );
}

async fn roles_are_revoked_under_the_same_rules(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "revoke-hack", json!({})).await;
    let olivia = app.register("olivia@vendor.example", "Vendor").await;
    let eve = app.register("eve@vendor.example", "Vendor").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    assert_eq!(
        grant(&app, &organizer, "revoke-hack", &olivia.id, "organizer")
            .await
            .status(),
        201
    );
    assert_eq!(
        grant(&app, &olivia, "revoke-hack", &eve.id, "engineer")
            .await
            .status(),
        201
    );
    assert_eq!(register_for(&app, &alice, "revoke-hack", None).await, 201);
    let revoke = |who: &Account, user_id: &str, role: &str| {
        let path = format!("/api/v1/events/revoke-hack/roles/{user_id}/{role}");
        let token = who.access_token.clone();
        let app = &app;
        async move {
            app.send(Method::DELETE, Some(&token), &path, &json!({}))
                .await
        }
    };
    // Participants revoke nothing; event organizers only author and engineer; nobody their own.
    let refused = [
        (&alice, &eve.id, "engineer", 403, "forbidden"),
        (&alice, &alice.id, "participant", 403, "forbidden"),
        (&eve, &eve.id, "engineer", 403, "forbidden"),
        (&olivia, &alice.id, "participant", 403, "forbidden"),
        (&olivia, &olivia.id, "organizer", 403, "forbidden"),
        (&olivia, &eve.id, "wizard", 400, "invalid_role"),
        (&olivia, &eve.id, "author", 404, "not_found"),
    ];
    for (who, user_id, role, status, code) in refused {
        let response = revoke(who, user_id, role).await;
        assert_eq!(
            refusal(response).await,
            (status, code.to_owned()),
            "{} revokes {role} of {user_id}",
            who.email
        );
    }
    assert_eq!(
        event_as(&app, &eve, "revoke-hack").await["me"]["roles"],
        json!(["engineer"])
    );
    assert_eq!(
        event_as(&app, &alice, "revoke-hack").await["me"]["roles"],
        json!(["participant"])
    );

    assert_eq!(revoke(&olivia, &eve.id, "engineer").await.status(), 204);
    assert_eq!(
        event_as(&app, &eve, "revoke-hack").await["me"]["roles"],
        json!([])
    );
    assert_eq!(revoke(&olivia, &eve.id, "engineer").await.status(), 404);
    // The portal organizer may revoke a participant who has no team yet.
    assert_eq!(
        revoke(&organizer, &alice.id, "participant").await.status(),
        204
    );
    assert_eq!(
        event_as(&app, &alice, "revoke-hack").await["me"]["roles"],
        json!([])
    );
}

async fn organizers_of_one_event_cannot_act_on_another(app: TestApp) {
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "event-x", json!({})).await;
    create_event(
        &app,
        &organizer,
        "event-y",
        json!({"registration": "invite", "invite_code": "y-secret-code"}),
    )
    .await;
    let olivia = app.register("olivia@vendor.example", "Vendor").await;
    let eve = app.register("eve@vendor.example", "Vendor").await;
    assert_eq!(
        grant(&app, &organizer, "event-x", &olivia.id, "organizer")
            .await
            .status(),
        201
    );

    // Olivia organizes X…
    let x = event_as(&app, &olivia, "event-x").await;
    assert_eq!(x["me"]["is_organizer"], true);
    // …and is a stranger to Y: no code, no edits, no roles, no role list.
    let y = event_as(&app, &olivia, "event-y").await;
    assert!(y.get("invite_code").is_none(), "{y}");
    assert_eq!(y["me"]["is_organizer"], false);
    let response = app
        .send(
            Method::PATCH,
            olivia.token(),
            "/api/v1/events/event-y",
            &json!({"registration": "open"}),
        )
        .await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = grant(&app, &olivia, "event-y", &eve.id, "engineer").await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));
    let response = app
        .get_as(&olivia.access_token, "/api/v1/events/event-y/roles")
        .await;
    assert_eq!(refusal(response).await, (403, "forbidden".to_owned()));

    let y = event_as(&app, &organizer, "event-y").await;
    assert_eq!(y["registration"], "invite", "unchanged");
    assert_eq!(y["invite_code"], "y-secret-code");
    assert_eq!(
        event_as(&app, &eve, "event-y").await["me"]["roles"],
        json!([])
    );
}

async fn openapi_lists_event_and_team_endpoints(app: TestApp) {
    let doc = body(app.get("/api/openapi.json").await).await;
    let expected = [
        ("/api/v1/events", "post"),
        ("/api/v1/events", "get"),
        ("/api/v1/events/{slug}", "get"),
        ("/api/v1/events/{slug}", "patch"),
        ("/api/v1/events/{slug}/registrations", "post"),
        ("/api/v1/events/{slug}/roles", "post"),
        ("/api/v1/events/{slug}/roles", "get"),
        ("/api/v1/events/{slug}/roles/{user_id}/{role}", "delete"),
        ("/api/v1/events/{slug}/teams", "post"),
        ("/api/v1/events/{slug}/teams", "get"),
        ("/api/v1/teams/{id}", "get"),
        ("/api/v1/teams/{id}/members", "post"),
        ("/api/v1/teams/{id}/coaches", "post"),
        ("/api/v1/teams/{id}/coaches/{user_id}", "delete"),
    ];
    for (path, method) in expected {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
}
