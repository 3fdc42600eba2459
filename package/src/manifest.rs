//! `challenge.toml`: what a challenge is called, what it is worth, and how its validator runs.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::path::{Component, Path};
use std::time::Duration;

use cohack_runtime::{Endpoint, HostPattern, LimitOverrides, Network, NetworkMode};
use serde::{Deserialize, Serialize};

use crate::PackageError;

/// The manifest's file name in a package folder.
pub const MANIFEST_FILE: &str = "challenge.toml";
/// The statement's file name in a package folder.
pub const STATEMENT_FILE: &str = "README.md";

/// A challenge's manifest.
///
/// ```toml
/// slug = "clean-readings"
/// title = "Clean up the readings"
/// points = 300
/// summary = "Turn a messy export into a clean table."
/// validator = "validator"      # optional: the validator's folder, default "validator"
/// language = "rust"            # optional: "rust" (default), "python" or "javascript"
/// expected_minutes = 45        # optional: the time a team is expected to need (1–1440);
///                              # its coaches are nudged when a team passes it
/// sign_off = "coach"           # optional: "none" (default) or "coach": a validator pass
///                              # waits for a coach's or organizer's approval
///
/// [limits]                     # optional: per-challenge sandbox limits (capped by the server)
/// fuel = 500_000_000
/// wall_time_ms = 2000
///
/// [config]                     # optional: defaults of the validator's `config::get` keys
/// slack_percent = "25"
///
/// [[hints]]                    # optional, at most 16: titles show with the statement, the
/// title = "Where the gaps are" # text (a Markdown file in the package) once a team unlocks it
/// cost = 30                    # points, may be 0, at most `points`
/// file = "hints/gaps.md"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Stable identifier: kebab-case, 3–48 characters (`clean-readings`).
    pub slug: String,
    /// Display title, one line.
    pub title: String,
    /// The maximum score; the validator's verdicts must use the same `max-score`.
    pub points: u32,
    /// One line shown on the ladder.
    pub summary: String,
    /// Sandbox limit overrides, passed to the runtime.
    #[serde(default)]
    pub limits: LimitOverrides,
    /// Default values of the validator's config keys; organizers may override them per event.
    #[serde(default)]
    pub config: BTreeMap<String, String>,
    /// The validator's folder, relative to the package: a cargo crate, or the folder of
    /// `app.py` or `validator.js` (see [`Language`]).
    #[serde(default = "default_validator")]
    pub validator: String,
    /// The language the validator is written in, which decides how it is built. Left out of
    /// the serialized form when it is Rust, so uploads of Rust packages read as before.
    #[serde(default, skip_serializing_if = "Language::is_rust")]
    pub language: Language,
    /// The network the validator may use (a `cohack:validator@0.2.0` validator); none
    /// without this section.
    #[serde(default)]
    pub network: Option<NetworkSpec>,
    /// Hints a team may unlock (`[[hints]]`), in the order shown; at most 16. Left out of
    /// the serialized form when there are none, so older uploads read as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<HintSpec>,
    /// The minutes a team is expected to need (1–1440); past it, its coaches are nudged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_minutes: Option<u32>,
    /// Who confirms a validator pass; left out when [`SignOff::None`].
    #[serde(default, skip_serializing_if = "SignOff::is_none")]
    pub sign_off: SignOff,
    /// What a team's first solve earns when the event gives rewards (`reward = "a coffee"`),
    /// one line of at most 100 characters; the event may name its own instead. Left out when
    /// none (the portal then says "a reward").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
}

/// One `[[hints]]` entry: a title shown with the statement, what unlocking it costs, and the
/// Markdown file (in the package) a team reads once it has unlocked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HintSpec {
    /// One line, 1–80 characters.
    pub title: String,
    /// Points, may be 0, at most the challenge's `points`.
    pub cost: u32,
    /// The hint's text: a Markdown file, relative to the package, without `..`.
    pub file: String,
}

/// Who confirms that a validator pass meets the challenge: nobody (the pass is the solve) or
/// a coach of the team (or an organizer), who approves or rejects it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignOff {
    /// A validator pass is a solve.
    #[default]
    None,
    /// A validator pass waits for a coach's or organizer's approval.
    Coach,
}

