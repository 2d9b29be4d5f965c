//! The store's replies, applied to the shell between frames: the rest of
//! each request (show the draft, mark it saved, publish after saving,
//! move to the new store) or the dialog that says why it failed.

use idflow_store::policy::Refusal;
use std::path::PathBuf;

use idflow_core::Workflow;
use idflow_store::recovery::{self, RecoveredFrom};
use idflow_store::{Draft, Origin, StoreError, Versioned};

use super::dialogs::Dialog;
use super::link::{Link, StoreTarget};
use super::session::worker::Answer;
use super::session::{After, EditStamp};
use super::{BrowserTab, IdflowApp, Intent, Then, Toast};
use crate::document::{Document, Source};

impl IdflowApp {
    /// Applies every reply that is ready; never waits for one.
    pub(super) fn apply_replies(&mut self, ctx: &egui::Context) {
        while let Some(replies) = self.session.next_reply() {
            for (after, result) in replies {
                self.apply_reply(ctx, after, result);
            }
        }
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
                let message = self.store_failure(&e);
                self.notify(ctx, format!("Workflow {key} not changed: {message}"), true);
            }
            (After::CompareSide { key, slot }, Ok(Answer::Version(v))) => {
                self.compare_side(key, slot, v.workflow)
            }
            (After::CompareSide { key, slot }, Ok(Answer::Draft(d))) => {
                self.compare_side(key, slot, d.workflow)
            }
            (After::CompareSide { .. }, Err(e)) => {
                self.compare_loading = None;
                let message = self.store_failure(&e);
                self.dialog = Some(Dialog::Error(format!("Not compared: {message}")));
            }
            (After::BacktestBasis { key, number }, Ok(Answer::Version(v))) => {
                self.backtest_basis(key, number, Ok(v.workflow))
            }
            (After::BacktestBasis { key, number }, Err(e)) => {
                let message = self.store_failure(&e);
                self.backtest_basis(key, number, Err(message))
            }
            (After::PublishBasis { key, number }, Ok(Answer::Version(v))) => {
                self.publish_basis(key, number, Ok(v.workflow))
            }
            (After::PublishBasis { key, number }, Err(e)) => {
                let message = self.store_failure(&e);
                self.publish_basis(key, number, Err(message))
            }
            (After::Comments { key }, Ok(Answer::Comments(list))) => {
                self.session.set_comments(key, list);
            }
            (After::Comments { key }, Err(e)) => {
                self.session.set_comments(key, Vec::new());
                let message = self.store_failure(&e);
                self.notify(ctx, format!("Comments of {key} not read: {message}"), true);
            }
            (After::CommentChanged { key }, Ok(_)) => self.session.refresh_comments(key),
            (After::CommentChanged { key }, Err(e)) => {
                let message = self.store_failure(&e);
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
                let message = self.store_failure(&e);
                self.notify(ctx, format!("Revision {revision} of {key} not approved: {message}"), true);
            }
            (After::Versions { key }, Ok(Answer::History(history))) => {
                self.session.set_versions(key, history);
            }
            (After::Versions { key }, Err(e)) => {
                // An empty list stops the asking; the toast says why.
                self.session.set_versions(key, Vec::new());
                let message = self.store_failure(&e);
                self.notify(ctx, format!("Versions of {key} not read: {message}"), true);
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
                let message = self.store_failure(&e);
                if !was_offline && self.session.offline.is_none() {
                    self.dialog = Some(Dialog::Error(message));
                }
            }
            (_, Err(e)) => {
                let message = self.store_failure(&e);
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
                    super::session::worker::Call::Draft(key),
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

    /// Words a store failure; an unreachable server puts the session in
    /// offline mode (work goes on locally, autosaved) instead of failing.
    pub(super) fn store_failure(&mut self, error: &StoreError) -> String {
        if matches!(error, StoreError::Unreachable { .. }) {
            self.session.offline = Some(error.to_string());
        }
        error.to_string()
    }

    /// The server did not answer: the edits stay in the document and in
    /// the recovery file on this machine; nothing is lost or half-written.
    fn keep_locally(&mut self, error: &StoreError) {
        self.store_failure(error);
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
