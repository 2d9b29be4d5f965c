//! Expected outcomes (issue 34): a workflow states what it must decide, and
//! nothing loosens a decision without saying so.
//!
//! - `evaluate`: each expectation run with the simulator: it holds or is
//!   broken, with the path its run took and the step where it ended. Lint
//!   reports a broken one as `expectation-broken` (an error by default,
//!   on the step where the run ended) and one that cannot run as
//!   `expectation-invalid`.
//! - `starter`: the platform's own rules as expectations, for the
//!   capabilities a workflow selects.
//! - `loosening`: what a changed workflow lets through that its baseline
//!   did not, each with an id a publish request confirms.
//!
//! What a workflow file holds is `model::Expectation`.

mod evaluate;
mod loosening;
mod starter;

pub use evaluate::{
    ExpectationResult, Verdict, evaluate, evaluate_one, holds, invalid_reason, resolve,
    scenario_ref,
};
pub use loosening::{
    EXPECTATION_RULES, Loosening, LooseningKind, keeps, loosenings, rule_severity, strictness,
    unconfirmed,
};
pub use starter::{starter_expectations, with_starter_expectations};

/// The lint code of a broken expectation.
pub const BROKEN_CODE: &str = "expectation-broken";
/// The lint code of an expectation that cannot run.
pub const INVALID_CODE: &str = "expectation-invalid";
