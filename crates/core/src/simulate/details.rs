//! The platform-shaped retrieval document of a run (seed 003's
//! "Retrieval API Response"): what `GET .../workflow-executions/{id}`
//! returns, so integrations can be tested against a simulated run.

use serde_json::{Map, Value, json};

use super::{ExtractedData, Run, stable_id};
use crate::catalog::capability_spec;
use crate::model::{Capability, CredentialCategory, DecisionType, NodeKind, Part, Workflow};

/// Identity and timing of the transaction the document describes. The
/// defaults are fixed so that CLI output is reproducible; the server fills
/// in real ids and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailsContext {
    pub account_id: String,
    pub workflow_execution_id: String,
    pub user_reference: String,
    pub customer_internal_reference: String,
    pub created_at: String,
    pub started_at: String,
    pub completed_at: String,
    /// Base of the `href`s, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
}

impl DetailsContext {
    pub fn for_run(workflow: &Workflow, run: &Run) -> Self {
        DetailsContext {
            account_id: stable_id(&format!("account/{}/{}", workflow.key, run.scenario)),
            workflow_execution_id: stable_id(&format!(
                "execution/{}/{}",
                workflow.key, run.scenario
            )),
            user_reference: format!("scenario:{}", run.scenario),
            customer_internal_reference: "idflow-simulation".to_owned(),
            created_at: "2026-01-01T00:00:00.000Z".to_owned(),
            started_at: "2026-01-01T00:00:05.000Z".to_owned(),
            completed_at: "2026-01-01T00:00:20.000Z".to_owned(),
            base_url: "https://retrieval.idflow.local".to_owned(),
        }
    }
}

/// Data the platform attaches to some capabilities' results. `document`
/// is set when the result reads a proof-of-address document (its type
/// preset), whose extraction has no licence or passport fields.
pub(super) fn capability_data(
    capability: Capability,
    label: &str,
    data: &ExtractedData,
    decision: DecisionType,
    document: Option<&str>,
) -> Option<Value> {
    match capability {
        Capability::Extraction if decision == DecisionType::Passed && document.is_some() => {
            Some(json!({
                "type": document.unwrap_or("UTILITY_BILL"),
                "issuingCountry": data.issuing_country,
                "firstName": data.first_name,
                "lastName": data.last_name,
                "addressLine": "123 MAIN STREET",
                "city": "SAN FRANCISCO",
                "postalCode": "94105",
                "subdivision": "CA",
            }))
        }
        Capability::Extraction if decision == DecisionType::Passed => Some(json!({
            "type": data.document_type,
            "subType": format!("REGULAR_{}", data.document_type),
            "issuingCountry": data.issuing_country,
            "firstName": data.first_name,
            "lastName": data.last_name,
            "dateOfBirth": data.date_of_birth,
            "expiryDate": data.expiry_date,
            "issuingDate": "2020-08-20",
            "documentNumber": "A12345676",
            "state": "CA",
            "gender": "M",
            "currentAge": data.current_age.to_string(),
        })),
        // The platform's value, not the label (domain.md, "labels":
        // similarity's `data.similarity` is MATCH, NOT_MATCH or
        // NOT_POSSIBLE); nothing when it did not run.
        Capability::Similarity => {
            let value = match decision {
                DecisionType::Passed => "MATCH",
                DecisionType::Rejected => "NOT_MATCH",
                DecisionType::Warning => "NOT_POSSIBLE",
                DecisionType::NotExecuted => return None,
            };
            Some(json!({ "similarity": value }))
        }
        // Seed 003's authentication samples.
        Capability::Authentication if decision != DecisionType::NotExecuted => {
            Some(json!({ "type": "IPROOV_STANDARD" }))
        }
        Capability::Liveness if decision != DecisionType::NotExecuted => Some(json!({
            "type": "IPROOV_STANDARD",
            "predictedAge": data.current_age,
            "ageConfidenceRange": format!("{}-{}", data.current_age.saturating_sub(12).max(0), data.current_age.saturating_add(12)),
        })),
        Capability::ImageChecks if decision != DecisionType::NotExecuted => {
            let findings: Vec<String> = if label == "REPEATED_FACE" {
                (0..3)
                    .map(|i| stable_id(&format!("face-search/{i}")))
                    .collect()
            } else {
                Vec::new()
            };
            Some(json!({ "faceSearchFindings": { "status": "DONE", "findings": findings } }))
        }
        _ => None,
    }
}

