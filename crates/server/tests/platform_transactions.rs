//! One use case, one transaction, on the mock platform (issue 31, "One use
//! case = one transaction, below the route"): each test injects a failure
//! into the last statement a use case writes (a trigger of the real
//! database, SQLite and PostgreSQL) and checks that the statements before
//! it were rolled back with it, then lets it through and checks the whole
//! use case landed. Before issue 31 each of these use cases was two
//! commits, and the first one stayed when the second failed (a crash
//! between them did the same).

mod common;

use std::time::Duration;

use common::{Fixture, TestDb, both_backends, callback_for, callback_receiver, json_of};
use idflow_server::db::Pool;
use idflow_server::platform::service::{AccountTarget, Executions};
use idflow_server::platform::{lifecycle, storage};
use idflow_server::{AppState, Db};
use reqwest::StatusCode;
use serde_json::json;

const INJECTED: &str = "injected failure (test)";

/// Makes every `event` (INSERT, UPDATE) on `table` for which `when` holds
/// fail, until [`allow`]: a trigger named `name`.
async fn refuse(db: &Db, name: &str, event: &str, table: &str, when: &str) {
    match db.pool() {
        Pool::Sqlite(pool) => {
            sqlx::raw_sql(&format!(
                "CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN {when}
                 BEGIN SELECT RAISE(ABORT, '{INJECTED}'); END"
            ))
            .execute(pool)
            .await
            .expect("create the SQLite trigger");
        }
        Pool::Postgres(pool) => {
            sqlx::raw_sql(&format!(
                "CREATE OR REPLACE FUNCTION idflow_test_refuse() RETURNS trigger
                 LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{INJECTED}'; END $$;
                 CREATE TRIGGER {name} BEFORE {event} ON {table} FOR EACH ROW WHEN ({when})
                 EXECUTE FUNCTION idflow_test_refuse()"
            ))
            .execute(pool)
            .await
            .expect("create the PostgreSQL trigger");
        }
    }
}

/// Ends what [`refuse`] made fail.
async fn allow(db: &Db, name: &str, table: &str) {
    match db.pool() {
        Pool::Sqlite(pool) => sqlx::raw_sql(&format!("DROP TRIGGER {name}"))
            .execute(pool)
            .await
            .map(|_| ()),
        Pool::Postgres(pool) => sqlx::raw_sql(&format!("DROP TRIGGER {name} ON {table}"))
            .execute(pool)
            .await
            .map(|_| ()),
    }
    .expect("drop the trigger");
}

both_backends!(
    /// Issue 31, item "expiry (status + queued callback, through the writer)":
    /// an execution whose token expired moves to TOKEN_EXPIRED and queues its
    /// callback in one transaction. The callback's insert fails: the status
    /// stays INITIATED (before issue 31 it was TOKEN_EXPIRED, with no callback
    /// queued, ever). Then it goes through, and the callback is delivered.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expiry_writes_its_status_and_queues_its_callback_together(db: TestDb) {
        let (hook, seen, receiver) = callback_receiver().await;
        let mut state = AppState::open_location(&db.location)
            .await
            .expect("open the database");
        state.platform.outbound =
            idflow_server::platform::outbound::OutboundPolicy::allowing(["127.0.0.1"]).into();
        let body = json!({
            "customerInternalReference": "expiring",
            "workflowDefinition": { "key": 10011 },
            "tokenLifetime": "5m",
            "callbackUrl": hook,
        })
        .to_string();
        let started = Executions::new(&state)
            .start("svc", body.as_bytes(), AccountTarget::New)
            .await
            .expect("start");
        let id = &started.execution.id;
        refuse(
            &state.db,
            "refuse_callbacks",
            "INSERT",
            "platform_callbacks",
            "TRUE",
        )
        .await;
        state.advance(Duration::from_secs(6 * 60));

        let failed = lifecycle::expire(&state, id).await;
        assert!(
            failed.is_err(),
            "the callback could not be queued: {failed:?}"
        );
        let execution = storage::execution_by_id(state.db.pool(), id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            execution.status.as_str(),
            "INITIATED",
            "expired without its callback"
        );

        allow(&state.db, "refuse_callbacks", "platform_callbacks").await;
        assert!(lifecycle::expire(&state, id).await.expect("expire"));
        let execution = storage::execution_by_id(state.db.pool(), id)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(execution.status.as_str(), "TOKEN_EXPIRED");
        let callback = callback_for(&seen, id).await;
        assert_eq!(callback["workflowExecution"]["status"], "TOKEN_EXPIRED");
        receiver.abort();
        state.db.close().await;
    }
);

