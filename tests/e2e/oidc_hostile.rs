//! Sign-in through an OpenID provider that lies: every ID token that is not exactly right —
//! for another client, expired, for another sign-in, unsigned, signed with the wrong key or
//! algorithm, from another issuer — is refused with a page that says so (never a 500), and
//! refused before anything is created: no account, no identity, no session. So is a callback
//! replayed or carried to another browser, a userinfo answer about someone else, and an
//! unverified e-mail that names an existing account. A provider that is down or never answers
//! gives a 503 page while passwords keep working; `next` never leaves the portal; back-channel
//! logout ends the person's sessions only for a logout token the provider really signed.
//!
//! The provider is [`crate::hostile_oidc`]; each test starts its own, and the portal with it.

use std::{net::SocketAddr, time::Duration};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use cohack_server::{
    config::{Config, OidcProviderConfig},
    db::schema::{identities, sessions, users},
    error::Error,
};
use diesel::prelude::*;
use jsonwebtoken::{Algorithm, Header};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{
    harness::{Account, Backend, PASSWORD, TestApp, free_port},
    hostile_oidc::{Authorization, HostileProvider, RsaKey, hs256, unsigned},
    plain_browser::PlainBrowser,
};

/// Longer than cohack waits between two fetches of a provider's keys.
const KEY_REFRESH_WAIT: Duration = Duration::from_secs(11);
/// The provider's id in cohack's configuration (and so in its paths).
const PROVIDER: &str = "hostile";
/// The sign-in button's text.
const LABEL: &str = "Hostile ID";
/// The client cohack is registered as at the provider.
const CLIENT_ID: &str = "cohack-portal";
/// Its secret (a test asserts no page ever shows it).
const CLIENT_SECRET: &str = "client-secret-never-shown-7f3a";

// ---------------------------------------------------------------------------------------
// The portal, the provider, and a browser going between them.

/// A portal configured with one provider at `issuer`.
struct Portal {
    app: TestApp,
    provider: HostileProvider,
}

impl Portal {
    /// A provider, and a portal on `backend` that trusts it (`None` when PostgreSQL tests are
    /// off).
    async fn start(backend: Backend) -> Option<Portal> {
        let provider = HostileProvider::start(CLIENT_ID, CLIENT_SECRET).await;
        let app = portal_trusting(backend, &provider.issuer).await?;
        Some(Portal { app, provider })
    }

    /// On SQLite, which is always there.
    async fn sqlite() -> Portal {
        Self::start(Backend::Sqlite)
            .await
            .expect("sqlite is always available")
    }

    /// Starts a sign-in in `browser`, as its "Sign in with …" button does, and returns what
    /// cohack asked the provider for (the provider checks the request's shape).
    async fn start_sign_in(&self, browser: &mut PlainBrowser<'_>, next: &str) -> Authorization {
        let response = browser.get(&start_path(next)).await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "the start of a sign-in redirects to the provider: {}",
            response.text().await.unwrap_or_default()
        );
        assert!(
            browser.cookies.contains_key("cohack_oidc"),
            "the start binds the sign-in to the browser"
        );
        self.provider.authorize(&location(&response))
    }

    /// The provider answers `id_token` for `authorization`'s code and sends the browser back.
    async fn come_back(
        &self,
        browser: &mut PlainBrowser<'_>,
        authorization: &Authorization,
        id_token: String,
    ) -> reqwest::Response {
        self.provider.answer(authorization, id_token);
        browser.get(&authorization.callback_path()).await
    }

    /// A whole sign-in in a fresh browser whose ID token is made by `mint` from the
    /// authorization, returning the callback's answer and the browser.
    async fn sign_in_with(
        &self,
        mint: impl FnOnce(&HostileProvider, &Authorization) -> String,
    ) -> (reqwest::Response, PlainBrowser<'_>) {
        let mut browser = PlainBrowser::new(&self.app);
        let authorization = self.start_sign_in(&mut browser, "/events").await;
        let id_token = mint(&self.provider, &authorization);
        let response = self.come_back(&mut browser, &authorization, id_token).await;
        (response, browser)
    }

    /// A sign-in with a good ID token for `sub` and `email` (verified), asserted to succeed.
    async fn sign_in_good(&self, sub: &str, email: &str) -> PlainBrowser<'_> {
        let (response, browser) = self
            .sign_in_with(|provider, authorization| {
                provider.sign(&provider.claims(authorization, sub, email))
            })
            .await;
        signed_in(response, "/events").await;
        browser
    }

    /// Asserts that a sign-in whose ID token `mint` makes is refused with `status` and a page
    /// naming one of `words`, having created nothing.
    async fn refuses(
        &self,
        case: &str,
        status: u16,
        words: &[&str],
        mint: impl FnOnce(&HostileProvider, &Authorization) -> String,
    ) {
        let before = rows(&self.app).await;
        let (response, browser) = self.sign_in_with(mint).await;
        refused(case, response, &[status], words).await;
        assert!(
            !browser.cookies.contains_key("cohack_session"),
            "{case}: no session cookie"
        );
        assert_eq!(rows(&self.app).await, before, "{case}: nothing was created");
    }
}

