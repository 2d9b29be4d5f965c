//! Returning users, documents and driving licences as the platform decides
//! them (issue 29). Each test names its source: a seed and section, or
//! `../shared/reference/domain.md`, "How the platform decides". The rules
//! are tested as sweeps over the standard workflows and the built-in
//! scenarios, not as single examples.

use idflow_core::catalog::{deliverable_parts, document_types_for, standard_workflow};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{
    AcquisitionType, Capability, Channel, Condition, CredentialCategory, DecisionNode,
    DecisionType, DocumentType, Edge, ExtractedField, Node, NodeId, NodeKind, Operator, Port,
    Position, Subject, Value, Workflow,
};
use idflow_core::simulate::{
    DetailsContext, EarlierCredential, EarlierTransaction, Outcome, ReusableIdentity, Run,
    Scenario, builtin, by_name, details, simulate,
};

fn load(text: &str) -> Workflow {
    parse_workflow(text, Format::Ron).expect("sample parses")
}

/// Every sample workflow, by file name.
fn samples() -> Vec<(String, Workflow)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_workflows");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("samples folder") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read sample");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, load(&text)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 11, "every sample is read");
    out
}

/// The standard (Global) workflows among the samples.
fn standard() -> Vec<Workflow> {
    samples()
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| standard_workflow(w.key).is_some() || w.key == 10013)
        .collect()
}

fn sample(key: u32) -> Workflow {
    standard()
        .into_iter()
        .find(|w| w.key == key)
        .unwrap_or_else(|| panic!("sample {key}"))
}

/// 10165 (ID verification) with its ID step reusing: USE_EXISTING or
/// REUSABLE_IDENTITY, on every channel.
fn id_reuse(kind: AcquisitionType) -> Workflow {
    let mut w = sample(10165);
    for node in &mut w.nodes {
        if let NodeKind::Acquisition(a) = &mut node.kind
            && a.category == CredentialCategory::Id
        {
            a.acquisition_type = kind;
            a.channels = vec![Channel::Web, Channel::Api, Channel::Sdk];
        }
    }
    w
}

/// A returning user's IDIV: the ID reused (USE_EXISTING), a new selfie with
/// its facemap, similarity between them.
fn reused_id_with_new_selfie() -> Workflow {
    let mut w = sample(10011);
    for node in &mut w.nodes {
        if let NodeKind::Acquisition(a) = &mut node.kind
            && a.category == CredentialCategory::Id
        {
            a.acquisition_type = AcquisitionType::UseExisting;
        }
    }
    w
}

fn with_history(name: &str, history: Vec<EarlierTransaction>) -> Scenario {
    let mut s = by_name(name).expect("built-in");
    s.history = Some(history);
    s
}

fn reused(run: &Run) -> Vec<CredentialCategory> {
    run.credentials
        .iter()
        .filter(|c| c.existing)
        .map(|c| c.category)
        .collect()
}

fn result(run: &Run, c: Capability) -> Option<(DecisionType, &str)> {
    run.capability(c)
}

/// The workflows a returning user runs after a first transaction: reuse
/// of the ID (USE_EXISTING, REUSABLE_IDENTITY) and authentication against
/// the earlier facemap (10014).
fn returning() -> Vec<(&'static str, Workflow)> {
    vec![
        ("USE_EXISTING ID", id_reuse(AcquisitionType::UseExisting)),
        (
            "REUSABLE_IDENTITY ID",
            id_reuse(AcquisitionType::ReusableIdentity),
        ),
        ("USE_EXISTING ID + new selfie", reused_id_with_new_selfie()),
        ("10014 authentication", sample(10014)),
    ]
}

