//! The action bar: New, Open, Save, Publish, Versions, Undo/Redo, view and
//! help menus, and the status of the open workflow.

use egui::{RichText, Ui};
use idflow_store::Origin;

use super::dialogs::Dialog;
use super::{IdflowApp, Intent, Link};
use crate::document::Source;

pub fn show(app: &mut IdflowApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("idflow").strong().size(16.0));
        ui.separator();

        ui.menu_button("New", |ui| {
            if ui.button("Blank workflow").clicked() {
                app.request(Intent::NewBlank);
                ui.close();
            }
            ui.separator();
            ui.label(RichText::new("From a Global workflow").weak());
            let globals: Vec<(u32, String)> = app
                .workflows
                .iter()
                .filter(|w| w.origin == Origin::Global)
                .map(|w| (w.key, w.name.clone()))
                .collect();
            for (key, name) in globals {
                if ui.button(format!("{key} · {name}")).clicked() {
                    app.request(Intent::NewFrom(key));
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
                    app.request(Intent::OpenFile(path));
                }
            }
            ui.separator();
            let all: Vec<(u32, String)> = app
                .workflows
                .iter()
                .map(|w| (w.key, w.name.clone()))
                .collect();
            for (key, name) in all {
                if ui.button(format!("{key} · {name}")).clicked() {
                    app.request(Intent::OpenKey(key));
                    ui.close();
                }
            }
        });

        let can_save = !app.doc.read_only();
        let save = ui
            .add_enabled(can_save, egui::Button::new("💾 Save draft"))
            .on_hover_text("Save the draft without publishing it (Ctrl+S)")
            .on_disabled_hover_text("Read-only: duplicate this workflow to make changes");
        if save.clicked() {
            app.save();
        }

        let blocker = app.publish_blocker();
        let (label, hover) = match &app.link {
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
            let version = app.next_version();
            app.dialog = Some(Dialog::ConfirmPublish { version });
        }
        if let Some(reason) = &blocker
            && !app.doc.read_only()
            && matches!(app.doc.source, Source::Store { .. })
        {
            ui.label(
                RichText::new(format!("⛔ {reason}"))
                    .small()
                    .color(ui.visuals().error_fg_color),
            );
        }

        if app.can_copy_to_server()
            && ui
                .button("⇪ Copy to server")
                .on_hover_text(format!(
                    "Add this workflow to the team server ({}) as a new draft",
                    app.settings.server_url
                ))
                .clicked()
        {
            app.copy_to_server(ui.ctx());
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

fn status(app: &mut IdflowApp, ui: &mut Ui) {
    if app.doc.is_dirty() {
        ui.label(RichText::new("● Unsaved").color(ui.visuals().warn_fg_color))
            .on_hover_text("Changes not saved yet (autosaved for recovery)");
    } else {
        ui.label(RichText::new("✔ Saved").weak());
    }
    let state = match &app.doc.source {
        Source::Store {
            key,
            origin: Origin::Global,
            ..
        } => {
            let _ = key;
            "Global · read-only".to_owned()
        }
        Source::Store { key, revision, .. } => {
            let published = app
                .workflows
                .iter()
                .find(|w| w.key == *key)
                .and_then(|w| w.latest_version.map(|v| (v, w.status)));
            match published {
                Some((v, idflow_store::Status::Published)) => format!("Published v{v}"),
                Some((v, _)) => format!("Draft r{revision} · v{v} published"),
                None => format!("Draft r{revision}"),
            }
        }
        Source::Version { number, .. } => format!("Version {number} · read-only"),
        Source::File(path) => format!(
            "File {}",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
    };
    ui.label(RichText::new(state).strong());
    ui.separator();
    let w = app.doc.workflow();
    ui.label(RichText::new(&w.name).strong());
    ui.label(RichText::new(w.key.to_string()).monospace().weak());
}
