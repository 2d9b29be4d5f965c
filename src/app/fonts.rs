//! The fonts the designer draws with: egui's own (Ubuntu Light, Hack, Noto
//! Emoji, the emoji icon font) and, after them in both families, DejaVu
//! Sans from `assets/fonts` for the symbols they lack (arrows such as "→",
//! "●", "⇪"), so that no character the UI draws comes out as a box
//! (`tests/gui_glyphs.rs` checks every one against the fonts' own maps).

use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};
// The same bytes PNG pictures are drawn with (embedded once).
use idflow_view::picture::FALLBACK_FONT;

const FALLBACK: &str = "DejaVuSans";

/// egui's fonts, with the bundled fallback last in both families.
pub fn definitions() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        FALLBACK.to_owned(),
        Arc::new(FontData::from_static(FALLBACK_FONT)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push(FALLBACK.to_owned());
    }
    fonts
}

/// Installs [`definitions`] (once, at start).
pub fn install(ctx: &egui::Context) {
    ctx.set_fonts(definitions());
}
