use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{Capability, NodeKind, Position};
use idflow_store::Origin;

use super::*;

fn doc() -> Document {
    let w = parse_workflow(
        include_str!("../../sample_workflows/10011-idiv.ron"),
        Format::Ron,
    )
    .expect("sample");
    Document::open(
        w,
        Source::Store {
            key: 200000,
            revision: 1,
            origin: Origin::Custom,
        },
    )
}

fn id(s: &str) -> NodeId {
    NodeId::new(s)
}

#[test]
fn undo_then_redo_restores_the_exact_workflow() {
    let mut d = doc();
    let original = d.workflow().clone();
    d.selection = Selection::only(id("selfie_capture"));
    d.delete_selection().expect("delete");
    let after_delete = d.workflow().clone();
    assert_ne!(after_delete, original);
    assert!(d.undo());
    assert_eq!(
        d.workflow(),
        &original,
        "order of nodes and edges restored too"
    );
    assert!(d.redo());
    assert_eq!(d.workflow(), &after_delete);
}

#[test]
fn a_drag_is_one_undo_step() {
    let mut d = doc();
    let start = d.node(&id("idiv")).expect("node").position;
    for step in 1..=30 {
        let p = Position::new(start.x + step as f32, start.y);
        d.apply_gesture(7, Command::SetPositions(vec![(id("idiv"), p)]))
            .expect("move");
    }
    assert_eq!(
        d.node(&id("idiv")).expect("node").position.x,
        start.x + 30.0
    );
    assert!(d.undo());
    assert_eq!(d.node(&id("idiv")).expect("node").position, start);
    assert!(!d.can_undo(), "the whole drag was one step");
}

#[test]
fn unsaved_marker_follows_undo_redo_and_save() {
    let mut d = doc();
    assert!(!d.is_dirty());
    d.apply(Command::SetMeta {
        name: "Renamed".into(),
        description: String::new(),
    })
    .expect("edit");
    assert!(d.is_dirty());
    d.undo();
    assert!(!d.is_dirty(), "back at the saved state");
    d.redo();
    assert!(d.is_dirty());
    let source = d.source.clone();
    d.mark_saved(source);
    assert!(!d.is_dirty());
    d.undo();
    assert!(d.is_dirty(), "the saved state is now the renamed one");
}

#[test]
fn a_gesture_does_not_merge_across_a_save() {
    let mut d = doc();
    d.apply_gesture(
        1,
        Command::SetPositions(vec![(id("idiv"), Position::new(1.0, 1.0))]),
    )
    .expect("move");
    let source = d.source.clone();
    d.mark_saved(source);
    d.apply_gesture(
        1,
        Command::SetPositions(vec![(id("idiv"), Position::new(2.0, 2.0))]),
    )
    .expect("move");
    assert!(d.is_dirty());
    d.undo();
    assert!(!d.is_dirty());
}

#[test]
fn paste_renames_clashing_ids_keeps_internal_edges_and_is_one_step() {
    let mut d = doc();
    d.selection.nodes = BTreeSet::from([id("risk"), id("end")]);
    let text = d.copy_selection().expect("copied");
    assert!(
        text.contains("idflow_fragment"),
        "RON on the clipboard: {text}"
    );
    let before = d.workflow().clone();
    assert_eq!(d.paste(&text, None).expect("paste"), 2);
    assert!(d.node(&id("risk_2")).is_some() && d.node(&id("end_2")).is_some());
    assert!(
        d.workflow()
            .edges
            .iter()
            .any(|e| e.from == id("risk_2") && e.to == id("end_2"))
    );
    assert_eq!(
        d.selection.nodes,
        BTreeSet::from([id("risk_2"), id("end_2")])
    );
    d.undo();
    assert_eq!(d.workflow(), &before);
}

#[test]
fn pasting_text_that_is_not_a_fragment_is_a_clear_error() {
    let mut d = doc();
    let before = d.workflow().clone();
    assert!(matches!(
        d.paste("hello", None),
        Err(EditError::NotAFragment(_))
    ));
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo());
}

#[test]
fn global_workflows_and_versions_are_read_only() {
    let w = doc().workflow().clone();
    let mut d = Document::open(
        w,
        Source::Store {
            key: 10011,
            revision: 1,
            origin: Origin::Global,
        },
    );
    assert_eq!(
        d.apply(Command::SetMeta {
            name: "x".into(),
            description: String::new()
        }),
        Err(EditError::ReadOnly)
    );
}

#[test]
fn a_failing_batch_changes_nothing() {
    let mut d = doc();
    let before = d.workflow().clone();
    let result = d.apply(Command::Batch(vec![
        Command::SetMeta {
            name: "x".into(),
            description: String::new(),
        },
        Command::RemoveNodes {
            ids: vec![id("ghost")],
        },
    ]));
    assert!(result.is_err());
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo());
}

#[test]
fn lint_follows_edits() {
    let mut d = doc();
    assert!(!d.lint().has_errors());
    let mut idiv = d.node(&id("idiv")).expect("idiv").clone();
    if let NodeKind::Service(s) = &mut idiv.kind {
        s.capabilities.retain(|c| *c != Capability::Usability);
    }
    d.apply(Command::SetNode(idiv)).expect("edit");
    assert!(d.lint().has_code("capability-dependency"));
    d.undo();
    assert!(!d.lint().has_errors());
}
