//! The platform API's tables (migrations 0002, 0010 and 0011): the signing
//! secret, accounts, executions (with their credentials), part metadata
//! and the reuse record each completed execution leaves. Status changes are single conditional statements (`UPDATE ... WHERE status = 'INITIATED'`),
//! so a finalize racing an upload or a second finalize cannot both win.
//! The same SQL runs on SQLite and PostgreSQL (see `crate::db::on_pool`).

use super::PlatformError;
use crate::db::{Pool, on_pool};
use idflow_core::model::{Channel, CredentialCategory, Part};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

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
    /// `credentials` as the execution's row holds them, encoded by the
    /// request's thread rather than by the single writer.
    encoded_credentials: String,
}

impl NewExecution {
    pub fn new(
        execution: Execution,
        request: String,
        created_by: String,
        credentials: Vec<StoredCredential>,
    ) -> Result<NewExecution, PlatformError> {
        let encoded_credentials = encode_credentials(&credentials)?;
        Ok(NewExecution {
            execution,
            request,
            created_by,
            credentials,
            encoded_credentials,
        })
    }

    pub(super) fn encoded_credentials(&self) -> &str {
        &self.encoded_credentials
    }
}

/// A credential in the execution row's `credentials` column (a JSON
/// array in workflow order; migration 0010 wrote the earlier rows of
/// `platform_credentials` in this shape).
// Borrowed both ways: encoding copies no string, decoding only those
// with escapes.
#[derive(Serialize, Deserialize)]
struct CredentialRecord<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(borrow)]
    node_id: Cow<'a, str>,
    #[serde(borrow)]
    category: Cow<'a, str>,
    #[serde(borrow)]
    label: Option<Cow<'a, str>>,
    /// Comma-separated, as the columns of migration 0002 held them.
    #[serde(borrow)]
    channels: Cow<'a, str>,
    #[serde(borrow)]
    api_parts: Cow<'a, str>,
    existing: bool,
}

fn encode_credentials(credentials: &[StoredCredential]) -> Result<String, PlatformError> {
    let records: Vec<CredentialRecord<'_>> = credentials
        .iter()
        .map(|c| CredentialRecord {
            id: c.id.as_str().into(),
            node_id: c.node.as_str().into(),
            category: c.category.as_str().into(),
            label: c.label.as_deref().map(Into::into),
            channels: join(&c.channels, Channel::as_str).into(),
            api_parts: join(&c.api_parts, Part::as_str).into(),
            existing: c.existing,
        })
        .collect();
    serde_json::to_string(&records)
        .map_err(|error| PlatformError::Encode(format!("credentials: {error}")))
}

fn decode_credentials(
    execution_id: &str,
    text: &str,
) -> Result<Vec<StoredCredential>, PlatformError> {
    let records: Vec<CredentialRecord<'_>> = serde_json::from_str(text).map_err(|error| {
        PlatformError::Corrupt(format!("credentials of execution {execution_id}: {error}"))
    })?;
    records
        .into_iter()
        .map(|r| {
            Ok(StoredCredential {
                id: r.id.into_owned(),
                node: r.node_id.into_owned(),
                category: CredentialCategory::parse(&r.category)
                    .ok_or_else(|| corrupt("credential category", &r.category))?,
                label: r.label.map(Cow::into_owned),
                channels: split(&r.channels, "credential channel", Channel::parse)?,
                api_parts: split(&r.api_parts, "credential part", Part::parse)?,
                existing: r.existing,
            })
        })
        .collect()
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

/// Inserts the executions `$news` (`&[&NewExecution]`), their credentials
/// in their rows, with one multi-row statement in the transaction `$tx`
/// (`&mut *tx`) of either backend.
// The execution writes, shared by the two writers: `apply` below (sqlx;
// PostgreSQL) and `super::sqlite_writer` (SQLite). Parameters are numbered
// in the order they first appear, as both bind them by position.
pub(super) const ACCOUNT_COLUMNS: &str =
    "platform_accounts (id, customer_internal_reference, created_at, updated_at)";
pub(super) const EXECUTION_COLUMNS_WRITTEN: &str =
    "platform_executions (id, account_id, definition_key, definition_version,
    scenario, user_reference, customer_internal_reference, callback_url, locale,
    request, base_url, token_expires_at, status, created_at, created_by, credentials,
    started_at)";
