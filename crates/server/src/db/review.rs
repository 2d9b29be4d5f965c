//! Four-eyes publishing and the audit trail (issue 16). An approval names
//! one draft revision, so any later save (a new revision) withdraws it
//! without a write; the audit table only grows (triggers refuse the rest).

use idflow_store::Revision;
use idflow_store::policy::{self, Refusal};
use idflow_store::wire::AuditEntry;
use time::OffsetDateTime;

use super::error::DbError;
use super::handle::{Db, on_pool};
use super::rows::{authors_of, now_rfc3339, origin_of, revision_of, revision_to_i64};

/// The most audit entries one page lists, and what a page lists when the
/// request names no limit (issue 30, item 3).
pub const AUDIT_PAGE: u32 = 1_000;

/// Which audit entries to read (issue 30, item 3): every filter given must
/// hold; pages go from the newest entry back, each listed oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub key: Option<u32>,
    /// The token's name (or `command line`), exactly.
    pub actor: Option<String>,
    /// `create`, `save`, `publish`, `approve`, `comment`, ..., exactly.
    pub action: Option<String>,
    /// Entries at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Entries before this time.
    pub until: Option<OffsetDateTime>,
    /// Entries older than this one (the `next` of the page before).
    pub before: Option<u64>,
    /// At most this many entries (1 to [`AUDIT_PAGE`]).
    pub limit: u32,
}

impl Default for AuditQuery {
    fn default() -> AuditQuery {
        AuditQuery {
            key: None,
            actor: None,
            action: None,
            since: None,
            until: None,
            before: None,
            limit: AUDIT_PAGE,
        }
    }
}

/// One page of the audit trail, oldest first, and where the older entries
/// go on (`next`: the `before` of the next page; none when this page holds
/// the oldest entry that matches).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<u64>,
}

/// `at` as the audit trail records it (RFC 3339, UTC, whole seconds),
/// rounded up to the next whole second: an entry recorded at second S is
/// at or after `time` exactly when S >= this, and before it exactly when
/// S < this, so the comparison can be made on the recorded text. `None`
/// past the year 9999.
fn recorded_ceiling(time: OffsetDateTime) -> Option<String> {
    let utc = time.to_offset(time::UtcOffset::UTC);
    let whole = utc.replace_nanosecond(0).ok()?;
    let ceiling = if whole == utc {
        whole
    } else {
        whole.checked_add(time::Duration::SECOND)?
    };
    if ceiling.year() > 9999 {
        return None;
    }
    ceiling
        .format(&time::format_description::well_known::Rfc3339)
        .ok()
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: String,
    actor: String,
    action: String,
    key: Option<i64>,
    revision: Option<i64>,
    detail: String,
}

/// Who did what, for the audit trail. Every write a user can be held to
/// inserts its entry inside its own transaction ([`insert_audit!`]): the
/// write and its entry commit together or not at all (issue 31).
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    /// The token's name, or `command line`.
    pub actor: &'a str,
    pub action: &'a str,
    pub key: Option<u32>,
    pub revision: Option<Revision>,
    pub detail: String,
}

impl<'a> Audit<'a> {
    pub fn new(actor: &'a str, action: &'a str) -> Audit<'a> {
        Audit {
            actor,
            action,
            key: None,
            revision: None,
            detail: String::new(),
        }
    }

    pub fn key(mut self, key: u32) -> Audit<'a> {
        self.key = Some(key);
        self
    }

    pub fn revision(mut self, revision: Revision) -> Audit<'a> {
        self.revision = Some(revision);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Audit<'a> {
        self.detail = detail.into();
        self
    }
}

