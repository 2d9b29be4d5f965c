//! The session: what talks to the outside. It owns the store (through the
//! worker thread), which store that is, its workflow list and versions,
//! where unsaved work is autosaved and the designer's settings. The shell
//! (`IdflowApp`: panels, dialogs, toasts) reads it and asks it for calls;
//! their replies come back between frames (`replies.rs`).

pub mod worker;

/// Which document, and how far edited: a reply that would replace the
/// document checks that it is still the one the user asked about.
pub type EditStamp = (u64, u64);

use std::path::PathBuf;
use std::time::Duration;

use idflow_store::recovery::RecoveredFrom;
use idflow_store::remote::REQUEST_TIMEOUT;
use idflow_store::{Origin, StoreError, VersionInfo, WorkflowSummary};

use super::jobs::Wake;
use super::link::OpenStore;
use super::link::{Link, StoreTarget};
use super::settings::Settings;
use super::{BrowserTab, Then};
use worker::{Answer, Call, Ticket, Worker};

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
    Versions {
        key: u32,
    },
    /// The review comments of `key`.
    Comments {
        key: u32,
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
    /// One side of a comparison (slot 0: the older).
    CompareSide {
        key: u32,
        slot: usize,
    },
    /// The last version, for the backtest's side A.
    BacktestBasis {
        key: u32,
        number: u32,
    },
    /// The last version, for the publish dialog to compare with.
    PublishBasis {
        key: u32,
        number: u32,
    },
    CopiedToServer {
        url: String,
    },
}

pub struct Session {
    worker: Worker,
    /// The store calls go to (`link` says which).
    pub link: Link,
    /// The local store's folder: always there, also when working on a
    /// server, because unsaved work is autosaved on this machine.
    pub local_root: PathBuf,
    /// Where autosaved work of the current store goes.
    pub recovery_root: PathBuf,
    /// Why the team server could not be reached, while it cannot.
    pub offline: Option<String>,
    pub settings: Settings,
    /// `None`: settings are not persisted (tests, or a damaged file that
    /// must not be overwritten).
    pub settings_path: Option<PathBuf>,
    /// The last list the store gave (kept while a new one is asked for).
    pub workflows: Vec<WorkflowSummary>,
    /// Published versions of one workflow, as last read.
    versions: Option<(u32, Vec<VersionInfo>)>,
    /// Review comments of one workflow, as last read.
    comments: Option<(u32, Vec<idflow_store::Comment>)>,
    /// Calls sent and what their replies are for, oldest first.
    pending: Vec<(Ticket, After)>,
    /// How long one request to a team server may take.
    pub request_timeout: Duration,
    /// The server the session failed to reach at start (Retry tries it).
    pub retry_target: Option<StoreTarget>,
}

impl Session {
    pub fn new(
        store: OpenStore,
        link: Link,
        local_root: PathBuf,
        recovery_root: PathBuf,
        workflows: Vec<WorkflowSummary>,
    ) -> Session {
        Session {
            worker: Worker::start(store),
            link,
            local_root,
            recovery_root,
            offline: None,
            settings: Settings::default(),
            settings_path: None,
            workflows,
            versions: None,
            comments: None,
            pending: Vec::new(),
            request_timeout: REQUEST_TIMEOUT,
            retry_target: None,
        }
    }

    /// How the worker wakes the UI when a reply is ready.
    pub fn wake(&self) -> &Wake {
        self.worker.wake()
    }

    /// Sends `call`; its reply will be handled as `after` says.
    pub fn call(&mut self, call: Call, after: After) {
        let ticket = self.worker.send(call);
        self.pending.push((ticket, after));
    }

