//! Where each file of the store lives (design.md, "Store"):
//!
//! ```text
//! <store>/store.ron                  next custom key
//! <store>/.lock                      held by every write
//! <store>/<key>/meta.ron             name, origin, revision, versions
//! <store>/<key>/draft.ron            the draft workflow
//! <store>/<key>/versions/0001.ron    immutable published versions
//! <store>/<key>/.recovery/           the designer's autosave
//! ```

use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub(crate) struct Layout {
    root: PathBuf,
}

impl Layout {
    pub(crate) fn new(root: PathBuf) -> Self {
        Layout { root }
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn store_file(&self) -> PathBuf {
        self.root.join("store.ron")
    }

    pub(crate) fn lock_file(&self) -> PathBuf {
        self.root.join(".lock")
    }

    pub(crate) fn workflow_dir(&self, key: u32) -> PathBuf {
        self.root.join(key.to_string())
    }

    /// A hidden folder where a new workflow folder is assembled before it
    /// is renamed into place, so `<key>/` is either complete or absent.
    pub(crate) fn staging_dir(&self, purpose: &str, key: u32) -> PathBuf {
        self.root.join(format!(".{purpose}-{key}"))
    }

    pub(crate) fn recovery_dir(&self, key: u32) -> PathBuf {
        self.workflow_dir(key).join(".recovery")
    }
}

/// The files inside one workflow folder (the real one or a staging one).
pub(crate) fn meta_file(dir: &Path) -> PathBuf {
    dir.join("meta.ron")
}

pub(crate) fn draft_file(dir: &Path) -> PathBuf {
    dir.join("draft.ron")
}

pub(crate) fn versions_dir(dir: &Path) -> PathBuf {
    dir.join("versions")
}

pub(crate) fn version_file(dir: &Path, number: u32) -> PathBuf {
    versions_dir(dir).join(format!("{number:04}.ron"))
}

/// Where a version being published is written before meta.ron records it
/// (the commit point); renamed to its `version_file` after.
pub(crate) fn pending_version_file(dir: &Path, number: u32) -> PathBuf {
    versions_dir(dir).join(format!(".pending-{number:04}.ron"))
}

/// The version number a file name in `versions/` stands for, and whether it
/// is still pending: `0003.ron` -> (3, false), `.pending-0003.ron` -> (3, true).
pub(crate) fn version_of_file_name(name: &str) -> Option<(u32, bool)> {
    let (rest, pending) = match name.strip_prefix(".pending-") {
        Some(rest) => (rest, true),
        None => (name, false),
    };
    let digits = rest.strip_suffix(".ron")?;
    if digits.len() < 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    (format!("{number:04}") == digits).then_some((number, pending))
}

/// The key a folder name stands for: canonical decimal only, so `010011`
/// or `.new-200000` are not workflows.
pub(crate) fn key_of_dir_name(name: &str) -> Option<u32> {
    idflow_core::model::parse_key(name)
}
