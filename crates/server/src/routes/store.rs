//! The store API, `/api/store/v1`: list, get, history, versions, create,
//! save draft, publish, duplicate, restore. Workflows travel as the JSON wire
//! format (`idflow_core::format`, `Format::Json`); drafts carry their
//! revision as the ETag, and writes name it in `If-Match`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use idflow_core::Workflow;
use idflow_core::format::{Format, ParseError, parse_workflow};
use idflow_store::policy::Refusal;
use idflow_store::wire::{
    ApprovedBody, ArchivedBody, AuditList, CommentList, CommentState, DraftBody, HistoryBody,
    NewComment, PublishRequest, PublishedBody, ServerVersion, VersionBody, WireWorkflow,
    WorkflowList, WrittenBody,
};
use idflow_store::{Revision, check_note};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::{JsonBody, LargeJsonBody, SmallJsonBody};
use super::extract::{ApiPath, ApiQuery, Key, Precondition, etag, if_match};
use crate::AppState;
use crate::auth::Caller;
use crate::db::{AUDIT_PAGE, AuditQuery};
use crate::error::ApiError;
use crate::openapi::{ErrorBody, STORE_TAG};

/// The longest step id a comment may name (the store's rule).
pub use idflow_store::MAX_STEP_CHARS;

/// Where the store API is mounted.
pub const PREFIX: &str = "/api/store/v1";

/// The store API's routes, each registered with its documentation
/// (`routes!`), so the router and the OpenAPI document cannot drift.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(list, create))
        .routes(routes!(draft))
        .routes(routes!(save_draft))
        .routes(routes!(history))
        .routes(routes!(version))
        .routes(routes!(publish))
        .routes(routes!(duplicate))
        .routes(routes!(restore))
        .routes(routes!(archive))
        .routes(routes!(unarchive))
        .routes(routes!(approve))
        .routes(routes!(audit))
        .routes(routes!(comments, add_comment))
        .routes(routes!(set_comment))
        .routes(routes!(server_version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DuplicateQuery {
    /// The published version to copy; the draft when absent.
    #[param(value_type = Option<u32>, minimum = 1)]
    version: Option<Key>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct RestoreQuery {
    /// The published version to make the draft again.
    #[param(value_type = u32, minimum = 1)]
    version: Key,
}

/// A workflow in the JSON wire format as the request body. A body that is
/// too large is a 413, one that is not a workflow a 400 naming the line,
/// column and problem.
pub struct WorkflowBody(pub Workflow);

impl<S: Send + Sync> FromRequest<S> for WorkflowBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<WorkflowBody, ApiError> {
        let JsonBody(bytes) = LargeJsonBody::from_request(request, state).await?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_WORKFLOW",
                format!("the request body is not UTF-8 text: {e}"),
            )
        })?;
        let workflow =
            parse_workflow(text, Format::Json).map_err(|error| invalid_workflow(&error))?;
        // Issue 30, item 8: names, titles, descriptions and notes within
        // their limits and free of control characters, on either database.
        idflow_core::text::check_workflow(&workflow).map_err(|problem| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "INVALID_WORKFLOW",
                format!("the workflow's {problem}"),
            )
            .with_details(json!({ "field": problem.field, "problem": problem.problem.to_string() }))
        })?;
        Ok(WorkflowBody(workflow))
    }
}

/// A publish request's note: an empty body is no note; otherwise
/// `{"note": "..."}` (at most MAX_NOTE_CHARS characters).
pub struct PublishNote(pub String);

