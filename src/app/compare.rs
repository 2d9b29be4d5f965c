//! Compare mode: two versions of the open workflow (or a version and the
//! draft) side by side in one picture. The canvas shows the newer side with
//! added, removed (ghosted) and changed steps marked; the right-hand panel
//! lists the changes (next/previous, a click centres the step), shows a
//! selected step before and after, and a Behaviour tab lists the scenarios
//! decided differently. Read-only, on its own document and canvas: the
//! draft and its undo history are not touched.

use egui::{RichText, Ui};
use idflow_core::Workflow;
use idflow_core::diff::{BehaviourRow, ChangeLine, Diff, Mark, behaviour_diff, diff, fields};
use idflow_core::model::NodeId;
use idflow_view::{theme, words};

use super::canvas::Canvas;
use super::replies::After;
use super::session::Session;
use crate::document::{Document, Source};

/// One side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Version(u32),
    /// The draft as it is open (unsaved edits included).
    Draft,
}

impl Side {
    pub fn words(self) -> String {
        match self {
            Side::Version(n) => format!("v{n}"),
            Side::Draft => "draft".to_owned(),
        }
    }

    /// Older first: versions by number, the draft last.
    fn order(self) -> u64 {
        match self {
            Side::Version(n) => u64::from(n),
            Side::Draft => u64::MAX,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareTab {
    Changes,
    Behaviour,
}

/// The two sides being read (older first).
pub struct Loading {
    pub key: u32,
    pub sides: [Side; 2],
    /// The draft as open (unsaved edits included) for a Draft side;
    /// `None`: the stored draft is read.
    pub draft: Option<Workflow>,
}

pub struct Compare {
    pub key: u32,
    pub a: Side,
    pub b: Side,
    pub before: Workflow,
    pub after: Workflow,
    pub changes: Diff,
    pub lines: Vec<ChangeLine>,
    pub behaviour: Vec<BehaviourRow>,
    /// The newer side, with the removed steps (and their connections) put
    /// back to be drawn ghosted.
    pub doc: Document,
    pub canvas: Canvas,
    /// The change list's current line.
    pub current: Option<usize>,
    pub tab: CompareTab,
}

impl Compare {
    fn new(key: u32, a: (Side, Workflow), b: (Side, Workflow)) -> Compare {
        let changes = diff(&a.1, &b.1);
        let behaviour = behaviour_diff(&a.1, &b.1);
        let mut shown = b.1.clone();
        for removed in &changes.steps.removed {
            if let Some(node) = a.1.nodes.iter().find(|n| n.id.as_str() == removed.id) {
                shown.nodes.push(node.clone());
            }
        }
        let ghost = |id: &NodeId| changes.steps.removed.iter().any(|s| s.id == id.as_str());
        for edge in &a.1.edges {
            if (ghost(&edge.from) || ghost(&edge.to)) && !shown.edges.contains(edge) {
                shown.edges.push(edge.clone());
            }
        }
        let number = match b.0 {
            Side::Version(n) => n,
            Side::Draft => 0,
        };
        let doc = Document::open(shown, Source::Version { key, number });
        let mut canvas = Canvas::default();
        for node in &doc.workflow().nodes {
            if let Some(mark) = changes.mark_of(node.id.as_str()) {
                canvas.marks.insert(node.id.clone(), mark);
            }
        }
        canvas.request_fit();
        let mut lines = changes.lines();
        lines.extend(changes.layout_lines());
        Compare {
            key,
            a: a.0,
            b: b.0,
            before: a.1,
            after: b.1,
            changes,
            lines,
            behaviour,
            doc,
            canvas,
            current: None,
            tab: CompareTab::Changes,
        }
    }

    /// "v1 → v2".
    pub fn title(&self) -> String {
        format!("{} → {}", self.a.words(), self.b.words())
    }

    /// Makes line `index` current: selects its step and centres it.
    pub fn go_to(&mut self, index: usize) {
        let Some(line) = self.lines.get(index) else {
            return;
        };
        self.current = Some(index);
        if let Some(step) = &line.step {
            let id = NodeId::new(step.clone());
            self.doc.selection.nodes = [id.clone()].into_iter().collect();
            self.canvas.focus_node(&self.doc, &id);
        }
    }

    pub fn step(&mut self, forward: bool) {
        if self.lines.is_empty() {
            return;
        }
        let last = self.lines.len() - 1;
        let next = match (self.current, forward) {
            (None, true) => 0,
            (None, false) => last,
            (Some(i), true) => (i + 1).min(last),
            (Some(i), false) => i.saturating_sub(1),
        };
        self.go_to(next);
    }
}

/// Compare mode: the two sides being read, then shown.
#[derive(Default)]
pub struct ComparePanel {
    loading: Option<Loading>,
    shown: Option<Box<Compare>>,
}

impl ComparePanel {
    /// The comparison shown, once both sides are read.
    pub fn shown(&self) -> Option<&Compare> {
        self.shown.as_deref()
    }

    pub fn shown_mut(&mut self) -> Option<&mut Compare> {
        self.shown.as_deref_mut()
    }

    /// Starts comparing two sides of `doc`'s workflow; versions are read
    /// from the store, the draft is the document as open (or, while a
    /// version is open, the draft set aside: `parked`).
    pub fn start(
        &mut self,
        first: Side,
        second: Side,
        doc: &Document,
        parked: Option<&Document>,
        session: &mut Session<After>,
    ) -> Result<(), String> {
        let Some(key) = doc.key() else { return Ok(()) };
        let sides = if first.order() <= second.order() {
            [first, second]
        } else {
            [second, first]
        };
        let draft = match (&doc.source, parked) {
            (Source::Store { .. }, _) => Some(doc.workflow().clone()),
            (_, Some(parked)) => Some(parked.workflow().clone()),
            _ => None,
        };
        // A stored draft is read as it is now.
        session.forget_drafts();
        self.loading = Some(Loading { key, sides, draft });
        self.advance(session)
    }

    /// While the sides are read: compares them once both are there; says
    /// why not when one could not be read (and stops).
    pub fn advance(&mut self, session: &mut Session<After>) -> Result<(), String> {
        let Some(loading) = &self.loading else {
            return Ok(());
        };
        let key = loading.key;
        let mut ready = true;
        for side in loading.sides {
            let failure = match side {
                Side::Draft if loading.draft.is_some() => continue,
                Side::Draft => {
                    let read = session.draft(key);
                    ready &= read.ready().is_some();
                    read.failure().map(str::to_owned)
                }
                Side::Version(number) => {
                    let read = session.version(key, number);
                    ready &= read.ready().is_some();
                    read.failure().map(str::to_owned)
                }
            };
            if let Some(message) = failure {
                self.loading = None;
                return Err(format!("Not compared: {message}"));
            }
        }
        if !ready {
            return Ok(());
        }
        let Some(Loading { key, sides, draft }) = self.loading.take() else {
            return Ok(());
        };
        let mut read = sides.map(|side| match side {
            Side::Draft => match &draft {
                Some(workflow) => Some(workflow.clone()),
                None => session.draft(key).ready().map(|d| d.workflow.clone()),
            },
            Side::Version(number) => session
                .version(key, number)
                .ready()
                .map(|w| w.as_ref().clone()),
        });
        if let [Some(before), Some(after)] = [read[0].take(), read[1].take()] {
            let [a, b] = sides;
            self.shown = Some(Box::new(Compare::new(key, (a, before), (b, after))));
        }
        Ok(())
    }

    pub fn exit(&mut self) {
        self.shown = None;
        self.loading = None;
    }

    /// The bar above the compared canvas.
    pub fn banner(&mut self, ui: &mut Ui) {
        let Some(compare) = self.shown.as_ref() else {
            return;
        };
        let mut exit = false;
        egui::Frame::new()
            .fill(ui.visuals().faint_bg_color)
            .inner_margin(egui::Margin::symmetric(10, 6))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "Comparing {} of {} · read-only",
                            compare.title(),
                            compare.key
                        ))
                        .strong(),
                    );
                    for mark in [Mark::Added, Mark::Changed, Mark::Removed] {
                        ui.label(
                            RichText::new(words::mark_words(mark))
                                .color(theme::mark_color(mark, ui.visuals().dark_mode)),
                        );
                    }
                    if ui.button("Exit compare").clicked() {
                        exit = true;
                    }
                });
            });
        if exit {
            self.exit();
        }
    }
}

