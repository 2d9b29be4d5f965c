//! What a node's card says at a glance: a subtitle and a row of chips.

use idflow_core::catalog::capability_spec;
use idflow_core::model::{Capability, Node, NodeKind, TerminalDecision};

use crate::app::theme;

pub struct CardText {
    pub title: String,
    pub subtitle: String,
    pub chips: Vec<String>,
}

pub fn short_capability(c: Capability) -> &'static str {
    match c {
        Capability::Usability => "USA",
        Capability::Extraction => "EXT",
        Capability::ImageChecks => "IMG",
        Capability::DataChecks => "DAT",
        Capability::Liveness => "LIV",
        Capability::Similarity => "SIM",
        Capability::Authentication => "AUTH",
        Capability::WatchlistScreening => "WLS",
        Capability::AddressValidation => "ADDR",
        Capability::ProofOfResidency => "POR",
        Capability::DrivingLicenseVerification => "DLV",
        Capability::DeviceRisk => "DEV",
        Capability::Email => "MAIL",
        Capability::Phone => "PHONE",
    }
}

pub fn title(node: &Node) -> String {
    if node.title.is_empty() {
        theme::kind_name(&node.kind).to_owned()
    } else {
        node.title.clone()
    }
}

pub fn card_text(node: &Node) -> CardText {
    let (subtitle, chips) = match &node.kind {
        NodeKind::Acquisition(a) => {
            let credentials: Vec<&str> = a.credentials().map(|c| c.as_str()).collect();
            let mut subtitle = credentials.join(" + ");
            if let Some(label) = &a.label {
                subtitle.push_str(&format!(" · “{label}”"));
            }
            let mut chips: Vec<String> = a.channels.iter().map(|c| c.as_str().to_owned()).collect();
            if !a.parts.is_empty() {
                chips.push(
                    a.parts
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join("+"),
                );
            }
            if a.acquisition_type != idflow_core::model::AcquisitionType::AcquireNew {
                chips.push(a.acquisition_type.as_str().to_owned());
            }
            (subtitle, chips)
        }
        NodeKind::Service(s) => (
            s.service.as_str().to_owned(),
            s.capabilities
                .iter()
                .map(|&c| short_capability(c).to_owned())
                .collect(),
        ),
        NodeKind::RiskSignal(r) => (
            capability_spec(r.signal.capability()).name.to_owned(),
            Vec::new(),
        ),
        NodeKind::Decision(d) => (
            format!("If {}", d.condition.describe()),
            vec!["THEN".to_owned(), "ELSE".to_owned()],
        ),
        NodeKind::RiskCalculation(r) => (
            format!("{} weights", r.weights.len()),
            vec!["0–100".to_owned()],
        ),
        NodeKind::Terminal(t) => {
            let decision = match t.decision {
                TerminalDecision::Derived => "Decision from results".to_owned(),
                TerminalDecision::Fixed(d) => d.to_string(),
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
