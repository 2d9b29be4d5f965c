//! First use of a store: the platform's standard workflows become Global
//! workflows, each with its draft and published version 1.

use std::path::{Path, PathBuf};

use idflow_core::Workflow;
use idflow_core::catalog::FIRST_CUSTOM_KEY;
use idflow_core::format::{Format, parse_workflow};

use super::disk;
use super::layout::{self, Layout};
use super::meta::Meta;
use super::store_file::StoreFile;
use crate::{Origin, StoreError, VersionInfo};

/// A standard workflow built into the binary.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    /// The file's name under `sample_workflows/`, starting with its key.
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! sample {
    ($file:literal) => {
        Sample {
            file: $file,
            text: include_str!(concat!("../../../../sample_workflows/", $file)),
        }
    };
}

/// The standard workflows, one per key of `catalog::STANDARD_WORKFLOWS`.
pub(crate) const SAMPLES: &[Sample] = &[
    sample!("10011-idiv.ron"),
    sample!("10013-idiv-screening-residency-address-dl.ron"),
    sample!("10014-authentication.ron"),
    sample!("10071-authentication-on-premises.ron"),
    sample!("10163-idiv-prepared-data.ron"),
    sample!("10165-id-verification.ron"),
    sample!("10167-idiv-watchlist.ron"),
    sample!("10169-document-proof.ron"),
    sample!("10171-id-capture-storage.ron"),
];

impl Sample {
    fn path(&self) -> PathBuf {
        Path::new("sample_workflows").join(self.file)
    }

    /// Parses the embedded text. A failure is a build defect, reported as a
    /// corrupt (embedded) file rather than a panic.
    pub(super) fn workflow(&self) -> Result<Workflow, StoreError> {
        let corrupt = |line, message: String| StoreError::Corrupt {
            path: self.path(),
            line,
            message: format!("embedded standard workflow {}: {message}", self.file),
        };
        let workflow =
            parse_workflow(self.text, Format::Ron).map_err(|e| corrupt(e.line(), e.to_string()))?;
        let named_key = self
            .file
            .split('-')
            .next()
            .and_then(|k| k.parse::<u32>().ok());
        if named_key != Some(workflow.key) {
            return Err(corrupt(
                None,
                format!("the file name does not start with its key {}", workflow.key),
            ));
        }
        Ok(workflow)
    }
}

/// The platform's standard workflows built into this binary, parsed: what a
/// new store (local or the team server) seeds as its Global workflows.
/// Ordered by key. An error is a build defect (a broken embedded sample).
pub fn standard_workflows() -> Result<Vec<Workflow>, StoreError> {
    let mut workflows = SAMPLES
        .iter()
        .map(Sample::workflow)
        .collect::<Result<Vec<_>, _>>()?;
    workflows.sort_by_key(|w| w.key);
    Ok(workflows)
}

/// Seeds `samples` into the store at `layout` and then writes `store.ron`,
/// which marks the store as seeded. Runs under the write lock.
///
/// Every sample is parsed before anything is written. A workflow folder that
/// already exists is left alone: an earlier seed was interrupted after
/// writing it, or the user keeps workflows of their own there.
pub(crate) fn seed(layout: &Layout, samples: &[Sample]) -> Result<(), StoreError> {
    let workflows = samples
        .iter()
        .map(Sample::workflow)
        .collect::<Result<Vec<_>, _>>()?;
    let published_at = disk::now_rfc3339(layout.root())?;
    for workflow in &workflows {
        seed_one(layout, workflow, &published_at)?;
    }
    let next = highest_key(layout)?.map_or(FIRST_CUSTOM_KEY, |k| k.saturating_add(1));
    let store_file = StoreFile::new(next);
    store_file.write(&layout.store_file())?;
    tracing::debug!(
        root = %layout.root().display(),
        seeded = workflows.len(),
        next_custom_key = store_file.next_custom_key,
        "store seeded"
    );
    Ok(())
}

fn seed_one(layout: &Layout, workflow: &Workflow, published_at: &str) -> Result<(), StoreError> {
    let key = workflow.key;
    let dir = layout.workflow_dir(key);
    if disk::exists(&dir)? {
        tracing::debug!(key, "seed: workflow folder exists, left as it is");
        return Ok(());
    }
    let stage = layout.staging_dir("seed", key);
    disk::remove_stale_dir(&stage)?;
    disk::create_dir_all(&layout::versions_dir(&stage))?;
    let (workflow, text) = disk::encode_workflow(&layout::draft_file(&stage), workflow)?;
    disk::write_new(&layout::version_file(&stage, 1), text.as_bytes())?;
    disk::write_atomic(&layout::draft_file(&stage), text.as_bytes())?;
    let mut meta = Meta::new(key, workflow.name.clone(), Origin::Global);
    meta.versions.push(VersionInfo {
        number: 1,
        published_at: published_at.to_owned(),
        sha256: disk::sha256_hex(text.as_bytes()),
        revision: meta.revision,
        note: "the platform's standard workflow".to_owned(),
        author: "idflow".to_owned(),
        approved_by: String::new(),
        authors: Vec::new(),
    });
    meta.write(&layout::meta_file(&stage))?;
    disk::rename_dir(&stage, &dir)
}

/// The highest key among the store's workflow folders.
fn highest_key(layout: &Layout) -> Result<Option<u32>, StoreError> {
    Ok(super::workflow_keys(layout)?.into_iter().max())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use idflow_core::catalog::STANDARD_WORKFLOWS;

    use super::*;

    #[test]
    fn samples_cover_the_standard_workflows_and_parse() {
        let keys: BTreeSet<u32> = SAMPLES
            .iter()
            .map(|s| s.workflow().map(|w| w.key))
            .collect::<Result<_, _>>()
            .unwrap();
        let standard: BTreeSet<u32> = STANDARD_WORKFLOWS.iter().map(|w| w.key).collect();
        assert_eq!(keys, standard);
    }

    #[test]
    fn standard_workflows_are_the_samples_in_key_order() {
        let keys: Vec<u32> = standard_workflows()
            .unwrap()
            .iter()
            .map(|w| w.key)
            .collect();
        let mut standard: Vec<u32> = STANDARD_WORKFLOWS.iter().map(|w| w.key).collect();
        standard.sort_unstable();
        assert_eq!(keys, standard);
    }

    #[test]
    fn a_broken_sample_is_reported_naming_the_file_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_owned());
        let samples = [
            SAMPLES[0],
            Sample {
                file: "10014-broken.ron",
                text: "(format_version: 1, key: 10014, nodes: [ (",
            },
        ];
        match seed(&layout, &samples) {
            Err(StoreError::Corrupt {
                path,
                line,
                message,
            }) => {
                assert!(path.ends_with("10014-broken.ron"), "{path:?}");
                assert!(line.is_some());
                assert!(message.contains("10014-broken.ron"), "{message}");
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_sample_whose_file_name_does_not_match_its_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::new(dir.path().to_owned());
        let samples = [Sample {
            file: "99999-wrong.ron",
            text: SAMPLES[0].text,
        }];
        assert!(matches!(
            seed(&layout, &samples),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
