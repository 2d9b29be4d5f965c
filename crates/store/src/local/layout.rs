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

/// The key a folder name stands for: canonical decimal only, so `010011`
/// or `.new-200000` are not workflows.
pub(crate) fn key_of_dir_name(name: &str) -> Option<u32> {
    let key: u32 = name.parse().ok()?;
    (key.to_string() == name).then_some(key)
}
