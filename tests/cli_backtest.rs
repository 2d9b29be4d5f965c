//! `idflow backtest` as a user runs it (issue 18): NDJSON with malformed
//! lines, exit codes for CI, privacy of the outputs.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use idflow_core::backtest::generate;
use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use idflow_core::model::{Capability, NodeKind, Workflow};
use tempfile::TempDir;

fn idflow() -> Command {
    let mut cmd = Command::cargo_bin("idflow").expect("binary built");
    cmd.env_remove("IDFLOW_STORE").env_remove("RUST_LOG");
    cmd
}

fn idiv_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_workflows/10011-idiv.ron")
}

fn idiv() -> Workflow {
    let text = fs::read_to_string(idiv_path()).expect("sample");
    parse_workflow(&text, Format::Ron).expect("parses")
}

/// 10011 with Liveness unticked, written beside the documents.
fn without_liveness(dir: &Path) -> PathBuf {
    let mut copy = idiv();
    for node in &mut copy.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.capabilities.retain(|c| *c != Capability::Liveness);
        }
    }
    let path = dir.join("without-liveness.ron");
    fs::write(&path, workflow_to_text(&copy, Format::Ron)).expect("write");
    path
}

/// `count` generated documents of 10011 as NDJSON, with two malformed
/// lines (3 and 7) among them.
fn ndjson_with_bad_lines(dir: &Path, count: usize) -> PathBuf {
    let mut lines: Vec<String> = generate::documents(&idiv(), count, 5)
        .map(|g| g.document.to_string())
        .collect();
    lines.insert(2, "{\"workflow\": {\"id\": 12".to_owned());
    lines.insert(
        6,
        "{\"workflow\": {\"id\": \"x\"}, \"decision\": {\"type\": \"SOMETIMES\"}}".to_owned(),
    );
    let path = dir.join("last-month.ndjson");
    fs::write(&path, lines.join("\n") + "\n").expect("write");
    path
}

#[test]
fn malformed_lines_are_reported_with_their_line_numbers_and_skipped() {
    let dir = TempDir::new().expect("tmp");
    let documents = ndjson_with_bad_lines(dir.path(), 60);
    let output = idflow()
        .arg("backtest")
        .arg(idiv_path())
        .arg("--from")
        .arg(&documents)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("last-month.ndjson:3:"), "{stderr}");
    assert!(
        stderr.contains("last-month.ndjson:7: decision.type:") && stderr.contains("SOMETIMES"),
        "{stderr}"
    );
    assert!(stdout.contains("Backtest of 62 documents"), "{stdout}");
    assert!(stdout.contains("2 unreadable"), "{stdout}");
    assert!(
        stdout.contains(
            "Agreement of A with the recorded decisions (documents of key 10011): 100.0 % (60 of 60"
        ),
        "{stdout}"
    );
}

#[test]
fn fail_on_change_exits_1_on_a_change_and_0_without() {
    let dir = TempDir::new().expect("tmp");
    let documents = ndjson_with_bad_lines(dir.path(), 200);
    let changed = without_liveness(dir.path());
    let run = |against: &Path| {
        idflow()
            .arg("backtest")
            .arg(idiv_path())
            .arg("--against")
            .arg(against)
            .arg("--from")
            .arg(&documents)
            .arg("--fail-on-change")
            .output()
            .expect("runs")
    };
    let moved = run(&changed);
    assert_eq!(
        moved.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&moved.stdout)
    );
    let stdout = String::from_utf8_lossy(&moved.stdout);
    assert!(stdout.contains("Changed decisions A -> B:"), "{stdout}");
    let same = run(&idiv_path());
    assert_eq!(
        same.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&same.stdout)
    );
    assert!(String::from_utf8_lossy(&same.stdout).contains("Changed decisions A -> B: 0 of 200"));
}

#[test]
fn outputs_hold_no_personal_data_unless_asked() {
    let dir = TempDir::new().expect("tmp");
    let folder = dir.path().join("docs");
    fs::create_dir(&folder).expect("folder");
    let mut names = Vec::new();
    for (i, g) in generate::documents(&idiv(), 20, 9).enumerate() {
        if let Some(name) = g.document["capabilities"]["extraction"][0]["data"]["lastName"].as_str()
        {
            names.push(name.to_owned());
        }
        fs::write(folder.join(format!("{i:03}.json")), g.document.to_string()).expect("write");
    }
    assert!(!names.is_empty());
    for format in ["text", "json", "csv"] {
        let output = idflow()
            .args(["backtest"])
            .arg(idiv_path())
            .arg("--against")
            .arg(without_liveness(dir.path()))
            .arg("--from")
            .arg(&folder)
            .args(["--format", format])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{format}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        for name in &names {
            assert!(!stdout.contains(name.as_str()), "{format} shows {name}");
        }
        let shown = idflow()
            .args(["backtest"])
            .arg(idiv_path())
            .arg("--from")
            .arg(&folder)
            .args(["--format", format, "--show-data"])
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&shown.stdout);
        if format != "text" {
            // Text lists only notable rows; json and csv list every one.
            assert!(
                names.iter().all(|n| stdout.contains(n.as_str())),
                "{format}"
            );
        }
    }
}

