//! The simulator reproduces the platform's documented behaviour on the
//! standard workflows, and its details document has the retrieval shape.

use std::collections::BTreeSet;

use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{Capability, DecisionType, Workflow};
use idflow_core::simulate::{
    DetailsContext, Ending, Outcome, Scenario, ScenarioError, builtin, by_name, details, matrix,
    simulate,
};

fn load(text: &str) -> Workflow {
    parse_workflow(text, Format::Ron).expect("sample parses")
}
fn idiv() -> Workflow {
    load(include_str!("../../../sample_workflows/10011-idiv.ron"))
}
fn watchlist() -> Workflow {
    load(include_str!(
        "../../../sample_workflows/10167-idiv-watchlist.ron"
    ))
}
fn run(w: &Workflow, scenario: &str) -> idflow_core::simulate::Run {
    simulate(w, &by_name(scenario).expect("built-in"))
}
fn result(run: &idflow_core::simulate::Run, c: Capability) -> (DecisionType, String) {
    run.capability(c)
        .map(|(d, l)| (d, l.to_owned()))
        .unwrap_or_else(|| panic!("{c} ran"))
}
fn not_executed() -> (DecisionType, String) {
    (
        DecisionType::NotExecuted,
        "PRECONDITION_NOT_FULFILLED".to_owned(),
    )
}

#[test]
fn all_pass_passes_with_risk_zero() {
    let r = run(&idiv(), "ALL_PASS");
    assert_eq!((r.decision, r.risk_score), (DecisionType::Passed, 0));
    assert_eq!(r.ending, Ending::Terminal("end".into()));
    let path: Vec<&str> = r.path.iter().map(|n| n.as_str()).collect();
    assert_eq!(
        path,
        ["id_capture", "selfie_capture", "idiv", "risk", "end"]
    );
    assert_eq!(r.edges.len(), 4);
}

#[test]
fn repeated_face_warns_with_risk_fifty() {
    let r = run(&idiv(), "REPEATED_FACE");
    assert_eq!((r.decision, r.risk_score), (DecisionType::Warning, 50));
    assert_eq!(
        result(&r, Capability::DataChecks).0,
        DecisionType::Passed,
        "a warning still lets data checks run"
    );
}

#[test]
fn blurred_id_rejects_and_skips_what_reads_the_id() {
    let r = run(&idiv(), "BLURRED_ID");
    assert_eq!(r.decision, DecisionType::Rejected);
    for c in [
        Capability::Extraction,
        Capability::ImageChecks,
        Capability::DataChecks,
    ] {
        assert_eq!(result(&r, c), not_executed(), "{c}");
    }
    assert_eq!(
        result(&r, Capability::Liveness).0,
        DecisionType::Passed,
        "the selfie was fine"
    );
}

/// domain.md, "How the platform decides", execution order (the API
/// guide): usability -> imageChecks -> extraction -> dataChecks; "image
/// checks REJECTED DIGITAL_COPY, so extraction and data checks do not run".
#[test]
fn fake_id_rejects_and_stops_extraction_and_data_checks() {
    let w = idiv();
    let r = run(&w, "FAKE_ID");
    assert_eq!(r.decision, DecisionType::Rejected);
    assert_eq!(
        result(&r, Capability::ImageChecks),
        (DecisionType::Rejected, "FAKE".to_owned())
    );
    assert_eq!(result(&r, Capability::Extraction), not_executed());
    assert_eq!(result(&r, Capability::DataChecks), not_executed());
    let d = details(&w, &r, &DetailsContext::for_run(&w, &r));
    assert!(
        d["capabilities"]["extraction"][0].get("data").is_none(),
        "no extracted data from a fake document: {}",
        d["capabilities"]["extraction"]
    );
}

