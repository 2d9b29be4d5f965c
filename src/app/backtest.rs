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
use std::sync::Arc;

use egui::{RichText, Ui};
use idflow_core::backtest::{self, Keep, Report, Row, Side, Sides};
use idflow_core::model::{DecisionType, NodeId, Workflow};
use idflow_view::theme;

use super::canvas::{Canvas, StepResult};
use super::jobs::{Ended, Job, Wake};
use super::replies::After;
use super::session::{Requested, Session};
use crate::document::{Document, Source};

/// Notable rows kept of each kind (disagreeing, changed, not comparable,
/// score differing).
const ROWS_KEPT: usize = 5000;

/// Which workflow a side replays through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The open workflow's last published version (side A by default).
    LatestVersion,
    Version(u32),
    /// The open draft (side B by default).
    Draft,
    /// No second side (B only): A alone.
    Nothing,
}

/// The open workflow's published versions: their numbers (from its
/// history) and, as the session has them this frame, the ones the sides
/// need.
#[derive(Clone, Default)]
pub struct Versions {
    pub key: Option<u32>,
    /// `None` until the history is known.
    pub numbers: Option<Vec<u32>>,
    pub read: std::collections::BTreeMap<u32, Requested<Arc<Workflow>>>,
}

/// A backtest running on its thread (dropping it cancels it: nobody
/// waits for the report any more).
struct Running {
    job: Job<Report>,
    labels: (String, Option<String>),
    revision: u64,
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
    /// first, then the same decision with another score, then changed,
    /// then not comparable.
    pub notable: Vec<usize>,
}

