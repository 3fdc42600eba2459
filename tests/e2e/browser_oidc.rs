//! Signing in through a real OpenID provider, in the browser: panva's `oidc-provider`
//! ([`crate::oidc_provider`]) with its development log-in and consent pages, and cohack
//! configured with it as an `[[oidc]]` provider.
//!
//! - `tests/browser/oidc_signin.mjs`, on SQLite and PostgreSQL: the provider's button on
//!   `/signin` and `/signup`, the round trip, signed in as the person userinfo names, the
//!   identity on `/account`; a second sign-in in a fresh browser reaches the same account.
//! - `tests/browser/oidc_instances.mjs`: two instances on one database behind one public
//!   address; the flow starts on one and the provider's redirect ends it on the other.
//! - `tests/browser/oidc_backchannel.mjs`: the person signs out at the provider; its
//!   back-channel logout closes her workspace sockets on both instances (4401) and ends the
//!   cookie.
//!
//! Screenshots under `target/screenshots/oidc/`.

use std::{net::SocketAddr, time::Duration};

use cohack_server::{
    auth::oidc::identities,
    config::{Config, OidcProviderConfig},
    models::{organization::Organization, user::User},
};
use serde_json::{Value, json};

use crate::{
    browser::{browser_available, run_scenario},
    challenges::{expect, running_event, team},
    harness::{Backend, TestApp, free_port},
    oidc_provider::{self, ClientSpec, RunningProvider},
};

/// The provider's id in cohack's configuration (and in its paths).
const PROVIDER_ID: &str = "vendor-sso";
/// Its button's text.
const PROVIDER_LABEL: &str = "Vendor SSO";
/// The log-in typed at the provider.
const LOGIN: &str = "alice";
const EMAIL: &str = "alice@vendor.example";
const NAME: &str = "Alice Vendor";
const ORGANIZATION: &str = "Vendor Inc";

/// The provider's accounts: alice, with a verified e-mail and an organization claim.
fn accounts() -> Value {
    json!({
        LOGIN: {
            "email": EMAIL,
            "email_verified": true,
            "name": NAME,
            "organization": ORGANIZATION,
        }
    })
}

/// The provider a test will start, planned before cohack starts (cohack's configuration names
/// it): its port, and the client that cohack on `public_url` has there.
struct Planned {
    port: u16,
    client: ClientSpec,
}

impl Planned {
    fn for_cohack_on(public_url: &str) -> Planned {
        Planned {
            port: free_port(),
            client: ClientSpec::cohack(PROVIDER_ID, public_url),
        }
    }

    fn issuer(&self) -> String {
        oidc_provider::issuer_on(self.port)
    }

    /// cohack's `[[oidc]]` table for it.
    fn table(&self) -> OidcProviderConfig {
        OidcProviderConfig {
            id: PROVIDER_ID.to_owned(),
            label: PROVIDER_LABEL.to_owned(),
            issuer: self.issuer(),
            client_id: self.client.client_id.clone(),
            client_secret: self.client.client_secret.clone(),
            scopes: "openid email profile organization".to_owned(),
            allowed_domains: Vec::new(),
            staff: false,
            organization_claim: "organization".to_owned(),
            logout_at_provider: false,
        }
    }

    /// What the scenarios need to know of the provider and the person.
    fn fixture(&self) -> Value {
        json!({
            "provider": {"id": PROVIDER_ID, "label": PROVIDER_LABEL, "issuer": self.issuer()},
            "person": {"login": LOGIN, "email": EMAIL, "name": NAME},
        })
    }

    async fn start(&self) -> RunningProvider {
        let running = oidc_provider::start(self.port, self.client.clone(), accounts()).await;
        assert_eq!(running.issuer(), self.issuer(), "listening where planned");
        running
    }
}

/// A free port of 127.0.0.1 and its address, to be an instance's `bind` and `public_url`.
fn public_address() -> (SocketAddr, String) {
    let port = free_port();
    (
        SocketAddr::from(([127, 0, 0, 1], port)),
        format!("http://127.0.0.1:{port}"),
    )
}

/// The configuration of an instance on `bind` whose public address is `public_url`, signing
/// in through `provider`.
fn configure(config: &mut Config, bind: Option<SocketAddr>, public_url: &str, provider: &Planned) {
    if let Some(bind) = bind {
        config.bind = bind;
    }
    config.public_url = public_url.to_owned();
    config.oidc = vec![provider.table()];
}

