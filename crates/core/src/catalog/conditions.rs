//! Which values fit a condition's subject: the kind of value, the range of
//! numbers, the condition a new subject starts with, and how an edited
//! condition is made to fit again. The condition editor, lint and the
//! simulator read these; none restates them.

use super::capability_spec;
use crate::model::{
    Capability, Condition, DecisionType, DocumentType, ExtractedField, Operator, Subject, Value,
};

/// What kind of value a subject is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Decision,
    Label(Capability),
    Number { min: i64, max: i64 },
    DocumentType,
    Country,
}

pub fn value_kind(subject: Subject) -> ValueKind {
    match subject {
        Subject::CapabilityDecision(_) | Subject::OverallDecision => ValueKind::Decision,
        Subject::CapabilityLabel(c) => ValueKind::Label(c),
        Subject::RiskScore => ValueKind::Number { min: 0, max: 100 },
        Subject::ExtractedField(ExtractedField::CurrentAge) => {
            ValueKind::Number { min: 0, max: 150 }
        }
        Subject::ExtractedField(ExtractedField::DaysToExpiry) => ValueKind::Number {
            min: -36_500,
            max: 36_500,
        },
        Subject::ExtractedField(ExtractedField::DocumentType) => ValueKind::DocumentType,
        Subject::ExtractedField(_) => ValueKind::Country,
    }
}

/// The label a new label condition starts with: the capability's first
/// rejection label, else its first label.
fn default_label(capability: Capability) -> String {
    let spec = capability_spec(capability);
    let first = spec.all_labels().next().map(|(_, l)| l);
    let label = spec
        .labels_for(DecisionType::Rejected)
        .first()
        .copied()
        .or(first);
    label.unwrap_or_default().to_owned()
}

/// A well-typed condition on `subject` (what a new subject starts with).
pub fn default_condition(subject: Subject) -> Condition {
    let (operator, value) = match subject {
        Subject::CapabilityDecision(_) => (Operator::Eq, Value::Decision(DecisionType::Rejected)),
        Subject::OverallDecision => (Operator::Ne, Value::Decision(DecisionType::Rejected)),
        Subject::CapabilityLabel(c) => (Operator::Eq, Value::Label(default_label(c))),
        Subject::RiskScore => (Operator::Ge, Value::Number(50)),
        Subject::ExtractedField(field) => match field {
            ExtractedField::CurrentAge => (Operator::Ge, Value::Number(18)),
            ExtractedField::DaysToExpiry => (Operator::Gt, Value::Number(0)),
            ExtractedField::DocumentType => (
                Operator::Eq,
                Value::Text(DocumentType::Passport.as_str().to_owned()),
            ),
            ExtractedField::IssuingCountry | ExtractedField::Nationality => {
                (Operator::Eq, Value::Text("USA".to_owned()))
            }
        },
    };
    Condition {
        subject,
        operator,
        value,
    }
}

/// Makes the operator and value fit the subject, keeping what still fits
/// (a single value becomes a one-item list for `in` and back).
pub fn normalize(condition: Condition) -> Condition {
    let Condition {
        subject,
        operator,
        value,
    } = condition;
    if !subject.operators().contains(&operator) {
        return default_condition(subject);
    }
    let membership = operator.is_membership();
    let value = match value_kind(subject) {
        ValueKind::Decision => {
            let list = match value {
                Value::Decision(d) => vec![d],
                Value::Decisions(ds) => ds,
                _ => Vec::new(),
            };
            if membership {
                Value::Decisions(list)
            } else {
                Value::Decision(list.first().copied().unwrap_or(DecisionType::Rejected))
            }
        }
        ValueKind::Label(capability) => {
            let spec = capability_spec(capability);
            let list: Vec<String> = match value {
                Value::Label(l) => vec![l],
                Value::Labels(ls) => ls,
                _ => Vec::new(),
            }
            .into_iter()
            .filter(|l| spec.has_label(l))
            .collect();
            if membership {
                Value::Labels(list)
            } else {
                Value::Label(
                    list.into_iter()
                        .next()
                        .unwrap_or_else(|| default_label(capability)),
                )
            }
        }
        ValueKind::Number { min, max } => match value {
            Value::Number(n) if subject == Subject::RiskScore => Value::Number(n.clamp(min, max)),
            Value::Number(n) => Value::Number(n),
            _ => default_condition(subject).value,
        },
        ValueKind::DocumentType | ValueKind::Country => {
            let list: Vec<String> = match value {
                Value::Text(t) => vec![t],
                Value::Texts(ts) => ts,
                _ => Vec::new(),
            };
            let list: Vec<String> = if value_kind(subject) == ValueKind::DocumentType {
                list.into_iter()
                    .filter_map(|t| DocumentType::parse(&t).map(|d| d.as_str().to_owned()))
                    .collect()
            } else {
                list
            };
            if membership {
                Value::Texts(list)
            } else {
                match list.into_iter().next() {
                    Some(t) => Value::Text(t),
                    None => default_condition(subject).value,
                }
            }
        }
    };
    Condition {
        subject,
        operator,
        value,
    }
}
