//! The store's rows as the database holds them, and reading them back: a
//! workflow's canonical text (RON), keys, version numbers, revisions and
//! origins in range, authors lists (JSON arrays of token names), stored
//! timestamps. A stored value that does not read is `DbError::Corrupt`,
//! naming its workflow.

use idflow_core::Workflow;
use idflow_core::format::{Format, parse_workflow, to_text};
use idflow_store::{Origin, Revision, VersionInfo};

use super::error::DbError;

/// `list`'s row.
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    pub(super) key: i64,
    pub(super) name: String,
    pub(super) origin: String,
    pub(super) revision: i64,
    pub(super) archived: bool,
    pub(super) latest: Option<i64>,
    pub(super) published: Option<bool>,
}

/// A workflow's draft row.
#[derive(sqlx::FromRow)]
pub(super) struct DraftRow {
    pub(super) origin: String,
    pub(super) revision: i64,
    pub(super) draft: String,
    pub(super) duplicated_from_key: Option<i64>,
    pub(super) duplicated_from_version: Option<i64>,
    /// A JSON array of token names.
    pub(super) draft_authors: String,
}

/// A version's row (`content` only when asked for).
#[derive(sqlx::FromRow)]
pub(super) struct VersionRow {
    pub(super) number: i64,
    pub(super) published_at: String,
    pub(super) sha256: String,
    pub(super) revision: i64,
    pub(super) note: String,
    pub(super) author: String,
    pub(super) approved_by: String,
    /// A JSON array of token names.
    pub(super) authors: String,
    pub(super) content: Option<String>,
}

/// The canonical stored text of a workflow: RON, as the local store writes
/// it, so a version's hash is the same in either store. Refused when it
/// would not read back (a value the reader rejects).
pub(crate) fn canonical(workflow: &Workflow) -> Result<(Workflow, String), DbError> {
    let mut workflow = workflow.clone();
    workflow.format_version = workflow.written_format_version();
    let text = to_text(&workflow, Format::Ron);
    parse_workflow(&text, Format::Ron).map_err(|e| DbError::Unwritable {
        message: format!("it would not read back: {e}"),
    })?;
    Ok((workflow, text))
}

pub(super) fn parse_stored(key: u32, what: &str, text: &str) -> Result<Workflow, DbError> {
    parse_workflow(text, Format::Ron).map_err(|e| DbError::Corrupt {
        key,
        what: what.to_owned(),
        message: e.to_string(),
    })
}

pub(super) fn version_info(key: u32, row: VersionRow) -> Result<VersionInfo, DbError> {
    let authors = version_authors(key, &row.author, &row.authors)?;
    Ok(VersionInfo {
        number: number_of(key, row.number)?,
        published_at: row.published_at,
        sha256: row.sha256,
        revision: revision_of(key, row.revision)?,
        note: row.note,
        author: row.author,
        approved_by: row.approved_by,
        authors,
    })
}

/// A version's authors (issue 30, item 1). A version published before
/// authors were kept (migration 13) has none stored: its one recorded
/// author, who published it, is read as its authors, so the published row
/// itself is never rewritten.
fn version_authors(key: u32, author: &str, stored: &str) -> Result<Vec<String>, DbError> {
    let authors = authors_of(key, "a version's authors", stored)?;
    if authors.is_empty() && !author.is_empty() {
        return Ok(vec![author.to_owned()]);
    }
    Ok(authors)
}

/// No authors, as stored.
pub(super) const NO_AUTHORS: &str = "[]";

/// A stored authors list (a JSON array of token names).
pub(super) fn authors_of(key: u32, what: &str, text: &str) -> Result<Vec<String>, DbError> {
    serde_json::from_str(text).map_err(|e| DbError::Corrupt {
        key,
        what: what.to_owned(),
        message: format!("{text:?} is not a JSON list of names: {e}"),
    })
}

/// An authors list as stored.
pub(super) fn authors_text(authors: &[String]) -> Result<String, DbError> {
    serde_json::to_string(authors).map_err(|e| DbError::Unwritable {
        message: format!("the authors list: {e}"),
    })
}

fn corrupt(key: u32, what: &str, value: impl std::fmt::Debug) -> DbError {
    DbError::Corrupt {
        key,
        what: what.to_owned(),
        message: format!("{value:?} is out of range"),
    }
}

pub(super) fn key_of(value: i64) -> Result<u32, DbError> {
    u32::try_from(value).map_err(|_| corrupt(0, "a workflow key", value))
}

pub(super) fn number_of(key: u32, value: i64) -> Result<u32, DbError> {
    u32::try_from(value).map_err(|_| corrupt(key, "a version number", value))
}

pub(super) fn revision_of(key: u32, value: i64) -> Result<Revision, DbError> {
    Revision::try_from(value).map_err(|_| corrupt(key, "the revision", value))
}

pub(super) fn revision_to_i64(revision: Revision) -> Result<i64, DbError> {
    i64::try_from(revision).map_err(|_| corrupt(0, "a revision", revision))
}

pub(super) fn origin_of(key: u32, value: String) -> Result<Origin, DbError> {
    match value.as_str() {
        "GLOBAL" => Ok(Origin::Global),
        "CUSTOM" => Ok(Origin::Custom),
        _ => Err(corrupt(key, "the origin", value)),
    }
}

/// Now, RFC 3339 UTC to the second (`2026-05-01T12:00:00Z`).
pub(super) fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| now.unix_timestamp().to_string())
}
