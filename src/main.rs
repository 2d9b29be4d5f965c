//! `idflow`: with a subcommand, the command line; without one (or with
//! `open FILE`), the designer.

use std::process::ExitCode;

use clap::Parser;
use idflow_cli::Outcome;

// Why: the mock platform under load spent a fifth of its CPU in glibc's
// malloc/free (perf, account creation at 32 connections); mimalloc's
// per-thread pages serve the same allocations for a fraction of that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_default_sigpipe();
    idflow_cli::init_logging();
    match idflow_cli::run(idflow_cli::Cli::parse()) {
        Outcome::Exit(code) => code,
        Outcome::Designer {
            store,
            file,
            server,
        } => match idflow::app::run(&store, file.as_deref(), server) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e:#}");
                ExitCode::from(idflow_cli::exit::UNREADABLE)
            }
        },
    }
}

/// Rust ignores SIGPIPE, which turns `idflow ... | head` into a panic on
/// the next print; command-line tools should just stop instead.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal disposition at start-up, before any threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
