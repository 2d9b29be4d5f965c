use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::vocabulary::{
    AcquisitionType, Capability, Channel, CredentialCategory, DecisionType, DocumentType, Part,
    RiskSignal, ServiceKind, Stage,
};
use super::workflow::{NodeId, Position};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: NodeId,
    pub position: Position,
    /// What the canvas card shows as its title; empty means "use the kind's name".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    pub kind: NodeKind,
}

impl Node {
    pub fn new(id: impl Into<String>, position: Position, kind: NodeKind) -> Self {
        Node {
            id: NodeId(id.into()),
            position,
            title: String::new(),
            kind,
        }
    }
}

/// What a node does. Each variant carries exactly the settings the
/// properties panel shows for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NodeKind {
    Acquisition(AcquisitionNode),
    Service(ServiceNode),
    RiskSignal(RiskSignalNode),
    Decision(DecisionNode),
    RiskCalculation(RiskCalculationNode),
    Terminal(TerminalNode),
}

/// The kind of a node without its settings (for palettes, colours, counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKindTag {
    Acquisition,
    Service,
    RiskSignal,
    Decision,
    RiskCalculation,
    Terminal,
}

impl NodeKindTag {
    pub const ALL: &'static [NodeKindTag] = &[
        NodeKindTag::Acquisition,
        NodeKindTag::Service,
        NodeKindTag::RiskSignal,
        NodeKindTag::Decision,
        NodeKindTag::RiskCalculation,
        NodeKindTag::Terminal,
    ];
}

impl NodeKind {
    pub fn tag(&self) -> NodeKindTag {
        match self {
            NodeKind::Acquisition(_) => NodeKindTag::Acquisition,
            NodeKind::Service(_) => NodeKindTag::Service,
            NodeKind::RiskSignal(_) => NodeKindTag::RiskSignal,
            NodeKind::Decision(_) => NodeKindTag::Decision,
            NodeKind::RiskCalculation(_) => NodeKindTag::RiskCalculation,
            NodeKind::Terminal(_) => NodeKindTag::Terminal,
        }
    }
}

/// An entry step: how credentials arrive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcquisitionNode {
    pub category: CredentialCategory,
    pub stage: Stage,
    pub acquisition_type: AcquisitionType,
    pub channels: Vec<Channel>,
    /// ID: FRONT (+ BACK); SELFIE: FACE (+ FACEMAP, which adds a FACEMAP
    /// credential); FACEMAP: FACEMAP; DOCUMENT: FRONT; DATA: DEVICE_RISK and/or PREPARED_DATA.
    pub parts: Vec<Part>,
    /// Names the credential uniquely; required when a category repeats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Accepted document types (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub document_types: Vec<DocumentType>,
    /// Accepted issuing countries, ISO 3166-1 alpha-3 (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
}

impl AcquisitionNode {
    /// The credential categories this step makes present (a SELFIE step that
    /// captures a FACEMAP part yields a FACEMAP credential as well).
    pub fn credentials(&self) -> impl Iterator<Item = CredentialCategory> + '_ {
        let facemap_extra =
            self.category == CredentialCategory::Selfie && self.parts.contains(&Part::Facemap);
        std::iter::once(self.category).chain(facemap_extra.then_some(CredentialCategory::Facemap))
    }
}

/// A verification service (ID_IV, authentication, document verification)
/// with its selected capabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceNode {
    pub service: ServiceKind,
    pub capabilities: Vec<Capability>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskSignalNode {
    pub signal: RiskSignal,
}

/// If/Else: `THEN` when the condition holds, `ELSE` otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionNode {
    pub condition: Condition,
}

/// Aggregates results into one risk score, -1 or 0 (low) to 100: the
/// platform's default score, or the customer's own weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, try_from = "RiskCalculationText")]
pub struct RiskCalculationNode {
    pub scoring: Scoring,
    /// The account's decision thresholds when its support changed them
    /// (domain.md: the bands are a platform setting); absent: the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<ScoreBands>,
}

impl RiskCalculationNode {
    /// The customer's weights (none under the default score).
    pub fn weights(&self) -> &[RiskWeight] {
        match &self.scoring {
            Scoring::Default => &[],
            Scoring::Weights(w) => w,
        }
    }

    /// The weights to edit, when the step scores by weights.
    pub fn weights_mut(&mut self) -> Option<&mut Vec<RiskWeight>> {
        match &mut self.scoring {
            Scoring::Default => None,
            Scoring::Weights(w) => Some(w),
        }
    }
}

/// How a risk step scores (issue 29, "the platform's default score,
/// modelled explicitly"; domain.md, "Scores without the customer's own
/// rules").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Scoring {
    /// The platform's default: the score follows the transaction's final
    /// decision (PASSED 0, WARNING 50, REJECTED 71, NOT_EXECUTED -1, each
    /// moved into its band where the bands were changed).
    #[serde(rename = "DEFAULT", alias = "Default")]
    Default,
    /// The customer's own rule: the sum of the weights whose outcome
    /// occurred, capped at 100, acting exactly as written.
    #[serde(rename = "WEIGHTS", alias = "Weights")]
    Weights(Vec<RiskWeight>),
}

