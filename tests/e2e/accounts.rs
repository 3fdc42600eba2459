//! Accounts after sign-up: one-time password reset links, personal API tokens, organizations picked at sign-up.
//!
//! Through the JSON API, the pages (with [`PlainBrowser`]) and the `cohack` binary, on both
//! backends where a server is enough: a reset link works once and briefly and ends every
//! session of the account (an access token, its refresh token, a browser's cookie and a
//! personal token); a personal token acts as its user and never beyond, and stops once
//! revoked; sign-up matches an existing organization whatever the case, and by a mapped
//! e-mail domain. The CLI tests print a reset link that works and publish a challenge with a
//! personal token.

use chrono::TimeDelta;
use cohack_server::{
    db::{
        now,
        schema::{password_resets, personal_tokens},
    },
    models::user::User,
};
use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{expect, publish, running_event, team, upload},
    harness::{Account, Backend, PASSWORD, TestApp, built_challenges, repo_root, run_cohack},
    plain_browser::PlainBrowser,
};

backend_tests!(
    a_reset_link_works_once_and_ends_every_session,
    reset_links_expire_and_a_newer_one_replaces_the_older,
    only_portal_organizers_issue_reset_links,
    personal_tokens_act_as_their_user_until_revoked,
    a_personal_token_never_grants_more_than_its_users_rights,
    personal_token_requests_are_checked,
    sign_up_matches_an_existing_organization_whatever_the_case,
    a_mapped_email_domain_picks_the_organization,
);

const NEW_PASSWORD: &str = "a brand new passphrase";

/// The `token` of a reset link's URL or path.
fn token_of(link: &str) -> String {
    link.split_once("token=")
        .map(|(_, token)| token.trim().to_owned())
        .expect("a link with ?token=")
}

/// Issues a reset link for `user_id` as `organizer`, asserting 201.
async fn issue_reset(app: &TestApp, organizer: &Account, user_id: &str) -> Value {
    expect(
        app.post(
            organizer.token(),
            &format!("/api/v1/users/{user_id}/password-reset"),
            &Value::Null,
        )
        .await,
        201,
    )
    .await
}

async fn use_reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        None,
        "/api/v1/auth/password-reset/confirm",
        &json!({"token": token, "password": password}),
    )
    .await
}

async fn error_code(response: reqwest::Response, status: u16) -> String {
    let body = expect(response, status).await;
    body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.post(
        None,
        "/api/v1/auth/login",
        &json!({"email": email, "password": password}),
    )
    .await
    .status()
    .as_u16()
}

/// Makes a personal token for `account`; returns (id, secret).
async fn make_token(app: &TestApp, token: Option<&str>, name: &str) -> (String, String) {
    let body = expect(
        app.post(token, "/api/v1/tokens", &json!({"name": name}))
            .await,
        201,
    )
    .await;
    (
        body["token"]["id"].as_str().expect("id").to_owned(),
        body["secret"].as_str().expect("secret").to_owned(),
    )
}

