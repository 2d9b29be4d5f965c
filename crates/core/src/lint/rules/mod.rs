//! The rule registry. Codes are stable: scripts, per-workflow configuration
//! and the documentation refer to them.

mod acquisition;
mod conditions;
mod expectations;
mod graph;
mod outcomes;
mod risk;
mod steps;
mod workflow;

pub(crate) use steps::needed_facts;

use super::{Analysis, Rule, Severity::*};

/// How findings name a node: its title if it has one, else its id.
pub(crate) fn title(a: &Analysis<'_>, i: usize) -> String {
    let node = a.node(i);
    if node.title.is_empty() {
        format!("node {}", node.id)
    } else {
        format!("“{}”", node.title)
    }
}

macro_rules! rule {
    ($code:literal, $severity:expr, $summary:literal, $check:path) => {
        Rule {
            code: $code,
            severity: $severity,
            summary: $summary,
            check: $check,
        }
    };
}

/// Every rule, in the order findings of equal severity are listed.
pub static RULES: &[Rule] = &[
    // Graph shape
    rule!(
        "duplicate-node-id",
        Error,
        "Every node id is unique.",
        graph::duplicate_node_id
    ),
    rule!(
        "dangling-edge",
        Error,
        "Every edge connects two existing nodes.",
        graph::dangling_edge
    ),
    rule!(
        "no-entry",
        Error,
        "The flow starts at an acquisition step with no incoming edge.",
        graph::no_entry
    ),
    rule!(
        "multiple-entries",
        Error,
        "The flow has exactly one entry.",
        graph::multiple_entries
    ),
    rule!(
        "unreachable-node",
        Error,
        "Every node is reachable from the entry.",
        graph::unreachable_node
    ),
    rule!("cycle", Error, "The flow has no cycles.", graph::cycle),
    rule!(
        "dead-end",
        Error,
        "Every path ends in a terminal.",
        graph::dead_end
    ),
    rule!(
        "decision-branch-missing",
        Error,
        "Decision points have both a Then and an Else branch.",
        graph::decision_branch_missing
    ),
    rule!(
        "invalid-port",
        Error,
        "Edges leave from a port the node has, one edge per port.",
        graph::invalid_port
    ),
    rule!(
        "terminal-has-output",
        Error,
        "Nothing follows a terminal.",
        graph::terminal_has_output
    ),
    // Steps: capabilities and credentials
    rule!(
        "empty-service",
        Error,
        "A service step selects at least one capability.",
        steps::empty_service
    ),
    rule!(
        "capability-not-offered",
        Error,
        "A service only selects capabilities it offers.",
        steps::capability_not_offered
    ),
    rule!(
        "duplicate-capability",
        Warning,
        "A capability is selected once per step.",
        steps::duplicate_capability
    ),
    rule!(
        "capability-dependency",
        Error,
        "Capabilities have their prerequisites (seed 002's table).",
        steps::capability_dependency
    ),
    rule!(
        "risk-signal-dependency",
        Error,
        "Risk signals run after the capabilities they read.",
        steps::risk_signal_dependency
    ),
    rule!(
        "missing-credential",
        Error,
        "Every step's credentials are acquired upstream on every path.",
        steps::missing_credential
    ),
    rule!(
        "capability-never-runs",
        Warning,
        "Every capability's credential can arrive on some path.",
        steps::capability_never_runs
    ),
    rule!(
        "idflow-model-signal",
        Info,
        "Risk signals no platform source names are marked as idflow's own model.",
        steps::idflow_model_signal
    ),
    rule!(
        "unused-credential",
        Warning,
        "Every acquired credential is evaluated by a later step.",
        steps::unused_credential
    ),
    // Acquisition: channels, parts, labels, presets
    rule!(
        "no-channels",
        Error,
        "A new capture offers at least one channel.",
        acquisition::no_channels
    ),
    rule!(
        "facemap-api-only",
        Error,
        "A facemap is captured over WEB or SDK, never API only.",
        acquisition::facemap_api_only
    ),
    rule!(
        "part-not-allowed",
        Error,
        "Parts fit the credential category, with the mandatory ones present.",
        acquisition::part_not_allowed
    ),
    rule!(
        "driving-licence-front-only",
        Warning,
        "Driving licences are captured front and back.",
        acquisition::driving_licence_front_only
    ),
    rule!(
        "document-type-category",
        Error,
        "Document type presets fit the credential category.",
        acquisition::document_type_category
    ),
    rule!(
        "country-code",
        Error,
        "Country presets are ISO 3166-1 alpha-3 codes.",
        acquisition::country_code
    ),
    rule!(
        "label-required",
        Error,
        "A credential category collected more than once is labelled.",
        acquisition::label_required
    ),
    rule!(
        "duplicate-label",
        Error,
        "Labels name credentials uniquely.",
        acquisition::duplicate_label
    ),
    rule!(
        "label-invalid",
        Error,
        "Labels are 1-100 letters, digits, '-' or '_'.",
        acquisition::label_invalid
    ),
    // Decision conditions
    rule!(
        "condition-type",
        Error,
        "A condition's operator and value fit its subject.",
        conditions::condition_type
    ),
    rule!(
        "condition-unproduced",
        Error,
        "A condition reads a result an upstream step produces.",
        conditions::condition_unproduced
    ),
    rule!(
        "extracted-field-never-carried",
        Warning,
        "A condition on an extracted value reads a credential that carries it.",
        conditions::extracted_field_never_carried
    ),
    rule!(
        "constant-condition",
        Warning,
        "A decision's condition can be true and can be false.",
        outcomes::constant_condition
    ),
    rule!(
        "fixed-decision-overridden",
        Warning,
        "A FIXED PASSED or WARNING terminal is not reachable after a possible rejection.",
        outcomes::fixed_decision_overridden
    ),
    // Risk
    rule!(
        "risk-weight-range",
        Error,
        "Risk weights are 0 to 100.",
        risk::risk_weight_range
    ),
    rule!(
        "risk-bands",
        Error,
        "Score bands leave every decision at least one score.",
        risk::risk_bands
    ),
    rule!(
        "risk-weight-unproduced",
        Warning,
        "Risk weights name capabilities that run upstream, and outcomes those capabilities render.",
        risk::risk_weight_unproduced
    ),
    rule!(
        "risk-warnings-reject",
        Warning,
        "Custom weights of outcomes that can occur together, none REJECTED, stay out of the REJECTED band (warnings alone are reviewed, seed 004).",
        risk::risk_warnings_reject
    ),
    rule!(
        "no-risk-calculation",
        Info,
        "Without a risk step, the score follows the decision (the platform's default: PASSED 0, WARNING 50, REJECTED 71, NOT_EXECUTED -1).",
        risk::no_risk_calculation
    ),
    // Expectations (issue 34): codes also in `crate::expectations`.
    rule!(
        "expectation-broken",
        Error,
        "Every expectation holds: under its scenario the workflow decides what it says it must.",
        expectations::expectation_broken
    ),
    rule!(
        "expectation-invalid",
        Error,
        "Every expectation can run: a unique id, a scenario and a step that exist.",
        expectations::expectation_invalid
    ),
    // Workflow
    rule!(
        "empty-name",
        Warning,
        "The workflow has a name.",
        workflow::empty_name
    ),
    rule!(
        "unknown-lint-rule",
        Warning,
        "The lint configuration names existing rules.",
        workflow::unknown_lint_rule
    ),
];
