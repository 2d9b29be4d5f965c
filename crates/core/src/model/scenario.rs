//! What a scenario states: what each capability renders, what extraction
//! reads, the account's earlier transactions, what arrived. Data only, so
//! that a workflow file can hold a scenario's contents (issue 34's
//! expectations); the simulator gives it its meaning (`simulate::scenario`:
//! the built-in scenarios, validation, outcomes; `simulate::reuse`).

use serde::{Deserialize, Serialize};

use super::condition::ExtractedField;
use super::vocabulary::{Capability, CredentialCategory, DecisionType, Part};

/// One capability's rendered decision, optionally for one credential
/// category only (usability runs per credential).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub capability: Capability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialCategory>,
    pub decision: DecisionType,
    pub label: String,
}

/// Values the extraction capability reads off the ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ExtractedData {
    pub issuing_country: String,
    pub document_type: String,
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub current_age: i64,
    pub expiry_date: String,
    pub days_to_expiry: i64,
    pub nationality: String,
    /// The issuing state of a US document (a driving licence's state, which
    /// US driving-licence verification reads; issue 29: "the issuing state
    /// comes from the scenario's document, never a constant").
    pub issuing_state: String,
}

/// What extraction reads off a DOCUMENT credential (utility bill, bank or
/// credit-card statement, social-security card; seed 003, 10169): its type
/// and issuing country. A document has no expiry date, no date of birth and
/// no face (domain.md, "Documents").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct DocumentData {
    pub document_type: String,
    pub issuing_country: String,
}

impl Default for DocumentData {
    fn default() -> Self {
        DocumentData {
            document_type: "UTILITY_BILL".into(),
            issuing_country: "USA".into(),
        }
    }
}

impl Default for ExtractedData {
    /// The platform's retrieval sample (seed 003).
    fn default() -> Self {
        ExtractedData {
            issuing_country: "USA".into(),
            document_type: "DRIVING_LICENSE".into(),
            first_name: "JOHN".into(),
            last_name: "DOE".into(),
            date_of_birth: "1964-08-20".into(),
            current_age: 58,
            expiry_date: "2030-08-20".into(),
            days_to_expiry: 1368,
            nationality: "USA".into(),
            issuing_state: "CA".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Capabilities not listed pass (their PASSED label).
    #[serde(default)]
    pub outcomes: Vec<Outcome>,
    /// What extraction reads off the ID.
    #[serde(default)]
    pub data: ExtractedData,
    /// What extraction reads off a DOCUMENT credential (its type applies to
    /// the document, never to the ID).
    #[serde(default)]
    pub document: DocumentData,
    /// What earlier transactions on the account decided, oldest first
    /// (issue 29: reuse only what was verified). Absent: one earlier PASSED
    /// transaction in which everything passed (`reuse::qualifying_history`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<EarlierTransaction>>,
    /// What arrived. Absent: everything the workflow's channels allow, and
    /// every reused credential is on the account (with usability PASSED).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered: Option<Vec<Delivered>>,
    /// Set only when the scenario is read from a recorded transaction
    /// (backtest): then a capability it lists no outcome for is UNKNOWN,
    /// never PASSED, and so is an extracted field it holds no value for.
    #[serde(skip)]
    pub recorded: Option<Recorded>,
}

/// What a scenario read from a recorded transaction lacks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Extracted fields the record holds no value for.
    pub missing: Vec<ExtractedField>,
    /// The record holds no extraction of a DOCUMENT: its presets cannot be
    /// checked again, the recorded usability stands.
    pub document_unread: bool,
}

/// One credential that arrived (issue 11: "a scenario can say what was
/// delivered"). A credential not listed did not arrive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Delivered {
    /// The acquisition step's id; absent: every step of the category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub category: CredentialCategory,
    /// The parts that arrived.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
    /// On the account from an earlier transaction (USE_EXISTING,
    /// REUSABLE_IDENTITY), with its earlier results.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reused: bool,
}

/// One earlier transaction on the account as reuse needs it: written when
/// an execution completes (the mock platform stores it with the
/// execution), or stated by a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EarlierTransaction {
    /// The execution's id (a reused credential and `reusableIdentity`
    /// name it); a scenario may leave it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The transaction's final decision.
    pub decision: DecisionType,
    /// The credentials it collected anew, with their results.
    #[serde(default)]
    pub credentials: Vec<EarlierCredential>,
}

/// A credential an earlier transaction collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EarlierCredential {
    /// The credential's id in that transaction; a scenario may leave it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub category: CredentialCategory,
    /// Its usability decision (NOT_EXECUTED when usability never ran on it).
    pub usability: DecisionType,
    /// A FACEMAP that liveness or a passed authentication found usable for
    /// later authentications (seed 003's `validFaceMapForAuthentication`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub valid_for_authentication: bool,
}