/// Inserts `$audit` (an [`Audit`]) in the transaction `$tx` (`&mut *tx`)
/// of either backend.
macro_rules! insert_audit {
    ($tx:expr, $audit:expr) => {{
        let audit: &$crate::db::review::Audit<'_> = $audit;
        sqlx::query(
            "INSERT INTO audit (at, actor, action, key, revision, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($crate::db::rows::now_rfc3339())
        .bind(audit.actor)
        .bind(audit.action)
        .bind(audit.key.map(i64::from))
        .bind(audit.revision.map(|r| i64::try_from(r).unwrap_or(i64::MAX)))
        .bind(audit.detail.as_str())
        .execute($tx)
        .await
    }};
}
pub(crate) use insert_audit;

impl Db {
    /// The newest entries of the audit trail, oldest first.
    pub async fn audit(&self) -> Result<Vec<AuditEntry>, DbError> {
        Ok(self.audit_page(&AuditQuery::default()).await?.entries)
    }

    /// One page of the entries `query` asks for (issue 30, item 3): the
    /// newest that match, older than `query.before`, listed oldest first.
    pub async fn audit_page(&self, query: &AuditQuery) -> Result<AuditPage, DbError> {
        /// A bound value of either backend.
        enum Bound {
            Int(i64),
            Text(String),
        }
        let mut conditions: Vec<String> = Vec::new();
        let mut binds: Vec<Bound> = Vec::new();
        let mut condition = |sql: &str, bound: Bound| {
            binds.push(bound);
            conditions.push(sql.replace('?', &format!("${}", binds.len())));
        };
        if let Some(key) = query.key {
            condition("key = ?", Bound::Int(i64::from(key)));
        }
        if let Some(actor) = &query.actor {
            condition("actor = ?", Bound::Text(actor.clone()));
        }
        if let Some(action) = &query.action {
            condition("action = ?", Bound::Text(action.clone()));
        }
        if let Some(before) = query.before {
            condition(
                "id < ?",
                Bound::Int(i64::try_from(before).unwrap_or(i64::MAX)),
            );
        }
        let mut empty = false;
        if let Some(since) = query.since {
            match recorded_ceiling(since) {
                Some(at) => condition("at >= ?", Bound::Text(at)),
                None => empty = true,
            }
        }
        if let Some(until) = query.until
            && let Some(at) = recorded_ceiling(until)
        {
            condition("at < ?", Bound::Text(at));
        }
        // PostgreSQL cannot hold NUL in text, so no entry names one (and
        // binding it would fail): nothing matches.
        let impossible = [&query.actor, &query.action]
            .into_iter()
            .flatten()
            .any(|text| text.contains('\0'));
        if empty || impossible || query.limit == 0 {
            return Ok(AuditPage {
                entries: Vec::new(),
                next: None,
            });
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        // One more than the page, to know whether older entries match.
        let sql = format!(
            "SELECT id, at, actor, action, key, revision, detail FROM audit {filter}
             ORDER BY id DESC LIMIT ${}",
            binds.len() + 1
        );
        let fetch = i64::from(query.limit.min(AUDIT_PAGE)) + 1;
        let mut rows: Vec<AuditRow> = on_pool!(&self.pool, p => {
            let mut statement = sqlx::query_as::<_, AuditRow>(&sql);
            for bound in &binds {
                statement = match bound {
                    Bound::Int(value) => statement.bind(*value),
                    Bound::Text(value) => statement.bind(value.as_str()),
                };
            }
            statement.bind(fetch).fetch_all(p).await?
        });
        let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) == fetch;
        if more {
            rows.pop();
        }
        rows.reverse();
        let next = if more {
            rows.first().and_then(|r| u64::try_from(r.id).ok())
        } else {
            None
        };
        Ok(AuditPage {
            entries: rows
                .into_iter()
                .map(|r| AuditEntry {
                    id: u64::try_from(r.id).unwrap_or_default(),
                    at: r.at,
                    actor: r.actor,
                    action: r.action,
                    key: r.key.and_then(|k| u32::try_from(k).ok()),
                    revision: r.revision.and_then(|v| u64::try_from(v).ok()),
                    detail: r.detail,
                })
                .collect(),
            next,
        })
    }

    /// `approver` approves revision `base` of custom workflow `key`, which
    /// must be its current revision, and none of whose authors `approver`
    /// may be (issue 30, item 1: everyone who saved content into it since
    /// the last published version). Returns everyone who approved that
    /// revision. Approving twice changes nothing.
    pub async fn approve(
        &self,
        key: u32,
        base: Revision,
        approver: &str,
    ) -> Result<Vec<String>, DbError> {
        // The revision and its authors in one read.
        let row: Option<(String, i64, String)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT origin, revision, draft_authors FROM workflows WHERE key = $1",
        )
        .bind(i64::from(key))
        .fetch_optional(p)
        .await?);
        let (origin, current, authors) = row.ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        let origin = origin_of(key, origin)?;
        let current = revision_of(key, current)?;
        policy::may_write(key, origin, current, Some(base))?;
        let authors = authors_of(key, "the draft's authors", &authors)?;
        if authors.iter().any(|a| a == approver) {
            return Err(DbError::SelfApproval {
                key,
                revision: base,
                authors,
            });
        }
        // Only while the draft is still at `base` (a save may race); an
        // approval and its audit entry commit together.
        let audit = Audit::new(approver, "approve").key(key).revision(base);
        let added = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let added = sqlx::query(
                "INSERT INTO approvals (key, revision, approver, approved_at)
                 SELECT key, revision, $1, $2 FROM workflows WHERE key = $3 AND revision = $4
                 ON CONFLICT DO NOTHING",
            )
            .bind(approver)
            .bind(now_rfc3339())
            .bind(i64::from(key))
            .bind(revision_to_i64(base)?)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added > 0 {
                insert_audit!(&mut *tx, &audit)?;
            }
            tx.commit().await?;
            added
        });
        let approvers = self.approvers(key, base, &authors).await?;
        if added == 0 && !approvers.iter().any(|a| a == approver) {
            // The draft moved on between the check and the insert.
            return Err(self.refusal(key, Some(base)).await);
        }
        Ok(approvers)
    }

    /// Who approved revision `revision` of `key`, none of its `authors`
    /// counted.
    pub async fn approvers(
        &self,
        key: u32,
        revision: Revision,
        authors: &[String],
    ) -> Result<Vec<String>, DbError> {
        let approvers: Vec<String> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT approver FROM approvals WHERE key = $1 AND revision = $2
             ORDER BY approved_at, approver",
        )
        .bind(i64::from(key))
        .bind(revision_to_i64(revision)?)
        .fetch_all(p)
        .await?);
        Ok(approvers
            .into_iter()
            .filter(|approver| !authors.contains(approver))
            .collect())
    }

    /// Whether publishing needs four eyes (issue 30, item 2): the store's
    /// setting, kept in the database, so every server on it enforces it
    /// whatever its flags.
    pub async fn require_approval(&self) -> Result<bool, DbError> {
        let required: Option<bool> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT require_approval FROM store_policy WHERE id = 1",
        )
        .fetch_optional(p)
        .await?);
        Ok(required.unwrap_or(false))
    }

    /// Turns four eyes on or off for the whole store; a change is audited
    /// as `actor`'s (`policy`, in the same transaction). Returns whether
    /// it changed (setting what is already set writes nothing).
    pub async fn set_require_approval(&self, required: bool, actor: &str) -> Result<bool, DbError> {
        let detail = if required {
            "require-approval on"
        } else {
            "require-approval off"
        };
        let changed = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let changed = sqlx::query(
                "UPDATE store_policy SET require_approval = $1 WHERE id = 1 AND require_approval <> $1",
            )
            .bind(required)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed > 0 {
                insert_audit!(&mut *tx, &Audit::new(actor, "policy").detail(detail))?;
            }
            tx.commit().await?;
            changed > 0
        });
        if changed {
            tracing::info!(required, actor, "four eyes on publishing changed");
        }
        Ok(changed)
    }
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    step: Option<String>,
    text: String,
    author: String,
    at: String,
    resolved: bool,
    version: Option<i64>,
}