/// The right-hand panel in compare mode.
pub fn panel(compare: &mut Compare, ui: &mut Ui) {
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.selectable_value(&mut compare.tab, CompareTab::Changes, "Changes");
        let behaviour = format!("Behaviour ({})", compare.behaviour.len());
        ui.selectable_value(&mut compare.tab, CompareTab::Behaviour, behaviour);
    });
    ui.separator();
    match compare.tab {
        CompareTab::Changes => changes(compare, ui),
        CompareTab::Behaviour => behaviour(compare, ui),
    }
}

fn changes(compare: &mut Compare, ui: &mut Ui) {
    let count = compare.lines.len();
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{count} change(s)")).strong());
        if ui
            .add_enabled(count > 0, egui::Button::new("◀ Previous"))
            .clicked()
        {
            compare.step(false);
        }
        if ui
            .add_enabled(count > 0, egui::Button::new("Next ▶"))
            .clicked()
        {
            compare.step(true);
        }
    });
    let mut go_to = None;
    egui::ScrollArea::vertical()
        .id_salt("compare_changes")
        .max_height(ui.available_height() * 0.5)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if count == 0 {
                ui.label(RichText::new("The two are the same.").weak());
            }
            for (i, line) in compare.lines.iter().enumerate() {
                let current = compare.current == Some(i);
                let text = RichText::new(&line.text).small();
                // The mark's colour, except on the selection's own colour.
                let text = if current {
                    text.strong()
                } else {
                    text.color(theme::mark_color(line.mark, ui.visuals().dark_mode))
                };
                if ui.selectable_label(current, text).clicked() {
                    go_to = Some(i);
                }
            }
        });
    if let Some(i) = go_to {
        compare.go_to(i);
    }
    ui.separator();
    before_after(compare, ui);
}

