use super::capabilities::CredentialNeed;
use crate::model::{Capability, CredentialCategory, Part, ServiceKind};

/// Which parts an acquisition of each category may collect.
pub fn allowed_parts(category: CredentialCategory) -> &'static [Part] {
    match category {
        CredentialCategory::Id => &[Part::Front, Part::Back],
        CredentialCategory::Selfie => &[Part::Face, Part::Facemap],
        CredentialCategory::Facemap => &[Part::Facemap],
        CredentialCategory::Document => &[Part::Front, Part::Back],
        CredentialCategory::Data => &[Part::DeviceRisk, Part::PreparedData],
    }
}

pub fn category_name(category: CredentialCategory) -> &'static str {
    match category {
        CredentialCategory::Id => "Government ID",
        CredentialCategory::Selfie => "Selfie",
        CredentialCategory::Facemap => "Facemap",
        CredentialCategory::Document => "Document",
        CredentialCategory::Data => "Data",
    }
}

/// The capabilities a service step offers for selection.
pub fn service_capabilities(service: ServiceKind) -> &'static [Capability] {
    match service {
        ServiceKind::IdIv => &[
            Capability::Usability,
            Capability::Extraction,
            Capability::ImageChecks,
            Capability::DataChecks,
            Capability::Liveness,
            Capability::Similarity,
        ],
        ServiceKind::Authentication => &[Capability::Authentication],
        ServiceKind::DocumentVerification => &[
            Capability::Usability,
            Capability::Extraction,
            Capability::ImageChecks,
        ],
    }
}

/// What a service step needs upstream regardless of its selected capabilities.
pub fn service_needs(service: ServiceKind) -> &'static [CredentialNeed] {
    match service {
        ServiceKind::IdIv => &[CredentialNeed::AnyOf(&[
            CredentialCategory::Id,
            CredentialCategory::Selfie,
        ])],
        ServiceKind::Authentication => &[CredentialNeed::ExistingFacemap],
        ServiceKind::DocumentVerification => {
            &[CredentialNeed::AnyOf(&[CredentialCategory::Document])]
        }
    }
}
