//! File operations in the store's terms: every failure becomes a
//! `StoreError` naming the path (and the line, for syntax errors).

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::Path;

use idflow_core::Workflow;
use idflow_core::format::{Format, ParseError, parse_workflow, workflow_to_text};
use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::files::{self, FileError};

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// A parse failure of a file in the store: a file of a newer format is
/// `Newer` (issue 29), anything else `Corrupt`.
pub(crate) fn corrupt(path: &Path, error: &ParseError) -> StoreError {
    if let ParseError::Newer(newer) = error {
        return StoreError::Newer {
            path: path.to_owned(),
            source: newer.clone(),
        };
    }
    let message = match error {
        // The line goes in its own field; keep the column in the message.
        ParseError::Syntax {
            column, message, ..
        } => format!("column {column}: {message}"),
        other => other.to_string(),
    };
    StoreError::Corrupt {
        path: path.to_owned(),
        line: error.line(),
        message,
    }
}

pub(crate) fn from_file_error(error: FileError) -> StoreError {
    match error {
        FileError::Read { path, source } | FileError::Write { path, source } => {
            StoreError::Io { path, source }
        }
        FileError::Parse { path, error } => corrupt(&path, &error),
        FileError::UnknownExtension { path } => StoreError::Corrupt {
            path,
            line: None,
            message: "not a .ron or .json file".to_owned(),
        },
    }
}

/// Reads a store file: a regular file of at most the text limit.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, StoreError> {
    use std::io::Read;
    let limit = idflow_core::format::MAX_TEXT_BYTES;
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let metadata = fs::metadata(path).map_err(|e| io_error(path, e))?;
    if !metadata.is_file() {
        return Err(io_error(
            path,
            std::io::Error::new(ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    let file = fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, e))?;
    if bytes.len() > limit {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            line: None,
            message: format!("larger than the {limit} bytes a store file may be"),
        });
    }
    Ok(bytes)
}

pub(crate) fn read_text(path: &Path) -> Result<String, StoreError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_owned(),
        line: None,
        message: format!("not UTF-8 text: {e}"),
    })
}

/// Reads and checks a workflow file of the store.
pub(crate) fn read_workflow(path: &Path) -> Result<Workflow, StoreError> {
    files::read_workflow_file(path).map_err(from_file_error)
}

/// Parses the bytes of a workflow file already read from `path`.
pub(crate) fn parse_workflow_bytes(path: &Path, bytes: &[u8]) -> Result<Workflow, StoreError> {
    let text = std::str::from_utf8(bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_owned(),
        line: None,
        message: format!("not UTF-8 text: {e}"),
    })?;
    parse_workflow(text, Format::Ron).map_err(|e| corrupt(path, &e))
}

/// The RON text a workflow is stored as, checked to read back: a value the
/// reader would refuse (a non-finite position, say) is refused here, before
/// it reaches a file that could then never be read or overwritten again.
pub(crate) fn encode_workflow(
    path: &Path,
    workflow: &Workflow,
) -> Result<(Workflow, String), StoreError> {
    let mut workflow = workflow.clone();
    workflow.format_version = workflow.written_format_version();
    let text = workflow_to_text(&workflow, Format::Ron);
    if let Err(error) = parse_workflow(&text, Format::Ron) {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            line: None,
            message: format!("refused to write a workflow that would not read back: {error}"),
        });
    }
    Ok((workflow, text))
}

/// Replaces a file atomically (temp file, fsync, rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    tracing::debug!(path = %path.display(), bytes = bytes.len(), "writing");
    files::write_atomic(path, bytes).map_err(from_file_error)
}

/// Creates a file that must not exist yet (a published version): written
/// to a temp file and renamed without clobbering. An existing file with the
/// very same bytes is accepted (a publish interrupted after writing the
/// version but before recording it); any other existing file is refused and
/// left as it is.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    tracing::debug!(path = %path.display(), bytes = bytes.len(), "writing new file");
    let io = |source| io_error(path, source);
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    match temp.persist_noclobber(path) {
        Ok(_) => {
            sync_dir(dir);
            Ok(())
        }
        Err(e) if e.error.kind() == ErrorKind::AlreadyExists => {
            // `e.file` is dropped here, removing the temp file.
            if read_bytes(path)? == bytes {
                Ok(())
            } else {
                Err(StoreError::Corrupt {
                    path: path.to_owned(),
                    line: None,
                    message:
                        "a different file of this name exists but meta.ron does not record it; \
                              move it out of the way to publish"
                            .to_owned(),
                })
            }
        }
        Err(e) => Err(io(e.error)),
    }
}

pub(crate) fn create_dir_all(path: &Path) -> Result<(), StoreError> {
    fs::create_dir_all(path).map_err(|e| io_error(path, e))
}

/// Whether something exists at `path` (errors other than "not found" are
/// reported, not taken for absence).
pub(crate) fn exists(path: &Path) -> Result<bool, StoreError> {
    path.try_exists().map_err(|e| io_error(path, e))
}

/// Removes a leftover staging folder, if any.
pub(crate) fn remove_stale_dir(path: &Path) -> Result<(), StoreError> {
    match fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path, e)),
    }
}

/// Moves a fully written staging folder to its final name.
pub(crate) fn rename_dir(from: &Path, to: &Path) -> Result<(), StoreError> {
    tracing::debug!(from = %from.display(), to = %to.display(), "renaming folder into place");
    fs::rename(from, to).map_err(|e| io_error(to, e))?;
    if let Some(parent) = to.parent() {
        sync_dir(parent);
    }
    Ok(())
}

/// Moves a file into place (replacing nothing: the caller checked), durably.
pub(crate) fn rename_file(from: &Path, to: &Path) -> Result<(), StoreError> {
    fs::rename(from, to).map_err(|e| io_error(to, e))?;
    if let Some(parent) = to.parent() {
        sync_dir(parent);
    }
    Ok(())
}

/// Makes renames in `dir` durable; best effort (not possible everywhere).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Now, RFC 3339 UTC to the second (`2026-05-01T12:00:00Z`).
pub(crate) fn now_rfc3339(path: &Path) -> Result<String, StoreError> {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .map_err(|e| io_error(path, std::io::Error::other(e)))
}
