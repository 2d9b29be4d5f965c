//! End nodes: the decision the flow reports, and an optional label.

use egui::Ui;
use idflow_core::model::{DecisionType, TerminalDecision, TerminalNode};

use idflow_view::words;

use super::{Ctx, widgets};

fn decision_title(decision: TerminalDecision) -> String {
    match decision {
        TerminalDecision::Derived => "Derived from results".to_owned(),
        TerminalDecision::Fixed(d) => words::of(d.as_str()),
    }
}

fn decision_help(decision: TerminalDecision) -> &'static str {
    match decision {
        TerminalDecision::Derived => {
            "Reports what the capabilities rendered: any rejection rejects, any warning warns."
        }
        TerminalDecision::Fixed(DecisionType::Passed) => "Always reports PASSED.",
        TerminalDecision::Fixed(DecisionType::Rejected) => "Always reports REJECTED.",
        TerminalDecision::Fixed(DecisionType::Warning) => "Always reports WARNING.",
        TerminalDecision::Fixed(DecisionType::NotExecuted) => "Always reports NOT_EXECUTED.",
    }
}

pub(super) fn ui(ctx: &mut Ctx<'_>, ui: &mut Ui, t: &mut TerminalNode) {
    widgets::section(ui, "Outcome");
    widgets::grid("terminal").show(ui, |ui| {
        widgets::row(ui, "Decision", |ui, label| {
            let mut options = vec![
                TerminalDecision::Derived,
                TerminalDecision::Fixed(DecisionType::Passed),
                TerminalDecision::Fixed(DecisionType::Rejected),
                TerminalDecision::Fixed(DecisionType::Warning),
            ];
            if !options.contains(&t.decision) {
                options.push(t.decision);
            }
            if widgets::combo(
                ui,
                "terminal_decision",
                label,
                &mut t.decision,
                &options,
                decision_title,
            ) {
                ctx.step();
            }
            widgets::help(ui, decision_help(t.decision));
        });
        widgets::row(ui, "Label", |ui, label| {
            let mut text = t.label.clone().unwrap_or_default();
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut text)
                        .id_salt(("terminal_label", ctx.node_id.as_str()))
                        .hint_text("optional, e.g. MANUAL_REVIEW")
                        .desired_width(widgets::field_width(ui)),
                )
                .labelled_by(label.id)
                .on_hover_text("Reported as decision.details.label.");
            if ctx.continuous(&response, "label") {
                t.label = (!text.is_empty()).then_some(text);
            }
            ctx.inline_findings(ui, &["label"]);
        });
    });
}
