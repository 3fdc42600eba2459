//! `cohack export` and `cohack import`: one event to a file and back, between any databases
//! (the format and the matching rules are in [`crate::export`]).

use std::{
    io::{IsTerminal, Write},
    path::PathBuf,
    time::Duration,
};

use anyhow::Context;
use clap::Args;

use super::DatabaseArgs;
use crate::{
    export::{self, ExportOptions, Progress},
    startup::open_database,
};

/// `cohack export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The event's slug.
    #[arg(long, value_name = "SLUG")]
    pub event: String,
    /// The file to write (JSON Lines with a checksummed trailer).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace people's names and emails by stable pseudonyms (organizations are kept).
    #[arg(long)]
    pub anonymize: bool,
    /// Where the event is.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// `cohack import`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by `cohack export`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Where to load it.
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Progress on stderr, on one rewritten line when stderr is a terminal.
struct StderrProgress {
    verb: &'static str,
    terminal: bool,
}

impl Progress for StderrProgress {
    fn rows(&mut self, table: &str, done: usize) {
        let mut err = std::io::stderr();
        if self.terminal {
            let _ = write!(err, "\r{} {table}: {done} rows…   ", self.verb);
        } else if done.is_multiple_of(10_000) {
            let _ = writeln!(err, "{} {table}: {done} rows…", self.verb);
        }
    }
}

impl StderrProgress {
    fn new(verb: &'static str) -> Self {
        Self {
            verb,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn finish(&self) {
        if self.terminal {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Runs `cohack export`.
pub fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let config = args.db.load(None)?;
    let db = open_database(&config)?;
    let mut conn = db.checkout(Duration::from_secs(10))?;
    let file = std::fs::File::create(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut progress = StderrProgress::new("exporting");
    let options = ExportOptions {
        anonymize: args.anonymize,
    };
    let summary = export::export_event(&mut conn, &args.event, &options, file, &mut progress)
        .map_err(|e| match e {
            crate::error::Error::NotFound(_) => {
                anyhow::anyhow!("no event with the slug `{}`", args.event)
            }
            other => anyhow::Error::new(other),
        });
    progress.finish();
    let summary = match summary {
        Ok(summary) => summary,
        Err(e) => {
            let _ = std::fs::remove_file(&args.out);
            return Err(e);
        }
    };
    let rows: usize = summary.counts.values().sum();
    println!(
        "exported `{}` to {}: {rows} rows ({} submissions), sha256 {}",
        args.event,
        args.out.display(),
        summary.counts.get("submissions").copied().unwrap_or(0),
        summary.sha256
    );
    Ok(())
}

/// Runs `cohack import`.
pub fn run_import(args: ImportArgs) -> anyhow::Result<()> {
    let config = args.db.load(None)?;
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let db = open_database(&config)?;
    let mut conn = db.checkout(Duration::from_secs(10))?;
    let mut progress = StderrProgress::new("importing");
    let result = export::import_file(&mut conn, &bytes, &mut progress);
    progress.finish();
    let summary = result.with_context(|| format!("cannot import {}", args.file.display()))?;
    let rows: usize = summary.counts.values().sum();
    println!(
        "imported `{}` into {}: {rows} rows, {} existing users matched by email",
        summary.event,
        config.database()?,
        summary.matched_users
    );
    Ok(())
}
