//! The schema's history: one numbered migration per change, in each
//! dialect (`migrations/sqlite`, `migrations/postgres`), and running it. An
//! applied migration never changes; a database migrated by a newer idflow
//! is refused before anything is written.

use sqlx::migrate::Migrator;

use super::error::DbError;

/// The SQLite schema's history. These files must never change: existing
/// databases record their checksums.
pub(super) static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
/// The same schema for PostgreSQL (its own types and triggers).
pub(super) static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Runs `migrator` on `pool`; a database that recorded a migration this
/// build does not have, newer than its newest, is `NewerDatabase` rather
/// than sqlx's "previously applied but missing".
pub(super) async fn migrate<'a, A>(migrator: &Migrator, pool: A) -> Result<(), DbError>
where
    A: sqlx::Acquire<'a>,
    <A::Connection as std::ops::Deref>::Target: sqlx::migrate::Migrate,
{
    let newest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    migrator.run(pool).await.map_err(|error| match error {
        sqlx::migrate::MigrateError::VersionMissing(migration) if migration > newest => {
            DbError::NewerDatabase { migration, newest }
        }
        other => DbError::Migrate(other),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use sqlx::postgres::PgPool;
    use sqlx::sqlite::SqlitePool;

    use super::*;
    use crate::db::handle::tests::sqlite;
    use crate::db::{Db, Pool, hex, on_pool};

    /// Migration 10 on PostgreSQL: rows written by the statements of the
    /// release before it (credentials in a table of their own, stored out
    /// of order) read back in workflow order from the execution's row, and
    /// the parts follow their execution.
    #[tokio::test]
    async fn postgres_credentials_move_into_their_execution_row() {
        use crate::platform::storage;
        use idflow_core::model::{Channel, CredentialCategory, Part};
        let Some(scratch) = crate::testing::ScratchPostgres::create("credentials_in_row").await
        else {
            return;
        };
        let pg = PgPool::connect(scratch.url()).await.expect("connect");
        let before = Migrator {
            migrations: std::borrow::Cow::Owned(
                POSTGRES_MIGRATOR
                    .iter()
                    .filter(|m| m.version < 10)
                    .cloned()
                    .collect(),
            ),
            ..Migrator::DEFAULT
        };
        before.run(&pg).await.expect("migrations 1-9");
        let statements = [
            "INSERT INTO platform_accounts (id, customer_internal_reference, created_at, updated_at)
             VALUES ('acc', 'cir', '2026-12-05T00:00:00.000Z', '2026-12-05T00:00:00.000Z')",
            "INSERT INTO platform_executions (id, account_id, definition_key, definition_version,
             scenario, user_reference, customer_internal_reference, callback_url, locale,
             request, base_url, token_expires_at, status, created_at, created_by)
             VALUES ('ex', 'acc', 10014, 1, 'ALL_PASS', NULL, 'cir', NULL, 'en-US', '{}',
             'http://127.0.0.1:1', 0, 'INITIATED', '2026-12-05T00:00:00.000Z', 'svc')",
            "INSERT INTO platform_executions (id, account_id, definition_key, definition_version,
             scenario, user_reference, customer_internal_reference, callback_url, locale,
             request, base_url, token_expires_at, status, created_at, created_by)
             VALUES ('bare', 'acc', 10011, 1, 'ALL_PASS', NULL, 'cir', NULL, 'en-US', '{}',
             'http://127.0.0.1:1', 0, 'INITIATED', '2026-12-05T00:00:00.000Z', 'svc')",
            "INSERT INTO platform_credentials (id, execution_id, position, node_id, category,
             label, channels, api_parts, existing) VALUES
             ('c2', 'ex', 2, 'selfie_capture', 'FACEMAP', 'new', 'WEB,SDK', '', FALSE),
             ('c0', 'ex', 0, 'existing_facemap', 'FACEMAP', 'existing', '', '', TRUE),
             ('c1', 'ex', 1, 'selfie_capture', 'SELFIE', NULL, 'WEB,API,SDK', 'FACE', FALSE)",
            "INSERT INTO platform_parts (credential_id, classifier, content_type, size, sha256, uploaded_at)
             VALUES ('c1', 'FACE', 'image/png', 12, 'ab', '2026-12-05T00:00:01.000Z')",
        ];
        for sql in statements {
            sqlx::query(sql).execute(&pg).await.expect(sql);
        }
        POSTGRES_MIGRATOR.run(&pg).await.expect("migration 10");
        let pool = Pool::Postgres(pg);
        let credentials = storage::credentials(&pool, "ex").await.expect("read");
        let ids: Vec<&str> = credentials.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["c0", "c1", "c2"], "in workflow order");
        assert_eq!(credentials[0].category, CredentialCategory::Facemap);
        assert!(credentials[0].existing && credentials[0].channels.is_empty());
        assert_eq!(credentials[0].label.as_deref(), Some("existing"));
        assert_eq!(credentials[1].label, None);
        assert_eq!(
            credentials[1].channels,
            [Channel::Web, Channel::Api, Channel::Sdk]
        );
        assert_eq!(credentials[1].api_parts, [Part::Face]);
        assert!(!credentials[2].existing);
        assert!(
            storage::credentials(&pool, "bare")
                .await
                .expect("read")
                .is_empty()
        );
        let parts = storage::parts(&pool, "ex").await.expect("parts");
        assert_eq!(parts.len(), 1);
        assert_eq!(
            (parts[0].credential_id.as_str(), parts[0].classifier),
            ("c1", Part::Face)
        );
        // Expiry still sees the part: a started journey.
        let expire = storage::Write::Expire {
            id: "ex".into(),
            now: 1,
            queued_at: "2026-12-05T00:00:02.000Z".into(),
        };
        assert_eq!(
            crate::platform::writer::apply_through_pool(&pool, &[&expire])
                .await
                .expect("expire"),
            [true]
        );
        let expired = storage::execution_by_id(&pool, "ex")
            .await
            .expect("read")
            .expect("there");
        assert_eq!(expired.status.as_str(), "SESSION_EXPIRED");
        if let Pool::Postgres(pg) = pool {
            pg.close().await;
        }
    }

    /// Migration 11 backfills a reuse record for every PROCESSED execution
    /// written before it, from its details (issue 29: "executions completed
    /// before the migration are backfilled by it"), the same on both
    /// backends: the executions of the fixture written by the server before
    /// it (`tests/fixtures/server-before-reuse-records.sqlite`), plus one
    /// whose details are not JSON, migrated on SQLite and, copied as the
    /// earlier statements wrote them, on PostgreSQL. A record that cannot
    /// be read is an error naming its execution when the account's history
    /// is read, never "nothing to reuse".
    #[tokio::test]
    async fn migration_11_backfills_reuse_records_alike_on_both_backends() {
        use crate::platform::{PlatformError, history};
        use idflow_core::model::CredentialCategory;
        const DAMAGED: &str = "01a25195-ffff-7fff-8fff-000000000000";
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("server.sqlite");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/server-before-reuse-records.sqlite"),
            &path,
        )
        .expect("copy the fixture");
        // The damaged execution, written into the fixture before migrating.
        {
            let raw = SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("open the fixture");
            let (version,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
                .fetch_one(&raw)
                .await
                .expect("version");
            assert_eq!(version, 10, "the fixture is from before migration 11");
            sqlx::query(
                "INSERT INTO platform_executions (id, account_id, definition_key, definition_version,
                 scenario, user_reference, customer_internal_reference, callback_url, locale,
                 request, base_url, token_expires_at, status, created_at, created_by, credentials,
                 completed_at, details)
                 SELECT $1, account_id, definition_key, definition_version, scenario,
                 user_reference, 'damaged', callback_url, locale, request, base_url,
                 token_expires_at, 'PROCESSED', created_at, created_by, credentials,
                 '2026-12-07T18:00:00.000Z', 'not json'
                 FROM platform_executions WHERE customer_internal_reference = 'open'",
            )
            .bind(DAMAGED)
            .execute(&raw)
            .await
            .expect("the damaged execution");
            raw.close().await;
        }
        let db = Db::open(&path).await.expect("migrate");
        /// An execution as the release before migration 11 stored it.
        #[derive(sqlx::FromRow)]
        struct Written {
            id: String,
            account_id: String,
            scenario: String,
            customer_internal_reference: String,
            locale: String,
            request: String,
            base_url: String,
            token_expires_at: i64,
            status: String,
            created_at: String,
            created_by: String,
            started_at: Option<String>,
            completed_at: Option<String>,
            details: Option<String>,
        }
        let executions: Vec<Written> = sqlx::query_as(
            "SELECT id, account_id, scenario, customer_internal_reference, locale, request,
                 base_url, token_expires_at, status, created_at, created_by, started_at,
                 completed_at, details FROM platform_executions ORDER BY id",
        )
        .fetch_all(sqlite(&db))
        .await
        .expect("executions");
        let sqlite_records: Vec<(String, String)> = sqlx::query_as(
            "SELECT execution_id, record FROM platform_reuse_records ORDER BY execution_id",
        )
        .fetch_all(sqlite(&db))
        .await
        .expect("records");
        assert_eq!(
            sqlite_records.len(),
            6,
            "every PROCESSED execution, the damaged one too"
        );
        // The categories of an `offers` column, in any order.
        let set = |offers: &str| -> Vec<String> {
            let mut categories: Vec<String> = offers
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            categories.sort();
            categories
        };
        let columns = |rows: Vec<(String, String, String, String)>| -> Vec<String> {
            rows.into_iter()
                .map(
                    |(id, decision, offers, record)| match history::decode(&id, &record) {
                        // What the writer would have stored for it.
                        Ok(record) => {
                            let stored = history::stored(&record).expect("encode");
                            assert_eq!(
                                (decision.as_str(), set(&offers)),
                                (
                                    stored.decision,
                                    set(&stored
                                        .offers
                                        .iter()
                                        .map(|c| c.as_str())
                                        .collect::<Vec<_>>()
                                        .join(","))
                                ),
                                "{id}"
                            );
                            format!("{id} {decision} {:?}", set(&offers))
                        }
                        Err(_) => {
                            // Listed as offering everything: a reuse reaches it.
                            assert_eq!(
                                (id.as_str(), decision.as_str(), set(&offers)),
                                (DAMAGED, "", set("DATA,DOCUMENT,FACEMAP,ID,SELFIE"))
                            );
                            format!("{id} damaged")
                        }
                    },
                )
                .collect()
        };
        // Each record with its decision and the categories of its offers.
        const COLUMNS_SQLITE: &str = "SELECT r.execution_id, r.decision,
            COALESCE((SELECT group_concat(o.category) FROM platform_reuse_offers o
                WHERE o.execution_id = r.execution_id), '') AS offers, r.record
            FROM platform_reuse_records r ORDER BY r.execution_id";
        const COLUMNS_POSTGRES: &str = "SELECT r.execution_id, r.decision,
            COALESCE((SELECT string_agg(o.category, ',') FROM platform_reuse_offers o
                WHERE o.execution_id = r.execution_id), '') AS offers, r.record
            FROM platform_reuse_records r ORDER BY r.execution_id";
        let sqlite_columns = columns(
            sqlx::query_as(COLUMNS_SQLITE)
                .fetch_all(sqlite(&db))
                .await
                .expect("columns"),
        );
        assert!(
            sqlite_columns
                .iter()
                .any(|c| c.ends_with(r#"PASSED ["FACEMAP", "ID", "SELFIE"]"#)),
            "{sqlite_columns:?}"
        );
        let damaged_account = executions
            .iter()
            .find(|e| e.id == DAMAGED)
            .map(|e| e.account_id.clone())
            .expect("there");
        let wants = [(CredentialCategory::Id, false)];
        match history::read(db.pool(), &damaged_account, "", &wants).await {
            Err(PlatformError::Corrupt(why)) => assert!(why.contains(DAMAGED), "{why}"),
            other => panic!("expected Corrupt naming {DAMAGED}, got {other:?}"),
        }
        let decoded = |rows: &[(String, String)]| -> Vec<String> {
            rows.iter()
                .map(|(id, text)| match history::decode(id, text) {
                    Ok(record) => format!("{record:?}"),
                    Err(error) => format!("{id}: damaged ({})", error.to_string().contains(id)),
                })
                .collect()
        };
        let expected = decoded(&sqlite_records);
        assert!(
            expected
                .iter()
                .any(|r| r.contains("valid_for_authentication: true"))
        );
        db.close().await;

        let Some(scratch) = crate::testing::ScratchPostgres::create("reuse_records_backfill").await
        else {
            return;
        };
        let pg = PgPool::connect(scratch.url()).await.expect("connect");
        let before = Migrator {
            migrations: std::borrow::Cow::Owned(
                POSTGRES_MIGRATOR
                    .iter()
                    .filter(|m| m.version < 11)
                    .cloned()
                    .collect(),
            ),
            ..Migrator::DEFAULT
        };
        before.run(&pg).await.expect("migrations 1-10");
        for e in &executions {
            sqlx::query(
                "INSERT INTO platform_accounts (id, customer_internal_reference, created_at, updated_at)
                 VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&e.account_id)
            .bind(&e.customer_internal_reference)
            .bind(&e.created_at)
            .execute(&pg)
            .await
            .expect("account");
            sqlx::query(
                "INSERT INTO platform_executions (id, account_id, definition_key, definition_version,
                 scenario, customer_internal_reference, locale, request, base_url, token_expires_at,
                 status, created_at, created_by, started_at, completed_at, details)
                 VALUES ($1, $2, 10011, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            )
            .bind(&e.id)
            .bind(&e.account_id)
            .bind(&e.scenario)
            .bind(&e.customer_internal_reference)
            .bind(&e.locale)
            .bind(&e.request)
            .bind(&e.base_url)
            .bind(e.token_expires_at)
            .bind(&e.status)
            .bind(&e.created_at)
            .bind(&e.created_by)
            .bind(&e.started_at)
            .bind(&e.completed_at)
            .bind(&e.details)
            .execute(&pg)
            .await
            .expect("execution");
        }
        POSTGRES_MIGRATOR.run(&pg).await.expect("migration 11");
        let pg_records: Vec<(String, String)> = sqlx::query_as(
            "SELECT execution_id, record FROM platform_reuse_records ORDER BY execution_id",
        )
        .fetch_all(&pg)
        .await
        .expect("records");
        assert_eq!(
            decoded(&pg_records),
            expected,
            "the same records on PostgreSQL"
        );
        assert_eq!(
            columns(
                sqlx::query_as(COLUMNS_POSTGRES)
                    .fetch_all(&pg)
                    .await
                    .expect("columns")
            ),
            sqlite_columns
        );
        let pool = Pool::Postgres(pg);
        match history::read(&pool, &damaged_account, "", &wants).await {
            Err(PlatformError::Corrupt(why)) => assert!(why.contains(DAMAGED), "{why}"),
            other => panic!("expected Corrupt naming {DAMAGED}, got {other:?}"),
        }
        if let Pool::Postgres(pg) = pool {
            pg.close().await;
        }
    }

    /// Migration 13 reads what earlier releases wrote (issue 30, item 1:
    /// "old versions' single author becomes their authors list; old drafts'
    /// last writer becomes their author"), the same on both backends: the
    /// fixture written by the release before it
    /// (`tests/fixtures/server-before-authors.sqlite`: alice published
    /// 200000 v1 with bob's approval, bob then saved 200000, carol created
    /// 200001), migrated on SQLite and, copied as the earlier statements
    /// wrote it, on PostgreSQL. Afterwards the last writer may not approve
    /// his draft, versions stay immutable, and four eyes is off until a
    /// server or `idflow policy` turns it on (the earlier flag was never
    /// stored).
    #[tokio::test]
    async fn migration_13_reads_the_authors_earlier_releases_wrote_alike_on_both_backends() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("server.sqlite");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/server-before-authors.sqlite"),
            &path,
        )
        .expect("copy the fixture");
        /// A workflow row and a version row as the release before wrote them.
        type WorkflowRow = (i64, String, String, i64, String, String, String, String);
        type VersionRow = (
            i64,
            i64,
            String,
            String,
            i64,
            String,
            String,
            String,
            String,
        );
        let (workflows, versions, approvals) = {
            let raw = SqlitePool::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("open the fixture");
            let (migrated,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
                .fetch_one(&raw)
                .await
                .expect("version");
            assert_eq!(migrated, 12, "the fixture is from before migration 13");
            let workflows: Vec<WorkflowRow> = sqlx::query_as(
                "SELECT key, name, origin, revision, draft, created_at, updated_at, draft_author
                 FROM workflows WHERE key >= 200000 ORDER BY key",
            )
            .fetch_all(&raw)
            .await
            .expect("workflows");
            let versions: Vec<VersionRow> = sqlx::query_as(
                "SELECT key, number, published_at, sha256, revision, content, note, author, approved_by
                 FROM versions WHERE key >= 200000 ORDER BY key, number",
            )
            .fetch_all(&raw)
            .await
            .expect("versions");
            let approvals: Vec<(i64, i64, String, String)> =
                sqlx::query_as("SELECT key, revision, approver, approved_at FROM approvals")
                    .fetch_all(&raw)
                    .await
                    .expect("approvals");
            raw.close().await;
            (workflows, versions, approvals)
        };
        assert_eq!(
            workflows
                .iter()
                .map(|w| (w.0, w.7.as_str()))
                .collect::<Vec<_>>(),
            [(200000, "bob"), (200001, "carol")]
        );
        // What each backend must answer after migrating.
        async fn check(db: &Db, globals: bool) {
            assert_eq!(db.draft(200000).await.expect("draft").authors, ["bob"]);
            assert_eq!(db.draft(200001).await.expect("draft").authors, ["carol"]);
            let history = db.history(200000).await.expect("history");
            assert_eq!(
                (
                    history[0].authors.clone(),
                    history[0].author.as_str(),
                    history[0].approved_by.as_str()
                ),
                (vec!["alice".to_owned()], "alice", "bob")
            );
            if globals {
                let global = db.history(10011).await.expect("history");
                assert_eq!(global[0].authors, ["idflow"]);
                assert!(db.draft(10011).await.expect("draft").authors.is_empty());
            }
            assert!(!db.require_approval().await.expect("policy"));
            match db.approve(200000, 3, "bob").await {
                Err(DbError::SelfApproval { authors, .. }) => assert_eq!(authors, ["bob"]),
                other => panic!("bob approved his own save: {other:?}"),
            }
            assert_eq!(
                db.approve(200000, 3, "alice").await.expect("approve"),
                ["alice"]
            );
            let update = on_pool!(db.pool(), p => sqlx::query(
                "UPDATE versions SET authors = '[]' WHERE key = 200000",
            )
            .execute(p)
            .await
            .map(|_| ()));
            assert!(update.is_err(), "versions stay immutable");
        }
        let db = Db::open(&path).await.expect("migrate");
        check(&db, true).await;
        db.close().await;

        let Some(scratch) = crate::testing::ScratchPostgres::create("authors_migration").await
        else {
            return;
        };
        let pg = PgPool::connect(scratch.url()).await.expect("connect");
        let before = Migrator {
            migrations: std::borrow::Cow::Owned(
                POSTGRES_MIGRATOR
                    .iter()
                    .filter(|m| m.version < 13)
                    .cloned()
                    .collect(),
            ),
            ..Migrator::DEFAULT
        };
        before.run(&pg).await.expect("migrations 1-12");
        for (key, name, origin, revision, draft, created_at, updated_at, draft_author) in &workflows
        {
            sqlx::query(
                "INSERT INTO workflows (key, name, origin, revision, draft, created_at, updated_at, draft_author)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(key)
            .bind(name)
            .bind(origin)
            .bind(revision)
            .bind(draft)
            .bind(created_at)
            .bind(updated_at)
            .bind(draft_author)
            .execute(&pg)
            .await
            .expect("workflow");
        }
        for (key, number, published_at, sha256, revision, content, note, author, approved_by) in
            &versions
        {
            sqlx::query(
                "INSERT INTO versions (key, number, published_at, sha256, revision, content, note, author, approved_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(key)
            .bind(number)
            .bind(published_at)
            .bind(sha256)
            .bind(revision)
            .bind(content)
            .bind(note)
            .bind(author)
            .bind(approved_by)
            .execute(&pg)
            .await
            .expect("version");
        }
        for (key, revision, approver, approved_at) in &approvals {
            sqlx::query(
                "INSERT INTO approvals (key, revision, approver, approved_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(key)
            .bind(revision)
            .bind(approver)
            .bind(approved_at)
            .execute(&pg)
            .await
            .expect("approval");
        }
        POSTGRES_MIGRATOR.run(&pg).await.expect("migration 13");
        let db = Db::with(Pool::Postgres(pg), None);
        check(&db, false).await;
        db.close().await;
    }

    /// Databases made before PostgreSQL support record these checksums in
    /// `_sqlx_migrations`: the SQLite migrations must never change.
    #[test]
    fn the_sqlite_migrations_are_the_ones_existing_databases_recorded() {
        let recorded: Vec<(i64, String)> = SQLITE_MIGRATOR
            .iter()
            .map(|m| (m.version, hex(&m.checksum)))
            .collect();
        assert_eq!(
            recorded,
            [
                (
                    1,
                    "e88c41b4309a05b5746a345a0afd61afa06b9553bbfb060f0c144b23aab4058e7387f28fa9d5627b9dd4988ac0385064".to_owned()
                ),
                (
                    2,
                    "9178cf20f4683aeaa9097c5ba31d15e98e9357352e634b3c39181833901cb7a0e725fadd95c48eda565a07d4e410f7c3".to_owned()
                ),
                (
                    3,
                    "2c78a1fb72eb7d53b3d9b9ba13d4291e92e95f675424754c7123b500bccc8aba870474d19363d813fa2a267a66c34148".to_owned()
                ),
                (
                    4,
                    "ed3545ce7ff1ee3becb5a898cd1ec843632a8036f4c5a76a09b15b251ef4a07a48b78b8308152b7496bf996dd4fe363f".to_owned()
                ),
                (
                    5,
                    "2675987495fa6524fcf78962b372e9bb4b7b875d7ce6bf2edd2530047738df8b5f74bc21da0f6cdea892b7e237f6b122".to_owned()
                ),
                (
                    6,
                    "c6ff33f64419ab9694846e8eed8d0ea0296270892a1318aa1461f73bed7be08a3cb359a780b148704296e2636f8e48b4".to_owned()
                ),
                (
                    7,
                    "f79677ee83bdb17f36b026f4d703d64376ddb496ddee5a68179524f9d295f311ab01b29029efbb384302c714883b7982".to_owned()
                ),
                (
                    8,
                    "5f4c4d2fd51b110ccc71b6392891aec285e7da3a212d717414f92fe95435657aa2f95e72ff0cd502c01b8c520d193651".to_owned()
                ),
                (
                    9,
                    "ec5b1ad8dd9feab033c5a59dee19c606630d8c95752a162305a6c905c12adaa7c99c98c3037bb95c66ed7529bc544e6b".to_owned()
                ),
                (
                    10,
                    "4af86b9207b9ea23c906277995c81f0b8318d31bdea705dbd7ed9220ba1ff5398aba4a3b8692c0f1e3302474a9d9f5e9".to_owned()
                ),
                (
                    11,
                    "77ad0b1005daf8dccaef85a826d3d75b4aa62234610626cfbad42807ab29387029b6661d348d6601f50eddac5aa7bb6f".to_owned()
                ),
                (
                    12,
                    "31c6e90bfe5d4771a2a763a07851e92630584cbc0f11077220a733d87417f99be977db258d9cbac27ffcafce62551110".to_owned()
                ),
                (
                    13,
                    "bc483a8d0eb7c26ce08de3789752b27d69a5bc490782cbe561d9268d0d0d36222a9752bc01d48b0cfde94d9498a1640a".to_owned()
                ),
                (
                    14,
                    "6e0773515314121f66a3422c650e2fc3461c8779873338e97251b7c0797ff8199cf9a493665229a9a1d64d77000ba85a".to_owned()
                ),
            ]
        );
        let postgres: Vec<i64> = POSTGRES_MIGRATOR.iter().map(|m| m.version).collect();
        assert_eq!(
            postgres,
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
            "the same schema history on PostgreSQL"
        );
    }
}