impl SignOff {
    /// `"none"` or `"coach"`, as `challenge.toml` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Coach => "coach",
        }
    }

    /// Whether this is [`SignOff::None`], the default.
    pub fn is_none(&self) -> bool {
        *self == Self::None
    }
}

impl fmt::Display for SignOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language of a package's validator: each is built by its own tool into the same kind
/// of component, which the sandbox runs alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// A cargo crate using challenge-sdk, built with `cargo build --target wasm32-wasip2`.
    #[default]
    Rust,
    /// `app.py` using the `cohack_sdk` package, built with componentize-py.
    Python,
    /// `validator.js`, an ES module using `@cohack/sdk`, bundled with esbuild and built with
    /// componentize-js.
    Javascript,
}

impl Language {
    /// Every language, in the order the docs list them.
    pub const ALL: [Language; 3] = [Self::Rust, Self::Python, Self::Javascript];

    /// The name as `challenge.toml` and `--lang` spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rust => "rust",
            Self::Python => "python",
            Self::Javascript => "javascript",
        }
    }

    /// Whether this is [`Language::Rust`], the default.
    pub fn is_rust(&self) -> bool {
        *self == Self::Rust
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Language {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == text)
            .ok_or_else(|| {
                format!("`{text}` is not a validator language: rust, python or javascript")
            })
    }
}

/// A manifest's `[network]` section: what the validator may call, and how much. The server
/// caps each number (`validator_network_*` settings).
///
/// ```toml
/// [network]
/// team_endpoints = ["api"]                 # endpoints the team must set before submitting
/// allowed_hosts = ["*.example-cloud.net"]  # other hosts the validator may call
/// max_requests = 20                        # per run
/// request_timeout_ms = 2000
/// max_response_kb = 1024
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// Names of the endpoints a team must set before submitting (`api`).
    #[serde(default)]
    pub team_endpoints: Vec<String>,
    /// Other hosts the validator may call: `api.example.net` or `*.example.net`.
    #[serde(default)]
    pub allowed_hosts: Vec<HostPattern>,
    /// Requests one run may send.
    #[serde(default = "default_max_requests")]
    pub max_requests: u32,
    /// Each request's timeout, in milliseconds.
    #[serde(default = "default_request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// The largest response body accepted, in KiB.
    #[serde(default = "default_max_response_kb")]
    pub max_response_kb: u64,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        Self {
            team_endpoints: Vec::new(),
            allowed_hosts: Vec::new(),
            max_requests: default_max_requests(),
            request_timeout_ms: default_request_timeout_ms(),
            max_response_kb: default_max_response_kb(),
        }
    }
}

/// The server's bounds on every challenge's `[network]` (its `validator_network_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkCaps {
    /// The most `max_requests` a manifest may ask for.
    pub max_requests: u32,
    /// The longest `request_timeout_ms`.
    pub max_request_timeout_ms: u64,
    /// The largest `max_response_kb`.
    pub max_response_kb: u64,
    /// Whether `http://` URLs may be called.
    pub allow_http: bool,
    /// Whether loopback, private and link-local addresses may be reached.
    pub allow_private: bool,
}

impl Default for NetworkCaps {
    fn default() -> Self {
        Self {
            max_requests: 100,
            max_request_timeout_ms: 10_000,
            max_response_kb: 10_240,
            allow_http: false,
            allow_private: false,
        }
    }
}

impl NetworkCaps {
    /// The default numbers with `http://` and private addresses allowed: the bounds of runs
    /// on the author's own machine, where the service called is the author's (`cohack
    /// challenge test --live http://127.0.0.1:8000`) or nothing is sent at all (samples
    /// replaying their recordings). Never a server's bounds: there, a team's URL must not
    /// reach the server's own network.
    pub fn local() -> Self {
        Self {
            allow_http: true,
            allow_private: true,
            ..Self::default()
        }
    }
}

