//! Values in words: the designer shows "Acquire new", "Web", "Front" where
//! the file format and the platform keep their codes (ACQUIRE_NEW, WEB,
//! FRONT). Codes stay visible on hover where a solutions engineer needs to
//! match them against the platform's documentation.

use idflow_core::catalog::capability_spec;
use idflow_core::diff::Mark;
use idflow_core::lint::Severity;
use idflow_core::model::{
    Capability, Condition, ExtractedField, NodeKind, Operator, Subject, Value,
};

/// How the component panel marks a signal no platform source names
/// (domain.md: idflow's own model "must say so").
pub const IDFLOW_MODEL_MARK: &str = "  · idflow model";
pub const IDFLOW_MODEL_HOVER: &str = "idflow's own model: no platform source names this signal or its labels, so its results are a guess. Drag onto the canvas, or double-click to add at the centre";

/// Words that keep their capitals.
const ACRONYMS: &[&str] = &["ID", "SDK", "API", "IDIV", "PEP", "IV", "DL", "OK"];

/// Codes whose words are not just the code in sentence case.
const SPECIAL: &[(&str, &str)] = &[
    ("ID_IV", "ID & identity verification"),
    ("DRIVING_LICENSE", "Driving licence"),
    (
        "DRIVING_LICENSE_VERIFICATION",
        "Driving licence verification",
    ),
    ("FACEMAP", "Facemap"),
];

/// A platform code (`SCREAMING_SNAKE_CASE`) as words, in sentence case:
/// `ACQUIRE_NEW` → "Acquire new", `WEB` → "Web", `ID_CARD` → "ID card".
pub fn of(code: &str) -> String {
    if let Some((_, words)) = SPECIAL.iter().find(|(c, _)| *c == code) {
        return (*words).to_owned();
    }
    let mut out = String::with_capacity(code.len());
    for (i, word) in code.split('_').filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if ACRONYMS.contains(&word) {
            out.push_str(word);
        } else if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(&chars.as_str().to_lowercase());
            }
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// A capability in a word or two, for chips on a card.
pub fn capability_short(c: Capability) -> &'static str {
    match c {
        Capability::Usability => "Usability",
        Capability::Extraction => "Extraction",
        Capability::ImageChecks => "Image checks",
        Capability::DataChecks => "Data checks",
        Capability::Liveness => "Liveness",
        Capability::Similarity => "Similarity",
        Capability::Authentication => "Authentication",
        Capability::WatchlistScreening => "Watchlist",
        Capability::AddressValidation => "Address",
        Capability::ProofOfResidency => "Residency",
        Capability::DrivingLicenseVerification => "Licence",
        Capability::DeviceRisk => "Device",
        Capability::Email => "Email",
        Capability::Phone => "Phone",
    }
}

/// A kind of step, as a card without a title of its own is called.
pub fn kind_name(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Acquisition(_) => "Acquisition",
        NodeKind::Service(_) => "Verification service",
        NodeKind::RiskSignal(_) => "Risk signal",
        NodeKind::Decision(_) => "If / Else",
        NodeKind::RiskCalculation(_) => "Risk calculation",
        NodeKind::Terminal(_) => "End",
    }
}

/// How a compared step changed, on its chip and in the change list.
pub fn mark_words(mark: Mark) -> &'static str {
    match mark {
        Mark::Added => "+ added",
        Mark::Removed => "− removed",
        Mark::Changed => "~ changed",
        Mark::Moved => "↔ moved",
    }
}

/// A finding's severity in a word.
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// An operator as it reads in a sentence ("is at least").
pub fn operator(op: Operator) -> &'static str {
    match op {
        Operator::Eq => "is",
        Operator::Ne => "is not",
        Operator::Lt => "is less than",
        Operator::Le => "is at most",
        Operator::Gt => "is more than",
        Operator::Ge => "is at least",
        Operator::In => "is one of",
        Operator::NotIn => "is none of",
    }
}

