//! The test panel: runs the open workflow under a scenario (a built-in one,
//! or outcomes picked by hand per capability) and shows the decision, each
//! step, the platform's details JSON and the what-if matrix; the path is
//! highlighted on the canvas. It only reads the document, so running never
//! changes the workflow or its undo history (and works on read-only ones).

use std::collections::{BTreeMap, HashMap};

use egui::{RichText, Ui};
use idflow_core::catalog::{capability_spec, reuses};
use idflow_core::model::{Capability, DecisionType, NodeId, NodeKind, Workflow};
use idflow_core::simulate::{
    DetailsContext, EarlierTransaction, Ending, MatrixRow, Outcome, Run, Scenario, Step,
    StepOutcome, builtin, details, matrix, reuse, simulate,
};
use idflow_view::{theme, words};

use super::canvas::{Canvas, StepResult};
use crate::document::Document;

/// The scenario combo's entry for outcomes picked by hand.
pub const CUSTOM: &str = "Custom outcomes…";
const CUSTOM_DESCRIPTION: &str =
    "Pick an outcome for each capability this workflow runs; the others pass.";

/// What the account did before, for workflows that reuse credentials
/// (issue 29: "a scenario can state the account's history").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountHistory {
    /// One earlier PASSED transaction in which everything passed.
    #[default]
    Verified,
    /// The earlier transaction was REJECTED.
    Rejected,
    /// The earlier transaction ended in WARNING (awaiting review).
    Warning,
    /// Verified once, then a REJECTED transaction.
    VerifiedThenRejected,
    /// No earlier transaction.
    New,
}

impl AccountHistory {
    pub const ALL: [AccountHistory; 5] = [
        AccountHistory::Verified,
        AccountHistory::Rejected,
        AccountHistory::Warning,
        AccountHistory::VerifiedThenRejected,
        AccountHistory::New,
    ];

    pub fn words(self) -> &'static str {
        match self {
            AccountHistory::Verified => "Verified before",
            AccountHistory::Rejected => "Rejected before",
            AccountHistory::Warning => "Warning before (in review)",
            AccountHistory::VerifiedThenRejected => "Verified, then rejected",
            AccountHistory::New => "New account",
        }
    }

    fn hover(self) -> &'static str {
        match self {
            AccountHistory::Verified => {
                "One earlier PASSED transaction: every credential passed usability and the facemap passed liveness, so it can be reused."
            }
            AccountHistory::Rejected => {
                "The earlier transaction was REJECTED: it offers nothing to reuse."
            }
            AccountHistory::Warning => {
                "The earlier transaction ended in WARNING and awaits review: it offers nothing to reuse (idflow's reading)."
            }
            AccountHistory::VerifiedThenRejected => {
                "Verified once, then REJECTED: Use Existing still reuses the verified credentials; Reusable Identity sees the risk and scans a fresh ID."
            }
            AccountHistory::New => "No earlier transaction: nothing to reuse.",
        }
    }

    /// The scenario's `history` (`None`: the default, one qualifying one).
    pub fn history(self) -> Option<Vec<EarlierTransaction>> {
        let with = |decision| {
            let mut history = reuse::qualifying_history();
            for tx in &mut history {
                tx.decision = decision;
            }
            history
        };
        match self {
            AccountHistory::Verified => None,
            AccountHistory::Rejected => Some(with(DecisionType::Rejected)),
            AccountHistory::Warning => Some(with(DecisionType::Warning)),
            AccountHistory::VerifiedThenRejected => {
                let mut history = reuse::qualifying_history();
                history.extend(with(DecisionType::Rejected));
                Some(history)
            }
            AccountHistory::New => Some(Vec::new()),
        }
    }
}

/// Whether any acquisition of the workflow reuses a credential.
fn reuses_any(workflow: &Workflow) -> bool {
    workflow.nodes.iter().any(|n| match &n.kind {
        NodeKind::Acquisition(a) => reuses(a),
        _ => false,
    })
}

