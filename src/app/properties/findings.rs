//! Lint findings in the panel: each shown once, in a fixed one-line slot
//! under the setting at fault, or (about the step as a whole) after all the
//! settings.

use egui::{RichText, Ui};
use idflow_core::lint::{Finding, Severity};

use idflow_view::theme;

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

/// The findings about `fields`, in a slot of one line under the setting
/// that is always there, empty or not: findings coming and going never move
/// the fields below (a click meant for a field lands on it). The worst
/// finding shows, cut to the line; all of them on hover.
pub(super) fn slot(ui: &mut Ui, findings: &[Finding], fields: &[&str]) {
    let mut mine: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.field.is_some_and(|field| fields.contains(&field)))
        .collect();
    mine.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let height = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    let Some(worst) = mine.first() else {
        return;
    };
    let color = theme::severity_color(worst.severity, ui.visuals().dark_mode);
    let mut text = format!("{} {}", theme::severity_icon(worst.severity), worst.message);
    if mine.len() > 1 {
        text.push_str(&format!(" (+{} more)", mine.len() - 1));
    }
    let mut job = egui::text::LayoutJob::single_section(
        text.clone(),
        egui::TextFormat::simple(egui::TextStyle::Body.resolve(ui.style()), color),
    );
    job.wrap = egui::text::TextWrapping::truncate_at_width(rect.width());
    let galley = ui.painter().layout_job(job);
    ui.painter().galley(
        egui::pos2(rect.left(), rect.center().y - galley.size().y / 2.0),
        galley,
        color,
    );
    let all: Vec<String> = mine
        .iter()
        .map(|f| {
            format!(
                "{} {} ({})",
                theme::severity_icon(f.severity),
                f.message,
                f.code
            )
        })
        .collect();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Label, true, &text));
    response.on_hover_text(all.join("\n"));
}

/// The findings no setting of the panel shows (about the step as a whole,
/// such as its connections), after all the settings, so they move nothing.
pub(super) fn rest(ui: &mut Ui, findings: &[Finding], shown: &[&str]) {
    let rest: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.field.is_none_or(|field| !shown.contains(&field)))
        .collect();
    if rest.is_empty() {
        return;
    }
    ui.add_space(theme::SPACING);
    ui.label(RichText::new("About this step").strong());
    for finding in rest {
        let text = match finding.field {
            Some(field) => format!("{}: {}", field_title(field), finding.message),
            None => finding.message.clone(),
        };
        line(ui, finding.severity, &text)
            .on_hover_text(format!("{} ({})", finding.code, finding.severity));
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
