//! An expired execution token reads nothing (issue 30, item 10): the web
//! client's three calls (`GET /web/v4/journey`, a part upload, `POST
//! /web/v4/finalize`) refuse it whatever the journey's state, over real
//! HTTP on a real server (SQLite file; a scratch PostgreSQL database for
//! the `postgres_` test). The web client's error codes are domain.md's
//! ("Web client": 9200 token missing, invalid or expired; 9210 session
//! expired after the journey started).

mod common;

use std::time::Duration;

use common::{Created, Fixture, both_backends, jpeg, json_of};
use reqwest::StatusCode;
use serde_json::json;

/// Past the shortest token lifetime the test asks for (5 minutes).
const PAST_EXPIRY: Duration = Duration::from_secs(6 * 60);

const ERROR_URL: &str = "https://example.com/idv/failed";

/// A new execution of 10011 with a 5-minute token and an error URL.
async fn start(f: &Fixture) -> Created {
    f.platform()
        .create(json!({
            "customerInternalReference": "expired-token",
            "workflowDefinition": { "key": 10011 },
            "tokenLifetime": "5m",
            "web": { "errorUrl": ERROR_URL }
        }))
        .await
}

/// The ID credential the web client captures (from the journey, read while
/// the token is valid).
async fn id_credential(f: &Fixture, token: &str) -> String {
    let response = f.platform().web_journey(token).await;
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
        let platform = f.platform();
        let upload = async |token: &str, credential: &str| {
            platform
                .web_upload(token, credential, "FRONT", &jpeg(700))
                .await
        };
        let finalize = async |token: &str| platform.web_finalize(token, &json!({})).await;
        // Never started: the execution becomes TOKEN_EXPIRED (9200).
        let untouched = start(&f).await;
        // Started (a part arrived): it becomes SESSION_EXPIRED (9210).
        let started = start(&f).await;
        let credential = id_credential(&f, &started.token).await;
        assert_eq!(
            upload(&started.token, &credential).await.status(),
            StatusCode::OK
        );
        // Finished: PROCESSED, with a decision the journey would show.
        let processed = start(&f).await;
        let processed_credential = id_credential(&f, &processed.token).await;
        assert_eq!(finalize(&processed.token).await.status(), StatusCode::OK);
        platform.wait_for(&processed, "PROCESSED").await;
        let before = json_of(platform.web_journey(&processed.token).await).await;
        assert!(
            before.get("decision").is_some(),
            "a valid token reads the decision: {before}"
        );

        f.server.state.clock().advance(PAST_EXPIRY);

        let cases = [
            (
                "never started",
                &untouched.token,
                StatusCode::UNAUTHORIZED,
                9200,
            ),
            ("started", &started.token, StatusCode::CONFLICT, 9210),
            (
                "processed",
                &processed.token,
                StatusCode::UNAUTHORIZED,
                9200,
            ),
        ];
        for (state, token, status, code) in cases {
            assert_refused(
                &format!("journey, {state}"),
                platform.web_journey(token).await,
                status,
                code,
            )
            .await;
            assert_refused(
                &format!("finalize, {state}"),
                finalize(token).await,
                status,
                code,
            )
            .await;
        }
        assert_refused(
            "upload, started",
            upload(&started.token, &credential).await,
            StatusCode::CONFLICT,
            9210,
        )
        .await;
        assert_refused(
            "upload, processed",
            upload(&processed.token, &processed_credential).await,
            StatusCode::UNAUTHORIZED,
            9200,
        )
        .await;
        f.server.stop().await;
    }
);
