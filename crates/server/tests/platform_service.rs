//! The execution service tested directly, without HTTP: the lifecycle
//! (start, upload, finalize, status, details), its typed refusals, access
//! by token, and group commit (many concurrent starts, each durable and
//! distinct). Over a real SQLite file.

use std::collections::HashSet;
use std::time::Duration;

use axum::body::Bytes;
use idflow_server::platform::service::{
    Access, AccountTarget, Details, Doing, Executions, Received, Refusal, Takes,
};
use idflow_server::platform::storage;
use idflow_server::{AppState, Role, create_token};
use tempfile::TempDir;

const REQUEST_10011: &[u8] = br#"{"customerInternalReference":"svc","userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}"#;

async fn state() -> (TempDir, AppState) {
    let dir = TempDir::new().expect("tmp");
    let state = AppState::open(&dir.path().join("server.sqlite"))
        .await
        .expect("open");
    (dir, state)
}

fn jpeg() -> Received {
    Received::File {
        content_type: "image/jpeg",
        size: 1234,
        sha256: "ab".repeat(32),
    }
}

async fn processed(service: Executions<'_>, account: &str, execution: &str) -> Bytes {
    for _ in 0..500 {
        if let Details::Processed(document) =
            service.details(account, execution).await.expect("details")
        {
            return document;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("execution {execution} was never processed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_through_the_service_and_its_refusals() {
    let (_dir, state) = state().await;
    let service = Executions::new(&state);

    let started = service
        .start("svc", REQUEST_10011, AccountTarget::New)
        .await
        .expect("start");
    let account = started.execution.account_id.clone();
    let execution = started.execution.id.clone();
    assert_eq!(started.execution.definition_key, 10011);
    assert_eq!(started.execution.definition_version, 1);
    assert_eq!(started.execution.status.as_str(), "INITIATED");
    let stored = storage::execution(state.db.pool(), &account, &execution)
        .await
        .expect("read")
        .expect("durable once answered");
    assert_eq!(stored.customer_internal_reference, "svc");
    let id_credential = started
        .credentials
        .iter()
        .find(|c| c.category.as_str() == "ID")
        .expect("10011 collects an ID")
        .clone();

    // Refusals before any write.
    match service
        .upload_target(&account, &execution, &id_credential.id, "SELFIE")
        .await
    {
        Err(Refusal::NotAPart { classifier }) => assert_eq!(classifier, "SELFIE"),
        other => panic!("expected NotAPart, got {other:?}"),
    }
    match service
        .upload_target(&account, &execution, &id_credential.id, "FACE")
        .await
    {
        Err(Refusal::PartNotAllowed { part, why, .. }) => {
            assert_eq!(part.as_str(), "FACE");
            assert!(why.contains("is not a part of credential"), "{why}");
        }
        other => panic!("expected PartNotAllowed, got {other:?}"),
    }
    match service
        .upload_target(&account, &execution, "nope", "FRONT")
        .await
    {
        Err(Refusal::NoCredential { credential_id, .. }) => assert_eq!(credential_id, "nope"),
        other => panic!("expected NoCredential, got {other:?}"),
    }
    match service.status("no-such-account", &execution).await {
        Err(Refusal::NoAccount { account_id }) => assert_eq!(account_id, "no-such-account"),
        other => panic!("expected NoAccount, got {other:?}"),
    }
    match service.status(&account, "no-such-execution").await {
        Err(Refusal::NoExecution { .. }) => {}
        other => panic!("expected NoExecution, got {other:?}"),
    }
    let target = service
        .upload_target(&account, &execution, &id_credential.id, "FRONT")
        .await
        .expect("FRONT of the ID");
    let record = service.upload(&target, jpeg()).await.expect("upload");
    assert_eq!(record.classifier.as_str(), "FRONT");
    let parts = storage::parts(state.db.pool(), &execution)
        .await
        .expect("parts");
    assert_eq!(parts, vec![record]);
    match service
        .upload(
            &target,
            Received::PreparedData(Bytes::from_static(b"not json")),
        )
        .await
    {
        Err(Refusal::InvalidPreparedData(_)) => {}
        other => panic!("expected InvalidPreparedData, got {other:?}"),
    }

    let finalized = service
        .finalize(&account, &execution, None)
        .await
        .expect("finalize");
    assert_eq!(finalized.status.as_str(), "ACQUIRED");
    match service.finalize(&account, &execution, None).await {
        Err(
            refusal @ Refusal::NotOpen {
                doing: Doing::Finalize,
                ..
            },
        ) => {
            assert!(
                refusal.to_string().contains("was already finalized"),
                "{refusal}"
            );
        }
        other => panic!("expected NotOpen, got {other:?}"),
    }
    match service.upload(&target, jpeg()).await {
        Err(Refusal::NotOpen {
            doing: Doing::Upload,
            ..
        }) => {}
        other => panic!("an upload after finalize: expected NotOpen, got {other:?}"),
    }

    let document = processed(service, &account, &execution).await;
    let value: serde_json::Value = serde_json::from_slice(&document).expect("JSON");
    assert_eq!(value["workflow"]["id"], execution.as_str());
    // Only the ID's front arrived: what needs the back and the selfie is
    // not executed, so the workflow is not passed (domain.md).
    assert_eq!(value["decision"]["type"], "NOT_EXECUTED");
    assert_eq!(
        service
            .details(&account, &execution)
            .await
            .ok()
            .map(|d| match d {
                Details::Processed(again) => again == document,
                Details::Pending(_) => false,
            }),
        Some(true),
        "the kept document is the same bytes"
    );
    match service.details("another-account", &execution).await {
        Err(Refusal::NoAccount { .. }) => {}
        other => panic!("the kept details answer only their own account: {other:?}"),
    }

    // Start refusals.
    match service
        .start(
            "svc",
            br#"{"workflowDefinition":{"key":99999},"customerInternalReference":"x"}"#,
            AccountTarget::New,
        )
        .await
    {
        Err(Refusal::Store(idflow_server::DbError::Policy(
            idflow_store::policy::Refusal::NotFound { key },
        ))) => {
            assert_eq!(key, 99999)
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let custom = idflow_core::Workflow::new(0, "Never published");
    let key = state
        .db
        .create(&custom, None, &["svc".to_owned()], "svc")
        .await
        .expect("create");
    let body =
        format!(r#"{{"workflowDefinition":{{"key":{key}}},"customerInternalReference":"x"}}"#);
    match service
        .start("svc", body.as_bytes(), AccountTarget::New)
        .await
    {
        Err(Refusal::NotPublished { key: refused }) => assert_eq!(refused, key),
        other => panic!("expected NotPublished, got {other:?}"),
    }
    match service.start("svc", b"[]", AccountTarget::New).await {
        Err(Refusal::Request(_)) => {}
        other => panic!("expected Request, got {other:?}"),
    }
    match service
        .start(
            "svc",
            REQUEST_10011,
            AccountTarget::Existing("no-such-account".into()),
        )
        .await
    {
        Err(Refusal::NoAccount { .. }) => {}
        other => panic!("expected NoAccount, got {other:?}"),
    }
    let again = service
        .start(
            "svc",
            REQUEST_10011,
            AccountTarget::Existing(account.clone()),
        )
        .await
        .expect("a second execution on the account");
    assert_eq!(again.execution.account_id, account);
    assert_ne!(again.execution.id, execution);
    state.db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_by_store_token_or_the_executions_own_token() {
    let (_dir, state) = state().await;
    let service = Executions::new(&state);
    let store_token = create_token(&state.db, "svc-reader", Role::Designer)
        .await
        .expect("token");
    let first = service
        .start("svc", REQUEST_10011, AccountTarget::New)
        .await
        .expect("start");
    let second = service
        .start("svc", REQUEST_10011, AccountTarget::New)
        .await
        .expect("start");
    let (account, execution) = (&first.execution.account_id, &first.execution.id);

    assert_eq!(
        service
            .access(&store_token, account, execution, Takes::StoreTokenOnly)
            .await
            .expect("store token"),
        Access::Store("svc-reader".into())
    );
    assert_eq!(
        service
            .access(&first.token, account, execution, Takes::EitherToken)
            .await
            .expect("own token"),
        Access::Execution
    );
    match service
        .access(&first.token, account, execution, Takes::StoreTokenOnly)
        .await
    {
        Err(Refusal::Forbidden(why)) => assert!(why.contains("needs a store-API token"), "{why}"),
        other => panic!("expected Forbidden, got {other:?}"),
    }
    match service
        .access(&second.token, account, execution, Takes::EitherToken)
        .await
    {
        Err(Refusal::Forbidden(why)) => {
            assert!(why.contains("another workflow execution"), "{why}")
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    match service
        .access("idf_0000", account, execution, Takes::EitherToken)
        .await
    {
        Err(Refusal::UnknownToken(_)) => {}
        other => panic!("expected UnknownToken, got {other:?}"),
    }

    // The token's lifetime passes: the execution expires as it is refused.
    state.advance(Duration::from_secs(24 * 3600));
    match service
        .access(&first.token, account, execution, Takes::EitherToken)
        .await
    {
        Err(Refusal::TokenExpired { execution_id, .. }) => assert_eq!(&execution_id, execution),
        other => panic!("expected TokenExpired, got {other:?}"),
    }
    let expired = service.status(account, execution).await.expect("status");
    assert_eq!(expired.status.as_str(), "TOKEN_EXPIRED");
    state.db.close().await;
}

/// The web client's finalize through the service (issue 31, "the web
/// client's finalize (through the platform service)"): the scenario a
/// tester picks is written with the finalize, an unknown one is refused
/// with nothing written (domain.md, "Web client": the tester picks a
/// built-in scenario).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finalize_picking_a_scenario_writes_both_or_nothing() {
    let (_dir, state) = state().await;
    let service = Executions::new(&state);
    let started = service
        .start("svc", REQUEST_10011, AccountTarget::New)
        .await
        .expect("start");
    let (account, execution) = (&started.execution.account_id, &started.execution.id);

    match service
        .finalize(account, execution, Some("NO_SUCH_SCENARIO"))
        .await
    {
        Err(refusal @ Refusal::UnknownScenario(_)) => {
            assert!(
                refusal.to_string().contains("NO_SUCH_SCENARIO"),
                "{refusal}"
            )
        }
        other => panic!("expected UnknownScenario, got {other:?}"),
    }
    let stored = storage::execution(state.db.pool(), account, execution)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(
        (stored.status.as_str(), stored.scenario.as_str()),
        ("INITIATED", "ALL_PASS")
    );

    // Any case, as the web client's list names them.
    let finalized = service
        .finalize(account, execution, Some("expired_id"))
        .await
        .expect("finalize");
    assert_eq!(
        (finalized.status.as_str(), finalized.scenario.as_str()),
        ("ACQUIRED", "EXPIRED_ID")
    );
    let stored = storage::execution(state.db.pool(), account, execution)
        .await
        .expect("read")
        .expect("there");
    assert_eq!(stored.scenario, "EXPIRED_ID");
    assert_ne!(stored.status.as_str(), "INITIATED");
    state.db.close().await;
}

/// Group commit: 200 concurrent starts are each answered once durable,
/// with distinct ids, and all of them are in the database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_starts_are_grouped_and_every_one_is_durable() {
    let (_dir, state) = state().await;
    assert!(
        state.platform.writer.has_own_connection(),
        "on SQLite the writer has its own connection and thread"
    );
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let state = state.clone();
            tokio::spawn(async move {
                Executions::new(&state)
                    .start("svc", REQUEST_10011, AccountTarget::New)
                    .await
                    .expect("start")
            })
        })
        .collect();
    let mut executions = HashSet::new();
    for task in tasks {
        let started = task.await.expect("task");
        let stored = storage::execution_by_id(state.db.pool(), &started.execution.id)
            .await
            .expect("read");
        assert!(stored.is_some(), "answered but not stored");
        let credentials = storage::credentials(state.db.pool(), &started.execution.id)
            .await
            .expect("credentials");
        assert_eq!(
            credentials, started.credentials,
            "credentials in workflow order"
        );
        assert!(executions.insert(started.execution.id));
    }
    assert_eq!(executions.len(), 200);
    state.db.close().await;
}

/// A write that fails does not take the writes grouped with it down: the
/// writer retries them one by one and only the bad one gets the error.
/// (A second account under an id that exists breaks its primary key.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_write_fails_alone_in_its_group() {
    let (_dir, state) = state().await;
    let started = Executions::new(&state)
        .start("svc", REQUEST_10011, AccountTarget::New)
        .await
        .expect("start");
    let mut again = started.execution.clone();
    again.id = "another-execution".into();
    let bad = storage::Write::Execution {
        account: storage::AccountWrite::Create,
        new: std::sync::Arc::new(
            storage::NewExecution::new(again, "{}".into(), "svc".into(), Vec::new())
                .expect("encode"),
        ),
    };
    let writer = state.platform.writer.clone();
    let mut tasks = Vec::new();
    for i in 0..64 {
        let (state, writer, bad) = (state.clone(), writer.clone(), bad.clone());
        tasks.push(tokio::spawn(async move {
            if i == 32 {
                writer.write(bad).await.map(|_| String::new())
            } else {
                Executions::new(&state)
                    .start("svc", REQUEST_10011, AccountTarget::New)
                    .await
                    .map(|s| s.execution.id)
                    .map_err(|e| idflow_server::PlatformError::Corrupt(e.to_string()))
            }
        }));
    }
    let mut failed = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(id) if id.is_empty() => panic!("a second account under one id was stored"),
            Ok(id) => assert!(
                storage::execution_by_id(state.db.pool(), &id)
                    .await
                    .expect("read")
                    .is_some(),
                "a good write grouped with the bad one was lost"
            ),
            Err(_) => failed += 1,
        }
    }
    assert_eq!(failed, 1, "only the bad write fails");
    state.db.close().await;
}
