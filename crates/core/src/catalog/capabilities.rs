use crate::model::{Capability, CredentialCategory, DecisionType, Part};

/// What a capability needs to be present upstream before it can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialNeed {
    /// At least one credential of one of these categories.
    AnyOf(&'static [CredentialCategory]),
    /// A facemap stored by an earlier transaction (a FACEMAP acquisition of
    /// type USE_EXISTING).
    ExistingFacemap,
    /// A DATA acquisition with this part (DEVICE_RISK or PREPARED_DATA).
    DataPart(Part),
}

#[derive(Debug, Clone, Copy)]
pub struct CapabilitySpec {
    pub capability: Capability,
    /// The name the designer shows.
    pub name: &'static str,
    /// The key in the platform's retrieval response (`capabilities.imageChecks`).
    pub api_name: &'static str,
    pub description: &'static str,
    /// Capabilities that must run (in the same step or upstream) first.
    pub requires: &'static [Capability],
    pub needs: &'static [CredentialNeed],
    /// Decision labels per decision type (the platform's API guide).
    pub labels: &'static [(DecisionType, &'static [&'static str])],
    /// Labels older results may carry (domain.md: accept them when reading
    /// results), never offered for new scenarios or conditions.
    pub legacy_labels: &'static [(DecisionType, &'static [&'static str])],
}

impl CapabilitySpec {
    pub fn labels_for(&self, decision: DecisionType) -> &'static [&'static str] {
        self.labels
            .iter()
            .find(|(d, _)| *d == decision)
            .map(|(_, l)| *l)
            .unwrap_or(&[])
    }

    pub fn all_labels(&self) -> impl Iterator<Item = (DecisionType, &'static str)> + '_ {
        self.labels
            .iter()
            .flat_map(|(d, ls)| ls.iter().map(move |l| (*d, *l)))
    }

    pub fn has_label(&self, label: &str) -> bool {
        self.all_labels().any(|(_, l)| l == label)
    }

    /// The decision type a label belongs to, if the label is known.
    pub fn decision_of(&self, label: &str) -> Option<DecisionType> {
        self.all_labels().find(|(_, l)| *l == label).map(|(d, _)| d)
    }

    /// The decision type of a label in a platform result, legacy labels
    /// included (for reading results, not for writing workflows).
    pub fn decision_of_result_label(&self, label: &str) -> Option<DecisionType> {
        self.decision_of(label).or_else(|| {
            self.legacy_labels
                .iter()
                .find(|(_, ls)| ls.contains(&label))
                .map(|(d, _)| *d)
        })
    }
}

use CredentialCategory as C;
use DecisionType::{NotExecuted, Passed, Rejected, Warning};

const ID_SELFIE_DOC: &[CredentialCategory] = &[C::Id, C::Selfie, C::Document];
const ID_OR_DOC: &[CredentialCategory] = &[C::Id, C::Document];
/// The run-time chain on an ID or document credential, in the order the
/// platform runs it (domain.md, "Execution order", from the API guide):
/// each link runs only when the ones before it on that credential held.
pub const ID_CHAIN: [Capability; 4] = [
    Capability::Usability,
    Capability::ImageChecks,
    Capability::Extraction,
    Capability::DataChecks,
];

/// What a risk signal that reads a document needs of it: the ID chain up to
/// extraction (not data checks).
const RISK_SIGNAL_CHAIN: &[Capability] = ID_CHAIN.split_at(3).0;
/// Address validation and proof of residency (domain.md, labels).
const ADDRESS_LABELS: &[(DecisionType, &[&str])] = &[
    (Passed, &["OK"]),
    (Rejected, &["DENY"]),
    (Warning, &["ALERT"]),
    (
        NotExecuted,
        &[
            "NOT_ENOUGH_DATA",
            "TECHNICAL_ERROR",
            "UNSUPPORTED_COUNTRY",
            "PRECONDITION_NOT_FULFILLED",
        ],
    ),
];
/// US driving-licence verification (domain.md, labels).
const LICENCE_LABELS: &[(DecisionType, &[&str])] = &[
    (Passed, &["OK"]),
    (Rejected, &["DENY"]),
    (Warning, &["ALERT"]),
    (
        NotExecuted,
        &[
            "TECHNICAL_ERROR",
            "UNSUPPORTED_COUNTRY",
            "UNSUPPORTED_STATE",
            "PRECONDITION_NOT_FULFILLED",
            "VALIDATION_FAILED",
        ],
    ),
];
/// idflow's own model for signals no platform source names.
const SIMPLE_SIGNAL_LABELS: &[(DecisionType, &[&str])] = &[
    (Passed, &["OK"]),
    (Rejected, &["DENY"]),
    (Warning, &["ALERT"]),
    (
        NotExecuted,
        &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
    ),
];

/// Every capability, in the order the platform runs them.
pub const CAPABILITIES: &[CapabilitySpec] = &[
    CapabilitySpec {
        capability: Capability::Usability,
        name: "Usability",
        api_name: "usability",
        description: "Image quality and document identification: clear, complete, supported images.",
        requires: &[],
        needs: &[CredentialNeed::AnyOf(ID_SELFIE_DOC)],
        labels: &[
            (Passed, &["OK"]),
            (
                Rejected,
                &[
                    "BAD_QUALITY",
                    "BLURRED",
                    "BAD_QUALITY_IMAGE",
                    "PART_OF_DOCUMENT_MISSING",
                    "PART_OF_DOCUMENT_HIDDEN",
                    "DAMAGED_DOCUMENT",
                    "GLARE",
                    "MISSING_MANDATORY_DATAPOINTS",
                    "BLACK_WHITE",
                    "MISSING_PAGE",
                    "MISSING_SIGNATURE",
                    "NOT_A_DOCUMENT",
                    "PHOTOCOPY",
                ],
            ),
            (
                Warning,
                &[
                    "LIVENESS_UNDETERMINED",
                    "UNSUPPORTED_COUNTRY",
                    "UNSUPPORTED_DOCUMENT_TYPE",
                ],
            ),
            // Usability has no precondition (domain.md, labels per
            // capability): no PRECONDITION_NOT_FULFILLED here.
            (NotExecuted, &["TECHNICAL_ERROR", "NOT_UPLOADED"]),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::Extraction,
        name: "Extraction",
        api_name: "extraction",
        description: "Reads the document's data by OCR, barcode or MRZ.",
        requires: &[Capability::Usability],
        needs: &[CredentialNeed::AnyOf(ID_OR_DOC)],
        labels: &[
            (Passed, &["OK"]),
            (
                NotExecuted,
                &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
            ),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::ImageChecks,
        name: "Image Checks",
        api_name: "imageChecks",
        description: "Forensics: digital tampering, physical alteration, fake or sample documents.",
        requires: &[Capability::Usability, Capability::Extraction],
        needs: &[CredentialNeed::AnyOf(ID_OR_DOC)],
        labels: &[
            (Passed, &["OK"]),
            (
                Rejected,
                &[
                    "DIGITAL_COPY",
                    "WATERMARK",
                    "MANIPULATED_DOCUMENT",
                    "MANIPULATED_DOCUMENT_PHOTO",
                    "MANIPULATED_DOCUMENT_EXPIRY",
                    "MANIPULATED_DOCUMENT_NAME",
                    "MANIPULATED_DOCUMENT_ADDRESS",
                    "MANIPULATED_DOCUMENT_SECURITY_CHECKS",
                    "MANIPULATED_DOCUMENT_SIGNATURE",
                    "MANIPULATED_DOCUMENT_PERSONAL_NUMBER",
                    "MANIPULATED_DOCUMENT_PLACE_OF_BIRTH",
                    "MANIPULATED_DOCUMENT_GENDER",
                    "MANIPULATED_DOCUMENT_ISSUING_DATE",
                    "OTHER_REJECTION",
                    "GHOST_IMAGE_DIFFERENT",
                    "PUNCHED",
                    "SAMPLE",
                    "FAKE",
                    "CHIP_MISSING",
                    "DIGITAL_MANIPULATION",
                    "MISMATCH_FRONT_BACK",
                    // Newer platform docs (domain.md, labels).
                    "FAILED",
                    "MANIPULATED_DOCUMENT_DOCUMENT_NUMBER",
                    "MANIPULATED_DOCUMENT_DOB",
                ],
            ),
            // Seed 004's third WARNING ("ghost image quality insufficient")
            // has no code in any source: not modelled.
            (Warning, &["DIFFERENT_PERSON", "REPEATED_FACE"]),
            (
                NotExecuted,
                &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
            ),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::DataChecks,
        name: "Data Checks",
        api_name: "dataChecks",
        description: "Data integrity: MRZ checksums, expiry, consistency of the extracted data.",
        requires: &[
            Capability::Usability,
            Capability::Extraction,
            Capability::ImageChecks,
        ],
        needs: &[CredentialNeed::AnyOf(&[C::Id])],
        labels: &[
            (Passed, &["OK"]),
            (
                Rejected,
                &[
                    "NFC_CERTIFICATE",
                    "MISMATCHING_DATAPOINTS",
                    "MRZ_CHECKSUM",
                    "MISMATCHING_DATA_REPEATED_FACE",
                    "MISMATCH_HRZ_MRZ_DATA",
                    "HIGH_FRAUD_RISK",
                ],
            ),
            // Seed 004: data checks can WARN; newer docs name the code.
            (Warning, &["DOCUMENT_EXPIRY_WITHIN_CONFIGURED_LIMIT"]),
            (
                NotExecuted,
                &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
            ),
        ],
        // Moved to image checks; older results still carry them.
        legacy_labels: &[(Rejected, &["SUPERIMPOSED_TEXT", "MISMATCH_FRONT_BACK"])],
    },
    CapabilitySpec {
        capability: Capability::Liveness,
        name: "Liveness",
        api_name: "liveness",
        description: "Presence: the selfie shows a real, live person (no screen, print or mask).",
        requires: &[Capability::Usability],
        needs: &[CredentialNeed::AnyOf(&[C::Selfie])],
        labels: &[
            (Passed, &["OK"]),
            (
                Rejected,
                &[
                    "LIVENESS_UNDETERMINED",
                    "ID_USED_AS_SELFIE",
                    "MULTIPLE_PEOPLE",
                    "DIGITAL_COPY",
                    "PHOTOCOPY",
                    "MANIPULATED",
                    "NO_FACE_PRESENT",
                    "FACE_NOT_FULLY_VISIBLE",
                    "BLACK_WHITE",
                ],
            ),
            (Warning, &["AGE_DIFFERENCE", "BAD_QUALITY"]),
            (
                NotExecuted,
                &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
            ),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::Similarity,
        name: "Similarity",
        api_name: "similarity",
        description: "Face match: the selfie is the person pictured on the ID.",
        requires: &[Capability::Usability],
        needs: &[
            CredentialNeed::AnyOf(&[C::Id]),
            CredentialNeed::AnyOf(&[C::Selfie]),
        ],
        labels: &[
            (Passed, &["MATCH"]),
            (Rejected, &["NO_MATCH"]),
            (Warning, &["NOT_POSSIBLE"]),
            (
                NotExecuted,
                &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
            ),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::Authentication,
        name: "Authentication",
        api_name: "authentication",
        description: "Returning user: a new selfie and facemap match a facemap stored earlier.",
        // The platform runs liveness on the new facemap inside the
        // authentication step (10014 selects authentication alone), so no
        // separately selected capability is required.
        requires: &[],
        needs: &[
            CredentialNeed::ExistingFacemap,
            CredentialNeed::AnyOf(&[C::Selfie]),
        ],
        labels: &[
            (Passed, &["OK"]),
            (Rejected, &["FAILED"]),
            (
                NotExecuted,
                &["PRECONDITION_NOT_FULFILLED", "TECHNICAL_ERROR"],
            ),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::WatchlistScreening,
        name: "Watchlist Screening",
        api_name: "watchlistScreening",
        description: "Screens the ID holder against sanctions lists, watchlists and PEPs.",
        requires: RISK_SIGNAL_CHAIN,
        needs: &[CredentialNeed::AnyOf(&[C::Id])],
        labels: &[
            (Passed, &["OK"]),
            (Warning, &["ALERT"]),
            (
                NotExecuted,
                &[
                    "NOT_ENOUGH_DATA",
                    "VALIDATION_FAILED",
                    "INVALID_MERCHANT_SETTINGS",
                    "EXTRACTION_NOT_DONE",
                    "NO_VALID_ID_CREDENTIAL",
                    "PRECONDITION_NOT_FULFILLED",
                    "TECHNICAL_ERROR",
                ],
            ),
        ],
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::AddressValidation,
        name: "Address Validation",
        api_name: "addressValidation",
        description: "Checks that the extracted address exists and is deliverable.",
        requires: RISK_SIGNAL_CHAIN,
        needs: &[CredentialNeed::AnyOf(&[C::Id])],
        labels: ADDRESS_LABELS,
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::ProofOfResidency,
        name: "Proof of Residency",
        api_name: "proofOfResidency",
        description: "Confirms the address on a proof-of-address document.",
        requires: RISK_SIGNAL_CHAIN,
        needs: &[CredentialNeed::AnyOf(&[C::Document])],
        labels: ADDRESS_LABELS,
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::DrivingLicenseVerification,
        name: "Driving Licence Verification",
        api_name: "drivingLicenseVerification",
        description: "Verifies a US driving licence against the issuing authority.",
        requires: RISK_SIGNAL_CHAIN,
        needs: &[CredentialNeed::AnyOf(&[C::Id])],
        labels: LICENCE_LABELS,
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::DeviceRisk,
        name: "Device Risk",
        api_name: "deviceRisk",
        description: "Scores the device's IP, OS and location signals.",
        requires: &[],
        needs: &[CredentialNeed::DataPart(Part::DeviceRisk)],
        labels: SIMPLE_SIGNAL_LABELS,
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::Email,
        name: "Email Risk",
        api_name: "emailRisk",
        description: "Scores the risk of the email address supplied as prepared data.",
        requires: &[],
        needs: &[CredentialNeed::DataPart(Part::PreparedData)],
        labels: SIMPLE_SIGNAL_LABELS,
        legacy_labels: &[],
    },
    CapabilitySpec {
        capability: Capability::Phone,
        name: "Phone Risk",
        api_name: "phoneRisk",
        description: "Scores the risk of the phone number supplied as prepared data.",
        requires: &[],
        needs: &[CredentialNeed::DataPart(Part::PreparedData)],
        labels: SIMPLE_SIGNAL_LABELS,
        legacy_labels: &[],
    },
];

/// Capabilities no platform source names (domain.md: device, email and
/// phone risk signals): idflow's own model, and the designer says so.
pub fn is_idflow_model(capability: Capability) -> bool {
    matches!(
        capability,
        Capability::DeviceRisk | Capability::Email | Capability::Phone
    )
}

pub fn capability_spec(capability: Capability) -> &'static CapabilitySpec {
    // CAPABILITIES is declared in the enum's order; the test below keeps it so.
    &CAPABILITIES[capability as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_are_in_enum_order_and_complete() {
        assert_eq!(CAPABILITIES.len(), Capability::ALL.len());
        for (i, cap) in Capability::ALL.iter().enumerate() {
            assert_eq!(CAPABILITIES[i].capability, *cap, "CAPABILITIES[{i}]");
        }
    }

    /// domain.md, "Labels per capability (API guide)", exactly: the
    /// signals' NOT_EXECUTED labels, the newer image and data checks labels
    /// and the data checks WARNING; the legacy ones only when reading.
    #[test]
    fn label_lists_match_domain_md() {
        let labels = |c: Capability, d: DecisionType| capability_spec(c).labels_for(d).to_vec();
        assert_eq!(
            labels(Capability::AddressValidation, NotExecuted),
            [
                "NOT_ENOUGH_DATA",
                "TECHNICAL_ERROR",
                "UNSUPPORTED_COUNTRY",
                "PRECONDITION_NOT_FULFILLED"
            ]
        );
        assert_eq!(
            labels(Capability::ProofOfResidency, NotExecuted),
            labels(Capability::AddressValidation, NotExecuted)
        );
        assert_eq!(
            labels(Capability::DrivingLicenseVerification, NotExecuted),
            [
                "TECHNICAL_ERROR",
                "UNSUPPORTED_COUNTRY",
                "UNSUPPORTED_STATE",
                "PRECONDITION_NOT_FULFILLED",
                "VALIDATION_FAILED"
            ]
        );
        assert_eq!(
            labels(Capability::DataChecks, Warning),
            ["DOCUMENT_EXPIRY_WITHIN_CONFIGURED_LIMIT"]
        );
        for label in [
            "FAILED",
            "MANIPULATED_DOCUMENT_DOCUMENT_NUMBER",
            "MANIPULATED_DOCUMENT_DOB",
        ] {
            assert!(
                labels(Capability::ImageChecks, Rejected).contains(&label),
                "{label}"
            );
        }
        assert!(labels(Capability::DataChecks, Rejected).contains(&"HIGH_FRAUD_RISK"));
        let data_checks = capability_spec(Capability::DataChecks);
        assert!(!data_checks.has_label("SUPERIMPOSED_TEXT"), "not offered");
        assert_eq!(
            data_checks.decision_of_result_label("SUPERIMPOSED_TEXT"),
            Some(Rejected),
            "read from older results"
        );
        assert_eq!(labels(Capability::Similarity, Passed), ["MATCH"]);
        assert_eq!(labels(Capability::Authentication, Rejected), ["FAILED"]);
    }

    #[test]
    /// domain.md, labels per capability: every capability can pass; every
    /// one but usability can be skipped for a precondition, and usability
    /// has no precondition (its NOT_EXECUTED labels are TECHNICAL_ERROR and
    /// NOT_UPLOADED).
    fn every_capability_can_pass_and_all_but_usability_can_be_skipped() {
        for spec in CAPABILITIES {
            assert!(!spec.labels_for(Passed).is_empty(), "{}", spec.name);
            let skipped = spec
                .labels_for(NotExecuted)
                .contains(&"PRECONDITION_NOT_FULFILLED");
            assert_eq!(
                skipped,
                spec.capability != Capability::Usability,
                "{}",
                spec.name
            );
        }
        assert_eq!(
            capability_spec(Capability::Usability).labels_for(NotExecuted),
            ["TECHNICAL_ERROR", "NOT_UPLOADED"]
        );
    }
}
