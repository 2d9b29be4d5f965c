//! The component panel's primitives: every node kind with sensible defaults.

use crate::model::{
    AcquisitionNode, AcquisitionType, Capability, Channel, Condition, CredentialCategory,
    DecisionNode, DecisionType, NodeKind, Operator, Part, RiskCalculationNode, RiskSignal,
    RiskSignalNode, RiskWeight, Scoring, ServiceKind, ServiceNode, Stage, Subject,
    TerminalDecision, TerminalNode, Value,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaletteGroup {
    Acquisition,
    Services,
    RiskSignals,
    Logic,
    End,
}

impl PaletteGroup {
    pub const ALL: &'static [PaletteGroup] = &[
        PaletteGroup::Acquisition,
        PaletteGroup::Services,
        PaletteGroup::RiskSignals,
        PaletteGroup::Logic,
        PaletteGroup::End,
    ];

    pub fn title(self) -> &'static str {
        match self {
            PaletteGroup::Acquisition => "Acquisition",
            PaletteGroup::Services => "Services",
            PaletteGroup::RiskSignals => "Risk signals",
            PaletteGroup::Logic => "Logic",
            PaletteGroup::End => "End",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PaletteEntry {
    pub group: PaletteGroup,
    pub title: &'static str,
    pub kind: NodeKind,
    /// No platform source names it: idflow's own model (domain.md), which
    /// the panel says.
    pub idflow_model: bool,
}

fn acquisition(category: CredentialCategory, parts: &[Part], channels: &[Channel]) -> NodeKind {
    NodeKind::Acquisition(AcquisitionNode {
        category,
        stage: Stage::Initial,
        acquisition_type: AcquisitionType::AcquireNew,
        channels: channels.to_vec(),
        parts: parts.to_vec(),
        label: None,
        document_types: Vec::new(),
        countries: Vec::new(),
    })
}

fn service(service: ServiceKind, capabilities: &[Capability]) -> NodeKind {
    NodeKind::Service(ServiceNode {
        service,
        capabilities: capabilities.to_vec(),
    })
}

fn signal(signal: RiskSignal) -> NodeKind {
    NodeKind::RiskSignal(RiskSignalNode { signal })
}

/// Default risk weights, a starting point for the customer's own: a
/// rejection is maximal risk (100); the warnings share what stays below the
/// default REJECTED band (70), so that warnings alone never reject (seed
/// 004; lint `risk-warnings-reject`), counting usability up to three times
/// (it renders one result per credential). Only outcomes the capability
/// renders get a weight (issue 29; seed 004: "Extraction is always either
/// passed or not executed"): a weight on another one never counts, and lint
/// flags it (`risk-weight-unproduced`).
pub fn default_weights(capabilities: &[Capability]) -> Vec<RiskWeight> {
    let renders = |capability: Capability, decision: DecisionType| {
        !crate::catalog::capability_spec(capability)
            .labels_for(decision)
            .is_empty()
    };
    let warning_results: u32 = capabilities
        .iter()
        .filter(|&&c| renders(c, DecisionType::Warning))
        .map(|&c| if c == Capability::Usability { 3 } else { 1 })
        .sum();
    let warning = u8::try_from(70 / warning_results.max(1))
        .unwrap_or(70)
        .max(1);
    capabilities
        .iter()
        .flat_map(|&capability| {
            [
                (DecisionType::Rejected, 100),
                (DecisionType::Warning, warning),
            ]
            .into_iter()
            .filter(move |&(decision, _)| renders(capability, decision))
            .map(move |(decision, weight)| RiskWeight {
                capability,
                decision,
                weight,
            })
        })
        .collect()
}

/// Every primitive the component panel offers, grouped, with defaults.
pub fn palette() -> Vec<PaletteEntry> {
    use Channel::{Api, Sdk, Web};
    use PaletteGroup as G;
    let all_channels = [Web, Sdk, Api];
    let entry = |group, title, kind: NodeKind| PaletteEntry {
        group,
        title,
        idflow_model: matches!(&kind, NodeKind::RiskSignal(r) if crate::catalog::is_idflow_model(r.signal.capability())),
        kind,
    };
    let mut entries = vec![
        entry(
            G::Acquisition,
            "ID",
            acquisition(
                CredentialCategory::Id,
                &[Part::Front, Part::Back],
                &all_channels,
            ),
        ),
        entry(
            G::Acquisition,
            "Selfie + facemap",
            acquisition(
                CredentialCategory::Selfie,
                &[Part::Face, Part::Facemap],
                &[Web, Sdk],
            ),
        ),
        entry(
            G::Acquisition,
            "Document",
            acquisition(CredentialCategory::Document, &[Part::Front], &all_channels),
        ),
        entry(
            G::Acquisition,
            "Device data",
            acquisition(CredentialCategory::Data, &[Part::DeviceRisk], &[Web, Sdk]),
        ),
        entry(
            G::Acquisition,
            "Prepared data",
            acquisition(CredentialCategory::Data, &[Part::PreparedData], &[Api]),
        ),
        entry(
            G::Services,
            "ID & identity verification",
            service(
                ServiceKind::IdIv,
                crate::catalog::service_capabilities(ServiceKind::IdIv),
            ),
        ),
        entry(
            G::Services,
            "Authentication",
            service(ServiceKind::Authentication, &[Capability::Authentication]),
        ),
        entry(
            G::Services,
            "Document verification",
            service(
                ServiceKind::DocumentVerification,
                crate::catalog::service_capabilities(ServiceKind::DocumentVerification),
            ),
        ),
    ];
    for &s in RiskSignal::ALL {
        entries.push(entry(
            G::RiskSignals,
            crate::catalog::capability_spec(s.capability()).name,
            signal(s),
        ));
    }
    entries.push(entry(
        G::Logic,
        "If / Else",
        NodeKind::Decision(DecisionNode {
            condition: Condition {
                subject: Subject::OverallDecision,
                operator: Operator::Ne,
                value: Value::Decision(DecisionType::Rejected),
            },
        }),
    ));
    entries.push(entry(
        G::Logic,
        "Risk calculation",
        NodeKind::RiskCalculation(RiskCalculationNode {
            scoring: Scoring::Default,
            bands: None,
        }),
    ));
    entries.push(entry(
        G::End,
        "End (decision from results)",
        NodeKind::Terminal(TerminalNode {
            decision: TerminalDecision::Derived,
            label: None,
        }),
    ));
    for (title, d) in [
        ("End: passed", DecisionType::Passed),
        ("End: rejected", DecisionType::Rejected),
        ("End: warning", DecisionType::Warning),
    ] {
        entries.push(entry(
            G::End,
            title,
            NodeKind::Terminal(TerminalNode {
                decision: TerminalDecision::Fixed(d),
                label: None,
            }),
        ));
    }
    entries
}
