//! What a crash (kill -9, power loss) can leave behind, and how opening the
//! store finishes or undoes it, under the write lock. meta.ron is each
//! workflow's commit point, so every leftover is either something meta.ron
//! records (finished: a pending version renamed into place, a saved draft
//! adopted) or something it does not (removed: temp files, staging
//! folders, versions never recorded; undone: comments marked with a
//! version never recorded go back to the draft). Committed files are never
//! removed or rewritten.
//!
//! `needs_repair` is a cheap scan without the lock; `repair` runs only when
//! it finds something.

use std::fs;
use std::path::Path;

use super::comments::Comments;
use super::disk;
use super::layout::{
    Layout, draft_file, key_of_dir_name, meta_file, version_file, version_of_file_name,
    versions_dir,
};
use super::meta::Meta;
use crate::StoreError;

fn names(dir: &Path) -> Result<Vec<(String, bool)>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(disk::io_error(dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| disk::io_error(dir, e))?;
        let is_dir = entry
            .file_type()
            .map_err(|e| disk::io_error(&entry.path(), e))?
            .is_dir();
        if let Some(name) = entry.file_name().to_str() {
            out.push((name.to_owned(), is_dir));
        }
    }
    Ok(out)
}

fn is_temp(name: &str) -> bool {
    name.starts_with(".tmp-")
}

fn is_staging(name: &str) -> bool {
    name.starts_with(".new-")
}

/// Whether the folder's meta.ron was written by a newer idflow: nothing
/// in such a folder is touched (issue 29), not even its temp files.
fn written_by_newer(dir: &Path, key: u32) -> bool {
    match Meta::read(&meta_file(dir), key) {
        Err(StoreError::Newer { path, source }) => {
            tracing::warn!(path = %path.display(), %source, "left untouched");
            true
        }
        _ => false,
    }
}

/// What is wrong in one workflow folder, if anything.
fn workflow_needs_repair(dir: &Path, key: u32) -> Result<bool, StoreError> {
    if written_by_newer(dir, key) {
        return Ok(false);
    }
    if names(dir)?.iter().any(|(n, _)| is_temp(n)) {
        return Ok(true);
    }
    let recorded = match Meta::read(&meta_file(dir), key) {
        Ok(meta) => meta,
        // A damaged meta.ron is reported by the readers, not repaired.
        Err(_) => return Ok(false),
    };
    for (name, _) in names(&versions_dir(dir))? {
        if is_temp(&name) {
            return Ok(true);
        }
        if let Some((number, pending)) = version_of_file_name(&name)
            && (pending || recorded.version(number).is_none())
        {
            return Ok(true);
        }
    }
    Ok(draft_out_of_step(dir, &recorded) || comments_out_of_step(dir, &recorded))
}

/// Comments marked with a version meta.ron does not record (a publish cut
/// off before its commit). A comments.ron that cannot be read is reported
/// by the readers, not repaired.
fn comments_out_of_step(dir: &Path, meta: &Meta) -> bool {
    Comments::read(dir).is_ok_and(|comments| comments.has_uncommitted(meta))
}

/// The draft on disk is not the one meta.ron records (a save cut off
/// between writing the draft and committing meta.ron).
fn draft_out_of_step(dir: &Path, meta: &Meta) -> bool {
    let Some(recorded) = &meta.draft_sha256 else {
        return false;
    };
    match disk::read_bytes(&draft_file(dir)) {
        Ok(bytes) => &disk::sha256_hex(&bytes) != recorded,
        Err(_) => false,
    }
}

/// Whether anything in the store needs `repair` (no lock taken).
pub(crate) fn needs_repair(layout: &Layout) -> Result<bool, StoreError> {
    for (name, is_dir) in names(layout.root())? {
        if is_temp(&name) || (is_dir && is_staging(&name)) {
            return Ok(true);
        }
        if is_dir
            && let Some(key) = key_of_dir_name(&name)
            && workflow_needs_repair(&layout.workflow_dir(key), key)?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

fn remove_file(path: &Path) -> Result<(), StoreError> {
    tracing::info!(path = %path.display(), "removing a leftover of an interrupted write");
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(disk::io_error(path, e)),
    }
}

/// Finishes or undoes what interrupted writes left. Call under the lock.
pub(crate) fn repair(layout: &Layout) -> Result<(), StoreError> {
    for (name, is_dir) in names(layout.root())? {
        let path = layout.root().join(&name);
        if is_temp(&name) && !is_dir {
            remove_file(&path)?;
        } else if is_dir && is_staging(&name) {
            tracing::info!(path = %path.display(), "removing an unfinished new workflow");
            disk::remove_stale_dir(&path)?;
        } else if is_dir && let Some(key) = key_of_dir_name(&name) {
            repair_workflow(&path, key)?;
        }
    }
    Ok(())
}

fn repair_workflow(dir: &Path, key: u32) -> Result<(), StoreError> {
    if written_by_newer(dir, key) {
        return Ok(());
    }
    for (name, is_dir) in names(dir)? {
        if is_temp(&name) && !is_dir {
            remove_file(&dir.join(&name))?;
        }
    }
    let Ok(mut meta) = Meta::read(&meta_file(dir), key) else {
        return Ok(());
    };
    let versions = versions_dir(dir);
    for (name, is_dir) in names(&versions)? {
        let path = versions.join(&name);
        if is_dir {
            continue;
        }
        if is_temp(&name) {
            remove_file(&path)?;
            continue;
        }
        let Some((number, pending)) = version_of_file_name(&name) else {
            continue;
        };
        match (meta.version(number), pending) {
            // Recorded (committed) but not yet in place: finish the rename
            // when the bytes are the recorded ones.
            (Some(info), true) => {
                let bytes = disk::read_bytes(&path)?;
                let target = version_file(dir, number);
                if disk::sha256_hex(&bytes) == info.sha256 && !disk::exists(&target)? {
                    tracing::info!(key, version = number, "finishing an interrupted publish");
                    disk::rename_file(&path, &target)?;
                } else {
                    remove_file(&path)?;
                }
            }
            (Some(_), false) => {}
            // Never recorded: the publish did not commit.
            (None, _) => remove_file(&path)?,
        }
    }
    if comments_out_of_step(dir, &meta) {
        tracing::info!(
            key,
            "putting back on the draft the comments of a publish that never committed"
        );
        Comments::read(dir)?.committed(&meta).write(dir)?;
    }
    if draft_out_of_step(dir, &meta)
        && let Ok(bytes) = disk::read_bytes(&draft_file(dir))
        && disk::parse_workflow_bytes(&draft_file(dir), &bytes).is_ok()
    {
        // A save wrote its draft but not meta.ron: adopt it as the next
        // revision, so no reader ever sees it under the old one.
        tracing::info!(
            key,
            revision = meta.revision + 1,
            "adopting a draft saved before an interruption"
        );
        meta.revision = meta
            .revision
            .checked_add(1)
            .ok_or(StoreError::RevisionsExhausted { key })?;
        meta.draft_sha256 = Some(disk::sha256_hex(&bytes));
        meta.write(&meta_file(dir))?;
    }
    Ok(())
}
