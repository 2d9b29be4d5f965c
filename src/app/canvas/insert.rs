//! Adding and wiring from the keyboard (issue 14): quick add puts the new
//! step after the selected one, wired to its free port, on a free spot; the
//! "Connect to…" picker wires the selected step's free port to a step
//! chosen by name.

use egui::{Rect, vec2};
use idflow_core::layout::{COLUMN_WIDTH, ROW_HEIGHT};
use idflow_core::model::{Edge, Node, NodeId, NodeKind, Port, Position};
use idflow_view::card::title as node_title;
use idflow_view::geometry::{card_rect, output_ports};
use idflow_view::theme;

use super::Canvas;
use crate::document::{Command, Document, EditError, Selection};

/// How far down a new card looks for a free spot before it settles.
const MAX_ROWS_TRIED: usize = 200;

/// The selected step when exactly one is selected.
pub fn single_selected(doc: &Document) -> Option<&Node> {
    if doc.selection.nodes.len() != 1 {
        return None;
    }
    doc.selection.nodes.first().and_then(|id| doc.node(id))
}

/// The first output port of `node` that no connection leaves from.
pub fn free_port(doc: &Document, node: &Node) -> Option<Port> {
    output_ports(node)
        .into_iter()
        .map(|(port, _)| port)
        .find(|port| {
            !doc.workflow()
                .edges
                .iter()
                .any(|e| e.from == node.id && e.port == *port)
        })
}

/// `at`, moved down a row at a time until its card overlaps no other card.
fn free_spot(doc: &Document, at: Position) -> Position {
    let margin = vec2(20.0, 20.0);
    let overlaps = |p: Position| {
        let rect = Rect::from_min_size(
            egui::pos2(p.x, p.y),
            vec2(theme::CARD_WIDTH, theme::CARD_HEIGHT),
        )
        .expand2(margin);
        doc.workflow()
            .nodes
            .iter()
            .any(|n| card_rect(n).intersects(rect))
    };
    let mut spot = at;
    for _ in 0..MAX_ROWS_TRIED {
        if !overlaps(spot) {
            return spot;
        }
        spot.y += ROW_HEIGHT;
    }
    spot
}

impl Canvas {
    /// Adds a step of `kind`: after the selected step, wired from its free
    /// port (Then before Else), when one is selected and has one; else at
    /// the view's centre. Either way on a spot no card covers, as one undo
    /// step, and selected.
    pub fn quick_add(
        &mut self,
        doc: &mut Document,
        kind: NodeKind,
        title: &str,
    ) -> Result<NodeId, EditError> {
        let after = single_selected(doc).and_then(|n| free_port(doc, n).map(|p| (n.clone(), p)));
        let at = match &after {
            Some((from, port)) => Position::new(
                from.position.x + COLUMN_WIDTH,
                from.position.y + if *port == Port::Else { ROW_HEIGHT } else { 0.0 },
            ),
            None => {
                let c = self.view.center();
                Position::new(
                    c.x - theme::CARD_WIDTH / 2.0,
                    c.y - theme::CARD_HEIGHT / 2.0,
                )
            }
        };
        let at = free_spot(doc, at);
        let id = doc.fresh_id(&Canvas::id_base(title));
        let mut node = Node::new(id.as_str(), at, kind);
        node.title = title.to_owned();
        let edges = after
            .map(|(from, port)| {
                vec![(
                    doc.workflow().edges.len(),
                    Edge {
                        from: from.id,
                        port,
                        to: id.clone(),
                    },
                )]
            })
            .unwrap_or_default();
        doc.apply(Command::AddNodes {
            nodes: vec![(doc.workflow().nodes.len(), node)],
            edges,
        })?;
        doc.selection = Selection::only(id.clone());
        self.focus_node(doc, &id);
        Ok(id)
    }

    /// Wires the selected step's free port to `to`. Says why when there is
    /// no single selected step or no free port.
    pub fn connect_selected_to(doc: &mut Document, to: &NodeId) -> Result<(), String> {
        let from = single_selected(doc)
            .cloned()
            .ok_or("Select one step to connect from")?;
        let port = free_port(doc, &from)
            .ok_or_else(|| format!("{} has no free output to connect", node_title(&from)))?;
        doc.apply(Command::AddEdge {
            index: None,
            edge: Edge {
                from: from.id,
                port,
                to: to.clone(),
            },
        })
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use idflow_core::Workflow;
    use idflow_core::model::{TerminalDecision, TerminalNode};

    use super::*;
    use crate::document::Source;

    fn end() -> NodeKind {
        NodeKind::Terminal(TerminalNode {
            decision: TerminalDecision::Derived,
            label: None,
        })
    }

    fn blank() -> Document {
        let mut w = Workflow::new(200000, "w");
        w.nodes.push(Node::new(
            "first",
            Position::new(0.0, 0.0),
            NodeKind::Decision(idflow_core::model::DecisionNode {
                condition: idflow_core::model::Condition {
                    subject: idflow_core::model::Subject::OverallDecision,
                    operator: idflow_core::model::Operator::Eq,
                    value: idflow_core::model::Value::Decision(
                        idflow_core::model::DecisionType::Passed,
                    ),
                },
            }),
        ));
        Document::open(
            w,
            Source::Store {
                key: 200000,
                revision: 1,
                origin: idflow_store::Origin::Custom,
            },
        )
    }

    /// After a decision: Then first, then Else one row lower, each wired,
    /// none on another card; a third finds no free port and is not wired.
    #[test]
    fn quick_add_wires_the_free_ports_in_turn_without_overlap() {
        let mut doc = blank();
        let mut canvas = Canvas::default();
        for _ in 0..2 {
            doc.selection = Selection::only(NodeId::new("first"));
            canvas.quick_add(&mut doc, end(), "End").unwrap();
        }
        let ports: Vec<Port> = doc.workflow().edges.iter().map(|e| e.port).collect();
        assert_eq!(ports, [Port::Then, Port::Else]);
        doc.selection = Selection::only(NodeId::new("first"));
        canvas.quick_add(&mut doc, end(), "End").unwrap();
        assert_eq!(doc.workflow().edges.len(), 2, "no free port: not wired");
        let rects: Vec<Rect> = doc.workflow().nodes.iter().map(card_rect).collect();
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} overlaps {b:?}");
            }
        }
        assert!(doc.undo());
        assert_eq!(doc.workflow().nodes.len(), 3, "one undo step per add");
    }
}
