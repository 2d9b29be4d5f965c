//! Which store the designer works on: the local folder (always there,
//! works offline) or the team server. Holds the store selector, the
//! "Team server" window and what happens when the server cannot be reached.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{RichText, Ui};
use idflow_store::remote::RemoteStore;
use idflow_store::{LocalStore, Store, StoreError};
use idflow_view::theme;

use super::{Action, IdflowApp, Intent};

/// The store the open session works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Local,
    Server { url: String },
}

/// Where the user asked to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreTarget {
    Local,
    Server { url: String, token: String },
}

/// The fields of the "Team server" window.
#[derive(Debug, Clone, Default)]
pub struct ServerForm {
    pub url: String,
    pub token: String,
    /// Why the last attempt failed.
    pub failure: Option<String>,
}

/// The store the worker owns: the local folder or a team server.
pub type OpenStore = Box<dyn Store + Send>;

/// Opens a store for `target`; a server's requests may take `timeout`
/// each. Makes no request: the caller's first one (a list) tells whether
/// the URL and token work.
pub fn open(
    target: &StoreTarget,
    local_root: &Path,
    timeout: Duration,
) -> Result<(OpenStore, Link, PathBuf), StoreError> {
    match target {
        StoreTarget::Local => Ok((
            Box::new(LocalStore::open(local_root)?),
            Link::Local,
            local_root.to_owned(),
        )),
        StoreTarget::Server { url, token } => {
            let remote = RemoteStore::new(url, token)?.with_request_timeout(timeout);
            let url = remote.base_url().to_owned();
            let recovery = server_recovery_root(local_root, &url);
            Ok((Box::new(remote), Link::Server { url }, recovery))
        }
    }
}

/// Unsaved work on a server workflow is autosaved on this machine, in the
/// local store's folder, apart per server (keys of different stores mean
/// different workflows).
pub fn server_recovery_root(local_root: &Path, url: &str) -> PathBuf {
    let slug: String = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    local_root.join(".servers").join(slug)
}

/// The store selector at the top of the workflow browser.
pub fn selector(app: &mut IdflowApp, ui: &mut Ui) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Store").weak());
        let current = match &app.session.link {
            Link::Local => "💻 Local".to_owned(),
            Link::Server { url } => format!("🌐 {url}"),
        };
        egui::ComboBox::from_id_salt("store_selector")
            .selected_text(current)
            .width(ui.available_width() - 8.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(app.session.link == Link::Local, "💻 Local (this machine)")
                    .clicked()
                    && app.session.link != Link::Local
                {
                    app.act(Action::Request(Intent::SwitchStore(StoreTarget::Local)));
                }
                if ui
                    .selectable_label(
                        matches!(app.session.link, Link::Server { .. }),
                        "🌐 Team server…",
                    )
                    .clicked()
                {
                    app.open_server_form();
                }
            });
    });
    if let Some(url) = app.session.connecting() {
        let host = host_of(url);
        let url = url.to_owned();
        ui.horizontal(|ui| {
            ui.spinner();
            ui.add(
                egui::Label::new(RichText::new(format!("Connecting to {host}…")).weak()).truncate(),
            )
            .on_hover_text(url);
        });
    }
    if let Some(problem) = &app.session.offline {
        let problem = problem.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new("⚠ Server unreachable: working locally")
                    .color(ui.visuals().warn_fg_color),
            )
            .on_hover_text(problem);
            if ui.small_button("Retry").clicked() {
                app.act(Action::RetryServer);
            }
        });
    }
}

/// The "Team server" window: URL and token (kept in the app settings).
pub fn server_window(app: &mut IdflowApp, ctx: &egui::Context) {
    let connecting = app.session.connecting().is_some();
    let Some(form) = app.server_form.as_mut() else {
        return;
    };
    let mut connect = false;
    let mut close = false;
    egui::Modal::new(egui::Id::new("server_form")).show(ctx, |ui| {
        ui.set_max_width(440.0);
        ui.heading("Team server");
        ui.label(
            RichText::new(
                "Work on the team's store: drafts others can review, publishing for everyone. \
                 The URL and token are kept in idflow's settings, never in workflow files.",
            )
            .weak(),
        );
        ui.add_space(theme::SPACING);
        egui::Grid::new("server_form_grid")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Server URL");
                ui.add(
                    egui::TextEdit::singleline(&mut form.url)
                        .hint_text("http://127.0.0.1:8080")
                        .desired_width(300.0),
                );
                ui.end_row();
                ui.label("Token");
                ui.add(
                    egui::TextEdit::singleline(&mut form.token)
                        .password(true)
                        .hint_text("from idflow token create")
                        .desired_width(300.0),
                );
                ui.end_row();
            });
        if let Some(failure) = &form.failure {
            ui.add_space(theme::SPACING);
            ui.label(RichText::new(failure).color(ui.visuals().error_fg_color));
        }
        ui.add_space(theme::SPACING);
        ui.horizontal(|ui| {
            let ready = !form.url.trim().is_empty() && !form.token.trim().is_empty();
            let label = if connecting {
                "Connecting…"
            } else {
                "Connect"
            };
            if ui
                .add_enabled(ready && !connecting, egui::Button::new(label))
                .clicked()
            {
                connect = true;
            }
            if connecting {
                ui.spinner();
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close {
        app.server_form = None;
    } else if connect {
        let target = StoreTarget::Server {
            url: form.url.trim().to_owned(),
            token: form.token.trim().to_owned(),
        };
        app.act(Action::Request(Intent::SwitchStore(target)));
    }
}

/// The host (and port) of a server URL, for display.
pub fn host_of(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split('/').next().unwrap_or(rest).to_owned()
}
