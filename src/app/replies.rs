//! The store's replies, applied to the shell between frames: the rest of
//! each request (show the draft, mark it saved, publish after saving,
//! move to the new store) or the dialog that says why it failed. `After`
//! is what the shell asked the session to hand back with a reply.

use idflow_store::policy::Refusal;
use std::path::PathBuf;

use idflow_core::Workflow;
use idflow_store::recovery::{self, RecoveredFrom};
use idflow_store::{Draft, Origin, StoreError, Versioned};

use super::dialogs::Dialog;
use super::link::{Link, StoreTarget};
use super::session::worker::{Answer, Call};
use super::session::{Ask, Replied, Session};
use super::{BrowserTab, IdflowApp, Intent, Then, Toast};
use crate::document::{Document, Source};

/// Which document, and how far edited: a reply that would replace the
/// document checks that it is still the one the user asked about.
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

impl IdflowApp {
    /// Applies every reply that is ready; never waits for one.
    pub(super) fn apply_replies(&mut self, ctx: &egui::Context) {
        while let Some(replies) = self.session.next_reply() {
            for reply in replies {
                match reply {
                    Replied::Answer(after, result) => self.apply_reply(ctx, after, result),
                    Replied::ValueFailed(ask, e) => self.value_failed(ctx, ask, &e),
                }
            }
        }
    }

    /// A value asked of the store could not be read: the lists say so
    /// in a toast (they show as empty); drafts and versions say it where
    /// they were wanted.
    fn value_failed(&mut self, ctx: &egui::Context, ask: Ask, error: &StoreError) {
        let text = match ask {
            Ask::History(key) => format!("Versions of {key} not read: {error}"),
            Ask::Comments(key) => format!("Comments of {key} not read: {error}"),
            Ask::Draft(_) | Ask::Version(..) => return,
        };
        self.notify(ctx, text, true);
    }

    /// Blocks until every store call sent so far has its reply ready (at
    /// most `timeout`); the next frame applies them. For headless drivers
    /// (tests) between frames: the designer itself never waits.
    pub fn wait_for_store(&mut self, timeout: std::time::Duration) -> bool {
        self.session.wait(timeout)
    }

    fn apply_reply(
        &mut self,
        ctx: &egui::Context,
        after: After,
        result: Result<Answer, StoreError>,
    ) {
        match (after, result) {
            (After::Saved { key, .. }, Ok(Answer::Skipped)) => {
                // The edits stay open and were autosaved for their store.
                let text = format!(
                    "Workflow {key} not saved: the session moved to another store before the save was sent"
                );
                self.notify(ctx, text, true);
            }
            (after, Ok(Answer::Skipped)) => {
                tracing::info!(?after, "skipped: meant for the previous store");
            }
            (After::Listed, Ok(Answer::List(list))) => {
                self.session.workflows = list;
                if self.session.link != Link::Local {
                    self.session.offline = None;
                }
                if self.browser_tab == BrowserTab::Archived
                    && !self.session.workflows.iter().any(|w| w.archived)
                {
                    self.browser_tab = BrowserTab::Custom;
                }
            }
            (After::ShowDraft { key, edits, view }, Ok(Answer::Draft(draft))) => {
                self.show_draft(key, edits, draft, view)
            }
            (After::ShowVersion { key, number, edits }, Ok(Answer::Version(v))) => {
                self.show_version(key, number, edits, *v)
            }
            (After::OpenNew { edits }, Ok(Answer::Key(key))) => {
                self.session.refresh_workflows();
                match edits {
                    Some(edits) if self.still_asked(edits) => self.perform(Intent::OpenKey(key)),
                    _ => self.request(Intent::OpenKey(key)),
                }
            }
            (
                After::Saved {
                    key,
                    origin,
                    edits,
                    from,
                    then,
                },
                Ok(Answer::Revision(revision)),
            ) => self.saved(ctx, key, origin, revision, edits, from, then),
            (After::Published { key }, Ok(Answer::Published(info))) => {
                self.session.refresh_workflows();
                // The comments now name the version that carries them.
                self.session.refresh_comments(key);
                self.session.forget_versions();
                let text = format!("Published {key} as version {}", info.number);
                self.notify(ctx, text, false);
            }
            (After::Restored { key }, Ok(_)) => {
                self.session.forget_versions();
                self.perform(Intent::OpenKey(key));
            }
            (After::Archived { key, archived }, Ok(_)) => {
                self.session.refresh_workflows();
                let text = if archived {
                    format!("Workflow {key} archived: it is under Archived, with its versions")
                } else {
                    format!("Workflow {key} is listed under Custom again")
                };
                self.notify(ctx, text, false);
            }
            (After::Archived { key, .. }, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.notify(ctx, format!("Workflow {key} not changed: {message}"), true);
            }
            (After::CommentChanged { key }, Ok(_)) => self.session.refresh_comments(key),
            (After::CommentChanged { key }, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.notify(ctx, format!("Comment on {key} not changed: {message}"), true);
            }
            (After::Approved { key, revision }, Ok(Answer::Approvers(approvers))) => {
                let text = format!(
                    "Revision {revision} of {key} approved (by {})",
                    approvers.join(", ")
                );
                self.notify(ctx, text, false);
            }
            (After::Approved { key, revision }, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.notify(ctx, format!("Revision {revision} of {key} not approved: {message}"), true);
            }
            (After::CopiedToServer { url }, Ok(Answer::Key(key))) => self.notify(
                ctx,
                format!(
                    "Copied to {url} as workflow {key}: switch the store to the server to publish it"
                ),
                false,
            ),
            (After::CopiedToServer { .. }, Err(e)) => {
                self.notify(ctx, format!("Not copied: {e}"), true)
            }
            (
                After::Connected {
                    target,
                    remember,
                    return_to_place,
                },
                Ok(Answer::Connected {
                    link,
                    recovery_root,
                    workflows,
                }),
            ) => self.connected(
                ctx,
                &target,
                remember,
                return_to_place,
                link,
                recovery_root,
                workflows,
            ),
            (After::Connected { target, remember, .. }, Err(e)) => {
                self.not_connected(target, remember, &e)
            }
            (After::Saved { .. } | After::Published { .. }, Err(e)) => self.write_failed(&e),
            (After::Listed, Err(e)) => {
                let was_offline = self.session.offline.is_some();
                let message = self.session.failure_words(&e);
                if !was_offline && self.session.offline.is_none() {
                    self.dialog = Some(Dialog::Error(message));
                }
            }
            (_, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.dialog = Some(Dialog::Error(message));
            }
            (after, Ok(answer)) => {
                tracing::error!(?after, ?answer, "a store reply of the wrong kind");
            }
        }
    }

