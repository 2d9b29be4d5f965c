//! The simulator decides as the platform does (issue 11). Each test names
//! its source: a seed and section, or the API guide section quoted in
//! `../shared/reference/domain.md`, "How the platform decides".

use idflow_core::catalog::capability_spec;
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{
    AcquisitionType, Capability, CredentialCategory, DecisionType, NodeKind, Part, ScoreBands,
    TerminalDecision, Workflow,
};
use idflow_core::simulate::{
    Delivered, DetailsContext, Outcome, Run, Scenario, builtin, by_name, details, simulate,
};

fn load(text: &str) -> Workflow {
    parse_workflow(text, Format::Ron).expect("sample parses")
}
fn idiv() -> Workflow {
    load(include_str!("../../../sample_workflows/10011-idiv.ron"))
}
fn authentication() -> Workflow {
    load(include_str!(
        "../../../sample_workflows/10014-authentication.ron"
    ))
}
fn on_premises() -> Workflow {
    load(include_str!(
        "../../../sample_workflows/10071-authentication-on-premises.ron"
    ))
}
fn samples() -> Vec<Workflow> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_workflows");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("samples folder") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read sample");
        out.push(load(&text));
    }
    assert!(out.len() >= 11, "every sample is read");
    out
}
fn with_delivered(name: &str, delivered: Vec<Delivered>) -> Scenario {
    let mut s = by_name(name).expect("built-in");
    s.delivered = Some(delivered);
    s
}
fn delivered(category: CredentialCategory, parts: &[Part]) -> Delivered {
    Delivered {
        step: None,
        category,
        parts: parts.to_vec(),
        reused: false,
    }
}
fn results(run: &Run, c: Capability) -> Vec<(DecisionType, &str, Vec<CredentialCategory>)> {
    run.results
        .iter()
        .filter(|r| r.capability == c)
        .map(|r| {
            (
                r.decision,
                r.label,
                r.credentials
                    .iter()
                    .map(|&i| run.credentials[i].category)
                    .collect(),
            )
        })
        .collect()
}

/// domain.md, "Inputs": "a credential whose parts were not delivered gets
/// usability NOT_EXECUTED NOT_UPLOADED, and everything after it does not
/// run". Nothing delivered: nothing executed, so NOT_EXECUTED with -1
/// ("Top-level decision").
#[test]
fn nothing_delivered_is_not_uploaded_everywhere_and_not_executed_overall() {
    let r = simulate(&idiv(), &with_delivered("ALL_PASS", vec![]));
    assert_eq!(
        results(&r, Capability::Usability),
        [
            (
                DecisionType::NotExecuted,
                "NOT_UPLOADED",
                vec![CredentialCategory::Id]
            ),
            (
                DecisionType::NotExecuted,
                "NOT_UPLOADED",
                vec![CredentialCategory::Selfie]
            ),
        ]
    );
    assert!(
        r.results
            .iter()
            .all(|x| x.decision == DecisionType::NotExecuted),
        "{:?}",
        r.results
    );
    assert_eq!((r.decision, r.risk_score), (DecisionType::NotExecuted, -1));
    assert_eq!(
        r.arrivals_in_words(&"id_capture".into(), |c| c.as_str().to_owned()),
        "ID not delivered"
    );
}

/// domain.md, "Inputs": only delivered parts count. 10011 asks for FRONT
/// and BACK; with the FRONT alone the ID is not delivered, so nothing that
/// reads it passes and the transaction is not PASSED.
#[test]
fn a_front_only_id_is_not_uploaded_and_nothing_reading_it_passes() {
    let scenario = with_delivered(
        "ALL_PASS",
        vec![
            delivered(CredentialCategory::Id, &[Part::Front]),
            delivered(CredentialCategory::Selfie, &[Part::Face]),
        ],
    );
    let r = simulate(&idiv(), &scenario);
    for c in [
        Capability::ImageChecks,
        Capability::Extraction,
        Capability::DataChecks,
        Capability::Similarity,
    ] {
        assert_eq!(
            r.capability(c).map(|x| x.0),
            Some(DecisionType::NotExecuted),
            "{c}"
        );
    }
    assert_eq!(
        r.capability(Capability::Liveness).map(|x| x.0),
        Some(DecisionType::Passed)
    );
    assert_ne!(r.decision, DecisionType::Passed);
    let d = details(&idiv(), &r, &DetailsContext::for_run(&idiv(), &r));
    let id = d["credentials"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["category"] == "ID"))
        .expect("the ID is listed");
    assert_eq!(id["parts"].as_array().map(Vec::len), Some(1), "{id}");
}

