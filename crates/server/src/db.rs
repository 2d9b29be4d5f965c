//! Schema access: the team store in one SQLite file (WAL mode), with the
//! same semantics as the local store (`idflow_store::Store`): revisions on
//! every draft write, lint before publish, immutable versions with a
//! recorded SHA-256, Global workflows seeded on first start, custom keys
//! from 200000 never reused.
//!
//! Every check-and-write is one statement or one write transaction, so two
//! racing writers can't both win.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use idflow_core::Workflow;
use idflow_core::catalog::FIRST_CUSTOM_KEY;
use idflow_core::format::{Format, parse_workflow, to_text};
use idflow_core::lint::{LintReport, lint};
use idflow_core::model::FORMAT_VERSION;
use idflow_store::{
    DuplicatedFrom, Origin, Revision, Status, StoreError, VersionInfo, WorkflowSummary,
};
use sha2::{Digest, Sha256};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};
use thiserror::Error;

use crate::auth::Role;
use crate::cache::ImmutableCache;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Error)]
pub enum DbError {
    #[error("workflow {key} does not exist in this store")]
    NotFound { key: u32 },
    #[error("workflow {key} has no version {version}")]
    VersionNotFound { key: u32, version: u32 },
    #[error(
        "workflow {key} changed since revision {expected} (it is now at revision {current}): reload it and apply your change again"
    )]
    Conflict {
        key: u32,
        expected: Revision,
        current: Revision,
    },
    #[error("workflow {key} is a Global workflow and read-only: duplicate it to customise it")]
    ReadOnly { key: u32 },
    #[error("workflow {key} cannot be published: {} lint error(s) remain", report.errors().count())]
    LintErrors { key: u32, report: LintReport },
    #[error("the workflow cannot be stored: {message}")]
    Unwritable { message: String },
    #[error(
        "workflow {key} version {version}: content hash {actual} does not match the recorded {expected}: a published version was modified outside idflow"
    )]
    Integrity {
        key: u32,
        version: u32,
        expected: String,
        actual: String,
    },
    #[error("workflow {key}: {what} in the database is damaged: {message}")]
    Corrupt {
        key: u32,
        what: String,
        message: String,
    },
    #[error("workflow key space exhausted")]
    KeysExhausted,
    #[error("the standard workflows built into this binary could not be read: {0}")]
    Seed(#[source] StoreError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A draft with what the API shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDraft {
    pub workflow: Workflow,
    pub revision: Revision,
    pub origin: Origin,
    pub duplicated_from: Option<DuplicatedFrom>,
}

/// A published version and its record.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVersion {
    pub workflow: Workflow,
    pub info: VersionInfo,
}

/// A token's owner, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub name: String,
    pub role: Role,
}

/// The store database. Cheap to clone (a connection pool).
#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
    known_tokens: ImmutableCache<String, TokenOwner>,
}

