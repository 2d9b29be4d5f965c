//! Painting: grid, cards, wires, badges, notes. No state, no interaction.

use egui::epaint::CubicBezierShape;
use egui::text::{LayoutJob, TextWrapping};
use egui::{
    Align2, Color32, CornerRadius, FontId, Painter, Pos2, Rect, Stroke, StrokeKind, TextFormat,
    Vec2, pos2, vec2,
};
use idflow_core::diff::Mark;
use idflow_core::lint::Severity;
use idflow_core::model::{Node, NodeKindTag, Note, Port};

use idflow_view::card::{card_text, title};
use idflow_view::geometry::{
    HEADER_HEIGHT, PORT_RADIUS, card_rect, input_port, output_ports, wire_points,
};
use idflow_view::theme::{self, mark_color, port_color};
use idflow_view::words::{self, mark_words};

use super::StepResult;

/// Below this zoom, wires are straight lines and the grid, ports and wire
/// handles are not drawn or interactive.
pub const DETAIL_ZOOM: f32 = 0.45;

/// Text on the canvas is never drawn smaller than this on screen (points).
pub const LEGIBLE_PX: f32 = 11.0;

/// From this zoom up, a card shows its title, key settings and chips, with
/// text held at [`LEGIBLE_PX`] or more.
pub const FULL_CARD_ZOOM: f32 = 0.5;

/// A compact card's on-screen padding at each side, and the space between
/// its icon and its title (points).
pub const COMPACT_PAD: f32 = 3.0;
pub const COMPACT_GAP: f32 = 2.0;

/// The lowest legible zoom any workflow gets (a sanity floor for titles of
/// one narrow letter).
const MIN_LEGIBLE_ZOOM: f32 = 0.1;

/// The zooms from which compact cards are legible, measured for one
/// workflow's titles with the fonts the canvas draws with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Legibility {
    /// Every card shows at least the first four characters of its title (all
    /// of a shorter one) at [`LEGIBLE_PX`]. Fit never goes below it; below
    /// it cards are colour and icon alone.
    pub title: f32,
    /// There is room for the category icon before the title as well.
    pub icon: f32,
}

impl Default for Legibility {
    fn default() -> Self {
        Legibility {
            title: FULL_CARD_ZOOM,
            icon: FULL_CARD_ZOOM,
        }
    }
}

pub fn legibility<'a>(
    fonts: &mut egui::epaint::text::FontsView<'_>,
    titles: impl Iterator<Item = &'a str>,
) -> Legibility {
    let font = FontId::proportional(LEGIBLE_PX);
    let icon = NodeKindTag::ALL
        .iter()
        .flat_map(|&tag| theme::category_icon(tag).chars())
        .map(|c| fonts.glyph_width(&font, c))
        .fold(0.0f32, f32::max);
    let ellipsis = fonts.glyph_width(&font, '…');
    let mut widest = 0.0f32;
    for title in titles {
        let mut chars = title.chars();
        let prefix: f32 = chars
            .by_ref()
            .take(4)
            .map(|c| fonts.glyph_width(&font, c))
            .sum();
        let cut = if chars.next().is_some() {
            ellipsis
        } else {
            0.0
        };
        widest = widest.max(prefix + cut);
    }
    // One point of slack for kerning and rounding.
    let title = 2.0 * COMPACT_PAD + widest + 1.0;
    let zoom = |points: f32| (points / theme::CARD_WIDTH).clamp(MIN_LEGIBLE_ZOOM, FULL_CARD_ZOOM);
    Legibility {
        title: zoom(title),
        icon: zoom(title + icon + COMPACT_GAP),
    }
}

/// How a card is drawn at a zoom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardForm {
    /// Title, key settings, chips, ports.
    Full,
    /// Icon and title (shortened to the card's width), on its colour.
    Compact,
    /// Colour and icon.
    Block,
}

