//! How credentials arrive at the platform: which channels may deliver each
//! credential of an acquisition step, which parts make it delivered, and
//! which of them an integration uploads over the API. The simulator, lint,
//! the mock platform API and the designer's panels all read these.

use crate::model::{AcquisitionNode, AcquisitionType, Channel, CredentialCategory, Part};

/// The parts that must arrive for a credential of `category` collected by a
/// step with `step_parts` to count as delivered: ID FRONT (and BACK when
/// the step asks for it), SELFIE FACE, FACEMAP FACEMAP, DOCUMENT FRONT (and
/// BACK), DATA the data parts.
pub fn delivered_parts(category: CredentialCategory, step_parts: &[Part]) -> Vec<Part> {
    let candidates: &[Part] = match category {
        CredentialCategory::Id | CredentialCategory::Document => &[Part::Front, Part::Back],
        CredentialCategory::Selfie => &[Part::Face],
        CredentialCategory::Facemap => &[Part::Facemap],
        CredentialCategory::Data => &[Part::PreparedData, Part::DeviceRisk],
    };
    candidates
        .iter()
        .copied()
        .filter(|p| step_parts.contains(p))
        .collect()
}

/// Whether a step's credential reuses one of an earlier transaction
/// (domain.md, "Reusable credentials").
pub fn reuses(step: &AcquisitionNode) -> bool {
    step.acquisition_type != AcquisitionType::AcquireNew
}

/// The stored facemap of an on-premises authentication (10071, seed 003):
/// a FACEMAP the customer kept and uploads over the API before the journey.
pub fn is_stored_facemap(step: &AcquisitionNode, category: CredentialCategory) -> bool {
    category == CredentialCategory::Facemap
        && step.category == CredentialCategory::Facemap
        && step.acquisition_type == AcquisitionType::UseExisting
        && step.channels.contains(&Channel::Api)
}

/// The channels that may deliver a credential of the step, WEB, API, SDK in
/// that order (domain.md, "Channel rules"): a facemap comes through WEB or
/// SDK only, except the stored facemap of 10071, which is uploaded over API;
/// prepared data comes over API only and device data from WEB or SDK.
pub fn credential_channels(step: &AcquisitionNode, category: CredentialCategory) -> Vec<Channel> {
    let stored_facemap = is_stored_facemap(step, category);
    [Channel::Web, Channel::Api, Channel::Sdk]
        .into_iter()
        .filter(|c| step.channels.contains(c))
        .filter(|&c| match category {
            CredentialCategory::Facemap if stored_facemap => c == Channel::Api,
            CredentialCategory::Facemap => c != Channel::Api,
            CredentialCategory::Data => {
                (c == Channel::Api && step.parts.contains(&Part::PreparedData))
                    || (c != Channel::Api && step.parts.contains(&Part::DeviceRisk))
            }
            _ => true,
        })
        .collect()
}

/// The parts an integration uploads over the API for the credential (its
/// `api.parts`): none unless API delivers it; a reused credential only when
/// it is the stored facemap.
pub fn api_parts(step: &AcquisitionNode, category: CredentialCategory) -> Vec<Part> {
    if !credential_channels(step, category).contains(&Channel::Api) {
        return Vec::new();
    }
    if reuses(step) && !is_stored_facemap(step, category) {
        return Vec::new();
    }
    delivered_parts(category, &step.parts)
        .into_iter()
        .filter(|&p| p != Part::DeviceRisk)
        .collect()
}

/// The parts an integration uploads over the API for a Reusable Identity
/// step's credential when the account offers nothing to reuse (issue 29:
/// "Reusable Identity falls back to a fresh scan ... over API too"): the
/// parts a new credential of the step would take.
pub fn fresh_scan_api_parts(step: &AcquisitionNode, category: CredentialCategory) -> Vec<Part> {
    if step.acquisition_type != AcquisitionType::ReusableIdentity
        || !credential_channels(step, category).contains(&Channel::Api)
    {
        return Vec::new();
    }
    delivered_parts(category, &step.parts)
        .into_iter()
        .filter(|&p| p != Part::DeviceRisk)
        .collect()
}

