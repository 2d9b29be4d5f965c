//! Every lint rule, with a fixture that triggers it and a near miss that
//! does not. A rule added to the registry without a case here fails
//! `every_rule_has_a_case`.

use std::collections::BTreeMap;

use idflow_core::format::{Format, parse_workflow};
use idflow_core::lint::{RULES, Severity, lint};
use idflow_core::model::*;

fn sample(text: &str) -> Workflow {
    parse_workflow(text, Format::Ron).expect("sample parses")
}

fn idiv() -> Workflow {
    sample(include_str!("../../../sample_workflows/10011-idiv.ron"))
}
fn watchlist() -> Workflow {
    sample(include_str!(
        "../../../sample_workflows/10167-idiv-watchlist.ron"
    ))
}
fn authentication() -> Workflow {
    sample(include_str!(
        "../../../sample_workflows/10014-authentication.ron"
    ))
}

/// 10169 (document proof) with a decision on `field` before its terminal.
fn document_proof_deciding_on(field: ExtractedField) -> Workflow {
    let mut w = sample(include_str!(
        "../../../sample_workflows/10169-document-proof.ron"
    ));
    let end = w
        .nodes
        .iter()
        .find(|n| matches!(n.kind, NodeKind::Terminal(_)))
        .map(|n| n.id.0.clone())
        .expect("a terminal");
    for edge in &mut w.edges {
        if edge.to.as_str() == end {
            edge.to = NodeId::new("check");
        }
    }
    let value = match field {
        ExtractedField::DaysToExpiry | ExtractedField::CurrentAge => Value::Number(0),
        _ => Value::Text("UTILITY_BILL".into()),
    };
    w.nodes.push(Node::new(
        "check",
        Position::new(0.0, 400.0),
        NodeKind::Decision(DecisionNode {
            condition: Condition {
                subject: Subject::ExtractedField(field),
                operator: Operator::Eq,
                value,
            },
        }),
    ));
    w.edges.push(Edge::new("check", Port::Then, end.clone()));
    w.edges.push(Edge::new("check", Port::Else, end));
    w
}

/// Domain.md, "Documents": every extracted field a document cannot carry
/// is flagged on a document-only workflow, and none it can; an ID's
/// extraction carries them all.
#[test]
fn extracted_fields_a_document_never_carries_are_flagged() {
    for &field in ExtractedField::ALL {
        let report = lint(&document_proof_deciding_on(field));
        let flagged = report
            .findings
            .iter()
            .any(|f| f.code == "extracted-field-never-carried");
        let carried = matches!(
            field,
            ExtractedField::DocumentType | ExtractedField::IssuingCountry
        );
        assert_eq!(flagged, !carried, "{field:?}");
    }
}

/// Issue 29: country codes are ISO 3166-1 "from a maintained crate, not a
/// hand-typed list": three capitals that name no country are refused, an
/// alpha-2 code is pointed at its alpha-3 form.
#[test]
fn country_presets_are_real_alpha3_codes() {
    for (country, valid) in [
        ("USA", true),
        ("DEU", true),
        ("XYZ", false),
        ("US", false),
        ("QQQ", false),
    ] {
        let mut w = idiv();
        acq(&mut w, "id_capture").countries = vec![country.to_owned()];
        let finding = lint(&w)
            .findings
            .into_iter()
            .find(|f| f.code == "country-code");
        assert_eq!(finding.is_none(), valid, "{country}");
        if country == "US" {
            assert!(finding.is_some_and(|f| f.message.contains("`USA`")));
        }
    }
}

