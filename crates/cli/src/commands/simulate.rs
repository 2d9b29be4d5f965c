use std::path::{Path, PathBuf};

use idflow_core::Workflow;
use idflow_core::simulate::{self, DetailsContext, Ending, Scenario, builtin, details, matrix};
use idflow_store::files::{read_scenario_file, read_workflow_file};
use serde_json::json;

use crate::{MatrixFormat, TextOrJson, exit};

/// A scenario by built-in name, or from a `.ron`/`.json` file.
fn scenario(spec: &str) -> Result<Scenario, String> {
    let path = PathBuf::from(spec);
    let scenario = if path.extension().is_some_and(|e| e == "ron" || e == "json") {
        read_scenario_file(&path).map_err(|e| e.to_string())?
    } else {
        simulate::by_name(spec).map_err(|e| e.to_string())?
    };
    scenario.validate().map_err(|e| e.to_string())?;
    Ok(scenario)
}

fn load(file: &Path) -> Result<Workflow, u8> {
    read_workflow_file(file).map_err(|e| {
        eprintln!("error: {e}");
        exit::UNREADABLE
    })
}

pub fn run(file: &Path, scenario_spec: &str, format: TextOrJson) -> u8 {
    let workflow = match load(file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let scenario = match scenario(scenario_spec) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return exit::UNREADABLE;
        }
    };
    let run = simulate::simulate(&workflow, &scenario);
    match format {
        TextOrJson::Json => {
            let doc = details(&workflow, &run, &DetailsContext::for_run(&workflow, &run));
            let path: Vec<&str> = run.path.iter().map(|n| n.as_str()).collect();
            println!(
                "{}",
                json!({ "scenario": run.scenario, "path": path, "details": doc })
            );
        }
        TextOrJson::Text => {
            println!(
                "workflow {} “{}” under {}",
                workflow.key, workflow.name, run.scenario
            );
            for step in &run.steps {
                println!(
                    "  {:<24} {}",
                    step.node.as_str(),
                    run.step_summary(&workflow, step)
                );
            }
            let ending = match &run.ending {
                Ending::Terminal(id) => format!("ended at {id}"),
                Ending::DeadEnd(id) => format!("stopped at {id}: no way on (lint: dead-end)"),
                Ending::Cycle(id) => format!("stopped at {id}: a cycle (lint: cycle)"),
                Ending::NoEntry => "no entry (lint: no-entry)".to_owned(),
                Ending::Unknown { node, what } => format!("stopped at {node}: {what} unknown"),
            };
            println!(
                "decision: {} ({}), risk score {}, {ending}",
                run.decision, run.label, run.risk_score
            );
        }
    }
    if matches!(run.ending, Ending::Terminal(_)) {
        exit::OK
    } else {
        exit::REFUSED
    }
}

pub fn run_matrix(file: &Path, capability: Option<&str>, format: MatrixFormat) -> u8 {
    let workflow = match load(file) {
        Ok(w) => w,
        Err(code) => return code,
    };
    let mut scenarios = builtin();
    if let Some(name) = capability {
        match idflow_core::model::Capability::parse(name) {
            Some(c) => scenarios.extend(simulate::for_every_label(c)),
            None => {
                let all: Vec<&str> = idflow_core::model::Capability::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect();
                eprintln!(
                    "error: unknown capability `{name}`: choose one of {}",
                    all.join(", ")
                );
                return exit::UNREADABLE;
            }
        }
    }
    let rows = matrix(&workflow, &scenarios);
    match format {
        MatrixFormat::Json => match serde_json::to_string_pretty(&rows) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::UNREADABLE;
            }
        },
        MatrixFormat::Csv => {
            println!("scenario,decision,label,risk_score,terminal");
            for r in &rows {
                println!(
                    "{},{},{},{},{}",
                    csv(&r.scenario),
                    r.decision,
                    csv(&r.label),
                    r.risk_score,
                    csv(&r.terminal)
                );
            }
        }
        MatrixFormat::Text => {
            let width = rows
                .iter()
                .map(|r| r.scenario.len())
                .max()
                .unwrap_or(8)
                .max(8);
            println!(
                "{:<width$}  {:<12} {:<26} {:>5}  terminal",
                "scenario", "decision", "label", "score"
            );
            for r in &rows {
                println!(
                    "{:<width$}  {:<12} {:<26} {:>5}  {}",
                    r.scenario,
                    r.decision.as_str(),
                    r.label,
                    r.risk_score,
                    r.terminal
                );
            }
        }
    }
    exit::OK
}

/// Quotes a CSV field when it needs it.
fn csv(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}
