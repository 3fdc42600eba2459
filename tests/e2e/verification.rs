//! E-mail verification for password accounts, against the real SMTP sink of `mail.rs`: the
//! mail a sign-up gets, its link's page (a `GET` that changes nothing, a button that
//! verifies), what a verified address earns (the organization its domain is mapped to,
//! marked verified), the links that are refused (used, expired, replaced, made up), asking
//! for a new one (the API and the page, throttled), nothing at all with mail off, and the
//! report's mark on organizations whose people are verified.

use serde_json::{Value, json};

use crate::{
    backend_tests,
    events::{body, create_event, refusal, register_for},
    harness::{Account, Backend, TestApp},
    mail::{PUBLIC_URL, SmtpSink, assert_well_formed, link_in, portal, token_of},
    plain_browser::PlainBrowser,
};

backend_tests!(
    backend;
    a_verified_email_joins_the_organization_its_domain_is_mapped_to,
    expired_and_replaced_verification_links_are_refused_and_a_new_one_works,
    the_report_marks_organizations_whose_people_are_verified,
);

backend_tests!(with_mail_off_nothing_is_sent_and_the_mapping_applies_unverified);

/// The subject of the verification mail.
const SUBJECT: &str = "Confirm your cohack e-mail address";

async fn me(app: &TestApp, account: &Account) -> Value {
    body(app.get_as(&account.access_token, "/api/v1/me").await).await
}

/// Maps `domain` to the organization `organization_id`, as a portal organizer.
async fn map_domain(app: &TestApp, organizer: &Account, organization_id: &str, domain: &str) {
    let mapped = app
        .post(
            organizer.token(),
            &format!("/api/v1/organizations/{organization_id}/domains"),
            &json!({ "domain": domain }),
        )
        .await;
    assert_eq!(mapped.status(), 200, "map {domain}");
}

async fn ask_again(app: &TestApp, account: &Account) -> reqwest::Response {
    app.post(
        account.token(),
        "/api/v1/auth/email-verification",
        &json!({}),
    )
    .await
}

/// Opens the `n`th verification mail to `email` (1 first) and presses its button, in a
/// browser that is not signed in; the page it answers.
async fn verify_by_mail(app: &TestApp, sink: &SmtpSink, email: &str, n: usize) -> String {
    let mail = sink.wait_for(email, SUBJECT, n).await;
    let link = link_in(&mail, "/verify-email");
    let mut browser = PlainBrowser::new(app);
    browser.page(&link).await;
    let done = browser
        .submit("/verify-email", &[("token", &token_of(&link))])
        .await;
    assert_eq!(done.status(), 200, "confirm {email}");
    done.text().await.expect("html")
}

async fn a_verified_email_joins_the_organization_its_domain_is_mapped_to(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |_| {}).await;
    let organizer = app.portal_organizer("root@vendor.example").await;
    let founder = app.register("founder@acme-hq.example", "Acme").await;
    map_domain(&app, &organizer, &founder.organization_id, "acme.example").await;

    // Signing up at the mapped domain gets the organization typed, unverified, until the
    // address is proven.
    let alice = app.register("alice@acme.example", "Garage Band").await;
    let before = me(&app, &alice).await;
    assert_eq!(before["organization"]["name"], "Garage Band", "{before}");
    assert_eq!(before["email_verified"], false);
    assert_eq!(before["organization_verified"], false);

    let mail = sink.wait_for(&alice.email, SUBJECT, 1).await;
    assert_well_formed(&mail);
    let link = link_in(&mail, "/verify-email");
    assert!(
        mail["html"]
            .as_str()
            .expect("html")
            .contains(&format!("{PUBLIC_URL}{link}")),
        "{mail}"
    );
    assert!(
        mail["text"].as_str().expect("text").contains("48 hours"),
        "{mail}"
    );

    // Opening the link (a mail scanner fetching it, twice) changes nothing: it offers a button.
    let mut browser = PlainBrowser::new(&app);
    for _ in 0..2 {
        let page = browser.page(&link).await;
        assert!(
            page.contains("data-verify-confirm") && page.contains("alice@acme.example"),
            "{page}"
        );
    }
    assert_eq!(me(&app, &alice).await["email_verified"], false);

    // Pressing it verifies the address: Alice is in Acme now, verified.
    let token = token_of(&link);
    let done = browser
        .submit("/verify-email", &[("token", token.as_str())])
        .await;
    assert_eq!(done.status(), 200);
    let html = done.text().await.expect("html");
    assert!(
        html.contains("data-verify-done")
            && html.contains(r#"data-verify-organization="Acme""#)
            && html.contains("data-organization-verified"),
        "{html}"
    );
    let after = me(&app, &alice).await;
    assert_eq!(after["email_verified"], true, "{after}");
    assert_eq!(
        after["organization"]["id"],
        founder.organization_id.as_str()
    );
    assert_eq!(after["organization_verified"], true);

    // The link works once; a made-up one never did. Both say so on a page.
    let again = browser
        .submit("/verify-email", &[("token", token.as_str())])
        .await;
    assert_eq!(again.status(), 409);
    let html = again.text().await.expect("html");
    assert!(
        html.contains("data-verify-refused") && html.contains("used already"),
        "{html}"
    );
    assert_eq!(browser.get(&link).await.status(), 409);
    let wrong = browser.get("/verify-email?token=made-up-token").await;
    assert_eq!(wrong.status(), 404);
    assert!(
        wrong
            .text()
            .await
            .expect("html")
            .contains("This link does not work")
    );
    let wrong = browser
        .submit("/verify-email", &[("token", "made-up-token")])
        .await;
    assert_eq!(wrong.status(), 404);

    // A verified address needs no new link.
    let (status, code) = refusal(ask_again(&app, &alice).await).await;
    assert_eq!((status, code.as_str()), (409, "email_already_verified"));
    app.stop().await;
}

