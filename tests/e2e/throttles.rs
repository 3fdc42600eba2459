//! Throttles as a venue, a reverse proxy and an attacker meet them: a room of 500 behind one
//! address signs up and in at kickoff, the same room through a trusted proxy, one account's
//! password guessed from one and from many addresses while its owner signs in, forwarded
//! headers from a peer nobody trusts, invite codes guessed, materials asked for again and
//! again, and one user opening socket after socket.
//!
//! The throttles' clock is stopped at the start of each test and moved by hand
//! (`throttles.clock()`), so ten minutes of an event play in seconds and every count is exact
//! however slow the machine; nothing here asserts on time.

use std::time::Duration;

use cohack_server::auth::throttle::Clock;
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    backend_tests,
    challenges::{materials, publish_all, running_event, team},
    events::{create_event, refusal},
    harness::{PASSWORD, TestApp, run_cohack},
    live::{team_ws, world},
    live_client::{connect, ws_url},
    plain_browser::PlainBrowser,
};

backend_tests!(
    a_room_of_500_signs_up_and_in_from_one_address,
    a_room_of_500_signs_up_and_in_through_a_trusted_proxy,
    guessing_one_account_is_throttled_while_its_owner_signs_in,
    forwarded_headers_from_an_untrusted_peer_change_nothing,
    web_and_api_sign_ins_share_one_budget,
    invite_code_guessing_is_throttled,
    materials_are_throttled_per_team,
    a_user_opening_many_sockets_is_capped,
);

/// Attendees at once, as a room arrives in waves.
const WAVE: usize = 10;
/// The password a fifth of the room types first.
const TYPO: &str = "correct horse battery stapel";

/// `app`'s throttle clock, stopped: only `advance` moves it now.
fn stopped_clock(app: &TestApp) -> &Clock {
    let clock = app.state.throttles.clock();
    clock.pause();
    clock
}

/// A second instance on `app`'s database that trusts the proxy at 127.0.0.1 (the tests),
/// its throttle clock stopped.
async fn behind_proxy(app: &TestApp) -> TestApp {
    let proxied = app
        .spawn_sibling(|config| {
            config.trusted_proxies = "127.0.0.1/32".parse().expect("range");
        })
        .await;
    stopped_clock(&proxied);
    proxied
}

/// `POST` JSON as `token`'s user, with `X-Forwarded-For: forwarded` when given.
async fn post_from(
    app: &TestApp,
    forwarded: Option<&str>,
    token: Option<&str>,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    let mut request = app.client.post(format!("{}{path}", app.address)).json(body);
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request sent")
}

/// The company of `email`: one of 50 at the event. (Attendees of one company signing up at
/// the very same moment is left out: two sign-ups creating one new organization at once
/// conflict on PostgreSQL, a race in `Organization::find_or_create` outside these tests.)
fn company(email: &str) -> String {
    let digits: String = email.chars().filter(char::is_ascii_digit).collect();
    format!("Company {}", digits.parse::<u32>().unwrap_or(0) % 50)
}

async fn api_sign_up(app: &TestApp, forwarded: Option<&str>, email: &str) -> StatusCode {
    let body = json!({
        "email": email,
        "password": PASSWORD,
        "display_name": email.split('@').next().unwrap_or(email),
        "organization": company(email),
    });
    post_from(app, forwarded, None, "/api/v1/auth/register", &body)
        .await
        .status()
}

async fn api_sign_in(
    app: &TestApp,
    forwarded: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let body = json!({ "email": email, "password": password });
    post_from(app, forwarded, None, "/api/v1/auth/login", &body).await
}

/// Attendee `n` signs up: through the sign-up page if `n` is even, the API if odd. Returns
/// the statuses that were not what a working sign-up answers.
async fn attendee_signs_up(app: &TestApp, n: usize) -> Option<String> {
    let email = format!("attendee{n}@venue.example");
    if n.is_multiple_of(2) {
        let mut browser = PlainBrowser::new(app);
        browser.page("/signup").await;
        let organization = company(&email);
        let fields = [
            ("email", email.as_str()),
            ("display_name", "Attendee"),
            ("organization", organization.as_str()),
            ("password", PASSWORD),
        ];
        let status = browser.submit("/signup", &fields).await.status();
        (status != StatusCode::SEE_OTHER).then(|| format!("{email} page sign-up: {status}"))
    } else {
        let status = api_sign_up(app, None, &email).await;
        (status != StatusCode::CREATED).then(|| format!("{email} API sign-up: {status}"))
    }
}

