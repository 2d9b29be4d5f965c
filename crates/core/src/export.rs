//! The platform's account-creation request body for a workflow
//! (`POST /api/v1/accounts`), as an integration would send it.

use serde_json::{Value, json};

use crate::model::{Capability, CredentialCategory, NodeKind, Workflow};

/// What the request's `userConsent.consent.obtainedAt` holds until the
/// integration fills in when the end user consented.
pub const CONSENT_TIME_PLACEHOLDER: &str = "REPLACE-WITH-CONSENT-TIME (RFC 3339)";

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
/// credential an end user provides (prepared data is uploaded, not
/// requested: no DATA entry), and `userConsent` where the workflow
/// collects biometrics (domain.md, "Consent"), with the consent time left
/// for the integration to fill in.
pub fn kyx_request(workflow: &Workflow, customer_internal_reference: &str) -> Value {
    let mut credentials = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(acq) = &node.kind else {
            continue;
        };
        for category in acq.credentials() {
            if category == CredentialCategory::Data {
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
            "consent": { "obtained": "yes", "obtainedAt": CONSENT_TIME_PLACEHOLDER },
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
        let body = kyx_request(&w, "ref");
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
        assert!(kyx_request(&id_only, "ref").get("userConsent").is_none());
    }
}
