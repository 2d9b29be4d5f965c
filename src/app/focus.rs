//! F6 and Shift+F6 (issue 14): the keyboard walks the regions (workflows,
//! components, canvas, properties, problems) and no region keeps it. Each
//! panel notes its region's first widget every frame (its anchor); both
//! the anchors and the region F6 last went to are kept in egui's memory,
//! beside the focus they steer.

use egui::{Context, Id};

/// The regions F6 walks through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    Browser,
    Palette,
    Canvas,
    Properties,
    Problems,
}

impl Region {
    pub const ALL: [Region; 5] = [
        Region::Browser,
        Region::Palette,
        Region::Canvas,
        Region::Properties,
        Region::Problems,
    ];
}

/// Where egui's memory keeps the region F6 last went to.
fn current() -> Id {
    Id::new("idflow_f6_region")
}

fn anchor_id(region: Region) -> Id {
    Id::new(("idflow_f6_anchor", region))
}

/// Notes `widget` as the first widget of `region` (each frame): F6 puts
/// the keyboard there.
pub fn set_anchor(ctx: &Context, region: Region, widget: Id) {
    ctx.data_mut(|d| d.insert_temp(anchor_id(region), widget));
}

/// The first widget of `region`, as last noted.
pub fn anchor(ctx: &Context, region: Region) -> Option<Id> {
    ctx.data(|d| d.get_temp(anchor_id(region)))
}

/// Moves the keyboard to the next region (`forward`) or the previous one
/// and returns it. A region with an anchor gets the focus there; the
/// canvas and the properties take it themselves (the caller asks them),
/// so any widget holding it lets go.
pub fn cycle(ctx: &Context, forward: bool) -> Region {
    let at = ctx
        .data(|d| d.get_temp::<Region>(current()))
        .and_then(|r| Region::ALL.iter().position(|x| *x == r));
    let next = match (at, forward) {
        (Some(i), true) => (i + 1) % Region::ALL.len(),
        (Some(i), false) => (i + Region::ALL.len() - 1) % Region::ALL.len(),
        (None, true) => 0,
        (None, false) => Region::ALL.len() - 1,
    };
    let region = Region::ALL[next];
    ctx.data_mut(|d| d.insert_temp(current(), region));
    let anchor = match region {
        Region::Browser | Region::Palette | Region::Problems => anchor(ctx, region),
        Region::Canvas | Region::Properties => None,
    };
    match anchor {
        Some(id) => ctx.memory_mut(|m| m.request_focus(id)),
        None => ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        }),
    }
    ctx.request_repaint();
    region
}
