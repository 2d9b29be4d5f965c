use std::collections::HashMap;

use super::title;
use crate::catalog::allowed_parts;
use crate::lint::{Analysis, Sink};
use crate::model::{
    AcquisitionNode, AcquisitionType, Channel, CredentialCategory, DocumentType, NodeKind, Part,
};

fn acquisitions<'w>(a: &Analysis<'w>) -> impl Iterator<Item = (usize, &'w AcquisitionNode)> + 'w {
    a.workflow
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.kind {
            NodeKind::Acquisition(acq) => Some((i, acq)),
            _ => None,
        })
}

/// Captured in this journey (as opposed to reused from an earlier one).
fn captures_new(acq: &AcquisitionNode) -> bool {
    acq.acquisition_type != AcquisitionType::UseExisting
}

pub(crate) fn no_channels(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        if captures_new(acq) && acq.channels.is_empty() {
            sink.node(
                i,
                Some("channels"),
                format!(
                    "{} captures a new {} but allows no channel: allow WEB, SDK and/or API",
                    title(a, i),
                    acq.category
                ),
            );
        }
    }
}

pub(crate) fn facemap_api_only(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        let facemap = crate::catalog::captures_facemap(acq);
        let api_only = !acq.channels.is_empty() && acq.channels.iter().all(|&c| c == Channel::Api);
        if facemap && captures_new(acq) && api_only {
            sink.node(i, Some("channels"), format!(
                "{} captures a FACEMAP but allows only the API channel: a facemap can be uploaded only through WEB or SDK, so allow WEB or SDK (or drop the FACEMAP part and accept weaker liveness)",
                title(a, i)
            ));
        }
    }
}

use crate::catalog::mandatory_part;

pub(crate) fn part_not_allowed(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        let allowed = allowed_parts(acq.category);
        for part in acq.parts.iter().filter(|p| !allowed.contains(p)) {
            let allowed: Vec<&str> = allowed.iter().map(|p| p.as_str()).collect();
            sink.node(
                i,
                Some("parts"),
                format!(
                    "a {} credential has no {part} part: choose from {}",
                    acq.category,
                    allowed.join(", ")
                ),
            );
        }
        match mandatory_part(acq.category) {
            Some(part) if !acq.parts.contains(&part) => sink.node(
                i,
                Some("parts"),
                format!(
                    "a {} acquisition must collect the {part} part: add it",
                    acq.category
                ),
            ),
            None if acq.parts.is_empty() => sink.node(
                i,
                Some("parts"),
                format!(
                    "{} collects no data: choose DEVICE_RISK and/or PREPARED_DATA",
                    title(a, i)
                ),
            ),
            _ => {}
        }
    }
}

pub(crate) fn driving_licence_front_only(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        if acq.category == CredentialCategory::Id
            && acq.document_types.contains(&DocumentType::DrivingLicense)
            && !acq.parts.contains(&Part::Back)
        {
            sink.node(i, Some("parts"), format!(
                "{} accepts driving licences but captures the front only: licences carry data and security features on the back, so capture FRONT and BACK",
                title(a, i)
            ));
        }
    }
}

fn fits(category: CredentialCategory, doc: DocumentType) -> bool {
    crate::catalog::document_types_for(category).contains(&doc)
}

pub(crate) fn document_type_category(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        for &doc in acq
            .document_types
            .iter()
            .filter(|&&d| !fits(acq.category, d))
        {
            let hint = match acq.category {
                CredentialCategory::Id => {
                    "an ID acquisition accepts PASSPORT, ID_CARD, DRIVING_LICENSE, RESIDENCE_PERMIT or VISA"
                }
                CredentialCategory::Document => {
                    "a DOCUMENT acquisition accepts UTILITY_BILL, BANK_STATEMENT, CREDIT_CARD_STATEMENT or SOCIAL_SECURITY_CARD"
                }
                _ => "only ID and DOCUMENT acquisitions take document types",
            };
            sink.node(
                i,
                Some("document_types"),
                format!("{doc} does not fit a {} credential: {hint}", acq.category),
            );
        }
    }
}

pub(crate) fn country_code(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        for country in &acq.countries {
            // The standard's list (the `isocountry` crate), not a shape
            // check: `XYZ` is three capitals but no country.
            match crate::countries::alpha3(country) {
                Some(alpha3) if alpha3 == country => {}
                Some(alpha3) => sink.node(i, Some("countries"), format!(
                    "country `{country}` is written as presets are not: use its ISO 3166-1 alpha-3 code `{alpha3}`"
                )),
                None => sink.node(i, Some("countries"), format!(
                    "country `{country}` is not an ISO 3166-1 country code: use an alpha-3 code, e.g. USA, DEU, GBR"
                )),
            }
        }
    }
}

pub(crate) fn label_required(a: &Analysis<'_>, sink: &mut Sink) {
    let mut per_category: HashMap<CredentialCategory, u32> = HashMap::new();
    for (_, acq) in acquisitions(a) {
        for c in acq.credentials() {
            *per_category.entry(c).or_default() += 1;
        }
    }
    for (i, acq) in acquisitions(a) {
        if acq.label.is_some() {
            continue;
        }
        if let Some(c) = acq
            .credentials()
            .find(|c| per_category.get(c).copied().unwrap_or(0) > 1)
        {
            sink.node(i, Some("label"), format!(
                "this workflow collects more than one {c} credential, so each needs a label: give {} a label that names it (e.g. `front_id`, `stored`)",
                title(a, i)
            ));
        }
    }
}

pub(crate) fn duplicate_label(a: &Analysis<'_>, sink: &mut Sink) {
    let mut seen: HashMap<(CredentialCategory, &str), usize> = HashMap::new();
    for (i, acq) in acquisitions(a) {
        let Some(label) = acq.label.as_deref() else {
            continue;
        };
        for c in acq.credentials() {
            if let Some(&first) = seen.get(&(c, label)) {
                sink.node(i, Some("label"), format!(
                    "label `{label}` already names the {c} credential of node {}: labels must tell credentials apart, so choose another",
                    a.node(first).id
                ));
            } else {
                seen.insert((c, label), i);
            }
        }
    }
}

pub(crate) fn label_invalid(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, acq) in acquisitions(a) {
        let Some(label) = acq.label.as_deref() else {
            continue;
        };
        let valid = !label.is_empty()
            && label.len() <= 100
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            sink.node(i, Some("label"), format!(
                "label `{label}` is not valid: use 1 to 100 letters, digits, '-' or '_' (it appears in API requests)"
            ));
        }
    }
}
