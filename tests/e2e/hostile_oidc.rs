//! A hostile OpenID provider for the sign-in tests: a real HTTP server on `127.0.0.1:0` with
//! discovery, a JWKS, a token endpoint and userinfo, that answers whatever ID token the test
//! tells it to — expired, for someone else, unsigned, signed with the wrong key or algorithm.
//!
//! It is strict where a real provider is strict about the relying party (the client's
//! credentials, the PKCE verifier, the redirect URI), so that a sign-in that goes through here
//! proves cohack speaks the protocol, and lax where a careless provider is lax (a code may be
//! redeemed again), so that only cohack's own checks stand between a replayed callback and a
//! session. It counts what it is asked, so a test can say "cohack never redeemed the code".
//!
//! Keys are RSA-2048, made at test time by the `openssl` command line (as PKCS#1 DER, the form
//! `jsonwebtoken` signs with) and published as JWKs.

use std::{
    collections::HashMap,
    io::Write,
    process::{Command, Stdio},
    sync::{Arc, Mutex, MutexGuard},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, dev::ServerHandle, web};
use base64::{
    Engine as _,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The event type a back-channel logout token carries (OpenID Connect Back-Channel Logout 1.0).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

// ---------------------------------------------------------------------------------------
// Keys and tokens.

/// An RSA key pair the provider may sign with, and its public forms (what an attacker knows).
#[derive(Clone)]
pub struct RsaKey {
    /// The key id published in the JWKS and put in the tokens' headers.
    pub kid: String,
    /// The private key as PKCS#1 DER.
    private_der: Vec<u8>,
    /// The public key as an SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub public_pem: String,
    /// The public key as a PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`).
    pub public_pkcs1_pem: String,
}

impl RsaKey {
    /// A fresh 2048-bit key named `kid`.
    pub fn generate(kid: &str) -> RsaKey {
        let pem = openssl(
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
            ],
            b"",
        );
        let private_der = openssl(&["rsa", "-traditional", "-outform", "DER"], &pem);
        let public_pem = openssl(&["rsa", "-pubout"], &pem);
        let public_pkcs1_pem = openssl(&["rsa", "-RSAPublicKey_out"], &pem);
        RsaKey {
            kid: kid.to_owned(),
            private_der,
            public_pem: String::from_utf8(public_pem).expect("PEM is text"),
            public_pkcs1_pem: String::from_utf8(public_pkcs1_pem).expect("PEM is text"),
        }
    }

    fn encoding_key(&self) -> EncodingKey {
        EncodingKey::from_rsa_der(&self.private_der)
    }

    /// The public key as a JWK, as the provider's JWKS lists it.
    pub fn jwk(&self) -> Value {
        let jwk = Jwk::from_encoding_key(&self.encoding_key(), Algorithm::RS256)
            .expect("an RSA key has public components");
        let mut jwk = serde_json::to_value(jwk).expect("JWK serializes");
        jwk["kid"] = json!(self.kid);
        jwk["use"] = json!("sig");
        jwk
    }

    /// `claims` signed with RS256 by this key, its `kid` in the header.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        self.sign_with_header(&header, claims)
    }

    /// `claims` signed by this key under `header` (whose `alg` must be an RSA one).
    pub fn sign_with_header(&self, header: &Header, claims: &Value) -> String {
        jsonwebtoken::encode(header, claims, &self.encoding_key()).expect("RSA signing")
    }
}

/// Runs `openssl args`, feeding it `input`, and returns what it printed.
fn openssl(args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the openssl command line runs");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input)
        .expect("openssl reads its input");
    let output = child.wait_with_output().expect("openssl finishes");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A JWT with `alg: none` and an empty signature (extra header fields from `header_extra`).
pub fn unsigned(claims: &Value, header_extra: &Value) -> String {
    let mut header = json!({"alg": "none", "typ": "JWT"});
    if let (Some(header), Some(extra)) = (header.as_object_mut(), header_extra.as_object()) {
        header.extend(extra.clone());
    }
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// A JWT signed with HS256 under `secret` (say the provider's public key, which everyone
/// knows), with `kid` in its header when given.
pub fn hs256(secret: &[u8], kid: Option<&str>, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret)).expect("HS256")
}