/// Attendee `n` signs in (page or API as for signing up); every fifth mistypes once first.
async fn attendee_signs_in(app: &TestApp, n: usize) -> Option<String> {
    let email = format!("attendee{n}@venue.example");
    let typo_first = n.is_multiple_of(5);
    if n.is_multiple_of(2) {
        let mut browser = PlainBrowser::new(app);
        browser.page("/signin").await;
        if typo_first {
            let typo = browser
                .submit("/signin", &[("email", &email), ("password", TYPO)])
                .await
                .status();
            if typo != StatusCode::UNAUTHORIZED {
                return Some(format!("{email} page typo: {typo}"));
            }
        }
        let fields = [("email", email.as_str()), ("password", PASSWORD)];
        let status = browser.submit("/signin", &fields).await.status();
        (status != StatusCode::SEE_OTHER).then(|| format!("{email} page sign-in: {status}"))
    } else {
        if typo_first {
            let typo = api_sign_in(app, None, &email, TYPO).await.status();
            if typo != StatusCode::UNAUTHORIZED {
                return Some(format!("{email} API typo: {typo}"));
            }
        }
        let status = api_sign_in(app, None, &email, PASSWORD).await.status();
        (status != StatusCode::OK).then(|| format!("{email} API sign-in: {status}"))
    }
}

/// Plays `step` for attendees 0..500 in waves of [`WAVE`] spread over ten minutes of the
/// throttles' clock; returns every refusal.
async fn ten_minutes_of<'a, F>(
    app: &'a TestApp,
    step: impl Fn(&'a TestApp, usize) -> F,
) -> Vec<String>
where
    F: Future<Output = Option<String>>,
{
    let waves = 500 / WAVE;
    let mut refused = Vec::new();
    for wave in 0..waves {
        let arrivals = (wave * WAVE..(wave + 1) * WAVE).map(|n| step(app, n));
        refused.extend(join_all(arrivals).await.into_iter().flatten());
        stopped_clock(app)
            .advance(Duration::from_secs(600) / u32::try_from(waves).expect("few waves"));
    }
    refused
}

async fn a_room_of_500_signs_up_and_in_from_one_address(app: TestApp) {
    // Kickoff at a venue: everyone behind one NAT address, half in the browser, half through
    // the API, a fifth mistyping their password once.
    stopped_clock(&app);
    let refused = ten_minutes_of(&app, attendee_signs_up).await;
    assert!(refused.is_empty(), "{} refused: {refused:?}", refused.len());
    let refused = ten_minutes_of(&app, attendee_signs_in).await;
    assert!(refused.is_empty(), "{} refused: {refused:?}", refused.len());
}

async fn a_room_of_500_signs_up_and_in_through_a_trusted_proxy(app: TestApp) {
    // Every request arrives from the proxy; each attendee's own address is forwarded.
    let proxied = behind_proxy(&app).await;
    let address = |n: usize| format!("100.64.{}.{}", n / 200, n % 200 + 1);
    let mut refused = Vec::new();
    for wave in 0..500 / WAVE {
        let arrivals = (wave * WAVE..(wave + 1) * WAVE).map(|n| {
            let (proxied, forwarded) = (&proxied, address(n));
            async move {
                let email = format!("remote{n}@venue.example");
                let up = api_sign_up(proxied, Some(&forwarded), &email).await;
                let typo = match n % 5 {
                    0 => api_sign_in(proxied, Some(&forwarded), &email, TYPO)
                        .await
                        .status(),
                    _ => StatusCode::UNAUTHORIZED,
                };
                let signed_in = api_sign_in(proxied, Some(&forwarded), &email, PASSWORD)
                    .await
                    .status();
                let outcome = (up, typo, signed_in);
                let expected = (
                    StatusCode::CREATED,
                    StatusCode::UNAUTHORIZED,
                    StatusCode::OK,
                );
                (outcome != expected).then(|| format!("{email} from {forwarded}: {outcome:?}"))
            }
        });
        refused.extend(join_all(arrivals).await.into_iter().flatten());
    }
    assert!(refused.is_empty(), "{} refused: {refused:?}", refused.len());

    // The throttles count each forwarded address: a guesser behind the same proxy is
    // stopped, the attendees beside it are not.
    let guesser = Some("100.64.99.99");
    let statuses =
        join_all((0..15).map(|_| api_sign_in(&proxied, guesser, "remote1@venue.example", TYPO)))
            .await;
    let throttled = statuses.iter().filter(|r| r.status() == 429).count();
    assert_eq!(throttled, 5, "10 guesses, then 429");
    let owner = api_sign_in(
        &proxied,
        Some(&address(1)),
        "remote1@venue.example",
        PASSWORD,
    )
    .await;
    assert_eq!(owner.status(), 200);
    proxied.stop().await;
}

