//! Nothing selected: the workflow's own settings (name, description, key).

use egui::{RichText, Ui};
use idflow_core::lint::Finding;
use idflow_store::Origin;
use idflow_view::theme;

use super::{PropertiesPanel, findings, widgets};
use crate::document::{Command, Document, Source};

fn source_text(source: &Source) -> String {
    match source {
        Source::Store {
            revision, origin, ..
        } => {
            let origin = match origin {
                Origin::Global => "Global workflow",
                Origin::Custom => "Draft",
            };
            format!("{origin}, revision {revision}")
        }
        Source::Version { number, .. } => format!("published version {number}"),
        Source::File(path) => path.display().to_string(),
    }
}

pub(super) fn ui(panel: &mut PropertiesPanel, ui: &mut Ui, doc: &mut Document) {
    ui.label(RichText::new("⚙  Workflow").strong().size(16.0));
    widgets::help(ui, "Select a step on the canvas to edit its settings.");

    let workflow_findings: Vec<Finding> = doc
        .lint()
        .findings
        .iter()
        .filter(|f| f.node.is_none())
        .cloned()
        .collect();

    let mut name = doc.workflow().name.clone();
    let mut description = doc.workflow().description.clone();
    let mut commit = None;
    let key = doc.workflow().key;
    widgets::section(ui, "General");
    widgets::grid("workflow_meta").show(ui, |ui| {
        widgets::row(ui, "Key", |ui, label| {
            ui.add(egui::Label::new(RichText::new(key.to_string()).monospace()).selectable(true))
                .labelled_by(label.id)
                .on_hover_text("The platform's workflow key (workflowDefinition.key).");
        });
        widgets::row(ui, "Name", |ui, label| {
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut name)
                        .id_salt("workflow_name")
                        .desired_width(widgets::field_width(ui)),
                )
                .labelled_by(label.id);
            if std::mem::take(&mut panel.focus_requested) {
                response.request_focus();
            }
            commit = commit.or(panel.field_gesture(&response, "(workflow)", "name"));
            findings::slot(ui, &workflow_findings, &["name"]);
        });
        widgets::row(ui, "Description", |ui, label| {
            let response = ui
                .add(
                    egui::TextEdit::multiline(&mut description)
                        .id_salt("workflow_description")
                        .desired_rows(4)
                        .desired_width(widgets::field_width(ui)),
                )
                .labelled_by(label.id);
            commit = commit.or(panel.field_gesture(&response, "(workflow)", "description"));
            findings::slot(ui, &workflow_findings, &["description"]);
        });
        widgets::row(ui, "Source", |ui, label| {
            ui.label(RichText::new(source_text(&doc.source)).weak())
                .labelled_by(label.id);
        });
    });

    let w = doc.workflow();
    let steps = w.nodes.len();
    let edges = w.edges.len();
    let notes = w.notes.len();
    ui.add_space(theme::SPACING);
    widgets::help(
        ui,
        format!(
            "{}, {}, {}.",
            widgets::count(steps, "step", "steps"),
            widgets::count(edges, "connection", "connections"),
            widgets::count(notes, "note", "notes")
        ),
    );

    findings::rest(ui, &workflow_findings, &["name", "description"]);

    if let Some(commit) = commit
        && (name != doc.workflow().name || description != doc.workflow().description)
    {
        panel.apply(doc, commit, Command::SetMeta { name, description });
    }
}
