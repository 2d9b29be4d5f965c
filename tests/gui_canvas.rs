//! The canvas's own controls (toolbar, minimap), pressed the way a person
//! presses them: pointer events at the control's place on screen, through
//! egui's hit-testing (`Node::click()`), never `click_accesskit()`.

mod common;

use common::{IDIV, Steps, app_on, drag, new_from_global, window};
use egui::{Event, MouseWheelUnit, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use idflow::app::IdflowApp;
use tempfile::TempDir;

/// A fresh store with a custom copy of 10011 open (editable), in a window
/// stepped at 60 Hz, so a double click is as quick as a person's.
fn editable_10011(dir: &TempDir) -> Harness<'static, IdflowApp> {
    let mut h = window().at_60_hz().open(app_on(dir));
    new_from_global(&mut h, IDIV);
    h
}

fn press(h: &mut Harness<'static, IdflowApp>, label: &str) {
    h.get_by_label(label).click();
    h.steps(3);
}

/// A point of the canvas background, away from cards, toolbar and minimap.
fn empty_canvas_point(h: &Harness<'static, IdflowApp>) -> Pos2 {
    let app = h.state();
    let canvas = app.canvas.screen_rect();
    let mut candidates = Vec::new();
    for fx in [0.1f32, 0.3, 0.5, 0.7] {
        for fy in [0.3f32, 0.5, 0.7, 0.9] {
            candidates.push(canvas.lerp_inside(vec2(fx, fy)));
        }
    }
    candidates
        .into_iter()
        .find(|&p| {
            let scene = app.canvas.screen_to_scene(p);
            app.doc.workflow().nodes.iter().all(|n| {
                !idflow_view::geometry::card_rect(n)
                    .expand(40.0)
                    .contains(scene)
            })
        })
        .expect("an empty spot on the canvas")
}

fn assert_close(a: f32, b: f32, what: &str) {
    assert!(
        (a - b).abs() < 0.02 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn zoom_buttons_change_the_zoom_when_clicked() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let before = h.state().canvas.zoom();
    press(&mut h, "+");
    let zoomed_in = h.state().canvas.zoom();
    assert_close(zoomed_in, before * 1.25, "+ zooms in by 25 %");
    press(&mut h, "−");
    press(&mut h, "−");
    assert_close(
        h.state().canvas.zoom(),
        zoomed_in * 0.8 * 0.8,
        "− zooms out by 20 %",
    );
}

#[test]
fn fit_and_centre_buttons_move_the_view_when_clicked() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let fitted = h.state().canvas.view;
    let fitted_zoom = h.state().canvas.zoom();
    // Pan away by dragging the background, then zoom in.
    let from = empty_canvas_point(&h);
    drag(&mut h, from, from + vec2(-300.0, -200.0));
    press(&mut h, "+");
    let moved = h.state().canvas.view;
    assert!(
        (moved.center() - fitted.center()).length() > 100.0,
        "the drag panned"
    );

    press(&mut h, "◎ Centre");
    let centred = h.state().canvas.view;
    assert!(
        (centred.center() - fitted.center()).length() < 2.0,
        "Centre brings the workflow's middle back: {centred:?} vs {fitted:?}"
    );
    assert_close(
        h.state().canvas.zoom(),
        fitted_zoom * 1.25,
        "Centre keeps the zoom",
    );

    press(&mut h, "⛶ Fit");
    assert_close(
        h.state().canvas.zoom(),
        fitted_zoom,
        "Fit restores the zoom",
    );
    assert!((h.state().canvas.view.center() - fitted.center()).length() < 2.0);
}

