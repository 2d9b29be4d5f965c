//! What a node's card says at a glance: a title, a subtitle and a row of
//! chips; and what it says to assistive technology.

use idflow_core::catalog::capability_spec;
use idflow_core::lint::Severity;
use idflow_core::model::{Node, NodeKind, NodeKindTag, Scoring, TerminalDecision};

use crate::words;

pub struct CardText {
    pub title: String,
    pub subtitle: String,
    pub chips: Vec<String>,
}

pub fn title(node: &Node) -> String {
    if node.title.is_empty() {
        words::kind_name(&node.kind).to_owned()
    } else {
        node.title.clone()
    }
}

pub fn card_text(node: &Node) -> CardText {
    let (subtitle, chips) = match &node.kind {
        NodeKind::Acquisition(a) => {
            let credentials: Vec<String> = a.credentials().map(|c| words::of(c.as_str())).collect();
            let mut subtitle = credentials.join(" + ");
            if let Some(label) = &a.label {
                subtitle.push_str(&format!(" · “{label}”"));
            }
            let mut chips: Vec<String> = a.channels.iter().map(|c| words::of(c.as_str())).collect();
            if !a.parts.is_empty() {
                chips.push(
                    a.parts
                        .iter()
                        .map(|p| words::of(p.as_str()))
                        .collect::<Vec<_>>()
                        .join(" + "),
                );
            }
            if a.acquisition_type != idflow_core::model::AcquisitionType::AcquireNew {
                chips.push(words::of(a.acquisition_type.as_str()));
            }
            (subtitle, chips)
        }
        NodeKind::Service(s) => (
            words::of(s.service.as_str()),
            s.capabilities
                .iter()
                .map(|&c| words::capability_short(c).to_owned())
                .collect(),
        ),
        NodeKind::RiskSignal(r) => (
            capability_spec(r.signal.capability()).name.to_owned(),
            Vec::new(),
        ),
        // Its ports say "then" and "else"; the condition gets the room.
        NodeKind::Decision(d) => {
            let sentence = words::condition(&d.condition);
            // "If the decision is …": only that subject starts with "The".
            let sentence = match sentence.strip_prefix("The ") {
                Some(rest) => format!("the {rest}"),
                None => sentence,
            };
            (format!("If {sentence}"), Vec::new())
        }
        NodeKind::RiskCalculation(r) => match &r.scoring {
            Scoring::Default => (
                "Platform's default score".to_owned(),
                vec!["follows the decision".to_owned()],
            ),
            Scoring::Weights(weights) => (
                format!("Score from {} weights", weights.len()),
                vec!["0–100, 0 = lowest risk".to_owned()],
            ),
        },
        NodeKind::Terminal(t) => {
            let decision = match t.decision {
                TerminalDecision::Derived => "Decision from results".to_owned(),
                TerminalDecision::Fixed(d) => words::of(d.as_str()),
            };
            (decision, t.label.iter().cloned().collect())
        }
    };
    CardText {
        title: title(node),
        subtitle,
        chips,
    }
}

/// A card's description for assistive technology: "Service step, 2
/// findings (worst: error)".
pub fn description(node: &Node, badge: Option<(Severity, usize)>) -> String {
    let kind = match node.kind.tag() {
        NodeKindTag::Acquisition => "Acquisition step",
        NodeKindTag::Service => "Service step",
        NodeKindTag::RiskSignal => "Risk signal step",
        NodeKindTag::Decision => "If/Else decision",
        NodeKindTag::RiskCalculation => "Risk calculation step",
        NodeKindTag::Terminal => "End step",
    };
    match badge {
        None => format!("{kind}, no findings"),
        Some((severity, 1)) => format!("{kind}, 1 finding ({})", words::severity_word(severity)),
        Some((severity, n)) => format!(
            "{kind}, {n} findings (worst: {})",
            words::severity_word(severity)
        ),
    }
}
