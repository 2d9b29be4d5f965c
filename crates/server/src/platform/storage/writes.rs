//! Every write of the platform API, each one use case and one
//! transaction, described once as statements
//! ([`Write::statements`]) that both writers execute
//! (`crate::platform::writer`). Status changes are conditional statements
//! (`UPDATE ... WHERE status = 'INITIATED'`), so a finalize racing an
//! upload, an expiry or a second finalize cannot both win; what follows a
//! status change (a reuse record, a queued callback) runs only if it
//! changed the row.
//!
//! The SQL is the same on SQLite and PostgreSQL: no statement here needs a
//! backend's own text (both take `ON CONFLICT ... DO NOTHING/UPDATE` and
//! `INSERT ... SELECT ... WHERE`; SQLite needs the WHERE in an upsert's
//! SELECT, which each has).

use std::sync::Arc;

use super::model::{AccountWrite, NewExecution, PartRecord, ReuseRecord};
use super::statement::Statement;

/// The most writes in one transaction: keeps a group's multi-row INSERT
/// under SQLite's 32,766 bound parameters (17 per execution) when the pool
/// writes.
pub const MAX_WRITES_PER_TRANSACTION: usize = 256;

/// A write made while serving a request (or by the expiry sweep, or a
/// callback's delivery). The writer (`crate::platform::writer`) gathers
/// concurrent ones into one transaction: one commit, one fsync.
#[derive(Debug, Clone)]
pub enum Write {
    /// A new execution with its credentials, creating its account or
    /// updating the existing one. Takes effect unless `Update` finds no
    /// such account.
    Execution {
        account: AccountWrite,
        // Shared with the request that answers with it: no copy.
        new: Arc<NewExecution>,
    },
    /// Parts' metadata (each recorded or replaced), only while the
    /// execution is INITIATED and its token valid at `now`: all of them or
    /// none (the web client's face and the facemap that comes with it).
    Parts {
        execution_id: String,
        records: Vec<PartRecord>,
        now: i64,
    },
    /// INITIATED → ACQUIRED (finalize), only while the token is valid at
    /// `now`; with the scenario the web client's tester picked, if any, in
    /// the same statement.
    Start {
        id: String,
        started_at: String,
        now: i64,
        scenario: Option<String>,
    },
    /// ACQUIRED → PROCESSED with the retrieval document and the visited
    /// steps (`crate::platform::steps`, JSON), its reuse record (issue 29:
    /// never a completed execution without one) and the pending callback,
    /// in the same transaction (a crash cannot lose any of them).
    Complete {
        id: String,
        account_id: String,
        details: String,
        /// `None`: not recorded (the steps answer says so).
        steps: Option<String>,
        record: ReuseRecord,
        completed_at: String,
        callback_url: Option<String>,
    },
    /// INITIATED → SESSION_EXPIRED (a part arrived) or TOKEN_EXPIRED once
    /// `now` reaches the token's expiry, and its callback queued (when it
    /// has a callback URL) in the same transaction (issue 31: a crash
    /// between them lost the callback).
    Expire {
        id: String,
        now: i64,
        queued_at: String,
    },
    /// The callback of an execution was delivered or given up: off the
    /// queue.
    CallbackSettled { execution_id: String },
}

/// A new account.
const INSERT_ACCOUNT: &str = "INSERT INTO platform_accounts
    (id, customer_internal_reference, created_at, updated_at) VALUES ($1, $2, $3, $4)";
const UPDATE_ACCOUNT: &str =
    "UPDATE platform_accounts SET customer_internal_reference = $1, updated_at = $2 WHERE id = $3";
