//! Issue 34, core: expectations in the workflow, run with the simulator
//! and lint; starter expectations; loosenings; the file format.

use idflow_core::expectations::{
    BROKEN_CODE, INVALID_CODE, LooseningKind, Verdict, evaluate, loosenings, starter_expectations,
    strictness, unconfirmed, with_starter_expectations,
};
use idflow_core::format::{Format, ParseError, parse_workflow, workflow_to_text};
use idflow_core::lint::{Severity, lint};
use idflow_core::model::*;
use idflow_core::simulate::{Outcome, Scenario};

const IDIV: &str = include_str!("../../../sample_workflows/10011-idiv.ron");

fn idiv() -> Workflow {
    parse_workflow(IDIV, Format::Ron).expect("10011 parses")
}

fn builtin(name: &str) -> ScenarioRef {
    ScenarioRef::Builtin(name.to_owned())
}

fn expectation(id: &str, scenario: ScenarioRef, expect: Expected) -> Expectation {
    Expectation {
        id: id.to_owned(),
        scenario,
        expect,
    }
}

/// `w` with `e` as its only expectation.
fn with(mut w: Workflow, e: Expectation) -> Workflow {
    w.expectations = vec![e];
    w
}

/// The verdict of `w`'s only expectation.
fn verdict(w: &Workflow) -> Verdict {
    let results = evaluate(w);
    assert_eq!(results.len(), 1);
    results[0].verdict.clone()
}

fn service_mut(w: &mut Workflow) -> &mut ServiceNode {
    w.nodes
        .iter_mut()
        .find_map(|n| match &mut n.kind {
            NodeKind::Service(s) => Some(s),
            _ => None,
        })
        .expect("a service step")
}

fn untick(w: &mut Workflow, capability: Capability) {
    service_mut(w).capabilities.retain(|c| *c != capability);
}

/// 10011 with a decision on the holder's age before its end: under 18 ends
/// at `underage`, a FIXED REJECTED end labelled UNDERAGE.
fn idiv_refusing_minors() -> Workflow {
    let mut w = idiv();
    w.edges.retain(|e| e.from.as_str() != "risk");
    w.nodes.push(Node::new(
        "adult",
        Position::new(1400.0, 0.0),
        NodeKind::Decision(DecisionNode {
            condition: Condition {
                subject: Subject::ExtractedField(ExtractedField::CurrentAge),
                operator: Operator::Lt,
                value: Value::Number(18),
            },
        }),
    ));
    w.nodes.push(Node::new(
        "underage",
        Position::new(1700.0, 200.0),
        NodeKind::Terminal(TerminalNode {
            decision: TerminalDecision::Fixed(DecisionType::Rejected),
            label: Some("UNDERAGE".to_owned()),
        }),
    ));
    w.edges.push(Edge::new("risk", Port::Out, "adult"));
    w.edges.push(Edge::new("adult", Port::Then, "underage"));
    w.edges.push(Edge::new("adult", Port::Else, "end"));
    assert!(!lint(&w).has_errors(), "{:#?}", lint(&w).findings);
    w
}

// --- Each kind of expectation holds and breaks ---

