//! A step's settings as (field, value) pairs in the platform's words, so
//! that two versions of a step can be compared field by field and the
//! difference read as "Channels: WEB, SDK → WEB, SDK, API".

use crate::model::{Node, NodeKind, TerminalDecision};

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
            out.push(("Channels", list(&a.channels, "none")));
            out.push(("Parts", list(&a.parts, "none")));
            out.push(("Label", a.label.clone().unwrap_or_else(|| "none".into())));
            out.push(("Document types", list(&a.document_types, "any")));
            out.push(("Countries", list(&a.countries, "any")));
        }
        NodeKind::Service(s) => {
            out.push(("Service", s.service.to_string()));
            out.push(("Capabilities", list(&s.capabilities, "none")));
        }
        NodeKind::RiskSignal(r) => out.push(("Signal", r.signal.to_string())),
        NodeKind::Decision(d) => out.push(("Condition", d.condition.describe())),
        NodeKind::RiskCalculation(r) => {
            out.push((
                "Scoring",
                match r.scoring {
                    crate::model::Scoring::Default => "the platform's default".to_owned(),
                    crate::model::Scoring::Weights(_) => "weights".to_owned(),
                },
            ));
            let weights: Vec<String> = r
                .weights()
                .iter()
                .map(|w| format!("{} {} {}", w.capability, w.decision, w.weight))
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
