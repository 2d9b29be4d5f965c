//! The action bar: New, Open, Export, Save, Publish, Versions, Undo/Redo,
//! view and help menus, and the status of the open workflow. The pictures
//! Export writes are drawn off the UI thread; a toast says how it went.

use std::path::PathBuf;
use std::time::Duration;

use egui::{RichText, ThemePreference, Ui};
use idflow_core::Workflow;
use idflow_store::{Origin, WorkflowSummary};

use super::jobs::{Ended, Job, Wake};
use super::panel::{Cx, View};
use super::replies::After;
use super::session::Session;
use super::toasts::Toasts;
use super::{Action, Intent, Link, Window};
use crate::document::{Document, Source};

pub struct ActionBar {
    /// The View menu's theme.
    pub theme: ThemePreference,
    /// Pictures being written: where to, and how it went.
    exports: Vec<Job<Result<PathBuf, String>>>,
    /// Wakes the UI when a picture is written (set on the first frame).
    wake: Wake,
}

impl Default for ActionBar {
    fn default() -> Self {
        ActionBar {
            theme: ThemePreference::System,
            exports: Vec::new(),
            wake: Wake::default(),
        }
    }
}

impl ActionBar {
    /// Writes `workflow` (marked against `against`, while comparing) to
    /// `path`, .svg or .png, on a thread of its own.
    pub fn export(
        &mut self,
        workflow: Workflow,
        against: Option<Workflow>,
        path: PathBuf,
    ) -> std::io::Result<()> {
        let job = Job::spawn("idflow-export", &self.wake, move |done| {
            let result = idflow_view::write(&workflow, against.as_ref(), &path, 2.0)
                .map(|()| path)
                .map_err(|e| e.to_string());
            done.send(result);
        })?;
        self.exports.push(job);
        Ok(())
    }

    /// Whether pictures are still being written.
    pub fn exporting(&self) -> bool {
        !self.exports.is_empty()
    }

    /// Says how the pictures written since the last frame went.
    pub fn finish_exports(&mut self, ctx: &egui::Context, toasts: &mut Toasts) {
        if !self.wake.is_set() {
            let ctx = ctx.clone();
            self.wake.set(move || ctx.request_repaint());
        }
        let mut finished = Vec::new();
        self.exports.retain(|job| match job.try_next() {
            Ok(Some(result)) => {
                finished.push(result);
                false
            }
            Ok(None) => true,
            Err(Ended) => false,
        });
        for result in finished {
            match result {
                Ok(path) => toasts.notify(format!("Picture written to {}", path.display()), false),
                Err(message) => toasts.notify(format!("No picture: {message}"), true),
            }
        }
        if !self.exports.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }
}

impl View for ActionBar {
    fn ui(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        self.show(ui, cx);
    }
}

