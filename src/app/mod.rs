//! The designer: one window, five areas (action bar, workflow browser with
//! the component panel, canvas, properties, and problems / test run at the
//! bottom) over one `Document`.
//! This module owns the session: which document is open, the store, dialogs
//! and autosave. Panels live in their own modules and emit commands.

pub mod actions;
pub mod backtest;
mod calls;
pub mod canvas;
pub mod compare;
mod components;
mod dialogs;
pub mod fonts;
pub mod link;
mod problems;
pub mod properties;
mod publish;
mod replies;
pub mod review;
pub mod session;
pub mod settings;
mod shortcuts;
pub mod style;
pub mod test_panel;

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Frame, Panel, ThemePreference, Ui};
use idflow_core::Workflow;
use idflow_store::files::read_workflow_file;
use idflow_store::recovery::{self, RecoveredFrom, Recovery};
use idflow_store::remote::REQUEST_TIMEOUT;
use idflow_store::{Origin, StoreError};
use idflow_view::theme;

pub use calls::{Action, Then};
pub use canvas::Canvas;
use dialogs::Dialog;
pub use link::{Link, StoreTarget};
pub use properties::PropertiesPanel;
pub use session::Session;
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
    /// Recorded documents replayed through the published version and the
    /// draft.
    Backtest,
    Review,
}

pub struct Toast {
    pub text: String,
    pub error: bool,
    pub until: f64,
}

pub struct IdflowApp {
    /// The store, its workflows and versions, recovery and settings.
    pub session: Session,
    pub server_form: Option<link::ServerForm>,
    pub doc: Document,
    /// Counts the documents shown, so a late reply can tell whether the
    /// document it was asked about is still the open one.
    doc_generation: u64,
    pub canvas: Canvas,
    pub properties: PropertiesPanel,
    pub browser_tab: BrowserTab,
    pub component_search: String,
    pub bottom_tab: BottomTab,
    pub test_panel: TestPanel,
    pub backtest: backtest::BacktestPanel,
    pub review: review::ReviewPanel,
    dialog: Option<Dialog>,
    pub toast: Option<Toast>,
    /// What panels asked for this frame, applied after it.
    actions: Vec<Action>,
    /// Pictures being written off the UI thread: where, and how it went.
    exports: Vec<std::sync::mpsc::Receiver<Result<PathBuf, String>>>,
    /// How often unsaved work is written to the recovery file.
    pub autosave_interval: Duration,
    autosave_last: f64,
    autosave_revision: Option<u64>,
    pub theme: ThemePreference,
    quick_add: Option<String>,
    /// The "Connect to…" picker's query while it is open.
    connect_to: Option<String>,
    versions_open: bool,
    /// The sides ticked in the Versions window for a comparison.
    compare_pick: Vec<compare::Side>,
    /// Two versions side by side (read-only), and the sides being read.
    pub compare: Option<Box<compare::Compare>>,
    compare_loading: Option<compare::Loading>,
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
    /// The context, once the first frame gave it (to wake the UI from
    /// other threads).
    repaint: Option<egui::Context>,
}

