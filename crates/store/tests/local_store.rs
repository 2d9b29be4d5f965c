//! The local directory store: seeding, keys, revisions, publishing,
//! integrity, corrupt files, duplicates, restore and the write lock.

use idflow_store::policy::Refusal;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use idflow_core::Workflow;
use idflow_core::model::{Port, Position};
use idflow_core::synthetic::synthetic_workflow;
use idflow_store::{LocalStore, Origin, Status, Store, StoreError};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const GLOBAL_KEYS: [u32; 9] = [
    10011, 10013, 10014, 10071, 10163, 10165, 10167, 10169, 10171,
];

fn open() -> (TempDir, LocalStore) {
    let dir = TempDir::new().unwrap();
    let store = LocalStore::open(dir.path()).unwrap();
    (dir, store)
}

/// A lint-clean custom workflow.
fn clean_workflow() -> Workflow {
    let mut w = synthetic_workflow(12);
    w.name = "Custom flow".to_owned();
    w
}

/// Every path under `root` with its bytes (`None` for folders).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, Option<Vec<u8>>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(root).unwrap().to_owned();
            if path.is_dir() {
                out.insert(rel, None);
                walk(&path, root, out);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn draft_path(root: &Path, key: u32) -> PathBuf {
    root.join(key.to_string()).join("draft.ron")
}

fn version_path(root: &Path, key: u32, n: u32) -> PathBuf {
    root.join(key.to_string())
        .join("versions")
        .join(format!("{n:04}.ron"))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn is_lower_hex_64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ---------------------------------------------------------------- seeding

#[test]
fn open_creates_a_missing_folder() {
    let dir = TempDir::new().unwrap();
    let root = dir.path().join("a").join("b").join("store");
    assert!(!root.exists());
    let store = LocalStore::open(&root).unwrap();
    assert!(root.join("store.ron").is_file());
    assert_eq!(store.root(), root);
}

#[test]
fn first_open_seeds_the_standard_workflows_as_global_and_published() {
    let (dir, store) = open();
    let list = store.list().unwrap();
    assert_eq!(list.iter().map(|s| s.key).collect::<Vec<_>>(), GLOBAL_KEYS);
    for summary in &list {
        assert_eq!(summary.origin, Origin::Global, "{}", summary.key);
        assert_eq!(summary.status, Status::Published, "{}", summary.key);
        assert_eq!(summary.latest_version, Some(1), "{}", summary.key);
        assert!(!summary.name.is_empty());

        let key = summary.key;
        let wdir = dir.path().join(key.to_string());
        assert!(wdir.join("meta.ron").is_file());
        assert!(wdir.join("draft.ron").is_file());
        assert!(version_path(dir.path(), key, 1).is_file());
        assert!(
            !store.recovery_dir(key).exists(),
            "nothing is created in .recovery"
        );

        let history = store.history(key).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].number, 1);
        assert!(is_lower_hex_64(&history[0].sha256));
        let version = store.version(key, 1).unwrap();
        let draft = store.draft(key).unwrap();
        assert_eq!(version.workflow, draft.workflow);
        assert_eq!(draft.workflow.key, key);
        assert_eq!(draft.revision, summary.revision);
    }
    // Names come from the sample files.
    assert_eq!(list[0].name, store.draft(10011).unwrap().workflow.name);
}

#[test]
fn seeding_happens_once() {
    let (dir, _store) = open();
    let before = snapshot(dir.path());
    let again = LocalStore::open(dir.path()).unwrap();
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a second open changes nothing"
    );

    // A deleted Global workflow does not come back: the store is seeded.
    fs::remove_dir_all(dir.path().join("10014")).unwrap();
    let third = LocalStore::open(dir.path()).unwrap();
    let keys: Vec<u32> = third.list().unwrap().iter().map(|s| s.key).collect();
    assert!(!keys.contains(&10014));
    assert_eq!(keys.len(), 8);
    drop(again);
}

#[test]
fn default_location_is_a_store_folder_in_the_data_dir() {
    if let Some(path) = LocalStore::default_location() {
        assert!(path.ends_with("store"), "{path:?}");
        assert!(path.is_absolute());
    }
}

// ---------------------------------------------------------------- keys

