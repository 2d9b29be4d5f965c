//! The OpenAPI document (`GET /openapi.json`) against the running server:
//! it is served without a token, every operation in it reaches a handler
//! (not the router's fallbacks), and its operations are exactly the routes
//! the server serves, as written out by hand below.

mod common;

use std::collections::BTreeSet;

use common::{Fixture, fixture};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Every route the server serves, written out by hand from
/// `src/routes/*.rs` and `src/lib.rs`. Adding a route means adding it here;
/// the document must then list it too (`routes!` does that), and the
/// server must answer it.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/openapi.json"),
    ("GET", "/api/store/v1/workflows"),
    ("POST", "/api/store/v1/workflows"),
    ("GET", "/api/store/v1/workflows/{key}"),
    ("PUT", "/api/store/v1/workflows/{key}/draft"),
    ("GET", "/api/store/v1/workflows/{key}/versions"),
    ("GET", "/api/store/v1/workflows/{key}/versions/{number}"),
    ("POST", "/api/store/v1/workflows/{key}/publish"),
    ("POST", "/api/store/v1/workflows/{key}/duplicate"),
    ("POST", "/api/store/v1/workflows/{key}/restore"),
    ("POST", "/api/store/v1/workflows/{key}/archive"),
    ("POST", "/api/store/v1/workflows/{key}/unarchive"),
    ("POST", "/api/store/v1/workflows/{key}/approve"),
    ("GET", "/api/store/v1/audit"),
    ("GET", "/api/store/v1/workflows/{key}/comments"),
    ("POST", "/api/store/v1/workflows/{key}/comments"),
    ("PUT", "/api/store/v1/workflows/{key}/comments/{id}"),
    ("GET", "/api/store/v1/version"),
    ("POST", "/api/v1/accounts"),
    ("PUT", "/api/v1/accounts/{account_id}"),
    (
        "GET",
        "/api/v1/accounts/{account_id}/workflow-executions/{execution_id}",
    ),
    (
        "PUT",
        "/api/v1/accounts/{account_id}/workflow-executions/{execution_id}",
    ),
    (
        "GET",
        "/api/v1/accounts/{account_id}/workflow-executions/{execution_id}/status",
    ),
    (
        "POST",
        "/api/v1/accounts/{account_id}/workflow-executions/{execution_id}/credentials/{credential_id}/parts/{classifier}",
    ),
    (
        "GET",
        "/api/v1/accounts/{account_id}/workflow-executions/{execution_id}/steps",
    ),
    (
        "GET",
        "/api/v1/accounts/{account_id}/credentials/{credential_id}/parts/{classifier}",
    ),
];

/// The routes that are not in the document: the document itself.
const UNDOCUMENTED: &[(&str, &str)] = &[("GET", "/openapi.json")];

/// The HTTP methods an OpenAPI path item can hold, lowercase as there.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The methods probed on every documented path.
const PROBED: &[Method] = &[
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::DELETE,
    Method::PATCH,
];

impl Fixture {
    /// `GET /openapi.json` without a token: 200 `application/json`.
    async fn document(&self) -> Value {
        let response = self
            .http
            .get(format!("{}/openapi.json", self.server.root))
            .send()
            .await
            .expect("GET /openapi.json");
        assert_eq!(response.status(), StatusCode::OK, "served without a token");
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(content_type, "application/json");
        response
            .json::<Value>()
            .await
            .expect("the document is JSON")
    }

    /// Sends `method path` (a concrete path) with the publisher's token and
    /// an empty body; answers the status and the JSON body (`Null` if none).
    async fn send(&self, method: Method, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method.clone(), format!("{}{path}", self.server.root))
            .bearer_auth(&self.publisher)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body("")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// The operations of a document: (METHOD, path template).
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let paths = document["paths"].as_object().expect("paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(*method) {
                found.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

/// `template` with every `{parameter}` replaced by a plausible value.
fn concrete(template: &str) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map(|i| open + i)
            .unwrap_or_else(|| panic!("unclosed parameter in {template}"));
        let value = match &rest[open + 1..close] {
            "key" => "10011".to_owned(),
            "number" | "id" => "1".to_owned(),
            "account_id" | "execution_id" | "credential_id" => uuid::Uuid::new_v4().to_string(),
            "classifier" => "FRONT".to_owned(),
            other => panic!("{template}: no plausible value for the parameter {other:?}: add one"),
        };
        path.push_str(&value);
        rest = &rest[close + 1..];
    }
    path.push_str(rest);
    path
}

