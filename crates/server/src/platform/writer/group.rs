//! What both writers share about a group of writes: a queued write with
//! the caller waiting for its answer, and how a group's transaction
//! settles each write's answer (a failing group is retried one write at a
//! time, so only the failing one gets the error).

use tokio::sync::oneshot;

use crate::platform::error::PlatformError;
use crate::platform::storage::writes::Write;

/// A queued write and where its answer goes: whether it took effect.
pub struct Job {
    pub write: Write,
    pub done: oneshot::Sender<Result<bool, PlatformError>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write.fmt(f)
    }
}

/// Each write of a group and its answer.
pub type Answers = Vec<(Job, Result<bool, PlatformError>)>;

/// What a group's transaction settles for its writes.
pub enum Settled {
    /// Each write's answer.
    Answered(Answers),
    /// The group failed: apply these one by one, each in its own
    /// transaction, so that only the failing one gets the error.
    Alone(Vec<Job>),
}

/// Settles `batch` (emptied) by `applied`, the result of applying it in
/// one transaction.
pub fn settle(batch: &mut Vec<Job>, applied: Result<Vec<bool>, PlatformError>) -> Settled {
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
pub fn took_effect(applied: &[bool]) -> bool {
    applied.first().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(n: usize) -> Vec<Job> {
        (0..n)
            .map(|i| Job {
                write: Write::CallbackSettled {
                    execution_id: format!("execution-{i}"),
                },
                done: oneshot::channel().0,
            })
            .collect()
    }

    fn id(job: &Job) -> &str {
        match &job.write {
            Write::CallbackSettled { execution_id } => execution_id,
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
