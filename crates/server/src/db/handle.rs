//! The store database's handle, [`Db`], that each of `db`'s files adds
//! its methods to: the connection pool of either backend ([`Pool`], and
//! [`on_pool!`] to write a query once for both), the latest version
//! numbers it remembers, the token owners it keeps.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use super::token_owners::TokenOwners;

/// The connection pool of either backend.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// `on_pool!(pool, p => body)`: `body` compiled once per backend, with `p`
/// that backend's pool (`&SqlitePool` or `&PgPool`). The body's value must
/// have the same type in both.
macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The store database. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Db {
    pub(super) pool: Pool,
    /// Key → the latest published version number, as last read. Account
    /// creation asks for it on every request; a publish through this `Db`
    /// forgets the key at once, one through another server sharing the
    /// database is seen within [`LATEST_FRESH_FOR`].
    pub(super) latest: Arc<RwLock<Latest>>,
    /// Token owners remembered between requests (`token_owners`): trusted
    /// on SQLite while the revocation marker is unchanged, on PostgreSQL
    /// while revocation notices are heard.
    pub(super) tokens: Option<Arc<TokenOwners>>,
}

/// What [`Db::latest_version`] remembers. `publishes` counts this `Db`'s
/// publishes: a read that began before one is not remembered (it may
/// predate the new version).
#[derive(Debug, Default)]
pub(super) struct Latest {
    pub(super) numbers: HashMap<u32, (Instant, Option<u32>)>,
    pub(super) publishes: u64,
}

/// How long a read of a key's latest version number is trusted (see
/// `Db::latest`).
pub const LATEST_FRESH_FOR: Duration = Duration::from_secs(1);

impl Db {
    pub(super) fn with(pool: Pool, tokens: Option<TokenOwners>) -> Db {
        Db {
            pool,
            latest: Arc::default(),
            tokens: tokens.map(Arc::new),
        }
    }

    pub(super) fn forget_latest(&self, key: u32) {
        let mut latest = self.latest.write().unwrap_or_else(|p| p.into_inner());
        latest.numbers.remove(&key);
        latest.publishes += 1;
    }

    /// Waits for the connections to finish and closes them (checkpointing
    /// the WAL).
    pub async fn close(&self) {
        on_pool!(&self.pool, p => p.close().await);
    }

    /// The connection pool, for the platform API's own tables.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Which backend this database is on.
    pub fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// The pool of a SQLite database, for tests that reach past the API.
    pub(in crate::db) fn sqlite(db: &Db) -> &SqlitePool {
        match &db.pool {
            Pool::Sqlite(pool) => pool,
            Pool::Postgres(_) => panic!("a SQLite database"),
        }
    }
}
