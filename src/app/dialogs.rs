//! Modal dialogs (welcome, publish confirmation, unsaved changes, recovery,
//! conflict, errors) and the floating windows (versions, shortcuts, quick
//! add, connect to, the team server's form), with the toasts drawn among
//! them. `Dialogs` keeps which are open and what is typed in them.

use std::path::PathBuf;

use egui::{Id, Modal, RichText, Ui};
use idflow_core::catalog::palette;
use idflow_store::recovery::Recovery;
use idflow_store::{Origin, WorkflowSummary};

use super::compare::Side;
use super::link::{Link, ServerForm, StoreTarget};
use super::panel::Cx;
use super::publish::{self, Basis, PublishReview};
use super::replies::After;
use super::session::{Requested, Session};
use super::{Action, Intent, shortcuts};
use crate::document::Document;
use idflow_view::theme;

/// A window a panel or a key can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Shortcuts,
    QuickAdd,
    ConnectTo,
    /// The "Team server" form, filled with the settings.
    ServerForm,
    /// The publish dialog.
    Publish,
}

/// The dialogs and windows: which are open, and what is typed in them.
#[derive(Default)]
pub struct Dialogs {
    /// The modal dialog, while one is open.
    modal: Option<Dialog>,
    versions_open: bool,
    /// The sides ticked in the Versions window for a comparison.
    compare_pick: Vec<Side>,
    shortcuts_open: bool,
    /// The quick add picker's query while it is open.
    quick_add: Option<String>,
    /// The "Connect to…" picker's query while it is open.
    connect_to: Option<String>,
    /// The "Team server" window's fields while it is open.
    pub server_form: Option<ServerForm>,
    /// The user chose to quit: unsaved changes were saved or given up.
    quitting: bool,
}

pub enum Dialog {
    /// Asks before publishing the next version: what it changes, the open
    /// warnings, and a note.
    ConfirmPublish(Box<super::publish::PublishReview>),
    Unsaved(Intent),
    Recovery(Vec<(PathBuf, Recovery)>),
    Conflict {
        key: u32,
        expected: u64,
        current: u64,
    },
    Error(String),
    /// The first start: what a new user can do (issue 14).
    Welcome,
}

impl Dialog {
    pub fn title(&self) -> &'static str {
        match self {
            Dialog::ConfirmPublish(_) => "Publish",
            Dialog::Unsaved(_) => "Unsaved changes",
            Dialog::Recovery(_) => "Restore unsaved work?",
            Dialog::Conflict { .. } => "Changed elsewhere",
            Dialog::Error(_) => "Something went wrong",
            Dialog::Welcome => "Welcome to idflow",
        }
    }
}

enum Choice {
    None,
    Close,
    Publish(String),
    SaveThen(Intent),
    DiscardThen(Intent),
    Restore(usize),
    DiscardRecovery,
    ReloadTheirs(u32),
    SaveMineAsCopy,
    /// Close the dialog, then do this (nothing unsaved can be at stake).
    Then(Intent),
    OpenFilePicker,
}

impl Dialogs {
    /// Opens `dialog` in place of any other.
    pub fn open(&mut self, dialog: Dialog) {
        self.modal = Some(dialog);
    }

