//! A selected sticky note: its text, its size, and Delete.

use egui::{RichText, Ui};
use idflow_core::model::NoteSize;

use super::{Commit, PropertiesPanel, widgets};
use crate::document::{Command, Document};

pub(super) fn ui(panel: &mut PropertiesPanel, ui: &mut Ui, doc: &mut Document, id: &str) {
    let Some(original) = doc.workflow().notes.iter().find(|n| n.id == id).cloned() else {
        return;
    };
    ui.label(RichText::new("📝  Note").strong().size(16.0));
    widgets::help(
        ui,
        "A sticky note for the people reading the workflow; the platform ignores it.",
    );
    let mut note = original.clone();
    let mut size = note.size();
    let mut commit = None;
    widgets::section(ui, "Note");
    widgets::grid("note_fields").show(ui, |ui| {
        widgets::row(ui, "Text", |ui, label| {
            let response = ui
                .add(
                    egui::TextEdit::multiline(&mut note.text)
                        .id_salt(("note_text", id))
                        .hint_text("Type a note…")
                        .desired_rows(5)
                        .desired_width(widgets::field_width(ui)),
                )
                .labelled_by(label.id);
            commit = commit.or(panel.field_gesture(&response, id, "text"));
        });
        let dimensions = [
            (
                "Width",
                "width",
                &mut size.width,
                NoteSize::MIN.width..=NoteSize::MAX.width,
            ),
            (
                "Height",
                "height",
                &mut size.height,
                NoteSize::MIN.height..=NoteSize::MAX.height,
            ),
        ];
        for (title, field, value, range) in dimensions {
            widgets::row(ui, title, |ui, label| {
                let response = ui
                    .add(egui::DragValue::new(value).range(range).speed(2.0))
                    .labelled_by(label.id);
                commit = commit.or(panel.field_gesture(&response, id, field));
            });
        }
    });
    if size != original.size() {
        note.size = Some(size);
    }
    ui.add_space(idflow_view::theme::SPACING);
    let delete = ui.button("🗑 Delete note").clicked();
    if delete {
        panel.apply(doc, Commit::Step, Command::RemoveNote { id: id.to_owned() });
    } else if let Some(commit) = commit
        && note != original
    {
        panel.apply(doc, commit, Command::SetNote(note));
    }
}

impl PropertiesPanel {
    /// Like `Ctx::continuous`, for a field that is not a node's: one typing
    /// session or one drag is one undo step.
    pub(super) fn field_gesture(
        &mut self,
        response: &egui::Response,
        owner: &str,
        field: &str,
    ) -> Option<Commit> {
        if response.gained_focus() || response.drag_started() {
            self.epoch = self.epoch.wrapping_add(1);
        }
        response
            .changed()
            .then(|| Commit::Gesture(self.gesture_id(owner, field)))
    }
}