#[test]
fn the_toolbar_answers_even_with_cards_panned_underneath_it() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    // Pan so that the first card sits right under the toolbar.
    let card = {
        let app = h.state();
        let node = app.doc.workflow().nodes.first().expect("a node");
        app.canvas
            .scene_to_screen(idflow_view::geometry::card_rect(node).center())
    };
    let plus = h.get_by_label("+").rect().center();
    let from = empty_canvas_point(&h);
    drag(&mut h, from, from + (plus - card));
    let under = {
        let app = h.state();
        let node = app.doc.workflow().nodes.first().expect("a node");
        app.canvas
            .scene_to_screen(idflow_view::geometry::card_rect(node).center())
    };
    assert!(
        (under - plus).length() < 40.0,
        "a card is under +: {under:?}"
    );
    let before = h.state().canvas.zoom();
    let selected_before = h.state().doc.selection.clone();
    press(&mut h, "+");
    assert_close(h.state().canvas.zoom(), before * 1.25, "+ over a card");
    assert_eq!(
        h.state().doc.selection,
        selected_before,
        "the card under the button did not take the click"
    );
}

#[test]
fn lock_stops_panning_and_zooming_until_unlocked() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    press(&mut h, "🔓 Lock");
    assert!(h.state().canvas.locked);
    let view = h.state().canvas.view;
    let from = empty_canvas_point(&h);
    drag(&mut h, from, from + vec2(-250.0, -150.0));
    h.hover_at(from);
    h.event(Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, 120.0),
        phase: egui::TouchPhase::Move,
        modifiers: egui::Modifiers::COMMAND,
    });
    h.steps(3);
    h.key_press(egui::Key::F);
    h.steps(3);
    assert_eq!(
        h.state().canvas.view,
        view,
        "locked: no pan, no zoom, no Fit"
    );
    assert!(
        h.get_by_label("+").accesskit_node().is_disabled(),
        "zoom buttons rest while locked"
    );

    press(&mut h, "🔒 Locked");
    assert!(!h.state().canvas.locked);
    drag(&mut h, from, from + vec2(-250.0, -150.0));
    assert_ne!(h.state().canvas.view, view, "unlocked: the drag pans");
}

#[test]
fn snap_and_minimap_toggles_answer_clicks() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    assert!(h.state().canvas.snap);
    press(&mut h, "# Snap");
    assert!(!h.state().canvas.snap, "Snap off");
    press(&mut h, "# Snap");
    assert!(h.state().canvas.snap, "Snap on again");

    assert!(h.state().canvas.show_minimap);
    assert!(h.query_by_label("Minimap").is_some());
    press(&mut h, "▣ Minimap");
    assert!(!h.state().canvas.show_minimap, "Minimap hidden");
    assert!(h.query_by_label("Minimap").is_none());
    press(&mut h, "▣ Minimap");
    assert!(h.query_by_label("Minimap").is_some(), "Minimap shown again");
}

#[test]
fn auto_layout_button_lays_the_workflow_out_as_one_undo_step() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    {
        let app = h.state_mut();
        let mut moves = Vec::new();
        for (i, node) in app.doc.workflow().nodes.iter().enumerate() {
            moves.push((
                node.id.clone(),
                idflow_core::model::Position::new(i as f32 * 17.0, 900.0 - i as f32 * 40.0),
            ));
        }
        app.doc
            .apply(idflow::document::Command::SetPositions(moves))
            .expect("scatter");
    }
    h.steps(2);
    let scattered = h.state().doc.workflow().clone();
    press(&mut h, "Auto-layout");
    let expected = idflow_core::layout::layered(&scattered);
    let app = h.state();
    for (id, position) in &expected {
        assert_eq!(
            app.doc.node(id).expect("node").position,
            *position,
            "{id} laid out"
        );
    }
    assert_ne!(app.doc.workflow(), &scattered);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.steps(2);
    assert_eq!(h.state().doc.workflow(), &scattered, "one undo step");
}

fn button_at(h: &mut Harness<'static, IdflowApp>, pos: Pos2, button: egui::PointerButton) {
    h.hover_at(pos);
    h.steps(1);
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        // Frames only: waiting for the store would hold the button down.
        h.run_steps(1);
    }
    h.steps(2);
}