/// A portal on `backend` whose one provider is at `issuer`; it listens on a port chosen here,
/// so that its `public_url` (and so the redirect URI) is known before it starts.
async fn portal_trusting(backend: Backend, issuer: &str) -> Option<TestApp> {
    let issuer = issuer.to_owned();
    TestApp::spawn_configured_for(backend, move |config: &mut Config| {
        let port = free_port();
        config.bind = SocketAddr::from(([127, 0, 0, 1], port));
        config.public_url = format!("http://127.0.0.1:{port}");
        config.oidc = vec![OidcProviderConfig {
            id: PROVIDER.into(),
            label: LABEL.into(),
            issuer,
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            scopes: "openid email profile".into(),
            allowed_domains: Vec::new(),
            staff: false,
            organization_claim: String::new(),
            logout_at_provider: false,
        }];
    })
    .await
}

/// `/auth/oidc/{PROVIDER}?next=…`.
fn start_path(next: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    format!("/auth/oidc/{PROVIDER}?{query}")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("a Location header ({})", response.status()))
        .to_owned()
}

/// Whether `response` sets a non-empty `cohack_session` cookie.
fn sets_session(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("cohack_session=") && !c.starts_with("cohack_session=;"))
}

/// Asserts a successful callback: a 303 to `next` with a session cookie.
async fn signed_in(response: reqwest::Response, next: &str) {
    let status = response.status();
    let session = sets_session(&response);
    let to = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await.unwrap_or_default();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a good ID token signs in; the page said: {}",
        page_text(&body)
    );
    assert_eq!(to.as_deref(), Some(next), "the sign-in goes on to next");
    assert!(session, "the sign-in sets the session cookie");
}

/// Asserts a refusal: one of `statuses`, an HTML page naming one of `words` (case-insensitive), no
/// session cookie, nothing internal shown. Returns the page's HTML.
async fn refused(
    case: &str,
    response: reqwest::Response,
    statuses: &[u16],
    words: &[&str],
) -> String {
    let got = response.status();
    let session = sets_session(&response);
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let body = response.text().await.unwrap_or_default();
    let text = page_text(&body);
    eprintln!("{case}: {got}: {text}");
    assert!(
        statuses.contains(&got.as_u16()),
        "{case}: the status is {got}, not one of {statuses:?}; the page said: {text}"
    );
    assert!(html, "{case}: a page for the browser, not JSON: {text}");
    assert!(!session, "{case}: no session cookie");
    let lower = text.to_lowercase();
    assert!(
        words.iter().any(|w| lower.contains(&w.to_lowercase())),
        "{case}: the page says why (one of {words:?}): {text}"
    );
    assert!(
        !body.contains(CLIENT_SECRET) && !body.contains("eyJ"),
        "{case}: the page shows no secret and no token"
    );
    body
}

/// An HTML page's visible words, roughly (tags and scripts dropped, spaces collapsed), for
/// assertions and failure messages.
fn page_text(html: &str) -> String {
    let main = html.split("<main").nth(1).unwrap_or(html);
    let mut text = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a refusal must not have created, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rows {
    users: i64,
    identities: i64,
    sessions: i64,
}

async fn rows(app: &TestApp) -> Rows {
    app.state
        .db
        .run(|conn| -> Result<Rows, Error> {
            Ok(Rows {
                users: users::table.count().get_result(conn)?,
                identities: identities::table.count().get_result(conn)?,
                sessions: sessions::table.count().get_result(conn)?,
            })
        })
        .await
        .expect("counts")
}

/// The identities (issuer, subject) linked to the account `user_id`.
async fn identities_of(app: &TestApp, user_id: &str) -> Vec<(String, String)> {
    let user_id = user_id.to_owned();
    app.state
        .db
        .run(move |conn| -> Result<_, Error> {
            Ok(identities::table
                .filter(identities::user_id.eq(user_id))
                .select((identities::issuer, identities::subject))
                .load::<(String, String)>(conn)?)
        })
        .await
        .expect("identities")
}

/// The account (if any) an identity at `issuer` with `subject` belongs to.
async fn account_of(app: &TestApp, issuer: &str, subject: &str) -> Option<String> {
    let (issuer, subject) = (issuer.to_owned(), subject.to_owned());
    app.state
        .db
        .run(move |conn| -> Result<_, Error> {
            Ok(identities::table
                .filter(identities::issuer.eq(issuer))
                .filter(identities::subject.eq(subject))
                .select(identities::user_id)
                .first::<String>(conn)
                .optional()?)
        })
        .await
        .expect("identity")
}

/// What an account is made of that an identity must not change behind its owner's back.
async fn account_row(app: &TestApp, user_id: &str) -> (String, String, String, String, bool) {
    let user_id = user_id.to_owned();
    app.state
        .db
        .run(move |conn| -> Result<_, Error> {
            Ok(users::table
                .find(user_id)
                .select((
                    users::email,
                    users::password_hash,
                    users::display_name,
                    users::organization_id,
                    users::email_verified,
                ))
                .first(conn)?)
        })
        .await
        .expect("account")
}

/// An access token for the page session of `browser` (as the pages' scripts get one).
async fn access_token(app: &TestApp, browser: &mut PlainBrowser<'_>) -> String {
    browser.page("/").await;
    let response = browser
        .client
        .post(format!("{}/session/token", app.address))
        .header(header::COOKIE, browser.cookie_header())
        .header("x-csrf-token", browser.csrf())
        .send()
        .await
        .expect("token");
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the session gives a token"
    );
    response.json::<Value>().await.expect("json")["access_token"]
        .as_str()
        .expect("token string")
        .to_owned()
}

