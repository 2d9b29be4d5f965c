//! The tests' one client of the store API (`/api/store/v1`), as one
//! token calls it. Calls whose answer the tests judge return the raw
//! response; the few that only set the stage (`create`, `draft`, `list`,
//! `history`) check their success and return what was asked for.

use std::fmt::Display;

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use super::{Fixture, Server, header, json_of};

/// The store API of one server, called with one token.
#[derive(Clone)]
pub struct StoreClient {
    /// `http://127.0.0.1:PORT/api/store/v1`.
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Server {
    /// The store API of this server, called with `token`.
    pub fn store(&self, http: &reqwest::Client, token: &str) -> StoreClient {
        StoreClient {
            base: self.url(""),
            token: token.to_owned(),
            http: http.clone(),
        }
    }
}

impl Fixture {
    /// The store API as the fixture's designer.
    pub fn store(&self) -> StoreClient {
        self.store_as(&self.designer)
    }

    /// The store API as `token` (the publisher, another role...).
    pub fn store_as(&self, token: &str) -> StoreClient {
        self.server.store(&self.http, token)
    }

    /// A URL of the store API (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }
}

impl StoreClient {
    /// The same server, called with `token`.
    pub fn as_token(&self, token: &str) -> StoreClient {
        StoreClient {
            token: token.to_owned(),
            ..self.clone()
        }
    }

    /// A URL of the store API (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, request: reqwest::RequestBuilder, what: &str) -> Response {
        request
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    async fn get(&self, path: &str, what: &str) -> Response {
        self.send(self.http.get(self.url(path)), what).await
    }

    async fn post(&self, path: &str, what: &str) -> Response {
        self.send(self.http.post(self.url(path)), what).await
    }

    /// `GET /workflows`: the summaries (200 checked).
    pub async fn list(&self) -> Vec<Value> {
        let response = self.get_list().await;
        assert_eq!(response.status(), StatusCode::OK);
        json_of(response).await["workflows"]
            .as_array()
            .expect("workflows")
            .clone()
    }

    /// `GET /workflows`.
    pub async fn get_list(&self) -> Response {
        self.get("/workflows", "list").await
    }

    /// `POST /workflows` with `body` as JSON.
    pub async fn post_workflow(&self, body: impl Into<reqwest::Body>) -> Response {
        let request = self
            .http
            .post(self.url("/workflows"))
            .header("content-type", "application/json")
            .body(body);
        self.send(request, "create").await
    }

    /// A new workflow from `body` (201 checked): its key.
    pub async fn create(&self, body: impl Into<reqwest::Body>) -> u32 {
        let response = self.post_workflow(body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let key = json_of(response).await["key"].as_u64().expect("key");
        u32::try_from(key).expect("u32 key")
    }

    /// `GET /workflows/{key}`: the draft.
    pub async fn get_draft(&self, key: impl Display) -> Response {
        self.get(&format!("/workflows/{key}"), "draft").await
    }

    /// The draft of `key` (200 checked): its `ETag` and the body.
    pub async fn draft(&self, key: impl Display) -> (String, Value) {
        let response = self.get_draft(key).await;
        assert_eq!(response.status(), StatusCode::OK);
        let etag = header(&response, "etag").to_owned();
        (etag, json_of(response).await)
    }

    /// `PUT /workflows/{key}/draft` with `If-Match: if_match`.
    pub async fn save(
        &self,
        key: impl Display,
        if_match: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let request = self
            .http
            .put(self.url(&format!("/workflows/{key}/draft")))
            .header("If-Match", if_match)
            .header("content-type", "application/json")
            .body(body);
        self.send(request, "save").await
    }

    /// `POST /workflows/{key}/publish` with `If-Match: if_match`, no note.
    pub async fn publish(&self, key: impl Display, if_match: &str) -> Response {
        let request = self
            .http
            .post(self.url(&format!("/workflows/{key}/publish")))
            .header("If-Match", if_match);
        self.send(request, "publish").await
    }

    /// The same, with a publish note.
    pub async fn publish_with_note(
        &self,
        key: impl Display,
        if_match: &str,
        note: &str,
    ) -> Response {
        let request = self
            .http
            .post(self.url(&format!("/workflows/{key}/publish")))
            .header("If-Match", if_match)
            .json(&json!({ "note": note }));
        self.send(request, "publish").await
    }

    /// `POST /workflows/{key}/restore{query}` (`?version=N`), with
    /// `If-Match` when given.
    pub async fn restore(
        &self,
        key: impl Display,
        query: &str,
        if_match: Option<&str>,
    ) -> Response {
        let mut request = self
            .http
            .post(self.url(&format!("/workflows/{key}/restore{query}")));
        if let Some(if_match) = if_match {
            request = request.header("If-Match", if_match);
        }
        self.send(request, "restore").await
    }

    /// `POST /workflows/{key}/duplicate`, of `version` when given (else
    /// the draft).
    pub async fn duplicate(&self, key: impl Display, version: Option<u32>) -> Response {
        let query = version.map_or_else(String::new, |v| format!("?version={v}"));
        self.post(&format!("/workflows/{key}/duplicate{query}"), "duplicate")
            .await
    }

    /// `POST /workflows/{key}/approve` with `If-Match: if_match`.
    pub async fn approve(&self, key: impl Display, if_match: &str) -> Response {
        let request = self
            .http
            .post(self.url(&format!("/workflows/{key}/approve")))
            .header("If-Match", if_match);
        self.send(request, "approve").await
    }

    /// `POST /workflows/{key}/archive` (or `unarchive`).
    pub async fn archive(&self, key: impl Display, archived: bool) -> Response {
        let action = if archived { "archive" } else { "unarchive" };
        self.post(&format!("/workflows/{key}/{action}"), action)
            .await
    }

    /// `GET /workflows/{key}/versions`: the versions (200 checked).
    pub async fn history(&self, key: impl Display) -> Vec<Value> {
        let response = self
            .get(&format!("/workflows/{key}/versions"), "history")
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        json_of(response).await["versions"]
            .as_array()
            .expect("versions")
            .clone()
    }

    /// `GET /workflows/{key}/versions`.
    pub async fn get_history(&self, key: impl Display) -> Response {
        self.get(&format!("/workflows/{key}/versions"), "history")
            .await
    }

    /// `GET /workflows/{key}/versions/{number}`.
    pub async fn version(&self, key: impl Display, number: impl Display) -> Response {
        self.get(&format!("/workflows/{key}/versions/{number}"), "version")
            .await
    }

    /// `POST /workflows/{key}/comments` with `body` (`text`, `step`...).
    pub async fn comment(&self, key: impl Display, body: &Value) -> Response {
        let request = self
            .http
            .post(self.url(&format!("/workflows/{key}/comments")))
            .json(body);
        self.send(request, "comment").await
    }

    /// `GET /workflows/{key}/comments`.
    pub async fn comments(&self, key: impl Display) -> Response {
        self.get(&format!("/workflows/{key}/comments"), "comments")
            .await
    }

    /// `GET /audit?query`: the status and the body.
    pub async fn audit(&self, query: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .send(self.http.get(self.url("/audit")).query(query), "audit")
            .await;
        (response.status(), json_of(response).await)
    }
}
