//! Generated workflows of any size, lint-clean, for benchmarks and
//! stress tests of the canvas, lint, store and simulator.

use crate::catalog::{default_weights, service_capabilities};
use crate::model::{
    AcquisitionNode, AcquisitionType, Channel, Condition, CredentialCategory, DecisionNode,
    DecisionType, Edge, Node, NodeKind, Operator, Part, Port, Position, RiskCalculationNode,
    ServiceKind, ServiceNode, Stage, Subject, TerminalDecision, TerminalNode, Value, Workflow,
};

/// A workflow of about `nodes` nodes (at least 6): ID and selfie
/// acquisition, then repeated blocks of ID_IV -> If/Else (rejected so far ->
/// End rejected), then a risk calculation and a derived End.
pub fn synthetic_workflow(nodes: usize) -> Workflow {
    let mut w = Workflow::new(299_999, format!("Synthetic {nodes}"));
    let acquisition = |category, parts: &[Part], label: &str| {
        NodeKind::Acquisition(AcquisitionNode {
            category,
            stage: Stage::Initial,
            acquisition_type: AcquisitionType::AcquireNew,
            channels: vec![Channel::Web, Channel::Sdk],
            parts: parts.to_vec(),
            label: Some(label.to_owned()),
            document_types: Vec::new(),
            countries: Vec::new(),
        })
    };
    w.nodes.push(Node::new(
        "id",
        Position::new(0.0, 0.0),
        acquisition(CredentialCategory::Id, &[Part::Front, Part::Back], "id"),
    ));
    w.nodes.push(Node::new(
        "selfie",
        Position::new(240.0, 0.0),
        acquisition(
            CredentialCategory::Selfie,
            &[Part::Face, Part::Facemap],
            "selfie",
        ),
    ));
    w.edges.push(Edge::new("id", Port::Out, "selfie"));
    let blocks = nodes.saturating_sub(4).max(3) / 3;
    let mut previous = "selfie".to_owned();
    let mut previous_port = Port::Out;
    let capabilities = service_capabilities(ServiceKind::IdIv);
    for b in 0..blocks {
        let x = 480.0 + (b % 40) as f32 * 720.0;
        let y = (b / 40) as f32 * 400.0;
        let service = format!("s{b}");
        let decision = format!("d{b}");
        let reject = format!("r{b}");
        w.nodes.push(Node::new(
            &service,
            Position::new(x, y),
            NodeKind::Service(ServiceNode {
                service: ServiceKind::IdIv,
                capabilities: capabilities.to_vec(),
            }),
        ));
        w.nodes.push(Node::new(
            &decision,
            Position::new(x + 240.0, y),
            NodeKind::Decision(DecisionNode {
                condition: Condition {
                    subject: Subject::OverallDecision,
                    operator: Operator::Ne,
                    value: Value::Decision(DecisionType::Rejected),
                },
            }),
        ));
        w.nodes.push(Node::new(
            &reject,
            Position::new(x + 480.0, y + 160.0),
            NodeKind::Terminal(TerminalNode {
                decision: TerminalDecision::Fixed(DecisionType::Rejected),
                label: None,
            }),
        ));
        w.edges
            .push(Edge::new(previous.clone(), previous_port, service.clone()));
        w.edges
            .push(Edge::new(service, Port::Out, decision.clone()));
        w.edges
            .push(Edge::new(decision.clone(), Port::Else, reject));
        previous = decision;
        previous_port = Port::Then;
    }
    w.nodes.push(Node::new(
        "risk",
        Position::new(0.0, -300.0),
        NodeKind::RiskCalculation(RiskCalculationNode {
            scoring: crate::model::Scoring::Weights(default_weights(capabilities)),
            bands: None,
        }),
    ));
    w.nodes.push(Node::new(
        "end",
        Position::new(240.0, -300.0),
        NodeKind::Terminal(TerminalNode {
            decision: TerminalDecision::Derived,
            label: None,
        }),
    ));
    w.edges.push(Edge::new(previous, previous_port, "risk"));
    w.edges.push(Edge::new("risk", Port::Out, "end"));
    w
}
