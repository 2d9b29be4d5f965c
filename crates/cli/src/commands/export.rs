use std::path::Path;

use idflow_core::export::kyx_request;
use idflow_store::files::read_workflow_file;

use crate::exit;

pub fn run(file: &Path, customer_reference: &str) -> u8 {
    match read_workflow_file(file) {
        Ok(workflow) => {
            let body = kyx_request(&workflow, customer_reference);
            match serde_json::to_string_pretty(&body) {
                Ok(text) => {
                    println!("{text}");
                    if body.get("userConsent").is_some() {
                        eprintln!(
                            "note: this workflow collects biometrics, so the request carries userConsent: set consent.obtainedAt to when the end user consented"
                        );
                    }
                    exit::OK
                }
                Err(error) => {
                    eprintln!("error: cannot encode the request: {error}");
                    exit::UNREADABLE
                }
            }
        }
        Err(error) => {
            eprintln!("error: {error}");
            exit::UNREADABLE
        }
    }
}