async fn a_reset_link_works_once_and_ends_every_session(app: TestApp) {
    let organizer = app.portal_organizer("root@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    // Everything Alice has open: an API log-in (access and refresh token), a browser signed
    // in, and a personal token.
    let mut browser = PlainBrowser::sign_in(&app, &alice.email).await;
    assert_eq!(browser.get("/account/tokens").await.status(), 200);
    let (_, personal) = make_token(&app, alice.token(), "laptop").await;
    assert_eq!(app.get_as(&personal, "/api/v1/me").await.status(), 200);

    let link = issue_reset(&app, &organizer, &alice.id).await;
    let url = link["url"].as_str().expect("url");
    assert!(url.starts_with(&app.address), "{url}");
    assert!(
        url.ends_with(link["path"].as_str().expect("path")),
        "{link}"
    );
    assert!(
        link["path"]
            .as_str()
            .expect("present")
            .starts_with("/reset-password?token=")
    );
    let token = token_of(url);

    // The page the link opens names the account; a weak password is refused and the link
    // still works.
    let mut stranger = PlainBrowser::new(&app);
    let page = stranger.page(link["path"].as_str().expect("present")).await;
    assert!(page.contains("alice@acme.example"), "{page}");
    assert_eq!(
        error_code(use_reset(&app, &token, "short").await, 400).await,
        "weak_password"
    );
    assert_eq!(use_reset(&app, &token, NEW_PASSWORD).await.status(), 204);

    // Every session ended.
    assert_eq!(
        app.get_as(&alice.access_token, "/api/v1/me").await.status(),
        401
    );
    let refreshed = app
        .post(
            None,
            "/api/v1/auth/refresh",
            &json!({"refresh_token": alice.refresh_token}),
        )
        .await;
    assert_eq!(refreshed.status(), 401);
    assert_eq!(app.get_as(&personal, "/api/v1/me").await.status(), 401);
    let signed_out = browser.get("/account/tokens").await;
    assert_ne!(
        signed_out.status(),
        200,
        "the browser's cookie no longer signs in"
    );
    let home = browser.page("/").await;
    assert!(!home.contains("/signout"), "the browser is signed out");

    // The link worked once.
    assert_eq!(
        error_code(use_reset(&app, &token, "yet another passphrase").await, 409).await,
        "reset_link_used"
    );
    let again = stranger.get(link["path"].as_str().expect("present")).await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.expect("body").contains("used already"));
    assert_eq!(login_status(&app, &alice.email, PASSWORD).await, 401);
    assert_eq!(login_status(&app, &alice.email, NEW_PASSWORD).await, 200);

    // An unknown link is a clear page, not an error of the server.
    let unknown = stranger.get("/reset-password?token=nonsense").await;
    assert_eq!(unknown.status(), 404);
    assert!(
        unknown
            .text()
            .await
            .expect("body")
            .contains("does not work")
    );
    let bare = stranger.get("/reset-password").await;
    assert_eq!(bare.status(), 404);
    assert_eq!(
        use_reset(&app, "nonsense", NEW_PASSWORD).await.status(),
        404
    );
}

