//! The server's tokens, recorded by their hash: creating one (its name
//! unique), listing them, revoking one (every server sharing the database
//! forgets the owners it keeps), and who holds a token.

use std::str::FromStr;

use super::error::DbError;
use super::handle::{Db, Pool, on_pool};
use super::review::{Audit, insert_audit};
use super::rows::now_rfc3339;
use super::token_owners::{self, TokenOwner};
use crate::role::Role;

/// Who the audit names for token administration (`idflow token`).
pub const TOKEN_ADMIN: &str = "command line";

/// A token as `idflow token list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub role: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl Db {
    /// Records a token by its hash; a name already in use is refused
    /// (names are unique per server: they identify who did what).
    pub async fn insert_token(&self, name: &str, role: Role, sha256: &str) -> Result<(), DbError> {
        let now = now_rfc3339();
        // The token and its audit entry commit together.
        let audit = Audit::new(TOKEN_ADMIN, "token-create").detail(format!("{name} ({role})"));
        let inserted: Result<(), sqlx::Error> = on_pool!(&self.pool, p => async {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO tokens (name, role, sha256, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(name)
            .bind(role.as_str())
            .bind(sha256)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
            insert_audit!(&mut *tx, &audit)?;
            tx.commit().await
        }
        .await);
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(DbError::TokenNameTaken {
                    name: name.to_owned(),
                })
            }
            other => Ok(other?),
        }
    }

    /// Every token: name, role, created, revoked (never the token).
    pub async fn tokens(&self) -> Result<Vec<TokenInfo>, DbError> {
        let rows: Vec<(String, String, String, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT name, role, created_at, revoked_at FROM tokens ORDER BY id",
        )
        .fetch_all(p)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(name, role, created_at, revoked_at)| TokenInfo {
                name,
                role,
                created_at,
                revoked_at,
            })
            .collect())
    }

    /// Revokes the token named `name`: its next request gets 401 (every
    /// server sharing the database forgets the owners it keeps: see
    /// `token_owners`). `false` when no live token has that name.
    pub async fn revoke_token(&self, name: &str) -> Result<bool, DbError> {
        let now = now_rfc3339();
        const REVOKE: &str =
            "UPDATE tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL";
        // The revocation and its audit entry commit together.
        let audit = Audit::new(TOKEN_ADMIN, "token-revoke").detail(name);
        let changed = match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin().await?;
                let changed = sqlx::query(REVOKE)
                    .bind(&now)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed > 0 {
                    insert_audit!(&mut *tx, &audit)?;
                }
                tx.commit().await?;
                changed
            }
            // The notice is sent in the revocation's own transaction: it
            // leaves when, and only if, the revocation commits.
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                let changed = sqlx::query(REVOKE)
                    .bind(&now)
                    .bind(name)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed > 0 {
                    insert_audit!(&mut *tx, &audit)?;
                    sqlx::query("SELECT pg_notify($1, '')")
                        .bind(token_owners::REVOCATIONS_CHANNEL)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                changed
            }
        };
        if changed > 0
            && let Some(tokens) = &self.tokens
        {
            tokens
                .revoked()
                .map_err(|source| DbError::Revocation { source })?;
        }
        Ok(changed > 0)
    }

    /// Whether token owners are kept between requests now (always on
    /// SQLite; on PostgreSQL while revocation notices are heard).
    pub fn keeps_token_owners(&self) -> bool {
        self.tokens.as_ref().is_some_and(|t| t.trusted())
    }

    /// Who holds the live token with this hash, if anyone.
    pub async fn token_owner(&self, sha256: &str) -> Result<Option<TokenOwner>, DbError> {
        let lookup = match &self.tokens {
            Some(tokens) => match tokens.look_up(sha256) {
                (Some(owner), _) => return Ok(Some(owner)),
                (None, lookup) => Some(lookup),
            },
            None => None,
        };
        let row: Option<(String, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT name, role FROM tokens WHERE sha256 = $1 AND revoked_at IS NULL",
        )
        .bind(sha256)
        .fetch_optional(p)
        .await?);
        let Some((name, role)) = row else {
            return Ok(None);
        };
        let role = Role::from_str(&role).map_err(|message| {
            DbError::Sqlx(sqlx::Error::Decode(
                format!("tokens.role {role:?}: {message}").into(),
            ))
        })?;
        let owner = TokenOwner { name, role };
        if let (Some(tokens), Some(lookup)) = (&self.tokens, lookup) {
            tokens.remember(sha256, &owner, lookup);
        }
        Ok(Some(owner))
    }
}
