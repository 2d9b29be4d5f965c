//! An account's history as reuse reads it (issue 29, "Reuse only what was
//! verified"): the typed record each completed execution left
//! (`idflow_core::simulate::EarlierTransaction`, stored with its details by
//! `Write::Complete`), reading only the records the rule
//! (`idflow_core::simulate::reuse::find`) needs. The rule itself is core's:
//! this module only decides which records to hand it.

use idflow_core::Workflow;
use idflow_core::catalog::{is_stored_facemap, reuses};
use idflow_core::model::{AcquisitionType, CredentialCategory, DecisionType, NodeKind};
use idflow_core::simulate::{EarlierTransaction, Reuse, reuse};

use super::error::PlatformError;
use super::storage::model::ReuseRecord;
use super::storage::reads::{ReuseRecordRow, reuse_history};
use crate::db::Pool;

/// One credential a workflow may take from the account: its category, and
/// whether it is Reusable Identity's (a later REJECTED withdraws trust).
pub type Want = (CredentialCategory, bool);

/// What the workflow's reusing steps (USE_EXISTING, REUSABLE_IDENTITY) may
/// take from the account; 10071's stored facemap is uploaded, not taken.
pub fn wants(workflow: &Workflow) -> Vec<Want> {
    let mut wants = Vec::new();
    for node in &workflow.nodes {
        let NodeKind::Acquisition(step) = &node.kind else {
            continue;
        };
        if !reuses(step) {
            continue;
        }
        let reusable_identity = step.acquisition_type == AcquisitionType::ReusableIdentity;
        for category in step.credentials() {
            if !is_stored_facemap(step, category) && !wants.contains(&(category, reusable_identity))
            {
                wants.push((category, reusable_identity));
            }
        }
    }
    wants
}

/// The account's history for `wants`, oldest first by completion, leaving
/// out execution `excluding`: for each want, the newest record offering
/// its category and, for Reusable Identity, the newest REJECTED record when
/// it is later (one index seek each, in one read, however long the
/// history).
/// `reuse::find` answers on it exactly as on the whole history: a record
/// newer than the one found for a category does not offer that category,
/// and one later REJECTED record withdraws trust as well as many. Nothing
/// is read when nothing is wanted. A record that does not decode, or is not
/// what its rows say, is an error naming its execution (the migration
/// lists a damaged record as offering everything, so it is reached).
pub async fn read(
    pool: &Pool,
    account_id: &str,
    excluding: &str,
    wants: &[Want],
) -> Result<Vec<EarlierTransaction>, PlatformError> {
    let mut categories: Vec<CredentialCategory> = Vec::new();
    for &(category, _) in wants {
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    let reusable_identity = wants.iter().any(|&(_, ri)| ri);
    let found = reuse_history(pool, account_id, excluding, &categories, reusable_identity).await?;
    let rejected = found.iter().find(|row| row.found_for == "REJECTED");
    let mut rows: Vec<(&ReuseRecordRow, EarlierTransaction)> = Vec::new();
    for &(category, reusable_identity) in wants {
        let Some(offering) = found.iter().find(|row| row.found_for == category.as_str()) else {
            continue;
        };
        let record = decode(&offering.execution_id, &offering.record)?;
        if !offers(&record).contains(&category) {
            return Err(PlatformError::Corrupt(format!(
                "the reuse record of workflow execution {} does not offer {category} as its rows say",
                offering.execution_id
            )));
        }
        if reusable_identity
            && let Some(rejected) = rejected
            && (&rejected.completed_at, &rejected.execution_id)
                > (&offering.completed_at, &offering.execution_id)
        {
            let later = decode(&rejected.execution_id, &rejected.record)?;
            if later.decision != DecisionType::Rejected {
                return Err(PlatformError::Corrupt(format!(
                    "the reuse record of workflow execution {} is {}, its row says REJECTED",
                    rejected.execution_id, later.decision
                )));
            }
            rows.push((rejected, later));
        }
        rows.push((offering, record));
    }
    rows.sort_by(|(a, _), (b, _)| {
        (&a.completed_at, &a.execution_id).cmp(&(&b.completed_at, &b.execution_id))
    });
    rows.dedup_by(|(a, _), (b, _)| a.execution_id == b.execution_id);
    Ok(rows.into_iter().map(|(_, record)| record).collect())
}

/// The categories for which `record` alone satisfies core's rule
/// (`reuse::find` on it): what its `offers` column holds.
pub fn offers(record: &EarlierTransaction) -> Vec<CredentialCategory> {
    CredentialCategory::ALL
        .iter()
        .copied()
        .filter(|&category| {
            matches!(
                reuse::find(std::slice::from_ref(record), category, false),
                Reuse::Found { .. }
            )
        })
        .collect()
}

/// `record` as stored: its JSON text, its decision and the categories it
/// offers (the rows reads select on).
pub fn stored(record: &EarlierTransaction) -> Result<ReuseRecord, PlatformError> {
    Ok(ReuseRecord {
        decision: record.decision.as_str(),
        offers: offers(record),
        text: encode(record)?,
    })
}

/// A stored record, decoded strictly into core's type.
pub fn decode(execution_id: &str, text: &str) -> Result<EarlierTransaction, PlatformError> {
    let record: EarlierTransaction = serde_json::from_str(text).map_err(|error| {
        PlatformError::Corrupt(format!(
            "the reuse record of workflow execution {execution_id}: {error}"
        ))
    })?;
    if record.id != execution_id {
        return Err(PlatformError::Corrupt(format!(
            "the reuse record of workflow execution {execution_id} names execution {:?}",
            record.id
        )));
    }
    Ok(record)
}

/// A record's JSON text.
pub fn encode(record: &EarlierTransaction) -> Result<String, PlatformError> {
    serde_json::to_string(record)
        .map_err(|error| PlatformError::Encode(format!("reuse record: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use idflow_core::simulate::EarlierCredential;

    /// Issue 29: "a damaged record is an error naming the execution, never
    /// a silent 'nothing to reuse'".
    #[test]
    fn a_damaged_record_is_an_error_naming_its_execution() {
        for damaged in [
            "not json",
            r#"{"id":"ex-9","decision":"MAYBE","credentials":[]}"#,
            r#"{"id":"ex-9","decision":"PASSED","credentials":[{"id":"c","category":"PASSPORT","usability":"PASSED"}]}"#,
            r#"{"id":"ex-9","decision":"PASSED","credentials":[],"extra":1}"#,
            r#"{"id":"ex-8","decision":"PASSED","credentials":[]}"#,
        ] {
            match decode("ex-9", damaged) {
                Err(PlatformError::Corrupt(why)) => {
                    assert!(why.contains("ex-9"), "{damaged}: {why}")
                }
                other => panic!("{damaged}: expected Corrupt, got {other:?}"),
            }
        }
        let record = EarlierTransaction {
            id: "ex-9".into(),
            decision: DecisionType::Passed,
            credentials: vec![EarlierCredential {
                id: "c".into(),
                category: CredentialCategory::Facemap,
                usability: DecisionType::Passed,
                valid_for_authentication: true,
            }],
        };
        let stored = stored(&record).expect("encode");
        assert_eq!(decode("ex-9", &stored.text).expect("decode"), record);
        assert_eq!(
            (stored.decision, stored.offers.as_slice()),
            ("PASSED", [CredentialCategory::Facemap].as_slice())
        );
    }
}