/// A new execution, its credentials in its row.
const INSERT_EXECUTION: &str = "INSERT INTO platform_executions
    (id, account_id, definition_key, definition_version, scenario, user_reference,
    customer_internal_reference, callback_url, locale, request, base_url, token_expires_at,
    status, created_at, created_by, credentials, started_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
const UPSERT_PART: &str = "INSERT INTO platform_parts
        (execution_id, credential_id, classifier, content_type, size, sha256, uploaded_at)
    SELECT $1, $2, $3, $4, $5, $6, $7
    WHERE EXISTS (SELECT 1 FROM platform_executions
                  WHERE id = $1 AND status = 'INITIATED' AND token_expires_at > $8)
    ON CONFLICT (execution_id, credential_id, classifier) DO UPDATE SET
        content_type = excluded.content_type, size = excluded.size,
        sha256 = excluded.sha256, uploaded_at = excluded.uploaded_at";
const START: &str = "UPDATE platform_executions
    SET status = 'ACQUIRED', started_at = $1, scenario = COALESCE($2, scenario)
    WHERE id = $3 AND status = 'INITIATED' AND token_expires_at > $4";
const COMPLETE: &str =
    "UPDATE platform_executions SET status = 'PROCESSED', details = $1, completed_at = $2,
    steps = $3 WHERE id = $4 AND status = 'ACQUIRED'";
/// The reuse record of an execution that has just completed, and a row
/// for each category it offers.
const INSERT_REUSE_RECORD: &str = "INSERT INTO platform_reuse_records
    (account_id, completed_at, execution_id, decision, record) VALUES ($1, $2, $3, $4, $5)";
const INSERT_REUSE_OFFER: &str = "INSERT INTO platform_reuse_offers
    (account_id, category, completed_at, execution_id) VALUES ($1, $2, $3, $4)";
const QUEUE_PROCESSED_CALLBACK: &str =
    "INSERT INTO platform_callbacks (execution_id, url, status, created_at)
    VALUES ($1, $2, 'PROCESSED', $3) ON CONFLICT (execution_id) DO NOTHING";
/// Also read by `super::reads::tests::every_read_is_indexed` (its lookup
/// of the execution's parts).
pub(super) const EXPIRE_IF_DUE: &str = "UPDATE platform_executions SET status = CASE
        WHEN EXISTS (SELECT 1 FROM platform_parts WHERE execution_id = $1)
        THEN 'SESSION_EXPIRED' ELSE 'TOKEN_EXPIRED' END
    WHERE id = $1 AND status = 'INITIATED' AND token_expires_at <= $2";
/// The callback of an execution that has just expired, with the status it
/// expired to, read from its row in the same transaction.
const QUEUE_EXPIRY_CALLBACK: &str =
    "INSERT INTO platform_callbacks (execution_id, url, status, created_at)
    SELECT id, callback_url, status, $1 FROM platform_executions
    WHERE id = $2 AND callback_url IS NOT NULL
    ON CONFLICT (execution_id) DO NOTHING";
const SETTLE_CALLBACK: &str = "DELETE FROM platform_callbacks WHERE execution_id = $1";

impl Write {
    /// The statements of this write, in order, borrowing its values. The
    /// write took effect when the first one changed a row
    /// (`super::statement::Progress`).
    pub fn statements(&self) -> Vec<Statement<'_>> {
        match self {
            Write::Execution { account, new } => {
                let e = &new.execution;
                match account {
                    AccountWrite::Create => vec![
                        Statement::row(
                            INSERT_ACCOUNT,
                            vec![
                                (&e.account_id).into(),
                                (&e.customer_internal_reference).into(),
                                (&e.created_at).into(),
                                (&e.created_at).into(),
                            ],
                        ),
                        insert_execution(new),
                    ],
                    AccountWrite::Update => vec![
                        Statement::new(
                            UPDATE_ACCOUNT,
                            vec![
                                (&e.customer_internal_reference).into(),
                                (&e.created_at).into(),
                                (&e.account_id).into(),
                            ],
                        ),
                        insert_execution(new).if_previous_changed(),
                    ],
                }
            }
            Write::Parts {
                execution_id,
                records,
                now,
            } => records
                .iter()
                .enumerate()
                .map(|(i, record)| {
                    let upsert = Statement::new(
                        UPSERT_PART,
                        vec![
                            execution_id.into(),
                            (&record.credential_id).into(),
                            record.classifier.as_str().into(),
                            (&record.content_type).into(),
                            i64::try_from(record.size).unwrap_or(i64::MAX).into(),
                            (&record.sha256).into(),
                            (&record.uploaded_at).into(),
                            (*now).into(),
                        ],
                    );
                    // The first one finds the execution open, or none
                    // runs.
                    if i == 0 {
                        upsert
                    } else {
                        upsert.if_previous_changed()
                    }
                })
                .collect(),
            Write::Start {
                id,
                started_at,
                now,
                scenario,
            } => vec![Statement::new(
                START,
                vec![started_at.into(), scenario.into(), id.into(), (*now).into()],
            )],
            Write::Complete {
                id,
                account_id,
                details,
                steps,
                record,
                completed_at,
                callback_url,
            } => {
                let mut statements = vec![
                    Statement::new(
                        COMPLETE,
                        vec![details.into(), completed_at.into(), steps.into(), id.into()],
                    ),
                    Statement::new(
                        INSERT_REUSE_RECORD,
                        vec![
                            account_id.into(),
                            completed_at.into(),
                            id.into(),
                            record.decision.into(),
                            (&record.text).into(),
                        ],
                    )
                    .if_previous_changed(),
                ];
                statements.extend(record.offers.iter().map(|category| {
                    Statement::new(
                        INSERT_REUSE_OFFER,
                        vec![
                            account_id.into(),
                            category.as_str().into(),
                            completed_at.into(),
                            id.into(),
                        ],
                    )
                    .if_previous_changed()
                }));
                if let Some(url) = callback_url {
                    statements.push(
                        Statement::new(
                            QUEUE_PROCESSED_CALLBACK,
                            vec![id.into(), url.into(), completed_at.into()],
                        )
                        .if_previous_changed(),
                    );
                }
                statements
            }
            Write::Expire { id, now, queued_at } => vec![
                Statement::new(EXPIRE_IF_DUE, vec![id.into(), (*now).into()]),
                Statement::new(QUEUE_EXPIRY_CALLBACK, vec![queued_at.into(), id.into()])
                    .if_previous_changed(),
            ],
            Write::CallbackSettled { execution_id } => {
                vec![Statement::new(SETTLE_CALLBACK, vec![execution_id.into()])]
            }
        }
    }
}

