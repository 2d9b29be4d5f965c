//! Reading a successful answer's body as one of the store API's bodies
//! (`crate::wire`, the definitions the server writes with).

use idflow_core::versions::{WORKFLOW_FORMATS, is_newer_than_this_build};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Answer, failure};
use crate::StoreError;

/// A successful answer's body as `T`; an answer that is not `T` (a workflow
/// in it included, which is checked as a file would be) is a `Server` error
/// naming the URL, or, from a server that runs a newer idflow,
/// `NewerServer` (issue 29).
pub(super) fn parse<T: DeserializeOwned>(answer: &Answer) -> Result<T, StoreError> {
    serde_json::from_str(&answer.body).map_err(|e| unreadable(answer, &e))
}

/// Why an answer (of any status) could not be read, in the words that
/// help: the server's newer release when it reported one, else a workflow
/// of a newer format in it, else the decode error.
pub(super) fn unreadable(answer: &Answer, error: &serde_json::Error) -> StoreError {
    if let Some(newer) = newer_server(answer) {
        return newer;
    }
    if let Some(found) = workflow_format(&answer.body)
        && let Some(newer) = WORKFLOW_FORMATS.newer(found)
    {
        return failure::server(answer, format!("its answer holds a workflow {newer}"));
    }
    failure::server(
        answer,
        format!("an answer idflow cannot read ({error}); is this an idflow server?"),
    )
}

/// `NewerServer` when the server reported a release newer than this
/// build's.
pub(super) fn newer_server(answer: &Answer) -> Option<StoreError> {
    let version = answer.server_version.as_deref()?;
    is_newer_than_this_build(version).then(|| StoreError::NewerServer {
        url: answer.url.clone(),
        server_version: version.trim().to_owned(),
    })
}

/// The `format_version` of the workflow an answer's body holds, if any.
fn workflow_format(body: &str) -> Option<u64> {
    let value: Value = serde_json::from_str(body).ok()?;
    value.get("workflow")?.get("format_version")?.as_u64()
}