    /// The open modal dialog's title.
    pub fn title(&self) -> Option<&'static str> {
        self.modal.as_ref().map(Dialog::title)
    }

    /// Whether a modal dialog is open (it takes the keyboard).
    pub fn modal_open(&self) -> bool {
        self.modal.is_some()
    }

    /// Opens `window` (the publish dialog and the server form are filled
    /// from the session).
    pub fn show_window(&mut self, window: Window, session: &Session<After>) {
        match window {
            Window::Shortcuts => self.shortcuts_open = true,
            Window::QuickAdd => self.quick_add = Some(String::new()),
            Window::ConnectTo => self.connect_to = Some(String::new()),
            Window::ServerForm => {
                self.server_form = Some(ServerForm {
                    url: session.settings.server_url.clone(),
                    token: session.settings.server_token.clone(),
                    failure: None,
                })
            }
            Window::Publish => self.open_publish(session),
        }
    }

    pub fn toggle_versions(&mut self) {
        self.versions_open = !self.versions_open;
    }

    /// Closes the pickers (Esc).
    pub fn close_pickers(&mut self) {
        self.quick_add = None;
        self.connect_to = None;
    }

    /// Another document is shown: the Versions window was of the one
    /// before.
    pub fn document_replaced(&mut self) {
        self.versions_open = false;
        self.compare_pick.clear();
    }

    /// A close of the window asked for while there are unsaved changes is
    /// held back to ask about them first (until the user chose).
    pub fn hold_close(&mut self, ctx: &egui::Context, dirty: bool) {
        if ctx.input(|i| i.viewport().close_requested()) && dirty && !self.quitting {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.modal = Some(Dialog::Unsaved(Intent::Quit));
        }
        if self.quitting {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// The user chose to quit: the window closes on the next frame.
    pub fn quit(&mut self) {
        self.quitting = true;
    }

    /// The dialogs, windows and toasts of this frame.
    pub fn show(&mut self, ctx: &egui::Context, cx: &mut Cx<'_>) {
        let mut choice = Choice::None;
        if matches!(self.modal, Some(Dialog::ConfirmPublish(_))) {
            choice = self.confirm_publish(ctx, cx);
        } else if let Some(dialog) = &self.modal {
            let name = cx.doc.workflow().name.clone();
            let read_only = cx.doc.read_only();
            let workflows = &cx.session.workflows;
            Modal::new(Id::new("dialog")).show(ctx, |ui| {
                ui.set_max_width(460.0);
                ui.heading(dialog.title());
                ui.add_space(theme::SPACING);
                match dialog {
                    Dialog::ConfirmPublish(_) => {}
                    Dialog::Unsaved(intent) => {
                        ui.label(format!("“{name}” has unsaved changes."));
                        ui.add_space(theme::SPACING);
                        ui.horizontal(|ui| {
                            let can_save = !read_only;
                            if ui.add_enabled(can_save, egui::Button::new("Save")).clicked() {
                                choice = Choice::SaveThen(intent.clone());
                            }
                            if ui.button("Discard changes").clicked() {
                                choice = Choice::DiscardThen(intent.clone());
                            }
                            if ui.button("Cancel").clicked() {
                                choice = Choice::Close;
                            }
                        });
                    }
                    Dialog::Recovery(found) => {
                        ui.label("idflow did not close cleanly last time. Unsaved work was autosaved:");
                        for (i, (path, r)) in found.iter().enumerate() {
                            ui.horizontal(|ui| {
                                ui.label(RichText::new(format!("{} ({})", r.workflow.name, r.workflow.key)).strong());
                                if ui.button("Restore").clicked() {
                                    choice = Choice::Restore(i);
                                }
                            })
                            .response
                            .on_hover_text(path.display().to_string());
                        }
                        ui.add_space(theme::SPACING);
                        if ui.button("Discard autosaved work").clicked() {
                            choice = Choice::DiscardRecovery;
                        }
                    }
                    Dialog::Conflict { key, expected, current } => {
                        ui.label(format!(
                            "Workflow {key} was saved elsewhere (revision {current}) since you opened revision {expected}. Nothing was overwritten."
                        ));
                        ui.horizontal(|ui| {
                            if ui.button("Reload theirs").clicked() {
                                choice = Choice::ReloadTheirs(*key);
                            }
                            if ui.button("Save mine as a new copy").clicked() {
                                choice = Choice::SaveMineAsCopy;
                            }
                            if ui.button("Cancel").clicked() {
                                choice = Choice::Close;
                            }
                        });
                    }
                    Dialog::Error(message) => {
                        ui.label(RichText::new(message).color(ui.visuals().error_fg_color));
                        if ui.button("OK").clicked() {
                            choice = Choice::Close;
                        }
                    }
                    Dialog::Welcome => choice = welcome(workflows, ui),
                }
            });
        }
        self.apply(choice, cx);
        self.versions(ctx, cx);
        self.shortcuts_window(ctx);
        self.quick_add(ctx, cx);
        self.connect_to(ctx, cx);
        cx.toasts.show(ctx);
        server_window(ctx, &mut self.server_form, cx);
    }
}

/// The first start's choices: a new workflow, a custom copy of a Global
/// one, a file, or recent work; or a look around the Global workflows.
fn welcome(workflows: &[WorkflowSummary], ui: &mut egui::Ui) -> Choice {
    let mut choice = Choice::None;
    ui.label(
        "Design the workflows the identity-verification platform runs: draw the flow, \
         configure each step, let lint catch what the platform would reject, test-run it \
         and publish. The Global workflows are the platform's standard ones, read-only: \
         customise a copy.",
    );
    ui.add_space(theme::SPACING);
    if ui.button("New blank workflow").clicked() {
        choice = Choice::Then(Intent::NewBlank);
    }
    ui.add_space(theme::SPACING * 0.5);
    ui.label(RichText::new("Customise a Global workflow").strong());
    for w in workflows.iter().filter(|w| w.origin == Origin::Global) {
        if ui.button(format!("{} · {}", w.key, w.name)).clicked() {
            choice = Choice::Then(Intent::NewFrom(w.key));
        }
    }
    let recent: Vec<_> = workflows
        .iter()
        .filter(|w| w.origin == Origin::Custom && !w.archived)
        .rev()
        .take(5)
        .collect();
    if !recent.is_empty() {
        ui.add_space(theme::SPACING * 0.5);
        ui.label(RichText::new("Your workflows").strong());
        for w in recent {
            if ui.button(format!("{} · {}", w.key, w.name)).clicked() {
                choice = Choice::Then(Intent::OpenKey(w.key));
            }
        }
    }
    ui.add_space(theme::SPACING);
    ui.horizontal(|ui| {
        if ui.button("Open a file…").clicked() {
            choice = Choice::OpenFilePicker;
        }
        if ui.button("Look around first").clicked() {
            choice = Choice::Close;
        }
    });
    choice
}

impl Dialogs {
    fn apply(&mut self, choice: Choice, cx: &mut Cx<'_>) {
        match choice {
            Choice::None => {}
            Choice::Close => self.modal = None,
            Choice::Then(intent) => {
                self.modal = None;
                cx.act(Action::Request(intent));
            }
            Choice::OpenFilePicker => {
                self.modal = None;
                if let Some(path) = rfd::FileDialog::new()
                    .add_filter("Workflow", &["ron", "json"])
                    .pick_file()
                {
                    cx.act(Action::Request(Intent::OpenFile(path)));
                }
            }
            Choice::Publish(note) => {
                self.modal = None;
                cx.act(Action::Publish(note));
            }
            Choice::SaveThen(intent) => {
                self.modal = None;
                cx.act(Action::SaveThen(intent));
            }
            Choice::DiscardThen(intent) => {
                self.modal = None;
                cx.act(Action::DiscardThen(intent));
            }
            Choice::Restore(i) => {
                if let Some(Dialog::Recovery(mut found)) = self.modal.take()
                    && i < found.len()
                {
                    let (_, r) = found.remove(i);
                    cx.act(Action::RestoreRecovery(Box::new(r)));
                    if !found.is_empty() {
                        self.modal = Some(Dialog::Recovery(found));
                    }
                }
            }
            Choice::DiscardRecovery => {
                if let Some(Dialog::Recovery(found)) = self.modal.take() {
                    for (_, r) in found {
                        idflow_store::recovery::remove(&cx.session.recovery_root, &r.from);
                    }
                }
            }
            Choice::ReloadTheirs(key) => {
                self.modal = None;
                cx.act(Action::Perform(Intent::OpenKey(key)));
            }
            Choice::SaveMineAsCopy => {
                self.modal = None;
                cx.act(Action::SaveAsCopy);
            }
        }
    }

    /// The publish dialog (publish.rs draws its body).
    fn confirm_publish(&mut self, ctx: &egui::Context, cx: &mut Cx<'_>) -> Choice {
        let Some(Dialog::ConfirmPublish(review)) = self.modal.as_mut() else {
            return Choice::None;
        };
        advance_publish_review(review, cx.session, cx.doc);
        let what = format!("“{}” ({})", cx.doc.workflow().name, cx.doc.workflow().key);
        let dirty = cx.doc.is_dirty();
        let warnings = publish::warnings_of(&cx.doc.lint().findings);
        let mut picked = publish::PublishChoice::None;
        Modal::new(Id::new("dialog")).show(ctx, |ui| {
            // A fixed width: content that fills the width would otherwise grow
            // the dialog a little more every frame.
            ui.set_width(560.0);
            ui.heading("Publish");
            ui.add_space(theme::SPACING);
            picked = publish::body(ui, review, &what, dirty, &warnings);
        });
        match picked {
            publish::PublishChoice::None => Choice::None,
            publish::PublishChoice::Cancel => Choice::Close,
            publish::PublishChoice::Publish => {
                let note = review.note.trim().to_owned();
                let settings = &mut cx.session.settings;
                if let Some(author) = review.author.as_ref().map(|a| a.trim().to_owned())
                    && author != settings.display_name
                {
                    settings.display_name = author;
                    cx.session.save_settings();
                }
                Choice::Publish(note)
            }
        }
    }

    /// Opens the publish dialog; it fills in as the versions and the
    /// last version arrive.
    fn open_publish(&mut self, session: &Session<After>) {
        let author = (session.link == Link::Local).then(|| {
            let name = session.settings.display_name.trim();
            if name.is_empty() {
                idflow_store::os_user()
            } else {
                name.to_owned()
            }
        });
        self.modal = Some(Dialog::ConfirmPublish(Box::new(PublishReview {
            note: String::new(),
            author,
            basis: Basis::Unknown,
        })));
    }
    fn versions(&mut self, ctx: &egui::Context, cx: &mut Cx<'_>) {
        if !self.versions_open {
            return;
        }
        let Some(key) = cx.doc.key() else { return };
        let history = cx.session.versions(key).map(<[_]>::to_vec);
        let mut open = self.versions_open;
        let mut intent = None;
        let mut action = None;
        let mut picks = self.compare_pick.clone();
        let mut compare = None;
        egui::Window::new("Versions")
            .open(&mut open)
            .default_width(560.0)
            .show(ctx, |ui| {
                let Some(history) = history else {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(RichText::new("Reading the versions…").weak());
                    });
                    return;
                };
                if history.is_empty() {
                    ui.label(RichText::new("Not published yet.").weak());
                }
                let mut pick = |ui: &mut Ui, side: Side, label: String| {
                    let mut on = picks.contains(&side);
                    if ui
                        .checkbox(&mut on, RichText::new(label).strong())
                        .on_hover_text("Tick two to compare them")
                        .changed()
                    {
                        picks.retain(|s| *s != side);
                        if on {
                            picks.push(side);
                        }
                    }
                };
                egui::Grid::new("versions_grid")
                    .striped(true)
                    .num_columns(4)
                    .show(ui, |ui| {
                        pick(ui, Side::Draft, "Draft".to_owned());
                        ui.label(RichText::new("as open now").weak());
                        ui.label("");
                        ui.label("");
                        ui.end_row();
                        for v in history.iter().rev() {
                            pick(ui, Side::Version(v.number), format!("v{}", v.number));
                            ui.vertical(|ui| {
                                ui.label(RichText::new(&v.published_at).small())
                                    .on_hover_text(format!("sha256 {}", v.sha256));
                                if !v.author.is_empty() {
                                    ui.label(
                                        RichText::new(format!("by {}", v.author)).small().weak(),
                                    );
                                }
                                if !v.authors.is_empty() {
                                    ui.label(
                                        RichText::new(format!(
                                            "written by {}",
                                            v.authors.join(", ")
                                        ))
                                        .small()
                                        .weak(),
                                    );
                                }
                                if !v.approved_by.is_empty() {
                                    ui.label(
                                        RichText::new(format!("approved by {}", v.approved_by))
                                            .small()
                                            .weak(),
                                    );
                                }
                            });
                            ui.add(
                                egui::Label::new(if v.note.is_empty() {
                                    RichText::new("no note").small().weak()
                                } else {
                                    RichText::new(&v.note).small()
                                })
                                .wrap(),
                            );
                            ui.horizontal(|ui| {
                                if ui.button("Open").on_hover_text("Open read-only").clicked() {
                                    intent = Some(Intent::OpenVersion(key, v.number));
                                }
                                if ui.button("Restore as draft").clicked() {
                                    action = Some(Action::Restore {
                                        key,
                                        number: v.number,
                                    });
                                }
                                if ui
                                    .button("Duplicate")
                                    .on_hover_text("Copy into a new custom workflow")
                                    .clicked()
                                {
                                    action = Some(Action::DuplicateVersion {
                                        key,
                                        number: v.number,
                                    });
                                }
                            });
                            ui.end_row();
                        }
                    });
                ui.add_space(theme::SPACING * 0.5);
                let ready = picks.len() == 2;
                let label = match picks.as_slice() {
                    [a, b] => format!("Compare {} and {}", a.words(), b.words()),
                    _ => "Compare (tick two)".to_owned(),
                };
                if ui.add_enabled(ready, egui::Button::new(label)).clicked()
                    && let [a, b] = picks.as_slice()
                {
                    compare = Some((*a, *b));
                }
            });
        self.versions_open = open;
        self.compare_pick = picks;
        if let Some(intent) = intent {
            cx.act(Action::Request(intent));
        }
        if let Some(action) = action {
            cx.act(action);
        }
        if let Some((a, b)) = compare {
            self.compare_pick.clear();
            self.versions_open = false;
            cx.act(Action::Compare(a, b));
        }
    }

    fn shortcuts_window(&mut self, ctx: &egui::Context) {
        let mut open = self.shortcuts_open;
        egui::Window::new("Shortcuts")
            .open(&mut open)
            .resizable(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for (keys, what) in shortcuts::SHORTCUTS {
                            ui.label(RichText::new(*keys).monospace().strong());
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
            });
        self.shortcuts_open = open;
    }
}

