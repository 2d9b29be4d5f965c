//! The standard workflows in the store: added as Global workflows on first
//! start, and on every later start a standard workflow this build changed
//! becomes its Global's next version.

use idflow_core::Workflow;
use idflow_core::catalog::FIRST_CUSTOM_KEY;
use idflow_core::format::{Format, parse_workflow};
use idflow_store::Origin;

use super::error::DbError;
use super::handle::{Db, on_pool};
use super::hash::sha256_hex;
use super::rows::{NO_AUTHORS, canonical, now_rfc3339};
use super::workflows::insert_workflow;

/// The authors of the standard workflows' versions: the release itself.
const STANDARD_AUTHORS: &str = r#"["idflow"]"#;

impl Db {
    /// On first start (no key counter yet), adds the standard workflows as
    /// Global workflows, each published as version 1. Returns how many were
    /// added (0 when already seeded). Safe against servers starting at once
    /// on the same database: the counter row is claimed first, in the same
    /// write transaction (on PostgreSQL a second claim waits for the first
    /// transaction and then finds the row).
    pub async fn seed(&self) -> Result<usize, DbError> {
        let standard = idflow_store::standard_workflows().map_err(DbError::Seed)?;
        let mut canonical_standard = Vec::with_capacity(standard.len());
        for workflow in &standard {
            canonical_standard.push(canonical(workflow)?);
        }
        let now = now_rfc3339();
        let seeded = on_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let claimed = sqlx::query(
                "INSERT INTO key_counter (id, next_custom_key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
            )
            .bind(i64::from(FIRST_CUSTOM_KEY))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                tx.rollback().await?;
                return self.refresh_globals(&canonical_standard, &now).await.map(|_| 0);
            }
            for (workflow, text) in &canonical_standard {
                insert_workflow!(&mut *tx, workflow, text, Origin::Global, None, NO_AUTHORS, &now);
                sqlx::query(
                    "INSERT INTO versions (key, number, published_at, sha256, revision, content, note, author, authors)
                     VALUES ($1, 1, $2, $3, 1, $4, 'the platform''s standard workflow', 'idflow', $5)",
                )
                .bind(i64::from(workflow.key))
                .bind(&now)
                .bind(sha256_hex(text.as_bytes()))
                .bind(text)
                .bind(STANDARD_AUTHORS)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            canonical_standard.len()
        });
        tracing::info!(seeded, "store seeded with the standard workflows");
        Ok(seeded)
    }

    /// On every later start: a standard workflow of this build that changed
    /// since the store was seeded becomes its Global's next version (the
    /// draft follows), as on the local store. Published versions are never
    /// rewritten, and a Global whose rows are damaged is left alone (it
    /// lists as DAMAGED). Returns how many workflows were refreshed. Servers starting at once add one
    /// version between them: the draft moves only from the revision read.
    async fn refresh_globals(
        &self,
        standard: &[(Workflow, String)],
        now: &str,
    ) -> Result<usize, DbError> {
        let mut changed = 0;
        for (workflow, text) in standard {
            let key = i64::from(workflow.key);
            let sha256 = sha256_hex(text.as_bytes());
            let found: Option<(String, i64, Option<String>, Option<String>)> = on_pool!(&self.pool, p => sqlx::query_as(
                    "SELECT w.origin, w.revision, v.sha256, v.content
                     FROM workflows w
                     LEFT JOIN versions v ON v.key = w.key
                        AND v.number = (SELECT MAX(o.number) FROM versions o WHERE o.key = w.key)
                     WHERE w.key = $1",
                )
                .bind(key)
                .fetch_optional(p)
                .await?);
            let done = match found {
                None => false,
                Some((origin, revision, latest_sha256, latest_content)) => {
                    let current = latest_sha256.as_deref() == Some(sha256.as_str())
                        || latest_content.is_some_and(|content| {
                            parse_workflow(&content, Format::Ron).ok().as_ref() == Some(workflow)
                        });
                    if origin != Origin::Global.as_str() || current {
                        false
                    } else {
                        // A Global's revision moves only here: far from i64's end.
                        let next = revision.saturating_add(1);
                        on_pool!(&self.pool, p => {
                            let mut tx = p.begin().await?;
                            let moved = sqlx::query(
                                "UPDATE workflows SET draft = $1, name = $2, revision = $3, updated_at = $4
                                 WHERE key = $5 AND revision = $6 AND origin = 'GLOBAL'",
                            )
                            .bind(text)
                            .bind(&workflow.name)
                            .bind(next)
                            .bind(now)
                            .bind(key)
                            .bind(revision)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                            if moved == 1 {
                                sqlx::query(
                                    "INSERT INTO versions (key, number, published_at, sha256, revision, content, note, author, authors)
                                     SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4, $5,
                                            'the platform''s standard workflow, as this idflow release ships it', 'idflow', $6
                                     FROM versions WHERE key = $1",
                                )
                                .bind(key)
                                .bind(now)
                                .bind(&sha256)
                                .bind(next)
                                .bind(text)
                                .bind(STANDARD_AUTHORS)
                                .execute(&mut *tx)
                                .await?;
                            }
                            tx.commit().await?;
                            moved == 1
                        })
                    }
                }
            };
            if done {
                tracing::info!(
                    key,
                    "Global workflow refreshed with this build's standard workflow"
                );
                changed += 1;
            }
        }
        Ok(changed)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A database in a temporary directory, seeded with the 9 standard
    /// workflows (seeding again adds nothing).
    pub(in crate::db) async fn seeded() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = Db::open(&dir.path().join("store.sqlite"))
            .await
            .expect("open");
        assert_eq!(db.seed().await.expect("seed"), 9);
        assert_eq!(db.seed().await.expect("seed again"), 0, "seeds once");
        (dir, db)
    }

    /// Issue 13, "Upgrades lose nothing": a newer build's standard workflow
    /// is added as the Global's next version; version 1 stays as it was.
    #[tokio::test]
    async fn a_changed_standard_workflow_becomes_the_next_global_version() {
        let (_dir, db) = seeded().await;
        let v1 = db.version(10011, 1).await.expect("v1");
        let mut standard = idflow_store::standard_workflows()
            .expect("standard")
            .iter()
            .map(canonical)
            .collect::<Result<Vec<_>, _>>()
            .expect("canonical");
        let mut changed = standard[0].0.clone();
        assert_eq!(changed.key, 10011);
        changed
            .description
            .insert_str(0, "Refreshed by a newer build. ");
        standard[0] = canonical(&changed).expect("canonical");

        let now = "2026-12-05T00:00:00Z";
        assert_eq!(
            db.refresh_globals(&standard, now).await.expect("refresh"),
            1
        );
        let history = db.history(10011).await.expect("history");
        assert_eq!(history.iter().map(|v| v.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(history[1].revision, 2);
        let v1_after = db.version(10011, 1).await.expect("v1 after");
        assert_eq!((v1_after.workflow, v1_after.info), (v1.workflow, v1.info));
        let v2 = db.version(10011, 2).await.expect("v2").workflow;
        assert_eq!(v2, changed);
        let draft = db.draft(10011).await.expect("draft");
        assert_eq!((draft.workflow, draft.revision), (changed, 2));
        assert_eq!(db.history(10014).await.expect("history").len(), 1);
        assert_eq!(
            db.refresh_globals(&standard, now).await.expect("again"),
            0,
            "a second refresh adds nothing"
        );
    }
}
