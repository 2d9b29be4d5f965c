//! Where things are on the canvas, in scene coordinates.

use emath::{Pos2, Rect, pos2, vec2};
use idflow_core::model::{Node, NodeKind, Note, Port};

use crate::theme::{CARD_HEIGHT, CARD_WIDTH, GRID};

pub const PORT_RADIUS: f32 = 7.0;

/// The height of a card's header strip (its category colour, its title).
pub const HEADER_HEIGHT: f32 = 30.0;

pub fn card_rect(node: &Node) -> Rect {
    Rect::from_min_size(
        pos2(node.position.x, node.position.y),
        vec2(CARD_WIDTH, CARD_HEIGHT),
    )
}

pub fn note_rect(note: &Note) -> Rect {
    let size = note.size();
    Rect::from_min_size(
        pos2(note.position.x, note.position.y),
        vec2(size.width, size.height),
    )
}

/// The output ports a node has, with their centres.
pub fn output_ports(node: &Node) -> Vec<(Port, Pos2)> {
    let ports: &[Port] = match node.kind {
        NodeKind::Decision(_) => &[Port::Then, Port::Else],
        NodeKind::Terminal(_) => &[],
        _ => &[Port::Out],
    };
    ports.iter().map(|&p| (p, output_port(node, p))).collect()
}

/// One port's centre (no allocation: called for every visible wire each frame).
pub fn output_port(node: &Node, port: Port) -> Pos2 {
    let r = card_rect(node);
    match (&node.kind, port) {
        (NodeKind::Decision(_), Port::Then) => pos2(r.right(), r.top() + r.height() * 0.38),
        (NodeKind::Decision(_), Port::Else) => pos2(r.right(), r.top() + r.height() * 0.74),
        _ => pos2(r.right(), r.center().y),
    }
}

pub fn input_port(node: &Node) -> Pos2 {
    card_rect(node).left_center()
}

/// Control points of the wire from `a` (an output) to `b` (an input).
pub fn wire_points(a: Pos2, b: Pos2) -> [Pos2; 4] {
    let dx = ((b.x - a.x).abs() * 0.5).max(40.0);
    [a, pos2(a.x + dx, a.y), pos2(b.x - dx, b.y), b]
}

/// The wire's midpoint (where its handle sits).
pub fn wire_midpoint(a: Pos2, b: Pos2) -> Pos2 {
    let [p0, p1, p2, p3] = wire_points(a, b);
    // Cubic Bézier at t = 0.5.
    let t = 0.5f32;
    let u = 1.0 - t;
    let v = p0.to_vec2() * (u * u * u)
        + p1.to_vec2() * (3.0 * u * u * t)
        + p2.to_vec2() * (3.0 * u * t * t)
        + p3.to_vec2() * (t * t * t);
    v.to_pos2()
}

/// Bounding box of a wire (its control polygon contains the curve).
pub fn wire_bounds(a: Pos2, b: Pos2) -> Rect {
    Rect::from_points(&wire_points(a, b))
}

pub fn snap(v: f32) -> f32 {
    (v / GRID).round() * GRID
}