pub(super) const UPDATE_ACCOUNT: &str =
    "UPDATE platform_accounts SET customer_internal_reference = $1, updated_at = $2 WHERE id = $3";
pub(super) const UPSERT_PART: &str = "INSERT INTO platform_parts
        (execution_id, credential_id, classifier, content_type, size, sha256, uploaded_at)
    SELECT $1, $2, $3, $4, $5, $6, $7
    WHERE EXISTS (SELECT 1 FROM platform_executions
                  WHERE id = $1 AND status = 'INITIATED' AND token_expires_at > $8)
    ON CONFLICT (execution_id, credential_id, classifier) DO UPDATE SET
        content_type = excluded.content_type, size = excluded.size,
        sha256 = excluded.sha256, uploaded_at = excluded.uploaded_at";
pub(super) const START: &str = "UPDATE platform_executions SET status = 'ACQUIRED', started_at = $1
    WHERE id = $2 AND status = 'INITIATED' AND token_expires_at > $3";
pub(super) const COMPLETE: &str =
    "UPDATE platform_executions SET status = 'PROCESSED', details = $1, completed_at = $2,
    steps = $3 WHERE id = $4 AND status = 'ACQUIRED'";
/// The reuse record of an execution that has just completed, and a row
/// for each category it offers (only after `COMPLETE` changed its row, in
/// the same transaction).
pub(super) const INSERT_REUSE_RECORD: &str = "INSERT INTO platform_reuse_records
    (account_id, completed_at, execution_id, decision, record) VALUES ($1, $2, $3, $4, $5)";
pub(super) const INSERT_REUSE_OFFER: &str = "INSERT INTO platform_reuse_offers
    (account_id, category, completed_at, execution_id) VALUES ($1, $2, $3, $4)";
pub(super) const INSERT_CALLBACK: &str =
    "INSERT INTO platform_callbacks (execution_id, url, status, created_at)
    VALUES ($1, $2, 'PROCESSED', $3) ON CONFLICT (execution_id) DO NOTHING";

macro_rules! insert_executions {
    ($tx:expr, $news:expr) => {{
        let news: &[&NewExecution] = $news;
        let mut executions =
            sqlx::QueryBuilder::new(format!("INSERT INTO {EXECUTION_COLUMNS_WRITTEN} "));
        executions.push_values(news, |mut row, new| {
            let e = &new.execution;
            row.push_bind(&e.id)
                .push_bind(&e.account_id)
                .push_bind(i64::from(e.definition_key))
                .push_bind(i64::from(e.definition_version))
                .push_bind(&e.scenario)
                .push_bind(&e.user_reference)
                .push_bind(&e.customer_internal_reference)
                .push_bind(&e.callback_url)
                .push_bind(&e.locale)
                .push_bind(&new.request)
                .push_bind(&e.base_url)
                .push_bind(e.token_expires_at)
                .push_bind(e.status.as_str())
                .push_bind(&e.created_at)
                .push_bind(&new.created_by)
                .push_bind(new.encoded_credentials())
                .push_bind(&e.started_at);
        });
        executions.build().execute($tx).await?;
    }};
}

fn corrupt(what: &str, value: impl std::fmt::Debug) -> PlatformError {
    PlatformError::Corrupt(format!("{what}: {value:?} is not a valid value"))
}