fn node<'a>(w: &'a mut Workflow, id: &str) -> &'a mut Node {
    w.nodes
        .iter_mut()
        .find(|n| n.id.as_str() == id)
        .expect("fixture node exists")
}
fn acq<'a>(w: &'a mut Workflow, id: &str) -> &'a mut AcquisitionNode {
    match &mut node(w, id).kind {
        NodeKind::Acquisition(a) => a,
        _ => panic!("{id} is not an acquisition"),
    }
}
fn svc<'a>(w: &'a mut Workflow, id: &str) -> &'a mut ServiceNode {
    match &mut node(w, id).kind {
        NodeKind::Service(s) => s,
        _ => panic!("{id} is not a service"),
    }
}
fn condition<'a>(w: &'a mut Workflow, id: &str) -> &'a mut Condition {
    match &mut node(w, id).kind {
        NodeKind::Decision(d) => &mut d.condition,
        _ => panic!("{id} is not a decision"),
    }
}
/// The risk step's custom weights; a step scoring by the platform's
/// default (the standard samples, issue 29) first gets a lint-clean table:
/// REJECTED 100 and WARNING 10 on each outcome its capabilities render.
fn weights<'a>(w: &'a mut Workflow, id: &str) -> &'a mut Vec<RiskWeight> {
    let capabilities = w.capabilities();
    match &mut node(w, id).kind {
        NodeKind::RiskCalculation(r) => {
            if r.weights_mut().is_none() {
                r.scoring = Scoring::Weights(clean_weights(&capabilities));
            }
            r.weights_mut().expect("scores by weights")
        }
        _ => panic!("{id} is not a risk calculation"),
    }
}
/// REJECTED 100 and WARNING 10 on each outcome the capabilities render
/// (the custom samples' own rule: warnings alone stay in review).
fn clean_weights(capabilities: &[Capability]) -> Vec<RiskWeight> {
    let mut out = Vec::new();
    for &capability in capabilities {
        let spec = idflow_core::catalog::capability_spec(capability);
        for (decision, weight) in [(DecisionType::Rejected, 100), (DecisionType::Warning, 10)] {
            if !spec.labels_for(decision).is_empty() {
                out.push(RiskWeight {
                    capability,
                    decision,
                    weight,
                });
            }
        }
    }
    out
}
/// Sets the WARNING weight of `capability` on the risk step (added when
/// missing).
fn warning_weight(w: &mut Workflow, capability: Capability, weight: u8) {
    let table = weights(w, "risk");
    match table
        .iter_mut()
        .find(|x| x.capability == capability && x.decision == DecisionType::Warning)
    {
        Some(x) => x.weight = weight,
        None => table.push(RiskWeight {
            capability,
            decision: DecisionType::Warning,
            weight,
        }),
    }
}
fn remove_edge(w: &mut Workflow, from: &str, to: &str) {
    let before = w.edges.len();
    w.edges
        .retain(|e| !(e.from.as_str() == from && e.to.as_str() == to));
    assert_eq!(
        w.edges.len(),
        before - 1,
        "fixture edge {from} -> {to} exists"
    );
}
/// Puts `new` between `from` and `to`.
fn insert_between(w: &mut Workflow, from: &str, to: &str, new: Node) {
    let id = new.id.to_string();
    let port = w
        .edges
        .iter()
        .find(|e| e.from.as_str() == from && e.to.as_str() == to)
        .map(|e| e.port);
    remove_edge(w, from, to);
    w.nodes.push(new);
    w.edges
        .push(Edge::new(from, port.unwrap_or(Port::Out), id.clone()));
    w.edges.push(Edge::new(id, Port::Out, to));
}
fn at(id: &str, kind: NodeKind) -> Node {
    Node::new(id, Position::new(0.0, 400.0), kind)
}
fn data(part: Part) -> NodeKind {
    NodeKind::Acquisition(AcquisitionNode {
        category: CredentialCategory::Data,
        stage: Stage::Initial,
        acquisition_type: AcquisitionType::AcquireNew,
        channels: vec![Channel::Web],
        parts: vec![part],
        label: None,
        document_types: vec![],
        countries: vec![],
    })
}
fn signal(s: RiskSignal) -> NodeKind {
    NodeKind::RiskSignal(RiskSignalNode { signal: s })
}
fn terminal() -> NodeKind {
    NodeKind::Terminal(TerminalNode {
        decision: TerminalDecision::Derived,
        label: None,
    })
}

fn bands(w: &mut Workflow, passed_up_to: u8, warning_up_to: u8) {
    match &mut node(w, "risk").kind {
        NodeKind::RiskCalculation(r) => {
            r.bands = Some(ScoreBands {
                passed_up_to,
                warning_up_to,
            })
        }
        _ => panic!("risk is not a risk calculation"),
    }
}
fn fixed(w: &mut Workflow, id: &str, decision: DecisionType) {
    match &mut node(w, id).kind {
        NodeKind::Terminal(t) => t.decision = TerminalDecision::Fixed(decision),
        _ => panic!("{id} is not a terminal"),
    }
}
fn prepared_data_with_email(channel: Channel) -> Workflow {
    let mut w = idiv();
    let mut prepared = data(Part::PreparedData);
    if let NodeKind::Acquisition(a) = &mut prepared {
        a.channels = vec![channel];
    }
    insert_between(&mut w, "selfie_capture", "idiv", at("prepared", prepared));
    insert_between(
        &mut w,
        "idiv",
        "risk",
        at("email", signal(RiskSignal::Email)),
    );
    w
}

/// `w` with one more expectation (issue 34).
fn expecting(mut w: Workflow, scenario: ScenarioRef, expect: Expected) -> Workflow {
    let expectation = Expectation::new_in(&w, scenario, expect);
    w.expectations.push(expectation);
    w
}

type Fixture = fn() -> Workflow;

struct Case {
    code: &'static str,
    triggers: Fixture,
    near_miss: Fixture,
}