/// The selected step on each side, field by field.
fn before_after(compare: &Compare, ui: &mut Ui) {
    let Some(id) = compare.doc.selection.nodes.iter().next() else {
        ui.label(RichText::new("Select a step to see it before and after.").weak());
        return;
    };
    let find = |w: &Workflow| w.nodes.iter().find(|n| &n.id == id).map(fields);
    let (before, after) = (find(&compare.before), find(&compare.after));
    let title = compare
        .doc
        .node(id)
        .map(|n| n.title.clone())
        .unwrap_or_default();
    ui.label(RichText::new(format!("{title} ({id})")).strong());
    let state = match compare.changes.mark_of(id.as_str()) {
        Some(Mark::Added) => format!("Added in {}", compare.b.words()),
        Some(Mark::Removed) => format!("Removed in {}", compare.b.words()),
        Some(Mark::Changed) => "Changed".to_owned(),
        Some(Mark::Moved) => "Moved only".to_owned(),
        None => "Unchanged".to_owned(),
    };
    ui.label(RichText::new(state).weak());
    ui.add_space(theme::SPACING * 0.5);
    let names: Vec<&str> = after
        .iter()
        .chain(before.iter())
        .flatten()
        .map(|(f, _)| *f)
        .fold(Vec::new(), |mut names, f| {
            if !names.contains(&f) {
                names.push(f);
            }
            names
        });
    let value = |side: &Option<Vec<(&'static str, String)>>, field: &str| {
        side.as_ref()
            .and_then(|list| list.iter().find(|(f, _)| *f == field))
            .map_or_else(|| "—".to_owned(), |(_, v)| v.clone())
    };
    let dark = ui.visuals().dark_mode;
    egui::ScrollArea::vertical()
        .id_salt("compare_fields")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            // One field under another: a narrow panel keeps lists legible.
            for field in names {
                let (b, a) = (value(&before, field), value(&after, field));
                ui.label(RichText::new(field).small().weak());
                if b == a {
                    ui.add(egui::Label::new(a).wrap());
                } else {
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{}: {b}", compare.a.words()))
                                .color(theme::mark_color(Mark::Removed, dark)),
                        )
                        .wrap(),
                    )
                    .on_hover_text(format!("Before ({})", compare.a.words()));
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{}: {a}", compare.b.words()))
                                .color(theme::mark_color(Mark::Added, dark))
                                .strong(),
                        )
                        .wrap(),
                    )
                    .on_hover_text(format!("After ({})", compare.b.words()));
                }
                ui.add_space(4.0);
            }
        });
}

fn behaviour(compare: &Compare, ui: &mut Ui) {
    if compare.behaviour.is_empty() {
        ui.label(RichText::new("Every scenario is decided as before.").weak());
        return;
    }
    ui.label(
        RichText::new(format!(
            "{} scenario(s) decided differently",
            compare.behaviour.len()
        ))
        .strong(),
    );
    let dark = ui.visuals().dark_mode;
    egui::ScrollArea::vertical()
        .id_salt("compare_behaviour")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            for row in &compare.behaviour {
                ui.label(RichText::new(&row.scenario).small().strong());
                ui.label(
                    RichText::new(format!("{}: {}", compare.a.words(), row.a.words()))
                        .small()
                        .color(theme::mark_color(Mark::Removed, dark)),
                );
                ui.label(
                    RichText::new(format!("{}: {}", compare.b.words(), row.b.words()))
                        .small()
                        .color(theme::mark_color(Mark::Added, dark)),
                );
                ui.add_space(4.0);
            }
        });
}
