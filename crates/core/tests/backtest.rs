//! Backtest (issue 18): recorded retrieval documents replayed through
//! workflows. Seed 003's samples are the hand-checked fixtures; generated
//! documents (from the simulator) check the counts against the simulator
//! itself.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use idflow_core::backtest::{
    self, Input, Origin, Reason, Side, Sides, generate, read_transaction, replay,
};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{
    AcquisitionType, Capability, CredentialCategory, DecisionType, NodeKind, Workflow,
};
use idflow_core::simulate::{Unknown, simulate};

fn load(text: &str) -> Workflow {
    parse_workflow(text, Format::Ron).expect("sample parses")
}
fn idiv() -> Workflow {
    load(include_str!("../../../sample_workflows/10011-idiv.ron"))
}

fn decided(side: &Side) -> (DecisionType, &str, i16) {
    match side {
        Side::Decided {
            decision,
            label,
            score,
            ..
        } => (*decision, label.as_str(), *score),
        Side::NotComparable { node, reason } => panic!("not comparable at {node}: {reason}"),
    }
}

/// Seed 003's samples, replayed through the workflows they describe,
/// reproduce the decision, label and score the platform recorded. The
/// IDIV sample names key 10164 (a tenant's copy of 10011) and is replayed
/// through 10011.
#[test]
fn seed_samples_reproduce_their_recorded_decisions() {
    let cases = [
        (
            include_str!("retrieval/idiv_10164.json"),
            idiv(),
            (DecisionType::Warning, "WARNING", 50),
        ),
        (
            include_str!("retrieval/authentication_10014.json"),
            load(include_str!(
                "../../../sample_workflows/10014-authentication.ron"
            )),
            (DecisionType::Passed, "PASSED", 0),
        ),
        (
            include_str!("retrieval/on_premises_10071.json"),
            load(include_str!(
                "../../../sample_workflows/10071-authentication-on-premises.ron"
            )),
            (DecisionType::Passed, "PASSED", 0),
        ),
    ];
    for (text, workflow, expected) in cases {
        let transaction = read_transaction(text).expect("the sample reads");
        assert!(
            transaction.unknown_labels.is_empty(),
            "{:?}",
            transaction.unknown_labels
        );
        let recorded = &transaction.recorded;
        assert_eq!(
            (recorded.decision, recorded.label.as_str(), recorded.score),
            (expected.0, expected.1, Some(expected.2)),
            "the sample's own record"
        );
        let (side, run) = replay(&workflow, &transaction);
        assert_eq!(
            decided(&side),
            expected,
            "{}: path {:?}",
            workflow.key,
            run.path
        );
    }
}

fn generated_inputs(workflow: &Workflow, count: usize) -> Vec<(Input, generate::Generated)> {
    generate::documents(workflow, count, 18)
        .enumerate()
        .map(|(i, g)| {
            let input = Input {
                origin: Origin {
                    file: PathBuf::from("generated.ndjson"),
                    line: Some(i + 1),
                },
                text: Ok(g.document.to_string()),
            };
            (input, g)
        })
        .collect()
}

/// Every case replayed through A and B, every row kept.
fn run_all(a: &Workflow, b: &Workflow, cases: &[(Input, generate::Generated)]) -> backtest::Report {
    backtest::run(
        Sides::new(a, Some(b)),
        cases.iter().map(|(input, _)| input.clone()),
        &AtomicBool::new(false),
        |_| {},
    )
}

fn without(workflow: &Workflow, capability: Capability) -> Workflow {
    let mut copy = workflow.clone();
    for node in &mut copy.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.capabilities.retain(|c| *c != capability);
        }
    }
    copy
}

#[test]
fn generated_documents_agree_with_their_own_workflow_and_count_exactly_what_a_change_moves() {
    let a = idiv();
    let b = without(&a, Capability::Liveness);
    let cases = generated_inputs(&a, 1000);
    let report = run_all(&a, &b, &cases);
    assert_eq!(report.documents(), 1000);
    assert_eq!(
        report.unreadable_count,
        0,
        "{:?}",
        report.unreadable.first()
    );
    assert_eq!(report.agreement.compared, 1000, "{:?}", report.a.reasons);
    assert_eq!(report.agreement.agreed, 1000, "agreement 100 %");
    assert_eq!(report.a.not_comparable, 0);
    assert_eq!(report.b.as_ref().map(|b| b.not_comparable), Some(0));

    // The simulator, run directly with each document's own scenario, says
    // which transactions unticking Liveness moves, and where.
    let mut expected = std::collections::BTreeMap::new();
    for (_, generated) in &cases {
        let (from, to) = (
            simulate(&a, &generated.scenario).decision,
            simulate(&b, &generated.scenario).decision,
        );
        if from != to {
            *expected.entry((from, to)).or_insert(0usize) += 1;
        }
    }
    assert!(!expected.is_empty(), "the change moves some transactions");
    assert_eq!(report.changes, expected);
    assert_eq!(report.changed() + report.unchanged, 1000);
}

