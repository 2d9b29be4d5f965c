//! The team server's store, over HTTP: `idflow serve`'s store API
//! (`/api/store/v1`) behind the same [`Store`] trait as the local folder, so
//! the command line and the designer work on either.
//!
//! Blocking (`reqwest::blocking`): call its methods from a plain thread,
//! never from inside an async runtime (there reqwest panics; use
//! `spawn_blocking`). Creating one is fine anywhere: the HTTP client is
//! built on first use. Every request carries the bearer token, gives
//! up connecting after [`CONNECT_TIMEOUT`] and waiting after
//! [`REQUEST_TIMEOUT`]. Workflows travel in the JSON wire format; a draft's
//! revision goes out in `If-Match`. What the server refuses comes back as
//! the same [`StoreError`]s the local store gives (conflict, read-only,
//! lint errors, unknown key...); what stands between the client and the
//! server as `Unreachable`, `Unauthorized`, `Forbidden` or `Server`.
//!
//! An answer this build cannot read from a server that reports a newer
//! idflow (`idflow-version`) is `NewerServer`: "the server runs idflow X;
//! needs idflow ≥ X" (issue 29), not a decode error.
//!
//! Modules: `decode` (an answer as one of [`crate::wire`]'s bodies, the
//! definitions the server writes with), `failure` (turning
//! transport errors and error answers into store errors).

mod decode;
mod failure;

use std::sync::OnceLock;
use std::time::Duration;

use idflow_core::Workflow;
use idflow_core::format::{Format, to_text};
use reqwest::Method;
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, IF_MATCH};
use serde::de::DeserializeOwned;

use crate::wire::{
    ApprovedBody, ArchivedBody, AuditEntry, AuditList, CommentList, CommentState, DraftBody,
    HistoryBody, NewComment, PublishRequest, PublishedBody, ServerVersion, VERSION_HEADER,
    VersionBody, WorkflowList, WrittenBody,
};
use crate::{Comment, Draft, Revision, Store, StoreError, VersionInfo, Versioned, WorkflowSummary};

/// Where the store API is mounted on the server.
pub const API_PREFIX: &str = "/api/store/v1";
/// How long to try connecting before the server counts as unreachable.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one request (connecting, sending, the whole answer) may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// A client of a team server's store. Cheap to clone (once used, clones
/// share the connection pool). Its `Debug` output never shows the token.
#[derive(Debug, Clone)]
pub struct RemoteStore {
    /// `http(s)://host:port[/path]`, no trailing slash.
    base_url: String,
    /// `Bearer TOKEN`, marked sensitive.
    authorization: HeaderValue,
    /// Built on first use: building a blocking client inside an async
    /// runtime panics, and a `RemoteStore` may well be made in one.
    client: OnceLock<Client>,
    /// How long one request may take (REQUEST_TIMEOUT unless set).
    request_timeout: Duration,
}

/// An answer from the server, read whole.
struct Answer {
    /// The URL that was asked.
    url: String,
    status: reqwest::StatusCode,
    body: String,
    /// The idflow release the server reported (`idflow-version`), if any.
    server_version: Option<String>,
}

impl RemoteStore {
    /// A client of the server at `base_url` (e.g. `http://127.0.0.1:8080`:
    /// http or https, a trailing slash is dropped) using `token`. Checks
    /// both but makes no request: a wrong token or a server that is down
    /// shows on the first call.
    pub fn new(base_url: &str, token: &str) -> Result<RemoteStore, StoreError> {
        let base_url = normalise_base_url(base_url)?;
        let authorization = authorization(token)?;
        Ok(RemoteStore {
            base_url,
            authorization,
            client: OnceLock::new(),
            request_timeout: REQUEST_TIMEOUT,
        })
    }

    /// The same client with another limit on one request's time (before
    /// its first use). Errors name the limit used.
    pub fn with_request_timeout(mut self, timeout: Duration) -> RemoteStore {
        self.request_timeout = timeout;
        self.client = OnceLock::new();
        self
    }

