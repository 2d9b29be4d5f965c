//! The backtest's summary and rows: counts per decision on each side, the
//! from -> to table of changed decisions, not-comparable counts apart, and
//! the agreement of A with what the platform recorded (on decision and
//! label; a score that differs under the same decision and label is
//! counted apart: issue 29).

use std::collections::BTreeMap;

use super::document::{Personal, RecordedDecision, UnknownLabel};
use super::source::{Input, Origin};
use super::{Replayed, Side, Sides};
use crate::model::{DecisionType, NodeId};

/// Unreadable documents kept with their message (the rest are counted).
const UNREADABLE_KEPT: usize = 1000;

/// One side's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SideSummary {
    pub decisions: BTreeMap<DecisionType, usize>,
    pub not_comparable: usize,
    /// Not comparable, by reason (`Liveness unknown`, `extracted
    /// CURRENT_AGE unknown`, `the recorded transaction collected no
    /// DOCUMENT`).
    pub reasons: BTreeMap<String, usize>,
}

impl SideSummary {
    fn add(&mut self, side: &Side) {
        match side {
            Side::Decided { decision, .. } => *self.decisions.entry(*decision).or_default() += 1,
            Side::NotComparable { reason, .. } => {
                self.not_comparable += 1;
                *self.reasons.entry(reason.to_string()).or_default() += 1;
            }
        }
    }
}

/// A's replay against the decisions the platform recorded, over the
/// documents whose `workflow.definitionKey` is one of the recorded keys A
/// stands for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Agreement {
    /// Comparable documents of those keys.
    pub compared: usize,
    /// Of those, the ones with the recorded decision and label.
    pub agreed: usize,
    /// Of the agreeing ones, those whose recorded score is not A's ("same
    /// decision, score differs").
    pub score_differs: usize,
    /// Documents of those keys that A could not replay.
    pub not_comparable: usize,
}

impl Agreement {
    /// Agreement in percent, when anything was compared.
    pub fn percent(&self) -> Option<f64> {
        (self.compared > 0).then(|| self.agreed as f64 * 100.0 / self.compared as f64)
    }
}

/// A document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub origin: Origin,
    pub message: String,
}

/// One transaction's replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub origin: Origin,
    pub definition_key: Option<u32>,
    pub recorded: RecordedDecision,
    pub a: Side,
    pub b: Option<Side>,
    /// Both sides decided, differently.
    pub changed: bool,
    /// A document of a recorded key A stands for that A decides otherwise
    /// (decision or label) than recorded (a modelling gap).
    pub disagrees: bool,
    /// A document of a recorded key A stands for with A's decision and
    /// label but another score (both are in `recorded` and `a`).
    pub score_differs: bool,
    /// Shown only when asked for.
    pub personal: Personal,
    /// The paths taken, kept for rows worth a look (changed, disagreeing,
    /// not comparable); empty otherwise, to keep a long run's memory small.
    pub a_path: Vec<NodeId>,
    pub b_path: Vec<NodeId>,
}

impl Row {
    /// Worth listing: changed, disagreeing with the record, the same
    /// decision with another score, or not comparable on a side.
    pub fn notable(&self) -> bool {
        self.changed || self.disagrees || self.score_differs || self.not_comparable()
    }

    /// Not comparable on at least one side.
    pub fn not_comparable(&self) -> bool {
        matches!(self.a, Side::NotComparable { .. })
            || matches!(self.b, Some(Side::NotComparable { .. }))
    }
}

/// Which rows a report keeps (every row is counted and passed to the
/// caller's observer either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every row (memory grows with the input: for tests and small runs).
    All,
    /// Notable rows only (changed, disagreeing, score differing, not
    /// comparable), at most this many of each kind: memory stays bounded
    /// however long the input.
    Notable { per_kind: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub a_key: u32,
    pub b_key: Option<u32>,
    /// The recorded workflow keys A stands for (agreement is computed over
    /// their documents), in ascending order.
    pub recorded_keys: Vec<u32>,
    pub a: SideSummary,
    pub b: Option<SideSummary>,
    /// (A's decision, B's decision) -> transactions, for changed ones.
    pub changes: BTreeMap<(DecisionType, DecisionType), usize>,
    /// Comparable on both sides with the same decision.
    pub unchanged: usize,
    pub agreement: Agreement,
    pub unreadable: Vec<Unreadable>,
    pub unreadable_count: usize,
    /// Labels the catalog does not know, with how often each came.
    pub unknown_labels: BTreeMap<UnknownLabel, usize>,
    /// The rows kept (see [`Keep`]).
    pub rows: Vec<Row>,
    /// Readable transactions replayed.
    pub transactions: usize,
    /// Transactions of the recorded keys that A decides otherwise (decision
    /// or label) than recorded.
    pub disagreements: usize,
    /// Transactions not comparable on at least one side.
    pub not_comparable: usize,
    /// The run was cancelled: the report covers what was done.
    pub cancelled: bool,
    keep: Keep,
    /// Kept notable rows per kind: disagreeing, changed, not comparable,
    /// score differing.
    kept: [usize; 4],
}

