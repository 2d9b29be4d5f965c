//! The designer: one window, five areas (action bar, workflow browser with
//! the component panel, canvas, properties, and problems / test run at the
//! bottom) over one `Document`.
//! This module owns the session: which document is open, the store, dialogs
//! and autosave. Panels live in their own modules and emit commands.

pub mod actions;
pub mod canvas;
mod components;
mod dialogs;
pub mod fonts;
pub mod link;
mod problems;
pub mod properties;
pub mod settings;
mod shortcuts;
pub mod test_panel;
pub mod theme;
pub mod words;

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Frame, Panel, ThemePreference, Ui};
use idflow_core::Workflow;
use idflow_store::files::{read_workflow_file, write_workflow_file};
use idflow_store::recovery::{self, RecoveredFrom, Recovery};
use idflow_store::{Origin, Store, StoreError, VersionInfo, WorkflowSummary};

pub use canvas::Canvas;
use dialogs::Dialog;
pub use link::{Link, StoreTarget};
pub use properties::PropertiesPanel;
pub use test_panel::TestPanel;

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

/// The regions F6 walks through, in order (issue 14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Browser,
    Palette,
    Canvas,
    Properties,
    Problems,
}

impl Region {
    pub const ALL: [Region; 5] = [
        Region::Browser,
        Region::Palette,
        Region::Canvas,
        Region::Properties,
        Region::Problems,
    ];
}

/// Each region's first widget this frame: where F6 puts the keyboard.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegionAnchors {
    pub browser: Option<egui::Id>,
    pub palette: Option<egui::Id>,
    pub problems: Option<egui::Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BrowserTab {
    Global,
    Custom,
    /// Archived custom workflows (shown while there are any).
    Archived,
}

/// What the bottom panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottomTab {
    Problems,
    TestRun,
}

pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: f64,
}

pub struct IdflowApp {
    /// The store the session works on (`link` says which).
    pub store: Box<dyn Store>,
    pub link: Link,
    /// The local store's folder: always there, also when working on a
    /// server, because unsaved work is autosaved on this machine.
    local_root: PathBuf,
    /// Where autosaved work of the current store goes.
    recovery_root: PathBuf,
    /// Why the team server could not be reached, while it cannot.
    pub offline: Option<String>,
    pub settings: settings::Settings,
    /// `None`: settings are not persisted (tests, or a damaged file that
    /// must not be overwritten).
    settings_path: Option<PathBuf>,
    pub server_form: Option<link::ServerForm>,
    /// Published versions of the open workflow, read once per opening of
    /// the Versions window (a server round trip is not a per-frame cost).
    versions_cache: Option<(u32, Vec<VersionInfo>)>,
    pub doc: Document,
    pub canvas: Canvas,
    pub properties: PropertiesPanel,
    pub workflows: Vec<WorkflowSummary>,
    pub browser_tab: BrowserTab,
    pub component_search: String,
    pub bottom_tab: BottomTab,
    pub test_panel: TestPanel,
    dialog: Option<Dialog>,
    pub toast: Option<Toast>,
    /// How often unsaved work is written to the recovery file.
    pub autosave_interval: Duration,
    autosave_last: f64,
    autosave_revision: Option<u64>,
    pub theme: ThemePreference,
    quick_add: Option<String>,
    /// The "Connect to…" picker's query while it is open.
    connect_to: Option<String>,
    versions_open: bool,
    /// Where F6 last put the keyboard, and where each region starts.
    pub region: Option<Region>,
    pub anchors: RegionAnchors,
    /// The draft (with its undo history) set aside while one of its
    /// workflow's versions is viewed; back to the draft brings it back
    /// unless the stored draft moved on meanwhile.
    parked_draft: Option<Document>,
    shortcuts_open: bool,
    allow_close: bool,
    styled: bool,
}