#[test]
fn an_input_path_that_does_not_exist_exits_2() {
    let output = idflow()
        .arg("backtest")
        .arg(idiv_path())
        .args(["--from", "/nonexistent/backtest/input"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/backtest/input"));
}

// --- issue 29: recorded keys, reasons, scores ---

/// `count` generated documents of 10011 as NDJSON (seed 7).
fn idiv_documents(dir: &Path, count: usize) -> PathBuf {
    let lines: Vec<String> = generate::documents(&idiv(), count, 7)
        .map(|g| g.document.to_string())
        .collect();
    let path = dir.join("idiv.ndjson");
    fs::write(&path, lines.join("\n") + "\n").expect("write");
    path
}

fn stdout_text(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A copy of 10011 in a file stands for the recorded keys it is given
/// with `--recorded-key`; without it, only its own key counts (a file
/// carries no origin). Source: issue 29, "Backtest" ("`--recorded-key
/// KEY…` says which recorded workflow keys A stands for").
#[test]
fn recorded_key_says_which_records_a_copy_in_a_file_stands_for() {
    let dir = TempDir::new().expect("tmp");
    let documents = idiv_documents(dir.path(), 60);
    let mut copy = idiv();
    copy.key = 200123;
    let copy_path = dir.path().join("copy.ron");
    fs::write(&copy_path, workflow_to_text(&copy, Format::Ron)).expect("write");
    let run = |extra: &[&str]| {
        idflow()
            .arg("backtest")
            .arg(&copy_path)
            .arg("--from")
            .arg(&documents)
            .args(extra)
            .output()
            .expect("runs")
    };
    let own = run(&[]);
    assert_eq!(own.status.code(), Some(0));
    assert!(
        stdout_text(&own).contains("Agreement: no document of key 200123 to compare with"),
        "{}",
        stdout_text(&own)
    );
    let standing = run(&["--recorded-key", "10011"]);
    assert_eq!(standing.status.code(), Some(0), "{standing:?}");
    assert!(
        stdout_text(&standing).contains(
            "Agreement of A with the recorded decisions (documents of key 10011): 100.0 % (60 of 60; 0 not comparable)"
        ),
        "{}",
        stdout_text(&standing)
    );
    let both = run(&["--recorded-key", "10011", "200123", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&both.stdout).expect("json");
    assert_eq!(
        report["summary"]["agreement"]["keys"],
        serde_json::json!([10011, 200123])
    );
    assert_eq!(report["summary"]["agreement"]["compared"], 60);
    let bad = run(&["--recorded-key", "010011"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a workflow key"));
}

/// A custom copy in the store stands, by default, for the Global it was
/// duplicated from (through a copy of a copy) as well as its own key; a
/// Global and an imported workflow for their own key only. Sources: issue
/// 29, "Backtest" ("default: the Global a custom copy came from"); the
/// store's metadata (`store list` shows each workflow's ORIGIN; duplicate
/// records where a copy came from).
#[test]
fn a_custom_copy_in_the_store_stands_for_the_global_it_was_duplicated_from() {
    let dir = TempDir::new().expect("tmp");
    let store = dir.path().join("store");
    let documents = idiv_documents(dir.path(), 40);
    let in_store = |args: &[&str]| {
        let output = idflow()
            .arg("--store")
            .arg(&store)
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
        stdout_text(&output)
    };
    let copy = in_store(&["store", "duplicate", "10011"]).trim().to_owned();
    let copy_of_copy = in_store(&["store", "duplicate", &copy]).trim().to_owned();
    let imported = in_store(&["store", "import", &idiv_path().display().to_string()])
        .trim()
        .to_owned();
    let from = documents.display().to_string();
    for (workflow, expected) in [
        (
            copy.as_str(),
            format!("(documents of keys 10011, {copy}): 100.0 % (40 of 40"),
        ),
        (
            copy_of_copy.as_str(),
            format!("(documents of keys 10011, {copy_of_copy}): 100.0 % (40 of 40"),
        ),
        (
            "10011",
            "(documents of key 10011): 100.0 % (40 of 40".to_owned(),
        ),
        (
            imported.as_str(),
            format!("Agreement: no document of key {imported} to compare with"),
        ),
    ] {
        let report = in_store(&["backtest", workflow, "--from", &from]);
        assert!(report.contains(&expected), "{workflow}: {report}");
    }
}

/// Documents whose recorded score differs from A's under the same decision
/// and label agree, and are counted and listed apart with both scores: in
/// the text report, in json rows (`scoreDiffers`, both scores) and the
/// summary, and in a csv column. Source: issue 29, "Backtest" ("agreement
/// is decided on decision and label; a differing score under the same
/// decision and label is counted and shown apart ... with both scores in
/// the text report").
#[test]
fn the_same_decision_with_another_score_is_counted_and_shown_apart() {
    let dir = TempDir::new().expect("tmp");
    let mut lines = Vec::new();
    let mut moved = Vec::new();
    for (i, generated) in generate::documents(&idiv(), 30, 11).enumerate() {
        let mut document = generated.document;
        let score = document["decision"]["risk"]["score"]
            .as_f64()
            .map(|s| s.round() as i64);
        // Every third decided document: its recorded score 3 away, inside
        // its band (PASSED 0-30, WARNING 31-70, REJECTED 71-100).
        if i % 3 == 0
            && let Some(score) = score.filter(|s| *s >= 0)
        {
            let other = if [30, 70, 100].contains(&score) {
                score - 3
            } else {
                score + 3
            };
            document["decision"]["risk"]["score"] = serde_json::json!(other);
            moved.push((
                document["workflow"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                score,
                other,
            ));
        }
        lines.push(document.to_string());
    }
    let n = moved.len();
    assert!(n >= 5, "{n} moved");
    let documents = dir.path().join("scores.ndjson");
    fs::write(&documents, lines.join("\n") + "\n").expect("write");
    let run = |format: &str| {
        let output = idflow()
            .arg("backtest")
            .arg(idiv_path())
            .arg("--from")
            .arg(&documents)
            .args(["--format", format])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{format}: {output:?}");
        stdout_text(&output)
    };
    let text = run("text");
    assert!(
        text.contains("100.0 % (30 of 30; 0 not comparable)")
            && text.contains(&format!("same decision, score differs: {n}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("Same decision, score differs ({n}):")),
        "{text}"
    );
    for (id, original, recorded) in &moved {
        assert!(
            text.lines().any(|l| l.contains(id.as_str())
                && l.contains(&format!("recorded score {recorded}, A score {original}"))),
            "{id}: {text}"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    assert_eq!(json["summary"]["agreement"]["scoreDiffers"], n);
    assert_eq!(json["summary"]["disagreements"], 0);
    for row in json["transactions"].as_array().expect("rows") {
        let id = row["id"].as_str().expect("id");
        match moved.iter().find(|(m, _, _)| m == id) {
            Some((_, original, recorded)) => {
                assert_eq!(row["scoreDiffers"], true, "{row}");
                assert_eq!(row["recorded"]["score"], *recorded);
                assert_eq!(row["a"]["score"], *original);
            }
            None => assert_eq!(row["scoreDiffers"], false, "{row}"),
        }
    }
    let csv = run("csv");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "score_differs")
        .expect("a score_differs column");
    let differing = csv
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(column) == Some("true"))
        .count();
    assert_eq!(differing, n, "{csv}");
}

/// Replayed through a document proof, IDIV records are not comparable,
/// with the reason named in every output (never NOT_UPLOADED and a made-up
/// decision). Source: issue 29, "Backtest" ("a record whose transaction
/// did not collect what workflow A asks for is not comparable, with that
/// reason").
#[test]
fn outputs_name_the_credential_a_record_never_collected() {
    let dir = TempDir::new().expect("tmp");
    let documents = idiv_documents(dir.path(), 20);
    let proof =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_workflows/10169-document-proof.ron");
    let run = |format: &str| {
        let output = idflow()
            .arg("backtest")
            .arg(&proof)
            .arg("--from")
            .arg(&documents)
            .args(["--format", format])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{format}: {output:?}");
        stdout_text(&output)
    };
    let text = run("text");
    assert!(
        text.contains("A: the recorded transaction collected no DOCUMENT: 20"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
    for row in json["transactions"].as_array().expect("rows") {
        assert_eq!(
            row["a"]["notComparable"]["reason"], "the recorded transaction collected no DOCUMENT",
            "{row}"
        );
    }
    let csv = run("csv");
    assert_eq!(
        csv.lines()
            .filter(|l| l.contains("the recorded transaction collected no DOCUMENT at "))
            .count(),
        20,
        "{csv}"
    );
}

// --- issue 30, item 6: only regular files, each once ---

/// `count` documents of 10011 (seed `seed`) as NDJSON at `path`.
fn idiv_documents_at(path: &Path, count: usize, seed: u64) {
    let lines: Vec<String> = generate::documents(&idiv(), count, seed)
        .map(|g| g.document.to_string())
        .collect();
    fs::write(path, lines.join("\n") + "\n").expect("write");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: a valid C string; mkfifo only reads it.
    assert_eq!(
        unsafe { libc::mkfifo(name.as_ptr(), 0o600) },
        0,
        "mkfifo {}",
        path.display()
    );
}

/// The backtest of `from`, bounded in time: a read that waits for ever
/// (a FIFO, /dev/zero) fails the test instead of hanging it.
fn bounded_backtest(from: &[&Path]) -> std::process::Output {
    let mut cmd = idflow();
    cmd.arg("backtest").arg(idiv_path());
    for path in from {
        cmd.arg("--from").arg(path);
    }
    cmd.timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs")
}

/// Issue 30, item 6: a folder holding a FIFO, links to /dev/zero and out
/// of the folder, link loops, a hard link and a link to a file inside:
/// the command finishes, counts each document once and names every path
/// it refused on stderr (skipped with a warning, as a malformed document
/// is: the rest of the folder is still worth a report).
#[cfg(unix)]
#[test]
fn only_regular_files_inside_the_folder_are_read_each_once() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().expect("tmp");
    let docs = dir.path().join("docs");
    fs::create_dir_all(docs.join("sub")).expect("mkdir");
    idiv_documents_at(&docs.join("a.ndjson"), 10, 7);
    idiv_documents_at(&docs.join("sub/b.ndjson"), 3, 8);
    idiv_documents_at(&dir.path().join("outside.ndjson"), 5, 9);
    fs::hard_link(docs.join("a.ndjson"), docs.join("hard.ndjson")).expect("hard link");
    symlink("a.ndjson", docs.join("inside.ndjson")).expect("link");
    symlink("sub", docs.join("sub-again")).expect("link");
    symlink(".", docs.join("self")).expect("link");
    symlink("..", docs.join("up")).expect("link");
    symlink("../outside.ndjson", docs.join("out.ndjson")).expect("link");
    symlink("/dev/zero", docs.join("zero.json")).expect("link");
    symlink("loop.json", docs.join("loop.json")).expect("link");
    symlink("ping.ndjson", docs.join("pong.ndjson")).expect("link");
    symlink("pong.ndjson", docs.join("ping.ndjson")).expect("link");
    mkfifo(&docs.join("fifo.ndjson"));

    let output = bounded_backtest(&[&docs]);
    let stdout = stdout_text(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("(documents of key 10011): 100.0 % (13 of 13;"),
        "each of the 13 documents once: {stdout}\n{stderr}"
    );
    for (name, why) in [
        ("fifo.ndjson", "a FIFO, not a regular file"),
        ("zero.json", "outside"),
        ("out.ndjson", "outside"),
        ("up", "outside"),
        ("loop.json", "loops or leads nowhere"),
        ("ping.ndjson", "loops or leads nowhere"),
        ("pong.ndjson", "loops or leads nowhere"),
    ] {
        let path = docs.join(name).display().to_string();
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("warning: ") && l.contains(&path) && l.contains(why)),
            "{name}: {why}: {stderr}"
        );
    }
    assert!(stdout.contains("7 unreadable"), "{stdout}");
}

/// Issue 30, item 6: paths named on the command line are followed
/// wherever they lead, but only to a regular file or a folder; one file
/// named twice (or through a link) is read once.
#[cfg(unix)]
#[test]
fn named_paths_that_are_not_regular_files_are_refused_and_named_files_read_once() {
    use std::os::unix::fs::symlink;
    let dir = TempDir::new().expect("tmp");
    let fifo = dir.path().join("fifo.ndjson");
    mkfifo(&fifo);
    let zero = dir.path().join("zero.json");
    symlink("/dev/zero", &zero).expect("link");
    let looped = dir.path().join("loop.json");
    symlink("loop.json", &looped).expect("link");

    let output = bounded_backtest(&[&fifo, &zero, &looped]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "nothing readable: {stderr}");
    for (path, why) in [
        (&fifo, "a FIFO, not a regular file"),
        (&zero, "a character device, not a regular file"),
        (&looped, "cannot read"),
    ] {
        let shown = path.display().to_string();
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(&shown) && l.contains(why)),
            "{shown}: {why}: {stderr}"
        );
    }

    let documents = dir.path().join("idiv.ndjson");
    idiv_documents_at(&documents, 4, 7);
    let alias = dir.path().join("alias.ndjson");
    symlink(&documents, &alias).expect("link");
    let output = bounded_backtest(&[&documents, &alias, dir.path(), &documents]);
    let stdout = stdout_text(&output);
    assert!(
        stdout.contains("(documents of key 10011): 100.0 % (4 of 4;"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
