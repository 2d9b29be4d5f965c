//! The Backtest tab (issue 18): recorded retrieval documents replayed
//! through the last published version of the open workflow (side A) and
//! the open draft (side B), on a background thread. Shows what the change
//! would have done to that traffic; clicking a row shows its path on the
//! canvas, as a test run does.
//!
//! Privacy: the documents path and everything read from the documents
//! stay in memory (never in the settings or the store), and only ids,
//! decisions and labels are shown.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use egui::{RichText, Ui};
use idflow_core::backtest::{self, Keep, Report, Row, Side, Sides};
use idflow_core::model::{DecisionType, NodeId, Workflow};

use super::canvas::{Canvas, StepResult};
use super::session::After;
use super::session::worker::Call;
use super::{IdflowApp, theme};
use crate::document::{Document, Source};

/// Notable rows kept of each kind (disagreeing, changed, not comparable).
const ROWS_KEPT: usize = 5000;

/// The workflow side A replays through, as far as it is known.
#[derive(Debug, Clone)]
pub enum Basis {
    /// Not asked for yet (or the open workflow changed).
    Unknown,
    /// The workflow has no published version: the draft runs alone.
    NoVersion {
        key: u32,
    },
    Reading {
        key: u32,
        number: u32,
    },
    Ready {
        key: u32,
        number: u32,
        workflow: Box<Workflow>,
    },
    Failed {
        key: u32,
        number: u32,
        message: String,
    },
}

/// A backtest running on its thread.
struct Running {
    cancel: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    result: mpsc::Receiver<Report>,
    labels: (String, Option<String>),
    revision: u64,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Nobody waits for the report any more.
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// A finished backtest.
pub struct Finished {
    pub report: Report,
    /// What side A and side B were ("Published v3", "Draft").
    pub a_label: String,
    pub b_label: Option<String>,
    /// The document revision side B was.
    pub revision: u64,
    /// Indexes into `report.rows` of the rows listed: disagreements
    /// first, then changed, then not comparable.
    pub notable: Vec<usize>,
}

pub struct BacktestPanel {
    /// A file or folder of retrieval documents (typed, pasted or picked).
    pub path: String,
    pub basis: Basis,
    running: Option<Running>,
    pub finished: Option<Finished>,
    /// The row (index into `report.rows`) whose path the canvas shows.
    pub selected: Option<usize>,
    /// Whether the canvas shows the selected row's path now.
    shown: bool,
    /// Why the last run did not start (or ended without a report).
    pub failure: Option<String>,
}

impl Default for BacktestPanel {
    fn default() -> Self {
        BacktestPanel {
            path: String::new(),
            basis: Basis::Unknown,
            running: None,
            finished: None,
            selected: None,
            shown: false,
            failure: None,
        }
    }
}

impl BacktestPanel {
    /// Forgets the report and the sides (another workflow was opened);
    /// a running backtest is cancelled. The path stays.
    pub fn forget(&mut self) {
        self.running = None;
        self.finished = None;
        self.selected = None;
        self.shown = false;
        self.failure = None;
        self.basis = Basis::Unknown;
    }

    pub fn running(&self) -> bool {
        self.running.is_some()
    }

    /// Whether the report is of an older revision of the draft.
    pub fn stale(&self, doc: &Document) -> bool {
        self.finished
            .as_ref()
            .is_some_and(|f| f.revision != doc.revision())
    }

    /// Whether a row's path is to be on the canvas (while the tab shows).
    pub fn wants_canvas(&self, doc: &Document) -> bool {
        self.selected.is_some() && self.finished.is_some() && !self.stale(doc)
    }

    /// Whether the canvas shows a row's path; forgets that it does.
    pub fn release_canvas(&mut self) -> bool {
        std::mem::take(&mut self.shown)
    }

