//! The credentials an execution collects, read off the workflow's
//! acquisition steps: which channels may deliver each one and which image
//! parts the API accepts for it.

use idflow_core::Workflow;
use idflow_core::model::{AcquisitionType, Channel, CredentialCategory, NodeKind, Part};

/// One credential of a new execution (before it has an id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCredential {
    /// The acquisition step that collects it.
    pub node: String,
    pub category: CredentialCategory,
    pub label: Option<String>,
    /// WEB, API, SDK (in that order), as the step allows; never API for a
    /// FACEMAP, which only the Web Client and the SDKs can capture.
    pub channels: Vec<Channel>,
    /// The parts the API accepts for it: none unless API is allowed and the
    /// credential is acquired new (a USE_EXISTING one was stored before).
    pub api_parts: Vec<Part>,
    /// USE_EXISTING: stored by an earlier execution.
    pub existing: bool,
}

impl PlannedCredential {
    pub fn allows_api(&self) -> bool {
        self.channels.contains(&Channel::Api)
    }
}

/// The image parts of a credential category, among a step's parts: ID
/// FRONT/BACK, SELFIE FACE, FACEMAP FACEMAP, DOCUMENT FRONT; DATA none.
pub fn image_parts(category: CredentialCategory, step_parts: &[Part]) -> Vec<Part> {
    let candidates: &[Part] = match category {
        CredentialCategory::Id => &[Part::Front, Part::Back],
        CredentialCategory::Selfie => &[Part::Face],
        CredentialCategory::Facemap => &[Part::Facemap],
        CredentialCategory::Document => &[Part::Front],
        CredentialCategory::Data => &[],
    };
    candidates
        .iter()
        .copied()
        .filter(|p| step_parts.contains(p))
        .collect()
}

/// Every credential the workflow's acquisition steps collect, in step order
/// (a SELFIE step with a FACEMAP part yields a FACEMAP credential too).
pub fn plan(workflow: &Workflow) -> Vec<PlannedCredential> {
    let mut planned = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(step) = &node.kind else {
            continue;
        };
        let existing = step.acquisition_type == AcquisitionType::UseExisting;
        for category in step.credentials() {
            let channels: Vec<Channel> = [Channel::Web, Channel::Api, Channel::Sdk]
                .into_iter()
                .filter(|c| step.channels.contains(c))
                .filter(|c| !(category == CredentialCategory::Facemap && *c == Channel::Api))
                .collect();
            let api_parts = if channels.contains(&Channel::Api) && !existing {
                image_parts(category, &step.parts)
                    .into_iter()
                    .filter(|p| *p != Part::Facemap)
                    .collect()
            } else {
                Vec::new()
            };
            planned.push(PlannedCredential {
                node: node.id.0.clone(),
                category,
                label: step.label.clone(),
                channels,
                api_parts,
                existing,
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

    #[test]
    fn data_and_document_parts() {
        assert_eq!(
            image_parts(
                CredentialCategory::Data,
                &[Part::PreparedData, Part::DeviceRisk]
            ),
            []
        );
        assert_eq!(
            image_parts(CredentialCategory::Document, &[Part::Front, Part::Back]),
            [Part::Front]
        );
        assert_eq!(
            image_parts(CredentialCategory::Id, &[Part::Front]),
            [Part::Front]
        );
    }
}