const CASES: &[Case] = &[
    Case {
        code: "duplicate-node-id",
        triggers: || {
            let mut w = idiv();
            w.nodes.push(at("end", terminal()));
            w
        },
        near_miss: || {
            let mut w = idiv();
            insert_between(&mut w, "risk", "end", at("end_2", terminal()));
            w
        },
    },
    Case {
        code: "dangling-edge",
        triggers: || {
            let mut w = idiv();
            w.edges.push(Edge::new("end", Port::Out, "ghost"));
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "no-entry",
        triggers: || {
            let mut w = idiv();
            node(&mut w, "id_capture").kind = terminal();
            node(&mut w, "selfie_capture").kind = terminal();
            w
        },
        near_miss: || {
            let mut w = idiv();
            node(&mut w, "selfie_capture").kind = terminal();
            w
        },
    },
    Case {
        code: "multiple-entries",
        triggers: || {
            let mut w = idiv();
            w.nodes.push(at("device", data(Part::DeviceRisk)));
            w.edges.push(Edge::new("device", Port::Out, "idiv"));
            w
        },
        near_miss: || {
            let mut w = idiv();
            insert_between(
                &mut w,
                "selfie_capture",
                "idiv",
                at("device", data(Part::PreparedData)),
            );
            w
        },
    },
    Case {
        code: "unreachable-node",
        triggers: || {
            let mut w = idiv();
            w.nodes.push(at("orphan", terminal()));
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "cycle",
        triggers: || {
            let mut w = idiv();
            w.edges.push(Edge::new("risk", Port::Out, "idiv"));
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "dead-end",
        triggers: || {
            let mut w = idiv();
            remove_edge(&mut w, "risk", "end");
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "decision-branch-missing",
        triggers: || {
            let mut w = watchlist();
            remove_edge(&mut w, "no_fraud", "risk_rejected");
            w
        },
        near_miss: watchlist,
    },
    Case {
        code: "invalid-port",
        triggers: || {
            let mut w = idiv();
            for e in w.edges.iter_mut().filter(|e| e.from.as_str() == "idiv") {
                e.port = Port::Then;
            }
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "terminal-has-output",
        triggers: || {
            let mut w = idiv();
            w.nodes.push(at("after_end", terminal()));
            w.edges.push(Edge::new("end", Port::Out, "after_end"));
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "empty-service",
        triggers: || {
            let mut w = idiv();
            svc(&mut w, "idiv").capabilities.clear();
            w
        },
        near_miss: || {
            let mut w = idiv();
            svc(&mut w, "idiv").capabilities = vec![Capability::Usability];
            w
        },
    },
    Case {
        code: "capability-not-offered",
        triggers: || {
            let mut w = idiv();
            svc(&mut w, "idiv")
                .capabilities
                .push(Capability::WatchlistScreening);
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "duplicate-capability",
        triggers: || {
            let mut w = idiv();
            svc(&mut w, "idiv").capabilities.push(Capability::Usability);
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "capability-dependency",
        triggers: || {
            let mut w = idiv();
            svc(&mut w, "idiv").capabilities = vec![Capability::Extraction];
            w
        },
        near_miss: || {
            let mut w = idiv();
            svc(&mut w, "idiv").capabilities = vec![Capability::Usability, Capability::Extraction];
            w
        },
    },
    Case {
        code: "risk-signal-dependency",
        triggers: || {
            let mut w = idiv();
            insert_between(
                &mut w,
                "selfie_capture",
                "idiv",
                at("screening", signal(RiskSignal::WatchlistScreening)),
            );
            w
        },
        near_miss: || {
            let mut w = idiv();
            insert_between(
                &mut w,
                "idiv",
                "risk",
                at("screening", signal(RiskSignal::WatchlistScreening)),
            );
            w
        },
    },
    Case {
        code: "missing-credential",
        triggers: || {
            let mut w = idiv();
            // Similarity and liveness lose their selfie.
            w.nodes.retain(|n| n.id.as_str() != "selfie_capture");
            w.edges.retain(|e| {
                e.from.as_str() != "selfie_capture" && e.to.as_str() != "selfie_capture"
            });
            w.edges.push(Edge::new("id_capture", Port::Out, "idiv"));
            w
        },
        near_miss: || {
            let mut w = idiv();
            w.nodes.retain(|n| n.id.as_str() != "selfie_capture");
            w.edges.retain(|e| {
                e.from.as_str() != "selfie_capture" && e.to.as_str() != "selfie_capture"
            });
            w.edges.push(Edge::new("id_capture", Port::Out, "idiv"));
            svc(&mut w, "idiv")
                .capabilities
                .retain(|c| !matches!(c, Capability::Liveness | Capability::Similarity));
            w
        },
    },
    Case {
        code: "unused-credential",
        triggers: || {
            let mut w = idiv();
            insert_between(
                &mut w,
                "selfie_capture",
                "idiv",
                at("device", data(Part::DeviceRisk)),
            );
            w
        },
        near_miss: || {
            let mut w = idiv();
            insert_between(
                &mut w,
                "selfie_capture",
                "idiv",
                at("device", data(Part::DeviceRisk)),
            );
            insert_between(
                &mut w,
                "idiv",
                "risk",
                at("device_risk", signal(RiskSignal::DeviceRisk)),
            );
            w
        },
    },
    Case {
        code: "no-channels",
        triggers: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").channels.clear();
            w
        },
        near_miss: || {
            let mut w = authentication();
            // A facemap reused from an earlier transaction is not captured.
            assert!(acq(&mut w, "existing_facemap").channels.is_empty());
            w
        },
    },
    Case {
        code: "facemap-api-only",
        triggers: || {
            let mut w = idiv();
            acq(&mut w, "selfie_capture").channels = vec![Channel::Api];
            w
        },
        near_miss: || {
            let mut w = idiv();
            let selfie = acq(&mut w, "selfie_capture");
            selfie.channels = vec![Channel::Api];
            selfie.parts = vec![Part::Face];
            w
        },
    },
    Case {
        code: "part-not-allowed",
        triggers: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").parts = vec![Part::Front, Part::Face];
            w
        },
        near_miss: || {
            let mut w = idiv();
            let id = acq(&mut w, "id_capture");
            id.parts = vec![Part::Front];
            id.document_types = vec![DocumentType::Passport];
            w
        },
    },
    Case {
        code: "driving-licence-front-only",
        triggers: || {
            let mut w = idiv();
            let id = acq(&mut w, "id_capture");
            id.parts = vec![Part::Front];
            id.document_types = vec![DocumentType::DrivingLicense];
            w
        },
        near_miss: || {
            let mut w = idiv();
            let id = acq(&mut w, "id_capture");
            id.parts = vec![Part::Front];
            id.document_types = vec![DocumentType::Passport];
            w
        },
    },
    Case {
        code: "document-type-category",
        triggers: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").document_types = vec![DocumentType::UtilityBill];
            w
        },
        near_miss: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").document_types = vec![DocumentType::ResidencePermit];
            w
        },
    },
    Case {
        code: "country-code",
        triggers: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").countries = vec!["us".to_owned()];
            w
        },
        near_miss: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").countries = vec!["USA".to_owned()];
            w
        },
    },
    Case {
        code: "label-required",
        triggers: || {
            let mut w = authentication();
            acq(&mut w, "existing_facemap").label = None;
            w
        },
        near_miss: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").label = None;
            w
        },
    },
    Case {
        code: "duplicate-label",
        triggers: || {
            let mut w = authentication();
            acq(&mut w, "existing_facemap").label = Some("new".to_owned());
            w
        },
        near_miss: authentication,
    },
    Case {
        code: "label-invalid",
        triggers: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").label = Some("front id".to_owned());
            w
        },
        near_miss: || {
            let mut w = idiv();
            acq(&mut w, "id_capture").label = Some("front_id".to_owned());
            w
        },
    },
    Case {
        code: "condition-type",
        triggers: || {
            let mut w = watchlist();
            *condition(&mut w, "no_fraud") = Condition {
                subject: Subject::CapabilityLabel(Capability::Usability),
                operator: Operator::Eq,
                value: Value::Label("NO_MATCH".to_owned()),
            };
            w
        },
        near_miss: || {
            let mut w = watchlist();
            *condition(&mut w, "no_fraud") = Condition {
                subject: Subject::CapabilityLabel(Capability::Usability),
                operator: Operator::Ne,
                value: Value::Label("BLURRED".to_owned()),
            };
            w
        },
    },
    Case {
        code: "condition-unproduced",
        triggers: || {
            let mut w = watchlist();
            condition(&mut w, "no_fraud").subject =
                Subject::CapabilityDecision(Capability::WatchlistScreening);
            w
        },
        near_miss: || {
            let mut w = watchlist();
            condition(&mut w, "no_fraud").subject =
                Subject::CapabilityDecision(Capability::ImageChecks);
            w
        },
    },
    // Domain.md, "Documents": a document's extraction has no expiry date.
    Case {
        code: "extracted-field-never-carried",
        triggers: || document_proof_deciding_on(ExtractedField::DaysToExpiry),
        near_miss: || document_proof_deciding_on(ExtractedField::DocumentType),
    },
    Case {
        code: "risk-weight-range",
        triggers: || {
            let mut w = idiv();
            weights(&mut w, "risk")[0].weight = 150;
            w
        },
        near_miss: || {
            let mut w = idiv();
            weights(&mut w, "risk")[0].weight = 100;
            w
        },
    },
    Case {
        code: "risk-bands",
        triggers: || {
            let mut w = idiv();
            bands(&mut w, 70, 30);
            w
        },
        near_miss: || {
            let mut w = idiv();
            bands(&mut w, 20, 60);
            w
        },
    },
    Case {
        code: "risk-weight-unproduced",
        triggers: || {
            let mut w = idiv();
            weights(&mut w, "risk").push(RiskWeight {
                capability: Capability::WatchlistScreening,
                decision: DecisionType::Warning,
                weight: 50,
            });
            w
        },
        near_miss: || {
            let mut w = idiv();
            weights(&mut w, "risk");
            w
        },
    },
    // Issue 29: two warnings of 50 reach the REJECTED band (71+); two of
    // 35 stay at 70, inside WARNING.
    Case {
        code: "risk-warnings-reject",
        triggers: || {
            let mut w = idiv();
            warning_weight(&mut w, Capability::ImageChecks, 50);
            warning_weight(&mut w, Capability::Liveness, 50);
            w
        },
        near_miss: || {
            let mut w = idiv();
            weights(&mut w, "risk").retain(|x| x.decision == DecisionType::Rejected);
            warning_weight(&mut w, Capability::ImageChecks, 35);
            warning_weight(&mut w, Capability::Liveness, 35);
            w
        },
    },
    Case {
        code: "no-risk-calculation",
        triggers: || {
            let mut w = idiv();
            w.nodes.retain(|n| n.id.as_str() != "risk");
            w.edges
                .retain(|e| e.from.as_str() != "risk" && e.to.as_str() != "risk");
            w.edges.push(Edge::new("idiv", Port::Out, "end"));
            w
        },
        near_miss: idiv,
    },
    // Issue 11, "lint for what would mislead".
    Case {
        code: "fixed-decision-overridden",
        // After the fraud branch, a FIXED PASSED cannot hold: any
        // REJECTED capability rejects the transaction (seed 004).
        triggers: || {
            let mut w = watchlist();
            fixed(&mut w, "end_rejected", DecisionType::Passed);
            w
        },
        // On the branch where nothing rejected, it holds.
        near_miss: || {
            let mut w = watchlist();
            fixed(&mut w, "end", DecisionType::Passed);
            w
        },
    },
    Case {
        code: "constant-condition",
        // Extraction never rejects (domain.md, its labels): always false.
        triggers: || {
            let mut w = watchlist();
            *condition(&mut w, "no_fraud") = Condition {
                subject: Subject::CapabilityDecision(Capability::Extraction),
                operator: Operator::Eq,
                value: Value::Decision(DecisionType::Rejected),
            };
            w
        },
        near_miss: || {
            let mut w = watchlist();
            *condition(&mut w, "no_fraud") = Condition {
                subject: Subject::CapabilityDecision(Capability::ImageChecks),
                operator: Operator::Eq,
                value: Value::Decision(DecisionType::Rejected),
            };
            w
        },
    },
    Case {
        code: "capability-never-runs",
        // Prepared data comes over API only (domain.md): over WEB it never
        // arrives, so the email signal never runs.
        triggers: || prepared_data_with_email(Channel::Web),
        near_miss: || prepared_data_with_email(Channel::Api),
    },
    Case {
        code: "idflow-model-signal",
        triggers: || {
            let mut w = idiv();
            insert_between(
                &mut w,
                "selfie_capture",
                "idiv",
                at("device", data(Part::DeviceRisk)),
            );
            insert_between(
                &mut w,
                "idiv",
                "risk",
                at("device_risk", signal(RiskSignal::DeviceRisk)),
            );
            w
        },
        near_miss: watchlist,
    },
    Case {
        code: "expectation-broken",
        triggers: || {
            expecting(
                idiv(),
                ScenarioRef::Builtin("FACE_NO_MATCH".into()),
                Expected::Decision(DecisionType::Passed),
            )
        },
        near_miss: || {
            expecting(
                idiv(),
                ScenarioRef::Builtin("FACE_NO_MATCH".into()),
                Expected::Decision(DecisionType::Rejected),
            )
        },
    },
    Case {
        code: "expectation-invalid",
        triggers: || {
            expecting(
                idiv(),
                ScenarioRef::Builtin("NO_SUCH_SCENARIO".into()),
                Expected::Decision(DecisionType::Rejected),
            )
        },
        near_miss: || {
            expecting(
                idiv(),
                ScenarioRef::Builtin("face_no_match".into()),
                Expected::Decision(DecisionType::Rejected),
            )
        },
    },
    Case {
        code: "empty-name",
        triggers: || {
            let mut w = idiv();
            w.name = "  ".to_owned();
            w
        },
        near_miss: idiv,
    },
    Case {
        code: "unknown-lint-rule",
        triggers: || {
            let mut w = idiv();
            w.lint.insert("no-such-rule".to_owned(), RuleSetting::Off);
            w
        },
        near_miss: || {
            let mut w = idiv();
            w.lint.insert("cycle".to_owned(), RuleSetting::Warning);
            w
        },
    },
];

