//! `<key>/meta.ron`: what the store knows about one workflow besides its
//! content: name, origin, draft revision, published versions and where a
//! duplicate came from.

use crate::policy;
use std::path::Path;

use idflow_core::format::{Format, parse_versioned, to_text};
use idflow_core::versions::Formats;
use serde::{Deserialize, Serialize};

use super::disk;
use crate::{Origin, Revision, StoreError, VersionInfo};

/// `meta.ron`'s formats and the idflow release that first wrote each
/// (issue 29: a newer one is refused, and its workflow never written).
pub(crate) const META_FORMATS: Formats = Formats {
    what: "meta.ron",
    written_since: &[(1, "0.1.0")],
};

/// The version of the metadata file format.
pub(crate) const META_FORMAT_VERSION: u32 = META_FORMATS.newest();

/// The workflow (and version, `None` for its draft) a duplicate was copied from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DuplicatedFrom {
    pub key: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub format_version: u32,
    pub key: u32,
    pub name: String,
    pub origin: Origin,
    pub revision: Revision,
    /// Oldest first, numbered 1, 2, 3...
    #[serde(default)]
    pub versions: Vec<VersionInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicated_from: Option<DuplicatedFrom>,
    /// SHA-256 of the draft file at `revision`: meta.ron is the commit
    /// point of a save, so a reader that finds another draft knows a save
    /// is under way (or was cut off) and never labels it `revision`.
    /// Absent in stores written before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_sha256: Option<String>,
    /// Hidden from lists (issue 14). Written only when true, so the meta
    /// of a workflow never archived reads as before in older builds.
    #[serde(default, skip_serializing_if = "is_false")]
    pub archived: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl Meta {
    pub(crate) fn new(key: u32, name: String, origin: Origin) -> Meta {
        Meta {
            format_version: META_FORMAT_VERSION,
            key,
            name,
            origin,
            revision: 1,
            versions: Vec::new(),
            duplicated_from: None,
            draft_sha256: None,
            archived: false,
        }
    }

    pub(crate) fn latest(&self) -> Option<&VersionInfo> {
        self.versions.last()
    }

    pub(crate) fn version(&self, number: u32) -> Option<&VersionInfo> {
        self.versions.iter().find(|v| v.number == number)
    }

    pub(crate) fn next_version_number(&self) -> u32 {
        self.latest().map_or(1, |v| v.number.saturating_add(1))
    }

    /// Refuses writes to Global workflows and writes based on a stale revision.
    pub(crate) fn check_writable(&self, base: Option<Revision>) -> Result<(), StoreError> {
        Ok(policy::may_write(
            self.key,
            self.origin,
            self.revision,
            base,
        )?)
    }

    /// Reads and checks `path`, the metadata of workflow `key`.
    pub(crate) fn read(path: &Path, key: u32) -> Result<Meta, StoreError> {
        let text = disk::read_text(path)?;
        let meta: Meta = parse_versioned(&text, Format::Ron, &META_FORMATS, |m: &Meta| {
            u64::from(m.format_version)
        })
        .map_err(|e| disk::corrupt(path, &e))?;
        meta.check(path, key)?;
        Ok(meta)
    }

    fn check(&self, path: &Path, key: u32) -> Result<(), StoreError> {
        let corrupt = |message: String| StoreError::Corrupt {
            path: path.to_owned(),
            line: None,
            message,
        };
        if self.key != key {
            return Err(corrupt(format!(
                "records key {} but lives in the folder of workflow {key}",
                self.key
            )));
        }
        for (i, v) in self.versions.iter().enumerate() {
            if usize::try_from(v.number).ok() != Some(i + 1) {
                return Err(corrupt(format!(
                    "versions must be numbered 1, 2, 3... in order; entry {} is numbered {}",
                    i + 1,
                    v.number
                )));
            }
        }
        Ok(())
    }

    /// Replaces `path` atomically.
    pub(crate) fn write(&self, path: &Path) -> Result<(), StoreError> {
        disk::write_atomic(path, to_text(self, Format::Ron).as_bytes())
    }
}
