use super::*;
use crate::format::{Format, parse_workflow};
use crate::model::{Capability, NodeKind, Position};

fn sample(name: &str) -> Workflow {
    let path = format!(
        "{}/../../sample_workflows/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("sample");
    parse_workflow(&text, Format::Ron).expect("parses")
}

fn idiv() -> Workflow {
    sample("10011-idiv.ron")
}

#[test]
fn a_workflow_against_itself_has_no_changes() {
    let w = idiv();
    let d = diff(&w, &w);
    assert!(d.same_meaning());
    assert_eq!(d, Diff::default());
    assert!(behaviour_diff(&w, &w).is_empty());
}

#[test]
fn a_moved_card_is_layout_only() {
    let a = idiv();
    let mut b = a.clone();
    b.nodes[0].position = Position::new(900.0, 40.0);
    let d = diff(&a, &b);
    assert!(d.same_meaning(), "{d:?}");
    assert_eq!(d.layout.len(), 1);
    assert_eq!(d.layout[0].id, a.nodes[0].id.as_str());
    assert_eq!(d.layout[0].after, "(900, 40)");
}

#[test]
fn a_changed_field_reads_in_the_platform_words() {
    let a = idiv();
    let mut b = a.clone();
    let service = b
        .nodes
        .iter_mut()
        .find_map(|n| match &mut n.kind {
            NodeKind::Service(s) if s.capabilities.contains(&Capability::Liveness) => Some(s),
            _ => None,
        })
        .expect("a service with liveness");
    service.capabilities.retain(|c| *c != Capability::Liveness);
    let d = diff(&a, &b);
    assert_eq!(d.steps.changed.len(), 1);
    let field = &d.steps.changed[0].fields[0];
    assert_eq!(field.field, "Capabilities");
    assert!(field.before.contains("LIVENESS"), "{field:?}");
    assert!(!field.after.contains("LIVENESS"), "{field:?}");
    assert_eq!(d.meaning_count(), 1);
    assert_eq!(d.mark_of(&d.steps.changed[0].id), Some(Mark::Changed));
    let line = &d.lines()[0].text;
    assert!(line.ends_with("Capabilities: − LIVENESS"), "{line}");
}

#[test]
fn steps_connections_notes_and_settings_added_and_removed() {
    let a = idiv();
    let b = sample("10167-idiv-watchlist.ron");
    let d = diff(&a, &b);
    assert!(!d.same_meaning());
    assert!(!d.steps.added.is_empty(), "10167 adds steps: {d:?}");
    assert!(
        d.steps
            .added
            .iter()
            .any(|s| s.kind == "Risk signal" || s.title.to_lowercase().contains("watchlist")),
        "{:?}",
        d.steps.added
    );
    assert!(!d.connections.added.is_empty());
    assert!(d.settings.iter().any(|f| f.field == "Name"));
    // The other way round, what was added is removed.
    let back = diff(&b, &a);
    assert_eq!(back.steps.removed.len(), d.steps.added.len());
    assert_eq!(back.connections.removed, d.connections.added);
}

#[test]
fn unticking_liveness_changes_the_spoof_row_and_not_all_pass() {
    let a = idiv();
    let mut b = a.clone();
    for node in &mut b.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.capabilities.retain(|c| *c != Capability::Liveness);
        }
    }
    let rows = behaviour_diff(&a, &b);
    let spoof = rows
        .iter()
        .find(|r| r.scenario == "LIVENESS_SPOOF")
        .expect("the spoof row changes");
    assert_eq!(spoof.a.decision, crate::model::DecisionType::Rejected);
    assert_ne!(spoof.b.decision, crate::model::DecisionType::Rejected);
    assert!(rows.iter().all(|r| r.scenario != "ALL_PASS"), "{rows:?}");
}

#[test]
fn a_long_list_says_what_came_and_went() {
    let change = FieldChange {
        field: "Weights".into(),
        before: "A 1, B 2, C 3, D 4, E 5".into(),
        after: "A 1, B 2, C 3, D 4, E 5, F 6".into(),
    };
    assert_eq!(change.words(), "Weights: + F 6");
    let short = FieldChange {
        field: "Channels".into(),
        before: "WEB, SDK".into(),
        after: "WEB, SDK, API".into(),
    };
    assert_eq!(short.words(), "Channels: WEB, SDK → WEB, SDK, API");
}