    /// Puts the selected row's path on the canvas (once), or takes it off
    /// once the draft changed.
    pub fn sync(&mut self, doc: &Document, canvas: &mut Canvas) {
        if self.stale(doc) {
            if self.release_canvas() {
                canvas.clear_run();
            }
            self.selected = None;
            return;
        }
        if self.shown {
            return;
        }
        if let Some(row) = self
            .selected
            .and_then(|i| self.finished.as_ref().and_then(|f| f.report.rows.get(i)))
        {
            show_row(row, doc.workflow(), canvas);
            self.shown = true;
        }
    }

    /// The report, once the thread sent it.
    fn poll(&mut self) {
        let Some(running) = &self.running else { return };
        match running.result.try_recv() {
            Ok(report) => {
                let (a_label, b_label) = running.labels.clone();
                let revision = running.revision;
                self.running = None;
                self.finished = Some(Finished {
                    notable: notable(&report),
                    report,
                    a_label,
                    b_label,
                    revision,
                });
                self.selected = None;
                self.shown = false;
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.running = None;
                self.failure = Some("The backtest stopped without a report.".to_owned());
            }
        }
    }

    /// The sides as they stand: (A, B, A's label, B's label), or why the
    /// backtest cannot run yet.
    fn sides<'a>(&'a self, doc: &'a Document) -> Result<SidesOf<'a>, String> {
        let open = doc.workflow();
        match &doc.source {
            Source::Version { number, .. } => {
                return Ok((open, None, format!("Version v{number}"), None));
            }
            Source::File(_) => return Ok((open, None, "Open file".to_owned(), None)),
            Source::Store { .. } => {}
        }
        let key = doc.key();
        match &self.basis {
            Basis::NoVersion { key: k } if Some(*k) == key => {
                Ok((open, None, "Draft".to_owned(), None))
            }
            Basis::Ready {
                key: k,
                number,
                workflow,
            } if Some(*k) == key => Ok((
                workflow.as_ref(),
                Some(open),
                format!("Published v{number}"),
                Some("Draft".to_owned()),
            )),
            Basis::Failed {
                key: k,
                number,
                message,
            } if Some(*k) == key => Err(format!("Published v{number} not read: {message}")),
            _ => Err("Reading the published version…".to_owned()),
        }
    }

