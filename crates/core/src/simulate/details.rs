//! The platform-shaped retrieval document of a run (seed 003's
//! "Retrieval API Response"): what `GET .../workflow-executions/{id}`
//! returns, so integrations can be tested against a simulated run.

use serde_json::{Map, Value, json};

use super::{DocumentData, EarlierSource, ExtractedData, ReusableIdentity, Run, stable_id};
use crate::catalog::capability_spec;
use crate::model::{Capability, CredentialCategory, DecisionType, Part, Workflow};

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
/// is set when the result reads a proof-of-address document, whose
/// extraction has its own type and country and no expiry date, licence or
/// passport fields (domain.md, "Documents").
pub(super) fn capability_data(
    capability: Capability,
    label: &str,
    data: &ExtractedData,
    decision: DecisionType,
    document: Option<&DocumentData>,
) -> Option<Value> {
    match capability {
        Capability::Extraction if decision == DecisionType::Passed && document.is_some() => {
            let document = document?;
            Some(json!({
                "type": document.document_type,
                "issuingCountry": document.issuing_country,
                "firstName": data.first_name,
                "lastName": data.last_name,
                "addressLine": "123 MAIN STREET",
                "city": "SAN FRANCISCO",
                "postalCode": "94105",
                "subdivision": "CA",
            }))
        }
        Capability::Extraction if decision == DecisionType::Passed => {
            let mut extracted = json!({
                "type": data.document_type,
                "subType": format!("REGULAR_{}", data.document_type),
                "issuingCountry": data.issuing_country,
                "firstName": data.first_name,
                "lastName": data.last_name,
                "dateOfBirth": data.date_of_birth,
                "expiryDate": data.expiry_date,
                "issuingDate": "2020-08-20",
                "documentNumber": "A12345676",
                "gender": "M",
                "currentAge": data.current_age.to_string(),
            });
            // The scenario's issuing state, never a constant (issue 29).
            if !data.issuing_state.is_empty() {
                extracted["state"] = json!(data.issuing_state);
            }
            Some(extracted)
        }
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
        // A document has no face: no face search on it.
        Capability::ImageChecks if decision != DecisionType::NotExecuted && document.is_none() => {
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

fn part_name(part: Part) -> &'static str {
    part.as_str()
}

/// The frames iProov's liveness keeps with a facemap captured in the
/// journey (seed 003's 10014 and 10071 details: LIVENESS_1 to LIVENESS_6).
const LIVENESS_FRAMES: usize = 6;

/// One `credentials[]` entry: its parts with their hrefs (a selfie shows
/// its FACE; a facemap captured in the journey its FACEMAP and liveness
/// frames; 10071's stored facemap its FACEMAP, without href, as seed 003's
/// sample), and Reusable Identity's answer.
fn credential_entry(c: &super::Credential, account_href: &str) -> Value {
    let href = |classifier: &str| format!("{account_href}/credentials/{}/parts/{classifier}", c.id);
    let mut parts: Vec<Value> = Vec::new();
    if !c.existing {
        for &p in &c.parts {
            let shown = match c.category {
                CredentialCategory::Selfie => p == Part::Face,
                CredentialCategory::Facemap => p == Part::Facemap,
                _ => true,
            };
            if !shown {
                continue;
            }
            if c.stored {
                parts.push(json!({ "classifier": part_name(p) }));
            } else {
                parts.push(json!({ "classifier": part_name(p), "href": href(part_name(p)) }));
            }
        }
        if c.category == CredentialCategory::Facemap && !c.stored && c.delivered {
            for frame in 1..=LIVENESS_FRAMES {
                let classifier = format!("LIVENESS_{frame}");
                parts.push(json!({ "classifier": classifier, "href": href(&classifier) }));
            }
        }
    }
    let mut v = json!({ "id": c.id, "category": c.category.as_str(), "parts": parts });
    if let Some(label) = &c.label {
        v["label"] = json!(label);
    }
    if let Some(status) = c.reusable_identity {
        v["reusableIdentity"] = reusable_identity(status, c.earlier.as_ref());
    }
    v
}

/// `reusableIdentity` (domain.md, "Reusable credentials": `{status (e.g.
/// ID_NOT_FOUND), source}`; the values are idflow's own, in the README):
/// status ID_FOUND with the earlier transaction as source, or ID_NOT_FOUND
/// / RISK_DETECTED with a new scan as source.
fn reusable_identity(status: ReusableIdentity, earlier: Option<&EarlierSource>) -> Value {
    let source = match (status, earlier) {
        (ReusableIdentity::IdFound, Some(earlier)) => {
            let mut source = json!({ "type": "WORKFLOW_EXECUTION" });
            if !earlier.workflow_execution_id.is_empty() {
                source["workflowExecutionId"] = json!(earlier.workflow_execution_id);
            }
            source
        }
        (ReusableIdentity::IdFound, None) => json!({ "type": "WORKFLOW_EXECUTION" }),
        _ => json!({ "type": "NEW_SCAN" }),
    };
    json!({ "status": status.as_str(), "source": source })
}

/// The retrieval document of `run`.
pub fn details(workflow: &Workflow, run: &Run, ctx: &DetailsContext) -> Value {
    let account_href = format!("{}/api/v1/accounts/{}", ctx.base_url, ctx.account_id);
    // This transaction's credentials; a reused one belongs to the earlier
    // transaction (seed 003's 10014 details list only the new selfie and
    // facemap), except Reusable Identity's ID, listed with what it did.
    let credentials: Vec<Value> = run
        .credentials
        .iter()
        .filter(|c| !c.existing || c.reusable_identity.is_some())
        .map(|c| credential_entry(c, &account_href))
        .collect();

    let mut capabilities = Map::new();
    for (index, r) in run.results.iter().enumerate() {
        let spec = capability_spec(r.capability);
        // Every credential the result read, a reused one by its earlier id
        // (issue 29: "similarity on a reused ID names both credentials").
        let creds: Vec<Value> = r
            .credentials
            .iter()
            .filter_map(|&i| run.credentials.get(i))
            .map(|c| json!({ "id": c.id, "category": c.category.as_str() }))
            .collect();
        let document = r
            .credentials
            .first()
            .and_then(|&i| run.credentials.get(i))
            .filter(|c| c.category == CredentialCategory::Document)
            .map(|_| &run.document);
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