impl IdflowApp {
    /// Opens the designer on a store; shows `file` if given, else the first
    /// workflow. Offers to restore autosaved work found in the store.
    /// The local store is read here, before the window opens; every later
    /// store call goes through the session's worker.
    pub fn new(store_dir: &Path, file: Option<&Path>) -> Result<Self, StoreError> {
        let (store, link, recovery_root) =
            link::open(&StoreTarget::Local, store_dir, REQUEST_TIMEOUT)?;
        let workflows = store.store().list()?;
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
                    let draft = store.store().draft(first.key)?;
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
        let session = Session::new(store, link, store_dir.to_owned(), recovery_root, workflows);
        Ok(IdflowApp {
            session,
            server_form: None,
            doc,
            doc_generation: 0,
            canvas: Canvas::default(),
            properties: PropertiesPanel::default(),
            browser_tab,
            component_search: String::new(),
            bottom_tab: BottomTab::Problems,
            test_panel: TestPanel::default(),
            backtest: backtest::BacktestPanel::default(),
            review: review::ReviewPanel::default(),
            dialog,
            toast: None,
            actions: Vec::new(),
            exports: Vec::new(),
            autosave_interval: Duration::from_secs(3),
            autosave_last: 0.0,
            autosave_revision: None,
            theme: ThemePreference::System,
            quick_add: None,
            connect_to: None,
            versions_open: false,
            compare_pick: Vec::new(),
            compare: None,
            compare_loading: None,
            region: None,
            anchors: RegionAnchors::default(),
            parked_draft: None,
            shortcuts_open: false,
            allow_close: false,
            styled: false,
            repaint: None,
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
            tab: self.browser_tab,
        });
        self.session.save_settings();
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

    /// Shows `doc` and returns the document it replaces.
    fn show_document(&mut self, doc: Document) -> Document {
        let previous = std::mem::replace(&mut self.doc, doc);
        self.doc_generation += 1;
        let settings = (self.canvas.snap, self.canvas.show_minimap);
        self.canvas = Canvas::default();
        (self.canvas.snap, self.canvas.show_minimap) = settings;
        self.test_panel.forget_runs();
        self.backtest.forget();
        self.versions_open = false;
        self.compare_pick.clear();
        self.exit_compare();
        self.session.forget_versions();
        self.autosave_revision = None;
        previous
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

    /// Writes the recovery file when there is unsaved work not yet written.
    pub fn autosave_now(&mut self) -> bool {
        if !self.doc.is_dirty() || self.autosave_revision == Some(self.doc.revision()) {
            return false;
        }
        let Some(from) = self.recovered_from() else {
            return false;
        };
        let recovery = Recovery {
            format_version: recovery::RECOVERY_FORMAT_VERSION,
            from,
            saved_at: now_rfc3339(),
            workflow: self.doc.workflow().clone(),
        };
        match recovery::write(&self.session.recovery_root, &recovery) {
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
        let (workflow, against) = match self.compare.as_ref() {
            Some(c) => (c.after.clone(), Some(c.before.clone())),
            None => (self.doc.workflow().clone(), None),
        };
        let (done, outcome) = std::sync::mpsc::channel();
        let wake = self.repaint.clone();
        let spawned = std::thread::Builder::new()
            .name("idflow-export".into())
            .spawn(move || {
                let result = idflow_view::write(&workflow, against.as_ref(), &path, 2.0)
                    .map(|()| path)
                    .map_err(|e| e.to_string());
                let _ = done.send(result);
                if let Some(ctx) = wake {
                    ctx.request_repaint();
                }
            });
        match spawned {
            Ok(_) => self.exports.push(outcome),
            Err(e) => {
                self.dialog = Some(Dialog::Error(format!(
                    "The picture could not be started: {e}"
                )))
            }
        }
    }

    fn finish_exports(&mut self, ctx: &egui::Context) {
        let mut finished = Vec::new();
        self.exports.retain(|outcome| match outcome.try_recv() {
            Ok(result) => {
                finished.push(result);
                false
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => false,
        });
        for result in finished {
            match result {
                Ok(path) => {
                    self.notify(ctx, format!("Picture written to {}", path.display()), false)
                }
                Err(message) => self.notify(ctx, format!("No picture: {message}"), true),
            }
        }
        if !self.exports.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// Open comments per step, as last read, for the cards' badges.
    fn sync_comment_badges(&mut self) {
        self.canvas.comments.clear();
        let Some(key) = self.doc.key() else { return };
        for c in self.session.known_comments(key) {
            if let Some(step) = &c.step
                && !c.resolved
                && c.version.is_none()
            {
                *self
                    .canvas
                    .comments
                    .entry(idflow_core::model::NodeId::new(step.clone()))
                    .or_default() += 1;
            }
        }
    }

    /// Whether pictures are still being written.
    pub fn exporting(&self) -> bool {
        !self.exports.is_empty()
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
            style::apply_style(&ctx);
            fonts::install(&ctx);
            self.styled = true;
        }
        ctx.set_theme(self.theme);
        self.session.set_context(&ctx);
        if self.repaint.is_none() {
            self.repaint = Some(ctx.clone());
        }
        self.apply_replies(&ctx);
        self.finish_exports(&ctx);
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
            .show(ui, |ui| match self.compare.as_mut() {
                Some(compare) => compare::panel(compare, ui),
                None => {
                    ui.add_space(4.0);
                    self.properties.ui(ui, &mut self.doc);
                }
            });
        if let Some(refusal) = self.properties.take_refusal() {
            self.notify(&ctx, refusal, true);
        }
        // One panel id per tab, so each keeps its own height.
        let (panel_id, height) = match self.bottom_tab {
            BottomTab::Problems => ("problems_panel", 150.0),
            BottomTab::TestRun => ("test_run_panel", 320.0),
            BottomTab::Backtest => ("backtest_panel", 320.0),
            BottomTab::Review => ("review_panel", 200.0),
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
                    ui.selectable_value(&mut self.bottom_tab, BottomTab::Backtest, "Backtest");
                    ui.selectable_value(&mut self.bottom_tab, BottomTab::Review, "Review");
                });
                ui.separator();
                match self.bottom_tab {
                    BottomTab::Problems => problems::show(self, ui),
                    BottomTab::TestRun => self.test_panel.ui(ui, &self.doc, &mut self.canvas),
                    BottomTab::Backtest => {
                        self.advance_backtest_basis();
                        self.backtest.ui(ui, &self.doc, &mut self.canvas);
                    }
                    BottomTab::Review => review::show(self, ui),
                }
            });
        // The canvas shows a backtest row's path while the Backtest tab
        // is open with a row picked; else the test run's, as before.
        if self.bottom_tab == BottomTab::Backtest && self.backtest.wants_canvas(&self.doc) {
            self.backtest.sync(&self.doc, &mut self.canvas);
        } else {
            if self.backtest.release_canvas() {
                self.canvas.clear_run();
                self.test_panel.restore(&self.doc, &mut self.canvas);
            }
            self.test_panel.sync(&self.doc, &mut self.canvas);
        }
        self.sync_comment_badges();
        egui::CentralPanel::default()
            .frame(Frame::NONE)
            .show(ui, |ui| {
                if self.compare.is_some() {
                    compare::banner(self, ui);
                    if let Some(compare) = self.compare.as_mut() {
                        // Nothing can be dropped on a comparison.
                        let _ = compare.canvas.show(ui, &mut compare.doc);
                    }
                    return;
                }
                components::read_only_banner(self, ui);
                if let Some((index, at)) = self.canvas.show(ui, &mut self.doc)
                    && let Some(entry) = idflow_core::catalog::palette().get(index)
                    && let Err(refusal) = self.doc.add_node(entry.kind.clone(), entry.title, at)
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
        self.apply_actions();
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
