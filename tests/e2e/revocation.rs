//! Revocation reaches open sockets: signing out, a reused refresh token revoking its session,
//! and a revoked event role each close what that user has open (team channel, documents,
//! staff event channel) at once, on this instance and on another one, while everyone else
//! stays connected.

use cohack_server::models::role::{self, EventRole};
use serde_json::{Value, json};

use crate::{
    backend_tests,
    harness::{Account, Backend, TestApp},
    live::{World, create_document, team_ws, world},
    live_client::{Ws, connect, try_connect},
};

backend_tests!(
    signing_out_closes_the_sessions_sockets,
    a_reused_refresh_token_closes_its_sessions_sockets,
    a_revoked_role_closes_what_it_opened,
);

fn doc_ws(w: &World, doc: &str) -> String {
    format!("/api/v1/teams/{}/documents/{doc}/ws", w.team.id)
}

fn event_ws(w: &World) -> String {
    format!("/api/v1/events/{}/ws", w.event.slug)
}

/// A team channel of `account`, greeted.
async fn channel(app: &TestApp, w: &World, account: &Account) -> Ws {
    let mut ws = connect(app, &team_ws(w), account.token()).await;
    ws.expect("hello").await;
    ws
}

/// `ws` is still open and served: a chat line goes around.
async fn still_served(ws: &mut Ws, text: &str) {
    ws.send_json(json!({"type": "chat", "text": text})).await;
    ws.expect_where("chat", |c| c["text"] == text).await;
}

async fn logout(app: &TestApp, account: &Account) {
    let response = app
        .post(account.token(), "/api/v1/auth/logout", &Value::Null)
        .await;
    assert_eq!(response.status(), 204);
}

/// An organizer of the world's event who is not a portal organizer.
async fn event_organizer(app: &TestApp, w: &World) -> Account {
    let olga = app.register("olga@vendor.example", "Vendor").await;
    let (event_id, user_id) = (w.event.id.clone(), olga.id.clone());
    app.state
        .db
        .write(move |conn| role::grant(conn, &event_id, &user_id, EventRole::Organizer, None))
        .await
        .expect("organizer role granted");
    olga
}

async fn revoke(app: &TestApp, w: &World, user_id: &str, role: &str) {
    let response = app
        .send(
            reqwest::Method::DELETE,
            w.organizer.token(),
            &format!("/api/v1/events/{}/roles/{user_id}/{role}", w.event.slug),
            &Value::Null,
        )
        .await;
    assert_eq!(response.status(), 204, "revoke {role}");
}

async fn signing_out_closes_the_sessions_sockets(app: TestApp) {
    let w = world(&app).await;
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "plan.md").await;
    let mut alice = channel(&app, &w, &w.alice).await;
    let mut alice_doc = connect(&app, &doc_ws(&w, &doc), w.alice.token()).await;
    let mut staff = connect(&app, &event_ws(&w), w.coach.token()).await;
    assert_eq!(staff.expect("hello").await["staff"], true);
    let mut bob = channel(&app, &w, &w.bob).await;

    logout(&app, &w.alice).await;
    assert_eq!(alice.expect_close().await, Some(4401), "team channel");
    assert_eq!(alice_doc.expect_close().await, Some(4401), "document");
    assert_eq!(
        try_connect(&app, &team_ws(&w), w.alice.token()).await.err(),
        Some(401),
        "the ended session cannot come back"
    );

    logout(&app, &w.coach).await;
    assert_eq!(staff.expect_close().await, Some(4401), "staff channel");

    // Everyone else is untouched.
    still_served(&mut bob, "bob is still here").await;
}

async fn a_reused_refresh_token_closes_its_sessions_sockets(app: TestApp) {
    let w = world(&app).await;
    let mut bob = channel(&app, &w, &w.bob).await;
    // Bob signs in again elsewhere; the token of that second session gets stolen and both the
    // thief and Bob use its refresh token: the second use revokes that session.
    let second = app.login("bob@acme.example").await;
    let mut elsewhere = channel(&app, &w, &second).await;
    let body = json!({"refresh_token": second.refresh_token});
    let first_use = app.post(None, "/api/v1/auth/refresh", &body).await;
    assert_eq!(first_use.status(), 200);
    let reuse = app.post(None, "/api/v1/auth/refresh", &body).await;
    assert_eq!(reuse.status(), 401);

    assert_eq!(elsewhere.expect_close().await, Some(4401));
    // Bob's first session is another family: still served.
    still_served(&mut bob, "first session").await;
}

async fn a_revoked_role_closes_what_it_opened(app: TestApp) {
    let w = world(&app).await;
    let doc = create_document(&app, &w.alice.access_token, &w.team.id, "plan.md").await;
    let olga = event_organizer(&app, &w).await;
    let mut olga_team = channel(&app, &w, &olga).await;
    let mut olga_doc = connect(&app, &doc_ws(&w, &doc), olga.token()).await;
    let mut olga_staff = connect(&app, &event_ws(&w), olga.token()).await;
    assert_eq!(olga_staff.expect("hello").await["staff"], true);
    let mut coach = channel(&app, &w, &w.coach).await;
    let mut alice = channel(&app, &w, &w.alice).await;

    // Olga is no longer an organizer: the team, its document and the staff channel close.
    revoke(&app, &w, &olga.id, "organizer").await;
    assert_eq!(olga_team.expect_close().await, Some(4403), "team channel");
    assert_eq!(olga_doc.expect_close().await, Some(4403), "document");
    assert_eq!(olga_staff.expect_close().await, Some(4409), "staff channel");
    assert!(
        try_connect(&app, &team_ws(&w), olga.token()).await.is_err(),
        "coming back is refused"
    );

    // The coach's engineer role is revoked: their coaching ends and the channel closes.
    revoke(&app, &w, &w.coach.id, "engineer").await;
    assert_eq!(coach.expect_close().await, Some(4403), "coach's channel");

    still_served(&mut alice, "members stay").await;
}

/// Sign-out and role revocation made through instance A close sockets held on instance B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocation_reaches_sockets_on_another_instance() {
    let Some(a) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    let b = a.spawn_sibling(|_| {}).await;
    let w = world(&a).await;
    let olga = event_organizer(&a, &w).await;
    let mut alice_on_b = channel(&b, &w, &w.alice).await;
    let mut olga_on_b = channel(&b, &w, &olga).await;
    let mut bob_on_b = channel(&b, &w, &w.bob).await;

    logout(&a, &w.alice).await;
    assert_eq!(
        alice_on_b.expect_close().await,
        Some(4401),
        "signed out on A"
    );
    revoke(&a, &w, &olga.id, "organizer").await;
    assert_eq!(olga_on_b.expect_close().await, Some(4403), "revoked on A");
    still_served(&mut bob_on_b, "bob on B").await;
}
