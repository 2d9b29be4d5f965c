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

mod error;
mod handle;
mod hash;
mod migrate;
mod open;
pub mod private_file;
mod review;
mod rows;
mod seed;
pub use review::{AUDIT_PAGE, Audit, AuditPage, AuditQuery};
mod token_owners;
mod tokens;
mod workflows;
pub use error::DbError;
pub(crate) use handle::on_pool;
pub use handle::{Db, LATEST_FRESH_FOR, Pool};
pub(crate) use hash::{hex, sha256_hex};
pub use open::StartupTurn;
use rows::{authors_of, now_rfc3339, origin_of, revision_of, revision_to_i64};
pub use token_owners::TokenOwner;
pub use tokens::{TOKEN_ADMIN, TokenInfo};
pub use workflows::{StoredDraft, StoredVersion};
