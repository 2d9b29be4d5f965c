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
//! result for (or a decision on a value the record lacks), or at the first
//! acquisition step whose credential the record cannot supply (issue 29):
//! that side is "not comparable", with the reason, and is counted apart,
//! never taken as PASSED.

mod document;
pub mod generate;
mod inputs;
mod reason;
mod report;
pub mod source;

use std::sync::atomic::{AtomicBool, Ordering};

pub use document::{
    CollectedCredential, Personal, RecordedDecision, RecordedResult, ShapeError, Transaction,
    UnknownLabel, read_transaction,
};
pub use inputs::{ReplayInputs, replay_inputs};
pub use reason::Reason;
pub use report::{Agreement, Keep, Report, Row, SideSummary, Unreadable};
pub use source::{Input, Origin};

use rayon::prelude::*;

use crate::model::{DecisionType, NodeId, Workflow};
use crate::simulate::{Ending, Run, simulate};

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
    /// The replay reached something the record cannot answer, at `node`.
    NotComparable { node: NodeId, reason: Reason },
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
/// run (its path, for the canvas; cut at the step the record could not
/// supply).
pub fn replay(workflow: &Workflow, transaction: &Transaction) -> (Side, Run) {
    let inputs = replay_inputs(transaction, workflow, &[]);
    let mut run = simulate(workflow, &inputs.scenario);
    let mut gap = first_gap(&inputs, &run);
    // Credentials went to the steps in the workflow's order: when one on
    // the path found none left while a step off the path took one of its
    // category, serve the path's steps first and run again.
    if gap.is_some() && inputs.takers.iter().any(|t| !run.path.contains(t)) {
        let inputs = replay_inputs(transaction, workflow, &run.path);
        run = simulate(workflow, &inputs.scenario);
        gap = first_gap(&inputs, &run);
    }
    if let Some((at, node, reason)) = gap {
        run.path.truncate(at + 1);
        return (Side::NotComparable { node, reason }, run);
    }
    let side = match &run.ending {
        Ending::Unknown { node, what } => Side::NotComparable {
            node: node.clone(),
            reason: Reason::Unknown(*what),
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

/// The first step on the run's path the record could not supply: its
/// index in the path, its id and why. A step the walk never reached
/// does not matter.
fn first_gap(inputs: &ReplayInputs, run: &Run) -> Option<(usize, NodeId, Reason)> {
    if inputs.gaps.is_empty() {
        return None;
    }
    run.path.iter().enumerate().find_map(|(at, node)| {
        inputs
            .gaps
            .iter()
            .find(|(gap, _)| gap == node)
            .map(|(_, reason)| (at, node.clone(), *reason))
    })
}

/// What to replay through.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'w> {
    pub a: &'w Workflow,
    pub b: Option<&'w Workflow>,
    /// The recorded workflow keys A stands for (issue 29: a custom copy
    /// stands for the standard workflow it came from): A's agreement with
    /// the record is computed over the documents of these keys. `None` (or
    /// none given): A's own key.
    pub recorded_keys: Option<&'w [u32]>,
}

impl<'w> Sides<'w> {
    /// A (and B), agreement over A's own key.
    pub fn new(a: &'w Workflow, b: Option<&'w Workflow>) -> Self {
        Sides {
            a,
            b,
            recorded_keys: None,
        }
    }

    /// The recorded keys A stands for.
    pub fn recorded_keys(&self) -> Vec<u32> {
        match self.recorded_keys {
            Some(keys) if !keys.is_empty() => {
                let mut keys = keys.to_vec();
                keys.sort_unstable();
                keys.dedup();
                keys
            }
            _ => vec![self.a.key],
        }
    }
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
