//! The what-if matrix: a workflow under many scenarios, one row each.

use super::{Ending, Scenario, simulate};
use crate::model::{Capability, DecisionType, Workflow};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatrixRow {
    pub scenario: String,
    pub decision: DecisionType,
    pub label: String,
    pub risk_score: i16,
    /// The terminal reached, or why none was.
    pub terminal: String,
}

pub fn matrix(workflow: &Workflow, scenarios: &[Scenario]) -> Vec<MatrixRow> {
    scenarios
        .iter()
        .map(|s| {
            let run = simulate(workflow, s);
            let terminal = match &run.ending {
                Ending::Terminal(id) => id.to_string(),
                Ending::DeadEnd(id) => format!("dead end at {id}"),
                Ending::Cycle(id) => format!("cycle at {id}"),
                Ending::NoEntry => "no entry".to_owned(),
                Ending::Unknown { node, what } => format!("{what} unknown at {node}"),
            };
            MatrixRow {
                scenario: run.scenario.clone(),
                decision: run.decision,
                label: run.label.clone(),
                risk_score: run.risk_score,
                terminal,
            }
        })
        .collect()
}

/// Every built-in scenario, then every label of `capability`.
pub fn matrix_for_capability(workflow: &Workflow, capability: Capability) -> Vec<MatrixRow> {
    matrix(workflow, &super::for_every_label(capability))
}