/// domain.md, "Inputs" and "Channel rules": "A FACEMAP can only come through
/// WEB or SDK; over API alone there is none, and liveness works on the
/// selfie alone." No FACEMAP usability, no facemap on liveness, no
/// `validFaceMapForAuthentication`.
#[test]
fn an_api_only_journey_has_no_facemap() {
    let scenario = with_delivered(
        "ALL_PASS",
        vec![
            delivered(CredentialCategory::Id, &[Part::Front, Part::Back]),
            delivered(CredentialCategory::Selfie, &[Part::Face]),
        ],
    );
    let w = idiv();
    let r = simulate(&w, &scenario);
    assert!(
        r.credentials
            .iter()
            .all(|c| c.category != CredentialCategory::Facemap)
    );
    assert_eq!(
        results(&r, Capability::Liveness),
        [(DecisionType::Passed, "OK", vec![CredentialCategory::Selfie])]
    );
    assert_eq!(r.decision, DecisionType::Passed);
    let text = details(&w, &r, &DetailsContext::for_run(&w, &r)).to_string();
    assert!(!text.contains("FACEMAP"), "{text}");
    assert!(!text.contains("validFaceMapForAuthentication"));
    // By default (every channel used) the facemap arrives and is linked.
    let r = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    let text = details(&w, &r, &DetailsContext::for_run(&w, &r)).to_string();
    assert!(text.contains("validFaceMapForAuthentication"));
}