/// Seed 002, "Acquisition Type": "Use Existing: Reuses credentials from a
/// previous successful transaction"; "Reusable Identity: Reuses a
/// pre-verified ID (if the user has already been verified successfully
/// before and is trusted)". Sweep: every standard workflow x every built-in
/// scenario as the account's first transaction; every returning workflow
/// after it reuses only when that transaction was PASSED (and then only
/// what passed usability), never after REJECTED, WARNING or NOT_EXECUTED.
#[test]
fn only_a_passed_first_transaction_offers_anything_to_reuse() {
    let mut reuses_seen = 0;
    let mut refusals_seen = 0;
    for first_workflow in standard() {
        for first_scenario in builtin() {
            let first = simulate(&first_workflow, &first_scenario);
            let record = EarlierTransaction::of_run("first", &first);
            assert_eq!(record.decision, first.decision);
            for (name, returning) in returning() {
                let run = simulate(&returning, &with_history("ALL_PASS", vec![record.clone()]));
                let context = format!(
                    "{} under {} ({}), then {name}",
                    first_workflow.key, first_scenario.name, first.decision
                );
                for credential in run.credentials.iter().filter(|c| c.existing) {
                    assert_eq!(first.decision, DecisionType::Passed, "{context}: reused");
                    let earlier = record
                        .credentials
                        .iter()
                        .find(|c| c.id == credential.id)
                        .expect("reused from the record, by its earlier id");
                    assert_eq!(earlier.category, credential.category, "{context}");
                    assert_eq!(earlier.usability, DecisionType::Passed, "{context}");
                }
                if first.decision == DecisionType::Passed {
                    reuses_seen += usize::from(!reused(&run).is_empty());
                } else {
                    assert!(reused(&run).is_empty(), "{context}: {:?}", reused(&run));
                    refusals_seen += 1;
                    if returning.key == 10014 {
                        // Seed 002: authentication "Requires an existing
                        // facemap": none qualifies, so it does not run.
                        assert_eq!(
                            result(&run, Capability::Authentication),
                            Some((DecisionType::NotExecuted, "PRECONDITION_NOT_FULFILLED")),
                            "{context}"
                        );
                        assert_ne!(run.decision, DecisionType::Passed, "{context}");
                    }
                }
            }
        }
    }
    assert!(
        reuses_seen > 20 && refusals_seen > 100,
        "{reuses_seen} {refusals_seen}"
    );
}

/// Seed 002, "Reusable Identity: ... Continues with a fresh ID scan (if no
/// pre-verified qualified ID is found or risk is detected)"; domain.md: "the
/// ID is then captured on every channel the step allows (over API too, with
/// its parts)". Sweep over every first transaction that was not PASSED.
#[test]
fn reusable_identity_without_a_qualifying_id_scans_a_fresh_one_on_every_channel() {
    let returning = id_reuse(AcquisitionType::ReusableIdentity);
    let step = returning
        .nodes
        .iter()
        .find_map(|n| match &n.kind {
            NodeKind::Acquisition(a) if a.category == CredentialCategory::Id => Some(a.clone()),
            _ => None,
        })
        .expect("an ID step");
    let every_channel = deliverable_parts(&step, CredentialCategory::Id);
    assert!(!every_channel.is_empty());
    let mut fresh = 0;
    for first_workflow in standard() {
        for first_scenario in builtin() {
            let first = simulate(&first_workflow, &first_scenario);
            let record = EarlierTransaction::of_run("first", &first);
            let run = simulate(&returning, &with_history("ALL_PASS", vec![record]));
            let id = run
                .credentials
                .iter()
                .find(|c| c.category == CredentialCategory::Id)
                .expect("the ID is always there: reused or scanned");
            let offers_id = first.decision == DecisionType::Passed
                && first.credentials.iter().enumerate().any(|(i, c)| {
                    c.category == CredentialCategory::Id
                        && !c.existing
                        && first.results.iter().any(|r| {
                            r.capability == Capability::Usability
                                && r.credentials.contains(&i)
                                && r.decision == DecisionType::Passed
                        })
                });
            if offers_id {
                assert!(id.existing);
                assert_eq!(id.reusable_identity, Some(ReusableIdentity::IdFound));
            } else {
                fresh += 1;
                assert!(
                    !id.existing,
                    "{} {}",
                    first_workflow.key, first_scenario.name
                );
                assert_eq!(id.parts, every_channel);
                assert_eq!(id.reusable_identity, Some(ReusableIdentity::IdNotFound));
                // Its checks run on the fresh scan.
                assert_eq!(
                    result(&run, Capability::Usability).map(|r| r.0),
                    Some(DecisionType::Passed)
                );
            }
        }
    }
    assert!(fresh > 50, "{fresh}");
}

