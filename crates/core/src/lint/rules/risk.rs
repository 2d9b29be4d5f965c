use super::title;
use crate::catalog::capability_spec;
use crate::lint::{Analysis, Sink};
use crate::model::NodeKind;

fn calculations<'w>(
    a: &Analysis<'w>,
) -> impl Iterator<Item = (usize, &'w crate::model::RiskCalculationNode)> + 'w {
    a.workflow
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.kind {
            NodeKind::RiskCalculation(r) => Some((i, r)),
            _ => None,
        })
}

pub(crate) fn risk_weight_range(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, calc) in calculations(a) {
        for w in calc.weights().iter().filter(|w| w.weight > 100) {
            sink.node(i, Some("weights"), format!(
                "the weight for {} {} is {}, but a risk score runs from 0 to 100: use at most 100",
                capability_spec(w.capability).name,
                w.decision,
                w.weight
            ));
        }
    }
}

pub(crate) fn risk_weight_unproduced(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, calc) in calculations(a) {
        if !a.in_flow(i) {
            continue;
        }
        let mut reported = 0u32;
        for w in calc
            .weights()
            .iter()
            .filter(|w| a.caps_before[i] & w.capability.bit() == 0)
        {
            if reported & w.capability.bit() != 0 {
                continue;
            }
            reported |= w.capability.bit();
            sink.node(i, Some("weights"), format!(
                "{} weighs {}, which does not run before it on every path, so the weight never counts: remove it or run {} earlier",
                title(a, i),
                capability_spec(w.capability).name,
                capability_spec(w.capability).name
            ));
        }
    }
}

pub(crate) fn no_risk_calculation(a: &Analysis<'_>, sink: &mut Sink) {
    if !a.workflow.nodes.is_empty() && calculations(a).next().is_none() {
        sink.workflow(None, "the workflow has no risk calculation, so every transaction reports risk score 0: add a Risk calculation step before the terminals".to_owned());
    }
}

/// Bands leave every decision at least one score (domain.md, "Top-level
/// decision": PASSED from 0, then WARNING, then REJECTED up to 100).
pub(crate) fn risk_bands(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, calc) in calculations(a) {
        if let Some(bands) = calc.bands
            && !bands.is_valid()
        {
            sink.node(i, Some("bands"), format!(
                "the decision bands (PASSED up to {}, WARNING up to {}) leave a decision without scores: PASSED must end below WARNING, and WARNING below 100",
                bands.passed_up_to, bands.warning_up_to
            ));
        }
    }
}