pub struct BacktestPanel {
    /// A file or folder of retrieval documents (typed, pasted or picked).
    pub path: String,
    /// What sides A and B replay through.
    pub a: Choice,
    pub b: Choice,
    pub versions: Versions,
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
            a: Choice::LatestVersion,
            b: Choice::Draft,
            versions: Versions::default(),
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
        self.versions = Versions::default();
        self.a = Choice::LatestVersion;
        self.b = Choice::Draft;
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
        match running.job.try_next() {
            Ok(Some(report)) => {
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
            Ok(None) => {}
            Err(Ended) => {
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
        let a = match self.side(self.a, doc)? {
            Some(a) => a,
            // Never published: the draft runs alone.
            None => return Ok((open, None, "Draft".to_owned(), None)),
        };
        let b = self.side(self.b, doc)?;
        let (b, b_label) = match b {
            Some((workflow, label)) => (Some(workflow), Some(label)),
            None => (None, None),
        };
        Ok((a.0, b, a.1, b_label))
    }

    /// The last published version's number, once the history is known
    /// (`Ok(None)`: never published).
    fn latest(&self) -> Result<Option<u32>, String> {
        match &self.versions.numbers {
            Some(numbers) => Ok(numbers.last().copied()),
            None => Err("Reading the versions…".to_owned()),
        }
    }

    /// What a choice names now: the workflow and its label, `None` for no
    /// workflow (nothing published, or no second side), or why not yet.
    fn side<'a>(
        &'a self,
        choice: Choice,
        doc: &'a Document,
    ) -> Result<Option<(&'a Workflow, String)>, String> {
        let (number, latest) = match choice {
            Choice::Draft => return Ok(Some((doc.workflow(), "Draft".to_owned()))),
            Choice::Nothing => return Ok(None),
            Choice::LatestVersion => match self.latest()? {
                Some(number) => (number, true),
                None => return Ok(None),
            },
            Choice::Version(number) => (number, false),
        };
        let label = if latest {
            format!("Published v{number}")
        } else {
            format!("v{number}")
        };
        match self.versions.read.get(&number) {
            Some(Requested::Ready(workflow)) => Ok(Some((workflow.as_ref(), label))),
            Some(Requested::Failed(message)) => Err(format!("{label} not read: {message}")),
            Some(Requested::Pending(_)) | None => Err(format!("Reading {label}…")),
        }
    }

    /// The version numbers the chosen sides need read.
    fn wanted(&self) -> Vec<u32> {
        [self.a, self.b]
            .into_iter()
            .filter_map(|choice| match choice {
                Choice::LatestVersion => self.latest().ok().flatten(),
                Choice::Version(n) => Some(n),
                Choice::Draft | Choice::Nothing => None,
            })
            .collect()
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
        let ctx = ui.ctx().clone();
        let wake = Wake::new(move || ctx.request_repaint());
        let spawned = Job::spawn("backtest", &wake, move |job| {
            let inputs = backtest::source::inputs(&[path]);
            // Only notable rows are listed; keeping a bounded number of
            // each kind keeps a month of traffic from filling memory.
            let report = backtest::run_with(
                Sides::new(&a, b.as_ref()),
                inputs,
                job.cancel_flag(),
                |n| job.progress(n),
                Keep::Notable {
                    per_kind: ROWS_KEPT,
                },
                |_| {},
            );
            job.send(report);
        });
        let job = match spawned {
            Ok(job) => job,
            Err(e) => {
                self.failure = Some(format!("The backtest did not start: {e}"));
                return;
            }
        };
        self.running = Some(Running {
            job,
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
        if matches!(doc.source, Source::Store { .. }) && self.running.is_none() {
            self.choices_ui(ui);
        }
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
                        Source::Store { .. } if self.b == Choice::Nothing => " alone",
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
                let n = running.job.progress();
                ui.label(format!("{n} documents replayed…"));
                if ui.button("Cancel").clicked() {
                    running.job.cancel();
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

    /// Side A and side B: any published version or the draft (B: also
    /// nothing, for A alone).
    fn choices_ui(&mut self, ui: &mut Ui) {
        let numbers = self.versions.numbers.clone().unwrap_or_default();
        let latest = numbers.last().copied();
        let name = |choice: Choice| match choice {
            Choice::LatestVersion => match latest {
                Some(n) => format!("Published v{n}"),
                None => "Published (none yet)".to_owned(),
            },
            Choice::Version(n) => format!("v{n}"),
            Choice::Draft => "Draft".to_owned(),
            Choice::Nothing => "Nothing (A alone)".to_owned(),
        };
        let mut options = vec![Choice::LatestVersion];
        options.extend(numbers.iter().rev().map(|&n| Choice::Version(n)));
        options.push(Choice::Draft);
        ui.horizontal(|ui| {
            for (side, title, nothing) in [
                ("A", "backtest_side_a", false),
                ("B", "backtest_side_b", true),
            ] {
                let label = ui.label(format!("Side {side}"));
                let current = if side == "A" { self.a } else { self.b };
                let mut picked = current;
                egui::ComboBox::from_id_salt(title)
                    .selected_text(name(current))
                    .show_ui(ui, |ui| {
                        for &option in options.iter().chain(nothing.then_some(&Choice::Nothing)) {
                            ui.selectable_value(&mut picked, option, name(option));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if picked != current {
                    if side == "A" {
                        self.a = picked;
                    } else {
                        self.b = picked;
                    }
                }
            }
        });
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
            report.agreement.score_differs,
            report.changed(),
            report.not_comparable,
        ]
        .iter()
        .any(|&n| n > ROWS_KEPT);
        ui.label(
            RichText::new(format!(
                "{} notable {} (disagreeing, score differing, changed, not comparable){}",
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
                        let mut recorded =
                            decided_text(row.recorded.decision, &row.recorded.label, dark);
                        let mut a = side_text(&row.a, dark);
                        // The same decision with another score: both scores.
                        if row.score_differs
                            && let (
                                Some(recorded_score),
                                Side::Decided {
                                    decision,
                                    label,
                                    score,
                                    ..
                                },
                            ) = (row.recorded.score, &row.a)
                        {
                            let scored = |d: DecisionType, l: &str, s: i16| {
                                let text = decided_text(d, l, dark);
                                RichText::new(format!("{} · score {s}", text.text()))
                                    .color(theme::decision_color(d, dark))
                            };
                            recorded =
                                scored(row.recorded.decision, &row.recorded.label, recorded_score);
                            a = scored(*decision, label, *score);
                        }
                        ui.add_sized(
                            [widths[1], row_height],
                            egui::Label::new(recorded).truncate(),
                        );
                        ui.add_sized([widths[2], row_height], egui::Label::new(a).truncate());
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
            "{}: {p:.1} % agree with the recorded decision and label ({} of {} compared; {} of them same decision, score differs)",
            finished.a_label, agreement.agreed, agreement.compared, agreement.score_differs
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
                    .on_hover_text(top_reasons(&report.a.reasons));
                if let Some(b) = b {
                    ui.label(b.not_comparable.to_string())
                        .on_hover_text(top_reasons(&b.reasons));
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
                    top_reasons(&side.reasons)
                ))
                .weak(),
            );
        }
    }
}

/// The three most frequent reasons a side was not comparable.
fn top_reasons(counts: &std::collections::BTreeMap<String, usize>) -> String {
    let mut reasons: Vec<(&String, &usize)> = counts.iter().collect();
    reasons.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let top: Vec<String> = reasons
        .iter()
        .take(3)
        .map(|(why, n)| format!("{why} ×{n}"))
        .collect();
    if top.is_empty() {
        "none".to_owned()
    } else {
        top.join(", ")
    }
}

/// Disagreements first, then the same decision with another score, then
/// changed, then not comparable; in input order within each.
fn notable(report: &Report) -> Vec<usize> {
    let mut rows: Vec<(u8, usize)> = report
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.notable())
        .map(|(i, r)| {
            let rank = if r.disagrees {
                0
            } else if r.score_differs {
                1
            } else if r.changed {
                2
            } else {
                3
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
        why.push("disagrees with the recorded decision".to_owned());
    }
    if row.score_differs {
        let a = match &row.a {
            Side::Decided { score, .. } => score.to_string(),
            Side::NotComparable { .. } => "-".to_owned(),
        };
        let recorded = row.recorded.score.map_or("-".to_owned(), |s| s.to_string());
        why.push(format!(
            "same decision, score differs (recorded {recorded}, A {a})"
        ));
    }
    if row.changed {
        why.push("decision changed".to_owned());
    }
    if matches!(row.a, Side::NotComparable { .. })
        || matches!(row.b, Some(Side::NotComparable { .. }))
    {
        why.push("not comparable".to_owned());
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
        Side::NotComparable { reason, .. } => RichText::new(format!("not comparable: {reason}"))
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
        Side::NotComparable { reason, .. } => StepResult::Note(format!("not comparable: {reason}")),
    };
    let at: Option<&NodeId> = match side {
        Side::NotComparable { node, .. } => Some(node),
        Side::Decided { .. } => path.last(),
    };
    if let Some(at) = at {
        canvas.step_results.insert(at.clone(), result);
    }
}

impl BacktestPanel {
    /// Looks up what the chosen sides need (asked of the store on first
    /// use): the open workflow's versions, then each chosen version (the
    /// Backtest tab is showing).
    pub fn look_up_sides(&mut self, doc: &Document, session: &mut Session<After>) {
        let Some(key) = doc.key() else { return };
        if !matches!(doc.source, Source::Store { .. }) {
            return;
        }
        let Some(history) = session.versions(key) else {
            return;
        };
        let numbers: Vec<u32> = history.iter().map(|v| v.number).collect();
        if self.versions.key != Some(key) {
            self.versions = Versions {
                key: Some(key),
                ..Versions::default()
            };
        }
        self.versions.numbers = Some(numbers);
        for number in self.wanted() {
            let read = session.version(key, number).clone();
            self.versions.read.insert(number, read);
        }
    }
}
