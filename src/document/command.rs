//! Edits as values. Applying one returns its exact inverse, so undo/redo
//! restore the workflow bit for bit (order of nodes and edges included).

use idflow_core::model::{Edge, Node, NodeId, Note, Position, RuleSetting, Workflow};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Inserts nodes (at their indices, ascending) and edges that touch them.
    AddNodes {
        nodes: Vec<(usize, Node)>,
        edges: Vec<(usize, Edge)>,
    },
    /// Removes nodes and every edge touching them.
    RemoveNodes {
        ids: Vec<NodeId>,
    },
    /// Moves nodes to absolute positions.
    SetPositions(Vec<(NodeId, Position)>),
    /// Replaces one node's title, kind and position (its id stays).
    SetNode(Node),
    AddEdge {
        index: Option<usize>,
        edge: Edge,
    },
    RemoveEdge(Edge),
    SetMeta {
        name: String,
        description: String,
    },
    AddNote {
        index: Option<usize>,
        note: Note,
    },
    RemoveNote {
        id: String,
    },
    SetNote(Note),
    SetLintRule {
        code: String,
        setting: Option<RuleSetting>,
    },
    /// Several edits as one step (a paste, a delete of a selection).
    Batch(Vec<Command>),
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("no node `{0}` in this workflow")]
    NoSuchNode(NodeId),
    #[error("a node with id `{0}` already exists")]
    DuplicateId(NodeId),
    #[error("no such edge {0} -> {1}")]
    NoSuchEdge(NodeId, NodeId),
    #[error("that connection already exists")]
    DuplicateEdge,
    #[error("no note `{0}`")]
    NoSuchNote(String),
    #[error("this workflow is read-only: duplicate it to make changes")]
    ReadOnly,
    #[error("the clipboard holds no idflow nodes: {0}")]
    NotAFragment(String),
    #[error("{step} has no {port} output")]
    NoSuchPort { step: String, port: &'static str },
    #[error("a step cannot connect to itself")]
    SelfConnection,
    #[error("Select one step to connect from")]
    NoStepSelected,
    #[error("{0} has no free output to connect")]
    NoFreeOutput(String),
    #[error("{0} has no output to lead on from")]
    NoOutput(String),
}

impl Command {
    /// Whether applying it can change which nodes/edges exist (the id
    /// index must then be rebuilt).
    pub fn is_structural(&self) -> bool {
        match self {
            Command::AddNodes { .. } | Command::RemoveNodes { .. } => true,
            Command::Batch(cs) => cs.iter().any(Command::is_structural),
            _ => false,
        }
    }