impl IdflowApp {
    /// Opens the designer on a store; shows `file` if given, else the first
    /// workflow. Offers to restore autosaved work found in the store.
    pub fn new(store_dir: &Path, file: Option<&Path>) -> Result<Self, StoreError> {
        let (store, link, recovery_root) = link::open(&StoreTarget::Local, store_dir)?;
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
        let dialog = match failure {
            Some(message) => Some(Dialog::Error(message)),
            None if !found.is_empty() => Some(Dialog::Recovery(found)),
            None => None,
        };
        Ok(IdflowApp {
            store,
            link,
            local_root: store_dir.to_owned(),
            recovery_root,
            offline: None,
            settings: settings::Settings::default(),
            settings_path: None,
            server_form: None,
            versions_cache: None,
            doc,
            canvas: Canvas::default(),
            properties: PropertiesPanel::default(),
            workflows,
            browser_tab,
            component_search: String::new(),
            bottom_tab: BottomTab::Problems,
            test_panel: TestPanel::default(),
            dialog,
            toast: None,
            autosave_interval: Duration::from_secs(3),
            autosave_last: 0.0,
            autosave_revision: None,
            theme: ThemePreference::System,
            quick_add: None,
            connect_to: None,
            versions_open: false,
            region: None,
            anchors: RegionAnchors::default(),
            parked_draft: None,
            shortcuts_open: false,
            allow_close: false,
            styled: false,
        })
    }