#[test]
fn create_allocates_custom_keys_that_are_never_reused() {
    let (dir, store) = open();
    let a = store.create(clean_workflow()).unwrap();
    let b = store.create(clean_workflow()).unwrap();
    assert_eq!((a, b), (200_000, 200_001));

    fs::remove_dir_all(dir.path().join("200001")).unwrap();
    let c = store.create(clean_workflow()).unwrap();
    assert_eq!(
        c, 200_002,
        "a deleted workflow's key is not handed out again"
    );

    // Also across handles: the counter lives in store.ron.
    let other = LocalStore::open(dir.path()).unwrap();
    assert_eq!(other.create(clean_workflow()).unwrap(), 200_003);
}

#[test]
fn create_writes_a_custom_draft_under_the_new_key() {
    let (dir, store) = open();
    let mut workflow = clean_workflow();
    workflow.key = 12;
    let key = store.create(workflow.clone()).unwrap();

    let draft = store.draft(key).unwrap();
    assert_eq!(draft.revision, 1);
    assert_eq!(draft.workflow.key, key, "the key is set by the store");
    assert_eq!(draft.workflow.nodes, workflow.nodes);
    assert!(store.history(key).unwrap().is_empty());
    assert!(
        !dir.path()
            .join(key.to_string())
            .join("versions")
            .join("0001.ron")
            .exists()
    );

    let summary = store
        .list()
        .unwrap()
        .into_iter()
        .find(|s| s.key == key)
        .unwrap();
    assert_eq!(summary.origin, Origin::Custom);
    assert_eq!(summary.status, Status::Draft);
    assert_eq!(summary.latest_version, None);
    assert_eq!(summary.name, "Custom flow");
    assert_eq!(store.duplicated_from(key).unwrap(), None);

    // No staging folders are left behind.
    let hidden: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".new") || n.starts_with(".seed"))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn the_list_is_sorted_by_key() {
    let (_dir, store) = open();
    store.create(clean_workflow()).unwrap();
    store.duplicate(10171, Some(1)).unwrap();
    let keys: Vec<u32> = store.list().unwrap().iter().map(|s| s.key).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), 11);
}

// ---------------------------------------------------------------- drafts

