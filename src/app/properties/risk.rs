//! Risk calculation: the platform's default score, or a table of the
//! customer's own weights (capability, outcome, weight).

use egui::{RichText, Ui, WidgetInfo, WidgetType};
use idflow_core::catalog::{CAPABILITIES, capability_spec, default_weights};
use idflow_core::model::{
    Capability, DecisionType, RiskCalculationNode, RiskWeight, ScoreBands, Scoring,
};
use idflow_view::theme;
use idflow_view::words;

use super::service::name;
use super::{Ctx, widgets};

/// The weight "Add weight" appends: the first capability that runs and can
/// reject but has no rejection weight yet. Never an outcome the capability
/// does not render (issue 29: such a weight never counts).
fn next_weight(weights: &[RiskWeight], upstream: &[Capability]) -> RiskWeight {
    let renders = |c: Capability, d: DecisionType| !capability_spec(c).labels_for(d).is_empty();
    let capability = upstream
        .iter()
        .copied()
        .find(|&c| {
            renders(c, DecisionType::Rejected)
                && !weights
                    .iter()
                    .any(|w| w.capability == c && w.decision == DecisionType::Rejected)
        })
        .or_else(|| upstream.first().copied())
        .unwrap_or(Capability::Usability);
    let decision = [
        DecisionType::Rejected,
        DecisionType::Warning,
        DecisionType::NotExecuted,
    ]
    .into_iter()
    .find(|&d| renders(capability, d))
    .unwrap_or(DecisionType::Rejected);
    RiskWeight {
        capability,
        decision,
        weight: 100,
    }
}

/// One weight: capability and outcome on the first line (with the remove
/// button), the weight slider under them. Returns whether to remove it.
fn weight_row(
    ctx: &mut Ctx<'_>,
    ui: &mut Ui,
    i: usize,
    w: &mut RiskWeight,
    all: &[Capability],
    [capability_header, outcome_header]: [&egui::Response; 2],
    [capability_width, outcome_width]: [f32; 2],
) -> bool {
    let mut remove = false;
    ui.horizontal(|ui| {
        let changed = widgets::combo_sized(
            ui,
            "capability",
            capability_header,
            &mut w.capability,
            all,
            |c| name(c).to_owned(),
            capability_width,
        );
        let changed = widgets::combo_sized(
            ui,
            "outcome",
            outcome_header,
            &mut w.decision,
            DecisionType::ALL,
            |d| words::of(d.as_str()),
            outcome_width,
        ) || changed;
        if changed {
            ctx.step();
        }
        let enabled = ui.is_enabled();
        let button = ui.small_button("✖").on_hover_text("Remove weight");
        button.widget_info(|| WidgetInfo::labeled(WidgetType::Button, enabled, "Remove weight"));
        remove = button.clicked();
    });
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new("Weight").small().weak());
        ui.spacing_mut().slider_width = (ui.available_width() - 64.0).max(60.0);
        let response = ui
            .add(egui::Slider::new(&mut w.weight, 0..=100))
            .labelled_by(label.id);
        ctx.continuous(&response, &format!("weights.{i}"));
    });
    remove
}

pub(super) fn ui(
    ctx: &mut Ctx<'_>,
    ui: &mut Ui,
    r: &mut RiskCalculationNode,
    upstream: &[Capability],
) {
    widgets::section(ui, "Scoring");
    let mut custom = matches!(r.scoring, Scoring::Weights(_));
    ui.horizontal(|ui| {
        let default = ui
            .radio_value(&mut custom, false, "Platform default")
            .on_hover_text("The score follows the transaction's decision: Passed 0, Warning 50, Rejected 71, Not executed −1 (moved into the bands below when they differ).");
        let weights = ui
            .radio_value(&mut custom, true, "Custom weights")
            .on_hover_text("Your own rule: the sum of the weights whose outcome occurred, capped at 100. Warnings that add up past the Warning band reject.");
        if default.changed() || weights.changed() {
            r.scoring = if custom {
                Scoring::Weights(default_weights(upstream))
            } else {
                Scoring::Default
            };
            ctx.step();
        }
    });
    match &mut r.scoring {
        Scoring::Default => {
            widgets::help(
                ui,
                "The score follows the decision: Passed 0, Warning 50, Rejected 71, Not executed −1. Warnings alone never reject.",
            );
            ctx.inline_findings(ui, &["weights"]);
        }
        Scoring::Weights(weights) => weights_ui(ctx, ui, weights, upstream),
    }
    bands_ui(ctx, ui, r);
}

