//! The canvas: an `egui::Scene` (pan, zoom) over the workflow. Nodes are
//! painted as cards and interact through one `ui.interact` each; only nodes
//! and wires that intersect the view are touched, so a frame costs the
//! visible part, not the whole graph.

mod draw;
mod insert;
mod keyboard;
mod minimap;
mod notes;
mod toolbar;

use std::collections::HashMap;

use egui::containers::DragPanButtons;
use egui::{Id, Pos2, Rect, Scene, Sense, Stroke, StrokeKind, Ui, UiBuilder, Vec2, pos2, vec2};
use idflow_core::lint::Severity;
use idflow_core::model::{DecisionType, Edge, NodeId, Note, Port, Position};
use idflow_view::card::{description as card_description, title as node_title};
use idflow_view::geometry::{self, card_rect};
use idflow_view::theme;
use idflow_view::words::mark_words;

use crate::document::{Command, Document};
pub use draw::{CardForm, LEGIBLE_PX, card_form};

/// What the component panel drags onto the canvas: an index into
/// `idflow_core::catalog::palette()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaletteDrag(pub usize);

/// Counts from the last frame (tests and benchmarks read them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameStats {
    pub visible_nodes: usize,
    pub visible_edges: usize,
    /// Visible cards drawn with a legible title (at least its first four
    /// characters at `LEGIBLE_PX` or more): all of them from the legible
    /// zoom up, none below it.
    pub legible_titles: usize,
}

/// What a visited node did in the last test run (a pill on its card).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepResult {
    /// A capability step (its worst result) or a terminal: decision and label.
    Decision(DecisionType, String),
    /// A decision point: the branch taken.
    Branch(Port),
    /// Anything else (acquisition, risk calculation): a neutral note.
    Note(String),
}

impl StepResult {
    pub fn decision(&self) -> Option<DecisionType> {
        match self {
            StepResult::Decision(d, _) => Some(*d),
            _ => None,
        }
    }
}

struct NodeDrag {
    gesture: u64,
    start: Pos2,
    origin: Vec<(NodeId, Position)>,
}

struct WireDrag {
    from: NodeId,
    port: Port,
}

pub struct Canvas {
    /// The visible part of the scene, in scene coordinates.
    pub view: Rect,
    pub locked: bool,
    pub snap: bool,
    pub show_minimap: bool,
    pub selected_edge: Option<Edge>,
    pub stats: FrameStats,
    /// Nodes reached by the last test run (drawn highlighted).
    pub highlighted: Vec<NodeId>,
    /// Connections taken by the last test run (drawn thick, highlighted).
    pub highlighted_edges: Vec<(NodeId, Port, NodeId)>,
    /// Each visited node's result in the last test run.
    pub step_results: HashMap<NodeId, StepResult>,
    /// How each step changed, while two versions are compared.
    pub marks: HashMap<NodeId, idflow_core::diff::Mark>,
    /// Open review comments per step (a badge on the card).
    pub comments: HashMap<NodeId, usize>,
    fit_requested: bool,
    /// The canvas size and view of the last Fit, while the view is unmoved.
    fitted: Option<(Vec2, Rect)>,
    drag: Option<NodeDrag>,
    note_drag: Option<notes::NoteDrag>,
    note_edit: Option<notes::NoteEdit>,
    /// Where the canvas's context menu was opened (scene coordinates).
    menu_at: Option<Pos2>,
    wire: Option<WireDrag>,
    box_start: Option<Pos2>,
    next_gesture: u64,
    badges: HashMap<NodeId, (Severity, usize)>,
    badges_revision: Option<u64>,
    bounds: Rect,
    /// The card of the workflow's entry step (where a flow starts).
    entry: Option<Rect>,
    /// The zooms from which every card's title is legible, and the
    /// fingerprint of the titles they were measured for.
    legibility: draw::Legibility,
    titles_fingerprint: Option<u64>,
    bounds_revision: Option<u64>,
    /// The nodes' indices in flow order (`idflow_core::layout::flow_order`):
    /// the order cards are offered to the keyboard and a screen reader.
    order: Vec<usize>,
    order_revision: Option<u64>,
    /// The canvas's own widget (its background): the keyboard target.
    keyboard_id: Option<egui::Id>,
    keyboard_focus_requested: bool,
    /// Enter pressed on a selected step: the app hands the keyboard to the
    /// properties panel.
    properties_requested: bool,
    /// The last arrow nudge: when, the document revision it left, and the
    /// undo gesture it extends.
    nudge_burst: Option<(f64, u64, u64)>,
    /// Scene -> screen transform of the last frame.
    to_global: egui::emath::TSTransform,
    /// Screen area of the last frame.
    outer: Rect,
    /// Why the last canvas edit was refused, until the app shows it.
    refused: Option<String>,
    /// The state last logged (see `log_state`).
    logged: Option<CanvasState>,
}

