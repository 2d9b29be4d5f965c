use super::title;
use crate::catalog::{capability_spec, carries};
use crate::lint::analysis::facts;
use crate::lint::{Analysis, Sink};
use crate::model::{
    Capability, Condition, CredentialCategory, DocumentType, ExtractedField, NodeKind, ServiceKind,
    Subject, Value,
};

fn decisions<'w>(a: &Analysis<'w>) -> impl Iterator<Item = (usize, &'w Condition)> + 'w {
    a.workflow
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match &n.kind {
            NodeKind::Decision(d) => Some((i, &d.condition)),
            _ => None,
        })
}

/// Why a condition's parts do not fit together, if they do not.
pub(crate) fn type_problem(condition: &Condition) -> Option<String> {
    let allowed = condition.subject.operators();
    if !allowed.contains(&condition.operator) {
        let symbols: Vec<&str> = allowed.iter().map(|o| o.symbol()).collect();
        return Some(format!(
            "“{}” does not fit this subject: use one of {}",
            condition.operator.symbol(),
            symbols.join(" ")
        ));
    }
    let op = condition.operator;
    let value = &condition.value;
    let single_or_list = |single: bool, list: bool, what: &str| -> Option<String> {
        match (op.is_membership(), single, list) {
            (_, _, _) if op.is_ordering() => Some(format!(
                "{} cannot be compared with {}; use = or ≠ (or in / not in)",
                what,
                op.symbol()
            )),
            (false, true, _) | (true, _, true) => None,
            (false, _, _) => Some(format!(
                "{} with {} takes a single value",
                what,
                op.symbol()
            )),
            (true, _, _) => Some(format!(
                "{} with {} takes a list of values",
                what,
                op.symbol()
            )),
        }
    };
    match condition.subject {
        Subject::CapabilityDecision(_) | Subject::OverallDecision => {
            let shape = single_or_list(
                matches!(value, Value::Decision(_)),
                matches!(value, Value::Decisions(_)),
                "a decision",
            );
            if shape.is_some() {
                return shape;
            }
            if !matches!(value, Value::Decision(_) | Value::Decisions(_)) {
                return Some(
                    "a decision is compared with PASSED, REJECTED, WARNING or NOT_EXECUTED"
                        .to_owned(),
                );
            }
            None
        }
        Subject::CapabilityLabel(capability) => {
            let labels: Vec<&String> = match value {
                Value::Label(l) => vec![l],
                Value::Labels(ls) => ls.iter().collect(),
                _ => {
                    return Some(format!(
                        "a label is compared with one of {}'s labels",
                        capability_spec(capability).name
                    ));
                }
            };
            if let Some(p) = single_or_list(
                matches!(value, Value::Label(_)),
                matches!(value, Value::Labels(_)),
                "a label",
            ) {
                return Some(p);
            }
            let spec = capability_spec(capability);
            labels.into_iter().find(|l| !spec.has_label(l)).map(|l| {
                let known: Vec<&str> = spec.all_labels().map(|(_, l)| l).collect();
                format!(
                    "{} never renders label `{l}`: choose one of {}",
                    spec.name,
                    known.join(", ")
                )
            })
        }
        Subject::RiskScore => match value {
            Value::Number(_) if op.is_membership() => {
                Some("a risk score is compared with =, ≠, <, ≤, > or ≥ and one number".to_owned())
            }
            Value::Number(n) if !(0..=100).contains(n) => Some(format!(
                "risk scores run from 0 to 100, so {n} can never match: choose a value in that range"
            )),
            Value::Number(_) => None,
            _ => Some("a risk score is compared with a number from 0 to 100".to_owned()),
        },
        Subject::ExtractedField(field) if field.is_numeric() => match value {
            Value::Number(_) if op.is_membership() => Some(format!(
                "{} is a number: use =, ≠, <, ≤, > or ≥",
                field.as_str()
            )),
            Value::Number(_) => None,
            _ => Some(format!(
                "{} is a number: compare it with a number",
                field.as_str()
            )),
        },
        Subject::ExtractedField(field) => {
            let texts: Vec<&String> = match value {
                Value::Text(t) => vec![t],
                Value::Texts(ts) => ts.iter().collect(),
                _ => return Some(format!("{} is text: compare it with text", field.as_str())),
            };
            if let Some(p) = single_or_list(
                matches!(value, Value::Text(_)),
                matches!(value, Value::Texts(_)),
                field.as_str(),
            ) {
                return Some(p);
            }
            texts.into_iter().find_map(|t| text_problem(field, t))
        }
    }
}

