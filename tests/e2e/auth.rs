//! Accounts and tokens, as users use them and as attackers try them.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    harness::{PASSWORD, TestApp},
};

backend_tests!(
    register_login_and_me,
    bad_registrations_are_refused,
    wrong_credentials_get_one_answer,
    forged_expired_and_foreign_tokens_are_refused,
    refresh_rotates_and_reuse_revokes_the_family,
    logout_ends_the_session,
    login_brute_force_is_throttled,
    malformed_and_oversized_bodies_are_refused,
    sign_ups_naming_the_same_new_organization_at_once_all_succeed,
);

async fn register_login_and_me(app: TestApp) {
    let alice = app.register("Alice@Acme.example", "Acme").await;
    assert_eq!(alice.email, "alice@acme.example");
    let me = app.get_as(&alice.access_token, "/api/v1/me").await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("json");
    assert_eq!(me["id"], alice.id.as_str());
    assert_eq!(me["organization"]["name"], "Acme");
    assert_eq!(me["is_portal_organizer"], false);
    assert!(me.get("password_hash").is_none());

    // Same organization name: same organization.
    let bob = app.register("bob@acme.example", "Acme").await;
    assert_eq!(bob.organization_id, alice.organization_id);
    let again = app.login("alice@acme.example").await;
    assert_ne!(again.access_token, alice.access_token);
    assert_eq!(app.get("/api/v1/me").await.status(), 401, "no token, no me");

    let organizer = app.portal_organizer("org@vendor.example").await;
    let me: Value = app
        .get_as(&organizer.access_token, "/api/v1/me")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["is_portal_organizer"], true);
}

async fn bad_registrations_are_refused(app: TestApp) {
    app.register("taken@acme.example", "Acme").await;
    let cases = [
        (
            json!({"email": "taken@acme.example", "password": PASSWORD, "display_name": "T", "organization": "Acme"}),
            409,
            "email_taken",
        ),
        (
            json!({"email": "TAKEN@acme.example", "password": PASSWORD, "display_name": "T", "organization": "Acme"}),
            409,
            "email_taken",
        ),
        (
            json!({"email": "new@acme.example", "password": "short", "display_name": "N", "organization": "Acme"}),
            400,
            "weak_password",
        ),
        (
            json!({"email": "not-an-email", "password": PASSWORD, "display_name": "N", "organization": "Acme"}),
            400,
            "invalid_email",
        ),
        (
            json!({"email": "n2@acme.example", "password": PASSWORD, "display_name": "", "organization": "Acme"}),
            400,
            "invalid_display_name",
        ),
        (
            json!({"email": "n3@acme.example", "password": PASSWORD, "display_name": "N", "organization": " "}),
            400,
            "invalid_organization",
        ),
        (
            json!({"email": "n4@acme.example", "password": PASSWORD, "display_name": "N"}),
            400,
            "invalid_json",
        ),
        (
            json!({"email": "n5@acme.example", "password": PASSWORD, "display_name": "N", "organization": "A", "is_portal_organizer": true}),
            400,
            "invalid_json",
        ),
    ];
    for (body, status, code) in cases {
        let response = app.post(None, "/api/v1/auth/register", &body).await;
        assert_eq!(response.status(), status, "{body}");
        let error: Value = response.json().await.expect("json");
        assert_eq!(error["error"]["code"], code, "{body}");
    }
}

async fn wrong_credentials_get_one_answer(app: TestApp) {
    app.register("carol@acme.example", "Acme").await;
    let wrong_password = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"email": "carol@acme.example", "password": "wrong password!"}),
        )
        .await;
    let unknown = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"email": "nobody@acme.example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown.status(), 401);
    let a: Value = wrong_password.json().await.expect("json");
    let b: Value = unknown.json().await.expect("json");
    assert_eq!(a, b, "an unknown email and a wrong password look the same");
}