    /// The audit trail's newest page (publishers only; `GET /audit`
    /// pages back with `cursor`).
    pub fn audit(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let url = self.url("/audit");
        let request = self.request(Method::GET, &url)?;
        let body: AuditList = self.call(None, url, request)?;
        Ok(body.entries)
    }

    /// The idflow release the server runs and the workflow formats it
    /// reads (`GET /version`).
    pub fn server_version(&self) -> Result<ServerVersion, StoreError> {
        decode::parse(&self.get(None, "/version")?)
    }

    /// The server's URL as used: scheme, host, port (and path, if any),
    /// without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{API_PREFIX}{path}", self.base_url)
    }

    /// The HTTP client, built on first use.
    fn client(&self) -> Result<&Client, StoreError> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(self.request_timeout)
            .user_agent(concat!("idflow/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| StoreError::Unreachable {
                url: self.base_url.clone(),
                message: format!(
                    "the HTTP client could not be set up: {}",
                    failure::innermost(&e)
                ),
            })?;
        // Another thread may have won the race: its client is used.
        Ok(self.client.get_or_init(|| client))
    }

    /// A request to `url` with the bearer token.
    fn request(&self, method: Method, url: &str) -> Result<RequestBuilder, StoreError> {
        Ok(self
            .client()?
            .request(method, url)
            .header(AUTHORIZATION, self.authorization.clone()))
    }

    /// Sends a request and reads the whole answer. Only the transport can
    /// fail here: any status is an answer.
    fn send(&self, url: String, request: RequestBuilder) -> Result<Answer, StoreError> {
        let response = request.send().map_err(|e| self.transport(&e))?;
        let status = response.status();
        let server_version = response
            .headers()
            .get(VERSION_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().map_err(|e| self.transport(&e))?;
        tracing::debug!(%url, status = status.as_u16(), ?server_version, "store API");
        Ok(Answer {
            url,
            status,
            body,
            server_version,
        })
    }

    /// Sends a request about workflow `key` (if any); an error answer
    /// becomes the matching store error.
    fn answer(
        &self,
        key: Option<u32>,
        url: String,
        request: RequestBuilder,
    ) -> Result<Answer, StoreError> {
        let answer = self.send(url, request)?;
        if answer.status.is_success() {
            Ok(answer)
        } else {
            Err(self.refusal(key, &answer))
        }
    }

    /// Sends a request and reads a successful answer's body as `T`.
    fn call<T: DeserializeOwned>(
        &self,
        key: Option<u32>,
        url: String,
        request: RequestBuilder,
    ) -> Result<T, StoreError> {
        decode::parse(&self.answer(key, url, request)?)
    }

    /// GETs `path` of the store API.
    fn get(&self, key: Option<u32>, path: &str) -> Result<Answer, StoreError> {
        let url = self.url(path);
        let request = self.request(Method::GET, &url)?;
        self.answer(key, url, request)
    }
}

