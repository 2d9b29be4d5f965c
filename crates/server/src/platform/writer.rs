//! Group commit for the platform API's writes. Every account creation,
//! part upload, finalize and completion goes through one writer task,
//! which takes whatever writes are waiting (up to
//! [`storage::MAX_WRITES_PER_TRANSACTION`]), applies them in one
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
//! so only the failing one gets the error.

use tokio::sync::{mpsc, oneshot};

use super::PlatformError;
use super::storage::{self, MAX_WRITES_PER_TRANSACTION, Write};
use crate::db::Pool;

/// How many writes may wait for the writer before callers wait to queue.
const QUEUE: usize = 4096;

pub(super) struct Job {
    pub(super) write: Write,
    pub(super) done: oneshot::Sender<Result<bool, PlatformError>>,
}

/// The handle to the writer task. Cheap to clone; the task ends when the
/// last handle is dropped, after finishing what was queued.
#[derive(Debug, Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
    /// Writes go through a SQLite connection and thread of the writer's
    /// own (`super::sqlite_writer`), not the pool.
    own_connection: bool,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write.fmt(f)
    }
}

impl Writer {
    /// Starts the writer: on SQLite a thread with a connection of its own
    /// (`super::sqlite_writer`), on PostgreSQL a task on the current Tokio
    /// runtime using the pool.
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
        tokio::spawn(run(pool, jobs));
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

    /// Applies `write`, answering once it is committed: whether it took
    /// effect (see [`Write`]).
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
    let opened = match super::sqlite_writer::open(path) {
        Ok(opened) => opened,
        Err(error) => return Err((error.to_string(), jobs)),
    };
    // The receiver moves into the thread only once it has started.
    let (hand, handed) = std::sync::mpsc::channel::<mpsc::Receiver<Job>>();
    let spawned = std::thread::Builder::new()
        .name("platform-writer".to_owned())
        .spawn(move || {
            if let Ok(jobs) = handed.recv() {
                super::sqlite_writer::run(opened, jobs);
            }
        });
    match spawned {
        Ok(_) => hand.send(jobs).map_err(|std::sync::mpsc::SendError(jobs)| {
            ("the writer thread ended".to_owned(), jobs)
        }),
        Err(error) => Err((error.to_string(), jobs)),
    }
}

/// Each write of a group and its answer.
pub(super) type Answers = Vec<(Job, Result<bool, PlatformError>)>;

/// What a group's transaction settles for its writes.
pub(super) enum Settled {
    /// Each write's answer.
    Answered(Answers),
    /// The group failed: apply these one by one, each in its own
    /// transaction, so that only the failing one gets the error.
    Alone(Vec<Job>),
}

/// Settles `batch` (emptied) by `applied`, the result of applying it in
/// one transaction. Shared by both writers.
pub(super) fn settle(batch: &mut Vec<Job>, applied: Result<Vec<bool>, PlatformError>) -> Settled {
    match applied {
        Ok(applied) => {
            Settled::Answered(batch.drain(..).zip(applied.into_iter().map(Ok)).collect())
        }
        Err(error) if batch.len() == 1 => Settled::Answered(
            batch
                .pop()
                .map(|job| vec![(job, Err(error))])
                .unwrap_or_default(),
        ),
        Err(error) => {
            tracing::warn!(%error, writes = batch.len(), "a grouped write failed; applying them one by one");
            Settled::Alone(std::mem::take(batch))
        }
    }
}

/// Whether the one write applied alone took effect.
pub(super) fn took_effect(applied: &[bool]) -> bool {
    applied.first().copied().unwrap_or(false)
}

async fn run(pool: Pool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_WRITES_PER_TRANSACTION);
    while jobs.recv_many(&mut batch, MAX_WRITES_PER_TRANSACTION).await > 0 {
        let writes: Vec<&Write> = batch.iter().map(|job| &job.write).collect();
        let began = std::time::Instant::now();
        let applied = storage::apply(&pool, &writes).await;
        tracing::debug!(
            writes = writes.len(),
            micros = began.elapsed().as_micros(),
            "group commit"
        );
        let answers = match settle(&mut batch, applied) {
            Settled::Answered(answers) => answers,
            Settled::Alone(jobs) => {
                let mut answers = Vec::with_capacity(jobs.len());
                for job in jobs {
                    let alone = storage::apply(&pool, &[&job.write])
                        .await
                        .map(|applied| took_effect(&applied));
                    answers.push((job, alone));
                }
                answers
            }
        };
        for (job, answer) in answers {
            // The caller may have gone (its connection closed): the write
            // stands all the same.
            let _ = job.done.send(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(n: usize) -> Vec<Job> {
        (0..n)
            .map(|i| Job {
                write: Write::Start {
                    id: format!("execution-{i}"),
                    started_at: String::new(),
                    now: 0,
                },
                done: oneshot::channel().0,
            })
            .collect()
    }

    fn id(job: &Job) -> &str {
        match &job.write {
            Write::Start { id, .. } => id,
            _ => "",
        }
    }

    #[test]
    fn a_committed_group_answers_each_write_in_order() {
        let mut batch = jobs(3);
        let Settled::Answered(answers) = settle(&mut batch, Ok(vec![true, false, true])) else {
            panic!("a committed group is answered");
        };
        assert!(batch.is_empty());
        let got: Vec<(&str, bool)> = answers
            .iter()
            .map(|(job, answer)| (id(job), matches!(answer, Ok(true))))
            .collect();
        assert_eq!(
            got,
            [
                ("execution-0", true),
                ("execution-1", false),
                ("execution-2", true)
            ]
        );
    }

    #[test]
    fn a_lone_failing_write_gets_the_error() {
        let mut batch = jobs(1);
        let Settled::Answered(answers) = settle(&mut batch, Err(PlatformError::WriterStopped))
        else {
            panic!("a lone write is answered");
        };
        assert_eq!(answers.len(), 1);
        assert!(matches!(answers[0].1, Err(PlatformError::WriterStopped)));
    }

    #[test]
    fn a_failed_group_is_retried_one_by_one_in_order() {
        let mut batch = jobs(3);
        let Settled::Alone(alone) = settle(&mut batch, Err(PlatformError::WriterStopped)) else {
            panic!("a failed group is retried");
        };
        assert!(batch.is_empty());
        let ids: Vec<&str> = alone.iter().map(id).collect();
        assert_eq!(ids, ["execution-0", "execution-1", "execution-2"]);
    }
}