impl Report {
    pub(crate) fn new(sides: Sides<'_>, keep: Keep) -> Report {
        Report {
            a_key: sides.a.key,
            b_key: sides.b.map(|b| b.key),
            recorded_keys: sides.recorded_keys(),
            a: SideSummary::default(),
            b: sides.b.map(|_| SideSummary::default()),
            changes: BTreeMap::new(),
            unchanged: 0,
            agreement: Agreement::default(),
            unreadable: Vec::new(),
            unreadable_count: 0,
            unknown_labels: BTreeMap::new(),
            rows: Vec::new(),
            transactions: 0,
            disagreements: 0,
            not_comparable: 0,
            cancelled: false,
            keep,
            kept: [0; 4],
        }
    }

    /// Documents seen, readable or not.
    pub fn documents(&self) -> usize {
        self.transactions + self.unreadable_count
    }

    /// Transactions whose decision changed from A to B.
    pub fn changed(&self) -> usize {
        self.changes.values().sum()
    }

    pub(crate) fn add(&mut self, input: &Input, replayed: Replayed, observe: &mut dyn FnMut(&Row)) {
        let (transaction, (a, a_path), b) = match replayed {
            Replayed::Unreadable(message) => {
                self.unreadable_count += 1;
                if self.unreadable.len() < UNREADABLE_KEPT {
                    self.unreadable.push(Unreadable {
                        origin: input.origin.clone(),
                        message,
                    });
                }
                return;
            }
            Replayed::Done { transaction, a, b } => (transaction, a, b),
        };
        for label in &transaction.unknown_labels {
            *self.unknown_labels.entry(label.clone()).or_default() += 1;
        }
        self.a.add(&a);
        let (b, b_path) = match b {
            Some((side, path)) => (Some(side), path),
            None => (None, Vec::new()),
        };
        if let (Some(summary), Some(side)) = (self.b.as_mut(), b.as_ref()) {
            summary.add(side);
        }
        let changed = match (a.decision(), b.as_ref().and_then(Side::decision)) {
            (Some(from), Some(to)) if from != to => {
                *self.changes.entry((from, to)).or_default() += 1;
                true
            }
            (Some(_), Some(_)) => {
                self.unchanged += 1;
                false
            }
            _ => false,
        };
        let mut disagrees = false;
        let mut score_differs = false;
        let stands_for = transaction
            .definition_key
            .is_some_and(|key| self.recorded_keys.contains(&key));
        if stands_for {
            match &a {
                Side::Decided {
                    decision,
                    label,
                    score,
                    ..
                } => {
                    self.agreement.compared += 1;
                    let recorded = &transaction.recorded;
                    // Agreement is decided on decision and label; the score
                    // is compared apart (issue 29).
                    if *decision == recorded.decision && *label == recorded.label {
                        self.agreement.agreed += 1;
                        if recorded.score.is_some_and(|s| s != *score) {
                            self.agreement.score_differs += 1;
                            score_differs = true;
                        }
                    } else {
                        disagrees = true;
                    }
                }
                Side::NotComparable { .. } => self.agreement.not_comparable += 1,
            }
        }
        let mut row = Row {
            id: transaction.id,
            origin: input.origin.clone(),
            definition_key: transaction.definition_key,
            recorded: transaction.recorded,
            a,
            b,
            changed,
            disagrees,
            score_differs,
            personal: transaction.personal,
            a_path,
            b_path,
        };
        self.transactions += 1;
        self.disagreements += usize::from(row.disagrees);
        let not_comparable = row.not_comparable();
        self.not_comparable += usize::from(not_comparable);
        if !row.notable() {
            row.a_path = Vec::new();
            row.b_path = Vec::new();
        }
        observe(&row);
        match self.keep {
            Keep::All => self.rows.push(row),
            Keep::Notable { per_kind } => {
                let kinds = [
                    row.disagrees,
                    row.changed,
                    not_comparable,
                    row.score_differs,
                ];
                let wanted = kinds
                    .iter()
                    .zip(self.kept)
                    .any(|(&is, kept)| is && kept < per_kind);
                if wanted {
                    for (kept, is) in self.kept.iter_mut().zip(kinds) {
                        *kept += usize::from(is);
                    }
                    self.rows.push(row);
                }
            }
        }
    }
}
