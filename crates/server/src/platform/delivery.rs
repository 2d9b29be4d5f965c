//! What arrived for an execution, as the simulator's `delivered` input
//! (issue 11, "results come from inputs"): the parts uploaded to its
//! credentials. What the account holds from earlier executions is not
//! guessed here: it is the account's history (`super::history`), and core's
//! reuse rule decides what is reused.

use idflow_core::Workflow;
use idflow_core::model::NodeKind;
use idflow_core::simulate::Delivered;

use super::storage::model::{PartRecord, StoredCredential};

/// The simulator's `delivered` list for an execution: each credential of
/// the workflow's steps with the parts uploaded for it (none listed: none
/// arrived).
pub fn delivered(
    workflow: &Workflow,
    credentials: &[StoredCredential],
    parts: &[PartRecord],
) -> Vec<Delivered> {
    let mut out = Vec::new();
    for credential in credentials {
        let is_step = workflow.nodes.iter().any(
            |n| matches!(&n.kind, NodeKind::Acquisition(_) if n.id.as_str() == credential.node),
        );
        if !is_step {
            continue;
        }
        let uploaded: Vec<_> = parts
            .iter()
            .filter(|p| p.credential_id == credential.id)
            .map(|p| p.classifier)
            .collect();
        if uploaded.is_empty() {
            continue;
        }
        out.push(Delivered {
            step: Some(credential.node.clone()),
            category: credential.category,
            parts: uploaded,
            reused: false,
        });
    }
    out
}
