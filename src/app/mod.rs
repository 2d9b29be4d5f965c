//! The designer: one window, five areas (action bar, workflow browser with
//! the component panel, canvas, properties, and problems / test run at the
//! bottom) over one `Document`.
//!
//! This module is the shell: it holds the open document and wires the
//! panels together. Each panel keeps its own state and is drawn with a
//! narrow context (`panel::Cx`: the document, the session, the canvas, the
//! queue of actions, the toasts); what it asks for comes back as an
//! `Action`, applied after the frame. Most become store calls through the
//! session, whose replies come back between frames with what to do with
//! them (`After`). Nothing else in the designer takes the whole app.

pub mod actions;
pub mod backtest;
pub mod bottom;
mod calls;
pub mod canvas;
pub mod compare;
pub mod components;
pub mod dialogs;
pub mod focus;
pub mod fonts;
pub mod jobs;
pub mod link;
pub mod panel;
pub mod problems;
pub mod properties;
pub mod publish;
mod replies;
pub mod review;
pub mod session;
pub mod settings;
mod shortcuts;
pub mod style;
pub mod test_panel;
pub mod toasts;

use std::path::{Path, PathBuf};

use egui::{Frame, Panel, Ui};
use idflow_core::Workflow;
use idflow_store::files::{read_workflow_file, write_workflow_file};
use idflow_store::policy::Refusal;
use idflow_store::recovery::{self, RecoveredFrom, Recovery};
use idflow_store::remote::REQUEST_TIMEOUT;
use idflow_store::{Draft, Origin, StoreError, Versioned};

use actions::ActionBar;
pub use bottom::{BottomPanel, BottomTab};
pub use calls::{Action, Then};
pub use canvas::Canvas;
use compare::ComparePanel;
use components::Components;
pub use dialogs::Window;
use dialogs::{Dialog, Dialogs};
use focus::Region;
pub use link::{Link, StoreTarget};
use panel::{Cx, View};
pub use properties::PropertiesPanel;
pub use replies::{After, EditStamp};
pub use session::Session;
use session::autosave::recovered_from;
use session::worker::{Answer, Call};
use session::{Ask, Replied};
pub use test_panel::TestPanel;
use toasts::Toasts;

use crate::document::{Document, Source};

/// What the user asked for that replaces the open document (asked to save
/// first when there are unsaved changes).
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    OpenKey(u32),
    OpenVersion(u32, u32),
    NewBlank,
    NewFrom(u32),
    OpenFile(PathBuf),
    /// Work on another store (the local folder or a team server).
    SwitchStore(StoreTarget),
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BrowserTab {
    Global,
    Custom,
    /// Archived custom workflows (shown while there are any).
    Archived,
}

/// The panels' context for one frame, borrowed from the shell's fields
/// (so that a panel of the shell can be drawn with it at the same time).
macro_rules! cx {
    ($app:ident) => {
        Cx {
            doc: &mut $app.doc,
            session: &mut $app.session,
            canvas: &mut $app.canvas,
            actions: &mut $app.actions,
            toasts: &mut $app.toasts,
        }
    };
}

pub struct IdflowApp {
    /// The store, its workflows and what was read of it, autosave and
    /// settings.
    pub session: Session<After>,
    pub doc: Document,
    /// The draft (with its undo history) set aside while one of its
    /// workflow's versions is viewed; back to the draft brings it back
    /// unless the stored draft moved on meanwhile.
    parked_draft: Option<Document>,
    pub canvas: Canvas,
    pub properties: PropertiesPanel,
    /// Two versions side by side (read-only), and the sides being read.
    pub compare: ComparePanel,
    /// The left side: the store selector, the workflows and the components.
    pub components: Components,
    pub action_bar: ActionBar,
    /// Problems, test run, backtest and review.
    pub bottom: BottomPanel,
    pub dialogs: Dialogs,
    pub toasts: Toasts,
    /// What panels asked for this frame, applied after it.
    actions: Vec<Action>,
}

