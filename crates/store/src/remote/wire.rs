//! The bodies the store API answers with (`idflow_server`'s routes
//! serialise the same types). Unknown fields are ignored, so a newer
//! server that adds some still works.

use idflow_core::Workflow;
use idflow_core::format::{Format, parse_workflow};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Answer, failure};
use crate::{Revision, StoreError, VersionInfo, WorkflowSummary};

/// `GET /workflows`.
#[derive(Debug, Deserialize)]
pub(super) struct List {
    pub workflows: Vec<WorkflowSummary>,
}

/// `GET /workflows/{key}`; the workflow is read by [`workflow`].
#[derive(Debug, Deserialize)]
pub(super) struct DraftBody {
    pub revision: Revision,
    pub workflow: Value,
}

/// `GET /workflows/{key}/versions`.
#[derive(Debug, Deserialize)]
pub(super) struct History {
    pub versions: Vec<VersionInfo>,
}

/// `GET /workflows/{key}/versions/{n}`.
#[derive(Debug, Deserialize)]
pub(super) struct VersionBody {
    pub version: VersionInfo,
    pub workflow: Value,
}

/// The answer to create, save, duplicate and restore.
#[derive(Debug, Deserialize)]
pub(super) struct Written {
    pub key: u32,
    pub revision: Revision,
}

/// The answer to publish.
#[derive(Debug, Deserialize)]
pub(super) struct Published {
    pub version: VersionInfo,
}

/// An error answer: `{"error": CODE, "message": ..., "details": ...}`.
#[derive(Debug, Deserialize)]
pub(super) struct ErrorBody {
    pub error: String,
    pub message: String,
    #[serde(default)]
    pub details: Value,
}

/// A successful answer's body as `T`.
pub(super) fn parse<T: DeserializeOwned>(answer: &Answer) -> Result<T, StoreError> {
    serde_json::from_str(&answer.body).map_err(|e| {
        failure::server(
            answer,
            format!("an answer idflow cannot read ({e}); is this an idflow server?"),
        )
    })
}

/// A workflow sent in the JSON wire format, read (and checked) as a file
/// would be.
pub(super) fn workflow(answer: &Answer, value: &Value) -> Result<Workflow, StoreError> {
    parse_workflow(&value.to_string(), Format::Json).map_err(|e| {
        failure::server(
            answer,
            format!("it sent a workflow idflow cannot read: {e}"),
        )
    })
}
