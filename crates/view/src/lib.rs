//! How a workflow looks, without a window: the card geometry, the words on
//! the cards and for codes, the colours and icons, and the pictures drawn
//! from them (SVG, PNG, the review pack's HTML). The designer's canvas
//! paints with egui from these; `idflow render`, `idflow review` and a
//! server draw with them alone. Depends on core, the store's records and
//! egui's geometry and colour types, never on eframe or the designer
//! (`tests/dependencies.rs` keeps it so).

pub mod card;
pub mod geometry;
pub mod picture;
pub mod review;
mod svg;
pub mod theme;
pub mod words;

pub use picture::{MAX_SIDE, RenderError, png, write};
pub use svg::svg;
