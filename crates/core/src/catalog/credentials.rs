use super::capabilities::{CredentialNeed, capability_spec};
use crate::model::{
    AcquisitionNode, Capability, CredentialCategory, DocumentType, ExtractedField, Part,
    ServiceKind,
};

/// Whether extraction on a credential of `category` can produce `field`
/// (domain.md, "Documents": a document's extraction has no expiry date; a
/// utility bill or statement carries no date of birth or nationality
/// either, only its type and issuing country). Only IDs and documents are
/// extracted.
pub fn carries(category: CredentialCategory, field: ExtractedField) -> bool {
    match category {
        CredentialCategory::Id => true,
        CredentialCategory::Document => matches!(
            field,
            ExtractedField::DocumentType | ExtractedField::IssuingCountry
        ),
        _ => false,
    }
}

/// The document types that fit a category (empty: the category has none):
/// identity documents for ID, proofs of address for DOCUMENT.
pub fn document_types_for(category: CredentialCategory) -> &'static [DocumentType] {
    use DocumentType as D;
    match category {
        CredentialCategory::Id => &[
            D::Passport,
            D::IdCard,
            D::DrivingLicense,
            D::ResidencePermit,
            D::Visa,
        ],
        CredentialCategory::Document => &[
            D::UtilityBill,
            D::BankStatement,
            D::CreditCardStatement,
            D::SocialSecurityCard,
        ],
        _ => &[],
    }
}

/// The parts a new step of a category collects by default.
pub fn default_parts(category: CredentialCategory) -> Vec<Part> {
    match category {
        CredentialCategory::Id => vec![Part::Front, Part::Back],
        CredentialCategory::Selfie => vec![Part::Face],
        CredentialCategory::Facemap => vec![Part::Facemap],
        CredentialCategory::Document => vec![Part::Front],
        CredentialCategory::Data => vec![Part::DeviceRisk],
    }
}

/// The part a credential of the category cannot do without.
pub fn mandatory_part(category: CredentialCategory) -> Option<Part> {
    match category {
        CredentialCategory::Id | CredentialCategory::Document => Some(Part::Front),
        CredentialCategory::Selfie => Some(Part::Face),
        CredentialCategory::Facemap => Some(Part::Facemap),
        CredentialCategory::Data => None,
    }
}

/// Whether the step captures a facemap (a FACEMAP step, or a selfie with a
/// FACEMAP part), which the API channel cannot carry (domain.md, "Channel
/// rules").
pub fn captures_facemap(step: &AcquisitionNode) -> bool {
    step.category == CredentialCategory::Facemap
        || (step.category == CredentialCategory::Selfie && step.parts.contains(&Part::Facemap))
}

/// Everything `capability` needs selected with it, directly or through its
/// requirements (seed 002's table, closed), in catalog order.
pub fn requirements(capability: Capability) -> Vec<Capability> {
    let mut found: Vec<Capability> = Vec::new();
    let mut stack = vec![capability];
    while let Some(c) = stack.pop() {
        for &r in capability_spec(c).requires {
            if !found.contains(&r) {
                found.push(r);
                stack.push(r);
            }
        }
    }
    found.sort();
    found
}

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
