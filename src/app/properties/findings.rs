//! Lint findings in the panel: all of a node's findings in a "Problems"
//! group at the top, and each one again next to the setting at fault.

use egui::{RichText, Ui};
use idflow_core::lint::{Finding, Severity};

use crate::app::theme;

/// The name of the setting a finding's `field` points at.
fn field_title(field: &str) -> &str {
    match field {
        "category" => "Category",
        "channels" => "Channels",
        "parts" => "Parts",
        "label" => "Label",
        "document_types" => "Document types",
        "countries" => "Countries",
        "capabilities" => "Capabilities",
        "condition" => "Condition",
        "then" => "Then branch",
        "else" => "Else branch",
        "weights" => "Weights",
        "edges" => "Connections",
        "id" => "Node id",
        "name" => "Name",
        "description" => "Description",
        other => other,
    }
}

/// The group at the top of the panel: every finding, most severe first,
/// each prefixed with the setting it concerns.
pub(super) fn problems(ui: &mut Ui, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Info);
    let color = theme::severity_color(worst, ui.visuals().dark_mode);
    ui.add_space(theme::SPACING * 0.5);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color.gamma_multiply(0.6)))
        .inner_margin(theme::SPACING)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("Problems ({})", findings.len()))
                    .strong()
                    .color(color),
            );
            let mut sorted: Vec<&Finding> = findings.iter().collect();
            sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
            for finding in sorted {
                let text = match finding.field {
                    Some(field) => format!("{}: {}", field_title(field), finding.message),
                    None => finding.message.clone(),
                };
                line(ui, finding.severity, &text)
                    .on_hover_text(format!("{} ({})", finding.code, finding.severity));
            }
        });
}

/// The findings about `fields`, shown where those settings are edited.
pub(super) fn inline(ui: &mut Ui, findings: &[Finding], fields: &[&str]) {
    for finding in findings
        .iter()
        .filter(|f| f.field.is_some_and(|field| fields.contains(&field)))
    {
        line(ui, finding.severity, &finding.message).on_hover_text(finding.code);
    }
}

fn line(ui: &mut Ui, severity: Severity, text: &str) -> egui::Response {
    let color = theme::severity_color(severity, ui.visuals().dark_mode);
    ui.add(
        egui::Label::new(
            RichText::new(format!("{} {text}", theme::severity_icon(severity))).color(color),
        )
        .wrap(),
    )
}