/// Checks and normalises a server URL: http or https, a host, no query,
/// fragment or credentials; no trailing slash.
fn normalise_base_url(text: &str) -> Result<String, StoreError> {
    let text = text.trim();
    let invalid = |message: &str| StoreError::InvalidUrl {
        url: text.to_owned(),
        message: message.to_owned(),
    };
    let url = reqwest::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(&format!(
            "the scheme is {:?}; it must be http or https",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it names no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it has a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it carries a user name or password; give the token separately",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `Bearer TOKEN` as a sensitive header value (kept out of `Debug`).
fn authorization(token: &str) -> Result<HeaderValue, StoreError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(StoreError::InvalidToken {
            message: "it is empty".to_owned(),
        });
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        StoreError::InvalidToken {
            message: "it holds characters an HTTP header cannot carry".to_owned(),
        }
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// `If-Match: "REVISION"`.
fn if_match(revision: Revision) -> String {
    format!("\"{revision}\"")
}

impl Store for RemoteStore {
    fn list(&self) -> Result<Vec<WorkflowSummary>, StoreError> {
        let body: WorkflowList = decode::parse(&self.get(None, "/workflows")?)?;
        Ok(body.workflows)
    }

    fn draft(&self, key: u32) -> Result<Draft, StoreError> {
        let answer = self.get(Some(key), &format!("/workflows/{key}"))?;
        let body: DraftBody = decode::parse(&answer)?;
        Ok(Draft {
            workflow: body.workflow.0,
            revision: body.revision,
        })
    }

    /// The draft's answer says it (`duplicated_from`; absent from servers
    /// older than duplicating, and then `None`).
    fn duplicated_from(&self, key: u32) -> Result<Option<crate::DuplicatedFrom>, StoreError> {
        let answer = self.get(Some(key), &format!("/workflows/{key}"))?;
        let body: DraftBody = decode::parse(&answer)?;
        Ok(body.duplicated_from)
    }

    fn version(&self, key: u32, number: u32) -> Result<Versioned, StoreError> {
        let answer = self.get(Some(key), &format!("/workflows/{key}/versions/{number}"))?;
        let body: VersionBody = decode::parse(&answer)?;
        Ok(Versioned {
            workflow: body.workflow.0,
            info: body.version,
        })
    }

    fn history(&self, key: u32) -> Result<Vec<VersionInfo>, StoreError> {
        let answer = self.get(Some(key), &format!("/workflows/{key}/versions"))?;
        let body: HistoryBody = decode::parse(&answer)?;
        Ok(body.versions)
    }

    fn create(&self, workflow: Workflow) -> Result<u32, StoreError> {
        let url = self.url("/workflows");
        let request = self
            .request(Method::POST, &url)?
            .header(CONTENT_TYPE, "application/json")
            .body(to_text(&workflow, Format::Json));
        let body: WrittenBody = self.call(None, url, request)?;
        Ok(body.key)
    }

    fn save_draft(
        &self,
        key: u32,
        workflow: &Workflow,
        base: Revision,
    ) -> Result<Revision, StoreError> {
        let url = self.url(&format!("/workflows/{key}/draft"));
        let request = self
            .request(Method::PUT, &url)?
            .header(CONTENT_TYPE, "application/json")
            .header(IF_MATCH, if_match(base))
            .body(to_text(workflow, Format::Json));
        let body: WrittenBody = self.call(Some(key), url, request)?;
        Ok(body.revision)
    }

    /// The server records the token's name as the author.
    fn publish_with_note(
        &self,
        key: u32,
        base: Option<Revision>,
        note: &str,
    ) -> Result<VersionInfo, StoreError> {
        crate::check_note(note)?;
        let url = self.url(&format!("/workflows/{key}/publish"));
        let precondition = base.map_or_else(|| "*".to_owned(), if_match);
        let body = PublishRequest {
            note: note.trim().to_owned(),
        };
        let request = self
            .request(Method::POST, &url)?
            .header(IF_MATCH, precondition)
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::to_string(&body).unwrap_or_default());
        let body: PublishedBody = self.call(Some(key), url, request)?;
        Ok(body.version)
    }

    fn duplicate(&self, key: u32, version: Option<u32>) -> Result<u32, StoreError> {
        let query = version.map(|n| format!("?version={n}")).unwrap_or_default();
        let url = self.url(&format!("/workflows/{key}/duplicate{query}"));
        let request = self.request(Method::POST, &url)?;
        let body: WrittenBody = self.call(Some(key), url, request)?;
        Ok(body.key)
    }

    fn restore(&self, key: u32, version: u32, base: Revision) -> Result<Revision, StoreError> {
        let url = self.url(&format!("/workflows/{key}/restore?version={version}"));
        let request = self
            .request(Method::POST, &url)?
            .header(IF_MATCH, if_match(base));
        let body: WrittenBody = self.call(Some(key), url, request)?;
        Ok(body.revision)
    }

    fn set_archived(&self, key: u32, archived: bool) -> Result<(), StoreError> {
        let action = if archived { "archive" } else { "unarchive" };
        let url = self.url(&format!("/workflows/{key}/{action}"));
        let request = self.request(Method::POST, &url)?;
        let _: ArchivedBody = self.call(Some(key), url, request)?;
        Ok(())
    }

    fn comments(&self, key: u32) -> Result<Vec<Comment>, StoreError> {
        let url = self.url(&format!("/workflows/{key}/comments"));
        let request = self.request(Method::GET, &url)?;
        let body: CommentList = self.call(Some(key), url, request)?;
        Ok(body.comments)
    }

    fn add_comment(&self, key: u32, step: Option<&str>, text: &str) -> Result<Comment, StoreError> {
        let url = self.url(&format!("/workflows/{key}/comments"));
        let body = NewComment {
            step: step.map(str::to_owned),
            text: text.to_owned(),
        };
        let request = self
            .request(Method::POST, &url)?
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::to_string(&body).unwrap_or_default());
        self.call(Some(key), url, request)
    }

    fn set_resolved(&self, key: u32, id: u64, resolved: bool) -> Result<Comment, StoreError> {
        let url = self.url(&format!("/workflows/{key}/comments/{id}"));
        let request = self
            .request(Method::PUT, &url)?
            .header(CONTENT_TYPE, "application/json")
            .body(serde_json::to_string(&CommentState { resolved }).unwrap_or_default());
        self.call(Some(key), url, request)
    }

    /// The server checks the four eyes: the token's holder must be a
    /// publisher other than the revision's authors.
    fn approve(&self, key: u32, base: Revision) -> Result<Vec<String>, StoreError> {
        let url = self.url(&format!("/workflows/{key}/approve"));
        let request = self
            .request(Method::POST, &url)?
            .header(IF_MATCH, if_match(base));
        let body: ApprovedBody = self.call(Some(key), url, request)?;
        Ok(body.approved_by)
    }

    /// The server names the token's holder as the author of every write:
    /// a client cannot claim another name.
    fn set_author(&mut self, _author: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_is_checked_and_loses_its_trailing_slash() {
        let store = RemoteStore::new("http://127.0.0.1:8080/", "idf_x").expect("valid");
        assert_eq!(store.base_url(), "http://127.0.0.1:8080");
        let store = RemoteStore::new(" https://Idflow.Example.com/team// ", "idf_x").expect("ok");
        assert_eq!(store.base_url(), "https://idflow.example.com/team");
        assert_eq!(
            store.url("/workflows"),
            "https://idflow.example.com/team/api/store/v1/workflows"
        );
        for bad in [
            "ftp://127.0.0.1",
            "127.0.0.1:8080",
            "localhost",
            "",
            "http://",
            "http://h:1/?a=b",
            "http://user:pw@h:1",
        ] {
            match RemoteStore::new(bad, "idf_x") {
                Err(e @ StoreError::InvalidUrl { .. }) => {
                    assert!(e.to_string().contains("http://127.0.0.1:8080"), "{e}");
                }
                other => panic!("{bad:?}: expected InvalidUrl, got {other:?}"),
            }
        }
    }

    #[test]
    fn the_token_must_be_sendable_and_never_shows_in_debug() {
        for bad in ["", "  ", "idf_\nx"] {
            assert!(
                matches!(
                    RemoteStore::new("http://127.0.0.1:1", bad),
                    Err(StoreError::InvalidToken { .. })
                ),
                "{bad:?}"
            );
        }
        let store = RemoteStore::new("http://127.0.0.1:1", "idf_secret\n").expect("trimmed");
        let debug = format!("{store:?}");
        assert!(!debug.contains("idf_secret"), "{debug}");
    }

    #[test]
    fn if_match_quotes_the_revision() {
        assert_eq!(if_match(7), "\"7\"");
    }
}
