use super::title;
use crate::lint::{Analysis, Sink};
use crate::model::{NodeKind, Port};

pub(crate) fn duplicate_node_id(a: &Analysis<'_>, sink: &mut Sink) {
    for &i in &a.duplicate_ids {
        sink.node(
            i,
            Some("id"),
            format!(
                "another node already has id `{}`: give this node a unique id",
                a.node(i).id
            ),
        );
    }
}

pub(crate) fn dangling_edge(a: &Analysis<'_>, sink: &mut Sink) {
    for &e in &a.dangling_edges {
        let edge = &a.workflow.edges[e];
        let missing = if a.index.contains_key(edge.from.as_str()) {
            &edge.to
        } else {
            &edge.from
        };
        let message = format!(
            "edge {} -> {} names node `{missing}`, which does not exist: remove the edge or add the node",
            edge.from, edge.to
        );
        match a.index.get(edge.from.as_str()) {
            Some(&i) => sink.node(i, Some("edges"), message),
            None => sink.workflow(Some("edges"), message),
        }
    }
}

pub(crate) fn no_entry(a: &Analysis<'_>, sink: &mut Sink) {
    if a.entry.is_none() {
        sink.workflow(
            None,
            "the flow has no entry: start it with an acquisition step that no edge leads into"
                .to_owned(),
        );
    }
}

fn is_extra_entry(a: &Analysis<'_>, i: usize) -> bool {
    !a.reachable[i]
        && a.incoming_count[i] == 0
        && matches!(a.node(i).kind, NodeKind::Acquisition(_))
        && a.entry.is_some()
}

pub(crate) fn multiple_entries(a: &Analysis<'_>, sink: &mut Sink) {
    for i in 0..a.workflow.nodes.len() {
        if is_extra_entry(a, i) {
            let entry = a
                .entry
                .map(|e| a.node(e).id.to_string())
                .unwrap_or_default();
            sink.node(i, None, format!(
                "{} is a second entry (the flow starts at `{entry}`): connect it after another acquisition step so credentials are collected in one sequence",
                title(a, i)
            ));
        }
    }
}

pub(crate) fn unreachable_node(a: &Analysis<'_>, sink: &mut Sink) {
    if a.entry.is_none() {
        return; // `no-entry` says it; everything would be unreachable.
    }
    for i in 0..a.workflow.nodes.len() {
        if !a.reachable[i] && !is_extra_entry(a, i) {
            sink.node(i, None, format!(
                "{} cannot be reached from the entry: connect an earlier step to it, or delete it",
                title(a, i)
            ));
        }
    }
}

pub(crate) fn cycle(a: &Analysis<'_>, sink: &mut Sink) {
    for i in 0..a.workflow.nodes.len() {
        if a.on_cycle[i] {
            sink.node(i, Some("edges"), format!(
                "{} is on a cycle: a workflow runs each step at most once, so remove the edge that leads back",
                title(a, i)
            ));
        }
    }
}

pub(crate) fn dead_end(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let ends = matches!(node.kind, NodeKind::Terminal(_) | NodeKind::Decision(_));
        if !ends && a.outgoing[i].is_empty() {
            sink.node(i, None, format!(
                "the path stops at {} without a terminal: connect it to the next step or to an End node",
                title(a, i)
            ));
        }
    }
}

pub(crate) fn decision_branch_missing(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Decision(_)) {
            continue;
        }
        for (port, field, name) in [(Port::Then, "then", "Then"), (Port::Else, "else", "Else")] {
            if !a.outgoing[i].iter().any(|&(p, _)| p == port) {
                sink.node(i, Some(field), format!(
                    "decision {} has no {name} branch: connect its {name} output to the step that follows when the condition {}",
                    title(a, i),
                    if port == Port::Then { "holds" } else { "does not hold" }
                ));
            }
        }
    }
}

pub(crate) fn invalid_port(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let is_decision = matches!(node.kind, NodeKind::Decision(_));
        let mut seen = [false; 3];
        for &(port, _) in &a.outgoing[i] {
            let valid = if is_decision {
                port != Port::Out
            } else {
                port == Port::Out
            };
            if !valid {
                let fix = if is_decision {
                    "a decision's edges leave from THEN or ELSE"
                } else {
                    "only decision points have THEN and ELSE; other steps have one OUT"
                };
                sink.node(
                    i,
                    Some("edges"),
                    format!(
                        "an edge leaves {} from port {}: {fix}",
                        title(a, i),
                        port.as_str()
                    ),
                );
                continue;
            }
            let slot = port as usize;
            if seen[slot] {
                sink.node(i, Some("edges"), format!(
                    "more than one edge leaves {} from port {}: a step has exactly one next step per output (use a decision point to branch)",
                    title(a, i),
                    port.as_str()
                ));
            }
            seen[slot] = true;
        }
    }
}

pub(crate) fn terminal_has_output(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if matches!(node.kind, NodeKind::Terminal(_)) && !a.outgoing[i].is_empty() {
            sink.node(i, Some("edges"), format!(
                "{} is a terminal but has outgoing edges: the flow ends here, so remove them or use another step",
                title(a, i)
            ));
        }
    }
}
