use idflow_core::format::{Format, parse_workflow};
use idflow_core::layout::{COLUMN_WIDTH, ROW_HEIGHT};
use idflow_core::model::{Capability, Edge, NodeKind, Port, Position};
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

// The named operations (operations.rs): each keeps its graph rule and is
// one undo step.

/// A palette entry's kind, by its title.
fn kind(title: &str) -> NodeKind {
    idflow_core::catalog::palette()
        .iter()
        .find(|e| e.title == title)
        .unwrap_or_else(|| panic!("no palette entry {title}"))
        .kind
        .clone()
}

fn end_kind() -> NodeKind {
    kind("End (decision from results)")
}

/// An editable workflow holding one If / Else step, `first`, at the origin.
fn one_decision() -> Document {
    let mut w = idflow_core::Workflow::new(200000, "w");
    w.nodes.push(idflow_core::model::Node::new(
        "first",
        Position::new(0.0, 0.0),
        kind("If / Else"),
    ));
    Document::open(
        w,
        Source::Store {
            key: 200000,
            revision: 1,
            origin: Origin::Custom,
        },
    )
}

fn edge(from: &str, port: Port, to: &str) -> Edge {
    Edge {
        from: id(from),
        port,
        to: id(to),
    }
}

/// The connections leaving `from`'s `port`.
fn leaving(d: &Document, from: &str, port: Port) -> Vec<NodeId> {
    d.workflow()
        .edges
        .iter()
        .filter(|e| e.from == id(from) && e.port == port)
        .map(|e| e.to.clone())
        .collect()
}

#[test]
fn add_node_gives_a_readable_fresh_id_selects_it_and_is_one_step() {
    let mut d = doc();
    let before = d.workflow().clone();
    let at = Position::new(40.0, 400.0);
    let first = d
        .add_node(kind("Risk calculation"), "Risk calculation", at)
        .expect("added");
    assert_eq!(first, id("risk_calculation"));
    let second = d
        .add_node(kind("Risk calculation"), "Risk calculation", at)
        .expect("added");
    assert_eq!(second, id("risk_calculation_2"), "ids never clash");
    let added = d.node(&second).expect("the node");
    assert_eq!(added.position, at);
    assert_eq!(added.title, "Risk calculation");
    assert_eq!(d.workflow().nodes.last().map(|n| &n.id), Some(&second));
    assert_eq!(d.selection, Selection::only(second));
    assert!(d.undo() && d.undo());
    assert_eq!(d.workflow(), &before, "one undo step per add");
    assert!(!d.can_undo());
}

#[test]
fn connecting_a_wired_port_replaces_what_it_led_to_as_one_step() {
    let mut d = doc();
    let before = d.workflow().clone();
    assert_eq!(leaving(&d, "idiv", Port::Out), [id("risk")]);
    assert_eq!(d.connect(&id("idiv"), Port::Out, &id("end")), Ok(true));
    assert_eq!(
        leaving(&d, "idiv", Port::Out),
        [id("end")],
        "one connection per output port"
    );
    assert_eq!(d.workflow().edges.len(), before.edges.len());
    assert!(d.undo());
    assert_eq!(d.workflow(), &before, "the replaced connection is back");
    assert!(!d.can_undo(), "one step");
}

#[test]
fn connecting_a_free_port_adds_a_connection_as_one_step() {
    let mut d = doc();
    d.apply(Command::RemoveEdge(edge("risk", Port::Out, "end")))
        .expect("cut");
    let cut = d.workflow().clone();
    assert_eq!(d.connect(&id("risk"), Port::Out, &id("end")), Ok(true));
    assert_eq!(leaving(&d, "risk", Port::Out), [id("end")]);
    assert!(d.undo());
    assert_eq!(d.workflow(), &cut);
}

#[test]
fn connecting_what_is_already_connected_changes_nothing() {
    let mut d = doc();
    let before = d.workflow().clone();
    assert_eq!(d.connect(&id("risk"), Port::Out, &id("end")), Ok(false));
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo(), "no undo step for nothing");
}

