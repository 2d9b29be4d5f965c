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