    /// The next reply with what it is for; never blocks.
    /// When the worker is gone, every waiting call fails.
    pub fn next_reply(&mut self) -> Option<Vec<(After, Result<Answer, StoreError>)>> {
        let reply = self.worker.poll()?;
        if reply.ticket == 0 {
            let all = self.pending.drain(..);
            return Some(all.map(|(_, after)| (after, Err(worker::gone()))).collect());
        }
        let Some(at) = self.pending.iter().position(|(t, _)| *t == reply.ticket) else {
            tracing::error!(ticket = reply.ticket, "a store reply nobody waits for");
            return Some(Vec::new());
        };
        let (_, after) = self.pending.remove(at);
        Some(vec![(after, reply.result)])
    }

    /// Blocks until every call sent has its reply ready, at most `timeout`.
    /// For headless drivers between frames; the designer never calls it.
    pub fn wait(&mut self, timeout: Duration) -> bool {
        self.worker.wait(timeout)
    }

    /// Whether any call is waiting for its reply.
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    fn waiting(&self, what: impl Fn(&After) -> bool) -> bool {
        self.pending.iter().any(|(_, after)| what(after))
    }

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
        self.pending.iter().find_map(|(_, after)| match after {
            After::Connected {
                target: StoreTarget::Server { url, .. },
                ..
            } => Some(url.as_str()),
            _ => None,
        })
    }

    /// The workflow being opened, while it is.
    pub fn opening(&self) -> Option<u32> {
        self.pending.iter().find_map(|(_, after)| match after {
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

    /// The published versions of `key` as last read (asked for when not
    /// read yet); `None` while the first answer is awaited.
    pub fn versions(&mut self, key: u32) -> Option<&[VersionInfo]> {
        let known = self.versions.as_ref().is_some_and(|(k, _)| *k == key);
        if !known && !self.waiting(|a| matches!(a, After::Versions { key: k } if *k == key)) {
            self.call(Call::History(key), After::Versions { key });
        }
        match &self.versions {
            Some((k, list)) if *k == key => Some(list.as_slice()),
            _ => None,
        }
    }

    /// The session now works on the store the last Connect opened.
    pub fn moved_on(&mut self) {
        self.worker.moved_on();
    }

    /// The review comments of `key` as last read (asked for when not read
    /// yet); `None` while the first answer is awaited.
    pub fn comments(&mut self, key: u32) -> Option<&[idflow_store::Comment]> {
        let known = self.comments.as_ref().is_some_and(|(k, _)| *k == key);
        if !known && !self.waiting(|a| matches!(a, After::Comments { key: k } if *k == key)) {
            self.call(Call::Comments(key), After::Comments { key });
        }
        match &self.comments {
            Some((k, list)) if *k == key => Some(list.as_slice()),
            _ => None,
        }
    }

    /// The comments as last read, without asking (for card badges).
    pub fn known_comments(&self, key: u32) -> &[idflow_store::Comment] {
        match &self.comments {
            Some((k, list)) if *k == key => list,
            _ => &[],
        }
    }

    pub fn set_comments(&mut self, key: u32, list: Vec<idflow_store::Comment>) {
        self.comments = Some((key, list));
    }

    /// Reads the comments of `key` again (after a change).
    pub fn refresh_comments(&mut self, key: u32) {
        self.call(Call::Comments(key), After::Comments { key });
    }

    pub fn set_versions(&mut self, key: u32, list: Vec<VersionInfo>) {
        self.versions = Some((key, list));
    }

    /// Forgets the versions read (they are read again when next shown).
    pub fn forget_versions(&mut self) {
        self.versions = None;
    }

    /// Whether `key` is Global or custom, as the last list says.
    pub fn origin_of(&self, key: u32) -> Origin {
        self.workflows
            .iter()
            .find(|w| w.key == key)
            .map(|w| w.origin)
            .unwrap_or(Origin::Custom)
    }

    /// The store this session works on, as a place records it.
    pub fn place_server(&self) -> Option<String> {
        match self.link {
            Link::Local => None,
            _ => Some(self.settings.server_url.clone()),
        }
    }

    pub fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            tracing::warn!("{e}");
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