#[test]
fn every_rule_has_a_case() {
    for rule in RULES {
        assert!(
            CASES.iter().any(|c| c.code == rule.code),
            "rule {} has no test case",
            rule.code
        );
    }
    let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), RULES.len(), "rule codes are unique");
}

#[test]
fn each_rule_triggers_on_its_fixture() {
    for case in CASES {
        let report = lint(&(case.triggers)());
        assert!(
            report.has_code(case.code),
            "{} did not trigger; findings: {:#?}",
            case.code,
            report.findings
        );
        let rule = RULES
            .iter()
            .find(|r| r.code == case.code)
            .expect("case names a rule");
        for f in report.findings.iter().filter(|f| f.code == case.code) {
            assert_eq!(f.severity, rule.severity, "{}: default severity", case.code);
            assert!(
                f.message.contains(':'),
                "{}: message says what to do: {}",
                case.code,
                f.message
            );
        }
    }
}

#[test]
fn each_rule_stays_quiet_on_its_near_miss() {
    for case in CASES {
        let report = lint(&(case.near_miss)());
        assert!(
            !report.has_code(case.code),
            "{} triggered on its near miss: {:#?}",
            case.code,
            report.findings
        );
    }
}

#[test]
fn findings_point_at_the_node_and_field() {
    let mut w = idiv();
    acq(&mut w, "selfie_capture").channels = vec![Channel::Api];
    let report = lint(&w);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "facemap-api-only")
        .expect("finding");
    assert_eq!(f.node.as_ref().map(|n| n.as_str()), Some("selfie_capture"));
    assert_eq!(f.field, Some("channels"));
}

