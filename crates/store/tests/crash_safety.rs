//! What interrupted writes leave behind is finished or undone on the next
//! open, publishing is exactly-once per draft revision, a damaged file
//! spoils only its workflow, and a store written by the previous release
//! opens and publishes (issue 13). The SIGKILL loop is in the root crate's
//! `tests/store_crash.rs` (it needs the `idflow` binary).

use idflow_store::policy::Refusal;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use idflow_core::Workflow;
use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use idflow_store::{LocalStore, Status, Store, StoreError};
use tempfile::TempDir;

fn sample() -> Workflow {
    parse_workflow(
        include_str!("../../../sample_workflows/custom-returning-user.ron"),
        Format::Ron,
    )
    .expect("sample parses")
}

fn open() -> (TempDir, LocalStore) {
    let dir = TempDir::new().expect("tmp");
    let store = LocalStore::open(dir.path()).expect("open");
    (dir, store)
}

fn workflow_dir(root: &Path, key: u32) -> PathBuf {
    root.join(key.to_string())
}

/// Every file under `root` whose name marks an unfinished write.
fn leftovers(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-")
                || name.starts_with(".new-")
                || name.starts_with(".pending-")
            {
                out.push(entry.path());
            }
            if entry.file_type().expect("type").is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out
}

#[test]
fn publishing_a_revision_twice_answers_the_same_version() {
    let (_dir, store) = open();
    let key = store.create(sample()).expect("create");
    let first = store.publish(key, Some(1)).expect("publish");
    let again = store.publish(key, Some(1)).expect("publish again");
    assert_eq!(again, first);
    let without_base = store
        .publish(key, None)
        .expect("publish the current revision");
    assert_eq!(without_base, first);
    assert_eq!(store.history(key).expect("history").len(), 1);
    // A later revision publishes; the earlier one still answers v1.
    let revision = store.save_draft(key, &sample(), 1).expect("save");
    let second = store.publish(key, Some(revision)).expect("publish");
    assert_eq!(second.number, 2);
    assert_eq!(store.publish(key, Some(1)).expect("old revision"), first);
    // A stale revision never published is refused.
    let unpublished = store.save_draft(key, &sample(), revision).expect("save");
    store
        .save_draft(key, &sample(), unpublished)
        .expect("save again");
    match store.publish(key, Some(unpublished)) {
        Err(StoreError::Policy(Refusal::Conflict { .. })) => {}
        other => panic!("expected Conflict, got {other:?}"),
    }
}

#[test]
fn eight_concurrent_publishes_of_one_revision_make_one_version() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let barrier = barrier.clone();
            let root = dir.path().to_owned();
            std::thread::spawn(move || {
                let store = LocalStore::open(&root).expect("open");
                barrier.wait();
                store.publish(key, Some(1)).expect("publish").number
            })
        })
        .collect();
    let numbers: Vec<u32> = threads
        .into_iter()
        .map(|t| t.join().expect("thread"))
        .collect();
    assert!(numbers.iter().all(|&n| n == 1), "{numbers:?}");
    assert_eq!(store.history(key).expect("history").len(), 1);
}

#[test]
fn a_version_written_but_never_recorded_is_removed_on_open() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    // What the previous release left when killed between the two writes.
    let orphan = workflow_dir(dir.path(), key)
        .join("versions")
        .join("0001.ron");
    fs::create_dir_all(orphan.parent().expect("parent")).expect("mkdir");
    fs::write(&orphan, workflow_to_text(&sample(), Format::Ron)).expect("write orphan");
    let revision = store.save_draft(key, &sample(), 1).expect("save");
    let store = LocalStore::open(dir.path()).expect("reopen");
    assert!(!orphan.exists(), "not recorded, so not committed: removed");
    let version = store
        .publish(key, Some(revision))
        .expect("publish works again");
    assert_eq!(version.number, 1);
}