    /// Starts the backtest on its own thread.
    fn start(&mut self, ui: &Ui, doc: &Document) {
        self.failure = None;
        let text = self.path.trim();
        if text.is_empty() {
            self.failure = Some("Give a file or folder of retrieval documents.".to_owned());
            return;
        }
        let path = PathBuf::from(text);
        if !Path::new(&path).exists() {
            self.failure = Some(format!("No such file or folder: {}", path.display()));
            return;
        }
        let (a, b, a_label, b_label) = match self.sides(doc) {
            Ok((a, b, a_label, b_label)) => (a.clone(), b.cloned(), a_label, b_label),
            Err(why) => {
                self.failure = Some(why);
                return;
            }
        };
        let cancel = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let ctx = ui.ctx().clone();
        let (thread_cancel, thread_done) = (cancel.clone(), done.clone());
        let spawned = std::thread::Builder::new()
            .name("backtest".to_owned())
            .spawn(move || {
                let inputs = backtest::source::inputs(&[path]);
                // Only notable rows are listed; keeping a bounded number of
                // each kind keeps a month of traffic from filling memory.
                let report = backtest::run_with(
                    Sides {
                        a: &a,
                        b: b.as_ref(),
                    },
                    inputs,
                    &thread_cancel,
                    |n| {
                        thread_done.store(n, Ordering::Relaxed);
                        ctx.request_repaint();
                    },
                    Keep::Notable {
                        per_kind: ROWS_KEPT,
                    },
                    |_| {},
                );
                let _ = tx.send(report);
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            self.failure = Some(format!("The backtest did not start: {e}"));
            return;
        }
        self.running = Some(Running {
            cancel,
            done,
            result: rx,
            labels: (a_label, b_label),
            revision: doc.revision(),
        });
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, canvas: &mut Canvas) {
        self.poll();
        if self.running.is_some() {
            ui.ctx().request_repaint();
        }
        ui.columns(2, |cols| {
            egui::ScrollArea::vertical()
                .id_salt("backtest_left")
                .auto_shrink([false, false])
                .show(&mut cols[0], |ui| self.run_ui(ui, doc));
            self.rows_ui(&mut cols[1], doc, canvas);
        });
    }

    /// Path, sides, Run / Cancel and the summary.
    fn run_ui(&mut self, ui: &mut Ui, doc: &Document) {
        ui.horizontal(|ui| {
            let label = ui.label("Documents path");
            ui.add(
                egui::TextEdit::singleline(&mut self.path)
                    .hint_text("a .json / .ndjson file or a folder of them")
                    .desired_width(ui.available_width() - 130.0),
            )
            .labelled_by(label.id);
            if ui
                .button("📁 Choose folder…")
                .on_hover_text("Pick a folder of retrieval documents")
                .clicked()
                && let Some(folder) = rfd::FileDialog::new().pick_folder()
            {
                self.path = folder.display().to_string();
            }
        });
        let sides = self.sides(doc).map(|(_, _, a, b)| (a, b));
        let dark = ui.visuals().dark_mode;
        ui.horizontal(|ui| {
            match &sides {
                Ok((a, Some(b))) => {
                    ui.label(RichText::new(format!("A: {a} → B: {b}")).strong())
                        .on_hover_text(
                            "Side A: the last published version; side B: the open draft.",
                        );
                }
                Ok((a, None)) => {
                    let why = match doc.source {
                        Source::Store { .. } => " (not published yet: the draft only)",
                        _ => " only",
                    };
                    ui.label(RichText::new(format!("A: {a}{why}")).strong());
                }
                Err(why) => {
                    ui.label(RichText::new(why).weak());
                }
            };
        });
        ui.horizontal(|ui| {
            if let Some(running) = &self.running {
                ui.spinner();
                let n = running.done.load(Ordering::Relaxed);
                ui.label(format!("{n} documents replayed…"));
                if ui.button("Cancel").clicked() {
                    running.cancel.store(true, Ordering::Relaxed);
                }
            } else {
                let can = sides.is_ok() && !self.path.trim().is_empty();
                let run = ui
                    .add_enabled(
                        can,
                        egui::Button::new(RichText::new("Run backtest").strong()),
                    )
                    .on_hover_text(
                        "Replay the documents through both sides (changes nothing; nothing is kept)",
                    );
                if run.clicked() {
                    self.start(ui, doc);
                    ui.ctx().request_repaint();
                }
            }
        });
        if let Some(failure) = &self.failure {
            ui.label(
                RichText::new(failure).color(theme::decision_color(DecisionType::Warning, dark)),
            );
        }
        ui.separator();
        let stale = self.stale(doc);
        let Some(finished) = &self.finished else {
            ui.label(
                RichText::new(
                    "Replay recorded retrieval documents through the published version and the draft, to see which decisions the change would have changed.",
                )
                .weak(),
            );
            return;
        };
        summary_ui(ui, finished, stale);
    }

    /// The notable rows; a click shows a row's path on the canvas.
    fn rows_ui(&mut self, ui: &mut Ui, doc: &Document, canvas: &mut Canvas) {
        let Some(finished) = &self.finished else {
            return;
        };
        let dark = ui.visuals().dark_mode;
        let two = finished.b_label.is_some();
        let report = &finished.report;
        let capped = [
            report.disagreements,
            report.changed(),
            report.not_comparable,
        ]
        .iter()
        .any(|&n| n > ROWS_KEPT);
        ui.label(
            RichText::new(format!(
                "{} notable {} (disagreeing, changed, not comparable){}",
                finished.notable.len(),
                if finished.notable.len() == 1 {
                    "row"
                } else {
                    "rows"
                },
                if capped {
                    format!("; the first {ROWS_KEPT} of each kind")
                } else {
                    String::new()
                }
            ))
            .strong(),
        );
        let row_height = 18.0;
        let columns = if two { 4.0 } else { 3.0 };
        let spacing = ui.spacing().item_spacing.x * (columns - 1.0);
        let free = (ui.available_width() - spacing - 16.0).max(200.0);
        let id_width = free * 0.31;
        let other = (free - id_width) / (columns - 1.0);
        let widths = [id_width, other, other, other];
        ui.horizontal(|ui| {
            let heads = [
                "Transaction",
                "Recorded",
                finished.a_label.as_str(),
                finished.b_label.as_deref().unwrap_or(""),
            ];
            for (head, width) in heads.iter().zip(widths).take(if two { 4 } else { 3 }) {
                ui.add_sized(
                    [width, row_height],
                    egui::Label::new(RichText::new(*head).strong()).truncate(),
                );
            }
        });
        let mut clicked = None;
        egui::ScrollArea::vertical()
            .id_salt("backtest_rows")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, finished.notable.len(), |ui, range| {
                ui.spacing_mut().interact_size.y = row_height;
                for &i in finished.notable.get(range).unwrap_or_default() {
                    let Some(row) = finished.report.rows.get(i) else {
                        continue;
                    };
                    ui.horizontal(|ui| {
                        let picked = self.selected == Some(i);
                        let id = ui
                            .add_sized(
                                [widths[0], row_height],
                                egui::Button::selectable(picked, row.id.as_str()).truncate(),
                            )
                            .on_hover_text(format!("{}\n{}", row.id, why_listed(row)));
                        if id.clicked() {
                            clicked = Some(i);
                        }
                        let recorded =
                            decided_text(row.recorded.decision, &row.recorded.label, dark);
                        ui.add_sized(
                            [widths[1], row_height],
                            egui::Label::new(recorded).truncate(),
                        );
                        ui.add_sized(
                            [widths[2], row_height],
                            egui::Label::new(side_text(&row.a, dark)).truncate(),
                        );
                        if let Some(b) = &row.b {
                            ui.add_sized(
                                [widths[3], row_height],
                                egui::Label::new(side_text(b, dark)).truncate(),
                            );
                        }
                    });
                }
            });
        if let Some(i) = clicked {
            self.selected = Some(i);
            self.shown = false;
            if !self.stale(doc) {
                self.sync(doc, canvas);
            }
        }
    }
}

/// A, B, A's label and B's label.
type SidesOf<'a> = (&'a Workflow, Option<&'a Workflow>, String, Option<String>);

fn summary_ui(ui: &mut Ui, finished: &Finished, stale: bool) {
    let report = &finished.report;
    let dark = ui.visuals().dark_mode;
    let warning = theme::decision_color(DecisionType::Warning, dark);
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{} documents", report.documents()))
                .size(18.0)
                .strong(),
        );
        if report.b.is_some() {
            ui.label(RichText::new(format!("{} changed", report.changed())).strong());
            ui.label(format!("{} unchanged", report.unchanged));
        }
        if report.unreadable_count > 0 {
            ui.label(
                RichText::new(format!("{} unreadable", report.unreadable_count)).color(warning),
            );
        }
        if report.cancelled {
            ui.label(RichText::new("cancelled: partial").color(warning));
        }
    });
    if stale {
        ui.label(
            RichText::new("⚠ The draft changed since this backtest: stale — run again")
                .color(warning),
        );
    }
    let agreement = &report.agreement;
    let text = match agreement.percent() {
        Some(p) => format!(
            "{}: {p:.1} % agree with the recorded decision ({} of {} compared)",
            finished.a_label, agreement.agreed, agreement.compared
        ),
        None => format!(
            "{}: nothing compared with the recorded decision",
            finished.a_label
        ),
    };
    ui.label(text);
    ui.add_space(4.0);

    // Decisions per side.
    let b = report.b.as_ref();
    let mut decisions: Vec<DecisionType> = report.a.decisions.keys().copied().collect();
    if let Some(b) = b {
        decisions.extend(b.decisions.keys().copied());
    }
    decisions.sort_by_key(|d| d.result_rank());
    decisions.dedup();
    ui.horizontal_top(|ui| {
        egui::Grid::new("backtest_decisions")
            .num_columns(if b.is_some() { 3 } else { 2 })
            .spacing([14.0, 3.0])
            .striped(true)
            .show(ui, |ui| {
                ui.label(RichText::new("Decision").strong());
                ui.label(RichText::new(&finished.a_label).strong());
                if let Some(label) = &finished.b_label {
                    ui.label(RichText::new(label).strong());
                }
                ui.end_row();
                for d in &decisions {
                    ui.label(
                        RichText::new(d.as_str())
                            .strong()
                            .color(theme::decision_color(*d, dark)),
                    );
                    ui.label(report.a.decisions.get(d).copied().unwrap_or(0).to_string());
                    if let Some(b) = b {
                        ui.label(b.decisions.get(d).copied().unwrap_or(0).to_string());
                    }
                    ui.end_row();
                }
                ui.label(RichText::new("not comparable").color(warning));
                ui.label(report.a.not_comparable.to_string())
                    .on_hover_text(top_reasons(&report.a.unknown));
                if let Some(b) = b {
                    ui.label(b.not_comparable.to_string())
                        .on_hover_text(top_reasons(&b.unknown));
                }
                ui.end_row();
            });
        if !report.changes.is_empty() {
            ui.add_space(12.0);
            ui.vertical(|ui| {
                ui.label(RichText::new("Changed decisions").strong());
                egui::Grid::new("backtest_changes")
                    .num_columns(3)
                    .spacing([14.0, 3.0])
                    .striped(true)
                    .show(ui, |ui| {
                        for ((from, to), n) in &report.changes {
                            ui.label(
                                RichText::new(from.as_str())
                                    .color(theme::decision_color(*from, dark)),
                            );
                            ui.label(
                                RichText::new(format!("→ {}", to.as_str()))
                                    .color(theme::decision_color(*to, dark)),
                            );
                            ui.label(n.to_string());
                            ui.end_row();
                        }
                    });
            });
        }
    });
    for (label, side) in std::iter::once((&finished.a_label, Some(&report.a)))
        .chain(finished.b_label.as_ref().map(|l| (l, b)))
    {
        if let Some(side) = side
            && side.not_comparable > 0
        {
            ui.label(
                RichText::new(format!(
                    "{label} not comparable: {}",
                    top_reasons(&side.unknown)
                ))
                .weak(),
            );
        }
    }
}