impl ActionBar {
    fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("idflow").strong().size(16.0));
            ui.separator();

            ui.menu_button("New", |ui| {
                if ui.button("Blank workflow").clicked() {
                    cx.act(Action::Request(Intent::NewBlank));
                    ui.close();
                }
                ui.separator();
                ui.label(RichText::new("From a Global workflow").weak());
                let globals: Vec<(u32, String)> = cx
                    .session
                    .workflows
                    .iter()
                    .filter(|w| w.origin == Origin::Global)
                    .map(|w| (w.key, w.name.clone()))
                    .collect();
                for (key, name) in globals {
                    if ui.button(format!("{key} · {name}")).clicked() {
                        cx.act(Action::Request(Intent::NewFrom(key)));
                        ui.close();
                    }
                }
            });
            ui.menu_button("Open", |ui| {
                if ui.button("Open file…").clicked() {
                    ui.close();
                    if let Some(path) = rfd::FileDialog::new()
                        .add_filter("Workflow", &["ron", "json"])
                        .pick_file()
                    {
                        cx.act(Action::Request(Intent::OpenFile(path)));
                    }
                }
                ui.separator();
                let all: Vec<(u32, String)> = cx
                    .session
                    .workflows
                    .iter()
                    .map(|w| (w.key, w.name.clone()))
                    .collect();
                for (key, name) in all {
                    if ui.button(format!("{key} · {name}")).clicked() {
                        cx.act(Action::Request(Intent::OpenKey(key)));
                        ui.close();
                    }
                }
            });
            ui.menu_button("Export", |ui| {
                for (label, extension) in [("Picture as SVG…", "svg"), ("Picture as PNG…", "png")] {
                    if ui
                        .button(label)
                        .on_hover_text("The canvas drawing, with the compare marks while comparing")
                        .clicked()
                    {
                        ui.close();
                        let name = format!("{}.{extension}", cx.doc.workflow().key);
                        if let Some(path) = rfd::FileDialog::new()
                            .add_filter("Picture", &[extension])
                            .set_file_name(name)
                            .save_file()
                        {
                            cx.act(Action::ExportPicture(path));
                        }
                    }
                }
            });

            let saving = cx.session.saving();
            let can_save = !cx.doc.read_only() && !saving;
            let save_label = if saving {
                "💾 Saving…"
            } else {
                "💾 Save draft"
            };
            let save = ui
                .add_enabled(can_save, egui::Button::new(save_label))
                .on_hover_text("Save the draft without publishing it (Ctrl+S)")
                .on_disabled_hover_text(if saving {
                    "Saving: waiting for the store's answer"
                } else {
                    "Read-only: duplicate this workflow to make changes"
                });
            if save.clicked() {
                cx.act(Action::Save);
            }

            let publishing = cx.session.publishing();
            let blocker = if publishing {
                Some("Publishing: waiting for the store's answer".to_owned())
            } else {
                publish_blocker(cx.doc)
            };
            let (label, hover) = match &cx.session.link {
                _ if publishing => ("🚀 Publishing…", String::new()),
                Link::Local => (
                    "🚀 Publish",
                    "Freeze the draft into the next published version".to_owned(),
                ),
                Link::Server { url } => (
                    "🚀 Publish to server",
                    format!("Freeze the draft into the next published version on {url}"),
                ),
            };
            let publish = ui
                .add_enabled(blocker.is_none(), egui::Button::new(label))
                .on_hover_text(hover)
                .on_disabled_hover_text(blocker.clone().unwrap_or_default());
            if publish.clicked() {
                cx.act(Action::Show(Window::Publish));
            }
            if let Some(reason) = &blocker
                && !publishing
                && !cx.doc.read_only()
                && matches!(cx.doc.source, Source::Store { .. })
            {
                ui.label(
                    RichText::new(format!("⛔ {reason}"))
                        .small()
                        .color(ui.visuals().error_fg_color),
                );
            }

            if let (Link::Server { .. }, Source::Store { revision, origin: Origin::Custom, .. }) =
                (&cx.session.link, &cx.doc.source)
            {
                let revision = *revision;
                let approving = cx.session.approving();
                let ready = !approving && !cx.doc.is_dirty();
                let label = if approving {
                    "✔ Approving…".to_owned()
                } else {
                    format!("✔ Approve revision {revision}")
                };
                if ui
                    .add_enabled(ready, egui::Button::new(label))
                    .on_hover_text("Four eyes: as a publisher other than its author, approve this saved revision for publishing")
                    .on_disabled_hover_text("Save first: an approval names a saved revision")
                    .clicked()
                {
                    cx.act(Action::Approve);
                }
            }
            if can_copy_to_server(cx.session, cx.doc)
                && ui
                    .add_enabled(
                        !cx.session.copying(),
                        egui::Button::new(if cx.session.copying() {
                            "⇪ Copying…"
                        } else {
                            "⇪ Copy to server"
                        }),
                    )
                    .on_hover_text(format!(
                        "Add this workflow to the team server ({}) as a new draft",
                        cx.session.settings.server_url
                    ))
                    .clicked()
            {
                cx.act(Action::CopyToServer);
            }

            let has_versions = cx.doc.key().is_some();
            if ui
                .add_enabled(has_versions, egui::Button::new("🕓 Versions"))
                .on_hover_text("History of published versions")
                .clicked()
            {
                cx.act(Action::ToggleVersions);
            }
            ui.separator();
            if ui
                .add_enabled(cx.doc.can_undo(), egui::Button::new("↩ Undo"))
                .on_hover_text("Undo (Ctrl+Z)")
                .clicked()
            {
                cx.doc.undo();
            }
            if ui
                .add_enabled(cx.doc.can_redo(), egui::Button::new("↪ Redo"))
                .on_hover_text("Redo (Ctrl+Shift+Z)")
                .clicked()
            {
                cx.doc.redo();
            }
            ui.separator();
            ui.menu_button("View", |ui| {
                ui.label(RichText::new("Theme").weak());
                ui.radio_value(
                    &mut self.theme,
                    egui::ThemePreference::System,
                    "Follow the system",
                );
                ui.radio_value(&mut self.theme, egui::ThemePreference::Light, "Light");
                ui.radio_value(&mut self.theme, egui::ThemePreference::Dark, "Dark");
                ui.separator();
                if ui.button("Zoom to fit (F)").clicked() {
                    cx.canvas.request_fit();
                    ui.close();
                }
                ui.checkbox(&mut cx.canvas.snap, "Snap to grid");
                ui.checkbox(&mut cx.canvas.show_minimap, "Minimap");
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Shortcuts").clicked() {
                    cx.act(Action::Show(Window::Shortcuts));
                    ui.close();
                }
                if ui.button("Quick add (Ctrl+F)").clicked() {
                    cx.act(Action::Show(Window::QuickAdd));
                    ui.close();
                }
            });

            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                status(ui, cx)
            });
        });
    }
}

