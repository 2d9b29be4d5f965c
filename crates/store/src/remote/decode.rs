//! Reading a successful answer's body as one of the store API's bodies
//! (`crate::wire`, the definitions the server writes with).

use serde::de::DeserializeOwned;

use super::{Answer, failure};
use crate::StoreError;

/// A successful answer's body as `T`; an answer that is not `T` (a workflow
/// in it included, which is checked as a file would be) is a `Server` error
/// naming the URL.
pub(super) fn parse<T: DeserializeOwned>(answer: &Answer) -> Result<T, StoreError> {
    serde_json::from_str(&answer.body).map_err(|e| {
        failure::server(
            answer,
            format!("an answer idflow cannot read ({e}); is this an idflow server?"),
        )
    })
}
