//! The harness, store waits, pointer gestures and starting points shared
//! by the designer's kittest suites: the one place a suite builds the
//! designer's window (`window`) and opens a custom copy of a Global
//! workflow (`new_from_global`).

#![allow(dead_code)] // each test binary uses its own part of this

use std::path::Path;
use std::time::Duration;

use egui::{Pos2, Vec2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idflow::app::IdflowApp;
use idflow::document::Source;
use idflow_store::Origin;

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

/// The designer's window in every suite (and the real window's size).
pub const WINDOW: Vec2 = vec2(1480.0, 920.0);

/// 10011 as the New menu lists it.
pub const IDIV: &str = "10011 · ID and identity verification (IDIV)";

/// The designer's window, as a suite wants it: `window().open(app)`, or
/// `window().at_60_hz()` for gestures timed as a person's, `build` for a
/// test that must not wait for the store.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    step_dt: Option<f32>,
}

pub fn window() -> Window {
    Window::default()
}

impl Window {
    /// Steps of one 60 Hz frame, so a double click is as quick as a
    /// person's.
    pub fn at_60_hz(self) -> Self {
        Window {
            step_dt: Some(1.0 / 60.0),
        }
    }

    /// The designer in this window, no frame run yet.
    pub fn build(self, app: IdflowApp) -> Harness<'static, IdflowApp> {
        let mut builder = Harness::builder().with_size(WINDOW);
        if let Some(dt) = self.step_dt {
            builder = builder.with_step_dt(dt);
        }
        builder.build_ui_state(|ui, app: &mut IdflowApp| app.frame(ui), app)
    }

    /// The designer in this window, its first frames run and the store's
    /// answers to them applied.
    pub fn open(self, app: IdflowApp) -> Harness<'static, IdflowApp> {
        let mut h = self.build(app);
        h.steps(3);
        h
    }
}

/// The designer in the `WINDOW`, its first frames run (`window().open`).
pub fn harness(app: IdflowApp) -> Harness<'static, IdflowApp> {
    window().open(app)
}

/// The designer on the store in `dir` (a fresh one: seeded).
pub fn app_on(dir: impl AsRef<Path>) -> IdflowApp {
    IdflowApp::new(dir.as_ref(), None).expect("app opens on a fresh store")
}

/// Opens a custom copy of a Global workflow through the New menu, as a
/// user does (`label` as the menu lists it, e.g. `IDIV`); it is editable.
pub fn new_from_global(h: &mut Harness<'static, IdflowApp>, label: &str) {
    h.get_by_label("New").click();
    h.steps(2);
    h.get_by_label(label).click();
    h.steps(3);
    let doc = &h.state().doc;
    assert!(
        matches!(
            doc.source,
            Source::Store {
                origin: Origin::Custom,
                ..
            }
        ),
        "a custom copy of {label} is open: {:?}",
        doc.source
    );
    assert!(!doc.read_only());
}
