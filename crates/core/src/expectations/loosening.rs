//! Loosening (issue 34, "loosening is never quiet"): what a changed
//! workflow lets through that its baseline (the latest published version,
//! what runs) did not, each in words and with an identifier a publish
//! request names to confirm it.
//!
//! Decisions are ranked from strictest to most permissive: REJECTED,
//! WARNING, NOT_EXECUTED, PASSED. A loosening is
//! - a scenario of `idflow diff --behaviour` whose decision moves down that
//!   ranking (id: the scenario's name, `FACE_NO_MATCH`);
//! - an expectation deleted, or weakened: its guarantee is no longer kept
//!   (id: `expectation:ID`);
//! - a lint rule about expectations switched off or to a lower severity
//!   (id: `lint:CODE`).
//!
//! Not a loosening: a move up the ranking, a change of label alone, an
//! expectation made stricter, one whose guarantee another expectation of
//! the changed workflow still states.

use serde::Serialize;

use crate::diff::{Decided, behaviour_diff};
use crate::lint::{Rule, Severity};
use crate::model::{DecisionType, Expectation, Expected, RuleSetting, Workflow};

/// The lint rules whose switching off or down is a loosening: the ones
/// that make expectations block a publish.
pub const EXPECTATION_RULES: &[&str] = &[super::BROKEN_CODE, super::INVALID_CODE];

/// How strict a decision is: REJECTED 3, WARNING 2, NOT_EXECUTED 1,
/// PASSED 0. A move to a lower number is a loosening.
pub fn strictness(decision: DecisionType) -> u8 {
    match decision {
        DecisionType::Rejected => 3,
        DecisionType::Warning => 2,
        DecisionType::NotExecuted => 1,
        DecisionType::Passed => 0,
    }
}

/// One loosening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Loosening {
    /// What a publish request names to confirm it (`--confirm-loosening`,
    /// `confirmed_loosenings`): the scenario's name (`FACE_NO_MATCH`,
    /// `SIMILARITY=REJECTED/NO_MATCH`), `expectation:ID` or `lint:CODE`.
    pub id: String,
    /// In words, to list first and in the error colour: "FACE_NO_MATCH will
    /// now pass (was REJECTED)".
    pub words: String,
    #[serde(flatten)]
    pub kind: LooseningKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LooseningKind {
    /// A scenario's decision moves down the ranking.
    Decision {
        scenario: String,
        before: Decided,
        after: Decided,
    },
    /// An expectation is gone, and no other states what it did.
    ExpectationRemoved { expectation: Expectation },
    /// An expectation (same id) no longer keeps what it did.
    ExpectationWeakened {
        before: Expectation,
        after: Expectation,
    },
    /// A rule about expectations is off or lower (`None`: off).
    RuleLowered {
        rule: String,
        before: Option<Severity>,
        after: Option<Severity>,
    },
}

/// Every loosening from `baseline` to `changed`: decisions first (in the
/// behaviour diff's scenario order), then expectations (in the baseline's
/// order), then rules.
pub fn loosenings(baseline: &Workflow, changed: &Workflow) -> Vec<Loosening> {
    let mut out = decision_loosenings(baseline, changed);
    out.extend(expectation_loosenings(baseline, changed));
    out.extend(rule_loosenings(baseline, changed));
    out
}

/// The loosenings `confirmed` does not name (what a publish refuses).
pub fn unconfirmed<'a, S: AsRef<str>>(
    loosenings: &'a [Loosening],
    confirmed: &[S],
) -> Vec<&'a Loosening> {
    loosenings
        .iter()
        .filter(|l| !confirmed.iter().any(|c| c.as_ref() == l.id))
        .collect()
}

/// What a decision will now do, in words.
fn will_now(decision: DecisionType) -> &'static str {
    match decision {
        DecisionType::Passed => "pass",
        DecisionType::Warning => "get a WARNING",
        DecisionType::NotExecuted => "end NOT_EXECUTED",
        DecisionType::Rejected => "be rejected",
    }
}

fn decision_loosenings(baseline: &Workflow, changed: &Workflow) -> Vec<Loosening> {
    behaviour_diff(baseline, changed)
        .into_iter()
        .filter(|row| strictness(row.b.decision) < strictness(row.a.decision))
        .map(|row| Loosening {
            id: row.scenario.clone(),
            words: format!(
                "{} will now {} (was {})",
                row.scenario,
                will_now(row.b.decision),
                row.a.decision
            ),
            kind: LooseningKind::Decision {
                scenario: row.scenario,
                before: row.a,
                after: row.b,
            },
        })
        .collect()
}