async fn guessing_one_account_is_throttled_while_its_owner_signs_in(app: TestApp) {
    let proxied = behind_proxy(&app).await;
    let clock = proxied.state.throttles.clock();
    let (owner, home) = ("customer@acme.example", Some("192.0.2.10"));
    assert_eq!(
        api_sign_up(&proxied, home, owner).await,
        StatusCode::CREATED
    );

    // A competitor sends one wrong password every 6 s for ten minutes.
    let competitor = Some("198.51.100.66");
    let (mut tried, mut throttled) = (0, 0);
    for second in (0..600u32).step_by(6) {
        match api_sign_in(&proxied, competitor, owner, TYPO)
            .await
            .status()
        {
            StatusCode::UNAUTHORIZED => tried += 1,
            StatusCode::TOO_MANY_REQUESTS => throttled += 1,
            other => panic!("competitor got {other}"),
        }
        clock.advance(Duration::from_secs(6));
        if second.is_multiple_of(60) {
            let signed_in = api_sign_in(&proxied, home, owner, PASSWORD).await;
            assert_eq!(signed_in.status(), 200, "the owner is never locked out");
        }
    }
    assert!(
        tried <= 21 && throttled >= 79,
        "{tried} tried, {throttled} throttled"
    );

    // Then a botnet: 40 addresses, 10 guesses each.
    let mut outcomes = Vec::new();
    for n in 1..=40 {
        let address = format!("203.0.113.{n}");
        for _ in 0..10 {
            let response = api_sign_in(&proxied, Some(&address), owner, TYPO).await;
            outcomes.push(response.status());
            if response.status() == 429 {
                let (_, code) = refusal(response).await;
                assert_eq!(code, "rate_limited");
            }
        }
    }
    let tried = outcomes.iter().filter(|s| **s == 401).count();
    assert!(
        tried <= 100,
        "the per-account budget: {tried} guesses checked"
    );
    assert!(outcomes.iter().filter(|s| **s == 429).count() >= 300);

    // The owner, from where they signed in before, still gets in; a place the account has
    // never been signed in from waits while the account is under attack.
    let signed_in = api_sign_in(&proxied, home, owner, PASSWORD).await;
    assert_eq!(signed_in.status(), 200);
    let elsewhere = api_sign_in(&proxied, Some("192.0.2.200"), owner, PASSWORD).await;
    assert_eq!(elsewhere.status(), 429);
    proxied.stop().await;
}

async fn forwarded_headers_from_an_untrusted_peer_change_nothing(app: TestApp) {
    // No proxy is trusted: an attacker rotating X-Forwarded-For and Forwarded is still one
    // client. Spraying one password over many accounts stops at the per-client budget.
    stopped_clock(&app);
    let mut tried = 0;
    let mut first_refusal = None;
    for n in 0..150u32 {
        let forged = format!("10.{}.{}.1", n / 250, n % 250);
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("x-forwarded-for", &forged)
            .header("forwarded", format!("for={forged}"))
            .json(&json!({"email": format!("user{n}@acme.example"), "password": TYPO}))
            .send()
            .await
            .expect("sent");
        match response.status() {
            StatusCode::UNAUTHORIZED => tried += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                first_refusal.get_or_insert(n);
            }
            other => panic!("got {other}"),
        }
    }
    assert_eq!(tried, 100, "the per-client budget");
    assert_eq!(first_refusal, Some(100));

    // An instance trusting another range ignores them from here just the same.
    let other = app
        .spawn_sibling(|config| config.trusted_proxies = "10.0.0.0/8".parse().expect("range"))
        .await;
    stopped_clock(&other);
    assert_eq!(
        api_sign_up(&other, None, "dana@acme.example").await,
        StatusCode::CREATED
    );
    let statuses = join_all((0..12u8).map(|n| {
        let forged = format!("198.51.100.{n}");
        let other = &other;
        async move {
            api_sign_in(other, Some(&forged), "dana@acme.example", TYPO)
                .await
                .status()
        }
    }))
    .await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 10);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 2);
    other.stop().await;
}

