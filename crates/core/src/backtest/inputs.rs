//! A recorded transaction as the simulator's inputs for one workflow: its
//! results become the scenario's outcomes, what arrived becomes the
//! deliveries of that workflow's acquisition steps, and the scenario is
//! marked recorded, so whatever the record does not say is UNKNOWN, never
//! a default PASSED (issue 18, "Unknown stays unknown").

use super::document::{CollectedCredential, Transaction};
use crate::catalog::{is_stored_facemap, reuses};
use crate::model::{
    AcquisitionType, Capability, CredentialCategory, DecisionType, NodeKind, Workflow,
};
use crate::simulate::{Delivered, Outcome, Recorded, Scenario};

/// NOT_EXECUTED labels that say only that the recorded run's chain was
/// broken (or its parts missing): they tell nothing of what the capability
/// would render where it runs, so they are not outcomes.
const CHAIN_LABELS: &[&str] = &[
    "PRECONDITION_NOT_FULFILLED",
    "NO_VALID_ID_CREDENTIAL",
    "EXTRACTION_NOT_DONE",
    "NOT_UPLOADED",
];

/// The scenario replaying `transaction` through `workflow`.
pub fn scenario_for(transaction: &Transaction, workflow: &Workflow) -> Scenario {
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(transaction.results.len());
    for result in &transaction.results {
        if result.decision == DecisionType::NotExecuted && CHAIN_LABELS.contains(&result.label) {
            continue;
        }
        // Usability runs per credential; the ID chain on the ID (or the
        // proof-of-address document); the rest once per transaction.
        let credential = match result.capability {
            Capability::Usability => result.categories.first().copied(),
            Capability::Extraction | Capability::ImageChecks | Capability::DataChecks => result
                .categories
                .iter()
                .copied()
                .find(|c| matches!(c, CredentialCategory::Id | CredentialCategory::Document)),
            _ => None,
        };
        let listed = outcomes
            .iter()
            .any(|o| o.capability == result.capability && o.credential == credential);
        if !listed {
            outcomes.push(Outcome {
                capability: result.capability,
                credential,
                decision: result.decision,
                label: result.label.to_owned(),
            });
        }
    }
    Scenario {
        name: transaction.id.clone(),
        description: String::new(),
        outcomes,
        data: transaction.data.clone(),
        document: crate::simulate::DocumentData::default(),
        // What the record shows as reused (`delivered`) stands for the
        // account's history.
        history: None,
        delivered: Some(deliveries(transaction, workflow)),
        recorded: Some(Recorded {
            missing: transaction.missing.clone(),
        }),
    }
}

/// The account held an earlier facemap: authentication compared one.
fn had_facemap(transaction: &Transaction) -> bool {
    transaction.results.iter().any(|r| {
        r.capability == Capability::Authentication && r.decision != DecisionType::NotExecuted
    })
}

/// What arrived at each of `workflow`'s acquisition steps.
fn deliveries(transaction: &Transaction, workflow: &Workflow) -> Vec<Delivered> {
    let mut taken = vec![false; transaction.credentials.len()];
    let mut delivered = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(step) = &node.kind else {
            continue;
        };
        for category in step.credentials() {
            let at = |parts, reused| Delivered {
                step: Some(node.id.to_string()),
                category,
                parts,
                reused,
            };
            if is_stored_facemap(step, category) {
                let stored = transaction
                    .credentials
                    .iter()
                    .any(|c| c.category == CredentialCategory::Facemap && !c.liveness);
                if stored || had_facemap(transaction) {
                    delivered.push(at(Vec::new(), true));
                }
                continue;
            }
            // A USE_EXISTING step collects nothing new; REUSABLE_IDENTITY
            // captures afresh when no reusable ID qualified.
            let new = (step.acquisition_type != AcquisitionType::UseExisting)
                .then(|| {
                    take(
                        &transaction.credentials,
                        &mut taken,
                        category,
                        step.label.as_deref(),
                    )
                })
                .flatten();
            match new {
                Some(c) => delivered.push(at(c.parts.clone(), false)),
                None if reuses(step) && on_account(transaction, category) => {
                    delivered.push(at(Vec::new(), true));
                }
                None => {}
            }
        }
    }
    delivered
}

/// Whether the account evidently held a credential of `category` from an
/// earlier transaction: results name it but this transaction did not
/// collect one (reused credentials are not listed among the new ones), or,
/// for a facemap, authentication compared one.
fn on_account(transaction: &Transaction, category: CredentialCategory) -> bool {
    let collected = transaction
        .credentials
        .iter()
        .any(|c| c.category == category);
    let named = transaction
        .results
        .iter()
        .any(|r| r.categories.contains(&category));
    (named && !collected) || (category == CredentialCategory::Facemap && had_facemap(transaction))
}

/// The next collected credential of `category` for a step: the one with the
/// step's label when it has one; a facemap captured in the journey (with
/// liveness frames) before a stored one.
fn take<'t>(
    credentials: &'t [CollectedCredential],
    taken: &mut [bool],
    category: CredentialCategory,
    label: Option<&str>,
) -> Option<&'t CollectedCredential> {
    let candidates = || {
        credentials
            .iter()
            .enumerate()
            .filter(|(i, c)| !taken[*i] && c.category == category)
    };
    let chosen = label
        .and_then(|l| candidates().find(|(_, c)| c.label.as_deref() == Some(l)))
        .or_else(|| candidates().find(|(_, c)| c.liveness))
        .or_else(|| candidates().next());
    let (i, credential) = chosen?;
    taken[i] = true;
    Some(credential)
}