#[test]
fn save_draft_bumps_the_revision_and_keeps_the_key() {
    let (_dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let mut edited = store.draft(key).unwrap().workflow;
    edited.key = 1; // ignored: the store owns keys
    edited.name = "Renamed".to_owned();
    edited.nodes[0].position = Position::new(5.0, 7.0);
    assert_eq!(store.save_draft(key, &edited, 1).unwrap(), 2);

    let draft = store.draft(key).unwrap();
    assert_eq!(draft.revision, 2);
    assert_eq!(draft.workflow.key, key);
    assert_eq!(draft.workflow.nodes[0].position, Position::new(5.0, 7.0));
    let summary = store
        .list()
        .unwrap()
        .into_iter()
        .find(|s| s.key == key)
        .unwrap();
    assert_eq!(summary.name, "Renamed");
    assert_eq!(summary.revision, 2);
}

#[test]
fn save_draft_with_a_stale_base_is_a_conflict_and_changes_nothing() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let mut w = store.draft(key).unwrap().workflow;
    w.name = "first".to_owned();
    store.save_draft(key, &w, 1).unwrap();
    let before = fs::read(draft_path(dir.path(), key)).unwrap();

    w.name = "second, based on revision 1".to_owned();
    match store.save_draft(key, &w, 1) {
        Err(StoreError::Policy(Refusal::Conflict {
            key: k,
            expected: 1,
            current: 2,
        })) => assert_eq!(k, key),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(fs::read(draft_path(dir.path(), key)).unwrap(), before);
    assert_eq!(store.draft(key).unwrap().revision, 2);
}

#[test]
fn global_workflows_are_read_only() {
    let (dir, store) = open();
    let before = snapshot(dir.path());
    let draft = store.draft(10011).unwrap();
    assert!(matches!(
        store.save_draft(10011, &draft.workflow, draft.revision),
        Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
    ));
    assert!(matches!(
        store.publish(10011, None),
        Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
    ));
    assert!(matches!(
        store.restore(10011, 1, draft.revision),
        Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
    ));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_workflow_that_would_not_read_back_is_refused() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let before = fs::read(draft_path(dir.path(), key)).unwrap();
    let mut w = store.draft(key).unwrap().workflow;
    w.nodes[0].position = Position::new(f32::NAN, 0.0);
    assert!(store.save_draft(key, &w, 1).is_err());
    assert_eq!(fs::read(draft_path(dir.path(), key)).unwrap(), before);
    assert_eq!(store.draft(key).unwrap().revision, 1);
}

#[test]
fn status_flips_from_published_to_draft_after_a_change() {
    let (_dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let status = |store: &LocalStore| {
        store
            .list()
            .unwrap()
            .into_iter()
            .find(|s| s.key == key)
            .unwrap()
            .status
    };
    assert_eq!(status(&store), Status::Draft, "never published");
    store.publish(key, Some(1)).unwrap();
    assert_eq!(status(&store), Status::Published);

    // Saving the same content keeps it published (values are compared).
    let mut w = store.draft(key).unwrap().workflow;
    store.save_draft(key, &w, 1).unwrap();
    assert_eq!(status(&store), Status::Published);

    w.description = "changed".to_owned();
    store.save_draft(key, &w, 2).unwrap();
    assert_eq!(status(&store), Status::Draft);
}

// ---------------------------------------------------------------- publish

#[test]
fn publish_with_lint_errors_writes_nothing() {
    let (dir, store) = open();
    let mut w = clean_workflow();
    // Remove a decision's Else branch.
    let else_edge = w.edges.iter().position(|e| e.port == Port::Else).unwrap();
    w.edges.remove(else_edge);
    let key = store.create(w).unwrap();
    let before = snapshot(dir.path());

    match store.publish(key, Some(1)) {
        Err(StoreError::Policy(Refusal::LintErrors { key: k, report })) => {
            assert_eq!(k, key);
            assert!(report.has_errors());
            assert!(report.has_code("decision-branch-missing"), "{report:?}");
        }
        other => panic!("expected LintErrors, got {other:?}"),
    }
    assert_eq!(snapshot(dir.path()), before, "no file in the store changed");
    assert!(store.history(key).unwrap().is_empty());
}

#[test]
fn publish_freezes_the_draft_into_immutable_numbered_versions() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();

    let v1 = store.publish(key, Some(1)).unwrap();
    assert_eq!(v1.number, 1);
    assert_eq!(v1.revision, 1);
    let path1 = version_path(dir.path(), key, 1);
    let bytes1 = fs::read(&path1).unwrap();
    assert!(is_lower_hex_64(&v1.sha256));
    assert_eq!(
        v1.sha256,
        sha256_hex(&bytes1),
        "the hash is of the file's exact bytes"
    );
    time::OffsetDateTime::parse(
        &v1.published_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(v1.published_at.ends_with('Z'), "UTC: {}", v1.published_at);
    assert_eq!(store.history(key).unwrap(), vec![v1.clone()]);
    assert_eq!(
        store.draft(key).unwrap().revision,
        1,
        "publishing does not change the draft"
    );

    let mut w = store.draft(key).unwrap().workflow;
    w.description = "second".to_owned();
    store.save_draft(key, &w, 1).unwrap();
    let v2 = store.publish(key, None).unwrap();
    assert_eq!((v2.number, v2.revision), (2, 2));
    assert!(version_path(dir.path(), key, 2).is_file());
    assert_eq!(fs::read(&path1).unwrap(), bytes1, "version 1 is unchanged");
    assert_eq!(store.history(key).unwrap(), vec![v1.clone(), v2.clone()]);

    assert_eq!(store.version(key, 1).unwrap().workflow.description, "");
    assert_eq!(
        store.version(key, 2).unwrap().workflow.description,
        "second"
    );
    assert_eq!(store.version(key, 2).unwrap().info, v2);
    let summary = store
        .list()
        .unwrap()
        .into_iter()
        .find(|s| s.key == key)
        .unwrap();
    assert_eq!(summary.latest_version, Some(2));
    assert_eq!(summary.status, Status::Published);
}

#[test]
fn publish_with_a_stale_base_is_a_conflict() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let w = store.draft(key).unwrap().workflow;
    store.save_draft(key, &w, 1).unwrap();
    let before = snapshot(dir.path());
    assert!(matches!(
        store.publish(key, Some(1)),
        Err(StoreError::Policy(Refusal::Conflict {
            expected: 1,
            current: 2,
            ..
        }))
    ));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn publish_never_overwrites_an_existing_version_file() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let stray = version_path(dir.path(), key, 1);
    fs::create_dir_all(stray.parent().unwrap()).unwrap();
    fs::write(&stray, b"not ours").unwrap();

    assert!(store.publish(key, Some(1)).is_err());
    assert_eq!(fs::read(&stray).unwrap(), b"not ours");
    assert!(store.history(key).unwrap().is_empty());
}

// ---------------------------------------------------------------- reads

#[test]
fn a_tampered_version_fails_its_integrity_check() {
    let (dir, store) = open();
    let path = version_path(dir.path(), 10011, 1);
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("ID capture", "ID kapture")).unwrap();
    match store.version(10011, 1) {
        Err(StoreError::Integrity {
            path: p,
            expected,
            actual,
        }) => {
            assert_eq!(p, path);
            assert_ne!(expected, actual);
            assert!(is_lower_hex_64(&actual));
        }
        other => panic!("expected Integrity, got {other:?}"),
    }
    assert!(matches!(
        store.duplicate(10011, Some(1)),
        Err(StoreError::Integrity { .. })
    ));
}