impl<S: Send + Sync> FromRequest<S> for PublishNote {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<PublishNote, ApiError> {
        let JsonBody(bytes) = SmallJsonBody::from_request(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(PublishNote(String::new()));
        }
        let body: PublishRequest = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request(format!(
                "the request body is not {{\"note\": \"...\"}}: {e} (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?;
        // The note as sent is what the schema bounds (issue 30, item 8).
        check_note(&body.note).map_err(refused_text)?;
        Ok(PublishNote(body.note.trim().to_owned()))
    }
}

/// A text the store's rules refuse: 400 naming the field where the rule
/// says which.
fn refused_text(refusal: Refusal) -> ApiError {
    let error = ApiError::bad_request(refusal.to_string());
    match refusal {
        Refusal::BadText { field, problem } => {
            error.with_details(json!({ "field": field, "problem": problem.to_string() }))
        }
        _ => error,
    }
}

fn invalid_workflow(error: &ParseError) -> ApiError {
    if let ParseError::Newer(newer) = error {
        // Issue 29: a workflow of a newer format says which idflow it needs.
        let this = ServerVersion::this_build();
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_WORKFLOW",
            format!(
                "the workflow is in format {}, written by a newer idflow; this server runs idflow {}, which reads formats {}–{}: needs a newer idflow on the server",
                newer.found, this.idflow, this.workflow_formats.oldest, this.workflow_formats.newest
            ),
        )
        .with_details(json!({
            "problem": newer.to_string(),
            "format_version": newer.found,
            "server": this,
        }));
    }
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

/// List the workflows
///
/// Every workflow, Global (standard, read-only) and custom, with its name,
/// origin, status, newest published version and draft revision.
#[utoipa::path(
    get,
    path = "/workflows",
    tag = STORE_TAG,
    operation_id = "listWorkflows",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The workflows", body = WorkflowList),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
    ),
)]
async fn list(State(state): State<AppState>, _caller: Caller) -> Result<Response, ApiError> {
    let workflows = state.db.list().await?;
    Ok(Json(WorkflowList { workflows }).into_response())
}

