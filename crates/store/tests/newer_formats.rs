//! Issue 29, "Files from a newer idflow": a store folder, or a file in it,
//! written by a newer idflow is refused with "needs a newer idflow", never
//! with a parse error, and is never written to (never overwrite what you
//! could not parse). Each store here is a real one written by this build,
//! then changed as a newer idflow would write it: a higher
//! `format_version` and fields this build does not know.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use idflow_core::synthetic::synthetic_workflow;
use idflow_core::versions::IDFLOW_VERSION;
use idflow_store::recovery::{self, RecoveredFrom, Recovery};
use idflow_store::{LocalStore, Status, Store, StoreError};
use tempfile::TempDir;

/// Every path under `root` with its bytes (`None` for folders).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let rel = path.strip_prefix(root).expect("inside").to_owned();
            if path.is_dir() {
                out.insert(rel, None);
                walk(&path, root, out);
            } else {
                out.insert(rel, Some(fs::read(&path).expect("read")));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// A newer idflow records the hash of what it writes in meta.ron (the
/// draft's, a version's): `file` rewritten by `change`, with its recorded
/// hash in `meta` following.
fn rewrite_recorded(meta: &Path, file: &Path, change: impl FnOnce(&Path)) {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let old = hex(&fs::read(file).expect("read"));
    change(file);
    let new = hex(&fs::read(file).expect("read"));
    let text = fs::read_to_string(meta).expect("meta");
    assert!(text.contains(&old), "meta.ron records {}", file.display());
    fs::write(meta, text.replace(&old, &new)).expect("write");
}

/// `path`'s RON text as a newer idflow writes it: `format_version: N` and
/// a field this build does not know.
fn make_newer(path: &Path, version: u32) {
    let text = fs::read_to_string(path).expect("read");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("format_version:"))
        .unwrap_or_else(|| panic!("{}: no format_version", path.display()));
    let newer = text.replacen(
        line,
        &format!("  format_version: {version},\n  written_by_a_newer_idflow: (shards: 4),"),
        1,
    );
    fs::write(path, newer).expect("write");
}

/// The message a file of `what` (e.g. "meta.ron") in a newer format gets.
fn newer_message(what: &str, found: u32, reads: &str) -> String {
    format!(
        "written by a newer idflow ({what}format {found}); this build ({IDFLOW_VERSION}) reads {what}{reads}: needs a newer idflow"
    )
}

fn assert_newer(result: Result<impl std::fmt::Debug, StoreError>, file: &Path, message: &str) {
    match result {
        Err(error @ StoreError::Newer { .. }) => {
            let StoreError::Newer { path, source } = &error else {
                unreachable!()
            };
            assert_eq!(path, file, "{error}");
            assert_eq!(source.to_string(), message);
            let text = error.to_string();
            assert!(
                text.starts_with(&file.display().to_string()) && text.contains(message),
                "{text}"
            );
        }
        other => panic!(
            "expected {} refused as newer, got {other:?}",
            file.display()
        ),
    }
}

/// A store written by this build with one custom workflow (version 1
/// published, then a draft at revision 2 that differs from it, a comment);
/// its key.
fn store_with_a_custom_workflow(root: &Path) -> u32 {
    let store = LocalStore::open(root).expect("open");
    let mut workflow = synthetic_workflow(12);
    workflow.name = "Custom flow".to_owned();
    let key = store.create(workflow.clone()).expect("create");
    store.publish(key, None).expect("publish");
    workflow.name = "Custom flow, edited".to_owned();
    assert_eq!(store.save_draft(key, &workflow, 1).expect("save"), 2);
    store.add_comment(key, None, "Looks good").expect("comment");
    key
}

/// Leftovers an interrupted write leaves, which opening a store clears
/// (repair.rs): a temp file in `dir`.
fn leave_a_temp_file(dir: &Path) -> PathBuf {
    let temp = dir.join(".tmp-interrupted");
    fs::write(&temp, "half a file").expect("write");
    temp
}