/// The three most frequent reasons a side was not comparable.
fn top_reasons(unknown: &std::collections::BTreeMap<String, usize>) -> String {
    let mut reasons: Vec<(&String, &usize)> = unknown.iter().collect();
    reasons.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let top: Vec<String> = reasons
        .iter()
        .take(3)
        .map(|(what, n)| format!("{what} unknown ×{n}"))
        .collect();
    if top.is_empty() {
        "none".to_owned()
    } else {
        top.join(", ")
    }
}

/// Disagreements first, then changed, then not comparable; in input order
/// within each.
fn notable(report: &Report) -> Vec<usize> {
    let mut rows: Vec<(u8, usize)> = report
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.notable())
        .map(|(i, r)| {
            let rank = if r.disagrees {
                0
            } else if r.changed {
                1
            } else {
                2
            };
            (rank, i)
        })
        .collect();
    rows.sort();
    rows.into_iter().map(|(_, i)| i).collect()
}

fn why_listed(row: &Row) -> String {
    let mut why = Vec::new();
    if row.disagrees {
        why.push("disagrees with the recorded decision");
    }
    if row.changed {
        why.push("decision changed");
    }
    if matches!(row.a, Side::NotComparable { .. })
        || matches!(row.b, Some(Side::NotComparable { .. }))
    {
        why.push("not comparable");
    }
    format!("{}; click to show its path", why.join(", "))
}