/// Read a workflow's draft
///
/// The draft with its revision, which is also the `ETag`.
#[utoipa::path(
    get,
    path = "/workflows/{key}",
    tag = STORE_TAG,
    operation_id = "getDraft",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
    ),
    responses(
        (status = 200, description = "The draft", body = DraftBody, headers(("ETag" = String, description = "The draft's revision, quoted: `\"3\"`"))),
        (status = 400, description = "The key is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn draft(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
) -> Result<Response, ApiError> {
    let draft = state.db.draft(key).await?;
    Ok((
        etag(draft.revision),
        Json(DraftBody {
            key,
            origin: draft.origin,
            revision: draft.revision,
            duplicated_from: draft.duplicated_from,
            workflow: WireWorkflow(draft.workflow),
        }),
    )
        .into_response())
}

/// List a workflow's published versions
#[utoipa::path(
    get,
    path = "/workflows/{key}/versions",
    tag = STORE_TAG,
    operation_id = "listVersions",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
    ),
    responses(
        (status = 200, description = "The published versions, oldest first", body = HistoryBody),
        (status = 400, description = "The key is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn history(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
) -> Result<Response, ApiError> {
    let versions = state.db.history(key).await?;
    Ok(Json(HistoryBody { key, versions }).into_response())
}

/// Read a published version
///
/// Published versions never change: the answer is the same bytes every time.
#[utoipa::path(
    get,
    path = "/workflows/{key}/versions/{number}",
    tag = STORE_TAG,
    operation_id = "getVersion",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
        ("number" = u32, Path, minimum = 1, description = "The version number: 1, 2, 3, ..."),
    ),
    responses(
        (status = 200, description = "The version and its workflow", body = VersionBody),
        (status = 400, description = "The key or the number is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key, or it has no such version (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn version(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath((Key(key), Key(number))): ApiPath<(Key, Key)>,
) -> Result<Response, ApiError> {
    if let Some(body) = state.published.get(&(key, number)) {
        return Ok(json_bytes(body));
    }
    let stored = state.db.version(key, number).await?;
    let body = serde_json::to_vec(&VersionBody {
        key,
        version: stored.info,
        workflow: WireWorkflow(stored.workflow),
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

/// Create a workflow
///
/// Stores the body as the draft (revision 1) of a new custom workflow under a
/// fresh key; the body's own key is ignored.
#[utoipa::path(
    post,
    path = "/workflows",
    tag = STORE_TAG,
    operation_id = "createWorkflow",
    security(("bearer" = [])),
    request_body(
        content = WireWorkflow,
        content_type = "application/json",
        description = "A workflow in the JSON wire format (as in a `.json` workflow file); at most 2 MiB",
    ),
    responses(
        (status = 201, description = "Created: the new key and revision 1", body = WrittenBody, headers(("Location" = String, description = "The new workflow: `/api/store/v1/workflows/KEY`"), ("ETag" = String, description = "The draft's revision, quoted: `\"1\"`"))),
        (status = 400, description = "The body is not a workflow in JSON (`INVALID_WORKFLOW`, with the line, column and problem in `details`), or cannot be read (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 2 MiB (`PAYLOAD_TOO_LARGE`)", body = ErrorBody),
        (status = 507, description = "No custom key is left (`KEYS_EXHAUSTED`)", body = ErrorBody),
    ),
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    WorkflowBody(workflow): WorkflowBody,
) -> Result<Response, ApiError> {
    let key = state
        .db
        .create(
            &workflow,
            None,
            std::slice::from_ref(&caller.name),
            &caller.name,
        )
        .await?;
    tracing::info!(key, caller = %caller.name, "created");
    Ok(created_workflow(key, 1))
}

/// Save a workflow's draft
///
/// Replaces the draft of a custom workflow if `If-Match` still names its
/// revision; the answer carries the new revision.
#[utoipa::path(
    put,
    path = "/workflows/{key}/draft",
    tag = STORE_TAG,
    operation_id = "saveDraft",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
        ("If-Match" = String, Header, pattern = r#"^("[0-9]{1,19}"|[0-9]{1,19})$"#, description = "The revision (the draft's `ETag`) the change is based on, e.g. `\"3\"`; `*` is refused"),
    ),
    request_body(
        content = WireWorkflow,
        content_type = "application/json",
        description = "A workflow in the JSON wire format (as in a `.json` workflow file); at most 2 MiB",
    ),
    responses(
        (status = 200, description = "Saved: the new revision", body = WrittenBody, headers(("ETag" = String, description = "The draft's new revision, quoted: `\"4\"`"))),
        (status = 400, description = "The key is not a number or `If-Match` is malformed or `*` (`BAD_REQUEST`), or the body is not a workflow in JSON (`INVALID_WORKFLOW`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "A Global workflow is read-only: duplicate it (`READ_ONLY`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
        (status = 409, description = "The draft changed since that revision (`CONFLICT`; `details` has `expected_revision` and `current_revision`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 2 MiB (`PAYLOAD_TOO_LARGE`)", body = ErrorBody),
        (status = 428, description = "No `If-Match` header (`PRECONDITION_REQUIRED`)", body = ErrorBody),
    ),
)]
async fn save_draft(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
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
    let revision = state
        .db
        .save_draft(key, &workflow, base, &caller.name)
        .await?;
    tracing::info!(key, revision, caller = %caller.name, "draft saved");
    Ok((etag(revision), Json(WrittenBody { key, revision })).into_response())
}

/// Publish a workflow's draft
///
/// Freezes the draft as the next version. Needs the role `publisher`, and a
/// draft without lint errors; when the store requires four eyes, an
/// approval of that revision by a publisher who is none of its authors.
/// The body may carry a note (what changed and why); the version records
/// it with the token's name as its `author` (who published it), the
/// revision's `authors` (who wrote it) and `approved_by`.
#[utoipa::path(
    post,
    path = "/workflows/{key}/publish",
    tag = STORE_TAG,
    operation_id = "publishDraft",
    security(("bearer" = [])),
    request_body(content = PublishRequest, description = "Optional: `{\"note\": \"...\"}`; no body publishes without a note", content_type = "application/json"),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
        ("If-Match" = String, Header, pattern = r#"^(\*|"[0-9]{1,19}"|[0-9]{1,19})$"#, description = "The revision (the draft's `ETag`) to publish, e.g. `\"3\"`, or `*` for whatever the draft is now"),
    ),
    responses(
        (status = 200, description = "That draft revision was already published: its version, nothing added (publishing is exactly-once per revision)", body = PublishedBody, headers(("Location" = String, description = "The version: `/api/store/v1/workflows/KEY/versions/N`"))),
        (status = 201, description = "Published: the new version", body = PublishedBody, headers(("Location" = String, description = "The new version: `/api/store/v1/workflows/KEY/versions/N`"))),
        (status = 400, description = "The key is not a number, `If-Match` is malformed, or the body is not `{\"note\": \"...\"}` with at most 2,000 characters (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "The token's role is not `publisher` (`FORBIDDEN`), the workflow is Global (`READ_ONLY`), or the store requires four eyes and no publisher who is none of the revision's authors approved it (`APPROVAL_REQUIRED`; `details.authors` lists them)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
        (status = 409, description = "The draft changed since that revision and it was never published (`CONFLICT`)", body = ErrorBody),
        (status = 422, description = "The draft has lint errors (`LINT_ERRORS`; `details.findings` lists them)", body = ErrorBody),
        (status = 428, description = "No `If-Match` header (`PRECONDITION_REQUIRED`)", body = ErrorBody),
    ),
)]
async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
    headers: HeaderMap,
    PublishNote(note): PublishNote,
) -> Result<Response, ApiError> {
    caller.require_publisher()?;
    let base = match if_match(&headers)? {
        Precondition::Revision(base) => Some(base),
        Precondition::Any => None,
    };
    let (info, new) = state.db.publish(key, base, &note, &caller.name).await?;
    tracing::info!(key, version = info.number, new, caller = %caller.name, "published");
    let headers = location(&format!("/workflows/{key}/versions/{}", info.number));
    Ok((
        // Exactly once: an already published revision answers its version.
        if new {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        headers,
        Json(PublishedBody { key, version: info }),
    )
        .into_response())
}

/// Duplicate a workflow
///
/// Copies the draft, or a published version, into a new custom workflow
/// named "Copy of ...". Works on Global workflows too.
#[utoipa::path(
    post,
    path = "/workflows/{key}/duplicate",
    tag = STORE_TAG,
    operation_id = "duplicateWorkflow",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
        DuplicateQuery,
    ),
    responses(
        (status = 201, description = "Created: the new key and revision 1", body = WrittenBody, headers(("Location" = String, description = "The new workflow: `/api/store/v1/workflows/KEY`"), ("ETag" = String, description = "The draft's revision, quoted: `\"1\"`"))),
        (status = 400, description = "The key or `version` is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key, or it has no such version (`NOT_FOUND`)", body = ErrorBody),
        (status = 507, description = "No custom key is left (`KEYS_EXHAUSTED`)", body = ErrorBody),
    ),
)]
async fn duplicate(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
    ApiQuery(query): ApiQuery<DuplicateQuery>,
) -> Result<Response, ApiError> {
    let version = query.version.map(|Key(v)| v);
    let new_key = state.db.duplicate(key, version, &caller.name).await?;
    tracing::info!(from = key, version = ?version, key = new_key, caller = %caller.name, "duplicated");
    Ok(created_workflow(new_key, 1))
}

