//! The workflow simulator: walks a workflow from its entry under a scenario
//! and renders what the platform would decide. Pure and deterministic, so
//! the CLI, the designer and the server's mock API give the same answer.
//!
//! Semantics (also in the README):
//! - Acquisition steps make their credentials present.
//! - A service runs its selected capabilities in the platform's order
//!   (usability -> image checks -> extraction -> data checks, then the face
//!   checks). A capability whose credential never arrived is
//!   NOT_EXECUTED/NOT_UPLOADED; one whose chain on that credential is broken
//!   (usability not PASSED or WARNING, or an earlier link that ran REJECTED
//!   or NOT_EXECUTED) is NOT_EXECUTED/PRECONDITION_NOT_FULFILLED; otherwise
//!   it renders the scenario's outcome (default: PASSED).
//! - A decision point evaluates its condition on the results so far; a
//!   subject with no result yet makes the condition false (Else).
//! - A risk calculation sums the weights of the outcomes that occurred
//!   (capped at 100); the last one reached is the transaction's risk score.
//! - A terminal ends the run: DERIVED gives REJECTED if any capability
//!   rejected, else WARNING if any warned, else PASSED; FIXED gives its own.

mod details;
mod matrix;
mod scenario;

use std::collections::HashMap;

pub use details::{DetailsContext, details};
pub use matrix::{MatrixRow, matrix, matrix_for_capability};
pub use scenario::{
    ExtractedData, Outcome, Scenario, ScenarioError, builtin, by_name, for_every_label, names,
};

use crate::catalog::{CredentialNeed, ID_CHAIN, capability_spec};
use crate::model::{
    AcquisitionType, Capability, Condition, CredentialCategory, DecisionType, ExtractedField,
    NodeId, NodeKind, Operator, Part, Port, ServiceKind, Subject, TerminalDecision, Value,
    Workflow,
};

/// A credential made present by an acquisition step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub id: String,
    pub category: CredentialCategory,
    pub label: Option<String>,
    pub parts: Vec<Part>,
    /// Stored by an earlier transaction (USE_EXISTING).
    pub existing: bool,
    pub node: NodeId,
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
    Risk(u8),
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
    pub risk_score: u8,
    pub ending: Ending,
    pub data: ExtractedData,
}

impl Run {
    /// The combined decision of every result of a capability (worst first:
    /// REJECTED, WARNING, PASSED, NOT_EXECUTED), with that result's label.
    pub fn capability(&self, capability: Capability) -> Option<(DecisionType, &str)> {
        let rank = |d: DecisionType| match d {
            DecisionType::Rejected => 3,
            DecisionType::Warning => 2,
            DecisionType::Passed => 1,
            DecisionType::NotExecuted => 0,
        };
        self.results
            .iter()
            .filter(|r| r.capability == capability)
            .max_by_key(|r| rank(r.decision))
            .map(|r| (r.decision, r.label))
    }

    /// REJECTED if anything rejected, else WARNING if anything warned, else PASSED.
    pub fn overall(&self) -> DecisionType {
        overall(&self.results)
    }

    pub fn step(&self, node: &NodeId) -> Option<&Step> {
        self.steps.iter().find(|s| &s.node == node)
    }