#[test]
fn missing_workflows_and_versions_are_reported() {
    let (_dir, store) = open();
    assert!(matches!(
        store.draft(12345),
        Err(StoreError::Policy(Refusal::NotFound { key: 12345 }))
    ));
    assert!(matches!(
        store.history(12345),
        Err(StoreError::Policy(Refusal::NotFound { key: 12345 }))
    ));
    assert!(matches!(
        store.save_draft(12345, &clean_workflow(), 1),
        Err(StoreError::Policy(Refusal::NotFound { key: 12345 }))
    ));
    assert!(matches!(
        store.duplicate(12345, None),
        Err(StoreError::Policy(Refusal::NotFound { key: 12345 }))
    ));
    assert!(matches!(
        store.version(10011, 2),
        Err(StoreError::Policy(Refusal::VersionNotFound {
            key: 10011,
            version: 2
        }))
    ));
    let key = store.create(clean_workflow()).unwrap();
    assert!(matches!(
        store.restore(key, 1, 1),
        Err(StoreError::Policy(Refusal::VersionNotFound {
            version: 1,
            ..
        }))
    ));
}

// ---------------------------------------------------------------- corrupt files

const GARBAGE: &str = "(format_version: 1, key: 200000, name: \"x\", nodes: [ (";

#[test]
fn a_corrupt_draft_is_reported_with_its_line_and_never_overwritten() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let path = draft_path(dir.path(), key);
    fs::write(&path, GARBAGE).unwrap();

    let check = |result: Result<u64, StoreError>| match result {
        Err(StoreError::Corrupt { path: p, line, .. }) => {
            assert!(p.ends_with("draft.ron"), "{p:?}");
            assert!(line.is_some());
        }
        other => panic!("expected Corrupt, got {other:?}"),
    };
    check(store.save_draft(key, &clean_workflow(), 1));
    assert_eq!(
        fs::read(&path).unwrap(),
        GARBAGE.as_bytes(),
        "bytes unchanged"
    );
    check(store.draft(key).map(|d| d.revision));
    check(store.publish(key, Some(1)).map(|v| v.revision));
    assert_eq!(fs::read(&path).unwrap(), GARBAGE.as_bytes());
    // One damaged file spoils only its own workflow (issue 13).
    let listed = store.list().expect("the list still reads");
    let damaged: Vec<u32> = listed
        .iter()
        .filter(|s| s.status == Status::Damaged)
        .map(|s| s.key)
        .collect();
    assert_eq!(damaged, [key]);
    assert!(listed.len() > 1, "the rest is listed");
    // The revision did not move either.
    let meta = fs::read_to_string(dir.path().join(key.to_string()).join("meta.ron")).unwrap();
    assert!(meta.contains("revision: 1"), "{meta}");
}

