//! One linear pass over the graph that every rule reads: an id index,
//! adjacency, the entry, reachability, a topological order and, per node,
//! what is guaranteed to have happened upstream on every path.

use std::collections::HashMap;

use crate::model::{AcquisitionType, CredentialCategory, Node, NodeKind, Part, Port, Workflow};

/// Facts about what has been acquired or computed, as bits.
pub mod facts {
    use crate::model::CredentialCategory;

    pub const fn category(c: CredentialCategory) -> u32 {
        1 << (c as u32)
    }
    /// A FACEMAP stored by an earlier transaction (USE_EXISTING).
    pub const EXISTING_FACEMAP: u32 = 1 << 8;
    pub const DEVICE_DATA: u32 = 1 << 9;
    pub const PREPARED_DATA: u32 = 1 << 10;
    pub const RISK_SCORE: u32 = 1 << 11;
}

pub struct Analysis<'w> {
    pub workflow: &'w Workflow,
    /// Node id -> index of its first occurrence.
    pub index: HashMap<&'w str, usize>,
    /// Indices of nodes whose id repeats an earlier node's.
    pub duplicate_ids: Vec<usize>,
    /// Per node: (port, target index) of each edge leaving it.
    pub outgoing: Vec<Vec<(Port, usize)>>,
    pub incoming_count: Vec<u32>,
    /// Indices (into `workflow.edges`) of edges naming an unknown node.
    pub dangling_edges: Vec<usize>,
    pub entry: Option<usize>,
    pub reachable: Vec<bool>,
    /// Every node not on a cycle, upstream before downstream.
    pub order: Vec<usize>,
    /// Nodes on a cycle (or squeezed between cycles).
    pub on_cycle: Vec<bool>,
    /// Capabilities that have run on every path before the node.
    pub caps_before: Vec<u32>,
    /// Facts (see `facts`) that hold on every path before the node.
    pub facts_before: Vec<u32>,
    /// Facts some node downstream needs (union over paths).
    pub needed_after: Vec<u32>,
    /// Facts acquired on some path before the node (union over paths).
    pub acquired_on_some_path: Vec<u32>,
    /// Facts whose credential can actually arrive on some path before the
    /// node (`catalog::can_arrive`: a channel delivers it, or the account
    /// holds it).
    pub arrives_on_some_path: Vec<u32>,
    /// Capabilities that may have run on some path before the node.
    pub caps_on_some_path: Vec<u32>,
}

/// What a node adds downstream, counting only credentials that can arrive.
pub fn arriving(node: &Node) -> u32 {
    let NodeKind::Acquisition(a) = &node.kind else {
        return produced(node).1;
    };
    let mut f = 0;
    for c in a.credentials() {
        if !crate::catalog::can_arrive(a, c) {
            continue;
        }
        f |= facts::category(c);
        if c == CredentialCategory::Facemap && a.acquisition_type == AcquisitionType::UseExisting {
            f |= facts::EXISTING_FACEMAP;
        }
        if c == CredentialCategory::Data {
            let parts = crate::catalog::deliverable_parts(a, c);
            if parts.contains(&Part::DeviceRisk) {
                f |= facts::DEVICE_DATA;
            }
            if parts.contains(&Part::PreparedData) {
                f |= facts::PREPARED_DATA;
            }
        }
    }
    f
}

/// What a node itself adds to the facts and capabilities downstream of it.
pub fn produced(node: &Node) -> (u32, u32) {
    match &node.kind {
        NodeKind::Acquisition(a) => {
            let mut f = 0;
            for c in a.credentials() {
                f |= facts::category(c);
            }
            if a.category == CredentialCategory::Facemap
                && a.acquisition_type == AcquisitionType::UseExisting
            {
                f |= facts::EXISTING_FACEMAP;
            }
            if a.category == CredentialCategory::Data {
                if a.parts.contains(&Part::DeviceRisk) {
                    f |= facts::DEVICE_DATA;
                }
                if a.parts.contains(&Part::PreparedData) {
                    f |= facts::PREPARED_DATA;
                }
            }
            (0, f)
        }
        NodeKind::Service(s) => (s.capabilities.iter().fold(0, |acc, c| acc | c.bit()), 0),
        NodeKind::RiskSignal(r) => (r.signal.capability().bit(), 0),
        NodeKind::RiskCalculation(_) => (0, facts::RISK_SCORE),
        NodeKind::Decision(_) | NodeKind::Terminal(_) => (0, 0),
    }
}

