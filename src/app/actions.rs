//! The action bar: New, Open, Save, Publish, Versions, Undo/Redo, view and
//! help menus, and the status of the open workflow.

use egui::{RichText, Ui};
use idflow_store::Origin;

use super::{Action, IdflowApp, Intent, Link};
use crate::document::Source;

pub fn show(app: &mut IdflowApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("idflow").strong().size(16.0));
        ui.separator();

        ui.menu_button("New", |ui| {
            if ui.button("Blank workflow").clicked() {
                app.act(Action::Request(Intent::NewBlank));
                ui.close();
            }
            ui.separator();
            ui.label(RichText::new("From a Global workflow").weak());
            let globals: Vec<(u32, String)> = app
                .session
                .workflows
                .iter()
                .filter(|w| w.origin == Origin::Global)
                .map(|w| (w.key, w.name.clone()))
                .collect();
            for (key, name) in globals {
                if ui.button(format!("{key} · {name}")).clicked() {
                    app.act(Action::Request(Intent::NewFrom(key)));
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
                    app.act(Action::Request(Intent::OpenFile(path)));
                }
            }
            ui.separator();
            let all: Vec<(u32, String)> = app
                .session
                .workflows
                .iter()
                .map(|w| (w.key, w.name.clone()))
                .collect();
            for (key, name) in all {
                if ui.button(format!("{key} · {name}")).clicked() {
                    app.act(Action::Request(Intent::OpenKey(key)));
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
                    let name = format!("{}.{extension}", app.doc.workflow().key);
                    if let Some(path) = rfd::FileDialog::new()
                        .add_filter("Picture", &[extension])
                        .set_file_name(name)
                        .save_file()
                    {
                        app.export_picture(path);
                    }
                }
            }
        });

        let saving = app.session.saving();
        let can_save = !app.doc.read_only() && !saving;
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
            app.act(Action::Save);
        }

        let publishing = app.session.publishing();
        let blocker = if publishing {
            Some("Publishing: waiting for the store's answer".to_owned())
        } else {
            app.publish_blocker()
        };
        let (label, hover) = match &app.session.link {
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
            app.open_publish_dialog();
        }
        if let Some(reason) = &blocker
            && !publishing
            && !app.doc.read_only()
            && matches!(app.doc.source, Source::Store { .. })
        {
            ui.label(
                RichText::new(format!("⛔ {reason}"))
                    .small()
                    .color(ui.visuals().error_fg_color),
            );
        }

        if let (Link::Server { .. }, Source::Store { revision, origin: Origin::Custom, .. }) =
            (&app.session.link, &app.doc.source)
        {
            let revision = *revision;
            let approving = app.session.approving();
            let ready = !approving && !app.doc.is_dirty();
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
                app.act(Action::Approve);
            }
        }
        if app.can_copy_to_server()
            && ui
                .add_enabled(
                    !app.session.copying(),
                    egui::Button::new(if app.session.copying() {
                        "⇪ Copying…"
                    } else {
                        "⇪ Copy to server"
                    }),
                )
                .on_hover_text(format!(
                    "Add this workflow to the team server ({}) as a new draft",
                    app.session.settings.server_url
                ))
                .clicked()
        {
            app.act(Action::CopyToServer);
        }

        let has_versions = app.doc.key().is_some();
        if ui
            .add_enabled(has_versions, egui::Button::new("🕓 Versions"))
            .on_hover_text("History of published versions")
            .clicked()
        {
            app.versions_open = !app.versions_open;
        }
        ui.separator();
        if ui
            .add_enabled(app.doc.can_undo(), egui::Button::new("↩ Undo"))
            .on_hover_text("Undo (Ctrl+Z)")
            .clicked()
        {
            app.doc.undo();
        }
        if ui
            .add_enabled(app.doc.can_redo(), egui::Button::new("↪ Redo"))
            .on_hover_text("Redo (Ctrl+Shift+Z)")
            .clicked()
        {
            app.doc.redo();
        }
        ui.separator();
        ui.menu_button("View", |ui| {
            ui.label(RichText::new("Theme").weak());
            ui.radio_value(
                &mut app.theme,
                egui::ThemePreference::System,
                "Follow the system",
            );
            ui.radio_value(&mut app.theme, egui::ThemePreference::Light, "Light");
            ui.radio_value(&mut app.theme, egui::ThemePreference::Dark, "Dark");
            ui.separator();
            if ui.button("Zoom to fit (F)").clicked() {
                app.canvas.request_fit();
                ui.close();
            }
            ui.checkbox(&mut app.canvas.snap, "Snap to grid");
            ui.checkbox(&mut app.canvas.show_minimap, "Minimap");
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Shortcuts").clicked() {
                app.shortcuts_open = true;
                ui.close();
            }
            if ui.button("Quick add (Ctrl+F)").clicked() {
                app.quick_add = Some(String::new());
                ui.close();
            }
        });

        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            status(app, ui)
        });
    });
}

/// What is open, in one phrase (issue 14): "Draft r3 · unsaved · based on
/// v1", "v2 · published · read-only", "v1 · Global · read-only".
pub fn status_text(app: &IdflowApp) -> String {
    let dirty = app.doc.is_dirty();
    let summary = |key: u32| app.session.workflows.iter().find(|w| w.key == key);
    match &app.doc.source {
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
pub fn store_name(app: &IdflowApp) -> String {
    match (&app.doc.source, &app.session.link) {
        (Source::File(_), _) => "file".to_owned(),
        (_, super::link::Link::Local) => "local".to_owned(),
        (_, super::link::Link::Server { url }) => super::link::host_of(url),
    }
}

fn status(app: &mut IdflowApp, ui: &mut Ui) {
    if let Some(waiting) = waiting_for(app) {
        ui.label(RichText::new(waiting).weak());
        ui.spinner();
        ui.separator();
    }
    if app.doc.is_dirty() {
        ui.label(RichText::new("●").color(ui.visuals().warn_fg_color))
            .on_hover_text("Changes not saved yet (autosaved for recovery)");
    }
    ui.label(RichText::new(status_text(app)).strong());
    ui.separator();
    let w = app.doc.workflow();
    ui.label(RichText::new(&w.name).strong());
    ui.label(
        RichText::new(format!("{} · {}", w.key, store_name(app)))
            .monospace()
            .weak(),
    )
    .on_hover_text("The workflow's key, and the store it lives in");
}

/// What the store is busy with, in words, while a call is on its way.
pub fn waiting_for(app: &IdflowApp) -> Option<String> {
    let session = &app.session;
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
