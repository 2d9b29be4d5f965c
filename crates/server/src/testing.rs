//! Test support, not part of the server's API: scratch PostgreSQL
//! databases for the test suites (this crate's and the CLI's).
//!
//! Tests read `IDFLOW_TEST_POSTGRES_URL`, a maintenance connection (e.g.
//! `postgres://idflow:idflow@127.0.0.1/postgres`) whose role may create
//! databases. Each test gets a fresh database, dropped at the end. Unset,
//! the PostgreSQL tests say they were skipped and pass, unless
//! `IDFLOW_REQUIRE_POSTGRES=1` (CI), which makes them fail.

use sqlx::{Connection, Executor, PgConnection};

use crate::location::{DbLocation, redact};

/// The maintenance connection URL.
pub const POSTGRES_URL_VAR: &str = "IDFLOW_TEST_POSTGRES_URL";
/// `1`: a missing `IDFLOW_TEST_POSTGRES_URL` fails the tests.
pub const REQUIRE_POSTGRES_VAR: &str = "IDFLOW_REQUIRE_POSTGRES";

/// A database created for one test and dropped (with its connections)
/// when this is dropped.
#[derive(Debug)]
pub struct ScratchPostgres {
    maintenance: String,
    name: String,
    url: String,
}

impl ScratchPostgres {
    /// A fresh database, or `None` (after printing that `test` was skipped)
    /// when no PostgreSQL is configured. Panics when one is required but
    /// not configured or cannot be reached.
    pub async fn create(test: &str) -> Option<ScratchPostgres> {
        let maintenance = match std::env::var(POSTGRES_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1") {
                    panic!("{test}: {REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
                }
                eprintln!(
                    "skipped {test} on PostgreSQL: set {POSTGRES_URL_VAR} (e.g. postgres://idflow:idflow@127.0.0.1/postgres) to run it"
                );
                return None;
            }
        };
        let name = format!("idflow_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::connect(&maintenance)
            .await
            .unwrap_or_else(|e| panic!("{test}: cannot connect to {}: {e}", redact(&maintenance)));
        conn.execute(format!("CREATE DATABASE \"{name}\"").as_str())
            .await
            .unwrap_or_else(|e| panic!("{test}: cannot create database {name}: {e}"));
        let _ = conn.close().await;
        let url = with_database(&maintenance, &name);
        Some(ScratchPostgres {
            maintenance,
            name,
            url,
        })
    }

    /// [`ScratchPostgres::create`] for tests without a runtime.
    pub fn create_blocking(test: &str) -> Option<ScratchPostgres> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(ScratchPostgres::create(test))
    }

    /// The database's URL (with the maintenance URL's credentials).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn location(&self) -> DbLocation {
        DbLocation::Postgres(self.url.clone())
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        // Drop may run inside a runtime: use a thread with its own.
        let maintenance = self.maintenance.clone();
        let sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&maintenance)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.execute(sql.as_str())
                    .await
                    .map_err(|e| e.to_string())?;
                let _ = conn.close().await;
                Ok::<_, String>(())
            })
        })
        .join();
        if let Ok(Err(e)) | Err(e) = dropped.map_err(|_| "panicked".to_owned()) {
            eprintln!("cannot drop the test database {}: {e}", self.name);
        }
    }
}

/// `url` with its database (path) replaced by `name`, query kept.
fn with_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((head, query)) => (head, Some(query)),
        None => (url, None),
    };
    let start = head.find("://").map_or(0, |i| i + 3);
    let base = match head[start..].find('/') {
        Some(i) => &head[..start + i],
        None => head,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
