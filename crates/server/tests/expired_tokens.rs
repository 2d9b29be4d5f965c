//! An expired execution token reads nothing (issue 30, item 10): the web
//! client's three calls (`GET /web/v4/journey`, a part upload, `POST
//! /web/v4/finalize`) refuse it whatever the journey's state, over real
//! HTTP on a real server (SQLite file; a scratch PostgreSQL database for
//! the `postgres_` test). The web client's error codes are domain.md's
//! ("Web client": 9200 token missing, invalid or expired; 9210 session
//! expired after the journey started).

mod common;

use std::time::{Duration, Instant};

use common::{Fixture, both_backends, json_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Past the shortest token lifetime the test asks for (5 minutes).
const PAST_EXPIRY: Duration = Duration::from_secs(6 * 60);

const ERROR_URL: &str = "https://example.com/idv/failed";

/// A new execution of 10011 with a 5-minute token and an error URL:
/// (account, execution, token).
async fn start(f: &Fixture) -> (String, String, String) {
    let response = f
        .http
        .post(format!("{}/api/v1/accounts", f.server.root))
        .bearer_auth(&f.publisher)
        .json(&json!({
            "customerInternalReference": "expired-token",
            "workflowDefinition": { "key": 10011 },
            "tokenLifetime": "5m",
            "web": { "errorUrl": ERROR_URL }
        }))
        .send()
        .await
        .expect("create account");
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    let text = |pointer: &str| {
        body.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no {pointer} in {body}"))
            .to_owned()
    };
    (
        text("/account/id"),
        text("/workflowExecution/id"),
        text("/sdk/token"),
    )
}

fn jpeg() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.resize(700, 0x5A);
    bytes
}

async fn journey(f: &Fixture, token: &str) -> reqwest::Response {
    f.http
        .get(format!("{}/web/v4/journey", f.server.root))
        .bearer_auth(token)
        .send()
        .await
        .expect("journey")
}

async fn upload(f: &Fixture, token: &str, credential: &str) -> reqwest::Response {
    let boundary = "idflow-expired-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"front.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&jpeg());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    f.http
        .post(format!(
            "{}/web/v4/credentials/{credential}/parts/FRONT",
            f.server.root
        ))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload")
}

async fn finalize(f: &Fixture, token: &str) -> reqwest::Response {
    f.http
        .post(format!("{}/web/v4/finalize", f.server.root))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await
        .expect("finalize")
}

/// The ID credential the web client captures (from the journey, read while
/// the token is valid).
async fn id_credential(f: &Fixture, token: &str) -> String {
    let response = journey(f, token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    body["captures"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["category"] == "ID")
        .and_then(|c| c["credentialId"].as_str())
        .unwrap_or_else(|| panic!("no ID capture in {body}"))
        .to_owned()
}

async fn wait_processed(f: &Fixture, account: &str, execution: &str) {
    let url = format!(
        "{}/api/v1/accounts/{account}/workflow-executions/{execution}/status",
        f.server.root
    );
    let begun = Instant::now();
    loop {
        let status = json_of(
            f.http
                .get(&url)
                .bearer_auth(&f.publisher)
                .send()
                .await
                .expect("status"),
        )
        .await;
        if status["workflowExecution"]["status"] == "PROCESSED" {
            return;
        }
        assert!(
            begun.elapsed() < Duration::from_secs(20),
            "not processed: {status}"
        );
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

/// What an answer to an expired token must be: the web client's error
/// (`errorCode`), the error redirect carrying that code, and nothing of the
/// journey (no captures, no decision, no success link).
async fn assert_refused(
    what: &str,
    response: reqwest::Response,
    status: StatusCode,
    error_code: u64,
) {
    assert_eq!(response.status(), status, "{what}");
    let body = json_of(response).await;
    assert_eq!(body["errorCode"], error_code, "{what}: {body}");
    for leaked in ["captures", "decision", "success", "scenario", "status"] {
        assert!(body.get(leaked).is_none(), "{what} leaked {leaked}: {body}");
    }
    let redirect = body["redirect"]["url"].as_str().unwrap_or_default();
    assert!(
        redirect.starts_with(ERROR_URL) && redirect.contains(&format!("errorCode={error_code}")),
        "{what}: {body}"
    );
}

both_backends!(
    /// Issue 30, item 10: whatever state the journey is in when its token
    /// expires (nothing uploaded yet, started, processed), the journey, an
    /// upload and a finalize with that token are refused and read nothing.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_expired_token_reads_nothing_in_any_state(f: Fixture) {
        // Never started: the execution becomes TOKEN_EXPIRED (9200).
        let (_, _, untouched) = start(&f).await;
        // Started (a part arrived): it becomes SESSION_EXPIRED (9210).
        let (_, _, started) = start(&f).await;
        let credential = id_credential(&f, &started).await;
        assert_eq!(
            upload(&f, &started, &credential).await.status(),
            StatusCode::OK
        );
        // Finished: PROCESSED, with a decision the journey would show.
        let (account, execution, processed) = start(&f).await;
        let processed_credential = id_credential(&f, &processed).await;
        assert_eq!(finalize(&f, &processed).await.status(), StatusCode::OK);
        wait_processed(&f, &account, &execution).await;
        let before = json_of(journey(&f, &processed).await).await;
        assert!(
            before.get("decision").is_some(),
            "a valid token reads the decision: {before}"
        );

        f.server.state.clock().advance(PAST_EXPIRY);

        let cases = [
            ("never started", &untouched, StatusCode::UNAUTHORIZED, 9200),
            ("started", &started, StatusCode::CONFLICT, 9210),
            ("processed", &processed, StatusCode::UNAUTHORIZED, 9200),
        ];
        for (state, token, status, code) in cases {
            assert_refused(
                &format!("journey, {state}"),
                journey(&f, token).await,
                status,
                code,
            )
            .await;
            assert_refused(
                &format!("finalize, {state}"),
                finalize(&f, token).await,
                status,
                code,
            )
            .await;
        }
        assert_refused(
            "upload, started",
            upload(&f, &started, &credential).await,
            StatusCode::CONFLICT,
            9210,
        )
        .await;
        assert_refused(
            "upload, processed",
            upload(&f, &processed, &processed_credential).await,
            StatusCode::UNAUTHORIZED,
            9200,
        )
        .await;
        f.server.stop().await;
    }
);