/// What is open, in one phrase (issue 14): "Draft r3 · unsaved · based on
/// v1", "v2 · published · read-only", "v1 · Global · read-only".
pub fn status_text(doc: &Document, workflows: &[WorkflowSummary]) -> String {
    let dirty = doc.is_dirty();
    let summary = |key: u32| workflows.iter().find(|w| w.key == key);
    match &doc.source {
        Source::Store {
            key,
            origin: Origin::Global,
            ..
        } => match summary(*key).and_then(|w| w.latest_version) {
            Some(v) => format!("v{v} · Global · read-only"),
            None => "Global · read-only".to_owned(),
        },
        Source::Store { key, revision, .. } => {
            let latest = summary(*key).and_then(|w| w.latest_version.map(|v| (v, w.status)));
            match (latest, dirty) {
                (Some((v, idflow_store::Status::Published)), false) => {
                    format!("v{v} · published · draft r{revision} unchanged")
                }
                (Some((v, _)), true) => format!("Draft r{revision} · unsaved · based on v{v}"),
                (Some((v, _)), false) => format!("Draft r{revision} · saved · based on v{v}"),
                (None, true) => format!("Draft r{revision} · unsaved · never published"),
                (None, false) => format!("Draft r{revision} · saved · never published"),
            }
        }
        Source::Version { number, .. } => format!("v{number} · published · read-only"),
        Source::File(path) => format!(
            "File {} · {}",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            if dirty { "unsaved" } else { "saved" }
        ),
    }
}

/// Which store the open workflow lives in, as its key is shown.
pub fn store_name(doc: &Document, link: &Link) -> String {
    match (&doc.source, link) {
        (Source::File(_), _) => "file".to_owned(),
        (_, Link::Local) => "local".to_owned(),
        (_, Link::Server { url }) => super::link::host_of(url),
    }
}

fn status(ui: &mut Ui, cx: &mut Cx<'_>) {
    if let Some(waiting) = waiting_for(cx.session) {
        ui.label(RichText::new(waiting).weak());
        ui.spinner();
        ui.separator();
    }
    if cx.doc.is_dirty() {
        ui.label(RichText::new("●").color(ui.visuals().warn_fg_color))
            .on_hover_text("Changes not saved yet (autosaved for recovery)");
    }
    ui.label(RichText::new(status_text(cx.doc, &cx.session.workflows)).strong());
    ui.separator();
    let w = cx.doc.workflow();
    ui.label(RichText::new(&w.name).strong());
    ui.label(
        RichText::new(format!(
            "{} · {}",
            w.key,
            store_name(cx.doc, &cx.session.link)
        ))
        .monospace()
        .weak(),
    )
    .on_hover_text("The workflow's key, and the store it lives in");
}

/// What the store is busy with, in words, while a call is on its way.
pub fn waiting_for(session: &Session<After>) -> Option<String> {
    if let Some(url) = session.connecting() {
        Some(format!("Connecting to {}…", super::link::host_of(url)))
    } else if session.publishing() {
        Some("Publishing…".to_owned())
    } else if session.saving() {
        Some("Saving…".to_owned())
    } else {
        session.opening().map(|key| format!("Opening {key}…"))
    }
}

/// Why Publish is unavailable, if it is.
pub fn publish_blocker(doc: &mut Document) -> Option<String> {
    match doc.source {
        Source::Store {
            origin: Origin::Custom,
            ..
        } => {}
        Source::Store {
            origin: Origin::Global,
            ..
        } => {
            return Some(
                "Global workflows are published by the platform: duplicate to customise".to_owned(),
            );
        }
        Source::Version { .. } => {
            return Some("This is a published version (read-only)".to_owned());
        }
        Source::File(_) => {
            return Some("Import the file into the store to publish it".to_owned());
        }
    }
    let errors = doc.lint().errors().count();
    (errors > 0).then(|| format!("{errors} lint error(s) remain: fix them first (see Problems)"))
}

/// Local work can be sent to the configured team server.
pub fn can_copy_to_server(session: &Session<After>, doc: &Document) -> bool {
    let settings = &session.settings;
    session.link == Link::Local
        && !settings.server_url.is_empty()
        && !settings.server_token.is_empty()
        && matches!(
            doc.source,
            Source::File(_)
                | Source::Store {
                    origin: Origin::Custom,
                    ..
                }
        )
}
