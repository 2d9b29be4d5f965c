//! Issue 29, "Files from a newer idflow": the server reports its version
//! (`idflow-version` on every answer, `GET /api/store/v1/version`); the
//! store API refuses a workflow of a newer format with "needs a newer
//! idflow", before any schema error; and the remote store refuses an
//! answer a newer server wrote with "the server runs idflow X; needs idflow
//! ≥ X", not a decode error. Real servers on loopback over real SQLite
//! files (`common`).

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, Response};
use common::{Fixture, TestDb, both_backends, fixture, json_of};
use idflow_core::format::{Format, parse_workflow, to_text};
use idflow_core::versions::{IDFLOW_VERSION, WORKFLOW_FORMATS};
use idflow_server::{AppState, DbLocation, Role, create_token};
use idflow_store::remote::RemoteStore;
use idflow_store::wire::VERSION_HEADER;
use idflow_store::{Store, StoreError};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;

fn samples() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_workflows");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect();
    out.sort();
    out
}

/// A workflow's JSON as a newer idflow would write it: format 4, with a
/// field and a step setting this build does not know.
fn as_newer_json(ron: &str) -> String {
    let workflow = parse_workflow(ron, Format::Ron).expect("sample");
    let mut value: Value = serde_json::from_str(&to_text(&workflow, Format::Json)).expect("json");
    value["format_version"] = json!(4);
    value["needs_review"] = json!(true);
    if let Some(node) = value["nodes"].get_mut(0) {
        node["hologram"] = json!({"depth": 3});
    }
    value.to_string()
}

fn version_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(VERSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Issue 29: the server reports its version on every answer: success and
/// error, store and platform API, the OpenAPI document, the fallbacks.
#[tokio::test]
async fn every_answer_says_which_idflow_the_server_runs() {
    let f = fixture().await;
    let root = &f.server.root;
    let requests: Vec<(Method, String, Option<&str>)> = vec![
        (Method::GET, f.server.url("/workflows"), Some(&f.designer)),
        (Method::GET, f.server.url("/workflows"), None),
        (
            Method::GET,
            f.server.url("/workflows/10011"),
            Some(&f.designer),
        ),
        (
            Method::GET,
            f.server.url("/workflows/424242"),
            Some(&f.designer),
        ),
        (Method::GET, f.server.url("/version"), Some(&f.designer)),
        (
            Method::DELETE,
            f.server.url("/workflows/10011"),
            Some(&f.designer),
        ),
        (Method::GET, format!("{root}/openapi.json"), None),
        (Method::GET, format!("{root}/no-such-path"), None),
        (
            Method::POST,
            format!("{root}/api/v1/accounts"),
            Some(&f.designer),
        ),
        (Method::POST, f.server.url("/workflows"), Some(&f.designer)),
    ];
    for (method, url, token) in requests {
        let mut request = f.http.request(method.clone(), &url).body("{}");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("answer");
        assert_eq!(
            version_of(&response).as_deref(),
            Some(IDFLOW_VERSION),
            "{method} {url} ({})",
            response.status()
        );
    }
    f.server.stop().await;
}

/// Issue 29: `GET /api/store/v1/version` names the release and the
/// workflow formats the server reads; without a token it is 401, like
/// every operation.
#[tokio::test]
async fn the_version_endpoint_names_the_release_and_the_formats() {
    let f = fixture().await;
    let response = f
        .http
        .get(f.server.url("/version"))
        .bearer_auth(&f.designer)
        .send()
        .await
        .expect("version");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json_of(response).await,
        json!({
            "idflow": IDFLOW_VERSION,
            "workflow_formats": {
                "oldest": WORKFLOW_FORMATS.oldest(),
                "newest": WORKFLOW_FORMATS.newest(),
            },
        })
    );
    let anonymous = f
        .http
        .get(f.server.url("/version"))
        .send()
        .await
        .expect("version");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // The remote store reads it.
    let store = RemoteStore::new(&f.server.root, &f.designer).expect("client");
    let version = tokio::task::spawn_blocking(move || store.server_version())
        .await
        .expect("thread")
        .expect("read");
    assert_eq!(version.idflow, IDFLOW_VERSION);
    f.server.stop().await;
}