/// The customer's weights: one row each, Add, and the default weights.
fn weights_ui(
    ctx: &mut Ctx<'_>,
    ui: &mut Ui,
    weights: &mut Vec<RiskWeight>,
    upstream: &[Capability],
) {
    widgets::help(
        ui,
        "The score is the sum of the weights whose outcome occurred, capped at 100: 0 = lowest risk, 100 = highest.",
    );
    ui.add_space(theme::SPACING * 0.5);
    let all: Vec<Capability> = CAPABILITIES.iter().map(|s| s.capability).collect();
    let mut remove = None;
    if weights.is_empty() {
        widgets::help(ui, "No weights yet: the score is always 0.");
    } else {
        let spacing = ui.spacing().item_spacing.x;
        let remove_width = 22.0;
        let outcome_width = 112.0;
        let capability_width =
            (ui.available_width() - outcome_width - remove_width - 2.0 * spacing).max(110.0);
        let height = ui.spacing().interact_size.y;
        let (capability_header, outcome_header) = ui
            .horizontal(|ui| {
                let header = |ui: &mut Ui, text: &str, width: f32| {
                    ui.allocate_ui_with_layout(
                        egui::vec2(width, height),
                        egui::Layout::left_to_right(egui::Align::Center),
                        |ui| {
                            ui.set_min_width(width);
                            ui.strong(text)
                        },
                    )
                    .inner
                };
                (
                    header(ui, "Capability", capability_width),
                    header(ui, "Outcome", outcome_width),
                )
            })
            .inner;
        let stripe = ui.visuals().faint_bg_color;
        for (i, w) in weights.iter_mut().enumerate() {
            let fill = if i % 2 == 0 {
                stripe
            } else {
                egui::Color32::TRANSPARENT
            };
            let removed = egui::Frame::new()
                .fill(fill)
                .corner_radius(4.0)
                .inner_margin(egui::Margin::symmetric(0, 2))
                .show(ui, |ui| {
                    ui.push_id(("weight", i), |ui| {
                        let widths = [capability_width, outcome_width];
                        let headers = [&capability_header, &outcome_header];
                        weight_row(ctx, ui, i, w, &all, headers, widths)
                    })
                    .inner
                })
                .inner;
            if removed {
                remove = Some(i);
            }
        }
    }
    if let Some(i) = remove {
        weights.remove(i);
        ctx.step();
    }
    ui.add_space(theme::SPACING * 0.5);
    ui.horizontal(|ui| {
        if ui
            .button("Add weight")
            .on_hover_text("Adds a weight for the next capability that has none.")
            .clicked()
        {
            weights.push(next_weight(weights, upstream));
            ctx.step();
        }
        let defaults = default_weights(upstream);
        let hover = if upstream.is_empty() {
            "No step in this workflow selects a capability yet.".to_owned()
        } else {
            let names: Vec<&str> = upstream.iter().map(|&c| name(c)).collect();
            let warning = defaults
                .iter()
                .find(|w| w.decision == DecisionType::Warning)
                .map_or(0, |w| w.weight);
            format!(
                "REJECTED 100 and WARNING {warning} for {}, where they render that outcome: warnings together stay below the Rejected band.",
                widgets::join_and(&names)
            )
        };
        let response = ui
            .add_enabled(
                !upstream.is_empty() && *weights != defaults,
                egui::Button::new("Use default weights"),
            )
            .on_hover_text(&hover)
            .on_disabled_hover_text(&hover);
        if response.clicked() {
            *weights = defaults;
            ctx.step();
        }
    });
    ctx.inline_findings(ui, &["weights"]);
}

/// Where the score's decision changes: the platform's defaults unless the
/// account's support changed them (domain.md, "Top-level decision").
fn bands_ui(ctx: &mut Ctx<'_>, ui: &mut Ui, r: &mut RiskCalculationNode) {
    ui.add_space(theme::SPACING);
    widgets::section(ui, "Decision bands");
    let shown = r.bands.unwrap_or_default();
    widgets::help(
        ui,
        format!(
            "Passed 0–{}, Warning {}–{}, Rejected {}–100. The transaction takes the more severe of the capabilities' decision and the score's band; a score outside its decision's band moves into it.",
            shown.passed_up_to,
            u16::from(shown.passed_up_to) + 1,
            shown.warning_up_to,
            u16::from(shown.warning_up_to) + 1,
        ),
    );
    let mut custom = r.bands.is_some();
    if ui
        .checkbox(&mut custom, "This account's thresholds differ")
        .on_hover_text("The platform's support can change the thresholds for an account; set them here to test-run with them.")
        .changed()
    {
        r.bands = custom.then(ScoreBands::default);
        ctx.step();
    }
    if let Some(bands) = &mut r.bands {
        widgets::grid("bands").show(ui, |ui| {
            let slider_width = (widgets::field_width(ui) - 56.0).max(80.0);
            let passed = widgets::row(ui, "Passed up to", |ui, label| {
                ui.spacing_mut().slider_width = slider_width;
                ui.add(egui::Slider::new(&mut bands.passed_up_to, 0..=98))
                    .labelled_by(label.id)
            });
            ctx.continuous(&passed, "bands.passed");
            let low = bands.passed_up_to.saturating_add(1);
            bands.warning_up_to = bands.warning_up_to.clamp(low, 99);
            let warning = widgets::row(ui, "Warning up to", |ui, label| {
                ui.spacing_mut().slider_width = slider_width;
                ui.add(egui::Slider::new(&mut bands.warning_up_to, low..=99))
                    .labelled_by(label.id)
            });
            ctx.continuous(&warning, "bands.warning");
        });
    }
    ctx.inline_findings(ui, &["bands"]);
}
