//! The panel driven headlessly, by accessible label, as a user would.

use std::collections::BTreeSet;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{
    Capability, Channel, Condition, DecisionNode, DecisionType, Node, NodeId, NodeKind, Operator,
    Position, Scoring, Subject, Value,
};
use idflow_store::Origin;

use super::PropertiesPanel;
use crate::document::{Command, Document, Selection, Source};

const IDIV: &str = include_str!("../../../sample_workflows/10011-idiv.ron");

type State = (PropertiesPanel, Document);

fn document(origin: Origin, selected: &[&str]) -> Document {
    let workflow = parse_workflow(IDIV, Format::Ron).expect("sample parses");
    let mut doc = Document::open(
        workflow,
        Source::Store {
            key: 200_000,
            revision: 1,
            origin,
        },
    );
    doc.selection = Selection {
        nodes: selected.iter().map(|&id| NodeId::new(id)).collect(),
        notes: BTreeSet::new(),
    };
    doc
}

/// About the properties panel's default width in the designer.
const WIDTH: f32 = 340.0;

fn harness(doc: Document) -> Harness<'static, State> {
    Harness::builder()
        .with_size(egui::vec2(WIDTH, 1600.0))
        .build_ui_state(
            |ui, state: &mut State| {
                let (panel, doc) = state;
                panel.ui(ui, doc);
            },
            (PropertiesPanel::default(), doc),
        )
}

fn node<'a>(h: &'a Harness<'_, State>, id: &str) -> &'a Node {
    h.state().1.node(&NodeId::new(id)).expect("node exists")
}

fn capabilities(h: &Harness<'_, State>, id: &str) -> Vec<Capability> {
    match &node(h, id).kind {
        NodeKind::Service(s) => s.capabilities.clone(),
        other => panic!("not a service: {other:?}"),
    }
}

fn channels(h: &Harness<'_, State>, id: &str) -> Vec<Channel> {
    match &node(h, id).kind {
        NodeKind::Acquisition(a) => a.channels.clone(),
        other => panic!("not an acquisition: {other:?}"),
    }
}