fn text_problem(field: ExtractedField, text: &str) -> Option<String> {
    match field {
        ExtractedField::IssuingCountry | ExtractedField::Nationality => {
            let valid = text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase());
            (!valid).then(|| format!("`{text}` is not an ISO 3166-1 alpha-3 country code: use three capital letters, e.g. USA"))
        }
        ExtractedField::DocumentType => DocumentType::parse(text).is_none().then(|| {
            let known: Vec<&str> = DocumentType::ALL.iter().map(|d| d.as_str()).collect();
            format!(
                "`{text}` is not a document type: choose one of {}",
                known.join(", ")
            )
        }),
        _ => None,
    }
}

pub(crate) fn condition_type(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, condition) in decisions(a) {
        if let Some(problem) = type_problem(condition) {
            sink.node(
                i,
                Some("condition"),
                format!("condition “{}”: {problem}", condition.describe()),
            );
        }
    }
}

pub(crate) fn condition_unproduced(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, condition) in decisions(a) {
        if !a.in_flow(i) {
            continue;
        }
        let caps = a.caps_before[i];
        let problem = match condition.subject {
            Subject::CapabilityDecision(c) | Subject::CapabilityLabel(c) if caps & c.bit() == 0 => Some(format!(
                "it reads {}, which no step before it runs on every path: select {} in an earlier step, or change the condition",
                capability_spec(c).name,
                capability_spec(c).name
            )),
            Subject::ExtractedField(f) if caps & Capability::Extraction.bit() == 0 => Some(format!(
                "it reads the extracted {}, but Extraction does not run before it on every path: select Extraction in an earlier step",
                f.as_str()
            )),
            Subject::RiskScore if a.facts_before[i] & facts::RISK_SCORE == 0 => Some(
                "it reads the risk score, but no risk calculation runs before it on every path: add a Risk calculation step before this decision".to_owned(),
            ),
            Subject::OverallDecision if caps == 0 => Some(
                "it reads the overall decision, but no capability has run before it: move the decision after a verification step".to_owned(),
            ),
            _ => None,
        };
        if let Some(problem) = problem {
            sink.node(
                i,
                Some("condition"),
                format!(
                    "decision {} condition “{}”: {problem}",
                    title(a, i),
                    condition.describe()
                ),
            );
        }
    }
}

/// The credential categories whose extraction runs before node `i` on some
/// path: an ID_IV service's extraction reads the ID, a document
/// verification's the DOCUMENT.
fn extracted_before(a: &Analysis<'_>, i: usize) -> Vec<CredentialCategory> {
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); a.workflow.nodes.len()];
    for (from, outs) in a.outgoing.iter().enumerate() {
        for &(_, to) in outs {
            if let Some(list) = incoming.get_mut(to) {
                list.push(from);
            }
        }
    }
    let mut seen = vec![false; a.workflow.nodes.len()];
    let mut stack: Vec<usize> = incoming.get(i).cloned().unwrap_or_default();
    let mut categories = Vec::new();
    while let Some(n) = stack.pop() {
        if std::mem::replace(&mut seen[n], true) {
            continue;
        }
        if let NodeKind::Service(s) = &a.node(n).kind
            && s.capabilities.contains(&Capability::Extraction)
        {
            let category = match s.service {
                ServiceKind::DocumentVerification => CredentialCategory::Document,
                _ => CredentialCategory::Id,
            };
            if !categories.contains(&category) {
                categories.push(category);
            }
        }
        stack.extend(incoming[n].iter().copied());
    }
    categories
}

/// Domain.md, "Documents": a document's extraction has no expiry date (nor
/// a birth date or nationality), and "a condition on a value the
/// extraction did not produce never holds as if the value were there". A
/// decision on such a field when only documents are extracted before it
/// never takes Then.
pub(crate) fn extracted_field_never_carried(a: &Analysis<'_>, sink: &mut Sink) {
    for (i, condition) in decisions(a) {
        let Subject::ExtractedField(field) = condition.subject else {
            continue;
        };
        if !a.in_flow(i) {
            continue;
        }
        let extracted = extracted_before(a, i);
        if extracted.is_empty() || extracted.iter().any(|&c| carries(c, field)) {
            continue;
        }
        sink.node(
            i,
            Some("condition"),
            format!(
                "decision {} condition “{}”: only a document is extracted before it, and a document carries no {} (only its type and country), so the condition never holds: read it off an ID (an ID & identity verification step with Extraction) or remove it",
                title(a, i),
                condition.describe(),
                field.as_str()
            ),
        );
    }
}
