//! Which credentials an account offers for reuse (issue 29, "Reuse only
//! what was verified"). One rule, used by the simulator, the mock platform,
//! lint and backtest.
//!
//! Sources: seed 002, "Acquisition Type": "Use Existing: Reuses credentials
//! from a previous successful transaction"; "Reusable Identity: Reuses a
//! pre-verified ID (if the user has already been verified successfully
//! before and is trusted), or Continues with a fresh ID scan (if no
//! pre-verified qualified ID is found or risk is detected)". Seed 002,
//! "Select Capabilities": authentication "Requires an existing facemap and
//! selfie passing Liveness"; seed 003: `validFaceMapForAuthentication` only
//! where liveness (or a passed authentication) produced a usable facemap.
//!
//! So a credential is reusable only from an earlier transaction of the
//! account whose decision was PASSED and whose usability of that
//! credential PASSED; a facemap also only when it is valid for
//! authentication. REJECTED, NOT_EXECUTED and WARNING transactions offer
//! nothing (WARNING awaits a person's review: idflow's reading). When
//! several qualify, the most recent one. For Reusable Identity, a later
//! REJECTED transaction withdraws the trust ("or risk is detected").

use super::Run;
pub use crate::model::scenario::{EarlierCredential, EarlierTransaction};
use crate::model::{Capability, CredentialCategory, DecisionType};

/// The history a scenario assumes when it states none: one earlier PASSED
/// transaction in which every category passed usability and the facemap
/// passed liveness (issue 29: "defaulting to one qualifying PASSED
/// transaction").
pub fn qualifying_history() -> Vec<EarlierTransaction> {
    use CredentialCategory as K;
    vec![EarlierTransaction {
        id: String::new(),
        decision: DecisionType::Passed,
        credentials: [K::Id, K::Selfie, K::Facemap, K::Document, K::Data]
            .into_iter()
            .map(|category| EarlierCredential {
                id: String::new(),
                category,
                usability: DecisionType::Passed,
                valid_for_authentication: category == K::Facemap,
            })
            .collect(),
    }]
}

/// What an account offers for a reused credential of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Reused from `history[transaction].credentials[credential]`.
    Found {
        transaction: usize,
        credential: usize,
    },
    /// No earlier transaction qualifies.
    NotFound,
    /// One qualified, but a later transaction was REJECTED: Reusable
    /// Identity no longer trusts it (seed 002: "or risk is detected").
    RiskDetected { transaction: usize },
}

/// Whether the credential qualifies for reuse on its own terms: its
/// usability PASSED; a facemap also valid for authentication.
fn credential_qualifies(credential: &EarlierCredential) -> bool {
    credential.usability == DecisionType::Passed
        && (credential.category != CredentialCategory::Facemap
            || credential.valid_for_authentication)
}

/// The credential of `category` the account offers (history oldest first).
/// `reusable_identity`: a later REJECTED transaction withdraws the trust.
pub fn find(
    history: &[EarlierTransaction],
    category: CredentialCategory,
    reusable_identity: bool,
) -> Reuse {
    let found = history.iter().enumerate().rev().find_map(|(t, tx)| {
        if tx.decision != DecisionType::Passed {
            return None;
        }
        tx.credentials
            .iter()
            .position(|c| c.category == category && credential_qualifies(c))
            .map(|c| (t, c))
    });
    let Some((transaction, credential)) = found else {
        return Reuse::NotFound;
    };
    let withdrawn = reusable_identity
        && history[transaction + 1..]
            .iter()
            .any(|tx| tx.decision == DecisionType::Rejected);
    if withdrawn {
        Reuse::RiskDetected { transaction }
    } else {
        Reuse::Found {
            transaction,
            credential,
        }
    }
}

impl EarlierTransaction {
    /// The record of a completed run, as reuse will read it: its decision
    /// and every credential it collected anew, with that credential's
    /// usability and, for a facemap, whether liveness or authentication
    /// PASSED on it. Reused credentials stay with the transaction that
    /// collected them.
    pub fn of_run(id: &str, run: &Run) -> Self {
        let result_on = |capability: Capability, index: usize| {
            run.results
                .iter()
                .filter(|r| r.capability == capability && r.credentials.contains(&index))
                .map(|r| r.decision)
                .max_by_key(|d| d.result_rank())
        };
        let credentials = run
            .credentials
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.existing)
            .map(|(i, c)| EarlierCredential {
                id: c.id.clone(),
                category: c.category,
                usability: result_on(Capability::Usability, i).unwrap_or(DecisionType::NotExecuted),
                valid_for_authentication: c.category == CredentialCategory::Facemap
                    && [Capability::Liveness, Capability::Authentication]
                        .into_iter()
                        .any(|cap| result_on(cap, i) == Some(DecisionType::Passed)),
            })
            .collect();
        EarlierTransaction {
            id: id.to_owned(),
            decision: run.decision,
            credentials,
        }
    }
}