fn click(h: &mut Harness<'_, State>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

const ALL_IDIV: [Capability; 6] = [
    Capability::Usability,
    Capability::Extraction,
    Capability::ImageChecks,
    Capability::DataChecks,
    Capability::Liveness,
    Capability::Similarity,
];

#[test]
fn retick_with_requirements_present_applies_directly() {
    let mut h = harness(document(Origin::Custom, &["idiv"]));
    click(&mut h, "Data Checks");
    assert!(!capabilities(&h, "idiv").contains(&Capability::DataChecks));
    click(&mut h, "Data Checks");
    assert!(
        h.query_by_label("Add them too").is_none(),
        "no offer when the requirements are selected"
    );
    assert_eq!(
        capabilities(&h, "idiv"),
        ALL_IDIV,
        "restored, in catalog order"
    );
}

#[test]
fn ticking_with_missing_requirements_offers_them_as_one_step() {
    let mut doc = document(Origin::Custom, &["idiv"]);
    let mut idiv = doc.node(&NodeId::new("idiv")).expect("idiv").clone();
    if let NodeKind::Service(s) = &mut idiv.kind {
        s.capabilities = vec![Capability::Liveness, Capability::Similarity];
    }
    doc.apply(Command::SetNode(idiv)).expect("edit");
    let before = doc.workflow().clone();
    let mut h = harness(doc);

    click(&mut h, "Data Checks");
    assert_eq!(
        capabilities(&h, "idiv"),
        [Capability::Liveness, Capability::Similarity],
        "nothing changes until the offer is answered"
    );
    h.get_by_label("Data Checks needs Usability, Extraction and Image Checks.");
    h.get_by_label("Only Data Checks");
    h.get_by_label("Cancel");
    click(&mut h, "Add them too");
    assert_eq!(capabilities(&h, "idiv"), ALL_IDIV);
    assert!(
        h.query_by_label("Add them too").is_none(),
        "the offer is gone"
    );

    let doc = &mut h.state_mut().1;
    assert!(doc.undo());
    assert_eq!(
        doc.workflow(),
        &before,
        "one undo restores the state before"
    );
}

#[test]
fn cancel_and_only_answer_the_offer() {
    let mut doc = document(Origin::Custom, &["idiv"]);
    let mut idiv = doc.node(&NodeId::new("idiv")).expect("idiv").clone();
    if let NodeKind::Service(s) = &mut idiv.kind {
        s.capabilities = vec![Capability::Usability];
    }
    doc.apply(Command::SetNode(idiv)).expect("edit");
    let mut h = harness(doc);

    click(&mut h, "Image Checks");
    h.get_by_label("Image Checks needs Extraction.");
    click(&mut h, "Cancel");
    assert_eq!(capabilities(&h, "idiv"), [Capability::Usability]);
    assert!(h.query_by_label("Add them too").is_none());

    click(&mut h, "Image Checks");
    click(&mut h, "Only Image Checks");
    assert_eq!(
        capabilities(&h, "idiv"),
        [Capability::Usability, Capability::ImageChecks]
    );
}

#[test]
fn unticking_a_requirement_offers_to_untick_its_dependents() {
    let mut h = harness(document(Origin::Custom, &["idiv"]));
    click(&mut h, "Usability");
    assert_eq!(capabilities(&h, "idiv"), ALL_IDIV, "asks first");
    h.get_by_label(
        "Unticking Usability also affects Extraction, Image Checks, Data Checks, Liveness and Similarity.",
    );
    h.get_by_label("Only Usability");
    click(&mut h, "Untick them too");
    assert!(capabilities(&h, "idiv").is_empty());
    assert!(h.query_by_label("Untick them too").is_none());
}

#[test]
fn unticking_only_the_requirement_keeps_the_dependents() {
    let mut h = harness(document(Origin::Custom, &["idiv"]));
    click(&mut h, "Usability");
    click(&mut h, "Only Usability");
    assert_eq!(capabilities(&h, "idiv"), &ALL_IDIV[1..]);
}

#[test]
fn typing_a_title_is_one_undo_step() {
    let mut h = harness(document(Origin::Custom, &["idiv"]));
    let original = node(&h, "idiv").title.clone();
    click(&mut h, "Title");
    for text in ["x", "y", "z"] {
        h.get_by_label("Title").type_text(text);
        h.run();
    }
    let title = node(&h, "idiv").title.clone();
    assert_eq!(
        title.chars().count(),
        original.chars().count() + 3,
        "{title}"
    );
    assert!(title.contains("xyz"), "{title}");

    let doc = &mut h.state_mut().1;
    assert!(doc.undo());
    assert_eq!(
        doc.node(&NodeId::new("idiv")).expect("idiv").title,
        original
    );
    assert!(!doc.can_undo(), "the typing session was a single step");
}

#[test]
fn two_typing_sessions_are_two_undo_steps() {
    let mut h = harness(document(Origin::Custom, &["idiv"]));
    let original = node(&h, "idiv").title.clone();
    click(&mut h, "Title");
    h.get_by_label("Title").type_text("a");
    h.run();
    // Focus elsewhere, then come back: a new gesture.
    h.state_mut().1.selection = Selection::default();
    h.run();
    h.state_mut().1.selection = Selection::only(NodeId::new("idiv"));
    h.run();
    click(&mut h, "Title");
    h.get_by_label("Title").type_text("b");
    h.run();
    let doc = &mut h.state_mut().1;
    assert!(doc.undo());
    assert!(doc.undo());
    assert_eq!(
        doc.node(&NodeId::new("idiv")).expect("idiv").title,
        original
    );
    assert!(!doc.can_undo());
}

#[test]
fn selfie_over_api_only_shows_the_facemap_hint() {
    let mut h = harness(document(Origin::Custom, &["selfie_capture"]));
    h.get_by_label(super::acquisition::FACEMAP_HINT);
    click(&mut h, "Web");
    click(&mut h, "SDK");
    assert_eq!(channels(&h, "selfie_capture"), [Channel::Api]);
    h.get_by_label(super::acquisition::FACEMAP_HINT);
    // The lint finding shows too, once, next to the channels.
    assert_eq!(
        h.query_all_by_label_contains("a facemap can be uploaded only through WEB or SDK")
            .count(),
        1
    );
}

/// Where every labelled widget of the panel is, by label.
fn widget_rects(h: &Harness<'_, State>) -> Vec<(String, egui::Rect)> {
    let mut rects: Vec<(String, egui::Rect)> = h
        .root()
        .query_all_by(|node| node.label().is_some())
        .filter_map(|node| {
            let label = node.accesskit_node().label()?;
            Some((label, node.rect()))
        })
        .collect();
    rects.sort_by(|a, b| a.0.cmp(&b.0));
    rects
}

#[test]
fn a_finding_appearing_or_going_moves_no_field() {
    let mut h = harness(document(Origin::Custom, &["selfie_capture"]));
    h.run();
    let before = widget_rects(&h);
    let fields = ["Label", "Face", "Facemap", "Title", "Stage"];
    for field in fields {
        assert!(
            before.iter().any(|(label, _)| label == field),
            "{field} is in the panel: {before:?}"
        );
    }
    // Web and SDK off: a facemap-api-only error appears under the channels.
    click(&mut h, "Web");
    click(&mut h, "SDK");
    assert!(h.state_mut().1.lint().has_errors());
    h.get_by_label_contains("a facemap can be uploaded only through WEB or SDK");
    let with_finding = widget_rects(&h);
    for field in fields {
        let find = |rects: &[(String, egui::Rect)]| {
            rects
                .iter()
                .find(|(label, _)| label == field)
                .map(|(_, rect)| *rect)
        };
        assert_eq!(
            find(&before),
            find(&with_finding),
            "{field} stayed where it was when the finding appeared"
        );
    }
    // And the next click lands where it was aimed: Web back on.
    let web = before
        .iter()
        .find(|(label, _)| label == "Web")
        .map(|(_, rect)| rect.center())
        .expect("Web");
    h.get_by_label("Web").hover();
    h.run();
    assert!(
        (h.get_by_label("Web").rect().center() - web).length() < 0.5,
        "Web did not move"
    );
    click(&mut h, "Web");
    assert!(!h.state_mut().1.lint().has_errors(), "the finding went");
    assert_eq!(widget_rects(&h).len(), before.len());
}

#[test]
fn id_capture_has_no_facemap_hint_and_offers_id_document_types() {
    let h = harness(document(Origin::Custom, &["id_capture"]));
    assert!(h.query_by_label(super::acquisition::FACEMAP_HINT).is_none());
    h.get_by_label("Passport");
    h.get_by_label("Visa");
    assert!(h.query_by_label("Utility bill").is_none());
    h.get_by_label("Front");
    assert!(
        h.query_by_label("Facemap").is_none(),
        "parts fit the category"
    );
}

#[test]
fn countries_are_trimmed_and_upper_cased() {
    let mut h = harness(document(Origin::Custom, &["id_capture"]));
    click(&mut h, "Countries");
    h.get_by_label("Countries").type_text(" usa, deu");
    h.run();
    match &node(&h, "id_capture").kind {
        NodeKind::Acquisition(a) => assert_eq!(a.countries, ["USA", "DEU"]),
        other => panic!("{other:?}"),
    }
    let doc = &mut h.state_mut().1;
    assert!(doc.undo());
    assert!(!doc.can_undo(), "typing the list was one step");
}

#[test]
fn a_read_only_document_does_not_change() {
    let mut h = harness(document(Origin::Global, &["idiv"]));
    let before = h.state().1.workflow().clone();
    h.get_by_label_contains("read-only");
    assert!(h.get_by_label("Data Checks").accesskit_node().is_disabled());
    assert!(h.get_by_label("Title").accesskit_node().is_disabled());
    click(&mut h, "Data Checks");
    click(&mut h, "Usability");
    assert_eq!(h.state().1.workflow(), &before);
    assert!(h.query_by_label("Untick them too").is_none());
    assert!(
        h.query_by_label_contains("⛔").is_none(),
        "no refused edit either"
    );
    assert!(!h.state().1.can_undo());
}

#[test]
fn multi_selection_edits_shared_channels_in_one_step() {
    let mut h = harness(document(Origin::Custom, &["id_capture", "selfie_capture"]));
    h.get_by_label("2 nodes selected");
    click(&mut h, "API");
    assert_eq!(channels(&h, "id_capture"), [Channel::Web, Channel::Sdk]);
    assert_eq!(channels(&h, "selfie_capture"), [Channel::Web, Channel::Sdk]);
    let doc = &mut h.state_mut().1;
    assert!(doc.undo());
    assert!(!doc.can_undo(), "one step for both nodes");
    assert!(channels_of(doc, "selfie_capture").contains(&Channel::Api));
}

fn channels_of(doc: &Document, id: &str) -> Vec<Channel> {
    match &doc.node(&NodeId::new(id)).expect("node").kind {
        NodeKind::Acquisition(a) => a.channels.clone(),
        _ => Vec::new(),
    }
}

#[test]
fn unrelated_nodes_share_no_field() {
    let h = harness(document(Origin::Custom, &["idiv", "end"]));
    h.get_by_label("2 nodes selected");
    h.get_by_label("The selected nodes share no editable field.");
}

#[test]
fn nothing_selected_edits_the_workflow_name_as_one_step() {
    let mut h = harness(document(Origin::Custom, &[]));
    h.get_by_label("10011");
    let original = h.state().1.workflow().name.clone();
    click(&mut h, "Name");
    h.get_by_label("Name").type_text("!");
    h.run();
    h.get_by_label("Name").type_text("!");
    h.run();
    assert_eq!(
        h.state().1.workflow().name.chars().count(),
        original.chars().count() + 2
    );
    let doc = &mut h.state_mut().1;
    assert!(doc.undo());
    assert_eq!(doc.workflow().name, original);
    assert!(!doc.can_undo());
}

#[test]
fn terminal_shows_decision_and_label() {
    let h = harness(document(Origin::Custom, &["end"]));
    let decision = h.get_by_label("Decision");
    assert_eq!(decision.value().as_deref(), Some("Derived from results"));
    h.get_by_label("Label");
}

/// Issue 29: 10011 scores by the platform's default; choosing custom
/// weights starts from the default weights, which weigh only outcomes the
/// capabilities render (no Extraction REJECTED or WARNING: seed 004,
/// "Extraction is always either passed or not executed").
#[test]
fn risk_calculation_removes_a_weight_and_restores_defaults() {
    let mut h = harness(document(Origin::Custom, &["risk"]));
    let scoring = |h: &Harness<'_, State>| match &node(h, "risk").kind {
        NodeKind::RiskCalculation(r) => r.scoring.clone(),
        other => panic!("{other:?}"),
    };
    let weights = |h: &Harness<'_, State>| match &node(h, "risk").kind {
        NodeKind::RiskCalculation(r) => r.weights().to_vec(),
        other => panic!("{other:?}"),
    };
    assert_eq!(scoring(&h), Scoring::Default);
    assert_eq!(h.query_all_by_label("Remove weight").count(), 0);
    // Switching the scoring never moves the switch itself.
    let switch = |h: &Harness<'_, State>| {
        [
            h.get_by_label("Platform default").rect(),
            h.get_by_label("Custom weights").rect(),
        ]
    };
    let before = switch(&h);
    click(&mut h, "Custom weights");
    assert_eq!(switch(&h), before);
    let original = weights(&h);
    assert_eq!(original, idflow_core::catalog::default_weights(&ALL_IDIV));
    assert!(
        !original
            .iter()
            .any(|w| w.capability == Capability::Extraction),
        "{original:?}"
    );
    assert_eq!(
        h.query_all_by_label("Remove weight").count(),
        original.len()
    );
    h.query_all_by_label("Remove weight")
        .next()
        .expect("a row")
        .click();
    h.run();
    assert_eq!(weights(&h).len(), original.len() - 1);
    click(&mut h, "Use default weights");
    assert_eq!(weights(&h), original, "the default weights are back");
    click(&mut h, "Add weight");
    let added = weights(&h);
    assert_eq!(added.len(), original.len() + 1);
    let new = added.last().expect("the added weight");
    assert!(
        !idflow_core::catalog::capability_spec(new.capability)
            .labels_for(new.decision)
            .is_empty(),
        "{new:?} is an outcome its capability renders"
    );
    // Issue 29: the platform's default score is a choice of its own, not
    // an empty list of weights.
    click(&mut h, "Platform default");
    assert_eq!(switch(&h), before);
    assert_eq!(scoring(&h), Scoring::Default);
    assert_eq!(h.query_all_by_label("Remove weight").count(), 0);
}

