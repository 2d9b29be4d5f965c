//! The platform API's tables (migration 0002): the signing secret,
//! accounts, executions, credentials and part metadata. Status changes are
//! single conditional statements (`UPDATE ... WHERE status = 'INITIATED'`),
//! so a finalize racing an upload or a second finalize cannot both win.

use idflow_core::model::{Channel, CredentialCategory, Part};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};

use super::PlatformError;

/// Where an execution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    /// Created; parts may be uploaded.
    Initiated,
    /// Finalized; processing.
    Acquired,
    /// Processed: the details are ready.
    Processed,
    /// Not used by the mock (the platform's session timeout).
    SessionExpired,
    /// The token lifetime passed before finalize.
    TokenExpired,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Initiated => "INITIATED",
            ExecutionStatus::Acquired => "ACQUIRED",
            ExecutionStatus::Processed => "PROCESSED",
            ExecutionStatus::SessionExpired => "SESSION_EXPIRED",
            ExecutionStatus::TokenExpired => "TOKEN_EXPIRED",
        }
    }

    pub fn parse(text: &str) -> Option<ExecutionStatus> {
        [
            ExecutionStatus::Initiated,
            ExecutionStatus::Acquired,
            ExecutionStatus::Processed,
            ExecutionStatus::SessionExpired,
            ExecutionStatus::TokenExpired,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A credential of an execution, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub id: String,
    pub node: String,
    pub category: CredentialCategory,
    pub label: Option<String>,
    pub channels: Vec<Channel>,
    pub api_parts: Vec<Part>,
    pub existing: bool,
}

/// A workflow execution, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Execution {
    pub id: String,
    pub account_id: String,
    pub definition_key: u32,
    pub definition_version: u32,
    pub scenario: String,
    pub user_reference: Option<String>,
    pub customer_internal_reference: String,
    pub callback_url: Option<String>,
    pub locale: String,
    pub base_url: String,
    /// Seconds since the epoch.
    pub token_expires_at: i64,
    pub status: ExecutionStatus,
    pub created_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    /// The retrieval document (JSON text), once processed.
    pub details: Option<String>,
}

/// A new execution and what it needs recorded.
#[derive(Debug, Clone)]
pub struct NewExecution {
    pub execution: Execution,
    /// The account request as received (JSON text).
    pub request: String,
    /// The store-API token name of the caller.
    pub created_by: String,
    pub credentials: Vec<StoredCredential>,
}

/// Metadata of an uploaded part (the bytes are not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartRecord {
    pub credential_id: String,
    pub classifier: Part,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// Whether a new execution goes to a new account or an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountWrite {
    Create,
    Update,
}

fn corrupt(what: &str, value: impl std::fmt::Debug) -> PlatformError {
    PlatformError::Corrupt(format!("{what}: {value:?} is not a valid value"))
}

fn join<T: Copy>(items: &[T], name: impl Fn(T) -> &'static str) -> String {
    items.iter().map(|i| name(*i)).collect::<Vec<_>>().join(",")
}

fn split<T>(
    text: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, PlatformError> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| parse(s).ok_or_else(|| corrupt(what, s)))
        .collect()
}

/// The secret called `name`, made by `make` and stored the first time it
/// is asked for. Two servers starting at once on one file agree: the
/// first insert wins and both read it back.
pub async fn secret(
    pool: &SqlitePool,
    name: &str,
    now: &str,
    make: impl FnOnce() -> Result<Vec<u8>, PlatformError>,
) -> Result<Vec<u8>, PlatformError> {
    let existing: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_optional(pool)
            .await?;
    if let Some(value) = existing {
        return Ok(value);
    }
    sqlx::query(
        "INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(make()?)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(pool)
            .await?,
    )
}

