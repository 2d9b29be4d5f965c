//! Reading and writing workflow files: errors name the path and line, and
//! writes are atomic (temp file in the same folder, fsync, rename), so a
//! crash never leaves half a file and a failed parse never leads to an
//! overwrite.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use idflow_core::Workflow;
use idflow_core::format::{Format, ParseError, parse_workflow, workflow_to_text};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FileError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: unknown file type: use a .ron or .json file", path.display())]
    UnknownExtension { path: PathBuf },
    #[error("{}:{}", path.display(), located(error))]
    Parse { path: PathBuf, error: ParseError },
}

/// `12:5: expected ...` for syntax errors, ` message` for the others, so the
/// whole reads `path:12:5: expected ...` as compilers print it.
fn located(error: &ParseError) -> String {
    match error {
        ParseError::Syntax {
            line,
            column,
            message,
        } => format!("{line}:{column}: {message}"),
        other => format!(" {other}"),
    }
}

impl FileError {
    pub fn path(&self) -> &Path {
        match self {
            FileError::Read { path, .. }
            | FileError::Write { path, .. }
            | FileError::UnknownExtension { path }
            | FileError::Parse { path, .. } => path,
        }
    }

    /// The 1-based line of a syntax error, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            FileError::Parse { error, .. } => error.line(),
            _ => None,
        }
    }
}

pub fn format_of(path: &Path) -> Result<Format, FileError> {
    Format::from_path(path).ok_or_else(|| FileError::UnknownExtension {
        path: path.to_owned(),
    })
}

/// Reads a text file: only a regular file (a FIFO or a link to
/// `/dev/zero` is refused, not read until memory runs out), at most
/// [`idflow_core::format::MAX_TEXT_BYTES`] (issue 13).
pub fn read_text_file(path: &Path) -> Result<String, FileError> {
    use std::io::Read;
    let read_error = |source| FileError::Read {
        path: path.to_owned(),
        source,
    };
    let limit = idflow_core::format::MAX_TEXT_BYTES;
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let metadata = fs::metadata(path).map_err(read_error)?;
    if !metadata.is_file() {
        return Err(read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a device, FIFO or folder): only workflow files are read",
        )));
    }
    let file = fs::File::open(path).map_err(read_error)?;
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() > limit {
        return Err(read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than the {limit} bytes a workflow file may be"),
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        read_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text: {e}"),
        ))
    })
}

/// Reads and checks a workflow file (`.ron` or `.json`).
pub fn read_workflow_file(path: &Path) -> Result<Workflow, FileError> {
    let format = format_of(path)?;
    let text = read_text_file(path)?;
    parse_workflow(&text, format).map_err(|error| FileError::Parse {
        path: path.to_owned(),
        error,
    })
}

/// Writes a workflow in the format its extension names, atomically.
pub fn write_workflow_file(path: &Path, workflow: &Workflow) -> Result<(), FileError> {
    let format = format_of(path)?;
    write_atomic(path, workflow_to_text(workflow, format).as_bytes())
}

/// Replaces `path` with `bytes` so that readers see either the old or the
/// new content, never a mix, even across a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let write_err = |source| FileError::Write {
        path: path.to_owned(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(write_err)?;
    temp.write_all(bytes).map_err(write_err)?;
    temp.as_file().sync_all().map_err(write_err)?;
    temp.persist(path).map_err(|e| write_err(e.error))?;
    // Make the rename itself durable.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Reads a simulation scenario file (`.ron` or `.json`).
pub fn read_scenario_file(path: &Path) -> Result<idflow_core::simulate::Scenario, FileError> {
    let format = format_of(path)?;
    let text = read_text_file(path)?;
    idflow_core::format::parse_text(&text, format).map_err(|error| FileError::Parse {
        path: path.to_owned(),
        error,
    })
}