/// The account's own thresholds (domain.md, "Top-level decision": a
/// platform setting changed through support) are set on the risk node.
#[test]
fn risk_calculation_sets_and_clears_the_accounts_bands() {
    let mut h = harness(document(Origin::Custom, &["risk"]));
    let bands = |h: &Harness<'_, State>| match &node(h, "risk").kind {
        NodeKind::RiskCalculation(r) => r.bands,
        other => panic!("{other:?}"),
    };
    assert_eq!(bands(&h), None);
    h.get_by_label("Passed 0–30, Warning 31–70, Rejected 71–100. The transaction takes the more severe of the capabilities' decision and the score's band; a score outside its decision's band moves into it.");
    click(&mut h, "This account's thresholds differ");
    assert_eq!(bands(&h), Some(idflow_core::model::ScoreBands::default()));
    // A pointer click on the slider moves the threshold; WARNING stays above.
    h.get_by_label("Passed up to").click();
    h.run();
    let moved = bands(&h).expect("custom bands");
    assert_ne!(moved.passed_up_to, 30, "the click moved the slider");
    assert!(moved.passed_up_to < moved.warning_up_to, "{moved:?}");
    h.get_by_label("Warning up to");
    click(&mut h, "This account's thresholds differ");
    assert_eq!(bands(&h), None);
    assert!(h.query_by_label("Passed up to").is_none());
}

