//! Decision points: a typed condition editor. The subject decides which
//! operators and values fit; every edit goes through `normalize`, so the
//! condition the panel writes is always well-typed.

use egui::{RichText, Ui};
use idflow_core::catalog::{CAPABILITIES, capability_spec};
use idflow_core::model::{
    Capability, Condition, DecisionNode, DecisionType, DocumentType, ExtractedField, Operator,
    Subject, Value,
};

use idflow_view::words;

use super::service::name;
use super::{Ctx, widgets};

/// The subject without its parameter, for the "Subject" combo box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SubjectKind {
    CapabilityDecision,
    CapabilityLabel,
    OverallDecision,
    RiskScore,
    ExtractedField,
}

impl SubjectKind {
    pub const ALL: &'static [SubjectKind] = &[
        SubjectKind::CapabilityDecision,
        SubjectKind::CapabilityLabel,
        SubjectKind::OverallDecision,
        SubjectKind::RiskScore,
        SubjectKind::ExtractedField,
    ];

    pub fn title(self) -> &'static str {
        match self {
            SubjectKind::CapabilityDecision => "Capability decision",
            SubjectKind::CapabilityLabel => "Capability label",
            SubjectKind::OverallDecision => "Overall decision",
            SubjectKind::RiskScore => "Risk score",
            SubjectKind::ExtractedField => "Extracted field",
        }
    }

    fn of(subject: Subject) -> Self {
        match subject {
            Subject::CapabilityDecision(_) => SubjectKind::CapabilityDecision,
            Subject::CapabilityLabel(_) => SubjectKind::CapabilityLabel,
            Subject::OverallDecision => SubjectKind::OverallDecision,
            Subject::RiskScore => SubjectKind::RiskScore,
            Subject::ExtractedField(_) => SubjectKind::ExtractedField,
        }
    }

    /// The subject of this kind, keeping the capability or field if it had one.
    fn subject(self, previous: Subject) -> Subject {
        let capability = match previous {
            Subject::CapabilityDecision(c) | Subject::CapabilityLabel(c) => c,
            _ => Capability::Usability,
        };
        match self {
            SubjectKind::CapabilityDecision => Subject::CapabilityDecision(capability),
            SubjectKind::CapabilityLabel => Subject::CapabilityLabel(capability),
            SubjectKind::OverallDecision => Subject::OverallDecision,
            SubjectKind::RiskScore => Subject::RiskScore,
            SubjectKind::ExtractedField => match previous {
                Subject::ExtractedField(f) => Subject::ExtractedField(f),
                _ => Subject::ExtractedField(ExtractedField::IssuingCountry),
            },
        }
    }
}

use idflow_core::catalog::{ValueKind, value_kind};
pub(super) use idflow_core::catalog::{default_condition, normalize};

/// The operators that fit a subject (the catalog's rule, shared with lint).
pub(super) fn operators(subject: Subject) -> &'static [Operator] {
    subject.operators()
}

fn operator_title(op: Operator) -> String {
    let words = match op {
        Operator::Eq => "is",
        Operator::Ne => "is not",
        Operator::Lt => "less than",
        Operator::Le => "at most",
        Operator::Gt => "more than",
        Operator::Ge => "at least",
        Operator::In => "one of",
        Operator::NotIn => "none of",
    };
    format!("{}   {words}", op.symbol())
}

fn extracted_field_title(field: ExtractedField) -> &'static str {
    match field {
        ExtractedField::IssuingCountry => "Issuing country",
        ExtractedField::DocumentType => "Document type",
        ExtractedField::CurrentAge => "Current age (years)",
        ExtractedField::DaysToExpiry => "Days to expiry",
        ExtractedField::Nationality => "Nationality",
    }
}