async fn web_and_api_sign_ins_share_one_budget(app: TestApp) {
    let clock = stopped_clock(&app);
    app.register("erin@acme.example", "Acme").await;
    let mut browser = PlainBrowser::new(&app);
    browser.page("/signin").await;
    let wrong = [("email", "erin@acme.example"), ("password", TYPO)];
    for _ in 0..5 {
        let page = browser.submit("/signin", &wrong).await;
        assert_eq!(page.status(), 401);
        let api = api_sign_in(&app, None, "erin@acme.example", TYPO).await;
        assert_eq!(api.status(), 401);
    }
    let page = browser.submit("/signin", &wrong).await;
    assert_eq!(page.status(), 429);
    let text = page.text().await.expect("html");
    assert!(text.contains("too many requests"), "{text}");
    let api = api_sign_in(&app, None, "erin@acme.example", PASSWORD).await;
    assert_eq!(
        api.status(),
        429,
        "the same budget, even for the right password"
    );
    // A minute later one more try is allowed, and the owner's success costs nothing.
    clock.advance(Duration::from_secs(60));
    let right = [("email", "erin@acme.example"), ("password", PASSWORD)];
    assert_eq!(browser.submit("/signin", &right).await.status(), 303);
    let api = api_sign_in(&app, None, "erin@acme.example", PASSWORD).await;
    assert_eq!(api.status(), 200);
}