/// The form of a card at `zoom`, for a workflow whose titles are legible
/// from the zoom `legible` (see [`Legibility::title`]).
pub fn card_form(zoom: f32, legible: f32) -> CardForm {
    // The scene's transform carries float error: Fit at exactly the legible
    // zoom must not fall a hair below it.
    let zoom = zoom * (1.0 + 1e-4);
    if zoom >= FULL_CARD_ZOOM {
        CardForm::Full
    } else if zoom >= legible {
        CardForm::Compact
    } else {
        CardForm::Block
    }
}

pub struct Palette {
    pub dark: bool,
    pub card: Color32,
    pub text: Color32,
    pub weak_text: Color32,
    pub border: Color32,
    pub selection: Color32,
    pub wire: Color32,
    pub chip: Color32,
}

impl Palette {
    pub fn from_visuals(v: &egui::Visuals) -> Self {
        Palette {
            dark: v.dark_mode,
            card: theme::card_fill(v.dark_mode),
            text: v.strong_text_color(),
            weak_text: v.weak_text_color(),
            border: theme::card_border(v.dark_mode),
            selection: v.selection.stroke.color,
            wire: theme::wire_color(v.dark_mode),
            chip: theme::chip_fill(v.dark_mode),
        }
    }
}

pub fn grid(painter: &Painter, visible: Rect, dark: bool) {
    let color = theme::grid_color(dark);
    let step = theme::GRID * 2.0;
    let stroke = Stroke::new(1.0, color);
    let mut x = (visible.left() / step).floor() * step;
    while x < visible.right() {
        painter.line_segment([pos2(x, visible.top()), pos2(x, visible.bottom())], stroke);
        x += step;
    }
    let mut y = (visible.top() / step).floor() * step;
    while y < visible.bottom() {
        painter.line_segment([pos2(visible.left(), y), pos2(visible.right(), y)], stroke);
        y += step;
    }
}

fn one_line(text: &str, size: f32, color: Color32, width: f32) -> LayoutJob {
    let mut job = LayoutJob::single_section(
        text.to_owned(),
        TextFormat::simple(FontId::proportional(size), color),
    );
    job.wrap = TextWrapping {
        max_width: width,
        max_rows: 1,
        break_anywhere: true,
        overflow_character: Some('…'),
    };
    job
}

pub struct CardState<'a> {
    pub selected: bool,
    pub hovered: bool,
    /// Worst finding and count, for the badge.
    pub badge: Option<(Severity, usize)>,
    pub highlighted: bool,
    /// What the node did in the last test run.
    pub step: Option<&'a StepResult>,
}