pub(super) fn ui(ctx: &mut Ctx<'_>, ui: &mut Ui, d: &mut DecisionNode) {
    widgets::section(ui, "Condition");
    widgets::grid("decision_condition").show(ui, |ui| {
        let condition = &mut d.condition;
        widgets::row(ui, "Subject", |ui, label| {
            let mut kind = SubjectKind::of(condition.subject);
            if widgets::combo(
                ui,
                "condition_subject",
                label,
                &mut kind,
                SubjectKind::ALL,
                |k| k.title().to_owned(),
            ) {
                *condition = default_condition(kind.subject(condition.subject));
                ctx.step();
            }
        });
        match condition.subject {
            Subject::CapabilityDecision(c) | Subject::CapabilityLabel(c) => {
                widgets::row(ui, "Capability", |ui, label| {
                    let mut capability = c;
                    let all: Vec<Capability> = CAPABILITIES.iter().map(|s| s.capability).collect();
                    if widgets::combo(
                        ui,
                        "condition_capability",
                        label,
                        &mut capability,
                        &all,
                        |c| name(c).to_owned(),
                    ) {
                        condition.subject = match condition.subject {
                            Subject::CapabilityLabel(_) => Subject::CapabilityLabel(capability),
                            _ => Subject::CapabilityDecision(capability),
                        };
                        *condition = normalize(condition.clone());
                        ctx.step();
                    }
                });
            }
            Subject::ExtractedField(f) => {
                widgets::row(ui, "Field", |ui, label| {
                    let mut field = f;
                    if widgets::combo(
                        ui,
                        "condition_field",
                        label,
                        &mut field,
                        ExtractedField::ALL,
                        |f| extracted_field_title(f).to_owned(),
                    ) {
                        let subject = Subject::ExtractedField(field);
                        *condition = if value_kind(subject) == value_kind(condition.subject) {
                            normalize(Condition {
                                subject,
                                ..condition.clone()
                            })
                        } else {
                            default_condition(subject)
                        };
                        ctx.step();
                    }
                });
            }
            _ => {}
        }
        widgets::row(ui, "Operator", |ui, label| {
            let mut op = condition.operator;
            if widgets::combo(
                ui,
                "condition_operator",
                label,
                &mut op,
                operators(condition.subject),
                operator_title,
            ) {
                condition.operator = op;
                *condition = normalize(condition.clone());
                ctx.step();
            }
        });
        widgets::row(ui, "Value", |ui, label| {
            value_ui(ctx, ui, label, condition);
        });
        widgets::row(ui, "Summary", |ui, label| {
            ui.add(egui::Label::new(RichText::new(condition.describe()).monospace()).wrap())
                .labelled_by(label.id);
            widgets::help(
                ui,
                "THEN is taken when the condition holds, ELSE otherwise.",
            );
        });
    });
    ctx.inline_findings(ui, &["condition"]);
}

