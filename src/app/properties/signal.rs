//! Risk-signal steps: which signal, and what it checks and needs.

use egui::Ui;
use idflow_core::catalog::{CredentialNeed, capability_spec, category_name};
use idflow_core::model::{RiskSignal, RiskSignalNode};

use super::service::name;
use super::{Ctx, widgets};

fn need_text(need: &CredentialNeed) -> String {
    match need {
        CredentialNeed::AnyOf(categories) => {
            let names: Vec<&str> = categories.iter().map(|&c| category_name(c)).collect();
            format!("a {} credential", names.join(" or "))
        }
        CredentialNeed::ExistingFacemap => "a facemap stored by an earlier transaction".to_owned(),
        CredentialNeed::DataPart(part) => format!("{part} data"),
    }
}

pub(super) fn ui(ctx: &mut Ctx<'_>, ui: &mut Ui, r: &mut RiskSignalNode) {
    widgets::section(ui, "Risk signal");
    widgets::grid("risk_signal").show(ui, |ui| {
        widgets::row(ui, "Signal", |ui, label| {
            if widgets::combo(
                ui,
                "risk_signal",
                label,
                &mut r.signal,
                RiskSignal::ALL,
                |s| name(s.capability()).to_owned(),
            ) {
                ctx.step();
            }
            let spec = capability_spec(r.signal.capability());
            ui.add(egui::Label::new(spec.description).wrap());
        });
        let spec = capability_spec(r.signal.capability());
        if !spec.requires.is_empty() {
            widgets::row(ui, "Runs after", |ui, _| {
                let names: Vec<&str> = spec.requires.iter().map(|&c| name(c)).collect();
                ui.label(widgets::join_and(&names));
            });
        }
        if !spec.needs.is_empty() {
            widgets::row(ui, "Needs", |ui, _| {
                let needs: Vec<String> = spec.needs.iter().map(need_text).collect();
                let needs: Vec<&str> = needs.iter().map(String::as_str).collect();
                ui.label(widgets::join_and(&needs));
            });
        }
        widgets::row(ui, "Reported as", |ui, _| {
            ui.label(egui::RichText::new(format!("capabilities.{}", spec.api_name)).monospace());
        });
    });
    ctx.inline_findings(ui, &["signal", "capabilities"]);
}
