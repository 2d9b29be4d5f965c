//! The credentials an execution collects, read off the workflow's
//! acquisition steps: which channels may deliver each one and which image
//! parts the API accepts for it. A Reusable Identity credential depends on
//! the account: taken from it when its history offers a qualifying ID,
//! else a fresh scan (`PlannedCredential::on_account`).

use idflow_core::Workflow;
use idflow_core::catalog::{api_parts, credential_channels, fresh_scan_api_parts};
use idflow_core::model::{AcquisitionType, Channel, CredentialCategory, NodeKind, Part};
use idflow_core::simulate::{EarlierTransaction, Reuse, reuse};

/// One credential of a new execution (before it has an id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCredential {
    /// The acquisition step that collects it.
    pub node: String,
    pub category: CredentialCategory,
    pub label: Option<String>,
    /// WEB, API, SDK (in that order), as the step allows; never API for a
    /// new FACEMAP, which only the Web Client and the SDKs can capture.
    /// Empty for a credential read off the account (10014's facemap): it is
    /// not listed in the account response.
    pub channels: Vec<Channel>,
    /// The parts the API accepts for it: none unless API delivers it and it
    /// is acquired new, or it is 10071's stored facemap.
    pub api_parts: Vec<Part>,
    /// USE_EXISTING, or REUSABLE_IDENTITY with a qualifying ID on the
    /// account: stored by an earlier execution.
    pub existing: bool,
    /// REUSABLE_IDENTITY: the API parts of a fresh scan, taken when the
    /// account offers nothing that qualifies (`on_account`).
    pub reusable_identity: Option<Vec<Part>>,
}

impl PlannedCredential {
    pub fn allows_api(&self) -> bool {
        self.channels.contains(&Channel::Api)
    }

    /// The credential as an execution on an account with `history` (oldest
    /// first) collects it: a Reusable Identity credential is read off the
    /// account (no parts) when `reuse::find` finds a qualifying one, else
    /// it is a fresh scan on every channel the step allows, over API too
    /// with its parts (seed 002: "Continues with a fresh ID scan (if no
    /// pre-verified qualified ID is found or risk is detected)"; domain.md,
    /// "Reusable credentials"). Others are as planned.
    pub fn on_account(&self, history: &[EarlierTransaction]) -> PlannedCredential {
        let Some(fresh_parts) = &self.reusable_identity else {
            return self.clone();
        };
        let offered = matches!(
            reuse::find(history, self.category, true),
            Reuse::Found { .. }
        );
        PlannedCredential {
            existing: offered,
            api_parts: if offered {
                Vec::new()
            } else {
                fresh_parts.clone()
            },
            ..self.clone()
        }
    }
}

/// Every credential the workflow's acquisition steps collect, in step order
/// (a SELFIE step with a FACEMAP part yields a FACEMAP credential too), with
/// the channels and API parts the catalog gives it (`catalog::delivery`).
pub fn plan(workflow: &Workflow) -> Vec<PlannedCredential> {
    let mut planned = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(step) = &node.kind else {
            continue;
        };
        let existing = step.acquisition_type != AcquisitionType::AcquireNew;
        let reusable_identity = step.acquisition_type == AcquisitionType::ReusableIdentity;
        for category in step.credentials() {
            planned.push(PlannedCredential {
                node: node.id.0.clone(),
                category,
                label: step.label.clone(),
                channels: credential_channels(step, category),
                api_parts: api_parts(step, category),
                existing,
                reusable_identity: reusable_identity.then(|| fresh_scan_api_parts(step, category)),
            });
        }
    }
    planned
}

#[cfg(test)]
mod tests {
    use super::*;
    use idflow_core::format::{Format, parse_workflow};

    fn idiv() -> Workflow {
        parse_workflow(
            include_str!("../../../../sample_workflows/10011-idiv.ron"),
            Format::Ron,
        )
        .expect("sample parses")
    }

    #[test]
    fn idiv_collects_id_selfie_and_facemap() {
        let planned = plan(&idiv());
        let summary: Vec<(CredentialCategory, Vec<Channel>, Vec<Part>)> = planned
            .iter()
            .map(|c| (c.category, c.channels.clone(), c.api_parts.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    CredentialCategory::Id,
                    vec![Channel::Web, Channel::Api, Channel::Sdk],
                    vec![Part::Front, Part::Back]
                ),
                (
                    CredentialCategory::Selfie,
                    vec![Channel::Web, Channel::Api, Channel::Sdk],
                    vec![Part::Face]
                ),
                (
                    CredentialCategory::Facemap,
                    vec![Channel::Web, Channel::Sdk],
                    vec![]
                ),
            ]
        );
    }

    #[test]
    fn existing_credentials_have_no_api_parts() {
        let mut workflow = idiv();
        for node in &mut workflow.nodes {
            if let NodeKind::Acquisition(step) = &mut node.kind {
                step.acquisition_type = AcquisitionType::UseExisting;
            }
        }
        let planned = plan(&workflow);
        assert_eq!(planned.len(), 3);
        assert!(planned.iter().all(|c| c.existing && c.api_parts.is_empty()));
        assert!(planned[0].allows_api(), "the channel is still listed");
    }

    /// Seed 003, "Authentication On-Premises": "A FACEMAP with the API
    /// allowed channel, and an api:parts:facemap URL you can use to upload
    /// the stored FACEMAP."
    #[test]
    fn the_stored_facemap_of_10071_is_uploaded_over_api() {
        let workflow = parse_workflow(
            include_str!("../../../../sample_workflows/10071-authentication-on-premises.ron"),
            Format::Ron,
        )
        .expect("sample parses");
        let planned = plan(&workflow);
        let summary: Vec<(CredentialCategory, Vec<Channel>, Vec<Part>)> = planned
            .iter()
            .map(|c| (c.category, c.channels.clone(), c.api_parts.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    CredentialCategory::Facemap,
                    vec![Channel::Api],
                    vec![Part::Facemap]
                ),
                (
                    CredentialCategory::Selfie,
                    vec![Channel::Web, Channel::Sdk],
                    vec![]
                ),
                (
                    CredentialCategory::Facemap,
                    vec![Channel::Web, Channel::Sdk],
                    vec![]
                ),
            ]
        );
    }
}
