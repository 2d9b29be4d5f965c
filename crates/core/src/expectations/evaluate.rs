//! Running a workflow's expectations with the simulator.

use std::borrow::Cow;

use serde::Serialize;

use crate::catalog::capability_spec;
use crate::model::{DecisionType, Expectation, Expected, NodeId, ScenarioRef, Workflow};
use crate::simulate::{Ending, Scenario, by_name, simulate};

/// Whether an expectation holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "lowercase")]
pub enum Verdict {
    Holds,
    Broken,
    /// It cannot be run: its scenario or step does not exist, or its id is
    /// empty or repeated (lint's `expectation-invalid`).
    Invalid(String),
}

/// One expectation, run: its verdict, the path the run took and where it
/// ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectationResult {
    pub id: String,
    /// The scenario's name (`FACE_NO_MATCH`, `SIMILARITY=REJECTED/NO_MATCH`).
    pub scenario: String,
    /// What was expected, in words ("decision is REJECTED").
    pub expected: String,
    pub verdict: Verdict,
    /// What the run decided (NOT_EXECUTED, empty label, score -1 and no
    /// path when it could not run).
    pub decision: DecisionType,
    pub label: String,
    pub risk_score: i16,
    /// The steps visited, entry first.
    pub path: Vec<NodeId>,
    /// The step where the run ended (a terminal, a dead end, the step a
    /// cycle came back to), `None` when it has no entry or did not run.
    pub ended_at: Option<NodeId>,
    /// How the run ended, in words: "at end_reject", "dead end at x".
    pub ending: String,
}

impl ExpectationResult {
    pub fn holds(&self) -> bool {
        self.verdict == Verdict::Holds
    }

    pub fn is_broken(&self) -> bool {
        self.verdict == Verdict::Broken
    }

    /// "under FACE_NO_MATCH the decision is PASSED (label PASSED, score 0,
    /// at end_pass); expected: decision is REJECTED".
    pub fn what_happened(&self) -> String {
        format!(
            "under {} the decision is {} (label {}, score {}, {}); expected: {}",
            self.scenario, self.decision, self.label, self.risk_score, self.ending, self.expected
        )
    }
}

/// Why an expectation cannot be run, if it cannot (without simulating).
/// `earlier` are the expectations before it in the workflow (an id may be
/// used once).
pub fn invalid_reason(
    workflow: &Workflow,
    expectation: &Expectation,
    earlier: &[Expectation],
) -> Option<String> {
    if expectation.id.trim().is_empty() {
        return Some("it has no id".to_owned());
    }
    if earlier.iter().any(|e| e.id == expectation.id) {
        return Some(format!(
            "its id `{}` is used by an earlier expectation: ids are unique",
            expectation.id
        ));
    }
    if let Err(reason) = resolve(&expectation.scenario) {
        return Some(reason);
    }
    match &expectation.expect {
        Expected::EndsAt(step) if workflow.node(step).is_none() => Some(format!(
            "it names step `{step}`, which the workflow does not have"
        )),
        Expected::ScoreAtLeast(n) if *n > 100 => Some(format!(
            "a score is at most 100: “score at least {n}” can never hold"
        )),
        Expected::Label(label) if label.trim().is_empty() => {
            Some("it expects an empty label: name the label".to_owned())
        }
        _ => None,
    }
}

/// The scenario a name stands for, as the what-if matrix and `idflow diff
/// --behaviour` name their rows: a built-in scenario (`FACE_NO_MATCH`, any
/// case, written as the built-in spells it) or one label of a capability
/// (`SIMILARITY=REJECTED/NO_MATCH`). For "expect this" on a matrix row.
/// `None` for a name that is neither, or a label the capability never
/// renders.
pub fn scenario_ref(name: &str) -> Option<ScenarioRef> {
    if let Ok(scenario) = by_name(name) {
        return Some(ScenarioRef::Builtin(scenario.name));
    }
    let (capability, rest) = name.split_once('=')?;
    let (decision, label) = rest.split_once('/')?;
    let capability = crate::model::Capability::parse(capability)?;
    let decision = DecisionType::parse(decision)?;
    let spec = capability_spec(capability);
    let label = spec
        .labels_for(decision)
        .iter()
        .find(|l| l.eq_ignore_ascii_case(label))?;
    Some(ScenarioRef::Label {
        capability,
        decision,
        label: (*label).to_owned(),
    })
}

