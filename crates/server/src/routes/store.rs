//! The store API, `/api/store/v1`: list, get, history, versions, create,
//! save draft, publish, duplicate, restore. Workflows travel as the JSON wire
//! format (`idflow_core::format`, `Format::Json`); drafts carry their
//! revision as the ETag, and writes name it in `If-Match`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use idflow_core::Workflow;
use idflow_core::format::{Format, ParseError, parse_workflow};
use idflow_store::{DuplicatedFrom, Origin, Revision, VersionInfo, WorkflowSummary};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ApiPath, ApiQuery, Precondition, etag, if_match};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

/// Where the store API is mounted.
pub const PREFIX: &str = "/api/store/v1";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/workflows", get(list).post(create))
        .route("/workflows/{key}", get(draft))
        .route("/workflows/{key}/draft", put(save_draft))
        .route("/workflows/{key}/versions", get(history))
        .route("/workflows/{key}/versions/{number}", get(version))
        .route("/workflows/{key}/publish", post(publish))
        .route("/workflows/{key}/duplicate", post(duplicate))
        .route("/workflows/{key}/restore", post(restore))
}

#[derive(Debug, Serialize)]
struct ListBody {
    workflows: Vec<WorkflowSummary>,
}

#[derive(Debug, Serialize)]
struct DraftBody {
    key: u32,
    origin: Origin,
    revision: Revision,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicated_from: Option<DuplicatedFrom>,
    workflow: Workflow,
}

#[derive(Debug, Serialize)]
struct HistoryBody {
    key: u32,
    versions: Vec<VersionInfo>,
}

#[derive(Debug, Serialize)]
struct VersionBody {
    key: u32,
    version: VersionInfo,
    workflow: Workflow,
}

/// The answer to a write: the workflow's key and its draft's revision.
#[derive(Debug, Serialize)]
struct WrittenBody {
    key: u32,
    revision: Revision,
}

#[derive(Debug, Serialize)]
struct PublishedBody {
    key: u32,
    version: VersionInfo,
}

#[derive(Debug, Deserialize)]
struct DuplicateQuery {
    version: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct RestoreQuery {
    version: u32,
}

/// A workflow in the JSON wire format as the request body. A body that is
/// too large is a 413, one that is not a workflow a 400 naming the line,
/// column and problem.
pub struct WorkflowBody(pub Workflow);

impl<S: Send + Sync> FromRequest<S> for WorkflowBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<WorkflowBody, ApiError> {
        let bytes = Bytes::from_request(request, state).await?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_WORKFLOW",
                format!("the request body is not UTF-8 text: {e}"),
            )
        })?;
        parse_workflow(text, Format::Json)
            .map(WorkflowBody)
            .map_err(|error| invalid_workflow(&error))
    }
}

fn invalid_workflow(error: &ParseError) -> ApiError {
    let details = match error {
        ParseError::Syntax {
            line,
            column,
            message,
        } => json!({ "line": line, "column": column, "problem": message }),
        ParseError::InvalidValue { node, message } => json!({ "node": node, "problem": message }),
        other => json!({ "problem": other.to_string() }),
    };
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "INVALID_WORKFLOW",
        format!("the request body is not a workflow in JSON: {error}"),
    )
    .with_details(details)
}

fn location(path: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&format!("{PREFIX}{path}")) {
        headers.insert(header::LOCATION, value);
    }
    headers
}

/// 201 for a new workflow: `Location`, `ETag` and `{key, revision}`.
fn created_workflow(key: u32, revision: Revision) -> Response {
    let mut headers = location(&format!("/workflows/{key}"));
    headers.extend(etag(revision));
    (
        StatusCode::CREATED,
        headers,
        Json(WrittenBody { key, revision }),
    )
        .into_response()
}

async fn list(State(state): State<AppState>, _caller: Caller) -> Result<Response, ApiError> {
    let workflows = state.db.list().await?;
    Ok(Json(ListBody { workflows }).into_response())
}

async fn draft(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(key): ApiPath<u32>,
) -> Result<Response, ApiError> {
    let draft = state.db.draft(key).await?;
    Ok((
        etag(draft.revision),
        Json(DraftBody {
            key,
            origin: draft.origin,
            revision: draft.revision,
            duplicated_from: draft.duplicated_from,
            workflow: draft.workflow,
        }),
    )
        .into_response())
}

async fn history(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(key): ApiPath<u32>,
) -> Result<Response, ApiError> {
    let versions = state.db.history(key).await?;
    Ok(Json(HistoryBody { key, versions }).into_response())
}

async fn version(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath((key, number)): ApiPath<(u32, u32)>,
) -> Result<Response, ApiError> {
    if let Some(body) = state.published.get(&(key, number)) {
        return Ok(json_bytes(body));
    }
    let stored = state.db.version(key, number).await?;
    let body = serde_json::to_vec(&VersionBody {
        key,
        version: stored.info,
        workflow: stored.workflow,
    })
    .map_err(|e| ApiError::internal(&e))?;
    let body = Bytes::from(body);
    state.published.insert((key, number), body.clone());
    Ok(json_bytes(body))
}

/// A JSON body encoded earlier.
fn json_bytes(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    WorkflowBody(workflow): WorkflowBody,
) -> Result<Response, ApiError> {
    let key = state.db.create(&workflow, None).await?;
    tracing::info!(key, caller = %caller.name, "created");
    Ok(created_workflow(key, 1))
}

async fn save_draft(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<u32>,
    headers: HeaderMap,
    WorkflowBody(workflow): WorkflowBody,
) -> Result<Response, ApiError> {
    let base = match if_match(&headers)? {
        Precondition::Revision(base) => base,
        Precondition::Any => {
            return Err(ApiError::bad_request(
                "If-Match: * is not accepted for saving a draft: name the revision your change is based on",
            ));
        }
    };
    let revision = state.db.save_draft(key, &workflow, base).await?;
    tracing::info!(key, revision, caller = %caller.name, "draft saved");
    Ok((etag(revision), Json(WrittenBody { key, revision })).into_response())
}

async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<u32>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    caller.require_publisher()?;
    let base = match if_match(&headers)? {
        Precondition::Revision(base) => Some(base),
        Precondition::Any => None,
    };
    let info = state.db.publish(key, base).await?;
    tracing::info!(key, version = info.number, caller = %caller.name, "published");
    let headers = location(&format!("/workflows/{key}/versions/{}", info.number));
    Ok((
        StatusCode::CREATED,
        headers,
        Json(PublishedBody { key, version: info }),
    )
        .into_response())
}

async fn duplicate(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<u32>,
    ApiQuery(query): ApiQuery<DuplicateQuery>,
) -> Result<Response, ApiError> {
    let new_key = state.db.duplicate(key, query.version).await?;
    tracing::info!(from = key, version = ?query.version, key = new_key, caller = %caller.name, "duplicated");
    Ok(created_workflow(new_key, 1))
}

/// Makes a published version the draft again (a new revision). Like
/// saving a draft: designers may, `If-Match: "REVISION"` is required.
async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(key): ApiPath<u32>,
    ApiQuery(query): ApiQuery<RestoreQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let base = match if_match(&headers)? {
        Precondition::Revision(base) => base,
        Precondition::Any => {
            return Err(ApiError::bad_request(
                "If-Match: * is not accepted for restoring a version: name the revision your change is based on",
            ));
        }
    };
    let revision = state.db.restore(key, query.version, base).await?;
    tracing::info!(key, version = query.version, revision, caller = %caller.name, "version restored");
    Ok((etag(revision), Json(WrittenBody { key, revision })).into_response())
}