/// The last run, and the document revision it ran on.
pub struct LastRun {
    pub run: Run,
    pub revision: u64,
    /// Pretty-printed retrieval document of the run.
    pub details_json: String,
    /// One line per step (`Run::step_summary`), worded once per run.
    pub summaries: Vec<String>,
}

pub struct MatrixView {
    pub rows: Vec<MatrixRow>,
    pub revision: u64,
}

pub struct TestPanel {
    /// A built-in scenario's name, or `CUSTOM`.
    pub scenario: String,
    /// Custom mode: the outcome picked per capability (absent: passes).
    pub custom: BTreeMap<Capability, (DecisionType, String)>,
    /// What the account did before (shown for workflows that reuse).
    pub account: AccountHistory,
    pub last: Option<LastRun>,
    pub matrix: Option<MatrixView>,
    scenarios: Vec<Scenario>,
}

impl Default for TestPanel {
    fn default() -> Self {
        let scenarios = builtin();
        TestPanel {
            scenario: scenarios
                .first()
                .map_or_else(|| CUSTOM.to_owned(), |s| s.name.clone()),
            custom: BTreeMap::new(),
            account: AccountHistory::default(),
            last: None,
            matrix: None,
            scenarios,
        }
    }
}

/// What each visited node did, for the pills on the canvas cards.
pub fn step_results(run: &Run) -> HashMap<NodeId, StepResult> {
    let mut out = HashMap::new();
    for step in &run.steps {
        let result = match step.outcome {
            StepOutcome::Acquired => {
                let here = run.credentials.iter().filter(|c| c.node == step.node);
                let mut missing = here
                    .clone()
                    .filter(|c| c.arrival() == idflow_core::simulate::Arrival::NotDelivered)
                    .peekable();
                let mark = if missing.peek().is_some() {
                    "✖"
                } else {
                    "✔"
                };
                let names: Vec<String> = here
                    .map(|c| idflow_view::words::of(c.category.as_str()))
                    .collect();
                if names.is_empty() {
                    // A reused credential the account does not offer, or a
                    // facemap that never came.
                    StepResult::Note("✖ none".to_owned())
                } else {
                    StepResult::Note(format!("{mark} {}", names.join(" + ")))
                }
            }
            StepOutcome::Checked => {
                // The card shows what needs a look first: a check that did
                // not run outranks the passes around it (the capabilities'
                // decision counts it as a warning too).
                let attention = |d: DecisionType| match d {
                    DecisionType::Rejected => 3,
                    DecisionType::Warning => 2,
                    DecisionType::NotExecuted => 1,
                    DecisionType::Passed => 0,
                };
                let worst = step
                    .results
                    .iter()
                    .filter_map(|&i| run.results.get(i))
                    .max_by_key(|r| attention(r.decision));
                match worst {
                    Some(r) => StepResult::Decision(r.decision, r.label.to_string()),
                    None => StepResult::Note("nothing ran".to_owned()),
                }
            }
            StepOutcome::Branch(port) => StepResult::Branch(port),
            StepOutcome::Risk(score) => StepResult::Note(format!("risk score {score} / 100")),
            StepOutcome::End(decision) => StepResult::Decision(decision, run.label.clone()),
        };
        out.insert(step.node.clone(), result);
    }
    out
}

impl TestPanel {
    /// Forgets results (another workflow was opened).
    pub fn forget_runs(&mut self) {
        self.last = None;
        self.matrix = None;
    }

    /// Whether the last run is of an older revision of the document.
    pub fn stale(&self, doc: &Document) -> bool {
        self.last
            .as_ref()
            .is_some_and(|l| l.revision != doc.revision())
    }

    /// Clears the canvas highlights once the document has changed.
    pub fn sync(&self, doc: &Document, canvas: &mut Canvas) {
        if self.stale(doc) || self.last.is_none() {
            canvas.clear_run();
        }
    }

    /// Puts the last run's path back on the canvas (another panel showed
    /// its own there meanwhile).
    pub fn restore(&self, doc: &Document, canvas: &mut Canvas) {
        let Some(last) = &self.last else { return };
        if self.stale(doc) {
            return;
        }
        canvas.highlighted = last.run.path.clone();
        canvas.highlighted_edges = last.run.edges.clone();
        canvas.step_results = step_results(&last.run);
    }

