//! The left side: the store selector, the workflow browser (Global /
//! Custom tabs) and the component panel; and the read-only banner above
//! the canvas.

use egui::{RichText, Sense, Ui};
use idflow_core::catalog::{self, PaletteGroup};
use idflow_core::model::{NodeKind, Position};
use idflow_store::{Origin, Status};
use idflow_view::{theme, words};

use super::canvas::PaletteDrag;
use super::focus::{self, Region};
use super::link::{self, Link, StoreTarget};
use super::panel::{Cx, View};
use super::{Action, BrowserTab, Intent, Window};
use crate::document::Source;

/// The left side: the store selector, the workflow browser and the
/// component panel.
pub struct Components {
    /// The browser's tab.
    pub tab: BrowserTab,
    /// What the component panel is filtered by.
    pub search: String,
}

impl Components {
    pub fn new(tab: BrowserTab) -> Components {
        Components {
            tab,
            search: String::new(),
        }
    }
}

impl View for Components {
    fn ui(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        self.browser(ui, cx);
        ui.add_space(theme::SPACING);
        self.palette(ui, cx);
    }
}

impl Components {
    fn browser(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        ui.add_space(4.0);
        store_selector(ui, cx);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let global = ui.selectable_value(&mut self.tab, BrowserTab::Global, "Global");
            focus::set_anchor(ui.ctx(), Region::Browser, global.id);
            ui.selectable_value(&mut self.tab, BrowserTab::Custom, "Custom");
            let archived = cx.session.workflows.iter().filter(|w| w.archived).count();
            if archived > 0 || self.tab == BrowserTab::Archived {
                ui.selectable_value(&mut self.tab, BrowserTab::Archived, "Archived")
                    .on_hover_text(format!(
                        "{archived} archived custom workflow(s): right-click one to list it again"
                    ));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("+ New")
                    .on_hover_text("New blank workflow")
                    .clicked()
                {
                    cx.act(Action::Request(Intent::NewBlank));
                }
            });
        });
        let tab = self.tab;
        let open_key = cx.doc.key();
        let items: Vec<_> = cx
            .session
            .workflows
            .iter()
            .filter(|w| match tab {
                BrowserTab::Global => w.origin == Origin::Global,
                BrowserTab::Custom => w.origin == Origin::Custom && !w.archived,
                BrowserTab::Archived => w.archived,
            })
            .cloned()
            .collect();
        let mut archive = None;
        egui::ScrollArea::vertical()
        .id_salt("browser")
        .max_height(ui.available_height() * 0.38)
        .show(ui, |ui| {
            if items.is_empty() && tab == BrowserTab::Custom {
                ui.label(
                    RichText::new("No custom workflows yet: New, or duplicate a Global one.")
                        .weak()
                        .small(),
                );
            }
            for w in items {
                let selected =
                    open_key == Some(w.key) && !matches!(cx.doc.source, Source::Version { .. });
                let opening = cx.session.opening() == Some(w.key);
                let status = match (w.status, w.latest_version) {
                    _ if opening => "opening…".to_owned(),
                    // A file of it is missing, unreadable or altered:
                    // opening it names the file.
                    (Status::Damaged, _) => "⚠ damaged".to_owned(),
                    (Status::Published, Some(v)) => format!("v{v}"),
                    (_, Some(v)) => format!("draft · v{v}"),
                    _ => "draft".to_owned(),
                };
                let text = format!("{}  {}", w.key, w.name);
                let response = ui
                    .add(
                        egui::Button::selectable(selected, RichText::new(text))
                            .right_text(RichText::new(status).small().weak())
                            .truncate(),
                    )
                    .on_hover_text(if w.status == Status::Damaged {
                        format!(
                            "{}: a file of this workflow is missing, unreadable or was altered outside idflow; open it to see which",
                            w.name
                        )
                    } else {
                        w.name.clone()
                    });
                if response.clicked() && !selected {
                    cx.act(Action::Request(Intent::OpenKey(w.key)));
                }
                if w.origin == Origin::Custom {
                    response.context_menu(|ui| {
                        let (label, hint) = if w.archived {
                            ("Unarchive", "List it under Custom again")
                        } else {
                            (
                                "Archive",
                                "Hide it from Custom; its draft and versions are kept",
                            )
                        };
                        if ui.button(label).on_hover_text(hint).clicked() {
                            archive = Some((w.key, !w.archived));
                            ui.close();
                        }
                    });
                }
            }
        });
        if let Some((key, archived)) = archive {
            cx.act(Action::SetArchived { key, archived });
        }
    }

    fn palette(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        ui.separator();
        let heading = ui.label(RichText::new("Components").strong());
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("🔍 Search: a step, capability, channel…")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(heading.id)
            .on_hover_text("Matches names, groups, credentials, channels and capabilities");
        focus::set_anchor(ui.ctx(), Region::Palette, search.id);
        let query = self.search.to_lowercase();
        let terms: Vec<&str> = query.split_whitespace().collect();
        let entries = catalog::palette();
        let mut shown = 0usize;
        let dark = ui.visuals().dark_mode;
        let editable = !cx.doc.read_only();
        egui::ScrollArea::vertical()
            .id_salt("components")
            .show(ui, |ui| {
                for &group in PaletteGroup::ALL {
                    let members: Vec<(usize, &idflow_core::catalog::PaletteEntry)> = entries
                        .iter()
                        .enumerate()
                        .filter(|(_, e)| e.group == group && matches_search(e, &terms))
                        .collect();
                    if members.is_empty() {
                        continue;
                    }
                    shown += members.len();
                    ui.add_space(4.0);
                    ui.label(RichText::new(group.title().to_uppercase()).small().weak());
                    for (index, entry) in members {
                        let color = theme::category_color(entry.kind.tag(), dark);
                        let model_mark = if entry.idflow_model {
                            words::IDFLOW_MODEL_MARK
                        } else {
                            ""
                        };
                        let button = egui::Button::new(RichText::new(format!(
                            "{}  {}{model_mark}",
                            theme::category_icon(entry.kind.tag()),
                            entry.title
                        )))
                        .fill(color.gamma_multiply(0.14))
                        .stroke(egui::Stroke::new(1.0, color.gamma_multiply(0.5)))
                        .min_size(egui::vec2(ui.available_width(), 26.0));
                        let response = ui
                            .add_enabled(editable, button)
                            .interact(Sense::click_and_drag())
                            .on_hover_text(if entry.idflow_model {
                                words::IDFLOW_MODEL_HOVER
                            } else {
                                "Drag onto the canvas, or double-click to add at the centre"
                            })
                            .on_disabled_hover_text(
                                "This workflow is read-only: duplicate it to add components",
                            );
                        if response.drag_started() {
                            egui::DragAndDrop::set_payload(ui.ctx(), PaletteDrag(index));
                        }
                        if response.double_clicked() {
                            let c = cx.canvas.view.center();
                            let at = Position::new(
                                c.x - theme::CARD_WIDTH / 2.0,
                                c.y - theme::CARD_HEIGHT / 2.0,
                            );
                            if let Err(refusal) =
                                cx.doc.add_node(entry.kind.clone(), entry.title, at)
                            {
                                cx.canvas.refuse(refusal);
                            }
                        }
                    }
                }
                if shown == 0 {
                    ui.add_space(6.0);
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!(
                                "No component matches “{}”. Try a step (selfie), a capability \
                             (liveness), a channel (API) or a group (risk signals).",
                                self.search.trim()
                            ))
                            .weak(),
                        )
                        .wrap(),
                    );
                }
            });
        // The dragged component follows the pointer.
        if let Some(payload) = egui::DragAndDrop::payload::<PaletteDrag>(ui.ctx())
            && let Some(p) = ui.ctx().pointer_latest_pos()
            && let Some(entry) = entries.get(payload.0)
        {
            egui::Area::new(egui::Id::new("palette_drag_preview"))
                .order(egui::Order::Tooltip)
                .fixed_pos(p + egui::vec2(12.0, 12.0))
                .interactable(false)
                .show(ui.ctx(), |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| ui.label(entry.title));
                });
        }
    }
}

