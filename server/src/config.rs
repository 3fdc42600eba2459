//! Typed configuration, loaded once at start-up.
//!
//! Layers, highest first: command-line flags, `COHACK_*` environment variables (and
//! `DATABASE_URL`), an optional `cohack.toml`, built-in defaults. A missing or bad value fails
//! fast with one line that names the variable and where it came from.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
    path::{Path, PathBuf},
    str::FromStr,
};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// The configuration file read when `--config` is not given (only if it exists).
pub const DEFAULT_CONFIG_FILE: &str = "cohack.toml";

/// Keys that may be set through `COHACK_<KEY>` environment variables.
const ENV_KEYS: &[&str] = &[
    "bind",
    "data_dir",
    "database_url",
    "database_pool_size",
    "log_format",
    "workers",
    "max_body_bytes",
    "jwt_secret",
    "access_token_ttl_secs",
    "refresh_token_ttl_secs",
    "trusted_proxies",
    "submissions_per_minute",
    "judge_workers",
    "judge_wait_ms",
    "validator_fuel",
    "validator_fuel_max",
    "validator_wall_time_ms",
    "validator_wall_time_ms_max",
    "validator_memory_mb",
    "validator_memory_mb_max",
    "validator_network_requests_max",
    "validator_network_timeout_ms_max",
    "validator_network_response_kb_max",
    "validator_network_allow_http",
    "validator_network_allow_private",
    "validator_network_runs",
    "max_upload_bytes",
    "nudge_check_ms",
    "smtp_url",
    "smtp_require_tls",
    "mail_from",
    "public_url",
    "reminder_check_ms",
    "webhook_allow_private",
    "webhook_timeout_ms",
    "outbox_poll_ms",
    "outbox_retry_base_ms",
    "outbox_lease_ms",
    "password_sign_in",
];

