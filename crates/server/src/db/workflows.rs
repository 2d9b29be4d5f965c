//! The workflows: listing them, a draft and its revisions, published
//! versions (checked against their hash), creating and duplicating,
//! saving and restoring a draft, publishing (its carried comments and audit
//! entry in the same transaction), archiving. Each check-and-write is one
//! statement or one transaction.

use std::time::Instant;

use idflow_core::Workflow;
use idflow_store::policy::{self, Refusal};
use idflow_store::{DuplicatedFrom, Origin, Revision, Status, VersionInfo, WorkflowSummary};

use super::error::DbError;
use super::handle::{Db, LATEST_FRESH_FOR, Pool, on_pool};
use super::hash::sha256_hex;
use super::review::{Audit, insert_audit};
use super::rows::{
    DraftRow, NO_AUTHORS, SummaryRow, VersionRow, authors_of, authors_text, canonical, key_of,
    now_rfc3339, number_of, origin_of, parse_stored, revision_of, revision_to_i64, version_info,
};

/// Inserts a workflow row at revision 1 (seed and create), in the
/// transaction `$tx` (`&mut *tx`) of either backend.
macro_rules! insert_workflow {
    ($tx:expr, $workflow:expr, $text:expr, $origin:expr, $duplicated_from:expr, $authors:expr, $now:expr) => {{
        let workflow: &::idflow_core::Workflow = $workflow;
        let duplicated_from: Option<::idflow_store::DuplicatedFrom> = $duplicated_from;
        let authors: &str = $authors;
        sqlx::query(
            "INSERT INTO workflows (key, name, origin, revision, draft,
                                    duplicated_from_key, duplicated_from_version,
                                    created_at, updated_at, draft_authors)
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $7, $8)",
        )
        .bind(i64::from(workflow.key))
        .bind(&workflow.name)
        .bind($origin.as_str())
        .bind($text)
        .bind(duplicated_from.map(|d| i64::from(d.key)))
        .bind(duplicated_from.and_then(|d| d.version).map(i64::from))
        .bind($now)
        .bind(authors)
        .execute($tx)
        .await?;
    }};
}
pub(super) use insert_workflow;

/// A draft with what the API shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDraft {
    pub workflow: Workflow,
    pub revision: Revision,
    pub origin: Origin,
    pub duplicated_from: Option<DuplicatedFrom>,
    /// Who saved content into this revision since the last published
    /// version (issue 30, item 1).
    pub authors: Vec<String>,
}

/// A published version and its record.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVersion {
    pub workflow: Workflow,
    pub info: VersionInfo,
}

