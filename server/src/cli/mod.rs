//! The `cohack` command line: every command, its flags, and how each is run.
//!
//! Flags that a command shares (`--config`, `--data-dir`, `--database-url`, `--bind`) mean
//! the same everywhere and sit above environment variables, `cohack.toml` and defaults
//! (see [`crate::config`]).

mod admin;
mod challenge;
mod export;
mod serve;
mod validate;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, Overrides};

/// cohack: a portal for customer co-creation hacks.
#[derive(Debug, Parser)]
#[command(name = "cohack", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal (HTTP API and web UI).
    Serve(serve::ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DatabaseArgs),
    /// Portal administration.
    Admin {
        /// The administration task.
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Challenge authoring: new, build, test, publish.
    Challenge {
        /// The authoring task.
        #[command(subcommand)]
        command: challenge::ChallengeCommand,
    },
    /// Run a validator on one submission and print the verdict (or the validator error) as JSON.
    Validate(validate::ValidateArgs),
    /// Write one event (settings, people, challenges, submissions, notes, …) to a file.
    Export(export::ExportArgs),
    /// Load a file written by `cohack export` (one transaction; refuses a slug clash).
    Import(export::ImportArgs),
}

/// Where configuration and the database come from; shared by every command that needs them.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Configuration file [default: ./cohack.toml if present].
    #[arg(long, env = "COHACK_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory for the embedded database and compiled validators [default: ./data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB` (env: DATABASE_URL) [default: SQLite in the data dir].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// Loads the layered configuration with these flags on top (and `bind`, for `serve`).
    pub fn load(&self, bind: Option<String>) -> anyhow::Result<Config> {
        let overrides = Overrides {
            bind,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        };
        Ok(Config::load(self.config.as_deref(), &overrides)?)
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Migrate(args) => migrate(&args),
        Command::Admin { command } => admin::run(command),
        Command::Challenge { command } => challenge::run(command),
        Command::Validate(args) => validate::run(args),
        Command::Export(args) => export::run_export(args),
        Command::Import(args) => export::run_import(args),
    }
}

fn migrate(args: &DatabaseArgs) -> anyhow::Result<()> {
    let config = args.load(None)?;
    crate::telemetry::init(config.log_format);
    let url = config.database()?;
    crate::startup::open_database(&config)?;
    println!("database {url} is up to date");
    Ok(())
}