async fn stored_secret(app: &TestApp) -> Vec<u8> {
    use cohack_server::db::schema::settings;
    let hex_secret: String = app
        .state
        .db
        .run(|conn| {
            settings::table
                .find("jwt_secret")
                .select(settings::value)
                .first::<String>(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("secret stored");
    hex::decode(hex_secret).expect("hex")
}

async fn forged_expired_and_foreign_tokens_are_refused(app: TestApp) {
    let dave = app.register("dave@acme.example", "Acme").await;
    let secret = stored_secret(&app).await;
    let sid = {
        let payload = dave.access_token.split('.').nth(1).expect("payload");
        let claims: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("b64")).expect("json");
        claims["sid"].as_str().expect("sid").to_owned()
    };
    let now = chrono::Utc::now().timestamp();
    let claims = |iss: &str, aud: &str, exp: i64| json!({"iss": iss, "aud": aud, "sub": dave.id, "sid": sid, "iat": now, "exp": exp});
    let sign = |alg: Algorithm, key: &[u8], claims: &Value| {
        jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(key))
            .expect("sign")
    };
    // The genuine article works, so the refusals below are about what was changed.
    let genuine = sign(
        Algorithm::HS256,
        &secret,
        &claims("cohack", "cohack-api", now + 60),
    );
    assert_eq!(app.get_as(&genuine, "/api/v1/me").await.status(), 200);

    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims("cohack", "cohack-api", now + 60).to_string())
    );
    let forged = [
        (
            "expired",
            sign(
                Algorithm::HS256,
                &secret,
                &claims("cohack", "cohack-api", now - 120),
            ),
        ),
        (
            "wrong algorithm",
            sign(
                Algorithm::HS512,
                &secret,
                &claims("cohack", "cohack-api", now + 60),
            ),
        ),
        ("alg none", alg_none),
        (
            "wrong audience",
            sign(
                Algorithm::HS256,
                &secret,
                &claims("cohack", "other-api", now + 60),
            ),
        ),
        (
            "wrong issuer",
            sign(
                Algorithm::HS256,
                &secret,
                &claims("evil", "cohack-api", now + 60),
            ),
        ),
        (
            "foreign key",
            sign(
                Algorithm::HS256,
                b"an attacker's own secret, 32 bytes+",
                &claims("cohack", "cohack-api", now + 60),
            ),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in forged {
        let response = app.get_as(&token, "/api/v1/me").await;
        assert_eq!(response.status(), 401, "{what}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "unauthorized", "{what}");
    }
}

async fn refresh_rotates_and_reuse_revokes_the_family(app: TestApp) {
    let erin = app.register("erin@acme.example", "Acme").await;
    let first = app
        .post(
            None,
            "/api/v1/auth/refresh",
            &json!({"refresh_token": erin.refresh_token}),
        )
        .await;
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.expect("json");
    let next_refresh = first["refresh_token"].as_str().expect("refresh").to_owned();
    let next_access = first["access_token"].as_str().expect("access").to_owned();
    assert_ne!(next_refresh, erin.refresh_token);
    assert_eq!(app.get_as(&next_access, "/api/v1/me").await.status(), 200);

    // The old token again: a thief or a replay. The whole family dies.
    let reuse = app
        .post(
            None,
            "/api/v1/auth/refresh",
            &json!({"refresh_token": erin.refresh_token}),
        )
        .await;
    assert_eq!(reuse.status(), 401);
    let after = app
        .post(
            None,
            "/api/v1/auth/refresh",
            &json!({"refresh_token": next_refresh}),
        )
        .await;
    assert_eq!(after.status(), 401, "the rotated successor is revoked too");
    assert_eq!(app.get_as(&next_access, "/api/v1/me").await.status(), 401);
    assert_eq!(
        app.get_as(&erin.access_token, "/api/v1/me").await.status(),
        401
    );

    // Another session of the same user is unaffected.
    let other = app.login("erin@acme.example").await;
    assert_eq!(
        app.get_as(&other.access_token, "/api/v1/me").await.status(),
        200
    );
    let unknown = app
        .post(
            None,
            "/api/v1/auth/refresh",
            &json!({"refresh_token": "made-up"}),
        )
        .await;
    assert_eq!(unknown.status(), 401);
}

async fn logout_ends_the_session(app: TestApp) {
    let frank = app.register("frank@acme.example", "Acme").await;
    let out = app
        .post(frank.token(), "/api/v1/auth/logout", &json!({}))
        .await;
    assert_eq!(out.status(), 204);
    assert_eq!(
        app.get_as(&frank.access_token, "/api/v1/me").await.status(),
        401
    );
    let refresh = app
        .post(
            None,
            "/api/v1/auth/refresh",
            &json!({"refresh_token": frank.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status(), 401);
    assert_eq!(
        app.post(None, "/api/v1/auth/logout", &json!({}))
            .await
            .status(),
        401
    );
}

async fn login_brute_force_is_throttled(app: TestApp) {
    app.register("grace@acme.example", "Acme").await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let response = app
            .post(
                None,
                "/api/v1/auth/login",
                &json!({"email": "grace@acme.example", "password": "guess guess guess"}),
            )
            .await;
        if response.status() == 429 {
            let retry: u64 = response.headers()["retry-after"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("seconds");
            assert!((1..=61).contains(&retry));
            let body: Value = response.json().await.expect("json");
            assert_eq!(body["error"]["code"], "rate_limited");
            statuses.push(429);
        } else {
            statuses.push(response.status().as_u16());
        }
    }
    assert!(statuses.iter().take(10).all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    // Even the right password waits now.
    let right = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"email": "grace@acme.example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(right.status(), 429);
}

async fn malformed_and_oversized_bodies_are_refused(app: TestApp) {
    let url = format!("{}/api/v1/auth/login", app.address);
    let not_json = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(not_json.status(), 400);
    let wrong_type = app
        .client
        .post(&url)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong_type.status(), 415);
    let huge = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(vec![b' '; 9 * 1024 * 1024])
        .send()
        .await;
    // The server may answer 413 or cut the upload short; either way nothing is accepted.
    if let Ok(response) = huge {
        assert_eq!(response.status(), 413);
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "payload_too_large");
    }
    assert_eq!(app.get("/healthz").await.status(), 200, "still healthy");
}

/// Sixteen people of a company new to the portal sign up in the same second (kickoff at a
/// venue): each sign-up looks the organization up, misses, and inserts it; all but one lose
/// the race to its unique name and must join the winner's row, not fail.
async fn sign_ups_naming_the_same_new_organization_at_once_all_succeed(app: TestApp) {
    let sign_ups = (0..16).map(|i| {
        let app = &app;
        async move {
            app.post(
                None,
                "/api/v1/auth/register",
                &json!({
                    "email": format!("person{i}@newco.example"),
                    "password": PASSWORD,
                    "display_name": format!("Person {i}"),
                    "organization": "NewCo Industries",
                }),
            )
            .await
        }
    });
    let responses = futures_util::future::join_all(sign_ups).await;
    let mut organizations = std::collections::BTreeSet::new();
    for response in responses {
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("json");
        organizations.insert(body["user"]["organization"]["id"].to_string());
    }
    assert_eq!(
        organizations.len(),
        1,
        "one organization: {organizations:?}"
    );
}