fn double_click_at(h: &mut Harness<'static, IdflowApp>, pos: Pos2) {
    // Clicks within 0.6 s of earlier ones would make a triple click: wait
    // as a person would (each step is 1/60 s).
    h.steps(40);
    h.hover_at(pos);
    h.steps(1);
    for pressed in [true, false, true, false] {
        h.event(Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.steps(2);
}

fn type_text(h: &mut Harness<'static, IdflowApp>, text: &str) {
    h.event(Event::Text(text.to_owned()));
    h.steps(2);
}

fn note<'a>(h: &'a Harness<'static, IdflowApp>, id: &str) -> &'a idflow_core::model::Note {
    h.state()
        .doc
        .workflow()
        .notes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("note {id}"))
}

fn note_on_screen(h: &Harness<'static, IdflowApp>, id: &str) -> egui::Rect {
    let n = note(h, id);
    let size = n.size();
    let min = h
        .state()
        .canvas
        .scene_to_screen(egui::pos2(n.position.x, n.position.y));
    let max = h.state().canvas.scene_to_screen(egui::pos2(
        n.position.x + size.width,
        n.position.y + size.height,
    ));
    egui::Rect::from_min_max(min, max)
}

#[test]
fn note_button_adds_a_note_in_view_ready_to_type_in() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let before = h.state().doc.workflow().notes.clone();
    press(&mut h, "📝 Note");
    let app = h.state();
    assert_eq!(
        app.doc.workflow().notes.len(),
        before.len() + 1,
        "a note added"
    );
    let added = app.doc.workflow().notes.last().expect("note").clone();
    assert!(app.doc.selection.notes.contains(&added.id), "and selected");
    let centre = egui::pos2(
        added.position.x + added.size().width / 2.0,
        added.position.y + added.size().height / 2.0,
    );
    assert!(
        app.canvas.view.contains(centre),
        "where the user is looking"
    );
    assert_eq!(app.canvas.editing_note(), Some(added.id.as_str()));

    type_text(&mut h, "Ask the customer about PEPs");
    assert_eq!(note(&h, &added.id).text, "Ask the customer about PEPs");
    h.key_press(egui::Key::Escape);
    h.steps(2);
    assert_eq!(h.state().canvas.editing_note(), None, "Escape ends editing");

    // Typing was one step, adding another.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.steps(2);
    assert_eq!(note(&h, &added.id).text, "");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.steps(2);
    assert_eq!(h.state().doc.workflow().notes, before);
}

#[test]
fn double_clicking_a_note_edits_its_text_in_place_as_one_step() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let original = note(&h, "note_facemap").text.clone();
    let rect = note_on_screen(&h, "note_facemap");
    double_click_at(&mut h, rect.center());
    assert_eq!(h.state().canvas.editing_note(), Some("note_facemap"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.steps(1);
    type_text(&mut h, "Facemap: ");
    type_text(&mut h, "WEB or SDK only.");
    assert_eq!(note(&h, "note_facemap").text, "Facemap: WEB or SDK only.");
    // A click on the canvas background ends editing.
    let empty = empty_canvas_point(&h);
    button_at(&mut h, empty, egui::PointerButton::Primary);
    assert_eq!(h.state().canvas.editing_note(), None);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.steps(2);
    assert_eq!(
        note(&h, "note_facemap").text,
        original,
        "the whole editing session is one undo step"
    );
}

#[test]
fn a_selected_note_resizes_from_its_corner_as_one_step() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    press(&mut h, "+");
    press(&mut h, "+");
    let rect = note_on_screen(&h, "note_facemap");
    button_at(&mut h, rect.center(), egui::PointerButton::Primary);
    assert!(h.state().doc.selection.notes.contains("note_facemap"));
    let before = note(&h, "note_facemap").clone();
    let grip = h.get_by_label("Resize note").rect();
    // The grip is drawn in the scene: map its rect through the zoom.
    let grip_on_screen = egui::Rect::from_min_max(
        h.state().canvas.scene_to_screen(grip.min),
        h.state().canvas.scene_to_screen(grip.max),
    );
    assert!(
        rect.contains(grip_on_screen.center()),
        "the grip is on the note's corner: {grip_on_screen:?} in {rect:?}"
    );
    let from = grip_on_screen.center();
    drag(&mut h, from, from + vec2(150.0, 80.0));
    let resized = note(&h, "note_facemap").clone();
    assert_eq!(resized.position, before.position, "the note did not move");
    let zoom = h.state().canvas.zoom();
    assert!(
        (resized.size().width - before.size().width - 150.0 / zoom).abs() < 25.0,
        "wider by the drag: {:?} -> {:?}",
        before.size(),
        resized.size()
    );
    assert!(resized.size().height > before.size().height + 40.0);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.steps(2);
    assert_eq!(note(&h, "note_facemap"), &before, "one undo step");
}