impl Db {
    /// Opens (creating if needed) the database file at `path` and brings its
    /// schema up to date. Does not seed: see [`Db::seed`].
    pub async fn open(path: &Path) -> Result<Db, DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| DbError::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        tracing::debug!(path = %path.display(), "database open");
        Ok(Db {
            pool,
            known_tokens: ImmutableCache::new(4096),
        })
    }

    /// Waits for the connections to finish and closes them (checkpointing
    /// the WAL).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// On first start (no key counter yet), adds the standard workflows as
    /// Global workflows, each published as version 1. Returns how many were
    /// added (0 when already seeded). Safe against servers starting at once
    /// on the same file: the counter row is claimed first, in the same
    /// write transaction.
    pub async fn seed(&self) -> Result<usize, DbError> {
        let standard = idflow_store::standard_workflows().map_err(DbError::Seed)?;
        let now = now_rfc3339();
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "INSERT INTO key_counter (id, next_custom_key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(i64::from(FIRST_CUSTOM_KEY))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(0);
        }
        for workflow in &standard {
            let (workflow, text) = canonical(workflow)?;
            insert_workflow(&mut tx, &workflow, &text, Origin::Global, None, &now).await?;
            sqlx::query(
                "INSERT INTO versions (key, number, published_at, sha256, revision, content)
                 VALUES (?, 1, ?, ?, 1, ?)",
            )
            .bind(i64::from(workflow.key))
            .bind(&now)
            .bind(sha256_hex(text.as_bytes()))
            .bind(&text)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        tracing::info!(
            seeded = standard.len(),
            "store seeded with the standard workflows"
        );
        Ok(standard.len())
    }

    /// Every workflow, ordered by key.
    pub async fn list(&self) -> Result<Vec<WorkflowSummary>, DbError> {
        let rows = sqlx::query(
            "SELECT w.key, w.name, w.origin, w.revision,
                    (SELECT MAX(v.number) FROM versions v WHERE v.key = w.key) AS latest,
                    (SELECT v.content = w.draft FROM versions v WHERE v.key = w.key
                     ORDER BY v.number DESC LIMIT 1) AS published
             FROM workflows w ORDER BY w.key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let key = key_of(row.try_get("key")?)?;
                let published: Option<bool> = row.try_get("published")?;
                Ok(WorkflowSummary {
                    key,
                    name: row.try_get("name")?,
                    origin: origin_of(key, row.try_get("origin")?)?,
                    status: if published == Some(true) {
                        Status::Published
                    } else {
                        Status::Draft
                    },
                    latest_version: row
                        .try_get::<Option<i64>, _>("latest")?
                        .map(|n| number_of(key, n))
                        .transpose()?,
                    revision: revision_of(key, row.try_get("revision")?)?,
                })
            })
            .collect()
    }

    /// The current draft of `key`.
    pub async fn draft(&self, key: u32) -> Result<StoredDraft, DbError> {
        let row = sqlx::query(
            "SELECT origin, revision, draft, duplicated_from_key, duplicated_from_version
             FROM workflows WHERE key = ?",
        )
        .bind(i64::from(key))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(DbError::NotFound { key })?;
        let text: String = row.try_get("draft")?;
        let duplicated_from = match row.try_get::<Option<i64>, _>("duplicated_from_key")? {
            Some(from) => Some(DuplicatedFrom {
                key: key_of(from)?,
                version: row
                    .try_get::<Option<i64>, _>("duplicated_from_version")?
                    .map(|n| number_of(key, n))
                    .transpose()?,
            }),
            None => None,
        };
        Ok(StoredDraft {
            workflow: parse_stored(key, "the draft", &text)?,
            revision: revision_of(key, row.try_get("revision")?)?,
            origin: origin_of(key, row.try_get("origin")?)?,
            duplicated_from,
        })
    }

    /// Published versions of `key`, oldest first.
    pub async fn history(&self, key: u32) -> Result<Vec<VersionInfo>, DbError> {
        self.require(key).await?;
        let rows = sqlx::query(
            "SELECT number, published_at, sha256, revision FROM versions
             WHERE key = ? ORDER BY number",
        )
        .bind(i64::from(key))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| version_info(key, row)).collect()
    }

    /// A published version, checked against its recorded hash.
    pub async fn version(&self, key: u32, number: u32) -> Result<StoredVersion, DbError> {
        self.require(key).await?;
        let row = sqlx::query(
            "SELECT number, published_at, sha256, revision, content FROM versions
             WHERE key = ? AND number = ?",
        )
        .bind(i64::from(key))
        .bind(i64::from(number))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(DbError::VersionNotFound {
            key,
            version: number,
        })?;
        let info = version_info(key, &row)?;
        let content: String = row.try_get("content")?;
        let actual = sha256_hex(content.as_bytes());
        if actual != info.sha256 {
            return Err(DbError::Integrity {
                key,
                version: number,
                expected: info.sha256,
                actual,
            });
        }
        let workflow = parse_stored(key, &format!("version {number}"), &content)?;
        Ok(StoredVersion { workflow, info })
    }

    /// Adds a custom workflow under a fresh key and returns it. The counter
    /// and the new row are written in one transaction whose first statement
    /// writes, so concurrent creates are serialised and a key is never
    /// handed out twice.
    pub async fn create(
        &self,
        workflow: &Workflow,
        duplicated_from: Option<DuplicatedFrom>,
    ) -> Result<u32, DbError> {
        let mut workflow = workflow.clone();
        let mut tx = self.pool.begin().await?;
        let next: i64 = sqlx::query_scalar(
            "UPDATE key_counter SET next_custom_key = next_custom_key + 1 WHERE id = 1
             RETURNING next_custom_key - 1",
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            DbError::Sqlx(sqlx::Error::Protocol(
                "the store is not seeded (no key counter): restart the server".to_owned(),
            ))
        })?;
        let key = u32::try_from(next).map_err(|_| DbError::KeysExhausted)?;
        workflow.key = key;
        let (workflow, text) = canonical(&workflow)?;
        insert_workflow(
            &mut tx,
            &workflow,
            &text,
            Origin::Custom,
            duplicated_from,
            &now_rfc3339(),
        )
        .await?;
        tx.commit().await?;
        tracing::debug!(key, ?duplicated_from, "workflow created");
        Ok(key)
    }

    /// Replaces the draft of a custom workflow if `base` is still its
    /// revision; returns the new revision. The check and the write are one
    /// `UPDATE ... WHERE revision = base`.
    pub async fn save_draft(
        &self,
        key: u32,
        workflow: &Workflow,
        base: Revision,
    ) -> Result<Revision, DbError> {
        let mut workflow = workflow.clone();
        workflow.key = key;
        let (workflow, text) = canonical(&workflow)?;
        // A base beyond i64 cannot be a stored revision: refused below.
        let updated: Option<i64> = match i64::try_from(base) {
            Ok(base_i64) => sqlx::query_scalar(
                "UPDATE workflows SET draft = ?, name = ?, revision = revision + 1, updated_at = ?
                     WHERE key = ? AND revision = ? AND origin = 'CUSTOM'
                     RETURNING revision",
            )
            .bind(&text)
            .bind(&workflow.name)
            .bind(now_rfc3339())
            .bind(i64::from(key))
            .bind(base_i64)
            .fetch_optional(&self.pool)
            .await?,
            Err(_) => None,
        };
        match updated {
            Some(revision) => {
                let revision = revision_of(key, revision)?;
                tracing::debug!(key, revision, "draft saved");
                Ok(revision)
            }
            None => Err(self.refusal(key, Some(base)).await),
        }
    }

    /// Lints the draft and, without errors, freezes it into the next
    /// version. `base`, when given, must be the current revision. The
    /// version is inserted only if the draft is still at the revision that
    /// was linted (one `INSERT ... SELECT ... WHERE revision = ?`).
    pub async fn publish(&self, key: u32, base: Option<Revision>) -> Result<VersionInfo, DbError> {
        let row = sqlx::query("SELECT origin, revision, draft FROM workflows WHERE key = ?")
            .bind(i64::from(key))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound { key })?;
        let origin = origin_of(key, row.try_get("origin")?)?;
        let revision = revision_of(key, row.try_get("revision")?)?;
        if origin == Origin::Global {
            return Err(DbError::ReadOnly { key });
        }
        if let Some(expected) = base.filter(|b| *b != revision) {
            return Err(DbError::Conflict {
                key,
                expected,
                current: revision,
            });
        }
        let text: String = row.try_get("draft")?;
        let draft = parse_stored(key, "the draft", &text)?;
        let report = lint(&draft);
        if report.has_errors() {
            return Err(DbError::LintErrors { key, report });
        }
        let published_at = now_rfc3339();
        let sha256 = sha256_hex(text.as_bytes());
        let number: Option<i64> = sqlx::query_scalar(
            "INSERT INTO versions (key, number, published_at, sha256, revision, content)
             SELECT w.key,
                    COALESCE((SELECT MAX(v.number) FROM versions v WHERE v.key = w.key), 0) + 1,
                    ?, ?, w.revision, ?
             FROM workflows w WHERE w.key = ? AND w.revision = ?
             RETURNING number",
        )
        .bind(&published_at)
        .bind(&sha256)
        .bind(&text)
        .bind(i64::from(key))
        .bind(revision_to_i64(revision)?)
        .fetch_optional(&self.pool)
        .await?;
        let Some(number) = number else {
            // The draft changed between the read and the insert.
            return Err(self.refusal(key, Some(revision)).await);
        };
        let info = VersionInfo {
            number: number_of(key, number)?,
            published_at,
            sha256,
            revision,
        };
        tracing::debug!(key, version = info.number, revision, "published");
        Ok(info)
    }

    /// Makes published version `number` the draft of a custom workflow if
    /// `base` is still its revision; returns the new revision. Refusals come
    /// in the local store's order: Global, then stale, then an unknown
    /// version. The version is read (and checked against its hash) first;
    /// the check and the write are then one `UPDATE ... WHERE revision =
    /// base`, as for [`Db::save_draft`], so a racing write makes it a
    /// conflict, never a lost update.
    pub async fn restore(
        &self,
        key: u32,
        number: u32,
        base: Revision,
    ) -> Result<Revision, DbError> {
        let row = sqlx::query("SELECT origin, revision FROM workflows WHERE key = ?")
            .bind(i64::from(key))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound { key })?;
        let origin = origin_of(key, row.try_get("origin")?)?;
        let current = revision_of(key, row.try_get("revision")?)?;
        if origin == Origin::Global {
            return Err(DbError::ReadOnly { key });
        }
        if base != current {
            return Err(DbError::Conflict {
                key,
                expected: base,
                current,
            });
        }
        let mut workflow = self.version(key, number).await?.workflow;
        workflow.key = key;
        let (workflow, text) = canonical(&workflow)?;
        let updated: Option<i64> = sqlx::query_scalar(
            "UPDATE workflows SET draft = ?, name = ?, revision = revision + 1, updated_at = ?
                 WHERE key = ? AND revision = ? AND origin = 'CUSTOM'
                 RETURNING revision",
        )
        .bind(&text)
        .bind(&workflow.name)
        .bind(now_rfc3339())
        .bind(i64::from(key))
        .bind(revision_to_i64(base)?)
        .fetch_optional(&self.pool)
        .await?;
        match updated {
            Some(revision) => {
                let revision = revision_of(key, revision)?;
                tracing::debug!(key, version = number, revision, "version restored");
                Ok(revision)
            }
            None => Err(self.refusal(key, Some(base)).await),
        }
    }

    /// Copies a version (or the draft) into a new custom workflow.
    pub async fn duplicate(&self, key: u32, version: Option<u32>) -> Result<u32, DbError> {
        let (mut workflow, name) = match version {
            None => {
                let workflow = self.draft(key).await?.workflow;
                let name = format!("Copy of {}", workflow.name);
                (workflow, name)
            }
            Some(number) => {
                let workflow = self.version(key, number).await?.workflow;
                let name = format!("Copy of {} (v{number})", workflow.name);
                (workflow, name)
            }
        };
        workflow.name = name;
        self.create(&workflow, Some(DuplicatedFrom { key, version }))
            .await
    }

    /// Records a token by its hash.
    pub async fn insert_token(&self, name: &str, role: Role, sha256: &str) -> Result<(), DbError> {
        sqlx::query("INSERT INTO tokens (name, role, sha256, created_at) VALUES (?, ?, ?, ?)")
            .bind(name)
            .bind(role.as_str())
            .bind(sha256)
            .bind(now_rfc3339())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Who holds the token with this hash, if anyone.
    pub async fn token_owner(&self, sha256: &str) -> Result<Option<TokenOwner>, DbError> {
        if let Some(owner) = self.known_tokens.get(sha256) {
            return Ok(Some(owner));
        }
        let row = sqlx::query("SELECT name, role FROM tokens WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let role: String = row.try_get("role")?;
        let role = Role::from_str(&role).map_err(|message| {
            DbError::Sqlx(sqlx::Error::Decode(
                format!("tokens.role {role:?}: {message}").into(),
            ))
        })?;
        let owner = TokenOwner {
            name: row.try_get("name")?,
            role,
        };
        self.known_tokens.insert(sha256.to_owned(), owner.clone());
        Ok(Some(owner))
    }

    async fn require(&self, key: u32) -> Result<(), DbError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT key FROM workflows WHERE key = ?")
            .bind(i64::from(key))
            .fetch_optional(&self.pool)
            .await?;
        found.map(|_| ()).ok_or(DbError::NotFound { key })
    }

    /// Why a conditional write to `key` based on `base` matched no row:
    /// unknown key, Global workflow, or a newer revision. Revisions only
    /// grow, so a refused write's base is never the current one again.
    async fn refusal(&self, key: u32, base: Option<Revision>) -> DbError {
        let row = sqlx::query("SELECT origin, revision FROM workflows WHERE key = ?")
            .bind(i64::from(key))
            .fetch_optional(&self.pool)
            .await;
        let row = match row {
            Ok(Some(row)) => row,
            Ok(None) => return DbError::NotFound { key },
            Err(e) => return e.into(),
        };
        let facts = row
            .try_get("origin")
            .map_err(DbError::from)
            .and_then(|o| origin_of(key, o))
            .and_then(|origin| {
                let revision = revision_of(key, row.try_get("revision")?)?;
                Ok((origin, revision))
            });
        match facts {
            Ok((Origin::Global, _)) => DbError::ReadOnly { key },
            Ok((Origin::Custom, current)) => DbError::Conflict {
                key,
                expected: base.unwrap_or(current),
                current,
            },
            Err(e) => e,
        }
    }

    /// The connection pool, for the platform API's own tables.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

async fn insert_workflow(
    tx: &mut Transaction<'_, Sqlite>,
    workflow: &Workflow,
    text: &str,
    origin: Origin,
    duplicated_from: Option<DuplicatedFrom>,
    now: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO workflows (key, name, origin, revision, draft,
                                duplicated_from_key, duplicated_from_version,
                                created_at, updated_at)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
    )
    .bind(i64::from(workflow.key))
    .bind(&workflow.name)
    .bind(origin.as_str())
    .bind(text)
    .bind(duplicated_from.map(|d| i64::from(d.key)))
    .bind(duplicated_from.and_then(|d| d.version).map(i64::from))
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The canonical stored text of a workflow: RON, as the local store writes
/// it, so a version's hash is the same in either store. Refused when it
/// would not read back (a value the reader rejects).
pub(crate) fn canonical(workflow: &Workflow) -> Result<(Workflow, String), DbError> {
    let mut workflow = workflow.clone();
    workflow.format_version = FORMAT_VERSION;
    let text = to_text(&workflow, Format::Ron);
    parse_workflow(&text, Format::Ron).map_err(|e| DbError::Unwritable {
        message: format!("it would not read back: {e}"),
    })?;
    Ok((workflow, text))
}

fn parse_stored(key: u32, what: &str, text: &str) -> Result<Workflow, DbError> {
    parse_workflow(text, Format::Ron).map_err(|e| DbError::Corrupt {
        key,
        what: what.to_owned(),
        message: e.to_string(),
    })
}

fn version_info(key: u32, row: &sqlx::sqlite::SqliteRow) -> Result<VersionInfo, DbError> {
    Ok(VersionInfo {
        number: number_of(key, row.try_get("number")?)?,
        published_at: row.try_get("published_at")?,
        sha256: row.try_get("sha256")?,
        revision: revision_of(key, row.try_get("revision")?)?,
    })
}

fn corrupt(key: u32, what: &str, value: impl std::fmt::Debug) -> DbError {
    DbError::Corrupt {
        key,
        what: what.to_owned(),
        message: format!("{value:?} is out of range"),
    }
}

fn key_of(value: i64) -> Result<u32, DbError> {
    u32::try_from(value).map_err(|_| corrupt(0, "a workflow key", value))
}

fn number_of(key: u32, value: i64) -> Result<u32, DbError> {
    u32::try_from(value).map_err(|_| corrupt(key, "a version number", value))
}

fn revision_of(key: u32, value: i64) -> Result<Revision, DbError> {
    Revision::try_from(value).map_err(|_| corrupt(key, "the revision", value))
}

fn revision_to_i64(revision: Revision) -> Result<i64, DbError> {
    i64::try_from(revision).map_err(|_| corrupt(0, "a revision", revision))
}

fn origin_of(key: u32, value: String) -> Result<Origin, DbError> {
    match value.as_str() {
        "GLOBAL" => Ok(Origin::Global),
        "CUSTOM" => Ok(Origin::Custom),
        _ => Err(corrupt(key, "the origin", value)),
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Now, RFC 3339 UTC to the second (`2026-05-01T12:00:00Z`).
fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn seeded() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = Db::open(&dir.path().join("store.sqlite"))
            .await
            .expect("open");
        assert_eq!(db.seed().await.expect("seed"), 9);
        assert_eq!(db.seed().await.expect("seed again"), 0, "seeds once");
        (dir, db)
    }

    #[tokio::test]
    async fn published_versions_cannot_be_updated_or_deleted() {
        let (_dir, db) = seeded().await;
        let update = sqlx::query("UPDATE versions SET content = 'x' WHERE key = 10011")
            .execute(&db.pool)
            .await;
        assert!(
            update
                .unwrap_err()
                .to_string()
                .contains("published versions are immutable")
        );
        let delete = sqlx::query("DELETE FROM versions WHERE key = 10011")
            .execute(&db.pool)
            .await;
        assert!(delete.is_err());
        assert!(db.version(10011, 1).await.is_ok());
    }

    #[tokio::test]
    async fn a_version_changed_behind_the_servers_back_is_reported() {
        let (_dir, db) = seeded().await;
        sqlx::query("DROP TRIGGER versions_are_immutable")
            .execute(&db.pool)
            .await
            .expect("drop trigger");
        sqlx::query("UPDATE versions SET content = content || ' ' WHERE key = 10011")
            .execute(&db.pool)
            .await
            .expect("tamper");
        match db.version(10011, 1).await {
            Err(DbError::Integrity {
                key: 10011,
                version: 1,
                expected,
                actual,
            }) => assert_ne!(expected, actual),
            other => panic!("expected Integrity, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_database_is_in_wal_mode() {
        let (_dir, db) = seeded().await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&db.pool)
            .await
            .expect("pragma");
        assert_eq!(mode, "wal");
    }
}
