//! The writer over the sqlx pool: PostgreSQL, and SQLite when the writer's
//! own connection (`super::sqlite`) could not open. A task on the Tokio
//! runtime takes the writes waiting, executes their statements
//! (`crate::platform::storage::writes`) in one transaction and answers
//! each after the commit.

use tokio::sync::mpsc;

use super::group::{Job, Settled, settle, took_effect};
use crate::db::{Pool, on_pool};
use crate::platform::error::PlatformError;
use crate::platform::storage::statement::{Param, Progress, Statement, When};
use crate::platform::storage::writes::{MAX_WRITES_PER_TRANSACTION, Write};

/// Applies queued writes in groups until every sender is gone.
pub async fn run(pool: Pool, mut jobs: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_WRITES_PER_TRANSACTION);
    while jobs.recv_many(&mut batch, MAX_WRITES_PER_TRANSACTION).await > 0 {
        let writes: Vec<&Write> = batch.iter().map(|job| &job.write).collect();
        let began = std::time::Instant::now();
        let applied = apply(&pool, &writes).await;
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
                    let alone = apply(&pool, &[&job.write])
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

/// Binds `$param` to `$query` with its method `$bind` (`bind` on a query,
/// `push_bind` on a row of a multi-row INSERT), on either backend.
macro_rules! bind {
    ($query:expr, $bind:ident, $param:expr) => {
        match *$param {
            Param::Text(text) => $query.$bind(text),
            Param::OptionalText(text) => $query.$bind(text),
            Param::Integer(number) => $query.$bind(number),
        }
    };
}

/// Applies `writes` in order in one transaction; for each, whether it took
/// effect. Consecutive writes that are alike runs of plain row inserts
/// (new accounts) go in as one multi-row INSERT per statement: two round
/// trips for a group's new accounts, whatever their number. Any error
/// rolls the whole transaction back.
pub async fn apply(pool: &Pool, writes: &[&Write]) -> Result<Vec<bool>, PlatformError> {
    let described: Vec<Vec<Statement<'_>>> = writes.iter().map(|w| w.statements()).collect();
    let mut applied = Vec::with_capacity(writes.len());
    on_pool!(pool, p => {
        let mut tx = p.begin().await?;
        let mut rest: &[Vec<Statement<'_>>] = &described;
        while let Some(first) = rest.first() {
            let run = row_inserts_alike(rest);
            if run > 1 {
                for (i, statement) in first.iter().enumerate() {
                    let head = statement.insert_head().unwrap_or(statement.sql);
                    let mut insert = sqlx::QueryBuilder::new(head);
                    insert.push_values(&rest[..run], |mut row, write| {
                        for param in &write[i].params {
                            bind!(row, push_bind, param);
                        }
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                applied.extend(std::iter::repeat_n(true, run));
                rest = &rest[run..];
                continue;
            }
            let mut progress = Progress::default();
            for statement in first {
                let rows = if progress.runs(statement) {
                    let mut query = sqlx::query(statement.sql);
                    for param in &statement.params {
                        query = bind!(query, bind, param);
                    }
                    query.execute(&mut *tx).await?.rows_affected()
                } else {
                    0
                };
                progress.record(rows);
            }
            applied.push(progress.took_effect());
            rest = &rest[1..];
        }
        tx.commit().await?;
    });
    Ok(applied)
}

/// How many writes from the start of `rest` are made of the same
/// unconditional row inserts (see `Statement::row_insert`): what may go
/// in as multi-row INSERTs.
fn row_inserts_alike(rest: &[Vec<Statement<'_>>]) -> usize {
    let plain = |write: &[Statement<'_>]| {
        !write.is_empty() && write.iter().all(|s| s.row_insert && s.when == When::Always)
    };
    let Some(first) = rest.first().filter(|first| plain(first)) else {
        return 0;
    };
    rest.iter()
        .take_while(|write| {
            plain(write)
                && write.len() == first.len()
                && write.iter().zip(first).all(|(a, b)| a.sql == b.sql)
        })
        .count()
}