    fn show_draft(
        &mut self,
        key: u32,
        edits: EditStamp,
        draft: Draft,
        view: Option<(egui::Rect, BrowserTab)>,
    ) {
        if !self.still_asked(edits) {
            // Edited while the draft was on its way: ask, lose nothing.
            self.dialog = Some(Dialog::Unsaved(Intent::OpenKey(key)));
            return;
        }
        let origin = self.session.origin_of(key);
        let archived = self
            .session
            .workflows
            .iter()
            .any(|w| w.key == key && w.archived);
        self.browser_tab = match (origin, archived) {
            (Origin::Global, _) => BrowserTab::Global,
            (_, true) => BrowserTab::Archived,
            (_, false) => BrowserTab::Custom,
        };
        let parked = self.parked_draft.take().filter(|parked| {
            matches!(parked.source, Source::Store { key: k, revision, .. }
                if k == key && revision == draft.revision)
        });
        match parked {
            Some(parked) => self.show_document(parked),
            None => self.show_document(Document::open(
                draft.workflow,
                Source::Store {
                    key,
                    revision: draft.revision,
                    origin,
                },
            )),
        };
        if let Some((rect, tab)) = view {
            self.canvas.restore_view(rect);
            self.browser_tab = tab;
        }
    }

    fn show_version(&mut self, key: u32, number: u32, edits: EditStamp, version: Versioned) {
        if !self.still_asked(edits) {
            self.dialog = Some(Dialog::Unsaved(Intent::OpenVersion(key, number)));
            return;
        }
        let parked = self.parked_draft.take();
        let previous = self.show_document(Document::open(
            version.workflow,
            Source::Version { key, number },
        ));
        // A clean draft of this workflow keeps its undo history for the
        // way back; edits the user chose to discard are not parked.
        let is_this_draft = matches!(previous.source, Source::Store { key: k, .. } if k == key);
        self.parked_draft = if is_this_draft && !previous.is_dirty() {
            Some(previous)
        } else {
            parked.filter(|p| p.key() == Some(key))
        };
    }

