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
fn weights<'a>(w: &'a mut Workflow, id: &str) -> &'a mut Vec<RiskWeight> {
    match &mut node(w, id).kind {
        NodeKind::RiskCalculation(r) => {
            if r.weights_mut().is_none() {
                r.scoring = idflow_core::model::Scoring::Weights(Vec::new());
            }
            r.weights_mut().expect("scores by weights")
        }
        _ => panic!("{id} is not a risk calculation"),
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
        near_miss: idiv,
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
