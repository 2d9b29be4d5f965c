//! The platform's account-creation request body for a workflow
//! (`POST /api/v1/accounts`), as an integration would send it.

use serde_json::{Value, json};

use crate::model::{NodeKind, Workflow};

/// Builds the request body: the workflow key and one credential entry per
/// credential the workflow's acquisition steps collect.
pub fn kyx_request(workflow: &Workflow, customer_internal_reference: &str) -> Value {
    let mut credentials = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(acq) = &node.kind else {
            continue;
        };
        for category in acq.credentials() {
            let mut credential = json!({ "category": category.as_str() });
            if !acq.document_types.is_empty() {
                let types: Vec<&str> = acq.document_types.iter().map(|t| t.as_str()).collect();
                credential["type"] = json!({ "values": types });
            }
            if !acq.countries.is_empty() {
                credential["country"] = json!({ "values": acq.countries });
            }
            if let Some(label) = &acq.label {
                credential["label"] = json!(label);
            }
            credentials.push(credential);
        }
    }
    json!({
        "customerInternalReference": customer_internal_reference,
        "workflowDefinition": {
            "key": workflow.key,
            "credentials": credentials,
        },
    })
}