impl NetworkSpec {
    /// The network of one run: this section's values capped by the server, the team's
    /// endpoints (only those this section names), and the mode.
    pub fn network(
        &self,
        caps: &NetworkCaps,
        endpoints: &[Endpoint],
        mode: NetworkMode,
    ) -> Network {
        Network {
            endpoints: endpoints
                .iter()
                .filter(|e| self.team_endpoints.contains(&e.name))
                .cloned()
                .collect(),
            allowed_hosts: self.allowed_hosts.clone(),
            max_requests: self.max_requests.min(caps.max_requests),
            request_timeout: Duration::from_millis(
                self.request_timeout_ms.min(caps.max_request_timeout_ms),
            ),
            max_response_bytes: self
                .max_response_kb
                .min(caps.max_response_kb)
                .saturating_mul(1024),
            allow_http: caps.allow_http,
            allow_private: caps.allow_private,
            mode,
        }
    }
}

fn default_max_requests() -> u32 {
    20
}

fn default_request_timeout_ms() -> u64 {
    2000
}

fn default_max_response_kb() -> u64 {
    1024
}

fn default_validator() -> String {
    "validator".to_owned()
}

/// Bounds that keep a manifest displayable.
const MAX_TITLE: usize = 100;
const MAX_SUMMARY: usize = 200;
const MAX_POINTS: u32 = 100_000;
/// Hints per challenge, and a hint title's length.
pub const MAX_HINTS: usize = 16;
const MAX_HINT_TITLE: usize = 80;
/// The bounds of `expected_minutes`: a minute to a day.
const EXPECTED_MINUTES: RangeInclusive<u32> = 1..=1440;

impl Manifest {
    /// Parses and validates `text`; errors name `file` and the field.
    pub fn parse(text: &str, file: &Path) -> Result<Self, PackageError> {
        let manifest: Manifest = toml::from_str(text)
            .map_err(|e| PackageError::invalid(file, e.to_string().trim_end().to_owned()))?;
        manifest.validate(file)?;
        Ok(manifest)
    }