pub fn card(
    painter: &Painter,
    node: &Node,
    state: &CardState<'_>,
    zoom: f32,
    legible: Legibility,
    p: &Palette,
) {
    let rect = card_rect(node);
    let tag = node.kind.tag();
    let accent = theme::category_color(tag, p.dark);
    let radius = CornerRadius::same(theme::CARD_ROUNDING as u8);
    match card_form(zoom, legible.title) {
        CardForm::Full => {}
        CardForm::Compact => {
            let with_icon = zoom * (1.0 + 1e-4) >= legible.icon;
            return compact_card(painter, node, state, zoom, with_icon, p);
        }
        CardForm::Block => return block_card(painter, node, state, zoom, p),
    }

    // Shadow, body, header strip.
    painter.rect_filled(
        rect.translate(vec2(0.0, 2.0)),
        radius,
        theme::card_shadow(p.dark),
    );
    painter.rect_filled(rect, radius, p.card);
    let header = Rect::from_min_size(rect.min, vec2(rect.width(), HEADER_HEIGHT));
    let top = theme::CARD_ROUNDING as u8;
    painter.rect_filled(
        header,
        CornerRadius {
            nw: top,
            ne: top,
            sw: 0,
            se: 0,
        },
        accent,
    );
    let border = if state.selected {
        Stroke::new(2.5, p.selection)
    } else if state.highlighted {
        Stroke::new(2.5, theme::highlight_color(p.dark))
    } else if state.hovered {
        Stroke::new(1.5, accent)
    } else {
        Stroke::new(1.0, p.border)
    };
    painter.rect_stroke(rect, radius, border, StrokeKind::Inside);

    let text = card_text(node);
    // Text stops shrinking at LEGIBLE_PX on screen.
    let title_size = (14.0f32).max(LEGIBLE_PX / zoom);
    let body_size = (12.5f32).max(LEGIBLE_PX / zoom);
    painter.text(
        pos2(rect.left() + 10.0, header.center().y),
        Align2::LEFT_CENTER,
        theme::category_icon(tag),
        FontId::proportional(14.0),
        Color32::WHITE,
    );
    let title = painter.layout_job(one_line(
        &text.title,
        title_size,
        Color32::WHITE,
        rect.width() - 60.0,
    ));
    painter.galley(
        pos2(rect.left() + 30.0, header.center().y - title.size().y / 2.0),
        title,
        Color32::WHITE,
    );

    // A condition wraps over the card's body, clear of its port labels, so
    // that its value is never cut off.
    let decision = matches!(node.kind, idflow_core::model::NodeKind::Decision(_));
    let mut subtitle_job = one_line(
        &text.subtitle,
        body_size,
        p.text,
        if decision {
            rect.width() - 54.0
        } else {
            rect.width() - 20.0
        },
    );
    if decision {
        subtitle_job.wrap.max_rows = ((rect.bottom() - 8.0 - (header.bottom() + 8.0))
            / (body_size * 1.3))
            .floor()
            .max(1.0) as usize;
        subtitle_job.wrap.break_anywhere = false;
    }
    let subtitle = painter.layout_job(subtitle_job);
    painter.galley(
        pos2(rect.left() + 10.0, header.bottom() + 8.0),
        subtitle,
        p.text,
    );

    // Chips, left to right, as many as fit; too small to read below 70 %,
    // where they become one line of text instead.
    let chips: &[String] = if zoom < 0.7 { &[] } else { &text.chips };
    if zoom < 0.7 && !text.chips.is_empty() {
        let line = painter.layout_job(one_line(
            &text.chips.join(" · "),
            body_size,
            p.weak_text,
            rect.width() - 20.0,
        ));
        painter.galley(
            pos2(rect.left() + 10.0, rect.bottom() - 10.0 - line.size().y),
            line,
            p.weak_text,
        );
    }
    let mut x = rect.left() + 10.0;
    let y = rect.bottom() - 30.0;
    for chip in chips {
        let galley = painter.layout_no_wrap(chip.clone(), FontId::monospace(10.5), p.weak_text);
        let w = galley.size().x + 10.0;
        if x + w > rect.right() - 10.0 {
            painter.text(
                pos2(x, y + 9.0),
                Align2::LEFT_CENTER,
                "…",
                FontId::proportional(12.0),
                p.weak_text,
            );
            break;
        }
        let chip_rect = Rect::from_min_size(pos2(x, y), vec2(w, 18.0));
        painter.rect_filled(chip_rect, CornerRadius::same(9), p.chip);
        painter.galley(
            pos2(x + 5.0, y + 9.0 - galley.size().y / 2.0),
            galley,
            p.weak_text,
        );
        x += w + 4.0;
    }

    // Ports.
    painter.circle(
        input_port(node),
        PORT_RADIUS - 1.5,
        p.card,
        Stroke::new(1.5, p.wire),
    );
    for (port, pos) in output_ports(node) {
        let color = port_color(port, p.dark, accent);
        painter.circle(pos, PORT_RADIUS, color, Stroke::new(1.5, p.card));
        if port != Port::Out {
            let label = if port == Port::Then { "then" } else { "else" };
            painter.text(
                pos - vec2(PORT_RADIUS + 4.0, 0.0),
                Align2::RIGHT_CENTER,
                label,
                FontId::proportional(11.0),
                color,
            );
        }
    }

    if let Some(step) = state.step {
        step_pill(painter, rect, step, zoom, p);
    }

    if let Some((severity, count)) = state.badge {
        badge(painter, rect, severity, count, zoom, p);
    }
}

