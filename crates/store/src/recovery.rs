//! Autosave of unsaved work, so a crash loses at most a few seconds.
//! Store drafts recover into `<store>/<key>/.recovery/draft.ron`; other
//! documents (opened files) into `<store>/.recovery/<name>.ron`.

use std::fs;
use std::path::{Path, PathBuf};

use idflow_core::Workflow;
use idflow_core::format::{Format, ParseError, parse_versioned, to_text};
use idflow_core::versions::Formats;
use serde::{Deserialize, Serialize};

use crate::files::{FileError, write_atomic};

/// Recovery files' formats and the idflow release that first wrote each
/// (issue 29: a newer one is neither read nor written over).
pub const RECOVERY_FORMATS: Formats = Formats {
    what: "recovery file",
    written_since: &[(1, "0.1.0")],
};

/// The recovery format this build writes.
pub const RECOVERY_FORMAT_VERSION: u32 = RECOVERY_FORMATS.newest();

/// What the recovered work was based on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecoveredFrom {
    /// A store draft at this revision.
    Draft { key: u32, revision: u64 },
    /// A file opened directly.
    File(PathBuf),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    pub format_version: u32,
    pub from: RecoveredFrom,
    /// RFC 3339, UTC.
    pub saved_at: String,
    pub workflow: Workflow,
}

/// The recovery file for `from` under the store root.
pub fn recovery_path(store_root: &Path, from: &RecoveredFrom) -> PathBuf {
    match from {
        RecoveredFrom::Draft { key, .. } => store_root
            .join(key.to_string())
            .join(".recovery")
            .join("draft.ron"),
        RecoveredFrom::File(path) => {
            let name: String = path
                .to_string_lossy()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            store_root.join(".recovery").join(format!("{name}.ron"))
        }
    }
}

/// Writes `recovery` to its file; a recovery file there written by a newer
/// idflow is left as it is (issue 29) and the write refused.
pub fn write(store_root: &Path, recovery: &Recovery) -> Result<PathBuf, FileError> {
    let path = recovery_path(store_root, &recovery.from);
    if let Ok(text) = fs::read_to_string(&path)
        && let Err(error @ ParseError::Newer(_)) = read(&text)
    {
        return Err(FileError::Parse { path, error });
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|source| FileError::Write {
            path: dir.to_owned(),
            source,
        })?;
    }
    write_atomic(&path, to_text(recovery, Format::Ron).as_bytes())?;
    Ok(path)
}

pub fn remove(store_root: &Path, from: &RecoveredFrom) {
    let path = recovery_path(store_root, from);
    if let Err(e) = fs::remove_file(&path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!("could not remove recovery file {}: {e}", path.display());
    }
}

/// Every readable recovery file in the store (unreadable ones are logged and
/// left in place for the user to inspect).
pub fn find_all(store_root: &Path) -> Vec<(PathBuf, Recovery)> {
    let mut candidates = Vec::new();
    if let Ok(entries) = fs::read_dir(store_root) {
        for entry in entries.flatten() {
            let dir = entry.path().join(".recovery");
            candidates.push(dir.join("draft.ron"));
        }
    }
    if let Ok(entries) = fs::read_dir(store_root.join(".recovery")) {
        candidates.extend(entries.flatten().map(|e| e.path()));
    }
    let mut found = Vec::new();
    for path in candidates {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        match read(&text) {
            Ok(r) => found.push((path, r)),
            Err(e) => tracing::warn!("unreadable recovery file {}: {e}", path.display()),
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn read(text: &str) -> Result<Recovery, ParseError> {
    parse_versioned(text, Format::Ron, &RECOVERY_FORMATS, |r: &Recovery| {
        u64::from(r.format_version)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_find_remove() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let w = idflow_core::synthetic::synthetic_workflow(10);
        let r = Recovery {
            format_version: 1,
            from: RecoveredFrom::Draft {
                key: 200000,
                revision: 3,
            },
            saved_at: "2026-01-01T00:00:00Z".into(),
            workflow: w,
        };
        let path = write(dir.path(), &r).expect("write");
        assert!(path.ends_with("200000/.recovery/draft.ron"));
        let found = find_all(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, r);
        remove(dir.path(), &r.from);
        assert!(find_all(dir.path()).is_empty());
    }
}