/// Everything the portal needs to start.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// Where the embedded database, compiled validators and other state live.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://…`; empty means SQLite at `<data_dir>/cohack.db`.
    #[serde(default)]
    pub database_url: String,
    /// Maximum number of pooled database connections.
    pub database_pool_size: u32,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Secret for signing access tokens (at least 32 bytes); empty means one is generated on
    /// first start and stored in the database, shared by every instance.
    #[serde(default)]
    pub jwt_secret: String,
    /// Lifetime of access tokens, in seconds.
    pub access_token_ttl_secs: u64,
    /// Lifetime of refresh tokens, in seconds.
    pub refresh_token_ttl_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers name the client (address
    /// ranges in CIDR notation); from any other peer those headers are ignored.
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
    /// Submissions allowed per team and challenge per minute.
    pub submissions_per_minute: u32,
    /// Validator runs at once (threads of the judge's pool); 0 means one per core.
    pub judge_workers: usize,
    /// How long `POST …/submissions` waits for the verdict before answering 202.
    pub judge_wait_ms: u64,
    /// Instruction budget (fuel) of a validator run, unless its manifest says otherwise.
    pub validator_fuel: u64,
    /// The most fuel a manifest may ask for.
    pub validator_fuel_max: u64,
    /// Wall time of a validator run in milliseconds, unless its manifest says otherwise.
    pub validator_wall_time_ms: u64,
    /// The most wall time a manifest may ask for.
    pub validator_wall_time_ms_max: u64,
    /// Memory of a validator run in MiB, unless its manifest says otherwise.
    pub validator_memory_mb: usize,
    /// The most memory a manifest may ask for.
    pub validator_memory_mb_max: usize,
    /// The most requests a manifest's `[network] max_requests` may ask for, per run.
    pub validator_network_requests_max: u32,
    /// The longest `[network] request_timeout_ms` a manifest may ask for.
    pub validator_network_timeout_ms_max: u64,
    /// The largest `[network] max_response_kb` a manifest may ask for.
    pub validator_network_response_kb_max: u64,
    /// Whether validators may call `http://` URLs (otherwise `https://` only).
    pub validator_network_allow_http: bool,
    /// Whether validators may reach loopback, private and link-local addresses (a service on
    /// 127.0.0.1 in tests, a venue's own network). Off by default, and said at start-up when
    /// on. Cloud-metadata addresses stay refused either way.
    pub validator_network_allow_private: bool,
    /// Live network runs at once (each waits on a team's service on a thread of its own,
    /// holding no judge worker); more wait in line.
    pub validator_network_runs: usize,
    /// Largest accepted challenge package upload (validator and samples, base64 in JSON).
    pub max_upload_bytes: usize,
    /// How often each instance looks for teams past a challenge's expected time, to nudge
    /// their coaches, in milliseconds.
    #[serde(default = "default_nudge_check_ms")]
    pub nudge_check_ms: u64,
    /// The organizer's mail server: `smtp://user:pass@host:port` (STARTTLS when the server
    /// offers it) or `smtps://user:pass@host:port` (TLS from the first byte); empty means no
    /// mail: the pages show links to copy instead.
    #[serde(default)]
    pub smtp_url: String,
    /// With an `smtp://` URL: refuse to send unless the server offers STARTTLS.
    #[serde(default)]
    pub smtp_require_tls: bool,
    /// The sender of every mail (`Name <address>` or an address); empty means
    /// `cohack <cohack@HOST>` with the host of `public_url`.
    #[serde(default)]
    pub mail_from: String,
    /// The portal's address as people reach it (`https://hack.example.com`), for links in mail;
    /// required when `smtp_url` is set (behind a proxy the server cannot guess it).
    #[serde(default)]
    pub public_url: String,
    /// How often each instance looks for reminders and end-of-event reports to mail, in
    /// milliseconds.
    #[serde(default = "default_reminder_check_ms")]
    pub reminder_check_ms: u64,
    /// Whether webhooks may be sent to loopback, private and link-local addresses (a receiver
    /// on 127.0.0.1 in tests, a chat server on a venue's network). Off by default, and said at
    /// start-up when on. Cloud-metadata addresses stay refused either way.
    #[serde(default)]
    pub webhook_allow_private: bool,
    /// How long one webhook call may take, connecting included, in milliseconds.
    #[serde(default = "default_webhook_timeout_ms")]
    pub webhook_timeout_ms: u64,
    /// How often each instance's outbox worker looks for due deliveries when nothing woke it,
    /// in milliseconds.
    #[serde(default = "default_outbox_poll_ms")]
    pub outbox_poll_ms: u64,
    /// The first retry's delay of a failed delivery, in milliseconds; each later one doubles
    /// (up to an hour), for a day.
    #[serde(default = "default_outbox_retry_base_ms")]
    pub outbox_retry_base_ms: u64,
    /// How long a claimed delivery stays leased to the instance sending it, in milliseconds:
    /// past it (a crash mid-delivery), another instance sends it again.
    #[serde(default = "default_outbox_lease_ms")]
    pub outbox_lease_ms: u64,
    /// Whether people may sign up and sign in with an e-mail and a password. `false` leaves only
    /// the `[[oidc]]` providers (and the command line's reset links for recovery).
    #[serde(default = "default_true")]
    pub password_sign_in: bool,
    /// OpenID Connect providers people may sign in through, one `[[oidc]]` table each.
    #[serde(default)]
    pub oidc: Vec<OidcProviderConfig>,
}

fn default_true() -> bool {
    true
}

/// One `[[oidc]]` table: an OpenID Connect provider people may sign in through.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProviderConfig {
    /// A slug used in paths (`/auth/oidc/{id}`): lower-case letters, digits and `-`.
    pub id: String,
    /// The sign-in button's text ("Sign in with …").
    pub label: String,
    /// The issuer's URL; its discovery document is `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// The client id cohack was registered with.
    pub client_id: String,
    /// The client secret; empty means the environment variable
    /// `COHACK_OIDC_<ID>_CLIENT_SECRET` (`<ID>` upper-cased, `-` as `_`).
    #[serde(default)]
    pub client_secret: String,
    /// Scopes asked for (a space-separated string); `openid` is always among them.
    #[serde(default = "default_oidc_scopes")]
    pub scopes: String,
    /// If set, only verified e-mails in these domains may sign in through this provider.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// The vendor's own provider: people signing in through it are its engineers (staff),
    /// offered to organizers as coaches and authors.
    #[serde(default)]
    pub staff: bool,
    /// A claim (in the ID token or from userinfo) naming the person's organization.
    #[serde(default)]
    pub organization_claim: String,
    /// Signing out of cohack also sends the browser to the provider's sign-out (RP-initiated
    /// logout), when the provider offers it.
    #[serde(default)]
    pub logout_at_provider: bool,
}

fn default_oidc_scopes() -> String {
    "openid email profile".into()
}

impl OidcProviderConfig {
    /// The environment variable that may hold this provider's client secret.
    pub fn secret_variable(&self) -> String {
        format!(
            "COHACK_OIDC_{}_CLIENT_SECRET",
            self.id.to_uppercase().replace('-', "_")
        )
    }

