//! The visual language: category colours, severities, spacing. One place, so
//! the canvas, the panels and the minimap agree, in light and dark themes.

use egui::{Color32, Visuals};
use idflow_core::lint::Severity;
use idflow_core::model::{DecisionType, NodeKind, NodeKindTag};

pub const SPACING: f32 = 8.0;
pub const CARD_WIDTH: f32 = 220.0;
pub const CARD_HEIGHT: f32 = 104.0;
pub const CARD_ROUNDING: f32 = 10.0;
pub const GRID: f32 = 20.0;

/// Category accent colours (header strip, minimap, palette swatches).
pub fn category_color(tag: NodeKindTag, dark: bool) -> Color32 {
    let (light, dark_c) = match tag {
        NodeKindTag::Acquisition => (
            Color32::from_rgb(0x1f, 0x77, 0xd0),
            Color32::from_rgb(0x4c, 0x9a, 0xf0),
        ),
        NodeKindTag::Service => (
            Color32::from_rgb(0x6b, 0x3f, 0xc9),
            Color32::from_rgb(0x9a, 0x73, 0xf0),
        ),
        NodeKindTag::RiskSignal => (
            Color32::from_rgb(0xc2, 0x6a, 0x00),
            Color32::from_rgb(0xf0, 0x9a, 0x3a),
        ),
        NodeKindTag::Decision => (
            Color32::from_rgb(0x0f, 0x8a, 0x8a),
            Color32::from_rgb(0x3c, 0xc0, 0xbd),
        ),
        NodeKindTag::RiskCalculation => (
            Color32::from_rgb(0xb0, 0x3a, 0x7a),
            Color32::from_rgb(0xe0, 0x6c, 0xab),
        ),
        NodeKindTag::Terminal => (
            Color32::from_rgb(0x4a, 0x55, 0x68),
            Color32::from_rgb(0x9a, 0xa5, 0xb8),
        ),
    };
    if dark { dark_c } else { light }
}

/// A glyph from egui's bundled fonts for each category.
pub fn category_icon(tag: NodeKindTag) -> &'static str {
    match tag {
        NodeKindTag::Acquisition => "📷",
        NodeKindTag::Service => "🔍",
        NodeKindTag::RiskSignal => "⚠",
        NodeKindTag::Decision => "❓",
        NodeKindTag::RiskCalculation => "📊",
        NodeKindTag::Terminal => "🏁",
    }
}

pub fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Acquisition(_) => "Acquisition",
        NodeKind::Service(_) => "Verification service",
        NodeKind::RiskSignal(_) => "Risk signal",
        NodeKind::Decision(_) => "If / Else",
        NodeKind::RiskCalculation(_) => "Risk calculation",
        NodeKind::Terminal(_) => "End",
    }
}

pub fn severity_color(severity: Severity, dark: bool) -> Color32 {
    match (severity, dark) {
        (Severity::Error, false) => Color32::from_rgb(0xc6, 0x28, 0x28),
        (Severity::Error, true) => Color32::from_rgb(0xff, 0x6b, 0x6b),
        (Severity::Warning, false) => Color32::from_rgb(0xb2, 0x6a, 0x00),
        (Severity::Warning, true) => Color32::from_rgb(0xff, 0xb7, 0x4d),
        (Severity::Info, false) => Color32::from_rgb(0x1f, 0x66, 0xb0),
        (Severity::Info, true) => Color32::from_rgb(0x7a, 0xb8, 0xff),
    }
}

pub fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "⛔",
        Severity::Warning => "⚠",
        Severity::Info => "ℹ",
    }
}

/// The colour of a rendered decision (test runs: headline, card pills).
pub fn decision_color(decision: DecisionType, dark: bool) -> Color32 {
    match (decision, dark) {
        (DecisionType::Passed, false) => Color32::from_rgb(0x2e, 0x8b, 0x3e),
        (DecisionType::Passed, true) => Color32::from_rgb(0x5c, 0xc8, 0x6c),
        (DecisionType::Warning, false) => Color32::from_rgb(0xc2, 0x74, 0x00),
        (DecisionType::Warning, true) => Color32::from_rgb(0xff, 0xb7, 0x4d),
        (DecisionType::Rejected, false) => Color32::from_rgb(0xc6, 0x28, 0x28),
        (DecisionType::Rejected, true) => Color32::from_rgb(0xff, 0x6b, 0x6b),
        (DecisionType::NotExecuted, false) => Color32::from_gray(120),
        (DecisionType::NotExecuted, true) => Color32::from_gray(150),
    }
}

pub fn decision_icon(decision: DecisionType) -> &'static str {
    match decision {
        DecisionType::Passed => "✔",
        DecisionType::Warning => "⚠",
        DecisionType::Rejected => "⛔",
        DecisionType::NotExecuted => "○",
    }
}

/// The path of the last test run on the canvas (card borders, wires).
pub fn highlight_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x4c, 0xc8, 0x64)
    } else {
        Color32::from_rgb(0x2e, 0xa0, 0x43)
    }
}

pub fn canvas_background(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_rgb(0x17, 0x19, 0x1d)
    } else {
        Color32::from_rgb(0xf4, 0xf5, 0xf7)
    }
}

pub fn card_fill(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_rgb(0x25, 0x28, 0x2e)
    } else {
        Color32::WHITE
    }
}

pub fn selection_color(visuals: &Visuals) -> Color32 {
    visuals.selection.stroke.color
}

pub fn note_fill(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_rgb(0x4a, 0x44, 0x22)
    } else {
        Color32::from_rgb(0xff, 0xf3, 0xb0)
    }
}

/// The text on a sticky note.
pub fn note_text(visuals: &Visuals) -> Color32 {
    if visuals.dark_mode {
        Color32::from_gray(230)
    } else {
        Color32::from_gray(40)
    }
}

/// Tweaks over egui's defaults: a little more air, rounder corners.
pub fn apply_style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
        style.spacing.interact_size.y = 24.0;
    });
}