/// `GET /api/v1/me` as `token`: the account, or the status when refused.
async fn me(app: &TestApp, token: &str) -> Result<Value, StatusCode> {
    let response = app.get_as(token, "/api/v1/me").await;
    match response.status() {
        StatusCode::OK => Ok(response.json().await.expect("json")),
        status => Err(status),
    }
}

// ---------------------------------------------------------------------------------------
// The control case: a good token signs in, so that every refusal below means something.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_a_good_token_signs_in() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let providers: Value = app
        .get("/api/v1/auth/providers")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(providers, json!([{"id": PROVIDER, "label": LABEL}]));

    let before = rows(app).await;
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/events").await;
    let scopes: Vec<&str> = authorization.scope.split(' ').collect();
    for scope in ["openid", "email", "profile"] {
        assert!(scopes.contains(&scope), "{scope} is asked for: {scopes:?}");
    }
    let id_token = portal.provider.sign(&portal.provider.claims(
        &authorization,
        "sub-ada",
        "ada@acme.example",
    ));
    let response = portal
        .come_back(&mut browser, &authorization, id_token)
        .await;
    signed_in(response, "/events").await;
    let after = rows(app).await;
    assert_eq!(after.users, before.users + 1, "an account is created");
    assert_eq!(after.identities, before.identities + 1, "and its identity");
    assert_eq!(after.sessions, before.sessions + 1, "and one session");

    let token = access_token(app, &mut browser).await;
    let me = me(app, &token).await.expect("signed in");
    assert_eq!(me["email"], "ada@acme.example");
    let user_id = me["id"].as_str().expect("id");
    assert_eq!(
        account_of(app, &portal.provider.issuer, "sub-ada")
            .await
            .as_deref(),
        Some(user_id),
        "the identity is (issuer, sub) and names the account"
    );

    // The same person again: the same account, no second identity.
    portal.sign_in_good("sub-ada", "ada@acme.example").await;
    let again = rows(app).await;
    assert_eq!(
        (again.users, again.identities),
        (after.users, after.identities)
    );
    let requests = portal.provider.requests();
    assert_eq!(requests.token, 2, "one code redeemed per sign-in");
}

// ---------------------------------------------------------------------------------------
// ID tokens that lie.