#[test]
fn a_recorded_version_not_yet_in_place_reads_and_is_finished_on_open() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    store.publish(key, Some(1)).expect("publish");
    // Cut off after meta.ron committed, before the rename.
    let versions = workflow_dir(dir.path(), key).join("versions");
    fs::rename(
        versions.join("0001.ron"),
        versions.join(".pending-0001.ron"),
    )
    .expect("rename back");
    let read = store.version(key, 1).expect("readable meanwhile");
    assert_eq!(read.workflow.name, sample().name);
    let store = LocalStore::open(dir.path()).expect("reopen");
    assert!(versions.join("0001.ron").exists());
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    store.version(key, 1).expect("in place");
}

/// Issue 30, item 11: a publish marks the draft's comments with its
/// version before meta.ron commits that version. Cut off before the
/// commit, the comments name a version that was never recorded: every
/// reader takes them as still on the draft (they can be resolved), opening
/// the store puts them back on the draft, and the next publish carries
/// them with the version it commits (the same number, so a build that
/// reads the mark as it is never shows them with another version). Cut
/// off after the commit (before the rename into place), they are on the
/// committed version. On the release before, the comments were moved
/// after the commit: a cut there left them to the next version (the
/// SIGKILL loop in `tests/store_crash.rs` shows it through the binary).
#[test]
fn comments_go_with_the_version_a_cut_off_publish_committed_and_no_other() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    store
        .add_comment(key, None, "Why no facemap?")
        .expect("comment");
    store
        .add_comment(key, Some("selfie"), "Threshold?")
        .expect("comment");
    let wdir = workflow_dir(dir.path(), key);
    // Cut off before the commit: the comments marked, meta.ron without v1.
    let marked = fs::read_to_string(wdir.join("comments.ron"))
        .expect("comments.ron")
        .replace("version: None", "version: Some(1)");
    fs::write(wdir.join("comments.ron"), &marked).expect("write the marks");
    assert!(store.history(key).expect("history").is_empty());
    let read = store.comments(key).expect("comments");
    assert!(
        read.iter().all(|c| c.version.is_none()),
        "on the draft while v1 is not committed: {read:?}"
    );
    drop(store);
    let store = LocalStore::open(dir.path()).expect("reopen");
    let on_disk = fs::read_to_string(wdir.join("comments.ron")).expect("comments.ron");
    assert!(
        !on_disk.contains("version: Some("),
        "opening puts them back on the draft: {on_disk}"
    );
    let resolved = store.set_resolved(key, 2, true).expect("resolvable");
    assert_eq!((resolved.resolved, resolved.version), (true, None));
    let v1 = store.publish(key, Some(1)).expect("publish");
    let carried = store.comments(key).expect("comments");
    assert_eq!(carried.len(), 2);
    assert!(
        carried.iter().all(|c| c.version == Some(v1.number)),
        "{carried:?}"
    );

    // Cut off after the commit, before the rename into place: the comments
    // are on v2, the version it committed, and stay there on the next open.
    let revision = store.save_draft(key, &sample(), 1).expect("save");
    store.add_comment(key, None, "For v2").expect("comment");
    let v2 = store.publish(key, Some(revision)).expect("publish");
    let versions = wdir.join("versions");
    fs::rename(
        versions.join("0002.ron"),
        versions.join(".pending-0002.ron"),
    )
    .expect("rename back");
    let store = LocalStore::open(dir.path()).expect("reopen");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    let comments = store.comments(key).expect("comments");
    let by_version: Vec<(u64, Option<u32>)> = comments.iter().map(|c| (c.id, c.version)).collect();
    assert_eq!(
        by_version,
        [(1, Some(1)), (2, Some(1)), (3, Some(v2.number))]
    );
    let revision = store.save_draft(key, &sample(), revision).expect("save");
    let v3 = store.publish(key, Some(revision)).expect("publish");
    assert_eq!(v3.number, 3);
    assert!(
        store
            .comments(key)
            .expect("comments")
            .iter()
            .all(|c| c.version != Some(3)),
        "nothing was left to v3"
    );
}

