//! The command line's outputs and exit codes, run as a user would run them.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn idflow() -> Command {
    let mut cmd = Command::cargo_bin("idflow").expect("binary built");
    cmd.env_remove("IDFLOW_STORE").env_remove("RUST_LOG");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn sample(prefix: &str) -> PathBuf {
    let dir = root().join("sample_workflows");
    fs::read_dir(&dir)
        .expect("sample_workflows")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no sample {prefix}"))
}

fn all_samples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("sample_workflows"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    v.sort();
    v
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().expect("runs").stdout).expect("utf-8")
}

// --- lint ---

/// Issue 29, acceptance: "`idflow lint sample_workflows/*`: 0 errors, 0
/// warnings, and the samples turn no lint rule off or down" (the samples'
/// own `lint` settings are checked in `crates/core/tests/samples.rs`).
#[test]
fn lint_of_every_sample_exits_0_without_errors_or_warnings() {
    let samples = all_samples();
    idflow()
        .arg("lint")
        .args(&samples)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(": error ").not())
        .stdout(predicate::str::contains(": warning ").not())
        .stderr(predicate::str::contains(format!(
            "{} file(s): 0 error(s), 0 warning(s)",
            samples.len()
        )));
}

#[test]
fn lint_names_rule_and_node_for_each_acceptance_fixture() {
    for (file, code, node) in [
        (
            "extraction-without-usability.ron",
            "capability-dependency",
            "idiv",
        ),
        ("facemap-api-only.ron", "facemap-api-only", "selfie_capture"),
        (
            "decision-missing-else.ron",
            "decision-branch-missing",
            "no_fraud",
        ),
        (
            "unreachable-node.ron",
            "unreachable-node",
            "forgotten_screening",
        ),
    ] {
        let path = fixture(file);
        let expected = format!("{}: error {code} [node {node}]: ", path.display());
        idflow()
            .arg("lint")
            .arg(&path)
            .assert()
            .code(1)
            .stdout(predicate::str::contains(expected));
    }
}

#[test]
fn lint_exits_2_on_an_unreadable_file_and_names_path_and_line() {
    let broken = fixture("broken-syntax.ron");
    idflow()
        .arg("lint")
        .arg(&broken)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:4:", broken.display())));
    idflow()
        .args(["lint", "no/such/file.ron"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.ron"));
    // Unreadable wins over lint errors when both occur.
    idflow()
        .arg("lint")
        .arg(fixture("facemap-api-only.ron"))
        .arg(&broken)
        .assert()
        .code(2);
}

#[test]
fn lint_json_lists_findings_per_file() {
    let out = stdout_of(
        idflow()
            .args(["lint", "--format", "json"])
            .arg(fixture("facemap-api-only.ron")),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let findings = v[0]["findings"].as_array().expect("findings");
    let f = findings
        .iter()
        .find(|f| f["code"] == "facemap-api-only")
        .expect("finding");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["node"], "selfie_capture");
    assert_eq!(f["field"], "channels");
}

#[test]
fn lint_rules_lists_every_rule() {
    let out = stdout_of(idflow().args(["lint", "--rules"]));
    assert_eq!(out.lines().count(), idflow_core::lint::RULES.len());
    assert!(out.contains("facemap-api-only\terror\t"));
    // Issue 29: the new rule, with its summary.
    assert!(
        out.lines()
            .any(|l| l.starts_with("risk-warnings-reject\twarning\t") && l.contains("REJECTED")),
        "{out}"
    );
}

#[test]
fn json_files_lint_like_ron_files() {
    let dir = TempDir::new().expect("tmp");
    let json = dir.path().join("bad.json");
    idflow()
        .arg("convert")
        .arg(fixture("facemap-api-only.ron"))
        .arg(&json)
        .assert()
        .code(0);
    idflow()
        .arg("lint")
        .arg(&json)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("facemap-api-only"));
}

// --- convert ---

#[test]
fn convert_round_trips_ron_json_ron() {
    let dir = TempDir::new().expect("tmp");
    let json = dir.path().join("w.json");
    let ron = dir.path().join("w.ron");
    let original = sample("10167");
    idflow()
        .arg("convert")
        .arg(&original)
        .arg(&json)
        .assert()
        .code(0);
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).expect("json")).expect("valid json");
    assert_eq!(v["key"], 10167);
    idflow()
        .arg("convert")
        .arg(&json)
        .arg(&ron)
        .assert()
        .code(0);
    let a = idflow_store::files::read_workflow_file(&original).expect("a");
    let b = idflow_store::files::read_workflow_file(&ron).expect("b");
    assert_eq!(a, b);
}