/// Colour and icon: an overview too far out for any text to be read.
fn block_card(painter: &Painter, node: &Node, state: &CardState<'_>, zoom: f32, p: &Palette) {
    let rect = card_rect(node);
    let tag = node.kind.tag();
    let accent = theme::category_color(tag, p.dark);
    let radius = CornerRadius::same(theme::CARD_ROUNDING as u8);
    painter.rect_filled(rect, radius, accent.gamma_multiply(0.85));
    if state.selected || state.highlighted {
        let color = if state.selected {
            p.selection
        } else {
            theme::highlight_color(p.dark)
        };
        painter.rect_stroke(
            rect,
            radius,
            Stroke::new(3.0 / zoom, color),
            StrokeKind::Outside,
        );
    }
    if let Some((severity, _)) = state.badge {
        painter.circle_filled(
            rect.right_top(),
            10.0 / zoom.max(0.1),
            theme::severity_color(severity, p.dark),
        );
    }
    // The icon once the card is tall enough on screen to hold it.
    if rect.height() * zoom >= 16.0 {
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            theme::category_icon(tag),
            FontId::proportional(LEGIBLE_PX / zoom),
            Color32::WHITE,
        );
    }
}

/// Icon and title at [`LEGIBLE_PX`] on the card's colour, the title cut to
/// the card's width with an ellipsis (the full title shows on hover). Where
/// the card is too narrow for both, the title alone: the colour still says
/// the category.
fn compact_card(
    painter: &Painter,
    node: &Node,
    state: &CardState<'_>,
    zoom: f32,
    with_icon: bool,
    p: &Palette,
) {
    let rect = card_rect(node);
    let tag = node.kind.tag();
    // White text needs the deeper accent in both themes (the dark theme's
    // lighter accents are too pale behind it).
    let fill = theme::category_color(tag, false);
    let radius = CornerRadius::same(theme::CARD_ROUNDING as u8);
    painter.rect_filled(rect, radius, fill);
    let border = if state.selected {
        Some(p.selection)
    } else if state.highlighted {
        Some(theme::highlight_color(p.dark))
    } else if state.hovered {
        Some(p.text)
    } else {
        None
    };
    if let Some(color) = border {
        painter.rect_stroke(
            rect,
            radius,
            Stroke::new(2.5 / zoom, color),
            StrokeKind::Outside,
        );
    }
    let size = LEGIBLE_PX / zoom;
    let pad = COMPACT_PAD / zoom;
    // A second line (the key setting) where the card is tall enough on
    // screen for two lines of legible text.
    let subtitle = (rect.height() * zoom >= 2.0 * LEGIBLE_PX * 1.35 + 2.0 * COMPACT_PAD)
        .then(|| card_text(node).subtitle)
        .filter(|s| !s.is_empty());
    let line = size * 1.3;
    let title_y = if subtitle.is_some() {
        rect.center().y - line / 2.0
    } else {
        rect.center().y
    };
    let mut text_left = rect.left() + pad;
    if with_icon {
        let icon = painter.layout_no_wrap(
            theme::category_icon(tag).to_owned(),
            FontId::proportional(size),
            Color32::WHITE,
        );
        let icon_width = icon.size().x;
        painter.galley(
            pos2(text_left, title_y - icon.size().y / 2.0),
            icon,
            Color32::WHITE,
        );
        text_left += icon_width + COMPACT_GAP / zoom;
    }
    let title = painter.layout_job(one_line(
        &title(node),
        size,
        Color32::WHITE,
        rect.right() - pad - text_left,
    ));
    painter.galley(
        pos2(text_left, title_y - title.size().y / 2.0),
        title,
        Color32::WHITE,
    );
    if let Some(subtitle) = subtitle {
        let faint = Color32::from_white_alpha(215);
        let galley = painter.layout_job(one_line(&subtitle, size, faint, rect.width() - 2.0 * pad));
        painter.galley(
            pos2(rect.left() + pad, title_y + line / 2.0 + 1.0 / zoom),
            galley,
            faint,
        );
    }
    if let Some(step) = state.step {
        step_pill(painter, rect, step, zoom, p);
    }
    if let Some((severity, count)) = state.badge {
        badge(painter, rect, severity, count, zoom, p);
    }
}

