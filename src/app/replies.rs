//! What the shell does with a store's reply (`After`, handed back by the
//! session with the reply, applied between frames: show the draft, mark it
//! saved, publish after saving, move to the new store, or say why not),
//! and what the session is busy with in those terms.

use idflow_store::Origin;
use idflow_store::recovery::RecoveredFrom;

use super::link::StoreTarget;
use super::session::Session;
use super::session::worker::Call;
use super::{BrowserTab, Then};

/// Which document (its id), and how far edited (its revision): a reply
/// that would replace the document checks that it is still the one the
/// user asked about.
pub type EditStamp = (u64, u64);

/// What to do with a call's reply: the rest of the user's request.
#[derive(Debug)]
pub enum After {
    /// A fresh workflow list.
    Listed,
    /// Show the draft of `key`. `edits` is the open document's edit count
    /// when asked: if the user edited it meanwhile, they are asked again
    /// instead of losing the edits. `view`: restore this canvas view.
    ShowDraft {
        key: u32,
        edits: EditStamp,
        view: Option<(egui::Rect, BrowserTab)>,
    },
    ShowVersion {
        key: u32,
        number: u32,
        edits: EditStamp,
    },
    /// A new workflow was made (blank, duplicated, a copy): list, open it.
    /// `edits`: replace the document asked about at once; `None`: ask
    /// first when it has unsaved changes.
    OpenNew {
        edits: Option<EditStamp>,
    },
    /// The draft was saved as of edit count `edits`; `then` follows.
    Saved {
        key: u32,
        origin: Origin,
        edits: EditStamp,
        /// The autosave to remove once saved.
        from: Option<RecoveredFrom>,
        then: Then,
    },
    Published {
        key: u32,
    },
    Restored {
        key: u32,
    },
    Archived {
        key: u32,
        archived: bool,
    },
    /// The session moves to another store.
    Connected {
        target: StoreTarget,
        remember: bool,
        /// At start: go back to where the last session left off.
        return_to_place: bool,
    },
    /// A comment added, resolved or reopened: read them again.
    CommentChanged {
        key: u32,
    },
    /// A revision approved (four eyes).
    Approved {
        key: u32,
        revision: u64,
    },
    CopiedToServer {
        url: String,
    },
}

/// What the session is busy with, in the shell's words.
impl Session<After> {
    pub fn saving(&self) -> bool {
        self.waiting(|a| matches!(a, After::Saved { .. }))
    }

    pub fn publishing(&self) -> bool {
        self.waiting(|a| {
            matches!(
                a,
                After::Published { .. }
                    | After::Saved {
                        then: Then::Publish(_),
                        ..
                    }
            )
        })
    }

    /// The server being connected to, while it is.
    pub fn connecting(&self) -> Option<&str> {
        self.find_waiting(|after| match after {
            After::Connected {
                target: StoreTarget::Server { url, .. },
                ..
            } => Some(url.as_str()),
            _ => None,
        })
    }

    /// The workflow being opened, while it is.
    pub fn opening(&self) -> Option<u32> {
        self.find_waiting(|after| match after {
            After::ShowDraft { key, .. } | After::ShowVersion { key, .. } => Some(*key),
            _ => None,
        })
    }

    pub fn approving(&self) -> bool {
        self.waiting(|a| matches!(a, After::Approved { .. }))
    }

    pub fn copying(&self) -> bool {
        self.waiting(|a| matches!(a, After::CopiedToServer { .. }))
    }

    /// Whether a call that replaces the open document is on its way (a
    /// second one is not sent).
    pub fn replacing(&self) -> bool {
        self.waiting(|a| {
            matches!(
                a,
                After::ShowDraft { .. }
                    | After::ShowVersion { .. }
                    | After::OpenNew { .. }
                    | After::Connected { .. }
                    | After::Restored { .. }
            )
        })
    }

    /// Asks for a fresh workflow list (the last one stays meanwhile).
    pub fn refresh_workflows(&mut self) {
        if !self.waiting(|a| matches!(a, After::Listed)) {
            self.call(Call::List, After::Listed);
        }
    }

    /// Starts moving the session to `target`; the current store stays
    /// until the new one answered.
    pub fn connect(&mut self, target: StoreTarget, remember: bool, return_to_place: bool) {
        if self.connecting().is_some() {
            return;
        }
        self.call(
            Call::Connect {
                target: target.clone(),
                local_root: self.local_root.clone(),
                timeout: self.request_timeout,
            },
            After::Connected {
                target,
                remember,
                return_to_place,
            },
        );
    }
}
