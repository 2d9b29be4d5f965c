//! Rules on what a run can decide, read off the catalog's possible
//! outcomes: a fixed terminal that the results would override, and a
//! decision whose condition cannot change.

use super::conditions::type_problem;
use super::title;
use crate::catalog::capability_spec;
use crate::lint::analysis::facts;
use crate::lint::{Analysis, Sink};
use crate::model::{
    Capability, Condition, DecisionType, NodeKind, Port, Subject, TerminalDecision,
};
use crate::simulate::{compare_decision, compare_number, compare_text};

/// Capabilities that can render REJECTED (the catalog lists a REJECTED
/// label for them), as bits.
fn rejectable() -> u32 {
    Capability::ALL
        .iter()
        .filter(|&&c| {
            !capability_spec(c)
                .labels_for(DecisionType::Rejected)
                .is_empty()
        })
        .fold(0, |acc, c| acc | c.bit())
}

/// The decisions a subject's value may take on the branch `port` leaves by:
/// which capabilities that branch proves did not reject. A branch taken
/// only when a capability did not reject clears it; one on the overall
/// decision not being REJECTED clears them all.
fn cleared_by(condition: &Condition, port: Port) -> u32 {
    let holds = port == Port::Then;
    let rejected_takes_branch =
        compare_decision(DecisionType::Rejected, condition.operator, &condition.value) == holds;
    match condition.subject {
        Subject::CapabilityDecision(c) if !rejected_takes_branch => c.bit(),
        Subject::OverallDecision if !rejected_takes_branch => u32::MAX,
        _ => 0,
    }
}

/// Issue 11, "lint for what would mislead": a FIXED PASSED (or WARNING)
/// terminal reachable after a capability that can reject, with no decision
/// on the way ruling the rejection out. The platform rejects any
/// transaction with a REJECTED capability (seed 004), so that terminal's
/// decision would be overridden.
pub(crate) fn fixed_decision_overridden(a: &Analysis<'_>, sink: &mut Sink) {
    let n = a.workflow.nodes.len();
    let rejectable = rejectable();
    // May-analysis forward in topological order: capabilities that may have
    // rejected on some path to the node.
    let mut may_reject = vec![0u32; n];
    let mut seen = vec![false; n];
    let Some(entry) = a.entry else {
        return;
    };
    seen[entry] = true;
    for &i in &a.order {
        if !seen[i] || !a.in_flow(i) {
            continue;
        }
        let node = a.node(i);
        let here = match &node.kind {
            NodeKind::Service(s) => s.capabilities.iter().fold(0, |acc, c| acc | c.bit()),
            NodeKind::RiskSignal(r) => r.signal.capability().bit(),
            _ => 0,
        } & rejectable;
        let out = may_reject[i] | here;
        for &(port, t) in &a.outgoing[i] {
            let leaving = match &node.kind {
                NodeKind::Decision(d) => out & !cleared_by(&d.condition, port),
                _ => out,
            };
            may_reject[t] |= leaving;
            seen[t] = true;
        }
    }
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let NodeKind::Terminal(t) = &node.kind else {
            continue;
        };
        let TerminalDecision::Fixed(fixed @ (DecisionType::Passed | DecisionType::Warning)) =
            t.decision
        else {
            continue;
        };
        if !seen[i] || may_reject[i] == 0 {
            continue;
        }
        let names: Vec<&str> = Capability::ALL
            .iter()
            .filter(|c| may_reject[i] & c.bit() != 0)
            .map(|&c| capability_spec(c).name)
            .collect();
        sink.node(i, Some("decision"), format!(
            "{} ends {fixed}, but {} may have REJECTED on the way here, and the platform rejects any transaction with a REJECTED capability: this {fixed} would be overridden. Branch on those results before it, or make it DERIVED",
            title(a, i),
            names.join(", ")
        ));
    }
}

/// Issue 11: a decision whose condition is true for every outcome the
/// platform can give, or false for every one, never branches.
pub(crate) fn constant_condition(a: &Analysis<'_>, sink: &mut Sink) {
    let max_score = a
        .workflow
        .nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::RiskCalculation(r) => Some(match &r.scoring {
                crate::model::Scoring::Default => i64::from(
                    r.bands
                        .unwrap_or_default()
                        .default_score(crate::model::DecisionType::Rejected),
                ),
                crate::model::Scoring::Weights(weights) => weights
                    .iter()
                    .map(|w| i64::from(w.weight))
                    .sum::<i64>()
                    .min(100),
            }),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let NodeKind::Decision(d) = &node.kind else {
            continue;
        };
        let condition = &d.condition;
        if !a.in_flow(i) || type_problem(condition).is_some() {
            continue;
        }
        let (op, value) = (condition.operator, &condition.value);
        // Every value the subject can take here (a superset, so a finding
        // is never wrong); `None` when this rule cannot tell.
        let outcomes: Option<Vec<bool>> = match condition.subject {
            Subject::CapabilityDecision(c) if a.caps_before[i] & c.bit() != 0 => Some(
                capability_spec(c)
                    .labels
                    .iter()
                    .map(|(d, _)| compare_decision(*d, op, value))
                    .collect(),
            ),
            Subject::CapabilityLabel(c) if a.caps_before[i] & c.bit() != 0 => Some(
                capability_spec(c)
                    .all_labels()
                    .map(|(_, l)| compare_text(l, op, value))
                    .collect(),
            ),
            Subject::OverallDecision if a.caps_before[i] != 0 => Some(
                DecisionType::ALL
                    .iter()
                    .map(|&d| compare_decision(d, op, value))
                    .collect(),
            ),
            Subject::RiskScore if a.facts_before[i] & facts::RISK_SCORE != 0 => Some(
                (0..=max_score)
                    .map(|s| compare_number(s, op, value))
                    .collect(),
            ),
            _ => None,
        };
        let Some(outcomes) = outcomes else {
            continue;
        };
        let always = if outcomes.iter().all(|&b| b) {
            "true"
        } else if outcomes.iter().all(|&b| !b) {
            "false"
        } else {
            continue;
        };
        let branch = if always == "true" { "Else" } else { "Then" };
        sink.node(i, Some("condition"), format!(
            "decision {} condition “{}” is {always} for every outcome the platform can give, so its {branch} branch never runs: compare with a value the subject can take",
            title(a, i),
            condition.describe()
        ));
    }
}