#[test]
fn workflow_configuration_changes_severity_or_turns_rules_off() {
    let mut w = idiv();
    acq(&mut w, "selfie_capture").channels = vec![Channel::Api];
    assert!(lint(&w).has_errors());

    w.lint = BTreeMap::from([("facemap-api-only".to_owned(), RuleSetting::Warning)]);
    let report = lint(&w);
    assert!(!report.has_errors());
    assert_eq!(
        report
            .findings
            .iter()
            .find(|f| f.code == "facemap-api-only")
            .map(|f| f.severity),
        Some(Severity::Warning)
    );

    w.lint = BTreeMap::from([("facemap-api-only".to_owned(), RuleSetting::Off)]);
    assert!(!lint(&w).has_code("facemap-api-only"));
}

#[test]
fn errors_are_listed_first() {
    let mut w = idiv();
    w.name.clear();
    svc(&mut w, "idiv").capabilities = vec![Capability::Extraction];
    let report = lint(&w);
    let severities: Vec<Severity> = report.findings.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted);
    assert_eq!(severities.first(), Some(&Severity::Error));
}

// --- Issue 29: weights under the platform's default score ---

/// Every standard workflow, as shipped in `sample_workflows/` (file, workflow).
fn standard_samples() -> Vec<(String, Workflow)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_workflows");
    let mut out: Vec<(String, Workflow)> = std::fs::read_dir(&dir)
        .expect("sample_workflows")
        .map(|e| e.expect("entry").path())
        .filter_map(|path| {
            let w = sample(&std::fs::read_to_string(&path).expect("readable"));
            idflow_core::catalog::standard_workflow(w.key).map(|_| (path.display().to_string(), w))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 9, "the nine standard workflows");
    out
}

