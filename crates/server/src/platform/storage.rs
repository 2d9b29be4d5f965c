//! The platform API's tables, one job per file: `model` (what is stored,
//! as the rest of the server sees it), `reads` (every read), `writes`
//! (every write, each one use case in one transaction, described once as
//! `statement`s that both writers execute), `secret` (the secrets made at
//! start). The same SQL runs on SQLite and PostgreSQL.
//!
//! The names are re-exported here for callers outside the platform (tests,
//! the CLI); the platform's own modules import from the file that holds
//! them.

pub mod model;
pub mod reads;
pub mod secret;
pub mod statement;
pub mod writes;

pub use model::*;
pub use reads::*;
pub use secret::secret;
pub use writes::{MAX_WRITES_PER_TRANSACTION, Write};
