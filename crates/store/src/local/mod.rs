//! The local directory store: one folder per workflow, immutable published
//! versions, atomic writes, a store-wide write lock (design.md, "Store").
//!
//! Modules: `layout` (where files live), `disk` (file operations as store
//! errors), `lock` (the write lock), `store_file` (`store.ron`, the key
//! counter), `meta` (`<key>/meta.ron`), `seed` (Global workflows on first
//! use), `refresh` (Global workflows of a newer build), `location` (the
//! default folder).

mod comments;
mod disk;
mod layout;
mod location;
mod lock;
mod meta;
mod refresh;
mod repair;
mod seed;
mod store_file;

use crate::policy::{self, Refusal};
use std::fs;
use std::path::{Path, PathBuf};

use idflow_core::Workflow;

pub use meta::DuplicatedFrom;
pub use seed::standard_workflows;

use self::layout::{
    Layout, draft_file, meta_file, pending_version_file, version_file, versions_dir,
};
use self::lock::WriteLock;
use self::meta::Meta;
use self::store_file::StoreFile;
use crate::{
    Comment, Draft, Origin, Revision, Status, Store, StoreError, VersionInfo, Versioned,
    WorkflowSummary, check_note,
};

/// A store in a local folder. Cheap to open; every handle (in this process
/// or another) sees the same data, and writes from different handles are
/// serialised by a lock file.
#[derive(Debug, Clone)]
pub struct LocalStore {
    layout: Layout,
    /// Recorded as the publisher of the versions this handle publishes.
    author: String,
}

/// Who the person at this machine is, as versions record it: the OS user
/// (USER, LOGNAME or USERNAME), else the account's name (a desktop session
/// or a service may set none of them: issue 33, item 8), else "unknown".
pub fn os_user() -> String {
    os_user_from(|name| std::env::var(name).ok())
}