    /// Reads `challenge.toml` from a package folder.
    pub fn load(dir: &Path) -> Result<Self, PackageError> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| PackageError::io(&path, e))?;
        Self::parse(&text, &path)
    }

    /// Checks every field's rules; the error names `file` and the field.
    pub fn validate(&self, file: &Path) -> Result<(), PackageError> {
        let field = |name: &str, message: String| {
            PackageError::invalid(file, format!("field `{name}`: {message}"))
        };
        if !is_slug(&self.slug) {
            return Err(field(
                "slug",
                format!(
                    "`{}` must be kebab-case: 3 to 48 lowercase letters, digits and single dashes, like `clean-readings`",
                    self.slug
                ),
            ));
        }
        check_line("title", &self.title, MAX_TITLE).map_err(|m| field("title", m))?;
        check_line("summary", &self.summary, MAX_SUMMARY).map_err(|m| field("summary", m))?;
        if self.points == 0 || self.points > MAX_POINTS {
            return Err(field(
                "points",
                format!("must be between 1 and {MAX_POINTS}, got {}", self.points),
            ));
        }
        if !is_relative_inside(&self.validator) {
            return Err(field(
                "validator",
                format!(
                    "`{}` must be a folder inside the package (a relative path without `..`)",
                    self.validator
                ),
            ));
        }
        for key in self.config.keys() {
            let ok = !key.is_empty()
                && key.len() <= 64
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !ok {
                return Err(field(
                    "config",
                    format!("key `{key}` must be 1 to 64 letters, digits, `_`, `-` or `.`"),
                ));
            }
        }
        if let Some(network) = &self.network {
            network
                .validate()
                .map_err(|(name, message)| field(&format!("network.{name}"), message))?;
        }
        if let Some(minutes) = self.expected_minutes
            && !EXPECTED_MINUTES.contains(&minutes)
        {
            return Err(field(
                "expected_minutes",
                format!(
                    "must be between {}, got {minutes}",
                    range_text(&EXPECTED_MINUTES)
                ),
            ));
        }
        if self.hints.len() > MAX_HINTS {
            return Err(field(
                "hints",
                format!("{} hints, the limit is {MAX_HINTS}", self.hints.len()),
            ));
        }
        for (i, hint) in self.hints.iter().enumerate() {
            let name = |part: &str| format!("hints[{}].{part}", i + 1);
            check_line("title", &hint.title, MAX_HINT_TITLE)
                .map_err(|m| field(&name("title"), m))?;
            if hint.cost > self.points {
                return Err(field(
                    &name("cost"),
                    format!(
                        "{} is above the challenge's {} points",
                        hint.cost, self.points
                    ),
                ));
            }
            if !is_relative_inside(&hint.file) || Path::new(&hint.file).file_name().is_none() {
                return Err(field(
                    &name("file"),
                    format!(
                        "`{}` must be a file inside the package (a relative path without `..`)",
                        hint.file
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Bounds of a `[network]` section, whatever the server's caps: a manifest outside them is
/// a mistake, not a request to be capped.
const MAX_TEAM_ENDPOINTS: usize = 8;
const MAX_REQUESTS: RangeInclusive<u32> = 1..=1000;
const REQUEST_TIMEOUT_MS: RangeInclusive<u64> = 100..=60_000;
const MAX_RESPONSE_KB: RangeInclusive<u64> = 1..=65_536;

impl NetworkSpec {
    /// Checks the section's rules; the error is the field at fault and what is wrong.
    fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.team_endpoints.len() > MAX_TEAM_ENDPOINTS {
            return Err((
                "team_endpoints",
                format!(
                    "{} endpoints, the limit is {MAX_TEAM_ENDPOINTS}",
                    self.team_endpoints.len()
                ),
            ));
        }
        for (i, name) in self.team_endpoints.iter().enumerate() {
            if !is_endpoint_name(name) {
                return Err((
                    "team_endpoints",
                    format!(
                        "`{name}` must be 1 to 32 lowercase letters, digits, `_` or `-`, like `api`"
                    ),
                ));
            }
            if self.team_endpoints[..i].contains(name) {
                return Err(("team_endpoints", format!("`{name}` is listed twice")));
            }
        }
        let out_of = |value: String, range: String| format!("must be between {range}, got {value}");
        if !MAX_REQUESTS.contains(&self.max_requests) {
            return Err((
                "max_requests",
                out_of(self.max_requests.to_string(), range_text(&MAX_REQUESTS)),
            ));
        }
        if !REQUEST_TIMEOUT_MS.contains(&self.request_timeout_ms) {
            return Err((
                "request_timeout_ms",
                out_of(
                    self.request_timeout_ms.to_string(),
                    range_text(&REQUEST_TIMEOUT_MS),
                ),
            ));
        }
        if !MAX_RESPONSE_KB.contains(&self.max_response_kb) {
            return Err((
                "max_response_kb",
                out_of(
                    self.max_response_kb.to_string(),
                    range_text(&MAX_RESPONSE_KB),
                ),
            ));
        }
        Ok(())
    }
}

/// `1 and 1000`, as the messages say it.
fn range_text<T: fmt::Display>(range: &RangeInclusive<T>) -> String {
    format!("{} and {}", range.start(), range.end())
}

/// A team endpoint's name: 1 to 32 characters of `[a-z0-9_-]`.
pub(crate) fn is_endpoint_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
}

/// Kebab-case, 3 to 48 characters.
pub(crate) fn is_slug(slug: &str) -> bool {
    (3..=48).contains(&slug.len())
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn check_line(name: &str, value: &str, max: usize) -> Result<(), String> {
    if value.trim().is_empty() {
        Err("must not be empty".to_owned())
    } else if value.contains('\n') {
        Err(format!("the {name} must be one line"))
    } else if value.chars().count() > max {
        Err(format!(
            "must be at most {max} characters, got {}",
            value.chars().count()
        ))
    } else {
        Ok(())
    }
}

/// A relative path that stays inside its base: no root, no `..`, not empty.
pub(crate) fn is_relative_inside(path: &str) -> bool {
    let path = Path::new(path);
    !path.as_os_str().is_empty()
        && !path.to_string_lossy().contains('\\')
        && path
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "slug = \"clean-readings\"\ntitle = \"Clean\"\npoints = 300\nsummary = \"One line.\"\n";

    fn parse(text: &str) -> Result<Manifest, String> {
        Manifest::parse(text, Path::new("pkg/challenge.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn a_minimal_manifest_gets_defaults() {
        let m = parse(GOOD).unwrap();
        assert_eq!(m.validator, "validator");
        assert_eq!(m.language, Language::Rust);
        assert!(m.config.is_empty());
        assert_eq!(m.limits, LimitOverrides::default());
    }

    #[test]
    fn limits_and_config_are_read() {
        let m = parse(&format!(
            "{GOOD}[limits]\nfuel = 5\nwall_time_ms = 100\n[config]\nx = \"1\"\n"
        ))
        .unwrap();
        assert_eq!(m.limits.fuel, Some(5));
        assert_eq!(m.limits.wall_time_ms, Some(100));
        assert_eq!(m.config["x"], "1");
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let bad_slug = parse(&GOOD.replace("clean-readings", "Clean_Readings")).unwrap_err();
        assert!(
            bad_slug.starts_with(
                "pkg/challenge.toml: field `slug`: `Clean_Readings` must be kebab-case"
            ),
            "{bad_slug}"
        );
        let zero = parse(&GOOD.replace("300", "0")).unwrap_err();
        assert!(zero.contains("field `points`: must be between 1"), "{zero}");
        let empty = parse(&GOOD.replace("\"Clean\"", "\" \"")).unwrap_err();
        assert!(
            empty.contains("field `title`: must not be empty"),
            "{empty}"
        );
        let escape = parse(&format!("{GOOD}validator = \"../elsewhere\"\n")).unwrap_err();
        assert!(escape.contains("field `validator`"), "{escape}");
        let unknown = parse(&format!("{GOOD}pointz = 3\n")).unwrap_err();
        assert!(unknown.contains("unknown field `pointz`"), "{unknown}");
        let missing = parse("slug = \"abc\"\n").unwrap_err();
        assert!(missing.contains("missing field `title`"), "{missing}");
        let bad_limit = parse(&format!("{GOOD}[limits]\nfuels = 1\n")).unwrap_err();
        assert!(bad_limit.contains("unknown field `fuels`"), "{bad_limit}");
        let wrong_type = parse(&GOOD.replace("300", "\"300\"")).unwrap_err();
        assert!(wrong_type.contains("points"), "{wrong_type}");
    }

    #[test]
    fn the_language_is_read_and_left_out_when_rust() {
        for language in Language::ALL {
            let m = parse(&format!("{GOOD}language = \"{language}\"\n")).unwrap();
            assert_eq!(m.language, language);
            assert_eq!(language.as_str().parse::<Language>(), Ok(language));
            let json = serde_json::to_value(&m).unwrap();
            assert_eq!(
                json.get("language").and_then(|l| l.as_str()),
                (!language.is_rust()).then_some(language.as_str()),
                "only a language other than Rust is written out"
            );
        }
        let unknown = parse(&format!("{GOOD}language = \"go\"\n")).unwrap_err();
        assert!(
            unknown.contains("unknown variant `go`")
                && unknown.contains("`rust`, `python`, `javascript`"),
            "{unknown}"
        );
        let error = "Go".parse::<Language>().unwrap_err();
        assert!(error.contains("rust, python or javascript"), "{error}");
    }

    #[test]
    fn a_network_section_is_read_with_defaults() {
        let m = parse(&format!(
            "{GOOD}[network]\nteam_endpoints = [\"api\", \"admin_ui\"]\nallowed_hosts = [\"*.Example.net\"]\n"
        ))
        .unwrap();
        let network = m.network.unwrap();
        assert_eq!(network.team_endpoints, ["api", "admin_ui"]);
        assert_eq!(network.allowed_hosts[0].as_str(), "*.example.net");
        assert_eq!(network.max_requests, 20);
        assert_eq!(network.request_timeout_ms, 2000);
        assert_eq!(network.max_response_kb, 1024);
        assert_eq!(parse(GOOD).unwrap().network, None);
    }

    #[test]
    fn network_errors_name_the_field() {
        let network = |body: &str| parse(&format!("{GOOD}[network]\n{body}\n")).unwrap_err();
        for (body, expected) in [
            (
                "team_endpoints = [\"API\"]",
                "field `network.team_endpoints`: `API` must be 1 to 32 lowercase letters",
            ),
            (
                "team_endpoints = [\"\"]",
                "field `network.team_endpoints`: `` must be 1 to 32",
            ),
            (
                "team_endpoints = [\"my api\"]",
                "field `network.team_endpoints`: `my api` must be",
            ),
            (
                "team_endpoints = [\"api\", \"web\", \"api\"]",
                "field `network.team_endpoints`: `api` is listed twice",
            ),
            (
                "max_requests = 0",
                "field `network.max_requests`: must be between 1 and 1000, got 0",
            ),
            (
                "max_requests = 1001",
                "field `network.max_requests`: must be between 1 and 1000, got 1001",
            ),
            (
                "request_timeout_ms = 99",
                "field `network.request_timeout_ms`: must be between 100 and 60000, got 99",
            ),
            (
                "request_timeout_ms = 60001",
                "field `network.request_timeout_ms`: must be between 100 and 60000",
            ),
            (
                "max_response_kb = 0",
                "field `network.max_response_kb`: must be between 1 and 65536, got 0",
            ),
            (
                "max_response_kb = 65537",
                "field `network.max_response_kb`: must be between 1 and 65536",
            ),
        ] {
            let error = network(body);
            assert!(
                error.starts_with("pkg/challenge.toml: ") && error.contains(expected),
                "{body}: {error}"
            );
        }
        let long = format!("team_endpoints = [\"{}\"]", "a".repeat(33));
        assert!(network(&long).contains("must be 1 to 32"));
        let names: Vec<String> = (0..9).map(|i| format!("\"e{i}\"")).collect();
        let many = network(&format!("team_endpoints = [{}]", names.join(", ")));
        assert!(
            many.contains("field `network.team_endpoints`: 9 endpoints, the limit is 8"),
            "{many}"
        );
        let host = network("allowed_hosts = [\"exa mple.net\"]");
        assert!(host.contains("allowed_hosts"), "{host}");
        let unknown = network("max_request = 3");
        assert!(unknown.contains("unknown field `max_request`"), "{unknown}");

        let bounds = format!(
            "team_endpoints = [\"{}\", \"a-b_c\"]\nmax_requests = 1000\nrequest_timeout_ms = 100\nmax_response_kb = 65536",
            "a".repeat(32)
        );
        parse(&format!("{GOOD}[network]\n{bounds}\n")).unwrap();
    }

    const HINT: &str =
        "[[hints]]\ntitle = \"Where to look\"\ncost = 30\nfile = \"hints/look.md\"\n";

    #[test]
    fn the_playbook_fields_are_read_and_left_out_when_unset() {
        let m = parse(&format!(
            "sign_off = \"coach\"\nexpected_minutes = 45\n{GOOD}{HINT}[[hints]]\ntitle = \"Free\"\ncost = 0\nfile = \"free.md\"\n"
        ))
        .unwrap();
        assert_eq!(m.sign_off, SignOff::Coach);
        assert_eq!(m.expected_minutes, Some(45));
        assert_eq!(
            m.hints,
            [
                HintSpec {
                    title: "Where to look".into(),
                    cost: 30,
                    file: "hints/look.md".into()
                },
                HintSpec {
                    title: "Free".into(),
                    cost: 0,
                    file: "free.md".into()
                }
            ]
        );
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["sign_off"], "coach");
        assert_eq!(json["expected_minutes"], 45);
        assert_eq!(json["hints"][0]["cost"], 30);

        let plain = parse(GOOD).unwrap();
        assert!(plain.hints.is_empty());
        assert_eq!(plain.expected_minutes, None);
        assert_eq!(plain.sign_off, SignOff::None);
        let json = serde_json::to_value(&plain).unwrap();
        for key in ["hints", "expected_minutes", "sign_off"] {
            assert!(
                json.get(key).is_none(),
                "{key} is left out, as older uploads had it"
            );
        }
        assert_eq!(
            parse(&format!("sign_off = \"none\"\n{GOOD}")).unwrap(),
            plain
        );
    }

    #[test]
    fn playbook_errors_name_the_field() {
        let error = |text: String| parse(&text).unwrap_err();
        for (text, expected) in [
            (
                format!("expected_minutes = 0\n{GOOD}"),
                "field `expected_minutes`: must be between 1 and 1440, got 0",
            ),
            (
                format!("expected_minutes = 1441\n{GOOD}"),
                "field `expected_minutes`: must be between 1 and 1440, got 1441",
            ),
            (
                format!("sign_off = \"judge\"\n{GOOD}"),
                "unknown variant `judge`, expected `none` or `coach`",
            ),
            (
                format!("{GOOD}{}", HINT.replace("cost = 30", "cost = 301")),
                "field `hints[1].cost`: 301 is above the challenge's 300 points",
            ),
            (
                format!("{GOOD}{}", HINT.replace("Where to look", " ")),
                "field `hints[1].title`: must not be empty",
            ),
            (
                format!("{GOOD}{}", HINT.replace("Where to look", &"x".repeat(81))),
                "field `hints[1].title`: must be at most 80 characters, got 81",
            ),
            (
                format!("{GOOD}{HINT}{}", HINT.replace("Where to look", "a\\nb")),
                "field `hints[2].title`: the title must be one line",
            ),
            (
                format!("{GOOD}{}", HINT.replace("hints/look.md", "../look.md")),
                "field `hints[1].file`: `../look.md` must be a file inside the package",
            ),
            (
                format!("{GOOD}{}", HINT.replace("hints/look.md", "/etc/passwd")),
                "field `hints[1].file`: `/etc/passwd` must be a file inside the package",
            ),
            (
                format!("{GOOD}{}", HINT.replace("hints/look.md", ".")),
                "field `hints[1].file`: `.` must be a file",
            ),
            (
                format!("{GOOD}{}", HINT.replace("cost = 30", "cost = -1")),
                "cost",
            ),
            (
                format!(
                    "{GOOD}{}",
                    HINT.replace("cost = 30", "cost = 30\ntext = \"x\"")
                ),
                "unknown field `text`",
            ),
            (
                format!("{GOOD}{}", HINT.replace("cost = 30\n", "")),
                "missing field `cost`",
            ),
        ] {
            let message = error(text.clone());
            assert!(
                message.starts_with("pkg/challenge.toml: ") && message.contains(expected),
                "{text}: {message}"
            );
        }
        let many = error(format!("{GOOD}{}", HINT.repeat(17)));
        assert!(
            many.contains("field `hints`: 17 hints, the limit is 16"),
            "{many}"
        );
        parse(&format!("{GOOD}{}", HINT.repeat(16))).unwrap();
        parse(&format!(
            "expected_minutes = 1440\n{GOOD}{}",
            HINT.replace("cost = 30", "cost = 300")
                .replace("Where to look", &"é".repeat(80))
        ))
        .unwrap();
    }

    #[test]
    fn local_caps_allow_what_a_server_does_not() {
        let local = NetworkCaps::local();
        assert!(local.allow_http && local.allow_private);
        assert_eq!(local.max_requests, NetworkCaps::default().max_requests);
        assert!(!NetworkCaps::default().allow_http);
    }

    #[test]
    fn slugs_and_relative_paths() {
        assert!(is_slug("first-contact"));
        assert!(is_slug("a01"));
        for bad in ["ab", "a--b", "-ab", "ab-", "AB-c", "a_b", &"a".repeat(49)] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert!(is_relative_inside("validator"));
        assert!(is_relative_inside("./crates/v"));
        for bad in ["", "/abs", "../x", "a/../../x", "a\\b"] {
            assert!(!is_relative_inside(bad), "{bad}");
        }
    }
}