/// Issue 29: a store whose store.ron a newer idflow wrote is refused as a
/// whole, with "needs a newer idflow", and nothing in it changes: no seed,
/// no repair (the leftovers stay), no refresh.
#[test]
fn a_store_folder_of_a_newer_idflow_is_refused_and_left_untouched() {
    let dir = TempDir::new().expect("tmp");
    let key = store_with_a_custom_workflow(dir.path());
    let store_file = dir.path().join("store.ron");
    make_newer(&store_file, 2);
    leave_a_temp_file(dir.path());
    leave_a_temp_file(&dir.path().join(key.to_string()));
    fs::create_dir(dir.path().join(".new-200099")).expect("a staging folder");
    let before = snapshot(dir.path());

    let message = newer_message("store.ron ", 2, "format 1");
    assert_newer(LocalStore::open(dir.path()), &store_file, &message);
    assert_eq!(snapshot(dir.path()), before, "nothing was written");

    // A newer store.ron without unknown fields is refused the same way.
    let text = fs::read_to_string(&store_file).expect("read");
    let plain: String = text
        .lines()
        .filter(|l| !l.contains("written_by_a_newer_idflow"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&store_file, plain).expect("write");
    let before = snapshot(dir.path());
    assert_newer(LocalStore::open(dir.path()), &store_file, &message);
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
}

/// Issue 29: a workflow whose meta.ron a newer idflow wrote is refused on
/// every read and write with "needs a newer idflow", and its folder is
/// never written to (not by the repair on open either); the rest of the
/// store works.
#[test]
fn a_workflow_folder_of_a_newer_idflow_is_refused_and_never_written() {
    let dir = TempDir::new().expect("tmp");
    let key = store_with_a_custom_workflow(dir.path());
    let folder = dir.path().join(key.to_string());
    let meta = folder.join("meta.ron");
    make_newer(&meta, 2);
    leave_a_temp_file(&folder);
    fs::write(
        folder.join("versions").join(".pending-0002.ron"),
        "unrecorded",
    )
    .expect("write");
    let before = snapshot(&folder);

    let store = LocalStore::open(dir.path()).expect("the rest of the store opens");
    let message = newer_message("meta.ron ", 2, "format 1");
    assert_newer(store.draft(key), &meta, &message);
    assert_newer(store.version(key, 1), &meta, &message);
    assert_newer(store.history(key), &meta, &message);
    let workflow = synthetic_workflow(12);
    assert_newer(store.save_draft(key, &workflow, 2), &meta, &message);
    assert_newer(store.publish(key, None), &meta, &message);
    assert_newer(store.restore(key, 1, 2), &meta, &message);
    assert_newer(store.set_archived(key, true), &meta, &message);
    assert_newer(store.add_comment(key, None, "?"), &meta, &message);
    assert_newer(store.comments(key), &meta, &message);
    assert_newer(store.duplicate(key, None), &meta, &message);
    let listed = store.list().expect("list");
    let summary = listed.iter().find(|s| s.key == key).expect("listed");
    assert_eq!(summary.status, Status::Damaged, "{summary:?}");
    drop(store);
    // Opened again (repair and refresh run on open): still untouched.
    LocalStore::open(dir.path()).expect("opens");
    assert_eq!(snapshot(&folder), before, "the folder was never written");

    // The other workflows are as they were: a Global reads and duplicates.
    let store = LocalStore::open(dir.path()).expect("opens");
    let copy = store.duplicate(10011, None).expect("a Global duplicates");
    assert!(store.draft(copy).is_ok());
}

/// Issue 29: a draft or version a newer idflow wrote (workflow format 4,
/// recorded in meta.ron as a newer idflow records it) is refused with
/// "needs a newer idflow", never overwritten by a save, publish or restore,
/// and never adopted by the repair on open.
#[test]
fn a_draft_or_version_of_a_newer_format_is_refused_and_never_overwritten() {
    let dir = TempDir::new().expect("tmp");
    let key = store_with_a_custom_workflow(dir.path());
    let folder = dir.path().join(key.to_string());
    let (meta, draft) = (folder.join("meta.ron"), folder.join("draft.ron"));
    let version = folder.join("versions").join("0001.ron");
    rewrite_recorded(&meta, &draft, |f| make_newer(f, 4));
    let before = snapshot(&folder);

    let store = LocalStore::open(dir.path()).expect("opens");
    let message = newer_message("", 4, "formats 1–3");
    assert_newer(store.draft(key), &draft, &message);
    let workflow = synthetic_workflow(12);
    let revision = 2;
    assert_newer(store.save_draft(key, &workflow, revision), &draft, &message);
    assert_newer(store.publish(key, None), &draft, &message);
    assert_newer(store.restore(key, 1, revision), &draft, &message);
    assert_newer(store.duplicate(key, None), &draft, &message);
    drop(store);
    LocalStore::open(dir.path()).expect("opens");
    assert_eq!(snapshot(&folder), before, "the folder was never written");

    // A published version of a newer format.
    rewrite_recorded(&meta, &version, |f| make_newer(f, 4));
    let store = LocalStore::open(dir.path()).expect("opens");
    assert_newer(store.version(key, 1), &version, &message);
    assert_newer(store.duplicate(key, Some(1)), &version, &message);
}

/// Issue 29: a comments.ron a newer idflow wrote is refused with "needs a
/// newer idflow" and never written over by a new comment.
#[test]
fn comments_of_a_newer_format_are_refused_and_never_overwritten() {
    let dir = TempDir::new().expect("tmp");
    let key = store_with_a_custom_workflow(dir.path());
    let comments = dir.path().join(key.to_string()).join("comments.ron");
    make_newer(&comments, 2);
    let before = fs::read(&comments).expect("read");
    let store = LocalStore::open(dir.path()).expect("opens");
    let message = newer_message("comments.ron ", 2, "format 1");
    assert_newer(store.comments(key), &comments, &message);
    assert_newer(store.add_comment(key, None, "More?"), &comments, &message);
    assert_newer(store.set_resolved(key, 1, true), &comments, &message);
    assert_eq!(fs::read(&comments).expect("read"), before);
}

/// Issue 29: the designer's autosave never writes over a recovery file a
/// newer idflow left, and does not read it as its own.
#[test]
fn a_recovery_file_of_a_newer_idflow_is_neither_read_nor_overwritten() {
    let dir = TempDir::new().expect("tmp");
    let recovery = Recovery {
        format_version: recovery::RECOVERY_FORMAT_VERSION,
        from: RecoveredFrom::Draft {
            key: 200_000,
            revision: 3,
        },
        saved_at: "2026-01-01T00:00:00Z".into(),
        workflow: synthetic_workflow(10),
    };
    let path = recovery::write(dir.path(), &recovery).expect("written");
    assert_eq!(recovery::find_all(dir.path()).len(), 1);
    make_newer(&path, 2);
    let before = fs::read(&path).expect("read");
    assert!(recovery::find_all(dir.path()).is_empty());
    match recovery::write(dir.path(), &recovery) {
        Err(error) => assert!(
            error
                .to_string()
                .contains(&newer_message("recovery file ", 2, "format 1")),
            "{error}"
        ),
        Ok(_) => panic!("a newer recovery file was overwritten"),
    }
    assert_eq!(fs::read(&path).expect("read"), before);
}
