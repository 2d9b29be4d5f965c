//! What two workflows would decide differently: the what-if matrix on both
//! sides (every built-in scenario, then every label of each capability
//! either side selects), keeping the rows that differ.

use serde::Serialize;

use crate::model::{Capability, DecisionType, Workflow};
use crate::simulate::{MatrixRow, Scenario, builtin, for_every_label, matrix};

/// What one side decided under a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decided {
    pub decision: DecisionType,
    pub label: String,
    pub risk_score: i16,
    /// The end step reached, or why none was.
    pub terminal: String,
}

impl From<MatrixRow> for Decided {
    fn from(row: MatrixRow) -> Self {
        Decided {
            decision: row.decision,
            label: row.label,
            risk_score: row.risk_score,
            terminal: row.terminal,
        }
    }
}

impl Decided {
    /// "REJECTED · score 100 · at end"; a label other than the decision's
    /// own name follows it: "REJECTED MANIPULATED · ...".
    pub fn words(&self) -> String {
        let decision = self.decision.to_string();
        let label = if self.label == decision || self.label.is_empty() {
            String::new()
        } else {
            format!(" {}", self.label)
        };
        format!(
            "{decision}{label} · score {} · at {}",
            self.risk_score, self.terminal
        )
    }
}

/// A scenario under which the two decide differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BehaviourRow {
    pub scenario: String,
    pub a: Decided,
    pub b: Decided,
}

/// The scenarios both sides are run under.
pub fn scenarios(a: &Workflow, b: &Workflow) -> Vec<Scenario> {
    let mut capabilities: Vec<Capability> = a.capabilities();
    for c in b.capabilities() {
        if !capabilities.contains(&c) {
            capabilities.push(c);
        }
    }
    capabilities.sort();
    let mut out = builtin();
    for c in capabilities {
        out.extend(for_every_label(c));
    }
    out
}

/// The rows whose decision, label, score or end step differ.
pub fn behaviour_diff(a: &Workflow, b: &Workflow) -> Vec<BehaviourRow> {
    let scenarios = scenarios(a, b);
    matrix(a, &scenarios)
        .into_iter()
        .zip(matrix(b, &scenarios))
        .filter(|(x, y)| x != y)
        .map(|(x, y)| BehaviourRow {
            scenario: x.scenario.clone(),
            a: x.into(),
            b: y.into(),
        })
        .collect()
}
