use std::path::PathBuf;

use idflow_core::lint::{LintReport, RULES, Severity, lint};
use idflow_store::files::read_workflow_file;
use serde_json::json;

use crate::TextOrJson;
use crate::exit;
use crate::output::finding_line;

pub fn print_rules() -> u8 {
    for rule in RULES {
        println!("{}\t{}\t{}", rule.code, rule.severity, rule.summary);
    }
    exit::OK
}

pub fn run(files: &[PathBuf], format: TextOrJson) -> u8 {
    let mut code = exit::OK;
    let mut json_results = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for path in files {
        let shown = path.display().to_string();
        match read_workflow_file(path) {
            Ok(workflow) => {
                let report: LintReport = lint(&workflow);
                errors += report.count(Severity::Error);
                warnings += report.count(Severity::Warning);
                if report.has_errors() {
                    code = code.max(exit::REFUSED);
                }
                match format {
                    TextOrJson::Text => {
                        for finding in &report.findings {
                            println!("{}", finding_line(&shown, finding));
                        }
                    }
                    TextOrJson::Json => {
                        json_results.push(json!({ "path": shown, "findings": report.findings }))
                    }
                }
            }
            Err(error) => {
                code = exit::UNREADABLE;
                match format {
                    TextOrJson::Text => eprintln!("error: {error}"),
                    TextOrJson::Json => json_results.push(json!({
                        "path": shown,
                        "error": { "message": error.to_string(), "line": error.line() },
                    })),
                }
            }
        }
    }
    match format {
        TextOrJson::Json => println!(
            "{}",
            crate::terminal::json_line(&serde_json::Value::Array(json_results))
        ),
        TextOrJson::Text => eprintln!(
            "{} file(s): {errors} error(s), {warnings} warning(s)",
            files.len()
        ),
    }
    code
}