// --- Issue 29, "Diff: the order of a step's capability list is not a
// change". The platform reads a step's capabilities, channels, parts,
// document types and countries as sets, an `in` condition's values as a
// set, and sums the risk weights: none of their orders means anything.

fn every_sample() -> Vec<(String, Workflow)> {
    let dir = format!("{}/../../sample_workflows", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("sample_workflows")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "{names:?}");
    names.into_iter().map(|n| (n.clone(), sample(&n))).collect()
}

/// How many of each kind of set-like list `w` holds with two or more
/// items (so that reversing it reorders something).
fn reorderable(w: &Workflow) -> [usize; 7] {
    use crate::model::Value;
    let mut counts = [0; 7];
    for node in &w.nodes {
        match &node.kind {
            NodeKind::Acquisition(a) => {
                counts[0] += usize::from(a.channels.len() > 1);
                counts[1] += usize::from(a.parts.len() > 1);
                counts[2] += usize::from(a.document_types.len() > 1);
                counts[3] += usize::from(a.countries.len() > 1);
            }
            NodeKind::Service(s) => counts[4] += usize::from(s.capabilities.len() > 1),
            NodeKind::RiskCalculation(r) => counts[5] += usize::from(r.weights().len() > 1),
            NodeKind::Decision(d) => {
                counts[6] += usize::from(match &d.condition.value {
                    Value::Decisions(v) => v.len() > 1,
                    Value::Labels(v) | Value::Texts(v) => v.len() > 1,
                    _ => false,
                });
            }
            _ => {}
        }
    }
    counts
}

/// `w` with every set-like list of every step reversed.
fn reversed_lists(w: &Workflow) -> Workflow {
    use crate::model::Value;
    let mut w = w.clone();
    for node in &mut w.nodes {
        match &mut node.kind {
            NodeKind::Acquisition(a) => {
                a.channels.reverse();
                a.parts.reverse();
                a.document_types.reverse();
                a.countries.reverse();
            }
            NodeKind::Service(s) => s.capabilities.reverse(),
            NodeKind::RiskCalculation(r) => {
                if let Some(weights) = r.weights_mut() {
                    weights.reverse();
                }
            }
            NodeKind::Decision(d) => match &mut d.condition.value {
                Value::Decisions(v) => v.reverse(),
                Value::Labels(v) | Value::Texts(v) => v.reverse(),
                _ => {}
            },
            _ => {}
        }
    }
    w
}

/// `w` with several items in every set-like list, so that reversing each
/// reorders it: every channel, document types and countries that fit the
/// step, `in` conditions over two values, a weighted risk step.
fn with_long_lists(w: &Workflow) -> Workflow {
    use crate::model::{Channel, CredentialCategory, DecisionType, Operator, Value};
    let mut w = w.clone();
    for node in &mut w.nodes {
        match &mut node.kind {
            NodeKind::Acquisition(a) => {
                if !a.channels.is_empty() {
                    a.channels = Channel::ALL.to_vec();
                }
                if matches!(
                    a.category,
                    CredentialCategory::Id | CredentialCategory::Document
                ) {
                    a.document_types = crate::catalog::document_types_for(a.category).to_vec();
                    a.countries = vec!["DEU".into(), "GBR".into(), "USA".into()];
                }
            }
            NodeKind::RiskCalculation(r) => {
                let mut weights = r.weights().to_vec();
                for (capability, decision, weight) in [
                    (Capability::ImageChecks, DecisionType::Warning, 20),
                    (Capability::Liveness, DecisionType::Warning, 15),
                    (Capability::Usability, DecisionType::Rejected, 80),
                ] {
                    weights.push(crate::model::RiskWeight {
                        capability,
                        decision,
                        weight,
                    });
                }
                r.scoring = crate::model::Scoring::Weights(weights);
            }
            NodeKind::Decision(d) => {
                // A test of one value becomes a membership test of two.
                let c = &mut d.condition;
                let (operator, value) = match (c.operator, &c.value) {
                    (Operator::Eq | Operator::In, Value::Decision(x)) => {
                        (Operator::In, Value::Decisions(vec![*x, other_decision(*x)]))
                    }
                    (Operator::Ne | Operator::NotIn, Value::Decision(x)) => (
                        Operator::NotIn,
                        Value::Decisions(vec![*x, other_decision(*x)]),
                    ),
                    (Operator::Eq, Value::Label(x)) => (
                        Operator::In,
                        Value::Labels(vec![x.clone(), "ZZZ_NOT_A_LABEL".into()]),
                    ),
                    (Operator::Eq, Value::Text(x)) => {
                        (Operator::In, Value::Texts(vec![x.clone(), "ZZZ".into()]))
                    }
                    (operator, value) => (operator, value.clone()),
                };
                c.operator = operator;
                c.value = value;
            }
            _ => {}
        }
    }
    w
}

