//! `<store>/store.ron`: store-wide state, for now the next custom key.
//! Keys come from here and only move forward, so a deleted workflow's key is
//! never handed out again.

use std::io::ErrorKind;
use std::path::Path;

use idflow_core::catalog::FIRST_CUSTOM_KEY;
use idflow_core::format::{Format, parse_text, to_text};
use serde::{Deserialize, Serialize};

use super::disk;
use crate::StoreError;

pub(crate) const STORE_FORMAT_VERSION: u32 = 1;

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
            parse_text(&text, Format::Ron).map_err(|e| disk::corrupt(path, &e))?;
        if file.format_version != STORE_FORMAT_VERSION {
            return Err(StoreError::Corrupt {
                path: path.to_owned(),
                line: None,
                message: format!(
                    "format_version {} is not supported: this build of idflow reads format_version {STORE_FORMAT_VERSION}; upgrade idflow to open it",
                    file.format_version
                ),
            });
        }
        Ok(Some(file))
    }

    pub(crate) fn write(&self, path: &Path) -> Result<(), StoreError> {
        disk::write_atomic(path, to_text(self, Format::Ron).as_bytes())
    }
}
