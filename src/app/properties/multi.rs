//! Several nodes selected: the fields they share, as tri-state checkboxes
//! whose every click is one undo step (a `Command::Batch` of `SetNode`).

use egui::{RichText, Ui};
use idflow_core::catalog::{capability_spec, service_capabilities};
use idflow_core::model::{Channel, Node, NodeId, NodeKind};
use idflow_view::theme;
use idflow_view::words;

use super::{Commit, PropertiesPanel, widgets};
use crate::document::{Command, Document};

pub(super) fn ui(panel: &mut PropertiesPanel, ui: &mut Ui, doc: &mut Document, ids: &[NodeId]) {
    let nodes: Vec<Node> = ids.iter().filter_map(|id| doc.node(id).cloned()).collect();
    ui.label(
        RichText::new(format!("{} nodes selected", nodes.len()))
            .strong()
            .size(16.0),
    );
    let titles: Vec<&str> = nodes
        .iter()
        .map(|n| {
            if n.title.is_empty() {
                n.id.as_str()
            } else {
                n.title.as_str()
            }
        })
        .collect();
    widgets::help(ui, titles.join(", "));

    let acquisitions = nodes
        .iter()
        .all(|n| matches!(n.kind, NodeKind::Acquisition(_)));
    let service_kind = match nodes.first().map(|n| &n.kind) {
        Some(NodeKind::Service(s)) => Some(s.service),
        _ => None,
    }
    .filter(|&kind| {
        nodes
            .iter()
            .all(|n| matches!(&n.kind, NodeKind::Service(s) if s.service == kind))
    });

    let mut batch: Option<Vec<Command>> = None;
    if acquisitions {
        widgets::section(ui, "Channels of all selected");
        ui.horizontal(|ui| {
            for &channel in Channel::ALL {
                let has = |n: &Node| matches!(&n.kind, NodeKind::Acquisition(a) if a.channels.contains(&channel));
                if let Some(on) = tri_state(ui, &nodes, has, &words::of(channel.as_str())) {
                    batch = Some(edit_all(&nodes, |kind| {
                        if let NodeKind::Acquisition(a) = kind {
                            widgets::set_member(&mut a.channels, channel, on);
                        }
                    }));
                }
            }
        });
        widgets::help(
            ui,
            "Ticking sets a channel on every selected step; a dash means some have it.",
        );
    } else if let Some(kind) = service_kind {
        widgets::section(ui, "Capabilities of all selected");
        for &capability in service_capabilities(kind) {
            let spec = capability_spec(capability);
            let has = |n: &Node| matches!(&n.kind, NodeKind::Service(s) if s.capabilities.contains(&capability));
            if let Some(on) = tri_state(ui, &nodes, has, spec.name) {
                batch = Some(edit_all(&nodes, |kind| {
                    if let NodeKind::Service(s) = kind {
                        if on {
                            s.capabilities.push(capability);
                            s.capabilities.sort();
                            s.capabilities.dedup();
                        } else {
                            s.capabilities.retain(|&c| c != capability);
                        }
                    }
                }));
            }
        }
        widgets::help(
            ui,
            "Ticking sets a capability on every selected step; a dash means some have it.",
        );
    } else {
        ui.add_space(theme::SPACING);
        ui.label(RichText::new("The selected nodes share no editable field.").weak());
        widgets::help(ui, "Select one node to edit its settings.");
    }

    if let Some(commands) = batch
        && !commands.is_empty()
    {
        panel.apply(doc, Commit::Step, Command::Batch(commands));
    }
}

/// A checkbox that is ticked when every node has the setting, shows a dash
/// when some do. Returns the new value when clicked.
fn tri_state(ui: &mut Ui, nodes: &[Node], has: impl Fn(&Node) -> bool, text: &str) -> Option<bool> {
    let count = nodes.iter().filter(|n| has(n)).count();
    let mut on = count == nodes.len();
    let mixed = count > 0 && count < nodes.len();
    let response = ui.add(egui::Checkbox::new(&mut on, text).indeterminate(mixed));
    let response = if mixed {
        response.on_hover_text(format!("{count} of {} have it", nodes.len()))
    } else {
        response
    };
    response.changed().then_some(on)
}

/// A `SetNode` for every node the edit changes.
fn edit_all(nodes: &[Node], edit: impl Fn(&mut NodeKind)) -> Vec<Command> {
    nodes
        .iter()
        .filter_map(|n| {
            let mut changed = n.clone();
            edit(&mut changed.kind);
            (changed != *n).then_some(Command::SetNode(changed))
        })
        .collect()
}
