//! The harness, store waits and pointer gestures shared by the designer's
//! kittest suites.

#![allow(dead_code)] // each test binary uses its own part of this

use std::time::Duration;

use egui::{Pos2, vec2};
use egui_kittest::Harness;
use idflow::app::IdflowApp;

/// Frames that also let the store answer: the designer sends its store
/// calls to a worker thread and applies the replies in a later frame.
pub trait Steps {
    /// Runs `n` frames, then as many as it takes for every store call sent
    /// (and every call its reply sends) to be answered and applied.
    fn steps(&mut self, n: usize);
}

impl Steps for Harness<'static, IdflowApp> {
    fn steps(&mut self, n: usize) {
        self.run_steps(n);
        // What a reply shows (a dialog, say) gets the frames a click
        // would have had, and whatever those frames send is answered too.
        for _ in 0..16 {
            if !settle(self) {
                // A window or dialog that just appeared sizes itself over a
                // few frames (egui asks for them): let it settle, so a
                // click lands where it is drawn.
                let _ = self.try_run();
                return;
            }
            self.run_steps(n.max(2));
        }
        panic!("store calls kept coming");
    }
}

/// Waits (between frames, as no frame does) until the store has answered
/// every call, applying the replies; a reply may send a further call
/// (save, then publish), so it goes round until none is left.
/// Returns whether there was anything to wait for.
pub fn settle(h: &mut Harness<'static, IdflowApp>) -> bool {
    for round in 0..64 {
        if !h.state().session.busy() {
            return round > 0;
        }
        assert!(
            h.state_mut().wait_for_store(Duration::from_secs(30)),
            "the store gave no answer within 30 s"
        );
        h.step();
    }
    panic!("store calls kept coming for 64 frames");
}

/// A press-move-release with the primary button, in eight steps, as a hand
/// drags (egui sees a drag start, moves and a drop).
pub fn drag(h: &mut Harness<'static, IdflowApp>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.steps(1);
    // Frames only while the button is down: waiting for the store here
    // would stretch the gesture in time.
    h.drag_at(from);
    h.run_steps(1);
    for i in 1..=8 {
        let t = i as f32 / 8.0;
        h.hover_at(from + (to - from) * t);
        h.run_steps(1);
    }
    h.drop_at(to);
    h.steps(3);
}

/// The designer in a 1480 x 920 window, its first frames run.
pub fn harness(app: IdflowApp) -> Harness<'static, IdflowApp> {
    let mut h = Harness::builder()
        .with_size(vec2(1480.0, 920.0))
        .build_ui_state(|ui, app: &mut IdflowApp| app.frame(ui), app);
    h.steps(3);
    h
}
