//! The overview in the canvas corner: every node as a dot in one mesh, the
//! visible area as a frame; click or drag in it to move the view.

use egui::{Color32, CornerRadius, Mesh, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, vec2};
use idflow_core::model::Workflow;

use idflow_view::geometry::card_rect;
use idflow_view::theme;

pub const SIZE: egui::Vec2 = vec2(200.0, 130.0);

/// Draws the minimap in `area` (screen coordinates); returns the scene point
/// to centre the view on when the user clicks or drags in it.
pub fn show(
    ui: &mut Ui,
    area: Rect,
    workflow: &Workflow,
    bounds: Rect,
    view: Rect,
) -> Option<Pos2> {
    let visuals = ui.visuals().clone();
    let painter = ui.painter_at(area);
    painter.rect_filled(
        area,
        CornerRadius::same(6),
        visuals.extreme_bg_color.gamma_multiply(0.95),
    );
    painter.rect_stroke(
        area,
        CornerRadius::same(6),
        Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
        StrokeKind::Inside,
    );
    let world = bounds.union(view);
    if !world.is_positive() {
        return None;
    }
    let inner = area.shrink(6.0);
    let scale = (inner.width() / world.width()).min(inner.height() / world.height());
    let offset = inner.center() - world.center() * scale;
    let to_map = |p: Pos2| Pos2::new(p.x * scale + offset.x, p.y * scale + offset.y);

    let mut mesh = Mesh::default();
    for node in &workflow.nodes {
        let r = card_rect(node);
        let mapped = Rect::from_min_max(to_map(r.min), to_map(r.max));
        let mapped = if mapped.width() < 2.0 {
            Rect::from_center_size(mapped.center(), vec2(2.0, 2.0))
        } else {
            mapped
        };
        mesh.add_colored_rect(
            mapped,
            theme::category_color(node.kind.tag(), visuals.dark_mode),
        );
    }
    painter.add(mesh);
    let view_map = Rect::from_min_max(to_map(view.min), to_map(view.max)).intersect(area);
    painter.rect_stroke(
        view_map,
        CornerRadius::same(2),
        Stroke::new(1.5, visuals.selection.stroke.color),
        StrokeKind::Middle,
    );
    painter.rect_filled(
        view_map,
        CornerRadius::same(2),
        Color32::from_white_alpha(if visuals.dark_mode { 12 } else { 40 }),
    );

    let response = ui.interact(area, ui.id().with("minimap"), Sense::click_and_drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::WidgetType::Other, true, "Minimap"));
    if response.clicked() || response.dragged() {
        let p = response.interact_pointer_pos()?;
        return Some(Pos2::new(
            (p.x - offset.x) / scale,
            (p.y - offset.y) / scale,
        ));
    }
    None
}
