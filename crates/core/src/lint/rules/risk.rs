use super::title;
use crate::catalog::capability_spec;
use crate::lint::{Analysis, Sink};
use crate::model::{Capability, DecisionType, NodeKind, RiskCalculationNode};

fn calculations<'w>(
    a: &Analysis<'w>,
) -> impl Iterator<Item = (usize, &'w RiskCalculationNode)> + 'w {
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

/// Weights that never count: on a capability that does not run before the
/// risk step on every path, or on an outcome its capability never renders
/// (issue 29; seed 004: "Extraction is always either passed or not
/// executed"; the catalog lists no label of that decision for it).
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
        // Per capability, the decisions already reported (one finding per
        // outcome, however often it is weighed).
        let mut never = [0u8; 32];
        for w in calc.weights() {
            let spec = capability_spec(w.capability);
            let bit = 1u8 << (w.decision as u8);
            if reported & w.capability.bit() != 0
                || !spec.labels_for(w.decision).is_empty()
                || never[w.capability as usize] & bit != 0
            {
                continue;
            }
            never[w.capability as usize] |= bit;
            sink.node(i, Some("weights"), format!(
                "{} weighs {} {}, but {} never renders {} (it renders only {}), so the weight never counts: remove it",
                title(a, i),
                spec.name,
                w.decision,
                spec.name,
                w.decision,
                rendered(w.capability)
            ));
        }
    }
}

/// The decisions a capability renders, in words ("PASSED or NOT_EXECUTED").
fn rendered(capability: Capability) -> String {
    let decisions: Vec<&str> = capability_spec(capability)
        .labels
        .iter()
        .map(|(d, _)| d.as_str())
        .collect();
    match decisions.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    }
}

/// Issue 29: custom weights whose outcomes can occur together in one
/// transaction, none of them REJECTED, and sum into the step's REJECTED
/// band. Seed 004: "a rejection in any single capability will result in a
/// rejection for the entire transaction"; warnings alone are reviewed,
/// never rejected by the platform's default (domain.md, "Scores without
/// the customer's own rules"). Weights act exactly as written, so such a
/// sum would reject a transaction nothing rejected.
///
/// "Can occur together": weights on different capabilities that can run
/// on some path to the step (a may-analysis: never misses a sum, may
/// over-count capabilities on branches that exclude each other). A
/// capability counts one outcome, its heaviest non-REJECTED weight, unless
/// it can render several results on one path (usability checks each
/// credential; a capability run by two steps): then each of its decisions
/// can occur, as the simulator counts every decision that occurred.
/// Outcomes the capability never renders do not count
/// (`risk-weight-unproduced` reports them).
pub(crate) fn risk_warnings_reject(a: &Analysis<'_>, sink: &mut Sink) {
    let weighted: Vec<(usize, &RiskCalculationNode)> = calculations(a)
        .filter(|&(i, calc)| a.in_flow(i) && !calc.weights().is_empty())
        .collect();
    if weighted.is_empty() {
        return;
    }
    let several = several_results(a);
    for (i, calc) in weighted {
        let bands = calc.bands.unwrap_or_default();
        if !bands.is_valid() {
            continue; // `risk-bands` reports it; no REJECTED band to compare.
        }
        // Per capability and decision: the weight that outcome adds (a
        // weight listed twice counts twice, as in the simulator).
        let mut by_outcome: Vec<(Capability, DecisionType, u32)> = Vec::new();
        for w in calc.weights() {
            if w.decision == DecisionType::Rejected
                || a.caps_on_some_path[i] & w.capability.bit() == 0
                || capability_spec(w.capability)
                    .labels_for(w.decision)
                    .is_empty()
            {
                continue;
            }
            match by_outcome
                .iter_mut()
                .find(|(c, d, _)| *c == w.capability && *d == w.decision)
            {
                Some((_, _, sum)) => *sum += u32::from(w.weight),
                None => by_outcome.push((w.capability, w.decision, u32::from(w.weight))),
            }
        }
        let mut together: Vec<(Capability, DecisionType, u32)> = Vec::new();
        for &capability in Capability::ALL {
            let mut outcomes: Vec<(Capability, DecisionType, u32)> = by_outcome
                .iter()
                .copied()
                .filter(|&(c, _, w)| c == capability && w > 0)
                .collect();
            outcomes.sort_by_key(|&(_, _, w)| std::cmp::Reverse(w));
            if several[i] & capability.bit() == 0 {
                outcomes.truncate(1);
            }
            together.extend(outcomes);
        }
        let sum: u32 = together.iter().map(|&(_, _, w)| w).sum();
        let score = sum.min(100);
        if score <= u32::from(bands.warning_up_to) {
            continue;
        }
        let named: Vec<String> = together
            .iter()
            .map(|&(c, d, w)| format!("{} {d} {w}", capability_spec(c).name))
            .collect();
        let capped = if sum > 100 {
            format!("{sum}, capped at 100")
        } else {
            sum.to_string()
        };
        sink.node(i, Some("weights"), format!(
            "{} weighs outcomes that can occur together with nothing REJECTED: {} = {capped}, in the REJECTED band ({}-100), so warnings alone would reject the transaction, where the platform rejects only on a REJECTED capability and leaves warnings to review (seed 004): lower these weights to sum to at most {}, or score by the platform's default",
            title(a, i),
            named.join(" + "),
            bands.warning_up_to + 1,
            bands.warning_up_to
        ));
    }
}