/// Restore a published version
///
/// Makes a published version the draft again (a new revision). Like
/// saving a draft: designers may, `If-Match: "REVISION"` is required.
#[utoipa::path(
    post,
    path = "/workflows/{key}/restore",
    tag = STORE_TAG,
    operation_id = "restoreVersion",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 10011"),
        RestoreQuery,
        ("If-Match" = String, Header, pattern = r#"^("[0-9]{1,19}"|[0-9]{1,19})$"#, description = "The revision (the draft's `ETag`) the change is based on, e.g. `\"3\"`; `*` is refused"),
    ),
    responses(
        (status = 200, description = "Restored: the draft's new revision", body = WrittenBody, headers(("ETag" = String, description = "The draft's new revision, quoted: `\"4\"`"))),
        (status = 400, description = "The key or `version` is missing or not a number, or `If-Match` is malformed or `*` (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "A Global workflow is read-only (`READ_ONLY`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key, or it has no such version (`NOT_FOUND`)", body = ErrorBody),
        (status = 409, description = "The draft changed since that revision (`CONFLICT`)", body = ErrorBody),
        (status = 428, description = "No `If-Match` header (`PRECONDITION_REQUIRED`)", body = ErrorBody),
    ),
)]
async fn restore(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
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
    let Key(version) = query.version;
    let revision = state.db.restore(key, version, base, &caller.name).await?;
    tracing::info!(key, version, revision, caller = %caller.name, "version restored");
    Ok((etag(revision), Json(WrittenBody { key, revision })).into_response())
}

