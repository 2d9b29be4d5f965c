use crate::policy::Refusal;
use std::path::PathBuf;

use idflow_core::Workflow;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A draft's revision: bumped by every write. Every write names the revision
/// it was based on; a write based on an older one is refused.
pub type Revision = u64;

/// GLOBAL: a standard workflow (read-only: duplicate it to customise it);
/// CUSTOM: the team's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Origin {
    Global,
    Custom,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Global => "GLOBAL",
            Origin::Custom => "CUSTOM",
        }
    }
}

/// Published: the draft equals the latest published version. Draft:
/// never published, or edited since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = WorkflowStatus))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Draft,
    Published,
    /// Its metadata, its draft or a recorded version is missing, does not
    /// parse or fails its hash: reading that file reports where; the rest
    /// of the store is unaffected.
    Damaged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "DRAFT",
            Status::Published => "PUBLISHED",
            Status::Damaged => "DAMAGED",
        }
    }
}

/// One row of the workflow list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkflowSummary {
    pub key: u32,
    pub name: String,
    pub origin: Origin,
    pub status: Status,
    /// The newest published version's number; null if never published.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub latest_version: Option<u32>,
    /// The draft's revision.
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub revision: Revision,
    /// Archived: hidden from lists unless asked for, its draft and versions
    /// kept (issue 14). Absent (false) from servers older than archiving.
    #[serde(default)]
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub workflow: Workflow,
    pub revision: Revision,
}

/// One published, immutable version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VersionInfo {
    /// 1, 2, 3, ... in publishing order.
    pub number: u32,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// SHA-256 of the version file's bytes, lowercase hex; checked on every read.
    pub sha256: String,
    /// The draft revision that was frozen.
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub revision: Revision,
    /// What changed and why, as the publisher wrote it ("" when none was
    /// given, as in versions published before notes were kept).
    #[serde(default)]
    pub note: String,
    /// Who published it: the local user's display name, or on a team
    /// server the token's name ("" in versions from before authors were
    /// kept).
    #[serde(default)]
    pub author: String,
    /// Who approved the revision before it was published (team servers
    /// that require four eyes; comma-separated token names, "" if none).
    #[serde(default)]
    pub approved_by: String,
    /// Who wrote the content it froze: on a team server, every token that
    /// saved content into its revision since the version before it
    /// (issue 30: none of them may approve it). Versions published before
    /// authors were kept list their publisher; absent (none) on the local
    /// store, whose meta.ron is written as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub authors: Vec<String>,
}

/// A review comment on a draft: on one step, or on the whole workflow.
/// Kept beside the draft, never in the workflow file, so it never makes a
/// save conflict; published with the version, read-only from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// 1, 2, 3... per workflow, never reused.
    pub id: u64,
    /// The step it is pinned to (its id); none: the whole workflow.
    #[serde(default)]
    pub step: Option<String>,
    pub text: String,
    pub author: String,
    /// RFC 3339, UTC.
    pub at: String,
    #[serde(default)]
    pub resolved: bool,
    /// The version that carried it when it was published (read-only from
    /// then on); none while it is on the draft only.
    #[serde(default)]
    pub version: Option<u32>,
}

/// The longest comment accepted, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// The longest publish note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// The longest step id a comment may name, in characters (issue 30, item
/// 8).
pub const MAX_STEP_CHARS: usize = 200;

#[derive(Debug, Error)]
pub enum StoreError {
    /// Refused by the store's rules (`policy`), the same in every store.
    #[error(transparent)]
    Policy(#[from] Refusal),
    /// The server refused for a reason of its own rules (four eyes).
    #[error("{message}")]
    Refused { message: String },
    #[error("{}{}: {message}; the file was left untouched", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Corrupt {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    /// A file of the store written by a newer idflow (issue 29): refused,
    /// and never written over.
    #[error("{}: {source}; the file was left untouched", path.display())]
    Newer {
        path: PathBuf,
        source: idflow_core::versions::NewerFormat,
    },
    /// The team server runs a newer idflow and answered in a format this
    /// build cannot read (issue 29).
    #[error(
        "the server at {url} runs idflow {server_version}; needs idflow ≥ {server_version} to read its answer (this is idflow {})",
        idflow_core::versions::IDFLOW_VERSION
    )]
    NewerServer { url: String, server_version: String },
    #[error("{}: content hash {actual} does not match the recorded {expected}: a published version was modified outside idflow", path.display())]
    Integrity {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("workflow key space exhausted")]
    KeysExhausted,
    #[error("workflow {key} has run out of revision numbers")]
    RevisionsExhausted { key: u32 },
    /// The team server could not be reached (refused, unknown host, no
    /// answer in time). Nothing was written there.
    #[error("cannot reach the server at {url}: {message}; your work is kept locally")]
    Unreachable { url: String, message: String },
    /// The server did not accept the token (401).
    #[error(
        "the server at {url} refused the token: it is not one of its tokens; check it, or ask the server's administrator for one (idflow token create)"
    )]
    Unauthorized { url: String },
    /// The token's role does not allow the operation (403), e.g. publishing
    /// with a designer token.
    #[error("the server refused: {message}")]
    Forbidden { message: String },
    /// Any other failure the server reported, or an answer that could not
    /// be understood.
    #[error("the server at {url} answered {status}: {message}")]
    Server {
        url: String,
        status: u16,
        message: String,
    },
    /// A server URL that cannot be used (not http/https, malformed).
    #[error("{url:?} is not a server URL: {message}; give one like http://127.0.0.1:8080")]
    InvalidUrl { url: String, message: String },
    /// A token that cannot be sent in an HTTP header.
    #[error("the token cannot be used: {message}")]
    InvalidToken { message: String },
}