fn os_user_from(variable: impl Fn(&str) -> Option<String>) -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .filter_map(|name| variable(name))
        .map(|value| value.trim().to_owned())
        .find(|value| !value.is_empty())
        .or_else(|| {
            whoami::fallible::username()
                .ok()
                .map(|name| name.trim().to_owned())
                .filter(|name| !name.is_empty())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

impl LocalStore {
    /// The same store, recording `author` (a display name; blank: the OS
    /// user) as the publisher of the versions it publishes.
    pub fn with_author(mut self, author: &str) -> LocalStore {
        self.set_author(author);
        self
    }

    /// Opens the store in `dir`, creating the folder if needed. On first use
    /// (no `store.ron` yet) the standard workflows are seeded as Global
    /// workflows, each published as version 1.
    pub fn open(dir: &Path) -> Result<LocalStore, StoreError> {
        disk::create_dir_all(dir)?;
        let store = LocalStore {
            layout: Layout::new(dir.to_owned()),
            author: os_user(),
        };
        let store_file = store.layout.store_file();
        if StoreFile::read(&store_file)?.is_none() {
            let _lock = store.lock()?;
            // Another process may have seeded while we waited for the lock.
            if StoreFile::read(&store_file)?.is_none() {
                seed::seed(&store.layout, seed::SAMPLES)?;
            }
        }
        // Finish or undo what an interrupted write left (repair.rs); the
        // scan takes no lock, the repair does.
        if repair::needs_repair(&store.layout)? {
            let _lock = store.lock()?;
            repair::repair(&store.layout)?;
        }
        // A newer build's standard workflows become new Global versions
        // (refresh.rs); the scan takes no lock, the refresh does.
        if refresh::needs_refresh(&store.layout, seed::SAMPLES)? {
            let _lock = store.lock()?;
            store.refresh_globals(seed::SAMPLES)?;
        }
        Ok(store)
    }

    /// The folder used when the user names none: the platform's data folder
    /// for idflow, joined with `store`.
    pub fn default_location() -> Option<PathBuf> {
        location::default_location()
    }

    /// The store's folder.
    pub fn root(&self) -> &Path {
        self.layout.root()
    }

    /// The folder reserved for the designer's autosave of workflow `key`
    /// (not created here).
    pub fn recovery_dir(&self, key: u32) -> PathBuf {
        self.layout.recovery_dir(key)
    }

    /// Where workflow `key` was duplicated from, if it is a duplicate.
    pub fn duplicated_from(&self, key: u32) -> Result<Option<DuplicatedFrom>, StoreError> {
        Ok(self.meta(key)?.duplicated_from)
    }

    fn lock(&self) -> Result<WriteLock, StoreError> {
        WriteLock::acquire(&self.layout.lock_file())
    }

    /// The metadata of workflow `key`; `NotFound` when it has no folder.
    fn meta(&self, key: u32) -> Result<Meta, StoreError> {
        let dir = self.layout.workflow_dir(key);
        if !disk::exists(&dir)? {
            return Err(StoreError::Policy(Refusal::NotFound { key }));
        }
        Meta::read(&meta_file(&dir), key)
    }

    /// The draft with the meta.ron that records it: a save writes the draft
    /// and then commits meta.ron, so a reader that finds a draft other than
    /// the recorded one reads both again (bounded), and after a cut-off save
    /// takes the lock and adopts it (repair.rs). Never returns a draft under
    /// the wrong revision.
    fn read_draft_with_meta(&self, key: u32) -> Result<(Meta, Workflow), StoreError> {
        self.read_draft_checked(key, false)
    }

    /// `read_draft_with_meta` for a caller that already holds the lock: no
    /// save can be under way, so a draft out of step is a cut-off save.
    fn read_draft_locked(&self, key: u32) -> Result<(Meta, Workflow), StoreError> {
        self.read_draft_checked(key, true)
    }

    fn read_draft_checked(&self, key: u32, locked: bool) -> Result<(Meta, Workflow), StoreError> {
        let path = draft_file(&self.layout.workflow_dir(key));
        let attempts = if locked { 1 } else { 100 };
        for _ in 0..attempts {
            let meta = self.meta(key)?;
            let bytes = disk::read_bytes(&path)?;
            let consistent = meta
                .draft_sha256
                .as_ref()
                .is_none_or(|recorded| *recorded == disk::sha256_hex(&bytes));
            if consistent {
                return Ok((meta, disk::parse_workflow_bytes(&path, &bytes)?));
            }
            if !locked {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
        let _lock = if locked { None } else { Some(self.lock()?) };
        repair::repair(&self.layout)?;
        let meta = self.meta(key)?;
        let workflow = disk::read_workflow(&path)?;
        Ok((meta, workflow))
    }

    /// Reads a recorded version and checks its bytes against the recorded hash.
    fn read_version(&self, meta: &Meta, number: u32) -> Result<Versioned, StoreError> {
        let key = meta.key;
        let info = meta
            .version(number)
            .ok_or(StoreError::Policy(Refusal::VersionNotFound {
                key,
                version: number,
            }))?
            .clone();
        let dir = self.layout.workflow_dir(key);
        let mut path = version_file(&dir, number);
        // Recorded but not yet renamed into place (a publish between its
        // commit and its rename, or cut off there: repair.rs finishes it).
        if !disk::exists(&path)? && disk::exists(&pending_version_file(&dir, number))? {
            path = pending_version_file(&dir, number);
        }
        let bytes = disk::read_bytes(&path)?;
        let actual = disk::sha256_hex(&bytes);
        if actual != info.sha256 {
            return Err(StoreError::Integrity {
                path,
                expected: info.sha256,
                actual,
            });
        }
        let workflow = disk::parse_workflow_bytes(&path, &bytes)?;
        Ok(Versioned { workflow, info })
    }

    /// Replaces the draft of a writable workflow whose metadata was read
    /// under the lock, and bumps its revision. The existing draft must parse:
    /// a corrupt file is reported, never overwritten.
    fn replace_draft(&self, mut meta: Meta, workflow: &Workflow) -> Result<Revision, StoreError> {
        let key = meta.key;
        let dir = self.layout.workflow_dir(key);
        let draft_path = draft_file(&dir);
        disk::read_workflow(&draft_path)?;
        let mut workflow = workflow.clone();
        workflow.key = key;
        let (workflow, text) = disk::encode_workflow(&draft_path, &workflow)?;
        disk::write_atomic(&draft_path, text.as_bytes())?;
        meta.revision = meta
            .revision
            .checked_add(1)
            .ok_or(StoreError::RevisionsExhausted { key })?;
        meta.name = workflow.name;
        meta.draft_sha256 = Some(disk::sha256_hex(text.as_bytes()));
        meta.write(&meta_file(&dir))?;
        tracing::debug!(key, revision = meta.revision, "draft saved");
        Ok(meta.revision)
    }

    /// Publishes `draft`, the current draft of the workflow whose meta.ron
    /// was read under the lock, as the next version at meta's revision. The
    /// version is written under a pending name, committed by meta.ron, then
    /// renamed into place; an interruption anywhere is finished or undone on
    /// the next open (repair.rs).
    fn commit_version(
        &self,
        meta: &mut Meta,
        draft: &Workflow,
        note: &str,
        author: &str,
    ) -> Result<VersionInfo, StoreError> {
        let key = meta.key;
        let dir = self.layout.workflow_dir(key);
        let number = meta.next_version_number();
        let path = version_file(&dir, number);
        let pending = pending_version_file(&dir, number);
        let (_, text) = disk::encode_workflow(&path, draft)?;
        let published_at = disk::now_rfc3339(&path)?;
        disk::create_dir_all(&versions_dir(&dir))?;
        if disk::exists(&path)? {
            // meta.ron records no version of this number: the leftover of a
            // publish that never committed, which repair removes on open.
            return Err(StoreError::Corrupt {
                path,
                line: None,
                message: "a version file meta.ron does not record is in the way: reopen the store to clear it".to_owned(),
            });
        }
        disk::write_atomic(&pending, text.as_bytes())?;
        let info = VersionInfo {
            number,
            published_at,
            sha256: disk::sha256_hex(text.as_bytes()),
            revision: meta.revision,
            note: note.to_owned(),
            author: author.to_owned(),
            approved_by: String::new(),
            authors: Vec::new(),
        };
        meta.versions.push(info.clone());
        meta.write(&meta_file(&dir))?;
        disk::rename_file(&pending, &path)?;
        tracing::debug!(key, version = number, revision = meta.revision, "published");
        Ok(info)
    }

    /// Adds a custom workflow under a fresh key. The key counter is advanced
    /// and persisted before the folder is written, so a key is never handed
    /// out twice even if a later step fails.
    fn create_with(
        &self,
        workflow: Workflow,
        duplicated_from: Option<DuplicatedFrom>,
    ) -> Result<u32, StoreError> {
        let _lock = self.lock()?;
        let store_path = self.layout.store_file();
        let mut counter = StoreFile::read(&store_path)?.ok_or_else(|| StoreError::Io {
            path: store_path.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "store.ron is missing: reopen the store",
            ),
        })?;
        let mut key = counter
            .next_custom_key
            .max(idflow_core::catalog::FIRST_CUSTOM_KEY);
        // A folder nobody allocated (copied in by hand): skip its key.
        while disk::exists(&self.layout.workflow_dir(key))? {
            key = key.checked_add(1).ok_or(StoreError::KeysExhausted)?;
        }
        counter.next_custom_key = key.checked_add(1).ok_or(StoreError::KeysExhausted)?;
        counter.write(&store_path)?;

        let stage = self.layout.staging_dir("new", key);
        disk::remove_stale_dir(&stage)?;
        disk::create_dir_all(&stage)?;
        let mut workflow = workflow;
        workflow.key = key;
        let (workflow, text) = disk::encode_workflow(&draft_file(&stage), &workflow)?;
        disk::write_atomic(&draft_file(&stage), text.as_bytes())?;
        let mut meta = Meta::new(key, workflow.name, Origin::Custom);
        meta.duplicated_from = duplicated_from;
        meta.draft_sha256 = Some(disk::sha256_hex(text.as_bytes()));
        meta.write(&meta_file(&stage))?;
        disk::rename_dir(&stage, &self.layout.workflow_dir(key))?;
        tracing::debug!(key, ?duplicated_from, "workflow created");
        Ok(key)
    }
}

impl LocalStore {
    /// One line of `list`: DAMAGED when meta.ron, the draft or a recorded
    /// version is missing, does not parse or fails its hash.
    fn summary(&self, key: u32) -> WorkflowSummary {
        let meta = self.meta(key);
        let checked = meta
            .as_ref()
            .ok()
            .map(|meta| -> Result<Status, StoreError> {
                let draft = self.read_draft_with_meta(key)?.1;
                let mut latest = None;
                for info in &meta.versions {
                    latest = Some(self.read_version(meta, info.number)?.workflow);
                }
                Ok(if latest.as_ref() == Some(&draft) {
                    Status::Published
                } else {
                    Status::Draft
                })
            });
        let status = match &checked {
            Some(Ok(status)) => *status,
            _ => Status::Damaged,
        };
        if let Some(Err(error)) = &checked {
            tracing::warn!(key, %error, "damaged workflow");
        }
        match meta {
            Ok(meta) => WorkflowSummary {
                key,
                name: meta.name.clone(),
                origin: meta.origin,
                status,
                latest_version: meta.latest().map(|v| v.number),
                revision: meta.revision,
                archived: meta.archived,
            },
            Err(error) => {
                tracing::warn!(key, %error, "damaged workflow metadata");
                let name = disk::read_workflow(&draft_file(&self.layout.workflow_dir(key)))
                    .map(|w| w.name)
                    .unwrap_or_default();
                WorkflowSummary {
                    key,
                    name,
                    origin: if key < idflow_core::catalog::FIRST_CUSTOM_KEY {
                        Origin::Global
                    } else {
                        Origin::Custom
                    },
                    status: Status::Damaged,
                    latest_version: None,
                    revision: 0,
                    archived: false,
                }
            }
        }
    }
}

/// The keys of the workflow folders in the store, unordered.
fn workflow_keys(layout: &Layout) -> Result<Vec<u32>, StoreError> {
    let root = layout.root();
    let entries = fs::read_dir(root).map_err(|e| disk::io_error(root, e))?;
    let mut keys = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| disk::io_error(root, e))?;
        let Some(key) = entry.file_name().to_str().and_then(layout::key_of_dir_name) else {
            continue;
        };
        let file_type = entry
            .file_type()
            .map_err(|e| disk::io_error(&entry.path(), e))?;
        if file_type.is_dir() {
            keys.push(key);
        }
    }
    Ok(keys)
}

impl Store for LocalStore {
    fn list(&self) -> Result<Vec<WorkflowSummary>, StoreError> {
        let mut keys = workflow_keys(&self.layout)?;
        keys.sort_unstable();
        // A damaged file spoils only its own workflow (issue 13).
        Ok(keys.into_iter().map(|key| self.summary(key)).collect())
    }

    fn draft(&self, key: u32) -> Result<Draft, StoreError> {
        let (meta, workflow) = self.read_draft_with_meta(key)?;
        Ok(Draft {
            workflow,
            revision: meta.revision,
        })
    }

    fn version(&self, key: u32, number: u32) -> Result<Versioned, StoreError> {
        let meta = self.meta(key)?;
        self.read_version(&meta, number)
    }

    fn history(&self, key: u32) -> Result<Vec<VersionInfo>, StoreError> {
        Ok(self.meta(key)?.versions)
    }

    fn create(&self, workflow: Workflow) -> Result<u32, StoreError> {
        self.create_with(workflow, None)
    }

    fn save_draft(
        &self,
        key: u32,
        workflow: &Workflow,
        base: Revision,
    ) -> Result<Revision, StoreError> {
        let _lock = self.lock()?;
        let meta = self.meta(key)?;
        meta.check_writable(Some(base))?;
        self.replace_draft(meta, workflow)
    }

    /// Exactly once per draft revision (issue 13): the revision named (or
    /// the current one) already published as vK answers vK and adds
    /// nothing; a stale one is refused; otherwise it is published. The
    /// draft's comments are marked with the version's number, the version
    /// is written under a pending name, committed by meta.ron, then renamed
    /// into place; an interruption anywhere is finished or undone on the
    /// next open. The comments are carried exactly when the version is
    /// committed (issue 30, item 11): before the commit their mark names a
    /// version meta.ron does not record, which every reader takes as "on
    /// the draft" and opening the store clears (repair.rs).
    fn publish_with_note(
        &self,
        key: u32,
        base: Option<Revision>,
        note: &str,
    ) -> Result<VersionInfo, StoreError> {
        check_note(note)?;
        let _lock = self.lock()?;
        let (mut meta, draft) = self.read_draft_locked(key)?;
        meta.check_writable(None)?;
        let revision = base.unwrap_or(meta.revision);
        if let Some(done) = meta.versions.iter().find(|v| v.revision == revision) {
            tracing::debug!(key, version = done.number, revision, "already published");
            return Ok(done.clone());
        }
        meta.check_writable(Some(revision))?;
        policy::may_publish(key, &draft)?;
        // The draft's comments go, read-only, with the version: marked
        // before meta.ron commits it.
        let dir = self.layout.workflow_dir(key);
        let number = meta.next_version_number();
        let mut carried = comments::Comments::read(&dir)?.committed(&meta);
        if carried.carry(number) {
            carried.write(&dir)?;
        }
        let info = self.commit_version(&mut meta, &draft, note.trim(), &self.author)?;
        debug_assert_eq!(info.number, number, "the number the comments carry");
        Ok(info)
    }

    fn duplicated_from(&self, key: u32) -> Result<Option<DuplicatedFrom>, StoreError> {
        LocalStore::duplicated_from(self, key)
    }

    fn duplicate(&self, key: u32, version: Option<u32>) -> Result<u32, StoreError> {
        let mut workflow = match version {
            None => self.draft(key)?.workflow,
            Some(number) => self.version(key, number)?.workflow,
        };
        workflow.name = policy::copy_name(&workflow.name, version);
        self.create_with(workflow, Some(DuplicatedFrom { key, version }))
    }

    fn restore(&self, key: u32, version: u32, base: Revision) -> Result<Revision, StoreError> {
        let _lock = self.lock()?;
        let meta = self.meta(key)?;
        meta.check_writable(Some(base))?;
        let versioned = self.read_version(&meta, version)?;
        self.replace_draft(meta, &versioned.workflow)
    }

    /// meta.ron alone changes (atomically); the draft's revision does not,
    /// so archiving never makes an open editor's save stale.
    fn set_archived(&self, key: u32, archived: bool) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        let mut meta = self.meta(key)?;
        policy::may_change(key, meta.origin)?;
        if meta.archived != archived {
            meta.archived = archived;
            meta.write(&meta_file(&self.layout.workflow_dir(key)))?;
            tracing::debug!(key, archived, "archived flag changed");
        }
        Ok(())
    }

    /// meta.ron first: a version it does not record yet carries nothing.
    fn comments(&self, key: u32) -> Result<Vec<Comment>, StoreError> {
        let meta = self.meta(key)?;
        Ok(comments::Comments::read(&self.layout.workflow_dir(key))?
            .committed(&meta)
            .comments)
    }

    fn add_comment(&self, key: u32, step: Option<&str>, text: &str) -> Result<Comment, StoreError> {
        let text = crate::check_comment(text)?;
        let _lock = self.lock()?;
        let meta = self.meta(key)?;
        policy::may_change(key, meta.origin)?;
        let dir = self.layout.workflow_dir(key);
        let mut file = comments::Comments::read(&dir)?.committed(&meta);
        let comment = Comment {
            id: file.next_id,
            step: step.map(str::to_owned),
            text,
            author: self.author.clone(),
            at: disk::now_rfc3339(&comments::file(&dir))?,
            resolved: false,
            version: None,
        };
        file.next_id += 1;
        file.comments.push(comment.clone());
        file.write(&dir)?;
        Ok(comment)
    }

    fn set_resolved(&self, key: u32, id: u64, resolved: bool) -> Result<Comment, StoreError> {
        let _lock = self.lock()?;
        let meta = self.meta(key)?;
        let dir = self.layout.workflow_dir(key);
        let mut file = comments::Comments::read(&dir)?.committed(&meta);
        let comment = file
            .comments
            .iter_mut()
            .find(|c| c.id == id)
            .ok_or(StoreError::Policy(Refusal::CommentNotFound { key, id }))?;
        if let Some(version) = comment.version {
            return Err(StoreError::Refused {
                message: format!(
                    "comment {id} of workflow {key} was published with v{version}: it is read-only"
                ),
            });
        }
        comment.resolved = resolved;
        let comment = comment.clone();
        file.write(&dir)?;
        Ok(comment)
    }

    fn approve(&self, _key: u32, _base: Revision) -> Result<Vec<String>, StoreError> {
        Err(StoreError::Refused {
            message: "approving is a team server's four-eyes rule: the local store has no second pair of eyes".to_owned(),
        })
    }

    fn set_author(&mut self, author: &str) {
        let author = author.trim();
        self.author = if author.is_empty() {
            os_user()
        } else {
            author.to_owned()
        };
    }
}

#[cfg(test)]
mod os_user_tests {
    use super::os_user_from;

    /// Issue 33, item 8: '"Published by" defaults to the OS account name
    /// when `USER` is unset'.
    #[test]
    fn without_user_variables_the_account_name_is_the_author() {
        let account = whoami::fallible::username().expect("this account has a name");
        assert_eq!(os_user_from(|_| None), account);
        assert_eq!(os_user_from(|_| Some("  ".to_owned())), account);
        assert_eq!(
            os_user_from(|name| (name == "LOGNAME").then(|| "ada".to_owned())),
            "ada"
        );
    }
}
