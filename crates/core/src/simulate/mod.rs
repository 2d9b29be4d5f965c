//! The workflow simulator: walks a workflow from its entry under a scenario
//! and renders what the platform would decide. Pure and deterministic, so
//! the CLI, the designer and the server's mock API give the same answer.
//!
//! Semantics (also in the README; sources in domain.md, "How the platform
//! decides"):
//! - Acquisition steps make their credentials present: what the scenario
//!   says was delivered, by default everything the step's channels allow.
//!   A new facemap that did not arrive is absent (an API-only journey has
//!   none); another credential whose parts did not all arrive gets
//!   usability NOT_EXECUTED/NOT_UPLOADED. A reused credential (USE_EXISTING,
//!   REUSABLE_IDENTITY) on the account keeps its earlier results.
//! - A service runs its selected capabilities in the platform's order
//!   (usability -> image checks -> extraction -> data checks, then the face
//!   checks). One whose chain on its credential is broken (usability not
//!   PASSED or WARNING, or an earlier selected link REJECTED or NOT_EXECUTED)
//!   is NOT_EXECUTED/PRECONDITION_NOT_FULFILLED; otherwise it renders the
//!   scenario's outcome (default: PASSED).
//! - A decision point evaluates its condition on the results so far; a
//!   subject with no result yet makes the condition false (Else).
//! - A risk calculation sums the weights of the outcomes that occurred
//!   (capped at 100); the last one reached gives the score and its bands.
//! - The transaction's decision and score follow one rule (`settle`).

mod details;
mod matrix;
pub mod reuse;
mod scenario;

use std::collections::HashMap;

pub use details::{DetailsContext, details};
pub use matrix::{MatrixRow, matrix, matrix_for_capability};
pub use reuse::{EarlierCredential, EarlierTransaction, Reuse};
pub use scenario::{
    Delivered, DocumentData, ExtractedData, Outcome, Recorded, Scenario, ScenarioError, builtin,
    by_name, for_every_label, names,
};

use crate::catalog::{
    CredentialNeed, ID_CHAIN, capability_spec, carries, deliverable_parts, delivered_parts,
    is_stored_facemap, reuses,
};
use crate::model::{
    AcquisitionNode, AcquisitionType, Capability, Condition, CredentialCategory, DecisionType,
    DocumentType, ExtractedField, NodeId, NodeKind, Operator, Part, Port, ScoreBands, Scoring,
    ServiceKind, Subject, TerminalDecision, TerminalNode, Value, Workflow,
};

/// A credential made present by an acquisition step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: String,
    pub category: CredentialCategory,
    pub label: Option<String>,
    /// The parts that arrived.
    pub parts: Vec<Part>,
    /// Reused from an earlier transaction on the account (USE_EXISTING,
    /// REUSABLE_IDENTITY): it carries its earlier results.
    pub existing: bool,
    /// Every part it needs arrived (always, for a reused one).
    pub delivered: bool,
    pub node: NodeId,
    /// 10071's stored facemap: kept by the customer and uploaded for this
    /// transaction (seed 003, "Authentication On-Premises"). New to this
    /// transaction (usability runs on it), but held before the journey.
    pub stored: bool,
    /// A reused credential's earlier transaction and its id there (empty
    /// when the scenario's history does not name them).
    pub earlier: Option<EarlierSource>,
    /// What Reusable Identity found for this step's credential.
    pub reusable_identity: Option<ReusableIdentity>,
}

/// Where a reused credential comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierSource {
    pub workflow_execution_id: String,
    pub credential_id: String,
}

/// What Reusable Identity did (issue 29; retrieval's
/// `credentials[].reusableIdentity.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReusableIdentity {
    /// A pre-verified ID qualified and was reused.
    IdFound,
    /// None qualified: a fresh scan.
    IdNotFound,
    /// One qualified but a later transaction was REJECTED: a fresh scan.
    RiskDetected,
}

impl ReusableIdentity {
    pub fn as_str(self) -> &'static str {
        match self {
            ReusableIdentity::IdFound => "ID_FOUND",
            ReusableIdentity::IdNotFound => "ID_NOT_FOUND",
            ReusableIdentity::RiskDetected => "RISK_DETECTED",
        }
    }
}

/// How a credential came to be in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// Every part it needs arrived.
    Delivered,
    /// Read off the account, with its earlier results.
    OnAccount,
    /// Some part it needs did not arrive (usability NOT_UPLOADED).
    NotDelivered,
}

impl Arrival {
    pub fn words(self) -> &'static str {
        match self {
            Arrival::Delivered => "present",
            Arrival::OnAccount => "on the account",
            Arrival::NotDelivered => "not delivered",
        }
    }
}

impl Credential {
    pub fn arrival(&self) -> Arrival {
        if self.existing {
            Arrival::OnAccount
        } else if self.delivered {
            Arrival::Delivered
        } else {
            Arrival::NotDelivered
        }
    }
}

/// One capability's result, as the platform reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct CapabilityResult {
    pub capability: Capability,
    /// Indices into `Run::credentials`.
    pub credentials: Vec<usize>,
    pub decision: DecisionType,
    pub label: &'static str,
    /// Index into `Run::steps` of the step that produced it.
    pub step: usize,
}

/// What one visited node did, for the canvas and the text report
/// (`Run::step_summary` words it).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub node: NodeId,
    pub outcome: StepOutcome,
    /// Indices into `Run::results`.
    pub results: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// Credentials became present.
    Acquired,
    /// Capabilities ran (see `results`).
    Checked,
    /// A decision point took this branch.
    Branch(Port),
    /// A risk calculation produced this score.
    Risk(i16),
    /// A terminal ended the run with this decision.
    End(DecisionType),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Terminal(NodeId),
    /// The path stopped at a node with no way on.
    DeadEnd(NodeId),
    /// The path came back to a node it had visited.
    Cycle(NodeId),
    /// The workflow has no entry.
    NoEntry,
    /// A replay of a recorded transaction (backtest) reached something the
    /// record cannot answer: a capability it ran with no recorded result,
    /// or a decision on an extracted value the record lacks.
    Unknown {
        node: NodeId,
        what: Unknown,
    },
}

