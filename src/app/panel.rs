//! What a panel works with. Each panel (action bar, components, problems,
//! test run, backtest, review, the dialogs) keeps its own state in its own
//! struct and is drawn with a narrow context: the open document, the
//! session, the canvas, the queue of actions and the toasts. What it
//! cannot do there it asks for with an `Action`, which the shell applies
//! after the frame. As egui's demo panels do with their `View` trait.

use egui::Ui;

use super::calls::Action;
use super::canvas::Canvas;
use super::replies::After;
use super::session::Session;
use super::toasts::Toasts;
use crate::document::Document;

/// A panel's view of the designer for one frame.
pub struct Cx<'a> {
    pub doc: &'a mut Document,
    pub session: &'a mut Session<After>,
    pub canvas: &'a mut Canvas,
    /// What the panel asks the shell for, applied after the frame.
    pub actions: &'a mut Vec<Action>,
    pub toasts: &'a mut Toasts,
}

impl Cx<'_> {
    /// Queues `action` for the end of this frame.
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }
}

/// A panel drawn into a `Ui`.
pub trait View {
    fn ui(&mut self, ui: &mut Ui, cx: &mut Cx<'_>);
}