/// Issue 29: every sample as a newer idflow writes it (format 4, unknown
/// fields), created or saved through the store API, is refused 400 with
/// "needs a newer idflow" and the formats this server reads, never a
/// schema error; nothing is written.
#[tokio::test]
async fn a_workflow_of_a_newer_format_is_refused_naming_the_versions() {
    let f = fixture().await;
    let Fixture { http, .. } = &f;
    let key = {
        let (_, ron) = &samples()[0];
        let workflow = parse_workflow(ron, Format::Ron).expect("sample");
        f.store().create(to_text(&workflow, Format::Json)).await
    };
    let before = f.server.state.db.list().await.expect("list");
    let draft_before = f.server.state.db.draft(key).await.expect("draft");
    for (name, ron) in samples() {
        let body = as_newer_json(&ron);
        for (method, url) in [
            (Method::POST, f.server.url("/workflows")),
            (
                Method::PUT,
                f.server.url(&format!("/workflows/{key}/draft")),
            ),
        ] {
            let response = http
                .request(method.clone(), &url)
                .bearer_auth(&f.designer)
                .header("If-Match", "\"1\"")
                .body(body.clone())
                .send()
                .await
                .expect("answer");
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "{name} {method}"
            );
            let answer = json_of(response).await;
            assert_eq!(answer["error"], "INVALID_WORKFLOW", "{name}: {answer}");
            assert_eq!(
                answer["message"],
                format!(
                    "the workflow is in format 4, written by a newer idflow; this server runs idflow {IDFLOW_VERSION}, which reads formats 1–3: needs a newer idflow on the server"
                ),
                "{name}"
            );
            assert_eq!(answer["details"]["format_version"], 4);
            assert_eq!(answer["details"]["server"]["idflow"], IDFLOW_VERSION);
            assert!(
                !answer.to_string().contains("unknown field"),
                "no schema error: {answer}"
            );
        }
    }
    assert_eq!(f.server.state.db.list().await.expect("list"), before);
    let draft_after = f.server.state.db.draft(key).await.expect("draft");
    assert_eq!(draft_after.revision, draft_before.revision);
    f.server.stop().await;
}

