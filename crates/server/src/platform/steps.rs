//! What `steps.href` of a retrieval document answers: idflow's own list of
//! the steps an execution visited, in path order, each with what it
//! produced. Seed 003's samples link `steps` but never show its body, so
//! the shape is idflow's: it is written once, with the details, when the
//! execution is processed (`Write::Complete`), from the same simulated run.

use idflow_core::Workflow;
use idflow_core::catalog::capability_spec;
use idflow_core::model::{CredentialCategory, DecisionType, NodeKind, Port};
use idflow_core::simulate::{Arrival, Run, StepOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::storage::model::ExecutionStatus;
use crate::openapi::enums;

/// The answer of `GET .../workflow-executions/{id}/steps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepsDocument {
    pub workflow_execution: StepsExecution,
    /// The visited steps in path order; empty before the execution is
    /// PROCESSED, and for one processed before idflow kept its steps (see
    /// `note`).
    pub steps: Vec<VisitedStep>,
    /// Why `steps` is empty, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepsExecution {
    pub id: String,
    #[schema(value_type = enums::ExecutionStatus)]
    pub status: ExecutionStatus,
}

/// One visited step and what it produced. Which optional fields it has
/// follows from `outcome`: ACQUIRED has `credentials`, CHECKED has
/// `results`, BRANCH has `branch` and `condition`, RISK_SCORE has `score`,
/// END has `decision`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VisitedStep {
    /// The node's id in the workflow.
    pub node_id: String,
    /// The node's title, or the name of its kind when it has none.
    pub title: String,
    pub kind: StepKind,
    pub outcome: StepOutcomeKind,
    /// What the step did, in the words of idflow's test-run report.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub credentials: Option<Vec<StepCredential>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub results: Option<Vec<StepResult>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub branch: Option<Branch>,
    /// The decision point's condition, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub condition: Option<String>,
    /// The risk score the step calculated, -1 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, minimum = -1, maximum = 100)]
    pub score: Option<i16>,
    /// The transaction's decision, as the terminal ended it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub decision: Option<StepDecision>,
}

/// What kind of node a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepKind {
    Acquisition,
    Service,
    RiskSignal,
    Decision,
    RiskCalculation,
    Terminal,
}

/// What a step produced: credentials (ACQUIRED), capability results
/// (CHECKED), a branch taken (BRANCH), a risk score (RISK_SCORE) or the end
/// of the transaction (END).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepOutcomeKind {
    Acquired,
    Checked,
    Branch,
    RiskScore,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Branch {
    Then,
    Else,
}

/// How a credential came to the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepArrival {
    /// Every part it needs arrived.
    Delivered,
    /// Reused from an earlier transaction of the account, with its results.
    OnAccount,
    /// A part it needs did not arrive (usability NOT_EXECUTED NOT_UPLOADED).
    NotDelivered,
}

/// A credential an acquisition step brought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepCredential {
    /// The credential's id in this execution.
    pub id: String,
    #[schema(value_type = enums::CredentialCategory)]
    pub category: CredentialCategory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub label: Option<String>,
    pub arrival: StepArrival,
}

/// A capability result a service or risk-signal step produced, as the
/// retrieval document's `capabilities` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    /// Its key in the retrieval document's `capabilities` (`imageChecks`).
    pub capability: String,
    /// The credentials it read (ids in this execution).
    pub credentials: Vec<StepResultCredential>,
    pub decision: StepDecision,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepResultCredential {
    pub id: String,
    #[schema(value_type = enums::CredentialCategory)]
    pub category: CredentialCategory,
}

/// `{type, details: {label}}`, as in the retrieval document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StepDecision {
    #[serde(rename = "type")]
    #[schema(value_type = enums::DecisionType)]
    pub kind: DecisionType,
    pub details: StepDecisionDetails,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StepDecisionDetails {
    pub label: String,
}

/// `steps` of an execution processed before idflow kept its steps
/// (migration 0012): they were never written, and cannot be derived (the
/// account's history and the scenario may have changed since).
pub const NOT_RECORDED: &str = "this execution was processed before idflow kept the visited steps (migration 0012): they were not recorded";

/// The note of an execution not (yet) processed.
pub fn not_processed(status: ExecutionStatus) -> String {
    format!("the visited steps are listed once the execution is PROCESSED (it is {status})")
}

/// The name of a node kind, where the node has no title (the designer's
/// card says the same).
fn kind_of(kind: &NodeKind) -> (StepKind, &'static str) {
    match kind {
        NodeKind::Acquisition(_) => (StepKind::Acquisition, "Acquisition"),
        NodeKind::Service(_) => (StepKind::Service, "Verification service"),
        NodeKind::RiskSignal(_) => (StepKind::RiskSignal, "Risk signal"),
        NodeKind::Decision(_) => (StepKind::Decision, "If / Else"),
        NodeKind::RiskCalculation(_) => (StepKind::RiskCalculation, "Risk calculation"),
        NodeKind::Terminal(_) => (StepKind::Terminal, "End"),
    }
}