pub(super) fn join<T: Copy>(items: &[T], name: impl Fn(T) -> &'static str) -> String {
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

pub async fn account_exists(pool: &Pool, id: &str) -> Result<bool, PlatformError> {
    let found: Option<String> = on_pool!(pool, p => sqlx::query_scalar(
        "SELECT id FROM platform_accounts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(p)
    .await?);
    Ok(found.is_some())
}

const EXECUTION_COLUMNS: &str = "id, account_id, definition_key, definition_version, scenario,
    user_reference, customer_internal_reference, callback_url, locale, base_url,
    token_expires_at, status, created_at, started_at, completed_at, details";

// The reads every request makes, named so that a test can hold each to an
// index (`tests::every_read_is_indexed`): a scan here makes every request
// slower as executions accumulate.
const EXECUTION_OF_ACCOUNT: &str = "FROM platform_executions WHERE id = $1 AND account_id = $2";
const ACQUIRED: &str = "FROM platform_executions WHERE status = 'ACQUIRED'";
const STEPS_OF: &str = "SELECT steps FROM platform_executions WHERE id = $1 AND account_id = $2";
const HOLDERS_OF_CREDENTIAL: &str = "SELECT id, credentials, details FROM platform_executions
    WHERE account_id = $1 AND status = 'PROCESSED' AND credentials LIKE $2";
const RECORDED_PART: &str = "SELECT content_type FROM platform_parts
    WHERE execution_id = $1 AND credential_id = $2 AND classifier = $3";
const DUE_TO_EXPIRE: &str = "FROM platform_executions
    WHERE status = 'INITIATED' AND token_expires_at <= $1 ORDER BY token_expires_at LIMIT $2";
// An account's newest record offering a category (`$3`...), and its
// newest REJECTED record: each one index seek; `reuse_history_sql` puts
// the ones a workflow needs into one statement (one round trip).
const NEWEST_OFFERING: &str = "SELECT o.category AS found_for, r.execution_id, r.completed_at,
    r.record FROM platform_reuse_offers o JOIN platform_reuse_records r
        ON r.execution_id = o.execution_id
    WHERE o.account_id = $1 AND o.category = $N AND o.execution_id <> $2
    ORDER BY o.completed_at DESC, o.execution_id DESC LIMIT 1";
const NEWEST_REJECTED: &str = "SELECT 'REJECTED' AS found_for, execution_id, completed_at,
    record FROM platform_reuse_records
    WHERE account_id = $1 AND decision = 'REJECTED' AND execution_id <> $2
    ORDER BY completed_at DESC, execution_id DESC LIMIT 1";

/// One statement reading the newest record offering each of `categories`
/// categories (bound as `$3`...) and, when `rejected`, the newest REJECTED
/// one, for account `$1` leaving out execution `$2`.
fn reuse_history_sql(categories: usize, rejected: bool) -> String {
    let parts: Vec<String> = (0..categories)
        .map(|i| NEWEST_OFFERING.replace("$N", &format!("${}", i + 3)))
        .chain(rejected.then(|| NEWEST_REJECTED.to_owned()))
        .enumerate()
        .map(|(i, part)| format!("SELECT * FROM ({part}) AS found_{i}"))
        .collect();
    parts.join(" UNION ALL ")
}
const CREDENTIALS: &str = "SELECT credentials FROM platform_executions WHERE id = $1";
const EXPIRE_IF_DUE: &str = "UPDATE platform_executions SET status = CASE
        WHEN EXISTS (SELECT 1 FROM platform_parts WHERE execution_id = $1)
        THEN 'SESSION_EXPIRED' ELSE 'TOKEN_EXPIRED' END
    WHERE id = $1 AND status = 'INITIATED' AND token_expires_at <= $2";
const PARTS: &str = "SELECT credential_id, classifier, content_type, size, sha256, uploaded_at
    FROM platform_parts WHERE execution_id = $1 ORDER BY credential_id, classifier";

/// A row of `platform_executions` (`EXECUTION_COLUMNS`).
#[derive(sqlx::FromRow)]
struct ExecutionRow {
    id: String,
    account_id: String,
    definition_key: i64,
    definition_version: i64,
    scenario: String,
    user_reference: Option<String>,
    customer_internal_reference: String,
    callback_url: Option<String>,
    locale: String,
    base_url: String,
    token_expires_at: i64,
    status: String,
    created_at: String,
    started_at: Option<String>,
    completed_at: Option<String>,
    details: Option<String>,
}

fn execution_of(row: ExecutionRow) -> Result<Execution, PlatformError> {
    let key = row.definition_key;
    let version = row.definition_version;
    let status = row.status;
    Ok(Execution {
        id: row.id,
        account_id: row.account_id,
        definition_key: u32::try_from(key).map_err(|_| corrupt("definition_key", key))?,
        definition_version: u32::try_from(version)
            .map_err(|_| corrupt("definition_version", version))?,
        scenario: row.scenario,
        user_reference: row.user_reference,
        customer_internal_reference: row.customer_internal_reference,
        callback_url: row.callback_url,
        locale: row.locale,
        base_url: row.base_url,
        token_expires_at: row.token_expires_at,
        status: ExecutionStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        created_at: row.created_at,
        started_at: row.started_at,
        completed_at: row.completed_at,
        details: row.details,
    })
}

/// Execution `id` of account `account_id`, if there is one.
pub async fn execution(
    pool: &Pool,
    account_id: &str,
    id: &str,
) -> Result<Option<Execution>, PlatformError> {
    let sql = format!("SELECT {EXECUTION_COLUMNS} {EXECUTION_OF_ACCOUNT}");
    let row: Option<ExecutionRow> = on_pool!(pool, p => sqlx::query_as(&sql)
        .bind(id)
        .bind(account_id)
        .fetch_optional(p)
        .await?);
    row.map(execution_of).transpose()
}

/// `platform_executions` with its `credentials` column.
#[derive(sqlx::FromRow)]
struct ExecutionWithCredentialsRow {
    #[sqlx(flatten)]
    execution: ExecutionRow,
    credentials: String,
}

/// Execution `id` of account `account_id` and its credentials (in workflow
/// order), in one read: what an upload checks.
pub async fn execution_with_credentials(
    pool: &Pool,
    account_id: &str,
    id: &str,
) -> Result<Option<(Execution, Vec<StoredCredential>)>, PlatformError> {
    let sql = format!("SELECT {EXECUTION_COLUMNS}, credentials {EXECUTION_OF_ACCOUNT}");
    let row: Option<ExecutionWithCredentialsRow> = on_pool!(pool, p => sqlx::query_as(&sql)
        .bind(id)
        .bind(account_id)
        .fetch_optional(p)
        .await?);
    let Some(row) = row else {
        return Ok(None);
    };
    let credentials = decode_credentials(id, &row.credentials)?;
    Ok(Some((execution_of(row.execution)?, credentials)))
}

/// Executions left ACQUIRED (finalized but not yet processed), e.g. by a
/// server stopped mid-processing.
pub async fn acquired(pool: &Pool) -> Result<Vec<Execution>, PlatformError> {
    let sql = format!("SELECT {EXECUTION_COLUMNS} {ACQUIRED}");
    let rows: Vec<ExecutionRow> = on_pool!(pool, p => sqlx::query_as(&sql).fetch_all(p).await?);
    rows.into_iter().map(execution_of).collect()
}

/// A stored reuse record (`super::history` decodes it), and what it was
/// read for: a category it offers, or `REJECTED`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReuseRecordRow {
    pub found_for: String,
    pub execution_id: String,
    pub completed_at: String,
    pub record: String,
}

/// The account's newest reuse record (other than `excluding`'s) offering
/// each of `categories` and, when `rejected`, its newest REJECTED one, in
/// one read.
pub async fn reuse_history(
    pool: &Pool,
    account_id: &str,
    excluding: &str,
    categories: &[CredentialCategory],
    rejected: bool,
) -> Result<Vec<ReuseRecordRow>, PlatformError> {
    if categories.is_empty() {
        return Ok(Vec::new());
    }
    let sql = reuse_history_sql(categories.len(), rejected);
    Ok(on_pool!(pool, p => {
        let mut query = sqlx::query_as(&sql).bind(account_id).bind(excluding);
        for category in categories {
            query = query.bind(category.as_str());
        }
        query.fetch_all(p).await?
    }))
}

/// The credentials of an execution, in workflow order (none when there is
/// no such execution).
pub async fn credentials(
    pool: &Pool,
    execution_id: &str,
) -> Result<Vec<StoredCredential>, PlatformError> {
    let text: Option<String> = on_pool!(pool, p => sqlx::query_scalar(CREDENTIALS)
    .bind(execution_id)
    .fetch_optional(p)
    .await?);
    match text {
        Some(text) => decode_credentials(execution_id, &text),
        None => Ok(Vec::new()),
    }
}

/// INITIATED → expired once `now` (seconds since the epoch) reaches the
/// token expiry: SESSION_EXPIRED when the journey had started (a part was
/// uploaded), TOKEN_EXPIRED when nothing arrived. `true` when this call
/// changed it.
pub async fn expire_if_due(pool: &Pool, id: &str, now: i64) -> Result<bool, PlatformError> {
    let changed = on_pool!(pool, p => sqlx::query(EXPIRE_IF_DUE)
    .bind(id)
    .bind(now)
    .execute(p)
    .await?
    .rows_affected());
    Ok(changed > 0)
}

/// Executions still INITIATED whose token expired by `now`: what the
/// expiry sweep moves on (at most `limit`).
pub async fn due_to_expire(
    pool: &Pool,
    now: i64,
    limit: i64,
) -> Result<Vec<Execution>, PlatformError> {
    let sql = format!("SELECT {EXECUTION_COLUMNS} {DUE_TO_EXPIRE}");
    let rows: Vec<ExecutionRow> =
        on_pool!(pool, p => sqlx::query_as(&sql).bind(now).bind(limit).fetch_all(p).await?);
    rows.into_iter().map(execution_of).collect()
}

/// The scenario a tester picked in the web client, while the execution is
/// still open. `false` when it is not.
pub async fn set_scenario(pool: &Pool, id: &str, scenario: &str) -> Result<bool, PlatformError> {
    let changed = on_pool!(pool, p => sqlx::query(
        "UPDATE platform_executions SET scenario = $1 WHERE id = $2 AND status = 'INITIATED'",
    )
    .bind(scenario)
    .bind(id)
    .execute(p)
    .await?
    .rows_affected());
    Ok(changed > 0)
}

/// The account request an execution was created with (JSON, as received).
pub async fn request_of(pool: &Pool, id: &str) -> Result<Option<String>, PlatformError> {
    let row: Option<(String,)> = on_pool!(pool, p => sqlx::query_as(
        "SELECT request FROM platform_executions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(p)
    .await?);
    Ok(row.map(|(r,)| r))
}

/// The visited steps of execution `id` of account `account_id` (JSON
/// text): `None` when there is no such execution, `Some(None)` when none
/// were recorded (not processed yet, or processed before migration 0012).
pub async fn steps_of(
    pool: &Pool,
    account_id: &str,
    id: &str,
) -> Result<Option<Option<String>>, PlatformError> {
    let row: Option<(Option<String>,)> = on_pool!(pool, p => sqlx::query_as(STEPS_OF)
    .bind(id)
    .bind(account_id)
    .fetch_optional(p)
    .await?);
    Ok(row.map(|(steps,)| steps))
}

/// A PROCESSED execution of an account that may hold a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialHolder {
    pub execution_id: String,
    pub credentials: Vec<StoredCredential>,
    /// The retrieval document (JSON text).
    pub details: String,
}

/// The account's PROCESSED executions that hold credential `credential_id`
/// (a UUID: the caller checks, so it has no LIKE wildcard), with their
/// credentials and details: where a part link of the account's details
/// leads.
pub async fn holders_of_credential(
    pool: &Pool,
    account_id: &str,
    credential_id: &str,
) -> Result<Vec<CredentialHolder>, PlatformError> {
    let rows: Vec<(String, String, Option<String>)> = on_pool!(pool, p => sqlx::query_as(HOLDERS_OF_CREDENTIAL)
    .bind(account_id)
    .bind(format!("%{credential_id}%"))
    .fetch_all(p)
    .await?);
    let mut holders = Vec::new();
    for (execution_id, credentials, details) in rows {
        let credentials = decode_credentials(&execution_id, &credentials)?;
        if !credentials.iter().any(|c| c.id == credential_id) {
            continue;
        }
        let Some(details) = details else {
            continue;
        };
        holders.push(CredentialHolder {
            execution_id,
            credentials,
            details,
        });
    }
    Ok(holders)
}

/// The content type recorded for a part of an execution's credential, if
/// it was uploaded (or captured by the web client).
pub async fn recorded_content_type(
    pool: &Pool,
    execution_id: &str,
    credential_id: &str,
    classifier: &str,
) -> Result<Option<String>, PlatformError> {
    let row: Option<(String,)> = on_pool!(pool, p => sqlx::query_as(RECORDED_PART)
    .bind(execution_id)
    .bind(credential_id)
    .bind(classifier)
    .fetch_optional(p)
    .await?);
    Ok(row.map(|(t,)| t))
}

/// A row of `platform_parts`.
#[derive(sqlx::FromRow)]
struct PartRow {
    credential_id: String,
    classifier: String,
    content_type: String,
    size: i64,
    sha256: String,
    uploaded_at: String,
}

/// The part metadata recorded for an execution's credentials, in the
/// credentials' workflow order, then by classifier.
pub async fn parts(pool: &Pool, execution_id: &str) -> Result<Vec<PartRecord>, PlatformError> {
    Ok(credentials_and_parts(pool, execution_id).await?.1)
}

/// An execution's credentials and the parts recorded for them, both in
/// workflow order (parts then by classifier).
pub async fn credentials_and_parts(
    pool: &Pool,
    execution_id: &str,
) -> Result<(Vec<StoredCredential>, Vec<PartRecord>), PlatformError> {
    let order = credentials(pool, execution_id).await?;
    let parts = parts_in_order(pool, execution_id, &order).await?;
    Ok((order, parts))
}

async fn parts_in_order(
    pool: &Pool,
    execution_id: &str,
    order: &[StoredCredential],
) -> Result<Vec<PartRecord>, PlatformError> {
    let mut rows: Vec<PartRow> = on_pool!(pool, p => sqlx::query_as(PARTS)
    .bind(execution_id)
    .fetch_all(p)
    .await?);
    let position = |id: &str| order.iter().position(|c| c.id == id).unwrap_or(usize::MAX);
    // Stable: within a credential, still by classifier.
    rows.sort_by_cached_key(|row| position(&row.credential_id));
    rows.into_iter()
        .map(|row| {
            let classifier = row.classifier;
            let size = row.size;
            Ok(PartRecord {
                credential_id: row.credential_id,
                classifier: Part::parse(&classifier)
                    .ok_or_else(|| corrupt("part classifier", &classifier))?,
                content_type: row.content_type,
                size: u64::try_from(size).map_err(|_| corrupt("part size", size))?,
                sha256: row.sha256,
                uploaded_at: row.uploaded_at,
            })
        })
        .collect()
}

/// Queues the callback of an execution that reached `status` (expiry).
pub async fn enqueue_callback(
    pool: &Pool,
    id: &str,
    url: &str,
    status: ExecutionStatus,
    created_at: &str,
) -> Result<(), PlatformError> {
    on_pool!(pool, p => sqlx::query(
        "INSERT INTO platform_callbacks (execution_id, url, status, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (execution_id) DO NOTHING",
    )
    .bind(id)
    .bind(url)
    .bind(status.as_str())
    .bind(created_at)
    .execute(p)
    .await?
    .rows_affected());
    Ok(())
}

/// A callback waiting to be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCallback {
    pub execution_id: String,
    pub url: String,
    pub status: ExecutionStatus,
}