/// A server as a newer idflow (0.4.0 here) would answer: the real server
/// over a real SQLite file, its answers rewritten on the way out as the
/// newer release writes them: its version in `idflow-version`, workflows
/// in format 4 with fields this build does not know, and a workflow
/// status this build has no name for.
struct NewerServer {
    root: String,
    designer: String,
    _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

const NEWER_RELEASE: &str = "0.4.0";

async fn newer_server(reported: &'static str) -> NewerServer {
    let dir = tempfile::TempDir::new().expect("tmp");
    let state = AppState::open_location(&DbLocation::Sqlite(dir.path().join("server.sqlite")))
        .await
        .expect("open");
    let designer = create_token(&state.db, "designer", Role::Designer)
        .await
        .expect("token");
    let app = idflow_server::router(state).layer(axum::middleware::map_response(
        move |response: Response<Body>| async move { as_newer(response, reported).await },
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let root = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    NewerServer {
        root,
        designer,
        _dir: dir,
        task,
    }
}

async fn as_newer(response: Response<Body>, reported: &'static str) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert(VERSION_HEADER, HeaderValue::from_static(reported));
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Some(workflow) = value.get_mut("workflow").and_then(Value::as_object_mut) {
        workflow.insert("format_version".into(), json!(4));
        workflow.insert("needs_review".into(), json!(true));
    }
    if let Some(list) = value.get_mut("workflows").and_then(Value::as_array_mut) {
        for summary in list {
            summary["status"] = json!("QUARANTINED");
        }
    }
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

/// Issue 29: the remote store refuses what a newer server answers with
/// "the server runs idflow 0.4.0; needs idflow ≥ 0.4.0", not a decode
/// error: a draft, a version and the list, each unreadable to this build.
#[tokio::test(flavor = "multi_thread")]
async fn the_remote_store_refuses_a_newer_servers_answer_naming_its_release() {
    let server = newer_server(NEWER_RELEASE).await;
    let store = RemoteStore::new(&server.root, &server.designer)
        .expect("client")
        .with_request_timeout(Duration::from_secs(30));
    let root = server.root.clone();
    let results = tokio::task::spawn_blocking(move || {
        vec![
            ("draft", store.draft(10011).map(|_| ())),
            ("version", store.version(10011, 1).map(|_| ())),
            ("list", store.list().map(|_| ())),
            // What the newer server answers readably still reads.
            ("history", store.history(10011).map(|_| ())),
        ]
    })
    .await
    .expect("thread");
    for (what, result) in results {
        if what == "history" {
            assert!(result.is_ok(), "{what}: {result:?}");
            continue;
        }
        match result {
            Err(error @ StoreError::NewerServer { .. }) => {
                let text = error.to_string();
                assert!(
                    text.starts_with(&format!("the server at {root}/api/store/v1/"))
                        && text.contains(&format!(
                            "runs idflow {NEWER_RELEASE}; needs idflow ≥ {NEWER_RELEASE}"
                        ))
                        && !text.contains("cannot read (")
                        && !text.contains("unknown field"),
                    "{what}: {text}"
                );
            }
            other => panic!("{what}: expected NewerServer, got {other:?}"),
        }
    }
    server.task.abort();
}

/// Issue 29: a server that answers in a newer format without saying which
/// release it runs (a proxy dropped the header, or a server of this very
/// release) still gets no schema error: the workflow's newer format is
/// named.
#[tokio::test(flavor = "multi_thread")]
async fn a_newer_workflow_from_a_server_of_this_release_names_the_format() {
    let server = newer_server(IDFLOW_VERSION).await;
    let store = RemoteStore::new(&server.root, &server.designer).expect("client");
    let result = tokio::task::spawn_blocking(move || store.draft(10011).map(|_| ()))
        .await
        .expect("thread");
    match result {
        Err(error @ StoreError::Server { .. }) => {
            let text = error.to_string();
            assert!(
                text.contains(&format!(
                    "holds a workflow written by a newer idflow (format 4); this build ({IDFLOW_VERSION}) reads formats 1–3: needs a newer idflow"
                )) && !text.contains("is this an idflow server"),
                "{text}"
            );
        }
        other => panic!("expected a Server error naming the format, got {other:?}"),
    }
    server.task.abort();
}

/// Issue 29: the OpenAPI document (schemathesis checks answers against it)
/// declares `idflow-version` on every response of every operation,
/// and documents `GET /api/store/v1/version`.
#[tokio::test]
async fn the_openapi_document_declares_the_version_header_everywhere() {
    let f = fixture().await;
    let document = json_of(
        f.http
            .get(format!("{}/openapi.json", f.server.root))
            .send()
            .await
            .expect("document"),
    )
    .await;
    let paths = document["paths"].as_object().expect("paths");
    let mut responses = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("item") {
            let Some(answers) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in answers {
                let header = &response["headers"][VERSION_HEADER];
                assert_eq!(
                    header["schema"]["type"], "string",
                    "{method} {path} {status}: {response}"
                );
                responses += 1;
            }
        }
    }
    assert!(responses > 50, "{responses}");
    let version = &paths["/api/store/v1/version"]["get"];
    assert_eq!(version["operationId"], "getServerVersion");
    assert_eq!(
        version["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ServerVersion"
    );
    f.server.stop().await;
}

/// Records, as a newer idflow's server would, a migration this build does
/// not have; the migrations recorded afterwards.
async fn record_a_newer_migration(location: &DbLocation) -> Vec<i64> {
    use sqlx::Connection;
    const INSERT: &str = "INSERT INTO _sqlx_migrations \
        (version, description, success, checksum, execution_time) \
        VALUES (9999, 'from a newer idflow', TRUE, x'00', 0)";
    const SELECT: &str = "SELECT version FROM _sqlx_migrations ORDER BY version";
    match location {
        DbLocation::Sqlite(path) => {
            let connection = rusqlite::Connection::open(path).expect("open");
            connection.execute(INSERT, []).expect("insert");
            let mut select = connection.prepare(SELECT).expect("select");
            select
                .query_map([], |row| row.get::<_, i64>(0))
                .expect("rows")
                .map(|v| v.expect("version"))
                .collect()
        }
        DbLocation::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
            sqlx::query(&INSERT.replace("x'00'", "'\\x00'::bytea"))
                .execute(&mut connection)
                .await
                .expect("insert");
            let versions: Vec<i64> = sqlx::query_scalar(SELECT)
                .fetch_all(&mut connection)
                .await
                .expect("select");
            let _ = connection.close().await;
            versions
        }
    }
}

both_backends!(
    /// Issue 29: the server's own store, a database a newer idflow migrated,
    /// is refused at start with "needs a newer idflow" (not sqlx's "previously
    /// applied but missing"), before anything is written.
    #[tokio::test]
    async fn a_database_a_newer_idflow_migrated_is_refused(db: TestDb) {
        let state = AppState::open_location(&db.location).await.expect("open");
        state.db.close().await;
        let recorded = record_a_newer_migration(&db.location).await;
        assert_eq!(recorded.last(), Some(&9999));
        let newest = recorded[recorded.len() - 2];
        match AppState::open_location(&db.location).await {
            Err(error) => {
                let text = error.to_string();
                assert!(
                    text.contains(&format!(
                        "the database was migrated by a newer idflow (migration 9999); this build ({IDFLOW_VERSION}) knows migrations up to {newest}: needs a newer idflow"
                    )),
                    "{text}"
                );
            }
            Ok(_) => panic!("a database of a newer idflow was opened"),
        }
        // Nothing was migrated meanwhile.
        assert_eq!(migrations_recorded(&db.location).await, recorded.len());
    }
);

/// How many migrations the database records.
async fn migrations_recorded(location: &DbLocation) -> usize {
    use sqlx::Connection;
    const COUNT: &str = "SELECT COUNT(*) FROM _sqlx_migrations";
    match location {
        DbLocation::Sqlite(path) => {
            let connection = rusqlite::Connection::open(path).expect("open");
            let n: i64 = connection
                .query_row(COUNT, [], |row| row.get(0))
                .expect("count");
            usize::try_from(n).expect("count")
        }
        DbLocation::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
            let n: i64 = sqlx::query_scalar(COUNT)
                .fetch_one(&mut connection)
                .await
                .expect("count");
            let _ = connection.close().await;
            usize::try_from(n).expect("count")
        }
    }
}