/// The claims of a JWT, read without checking anything.
pub fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload"))
        .expect("JSON claims")
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

// ---------------------------------------------------------------------------------------
// The provider.

/// What cohack's authorization request said, and the code the provider gave for it.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The `state` cohack sent (and expects back at its callback).
    pub state: String,
    /// The `nonce` cohack expects in the ID token.
    pub nonce: String,
    /// The code this provider issued for the request.
    pub code: String,
    /// Where the provider sends the browser back: `{public_url}/auth/oidc/{id}/callback`.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scope: String,
}

impl Authorization {
    /// The callback's path and query, as the provider would redirect the browser to it.
    pub fn callback_path(&self) -> String {
        let url = url::Url::parse(&self.redirect_uri).expect("redirect_uri is a URL");
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("code", &self.code)
            .append_pair("state", &self.state);
        format!("{}?{}", url.path(), query.finish())
    }
}

/// How often each endpoint was asked, since the provider started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Requests {
    /// `GET /.well-known/openid-configuration`.
    pub discovery: usize,
    /// `GET /jwks`.
    pub jwks: usize,
    /// `POST /token`, accepted or not.
    pub token: usize,
    /// `GET /userinfo`, accepted or not.
    pub userinfo: usize,
}

/// A code the provider issued and what it answers when the code is redeemed.
#[derive(Debug, Clone)]
struct Grant {
    code_challenge: String,
    redirect_uri: String,
    id_token: Option<String>,
    userinfo: Option<Value>,
}

/// The provider's state, shared by its handlers and the test.
struct Shared {
    issuer: String,
    /// The issuer the discovery document names, when it lies about it.
    discovery_issuer: Option<String>,
    client_id: String,
    client_secret: String,
    jwks: Vec<Value>,
    /// Codes by value; deliberately never used up (see the module's doc).
    grants: HashMap<String, Grant>,
    /// What userinfo answers, by access token.
    userinfo: HashMap<String, Value>,
    requests: Requests,
    /// Why the last refused token request was refused (for a test's failure message).
    last_token_refusal: Option<String>,
}

/// A running hostile provider.
pub struct HostileProvider {
    /// Its issuer, `http://127.0.0.1:PORT` (no trailing slash).
    pub issuer: String,
    /// The key it signs with and publishes first.
    pub key: RsaKey,
    /// The client cohack is registered as.
    pub client_id: String,
    shared: Arc<Mutex<Shared>>,
    handle: ServerHandle,
}

impl HostileProvider {
    /// Starts a provider that knows one client, publishing one fresh key (`kid` `key-1`).
    pub async fn start(client_id: &str, client_secret: &str) -> HostileProvider {
        let key = RsaKey::generate("key-1");
        let shared = Arc::new(Mutex::new(Shared {
            issuer: String::new(),
            discovery_issuer: None,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            jwks: vec![key.jwk()],
            grants: HashMap::new(),
            userinfo: HashMap::new(),
            requests: Requests::default(),
            last_token_refusal: None,
        }));
        let data = web::Data::from(Arc::clone(&shared));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route("/jwks", web::get().to(jwks))
                .route("/token", web::post().to(token))
                .route("/userinfo", web::get().to(userinfo))
                .route("/userinfo", web::post().to(userinfo))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("the provider binds a port");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        let issuer = format!("http://127.0.0.1:{port}");
        lock(&shared).issuer = issuer.clone();
        HostileProvider {
            issuer,
            key,
            client_id: client_id.to_owned(),
            shared,
            handle,
        }
    }