/// The account the provider's alice signed in to, with its identities and organization's name.
async fn alice_in(app: &TestApp) -> (User, Vec<identities::IdentityView>, String) {
    app.state
        .db
        .run(|conn| {
            let user = User::find_by_email(conn, EMAIL)?.expect("alice has an account");
            let linked = identities::of_user(conn, &user.id)?;
            let organization = Organization::find(conn, &user.organization_id)?.name;
            Ok::<_, cohack_server::error::Error>((user, linked, organization))
        })
        .await
        .expect("alice read")
}

async fn sign_in_through_the_provider(backend: Backend) {
    if !browser_available() {
        return;
    }
    let (bind, public_url) = public_address();
    let provider = Planned::for_cohack_on(&public_url);
    let Some(app) = TestApp::spawn_configured_for(backend, |config| {
        configure(config, Some(bind), &public_url, &provider);
    })
    .await
    else {
        return;
    };
    assert_eq!(app.address, public_url);
    let _running = provider.start().await;
    run_scenario(&app, "oidc_signin", &provider.fixture()).await;

    // Two sign-ins, one account with one identity, made from what the provider vouched for.
    let (user, linked, organization) = alice_in(&app).await;
    assert!(
        user.email_verified,
        "the provider said the e-mail is verified"
    );
    assert_eq!(user.display_name, NAME);
    assert_eq!(organization, ORGANIZATION);
    assert_eq!(linked.len(), 1, "{linked:?}");
    assert_eq!(linked[0].provider, PROVIDER_ID);
    assert_eq!(linked[0].email, EMAIL);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_oidc_sign_in_through_the_provider_sqlite() {
    sign_in_through_the_provider(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_oidc_sign_in_through_the_provider_postgres() {
    sign_in_through_the_provider(Backend::Postgres).await;
}

/// Two instances on one PostgreSQL database, both public at the second's address (as behind a
/// load balancer): the sign-in starts on the first and the provider's redirect ends it on the
/// second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_oidc_a_sign_in_started_on_one_instance_ends_on_another() {
    if !browser_available() {
        return;
    }
    let (second_bind, public_url) = public_address();
    let provider = Planned::for_cohack_on(&public_url);
    let Some(first) = TestApp::spawn_configured_for(Backend::Postgres, |config| {
        configure(config, None, &public_url, &provider);
    })
    .await
    else {
        return;
    };
    let second = first
        .spawn_sibling(|config| configure(config, Some(second_bind), &public_url, &provider))
        .await;
    assert_eq!(second.address, public_url);
    let _running = provider.start().await;
    let mut fixture = provider.fixture();
    fixture["first"] = json!(first.address);
    fixture["second"] = json!(second.address);
    run_scenario(&first, "oidc_instances", &fixture).await;

    let (_, linked, _) = alice_in(&first).await;
    assert_eq!(linked.len(), 1, "{linked:?}");
    second.stop().await;
    first.stop().await;
}

/// The provider's back-channel logout, received by the first instance, ends alice's session
/// and closes her workspace sockets on both instances.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_oidc_back_channel_logout_closes_sockets_on_every_instance() {
    if !browser_available() {
        return;
    }
    let (first_bind, first_url) = public_address();
    let (second_bind, second_url) = public_address();
    let provider = Planned::for_cohack_on(&first_url);
    let Some(first) = TestApp::spawn_configured_for(Backend::Postgres, |config| {
        configure(config, Some(first_bind), &first_url, &provider);
    })
    .await
    else {
        return;
    };
    let second = first
        .spawn_sibling(|config| configure(config, Some(second_bind), &second_url, &provider))
        .await;

    // A running event and a team alice joins through its invite link.
    let event = running_event(&first, "oidc-logout").await;
    let (captain, team_id) = team(&first, &event, "signers").await;
    let view = expect(
        first
            .get_as(&captain.access_token, &format!("/api/v1/teams/{team_id}"))
            .await,
        200,
    )
    .await;
    let code = view["invite_code"].as_str().expect("an invite code");
    let running = provider.start().await;
    let mut fixture = provider.fixture();
    fixture["first"] = json!(first.address);
    fixture["second"] = json!(second.address);
    fixture["team"] = json!(team_id);
    fixture["team_name"] = json!("signers");
    fixture["invite"] = json!(format!("/teams/{team_id}/join?code={code}"));
    run_scenario(&first, "oidc_backchannel", &fixture).await;

    // The provider delivered the logout token, and cohack accepted it.
    let delivered = running
        .wait_for_log("backchannel.success", Duration::from_secs(5))
        .await;
    assert!(
        delivered.contains(&format!("account={LOGIN}")),
        "{delivered}"
    );
    assert!(
        !running
            .log()
            .iter()
            .any(|line| line.contains("backchannel.error")),
        "{:?}",
        running.log()
    );
    second.stop().await;
    first.stop().await;
}