    /// Applies the edit and returns its inverse. On error the workflow is
    /// unchanged (a failing batch rolls back the parts already applied).
    pub fn apply(self, w: &mut Workflow) -> Result<Command, EditError> {
        match self {
            Command::AddNodes {
                mut nodes,
                mut edges,
            } => {
                nodes.sort_by_key(|(i, _)| *i);
                for (_, n) in &nodes {
                    if w.nodes.iter().any(|m| m.id == n.id) {
                        return Err(EditError::DuplicateId(n.id.clone()));
                    }
                }
                let ids: Vec<NodeId> = nodes.iter().map(|(_, n)| n.id.clone()).collect();
                for (i, n) in nodes {
                    let at = i.min(w.nodes.len());
                    w.nodes.insert(at, n);
                }
                edges.sort_by_key(|(i, _)| *i);
                for (i, e) in edges {
                    let at = i.min(w.edges.len());
                    w.edges.insert(at, e);
                }
                Ok(Command::RemoveNodes { ids })
            }
            Command::RemoveNodes { ids } => {
                let mut nodes = Vec::new();
                for id in &ids {
                    if !w.nodes.iter().any(|n| &n.id == id) {
                        return Err(EditError::NoSuchNode(id.clone()));
                    }
                }
                let mut i = 0;
                let mut original = 0;
                while i < w.nodes.len() {
                    if ids.contains(&w.nodes[i].id) {
                        nodes.push((original, w.nodes.remove(i)));
                    } else {
                        i += 1;
                    }
                    original += 1;
                }
                let mut edges = Vec::new();
                let (mut i, mut original) = (0, 0);
                while i < w.edges.len() {
                    let e = &w.edges[i];
                    if ids.contains(&e.from) || ids.contains(&e.to) {
                        edges.push((original, w.edges.remove(i)));
                    } else {
                        i += 1;
                    }
                    original += 1;
                }
                Ok(Command::AddNodes { nodes, edges })
            }
            Command::SetPositions(moves) => {
                let mut old = Vec::with_capacity(moves.len());
                for (id, _) in &moves {
                    let n = w
                        .nodes
                        .iter()
                        .find(|n| &n.id == id)
                        .ok_or_else(|| EditError::NoSuchNode(id.clone()))?;
                    old.push((id.clone(), n.position));
                }
                for (id, p) in moves {
                    if let Some(n) = w.nodes.iter_mut().find(|n| n.id == id) {
                        n.position = p;
                    }
                }
                Ok(Command::SetPositions(old))
            }
            Command::SetNode(node) => {
                let slot = w
                    .nodes
                    .iter_mut()
                    .find(|n| n.id == node.id)
                    .ok_or_else(|| EditError::NoSuchNode(node.id.clone()))?;
                Ok(Command::SetNode(std::mem::replace(slot, node)))
            }
            Command::AddEdge { index, edge } => {
                for id in [&edge.from, &edge.to] {
                    if !w.nodes.iter().any(|n| &n.id == id) {
                        return Err(EditError::NoSuchNode(id.clone()));
                    }
                }
                if w.edges.contains(&edge) {
                    return Err(EditError::DuplicateEdge);
                }
                let at = index.unwrap_or(w.edges.len()).min(w.edges.len());
                w.edges.insert(at, edge.clone());
                Ok(Command::RemoveEdge(edge))
            }
            Command::RemoveEdge(edge) => {
                let at = w
                    .edges
                    .iter()
                    .position(|e| e == &edge)
                    .ok_or_else(|| EditError::NoSuchEdge(edge.from.clone(), edge.to.clone()))?;
                let edge = w.edges.remove(at);
                Ok(Command::AddEdge {
                    index: Some(at),
                    edge,
                })
            }
            Command::SetMeta { name, description } => {
                let old = Command::SetMeta {
                    name: std::mem::replace(&mut w.name, name),
                    description: std::mem::replace(&mut w.description, description),
                };
                Ok(old)
            }
            Command::AddNote { index, note } => {
                let id = note.id.clone();
                let at = index.unwrap_or(w.notes.len()).min(w.notes.len());
                w.notes.insert(at, note);
                Ok(Command::RemoveNote { id })
            }
            Command::RemoveNote { id } => {
                let at = w
                    .notes
                    .iter()
                    .position(|n| n.id == id)
                    .ok_or(EditError::NoSuchNote(id))?;
                Ok(Command::AddNote {
                    index: Some(at),
                    note: w.notes.remove(at),
                })
            }
            Command::SetNote(note) => {
                let slot = w
                    .notes
                    .iter_mut()
                    .find(|n| n.id == note.id)
                    .ok_or_else(|| EditError::NoSuchNote(note.id.clone()))?;
                Ok(Command::SetNote(std::mem::replace(slot, note)))
            }
            Command::SetLintRule { code, setting } => {
                let old = match setting {
                    Some(s) => w.lint.insert(code.clone(), s),
                    None => w.lint.remove(&code),
                };
                Ok(Command::SetLintRule { code, setting: old })
            }
            Command::Batch(commands) => {
                let mut inverses = Vec::with_capacity(commands.len());
                for c in commands {
                    match c.apply(w) {
                        Ok(inverse) => inverses.push(inverse),
                        Err(e) => {
                            // Roll back what this batch already did.
                            for inverse in inverses.into_iter().rev() {
                                let _ = inverse.apply(w);
                            }
                            return Err(e);
                        }
                    }
                }
                inverses.reverse();
                Ok(Command::Batch(inverses))
            }
        }
    }
}