/// Words one of which a page refusing an ID token says (the error pages' links name the
/// provider and signing in, so those words would prove nothing).
const TOKEN_WORDS: &[&str] = &["verif", "token", "refused", "invalid"];
/// Words one of which a page refusing a callback's state says.
const STATE_WORDS: &[&str] = &["already used", "expired", "another browser", "start again"];
/// Words one of which a page says when the provider cannot be reached.
const DOWN_WORDS: &[&str] = &[
    "cannot be reached",
    "unavailable",
    "unreachable",
    "not answering",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_wrong_audience_is_refused() {
    let portal = Portal::sqlite().await;
    for (case, aud) in [
        ("another client", json!("someone-else")),
        ("another client, as a list", json!(["someone-else"])),
        (
            "cohack and an untrusted client, no azp",
            json!([CLIENT_ID, "someone-else"]),
        ),
        ("no audience", Value::Null),
    ] {
        portal
            .refuses(case, 400, TOKEN_WORDS, |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-aud", "aud@acme.example");
                match aud {
                    Value::Null => {
                        claims.as_object_mut().expect("object").remove("aud");
                    }
                    aud => claims["aud"] = aud,
                }
                provider.sign(&claims)
            })
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_token_authorized_for_another_party_is_refused() {
    // For cohack (`aud`), but issued to another client (`azp`): OpenID Connect Core §3.1.3.7
    // step 5 says the client checks that `azp`, when present, is its own id.
    let portal = Portal::sqlite().await;
    portal
        .refuses(
            "azp names another client",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-azp", "azp@acme.example");
                claims["azp"] = json!("someone-else");
                provider.sign(&claims)
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_expired_token_is_refused() {
    let portal = Portal::sqlite().await;
    portal
        .refuses("expired", 400, TOKEN_WORDS, |provider, authorization| {
            let mut claims = provider.claims(authorization, "sub-old", "old@acme.example");
            let now = crate::hostile_oidc::now();
            claims["iat"] = json!(now - 3600);
            claims["auth_time"] = json!(now - 3600);
            claims["exp"] = json!(now - 600);
            provider.sign(&claims)
        })
        .await;
    portal
        .refuses(
            "issued an hour from now",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-old", "old@acme.example");
                let now = crate::hostile_oidc::now();
                claims["iat"] = json!(now + 3600);
                claims["exp"] = json!(now + 7200);
                provider.sign(&claims)
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_wrong_nonce_is_refused() {
    let portal = Portal::sqlite().await;
    portal
        .refuses(
            "a made-up nonce",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-n", "n@acme.example");
                claims["nonce"] = json!("not-the-nonce");
                provider.sign(&claims)
            },
        )
        .await;
    portal
        .refuses("no nonce", 400, TOKEN_WORDS, |provider, authorization| {
            let mut claims = provider.claims(authorization, "sub-n", "n@acme.example");
            claims.as_object_mut().expect("object").remove("nonce");
            provider.sign(&claims)
        })
        .await;
    // A real nonce, but of another sign-in (another browser's): a token minted for that one
    // does not end this one.
    let mut other = PlainBrowser::new(&portal.app);
    let elsewhere = portal.start_sign_in(&mut other, "/").await;
    portal
        .refuses(
            "another sign-in's nonce",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-n", "n@acme.example");
                claims["nonce"] = json!(elsewhere.nonce);
                provider.sign(&claims)
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_unsigned_token_is_refused() {
    let portal = Portal::sqlite().await;
    for (case, header) in [
        ("alg none", json!({})),
        ("alg none with the provider's kid", json!({"kid": "key-1"})),
        ("alg None", json!({"alg": "None", "kid": "key-1"})),
        ("alg NONE", json!({"alg": "NONE"})),
    ] {
        portal
            .refuses(case, 400, TOKEN_WORDS, |provider, authorization| {
                unsigned(
                    &provider.claims(authorization, "sub-none", "none@acme.example"),
                    &header,
                )
            })
            .await;
    }
    // The provider's signature, kept, under a header that now says none.
    portal
        .refuses(
            "a real signature under alg none",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let claims = provider.claims(authorization, "sub-none", "none@acme.example");
                let signed = provider.sign(&claims);
                let signature = signed.rsplit('.').next().expect("signature");
                format!("{}{signature}", unsigned(&claims, &json!({"kid": "key-1"})))
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_hs256_keyed_with_the_public_key_is_refused() {
    let portal = Portal::sqlite().await;
    let key = &portal.provider.key;
    let jwk = key.jwk();
    let secrets: [(&str, Vec<u8>); 4] = [
        ("the SPKI PEM", key.public_pem.clone().into_bytes()),
        ("the PKCS#1 PEM", key.public_pkcs1_pem.clone().into_bytes()),
        ("the JWK's JSON", jwk.to_string().into_bytes()),
        (
            "the modulus as sent",
            jwk["n"].as_str().expect("n").as_bytes().to_vec(),
        ),
    ];
    for (case, secret) in secrets {
        portal
            .refuses(case, 400, TOKEN_WORDS, |provider, authorization| {
                let claims = provider.claims(authorization, "sub-hs", "hs@acme.example");
                hs256(&secret, Some("key-1"), &claims)
            })
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_hs256_with_a_symmetric_key_the_provider_publishes_is_refused() {
    // The JWKS itself offers a symmetric key (which anyone can read): a token keyed with it
    // is no more the provider's than one keyed with any other public value.
    let portal = Portal::sqlite().await;
    let secret = b"a symmetric key published for all to read";
    let mut keys = vec![portal.provider.key.jwk()];
    keys.push(json!({
        "kty": "oct",
        "kid": "sym-1",
        "alg": "HS256",
        "use": "sig",
        "k": URL_SAFE_NO_PAD.encode(secret),
    }));
    portal.provider.publish_jwks(keys);
    portal
        .refuses(
            "HS256 with a published oct key",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let claims = provider.claims(authorization, "sub-hs", "hs@acme.example");
                hs256(secret, Some("sym-1"), &claims)
            },
        )
        .await;
    // The RSA key beside it still works.
    portal.sign_in_good("sub-hs", "hs@acme.example").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_at_hash_of_another_access_token_is_refused() {
    // A token that binds itself (`at_hash`) to an access token other than the one the token
    // endpoint handed out with it.
    let portal = Portal::sqlite().await;
    portal
        .refuses(
            "at_hash of another access token",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-at", "at@acme.example");
                claims["at_hash"] = json!(at_hash("at-someone-elses-access-token"));
                provider.sign(&claims)
            },
        )
        .await;
    // The right one signs in (so the check above is of the hash, not of its presence).
    let (response, _browser) = portal
        .sign_in_with(|provider, authorization| {
            let mut claims = provider.claims(authorization, "sub-at", "at@acme.example");
            claims["at_hash"] = json!(at_hash(&HostileProvider::access_token_for(authorization)));
            provider.sign(&claims)
        })
        .await;
    signed_in(response, "/events").await;
}

/// `at_hash` for RS256: the left half of the access token's SHA-256, base64url.
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_discovery_naming_another_issuer_is_not_used() {
    // The discovery document at the configured issuer names another issuer (a mix-up): its
    // endpoints are not to be trusted for this provider.
    let portal = Portal::sqlite().await;
    portal.provider.claim_issuer("https://evil.example");
    let before = rows(&portal.app).await;
    let mut browser = PlainBrowser::new(&portal.app);
    let response = browser.get(&start_path("/events")).await;
    refused(
        "discovery names another issuer",
        response,
        &[502, 503],
        DOWN_WORDS,
    )
    .await;
    assert_eq!(rows(&portal.app).await, before, "nothing was created");
    assert_eq!(portal.provider.requests().token, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_hs256_keyed_with_the_client_secret_is_refused() {
    // The provider's discovery lists RS256 only: a token that the client's own secret signs
    // (which anyone holding the configuration, or a provider's logs, may make) is not its.
    let portal = Portal::sqlite().await;
    portal
        .refuses(
            "HS256 with the client secret",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let claims = provider.claims(authorization, "sub-hs", "hs@acme.example");
                hs256(CLIENT_SECRET.as_bytes(), None, &claims)
            },
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_wrong_issuer_is_refused() {
    let portal = Portal::sqlite().await;
    for (case, iss) in [
        ("another issuer", json!("https://evil.example")),
        ("another port", json!("http://127.0.0.1:1")),
        ("no issuer", Value::Null),
    ] {
        portal
            .refuses(case, 400, TOKEN_WORDS, |provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-iss", "iss@acme.example");
                match iss {
                    Value::Null => {
                        claims.as_object_mut().expect("object").remove("iss");
                    }
                    iss => claims["iss"] = iss,
                }
                provider.sign(&claims)
            })
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_signature_of_another_key_is_refused() {
    // A key the provider never published, under the kid of the one it did; and a token whose
    // payload was changed after signing.
    let portal = Portal::sqlite().await;
    let impostor = RsaKey::generate("key-1");
    portal
        .refuses(
            "another key under the published kid",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                impostor.sign(&provider.claims(authorization, "sub-k", "k@acme.example"))
            },
        )
        .await;
    portal
        .refuses(
            "a payload changed after signing",
            400,
            TOKEN_WORDS,
            |provider, authorization| {
                let signed =
                    provider.sign(&provider.claims(authorization, "sub-k", "k@acme.example"));
                let forged = provider.claims(authorization, "sub-admin", "admin@acme.example");
                let parts: Vec<&str> = signed.split('.').collect();
                let payload = unsigned(&forged, &json!({}));
                let forged_payload = payload.split('.').nth(1).expect("payload");
                format!("{}.{forged_payload}.{}", parts[0], parts[2])
            },
        )
        .await;
}

// ---------------------------------------------------------------------------------------
// The callback itself: used once, by the browser that started it.

async fn oidc_hostile_replayed_state_is_refused(backend: Backend) {
    let Some(portal) = Portal::start(backend).await else {
        return;
    };
    let app = &portal.app;
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/events").await;
    let flow_cookie = browser.cookies["cohack_oidc"].clone();
    let id_token = portal.provider.sign(&portal.provider.claims(
        &authorization,
        "sub-r",
        "r@acme.example",
    ));
    let first = portal
        .come_back(&mut browser, &authorization, id_token)
        .await;
    signed_in(first, "/events").await;
    let after_first = rows(app).await;

    // The same callback URL again: from the same browser (now signed in, its flow cookie
    // cleared), and from a browser holding the flow cookie as it was before the callback
    // (a replay of the whole request); the provider would redeem the code again.
    let second = browser.get(&authorization.callback_path()).await;
    refused("the same callback again", second, &[400], STATE_WORDS).await;
    let mut replay = PlainBrowser::new(app);
    replay.cookies.insert("cohack_oidc".into(), flow_cookie);
    let third = replay.get(&authorization.callback_path()).await;
    refused(
        "the whole callback request again",
        third,
        &[400],
        STATE_WORDS,
    )
    .await;
    assert_eq!(rows(app).await, after_first, "the replays created nothing");
    assert_eq!(
        portal.provider.requests().token,
        1,
        "the code is redeemed once: the state is refused before the provider is asked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_replayed_state_is_refused_sqlite() {
    oidc_hostile_replayed_state_is_refused(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_replayed_state_is_refused_postgres() {
    oidc_hostile_replayed_state_is_refused(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_state_from_another_browser_is_refused() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let before = rows(app).await;
    // Each time the victim starts a sign-in and the provider would answer for it; another
    // browser is brought to the victim's callback: one with no sign-in of its own, one with
    // its own sign-in under way (so its own, real `cohack_oidc` cookie), one with a made-up
    // cookie.
    for case in [
        "no cohack_oidc cookie",
        "another browser's cohack_oidc cookie",
        "a made-up cohack_oidc cookie",
    ] {
        let mut victim = PlainBrowser::new(app);
        let authorization = portal.start_sign_in(&mut victim, "/events").await;
        portal.provider.answer(
            &authorization,
            portal.provider.sign(&portal.provider.claims(
                &authorization,
                "sub-v",
                "v@acme.example",
            )),
        );
        let mut other = PlainBrowser::new(app);
        if case.starts_with("another") {
            portal.start_sign_in(&mut other, "/").await;
        } else if case.starts_with("a made-up") {
            other
                .cookies
                .insert("cohack_oidc".into(), "madeupvalue".repeat(4));
        }
        let response = other.get(&authorization.callback_path()).await;
        refused(case, response, &[400], STATE_WORDS).await;
    }
    assert_eq!(rows(app).await, before, "nothing was created");
    assert_eq!(
        portal.provider.requests().token,
        0,
        "no code is redeemed for a browser that did not start the sign-in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_malformed_callbacks_are_pages() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let before = rows(app).await;
    let callback = format!("/auth/oidc/{PROVIDER}/callback");
    // Without a state of a sign-in this browser started.
    let mut browser = PlainBrowser::new(app);
    portal.start_sign_in(&mut browser, "/").await;
    for (case, path) in [
        ("no query at all", callback.clone()),
        ("a code without a state", format!("{callback}?code=abc")),
        (
            "an unknown state",
            format!("{callback}?code=abc&state=not-a-state"),
        ),
        (
            "a huge state",
            format!("{callback}?code=abc&state={}", "s".repeat(4000)),
        ),
    ] {
        let response = browser.get(&path).await;
        refused(case, response, &[400], STATE_WORDS).await;
    }
    // With this browser's own state, but no code, or the provider's refusal instead (its text
    // shown as text).
    let state_of = |authorization: &Authorization| {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("state", &authorization.state)
            .finish()
    };
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/").await;
    let response = browser
        .get(&format!("{callback}?{}", state_of(&authorization)))
        .await;
    refused("a state without a code", response, &[400], &["code"]).await;
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/").await;
    let response = browser
        .get(&format!(
            "{callback}?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E&{}",
            state_of(&authorization)
        ))
        .await;
    let body = refused(
        "the provider's own refusal",
        response,
        &[400],
        &["access_denied", "did not sign you in", "cancel"],
    )
    .await;
    assert!(!body.contains("<b>no"), "the provider's text is escaped");

    let mut browser = PlainBrowser::new(app);
    let response = browser
        .get("/auth/oidc/no-such-provider/callback?code=a&state=b")
        .await;
    assert!(
        response.status().is_client_error(),
        "an unknown provider: {}",
        response.status()
    );
    let response = browser.get("/auth/oidc/no-such-provider?next=/").await;
    assert!(
        response.status().is_client_error(),
        "an unknown provider: {}",
        response.status()
    );
    assert_eq!(rows(app).await, before, "nothing was created");
    assert_eq!(portal.provider.requests().token, 0, "no code was redeemed");
}

// ---------------------------------------------------------------------------------------
// Who the token says the person is.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_unverified_email_links_nothing() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let pat = app.register("pat@acme.example", "Acme").await;
    let pat_before = account_row(app, &pat.id).await;

    for (case, verified) in [
        ("email_verified false", json!(false)),
        ("email_verified missing", Value::Null),
        ("email_verified false, the e-mail in capitals", json!(false)),
    ] {
        let before = rows(app).await;
        let (response, mut browser) = portal
            .sign_in_with(|provider, authorization| {
                let email = if case.contains("capitals") {
                    "PAT@ACME.example"
                } else {
                    "pat@acme.example"
                };
                let mut claims = provider.claims(authorization, "sub-impostor", email);
                match &verified {
                    Value::Null => {
                        claims
                            .as_object_mut()
                            .expect("object")
                            .remove("email_verified");
                    }
                    v => claims["email_verified"] = v.clone(),
                }
                provider.sign(&claims)
            })
            .await;
        if response.status() == StatusCode::SEE_OTHER {
            // Signed in, then as someone else than Pat.
            assert!(sets_session(&response), "{case}: a session for someone");
            let token = access_token(app, &mut browser).await;
            let me = me(app, &token).await.expect("signed in");
            assert_ne!(me["id"], json!(pat.id), "{case}: not as Pat");
        } else {
            refused(
                case,
                response,
                &[400, 403, 409],
                &["e-mail", "email", "verified"],
            )
            .await;
            assert_eq!(rows(app).await, before, "{case}: nothing was created");
        }
        assert!(
            identities_of(app, &pat.id).await.is_empty(),
            "{case}: no identity linked to Pat's account"
        );
        assert_ne!(
            account_of(app, &portal.provider.issuer, "sub-impostor")
                .await
                .as_deref(),
            Some(pat.id.as_str()),
            "{case}: the impostor's identity is not Pat's"
        );
    }
    assert_eq!(
        account_row(app, &pat.id).await,
        pat_before,
        "Pat's account is untouched"
    );
    app.login("pat@acme.example").await;
    PlainBrowser::sign_in(app, "pat@acme.example").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_userinfo_about_someone_else_is_refused() {
    // The ID token says nothing of an e-mail, so cohack asks userinfo; userinfo answers about
    // another subject — with the verified e-mail of an existing account.
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let victim = app.register("vic@acme.example", "Acme").await;
    let before = rows(app).await;
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/events").await;
    let mut claims = portal
        .provider
        .claims(&authorization, "sub-mallory", "unused@acme.example");
    for claim in ["email", "email_verified", "name"] {
        claims.as_object_mut().expect("object").remove(claim);
    }
    portal.provider.answer_with_userinfo(
        &authorization,
        portal.provider.sign(&claims),
        Some(json!({
            "sub": "sub-victim",
            "email": "vic@acme.example",
            "email_verified": true,
            "name": "Vic",
        })),
    );
    let response = browser.get(&authorization.callback_path()).await;
    refused(
        "userinfo about another subject",
        response,
        &[400],
        &["userinfo", "verif", "refused", "subject", "another"],
    )
    .await;
    assert!(
        portal.provider.requests().userinfo >= 1,
        "userinfo was asked"
    );
    assert_eq!(rows(app).await, before, "nothing was created");
    assert!(identities_of(app, &victim.id).await.is_empty());
    app.login("vic@acme.example").await;
}

// ---------------------------------------------------------------------------------------
// Keys: a rotation is followed, an unknown key is not trusted.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_rotated_key_is_fetched_and_unknown_key_refused() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let provider = &portal.provider;
    portal.sign_in_good("sub-rot", "rot@acme.example").await;
    // Keys rotate long after a relying party last fetched them; cohack looks again at most
    // every 10 s (so that forged key ids cannot make it hammer the provider), so the rotated
    // token comes after that.
    tokio::time::sleep(KEY_REFRESH_WAIT).await;

    // The provider rotates: its JWKS now has only key-2, which cohack has never seen.
    let rotated = RsaKey::generate("key-2");
    provider.publish_keys(&[&rotated]);
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/events").await;
    let jwks_before = provider.requests().jwks;
    let response = portal
        .come_back(
            &mut browser,
            &authorization,
            rotated.sign(&provider.claims(&authorization, "sub-rot", "rot@acme.example")),
        )
        .await;
    signed_in(response, "/events").await;
    assert_eq!(
        provider.requests().jwks - jwks_before,
        1,
        "a new kid makes cohack fetch the JWKS once"
    );

    // A kid the provider never publishes: refused, after at most one more look.
    let stranger = RsaKey::generate("key-never-published");
    for attempt in 1..=2 {
        let mut browser = PlainBrowser::new(app);
        let authorization = portal.start_sign_in(&mut browser, "/events").await;
        let before = rows(app).await;
        let jwks_before = provider.requests().jwks;
        let response = portal
            .come_back(
                &mut browser,
                &authorization,
                stranger.sign(&provider.claims(&authorization, "sub-rot", "rot@acme.example")),
            )
            .await;
        refused(
            &format!("an unknown kid, attempt {attempt}"),
            response,
            &[400],
            TOKEN_WORDS,
        )
        .await;
        assert!(
            provider.requests().jwks - jwks_before <= 1,
            "an unknown kid costs at most one JWKS fetch"
        );
        assert_eq!(rows(app).await, before, "nothing was created");
    }

    // An old key the provider no longer publishes is no longer trusted either (once cohack
    // has seen the new set).
    let old = provider.key.clone();
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/events").await;
    let response = portal
        .come_back(
            &mut browser,
            &authorization,
            old.sign(&provider.claims(&authorization, "sub-rot", "rot@acme.example")),
        )
        .await;
    refused("a retired key", response, &[400], TOKEN_WORDS).await;
}

// ---------------------------------------------------------------------------------------
// A provider that is down, or never answers.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_provider_down_gives_503_and_passwords_still_work() {
    let closed = format!("http://127.0.0.1:{}", free_port());
    let app = portal_trusting(Backend::Sqlite, &closed)
        .await
        .expect("sqlite");
    let dana = app.register("dana@acme.example", "Acme").await;
    let before = rows(&app).await;
    let mut browser = PlainBrowser::new(&app);
    for _ in 0..2 {
        let response = browser.get(&start_path("/events")).await;
        refused("the provider is down", response, &[503], DOWN_WORDS).await;
    }
    // Passwords keep working, through the form and the API.
    app.login(&dana.email).await;
    let mut signed = PlainBrowser::sign_in(&app, &dana.email).await;
    let token = access_token(&app, &mut signed).await;
    assert_eq!(
        me(&app, &token).await.expect("signed in")["id"],
        json!(dana.id)
    );
    let after = rows(&app).await;
    assert_eq!(
        (after.users, after.identities),
        (before.users, before.identities)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_provider_gone_before_the_callback_gives_503() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let before = rows(app).await;
    let mut browser = PlainBrowser::new(app);
    let authorization = portal.start_sign_in(&mut browser, "/events").await;
    portal.provider.answer(
        &authorization,
        portal.provider.sign(
            &portal
                .provider
                .claims(&authorization, "sub-g", "g@acme.example"),
        ),
    );
    portal.provider.stop().await;
    let response = browser.get(&authorization.callback_path()).await;
    refused("the provider went away", response, &[503], DOWN_WORDS).await;
    assert_eq!(rows(app).await, before, "nothing was created");
    app.login(&app.register("gus@acme.example", "Acme").await.email)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_provider_that_never_answers_gives_503() {
    // A provider that accepts connections and then says nothing: cohack gives up on its own
    // (it must not hold the browser, or a worker, forever).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let issuer = format!(
        "http://127.0.0.1:{}",
        listener.local_addr().expect("addr").port()
    );
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let app = portal_trusting(Backend::Sqlite, &issuer)
        .await
        .expect("sqlite");
    let mut browser = PlainBrowser::new(&app);
    let response =
        tokio::time::timeout(Duration::from_secs(90), browser.get(&start_path("/events")))
            .await
            .expect("cohack answers within 90 s although the provider never does");
    refused("the provider never answers", response, &[503], DOWN_WORDS).await;
    app.register("pia@acme.example", "Acme").await;
    silent.abort();
}

// ---------------------------------------------------------------------------------------
// Where the browser goes afterwards.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_next_never_leaves_the_portal() {
    let portal = Portal::sqlite().await;
    for (next, expected) in [
        ("https://evil.example/", Some("/")),
        ("//evil.example", Some("/")),
        ("/\\evil.example", None),
        ("\\\\evil.example", None),
        ("https:evil.example", None),
        ("javascript:alert(1)", None),
        ("/%2F%2Fevil.example", None),
        (" //evil.example", None),
    ] {
        let mut browser = PlainBrowser::new(&portal.app);
        let authorization = portal.start_sign_in(&mut browser, next).await;
        let id_token = portal.provider.sign(&portal.provider.claims(
            &authorization,
            "sub-next",
            "next@acme.example",
        ));
        let response = portal
            .come_back(&mut browser, &authorization, id_token)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next {next:?}");
        let to = location(&response);
        match expected {
            Some(expected) => assert_eq!(to, expected, "next {next:?}"),
            None => {
                let on_site = to.starts_with('/')
                    && !to.starts_with("//")
                    && !to.starts_with("/\\")
                    && !to.contains(['\\', ' ', '\t']);
                assert!(on_site, "next {next:?} sent the browser to {to:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Back-channel logout.

/// Posts a logout token to the back-channel logout endpoint.
async fn back_channel_logout(app: &TestApp, logout_token: &str) -> reqwest::Response {
    app.client
        .post(format!(
            "{}/auth/oidc/{PROVIDER}/backchannel-logout",
            app.address
        ))
        .form(&[("logout_token", logout_token)])
        .send()
        .await
        .expect("back-channel logout")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oidc_hostile_back_channel_logout_needs_a_real_logout_token() {
    let portal = Portal::sqlite().await;
    let app = &portal.app;
    let provider = &portal.provider;
    // Two sessions of one person through the provider (sids a and b), and a bystander
    // signed in with a password.
    let mut tokens = Vec::new();
    for sid in ["sid-a", "sid-b"] {
        let (response, mut browser) = portal
            .sign_in_with(|provider, authorization| {
                let mut claims = provider.claims(authorization, "sub-lou", "lou@acme.example");
                claims["sid"] = json!(sid);
                provider.sign(&claims)
            })
            .await;
        signed_in(response, "/events").await;
        let token = access_token(app, &mut browser).await;
        tokens.push(token);
    }
    let bystander: Account = app.register("bo@acme.example", "Acme").await;
    let alive = |token: String| async move { me(app, &token).await.is_ok() };

    let impostor = RsaKey::generate("key-1");
    let refused_tokens: Vec<(&str, String)> = vec![
        ("a nonce", {
            let mut claims = provider.logout_claims("sub-lou", None);
            claims["nonce"] = json!("n-0S6_WzA2Mj");
            provider.sign(&claims)
        }),
        ("another audience", {
            let mut claims = provider.logout_claims("sub-lou", None);
            claims["aud"] = json!("someone-else");
            provider.sign(&claims)
        }),
        (
            "another key's signature",
            impostor.sign(&provider.logout_claims("sub-lou", None)),
        ),
        (
            "alg none",
            unsigned(
                &provider.logout_claims("sub-lou", None),
                &json!({"kid": "key-1"}),
            ),
        ),
        (
            "HS256 keyed with the public key",
            hs256(
                provider.key.public_pem.as_bytes(),
                Some("key-1"),
                &provider.logout_claims("sub-lou", None),
            ),
        ),
        ("no logout event", {
            let mut claims = provider.logout_claims("sub-lou", None);
            claims.as_object_mut().expect("object").remove("events");
            provider.sign(&claims)
        }),
        ("neither sub nor sid", {
            let mut claims = provider.logout_claims("sub-lou", None);
            claims.as_object_mut().expect("object").remove("sub");
            provider.sign(&claims)
        }),
        ("another issuer", {
            let mut claims = provider.logout_claims("sub-lou", None);
            claims["iss"] = json!("https://evil.example");
            provider.sign(&claims)
        }),
        ("an ID token instead", {
            let mut claims = provider.logout_claims("sub-lou", None);
            claims.as_object_mut().expect("object").remove("events");
            claims["nonce"] = json!("some-nonce");
            let mut header = Header::new(Algorithm::RS256);
            header.kid = Some("key-1".into());
            provider.key.sign_with_header(&header, &claims)
        }),
        ("not a JWT", "not-a-jwt".to_owned()),
    ];
    for (case, logout_token) in &refused_tokens {
        let response = back_channel_logout(app, logout_token).await;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}: {body}");
        for (i, token) in tokens.iter().enumerate() {
            assert!(
                alive(token.clone()).await,
                "{case}: session {i} still alive"
            );
        }
    }
    let response = app
        .client
        .post(format!(
            "{}/auth/oidc/{PROVIDER}/backchannel-logout",
            app.address
        ))
        .form(&[("something_else", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "no logout_token"
    );

    // A real one naming sub and sid a: session a ends.
    let response = back_channel_logout(
        app,
        &provider.sign(&provider.logout_claims("sub-lou", Some("sid-a"))),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "a valid logout token");
    assert_eq!(
        me(app, &tokens[0]).await.err(),
        Some(StatusCode::UNAUTHORIZED),
        "session a ended"
    );
    // A real one naming only the person: every session of theirs ends.
    let response = back_channel_logout(
        app,
        &provider.sign(&provider.logout_claims("sub-lou", None)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "a valid logout token");
    assert_eq!(
        me(app, &tokens[1]).await.err(),
        Some(StatusCode::UNAUTHORIZED),
        "session b ended"
    );
    let lou = account_of(app, &provider.issuer, "sub-lou")
        .await
        .expect("lou's identity");
    let open: i64 = app
        .state
        .db
        .run(move |conn| -> Result<i64, Error> {
            Ok(sessions::table
                .filter(sessions::user_id.eq(lou))
                .filter(sessions::revoked_at.is_null())
                .count()
                .get_result(conn)?)
        })
        .await
        .expect("count");
    assert_eq!(open, 0, "no session of Lou's is left open");
    assert!(
        me(app, &bystander.access_token).await.is_ok(),
        "the bystander is still signed in"
    );
    let relogin = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"email": "bo@acme.example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(relogin.status(), StatusCode::OK);
}
