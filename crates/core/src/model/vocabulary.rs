//! The platform's closed vocabularies: credential categories, channels, parts,
//! capabilities, decision types.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The platform's own spelling (as in files and API bodies).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What a credential is.
    CredentialCategory {
        Id => "ID",
        Selfie => "SELFIE",
        Facemap => "FACEMAP",
        Document => "DOCUMENT",
        Data => "DATA",
    }
);

vocabulary!(
    /// Where in the user's journey an acquisition happens.
    Stage { Initial => "INITIAL", Intermediate => "INTERMEDIATE" }
);

vocabulary!(
    /// How credentials are obtained.
    AcquisitionType {
        AcquireNew => "ACQUIRE_NEW",
        UseExisting => "USE_EXISTING",
        ReusableIdentity => "REUSABLE_IDENTITY",
    }
);

vocabulary!(
    /// How the end user submits a credential.
    Channel { Api => "API", Web => "WEB", Sdk => "SDK" }
);

vocabulary!(
    /// A part of a credential (image side, face, facemap, or data kind).
    Part {
        Front => "FRONT",
        Back => "BACK",
        Face => "FACE",
        Facemap => "FACEMAP",
        DeviceRisk => "DEVICE_RISK",
        PreparedData => "PREPARED_DATA",
    }
);

vocabulary!(
    /// Document type presets for ID and DOCUMENT acquisitions.
    DocumentType {
        Passport => "PASSPORT",
        IdCard => "ID_CARD",
        DrivingLicense => "DRIVING_LICENSE",
        ResidencePermit => "RESIDENCE_PERMIT",
        Visa => "VISA",
        UtilityBill => "UTILITY_BILL",
        BankStatement => "BANK_STATEMENT",
        CreditCardStatement => "CREDIT_CARD_STATEMENT",
        SocialSecurityCard => "SOCIAL_SECURITY_CARD",
    }
);

vocabulary!(
    /// A verification service step.
    ServiceKind {
        IdIv => "ID_IV",
        Authentication => "AUTHENTICATION",
        DocumentVerification => "DOCUMENT_VERIFICATION",
    }
);

vocabulary!(
    /// A risk-signal step.
    RiskSignal {
        WatchlistScreening => "WATCHLIST_SCREENING",
        AddressValidation => "ADDRESS_VALIDATION",
        ProofOfResidency => "PROOF_OF_RESIDENCY",
        DrivingLicenseVerification => "DRIVING_LICENSE_VERIFICATION",
        DeviceRisk => "DEVICE_RISK",
        Email => "EMAIL",
        Phone => "PHONE",
    }
);

vocabulary!(
    /// A unit of checking; each renders its own decision. Risk signals are
    /// capabilities too, so that conditions and risk weights can name them.
    Capability {
        Usability => "USABILITY",
        Extraction => "EXTRACTION",
        ImageChecks => "IMAGE_CHECKS",
        DataChecks => "DATA_CHECKS",
        Liveness => "LIVENESS",
        Similarity => "SIMILARITY",
        Authentication => "AUTHENTICATION",
        WatchlistScreening => "WATCHLIST_SCREENING",
        AddressValidation => "ADDRESS_VALIDATION",
        ProofOfResidency => "PROOF_OF_RESIDENCY",
        DrivingLicenseVerification => "DRIVING_LICENSE_VERIFICATION",
        DeviceRisk => "DEVICE_RISK",
        Email => "EMAIL",
        Phone => "PHONE",
    }
);

vocabulary!(
    /// The decision a capability or a transaction renders.
    DecisionType {
        Passed => "PASSED",
        Rejected => "REJECTED",
        Warning => "WARNING",
        NotExecuted => "NOT_EXECUTED",
    }
);

impl DecisionType {
    /// How bad one capability result is, for combining a capability's
    /// results into its worst: REJECTED, WARNING, PASSED, then NOT_EXECUTED.
    /// (The transaction's decision ranks NOT_EXECUTED apart: see
    /// `simulate::settle`.)
    pub fn result_rank(self) -> u8 {
        match self {
            DecisionType::Rejected => 3,
            DecisionType::Warning => 2,
            DecisionType::Passed => 1,
            DecisionType::NotExecuted => 0,
        }
    }
}

impl Capability {
    /// Bit for compact capability sets (lint and simulation propagate these).
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl CredentialCategory {
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl RiskSignal {
    /// The capability this risk signal renders.
    pub fn capability(self) -> Capability {
        match self {
            RiskSignal::WatchlistScreening => Capability::WatchlistScreening,
            RiskSignal::AddressValidation => Capability::AddressValidation,
            RiskSignal::ProofOfResidency => Capability::ProofOfResidency,
            RiskSignal::DrivingLicenseVerification => Capability::DrivingLicenseVerification,
            RiskSignal::DeviceRisk => Capability::DeviceRisk,
            RiskSignal::Email => Capability::Email,
            RiskSignal::Phone => Capability::Phone,
        }
    }
}