/// What a replay could not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    Capability(Capability),
    Field(ExtractedField),
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unknown::Capability(c) => f.write_str(capability_spec(*c).name),
            Unknown::Field(field) => write!(f, "extracted {}", field.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub scenario: String,
    pub path: Vec<NodeId>,
    /// (from, port, to) of every edge taken.
    pub edges: Vec<(NodeId, Port, NodeId)>,
    pub steps: Vec<Step>,
    pub credentials: Vec<Credential>,
    pub results: Vec<CapabilityResult>,
    pub decision: DecisionType,
    pub label: String,
    /// -1 (NOT_EXECUTED) to 100, in the band of `decision`.
    pub risk_score: i16,
    pub ending: Ending,
    pub data: ExtractedData,
    /// What extraction reads off a DOCUMENT credential.
    pub document: DocumentData,
}

impl Run {
    /// The combined decision of every result of a capability (worst first:
    /// REJECTED, WARNING, PASSED, NOT_EXECUTED), with that result's label.
    pub fn capability(&self, capability: Capability) -> Option<(DecisionType, &str)> {
        self.results
            .iter()
            .filter(|r| r.capability == capability)
            .max_by_key(|r| r.decision.result_rank())
            .map(|r| (r.decision, r.label))
    }

    /// The capabilities' decision C (see `capabilities_decision`).
    pub fn overall(&self) -> DecisionType {
        capabilities_decision(&self.results)
    }

    pub fn step(&self, node: &NodeId) -> Option<&Step> {
        self.steps.iter().find(|s| &s.node == node)
    }

    /// What arrived at an acquisition step, e.g. `ID present; SELFIE not
    /// delivered`, naming categories with `name`.
    pub fn arrivals_in_words(
        &self,
        node: &NodeId,
        name: impl Fn(CredentialCategory) -> String,
    ) -> String {
        let mut parts = Vec::new();
        for arrival in [
            Arrival::Delivered,
            Arrival::OnAccount,
            Arrival::NotDelivered,
        ] {
            let list: Vec<String> = self
                .credentials
                .iter()
                .filter(|c| &c.node == node && c.arrival() == arrival)
                .map(|c| name(c.category))
                .collect();
            if !list.is_empty() {
                parts.push(format!("{} {}", list.join(" + "), arrival.words()));
            }
        }
        if parts.is_empty() {
            "nothing arrived".to_owned()
        } else {
            parts.join("; ")
        }
    }

    /// One line on what a step did, e.g. `Usability (ID) REJECTED BLURRED;
    /// Extraction NOT_EXECUTED PRECONDITION_NOT_FULFILLED`. Worded on demand:
    /// formatting every step during the run was a third of a 10,000-node run.
    pub fn step_summary(&self, workflow: &Workflow, step: &Step) -> String {
        match step.outcome {
            StepOutcome::Acquired => {
                let reusing = workflow.nodes.iter().any(|n| {
                    n.id == step.node && matches!(&n.kind, NodeKind::Acquisition(a) if reuses(a))
                });
                let none = !self.credentials.iter().any(|c| c.node == step.node);
                if reusing && none {
                    "nothing on the account qualifies for reuse".to_owned()
                } else {
                    self.arrivals_in_words(&step.node, |c| c.as_str().to_owned())
                }
            }
            StepOutcome::Checked => {
                let parts: Vec<String> = step
                    .results
                    .iter()
                    .filter_map(|&i| self.results.get(i))
                    .map(|r| {
                        let name = capability_spec(r.capability).name;
                        match (
                            r.capability,
                            r.credentials.first().and_then(|&c| self.credentials.get(c)),
                        ) {
                            (Capability::Usability, Some(c)) => {
                                format!("{name} ({}) {} {}", c.category, r.decision, r.label)
                            }
                            _ => format!("{name} {} {}", r.decision, r.label),
                        }
                    })
                    .collect();
                parts.join("; ")
            }
            StepOutcome::Branch(port) => {
                let condition = workflow
                    .nodes
                    .iter()
                    .find(|n| n.id == step.node)
                    .and_then(|n| match &n.kind {
                        NodeKind::Decision(d) => Some(d.condition.describe()),
                        _ => None,
                    });
                let branch = if port == Port::Then { "Then" } else { "Else" };
                format!("{} → {branch}", condition.unwrap_or_default())
            }
            StepOutcome::Risk(score) => format!("risk score {score}"),
            StepOutcome::End(decision) => format!("{decision} ({})", self.label),
        }
    }
}

/// When a service runs a capability relative to the others it selects: the
/// ID chain in the platform's order, then the face checks, then the rest.
fn run_order(capability: Capability) -> usize {
    ID_CHAIN
        .iter()
        .position(|&c| c == capability)
        .unwrap_or(ID_CHAIN.len() + capability as usize)
}

/// The capabilities' decision C (issue 11, "one rule for decision and
/// score"): REJECTED if any result is REJECTED (seed 004: a rejection in any
/// capability rejects the transaction); else NOT_EXECUTED if nothing
/// executed; else WARNING if anything warned or did not run (idflow's own
/// rule where the sources are silent: a check that could not run needs a
/// person to look); else PASSED.
pub fn capabilities_decision(results: &[CapabilityResult]) -> DecisionType {
    let mut executed = false;
    let mut warned = false;
    for r in results {
        match r.decision {
            DecisionType::Rejected => return DecisionType::Rejected,
            DecisionType::Warning => {
                executed = true;
                warned = true;
            }
            DecisionType::Passed => executed = true,
            DecisionType::NotExecuted => warned = true,
        }
    }
    if !executed {
        DecisionType::NotExecuted
    } else if warned {
        DecisionType::Warning
    } else {
        DecisionType::Passed
    }
}

/// How severe a decision is for the transaction: NOT_EXECUTED stands apart
/// (it always wins, with score -1), then REJECTED, WARNING, PASSED.
fn severity(d: DecisionType) -> u8 {
    match d {
        DecisionType::Passed => 0,
        DecisionType::Warning => 1,
        DecisionType::Rejected => 2,
        DecisionType::NotExecuted => 3,
    }
}

