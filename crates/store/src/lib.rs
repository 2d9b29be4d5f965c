//! idflow store: one `Store` trait with a local-directory implementation
//! (the embedded default, offline editing) and an HTTP client of the team
//! server (`remote`). Plus atomic, well-reported workflow file I/O.

pub mod files;
pub mod local;
pub mod policy;
pub mod recovery;
pub mod remote;
mod store;
pub mod wire;

pub use local::{DuplicatedFrom, LocalStore, os_user, standard_workflows};
pub use policy::{check_comment, check_note};
pub use store::{
    Comment, Draft, MAX_COMMENT_CHARS, MAX_NOTE_CHARS, MAX_STEP_CHARS, Origin, Revision, Status,
    Store, StoreError, VersionInfo, Versioned, WorkflowSummary,
};
