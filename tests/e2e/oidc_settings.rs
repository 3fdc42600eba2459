//! The sign-in settings around OpenID Connect that need no provider to answer: the providers'
//! list, their buttons, and a portal whose `password_sign_in` is off.

use cohack_server::config::OidcProviderConfig;
use serde_json::json;

use crate::harness::{Backend, PASSWORD, TestApp};

fn provider(id: &str, label: &str) -> OidcProviderConfig {
    OidcProviderConfig {
        id: id.into(),
        label: label.into(),
        // Nothing listens there: listing the provider must not need it.
        issuer: "http://127.0.0.1:9/".into(),
        client_id: "cohack".into(),
        client_secret: "secret".into(),
        scopes: "openid email profile".into(),
        allowed_domains: Vec::new(),
        staff: false,
        organization_claim: String::new(),
        logout_at_provider: false,
    }
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn providers_are_listed_and_shown_as_buttons_in_order() {
    let Some(app) = TestApp::spawn_configured_for(Backend::Sqlite, |config| {
        config.public_url = "http://127.0.0.1:8080".into();
        config.oidc = vec![
            provider("vendor", "Vendor staff"),
            provider("google", "Google"),
        ];
    })
    .await
    else {
        return;
    };
    let listed: serde_json::Value = app
        .get("/api/v1/auth/providers")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        listed,
        json!([{"id": "vendor", "label": "Vendor staff"}, {"id": "google", "label": "Google"}])
    );
    for path in ["/signin?next=/events/x", "/signup?next=/events/x"] {
        let (status, body) = page(&app, path).await;
        assert_eq!(status, 200, "{path}");
        let vendor = body
            .find("id=\"oidc-vendor\" href=\"/auth/oidc/vendor?next=/events/x\"")
            .unwrap_or_else(|| panic!("no vendor button on {path}: {body}"));
        let google = body.find("id=\"oidc-google\"").expect("google button");
        assert!(vendor < google, "buttons out of the configuration's order");
        assert!(
            body.contains("type=\"password\""),
            "password form missing on {path}"
        );
    }
    // A provider that cannot be reached: a page saying so, not a 500, and no flow cookie.
    let response = app
        .client
        .get(format!("{}/auth/oidc/vendor?next=/", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("start");
    assert_eq!(response.status(), 503);
    assert!(
        response
            .headers()
            .get("set-cookie")
            .is_none_or(|c| { !c.to_str().unwrap_or_default().starts_with("cohack_oidc=") })
    );
    let body = response.text().await.expect("body");
    assert!(
        body.contains("Vendor staff cannot be reached right now"),
        "{body}"
    );
    assert!(body.contains("Sign in another way"), "{body}");
    // Where it was looked for, and the system's error, are logged, not shown.
    assert!(
        !body.contains("127.0.0.1:9") && !body.contains("os error"),
        "{body}"
    );
    // An unknown provider is a 404 page.
    let (status, _) = page(&app, "/auth/oidc/nobody").await;
    assert_eq!(status, 404);
    // Without providers the list is empty and no button shows.
    let Some(plain) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let listed: serde_json::Value = plain
        .get("/api/v1/auth/providers")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed, json!([]));
    let (_, body) = page(&plain, "/signin").await;
    assert!(!body.contains("/auth/oidc/"), "{body}");
}

#[tokio::test]
async fn with_password_sign_in_off_only_organizers_recover_with_a_password() {
    let Some(app) = TestApp::spawn_configured_for(Backend::Sqlite, |config| {
        config.public_url = "http://127.0.0.1:8080".into();
        config.oidc = vec![provider("vendor", "Vendor staff")];
        config.password_sign_in = false;
    })
    .await
    else {
        return;
    };
    let refused = app
        .post(
            None,
            "/api/v1/auth/register",
            &json!({
                "email": "mallory@example.com",
                "password": PASSWORD,
                "display_name": "Mallory",
                "organization": "Example",
            }),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let body: serde_json::Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "password_sign_in_off");

    // The command line's organizer still signs in with the password it was given.
    let organizer = app.portal_organizer("root@vendor.example").await;
    assert!(organizer.token().is_some());

    let (status, body) = page(&app, "/signin").await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"oidc-vendor\""), "{body}");
    assert!(body.contains("Portal organizer recovery"), "{body}");
    let (status, body) = page(&app, "/signup").await;
    assert_eq!(status, 200);
    assert!(
        !body.contains("type=\"password\""),
        "a password field on /signup: {body}"
    );
    assert!(body.contains("your first sign-in creates yours"), "{body}");
}
