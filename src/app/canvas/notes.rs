//! Sticky notes on the canvas: drawn under the cards; selected, moved and
//! resized from their corner with the pointer; edited in place after a
//! double-click; added from the toolbar, the canvas's context menu or the N
//! key. Every change is one undo step (a move, a resize, one editing
//! session).

use egui::{Id, Pos2, Rect, Sense, Ui, Vec2, vec2};
use idflow_core::model::{Note, NoteSize, Position};
use idflow_view::geometry;
use idflow_view::theme;

use super::{Action, Canvas, draw};
use crate::document::{Command, Document, EditError};

/// The grab area of a note's resize corner (scene units).
const RESIZE_HANDLE: f32 = 14.0;

/// A note's text being edited on the canvas.
pub(super) struct NoteEdit {
    pub id: String,
    pub text: String,
    /// All changes of one editing session are one undo step.
    pub gesture: u64,
    pub focus_pending: bool,
}

/// A note being moved (`resize: false`) or resized from its corner.
pub(super) struct NoteDrag {
    pub gesture: u64,
    pub start: Pos2,
    pub note: Note,
    pub resize: bool,
}

impl Canvas {
    /// Draws the visible notes and collects what the pointer does to them.
    pub(super) fn notes_ui(
        &mut self,
        ui: &mut Ui,
        doc: &Document,
        detail: bool,
        actions: &mut Vec<Action>,
    ) {
        let visible = ui.clip_rect();
        let painter = ui.painter().clone();
        let editable = !doc.read_only();
        let mut editing = self.note_edit.take();
        for note in &doc.workflow().notes {
            let rect = geometry::note_rect(note);
            if !rect.intersects(visible) {
                continue;
            }
            let selected = doc.selection.notes.contains(&note.id);
            let edit = editing.as_mut().filter(|e| e.id == note.id);
            // With its text wherever card titles are legible too.
            let zoom = self.to_global.scaling;
            if draw::card_form(zoom, self.legibility.title) != draw::CardForm::Block {
                draw::note(
                    &painter,
                    note,
                    rect,
                    selected,
                    edit.is_none(),
                    zoom,
                    ui.visuals(),
                );
            } else {
                painter.rect_filled(rect, 2.0, theme::note_fill(ui.visuals().dark_mode));
            }
            let r = ui.interact(rect, Id::new(("note", &note.id)), Sense::click_and_drag());
            r.widget_info(|| {
                egui::WidgetInfo::labeled(
                    egui::WidgetType::Other,
                    true,
                    format!("Note: {}", note.text),
                )
            });
            if r.double_clicked() && editable {
                actions.push(Action::EditNote(note.id.clone()));
            } else if r.clicked() {
                actions.push(Action::ClickNote {
                    id: note.id.clone(),
                    additive: ui.input(|i| i.modifiers.shift),
                });
            }
            if r.drag_started() && editable {
                actions.push(Action::StartNoteDrag {
                    note: note.clone(),
                    resize: false,
                });
            }
            if detail {
                r.context_menu(|ui| {
                    if ui.button("Edit text").clicked() {
                        actions.push(Action::EditNote(note.id.clone()));
                        ui.close();
                    }
                    if ui.button("Delete note").clicked() {
                        actions.push(Action::DeleteNote(note.id.clone()));
                        ui.close();
                    }
                });
            }
            if selected && detail && editable {
                let corner = Rect::from_center_size(
                    rect.right_bottom() - Vec2::splat(RESIZE_HANDLE / 2.0 - 2.0),
                    Vec2::splat(RESIZE_HANDLE),
                );
                draw::resize_grip(&painter, corner, ui.visuals());
                let grip = ui.interact(corner, Id::new(("note-resize", &note.id)), Sense::drag());
                grip.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::WidgetType::Other, true, "Resize note")
                });
                if grip.hovered() || grip.dragged() {
                    ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeNwSe);
                }
                if grip.drag_started() {
                    actions.push(Action::StartNoteDrag {
                        note: note.clone(),
                        resize: true,
                    });
                }
            }
            if let Some(edit) = edit {
                let response = ui.put(
                    rect.shrink(6.0),
                    egui::TextEdit::multiline(&mut edit.text)
                        .id(Id::new(("note-text", &note.id)))
                        .frame(egui::Frame::NONE)
                        .hint_text("Type a note…")
                        .desired_width(rect.width() - 12.0)
                        .font(egui::FontId::proportional(
                            draw::NOTE_TEXT_SIZE.max(draw::LEGIBLE_PX / self.to_global.scaling),
                        )),
                );
                if edit.focus_pending {
                    response.request_focus();
                    edit.focus_pending = false;
                }
                if response.changed() {
                    actions.push(Action::NoteText {
                        id: note.id.clone(),
                        text: edit.text.clone(),
                    });
                }
                let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
                if response.lost_focus() || escape {
                    actions.push(Action::StopEditingNote);
                }
            }
        }
        // A note that went away (deleted, undone) ends its editing session.
        self.note_edit = editing.filter(|e| doc.workflow().notes.iter().any(|n| n.id == e.id));
    }

    /// Starts editing a note's text in place (one undo step until it ends).
    pub(super) fn edit_note(&mut self, doc: &mut Document, id: String) {
        let Some(note) = doc.workflow().notes.iter().find(|n| n.id == id) else {
            return;
        };
        if doc.read_only() {
            self.refuse(EditError::ReadOnly);
            return;
        }
        let text = note.text.clone();
        doc.selection.clear();
        doc.selection.notes.insert(id.clone());
        let gesture = self.gesture();
        self.note_edit = Some(NoteEdit {
            id,
            text,
            gesture,
            focus_pending: true,
        });
    }

    /// Whether a note's text is being edited on the canvas.
    pub fn editing_note(&self) -> Option<&str> {
        self.note_edit.as_ref().map(|e| e.id.as_str())
    }

    /// Sets the edited note's text, merged into its editing session's step.
    pub(super) fn set_note_text(&mut self, doc: &mut Document, id: &str, text: String) {
        let Some(gesture) = self.note_edit.as_ref().map(|e| e.gesture) else {
            return;
        };
        let Some(mut note) = doc.workflow().notes.iter().find(|n| n.id == id).cloned() else {
            return;
        };
        if note.text == text {
            return;
        }
        note.text = text;
        let result = doc.apply_gesture(gesture, Command::SetNote(note));
        self.edit(result);
    }

    /// Adds a note with its top-left corner at `at` (scene coordinates),
    /// selects it and starts editing its text.
    pub fn add_note(&mut self, doc: &mut Document, at: Pos2) {
        let id = doc.fresh_note_id();
        let (x, y) = if self.snap {
            (geometry::snap(at.x), geometry::snap(at.y))
        } else {
            (at.x, at.y)
        };
        let note = Note {
            id: id.clone(),
            position: Position::new(x, y),
            text: String::new(),
            size: None,
        };
        if self
            .edit(doc.apply(Command::AddNote { index: None, note }))
            .is_some()
        {
            self.edit_note(doc, id);
        }
    }

    /// Adds a note under the pointer when it is over the canvas, else in the
    /// middle of the view.
    pub fn add_note_at_pointer(&mut self, doc: &mut Document, ctx: &egui::Context) {
        match ctx.input(|i| i.pointer.latest_pos()) {
            Some(p) if self.outer.contains(p) => {
                let at = self.screen_to_scene(p);
                self.add_note(doc, at);
            }
            _ => self.add_note_in_view(doc),
        }
    }

    /// Adds a note in the middle of the view.
    pub fn add_note_in_view(&mut self, doc: &mut Document) {
        let size = NoteSize::DEFAULT;
        let at = self.view.center() - vec2(size.width, size.height) / 2.0;
        self.add_note(doc, at);
    }

    /// Applies the move or resize in progress for the pointer at `p`.
    pub(super) fn drag_note(&mut self, doc: &mut Document, p: Pos2) {
        let Some(drag) = &self.note_drag else {
            return;
        };
        let d = p - drag.start;
        let snap = self.snap;
        let place = |x: f32| if snap { geometry::snap(x) } else { x };
        let mut note = drag.note.clone();
        if drag.resize {
            let size = note.size();
            let right = place(note.position.x + size.width + d.x);
            let bottom = place(note.position.y + size.height + d.y);
            note.size = Some(NoteSize {
                width: (right - note.position.x).clamp(NoteSize::MIN.width, NoteSize::MAX.width),
                height: (bottom - note.position.y)
                    .clamp(NoteSize::MIN.height, NoteSize::MAX.height),
            });
        } else {
            note.position =
                Position::new(place(note.position.x + d.x), place(note.position.y + d.y));
        }
        let gesture = drag.gesture;
        if doc
            .workflow()
            .notes
            .iter()
            .any(|n| n.id == note.id && *n != note)
        {
            let result = doc.apply_gesture(gesture, Command::SetNote(note));
            self.edit(result);
        }
    }
}