    /// The scenario the Run button runs.
    pub fn current_scenario(&self, workflow: &Workflow) -> Scenario {
        let mut scenario = self.picked_scenario(workflow);
        if reuses_any(workflow) {
            scenario.history = self.account.history();
        }
        scenario
    }

    /// The built-in scenario picked, or the outcomes picked by hand.
    fn picked_scenario(&self, workflow: &Workflow) -> Scenario {
        if self.scenario == CUSTOM {
            let caps = workflow.capabilities();
            let outcomes = self
                .custom
                .iter()
                .filter(|(c, _)| caps.contains(c))
                .map(|(&capability, (decision, label))| Outcome {
                    capability,
                    credential: None,
                    decision: *decision,
                    label: label.clone(),
                })
                .collect();
            return Scenario::new("CUSTOM", CUSTOM_DESCRIPTION, outcomes);
        }
        self.scenarios
            .iter()
            .find(|s| s.name == self.scenario)
            .cloned()
            .unwrap_or_else(|| Scenario::new("ALL_PASS", "Every capability passes.", vec![]))
    }

    /// Runs the current scenario; shows its path on the canvas.
    pub fn run(&mut self, doc: &Document, canvas: &mut Canvas) {
        let workflow = doc.workflow();
        let scenario = self.current_scenario(workflow);
        let run = simulate(workflow, &scenario);
        let context = DetailsContext::for_run(workflow, &run);
        let details_json = format!("{:#}", details(workflow, &run, &context));
        canvas.highlighted = run.path.clone();
        canvas.highlighted_edges = run.edges.clone();
        canvas.step_results = step_results(&run);
        let summaries = run
            .steps
            .iter()
            .map(|step| match step.outcome {
                // The headline says it; the label only if it is its own.
                StepOutcome::End(decision) if run.label == decision.as_str() => {
                    words::of(decision.as_str())
                }
                _ => summary_in_words(&run, workflow, step),
            })
            .collect();
        self.last = Some(LastRun {
            run,
            revision: doc.revision(),
            details_json,
            summaries,
        });
    }

