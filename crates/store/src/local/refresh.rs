//! Global workflows of a newer build. The standard workflows are built into
//! the binary; when a newer idflow carries a changed one, opening the store
//! publishes it as that Global's next version (its draft follows).
//! Published versions are never rewritten (issue 13, "Upgrades lose
//! nothing"). A Global whose files are damaged is left alone (it lists as
//! DAMAGED rather than being repaired by rewriting), and one deleted by hand
//! stays deleted: the store was seeded once.
//!
//! `needs_refresh` is a scan without the lock; `refresh_globals` runs under
//! it, only when the scan found something.

use idflow_core::Workflow;

use super::layout::{Layout, draft_file, meta_file, version_file};
use super::meta::Meta;
use super::seed::Sample;
use super::{LocalStore, disk};
use crate::{Origin, StoreError, VersionInfo};

/// What the store holds for one standard workflow of this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Its latest version means what this build's standard workflow means.
    Current,
    /// Its latest version is an older (or newer) standard workflow.
    Outdated,
    /// Missing, damaged, or not a Global workflow: never touched.
    LeftAlone,
}

/// A standard workflow as the store writes it.
struct Standard {
    workflow: Workflow,
    sha256: String,
}

impl Standard {
    fn of(layout: &Layout, sample: &Sample) -> Result<Standard, StoreError> {
        let workflow = sample.workflow()?;
        let path = draft_file(&layout.workflow_dir(workflow.key));
        let (workflow, text) = disk::encode_workflow(&path, &workflow)?;
        Ok(Standard {
            workflow,
            sha256: disk::sha256_hex(text.as_bytes()),
        })
    }

    fn found_in(&self, layout: &Layout) -> Result<Found, StoreError> {
        let key = self.workflow.key;
        let dir = layout.workflow_dir(key);
        if !disk::exists(&dir)? {
            return Ok(Found::LeftAlone);
        }
        let meta = match Meta::read(&meta_file(&dir), key) {
            Ok(meta) => meta,
            Err(error) => {
                tracing::warn!(key, %error, "Global workflow not refreshed: its meta.ron is damaged");
                return Ok(Found::LeftAlone);
            }
        };
        if meta.origin != Origin::Global {
            return Ok(Found::LeftAlone);
        }
        let Some(latest) = meta.latest() else {
            return Ok(Found::Outdated);
        };
        if latest.sha256 == self.sha256 {
            return Ok(Found::Current);
        }
        // The same meaning in other bytes (an older build's encoding) is
        // current: a refresh is for changed content only.
        match disk::read_workflow(&version_file(&dir, latest.number)) {
            Ok(workflow) if workflow == self.workflow => Ok(Found::Current),
            Ok(_) => Ok(Found::Outdated),
            Err(error) => {
                tracing::warn!(key, %error, "Global workflow not refreshed: its latest version is damaged");
                Ok(Found::LeftAlone)
            }
        }
    }
}

/// Whether some standard workflow of this build differs from its Global's
/// latest version in the store at `layout`.
pub(super) fn needs_refresh(layout: &Layout, samples: &[Sample]) -> Result<bool, StoreError> {
    for sample in samples {
        let found = Standard::of(layout, sample)?.found_in(layout)?;
        if found == Found::Outdated {
            return Ok(true);
        }
    }
    Ok(false)
}

impl LocalStore {
    /// Publishes the changed standard workflows as new Global versions.
    /// Runs under the write lock. One workflow that cannot be refreshed is
    /// logged and skipped, never a reason the store does not open.
    pub(super) fn refresh_globals(&self, samples: &[Sample]) -> Result<(), StoreError> {
        for sample in samples {
            let standard = Standard::of(&self.layout, sample)?;
            let key = standard.workflow.key;
            match standard.found_in(&self.layout)? {
                Found::Current | Found::LeftAlone => {}
                Found::Outdated => match self.add_global_version(&standard.workflow) {
                    Ok(info) => tracing::info!(
                        key,
                        version = info.number,
                        "Global workflow refreshed with this build's standard workflow"
                    ),
                    Err(error) => tracing::warn!(key, %error, "Global workflow not refreshed"),
                },
            }
        }
        Ok(())
    }