async fn reset_links_expire_and_a_newer_one_replaces_the_older(app: TestApp) {
    let organizer = app.portal_organizer("root@vendor.example").await;
    let bob = app.register("bob@acme.example", "Acme").await;

    let first = token_of(
        issue_reset(&app, &organizer, &bob.id).await["url"]
            .as_str()
            .expect("present"),
    );
    let second = token_of(
        issue_reset(&app, &organizer, &bob.id).await["url"]
            .as_str()
            .expect("present"),
    );
    assert_eq!(
        use_reset(&app, &first, NEW_PASSWORD).await.status(),
        404,
        "replaced"
    );

    // The second link's half hour passes.
    let user_id = bob.id.clone();
    app.state
        .db
        .write(move |conn| {
            diesel::update(password_resets::table)
                .filter(password_resets::user_id.eq(&user_id))
                .set(password_resets::expires_at.eq(now() - TimeDelta::minutes(1)))
                .execute(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("expired");
    assert_eq!(
        error_code(use_reset(&app, &second, NEW_PASSWORD).await, 409).await,
        "reset_link_expired"
    );
    let mut browser = PlainBrowser::new(&app);
    let page = browser
        .get(&format!("/reset-password?token={second}"))
        .await;
    assert_eq!(page.status(), 409);
    assert!(page.text().await.expect("body").contains("expired"));
    // Bob's password and sessions are untouched.
    assert_eq!(
        app.get_as(&bob.access_token, "/api/v1/me").await.status(),
        200
    );
    assert_eq!(login_status(&app, &bob.email, PASSWORD).await, 200);
}

async fn only_portal_organizers_issue_reset_links(app: TestApp) {
    let organizer = app.portal_organizer("root@vendor.example").await;
    let mallory = app.register("mallory@rival.example", "Rival").await;
    let victim = app.register("victim@acme.example", "Acme").await;
    let response = app
        .post(
            mallory.token(),
            &format!("/api/v1/users/{}/password-reset", victim.id),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = app
        .post(
            None,
            &format!("/api/v1/users/{}/password-reset", victim.id),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 401);
    // Nor through the page, nor by a personal token of a non-organizer.
    let (_, personal) = make_token(&app, mallory.token(), "script").await;
    let response = app
        .post(
            Some(&personal),
            &format!("/api/v1/users/{}/password-reset", victim.id),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 403);
    let mut browser = PlainBrowser::sign_in(&app, &mallory.email).await;
    assert_eq!(browser.get("/people").await.status(), 403);
    let refused = browser
        .submit("/people/password-reset", &[("email", &victim.email)])
        .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(login_status(&app, &victim.email, PASSWORD).await, 200);
    // An unknown account is a 404.
    let response = app
        .post(
            organizer.token(),
            "/api/v1/users/no-such-user/password-reset",
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 404);
    // The organizer's page issues one for an e-mail.
    let mut organizer_browser = PlainBrowser::sign_in(&app, &organizer.email).await;
    organizer_browser.page("/people").await;
    let issued = organizer_browser
        .submit(
            "/people/password-reset",
            &[("email", "VICTIM@acme.example")],
        )
        .await;
    assert_eq!(issued.status(), 201);
    let html = issued.text().await.expect("body");
    let link = html
        .split("data-reset-link")
        .next()
        .and_then(|before| before.rsplit("value=\"").next())
        .expect("the link in the page")
        .trim_end_matches(['"', ' '])
        .to_owned();
    assert!(link.starts_with(&app.address), "{link}");
    assert_eq!(
        use_reset(&app, &token_of(&link), NEW_PASSWORD)
            .await
            .status(),
        204
    );
    assert_eq!(login_status(&app, &victim.email, NEW_PASSWORD).await, 200);
}

async fn personal_tokens_act_as_their_user_until_revoked(app: TestApp) {
    let carol = app.register("carol@acme.example", "Acme").await;
    let created = expect(
        app.post(
            carol.token(),
            "/api/v1/tokens",
            &json!({"name": "  ci publish ", "expires_in_days": 30.0}),
        )
        .await,
        201,
    )
    .await;
    let secret = created["secret"].as_str().expect("secret").to_owned();
    let id = created["token"]["id"].as_str().expect("id").to_owned();
    assert!(secret.starts_with("cohack_pat_"), "{secret}");
    assert_eq!(created["token"]["name"], "ci publish");
    assert!(created["token"]["expires_at"].is_string());
    assert!(created["token"]["last_used_at"].is_null());

    let me = expect(app.get_as(&secret, "/api/v1/me").await, 200).await;
    assert_eq!(me["id"], carol.id.as_str());
    let listed = expect(app.get_as(&carol.access_token, "/api/v1/tokens").await, 200).await;
    let listed = listed.as_array().expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[0]["last_used_at"].is_string(), "use is recorded");
    assert!(
        !listed[0].to_string().contains(&secret[11..]),
        "the secret is never listed"
    );
    // Stored hashed.
    let stored: Vec<String> = app
        .state
        .db
        .run(|conn| {
            personal_tokens::table
                .select(personal_tokens::token_hash)
                .load::<String>(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("rows");
    assert!(stored.iter().all(|hash| !hash.contains(&secret[11..])));

    // Someone else cannot revoke it (nor learn it exists).
    let dave = app.register("dave@rival.example", "Rival").await;
    let response = app
        .send(
            Method::DELETE,
            dave.token(),
            &format!("/api/v1/tokens/{id}"),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 404);
    assert!(
        expect(app.get_as(&dave.access_token, "/api/v1/tokens").await, 200)
            .await
            .as_array()
            .expect("list")
            .is_empty()
    );
    assert_eq!(app.get_as(&secret, "/api/v1/me").await.status(), 200);

    // Revoked by its owner (here through the token itself), it stops at once.
    let response = app
        .send(
            Method::DELETE,
            Some(&secret),
            &format!("/api/v1/tokens/{id}"),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 204);
    let refused = expect(app.get_as(&secret, "/api/v1/me").await, 401).await;
    assert!(refused.to_string().contains("revoked"), "{refused}");
    assert!(
        expect(app.get_as(&carol.access_token, "/api/v1/tokens").await, 200)
            .await
            .as_array()
            .expect("list")
            .is_empty()
    );
    let again = app
        .send(
            Method::DELETE,
            carol.token(),
            &format!("/api/v1/tokens/{id}"),
            &Value::Null,
        )
        .await;
    assert_eq!(again.status(), 404);
    // Carol's own log-in is untouched.
    assert_eq!(
        app.get_as(&carol.access_token, "/api/v1/me").await.status(),
        200
    );

    // An expired token is refused.
    let (expiring, secret) = make_token(&app, carol.token(), "short-lived").await;
    app.state
        .db
        .write(move |conn| {
            diesel::update(personal_tokens::table)
                .filter(personal_tokens::id.eq(&expiring))
                .set(personal_tokens::expires_at.eq(Some(now() - TimeDelta::seconds(1))))
                .execute(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("expired");
    let refused = expect(app.get_as(&secret, "/api/v1/me").await, 401).await;
    assert!(refused.to_string().contains("expired"), "{refused}");
    // A made-up one too.
    let made_up = format!("cohack_pat_{}", "A".repeat(43));
    assert_eq!(app.get_as(&made_up, "/api/v1/me").await.status(), 401);
}

async fn a_personal_token_never_grants_more_than_its_users_rights(app: TestApp) {
    let event = running_event(&app, "rights").await;
    let (erin, erin_team) = team(&app, &event, "erin").await;
    let (_, other_team) = team(&app, &event, "frank").await;
    let (_, erin_token) = make_token(&app, erin.token(), "erin's script").await;

    // Her own team: yes. Another team, publishing, the portal's organizations, a reset
    // link: what she cannot do herself.
    assert_eq!(
        app.get_as(&erin_token, &format!("/api/v1/teams/{erin_team}"))
            .await
            .status(),
        200
    );
    let other = app
        .get_as(&erin_token, &format!("/api/v1/teams/{other_team}"))
        .await
        .status();
    assert!(other == 403 || other == 404, "another team: {other}");
    let published = publish(
        &app,
        &erin_token,
        &event.slug,
        &upload("01-first-contact"),
        "",
    )
    .await;
    assert_eq!(published.status(), 403);
    assert_eq!(
        app.get_as(&erin_token, "/api/v1/organizations")
            .await
            .status(),
        403
    );
    let reset = app
        .post(
            Some(&erin_token),
            &format!("/api/v1/users/{}/password-reset", event.organizer.id),
            &Value::Null,
        )
        .await;
    assert_eq!(reset.status(), 403);

    // The organizer's token carries the organizer's rights.
    let (_, organizer_token) = make_token(&app, event.organizer.token(), "publish").await;
    assert_eq!(
        app.get_as(&organizer_token, "/api/v1/organizations")
            .await
            .status(),
        200
    );
    let published = publish(
        &app,
        &organizer_token,
        &event.slug,
        &upload("01-first-contact"),
        "",
    )
    .await;
    assert_eq!(published.status(), 201);
}

async fn personal_token_requests_are_checked(app: TestApp) {
    let gina = app.register("gina@acme.example", "Acme").await;
    for (body, status, code) in [
        (json!({"name": "   "}), 400, "invalid_token_name"),
        (json!({"name": "x".repeat(81)}), 400, "invalid_token_name"),
        (
            json!({"name": "ok", "expires_in_days": 0}),
            422,
            "invalid_expiry",
        ),
        (
            json!({"name": "ok", "expires_in_days": 367}),
            422,
            "invalid_expiry",
        ),
        (json!({"name": "ok", "scopes": []}), 400, "invalid_json"),
    ] {
        let response = app.post(gina.token(), "/api/v1/tokens", &body).await;
        assert_eq!(error_code(response, status).await, code, "{body}");
    }
    assert_eq!(
        app.post(None, "/api/v1/tokens", &json!({"name": "x"}))
            .await
            .status(),
        401
    );
    let never = expect(
        app.post(
            gina.token(),
            "/api/v1/tokens",
            &json!({"name": "forever", "expires_in_days": null}),
        )
        .await,
        201,
    )
    .await;
    assert!(never["token"]["expires_at"].is_null());
}

/// The organization id `email` belongs to.
async fn organization_of(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.state
        .db
        .run(move |conn| User::find_by_email(conn, &email))
        .await
        .expect("user")
        .expect("exists")
        .organization_id
}

async fn sign_up_matches_an_existing_organization_whatever_the_case(app: TestApp) {
    let organizer = app.portal_organizer("root@vendor.example").await;
    let first = app.register("ann@first.example", "Acme Foods").await;
    let second = app.register("ben@second.example", "  acme   FOODS ").await;
    assert_eq!(second.organization_id, first.organization_id);

    // The sign-up page offers the existing ones, and its form matches the same way.
    let mut browser = PlainBrowser::new(&app);
    let page = browser.page("/signup").await;
    assert!(page.contains("<datalist id=\"organizations\""), "{page}");
    assert!(page.contains("<option value=\"Acme Foods\">"), "{page}");
    let response = browser
        .submit(
            "/signup",
            &[
                ("email", "cid@third.example"),
                ("display_name", "Cid"),
                ("organization", "ACME foods"),
                ("password", PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        organization_of(&app, "cid@third.example").await,
        first.organization_id
    );

    // A rename may not make two names that differ only in case.
    let vendor = organization_of(&app, &organizer.email).await;
    let response = app
        .send(
            Method::PATCH,
            organizer.token(),
            &format!("/api/v1/organizations/{vendor}"),
            &json!({"name": "ACME FOODS"}),
        )
        .await;
    assert_eq!(error_code(response, 409).await, "organization_name_taken");
    let all = expect(
        app.get_as(&organizer.access_token, "/api/v1/organizations")
            .await,
        200,
    )
    .await;
    let acme = all
        .as_array()
        .expect("list")
        .iter()
        .find(|o| o["name"] == "Acme Foods")
        .expect("Acme Foods listed")
        .clone();
    assert_eq!(acme["members"], 3);
}

async fn a_mapped_email_domain_picks_the_organization(app: TestApp) {
    let organizer = app.portal_organizer("root@vendor.example").await;
    let acme = app.register("ann@acme.example", "Acme Foods").await;
    let rival = app.register("rob@rival.example", "Rival").await;
    let domains = |org: &str| format!("/api/v1/organizations/{org}/domains");

    // Portal organizers only; the domain's form is checked; a domain has one organization.
    let response = app
        .post(
            rival.token(),
            &domains(&rival.organization_id),
            &json!({"domain": "rival.example"}),
        )
        .await;
    assert_eq!(response.status(), 403);
    let mapped = expect(
        app.post(
            organizer.token(),
            &domains(&acme.organization_id),
            &json!({"domain": "Acme.COM"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mapped["domains"], json!(["acme.com"]));
    let again = expect(
        app.post(
            organizer.token(),
            &domains(&acme.organization_id),
            &json!({"domain": "acme.com"}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        again["domains"],
        json!(["acme.com"]),
        "mapping again is a no-op"
    );
    let taken = app
        .post(
            organizer.token(),
            &domains(&rival.organization_id),
            &json!({"domain": "acme.com"}),
        )
        .await;
    assert_eq!(error_code(taken, 409).await, "domain_taken");
    let invalid = app
        .post(
            organizer.token(),
            &domains(&acme.organization_id),
            &json!({"domain": "not a domain"}),
        )
        .await;
    assert_eq!(error_code(invalid, 400).await, "invalid_domain");
    let unknown = app
        .post(
            organizer.token(),
            &domains("no-such-org"),
            &json!({"domain": "x.example"}),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    // A sign-up at the domain joins Acme Foods, whatever it typed.
    let dan = app.register("dan@ACME.com", "Dan's own company").await;
    assert_eq!(dan.organization_id, acme.organization_id);

    // Listed, moved by a merge, unmapped.
    let delta = app.register("eve@delta.example", "Delta").await;
    expect(
        app.post(
            organizer.token(),
            &domains(&delta.organization_id),
            &json!({"domain": "delta.example"}),
        )
        .await,
        200,
    )
    .await;
    let merged = expect(
        app.post(
            organizer.token(),
            &format!("/api/v1/organizations/{}/merge", delta.organization_id),
            &json!({"into": acme.organization_id}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        merged["organization"]["domains"],
        json!(["acme.com", "delta.example"])
    );
    let fay = app.register("fay@delta.example", "Delta").await;
    assert_eq!(fay.organization_id, acme.organization_id);
    let remove = |domain: &str| {
        format!(
            "/api/v1/organizations/{}/domains/{domain}",
            acme.organization_id
        )
    };
    assert_eq!(
        app.send(
            Method::DELETE,
            organizer.token(),
            &remove("acme.com"),
            &Value::Null
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        app.send(
            Method::DELETE,
            organizer.token(),
            &remove("acme.com"),
            &Value::Null
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.send(
            Method::DELETE,
            rival.token(),
            &remove("delta.example"),
            &Value::Null
        )
        .await
        .status(),
        403
    );
    let gus = app.register("gus@acme.com", "Gus Ltd").await;
    assert_ne!(gus.organization_id, acme.organization_id);
    let listed = expect(
        app.get_as(&organizer.access_token, "/api/v1/organizations")
            .await,
        200,
    )
    .await;
    let acme_row = listed
        .as_array()
        .expect("list")
        .iter()
        .find(|o| o["id"] == acme.organization_id.as_str())
        .expect("listed")
        .clone();
    assert_eq!(acme_row["domains"], json!(["delta.example"]));
}

// ---------------------------------------------------------------------------------------
// The `cohack` binary.

/// `cohack admin reset-password` prints a link that works, once; without `--base-url` it
/// prints the path; an unknown e-mail fails in one line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_reset_password_prints_a_working_link() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let hana = app.register("hana@acme.example", "Acme").await;
    let database_url = app.state.config.database_url.clone();
    let address = app.address.clone();
    let run = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().expect("dir");
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_cohack(dir.path(), &args, &[])
        })
    };
    let command = |email: &str, base: Option<&str>| {
        let mut args = vec![
            "admin".to_owned(),
            "reset-password".to_owned(),
            "--email".to_owned(),
            email.to_owned(),
            "--database-url".to_owned(),
            database_url.clone(),
        ];
        if let Some(base) = base {
            args.extend(["--base-url".to_owned(), base.to_owned()]);
        }
        args
    };

    let out = run(command("HANA@acme.example", Some(&address)))
        .await
        .expect("ran");
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with(&format!("{address}/reset-password?token=")),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().count(),
        1,
        "only the link on stdout: {stdout}"
    );
    let mut browser = PlainBrowser::new(&app);
    let page = browser.get(stdout.trim_start_matches(&address)).await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("hana@acme.example")
    );
    assert_eq!(
        use_reset(&app, &token_of(&stdout), NEW_PASSWORD)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.get_as(&hana.access_token, "/api/v1/me").await.status(),
        401
    );
    assert_eq!(login_status(&app, &hana.email, NEW_PASSWORD).await, 200);
    assert_eq!(
        use_reset(&app, &token_of(&stdout), PASSWORD).await.status(),
        409
    );

    let out = run(command("hana@acme.example", None)).await.expect("ran");
    let stdout = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(out.status.success());
    assert!(stdout.starts_with("/reset-password?token="), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--base-url"));

    let out = run(command("nobody@acme.example", None))
        .await
        .expect("ran");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no account has the email"), "{stderr}");
}

/// `cohack challenge publish` with a personal token: the version goes live; once the token
/// is revoked the portal refuses it and the error says where to make a new one, as it does
/// when COHACK_TOKEN is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_publishes_with_a_personal_token_until_it_is_revoked() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite");
    let event = running_event(&app, "pat").await;
    built_challenges();
    let (id, secret) = make_token(&app, event.organizer.token(), "laptop").await;
    let package = repo_root().join("challenges/01-first-contact");
    let url = app.address.clone();
    let run = |token: String| {
        let (package, url) = (package.clone(), url.clone());
        tokio::task::spawn_blocking(move || {
            let dir = tempfile::tempdir().expect("dir");
            let package = package.to_string_lossy().into_owned();
            run_cohack(
                dir.path(),
                &[
                    "challenge",
                    "publish",
                    &package,
                    "--url",
                    &url,
                    "--event",
                    "pat",
                ],
                &[("COHACK_TOKEN", &token)],
            )
        })
    };
    let out = run(secret.clone()).await.expect("ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("published `first-contact` v1"), "{stdout}");

    let response = app
        .send(
            Method::DELETE,
            event.organizer.token(),
            &format!("/api/v1/tokens/{id}"),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 204);
    let out = run(secret).await.expect("ran");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refused COHACK_TOKEN"), "{stderr}");
    assert!(
        stderr.contains(&format!("{url}/account/tokens")),
        "{stderr}"
    );

    let out = run(String::new()).await.expect("ran");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("COHACK_TOKEN"), "{stderr}");
    assert!(
        stderr.contains(&format!("{url}/account/tokens")),
        "{stderr}"
    );
}
