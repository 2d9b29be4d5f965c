//! Modal dialogs (welcome, publish confirmation, unsaved changes, recovery,
//! conflict, errors) and the floating windows (versions, shortcuts, quick add, toast).

use std::path::PathBuf;

use egui::{Id, Modal, RichText, Ui};
use idflow_core::catalog::palette;
use idflow_store::Origin;
use idflow_store::recovery::Recovery;

use super::compare::Side;
use super::publish::{self, Basis};
use super::session::After;
use super::session::worker::Call;
use super::{Action, IdflowApp, Intent, shortcuts};
use idflow_core::Workflow;
use idflow_view::theme;

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

pub fn show(app: &mut IdflowApp, ctx: &egui::Context) {
    let mut choice = Choice::None;
    if matches!(app.dialog, Some(Dialog::ConfirmPublish(_))) {
        choice = confirm_publish(app, ctx);
    } else if let Some(dialog) = &app.dialog {
        let name = app.doc.workflow().name.clone();
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
                        let can_save = !app.doc.read_only();
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
                Dialog::Welcome => choice = welcome(app, ui),
            }
        });
    }
    apply(app, choice);
    versions(app, ctx);
    shortcuts_window(app, ctx);
    quick_add(app, ctx);
    connect_to(app, ctx);
    toast(app, ctx);
}

