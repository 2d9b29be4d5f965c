//! The canvas toolbar: zoom, Fit, Centre, Lock, Snap, Minimap,
//! Auto-layout and Note. It is drawn on the overlay layer above the scene
//! (see `Canvas::overlay_ui`), so it always takes the pointer first.

use egui::{Rect, Ui, UiBuilder, vec2};

use super::Canvas;
use crate::document::Document;

impl Canvas {
    pub(super) fn toolbar(&mut self, ui: &mut Ui, doc: &mut Document, outer: Rect) {
        let rect = Rect::from_min_size(
            outer.min + vec2(10.0, 10.0),
            vec2(outer.width() - 20.0, 30.0),
        );
        ui.scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            egui::Frame::popup(ui.style())
                .inner_margin(4.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        // Lock keeps the view where it is: the view buttons
                        // rest until it is lifted.
                        ui.add_enabled_ui(!self.locked, |ui| {
                            const LOCKED: &str = "Unlock the view to move it";
                            let hint = |response: egui::Response, text: &str| {
                                response.on_hover_text(text).on_disabled_hover_text(LOCKED)
                            };
                            if hint(ui.button("+"), "Zoom in").clicked() {
                                self.zoom_by(1.25);
                            }
                            if hint(ui.button("−"), "Zoom out").clicked() {
                                self.zoom_by(0.8);
                            }
                            if hint(ui.button("⛶ Fit"), "Zoom to fit (F)").clicked() {
                                self.request_fit();
                            }
                            if hint(ui.button("◎ Centre"), "Centre the workflow").clicked() {
                                self.centre_on(self.fit_rect().center());
                            }
                        });
                        let lock = if self.locked {
                            "🔒 Locked"
                        } else {
                            "🔓 Lock"
                        };
                        if ui
                            .selectable_label(self.locked, lock)
                            .on_hover_text("Lock or unlock pan and zoom")
                            .clicked()
                        {
                            self.locked = !self.locked;
                        }
                        ui.separator();
                        ui.toggle_value(&mut self.snap, "# Snap")
                            .on_hover_text("Snap to grid");
                        ui.toggle_value(&mut self.show_minimap, "▣ Minimap");
                        ui.separator();
                        ui.add_enabled_ui(!doc.read_only(), |ui| {
                            if ui
                                .button("Auto-layout")
                                .on_hover_text("Lay out left to right (one undo step)")
                                .clicked()
                            {
                                self.auto_layout(doc);
                            }
                            if ui
                                .button("📝 Note")
                                .on_hover_text("Add a sticky note (N)")
                                .clicked()
                            {
                                self.add_note_in_view(doc);
                            }
                        });
                        let zoom = self.to_global.scaling;
                        ui.label(
                            egui::RichText::new(format!("{:.0}%", zoom * 100.0))
                                .weak()
                                .monospace(),
                        );
                    });
                });
        });
    }
}
