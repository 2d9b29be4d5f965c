//! Realistic retrieval documents for tests and the benchmark: random
//! scenarios (most transactions pass; some carry a rejection, warning or
//! technical error on a capability the workflow runs; a few miss a part)
//! and random holders, run through the simulator and written in the
//! platform's retrieval shape. Reproducible from a seed.

use crate::catalog::{capability_spec, deliverable_parts};
use crate::model::{Capability, CredentialCategory, DecisionType, NodeKind, Part, Workflow};
use crate::simulate::{
    Delivered, DetailsContext, ExtractedData, Outcome, Scenario, details, simulate, stable_id,
};

/// When the generated transactions completed (days to expiry count from
/// here).
pub const COMPLETED_AT: &str = "2026-11-01T12:00:00.000Z";

/// A generated document and the scenario that produced it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub scenario: Scenario,
    pub document: serde_json::Value,
}

const FIRST_NAMES: &[&str] = &[
    "JOHN", "MARIA", "WEI", "AMIRA", "LUCAS", "SOFIA", "KENJI", "FATIMA", "OLIVER", "PRIYA",
];
const LAST_NAMES: &[&str] = &[
    "DOE", "GARCIA", "CHEN", "HASSAN", "SILVA", "ROSSI", "TANAKA", "KHAN", "SMITH", "PATEL",
];
const COUNTRIES: &[&str] = &[
    "USA", "GBR", "DEU", "FRA", "ESP", "ITA", "CAN", "MEX", "BRA", "IND",
];
const DOCUMENT_TYPES: &[&str] = &["DRIVING_LICENSE", "PASSPORT", "ID_CARD"];

/// `count` documents of `workflow`, from `seed`.
pub fn documents(
    workflow: &Workflow,
    count: usize,
    seed: u64,
) -> impl Iterator<Item = Generated> + '_ {
    let capabilities = selected(workflow);
    (0..count).map(move |i| {
        let mut rng = fastrand::Rng::with_seed(seed.wrapping_mul(1_000_003).wrapping_add(i as u64));
        let scenario = scenario(workflow, &capabilities, &mut rng, i);
        let run = simulate(workflow, &scenario);
        let mut context = DetailsContext::for_run(workflow, &run);
        context.workflow_execution_id = stable_id(&format!("generated/{seed}/{i}"));
        context.account_id = stable_id(&format!("generated-account/{seed}/{i}"));
        context.completed_at = COMPLETED_AT.to_owned();
        let document = details(workflow, &run, &context);
        Generated { scenario, document }
    })
}

/// The capabilities the workflow's services and signals run.
fn selected(workflow: &Workflow) -> Vec<Capability> {
    let mut found = Vec::new();
    for node in &workflow.nodes {
        match &node.kind {
            NodeKind::Service(s) => found.extend(s.capabilities.iter().copied()),
            NodeKind::RiskSignal(r) => found.push(r.signal.capability()),
            _ => {}
        }
    }
    found.sort();
    found.dedup();
    found
}

fn pick<'a>(rng: &mut fastrand::Rng, list: &[&'a str]) -> &'a str {
    list[rng.usize(..list.len())]
}

fn scenario(
    workflow: &Workflow,
    capabilities: &[Capability],
    rng: &mut fastrand::Rng,
    i: usize,
) -> Scenario {
    let mut scenario = Scenario::new(&format!("GENERATED_{i}"), "", Vec::new());
    scenario.data = holder(rng);
    // Seven in ten pass everything; the rest carry one or two findings.
    if !capabilities.is_empty() && rng.u8(..10) >= 7 {
        for _ in 0..=rng.usize(..2) {
            let capability = capabilities[rng.usize(..capabilities.len())];
            let spec = capability_spec(capability);
            let findings: Vec<(DecisionType, &str)> = spec
                .all_labels()
                .filter(|(d, l)| *d != DecisionType::Passed && *l != "PRECONDITION_NOT_FULFILLED")
                .filter(|(_, l)| *l != "NOT_UPLOADED")
                .collect();
            if findings.is_empty() {
                continue;
            }
            let (decision, label) = findings[rng.usize(..findings.len())];
            let credential = (capability == Capability::Usability).then(|| {
                [
                    CredentialCategory::Id,
                    CredentialCategory::Selfie,
                    CredentialCategory::Facemap,
                ][rng.usize(..3)]
            });
            scenario.outcomes.push(Outcome {
                capability,
                credential,
                decision,
                label: label.to_owned(),
            });
        }
    }
    // One in twenty: the ID's back never arrived.
    if rng.u8(..20) == 0 {
        scenario.delivered = Some(deliveries_without_back(workflow));
    }
    scenario
}

fn deliveries_without_back(workflow: &Workflow) -> Vec<Delivered> {
    let mut delivered = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(step) = &node.kind else {
            continue;
        };
        for category in step.credentials() {
            let mut parts = deliverable_parts(step, category);
            if category == CredentialCategory::Id {
                parts.retain(|p| *p != Part::Back);
            }
            delivered.push(Delivered {
                step: Some(node.id.to_string()),
                category,
                parts,
                reused: false,
            });
        }
    }
    delivered
}

fn holder(rng: &mut fastrand::Rng) -> ExtractedData {
    let year = rng.i32(1940..=2009);
    let (month, day) = (rng.u8(1..=12), rng.u8(1..=28));
    let expiry_year = rng.i32(2024..=2036);
    let (expiry_month, expiry_day) = (rng.u8(1..=12), rng.u8(1..=28));
    let date_of_birth = format!("{year:04}-{month:02}-{day:02}");
    let expiry_date = format!("{expiry_year:04}-{expiry_month:02}-{expiry_day:02}");
    // Completed 2026-11-01: a birthday later in the year is still to come.
    let birthday_passed = (month, day) <= (11, 1);
    let current_age = i64::from(2026 - year) - i64::from(!birthday_passed);
    let country = pick(rng, COUNTRIES);
    ExtractedData {
        issuing_country: country.to_owned(),
        document_type: pick(rng, DOCUMENT_TYPES).to_owned(),
        first_name: pick(rng, FIRST_NAMES).to_owned(),
        last_name: pick(rng, LAST_NAMES).to_owned(),
        date_of_birth,
        current_age,
        days_to_expiry: super::document::days_between(COMPLETED_AT, &expiry_date)
            .unwrap_or_default(),
        expiry_date,
        nationality: country.to_owned(),
        issuing_state: if country == "USA" {
            pick(rng, US_STATES).to_owned()
        } else {
            String::new()
        },
    }
}

/// Issuing states of the US documents generated.
const US_STATES: &[&str] = &["CA", "NY", "TX", "FL", "WA"];
