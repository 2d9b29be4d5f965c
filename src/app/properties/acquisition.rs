//! Acquisition steps: how credentials arrive (category, stage, type,
//! channels, parts, label, accepted documents and countries).

use egui::{RichText, Ui};
use idflow_core::catalog::{allowed_parts, category_name};
use idflow_core::model::{
    AcquisitionNode, AcquisitionType, Channel, CredentialCategory, Part, Stage,
};

use idflow_view::words;

use super::{Ctx, widgets};

/// The hint shown wherever a facemap is captured (seed: channel rules).
pub(super) const FACEMAP_HINT: &str = "A facemap can be uploaded only through WEB or SDK";

pub(super) fn stage_help(stage: Stage) -> &'static str {
    match stage {
        Stage::Initial => "The first time the user's data is collected.",
        Stage::Intermediate => "A later phase of a multi-step journey.",
    }
}

pub(super) fn acquisition_type_help(kind: AcquisitionType) -> &'static str {
    match kind {
        AcquisitionType::AcquireNew => "The user submits new credentials.",
        AcquisitionType::UseExisting => {
            "Reuses the credentials of an earlier successful transaction."
        }
        AcquisitionType::ReusableIdentity => {
            "Reuses a pre-verified ID if one qualifies, else captures a new one."
        }
    }
}

fn part_help(part: Part) -> &'static str {
    match part {
        Part::Front => "The front side of the document.",
        Part::Back => "The back side of the document.",
        Part::Face => "The selfie image.",
        Part::Facemap => "A 3D facemap (adds a FACEMAP credential; WEB or SDK only).",
        Part::DeviceRisk => "IP, OS and location signals of the user's device.",
        Part::PreparedData => "Email, phone or address sent through the API.",
    }
}

fn channel_help(channel: Channel) -> &'static str {
    match channel {
        Channel::Api => "Uploaded by your backend through the API.",
        Channel::Web => "Captured in the hosted Web Client.",
        Channel::Sdk => "Captured in the mobile SDK.",
    }
}

use idflow_core::catalog::default_parts;
pub(super) use idflow_core::catalog::{captures_facemap, document_types_for};

/// Keeps the settings that still fit after the category changed.
fn change_category(a: &mut AcquisitionNode, category: CredentialCategory) {
    a.category = category;
    let allowed = allowed_parts(category);
    a.parts.retain(|p| allowed.contains(p));
    if a.parts.is_empty() {
        a.parts = default_parts(category);
    }
    let types = document_types_for(category);
    a.document_types.retain(|d| types.contains(d));
    if types.is_empty() {
        a.countries.clear();
    }
}

pub(super) fn ui(ctx: &mut Ctx<'_>, ui: &mut Ui, a: &mut AcquisitionNode) {
    widgets::section(ui, "Credential");
    widgets::grid("acquisition_credential").show(ui, |ui| {
        widgets::row(ui, "Category", |ui, label| {
            let mut category = a.category;
            if widgets::combo(
                ui,
                "acquisition_category",
                label,
                &mut category,
                CredentialCategory::ALL,
                |c| category_name(c).to_owned(),
            ) {
                change_category(a, category);
                ctx.step();
            }
            ctx.inline_findings(ui, &["category"]);
        });
        widgets::row(ui, "Stage", |ui, label| {
            if widgets::combo(
                ui,
                "acquisition_stage",
                label,
                &mut a.stage,
                Stage::ALL,
                |s| words::of(s.as_str()),
            ) {
                ctx.step();
            }
            widgets::help(ui, stage_help(a.stage));
        });
        widgets::row(ui, "Acquisition type", |ui, label| {
            if widgets::combo(
                ui,
                "acquisition_type",
                label,
                &mut a.acquisition_type,
                AcquisitionType::ALL,
                |t| words::of(t.as_str()),
            ) {
                ctx.step();
            }
            widgets::help(ui, acquisition_type_help(a.acquisition_type));
        });
        widgets::row(ui, "Label", |ui, label| {
            let mut text = a.label.clone().unwrap_or_default();
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut text)
                        .id_salt(("acquisition_label", ctx.node_id.as_str()))
                        .hint_text("optional, e.g. front_id")
                        .desired_width(widgets::field_width(ui)),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "Names the credential uniquely; required when the workflow collects \
                     several credentials of one category.",
                );
            if ctx.continuous(&response, "label") {
                a.label = (!text.is_empty()).then_some(text);
            }
            ctx.inline_findings(ui, &["label"]);
        });
    });

    widgets::section(ui, "Submission");
    widgets::grid("acquisition_submission").show(ui, |ui| {
        widgets::row(ui, "Channels", |ui, _| {
            ui.horizontal(|ui| {
                for &channel in Channel::ALL {
                    let mut on = a.channels.contains(&channel);
                    if ui
                        .checkbox(&mut on, words::of(channel.as_str()))
                        .on_hover_text(format!("{} ({channel})", channel_help(channel)))
                        .changed()
                    {
                        widgets::set_member(&mut a.channels, channel, on);
                        ctx.step();
                    }
                }
            });
            if captures_facemap(a) {
                // The same quiet line whatever the channels: the finding
                // slot under it says when they are wrong, and the fields
                // below stay put.
                ui.horizontal(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    ui.label(RichText::new("ℹ").small().weak());
                    ui.add(egui::Label::new(RichText::new(FACEMAP_HINT).small().weak()).wrap());
                });
            }
            ctx.inline_findings(ui, &["channels"]);
        });
        widgets::row(ui, "Parts", |ui, _| {
            ui.horizontal_wrapped(|ui| {
                for &part in allowed_parts(a.category) {
                    let mut on = a.parts.contains(&part);
                    if ui
                        .checkbox(&mut on, words::of(part.as_str()))
                        .on_hover_text(format!("{} ({part})", part_help(part)))
                        .changed()
                    {
                        widgets::set_member(&mut a.parts, part, on);
                        ctx.step();
                    }
                }
            });
            ctx.inline_findings(ui, &["parts"]);
        });
    });

    let types = document_types_for(a.category);
    if types.is_empty() {
        return;
    }
    widgets::section(ui, "Accepted documents");
    widgets::grid("acquisition_documents").show(ui, |ui| {
        widgets::row(ui, "Document types", |ui, _| {
            for &doc_type in types {
                let mut on = a.document_types.contains(&doc_type);
                if ui
                    .checkbox(&mut on, words::of(doc_type.as_str()))
                    .on_hover_text(doc_type.as_str())
                    .changed()
                {
                    widgets::set_member(&mut a.document_types, doc_type, on);
                    ctx.step();
                }
            }
            widgets::help(ui, "None ticked: any type is accepted.");
            ctx.inline_findings(ui, &["document_types"]);
        });
        widgets::row(ui, "Countries", |ui, label| {
            let (response, changed) = widgets::buffered_text(
                &mut ctx.panel.text_buffer,
                ui,
                ("acquisition_countries", ctx.node_id.as_str()),
                a.countries.join(", "),
                label,
                "any, e.g. USA, DEU",
            );
            let response = response.on_hover_text(
                "Accepted issuing countries: ISO 3166-1 alpha-3 codes, separated by commas.",
            );
            if ctx.continuous(&response, "countries")
                && let Some(text) = changed
            {
                a.countries = widgets::parse_codes(&text);
            }
            widgets::help(
                ui,
                "Comma-separated ISO alpha-3 codes; empty accepts any country.",
            );
            ctx.inline_findings(ui, &["countries"]);
        });
    });
}
