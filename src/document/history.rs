//! Undo/redo. One user gesture is one step: commands applied under the same
//! gesture id merge into the entry on top. "Unsaved" means the undo
//! position differs from the position at the last save, so it stays right
//! through undo and redo.

use super::command::Command;

#[derive(Debug, Clone)]
struct Entry {
    forward: Command,
    inverse: Command,
    gesture: Option<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    entries: Vec<Entry>,
    /// Entries before this index are applied.
    position: usize,
    /// The position at the last save; `None` once that state is unreachable.
    saved_at: Option<usize>,
}

impl History {
    pub fn new_saved() -> Self {
        History {
            entries: Vec::new(),
            position: 0,
            saved_at: Some(0),
        }
    }

    pub fn new_unsaved() -> Self {
        History {
            entries: Vec::new(),
            position: 0,
            saved_at: None,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.saved_at != Some(self.position)
    }

    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.position);
    }

    pub fn can_undo(&self) -> bool {
        self.position > 0
    }

    pub fn can_redo(&self) -> bool {
        self.position < self.entries.len()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Records an applied command and its inverse.
    pub fn record(&mut self, forward: Command, inverse: Command, gesture: Option<u64>) {
        self.entries.truncate(self.position);
        if self.saved_at.is_some_and(|s| s > self.position) {
            self.saved_at = None;
        }
        let mergeable = gesture.is_some() && self.saved_at != Some(self.position);
        if mergeable
            && let Some(top) = self.entries.last_mut()
            && top.gesture == gesture
        {
            top.forward = merge_forward(
                std::mem::replace(&mut top.forward, Command::Batch(vec![])),
                forward,
            );
            top.inverse = merge_inverse(
                std::mem::replace(&mut top.inverse, Command::Batch(vec![])),
                inverse,
            );
            return;
        }
        self.entries.push(Entry {
            forward,
            inverse,
            gesture,
        });
        self.position = self.entries.len();
    }

    /// The command that undoes the step before the position (and moves it).
    pub fn take_undo(&mut self) -> Option<Command> {
        if !self.can_undo() {
            return None;
        }
        self.position -= 1;
        Some(self.entries[self.position].inverse.clone())
    }

    pub fn take_redo(&mut self) -> Option<Command> {
        if !self.can_redo() {
            return None;
        }
        self.position += 1;
        Some(self.entries[self.position - 1].forward.clone())
    }

    /// Puts back a step whose undo/redo failed to apply (should not happen;
    /// keeps the history consistent if it does).
    pub fn cancel_undo(&mut self) {
        self.position += 1;
    }

    pub fn cancel_redo(&mut self) {
        self.position -= 1;
    }
}

/// Later absolute moves of the same nodes replace earlier ones, so a drag of
/// any length is one small entry.
fn merge_forward(earlier: Command, later: Command) -> Command {
    match (earlier, later) {
        (Command::SetPositions(mut a), Command::SetPositions(b)) => {
            for (id, p) in b {
                match a.iter_mut().find(|(i, _)| *i == id) {
                    Some(slot) => slot.1 = p,
                    None => a.push((id, p)),
                }
            }
            Command::SetPositions(a)
        }
        (Command::SetNode(a), Command::SetNode(b)) if a.id == b.id => Command::SetNode(b),
        (a, b) => Command::Batch(vec![a, b]),
    }
}

/// The first recorded old value wins: it is the state before the gesture.
fn merge_inverse(earlier: Command, later: Command) -> Command {
    match (earlier, later) {
        (Command::SetPositions(mut a), Command::SetPositions(b)) => {
            for (id, p) in b {
                if !a.iter().any(|(i, _)| *i == id) {
                    a.push((id, p));
                }
            }
            Command::SetPositions(a)
        }
        (Command::SetNode(a), Command::SetNode(b)) if a.id == b.id => Command::SetNode(a),
        (a, b) => Command::Batch(vec![b, a]),
    }
}
