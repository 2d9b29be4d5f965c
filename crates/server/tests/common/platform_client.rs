//! The tests' one client of the mock platform: the integration's API
//! (`/api/v1`: accounts, executions, uploads, retrieval) and the web
//! client's endpoints (`/web/v4`), and what the tests upload. Calls whose
//! answer the tests judge return the raw response; the few that only set
//! the stage check their success.

use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Fixture, Server, json_of};

/// How long an execution may take to reach a status before a test fails.
const STATUS_WAIT: Duration = Duration::from_secs(20);

/// A JPEG-looking buffer of `len` bytes (the magic bytes, then filler).
pub fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.resize(len.max(bytes.len()), 0x5A);
    bytes
}

/// A PNG-looking buffer of `len` bytes.
pub fn png(len: usize) -> Vec<u8> {
    let mut bytes = vec![0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.resize(len.max(bytes.len()), 0x00);
    bytes
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A multipart/form-data body with one file field: (content type, body).
pub fn multipart(field: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "idflow-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"image\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// What a new execution hands out.
#[derive(Debug, Clone)]
pub struct Created {
    pub body: Value,
    pub account: String,
    pub execution: String,
    /// The execution's own token (`sdk.token`).
    pub token: String,
}

impl Created {
    /// The answer to an account creation or update.
    pub fn of(body: Value) -> Created {
        let text = |pointer: &str| {
            body.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_else(|| panic!("no {pointer} in {body}"))
                .to_owned()
        };
        Created {
            account: text("/account/id"),
            execution: text("/workflowExecution/id"),
            token: text("/sdk/token"),
            body,
        }
    }

    pub fn credentials(&self) -> Vec<Value> {
        self.body["workflowExecution"]["credentials"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The first credential of `category`.
    pub fn credential(&self, category: &str) -> &Value {
        self.body["workflowExecution"]["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .find(|c| c["category"] == category)
            .unwrap_or_else(|| panic!("no {category} credential in {}", self.body))
    }

    /// The API upload URL of `part` (`front`, `facemap`...) of the first
    /// credential of `category` that has one.
    pub fn part_url(&self, category: &str, part: &str) -> String {
        self.credentials()
            .iter()
            .filter(|c| c["category"] == category)
            .find_map(|c| c["api"]["parts"][part].as_str().map(str::to_owned))
            .unwrap_or_else(|| panic!("no api.parts.{part} for {category}: {}", self.body))
    }
}

/// The mock platform of one server, as an integration holding one store
/// token calls it (account and retrieval calls); execution calls name the
/// token they send (the execution's own, or a store token).
#[derive(Clone)]
pub struct PlatformClient {
    /// `http://127.0.0.1:PORT`.
    root: String,
    token: String,
    http: reqwest::Client,
}

impl Server {
    /// The mock platform of this server, for an integration holding `token`.
    pub fn platform(&self, http: &reqwest::Client, token: &str) -> PlatformClient {
        PlatformClient {
            root: self.root.clone(),
            token: token.to_owned(),
            http: http.clone(),
        }
    }
}

impl Fixture {
    /// The mock platform, for an integration holding the publisher token.
    pub fn platform(&self) -> PlatformClient {
        self.server.platform(&self.http, &self.publisher)
    }
}

impl PlatformClient {
    /// A URL of the platform API (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.root)
    }

    /// A URL of the web client's endpoints (`path` starts with `/`).
    pub fn web_url(&self, path: &str) -> String {
        format!("{}/web/v4{path}", self.root)
    }

    pub fn execution_url(&self, created: &Created) -> String {
        self.url(&format!(
            "/accounts/{}/workflow-executions/{}",
            created.account, created.execution
        ))
    }

    async fn send(request: reqwest::RequestBuilder, token: &str, what: &str) -> Response {
        request
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    /// `POST /accounts` with `body`, sending `token`.
    pub async fn post_account(&self, token: &str, body: &Value) -> Response {
        let request = self.http.post(self.url("/accounts")).json(body);
        Self::send(request, token, "create account").await
    }

    /// `PUT /accounts/{account}` with `body`: a new execution on it.
    pub async fn put_account(&self, account: &str, body: &Value) -> Response {
        let request = self
            .http
            .put(self.url(&format!("/accounts/{account}")))
            .json(body);
        Self::send(request, &self.token, "update account").await
    }

    /// A new account and execution (200 checked).
    pub async fn create(&self, body: Value) -> Created {
        let response = self.post_account(&self.token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        Created::of(json_of(response).await)
    }

    /// A new execution on `account` (200 checked).
    pub async fn update(&self, account: &str, body: &Value) -> Created {
        let response = self.put_account(account, body).await;
        assert_eq!(response.status(), StatusCode::OK);
        Created::of(json_of(response).await)
    }

    /// A multipart upload of `bytes` as the field `field` to `url` (an
    /// API part URL or a web client's part endpoint).
    pub async fn upload(&self, url: &str, token: &str, field: &str, bytes: &[u8]) -> Response {
        let (content_type, body) = multipart(field, bytes);
        let request = self
            .http
            .post(url)
            .header("content-type", content_type)
            .body(body);
        Self::send(request, token, "upload").await
    }

    /// Prepared data (JSON) to its part URL (`api.parts.prepared_data`).
    pub async fn upload_prepared_data(&self, url: &str, token: &str, body: &Value) -> Response {
        Self::send(self.http.post(url).json(body), token, "prepared data").await
    }

    /// `PUT` on the execution: finalize.
    pub async fn finalize(&self, created: &Created, token: &str) -> Response {
        let request = self.http.put(self.execution_url(created));
        Self::send(request, token, "finalize").await
    }

    /// `GET .../status`.
    pub async fn status(&self, created: &Created, token: &str) -> Response {
        let request = self
            .http
            .get(format!("{}/status", self.execution_url(created)));
        Self::send(request, token, "status").await
    }

    /// `GET url` (a link the platform handed out), sending `token`.
    pub async fn get(&self, url: &str, token: &str) -> Response {
        Self::send(self.http.get(url), token, "GET").await
    }

    /// The execution's details (200 checked).
    pub async fn details(&self, created: &Created) -> Value {
        let response = self.get(&self.execution_url(created), &self.token).await;
        assert_eq!(response.status(), StatusCode::OK);
        json_of(response).await
    }

    /// Polls the status until `wanted`; its body.
    pub async fn wait_for(&self, created: &Created, wanted: &str) -> Value {
        let start = Instant::now();
        loop {
            let response = self.status(created, &self.token).await;
            assert_eq!(response.status(), StatusCode::OK);
            let body = json_of(response).await;
            if body["workflowExecution"]["status"] == wanted {
                return body;
            }
            assert!(
                start.elapsed() < STATUS_WAIT,
                "still not {wanted} after {STATUS_WAIT:?}: {body}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Finalizes with the execution's token (202 checked), waits for
    /// PROCESSED; the details.
    pub async fn processed(&self, created: &Created) -> Value {
        let finalized = self.finalize(created, &created.token).await;
        assert_eq!(finalized.status(), StatusCode::ACCEPTED);
        self.wait_for(created, "PROCESSED").await;
        self.details(created).await
    }

    /// Create (10011, the given scenario), upload FRONT, BACK and FACE with
    /// the execution's token, finalize, wait for PROCESSED.
    pub async fn journey(&self, user_reference: &str) -> Created {
        self.journey_on(10011, user_reference).await
    }

    /// The same on workflow `key`.
    pub async fn journey_on(&self, key: u32, user_reference: &str) -> Created {
        let created = self
            .create(json!({
                "customerInternalReference": "myCompany",
                "userReference": user_reference,
                "workflowDefinition": { "key": key }
            }))
            .await;
        for (category, part, bytes) in [
            ("ID", "front", jpeg(2048)),
            ("ID", "back", png(1024)),
            ("SELFIE", "face", jpeg(4096)),
        ] {
            let response = self
                .upload(
                    &created.part_url(category, part),
                    &created.token,
                    "file",
                    &bytes,
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{category} {part}");
        }
        let finalized = self.finalize(&created, &created.token).await;
        assert_eq!(finalized.status(), StatusCode::ACCEPTED);
        self.wait_for(&created, "PROCESSED").await;
        created
    }

    /// The web client's `GET /journey`, sending `token`.
    pub async fn web_journey(&self, token: &str) -> Response {
        Self::send(self.http.get(self.web_url("/journey")), token, "journey").await
    }

    /// The web client's upload of `part` (FRONT, BACK, FACE) of
    /// `credential`; a FACE brings its facemap with it.
    pub async fn web_upload(
        &self,
        token: &str,
        credential: &str,
        part: &str,
        bytes: &[u8],
    ) -> Response {
        self.upload(
            &self.web_url(&format!("/credentials/{credential}/parts/{part}")),
            token,
            "file",
            bytes,
        )
        .await
    }

    /// The web client's `POST /finalize` with `body` (`{}`, or a scenario).
    pub async fn web_finalize(&self, token: &str, body: &Value) -> Response {
        let request = self.http.post(self.web_url("/finalize")).json(body);
        Self::send(request, token, "web finalize").await
    }
}