/// Archive a custom workflow
///
/// Hides it from lists (`archived: true` in the list); its draft and
/// versions are kept and it can be brought back. Needs the role
/// `publisher`. The draft's revision does not change.
#[utoipa::path(
    post,
    path = "/workflows/{key}/archive",
    tag = STORE_TAG,
    operation_id = "archiveWorkflow",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 200000"),
    ),
    responses(
        (status = 200, description = "Archived (also when it already was)", body = ArchivedBody),
        (status = 400, description = "The key is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "The token's role is not `publisher` (`FORBIDDEN`), or the workflow is Global (`READ_ONLY`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
) -> Result<Json<ArchivedBody>, ApiError> {
    set_archived(&state, &caller, key, true).await
}

/// Bring an archived workflow back
///
/// Lists it again. Needs the role `publisher`.
#[utoipa::path(
    post,
    path = "/workflows/{key}/unarchive",
    tag = STORE_TAG,
    operation_id = "unarchiveWorkflow",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 200000"),
    ),
    responses(
        (status = 200, description = "Listed again (also when it was not archived)", body = ArchivedBody),
        (status = 400, description = "The key is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "The token's role is not `publisher` (`FORBIDDEN`), or the workflow is Global (`READ_ONLY`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn unarchive(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
) -> Result<Json<ArchivedBody>, ApiError> {
    set_archived(&state, &caller, key, false).await
}

async fn set_archived(
    state: &AppState,
    caller: &Caller,
    key: u32,
    archived: bool,
) -> Result<Json<ArchivedBody>, ApiError> {
    caller.require_publisher()?;
    state.db.set_archived(key, archived, &caller.name).await?;
    tracing::info!(key, archived, caller = %caller.name, "archived flag set");
    Ok(Json(ArchivedBody { key, archived }))
}

/// Approve a draft revision
///
/// Four eyes: a publisher who is none of the revision's authors approves it
/// (`If-Match` names the revision). A revision's authors are everyone who
/// saved content into it since the last published version (a duplicate
/// carries its source's authors, a restore makes the restorer one, a save
/// that changes nothing adds nobody). When the store requires approval
/// (`idflow serve --require-approval`, `idflow policy`) only an approved
/// revision can be published; any later save makes a new revision that
/// needs its own approval.
#[utoipa::path(
    post,
    path = "/workflows/{key}/approve",
    tag = STORE_TAG,
    operation_id = "approveRevision",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 200000"),
        ("If-Match" = String, Header, pattern = r#"^("[0-9]{1,19}"|[0-9]{1,19})$"#, description = "The revision (the draft's `ETag`) approved, e.g. `\"3\"`; `*` is refused"),
    ),
    responses(
        (status = 200, description = "Approved: everyone who approved that revision", body = ApprovedBody),
        (status = 400, description = "The key is not a number, or `If-Match` is malformed or `*` (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "The token's role is not `publisher` (`FORBIDDEN`), the workflow is Global (`READ_ONLY`), or the caller is one of that revision's authors (`SELF_APPROVAL`; `details.authors` lists them)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
        (status = 409, description = "The draft is no longer at that revision (`CONFLICT`)", body = ErrorBody),
        (status = 428, description = "No `If-Match` header (`PRECONDITION_REQUIRED`)", body = ErrorBody),
    ),
)]
async fn approve(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
    headers: HeaderMap,
) -> Result<Json<ApprovedBody>, ApiError> {
    caller.require_publisher()?;
    let revision = match if_match(&headers)? {
        Precondition::Revision(base) => base,
        Precondition::Any => {
            return Err(ApiError::bad_request(
                "If-Match: * is not accepted for approving: name the revision you reviewed",
            ));
        }
    };
    let approved_by = state.db.approve(key, revision, &caller.name).await?;
    tracing::info!(key, revision, caller = %caller.name, "approved");
    Ok(Json(ApprovedBody {
        key,
        revision,
        approved_by,
    }))
}

