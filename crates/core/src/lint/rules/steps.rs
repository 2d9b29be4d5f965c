use super::title;
use crate::catalog::{CredentialNeed, capability_spec, service_capabilities, service_needs};
use crate::lint::analysis::facts;
use crate::lint::{Analysis, Sink};
use crate::model::{Capability, CredentialCategory, Node, NodeKind, Part};

fn need_bits(need: CredentialNeed) -> u32 {
    match need {
        CredentialNeed::AnyOf(categories) => categories
            .iter()
            .fold(0, |acc, &c| acc | facts::category(c)),
        CredentialNeed::ExistingFacemap => facts::EXISTING_FACEMAP,
        CredentialNeed::DataPart(Part::DeviceRisk) => facts::DEVICE_DATA,
        CredentialNeed::DataPart(_) => facts::PREPARED_DATA,
    }
}

fn need_met(need: CredentialNeed, available: u32) -> bool {
    need_bits(need) & available != 0
}

fn describe_need(need: CredentialNeed) -> String {
    match need {
        CredentialNeed::AnyOf(categories) => {
            let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
            format!("a {} credential", names.join(" or "))
        }
        CredentialNeed::ExistingFacemap => {
            "an existing facemap (a FACEMAP acquisition of type USE_EXISTING)".to_owned()
        }
        CredentialNeed::DataPart(part) => format!("a DATA acquisition with {part}"),
    }
}

/// The capabilities a node runs.
fn capabilities(node: &Node) -> &[Capability] {
    match &node.kind {
        NodeKind::Service(s) => &s.capabilities,
        NodeKind::RiskSignal(r) => std::slice::from_ref(capability_ref(r.signal.capability())),
        _ => &[],
    }
}

fn capability_ref(c: Capability) -> &'static Capability {
    &Capability::ALL[c as usize]
}

/// Facts a node uses (for `unused-credential`): what its capabilities
/// evaluate. Liveness and authentication also evaluate the facemap, and any
/// verification step reads prepared data as supporting data.
pub(crate) fn needed_facts(node: &Node) -> u32 {
    let mut bits = 0;
    if let NodeKind::Service(s) = &node.kind {
        bits |= service_needs(s.service)
            .iter()
            .fold(0, |acc, &n| acc | need_bits(n))
            | facts::PREPARED_DATA;
    }
    if matches!(node.kind, NodeKind::RiskSignal(_)) {
        bits |= facts::PREPARED_DATA;
    }
    for &c in capabilities(node) {
        for &need in capability_spec(c).needs {
            bits |= need_bits(need);
        }
        if matches!(c, Capability::Liveness | Capability::Authentication) {
            bits |= facts::category(CredentialCategory::Facemap);
        }
    }
    bits
}

pub(crate) fn empty_service(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if let NodeKind::Service(s) = &node.kind
            && s.capabilities.is_empty()
        {
            sink.node(
                i,
                Some("capabilities"),
                format!(
                    "{} selects no capability, so it checks nothing: select at least one of {}",
                    title(a, i),
                    names(service_capabilities(s.service))
                ),
            );
        }
    }
}

fn names(caps: &[Capability]) -> String {
    caps.iter()
        .map(|&c| capability_spec(c).name)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn capability_not_offered(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if let NodeKind::Service(s) = &node.kind {
            let offered = service_capabilities(s.service);
            for c in s.capabilities.iter().filter(|c| !offered.contains(c)) {
                sink.node(
                    i,
                    Some("capabilities"),
                    format!(
                        "{} is not offered by a {} step: remove it (this step offers {})",
                        capability_spec(*c).name,
                        s.service,
                        names(offered)
                    ),
                );
            }
        }
    }
}

pub(crate) fn duplicate_capability(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if let NodeKind::Service(s) = &node.kind {
            let mut seen = 0u32;
            for &c in &s.capabilities {
                if seen & c.bit() != 0 {
                    sink.node(
                        i,
                        Some("capabilities"),
                        format!(
                            "{} is selected twice in {}: remove the repeat",
                            capability_spec(c).name,
                            title(a, i)
                        ),
                    );
                }
                seen |= c.bit();
            }
        }
    }
}

