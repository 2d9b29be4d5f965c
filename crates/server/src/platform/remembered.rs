//! What the platform keeps in memory because it never changes: each
//! published version with its credential plan (parsed and hash-checked
//! once), and the encoded details of a PROCESSED execution. Shared by the
//! service (`service`) and processing (`process`).

use std::sync::Arc;

use axum::body::Bytes;
use idflow_core::Workflow;

use super::credentials::{self, PlannedCredential};
use crate::cache::ImmutableCache;
use crate::db::{Db, DbError};

/// How many published versions (with their plans) are kept parsed.
const VERSIONS_KEPT: usize = 1024;
/// How many PROCESSED details documents are kept encoded (a few KiB each).
const DETAILS_KEPT: usize = 4096;

/// A published version ready to run: parsed, checked against its hash, and
/// its credentials planned.
#[derive(Debug)]
pub struct Published {
    pub workflow: Workflow,
    pub plan: Vec<PlannedCredential>,
}

/// The platform's memory of answers that never change. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Remembered {
    versions: ImmutableCache<(u32, u32), Arc<Published>>,
    /// Execution id → (its account, the details document as sent).
    details: ImmutableCache<String, Arc<(String, Bytes)>>,
}

impl Default for Remembered {
    fn default() -> Self {
        Remembered {
            versions: ImmutableCache::new(VERSIONS_KEPT),
            details: ImmutableCache::new(DETAILS_KEPT),
        }
    }
}

impl Remembered {
    /// The published version `number` of `key` in `db`, parsed and planned
    /// once.
    pub async fn published(
        &self,
        db: &Db,
        key: u32,
        number: u32,
    ) -> Result<Arc<Published>, DbError> {
        if let Some(known) = self.versions.get(&(key, number)) {
            return Ok(known);
        }
        let workflow = db.version(key, number).await?.workflow;
        let plan = credentials::plan(&workflow);
        let published = Arc::new(Published { workflow, plan });
        self.versions.insert((key, number), Arc::clone(&published));
        Ok(published)
    }

    /// The details document of PROCESSED execution `execution_id` of
    /// `account_id`, if kept.
    pub fn details(&self, account_id: &str, execution_id: &str) -> Option<Bytes> {
        self.details
            .get(execution_id)
            .filter(|known| known.0 == account_id)
            .map(|known| known.1.clone())
    }

    /// Keeps the details document of a PROCESSED execution (it never
    /// changes).
    pub fn keep_details(&self, account_id: &str, execution_id: &str, document: Bytes) {
        self.details.insert(
            execution_id.to_owned(),
            Arc::new((account_id.to_owned(), document)),
        );
    }
}