/// The first start's choices: a new workflow, a custom copy of a Global
/// one, a file, or recent work; or a look around the Global workflows.
fn welcome(app: &IdflowApp, ui: &mut egui::Ui) -> Choice {
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
    for w in app
        .session
        .workflows
        .iter()
        .filter(|w| w.origin == Origin::Global)
    {
        if ui.button(format!("{} · {}", w.key, w.name)).clicked() {
            choice = Choice::Then(Intent::NewFrom(w.key));
        }
    }
    let recent: Vec<_> = app
        .session
        .workflows
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

fn apply(app: &mut IdflowApp, choice: Choice) {
    match choice {
        Choice::None => {}
        Choice::Close => app.dialog = None,
        Choice::Then(intent) => {
            app.dialog = None;
            app.act(Action::Request(intent));
        }
        Choice::OpenFilePicker => {
            app.dialog = None;
            if let Some(path) = rfd::FileDialog::new()
                .add_filter("Workflow", &["ron", "json"])
                .pick_file()
            {
                app.act(Action::Request(Intent::OpenFile(path)));
            }
        }
        Choice::Publish(note) => {
            app.dialog = None;
            app.act(Action::Publish(note));
        }
        Choice::SaveThen(intent) => {
            app.dialog = None;
            app.act(Action::SaveThen(intent));
        }
        Choice::DiscardThen(intent) => {
            app.dialog = None;
            app.act(Action::DiscardThen(intent));
        }
        Choice::Restore(i) => {
            if let Some(super::dialogs::Dialog::Recovery(mut found)) = app.dialog.take()
                && i < found.len()
            {
                let (_, r) = found.remove(i);
                app.restore(r);
                if !found.is_empty() {
                    app.dialog = Some(Dialog::Recovery(found));
                }
            }
        }
        Choice::DiscardRecovery => {
            if let Some(Dialog::Recovery(found)) = app.dialog.take() {
                for (_, r) in found {
                    idflow_store::recovery::remove(&app.session.recovery_root, &r.from);
                }
            }
        }
        Choice::ReloadTheirs(key) => {
            app.dialog = None;
            app.perform(Intent::OpenKey(key));
        }
        Choice::SaveMineAsCopy => {
            app.dialog = None;
            app.act(Action::SaveAsCopy);
        }
    }
}

/// The publish dialog (publish.rs draws its body).
fn confirm_publish(app: &mut IdflowApp, ctx: &egui::Context) -> Choice {
    app.advance_publish_review();
    let what = format!("“{}” ({})", app.doc.workflow().name, app.doc.workflow().key);
    let dirty = app.doc.is_dirty();
    let warnings = super::publish::warnings_of(&app.doc.lint().findings);
    let Some(Dialog::ConfirmPublish(review)) = app.dialog.as_mut() else {
        return Choice::None;
    };
    let mut picked = super::publish::PublishChoice::None;
    Modal::new(Id::new("dialog")).show(ctx, |ui| {
        // A fixed width: content that fills the width would otherwise grow
        // the dialog a little more every frame.
        ui.set_width(560.0);
        ui.heading("Publish");
        ui.add_space(theme::SPACING);
        picked = super::publish::body(ui, review, &what, dirty, &warnings);
    });
    match picked {
        super::publish::PublishChoice::None => Choice::None,
        super::publish::PublishChoice::Cancel => Choice::Close,
        super::publish::PublishChoice::Publish => {
            let note = review.note.trim().to_owned();
            if let Some(author) = review.author.as_ref().map(|a| a.trim().to_owned())
                && author != app.session.settings.display_name
            {
                app.session.settings.display_name = author;
                app.session.save_settings();
            }
            Choice::Publish(note)
        }
    }
}

/// The publish dialog's state: opened, then filled as the versions and
/// the last version arrive (publish.rs draws it).
impl IdflowApp {
    pub fn open_publish_dialog(&mut self) {
        let author = (self.session.link == super::Link::Local).then(|| {
            let name = self.session.settings.display_name.trim();
            if name.is_empty() {
                idflow_store::os_user()
            } else {
                name.to_owned()
            }
        });
        self.dialog = Some(Dialog::ConfirmPublish(Box::new(publish::PublishReview {
            note: String::new(),
            author,
            basis: Basis::Unknown,
        })));
        self.advance_publish_review();
    }

    /// Asks for what the dialog shows: the versions, then the latest one.
    pub(super) fn advance_publish_review(&mut self) {
        let Some(key) = self.doc.key() else { return };
        let Some(Dialog::ConfirmPublish(review)) = &self.dialog else {
            return;
        };
        if !matches!(review.basis, Basis::Unknown) {
            return;
        }
        let Some(history) = self.session.versions(key) else {
            return;
        };
        let basis = match history.last().map(|v| v.number) {
            None => Basis::First,
            Some(number) => {
                self.session.call(
                    Call::Version(key, number),
                    After::PublishBasis { key, number },
                );
                Basis::Reading(number)
            }
        };
        if let Some(Dialog::ConfirmPublish(review)) = &mut self.dialog {
            review.basis = basis;
        }
    }

    /// The last version arrived: compare the draft with it.
    pub(super) fn publish_basis(
        &mut self,
        key: u32,
        number: u32,
        result: Result<Workflow, String>,
    ) {
        if self.doc.key() != Some(key) {
            return;
        }
        let current = self.doc.workflow();
        let basis = match result {
            Ok(last) => publish::against(number, &last, current),
            Err(message) => Basis::Failed(message),
        };
        if let Some(Dialog::ConfirmPublish(review)) = &mut self.dialog {
            review.basis = basis;
        }
    }
}

fn versions(app: &mut IdflowApp, ctx: &egui::Context) {
    if !app.versions_open {
        return;
    }
    let Some(key) = app.doc.key() else { return };
    let history = app.session.versions(key).map(<[_]>::to_vec);
    let mut open = app.versions_open;
    let mut intent = None;
    let mut action = None;
    let mut picks = app.compare_pick.clone();
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
                                ui.label(RichText::new(format!("by {}", v.author)).small().weak());
                            }
                            if !v.authors.is_empty() {
                                ui.label(
                                    RichText::new(format!("written by {}", v.authors.join(", ")))
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
    app.versions_open = open;
    app.compare_pick = picks;
    if let Some(intent) = intent {
        app.act(Action::Request(intent));
    }
    if let Some(action) = action {
        app.act(action);
    }
    if let Some((a, b)) = compare {
        app.compare_pick.clear();
        app.compare(a, b);
    }
}

fn shortcuts_window(app: &mut IdflowApp, ctx: &egui::Context) {
    let mut open = app.shortcuts_open;
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
    app.shortcuts_open = open;
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

fn quick_add(app: &mut IdflowApp, ctx: &egui::Context) {
    let Some(query) = app.quick_add.as_mut() else {
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
        Picked::Closed => app.quick_add = None,
        Picked::Chosen(i) => {
            if let Some(entry) = palette().get(i)
                // After the selected step, wired in, on a free spot (insert.rs).
                && let Err(refusal) =
                    app.canvas
                        .quick_add(&mut app.doc, entry.kind.clone(), entry.title)
            {
                app.canvas.refuse(refusal);
            }
            app.canvas.request_keyboard_focus();
            app.quick_add = None;
        }
    }
}

/// "Connect to…" (Ctrl+K): wires the selected step's free port to a step
/// chosen by name.
fn connect_to(app: &mut IdflowApp, ctx: &egui::Context) {
    let Some(query) = app.connect_to.as_mut() else {
        return;
    };
    let doc = &app.doc;
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
        Picked::Closed => app.connect_to = None,
        Picked::Chosen(to) => {
            if let Err(why) = app.doc.connect_selected_to(&to) {
                app.notify(ctx, why.to_string(), true);
            }
            app.canvas.request_keyboard_focus();
            app.connect_to = None;
        }
    }
}

fn toast(app: &mut IdflowApp, ctx: &egui::Context) {
    let now = ctx.input(|i| i.time);
    let Some(t) = &mut app.toast else { return };
    if t.until == f64::MAX {
        t.until = now + if t.error { 8.0 } else { 4.0 };
    }
    if now > t.until {
        app.toast = None;
        return;
    }
    let (text, error) = (t.text.clone(), t.error);
    egui::Area::new(Id::new("toast"))
        .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -190.0))
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                let color = if error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().strong_text_color()
                };
                ui.label(RichText::new(text).color(color));
            });
        });
    ctx.request_repaint_after(std::time::Duration::from_millis(500));
}
