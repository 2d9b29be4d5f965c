//! `export::kyx_request` over every shipped sample (issue 29, "Export"):
//! what the request declares, and its consent placeholder.

use std::fs;
use std::path::PathBuf;

use idflow_core::catalog::{is_stored_facemap, reuses};
use idflow_core::consent::{OBTAINED_AT_FIELD, check_obtained_at};
use idflow_core::export::{collects_biometrics, kyx_request};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{AcquisitionType, CredentialCategory, NodeKind, Workflow};
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::datetime;

fn samples() -> Vec<(String, Workflow)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample_workflows");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).expect("sample_workflows exists") {
        let path = entry.expect("entry").path();
        let text = fs::read_to_string(&path).expect("readable");
        let workflow = parse_workflow(&text, Format::Ron)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.push((name, workflow));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 11, "the shipped samples: {}", out.len());
    out
}

const EXPORTED_AT: OffsetDateTime = datetime!(2026-05-04 10:30:00.250 UTC);

/// (category, label) of every declared credential.
fn declared(body: &Value) -> Vec<(String, Option<String>)> {
    body["workflowDefinition"]["credentials"]
        .as_array()
        .expect("workflowDefinition.credentials")
        .iter()
        .map(|c| {
            (
                c["category"].as_str().expect("category").to_owned(),
                c["label"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

/// Whether the acquisition step collects nothing new in the transaction.
fn reused_or_stored(workflow: &Workflow, node: usize) -> bool {
    match &workflow.nodes[node].kind {
        NodeKind::Acquisition(a) => {
            reuses(a)
                || a.credentials()
                    .any(|category| is_stored_facemap(a, category))
        }
        _ => false,
    }
}

/// Seed 003, "Authentication" and "Authentication On-Premises": the request
/// bodies for 10014 and 10071 declare no credential; the existing facemap
/// (10014) and the stored one (10071) are not asked of the end user.
#[test]
fn authentication_requests_declare_only_the_new_selfie_and_facemap() {
    for (name, workflow) in samples() {
        if !matches!(workflow.key, 10014 | 10071) {
            continue;
        }
        let body = kyx_request(&workflow, "ref", EXPORTED_AT);
        assert_eq!(
            declared(&body),
            [
                ("SELFIE".to_owned(), Some("new".to_owned())),
                ("FACEMAP".to_owned(), Some("new".to_owned())),
            ],
            "{name}: {body:#}"
        );
    }
}

/// Issue 29, "Export": a reused or stored credential is not declared. Sweep:
/// in every sample, and in every sample with each ACQUIRE_NEW step turned
/// into USE_EXISTING and REUSABLE_IDENTITY in turn, removing the steps that
/// collect nothing new changes nothing in the request, and turning such a
/// step back into ACQUIRE_NEW declares it (so it is left out for what it
/// does, not for what it is).
#[test]
fn reused_and_stored_credentials_are_never_declared() {
    let mut checked_reused = 0;
    for (name, sample) in samples() {
        let mut variants = vec![(name.clone(), sample.clone())];
        for (index, node) in sample.nodes.iter().enumerate() {
            let NodeKind::Acquisition(a) = &node.kind else {
                continue;
            };
            if a.acquisition_type != AcquisitionType::AcquireNew
                || a.category == CredentialCategory::Data
            {
                continue;
            }
            for reuse in [
                AcquisitionType::UseExisting,
                AcquisitionType::ReusableIdentity,
            ] {
                let mut variant = sample.clone();
                if let NodeKind::Acquisition(a) = &mut variant.nodes[index].kind {
                    a.acquisition_type = reuse;
                }
                variants.push((format!("{name} with {} {reuse:?}", node.id.0), variant));
            }
        }
        for (what, workflow) in variants {
            let body = kyx_request(&workflow, "ref", EXPORTED_AT);
            let reused: Vec<usize> = (0..workflow.nodes.len())
                .filter(|&i| reused_or_stored(&workflow, i))
                .collect();
            let mut without = workflow.clone();
            for &i in reused.iter().rev() {
                without.nodes.remove(i);
            }
            assert_eq!(
                declared(&body),
                declared(&kyx_request(&without, "ref", EXPORTED_AT)),
                "{what}: a step that collects nothing new is declared"
            );
            for &i in &reused {
                checked_reused += 1;
                let mut fresh = workflow.clone();
                let NodeKind::Acquisition(a) = &mut fresh.nodes[i].kind else {
                    continue;
                };
                a.acquisition_type = AcquisitionType::AcquireNew;
                let category = a.category.as_str();
                let count =
                    |body: &Value| declared(body).iter().filter(|(c, _)| c == category).count();
                assert!(
                    count(&kyx_request(&fresh, "ref", EXPORTED_AT)) > count(&body),
                    "{what}: the same step acquired new is declared"
                );
            }
        }
    }
    assert!(
        checked_reused > 20,
        "the sweep met reused steps: {checked_reused}"
    );
}

/// Issue 29, "Consent" and "Export": the request carries a consent time that
/// the mock platform's rule accepts (seed 003: at most 3 years old, and
/// idflow's: not in the future), the export time, in every sample that
/// collects biometrics (domain.md, "Consent"); the others carry none.
#[test]
fn the_consent_placeholder_is_a_valid_consent_time_in_every_sample() {
    let mut with_consent = 0;
    for (name, workflow) in samples() {
        let body = kyx_request(&workflow, "ref", EXPORTED_AT);
        if !collects_biometrics(&workflow) {
            assert!(body.get("userConsent").is_none(), "{name}");
            continue;
        }
        with_consent += 1;
        let at = body["userConsent"]["consent"]["obtainedAt"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no {OBTAINED_AT_FIELD}"));
        assert_eq!(at, "2026-05-04T10:30:00.250Z", "{name}: the export time");
        for now in [EXPORTED_AT, EXPORTED_AT + time::Duration::days(365)] {
            check_obtained_at(at, now)
                .unwrap_or_else(|e| panic!("{name}: {OBTAINED_AT_FIELD} refused at {now}: {e}"));
        }
        assert_eq!(body["userConsent"]["consent"]["obtained"], "yes", "{name}");
    }
    assert!(with_consent >= 7, "biometric samples: {with_consent}");
}
