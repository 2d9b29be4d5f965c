//! `<store>/store.ron`: store-wide state, for now the next custom key.
//! Keys come from here and only move forward, so a deleted workflow's key is
//! never handed out again.

use std::io::ErrorKind;
use std::path::Path;

use idflow_core::catalog::FIRST_CUSTOM_KEY;
use idflow_core::format::{Format, parse_versioned, to_text};
use idflow_core::versions::Formats;
use serde::{Deserialize, Serialize};

use super::disk;
use crate::StoreError;

/// `store.ron`'s formats and the idflow release that first wrote each
/// (issue 29: a newer one is refused, and the store not opened).
pub(crate) const STORE_FILE_FORMATS: Formats = Formats {
    what: "store.ron",
    written_since: &[(1, "0.1.0")],
};

pub(crate) const STORE_FORMAT_VERSION: u32 = STORE_FILE_FORMATS.newest();

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StoreFile {
    pub format_version: u32,
    pub next_custom_key: u32,
}

impl StoreFile {
    pub(crate) fn new(next_custom_key: u32) -> StoreFile {
        StoreFile {
            format_version: STORE_FORMAT_VERSION,
            next_custom_key: next_custom_key.max(FIRST_CUSTOM_KEY),
        }
    }

    /// `None` when the file does not exist (a store not seeded yet).
    pub(crate) fn read(path: &Path) -> Result<Option<StoreFile>, StoreError> {
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| StoreError::Corrupt {
                path: path.to_owned(),
                line: None,
                message: format!("not UTF-8 text: {e}"),
            })?,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(disk::io_error(path, e)),
        };
        let file: StoreFile =
            parse_versioned(&text, Format::Ron, &STORE_FILE_FORMATS, |f: &StoreFile| {
                u64::from(f.format_version)
            })
            .map_err(|e| disk::corrupt(path, &e))?;
        Ok(Some(file))
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), StoreError> {
        disk::write_atomic(path, to_text(self, Format::Ron).as_bytes())
    }
}