impl IdflowApp {
    /// Opens the designer on a store; shows `file` if given, else the first
    /// workflow. Offers to restore autosaved work found in the store.
    /// The local store is read here, before the window opens; every later
    /// store call goes through the session's worker.
    pub fn new(store_dir: &Path, file: Option<&Path>) -> Result<Self, StoreError> {
        let (store, link, recovery_root) =
            link::open(&StoreTarget::Local, store_dir, REQUEST_TIMEOUT)?;
        let workflows = store.list()?;
        let mut failure = None;
        let doc = match file {
            Some(path) => match read_workflow_file(path) {
                Ok(w) => Some(Document::open(w, Source::File(path.to_owned()))),
                Err(e) => {
                    failure = Some(e.to_string());
                    None
                }
            },
            None => None,
        };
        let doc = match doc {
            Some(d) => d,
            None => match workflows.first() {
                Some(first) => {
                    let draft = store.draft(first.key)?;
                    Document::open(
                        draft.workflow,
                        Source::Store {
                            key: first.key,
                            revision: draft.revision,
                            origin: first.origin,
                        },
                    )
                }
                None => Document::open(
                    Workflow::new(0, "Untitled workflow"),
                    Source::File(PathBuf::from("untitled.ron")),
                ),
            },
        };
        let browser_tab = if matches!(
            doc.source,
            Source::Store {
                origin: Origin::Custom,
                ..
            }
        ) {
            BrowserTab::Custom
        } else {
            BrowserTab::Global
        };
        let found = recovery::find_all(&recovery_root);
        let mut dialogs = Dialogs::default();
        match failure {
            Some(message) => dialogs.open(Dialog::Error(message)),
            None if !found.is_empty() => dialogs.open(Dialog::Recovery(found)),
            None => {}
        }
        let session = Session::new(store, link, store_dir.to_owned(), recovery_root, workflows);
        Ok(IdflowApp {
            session,
            doc,
            parked_draft: None,
            canvas: Canvas::default(),
            properties: PropertiesPanel::default(),
            compare: ComparePanel::default(),
            components: Components::new(browser_tab),
            action_bar: ActionBar::default(),
            bottom: BottomPanel::default(),
            dialogs,
            toasts: Toasts::default(),
            actions: Vec::new(),
        })
    }

