//! Schema access: the team store in one SQLite file (WAL mode) or one
//! PostgreSQL database (many servers may share it), with the same semantics as the local store (`idflow_store::Store`): revisions on
//! every draft write, lint before publish, immutable versions with a
//! recorded SHA-256, Global workflows seeded on first start, custom keys
//! from 200000 never reused.
//!
//! Every check-and-write is one statement or one write transaction, so two
//! racing writers can't both win (on PostgreSQL too: a conditional `UPDATE`
//! waits for the row lock and re-checks its condition).
//!
//! Both backends run the same SQL text (`$N` parameters, which SQLite reads
//! as numbered parameters); [`on_pool!`] writes a body once and compiles it
//! for each backend's pool.
//!
//! One job per file, each job's `Db` methods with it: `handle` (the `Db`
//! handle, the pool of either backend), `open` (a SQLite file or a
//! PostgreSQL database), `migrate` (the schema's history), `seed` (the
//! standard workflows), `workflows` (drafts, versions, publishing),
//! `review` (comments, approvals, the audit trail), `tokens` and
//! `token_owners` (the tokens, the owners a server keeps), `rows` (rows as
//! stored and read back), `error`, `hash`, `private_file`. This file only
//! declares them and re-exports the API: they import from each other
//! (`super::handle::Db`), never from here, so no import circle runs
//! through it (`tests/architecture.rs`).

pub mod private_file;

mod error;
mod handle;
mod hash;
mod migrate;
mod open;
mod review;
mod rows;
mod seed;
mod token_owners;
mod tokens;
mod workflows;

pub use error::DbError;
pub(crate) use handle::on_pool;
pub use handle::{Db, LATEST_FRESH_FOR, Pool};
pub(crate) use hash::{hex, sha256_hex};
pub use open::StartupTurn;
pub use review::{AUDIT_PAGE, Audit, AuditPage, AuditQuery};
pub use token_owners::TokenOwner;
pub use tokens::{TOKEN_ADMIN, TokenInfo};
pub use workflows::{StoredDraft, StoredVersion};