    /// Reads cohack's redirect to the authorization endpoint (a `Location` header), checks
    /// that it is a well-formed code flow request with PKCE (S256), and issues a code for it.
    pub fn authorize(&self, location: &str) -> Authorization {
        let url = url::Url::parse(location)
            .unwrap_or_else(|e| panic!("Location {location:?} is not a URL: {e}"));
        assert!(
            location.starts_with(&format!("{}/authorize?", self.issuer)),
            "cohack sends the browser to the provider's authorization endpoint: {location}"
        );
        let query: HashMap<String, String> = url.query_pairs().into_owned().collect();
        let param = |name: &str| {
            query
                .get(name)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| panic!("the authorization request has no {name}: {location}"))
                .clone()
        };
        assert_eq!(param("response_type"), "code", "{location}");
        assert_eq!(param("client_id"), self.client_id, "{location}");
        assert_eq!(param("code_challenge_method"), "S256", "{location}");
        let scope = param("scope");
        assert!(
            scope.split(' ').any(|s| s == "openid"),
            "the scope has openid: {location}"
        );
        let authorization = Authorization {
            state: param("state"),
            nonce: param("nonce"),
            code: format!("code-{}", uuid::Uuid::new_v4().simple()),
            redirect_uri: param("redirect_uri"),
            scope,
        };
        lock(&self.shared).grants.insert(
            authorization.code.clone(),
            Grant {
                code_challenge: param("code_challenge"),
                redirect_uri: authorization.redirect_uri.clone(),
                id_token: None,
                userinfo: None,
            },
        );
        authorization
    }

    /// Claims a good ID token for `authorization` would carry: this issuer, cohack's client
    /// as the audience, the request's nonce, valid for five minutes, a verified e-mail.
    pub fn claims(&self, authorization: &Authorization, sub: &str, email: &str) -> Value {
        let now = now();
        json!({
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "nonce": authorization.nonce,
            "email": email,
            "email_verified": true,
            "name": email.split('@').next().unwrap_or(email),
        })
    }

    /// `claims` signed by the provider's own key.
    pub fn sign(&self, claims: &Value) -> String {
        self.key.sign(claims)
    }

    /// The access token the token endpoint will hand out for `authorization`'s code, so that
    /// a test can hash it (`at_hash`) before the code is redeemed.
    pub fn access_token_for(authorization: &Authorization) -> String {
        format!("at-{}", authorization.code)
    }

    /// The token endpoint answers `id_token` when `authorization`'s code is redeemed, and
    /// userinfo then answers the ID token's `sub` alone.
    pub fn answer(&self, authorization: &Authorization, id_token: String) {
        self.answer_with_userinfo(authorization, id_token, None);
    }

    /// As [`HostileProvider::answer`], userinfo answering `userinfo` when given.
    pub fn answer_with_userinfo(
        &self,
        authorization: &Authorization,
        id_token: String,
        userinfo: Option<Value>,
    ) {
        let mut shared = lock(&self.shared);
        let grant = shared
            .grants
            .get_mut(&authorization.code)
            .expect("a code this provider issued");
        grant.id_token = Some(id_token);
        grant.userinfo = userinfo;
    }

    /// Publishes exactly `keys` from now on (a rotation).
    pub fn publish_keys(&self, keys: &[&RsaKey]) {
        self.publish_jwks(keys.iter().map(|k| k.jwk()).collect());
    }

    /// Publishes exactly these JWKs from now on, whatever they are.
    pub fn publish_jwks(&self, jwks: Vec<Value>) {
        lock(&self.shared).jwks = jwks;
    }

    /// Makes the discovery document name `issuer` as the issuer (its endpoints stay here).
    pub fn claim_issuer(&self, issuer: &str) {
        lock(&self.shared).discovery_issuer = Some(issuer.to_owned());
    }

    /// How often each endpoint was asked so far.
    pub fn requests(&self) -> Requests {
        lock(&self.shared).requests
    }

    /// Why the provider last refused a token request, if it did.
    pub fn last_token_refusal(&self) -> Option<String> {
        lock(&self.shared).last_token_refusal.clone()
    }

    /// A back-channel logout token's usual claims for `sub` (and `sid` when given), signed by
    /// nobody yet: this issuer, cohack's client, a fresh `jti`, the logout event.
    pub fn logout_claims(&self, sub: &str, sid: Option<&str>) -> Value {
        let mut claims = json!({
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now(),
            "exp": now() + 120,
            "jti": uuid::Uuid::new_v4().to_string(),
            "sub": sub,
            "events": { BACKCHANNEL_LOGOUT_EVENT: {} },
        });
        if let Some(sid) = sid {
            claims["sid"] = json!(sid);
        }
        claims
    }

    /// Stops the provider: its port is closed afterwards.
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A test that failed while holding the lock must not hide its own message behind ours.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn discovery(shared: web::Data<Mutex<Shared>>) -> HttpResponse {
    let mut shared = lock(&shared);
    shared.requests.discovery += 1;
    let issuer = shared.issuer.clone();
    let named = shared
        .discovery_issuer
        .clone()
        .unwrap_or_else(|| issuer.clone());
    HttpResponse::Ok().json(json!({
        "issuer": named,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "email", "profile"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email",
                             "email_verified", "name"],
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    }))
}

