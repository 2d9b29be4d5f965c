//! idflow core: the workflow model, the platform catalog, lint, file formats
//! and exports. No GUI, network or async dependency, so the CLI, the
//! designer and the server all give the same answers.

pub mod backtest;
pub mod catalog;
pub mod consent;
pub mod countries;
pub mod diff;
pub mod expectations;
pub mod export;
pub mod format;
pub mod layout;
pub mod lint;
pub mod model;
pub mod simulate;
pub mod synthetic;
pub mod text;
pub mod versions;

pub use model::Workflow;