#[test]
fn restore_does_not_overwrite_a_corrupt_draft() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    store.publish(key, Some(1)).unwrap();
    let path = draft_path(dir.path(), key);
    fs::write(&path, GARBAGE).unwrap();
    assert!(matches!(
        store.restore(key, 1, 1),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(fs::read(&path).unwrap(), GARBAGE.as_bytes());
}

#[test]
fn a_corrupt_meta_file_is_reported_with_its_path_and_line() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let path = dir.path().join(key.to_string()).join("meta.ron");
    fs::write(&path, "(\n  format_version: 1,\n  key: oops,\n)").unwrap();
    match store.draft(key) {
        Err(StoreError::Corrupt { path: p, line, .. }) => {
            assert_eq!(p, path);
            assert_eq!(line, Some(3));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(matches!(
        store.save_draft(key, &clean_workflow(), 1),
        Err(StoreError::Corrupt { .. })
    ));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "(\n  format_version: 1,\n  key: oops,\n)"
    );
}

#[test]
fn a_meta_file_in_the_wrong_folder_is_corrupt() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let meta = dir.path().join(key.to_string()).join("meta.ron");
    let text = fs::read_to_string(&meta).unwrap();
    fs::write(&meta, text.replace(&format!("key: {key}"), "key: 10011")).unwrap();
    assert!(matches!(
        store.history(key),
        Err(StoreError::Corrupt { line: None, .. })
    ));
}

