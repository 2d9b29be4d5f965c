//! The writer's SQLite side: a connection of its own (rusqlite, over the
//! same SQLite library sqlx links) on a thread of its own, so a group
//! commit is one thread hand-off instead of one per statement; and the
//! WAL's fsync on another thread, overlapping the next group's work.
//!
//! Why, measured on account creation at 32 connections (release, SQLite):
//! - With the writer's database work switched off the server answered
//!   62,500 creations a second; through sqlx, 11,000: each group commit
//!   went through sqlx's connection thread seven times (acquire, BEGIN,
//!   three INSERTs, COMMIT, the ping on release), and on two busy cores
//!   every hand-off waits to be scheduled. One connection here: ~16,000.
//! - Then the fsync inside COMMIT was the bound (~0.5 ms under load, while
//!   SQLite held the write lock): without it, 24,000. So the connection
//!   commits with `synchronous = NORMAL` (WAL mode: atomic and consistent,
//!   the commit not yet synced) and a second thread fsyncs the WAL file
//!   and only then answers the group's callers: every acknowledged write
//!   is on disk, and one fsync covers every group committed meanwhile
//!   while the next group is already being written. Checkpoints still sync
//!   the WAL and the database themselves.
//!
//! If the WAL file cannot be opened for syncing, the connection commits
//! with `synchronous = FULL` instead and answers after its own commit.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::mpsc;

use super::PlatformError;
use super::storage::{
    ACCOUNT_COLUMNS, COMPLETE, EXECUTION_COLUMNS_WRITTEN, INSERT_CALLBACK, INSERT_REUSE_OFFER,
    INSERT_REUSE_RECORD, MAX_WRITES_PER_TRANSACTION, NewExecution, START, UPDATE_ACCOUNT,
    UPSERT_PART, Write,
};
use super::writer::{Answers, Job, Settled, settle, took_effect};

/// The writer's connection to the database file at `path` (already
/// created and migrated by the pool, whose connections keep its WAL file in
/// place), and the WAL file to sync when it could be opened.
pub(super) struct Opened {
    connection: Connection,
    wal: Option<File>,
}

pub(super) fn open(path: &Path) -> rusqlite::Result<Opened> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.pragma_update(None, "cache_size", -8192)?;
    // A read opens the WAL (SQLite never removes it while a connection,
    // this one included, is open).
    connection.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    let wal = match File::open(PathBuf::from(name)) {
        Ok(wal) => Some(wal),
        Err(error) => {
            tracing::warn!(%error, "the WAL file cannot be opened for syncing: every commit syncs itself");
            None
        }
    };
    let synchronous = if wal.is_some() { "NORMAL" } else { "FULL" };
    connection.pragma_update(None, "synchronous", synchronous)?;
    Ok(Opened { connection, wal })
}

/// Syncs the WAL for every group committed since the last sync, then
/// answers their callers; a failed sync fails them (their writes may not
/// be on disk).
fn sync_and_answer(wal: File, committed: std::sync::mpsc::Receiver<Answers>) {
    while let Ok(first) = committed.recv() {
        let mut groups = vec![first];
        groups.extend(committed.try_iter());
        let synced = wal.sync_data();
        if let Err(error) = &synced {
            tracing::error!(%error, "the WAL could not be synced: the writes of these groups are refused");
        }
        for (job, result) in groups.into_iter().flatten() {
            let answer = match (&synced, result) {
                (Ok(()), result) => result,
                (Err(error), Ok(_)) => Err(PlatformError::Sync(error.to_string())),
                (Err(_), Err(error)) => Err(error),
            };
            // The caller may have gone (its connection closed): the
            // write stands all the same.
            let _ = job.done.send(answer);
        }
    }
}

