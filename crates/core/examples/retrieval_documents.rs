//! Writes realistic retrieval documents of a workflow as NDJSON (one a
//! line) to stdout: random scenarios and holders run through the
//! simulator (`idflow_core::backtest::generate`). For trying `idflow
//! backtest` and measuring it on large inputs.
//!
//!   cargo run --release -p idflow-core --example retrieval_documents -- WORKFLOW.ron COUNT [SEED] > month.ndjson

use std::io::Write;
use std::process::ExitCode;

use idflow_core::backtest::generate;
use idflow_core::format::{Format, parse_workflow};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(count)) = (args.first(), args.get(1).and_then(|c| c.parse().ok())) else {
        eprintln!("usage: retrieval_documents WORKFLOW.ron COUNT [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let workflow = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| parse_workflow(&text, Format::Ron).map_err(|e| e.to_string()))
    {
        Ok(workflow) => workflow,
        Err(e) => {
            eprintln!("error: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for generated in generate::documents(&workflow, count, seed) {
        let written = serde_json::to_writer(&mut out, &generated.document)
            .map_err(std::io::Error::other)
            .and_then(|()| out.write_all(b"\n"));
        if written.is_err() {
            // stdout closed (e.g. `| head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}
