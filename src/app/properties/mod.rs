//! The properties panel: every setting of the selected node, domain-aware.
//!
//! The panel never mutates the workflow. Each frame it clones the selected
//! node into a draft, lets the widgets change the draft, and, if anything
//! changed, applies one `Command::SetNode(draft)`: through `Document::apply`
//! for discrete edits (a checkbox, a combo box, a button) and through
//! `Document::apply_gesture` for continuous ones (typing, a slider drag), so
//! that one typing session or one drag is one undo step.
//!
//! With nothing selected it edits the workflow's name and description
//! (`Command::SetMeta`); with several nodes selected, the fields they share
//! (one `Command::Batch`).

mod acquisition;
mod decision;
mod findings;
mod multi;
mod note;
mod risk;
mod service;
mod signal;
mod terminal;
mod widgets;
mod workflow;

#[cfg(test)]
mod tests;

use std::hash::{DefaultHasher, Hash, Hasher};

use egui::{Response, RichText, Ui};
use idflow_core::lint::Finding;
use idflow_core::model::{Capability, Node, NodeId, NodeKind};
use idflow_view::theme;

use crate::document::{Command, Document, Source};

/// The properties panel's own UI state (never workflow data).
#[derive(Debug, Default)]
pub struct PropertiesPanel {
    /// A pending dependency offer under a service's capability checkboxes.
    offer: Option<service::Offer>,
    /// Bumped whenever a continuous edit starts (a text field gains focus, a
    /// drag starts), so two typing sessions on one field are two undo steps.
    epoch: u64,
    /// The raw text of a list field being typed in (countries), so that
    /// "USA, " is not normalised away mid-typing.
    text_buffer: Option<(egui::Id, String)>,
    /// Why the last edit was refused, until the app shows it (a toast: a
    /// line inserted in the panel would move the fields under the pointer).
    error: Option<String>,
    /// Enter on the canvas: the keyboard goes to the selected step's first
    /// field (its title) on the next frame.
    pub focus_requested: bool,
}

/// How the draft's changes are applied at the end of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Commit {
    /// A discrete edit: one undo step of its own.
    Step,
    /// A continuous edit: merges with the edits of the same gesture.
    Gesture(u64),
}

/// What a section of the node editor needs besides the settings it edits.
struct Ctx<'a> {
    panel: &'a mut PropertiesPanel,
    node_id: NodeId,
    findings: &'a [Finding],
    /// The fields whose findings have a slot in the panel this frame.
    shown: Vec<&'static str>,
    commit: Option<Commit>,
}

impl Ctx<'_> {
    /// Records a discrete edit of the draft.
    fn step(&mut self) {
        self.commit = Some(Commit::Step);
    }

    /// Tracks a continuous widget: starts a new gesture when it gains focus
    /// or a drag starts, and records an edit under that gesture when it
    /// changed. Returns whether it changed.
    fn continuous(&mut self, response: &Response, field: &str) -> bool {
        if response.gained_focus() || response.drag_started() {
            self.panel.epoch = self.panel.epoch.wrapping_add(1);
        }
        if !response.changed() {
            return false;
        }
        if self.commit.is_none() {
            let gesture = self.panel.gesture_id(self.node_id.as_str(), field);
            self.commit = Some(Commit::Gesture(gesture));
        }
        true
    }

    /// The slot for the findings about some of the node's fields, under
    /// the setting that edits them.
    fn inline_findings(&mut self, ui: &mut Ui, fields: &[&'static str]) {
        self.shown.extend_from_slice(fields);
        findings::slot(ui, self.findings, fields);
    }
}

