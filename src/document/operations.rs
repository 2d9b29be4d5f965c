//! Edits as named operations, over the command stack (as diagram-js's
//! `Modeling` sits over its `CommandStack`): adding a step, connecting,
//! inserting between, quick add, "Connect to…", deleting, pasting and
//! duplicating the selection. Each one enforces the graph rules here,
//! once, whoever calls it (the canvas, the keyboard, the pickers), and
//! applies one command: one undo step.
//!
//! The graph rules:
//! - an output port leads to one step at most: connecting a wired port
//!   replaces what it led to ("Connect to…" and quick add only use a free
//!   port);
//! - a step has the output ports of its kind (`output_ports`: a decision
//!   Then and Else, an end none, any other step one);
//! - no step connects to itself;
//! - a new step gets a readable id no other step has, and is selected.

use std::collections::{BTreeSet, HashMap};

use idflow_core::layout::{COLUMN_WIDTH, ROW_HEIGHT};
use idflow_core::model::{Edge, Node, NodeId, NodeKind, Port, Position, Workflow};
use idflow_view::card::title as node_title;
use idflow_view::geometry::{card_rect, output_ports};
use idflow_view::theme;

use super::{Command, Document, EditError, Selection, fragment_text, parse_fragment};

/// How far down a new card looks for a free spot before it settles.
const MAX_ROWS_TRIED: usize = 200;

/// The space kept free around a card quick add places.
const QUICK_ADD_MARGIN: f32 = 20.0;

impl Document {
    /// The selected step when exactly one is selected.
    pub fn single_selected(&self) -> Option<&Node> {
        if self.selection.nodes.len() != 1 {
            return None;
        }
        self.selection.nodes.first().and_then(|id| self.node(id))
    }

    /// The first output port of `node` that no connection leaves from
    /// (Then before Else).
    pub fn free_port(&self, node: &Node) -> Option<Port> {
        output_ports(node)
            .into_iter()
            .map(|(port, _)| port)
            .find(|port| !self.port_is_wired(&node.id, *port))
    }

    fn port_is_wired(&self, from: &NodeId, port: Port) -> bool {
        self.workflow
            .edges
            .iter()
            .any(|e| &e.from == from && e.port == port)
    }

    /// Adds a step of `kind` titled `title` with its card's top-left at
    /// `at`, as one undo step, and selects it.
    pub fn add_node(
        &mut self,
        kind: NodeKind,
        title: &str,
        at: Position,
    ) -> Result<NodeId, EditError> {
        let node = self.new_node(kind, title, at);
        let id = node.id.clone();
        self.apply(Command::AddNodes {
            nodes: vec![(self.workflow.nodes.len(), node)],
            edges: Vec::new(),
        })?;
        self.selection = Selection::only(id.clone());
        Ok(id)
    }

    /// Connects `from`'s `port` to `to` as one undo step, replacing what the
    /// port led to. Returns whether anything changed: a connection that
    /// already exists is left as it is (no undo step).
    pub fn connect(&mut self, from: &NodeId, port: Port, to: &NodeId) -> Result<bool, EditError> {
        let source = self
            .node(from)
            .ok_or_else(|| EditError::NoSuchNode(from.clone()))?;
        if !output_ports(source).iter().any(|(p, _)| *p == port) {
            return Err(EditError::NoSuchPort {
                step: node_title(source),
                port: port.as_str(),
            });
        }
        if from == to {
            return Err(EditError::SelfConnection);
        }
        let edge = Edge {
            from: from.clone(),
            port,
            to: to.clone(),
        };
        if self.workflow.edges.contains(&edge) {
            return Ok(false);
        }
        let mut replaced: Vec<Command> = self
            .workflow
            .edges
            .iter()
            .filter(|e| &e.from == from && e.port == port)
            .map(|e| Command::RemoveEdge(e.clone()))
            .collect();
        let add = Command::AddEdge { index: None, edge };
        self.apply(if replaced.is_empty() {
            add
        } else {
            replaced.push(add);
            Command::Batch(replaced)
        })?;
        Ok(true)
    }