/// Every callback not yet delivered or given up, oldest first.
pub async fn pending_callbacks(pool: &Pool) -> Result<Vec<PendingCallback>, PlatformError> {
    let rows: Vec<(String, String, String)> = on_pool!(pool, p => sqlx::query_as(
        "SELECT execution_id, url, status FROM platform_callbacks ORDER BY created_at",
    )
    .fetch_all(p)
    .await?);
    rows.into_iter()
        .map(|(execution_id, url, status)| {
            Ok(PendingCallback {
                execution_id,
                url,
                status: ExecutionStatus::parse(&status)
                    .ok_or_else(|| corrupt("callback status", &status))?,
            })
        })
        .collect()
}

/// The callback of `id` was delivered or given up.
pub async fn callback_settled(pool: &Pool, id: &str) -> Result<(), PlatformError> {
    on_pool!(pool, p => sqlx::query("DELETE FROM platform_callbacks WHERE execution_id = $1")
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Execution `id`, whatever its account.
pub async fn execution_by_id(pool: &Pool, id: &str) -> Result<Option<Execution>, PlatformError> {
    let sql = format!("SELECT {EXECUTION_COLUMNS} FROM platform_executions WHERE id = $1");
    let row: Option<ExecutionRow> =
        on_pool!(pool, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
    row.map(execution_of).transpose()
}

/// A write made while serving a request. The writer (`super::writer`)
/// gathers concurrent ones into one transaction: one commit, one fsync.
#[derive(Debug, Clone)]
pub enum Write {
    /// A new execution with its credentials, creating its account or
    /// updating the existing one. Takes effect unless `Update` finds no
    /// such account.
    Execution {
        account: AccountWrite,
        // Shared with the request that answers with it: no copy.
        new: std::sync::Arc<NewExecution>,
    },
    /// A part's metadata (recorded or replaced), only while its execution
    /// is INITIATED and its token valid at `now`.
    Part {
        execution_id: String,
        record: PartRecord,
        now: i64,
    },
    /// INITIATED → ACQUIRED (finalize), only while the token is valid at
    /// `now`.
    Start {
        id: String,
        started_at: String,
        now: i64,
    },
    /// ACQUIRED → PROCESSED with the retrieval document and the visited
    /// steps (`super::steps`, JSON) in one statement, its reuse record
    /// (issue 29: never a completed execution without one) and the pending
    /// callback, in the same transaction (a crash cannot lose any of them).
    Complete {
        id: String,
        account_id: String,
        details: String,
        /// `None`: not recorded (the steps answer says so).
        steps: Option<String>,
        /// `idflow_core::simulate::EarlierTransaction`, encoded, with the
        /// columns its reads select on (`super::history::Stored`).
        record: super::history::Stored,
        completed_at: String,
        callback_url: Option<String>,
    },
}

impl Write {
    pub(super) fn is_new_account(&self) -> bool {
        matches!(
            self,
            Write::Execution {
                account: AccountWrite::Create,
                ..
            }
        )
    }
}

/// The most writes in one transaction: keeps every multi-row INSERT under
/// SQLite's 32,766 bound parameters (17 per execution).
pub const MAX_WRITES_PER_TRANSACTION: usize = 256;

/// Applies `writes` in order in one transaction; for each, whether it took
/// effect. Runs of new accounts go in as multi-row INSERTs (three
/// statements for the run, whatever its length). Any error rolls the
/// whole transaction back.
pub async fn apply(pool: &Pool, writes: &[&Write]) -> Result<Vec<bool>, PlatformError> {
    let mut applied = Vec::with_capacity(writes.len());
    on_pool!(pool, p => {
        let mut tx = p.begin().await?;
        let mut rest = writes;
        while let Some(first) = rest.first() {
            let run = rest.iter().take_while(|w| w.is_new_account()).count();
            if run > 0 {
                let created: Vec<&NewExecution> = rest[..run]
                    .iter()
                    .filter_map(|w| match w {
                        Write::Execution { new, .. } => Some(&**new),
                        _ => None,
                    })
                    .collect();
                let mut accounts = sqlx::QueryBuilder::new(format!("INSERT INTO {ACCOUNT_COLUMNS} "));
                accounts.push_values(&created, |mut row, new| {
                    let e = &new.execution;
                    row.push_bind(&e.account_id)
                        .push_bind(&e.customer_internal_reference)
                        .push_bind(&e.created_at)
                        .push_bind(&e.created_at);
                });
                accounts.build().execute(&mut *tx).await?;
                insert_executions!(&mut *tx, &created);
                applied.extend(std::iter::repeat_n(true, run));
                rest = &rest[run..];
                continue;
            }
            let took_effect = match first {
                Write::Execution { account: _, new } => {
                    let e = &new.execution;
                    let updated = sqlx::query(UPDATE_ACCOUNT)
                    .bind(&e.customer_internal_reference)
                    .bind(&e.created_at)
                    .bind(&e.account_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if updated > 0 {
                        insert_executions!(&mut *tx, &[&**new]);
                    }
                    updated > 0
                }
                Write::Part { execution_id, record, now } => sqlx::query(UPSERT_PART)
                .bind(execution_id)
                .bind(&record.credential_id)
                .bind(record.classifier.as_str())
                .bind(&record.content_type)
                .bind(i64::try_from(record.size).unwrap_or(i64::MAX))
                .bind(&record.sha256)
                .bind(&record.uploaded_at)
                .bind(*now)
                .execute(&mut *tx)
                .await?
                .rows_affected() > 0,
                Write::Start { id, started_at, now } => sqlx::query(START)
                .bind(started_at)
                .bind(id)
                .bind(*now)
                .execute(&mut *tx)
                .await?
                .rows_affected() > 0,
                Write::Complete { id, account_id, details, steps, record, completed_at, callback_url } => {
                    let changed = sqlx::query(COMPLETE)
                    .bind(details)
                    .bind(completed_at)
                    .bind(steps)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() > 0;
                    if changed {
                        sqlx::query(INSERT_REUSE_RECORD)
                        .bind(account_id)
                        .bind(completed_at)
                        .bind(id)
                        .bind(record.decision)
                        .bind(&record.text)
                        .execute(&mut *tx)
                        .await?;
                        for category in &record.offers {
                            sqlx::query(INSERT_REUSE_OFFER)
                            .bind(account_id)
                            .bind(category.as_str())
                            .bind(completed_at)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        }
                    }
                    if changed && let Some(url) = callback_url {
                        sqlx::query(INSERT_CALLBACK)
                        .bind(id)
                        .bind(url)
                        .bind(completed_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                    changed
                }
            };
            applied.push(took_effect);
            rest = &rest[1..];
        }
        tx.commit().await?;
    });
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credentials column round-trips every field, escapes included,
    /// and a damaged one is refused naming its execution.
    #[test]
    fn credentials_round_trip_through_their_column() {
        let credentials = vec![
            StoredCredential {
                id: "c0".into(),
                node: "existing_facemap".into(),
                category: CredentialCategory::Facemap,
                label: Some("the \"old\" one \u{e9}".into()),
                channels: Vec::new(),
                api_parts: Vec::new(),
                existing: true,
            },
            StoredCredential {
                id: "c1".into(),
                node: "id_capture".into(),
                category: CredentialCategory::Id,
                label: None,
                channels: vec![Channel::Web, Channel::Api],
                api_parts: vec![Part::Front, Part::Back],
                existing: false,
            },
        ];
        let text = encode_credentials(&credentials).expect("encode");
        assert_eq!(
            decode_credentials("ex", &text).expect("decode"),
            credentials
        );
        for damaged in [
            "not json",
            r#"[{"id":"c","node_id":"n","category":"PASSPORT","label":null,"channels":"","api_parts":"","existing":false}]"#,
            r#"[{"id":"c","node_id":"n","category":"ID","label":null,"channels":"FAX","api_parts":"","existing":false}]"#,
        ] {
            match decode_credentials("ex-7", damaged) {
                Err(PlatformError::Corrupt(why)) => assert!(
                    why.contains("ex-7") || why.contains("PASSPORT") || why.contains("FAX"),
                    "{why}"
                ),
                other => panic!("{damaged}: expected Corrupt, got {other:?}"),
            }
        }
    }

    /// Journeys fell from 223/s to 89/s as a database filled to 137,000
    /// executions: the expiry sweep read every INITIATED row, and an
    /// account's earlier details walked every PROCESSED one. Each read
    /// (and the writes' own lookups) must search an index, never scan a
    /// table or sort what it found by expiry.
    #[tokio::test]
    async fn every_read_is_indexed() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let db = crate::db::Db::open(&dir.path().join("plans.sqlite"))
            .await
            .expect("database");
        let Pool::Sqlite(pool) = db.pool() else {
            panic!("a file database is SQLite");
        };
        let reads = [
            format!("SELECT id {EXECUTION_OF_ACCOUNT}"),
            format!("SELECT id {ACQUIRED}"),
            format!("SELECT id {DUE_TO_EXPIRE}"),
            reuse_history_sql(1, false),
            reuse_history_sql(3, true),
            CREDENTIALS.to_owned(),
            EXPIRE_IF_DUE.to_owned(),
            PARTS.to_owned(),
            STEPS_OF.to_owned(),
            HOLDERS_OF_CREDENTIAL.to_owned(),
            RECORDED_PART.to_owned(),
        ];
        for sql in reads {
            let plan: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .fetch_all(pool)
                    .await
                    .expect("a plan");
            let steps: Vec<&str> = plan.iter().map(|(_, _, _, step)| step.as_str()).collect();
            // (An account's history reads one-row subqueries, `found_N`,
            // each scanned once.)
            assert!(
                steps
                    .iter()
                    .all(|step| !step.starts_with("SCAN ") || step.starts_with("SCAN found_")),
                "{sql}\nscans: {steps:?}"
            );
            // Neither the expiry sweep nor an account's history may sort
            // what it found: both read in index order and stop early.
            let sorts = (sql.contains("ORDER BY token_expires_at")
                || sql.contains("completed_at DESC"))
                && steps.iter().any(|step| step.contains("TEMP B-TREE"));
            assert!(!sorts, "{sql}\nsorts: {steps:?}");
            // An account's newest REJECTED record is one seek in the
            // decision index, never a walk through the account's records
            // (without statistics SQLite took the walk when the primary
            // key ordered them by completion: 1,200 account updates/s on
            // an account with 1,700 executions instead of 12,000).
            if sql.contains("decision = 'REJECTED'") {
                assert!(
                    steps.iter().any(|step| step.contains(
                        "platform_reuse_records_by_decision (account_id=? AND decision=?)"
                    )),
                    "{sql}\n{steps:?}"
                );
            }
        }
    }
}
