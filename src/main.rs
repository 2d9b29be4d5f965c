//! `idflow`: with a subcommand, the command line; without one, the designer.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    idflow_cli::init_logging();
    let cli = idflow_cli::Cli::parse();
    match idflow_cli::run(cli) {
        Some(code) => code,
        None => {
            // The desktop designer (issue 3) will open here; until then, say
            // what works instead of exiting silently.
            eprintln!(
                "idflow: the desktop designer is not built yet. Try `idflow store list`, `idflow lint FILE...` or `idflow --help`."
            );
            ExitCode::from(idflow_cli::exit::REFUSED)
        }
    }
}