    pub fn dialog_title(&self) -> Option<&'static str> {
        self.dialog.as_ref().map(Dialog::title)
    }

    fn notify(&mut self, ctx: &egui::Context, text: impl Into<String>, error: bool) {
        let text = text.into();
        if error {
            tracing::warn!("{text}");
        }
        self.toast = Some(Toast {
            text,
            error,
            until: ctx.input(|i| i.time) + if error { 8.0 } else { 4.0 },
        });
    }

    fn refresh_workflows(&mut self) {
        match self.store.list() {
            Ok(list) => {
                self.workflows = list;
                self.offline = None;
            }
            Err(e) => {
                let message = self.store_failure(&e);
                if self.offline.is_none() {
                    self.dialog = Some(Dialog::Error(message));
                }
            }
        }
    }

    /// Words a store failure; an unreachable server puts the session in
    /// offline mode (work goes on locally, autosaved) instead of failing.
    fn store_failure(&mut self, error: &StoreError) -> String {
        if matches!(error, StoreError::Unreachable { .. }) {
            self.offline = Some(error.to_string());
        }
        error.to_string()
    }

    /// Reads the designer settings from `path` (kept there from now on)
    /// and, if they say so, connects to the team server. An unreachable
    /// server leaves the session on the local store, saying why.
    pub fn with_settings_file(mut self, path: PathBuf) -> Self {
        match settings::Settings::load(&path) {
            Ok(loaded) => {
                self.settings = loaded;
                self.settings_path = Some(path);
            }
            Err(e) => {
                // Never overwrite a file that could not be read.
                self.dialog = Some(Dialog::Error(e.to_string()));
                return self;
            }
        }
        if self.settings.use_server {
            let target = StoreTarget::Server {
                url: self.settings.server_url.clone(),
                token: self.settings.server_token.clone(),
            };
            self.start_on(&target);
        }
        if self.settings.last_place.is_none()
            && self.dialog.is_none()
            && matches!(self.doc.source, Source::Store { .. })
        {
            // A first start (no place to return to): say what can be done.
            self.dialog = Some(Dialog::Welcome);
        }
        self.return_to_last_place();
        self
    }

    /// The store this session works on, as a place records it.
    fn place_server(&self) -> Option<String> {
        match self.link {
            Link::Local => None,
            _ => Some(self.settings.server_url.clone()),
        }
    }

    /// Remembers the open workflow, its view and the browser tab in the
    /// settings (saved), to reopen them at the next start.
    pub fn remember_place(&mut self) {
        let Source::Store { key, .. } = self.doc.source else {
            return;
        };
        let view = self.canvas.view;
        self.settings.last_place = Some(settings::Place {
            server: self.place_server(),
            key,
            view: [view.min.x, view.min.y, view.max.x, view.max.y],
            tab: self.browser_tab,
        });
        self.save_settings();
    }

    /// Reopens the workflow of the last session, at its view, when it is in
    /// the store this session works on and nothing else was asked for.
    fn return_to_last_place(&mut self) {
        let Some(place) = self.settings.last_place.clone() else {
            return;
        };
        let on_this_store = place.server == self.place_server();
        let known = self.workflows.iter().any(|w| w.key == place.key);
        if !on_this_store || !known || !matches!(self.doc.source, Source::Store { .. }) {
            return;
        }
        if self.doc.key() != Some(place.key) {
            self.perform(Intent::OpenKey(place.key));
        }
        if self.doc.key() != Some(place.key) {
            return;
        }
        let [x0, y0, x1, y1] = place.view;
        self.canvas.restore_view(egui::Rect::from_min_max(
            egui::pos2(x0, y0),
            egui::pos2(x1, y1),
        ));
        self.browser_tab = place.tab;
    }

    /// Opens `target` at start; when it cannot be reached, the session
    /// stays on the local store and says why.
    pub fn start_on(&mut self, target: &StoreTarget) {
        if let Err(message) = self.switch_store(target, false) {
            self.offline = Some(message.clone());
            self.toast = Some(Toast {
                text: format!("{message}. Working on the local store."),
                error: true,
                until: f64::MAX,
            });
        }
    }

    /// Connects to `target`, opens its first workflow and offers work
    /// autosaved for it.
    /// `remember`: keep the choice (and URL and token) in the settings.
    pub fn switch_store(&mut self, target: &StoreTarget, remember: bool) -> Result<(), String> {
        let (store, link, recovery_root) =
            link::open(target, &self.local_root).map_err(|e| e.to_string())?;
        let workflows = store.list().map_err(|e| e.to_string())?;
        self.store = store;
        self.link = link;
        self.recovery_root = recovery_root;
        self.parked_draft = None;
        self.workflows = workflows;
        self.offline = None;
        self.server_form = None;
        if remember {
            if let StoreTarget::Server { url, token } = target {
                self.settings.server_url = url.clone();
                self.settings.server_token = token.clone();
            }
            self.settings.use_server = matches!(target, StoreTarget::Server { .. });
            self.save_settings();
        }
        let first = self
            .workflows
            .iter()
            .find(|w| w.origin == Origin::Custom)
            .or_else(|| self.workflows.first())
            .map(|w| w.key);
        match first {
            Some(key) => self.perform(Intent::OpenKey(key)),
            None => {
                self.show_document(Document::open(
                    Workflow::new(0, "Untitled workflow"),
                    Source::File(PathBuf::from("untitled.ron")),
                ));
            }
        }
        let found = recovery::find_all(&self.recovery_root);
        if !found.is_empty() {
            self.dialog = Some(Dialog::Recovery(found));
        }
        Ok(())
    }

    fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            tracing::warn!("{e}");
        }
    }

    pub fn open_server_form(&mut self) {
        self.server_form = Some(link::ServerForm {
            url: self.settings.server_url.clone(),
            token: self.settings.server_token.clone(),
            failure: None,
        });
    }

    /// Local work can be sent to the configured team server.
    pub fn can_copy_to_server(&self) -> bool {
        self.link == Link::Local
            && !self.settings.server_url.is_empty()
            && !self.settings.server_token.is_empty()
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
    pub fn copy_to_server(&mut self, ctx: &egui::Context) {
        let url = self.settings.server_url.clone();
        let result = idflow_store::remote::RemoteStore::new(&url, &self.settings.server_token)
            .and_then(|remote| remote.create(self.doc.workflow().clone()));
        match result {
            Ok(key) => self.notify(
                ctx,
                format!("Copied to {url} as workflow {key}: switch the store to the server to publish it"),
                false,
            ),
            Err(e) => self.notify(ctx, format!("Not copied: {e}"), true),
        }
    }

    /// Moves the keyboard to the next region (`forward`) or the previous
    /// one: F6 and Shift+F6. No region keeps the keyboard for itself.
    pub fn cycle_region(&mut self, ctx: &egui::Context, forward: bool) {
        let at = self
            .region
            .and_then(|r| Region::ALL.iter().position(|x| *x == r));
        let next = match (at, forward) {
            (Some(i), true) => (i + 1) % Region::ALL.len(),
            (Some(i), false) => (i + Region::ALL.len() - 1) % Region::ALL.len(),
            (None, true) => 0,
            (None, false) => Region::ALL.len() - 1,
        };
        let region = Region::ALL[next];
        self.region = Some(region);
        let anchor = match region {
            Region::Browser => self.anchors.browser,
            Region::Palette => self.anchors.palette,
            Region::Problems => self.anchors.problems,
            Region::Canvas => {
                self.canvas.request_keyboard_focus();
                None
            }
            Region::Properties => {
                self.properties.focus_requested = true;
                None
            }
        };
        match anchor {
            Some(id) => ctx.memory_mut(|m| m.request_focus(id)),
            None => ctx.memory_mut(|m| {
                if let Some(id) = m.focused() {
                    m.surrender_focus(id);
                }
            }),
        }
        ctx.request_repaint();
    }

    /// Archives a custom workflow (hidden from the Custom tab, kept under
    /// Archived) or brings it back; says what happened.
    pub fn set_archived(&mut self, ctx: &egui::Context, key: u32, archived: bool) {
        match self.store.set_archived(key, archived) {
            Ok(()) => {
                self.refresh_workflows();
                let text = if archived {
                    format!("Workflow {key} archived: it is under Archived, with its versions")
                } else {
                    format!("Workflow {key} is listed under Custom again")
                };
                if self.browser_tab == BrowserTab::Archived
                    && !self.workflows.iter().any(|w| w.archived)
                {
                    self.browser_tab = BrowserTab::Custom;
                }
                self.notify(ctx, text, false);
            }
            Err(e) => {
                let message = self.store_failure(&e);
                self.notify(ctx, format!("Workflow {key} not changed: {message}"), true);
            }
        }
    }

    /// Asks the server again after it was unreachable.
    pub fn retry_server(&mut self) {
        self.offline = None;
        self.refresh_workflows();
    }

    fn origin_of(&self, key: u32) -> Origin {
        self.workflows
            .iter()
            .find(|w| w.key == key)
            .map(|w| w.origin)
            .unwrap_or(Origin::Custom)
    }

    /// Replaces the open document, asking first if it has unsaved changes.
    pub fn request(&mut self, intent: Intent) {
        if self.doc.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(intent));
        } else {
            self.perform(intent);
        }
    }

    /// Shows `doc` and returns the document it replaces.
    fn show_document(&mut self, doc: Document) -> Document {
        let previous = std::mem::replace(&mut self.doc, doc);
        let settings = (self.canvas.snap, self.canvas.show_minimap);
        self.canvas = Canvas::default();
        (self.canvas.snap, self.canvas.show_minimap) = settings;
        self.test_panel.forget_runs();
        self.versions_open = false;
        self.versions_cache = None;
        self.autosave_revision = None;
        previous
    }

    /// The open workflow's published versions (cached until it changes).
    pub fn versions(&mut self, key: u32) -> &[VersionInfo] {
        if self.versions_cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let history = match self.store.history(key) {
                Ok(history) => history,
                Err(e) => {
                    self.store_failure(&e);
                    Vec::new()
                }
            };
            self.versions_cache = Some((key, history));
        }
        self.versions_cache
            .as_ref()
            .map_or(&[], |(_, h)| h.as_slice())
    }

    pub fn perform(&mut self, intent: Intent) {
        let result: Result<(), String> = match intent {
            Intent::OpenKey(key) => match self.store.draft(key) {
                Ok(draft) => Ok(draft),
                Err(e) => Err(self.store_failure(&e)),
            }
            .map(|draft| {
                let origin = self.origin_of(key);
                let archived = self.workflows.iter().any(|w| w.key == key && w.archived);
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
            }),
            Intent::OpenVersion(key, number) => self
                .store
                .version(key, number)
                .map_err(|e| e.to_string())
                .map(|v| {
                    let parked = self.parked_draft.take();
                    let previous = self
                        .show_document(Document::open(v.workflow, Source::Version { key, number }));
                    // A clean draft of this workflow keeps its undo history
                    // for the way back; edits the user chose to discard are
                    // not parked.
                    let is_this_draft =
                        matches!(previous.source, Source::Store { key: k, .. } if k == key);
                    self.parked_draft = if is_this_draft && !previous.is_dirty() {
                        Some(previous)
                    } else {
                        parked.filter(|p| p.key() == Some(key))
                    };
                }),
            Intent::NewBlank => self
                .store
                .create(Workflow::new(0, "Untitled workflow"))
                .map_err(|e| e.to_string())
                .map(|key| {
                    self.refresh_workflows();
                    self.perform(Intent::OpenKey(key));
                }),
            Intent::NewFrom(source) => self
                .store
                .duplicate(source, None)
                .map_err(|e| e.to_string())
                .map(|key| {
                    self.refresh_workflows();
                    self.perform(Intent::OpenKey(key));
                }),
            Intent::OpenFile(path) => {
                read_workflow_file(&path)
                    .map_err(|e| e.to_string())
                    .map(|w| {
                        self.show_document(Document::open(w, Source::File(path)));
                    })
            }
            Intent::SwitchStore(target) => match self.switch_store(&target, true) {
                Ok(()) => Ok(()),
                Err(message) => match self.server_form.as_mut() {
                    Some(form) => {
                        form.failure = Some(message);
                        Ok(())
                    }
                    None => Err(message),
                },
            },
            Intent::Quit => {
                self.allow_close = true;
                Ok(())
            }
        };
        if let Err(message) = result {
            self.dialog = Some(Dialog::Error(message));
        }
    }

    fn recovered_from(&self) -> Option<RecoveredFrom> {
        match &self.doc.source {
            Source::Store { key, revision, .. } => Some(RecoveredFrom::Draft {
                key: *key,
                revision: *revision,
            }),
            Source::File(path) => Some(RecoveredFrom::File(path.clone())),
            Source::Version { .. } => None,
        }
    }

    /// Saves the open document where it came from. Returns whether it saved.
    pub fn save(&mut self) -> bool {
        let from = self.recovered_from();
        let result = match self.doc.source.clone() {
            Source::Store {
                origin: Origin::Global,
                ..
            }
            | Source::Version { .. } => {
                Err("this workflow is read-only: duplicate it to make changes".to_owned())
            }
            Source::Store {
                key,
                revision,
                origin,
            } => match self.store.save_draft(key, self.doc.workflow(), revision) {
                Ok(revision) => {
                    self.doc.mark_saved(Source::Store {
                        key,
                        revision,
                        origin,
                    });
                    self.refresh_workflows();
                    Ok(format!("Saved draft of {key} (revision {revision})"))
                }
                Err(StoreError::Conflict {
                    key,
                    expected,
                    current,
                }) => {
                    self.dialog = Some(Dialog::Conflict {
                        key,
                        expected,
                        current,
                    });
                    return false;
                }
                Err(e @ StoreError::Unreachable { .. }) => {
                    self.keep_locally(&e);
                    return false;
                }
                Err(e) => Err(e.to_string()),
            },
            Source::File(path) => match write_workflow_file(&path, self.doc.workflow()) {
                Ok(()) => {
                    self.doc.mark_saved(Source::File(path.clone()));
                    Ok(format!("Saved {}", path.display()))
                }
                Err(e) => Err(e.to_string()),
            },
        };
        match result {
            Ok(message) => {
                if let Some(from) = from {
                    recovery::remove(&self.recovery_root, &from);
                }
                self.toast = Some(Toast {
                    text: message,
                    error: false,
                    until: f64::MAX,
                });
                true
            }
            Err(message) => {
                self.dialog = Some(Dialog::Error(message));
                false
            }
        }
    }

    /// Why Publish is unavailable, if it is.
    pub fn publish_blocker(&mut self) -> Option<String> {
        match self.doc.source {
            Source::Store {
                origin: Origin::Custom,
                ..
            } => {}
            Source::Store {
                origin: Origin::Global,
                ..
            } => {
                return Some(
                    "Global workflows are published by the platform: duplicate to customise"
                        .to_owned(),
                );
            }
            Source::Version { .. } => {
                return Some("This is a published version (read-only)".to_owned());
            }
            Source::File(_) => {
                return Some("Import the file into the store to publish it".to_owned());
            }
        }
        let errors = self.doc.lint().errors().count();
        (errors > 0)
            .then(|| format!("{errors} lint error(s) remain: fix them first (see Problems)"))
    }

    pub fn next_version(&self) -> u32 {
        self.doc
            .key()
            .and_then(|k| self.store.history(k).ok())
            .map_or(1, |h| h.len() as u32 + 1)
    }

    fn publish(&mut self, ctx: &egui::Context) {
        if self.doc.is_dirty() && !self.save() {
            return;
        }
        let Source::Store { key, revision, .. } = self.doc.source.clone() else {
            return;
        };
        match self.store.publish(key, Some(revision)) {
            Ok(info) => {
                self.refresh_workflows();
                self.notify(
                    ctx,
                    format!("Published {key} as version {}", info.number),
                    false,
                );
            }
            Err(StoreError::Conflict {
                key,
                expected,
                current,
            }) => {
                self.dialog = Some(Dialog::Conflict {
                    key,
                    expected,
                    current,
                })
            }
            Err(e @ StoreError::Unreachable { .. }) => self.keep_locally(&e),
            Err(e) => self.dialog = Some(Dialog::Error(e.to_string())),
        }
        self.versions_cache = None;
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

    /// Writes the recovery file when there is unsaved work not yet written.
    pub fn autosave_now(&mut self) -> bool {
        if !self.doc.is_dirty() || self.autosave_revision == Some(self.doc.revision()) {
            return false;
        }
        let Some(from) = self.recovered_from() else {
            return false;
        };
        let recovery = Recovery {
            format_version: 1,
            from,
            saved_at: now_rfc3339(),
            workflow: self.doc.workflow().clone(),
        };
        match recovery::write(&self.recovery_root, &recovery) {
            Ok(_) => {
                self.autosave_revision = Some(self.doc.revision());
                true
            }
            Err(e) => {
                tracing::warn!("autosave failed: {e}");
                false
            }
        }
    }

    fn autosave_tick(&mut self, ctx: &egui::Context) {
        if !self.doc.is_dirty() {
            return;
        }
        let now = ctx.input(|i| i.time);
        if now - self.autosave_last >= self.autosave_interval.as_secs_f64() {
            self.autosave_last = now;
            self.autosave_now();
        }
        ctx.request_repaint_after(self.autosave_interval);
    }

    fn restore(&mut self, recovery: Recovery) {
        let workflow = recovery.workflow;
        let doc = match recovery.from {
            RecoveredFrom::Draft { key, revision } => Document::unsaved(
                workflow,
                Source::Store {
                    key,
                    revision,
                    origin: self.origin_of(key),
                },
            ),
            RecoveredFrom::File(path) => Document::unsaved(workflow, Source::File(path)),
        };
        self.show_document(doc);
    }

    fn handle_close_request(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested()) && self.doc.is_dirty() && !self.allow_close
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(Intent::Quit));
        }
        if self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// One frame of the whole designer.
    pub fn frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if !self.styled {
            theme::apply_style(&ctx);
            fonts::install(&ctx);
            self.styled = true;
        }
        ctx.set_theme(self.theme);
        self.handle_close_request(&ctx);
        shortcuts::handle(self, &ctx);

        Panel::top("action_bar")
            .frame(Frame::side_top_panel(ui.style()).inner_margin(egui::Margin::symmetric(10, 6)))
            .show(ui, |ui| {
                actions::show(self, ui);
            });
        Panel::left("left_panel")
            .resizable(true)
            .default_size(270.0)
            .min_size(220.0)
            .show(ui, |ui| {
                components::browser(self, ui);
                ui.add_space(theme::SPACING);
                components::palette(self, ui);
            });
        Panel::right("properties_panel")
            .resizable(true)
            .default_size(330.0)
            .min_size(260.0)
            .show(ui, |ui| {
                ui.add_space(4.0);
                self.properties.ui(ui, &mut self.doc);
            });
        if let Some(refusal) = self.properties.take_refusal() {
            self.notify(&ctx, refusal, true);
        }
        // One panel id per tab, so each keeps its own height.
        let (panel_id, height) = match self.bottom_tab {
            BottomTab::Problems => ("problems_panel", 150.0),
            BottomTab::TestRun => ("test_run_panel", 320.0),
        };
        Panel::bottom(panel_id)
            .resizable(true)
            .default_size(height)
            .min_size(60.0)
            .show(ui, |ui| {
                ui.add_space(2.0);
                ui.horizontal(|ui| {
                    let problems =
                        ui.selectable_value(&mut self.bottom_tab, BottomTab::Problems, "Problems");
                    self.anchors.problems = Some(problems.id);
                    ui.selectable_value(&mut self.bottom_tab, BottomTab::TestRun, "Test run");
                });
                ui.separator();
                match self.bottom_tab {
                    BottomTab::Problems => problems::show(self, ui),
                    BottomTab::TestRun => self.test_panel.ui(ui, &self.doc, &mut self.canvas),
                }
            });
        self.test_panel.sync(&self.doc, &mut self.canvas);
        egui::CentralPanel::default()
            .frame(Frame::NONE)
            .show(ui, |ui| {
                components::read_only_banner(self, ui);
                if let Some((index, at)) = self.canvas.show(ui, &mut self.doc)
                    && let Some(entry) = idflow_core::catalog::palette().get(index)
                    && let Err(refusal) =
                        Canvas::add_node(&mut self.doc, entry.kind.clone(), entry.title, at)
                {
                    self.canvas.refuse(refusal);
                }
            });
        if let Some(refusal) = self.canvas.take_refusal() {
            self.notify(&ctx, refusal, true);
        }
        if self.canvas.take_properties_request() {
            self.properties.focus_requested = true;
            ctx.request_repaint();
        }
        dialogs::show(self, &ctx);
        link::server_window(self, &ctx);
        self.autosave_tick(&ctx);
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

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "unknown".to_owned())
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