/// domain.md, "Authentication": "Usability runs on the selfie and the
/// facemaps first. Its data: `type` ... and a `validFaceMapForAuthentication`
/// link"; seed 003, "Authentication" (10014's details: usability on SELFIE
/// and FACEMAP, authentication on the new FACEMAP with data.type).
#[test]
fn authentication_checks_usability_first_and_reports_seed_003s_shape() {
    let w = authentication();
    let r = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    assert_eq!(
        results(&r, Capability::Usability),
        [
            (DecisionType::Passed, "OK", vec![CredentialCategory::Selfie]),
            (
                DecisionType::Passed,
                "OK",
                vec![CredentialCategory::Facemap]
            ),
        ]
    );
    assert_eq!(
        results(&r, Capability::Authentication),
        [(
            DecisionType::Passed,
            "OK",
            vec![CredentialCategory::Facemap]
        )]
    );
    assert_eq!((r.decision, r.risk_score), (DecisionType::Passed, 0));
    let d = details(&w, &r, &DetailsContext::for_run(&w, &r));
    let auth = &d["capabilities"]["authentication"][0];
    assert_eq!(auth["data"]["type"], "IPROOV_STANDARD");
    assert!(auth["validFaceMapForAuthentication"].is_string(), "{auth}");
    let listed: Vec<&str> = d["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .filter_map(|c| c["category"].as_str())
        .collect();
    assert_eq!(
        listed,
        ["SELFIE", "FACEMAP"],
        "the stored facemap is not this transaction's"
    );
}

/// Issue 11 acceptance; domain.md, "Authentication": a spoofed new face
/// fails it (REJECTED FAILED), and seed 004 rejects the transaction.
#[test]
fn liveness_spoof_on_10014_fails_authentication() {
    let r = simulate(
        &authentication(),
        &by_name("LIVENESS_SPOOF").expect("built-in"),
    );
    assert_eq!(
        results(&r, Capability::Authentication),
        [(
            DecisionType::Rejected,
            "FAILED",
            vec![CredentialCategory::Facemap]
        )]
    );
    assert_eq!((r.decision, r.risk_score), (DecisionType::Rejected, 100));
}

/// domain.md, "Authentication": it compares a new facemap with one captured
/// earlier; without the earlier one (no facemap on the account) or the new
/// one (API alone) it cannot run. A rejected selfie stops it too.
#[test]
fn authentication_needs_both_facemaps_and_a_usable_selfie() {
    let w = authentication();
    let new_only = with_delivered(
        "ALL_PASS",
        vec![delivered(
            CredentialCategory::Selfie,
            &[Part::Face, Part::Facemap],
        )],
    );
    let mut new_only = new_only;
    new_only
        .delivered
        .as_mut()
        .expect("listed")
        .push(delivered(CredentialCategory::Facemap, &[Part::Facemap]));
    let r = simulate(&w, &new_only);
    assert_eq!(
        r.capability(Capability::Authentication),
        Some((DecisionType::NotExecuted, "PRECONDITION_NOT_FULFILLED")),
        "no facemap on the account"
    );
    assert_ne!(r.decision, DecisionType::Passed);

    // Over API nothing of 10014 can be delivered (the selfie is WEB/SDK).
    let r = simulate(&w, &with_delivered("ALL_PASS", vec![]));
    assert_eq!(
        r.capability(Capability::Authentication).map(|x| x.0),
        Some(DecisionType::NotExecuted)
    );
    assert_eq!((r.decision, r.risk_score), (DecisionType::NotExecuted, -1));

    let mut blurred = by_name("ALL_PASS").expect("built-in");
    blurred.outcomes.push(Outcome {
        capability: Capability::Usability,
        credential: Some(CredentialCategory::Selfie),
        decision: DecisionType::Rejected,
        label: "BAD_QUALITY".into(),
    });
    let r = simulate(&w, &blurred);
    assert_eq!(
        r.capability(Capability::Authentication),
        Some((DecisionType::NotExecuted, "PRECONDITION_NOT_FULFILLED"))
    );
    assert_eq!(r.decision, DecisionType::Rejected);
}

/// Seed 003, "Authentication On-Premises": the stored facemap is uploaded
/// over API; without that upload authentication cannot run.
#[test]
fn on_premises_authentication_needs_the_uploaded_stored_facemap() {
    let w = on_premises();
    let journey = vec![
        delivered(CredentialCategory::Selfie, &[Part::Face, Part::Facemap]),
        delivered(CredentialCategory::Facemap, &[Part::Facemap]),
    ];
    let r = simulate(&w, &with_delivered("ALL_PASS", journey.clone()));
    assert_eq!(
        r.capability(Capability::Authentication),
        Some((DecisionType::Passed, "OK")),
        "{:?}",
        r.results
    );
    let mut without_new = journey.clone();
    without_new.retain(|d| d.category != CredentialCategory::Selfie);
    without_new[0].step = Some("stored_facemap".into());
    let r = simulate(&w, &with_delivered("ALL_PASS", without_new));
    assert_eq!(
        r.capability(Capability::Authentication).map(|x| x.0),
        Some(DecisionType::NotExecuted),
        "the stored facemap alone (API) never authenticates"
    );
    assert_ne!(r.decision, DecisionType::Passed);
}

/// domain.md, "Reusable credentials": "the reused credential keeps its
/// earlier results". Seed 003's "selfie against an already verified ID":
/// USE_EXISTING ID, new selfie: similarity runs on the reused ID.
#[test]
fn a_reused_id_carries_its_usability_so_similarity_runs() {
    let mut w = idiv();
    for node in &mut w.nodes {
        if let NodeKind::Acquisition(a) = &mut node.kind
            && a.category == CredentialCategory::Id
        {
            a.acquisition_type = AcquisitionType::UseExisting;
            a.channels.clear();
        }
    }
    let r = simulate(&w, &by_name("FACE_NO_MATCH").expect("built-in"));
    assert_eq!(
        r.capability(Capability::Similarity),
        Some((DecisionType::Rejected, "NO_MATCH"))
    );
    assert_eq!(r.decision, DecisionType::Rejected);
    let r = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    assert_eq!(
        r.capability(Capability::Similarity),
        Some((DecisionType::Passed, "MATCH"))
    );
    assert!(
        results(&r, Capability::Usability)
            .iter()
            .all(|(_, _, c)| c != &[CredentialCategory::Id]),
        "the reused ID is not checked again"
    );
    // Not on the account: missing, so similarity cannot run.
    let scenario = with_delivered(
        "ALL_PASS",
        vec![delivered(
            CredentialCategory::Selfie,
            &[Part::Face, Part::Facemap],
        )],
    );
    let r = simulate(&w, &scenario);
    assert_eq!(
        r.capability(Capability::Similarity).map(|x| x.0),
        Some(DecisionType::NotExecuted)
    );
}

/// domain.md, "Top-level decision" (default bands PASSED 0-30, WARNING
/// 31-70, REJECTED 71-100, NOT_EXECUTED -1) and issue 11's rule: every
/// sample under every built-in scenario ends with its score in the band of
/// its decision, and every result carries a label the catalog knows.
#[test]
fn every_sample_under_every_scenario_scores_inside_its_decisions_band() {
    for w in samples() {
        let bands = w
            .nodes
            .iter()
            .find_map(|n| match &n.kind {
                NodeKind::RiskCalculation(r) => r.bands,
                _ => None,
            })
            .unwrap_or_default();
        for scenario in builtin() {
            let r = simulate(&w, &scenario);
            let (low, high) = bands.range(r.decision);
            assert!(
                (low..=high).contains(&r.risk_score),
                "{} {}: {} with score {}",
                w.key,
                scenario.name,
                r.decision,
                r.risk_score
            );
            for x in &r.results {
                assert!(
                    capability_spec(x.capability)
                        .labels_for(x.decision)
                        .contains(&x.label),
                    "{} {}: {} {} {}",
                    w.key,
                    scenario.name,
                    x.capability,
                    x.decision,
                    x.label
                );
            }
        }
    }
}

fn heavy_capabilities() -> Vec<Capability> {
    idiv().capabilities()
}

/// Issue 11, "one rule for decision and score": two warnings whose weights
/// reach the REJECTED band are REJECTED, not WARNING with a REJECTED score.
#[test]
fn the_score_band_can_raise_the_decision() {
    let w = idiv();
    let mut two = Scenario::new("TWO", "", Vec::new());
    for (capability, label) in [
        (Capability::ImageChecks, "REPEATED_FACE"),
        (Capability::Liveness, "AGE_DIFFERENCE"),
    ] {
        two.outcomes.push(Outcome {
            capability,
            credential: None,
            decision: DecisionType::Warning,
            label: label.into(),
        });
    }
    let mut heavy = w.clone();
    for node in &mut heavy.nodes {
        if let NodeKind::RiskCalculation(r) = &mut node.kind {
            // The customer's own weights act exactly as written (issue 29).
            let mut weights = idflow_core::catalog::default_weights(&heavy_capabilities());
            for weight in &mut weights {
                if weight.decision == DecisionType::Warning {
                    weight.weight = 40;
                }
            }
            r.scoring = idflow_core::model::Scoring::Weights(weights);
        }
    }
    let r = simulate(&heavy, &two);
    assert_eq!((r.decision, r.risk_score), (DecisionType::Rejected, 80));
    // The account's own thresholds (set on the risk node) move the line.
    for node in &mut heavy.nodes {
        if let NodeKind::RiskCalculation(r) = &mut node.kind {
            r.bands = Some(ScoreBands {
                passed_up_to: 10,
                warning_up_to: 90,
            });
        }
    }
    let r = simulate(&heavy, &two);
    assert_eq!((r.decision, r.risk_score), (DecisionType::Warning, 80));
}

/// Seed 004 (a rejection in any capability rejects the transaction) with
/// the bands; issue 29: "a workflow without a risk step scores by Default"
/// (REJECTED 71, WARNING 50: seed 003's IDIV sample, image checks WARNING,
/// score 50); seed 003's REPEATED_FACE on 10011 stays WARNING 50.
#[test]
fn the_decision_raises_the_score_into_its_band() {
    let mut w = idiv();
    let risk = w
        .nodes
        .iter()
        .position(|n| matches!(n.kind, NodeKind::RiskCalculation(_)))
        .expect("10011 scores");
    let risk_id = w.nodes[risk].id.clone();
    let (before, after): (Vec<_>, Vec<_>) = w.edges.iter().cloned().partition(|e| e.to == risk_id);
    let end = after
        .iter()
        .find(|e| e.from == risk_id)
        .map(|e| e.to.clone())
        .expect("risk leads to the end");
    w.edges = before
        .into_iter()
        .map(|mut e| {
            e.to = end.clone();
            e
        })
        .chain(after.into_iter().filter(|e| e.from != risk_id))
        .collect();
    w.nodes.remove(risk);
    let r = simulate(&w, &by_name("FAKE_ID").expect("built-in"));
    assert_eq!((r.decision, r.risk_score), (DecisionType::Rejected, 71));
    let r = simulate(&w, &by_name("REPEATED_FACE").expect("built-in"));
    assert_eq!((r.decision, r.risk_score), (DecisionType::Warning, 50));
    let r = simulate(&idiv(), &by_name("REPEATED_FACE").expect("built-in"));
    assert_eq!((r.decision, r.risk_score), (DecisionType::Warning, 50));
}

/// Issue 11: "A FIXED terminal sets the label and may raise the decision,
/// never lower it below C; the score then moves into the final band."
#[test]
fn a_fixed_terminal_raises_but_never_lowers() {
    let mut w = idiv();
    let set_end = |w: &mut Workflow, d: DecisionType| {
        for node in &mut w.nodes {
            if let NodeKind::Terminal(t) = &mut node.kind {
                t.decision = TerminalDecision::Fixed(d);
                t.label = Some("APPROVED".into());
            }
        }
    };
    set_end(&mut w, DecisionType::Passed);
    let r = simulate(&w, &by_name("FAKE_ID").expect("built-in"));
    assert_eq!(
        (r.decision, r.label.as_str(), r.risk_score),
        (DecisionType::Rejected, "REJECTED", 100),
        "a FIXED PASSED cannot approve a rejected transaction"
    );
    let r = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    assert_eq!(
        (r.decision, r.label.as_str(), r.risk_score),
        (DecisionType::Passed, "APPROVED", 0)
    );
    set_end(&mut w, DecisionType::Rejected);
    let r = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    assert_eq!((r.decision, r.risk_score), (DecisionType::Rejected, 71));
}

/// Issue 11 acceptance: a watchlist ALERT on 10013 is WARNING with a
/// WARNING score, never the "approve" score 0 (seed 004).
#[test]
fn a_watchlist_alert_on_10013_scores_as_a_warning() {
    let w = load(include_str!(
        "../../../sample_workflows/10013-idiv-screening-residency-address-dl.ron"
    ));
    let r = simulate(&w, &by_name("WATCHLIST_ALERT").expect("built-in"));
    assert_eq!(r.decision, DecisionType::Warning);
    assert!((31..=70).contains(&r.risk_score), "{}", r.risk_score);
}

/// Issue 11, item 10: a proof-of-address document's extraction carries no
/// licence fields and its image checks do not include the selfie.
#[test]
fn a_utility_bill_extracts_an_address_not_a_licence() {
    let w = load(include_str!(
        "../../../sample_workflows/10013-idiv-screening-residency-address-dl.ron"
    ));
    let r = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    let image_checks = results(&r, Capability::ImageChecks);
    assert!(
        image_checks.contains(&(
            DecisionType::Passed,
            "OK",
            vec![CredentialCategory::Document]
        )),
        "{image_checks:?}"
    );
    let d = details(&w, &r, &DetailsContext::for_run(&w, &r));
    let extraction = d["capabilities"]["extraction"]
        .as_array()
        .and_then(|e| {
            e.iter()
                .find(|e| e["credentials"][0]["category"] == "DOCUMENT")
        })
        .expect("the document was extracted");
    assert_eq!(extraction["data"]["type"], "UTILITY_BILL");
    assert!(
        extraction["data"].get("expiryDate").is_none(),
        "{extraction}"
    );
    assert!(extraction["data"]["addressLine"].is_string());
}
