//! The left side: the workflow browser (Global / Custom tabs) and the
//! component panel; and the read-only banner above the canvas.

use egui::{RichText, Sense, Ui};
use idflow_core::catalog::{self, PaletteGroup};
use idflow_core::model::{NodeKind, Position};
use idflow_store::{Origin, Status};
use idflow_view::{theme, words};

use super::canvas::PaletteDrag;
use super::{Action, BrowserTab, IdflowApp, Intent};
use crate::document::Source;

pub fn browser(app: &mut IdflowApp, ui: &mut Ui) {
    ui.add_space(4.0);
    super::link::selector(app, ui);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let global = ui.selectable_value(&mut app.browser_tab, BrowserTab::Global, "Global");
        app.anchors.browser = Some(global.id);
        ui.selectable_value(&mut app.browser_tab, BrowserTab::Custom, "Custom");
        let archived = app.session.workflows.iter().filter(|w| w.archived).count();
        if archived > 0 || app.browser_tab == BrowserTab::Archived {
            ui.selectable_value(&mut app.browser_tab, BrowserTab::Archived, "Archived")
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
                app.act(Action::Request(Intent::NewBlank));
            }
        });
    });
    let tab = app.browser_tab;
    let open_key = app.doc.key();
    let items: Vec<_> = app
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
                    open_key == Some(w.key) && !matches!(app.doc.source, Source::Version { .. });
                let opening = app.session.opening() == Some(w.key);
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
                    app.act(Action::Request(Intent::OpenKey(w.key)));
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
        app.act(Action::SetArchived { key, archived });
    }
}

pub fn palette(app: &mut IdflowApp, ui: &mut Ui) {
    ui.separator();
    let heading = ui.label(RichText::new("Components").strong());
    let search = ui
        .add(
            egui::TextEdit::singleline(&mut app.component_search)
                .hint_text("🔍 Search: a step, capability, channel…")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(heading.id)
        .on_hover_text("Matches names, groups, credentials, channels and capabilities");
    app.anchors.palette = Some(search.id);
    let query = app.component_search.to_lowercase();
    let terms: Vec<&str> = query.split_whitespace().collect();
    let entries = catalog::palette();
    let mut shown = 0usize;
    let dark = ui.visuals().dark_mode;
    let editable = !app.doc.read_only();
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
                        let c = app.canvas.view.center();
                        let at = Position::new(
                            c.x - theme::CARD_WIDTH / 2.0,
                            c.y - theme::CARD_HEIGHT / 2.0,
                        );
                        if let Err(refusal) = app.doc.add_node(entry.kind.clone(), entry.title, at)
                        {
                            app.canvas.refuse(refusal);
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
                            app.component_search.trim()
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

pub fn read_only_banner(app: &mut IdflowApp, ui: &mut Ui) {
    let (text, actions): (String, Vec<(&str, Intent)>) = match &app.doc.source {
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
                        app.act(Action::Request(intent));
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