/// A value an extraction reads off an ID, by name.
pub fn extracted_field(field: ExtractedField) -> &'static str {
    match field {
        ExtractedField::IssuingCountry => "Issuing country",
        ExtractedField::DocumentType => "Document type",
        ExtractedField::CurrentAge => "Age",
        ExtractedField::DaysToExpiry => "Days to expiry",
        ExtractedField::Nationality => "Nationality",
    }
}

/// An If/Else's condition as a sentence: "Watchlist Screening is
/// Warning", "Risk score is at least 71", "Document type is one of
/// Passport, ID card". Codes become words; country codes stay codes.
pub fn condition(condition: &Condition) -> String {
    let subject = match condition.subject {
        Subject::CapabilityDecision(c) => capability_spec(c).name.to_owned(),
        Subject::CapabilityLabel(c) => format!("{} label", capability_spec(c).name),
        Subject::OverallDecision => "The decision".to_owned(),
        Subject::RiskScore => "Risk score".to_owned(),
        Subject::ExtractedField(f) => extracted_field(f).to_owned(),
    };
    let code_words = matches!(
        condition.subject,
        Subject::ExtractedField(ExtractedField::DocumentType)
    );
    let text = |t: &String| if code_words { of(t) } else { t.clone() };
    let value = match &condition.value {
        Value::Decision(d) => of(d.as_str()),
        Value::Decisions(ds) => ds
            .iter()
            .map(|d| of(d.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Label(l) => of(l),
        Value::Labels(ls) => ls.iter().map(|l| of(l)).collect::<Vec<_>>().join(", "),
        Value::Text(t) => text(t),
        Value::Texts(ts) => ts.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Number(n) => n.to_string(),
    };
    format!("{subject} {} {value}", operator(condition.operator))
}

/// What a risk score means, wherever one is shown.
pub const RISK_SCORE_MEANING: &str = "0 = lowest risk, 100 = highest";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words() {
        assert_eq!(of("ACQUIRE_NEW"), "Acquire new");
        assert_eq!(of("USE_EXISTING"), "Use existing");
        assert_eq!(of("WEB"), "Web");
        assert_eq!(of("SDK"), "SDK");
        assert_eq!(of("ID_CARD"), "ID card");
        assert_eq!(of("ID_IV"), "ID & identity verification");
        assert_eq!(of("DRIVING_LICENSE"), "Driving licence");
        assert_eq!(of("NOT_EXECUTED"), "Not executed");
        assert_eq!(of("PASSED"), "Passed");
        assert_eq!(of("FRONT"), "Front");
        assert_eq!(capability_short(Capability::Usability), "Usability");
    }

    /// Issue 33, item 9: the condition "worded ("Watchlist Screening is
    /// Warning")", not codes and symbols.
    #[test]
    fn conditions_read_as_sentences() {
        use idflow_core::model::DecisionType;
        let sentence = |subject, operator, value| {
            condition(&Condition {
                subject,
                operator,
                value,
            })
        };
        assert_eq!(
            sentence(
                Subject::CapabilityDecision(Capability::WatchlistScreening),
                Operator::Eq,
                Value::Decision(DecisionType::Warning)
            ),
            "Watchlist Screening is Warning"
        );
        assert_eq!(
            sentence(Subject::RiskScore, Operator::Ge, Value::Number(71)),
            "Risk score is at least 71"
        );
        assert_eq!(
            sentence(
                Subject::ExtractedField(ExtractedField::DocumentType),
                Operator::In,
                Value::Texts(vec!["PASSPORT".into(), "ID_CARD".into()])
            ),
            "Document type is one of Passport, ID card"
        );
        assert_eq!(
            sentence(
                Subject::ExtractedField(ExtractedField::IssuingCountry),
                Operator::NotIn,
                Value::Texts(vec!["USA".into(), "CAN".into()])
            ),
            "Issuing country is none of USA, CAN"
        );
        assert_eq!(
            sentence(
                Subject::CapabilityLabel(Capability::Extraction),
                Operator::Eq,
                Value::Label("UNDERAGE".into())
            ),
            "Extraction label is Underage"
        );
    }
}
