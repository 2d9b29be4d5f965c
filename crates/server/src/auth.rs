//! Bearer tokens: random, shown once at creation, stored only as their
//! SHA-256. Designers read, create, duplicate and save drafts; publishers
//! may also publish.

use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::AppState;
use crate::db::{Db, DbError, hex, sha256_hex};
use crate::error::ApiError;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Read, create, duplicate and save drafts.
    Designer,
    /// Everything a designer may, and publish.
    Publisher,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Designer => "designer",
            Role::Publisher => "publisher",
        }
    }

    pub fn may_publish(self) -> bool {
        self == Role::Publisher
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "designer" => Ok(Role::Designer),
            "publisher" => Ok(Role::Publisher),
            other => Err(format!(
                "unknown role {other:?}: expected designer or publisher"
            )),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Prefix of every token, so a leaked one is recognisable (and scannable).
pub const TOKEN_PREFIX: &str = "idf_";

/// The longest token name, in characters (issue 30, item 8).
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

/// The actors the audit trail names for others than a token (`idflow
/// token ...` on the command line): no token may take one of these names,
/// in any case or spacing.
pub const RESERVED_ACTORS: &[&str] = &[crate::db::TOKEN_ADMIN];

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token name {name:?} {problem}")]
    Name { name: String, problem: String },
    #[error("the system's random number generator failed: {0}")]
    Random(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Creates a token for `name` with `role` and returns it: the only time it
/// is ever seen, since only its hash is stored.
pub async fn create_token(db: &Db, name: &str, role: Role) -> Result<String, TokenError> {
    check_token_name(name)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| TokenError::Random(e.to_string()))?;
    let token = format!("{TOKEN_PREFIX}{}", hex(&bytes));
    db.insert_token(name, role, &token_hash(&token)).await?;
    tracing::debug!(name, %role, "token created");
    Ok(token)
}

/// A token's name names who did what in the audit trail and the server's
/// log (issue 30, item 8): 1 to [`MAX_TOKEN_NAME_CHARS`] characters of one
/// line, no control character, no white space around it, and none of the
/// [`RESERVED_ACTORS`].
pub fn check_token_name(name: &str) -> Result<(), TokenError> {
    let refused = |problem: String| TokenError::Name {
        name: name.to_owned(),
        problem,
    };
    if name.trim().is_empty() {
        return Err(refused(
            "is empty: name who or what holds the token".to_owned(),
        ));
    }
    idflow_core::text::check(name, MAX_TOKEN_NAME_CHARS, idflow_core::text::Lines::One)
        .map_err(|problem| refused(problem.to_string()))?;
    if name.trim() != name {
        return Err(refused(
            "starts or ends with white space, which the audit trail would not show".to_owned(),
        ));
    }
    let spelled = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    if let Some(reserved) = RESERVED_ACTORS
        .iter()
        .find(|reserved| spelled(reserved) == spelled(name))
    {
        return Err(refused(format!(
            "is reserved: the audit trail names {reserved:?} for what is done on the command line"
        )));
    }
    Ok(())
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub name: String,
    pub role: Role,
}

impl Caller {
    /// Refuses (403) a caller whose role may not publish.
    pub fn require_publisher(&self) -> Result<(), ApiError> {
        if self.role.may_publish() {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "token {:?} has the role {}; publishing needs the role publisher",
                self.name, self.role
            )))
        }
    }
}

impl Caller {
    /// The holder of a store-API `token`: 401 when there is none.
    pub async fn from_token(db: &Db, token: &str) -> Result<Caller, ApiError> {
        match db.token_owner(&token_hash(token)).await? {
            Some(owner) => {
                tracing::debug!(caller = %owner.name, role = %owner.role, "authenticated");
                Ok(Caller {
                    name: owner.name,
                    role: owner.role,
                })
            }
            None => Err(ApiError::unauthorized(
                "unknown token: create one with `idflow token create`",
            )),
        }
    }
}

/// The token of `Authorization: Bearer TOKEN`: 401 when the header is
/// missing or malformed.
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthorized("missing Authorization header: send `Authorization: Bearer TOKEN`")
    })?;
    value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "malformed Authorization header: send `Authorization: Bearer TOKEN`",
            )
        })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let token = bearer_token(&parts.headers)?;
        Caller::from_token(&state.db, token).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_names_only() {
        assert_eq!("designer".parse::<Role>(), Ok(Role::Designer));
        assert_eq!("publisher".parse::<Role>(), Ok(Role::Publisher));
        assert!("admin".parse::<Role>().is_err());
        assert!(Role::Publisher.may_publish());
        assert!(!Role::Designer.may_publish());
    }

    /// Issue 30, item 8: token names are one visible line, not a
    /// reserved actor.
    #[test]
    fn token_names_are_one_visible_line_and_not_reserved() {
        for good in [
            "alice",
            "ci-publisher-3",
            "Zoë Müller",
            "x".repeat(100).as_str(),
        ] {
            assert!(check_token_name(good).is_ok(), "{good:?}");
        }
        for bad in [
            "",
            "  ",
            "a\0b",
            "esc\u{1b}[31m",
            "bell\u{7}",
            "two\nlines",
            "c1\u{9b}",
            " padded",
            "padded\t",
            "command line",
            "Command Line",
            "command  line",
            &"x".repeat(101),
        ] {
            assert!(check_token_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_hash_is_sha256_hex_of_the_token() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