/// Above the canvas of a read-only workflow: why, and the way out.
pub fn read_only_banner(ui: &mut Ui, cx: &mut Cx<'_>) {
    let (text, actions): (String, Vec<(&str, Intent)>) = match &cx.doc.source {
        Source::Store {
            key,
            origin: Origin::Global,
            ..
        } => (
            format!("Global workflow {key}: read-only. Duplicate it to customise."),
            vec![("Duplicate to customise", Intent::NewFrom(*key))],
        ),
        Source::Version { key, number } => (
            format!("Published version {number} of {key}: read-only."),
            vec![("Back to the draft", Intent::OpenKey(*key))],
        ),
        _ => return,
    };
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .inner_margin(egui::Margin::symmetric(12, 6))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("🔒 {text}")).strong());
                for (label, intent) in actions {
                    if ui.button(label).clicked() {
                        cx.act(Action::Request(intent));
                    }
                }
            });
        });
}

/// Whether a palette entry matches every search term: in its title, its
/// group, its kind, what its card says (credentials, channels, capabilities
/// in words) or the platform's codes for them.
fn matches_search(entry: &idflow_core::catalog::PaletteEntry, terms: &[&str]) -> bool {
    if terms.is_empty() {
        return true;
    }
    let node = idflow_core::model::Node::new(
        "search",
        idflow_core::model::Position::default(),
        entry.kind.clone(),
    );
    let card = idflow_view::card::card_text(&node);
    let mut haystack = format!(
        "{} {} {} {} {}",
        entry.title,
        entry.group.title(),
        words::kind_name(&entry.kind),
        card.subtitle,
        card.chips.join(" ")
    );
    match &entry.kind {
        NodeKind::Service(service) => {
            haystack.push_str(&format!(" {}", service.service));
            for capability in &service.capabilities {
                haystack.push_str(&format!(
                    " {capability} {}",
                    idflow_core::catalog::capability_spec(*capability).name
                ));
            }
        }
        NodeKind::RiskSignal(signal) => {
            haystack.push_str(&format!(" {}", signal.signal.capability()));
        }
        NodeKind::Acquisition(acquisition) => {
            haystack.push_str(&format!(" {}", acquisition.category));
            for channel in &acquisition.channels {
                haystack.push_str(&format!(" {channel}"));
            }
            for part in &acquisition.parts {
                haystack.push_str(&format!(" {part}"));
            }
        }
        _ => {}
    }
    let haystack = haystack.to_lowercase().replace('_', " ");
    terms
        .iter()
        .all(|term| haystack.contains(&term.replace('_', " ")))
}