#[test]
fn a_draft_saved_but_not_committed_is_never_shown_under_the_old_revision() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    // Cut off after writing the draft, before meta.ron.
    let mut edited = sample();
    edited.name = "Edited before the crash".to_owned();
    edited.key = key;
    fs::write(
        workflow_dir(dir.path(), key).join("draft.ron"),
        workflow_to_text(&edited, Format::Ron),
    )
    .expect("write draft");
    let draft = store.draft(key).expect("draft");
    assert_eq!(draft.workflow.name, "Edited before the crash");
    assert_eq!(
        draft.revision, 2,
        "adopted as the next revision, never labelled 1"
    );
}

#[test]
fn temp_files_and_unfinished_new_workflows_are_cleaned_on_open() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    fs::write(dir.path().join(".tmp-abc"), b"x").expect("tmp");
    fs::write(workflow_dir(dir.path(), key).join(".tmp-def"), b"x").expect("tmp");
    fs::create_dir_all(dir.path().join(".new-200099")).expect("staging");
    fs::write(dir.path().join(".new-200099").join("draft.ron"), b"half").expect("half");
    drop(store);
    let store = LocalStore::open(dir.path()).expect("reopen");
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    assert!(
        store
            .list()
            .expect("list")
            .iter()
            .all(|s| s.status != Status::Damaged)
    );
}

/// Issue 13 acceptance: one damaged version file; `list` still answers,
/// lists the rest, marks that one DAMAGED; reading it names the file.
#[test]
fn a_damaged_version_marks_only_its_workflow() {
    let (dir, store) = open();
    let key = store.create(sample()).expect("create");
    store.publish(key, Some(1)).expect("publish");
    let revision = store.save_draft(key, &sample(), 1).expect("save");
    store.publish(key, Some(revision)).expect("publish v2");
    let v1 = workflow_dir(dir.path(), key)
        .join("versions")
        .join("0001.ron");
    fs::write(&v1, b"(not: a workflow").expect("damage");
    let listed = store.list().expect("list answers");
    let statuses: Vec<(u32, Status)> = listed.iter().map(|s| (s.key, s.status)).collect();
    assert!(statuses.contains(&(key, Status::Damaged)), "{statuses:?}");
    assert!(
        statuses.contains(&(10011, Status::Published)),
        "{statuses:?}"
    );
    match store.version(key, 1) {
        Err(StoreError::Integrity { path, .. }) => assert_eq!(path, v1),
        other => panic!("expected Integrity, got {other:?}"),
    }
    // The draft and meta are fine: saving still works; the file is kept.
    store
        .save_draft(key, &sample(), revision)
        .expect("save still works");
    assert_eq!(fs::read(&v1).expect("kept"), b"(not: a workflow");
}

/// Issue 13: "Today's store fixtures open and publish with the new code".
/// The fixture was written by the previous release (`idflow store import`,
/// `publish`, `save`): meta.ron without a draft hash, versions written
/// before meta.ron.
#[test]
fn a_store_written_by_the_previous_release_opens_and_publishes() {
    let dir = TempDir::new().expect("tmp");
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-before-exactly-once");
    copy_dir(&source, dir.path());
    let store = LocalStore::open(dir.path()).expect("opens");
    let listed = store.list().expect("lists");
    assert_eq!(listed.len(), 10);
    assert!(
        listed.iter().all(|s| s.status != Status::Damaged),
        "{listed:?}"
    );
    let custom = listed
        .iter()
        .find(|s| s.key == 200_000)
        .expect("the imported workflow");
    assert_eq!(
        (custom.status, custom.revision, custom.latest_version),
        (Status::Draft, 2, Some(1))
    );
    let draft = store.draft(200_000).expect("draft");
    assert!(
        draft.workflow.name.starts_with("Step up:"),
        "{}",
        draft.workflow.name
    );
    let v1 = store
        .version(200_000, 1)
        .expect("v1 with its recorded hash");
    assert!(v1.workflow.name.starts_with("Step-up:"));
    // Issue 15: versions from before notes and authors read without them.
    assert_eq!((v1.info.note.as_str(), v1.info.author.as_str()), ("", ""));
    let v2 = store
        .with_author("Ada")
        .publish_with_note(200_000, Some(2), "Step up for the pilot")
        .expect("publishes");
    assert_eq!(v2.number, 2);
    assert_eq!(
        (v2.note.as_str(), v2.author.as_str()),
        ("Step up for the pilot", "Ada")
    );
    let store = LocalStore::open(dir.path()).expect("reopens");
    assert_eq!(store.publish(200_000, Some(2)).expect("again"), v2);
    assert_eq!(store.history(200_000).expect("history")[1], v2);
    let global = store.version(10011, 1).expect("a Global version reads");
    assert_eq!(global.info.number, 1);
}