    /// The draft becomes `workflow` (unless it already is: a refresh cut
    /// off after its save), then is published as the next version.
    fn add_global_version(&self, workflow: &Workflow) -> Result<VersionInfo, StoreError> {
        let key = workflow.key;
        let (meta, draft) = self.read_draft_locked(key)?;
        let mut meta = if draft == *workflow {
            meta
        } else {
            self.replace_draft(meta, workflow)?;
            self.meta(key)?
        };
        self.commit_version(
            &mut meta,
            workflow,
            "the platform's standard workflow, as this idflow release ships it",
            "idflow",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Refusal;
    use crate::{Status, Store};

    /// The first sample (10011) with another description: what a newer
    /// build would carry.
    fn changed_first_sample() -> Sample {
        let original = super::super::seed::SAMPLES[0];
        let text = original.text.replacen(
            "description: \"",
            "description: \"Refreshed by a newer build. ",
            1,
        );
        assert_ne!(text, original.text);
        Sample {
            file: original.file,
            text: Box::leak(text.into_boxed_str()),
        }
    }

    fn samples_with(changed: Sample) -> Vec<Sample> {
        let mut samples = super::super::seed::SAMPLES.to_vec();
        samples[0] = changed;
        samples
    }

    #[test]
    fn a_store_just_seeded_needs_no_refresh() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        assert!(!needs_refresh(&store.layout, super::super::seed::SAMPLES).unwrap());
    }

    #[test]
    fn a_changed_standard_workflow_becomes_the_next_global_version_and_v1_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let key = super::super::seed::SAMPLES[0].workflow().unwrap().key;
        let v1_path = version_file(&store.layout.workflow_dir(key), 1);
        let v1_before = std::fs::read(&v1_path).unwrap();
        let other = store.draft(10014).unwrap();

        let samples = samples_with(changed_first_sample());
        assert!(needs_refresh(&store.layout, &samples).unwrap());
        store.refresh_globals(&samples).unwrap();

        let history = store.history(key).unwrap();
        assert_eq!(history.iter().map(|v| v.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(std::fs::read(&v1_path).unwrap(), v1_before, "v1 rewritten");
        let v2 = store.version(key, 2).unwrap().workflow;
        assert!(v2.description.starts_with("Refreshed by a newer build."));
        let draft = store.draft(key).unwrap();
        assert_eq!(draft.workflow, v2);
        assert_eq!(draft.revision, 2);
        assert_eq!(history[1].revision, 2);
        let summary = store.list().unwrap();
        let line = summary.iter().find(|s| s.key == key).unwrap();
        assert_eq!(
            (line.origin, line.status),
            (Origin::Global, Status::Published)
        );
        // The other Globals are untouched, and a second refresh adds nothing.
        assert_eq!(store.draft(10014).unwrap(), other);
        assert!(!needs_refresh(&store.layout, &samples).unwrap());
        store.refresh_globals(&samples).unwrap();
        assert_eq!(store.history(key).unwrap().len(), 2);
    }

    #[test]
    fn a_refresh_cut_off_after_its_draft_is_finished_by_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        let changed = changed_first_sample();
        let workflow = changed.workflow().unwrap();
        let meta = store.meta(workflow.key).unwrap();
        store.replace_draft(meta, &workflow).unwrap();

        store.refresh_globals(&samples_with(changed)).unwrap();
        let history = store.history(workflow.key).unwrap();
        assert_eq!(history.len(), 2, "one new version, not two");
        assert_eq!(history[1].revision, 2, "the draft was not saved again");
    }

    #[test]
    fn a_deleted_global_stays_deleted_and_a_damaged_one_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path()).unwrap();
        std::fs::remove_dir_all(store.layout.workflow_dir(10014)).unwrap();
        let damaged_meta = meta_file(&store.layout.workflow_dir(10011));
        std::fs::write(&damaged_meta, "(not meta").unwrap();

        let samples = samples_with(changed_first_sample());
        store.refresh_globals(&samples).unwrap();

        assert!(matches!(
            store.history(10014),
            Err(StoreError::Policy(Refusal::NotFound { key: 10014 }))
        ));
        assert_eq!(std::fs::read_to_string(&damaged_meta).unwrap(), "(not meta");
        let reopened = LocalStore::open(dir.path()).unwrap();
        let line = reopened
            .list()
            .unwrap()
            .into_iter()
            .find(|s| s.key == 10011);
        assert_eq!(line.map(|s| s.status), Some(Status::Damaged));
    }
}
