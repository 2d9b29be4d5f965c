//! The problems panel: live lint findings; clicking one selects and centres
//! its node.

use egui::{RichText, Ui};
use idflow_core::lint::Severity;
use idflow_core::model::NodeId;
use idflow_view::theme;

use super::panel::{Cx, View};
use crate::document::Selection;

/// The Problems tab (it keeps nothing of its own: the findings are the
/// document's).
#[derive(Default)]
pub struct ProblemsPanel;

impl View for ProblemsPanel {
    fn ui(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        show(ui, cx);
    }
}

fn show(ui: &mut Ui, cx: &mut Cx<'_>) {
    let dark = ui.visuals().dark_mode;
    let mut clicked: Option<NodeId> = None;
    {
        let report = cx.doc.lint();
        ui.horizontal(|ui| {
            for severity in [Severity::Error, Severity::Warning, Severity::Info] {
                let n = report.count(severity);
                ui.label(
                    RichText::new(format!("{} {n}", theme::severity_icon(severity)))
                        .color(theme::severity_color(severity, dark)),
                )
                .on_hover_text(format!("{n} {severity}(s)"));
            }
        });
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if report.findings.is_empty() {
                    ui.label(
                        RichText::new("✔ No problems: the platform would accept this workflow.")
                            .weak(),
                    );
                }
                for finding in &report.findings {
                    let color = theme::severity_color(finding.severity, dark);
                    let node = finding
                        .node
                        .as_ref()
                        .map(|n| format!("[{n}] "))
                        .unwrap_or_default();
                    let text = format!(
                        "{} {}  {node}{}",
                        theme::severity_icon(finding.severity),
                        finding.code,
                        finding.message
                    );
                    let response = ui.add(
                        egui::Button::selectable(false, RichText::new(text).color(color)).wrap(),
                    );
                    if response.clicked() {
                        clicked = finding.node.clone();
                    }
                }
            });
    }
    if let Some(id) = clicked {
        cx.doc.selection = Selection::only(id.clone());
        cx.canvas.focus_node(cx.doc, &id);
    }
}
