//! `cohack validate`: run a validator on one submission, locally, on the real sandbox, and
//! print what it said as JSON — the verdict, or the validator error — with its log and cost.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{ArgGroup, Args};
use cohack_runtime::{File, RunContext, Runtime, RuntimeConfig, Submission};
use serde_json::json;

/// The short answer inside a `--submission` folder (as in a package's samples).
const ANSWER_FILE: &str = "answer.txt";
/// A sample's settings: not part of the submission.
const SAMPLE_FILE: &str = "sample.toml";

/// Flags of `cohack validate`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("input").required(true).args(["submission", "answer"])))]
pub struct ValidateArgs {
    /// The validator component (.wasm).
    #[arg(long, value_name = "FILE")]
    pub wasm: PathBuf,
    /// A folder to submit: its files, with `answer.txt` as the short answer (a package's
    /// sample folder works as is; its `sample.toml` is skipped).
    #[arg(long, value_name = "DIR")]
    pub submission: Option<PathBuf>,
    /// A short answer to submit (without files).
    #[arg(long, value_name = "TEXT")]
    pub answer: Option<String>,
    /// The team id the validator sees.
    #[arg(long, value_name = "ID", default_value = "sample-team")]
    pub team: String,
    /// The challenge slug the validator sees.
    #[arg(long, value_name = "SLUG", default_value = "challenge")]
    pub challenge: String,
    /// A setting the validator reads with `config::get` (repeatable).
    #[arg(long = "config", value_name = "KEY=VALUE", value_parser = key_value)]
    pub config: Vec<(String, String)>,
}

fn key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

/// Reads a submission folder: every regular file (paths relative, `/`-separated, sorted),
/// `answer.txt` as the answer.
fn read_submission(dir: &Path) -> anyhow::Result<(String, Vec<File>)> {
    if !dir.is_dir() {
        bail!("--submission {} is not a folder", dir.display());
    }
    let mut answer = String::new();
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .with_context(|| format!("cannot read {}", current.display()))?;
        for entry in entries {
            let path = entry
                .with_context(|| format!("cannot read {}", current.display()))?
                .path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let content =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            match relative.as_str() {
                ANSWER_FILE => {
                    let text = String::from_utf8(content)
                        .with_context(|| format!("{} is not UTF-8 text", path.display()))?;
                    let text = text.strip_suffix('\n').unwrap_or(&text);
                    answer = text.strip_suffix('\r').unwrap_or(text).to_owned();
                }
                SAMPLE_FILE => {}
                _ => files.push(File {
                    path: relative,
                    content,
                }),
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((answer, files))
}

/// Runs the validator and prints the JSON report; fails (after printing) on a validator
/// error.
pub fn run(args: ValidateArgs) -> anyhow::Result<()> {
    let wasm = std::fs::read(&args.wasm)
        .with_context(|| format!("cannot read {}", args.wasm.display()))?;
    let (answer, files) = match (&args.submission, args.answer) {
        (Some(dir), _) => read_submission(dir)?,
        (None, Some(answer)) => (answer, Vec::new()),
        (None, None) => bail!("give --submission DIR or --answer TEXT"),
    };
    let runtime = Runtime::new(RuntimeConfig::default())?;
    let validator = runtime
        .load(&wasm)
        .with_context(|| format!("{} cannot be loaded", args.wasm.display()))?;
    let submission = Submission {
        challenge: args.challenge,
        team: args.team,
        answer,
        files,
    };
    runtime
        .default_limits()
        .check_submission(&submission)
        .context("the submission is refused")?;
    let context = RunContext {
        config: args.config.into_iter().collect(),
        limits: *runtime.default_limits(),
        network: None,
    };
    let report = validator.validate(&submission, &context);
    let common = json!({
        "logs": report.logs,
        "fuel_used": report.fuel_used,
        "duration_us": u64::try_from(report.duration.as_micros()).unwrap_or(u64::MAX),
    });
    let mut output = match &report.outcome {
        Ok(verdict) => json!({ "outcome": "verdict", "verdict": verdict }),
        Err(error) => json!({ "outcome": "validator_error", "error": error }),
    };
    if let (Some(out), Some(extra)) = (output.as_object_mut(), common.as_object()) {
        out.extend(extra.clone());
    }
    println!("{}", serde_json::to_string_pretty(&output)?);
    match report.outcome {
        Ok(_) => Ok(()),
        Err(error) => bail!("the validator failed: {error}"),
    }
}
