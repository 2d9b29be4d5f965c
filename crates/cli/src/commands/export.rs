use std::path::Path;

use idflow_core::consent::OBTAINED_AT_FIELD;
use idflow_core::export::kyx_request;
use idflow_store::files::read_workflow_file;

use crate::exit;

pub fn run(file: &Path, customer_reference: &str) -> u8 {
    match read_workflow_file(file) {
        Ok(workflow) => {
            // The export time: a consent time the platform accepts, so the
            // request can be sent as it is while the integration is built.
            let body = kyx_request(
                &workflow,
                customer_reference,
                time::OffsetDateTime::now_utc(),
            );
            match serde_json::to_string_pretty(&body) {
                Ok(text) => {
                    println!("{text}");
                    if let Some(at) = body["userConsent"]["consent"]["obtainedAt"].as_str() {
                        eprintln!(
                            "note: this workflow collects biometrics, so the request carries userConsent; {OBTAINED_AT_FIELD} is a placeholder (the export time, {at}): replace it with when the end user consented (a consent holds for at most 3 years)"
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