/// A copy that adds watchlist screening runs a capability the records
/// hold no result for: those transactions are not comparable on that
/// side, never PASSED; the ones whose ID chain broke (screening would not
/// run) stay comparable. Sources: issue 18, "Unknown stays unknown";
/// domain.md, "How the platform decides" (screening depends on the ID's
/// usability -> image checks -> extraction chain; 10167 screens only when
/// no fraud was found, seed 003).
#[test]
fn a_capability_the_records_never_ran_makes_its_transactions_not_comparable() {
    let a = idiv();
    let b = load(include_str!(
        "../../../sample_workflows/10167-idiv-watchlist.ron"
    ));
    let cases = generated_inputs(&a, 300);
    let report = run_all(&a, &b, &cases);
    let summary = report.b.as_ref().expect("a B side");
    assert!(summary.not_comparable > 0);
    assert_eq!(
        summary.reasons.get("Watchlist Screening unknown").copied(),
        Some(summary.not_comparable),
        "{:?}",
        summary.reasons
    );
    for row in &report.rows {
        let Some(b_side) = &row.b else {
            panic!("every row has a B side");
        };
        // Would screening run? The simulator, run directly on B with the
        // document's own scenario, says (10167 screens only when no fraud
        // was found, and only on an ID whose chain held).
        let generated = cases
            .iter()
            .find(|(input, _)| input.origin == row.origin)
            .map(|(_, g)| g)
            .expect("its case");
        let direct = simulate(&b, &generated.scenario);
        let screened = direct
            .capability(Capability::WatchlistScreening)
            .is_some_and(|(d, _)| d != DecisionType::NotExecuted);
        if screened {
            assert!(
                matches!(
                    b_side,
                    Side::NotComparable {
                        reason: Reason::Unknown(Unknown::Capability(
                            Capability::WatchlistScreening
                        )),
                        ..
                    }
                ),
                "{}: {b_side:?}",
                row.id
            );
        } else {
            assert_eq!(b_side.decision(), Some(direct.decision), "{}", row.id);
        }
    }
    assert_eq!(
        report.changes.values().sum::<usize>() + report.unchanged + summary.not_comparable,
        300
    );
}

/// A label the catalog does not know is reported, and its capability is
/// UNKNOWN in the replay (never guessed); a legacy label is read.
/// Sources: domain.md, "Decisions" (labels per capability; older results
/// may carry dataChecks SUPERIMPOSED_TEXT: accept them when reading).
#[test]
fn unknown_labels_are_reported_and_legacy_labels_are_read() {
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("retrieval/idiv_10164.json")).expect("json");
    document["capabilities"]["liveness"][0]["decision"]["details"]["label"] =
        serde_json::json!("SOMETHING_NEW");
    let transaction = read_transaction(&document.to_string()).expect("reads");
    assert_eq!(transaction.unknown_labels.len(), 1);
    assert_eq!(transaction.unknown_labels[0].label, "SOMETHING_NEW");
    let (side, _) = replay(&idiv(), &transaction);
    assert!(
        matches!(
            side,
            Side::NotComparable {
                reason: Reason::Unknown(Unknown::Capability(Capability::Liveness)),
                ..
            }
        ),
        "{side:?}"
    );

    document["capabilities"]["liveness"][0]["decision"]["details"]["label"] =
        serde_json::json!("OK");
    document["capabilities"]["dataChecks"][0]["decision"] =
        serde_json::json!({"type": "REJECTED", "details": {"label": "SUPERIMPOSED_TEXT"}});
    let transaction = read_transaction(&document.to_string()).expect("reads");
    assert!(transaction.unknown_labels.is_empty());
    let (side, _) = replay(&idiv(), &transaction);
    assert_eq!(decided(&side).0, DecisionType::Rejected);
}

/// A result recorded NOT_EXECUTED because the recorded run's chain broke
/// says nothing of what it would render: where the replay's chain holds,
/// it is UNKNOWN. Source: domain.md, "How the platform decides" (a
/// broken chain makes every later link NOT_EXECUTED
/// PRECONDITION_NOT_FULFILLED).
#[test]
fn a_result_skipped_by_a_broken_chain_is_unknown_where_the_chain_now_holds() {
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("retrieval/idiv_10164.json")).expect("json");
    document["capabilities"]["similarity"][0]["decision"] = serde_json::json!(
        {"type": "NOT_EXECUTED", "details": {"label": "PRECONDITION_NOT_FULFILLED"}}
    );
    let transaction = read_transaction(&document.to_string()).expect("reads");
    let (side, _) = replay(&idiv(), &transaction);
    assert!(
        matches!(
            side,
            Side::NotComparable {
                reason: Reason::Unknown(Unknown::Capability(Capability::Similarity)),
                ..
            }
        ),
        "{side:?}"
    );
}

#[test]
fn a_document_of_the_wrong_shape_names_the_field() {
    let mut document: serde_json::Value =
        serde_json::from_str(include_str!("retrieval/idiv_10164.json")).expect("json");
    document["capabilities"]["usability"][1]["decision"]["type"] = serde_json::json!("MAYBE");
    let error = read_transaction(&document.to_string()).expect_err("refused");
    assert_eq!(error.field, "capabilities.usability[1].decision.type");
    assert!(error.message.contains("MAYBE"), "{error}");
    let error = read_transaction("{\"workflow\": {}}").expect_err("refused");
    assert_eq!(error.field, "workflow");
    assert!(error.message.contains("id"), "{error}");
}

/// A long input keeps memory bounded: with `Keep::Notable`, the report
/// holds at most that many rows of each kind while every count stays
/// exact, and the observer still sees every row in input order.
#[test]
fn a_long_run_keeps_a_bounded_number_of_rows_and_exact_counts() {
    let a = idiv();
    let b = without(&a, Capability::Liveness);
    let cases = generated_inputs(&a, 1500);
    let all = run_all(&a, &b, &cases);
    let mut seen = Vec::new();
    let bounded = backtest::run_with(
        Sides::new(&a, Some(&b)),
        cases.iter().map(|(input, _)| input.clone()),
        &AtomicBool::new(false),
        |_| {},
        backtest::Keep::Notable { per_kind: 5 },
        |row| seen.push(row.origin.line),
    );
    assert!(all.changed() > 5, "enough changes to cap");
    assert!(
        bounded.rows.len() <= 3 * 5,
        "{} rows kept",
        bounded.rows.len()
    );
    assert!(bounded.rows.iter().all(|r| r.notable()));
    assert_eq!(bounded.documents(), 1500);
    assert_eq!(bounded.changes, all.changes);
    assert_eq!(bounded.a, all.a);
    assert_eq!(bounded.b, all.b);
    assert_eq!(bounded.agreement, all.agreement);
    assert_eq!(seen, (1..=1500).map(Some).collect::<Vec<_>>());
}

