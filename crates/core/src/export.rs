//! The platform's account-creation request body for a workflow
//! (`POST /api/v1/accounts`), as an integration would send it.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::catalog::{is_stored_facemap, reuses};
use crate::consent;
use crate::model::{Capability, CredentialCategory, NodeKind, Workflow};

/// Whether the workflow collects biometrics (liveness, similarity,
/// authentication): domain.md, "Consent".
pub fn collects_biometrics(workflow: &Workflow) -> bool {
    workflow.nodes.iter().any(|n| match &n.kind {
        NodeKind::Service(s) => s.capabilities.iter().any(|c| {
            matches!(
                c,
                Capability::Liveness | Capability::Similarity | Capability::Authentication
            )
        }),
        _ => false,
    })
}

/// Builds the request body: the workflow key, one credential entry per
/// credential the end user provides in this transaction, and `userConsent`
/// where the workflow collects biometrics (domain.md, "Consent").
///
/// Not declared: prepared data (uploaded, not requested: no DATA entry), a
/// credential reused from an earlier transaction (USE_EXISTING,
/// REUSABLE_IDENTITY: `catalog::reuses`) and the stored facemap of an
/// on-premises authentication (`catalog::is_stored_facemap`): seed 003's
/// request bodies for 10014 and 10071 declare neither.
///
/// `consent.obtainedAt` is a placeholder, `consent_placeholder_at` (the
/// export time, say): a valid consent time, so that the request is accepted
/// as it is, which the integration must replace with when the end user
/// consented.
pub fn kyx_request(
    workflow: &Workflow,
    customer_internal_reference: &str,
    consent_placeholder_at: OffsetDateTime,
) -> Value {
    let mut credentials = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(acq) = &node.kind else {
            continue;
        };
        if reuses(acq) {
            continue;
        }
        for category in acq.credentials() {
            if category == CredentialCategory::Data || is_stored_facemap(acq, category) {
                continue;
            }
            let mut credential = json!({ "category": category.as_str() });
            if !acq.document_types.is_empty() {
                let types: Vec<&str> = acq.document_types.iter().map(|t| t.as_str()).collect();
                credential["type"] = json!({ "values": types });
            }
            if !acq.countries.is_empty() {
                credential["country"] = json!({ "values": acq.countries });
            }
            if let Some(label) = &acq.label {
                credential["label"] = json!(label);
            }
            credentials.push(credential);
        }
    }
    let mut body = json!({
        "customerInternalReference": customer_internal_reference,
        "workflowDefinition": {
            "key": workflow.key,
            "credentials": credentials,
        },
    });
    if collects_biometrics(workflow) {
        body["userConsent"] = json!({
            "consent": {
                "obtained": "yes",
                "obtainedAt": consent::timestamp(consent_placeholder_at),
            },
        });
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Format, parse_workflow};

    /// domain.md, "Consent" and "Prepared (supporting) data": 10163 asks
    /// for consent (it collects a selfie) and lists no DATA credential.
    #[test]
    fn biometric_workflows_carry_consent_and_prepared_data_is_not_requested() {
        let w = parse_workflow(
            include_str!("../../../sample_workflows/10163-idiv-prepared-data.ron"),
            Format::Ron,
        )
        .expect("sample parses");
        let body = kyx_request(&w, "ref", OffsetDateTime::now_utc());
        assert_eq!(body["userConsent"]["consent"]["obtained"], "yes");
        let categories: Vec<&str> = body["workflowDefinition"]["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .filter_map(|c| c["category"].as_str())
            .collect();
        assert_eq!(categories, ["ID", "SELFIE", "FACEMAP"]);
        let id_only = parse_workflow(
            include_str!("../../../sample_workflows/10165-id-verification.ron"),
            Format::Ron,
        )
        .expect("sample parses");
        assert!(
            kyx_request(&id_only, "ref", OffsetDateTime::now_utc())
                .get("userConsent")
                .is_none()
        );
    }
}