impl<'w> Analysis<'w> {
    pub fn new(workflow: &'w Workflow, needs_of: impl Fn(&Node) -> u32) -> Self {
        let n = workflow.nodes.len();
        let mut index = HashMap::with_capacity(n);
        let mut duplicate_ids = Vec::new();
        for (i, node) in workflow.nodes.iter().enumerate() {
            if index.insert(node.id.as_str(), i).is_some() {
                duplicate_ids.push(i);
            }
        }
        // Keep the first occurrence for lookups.
        for &i in &duplicate_ids {
            let id = workflow.nodes[i].id.as_str();
            if let Some(first) = workflow.nodes.iter().position(|x| x.id.as_str() == id) {
                index.insert(id, first);
            }
        }

        let mut outgoing = vec![Vec::new(); n];
        let mut incoming_count = vec![0u32; n];
        let mut dangling_edges = Vec::new();
        for (e, edge) in workflow.edges.iter().enumerate() {
            match (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
                (Some(&from), Some(&to)) => {
                    outgoing[from].push((edge.port, to));
                    incoming_count[to] += 1;
                }
                _ => dangling_edges.push(e),
            }
        }

        let entry = (0..n).find(|&i| {
            incoming_count[i] == 0 && matches!(workflow.nodes[i].kind, NodeKind::Acquisition(_))
        });

        let mut reachable = vec![false; n];
        if let Some(entry) = entry {
            let mut stack = vec![entry];
            reachable[entry] = true;
            while let Some(i) = stack.pop() {
                for &(_, t) in &outgoing[i] {
                    if !reachable[t] {
                        reachable[t] = true;
                        stack.push(t);
                    }
                }
            }
        }

        let (order, on_cycle) = topological_order(&outgoing, &incoming_count);

        // Must-analysis forward: intersection over reachable predecessors.
        let mut caps_before = vec![u32::MAX; n];
        let mut facts_before = vec![u32::MAX; n];
        if let Some(entry) = entry {
            caps_before[entry] = 0;
            facts_before[entry] = 0;
        }
        for &i in &order {
            if !reachable[i] {
                continue;
            }
            let (caps, facts) = produced(&workflow.nodes[i]);
            let caps_out = caps_before[i] | caps;
            let facts_out = facts_before[i] | facts;
            for &(_, t) in &outgoing[i] {
                caps_before[t] &= caps_out;
                facts_before[t] &= facts_out;
            }
        }

        // May-analysis forward: union over reachable predecessors.
        let mut acquired_on_some_path = vec![0u32; n];
        let mut arrives_on_some_path = vec![0u32; n];
        let mut caps_on_some_path = vec![0u32; n];
        for &i in &order {
            if !reachable[i] {
                continue;
            }
            let (caps, facts) = produced(&workflow.nodes[i]);
            let acquired = acquired_on_some_path[i] | facts;
            let arrives = arrives_on_some_path[i] | arriving(&workflow.nodes[i]);
            let ran = caps_on_some_path[i] | caps;
            for &(_, t) in &outgoing[i] {
                acquired_on_some_path[t] |= acquired;
                arrives_on_some_path[t] |= arrives;
                caps_on_some_path[t] |= ran;
            }
        }

        // May-analysis backward: what some downstream step needs.
        let mut needed_after = vec![0u32; n];
        for &i in order.iter().rev() {
            let mut need = 0;
            for &(_, t) in &outgoing[i] {
                need |= needed_after[t] | needs_of(&workflow.nodes[t]);
            }
            needed_after[i] = need;
        }

        Analysis {
            workflow,
            index,
            duplicate_ids,
            outgoing,
            incoming_count,
            dangling_edges,
            entry,
            reachable,
            order,
            on_cycle,
            caps_before,
            facts_before,
            needed_after,
            acquired_on_some_path,
            arrives_on_some_path,
            caps_on_some_path,
        }
    }

    pub fn node(&self, i: usize) -> &'w Node {
        &self.workflow.nodes[i]
    }

    /// Whether the node is part of the analysed flow (upstream facts are
    /// meaningful): reachable from the entry and not on a cycle.
    pub fn in_flow(&self, i: usize) -> bool {
        self.reachable[i] && !self.on_cycle[i]
    }
}

/// Kahn's algorithm; whatever cannot be ordered is then peeled from the
/// other side, which leaves exactly the nodes on (or between) cycles.
fn topological_order(
    outgoing: &[Vec<(Port, usize)>],
    incoming_count: &[u32],
) -> (Vec<usize>, Vec<bool>) {
    let n = outgoing.len();
    let mut remaining_in = incoming_count.to_vec();
    let mut order = Vec::with_capacity(n);
    let mut queue: Vec<usize> = (0..n).filter(|&i| remaining_in[i] == 0).collect();
    while let Some(i) = queue.pop() {
        order.push(i);
        for &(_, t) in &outgoing[i] {
            remaining_in[t] -= 1;
            if remaining_in[t] == 0 {
                queue.push(t);
            }
        }
    }
    let mut on_cycle = vec![false; n];
    if order.len() == n {
        return (order, on_cycle);
    }
    let mut left = vec![true; n];
    for &i in &order {
        left[i] = false;
    }
    // Peel nodes that lead to no remaining node: they are downstream of a
    // cycle, not on it.
    let mut remaining_out: Vec<u32> = (0..n)
        .map(|i| outgoing[i].iter().filter(|&&(_, t)| left[t]).count() as u32)
        .collect();
    let mut predecessors = vec![Vec::new(); n];
    for i in 0..n {
        if left[i] {
            for &(_, t) in &outgoing[i] {
                if left[t] {
                    predecessors[t].push(i);
                }
            }
        }
    }
    let mut queue: Vec<usize> = (0..n)
        .filter(|&i| left[i] && remaining_out[i] == 0)
        .collect();
    let mut peeled = vec![false; n];
    while let Some(i) = queue.pop() {
        peeled[i] = true;
        for &p in &predecessors[i] {
            remaining_out[p] -= 1;
            if remaining_out[p] == 0 {
                queue.push(p);
            }
        }
    }
    for i in 0..n {
        on_cycle[i] = left[i] && !peeled[i];
    }
    (order, on_cycle)
}
