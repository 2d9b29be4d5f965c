//! Crash test (issue 13 acceptance): 200 runs of save / publish / import /
//! duplicate / restore through the real `idflow` binary, each killed with
//! SIGKILL at a random moment (or let finish), then the store is opened:
//! every workflow reads, no leftovers remain, publishing works, and no
//! acknowledged write is lost. And (issue 30, item 11) publishes killed
//! at random points carry the review comments with the version they
//! committed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use idflow_store::{LocalStore, Status, Store};

const RUNS: usize = 200;
/// Kills must land inside a write at least this often for the test to
/// prove anything; where they land depends on the machine's timing (a busy
/// machine spends longer starting the process), so runs go on past
/// [`RUNS`] until they have, up to [`MAX_RUNS`].
const CUT_MID_WRITE: usize = 5;
const MAX_RUNS: usize = 1_000;

/// xorshift64*: reproducible "random" kill points.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn leftovers(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-")
                || name.starts_with(".new-")
                || name.starts_with(".pending-")
            {
                out.push(entry.path().display().to_string());
            }
            if entry.file_type().expect("type").is_dir() && name != ".recovery" {
                stack.push(entry.path());
            }
        }
    }
    out
}

/// Runs `idflow --store DIR store ARGS`, killed after `kill_after` unless it
/// finished first; its stdout when it exited 0 (acknowledged).
fn run_killed(store: &Path, args: &[String], kill_after: Duration) -> (Option<String>, Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_idflow"))
        .arg("--store")
        .arg(store)
        .arg("store")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start idflow");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut out = String::new();
            if let Some(mut stdout) = child.stdout.take() {
                use std::io::Read;
                let _ = stdout.read_to_string(&mut out);
            }
            return (status.success().then_some(out), start.elapsed());
        }
        if start.elapsed() >= kill_after {
            // SIGKILL on Unix: no chance to clean up.
            let _ = child.kill();
            let _ = child.wait();
            return (None, start.elapsed());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

#[test]
fn writes_killed_at_random_points_leave_a_whole_store() {
    let dir = tempfile::TempDir::new().expect("tmp");
    let root = dir.path().join("store");
    let sample = parse_workflow(
        include_str!("../sample_workflows/custom-step-up-device-risk.ron"),
        Format::Ron,
    )
    .expect("sample");
    let file = dir.path().join("edit.ron");
    let store = LocalStore::open(&root).expect("open");
    let key = store.create(sample.clone()).expect("create");
    // What the last acknowledged save said: (revision, name).
    let mut acknowledged = (1u64, sample.name.clone());
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut killed = 0;
    let mut cut_mid_write = 0;
    // How long a whole write takes (process start included), learnt from
    // the runs that finish: kill points are spread over that span, with
    // every fifth run let finish.
    let mut typical = Duration::from_millis(20);
    let mut runs = 0;
    while runs < RUNS || (cut_mid_write < CUT_MID_WRITE && runs < MAX_RUNS) {
        let run = runs;
        runs += 1;
        let store = LocalStore::open(&root).expect("open");
        let draft = store.draft(key).expect("the draft reads");
        let name = format!("Crash run {run}");
        let mut edit = draft.workflow.clone();
        edit.name = name.clone();
        std::fs::write(&file, workflow_to_text(&edit, Format::Ron)).expect("write edit");
        let history = store.history(key).expect("history");
        let args: Vec<String> = match random.below(5) {
            0 | 1 => vec![
                "save".into(),
                key.to_string(),
                file.display().to_string(),
                "--base-revision".into(),
                draft.revision.to_string(),
            ],
            2 => vec!["publish".into(), key.to_string()],
            3 if !history.is_empty() => vec![
                "restore".into(),
                key.to_string(),
                "--version".into(),
                history[random.below(history.len() as u64) as usize]
                    .number
                    .to_string(),
                "--base-revision".into(),
                draft.revision.to_string(),
            ],
            3 => vec!["import".into(), file.display().to_string()],
            _ => vec!["duplicate".into(), key.to_string()],
        };
        drop(store);
        let span = typical.as_micros().max(1) as u64;
        let kill_after = if run % 5 == 4 {
            Duration::from_secs(30)
        } else {
            Duration::from_micros(random.below(span))
        };
        let (out, took) = run_killed(&root, &args, kill_after);
        if out.is_none() && took >= kill_after {
            killed += 1;
        } else if out.is_some() {
            typical = (typical * 3 + took) / 4;
        }
        if let Some(out) = &out
            && args[0] == "save"
        {
            let revision: u64 = out.trim().parse().expect("save prints the revision");
            acknowledged = (revision, name.clone());
        }

        // The kill landed inside a write when it left something to finish.
        if !leftovers(&root).is_empty() {
            cut_mid_write += 1;
        }
        // Open: everything reads, nothing is left over.
        let store = LocalStore::open(&root).expect("opens after the kill");
        assert!(
            leftovers(&root).is_empty(),
            "run {run} ({args:?}): {:?}",
            leftovers(&root)
        );
        let listed = store.list().expect("list");
        for summary in &listed {
            assert_ne!(
                summary.status,
                Status::Damaged,
                "run {run} ({args:?}): {summary:?}"
            );
            store.draft(summary.key).expect("every draft reads");
            for version in store.history(summary.key).expect("history") {
                store
                    .version(summary.key, version.number)
                    .expect("every version reads");
            }
        }
        // No acknowledged save is lost: its revision or a later one.
        let draft = store.draft(key).expect("draft");
        assert!(
            draft.revision >= acknowledged.0,
            "run {run}: {} < {}",
            draft.revision,
            acknowledged.0
        );
        if draft.revision == acknowledged.0 {
            assert_eq!(draft.workflow.name, acknowledged.1, "run {run}");
        }
        if let Some(last) = store.history(key).expect("history").last() {
            assert!(last.revision <= draft.revision);
        }
        // Publishing always works afterwards (exactly once per revision).
        let version = store
            .publish(key, Some(draft.revision))
            .expect("publish works");
        assert_eq!(version.revision, draft.revision);
    }
    assert!(
        killed > runs / 2,
        "most runs were killed: {killed} of {runs}"
    );
    assert!(
        cut_mid_write >= CUT_MID_WRITE,
        "some kills landed inside a write (leftovers to repair): {cut_mid_write} in {runs} runs"
    );
    eprintln!("{runs} runs: {killed} killed, {cut_mid_write} cut mid-write and repaired on open");
}

/// Publish runs in [`a_publish_killed_at_random_points_carries_its_comments_with_its_version`].
const PUBLISH_RUNS: usize = 120;
/// Kills that must land after the version's commit (the process killed,
/// the version there on the next open) for that test to prove anything;
/// runs go on past [`PUBLISH_RUNS`] until they have, up to [`MAX_RUNS`].
const KILLED_AFTER_COMMIT: usize = 5;

/// Issue 30, item 11: a local publish (`idflow store publish`, the local
/// store's own publish path) killed with SIGKILL at a random point carries
/// the draft's review comments with the version it committed, or, when it
/// committed none, leaves them on the draft: never to the next version.
/// Each run saves a change and comments on it (acknowledged), then
/// publishes, killed late in the write (from half the typical run time on,
/// where the writes are) or let finish; after each, the store is opened
/// and every comment that was on the draft is carried by the new version
/// if there is one, else still on the draft.
#[test]
fn a_publish_killed_at_random_points_carries_its_comments_with_its_version() {
    let dir = tempfile::TempDir::new().expect("tmp");
    let root = dir.path().join("store");
    let sample = parse_workflow(
        include_str!("../sample_workflows/custom-step-up-device-risk.ron"),
        Format::Ron,
    )
    .expect("sample");
    let store = LocalStore::open(&root).expect("open");
    let key = store.create(sample).expect("create");
    drop(store);
    let mut random = Random(0xD1B5_4A32_D192_ED03);
    let mut typical = Duration::from_millis(20);
    let (mut runs, mut killed, mut killed_after_commit) = (0, 0, 0);
    while runs < PUBLISH_RUNS || (killed_after_commit < KILLED_AFTER_COMMIT && runs < MAX_RUNS) {
        let run = runs;
        runs += 1;
        let store = LocalStore::open(&root).expect("open");
        let draft = store.draft(key).expect("the draft reads");
        let mut edit = draft.workflow.clone();
        edit.name = format!("Publish run {run}");
        store.save_draft(key, &edit, draft.revision).expect("save");
        store
            .add_comment(key, None, &format!("Reviewed before publish run {run}"))
            .expect("comment");
        let before = store.history(key).expect("history").len();
        let on_draft: Vec<u64> = store
            .comments(key)
            .expect("comments")
            .iter()
            .filter(|c| c.version.is_none())
            .map(|c| c.id)
            .collect();
        drop(store);
        let span = typical.as_micros().max(2) as u64;
        let kill_after = if run % 5 == 4 {
            Duration::from_secs(30)
        } else {
            Duration::from_micros(span / 2 + random.below(span / 2))
        };
        let args = vec!["publish".to_owned(), key.to_string()];
        let (out, took) = run_killed(&root, &args, kill_after);
        let was_killed = out.is_none() && took >= kill_after;
        if was_killed {
            killed += 1;
        } else if out.is_some() {
            typical = (typical * 3 + took) / 4;
        }

        let store = LocalStore::open(&root).expect("opens after the kill");
        let history = store.history(key).expect("history");
        let committed = (history.len() > before).then(|| history[history.len() - 1].number);
        if out.is_some() {
            assert!(committed.is_some(), "run {run}: an acknowledged publish");
        }
        if was_killed && committed.is_some() {
            killed_after_commit += 1;
        }
        let comments = store.comments(key).expect("comments");
        for id in &on_draft {
            let comment = comments
                .iter()
                .find(|c| c.id == *id)
                .expect("no comment is lost");
            assert_eq!(
                comment.version, committed,
                "run {run} (killed: {was_killed}): comment {id} must go with the version the publish committed ({committed:?}): {comments:#?}"
            );
        }
        assert!(
            leftovers(&root).is_empty(),
            "run {run}: {:?}",
            leftovers(&root)
        );
    }
    assert!(
        killed > runs / 2,
        "most runs were killed: {killed} of {runs}"
    );
    assert!(
        killed_after_commit >= KILLED_AFTER_COMMIT,
        "some kills landed after the version's commit: {killed_after_commit} in {runs} runs"
    );
    eprintln!(
        "{runs} publish runs: {killed} killed, {killed_after_commit} after the version's commit"
    );
}
