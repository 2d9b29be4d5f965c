//! Auto-layout: layered, left to right. Each node sits one column right of
//! its furthest predecessor; within a column nodes are ordered by the rows of
//! their predecessors (a decision's Then above its Else), so the main path
//! stays on top and branches fan out below it.

use std::collections::HashMap;

use crate::model::{NodeId, Port, Position, Workflow};

pub const COLUMN_WIDTH: f32 = 280.0;
pub const ROW_HEIGHT: f32 = 170.0;

/// The nodes' indices in flow order: every step after the steps that lead
/// into it, entries first, a decision's Then before its Else; nodes on
/// cycles follow in file order. What the keyboard and a screen reader walk
/// through, and the order auto-layout places. Linear in nodes and edges.
pub fn flow_order(workflow: &Workflow) -> Vec<usize> {
    flow(workflow).0
}

/// Flow order, with each node's incoming edges (by index).
fn flow(workflow: &Workflow) -> (Vec<usize>, Vec<Vec<(usize, Port)>>) {
    let n = workflow.nodes.len();
    let index: HashMap<&NodeId, usize> = workflow
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| (&node.id, i))
        .collect();
    let mut outgoing: Vec<Vec<(usize, Port)>> = vec![Vec::new(); n];
    let mut incoming: Vec<Vec<(usize, Port)>> = vec![Vec::new(); n];
    for edge in &workflow.edges {
        if let (Some(&from), Some(&to)) = (index.get(&edge.from), index.get(&edge.to)) {
            outgoing[from].push((to, edge.port));
            incoming[to].push((from, edge.port));
        }
    }

    // Kahn's order; nodes on cycles are appended so they still get a place.
    let mut remaining: Vec<usize> = incoming.iter().map(Vec::len).collect();
    let mut order = Vec::with_capacity(n);
    let mut queue: Vec<usize> = (0..n).rev().filter(|&i| remaining[i] == 0).collect();
    while let Some(i) = queue.pop() {
        order.push(i);
        for &(t, _) in outgoing[i].iter().rev() {
            remaining[t] -= 1;
            if remaining[t] == 0 {
                queue.push(t);
            }
        }
    }
    let mut placed = vec![false; n];
    for &i in &order {
        placed[i] = true;
    }
    order.extend((0..n).filter(|&i| !placed[i]));
    (order, incoming)
}

/// New positions for every node. Linear in nodes and edges, plus a sort per
/// column.
pub fn layered(workflow: &Workflow) -> Vec<(NodeId, Position)> {
    let n = workflow.nodes.len();
    let (order, incoming) = flow(workflow);

    let mut column = vec![0usize; n];
    let mut done = vec![false; n];
    for &i in &order {
        column[i] = incoming[i]
            .iter()
            .filter(|(p, _)| done[*p])
            .map(|(p, _)| column[*p] + 1)
            .max()
            .unwrap_or(0);
        done[i] = true;
    }

    let columns = column.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); columns];
    for &i in &order {
        members[column[i]].push(i);
    }
    let mut row = vec![0f32; n];
    for nodes in &mut members {
        let key = |i: usize| -> (f32, u8) {
            let preds: Vec<&(usize, Port)> = incoming[i]
                .iter()
                .filter(|(p, _)| column[*p] < column[i])
                .collect();
            if preds.is_empty() {
                return (f32::MAX, 0);
            }
            let mean = preds.iter().map(|(p, _)| row[*p]).sum::<f32>() / preds.len() as f32;
            let port = preds
                .iter()
                .map(|(_, port)| if *port == Port::Else { 1 } else { 0 })
                .max()
                .unwrap_or(0);
            (mean, port)
        };
        let mut keyed: Vec<((f32, u8), usize)> = nodes.iter().map(|&i| (key(i), i)).collect();
        keyed.sort_by(|a, b| a.0.0.total_cmp(&b.0.0).then(a.0.1.cmp(&b.0.1)));
        // Keep a node on its predecessor's row when it is free.
        let mut used: Vec<f32> = Vec::new();
        for ((mean, _), i) in keyed {
            let mut r = if mean == f32::MAX { 0.0 } else { mean.round() };
            while used.contains(&r) {
                r += 1.0;
            }
            used.push(r);
            row[i] = r;
        }
        nodes.clear();
    }
    workflow
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            (
                node.id.clone(),
                Position::new(column[i] as f32 * COLUMN_WIDTH, row[i] * ROW_HEIGHT),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::synthetic_workflow;

    /// Every edge goes forward in flow order and each node appears once
    /// (10011's sample and a large synthetic flow).
    #[test]
    fn flow_order_puts_every_step_after_what_leads_into_it() {
        let sample = crate::format::parse_workflow(
            include_str!("../../../sample_workflows/10011-idiv.ron"),
            crate::format::Format::Ron,
        )
        .expect("sample");
        for w in [sample, synthetic_workflow(200)] {
            let order = flow_order(&w);
            let mut rank = vec![usize::MAX; w.nodes.len()];
            for (r, &i) in order.iter().enumerate() {
                assert_eq!(rank[i], usize::MAX, "node {i} twice");
                rank[i] = r;
            }
            let index: HashMap<&NodeId, usize> = w
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (&n.id, i))
                .collect();
            for edge in &w.edges {
                assert!(rank[index[&edge.from]] < rank[index[&edge.to]], "{edge:?}");
            }
        }
    }

    #[test]
    fn every_node_gets_a_distinct_place_and_edges_point_right() {
        let w = synthetic_workflow(40);
        let placed = layered(&w);
        assert_eq!(placed.len(), w.nodes.len());
        let pos: HashMap<&NodeId, Position> = placed.iter().map(|(id, p)| (id, *p)).collect();
        let mut seen = std::collections::HashSet::new();
        for p in pos.values() {
            assert!(seen.insert((p.x as i64, p.y as i64)), "two nodes at {p:?}");
        }
        for e in &w.edges {
            assert!(
                pos[&e.to].x > pos[&e.from].x,
                "{} -> {} points right",
                e.from,
                e.to
            );
        }
    }

    #[test]
    fn a_then_branch_sits_above_its_else_branch() {
        let w = synthetic_workflow(10);
        let placed: HashMap<NodeId, Position> = layered(&w).into_iter().collect();
        // d0 THEN -> s1, ELSE -> r0
        assert!(placed[&NodeId::new("s1")].y < placed[&NodeId::new("r0")].y);
    }
}