/// Whether an answer came from the router's fallbacks rather than a
/// handler: the 404 for an unknown path or the 405 for an unknown method.
fn from_fallback(status: StatusCode, body: &Value) -> bool {
    let no_such_endpoint = status == StatusCode::NOT_FOUND
        && body["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("no such endpoint"));
    let no_such_method =
        status == StatusCode::METHOD_NOT_ALLOWED && body["error"] == "METHOD_NOT_ALLOWED";
    no_such_endpoint || no_such_method
}

#[tokio::test]
async fn the_document_is_openapi_3_with_tags_bearer_auth_and_secured_operations() {
    let f = fixture().await;
    let document = f.document().await;

    let version = document["openapi"].as_str().expect("openapi");
    assert!(version.starts_with("3."), "openapi {version}");
    assert_eq!(document["info"]["title"], "idflow");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
    let description = document["info"]["description"].as_str().unwrap_or("");
    assert!(
        description.contains("/api/store/v1") && description.contains("/api/v1"),
        "the description names both APIs: {description}"
    );

    let tags: BTreeSet<&str> = document["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(tags, BTreeSet::from(["store", "platform"]));

    let bearer = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http", "{bearer}");
    assert_eq!(bearer["scheme"], "bearer", "{bearer}");
    assert!(
        document["components"]["schemas"]["ErrorBody"].is_object(),
        "the error schema"
    );

    let global_security = document["security"]
        .as_array()
        .is_some_and(|s| !s.is_empty());
    let operations = operations(&document);
    assert!(!operations.is_empty());
    for (method, path, operation) in &operations {
        let responses = operation["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|status| status.starts_with('2')),
            "{method} {path}: no 2xx response"
        );
        let secured = operation["security"]
            .as_array()
            .map(|s| s.iter().any(|r| r.get("bearer").is_some()))
            .unwrap_or(global_security);
        assert!(secured, "{method} {path}: no bearer security");
        let operation_tags: Vec<&str> = operation["tags"]
            .as_array()
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert!(
            operation_tags.len() == 1 && tags.contains(operation_tags[0]),
            "{method} {path}: tags {operation_tags:?}"
        );
        let tag = if path.starts_with("/api/store/v1/") {
            "store"
        } else {
            "platform"
        };
        assert_eq!(operation_tags, [tag], "{method} {path}");
        for (status, response) in responses {
            if !status.starts_with('2') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{method} {path}: {status} is an ErrorBody"
                );
            }
        }
    }
    f.server.stop().await;
}

#[tokio::test]
async fn every_documented_operation_reaches_a_handler_with_a_documented_status() {
    let f = fixture().await;

    // The check below can tell the fallbacks from a handler.
    let (status, body) = f.send(Method::GET, "/api/store/v1/no-such-thing").await;
    assert!(from_fallback(status, &body), "{status} {body}");
    let (status, body) = f
        .send(Method::DELETE, "/api/store/v1/workflows/10011")
        .await;
    assert!(from_fallback(status, &body), "{status} {body}");
    let (status, body) = f.send(Method::GET, "/api/store/v1/workflows/424242").await;
    assert!(!from_fallback(status, &body), "a handler's 404: {body}");

    let document = f.document().await;
    for (method, path, operation) in operations(&document) {
        let concrete = concrete(&path);
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let (status, body) = f.send(method.clone(), &concrete).await;
        assert!(
            !from_fallback(status, &body),
            "{method} {path} ({concrete}) is documented but not routed: {status} {body}"
        );
        assert_ne!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {concrete}: the publisher's token was refused: {body}"
        );
        let documented = operation["responses"]
            .as_object()
            .is_some_and(|r| r.contains_key(status.as_str()));
        assert!(
            documented,
            "{method} {path} answered {status}, which its operation does not list: {body}"
        );
    }
    f.server.stop().await;
}

#[tokio::test]
async fn the_documented_operations_are_exactly_the_routes_served() {
    let f = fixture().await;
    let document = f.document().await;

    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(expected.len(), ROUTES.len(), "ROUTES lists a route twice");
    let mut documented: BTreeSet<(String, String)> = operations(&document)
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    for (method, path) in UNDOCUMENTED {
        assert!(
            documented.insert(((*method).to_owned(), (*path).to_owned())),
            "{method} {path} is documented after all: drop it from UNDOCUMENTED"
        );
    }
    let missing: Vec<_> = expected.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&expected).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "served but not documented: {missing:?}; documented but not in ROUTES: {unknown:?}"
    );

    // Every listed route is answered by a handler, and on every documented
    // path the methods that are not listed reach the method fallback (a
    // method added with a plain `.route()` would not).
    let paths: BTreeSet<&str> = ROUTES.iter().map(|(_, p)| *p).collect();
    for path in paths {
        let concrete = concrete(path);
        for method in PROBED {
            let listed = expected.contains(&(method.as_str().to_owned(), path.to_owned()));
            let (status, body) = f.send(method.clone(), &concrete).await;
            if listed {
                assert!(
                    !from_fallback(status, &body),
                    "{method} {path} is listed but not served: {status} {body}"
                );
            } else {
                assert_eq!(
                    (status, body["error"].as_str()),
                    (StatusCode::METHOD_NOT_ALLOWED, Some("METHOD_NOT_ALLOWED")),
                    "{method} {path} is served but neither listed nor documented: {body}"
                );
            }
        }
    }
    f.server.stop().await;
}

/// Issue 13: a PROCESSED execution's details matched both branches of
/// `ExecutionDetails`' `oneOf` (invalid). The pending branch admits no
/// other fields, and the retrieval branch requires `decision`, which the
/// pending one does not have: exactly one branch matches.
#[tokio::test]
async fn the_execution_details_branches_exclude_each_other() {
    let f = fixture().await;
    let document = f.document().await;
    let schemas = &document["components"]["schemas"];
    let pending = &schemas["PendingDetails"];
    assert_eq!(pending["additionalProperties"], false, "{pending}");
    assert!(pending["properties"].get("decision").is_none());
    let details = &schemas["ExecutionDetails"]["oneOf"];
    let retrieval = details
        .as_array()
        .expect("oneOf")
        .iter()
        .find(|s| s["title"] == "RetrievalDocument")
        .expect("the retrieval branch");
    assert!(
        retrieval["required"]
            .as_array()
            .is_some_and(|r| r.contains(&serde_json::json!("decision"))),
        "{retrieval}"
    );
    f.server.stop().await;
}
