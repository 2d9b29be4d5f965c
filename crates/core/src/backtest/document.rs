//! A platform retrieval document (seed 003, "Retrieval API Response"; the
//! shape `simulate::details` writes) read into what a replay needs: what
//! was delivered, each capability's recorded result, the extracted data and
//! the decision the platform recorded.
//!
//! Read with typed, borrowing structs rather than a `serde_json::Value`
//! tree: a replay of 100,000 documents is mostly parsing (issue 18's
//! benchmark), and every field not listed here is skipped unread.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use thiserror::Error;

use crate::catalog::capability_spec;
use crate::model::{Capability, CredentialCategory, DecisionType, ExtractedField, Part};
use crate::simulate::{DocumentData, ExtractedData};

/// Why a document could not be read: the field (a path such as
/// `capabilities.usability[0].decision.type`) and what was wrong with it.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{field}: {message}")]
pub struct ShapeError {
    pub field: String,
    pub message: String,
}

/// One recorded capability result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedResult {
    pub capability: Capability,
    /// The categories of the credentials it names.
    pub categories: Vec<CredentialCategory>,
    pub decision: DecisionType,
    /// The catalog's label (legacy labels included).
    pub label: &'static str,
}

/// One credential the transaction collected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectedCredential {
    pub category: CredentialCategory,
    pub label: Option<String>,
    /// The parts that arrived (classifiers idflow models; LIVENESS_n
    /// frames are noted in `liveness`).
    pub parts: Vec<Part>,
    /// It carries liveness frames: a facemap captured in this journey,
    /// not a stored one uploaded over the API.
    pub liveness: bool,
}

/// The decision the platform recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedDecision {
    pub decision: DecisionType,
    pub label: String,
    pub score: Option<i16>,
}

/// Personal data, shown only when asked for (`--show-data`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Personal {
    pub first_name: String,
    pub last_name: String,
    pub date_of_birth: String,
    pub document_number: String,
}

/// A result whose label the catalog does not know: reported, never
/// guessed (its capability is UNKNOWN in a replay).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnknownLabel {
    pub capability: String,
    pub decision: DecisionType,
    pub label: String,
}

/// A retrieval document, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The workflow execution's id.
    pub id: String,
    pub definition_key: Option<u32>,
    pub recorded: RecordedDecision,
    /// The credentials it collected anew.
    pub credentials: Vec<CollectedCredential>,
    /// Categories of credentials from earlier transactions whose results
    /// this document carries (a result names them; they are not among the
    /// credentials collected anew): what a reused credential needs to
    /// count as present (issue 29).
    pub reused: Vec<CredentialCategory>,
    pub results: Vec<RecordedResult>,
    pub unknown_labels: Vec<UnknownLabel>,
    /// Extracted values (from the ID's PASSED extraction, else the first
    /// PASSED one); `missing` lists the fields the document does not hold.
    pub data: ExtractedData,
    pub missing: Vec<ExtractedField>,
    /// What the PASSED extraction of a DOCUMENT credential read (its type
    /// and issuing country), when the record has one: a DOCUMENT step's
    /// presets are held against it, not against the ID (issue 29, "a
    /// document is not an ID").
    pub document: Option<DocumentData>,
    pub personal: Personal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    #[serde(borrow)]
    workflow: WorkflowPart<'a>,
    #[serde(default, borrow)]
    completed_at: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    credentials: Vec<CredentialPart<'a>>,
    #[serde(borrow)]
    decision: DecisionPart<'a>,
    #[serde(default, borrow)]
    capabilities: BTreeMap<Cow<'a, str>, Vec<ResultPart<'a>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorkflowPart<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default, borrow)]
    definition_key: Option<TextOrNumber<'a>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber<'a> {
    Number(i64),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

impl TextOrNumber<'_> {
    fn number(&self) -> Option<i64> {
        match self {
            TextOrNumber::Number(n) => Some(*n),
            TextOrNumber::Text(t) => t.trim().parse().ok(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialPart<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    category: CredentialCategory,
    #[serde(default, borrow)]
    label: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    parts: Vec<PartPart<'a>>,
    #[serde(default, borrow)]
    reusable_identity: Option<ReusableIdentityPart<'a>>,
}

/// `credentials[].reusableIdentity` (issue 29; domain.md, "Reusable
/// credentials"): what Reusable Identity did for the credential.
#[derive(Deserialize)]
struct ReusableIdentityPart<'a> {
    #[serde(default, borrow)]
    status: Option<Cow<'a, str>>,
}

/// The `reusableIdentity.status` of an ID that was reused rather than
/// scanned afresh (idflow's mock platform writes it; the fresh-scan
/// statuses are ID_NOT_FOUND and RISK_DETECTED).
const REUSED_STATUS: &str = "ID_FOUND";

impl CredentialPart<'_> {
    /// Listed with a Reusable Identity status that says it was reused: it
    /// belongs to an earlier transaction, not collected anew here.
    fn reused(&self) -> bool {
        self.reusable_identity
            .as_ref()
            .and_then(|r| r.status.as_deref())
            .is_some_and(|s| s.eq_ignore_ascii_case(REUSED_STATUS))
    }
}

#[derive(Deserialize)]
struct PartPart<'a> {
    #[serde(borrow)]
    classifier: Cow<'a, str>,
}