    /// A save went through. Edits made while it was on its way stay
    /// unsaved (on top of the new revision).
    #[allow(clippy::too_many_arguments)]
    fn saved(
        &mut self,
        ctx: &egui::Context,
        key: u32,
        origin: Origin,
        revision: u64,
        edits: EditStamp,
        from: Option<RecoveredFrom>,
        then: Then,
    ) {
        self.session.refresh_workflows();
        let source = Source::Store {
            key,
            revision,
            origin,
        };
        if self.edit_stamp() == edits {
            self.doc.mark_saved(source);
            if let Some(from) = from {
                recovery::remove(&self.session.recovery_root, &from);
            }
            self.toast = Some(Toast {
                text: format!("Saved draft of {key} (revision {revision})"),
                error: false,
                until: f64::MAX,
            });
            self.then(then);
        } else if edits.0 == self.doc_generation {
            self.doc.rebase(source);
            self.notify(
                ctx,
                format!(
                    "Saved draft of {key} (revision {revision}); edits made since are not saved yet"
                ),
                false,
            );
            if let Then::Perform(intent) = then {
                self.dialog = Some(Dialog::Unsaved(intent));
            }
        } else {
            self.notify(
                ctx,
                format!("Saved draft of {key} (revision {revision})"),
                false,
            );
        }
    }

    /// A save or publish did not go through: a conflict or an unreachable
    /// server end in the dialogs for them; the edits stay open.
    fn write_failed(&mut self, error: &StoreError) {
        match error {
            StoreError::Policy(Refusal::Conflict {
                key,
                expected,
                current,
            }) => {
                self.dialog = Some(Dialog::Conflict {
                    key: *key,
                    expected: *expected,
                    current: *current,
                })
            }
            StoreError::Unreachable { .. } => self.keep_locally(error),
            e => self.dialog = Some(Dialog::Error(e.to_string())),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn connected(
        &mut self,
        ctx: &egui::Context,
        target: &StoreTarget,
        remember: bool,
        return_to_place: bool,
        link: Link,
        recovery_root: PathBuf,
        workflows: Vec<idflow_store::WorkflowSummary>,
    ) {
        if self.doc.is_dirty() {
            // Edits made while connecting belong to the old store: they
            // are kept in its recovery folder, offered when back on it.
            self.autosave_revision = None;
            if self.autosave_now() {
                self.notify(
                    ctx,
                    "Unsaved edits were kept on this machine: they are offered when you return to the store they came from",
                    false,
                );
            }
        }
        let session = &mut self.session;
        session.moved_on();
        session.link = link;
        session.recovery_root = recovery_root;
        session.workflows = workflows;
        session.offline = None;
        session.retry_target = None;
        session.forget_versions();
        self.server_form = None;
        self.parked_draft = None;
        if matches!(self.toast.as_ref(), Some(t) if t.error) {
            self.toast = None;
        }
        if remember {
            if let StoreTarget::Server { url, token } = target {
                self.session.settings.server_url = url.clone();
                self.session.settings.server_token = token.clone();
            }
            self.session.settings.use_server = matches!(target, StoreTarget::Server { .. });
            self.session.save_settings();
        }
        let first = self
            .session
            .workflows
            .iter()
            .find(|w| w.origin == Origin::Custom)
            .or_else(|| self.session.workflows.first())
            .map(|w| w.key);
        let edits = self.edit_stamp();
        let placed = return_to_place && {
            self.return_to_last_place();
            self.session.opening().is_some()
        };
        if !placed {
            match first {
                Some(key) => self.session.call(
                    Call::Draft(key),
                    After::ShowDraft {
                        key,
                        edits,
                        view: None,
                    },
                ),
                None => {
                    self.show_document(Document::open(
                        Workflow::new(0, "Untitled workflow"),
                        Source::File(PathBuf::from("untitled.ron")),
                    ));
                }
            }
        }
        let found = recovery::find_all(&self.session.recovery_root);
        if !found.is_empty() {
            self.dialog = Some(Dialog::Recovery(found));
        }
    }

    fn not_connected(&mut self, target: StoreTarget, remember: bool, error: &StoreError) {
        let message = error.to_string();
        if let Some(form) = self.server_form.as_mut() {
            form.failure = Some(message);
        } else if remember {
            self.dialog = Some(Dialog::Error(message));
        } else {
            // At start: work goes on on the local store.
            tracing::warn!("{message}");
            self.session.offline = Some(message.clone());
            self.session.retry_target = Some(target);
            self.toast = Some(Toast {
                text: format!("{message}. Working on the local store."),
                error: true,
                until: f64::MAX,
            });
        }
    }

    /// The server did not answer: the edits stay in the document and in
    /// the recovery file on this machine; nothing is lost or half-written.
    fn keep_locally(&mut self, error: &StoreError) {
        self.session.failure_words(error);
        self.autosave_revision = None;
        let kept = self.autosave_now();
        let text = if kept {
            format!("{error}. Autosaved on this machine: save again when the server is back.")
        } else {
            format!("{error}. The changes are still open here: save again when the server is back.")
        };
        tracing::warn!("{text}");
        self.toast = Some(Toast {
            text,
            error: true,
            until: f64::MAX,
        });
    }
}