/// A proof-of-address document's type: its step's first preset, else a
/// utility bill.
fn document_type<'w>(workflow: &'w Workflow, credential: &super::Credential) -> &'w str {
    workflow
        .nodes
        .iter()
        .find(|n| n.id == credential.node)
        .and_then(|n| match &n.kind {
            NodeKind::Acquisition(a) => a.document_types.first().map(|t| t.as_str()),
            _ => None,
        })
        .unwrap_or("UTILITY_BILL")
}

fn part_name(part: Part) -> &'static str {
    part.as_str()
}

/// The retrieval document of `run`.
pub fn details(workflow: &Workflow, run: &Run, ctx: &DetailsContext) -> Value {
    let account_href = format!("{}/api/v1/accounts/{}", ctx.base_url, ctx.account_id);
    // This transaction's credentials; a reused one belongs to the earlier
    // transaction (seed 003's 10014 details list only the new selfie and
    // facemap).
    let credentials: Vec<Value> = run
        .credentials
        .iter()
        .filter(|c| !c.existing)
        .map(|c| {
            let parts: Vec<Value> = c
                .parts
                .iter()
                .filter(|p| match c.category {
                    CredentialCategory::Selfie => **p == Part::Face,
                    CredentialCategory::Facemap => **p == Part::Facemap,
                    _ => true,
                })
                .map(|&p| json!({ "classifier": part_name(p), "href": format!("{account_href}/credentials/{}/parts/{}", c.id, part_name(p)) }))
                .collect();
            let mut v = json!({ "id": c.id, "category": c.category.as_str(), "parts": parts });
            if let Some(label) = &c.label {
                v["label"] = json!(label);
            }
            v
        })
        .collect();

    let mut capabilities = Map::new();
    for (index, r) in run.results.iter().enumerate() {
        let spec = capability_spec(r.capability);
        let creds: Vec<Value> = r
            .credentials
            .iter()
            .filter_map(|&i| run.credentials.get(i))
            .filter(|c| !c.existing)
            .map(|c| json!({ "id": c.id, "category": c.category.as_str() }))
            .collect();
        let document = r
            .credentials
            .first()
            .and_then(|&i| run.credentials.get(i))
            .filter(|c| c.category == CredentialCategory::Document)
            .map(|c| document_type(workflow, c));
        let mut entry = json!({
            // Ids are derived here, not during the run: formatting one per
            // result was most of a 10,000-node run's time.
            "id": stable_id(&format!("{}/{}/{}/{index}/{}", workflow.key, r.step, r.capability, run.scenario)),
            "credentials": creds,
            "decision": { "type": r.decision.as_str(), "details": { "label": r.label } },
        });
        if let Some(data) = capability_data(r.capability, r.label, &run.data, r.decision, document)
        {
            entry["data"] = data;
        }
        // Seed 003: liveness with a facemap, and a passed authentication,
        // link the facemap usable for later authentications.
        if matches!(
            r.capability,
            Capability::Liveness | Capability::Authentication
        ) && r.decision == DecisionType::Passed
            && let Some(facemap) = r
                .credentials
                .iter()
                .filter_map(|&i| run.credentials.get(i))
                .find(|c| c.category == CredentialCategory::Facemap)
        {
            entry["validFaceMapForAuthentication"] = json!(format!(
                "{account_href}/credentials/{}/parts/FACEMAP",
                facemap.id
            ));
        }
        if let Value::Array(list) = capabilities
            .entry(spec.api_name)
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(entry);
        }
    }

    json!({
        "workflow": {
            "id": ctx.workflow_execution_id,
            "status": "PROCESSED",
            "definitionKey": workflow.key.to_string(),
            "userReference": ctx.user_reference,
            "customerInternalReference": ctx.customer_internal_reference,
        },
        "account": { "id": ctx.account_id },
        "createdAt": ctx.created_at,
        "startedAt": ctx.started_at,
        "completedAt": ctx.completed_at,
        "credentials": credentials,
        "decision": {
            "type": run.decision.as_str(),
            "details": { "label": run.label },
            "risk": { "score": f64::from(run.risk_score) },
        },
        "steps": { "href": format!("{account_href}/workflow-executions/{}/steps", ctx.workflow_execution_id) },
        "capabilities": Value::Object(capabilities),
    })
}
