//! Every read of the platform API's tables, each one statement (SQLite
//! and PostgreSQL alike, see `crate::db::on_pool`), each held to an index
//! (`tests::every_read_is_indexed`).

use idflow_core::model::{CredentialCategory, Part};

use super::model::{
    CredentialHolder, Execution, ExecutionStatus, PartRecord, PendingCallback, StoredCredential,
    corrupt, decode_credentials,
};
use crate::db::{Pool, on_pool};
use crate::platform::error::PlatformError;

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

/// Execution `id`, whatever its account.
pub async fn execution_by_id(pool: &Pool, id: &str) -> Result<Option<Execution>, PlatformError> {
    let sql = format!("SELECT {EXECUTION_COLUMNS} FROM platform_executions WHERE id = $1");
    let row: Option<ExecutionRow> =
        on_pool!(pool, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
    row.map(execution_of).transpose()
}

#[cfg(test)]
mod tests {
    use super::super::writes::EXPIRE_IF_DUE;
    use super::*;

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
