//! `cohack challenge …`: the author's workflow on a challenge package — scaffold it, build
//! its validator, run its samples on the real sandbox, and publish it to a portal. The work
//! itself is `cohack-package`'s; this module is flags, output and exit codes.

use std::{
    io::Write,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, bail};
use clap::Subcommand;
use cohack_package::{Language, NetworkCaps, Package, scaffold};
use cohack_runtime::{Runtime, RuntimeConfig, Validator, check_endpoint_url};

use crate::judge::views::{SampleRow, SampleTable};

/// The SDK this binary was built next to: the default of `challenge new --sdk`.
const REPO_SDK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../challenge-sdk");

/// The author's commands.
#[derive(Debug, Subcommand)]
pub enum ChallengeCommand {
    /// Create a challenge package in DIR that builds and passes its own samples.
    ///
    /// DIR gets challenge.toml, README.md (the statement), validator/ (a Rust crate using
    /// challenge-sdk; with --lang, app.py or validator.js and sdk.toml) and samples/pass/…
    /// and samples/fail/…
    New {
        /// The folder to create (must be empty or missing).
        dir: PathBuf,
        /// The challenge's slug [default: the folder's name without a leading `NN-`].
        #[arg(long)]
        slug: Option<String>,
        /// The validator's language: rust, python or javascript. Python and JavaScript
        /// validators are built with tools cohack installs on first use into
        /// $COHACK_TOOLS_DIR (default ~/.cache/cohack/tools).
        #[arg(long = "lang", value_name = "LANG", default_value = "rust")]
        language: Language,
        /// Path of the challenge-sdk folder [default: the one of this cohack's source tree].
        #[arg(long, value_name = "PATH")]
        sdk: Option<PathBuf>,
    },
    /// Build the validator of the package in DIR with its language's tool; progress on
    /// stderr.
    Build {
        /// The package folder.
        dir: PathBuf,
    },
    /// Build, then run every sample of the package in DIR on the real sandbox.
    ///
    /// Prints a table (sample, expected, got, score, time, fuel) and exits non-zero when a
    /// sample does not get its declared outcome. Samples of a challenge with a [network]
    /// section replay their exchanges.json and send nothing.
    Test {
        /// The package folder.
        dir: PathBuf,
        /// Run the samples in samples/pass against the service at URL instead of their
        /// recordings, with every endpoint of the manifest's [network] team_endpoints set to
        /// URL; print each verdict, its checks and the requests sent, and exit non-zero
        /// unless each passes. Samples in samples/fail are skipped. http:// and private
        /// addresses such as 127.0.0.1 are allowed: the service is your own, on this
        /// machine.
        #[arg(long, value_name = "URL")]
        live: Option<String>,
    },
    /// Build the package in DIR and publish it to an event of a portal.
    ///
    /// The token comes from COHACK_TOKEN: a personal API token (make one on the portal's
    /// /account/tokens page) or an access token. The portal re-runs the samples and makes
    /// the version live only if each gets its declared outcome; otherwise its table is
    /// printed and the command fails.
    Publish {
        /// The package folder.
        dir: PathBuf,
        /// The portal's address, e.g. https://hack.example.com.
        #[arg(long, env = "COHACK_URL")]
        url: String,
        /// The event's slug.
        #[arg(long)]
        event: String,
        /// Place on the ladder [default: next free for a new challenge, unchanged otherwise].
        #[arg(long)]
        position: Option<i32>,
        /// Open the challenge to every team regardless of the ladder.
        #[arg(long)]
        always_open: bool,
    },
}

/// Runs an author command.
pub fn run(command: ChallengeCommand) -> anyhow::Result<()> {
    match command {
        ChallengeCommand::New {
            dir,
            slug,
            language,
            sdk,
        } => new(&dir, slug, language, sdk),
        ChallengeCommand::Build { dir } => {
            let wasm = build(&dir)?;
            let size = std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0);
            println!("built {} ({} KB)", wasm.display(), size.div_ceil(1024));
            Ok(())
        }
        ChallengeCommand::Test { dir, live: None } => test(&dir),
        ChallengeCommand::Test {
            dir,
            live: Some(url),
        } => test_live(&dir, &url),
        ChallengeCommand::Publish {
            dir,
            url,
            event,
            position,
            always_open,
        } => publish(&dir, &url, &event, position, always_open),
    }
}