impl From<CommentRow> for idflow_store::Comment {
    fn from(r: CommentRow) -> Self {
        idflow_store::Comment {
            id: u64::try_from(r.id).unwrap_or_default(),
            step: r.step,
            text: r.text,
            author: r.author,
            at: r.at,
            resolved: r.resolved,
            version: r.version.and_then(|v| u32::try_from(v).ok()),
        }
    }
}

impl Db {
    /// The review comments of `key`, oldest first.
    pub async fn comments(&self, key: u32) -> Result<Vec<idflow_store::Comment>, DbError> {
        self.facts(key)
            .await?
            .ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        let rows: Vec<CommentRow> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, step, text, author, at, resolved, version FROM comments
             WHERE key = $1 ORDER BY id",
        )
        .bind(i64::from(key))
        .fetch_all(p)
        .await?);
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Adds a comment by `author` on `step` (or the workflow) of custom
    /// workflow `key`. Ids count up per workflow; a concurrent add retries
    /// on the primary key.
    pub async fn add_comment(
        &self,
        key: u32,
        step: Option<&str>,
        text: &str,
        author: &str,
    ) -> Result<idflow_store::Comment, DbError> {
        let (origin, _) = self
            .facts(key)
            .await?
            .ok_or(DbError::Policy(Refusal::NotFound { key }))?;
        policy::may_change(key, origin)?;
        let at = now_rfc3339();
        // The comment and its audit entry commit together.
        let id: i64 = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO comments (key, id, step, text, author, at)
                 SELECT $1, COALESCE(MAX(id), 0) + 1, $2, $3, $4, $5 FROM comments WHERE key = $1
                 RETURNING id",
            )
            .bind(i64::from(key))
            .bind(step)
            .bind(text)
            .bind(author)
            .bind(&at)
            .fetch_one(&mut *tx)
            .await?;
            let audit = Audit::new(author, "comment").key(key).detail(format!("comment {id}"));
            insert_audit!(&mut *tx, &audit)?;
            tx.commit().await?;
            id
        });
        Ok(idflow_store::Comment {
            id: u64::try_from(id).unwrap_or_default(),
            step: step.map(str::to_owned),
            text: text.to_owned(),
            author: author.to_owned(),
            at,
            resolved: false,
            version: None,
        })
    }

    /// Resolves or reopens comment `id` of `key`, unless a published
    /// version carries it.
    /// The change and its audit entry (`resolve` or `reopen`, as `actor`'s)
    /// commit together.
    pub async fn set_resolved(
        &self,
        key: u32,
        id: u64,
        resolved: bool,
        actor: &str,
    ) -> Result<idflow_store::Comment, DbError> {
        let id_i64 =
            i64::try_from(id).map_err(|_| DbError::Policy(Refusal::CommentNotFound { key, id }))?;
        let action = if resolved { "resolve" } else { "reopen" };
        let audit = Audit::new(actor, action)
            .key(key)
            .detail(format!("comment {id}"));
        let row: Option<CommentRow> = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let row: Option<CommentRow> = sqlx::query_as(
                "UPDATE comments SET resolved = $1 WHERE key = $2 AND id = $3 AND version IS NULL
                 RETURNING id, step, text, author, at, resolved, version",
            )
            .bind(resolved)
            .bind(i64::from(key))
            .bind(id_i64)
            .fetch_optional(&mut *tx)
            .await?;
            if row.is_some() {
                insert_audit!(&mut *tx, &audit)?;
            }
            tx.commit().await?;
            row
        });
        if let Some(row) = row {
            return Ok(row.into());
        }
        let carried: Option<Option<i64>> = on_pool!(&self.pool, p => sqlx::query_scalar(
            "SELECT version FROM comments WHERE key = $1 AND id = $2",
        )
        .bind(i64::from(key))
        .bind(id_i64)
        .fetch_optional(p)
        .await?);
        match carried {
            Some(Some(version)) => Err(DbError::CommentCarried {
                key,
                id,
                version: u32::try_from(version).unwrap_or_default(),
            }),
            _ => Err(DbError::Policy(Refusal::CommentNotFound { key, id })),
        }
    }
}