async fn jwks(shared: web::Data<Mutex<Shared>>) -> HttpResponse {
    let mut shared = lock(&shared);
    shared.requests.jwks += 1;
    HttpResponse::Ok().json(json!({ "keys": shared.jwks }))
}

/// A token endpoint error (RFC 6749 §5.2).
fn token_error(shared: &mut Shared, status: u16, error: &str, why: String) -> HttpResponse {
    shared.last_token_refusal = Some(format!("{error}: {why}"));
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("a status"))
        .json(json!({ "error": error, "error_description": why }))
}

async fn token(
    request: HttpRequest,
    form: web::Form<HashMap<String, String>>,
    shared: web::Data<Mutex<Shared>>,
) -> HttpResponse {
    let mut shared = lock(&shared);
    shared.requests.token += 1;
    // Client authentication: client_secret_basic, each half form-url-encoded (RFC 6749 §2.3.1).
    let credentials = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v).ok())
        .and_then(|v| String::from_utf8(v).ok());
    let Some((id, secret)) = credentials.as_deref().and_then(|c| c.split_once(':')) else {
        return token_error(
            &mut shared,
            401,
            "invalid_client",
            "no HTTP Basic client credentials".into(),
        );
    };
    if form_decode(id) != shared.client_id || form_decode(secret) != shared.client_secret {
        return token_error(
            &mut shared,
            401,
            "invalid_client",
            "wrong client credentials".into(),
        );
    }
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("grant_type") != "authorization_code" {
        return token_error(
            &mut shared,
            400,
            "unsupported_grant_type",
            format!("grant_type {:?}", field("grant_type")),
        );
    }
    let Some(grant) = shared.grants.get(&field("code")).cloned() else {
        return token_error(&mut shared, 400, "invalid_grant", "unknown code".into());
    };
    if field("redirect_uri") != grant.redirect_uri {
        return token_error(
            &mut shared,
            400,
            "invalid_grant",
            format!(
                "redirect_uri {:?} is not {:?}",
                field("redirect_uri"),
                grant.redirect_uri
            ),
        );
    }
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    if challenge != grant.code_challenge {
        return token_error(
            &mut shared,
            400,
            "invalid_grant",
            "the code_verifier does not match the code_challenge".into(),
        );
    }
    let Some(id_token) = grant.id_token else {
        return token_error(
            &mut shared,
            400,
            "invalid_grant",
            "the test gave no ID token for this code".into(),
        );
    };
    let access_token = format!("at-{}", field("code"));
    let userinfo = grant
        .userinfo
        .unwrap_or_else(|| json!({ "sub": claims_of(&id_token)["sub"] }));
    shared.userinfo.insert(access_token.clone(), userinfo);
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }))
}

async fn userinfo(request: HttpRequest, shared: web::Data<Mutex<Shared>>) -> HttpResponse {
    let mut shared = lock(&shared);
    shared.requests.userinfo += 1;
    let answer = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| shared.userinfo.get(token).cloned());
    match answer {
        Some(claims) => HttpResponse::Ok().json(claims),
        None => HttpResponse::Unauthorized()
            .insert_header(("www-authenticate", "Bearer error=\"invalid_token\""))
            .finish(),
    }
}