/// The parts that arrive when every channel the step allows is used: what
/// the simulator assumes unless a scenario says otherwise.
pub fn deliverable_parts(step: &AcquisitionNode, category: CredentialCategory) -> Vec<Part> {
    let channels = credential_channels(step, category);
    if channels.is_empty() {
        return Vec::new();
    }
    delivered_parts(category, &step.parts)
        .into_iter()
        .filter(|&p| match p {
            Part::PreparedData => channels.contains(&Channel::Api),
            Part::DeviceRisk => channels.iter().any(|&c| c != Channel::Api),
            _ => true,
        })
        .collect()
}

/// Whether a credential of the step can arrive at all: a reused one comes
/// from the account; a new one needs a channel that delivers it.
pub fn can_arrive(step: &AcquisitionNode, category: CredentialCategory) -> bool {
    (reuses(step) && !is_stored_facemap(step, category))
        || !deliverable_parts(step, category).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Stage, Workflow};

    fn step(
        category: CredentialCategory,
        kind: AcquisitionType,
        channels: &[Channel],
        parts: &[Part],
    ) -> AcquisitionNode {
        AcquisitionNode {
            category,
            stage: Stage::Initial,
            acquisition_type: kind,
            channels: channels.to_vec(),
            parts: parts.to_vec(),
            label: None,
            document_types: Vec::new(),
            countries: Vec::new(),
        }
    }

    #[test]
    /// domain.md, "Channel rules": a facemap never comes over API; 10071's
    /// stored facemap does (seed 003, "Authentication On-Premises": "A
    /// FACEMAP with the API allowed channel, and an api:parts:facemap URL").
    fn facemaps_come_over_web_or_sdk_except_the_stored_one() {
        use Channel::*;
        use CredentialCategory as K;
        let selfie = step(
            K::Selfie,
            AcquisitionType::AcquireNew,
            &[Web, Api, Sdk],
            &[Part::Face, Part::Facemap],
        );
        assert_eq!(credential_channels(&selfie, K::Facemap), [Web, Sdk]);
        assert_eq!(api_parts(&selfie, K::Facemap), []);
        assert_eq!(api_parts(&selfie, K::Selfie), [Part::Face]);
        let stored = step(
            K::Facemap,
            AcquisitionType::UseExisting,
            &[Api],
            &[Part::Facemap],
        );
        assert_eq!(credential_channels(&stored, K::Facemap), [Api]);
        assert_eq!(api_parts(&stored, K::Facemap), [Part::Facemap]);
        let existing = step(
            K::Facemap,
            AcquisitionType::UseExisting,
            &[],
            &[Part::Facemap],
        );
        assert_eq!(api_parts(&existing, K::Facemap), []);
        assert!(can_arrive(&existing, K::Facemap), "from the account");
        let api_only = step(
            K::Facemap,
            AcquisitionType::AcquireNew,
            &[Api],
            &[Part::Facemap],
        );
        assert!(!can_arrive(&api_only, K::Facemap));
    }

    #[test]
    /// domain.md, "Prepared (supporting) data ... API only: the web client
    /// and SDKs do not take it".
    fn prepared_data_comes_over_api_only() {
        use Channel::*;
        let web = step(
            CredentialCategory::Data,
            AcquisitionType::AcquireNew,
            &[Web, Sdk],
            &[Part::PreparedData],
        );
        assert!(!can_arrive(&web, CredentialCategory::Data));
        let api = step(
            CredentialCategory::Data,
            AcquisitionType::AcquireNew,
            &[Api],
            &[Part::PreparedData],
        );
        assert_eq!(
            api_parts(&api, CredentialCategory::Data),
            [Part::PreparedData]
        );
        assert_eq!(credential_channels(&api, CredentialCategory::Data), [Api]);
    }

    #[test]
    fn the_standard_samples_parse_for_these_tests() {
        let w: Workflow = crate::format::parse_workflow(
            include_str!("../../../../sample_workflows/10071-authentication-on-premises.ron"),
            crate::format::Format::Ron,
        )
        .expect("sample parses");
        let stored = w
            .nodes
            .iter()
            .find_map(|n| match &n.kind {
                crate::model::NodeKind::Acquisition(a)
                    if a.category == CredentialCategory::Facemap =>
                {
                    Some(a)
                }
                _ => None,
            })
            .expect("10071 has a stored facemap step");
        assert!(is_stored_facemap(stored, CredentialCategory::Facemap));
    }
}
