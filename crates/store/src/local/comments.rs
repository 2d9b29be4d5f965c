//! `<key>/comments.ron`: a workflow's review comments, beside its draft
//! (never in the workflow file, so they never make a save conflict).
//! Written atomically under the store's lock.

use std::path::{Path, PathBuf};

use idflow_core::format::{Format, parse_versioned, to_text};
use idflow_core::versions::Formats;
use serde::{Deserialize, Serialize};

use super::disk;
use super::meta::Meta;
use crate::{Comment, StoreError};

/// `comments.ron`'s formats and the idflow release that first wrote each
/// (issue 29: a newer one is refused, and never written over).
const COMMENTS_FORMATS: Formats = Formats {
    what: "comments.ron",
    written_since: &[(1, "0.1.0")],
};

const FORMAT_VERSION: u32 = COMMENTS_FORMATS.newest();

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
            parse_versioned(&text, Format::Ron, &COMMENTS_FORMATS, |c: &Comments| {
                u64::from(c.format_version)
            })
            .map_err(|e| disk::corrupt(&path, &e))?;
        Ok(comments)
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<(), StoreError> {
        disk::write_atomic(&file(dir), to_text(self, Format::Ron).as_bytes())
    }

    /// The comments as `meta` commits them: a publish marks the draft's
    /// comments with its version's number before meta.ron records that
    /// version (issue 30, item 11: so they are carried exactly when the
    /// version is), and a comment marked with a number meta.ron does not
    /// record belongs to a publish that never committed: it is still on
    /// the draft.
    pub(crate) fn committed(mut self, meta: &Meta) -> Comments {
        for c in &mut self.comments {
            if c.version
                .is_some_and(|number| meta.version(number).is_none())
            {
                c.version = None;
            }
        }
        self
    }

    /// Whether some comment is marked with a version `meta` does not record
    /// (a publish cut off before its commit: see [`Comments::committed`]).
    pub(crate) fn has_uncommitted(&self, meta: &Meta) -> bool {
        self.comments.iter().any(|c| {
            c.version
                .is_some_and(|number| meta.version(number).is_none())
        })
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