/// The most permissive decision an expectation allows (PASSED when it
/// says nothing about the decision).
fn decision_floor(expect: &Expected) -> DecisionType {
    match expect {
        Expected::Decision(d) => *d,
        Expected::NotDecision(excluded) => DecisionType::ALL
            .iter()
            .copied()
            .filter(|d| d != excluded)
            .min_by_key(|d| strictness(*d))
            .unwrap_or(DecisionType::Passed),
        Expected::EndsAt(_) | Expected::ScoreAtLeast(_) | Expected::Label(_) => {
            DecisionType::Passed
        }
    }
}

/// Whether `after` keeps everything `before` guaranteed, under the same
/// scenario: a decision no more permissive, a score floor no lower, the
/// same end step. A label is no guarantee about what the platform lets
/// through: one label for another is not a loosening.
pub fn keeps(before: &Expectation, after: &Expectation) -> bool {
    if !before.scenario.same_as(&after.scenario) {
        return false;
    }
    if strictness(decision_floor(&after.expect)) < strictness(decision_floor(&before.expect)) {
        return false;
    }
    match (&before.expect, &after.expect) {
        (Expected::ScoreAtLeast(n), Expected::ScoreAtLeast(m)) => m >= n,
        (Expected::ScoreAtLeast(_), _) => false,
        (Expected::EndsAt(a), Expected::EndsAt(b)) => a == b,
        (Expected::EndsAt(_), _) => false,
        (Expected::Label(_), Expected::Label(_)) => true,
        (Expected::Label(_), _) => false,
        (Expected::Decision(_) | Expected::NotDecision(_), _) => true,
    }
}

fn expectation_loosenings(baseline: &Workflow, changed: &Workflow) -> Vec<Loosening> {
    let mut out = Vec::new();
    for before in &baseline.expectations {
        let same_id = changed.expectation(&before.id);
        if same_id.is_some_and(|after| keeps(before, after))
            || changed.expectations.iter().any(|e| keeps(before, e))
        {
            continue;
        }
        let id = format!("expectation:{}", before.id);
        out.push(match same_id {
            None => Loosening {
                id,
                words: format!(
                    "expectation {} is deleted: “{}” is no longer checked",
                    before.id,
                    before.words()
                ),
                kind: LooseningKind::ExpectationRemoved {
                    expectation: before.clone(),
                },
            },
            Some(after) => Loosening {
                id,
                words: format!(
                    "expectation {} is weakened: “{}” becomes “{}”",
                    before.id,
                    before.words(),
                    after.words()
                ),
                kind: LooseningKind::ExpectationWeakened {
                    before: before.clone(),
                    after: after.clone(),
                },
            },
        });
    }
    out
}

/// A rule's severity in a workflow (`None`: off).
pub fn rule_severity(workflow: &Workflow, code: &str) -> Option<Severity> {
    match workflow.lint.get(code) {
        Some(RuleSetting::Off) => None,
        Some(RuleSetting::Info) => Some(Severity::Info),
        Some(RuleSetting::Warning) => Some(Severity::Warning),
        Some(RuleSetting::Error) => Some(Severity::Error),
        None => Rule::find(code).map(|r| r.severity),
    }
}

fn severity_words(severity: Option<Severity>) -> String {
    match severity {
        None => "off".to_owned(),
        Some(Severity::Error) => "an error".to_owned(),
        Some(s) => format!("a{} {s}", if s == Severity::Info { "n" } else { "" }),
    }
}

fn rule_loosenings(baseline: &Workflow, changed: &Workflow) -> Vec<Loosening> {
    EXPECTATION_RULES
        .iter()
        .filter_map(|code| {
            let (before, after) = (rule_severity(baseline, code), rule_severity(changed, code));
            // `None` (off) sorts below every severity.
            (after < before).then(|| Loosening {
                id: format!("lint:{code}"),
                words: format!(
                    "lint rule {code} is now {} (was {}){}",
                    severity_words(after),
                    severity_words(before),
                    if before == Some(Severity::Error) {
                        ": what it finds no longer blocks publishing"
                    } else {
                        ""
                    }
                ),
                kind: LooseningKind::RuleLowered {
                    rule: (*code).to_owned(),
                    before,
                    after,
                },
            })
        })
        .collect()
}
