//! Any workflow survives save -> load unchanged, in RON and in JSON.

use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use idflow_core::model::*;
use proptest::collection::vec;
use proptest::prelude::*;

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn text() -> impl Strategy<Value = String> {
    // Printable text including quotes, backslashes, newlines and non-ASCII.
    prop_oneof![
        "[a-z_]{0,12}",
        "\\PC{0,24}",
        Just("quote \" and \\ and\nnewline".to_owned())
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    let subject = prop_oneof![
        pick(Capability::ALL).prop_map(Subject::CapabilityDecision),
        pick(Capability::ALL).prop_map(Subject::CapabilityLabel),
        Just(Subject::OverallDecision),
        Just(Subject::RiskScore),
        pick(ExtractedField::ALL).prop_map(Subject::ExtractedField),
    ];
    let value = prop_oneof![
        pick(DecisionType::ALL).prop_map(Value::Decision),
        vec(pick(DecisionType::ALL), 0..3).prop_map(Value::Decisions),
        text().prop_map(Value::Label),
        vec(text(), 0..3).prop_map(Value::Labels),
        any::<i64>().prop_map(Value::Number),
        text().prop_map(Value::Text),
        vec(text(), 0..3).prop_map(Value::Texts),
    ];
    (subject, pick(Operator::ALL), value).prop_map(|(subject, operator, value)| Condition {
        subject,
        operator,
        value,
    })
}

fn kind() -> impl Strategy<Value = NodeKind> {
    let acquisition = (
        pick(CredentialCategory::ALL),
        pick(Stage::ALL),
        pick(AcquisitionType::ALL),
        vec(pick(Channel::ALL), 0..4),
        vec(pick(Part::ALL), 0..4),
        proptest::option::of(text()),
        vec(pick(DocumentType::ALL), 0..3),
        vec("[A-Z]{3}", 0..3),
    )
        .prop_map(
            |(
                category,
                stage,
                acquisition_type,
                channels,
                parts,
                label,
                document_types,
                countries,
            )| {
                NodeKind::Acquisition(AcquisitionNode {
                    category,
                    stage,
                    acquisition_type,
                    channels,
                    parts,
                    label,
                    document_types,
                    countries,
                })
            },
        );
    let weight = (pick(Capability::ALL), pick(DecisionType::ALL), any::<u8>()).prop_map(
        |(capability, decision, weight)| RiskWeight {
            capability,
            decision,
            weight,
        },
    );
    let terminal_decision = prop_oneof![
        Just(TerminalDecision::Derived),
        pick(DecisionType::ALL).prop_map(TerminalDecision::Fixed)
    ];
    prop_oneof![
        acquisition,
        (pick(ServiceKind::ALL), vec(pick(Capability::ALL), 0..7)).prop_map(
            |(service, capabilities)| NodeKind::Service(ServiceNode {
                service,
                capabilities
            })
        ),
        pick(RiskSignal::ALL).prop_map(|signal| NodeKind::RiskSignal(RiskSignalNode { signal })),
        condition().prop_map(|condition| NodeKind::Decision(DecisionNode { condition })),
        (
            vec(weight, 0..4),
            proptest::option::of(
                (0u8..50, 50u8..100).prop_map(|(passed_up_to, warning_up_to)| {
                    ScoreBands {
                        passed_up_to,
                        warning_up_to,
                    }
                })
            )
        )
            .prop_map(
                |(weights, bands)| NodeKind::RiskCalculation(RiskCalculationNode {
                    // Both ways of scoring round-trip (issue 29).
                    scoring: if weights.is_empty() {
                        idflow_core::model::Scoring::Default
                    } else {
                        idflow_core::model::Scoring::Weights(weights)
                    },
                    bands
                })
            ),
        (terminal_decision, proptest::option::of(text()))
            .prop_map(|(decision, label)| NodeKind::Terminal(TerminalNode { decision, label })),
    ]
}

fn position() -> impl Strategy<Value = Position> {
    (-1.0e6f32..1.0e6f32, -1.0e6f32..1.0e6f32).prop_map(|(x, y)| Position::new(x, y))
}

fn workflow() -> impl Strategy<Value = Workflow> {
    let node = ("[a-z][a-z0-9_]{0,10}", position(), text(), kind()).prop_map(
        |(id, position, title, kind)| Node {
            id: NodeId(id),
            position,
            title,
            kind,
        },
    );
    let edge = (
        "[a-z]{1,4}",
        prop_oneof![Just(Port::Out), Just(Port::Then), Just(Port::Else)],
        "[a-z]{1,4}",
    )
        .prop_map(|(from, port, to)| Edge::new(from, port, to));
    let size = prop_oneof![
        Just(None),
        (80.0f32..2000.0, 40.0f32..2000.0)
            .prop_map(|(width, height)| Some(NoteSize { width, height })),
    ];
    let note =
        ("[a-z]{1,6}", position(), text(), size).prop_map(|(id, position, text, size)| Note {
            id,
            position,
            text,
            size,
        });
    let setting = prop_oneof![
        Just(RuleSetting::Off),
        Just(RuleSetting::Info),
        Just(RuleSetting::Warning),
        Just(RuleSetting::Error)
    ];
    (
        any::<u32>(),
        text(),
        text(),
        vec(node, 0..12),
        vec(edge, 0..12),
        vec(note, 0..3),
        proptest::collection::btree_map("[a-z-]{1,12}", setting, 0..3),
        vec(expectation(), 0..4),
    )
        .prop_map(
            |(key, name, description, nodes, edges, notes, lint, expectations)| {
                let mut workflow = Workflow {
                    format_version: FORMAT_VERSION,
                    key,
                    name,
                    description,
                    nodes,
                    edges,
                    notes,
                    lint,
                    expectations,
                };
                // Read back in the format its contents need (issue 34).
                workflow.format_version = workflow.written_format_version();
                workflow
            },
        )
}

/// Any expectation (issue 34): every kind of scenario and of outcome.
fn expectation() -> impl Strategy<Value = Expectation> {
    let outcome = (
        pick(Capability::ALL),
        proptest::option::of(pick(CredentialCategory::ALL)),
        pick(DecisionType::ALL),
        text(),
    )
        .prop_map(
            |(capability, credential, decision, label)| idflow_core::simulate::Outcome {
                capability,
                credential,
                decision,
                label,
            },
        );
    let scenario = prop_oneof![
        text().prop_map(ScenarioRef::Builtin),
        (pick(Capability::ALL), pick(DecisionType::ALL), text()).prop_map(
            |(capability, decision, label)| ScenarioRef::Label {
                capability,
                decision,
                label,
            }
        ),
        (text(), text(), vec(outcome, 0..3)).prop_map(|(name, description, outcomes)| {
            ScenarioRef::Contents(Box::new(idflow_core::simulate::Scenario::new(
                &name,
                &description,
                outcomes,
            )))
        }),
    ];
    let expect = prop_oneof![
        pick(DecisionType::ALL).prop_map(Expected::Decision),
        pick(DecisionType::ALL).prop_map(Expected::NotDecision),
        "[a-z_]{1,8}".prop_map(|s| Expected::EndsAt(NodeId::new(s))),
        any::<u8>().prop_map(Expected::ScoreAtLeast),
        text().prop_map(Expected::Label),
    ];
    (text(), scenario, expect).prop_map(|(id, scenario, expect)| Expectation {
        id,
        scenario,
        expect,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ron_round_trip(w in workflow()) {
        let text = workflow_to_text(&w, Format::Ron);
        let back = parse_workflow(&text, Format::Ron);
        prop_assert_eq!(back.as_ref(), Ok(&w), "RON text:\n{}", text);
    }

    #[test]
    fn json_round_trip(w in workflow()) {
        let text = workflow_to_text(&w, Format::Json);
        let back = parse_workflow(&text, Format::Json);
        prop_assert_eq!(back.as_ref(), Ok(&w), "JSON text:\n{}", text);
    }

    #[test]
    fn ron_and_json_carry_the_same_workflow(w in workflow()) {
        let via_json = parse_workflow(&workflow_to_text(&w, Format::Json), Format::Json);
        let via_ron = parse_workflow(&workflow_to_text(&w, Format::Ron), Format::Ron);
        prop_assert_eq!(via_json, via_ron);
    }
}

/// A note written before notes could be resized (no `size`, as in the
/// step-up sample) reads with the default size and is written back exactly
/// as it was: files and published versions' hashes do not change.
#[test]
fn a_note_from_before_resizing_reads_and_writes_back_unchanged() {
    let text = include_str!("../../../sample_workflows/custom-step-up-device-risk.ron");
    let workflow = parse_workflow(text, Format::Ron).expect("the sample parses");
    let note = workflow.notes.first().expect("the sample has a note");
    assert_eq!(note.size, None);
    assert_eq!(note.size(), NoteSize::DEFAULT);
    let written = workflow_to_text(&workflow, Format::Ron);
    assert!(!written.contains("size"), "{written}");
    assert_eq!(
        parse_workflow(&written, Format::Ron).expect("reparse"),
        workflow
    );

    let mut resized = workflow.clone();
    resized.notes[0].size = Some(NoteSize {
        width: 320.0,
        height: 140.0,
    });
    let written = workflow_to_text(&resized, Format::Ron);
    assert!(written.contains("size"));
    assert_eq!(
        parse_workflow(&written, Format::Ron).expect("reparse"),
        resized
    );
}
