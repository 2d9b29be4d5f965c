//! The canvas drawing as SVG text (light theme): one string, built in one
//! pass over notes, wires and cards, with the card geometry, colours and
//! words the canvas uses.

use std::collections::HashMap;
use std::fmt::Write as _;

use ecolor::Color32;
use emath::{Pos2, Rect};
use idflow_core::Workflow;
use idflow_core::diff::{Diff, Mark};
use idflow_core::lint::{Severity, lint};
use idflow_core::model::{Node, NodeId, Port};

use crate::card::card_text;
use crate::geometry::{
    HEADER_HEIGHT, card_rect, input_port, note_rect, output_port, output_ports, wire_points,
};
use crate::theme::{self, mark_color};
use crate::words::mark_words;

/// Room around the drawing.
const MARGIN: f32 = 40.0;

/// `workflow` as SVG. With `changes` (from `before`), steps are marked
/// added, changed or moved, and the removed ones are drawn ghosted.
pub fn svg(workflow: &Workflow, changes: Option<&Diff>, before: Option<&Workflow>) -> String {
    let removed: Vec<&Node> = match (changes, before) {
        (Some(changes), Some(before)) => before
            .nodes
            .iter()
            .filter(|n| changes.steps.removed.iter().any(|s| s.id == n.id.as_str()))
            .collect(),
        _ => Vec::new(),
    };
    let bounds = bounds(workflow, &removed);
    let report = lint(workflow);
    let mut badges: HashMap<&NodeId, (Severity, usize)> = HashMap::new();
    for finding in &report.findings {
        if let Some(node) = &finding.node {
            let entry = badges.entry(node).or_insert((finding.severity, 0));
            entry.1 += 1;
            if rank(finding.severity) > rank(entry.0) {
                entry.0 = finding.severity;
            }
        }
    }
    let mut out = String::with_capacity(1024 + workflow.nodes.len() * 1200);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" width="{}" height="{}" font-family="DejaVu Sans, Verdana, sans-serif">"#,
        num(bounds.min.x),
        num(bounds.min.y),
        num(bounds.width()),
        num(bounds.height()),
        num(bounds.width()),
        num(bounds.height()),
    );
    let _ = write!(
        out,
        r##"<title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="#f6f7f9"/>"##,
        escape(&workflow.name),
        num(bounds.min.x),
        num(bounds.min.y),
        num(bounds.width()),
        num(bounds.height()),
    );
    for note in &workflow.notes {
        let r = note_rect(note);
        let _ = write!(
            out,
            r#"<g class="note"><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}"/>"#,
            num(r.min.x),
            num(r.min.y),
            num(r.width()),
            num(r.height()),
            hex(theme::note_fill(false)),
        );
        text_lines(&mut out, r, &note.text, 13.0, 8.0);
        out.push_str("</g>");
    }
    let by_id: HashMap<&NodeId, &Node> = workflow
        .nodes
        .iter()
        .chain(removed.iter().copied())
        .map(|n| (&n.id, n))
        .collect();
    let ghost_edges = before.map(|b| b.edges.as_slice()).unwrap_or(&[]);
    for (edge, ghost) in workflow.edges.iter().map(|e| (e, false)).chain(
        ghost_edges
            .iter()
            .filter(|e| !workflow.edges.contains(e))
            .map(|e| (e, true)),
    ) {
        let (Some(from), Some(to)) = (by_id.get(&edge.from), by_id.get(&edge.to)) else {
            continue;
        };
        let ghosted = removed.iter().any(|n| n.id == from.id || n.id == to.id);
        if ghost && !ghosted {
            continue;
        }
        let [a, p1, p2, b] = wire_points(output_port(from, edge.port), input_port(to));
        // As on the canvas: Then green, Else red, a plain output grey.
        let color = match (ghosted, branch_word(edge.port)) {
            (true, _) => "#c62828".to_owned(),
            (false, Some(_)) => hex(theme::port_color(edge.port, false, Color32::GRAY)),
            (false, None) => "#7a8594".to_owned(),
        };
        let _ = write!(
            out,
            r##"<path d="M{} {} C{} {} {} {} {} {}" fill="none" stroke="{color}" stroke-width="2"{}/>"##,
            num(a.x),
            num(a.y),
            num(p1.x),
            num(p1.y),
            num(p2.x),
            num(p2.y),
            num(b.x),
            num(b.y),
            if ghosted {
                r#" stroke-dasharray="6 4" opacity="0.6""#
            } else {
                ""
            },
        );
        // The branch's meaning in words on its wire, so a print in grey
        // still says which way is Then.
        if let Some(word) = branch_word(edge.port) {
            let _ = write!(
                out,
                r##"<text class="branch" x="{}" y="{}" font-size="12" font-weight="bold" fill="{color}">{word}</text>"##,
                num(a.x + 12.0),
                num(a.y - 6.0),
            );
        }
    }
    for node in &workflow.nodes {
        let mark = changes.and_then(|c| c.mark_of(node.id.as_str()));
        card(&mut out, node, badges.get(&node.id).copied(), mark);
    }
    for node in &removed {
        card(&mut out, node, None, Some(Mark::Removed));
    }
    out.push_str("</svg>\n");
    out
}

fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

fn bounds(workflow: &Workflow, removed: &[&Node]) -> Rect {
    let mut r = Rect::NOTHING;
    for node in workflow.nodes.iter().chain(removed.iter().copied()) {
        // Room above for a compare mark's chip.
        r = r.union(card_rect(node).expand2(emath::vec2(8.0, 30.0)));
    }
    for note in &workflow.notes {
        r = r.union(note_rect(note));
    }
    if !r.is_positive() {
        r = Rect::from_min_size(Pos2::ZERO, emath::vec2(400.0, 200.0));
    }
    r.expand(MARGIN)
}

fn card(out: &mut String, node: &Node, badge: Option<(Severity, usize)>, mark: Option<Mark>) {
    let r = card_rect(node);
    let tag = node.kind.tag();
    let accent = hex(theme::category_color(tag, false));
    let text = card_text(node);
    let id = escape(node.id.as_str());
    let clip = format!("clip-{}", clip_id(node.id.as_str()));
    let _ = write!(
        out,
        r#"<g class="step" id="step-{id}"{}><clipPath id="{clip}"><rect x="{}" y="{}" width="{}" height="{}" rx="10"/></clipPath>"#,
        if mark == Some(Mark::Removed) {
            r#" opacity="0.45""#
        } else {
            ""
        },
        num(r.min.x),
        num(r.min.y),
        num(r.width()),
        num(r.height()),
    );
    let _ = write!(
        out,
        r##"<g clip-path="url(#{clip})"><rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#ffffff"/><rect x="{x}" y="{y}" width="{w}" height="{header}" fill="{accent}"/>"##,
        header = num(HEADER_HEIGHT),
        x = num(r.min.x),
        y = num(r.min.y),
        w = num(r.width()),
        h = num(r.height()),
    );
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="#ffffff">{}</text>"##,
        num(r.min.x + 10.0),
        num(r.min.y + 20.0),
        escape(&text.title),
    );
    // Wrapped at words on up to two lines (an If/Else's condition is a
    // sentence), leaving an If/Else's port labels their room.
    let ports = output_ports(node);
    let branches = ports.iter().any(|(port, _)| branch_word(*port).is_some());
    let room = r.width() - 20.0 - if branches { 44.0 } else { 0.0 };
    let per_line = ((room / (12.5 * 0.55)).floor() as usize).max(8);
    for (i, line) in wrap_words(&text.subtitle, per_line, 2).iter().enumerate() {
        let _ = write!(
            out,
            r##"<text class="subtitle" x="{}" y="{}" font-size="12.5" fill="#1f2430">{}</text>"##,
            num(r.min.x + 10.0),
            num(r.min.y + 52.0 + 16.0 * i as f32),
            escape(line),
        );
    }
    if !text.chips.is_empty() {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="11" fill="#5b6472">{}</text>"##,
            num(r.min.x + 10.0),
            num(r.min.y + 82.0),
            escape(&text.chips.join(" · ")),
        );
    }
    let _ = write!(
        out,
        r##"</g><rect x="{}" y="{}" width="{}" height="{}" rx="10" fill="none" stroke="#c9ced6"/>"##,
        num(r.min.x),
        num(r.min.y),
        num(r.width()),
        num(r.height()),
    );
    for (port, at) in ports {
        let Some(word) = branch_word(port) else {
            continue;
        };
        let color = hex(theme::port_color(port, false, Color32::GRAY));
        let _ = write!(
            out,
            r##"<circle cx="{}" cy="{}" r="6" fill="{color}" stroke="#ffffff" stroke-width="1.5"/><text x="{}" y="{}" font-size="11" fill="{color}" text-anchor="end">{}</text>"##,
            num(at.x),
            num(at.y),
            num(at.x - 10.0),
            num(at.y + 4.0),
            word.to_lowercase(),
        );
    }
    if let Some((severity, count)) = badge {
        let _ = write!(
            out,
            r##"<circle cx="{}" cy="{}" r="10" fill="{}"/><text x="{}" y="{}" font-size="11" font-weight="bold" fill="#ffffff" text-anchor="middle">{count}</text>"##,
            num(r.max.x),
            num(r.min.y),
            hex(theme::severity_color(severity, false)),
            num(r.max.x),
            num(r.min.y + 4.0),
        );
    }
    if let Some(mark) = mark {
        let color = hex(mark_color(mark, false));
        let words = mark_words(mark);
        let width = 12.0 + 7.0 * words.chars().count() as f32;
        let _ = write!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="12" fill="none" stroke="{color}" stroke-width="3"/><rect x="{}" y="{}" width="{}" height="18" rx="4" fill="{color}"/><text x="{}" y="{}" font-size="11" fill="#ffffff">{}</text>"##,
            num(r.min.x - 2.0),
            num(r.min.y - 2.0),
            num(r.width() + 4.0),
            num(r.height() + 4.0),
            num(r.min.x),
            num(r.min.y - 24.0),
            num(width),
            num(r.min.x + 6.0),
            num(r.min.y - 11.0),
            escape(words),
        );
    }
    out.push_str("</g>");
}