    /// One line on what a step did, e.g. `Usability (ID) REJECTED BLURRED;
    /// Extraction NOT_EXECUTED PRECONDITION_NOT_FULFILLED`. Worded on demand:
    /// formatting every step during the run was a third of a 10,000-node run.
    pub fn step_summary(&self, workflow: &Workflow, step: &Step) -> String {
        match step.outcome {
            StepOutcome::Acquired => {
                let names: Vec<&str> = self
                    .credentials
                    .iter()
                    .filter(|c| c.node == step.node)
                    .map(|c| c.category.as_str())
                    .collect();
                format!("{} present", names.join(" + "))
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

fn overall(results: &[CapabilityResult]) -> DecisionType {
    if results.iter().any(|r| r.decision == DecisionType::Rejected) {
        DecisionType::Rejected
    } else if results.iter().any(|r| r.decision == DecisionType::Warning) {
        DecisionType::Warning
    } else {
        DecisionType::Passed
    }
}

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
    warned: bool,
    /// Per capability: index of its worst result so far.
    worst: [Option<usize>; 32],
    /// Per capability: bit per decision type it has rendered.
    occurred: [u8; 32],
    extracted: bool,
    /// Per credential (parallel to `run.credentials`): the index of the
    /// acquisition node it came from (its presets).
    acquired_by: Vec<usize>,
}

fn rank(d: DecisionType) -> u8 {
    match d {
        DecisionType::Rejected => 3,
        DecisionType::Warning => 2,
        DecisionType::Passed => 1,
        DecisionType::NotExecuted => 0,
    }
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
        },
        rejected: false,
        warned: false,
        worst: [None; 32],
        occurred: [0; 32],
        extracted: false,
        acquired_by: Vec::new(),
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
            self.run.decision = self.run.overall();
            self.run.label = self.run.decision.to_string();
        }
    }