#[test]
fn a_corrupt_store_file_is_reported_and_left_alone() {
    let dir = TempDir::new().unwrap();
    LocalStore::open(dir.path()).unwrap();
    let path = dir.path().join("store.ron");
    fs::write(&path, "(format_version: 1, next_custom_key: )").unwrap();
    match LocalStore::open(dir.path()) {
        Err(StoreError::Corrupt { path: p, line, .. }) => {
            assert!(p.ends_with("store.ron"));
            assert_eq!(line, Some(1));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "(format_version: 1, next_custom_key: )"
    );
}

#[test]
fn an_unreadable_file_is_an_io_error_naming_it() {
    let (dir, store) = open();
    let path = draft_path(dir.path(), 10014);
    fs::remove_file(&path).unwrap();
    match store.draft(10014) {
        Err(StoreError::Io { path: p, .. }) => assert_eq!(p, path),
        other => panic!("expected Io, got {other:?}"),
    }
}

// ---------------------------------------------------------------- duplicate, restore

#[test]
fn duplicating_a_global_version_makes_a_custom_workflow() {
    let (_dir, store) = open();
    let source = store.version(10011, 1).unwrap().workflow;
    let key = store.duplicate(10011, Some(1)).unwrap();
    assert_eq!(key, 200_000);

    let copy = store.draft(key).unwrap();
    assert_eq!(copy.revision, 1);
    assert_eq!(copy.workflow.key, key);
    assert_eq!(copy.workflow.nodes, source.nodes);
    assert_eq!(copy.workflow.edges, source.edges);
    assert_eq!(copy.workflow.name, format!("Copy of {} (v1)", source.name));
    let summary = store
        .list()
        .unwrap()
        .into_iter()
        .find(|s| s.key == key)
        .unwrap();
    assert_eq!(summary.origin, Origin::Custom);
    assert_eq!(summary.status, Status::Draft);
    let from = store.duplicated_from(key).unwrap().unwrap();
    assert_eq!((from.key, from.version), (10011, Some(1)));

    // The copy is writable.
    assert_eq!(store.save_draft(key, &copy.workflow, 1).unwrap(), 2);
}

#[test]
fn duplicating_a_draft_copies_the_draft() {
    let (_dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    let mut w = store.draft(key).unwrap().workflow;
    w.description = "unpublished edit".to_owned();
    store.save_draft(key, &w, 1).unwrap();

    let copy_key = store.duplicate(key, None).unwrap();
    assert_ne!(copy_key, key);
    let copy = store.draft(copy_key).unwrap().workflow;
    assert_eq!(copy.description, "unpublished edit");
    assert_eq!(copy.name, "Copy of Custom flow");
    let from = store.duplicated_from(copy_key).unwrap().unwrap();
    assert_eq!((from.key, from.version), (key, None));
}

#[test]
fn restore_brings_back_a_version() {
    let (_dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    store.publish(key, Some(1)).unwrap();
    let v1 = store.version(key, 1).unwrap().workflow;

    let mut w = store.draft(key).unwrap().workflow;
    w.name = "Edited".to_owned();
    w.nodes.pop();
    store.save_draft(key, &w, 1).unwrap();
    assert_ne!(store.draft(key).unwrap().workflow, v1);

    assert!(matches!(
        store.restore(key, 1, 1),
        Err(StoreError::Policy(Refusal::Conflict { .. }))
    ));
    assert_eq!(store.restore(key, 1, 2).unwrap(), 3);
    let draft = store.draft(key).unwrap();
    assert_eq!(draft.workflow, v1);
    assert_eq!(draft.revision, 3);
    let summary = store
        .list()
        .unwrap()
        .into_iter()
        .find(|s| s.key == key)
        .unwrap();
    assert_eq!(summary.status, Status::Published);
    assert_eq!(summary.name, "Custom flow");
}

/// Issue 14: archive hides a custom workflow from the list's default view
/// (the flag is in the summary), keeps its draft and versions and the
/// draft's revision, and unarchive brings it back; a Global cannot be
/// archived. meta.ron of a workflow never archived reads as before.
#[test]
fn archive_and_unarchive_round_trip_and_keep_everything() {
    let (dir, store) = open();
    let key = store.create(clean_workflow()).unwrap();
    store.publish(key, Some(1)).unwrap();
    let meta_path = dir.path().join(key.to_string()).join("meta.ron");
    let meta_before = fs::read_to_string(&meta_path).unwrap();
    assert!(!meta_before.contains("archived"), "{meta_before}");
    let draft = store.draft(key).unwrap();

    store.set_archived(key, true).unwrap();
    store.set_archived(key, true).unwrap();
    let line = |store: &LocalStore| {
        store
            .list()
            .unwrap()
            .into_iter()
            .find(|s| s.key == key)
            .unwrap()
    };
    assert!(line(&store).archived);
    let reopened = LocalStore::open(dir.path()).unwrap();
    assert!(line(&reopened).archived, "kept on disk");
    assert_eq!(reopened.draft(key).unwrap(), draft);
    assert_eq!(reopened.history(key).unwrap().len(), 1);
    assert_eq!(
        reopened
            .save_draft(key, &draft.workflow, draft.revision)
            .unwrap(),
        2
    );

    reopened.set_archived(key, false).unwrap();
    assert!(!line(&reopened).archived);
    assert!(!fs::read_to_string(&meta_path).unwrap().contains("archived"));

    assert!(matches!(
        store.set_archived(10011, true),
        Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
    ));
    assert!(matches!(
        store.set_archived(299_999, true),
        Err(StoreError::Policy(Refusal::NotFound { key: 299_999 }))
    ));
    assert!(store.list().unwrap().iter().all(|s| !s.archived));
}

// ---------------------------------------------------------------- concurrency

#[test]
fn concurrent_creates_from_separate_handles_get_distinct_keys() {
    let dir = TempDir::new().unwrap();
    LocalStore::open(dir.path()).unwrap();
    let threads = 8;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let root = dir.path().to_owned();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let store = LocalStore::open(&root).unwrap();
                barrier.wait();
                (0..3)
                    .map(|_| store.create(clean_workflow()).unwrap())
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut keys: Vec<u32> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    keys.sort_unstable();
    let expected: Vec<u32> = (200_000..200_000 + 3 * threads as u32).collect();
    assert_eq!(keys, expected);
}

#[test]
fn concurrent_saves_on_the_same_base_let_exactly_one_win() {
    let dir = TempDir::new().unwrap();
    let key = LocalStore::open(dir.path())
        .unwrap()
        .create(clean_workflow())
        .unwrap();
    let threads = 8;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let root = dir.path().to_owned();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let store = LocalStore::open(&root).unwrap();
                let mut w = store.draft(key).unwrap().workflow;
                w.description = format!("writer {i}");
                barrier.wait();
                store.save_draft(key, &w, 1)
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let wins = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Policy(Refusal::Conflict { .. }))))
        .count();
    assert_eq!((wins, conflicts), (1, threads - 1), "{results:?}");
    let store = LocalStore::open(dir.path()).unwrap();
    assert_eq!(store.draft(key).unwrap().revision, 2);
}

#[test]
fn concurrent_first_opens_seed_once() {
    let dir = TempDir::new().unwrap();
    let threads = 4;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let root = dir.path().to_owned();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                LocalStore::open(&root).map(|_| ())
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let store = LocalStore::open(dir.path()).unwrap();
    let list = store.list().unwrap();
    assert_eq!(list.len(), 9);
    assert!(
        list.iter()
            .all(|s| store.history(s.key).unwrap().len() == 1)
    );
}