/// Where workflows live. The local directory store and the server client
/// implement it, so the CLI and the designer work with either.
pub trait Store {
    /// Every workflow, ordered by key.
    fn list(&self) -> Result<Vec<WorkflowSummary>, StoreError>;
    /// The current draft and its revision.
    fn draft(&self, key: u32) -> Result<Draft, StoreError>;
    /// A published version (verified against its recorded hash).
    fn version(&self, key: u32, number: u32) -> Result<Versioned, StoreError>;
    /// Published versions, oldest first.
    fn history(&self, key: u32) -> Result<Vec<VersionInfo>, StoreError>;
    /// Adds a custom workflow under a fresh key (never reused); returns the key.
    fn create(&self, workflow: Workflow) -> Result<u32, StoreError>;
    /// Replaces the draft if `base` is still the current revision.
    fn save_draft(
        &self,
        key: u32,
        workflow: &Workflow,
        base: Revision,
    ) -> Result<Revision, StoreError>;
    /// Lints the draft and, without errors, freezes it into the next version.
    /// `base`, when given, must be the current revision.
    fn publish(&self, key: u32, base: Option<Revision>) -> Result<VersionInfo, StoreError> {
        self.publish_with_note(key, base, "")
    }
    /// As `publish`, recording `note` (what changed and why; at most
    /// MAX_NOTE_CHARS) and the publisher with the version.
    fn publish_with_note(
        &self,
        key: u32,
        base: Option<Revision>,
        note: &str,
    ) -> Result<VersionInfo, StoreError>;
    /// Copies a version (or the draft) into a new custom workflow.
    fn duplicate(&self, key: u32, version: Option<u32>) -> Result<u32, StoreError>;
    /// The workflow (and version) `key` was duplicated from: `None` for one
    /// made otherwise (a Global, one created or imported). Backtest reads it
    /// to know which standard workflow's records a custom copy stands for.
    fn duplicated_from(&self, key: u32) -> Result<Option<crate::DuplicatedFrom>, StoreError>;
    /// Makes a published version the draft again.
    fn restore(&self, key: u32, version: u32, base: Revision) -> Result<Revision, StoreError>;
    /// Archives a custom workflow (hidden from lists, its draft and
    /// versions kept) or, with `false`, brings it back. Global workflows
    /// cannot be archived. Doing it twice changes nothing.
    fn set_archived(&self, key: u32, archived: bool) -> Result<(), StoreError>;
    /// The review comments of `key`'s draft and its versions, oldest first.
    fn comments(&self, key: u32) -> Result<Vec<Comment>, StoreError>;
    /// Adds a comment on step `step` (or the workflow) of `key`'s draft.
    fn add_comment(&self, key: u32, step: Option<&str>, text: &str) -> Result<Comment, StoreError>;
    /// Resolves (or, with `false`, reopens) comment `id` of `key`; refused
    /// once a published version carries it.
    fn set_resolved(&self, key: u32, id: u64, resolved: bool) -> Result<Comment, StoreError>;
    /// Approves revision `base` of `key` (four eyes: a publisher other than
    /// the revision's authors). Returns everyone who approved it. Only a
    /// team server has a second pair of eyes: the local store refuses.
    fn approve(&self, key: u32, base: Revision) -> Result<Vec<String>, StoreError>;
    /// Who writes through this handle from now on, as the versions it
    /// publishes and the comments it adds record it. The local store
    /// records `author` (a display name; blank: the OS user); a team server
    /// records the holder of the token and takes no name from its client.
    fn set_author(&mut self, author: &str);
}

/// A published version with its record.
#[derive(Debug, Clone, PartialEq)]
pub struct Versioned {
    pub workflow: Workflow,
    pub info: VersionInfo,
}
