pub mod convert;
pub mod export;
pub mod lint;
pub mod store;
