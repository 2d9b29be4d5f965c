//! Verification services: the service kind and its capabilities, as
//! checkboxes that know their dependencies. Ticking a capability whose
//! requirements are missing offers to add them; unticking one that others
//! require offers to untick those too.

use egui::{RichText, Ui};
use idflow_core::catalog::{capability_spec, service_capabilities};
use idflow_core::lint::Severity;
use idflow_core::model::{Capability, NodeId, ServiceKind, ServiceNode};
use idflow_view::theme;

use super::{Ctx, widgets};

/// An offer shown under the checkboxes until the user answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Offer {
    pub node: NodeId,
    /// The capability the user ticked or unticked.
    pub capability: Capability,
    pub kind: OfferKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum OfferKind {
    /// Ticked, but these requirements are not selected.
    Add(Vec<Capability>),
    /// Unticked, but these selected capabilities require it.
    Remove(Vec<Capability>),
}

pub(super) fn name(capability: Capability) -> &'static str {
    capability_spec(capability).name
}

fn names(capabilities: &[Capability]) -> Vec<&'static str> {
    capabilities.iter().map(|&c| name(c)).collect()
}

pub(super) fn service_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::IdIv => "ID & identity verification",
        ServiceKind::Authentication => "Authentication",
        ServiceKind::DocumentVerification => "Document verification",
    }
}

fn service_help(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::IdIv => {
            "Verifies a government ID and, with a selfie, that its holder is present."
        }
        ServiceKind::Authentication => {
            "Recognises a returning user: a new selfie against a stored facemap."
        }
        ServiceKind::DocumentVerification => {
            "Checks a document such as a utility bill or bank statement."
        }
    }
}

pub(super) use idflow_core::catalog::requirements;

/// The requirements of `capability` this step offers but has not selected.
fn missing(
    capability: Capability,
    selected: &[Capability],
    offered: &[Capability],
) -> Vec<Capability> {
    requirements(capability)
        .into_iter()
        .filter(|r| !selected.contains(r) && offered.contains(r))
        .collect()
}

/// The selected capabilities that need `capability`, in catalog order.
fn dependents(capability: Capability, selected: &[Capability]) -> Vec<Capability> {
    let mut found: Vec<Capability> = selected
        .iter()
        .copied()
        .filter(|&d| d != capability && requirements(d).contains(&capability))
        .collect();
    found.sort();
    found
}

fn add_all(selected: &mut Vec<Capability>, add: &[Capability]) {
    selected.extend_from_slice(add);
    selected.sort();
    selected.dedup();
}

pub(super) fn offer_message(offer: &Offer) -> String {
    match &offer.kind {
        OfferKind::Add(missing) => format!(
            "{} needs {}.",
            name(offer.capability),
            widgets::join_and(&names(missing))
        ),
        OfferKind::Remove(dependents) => format!(
            "Unticking {} also affects {}.",
            name(offer.capability),
            widgets::join_and(&names(dependents))
        ),
    }
}

pub(super) fn ui(ctx: &mut Ctx<'_>, ui: &mut Ui, s: &mut ServiceNode) {
    widgets::section(ui, "Verification");
    widgets::grid("service_kind").show(ui, |ui| {
        widgets::row(ui, "Service", |ui, label| {
            let mut kind = s.service;
            if widgets::combo(
                ui,
                "service_kind",
                label,
                &mut kind,
                ServiceKind::ALL,
                |k| format!("{} ({k})", service_name(k)),
            ) {
                let offered = service_capabilities(kind);
                s.service = kind;
                s.capabilities.retain(|c| offered.contains(c));
                if s.capabilities.is_empty() {
                    s.capabilities = offered.to_vec();
                }
                ctx.panel.offer = None;
                ctx.step();
            }
            widgets::help(ui, service_help(s.service));
        });
    });

    widgets::section(ui, "Capabilities");
    let offered = service_capabilities(s.service);
    // An offer the model has made moot (undo, another panel) goes away.
    if let Some(offer) = &ctx.panel.offer {
        let selected = s.capabilities.contains(&offer.capability);
        let moot = match &offer.kind {
            OfferKind::Add(_) => selected,
            OfferKind::Remove(_) => !selected,
        };
        if moot || offer.node != ctx.node_id {
            ctx.panel.offer = None;
        }
    }
    let dark = ui.visuals().dark_mode;
    for &capability in offered {
        let spec = capability_spec(capability);
        ui.horizontal_wrapped(|ui| {
            let mut on = s.capabilities.contains(&capability);
            let response = ui
                .checkbox(&mut on, spec.name)
                .on_hover_text(spec.description);
            if response.changed() {
                toggled(ctx, s, capability, on, offered);
            }
            let needs = requirements(capability);
            if !needs.is_empty() {
                let unmet = s.capabilities.contains(&capability)
                    && needs
                        .iter()
                        .any(|r| !s.capabilities.contains(r) && offered.contains(r));
                let text =
                    RichText::new(format!("needs {}", widgets::join_and(&names(&needs)))).small();
                let text = if unmet {
                    text.color(theme::severity_color(Severity::Warning, dark))
                } else {
                    text.weak()
                };
                ui.label(text);
            }
        });
    }
    if let Some(offer) = ctx.panel.offer.clone() {
        offer_ui(ctx, ui, s, &offer);
    }
    if s.capabilities.is_empty() {
        widgets::help(ui, "No capability selected: this step checks nothing.");
    }
    ctx.inline_findings(ui, &["capabilities"]);
}