/// What a picker window (quick add, connect to) was answered with.
enum Picked<T> {
    Open,
    Closed,
    Chosen(T),
}

/// A window with a filter field and the matching entries: Enter takes the
/// first match, a click any, Esc closes. `entries` gets the lowercase
/// query and returns `(value, label)` pairs.
fn picker<T: Clone>(
    ctx: &egui::Context,
    title: &str,
    hint: &str,
    query: &mut String,
    entries: impl FnOnce(&str) -> Vec<(T, String)>,
) -> Picked<T> {
    let mut picked = Picked::Open;
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 80.0))
        .show(ctx, |ui| {
            let edit = ui.add(
                egui::TextEdit::singleline(query)
                    .hint_text(hint)
                    .desired_width(320.0),
            );
            edit.request_focus();
            let matches = entries(&query.to_lowercase());
            if ui.input(|i| i.key_pressed(egui::Key::Enter))
                && let Some((value, _)) = matches.first()
            {
                picked = Picked::Chosen(value.clone());
            }
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                picked = Picked::Closed;
            }
            for (value, label) in matches {
                if ui.selectable_label(false, label).clicked() {
                    picked = Picked::Chosen(value);
                }
            }
        });
    picked
}

impl Dialogs {
    fn quick_add(&mut self, ctx: &egui::Context, cx: &mut Cx<'_>) {
        let Some(query) = self.quick_add.as_mut() else {
            return;
        };
        let picked = picker(
            ctx,
            "Quick add",
            "Type to find a component…",
            query,
            |q| {
                palette()
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.title.to_lowercase().contains(q))
                    .map(|(i, e)| (i, format!("+ {}", e.title)))
                    .collect()
            },
        );
        match picked {
            Picked::Open => {}
            Picked::Closed => self.quick_add = None,
            Picked::Chosen(i) => {
                if let Some(entry) = palette().get(i)
                // After the selected step, wired in, on a free spot (insert.rs).
                && let Err(refusal) =
                    cx.canvas
                        .quick_add(cx.doc, entry.kind.clone(), entry.title)
                {
                    cx.canvas.refuse(refusal);
                }
                cx.canvas.request_keyboard_focus();
                self.quick_add = None;
            }
        }
    }

    /// "Connect to…" (Ctrl+K): wires the selected step's free port to a step
    /// chosen by name.
    fn connect_to(&mut self, ctx: &egui::Context, cx: &mut Cx<'_>) {
        let Some(query) = self.connect_to.as_mut() else {
            return;
        };
        let doc = &*cx.doc;
        let from = doc.single_selected().map(|n| &n.id);
        let picked = picker(ctx, "Connect to…", "Type a step's name…", query, |q| {
            doc.workflow()
                .nodes
                .iter()
                .filter(|n| Some(&n.id) != from)
                .map(|n| (n.id.clone(), idflow_view::card::title(n)))
                .filter(|(id, title)| title.to_lowercase().contains(q) || id.as_str().contains(q))
                .map(|(id, title)| (id, format!("→ {title}")))
                .collect()
        });
        match picked {
            Picked::Open => {}
            Picked::Closed => self.connect_to = None,
            Picked::Chosen(to) => {
                if let Err(why) = cx.doc.connect_selected_to(&to) {
                    cx.toasts.notify(why.to_string(), true);
                }
                cx.canvas.request_keyboard_focus();
                self.connect_to = None;
            }
        }
    }
}