#[test]
fn notes_come_from_the_context_menu_and_the_n_key_and_go_from_theirs() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let count = |h: &Harness<'static, IdflowApp>| h.state().doc.workflow().notes.len();
    let before = count(&h);

    // Right-click on the background: Add note here.
    let spot = empty_canvas_point(&h);
    button_at(&mut h, spot, egui::PointerButton::Secondary);
    press(&mut h, "📝 Add note here");
    assert_eq!(count(&h), before + 1);
    let added = h.state().doc.workflow().notes.last().expect("note").clone();
    let at = h.state().canvas.screen_to_scene(spot);
    assert!(
        (added.position.x - at.x).abs() <= 20.0 && (added.position.y - at.y).abs() <= 20.0,
        "at the right-click: {:?} vs {at:?}",
        added.position
    );
    h.key_press(egui::Key::Escape);
    h.steps(2);

    // N with the pointer over the canvas.
    let elsewhere = h.state().canvas.screen_rect().lerp_inside(vec2(0.2, 0.85));
    h.hover_at(elsewhere);
    h.steps(1);
    h.key_press(egui::Key::N);
    h.steps(2);
    assert_eq!(count(&h), before + 2, "N adds a note");
    h.key_press(egui::Key::Escape);
    h.steps(2);

    // Right-click on a note: Delete note.
    let rect = note_on_screen(&h, "note_facemap");
    button_at(&mut h, rect.center(), egui::PointerButton::Secondary);
    press(&mut h, "Delete note");
    assert!(
        !h.state()
            .doc
            .workflow()
            .notes
            .iter()
            .any(|n| n.id == "note_facemap"),
        "deleted"
    );
}

#[test]
fn a_selected_note_is_edited_in_the_properties_panel() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let rect = note_on_screen(&h, "note_facemap");
    button_at(&mut h, rect.center(), egui::PointerButton::Primary);
    h.get_by_label("Text").click();
    h.steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.steps(1);
    type_text(&mut h, "Reviewed with the customer");
    assert_eq!(note(&h, "note_facemap").text, "Reviewed with the customer");
    press(&mut h, "🗑 Delete note");
    assert!(h.state().doc.workflow().notes.is_empty(), "deleted");
}

#[test]
fn an_edit_the_document_refuses_says_why() {
    // The Global workflow open at the start is read-only.
    let dir = TempDir::new().expect("tmp");
    let app = IdflowApp::new(dir.path(), None).expect("app");
    let mut h = window().at_60_hz().open(app);
    assert!(h.state().doc.read_only());
    let before = h.state().doc.workflow().clone();
    let message = "read-only: duplicate it to make changes";

    // Delete on a selected card.
    let card = {
        let app = h.state();
        let node = app.doc.workflow().nodes.first().expect("node");
        app.canvas
            .scene_to_screen(idflow_view::geometry::card_rect(node).center())
    };
    button_at(&mut h, card, egui::PointerButton::Primary);
    assert!(!h.state().doc.selection.nodes.is_empty(), "selected");
    assert!(h.query_by_label_contains(message).is_none());
    h.key_press(egui::Key::Delete);
    h.steps(2);
    assert_eq!(h.state().doc.workflow(), &before, "nothing deleted");
    h.get_by_label_contains(message);

    // The N key.
    h.steps(60 * 9);
    assert!(
        h.query_by_label_contains(message).is_none(),
        "the toast went"
    );
    h.key_press(egui::Key::N);
    h.steps(2);
    assert_eq!(h.state().doc.workflow(), &before, "no note added");
    h.get_by_label_contains(message);
}