/// Applies queued writes in groups until every sender is gone.
pub(super) fn run(opened: Opened, mut jobs: mpsc::Receiver<Job>) {
    let Opened {
        mut connection,
        wal,
    } = opened;
    let syncer = wal.and_then(|wal| {
        let (committed, to_sync) = std::sync::mpsc::channel::<Answers>();
        std::thread::Builder::new()
            .name("platform-wal-sync".to_owned())
            .spawn(move || sync_and_answer(wal, to_sync))
            .map(|_| committed)
            .map_err(
                |error| tracing::warn!(%error, "no WAL sync thread: every commit syncs itself"),
            )
            .ok()
    });
    if syncer.is_none()
        && let Err(error) = connection.pragma_update(None, "synchronous", "FULL")
    {
        tracing::error!(%error, "cannot make commits sync themselves: the writer stops");
        return;
    }
    let statements = Statements::new();
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_WRITES_PER_TRANSACTION);
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        gather(&mut jobs, &mut batch);
        let writes: Vec<&Write> = batch.iter().map(|job| &job.write).collect();
        let began = std::time::Instant::now();
        let applied = apply(&mut connection, &statements, &writes);
        tracing::debug!(
            writes = writes.len(),
            micros = began.elapsed().as_micros(),
            "group commit"
        );
        let applied = applied.map_err(PlatformError::Sqlite);
        let answers: Answers = match settle(&mut batch, applied) {
            Settled::Answered(answers) => answers,
            Settled::Alone(jobs) => {
                let mut answers = Vec::with_capacity(jobs.len());
                for job in jobs {
                    let alone = apply(&mut connection, &statements, &[&job.write])
                        .map(|applied| took_effect(&applied))
                        .map_err(PlatformError::Sqlite);
                    answers.push((job, alone));
                }
                answers
            }
        };
        match &syncer {
            Some(committed) => {
                if let Err(std::sync::mpsc::SendError(answers)) = committed.send(answers) {
                    // The sync thread is gone: nothing can be confirmed.
                    for (job, _) in answers {
                        let _ = job.done.send(Err(PlatformError::WriterStopped));
                    }
                    return;
                }
            }
            None => {
                for (job, answer) in answers {
                    let _ = job.done.send(answer);
                }
            }
        }
    }
}

/// At most this many times the writer gives its core away to let writes
/// queue before it commits (see [`gather`]).
const GATHER_YIELDS: usize = 3;

