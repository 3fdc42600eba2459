//! Mail through the organizer's own server, against a real SMTP server: aiosmtpd (PyPI,
//! pinned in `tests/mail/requirements.txt`, installed at test time into its own virtual
//! environment under `target/cohack-tools`, as the contract tests install schemathesis),
//! run by `tests/mail/smtp_sink.py` on a random port, which writes every mail it accepts to a
//! folder the test reads.
//!
//! What a person would see: an invitation's link signs a new person up into the right team;
//! a reset link works once, and an unknown address answers the same 202 and gets nothing; a
//! reminder arrives an hour before the start with a one-click unsubscribe that works; the
//! cliffs report reaches the organizers and stakeholders at the end; the closing survey's
//! reminder links the card in the team's workspace when the survey opens; and a mail server
//! that is down gets the mail once it is back. Each test runs on SQLite and on PostgreSQL.

use std::{
    fs,
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use cohack_server::config::Config;
use serde_json::{Value, json};

use crate::{
    challenges::{running_event, team, user_with_role},
    events::{body, create_event, hours_from_now, refusal, register_for},
    harness::{Backend, TestApp, free_port, repo_root},
    plain_browser::PlainBrowser,
    python_tools::venv_with,
};

crate::backend_tests!(
    backend;
    an_invitation_signs_a_new_person_up_into_the_team,
    a_reset_link_works_once_and_an_unknown_address_gets_nothing,
    a_reminder_arrives_at_the_hour_and_the_report_at_the_end,
    the_surveys_reminder_links_the_card_when_it_opens,
    a_mail_server_that_is_down_gets_the_mail_once_back,
);

/// The public address links in mail point to (the test follows them on the real address).
pub(crate) const PUBLIC_URL: &str = "https://hack.example.com";

/// How long a test waits for a mail before it fails.
const MAIL_WAIT: Duration = Duration::from_secs(30);

/// A real SMTP server on 127.0.0.1:`port` writing what it accepts to `dir`.
pub(crate) struct SmtpSink {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

impl SmtpSink {
    pub(crate) async fn start() -> SmtpSink {
        let mut sink = SmtpSink {
            port: free_port(),
            dir: tempfile::tempdir().expect("mail dir"),
            child: None,
        };
        sink.up().await;
        sink
    }

    /// Starts (again) on the same port and folder.
    async fn up(&mut self) {
        let python = venv_with("tests/mail/requirements.txt", "aiosmtpd")
            .await
            .join("bin/python");
        let script = repo_root().join("tests/mail/smtp_sink.py");
        let (port, dir) = (self.port, self.dir.path().to_owned());
        let child = tokio::task::spawn_blocking(move || {
            let mut child = Command::new(python)
                .arg(script)
                .arg(port.to_string())
                .arg(&dir)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("smtp_sink.py starts");
            let mut line = String::new();
            BufReader::new(child.stdout.take().expect("stdout"))
                .read_line(&mut line)
                .expect("smtp_sink.py says ready");
            assert_eq!(line.trim(), "ready", "smtp_sink.py: {line}");
            child
        })
        .await
        .expect("start the SMTP sink");
        self.child = Some(child);
    }

    /// Kills it: connections are refused until [`SmtpSink::up`].
    fn down(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received so far, oldest first.
    fn mails(&self) -> Vec<Value> {
        let mut paths: Vec<PathBuf> = fs::read_dir(self.dir.path())
            .expect("mail dir")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|path| serde_json::from_slice(&fs::read(path).expect("mail file")).expect("json"))
            .collect()
    }

    /// The mails to `to` (so far).
    pub(crate) fn mails_to(&self, to: &str) -> Vec<Value> {
        self.mails()
            .into_iter()
            .filter(|mail| {
                mail["rcpt_tos"]
                    .as_array()
                    .is_some_and(|r| r.contains(&json!(to)))
            })
            .collect()
    }

    /// The mails to `to` (so far) whose subject contains `subject` (a sign-up's verification
    /// mail is beside the ones a test looks for).
    pub(crate) fn mails_about(&self, to: &str, subject: &str) -> Vec<Value> {
        self.mails_to(to)
            .into_iter()
            .filter(|m| {
                m["headers"]["subject"]
                    .as_str()
                    .is_some_and(|s| s.contains(subject))
            })
            .collect()
    }

    /// Waits for the `n`th mail to `to` (1 first) whose subject contains `subject`.
    pub(crate) async fn wait_for(&self, to: &str, subject: &str, n: usize) -> Value {
        let deadline = tokio::time::Instant::now() + MAIL_WAIT;
        loop {
            let found = self.mails_about(to, subject);
            if found.len() >= n {
                return found[n - 1].clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no mail {n} to {to} about {subject:?}; received: {:#?}",
                self.mails()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.down();
    }
}

/// The portal for `backend`, mailing through `sink`, with `more` applied to its settings.
pub(crate) async fn portal(
    backend: Backend,
    sink: &SmtpSink,
    more: impl FnOnce(&mut Config),
) -> TestApp {
    let url = sink.url();
    TestApp::spawn_configured_for(backend, move |config| {
        config.smtp_url = url;
        config.public_url = PUBLIC_URL.to_owned();
        config.mail_from = "Vendor Hack <hack@vendor.example>".to_owned();
        config.outbox_poll_ms = 100;
        config.outbox_retry_base_ms = 200;
        more(config);
    })
    .await
    .expect("backend available")
}

/// A second instance of `app` on its database, mailing through `sink` and looking for due
/// mailings every 100 ms.
async fn mailing_sibling(app: &TestApp, sink: &SmtpSink) -> TestApp {
    app.spawn_sibling(|config| {
        config.smtp_url = sink.url();
        config.public_url = PUBLIC_URL.to_owned();
        config.reminder_check_ms = 100;
        config.outbox_poll_ms = 100;
    })
    .await
}

/// The path and query of the link in `mail`'s text that starts with `PUBLIC_URL` + `page`.
pub(crate) fn link_in(mail: &Value, page: &str) -> String {
    let text = mail["text"].as_str().expect("a text body");
    let start = format!("{PUBLIC_URL}{page}");
    let at = text
        .find(&start)
        .unwrap_or_else(|| panic!("no {start} link in:\n{text}"));
    let link: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link.trim_start_matches(PUBLIC_URL).to_owned()
}

pub(crate) fn token_of(path: &str) -> String {
    path.split_once("token=")
        .map(|(_, token)| token.to_owned())
        .expect("?token= in the link")
}

/// Every mail is text and HTML, from the configured sender, with a stable Message-ID on the
/// public host, and nothing that tracks its reader.
pub(crate) fn assert_well_formed(mail: &Value) {
    let html = mail["html"].as_str().expect("an HTML body");
    assert!(
        mail["text"].as_str().is_some_and(|t| !t.is_empty()),
        "{mail}"
    );
    assert!(
        !html.contains("<img") && !html.contains("<script"),
        "{html}"
    );
    assert_eq!(mail["mail_from"], "hack@vendor.example");
    let id = mail["headers"]["message-id"].as_str().expect("Message-ID");
    assert!(
        id.starts_with('<') && id.ends_with("@hack.example.com>"),
        "{id}"
    );
}

async fn an_invitation_signs_a_new_person_up_into_the_team(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |_| {}).await;
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    create_event(
        &app,
        &organizer,
        "mail-hack",
        json!({"name": "Ingest Hack"}),
    )
    .await;
    assert_eq!(register_for(&app, &alice, "mail-hack", None).await, 201);
    let team = body(
        app.post(
            alice.token(),
            "/api/v1/events/mail-hack/teams",
            &json!({"name": "Nimbus"}),
        )
        .await,
    )
    .await;
    let team_id = team["id"].as_str().expect("team id");

    // An attacker's addresses and a participant are refused before anything is made.
    let (status, code) = refusal(
        app.post(
            organizer.token(),
            "/api/v1/events/mail-hack/invitations",
            &json!({"emails": ["new@globex.example", "not an address"]}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (400, "invalid_email"));
    let (status, _) = refusal(
        app.post(
            alice.token(),
            "/api/v1/events/mail-hack/invitations",
            &json!({"emails": ["friend@acme.example"]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);

    let made = app
        .post(
            organizer.token(),
            "/api/v1/events/mail-hack/invitations",
            &json!({"emails": [" New@Globex.example ", "other@globex.example"], "team_id": team_id}),
        )
        .await;
    assert_eq!(made.status(), 201);
    let made = body(made).await;
    assert_eq!(
        made["invitations"][0]["email"], "new@globex.example",
        "{made}"
    );

    let mail = sink
        .wait_for("new@globex.example", "You are invited to Ingest Hack", 1)
        .await;
    assert_well_formed(&mail);
    assert!(
        mail["text"].as_str().expect("text").contains("Nimbus"),
        "{mail}"
    );
    let link = link_in(&mail, "/invitations/accept");
    assert!(
        mail["html"]
            .as_str()
            .expect("html")
            .contains(&format!("{PUBLIC_URL}{link}"))
    );

    // Signed out, the link offers to sign up and come back; it names the team.
    let page = app.get(&link).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    assert!(
        page.contains("Nimbus") && page.contains("/signup?next="),
        "{page}"
    );

    // The new person signs up and accepts: they are in the event and in Nimbus.
    let newcomer = app.register("new@globex.example", "Globex").await;
    let accepted = app
        .post(
            newcomer.token(),
            "/api/v1/invitations/accept",
            &json!({"token": token_of(&link)}),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    let accepted = body(accepted).await;
    assert_eq!(accepted["team_id"], team_id, "{accepted}");
    let members = body(
        app.get_as(&newcomer.access_token, &format!("/api/v1/teams/{team_id}"))
            .await,
    )
    .await;
    assert!(
        members["members"].to_string().contains(&newcomer.id),
        "{members}"
    );

    // The link works once: someone else holding it is refused.
    let (status, code) = refusal(
        app.post(
            alice.token(),
            "/api/v1/invitations/accept",
            &json!({"token": token_of(&link)}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "invitation_used"));

    // The organizer sees what became of each; a revoked invitation's link stops working.
    let list = body(
        app.get_as(
            &organizer.access_token,
            "/api/v1/events/mail-hack/invitations",
        )
        .await,
    )
    .await;
    let state_of = |email: &str| {
        list["invitations"]
            .as_array()
            .expect("invitations")
            .iter()
            .find(|i| i["email"] == email)
            .map(|i| i["state"].clone())
    };
    assert_eq!(
        state_of("new@globex.example"),
        Some(json!("accepted")),
        "{list}"
    );
    let other = sink
        .wait_for("other@globex.example", "You are invited", 1)
        .await;
    let other_id = made["invitations"][1]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let revoked = app
        .send(
            reqwest::Method::DELETE,
            organizer.token(),
            &format!("/api/v1/events/mail-hack/invitations/{other_id}"),
            &Value::Null,
        )
        .await;
    assert_eq!(revoked.status(), 204);
    let (status, code) = refusal(
        app.post(
            alice.token(),
            "/api/v1/invitations/accept",
            &json!({"token": token_of(&link_in(&other, "/invitations/accept"))}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "invitation_revoked"));
    app.stop().await;
}

async fn ask_reset(app: &TestApp, email: &str) -> u16 {
    app.post(
        None,
        "/api/v1/auth/password-reset",
        &json!({ "email": email }),
    )
    .await
    .status()
    .as_u16()
}

async fn confirm_reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post(
        None,
        "/api/v1/auth/password-reset/confirm",
        &json!({ "token": token, "password": password }),
    )
    .await
}

async fn a_reset_link_works_once_and_an_unknown_address_gets_nothing(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |_| {}).await;
    let alice = app.register("alice@acme.example", "Acme").await;

    // The same answer for an address nobody has, and for Alice's.
    assert_eq!(ask_reset(&app, "nobody@acme.example").await, 202);
    assert_eq!(ask_reset(&app, "ALICE@acme.example").await, 202);
    let mail = sink
        .wait_for(&alice.email, "Choose a new cohack password", 1)
        .await;
    assert_well_formed(&mail);
    assert!(sink.mails_to("nobody@acme.example").is_empty());
    assert_eq!(
        sink.mails_about(&alice.email, "password").len(),
        1,
        "only Alice's reset mail: {:#?}",
        sink.mails()
    );

    let token = token_of(&link_in(&mail, "/reset-password"));
    assert_eq!(
        confirm_reset(&app, &token, "a brand new passphrase")
            .await
            .status(),
        204
    );
    let (status, code) = refusal(confirm_reset(&app, &token, "yet another passphrase").await).await;
    assert_eq!((status, code.as_str()), (409, "reset_link_used"));
    // Her sessions ended; the new password signs in.
    assert_eq!(
        app.get_as(&alice.access_token, "/api/v1/me").await.status(),
        401
    );
    let login = app
        .post(
            None,
            "/api/v1/auth/login",
            &json!({"email": alice.email, "password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(login.status(), 200);

    // Asking again and again mails a bounded number of links to one inbox; the answer stays.
    for _ in 0..6 {
        assert_eq!(ask_reset(&app, "alice@acme.example").await, 202);
    }
    let ids = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            cohack_server::db::schema::outbox::table
                .filter(cohack_server::db::schema::outbox::target.eq("alice@acme.example"))
                .filter(cohack_server::db::schema::outbox::payload.like("%new cohack password%"))
                .count()
                .get_result::<i64>(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("count");
    assert!(ids <= 3, "{ids} reset mails to one address in a burst");
    app.stop().await;
}

/// Moves the event `slug` to start and end that many minutes from now (as time passing would).
async fn move_event(app: &TestApp, slug: &'static str, starts_in: i64, ends_in: i64) {
    app.state
        .db
        .write(move |conn| {
            use cohack_server::db::schema::events;
            use diesel::prelude::*;
            let now = chrono::Utc::now().naive_utc();
            diesel::update(events::table.filter(events::slug.eq(slug)))
                .set((
                    events::starts_at.eq(now + chrono::TimeDelta::minutes(starts_in)),
                    events::ends_at.eq(now + chrono::TimeDelta::minutes(ends_in)),
                ))
                .execute(conn)
                .map_err(cohack_server::error::Error::from)
        })
        .await
        .expect("move the event");
}

async fn a_reminder_arrives_at_the_hour_and_the_report_at_the_end(backend: Backend) {
    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |config| config.reminder_check_ms = 100).await;
    let organizer = app.portal_organizer("org@vendor.example").await;
    let alice = app.register("alice@acme.example", "Acme").await;
    let bob = app.register("bob@acme.example", "Acme").await;
    // Starting in 30 hours: no reminder is due yet.
    create_event(
        &app,
        &organizer,
        "soon-hack",
        json!({"name": "Soon Hack", "starts_at": hours_from_now(30), "ends_at": hours_from_now(33)}),
    )
    .await;
    // The organizer sets the stakeholders on the invitations page (no script needed): a typo
    // is refused beside the form and keeps what was typed; the fixed list is saved.
    let mut page = PlainBrowser::sign_in(&app, "org@vendor.example").await;
    page.page("/events/soon-hack/manage/invitations").await;
    let typo = page
        .submit(
            "/events/soon-hack/manage/stakeholders",
            &[("emails", "cpo@vendor.example\nnot-an-address")],
        )
        .await;
    assert_eq!(typo.status(), 400);
    let html = typo.text().await.expect("html");
    assert!(
        html.contains(r#"id="stakeholders-error""#) && html.contains("not-an-address"),
        "{html}"
    );
    let saved = page
        .submit(
            "/events/soon-hack/manage/stakeholders",
            &[("emails", " cpo@vendor.example \n")],
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert!(
        saved
            .text()
            .await
            .expect("html")
            .contains("data-stakeholders-saved")
    );
    let listed = app
        .get_as(
            &organizer.access_token,
            "/api/v1/events/soon-hack/stakeholders",
        )
        .await;
    assert_eq!(listed.status(), 200);
    assert_eq!(
        listed.json::<Value>().await.expect("json")["emails"],
        json!(["cpo@vendor.example"])
    );
    // Bob turned reminders off on his account.
    let off = app
        .send(
            reqwest::Method::PUT,
            bob.token(),
            "/api/v1/me/reminders",
            &json!({"reminders": false}),
        )
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(register_for(&app, &alice, "soon-hack", None).await, 201);
    assert_eq!(register_for(&app, &bob, "soon-hack", None).await, 201);
    // Time passes (moved in the database): the event starts in 30 minutes, so the hour
    // reminder is due and the day one is past.
    move_event(&app, "soon-hack", 30, 180).await;

    let reminder = sink
        .wait_for(&alice.email, "Soon Hack starts in an hour", 1)
        .await;
    assert_well_formed(&reminder);
    let unsubscribe = reminder["headers"]["list-unsubscribe"]
        .as_str()
        .expect("List-Unsubscribe");
    assert_eq!(
        reminder["headers"]["list-unsubscribe-post"],
        "List-Unsubscribe=One-Click"
    );
    assert!(
        sink.mails_about(&bob.email, "Soon Hack").is_empty(),
        "Bob opted out"
    );

    // The mail client's one-click post, on the link's path, stops Alice's reminders.
    let path = unsubscribe
        .trim_matches(['<', '>'])
        .trim_start_matches(PUBLIC_URL)
        .to_owned();
    let clicked = app
        .client
        .post(format!("{}{path}", app.address))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("one-click");
    assert_eq!(clicked.status(), 200);
    let setting = body(
        app.get_as(&alice.access_token, "/api/v1/me/reminders")
            .await,
    )
    .await;
    assert_eq!(setting["reminders"], false);
    // A forged link does nothing.
    let forged = app
        .client
        .post(format!(
            "{}/reminders/unsubscribe?token=forged",
            app.address
        ))
        .send()
        .await
        .expect("forged");
    assert_eq!(forged.status(), 404);

    // The event ends (moved into the past in the database, as time would): the report goes
    // to the organizer and the stakeholder, once.
    move_event(&app, "soon-hack", -121, -1).await;
    for to in ["org@vendor.example", "cpo@vendor.example"] {
        let report = sink.wait_for(to, "Soon Hack: the cliffs report", 1).await;
        assert_well_formed(&report);
        let text = report["text"].as_str().expect("text");
        assert!(text.contains("# "), "the brief: {report}");
        assert!(
            text.contains("soon-hack-report.html")
                && text.contains(&format!("{PUBLIC_URL}/events/soon-hack/report")),
            "names the file and links the page: {text}"
        );
        // The whole report rides along as one self-contained HTML file.
        let files = report["attachments"].as_array().expect("attachments");
        assert_eq!(files.len(), 1, "{report}");
        assert_eq!(files[0]["name"], "soon-hack-report.html");
        assert_eq!(files[0]["content_type"], "text/html");
        let file = files[0]["content"].as_str().expect("file");
        assert!(
            file.contains("<style") && file.contains("Soon Hack"),
            "{file}"
        );
        assert!(!file.contains("<script"), "no script in the file");
    }
    // A second instance on the same database does not send it again.
    let sibling = mailing_sibling(&app, &sink).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.mails_to("cpo@vendor.example").len(), 1);
    assert_eq!(
        sink.mails_about(&alice.email, "Soon Hack starts").len(),
        1,
        "one hour reminder"
    );
    sibling.stop().await;
    app.stop().await;
}

async fn the_surveys_reminder_links_the_card_when_it_opens(backend: Backend) {
    use cohack_server::models::role::EventRole;

    let sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |config| config.reminder_check_ms = 100).await;
    let event = running_event(&app, "survey-mail").await;
    // Ada and Bob have teams (Bob turned reminders off), Dan registered and never joined one,
    // Eve's team has no survey to remind her of in another event.
    let (ada, ada_team) = team(&app, &event, "ada").await;
    let (bob, _) = team(&app, &event, "bob").await;
    let dan = user_with_role(&app, &event, "dan", EventRole::Participant).await;
    let quiet = running_event(&app, "no-survey").await;
    let (eve, _) = team(&app, &quiet, "eve").await;
    let off = app
        .send(
            reqwest::Method::PUT,
            bob.token(),
            "/api/v1/me/reminders",
            &json!({"reminders": false}),
        )
        .await;
    assert_eq!(off.status(), 200);
    let survey = app
        .send(
            reqwest::Method::PATCH,
            event.organizer.token(),
            "/api/v1/events/survey-mail",
            &json!({"survey": true}),
        )
        .await;
    assert_eq!(survey.status(), 200);

    // Running, the survey (opening at the end) is not open: no mail yet.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(sink.mails_about(&ada.email, "closing survey").is_empty());

    // Both events end (moved in the database, as time would): the survey opens.
    move_event(&app, "survey-mail", -121, -1).await;
    move_event(&app, "no-survey", -121, -1).await;
    let mail = sink
        .wait_for(
            &ada.email,
            "Hack survey-mail: the closing survey is open",
            1,
        )
        .await;
    assert_well_formed(&mail);
    assert!(
        mail["headers"]["list-unsubscribe"].is_string(),
        "a reminder, with its one-click opt-out: {mail}"
    );
    let text = mail["text"].as_str().expect("text");
    assert!(text.contains("with ada"), "names the team: {text}");
    let link = link_in(&mail, &format!("/teams/{ada_team}"));
    assert!(link.ends_with("#survey-card"), "{link}");
    // The link opens the workspace with the card waiting.
    let mut page = PlainBrowser::sign_in(&app, &ada.email).await;
    let workspace = page.page(&format!("/teams/{ada_team}")).await;
    assert!(workspace.contains(r#"id="survey-card""#), "{workspace}");

    // Once, whatever the instances: a sibling on the same database sends nothing more.
    let sibling = mailing_sibling(&app, &sink).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.mails_about(&ada.email, "closing survey").len(), 1);
    // Bob opted out, Dan has no team (no card to answer), Eve's event has no survey.
    for (who, email) in [
        ("Bob", &bob.email),
        ("Dan", &dan.email),
        ("Eve", &eve.email),
    ] {
        assert!(
            sink.mails_about(email, "closing survey").is_empty(),
            "{who} got the survey's reminder"
        );
    }
    sibling.stop().await;
    app.stop().await;
}

async fn a_mail_server_that_is_down_gets_the_mail_once_back(backend: Backend) {
    let mut sink = SmtpSink::start().await;
    let app = portal(backend, &sink, |_| {}).await;
    let organizer = app.portal_organizer("org@vendor.example").await;
    create_event(&app, &organizer, "down-hack", json!({"name": "Down Hack"})).await;
    sink.down();

    let made = app
        .post(
            organizer.token(),
            "/api/v1/events/down-hack/invitations",
            &json!({"emails": ["late@globex.example"]}),
        )
        .await;
    assert_eq!(made.status(), 201);
    // The organizer sees it waiting, with why the last attempt failed.
    let deadline = tokio::time::Instant::now() + MAIL_WAIT;
    loop {
        let list = body(
            app.get_as(
                &organizer.access_token,
                "/api/v1/events/down-hack/invitations",
            )
            .await,
        )
        .await;
        let invitation = &list["invitations"][0];
        assert_eq!(invitation["state"], "queued", "{list}");
        if invitation["error"].is_string() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failed attempt: {list}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    sink.up().await;
    let mail = sink
        .wait_for("late@globex.example", "You are invited to Down Hack", 1)
        .await;
    assert_well_formed(&mail);
    let deadline = tokio::time::Instant::now() + MAIL_WAIT;
    loop {
        let list = body(
            app.get_as(
                &organizer.access_token,
                "/api/v1/events/down-hack/invitations",
            )
            .await,
        )
        .await;
        if list["invitations"][0]["state"] == "sent" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not marked sent: {list}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sink.mails_to("late@globex.example").len(), 1);
    app.stop().await;
}