/// Fills in what the publish dialog shows as the store answers: the
/// versions, then the last one, compared with the draft once read.
fn advance_publish_review(
    review: &mut PublishReview,
    session: &mut Session<After>,
    doc: &Document,
) {
    let Some(key) = doc.key() else { return };
    if !matches!(review.basis, Basis::Unknown | Basis::Reading(_)) {
        return;
    }
    let last = match session.versions(key) {
        None => return,
        Some(history) => history.last().map(|v| v.number),
    };
    review.basis = match last {
        None => Basis::First,
        Some(number) => match session.version(key, number) {
            Requested::Pending(_) => Basis::Reading(number),
            Requested::Failed(message) => Basis::Failed(message.clone()),
            Requested::Ready(last) => publish::against(number, last, doc.workflow()),
        },
    };
}

/// The "Team server" window: URL and token (kept in the app settings).
fn server_window(ctx: &egui::Context, open: &mut Option<ServerForm>, cx: &mut Cx<'_>) {
    let connecting = cx.session.connecting().is_some();
    let Some(form) = open.as_mut() else {
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
        *open = None;
    } else if connect {
        let target = StoreTarget::Server {
            url: form.url.trim().to_owned(),
            token: form.token.trim().to_owned(),
        };
        cx.act(Action::Request(Intent::SwitchStore(target)));
    }
}