/// Takes every write waiting, then yields the core to the threads that
/// answer requests for as long as each yield brought more (at most
/// [`GATHER_YIELDS`] times): a bigger group shares one commit.
///
/// Why: a commit costs about 45 us on top of some 30 us of rows per
/// account (76 us per account committed alone, 35 in groups of six, 28 in
/// groups of 32; `platform-wrk.sh`'s account body on the schema before
/// migration 10, which also wrote a row per credential; one thread,
/// nothing else running). On two busy cores the writer woke for
/// each write as it came and committed groups of three (median);
/// yielding while writes keep arriving raised account creation by about
/// 10 % (four alternating 10 s runs of each: 17,200 -> 19,000 req/s
/// mean). An idle server has no one to yield to: `yield_now` returns at
/// once and a lone write is not delayed.
fn gather(jobs: &mut mpsc::Receiver<Job>, batch: &mut Vec<Job>) {
    let take_waiting = |jobs: &mut mpsc::Receiver<Job>, batch: &mut Vec<Job>| {
        while batch.len() < MAX_WRITES_PER_TRANSACTION {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
    };
    take_waiting(jobs, batch);
    for _ in 0..GATHER_YIELDS {
        let before = batch.len();
        if before >= MAX_WRITES_PER_TRANSACTION {
            break;
        }
        std::thread::yield_now();
        take_waiting(jobs, batch);
        if batch.len() == before {
            break;
        }
    }
}

/// The single-row statements, prepared once per connection (rusqlite's
/// statement cache keeps them by text).
struct Statements {
    account: String,
    execution: String,
}

impl Statements {
    fn new() -> Statements {
        let values = |n: usize| {
            (1..=n)
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Statements {
            account: format!("INSERT INTO {ACCOUNT_COLUMNS} VALUES ({})", values(4)),
            execution: format!(
                "INSERT INTO {EXECUTION_COLUMNS_WRITTEN} VALUES ({})",
                values(17)
            ),
        }
    }
}

/// Applies `writes` in order in one transaction (BEGIN IMMEDIATE: the
/// write lock from the start); for each, whether it took effect. Any error
/// rolls the whole transaction back.
fn apply(
    connection: &mut Connection,
    statements: &Statements,
    writes: &[&Write],
) -> rusqlite::Result<Vec<bool>> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut applied = Vec::with_capacity(writes.len());
    for write in writes {
        let took_effect = match write {
            Write::Execution { new, .. } if write.is_new_account() => {
                let e = &new.execution;
                tx.prepare_cached(&statements.account)?.execute(params![
                    e.account_id,
                    e.customer_internal_reference,
                    e.created_at,
                    e.created_at
                ])?;
                insert_execution(&tx, statements, new)?;
                true
            }
            Write::Execution { new, .. } => {
                let e = &new.execution;
                let updated = tx.prepare_cached(UPDATE_ACCOUNT)?.execute(params![
                    e.customer_internal_reference,
                    e.created_at,
                    e.account_id
                ])?;
                if updated > 0 {
                    insert_execution(&tx, statements, new)?;
                }
                updated > 0
            }
            Write::Part {
                execution_id,
                record,
                now,
            } => {
                tx.prepare_cached(UPSERT_PART)?.execute(params![
                    execution_id,
                    record.credential_id,
                    record.classifier.as_str(),
                    record.content_type,
                    i64::try_from(record.size).unwrap_or(i64::MAX),
                    record.sha256,
                    record.uploaded_at,
                    now
                ])? > 0
            }
            Write::Start {
                id,
                started_at,
                now,
            } => {
                tx.prepare_cached(START)?
                    .execute(params![started_at, id, now])?
                    > 0
            }
            Write::Complete {
                id,
                account_id,
                details,
                steps,
                record,
                completed_at,
                callback_url,
            } => {
                let changed = tx.prepare_cached(COMPLETE)?.execute(params![
                    details,
                    completed_at,
                    steps,
                    id
                ])? > 0;
                if changed {
                    tx.prepare_cached(INSERT_REUSE_RECORD)?.execute(params![
                        account_id,
                        completed_at,
                        id,
                        record.decision,
                        record.text
                    ])?;
                    for category in &record.offers {
                        tx.prepare_cached(INSERT_REUSE_OFFER)?.execute(params![
                            account_id,
                            category.as_str(),
                            completed_at,
                            id
                        ])?;
                    }
                }
                if changed && let Some(url) = callback_url {
                    tx.prepare_cached(INSERT_CALLBACK)?
                        .execute(params![id, url, completed_at])?;
                }
                changed
            }
        };
        applied.push(took_effect);
    }
    tx.commit()?;
    Ok(applied)
}

fn insert_execution(
    tx: &rusqlite::Transaction<'_>,
    statements: &Statements,
    new: &NewExecution,
) -> rusqlite::Result<()> {
    let e = &new.execution;
    tx.prepare_cached(&statements.execution)?.execute(params![
        e.id,
        e.account_id,
        i64::from(e.definition_key),
        i64::from(e.definition_version),
        e.scenario,
        e.user_reference,
        e.customer_internal_reference,
        e.callback_url,
        e.locale,
        new.request,
        e.base_url,
        e.token_expires_at,
        e.status.as_str(),
        e.created_at,
        new.created_by,
        new.encoded_credentials(),
        e.started_at
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;

    fn job(n: usize) -> Job {
        let (done, _) = oneshot::channel();
        Job {
            write: Write::Start {
                id: format!("execution-{n}"),
                started_at: String::new(),
                now: 0,
            },
            done,
        }
    }

    #[test]
    fn a_group_takes_every_waiting_write_up_to_the_transaction_limit() {
        let (queue, mut jobs) = mpsc::channel(1024);
        for n in 0..MAX_WRITES_PER_TRANSACTION + 10 {
            queue.try_send(job(n)).unwrap();
        }
        let mut batch = Vec::new();
        gather(&mut jobs, &mut batch);
        assert_eq!(batch.len(), MAX_WRITES_PER_TRANSACTION);
        // In the order they came; the rest wait for the next group.
        assert!(matches!(&batch[0].write, Write::Start { id, .. } if id == "execution-0"));
        batch.clear();
        gather(&mut jobs, &mut batch);
        assert_eq!(batch.len(), 10);
    }

    #[test]
    fn a_lone_write_is_committed_alone() {
        let (queue, mut jobs) = mpsc::channel(16);
        queue.try_send(job(0)).unwrap();
        let mut batch = Vec::new();
        gather(&mut jobs, &mut batch);
        assert_eq!(batch.len(), 1);
    }
}