/// Issue 16: review comments live beside the draft: on a step or on the
/// workflow, resolved and reopened, surviving saves (and never making one
/// stale), carried read-only with the version that gets published.
#[test]
fn comments_survive_saves_and_are_carried_by_the_published_version() {
    let dir = tempfile::TempDir::new().expect("tmp");
    let store = idflow_store::LocalStore::open(dir.path())
        .expect("store")
        .with_author("Ada");
    let key = store.duplicate(10011, None).expect("copy");
    let on_step = store
        .add_comment(key, Some("idiv"), "  Is liveness needed for ACME?  ")
        .expect("on a step");
    let on_workflow = store
        .add_comment(key, None, "Ready for the customer review")
        .expect("on the workflow");
    assert_eq!((on_step.id, on_workflow.id), (1, 2));
    assert_eq!(on_step.text, "Is liveness needed for ACME?");
    assert_eq!(on_step.author, "Ada");
    assert_eq!(on_step.step.as_deref(), Some("idiv"));
    assert!(store.set_resolved(key, 1, true).expect("resolve").resolved);
    assert!(!store.set_resolved(key, 1, false).expect("reopen").resolved);
    store.set_resolved(key, 2, true).expect("resolve");

    // Two saves: the comments stay, and commenting never made a save stale.
    let draft = store.draft(key).expect("draft");
    let r2 = store
        .save_draft(key, &draft.workflow, draft.revision)
        .expect("save");
    let r3 = store.save_draft(key, &draft.workflow, r2).expect("save");
    assert_eq!(store.comments(key).expect("comments").len(), 2);

    let v1 = store.publish(key, Some(r3)).expect("publish");
    let carried = store.comments(key).expect("comments");
    assert!(
        carried.iter().all(|c| c.version == Some(v1.number)),
        "{carried:?}"
    );
    assert_eq!(
        carried.iter().map(|c| c.resolved).collect::<Vec<_>>(),
        [false, true]
    );
    assert!(matches!(
        store.set_resolved(key, 1, true),
        Err(idflow_store::StoreError::Refused { .. })
    ));
    // A new comment is on the next draft.
    let next = store.add_comment(key, None, "For v2").expect("add");
    assert_eq!((next.id, next.version), (3, None));
    // Kept on disk, read by a fresh handle.
    let again = idflow_store::LocalStore::open(dir.path()).expect("reopen");
    assert_eq!(again.comments(key).expect("comments").len(), 3);

    assert!(matches!(
        store.add_comment(key, None, "   "),
        Err(idflow_store::StoreError::Policy(Refusal::BadComment))
    ));
    assert!(matches!(
        store.add_comment(10011, None, "on a Global"),
        Err(idflow_store::StoreError::Policy(Refusal::ReadOnly {
            key: 10011
        }))
    ));
    assert!(matches!(
        store.set_resolved(key, 99, true),
        Err(idflow_store::StoreError::Policy(Refusal::CommentNotFound {
            id: 99,
            ..
        }))
    ));
}

/// Issue 32: the author goes through the `Store` trait (a store opened as
/// `dyn Store`, as the designer's worker holds it, records the name set
/// on it for versions and comments; blank is the OS user), and so does
/// approving, which the local store refuses: it has no second pair of
/// eyes.
#[test]
fn the_author_and_approving_go_through_the_store_trait() {
    let dir = tempfile::TempDir::new().expect("tmp");
    let mut store: Box<dyn Store + Send> = Box::new(LocalStore::open(dir.path()).expect("store"));
    let key = store.duplicate(10011, None).expect("copy");
    store.set_author("  Ada  ");
    let comment = store
        .add_comment(key, None, "Looks right")
        .expect("comment");
    assert_eq!(comment.author, "Ada");
    let revision = store.draft(key).expect("draft").revision;
    let v1 = store
        .publish_with_note(key, Some(revision), "first")
        .expect("publish");
    assert_eq!(v1.author, "Ada");
    store.set_author("Grace");
    let again = store.add_comment(key, None, "Next round").expect("comment");
    assert_eq!(again.author, "Grace", "the name set last");
    store.set_author("   ");
    let blank = store.add_comment(key, None, "By whom?").expect("comment");
    assert_eq!(
        blank.author,
        idflow_store::os_user(),
        "blank: this machine's user"
    );
    let refused = store.approve(key, revision);
    assert!(
        matches!(&refused, Err(StoreError::Refused { message }) if message.contains("four-eyes")),
        "{refused:?}"
    );
}