impl Db {
    /// Archives a custom workflow or brings it back (issue 14); the draft's
    /// revision does not change. Global workflows are refused.
    pub async fn set_archived(&self, key: u32, archived: bool, actor: &str) -> Result<(), DbError> {
        let action = if archived { "archive" } else { "unarchive" };
        let audit = Audit::new(actor, action).key(key);
        let changed = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let changed = sqlx::query(
                "UPDATE workflows SET archived = $1 WHERE key = $2 AND origin = 'CUSTOM'",
            )
            .bind(archived)
            .bind(i64::from(key))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                insert_audit!(&mut *tx, &audit)?;
            }
            tx.commit().await?;
            changed
        });
        if changed == 1 {
            return Ok(());
        }
        let origin: Option<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT origin FROM workflows WHERE key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?);
        match origin {
            None => Err(DbError::Policy(Refusal::NotFound { key })),
            Some(_) => Err(DbError::Policy(Refusal::ReadOnly { key })),
        }
    }

    /// Every workflow, ordered by key.
    pub async fn list(&self) -> Result<Vec<WorkflowSummary>, DbError> {
        let rows: Vec<SummaryRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT w.key, w.name, w.origin, w.revision, w.archived,
                    (SELECT MAX(v.number) FROM versions v WHERE v.key = w.key) AS latest,
                    (SELECT v.content = w.draft FROM versions v WHERE v.key = w.key
                     ORDER BY v.number DESC LIMIT 1) AS published
             FROM workflows w ORDER BY w.key",
        )
        .fetch_all(p)
        .await?);
        // A damaged row spoils only its own workflow (issue 13): it is
        // listed DAMAGED; reading it reports what is wrong.
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let key = match key_of(row.key) {
                    Ok(key) => key,
                    Err(error) => {
                        tracing::warn!(%error, "a workflow row with an unusable key");
                        return None;
                    }
                };
                let origin = origin_of(key, row.origin);
                let latest = row.latest.map(|n| number_of(key, n)).transpose();
                let revision = revision_of(key, row.revision);
                let damaged = origin.is_err() || latest.is_err() || revision.is_err();
                if damaged {
                    tracing::warn!(key, "damaged workflow row");
                }
                Some(WorkflowSummary {
                    key,
                    name: row.name,
                    origin: origin.unwrap_or(if key < idflow_core::catalog::FIRST_CUSTOM_KEY {
                        Origin::Global
                    } else {
                        Origin::Custom
                    }),
                    status: if damaged {
                        Status::Damaged
                    } else if row.published == Some(true) {
                        Status::Published
                    } else {
                        Status::Draft
                    },
                    latest_version: latest.unwrap_or(None),
                    revision: revision.unwrap_or(0),
                    archived: row.archived,
                })
            })
            .collect())
    }

    /// The current draft of `key`.
    pub async fn draft(&self, key: u32) -> Result<StoredDraft, DbError> {
        let row: DraftRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT origin, revision, draft, duplicated_from_key, duplicated_from_version,
                    draft_authors
             FROM workflows WHERE key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?)
        .ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        let duplicated_from = match row.duplicated_from_key {
            Some(from) => Some(DuplicatedFrom {
                key: key_of(from)?,
                version: row
                    .duplicated_from_version
                    .map(|n| number_of(key, n))
                    .transpose()?,
            }),
            None => None,
        };
        Ok(StoredDraft {
            workflow: parse_stored(key, "the draft", &row.draft)?,
            revision: revision_of(key, row.revision)?,
            origin: origin_of(key, row.origin)?,
            duplicated_from,
            authors: authors_of(key, "the draft's authors", &row.draft_authors)?,
        })
    }

    /// Published versions of `key`, oldest first.
    pub async fn history(&self, key: u32) -> Result<Vec<VersionInfo>, DbError> {
        self.require(key).await?;
        let rows: Vec<VersionRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT number, published_at, sha256, revision, note, author, approved_by, authors,
                    CAST(NULL AS TEXT) AS content
             FROM versions WHERE key = $1 ORDER BY number",
        )
        .bind(i64::from(key))
        .fetch_all(p)
        .await?);
        rows.into_iter().map(|row| version_info(key, row)).collect()
    }

    /// The number of the latest published version of `key` (`None` before
    /// the first publish), in one query.
    pub async fn latest_version(&self, key: u32) -> Result<Option<u32>, DbError> {
        let (remembered, publishes) = {
            let latest = self.latest.read().unwrap_or_else(|p| p.into_inner());
            (latest.numbers.get(&key).copied(), latest.publishes)
        };
        if let Some((read_at, latest)) = remembered
            && read_at.elapsed() < LATEST_FRESH_FOR
        {
            return Ok(latest);
        }
        let read_at = Instant::now();
        let row: Option<(i64, Option<i64>)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT w.key, (SELECT MAX(v.number) FROM versions v WHERE v.key = w.key)
             FROM workflows w WHERE w.key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?);
        let (_, latest) = row.ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        let latest = latest.map(|number| number_of(key, number)).transpose()?;
        let mut remember = self.latest.write().unwrap_or_else(|p| p.into_inner());
        if remember.publishes == publishes {
            // Keys are workflows: few. The bound only guards against a
            // flood of lookups of keys that exist.
            if remember.numbers.len() >= 65_536 {
                remember.numbers.clear();
            }
            remember.numbers.insert(key, (read_at, latest));
        }
        Ok(latest)
    }

    /// A published version, checked against its recorded hash.
    pub async fn version(&self, key: u32, number: u32) -> Result<StoredVersion, DbError> {
        self.require(key).await?;
        let mut row: VersionRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT number, published_at, sha256, revision, note, author, approved_by, authors,
                    content
             FROM versions WHERE key = $1 AND number = $2",
        )
        .bind(i64::from(key))
        .bind(i64::from(number))
        .fetch_optional(p)
        .await?)
        .ok_or(DbError::Policy(Refusal::VersionNotFound {
            key,
            version: number,
        }))?;
        let content = row.content.take().unwrap_or_default();
        let info = version_info(key, row)?;
        let actual = sha256_hex(content.as_bytes());
        if actual != info.sha256 {
            return Err(DbError::Integrity {
                key,
                version: number,
                expected: info.sha256,
                actual,
            });
        }
        let workflow = parse_stored(key, &format!("version {number}"), &content)?;
        Ok(StoredVersion { workflow, info })
    }

    /// Adds a custom workflow under a fresh key and returns it. The counter
    /// and the new row are written in one transaction whose first statement
    /// writes, so concurrent creates are serialised and a key is never
    /// handed out twice.
    /// `authors`: who wrote its content (issue 30, item 1): the creator,
    /// or for a duplicate its source's authors.
    /// Audited as `actor`'s `create`, or `duplicate` for a copy, in the
    /// same transaction.
    pub async fn create(
        &self,
        workflow: &Workflow,
        duplicated_from: Option<DuplicatedFrom>,
        authors: &[String],
        actor: &str,
    ) -> Result<u32, DbError> {
        let mut workflow = workflow.clone();
        let now = now_rfc3339();
        let authors = authors_text(authors)?;
        let key = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let next: i64 = sqlx::query_scalar(
                "UPDATE key_counter SET next_custom_key = next_custom_key + 1 WHERE id = 1
                 RETURNING next_custom_key - 1",
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                DbError::Sqlx(sqlx::Error::Protocol(
                    "the store is not seeded (no key counter): restart the server".to_owned(),
                ))
            })?;
            let key = u32::try_from(next).map_err(|_| DbError::KeysExhausted)?;
            workflow.key = key;
            let (workflow, text) = canonical(&workflow)?;
            insert_workflow!(&mut *tx, &workflow, &text, Origin::Custom, duplicated_from, &authors, &now);
            let audit = match duplicated_from {
                None => Audit::new(actor, "create"),
                Some(DuplicatedFrom { key: from, version: None }) => {
                    Audit::new(actor, "duplicate").detail(format!("from {from}"))
                }
                Some(DuplicatedFrom { key: from, version: Some(v) }) => {
                    Audit::new(actor, "duplicate").detail(format!("from {from} v{v}"))
                }
            };
            insert_audit!(&mut *tx, &audit.key(key).revision(1))?;
            tx.commit().await?;
            key
        });
        tracing::debug!(key, ?duplicated_from, "workflow created");
        Ok(key)
    }

    /// Replaces the draft of a custom workflow if `base` is still its
    /// revision; returns the new revision. The check and the write are one
    /// `UPDATE ... WHERE revision = base`. `author` becomes one of the new
    /// revision's authors if the save changes its content (issue 30, item
    /// 1: a save that changes nothing adds nobody).
    pub async fn save_draft(
        &self,
        key: u32,
        workflow: &Workflow,
        base: Revision,
        author: &str,
    ) -> Result<Revision, DbError> {
        let mut workflow = workflow.clone();
        workflow.key = key;
        let (workflow, text) = canonical(&workflow)?;
        // A base beyond i64 cannot be a stored revision: refused below.
        let updated = match i64::try_from(base) {
            Ok(base_i64) => {
                let authors = self
                    .authors_after(key, base_i64, Some(&text), author)
                    .await?;
                let audit = Audit::new(author, "save").key(key);
                self.write_draft(key, &workflow.name, &text, base_i64, &authors, audit)
                    .await?
            }
            Err(_) => None,
        };
        match updated {
            Some(revision) => {
                let revision = revision_of(key, revision)?;
                tracing::debug!(key, revision, "draft saved");
                Ok(revision)
            }
            None => Err(self.refusal(key, Some(base)).await),
        }
    }

    /// The authors of the revision a write based on `base` makes (issue
    /// 30, item 1): everyone who saved content since the last published
    /// version, so `base`'s authors unless `base` itself was published
    /// (then nobody yet), plus `author` when the write changes the content
    /// (`new_text` differs from the draft, or `None`: a restore, which
    /// always makes its author one). Read in one statement; the write that
    /// uses it applies only at `base`, whose draft and authors never change,
    /// so what is read here is what the write replaces (a draft no longer
    /// at `base` refuses the write, whatever this answers).
    async fn authors_after(
        &self,
        key: u32,
        base: i64,
        new_text: Option<&str>,
        author: &str,
    ) -> Result<String, DbError> {
        let row: Option<(i64, String, String, bool)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT w.revision, w.draft, w.draft_authors,
                    EXISTS (SELECT 1 FROM versions v WHERE v.key = w.key AND v.revision = w.revision)
             FROM workflows w WHERE w.key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?);
        let Some((revision, draft, stored, published)) = row else {
            return Ok(NO_AUTHORS.to_owned());
        };
        if revision != base {
            // Refused by the conditional write: what it would write is moot.
            return Ok(NO_AUTHORS.to_owned());
        }
        let mut authors = if published {
            Vec::new()
        } else {
            authors_of(key, "the draft's authors", &stored)?
        };
        let changes_content = new_text.is_none_or(|text| text != draft);
        if changes_content && !authors.iter().any(|a| a == author) {
            authors.push(author.to_owned());
        }
        authors_text(&authors)
    }

    /// The conditional draft write of [`Db::save_draft`] and
    /// [`Db::restore`]: the new revision, or `None` when `key` is not a
    /// custom workflow at revision `base`. The write and its `audit` entry
    /// (given the new revision) commit together.
    async fn write_draft(
        &self,
        key: u32,
        name: &str,
        text: &str,
        base: i64,
        authors: &str,
        audit: Audit<'_>,
    ) -> Result<Option<i64>, DbError> {
        let now = now_rfc3339();
        Ok(on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let revision: Option<i64> = sqlx::query_scalar(
                "UPDATE workflows SET draft = $1, name = $2, revision = revision + 1, updated_at = $3,
                                      draft_authors = $6
                 WHERE key = $4 AND revision = $5 AND origin = 'CUSTOM'
                 RETURNING revision",
            )
            .bind(text)
            .bind(name)
            .bind(&now)
            .bind(i64::from(key))
            .bind(base)
            .bind(authors)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(revision) = revision {
                let audit = audit.revision(revision_of(key, revision)?);
                insert_audit!(&mut *tx, &audit)?;
            }
            tx.commit().await?;
            revision
        }))
    }

    /// Lints the draft and, without errors, freezes it into the next
    /// version. `base`, when given, must be the current revision. The
    /// version is inserted only if the draft is still at the revision that
    /// was linted (one `INSERT ... SELECT ... WHERE revision = $N`).
    /// Publishes exactly once per draft revision (issue 13): the revision
    /// named (or the current one) already published as vK answers vK
    /// (`false`: nothing added); a stale one is refused; otherwise it is
    /// published (`true`). Concurrent publishes of one revision add one
    /// version: the insert checks for it in the same statement, and on
    /// PostgreSQL the workflow row is locked first (its writers do not
    /// serialise as SQLite's do).
    /// `note` and `author` (the caller's token name, its publisher) are
    /// recorded with a new version, with the revision's authors and who
    /// approved it; an already published revision keeps its own. When the
    /// store requires four eyes ([`Db::require_approval`]), a revision is
    /// published only once a publisher who is none of its authors approved
    /// it.
    pub async fn publish(
        &self,
        key: u32,
        base: Option<Revision>,
        note: &str,
        author: &str,
    ) -> Result<(VersionInfo, bool), DbError> {
        let row: DraftRow = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT origin, revision, draft, CAST(NULL AS BIGINT) AS duplicated_from_key,
                    CAST(NULL AS BIGINT) AS duplicated_from_version, draft_authors
             FROM workflows WHERE key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?)
        .ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        let origin = origin_of(key, row.origin)?;
        let current = revision_of(key, row.revision)?;
        policy::may_change(key, origin)?;
        let wanted = base.unwrap_or(current);
        if let Some(done) = self.version_of_revision(key, wanted).await? {
            return Ok((done, false));
        }
        policy::check_revision(key, wanted, current)?;
        let text = row.draft;
        let draft = parse_stored(key, "the draft", &text)?;
        policy::may_publish(key, &draft)?;
        // The authors of `current`, as the insert below copies them: it
        // applies only while the draft is at `current`.
        let authors = authors_of(key, "the draft's authors", &row.draft_authors)?;
        let approvers = self.approvers(key, current, &authors).await?;
        if approvers.is_empty() && self.require_approval().await? {
            return Err(DbError::ApprovalRequired {
                key,
                revision: current,
                authors,
            });
        }
        let approved_by = approvers.join(", ");
        let published_at = now_rfc3339();
        let sha256 = sha256_hex(text.as_bytes());
        let revision_i64 = revision_to_i64(current)?;
        const INSERT: &str = "INSERT INTO versions (key, number, published_at, sha256, revision, content, note, author, approved_by, authors)
             SELECT w.key,
                    COALESCE((SELECT MAX(v.number) FROM versions v WHERE v.key = w.key), 0) + 1,
                    $1, $2, w.revision, $3, $6, $7, $8, w.draft_authors
             FROM workflows w
             WHERE w.key = $4 AND w.revision = $5
               AND NOT EXISTS (SELECT 1 FROM versions o WHERE o.key = w.key AND o.revision = w.revision)
             RETURNING number";
        // One use case, one transaction (issue 31): the version, the
        // comments it carries and its audit entry commit together, so a
        // crash can leave neither a version without its comments (a retry
        // answers "already published" and would never carry them) nor one
        // without its audit entry.
        let mut audit = Audit::new(author, "publish").key(key).revision(current);
        let number: Option<i64> = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            if matches!(&self.pool, Pool::Postgres(_)) {
                // PostgreSQL's writers do not serialise as SQLite's do:
                // concurrent publishes of one revision wait here.
                sqlx::query("SELECT key FROM workflows WHERE key = $1 FOR UPDATE")
                    .bind(i64::from(key))
                    .execute(&mut *tx)
                    .await?;
            }
            let number: Option<i64> = sqlx::query_scalar(INSERT)
                .bind(&published_at)
                .bind(&sha256)
                .bind(&text)
                .bind(i64::from(key))
                .bind(revision_i64)
                .bind(note)
                .bind(author)
                .bind(&approved_by)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(number) = number {
                // The draft's comments go, read-only, with the version.
                sqlx::query("UPDATE comments SET version = $1 WHERE key = $2 AND version IS NULL")
                    .bind(number)
                    .bind(i64::from(key))
                    .execute(&mut *tx)
                    .await?;
                audit = audit.detail(format!("v{number}"));
                insert_audit!(&mut *tx, &audit)?;
            }
            tx.commit().await?;
            number
        });
        let Some(number) = number else {
            // Published meanwhile by someone else, or the draft changed.
            if let Some(done) = self.version_of_revision(key, current).await? {
                return Ok((done, false));
            }
            return Err(self.refusal(key, Some(current)).await);
        };
        let info = VersionInfo {
            number: number_of(key, number)?,
            published_at,
            sha256,
            revision: current,
            note: note.to_owned(),
            author: author.to_owned(),
            approved_by,
            authors,
        };
        self.forget_latest(key);
        tracing::debug!(key, version = info.number, revision = current, "published");
        Ok((info, true))
    }

    /// The version that froze draft revision `revision`, if one did (the
    /// first, for databases from before exactly-once publishing).
    async fn version_of_revision(
        &self,
        key: u32,
        revision: Revision,
    ) -> Result<Option<VersionInfo>, DbError> {
        Ok(self
            .history(key)
            .await?
            .into_iter()
            .find(|v| v.revision == revision))
    }

    /// Makes published version `number` the draft of a custom workflow if
    /// `base` is still its revision; returns the new revision. Refusals come
    /// in the local store's order: Global, then stale, then an unknown
    /// version. The version is read (and checked against its hash) first;
    /// the check and the write are then one `UPDATE ... WHERE revision =
    /// base`, as for [`Db::save_draft`], so a racing write makes it a
    /// conflict, never a lost update.
    /// `restorer` becomes one of the new revision's authors (issue 30,
    /// item 1).
    pub async fn restore(
        &self,
        key: u32,
        number: u32,
        base: Revision,
        restorer: &str,
    ) -> Result<Revision, DbError> {
        let (origin, current) = self
            .facts(key)
            .await?
            .ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        policy::may_write(key, origin, current, Some(base))?;
        let mut workflow = self.version(key, number).await?.workflow;
        workflow.key = key;
        let (workflow, text) = canonical(&workflow)?;
        let base_i64 = revision_to_i64(base)?;
        let authors = self.authors_after(key, base_i64, None, restorer).await?;
        let audit = Audit::new(restorer, "restore")
            .key(key)
            .detail(format!("v{number}"));
        let updated = self
            .write_draft(key, &workflow.name, &text, base_i64, &authors, audit)
            .await?;
        match updated {
            Some(revision) => {
                let revision = revision_of(key, revision)?;
                tracing::debug!(key, version = number, revision, "version restored");
                Ok(revision)
            }
            None => Err(self.refusal(key, Some(base)).await),
        }
    }

    /// Copies a version (or the draft) into a new custom workflow, which
    /// carries its source's authors (issue 30, item 1: copying content
    /// makes nobody its author, and leaves nobody out).
    pub async fn duplicate(
        &self,
        key: u32,
        version: Option<u32>,
        actor: &str,
    ) -> Result<u32, DbError> {
        let (mut workflow, authors) = match version {
            // One read: the draft and the authors of its revision.
            None => {
                let draft = self.draft(key).await?;
                (draft.workflow, draft.authors)
            }
            Some(number) => {
                let version = self.version(key, number).await?;
                (version.workflow, version.info.authors)
            }
        };
        workflow.name = policy::copy_name(&workflow.name, version);
        self.create(
            &workflow,
            Some(DuplicatedFrom { key, version }),
            &authors,
            actor,
        )
        .await
    }

    pub(super) async fn require(&self, key: u32) -> Result<(), DbError> {
        let found: Option<i64> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT key FROM workflows WHERE key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?);
        found
            .map(|_| ())
            .ok_or(DbError::Policy(Refusal::NotFound { key }))
    }

    /// The origin and revision of `key`, if it exists.
    pub(super) async fn facts(&self, key: u32) -> Result<Option<(Origin, Revision)>, DbError> {
        let row: Option<(String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT origin, revision FROM workflows WHERE key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?);
        row.map(|(origin, revision)| Ok((origin_of(key, origin)?, revision_of(key, revision)?)))
            .transpose()
    }

    /// Why a conditional write to `key` based on `base` matched no row:
    /// unknown key, Global workflow, or a newer revision. Revisions only
    /// grow, so a refused write's base is never the current one again.
    pub(super) async fn refusal(&self, key: u32, base: Option<Revision>) -> DbError {
        match self.facts(key).await {
            Ok(None) => DbError::Policy(Refusal::NotFound { key }),
            // The write matched no row: the rules say why (a base equal to
            // the current revision was raced by a write that then lost).
            Ok(Some((origin, current))) => match policy::may_write(key, origin, current, base) {
                Err(refusal) => DbError::Policy(refusal),
                Ok(()) => DbError::Policy(Refusal::Conflict {
                    key,
                    expected: base.unwrap_or(current),
                    current,
                }),
            },
            Err(e) => e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::handle::tests::sqlite;
    use crate::db::seed::tests::seeded;

    /// Issue 13: a damaged row (here an origin no build writes) is listed
    /// DAMAGED; the rest of the list is unaffected.
    #[tokio::test]
    async fn a_damaged_row_is_listed_damaged_and_spoils_nothing_else() {
        let (_dir, db) = seeded().await;
        let mut connection = sqlite(&db).acquire().await.expect("connection");
        sqlx::query("PRAGMA ignore_check_constraints = ON")
            .execute(&mut *connection)
            .await
            .expect("pragma");
        sqlx::query("UPDATE workflows SET origin = 'UNKNOWN' WHERE key = 10013")
            .execute(&mut *connection)
            .await
            .expect("damage");
        drop(connection);
        let listed = db.list().await.expect("the list answers");
        assert_eq!(listed.len(), 9);
        for summary in &listed {
            let expected = if summary.key == 10013 {
                Status::Damaged
            } else {
                Status::Published
            };
            assert_eq!(summary.status, expected, "{}", summary.key);
        }
    }

    #[tokio::test]
    async fn published_versions_cannot_be_updated_or_deleted() {
        let (_dir, db) = seeded().await;
        let update = sqlx::query("UPDATE versions SET content = 'x' WHERE key = 10011")
            .execute(sqlite(&db))
            .await;
        assert!(
            update
                .unwrap_err()
                .to_string()
                .contains("published versions are immutable")
        );
        let delete = sqlx::query("DELETE FROM versions WHERE key = 10011")
            .execute(sqlite(&db))
            .await;
        assert!(delete.is_err());
        assert!(db.version(10011, 1).await.is_ok());
    }

    #[tokio::test]
    async fn a_version_changed_behind_the_servers_back_is_reported() {
        let (_dir, db) = seeded().await;
        sqlx::query("DROP TRIGGER versions_are_immutable")
            .execute(sqlite(&db))
            .await
            .expect("drop trigger");
        sqlx::query("UPDATE versions SET content = content || ' ' WHERE key = 10011")
            .execute(sqlite(&db))
            .await
            .expect("tamper");
        match db.version(10011, 1).await {
            Err(DbError::Integrity {
                key: 10011,
                version: 1,
                expected,
                actual,
            }) => assert_ne!(expected, actual),
            other => panic!("expected Integrity, got {other:?}"),
        }
    }
}