#[derive(Deserialize)]
struct DecisionPart<'a> {
    #[serde(rename = "type")]
    kind: DecisionType,
    #[serde(default, borrow)]
    details: Option<Details<'a>>,
    #[serde(default)]
    risk: Option<Risk>,
}

#[derive(Deserialize)]
struct Details<'a> {
    #[serde(borrow)]
    label: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Risk {
    score: f64,
}

#[derive(Deserialize)]
struct ResultPart<'a> {
    #[serde(default, borrow)]
    credentials: Vec<CredentialRef<'a>>,
    #[serde(borrow)]
    decision: DecisionPart<'a>,
    #[serde(default, borrow)]
    data: Option<ResultData<'a>>,
}

#[derive(Deserialize)]
struct CredentialRef<'a> {
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    category: CredentialCategory,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResultData<'a> {
    #[serde(default, borrow, rename = "type")]
    document_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    issuing_country: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    first_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    last_name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    date_of_birth: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    expiry_date: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    document_number: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    current_age: Option<TextOrNumber<'a>>,
    #[serde(default, borrow)]
    nationality: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    state: Option<Cow<'a, str>>,
}

/// The capability a retrieval key (`imageChecks`) names.
fn capability_named(api_name: &str) -> Option<Capability> {
    Capability::ALL
        .iter()
        .copied()
        .find(|&c| capability_spec(c).api_name == api_name)
}

/// Reads one retrieval document.
pub fn read_transaction(text: &str) -> Result<Transaction, ShapeError> {
    // Most documents are well formed: read them directly, and only trace
    // the path to the bad field when one is not (tracking every field's
    // path cost a third of the parsing time).
    if let Ok(document) = serde_json::from_str::<Document<'_>>(text) {
        return Ok(transaction_of(document));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let document: Document<'_> =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            ShapeError {
                field: if field == "." {
                    "(document)".to_owned()
                } else {
                    field
                },
                message: inner.to_string(),
            }
        })?;
    deserializer.end().map_err(|e| ShapeError {
        field: "(document)".to_owned(),
        message: e.to_string(),
    })?;
    Ok(transaction_of(document))
}

fn transaction_of(document: Document<'_>) -> Transaction {
    let definition_key = document
        .workflow
        .definition_key
        .as_ref()
        .and_then(TextOrNumber::number)
        .and_then(|n| u32::try_from(n).ok());
    let recorded = RecordedDecision {
        decision: document.decision.kind,
        label: document.decision.details.as_ref().map_or_else(
            || document.decision.kind.to_string(),
            |d| d.label.to_string(),
        ),
        score: document
            .decision
            .risk
            .as_ref()
            .map(|r| r.score.round().clamp(-1.0, 100.0) as i16),
    };
    let credentials = document
        .credentials
        .iter()
        .filter(|c| !c.reused())
        .map(|c| CollectedCredential {
            category: c.category,
            label: c.label.as_deref().map(str::to_owned),
            parts: c
                .parts
                .iter()
                .filter_map(|p| Part::parse(&p.classifier))
                .collect(),
            liveness: c.parts.iter().any(|p| p.classifier.starts_with("LIVENESS")),
        })
        .collect();
    let mut results = Vec::new();
    let mut unknown_labels = Vec::new();
    let mut extraction: Option<&ResultData<'_>> = None;
    let mut id_extracted = false;
    let mut document_extraction: Option<&ResultData<'_>> = None;
    for (key, list) in &document.capabilities {
        let capability = capability_named(key);
        for result in list {
            let label = result
                .decision
                .details
                .as_ref()
                .map_or("", |d| d.label.as_ref());
            let known = capability.and_then(|c| {
                let spec = capability_spec(c);
                let decision = spec.decision_of_result_label(label)?;
                // A label is known only under its own decision type.
                (decision == result.decision.kind).then_some(())?;
                spec.all_labels()
                    .map(|(_, l)| l)
                    .chain(
                        spec.legacy_labels
                            .iter()
                            .flat_map(|(_, ls)| ls.iter().copied()),
                    )
                    .find(|l| *l == label)
                    .map(|l| (c, l))
            });
            let Some((capability, label)) = known else {
                unknown_labels.push(UnknownLabel {
                    capability: key.to_string(),
                    decision: result.decision.kind,
                    label: label.to_owned(),
                });
                continue;
            };
            if capability == Capability::Extraction && result.decision.kind == DecisionType::Passed
            {
                let on = |category| result.credentials.iter().any(|c| c.category == category);
                if on(CredentialCategory::Document) {
                    document_extraction = document_extraction.or(result.data.as_ref());
                }
                // The ID's extraction gives the extracted values; a record
                // without one keeps the first (as before documents were
                // told apart).
                if on(CredentialCategory::Id) && !id_extracted {
                    extraction = result.data.as_ref();
                    id_extracted = true;
                } else if extraction.is_none() {
                    extraction = result.data.as_ref();
                }
            }
            results.push(RecordedResult {
                capability,
                categories: result.credentials.iter().map(|c| c.category).collect(),
                decision: result.decision.kind,
                label,
            });
        }
    }
    let (data, missing, personal) = extracted(extraction, document.completed_at.as_deref());
    let read_document = document_extraction.map(|d| {
        let default = DocumentData::default();
        DocumentData {
            document_type: d
                .document_type
                .as_deref()
                .map_or(default.document_type, str::to_owned),
            issuing_country: d
                .issuing_country
                .as_deref()
                .map_or(default.issuing_country, str::to_owned),
        }
    });
    let reused = reused_categories(&document);
    Transaction {
        id: document.workflow.id.into_owned(),
        definition_key,
        recorded,
        credentials,
        reused,
        results,
        unknown_labels,
        data,
        missing,
        document: read_document,
        personal,
    }
}