#[test]
fn a_click_on_the_minimap_centres_the_view_there() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    press(&mut h, "+");
    press(&mut h, "+");
    let minimap = h.get_by_label("Minimap").rect();
    let before = h.state().canvas.view.center();
    // Its right-hand part: the end of the workflow.
    let target = minimap.lerp_inside(vec2(0.85, 0.5));
    h.hover_at(target);
    h.steps(1);
    h.event(Event::PointerButton {
        pos: target,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(1);
    h.event(Event::PointerButton {
        pos: target,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.steps(3);
    let after = h.state().canvas.view.center();
    assert!(
        after.x - before.x > 100.0,
        "the view moved right, towards the clicked part: {before:?} -> {after:?}"
    );
    assert!(
        h.state().doc.selection.nodes.is_empty(),
        "the click went to the minimap, not to a card under it"
    );
}

/// Every text row of the last frame drawn on the canvas scene: (its
/// galley's text, the glyphs drawn in the row, its on-screen font size in
/// points, where the row is on screen).
fn drawn_texts(h: &Harness<'static, IdflowApp>) -> Vec<(String, String, f32, Pos2)> {
    fn walk(shape: &egui::Shape, zoom: f32, out: &mut Vec<(String, String, f32, Pos2)>) {
        match shape {
            egui::Shape::Vec(shapes) => {
                for s in shapes {
                    walk(s, zoom, out);
                }
            }
            egui::Shape::Text(text) => {
                let galley = &text.galley;
                let font_size = galley
                    .job
                    .sections
                    .first()
                    .map_or(0.0, |s| s.format.font_id.size);
                for placed in &galley.rows {
                    let shown: String = placed.row.glyphs.iter().map(|g| g.chr).collect();
                    // The scene's layer transform scales the glyphs' mesh by
                    // the zoom; the font size is in scene units.
                    out.push((
                        galley.job.text.clone(),
                        shown,
                        font_size * zoom,
                        text.pos + placed.pos.to_vec2(),
                    ));
                }
            }
            _ => {}
        }
    }
    let zoom = h.state().canvas.zoom();
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, zoom, &mut out);
    }
    out
}

/// The legibility rule: every card's title shows at least its first four
/// characters (or all of it) at `LEGIBLE_PX` or larger, inside the canvas.
fn assert_titles_legible(h: &Harness<'static, IdflowApp>, what: &str, only_visible: bool) {
    let texts = drawn_texts(h);
    let app = h.state();
    let canvas = app.canvas.screen_rect();
    let mut checked = 0;
    for node in &app.doc.workflow().nodes {
        let card = idflow_view::geometry::card_rect(node);
        let on_screen = egui::Rect::from_min_max(
            app.canvas.scene_to_screen(card.min),
            app.canvas.scene_to_screen(card.max),
        );
        if only_visible && !canvas.contains_rect(on_screen) {
            continue;
        }
        assert!(
            canvas.contains_rect(on_screen),
            "{what}: card {} is not wholly on the canvas at zoom {:.2}: {on_screen:?} not in {canvas:?}",
            node.id,
            app.canvas.zoom()
        );
        let title = idflow_view::card::title(node);
        let wanted: String = title.chars().take(4).collect();
        let drawn = texts
            .iter()
            .find(|(text, _, _, pos)| text == &title && on_screen.contains(*pos))
            .unwrap_or_else(|| {
                panic!(
                    "{what}: the title {title:?} of {} is not drawn on its card at zoom {:.2}",
                    node.id,
                    app.canvas.zoom()
                )
            });
        let (_, shown, size, _) = drawn;
        assert!(
            shown.starts_with(&wanted),
            "{what}: {title:?} shows only {shown:?}"
        );
        assert!(
            *size >= idflow::app::canvas::LEGIBLE_PX - 0.05,
            "{what}: {title:?} drawn {size:.1} pt high at zoom {:.2}",
            app.canvas.zoom()
        );
        checked += 1;
    }
    assert!(checked > 0, "{what}: no card checked");
}

#[test]
fn every_standard_workflow_fits_whole_with_legible_titles() {
    let dir = TempDir::new().expect("tmp");
    let app = IdflowApp::new(dir.path(), None).expect("app");
    let mut h = window().at_60_hz().open(app);
    for key in [
        10011, 10013, 10014, 10071, 10163, 10165, 10167, 10169, 10171,
    ] {
        h.state_mut().perform(idflow::app::Intent::OpenKey(key));
        h.steps(4);
        let zoom = h.state().canvas.zoom();
        assert!(
            zoom >= h.state().canvas.legible_zoom() * 0.999,
            "{key} fitted at {zoom}"
        );
        println!(
            "{key}: fitted at {:.0} % (legible from {:.0} %)",
            zoom * 100.0,
            h.state().canvas.legible_zoom() * 100.0
        );
        assert_titles_legible(&h, &key.to_string(), false);
    }
}

#[test]
fn a_sixty_step_chain_fits_at_the_legible_minimum_around_its_entry() {
    use idflow_core::model::{
        Edge, Node, NodeKind, Port, Position, RiskSignal, RiskSignalNode, Workflow,
    };
    let dir = TempDir::new().expect("tmp");
    let mut chain = Workflow::new(200_500, "Sixty steps");
    for i in 0..60 {
        let mut node = Node::new(
            format!("step_{i}").as_str(),
            Position::new(i as f32 * 280.0, 0.0),
            NodeKind::RiskSignal(RiskSignalNode {
                signal: RiskSignal::ALL[0],
            }),
        );
        node.title = format!("Step number {i}");
        chain.nodes.push(node);
        if i > 0 {
            chain.edges.push(Edge {
                from: idflow_core::model::NodeId::new(format!("step_{}", i - 1).as_str()),
                port: Port::Out,
                to: idflow_core::model::NodeId::new(format!("step_{i}").as_str()),
            });
        }
    }
    let file = dir.path().join("chain.ron");
    std::fs::write(
        &file,
        idflow_core::format::workflow_to_text(&chain, idflow_core::format::Format::Ron),
    )
    .expect("write");
    let app = IdflowApp::new(&dir.path().join("store"), Some(&file)).expect("app");
    let mut h = window().at_60_hz().open(app);
    h.steps(2);
    let zoom = h.state().canvas.zoom();
    assert!(
        (zoom - h.state().canvas.legible_zoom()).abs() < 0.002,
        "fitted at the legible minimum, not {zoom}"
    );
    let app = h.state();
    let entry = app
        .doc
        .node(&idflow_core::model::NodeId::new("step_0"))
        .expect("entry");
    let entry_rect = idflow_view::geometry::card_rect(entry);
    assert!(
        app.canvas
            .screen_rect()
            .contains_rect(egui::Rect::from_min_max(
                app.canvas.scene_to_screen(entry_rect.min),
                app.canvas.scene_to_screen(entry_rect.max)
            )),
        "the entry step is in view"
    );
    assert_titles_legible(&h, "chain", true);
    assert_eq!(
        idflow::app::canvas::card_form(zoom, h.state().canvas.legible_zoom()),
        idflow::app::canvas::CardForm::Compact
    );
}

#[test]
fn palette_search_finds_components_by_what_they_do_and_says_when_nothing_matches() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Components")
        .click();
    h.steps(2);
    type_text(&mut h, "liveness");
    // Palette entries are labelled with their icon and title.
    assert!(
        h.query_by_label("🔍  ID & identity verification").is_some(),
        "a capability finds the service that runs it"
    );
    assert!(h.query_by_label("⚠  Device Risk").is_none());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    type_text(&mut h, "web facemap");
    assert!(
        h.query_by_label("📷  Selfie + facemap").is_some(),
        "every term must match: the step that captures a facemap on the web"
    );
    assert!(h.query_by_label("📷  ID").is_none());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    type_text(&mut h, "zzzz");
    h.get_by_label_contains("No component matches “zzzz”");
}