fn other_decision(d: crate::model::DecisionType) -> crate::model::DecisionType {
    use crate::model::DecisionType;
    if d == DecisionType::Warning {
        DecisionType::Passed
    } else {
        DecisionType::Warning
    }
}

/// Issue 29: every sample workflow, as written and with long lists, against
/// itself with every set-like list reversed: no change in meaning, no
/// layout change, no scenario decided differently.
#[test]
fn the_order_of_a_set_like_list_is_no_change_in_any_sample() {
    let mut seen = [0usize; 7];
    for (name, written) in every_sample() {
        for (how, a) in [
            ("as written", written.clone()),
            ("long lists", with_long_lists(&written)),
        ] {
            for (kind, count) in reorderable(&a).iter().enumerate() {
                seen[kind] += count;
            }
            let b = reversed_lists(&a);
            let d = diff(&a, &b);
            assert_eq!(d, Diff::default(), "{name} ({how}): {:?}", d.lines());
            assert!(d.same_meaning());
            assert_eq!(d.meaning_count(), 0);
            // The designer's compare view shows each step's fields side by
            // side from `fields`: the same strings on both sides.
            for (x, y) in a.nodes.iter().zip(&b.nodes) {
                assert_eq!(fields(x), fields(y), "{name} ({how}) step {}", x.id);
            }
            assert!(
                behaviour_diff(&a, &b).is_empty(),
                "{name} ({how}): the simulator decides differently"
            );
        }
    }
    // Every kind of list was really reordered somewhere.
    assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
}

/// Issue 29: a real change among reordered items is still a change, worded
/// in the platform's words and in the platform's order.
#[test]
fn a_real_change_among_reordered_items_reads_in_the_platform_words() {
    use crate::model::{Channel, Part};
    let a = idiv();
    let mut b = reversed_lists(&a);
    let (service, acquisition) = {
        let service = b
            .nodes
            .iter()
            .position(|n| matches!(&n.kind, NodeKind::Service(s) if s.capabilities.len() > 4))
            .expect("a service");
        let acquisition = b
            .nodes
            .iter()
            .position(
                |n| matches!(&n.kind, NodeKind::Acquisition(a) if a.parts.contains(&Part::Back)),
            )
            .expect("an ID step");
        (service, acquisition)
    };
    if let NodeKind::Service(s) = &mut b.nodes[service].kind {
        s.capabilities.retain(|c| *c != Capability::Liveness);
    }
    if let NodeKind::Acquisition(acq) = &mut b.nodes[acquisition].kind {
        acq.channels = vec![Channel::Sdk, Channel::Api];
    }
    let before_channels = match &a.nodes[acquisition].kind {
        NodeKind::Acquisition(acq) => acq.channels.clone(),
        _ => unreachable!(),
    };
    let d = diff(&a, &b);
    assert_eq!(d.meaning_count(), 2, "{:?}", d.lines());
    let texts: Vec<String> = d.lines().into_iter().map(|l| l.text).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.ends_with("Capabilities: − LIVENESS")),
        "{texts:?}"
    );
    let channels = texts
        .iter()
        .find(|t| t.contains("Channels: "))
        .unwrap_or_else(|| panic!("{texts:?}"));
    let mut sorted = before_channels.clone();
    sorted.sort();
    let before: Vec<&str> = sorted.iter().map(|c| c.as_str()).collect();
    assert!(
        channels.ends_with(&format!("Channels: {} → API, SDK", before.join(", "))),
        "{channels}"
    );
    // Only those two fields changed: the reversed lists are not listed.
    for step in &d.steps.changed {
        for field in &step.fields {
            assert!(
                matches!(field.field.as_str(), "Capabilities" | "Channels"),
                "{field:?}"
            );
        }
    }
}
