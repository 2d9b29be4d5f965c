//! egui's style, as the designer tweaks it (colours, sizes and icons are
//! the view crate's `theme`).

/// Tweaks over egui's defaults: a little more air, rounder corners.
pub fn apply_style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.spacing.interact_size.y = 24.0;
    });
}