    pub fn dialog_title(&self) -> Option<&'static str> {
        self.dialogs.title()
    }

    /// Opens the "Team server" window, filled with the settings.
    pub fn open_server_form(&mut self) {
        self.dialogs.show_window(Window::ServerForm, &self.session);
    }

    /// Remembers the open workflow, its view and the browser tab in the
    /// settings (saved), to reopen them at the next start.
    pub fn remember_place(&mut self) {
        let Source::Store { key, .. } = self.doc.source else {
            return;
        };
        let view = self.canvas.view;
        self.session.settings.last_place = Some(settings::Place {
            server: self.session.place_server(),
            key,
            view: [view.min.x, view.min.y, view.max.x, view.max.y],
            tab: self.components.tab,
        });
        self.session.save_settings();
    }

    /// Moves the keyboard to the next region (`forward`) or the previous
    /// one: F6 and Shift+F6.
    fn cycle_region(&mut self, ctx: &egui::Context, forward: bool) {
        match focus::cycle(ctx, forward) {
            Region::Canvas => self.canvas.request_keyboard_focus(),
            Region::Properties => self.properties.focus_requested = true,
            Region::Browser | Region::Palette | Region::Problems => {}
        }
    }

    /// Shows `doc` and returns the document it replaces. What the panels
    /// showed of the one before goes with it.
    fn show_document(&mut self, doc: Document) -> Document {
        let previous = std::mem::replace(&mut self.doc, doc);
        let settings = (self.canvas.snap, self.canvas.show_minimap);
        self.canvas = Canvas::default();
        (self.canvas.snap, self.canvas.show_minimap) = settings;
        self.bottom.forget();
        self.dialogs.document_replaced();
        self.compare.exit();
        self.session.open_on(self.doc.key());
        self.session.autosave.forget();
        previous
    }

    /// Writes the recovery file when there is unsaved work not yet written.
    pub fn autosave_now(&mut self) -> bool {
        self.session.autosave_now(&self.doc)
    }

    fn restore(&mut self, recovery: Recovery) {
        let workflow = recovery.workflow;
        let doc = match recovery.from {
            RecoveredFrom::Draft { key, revision } => Document::unsaved(
                workflow,
                Source::Store {
                    key,
                    revision,
                    origin: self.session.origin_of(key),
                },
            ),
            RecoveredFrom::File(path) => Document::unsaved(workflow, Source::File(path)),
        };
        self.show_document(doc);
    }

    /// Writes the canvas drawing (with the compare marks while comparing)
    /// to `path`, .svg or .png, on a thread of its own; a toast says how
    /// it went.
    pub fn export_picture(&mut self, path: PathBuf) {
        let (workflow, against) = match self.compare.shown() {
            Some(c) => (c.after.clone(), Some(c.before.clone())),
            None => (self.doc.workflow().clone(), None),
        };
        if let Err(e) = self.action_bar.export(workflow, against, path) {
            self.dialogs.open(Dialog::Error(format!(
                "The picture could not be started: {e}"
            )));
        }
    }

    /// Whether pictures are still being written.
    pub fn exporting(&self) -> bool {
        self.action_bar.exporting()
    }

    /// One frame of the whole designer.
    pub fn frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        style_once(&ctx);
        ctx.set_theme(self.action_bar.theme);
        if !self.session.wake().is_set() {
            let wake = ctx.clone();
            self.session.wake().set(move || wake.request_repaint());
        }
        self.apply_replies();
        if let Err(message) = self.compare.advance(&mut self.session) {
            self.dialogs.open(Dialog::Error(message));
        }
        self.action_bar.finish_exports(&ctx, &mut self.toasts);
        self.dialogs.hold_close(&ctx, self.doc.is_dirty());
        if self.compare.shown().is_none()
            && let Some(forward) = shortcuts::handle(&ctx, &mut cx!(self), &mut self.dialogs)
        {
            self.cycle_region(&ctx, forward);
        }

        Panel::top("action_bar")
            .frame(Frame::side_top_panel(ui.style()).inner_margin(egui::Margin::symmetric(10, 6)))
            .show(ui, |ui| self.action_bar.ui(ui, &mut cx!(self)));
        Panel::left("left_panel")
            .resizable(true)
            .default_size(270.0)
            .min_size(220.0)
            .show(ui, |ui| self.components.ui(ui, &mut cx!(self)));
        Panel::right("properties_panel")
            .resizable(true)
            .default_size(330.0)
            .min_size(260.0)
            .show(ui, |ui| match self.compare.shown_mut() {
                Some(compare) => compare::panel(compare, ui),
                None => {
                    ui.add_space(4.0);
                    self.properties.ui(ui, &mut self.doc);
                }
            });
        if let Some(refusal) = self.properties.take_refusal() {
            self.toasts.notify(refusal, true);
        }
        self.bottom.show(ui, &mut cx!(self));
        self.bottom.sync_canvas(&self.doc, &mut self.canvas);
        review::comment_badges(&self.doc, &self.session, &mut self.canvas);
        egui::CentralPanel::default()
            .frame(Frame::NONE)
            .show(ui, |ui| {
                if self.compare.shown().is_some() {
                    self.compare.banner(ui);
                    if let Some(compare) = self.compare.shown_mut() {
                        // Nothing can be dropped on a comparison.
                        let _ = compare.canvas.show(ui, &mut compare.doc);
                    }
                    return;
                }
                components::read_only_banner(ui, &mut cx!(self));
                if let Some((index, at)) = self.canvas.show(ui, &mut self.doc)
                    && let Some(entry) = idflow_core::catalog::palette().get(index)
                    && let Err(refusal) = self.doc.add_node(entry.kind.clone(), entry.title, at)
                {
                    self.canvas.refuse(refusal);
                }
            });
        if let Some(refusal) = self.canvas.take_refusal() {
            self.toasts.notify(refusal, true);
        }
        if self.canvas.take_properties_request() {
            self.properties.focus_requested = true;
            ctx.request_repaint();
        }
        self.dialogs.show(&ctx, &mut cx!(self));
        self.apply_actions();
        let now = ctx.input(|i| i.time);
        if let Some(again) = self.session.autosave_tick(&self.doc, now) {
            ctx.request_repaint_after(again);
        }
    }

    fn apply_actions(&mut self) {
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
                    if let Some(from) = recovered_from(&self.doc.source) {
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
                Action::Perform(intent) => self.perform(intent),
                Action::RestoreRecovery(recovery) => self.restore(*recovery),
                Action::Show(window) => self.dialogs.show_window(window, &self.session),
                Action::ToggleVersions => self.dialogs.toggle_versions(),
                Action::Compare(a, b) => {
                    let parked = self.parked_draft.as_ref();
                    if let Err(message) =
                        self.compare
                            .start(a, b, &self.doc, parked, &mut self.session)
                    {
                        self.dialogs.open(Dialog::Error(message));
                    }
                }
                Action::ExportPicture(path) => self.export_picture(path),
                Action::AddComment { key, step, text } => {
                    let author = self.session.settings.display_name.clone();
                    self.session.call(
                        Call::AddComment {
                            key,
                            step,
                            text,
                            author,
                        },
                        After::CommentChanged { key },
                    );
                }
                Action::SetResolved { key, id, resolved } => self.session.call(
                    Call::SetResolved { key, id, resolved },
                    After::CommentChanged { key },
                ),
            }
        }
    }

    /// The open document and how far it is edited.
    fn edit_stamp(&self) -> EditStamp {
        (self.doc.id(), self.doc.revision())
    }

    /// Whether a reply asked for at `edits` may replace the open document:
    /// nothing unsaved would be lost that the user did not already give up.
    fn still_asked(&self, edits: EditStamp) -> bool {
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
                    self.dialogs.open(Dialog::Error(report));
                }
                self.session.settings = loaded;
                self.session.settings_path = Some(path);
            }
            Err(e) => {
                // Never overwrite a file that could not be read.
                self.dialogs.open(Dialog::Error(e.to_string()));
                return self;
            }
        }
        if self.session.settings.last_place.is_none()
            && !self.dialogs.modal_open()
            && matches!(self.doc.source, Source::Store { .. })
        {
            // A first start (no place to return to): say what can be done.
            self.dialogs.open(Dialog::Welcome);
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
    fn return_to_last_place(&mut self) {
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
            self.dialogs.open(Dialog::Unsaved(intent));
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
                Err(e) => self.dialogs.open(Dialog::Error(e.to_string())),
            },
            Intent::SwitchStore(target) => self.session.connect(target, true, false),
            Intent::Quit => self.dialogs.quit(),
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
        let from = recovered_from(&self.doc.source);
        match self.doc.source.clone() {
            Source::Store {
                origin: Origin::Global,
                ..
            }
            | Source::Version { .. } => {
                self.dialogs.open(Dialog::Error(
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
                    self.toasts
                        .notify(format!("Saved {}", path.display()), false);
                    self.then(then);
                    true
                }
                Err(e) => {
                    self.dialogs.open(Dialog::Error(e.to_string()));
                    false
                }
            },
        }
    }

    fn then(&mut self, then: Then) {
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
                self.dialogs.open(Dialog::Error(
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
                self.dialogs.open(Dialog::Error(
                    "Open the draft to restore a version into it.".into(),
                ));
            }
        }
    }

    /// Applies every reply that is ready; never waits for one.
    fn apply_replies(&mut self) {
        while let Some(replies) = self.session.next_reply() {
            for reply in replies {
                match reply {
                    Replied::Answer(after, result) => self.apply_reply(after, result),
                    Replied::ValueFailed(ask, e) => self.value_failed(ask, &e),
                }
            }
        }
    }

    /// A value asked of the store could not be read: the lists say so
    /// in a toast (they show as empty); drafts and versions say it where
    /// they were wanted.
    fn value_failed(&mut self, ask: Ask, error: &StoreError) {
        let text = match ask {
            Ask::History(key) => format!("Versions of {key} not read: {error}"),
            Ask::Comments(key) => format!("Comments of {key} not read: {error}"),
            Ask::Draft(_) | Ask::Version(..) => return,
        };
        self.toasts.notify(text, true);
    }

    /// Blocks until every store call sent so far has its reply ready (at
    /// most `timeout`); the next frame applies them. For headless drivers
    /// (tests) between frames: the designer itself never waits.
    pub fn wait_for_store(&mut self, timeout: std::time::Duration) -> bool {
        self.session.wait(timeout)
    }

    fn apply_reply(&mut self, after: After, result: Result<Answer, StoreError>) {
        match (after, result) {
            (After::Saved { key, .. }, Ok(Answer::Skipped)) => {
                // The edits stay open and were autosaved for their store.
                let text = format!(
                    "Workflow {key} not saved: the session moved to another store before the save was sent"
                );
                self.toasts.notify(text, true);
            }
            (after, Ok(Answer::Skipped)) => {
                tracing::info!(?after, "skipped: meant for the previous store");
            }
            (After::Listed, Ok(Answer::List(list))) => {
                self.session.workflows = list;
                if self.session.link != Link::Local {
                    self.session.offline = None;
                }
                if self.components.tab == BrowserTab::Archived
                    && !self.session.workflows.iter().any(|w| w.archived)
                {
                    self.components.tab = BrowserTab::Custom;
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
            ) => self.saved(key, origin, revision, edits, from, then),
            (After::Published { key }, Ok(Answer::Published(info))) => {
                self.session.refresh_workflows();
                // The comments now name the version that carries them.
                self.session.refresh_comments(key);
                self.session.forget_versions();
                let text = format!("Published {key} as version {}", info.number);
                self.toasts.notify(text, false);
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
                self.toasts.notify(text, false);
            }
            (After::Archived { key, .. }, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.toasts.notify(format!("Workflow {key} not changed: {message}"), true);
            }
            (After::CommentChanged { key }, Ok(_)) => self.session.refresh_comments(key),
            (After::CommentChanged { key }, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.toasts.notify(format!("Comment on {key} not changed: {message}"), true);
            }
            (After::Approved { key, revision }, Ok(Answer::Approvers(approvers))) => {
                let text = format!(
                    "Revision {revision} of {key} approved (by {})",
                    approvers.join(", ")
                );
                self.toasts.notify(text, false);
            }
            (After::Approved { key, revision }, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.toasts.notify(format!("Revision {revision} of {key} not approved: {message}"), true);
            }
            (After::CopiedToServer { url }, Ok(Answer::Key(key))) => self.toasts.notify(format!(
                    "Copied to {url} as workflow {key}: switch the store to the server to publish it"
                ),
                false,
            ),
            (After::CopiedToServer { .. }, Err(e)) => {
                self.toasts.notify(format!("Not copied: {e}"), true)
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
            ) => self.connected(&target,
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
                    self.dialogs.open(Dialog::Error(message));
                }
            }
            (_, Err(e)) => {
                let message = self.session.failure_words(&e);
                self.dialogs.open(Dialog::Error(message));
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
            self.dialogs.open(Dialog::Unsaved(Intent::OpenKey(key)));
            return;
        }
        let origin = self.session.origin_of(key);
        let archived = self
            .session
            .workflows
            .iter()
            .any(|w| w.key == key && w.archived);
        self.components.tab = match (origin, archived) {
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
            self.components.tab = tab;
        }
    }

    fn show_version(&mut self, key: u32, number: u32, edits: EditStamp, version: Versioned) {
        if !self.still_asked(edits) {
            self.dialogs
                .open(Dialog::Unsaved(Intent::OpenVersion(key, number)));
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
            self.toasts
                .notify(format!("Saved draft of {key} (revision {revision})"), false);
            self.then(then);
        } else if edits.0 == self.doc.id() {
            self.doc.rebase(source);
            self.toasts.notify(
                format!(
                    "Saved draft of {key} (revision {revision}); edits made since are not saved yet"
                ),
                false,
            );
            if let Then::Perform(intent) = then {
                self.dialogs.open(Dialog::Unsaved(intent));
            }
        } else {
            self.toasts
                .notify(format!("Saved draft of {key} (revision {revision})"), false);
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
            }) => self.dialogs.open(Dialog::Conflict {
                key: *key,
                expected: *expected,
                current: *current,
            }),
            StoreError::Unreachable { .. } => self.keep_locally(error),
            e => self.dialogs.open(Dialog::Error(e.to_string())),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn connected(
        &mut self,
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
            self.session.autosave.forget();
            if self.autosave_now() {
                self.toasts.notify("Unsaved edits were kept on this machine: they are offered when you return to the store they came from",
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
        self.dialogs.server_form = None;
        self.parked_draft = None;
        self.toasts.clear_error();
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
            self.dialogs.open(Dialog::Recovery(found));
        }
    }

    fn not_connected(&mut self, target: StoreTarget, remember: bool, error: &StoreError) {
        let message = error.to_string();
        if let Some(form) = self.dialogs.server_form.as_mut() {
            form.failure = Some(message);
        } else if remember {
            self.dialogs.open(Dialog::Error(message));
        } else {
            // At start: work goes on on the local store.
            tracing::warn!("{message}");
            self.session.offline = Some(message.clone());
            self.session.retry_target = Some(target);
            self.toasts
                .notify(format!("{message}. Working on the local store."), true);
        }
    }

    /// The server did not answer: the edits stay in the document and in
    /// the recovery file on this machine; nothing is lost or half-written.
    fn keep_locally(&mut self, error: &StoreError) {
        self.session.failure_words(error);
        self.session.autosave.forget();
        let kept = self.autosave_now();
        let text = if kept {
            format!("{error}. Autosaved on this machine: save again when the server is back.")
        } else {
            format!("{error}. The changes are still open here: save again when the server is back.")
        };
        tracing::warn!("{text}");
        self.toasts.notify(text, true);
    }
}

impl eframe::App for IdflowApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn on_exit(&mut self) {
        // Unsaved work stays in the recovery file (offered at the next start).
        self.autosave_now();
        self.remember_place();
    }
}

/// The application icon (`assets/idflow.png`, also the `.desktop` entry's).
pub fn window_icon() -> Result<egui::IconData, String> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/idflow.png"))
        .map_err(|e| e.to_string())
}