fn decision(kind: DecisionType, label: &str) -> StepDecision {
    StepDecision {
        kind,
        details: StepDecisionDetails {
            label: label.to_owned(),
        },
    }
}

/// The visited steps of `run` (its credentials already carry the
/// execution's ids), in path order.
pub fn visited(workflow: &Workflow, run: &Run) -> Vec<VisitedStep> {
    run.steps
        .iter()
        .filter_map(|step| {
            let node = workflow.nodes.iter().find(|n| n.id == step.node)?;
            let (kind, kind_name) = kind_of(&node.kind);
            let title = if node.title.is_empty() {
                kind_name.to_owned()
            } else {
                node.title.clone()
            };
            let mut visited = VisitedStep {
                node_id: node.id.0.clone(),
                title,
                kind,
                outcome: StepOutcomeKind::Acquired,
                summary: run.step_summary(workflow, step),
                credentials: None,
                results: None,
                branch: None,
                condition: None,
                score: None,
                decision: None,
            };
            match step.outcome {
                StepOutcome::Acquired => {
                    visited.credentials = Some(
                        run.credentials
                            .iter()
                            .filter(|c| c.node == step.node)
                            .map(|c| StepCredential {
                                id: c.id.clone(),
                                category: c.category,
                                label: c.label.clone(),
                                arrival: match c.arrival() {
                                    Arrival::Delivered => StepArrival::Delivered,
                                    Arrival::OnAccount => StepArrival::OnAccount,
                                    Arrival::NotDelivered => StepArrival::NotDelivered,
                                },
                            })
                            .collect(),
                    );
                }
                StepOutcome::Checked => {
                    visited.outcome = StepOutcomeKind::Checked;
                    visited.results = Some(
                        step.results
                            .iter()
                            .filter_map(|&i| run.results.get(i))
                            .map(|r| StepResult {
                                capability: capability_spec(r.capability).api_name.to_owned(),
                                credentials: r
                                    .credentials
                                    .iter()
                                    .filter_map(|&c| run.credentials.get(c))
                                    .map(|c| StepResultCredential {
                                        id: c.id.clone(),
                                        category: c.category,
                                    })
                                    .collect(),
                                decision: decision(r.decision, r.label),
                            })
                            .collect(),
                    );
                }
                StepOutcome::Branch(port) => {
                    visited.outcome = StepOutcomeKind::Branch;
                    visited.branch = Some(if port == Port::Then {
                        Branch::Then
                    } else {
                        Branch::Else
                    });
                    if let NodeKind::Decision(d) = &node.kind {
                        visited.condition = Some(d.condition.describe());
                    }
                }
                StepOutcome::Risk(score) => {
                    visited.outcome = StepOutcomeKind::RiskScore;
                    visited.score = Some(score);
                }
                StepOutcome::End(kind) => {
                    visited.outcome = StepOutcomeKind::End;
                    visited.decision = Some(decision(kind, &run.label));
                }
            }
            Some(visited)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use idflow_core::format::{Format, parse_workflow};
    use idflow_core::simulate::{by_name, simulate};

    /// Every visited node is listed once, in path order, with what it
    /// produced: the acquisition's credentials, the service's results, the
    /// terminal's decision (issue 29, "Retrieval shape").
    #[test]
    fn the_steps_follow_the_run() {
        let workflow = parse_workflow(
            include_str!("../../../../sample_workflows/10011-idiv.ron"),
            Format::Ron,
        )
        .expect("sample parses");
        for name in ["ALL_PASS", "FAKE_ID"] {
            let run = simulate(&workflow, &by_name(name).expect("scenario"));
            let steps = visited(&workflow, &run);
            let nodes: Vec<&str> = steps.iter().map(|s| s.node_id.as_str()).collect();
            let path: Vec<&str> = run.steps.iter().map(|s| s.node.0.as_str()).collect();
            assert_eq!(nodes, path, "{name}");
            let results: usize = steps
                .iter()
                .filter_map(|s| s.results.as_ref())
                .map(Vec::len)
                .sum();
            assert_eq!(results, run.results.len(), "{name}: every result");
            let end = steps.last().expect("a last step");
            assert_eq!(end.outcome, StepOutcomeKind::End, "{name}");
            assert_eq!(
                end.decision.as_ref().map(|d| d.kind),
                Some(run.decision),
                "{name}"
            );
            assert!(steps.iter().all(|s| !s.title.is_empty()), "{name}");
        }
    }
}
