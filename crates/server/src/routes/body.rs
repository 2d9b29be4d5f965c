//! The body of a JSON route (issue 30, item 8): a `Content-Length` over
//! the route's limit is refused (413) before a byte of the body is read,
//! and a body sent as something other than JSON (another `Content-Type`)
//! gets 415. A body without a `Content-Type` is read as JSON (scripts and
//! older clients send none).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use serde_json::json;

use crate::error::ApiError;

/// The most a JSON body of the store API's small requests (a comment, a
/// comment's state, a publish note) may be: far more than their longest
/// text, escaped, needs.
pub const SMALL_BODY_LIMIT: usize = 64 * 1024;

/// A JSON request body of at most `LIMIT` bytes (see the module).
pub struct JsonBody<const LIMIT: usize>(pub Bytes);

/// A workflow, an account request: [`crate::BODY_LIMIT`].
pub type LargeJsonBody = JsonBody<{ crate::BODY_LIMIT }>;

/// A comment, a comment's state, a publish note: [`SMALL_BODY_LIMIT`].
pub type SmallJsonBody = JsonBody<SMALL_BODY_LIMIT>;

impl<S: Send + Sync, const LIMIT: usize> FromRequest<S> for JsonBody<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        refuse_declared_length(request.headers(), LIMIT)?;
        let content_type = request.headers().get(CONTENT_TYPE).cloned();
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|error| {
                if is_length_limit(&error) {
                    too_large(LIMIT)
                } else {
                    ApiError::bad_request(format!("the request body could not be read: {error}"))
                }
            })?;
        if !bytes.is_empty()
            && let Some(content_type) = content_type
            && !is_json(content_type.to_str().unwrap_or_default())
        {
            return Err(not_json(&String::from_utf8_lossy(content_type.as_bytes())));
        }
        Ok(JsonBody(bytes))
    }
}

/// 413 when `Content-Length` says the body is larger than `limit`.
pub fn refuse_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok());
    match declared {
        Some(length) if length > u64::try_from(limit).unwrap_or(u64::MAX) => Err(too_large(limit)),
        _ => Ok(()),
    }
}

/// `application/json` or `application/SOMETHING+json`, any parameters,
/// any case (RFC 8259, RFC 6839).
pub fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.len() > "+json".len() && subtype.ends_with("+json"))
}

/// 413 with the limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("the request body is larger than this request takes ({limit} bytes)"),
    )
    .with_details(json!({ "limit_bytes": limit }))
}

/// 415 naming what was sent.
pub fn not_json(content_type: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        format!(
            "the request body is sent as {content_type:?}: send JSON, with Content-Type: application/json"
        ),
    )
    .with_details(json!({ "content_type": content_type }))
}

fn is_length_limit(error: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_application_json_or_a_json_suffix() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
            " application/json ;",
        ] {
            assert!(is_json(json), "{json}");
        }
        for other in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/+json",
            "text/json",
            "application/jsonx",
            "",
        ] {
            assert!(!is_json(other), "{other}");
        }
    }
}