/// The slug a folder name suggests: `03-clean-readings` → `clean-readings`.
fn slug_of(dir: &Path) -> Option<String> {
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let stripped = match name.split_once('-') {
        Some((prefix, rest))
            if !prefix.is_empty() && prefix.chars().all(|c| c.is_ascii_digit()) =>
        {
            rest.to_owned()
        }
        _ => name,
    };
    Some(stripped.to_lowercase())
}

fn new(
    dir: &Path,
    slug: Option<String>,
    language: Language,
    sdk: Option<PathBuf>,
) -> anyhow::Result<()> {
    let slug = match slug.or_else(|| slug_of(dir)) {
        Some(slug) => slug,
        None => bail!("cannot derive a slug from {}: pass --slug", dir.display()),
    };
    let sdk = sdk.unwrap_or_else(|| PathBuf::from(REPO_SDK));
    if !sdk.join("wit/validator.wit").is_file() {
        bail!(
            "no challenge-sdk at {}: pass --sdk PATH (the challenge-sdk folder of cohack's source)",
            sdk.display()
        );
    }
    scaffold(dir, &slug, language, &sdk)?;
    println!(
        "created challenge `{slug}` ({language} validator) in {}",
        dir.display()
    );
    println!("next: cohack challenge test {}", dir.display());
    Ok(())
}

/// Builds the validator with cargo's progress on stderr; returns the `.wasm`.
fn build(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut stderr = std::io::stderr();
    Ok(cohack_package::build(dir, &mut stderr)?)
}

/// Builds the package's validator and loads it on a sandbox of this machine under the
/// manifest's limits; the sandbox is returned too, since the validator runs on it.
fn build_and_load(dir: &Path, package: &Package) -> anyhow::Result<(Runtime, Validator)> {
    let wasm_path = build(dir)?;
    let wasm =
        std::fs::read(&wasm_path).with_context(|| format!("reading {}", wasm_path.display()))?;
    let runtime = Runtime::new(RuntimeConfig::default())?;
    let limits = runtime.limits_for(&package.manifest.limits);
    let validator = runtime
        .load_with_limits(&wasm, &limits)
        .context("the validator cannot be loaded")?;
    Ok((runtime, validator))
}