    /// Runs every built-in scenario (the what-if matrix).
    pub fn run_matrix(&mut self, doc: &Document) {
        self.matrix = Some(MatrixView {
            rows: matrix(doc.workflow(), &self.scenarios),
            revision: doc.revision(),
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, canvas: &mut Canvas) {
        ui.columns(2, |cols| {
            egui::ScrollArea::vertical()
                .id_salt("test_run_left")
                .auto_shrink([false, false])
                .show(&mut cols[0], |ui| self.run_ui(ui, doc, canvas));
            egui::ScrollArea::vertical()
                .id_salt("test_run_right")
                .auto_shrink([false, false])
                .show(&mut cols[1], |ui| self.side_ui(ui, doc));
        });
    }

    fn description(&self) -> &str {
        if self.scenario == CUSTOM {
            return CUSTOM_DESCRIPTION;
        }
        self.scenarios
            .iter()
            .find(|s| s.name == self.scenario)
            .map_or("", |s| s.description.as_str())
    }

    /// Scenario, Run, the decision and the steps.
    fn run_ui(&mut self, ui: &mut Ui, doc: &Document, canvas: &mut Canvas) {
        let mut run_now = false;
        ui.horizontal(|ui| {
            let label = ui.label("Scenario");
            egui::ComboBox::from_id_salt("test_run_scenario")
                .selected_text(self.scenario.as_str())
                .width(210.0)
                .height(480.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.scenario, CUSTOM.to_owned(), CUSTOM)
                        .on_hover_text(CUSTOM_DESCRIPTION);
                    ui.separator();
                    for s in &self.scenarios {
                        ui.selectable_value(&mut self.scenario, s.name.clone(), &s.name)
                            .on_hover_text(&s.description);
                    }
                })
                .response
                .labelled_by(label.id);
            let run = ui
                .add(egui::Button::new(RichText::new("▶ Run").strong()))
                .on_hover_text("Simulate the workflow under this scenario (changes nothing)");
            run_now = run.clicked();
        });
        let description = self.description();
        if !description.is_empty() {
            ui.label(RichText::new(description).weak());
        }
        if reuses_any(doc.workflow()) {
            ui.horizontal(|ui| {
                let label = ui.label("Account");
                egui::ComboBox::from_id_salt("test_run_account")
                    .selected_text(self.account.words())
                    .width(210.0)
                    .show_ui(ui, |ui| {
                        for history in AccountHistory::ALL {
                            ui.selectable_value(&mut self.account, history, history.words())
                                .on_hover_text(history.hover());
                        }
                    })
                    .response
                    .labelled_by(label.id)
                    .on_hover_text("What this account's earlier transactions decided: only a PASSED one offers credentials to reuse.");
            });
        }
        if self.scenario == CUSTOM {
            self.custom_ui(ui, doc.workflow());
        }
        if run_now {
            self.run(doc, canvas);
        }
        ui.add_space(4.0);
        ui.separator();

        let stale = self.stale(doc);
        let Some(last) = &self.last else {
            ui.label(
                RichText::new(
                    "Run the workflow to see its path on the canvas, each step's result and the decision.",
                )
                .weak(),
            );
            return;
        };
        let run = &last.run;
        let dark = ui.visuals().dark_mode;
        ui.horizontal_wrapped(|ui| {
            let color = theme::decision_color(run.decision, dark);
            ui.label(
                RichText::new(run.decision.as_str())
                    .size(22.0)
                    .strong()
                    .color(color),
            );
            if run.label != run.decision.as_str() {
                ui.label(RichText::new(&run.label).strong());
            }
            ui.label(if run.risk_score < 0 {
                "no risk score: nothing executed (-1)".to_owned()
            } else {
                format!("risk score {} / 100", run.risk_score)
            })
            .on_hover_text(format!(
                "The risk score: {}.",
                idflow_view::words::RISK_SCORE_MEANING
            ));
            let ending = match &run.ending {
                Ending::Terminal(id) => format!("ended at “{}”", title_of(doc, id)),
                Ending::DeadEnd(id) => format!("stopped: dead end at {}", title_of(doc, id)),
                Ending::Cycle(id) => format!("stopped: cycle at {}", title_of(doc, id)),
                Ending::NoEntry => "no entry step: nothing ran".to_owned(),
                Ending::Unknown { node, what } => {
                    format!("stopped at {}: {what} unknown", title_of(doc, node))
                }
            };
            let terminal = matches!(run.ending, Ending::Terminal(_));
            ui.label(if terminal {
                RichText::new(ending).weak()
            } else {
                RichText::new(ending).color(theme::decision_color(DecisionType::Warning, dark))
            });
            ui.label(RichText::new(format!("({})", run.scenario)).weak());
        });
        if stale {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new("⚠ The workflow changed since this run: stale — run again")
                        .color(theme::decision_color(DecisionType::Warning, dark)),
                );
            });
        }
        ui.add_space(4.0);
        let mut focus = None;
        let weak = ui.visuals().weak_text_color();
        // A compact list: one short row per step.
        ui.spacing_mut().interact_size.y = 18.0;
        ui.spacing_mut().item_spacing.y = 3.0;
        for (i, (step, summary)) in run.steps.iter().zip(&last.summaries).enumerate() {
            let (icon, color) = match canvas.step_results.get(&step.node) {
                Some(StepResult::Decision(d, _)) => {
                    (theme::decision_icon(*d), theme::decision_color(*d, dark))
                }
                _ => ("•", weak),
            };
            // A capability step's summary lists its results ("; "-separated,
            // in order): the ones that did not pass are shown, coloured by
            // their decision; the passing ones are counted (all on hover).
            let parts: Vec<&str> = summary.split("; ").collect();
            let results: Option<Vec<(&str, DecisionType)>> =
                (!step.results.is_empty() && parts.len() == step.results.len()).then(|| {
                    parts
                        .iter()
                        .zip(&step.results)
                        .map(|(part, &r)| {
                            let d = run
                                .results
                                .get(r)
                                .map_or(DecisionType::NotExecuted, |r| r.decision);
                            (*part, d)
                        })
                        .collect()
                });
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{:>2} {icon}", i + 1)).color(color));
                if ui
                    .link(title_of(doc, &step.node))
                    .on_hover_text("Show on the canvas")
                    .clicked()
                {
                    focus = Some(step.node.clone());
                }
                if results.is_none() {
                    ui.add(egui::Label::new(RichText::new(summary).color(weak)).wrap());
                }
            });
            let Some(results) = results else { continue };
            ui.indent(("test_run_step", i), |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing = egui::vec2(14.0, 2.0);
                    ui.spacing_mut().interact_size.y = 0.0;
                    for (part, decision) in &results {
                        if *decision != DecisionType::Passed {
                            let text =
                                RichText::new(*part).color(theme::decision_color(*decision, dark));
                            // Whole results per line: a result never breaks.
                            ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend));
                        }
                    }
                    let passed = results
                        .iter()
                        .filter(|(_, d)| *d == DecisionType::Passed)
                        .count();
                    if passed > 0 {
                        let all = if passed == results.len() { "all " } else { "" };
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!("{all}{passed} passed")).color(weak),
                            )
                            .wrap_mode(egui::TextWrapMode::Extend),
                        )
                        .on_hover_text(summary.replace("; ", "\n"));
                    }
                });
            });
        }
        if let Some(id) = focus {
            canvas.focus_node(doc, &id);
        }
    }

    /// One outcome picker per capability the workflow runs.
    fn custom_ui(&mut self, ui: &mut Ui, workflow: &Workflow) {
        let caps = workflow.capabilities();
        if caps.is_empty() {
            ui.label(RichText::new("This workflow runs no capabilities.").weak());
            return;
        }
        egui::Grid::new("test_run_custom")
            .num_columns(2)
            .spacing([10.0, 4.0])
            .show(ui, |ui| {
                for c in caps {
                    let spec = capability_spec(c);
                    let name = ui.label(spec.name);
                    let current = self.custom.get(&c).cloned();
                    let text = match &current {
                        Some((d, l)) => format!("{d} · {l}"),
                        None => "pass (default)".to_owned(),
                    };
                    egui::ComboBox::from_id_salt(("test_run_outcome", c.as_str()))
                        .selected_text(text)
                        .width(240.0)
                        .height(460.0)
                        .show_ui(ui, |ui| {
                            if ui
                                .selectable_label(current.is_none(), "pass (default)")
                                .clicked()
                            {
                                self.custom.remove(&c);
                            }
                            for (d, l) in spec.all_labels() {
                                let picked =
                                    current.as_ref().is_some_and(|(cd, cl)| *cd == d && cl == l);
                                let label = RichText::new(format!("{d} · {l}"))
                                    .color(theme::decision_color(d, ui.visuals().dark_mode));
                                if ui.selectable_label(picked, label).clicked() {
                                    self.custom.insert(c, (d, l.to_owned()));
                                }
                            }
                        })
                        .response
                        .labelled_by(name.id);
                    ui.end_row();
                }
            });
    }

    /// Details JSON and the what-if matrix.
    fn side_ui(&mut self, ui: &mut Ui, doc: &Document) {
        egui::CollapsingHeader::new("Details JSON")
            .id_salt("test_run_details")
            .default_open(false)
            .show(ui, |ui| match &self.last {
                None => {
                    ui.label(
                        RichText::new(
                            "Run first: the platform's retrieval document of the run appears here.",
                        )
                        .weak(),
                    );
                }
                Some(last) => {
                    if ui
                        .button("📋 Copy JSON")
                        .on_hover_text("Copy the details JSON to the clipboard")
                        .clicked()
                    {
                        ui.ctx().copy_text(last.details_json.clone());
                    }
                    let width = ui.available_width();
                    egui::ScrollArea::both()
                        .id_salt("test_run_json")
                        .max_height(240.0)
                        .show(ui, |ui| {
                            // Read-only (a `&str` buffer) but selectable; no
                            // wrapping, so the JSON keeps its shape.
                            let mut text = last.details_json.as_str();
                            let color = ui.visuals().text_color();
                            let mut layouter =
                                |ui: &Ui, buffer: &dyn egui::TextBuffer, _wrap: f32| {
                                    let job = egui::text::LayoutJob::simple(
                                        buffer.as_str().to_owned(),
                                        egui::FontId::monospace(12.0),
                                        color,
                                        f32::INFINITY,
                                    );
                                    ui.fonts_mut(|f| f.layout_job(job))
                                };
                            ui.add(
                                egui::TextEdit::multiline(&mut text)
                                    .code_editor()
                                    .desired_width(width - 16.0)
                                    .layouter(&mut layouter),
                            );
                        });
                }
            });
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            if ui
                .button("☰ What-if matrix")
                .on_hover_text("Run every built-in scenario on this workflow")
                .clicked()
            {
                self.run_matrix(doc);
            }
            match &self.matrix {
                Some(m) if m.revision != doc.revision() => {
                    ui.label(
                        RichText::new("stale — run again").color(theme::decision_color(
                            DecisionType::Warning,
                            ui.visuals().dark_mode,
                        )),
                    );
                }
                Some(m) => {
                    ui.label(RichText::new(format!("{} scenarios", m.rows.len())).weak());
                }
                None => {
                    ui.label(RichText::new("every built-in scenario, one row each").weak());
                }
            }
        });
        let Some(m) = &self.matrix else { return };
        let dark = ui.visuals().dark_mode;
        ui.spacing_mut().interact_size.y = 18.0;
        egui::Grid::new("test_run_matrix")
            .num_columns(5)
            .spacing([10.0, 3.0])
            .striped(true)
            .show(ui, |ui| {
                for heading in ["Scenario", "Decision", "Label", "Score", "Terminal"] {
                    let header = ui.label(RichText::new(heading).strong());
                    if heading == "Score" {
                        header.on_hover_text(format!(
                            "The risk score: {}.",
                            idflow_view::words::RISK_SCORE_MEANING
                        ));
                    }
                }
                ui.end_row();
                for row in &m.rows {
                    ui.label(&row.scenario);
                    ui.label(
                        RichText::new(row.decision.as_str())
                            .strong()
                            .color(theme::decision_color(row.decision, dark)),
                    );
                    ui.label(&row.label);
                    ui.label(row.risk_score.to_string());
                    ui.label(RichText::new(&row.terminal).weak());
                    ui.end_row();
                }
            });
    }
}

