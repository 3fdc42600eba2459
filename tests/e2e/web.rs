//! The web UI over plain HTTP, as a browser and as an attacker use it: the session cookie and
//! its flags, CSRF refusals, the first-run set-up, redirects that must stay on the site, the
//! security headers, sanitized Markdown, error pages for browsers (JSON for API clients), and
//! the workspace's Endpoints panel with the requests a run sent shown escaped. (What needs a
//! real browser — scripts, live updates — is in `browser_*.rs`.)

use reqwest::{StatusCode, header};
use serde_json::json;

use crate::{
    backend_tests,
    challenges::running_event,
    harness::{PASSWORD, TestApp},
    plain_browser::PlainBrowser,
};

backend_tests!(
    first_run_setup_makes_one_portal_organizer,
    sign_up_in_and_out_through_forms,
    forms_need_the_csrf_token_and_this_origin,
);

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie set"))
        .to_owned()
}

fn meta(html: &str, name: &str) -> Option<String> {
    let marker = format!("<meta name=\"{name}\" content=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

async fn first_run_setup_makes_one_portal_organizer(app: TestApp) {
    let mut browser = PlainBrowser::new(&app);
    let home = browser.page("/").await;
    assert!(
        home.contains("href=\"/setup\""),
        "a new portal offers its set-up"
    );
    let form = browser.page("/setup").await;
    assert!(form.contains("Set up this portal"));
    let done = browser
        .submit(
            "/setup",
            &[
                ("email", "lead@vendor.example"),
                ("display_name", "Lead"),
                ("organization", "Vendor"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&done), "/events/new");
    let cookie = set_cookie(&done, "cohack_session");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let new_event = browser.page("/events/new").await;
    assert!(new_event.contains("Create event"));

    // The organizer creates an event through the form (times are UTC datetime-local values).
    let created = browser
        .submit(
            "/events/new",
            &[
                ("name", "Spring Hack"),
                ("slug", "spring-hack"),
                ("description", "Build *things*."),
                ("starts_at", "2030-05-04T09:00"),
                ("ends_at", "2030-05-05T17:00"),
                ("freeze_at", ""),
                ("registration", "open"),
                ("invite_code", ""),
                ("team_size_min", "1"),
                ("team_size_max", "4"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&created), "/events/spring-hack");
    let event = browser.page("/events/spring-hack").await;
    assert!(event.contains("<em>things</em>"), "{event}");
    assert!(event.contains("4 May 2030, 09:00"), "{event}");
    // A bad form comes back with its message and the values typed.
    let refused = browser
        .submit(
            "/events/new",
            &[
                ("name", "Again"),
                ("slug", "spring-hack"),
                ("starts_at", "2030-05-04T09:00"),
                ("ends_at", "2030-05-05T17:00"),
                ("registration", "open"),
                ("team_size_min", "1"),
                ("team_size_max", "4"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let body = refused.text().await.expect("html");
    assert!(body.contains("role=\"alert\""), "{body}");
    assert!(body.contains("value=\"Again\""), "{body}");

    // The set-up happens once: afterwards it sends visitors home and refuses posts.
    let mut stranger = PlainBrowser::new(&app);
    let again = stranger.get("/setup").await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&again), "/");
    stranger.page("/signin").await;
    let hijack = stranger
        .submit(
            "/setup",
            &[
                ("email", "mallory@evil.example"),
                ("display_name", "Mallory"),
                ("organization", "Evil"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(hijack.status(), StatusCode::CONFLICT);
    assert!(!stranger.cookies.contains_key("cohack_session"));
}

async fn sign_up_in_and_out_through_forms(app: TestApp) {
    let mut browser = PlainBrowser::new(&app);
    let signed_up = browser
        .sign_up("dana@acme.example", "Dana", "/events")
        .await;
    assert_eq!(signed_up.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&signed_up), "/events");
    let home = browser.page("/").await;
    assert!(home.contains("Dana"), "signed in: the name shows");
    // Pages without live parts carry no access token; signed-in visitors of the sign-in
    // page go straight on.
    assert!(meta(&home, "cohack-token").is_none());
    let response = browser.get("/signin?next=/events/x").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/events/x");
    let token = {
        browser
            .client
            .post(format!("{}/session/token", app.address))
            .header(header::COOKIE, browser.cookie_header())
            .header("x-csrf-token", browser.csrf())
            .send()
            .await
            .expect("token")
            .json::<serde_json::Value>()
            .await
            .expect("json")["access_token"]
            .as_str()
            .expect("token string")
            .to_owned()
    };
    let me = app.get_as(&token, "/api/v1/me").await;
    assert_eq!(me.status(), 200, "the page's token works on the API");

    // Without the CSRF header, no token.
    let refused = browser
        .client
        .post(format!("{}/session/token", app.address))
        .header(header::COOKIE, browser.cookie_header())
        .send()
        .await
        .expect("token");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // Sign out: the cookie is cleared, and replaying the old one signs nobody in; the page's
    // access token dies with the session.
    let old_session = browser.cookies["cohack_session"].clone();
    let out = browser.submit("/signout", &[]).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(!browser.cookies.contains_key("cohack_session"));
    browser.cookies.insert("cohack_session".into(), old_session);
    let home = browser.page("/").await;
    assert!(!home.contains("Dana"), "a replayed cookie signs nobody in");
    let me = app.get_as(&token, "/api/v1/me").await;
    assert_eq!(me.status(), 401);

    // Signing in again; a wrong password shows the form again with one message for both
    // unknown emails and wrong passwords.
    let mut browser = PlainBrowser::new(&app);
    browser.page("/signin").await;
    let wrong = browser
        .submit(
            "/signin",
            &[
                ("email", "dana@acme.example"),
                ("password", "nope nope nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body = wrong.text().await.expect("html");
    assert!(body.contains("invalid email or password"), "{body}");
    assert!(body.contains("value=\"dana@acme.example\""));
    let right = browser
        .submit(
            "/signin",
            &[
                ("email", "dana@acme.example"),
                ("password", PASSWORD),
                ("next", "//evil.example/phish"),
            ],
        )
        .await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&right), "/", "next never leaves the site");
}

async fn forms_need_the_csrf_token_and_this_origin(app: TestApp) {
    let mut browser = PlainBrowser::new(&app);
    browser.page("/signin").await;
    let fields = [("email", "x@acme.example"), ("password", PASSWORD)];
    let missing = browser.post_form("/signin", &fields, None).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST, "no csrf field");
    let wrong = browser
        .post_form(
            "/signin",
            &[("csrf", "A".repeat(43).as_str()), fields[0], fields[1]],
            None,
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let csrf = browser.csrf();
    let cross_site = browser
        .post_form(
            "/signin",
            &[("csrf", csrf.as_str()), fields[0], fields[1]],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let body = cross_site.text().await.expect("html");
    assert!(body.contains("<html"), "browsers get an error page");

    // A signed-in user's actions need the token too.
    let mut dana = PlainBrowser::new(&app);
    dana.sign_up("dana@acme.example", "Dana", "/").await;
    let forged = dana
        .post_form("/signout", &[("csrf", "B".repeat(43).as_str())], None)
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let body = forged.text().await.expect("html");
    assert!(
        body.contains("Dana"),
        "the error page shows who is signed in"
    );
    assert!(dana.page("/").await.contains("Dana"), "still signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_strict_security_headers_and_no_inline_code() {
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "headers").await;
    let mut browser = PlainBrowser::new(&app);
    for path in [
        "/",
        "/signin",
        "/signup",
        "/setup",
        &format!("/events/{}", event.slug),
    ] {
        let response = browser.get(path).await;
        let headers = response.headers().clone();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let html = response.text().await.expect("html");
        assert!(!html.contains("<script>"), "{path}: inline script");
        assert!(!html.contains(" style=\""), "{path}: inline style");
        assert!(!html.contains(" onclick="), "{path}: inline handler");
        for script in html.split("<script").skip(1) {
            assert!(
                script
                    .trim_start()
                    .starts_with("type=\"module\" src=\"/assets/")
            );
        }
    }
    // Assets are served with long-lived caching and the right type.
    let home = browser.page("/").await;
    let css = home
        .split("href=\"")
        .find(|s| s.starts_with("/assets/app.css"))
        .and_then(|s| s.split('"').next())
        .expect("stylesheet link")
        .to_owned();
    let response = browser.get(&css).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .expect("type")
            .starts_with("text/css")
    );
    assert!(
        response.headers()[header::CACHE_CONTROL]
            .to_str()
            .expect("cache")
            .contains("immutable")
    );
    assert!(!response.headers().contains_key(header::CONTENT_ENCODING));
    assert!(response.text().await.expect("css").contains("--accent"));
    // Browsers get the copy gzipped at build time.
    let packed = app
        .client
        .get(format!("{}{css}", app.address))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .expect("css");
    assert_eq!(packed.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(packed.headers()[header::VARY], "Accept-Encoding");
    let bytes = packed.bytes().await.expect("body");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");
    let refused = app
        .client
        .get(format!("{}{css}", app.address))
        .header(header::ACCEPT_ENCODING, "gzip;q=0, identity")
        .send()
        .await
        .expect("css");
    assert!(!refused.headers().contains_key(header::CONTENT_ENCODING));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_written_markdown_is_sanitized() {
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "xss").await;
    let response = app
        .send(
            reqwest::Method::PATCH,
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"description": "Hi <script>alert('x')</script> <img src=x onerror=alert(1)> [go](javascript:alert(1)) **bold**"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut browser = PlainBrowser::new(&app);
    let html = browser.page(&format!("/events/{}", event.slug)).await;
    assert!(html.contains("<strong>bold</strong>"));
    assert!(!html.contains("alert('x')</script>"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_get_pages_and_redirects_api_clients_get_json() {
    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let mut browser = PlainBrowser::new(&app);
    let missing = browser.get("/events/no-such-event").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let body = missing.text().await.expect("html");
    assert!(
        body.contains("<html") && body.contains("Not found"),
        "{body}"
    );
    let unknown = browser.get("/no/such/page").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.text().await.expect("html").contains("<html"));

    let api = app.get("/api/v1/events/no-such-event").await;
    assert_eq!(api.status(), 404);
    let json: serde_json::Value = api.json().await.expect("json");
    assert_eq!(json["error"]["code"], "not_found");

    // A signed-out visitor of a page that needs an account is sent to sign in, and back.
    let workspace = browser.get("/teams/0190-some-team?tab=chat").await;
    assert_eq!(workspace.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&workspace),
        "/signin?next=%2Fteams%2F0190-some-team%3Ftab%3Dchat"
    );
    let new_event = browser.get("/events/new").await;
    assert_eq!(new_event.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_links_register_and_join_but_cannot_be_guessed() {
    use crate::challenges::team;

    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "invites").await;
    let (_, team_id) = team(&app, &event, "Owls").await;
    let code = expect_team_code(&app, &event, &team_id).await;

    // A wrong code and an unknown team are the same 404 page.
    let mut newcomer = PlainBrowser::new(&app);
    let wrong = newcomer
        .get(&format!("/teams/{team_id}/join?code=nope"))
        .await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    assert!(!wrong.text().await.expect("html").contains("Owls"));
    let unknown = newcomer.get("/teams/no-such-team/join?code=nope").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // Signed out, the link offers sign-up and comes back to itself.
    let link = format!("/teams/{team_id}/join?code={code}");
    let page = newcomer.page(&link).await;
    assert!(page.contains("Join Owls"));
    let next: String = url::form_urlencoded::byte_serialize(link.as_bytes()).collect();
    assert!(page.contains(&format!("/signup?next={next}")), "{page}");
    let signed_up = newcomer.sign_up("nia@acme.example", "Nia", &link).await;
    assert_eq!(location(&signed_up), link);
    let page = newcomer.page(&link).await;
    assert!(page.contains("action=\"/teams/"));
    // The form's code must be the team's: a forged one is refused like a wrong link.
    let forged = newcomer
        .submit(&format!("/teams/{team_id}/join"), &[("code", "guess")])
        .await;
    assert_eq!(forged.status(), StatusCode::NOT_FOUND);
    let joined = newcomer
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&joined), format!("/teams/{team_id}"));
    let again = newcomer
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(again.status(), StatusCode::CONFLICT, "already in the team");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_only_events_need_their_code_except_through_a_team_link() {
    use crate::challenges::team;

    let app = TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .expect("sqlite");
    let event = running_event(&app, "private").await;
    let response = app
        .send(
            reqwest::Method::PATCH,
            Some(&event.organizer.access_token),
            &format!("/api/v1/events/{}", event.slug),
            &json!({"registration": "invite", "invite_code": "secret-42"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (_, team_id) = team(&app, &event, "Hawks").await;
    let code = expect_team_code(&app, &event, &team_id).await;

    // A team's link is the invitation: it registers and joins without the event's code.
    let mut guest = PlainBrowser::new(&app);
    guest.sign_up("gus@acme.example", "Gus", "/").await;
    let page = guest
        .page(&format!("/teams/{team_id}/join?code={code}"))
        .await;
    assert!(
        !page.contains("event_invite_code"),
        "does not ask for the event's code"
    );
    let joined = guest
        .submit(&format!("/teams/{team_id}/join"), &[("code", &code)])
        .await;
    assert_eq!(joined.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&joined), format!("/teams/{team_id}"));

    // The event page's own registration form asks for the code as well.
    let mut other = PlainBrowser::new(&app);
    other.sign_up("ola@acme.example", "Ola", "/").await;
    let page = other.page(&format!("/events/{}", event.slug)).await;
    assert!(page.contains("name=\"invite_code\""));
    let refused = other
        .submit(
            &format!("/events/{}/register", event.slug),
            &[("invite_code", "nope")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let registered = other
        .submit(
            &format!("/events/{}/register", event.slug),
            &[("invite_code", "secret-42")],
        )
        .await;
    assert_eq!(registered.status(), StatusCode::SEE_OTHER);
    let page = other.page(&format!("/events/{}", event.slug)).await;
    assert!(page.contains("Create team"), "registered: may start a team");
}

async fn expect_team_code(
    app: &TestApp,
    event: &crate::challenges::TestEvent,
    team_id: &str,
) -> String {
    let body: serde_json::Value = app
        .get_as(
            &event.organizer.access_token,
            &format!("/api/v1/teams/{team_id}"),
        )
        .await
        .json()
        .await
        .expect("json");
    body["invite_code"]
        .as_str()
        .unwrap_or_else(|| panic!("invite code in {body}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoint_forms_and_the_requests_a_run_sent_without_javascript() {
    use crate::{
        browser_workspace::{ship_it_app, ship_it_service},
        challenges::{coach, team},
    };

    // A service whose /health answers markup instead of {"status":"ok"}: the page must show
    // it as text.
    const HOSTILE: &str = r#"<img src=x onerror="alert(1)">"#;
    /// How the page writes it (askama: `<`, `>` and `"` as numeric references).
    const ESCAPED: &str = "&#60;img src=x onerror=&#34;alert(1)&#34;&#62;";
    /// The panel's line while the team has no endpoint (hidden otherwise).
    const NONE_SET: &str = r#"class="muted">No endpoint set yet."#;
    let (app, net, event) = ship_it_app("endpoint-forms").await;
    let (member, team_id) = team(&net, &event, "shippers").await;
    let (service, task) = ship_it_service(HOSTILE).await;
    let here = format!("/teams/{team_id}?challenge=ship-it");
    let mut browser = PlainBrowser::sign_in(&net, &member.email).await;
    let page = browser.page(&here).await;
    assert!(page.contains(r#"id="endpoints""#), "the panel is there");
    assert!(page.contains(NONE_SET), "{page}");
    let set = format!("/teams/{team_id}/endpoints");

    // The forms need the page's CSRF token.
    let forged = browser
        .post_form(
            &set,
            &[
                ("csrf", "A".repeat(43).as_str()),
                ("name", "api"),
                ("url", &service),
            ],
            None,
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Submitting before the endpoint is set: the workspace again, the reason where the
    // verdict goes and a link to the panel.
    let refused = browser
        .submit(
            &format!("/teams/{team_id}/submit"),
            &[("challenge", "ship-it"), ("answer", "deployed")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.expect("html");
    assert!(
        body.contains("Set your team&#39;s endpoint `api`"),
        "{body}"
    );
    assert!(body.contains(r##"<a href="#endpoints">"##), "{body}");

    // A URL the server refuses: the reason in the panel, the form as sent.
    let refused = browser
        .submit(
            &set,
            &[
                ("name", "api"),
                ("url", "ftp://x"),
                ("challenge", "ship-it"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.expect("html");
    assert!(body.contains("`ftp://` is not allowed"), "{body}");
    assert!(body.contains(r#"value="ftp://x""#), "{body}");

    // Set: back to the panel on the same challenge, which says so.
    let done = browser
        .submit(
            &set,
            &[("name", "api"), ("url", &service), ("challenge", "ship-it")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let back = location(&done);
    assert_eq!(
        back,
        format!("/teams/{team_id}?challenge=ship-it&endpoint_set=api#endpoints")
    );
    let page = browser.page(back.trim_end_matches("#endpoints")).await;
    assert!(page.contains("Endpoint api set."));
    assert!(page.contains(&format!(r#"data-url="{service}""#)), "{page}");
    // A crafted notice says nothing.
    let crafted = browser
        .page(&format!(
            "/teams/{team_id}?endpoint_set=You+are+disqualified"
        ))
        .await;
    assert!(!crafted.contains("disqualified"));

    // The verdict shows the requests, paths under the endpoint, the body escaped.
    let submitted = browser
        .submit(
            &format!("/teams/{team_id}/submit"),
            &[("challenge", "ship-it"), ("answer", "deployed")],
        )
        .await;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER);
    let verdict = browser.page(&location(&submitted)).await;
    assert!(verdict.contains("Requests to your service"), "{verdict}");
    assert!(verdict.contains("GET /health → 200 in "), "{verdict}");
    assert!(verdict.contains(ESCAPED), "{verdict}");
    assert!(!verdict.contains(HOSTILE), "never as markup");

    // Coaches see the panel without its forms, and may not post them.
    let coach = coach(&net, &event, &team_id, "coachy").await;
    let mut staff = PlainBrowser::sign_in(&net, &coach.email).await;
    let page = staff.page(&here).await;
    assert!(page.contains(&format!(r#"data-url="{service}""#)));
    assert!(!page.contains(r#"id="endpoint-form""#));
    assert!(page.contains("Only the team's members set its endpoints."));
    let forbidden = staff
        .submit(&set, &[("name", "api"), ("url", "https://else.example/")])
        .await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    assert!(
        forbidden
            .text()
            .await
            .expect("html")
            .contains("only the team")
    );

    // The organizer's author page shows the failed run's requests, URLs whole, escaped.
    let mut organizer = PlainBrowser::sign_in(&net, &event.organizer.email).await;
    let author = organizer
        .page(&format!("/events/{}/author", event.slug))
        .await;
    assert!(author.contains("Requests the validator sent"), "{author}");
    assert!(
        author.contains(&format!("GET {service}health → 200 in ")),
        "{author}"
    );
    assert!(author.contains(ESCAPED), "{author}");
    assert!(!author.contains(HOSTILE), "never as markup");

    // Removing it.
    let removed = browser
        .submit(
            &format!("/teams/{team_id}/endpoints/api/remove"),
            &[("challenge", "ship-it")],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&removed),
        format!("/teams/{team_id}?challenge=ship-it&endpoint_removed=api#endpoints")
    );
    let page = browser.page(&here).await;
    assert!(page.contains(NONE_SET));
    assert!(!page.contains(&format!(r#"data-url="{service}""#)));

    task.abort();
    net.stop().await;
    app.stop().await;
}