async fn invite_code_guessing_is_throttled(app: TestApp) {
    let proxied = behind_proxy(&app).await;
    let organizer = proxied.portal_organizer("org@vendor.example").await;
    create_event(
        &proxied,
        &organizer,
        "closed",
        json!({"registration": "invite", "invite_code": "sesame-open-up"}),
    )
    .await;
    let account = |email: &'static str, from: &'static str| {
        let proxied = &proxied;
        async move {
            assert_eq!(
                api_sign_up(proxied, Some(from), email).await,
                StatusCode::CREATED
            );
            let response = api_sign_in(proxied, Some(from), email, PASSWORD).await;
            let body: Value = response.json().await.expect("json");
            body["access_token"].as_str().expect("token").to_owned()
        }
    };
    let register = |token: String, from: &'static str, code: String| {
        let proxied = &proxied;
        async move {
            post_from(
                proxied,
                Some(from),
                Some(&token),
                "/api/v1/events/closed/registrations",
                &json!({ "invite_code": code }),
            )
            .await
        }
    };

    // One account guessing the event's code: 20 wrong answers, then 429, even for the
    // right code.
    let venue = "198.51.100.1";
    let mallory = account("mallory@rival.example", venue).await;
    for n in 0..20 {
        let wrong = register(mallory.clone(), venue, format!("guess-{n}")).await;
        assert_eq!(refusal(wrong).await, (403, "invalid_invite_code".into()));
    }
    let wrong = register(mallory.clone(), venue, "guess-20".into()).await;
    assert_eq!(refusal(wrong).await, (429, "rate_limited".into()));
    let right = register(mallory.clone(), venue, "sesame-open-up".into()).await;
    assert_eq!(right.status(), 429);

    // More accounts from the same address: 30 wrong codes per address.
    let mut wrong_answers = 20;
    for email in [
        "sock1@rival.example",
        "sock2@rival.example",
        "sock3@rival.example",
    ] {
        let sock = account(email, venue).await;
        for n in 0..10 {
            let response = register(sock.clone(), venue, format!("{email}-{n}")).await;
            match refusal(response).await {
                (403, code) if code == "invalid_invite_code" => wrong_answers += 1,
                (429, code) if code == "rate_limited" => {}
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(wrong_answers, 30);

    // An invitee elsewhere with the right code is not affected.
    let alice = account("alice@acme.example", "192.0.2.5").await;
    let right = register(alice.clone(), "192.0.2.5", "sesame-open-up".into()).await;
    assert_eq!(right.status(), 201);

    // Team codes: 20 wrong guesses per user, then 429; the invitee with the code joins.
    let team = post_from(
        &proxied,
        Some("192.0.2.5"),
        Some(&alice),
        "/api/v1/events/closed/teams",
        &json!({"name": "Acme Rockets"}),
    )
    .await;
    assert_eq!(team.status(), 201);
    let team: Value = team.json().await.expect("json");
    let (team_id, code) = (
        team["id"].as_str().expect("id").to_owned(),
        team["invite_code"].as_str().expect("code").to_owned(),
    );
    let join = |token: String, from: &'static str, code: String| {
        let (proxied, path) = (&proxied, format!("/api/v1/teams/{team_id}/members"));
        async move {
            post_from(
                proxied,
                Some(from),
                Some(&token),
                &path,
                &json!({"invite_code": code}),
            )
            .await
        }
    };
    let eve_from = "203.0.113.50";
    let eve = account("eve@rival.example", eve_from).await;
    let guesses = join_all((0..300).map(|n| join(eve.clone(), eve_from, format!("{n:010}")))).await;
    let not_found = guesses.iter().filter(|r| r.status() == 404).count();
    let throttled = guesses.iter().filter(|r| r.status() == 429).count();
    assert_eq!((not_found, throttled), (20, 280), "300 guesses at once");
    let bob_from = "192.0.2.6";
    let bob = account("bob@acme.example", bob_from).await;
    let registered = register(bob.clone(), bob_from, "sesame-open-up".into()).await;
    assert_eq!(registered.status(), 201);
    assert_eq!(join(bob, bob_from, code).await.status(), 201);
    proxied.stop().await;
}

async fn materials_are_throttled_per_team(app: TestApp) {
    stopped_clock(&app);
    let event = running_event(&app, "materials-throttle").await;
    publish_all(&app, &event, &["01-first-contact"]).await;
    let (alice, red) = team(&app, &event, "red").await;
    let (bob, blue) = team(&app, &event, "blue").await;
    // Nobody outside the team can spend its budget: they get 404 before anything runs.
    for _ in 0..40 {
        let outsider = materials(&app, &bob.access_token, &red, "first-contact").await;
        assert_eq!(outsider.status(), 404);
    }
    // Each request runs the validator: 30 at once, then one every 2 s.
    for n in 0..30 {
        let response = materials(&app, &alice.access_token, &red, "first-contact").await;
        assert_eq!(response.status(), 200, "request {n}");
    }
    let throttled = materials(&app, &alice.access_token, &red, "first-contact").await;
    assert_eq!(refusal(throttled).await, (429, "rate_limited".into()));
    let other_team = materials(&app, &bob.access_token, &blue, "first-contact").await;
    assert_eq!(other_team.status(), 200, "each team has its own budget");
    app.state.throttles.clock().advance(Duration::from_secs(2));
    let later = materials(&app, &alice.access_token, &red, "first-contact").await;
    assert_eq!(later.status(), 200, "one more every 2 s");
}

async fn a_user_opening_many_sockets_is_capped(app: TestApp) {
    let w = world(&app).await;
    let path = team_ws(&w);
    let cap = cohack_server::live::caps::SOCKETS_PER_USER;
    let mut open = Vec::new();
    for _ in 0..cap {
        open.push(connect(&app, &path, Some(&w.alice.access_token)).await);
    }
    // One more is refused before the upgrade, with the usual error body.
    let refused = app
        .client
        .get(ws_url(&app, &path, Some(&w.alice.access_token)).replacen("ws://", "http://", 1))
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .header("sec-websocket-version", "13")
        .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .expect("sent");
    assert_eq!(refusal(refused).await, (429, "rate_limited".into()));
    // Her teammate is not affected; closing one socket frees a place.
    let bob = connect(&app, &path, Some(&w.bob.access_token)).await;
    let mut closed = open.pop().expect("a socket");
    closed.stream.close(None).await.expect("closed");
    let _ = closed.expect_close().await;
    let mut reopened = None;
    for _ in 0..100 {
        if app.state.socket_caps.held_by(&w.alice.id) < cap {
            reopened = Some(connect(&app, &path, Some(&w.alice.access_token)).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some(), "a closed socket frees its place");
    drop((open, bob, reopened));
}

#[test]
fn a_bad_trusted_proxies_value_names_the_variable() {
    let dir = tempfile::tempdir().expect("dir");
    let out = run_cohack(
        dir.path(),
        &["serve", "--print-config"],
        &[("COHACK_TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0/33")],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("COHACK_TRUSTED_PROXIES"), "{stderr}");
    assert!(stderr.contains("10.0.0/33"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let ok = run_cohack(
        dir.path(),
        &["serve", "--print-config"],
        &[(
            "COHACK_TRUSTED_PROXIES",
            "10.0.0.0/8, 2001:db8::/32 192.0.2.1",
        )],
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for range in ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1/32"] {
        assert!(stdout.contains(&format!("\"{range}\"")), "{stdout}");
    }
}
