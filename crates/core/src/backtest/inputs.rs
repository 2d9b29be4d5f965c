//! A recorded transaction as the simulator's inputs for one workflow: its
//! results become the scenario's outcomes, what arrived becomes the
//! deliveries of that workflow's acquisition steps, and the scenario is
//! marked recorded, so whatever the record does not say is UNKNOWN, never
//! a default PASSED (issue 18, "Unknown stays unknown").
//!
//! A step whose credential the record cannot supply is a gap, never "not
//! delivered" (issue 29): a new credential the recorded transaction did
//! not collect, or a reused one whose results the document does not carry.
//! A replay that reaches a gap is not comparable there.

use std::collections::HashMap;

use super::document::{CollectedCredential, Transaction};
use super::reason::Reason;
use crate::catalog::is_stored_facemap;
use crate::model::{
    AcquisitionNode, AcquisitionType, Capability, Channel, CredentialCategory, DecisionType,
    NodeId, NodeKind, Workflow,
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

/// A recorded transaction as one workflow's replay inputs.
#[derive(Debug, Clone)]
pub struct ReplayInputs {
    pub scenario: Scenario,
    /// The acquisition steps whose credential the record cannot supply,
    /// with why: a replay that reaches one is not comparable there.
    pub gaps: Vec<(NodeId, Reason)>,
    /// The acquisition steps that took a credential the transaction
    /// collected.
    pub takers: Vec<NodeId>,
}

/// The scenario replaying `transaction` through `workflow`, and the steps
/// the record cannot supply. Recorded credentials go to the acquisition
/// steps in `first` (in that order: the path a replay took) before the
/// others (in the workflow's order), so that steps on alternative
/// branches do not take each other's credential.
pub fn replay_inputs(
    transaction: &Transaction,
    workflow: &Workflow,
    first: &[NodeId],
) -> ReplayInputs {
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
    let Deliveries {
        delivered,
        gaps,
        takers,
    } = deliveries(transaction, workflow, first);
    ReplayInputs {
        scenario: Scenario {
            name: transaction.id.clone(),
            description: String::new(),
            outcomes,
            data: transaction.data.clone(),
            // The record's document as its extraction read it (a record
            // without one: the default, see the README).
            document: transaction.document.clone().unwrap_or_default(),
            // What the record shows as reused (`delivered`) stands for the
            // account's history.
            history: None,
            delivered: Some(delivered),
            recorded: Some(Recorded {
                missing: transaction.missing.clone(),
                document_unread: transaction.document.is_none(),
            }),
        },
        gaps,
        takers,
    }
}

/// The account held an earlier facemap: authentication compared one (seed
/// 003's 10014 sample names only the new facemap; its result is the
/// earlier facemap's result in this transaction).
fn had_facemap(transaction: &Transaction) -> bool {
    transaction.results.iter().any(|r| {
        r.capability == Capability::Authentication && r.decision != DecisionType::NotExecuted
    })
}

/// Whether the document carries the results of an earlier credential of
/// `category`: only then does a reused one count as present (issue 29).
fn reused_results(transaction: &Transaction, category: CredentialCategory) -> bool {
    transaction.reused.contains(&category)
        || (category == CredentialCategory::Facemap && had_facemap(transaction))
}

/// What [`deliveries`] found.
struct Deliveries {
    delivered: Vec<Delivered>,
    gaps: Vec<(NodeId, Reason)>,
    takers: Vec<NodeId>,
}

/// What arrived at each of `workflow`'s acquisition steps (those in
/// `first` served first), and the steps the record cannot supply.
fn deliveries(transaction: &Transaction, workflow: &Workflow, first: &[NodeId]) -> Deliveries {
    let mut order: Vec<usize> = Vec::with_capacity(workflow.nodes.len());
    let mut placed = vec![false; workflow.nodes.len()];
    if !first.is_empty() {
        let index: HashMap<&NodeId, usize> = workflow
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (&n.id, i))
            .collect();
        for &i in first.iter().filter_map(|id| index.get(id)) {
            if !std::mem::replace(&mut placed[i], true) {
                order.push(i);
            }
        }
    }
    order.extend((0..workflow.nodes.len()).filter(|&i| !placed[i]));
    let mut taken = vec![false; transaction.credentials.len()];
    let mut found = Deliveries {
        delivered: Vec::new(),
        gaps: Vec::new(),
        takers: Vec::new(),
    };
    for i in order {
        let node = &workflow.nodes[i];
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
            let gap = |reason| (node.id.clone(), reason);
            if is_stored_facemap(step, category) {
                // 10071: the customer uploads the stored facemap over the
                // API; the record lists it (a facemap without liveness
                // frames) or authentication compared it.
                let stored = transaction
                    .credentials
                    .iter()
                    .any(|c| c.category == CredentialCategory::Facemap && !c.liveness);
                if stored || reused_results(transaction, category) {
                    found.delivered.push(at(Vec::new(), true));
                } else {
                    found.gaps.push(gap(Reason::ReusedWithoutResults(category)));
                }
                continue;
            }
            // A USE_EXISTING step collects nothing new; REUSABLE_IDENTITY
            // replays a fresh ID the record collected as its fresh scan.
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
            if let Some(c) = new {
                found.delivered.push(at(c.parts.clone(), false));
                found.takers.push(node.id.clone());
                continue;
            }
            match step.acquisition_type {
                AcquisitionType::UseExisting | AcquisitionType::ReusableIdentity
                    if reused_results(transaction, category) =>
                {
                    found.delivered.push(at(Vec::new(), true));
                }
                AcquisitionType::UseExisting => {
                    found.gaps.push(gap(Reason::ReusedWithoutResults(category)));
                }
                AcquisitionType::ReusableIdentity => {
                    found
                        .gaps
                        .push(gap(Reason::NeitherCollectedNorReused(category)));
                }
                AcquisitionType::AcquireNew if facemap_absent_over_api(step, category) => {}
                AcquisitionType::AcquireNew => {
                    found.gaps.push(gap(Reason::NotCollected(category)));
                }
            }
        }
    }
    found
}

/// A new facemap the record lacks, where the step lets the journey run
/// over the API: over API alone there is none (domain.md, "Inputs"), so
/// the recorded journey may have been one the step allows, and the
/// facemap is absent in the replay as it was in the record. A step that
/// takes its selfie only through WEB or SDK would have captured one: not
/// comparable.
fn facemap_absent_over_api(step: &AcquisitionNode, category: CredentialCategory) -> bool {
    category == CredentialCategory::Facemap && step.channels.contains(&Channel::Api)
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
