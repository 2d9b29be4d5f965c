//! The visual language: category colours, severities, icons, spacing. One
//! place, so the canvas, the panels, the minimap and the pictures agree, in
//! light and dark themes (`dark`: egui's `Visuals::dark_mode`).

use ecolor::Color32;
use idflow_core::diff::Mark;
use idflow_core::lint::Severity;
use idflow_core::model::{DecisionType, NodeKindTag, Port};

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

pub fn canvas_background(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x17, 0x19, 0x1d)
    } else {
        Color32::from_rgb(0xf4, 0xf5, 0xf7)
    }
}

/// The canvas's grid lines.
pub fn grid_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(36)
    } else {
        Color32::from_gray(226)
    }
}

pub fn card_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x25, 0x28, 0x2e)
    } else {
        Color32::WHITE
    }
}

/// A card's shadow, under its body.
pub fn card_shadow(dark: bool) -> Color32 {
    Color32::from_black_alpha(if dark { 60 } else { 18 })
}

/// A card's border when nothing marks it.
pub fn card_border(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(70)
    } else {
        Color32::from_gray(205)
    }
}

/// Wires, and input ports' rims.
pub fn wire_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(150)
    } else {
        Color32::from_gray(120)
    }
}

/// The background of a chip on a card.
pub fn chip_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(55)
    } else {
        Color32::from_gray(236)
    }
}

/// An output port: Then green, Else red, Out the card's `accent`.
pub fn port_color(port: Port, dark: bool, accent: Color32) -> Color32 {
    match (port, dark) {
        (Port::Then, false) => Color32::from_rgb(0x2e, 0x8b, 0x3e),
        (Port::Then, true) => Color32::from_rgb(0x5c, 0xc8, 0x6c),
        (Port::Else, false) => Color32::from_rgb(0xc0, 0x39, 0x2b),
        (Port::Else, true) => Color32::from_rgb(0xff, 0x7a, 0x6b),
        (Port::Out, _) => accent,
    }
}

/// How a compared step changed (outline, chip, change list).
pub fn mark_color(mark: Mark, dark: bool) -> Color32 {
    match (mark, dark) {
        (Mark::Added, _) => highlight_color(dark),
        (Mark::Removed, false) => Color32::from_rgb(0xc6, 0x28, 0x28),
        (Mark::Removed, true) => Color32::from_rgb(0xe5, 0x5a, 0x5a),
        (Mark::Changed, false) => Color32::from_rgb(0xb2, 0x6a, 0x00),
        (Mark::Changed, true) => Color32::from_rgb(0xe0, 0x9b, 0x30),
        (Mark::Moved, _) => Color32::from_rgb(0x60, 0x7d, 0x8b),
    }
}

/// The veil over a removed step's card.
pub fn removed_veil(dark: bool) -> Color32 {
    if dark {
        Color32::from_black_alpha(150)
    } else {
        Color32::from_white_alpha(170)
    }
}

/// The chip counting a step's open review comments.
pub fn comment_badge_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x3a, 0x6e, 0xb0)
    } else {
        Color32::from_rgb(0x1f, 0x66, 0xb0)
    }
}

pub fn note_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x4a, 0x44, 0x22)
    } else {
        Color32::from_rgb(0xff, 0xf3, 0xb0)
    }
}

/// A note's shadow, under it.
pub fn note_shadow() -> Color32 {
    Color32::from_black_alpha(20)
}

/// The text on a sticky note.
pub fn note_text(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(230)
    } else {
        Color32::from_gray(40)
    }
}