/// A decision on an extracted value the document does not hold (the
/// retrieval sample's extraction has no nationality) stops the replay
/// there: not comparable, never the Else branch by default. Sources: issue
/// 18, "Unknown stays unknown"; domain.md, "Decisions" (decision points
/// branch on earlier results, extracted fields among them).
#[test]
fn a_decision_on_a_value_the_record_lacks_is_unknown() {
    let text = include_str!("../../../sample_workflows/10011-idiv.ron")
        .replace(
            "  edges: [",
            "  edges: [\n    (from: \"risk\", to: \"by_nationality\"),\n    (from: \"by_nationality\", port: THEN, to: \"end\"),\n    (from: \"by_nationality\", port: ELSE, to: \"end\"),",
        )
        .replace("    (from: \"risk\", to: \"end\"),\n", "")
        .replace(
            "  nodes: [",
            "  nodes: [\n    (\n      id: \"by_nationality\",\n      position: (x: 1000.0, y: 300.0),\n      kind: DECISION(condition: (subject: EXTRACTED_FIELD(NATIONALITY), operator: EQ, value: TEXT(\"USA\"))),\n    ),",
        );
    let workflow = load(&text);
    let transaction =
        read_transaction(include_str!("retrieval/idiv_10164.json")).expect("the sample reads");
    let (side, run) = replay(&workflow, &transaction);
    assert!(
        matches!(
            side,
            Side::NotComparable {
                reason: Reason::Unknown(Unknown::Field(
                    idflow_core::model::ExtractedField::Nationality
                )),
                ..
            }
        ),
        "{side:?}, path {:?}",
        run.path
    );
    // The same decision on a value the document holds is decided.
    let on_country = text.replace(
        "EXTRACTED_FIELD(NATIONALITY)",
        "EXTRACTED_FIELD(ISSUING_COUNTRY)",
    );
    let (side, _) = replay(&load(&on_country), &transaction);
    assert!(side.decision().is_some(), "{side:?}");
}

// ---------------------------------------------------------------------------
// Issue 29, Backtest: what the record did not collect, reused credentials,
// agreement on decision and label, and the recorded keys A stands for.
// ---------------------------------------------------------------------------

/// Why a side is not comparable, as the report words it.
fn reason_of(side: &Side) -> Option<String> {
    match side {
        Side::NotComparable { reason, .. } => Some(reason.to_string()),
        Side::Decided { .. } => None,
    }
}

/// A replayed through with agreement over `keys`.
fn run_for_keys(a: &Workflow, keys: Option<&[u32]>, inputs: Vec<Input>) -> backtest::Report {
    backtest::run(
        Sides {
            a,
            b: None,
            recorded_keys: keys,
        },
        inputs.into_iter(),
        &AtomicBool::new(false),
        |_| {},
    )
}

fn row_score_differs(row: &backtest::Row) -> bool {
    row.score_differs
}

fn report_score_differs(report: &backtest::Report) -> usize {
    report.agreement.score_differs
}

/// Every standard workflow (seed 003's keys), from `sample_workflows/`.
fn standard_workflows() -> Vec<Workflow> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample_workflows");
    let mut found: Vec<Workflow> = std::fs::read_dir(&folder)
        .expect("sample_workflows")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("10") && n.ends_with(".ron"))
        })
        .map(|path| load(&std::fs::read_to_string(&path).expect("sample reads")))
        .collect();
    found.sort_by_key(|w| w.key);
    assert!(found.len() >= 9, "{} standard workflows", found.len());
    found
}

fn as_input(i: usize, document: &serde_json::Value) -> Input {
    Input {
        origin: Origin {
            file: PathBuf::from("generated.ndjson"),
            line: Some(i + 1),
        },
        text: Ok(document.to_string()),
    }
}

/// How many credentials of `category` the document lists.
fn collected(document: &serde_json::Value, category: CredentialCategory) -> usize {
    document["credentials"].as_array().map_or(0, |list| {
        list.iter()
            .filter(|c| c["category"] == category.as_str())
            .count()
    })
}

/// The categories A's acquisition steps on `path` acquire anew (their own
/// category: a selfie step's facemap may be absent over API).
fn acquired_new_on(
    workflow: &Workflow,
    path: &[idflow_core::model::NodeId],
) -> Vec<CredentialCategory> {
    path.iter()
        .filter_map(|id| workflow.nodes.iter().find(|n| &n.id == id))
        .filter_map(|node| match &node.kind {
            NodeKind::Acquisition(step) if step.acquisition_type == AcquisitionType::AcquireNew => {
                Some(step.category)
            }
            _ => None,
        })
        .collect()
}

