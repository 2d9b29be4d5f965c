//! Unsaved work written to the store's recovery folder every few seconds,
//! so a crash loses nothing; the next start offers it back.

use std::path::Path;
use std::time::Duration;

use idflow_store::recovery::{self, RecoveredFrom, Recovery};

use crate::document::{Document, Source};

pub struct Autosave {
    /// How often unsaved work is written.
    pub interval: Duration,
    /// When it was last written (seconds of the UI's clock).
    last: f64,
    /// The document revision last written, so it is not written twice.
    written: Option<u64>,
}

impl Default for Autosave {
    fn default() -> Self {
        Autosave {
            interval: Duration::from_secs(3),
            last: 0.0,
            written: None,
        }
    }
}

/// Where a document's autosave comes from, as the recovery file says it;
/// `None` for a published version (nothing to recover).
pub fn recovered_from(source: &Source) -> Option<RecoveredFrom> {
    match source {
        Source::Store { key, revision, .. } => Some(RecoveredFrom::Draft {
            key: *key,
            revision: *revision,
        }),
        Source::File(path) => Some(RecoveredFrom::File(path.clone())),
        Source::Version { .. } => None,
    }
}

impl Autosave {
    /// Writes `doc` to the recovery file in `root` when it has unsaved
    /// work not yet written; returns whether it wrote.
    pub fn write(&mut self, root: &Path, doc: &Document) -> bool {
        if !doc.is_dirty() || self.written == Some(doc.revision()) {
            return false;
        }
        let Some(from) = recovered_from(&doc.source) else {
            return false;
        };
        let recovery = Recovery {
            format_version: recovery::RECOVERY_FORMAT_VERSION,
            from,
            saved_at: now_rfc3339(),
            workflow: doc.workflow().clone(),
        };
        match recovery::write(root, &recovery) {
            Ok(_) => {
                self.written = Some(doc.revision());
                true
            }
            Err(e) => {
                tracing::warn!("autosave failed: {e}");
                false
            }
        }
    }

    /// Writes `doc` when the interval has passed since the last time
    /// (`now`: seconds of the UI's clock); returns when to come back while
    /// there is unsaved work.
    pub fn tick(&mut self, root: &Path, doc: &Document, now: f64) -> Option<Duration> {
        if !doc.is_dirty() {
            return None;
        }
        if now - self.last >= self.interval.as_secs_f64() {
            self.last = now;
            self.write(root, doc);
        }
        Some(self.interval)
    }

    /// Whatever was written, the next write writes again (another
    /// document, or another store's folder).
    pub fn forget(&mut self) {
        self.written = None;
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "unknown".to_owned())
}
