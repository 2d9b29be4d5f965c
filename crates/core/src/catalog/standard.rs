use crate::model::{Capability, CredentialCategory};

/// One of the platform's standard workflows (seed 003's table, plus 10013
/// from the API guide).
#[derive(Debug, Clone, Copy)]
pub struct StandardWorkflow {
    pub key: u32,
    pub name: &'static str,
    /// Credential categories the workflow collects (seed 003's column).
    pub credentials: &'static [CredentialCategory],
    /// The seed says the workflow "also requires Uploading Supporting Data":
    /// a DATA acquisition with PREPARED_DATA comes on top of `credentials`.
    pub prepared_data: bool,
    pub capabilities: &'static [Capability],
}

use Capability as K;
use CredentialCategory as C;

const IDIV: &[Capability] = &[
    K::Usability,
    K::Extraction,
    K::ImageChecks,
    K::DataChecks,
    K::Liveness,
    K::Similarity,
];

pub const STANDARD_WORKFLOWS: &[StandardWorkflow] = &[
    StandardWorkflow {
        key: 10011,
        name: "ID and identity verification (IDIV)",
        credentials: &[C::Id, C::Selfie, C::Facemap],
        prepared_data: false,
        capabilities: IDIV,
    },
    StandardWorkflow {
        key: 10013,
        name: "IDIV + screening + proof of residency + address validation + US driving licence verification",
        credentials: &[C::Id, C::Selfie, C::Facemap, C::Document],
        prepared_data: false,
        capabilities: &[
            K::Usability,
            K::Extraction,
            K::ImageChecks,
            K::DataChecks,
            K::Liveness,
            K::Similarity,
            K::WatchlistScreening,
            K::AddressValidation,
            K::ProofOfResidency,
            K::DrivingLicenseVerification,
        ],
    },
    StandardWorkflow {
        key: 10014,
        name: "Authentication",
        credentials: &[C::Selfie, C::Facemap],
        prepared_data: false,
        capabilities: &[K::Authentication],
    },
    StandardWorkflow {
        key: 10071,
        name: "Authentication on-premises",
        credentials: &[C::Selfie, C::Facemap],
        prepared_data: false,
        capabilities: &[K::Authentication],
    },
    StandardWorkflow {
        key: 10163,
        name: "ID & identity verification (+ prepared data)",
        credentials: &[C::Id, C::Selfie, C::Facemap],
        prepared_data: true,
        capabilities: IDIV,
    },
    StandardWorkflow {
        key: 10165,
        name: "ID verification",
        credentials: &[C::Id],
        prepared_data: true,
        capabilities: &[K::Usability, K::Extraction, K::ImageChecks, K::DataChecks],
    },
    StandardWorkflow {
        key: 10167,
        name: "ID & identity verification + watchlist screening",
        credentials: &[C::Id, C::Selfie, C::Facemap],
        prepared_data: false,
        capabilities: &[
            K::Usability,
            K::Extraction,
            K::ImageChecks,
            K::DataChecks,
            K::Liveness,
            K::Similarity,
            K::WatchlistScreening,
        ],
    },
    StandardWorkflow {
        key: 10169,
        name: "Document proof",
        credentials: &[C::Document],
        prepared_data: true,
        capabilities: &[K::Usability, K::Extraction, K::ImageChecks],
    },
    StandardWorkflow {
        key: 10171,
        name: "ID capture and storage",
        credentials: &[C::Id],
        prepared_data: true,
        capabilities: &[K::Usability, K::Extraction],
    },
];

pub fn standard_workflow(key: u32) -> Option<&'static StandardWorkflow> {
    STANDARD_WORKFLOWS.iter().find(|w| w.key == key)
}
