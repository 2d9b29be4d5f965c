//! The store-wide write lock: every read-check-write runs while holding an
//! exclusive lock on `<store>/.lock`, so two idflow processes (or two
//! handles in one process) never interleave their writes. Readers take no
//! lock: atomic renames already show them whole files.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::StoreError;

/// Held for the duration of one write operation; closing the file (on drop)
/// releases the lock.
#[must_use = "the lock is released when this value is dropped"]
pub(crate) struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Blocks until no other writer holds the lock.
    pub(crate) fn acquire(path: &Path) -> Result<WriteLock, StoreError> {
        let io = |source| StoreError::Io {
            path: path.to_owned(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        file.lock().map_err(io)?;
        tracing::debug!(path = %path.display(), "store write lock taken");
        Ok(WriteLock { _file: file })
    }
}
