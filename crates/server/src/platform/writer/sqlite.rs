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

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::mpsc;

use super::group::{Answers, Job, Settled, settle, took_effect};
use crate::platform::error::PlatformError;
use crate::platform::storage::statement::{Param, Progress};
use crate::platform::storage::writes::{MAX_WRITES_PER_TRANSACTION, Write};

/// Statements kept prepared (by their text): every write's statements
/// (12 today) with room to grow, so none is prepared twice.
const PREPARED_STATEMENTS: usize = 32;

/// The writer's connection to the database file at `path` (already
/// created and migrated by the pool, whose connections keep its WAL file in
/// place), and the WAL file to sync when it could be opened.
pub struct Opened {
    connection: Connection,
    wal: Option<File>,
}

pub fn open(path: &Path) -> rusqlite::Result<Opened> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(10))?;
    connection.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
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
pub fn run(opened: Opened, mut jobs: mpsc::Receiver<Job>) {
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
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_WRITES_PER_TRANSACTION);
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        gather(&mut jobs, &mut batch);
        let writes: Vec<&Write> = batch.iter().map(|job| &job.write).collect();
        let began = std::time::Instant::now();
        let applied = apply(&mut connection, &writes);
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
                    let alone = apply(&mut connection, &[&job.write])
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

/// Binds a statement's value as SQLite takes it, text borrowed.
impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Text(text) | Param::OptionalText(Some(text)) => {
                ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes()))
            }
            Param::OptionalText(None) => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Integer(number) => ToSqlOutput::Owned(Value::Integer(number)),
        })
    }
}

/// Applies `writes` in order in one transaction (BEGIN IMMEDIATE: the
/// write lock from the start), each write's statements
/// (`crate::platform::storage::writes`) prepared once per connection and
/// kept by their text; for each write, whether it took effect. Any error
/// rolls the whole transaction back.
fn apply(connection: &mut Connection, writes: &[&Write]) -> rusqlite::Result<Vec<bool>> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut applied = Vec::with_capacity(writes.len());
    for write in writes {
        let mut progress = Progress::default();
        for statement in write.statements() {
            let rows = if progress.runs(&statement) {
                tx.prepare_cached(statement.sql)?
                    .execute(rusqlite::params_from_iter(&statement.params))?
            } else {
                0
            };
            progress.record(u64::try_from(rows).unwrap_or(u64::MAX));
        }
        applied.push(progress.took_effect());
    }
    tx.commit()?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::oneshot;

    fn job(n: usize) -> Job {
        let (done, _) = oneshot::channel();
        Job {
            write: Write::CallbackSettled {
                execution_id: format!("execution-{n}"),
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
        assert!(matches!(
            &batch[0].write,
            Write::CallbackSettled { execution_id } if execution_id == "execution-0"
        ));
        batch.clear();
        gather(&mut jobs, &mut batch);
        assert_eq!(batch.len(), 10);
    }

    /// Every write's statements stay prepared (the measured throughput
    /// counts on it): together they fit the connection's statement cache,
    /// so none is evicted and prepared again.
    #[test]
    fn every_statement_fits_the_prepared_statement_cache() {
        let mut texts: Vec<&str> = Vec::new();
        let writes = crate::platform::storage::writes::tests::one_of_each();
        for write in &writes {
            for statement in write.statements() {
                if !texts.contains(&statement.sql) {
                    texts.push(statement.sql);
                }
            }
        }
        assert!(texts.len() >= 12, "one of every write: {}", texts.len());
        assert!(texts.len() <= PREPARED_STATEMENTS, "{}", texts.len());
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
