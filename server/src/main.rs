//! The `cohack` binary: parse the command line, run it, and turn any failure into one line
//! on standard error and a non-zero exit code — never a panic or a backtrace.

use std::process::ExitCode;

use clap::Parser;
use cohack_server::cli::{self, Cli};

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", format!("{error:#}").replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