/// A step's result for the list, in words: credentials and decisions as
/// people say them; the platform's labels (FAKE, MATCH) as the platform
/// reports them. A capability step's results are "; "-separated, in order
/// (the list colours each by its decision).
fn summary_in_words(run: &Run, workflow: &Workflow, step: &Step) -> String {
    match step.outcome {
        StepOutcome::Acquired => run.arrivals_in_words(&step.node, |c| words::of(c.as_str())),
        StepOutcome::Checked => step
            .results
            .iter()
            .filter_map(|&i| run.results.get(i))
            .map(|r| {
                let name = capability_spec(r.capability).name;
                let decision = words::of(r.decision.as_str());
                let credential = r.credentials.first().and_then(|&c| run.credentials.get(c));
                match (r.capability, credential) {
                    (Capability::Usability, Some(c)) => format!(
                        "{name} ({}) {decision} · {}",
                        words::of(c.category.as_str()),
                        r.label
                    ),
                    _ => format!("{name} {decision} · {}", r.label),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        StepOutcome::Risk(score) => {
            format!("risk score {score} / 100 ({})", words::RISK_SCORE_MEANING)
        }
        StepOutcome::End(decision) => format!("{} ({})", words::of(decision.as_str()), run.label),
        StepOutcome::Branch(_) => run.step_summary(workflow, step),
    }
}

fn title_of(doc: &Document, id: &NodeId) -> String {
    doc.node(id)
        .map_or_else(|| id.to_string(), idflow_view::card::title)
}
