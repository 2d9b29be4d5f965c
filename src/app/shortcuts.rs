//! Keyboard shortcuts (listed in Help → Shortcuts).

use egui::{Event, Key, Modifiers};

use super::Action;
use super::dialogs::{Dialogs, Window};
use super::panel::Cx;

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+S", "Save the draft"),
    (
        "F6 / Shift+F6",
        "Next / previous region: workflows, components, canvas, properties, problems",
    ),
    (
        "Tab / Shift+Tab (canvas)",
        "Select the next / previous step in flow order",
    ),
    (
        "Arrows (canvas)",
        "Nudge the selection by a pixel; with Shift by a grid step",
    ),
    (
        "Enter (canvas)",
        "Edit the selected step in the properties panel",
    ),
    ("Esc (properties)", "Back to the canvas"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Delete / Backspace", "Delete the selection"),
    (
        "Ctrl+C / Ctrl+X / Ctrl+V",
        "Copy, cut, paste nodes (as RON text)",
    ),
    ("Ctrl+D", "Duplicate the selection"),
    ("Ctrl+A", "Select all nodes"),
    (
        "Ctrl+F",
        "Quick add a component (after the selected step, wired in)",
    ),
    (
        "Ctrl+K",
        "Connect the selected step's free output to a step chosen by name",
    ),
    ("Ctrl+L", "Auto-layout"),
    ("N", "Add a sticky note (at the pointer)"),
    ("Double-click a note", "Edit its text"),
    ("F", "Zoom to fit"),
    ("Shift+drag", "Box-select on the canvas"),
    ("Shift+click", "Add to or remove from the selection"),
    ("Drag / middle drag / scroll", "Pan the canvas"),
    ("Ctrl+scroll / pinch", "Zoom around the pointer"),
    ("Escape", "Clear the selection, close palettes"),
    ("F1", "This list"),
];

/// The keys pressed this frame, on the open document (not while
/// comparing: a comparison is read-only, and the draft behind it is not
/// edited from here). Returns the way F6 went (`true`: forward), for the
/// shell to move the keyboard.
pub fn handle(ctx: &egui::Context, cx: &mut Cx<'_>, dialogs: &mut Dialogs) -> Option<bool> {
    let typing = ctx.text_edit_focused();
    let events = ctx.input(|i| i.events.clone());
    let mut copy = false;
    let mut cut = false;
    let mut paste = None;
    for event in &events {
        match event {
            Event::Copy => copy = true,
            Event::Cut => cut = true,
            Event::Paste(text) => paste = Some(text.clone()),
            _ => {}
        }
    }
    let command = Modifiers::COMMAND;
    let shift_command = Modifiers::COMMAND | Modifiers::SHIFT;
    let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_key(m, k));

    if pressed(command, Key::S) {
        cx.act(Action::Save);
    }
    // F6 works from anywhere, a text field included: no region traps the
    // keyboard.
    let modal = dialogs.modal_open();
    let mut f6 = None;
    if !modal {
        if pressed(Modifiers::SHIFT, Key::F6) {
            f6 = Some(false);
        } else if pressed(Modifiers::NONE, Key::F6) {
            f6 = Some(true);
        }
    }
    if typing && !modal && ctx.input(|i| i.key_pressed(Key::Escape)) {
        // A field that still has the keyboard lets go of it on Esc; the
        // canvas takes it, so Esc is the way back from the properties.
        cx.canvas.request_keyboard_focus();
    }
    if typing || modal {
        return f6;
    }
    if pressed(shift_command, Key::Z) || pressed(command, Key::Y) {
        cx.doc.redo();
    } else if pressed(command, Key::Z) {
        cx.doc.undo();
    }
    if pressed(command, Key::A) {
        cx.doc.selection.nodes = cx
            .doc
            .workflow()
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .collect();
    }
    if pressed(command, Key::D)
        && !cx.doc.selection.is_empty()
        && let Err(refusal) = cx.doc.duplicate_selection()
    {
        cx.toasts.notify(refusal.to_string(), true);
    }
    if pressed(command, Key::F) {
        dialogs.show_window(Window::QuickAdd, cx.session);
    }
    if pressed(command, Key::K) {
        dialogs.show_window(Window::ConnectTo, cx.session);
    }
    if pressed(command, Key::L) && !cx.doc.read_only() {
        cx.canvas.auto_layout(cx.doc);
    }
    if pressed(Modifiers::NONE, Key::F) {
        cx.canvas.request_fit();
    }
    if pressed(Modifiers::NONE, Key::N) {
        // A refusal (a read-only workflow) is shown like any canvas edit's.
        cx.canvas.add_note_at_pointer(cx.doc, ctx);
    }
    if pressed(Modifiers::NONE, Key::F1) {
        dialogs.show_window(Window::Shortcuts, cx.session);
    }
    if pressed(Modifiers::NONE, Key::Escape) {
        dialogs.close_pickers();
        if cx.canvas.has_keyboard_focus(ctx) || ctx.memory(|m| m.focused().is_some()) {
            cx.doc.selection.clear();
            cx.canvas.selected_edge = None;
        } else {
            // Nothing has the keyboard (a field just let go of it): back
            // to the canvas, selection kept.
            cx.canvas.request_keyboard_focus();
        }
    }
    if pressed(Modifiers::NONE, Key::Delete) || pressed(Modifiers::NONE, Key::Backspace) {
        let result = if let Some(edge) = cx.canvas.selected_edge.take() {
            cx.doc.apply(crate::document::Command::RemoveEdge(edge))
        } else if !cx.doc.selection.is_empty() {
            cx.doc.delete_selection()
        } else {
            Ok(())
        };
        if let Err(refusal) = result {
            cx.toasts.notify(refusal.to_string(), true);
        }
    }
    // Copy/cut/paste arrive as events on desktop; key presses cover hosts
    // (and tests) that send only keys.
    copy |= pressed(command, Key::C);
    cut |= pressed(command, Key::X);
    if (copy || cut)
        && let Some(text) = cx.doc.copy_selection()
    {
        ctx.copy_text(text);
        if cut && let Err(refusal) = cx.doc.delete_selection() {
            cx.toasts.notify(refusal.to_string(), true);
        }
    }
    if let Some(text) = paste {
        match cx.doc.paste(&text, None) {
            Ok(n) => cx.toasts.notify(format!("Pasted {n} node(s)"), false),
            Err(e) => cx.toasts.notify(e.to_string(), true),
        }
    }
    f6
}