/// The audit trail
///
/// Who did what and when (create, save, publish, approve, restore,
/// duplicate, archive, unarchive, comment, resolve, reopen, token create
/// and revoke, four eyes turned on or off), a page at a time: the newest
/// entries that match every filter given, listed oldest first; `next`
/// leads to the page before (issue 30, item 3). Entries are never changed.
/// Needs the role `publisher`.
#[utoipa::path(
    get,
    path = "/audit",
    tag = STORE_TAG,
    operation_id = "listAudit",
    security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "The newest entries that match, oldest first, and `next` when older ones match too", body = AuditList),
        (status = 400, description = "A filter or the paging is malformed: `key` not a key, `since`/`until` not RFC 3339 times, `cursor` or `limit` out of range (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "The token's role is not `publisher` (`FORBIDDEN`)", body = ErrorBody),
    ),
)]
async fn audit(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<AuditList>, ApiError> {
    caller.require_publisher()?;
    let page = state.db.audit_page(&params.query()?).await?;
    Ok(Json(AuditList {
        entries: page.entries,
        next: page.next,
    }))
}

/// The filters and the page of `GET /audit`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditParams {
    /// Only the entries of this workflow.
    #[param(value_type = Option<u32>, minimum = 1)]
    key: Option<Key>,
    /// Only what this actor did: a token's name, or `command line`.
    actor: Option<String>,
    /// Only this action: `create`, `save`, `publish`, `approve`,
    /// `restore`, `duplicate`, `archive`, `unarchive`, `comment`,
    /// `resolve`, `reopen`, `token-create`, `token-revoke`, `policy`.
    action: Option<String>,
    /// Only entries at or after this time (RFC 3339, e.g.
    /// `2026-12-01T00:00:00Z`).
    #[param(value_type = Option<String>, format = DateTime)]
    since: Option<String>,
    /// Only entries before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    until: Option<String>,
    /// The `next` of the page before: entries older than it.
    #[param(minimum = 1, maximum = 9_223_372_036_854_775_807_i64)]
    cursor: Option<u64>,
    /// How many entries at most: 1 to 1000; 1000 when absent.
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
}

impl AuditParams {
    fn query(self) -> Result<AuditQuery, ApiError> {
        let time = |name: &str, text: Option<String>| {
            text.map(|text| {
                time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                    .map_err(|e| {
                        ApiError::bad_request(format!(
                            "{name}={text:?} is not an RFC 3339 time such as 2026-12-01T00:00:00Z: {e}"
                        ))
                    })
            })
            .transpose()
        };
        let cursor_range = 1..=u64::try_from(i64::MAX).unwrap_or(u64::MAX);
        if let Some(cursor) = self.cursor.filter(|c| !cursor_range.contains(c)) {
            return Err(ApiError::bad_request(format!(
                "cursor={cursor} is not a page of the audit trail: pass the `next` of the page before"
            )));
        }
        let limit = self.limit.unwrap_or(AUDIT_PAGE);
        if !(1..=AUDIT_PAGE).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit={limit}: a page holds 1 to {AUDIT_PAGE} entries"
            )));
        }
        Ok(AuditQuery {
            key: self.key.map(|Key(key)| key),
            actor: self.actor,
            action: self.action,
            since: time("since", self.since)?,
            until: time("until", self.until)?,
            before: self.cursor,
            limit,
        })
    }
}

/// A JSON request body as `T`, or 400 saying what is wrong and where.
fn json_body<T: serde::de::DeserializeOwned>(bytes: &Bytes, shape: &str) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "the request body is not {shape}: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

