//! A step's settings as (field, value) pairs in the platform's words, so
//! that two versions of a step can be compared field by field and the
//! difference read as "Channels: WEB, SDK → WEB, SDK, API".
//!
//! Lists the platform reads as sets (capabilities, channels, parts,
//! document types, countries, the values of an `in` condition) and the
//! risk weights (a sum) are written in one canonical order: the platform's
//! own order for its vocabularies, alphabetical for free text. So the same
//! items in another order are the same value (issue 29: "the order of a
//! step's capability list is not a change"), here and wherever these
//! values are compared (`idflow diff`, the designer's compare view).

use crate::model::{Condition, Node, NodeKind, TerminalDecision, Value as ConditionValue};

/// What kind of step a node is, in words.
pub fn kind_words(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Acquisition(_) => "Acquisition",
        NodeKind::Service(_) => "Service",
        NodeKind::RiskSignal(_) => "Risk signal",
        NodeKind::Decision(_) => "If/Else decision",
        NodeKind::RiskCalculation(_) => "Risk score",
        NodeKind::Terminal(_) => "End",
    }
}

/// Codes joined as a list; `empty` when there are none.
fn list<T: std::fmt::Display>(items: &[T], empty: &str) -> String {
    if items.is_empty() {
        return empty.to_owned();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A set's items in canonical order (sorted, duplicates kept: a repeated
/// item is a change lint reports, not an order), joined as a list.
fn set<T: Ord + Clone + std::fmt::Display>(items: &[T], empty: &str) -> String {
    let mut sorted = items.to_vec();
    sorted.sort();
    list(&sorted, empty)
}

/// A condition in words, its value list (tested for membership: a set) in
/// canonical order.
fn condition_words(condition: &Condition) -> String {
    let mut condition = condition.clone();
    match &mut condition.value {
        ConditionValue::Decisions(items) => items.sort(),
        ConditionValue::Labels(items) | ConditionValue::Texts(items) => items.sort(),
        ConditionValue::Decision(_)
        | ConditionValue::Label(_)
        | ConditionValue::Number(_)
        | ConditionValue::Text(_) => {}
    }
    condition.describe()
}

/// Every field of `node` that carries meaning (not its position), in a
/// fixed order per kind.
pub fn fields(node: &Node) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("Title", node.title.clone()),
        ("Kind", kind_words(&node.kind).to_owned()),
    ];
    match &node.kind {
        NodeKind::Acquisition(a) => {
            out.push(("Category", a.category.to_string()));
            out.push(("Stage", a.stage.to_string()));
            out.push(("Acquisition type", a.acquisition_type.to_string()));
            out.push(("Channels", set(&a.channels, "none")));
            out.push(("Parts", set(&a.parts, "none")));
            out.push(("Label", a.label.clone().unwrap_or_else(|| "none".into())));
            out.push(("Document types", set(&a.document_types, "any")));
            out.push(("Countries", set(&a.countries, "any")));
        }
        NodeKind::Service(s) => {
            out.push(("Service", s.service.to_string()));
            out.push(("Capabilities", set(&s.capabilities, "none")));
        }
        NodeKind::RiskSignal(r) => out.push(("Signal", r.signal.to_string())),
        NodeKind::Decision(d) => out.push(("Condition", condition_words(&d.condition))),
        NodeKind::RiskCalculation(r) => {
            out.push((
                "Scoring",
                match r.scoring {
                    crate::model::Scoring::Default => "the platform's default".to_owned(),
                    crate::model::Scoring::Weights(_) => "weights".to_owned(),
                },
            ));
            // The score is the sum of the weights whose outcome occurred:
            // their order means nothing.
            let mut weights: Vec<_> = r
                .weights()
                .iter()
                .map(|w| (w.capability, w.decision, w.weight))
                .collect();
            weights.sort_unstable();
            let weights: Vec<String> = weights
                .into_iter()
                .map(|(capability, decision, weight)| format!("{capability} {decision} {weight}"))
                .collect();
            out.push(("Weights", list(&weights, "none")));
            out.push((
                "Score bands",
                match r.bands {
                    Some(b) => format!(
                        "PASSED up to {}, WARNING up to {}",
                        b.passed_up_to, b.warning_up_to
                    ),
                    None => "the platform's defaults".to_owned(),
                },
            ));
        }
        NodeKind::Terminal(t) => {
            out.push((
                "Decision",
                match t.decision {
                    TerminalDecision::Derived => "derived from the results".to_owned(),
                    TerminalDecision::Fixed(d) => d.to_string(),
                },
            ));
            out.push(("Label", t.label.clone().unwrap_or_else(|| "none".into())));
        }
    }
    out
}
