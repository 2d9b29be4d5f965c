//! What the platform API stores (migrations 0002, 0010 and 0011), as the
//! rest of the server sees it: an execution and its status, its
//! credentials (and how the execution row's `credentials` column holds
//! them), part metadata, a queued callback, and the reuse record each
//! completed execution leaves. No SQL here: `reads` and `writes` map these
//! to rows.

use std::borrow::Cow;

use idflow_core::model::{Channel, CredentialCategory, Part};
use serde::{Deserialize, Serialize};

use crate::platform::error::PlatformError;

/// Where an execution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    /// Created; parts may be uploaded.
    Initiated,
    /// Finalized; processing.
    Acquired,
    /// Processed: the details are ready.
    Processed,
    /// The token lifetime passed after a part arrived, before finalize.
    SessionExpired,
    /// The token lifetime passed before anything arrived.
    TokenExpired,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Initiated => "INITIATED",
            ExecutionStatus::Acquired => "ACQUIRED",
            ExecutionStatus::Processed => "PROCESSED",
            ExecutionStatus::SessionExpired => "SESSION_EXPIRED",
            ExecutionStatus::TokenExpired => "TOKEN_EXPIRED",
        }
    }

    pub fn parse(text: &str) -> Option<ExecutionStatus> {
        [
            ExecutionStatus::Initiated,
            ExecutionStatus::Acquired,
            ExecutionStatus::Processed,
            ExecutionStatus::SessionExpired,
            ExecutionStatus::TokenExpired,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A credential of an execution, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub id: String,
    pub node: String,
    pub category: CredentialCategory,
    pub label: Option<String>,
    pub channels: Vec<Channel>,
    pub api_parts: Vec<Part>,
    pub existing: bool,
}

/// A workflow execution, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    pub id: String,
    pub account_id: String,
    pub definition_key: u32,
    pub definition_version: u32,
    pub scenario: String,
    pub user_reference: Option<String>,
    pub customer_internal_reference: String,
    pub callback_url: Option<String>,
    pub locale: String,
    pub base_url: String,
    /// Seconds since the epoch.
    pub token_expires_at: i64,
    pub status: ExecutionStatus,
    pub created_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    /// The retrieval document (JSON text), once processed.
    pub details: Option<String>,
}

/// A new execution and what it needs recorded.
#[derive(Debug, Clone)]
pub struct NewExecution {
    pub execution: Execution,
    /// The account request as received (JSON text).
    pub request: String,
    /// The store-API token name of the caller.
    pub created_by: String,
    pub credentials: Vec<StoredCredential>,
    /// `credentials` as the execution's row holds them, encoded by the
    /// request's thread rather than by the single writer.
    encoded_credentials: String,
}

impl NewExecution {
    pub fn new(
        execution: Execution,
        request: String,
        created_by: String,
        credentials: Vec<StoredCredential>,
    ) -> Result<NewExecution, PlatformError> {
        let encoded_credentials = encode_credentials(&credentials)?;
        Ok(NewExecution {
            execution,
            request,
            created_by,
            credentials,
            encoded_credentials,
        })
    }

    pub(super) fn encoded_credentials(&self) -> &str {
        &self.encoded_credentials
    }
}

/// A credential in the execution row's `credentials` column (a JSON
/// array in workflow order; migration 0010 wrote the earlier rows of
/// `platform_credentials` in this shape).
// Borrowed both ways: encoding copies no string, decoding only those
// with escapes.
#[derive(Serialize, Deserialize)]
struct CredentialRecord<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    node_id: Cow<'a, str>,
    #[serde(borrow)]
    category: Cow<'a, str>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    /// Comma-separated, as the columns of migration 0002 held them.
    #[serde(borrow)]
    channels: Cow<'a, str>,
    #[serde(borrow)]
    api_parts: Cow<'a, str>,
    existing: bool,
}

