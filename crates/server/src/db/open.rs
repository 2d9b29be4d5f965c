//! Opening the database `--db` names and bringing its schema up to date: a
//! SQLite file (created private, in WAL mode; servers starting on one file
//! take turns through a lock file beside it) or a PostgreSQL database (its
//! password kept out of errors).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::error::DbError;
use super::handle::{Db, Pool};
use super::migrate::{POSTGRES_MIGRATOR, SQLITE_MIGRATOR, migrate};
use super::private_file;
use super::token_owners;
use crate::location::{DbLocation, redact};

/// How many connections a server keeps to its database.
const MAX_CONNECTIONS: u32 = 8;

/// A server's turn to start on a SQLite file: while it is held, no other
/// server process or task opening the same file switches it to WAL,
/// migrates, seeds or writes its start-up rows. Two replicas starting at
/// once otherwise met "database is locked" (3 in 60 runs of the replica
/// test): changing the journal mode and a read-then-write start-up
/// transaction get SQLITE_BUSY without waiting for the busy timeout. Held
/// until dropped; PostgreSQL needs none (its migrator takes an advisory
/// lock, its start-up writes wait for row locks).
#[derive(Debug)]
pub struct StartupTurn {
    _lock: Option<std::fs::File>,
}

/// Waits (off the async threads) for the exclusive lock on
/// `<database>.lock`; starting up is the holder's turn until it is dropped.
async fn migration_turn(database: &Path) -> Result<std::fs::File, DbError> {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    let lock_path = PathBuf::from(name);
    let failed = {
        let lock_path = lock_path.clone();
        move |source| DbError::Io {
            path: lock_path.clone(),
            source,
        }
    };
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        file.lock()?;
        Ok(file)
    })
    .await
    .map_err(|e| failed(std::io::Error::other(e)))?
    .map_err(&failed)
}

impl Db {
    /// Opens (creating if needed) the database file at `path` and brings its
    /// schema up to date. Does not seed: see [`Db::seed`].
    pub async fn open(path: &Path) -> Result<Db, DbError> {
        Ok(Db::open_held(path).await?.0)
    }

    /// [`Db::open`], keeping the start-up turn for the caller's own
    /// start-up writes (seeding, the platform's key).
    async fn open_held(path: &Path) -> Result<(Db, StartupTurn), DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| DbError::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        // Before SQLite creates it (mode 0644 less the umask): the file
        // holds the token signing key.
        private_file::create_private(path).map_err(|source| DbError::Io {
            path: path.to_owned(),
            source,
        })?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // SQLite's default, said aloud: 2 MiB of page cache per pooled
            // connection. The pool only reads since the platform's writes
            // moved to the writer's own connection (8 MiB: it keeps the
            // B-trees' hot right edges), and 8 MiB each here made the
            // resident size climb for many minutes under load as the
            // caches filled (56 -> 93 MB over 13 minutes; bound 72 MiB).
            // Not `mmap_size`: each connection maps the file anew, and the
            // resident size grew by the mapping times the pool.
            .pragma("cache_size", "-2048");
        // SQLite has no advisory lock for the migrator: servers starting at
        // once on one file would both create the tables. They take turns
        // through a lock file beside the database, from before the first
        // connection (which switches the file to WAL).
        let turn = migration_turn(path).await?;
        // No ping before each use: a local file's connection does not go
        // away, and the ping was a second trip to the connection's thread
        // per query (6 % of the CPU under load).
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        migrate(&SQLITE_MIGRATOR, &pool).await?;
        tracing::debug!(path = %path.display(), "database open");
        Ok((
            Db::with(
                Pool::Sqlite(pool),
                Some(token_owners::TokenOwners::beside(path)),
            ),
            StartupTurn { _lock: Some(turn) },
        ))
    }

    /// Connects to the PostgreSQL database at `url` (`postgres://...`) and
    /// brings its schema up to date (servers starting at once take turns:
    /// the migrator holds an advisory lock). Errors name the database with
    /// its password redacted.
    pub async fn open_postgres(url: &str) -> Result<Db, DbError> {
        let unreachable = |message: String| DbError::Unreachable {
            database: redact(url),
            message,
        };
        let options = PgConnectOptions::from_str(url)
            .map_err(|_| unreachable("not a valid postgres:// URL".to_owned()))?;
        // One connection first: its error says why (refused, bad password,
        // no such database), where the pool's would only time out.
        let probe = PgConnection::connect_with(&options)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let _ = probe.close().await;
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        migrate(&POSTGRES_MIGRATOR, &pool).await?;
        tracing::debug!(database = %redact(url), "database open");
        let db = Db::with(
            Pool::Postgres(pool.clone()),
            Some(token_owners::TokenOwners::notified()),
        );
        if let Some(owners) = db.tokens.clone() {
            tokio::spawn(token_owners::listen_for_revocations(pool, owners));
        }
        Ok(db)
    }

    /// Opens the database `location` names (see [`Db::open`] and
    /// [`Db::open_postgres`]).
    pub async fn open_location(location: &DbLocation) -> Result<Db, DbError> {
        Ok(Db::open_location_held(location).await?.0)
    }

    /// [`Db::open_location`], keeping the start-up turn (see
    /// [`StartupTurn`]) until the caller drops it.
    pub async fn open_location_held(location: &DbLocation) -> Result<(Db, StartupTurn), DbError> {
        match location {
            DbLocation::Sqlite(path) => Db::open_held(path).await,
            DbLocation::Postgres(url) => {
                Ok((Db::open_postgres(url).await?, StartupTurn { _lock: None }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::db::handle::tests::sqlite;
    use crate::db::seed::tests::seeded;

    #[tokio::test]
    async fn the_database_is_in_wal_mode() {
        let (_dir, db) = seeded().await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(sqlite(&db))
            .await
            .expect("pragma");
        assert_eq!(mode, "wal");
    }
}