/// A checkbox changed: apply it, or ask first when dependencies are involved.
fn toggled(
    ctx: &mut Ctx<'_>,
    s: &mut ServiceNode,
    capability: Capability,
    on: bool,
    offered: &[Capability],
) {
    let kind = if on {
        let missing = missing(capability, &s.capabilities, offered);
        if missing.is_empty() {
            add_all(&mut s.capabilities, &[capability]);
            None
        } else {
            Some(OfferKind::Add(missing))
        }
    } else {
        let dependents = dependents(capability, &s.capabilities);
        if dependents.is_empty() {
            s.capabilities.retain(|&c| c != capability);
            None
        } else {
            Some(OfferKind::Remove(dependents))
        }
    };
    match kind {
        None => {
            ctx.panel.offer = None;
            ctx.step();
        }
        Some(kind) => {
            ctx.panel.offer = Some(Offer {
                node: ctx.node_id.clone(),
                capability,
                kind,
            });
        }
    }
}

fn offer_ui(ctx: &mut Ctx<'_>, ui: &mut Ui, s: &mut ServiceNode, offer: &Offer) {
    let color = theme::severity_color(Severity::Info, ui.visuals().dark_mode);
    ui.add_space(theme::SPACING * 0.5);
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .inner_margin(theme::SPACING)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.add(egui::Label::new(offer_message(offer)).wrap());
            let only = format!("Only {}", name(offer.capability));
            ui.horizontal_wrapped(|ui| match &offer.kind {
                OfferKind::Add(missing) => {
                    if ui
                        .button("Add them too")
                        .on_hover_text("Tick them all as one step.")
                        .clicked()
                    {
                        let mut all = missing.clone();
                        all.push(offer.capability);
                        add_all(&mut s.capabilities, &all);
                        answered(ctx);
                    }
                    if ui
                        .button(&only)
                        .on_hover_text("Tick it alone; lint will report the missing requirements.")
                        .clicked()
                    {
                        add_all(&mut s.capabilities, &[offer.capability]);
                        answered(ctx);
                    }
                    if ui.button("Cancel").clicked() {
                        ctx.panel.offer = None;
                    }
                }
                OfferKind::Remove(dependents) => {
                    if ui
                        .button("Untick them too")
                        .on_hover_text("Untick them all as one step.")
                        .clicked()
                    {
                        s.capabilities
                            .retain(|c| *c != offer.capability && !dependents.contains(c));
                        answered(ctx);
                    }
                    if ui
                        .button(&only)
                        .on_hover_text("Untick it alone; lint will report what now lacks it.")
                        .clicked()
                    {
                        s.capabilities.retain(|c| *c != offer.capability);
                        answered(ctx);
                    }
                    if ui.button("Cancel").clicked() {
                        ctx.panel.offer = None;
                    }
                }
            });
        });
}

fn answered(ctx: &mut Ctx<'_>) {
    ctx.panel.offer = None;
    ctx.step();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_transitive_and_in_catalog_order() {
        assert_eq!(
            requirements(Capability::DataChecks),
            [
                Capability::Usability,
                Capability::Extraction,
                Capability::ImageChecks
            ]
        );
        assert!(requirements(Capability::Usability).is_empty());
    }

    #[test]
    fn messages_name_what_is_affected() {
        let offer = Offer {
            node: NodeId::new("idiv"),
            capability: Capability::DataChecks,
            kind: OfferKind::Add(vec![
                Capability::Usability,
                Capability::Extraction,
                Capability::ImageChecks,
            ]),
        };
        assert_eq!(
            offer_message(&offer),
            "Data Checks needs Usability, Extraction and Image Checks."
        );
        let all = service_capabilities(ServiceKind::IdIv);
        let offer = Offer {
            node: NodeId::new("idiv"),
            capability: Capability::Usability,
            kind: OfferKind::Remove(dependents(Capability::Usability, all)),
        };
        assert_eq!(
            offer_message(&offer),
            "Unticking Usability also affects Extraction, Image Checks, Data Checks, Liveness and Similarity."
        );
    }
}
