//! `cohack serve`: run the portal until SIGINT/SIGTERM.

use clap::Args;

use super::DatabaseArgs;
use crate::startup::Application;

/// Flags of `cohack serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:8080 (env: COHACK_BIND) [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Print the effective configuration (secrets masked) and exit.
    #[arg(long)]
    pub print_config: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Loads configuration, starts the server and blocks until it has shut down gracefully.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let config = args.db.load(args.bind)?;
    if args.print_config {
        config.database()?;
        print!("{}", config.to_masked_toml());
        return Ok(());
    }
    crate::telemetry::init(config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let bind = config.bind;
        let database = config.database()?;
        let app = Application::build(config)?;
        tracing::info!(%bind, port = app.port(), %database, "cohack is serving");
        app.run_until_stopped().await?;
        tracing::info!("cohack stopped");
        Ok(())
    })
}
