//! What arrived for an execution, as the simulator's `delivered` input
//! (issue 11, "results come from inputs"): the parts uploaded to its
//! credentials, and the credentials its account already holds from earlier
//! processed executions (a reused one must exist there, else it is missing).

use std::collections::HashSet;

use idflow_core::Workflow;
use idflow_core::catalog::{is_stored_facemap, reuses};
use idflow_core::model::{CredentialCategory, NodeKind};
use idflow_core::simulate::Delivered;
use serde_json::Value;

use super::storage::{PartRecord, StoredCredential};

/// The credential categories an earlier retrieval document shows as usable
/// (usability PASSED or WARNING): what the account holds for reuse
/// (domain.md, "Reusable credentials": reusable when their usability
/// PASSED).
pub fn usable_categories(details: &Value) -> HashSet<CredentialCategory> {
    let mut held = HashSet::new();
    let Some(usability) = details["capabilities"]["usability"].as_array() else {
        return held;
    };
    for entry in usability {
        let decision = entry["decision"]["type"].as_str().unwrap_or_default();
        if !matches!(decision, "PASSED" | "WARNING") {
            continue;
        }
        for credential in entry["credentials"].as_array().into_iter().flatten() {
            if let Some(category) = credential["category"]
                .as_str()
                .and_then(CredentialCategory::parse)
            {
                held.insert(category);
            }
        }
    }
    held
}

/// The simulator's `delivered` list for an execution.
pub fn delivered(
    workflow: &Workflow,
    credentials: &[StoredCredential],
    parts: &[PartRecord],
    account_holds: &HashSet<CredentialCategory>,
) -> Vec<Delivered> {
    let mut out = Vec::new();
    for credential in credentials {
        let step = workflow.nodes.iter().find_map(|n| match &n.kind {
            NodeKind::Acquisition(a) if n.id.as_str() == credential.node => Some(a),
            _ => None,
        });
        let Some(step) = step else {
            continue;
        };
        let uploaded: Vec<_> = parts
            .iter()
            .filter(|p| p.credential_id == credential.id)
            .map(|p| p.classifier)
            .collect();
        let reused = reuses(step)
            && !is_stored_facemap(step, credential.category)
            && account_holds.contains(&credential.category);
        if uploaded.is_empty() && !reused {
            continue;
        }
        out.push(Delivered {
            step: Some(credential.node.clone()),
            category: credential.category,
            parts: uploaded,
            reused,
        });
    }
    out
}