fn insert_execution(new: &NewExecution) -> Statement<'_> {
    let e = &new.execution;
    Statement::row(
        INSERT_EXECUTION,
        vec![
            (&e.id).into(),
            (&e.account_id).into(),
            i64::from(e.definition_key).into(),
            i64::from(e.definition_version).into(),
            (&e.scenario).into(),
            (&e.user_reference).into(),
            (&e.customer_internal_reference).into(),
            (&e.callback_url).into(),
            (&e.locale).into(),
            (&new.request).into(),
            (&e.base_url).into(),
            e.token_expires_at.into(),
            e.status.as_str().into(),
            (&e.created_at).into(),
            (&new.created_by).into(),
            new.encoded_credentials().into(),
            (&e.started_at).into(),
        ],
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::model::{Execution, ExecutionStatus, StoredCredential};
    use super::*;
    use idflow_core::model::{CredentialCategory, Part};

    fn new_execution() -> Arc<NewExecution> {
        let execution = Execution {
            id: "ex".into(),
            account_id: "acc".into(),
            definition_key: 10011,
            definition_version: 1,
            scenario: "ALL_PASS".into(),
            user_reference: None,
            customer_internal_reference: "cir".into(),
            callback_url: Some("https://example.com/hook".into()),
            locale: "en-US".into(),
            base_url: "http://127.0.0.1:1".into(),
            token_expires_at: 1,
            status: ExecutionStatus::Initiated,
            created_at: "2026-12-07T00:00:00.000Z".into(),
            started_at: None,
            completed_at: None,
            details: None,
        };
        let credential = StoredCredential {
            id: "c".into(),
            node: "id_capture".into(),
            category: CredentialCategory::Id,
            label: None,
            channels: Vec::new(),
            api_parts: vec![Part::Front],
            existing: false,
        };
        Arc::new(
            NewExecution::new(execution, "{}".into(), "svc".into(), vec![credential])
                .expect("encode"),
        )
    }

    fn part(classifier: Part) -> PartRecord {
        PartRecord {
            credential_id: "c".into(),
            classifier,
            content_type: "image/jpeg".into(),
            size: 3,
            sha256: "ab".into(),
            uploaded_at: "t".into(),
        }
    }

    /// One of every write, every branch that changes its statements.
    pub(crate) fn one_of_each() -> Vec<Write> {
        vec![
            Write::Execution {
                account: AccountWrite::Create,
                new: new_execution(),
            },
            Write::Execution {
                account: AccountWrite::Update,
                new: new_execution(),
            },
            Write::Parts {
                execution_id: "ex".into(),
                records: vec![part(Part::Face), part(Part::Facemap)],
                now: 1,
            },
            Write::Start {
                id: "ex".into(),
                started_at: "t".into(),
                now: 1,
                scenario: Some("EXPIRED_ID".into()),
            },
            Write::Start {
                id: "ex".into(),
                started_at: "t".into(),
                now: 1,
                scenario: None,
            },
            Write::Complete {
                id: "ex".into(),
                account_id: "acc".into(),
                details: "{}".into(),
                steps: None,
                record: ReuseRecord {
                    decision: "PASSED",
                    offers: vec![CredentialCategory::Id, CredentialCategory::Facemap],
                    text: "{}".into(),
                },
                completed_at: "t".into(),
                callback_url: Some("https://example.com/hook".into()),
            },
            Write::Expire {
                id: "ex".into(),
                now: 1,
                queued_at: "t".into(),
            },
            Write::CallbackSettled {
                execution_id: "ex".into(),
            },
        ]
    }

    /// Issue 31, "each write described once, executed by both backends":
    /// both bind by position, so every statement's placeholders must be
    /// `$1..$n` numbered in the order they first appear, with `n` values.
    #[test]
    fn every_statement_numbers_its_placeholders_in_order_and_binds_each() {
        for write in one_of_each() {
            for statement in write.statements() {
                let mut seen: Vec<usize> = Vec::new();
                let text = statement.sql.as_bytes();
                let mut i = 0;
                while i < text.len() {
                    if text[i] == b'$' {
                        let digits: String = text[i + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_digit())
                            .map(|&c| char::from(c))
                            .collect();
                        let n: usize = digits.parse().expect("a numbered placeholder");
                        if !seen.contains(&n) {
                            assert_eq!(
                                n,
                                seen.len() + 1,
                                "{write:?}: ${n} first appears out of order in\n{}",
                                statement.sql
                            );
                            seen.push(n);
                        }
                        i += digits.len();
                    }
                    i += 1;
                }
                assert_eq!(
                    seen.len(),
                    statement.params.len(),
                    "{write:?}: placeholders and values of\n{}",
                    statement.sql
                );
                if statement.row_insert {
                    assert!(
                        statement
                            .insert_head()
                            .is_some_and(|head| !head.contains('$')),
                        "{}",
                        statement.sql
                    );
                }
            }
        }
    }
}