/// Records a new execution with its credentials, creating its account or
/// updating the existing one (in one transaction). `false` when `Update`
/// finds no such account.
pub async fn insert_execution(
    pool: &SqlitePool,
    account: AccountWrite,
    new: &NewExecution,
) -> Result<bool, PlatformError> {
    let e = &new.execution;
    let mut tx = pool.begin().await?;
    let written = match account {
        AccountWrite::Create => sqlx::query(
            "INSERT INTO platform_accounts (id, customer_internal_reference, created_at, updated_at)
             VALUES (?, ?, ?, ?)",
        )
        .bind(&e.account_id)
        .bind(&e.customer_internal_reference)
        .bind(&e.created_at)
        .bind(&e.created_at)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        AccountWrite::Update => sqlx::query(
            "UPDATE platform_accounts SET customer_internal_reference = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(&e.customer_internal_reference)
        .bind(&e.created_at)
        .bind(&e.account_id)
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    if written == 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO platform_executions (id, account_id, definition_key, definition_version,
             scenario, user_reference, customer_internal_reference, callback_url, locale,
             request, base_url, token_expires_at, status, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&e.id)
    .bind(&e.account_id)
    .bind(i64::from(e.definition_key))
    .bind(i64::from(e.definition_version))
    .bind(&e.scenario)
    .bind(&e.user_reference)
    .bind(&e.customer_internal_reference)
    .bind(&e.callback_url)
    .bind(&e.locale)
    .bind(&new.request)
    .bind(&e.base_url)
    .bind(e.token_expires_at)
    .bind(e.status.as_str())
    .bind(&e.created_at)
    .bind(&new.created_by)
    .execute(&mut *tx)
    .await?;
    for (position, c) in new.credentials.iter().enumerate() {
        sqlx::query(
            "INSERT INTO platform_credentials (id, execution_id, position, node_id, category,
                 label, channels, api_parts, existing)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(&e.id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&c.node)
        .bind(c.category.as_str())
        .bind(&c.label)
        .bind(join(&c.channels, Channel::as_str))
        .bind(join(&c.api_parts, Part::as_str))
        .bind(c.existing)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn account_exists(pool: &SqlitePool, id: &str) -> Result<bool, PlatformError> {
    let found: Option<String> = sqlx::query_scalar("SELECT id FROM platform_accounts WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

const EXECUTION_COLUMNS: &str = "id, account_id, definition_key, definition_version, scenario,
    user_reference, customer_internal_reference, callback_url, locale, base_url,
    token_expires_at, status, created_at, started_at, completed_at, details";

fn execution_of(row: &SqliteRow) -> Result<Execution, PlatformError> {
    let key: i64 = row.try_get("definition_key")?;
    let version: i64 = row.try_get("definition_version")?;
    let status: String = row.try_get("status")?;
    Ok(Execution {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        definition_key: u32::try_from(key).map_err(|_| corrupt("definition_key", key))?,
        definition_version: u32::try_from(version)
            .map_err(|_| corrupt("definition_version", version))?,
        scenario: row.try_get("scenario")?,
        user_reference: row.try_get("user_reference")?,
        customer_internal_reference: row.try_get("customer_internal_reference")?,
        callback_url: row.try_get("callback_url")?,
        locale: row.try_get("locale")?,
        base_url: row.try_get("base_url")?,
        token_expires_at: row.try_get("token_expires_at")?,
        status: ExecutionStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        completed_at: row.try_get("completed_at")?,
        details: row.try_get("details")?,
    })
}

/// Execution `id` of account `account_id`, if there is one.
pub async fn execution(
    pool: &SqlitePool,
    account_id: &str,
    id: &str,
) -> Result<Option<Execution>, PlatformError> {
    let row = sqlx::query(&format!(
        "SELECT {EXECUTION_COLUMNS} FROM platform_executions WHERE id = ? AND account_id = ?"
    ))
    .bind(id)
    .bind(account_id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(execution_of).transpose()
}

/// Executions left ACQUIRED (finalized but not yet processed), e.g. by a
/// server stopped mid-processing.
pub async fn acquired(pool: &SqlitePool) -> Result<Vec<Execution>, PlatformError> {
    let rows = sqlx::query(&format!(
        "SELECT {EXECUTION_COLUMNS} FROM platform_executions WHERE status = 'ACQUIRED'"
    ))
    .fetch_all(pool)
    .await?;
    rows.iter().map(execution_of).collect()
}

fn credential_of(row: &SqliteRow) -> Result<StoredCredential, PlatformError> {
    let category: String = row.try_get("category")?;
    let channels: String = row.try_get("channels")?;
    let api_parts: String = row.try_get("api_parts")?;
    Ok(StoredCredential {
        id: row.try_get("id")?,
        node: row.try_get("node_id")?,
        category: CredentialCategory::parse(&category)
            .ok_or_else(|| corrupt("credential category", &category))?,
        label: row.try_get("label")?,
        channels: split(&channels, "credential channel", Channel::parse)?,
        api_parts: split(&api_parts, "credential part", Part::parse)?,
        existing: row.try_get("existing")?,
    })
}

/// The credentials of an execution, in workflow order.
pub async fn credentials(
    pool: &SqlitePool,
    execution_id: &str,
) -> Result<Vec<StoredCredential>, PlatformError> {
    let rows = sqlx::query(
        "SELECT id, node_id, category, label, channels, api_parts, existing
         FROM platform_credentials WHERE execution_id = ? ORDER BY position",
    )
    .bind(execution_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(credential_of).collect()
}

/// INITIATED → TOKEN_EXPIRED once `now` (seconds since the epoch) reaches
/// the token expiry. `true` when this call changed it.
pub async fn expire_if_due(pool: &SqlitePool, id: &str, now: i64) -> Result<bool, PlatformError> {
    let changed = sqlx::query(
        "UPDATE platform_executions SET status = 'TOKEN_EXPIRED'
         WHERE id = ? AND status = 'INITIATED' AND token_expires_at <= ?",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// Records (or replaces) a part's metadata, only while its execution is
/// INITIATED and its token valid at `now`. `false` when it is not.
pub async fn record_part(
    pool: &SqlitePool,
    execution_id: &str,
    part: &PartRecord,
    now: i64,
) -> Result<bool, PlatformError> {
    let written = sqlx::query(
        "INSERT INTO platform_parts (credential_id, classifier, content_type, size, sha256, uploaded_at)
         SELECT ?, ?, ?, ?, ?, ?
         WHERE EXISTS (SELECT 1 FROM platform_executions
                       WHERE id = ? AND status = 'INITIATED' AND token_expires_at > ?)
         ON CONFLICT (credential_id, classifier) DO UPDATE SET
             content_type = excluded.content_type, size = excluded.size,
             sha256 = excluded.sha256, uploaded_at = excluded.uploaded_at",
    )
    .bind(&part.credential_id)
    .bind(part.classifier.as_str())
    .bind(&part.content_type)
    .bind(i64::try_from(part.size).unwrap_or(i64::MAX))
    .bind(&part.sha256)
    .bind(&part.uploaded_at)
    .bind(execution_id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(written > 0)
}

/// The part metadata recorded for an execution's credentials.
pub async fn parts(
    pool: &SqlitePool,
    execution_id: &str,
) -> Result<Vec<PartRecord>, PlatformError> {
    let rows = sqlx::query(
        "SELECT p.credential_id, p.classifier, p.content_type, p.size, p.sha256, p.uploaded_at
         FROM platform_parts p JOIN platform_credentials c ON c.id = p.credential_id
         WHERE c.execution_id = ? ORDER BY c.position, p.classifier",
    )
    .bind(execution_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let classifier: String = row.try_get("classifier")?;
            let size: i64 = row.try_get("size")?;
            Ok(PartRecord {
                credential_id: row.try_get("credential_id")?,
                classifier: Part::parse(&classifier)
                    .ok_or_else(|| corrupt("part classifier", &classifier))?,
                content_type: row.try_get("content_type")?,
                size: u64::try_from(size).map_err(|_| corrupt("part size", size))?,
                sha256: row.try_get("sha256")?,
                uploaded_at: row.try_get("uploaded_at")?,
            })
        })
        .collect()
}

/// INITIATED → ACQUIRED (finalize), only while the token is valid at
/// `now`. `true` when this call changed it.
pub async fn start(
    pool: &SqlitePool,
    id: &str,
    started_at: &str,
    now: i64,
) -> Result<bool, PlatformError> {
    let changed = sqlx::query(
        "UPDATE platform_executions SET status = 'ACQUIRED', started_at = ?
         WHERE id = ? AND status = 'INITIATED' AND token_expires_at > ?",
    )
    .bind(started_at)
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed > 0)
}

/// ACQUIRED → PROCESSED with the retrieval document.
pub async fn complete(
    pool: &SqlitePool,
    id: &str,
    details: &str,
    completed_at: &str,
) -> Result<bool, PlatformError> {
    let changed = sqlx::query(
        "UPDATE platform_executions SET status = 'PROCESSED', details = ?, completed_at = ?
         WHERE id = ? AND status = 'ACQUIRED'",
    )
    .bind(details)
    .bind(completed_at)
    .bind(id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(changed > 0)
}