/// A risk step as written: `scoring`, or (files written before scoring was
/// modelled) `weights` alone, which reads as `WEIGHTS` so its meaning is
/// unchanged.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RiskCalculationText {
    #[serde(default, deserialize_with = "present")]
    scoring: Option<Scoring>,
    #[serde(default, deserialize_with = "present")]
    weights: Option<Vec<RiskWeight>>,
    #[serde(default)]
    bands: Option<ScoreBands>,
}

/// A field that may be left out but, when written, holds a value (`null`
/// is refused, as it was before the field became optional).
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

impl TryFrom<RiskCalculationText> for RiskCalculationNode {
    type Error = String;

    fn try_from(text: RiskCalculationText) -> Result<Self, Self::Error> {
        let scoring = match (text.scoring, text.weights) {
            (Some(_), Some(_)) => {
                return Err(
                    "a risk step has `scoring` or (older files) `weights`, not both: move the weights into `scoring: WEIGHTS([...])`"
                        .to_owned(),
                );
            }
            (Some(scoring), None) => scoring,
            (None, Some(weights)) => Scoring::Weights(weights),
            (None, None) => {
                return Err(
                    "a risk step needs `scoring`: DEFAULT (the platform's default score) or WEIGHTS([...])"
                        .to_owned(),
                );
            }
        };
        Ok(RiskCalculationNode {
            scoring,
            bands: text.bands,
        })
    }
}

/// Where a risk score's decision changes (domain.md, "Top-level decision":
/// default PASSED 0-30, WARNING 31-70, REJECTED 71-100; NOT_EXECUTED -1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreBands {
    /// The highest PASSED score.
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub passed_up_to: u8,
    /// The highest WARNING score; above it is REJECTED.
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub warning_up_to: u8,
}

impl Default for ScoreBands {
    fn default() -> Self {
        ScoreBands {
            passed_up_to: 30,
            warning_up_to: 70,
        }
    }
}

impl ScoreBands {
    /// The score that means "not executed".
    pub const NOT_EXECUTED: i16 = -1;

    /// Bands are usable when each decision keeps at least one score:
    /// PASSED from 0, WARNING above it, REJECTED above that up to 100.
    pub fn is_valid(&self) -> bool {
        self.passed_up_to < self.warning_up_to && self.warning_up_to < 100
    }

    /// The decision a score falls in.
    pub fn decision(&self, score: i16) -> DecisionType {
        if score < 0 {
            DecisionType::NotExecuted
        } else if score <= i16::from(self.passed_up_to) {
            DecisionType::Passed
        } else if score <= i16::from(self.warning_up_to) {
            DecisionType::Warning
        } else {
            DecisionType::Rejected
        }
    }

    /// The lowest and highest score of a decision's band.
    pub fn range(&self, decision: DecisionType) -> (i16, i16) {
        let (passed, warning) = (i16::from(self.passed_up_to), i16::from(self.warning_up_to));
        match decision {
            DecisionType::NotExecuted => (Self::NOT_EXECUTED, Self::NOT_EXECUTED),
            DecisionType::Passed => (0, passed),
            DecisionType::Warning => (passed + 1, warning),
            DecisionType::Rejected => (warning + 1, 100),
        }
    }

    /// The platform's default score for a transaction's final decision
    /// (issue 29; domain.md, "Scores without the customer's own rules"):
    /// PASSED 0, WARNING 50 (seed 003's IDIV sample), REJECTED 71 (the
    /// default band's floor), NOT_EXECUTED -1; where the bands were changed,
    /// each moves to the nearest score inside its band.
    pub fn default_score(&self, decision: DecisionType) -> i16 {
        let score = match decision {
            DecisionType::Passed => 0,
            DecisionType::Warning => 50,
            DecisionType::Rejected => 71,
            DecisionType::NotExecuted => Self::NOT_EXECUTED,
        };
        self.into_band(decision, score)
    }

    /// `score` moved into `decision`'s band (unchanged when already in it).
    /// Bands a file may hold but lint refuses (`risk-bands`: WARNING up to
    /// 200, PASSED above WARNING) leave a band empty; the score then goes
    /// to the band's top, never a panic (schemathesis sent such a file to
    /// publish, whose lint reads the default score).
    pub fn into_band(&self, decision: DecisionType, score: i16) -> i16 {
        let (low, high) = self.range(decision);
        score.max(low).min(high)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RiskWeight {
    pub capability: Capability,
    pub decision: DecisionType,
    #[cfg_attr(feature = "openapi", schema(maximum = 255))]
    pub weight: u8,
}

/// End of the flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TerminalNode {
    pub decision: TerminalDecision,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A terminal either reports the decision the capabilities rendered
/// (`DERIVED`: any rejection rejects, any warning warns) or a fixed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TerminalDecision {
    Derived,
    Fixed(DecisionType),
}
