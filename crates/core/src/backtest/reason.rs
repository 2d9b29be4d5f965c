//! Why a replay is not comparable: the record cannot answer something the
//! replayed workflow needs. Never a default decision in its place (issue
//! 18, "Unknown stays unknown"; issue 29, "a record whose transaction did
//! not collect what workflow A asks for is not comparable, with that
//! reason").

use crate::model::CredentialCategory;
use crate::simulate::Unknown;

/// What the record lacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The replay ran a capability the record holds no result for, or
    /// decided on an extracted value the record lacks.
    Unknown(Unknown),
    /// The workflow acquires a new credential of this category and the
    /// recorded transaction collected none: whether it would have arrived
    /// (and what its checks would say) is not in the record.
    NotCollected(CredentialCategory),
    /// The workflow reuses a credential of this category (USE_EXISTING, or
    /// 10071's stored facemap) and the record carries no results of one: a
    /// reused credential counts as present only when its results are in
    /// the document.
    ReusedWithoutResults(CredentialCategory),
    /// A REUSABLE_IDENTITY step: the recorded transaction neither collected
    /// a fresh credential of this category nor carries the results of a
    /// reused one.
    NeitherCollectedNorReused(CredentialCategory),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Unknown(what) => write!(f, "{what} unknown"),
            Reason::NotCollected(category) => {
                write!(f, "the recorded transaction collected no {category}")
            }
            Reason::ReusedWithoutResults(category) => write!(
                f,
                "the recorded transaction carries no results of a reused {category}"
            ),
            Reason::NeitherCollectedNorReused(category) => write!(
                f,
                "the recorded transaction collected no {category} and carries no results of a reused one"
            ),
        }
    }
}