/// Every standard workflow's documents through every standard workflow: a
/// replay that decides had every new credential its path acquires in the
/// record; one that reached a step whose credential the record never
/// collected is not comparable with that reason, naming the category,
/// never "not delivered" (which fabricates NOT_UPLOADED and a decision).
/// Sources: issue 29, "Backtest" ("a record whose transaction did not
/// collect what workflow A asks for is not comparable, with that reason");
/// domain.md, "How the platform decides", Inputs (NOT_UPLOADED is for
/// parts that did not arrive).
#[test]
fn a_credential_the_record_never_collected_makes_the_replay_not_comparable_with_that_reason() {
    let workflows = standard_workflows();
    let mut not_collected = 0;
    for recorded in &workflows {
        let documents: Vec<serde_json::Value> = generate::documents(recorded, 40, 29)
            .map(|g| g.document)
            .collect();
        for a in &workflows {
            for document in &documents {
                let transaction = read_transaction(&document.to_string()).expect("reads");
                let (side, run) = replay(a, &transaction);
                let context = format!("{} through {}: {side:?}", recorded.key, a.key);
                match reason_of(&side) {
                    None => {
                        for category in CredentialCategory::ALL {
                            let asked = acquired_new_on(a, &run.path)
                                .iter()
                                .filter(|c| *c == category)
                                .count();
                            assert!(
                                collected(document, *category) >= asked,
                                "{context}: decided with {asked} new {category} asked and {} collected",
                                collected(document, *category)
                            );
                        }
                    }
                    Some(reason) => {
                        if let Some(category) =
                            reason.strip_prefix("the recorded transaction collected no ")
                        {
                            not_collected += 1;
                            let category = CredentialCategory::parse(category).expect("a category");
                            let asked = acquired_new_on(a, &run.path)
                                .iter()
                                .filter(|c| **c == category)
                                .count();
                            assert!(
                                collected(document, category) < asked.max(1),
                                "{context}: the record has {} {category}",
                                collected(document, category)
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(not_collected > 0);
    // Named cases: a document proof replayed on IDIV traffic, and the
    // reverse, stop at the first step the record cannot supply.
    let by_key = |key: u32| {
        workflows
            .iter()
            .find(|w| w.key == key)
            .expect("a standard workflow")
    };
    for (recorded, a, expected) in [
        (
            10011,
            10169,
            "the recorded transaction collected no DOCUMENT",
        ),
        (10169, 10011, "the recorded transaction collected no ID"),
        (10165, 10011, "the recorded transaction collected no SELFIE"),
        (10014, 10165, "the recorded transaction collected no ID"),
    ] {
        let inputs: Vec<Input> = generate::documents(by_key(recorded), 50, 3)
            .enumerate()
            .map(|(i, g)| as_input(i, &g.document))
            .collect();
        let report = run_for_keys(by_key(a), None, inputs);
        assert_eq!(report.a.not_comparable, 50, "{recorded} through {a}");
        assert_eq!(
            report.a.reasons.get(expected).copied(),
            Some(50),
            "{recorded} through {a}: {:?}",
            report.a.reasons
        );
        assert!(report.a.decisions.is_empty(), "{:?}", report.a.decisions);
    }
}

/// The results of an earlier credential, as a document carries them: a
/// result naming a credential this transaction did not collect, or an
/// authentication that compared an earlier facemap (seed 003's 10014
/// sample), or a stored facemap uploaded for the transaction (10071).
fn carries_reused_facemap(document: &serde_json::Value) -> bool {
    let ids: Vec<&str> = document["credentials"]
        .as_array()
        .map(|list| list.iter().filter_map(|c| c["id"].as_str()).collect())
        .unwrap_or_default();
    let capabilities = document["capabilities"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let named_earlier = capabilities
        .values()
        .flat_map(|v| v.as_array().cloned().unwrap_or_default())
        .any(|r| {
            r["credentials"].as_array().is_some_and(|list| {
                list.iter().any(|c| {
                    c["category"] == "FACEMAP"
                        && c["id"].as_str().is_some_and(|id| !ids.contains(&id))
                })
            })
        });
    let compared = capabilities
        .get("authentication")
        .and_then(|v| v.as_array())
        .is_some_and(|list| list.iter().any(|r| r["decision"]["type"] != "NOT_EXECUTED"));
    named_earlier || compared
}

/// Every standard workflow's documents through the standard workflows that
/// reuse a facemap (10014 compares with the account's earlier one; 10071
/// with the stored one): a replay that decides had the earlier facemap's
/// results in the document; otherwise it is not comparable with that
/// reason, never decided as if the facemap were missing or present.
/// Sources: issue 29, "Backtest" ("a reused credential counts as present
/// only when its results are in the document"); seed 002, "Acquisition
/// Type" (Use Existing reuses credentials of a previous successful
/// transaction).
#[test]
fn a_reused_credential_counts_as_present_only_when_its_results_are_in_the_document() {
    let workflows = standard_workflows();
    let reusing: Vec<&Workflow> = workflows
        .iter()
        .filter(|w| {
            w.nodes.iter().any(|n| {
                matches!(&n.kind, NodeKind::Acquisition(s) if s.acquisition_type == AcquisitionType::UseExisting)
            })
        })
        .collect();
    assert!(reusing.iter().any(|w| w.key == 10014));
    let mut without = 0;
    for recorded in &workflows {
        for generated in generate::documents(recorded, 40, 290) {
            let document = &generated.document;
            let transaction = read_transaction(&document.to_string()).expect("reads");
            let stored = document["credentials"].as_array().is_some_and(|list| {
                list.iter().any(|c| {
                    c["category"] == "FACEMAP"
                        && !c["parts"].as_array().is_some_and(|parts| {
                            parts.iter().any(|p| {
                                p["classifier"]
                                    .as_str()
                                    .is_some_and(|s| s.starts_with("LIVENESS"))
                            })
                        })
                })
            });
            for a in &reusing {
                let (side, _) = replay(a, &transaction);
                let evidence = carries_reused_facemap(document) || (a.key == 10071 && stored);
                let reason = reason_of(&side);
                if !evidence {
                    without += 1;
                    assert_eq!(
                        reason.as_deref(),
                        Some("the recorded transaction carries no results of a reused FACEMAP"),
                        "{} through {}",
                        recorded.key,
                        a.key
                    );
                } else {
                    assert_ne!(
                        reason.as_deref(),
                        Some("the recorded transaction carries no results of a reused FACEMAP"),
                        "{} through {}",
                        recorded.key,
                        a.key
                    );
                }
            }
        }
    }
    assert!(without > 0);
}

/// A returning user's step-up: the ID is reused (USE_EXISTING, or
/// REUSABLE_IDENTITY), a new selfie is checked against it.
fn step_up(acquisition_type: &str) -> Workflow {
    load(&format!(
        r#"(
  format_version: 2,
  key: 200029,
  name: "Step-up on the verified ID",
  nodes: [
    (id: "id", position: (x: 0.0, y: 0.0), kind: ACQUISITION(category: ID, stage: INTERMEDIATE, acquisition_type: {acquisition_type}, channels: [WEB, SDK, API], parts: [FRONT, BACK])),
    (id: "selfie", position: (x: 280.0, y: 0.0), kind: ACQUISITION(category: SELFIE, stage: INTERMEDIATE, acquisition_type: ACQUIRE_NEW, channels: [WEB, SDK, API], parts: [FACE])),
    (id: "check", position: (x: 560.0, y: 0.0), kind: SERVICE(service: ID_IV, capabilities: [USABILITY, LIVENESS, SIMILARITY])),
    (id: "end", position: (x: 840.0, y: 0.0), kind: TERMINAL(decision: DERIVED)),
  ],
  edges: [
    (from: "id", to: "selfie"),
    (from: "selfie", to: "check"),
    (from: "check", to: "end"),
  ],
)"#
    ))
}

/// A retrieval document in seed 003's shape of a step-up transaction: the
/// new selfie, and `similarity` naming the credentials it compared.
fn step_up_document(extra_credentials: serde_json::Value, compared: serde_json::Value) -> String {
    let mut credentials = vec![serde_json::json!({
        "id": "5a2c1f0e-0000-4000-a000-000000000001",
        "category": "SELFIE",
        "parts": [{"classifier": "FACE", "href": "https://retrieval.example/parts/FACE"}]
    })];
    credentials.extend(extra_credentials.as_array().cloned().unwrap_or_default());
    let mut usability = vec![serde_json::json!({
        "id": "u1",
        "credentials": [{"id": "5a2c1f0e-0000-4000-a000-000000000001", "category": "SELFIE"}],
        "decision": {"type": "PASSED", "details": {"label": "OK"}}
    })];
    for credential in extra_credentials.as_array().cloned().unwrap_or_default() {
        if credential["parts"]
            .as_array()
            .is_some_and(|p| !p.is_empty())
        {
            usability.push(serde_json::json!({
                "id": "u2",
                "credentials": [{"id": credential["id"], "category": credential["category"]}],
                "decision": {"type": "PASSED", "details": {"label": "OK"}}
            }));
        }
    }
    serde_json::json!({
        "workflow": {"id": "7c1d2e3f-0000-4000-a000-000000000029", "status": "PROCESSED", "definitionKey": "200029"},
        "account": {"id": "7c1d2e3f-0000-4000-a000-0000000000aa"},
        "completedAt": "2026-03-02T10:00:00.000Z",
        "credentials": credentials,
        "decision": {"type": "PASSED", "details": {"label": "PASSED"}, "risk": {"score": 0}},
        "capabilities": {
            "usability": usability,
            "liveness": [{
                "id": "l1",
                "credentials": [{"id": "5a2c1f0e-0000-4000-a000-000000000001", "category": "SELFIE"}],
                "decision": {"type": "PASSED", "details": {"label": "OK"}}
            }],
            "similarity": [{
                "id": "s1",
                "credentials": compared,
                "decision": {"type": "PASSED", "details": {"label": "MATCH"}},
                "data": {"similarity": "MATCH"}
            }]
        }
    })
    .to_string()
}

/// Hand-written documents in seed 003's shape: a reused ID is present in
/// the replay when a result of this transaction names it (similarity
/// compared the new selfie with it) and not otherwise; Reusable Identity
/// takes a fresh ID the record collected, or the reused one's results,
/// and with neither is not comparable. Sources: issue 29, "Backtest" and
/// "Reuse only what was verified" ("similarity on a reused ID names both
/// credentials"); seed 002, "Acquisition Type".
#[test]
fn a_reused_id_is_present_only_with_its_results_and_reusable_identity_takes_a_fresh_one() {
    let selfie =
        serde_json::json!({"id": "5a2c1f0e-0000-4000-a000-000000000001", "category": "SELFIE"});
    let earlier_id =
        serde_json::json!({"id": "0e4d9b7a-0000-4000-a000-0000000000e1", "category": "ID"});
    let with_results = step_up_document(
        serde_json::json!([]),
        serde_json::json!([selfie, earlier_id]),
    );
    let without_results = step_up_document(serde_json::json!([]), serde_json::json!([selfie]));
    let fresh_id = serde_json::json!([{
        "id": "0e4d9b7a-0000-4000-a000-0000000000f2",
        "category": "ID",
        "parts": [{"classifier": "FRONT", "href": "https://retrieval.example/parts/FRONT"}, {"classifier": "BACK", "href": "https://retrieval.example/parts/BACK"}]
    }]);
    let fresh_ref =
        serde_json::json!({"id": "0e4d9b7a-0000-4000-a000-0000000000f2", "category": "ID"});
    let fresh = step_up_document(fresh_id, serde_json::json!([selfie, fresh_ref]));
    // Listed by Reusable Identity as reused (its status), named by the
    // similarity it took part in.
    let listed_reused = step_up_document(
        serde_json::json!([{
            "id": "0e4d9b7a-0000-4000-a000-0000000000e1",
            "category": "ID",
            "parts": [],
            "reusableIdentity": {"status": "ID_FOUND", "source": "9b8a7c6d-0000-4000-a000-000000000011"}
        }]),
        serde_json::json!([selfie, earlier_id]),
    );
    let passed = |side: &Side| decided(side).0 == DecisionType::Passed;
    for (acquisition_type, document, expected) in [
        ("USE_EXISTING", &with_results, None),
        (
            "USE_EXISTING",
            &without_results,
            Some("the recorded transaction carries no results of a reused ID"),
        ),
        // A fresh ID is not what USE_EXISTING asks for.
        (
            "USE_EXISTING",
            &fresh,
            Some("the recorded transaction carries no results of a reused ID"),
        ),
        ("USE_EXISTING", &listed_reused, None),
        ("REUSABLE_IDENTITY", &with_results, None),
        ("REUSABLE_IDENTITY", &fresh, None),
        ("REUSABLE_IDENTITY", &listed_reused, None),
        (
            "REUSABLE_IDENTITY",
            &without_results,
            Some("the recorded transaction collected no ID and carries no results of a reused one"),
        ),
    ] {
        let transaction = read_transaction(document).expect("reads");
        let (side, run) = replay(&step_up(acquisition_type), &transaction);
        match expected {
            Some(reason) => {
                assert_eq!(
                    reason_of(&side).as_deref(),
                    Some(reason),
                    "{acquisition_type}"
                );
                assert!(
                    matches!(&side, Side::NotComparable { node, .. } if node.as_str() == "id"),
                    "{side:?}"
                );
                assert_eq!(
                    run.path.last().map(|n| n.as_str()),
                    Some("id"),
                    "cut at the step"
                );
            }
            None => assert!(
                passed(&side),
                "{acquisition_type}: {side:?}, path {:?}",
                run.path
            ),
        }
    }
}

/// A copy of every standard workflow replayed on its own documents, each
/// document's recorded score moved inside its decision's band: agreement
/// is decided on decision and label, so every comparable document agrees,
/// and the moved ones are counted apart with both scores kept; a changed
/// label is a disagreement. Sources: issue 29, "Backtest" ("agreement is
/// decided on decision and label; a differing score under the same
/// decision and label is counted and shown apart"); domain.md, "Top-level
/// decision" (default bands PASSED 0-30, WARNING 31-70, REJECTED 71-100).
#[test]
fn agreement_is_on_decision_and_label_and_a_differing_score_is_counted_apart() {
    let moved = |score: i64| -> Option<i64> {
        let (low, high) = match score {
            0..=30 => (0, 30),
            31..=70 => (31, 70),
            71..=100 => (71, 100),
            _ => return None,
        };
        let other = if score + 7 <= high {
            score + 7
        } else {
            score - 7
        };
        (other >= low).then_some(other)
    };
    let mut total_moved = 0;
    for workflow in standard_workflows() {
        let mut inputs = Vec::new();
        let mut moves = std::collections::BTreeMap::new();
        for (i, generated) in generate::documents(&workflow, 80, 2929).enumerate() {
            let mut document = generated.document;
            let score = document["decision"]["risk"]["score"]
                .as_f64()
                .map(|s| s.round() as i64);
            if let Some(new) = score.and_then(moved) {
                document["decision"]["risk"]["score"] = serde_json::json!(new);
                moves.insert(i + 1, (score.unwrap_or_default(), new));
            }
            inputs.push(as_input(i, &document));
        }
        let report = run_for_keys(&workflow, None, inputs);
        let agreement = &report.agreement;
        assert!(agreement.compared > 0, "{}", workflow.key);
        assert_eq!(
            agreement.agreed, agreement.compared,
            "{}: {:?}",
            workflow.key, report.a.reasons
        );
        assert_eq!(report.disagreements, 0, "{}", workflow.key);
        let mut expected = 0;
        for row in &report.rows {
            let line = row.origin.line.expect("a line");
            let is_moved = moves.contains_key(&line) && row.a.decision().is_some();
            assert_eq!(
                row_score_differs(row),
                is_moved,
                "{} line {line}",
                workflow.key
            );
            if let (Some(&(original, new)), Side::Decided { score, .. }) =
                (moves.get(&line), &row.a)
            {
                assert_eq!(i64::from(*score), original, "A's own score");
                assert_eq!(
                    row.recorded.score.map(i64::from),
                    Some(new),
                    "the recorded score"
                );
                assert!(row.notable(), "listed");
            }
            expected += usize::from(is_moved);
        }
        assert_eq!(report_score_differs(&report), expected, "{}", workflow.key);
        total_moved += expected;
    }
    assert!(total_moved > 100, "{total_moved} moved");

    // The same decision under another label disagrees.
    let a = idiv();
    let mut document = generate::documents(&a, 1, 5).next().expect("one").document;
    document["decision"]["details"]["label"] = serde_json::json!("APPROVED_BY_RULE");
    let report = run_for_keys(&a, None, vec![as_input(0, &document)]);
    assert_eq!((report.agreement.agreed, report.disagreements), (0, 1));
}

/// A custom copy of a standard workflow stands for the recorded workflow
/// keys it is given: its agreement is computed over their documents (seed
/// 003's IDIV sample was recorded under 10164, a tenant's copy of 10011);
/// without them only its own key counts. Source: issue 29, "Backtest"
/// ("`--recorded-key KEY…` says which recorded workflow keys A stands
/// for ... so agreement is computed for custom copies of standard
/// workflows").
#[test]
fn a_custom_copy_is_compared_with_the_records_of_the_keys_it_stands_for() {
    let mut copy = idiv();
    copy.key = 200029;
    let mut inputs: Vec<Input> = generate::documents(&idiv(), 100, 12)
        .enumerate()
        .map(|(i, g)| as_input(i, &g.document))
        .collect();
    inputs.push(as_input(
        100,
        &serde_json::from_str(include_str!("retrieval/idiv_10164.json")).expect("json"),
    ));
    let own = run_for_keys(&copy, None, inputs.clone());
    assert_eq!(own.agreement.compared, 0);
    let standing_for = run_for_keys(&copy, Some(&[10011, 10164]), inputs.clone());
    assert_eq!(standing_for.agreement.compared, 101);
    assert_eq!(standing_for.agreement.agreed, 101);
    assert_eq!(standing_for.recorded_keys, vec![10011, 10164]);
    let only_tenant = run_for_keys(&copy, Some(&[10164]), inputs);
    assert_eq!(only_tenant.agreement.compared, 1);
}

/// Two steps of one category on alternative branches (an ID for the
/// standard path, another for review) each get the record's credential
/// when the replay takes their branch: never "not collected" because the
/// other branch's step, listed first, took it. Compared with the
/// simulator run directly on each document's own scenario. Source: issue
/// 29, "Backtest" (not comparable only when the record did not collect
/// what A asks for).
#[test]
fn steps_on_alternative_branches_each_get_the_recorded_credential() {
    let workflow = load(
        r#"(
  format_version: 2,
  key: 200030,
  name: "Liveness first, then the ID on one of two branches",
  nodes: [
    (id: "selfie", position: (x: 0.0, y: 0.0), kind: ACQUISITION(category: SELFIE, stage: INITIAL, acquisition_type: ACQUIRE_NEW, channels: [WEB, SDK, API], parts: [FACE, FACEMAP])),
    (id: "live", position: (x: 280.0, y: 0.0), kind: SERVICE(service: ID_IV, capabilities: [USABILITY, LIVENESS])),
    (id: "alive", position: (x: 560.0, y: 0.0), kind: DECISION(condition: (subject: CAPABILITY_DECISION(LIVENESS), operator: EQ, value: DECISION(PASSED)))),
    (id: "id_standard", position: (x: 840.0, y: 0.0), kind: ACQUISITION(category: ID, stage: INTERMEDIATE, acquisition_type: ACQUIRE_NEW, channels: [WEB, SDK, API], parts: [FRONT, BACK])),
    (id: "check_standard", position: (x: 1120.0, y: 0.0), kind: SERVICE(service: ID_IV, capabilities: [USABILITY, EXTRACTION, IMAGE_CHECKS, DATA_CHECKS])),
    (id: "end_standard", position: (x: 1400.0, y: 0.0), kind: TERMINAL(decision: DERIVED)),
    (id: "id_review", position: (x: 840.0, y: 200.0), kind: ACQUISITION(category: ID, stage: INTERMEDIATE, acquisition_type: ACQUIRE_NEW, channels: [WEB, SDK, API], parts: [FRONT, BACK])),
    (id: "check_review", position: (x: 1120.0, y: 200.0), kind: SERVICE(service: ID_IV, capabilities: [USABILITY, EXTRACTION, IMAGE_CHECKS, DATA_CHECKS])),
    (id: "end_review", position: (x: 1400.0, y: 200.0), kind: TERMINAL(decision: DERIVED, label: "REVIEWED")),
  ],
  edges: [
    (from: "selfie", to: "live"),
    (from: "live", to: "alive"),
    (from: "alive", port: THEN, to: "id_standard"),
    (from: "id_standard", to: "check_standard"),
    (from: "check_standard", to: "end_standard"),
    (from: "alive", port: ELSE, to: "id_review"),
    (from: "id_review", to: "check_review"),
    (from: "check_review", to: "end_review"),
  ],
)"#,
    );
    let mut reviewed = 0;
    for generated in generate::documents(&idiv(), 400, 30) {
        let transaction = read_transaction(&generated.document.to_string()).expect("reads");
        let (side, run) = replay(&workflow, &transaction);
        // The scenario names 10011's steps: what arrived applies to every
        // step of its category here.
        let mut scenario = generated.scenario.clone();
        for delivered in scenario.delivered.iter_mut().flatten() {
            delivered.step = None;
        }
        let direct = simulate(&workflow, &scenario);
        if run.path.iter().any(|n| n.as_str() == "id_review") {
            reviewed += 1;
        }
        match &side {
            Side::Decided {
                decision, label, ..
            } => {
                assert_eq!(
                    (*decision, label.as_str()),
                    (direct.decision, direct.label.as_str())
                );
            }
            Side::NotComparable { .. } => {
                let reason = reason_of(&side).unwrap_or_default();
                assert!(
                    !reason.contains("collected no ID"),
                    "{reason}, path {:?}",
                    run.path
                );
            }
        }
    }
    assert!(reviewed > 10, "{reviewed} took the review branch");
}

/// Whether a result of the document names an ID the transaction did not
/// collect anew (not in `credentials[]`, or listed there by Reusable
/// Identity as ID_FOUND).
fn names_an_earlier_id(document: &serde_json::Value) -> bool {
    let new_ids: Vec<&str> = document["credentials"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter(|c| c["reusableIdentity"]["status"] != "ID_FOUND")
                .filter_map(|c| c["id"].as_str())
                .collect()
        })
        .unwrap_or_default();
    document["capabilities"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
        .filter_map(|v| v.as_array())
        .flatten()
        .filter_map(|r| r["credentials"].as_array())
        .flatten()
        .any(|c| c["category"] == "ID" && c["id"].as_str().is_some_and(|id| !new_ids.contains(&id)))
}

/// The documents the simulator writes for a step-up on a reused ID
/// (USE_EXISTING, REUSABLE_IDENTITY; every generated scenario's default
/// history offers one), replayed through the same workflow: those whose
/// results name the reused ID agree with their record; the others are not
/// comparable with that reason. Sources: issue 29, "Backtest" ("a reused
/// credential counts as present only when its results are in the
/// document") and "Reusable Identity falls back to a fresh scan"
/// (`reusableIdentity.status`).
#[test]
fn generated_step_ups_on_a_reused_id_replay_where_its_results_are_named() {
    for acquisition_type in ["USE_EXISTING", "REUSABLE_IDENTITY"] {
        let workflow = step_up(acquisition_type);
        let mut named = 0;
        for generated in generate::documents(&workflow, 150, 2929) {
            let document = &generated.document;
            let transaction = read_transaction(&document.to_string()).expect("reads");
            let (side, _) = replay(&workflow, &transaction);
            let fresh = collected(document, CredentialCategory::Id) > 0
                && document["credentials"].as_array().is_some_and(|l| {
                    l.iter().any(|c| {
                        c["category"] == "ID" && c["reusableIdentity"]["status"] != "ID_FOUND"
                    })
                });
            if names_an_earlier_id(document) || (fresh && acquisition_type == "REUSABLE_IDENTITY") {
                named += 1;
                let (decision, label, score) = decided(&side);
                let recorded = &transaction.recorded;
                assert_eq!(
                    (decision, label, Some(score)),
                    (recorded.decision, recorded.label.as_str(), recorded.score),
                    "{acquisition_type}"
                );
            } else {
                assert_eq!(
                    reason_of(&side).as_deref(),
                    Some(match acquisition_type {
                        "USE_EXISTING" =>
                            "the recorded transaction carries no results of a reused ID",
                        _ =>
                            "the recorded transaction collected no ID and carries no results of a reused one",
                    }),
                    "{acquisition_type}: {document}"
                );
            }
        }
        assert!(named > 100, "{acquisition_type}: {named}");
    }
}

/// Every standard workflow with a DOCUMENT step, restricted to each
/// document type in turn, replays records of every document type: the
/// step's presets are held against the type the record's document
/// extraction read (never a default, never the ID's), so a document of
/// the allowed type passes usability and any other gets WARNING
/// UNSUPPORTED_DOCUMENT_TYPE. Sources: issue 29, "A document is not an
/// ID" (DOCUMENT steps honour their document-type presets; a scenario's
/// document type applies to the credential it names); domain.md,
/// "Documents".
#[test]
fn a_document_step_holds_its_presets_against_the_recorded_document() {
    use idflow_core::catalog::document_types_for;
    let mut checked = 0;
    for recorded in standard_workflows() {
        let has_document_step = recorded.nodes.iter().any(|n| {
            matches!(&n.kind, NodeKind::Acquisition(s) if s.category == CredentialCategory::Document)
        });
        if !has_document_step {
            continue;
        }
        let documents: Vec<serde_json::Value> = generate::documents(&recorded, 30, 2929)
            .map(|g| g.document)
            .collect();
        for allowed in document_types_for(CredentialCategory::Document) {
            let mut a = recorded.clone();
            for node in &mut a.nodes {
                if let NodeKind::Acquisition(step) = &mut node.kind
                    && step.category == CredentialCategory::Document
                {
                    step.document_types = vec![*allowed];
                }
            }
            for held in document_types_for(CredentialCategory::Document) {
                for original in &documents {
                    let mut document = original.clone();
                    let mut extracted = false;
                    for result in document["capabilities"]["extraction"]
                        .as_array_mut()
                        .into_iter()
                        .flatten()
                    {
                        let on_document = result["credentials"]
                            .as_array()
                            .is_some_and(|l| l.iter().any(|c| c["category"] == "DOCUMENT"));
                        if on_document && result["decision"]["type"] == "PASSED" {
                            result["data"]["type"] = serde_json::json!(held.as_str());
                            extracted = true;
                        }
                    }
                    let usability_passed = document["capabilities"]["usability"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|r| {
                            r["credentials"][0]["category"] == "DOCUMENT"
                                && r["decision"]["type"] == "PASSED"
                        });
                    if !(extracted && usability_passed) {
                        continue;
                    }
                    let transaction = read_transaction(&document.to_string()).expect("reads");
                    let (_, run) = replay(&a, &transaction);
                    let Some(result) = run.results.iter().find(|r| {
                        r.capability == Capability::Usability
                            && r.credentials.iter().any(|&c| {
                                run.credentials[c].category == CredentialCategory::Document
                            })
                    }) else {
                        continue;
                    };
                    let expected = if held == allowed {
                        (DecisionType::Passed, "OK")
                    } else {
                        (DecisionType::Warning, "UNSUPPORTED_DOCUMENT_TYPE")
                    };
                    assert_eq!(
                        (result.decision, result.label),
                        expected,
                        "{} allowing {allowed}, record of {held}",
                        recorded.key
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "{checked} checked");
}