/// Seed 002: "(... or risk is detected)": a REJECTED transaction after the
/// qualifying one withdraws the trust for Reusable Identity (a fresh scan,
/// RISK_DETECTED); USE_EXISTING still reuses the most recent PASSED one.
/// When several qualify, the most recent one.
#[test]
fn a_later_rejection_withdraws_trust_and_the_most_recent_qualifying_one_is_reused() {
    let passed = |id: &str| EarlierTransaction {
        id: id.into(),
        decision: DecisionType::Passed,
        credentials: vec![EarlierCredential {
            id: format!("{id}-id"),
            category: CredentialCategory::Id,
            usability: DecisionType::Passed,
            valid_for_authentication: false,
        }],
    };
    let rejected = EarlierTransaction {
        id: "bad".into(),
        decision: DecisionType::Rejected,
        credentials: vec![],
    };
    {
        let history = vec![passed("a"), passed("b"), rejected.clone()];
        let ri = simulate(
            &id_reuse(AcquisitionType::ReusableIdentity),
            &with_history("ALL_PASS", history.clone()),
        );
        let id = &ri.credentials[0];
        assert!(!id.existing);
        assert_eq!(id.reusable_identity, Some(ReusableIdentity::RiskDetected));
        let existing = simulate(
            &id_reuse(AcquisitionType::UseExisting),
            &with_history("ALL_PASS", history),
        );
        assert_eq!(existing.credentials[0].id, "b-id", "the most recent");
    }
    // WARNING and NOT_EXECUTED afterwards do not withdraw it (only a
    // rejection is "risk detected"), and the most recent PASSED is reused.
    for later in [DecisionType::Warning, DecisionType::NotExecuted] {
        let mut tail = rejected.clone();
        tail.decision = later;
        let run = simulate(
            &id_reuse(AcquisitionType::ReusableIdentity),
            &with_history("ALL_PASS", vec![passed("a"), passed("b"), tail]),
        );
        assert_eq!(run.credentials[0].id, "b-id");
        assert_eq!(
            run.credentials[0].reusable_identity,
            Some(ReusableIdentity::IdFound)
        );
    }
}

/// Domain.md, "Reusable credentials": reusable only "whose usability of
/// that credential passed"; a PASSED transaction whose ID usability did not
/// PASS (any other decision) offers no ID.
#[test]
fn a_credential_whose_usability_did_not_pass_is_never_reused() {
    for usability in [
        DecisionType::Warning,
        DecisionType::Rejected,
        DecisionType::NotExecuted,
    ] {
        let history = vec![EarlierTransaction {
            id: "t".into(),
            decision: DecisionType::Passed,
            credentials: vec![EarlierCredential {
                id: "c".into(),
                category: CredentialCategory::Id,
                usability,
                valid_for_authentication: false,
            }],
        }];
        for kind in [
            AcquisitionType::UseExisting,
            AcquisitionType::ReusableIdentity,
        ] {
            let run = simulate(&id_reuse(kind), &with_history("ALL_PASS", history.clone()));
            assert!(reused(&run).is_empty(), "{usability} {kind}");
        }
    }
}

