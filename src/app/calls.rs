//! What the user asked for, turned into store calls for the session's
//! worker (sent, never waited for) or done at once when nothing remote is
//! involved. Panels queue `Action`s; they are applied after the frame.

use std::path::PathBuf;

use idflow_core::Workflow;
use idflow_store::Origin;
use idflow_store::files::{read_workflow_file, write_workflow_file};
use idflow_store::recovery;

use super::dialogs::Dialog;
use super::link::{self, Link, StoreTarget};
use super::replies::{After, EditStamp};
use super::session::worker::Call;
use super::{IdflowApp, Intent, Toast, settings};
use crate::document::{Document, Source};

/// What follows a save once it is done.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    Nothing,
    /// Publish, with this note.
    Publish(String),
    Perform(Intent),
}

/// What a panel asks for; applied after the frame that asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Replace the open document (asking to save first when it has
    /// unsaved changes).
    Request(Intent),
    Save,
    /// Publish the draft (saved first if need be) with this note.
    Publish(String),
    /// Save, then do `intent` (the Unsaved dialog's "Save").
    SaveThen(Intent),
    /// Drop the unsaved changes (and their autosave), then do `intent`.
    DiscardThen(Intent),
    /// Make published version `number` of `key` its draft again.
    Restore {
        key: u32,
        number: u32,
    },
    /// Copy published version `number` of `key` into a new custom workflow.
    DuplicateVersion {
        key: u32,
        number: u32,
    },
    SetArchived {
        key: u32,
        archived: bool,
    },
    /// Approve the open draft's revision (team servers, four eyes).
    Approve,
    /// Keep the open edits as a new custom workflow (after a conflict).
    SaveAsCopy,
    CopyToServer,
    RetryServer,
}

impl IdflowApp {
    /// Queues `action` for the end of this frame.
    pub fn act(&mut self, action: Action) {
        self.actions.push(action);
    }

    pub(super) fn apply_actions(&mut self) {
        for action in std::mem::take(&mut self.actions) {
            match action {
                Action::Request(intent) => self.request(intent),
                Action::Save => {
                    self.save();
                }
                Action::Publish(note) => self.publish(note),
                Action::SaveThen(intent) => {
                    self.save_then(Then::Perform(intent));
                }
                Action::DiscardThen(intent) => {
                    if let Some(from) = self.recovered_from() {
                        recovery::remove(&self.session.recovery_root, &from);
                    }
                    self.perform(intent);
                }
                Action::Restore { key, number } => self.restore_version(key, number),
                Action::DuplicateVersion { key, number } => self.session.call(
                    Call::Duplicate {
                        key,
                        version: Some(number),
                    },
                    After::OpenNew { edits: None },
                ),
                Action::SetArchived { key, archived } => self.session.call(
                    Call::SetArchived { key, archived },
                    After::Archived { key, archived },
                ),
                Action::SaveAsCopy => {
                    let mut workflow = self.doc.workflow().clone();
                    workflow.name = format!("{} (my copy)", workflow.name);
                    let edits = Some(self.edit_stamp());
                    self.session
                        .call(Call::Create(workflow), After::OpenNew { edits });
                }
                Action::Approve => self.approve(),
                Action::CopyToServer => self.copy_to_server(),
                Action::RetryServer => self.retry_server(),
            }
        }
    }

    /// The open document and how far it is edited.
    pub(super) fn edit_stamp(&self) -> EditStamp {
        (self.doc_generation, self.doc.revision())
    }

    /// Whether a reply asked for at `edits` may replace the open document:
    /// nothing unsaved would be lost that the user did not already give up.
    pub(super) fn still_asked(&self, edits: EditStamp) -> bool {
        !self.doc.is_dirty() || self.edit_stamp() == edits
    }