#[test]
fn decision_condition_summary_and_subject_reset() {
    let doc = with_decision(Condition {
        subject: Subject::CapabilityLabel(Capability::Usability),
        operator: Operator::In,
        value: Value::Labels(vec!["GLARE".into()]),
    });
    let mut h = harness(doc);
    h.get_by_label("USABILITY label in GLARE");
    assert_eq!(
        h.get_by_label("Subject").value().as_deref(),
        Some("Capability label")
    );
    // A label list offers the capability's labels as checkboxes.
    click(&mut h, "PHOTOCOPY");
    let condition = |h: &Harness<'_, State>| match &node(h, "check").kind {
        NodeKind::Decision(d) => d.condition.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        condition(&h).value,
        Value::Labels(vec!["GLARE".into(), "PHOTOCOPY".into()]),
        "catalog order"
    );

    // Choosing another subject resets operator and value to fitting defaults.
    click(&mut h, "Subject");
    click(&mut h, "Risk score");
    let c = condition(&h);
    assert_eq!(c.subject, Subject::RiskScore);
    assert!(matches!(c.value, Value::Number(n) if (0..=100).contains(&n)));
    assert!(!c.operator.is_membership());
    click(&mut h, "Subject");
    click(&mut h, "Overall decision");
    let c = condition(&h);
    assert_eq!(c.subject, Subject::OverallDecision);
    assert!(matches!(c.value, Value::Decision(DecisionType::Rejected)));
}