fn test(dir: &Path) -> anyhow::Result<()> {
    let package = Package::load(dir)?;
    let (_runtime, validator) = build_and_load(dir, &package)?;
    let report = cohack_package::test(&package, &validator, &mut std::io::stderr());
    println!("{report}");
    print!("{}", playbook(&package));
    if let Some(guide) = &package.coach_guide {
        println!("{}", coach_guide_check(guide)?);
    }
    if !report.all_ok() {
        let bad = report.mismatches().count();
        bail!(
            "{bad} of {} samples did not get their declared outcome{}",
            report.results.len(),
            if report.materials_error.is_some() {
                " (and materials failed)"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// `test --live URL`: the passing samples against the author's own service.
fn test_live(dir: &Path, url: &str) -> anyhow::Result<()> {
    let package = Package::load(dir)?;
    // Both mistakes are found before a build that may take a while.
    if package.manifest.network.is_none() {
        bail!(
            "{} has no [network] section: --live runs the validator against a service, and this one calls none",
            dir.join(cohack_package::MANIFEST_FILE).display()
        );
    }
    check_endpoint_url(url, true).with_context(|| format!("--live {url}"))?;
    let (runtime, validator) = build_and_load(dir, &package)?;
    let limits = runtime.limits_for(&package.manifest.limits);
    // The author's machine: the service is theirs, wherever it listens.
    let report = cohack_package::test_live(
        &package,
        &validator,
        limits,
        &NetworkCaps::local(),
        url,
        &mut std::io::stderr(),
    )?;
    println!("{report}");
    if !report.all_ok() {
        let failed = report.results.iter().filter(|r| !r.ok()).count();
        if report.results.is_empty() {
            bail!("no sample under samples/pass/ to run against {url}");
        }
        bail!(
            "{failed} of {} samples did not pass against {url}",
            report.results.len()
        );
    }
    Ok(())
}

fn publish(
    dir: &Path,
    url: &str,
    event: &str,
    position: Option<i32>,
    always_open: bool,
) -> anyhow::Result<()> {
    let token = std::env::var("COHACK_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .with_context(|| {
            format!(
                "set COHACK_TOKEN to a personal API token of an author or organizer of the \
                 event: make one at {}",
                tokens_page(url)
            )
        })?;
    let package = Package::load(dir)?;
    let wasm_path = build(dir)?;
    let wasm =
        std::fs::read(&wasm_path).with_context(|| format!("reading {}", wasm_path.display()))?;
    let upload = package.to_upload(&wasm);
    let mut endpoint = url::Url::parse(url.trim_end_matches('/'))
        .with_context(|| format!("--url {url} is not a URL"))?;
    endpoint
        .path_segments_mut()
        .map_err(|()| anyhow::anyhow!("--url {url} cannot take a path"))?
        .extend(["api", "v1", "events", event, "challenges"]);
    {
        let mut query = endpoint.query_pairs_mut();
        if let Some(position) = position {
            query.append_pair("position", &position.to_string());
        }
        if always_open {
            query.append_pair("always_open", "true");
        }
    }
    eprintln!("uploading `{}` to {endpoint}", package.manifest.slug);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (status, body) = runtime.block_on(async {
        let response = reqwest::Client::builder()
            .timeout(Duration::from_secs(300))
            .build()?
            .post(endpoint.clone())
            .bearer_auth(token.trim())
            .json(&upload)
            .send()
            .await
            .with_context(|| format!("cannot reach {endpoint}"))?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
        anyhow::Ok((status, body))
    })?;
    let table = serde_json::from_value::<SampleTable>(body.clone()).ok();
    let message = body["error"]["message"].as_str().unwrap_or("");
    match status.as_u16() {
        201 => {
            if let Some(table) = &table {
                print!("{}", render_table(table));
            }
            println!(
                "published `{}` v{} to event `{event}` (position {}): live",
                body["challenge"]["slug"]
                    .as_str()
                    .unwrap_or(&package.manifest.slug),
                body["version"],
                body["challenge"]["position"],
            );
            Ok(())
        }
        422 => {
            if let Some(table) = &table {
                print!("{}", render_table(table));
            }
            bail!("the portal refused the package: {message}")
        }
        401 => bail!(
            "the portal refused COHACK_TOKEN ({message}): make a new personal API token at {}",
            tokens_page(url)
        ),
        _ => {
            let code = body["error"]["code"].as_str().unwrap_or("unknown");
            bail!("the portal answered {status} ({code}): {message}")
        }
    }
}

/// Where a portal's users make personal API tokens.
fn tokens_page(portal: &str) -> String {
    format!("{}/account/tokens", portal.trim_end_matches('/'))
}

/// The portal's sample table, as `challenge test` prints its own.
pub fn render_table(table: &SampleTable) -> String {
    let width = table
        .samples
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let mut out = Vec::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:<6}  {:<5}  {:>11}  {:>9}  {:>9}  result",
        "sample", "expect", "got", "score", "time", "fuel"
    );
    for r in &table.samples {
        let _ = writeln!(
            out,
            "{:<width$}  {:<6}  {:<5}  {:>11}  {:>9}  {:>9}  {}",
            r.name,
            r.expect,
            r.got,
            score(r),
            format!("{:.1} ms", r.duration_us as f64 / 1_000.0),
            r.fuel_used,
            if r.ok { "ok" } else { "MISMATCH" }
        );
    }
    for r in table.samples.iter().filter(|r| !r.ok) {
        let _ = writeln!(out, "\n{}: {}", r.name, r.mismatch.as_deref().unwrap_or(""));
    }
    if let Some(error) = &table.materials_error {
        let _ = writeln!(out, "\nmaterials: {error}");
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders the coach's guide as the portal shows it to coaches (Markdown, sanitized) and says
/// so in one line; a guide that renders to nothing (only comments, or markup the portal
/// strips) is an error, since coaches would read an empty panel.
fn coach_guide_check(guide: &str) -> anyhow::Result<String> {
    let html = crate::web::markdown::to_safe_html(guide);
    let text_len = html
        .split(['<', '>'])
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t.trim().len())
        .sum::<usize>();
    if text_len == 0 {
        bail!(
            "{}: renders to nothing a coach could read (only comments or markup the portal removes)",
            cohack_package::COACH_GUIDE_FILE
        );
    }
    let headings = html.matches("<h").count() - html.matches("<hr").count();
    Ok(format!(
        "coach's guide: {} ({} bytes, renders to {} bytes of HTML, {headings} headings; coaches and organizers only)",
        cohack_package::COACH_GUIDE_FILE,
        guide.len(),
        html.len()
    ))
}

/// What the package declares for the coaches' playbook: its hints (title and cost), the
/// expected time and the sign-off, one line each, or nothing when it declares none.
fn playbook(package: &Package) -> String {
    let manifest = &package.manifest;
    let mut text = String::new();
    if !manifest.hints.is_empty() {
        text.push_str(&format!("hints: {}\n", manifest.hints.len()));
        for (n, (hint, body)) in manifest.hints.iter().zip(&package.hints).enumerate() {
            let cost = match hint.cost {
                0 => "free".to_owned(),
                1 => "costs 1 point".to_owned(),
                cost => format!("costs {cost} points"),
            };
            text.push_str(&format!(
                "  {}. {} ({cost}; {}, {} bytes)\n",
                n + 1,
                hint.title,
                hint.file,
                body.len()
            ));
        }
    }
    if let Some(minutes) = manifest.expected_minutes {
        text.push_str(&format!("expected time: {minutes} minutes\n"));
    }
    if !manifest.sign_off.is_none() {
        text.push_str(&format!(
            "sign-off: {} (a pass waits for a coach's approval)\n",
            manifest.sign_off
        ));
    }
    text
}

fn score(row: &SampleRow) -> String {
    match (row.score, row.max_score, row.expected_score) {
        (Some(score), Some(max), _) => format!("{score}/{max}"),
        (_, _, Some(expected)) => format!("(want {expected})"),
        _ => "-".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coach_guide_must_render_to_something() {
        let said = coach_guide_check("# Approach\n\nCount **devices**.").expect("renders");
        assert!(
            said.contains("coach.md") && said.contains("1 headings"),
            "{said}"
        );
        let error = coach_guide_check("<!-- todo -->\n<script>x()</script>")
            .expect_err("renders to nothing")
            .to_string();
        assert!(error.contains("renders to nothing"), "{error}");
    }

    #[test]
    fn the_portal_table_names_each_mismatch() {
        let row = |name: &str, ok: bool| SampleRow {
            name: name.to_owned(),
            expect: "pass".to_owned(),
            expected_score: None,
            got: if ok { "pass" } else { "fail" }.to_owned(),
            score: Some(if ok { 100 } else { 0 }),
            max_score: Some(100),
            error: None,
            duration_us: 1_500,
            fuel_used: 4_000,
            ok,
            mismatch: (!ok).then(|| "expected pass, got fail".to_owned()),
        };
        let text = render_table(&SampleTable {
            samples: vec![row("pass/good", true), row("pass/bad", false)],
            materials_error: None,
        });
        assert!(
            text.lines()
                .next()
                .is_some_and(|l| l.contains("expect") && l.contains("fuel"))
        );
        assert!(text.contains("pass/good") && text.contains("100/100") && text.contains("1.5 ms"));
        assert!(text.contains("MISMATCH"));
        assert!(text.contains("pass/bad: expected pass, got fail"));
    }

    #[test]
    fn slugs_from_folder_names() {
        assert_eq!(
            slug_of(Path::new("challenges/03-clean-readings")).as_deref(),
            Some("clean-readings")
        );
        assert_eq!(
            slug_of(Path::new("my-challenge")).as_deref(),
            Some("my-challenge")
        );
        assert_eq!(slug_of(Path::new("2024-intro")).as_deref(), Some("intro"));
    }
}