/// How the score of a run is made: the platform's default, or the
/// customer's weights (their capped sum so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Score {
    /// The platform's default score of the final decision (no risk step
    /// reached, or one with `scoring: DEFAULT`).
    Default,
    /// The capped sum of the weights whose outcome occurred.
    Weighted(i16),
}

/// The transaction's decision, label and score (issue 11, "one rule for
/// decision and score"; domain.md, "Top-level decision"). `c` is the
/// capabilities' decision, `score` how the score is made, `terminal` the
/// terminal reached.
///
/// Under the default score the decision is C, raised by a FIXED terminal,
/// and the score follows it (issue 29: "the default score follows the
/// transaction's final decision (a terminal's included)"); warnings alone
/// never reach REJECTED (seed 004). Weights act exactly as written: the
/// decision is the more severe of C and the score's band.
pub fn settle(
    c: DecisionType,
    score: Score,
    bands: &ScoreBands,
    terminal: Option<&TerminalNode>,
) -> (DecisionType, String, i16) {
    if c == DecisionType::NotExecuted {
        let label = terminal.and_then(|t| t.label.clone());
        return (
            c,
            label.unwrap_or_else(|| c.to_string()),
            ScoreBands::NOT_EXECUTED,
        );
    }
    let fixed = terminal.and_then(|t| match t.decision {
        TerminalDecision::Fixed(d) => Some(d),
        TerminalDecision::Derived => None,
    });
    let (decision, score) = match (fixed, score) {
        (Some(DecisionType::NotExecuted), _) => {
            (DecisionType::NotExecuted, ScoreBands::NOT_EXECUTED)
        }
        // A fixed terminal may raise the decision, never lower it below C;
        // the score then moves into the final band.
        (Some(f), score) => {
            let d = if severity(f) >= severity(c) { f } else { c };
            match score {
                Score::Default => (d, bands.default_score(d)),
                Score::Weighted(raw) => (d, bands.into_band(d, raw)),
            }
        }
        (None, Score::Default) => (c, bands.default_score(c)),
        (None, Score::Weighted(raw)) => {
            let by_score = bands.decision(raw);
            if severity(c) > severity(by_score) {
                (c, bands.range(c).0)
            } else {
                (by_score, raw)
            }
        }
    };
    // The terminal's label names its own decision; one overridden by the
    // results would mislead (a REJECTED transaction labelled "APPROVED").
    let label = match (terminal.and_then(|t| t.label.clone()), fixed) {
        (Some(label), Some(f)) if f == decision => label,
        (Some(label), None) => label,
        _ => decision.to_string(),
    };
    (decision, label, score)
}

/// How a step's credential came into a run (see [`Credential`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Arrived {
    parts: Vec<Part>,
    existing: bool,
    delivered: bool,
    stored: bool,
    earlier: Option<EarlierSource>,
    reusable_identity: Option<ReusableIdentity>,
}

/// A new credential with the parts that came: absent when it is a facemap
/// that never came (over API alone there is none: domain.md, "Inputs"),
/// else delivered when every needed part came.
fn arrived(category: CredentialCategory, parts: Vec<Part>, needed: &[Part]) -> Option<Arrived> {
    if category == CredentialCategory::Facemap && parts.is_empty() {
        return None;
    }
    let delivered = !needed.is_empty() && needed.iter().all(|p| parts.contains(p));
    Some(Arrived {
        parts,
        delivered,
        ..Arrived::default()
    })
}

/// Image-check findings about the portrait's face (domain.md, labels:
/// imageChecks WARNING DIFFERENT_PERSON, REPEATED_FACE; REJECTED
/// GHOST_IMAGE_DIFFERENT): a document has no face to find them on.
const FACE_FINDINGS: &[&str] = &["REPEATED_FACE", "DIFFERENT_PERSON", "GHOST_IMAGE_DIFFERENT"];

fn passes(d: DecisionType) -> bool {
    matches!(d, DecisionType::Passed | DecisionType::Warning)
}

