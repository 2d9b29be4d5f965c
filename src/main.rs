//! `idflow`: with a subcommand, the command line; without one (or with
//! `open FILE`), the designer.

use std::process::ExitCode;

use clap::Parser;
use idflow_cli::Outcome;

fn main() -> ExitCode {
    idflow_cli::init_logging();
    match idflow_cli::run(idflow_cli::Cli::parse()) {
        Outcome::Exit(code) => code,
        Outcome::Designer { store, file } => match idflow::app::run(&store, file.as_deref()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(idflow_cli::exit::UNREADABLE)
            }
        },
    }
}