/// The scenario an expectation names, or why there is none.
pub fn resolve(scenario: &ScenarioRef) -> Result<Cow<'_, Scenario>, String> {
    match scenario {
        ScenarioRef::Builtin(name) => by_name(name).map(Cow::Owned).map_err(|e| e.to_string()),
        ScenarioRef::Label {
            capability,
            decision,
            label,
        } => {
            let spec = capability_spec(*capability);
            if spec.labels_for(*decision).contains(&label.as_str()) {
                Ok(Cow::Owned(Scenario::new(
                    &scenario.name(),
                    "",
                    vec![crate::simulate::Outcome {
                        capability: *capability,
                        credential: None,
                        decision: *decision,
                        label: label.clone(),
                    }],
                )))
            } else {
                Err(format!(
                    "{} never renders {decision} `{label}`",
                    capability.as_str()
                ))
            }
        }
        ScenarioRef::Contents(contents) => contents
            .validate()
            .map(|()| Cow::Borrowed(contents.as_ref()))
            .map_err(|e| e.to_string()),
    }
}

/// Whether `expect` holds of a run that decided `decision`, `label` and
/// `score` and ended at `ended_at`.
pub fn holds(
    expect: &Expected,
    decision: DecisionType,
    label: &str,
    score: i16,
    ended_at: Option<&NodeId>,
) -> bool {
    match expect {
        Expected::Decision(d) => decision == *d,
        Expected::NotDecision(d) => decision != *d,
        Expected::EndsAt(step) => ended_at == Some(step),
        Expected::ScoreAtLeast(n) => score >= i16::from(*n),
        Expected::Label(l) => label == l,
    }
}

/// Runs one expectation (`earlier`: the expectations before it, for the
/// unique-id check).
pub fn evaluate_one(
    workflow: &Workflow,
    expectation: &Expectation,
    earlier: &[Expectation],
) -> ExpectationResult {
    let mut result = ExpectationResult {
        id: expectation.id.clone(),
        scenario: expectation.scenario.name(),
        expected: expectation.expect.to_string(),
        verdict: Verdict::Holds,
        decision: DecisionType::NotExecuted,
        label: String::new(),
        risk_score: -1,
        path: Vec::new(),
        ended_at: None,
        ending: "not run".to_owned(),
    };
    if let Some(reason) = invalid_reason(workflow, expectation, earlier) {
        result.verdict = Verdict::Invalid(reason);
        return result;
    }
    let scenario = match resolve(&expectation.scenario) {
        Ok(scenario) => scenario,
        Err(reason) => {
            result.verdict = Verdict::Invalid(reason);
            return result;
        }
    };
    let run = simulate(workflow, &scenario);
    let (ended_at, ending) = match &run.ending {
        Ending::Terminal(id) => (Some(id.clone()), format!("at {id}")),
        Ending::DeadEnd(id) => (Some(id.clone()), format!("dead end at {id}")),
        Ending::Cycle(id) => (Some(id.clone()), format!("cycle at {id}")),
        Ending::NoEntry => (None, "no entry".to_owned()),
        Ending::Unknown { node, what } => (Some(node.clone()), format!("{what} unknown at {node}")),
    };
    let holding = holds(
        &expectation.expect,
        run.decision,
        &run.label,
        run.risk_score,
        ended_at.as_ref(),
    );
    result.verdict = if holding {
        Verdict::Holds
    } else {
        Verdict::Broken
    };
    result.decision = run.decision;
    result.label = run.label;
    result.risk_score = run.risk_score;
    result.path = run.path;
    result.ended_at = ended_at;
    result.ending = ending;
    result
}

/// Runs every expectation of the workflow, in its order.
pub fn evaluate(workflow: &Workflow) -> Vec<ExpectationResult> {
    workflow
        .expectations
        .iter()
        .enumerate()
        .map(|(i, e)| evaluate_one(workflow, e, &workflow.expectations[..i]))
        .collect()
}