fn decided_text(decision: DecisionType, label: &str, dark: bool) -> RichText {
    let text = if label == decision.as_str() || label.is_empty() {
        decision.as_str().to_owned()
    } else {
        format!("{} · {label}", decision.as_str())
    };
    RichText::new(text).color(theme::decision_color(decision, dark))
}

fn side_text(side: &Side, dark: bool) -> RichText {
    match side {
        Side::Decided {
            decision, label, ..
        } => decided_text(*decision, label, dark),
        Side::NotComparable { unknown, .. } => RichText::new(format!("not comparable: {unknown}"))
            .color(theme::decision_color(DecisionType::Warning, dark)),
    }
}

/// Highlights a row's path (B's, else A's) on the canvas, as a test run
/// does: its nodes, the connections between them and the outcome at its
/// last step.
fn show_row(row: &Row, workflow: &Workflow, canvas: &mut Canvas) {
    let (path, side) = match &row.b {
        Some(b) if !row.b_path.is_empty() => (&row.b_path, b),
        _ => (&row.a_path, &row.a),
    };
    canvas.clear_run();
    canvas.highlighted = path.clone();
    canvas.highlighted_edges = path
        .windows(2)
        .filter_map(|pair| {
            let [from, to] = pair else { return None };
            workflow
                .edges
                .iter()
                .find(|e| &e.from == from && &e.to == to)
                .map(|e| (e.from.clone(), e.port, e.to.clone()))
        })
        .collect();
    let result = match side {
        Side::Decided {
            decision, label, ..
        } => StepResult::Decision(*decision, label.clone()),
        Side::NotComparable { unknown, .. } => {
            StepResult::Note(format!("not comparable: {unknown}"))
        }
    };
    let at: Option<&NodeId> = match side {
        Side::NotComparable { node, .. } => Some(node),
        Side::Decided { .. } => path.last(),
    };
    if let Some(at) = at {
        canvas.step_results.insert(at.clone(), result);
    }
}