/// A workflow's review comments
///
/// On its steps and on the workflow, oldest first; `version` names the
/// published version that carried a comment (read-only from then on).
#[utoipa::path(
    get,
    path = "/workflows/{key}/comments",
    tag = STORE_TAG,
    operation_id = "listComments",
    security(("bearer" = [])),
    params(("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 200000")),
    responses(
        (status = 200, description = "The comments", body = CommentList),
        (status = 400, description = "The key is not a number (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn comments(
    State(state): State<AppState>,
    _caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
) -> Result<Json<CommentList>, ApiError> {
    Ok(Json(CommentList {
        key,
        comments: state.db.comments(key).await?,
    }))
}

/// Comment on a draft
///
/// On a step (`step`: its id) or on the whole workflow. Never part of the
/// workflow, so it never makes a save stale. Designers may comment.
#[utoipa::path(
    post,
    path = "/workflows/{key}/comments",
    tag = STORE_TAG,
    operation_id = "addComment",
    security(("bearer" = [])),
    params(("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 200000")),
    request_body(content = NewComment, content_type = "application/json"),
    responses(
        (status = 201, description = "Added: the comment", body = idflow_store::Comment),
        (status = 400, description = "The key is not a number, or the body is not `{\"text\": ..., \"step\": ...}` with 1 to 4,000 characters that are not all white space, tabs and line breaks the only control characters, and a step id of one line (`BAD_REQUEST`; `details.field` names a refused text)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "A Global workflow is read-only (`READ_ONLY`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key (`NOT_FOUND`)", body = ErrorBody),
        (status = 429, description = "This token posted too many comments (`RATE_LIMITED`): each token may post 30 a minute, 10 at once, unless the server was started with other `--comments-per-minute`/`--comment-burst`", body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds until this token may comment again"))),
    ),
)]
async fn add_comment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(Key(key)): ApiPath<Key>,
    JsonBody(body): SmallJsonBody,
) -> Result<Response, ApiError> {
    let body: NewComment = json_body(&body, r#"{"text": "...", "step": "..."}"#)?;
    if let Some(step) = &body.step {
        idflow_core::text::check(step, MAX_STEP_CHARS, idflow_core::text::Lines::One).map_err(
            |problem| {
                ApiError::bad_request(format!("step {problem}"))
                    .with_details(json!({ "field": "step", "problem": problem.to_string() }))
            },
        )?;
    }
    let text = idflow_store::check_comment(&body.text).map_err(refused_text)?;
    // Issue 30, item 3: each token's comments come from its own bucket
    // (a comment refused above takes none).
    if let Err(wait) = state.comments.take(&caller.name) {
        return Err(too_many_comments(&state, wait));
    }
    let comment = state
        .db
        .add_comment(key, body.step.as_deref(), &text, &caller.name)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

/// 429 with `Retry-After` (whole seconds, at least 1).
fn too_many_comments(state: &AppState, wait: std::time::Duration) -> ApiError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let rate = state.comments.rate();
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        format!(
            "too many comments from this token: {} a minute, {} at once; try again in {seconds} s",
            rate.per_minute, rate.burst
        ),
    )
    .with_details(json!({
        "retry_after_seconds": seconds,
        "per_minute": rate.per_minute.get(),
        "burst": rate.burst.get(),
    }))
    .with_retry_after(seconds)
}

/// Resolve or reopen a comment
///
/// `{"resolved": true}` resolves it, `false` opens it again; a comment a
/// published version carries is read-only (`COMMENT_PUBLISHED`).
#[utoipa::path(
    put,
    path = "/workflows/{key}/comments/{id}",
    tag = STORE_TAG,
    operation_id = "setCommentState",
    security(("bearer" = [])),
    params(
        ("key" = u32, Path, minimum = 1, description = "The workflow's key, e.g. 200000"),
        ("id" = u32, Path, minimum = 1, description = "The comment's id"),
    ),
    request_body(content = CommentState, content_type = "application/json"),
    responses(
        (status = 200, description = "The comment as it is now", body = idflow_store::Comment),
        (status = 400, description = "The key or id is not a number, or the body is not `{\"resolved\": true|false}` (`BAD_REQUEST`)", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 403, description = "A published version carries it (`COMMENT_PUBLISHED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key, or it has no such comment (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn set_comment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(CommentPath { key, id }): ApiPath<CommentPath>,
    JsonBody(body): SmallJsonBody,
) -> Result<Json<idflow_store::Comment>, ApiError> {
    let Key(key) = key;
    let Key(id) = id;
    let body: CommentState = json_body(&body, r#"{"resolved": true}"#)?;
    let comment = state
        .db
        .set_resolved(key, u64::from(id), body.resolved, &caller.name)
        .await?;
    Ok(Json(comment))
}

#[derive(Debug, Deserialize)]
struct CommentPath {
    key: Key,
    id: Key,
}

/// The server's idflow release
///
/// The idflow release the server runs and the workflow formats it reads
/// (it writes the newest). Every answer also carries the release in its
/// `idflow-version` header.
#[utoipa::path(
    get,
    path = "/version",
    tag = STORE_TAG,
    operation_id = "getServerVersion",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The server's release and formats", body = ServerVersion),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
    ),
)]
async fn server_version(_caller: Caller) -> Json<ServerVersion> {
    Json(ServerVersion::this_build())
}