    /// Reads the designer settings from `path` (kept there from now on)
    /// and, if they say so, connects to the team server (in the
    /// background: the window opens on the local store meanwhile).
    pub fn with_settings_file(mut self, path: PathBuf) -> Self {
        match settings::Settings::load(&path) {
            Ok(loaded) => {
                // Issue 29: what could not be read is said, and kept.
                if let Some(report) = loaded.unreadable_report(&path) {
                    self.dialog = Some(Dialog::Error(report));
                }
                self.session.settings = loaded;
                self.session.settings_path = Some(path);
            }
            Err(e) => {
                // Never overwrite a file that could not be read.
                self.dialog = Some(Dialog::Error(e.to_string()));
                return self;
            }
        }
        if self.session.settings.last_place.is_none()
            && self.dialog.is_none()
            && matches!(self.doc.source, Source::Store { .. })
        {
            // A first start (no place to return to): say what can be done.
            self.dialog = Some(Dialog::Welcome);
        }
        if self.session.settings.use_server {
            let target = StoreTarget::Server {
                url: self.session.settings.server_url.clone(),
                token: self.session.settings.server_token.clone(),
            };
            self.session.connect(target, false, true);
        } else {
            self.return_to_last_place();
        }
        self
    }

    /// Reopens the workflow of the last session, at its view, when it is in
    /// the store this session works on and nothing else was asked for.
    pub(super) fn return_to_last_place(&mut self) {
        let Some(place) = self.session.settings.last_place.clone() else {
            return;
        };
        let on_this_store = place.server == self.session.place_server();
        let known = self.session.workflows.iter().any(|w| w.key == place.key);
        if !on_this_store || !known || !matches!(self.doc.source, Source::Store { .. }) {
            return;
        }
        let [x0, y0, x1, y1] = place.view;
        let view = egui::Rect::from_min_max(egui::pos2(x0, y0), egui::pos2(x1, y1));
        self.session.call(
            Call::Draft(place.key),
            After::ShowDraft {
                key: place.key,
                edits: self.edit_stamp(),
                view: Some((view, place.tab)),
            },
        );
    }

    /// Opens `target` at start (in the background); when it cannot be
    /// reached, the session stays on the local store and says why.
    pub fn start_on(&mut self, target: &StoreTarget) {
        self.session.connect(target.clone(), false, false);
    }

    pub fn open_server_form(&mut self) {
        self.server_form = Some(link::ServerForm {
            url: self.session.settings.server_url.clone(),
            token: self.session.settings.server_token.clone(),
            failure: None,
        });
    }

    /// Local work can be sent to the configured team server.
    pub fn can_copy_to_server(&self) -> bool {
        let settings = &self.session.settings;
        self.session.link == Link::Local
            && !settings.server_url.is_empty()
            && !settings.server_token.is_empty()
            && matches!(
                self.doc.source,
                Source::File(_)
                    | Source::Store {
                        origin: Origin::Custom,
                        ..
                    }
            )
    }

    /// Adds the open workflow (as edited) to the team server as a new
    /// custom draft; the local copy stays as it is.
    pub fn copy_to_server(&mut self) {
        if self.session.copying() {
            return;
        }
        let url = self.session.settings.server_url.clone();
        let call = Call::CopyToServer {
            url: url.clone(),
            token: self.session.settings.server_token.clone(),
            workflow: Box::new(self.doc.workflow().clone()),
            timeout: self.session.request_timeout,
        };
        self.session.call(call, After::CopiedToServer { url });
    }

    /// Asks the server again after it was unreachable.
    pub fn retry_server(&mut self) {
        match self.session.retry_target.clone() {
            Some(target) if self.session.link == Link::Local => {
                self.session.connect(target, false, false)
            }
            _ => self.session.refresh_workflows(),
        }
    }

