//! The execution tokens (`sdk.token`, `api.token`, the Web Client's
//! `authorizationToken`): HS256 JWTs signed with the server's secret, which
//! is 32 random bytes made once and kept in the database, so tokens stay
//! valid across restarts. Expiry is checked against the platform [`Clock`]
//! (not the system clock), so tests can move time.
//!
//! [`Clock`]: super::Clock

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// `iss` of every token.
pub const ISSUER: &str = "idflow";

/// What an execution token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionClaims {
    /// The workflow execution's id.
    pub sub: String,
    /// The account's id.
    #[serde(rename = "accountId")]
    pub account_id: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expires at (issued at + the token lifetime), seconds since the epoch.
    pub exp: i64,
    pub iss: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TokenError {
    /// Well signed, but past its `exp`.
    #[error("the token expired at {} (Unix time)", .0.exp)]
    Expired(Box<ExecutionClaims>),
    #[error("the token is not a valid execution token: {0}")]
    Invalid(String),
    #[error("cannot sign a token: {0}")]
    Sign(String),
}

/// The server's signing keys (HS256, one shared secret).
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(..)")
    }
}

impl TokenKeys {
    pub fn from_secret(secret: &[u8]) -> TokenKeys {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// A token for `execution` of `account`, valid from `issued_at` until
    /// `expires_at` (seconds since the epoch).
    pub fn issue(
        &self,
        account: &str,
        execution: &str,
        issued_at: i64,
        expires_at: i64,
    ) -> Result<String, TokenError> {
        let claims = ExecutionClaims {
            sub: execution.to_owned(),
            account_id: account.to_owned(),
            iat: issued_at,
            exp: expires_at,
            iss: ISSUER.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| TokenError::Sign(e.to_string()))
    }

    /// The claims of a token signed by this server, if it has not expired
    /// at `now` (seconds since the epoch; expired at `exp` exactly).
    pub fn verify(&self, token: &str, now: i64) -> Result<ExecutionClaims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked below against the platform clock.
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        let data = jsonwebtoken::decode::<ExecutionClaims>(token, &self.decoding, &validation)
            .map_err(|e| TokenError::Invalid(e.to_string()))?;
        if now >= data.claims.exp {
            return Err(TokenError::Expired(Box::new(data.claims)));
        }
        Ok(data.claims)
    }
}

/// 32 random bytes: a new signing secret.
pub fn new_secret() -> Result<Vec<u8>, getrandom::Error> {
    let mut bytes = vec![0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_until_it_expires() {
        let keys = TokenKeys::from_secret(&[7; 32]);
        let token = keys.issue("acc", "exe", 1_000, 1_300).expect("sign");
        let claims = keys.verify(&token, 1_299).expect("valid");
        assert_eq!(
            (claims.sub.as_str(), claims.account_id.as_str()),
            ("exe", "acc")
        );
        match keys.verify(&token, 1_300) {
            Err(TokenError::Expired(claims)) => assert_eq!(claims.sub, "exe"),
            other => panic!("expected Expired, got {other:?}"),
        }
    }

    #[test]
    fn another_secret_or_garbage_is_invalid() {
        let token = TokenKeys::from_secret(&[7; 32])
            .issue("acc", "exe", 1_000, 1_300)
            .expect("sign");
        let other = TokenKeys::from_secret(&[8; 32]);
        assert!(matches!(
            other.verify(&token, 1_100),
            Err(TokenError::Invalid(_))
        ));
        assert!(matches!(
            other.verify("a.b.c", 1_100),
            Err(TokenError::Invalid(_))
        ));
    }

    #[test]
    fn secrets_are_32_random_bytes() {
        let a = new_secret().expect("random");
        let b = new_secret().expect("random");
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