/// egui's style and the fonts, once per context (a new context, as in a
/// test, gets them too).
fn style_once(ctx: &egui::Context) {
    let styled = egui::Id::new("idflow_styled");
    if !ctx.data(|d| d.get_temp::<bool>(styled).unwrap_or(false)) {
        style::apply_style(ctx);
        fonts::install(ctx);
        ctx.data_mut(|d| d.insert_temp(styled, true));
    }
}

/// Runs the designer in a native window; `server` (URL, token) from the
/// command line opens that team server's store for this session (the
/// settings are left as they are).
pub fn run(
    store_dir: &Path,
    file: Option<&Path>,
    server: Option<(String, String)>,
) -> anyhow::Result<()> {
    let mut app = IdflowApp::new(store_dir, file)?;
    match server {
        Some((url, token)) => {
            app.start_on(&StoreTarget::Server { url, token });
        }
        None => {
            if let Some(path) = settings::Settings::default_path() {
                app = app.with_settings_file(path);
            }
        }
    }
    let title = "idflow — workflow designer";
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(title)
        .with_app_id("idflow")
        .with_inner_size([1480.0, 920.0])
        .with_min_inner_size([960.0, 600.0]);
    match window_icon() {
        Ok(icon) => viewport = viewport.with_icon(std::sync::Arc::new(icon)),
        Err(e) => tracing::warn!("the window icon could not be read: {e}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(title, options, Box::new(move |_cc| Ok(Box::new(app))))
        .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}
