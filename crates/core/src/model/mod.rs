//! The workflow model: what a workflow file holds.
//!
//! Enum values serialise in the platform's SCREAMING_SNAKE_CASE so that files
//! read like the platform's own documentation (`INITIAL`, `ACQUIRE_NEW`, `FACEMAP`).

mod condition;
mod expectation;
mod node;
pub(crate) mod scenario;
mod vocabulary;
mod workflow;

pub use condition::{Condition, ExtractedField, Operator, Subject, Value};
pub use expectation::{Expectation, Expected, ScenarioRef, expectation_id_base, fresh_id, id_slug};
pub use node::{
    AcquisitionNode, DecisionNode, Node, NodeKind, NodeKindTag, RiskCalculationNode,
    RiskSignalNode, RiskWeight, ScoreBands, Scoring, ServiceNode, TerminalDecision, TerminalNode,
};
pub use vocabulary::{
    AcquisitionType, Capability, Channel, CredentialCategory, DecisionType, DocumentType, Part,
    RiskSignal, ServiceKind, Stage,
};
pub use workflow::{
    Edge, FORMAT_VERSION, FORMAT_WITHOUT_EXPECTATIONS, NodeId, Note, NoteSize,
    OLDEST_FORMAT_VERSION, Port, Position, RuleSetting, Workflow, parse_key,
};