    /// Lays the whole workflow out left to right (`idflow_core::layout`) as
    /// one undo step, moving only the steps whose place changes. Returns
    /// whether anything moved: a layout that moves nothing adds no undo
    /// step and leaves the workflow saved (issue 33, item 12).
    pub fn auto_layout(&mut self) -> Result<bool, EditError> {
        let moves: Vec<(NodeId, Position)> = idflow_core::layout::layered(&self.workflow)
            .into_iter()
            .filter(|(id, to)| self.node(id).is_some_and(|n| n.position != *to))
            .collect();
        if moves.is_empty() {
            return Ok(false);
        }
        self.apply(Command::SetPositions(moves))?;
        Ok(true)
    }

    /// "Connect to…": wires the selected step's free port to `to`, as one
    /// undo step. Refuses, saying why, when not exactly one step is
    /// selected or it has no free output (it never replaces a connection).
    pub fn connect_selected_to(&mut self, to: &NodeId) -> Result<Edge, EditError> {
        let from = self.single_selected().ok_or(EditError::NoStepSelected)?;
        let port = self
            .free_port(from)
            .ok_or_else(|| EditError::NoFreeOutput(node_title(from)))?;
        let from = from.id.clone();
        self.connect(&from, port, to)?;
        Ok(Edge {
            from,
            port,
            to: to.clone(),
        })
    }

    /// Quick add: a step of `kind` after the selected step, wired from its
    /// free port (Then before Else, Else a row lower), when one step is
    /// selected and has one; else centred on `centre` (the view's centre),
    /// unwired. Either way on a spot no card covers (moved down a row at a
    /// time), as one undo step, and selected.
    pub fn quick_add(
        &mut self,
        kind: NodeKind,
        title: &str,
        centre: Position,
    ) -> Result<NodeId, EditError> {
        let after = self
            .single_selected()
            .and_then(|n| self.free_port(n).map(|p| (n, p)));
        let at = match after {
            Some((from, port)) => Position::new(
                from.position.x + COLUMN_WIDTH,
                from.position.y + if port == Port::Else { ROW_HEIGHT } else { 0.0 },
            ),
            None => Position::new(
                centre.x - theme::CARD_WIDTH / 2.0,
                centre.y - theme::CARD_HEIGHT / 2.0,
            ),
        };
        let wire = after.map(|(from, port)| (from.id.clone(), port));
        let mut node = self.new_node(kind, title, at);
        node.position = free_spot(&self.workflow, &node);
        let id = node.id.clone();
        let edges = wire
            .map(|(from, port)| {
                vec![(
                    self.workflow.edges.len(),
                    Edge {
                        from,
                        port,
                        to: id.clone(),
                    },
                )]
            })
            .unwrap_or_default();
        self.apply(Command::AddNodes {
            nodes: vec![(self.workflow.nodes.len(), node)],
            edges,
        })?;
        self.selection = Selection::only(id.clone());
        Ok(id)
    }

    /// Puts a new step of `kind` (its card's top-left at `at`) on the
    /// connection `edge`: `edge`'s port then leads to it and its first
    /// output to where `edge` led, as one undo step; the step is selected.
    /// Refuses a step with no output (an end) and a connection that does
    /// not exist.
    pub fn insert_between(
        &mut self,
        edge: &Edge,
        kind: NodeKind,
        title: &str,
        at: Position,
    ) -> Result<NodeId, EditError> {
        let index = self
            .workflow
            .edges
            .iter()
            .position(|e| e == edge)
            .ok_or_else(|| EditError::NoSuchEdge(edge.from.clone(), edge.to.clone()))?;
        let node = self.new_node(kind, title, at);
        let Some((out, _)) = output_ports(&node).into_iter().next() else {
            return Err(EditError::NoOutput(node_title(&node)));
        };
        let id = node.id.clone();
        let into = Edge {
            from: edge.from.clone(),
            port: edge.port,
            to: id.clone(),
        };
        let onwards = Edge {
            from: id.clone(),
            port: out,
            to: edge.to.clone(),
        };
        self.apply(Command::Batch(vec![
            Command::RemoveEdge(edge.clone()),
            Command::AddNodes {
                nodes: vec![(self.workflow.nodes.len(), node)],
                edges: vec![(index, into), (index + 1, onwards)],
            },
        ]))?;
        self.selection = Selection::only(id.clone());
        Ok(id)
    }

