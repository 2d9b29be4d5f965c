//! The clipboard holds RON, so nodes paste between windows and into a text
//! editor (and back).

use std::collections::BTreeSet;

use idflow_core::format::{Format, parse_text, to_text};
use idflow_core::model::{Edge, Node, NodeId, Workflow};
use serde::{Deserialize, Serialize};

use super::command::EditError;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fragment {
    pub idflow_fragment: u32,
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
}

pub fn fragment_text(workflow: &Workflow, ids: &BTreeSet<NodeId>) -> String {
    let nodes: Vec<Node> = workflow
        .nodes
        .iter()
        .filter(|n| ids.contains(&n.id))
        .cloned()
        .collect();
    let edges: Vec<Edge> = workflow
        .edges
        .iter()
        .filter(|e| ids.contains(&e.from) && ids.contains(&e.to))
        .cloned()
        .collect();
    to_text(
        &Fragment {
            idflow_fragment: 1,
            nodes,
            edges,
        },
        Format::Ron,
    )
}

pub fn parse_fragment(text: &str) -> Result<Fragment, EditError> {
    parse_text::<Fragment>(text, Format::Ron).map_err(|e| EditError::NotAFragment(e.to_string()))
}
