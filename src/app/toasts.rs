//! The one-line notices at the bottom of the window: what went well for a
//! few seconds, what went wrong for longer.

use egui::{Id, RichText};

pub struct Toast {
    pub text: String,
    pub error: bool,
    /// When it goes (seconds of egui's clock); `f64::MAX` until it is
    /// first drawn, which starts its time.
    pub until: f64,
}

/// The notice shown, if any: a new one replaces it.
#[derive(Default)]
pub struct Toasts {
    current: Option<Toast>,
}

impl Toasts {
    /// Shows `text`, as an error (also logged) or a notice; its time
    /// starts when it is first drawn.
    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        let text = text.into();
        if error {
            tracing::warn!("{text}");
        }
        self.current = Some(Toast {
            text,
            error,
            until: f64::MAX,
        });
    }

    /// The notice shown now.
    pub fn current(&self) -> Option<&Toast> {
        self.current.as_ref()
    }

    /// Takes an error off the screen (what it said no longer holds).
    pub fn clear_error(&mut self) {
        if self.current.as_ref().is_some_and(|t| t.error) {
            self.current = None;
        }
    }

    pub fn show(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some(t) = &mut self.current else { return };
        if t.until == f64::MAX {
            t.until = now + if t.error { 8.0 } else { 4.0 };
        }
        if now > t.until {
            self.current = None;
            return;
        }
        let (text, error) = (t.text.clone(), t.error);
        egui::Area::new(Id::new("toast"))
            .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -190.0))
            .interactable(false)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    let color = if error {
                        ui.visuals().error_fg_color
                    } else {
                        ui.visuals().strong_text_color()
                    };
                    ui.label(RichText::new(text).color(color));
                });
            });
        ctx.request_repaint_after(std::time::Duration::from_millis(500));
    }
}
