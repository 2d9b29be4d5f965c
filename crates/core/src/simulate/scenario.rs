//! Scenarios: what each capability renders in a simulated run, and the data
//! extraction reads. Files are RON or JSON like workflows; the built-in ones
//! cover the outcomes reviews ask about most.

use thiserror::Error;

use crate::catalog::capability_spec;
pub use crate::model::scenario::{
    Delivered, DocumentData, ExtractedData, Outcome, Recorded, Scenario,
};
use crate::model::{Capability, CredentialCategory, DecisionType, ExtractedField};

impl Scenario {
    /// What arrived for the step's credential of `category`: `None` when
    /// the scenario lists deliveries and this one is not among them.
    pub fn delivery(&self, step: &str, category: CredentialCategory) -> Option<&Delivered> {
        self.delivered
            .as_ref()?
            .iter()
            .find(|d| d.category == category && d.step.as_deref().is_none_or(|s| s == step))
    }
}

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ScenarioError {
    #[error("unknown scenario `{name}`: choose one of {}", names().join(", "))]
    UnknownName { name: String },
    #[error(
        "scenario `{scenario}`: {capability} never renders {decision} `{label}`; allowed: {allowed}"
    )]
    InvalidOutcome {
        scenario: String,
        capability: Capability,
        decision: DecisionType,
        label: String,
        allowed: String,
    },
}

impl Scenario {
    pub fn new(name: &str, description: &str, outcomes: Vec<Outcome>) -> Self {
        Scenario {
            name: name.to_owned(),
            description: description.to_owned(),
            outcomes,
            data: ExtractedData::default(),
            document: DocumentData::default(),
            history: None,
            delivered: None,
            recorded: None,
        }
    }

    /// Every outcome must be one the platform can render (catalog labels).
    pub fn validate(&self) -> Result<(), ScenarioError> {
        for o in &self.outcomes {
            let spec = capability_spec(o.capability);
            if !spec.labels_for(o.decision).contains(&o.label.as_str()) {
                let allowed: Vec<String> =
                    spec.all_labels().map(|(d, l)| format!("{d} {l}")).collect();
                return Err(ScenarioError::InvalidOutcome {
                    scenario: self.name.clone(),
                    capability: o.capability,
                    decision: o.decision,
                    label: o.label.clone(),
                    allowed: allowed.join(", "),
                });
            }
        }
        Ok(())
    }

    /// The outcome for a capability on a credential: the most specific
    /// listed one, else PASSED with the capability's passing label. Labels
    /// come back as the catalog's own `&'static str` (legacy ones included,
    /// as recorded results may carry them; an outcome not in the catalog,
    /// which `validate` refuses, reads as `UNKNOWN`).
    pub fn outcome(
        &self,
        capability: Capability,
        credential: Option<CredentialCategory>,
    ) -> (DecisionType, &'static str) {
        self.listed(capability, credential).unwrap_or_else(|| {
            let passed = capability_spec(capability).labels_for(DecisionType::Passed);
            (
                DecisionType::Passed,
                passed.first().copied().unwrap_or("OK"),
            )
        })
    }

    /// [`Scenario::outcome`], except that a scenario read from a recorded
    /// transaction has none for what it does not list (`None`: UNKNOWN).
    pub fn replayed_outcome(
        &self,
        capability: Capability,
        credential: Option<CredentialCategory>,
    ) -> Option<(DecisionType, &'static str)> {
        match self.recorded {
            Some(_) => self.listed(capability, credential),
            None => Some(self.outcome(capability, credential)),
        }
    }

    /// Whether the record lacks an extracted field (never, outside a
    /// replay).
    pub fn lacks(&self, field: ExtractedField) -> bool {
        self.recorded
            .as_ref()
            .is_some_and(|r| r.missing.contains(&field))
    }

    fn listed(
        &self,
        capability: Capability,
        credential: Option<CredentialCategory>,
    ) -> Option<(DecisionType, &'static str)> {
        let specific = self.outcomes.iter().find(|o| {
            o.capability == capability && o.credential.is_some() && o.credential == credential
        });
        let general = || {
            self.outcomes
                .iter()
                .find(|o| o.capability == capability && o.credential.is_none())
        };
        let o = specific.or_else(general)?;
        let spec = capability_spec(capability);
        let label = spec
            .labels_for(o.decision)
            .iter()
            .chain(
                spec.legacy_labels
                    .iter()
                    .filter(|(d, _)| *d == o.decision)
                    .flat_map(|(_, ls)| ls.iter()),
            )
            .copied()
            .find(|l| *l == o.label);
        Some((o.decision, label.unwrap_or("UNKNOWN")))
    }
}

fn outcome(
    capability: Capability,
    credential: Option<CredentialCategory>,
    decision: DecisionType,
    label: &str,
) -> Outcome {
    Outcome {
        capability,
        credential,
        decision,
        label: label.to_owned(),
    }
}

