//! Expected outcomes (issue 34): what a workflow must decide under a
//! scenario, stored in the workflow file and versioned with it. Running
//! them is `crate::expectations`; this is only what a file holds.
//!
//! In RON an expectation reads
//! `(id: "face_no_match_rejected", scenario: BUILTIN("FACE_NO_MATCH"), expect: DECISION(REJECTED))`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::scenario::Scenario;
use super::vocabulary::{Capability, DecisionType};
use super::workflow::{NodeId, Workflow};

/// One expected outcome: under `scenario`, `expect` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Stable identity, generated like a step's (readable, unique in the
    /// workflow: `face_no_match_rejected`, `face_no_match_rejected_2`) and
    /// never regenerated when the expectation is edited: diff, merge and
    /// the loosening check follow it.
    pub id: String,
    pub scenario: ScenarioRef,
    pub expect: Expected,
}

/// Which scenario an expectation runs: named the way the simulator and
/// `idflow diff --behaviour` name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields)]
pub enum ScenarioRef {
    /// A built-in scenario by name (`simulate::names()`: `FACE_NO_MATCH`).
    Builtin(String),
    /// One label of one capability, everything else passing: the scenario
    /// `simulate::for_every_label` names `SIMILARITY=REJECTED/NO_MATCH`.
    Label {
        capability: Capability,
        decision: DecisionType,
        label: String,
    },
    /// A scenario's own contents, as a scenario file holds them.
    Contents(Box<Scenario>),
}

impl ScenarioRef {
    /// The scenario's name: `FACE_NO_MATCH`, `SIMILARITY=REJECTED/NO_MATCH`,
    /// or the name its contents give it.
    pub fn name(&self) -> String {
        match self {
            ScenarioRef::Builtin(name) => name.clone(),
            ScenarioRef::Label {
                capability,
                decision,
                label,
            } => format!("{}={decision}/{label}", capability.as_str()),
            ScenarioRef::Contents(scenario) => scenario.name.clone(),
        }
    }

    /// Whether both name the same scenario (built-in names are read
    /// without regard to case, as `simulate::by_name` reads them).
    pub fn same_as(&self, other: &ScenarioRef) -> bool {
        match (self, other) {
            (ScenarioRef::Builtin(a), ScenarioRef::Builtin(b)) => a.eq_ignore_ascii_case(b),
            _ => self == other,
        }
    }
}

impl fmt::Display for ScenarioRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioRef::Contents(scenario) => write!(f, "“{}” (its own scenario)", scenario.name),
            _ => f.write_str(&self.name()),
        }
    }
}

/// What must hold at the end of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Expected {
    /// The transaction's decision is this one.
    Decision(DecisionType),
    /// The transaction's decision is anything but this one.
    NotDecision(DecisionType),
    /// The run ends at this step.
    EndsAt(NodeId),
    /// The risk score is at least this (0 to 100; more never holds). A
    /// byte (the server's OpenAPI document says 0 to 255).
    ScoreAtLeast(u8),
    /// The transaction's label is this one.
    Label(String),
}

impl fmt::Display for Expected {
    /// "decision is REJECTED", "decision is not PASSED", "ends at step
    /// reject", "score at least 71", "label is UNDERAGE".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Decision(d) => write!(f, "decision is {d}"),
            Expected::NotDecision(d) => write!(f, "decision is not {d}"),
            Expected::EndsAt(step) => write!(f, "ends at step {step}"),
            Expected::ScoreAtLeast(n) => write!(f, "score at least {n}"),
            Expected::Label(l) => write!(f, "label is {l}"),
        }
    }
}

impl Expectation {
    /// A new expectation with an id fresh in `workflow`.
    pub fn new_in(workflow: &Workflow, scenario: ScenarioRef, expect: Expected) -> Self {
        let id = workflow.fresh_expectation_id(&expectation_id_base(&scenario, &expect));
        Expectation {
            id,
            scenario,
            expect,
        }
    }

    /// "FACE_NO_MATCH: decision is REJECTED".
    pub fn words(&self) -> String {
        format!("{}: {}", self.scenario, self.expect)
    }
}

/// A readable id from free text, as step ids are made: lowercase ASCII
/// letters and digits, anything else one `_` between words
/// (`FACE_NO_MATCH` -> `face_no_match`, `SIMILARITY=REJECTED/NO_MATCH` ->
/// `similarity_rejected_no_match`).
pub fn id_slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// The readable base of a new expectation's id: its scenario, then what it
/// expects (`face_no_match_rejected`, `face_no_match_not_passed`,
/// `expired_id_ends_at_reject_expired`, `underage_score_71`,
/// `underage_label_underage`).
pub fn expectation_id_base(scenario: &ScenarioRef, expect: &Expected) -> String {
    let what = match expect {
        Expected::Decision(d) => d.as_str().to_owned(),
        Expected::NotDecision(d) => format!("not {d}"),
        Expected::EndsAt(step) => format!("ends at {step}"),
        Expected::ScoreAtLeast(n) => format!("score {n}"),
        Expected::Label(l) => format!("label {l}"),
    };
    id_slug(&format!("{} {what}", scenario.name()))
}

/// `base` if it is not `taken`, else the first of `base_2`, `base_3`...
/// that is not (an empty base reads as `expectation`).
pub fn fresh_id(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = if base.is_empty() { "expectation" } else { base };
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|i| format!("{base}_{i}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

impl Workflow {
    /// An expectation id no expectation of this workflow has: `base`, else
    /// `base_2`, `base_3`... (as the designer names new steps).
    pub fn fresh_expectation_id(&self, base: &str) -> String {
        fresh_id(base, |id| self.expectations.iter().any(|e| e.id == id))
    }

    /// The expectation with this id.
    pub fn expectation(&self, id: &str) -> Option<&Expectation> {
        self.expectations.iter().find(|e| e.id == id)
    }
}