/// A new 10011 execution (ID, SELFIE, FACEMAP; the selfie and its facemap
/// come through the web client): (account, execution, its token, the
/// selfie's credential id).
async fn web_journey(f: &Fixture) -> (String, String, String, String) {
    let created = f
        .platform()
        .create(json!({
            "customerInternalReference": "web",
            "userReference": "scenario:ALL_PASS",
            "workflowDefinition": { "key": 10011 }
        }))
        .await;
    let selfie = created.credential("SELFIE")["id"]
        .as_str()
        .expect("10011 takes a selfie")
        .to_owned();
    (created.account, created.execution, created.token, selfie)
}

both_backends!(
    /// Issue 31, item "the web client's finalize (through the platform
    /// service)": the scenario a tester picks and the finalize (INITIATED ->
    /// ACQUIRED) are one write. The finalize fails: the scenario is not
    /// changed either (before issue 31 the route wrote the scenario, then
    /// failed to finalize, leaving an open execution under the new scenario).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_web_clients_finalize_writes_its_scenario_with_the_finalize(f: Fixture) {
        let (_, execution, token, _) = web_journey(&f).await;
        let platform = f.platform();
        let finalize = async || {
            platform
                .web_finalize(&token, &json!({ "scenario": "EXPIRED_ID" }))
                .await
        };
        refuse(
            &f.server.state.db,
            "refuse_finalize",
            "UPDATE",
            "platform_executions",
            "NEW.status = 'ACQUIRED'",
        )
        .await;
        let response = finalize().await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let stored = storage::execution_by_id(f.server.state.db.pool(), &execution)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(
            (stored.status.as_str(), stored.scenario.as_str()),
            ("INITIATED", "ALL_PASS"),
            "the scenario was written without the finalize"
        );

        allow(&f.server.state.db, "refuse_finalize", "platform_executions").await;
        let response = finalize().await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(json_of(response).await["status"], "ACQUIRED");
        let stored = storage::execution_by_id(f.server.state.db.pool(), &execution)
            .await
            .expect("read")
            .expect("there");
        assert_eq!(stored.scenario, "EXPIRED_ID");
        assert_ne!(stored.status.as_str(), "INITIATED");
        f.server.stop().await;
    }
);

both_backends!(
    /// The web client's face upload of a selfie step that captures a facemap
    /// records the FACE and the simulated FACEMAP that comes with it (the only
    /// way one arrives, domain.md "Web client") in one write. The FACEMAP's row
    /// fails: the FACE is not recorded either (before issue 31 they were two
    /// writes, and a FACE without its facemap stayed).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_web_face_and_its_facemap_are_recorded_together(f: Fixture) {
        let (_, execution, token, selfie) = web_journey(&f).await;
        let platform = f.platform();
        let upload = async || {
            platform
                .web_upload(
                    &token,
                    &selfie,
                    "FACE",
                    &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4],
                )
                .await
        };
        refuse(
            &f.server.state.db,
            "refuse_facemaps",
            "INSERT",
            "platform_parts",
            "NEW.classifier = 'FACEMAP'",
        )
        .await;
        let response = upload().await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let parts = storage::parts(f.server.state.db.pool(), &execution)
            .await
            .expect("parts");
        assert!(parts.is_empty(), "recorded without its facemap: {parts:?}");

        allow(&f.server.state.db, "refuse_facemaps", "platform_parts").await;
        let response = upload().await;
        assert_eq!(response.status(), StatusCode::OK);
        let parts = storage::parts(f.server.state.db.pool(), &execution)
            .await
            .expect("parts");
        let mut classifiers: Vec<&str> = parts.iter().map(|p| p.classifier.as_str()).collect();
        classifiers.sort_unstable();
        assert_eq!(classifiers, ["FACE", "FACEMAP"]);
        f.server.stop().await;
    }
);