/// One `application/x-www-form-urlencoded` component, decoded.
fn form_decode(component: &str) -> String {
    url::form_urlencoded::parse(format!("x={component}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    //! The provider checked on its own, before any relying party talks to it.

    use super::*;

    const CLIENT: &str = "unit-client";
    const SECRET: &str = "unit-secret";

    fn authorize_url(provider: &HostileProvider, verifier: &str) -> String {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let mut url = url::Url::parse(&format!("{}/authorize", provider.issuer)).expect("url");
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", CLIENT)
            .append_pair("redirect_uri", "http://127.0.0.1:9/auth/oidc/x/callback")
            .append_pair("scope", "openid email")
            .append_pair("state", "the-state")
            .append_pair("nonce", "the-nonce")
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        url.to_string()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn oidc_hostile_provider_serves_discovery_keys_tokens_and_userinfo() {
        let provider = HostileProvider::start(CLIENT, SECRET).await;
        let http = reqwest::Client::new();
        let discovery: Value = http
            .get(format!(
                "{}/.well-known/openid-configuration",
                provider.issuer
            ))
            .send()
            .await
            .expect("discovery")
            .json()
            .await
            .expect("json");
        assert_eq!(discovery["issuer"], json!(provider.issuer));
        let jwks: Value = http
            .get(discovery["jwks_uri"].as_str().expect("jwks_uri"))
            .send()
            .await
            .expect("jwks")
            .json()
            .await
            .expect("json");
        let jwk = &jwks["keys"][0];
        assert_eq!(jwk["kty"], "RSA");
        assert_eq!(jwk["kid"], "key-1");

        // The published key verifies what the provider signs.
        let authorization = provider.authorize(&authorize_url(&provider, "v".repeat(43).as_str()));
        let claims = provider.claims(&authorization, "sub-1", "a@example.org");
        let id_token = provider.sign(&claims);
        let decoding = jsonwebtoken::DecodingKey::from_jwk(
            &serde_json::from_value(jwk.clone()).expect("a JWK"),
        )
        .expect("decoding key");
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.set_audience(&[CLIENT]);
        validation.set_issuer(&[&provider.issuer]);
        let verified = jsonwebtoken::decode::<Value>(&id_token, &decoding, &validation)
            .expect("the provider's own token verifies");
        assert_eq!(verified.claims["nonce"], "the-nonce");
        assert_eq!(authorization.nonce, "the-nonce");
        assert_eq!(
            authorization.callback_path(),
            format!(
                "/auth/oidc/x/callback?code={}&state=the-state",
                authorization.code
            )
        );
        // An HS256 token keyed with the public key does not verify as RS256.
        let forged = hs256(provider.key.public_pem.as_bytes(), Some("key-1"), &claims);
        assert!(jsonwebtoken::decode::<Value>(&forged, &decoding, &validation).is_err());
        assert!(unsigned(&claims, &json!({})).ends_with('.'));

        provider.answer(&authorization, id_token.clone());
        let redeem = |verifier: String, secret: &'static str| {
            let http = http.clone();
            let url = format!("{}/token", provider.issuer);
            let code = authorization.code.clone();
            async move {
                http.post(url)
                    .basic_auth(CLIENT, Some(secret))
                    .form(&[
                        ("grant_type", "authorization_code"),
                        ("code", code.as_str()),
                        ("redirect_uri", "http://127.0.0.1:9/auth/oidc/x/callback"),
                        ("code_verifier", verifier.as_str()),
                    ])
                    .send()
                    .await
                    .expect("token request")
            }
        };
        assert_eq!(redeem("w".repeat(43), SECRET).await.status(), 400);
        assert!(
            provider
                .last_token_refusal()
                .is_some_and(|why| why.contains("code_verifier"))
        );
        assert_eq!(redeem("v".repeat(43), "wrong").await.status(), 401);
        let answer: Value = redeem("v".repeat(43), SECRET)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(answer["id_token"], json!(id_token));
        let access_token = answer["access_token"].as_str().expect("access token");
        let userinfo: Value = http
            .get(format!("{}/userinfo", provider.issuer))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("userinfo")
            .json()
            .await
            .expect("json");
        assert_eq!(userinfo, json!({"sub": "sub-1"}));
        let requests = provider.requests();
        assert_eq!((requests.discovery, requests.jwks), (1, 1));
        assert_eq!((requests.token, requests.userinfo), (3, 1));

        provider.stop().await;
        assert!(
            reqwest::Client::new()
                .get(format!("{}/jwks", provider.issuer))
                .send()
                .await
                .is_err(),
            "a stopped provider is unreachable"
        );
    }
}