    /// The scopes to ask for: the configured ones, with `openid` first and each once.
    pub fn scope_list(&self) -> Vec<String> {
        let mut scopes = vec!["openid".to_owned()];
        for scope in self.scopes.split_whitespace() {
            if !scopes.iter().any(|s| s == scope) {
                scopes.push(scope.to_owned());
            }
        }
        scopes
    }

    /// Checks the table, filling the secret from the environment: the error names the table.
    fn check(&mut self, index: usize) -> Result<(), ConfigError> {
        let name = if self.id.is_empty() {
            format!("[[oidc]] table {}", index + 1)
        } else {
            format!("[[oidc]] table {} (id {:?})", index + 1, self.id)
        };
        let bad = |reason: String| ConfigError::Invalid(format!("{name}: {reason}"));
        let slug_ok = !self.id.is_empty()
            && self.id.len() <= 32
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !self.id.starts_with('-')
            && !self.id.ends_with('-');
        if !slug_ok {
            return Err(bad(
                "id must be 1 to 32 lower-case letters, digits and inner '-' (it is used in paths)"
                    .into(),
            ));
        }
        if self.label.trim().is_empty() || self.label.chars().count() > 60 {
            return Err(bad("label must have 1 to 60 characters".into()));
        }
        self.label = self.label.trim().to_owned();
        let issuer = url::Url::parse(self.issuer.trim())
            .map_err(|e| bad(format!("issuer {:?} is not a URL: {e}", self.issuer)))?;
        let loopback = matches!(issuer.host(), Some(url::Host::Domain("localhost")))
            || match issuer.host() {
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                _ => false,
            };
        if !(issuer.scheme() == "https" || (issuer.scheme() == "http" && loopback)) {
            return Err(bad(format!(
                "issuer {:?} must be an https:// URL (http:// only on this machine's loopback)",
                self.issuer
            )));
        }
        if issuer.query().is_some() || issuer.fragment().is_some() {
            return Err(bad(format!(
                "issuer {:?} must not have a query or fragment",
                self.issuer
            )));
        }
        self.issuer = self.issuer.trim().to_owned();
        if self.client_id.trim().is_empty() {
            return Err(bad("client_id is missing".into()));
        }
        if self.client_secret.is_empty() {
            self.client_secret = std::env::var(self.secret_variable()).unwrap_or_default();
        }
        if self.client_secret.is_empty() {
            return Err(bad(format!(
                "client_secret is missing: set it in the table or in {}",
                self.secret_variable()
            )));
        }
        if self.scopes.split_whitespace().any(|s| {
            !s.bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        }) {
            return Err(bad(format!(
                "scopes {:?} are not valid scope names",
                self.scopes
            )));
        }
        for domain in &mut self.allowed_domains {
            let lowered = domain.trim().trim_start_matches('@').to_lowercase();
            if lowered.is_empty() || !lowered.contains('.') || lowered.contains(char::is_whitespace)
            {
                return Err(bad(format!(
                    "allowed_domains entry {domain:?} is not a domain like example.com"
                )));
            }
            *domain = lowered;
        }
        self.organization_claim = self.organization_claim.trim().to_owned();
        Ok(())
    }
}

fn default_outbox_lease_ms() -> u64 {
    120_000
}

fn default_webhook_timeout_ms() -> u64 {
    10_000
}

fn default_outbox_poll_ms() -> u64 {
    1_000
}

fn default_outbox_retry_base_ms() -> u64 {
    5_000
}

fn default_reminder_check_ms() -> u64 {
    60_000
}

fn default_nudge_check_ms() -> u64 {
    30_000
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            database_pool_size: 16,
            log_format: LogFormat::Text,
            workers: 0,
            max_body_bytes: 8 * 1024 * 1024,
            jwt_secret: String::new(),
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 60 * 60,
            trusted_proxies: TrustedProxies::default(),
            submissions_per_minute: 12,
            judge_workers: 0,
            judge_wait_ms: 2_000,
            validator_fuel: 1_000_000_000,
            validator_fuel_max: 30_000_000_000,
            validator_wall_time_ms: 2_000,
            validator_wall_time_ms_max: 30_000,
            validator_memory_mb: 128,
            validator_memory_mb_max: 1_024,
            validator_network_requests_max: 100,
            validator_network_timeout_ms_max: 10_000,
            validator_network_response_kb_max: 10_240,
            validator_network_allow_http: false,
            validator_network_allow_private: false,
            validator_network_runs: 128,
            max_upload_bytes: 64 * 1024 * 1024,
            nudge_check_ms: default_nudge_check_ms(),
            webhook_allow_private: false,
            webhook_timeout_ms: default_webhook_timeout_ms(),
            outbox_poll_ms: default_outbox_poll_ms(),
            outbox_retry_base_ms: default_outbox_retry_base_ms(),
            outbox_lease_ms: default_outbox_lease_ms(),
            password_sign_in: true,
            oidc: Vec::new(),
            smtp_url: String::new(),
            smtp_require_tls: false,
            mail_from: String::new(),
            public_url: String::new(),
            reminder_check_ms: default_reminder_check_ms(),
        }
    }
}