/// The findings badge on a card's corner, its count legible at any zoom.
fn badge(painter: &Painter, rect: Rect, severity: Severity, count: usize, zoom: f32, p: &Palette) {
    let scale = (1.0 / zoom).max(1.0);
    let center = rect.right_top() + vec2(-2.0, 2.0) * scale;
    painter.circle_filled(
        center,
        10.0 * scale,
        theme::severity_color(severity, p.dark),
    );
    painter.text(
        center,
        Align2::CENTER_CENTER,
        count.to_string(),
        FontId::proportional(LEGIBLE_PX * scale),
        Color32::WHITE,
    );
}

/// A test run's step result, as a pill across the card's bottom edge.
fn step_pill(painter: &Painter, rect: Rect, step: &StepResult, zoom: f32, p: &Palette) {
    let (text, fill) = match step {
        StepResult::Decision(decision, label) => {
            let word = words::of(decision.as_str());
            let text = if label.is_empty() || label == decision.as_str() || label == "OK" {
                format!("{} {word}", theme::decision_icon(*decision))
            } else {
                format!("{} {word} · {label}", theme::decision_icon(*decision))
            };
            (text, theme::decision_color(*decision, p.dark))
        }
        StepResult::Branch(port) => {
            let word = if *port == Port::Then { "Then" } else { "Else" };
            (format!("→ {word}"), port_color(*port, p.dark, p.wire))
        }
        StepResult::Note(note) => (note.clone(), p.wire),
    };
    // Legible on screen when zoomed out, like the card text.
    let size = (11.0f32).max(LEGIBLE_PX / zoom);
    let galley = painter.layout_job(one_line(&text, size, Color32::WHITE, rect.width() - 24.0));
    let pill = Rect::from_center_size(
        pos2(rect.center().x, rect.bottom()),
        galley.size() + vec2(14.0, 5.0),
    );
    painter.rect(
        pill,
        CornerRadius::same((pill.height() / 2.0).min(255.0) as u8),
        fill,
        Stroke::new(1.5, p.card),
        StrokeKind::Outside,
    );
    painter.galley(pill.center() - galley.size() / 2.0, galley, Color32::WHITE);
}

pub fn wire(painter: &Painter, a: Pos2, b: Pos2, color: Color32, width: f32, zoom: f32) {
    if zoom < DETAIL_ZOOM {
        painter.line_segment([a, b], Stroke::new(width / zoom.max(0.1) * 0.5, color));
        return;
    }
    painter.add(CubicBezierShape::from_points_stroke(
        wire_points(a, b),
        false,
        Color32::TRANSPARENT,
        Stroke::new(width, color),
    ));
    // Arrow head into the input port.
    let tip = b - vec2(PORT_RADIUS, 0.0);
    painter.add(egui::Shape::convex_polygon(
        vec![tip, tip + vec2(-8.0, -5.0), tip + vec2(-8.0, 5.0)],
        color,
        Stroke::NONE,
    ));
}

/// A note's text size (scene units).
pub const NOTE_TEXT_SIZE: f32 = 12.5;