/// "Then" or "Else" for an If/Else's ports, none for a plain output.
fn branch_word(port: Port) -> Option<&'static str> {
    match port {
        Port::Then => Some("Then"),
        Port::Else => Some("Else"),
        Port::Out => None,
    }
}

/// `text` in lines of at most `per_line` characters, broken between words,
/// at most `lines` of them; what does not fit ends the last line with "…"
/// (a word longer than a line is the only thing ever cut).
fn wrap_words(text: &str, per_line: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let fits = out
            .last()
            .is_some_and(|line| line.chars().count() + 1 + word.chars().count() <= per_line);
        if fits {
            if let Some(line) = out.last_mut() {
                line.push(' ');
                line.push_str(word);
            }
            continue;
        }
        if out.len() == lines {
            if let Some(line) = out.last_mut() {
                line.push('…');
            }
            return out;
        }
        out.push(word.chars().take(per_line).collect());
        if word.chars().count() > per_line
            && let Some(line) = out.last_mut()
        {
            line.pop();
            line.push('…');
        }
    }
    out
}

/// A note's text, wrapped to the note's width by characters (the SVG has
/// no layout of its own); lines that do not fit are left out.
fn text_lines(out: &mut String, r: Rect, text: &str, size: f32, pad: f32) {
    let per_line = (((r.width() - 2.0 * pad) / (size * 0.55)).floor() as usize).max(8);
    let mut y = r.min.y + pad + size;
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
                if y > r.max.y - pad {
                    return;
                }
                emit_line(out, r.min.x + pad, y, size, &line);
                y += size * 1.3;
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if y > r.max.y - pad {
            return;
        }
        emit_line(out, r.min.x + pad, y, size, &line);
        y += size * 1.3;
    }
}

fn emit_line(out: &mut String, x: f32, y: f32, size: f32, line: &str) {
    let _ = write!(
        out,
        r##"<text x="{}" y="{}" font-size="{}" fill="#282828">{}</text>"##,
        num(x),
        num(y),
        num(size),
        escape(line)
    );
}

/// A number as SVG writes it: no needless fraction.
fn num(v: f32) -> String {
    if v.fract() == 0.0 && v.abs() < 1e9 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}

fn hex(c: Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

/// Text as XML character data or attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not XML.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An id usable in `url(#...)`: node ids are free text.
fn clip_id(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .chain(format!("-{:x}", fxhash(id)).chars())
        .collect()
}

fn fxhash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