#[derive(Debug, Clone, PartialEq)]
struct CanvasState {
    zoom: f32,
    centre: Pos2,
    locked: bool,
    snap: bool,
    minimap: bool,
    revision: u64,
    notes: usize,
}

impl Default for Canvas {
    fn default() -> Self {
        Canvas {
            view: Rect::from_min_size(pos2(-40.0, -120.0), vec2(1400.0, 700.0)),
            locked: false,
            snap: true,
            show_minimap: true,
            selected_edge: None,
            stats: FrameStats::default(),
            highlighted: Vec::new(),
            highlighted_edges: Vec::new(),
            step_results: HashMap::new(),
            marks: HashMap::new(),
            comments: HashMap::new(),
            fit_requested: true,
            fitted: None,
            drag: None,
            note_drag: None,
            note_edit: None,
            menu_at: None,
            wire: None,
            box_start: None,
            next_gesture: 1 << 40,
            badges: HashMap::new(),
            badges_revision: None,
            bounds: Rect::NOTHING,
            entry: None,
            legibility: draw::Legibility::default(),
            titles_fingerprint: None,
            bounds_revision: None,
            order: Vec::new(),
            order_revision: None,
            keyboard_id: None,
            keyboard_focus_requested: false,
            properties_requested: false,
            nudge_burst: None,
            to_global: Default::default(),
            outer: Rect::NOTHING,
            refused: None,
            logged: None,
        }
    }
}

enum Action {
    Click { id: NodeId, additive: bool },
    StartDrag { id: NodeId, additive: bool },
    StartWire { from: NodeId, port: Port },
    SelectEdge(Edge),
    DeleteEdge(Edge),
    DeleteNode(NodeId),
    DuplicateNode(NodeId),
    ClickNote { id: String, additive: bool },
    StartNoteDrag { note: Note, resize: bool },
    EditNote(String),
    NoteText { id: String, text: String },
    StopEditingNote,
    DeleteNote(String),
}

impl Canvas {
    /// Fits the whole workflow into view on the next frame (not while the
    /// view is locked: Lock stops every pan and zoom, F and the menus too).
    pub fn request_fit(&mut self) {
        self.fit_requested |= !self.locked;
    }

    /// Forgets the last test run's highlights.
    pub fn clear_run(&mut self) {
        self.highlighted.clear();
        self.highlighted_edges.clear();
        self.step_results.clear();
    }

    /// Why the last edit made on the canvas was refused (taken once, to be
    /// shown to the user where they acted).
    pub fn take_refusal(&mut self) -> Option<String> {
        self.refused.take()
    }

    /// Keeps the reason an edit made on the canvas was refused, to show it.
    pub fn refuse(&mut self, error: crate::document::EditError) {
        tracing::info!(%error, "canvas edit refused");
        self.refused = Some(error.to_string());
    }