    /// Deletes the selected nodes (with their edges) and notes as one step.
    pub fn delete_selection(&mut self) -> Result<(), EditError> {
        let mut commands = Vec::new();
        if !self.selection.nodes.is_empty() {
            commands.push(Command::RemoveNodes {
                ids: self.selection.nodes.iter().cloned().collect(),
            });
        }
        for id in &self.selection.notes {
            commands.push(Command::RemoveNote { id: id.clone() });
        }
        if commands.is_empty() {
            return Ok(());
        }
        self.apply(Command::Batch(commands))?;
        self.selection.clear();
        Ok(())
    }

    /// The selected nodes, and the edges between them, as RON text.
    pub fn copy_selection(&self) -> Option<String> {
        if self.selection.nodes.is_empty() {
            return None;
        }
        Some(fragment_text(&self.workflow, &self.selection.nodes))
    }

    /// Pastes a fragment as one undo step: ids are renamed where they clash,
    /// the nodes keep their layout and land with their top-left corner at
    /// `at` (or 40 px down-right of where they were). Selects what was pasted.
    pub fn paste(&mut self, text: &str, at: Option<Position>) -> Result<usize, EditError> {
        let fragment = parse_fragment(text)?;
        let (min_x, min_y) = fragment
            .nodes
            .iter()
            .fold((f32::INFINITY, f32::INFINITY), |(x, y), n| {
                (x.min(n.position.x), y.min(n.position.y))
            });
        let (dx, dy) = match at {
            Some(p) if min_x.is_finite() => (p.x - min_x, p.y - min_y),
            _ => (40.0, 40.0),
        };
        let mut renames: HashMap<NodeId, NodeId> = HashMap::new();
        let mut taken: BTreeSet<NodeId> = self.index.keys().cloned().collect();
        let mut nodes = Vec::new();
        let base = self.workflow.nodes.len();
        for (k, mut node) in fragment.nodes.into_iter().enumerate() {
            let mut id = node.id.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = NodeId::new(format!("{}_{n}", node.id));
                n += 1;
            }
            taken.insert(id.clone());
            renames.insert(node.id.clone(), id.clone());
            node.id = id;
            node.position = Position::new(node.position.x + dx, node.position.y + dy);
            nodes.push((base + k, node));
        }
        let edges_base = self.workflow.edges.len();
        let edges: Vec<_> = fragment
            .edges
            .into_iter()
            .filter_map(|mut e| {
                e.from = renames.get(&e.from)?.clone();
                e.to = renames.get(&e.to)?.clone();
                Some(e)
            })
            .enumerate()
            .map(|(k, e)| (edges_base + k, e))
            .collect();
        let pasted: BTreeSet<NodeId> = nodes.iter().map(|(_, n)| n.id.clone()).collect();
        let count = pasted.len();
        self.apply(Command::AddNodes { nodes, edges })?;
        self.selection = Selection {
            nodes: pasted,
            notes: BTreeSet::new(),
        };
        Ok(count)
    }

    /// Copy + paste in one go (Ctrl+D).
    pub fn duplicate_selection(&mut self) -> Result<usize, EditError> {
        match self.copy_selection() {
            Some(text) => self.paste(&text, None),
            None => Ok(0),
        }
    }

    /// A step of `kind` titled `title` at `at`, with an id no step has,
    /// readable from its title (`ID capture` -> `id_capture`).
    fn new_node(&self, kind: NodeKind, title: &str, at: Position) -> Node {
        // A readable id from the title (`ID capture` -> `id_capture`), made
        // as expectation ids are.
        let id = self.fresh_id(&idflow_core::model::id_slug(title));
        let mut node = Node::new(id.as_str(), at, kind);
        node.title = title.to_owned();
        node
    }
}

/// Where `card` goes: where it is, or moved down a row at a time until it
/// overlaps no other card (with a margin), for at most `MAX_ROWS_TRIED` rows.
fn free_spot(workflow: &Workflow, card: &Node) -> Position {
    let mut probe = card.clone();
    for _ in 0..MAX_ROWS_TRIED {
        let rect = card_rect(&probe).expand(QUICK_ADD_MARGIN);
        if !workflow.nodes.iter().any(|n| card_rect(n).intersects(rect)) {
            return probe.position;
        }
        probe.position.y += ROW_HEIGHT;
    }
    probe.position
}