pub(crate) fn capability_dependency(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let NodeKind::Service(s) = &node.kind else {
            continue;
        };
        if !a.in_flow(i) {
            continue;
        }
        let here = s.capabilities.iter().fold(0, |acc, c| acc | c.bit());
        let available = here | a.caps_before[i];
        // One finding per missing prerequisite, naming everything that needs it.
        for &required in Capability::ALL {
            if available & required.bit() != 0 {
                continue;
            }
            let dependents: Vec<Capability> = s
                .capabilities
                .iter()
                .copied()
                .filter(|&c| capability_spec(c).requires.contains(&required))
                .collect();
            if !dependents.is_empty() {
                let name = capability_spec(required).name;
                sink.node(i, Some("capabilities"), format!(
                    "{} {} {name}, which is not selected: select {name} in this step too (or run it in an earlier step)",
                    names(&dependents),
                    if dependents.len() == 1 { "requires" } else { "require" },
                ));
            }
        }
    }
}

pub(crate) fn risk_signal_dependency(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let NodeKind::RiskSignal(r) = &node.kind else {
            continue;
        };
        if !a.in_flow(i) {
            continue;
        }
        let spec = capability_spec(r.signal.capability());
        let missing: Vec<Capability> = spec
            .requires
            .iter()
            .copied()
            .filter(|c| a.caps_before[i] & c.bit() == 0)
            .collect();
        if !missing.is_empty() {
            sink.node(i, None, format!(
                "{} reads the results of {}, which do not run before it on every path: put an ID & identity verification step with them before it",
                spec.name,
                names(&missing)
            ));
        }
    }
}

pub(crate) fn missing_credential(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if !a.in_flow(i) {
            continue;
        }
        let available = a.facts_before[i];
        for &c in capabilities(node) {
            let spec = capability_spec(c);
            for &need in spec.needs {
                if !need_met(need, available) {
                    sink.node(i, Some("capabilities"), format!(
                        "{} needs {}, which is not acquired before this step on every path: add that acquisition upstream or deselect {}",
                        spec.name,
                        describe_need(need),
                        spec.name
                    ));
                }
            }
        }
    }
}

pub(crate) fn unused_credential(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        let NodeKind::Acquisition(acq) = &node.kind else {
            continue;
        };
        if !a.reachable[i] {
            continue;
        }
        let needed = a.needed_after[i];
        for category in acq.credentials() {
            let bits = match category {
                CredentialCategory::Data => {
                    let mut b = 0;
                    if acq.parts.contains(&Part::DeviceRisk) {
                        b |= facts::DEVICE_DATA;
                    }
                    if acq.parts.contains(&Part::PreparedData) {
                        b |= facts::PREPARED_DATA;
                    }
                    b
                }
                CredentialCategory::Facemap => facts::category(category) | facts::EXISTING_FACEMAP,
                _ => facts::category(category),
            };
            if bits != 0 && needed & bits == 0 {
                sink.node(i, Some("category"), format!(
                    "the {category} credential acquired here is not evaluated by any later step: add a step that checks it, or remove the acquisition so end users are not asked for it"
                ));
            }
        }
    }
}

/// Issue 11: a capability that can never execute in this workflow, because
/// the credential it needs is acquired on some path but can arrive on none
/// (`catalog::can_arrive`: a new facemap over API only, prepared data over
/// WEB or SDK only). `missing-credential` covers credentials not acquired.
pub(crate) fn capability_never_runs(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if !a.in_flow(i) {
            continue;
        }
        for &c in capabilities(node) {
            let spec = capability_spec(c);
            for &need in spec.needs {
                let acquired = need_met(need, a.acquired_on_some_path[i]);
                let arrives = need_met(need, a.arrives_on_some_path[i]);
                if acquired && !arrives {
                    sink.node(i, Some("capabilities"), format!(
                        "{} can never run: it needs {}, which is acquired upstream but no channel of that step can deliver it (a facemap comes over WEB or SDK only, prepared data over API only)",
                        spec.name,
                        describe_need(need),
                    ));
                }
            }
        }
    }
}

/// domain.md: "Device, email and phone risk signals: no platform source in
/// hand gives their capability names or labels; anything idflow shows for
/// them is its own model and must say so."
pub(crate) fn idflow_model_signal(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, node) in a.workflow.nodes.iter().enumerate() {
        if let NodeKind::RiskSignal(r) = &node.kind
            && crate::catalog::is_idflow_model(r.signal.capability())
        {
            sink.node(i, Some("signal"), format!(
                "{} is idflow's own model: no platform source names this signal or its labels, so its results here are a guess; confirm it with the platform before relying on it",
                capability_spec(r.signal.capability()).name
            ));
        }
    }
}
