//! Pointer gestures shared by the designer's kittest suites.

#![allow(dead_code)] // each test binary uses its own part of this

use egui::Pos2;
use egui_kittest::Harness;
use idflow::app::IdflowApp;

/// A press-move-release with the primary button, in eight steps, as a hand
/// drags (egui sees a drag start, moves and a drop).
pub fn drag(h: &mut Harness<'static, IdflowApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    for i in 1..=8 {
        let t = i as f32 / 8.0;
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
    }
    h.drop_at(to);
    h.run_steps(3);
}