/// How request and application logs are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Values given on the command line; `None` leaves the lower layers in charge.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Overrides {
    /// `--bind`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    /// `--data-dir`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `--database-url`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// A configuration that could not be loaded; its message is the one line the user sees.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value is missing, of the wrong type or unparsable.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// The file named by `--config`/`COHACK_CONFIG` does not exist.
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    /// The database URL is not one cohack understands.
    #[error("malformed database URL {url:?}: {reason}")]
    DatabaseUrl {
        /// The URL, with any password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl Config {
    /// Loads the layered configuration. `file` is `--config`/`COHACK_CONFIG`; when it is
    /// `None`, `cohack.toml` in the working directory is read if present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut config = Self::figment(file, overrides)?
            .extract::<Config>()
            .map_err(|e| ConfigError::Invalid(one_line(&e)))?;
        config.check_oidc()?;
        Ok(config)
    }

    /// Checks every `[[oidc]]` table (secrets filled from the environment), that their ids
    /// are distinct, and that `public_url` is set for their redirect address.
    pub fn check_oidc(&mut self) -> Result<(), ConfigError> {
        for (index, provider) in self.oidc.iter_mut().enumerate() {
            provider.check(index)?;
        }
        for (index, provider) in self.oidc.iter().enumerate() {
            if self.oidc[..index].iter().any(|p| p.id == provider.id) {
                return Err(ConfigError::Invalid(format!(
                    "[[oidc]] table {} (id {:?}): another table has the same id",
                    index + 1,
                    provider.id
                )));
            }
        }
        if !self.oidc.is_empty() {
            let public = url::Url::parse(self.public_url.trim())
                .ok()
                .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some());
            if public.is_none() {
                return Err(ConfigError::Invalid(format!(
                    "OpenID Connect providers are configured but public_url {} (COHACK_PUBLIC_URL): \
                     set it to the address people reach the portal at, which providers redirect \
                     back to ({{public_url}}/auth/oidc/{{id}}/callback)",
                    if self.public_url.trim().is_empty() {
                        "is not set".to_owned()
                    } else {
                        format!("{:?} is not an http(s) address", self.public_url)
                    }
                )));
            }
        }
        Ok(())
    }

    fn figment(file: Option<&Path>, overrides: &Overrides) -> Result<Figment, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => return Err(ConfigError::MissingFile(path.into())),
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_CONFIG_FILE));
            }
            None => {}
        }
        Ok(figment
            .merge(Env::prefixed("COHACK_").only(ENV_KEYS))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .merge(Serialized::defaults(overrides)))
    }

    /// The server's bounds on every challenge's `[network]` section.
    pub fn network_caps(&self) -> cohack_package::NetworkCaps {
        cohack_package::NetworkCaps {
            max_requests: self.validator_network_requests_max,
            max_request_timeout_ms: self.validator_network_timeout_ms_max,
            max_response_kb: self.validator_network_response_kb_max,
            allow_http: self.validator_network_allow_http,
            allow_private: self.validator_network_allow_private,
        }
    }

    /// The database to use, parsed from `database_url` (or the SQLite default).
    pub fn database(&self) -> Result<DatabaseUrl, ConfigError> {
        if self.database_url.trim().is_empty() {
            return Ok(DatabaseUrl::Sqlite(self.data_dir.join("cohack.db")));
        }
        DatabaseUrl::parse(&self.database_url)
    }

    /// The effective configuration as TOML, with secrets masked, for `--print-config`.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        if !shown.jwt_secret.is_empty() {
            shown.jwt_secret = "***".into();
        }
        shown.smtp_url = mask_password(&self.smtp_url);
        for provider in &mut shown.oidc {
            if !provider.client_secret.is_empty() {
                provider.client_secret = "***".into();
            }
        }
        shown.database_url = match self.database() {
            Ok(url) => url.to_string(),
            Err(_) => mask_password(&self.database_url),
        };
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
    }
}