    /// Replaces the open document, asking first if it has unsaved changes.
    pub fn request(&mut self, intent: Intent) {
        if self.doc.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(intent));
        } else {
            self.perform(intent);
        }
    }

    /// Does `intent` without asking (the user already chose). Store
    /// intents are sent to the worker; their replies show the result.
    pub fn perform(&mut self, intent: Intent) {
        let edits = self.edit_stamp();
        match intent {
            Intent::OpenKey(key) => {
                if self.session.opening() != Some(key) {
                    let after = After::ShowDraft {
                        key,
                        edits,
                        view: None,
                    };
                    self.session.call(Call::Draft(key), after);
                }
            }
            Intent::OpenVersion(key, number) => self.session.call(
                Call::Version(key, number),
                After::ShowVersion { key, number, edits },
            ),
            Intent::NewBlank => self.session.call(
                Call::Create(Workflow::new(0, "Untitled workflow")),
                After::OpenNew { edits: Some(edits) },
            ),
            Intent::NewFrom(source) => self.session.call(
                Call::Duplicate {
                    key: source,
                    version: None,
                },
                After::OpenNew { edits: Some(edits) },
            ),
            Intent::OpenFile(path) => match read_workflow_file(&path) {
                Ok(w) => {
                    self.show_document(Document::open(w, Source::File(path)));
                }
                Err(e) => self.dialog = Some(Dialog::Error(e.to_string())),
            },
            Intent::SwitchStore(target) => self.session.connect(target, true, false),
            Intent::Quit => self.allow_close = true,
        }
    }

    /// Saves the open document where it came from. Returns whether the
    /// save was done (a file) or sent (a draft: the reply says how it went).
    pub fn save(&mut self) -> bool {
        self.save_then(Then::Nothing)
    }

    /// Saves, then does `then` once saved. A second save is not sent while
    /// one is on its way.
    pub fn save_then(&mut self, then: Then) -> bool {
        if self.session.saving() {
            return false;
        }
        let from = self.recovered_from();
        match self.doc.source.clone() {
            Source::Store {
                origin: Origin::Global,
                ..
            }
            | Source::Version { .. } => {
                self.dialog = Some(Dialog::Error(
                    "this workflow is read-only: duplicate it to make changes".to_owned(),
                ));
                false
            }
            Source::Store {
                key,
                revision,
                origin,
            } => {
                let call = Call::Save {
                    key,
                    workflow: Box::new(self.doc.workflow().clone()),
                    base: revision,
                };
                let after = After::Saved {
                    key,
                    origin,
                    edits: self.edit_stamp(),
                    from,
                    then,
                };
                self.session.call(call, after);
                true
            }
            Source::File(path) => match write_workflow_file(&path, self.doc.workflow()) {
                Ok(()) => {
                    self.doc.mark_saved(Source::File(path.clone()));
                    if let Some(from) = from {
                        recovery::remove(&self.session.recovery_root, &from);
                    }
                    self.toast = Some(Toast {
                        text: format!("Saved {}", path.display()),
                        error: false,
                        until: f64::MAX,
                    });
                    self.then(then);
                    true
                }
                Err(e) => {
                    self.dialog = Some(Dialog::Error(e.to_string()));
                    false
                }
            },
        }
    }

    pub(super) fn then(&mut self, then: Then) {
        match then {
            Then::Nothing => {}
            Then::Publish(note) => self.publish(note),
            Then::Perform(intent) => self.perform(intent),
        }
    }

    /// Publishes the draft (saving it first when it has unsaved changes),
    /// recording `note` and, locally, the display name as its author.
    pub fn publish(&mut self, note: String) {
        if self.session.publishing() {
            return;
        }
        if self.doc.is_dirty() {
            self.save_then(Then::Publish(note));
            return;
        }
        let Source::Store { key, revision, .. } = self.doc.source.clone() else {
            return;
        };
        let author = self.session.settings.display_name.clone();
        self.session.call(
            Call::Publish {
                key,
                base: revision,
                note,
                author,
            },
            After::Published { key },
        );
    }

    /// Approves the open draft's saved revision (a team server checks the
    /// approver is a publisher other than its author).
    pub fn approve(&mut self) {
        if self.session.approving() || self.doc.is_dirty() {
            return;
        }
        if let Source::Store { key, revision, .. } = self.doc.source {
            self.session.call(
                Call::Approve {
                    key,
                    base: revision,
                },
                After::Approved { key, revision },
            );
        }
    }

    /// Makes version `number` the draft of `key`, which must be open and
    /// saved.
    fn restore_version(&mut self, key: u32, number: u32) {
        let base = match self.doc.source {
            Source::Store {
                key: k, revision, ..
            } if k == key => Some(revision),
            _ => None,
        };
        match base {
            Some(_) if self.doc.is_dirty() => {
                self.dialog = Some(Dialog::Error(
                    "Save or discard your changes before restoring a version.".into(),
                ));
            }
            Some(base) => self.session.call(
                Call::Restore {
                    key,
                    version: number,
                    base,
                },
                After::Restored { key },
            ),
            None => {
                self.dialog = Some(Dialog::Error(
                    "Open the draft to restore a version into it.".into(),
                ));
            }
        }
    }
}
