//! Group commit for the platform API's writes. Every account creation,
//! part upload, finalize, completion, expiry and settled callback goes
//! through one writer task,
//! which takes whatever writes are waiting (up to
//! [`MAX_WRITES_PER_TRANSACTION`]), applies them in one
//! transaction and answers each after the commit: an acknowledged write is
//! durable, and 32 concurrent requests share one fsync instead of queueing
//! for the database's write lock one by one.
//!
//! Why: profiled at 32 connections on SQLite, account creation spent its
//! time asleep in SQLite's busy handler (`clock_nanosleep`, 70 % of the
//! wall time in syscalls) as eight pooled connections fought for the one
//! write lock: 870 req/s, p99 358 ms. One writer has no one to fight.
//!
//! A failing write must not take its neighbours down: when a transaction
//! fails, its writes are retried one by one, each in its own transaction,
//! so only the failing one gets the error (`group`).
//!
//! Each write is described once, as statements
//! (`crate::platform::storage::writes`); two executors run them: `sqlite`
//! (rusqlite, on a connection and thread of the writer's own) and `pool`
//! (sqlx: PostgreSQL, or SQLite when that connection could not open).

mod group;
mod pool;
mod sqlite;

use tokio::sync::{mpsc, oneshot};

use self::group::Job;
use super::PlatformError;
use super::storage::writes::Write;
use crate::db::Pool;

pub use self::pool::apply as apply_through_pool;
pub use super::storage::writes::MAX_WRITES_PER_TRANSACTION;

/// How many writes may wait for the writer before callers wait to queue.
const QUEUE: usize = 4096;

/// The handle to the writer task. Cheap to clone; the task ends when the
/// last handle is dropped, after finishing what was queued.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
    /// Writes go through a SQLite connection and thread of the writer's
    /// own (`sqlite`), not the pool.
    own_connection: bool,
}

impl Writer {
    /// Starts the writer: on SQLite a thread with a connection of its own
    /// (`sqlite`), on PostgreSQL a task on the current Tokio runtime using
    /// the pool (`pool`).
    pub fn start(pool: Pool) -> Writer {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let jobs = match &pool {
            Pool::Sqlite(sqlite) => {
                let path = sqlite.connect_options().get_filename().to_owned();
                match start_sqlite(&path, jobs) {
                    Ok(()) => {
                        return Writer {
                            queue,
                            own_connection: true,
                        };
                    }
                    Err((error, jobs)) => {
                        tracing::warn!(%error, path = %path.display(), "the writer's own connection did not open: writing through the pool");
                        jobs
                    }
                }
            }
            Pool::Postgres(_) => jobs,
        };
        tokio::spawn(pool::run(pool, jobs));
        Writer {
            queue,
            own_connection: false,
        }
    }

    /// Whether writes go through the writer's own SQLite connection and
    /// thread (on PostgreSQL, or when it could not open: the pool).
    pub fn has_own_connection(&self) -> bool {
        self.own_connection
    }

    /// Applies `write` in one transaction, answering once it is committed:
    /// whether it took effect (see [`Write`]).
    pub async fn write(&self, write: Write) -> Result<bool, PlatformError> {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Job { write, done })
            .await
            .map_err(|_| PlatformError::WriterStopped)?;
        answer.await.map_err(|_| PlatformError::WriterStopped)?
    }
}

/// The SQLite writer's thread; on failure, why, and the queue back.
fn start_sqlite(
    path: &std::path::Path,
    jobs: mpsc::Receiver<Job>,
) -> Result<(), (String, mpsc::Receiver<Job>)> {
    let opened = match sqlite::open(path) {
        Ok(opened) => opened,
        Err(error) => return Err((error.to_string(), jobs)),
    };
    // The receiver moves into the thread only once it has started.
    let (hand, handed) = std::sync::mpsc::channel::<mpsc::Receiver<Job>>();
    let spawned = std::thread::Builder::new()
        .name("platform-writer".to_owned())
        .spawn(move || {
            if let Ok(jobs) = handed.recv() {
                sqlite::run(opened, jobs);
            }
        });
    match spawned {
        Ok(_) => hand.send(jobs).map_err(|std::sync::mpsc::SendError(jobs)| {
            ("the writer thread ended".to_owned(), jobs)
        }),
        Err(error) => Err((error.to_string(), jobs)),
    }
}