impl PropertiesPanel {
    /// Shows the selected node's settings (or the workflow's name/description when nothing is selected, or shared fields for a multi-selection) and applies edits to `doc` as commands.
    pub fn ui(&mut self, ui: &mut egui::Ui, doc: &mut Document) {
        let read_only = doc.read_only();
        egui::ScrollArea::vertical()
            .id_salt("properties_panel")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                ui.spacing_mut().item_spacing.y = theme::SPACING * 0.75;
                if read_only {
                    read_only_banner(ui, doc);
                    ui.add_space(theme::SPACING);
                }
                ui.add_enabled_ui(!read_only, |ui| self.contents(ui, doc));
                // A request no field took (a note, several steps, a
                // read-only workflow) must not steal the keyboard later.
                self.focus_requested = false;
                ui.add_space(theme::SPACING * 2.0);
            });
    }

    fn contents(&mut self, ui: &mut Ui, doc: &mut Document) {
        let selected: Vec<NodeId> = doc
            .selection
            .nodes
            .iter()
            .filter(|id| doc.node(id).is_some())
            .cloned()
            .collect();
        let single_note = (selected.is_empty() && doc.selection.notes.len() == 1)
            .then(|| doc.selection.notes.first().cloned())
            .flatten();
        match selected.as_slice() {
            [] if single_note.is_some() => {
                self.offer = None;
                if let Some(id) = single_note {
                    note::ui(self, ui, doc, &id);
                }
            }
            [] => {
                self.offer = None;
                workflow::ui(self, ui, doc);
            }
            [id] => self.node_ui(ui, doc, id),
            ids => {
                self.offer = None;
                multi::ui(self, ui, doc, ids);
            }
        }
    }

    fn node_ui(&mut self, ui: &mut Ui, doc: &mut Document, id: &NodeId) {
        let Some(original) = doc.node(id).cloned() else {
            return;
        };
        if self.offer.as_ref().is_some_and(|o| o.node != original.id) {
            self.offer = None;
        }
        let findings: Vec<Finding> = doc.lint().for_node(id).cloned().collect();
        let mut draft = original.clone();
        let commit = {
            let mut ctx = Ctx {
                panel: self,
                node_id: original.id.clone(),
                findings: &findings,
                shown: Vec::new(),
                commit: None,
            };
            header(&mut ctx, ui, &mut draft);
            match &mut draft.kind {
                NodeKind::Acquisition(a) => acquisition::ui(&mut ctx, ui, a),
                NodeKind::Service(s) => service::ui(&mut ctx, ui, s),
                NodeKind::RiskSignal(r) => signal::ui(&mut ctx, ui, r),
                NodeKind::Decision(d) => decision::ui(&mut ctx, ui, d),
                NodeKind::RiskCalculation(r) => {
                    risk::ui(&mut ctx, ui, r, &selected_capabilities(doc))
                }
                NodeKind::Terminal(t) => terminal::ui(&mut ctx, ui, t),
            }
            findings::rest(ui, &findings, &ctx.shown);
            ctx.commit
        };
        if let Some(commit) = commit
            && draft != original
        {
            self.apply(doc, commit, Command::SetNode(draft));
        }
    }

    /// Why the last edit in the panel was refused (taken once).
    pub fn take_refusal(&mut self) -> Option<String> {
        self.error.take()
    }

    /// Applies a command and remembers a refusal to show it.
    fn apply(&mut self, doc: &mut Document, commit: Commit, command: Command) {
        let result = match commit {
            Commit::Step => doc.apply(command),
            Commit::Gesture(gesture) => doc.apply_gesture(gesture, command),
        };
        if let Err(error) = result {
            self.error = Some(error.to_string());
        }
    }

    /// A stable id for one continuous edit of one field of one node.
    fn gesture_id(&self, node: &str, field: &str) -> u64 {
        let mut hasher = DefaultHasher::new();
        ("idflow.properties", node, field, self.epoch).hash(&mut hasher);
        hasher.finish()
    }
}

/// The colour swatch, kind and title of the node, and its id.
fn header(ctx: &mut Ctx<'_>, ui: &mut Ui, node: &mut Node) {
    let tag = node.kind.tag();
    let color = theme::category_color(tag, ui.visuals().dark_mode);
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
        ui.painter().rect_filled(rect, 3.0, color);
        ui.label(
            RichText::new(format!(
                "{}  {}",
                theme::category_icon(tag),
                idflow_view::words::kind_name(&node.kind)
            ))
            .strong()
            .size(16.0),
        );
    });
    ui.add_space(theme::SPACING * 0.5);
    widgets::grid("properties_header").show(ui, |ui| {
        widgets::row(ui, "Title", |ui, label| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut node.title)
                        .id_salt(("title", node.id.as_str()))
                        .hint_text(idflow_view::words::kind_name(&node.kind))
                        .desired_width(widgets::field_width(ui)),
                )
                .labelled_by(label.id)
                .on_hover_text("What the canvas card shows; empty shows the kind's name.");
            if std::mem::take(&mut ctx.panel.focus_requested) {
                response.request_focus();
            }
            ctx.continuous(&response, "title");
        });
        widgets::row(ui, "Node id", |ui, label| {
            ui.add(
                egui::Label::new(RichText::new(node.id.as_str()).monospace().weak())
                    .selectable(true),
            )
            .labelled_by(label.id)
            .on_hover_text("The node's stable identity (edges and conditions refer to it).");
        });
    });
}

fn read_only_banner(ui: &mut Ui, doc: &Document) {
    let what = match &doc.source {
        Source::Version { number, .. } => format!("Published version {number} is read-only"),
        _ => "This global workflow is read-only".to_owned(),
    };
    let color = theme::severity_color(idflow_core::lint::Severity::Info, ui.visuals().dark_mode);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .inner_margin(theme::SPACING)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("🔒 {what}: duplicate it to customise.")).color(color));
        });
}

/// Every capability selected by a service or risk-signal step, in catalog
/// order (an approximation of "runs upstream" for default risk weights).
fn selected_capabilities(doc: &Document) -> Vec<Capability> {
    let mut capabilities: Vec<Capability> = doc
        .workflow()
        .nodes
        .iter()
        .flat_map(|n| match &n.kind {
            NodeKind::Service(s) => s.capabilities.clone(),
            NodeKind::RiskSignal(r) => vec![r.signal.capability()],
            _ => Vec::new(),
        })
        .collect();
    capabilities.sort();
    capabilities.dedup();
    capabilities
}