/// The reverse proxies trusted to name the client (`trusted_proxies`): address ranges in CIDR
/// notation (a bare address is a range of one), given as a list or as one string separated by
/// commas or spaces (`COHACK_TRUSTED_PROXIES="10.0.0.0/8, 2001:db8::/32"`). Parsed with
/// `ipnet`, the range type the `reqwest`/`hyper` stack already uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Whether `ip` belongs to a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Whether no proxy is trusted (the default: forwarding headers are always ignored).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(list: &str) -> Result<Self, String> {
        list.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|item| !item.is_empty())
            .map(parse_range)
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

fn parse_range(item: &str) -> Result<IpNet, String> {
    let item = item.trim();
    IpNet::from_str(item)
        .map(|net| net.trunc())
        .or_else(|_| IpAddr::from_str(item).map(IpNet::from))
        .map_err(|_| {
            format!(
                "{item:?} is not an address range in CIDR notation \
                 (e.g. 10.0.0.0/8, 192.168.1.10 or 2001:db8::/32)"
            )
        })
}

impl Serialize for TrustedProxies {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(ToString::to_string))
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ranges;

        impl<'de> de::Visitor<'de> for Ranges {
            type Value = TrustedProxies;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of address ranges in CIDR notation, e.g. \"10.0.0.0/8\"")
            }

            fn visit_str<E: de::Error>(self, list: &str) -> Result<Self::Value, E> {
                list.parse().map_err(E::custom)
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut ranges = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    ranges.push(parse_range(&item).map_err(de::Error::custom)?);
                }
                Ok(TrustedProxies(ranges))
            }
        }

        deserializer.deserialize_any(Ranges)
    }
}

/// The two supported databases, chosen by the URL scheme (never by trying each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH`, `sqlite:PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let bad = |reason: &str| ConfigError::DatabaseUrl {
            url: mask_password(raw),
            reason: reason.to_owned(),
        };
        let raw = raw.trim();
        if let Some(path) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(bad("expected sqlite://PATH with a file path"));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let parsed = url::Url::parse(raw).map_err(|e| bad(&e.to_string()))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(bad("no host"));
            }
            return Ok(Self::Postgres(raw.to_owned()));
        }
        Err(bad(
            "expected sqlite://PATH, postgres://USER@HOST/DB or postgresql://…",
        ))
    }

    /// The string diesel's connection for this backend expects.
    pub fn connection_string(&self) -> String {
        match self {
            Self::Sqlite(path) => path.to_string_lossy().into_owned(),
            Self::Postgres(url) => url.clone(),
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => f.write_str(&mask_password(url)),
        }
    }
}

/// Replaces the password of a URL with `***`, leaving anything unparsable untouched but for
/// the part between `:` and `@`.
pub fn mask_password(raw: &str) -> String {
    if let Ok(mut url) = url::Url::parse(raw)
        && url.password().is_some()
    {
        let _ = url.set_password(Some("***"));
        return url.to_string();
    }
    raw.to_owned()
}

/// figment errors can span lines (one per source) and name environment variables by their
/// prefix only; the user gets one line naming the exact variable, flag or file.
fn one_line(error: &figment::Error) -> String {
    error
        .clone()
        .into_iter()
        .map(|e| {
            let key = e.path.join(".").to_lowercase();
            let origin = e
                .metadata
                .as_ref()
                .map(|m| (m.name.as_ref(), m.source.as_ref()));
            let place = match origin {
                Some((_, Some(figment::Source::Code(_)))) => {
                    format!("in flag --{}", key.replace('_', "-"))
                }
                Some((_, Some(source))) => format!("in {source}"),
                Some((name, None)) if name.contains("`COHACK_`") => {
                    format!("in environment variable COHACK_{}", key.to_uppercase())
                }
                Some((name, None)) if name.contains("environment") => {
                    format!("in environment variable {}", key.to_uppercase())
                }
                _ => String::new(),
            };
            format!("{key}: {} {place}", e.kind).trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("; ")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_schemes() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/x.db").ok(),
            Some(DatabaseUrl::Sqlite("data/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgres://u:pw@localhost/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        for bad in ["mysql://x", "sqlite://", "postgres://", "nonsense", ""] {
            assert!(DatabaseUrl::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn passwords_are_masked() {
        let url = DatabaseUrl::parse("postgres://u:secret@localhost/db").expect("valid url");
        assert!(!url.to_string().contains("secret"));
        assert!(url.to_string().contains("***"));
    }
}
