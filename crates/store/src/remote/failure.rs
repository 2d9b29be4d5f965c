//! What went wrong, as a store error: a transport failure (nothing or no
//! usable answer came back) or an error answer from the server, mapped by
//! status and the API's error code to the error the local store would give.

use crate::policy::Refusal;
use idflow_core::lint::lint;
use reqwest::StatusCode;
use serde_json::Value;

use std::time::Duration;

use super::{Answer, CONNECT_TIMEOUT, RemoteStore};
use crate::wire::ErrorBody;
use crate::{Store, StoreError};

/// The most specific message in an error's chain of causes (for a refused
/// connection, "Connection refused (os error 111)" rather than reqwest's
/// "error sending request for url (...)").
pub(super) fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(source) = current.source() {
        current = source;
    }
    current.to_string()
}

/// A `Server` error about an answer.
pub(super) fn server(answer: &Answer, message: String) -> StoreError {
    StoreError::Server {
        url: answer.url.clone(),
        status: answer.status.as_u16(),
        message,
    }
}

/// At most this many characters of a body that is not an API error.
const SNIPPET: usize = 200;

/// What a person can make of an error answer that is not the API's JSON.
fn snippet(answer: &Answer) -> String {
    let text: String = answer.body.trim().chars().take(SNIPPET).collect();
    let reason = answer.status.canonical_reason().unwrap_or("error");
    if text.is_empty() {
        format!("{reason}, with no explanation; is this an idflow server?")
    } else {
        format!("{reason}: {text:?}; is this an idflow server?")
    }
}

fn u32_of(details: &Value, field: &str) -> Option<u32> {
    details
        .get(field)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

impl RemoteStore {
    /// A request that got no usable answer: the server is unreachable.
    pub(super) fn transport(&self, error: &reqwest::Error) -> StoreError {
        let message = if error.is_timeout() && error.is_connect() {
            format!("no connection within {}", seconds(CONNECT_TIMEOUT))
        } else if error.is_timeout() {
            format!("no answer within {}", seconds(self.request_timeout))
        } else {
            innermost(error)
        };
        StoreError::Unreachable {
            url: self.base_url.clone(),
            message,
        }
    }

    /// An error answer as the store error it stands for. `key` is the
    /// workflow the request was about, if any (the server's details name
    /// it too). On lint errors the server's draft is fetched and linted
    /// here, with the same rules the server ran, for a full report.
    pub(super) fn refusal(&self, key: Option<u32>, answer: &Answer) -> StoreError {
        if answer.status == StatusCode::UNAUTHORIZED {
            return StoreError::Unauthorized {
                url: self.base_url.clone(),
            };
        }
        let Ok(body) = serde_json::from_str::<ErrorBody>(&answer.body) else {
            // An error this build cannot read from a newer server: which
            // idflow it needs says more than the body (issue 29).
            return super::decode::newer_server(answer)
                .unwrap_or_else(|| server(answer, snippet(answer)));
        };
        let details = body.details.clone().unwrap_or(Value::Null);
        let details = &details;
        let key = u32_of(details, "key").or(key);
        match (answer.status, body.error.as_str(), key) {
            (StatusCode::FORBIDDEN, "READ_ONLY", Some(key)) => {
                StoreError::Policy(Refusal::ReadOnly { key })
            }
            (StatusCode::FORBIDDEN, "FORBIDDEN", _) => StoreError::Forbidden {
                message: body.message,
            },
            (StatusCode::NOT_FOUND, "NOT_FOUND", Some(key)) if details.get("key").is_some() => {
                match u32_of(details, "version") {
                    Some(version) => StoreError::Policy(Refusal::VersionNotFound { key, version }),
                    None => StoreError::Policy(Refusal::NotFound { key }),
                }
            }
            (StatusCode::CONFLICT, "CONFLICT", Some(key)) => {
                let expected = details.get("expected_revision").and_then(Value::as_u64);
                let current = details.get("current_revision").and_then(Value::as_u64);
                match (expected, current) {
                    (Some(expected), Some(current)) => StoreError::Policy(Refusal::Conflict {
                        key,
                        expected,
                        current,
                    }),
                    _ => server(answer, body.message),
                }
            }
            (StatusCode::UNPROCESSABLE_ENTITY, "LINT_ERRORS", Some(key)) => {
                self.lint_errors(key, answer, body.message)
            }
            (StatusCode::FORBIDDEN, "APPROVAL_REQUIRED" | "SELF_APPROVAL", _) => {
                StoreError::Refused {
                    message: body.message,
                }
            }
            _ => server(answer, body.message),
        }
    }

    /// The server refused to publish `key` for lint errors: the report of
    /// its draft, linted here (findings cannot be read back into the
    /// static-text `Finding`s). Should the draft be gone or lint clean here
    /// (a server with other rules), the server's own words are kept.
    fn lint_errors(&self, key: u32, answer: &Answer, message: String) -> StoreError {
        match self.draft(key) {
            Ok(draft) => {
                let report = lint(&draft.workflow);
                if report.has_errors() {
                    StoreError::Policy(Refusal::LintErrors { key, report })
                } else {
                    server(answer, message)
                }
            }
            Err(e) => {
                tracing::debug!(key, error = %e, "draft not fetched for the lint report");
                server(answer, message)
            }
        }
    }
}

/// A limit in words: "15 s", "1.5 s".
fn seconds(limit: Duration) -> String {
    let secs = limit.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}
