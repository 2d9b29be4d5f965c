//! Adding from the keyboard (issue 14): quick add puts the new step after
//! the selected one, wired to its free port, on a free spot
//! (`Document::quick_add`), and brings it into view.

use idflow_core::model::{NodeId, NodeKind, Position};

use super::Canvas;
use crate::document::{Document, EditError};

impl Canvas {
    /// Quick add (`Document::quick_add`): after the selected step, or at
    /// the view's centre; then shows the new step.
    pub fn quick_add(
        &mut self,
        doc: &mut Document,
        kind: NodeKind,
        title: &str,
    ) -> Result<NodeId, EditError> {
        let centre = self.view.center();
        let id = doc.quick_add(kind, title, Position::new(centre.x, centre.y))?;
        self.focus_node(doc, &id);
        Ok(id)
    }
}