/// The risk steps of a workflow: (index, id).
fn risk_steps(w: &Workflow) -> Vec<(usize, String)> {
    w.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::RiskCalculation(_)))
        .map(|(i, n)| (i, n.id.to_string()))
        .collect()
}

fn set_scoring(w: &mut Workflow, id: &str, scoring: Scoring) {
    match &mut node(w, id).kind {
        NodeKind::RiskCalculation(r) => r.scoring = scoring,
        _ => panic!("{id} is not a risk calculation"),
    }
}

fn weight(capability: Capability, decision: DecisionType, weight: u8) -> RiskWeight {
    RiskWeight {
        capability,
        decision,
        weight,
    }
}

/// Issue 29, "Outcomes a capability never renders" (seed 004: "Extraction
/// is always either passed or not executed"): on every standard workflow,
/// a weight on every outcome a capability running before the risk step
/// never renders (the catalog has no label for it) is flagged by
/// `risk-weight-unproduced`, naming the capability and the outcome; a
/// weight on an outcome it renders is not.
#[test]
fn a_weight_on_an_outcome_its_capability_never_renders_is_flagged() {
    let mut flagged = std::collections::BTreeSet::new();
    for (file, w) in standard_samples() {
        let analysis = idflow_core::lint::Analysis::new(&w, |_| 0);
        for (i, risk) in risk_steps(&w) {
            for &capability in Capability::ALL {
                if analysis.caps_before[i] & capability.bit() == 0 {
                    continue;
                }
                let spec = idflow_core::catalog::capability_spec(capability);
                for &decision in DecisionType::ALL {
                    let mut copy = w.clone();
                    set_scoring(
                        &mut copy,
                        &risk,
                        Scoring::Weights(vec![weight(capability, decision, 10)]),
                    );
                    let findings: Vec<_> = lint(&copy)
                        .findings
                        .into_iter()
                        .filter(|f| {
                            f.code == "risk-weight-unproduced"
                                && f.node.as_ref().map(|n| n.as_str()) == Some(risk.as_str())
                        })
                        .collect();
                    if spec.labels_for(decision).is_empty() {
                        assert_eq!(findings.len(), 1, "{file} {risk} {capability:?} {decision}");
                        let f = &findings[0];
                        assert_eq!(f.severity, Severity::Warning);
                        assert_eq!(f.field, Some("weights"));
                        assert!(
                            f.message.contains(spec.name) && f.message.contains(decision.as_str()),
                            "{file}: {}",
                            f.message
                        );
                        flagged.insert((capability, decision));
                    } else {
                        assert!(findings.is_empty(), "{file} {risk}: {findings:#?}");
                    }
                }
            }
        }
    }
    // Seed 004's own example is among them.
    assert!(flagged.contains(&(Capability::Extraction, DecisionType::Warning)));
    assert!(flagged.contains(&(Capability::Extraction, DecisionType::Rejected)));
    assert!(flagged.contains(&(Capability::Authentication, DecisionType::Warning)));
    assert!(flagged.contains(&(Capability::WatchlistScreening, DecisionType::Rejected)));
}