impl IdflowApp {
    /// Asks the store for what side A needs: the open workflow's versions,
    /// then its last one (the Backtest tab is showing).
    pub(super) fn advance_backtest_basis(&mut self) {
        let Some(key) = self.doc.key() else { return };
        if !matches!(self.doc.source, Source::Store { .. }) {
            return;
        }
        let Some(history) = self.session.versions(key) else {
            return;
        };
        let last = history.last().map(|v| v.number);
        let current = match (&self.backtest.basis, last) {
            (Basis::NoVersion { key: k }, None) => *k == key,
            (
                Basis::Reading { key: k, number }
                | Basis::Ready { key: k, number, .. }
                | Basis::Failed { key: k, number, .. },
                Some(n),
            ) => *k == key && *number == n,
            _ => false,
        };
        if current {
            return;
        }
        self.backtest.basis = match last {
            None => Basis::NoVersion { key },
            Some(number) => {
                self.session.call(
                    Call::Version(key, number),
                    After::BacktestBasis { key, number },
                );
                Basis::Reading { key, number }
            }
        };
    }

    /// The last published version arrived (or did not).
    pub(super) fn backtest_basis(&mut self, key: u32, number: u32, read: Result<Workflow, String>) {
        let asked = matches!(
            self.backtest.basis,
            Basis::Reading { key: k, number: n } if k == key && n == number
        );
        if !asked {
            return;
        }
        self.backtest.basis = match read {
            Ok(workflow) => Basis::Ready {
                key,
                number,
                workflow: Box::new(workflow),
            },
            Err(message) => Basis::Failed {
                key,
                number,
                message,
            },
        };
    }
}