/// Seed 002, "Select Capabilities": authentication "Requires an existing
/// facemap and selfie passing Liveness"; seed 003: liveness carries
/// `validFaceMapForAuthentication` only where it produced a usable facemap.
/// Every scenario of the onboarding IDIV: 10014 then compares with its
/// facemap only when that transaction PASSED and its liveness PASSED.
#[test]
fn authentication_compares_only_with_a_facemap_that_passed_liveness() {
    let onboarding = sample(10011);
    for scenario in builtin() {
        let first = simulate(&onboarding, &scenario);
        let record = EarlierTransaction::of_run("onboarding", &first);
        let facemap_valid = record
            .credentials
            .iter()
            .any(|c| c.category == CredentialCategory::Facemap && c.valid_for_authentication);
        assert_eq!(
            facemap_valid,
            first.capability(Capability::Liveness).map(|r| r.0) == Some(DecisionType::Passed),
            "{}",
            scenario.name
        );
        let auth = simulate(&sample(10014), &with_history("ALL_PASS", vec![record]));
        let ran = result(&auth, Capability::Authentication);
        if first.decision == DecisionType::Passed && facemap_valid {
            assert_eq!(ran, Some((DecisionType::Passed, "OK")), "{}", scenario.name);
        } else {
            assert_eq!(
                ran,
                Some((DecisionType::NotExecuted, "PRECONDITION_NOT_FULFILLED")),
                "{}",
                scenario.name
            );
        }
    }
    // A PASSED transaction whose facemap liveness never found usable (an
    // API-only journey has none; here: stated by the history) offers none.
    let history = vec![EarlierTransaction {
        id: "t".into(),
        decision: DecisionType::Passed,
        credentials: vec![EarlierCredential {
            id: "f".into(),
            category: CredentialCategory::Facemap,
            usability: DecisionType::Passed,
            valid_for_authentication: false,
        }],
    }];
    let auth = simulate(&sample(10014), &with_history("ALL_PASS", history));
    assert_eq!(
        result(&auth, Capability::Authentication),
        Some((DecisionType::NotExecuted, "PRECONDITION_NOT_FULFILLED"))
    );
}

/// Issue 29: "A scenario can state the account's history ..., defaulting
/// to one qualifying PASSED transaction": without a history every reused
/// credential is there.
#[test]
fn without_a_stated_history_one_qualifying_transaction_is_assumed() {
    for (name, w) in returning() {
        let run = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
        assert!(!reused(&run).is_empty(), "{name}");
        assert_eq!(run.decision, DecisionType::Passed, "{name}");
    }
}

