//! The canvas from the keyboard (issue 14). While the canvas has the
//! keyboard focus (a click on it, F6, or Esc from the properties panel),
//! Tab and Shift+Tab walk the selection through the steps in flow order,
//! arrows nudge the selection (Shift: a grid step; a burst of presses is one
//! undo step) and Enter hands the keyboard to the properties panel.

use egui::{Context, EventFilter, Key, Modifiers, Response, Ui};
use idflow_core::model::Position;
use idflow_view::theme::GRID;

use super::Canvas;
use crate::document::{Command, Document, Selection};

/// Presses further apart than this start a new undo step (a held key
/// repeats every 30 ms or so; separate taps come within a second or two).
const NUDGE_BURST_SECONDS: f64 = 2.0;

impl Canvas {
    /// Gives the canvas the keyboard focus on the next frame.
    pub fn request_keyboard_focus(&mut self) {
        self.keyboard_focus_requested = true;
    }

    /// Whether the canvas has the keyboard focus.
    pub fn has_keyboard_focus(&self, ctx: &Context) -> bool {
        self.keyboard_id
            .is_some_and(|id| ctx.memory(|m| m.has_focus(id)))
    }

    /// Whether Enter asked for the properties panel (taken once).
    pub fn take_properties_request(&mut self) -> bool {
        std::mem::take(&mut self.properties_requested)
    }

    /// The canvas's keys, read before its widgets answer the frame's input:
    /// Enter on the focused canvas would otherwise count as a click on its
    /// background (which clears the selection).
    pub(super) fn keyboard_keys(&mut self, ui: &Ui, doc: &mut Document) {
        let Some(id) = self.keyboard_id else {
            return;
        };
        if !ui.memory(|m| m.has_focus(id)) {
            return;
        }
        let pressed =
            |modifiers: Modifiers, key: Key| ui.input_mut(|i| i.consume_key(modifiers, key));
        if pressed(Modifiers::SHIFT, Key::Tab) {
            self.select_in_flow(doc, -1);
        } else if pressed(Modifiers::NONE, Key::Tab) {
            self.select_in_flow(doc, 1);
        }
        for (key, dx, dy) in [
            (Key::ArrowLeft, -1.0, 0.0),
            (Key::ArrowRight, 1.0, 0.0),
            (Key::ArrowUp, 0.0, -1.0),
            (Key::ArrowDown, 0.0, 1.0),
        ] {
            let step = if pressed(Modifiers::SHIFT, key) {
                GRID
            } else if pressed(Modifiers::NONE, key) {
                1.0
            } else {
                continue;
            };
            let now = ui.input(|i| i.time);
            self.nudge(doc, dx * step, dy * step, now);
        }
        let enter = pressed(Modifiers::NONE, Key::Enter);
        // Space would click the background too.
        pressed(Modifiers::NONE, Key::Space);
        if enter && doc.selection.nodes.len() == 1 {
            self.properties_requested = true;
        }
    }

    /// After the frame's widgets: takes the keyboard when asked or when the
    /// canvas is pressed, and keeps Tab and the arrows while it has it.
    pub(super) fn keyboard_focus(&mut self, ui: &Ui, background: &Response) {
        let id = background.id;
        self.keyboard_id = Some(id);
        // Pressed on the canvas itself: not on a window or dialog above it
        // (a click into a dialog's text field must keep its keyboard).
        let on_canvas_layer = ui
            .input(|i| i.pointer.interact_pos())
            .and_then(|at| ui.ctx().layer_id_at(at))
            == Some(ui.layer_id());
        let pressed_here = ui.input(|i| i.pointer.any_pressed())
            && ui.rect_contains_pointer(self.outer)
            && on_canvas_layer
            && !ui.ctx().text_edit_focused();
        if std::mem::take(&mut self.keyboard_focus_requested) || pressed_here {
            background.request_focus();
        }
        if ui.memory(|m| m.has_focus(id)) {
            // Tab and the arrows stay with the canvas instead of moving
            // the focus to the next widget; Esc clears the selection
            // (shortcuts.rs) rather than dropping the keyboard.
            ui.memory_mut(|m| {
                m.set_focus_lock_filter(
                    id,
                    EventFilter {
                        tab: true,
                        horizontal_arrows: true,
                        vertical_arrows: true,
                        escape: true,
                    },
                )
            });
        }
    }

    /// Selects the next (`direction` 1) or previous (-1) step in flow order
    /// after the selected one, wrapping around, and brings it into view.
    fn select_in_flow(&mut self, doc: &mut Document, direction: isize) {
        let nodes = &doc.workflow().nodes;
        if self.order.is_empty() {
            return;
        }
        let single = (doc.selection.nodes.len() == 1)
            .then(|| doc.selection.nodes.first())
            .flatten();
        let current = single.and_then(|one| {
            self.order
                .iter()
                .position(|&i| nodes.get(i).is_some_and(|n| &n.id == one))
        });
        let len = self.order.len() as isize;
        let next = match current {
            Some(at) => (at as isize + direction).rem_euclid(len),
            None if direction > 0 => 0,
            None => len - 1,
        };
        let Some(id) = self
            .order
            .get(next as usize)
            .and_then(|&i| nodes.get(i))
            .map(|n| n.id.clone())
        else {
            return;
        };
        doc.selection = Selection::only(id.clone());
        self.selected_edge = None;
        self.focus_node(doc, &id);
    }

    /// Moves the selected steps by (dx, dy). Presses close together, with
    /// no other edit between them, are one undo step.
    fn nudge(&mut self, doc: &mut Document, dx: f32, dy: f32, now: f64) {
        if doc.selection.nodes.is_empty() || doc.read_only() {
            return;
        }
        let moves: Vec<_> = doc
            .selection
            .nodes
            .iter()
            .filter_map(|id| doc.node(id).map(|n| (id.clone(), n.position)))
            .map(|(id, p)| (id, Position::new(p.x + dx, p.y + dy)))
            .collect();
        let gesture = match self.nudge_burst {
            Some((last, revision, gesture))
                if now - last < NUDGE_BURST_SECONDS && revision == doc.revision() =>
            {
                gesture
            }
            _ => {
                self.next_gesture += 1;
                self.next_gesture
            }
        };
        let result = doc.apply_gesture(gesture, Command::SetPositions(moves));
        self.edit(result);
        self.nudge_burst = Some((now, doc.revision(), gesture));
    }
}