/// Issue 29: "a condition on one stays `constant-condition`". On every
/// standard workflow, a decision on an outcome a capability running before
/// it never renders is constant (EQ never holds, NE always does); on an
/// outcome it renders, it is not.
#[test]
fn a_condition_on_an_outcome_never_rendered_is_constant() {
    let mut checked = 0;
    for (file, w) in standard_samples() {
        for (_, risk) in risk_steps(&w) {
            let before = w
                .edges
                .iter()
                .find(|e| e.to.as_str() == risk)
                .map(|e| e.from.to_string())
                .expect("an edge into the risk step");
            let mut probe = w.clone();
            let condition = Condition {
                subject: Subject::OverallDecision,
                operator: Operator::Eq,
                value: Value::Decision(DecisionType::Passed),
            };
            insert_between(
                &mut probe,
                &before,
                &risk,
                at("probe", NodeKind::Decision(DecisionNode { condition })),
            );
            let analysis = idflow_core::lint::Analysis::new(&probe, |_| 0);
            let i = analysis.index["probe"];
            for &capability in Capability::ALL {
                if analysis.caps_before[i] & capability.bit() == 0 {
                    continue;
                }
                let spec = idflow_core::catalog::capability_spec(capability);
                for &decision in DecisionType::ALL {
                    for operator in [Operator::Eq, Operator::Ne] {
                        let mut copy = probe.clone();
                        *condition_of(&mut copy, "probe") = Condition {
                            subject: Subject::CapabilityDecision(capability),
                            operator,
                            value: Value::Decision(decision),
                        };
                        let constant = lint(&copy).findings.iter().any(|f| {
                            f.code == "constant-condition"
                                && f.node.as_ref().map(|n| n.as_str()) == Some("probe")
                        });
                        assert_eq!(
                            constant,
                            spec.labels_for(decision).is_empty(),
                            "{file}: {capability:?} {operator:?} {decision}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

fn condition_of<'a>(w: &'a mut Workflow, id: &str) -> &'a mut Condition {
    condition(w, id)
}

/// The first label a capability renders for `decision`.
fn label_of(capability: Capability, decision: DecisionType) -> &'static str {
    idflow_core::catalog::capability_spec(capability).labels_for(decision)[0]
}

/// Issue 29, `risk-warnings-reject`, swept and checked against the
/// simulator (custom weights act exactly as written): on every standard
/// workflow, for every two capabilities that run before a risk step and
/// can WARN, WARNING weights of 36 each (72, in the default REJECTED band
/// 71-100) are flagged, and a run where both warn and nothing rejects is
/// indeed REJECTED 72; weights of 35 each (70) are not flagged, and that
/// run stays WARNING 70. Seed 004: warnings alone are reviewed.
#[test]
fn warnings_that_sum_into_the_rejected_band_are_flagged_as_the_simulator_rejects_them() {
    use idflow_core::simulate::{Outcome, Scenario, simulate};
    let mut rejected_runs = 0;
    for (file, w) in standard_samples() {
        let analysis = idflow_core::lint::Analysis::new(&w, |_| 0);
        for (i, risk) in risk_steps(&w) {
            let warns: Vec<Capability> = Capability::ALL
                .iter()
                .copied()
                .filter(|&c| {
                    analysis.caps_before[i] & c.bit() != 0
                        && !idflow_core::catalog::capability_spec(c)
                            .labels_for(DecisionType::Warning)
                            .is_empty()
                })
                .collect();
            for (n, &a) in warns.iter().enumerate() {
                for &b in &warns[n + 1..] {
                    for (each, fires) in [(36u8, true), (35, false)] {
                        let mut copy = w.clone();
                        set_scoring(
                            &mut copy,
                            &risk,
                            Scoring::Weights(vec![
                                weight(a, DecisionType::Warning, each),
                                weight(b, DecisionType::Warning, each),
                            ]),
                        );
                        let flagged = lint(&copy).findings.into_iter().find(|f| {
                            f.code == "risk-warnings-reject"
                                && f.node.as_ref().map(|n| n.as_str()) == Some(risk.as_str())
                        });
                        assert_eq!(
                            flagged.is_some(),
                            fires,
                            "{file} {risk} {a:?}+{b:?} at {each}"
                        );
                        if let Some(f) = &flagged {
                            let sum = format!("= {}", 2 * u32::from(each));
                            assert!(f.message.contains(&sum), "{}", f.message);
                            for c in [a, b] {
                                let name = idflow_core::catalog::capability_spec(c).name;
                                assert!(
                                    f.message.contains(&format!("{name} WARNING")),
                                    "{}",
                                    f.message
                                );
                            }
                        }
                        let mut both = Scenario::new("BOTH_WARN", "", Vec::new());
                        for c in [a, b] {
                            both.outcomes.push(Outcome {
                                capability: c,
                                credential: None,
                                decision: DecisionType::Warning,
                                label: label_of(c, DecisionType::Warning).to_owned(),
                            });
                        }
                        let run = simulate(&copy, &both);
                        let warned =
                            |c| run.capability(c).map(|(d, _)| d) == Some(DecisionType::Warning);
                        let reached = run.path.iter().any(|p| p.as_str() == risk);
                        if !(reached && warned(a) && warned(b))
                            || run.overall() == DecisionType::Rejected
                        {
                            continue;
                        }
                        if fires {
                            assert_eq!(
                                (run.decision, run.risk_score),
                                (DecisionType::Rejected, 72),
                                "{file} {a:?}+{b:?}"
                            );
                            rejected_runs += 1;
                        } else {
                            assert_eq!(
                                (run.decision, run.risk_score),
                                (DecisionType::Warning, 70),
                                "{file} {a:?}+{b:?}"
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(rejected_runs > 10, "{rejected_runs}");
}

/// Issue 29: one outcome per capability. Image checks render one result
/// per step, so its WARNING and PASSED weights never count together (40 +
/// 40 is not flagged, and the run scores 40, moved into WARNING). Usability
/// renders one result per credential it checks (domain.md, "Inputs"), so
/// on 10011 (ID, selfie, facemap) its WARNING on the ID and PASSED on the
/// selfie do count together: flagged, and the run is REJECTED 80; on 10165
/// (one ID) they cannot: not flagged.
#[test]
fn a_capability_counts_one_outcome_per_result_it_renders() {
    use idflow_core::simulate::{Outcome, Scenario, simulate};
    let pair = |c: Capability| {
        Scoring::Weights(vec![
            weight(c, DecisionType::Warning, 40),
            weight(c, DecisionType::Passed, 40),
        ])
    };
    let flagged = |w: &Workflow| lint(w).has_code("risk-warnings-reject");
    let warn = |c: Capability, credential| Outcome {
        capability: c,
        credential,
        decision: DecisionType::Warning,
        label: label_of(c, DecisionType::Warning).to_owned(),
    };

    let mut image = idiv();
    set_scoring(&mut image, "risk", pair(Capability::ImageChecks));
    assert!(!flagged(&image));
    let run = simulate(
        &image,
        &Scenario::new("W", "", vec![warn(Capability::ImageChecks, None)]),
    );
    assert_eq!((run.decision, run.risk_score), (DecisionType::Warning, 40));

    let mut usability = idiv();
    set_scoring(&mut usability, "risk", pair(Capability::Usability));
    assert!(flagged(&usability));
    let run = simulate(
        &usability,
        &Scenario::new(
            "W",
            "",
            vec![Outcome {
                label: "UNSUPPORTED_COUNTRY".to_owned(),
                ..warn(Capability::Usability, Some(CredentialCategory::Id))
            }],
        ),
    );
    assert_eq!((run.decision, run.risk_score), (DecisionType::Rejected, 80));

    let mut one_id = sample(include_str!(
        "../../../sample_workflows/10165-id-verification.ron"
    ));
    set_scoring(&mut one_id, "risk", pair(Capability::Usability));
    assert!(!flagged(&one_id));
}

/// Issue 29: the rule compares with the step's own bands, and weights on
/// exclusive outcomes of one capability or on REJECTED outcomes do not add
/// up; existing custom copies (the weights every standard workflow shipped
/// with before: REJECTED 100, WARNING 50 per capability) are flagged on
/// every standard workflow with two capabilities that can warn.
#[test]
fn the_rule_reads_the_steps_bands_and_flags_the_previous_release_weights() {
    let mut w = idiv();
    set_scoring(
        &mut w,
        "risk",
        Scoring::Weights(vec![
            weight(Capability::ImageChecks, DecisionType::Warning, 30),
            weight(Capability::Liveness, DecisionType::Warning, 30),
            weight(Capability::Similarity, DecisionType::Rejected, 100),
        ]),
    );
    assert!(!lint(&w).has_code("risk-warnings-reject"), "60 is WARNING");
    bands(&mut w, 20, 59);
    let report = lint(&w);
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "risk-warnings-reject")
        .expect("60 is REJECTED when WARNING ends at 59");
    assert!(f.message.contains("(60-100)"), "{}", f.message);
    assert!(f.message.contains("at most 59"), "{}", f.message);

    for (file, w) in standard_samples() {
        let mut copy = w.clone();
        let capabilities = copy.capabilities();
        let previous: Vec<RiskWeight> = capabilities
            .iter()
            .flat_map(|&c| {
                [
                    weight(c, DecisionType::Rejected, 100),
                    weight(c, DecisionType::Warning, 50),
                ]
            })
            .collect();
        for (_, risk) in risk_steps(&w) {
            set_scoring(&mut copy, &risk, Scoring::Weights(previous.clone()));
        }
        let warn_capable = capabilities
            .iter()
            .filter(|&&c| {
                !idflow_core::catalog::capability_spec(c)
                    .labels_for(DecisionType::Warning)
                    .is_empty()
            })
            .count();
        assert_eq!(
            lint(&copy).has_code("risk-warnings-reject"),
            warn_capable >= 2,
            "{file}"
        );
    }
}

/// Issue 29: the `no-risk-calculation` message states the default score
/// rule; it stays information (a workflow without a risk step scores by
/// the default, as a `scoring: DEFAULT` step does: `scores.rs` checks
/// that they agree).
#[test]
fn no_risk_calculation_states_the_default_score_rule() {
    let case = CASES
        .iter()
        .find(|c| c.code == "no-risk-calculation")
        .expect("case");
    let report = lint(&(case.triggers)());
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "no-risk-calculation")
        .expect("finding");
    assert_eq!(f.severity, Severity::Info);
    for part in [
        "PASSED 0",
        "WARNING 50",
        "REJECTED 71",
        "NOT_EXECUTED -1",
        "default",
    ] {
        assert!(f.message.contains(part), "{part}: {}", f.message);
    }
}

/// Issue 29: the weights the designer starts a custom table with
/// (`catalog::default_weights`) weigh no outcome its capability never
/// renders, on every standard workflow.
#[test]
fn default_custom_weights_weigh_only_outcomes_that_are_rendered() {
    for (file, w) in standard_samples() {
        let mut copy = w.clone();
        let table = idflow_core::catalog::default_weights(&copy.capabilities());
        for &(capability, decision) in &[
            (Capability::Extraction, DecisionType::Rejected),
            (Capability::Extraction, DecisionType::Warning),
            (Capability::Authentication, DecisionType::Warning),
            (Capability::WatchlistScreening, DecisionType::Rejected),
        ] {
            assert!(
                !table
                    .iter()
                    .any(|x| x.capability == capability && x.decision == decision),
                "{file}: {capability:?} {decision}"
            );
        }
        // Each risk step weighs what runs before it, as the designer offers.
        let analysis = idflow_core::lint::Analysis::new(&w, |_| 0);
        for (i, risk) in risk_steps(&w) {
            let upstream: Vec<Capability> = Capability::ALL
                .iter()
                .copied()
                .filter(|c| analysis.caps_before[i] & c.bit() != 0)
                .collect();
            let table = idflow_core::catalog::default_weights(&upstream);
            set_scoring(&mut copy, &risk, Scoring::Weights(table));
        }
        assert!(
            !lint(&copy).has_code("risk-weight-unproduced"),
            "{file}: {:#?}",
            lint(&copy).findings
        );
    }
}
