//! The Review tab: the draft's comments (on steps and on the workflow),
//! open or resolved; a click centres a comment's step; a field adds one on
//! the selected step or the workflow. Comments live beside the draft in the
//! store, never in the workflow.

use egui::{RichText, Ui};
use idflow_core::model::NodeId;
use idflow_view::theme;

use super::calls::Action;
use super::canvas::Canvas;
use super::panel::{Cx, View};
use super::replies::After;
use super::session::{Requested, Session};
use crate::document::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    #[default]
    Open,
    Resolved,
    All,
}

#[derive(Default)]
pub struct ReviewPanel {
    pub filter: Filter,
    pub draft: String,
}

impl View for ReviewPanel {
    fn ui(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        self.show(ui, cx);
    }
}

/// Open comments per step, as last read, for the cards' badges.
pub fn comment_badges(doc: &Document, session: &Session<After>, canvas: &mut Canvas) {
    canvas.comments.clear();
    let Some(key) = doc.key() else { return };
    for c in session.known_comments(key) {
        if let Some(step) = &c.step
            && !c.resolved
            && c.version.is_none()
        {
            *canvas
                .comments
                .entry(NodeId::new(step.clone()))
                .or_default() += 1;
        }
    }
}

impl ReviewPanel {
    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        let Some(key) = cx.doc.key() else {
            ui.label(
                RichText::new(
                    "Comments are kept with a stored workflow: save this file to the store first.",
                )
                .weak(),
            );
            return;
        };
        // Shown as last read while they are read again; none when they could
        // not be read (a toast said why).
        let comments = match cx.session.comments(key) {
            Requested::Ready(list) | Requested::Pending(Some(list)) => Some(list.clone()),
            Requested::Failed(_) => Some(Vec::new()),
            Requested::Pending(None) => None,
        };
        let selected = cx.doc.selection.nodes.iter().next().cloned();
        let mut centre = None;
        let mut change = None;
        let mut add = None;
        ui.horizontal(|ui| {
            let panel = &mut *self;
            ui.selectable_value(&mut panel.filter, Filter::Open, "Open");
            ui.selectable_value(&mut panel.filter, Filter::Resolved, "Resolved");
            ui.selectable_value(&mut panel.filter, Filter::All, "All");
            ui.separator();
            let target = match &selected {
                Some(id) => format!("Comment on {id}"),
                None => "Comment on the workflow".to_owned(),
            };
            let label = ui.label(RichText::new(&target).weak());
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut panel.draft)
                        .hint_text("what to check, ask or change")
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let ready = !panel.draft.trim().is_empty();
            if (ui
                .add_enabled(ready, egui::Button::new("Add comment"))
                .on_hover_text(target)
                .clicked()
                || enter)
                && ready
            {
                add = Some(std::mem::take(&mut panel.draft));
            }
        });
        ui.add_space(theme::SPACING * 0.5);
        let Some(comments) = comments else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new("Reading the comments…").weak());
            });
            return;
        };
        let filter = self.filter;
        let shown: Vec<_> = comments
            .iter()
            .filter(|c| match filter {
                Filter::Open => !c.resolved,
                Filter::Resolved => c.resolved,
                Filter::All => true,
            })
            .collect();
        if shown.is_empty() {
            ui.label(RichText::new("No comments here.").weak());
        }
        egui::ScrollArea::vertical()
            .id_salt("review_comments")
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for c in shown {
                    ui.horizontal_wrapped(|ui| {
                        let place = c.step.clone().unwrap_or_else(|| "workflow".to_owned());
                        if ui
                            .link(RichText::new(format!("#{} · {place}", c.id)).strong())
                            .on_hover_text("Show it on the canvas")
                            .clicked()
                        {
                            centre = c.step.clone();
                        }
                        // The time on hover: the list stays short (and the same
                        // picture every day).
                        ui.label(RichText::new(&c.author).small().weak())
                            .on_hover_text(format!("{} at {}", c.author, c.at));
                        ui.label(&c.text);
                        match c.version {
                            Some(v) => {
                                ui.label(
                                    RichText::new(format!("in v{v} · read-only")).small().weak(),
                                );
                            }
                            None => {
                                let label = if c.resolved { "Reopen" } else { "Resolve" };
                                if ui.small_button(label).clicked() {
                                    change = Some((c.id, !c.resolved));
                                }
                            }
                        }
                        if c.resolved {
                            ui.label(
                                RichText::new("✔ resolved")
                                    .small()
                                    .color(theme::highlight_color(ui.visuals().dark_mode)),
                            );
                        }
                    });
                }
            });
        if let Some(step) = centre {
            let id = NodeId::new(step);
            if cx.doc.node(&id).is_some() {
                cx.doc.selection.nodes = [id.clone()].into_iter().collect();
                cx.canvas.focus_node(cx.doc, &id);
            }
        }
        if let Some((id, resolved)) = change {
            cx.act(Action::SetResolved { key, id, resolved });
        }
        if let Some(text) = add {
            cx.act(Action::AddComment {
                key,
                step: selected.map(|id| id.to_string()),
                text,
            });
        }
    }
}