/// The built-in scenarios, in the order the what-if matrix lists them.
pub fn builtin() -> Vec<Scenario> {
    use Capability as C;
    use DecisionType::{Rejected, Warning};
    let id = Some(CredentialCategory::Id);
    let mut expired = Scenario::new(
        "EXPIRED_ID",
        "The ID expired 45 days ago. The platform gives no WARNING for expiry unless configured; a decision on DAYS_TO_EXPIRY can.",
        vec![],
    );
    expired.data.expiry_date = "2026-10-08".into();
    expired.data.days_to_expiry = -45;
    let mut underage = Scenario::new(
        "UNDERAGE",
        "The holder is 16: every check passes; a decision on CURRENT_AGE can act on it.",
        vec![],
    );
    underage.data.date_of_birth = "2010-05-02".into();
    underage.data.current_age = 16;
    // Documents and licences (issue 29): what the holder brings decides
    // which checks can run, not an outcome.
    let mut passport = Scenario::new(
        "PASSPORT_HOLDER",
        "The ID is a US passport: US driving-licence verification does not run on it (NOT_EXECUTED PRECONDITION_NOT_FULFILLED).",
        vec![],
    );
    passport.data.document_type = "PASSPORT".into();
    passport.data.issuing_state = String::new();
    let mut foreign_licence = Scenario::new(
        "FOREIGN_LICENCE",
        "The ID is a German driving licence: outside US-only country presets (usability WARNING UNSUPPORTED_COUNTRY), and US driving-licence verification does not run (NOT_EXECUTED UNSUPPORTED_COUNTRY).",
        vec![],
    );
    foreign_licence.data.issuing_country = "DEU".into();
    foreign_licence.data.nationality = "DEU".into();
    foreign_licence.data.issuing_state = String::new();
    let mut unsupported_document = Scenario::new(
        "UNSUPPORTED_PROOF_OF_ADDRESS",
        "The proof of address is a social-security card: outside a document step's presets it gets usability WARNING UNSUPPORTED_DOCUMENT_TYPE.",
        vec![],
    );
    unsupported_document.document.document_type = "SOCIAL_SECURITY_CARD".into();
    vec![
        Scenario::new("ALL_PASS", "Every capability passes.", vec![]),
        Scenario::new(
            "BLURRED_ID",
            "The ID photo is blurred: usability rejects it, so nothing else can read the ID.",
            vec![outcome(C::Usability, id, Rejected, "BLURRED")],
        ),
        Scenario::new(
            "PHOTOCOPY_ID",
            "The ID is a photocopy, rejected by default.",
            vec![outcome(C::Usability, id, Rejected, "PHOTOCOPY")],
        ),
        expired,
        Scenario::new(
            "FAKE_ID",
            "Image checks find a fake document.",
            vec![outcome(C::ImageChecks, None, Rejected, "FAKE")],
        ),
        Scenario::new(
            "DIGITAL_MANIPULATION",
            "The ID image was digitally manipulated.",
            vec![outcome(
                C::ImageChecks,
                None,
                Rejected,
                "DIGITAL_MANIPULATION",
            )],
        ),
        Scenario::new(
            "REPEATED_FACE",
            "The face was seen on other accounts: a WARNING.",
            vec![outcome(C::ImageChecks, None, Warning, "REPEATED_FACE")],
        ),
        Scenario::new(
            "MRZ_CHECKSUM",
            "The MRZ checksum does not add up.",
            vec![outcome(C::DataChecks, None, Rejected, "MRZ_CHECKSUM")],
        ),
        Scenario::new(
            "LIVENESS_SPOOF",
            "The selfie is a manipulated spoof.",
            vec![outcome(C::Liveness, None, Rejected, "MANIPULATED")],
        ),
        Scenario::new(
            "MULTIPLE_PEOPLE",
            "More than one person in the selfie.",
            vec![outcome(C::Liveness, None, Rejected, "MULTIPLE_PEOPLE")],
        ),
        Scenario::new(
            "FACE_NO_MATCH",
            "The selfie is not the person on the ID.",
            vec![outcome(C::Similarity, None, Rejected, "NO_MATCH")],
        ),
        Scenario::new(
            "WATCHLIST_ALERT",
            "The holder is on a sanctions list or a PEP.",
            vec![outcome(C::WatchlistScreening, None, Warning, "ALERT")],
        ),
        Scenario::new(
            "AUTHENTICATION_FAILED",
            "The returning user's face does not match the stored facemap.",
            vec![outcome(C::Authentication, None, Rejected, "FAILED")],
        ),
        Scenario::new(
            "DEVICE_HIGH_RISK",
            "The device's signals look risky.",
            vec![outcome(C::DeviceRisk, None, Warning, "ALERT")],
        ),
        passport,
        foreign_licence,
        unsupported_document,
        underage,
    ]
}

/// The built-in scenarios, built once: the mock platform looks one up per
/// account request, and building all of them each time was 5 % of its CPU.
fn builtin_once() -> &'static [Scenario] {
    static BUILTIN: std::sync::LazyLock<Vec<Scenario>> = std::sync::LazyLock::new(builtin);
    &BUILTIN
}

pub fn names() -> Vec<String> {
    builtin_once().iter().map(|s| s.name.clone()).collect()
}

pub fn by_name(name: &str) -> Result<Scenario, ScenarioError> {
    builtin_once()
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
        .cloned()
        .ok_or_else(|| ScenarioError::UnknownName {
            name: name.to_owned(),
        })
}

/// One scenario per label a capability can render (for "what if usability
/// says ...?" tables).
pub fn for_every_label(capability: Capability) -> Vec<Scenario> {
    capability_spec(capability)
        .all_labels()
        .map(|(decision, label)| {
            Scenario::new(
                &format!("{}={decision}/{label}", capability.as_str()),
                "",
                vec![outcome(capability, None, decision, label)],
            )
        })
        .collect()
}
