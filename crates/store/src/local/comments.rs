//! `<key>/comments.ron`: a workflow's review comments, beside its draft
//! (never in the workflow file, so they never make a save conflict).
//! Written atomically under the store's lock.

use std::path::{Path, PathBuf};

use idflow_core::format::{Format, parse_text, to_text};
use serde::{Deserialize, Serialize};

use super::disk;
use crate::{Comment, StoreError};

const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Comments {
    pub format_version: u32,
    /// The next comment's id (ids are never reused).
    pub next_id: u64,
    pub comments: Vec<Comment>,
}

pub(crate) fn file(dir: &Path) -> PathBuf {
    dir.join("comments.ron")
}

impl Comments {
    /// The comments in `dir`; none yet when the file does not exist.
    pub(crate) fn read(dir: &Path) -> Result<Comments, StoreError> {
        let path = file(dir);
        if !disk::exists(&path)? {
            return Ok(Comments {
                format_version: FORMAT_VERSION,
                next_id: 1,
                comments: Vec::new(),
            });
        }
        let text = disk::read_text(&path)?;
        let comments: Comments =
            parse_text(&text, Format::Ron).map_err(|e| disk::corrupt(&path, &e))?;
        if comments.format_version != FORMAT_VERSION {
            return Err(StoreError::Corrupt {
                path,
                line: None,
                message: format!(
                    "format_version {} is not one this idflow reads ({FORMAT_VERSION})",
                    comments.format_version
                ),
            });
        }
        Ok(comments)
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<(), StoreError> {
        disk::write_atomic(&file(dir), to_text(self, Format::Ron).as_bytes())
    }

    /// Marks every comment not yet carried by a version as carried by
    /// version `number` (at publish).
    pub(crate) fn carry(&mut self, number: u32) -> bool {
        let mut changed = false;
        for c in self.comments.iter_mut().filter(|c| c.version.is_none()) {
            c.version = Some(number);
            changed = true;
        }
        changed
    }
}
