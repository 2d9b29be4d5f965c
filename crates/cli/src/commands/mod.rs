pub mod backtest;
pub mod convert;
pub mod diff;
pub mod export;
pub mod lint;
pub mod server;
pub mod simulate;
pub mod store;