#[test]
fn connect_refuses_a_port_the_step_lacks_itself_and_a_read_only_workflow() {
    let mut d = doc();
    let before = d.workflow().clone();
    assert_eq!(
        d.connect(&id("end"), Port::Out, &id("idiv")),
        Err(EditError::NoSuchPort {
            step: "Decision".into(),
            port: "OUT"
        }),
        "an end step has no output"
    );
    assert!(matches!(
        d.connect(&id("idiv"), Port::Then, &id("end")),
        Err(EditError::NoSuchPort { port: "THEN", .. })
    ));
    assert_eq!(
        d.connect(&id("idiv"), Port::Out, &id("idiv")),
        Err(EditError::SelfConnection)
    );
    assert_eq!(
        d.connect(&id("ghost"), Port::Out, &id("idiv")),
        Err(EditError::NoSuchNode(id("ghost")))
    );
    assert_eq!(
        d.connect(&id("idiv"), Port::Out, &id("ghost")),
        Err(EditError::NoSuchNode(id("ghost")))
    );
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo());

    let mut global = Document::open(
        before.clone(),
        Source::Store {
            key: 10011,
            revision: 1,
            origin: Origin::Global,
        },
    );
    assert_eq!(
        global.connect(&id("idiv"), Port::Out, &id("end")),
        Err(EditError::ReadOnly)
    );
    assert_eq!(global.workflow(), &before);
}

#[test]
fn connect_to_wires_the_selected_steps_free_port_and_never_replaces() {
    let mut d = one_decision();
    for to in ["a", "b", "c"] {
        d.add_node(end_kind(), to, Position::new(400.0, 0.0))
            .expect("added");
    }
    let before = d.workflow().clone();
    d.selection = Selection::only(id("first"));
    assert_eq!(
        d.connect_selected_to(&id("a")),
        Ok(edge("first", Port::Then, "a")),
        "Then first"
    );
    assert_eq!(
        d.connect_selected_to(&id("b")),
        Ok(edge("first", Port::Else, "b"))
    );
    let wired = d.workflow().clone();
    assert_eq!(
        d.connect_selected_to(&id("c")),
        Err(EditError::NoFreeOutput("If / Else".into()))
    );
    assert_eq!(
        EditError::NoFreeOutput("If / Else".into()).to_string(),
        "If / Else has no free output to connect"
    );
    assert_eq!(d.workflow(), &wired, "nothing replaced");
    assert!(d.undo() && d.undo());
    assert_eq!(d.workflow(), &before, "one undo step each");
}

#[test]
fn connect_to_needs_exactly_one_selected_step() {
    let mut d = doc();
    let before = d.workflow().clone();
    d.selection.clear();
    assert_eq!(
        d.connect_selected_to(&id("end")),
        Err(EditError::NoStepSelected)
    );
    d.selection.nodes = BTreeSet::from([id("idiv"), id("risk")]);
    assert_eq!(
        d.connect_selected_to(&id("end")),
        Err(EditError::NoStepSelected)
    );
    assert_eq!(
        EditError::NoStepSelected.to_string(),
        "Select one step to connect from"
    );
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo());
}

/// After a decision: Then first, then Else one row lower, each wired,
/// none on another card; a third finds no free port and is not wired.
#[test]
fn quick_add_wires_the_free_ports_in_turn_without_overlap() {
    let mut d = one_decision();
    let centre = Position::new(700.0, 350.0);
    for _ in 0..2 {
        d.selection = Selection::only(id("first"));
        d.quick_add(end_kind(), "End", centre).expect("added");
    }
    let ports: Vec<Port> = d.workflow().edges.iter().map(|e| e.port).collect();
    assert_eq!(ports, [Port::Then, Port::Else]);
    d.selection = Selection::only(id("first"));
    d.quick_add(end_kind(), "End", centre).expect("added");
    assert_eq!(d.workflow().edges.len(), 2, "no free port: not wired");
    let rects: Vec<_> = d
        .workflow()
        .nodes
        .iter()
        .map(idflow_view::geometry::card_rect)
        .collect();
    for (i, a) in rects.iter().enumerate() {
        for b in &rects[i + 1..] {
            assert!(!a.intersects(*b), "{a:?} overlaps {b:?}");
        }
    }
    assert!(d.undo());
    assert_eq!(d.workflow().nodes.len(), 3, "one undo step per add");
}

