//! Typed conditions for decision points: a subject (what is read), an
//! operator and a value. Lint checks that the three fit together and that an
//! upstream step produces the subject.

use serde::{Deserialize, Serialize};

use super::vocabulary::{Capability, DecisionType};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub subject: Subject,
    pub operator: Operator,
    // Spelled through an alias: utoipa reads a field typed `Value` as
    // serde_json's (any JSON), which would leave the value unchecked.
    pub value: ConditionValue,
}

/// What a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Subject {
    /// The decision type one capability rendered.
    CapabilityDecision(Capability),
    /// The decision label one capability rendered (e.g. `PHOTOCOPY`).
    CapabilityLabel(Capability),
    /// The transaction's decision so far (any rejection rejects it).
    OverallDecision,
    /// The score of the last upstream risk calculation (0 = low risk .. 100).
    RiskScore,
    /// A value read from the ID by extraction.
    ExtractedField(ExtractedField),
}

/// Values the extraction capability reads off an ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExtractedField {
    /// ISO 3166-1 alpha-3 code of the issuing country.
    IssuingCountry,
    /// The document type read from the ID.
    DocumentType,
    /// The holder's current age in whole years.
    CurrentAge,
    /// Days until the document expires (negative once expired).
    DaysToExpiry,
    /// ISO 3166-1 alpha-3 code of the holder's nationality.
    Nationality,
}

impl ExtractedField {
    pub const ALL: &'static [ExtractedField] = &[
        ExtractedField::IssuingCountry,
        ExtractedField::DocumentType,
        ExtractedField::CurrentAge,
        ExtractedField::DaysToExpiry,
        ExtractedField::Nationality,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExtractedField::IssuingCountry => "ISSUING_COUNTRY",
            ExtractedField::DocumentType => "DOCUMENT_TYPE",
            ExtractedField::CurrentAge => "CURRENT_AGE",
            ExtractedField::DaysToExpiry => "DAYS_TO_EXPIRY",
            ExtractedField::Nationality => "NATIONALITY",
        }
    }

    /// Whether the field is a number (compared with < > etc.) or text.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ExtractedField::CurrentAge | ExtractedField::DaysToExpiry
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl Operator {
    pub const ALL: &'static [Operator] = &[
        Operator::Eq,
        Operator::Ne,
        Operator::Lt,
        Operator::Le,
        Operator::Gt,
        Operator::Ge,
        Operator::In,
        Operator::NotIn,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "≠",
            Operator::Lt => "<",
            Operator::Le => "≤",
            Operator::Gt => ">",
            Operator::Ge => "≥",
            Operator::In => "in",
            Operator::NotIn => "not in",
        }
    }

    pub fn is_ordering(self) -> bool {
        matches!(
            self,
            Operator::Lt | Operator::Le | Operator::Gt | Operator::Ge
        )
    }

    pub fn is_membership(self) -> bool {
        matches!(self, Operator::In | Operator::NotIn)
    }
}

/// The condition's value, under the name the OpenAPI document gives it.
pub type ConditionValue = Value;

/// The right-hand side of a condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ConditionValue))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Value {
    Decision(DecisionType),
    Decisions(Vec<DecisionType>),
    Label(String),
    Labels(Vec<String>),
    Number(i64),
    Text(String),
    Texts(Vec<String>),
}

impl Subject {
    /// Whether the subject is a number (risk score, age, days to expiry).
    pub fn is_numeric(self) -> bool {
        match self {
            Subject::RiskScore => true,
            Subject::ExtractedField(f) => f.is_numeric(),
            _ => false,
        }
    }

    /// The operators that fit the subject: numbers compare and order;
    /// decisions, labels and text compare and test membership. Lint and the
    /// condition editor both use this.
    pub fn operators(self) -> &'static [Operator] {
        const CATEGORICAL: &[Operator] =
            &[Operator::Eq, Operator::Ne, Operator::In, Operator::NotIn];
        const NUMERIC: &[Operator] = &[
            Operator::Eq,
            Operator::Ne,
            Operator::Lt,
            Operator::Le,
            Operator::Gt,
            Operator::Ge,
        ];
        if self.is_numeric() {
            NUMERIC
        } else {
            CATEGORICAL
        }
    }
}

impl Condition {
    /// A one-line human reading, e.g. `IMAGE_CHECKS decision = REJECTED`.
    pub fn describe(&self) -> String {
        let subject = match self.subject {
            Subject::CapabilityDecision(c) => format!("{c} decision"),
            Subject::CapabilityLabel(c) => format!("{c} label"),
            Subject::OverallDecision => "overall decision".to_owned(),
            Subject::RiskScore => "risk score".to_owned(),
            Subject::ExtractedField(f) => f.as_str().to_owned(),
        };
        let value = match &self.value {
            Value::Decision(d) => d.to_string(),
            Value::Decisions(ds) => ds.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", "),
            Value::Label(s) | Value::Text(s) => s.clone(),
            Value::Labels(ss) | Value::Texts(ss) => ss.join(", "),
            Value::Number(n) => n.to_string(),
        };
        format!("{subject} {} {value}", self.operator.symbol())
    }
}