/// Issue 29: "The standard workflows switch to Default, so their
/// hand-written weights go (each Global gets a new version on the next
/// open, as the refresh already does)". The fixture is a store seeded by
/// the release before (f342f83): each Global's version 1 is
/// `sample_workflows/` as it was then (format 1, `weights: [...]`). On the
/// next open every Global gets version 2, this build's standard workflow
/// scoring by DEFAULT, and its draft follows; version 1 stays byte for
/// byte, with its recorded hash, and still reads as the weights it had.
#[test]
fn globals_seeded_with_weights_get_a_default_scoring_version_on_the_next_open() {
    use idflow_core::model::{NodeKind, Scoring};
    let dir = TempDir::new().expect("tmp");
    let source =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-before-default-score");
    copy_dir(&source, dir.path());
    let standard = idflow_store::standard_workflows().expect("standard workflows");
    assert_eq!(standard.len(), 9);
    let risk_scoring = |w: &Workflow| -> Vec<Scoring> {
        w.nodes
            .iter()
            .filter_map(|n| match &n.kind {
                NodeKind::RiskCalculation(r) => Some(r.scoring.clone()),
                _ => None,
            })
            .collect()
    };
    let v1_file = |root: &Path, key: u32| root.join(key.to_string()).join("versions/0001.ron");

    let store = LocalStore::open(dir.path()).expect("opens");
    for expected in &standard {
        let key = expected.key;
        let history = store.history(key).expect("history");
        assert_eq!(
            history.iter().map(|v| v.number).collect::<Vec<_>>(),
            [1, 2],
            "{key}"
        );
        assert_eq!(
            fs::read(v1_file(dir.path(), key)).expect("v1"),
            fs::read(v1_file(&source, key)).expect("fixture v1"),
            "{key}: version 1 rewritten"
        );
        let v1 = store
            .version(key, 1)
            .expect("v1 reads with its recorded hash");
        let old = risk_scoring(&v1.workflow);
        assert!(
            !old.is_empty()
                && old
                    .iter()
                    .all(|s| matches!(s, Scoring::Weights(w) if !w.is_empty())),
            "{key}: version 1 keeps its weights: {old:?}"
        );
        let v2 = store.version(key, 2).expect("v2");
        assert_eq!(
            v2.workflow, *expected,
            "{key}: this build's standard workflow"
        );
        let new = risk_scoring(&v2.workflow);
        assert!(
            !new.is_empty() && new.iter().all(|s| *s == Scoring::Default),
            "{key}: {new:?}"
        );
        assert_eq!(store.draft(key).expect("draft").workflow, v2.workflow);
    }
    let listed = store.list().expect("lists");
    assert!(
        listed.iter().all(|s| s.status == Status::Published),
        "{listed:?}"
    );
    // A second open adds nothing.
    let store = LocalStore::open(dir.path()).expect("reopens");
    for expected in &standard {
        assert_eq!(store.history(expected.key).expect("history").len(), 2);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Issue 13: only regular files are read (a FIFO or a `/dev/zero` link
/// would block or fill memory), with an error that names the path.
#[cfg(unix)]
#[test]
fn special_files_are_refused_not_read() {
    let dir = TempDir::new().expect("tmp");
    let zero = dir.path().join("zero.ron");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let fifo = dir.path().join("pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for path in [&zero, &fifo] {
        match idflow_store::files::read_workflow_file(path) {
            Err(error) => {
                let text = error.to_string();
                assert!(text.contains("not a regular file"), "{text}");
                assert!(text.contains(&path.display().to_string()), "{text}");
            }
            Ok(_) => panic!("{} was read", path.display()),
        }
    }
}