/// Per node: capabilities that may have rendered more than one result on
/// some path before it. Usability renders one result per credential it
/// checks (domain.md, "Inputs": a credential whose parts were not delivered
/// gets usability NOT_EXECUTED NOT_UPLOADED, the others their own result);
/// every capability renders one per step that runs it.
fn several_results(a: &Analysis<'_>) -> Vec<u32> {
    use crate::model::CredentialCategory as K;
    const CHECKED_BY_USABILITY: [K; 4] = [K::Id, K::Selfie, K::Facemap, K::Document];
    let n = a.workflow.nodes.len();
    // Counts saturate at 2: "more than one" is all that matters.
    let mut credentials = vec![0u8; n];
    let mut results = vec![[0u8; 32]; n];
    for &i in &a.order {
        if !a.reachable[i] {
            continue;
        }
        let mut creds = credentials[i];
        let mut runs = results[i];
        match &a.node(i).kind {
            NodeKind::Acquisition(acq) => {
                let checked = acq
                    .credentials()
                    .filter(|c| CHECKED_BY_USABILITY.contains(c))
                    .count();
                creds = creds.saturating_add(checked as u8).min(2);
            }
            NodeKind::Service(s) => {
                for &c in &s.capabilities {
                    let here = if c == Capability::Usability {
                        creds.max(1)
                    } else {
                        1
                    };
                    let slot = &mut runs[c as usize];
                    *slot = slot.saturating_add(here).min(2);
                }
            }
            NodeKind::RiskSignal(r) => {
                let slot = &mut runs[r.signal.capability() as usize];
                *slot = slot.saturating_add(1).min(2);
            }
            _ => {}
        }
        for &(_, t) in &a.outgoing[i] {
            credentials[t] = credentials[t].max(creds);
            for (slot, &count) in results[t].iter_mut().zip(runs.iter()) {
                *slot = (*slot).max(count);
            }
        }
    }
    results
        .iter()
        .map(|runs| {
            Capability::ALL
                .iter()
                .filter(|&&c| runs[c as usize] >= 2)
                .fold(0, |acc, c| acc | c.bit())
        })
        .collect()
}

/// Issue 29: a workflow without a risk step scores by the platform's
/// default, which follows the transaction's decision (domain.md, "Scores
/// without the customer's own rules"). Nothing is wrong with that (a
/// risk step with `scoring: DEFAULT` scores the same), so the finding is
/// information: it says which score the transaction reports.
pub(crate) fn no_risk_calculation(a: &Analysis<'_>, sink: &mut Sink) {
    if !a.workflow.nodes.is_empty() && calculations(a).next().is_none() {
        sink.workflow(None, "the workflow has no risk calculation, so it scores by the platform's default: the score follows the transaction's decision (PASSED 0, WARNING 50, REJECTED 71, NOT_EXECUTED -1); add a Risk calculation step only to score by your own weights or to set the account's bands".to_owned());
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