#[test]
fn decision_is_holds_and_breaks() {
    let holds = with(
        idiv(),
        expectation(
            "e",
            builtin("FACE_NO_MATCH"),
            Expected::Decision(DecisionType::Rejected),
        ),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    let broken = with(
        idiv(),
        expectation(
            "e",
            builtin("FACE_NO_MATCH"),
            Expected::Decision(DecisionType::Passed),
        ),
    );
    assert_eq!(verdict(&broken), Verdict::Broken);
    // The same expectation breaks when the workflow changes: Similarity
    // unticked, FACE_NO_MATCH passes.
    let mut unticked = holds.clone();
    untick(&mut unticked, Capability::Similarity);
    assert_eq!(verdict(&unticked), Verdict::Broken);
}

#[test]
fn decision_is_not_holds_and_breaks() {
    let holds = with(
        idiv(),
        expectation(
            "e",
            builtin("FACE_NO_MATCH"),
            Expected::NotDecision(DecisionType::Passed),
        ),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    let broken = with(
        idiv(),
        expectation(
            "e",
            builtin("FACE_NO_MATCH"),
            Expected::NotDecision(DecisionType::Rejected),
        ),
    );
    assert_eq!(verdict(&broken), Verdict::Broken);
}

#[test]
fn ends_at_holds_and_breaks() {
    let w = idiv_refusing_minors();
    let holds = with(
        w.clone(),
        expectation(
            "e",
            builtin("UNDERAGE"),
            Expected::EndsAt(NodeId::new("underage")),
        ),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    let broken = with(
        w,
        expectation(
            "e",
            builtin("ALL_PASS"),
            Expected::EndsAt(NodeId::new("underage")),
        ),
    );
    assert_eq!(verdict(&broken), Verdict::Broken);
    let result = &evaluate(&broken)[0];
    assert_eq!(result.ended_at, Some(NodeId::new("end")));
}

#[test]
fn score_at_least_holds_and_breaks() {
    let holds = with(
        idiv(),
        expectation("e", builtin("FACE_NO_MATCH"), Expected::ScoreAtLeast(71)),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    let broken = with(
        idiv(),
        expectation("e", builtin("REPEATED_FACE"), Expected::ScoreAtLeast(71)),
    );
    assert_eq!(verdict(&broken), Verdict::Broken);
    assert_eq!(evaluate(&broken)[0].risk_score, 50, "a WARNING scores 50");
}

#[test]
fn label_is_holds_and_breaks() {
    let w = idiv_refusing_minors();
    let holds = with(
        w.clone(),
        expectation(
            "e",
            builtin("UNDERAGE"),
            Expected::Label("UNDERAGE".to_owned()),
        ),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    // Without the decision on age, UNDERAGE passes with the plain label.
    let broken = with(
        idiv(),
        expectation(
            "e",
            builtin("UNDERAGE"),
            Expected::Label("UNDERAGE".to_owned()),
        ),
    );
    assert_eq!(verdict(&broken), Verdict::Broken);
    assert_eq!(evaluate(&broken)[0].label, "PASSED");
}

/// A label scenario is named as `idflow diff --behaviour` names it, and a
/// scenario's contents run as written.
#[test]
fn label_and_contents_scenarios_hold_and_break() {
    let label = ScenarioRef::Label {
        capability: Capability::Similarity,
        decision: DecisionType::Rejected,
        label: "NO_MATCH".to_owned(),
    };
    assert_eq!(label.name(), "SIMILARITY=REJECTED/NO_MATCH");
    let holds = with(
        idiv(),
        expectation(
            "e",
            label.clone(),
            Expected::Decision(DecisionType::Rejected),
        ),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    let mut unticked = holds.clone();
    untick(&mut unticked, Capability::Similarity);
    assert_eq!(verdict(&unticked), Verdict::Broken);

    let spoof = Scenario::new(
        "SPOOF_AND_MISMATCH",
        "",
        vec![
            Outcome {
                capability: Capability::Liveness,
                credential: None,
                decision: DecisionType::Rejected,
                label: "MANIPULATED".to_owned(),
            },
            Outcome {
                capability: Capability::Similarity,
                credential: None,
                decision: DecisionType::Rejected,
                label: "NO_MATCH".to_owned(),
            },
        ],
    );
    let contents = ScenarioRef::Contents(Box::new(spoof));
    let holds = with(
        idiv(),
        expectation(
            "e",
            contents.clone(),
            Expected::Decision(DecisionType::Rejected),
        ),
    );
    assert_eq!(verdict(&holds), Verdict::Holds);
    assert_eq!(evaluate(&holds)[0].scenario, "SPOOF_AND_MISMATCH");
    let mut neither = holds.clone();
    untick(&mut neither, Capability::Similarity);
    untick(&mut neither, Capability::Liveness);
    assert_eq!(verdict(&neither), Verdict::Broken);
}

#[test]
fn a_result_carries_the_path_and_where_the_run_ended() {
    let w = with(
        idiv_refusing_minors(),
        expectation(
            "minors",
            builtin("UNDERAGE"),
            Expected::Decision(DecisionType::Passed),
        ),
    );
    let result = &evaluate(&w)[0];
    assert_eq!(result.verdict, Verdict::Broken);
    let path: Vec<&str> = result.path.iter().map(NodeId::as_str).collect();
    assert_eq!(
        path,
        [
            "id_capture",
            "selfie_capture",
            "idiv",
            "risk",
            "adult",
            "underage"
        ]
    );
    assert_eq!(result.ended_at, Some(NodeId::new("underage")));
    assert_eq!(
        (result.decision, result.label.as_str()),
        (DecisionType::Rejected, "UNDERAGE")
    );
    assert!(
        result
            .what_happened()
            .contains("expected: decision is PASSED"),
        "{}",
        result.what_happened()
    );
}

// --- Lint ---

/// A broken expectation is an error with its own code, on the step where
/// the run ended, naming the expectation; the workflow's lint settings
/// lower it or turn it off like any rule.
#[test]
fn a_broken_expectation_is_a_lint_error_on_the_step_where_the_run_ended() {
    let mut w = with(
        idiv(),
        expectation(
            "face_no_match_rejected",
            builtin("FACE_NO_MATCH"),
            Expected::Decision(DecisionType::Rejected),
        ),
    );
    assert!(!lint(&w).has_code(BROKEN_CODE));
    untick(&mut w, Capability::Similarity);
    let report = lint(&w);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == BROKEN_CODE)
        .expect("the broken expectation is a finding");
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(finding.node, Some(NodeId::new("end")));
    assert_eq!(
        finding.expectation.as_deref(),
        Some("face_no_match_rejected")
    );
    assert_eq!(finding.field, Some("expectations"));
    assert!(
        finding
            .message
            .contains("FACE_NO_MATCH the decision is PASSED"),
        "{}",
        finding.message
    );
    assert_eq!(report.for_expectation("face_no_match_rejected").count(), 1);
    assert!(report.has_errors());

    w.lint.insert(BROKEN_CODE.to_owned(), RuleSetting::Warning);
    let lowered = lint(&w);
    assert!(!lowered.has_errors(), "{:#?}", lowered.findings);
    assert!(lowered.has_code(BROKEN_CODE));
    w.lint.insert(BROKEN_CODE.to_owned(), RuleSetting::Off);
    assert!(!lint(&w).has_code(BROKEN_CODE));
}

/// An expectation that cannot run is `expectation-invalid`, an error, and
/// never `expectation-broken`.
#[test]
fn an_expectation_that_cannot_run_says_why() {
    let cases: Vec<(Expectation, &str)> = vec![
        (
            expectation(
                "a",
                builtin("NO_SUCH"),
                Expected::Decision(DecisionType::Rejected),
            ),
            "unknown scenario `NO_SUCH`",
        ),
        (
            expectation(
                "a",
                ScenarioRef::Label {
                    capability: Capability::Similarity,
                    decision: DecisionType::Rejected,
                    label: "FAKE".to_owned(),
                },
                Expected::Decision(DecisionType::Rejected),
            ),
            "SIMILARITY never renders REJECTED `FAKE`",
        ),
        (
            expectation(
                "a",
                ScenarioRef::Contents(Box::new(Scenario::new(
                    "MINE",
                    "",
                    vec![Outcome {
                        capability: Capability::Liveness,
                        credential: None,
                        decision: DecisionType::Passed,
                        label: "NO_MATCH".to_owned(),
                    }],
                ))),
                Expected::Decision(DecisionType::Rejected),
            ),
            "LIVENESS never renders PASSED `NO_MATCH`",
        ),
        (
            expectation(
                "a",
                builtin("ALL_PASS"),
                Expected::EndsAt(NodeId::new("ghost")),
            ),
            "step `ghost`, which the workflow does not have",
        ),
        (
            expectation("a", builtin("ALL_PASS"), Expected::ScoreAtLeast(101)),
            "can never hold",
        ),
        (
            expectation("a", builtin("ALL_PASS"), Expected::Label(" ".to_owned())),
            "empty label",
        ),
        (
            expectation(
                " ",
                builtin("ALL_PASS"),
                Expected::Decision(DecisionType::Passed),
            ),
            "no id",
        ),
    ];
    for (e, why) in cases {
        let w = with(idiv(), e.clone());
        let Verdict::Invalid(reason) = verdict(&w) else {
            panic!("{e:?} runs");
        };
        assert!(reason.contains(why), "{reason}");
        let report = lint(&w);
        let finding = report
            .findings
            .iter()
            .find(|f| f.code == INVALID_CODE)
            .unwrap_or_else(|| panic!("{e:?}: no finding"));
        assert_eq!(finding.severity, Severity::Error);
        assert!(finding.message.contains(why), "{}", finding.message);
        assert!(!report.has_code(BROKEN_CODE));
    }
    // Ids are unique: the second of two is the one refused.
    let mut w = idiv();
    let e = expectation(
        "same",
        builtin("ALL_PASS"),
        Expected::Decision(DecisionType::Passed),
    );
    w.expectations = vec![e.clone(), e];
    let results = evaluate(&w);
    assert_eq!(results[0].verdict, Verdict::Holds);
    assert!(matches!(&results[1].verdict, Verdict::Invalid(r) if r.contains("used by an earlier")));
}

/// "Expect this" on a matrix row: every row the behaviour diff runs names
/// a scenario an expectation can hold, which runs to the same decision.
#[test]
fn every_scenario_the_behaviour_diff_runs_can_be_expected() {
    use idflow_core::expectations::scenario_ref;
    let w = idiv();
    let scenarios = idflow_core::diff::behaviour_scenarios(&w, &w);
    let rows = idflow_core::simulate::matrix(&w, &scenarios);
    assert!(rows.len() > 20);
    for row in rows {
        let scenario =
            scenario_ref(&row.scenario).unwrap_or_else(|| panic!("{}: no scenario", row.scenario));
        assert_eq!(scenario.name(), row.scenario);
        let e = with(
            w.clone(),
            Expectation::new_in(&w, scenario, Expected::Decision(row.decision)),
        );
        assert_eq!(verdict(&e), Verdict::Holds, "{}", row.scenario);
    }
    assert_eq!(
        scenario_ref("face_no_match"),
        Some(builtin("FACE_NO_MATCH"))
    );
    assert_eq!(scenario_ref("SIMILARITY=REJECTED/FAKE"), None);
    assert_eq!(scenario_ref("NOPE"), None);
}

// --- Ids ---

#[test]
fn ids_are_made_like_step_ids_readable_and_unique() {
    let mut w = idiv();
    let first = Expectation::new_in(
        &w,
        builtin("FACE_NO_MATCH"),
        Expected::Decision(DecisionType::Rejected),
    );
    assert_eq!(first.id, "face_no_match_rejected");
    w.expectations.push(first);
    let second = Expectation::new_in(
        &w,
        builtin("FACE_NO_MATCH"),
        Expected::Decision(DecisionType::Rejected),
    );
    assert_eq!(second.id, "face_no_match_rejected_2");
    let label = ScenarioRef::Label {
        capability: Capability::Similarity,
        decision: DecisionType::Rejected,
        label: "NO_MATCH".to_owned(),
    };
    assert_eq!(
        expectation_id_base(&label, &Expected::NotDecision(DecisionType::Passed)),
        "similarity_rejected_no_match_not_passed"
    );
    assert_eq!(
        expectation_id_base(
            &builtin("UNDERAGE"),
            &Expected::EndsAt(NodeId::new("underage"))
        ),
        "underage_ends_at_underage"
    );
    assert_eq!(
        expectation_id_base(&builtin("UNDERAGE"), &Expected::ScoreAtLeast(71)),
        "underage_score_71"
    );
    assert_eq!(
        expectation_id_base(&builtin("UNDERAGE"), &Expected::Label("UNDERAGE".into())),
        "underage_label_underage"
    );
}

// --- The file format ---

/// The format as documented (README and the report): RON and JSON.
#[test]
fn an_expectation_reads_the_same_in_ron_and_json() {
    let ron = r#"(
  format_version: 3,
  key: 200000,
  name: "w",
  nodes: [],
  expectations: [
    (id: "face_no_match_rejected", scenario: BUILTIN("FACE_NO_MATCH"), expect: DECISION(REJECTED)),
    (id: "no_match_not_passed", scenario: LABEL(capability: SIMILARITY, decision: REJECTED, label: "NO_MATCH"), expect: NOT_DECISION(PASSED)),
    (id: "mine", scenario: CONTENTS(name: "MINE", outcomes: [(capability: LIVENESS, decision: REJECTED, label: "MANIPULATED")]), expect: SCORE_AT_LEAST(71)),
    (id: "minors", scenario: BUILTIN("UNDERAGE"), expect: ENDS_AT("underage")),
    (id: "minors_label", scenario: BUILTIN("UNDERAGE"), expect: LABEL("UNDERAGE")),
  ],
)"#;
    let json = r#"{
  "format_version": 3, "key": 200000, "name": "w", "nodes": [],
  "expectations": [
    {"id": "face_no_match_rejected", "scenario": {"BUILTIN": "FACE_NO_MATCH"}, "expect": {"DECISION": "REJECTED"}},
    {"id": "no_match_not_passed", "scenario": {"LABEL": {"capability": "SIMILARITY", "decision": "REJECTED", "label": "NO_MATCH"}}, "expect": {"NOT_DECISION": "PASSED"}},
    {"id": "mine", "scenario": {"CONTENTS": {"name": "MINE", "outcomes": [{"capability": "LIVENESS", "decision": "REJECTED", "label": "MANIPULATED"}]}}, "expect": {"SCORE_AT_LEAST": 71}},
    {"id": "minors", "scenario": {"BUILTIN": "UNDERAGE"}, "expect": {"ENDS_AT": "underage"}},
    {"id": "minors_label", "scenario": {"BUILTIN": "UNDERAGE"}, "expect": {"LABEL": "UNDERAGE"}}
  ]
}"#;
    let from_ron = parse_workflow(ron, Format::Ron).expect("RON");
    let from_json = parse_workflow(json, Format::Json).expect("JSON");
    assert_eq!(from_ron, from_json);
    assert_eq!(from_ron.expectations.len(), 5);
    assert_eq!(from_ron.format_version, 3);
    assert_eq!(
        from_ron.expectations[2].scenario.name(),
        "MINE",
        "contents carry their name"
    );
    // Written back, each reads the same again, in format 3.
    for format in [Format::Ron, Format::Json] {
        let text = workflow_to_text(&from_ron, format);
        assert_eq!(
            parse_workflow(&text, format).as_ref(),
            Ok(&from_ron),
            "{text}"
        );
    }
    let written = workflow_to_text(&from_ron, Format::Ron);
    assert!(written.contains("  format_version: 3,\n"), "{written}");
    assert!(
        written.contains(r#"scenario: BUILTIN("FACE_NO_MATCH"),"#)
            && written.contains("expect: DECISION(REJECTED),"),
        "{written}"
    );
}

/// A file written by 0.2.0 (main at f930f80, committed before this change)
/// reads and writes back byte for byte, in RON and in JSON: its hash, and
/// so every published version's, is unchanged.
#[test]
fn a_file_written_by_0_2_0_writes_back_with_the_same_hash() {
    use sha2::{Digest, Sha256};
    let hex = |bytes: &[u8]| -> String {
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    for (file, format, sha256) in [
        (
            include_str!("fixtures/written-by-0.2.0.ron"),
            Format::Ron,
            "d9f101c6f7312437d049fc3f52fb717e319a93f4c32cd23c06875b398eb35230",
        ),
        (
            include_str!("fixtures/written-by-0.2.0.json"),
            Format::Json,
            "25421d17aac51366f2efd3d654f949f357a249c823aebc6a5a71e4b1091aeff4",
        ),
    ] {
        assert_eq!(hex(file.as_bytes()), sha256, "the fixture as committed");
        let workflow = parse_workflow(file, format).expect("reads");
        assert!(workflow.expectations.is_empty());
        let written = workflow_to_text(&workflow, format);
        assert_eq!(hex(written.as_bytes()), sha256, "{format:?}:\n{written}");
        assert_eq!(written, file);
    }
}

/// Issue 29's rule for the new field: a file with expectations is format 3,
/// which 0.2.0 (reads formats 1–2, refuses unknown fields) refuses as
/// "needs a newer idflow", never with an unknown-field error; the same
/// file without them is format 2, which 0.2.0 reads.
#[test]
fn idflow_0_2_0_refuses_a_file_with_expectations_as_newer_and_reads_one_without() {
    use idflow_core::versions::Formats;
    // What 0.2.0's reader is: its fields, no others, and its formats.
    #[allow(dead_code)]
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct WorkflowOf020 {
        format_version: u32,
        key: u32,
        name: String,
        #[serde(default)]
        description: String,
        nodes: Vec<serde::de::IgnoredAny>,
        #[serde(default)]
        edges: Vec<serde::de::IgnoredAny>,
        #[serde(default)]
        notes: Vec<serde::de::IgnoredAny>,
        #[serde(default)]
        lint: std::collections::BTreeMap<String, RuleSetting>,
    }
    const FORMATS_OF_0_2_0: Formats = Formats {
        what: "",
        written_since: &[(1, "0.1.0"), (2, "0.2.0")],
    };
    let read_by_020 = |text: &str, format: Format| {
        idflow_core::format::parse_versioned::<WorkflowOf020>(
            text,
            format,
            &FORMATS_OF_0_2_0,
            |w| u64::from(w.format_version),
        )
        .map(|_| ())
    };
    let plain = idiv();
    let with_one = with_starter_expectations(idiv());
    assert!(!with_one.expectations.is_empty());
    for format in [Format::Ron, Format::Json] {
        assert_eq!(
            read_by_020(&workflow_to_text(&plain, format), format),
            Ok(())
        );
        match read_by_020(&workflow_to_text(&with_one, format), format) {
            Err(ParseError::Newer(newer)) => {
                assert_eq!(newer.found, 3);
                assert!(
                    newer.to_string().contains("needs a newer idflow"),
                    "{newer}"
                );
            }
            other => panic!("{format:?}: {other:?}"),
        }
    }
    // And this build refuses a format after its own the same way, even
    // when the newer file's expectation is of a kind it does not know.
    let newer = workflow_to_text(&with_one, Format::Ron)
        .replacen("format_version: 3,", "format_version: 4,", 1)
        .replacen(
            "expect: DECISION(PASSED)",
            "expect: SCORE_BETWEEN(0, 30)",
            1,
        );
    assert!(newer.contains("SCORE_BETWEEN"));
    assert!(matches!(
        parse_workflow(&newer, Format::Ron),
        Err(ParseError::Newer(n)) if n.found == 4
    ));
}

/// Whatever the in-memory `format_version` says, a workflow is written in
/// the format its contents need: removing the last expectation writes
/// format 2 again (and the bytes 0.2.0 wrote).
#[test]
fn the_written_format_follows_the_contents() {
    let mut w = with_starter_expectations(idiv());
    w.format_version = 2;
    assert!(workflow_to_text(&w, Format::Ron).contains("format_version: 3,"));
    w.expectations.clear();
    w.format_version = 3;
    assert_eq!(
        workflow_to_text(&w, Format::Ron),
        workflow_to_text(&idiv(), Format::Ron)
    );
    assert!(workflow_to_text(&w, Format::Ron).contains("format_version: 2,"));
}

// --- Starter expectations ---

fn standard_workflows() -> Vec<(String, Workflow)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_workflows");
    let mut out: Vec<(String, Workflow)> = std::fs::read_dir(dir)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("10") && n.ends_with(".ron"))
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, parse_workflow(&text, Format::Ron).expect("parses"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        out.len(),
        idflow_core::catalog::STANDARD_WORKFLOWS.len(),
        "every standard workflow"
    );
    out
}

fn starters_of(w: &Workflow) -> Vec<(String, DecisionType)> {
    starter_expectations(w)
        .into_iter()
        .map(|e| match e.expect {
            Expected::Decision(d) => (e.scenario.name(), d),
            other => panic!("a starter expects a decision: {other:?}"),
        })
        .collect()
}

/// The starter expectations hold on every standard workflow, and lint
/// finds nothing about them.
#[test]
fn the_starter_expectations_hold_on_every_standard_workflow() {
    for (name, workflow) in standard_workflows() {
        let workflow = with_starter_expectations(workflow);
        assert!(
            workflow.expectations.len() >= 2,
            "{name}: {:?}",
            workflow.expectations
        );
        for result in evaluate(&workflow) {
            assert_eq!(
                result.verdict,
                Verdict::Holds,
                "{name}: {}",
                result.what_happened()
            );
        }
        let report = lint(&workflow);
        assert!(
            !report.has_code(BROKEN_CODE) && !report.has_code(INVALID_CODE),
            "{name}: {:#?}",
            report.findings
        );
        // Topping up twice adds nothing.
        assert_eq!(with_starter_expectations(workflow.clone()), workflow);
    }
}

/// Only for the capabilities each workflow selects, each rule from its
/// source:
/// - ALL_PASS PASSED: seed 004, "Risk Score = 0 | Low risk | ... Approve
///   the user."
/// - FAKE_ID, DIGITAL_MANIPULATION REJECTED where image checks run; MRZ
///   checksum where data checks run; FACE_NO_MATCH where similarity runs;
///   LIVENESS_SPOOF where liveness runs; BLURRED_ID where usability runs on
///   an ID; AUTHENTICATION_FAILED where authentication runs: seed 004, "A
///   rejection in any single capability will result in a rejection for the
///   entire transaction."
/// - PHOTOCOPY_ID REJECTED where usability runs on an ID: seed 004, "Jumio
///   rejects photocopied documents by default."
/// - MULTIPLE_PEOPLE REJECTED where liveness runs: seed 004, "By default,
///   multiple people detection occurs during the liveness detection
///   capability."
/// - REPEATED_FACE WARNING where image checks run on an ID: seed 004,
///   "Repeated faces result in “WARNING” decisions" (seed 003's IDIV
///   sample: imageChecks WARNING REPEATED_FACE, decision WARNING, score
///   50); domain.md, "Documents": a document has no face.
#[test]
fn starters_follow_the_capabilities_each_workflow_selects() {
    use DecisionType::{Passed, Rejected, Warning};
    let idiv_starters = [
        ("ALL_PASS", Passed),
        ("BLURRED_ID", Rejected),
        ("PHOTOCOPY_ID", Rejected),
        ("FAKE_ID", Rejected),
        ("DIGITAL_MANIPULATION", Rejected),
        ("REPEATED_FACE", Warning),
        ("MRZ_CHECKSUM", Rejected),
        ("LIVENESS_SPOOF", Rejected),
        ("MULTIPLE_PEOPLE", Rejected),
        ("FACE_NO_MATCH", Rejected),
    ];
    let owned = |list: &[(&str, DecisionType)]| -> Vec<(String, DecisionType)> {
        list.iter().map(|(s, d)| ((*s).to_owned(), *d)).collect()
    };
    let expected: &[(&str, Vec<(String, DecisionType)>)] = &[
        ("10011-idiv.ron", owned(&idiv_starters)),
        (
            "10013-idiv-screening-residency-address-dl.ron",
            owned(&idiv_starters),
        ),
        (
            "10014-authentication.ron",
            owned(&[("ALL_PASS", Passed), ("AUTHENTICATION_FAILED", Rejected)]),
        ),
        (
            "10071-authentication-on-premises.ron",
            owned(&[("ALL_PASS", Passed), ("AUTHENTICATION_FAILED", Rejected)]),
        ),
        ("10163-idiv-prepared-data.ron", owned(&idiv_starters)),
        (
            "10165-id-verification.ron",
            owned(&[
                ("ALL_PASS", Passed),
                ("BLURRED_ID", Rejected),
                ("PHOTOCOPY_ID", Rejected),
                ("FAKE_ID", Rejected),
                ("DIGITAL_MANIPULATION", Rejected),
                ("REPEATED_FACE", Warning),
                ("MRZ_CHECKSUM", Rejected),
            ]),
        ),
        ("10167-idiv-watchlist.ron", owned(&idiv_starters)),
        (
            "10169-document-proof.ron",
            owned(&[
                ("ALL_PASS", Passed),
                ("FAKE_ID", Rejected),
                ("DIGITAL_MANIPULATION", Rejected),
            ]),
        ),
        (
            "10171-id-capture-storage.ron",
            owned(&[
                ("ALL_PASS", Passed),
                ("BLURRED_ID", Rejected),
                ("PHOTOCOPY_ID", Rejected),
            ]),
        ),
    ];
    let workflows = standard_workflows();
    assert_eq!(workflows.len(), expected.len());
    for ((name, workflow), (expected_name, starters)) in workflows.iter().zip(expected) {
        assert_eq!(name, expected_name);
        assert_eq!(&starters_of(workflow), starters, "{name}");
    }
    // 10011 without Similarity: no FACE_NO_MATCH starter.
    let mut w = idiv();
    untick(&mut w, Capability::Similarity);
    assert!(!starters_of(&w).iter().any(|(s, _)| s == "FACE_NO_MATCH"));
}

/// A custom copy inherits its Global's expectations; unticking Similarity
/// on it breaks FACE_NO_MATCH (and only it), re-ticking mends it.
#[test]
fn a_copy_of_10011_with_similarity_unticked_breaks_face_no_match() {
    let global = with_starter_expectations(idiv());
    let mut copy = global.clone();
    copy.key = 200_000;
    untick(&mut copy, Capability::Similarity);
    let broken: Vec<String> = evaluate(&copy)
        .into_iter()
        .filter(|r| r.verdict == Verdict::Broken)
        .map(|r| r.id)
        .collect();
    assert_eq!(broken, ["face_no_match_rejected"]);
    service_mut(&mut copy)
        .capabilities
        .push(Capability::Similarity);
    assert!(evaluate(&copy).iter().all(|r| r.verdict == Verdict::Holds));
}

/// Topping up keeps what a workflow has, and never repeats an id.
#[test]
fn topping_up_keeps_what_is_there_and_never_repeats_an_id() {
    let mut w = idiv();
    w.expectations.push(expectation(
        "fake_id_rejected",
        builtin("UNDERAGE"),
        Expected::Decision(DecisionType::Passed),
    ));
    w.expectations.push(expectation(
        "mine",
        builtin("face_no_match"),
        Expected::Decision(DecisionType::Rejected),
    ));
    let topped = with_starter_expectations(w.clone());
    assert_eq!(topped.expectations[..2], w.expectations[..]);
    let ids: Vec<&str> = topped.expectations.iter().map(|e| e.id.as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
    assert!(ids.contains(&"fake_id_rejected_2"), "{ids:?}");
    // FACE_NO_MATCH REJECTED was already stated (as `mine`).
    assert!(!ids.contains(&"face_no_match_rejected"), "{ids:?}");
}

// --- Loosening ---

/// 10011 with every end step FIXED to `decision` (`None`: derived).
fn idiv_ending(decision: Option<DecisionType>) -> Workflow {
    let mut w = idiv();
    for node in &mut w.nodes {
        if let NodeKind::Terminal(t) = &mut node.kind {
            t.decision = decision.map_or(TerminalDecision::Derived, TerminalDecision::Fixed);
        }
    }
    w
}

const RANKING: [DecisionType; 4] = [
    DecisionType::Rejected,
    DecisionType::Warning,
    DecisionType::NotExecuted,
    DecisionType::Passed,
];

/// Every move down the ranking REJECTED, WARNING, NOT_EXECUTED, PASSED is
/// a loosening of the scenario that moves (ALL_PASS, whose decision is the
/// end step's); every move up is none.
#[test]
fn every_move_down_the_ranking_is_a_loosening_and_no_move_up_is() {
    for (i, stricter) in RANKING.iter().enumerate() {
        assert_eq!(strictness(*stricter), 3 - i as u8);
        for looser in &RANKING[i + 1..] {
            let (a, b) = (idiv_ending(Some(*stricter)), idiv_ending(Some(*looser)));
            let found = loosenings(&a, &b);
            let all_pass = found
                .iter()
                .find(|l| l.id == "ALL_PASS")
                .unwrap_or_else(|| panic!("{stricter} → {looser}: {found:#?}"));
            let verb = match looser {
                DecisionType::Warning => "get a WARNING",
                DecisionType::NotExecuted => "end NOT_EXECUTED",
                _ => "pass",
            };
            assert_eq!(
                all_pass.words,
                format!("ALL_PASS will now {verb} (was {stricter})")
            );
            assert!(matches!(
                &all_pass.kind,
                LooseningKind::Decision { before, after, .. }
                    if before.decision == *stricter && after.decision == *looser
            ));
            // Every decision loosening found moves down.
            for l in &found {
                if let LooseningKind::Decision { before, after, .. } = &l.kind {
                    assert!(
                        strictness(after.decision) < strictness(before.decision),
                        "{l:?}"
                    );
                }
            }
            // The other way ALL_PASS moves up: no loosening of it. (An end
            // FIXED to NOT_EXECUTED also stops rejections, so from PASSED
            // to NOT_EXECUTED other scenarios do move down.)
            let back = loosenings(&b, &a);
            assert!(
                !back.iter().any(|l| l.id == "ALL_PASS"),
                "{looser} → {stricter}: {back:#?}"
            );
            if *stricter != DecisionType::NotExecuted {
                assert!(back.is_empty(), "{looser} → {stricter}: {back:#?}");
            }
        }
    }
}

/// The issue's case: Similarity unticked, FACE_NO_MATCH will now pass, by
/// its name and by its label's scenario; a publish confirms each by id.
#[test]
fn unticking_similarity_loosens_face_no_match() {
    let a = idiv();
    let mut b = idiv();
    untick(&mut b, Capability::Similarity);
    let found = loosenings(&a, &b);
    let ids: Vec<&str> = found.iter().map(|l| l.id.as_str()).collect();
    // Every similarity outcome that held a transaction back now passes.
    assert_eq!(
        ids,
        [
            "FACE_NO_MATCH",
            "SIMILARITY=REJECTED/NO_MATCH",
            "SIMILARITY=WARNING/NOT_POSSIBLE",
            "SIMILARITY=NOT_EXECUTED/PRECONDITION_NOT_FULFILLED",
            "SIMILARITY=NOT_EXECUTED/TECHNICAL_ERROR",
        ],
        "{found:#?}"
    );
    assert_eq!(found[0].words, "FACE_NO_MATCH will now pass (was REJECTED)");
    assert_eq!(
        found[2].words,
        "SIMILARITY=WARNING/NOT_POSSIBLE will now pass (was WARNING)"
    );
    assert_eq!(unconfirmed(&found, &["FACE_NO_MATCH"]).len(), 4);
    assert!(unconfirmed(&found, &ids).is_empty());
}

/// A change of label alone is not a loosening, in the workflow (an end
/// step's label) or in an expectation.
#[test]
fn a_label_only_change_is_not_a_loosening() {
    let a = idiv_refusing_minors();
    let mut b = a.clone();
    for node in &mut b.nodes {
        if let NodeKind::Terminal(t) = &mut node.kind
            && t.label.is_some()
        {
            t.label = Some("MINOR".to_owned());
        }
    }
    assert!(
        !idflow_core::diff::behaviour_diff(&a, &b).is_empty(),
        "the label changed"
    );
    assert!(loosenings(&a, &b).is_empty(), "{:#?}", loosenings(&a, &b));

    let a = with(
        a,
        expectation(
            "minors",
            builtin("UNDERAGE"),
            Expected::Label("UNDERAGE".into()),
        ),
    );
    let b = with(
        b,
        expectation(
            "minors",
            builtin("UNDERAGE"),
            Expected::Label("MINOR".into()),
        ),
    );
    assert!(loosenings(&a, &b).is_empty(), "{:#?}", loosenings(&a, &b));
}

#[test]
fn deleting_an_expectation_is_a_loosening_unless_another_still_states_it() {
    let e = expectation(
        "face_no_match_rejected",
        builtin("FACE_NO_MATCH"),
        Expected::Decision(DecisionType::Rejected),
    );
    let a = with(idiv(), e.clone());
    let found = loosenings(&a, &idiv());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].id, "expectation:face_no_match_rejected");
    assert_eq!(
        found[0].words,
        "expectation face_no_match_rejected is deleted: “FACE_NO_MATCH: decision is REJECTED” is no longer checked"
    );
    assert!(
        matches!(&found[0].kind, LooseningKind::ExpectationRemoved { expectation } if *expectation == e)
    );
    // The same under another id (a re-made expectation) loosens nothing.
    let again = with(
        idiv(),
        expectation(
            "mine",
            builtin("face_no_match"),
            Expected::Decision(DecisionType::Rejected),
        ),
    );
    assert!(loosenings(&a, &again).is_empty());
}

#[test]
fn weakening_an_expectation_is_a_loosening_and_tightening_is_not() {
    use DecisionType::{NotExecuted, Passed, Rejected, Warning};
    let on = |expect: Expected| with(idiv(), expectation("e", builtin("FACE_NO_MATCH"), expect));
    let weakenings = [
        (Expected::Decision(Rejected), Expected::NotDecision(Passed)),
        (Expected::Decision(Rejected), Expected::Decision(Warning)),
        (Expected::Decision(Warning), Expected::Decision(Passed)),
        (Expected::Decision(Warning), Expected::NotDecision(Rejected)),
        (
            Expected::NotDecision(Passed),
            Expected::NotDecision(Rejected),
        ),
        (
            Expected::NotDecision(Passed),
            Expected::NotDecision(NotExecuted),
        ),
        (
            Expected::Decision(Rejected),
            Expected::Label("REJECTED".into()),
        ),
        (Expected::Decision(Rejected), Expected::ScoreAtLeast(71)),
        (Expected::ScoreAtLeast(71), Expected::ScoreAtLeast(50)),
        (Expected::ScoreAtLeast(71), Expected::Decision(Rejected)),
        (
            Expected::EndsAt(NodeId::new("end")),
            Expected::Decision(Rejected),
        ),
        (
            Expected::Label("REJECTED".into()),
            Expected::Decision(Rejected),
        ),
    ];
    for (before, after) in weakenings {
        let found = loosenings(&on(before.clone()), &on(after.clone()));
        assert_eq!(found.len(), 1, "{before} → {after}: {found:#?}");
        assert_eq!(found[0].id, "expectation:e");
        assert!(
            matches!(&found[0].kind, LooseningKind::ExpectationWeakened { .. }),
            "{found:?}"
        );
        assert!(
            found[0]
                .words
                .contains(&format!("becomes “FACE_NO_MATCH: {after}”")),
            "{}",
            found[0].words
        );
    }
    let tightenings = [
        (Expected::NotDecision(Passed), Expected::Decision(Rejected)),
        (Expected::Decision(Warning), Expected::Decision(Rejected)),
        (
            Expected::NotDecision(Rejected),
            Expected::NotDecision(Passed),
        ),
        (Expected::Decision(Passed), Expected::NotDecision(Rejected)),
        (Expected::ScoreAtLeast(50), Expected::ScoreAtLeast(71)),
        (Expected::Decision(Rejected), Expected::Decision(Rejected)),
    ];
    for (before, after) in tightenings {
        let found = loosenings(&on(before.clone()), &on(after.clone()));
        assert!(found.is_empty(), "{before} → {after}: {found:#?}");
    }
    // Another scenario under the same id no longer checks the old one.
    let moved = with(
        idiv(),
        expectation("e", builtin("LIVENESS_SPOOF"), Expected::Decision(Rejected)),
    );
    let found = loosenings(&on(Expected::Decision(Rejected)), &moved);
    assert_eq!(found.len(), 1, "{found:#?}");
}

/// Switching the expectation rules off or to a lower severity is a
/// loosening; raising one, or leaving it, is not.
#[test]
fn switching_the_expectation_rule_off_or_down_is_a_loosening() {
    let setting = |code: &str, s: Option<RuleSetting>| {
        let mut w = idiv();
        if let Some(s) = s {
            w.lint.insert(code.to_owned(), s);
        }
        w
    };
    for code in [BROKEN_CODE, INVALID_CODE] {
        let default = setting(code, None);
        for (from, to) in [
            (None, Some(RuleSetting::Off)),
            (None, Some(RuleSetting::Warning)),
            (None, Some(RuleSetting::Info)),
            (Some(RuleSetting::Warning), Some(RuleSetting::Info)),
            (Some(RuleSetting::Info), Some(RuleSetting::Off)),
        ] {
            let found = loosenings(&setting(code, from), &setting(code, to));
            assert_eq!(found.len(), 1, "{code} {from:?} → {to:?}: {found:#?}");
            assert_eq!(found[0].id, format!("lint:{code}"));
            assert!(
                found[0]
                    .words
                    .starts_with(&format!("lint rule {code} is now")),
                "{}",
                found[0].words
            );
        }
        assert_eq!(
            loosenings(&default, &setting(code, Some(RuleSetting::Off)))[0].words,
            format!(
                "lint rule {code} is now off (was an error): what it finds no longer blocks publishing"
            )
        );
        for (from, to) in [
            (Some(RuleSetting::Off), None),
            (Some(RuleSetting::Warning), Some(RuleSetting::Error)),
            (None, Some(RuleSetting::Error)),
        ] {
            let found = loosenings(&setting(code, from), &setting(code, to));
            assert!(found.is_empty(), "{code} {from:?} → {to:?}: {found:#?}");
        }
    }
    // Another rule's severity is none of this check's business.
    assert!(loosenings(&idiv(), &setting("cycle", Some(RuleSetting::Off))).is_empty());
}

// --- Diff ---

#[test]
fn the_semantic_diff_shows_expectation_changes_by_id() {
    let a = with_starter_expectations(idiv());
    let mut b = a.clone();
    b.expectations.retain(|e| e.id != "fake_id_rejected");
    b.expectations
        .iter_mut()
        .find(|e| e.id == "face_no_match_rejected")
        .expect("starter")
        .expect = Expected::NotDecision(DecisionType::Passed);
    b.expectations.push(expectation(
        "minors",
        builtin("UNDERAGE"),
        Expected::Decision(DecisionType::Rejected),
    ));
    let d = idflow_core::diff::diff(&a, &b);
    assert!(!d.same_meaning());
    assert_eq!(d.meaning_count(), 3);
    let lines: Vec<String> = d.lines().into_iter().map(|l| l.text).collect();
    assert_eq!(
        lines,
        [
            "+ expectation minors: UNDERAGE: decision is REJECTED",
            "− expectation fake_id_rejected: FAKE_ID: decision is REJECTED",
            "~ expectation face_no_match_rejected: FACE_NO_MATCH: decision is REJECTED → FACE_NO_MATCH: decision is not PASSED",
        ]
    );
    assert!(idflow_core::diff::diff(&a, &a).same_meaning());
}