/// A stable, UUID-shaped id from a seed (runs are reproducible).
pub fn stable_id(seed: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in seed.bytes() {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        b = (b ^ u64::from(byte))
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(5);
    }
    let hex = format!("{a:016x}{b:016x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

struct Walker<'a> {
    workflow: &'a Workflow,
    scenario: &'a Scenario,
    run: Run,
    /// Running aggregates, so decisions read them in O(1) (a scan of all
    /// results per decision made 10,000-node runs quadratic: 100 ms).
    rejected: bool,
    /// Something warned or did not run.
    warned: bool,
    executed: bool,
    /// The bands of the last risk calculation reached.
    bands: ScoreBands,
    /// How the last risk calculation reached scores (none reached: the
    /// platform's default).
    score: Score,
    /// Per capability: index of its worst result so far.
    worst: [Option<usize>; 32],
    /// Per capability: bit per decision type it has rendered.
    occurred: [u8; 32],
    /// Extraction PASSED on an ID, on a document (what a decision on an
    /// extracted field can read).
    extracted_id: bool,
    extracted_document: bool,
    /// Per credential (parallel to `run.credentials`): the index of the
    /// acquisition node it came from (its presets).
    acquired_by: Vec<usize>,
    /// What a replay could not know; the walk stops once it is set.
    unknown: Option<Unknown>,
}

/// Runs `workflow` under `scenario`.
pub fn simulate(workflow: &Workflow, scenario: &Scenario) -> Run {
    let mut walker = Walker {
        workflow,
        scenario,
        run: Run {
            scenario: scenario.name.clone(),
            path: Vec::new(),
            edges: Vec::new(),
            steps: Vec::new(),
            credentials: Vec::new(),
            results: Vec::new(),
            decision: DecisionType::NotExecuted,
            label: String::new(),
            risk_score: 0,
            ending: Ending::NoEntry,
            data: scenario.data.clone(),
            document: scenario.document.clone(),
        },
        rejected: false,
        warned: false,
        executed: false,
        bands: ScoreBands::default(),
        score: Score::Default,
        worst: [None; 32],
        occurred: [0; 32],
        extracted_id: false,
        extracted_document: false,
        acquired_by: Vec::new(),
        unknown: None,
    };
    walker.walk();
    walker.run
}

impl<'a> Walker<'a> {
    fn walk(&mut self) {
        let w = self.workflow;
        let index: HashMap<&NodeId, usize> = w
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (&n.id, i))
            .collect();
        let mut has_incoming = vec![false; w.nodes.len()];
        let mut outgoing: Vec<Vec<(Port, usize)>> = vec![Vec::new(); w.nodes.len()];
        for e in &w.edges {
            if let (Some(&f), Some(&t)) = (index.get(&e.from), index.get(&e.to)) {
                has_incoming[t] = true;
                outgoing[f].push((e.port, t));
            }
        }
        let entry = (0..w.nodes.len())
            .find(|&i| !has_incoming[i] && matches!(w.nodes[i].kind, NodeKind::Acquisition(_)));
        let Some(mut current) = entry else {
            self.run.ending = Ending::NoEntry;
            return;
        };
        let mut visited = vec![false; w.nodes.len()];
        loop {
            let node = &w.nodes[current];
            if visited[current] {
                self.run.ending = Ending::Cycle(node.id.clone());
                break;
            }
            visited[current] = true;
            self.run.path.push(node.id.clone());
            let port = self.visit(current);
            if let Some(what) = self.unknown {
                self.run.ending = Ending::Unknown {
                    node: node.id.clone(),
                    what,
                };
                break;
            }
            let Some(port) = port else {
                break;
            };
            match outgoing[current].iter().find(|(p, _)| *p == port) {
                Some(&(_, next)) => {
                    self.run
                        .edges
                        .push((node.id.clone(), port, w.nodes[next].id.clone()));
                    current = next;
                }
                None => {
                    self.run.ending = Ending::DeadEnd(node.id.clone());
                    break;
                }
            }
        }
        if !matches!(self.run.ending, Ending::Terminal(_)) {
            self.settle(None);
        }
    }

    fn settle(&mut self, terminal: Option<&TerminalNode>) {
        let (decision, label, score) =
            settle(self.overall_so_far(), self.score, &self.bands, terminal);
        self.run.decision = decision;
        self.run.label = label;
        self.run.risk_score = score;
    }

    /// Runs one node; returns the port to leave by (None at a terminal).
    fn visit(&mut self, i: usize) -> Option<Port> {
        let node = &self.workflow.nodes[i];
        let first_result = self.run.results.len();
        let outcome = match &node.kind {
            NodeKind::Acquisition(a) => {
                for category in a.credentials() {
                    let Some(arrived) = self.arrival(&node.id, a, category) else {
                        continue;
                    };
                    self.acquired_by.push(i);
                    let id = match &arrived.earlier {
                        Some(earlier) if !earlier.credential_id.is_empty() => {
                            earlier.credential_id.clone()
                        }
                        _ => stable_id(&format!("{}/{}/{}", self.workflow.key, node.id, category)),
                    };
                    self.run.credentials.push(Credential {
                        id,
                        category,
                        label: a.label.clone(),
                        parts: arrived.parts,
                        existing: arrived.existing,
                        delivered: arrived.delivered,
                        node: node.id.clone(),
                        stored: arrived.stored,
                        earlier: arrived.earlier,
                        reusable_identity: arrived.reusable_identity,
                    });
                }
                StepOutcome::Acquired
            }
            NodeKind::Service(s) => {
                let mut caps = s.capabilities.clone();
                caps.sort_by_key(|&c| run_order(c));
                caps.dedup();
                for c in caps {
                    self.run_capability(c, Some(s.service));
                    if self.unknown.is_some() {
                        break;
                    }
                }
                StepOutcome::Checked
            }
            NodeKind::RiskSignal(r) => {
                self.run_capability(r.signal.capability(), None);
                StepOutcome::Checked
            }
            NodeKind::Decision(d) => {
                if let Subject::ExtractedField(field) = d.condition.subject
                    && self.extracted_id
                    && self.scenario.lacks(field)
                {
                    self.unknown = Some(Unknown::Field(field));
                }
                let port = if self.evaluate(&d.condition) {
                    Port::Then
                } else {
                    Port::Else
                };
                self.run.steps.push(Step {
                    node: node.id.clone(),
                    outcome: StepOutcome::Branch(port),
                    results: Vec::new(),
                });
                return Some(port);
            }
            NodeKind::RiskCalculation(r) => {
                self.bands = r.bands.unwrap_or_default();
                match &r.scoring {
                    Scoring::Default => {
                        // What a decision after this step compares: the
                        // default score of the decision so far.
                        self.score = Score::Default;
                        self.run.risk_score = self.bands.default_score(self.overall_so_far());
                    }
                    Scoring::Weights(weights) => {
                        let sum: u32 = weights
                            .iter()
                            .filter(|w| {
                                self.occurred[w.capability as usize] & (1 << (w.decision as u8))
                                    != 0
                            })
                            .map(|w| u32::from(w.weight))
                            .sum();
                        self.run.risk_score = sum.min(100) as i16;
                        self.score = Score::Weighted(self.run.risk_score);
                    }
                }
                StepOutcome::Risk(self.run.risk_score)
            }
            NodeKind::Terminal(t) => {
                self.settle(Some(t));
                self.run.ending = Ending::Terminal(node.id.clone());
                self.run.steps.push(Step {
                    node: node.id.clone(),
                    outcome: StepOutcome::End(self.run.decision),
                    results: Vec::new(),
                });
                return None;
            }
        };
        self.run.steps.push(Step {
            node: node.id.clone(),
            outcome,
            results: (first_result..self.run.results.len()).collect(),
        });
        Some(Port::Out)
    }

    /// What arrived for a step's credential, or `None` when it is absent
    /// from the run (a new facemap that never came, a reused credential the
    /// account does not offer).
    fn arrival(
        &self,
        node: &NodeId,
        step: &AcquisitionNode,
        category: CredentialCategory,
    ) -> Option<Arrived> {
        let needed = delivered_parts(category, &step.parts);
        // `None`: the scenario lists no deliveries (everything the step's
        // channels allow arrives); `Some(d)`: what it says arrived here.
        let delivery = self
            .scenario
            .delivered
            .as_ref()
            .map(|_| self.scenario.delivery(node.as_str(), category));
        if is_stored_facemap(step, category) {
            // 10071: the customer uploads the stored facemap over the API
            // for this transaction; usability runs on it (seed 003's 10071
            // details list it with its own usability result).
            let uploaded = match delivery {
                None => true,
                Some(d) => d.is_some_and(|d| d.reused || d.parts.contains(&Part::Facemap)),
            };
            return uploaded.then(|| Arrived {
                parts: vec![Part::Facemap],
                delivered: true,
                stored: true,
                ..Arrived::default()
            });
        }
        if reuses(step) {
            return self.reused_or_fresh(step, category, delivery, &needed);
        }
        let parts = match delivery {
            None => deliverable_parts(step, category),
            Some(d) => Self::parts_of(d, &needed),
        };
        arrived(category, parts, &needed)
    }

    /// The parts of `needed` that a delivery lists.
    fn parts_of(delivery: Option<&Delivered>, needed: &[Part]) -> Vec<Part> {
        delivery
            .map(|d| {
                needed
                    .iter()
                    .copied()
                    .filter(|p| d.parts.contains(p))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A USE_EXISTING or REUSABLE_IDENTITY credential: reused when the
    /// account's history offers one (`reuse::find`), else missing
    /// (USE_EXISTING) or a fresh scan on every channel the step allows
    /// (REUSABLE_IDENTITY; seed 002: "Continues with a fresh ID scan").
    fn reused_or_fresh(
        &self,
        step: &AcquisitionNode,
        category: CredentialCategory,
        delivery: Option<Option<&Delivered>>,
        needed: &[Part],
    ) -> Option<Arrived> {
        let reusable_identity = step.acquisition_type == AcquisitionType::ReusableIdentity;
        let default_history;
        let history = match &self.scenario.history {
            Some(history) => history.as_slice(),
            None => {
                default_history = reuse::qualifying_history();
                default_history.as_slice()
            }
        };
        let mut offered = reuse::find(history, category, reusable_identity);
        // A scenario that lists deliveries but states no history says what
        // the account holds with `reused: true` (scenario files written
        // before histories).
        let listed_as_reused = match delivery {
            None => true,
            Some(d) => d.is_some_and(|d| d.reused),
        };
        if self.scenario.history.is_none() && !listed_as_reused {
            offered = Reuse::NotFound;
        }
        if let Reuse::Found {
            transaction,
            credential,
        } = offered
        {
            let tx = &history[transaction];
            return Some(Arrived {
                existing: true,
                delivered: true,
                earlier: Some(EarlierSource {
                    workflow_execution_id: tx.id.clone(),
                    credential_id: tx.credentials[credential].id.clone(),
                }),
                reusable_identity: reusable_identity.then_some(ReusableIdentity::IdFound),
                ..Arrived::default()
            });
        }
        if !reusable_identity {
            // Not on the account: missing (issue 11).
            return None;
        }
        let status = match offered {
            Reuse::RiskDetected { .. } => ReusableIdentity::RiskDetected,
            _ => ReusableIdentity::IdNotFound,
        };
        let parts = match delivery {
            None => deliverable_parts(step, category),
            Some(d) => Self::parts_of(d, needed),
        };
        let mut fresh = arrived(category, parts, needed)?;
        fresh.reusable_identity = Some(status);
        Some(fresh)
    }

    /// The run's credentials of `categories`; `held`: only those held
    /// before the journey (reused, or 10071's stored facemap), or only the
    /// ones the journey captured.
    fn credentials_of(&self, categories: &[CredentialCategory], held: Option<bool>) -> Vec<usize> {
        self.run
            .credentials
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                categories.contains(&c.category)
                    && held.is_none_or(|h| (c.existing || c.stored) == h)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether `capability` passed on credential `cred` earlier in the run
    /// (a reused credential carries its earlier PASSED results).
    fn passed_on(&self, capability: Capability, cred: usize) -> bool {
        if self.run.credentials.get(cred).is_some_and(|c| c.existing) {
            return true;
        }
        self.run
            .results
            .iter()
            .rev()
            .find(|r| r.capability == capability && r.credentials.contains(&cred))
            .is_some_and(|r| passes(r.decision))
    }

    /// Whether the run-time chain before `capability` holds on credential
    /// `cred` (domain.md, "How the platform decides", from the API guide:
    /// usability -> imageChecks -> extraction -> dataChecks on each
    /// credential). Usability must have passed; a later link counts only
    /// when it ran (the chain covers the selected capabilities), and a
    /// REJECTED or NOT_EXECUTED link breaks it, a WARNING does not.
    fn chain_holds(&self, capability: Capability, cred: usize) -> bool {
        if self.run.credentials.get(cred).is_some_and(|c| c.existing) {
            return true;
        }
        let links = ID_CHAIN.iter().take_while(|&&c| c != capability);
        links.enumerate().all(|(i, &link)| {
            let result = self
                .run
                .results
                .iter()
                .rev()
                .find(|r| r.capability == link && r.credentials.contains(&cred));
            match result {
                Some(r) => passes(r.decision),
                // Usability is always part of the chain.
                None => i > 0,
            }
        })
    }

    /// The scenario's outcome, or (in a replay) `None` with the capability
    /// noted as unknown.
    fn outcome(
        &mut self,
        capability: Capability,
        credential: Option<CredentialCategory>,
    ) -> Option<(DecisionType, &'static str)> {
        let outcome = self.scenario.replayed_outcome(capability, credential);
        if outcome.is_none() {
            self.unknown = Some(Unknown::Capability(capability));
        }
        outcome
    }

    /// In a replay whose record lacks the ID's type or country (nothing was
    /// extracted), the presets cannot be checked again: the recorded
    /// usability result stands, as the platform rendered it.
    fn presets_unreadable(&self) -> bool {
        self.scenario.lacks(ExtractedField::DocumentType)
            || self.scenario.lacks(ExtractedField::IssuingCountry)
    }

    /// An ID outside its acquisition's presets: usability WARNING
    /// UNSUPPORTED_DOCUMENT_TYPE or UNSUPPORTED_COUNTRY (domain.md, usability
    /// labels; issue 11: "presets are honoured"). The ID is the scenario's
    /// document (its extracted data's type and issuing country).
    ///
    /// A DOCUMENT step honours its presets the same way, on the scenario's
    /// document (domain.md, "Documents": "another type gets usability
    /// WARNING UNSUPPORTED_DOCUMENT_TYPE"); each credential is held against
    /// its own data, never the other's.
    fn outside_presets(&self, cred: usize) -> Option<&'static str> {
        let (document_type, issuing_country) = match self.run.credentials.get(cred)?.category {
            CredentialCategory::Id => (
                &self.scenario.data.document_type,
                &self.scenario.data.issuing_country,
            ),
            CredentialCategory::Document => (
                &self.scenario.document.document_type,
                &self.scenario.document.issuing_country,
            ),
            _ => return None,
        };
        let node = self.workflow.nodes.get(*self.acquired_by.get(cred)?)?;
        let NodeKind::Acquisition(a) = &node.kind else {
            return None;
        };
        let type_ok = a.document_types.is_empty()
            || a.document_types
                .iter()
                .any(|t| t.as_str().eq_ignore_ascii_case(document_type));
        if !type_ok {
            return Some("UNSUPPORTED_DOCUMENT_TYPE");
        }
        let country_ok =
            a.countries.is_empty() || a.countries.iter().any(|c| same_country(c, issuing_country));
        (!country_ok).then_some("UNSUPPORTED_COUNTRY")
    }

    fn passed_anywhere(&self, capability: Capability) -> bool {
        let bits = self.occurred[capability as usize];
        bits & (1 << (DecisionType::Passed as u8) | 1 << (DecisionType::Warning as u8)) != 0
    }

    fn push(
        &mut self,
        capability: Capability,
        credentials: Vec<usize>,
        decision: DecisionType,
        label: &'static str,
    ) {
        let step = self.run.steps.len();
        let index = self.run.results.len();
        self.rejected |= decision == DecisionType::Rejected;
        self.warned |= matches!(decision, DecisionType::Warning | DecisionType::NotExecuted);
        self.executed |= matches!(decision, DecisionType::Passed | DecisionType::Warning);
        self.occurred[capability as usize] |= 1 << (decision as u8);
        let slot = &mut self.worst[capability as usize];
        if slot.is_none_or(|w| self.run.results[w].decision.result_rank() < decision.result_rank())
        {
            *slot = Some(index);
        }
        self.run.results.push(CapabilityResult {
            capability,
            credentials,
            decision,
            label,
            step,
        });
    }

    /// Records a capability that could not run.
    fn skip(&mut self, capability: Capability, credentials: Vec<usize>) {
        self.push(
            capability,
            credentials,
            DecisionType::NotExecuted,
            "PRECONDITION_NOT_FULFILLED",
        );
    }

    /// Usability on new credentials (reused ones carry their earlier
    /// result): NOT_EXECUTED NOT_UPLOADED when the parts did not all arrive
    /// (domain.md, "Inputs"), WARNING outside the presets, else the
    /// scenario's outcome.
    fn usability(&mut self, creds: &[usize]) {
        for &cred in creds {
            let credential = &self.run.credentials[cred];
            if !credential.delivered {
                self.push(
                    Capability::Usability,
                    vec![cred],
                    DecisionType::NotExecuted,
                    "NOT_UPLOADED",
                );
                continue;
            }
            let category = credential.category;
            let Some((mut decision, mut label)) =
                self.outcome(Capability::Usability, Some(category))
            else {
                return;
            };
            let unreadable = match category {
                CredentialCategory::Document => self
                    .scenario
                    .recorded
                    .as_ref()
                    .is_some_and(|r| r.document_unread),
                _ => self.presets_unreadable(),
            };
            if decision == DecisionType::Passed
                && !unreadable
                && let Some(unsupported) = self.outside_presets(cred)
            {
                (decision, label) = (DecisionType::Warning, unsupported);
            }
            self.push(Capability::Usability, vec![cred], decision, label);
        }
    }

    /// Whether the scenario lists an outcome of `capability` for exactly
    /// this credential category.
    fn outcome_names(&self, capability: Capability, category: CredentialCategory) -> bool {
        self.scenario
            .outcomes
            .iter()
            .any(|o| o.capability == capability && o.credential == Some(category))
    }

    fn has_result_on(&self, capability: Capability, cred: usize) -> bool {
        self.run
            .results
            .iter()
            .any(|r| r.capability == capability && r.credentials.contains(&cred))
    }

    fn run_capability(&mut self, capability: Capability, service: Option<ServiceKind>) {
        use Capability as C;
        use CredentialCategory as K;
        let document_service = service == Some(ServiceKind::DocumentVerification);
        let main_category = if document_service { K::Document } else { K::Id };
        match capability {
            C::Usability => {
                let categories: &[K] = if document_service {
                    &[K::Document]
                } else {
                    &[K::Id, K::Selfie, K::Facemap]
                };
                let creds: Vec<usize> = self.credentials_of(categories, Some(false));
                // A reused credential keeps its earlier usability result
                // (seed 003's 10014 details show none for it): only when
                // nothing of these categories came at all is it missing.
                if creds.is_empty() && self.credentials_of(categories, Some(true)).is_empty() {
                    self.push(
                        capability,
                        vec![],
                        DecisionType::NotExecuted,
                        "NOT_UPLOADED",
                    );
                }
                self.usability(&creds);
            }
            C::Extraction | C::ImageChecks | C::DataChecks => {
                let Some(&cred) = self.credentials_of(&[main_category], None).first() else {
                    self.skip(capability, vec![]);
                    return;
                };
                let mut creds = vec![cred];
                // Image checks compare the ID's portrait with the selfie
                // (REPEATED_FACE, DIFFERENT_PERSON); a document has none.
                if capability == C::ImageChecks && main_category == K::Id {
                    creds.extend(self.credentials_of(&[K::Selfie], Some(false)).first());
                    creds.sort_by_key(|&c| self.run.credentials[c].category != K::Selfie);
                }
                if !self.chain_holds(capability, cred) {
                    self.skip(capability, creds);
                    return;
                }
                let Some((mut decision, mut label)) = self.outcome(capability, Some(main_category))
                else {
                    return;
                };
                // A document has no face (domain.md, "Documents"): a face
                // finding the scenario gives image checks in general
                // (REPEATED_FACE, DIFFERENT_PERSON) is the ID's, not the
                // document's.
                if main_category == K::Document
                    && capability == C::ImageChecks
                    && self.scenario.recorded.is_none()
                    && FACE_FINDINGS.contains(&label)
                    && !self.outcome_names(capability, K::Document)
                {
                    (decision, label) = (DecisionType::Passed, "OK");
                }
                if capability == C::Extraction && decision == DecisionType::Passed {
                    match main_category {
                        K::Document => self.extracted_document = true,
                        _ => self.extracted_id = true,
                    }
                }
                self.push(capability, creds, decision, label);
            }
            C::Liveness => {
                let Some(&selfie) = self.credentials_of(&[K::Selfie], Some(false)).first() else {
                    self.skip(capability, vec![]);
                    return;
                };
                // Over API alone there is no facemap: liveness works on the
                // selfie alone (domain.md, "Inputs").
                let mut creds = vec![selfie];
                creds.extend(self.credentials_of(&[K::Facemap], Some(false)).first());
                if !self.passed_on(C::Usability, selfie) {
                    self.skip(capability, creds);
                    return;
                }
                let Some((decision, label)) = self.outcome(capability, None) else {
                    return;
                };
                self.push(capability, creds, decision, label);
            }
            C::Similarity => {
                let selfie = self
                    .credentials_of(&[K::Selfie], Some(false))
                    .first()
                    .copied();
                let id = self.credentials_of(&[K::Id], None).first().copied();
                let (Some(selfie), Some(id)) = (selfie, id) else {
                    self.skip(capability, selfie.into_iter().chain(id).collect());
                    return;
                };
                if !(self.passed_on(C::Usability, selfie) && self.passed_on(C::Usability, id)) {
                    self.skip(capability, vec![selfie, id]);
                    return;
                }
                let Some((decision, label)) = self.outcome(capability, None) else {
                    return;
                };
                self.push(capability, vec![selfie, id], decision, label);
            }
            C::Authentication => self.authenticate(),
            signal => self.risk_signal(signal),
        }
    }

    /// Authentication as documented (domain.md, "Authentication"; seed 003,
    /// "Authentication"): usability on the new selfie and facemap first;
    /// then the new facemap is compared with one the account already holds
    /// (10014: from an earlier transaction; 10071: the stored one uploaded
    /// over API). Without either it does not run; a spoofed new face fails.
    fn authenticate(&mut self) {
        use CredentialCategory as K;
        let capability = Capability::Authentication;
        // The facemap compared with: reused from a qualifying earlier
        // transaction whose liveness (or authentication) passed on it
        // (`reuse::find`; seed 002: "Requires an existing facemap and
        // selfie passing Liveness"), or 10071's stored one.
        let stored = self
            .credentials_of(&[K::Facemap], Some(true))
            .first()
            .copied();
        let selfie = self
            .credentials_of(&[K::Selfie], Some(false))
            .first()
            .copied();
        let new_facemap = self
            .credentials_of(&[K::Facemap], Some(false))
            .first()
            .copied();
        // Usability on every facemap and selfie new to this transaction,
        // the uploaded stored facemap included (seed 003's 10071 details).
        let uploaded = stored.filter(|&c| !self.run.credentials[c].existing);
        let unchecked: Vec<usize> = uploaded
            .into_iter()
            .chain(selfie)
            .chain(new_facemap)
            .filter(|&c| !self.has_result_on(Capability::Usability, c))
            .collect();
        self.usability(&unchecked);
        if self.unknown.is_some() {
            return;
        }
        let (Some(stored), Some(selfie), Some(new_facemap)) = (stored, selfie, new_facemap) else {
            self.skip(capability, new_facemap.or(selfie).into_iter().collect());
            return;
        };
        if !(self.passed_on(Capability::Usability, selfie)
            && self.passed_on(Capability::Usability, new_facemap)
            && self.passed_on(Capability::Usability, stored))
        {
            self.skip(capability, vec![new_facemap]);
            return;
        }
        // A spoofed new face fails authentication; a replay has the
        // platform's own authentication result instead.
        let (liveness, _) = self.scenario.outcome(Capability::Liveness, None);
        let (decision, label) =
            if self.scenario.recorded.is_none() && liveness == DecisionType::Rejected {
                (DecisionType::Rejected, "FAILED")
            } else {
                let Some(outcome) = self.outcome(capability, None) else {
                    return;
                };
                outcome
            };
        self.push(capability, vec![new_facemap], decision, label);
    }

    fn risk_signal(&mut self, signal: Capability) {
        use Capability as C;
        use CredentialCategory as K;
        let spec = capability_spec(signal);
        let mut creds = Vec::new();
        let mut present = true;
        for need in spec.needs {
            let found = match need {
                CredentialNeed::AnyOf(categories) => {
                    self.credentials_of(categories, None).first().copied()
                }
                CredentialNeed::DataPart(part) => self
                    .run
                    .credentials
                    .iter()
                    .position(|c| c.category == K::Data && c.parts.contains(part)),
                CredentialNeed::ExistingFacemap => self
                    .credentials_of(&[K::Facemap], Some(true))
                    .first()
                    .copied(),
            };
            match found {
                Some(c) => creds.push(c),
                None => present = false,
            }
        }
        // A signal that reads a document (the ID, a proof of address)
        // needs that credential's own chain, usability -> image checks ->
        // extraction, not a pass on any other credential (domain.md, "How
        // the platform decides": chains are per credential; no valid ID:
        // NO_VALID_ID_CREDENTIAL, no extraction: EXTRACTION_NOT_DONE for
        // screening).
        let broken = if !present {
            Some(C::Usability)
        } else if spec.requires.contains(&C::Extraction) {
            let read = creds
                .iter()
                .copied()
                .find(|&c| matches!(self.run.credentials[c].category, K::Id | K::Document));
            match read {
                None => Some(C::Usability),
                Some(cred) if !self.chain_holds(C::ImageChecks, cred) => Some(C::Usability),
                Some(cred) if !self.chain_holds(C::DataChecks, cred) => Some(C::Extraction),
                Some(_) => None,
            }
        } else if !spec.requires.iter().all(|&r| self.passed_anywhere(r)) {
            Some(C::Usability)
        } else {
            None
        };
        if let Some(link) = broken {
            let label = match (signal, link) {
                (C::WatchlistScreening, C::Usability) => "NO_VALID_ID_CREDENTIAL",
                (C::WatchlistScreening, _) => "EXTRACTION_NOT_DONE",
                _ => "PRECONDITION_NOT_FULFILLED",
            };
            self.push(signal, creds, DecisionType::NotExecuted, label);
            return;
        }
        if signal == C::DrivingLicenseVerification
            && let Some(label) = self.licence_not_verifiable()
        {
            self.push(signal, creds, DecisionType::NotExecuted, label);
            return;
        }
        let Some((decision, label)) = self.outcome(signal, None) else {
            return;
        };
        self.push(signal, creds, decision, label);
    }

    /// US driving-licence verification (10013: "US driving licence
    /// verification"; domain.md, "Driving-licence verification") does not
    /// run on an ID that is not a driving licence (NOT_EXECUTED
    /// PRECONDITION_NOT_FULFILLED, idflow's reading, checked first) or one
    /// issued outside the US (NOT_EXECUTED UNSUPPORTED_COUNTRY). The state
    /// comes from the scenario's document; UNSUPPORTED_STATE only when the
    /// scenario says so (its outcome). A replay whose record lacks the type
    /// or country keeps the recorded result.
    fn licence_not_verifiable(&self) -> Option<&'static str> {
        if self.presets_unreadable() {
            return None;
        }
        let data = &self.scenario.data;
        if !data
            .document_type
            .eq_ignore_ascii_case(DocumentType::DrivingLicense.as_str())
        {
            return Some("PRECONDITION_NOT_FULFILLED");
        }
        (!same_country("USA", &data.issuing_country)).then_some("UNSUPPORTED_COUNTRY")
    }

    /// The capabilities' decision so far (`capabilities_decision`, kept
    /// as running aggregates).
    fn overall_so_far(&self) -> DecisionType {
        if self.rejected {
            DecisionType::Rejected
        } else if !self.executed {
            DecisionType::NotExecuted
        } else if self.warned {
            DecisionType::Warning
        } else {
            DecisionType::Passed
        }
    }

    fn worst(&self, c: Capability) -> Option<&CapabilityResult> {
        self.worst[c as usize].map(|i| &self.run.results[i])
    }

    fn evaluate(&self, condition: &Condition) -> bool {
        let op = condition.operator;
        match condition.subject {
            Subject::CapabilityDecision(c) => match self.worst(c) {
                Some(r) => compare_decision(r.decision, op, &condition.value),
                None => false,
            },
            Subject::OverallDecision => {
                compare_decision(self.overall_so_far(), op, &condition.value)
            }
            Subject::CapabilityLabel(c) => match self.worst(c) {
                Some(r) => compare_text(r.label, op, &condition.value),
                None => false,
            },
            Subject::RiskScore => {
                compare_number(i64::from(self.run.risk_score), op, &condition.value)
            }
            // A value the extraction did not produce never holds as if it
            // were there (domain.md, "Documents"): the ID's values once the
            // ID was extracted, else a document's type and country.
            Subject::ExtractedField(field) => {
                if !self.extracted_id {
                    if !(self.extracted_document && carries(CredentialCategory::Document, field)) {
                        return false;
                    }
                    let document = &self.scenario.document;
                    let value = match field {
                        ExtractedField::DocumentType => &document.document_type,
                        _ => &document.issuing_country,
                    };
                    return compare_text(value, op, &condition.value);
                }
                let data = &self.scenario.data;
                match field {
                    ExtractedField::CurrentAge => {
                        compare_number(data.current_age, op, &condition.value)
                    }
                    ExtractedField::DaysToExpiry => {
                        compare_number(data.days_to_expiry, op, &condition.value)
                    }
                    ExtractedField::IssuingCountry => {
                        compare_text(&data.issuing_country, op, &condition.value)
                    }
                    ExtractedField::DocumentType => {
                        compare_text(&data.document_type, op, &condition.value)
                    }
                    ExtractedField::Nationality => {
                        compare_text(&data.nationality, op, &condition.value)
                    }
                }
            }
        }
    }
}

/// Whether two ISO 3166-1 codes name the same country (a preset or a
/// record may use alpha-2 or alpha-3).
pub fn same_country(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let alpha3 = |code: &str| crate::countries::alpha3(code);
    matches!((alpha3(a), alpha3(b)), (Some(x), Some(y)) if x == y)
}

pub(crate) fn compare_decision(actual: DecisionType, op: Operator, value: &Value) -> bool {
    match (op, value) {
        (Operator::Eq, Value::Decision(d)) => actual == *d,
        (Operator::Ne, Value::Decision(d)) => actual != *d,
        (Operator::In, Value::Decisions(ds)) => ds.contains(&actual),
        (Operator::NotIn, Value::Decisions(ds)) => !ds.contains(&actual),
        _ => false,
    }
}

pub(crate) fn compare_text(actual: &str, op: Operator, value: &Value) -> bool {
    match (op, value) {
        (Operator::Eq, Value::Label(v) | Value::Text(v)) => actual == v,
        (Operator::Ne, Value::Label(v) | Value::Text(v)) => actual != v,
        (Operator::In, Value::Labels(vs) | Value::Texts(vs)) => vs.iter().any(|v| v == actual),
        (Operator::NotIn, Value::Labels(vs) | Value::Texts(vs)) => !vs.iter().any(|v| v == actual),
        _ => false,
    }
}

pub(crate) fn compare_number(actual: i64, op: Operator, value: &Value) -> bool {
    let Value::Number(v) = value else {
        return false;
    };
    match op {
        Operator::Eq => actual == *v,
        Operator::Ne => actual != *v,
        Operator::Lt => actual < *v,
        Operator::Le => actual <= *v,
        Operator::Gt => actual > *v,
        Operator::Ge => actual >= *v,
        Operator::In | Operator::NotIn => false,
    }
}
