//! The one error type of the HTTP API. Every failure leaves the server as
//! JSON `{"error": CODE, "message": ..., "details": ...}` with the status
//! that says what to do about it.

use axum::Json;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use idflow_store::policy::Refusal;
use idflow_store::wire::ErrorBody;
use serde_json::{Value, json};

use crate::db::DbError;

/// An API failure: status, stable machine-readable code, a sentence for a
/// person and, where useful, structured details.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
    /// `Retry-After` in seconds (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_details(mut self, details: Value) -> ApiError {
        self.details = Some(details);
        self
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    pub fn internal(error: &dyn std::error::Error) -> ApiError {
        tracing::error!(error = %error, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "internal server error; the server log has the cause",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.to_owned(),
            message: self.message,
            details: self.details,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"idflow\""),
            );
        }
        response
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> ApiError {
        let message = error.to_string();
        match error {
            DbError::Policy(Refusal::NotFound { key }) => {
                ApiError::not_found(message).with_details(json!({ "key": key }))
            }
            DbError::Policy(Refusal::VersionNotFound { key, version }) => {
                ApiError::not_found(message).with_details(json!({ "key": key, "version": version }))
            }
            DbError::Policy(Refusal::Conflict {
                key,
                expected,
                current,
            }) => ApiError::new(StatusCode::CONFLICT, "CONFLICT", message).with_details(json!({
                "key": key,
                "expected_revision": expected,
                "current_revision": current,
            })),
            DbError::Policy(Refusal::ReadOnly { key }) => {
                ApiError::new(StatusCode::FORBIDDEN, "READ_ONLY", message)
                    .with_details(json!({ "key": key }))
            }
            DbError::Policy(Refusal::LintErrors { key, report }) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "LINT_ERRORS", message)
                    .with_details(json!({ "key": key, "findings": report.findings }))
            }
            DbError::Unwritable { .. } => {
                ApiError::new(StatusCode::BAD_REQUEST, "INVALID_WORKFLOW", message)
            }
            DbError::Integrity { .. } | DbError::Corrupt { .. } => {
                tracing::error!(error = %message, "damaged data");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "DAMAGED", message)
            }
            DbError::KeysExhausted => {
                ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "KEYS_EXHAUSTED", message)
            }
            DbError::Policy(Refusal::CommentNotFound { key, id }) => {
                ApiError::not_found(message).with_details(json!({ "key": key, "comment": id }))
            }
            DbError::CommentCarried { key, id, version } => {
                ApiError::new(StatusCode::FORBIDDEN, "COMMENT_PUBLISHED", message)
                    .with_details(json!({ "key": key, "comment": id, "version": version }))
            }
            DbError::SelfApproval {
                key,
                revision,
                authors,
            } => ApiError::new(StatusCode::FORBIDDEN, "SELF_APPROVAL", message)
                .with_details(json!({ "key": key, "revision": revision, "authors": authors })),
            DbError::ApprovalRequired {
                key,
                revision,
                authors,
            } => ApiError::new(StatusCode::FORBIDDEN, "APPROVAL_REQUIRED", message)
                .with_details(json!({ "key": key, "revision": revision, "authors": authors })),
            other => ApiError::internal(&other),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        match rejection {
            PathRejection::FailedToDeserializePathParams(e) => {
                ApiError::bad_request(format!("bad path: {}", e.body_text()))
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::bad_request(format!("bad query string: {}", rejection.body_text()))
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> ApiError {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!(
                    "the request body is larger than the server accepts ({} bytes)",
                    crate::BODY_LIMIT
                ),
            )
            .with_details(json!({ "limit_bytes": crate::BODY_LIMIT }))
        } else {
            ApiError::bad_request(format!(
                "the request body could not be read: {}",
                rejection.body_text()
            ))
        }
    }
}
