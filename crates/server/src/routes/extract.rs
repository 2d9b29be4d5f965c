//! The extractors and headers every API's handlers share: path and query
//! with JSON errors, a canonical key, `ETag` and `If-Match`. A leaf the
//! handler modules import (the parent, which wires them, imports them
//! too: kept apart so nothing runs back up).

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, header};

use crate::error::ApiError;

/// `Path`, with failures reported as API errors (JSON, 400).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query`, with failures reported as API errors (JSON, 400).
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// A workflow key or version number in a path, canonical only (`010011`,
/// `+10011` are 400, not 10011).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub u32);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        idflow_core::model::parse_key(&text).map(Key).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a key or version number: decimal digits, no sign or leading zero"
            ))
        })
    }
}

/// `ETag: "REVISION"`.
pub fn etag(revision: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{revision}\"")) {
        headers.insert(header::ETAG, value);
    }
    headers
}

/// What `If-Match` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: whatever the current revision is.
    Any,
    /// `If-Match: "N"` (or bare `N`): only if the revision is still N.
    Revision(u64),
}

/// Reads `If-Match`. Missing: 428 Precondition Required (writes must say
/// which revision they are based on); malformed: 400.
pub fn if_match(headers: &HeaderMap) -> Result<Precondition, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Err(ApiError::new(
            axum::http::StatusCode::PRECONDITION_REQUIRED,
            "PRECONDITION_REQUIRED",
            "missing If-Match header: send If-Match: \"REVISION\" with the revision (the ETag) your change is based on",
        ));
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("If-Match is not ASCII text"))?
        .trim();
    if text == "*" {
        return Ok(Precondition::Any);
    }
    let unquoted = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    unquoted
        .parse::<u64>()
        .map(Precondition::Revision)
        .map_err(|_| {
            ApiError::bad_request(format!(
                "If-Match {text:?} is not one revision: send If-Match: \"REVISION\", e.g. \"3\""
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_if_match(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MATCH, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn if_match_reads_quoted_bare_and_star() {
        assert_eq!(
            if_match(&with_if_match("\"7\"")).unwrap(),
            Precondition::Revision(7)
        );
        assert_eq!(
            if_match(&with_if_match("7")).unwrap(),
            Precondition::Revision(7)
        );
        assert_eq!(if_match(&with_if_match("*")).unwrap(), Precondition::Any);
    }

    #[test]
    fn if_match_missing_is_428_and_malformed_is_400() {
        assert_eq!(
            if_match(&HeaderMap::new()).unwrap_err().status.as_u16(),
            428
        );
        for bad in ["\"1\", \"2\"", "W/\"x\"", "\"-1\"", ""] {
            assert_eq!(
                if_match(&with_if_match(bad)).unwrap_err().status.as_u16(),
                400,
                "{bad}"
            );
        }
    }
}