/// The categories of the earlier transactions' credentials whose results
/// the document carries: a result names a credential that is not among the
/// ones collected anew (by id; a reference without an id, by category when
/// none of that category was collected). A credential listed with
/// Reusable Identity's reused status counts as an earlier one.
fn reused_categories(document: &Document<'_>) -> Vec<CredentialCategory> {
    let collected = |reference: &CredentialRef<'_>| match reference.id.as_deref() {
        Some(id) => document
            .credentials
            .iter()
            .any(|c| !c.reused() && c.id.as_deref() == Some(id)),
        None => document
            .credentials
            .iter()
            .any(|c| !c.reused() && c.category == reference.category),
    };
    let mut reused: Vec<CredentialCategory> = Vec::new();
    let named = document
        .capabilities
        .values()
        .flatten()
        .flat_map(|result| result.credentials.iter());
    for reference in named {
        if !reused.contains(&reference.category) && !collected(reference) {
            reused.push(reference.category);
        }
    }
    reused
}

/// The extracted values a replay can use, what is missing, and the
/// personal data (for `--show-data` only). Days to expiry count from the
/// transaction's completion, as the platform computed them then.
fn extracted(
    data: Option<&ResultData<'_>>,
    completed_at: Option<&str>,
) -> (ExtractedData, Vec<ExtractedField>, Personal) {
    let empty = ResultData::default();
    let d = data.unwrap_or(&empty);
    let text = |v: &Option<Cow<'_, str>>| v.as_deref().map(str::to_owned);
    let mut missing = Vec::new();
    let mut need = |value: Option<String>, field: ExtractedField| {
        if value.is_none() {
            missing.push(field);
        }
        value.unwrap_or_default()
    };
    let issuing_country = need(text(&d.issuing_country), ExtractedField::IssuingCountry);
    let document_type = need(text(&d.document_type), ExtractedField::DocumentType);
    let nationality = need(text(&d.nationality), ExtractedField::Nationality);
    let current_age = d.current_age.as_ref().and_then(TextOrNumber::number);
    let days_to_expiry = match (d.expiry_date.as_deref(), completed_at) {
        (Some(expiry), Some(completed)) => days_between(completed, expiry),
        _ => None,
    };
    if current_age.is_none() {
        missing.push(ExtractedField::CurrentAge);
    }
    if days_to_expiry.is_none() {
        missing.push(ExtractedField::DaysToExpiry);
    }
    let personal = Personal {
        first_name: text(&d.first_name).unwrap_or_default(),
        last_name: text(&d.last_name).unwrap_or_default(),
        date_of_birth: text(&d.date_of_birth).unwrap_or_default(),
        document_number: text(&d.document_number).unwrap_or_default(),
    };
    let data = ExtractedData {
        issuing_country,
        document_type,
        first_name: personal.first_name.clone(),
        last_name: personal.last_name.clone(),
        date_of_birth: personal.date_of_birth.clone(),
        current_age: current_age.unwrap_or_default(),
        expiry_date: text(&d.expiry_date).unwrap_or_default(),
        days_to_expiry: days_to_expiry.unwrap_or_default(),
        nationality,
        // The record's `state`, when extraction gave one.
        issuing_state: text(&d.state).unwrap_or_default(),
    };
    (data, missing, personal)
}

/// Whole days from the date of `from` (an RFC 3339 time or a date) to the
/// date `to` (YYYY-MM-DD).
pub(crate) fn days_between(from: &str, to: &str) -> Option<i64> {
    let date = |text: &str| {
        let day = text.get(..10)?;
        time::Date::parse(
            day,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()
    };
    Some((date(to)? - date(from)?).whole_days())
}