    /// Applies an edit made on the canvas, keeping a refusal to show.
    fn edit<T>(&mut self, result: Result<T, crate::document::EditError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.refuse(error);
                None
            }
        }
    }

    fn gesture(&mut self) -> u64 {
        self.next_gesture += 1;
        self.next_gesture
    }

    fn refresh_caches(&mut self, ctx: &egui::Context, doc: &mut Document) {
        let revision = doc.revision();
        if self.bounds_revision != Some(revision) {
            // Moves change the revision but not the titles: measure the
            // titles again only when they changed.
            let mut hasher = std::hash::DefaultHasher::new();
            for node in &doc.workflow().nodes {
                std::hash::Hash::hash(&node.title, &mut hasher);
                std::hash::Hash::hash(&node.kind.tag(), &mut hasher);
            }
            let fingerprint = std::hash::Hasher::finish(&hasher);
            if self.titles_fingerprint != Some(fingerprint) {
                let titles: Vec<String> = doc.workflow().nodes.iter().map(node_title).collect();
                self.legibility = ctx
                    .fonts_mut(|fonts| draw::legibility(fonts, titles.iter().map(String::as_str)));
                self.titles_fingerprint = Some(fingerprint);
            }
        }
        if self.order_revision != Some(revision) {
            self.order = idflow_core::layout::flow_order(doc.workflow());
            self.order_revision = Some(revision);
        }
        if self.badges_revision != Some(revision) {
            let mut badges: HashMap<NodeId, (Severity, usize)> = HashMap::new();
            for f in &doc.lint().findings {
                if let Some(node) = &f.node {
                    let e = badges.entry(node.clone()).or_insert((f.severity, 0));
                    e.0 = e.0.max(f.severity);
                    e.1 += 1;
                }
            }
            self.badges = badges;
            self.badges_revision = Some(revision);
        }
        if self.bounds_revision != Some(revision) {
            let w = doc.workflow();
            self.bounds = w
                .nodes
                .iter()
                .map(card_rect)
                .chain(w.notes.iter().map(geometry::note_rect))
                .fold(Rect::NOTHING, |acc, r| acc.union(r));
            let targets: std::collections::HashSet<&NodeId> =
                w.edges.iter().map(|e| &e.to).collect();
            self.entry = w
                .nodes
                .iter()
                .find(|n| !targets.contains(&n.id))
                .or(w.nodes.first())
                .map(card_rect);
            self.bounds_revision = Some(revision);
        }
    }

    /// Scene rectangle that shows the whole workflow.
    pub fn fit_rect(&self) -> Rect {
        if self.bounds.is_positive() {
            self.bounds.expand(40.0)
        } else {
            self.view
        }
    }

    /// The view Fit shows on a canvas of `screen` size: the whole workflow,
    /// unless that needs a zoom below the legible one; then the legible zoom
    /// with the entry step at the left, and the minimap and panning reach
    /// the rest.
    pub fn legible_fit_rect(&self, screen: Vec2) -> Rect {
        let whole = self.fit_rect();
        if !whole.is_positive() || !screen.x.is_finite() || screen.min_elem() <= 0.0 {
            return whole;
        }
        let zoom = (screen.x / whole.width()).min(screen.y / whole.height());
        let legible = self.legibility.title;
        if zoom >= legible {
            return whole;
        }
        let size = screen / legible;
        let entry = self.entry.unwrap_or(self.bounds);
        let centre_y = if whole.height() <= size.y {
            whole.center().y
        } else {
            entry.center().y
        };
        Rect::from_min_size(pos2(entry.left() - 60.0, centre_y - size.y / 2.0), size)
    }

    /// Shows `view` (scene coordinates) instead of fitting the workflow on
    /// the next frame: a view the user left off at.
    pub fn restore_view(&mut self, view: Rect) {
        if view.is_positive() && view.min.is_finite() && view.max.is_finite() {
            self.view = view;
            self.fit_requested = false;
            self.fitted = None;
        }
    }

    pub fn centre_on(&mut self, point: Pos2) {
        self.view = self.view.translate(point - self.view.center());
    }

    /// Moves the view so that node `id` is in the middle.
    pub fn focus_node(&mut self, doc: &Document, id: &NodeId) {
        if let Some(node) = doc.node(id) {
            self.centre_on(card_rect(node).center());
        }
    }

    pub fn zoom_by(&mut self, factor: f32) {
        let c = self.view.center();
        self.view = Rect::from_center_size(c, self.view.size() / factor);
    }

    /// Lays the whole workflow out left to right, as one undo step.
    pub fn auto_layout(&mut self, doc: &mut Document) {
        if self.edit(doc.auto_layout()).is_some() {
            self.request_fit();
        }
    }

    /// The smallest zoom at which every card of the open workflow shows a
    /// legible title (Fit never goes below it).
    pub fn legible_zoom(&self) -> f32 {
        self.legibility.title
    }

    /// Screen pixels per scene unit in the last frame.
    pub fn zoom(&self) -> f32 {
        self.to_global.scaling
    }

    /// The canvas's screen area in the last frame.
    pub fn screen_rect(&self) -> Rect {
        self.outer
    }

    /// Converts a scene position to the screen (last frame's view).
    pub fn scene_to_screen(&self, p: Pos2) -> Pos2 {
        self.to_global * p
    }

    /// Converts a screen position to scene coordinates (last frame's view).
    pub fn screen_to_scene(&self, p: Pos2) -> Pos2 {
        self.to_global.inverse() * p
    }

    pub fn show(&mut self, ui: &mut Ui, doc: &mut Document) -> Option<(usize, Position)> {
        self.refresh_caches(ui.ctx(), doc);
        self.keyboard_keys(ui, doc);
        let outer = ui.available_rect_before_wrap();
        self.outer = outer;
        // A fitted view stays fitted while the canvas changes size (panels
        // settling in the first frames, a window resize), until the user
        // moves it.
        if let Some((size, view)) = self.fitted
            && (size != outer.size() || view != self.view)
        {
            self.fitted = None;
            self.fit_requested |= view == self.view;
        }
        if self.fit_requested && outer.is_positive() {
            self.view = self.legible_fit_rect(outer.size());
            self.fit_requested = false;
            self.fitted = Some((outer.size(), self.view));
        }
        ui.painter()
            .rect_filled(outer, 0.0, theme::canvas_background(ui.visuals().dark_mode));

        let shift = ui.input(|i| i.modifiers.shift);
        let buttons = if self.locked {
            DragPanButtons::empty()
        } else if shift {
            DragPanButtons::MIDDLE
        } else {
            DragPanButtons::PRIMARY | DragPanButtons::MIDDLE
        };
        let zoom_range = if self.locked {
            let z = (outer.width() / self.view.width()).min(outer.height() / self.view.height());
            z..=z
        } else {
            0.05..=3.0
        };
        let mut view = self.view;
        let mut actions = Vec::new();
        let scene = Scene::new()
            .zoom_range(zoom_range)
            .drag_pan_buttons(buttons);
        let response = scene
            .show(ui, &mut view, |ui| {
                self.to_global = ui
                    .ctx()
                    .layer_transform_to_global(ui.layer_id())
                    .unwrap_or_default();
                self.contents(ui, doc, &mut actions)
            })
            .response;
        if !self.locked {
            self.view = view;
        }
        self.apply_actions(ui, doc, actions);
        self.background(ui, doc, &response);
        self.keyboard_focus(ui, &response);

        // Dropping a palette entry.
        let mut dropped = None;
        if egui::DragAndDrop::has_payload_of_type::<PaletteDrag>(ui.ctx())
            && ui.input(|i| i.pointer.any_released())
            && let Some(p) = ui.input(|i| i.pointer.latest_pos())
            && outer.contains(p)
            && let Some(payload) = egui::DragAndDrop::take_payload::<PaletteDrag>(ui.ctx())
        {
            let s = self.screen_to_scene(p);
            let (x, y) = (
                s.x - theme::CARD_WIDTH / 2.0,
                s.y - theme::CARD_HEIGHT / 2.0,
            );
            let (x, y) = if self.snap {
                (geometry::snap(x), geometry::snap(y))
            } else {
                (x, y)
            };
            dropped = Some((payload.0, Position::new(x, y)));
        }

        // The toolbar and the minimap sit on their own layer directly above
        // the scene's: they take the pointer before the scene, and no card
        // is painted over them however the view is panned.
        let mut overlay = Self::overlay_ui(ui, outer);
        if self.show_minimap && !doc.workflow().nodes.is_empty() {
            let area = Rect::from_min_size(
                outer.right_bottom() - minimap::SIZE - vec2(12.0, 12.0),
                minimap::SIZE,
            );
            if let Some(target) =
                minimap::show(&mut overlay, area, doc.workflow(), self.bounds, self.view)
                && !self.locked
            {
                self.centre_on(target);
            }
        }
        self.toolbar(&mut overlay, doc, outer);
        self.log_state(doc);
        dropped
    }

    /// Logs the view and the canvas settings when they change (target
    /// `idflow::canvas`, level debug): what a test driving a real window
    /// reads back, and a trail when a user reports a view gone astray.
    fn log_state(&mut self, doc: &Document) {
        let state = CanvasState {
            zoom: self.to_global.scaling,
            centre: self.view.center(),
            locked: self.locked,
            snap: self.snap,
            minimap: self.show_minimap,
            revision: doc.revision(),
            notes: doc.workflow().notes.len(),
        };
        if self.logged.as_ref() != Some(&state) {
            tracing::debug!(
                target: "idflow::canvas",
                zoom = state.zoom,
                centre_x = state.centre.x,
                centre_y = state.centre.y,
                locked = state.locked,
                snap = state.snap,
                minimap = state.minimap,
                revision = state.revision,
                notes = state.notes,
                "canvas state"
            );
            self.logged = Some(state);
        }
    }

    /// A child of `ui` painted and hit-tested above the canvas scene.
    ///
    /// `egui::Scene` puts its layer directly on top of the parent's layer
    /// (a sublayer); a second sublayer registered after it stays above it,
    /// because sublayers keep the order in which they were first seen. A
    /// layer of a higher `Order` would also be above every dialog window.
    fn overlay_ui(ui: &mut Ui, outer: Rect) -> Ui {
        let layer = egui::LayerId::new(ui.layer_id().order, ui.id().with("canvas_overlay"));
        ui.ctx().set_sublayer(ui.layer_id(), layer);
        ui.new_child(
            UiBuilder::new()
                .layer_id(layer)
                .max_rect(outer)
                .layout(egui::Layout::top_down(egui::Align::Min)),
        )
    }

    fn contents(&mut self, ui: &mut Ui, doc: &Document, actions: &mut Vec<Action>) {
        let visible = ui.clip_rect();
        let zoom = self.to_global.scaling;
        let detail = zoom >= draw::DETAIL_ZOOM;
        let painter = ui.painter().clone();
        let palette = draw::Palette::from_visuals(ui.visuals());
        let pointer = ui
            .input(|i| i.pointer.latest_pos())
            .map(|p| self.to_global.inverse() * p);
        if detail {
            draw::grid(&painter, visible, palette.dark);
        }
        let workflow = doc.workflow();
        let mut stats = FrameStats::default();

        // Wires under the cards.
        let lit: std::collections::HashSet<(&NodeId, Port, &NodeId)> = self
            .highlighted_edges
            .iter()
            .map(|(from, port, to)| (from, *port, to))
            .collect();
        for edge in &workflow.edges {
            let (Some(from), Some(to)) = (doc.node(&edge.from), doc.node(&edge.to)) else {
                continue;
            };
            let a = geometry::output_port(from, edge.port);
            let b = geometry::input_port(to);
            if !geometry::wire_bounds(a, b).intersects(visible) {
                continue;
            }
            stats.visible_edges += 1;
            let selected = self.selected_edge.as_ref() == Some(edge);
            let on_path = lit.contains(&(&edge.from, edge.port, &edge.to));
            let color = if selected {
                palette.selection
            } else if on_path {
                theme::highlight_color(palette.dark)
            } else if edge.port == Port::Out {
                palette.wire
            } else {
                theme::port_color(edge.port, palette.dark, palette.wire)
            };
            draw::wire(
                &painter,
                a,
                b,
                color,
                if on_path {
                    4.0
                } else if selected {
                    3.0
                } else {
                    2.0
                },
                zoom,
            );
            if detail {
                let mid = geometry::wire_midpoint(a, b);
                let handle = Rect::from_center_size(mid, Vec2::splat(14.0));
                let id = Id::new(("wire", &edge.from, edge.port.as_str(), &edge.to));
                let r = ui.interact(handle, id, Sense::click());
                let label = format!("Connection {} to {}", node_title(from), node_title(to));
                r.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &label));
                if r.hovered() || selected {
                    painter.circle(mid, 5.0, palette.card, Stroke::new(1.5, color));
                }
                if r.clicked() {
                    actions.push(Action::SelectEdge(edge.clone()));
                }
                r.context_menu(|ui| {
                    if ui.button("Delete connection").clicked() {
                        actions.push(Action::DeleteEdge(edge.clone()));
                        ui.close();
                    }
                });
            }
        }

        self.notes_ui(ui, doc, detail, actions);

        let highlight: std::collections::HashSet<&NodeId> = self.highlighted.iter().collect();
        // In flow order: the order AccessKit lists the cards in, and the
        // order Tab walks.
        for node in self.order.iter().filter_map(|&i| workflow.nodes.get(i)) {
            let rect = card_rect(node);
            if !rect.expand(geometry::PORT_RADIUS).intersects(visible) {
                continue;
            }
            stats.visible_nodes += 1;
            let id = Id::new(("node", &node.id));
            let response = ui.interact(rect, id, Sense::click_and_drag());
            let title = node_title(node);
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &title));
            // What a screen reader says after the title: the kind of step
            // and its findings (built only while AccessKit is on).
            let badge = self.badges.get(&node.id).copied();
            let mark = self.marks.get(&node.id).copied();
            let comments = self.comments.get(&node.id).copied().filter(|n| *n > 0);
            ui.ctx().accesskit_node_builder(id, |builder| {
                let mut description = card_description(node, badge);
                if let Some(mark) = mark {
                    description.push_str(&format!(", {}", mark_words(mark)));
                }
                if let Some(n) = comments {
                    description.push_str(&format!(", {n} open comment(s)"));
                }
                builder.set_description(description);
            });
            let state = draw::CardState {
                selected: doc.selection.nodes.contains(&node.id),
                hovered: response.hovered(),
                badge: self.badges.get(&node.id).copied(),
                highlighted: highlight.contains(&node.id),
                step: self.step_results.get(&node.id),
            };
            draw::card(&painter, node, &state, zoom, self.legibility, &palette);
            if let Some(mark) = mark {
                draw::compare_mark(&painter, node, mark, zoom, &palette);
            }
            if let Some(n) = comments {
                draw::comment_badge(&painter, node, n, zoom, &palette);
            }
            if card_form(zoom, self.legibility.title) != CardForm::Block {
                stats.legible_titles += 1;
            }
            let response =
                if state.hovered && card_form(zoom, self.legibility.title) != CardForm::Full {
                    // A compact card shortens its title: the whole of it on hover.
                    response.on_hover_text(&title)
                } else {
                    response
                };
            let additive = ui.input(|i| i.modifiers.shift || i.modifiers.command);
            if response.clicked() {
                actions.push(Action::Click {
                    id: node.id.clone(),
                    additive,
                });
            }
            if response.drag_started() && !doc.read_only() {
                actions.push(Action::StartDrag {
                    id: node.id.clone(),
                    additive,
                });
            }
            // Context menus only where cards are readable: registering one
            // per node was a third of a zoomed-out frame at 5,000 nodes.
            if detail {
                response.context_menu(|ui| {
                    if ui.button("Duplicate").clicked() {
                        actions.push(Action::DuplicateNode(node.id.clone()));
                        ui.close();
                    }
                    if ui.button("Delete").clicked() {
                        actions.push(Action::DeleteNode(node.id.clone()));
                        ui.close();
                    }
                });
            }
            if detail && !doc.read_only() {
                for (port, pos) in geometry::output_ports(node) {
                    let port_rect =
                        Rect::from_center_size(pos, Vec2::splat(geometry::PORT_RADIUS * 2.6));
                    let r = ui.interact(
                        port_rect,
                        Id::new(("port", &node.id, port.as_str())),
                        Sense::drag(),
                    );
                    let label = match port {
                        Port::Out => format!("{title} output"),
                        Port::Then => format!("{title} then"),
                        Port::Else => format!("{title} else"),
                    };
                    r.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &label)
                    });
                    if r.hovered() {
                        ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
                    }
                    if r.drag_started() {
                        actions.push(Action::StartWire {
                            from: node.id.clone(),
                            port,
                        });
                    }
                }
            }
        }

        // The wire being drawn.
        if let (Some(wire), Some(p)) = (&self.wire, pointer)
            && let Some(from) = doc.node(&wire.from)
        {
            let a = geometry::output_port(from, wire.port);
            draw::wire(&painter, a, p, palette.selection, 2.5, zoom);
        }
        if let (Some(start), Some(p)) = (self.box_start, pointer) {
            let r = Rect::from_two_pos(start, p);
            painter.rect_filled(r, 2.0, palette.selection.gamma_multiply(0.12));
            painter.rect_stroke(
                r,
                2.0,
                Stroke::new(1.0 / zoom.max(0.1), palette.selection),
                StrokeKind::Inside,
            );
        }
        self.stats = stats;
    }

    fn apply_actions(&mut self, ui: &Ui, doc: &mut Document, actions: Vec<Action>) {
        let pointer = ui
            .input(|i| i.pointer.latest_pos())
            .map(|p| self.screen_to_scene(p));
        for action in actions {
            match action {
                Action::Click { id, additive } => {
                    self.selected_edge = None;
                    if additive {
                        if !doc.selection.nodes.remove(&id) {
                            doc.selection.nodes.insert(id);
                        }
                    } else {
                        doc.selection = crate::document::Selection::only(id);
                    }
                }
                Action::StartDrag { id, additive } => {
                    if !doc.selection.nodes.contains(&id) {
                        if !additive {
                            doc.selection.clear();
                        }
                        doc.selection.nodes.insert(id);
                    }
                    let origin = doc
                        .selection
                        .nodes
                        .iter()
                        .filter_map(|id| doc.node(id).map(|n| (id.clone(), n.position)))
                        .collect();
                    if let Some(start) = pointer {
                        let gesture = self.gesture();
                        self.drag = Some(NodeDrag {
                            gesture,
                            start,
                            origin,
                        });
                    }
                }
                Action::StartWire { from, port } => self.wire = Some(WireDrag { from, port }),
                Action::SelectEdge(edge) => {
                    doc.selection.clear();
                    self.selected_edge = Some(edge);
                }
                Action::DeleteEdge(edge) => {
                    self.edit(doc.apply(Command::RemoveEdge(edge)));
                    self.selected_edge = None;
                }
                Action::DeleteNode(id) => {
                    self.edit(doc.apply(Command::RemoveNodes { ids: vec![id] }));
                }
                Action::DuplicateNode(id) => {
                    doc.selection = crate::document::Selection::only(id);
                    self.edit(doc.duplicate_selection());
                }
                Action::ClickNote { id, additive } => {
                    if !additive {
                        doc.selection.clear();
                    }
                    doc.selection.notes.insert(id);
                }
                Action::StartNoteDrag { note, resize } => {
                    if let Some(start) = pointer {
                        let gesture = self.gesture();
                        self.note_drag = Some(notes::NoteDrag {
                            gesture,
                            start,
                            note,
                            resize,
                        });
                    }
                }
                Action::EditNote(id) => self.edit_note(doc, id),
                Action::NoteText { id, text } => self.set_note_text(doc, &id, text),
                Action::StopEditingNote => self.note_edit = None,
                Action::DeleteNote(id) => {
                    self.edit(doc.apply(Command::RemoveNote { id }));
                }
            }
        }

        let released = ui.input(|i| i.pointer.any_released() || !i.pointer.any_down());
        let snap = self.snap;
        let place = |x: f32| if snap { geometry::snap(x) } else { x };
        if let (Some(drag), Some(p)) = (&self.drag, pointer) {
            let gesture = drag.gesture;
            let d = p - drag.start;
            if d != Vec2::ZERO {
                let moves: Vec<(NodeId, Position)> = drag
                    .origin
                    .iter()
                    .map(|(id, o)| {
                        (
                            id.clone(),
                            Position::new(place(o.x + d.x), place(o.y + d.y)),
                        )
                    })
                    .collect();
                let changed = moves
                    .iter()
                    .any(|(id, p)| doc.node(id).is_some_and(|n| n.position != *p));
                if changed {
                    let result = doc.apply_gesture(gesture, Command::SetPositions(moves));
                    self.edit(result);
                }
            }
        }
        if let Some(p) = pointer {
            self.drag_note(doc, p);
        }
        if released {
            self.drag = None;
            self.note_drag = None;
            if let Some(wire) = self.wire.take()
                && let Some(p) = pointer
            {
                self.connect(doc, wire, p);
            }
        }
    }

    /// Ends a wire drag over a node: connects, replacing what the port led to.
    fn connect(&mut self, doc: &mut Document, wire: WireDrag, at: Pos2) {
        let target = doc
            .workflow()
            .nodes
            .iter()
            .rev()
            .find(|n| n.id != wire.from && card_rect(n).expand(geometry::PORT_RADIUS).contains(at))
            .map(|n| n.id.clone());
        let Some(target) = target else { return };
        self.edit(doc.connect(&wire.from, wire.port, &target));
    }

    fn background(&mut self, ui: &Ui, doc: &mut Document, response: &egui::Response) {
        let shift = ui.input(|i| i.modifiers.shift);
        if response.clicked() && !shift {
            doc.selection.clear();
            self.selected_edge = None;
        }
        let pointer = ui
            .input(|i| i.pointer.latest_pos())
            .map(|p| self.screen_to_scene(p));
        if shift && response.drag_started_by(egui::PointerButton::Primary) {
            self.box_start = pointer;
        }
        if response.secondary_clicked() {
            self.menu_at = pointer;
        }
        response.context_menu(|ui| {
            let read_only = doc.read_only();
            if ui
                .add_enabled(!read_only, egui::Button::new("📝 Add note here"))
                .clicked()
            {
                let at = self.menu_at.unwrap_or(self.view.center());
                self.add_note(doc, at);
                ui.close();
            }
            if ui
                .add_enabled(!read_only, egui::Button::new("Lay out left to right"))
                .clicked()
            {
                self.auto_layout(doc);
                ui.close();
            }
            if ui.button("Zoom to fit").clicked() {
                self.request_fit();
                ui.close();
            }
        });
        if let Some(start) = self.box_start
            && !ui.input(|i| i.pointer.primary_down())
        {
            self.box_start = None;
            if let Some(end) = pointer {
                let r = Rect::from_two_pos(start, end);
                let hit: Vec<NodeId> = doc
                    .workflow()
                    .nodes
                    .iter()
                    .filter(|n| card_rect(n).intersects(r))
                    .map(|n| n.id.clone())
                    .collect();
                doc.selection.nodes.extend(hit);
            }
        }
    }
}