/// Moves every link of `user_id` past its expiry (as two days passing would).
async fn expire_links(app: &TestApp, user_id: &str) {
    let user_id = user_id.to_owned();
    app.state
        .db
        .write(move |conn| {
            use cohack_server::db::schema::email_verifications as links;
            use diesel::prelude::*;
            diesel::update(links::table.filter(links::user_id.eq(user_id)))
                .set(
                    links::expires_at
                        .eq(chrono::Utc::now().naive_utc() - chrono::TimeDelta::minutes(1)),
                )
                .execute(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("expire the links");
}

async fn expired_and_replaced_verification_links_are_refused_and_a_new_one_works(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |_| {}).await;
    let bob = app.register("bob@globex.example", "Globex").await;
    let first = link_in(
        &sink.wait_for(&bob.email, SUBJECT, 1).await,
        "/verify-email",
    );

    // Two days pass: the link has expired, and says so.
    expire_links(&app, &bob.id).await;
    let mut browser = PlainBrowser::new(&app);
    let expired = browser.get(&first).await;
    assert_eq!(expired.status(), 409);
    let html = expired.text().await.expect("html");
    assert!(
        html.contains("data-verify-refused") && html.contains("has expired"),
        "{html}"
    );
    let pressed = browser
        .submit("/verify-email", &[("token", &token_of(&first))])
        .await;
    assert_eq!(pressed.status(), 409);
    assert_eq!(me(&app, &bob).await["email_verified"], false);

    // Bob asks for a new link: it replaces the first, and works.
    assert_eq!(ask_again(&app, &bob).await.status(), 202);
    let second = link_in(
        &sink.wait_for(&bob.email, SUBJECT, 2).await,
        "/verify-email",
    );
    assert_ne!(first, second);
    assert_eq!(browser.get(&first).await.status(), 404, "replaced");
    let html = verify_by_mail(&app, &sink, &bob.email, 2).await;
    // Globex's domain is mapped to nothing: the organization stays as typed, unverified.
    assert!(
        html.contains(r#"data-verify-organization="Globex""#)
            && !html.contains("data-organization-verified"),
        "{html}"
    );
    let after = me(&app, &bob).await;
    assert_eq!(after["email_verified"], true, "{after}");
    assert_eq!(after["organization"]["name"], "Globex");
    assert_eq!(after["organization_verified"], false);

    // The account's page has the button; asking is throttled per account (three, then 429).
    let carol = app.register("carol@initech.example", "Initech").await;
    let mut page = PlainBrowser::sign_in(&app, "carol@initech.example").await;
    let html = page.page("/account/email-verification").await;
    assert!(
        html.contains(r#"data-email-verification="unverified""#)
            && html.contains("Mail me a new link"),
        "{html}"
    );
    let sent = page.submit("/account/email-verification", &[]).await;
    assert_eq!(sent.status(), 200);
    assert!(
        sent.text()
            .await
            .expect("html")
            .contains("data-verification-sent")
    );
    assert_eq!(ask_again(&app, &carol).await.status(), 202);
    assert_eq!(ask_again(&app, &carol).await.status(), 202);
    let throttled = ask_again(&app, &carol).await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().contains_key("retry-after"));
    let refused = page.submit("/account/email-verification", &[]).await;
    assert_eq!(refused.status(), 429);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("data-verification-error")
    );
    // The sign-up's mail and three more (in whatever order they arrive): only the newest
    // link works, each older one was replaced.
    sink.wait_for(&carol.email, SUBJECT, 4).await;
    let mut working = 0;
    for mail in sink.mails_about(&carol.email, SUBJECT) {
        let link = link_in(&mail, "/verify-email");
        match browser.get(&link).await.status().as_u16() {
            200 => working += 1,
            status => assert_eq!(status, 404, "{link}"),
        }
    }
    assert_eq!(working, 1, "one link works");
    app.stop().await;
}

async fn with_mail_off_nothing_is_sent_and_the_mapping_applies_unverified(app: TestApp) {
    let organizer = app.portal_organizer("root@vendor.example").await;
    let founder = app.register("founder@acme-hq.example", "Acme").await;
    map_domain(&app, &organizer, &founder.organization_id, "acme.example").await;

    // As before: the mapped domain picks the organization at sign-up, but nothing proved the
    // address, so neither it nor the organization counts as verified.
    let alice = app.register("alice@acme.example", "Garage Band").await;
    let account = me(&app, &alice).await;
    assert_eq!(
        account["organization"]["id"],
        founder.organization_id.as_str(),
        "{account}"
    );
    assert_eq!(account["email_verified"], false);
    assert_eq!(account["organization_verified"], false);

    let (status, code) = refusal(ask_again(&app, &alice).await).await;
    assert_eq!((status, code.as_str()), (409, "mail_off"));
    let (queued, links) = app
        .state
        .db
        .run(|conn| {
            use cohack_server::db::schema::{email_verifications, outbox};
            use diesel::prelude::*;
            let queued = outbox::table.count().get_result::<i64>(conn)?;
            let links = email_verifications::table.count().get_result::<i64>(conn)?;
            Ok::<_, cohack_server::error::Error>((queued, links))
        })
        .await
        .expect("counts");
    assert_eq!((queued, links), (0, 0), "nothing queued, no link made");

    let mut page = PlainBrowser::sign_in(&app, "alice@acme.example").await;
    let html = page.page("/account/email-verification").await;
    assert!(
        html.contains("sends no mail") && !html.contains("Mail me a new link"),
        "{html}"
    );
    let refused = page.submit("/account/email-verification", &[]).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(page.get("/verify-email?token=anything").await.status(), 404);
    assert_eq!(me(&app, &alice).await["email_verified"], false);
}

async fn the_report_marks_organizations_whose_people_are_verified(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |_| {}).await;
    let organizer = app.portal_organizer("root@vendor.example").await;
    let founder = app.register("founder@acme-hq.example", "Acme").await;
    map_domain(&app, &organizer, &founder.organization_id, "acme.example").await;
    // Alice proves her Acme address; Bob types Globex and proves nothing.
    let alice = app.register("alice@acme.example", "Acme").await;
    verify_by_mail(&app, &sink, &alice.email, 1).await;
    let bob = app.register("bob@globex.example", "Globex").await;

    create_event(
        &app,
        &organizer,
        "trust-hack",
        json!({"name": "Trust Hack"}),
    )
    .await;
    for (account, team) in [(&alice, "Nimbus"), (&bob, "Stratus")] {
        assert_eq!(register_for(&app, account, "trust-hack", None).await, 201);
        let made = app
            .post(
                account.token(),
                "/api/v1/events/trust-hack/teams",
                &json!({ "name": team }),
            )
            .await;
        assert_eq!(made.status(), 201, "team {team}");
    }

    // The insights JSON: one entry per organization, by name.
    let report = body(
        app.get_as(
            &organizer.access_token,
            "/api/v1/events/trust-hack/insights",
        )
        .await,
    )
    .await;
    assert_eq!(
        report["organizations"],
        json!([
            {"id": founder.organization_id, "organization": "Acme", "teams": 1, "people": 1,
             "verified_people": 1, "verified": true},
            {"id": bob.organization_id, "organization": "Globex", "teams": 1, "people": 1,
             "verified_people": 0, "verified": false},
        ]),
        "{report}"
    );
    // The organization filter keeps its organization only.
    let filtered = body(
        app.get_as(
            &organizer.access_token,
            "/api/v1/events/trust-hack/insights?organization=globex",
        )
        .await,
    )
    .await;
    assert_eq!(
        filtered["organizations"].as_array().map(Vec::len),
        Some(1),
        "{filtered}"
    );

    // The page and the self-contained file: a badge, the count and the legend.
    let mut page = PlainBrowser::sign_in(&app, "root@vendor.example").await;
    for path in [
        "/events/trust-hack/report",
        "/events/trust-hack/report/download",
    ] {
        let html = page.page(path).await;
        assert!(
            html.contains(
                r#"data-organization="Acme" data-people="1" data-verified-people="1" data-verified="true""#
            ) && html.contains(
                r#"data-organization="Globex" data-people="1" data-verified-people="0" data-verified="false""#
            ),
            "{path}: {html}"
        );
        assert!(
            html.contains("1 of 1 person verified")
                && html.contains("0 of 1 person verified")
                && html.contains(r#"<span class="report-verified">verified</span>"#)
                && html.contains("data-trust-legend"),
            "{path}: {html}"
        );
    }
    app.stop().await;
}