#[test]
fn a_cards_context_menu_duplicates_and_deletes_it() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let count = |h: &Harness<'static, IdflowApp>| h.state().doc.workflow().nodes.len();
    let before = count(&h);
    assert_eq!(before, 5);
    let card = |h: &Harness<'static, IdflowApp>| {
        let app = h.state();
        let node = app
            .doc
            .node(&idflow_core::model::NodeId::new("risk"))
            .expect("risk");
        app.canvas
            .scene_to_screen(idflow_view::geometry::card_rect(node).center())
    };
    let at = card(&h);
    button_at(&mut h, at, egui::PointerButton::Secondary);
    press(&mut h, "Duplicate");
    assert_eq!(count(&h), before + 1, "duplicated");
    h.key_press(egui::Key::Escape);
    h.steps(2);

    let at = card(&h);
    button_at(&mut h, at, egui::PointerButton::Secondary);
    press(&mut h, "Delete");
    // The copy lies on top of the original, so the click took the copy.
    assert_eq!(count(&h), before, "deleted");
    let ids: Vec<&str> = h
        .state()
        .doc
        .workflow()
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(ids, ["id_capture", "selfie_capture", "idiv", "risk", "end"]);
}

#[test]
fn the_background_context_menu_lays_out_and_fits() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let fitted_zoom = h.state().canvas.zoom();
    let moved = {
        let app = h.state_mut();
        let node = app.doc.workflow().nodes[2].clone();
        app.doc
            .apply(idflow::document::Command::SetPositions(vec![(
                node.id.clone(),
                idflow_core::model::Position::new(node.position.x + 200.0, 600.0),
            )]))
            .expect("move");
        app.doc.workflow().clone()
    };
    h.steps(2);
    press(&mut h, "+");
    press(&mut h, "+");
    assert!(h.state().canvas.zoom() > fitted_zoom * 1.5);

    let spot = empty_canvas_point(&h);
    button_at(&mut h, spot, egui::PointerButton::Secondary);
    press(&mut h, "Zoom to fit");
    let zoom = h.state().canvas.zoom();
    assert!(
        zoom < fitted_zoom * 1.2,
        "fitted again: {zoom} (was {fitted_zoom} before zooming in)"
    );

    let spot = empty_canvas_point(&h);
    button_at(&mut h, spot, egui::PointerButton::Secondary);
    press(&mut h, "Lay out left to right");
    let expected = idflow_core::layout::layered(&moved);
    for (id, position) in &expected {
        assert_eq!(
            h.state().doc.node(id).expect("node").position,
            *position,
            "{id} laid out"
        );
    }
}

