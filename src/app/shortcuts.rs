//! Keyboard shortcuts (listed in Help → Shortcuts).

use egui::{Event, Key, Modifiers};

use super::{Action, IdflowApp};

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

pub fn handle(app: &mut IdflowApp, ctx: &egui::Context) {
    if app.compare.is_some() {
        // A comparison is read-only; the draft behind it is not edited
        // from here.
        return;
    }
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
        app.act(Action::Save);
    }
    // F6 works from anywhere, a text field included: no region traps the
    // keyboard.
    if app.dialog.is_none() {
        if pressed(Modifiers::SHIFT, Key::F6) {
            app.cycle_region(ctx, false);
        } else if pressed(Modifiers::NONE, Key::F6) {
            app.cycle_region(ctx, true);
        }
    }
    if typing && app.dialog.is_none() && ctx.input(|i| i.key_pressed(Key::Escape)) {
        // A field that still has the keyboard lets go of it on Esc; the
        // canvas takes it, so Esc is the way back from the properties.
        app.canvas.request_keyboard_focus();
    }
    if typing || app.dialog.is_some() {
        return;
    }
    if pressed(shift_command, Key::Z) || pressed(command, Key::Y) {
        app.doc.redo();
    } else if pressed(command, Key::Z) {
        app.doc.undo();
    }
    if pressed(command, Key::A) {
        app.doc.selection.nodes = app
            .doc
            .workflow()
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .collect();
    }
    if pressed(command, Key::D)
        && !app.doc.selection.is_empty()
        && let Err(refusal) = app.doc.duplicate_selection()
    {
        app.notify(ctx, refusal.to_string(), true);
    }
    if pressed(command, Key::F) {
        app.quick_add = Some(String::new());
    }
    if pressed(command, Key::K) {
        app.connect_to = Some(String::new());
    }
    if pressed(command, Key::L) && !app.doc.read_only() {
        app.canvas.auto_layout(&mut app.doc);
    }
    if pressed(Modifiers::NONE, Key::F) {
        app.canvas.request_fit();
    }
    if pressed(Modifiers::NONE, Key::N) {
        // A refusal (a read-only workflow) is shown like any canvas edit's.
        app.canvas.add_note_at_pointer(&mut app.doc, ctx);
    }
    if pressed(Modifiers::NONE, Key::F1) {
        app.shortcuts_open = true;
    }
    if pressed(Modifiers::NONE, Key::Escape) {
        app.quick_add = None;
        app.connect_to = None;
        if app.canvas.has_keyboard_focus(ctx) || ctx.memory(|m| m.focused().is_some()) {
            app.doc.selection.clear();
            app.canvas.selected_edge = None;
        } else {
            // Nothing has the keyboard (a field just let go of it): back
            // to the canvas, selection kept.
            app.canvas.request_keyboard_focus();
        }
    }
    if pressed(Modifiers::NONE, Key::Delete) || pressed(Modifiers::NONE, Key::Backspace) {
        let result = if let Some(edge) = app.canvas.selected_edge.take() {
            app.doc.apply(crate::document::Command::RemoveEdge(edge))
        } else if !app.doc.selection.is_empty() {
            app.doc.delete_selection()
        } else {
            Ok(())
        };
        if let Err(refusal) = result {
            app.notify(ctx, refusal.to_string(), true);
        }
    }
    // Copy/cut/paste arrive as events on desktop; key presses cover hosts
    // (and tests) that send only keys.
    copy |= pressed(command, Key::C);
    cut |= pressed(command, Key::X);
    if (copy || cut)
        && let Some(text) = app.doc.copy_selection()
    {
        ctx.copy_text(text);
        if cut && let Err(refusal) = app.doc.delete_selection() {
            app.notify(ctx, refusal.to_string(), true);
        }
    }
    if let Some(text) = paste {
        match app.doc.paste(&text, None) {
            Ok(n) => app.notify(ctx, format!("Pasted {n} node(s)"), false),
            Err(e) => app.notify(ctx, e.to_string(), true),
        }
    }
}