/// The store selector at the top of the workflow browser.
fn store_selector(ui: &mut Ui, cx: &mut Cx<'_>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Store").weak());
        let current = match &cx.session.link {
            Link::Local => "💻 Local".to_owned(),
            Link::Server { url } => format!("🌐 {url}"),
        };
        egui::ComboBox::from_id_salt("store_selector")
            .selected_text(current)
            .width(ui.available_width() - 8.0)
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(cx.session.link == Link::Local, "💻 Local (this machine)")
                    .clicked()
                    && cx.session.link != Link::Local
                {
                    cx.act(Action::Request(Intent::SwitchStore(StoreTarget::Local)));
                }
                if ui
                    .selectable_label(
                        matches!(cx.session.link, Link::Server { .. }),
                        "🌐 Team server…",
                    )
                    .clicked()
                {
                    cx.act(Action::Show(Window::ServerForm));
                }
            });
    });
    if let Some(url) = cx.session.connecting() {
        let host = link::host_of(url);
        let url = url.to_owned();
        ui.horizontal(|ui| {
            ui.spinner();
            ui.add(
                egui::Label::new(RichText::new(format!("Connecting to {host}…")).weak()).truncate(),
            )
            .on_hover_text(url);
        });
    }
    if let Some(problem) = &cx.session.offline {
        let problem = problem.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new("⚠ Server unreachable: working locally")
                    .color(ui.visuals().warn_fg_color),
            )
            .on_hover_text(problem);
            if ui.small_button("Retry").clicked() {
                cx.act(Action::RetryServer);
            }
        });
    }
}