    /// Runs one node; returns the port to leave by (None at a terminal).
    fn visit(&mut self, i: usize) -> Option<Port> {
        let node = &self.workflow.nodes[i];
        let first_result = self.run.results.len();
        let outcome = match &node.kind {
            NodeKind::Acquisition(a) => {
                for category in a.credentials() {
                    let parts = a.parts.clone();
                    let existing = a.acquisition_type == AcquisitionType::UseExisting;
                    self.acquired_by.push(i);
                    self.run.credentials.push(Credential {
                        id: stable_id(&format!("{}/{}/{}", self.workflow.key, node.id, category)),
                        category,
                        label: a.label.clone(),
                        parts,
                        existing,
                        node: node.id.clone(),
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
                }
                StepOutcome::Checked
            }
            NodeKind::RiskSignal(r) => {
                self.run_capability(r.signal.capability(), None);
                StepOutcome::Checked
            }
            NodeKind::Decision(d) => {
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
                let sum: u32 = r
                    .weights
                    .iter()
                    .filter(|w| {
                        self.occurred[w.capability as usize] & (1 << (w.decision as u8)) != 0
                    })
                    .map(|w| u32::from(w.weight))
                    .sum();
                self.run.risk_score = sum.min(100) as u8;
                StepOutcome::Risk(self.run.risk_score)
            }
            NodeKind::Terminal(t) => {
                let decision = match t.decision {
                    TerminalDecision::Derived => self.overall_so_far(),
                    TerminalDecision::Fixed(d) => d,
                };
                self.run.decision = decision;
                self.run.label = t.label.clone().unwrap_or_else(|| decision.to_string());
                self.run.ending = Ending::Terminal(node.id.clone());
                self.run.steps.push(Step {
                    node: node.id.clone(),
                    outcome: StepOutcome::End(decision),
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

    fn credentials_of(
        &self,
        categories: &[CredentialCategory],
        existing: Option<bool>,
    ) -> Vec<usize> {
        self.run
            .credentials
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                categories.contains(&c.category) && existing.is_none_or(|e| c.existing == e)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Whether `capability` passed on credential `cred` earlier in the run.
    fn passed_on(&self, capability: Capability, cred: usize) -> bool {
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

    /// An ID outside its acquisition's presets: usability WARNING
    /// UNSUPPORTED_DOCUMENT_TYPE or UNSUPPORTED_COUNTRY (domain.md, usability
    /// labels; issue 11: "presets are honoured"). The ID is the scenario's
    /// document (its extracted data's type and issuing country).
    fn outside_presets(&self, cred: usize) -> Option<&'static str> {
        if self.run.credentials.get(cred)?.category != CredentialCategory::Id {
            return None;
        }
        let node = self.workflow.nodes.get(*self.acquired_by.get(cred)?)?;
        let NodeKind::Acquisition(a) = &node.kind else {
            return None;
        };
        let data = &self.scenario.data;
        let type_ok = a.document_types.is_empty()
            || a.document_types
                .iter()
                .any(|t| t.as_str().eq_ignore_ascii_case(&data.document_type));
        if !type_ok {
            return Some("UNSUPPORTED_DOCUMENT_TYPE");
        }
        let country_ok = a.countries.is_empty()
            || a.countries
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&data.issuing_country));
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
        self.warned |= decision == DecisionType::Warning;
        self.extracted |= capability == Capability::Extraction && decision == DecisionType::Passed;
        self.occurred[capability as usize] |= 1 << (decision as u8);
        let slot = &mut self.worst[capability as usize];
        if slot.is_none_or(|w| rank(self.run.results[w].decision) < rank(decision)) {
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
                if creds.is_empty() {
                    self.push(
                        capability,
                        vec![],
                        DecisionType::NotExecuted,
                        "NOT_UPLOADED",
                    );
                }
                for cred in creds {
                    let category = self.run.credentials[cred].category;
                    let (mut decision, mut label) =
                        self.scenario.outcome(capability, Some(category));
                    if decision == DecisionType::Passed
                        && let Some(unsupported) = self.outside_presets(cred)
                    {
                        (decision, label) = (DecisionType::Warning, unsupported);
                    }
                    self.push(capability, vec![cred], decision, label);
                }
            }
            C::Extraction | C::ImageChecks | C::DataChecks => {
                let Some(&cred) = self.credentials_of(&[main_category], None).first() else {
                    self.push(
                        capability,
                        vec![],
                        DecisionType::NotExecuted,
                        "NOT_UPLOADED",
                    );
                    return;
                };
                let mut creds = vec![cred];
                if capability == C::ImageChecks {
                    creds.extend(self.credentials_of(&[K::Selfie], Some(false)).first());
                    creds.sort_by_key(|&c| self.run.credentials[c].category != K::Selfie);
                }
                let ready = self.chain_holds(capability, cred);
                if !ready {
                    self.push(
                        capability,
                        creds,
                        DecisionType::NotExecuted,
                        "PRECONDITION_NOT_FULFILLED",
                    );
                    return;
                }
                let (decision, label) = self.scenario.outcome(capability, Some(main_category));
                self.push(capability, creds, decision, label);
            }
            C::Liveness => {
                let Some(&selfie) = self.credentials_of(&[K::Selfie], Some(false)).first() else {
                    self.push(
                        capability,
                        vec![],
                        DecisionType::NotExecuted,
                        "NOT_UPLOADED",
                    );
                    return;
                };
                let mut creds = vec![selfie];
                creds.extend(self.credentials_of(&[K::Facemap], Some(false)).first());
                if !self.passed_on(C::Usability, selfie) {
                    self.push(
                        capability,
                        creds,
                        DecisionType::NotExecuted,
                        "PRECONDITION_NOT_FULFILLED",
                    );
                    return;
                }
                let (decision, label) = self.scenario.outcome(capability, None);
                self.push(capability, creds, decision, label);
            }
            C::Similarity => {
                let selfie = self
                    .credentials_of(&[K::Selfie], Some(false))
                    .first()
                    .copied();
                let id = self.credentials_of(&[K::Id], None).first().copied();
                let (Some(selfie), Some(id)) = (selfie, id) else {
                    let creds = selfie.into_iter().chain(id).collect();
                    self.push(capability, creds, DecisionType::NotExecuted, "NOT_UPLOADED");
                    return;
                };
                if !(self.passed_on(C::Usability, selfie) && self.passed_on(C::Usability, id)) {
                    self.push(
                        capability,
                        vec![selfie, id],
                        DecisionType::NotExecuted,
                        "PRECONDITION_NOT_FULFILLED",
                    );
                    return;
                }
                let (decision, label) = self.scenario.outcome(capability, None);
                self.push(capability, vec![selfie, id], decision, label);
            }
            C::Authentication => {
                let stored = self
                    .credentials_of(&[K::Facemap], Some(true))
                    .first()
                    .copied();
                let selfie = self
                    .credentials_of(&[K::Selfie], Some(false))
                    .first()
                    .copied();
                let (Some(stored), Some(selfie)) = (stored, selfie) else {
                    let creds = stored.into_iter().chain(selfie).collect();
                    self.push(capability, creds, DecisionType::NotExecuted, "NOT_UPLOADED");
                    return;
                };
                let mut creds = vec![selfie];
                creds.extend(self.credentials_of(&[K::Facemap], Some(false)).first());
                creds.push(stored);
                let (decision, label) = self.scenario.outcome(capability, None);
                self.push(capability, creds, decision, label);
            }
            signal => {
                let spec = capability_spec(signal);
                let mut creds = Vec::new();
                let mut uploaded = true;
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
                        None => uploaded = false,
                    }
                }
                if !uploaded {
                    self.push(signal, creds, DecisionType::NotExecuted, "NOT_UPLOADED");
                    return;
                }
                // A signal that reads a document (the ID, a proof of
                // address) needs that credential's own chain, usability ->
                // image checks -> extraction, not a pass on any other
                // credential (domain.md, "How the platform decides": chains
                // are per credential; no valid ID: NO_VALID_ID_CREDENTIAL,
                // no extraction: EXTRACTION_NOT_DONE for screening).
                if spec.requires.contains(&C::Extraction) {
                    let read = creds
                        .iter()
                        .copied()
                        .find(|&c| matches!(self.run.credentials[c].category, K::Id | K::Document));
                    let broken = match read {
                        None => Some(C::Usability),
                        Some(cred) if !self.chain_holds(C::ImageChecks, cred) => Some(C::Usability),
                        Some(cred) if !self.chain_holds(C::DataChecks, cred) => Some(C::Extraction),
                        Some(_) => None,
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
                } else if !spec.requires.iter().all(|&r| self.passed_anywhere(r)) {
                    self.push(
                        signal,
                        creds,
                        DecisionType::NotExecuted,
                        "PRECONDITION_NOT_FULFILLED",
                    );
                    return;
                }
                let (decision, label) = self.scenario.outcome(signal, None);
                self.push(signal, creds, decision, label);
            }
        }
    }

    fn overall_so_far(&self) -> DecisionType {
        if self.rejected {
            DecisionType::Rejected
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
            Subject::ExtractedField(field) => {
                let extracted = self.run.results.iter().any(|r| {
                    r.capability == Capability::Extraction && r.decision == DecisionType::Passed
                });
                if !extracted {
                    return false;
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

fn compare_decision(actual: DecisionType, op: Operator, value: &Value) -> bool {
    match (op, value) {
        (Operator::Eq, Value::Decision(d)) => actual == *d,
        (Operator::Ne, Value::Decision(d)) => actual != *d,
        (Operator::In, Value::Decisions(ds)) => ds.contains(&actual),
        (Operator::NotIn, Value::Decisions(ds)) => !ds.contains(&actual),
        _ => false,
    }
}

fn compare_text(actual: &str, op: Operator, value: &Value) -> bool {
    match (op, value) {
        (Operator::Eq, Value::Label(v) | Value::Text(v)) => actual == v,
        (Operator::Ne, Value::Label(v) | Value::Text(v)) => actual != v,
        (Operator::In, Value::Labels(vs) | Value::Texts(vs)) => vs.iter().any(|v| v == actual),
        (Operator::NotIn, Value::Labels(vs) | Value::Texts(vs)) => !vs.iter().any(|v| v == actual),
        _ => false,
    }
}

fn compare_number(actual: i64, op: Operator, value: &Value) -> bool {
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