/// Issue 29: "similarity on a reused ID names both credentials".
#[test]
fn similarity_on_a_reused_id_names_both_credentials() {
    let history = vec![EarlierTransaction {
        id: "onboarding".into(),
        decision: DecisionType::Passed,
        credentials: vec![EarlierCredential {
            id: "earlier-id".into(),
            category: CredentialCategory::Id,
            usability: DecisionType::Passed,
            valid_for_authentication: false,
        }],
    }];
    let w = reused_id_with_new_selfie();
    let run = simulate(&w, &with_history("ALL_PASS", history));
    let doc = details(&w, &run, &DetailsContext::for_run(&w, &run));
    let similarity = &doc["capabilities"]["similarity"][0]["credentials"];
    let named: Vec<(&str, &str)> = similarity
        .as_array()
        .expect("credentials")
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap_or_default(),
                c["id"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(named.contains(&("ID", "earlier-id")), "{named:?}");
    assert!(named.iter().any(|(c, _)| *c == "SELFIE"), "{named:?}");
}

/// Domain.md, "Reusable credentials": retrieval carries
/// `credentials[].reusableIdentity {status, source}`, for the reused and
/// the fresh case.
#[test]
fn retrieval_says_what_reusable_identity_did() {
    let w = id_reuse(AcquisitionType::ReusableIdentity);
    let cases = [
        (
            Some(vec![EarlierTransaction {
                id: "onboarding".into(),
                decision: DecisionType::Passed,
                credentials: vec![EarlierCredential {
                    id: "earlier-id".into(),
                    category: CredentialCategory::Id,
                    usability: DecisionType::Passed,
                    valid_for_authentication: false,
                }],
            }]),
            "ID_FOUND",
            "WORKFLOW_EXECUTION",
        ),
        (Some(vec![]), "ID_NOT_FOUND", "NEW_SCAN"),
    ];
    for (history, status, source) in cases {
        let mut scenario = by_name("ALL_PASS").expect("built-in");
        scenario.history = history;
        let run = simulate(&w, &scenario);
        let doc = details(&w, &run, &DetailsContext::for_run(&w, &run));
        let id = doc["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .find(|c| c["category"] == "ID")
            .expect("the ID is listed")
            .clone();
        assert_eq!(id["reusableIdentity"]["status"], status);
        assert_eq!(id["reusableIdentity"]["source"]["type"], source);
        if status == "ID_FOUND" {
            assert_eq!(id["id"], "earlier-id");
            assert_eq!(
                id["reusableIdentity"]["source"]["workflowExecutionId"],
                "onboarding"
            );
        } else {
            assert!(!id["parts"].as_array().expect("parts").is_empty());
        }
    }
}

/// Seed 003, "Authentication On-Premises": 10071's details list the
/// journey's facemap (with its LIVENESS frames), the uploaded stored
/// facemap as its own FACEMAP credential, and the selfie, with usability on
/// each.
#[test]
fn on_premises_details_list_each_facemap_with_its_usability() {
    let w = sample(10071);
    let run = simulate(&w, &by_name("ALL_PASS").expect("built-in"));
    let doc = details(&w, &run, &DetailsContext::for_run(&w, &run));
    let credentials = doc["credentials"].as_array().expect("credentials");
    let facemaps: Vec<&serde_json::Value> = credentials
        .iter()
        .filter(|c| c["category"] == "FACEMAP")
        .collect();
    assert_eq!(facemaps.len(), 2, "{credentials:?}");
    let classifiers = |c: &serde_json::Value| -> Vec<String> {
        c["parts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["classifier"].as_str().map(str::to_owned))
            .collect()
    };
    let journey = facemaps
        .iter()
        .find(|c| classifiers(c).len() > 1)
        .expect("the journey's facemap has its frames");
    for frame in 1..=6 {
        assert!(classifiers(journey).contains(&format!("LIVENESS_{frame}")));
    }
    let stored = facemaps
        .iter()
        .find(|c| classifiers(c) == ["FACEMAP"])
        .expect("the stored facemap, FACEMAP only");
    assert!(
        stored["parts"][0].get("href").is_none(),
        "as seed 003's sample"
    );
    let usability = doc["capabilities"]["usability"]
        .as_array()
        .expect("usability");
    for credential in credentials {
        assert!(
            usability
                .iter()
                .any(|u| u["credentials"][0]["id"] == credential["id"]),
            "usability on {}",
            credential["id"]
        );
    }
    assert_eq!(
        doc["capabilities"]["authentication"][0]["decision"]["type"],
        "PASSED"
    );
    // The stored facemap is the customer's, uploaded for this transaction:
    // without it, nothing to compare with.
    let mut none = by_name("ALL_PASS").expect("built-in");
    none.delivered = Some(vec![]);
    let run = simulate(&w, &none);
    assert_ne!(
        run.capability(Capability::Authentication).map(|r| r.0),
        Some(DecisionType::Passed)
    );
}

/// The acquisition steps with document-type or country presets, with the
/// category their credential is.
fn preset_steps(w: &Workflow) -> Vec<(NodeId, CredentialCategory, Vec<DocumentType>, Vec<String>)> {
    w.nodes
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Acquisition(a) if !a.document_types.is_empty() || !a.countries.is_empty() => {
                Some((
                    n.id.clone(),
                    a.category,
                    a.document_types.clone(),
                    a.countries.clone(),
                ))
            }
            _ => None,
        })
        .collect()
}

/// The usability result on the credential a step collected.
fn usability_on(run: &Run, step: &NodeId) -> Option<(DecisionType, &'static str)> {
    let index = run.credentials.iter().position(|c| &c.node == step)?;
    run.results
        .iter()
        .find(|r| r.capability == Capability::Usability && r.credentials.contains(&index))
        .map(|r| (r.decision, r.label))
}

/// Domain.md, "Documents": "have document-type presets like IDs: another
/// type gets usability WARNING UNSUPPORTED_DOCUMENT_TYPE"; issue 29: "a
/// scenario's document type applies to the credential it names". Sweep:
/// every document-type and country preset of every standard workflow, on
/// the credential it belongs to, with the other credential's data left
/// outside its own presets to show it is not read.
/// ALL_PASS with the credential of `category` of this type and country,
/// and the other one (ID or DOCUMENT) of a type and country no preset
/// accepts, to show it is never read in its place.
fn holding(category: CredentialCategory, document_type: &str, country: &str) -> Scenario {
    let mut s = by_name("ALL_PASS").expect("built-in");
    let (named, other) = match category {
        CredentialCategory::Id => (
            (&mut s.data.document_type, &mut s.data.issuing_country),
            (
                &mut s.document.document_type,
                &mut s.document.issuing_country,
            ),
        ),
        _ => (
            (
                &mut s.document.document_type,
                &mut s.document.issuing_country,
            ),
            (&mut s.data.document_type, &mut s.data.issuing_country),
        ),
    };
    (*named.0, *named.1) = (document_type.into(), country.into());
    (*other.0, *other.1) = ("NOT_A_TYPE".into(), "ZZZ".into());
    s
}

#[test]
fn every_preset_of_every_standard_workflow_holds_on_its_own_credential() {
    let mut checked = 0;
    for w in standard() {
        for (step, category, types, countries) in preset_steps(&w) {
            let candidates = document_types_for(category);
            for &candidate in candidates {
                let s = holding(category, candidate.as_str(), "USA");
                let run = simulate(&w, &s);
                let expected = if types.is_empty() || types.contains(&candidate) {
                    (DecisionType::Passed, "OK")
                } else {
                    (DecisionType::Warning, "UNSUPPORTED_DOCUMENT_TYPE")
                };
                assert_eq!(
                    usability_on(&run, &step),
                    Some(expected),
                    "{} {step} {candidate}",
                    w.key
                );
                checked += 1;
            }
            let accepted_type = types
                .first()
                .or(candidates.first())
                .map_or("", |t| t.as_str());
            for country in ["USA", "US", "DEU", "DE", "FRA", "GBR", "CAN"] {
                let run = simulate(&w, &holding(category, accepted_type, country));
                let inside = countries.is_empty()
                    || countries
                        .iter()
                        .any(|c| idflow_core::simulate::same_country(c, country));
                let expected = if inside {
                    (DecisionType::Passed, "OK")
                } else {
                    (DecisionType::Warning, "UNSUPPORTED_COUNTRY")
                };
                assert_eq!(
                    usability_on(&run, &step),
                    Some(expected),
                    "{} {step} {country}",
                    w.key
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "{checked}");
}

/// Domain.md, "Documents": a document has no face (no face search on it).
/// Every face finding the scenario gives image checks is the ID's: on
/// 10013 the document's image checks pass and carry no face search.
#[test]
fn a_document_has_no_face() {
    let w = sample(10013);
    for label in ["REPEATED_FACE", "DIFFERENT_PERSON"] {
        let mut s = Scenario::new("FACE", "", vec![]);
        s.outcomes.push(Outcome {
            capability: Capability::ImageChecks,
            credential: None,
            decision: DecisionType::Warning,
            label: label.into(),
        });
        let run = simulate(&w, &s);
        let doc = details(&w, &run, &DetailsContext::for_run(&w, &run));
        let checks = doc["capabilities"]["imageChecks"]
            .as_array()
            .expect("image checks");
        let on = |category: &str| {
            checks
                .iter()
                .find(|c| {
                    c["credentials"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|c| c["category"] == category)
                })
                .unwrap_or_else(|| panic!("image checks on {category}"))
        };
        assert_eq!(on("ID")["decision"]["details"]["label"], label);
        assert_eq!(on("DOCUMENT")["decision"]["type"], "PASSED");
        assert!(on("DOCUMENT")["data"].get("faceSearchFindings").is_none());
    }
}

/// Domain.md, "Documents": "Their extraction has no expiry date: a
/// condition on a value the extraction did not produce never holds as if
/// the value were there". On 10169 (a document only), a decision on every
/// ID-only field takes Else for every built-in scenario and every
/// operator; one on the document's type reads the document's.
#[test]
fn a_condition_on_a_value_a_document_lacks_never_holds() {
    let base = sample(10169);
    let fields = [
        (ExtractedField::DaysToExpiry, Value::Number(0)),
        (ExtractedField::CurrentAge, Value::Number(18)),
        (ExtractedField::Nationality, Value::Text("USA".into())),
    ];
    for (field, value) in fields {
        for operator in [Operator::Eq, Operator::Ne, Operator::Lt, Operator::Ge] {
            if matches!(value, Value::Text(_)) && !matches!(operator, Operator::Eq | Operator::Ne) {
                continue;
            }
            let w = with_decision_at_end(&base, field, operator, value.clone());
            for scenario in builtin() {
                let run = simulate(&w, &scenario);
                if let Some(step) = run.step(&NodeId("check".into())) {
                    assert_eq!(
                        step.outcome,
                        idflow_core::simulate::StepOutcome::Branch(Port::Else),
                        "{field:?} {operator:?} {}",
                        scenario.name
                    );
                }
            }
        }
    }
    let w = with_decision_at_end(
        &base,
        ExtractedField::DocumentType,
        Operator::Eq,
        Value::Text("BANK_STATEMENT".into()),
    );
    let mut s = by_name("ALL_PASS").expect("built-in");
    s.document.document_type = "BANK_STATEMENT".into();
    let run = simulate(&w, &s);
    assert_eq!(
        run.step(&NodeId("check".into())).map(|s| s.outcome),
        Some(idflow_core::simulate::StepOutcome::Branch(Port::Then))
    );
}

/// `base` with a decision on `field` right before its first terminal.
fn with_decision_at_end(
    base: &Workflow,
    field: ExtractedField,
    op: Operator,
    value: Value,
) -> Workflow {
    let mut w = base.clone();
    let end = w
        .nodes
        .iter()
        .find(|n| matches!(n.kind, NodeKind::Terminal(_)))
        .map(|n| n.id.clone())
        .expect("a terminal");
    for edge in &mut w.edges {
        if edge.to == end {
            edge.to = NodeId("check".into());
        }
    }
    w.nodes.push(Node::new(
        "check",
        Position::new(0.0, 400.0),
        NodeKind::Decision(DecisionNode {
            condition: Condition {
                subject: Subject::ExtractedField(field),
                operator: op,
                value,
            },
        }),
    ));
    w.edges.push(Edge::new("check", Port::Then, end.0.clone()));
    w.edges.push(Edge::new("check", Port::Else, end.0));
    w
}

/// 10013: "US driving licence verification" (API guide via domain.md,
/// "Driving-licence verification"): an ID that is not a driving licence is
/// NOT_EXECUTED PRECONDITION_NOT_FULFILLED (idflow's reading, checked
/// first), a licence of another country NOT_EXECUTED UNSUPPORTED_COUNTRY,
/// a US licence runs. Sweep: every ID type x a set of countries.
#[test]
fn driving_licence_verification_is_the_us_one() {
    // 10013 asks "is it a licence?" first; a custom copy may not.
    let mut w = sample(10013);
    w.edges.retain(|e| e.from.as_str() != "proof_of_residency");
    w.edges.push(Edge::new(
        "proof_of_residency",
        Port::Out,
        "licence_verification",
    ));
    for &document_type in document_types_for(CredentialCategory::Id) {
        for country in ["USA", "US", "CAN", "MEX", "DEU", "GB"] {
            let mut s = by_name("ALL_PASS").expect("built-in");
            s.data.document_type = document_type.as_str().into();
            s.data.issuing_country = country.into();
            let run = simulate(&w, &s);
            let expected = if document_type != DocumentType::DrivingLicense {
                (DecisionType::NotExecuted, "PRECONDITION_NOT_FULFILLED")
            } else if !matches!(country, "USA" | "US") {
                (DecisionType::NotExecuted, "UNSUPPORTED_COUNTRY")
            } else {
                (DecisionType::Passed, "OK")
            };
            assert_eq!(
                result(&run, Capability::DrivingLicenseVerification),
                Some(expected),
                "{document_type} {country}"
            );
        }
    }
}

/// Issue 29: "the issuing state comes from the scenario's document (a
/// scenario may set it; never a constant); UNSUPPORTED_STATE only when the
/// scenario says the state is not supported".
#[test]
fn the_licence_state_is_the_scenarios() {
    let w = sample(10013);
    for state in ["CA", "NY", "TX", "WA"] {
        let mut s = by_name("ALL_PASS").expect("built-in");
        s.data.issuing_state = state.into();
        let run = simulate(&w, &s);
        let doc = details(&w, &run, &DetailsContext::for_run(&w, &run));
        let extraction = doc["capabilities"]["extraction"]
            .as_array()
            .expect("extraction")
            .iter()
            .find(|e| e["credentials"][0]["category"] == "ID")
            .expect("the ID's extraction")
            .clone();
        assert_eq!(extraction["data"]["state"], state);
        assert_ne!(
            result(&run, Capability::DrivingLicenseVerification),
            Some((DecisionType::NotExecuted, "UNSUPPORTED_STATE"))
        );
    }
    for scenario in builtin() {
        let run = simulate(&w, &scenario);
        assert_ne!(
            run.capability(Capability::DrivingLicenseVerification)
                .map(|r| r.1),
            Some("UNSUPPORTED_STATE"),
            "{}",
            scenario.name
        );
    }
    let mut s = by_name("ALL_PASS").expect("built-in");
    s.outcomes.push(Outcome {
        capability: Capability::DrivingLicenseVerification,
        credential: None,
        decision: DecisionType::NotExecuted,
        label: "UNSUPPORTED_STATE".into(),
    });
    let run = simulate(&w, &s);
    assert_eq!(
        result(&run, Capability::DrivingLicenseVerification),
        Some((DecisionType::NotExecuted, "UNSUPPORTED_STATE"))
    );
}

/// A scenario file states the history in RON (issue 29: "A scenario can
/// state the account's history").
#[test]
fn a_scenario_file_states_the_history() {
    let text = r#"(
        name: "RETURNING_AFTER_REJECTION",
        history: Some([(decision: REJECTED, credentials: [(category: ID, usability: PASSED)])]),
    )"#;
    let scenario: Scenario = idflow_core::format::parse_text(text, Format::Ron).expect("parses");
    let run = simulate(&id_reuse(AcquisitionType::UseExisting), &scenario);
    assert!(reused(&run).is_empty());
}

/// A replay (backtest) whose record holds no extraction of the document
/// cannot check the document's presets again: the recorded usability
/// stands (README, Backtest, "Unknown stays unknown"), while a record that
/// read the document is held against its presets (domain.md, "Documents").
#[test]
fn a_replay_without_the_documents_extraction_keeps_its_recorded_usability() {
    let mut w = sample(10169);
    for node in &mut w.nodes {
        if let NodeKind::Acquisition(a) = &mut node.kind
            && a.category == CredentialCategory::Document
        {
            a.document_types = vec![DocumentType::BankStatement];
        }
    }
    for (unread, expected) in [
        (true, (DecisionType::Passed, "OK")),
        (false, (DecisionType::Warning, "UNSUPPORTED_DOCUMENT_TYPE")),
    ] {
        let mut s = Scenario::new("RECORD", "", vec![]);
        for capability in [
            Capability::Usability,
            Capability::Extraction,
            Capability::ImageChecks,
        ] {
            s.outcomes.push(Outcome {
                capability,
                credential: None,
                decision: DecisionType::Passed,
                label: "OK".into(),
            });
        }
        s.document.document_type = "UTILITY_BILL".into();
        s.recorded = Some(idflow_core::simulate::Recorded {
            missing: vec![],
            document_unread: unread,
        });
        let run = simulate(&w, &s);
        let step = run
            .credentials
            .iter()
            .find(|c| c.category == CredentialCategory::Document)
            .map(|c| c.node.clone())
            .expect("the document");
        assert_eq!(
            usability_on(&run, &step),
            Some(expected),
            "unread: {unread}"
        );
    }
}