#[test]
fn quick_add_goes_after_the_selected_step_wired_and_selected() {
    let mut d = doc();
    d.apply(Command::RemoveEdge(edge("risk", Port::Out, "end")))
        .expect("cut");
    let before = d.workflow().clone();
    d.selection = Selection::only(id("risk"));
    let added = d
        .quick_add(end_kind(), "End", Position::new(0.0, 0.0))
        .expect("added");
    let risk = d.node(&id("risk")).expect("risk").position;
    let node = d.node(&added).expect("added");
    assert_eq!(
        node.position,
        Position::new(risk.x + COLUMN_WIDTH, risk.y + ROW_HEIGHT),
        "the next column; a row lower, as `end` is where it would go"
    );
    assert_eq!(leaving(&d, "risk", Port::Out), std::slice::from_ref(&added));
    assert_eq!(d.selection, Selection::only(added));
    assert!(d.undo());
    assert_eq!(d.workflow(), &before, "one undo step");
}

#[test]
fn quick_add_with_nothing_selected_centres_the_step_unwired() {
    let mut d = doc();
    d.selection.clear();
    let edges = d.workflow().edges.clone();
    let centre = Position::new(500.0, 1000.0);
    let added = d.quick_add(end_kind(), "End", centre).expect("added");
    let rect = idflow_view::geometry::card_rect(d.node(&added).expect("added"));
    assert_eq!(
        (rect.center().x, rect.center().y),
        (centre.x, centre.y),
        "centred on the view's centre"
    );
    assert_eq!(d.workflow().edges, edges, "not wired");
    assert_eq!(d.selection, Selection::only(added));
}

#[test]
fn insert_between_puts_the_step_on_the_connection_as_one_step() {
    let mut d = doc();
    let before = d.workflow().clone();
    let at = before
        .edges
        .iter()
        .position(|e| *e == edge("idiv", Port::Out, "risk"))
        .expect("idiv -> risk");
    let added = d
        .insert_between(
            &edge("idiv", Port::Out, "risk"),
            kind("If / Else"),
            "If / Else",
            Position::new(700.0, 200.0),
        )
        .expect("inserted");
    assert_eq!(leaving(&d, "idiv", Port::Out), std::slice::from_ref(&added));
    assert_eq!(
        d.workflow().edges[at..at + 2],
        [
            edge("idiv", Port::Out, added.as_str()),
            edge(added.as_str(), Port::Then, "risk"),
        ],
        "in the connection's place, its first output onwards"
    );
    assert_eq!(d.workflow().edges.len(), before.edges.len() + 1);
    assert_eq!(d.selection, Selection::only(added));
    assert!(d.undo());
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo(), "one step");
}

#[test]
fn insert_between_refuses_an_end_and_a_connection_that_is_not_there() {
    let mut d = doc();
    let before = d.workflow().clone();
    assert_eq!(
        d.insert_between(
            &edge("idiv", Port::Out, "risk"),
            end_kind(),
            "End",
            Position::new(0.0, 0.0)
        ),
        Err(EditError::NoOutput("End".into()))
    );
    assert_eq!(
        d.insert_between(
            &edge("idiv", Port::Out, "end"),
            kind("Risk calculation"),
            "Risk calculation",
            Position::new(0.0, 0.0)
        ),
        Err(EditError::NoSuchEdge(id("idiv"), id("end")))
    );
    assert_eq!(d.workflow(), &before);
    assert!(!d.can_undo());
}

/// Issue 33, item 12: "Auto-layout that moves nothing does not mark the
/// workflow unsaved"; one that moves steps is one undo step.
#[test]
fn auto_layout_that_moves_nothing_leaves_the_workflow_saved() {
    let mut d = doc();
    let moved = d.auto_layout().expect("layout");
    if moved {
        let source = d.source.clone();
        d.mark_saved(source);
    }
    let laid_out = d.workflow().clone();
    assert!(!d.is_dirty());
    assert!(
        !d.auto_layout().expect("layout again"),
        "nothing moves twice"
    );
    assert!(
        !d.is_dirty(),
        "a layout that moved nothing marked it unsaved"
    );
    assert_eq!(d.workflow(), &laid_out);

    // Out of place: one undo step puts it back.
    let first = d.workflow().nodes[0].id.clone();
    d.apply(Command::SetPositions(vec![(
        first.clone(),
        Position {
            x: 9999.0,
            y: 9999.0,
        },
    )]))
    .expect("move");
    assert!(d.auto_layout().expect("layout"));
    assert_eq!(d.workflow(), &laid_out);
    d.undo();
    assert_eq!(
        d.node(&first).map(|n| n.position),
        Some(Position {
            x: 9999.0,
            y: 9999.0
        })
    );
}