#[test]
fn a_notes_context_menu_starts_editing_its_text() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let rect = note_on_screen(&h, "note_facemap");
    button_at(&mut h, rect.center(), egui::PointerButton::Secondary);
    press(&mut h, "Edit text");
    assert_eq!(h.state().canvas.editing_note(), Some("note_facemap"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.steps(1);
    type_text(&mut h, "Edited from the menu");
    assert_eq!(note(&h, "note_facemap").text, "Edited from the menu");
}

#[test]
fn a_notes_size_is_set_in_the_properties_panel() {
    let dir = TempDir::new().expect("tmp");
    let mut h = editable_10011(&dir);
    let rect = note_on_screen(&h, "note_facemap");
    button_at(&mut h, rect.center(), egui::PointerButton::Primary);
    let before = note(&h, "note_facemap").clone();
    // A drag on the Width field, as a person adjusts a number.
    let width = h.get_by_label("Width").rect().center();
    drag(&mut h, width, width + vec2(60.0, 0.0));
    let after = note(&h, "note_facemap").clone();
    assert!(
        after.size().width > before.size().width + 20.0,
        "{:?} -> {:?}",
        before.size(),
        after.size()
    );
    assert_eq!(after.size().height, before.size().height);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.steps(2);
    assert_eq!(
        note(&h, "note_facemap"),
        &before,
        "the drag is one undo step"
    );
}