pub fn note(
    painter: &Painter,
    note: &Note,
    rect: Rect,
    selected: bool,
    with_text: bool,
    zoom: f32,
    visuals: &egui::Visuals,
) {
    let fill = theme::note_fill(visuals.dark_mode);
    painter.rect_filled(
        rect.translate(Vec2::new(0.0, 2.0)),
        CornerRadius::same(4),
        theme::note_shadow(),
    );
    painter.rect_filled(rect, CornerRadius::same(4), fill);
    if selected {
        painter.rect_stroke(
            rect,
            CornerRadius::same(4),
            Stroke::new(2.0, visuals.selection.stroke.color),
            StrokeKind::Outside,
        );
    }
    if !with_text {
        return;
    }
    let color = theme::note_text(visuals.dark_mode);
    let (text, color) = if note.text.is_empty() {
        (
            "Empty note: double-click to write".to_owned(),
            color.gamma_multiply(0.55),
        )
    } else {
        (note.text.clone(), color)
    };
    // Legible when zoomed out, like the cards' text.
    let size = NOTE_TEXT_SIZE.max(LEGIBLE_PX / zoom);
    let mut job =
        LayoutJob::single_section(text, TextFormat::simple(FontId::proportional(size), color));
    let line = size * 1.3;
    job.wrap = TextWrapping {
        max_width: rect.width() - 16.0,
        max_rows: (((rect.height() - 16.0) / line).floor() as usize).max(1),
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    let galley = painter.layout_job(job);
    painter.galley(rect.min + vec2(8.0, 8.0), galley, color);
}

/// The corner a selected note is resized from: three short diagonal lines.
pub fn resize_grip(painter: &Painter, corner: Rect, visuals: &egui::Visuals) {
    let color = theme::note_text(visuals.dark_mode).gamma_multiply(0.6);
    let stroke = Stroke::new(1.2, color);
    let end = corner.right_bottom() - vec2(3.0, 3.0);
    for k in [4.0, 8.0, 12.0] {
        painter.line_segment([end - vec2(k, 0.0), end - vec2(0.0, k)], stroke);
    }
}

/// How a compared step changed, drawn over its card: an outline in the
/// mark's colour and a chip above it saying so; a removed step is ghosted.
pub fn compare_mark(painter: &Painter, node: &Node, mark: Mark, zoom: f32, p: &Palette) {
    let rect = card_rect(node);
    let radius = CornerRadius::same(theme::CARD_ROUNDING as u8);
    let color = mark_color(mark, p.dark);
    if mark == Mark::Removed {
        painter.rect_filled(rect, radius, theme::removed_veil(p.dark));
    }
    painter.rect_stroke(
        rect,
        radius,
        Stroke::new(3.0 / zoom.max(0.1), color),
        StrokeKind::Outside,
    );
    let size = (11.0f32).max(LEGIBLE_PX / zoom);
    let galley = painter.layout_no_wrap(
        mark_words(mark).to_owned(),
        FontId::proportional(size),
        Color32::WHITE,
    );
    let pad = vec2(6.0, 2.0) / zoom.max(0.1);
    let chip = Rect::from_min_size(
        rect.left_top() - vec2(0.0, galley.size().y + pad.y * 2.0 + 4.0 / zoom.max(0.1)),
        galley.size() + pad * 2.0,
    );
    painter.rect_filled(chip, CornerRadius::same(4), color);
    painter.galley(chip.min + pad, galley, Color32::WHITE);
}

/// Open review comments on a step: a chip at the card's bottom-right.
pub fn comment_badge(painter: &Painter, node: &Node, count: usize, zoom: f32, p: &Palette) {
    let rect = card_rect(node);
    let size = (11.0f32).max(LEGIBLE_PX / zoom);
    let galley = painter.layout_no_wrap(
        format!("💬 {count}"),
        FontId::proportional(size),
        Color32::WHITE,
    );
    let pad = vec2(5.0, 2.0) / zoom.max(0.1);
    let chip = Rect::from_min_size(
        rect.right_bottom() - galley.size() - pad * 2.0 - vec2(6.0, 6.0) / zoom.max(0.1),
        galley.size() + pad * 2.0,
    );
    painter.rect_filled(
        chip,
        CornerRadius::same(4),
        theme::comment_badge_fill(p.dark),
    );
    painter.galley(chip.min + pad, galley, Color32::WHITE);
}