fn encode_credentials(credentials: &[StoredCredential]) -> Result<String, PlatformError> {
    let records: Vec<CredentialRecord<'_>> = credentials
        .iter()
        .map(|c| CredentialRecord {
            id: c.id.as_str().into(),
            node_id: c.node.as_str().into(),
            category: c.category.as_str().into(),
            label: c.label.as_deref().map(Into::into),
            channels: join(&c.channels, Channel::as_str).into(),
            api_parts: join(&c.api_parts, Part::as_str).into(),
            existing: c.existing,
        })
        .collect();
    serde_json::to_string(&records)
        .map_err(|error| PlatformError::Encode(format!("credentials: {error}")))
}

pub(super) fn decode_credentials(
    execution_id: &str,
    text: &str,
) -> Result<Vec<StoredCredential>, PlatformError> {
    let records: Vec<CredentialRecord<'_>> = serde_json::from_str(text).map_err(|error| {
        PlatformError::Corrupt(format!("credentials of execution {execution_id}: {error}"))
    })?;
    records
        .into_iter()
        .map(|r| {
            Ok(StoredCredential {
                id: r.id.into_owned(),
                node: r.node_id.into_owned(),
                category: CredentialCategory::parse(&r.category)
                    .ok_or_else(|| corrupt("credential category", &r.category))?,
                label: r.label.map(Cow::into_owned),
                channels: split(&r.channels, "credential channel", Channel::parse)?,
                api_parts: split(&r.api_parts, "credential part", Part::parse)?,
                existing: r.existing,
            })
        })
        .collect()
}

/// Metadata of an uploaded part (the bytes are not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartRecord {
    pub credential_id: String,
    pub classifier: Part,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// Whether a new execution goes to a new account or an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountWrite {
    Create,
    Update,
}

/// A callback waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCallback {
    pub execution_id: String,
    pub url: String,
    pub status: ExecutionStatus,
}

/// A PROCESSED execution of an account that may hold a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialHolder {
    pub execution_id: String,
    pub credentials: Vec<StoredCredential>,
    /// The retrieval document (JSON text).
    pub details: String,
}

/// The reuse record a completed execution leaves
/// (`idflow_core::simulate::EarlierTransaction`, encoded by
/// `crate::platform::history::stored`), with the columns its reads select
/// on: its decision and the categories it offers.
#[derive(Debug, Clone)]
pub struct ReuseRecord {
    pub decision: &'static str,
    pub offers: Vec<CredentialCategory>,
    /// The record's JSON text.
    pub text: String,
}

pub(super) fn corrupt(what: &str, value: impl std::fmt::Debug) -> PlatformError {
    PlatformError::Corrupt(format!("{what}: {value:?} is not a valid value"))
}

fn join<T: Copy>(items: &[T], name: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| name(*i)).collect::<Vec<_>>().join(",")
}

fn split<T>(
    text: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, PlatformError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).ok_or_else(|| corrupt(what, s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credentials column round-trips every field, escapes included,
    /// and a damaged one is refused naming its execution.
    #[test]
    fn credentials_round_trip_through_their_column() {
        let credentials = vec![
            StoredCredential {
                id: "c0".into(),
                node: "existing_facemap".into(),
                category: CredentialCategory::Facemap,
                label: Some("the \"old\" one \u{e9}".into()),
                channels: Vec::new(),
                api_parts: Vec::new(),
                existing: true,
            },
            StoredCredential {
                id: "c1".into(),
                node: "id_capture".into(),
                category: CredentialCategory::Id,
                label: None,
                channels: vec![Channel::Web, Channel::Api],
                api_parts: vec![Part::Front, Part::Back],
                existing: false,
            },
        ];
        let text = encode_credentials(&credentials).expect("encode");
        assert_eq!(
            decode_credentials("ex", &text).expect("decode"),
            credentials
        );
        for damaged in [
            "not json",
            r#"[{"id":"c","node_id":"n","category":"PASSPORT","label":null,"channels":"","api_parts":"","existing":false}]"#,
            r#"[{"id":"c","node_id":"n","category":"ID","label":null,"channels":"FAX","api_parts":"","existing":false}]"#,
        ] {
            match decode_credentials("ex-7", damaged) {
                Err(PlatformError::Corrupt(why)) => assert!(
                    why.contains("ex-7") || why.contains("PASSPORT") || why.contains("FAX"),
                    "{why}"
                ),
                other => panic!("{damaged}: expected Corrupt, got {other:?}"),
            }
        }
    }
}