#[test]
fn every_view_fits_the_panel_width() {
    let views: [&[&str]; 8] = [
        &[],
        &["id_capture"],
        &["selfie_capture"],
        &["idiv"],
        &["risk"],
        &["end"],
        &["id_capture", "selfie_capture"],
        &["idiv", "end"],
    ];
    for selected in views {
        let h = harness(document(Origin::Custom, selected));
        for widget in h.query_all_by(|n| n.bounding_box().is_some()) {
            let rect = widget.rect();
            assert!(
                rect.max.x <= WIDTH + 0.5,
                "{selected:?}: {widget:?} ends at x = {} (panel is {WIDTH} wide)",
                rect.max.x
            );
        }
    }
}

/// A document with an extra decision node `check` on `subject`, selected.
fn with_decision(condition: Condition) -> Document {
    let mut doc = document(Origin::Custom, &[]);
    let check = Node::new(
        "check",
        Position::new(0.0, 200.0),
        NodeKind::Decision(DecisionNode { condition }),
    );
    let index = doc.workflow().nodes.len();
    doc.apply(Command::AddNodes {
        nodes: vec![(index, check)],
        edges: Vec::new(),
    })
    .expect("add");
    doc.selection = Selection::only(NodeId::new("check"));
    doc
}

/// Renders each view to `target/properties-*.png` for a look by eye
/// (`cargo test --lib properties::tests::render -- --ignored`).
#[test]
#[ignore = "needs a GPU adapter; for reviewing the layout by eye"]
fn render_views() {
    let views: Vec<(&str, Document)> = vec![
        ("workflow", document(Origin::Custom, &[])),
        ("id", document(Origin::Custom, &["id_capture"])),
        ("selfie", document(Origin::Custom, &["selfie_capture"])),
        ("idiv", document(Origin::Custom, &["idiv"])),
        ("offer", document(Origin::Custom, &["idiv"])),
        ("risk", document(Origin::Custom, &["risk"])),
        ("end", document(Origin::Custom, &["end"])),
        (
            "multi",
            document(Origin::Custom, &["id_capture", "selfie_capture"]),
        ),
        ("readonly", document(Origin::Global, &["idiv"])),
        (
            "decision",
            with_decision(Condition {
                subject: Subject::CapabilityLabel(Capability::Usability),
                operator: Operator::In,
                value: Value::Labels(vec!["GLARE".into()]),
            }),
        ),
        (
            "decision2",
            with_decision(Condition {
                subject: Subject::RiskScore,
                operator: Operator::Ge,
                value: Value::Number(50),
            }),
        ),
    ];
    for (name, doc) in views {
        let mut h = harness(doc);
        match name {
            "idiv" => click(&mut h, "Usability"),
            "offer" => {
                click(&mut h, "Usability");
                click(&mut h, "Only Usability");
                click(&mut h, "Data Checks");
                click(&mut h, "Data Checks");
            }
            "selfie" => {
                click(&mut h, "Web");
                click(&mut h, "SDK");
            }
            "risk" => click(&mut h, "This account's thresholds differ"),
            _ => {}
        }
        let image = h.render().expect("render");
        image
            .save(format!(
                "{}/target/properties-{name}.png",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("save");
    }
}
