//! Backtest (issue 18): recorded platform results replayed through one or
//! two workflows, to see before publishing what a change would have done
//! to real traffic.
//!
//! - `document`: a retrieval document read into a [`Transaction`].
//! - `inputs`: a transaction as the simulator's scenario for one workflow.
//! - `source`: files, folders and NDJSON, streamed.
//! - `generate`: realistic documents from the simulator, for tests and the
//!   benchmark.
//!
//! A replay stops at the first capability it runs that the record holds no
//! result for (or a decision on a value the record lacks): that side is
//! "not comparable" and is counted apart, never taken as PASSED.

mod document;
pub mod generate;
mod inputs;
mod report;
pub mod source;

use std::sync::atomic::{AtomicBool, Ordering};

pub use document::{
    CollectedCredential, Personal, RecordedDecision, RecordedResult, ShapeError, Transaction,
    UnknownLabel, read_transaction,
};
pub use inputs::scenario_for;
pub use report::{Agreement, Keep, Report, Row, SideSummary, Unreadable};
pub use source::{Input, Origin};

use rayon::prelude::*;

use crate::model::{DecisionType, NodeId, Workflow};
use crate::simulate::{Ending, Run, Unknown, simulate};

/// One side's replay of one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    Decided {
        decision: DecisionType,
        label: String,
        score: i16,
        /// The terminal reached (`None`: the path stopped before one).
        terminal: Option<NodeId>,
    },
    /// The replay reached something the record cannot answer.
    NotComparable { node: NodeId, unknown: Unknown },
}

impl Side {
    pub fn decision(&self) -> Option<DecisionType> {
        match self {
            Side::Decided { decision, .. } => Some(*decision),
            Side::NotComparable { .. } => None,
        }
    }
}

/// Replays `transaction` through `workflow`: the side's outcome and the
/// run (its path, for the canvas).
pub fn replay(workflow: &Workflow, transaction: &Transaction) -> (Side, Run) {
    let scenario = scenario_for(transaction, workflow);
    let run = simulate(workflow, &scenario);
    let side = match &run.ending {
        Ending::Unknown { node, what } => Side::NotComparable {
            node: node.clone(),
            unknown: *what,
        },
        ending => Side::Decided {
            decision: run.decision,
            label: run.label.clone(),
            score: run.risk_score,
            terminal: match ending {
                Ending::Terminal(id) => Some(id.clone()),
                _ => None,
            },
        },
    };
    (side, run)
}

/// What to replay through.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'w> {
    pub a: &'w Workflow,
    pub b: Option<&'w Workflow>,
}

/// How many documents are parsed and replayed together: large enough to
/// keep both cores busy, small enough that memory holds a batch, not the
/// input.
const BATCH: usize = 2048;

/// Replays every input through the sides, in input order, calling
/// `progress` with the number of documents done after each batch; stops
/// early (the report then covers what was done) when `cancel` is set.
/// Keeps every row: see [`run_with`] for long inputs.
pub fn run(
    sides: Sides<'_>,
    inputs: impl Iterator<Item = Input>,
    cancel: &AtomicBool,
    progress: impl FnMut(usize),
) -> Report {
    run_with(sides, inputs, cancel, progress, Keep::All, |_| {})
}

/// [`run`], keeping the rows `keep` says and showing every row to
/// `observe` as it is made (in input order), so that a caller can stream
/// them out without the report holding them.
pub fn run_with(
    sides: Sides<'_>,
    inputs: impl Iterator<Item = Input>,
    cancel: &AtomicBool,
    mut progress: impl FnMut(usize),
    keep: Keep,
    mut observe: impl FnMut(&Row),
) -> Report {
    let mut report = Report::new(sides, keep);
    let mut batch: Vec<Input> = Vec::with_capacity(BATCH);
    let mut inputs = inputs.fuse();
    loop {
        batch.clear();
        batch.extend(inputs.by_ref().take(BATCH));
        if batch.is_empty() || cancel.load(Ordering::Relaxed) {
            break;
        }
        let outcomes: Vec<Replayed> = batch.par_iter().map(|input| one(sides, input)).collect();
        for (input, outcome) in batch.iter().zip(outcomes) {
            report.add(input, outcome, &mut observe);
        }
        progress(report.documents());
    }
    report.cancelled = cancel.load(Ordering::Relaxed);
    report
}

/// One document's replay, before it joins the report.
#[derive(Debug)]
pub(crate) enum Replayed {
    Unreadable(String),
    Done {
        transaction: Box<Transaction>,
        a: (Side, Vec<NodeId>),
        b: Option<(Side, Vec<NodeId>)>,
    },
}

fn one(sides: Sides<'_>, input: &Input) -> Replayed {
    let text = match &input.text {
        Ok(text) => text,
        Err(message) => return Replayed::Unreadable(message.clone()),
    };
    match read_transaction(text) {
        Err(e) => Replayed::Unreadable(e.to_string()),
        Ok(transaction) => {
            let side = |w: &Workflow| {
                let (side, run) = replay(w, &transaction);
                (side, run.path)
            };
            Replayed::Done {
                a: side(sides.a),
                b: sides.b.map(side),
                transaction: Box::new(transaction),
            }
        }
    }
}