fn value_ui(ctx: &mut Ctx<'_>, ui: &mut Ui, label: &egui::Response, condition: &mut Condition) {
    let kind = value_kind(condition.subject);
    match (kind, &mut condition.value) {
        (ValueKind::Decision, Value::Decision(d)) => {
            if widgets::combo(ui, "condition_value", label, d, DecisionType::ALL, |d| {
                words::of(d.as_str())
            }) {
                ctx.step();
            }
        }
        (ValueKind::Decision, Value::Decisions(ds)) => {
            for &d in DecisionType::ALL {
                let mut on = ds.contains(&d);
                if ui.checkbox(&mut on, words::of(d.as_str())).changed() {
                    widgets::set_member(ds, d, on);
                    ctx.step();
                }
            }
        }
        (ValueKind::Label(capability), Value::Label(l)) => {
            let spec = capability_spec(capability);
            let selected = match spec.decision_of(l) {
                Some(d) => format!("{l}  ({})", words::of(d.as_str())),
                None => l.clone(),
            };
            let mut chosen: Option<&'static str> = None;
            egui::ComboBox::from_id_salt("condition_value")
                .selected_text(selected)
                .width(widgets::field_width(ui))
                .height(320.0)
                .show_ui(ui, |ui| {
                    for (decision, labels) in spec.labels {
                        ui.label(RichText::new(words::of(decision.as_str())).small().weak());
                        for &option in *labels {
                            if ui.selectable_label(l == option, option).clicked() {
                                chosen = Some(option);
                            }
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            if let Some(option) = chosen
                && l != option
            {
                *l = option.to_owned();
                ctx.step();
            }
        }
        (ValueKind::Label(capability), Value::Labels(ls)) => {
            let spec = capability_spec(capability);
            for (decision, labels) in spec.labels {
                ui.label(RichText::new(words::of(decision.as_str())).small().weak());
                ui.indent(("labels", decision.as_str()), |ui| {
                    for &option in *labels {
                        let mut on = ls.iter().any(|l| l == option);
                        if ui.checkbox(&mut on, option).changed() {
                            if on {
                                ls.push(option.to_owned());
                                // Keep the catalog's order.
                                let order: Vec<&str> = spec.all_labels().map(|(_, l)| l).collect();
                                ls.sort_by_key(|l| order.iter().position(|o| o == l));
                            } else {
                                ls.retain(|l| l != option);
                            }
                            ctx.step();
                        }
                    }
                });
            }
        }
        (ValueKind::Number { min, max }, Value::Number(n)) => {
            let response = ui
                .add(egui::DragValue::new(n).range(min..=max).speed(0.25))
                .labelled_by(label.id);
            ctx.continuous(&response, "condition.value");
            if condition.subject == Subject::RiskScore {
                widgets::help(
                    ui,
                    format!("The risk score: {}.", words::RISK_SCORE_MEANING),
                );
            }
        }
        (ValueKind::DocumentType, Value::Text(t)) => {
            let mut current = DocumentType::parse(t).unwrap_or(DocumentType::Passport);
            if widgets::combo(
                ui,
                "condition_value",
                label,
                &mut current,
                DocumentType::ALL,
                |d| words::of(d.as_str()),
            ) {
                *t = current.as_str().to_owned();
                ctx.step();
            }
        }
        (ValueKind::DocumentType, Value::Texts(ts)) => {
            for &d in DocumentType::ALL {
                let mut on = ts.iter().any(|t| t == d.as_str());
                if ui.checkbox(&mut on, words::of(d.as_str())).changed() {
                    let mut set: Vec<DocumentType> =
                        ts.iter().filter_map(|t| DocumentType::parse(t)).collect();
                    widgets::set_member(&mut set, d, on);
                    *ts = set.iter().map(|d| d.as_str().to_owned()).collect();
                    ctx.step();
                }
            }
        }
        (ValueKind::Country, Value::Text(t)) => {
            let (response, changed) = widgets::buffered_text(
                &mut ctx.panel.text_buffer,
                ui,
                ("condition_country", ctx.node_id.as_str()),
                t.clone(),
                label,
                "e.g. USA",
            );
            if ctx.continuous(&response, "condition.value")
                && let Some(text) = changed
            {
                *t = text.trim().to_uppercase();
            }
            widgets::help(ui, "An ISO 3166-1 alpha-3 code.");
        }
        (ValueKind::Country, Value::Texts(ts)) => {
            let (response, changed) = widgets::buffered_text(
                &mut ctx.panel.text_buffer,
                ui,
                ("condition_countries", ctx.node_id.as_str()),
                ts.join(", "),
                label,
                "e.g. USA, DEU",
            );
            if ctx.continuous(&response, "condition.value")
                && let Some(text) = changed
            {
                *ts = widgets::parse_codes(&text);
            }
            widgets::help(ui, "Comma-separated ISO 3166-1 alpha-3 codes.");
        }
        _ => {
            // A file written by hand can hold a value that does not fit the
            // subject: offer to repair it rather than guess.
            ui.label(
                RichText::new("This value does not fit the subject.")
                    .color(ui.visuals().warn_fg_color),
            );
            if ui.button("Reset the value").clicked() {
                *condition = normalize(condition.clone());
                ctx.step();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn well_typed(c: &Condition) -> bool {
        let ops = operators(c.subject);
        ops.contains(&c.operator)
            && match (value_kind(c.subject), &c.value) {
                (ValueKind::Decision, Value::Decision(_)) => !c.operator.is_membership(),
                (ValueKind::Decision, Value::Decisions(_)) => c.operator.is_membership(),
                (ValueKind::Label(cap), Value::Label(l)) => {
                    !c.operator.is_membership() && capability_spec(cap).has_label(l)
                }
                (ValueKind::Label(_), Value::Labels(_)) => c.operator.is_membership(),
                (ValueKind::Number { .. }, Value::Number(_)) => true,
                (ValueKind::DocumentType | ValueKind::Country, Value::Text(_)) => {
                    !c.operator.is_membership()
                }
                (ValueKind::DocumentType | ValueKind::Country, Value::Texts(_)) => {
                    c.operator.is_membership()
                }
                _ => false,
            }
    }

    fn every_subject() -> Vec<Subject> {
        let mut subjects = vec![Subject::OverallDecision, Subject::RiskScore];
        for &c in Capability::ALL {
            subjects.push(Subject::CapabilityDecision(c));
            subjects.push(Subject::CapabilityLabel(c));
        }
        for &f in ExtractedField::ALL {
            subjects.push(Subject::ExtractedField(f));
        }
        subjects
    }

    #[test]
    fn defaults_are_well_typed_for_every_subject() {
        for subject in every_subject() {
            let c = default_condition(subject);
            assert!(well_typed(&c), "{c:?}");
        }
    }

    #[test]
    fn normalize_keeps_values_across_single_and_list_operators() {
        let c = Condition {
            subject: Subject::CapabilityDecision(Capability::Liveness),
            operator: Operator::In,
            value: Value::Decision(DecisionType::Warning),
        };
        assert_eq!(
            normalize(c).value,
            Value::Decisions(vec![DecisionType::Warning])
        );
        let c = Condition {
            subject: Subject::CapabilityLabel(Capability::Usability),
            operator: Operator::Eq,
            value: Value::Labels(vec!["GLARE".into(), "BLURRED".into()]),
        };
        assert_eq!(normalize(c).value, Value::Label("GLARE".into()));
    }

    #[test]
    fn normalize_makes_every_operator_on_every_subject_well_typed() {
        for subject in every_subject() {
            for &operator in Operator::ALL {
                for value in [
                    Value::Decision(DecisionType::Passed),
                    Value::Labels(vec!["NO_MATCH".into()]),
                    Value::Number(500),
                    Value::Text("abc".into()),
                ] {
                    let c = normalize(Condition {
                        subject,
                        operator,
                        value,
                    });
                    assert!(well_typed(&c), "{c:?}");
                }
            }
        }
    }

    #[test]
    fn risk_scores_are_clamped_and_labels_must_exist() {
        let c = normalize(Condition {
            subject: Subject::RiskScore,
            operator: Operator::Gt,
            value: Value::Number(500),
        });
        assert_eq!(c.value, Value::Number(100));
        let c = normalize(Condition {
            subject: Subject::CapabilityLabel(Capability::Similarity),
            operator: Operator::Eq,
            value: Value::Label("GLARE".into()),
        });
        assert_eq!(c.value, Value::Label("NO_MATCH".into()));
    }
}