#[test]
fn convert_refuses_unknown_extensions_and_writes_nothing() {
    let dir = TempDir::new().expect("tmp");
    let out = dir.path().join("w.yaml");
    idflow()
        .arg("convert")
        .arg(sample("10011"))
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(".ron or .json"));
    assert!(!out.exists());
}

// --- export ---

#[test]
fn export_kyx_request_of_10011() {
    let out = stdout_of(
        idflow()
            .args(["export", "--format", "kyx-request"])
            .arg(sample("10011")),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["workflowDefinition"]["key"], 10011);
    let categories: Vec<&str> = v["workflowDefinition"]["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .filter_map(|c| c["category"].as_str())
        .collect();
    assert_eq!(categories, ["ID", "SELFIE", "FACEMAP"]);
    assert!(v["customerInternalReference"].is_string());
}

#[test]
fn export_carries_labels_types_and_countries() {
    let out = stdout_of(
        idflow()
            .args(["export", "--format", "kyx-request"])
            .arg(sample("10013")),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let id = &v["workflowDefinition"]["credentials"][0];
    assert_eq!(id["category"], "ID");
    assert_eq!(id["country"]["values"][0], "USA");
    assert!(
        id["type"]["values"]
            .as_array()
            .expect("types")
            .iter()
            .any(|t| t == "DRIVING_LICENSE")
    );
    let out = stdout_of(
        idflow()
            .args(["export", "--format", "kyx-request"])
            .arg(sample("10071")),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    // Seed 003, "Authentication On-Premises": the stored facemap is
    // uploaded, not declared; the new selfie and facemap are.
    let labels: Vec<&str> = v["workflowDefinition"]["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .filter_map(|c| c["label"].as_str())
        .collect();
    assert_eq!(labels, ["new", "new"]);
}

/// Issue 29, "Consent" and "Export": the exported request carries a consent
/// time the mock platform accepts (seed 003, "Authentication": at most 3
/// years old; not in the future), and the command says on stderr that it is
/// a placeholder to replace. A workflow without biometrics says nothing.
#[test]
fn export_writes_a_valid_consent_placeholder_and_says_so() {
    let before = time::OffsetDateTime::now_utc();
    let output = idflow()
        .args(["export", "--format", "kyx-request"])
        .arg(sample("10014"))
        .output()
        .expect("runs");
    assert!(output.status.success());
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let at = v["userConsent"]["consent"]["obtainedAt"]
        .as_str()
        .expect("userConsent.consent.obtainedAt");
    let now = time::OffsetDateTime::now_utc();
    let parsed = idflow_core::consent::check_obtained_at(at, now)
        .unwrap_or_else(|e| panic!("the placeholder is refused: {e}"));
    assert!(
        parsed >= before - time::Duration::milliseconds(1) && parsed <= now,
        "the export time: {at}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("userConsent.consent.obtainedAt is a placeholder")
            && stderr.contains(at)
            && stderr.contains("replace it"),
        "{stderr}"
    );
    // Seed 003: 10014's request declares no existing facemap.
    assert!(
        !v.to_string().contains("existing"),
        "the existing facemap is not declared: {v}"
    );

    let output = idflow()
        .args(["export", "--format", "kyx-request"])
        .arg(sample("10165"))
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("placeholder"),
        "no consent, no note"
    );
}

// --- store ---

fn store_cmd(dir: &Path) -> Command {
    let mut cmd = idflow();
    cmd.arg("--store").arg(dir).arg("store");
    cmd
}

#[test]
fn store_list_shows_the_seeded_global_workflows() {
    let dir = TempDir::new().expect("tmp");
    let out = stdout_of(store_cmd(dir.path()).arg("list"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9, "{out}");
    assert!(
        lines.contains(&"10011\tID and identity verification (IDIV)\tGLOBAL\tPUBLISHED\t1"),
        "{out}"
    );
    for line in lines {
        assert_eq!(line.split('\t').count(), 5, "{line}");
    }
}

#[test]
fn store_location_comes_from_idflow_store_too() {
    let dir = TempDir::new().expect("tmp");
    let out = stdout_of(
        idflow()
            .env("IDFLOW_STORE", dir.path())
            .args(["store", "list"]),
    );
    assert!(out.contains("10011\t"));
    assert!(dir.path().join("10011").join("draft.ron").exists());
}

#[test]
fn store_import_save_publish_history_duplicate() {
    let dir = TempDir::new().expect("tmp");
    let key = stdout_of(
        store_cmd(dir.path())
            .arg("import")
            .arg(sample("custom-step-up")),
    )
    .trim()
    .to_owned();
    assert_eq!(key, "200000");
    let listed = stdout_of(store_cmd(dir.path()).arg("list"));
    assert!(
        listed
            .contains("200000\tStep-up: device risk first, IDIV only when risky\tCUSTOM\tDRAFT\t-"),
        "{listed}"
    );

    // Save from a file with the right base revision, then a stale one.
    let edited = dir.path().join("edited.ron");
    let text = fs::read_to_string(sample("custom-step-up"))
        .expect("read")
        .replace("Step-up:", "Step up:");
    fs::write(&edited, text).expect("write");
    store_cmd(dir.path())
        .args(["save", &key])
        .arg(&edited)
        .args(["--base-revision", "1"])
        .assert()
        .code(0)
        .stdout("2\n");
    store_cmd(dir.path())
        .args(["save", &key])
        .arg(&edited)
        .args(["--base-revision", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("revision 1").and(predicate::str::contains("revision 2")));

    store_cmd(dir.path())
        .args(["publish", &key])
        .assert()
        .code(0)
        .stdout("1\n");
    let history = stdout_of(store_cmd(dir.path()).args(["history", &key]));
    let fields: Vec<&str> = history.trim().split('\t').collect();
    assert_eq!(fields[0], "1");
    assert_eq!(fields[2].len(), 64, "sha256 hex: {history}");

    let shown = stdout_of(store_cmd(dir.path()).args(["show", &key, "--version", "1"]));
    assert!(shown.contains("Step up:"));

    let copy = stdout_of(store_cmd(dir.path()).args(["duplicate", "10011"]))
        .trim()
        .to_owned();
    assert_eq!(copy, "200001");
    let shown = stdout_of(store_cmd(dir.path()).args(["show", &copy]));
    assert!(shown.contains("key: 200001"));
}

#[test]
fn store_publish_with_lint_errors_is_refused_and_writes_nothing() {
    let dir = TempDir::new().expect("tmp");
    let key = stdout_of(
        store_cmd(dir.path())
            .arg("import")
            .arg(fixture("facemap-api-only.ron")),
    )
    .trim()
    .to_owned();
    let before = snapshot(dir.path());
    store_cmd(dir.path())
        .args(["publish", &key])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error facemap-api-only [node selfie_capture]",
        ));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn store_reports_a_corrupt_draft_with_path_and_line_and_leaves_it_unchanged() {
    let dir = TempDir::new().expect("tmp");
    let key = stdout_of(store_cmd(dir.path()).arg("import").arg(sample("10011")))
        .trim()
        .to_owned();
    let draft = dir.path().join(&key).join("draft.ron");
    let corrupt = b"(\n  format_version: 1,\n  key: 200000,\n  nodes: [ @\n".to_vec();
    fs::write(&draft, &corrupt).expect("corrupt");
    store_cmd(dir.path())
        .args(["save", &key])
        .arg(sample("10011"))
        .args(["--base-revision", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:4", draft.display())));
    store_cmd(dir.path())
        .args(["show", &key])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("draft.ron:4"));
    assert_eq!(fs::read(&draft).expect("read"), corrupt);
}

#[test]
fn store_refuses_to_edit_a_global_workflow() {
    let dir = TempDir::new().expect("tmp");
    store_cmd(dir.path())
        .args(["save", "10011"])
        .arg(sample("10011"))
        .args(["--base-revision", "1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("duplicate"));
}

#[test]
fn help_lists_the_designer_and_every_command() {
    let out = stdout_of(idflow().arg("--help"));
    for command in ["open", "lint", "convert", "export", "store"] {
        assert!(out.contains(command), "{command} in --help: {out}");
    }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with(".lock") {
                out.push((p.clone(), fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

// --- simulate ---

fn simulate_json(sample_prefix: &str, scenario: &str) -> serde_json::Value {
    let out = stdout_of(
        idflow()
            .args(["simulate", "--format", "json", "--scenario", scenario])
            .arg(sample(sample_prefix)),
    );
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("json ({e}): {out}"))
}

fn capability(v: &serde_json::Value, name: &str) -> Vec<(String, String)> {
    v["details"]["capabilities"][name]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    (
                        c["decision"]["type"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        c["decision"]["details"]["label"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn simulate_json_has_exactly_scenario_path_and_details() {
    let v = simulate_json("10011", "ALL_PASS");
    let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["details", "path", "scenario"]);
    assert_eq!(v["scenario"], "ALL_PASS");
    assert_eq!(
        v["path"],
        serde_json::json!(["id_capture", "selfie_capture", "idiv", "risk", "end"])
    );
    assert_eq!(v["details"]["decision"]["type"], "PASSED");
    assert_eq!(v["details"]["decision"]["risk"]["score"], 0.0);
}

#[test]
fn simulate_reproduces_the_documented_behaviour_of_10011() {
    let v = simulate_json("10011", "REPEATED_FACE");
    assert_eq!(v["details"]["decision"]["type"], "WARNING");
    assert_eq!(v["details"]["decision"]["risk"]["score"], 50.0);

    let v = simulate_json("10011", "BLURRED_ID");
    assert_eq!(v["details"]["decision"]["type"], "REJECTED");
    let skipped = (
        "NOT_EXECUTED".to_owned(),
        "PRECONDITION_NOT_FULFILLED".to_owned(),
    );
    for c in ["extraction", "imageChecks", "dataChecks"] {
        assert_eq!(capability(&v, c), std::slice::from_ref(&skipped), "{c}");
    }

    let v = simulate_json("10011", "FAKE_ID");
    assert_eq!(v["details"]["decision"]["type"], "REJECTED");
    assert_eq!(capability(&v, "dataChecks"), std::slice::from_ref(&skipped));

    let v = simulate_json("10011", "LIVENESS_SPOOF");
    assert_eq!(v["details"]["decision"]["type"], "REJECTED");
    assert_eq!(
        capability(&v, "similarity"),
        [("PASSED".to_owned(), "MATCH".to_owned())]
    );
}

#[test]
fn simulate_10167_screens_only_without_fraud() {
    let v = simulate_json("10167", "FAKE_ID");
    assert!(
        capability(&v, "watchlistScreening").is_empty(),
        "no screening after fraud"
    );
    let v = simulate_json("10167", "WATCHLIST_ALERT");
    assert_eq!(v["details"]["decision"]["type"], "WARNING");
    assert_eq!(
        capability(&v, "watchlistScreening"),
        [("WARNING".to_owned(), "ALERT".to_owned())]
    );
}

#[test]
fn simulate_custom_examples_take_their_branches() {
    let v = simulate_json("custom-step-up", "DEVICE_HIGH_RISK");
    assert_eq!(
        v["path"].as_array().and_then(|p| p.last()).cloned(),
        Some(serde_json::json!("end_verified"))
    );
    let v = simulate_json("custom-step-up", "ALL_PASS");
    assert_eq!(
        v["path"].as_array().and_then(|p| p.last()).cloned(),
        Some(serde_json::json!("end_low"))
    );
    let v = simulate_json("custom-returning-user", "AUTHENTICATION_FAILED");
    assert!(
        v["path"]
            .as_array()
            .expect("path")
            .iter()
            .any(|n| n == "id_capture"),
        "falls back to IDIV"
    );
}

#[test]
fn simulate_refuses_unknown_scenarios_and_invalid_outcomes_listing_what_is_allowed() {
    idflow()
        .args(["simulate", "--scenario", "NOPE"])
        .arg(sample("10011"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ALL_PASS").and(predicate::str::contains("FAKE_ID")));
    let dir = TempDir::new().expect("tmp");
    let bad = dir.path().join("bad.ron");
    fs::write(&bad, r#"(name: "bad", outcomes: [(capability: SIMILARITY, decision: REJECTED, label: "BLURRED")])"#).expect("write");
    idflow()
        .args(["simulate", "--scenario"])
        .arg(&bad)
        .arg(sample("10011"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("REJECTED NO_MATCH"));
    let good = dir.path().join("good.json");
    fs::write(&good, r#"{"name": "no match", "outcomes": [{"capability": "SIMILARITY", "decision": "REJECTED", "label": "NO_MATCH"}]}"#).expect("write");
    let out = stdout_of(
        idflow()
            .args(["simulate", "--format", "json", "--scenario"])
            .arg(&good)
            .arg(sample("10011")),
    );
    assert!(
        out.contains("\"scenario\":\"no match\"") && out.contains("NO_MATCH"),
        "{out}"
    );
}

#[test]
fn simulate_matrix_in_text_json_and_csv() {
    let out = stdout_of(
        idflow()
            .args(["simulate", "--matrix", "--format", "csv"])
            .arg(sample("10167")),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "scenario,decision,label,risk_score,terminal");
    let builtin = idflow_core::simulate::builtin().len();
    assert_eq!(lines.len(), builtin + 1, "a row per built-in scenario");
    // Issue 29: the standard workflows score by the platform's default,
    // REJECTED 71.
    assert!(
        lines.contains(&"FAKE_ID,REJECTED,REJECTED,71,end_rejected"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(
        idflow()
            .args(["simulate", "--matrix", "--format", "json"])
            .arg(sample("10011")),
    ))
    .expect("json");
    assert_eq!(json.as_array().map(Vec::len), Some(builtin));
    let text = stdout_of(
        idflow()
            .args(["simulate", "--matrix", "--capability", "USABILITY"])
            .arg(sample("10011")),
    );
    assert!(text.contains("USABILITY=REJECTED/GLARE"), "{text}");
}

/// Issue 14: `store archive` hides a custom workflow from `store list`,
/// `store list --archived` shows it, `store unarchive` brings it back; a
/// Global workflow cannot be archived (exit 1, saying why).
#[test]
fn store_archive_and_unarchive_round_trip() {
    let dir = TempDir::new().expect("tmp");
    let key = stdout_of(
        store_cmd(dir.path())
            .arg("import")
            .arg(sample("custom-step-up")),
    )
    .trim()
    .to_owned();
    let listed_keys = |args: &[&str]| -> Vec<String> {
        stdout_of(store_cmd(dir.path()).args(args))
            .lines()
            .filter_map(|l| l.split('\t').next().map(str::to_owned))
            .collect()
    };
    assert!(listed_keys(&["list"]).contains(&key));
    assert!(listed_keys(&["list", "--archived"]).is_empty());

    stdout_of(store_cmd(dir.path()).args(["archive", &key]));
    assert!(!listed_keys(&["list"]).contains(&key));
    assert_eq!(
        listed_keys(&["list", "--archived"]),
        std::slice::from_ref(&key)
    );
    assert_eq!(listed_keys(&["list"]).len(), 9, "the Globals stay listed");

    stdout_of(store_cmd(dir.path()).args(["unarchive", &key]));
    assert!(listed_keys(&["list"]).contains(&key));
    assert!(listed_keys(&["list", "--archived"]).is_empty());

    let refused = store_cmd(dir.path())
        .args(["archive", "10011"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("read-only"), "{stderr}");
}

// --- diff (issue 15) ---

#[test]
fn diff_of_10011_and_10167_lists_the_added_and_changed_steps_and_exits_1() {
    let out = idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(sample("10167"))
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("json");
    let ids = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .expect("array")
            .iter()
            .map(|s| s["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(
        ids(&json["steps"]["added"]),
        ["no_fraud", "screening", "risk_rejected", "end_rejected"]
    );
    // Issue 29: both score by the platform's default, so their risk steps
    // no longer differ (before, 10167 added its screening weights).
    assert_eq!(ids(&json["steps"]["changed"]), Vec::<String>::new());
    assert!(
        json["steps"]["removed"]
            .as_array()
            .expect("removed")
            .is_empty()
    );
    assert_eq!(json["connections"]["removed"][0]["to"], "risk");
    assert!(json["a"].as_str().expect("a").ends_with("10011-idiv.ron"));

    // A custom copy that weighs outcomes itself: the risk step changed,
    // from the platform's default to weights.
    let dir = TempDir::new().expect("tmp");
    let custom = dir.path().join("custom.ron");
    let text = fs::read_to_string(sample("10011")).expect("sample");
    let weighted = text.replacen(
        "RISK_CALCULATION(scoring: DEFAULT)",
        "RISK_CALCULATION(scoring: WEIGHTS([(capability: IMAGE_CHECKS, decision: REJECTED, weight: 100)]))",
        1,
    );
    assert_ne!(weighted, text);
    fs::write(&custom, weighted).expect("write");
    let out = idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(&custom)
        .args(["--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(ids(&json["steps"]["changed"]), ["risk"]);
    let fields = json["steps"]["changed"][0]["fields"]
        .as_array()
        .expect("fields");
    let scoring = fields
        .iter()
        .find(|f| f["field"] == "Scoring")
        .expect("the scoring changed");
    assert_eq!(scoring["before"], "the platform's default", "{scoring}");
    let weights = fields
        .iter()
        .find(|f| f["field"] == "Weights")
        .expect("the weights changed");
    assert!(
        weights["after"]
            .as_str()
            .is_some_and(|a| a.contains("IMAGE_CHECKS REJECTED 100")),
        "{weights}"
    );
}

#[test]
fn diff_of_a_file_against_itself_or_a_moved_card_exits_0() {
    idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(sample("10011"))
        .assert()
        .code(0)
        .stdout("");
    let dir = TempDir::new().expect("tmp");
    let moved = dir.path().join("moved.ron");
    let text = fs::read_to_string(sample("10011")).expect("sample");
    let shifted = text.replacen(
        "position: (x: 560.0, y: 0.0)",
        "position: (x: 600.0, y: 260.0)",
        1,
    );
    assert_ne!(shifted, text, "the card moved");
    fs::write(&moved, shifted).expect("write");
    idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(&moved)
        .assert()
        .code(0)
        .stdout("");
    idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(&moved)
        .arg("--layout")
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "step idiv position: (560, 0) → (600, 260)",
        ));
    idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(dir.path().join("missing.ron"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.ron"));
}

/// Every `KEY: [a, b, c]` list of the set-like fields in a workflow's RON
/// text, reversed in place.
fn with_lists_reversed(text: &str) -> String {
    let mut out = text.to_owned();
    for key in [
        "capabilities",
        "channels",
        "parts",
        "document_types",
        "countries",
    ] {
        let opening = format!("{key}: [");
        let mut from = 0;
        while let Some(found) = out[from..].find(&opening) {
            let start = from + found + opening.len();
            let end = start + out[start..].find(']').expect("a closed list");
            let mut items: Vec<String> = out[start..end].split(", ").map(str::to_owned).collect();
            items.reverse();
            out.replace_range(start..end, &items.join(", "));
            from = end;
        }
    }
    out
}

/// Issue 29, "Diff: the order of a step's capability list is not a
/// change": every sample against itself with its capabilities, channels,
/// parts, document types and countries in reverse order exits 0 and prints
/// nothing, with or without --behaviour, in text and JSON.
#[test]
fn diff_of_a_workflow_and_its_lists_reordered_exits_0_and_prints_nothing() {
    let dir = TempDir::new().expect("tmp");
    let mut reordered_some = 0;
    for path in all_samples() {
        let text = fs::read_to_string(&path).expect("sample");
        let reversed = with_lists_reversed(&text);
        reordered_some += usize::from(reversed != text);
        let other = dir.path().join(path.file_name().expect("name"));
        fs::write(&other, &reversed).expect("write");
        for extra in [&[][..], &["--behaviour"][..], &["--format", "json"][..]] {
            idflow()
                .arg("diff")
                .arg(&path)
                .arg(&other)
                .args(extra)
                .assert()
                .code(0)
                .stdout("");
        }
    }
    assert!(reordered_some >= 9, "{reordered_some} samples reordered");

    // A real change among reordered lists is that change alone, in the
    // platform's words.
    let text = with_lists_reversed(&fs::read_to_string(sample("10011")).expect("sample"));
    let unticked = text.replacen("LIVENESS, ", "", 1);
    assert_ne!(unticked, text);
    let changed = dir.path().join("unticked.ron");
    fs::write(&changed, unticked).expect("write");
    let out = stdout_of(idflow().arg("diff").arg(sample("10011")).arg(&changed));
    let lines: Vec<&str> = out.lines().skip(2).collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(lines[0].ends_with("Capabilities: − LIVENESS"), "{out}");
    idflow()
        .arg("diff")
        .arg(sample("10011"))
        .arg(&changed)
        .assert()
        .code(1);
}

/// The issue's walk-through: publish v1 with a note, untick Liveness,
/// publish v2 with a note; history shows both notes and the author; the
/// diff of the two versions is that one change; the behaviour diff shows
/// the spoof now passing and nothing for ALL_PASS.
#[test]
fn versions_keep_their_notes_and_diff_between_them_shows_the_one_change() {
    let dir = TempDir::new().expect("tmp");
    let store = dir.path().join("store");
    let run = |args: &[&str]| -> String {
        stdout_of(
            idflow()
                .arg("--store")
                .arg(&store)
                .env("USER", "ada")
                .args(args),
        )
    };
    let key = run(&["store", "duplicate", "10011"]).trim().to_owned();
    assert_eq!(key, "200000");
    run(&["store", "publish", &key, "--note", "First version for ACME"]);
    let draft = run(&["store", "show", &key]);
    let unticked = draft.replace(
        "DATA_CHECKS, LIVENESS, SIMILARITY]",
        "DATA_CHECKS, SIMILARITY]",
    );
    assert_ne!(draft, unticked, "Liveness unticked");
    let file = dir.path().join("draft.ron");
    fs::write(&file, unticked).expect("write");
    idflow()
        .arg("--store")
        .arg(&store)
        .args(["store", "save", &key])
        .arg(&file)
        .args(["--base-revision", "1"])
        .assert()
        .success();
    idflow()
        .arg("--store")
        .arg(&store)
        .env("USER", "ada")
        .args([
            "store",
            "publish",
            &key,
            "--note",
            "Liveness off:\tACME checks it upstream",
        ])
        .assert()
        .success()
        .stdout("2\n");

    let history = run(&["store", "history", &key]);
    let rows: Vec<Vec<&str>> = history.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{history}");
    // AUTHOR, NOTE, then APPROVED_BY and AUTHORS (empty: the local store
    // has no four eyes).
    assert_eq!(rows[0][4..], ["ada", "First version for ACME", "", ""]);
    assert_eq!(
        rows[1][4..],
        ["ada", "Liveness off: ACME checks it upstream", "", ""]
    );

    let v1 = format!("{key}@v1");
    let v2 = format!("{key}@v2");
    idflow()
        .arg("--store")
        .arg(&store)
        .args(["diff", &v1, &v2])
        .assert()
        .code(1)
        .stdout(format!(
            "--- {v1}\n+++ {v2}\n~ step idiv “ID & identity verification”: Capabilities: − LIVENESS\n"
        ));
    let behaviour = stdout_of(idflow().arg("--store").arg(&store).args([
        "diff",
        "--behaviour",
        "--format",
        "json",
        &v1,
        &v2,
    ]));
    let json: serde_json::Value = serde_json::from_str(&behaviour).expect("json");
    let rows = json["behaviour"].as_array().expect("rows");
    let spoof = rows
        .iter()
        .find(|r| r["scenario"] == "LIVENESS_SPOOF")
        .expect("the spoof row");
    assert_eq!(spoof["a"]["decision"], "REJECTED");
    assert_ne!(spoof["b"]["decision"], "REJECTED");
    assert!(rows.iter().all(|r| r["scenario"] != "ALL_PASS"));
    // A draft reference and an unknown version.
    idflow()
        .arg("--store")
        .arg(&store)
        .args(["diff", &v2, &format!("{key}@draft")])
        .assert()
        .code(0)
        .stdout("");
    idflow()
        .arg("--store")
        .arg(&store)
        .args(["diff", &v1, &format!("{key}@v9")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no version 9"));
}

// --- files from a newer idflow (issue 29) ---

/// `sample`'s text as a newer idflow writes it: format 4, with a field, a
/// step setting and a value this build does not know.
fn as_newer_ron(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("format_version:"))
        .expect("a format_version line");
    text.replacen(line, "  format_version: 4,\n  needs_review: true,", 1)
        .replacen("channels: [", "channels: [TELEPATHY, ", 1)
}

/// Issue 29, "Files from a newer idflow": every command that reads a
/// workflow file (lint, convert, diff, store import, store save) refuses
/// one of a newer format, RON or JSON, with "needs a newer idflow" and the
/// file's path, exit 2, never a schema error; nothing is written.
#[test]
fn commands_refuse_a_workflow_file_of_a_newer_idflow() {
    let dir = TempDir::new().expect("tmp");
    let text = fs::read_to_string(sample("10011")).expect("sample");
    let ron = dir.path().join("newer.ron");
    fs::write(&ron, as_newer_ron(&text)).expect("write");
    let json_path = dir.path().join("newer.json");
    idflow()
        .arg("convert")
        .arg(sample("10011"))
        .arg(&json_path)
        .assert()
        .code(0);
    let json = fs::read_to_string(&json_path).expect("json").replacen(
        "\"format_version\": 2",
        "\"format_version\": 4, \"needs_review\": true",
        1,
    );
    assert!(json.contains("\"format_version\": 4"));
    fs::write(&json_path, json).expect("write");
    let message = format!(
        "written by a newer idflow (format 4); this build ({}) reads formats 1–3: needs a newer idflow",
        env!("CARGO_PKG_VERSION")
    );
    let store = dir.path().join("store");
    for file in [&ron, &json_path] {
        let refused = |cmd: &mut Command| {
            let output = cmd.output().expect("runs");
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert_eq!(output.status.code(), Some(2), "{cmd:?}: {stderr}");
            assert!(
                stderr.contains(&format!("{}: {message}", file.display())),
                "{cmd:?}: {stderr}"
            );
            assert!(!stderr.contains("unknown"), "{cmd:?}: {stderr}");
        };
        refused(idflow().arg("lint").arg(file));
        let out = dir.path().join("out.ron");
        refused(idflow().arg("convert").arg(file).arg(&out));
        assert!(!out.exists());
        refused(idflow().arg("diff").arg(sample("10011")).arg(file));
        refused(idflow().arg("diff").arg(file).arg(sample("10011")));
        refused(store_cmd(&store).arg("import").arg(file));
        refused(
            store_cmd(&store)
                .args(["save", "10011", "--base-revision", "1"])
                .arg(file),
        );
    }
    let listed = stdout_of(store_cmd(&store).arg("list"));
    assert_eq!(listed.lines().count(), 9, "nothing imported: {listed}");
}

/// Issue 29: a store folder a newer idflow wrote (its store.ron in a newer
/// format) is refused by every store command with "needs a newer idflow",
/// and nothing in it changes.
#[test]
fn store_commands_refuse_a_store_of_a_newer_idflow_and_change_nothing() {
    let dir = TempDir::new().expect("tmp");
    store_cmd(dir.path()).arg("list").assert().code(0);
    let store_file = dir.path().join("store.ron");
    let text = fs::read_to_string(&store_file).expect("store.ron");
    let newer = text.replacen("format_version: 1", "format_version: 2, shards: 4", 1);
    assert_ne!(newer, text);
    fs::write(&store_file, &newer).expect("write");
    let snapshot = |root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![root.to_owned()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let bytes = fs::read(&path).expect("read");
                    out.push((path, bytes));
                }
            }
        }
        out.sort();
        out
    };
    let before = snapshot(dir.path());
    for args in [
        &["list"][..],
        &["import", sample("10011").to_str().expect("utf-8")][..],
        &["publish", "10011"][..],
    ] {
        let output = store_cmd(dir.path()).args(args).output().expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{}: written by a newer idflow (store.ron format 2); this build ({}) reads store.ron format 1: needs a newer idflow",
                store_file.display(),
                env!("CARGO_PKG_VERSION")
            )),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(snapshot(dir.path()), before, "nothing in the store changed");
}
