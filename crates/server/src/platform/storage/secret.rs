//! Named secrets the server makes once and keeps (`server_secrets`, e.g.
//! the key that signs execution tokens), read and made at start.

use crate::db::{Pool, on_pool};
use crate::platform::error::PlatformError;

/// The secret called `name`, made by `make` and stored the first time it
/// is asked for. Two servers starting at once on one database agree: the
/// first insert wins and both read it back.
pub async fn secret(
    pool: &Pool,
    name: &str,
    now: &str,
    make: impl FnOnce() -> Result<Vec<u8>, PlatformError>,
) -> Result<Vec<u8>, PlatformError> {
    const READ: &str = "SELECT value FROM server_secrets WHERE name = $1";
    let existing: Option<Vec<u8>> = on_pool!(pool, p => sqlx::query_scalar(READ)
        .bind(name)
        .fetch_optional(p)
        .await?);
    if let Some(value) = existing {
        return Ok(value);
    }
    let value = make()?;
    on_pool!(pool, p => sqlx::query(
        "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(&value)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ())?);
    Ok(on_pool!(pool, p => sqlx::query_scalar(READ)
        .bind(name)
        .fetch_one(p)
        .await?))
}
