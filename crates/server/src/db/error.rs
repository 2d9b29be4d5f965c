//! What a store operation fails with, [`DbError`]: the store's refusals
//! (the local store's rules, four eyes), a workflow that cannot be stored
//! or reads back damaged, the database unreachable, or migrated by a newer
//! idflow.

use std::path::PathBuf;

use idflow_store::policy::Refusal;
use idflow_store::{Revision, StoreError};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DbError {
    /// Refused by the store's rules (`idflow_store::policy`), the same as
    /// the local store's.
    #[error(transparent)]
    Policy(#[from] Refusal),
    #[error("comment {id} of workflow {key} was published with v{version}: it is read-only")]
    CommentCarried { key: u32, id: u64, version: u32 },
    /// Four eyes (issue 30, item 1): none of a revision's authors may
    /// approve it.
    #[error(
        "revision {revision} of workflow {key} was written by you (its authors: {}): four eyes: none of a revision's authors may approve it; another publisher must",
        authors.join(", ")
    )]
    SelfApproval {
        key: u32,
        revision: Revision,
        authors: Vec<String>,
    },
    #[error(
        "revision {revision} of workflow {key} needs the approval of a publisher other than {} before it can be published (this store requires four eyes)",
        its_authors(authors)
    )]
    ApprovalRequired {
        key: u32,
        revision: Revision,
        authors: Vec<String>,
    },
    #[error("the workflow cannot be stored: {message}")]
    Unwritable { message: String },
    #[error(
        "workflow {key} version {version}: content hash {actual} does not match the recorded {expected}: a published version was modified outside idflow"
    )]
    Integrity {
        key: u32,
        version: u32,
        expected: String,
        actual: String,
    },
    #[error("workflow {key}: {what} in the database is damaged: {message}")]
    Corrupt {
        key: u32,
        what: String,
        message: String,
    },
    #[error("workflow key space exhausted")]
    KeysExhausted,
    #[error(
        "a token named {name:?} exists: token names are unique per server (revoke it, or pick another name)"
    )]
    TokenNameTaken { name: String },
    #[error("the standard workflows built into this binary could not be read: {0}")]
    Seed(#[source] StoreError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot connect to the PostgreSQL database {database}: {message}")]
    Unreachable { database: String, message: String },
    #[error(
        "the token is revoked in the database, but running servers could not be told (the marker beside the database cannot be written: {source}): restart them"
    )]
    Revocation { source: std::io::Error },
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database was migrated by a newer idflow (issue 29): refused
    /// before anything is written.
    #[error(
        "the database was migrated by a newer idflow (migration {migration}); this build ({}) knows migrations up to {newest}: needs a newer idflow",
        idflow_core::versions::IDFLOW_VERSION
    )]
    NewerDatabase { migration: i64, newest: i64 },
}

/// "its author (alice)", "its authors (alice, bob)", or, for a revision
/// nobody wrote through this store, "its authors".
fn its_authors(authors: &[String]) -> String {
    match authors {
        [] => "its authors".to_owned(),
        [one] => format!("its author ({one})"),
        many => format!("its authors ({})", many.join(", ")),
    }
}