/// The same source: the chain runs in the platform's order within a step,
/// and a WARNING link does not break it.
#[test]
fn the_id_chain_runs_in_the_platforms_order_and_a_warning_does_not_break_it() {
    let r = run(&idiv(), "ALL_PASS");
    let order: Vec<Capability> = r
        .results
        .iter()
        .map(|x| x.capability)
        .filter(|c| {
            matches!(
                c,
                Capability::ImageChecks | Capability::Extraction | Capability::DataChecks
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            Capability::ImageChecks,
            Capability::Extraction,
            Capability::DataChecks
        ]
    );
    // Seed 003: REPEATED_FACE (image checks WARNING) still extracts and
    // checks the data; 10011 stays WARNING with score 50.
    let r = run(&idiv(), "REPEATED_FACE");
    assert_eq!(result(&r, Capability::ImageChecks).0, DecisionType::Warning);
    assert_eq!(result(&r, Capability::Extraction).0, DecisionType::Passed);
    assert_eq!(result(&r, Capability::DataChecks).0, DecisionType::Passed);
    assert_eq!((r.decision, r.risk_score), (DecisionType::Warning, 50));
}

/// domain.md, capability labels: similarity's `data.similarity` is MATCH,
/// NOT_MATCH or NOT_POSSIBLE, not the label.
#[test]
fn similarity_data_is_match_not_match_or_not_possible() {
    let w = idiv();
    for (scenario, value) in [("ALL_PASS", "MATCH"), ("FACE_NO_MATCH", "NOT_MATCH")] {
        let r = run(&w, scenario);
        let d = details(&w, &r, &DetailsContext::for_run(&w, &r));
        assert_eq!(
            d["capabilities"]["similarity"][0]["data"]["similarity"], value,
            "{scenario}"
        );
    }
    let mut not_possible = Scenario::new("NOT_POSSIBLE", "", Vec::new());
    not_possible.outcomes.push(Outcome {
        capability: Capability::Similarity,
        credential: None,
        decision: DecisionType::Warning,
        label: "NOT_POSSIBLE".to_owned(),
    });
    let r = simulate(&w, &not_possible);
    let d = details(&w, &r, &DetailsContext::for_run(&w, &r));
    assert_eq!(
        d["capabilities"]["similarity"][0]["data"]["similarity"],
        "NOT_POSSIBLE"
    );
    // Not run (the ID's usability rejected): no data at all.
    let r = run(&w, "BLURRED_ID");
    let d = details(&w, &r, &DetailsContext::for_run(&w, &r));
    assert!(d["capabilities"]["similarity"][0].get("data").is_none());
}

#[test]
fn liveness_spoof_rejects_while_similarity_still_runs() {
    let r = run(&idiv(), "LIVENESS_SPOOF");
    assert_eq!(r.decision, DecisionType::Rejected);
    assert_eq!(result(&r, Capability::Liveness).0, DecisionType::Rejected);
    assert_eq!(
        result(&r, Capability::Similarity),
        (DecisionType::Passed, "MATCH".to_owned())
    );
}

#[test]
fn watchlist_screening_runs_only_when_no_fraud_was_found() {
    let w = watchlist();
    let fake = run(&w, "FAKE_ID");
    assert!(
        fake.capability(Capability::WatchlistScreening).is_none(),
        "not screened"
    );
    assert!(fake.path.iter().any(|n| n.as_str() == "end_rejected"));
    let alert = run(&w, "WATCHLIST_ALERT");
    assert_eq!(alert.decision, DecisionType::Warning);
    assert_eq!(
        result(&alert, Capability::WatchlistScreening),
        (DecisionType::Warning, "ALERT".to_owned())
    );
}

#[test]
fn step_up_takes_the_documented_branches() {
    let w = load(include_str!(
        "../../../sample_workflows/custom-step-up-device-risk.ron"
    ));
    let low = run(&w, "ALL_PASS");
    assert_eq!(
        low.ending,
        Ending::Terminal("end_low".into()),
        "a low-risk device needs no documents"
    );
    assert!(low.capability(Capability::Usability).is_none());
    let risky = run(&w, "DEVICE_HIGH_RISK");
    assert_eq!(risky.ending, Ending::Terminal("end_verified".into()));
    // The device's WARNING stays: a later pass does not erase it.
    assert_eq!(
        (risky.decision, risky.label.as_str()),
        (DecisionType::Warning, "VERIFIED_AFTER_STEP_UP")
    );
    let mut fake = by_name("DEVICE_HIGH_RISK").expect("scenario");
    fake.outcomes
        .extend(by_name("FAKE_ID").expect("scenario").outcomes);
    let rejected = simulate(&w, &fake);
    assert_eq!(rejected.ending, Ending::Terminal("end_full".into()));
    assert_eq!(rejected.decision, DecisionType::Rejected);
}

#[test]
fn returning_user_falls_back_to_idiv() {
    let w = load(include_str!(
        "../../../sample_workflows/custom-returning-user.ron"
    ));
    let ok = run(&w, "ALL_PASS");
    assert_eq!(ok.ending, Ending::Terminal("end_auth".into()));
    assert!(
        !ok.credentials
            .iter()
            .any(|c| c.category == idflow_core::model::CredentialCategory::Id),
        "no ID asked for"
    );
    let failed = run(&w, "AUTHENTICATION_FAILED");
    assert_eq!(failed.ending, Ending::Terminal("end_verified".into()));
    // Seed 004: a rejection in any capability rejects the transaction,
    // whatever the ID check after it found.
    assert_eq!(
        (failed.decision, failed.label.as_str()),
        (DecisionType::Rejected, "CHECKED_BY_IDIV")
    );
    let mut both = by_name("AUTHENTICATION_FAILED").expect("scenario");
    both.outcomes
        .extend(by_name("FACE_NO_MATCH").expect("scenario").outcomes);
    assert_eq!(
        simulate(&w, &both).ending,
        Ending::Terminal("end_fallback".into())
    );
}

#[test]
fn every_standard_workflow_passes_all_pass_and_rejects_a_rejection() {
    for text in [
        include_str!("../../../sample_workflows/10013-idiv-screening-residency-address-dl.ron"),
        include_str!("../../../sample_workflows/10014-authentication.ron"),
        include_str!("../../../sample_workflows/10071-authentication-on-premises.ron"),
        include_str!("../../../sample_workflows/10163-idiv-prepared-data.ron"),
        include_str!("../../../sample_workflows/10165-id-verification.ron"),
        include_str!("../../../sample_workflows/10169-document-proof.ron"),
        include_str!("../../../sample_workflows/10171-id-capture-storage.ron"),
    ] {
        let w = load(text);
        let r = run(&w, "ALL_PASS");
        assert_eq!(
            (r.decision, r.risk_score),
            (DecisionType::Passed, 0),
            "{}",
            w.key
        );
        assert!(matches!(r.ending, Ending::Terminal(_)), "{}", w.key);
        assert!(
            r.results.iter().all(|x| x.decision == DecisionType::Passed),
            "{}: {:?}",
            w.key,
            r.results
                .iter()
                .filter(|x| x.decision != DecisionType::Passed)
                .map(|x| (x.capability, &x.label))
                .collect::<Vec<_>>()
        );
        let rejected = if w.key == 10014 || w.key == 10071 {
            "AUTHENTICATION_FAILED"
        } else {
            "BLURRED_ID"
        };
        let doc = if w.key == 10169 {
            let mut s = by_name("ALL_PASS").expect("s");
            s.outcomes.push(Outcome {
                capability: Capability::Usability,
                credential: None,
                decision: DecisionType::Rejected,
                label: "BLURRED".into(),
            });
            simulate(&w, &s)
        } else {
            run(&w, rejected)
        };
        assert_eq!(doc.decision, DecisionType::Rejected, "{}", w.key);
    }
}

#[test]
fn unknown_scenarios_and_invalid_outcomes_list_what_is_allowed() {
    let err = by_name("NOPE").expect_err("unknown");
    assert!(
        err.to_string().contains("ALL_PASS") && err.to_string().contains("UNDERAGE"),
        "{err}"
    );
    let bad = Scenario::new(
        "bad",
        "",
        vec![Outcome {
            capability: Capability::Similarity,
            credential: None,
            decision: DecisionType::Rejected,
            label: "BLURRED".into(),
        }],
    );
    match bad.validate() {
        Err(ScenarioError::InvalidOutcome { allowed, .. }) => {
            assert!(allowed.contains("REJECTED NO_MATCH"), "{allowed}")
        }
        other => panic!("{other:?}"),
    }
    for s in builtin() {
        s.validate().unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(builtin().len(), 18);
}

/// Every path of a JSON value, arrays collapsed to `[]`.
fn paths(v: &serde_json::Value, prefix: String, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                paths(child, p, out);
            }
        }
        serde_json::Value::Array(items) => {
            for child in items {
                paths(child, format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn details_have_every_field_path_of_the_retrieval_sample() {
    let sample: serde_json::Value =
        serde_json::from_str(include_str!("retrieval_sample.json")).expect("sample");
    let mut expected = BTreeSet::new();
    paths(&sample, String::new(), &mut expected);
    let w = idiv();
    for scenario in ["ALL_PASS", "REPEATED_FACE"] {
        let r = run(&w, scenario);
        let doc = details(&w, &r, &DetailsContext::for_run(&w, &r));
        let mut actual = BTreeSet::new();
        paths(&doc, String::new(), &mut actual);
        let missing: Vec<&String> = expected.iter().filter(|p| !actual.contains(*p)).collect();
        assert!(missing.is_empty(), "{scenario}: missing {missing:#?}");
    }
    let r = run(&w, "REPEATED_FACE");
    let doc = details(&w, &r, &DetailsContext::for_run(&w, &r));
    assert_eq!(doc["decision"]["type"], "WARNING");
    assert_eq!(doc["decision"]["risk"]["score"], 50.0);
    assert_eq!(doc["workflow"]["definitionKey"], "10011");
    assert_eq!(
        doc["capabilities"]["usability"].as_array().map(Vec::len),
        Some(3),
        "one per ID, SELFIE, FACEMAP"
    );
}

#[test]
fn the_matrix_has_a_row_per_scenario() {
    let rows = matrix(&idiv(), &builtin());
    assert_eq!(rows.len(), builtin().len());
    let fake = rows.iter().find(|r| r.scenario == "FAKE_ID").expect("row");
    assert_eq!(
        (fake.decision, fake.terminal.as_str()),
        (DecisionType::Rejected, "end")
    );
    let expired = rows
        .iter()
        .find(|r| r.scenario == "EXPIRED_ID")
        .expect("row");
    assert_eq!(
        expired.decision,
        DecisionType::Passed,
        "no WARNING for expiry unless configured (seed 004)"
    );
}

#[test]
fn runs_are_reproducible() {
    let w = idiv();
    let a = run(&w, "FAKE_ID");
    let b = run(&w, "FAKE_ID");
    assert_eq!(
        details(&w, &a, &DetailsContext::for_run(&w, &a)),
        details(&w, &b, &DetailsContext::for_run(&w, &b))
    );
}

/// domain.md, usability labels (WARNING UNSUPPORTED_COUNTRY,
/// UNSUPPORTED_DOCUMENT_TYPE) and issue 11's "presets are honoured": an ID
/// outside its acquisition's document-type or country presets warns; one
/// inside them passes.
#[test]
fn an_id_outside_the_acquisitions_presets_gets_a_usability_warning() {
    let usa_only = load(include_str!(
        "../../../sample_workflows/10013-idiv-screening-residency-address-dl.ron"
    ));
    let with = |document_type: &str, country: &str| {
        let mut scenario = Scenario::new("PRESETS", "", Vec::new());
        scenario.data.document_type = document_type.to_owned();
        scenario.data.issuing_country = country.to_owned();
        scenario
    };
    let id_usability = |r: &idflow_core::simulate::Run| {
        r.results
            .iter()
            .find(|x| {
                x.capability == Capability::Usability
                    && x.credentials.iter().any(|&c| {
                        r.credentials[c].category == idflow_core::model::CredentialCategory::Id
                    })
            })
            .map(|x| (x.decision, x.label.to_owned()))
            .expect("the ID's usability ran")
    };
    let german = simulate(&usa_only, &with("PASSPORT", "DEU"));
    assert_eq!(
        id_usability(&german),
        (DecisionType::Warning, "UNSUPPORTED_COUNTRY".to_owned())
    );
    assert_ne!(german.decision, DecisionType::Passed);
    assert_eq!(
        result(&german, Capability::Extraction).0,
        DecisionType::Passed,
        "a warning does not stop the chain"
    );
    let american = simulate(&usa_only, &with("PASSPORT", "usa"));
    assert_eq!(
        id_usability(&american),
        (DecisionType::Passed, "OK".to_owned())
    );

    let visa = simulate(&idiv(), &with("VISA", "USA"));
    assert_eq!(
        id_usability(&visa),
        (
            DecisionType::Warning,
            "UNSUPPORTED_DOCUMENT_TYPE".to_owned()
        )
    );
    // An explicit outcome wins over the presets.
    let mut blurred = by_name("BLURRED_ID").expect("built-in");
    blurred.data.issuing_country = "DEU".to_owned();
    let r = simulate(&usa_only, &blurred);
    assert_eq!(id_usability(&r).1, "BLURRED");
}

/// domain.md, "How the platform decides": chains are per credential; a
/// risk signal reads the ID through its own usability -> image checks ->
/// extraction (no valid ID: NO_VALID_ID_CREDENTIAL, no extraction:
/// EXTRACTION_NOT_DONE for screening). A readable proof-of-address document
/// no longer lets checks on a blurred ID pass (issue 11, point 6).
#[test]
fn risk_signals_read_their_own_credentials_chain() {
    use idflow_core::model::{Edge, Port};
    // 10013 with every check reached whatever happened before.
    let mut w = load(include_str!(
        "../../../sample_workflows/10013-idiv-screening-residency-address-dl.ron"
    ));
    w.nodes.retain(|n| n.id.as_str() != "no_fraud");
    w.edges
        .retain(|e| e.from.as_str() != "no_fraud" && e.to.as_str() != "no_fraud");
    w.edges
        .push(Edge::new("document_verification", Port::Out, "screening"));

    let blurred = run(&w, "BLURRED_ID");
    assert_eq!(
        result(&blurred, Capability::WatchlistScreening),
        (
            DecisionType::NotExecuted,
            "NO_VALID_ID_CREDENTIAL".to_owned()
        )
    );
    assert_eq!(
        result(&blurred, Capability::AddressValidation),
        not_executed()
    );
    assert_eq!(
        result(&blurred, Capability::ProofOfResidency).0,
        DecisionType::Passed,
        "the proof-of-address document was readable"
    );

    let fake = run(&w, "FAKE_ID");
    assert_eq!(
        result(&fake, Capability::WatchlistScreening),
        (DecisionType::NotExecuted, "EXTRACTION_NOT_DONE".to_owned())
    );

    // Near miss: a readable ID runs them all.
    let pass = run(&w, "ALL_PASS");
    for c in [
        Capability::WatchlistScreening,
        Capability::AddressValidation,
        Capability::ProofOfResidency,
    ] {
        assert_eq!(result(&pass, c).0, DecisionType::Passed, "{c}");
    }
}
