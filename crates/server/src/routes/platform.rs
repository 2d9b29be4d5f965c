//! The mock platform API, `/api/v1` (see `crate::platform`): create or
//! update an account (a new workflow execution), upload image parts,
//! finalize, read the status and the details.
//!
//! Auth: `Authorization: Bearer TOKEN`. Creating and updating accounts and
//! reading details take a store-API token (any role). Uploading, finalizing
//! and reading the status take a store-API token or the execution's own
//! token (`api.token`/`sdk.token`, a JWT that names the account and the
//! execution); an expired execution token is a 401 `TOKEN_EXPIRED`.

use std::borrow::Cow;

use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use idflow_core::model::{Channel, CredentialCategory, Part};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::ApiPath;
use crate::AppState;
use crate::auth::{Caller, TOKEN_PREFIX, bearer_token};
use crate::error::ApiError;
use crate::openapi::{ErrorBody, PLATFORM_TAG, schema};
use crate::platform::clock::rfc3339_millis;
use crate::platform::lifecycle;
use crate::platform::links::Links;
use crate::platform::outbound;
use crate::platform::prepared::{self, PreparedData};
use crate::platform::request::{self, FieldProblem, RequestError};
use crate::platform::storage::{
    self, AccountWrite, Execution, ExecutionStatus, NewExecution, PartRecord, StoredCredential,
};
use crate::platform::token::TokenError;
use crate::platform::upload::{self, UPLOAD_BODY_LIMIT, UploadError};
use crate::platform::{PlatformError, credentials, pool, process};

/// Where the platform API is mounted.
pub const PREFIX: &str = crate::platform::links::PREFIX;

/// The platform API's routes, each registered with its documentation
/// (`routes!`), so the router and the OpenAPI document cannot drift. The
/// part upload has its own, larger body limit.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(create_account))
        .routes(routes!(update_account))
        .routes(routes!(execution_details, finalize))
        .routes(routes!(execution_status))
        .routes(routes!(upload_part).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
}

// ---------------------------------------------------------------- bodies

/// `{"id": ...}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IdRef {
    pub id: String,
}

/// Answer to `POST /accounts` and `PUT /accounts/{accountId}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountResponse {
    pub timestamp: String,
    pub account: IdRef,
    pub web: WebLink,
    pub sdk: SdkToken,
    pub workflow_execution: NewExecutionBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebLink {
    /// `{base}/web/v4/app?authorizationToken={jwt}&locale={locale}`.
    pub href: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SdkToken {
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewExecutionBody {
    pub id: String,
    pub credentials: Vec<CredentialBody>,
}

/// One credential the execution collects.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CredentialBody {
    pub id: String,
    #[schema(value_type = schema::CredentialCategory)]
    pub category: CredentialCategory,
    #[schema(value_type = Vec<schema::Channel>)]
    pub allowed_channels: Vec<Channel>,
    /// Only when the API channel is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub api: Option<CredentialApi>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CredentialApi {
    pub token: String,
    /// Upload URLs, only for the parts the API accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub parts: Option<ApiParts>,
    /// The execution's URL (PUT finalizes, GET reads the details).
    pub workflow_execution: String,
}

/// Upload URLs by part.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ApiParts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub front: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub back: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub face: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub facemap: Option<String>,
    /// Prepared (supporting) data, a JSON body (domain.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub prepared_data: Option<String>,
}

/// Answer to a part upload.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartUploaded {
    pub timestamp: String,
    pub account: IdRef,
    pub workflow_execution: IdRef,
    pub credential: CredentialRef,
    pub part: PartInfo,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CredentialRef {
    pub id: String,
    #[schema(value_type = schema::CredentialCategory)]
    pub category: CredentialCategory,
}

/// What is recorded of an uploaded part (the bytes are not kept).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartInfo {
    #[schema(value_type = schema::Part)]
    pub classifier: Part,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_at: String,
}

/// Answer to finalize (202) and to the status request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionStateBody {
    pub timestamp: String,
    pub account: IdRef,
    pub workflow_execution: ExecutionState,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionState {
    pub id: String,
    /// The workflow key, as a string (`"10011"`).
    pub definition_key: String,
    #[schema(value_type = schema::ExecutionStatus)]
    pub status: ExecutionStatus,
    /// The details URL.
    pub href: String,
}

/// The details before processing ends (once PROCESSED the full retrieval
/// document is returned instead). No other fields: so a retrieval document
/// (with `decision`, `capabilities`...) never also matches this branch of
/// `ExecutionDetails`' `oneOf` (issue 13).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PendingDetails {
    pub workflow: PendingWorkflow,
    pub account: IdRef,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PendingWorkflow {
    pub id: String,
    #[schema(value_type = schema::ExecutionStatus)]
    pub status: ExecutionStatus,
    pub definition_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub user_reference: Option<String>,
    pub customer_internal_reference: String,
}

/// The answer to reading an execution's details: the retrieval document
/// once PROCESSED, the pending details before.
pub struct ExecutionDetails;

impl PartialSchema for ExecutionDetails {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(Ref::from_schema_name(PendingDetails::name()))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .title(Some("RetrievalDocument"))
                    .description(Some(
                        "Once the execution is PROCESSED: the retrieval document the simulator \
                         built for it (`idflow_core::simulate::details`), shaped like the \
                         platform's: `workflow` (id, status PROCESSED, definitionKey, \
                         userReference, customerInternalReference), `account`, `createdAt`, \
                         `startedAt`, `completedAt`, `credentials` (with their parts), \
                         `decision` (type, details.label, risk.score), `steps` and \
                         `capabilities` (the results of the workflow's capabilities).",
                    ))
                    .required("workflow")
                    .required("decision"),
            )
            .description(Some(
                "PendingDetails before the execution is PROCESSED, the retrieval document after",
            ))
            .into()
    }
}

impl ToSchema for ExecutionDetails {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ExecutionDetails")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            PendingDetails::name().into_owned(),
            PendingDetails::schema(),
        ));
        <PendingDetails as ToSchema>::schemas(schemas);
    }
}

/// The multipart/form-data body of a part upload.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: `upload::read_file` reads the body
pub struct PartUpload {
    /// The image: a JPEG or PNG (recognised by its first bytes, whatever
    /// its declared type) of at most 5 MiB.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

// ---------------------------------------------------------------- errors

impl From<PlatformError> for ApiError {
    fn from(error: PlatformError) -> ApiError {
        match error {
            PlatformError::Db(e) => ApiError::from(e),
            other => ApiError::internal(&other),
        }
    }
}

fn request_error(error: RequestError) -> ApiError {
    let message = error.to_string();
    match error {
        RequestError::Syntax {
            line,
            column,
            message: problem,
        } => ApiError::bad_request(message)
            .with_details(json!({ "line": line, "column": column, "problem": problem })),
        RequestError::NotAnObject => ApiError::bad_request(message),
        RequestError::Invalid(fields) => {
            ApiError::bad_request(message).with_details(json!({ "fields": fields }))
        }
    }
}

fn upload_error(error: UploadError) -> ApiError {
    let message = error.to_string();
    let (status, code) = match &error {
        UploadError::NoFileField => (StatusCode::BAD_REQUEST, "NO_FILE"),
        UploadError::Empty => (StatusCode::BAD_REQUEST, "EMPTY_FILE"),
        UploadError::NotAnImage => (StatusCode::BAD_REQUEST, "UNSUPPORTED_FILE_TYPE"),
        UploadError::TooLarge => (StatusCode::BAD_REQUEST, "FILE_TOO_LARGE"),
        UploadError::Body { status, .. } if *status == StatusCode::PAYLOAD_TOO_LARGE => {
            (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE")
        }
        UploadError::Body { .. } => (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
    };
    let error = ApiError::new(status, code, message);
    match code {
        "FILE_TOO_LARGE" => error.with_details(json!({ "limit_bytes": upload::MAX_FILE_BYTES })),
        "PAYLOAD_TOO_LARGE" => error.with_details(json!({ "limit_bytes": UPLOAD_BODY_LIMIT })),
        _ => error,
    }
}

fn token_expired(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED", message)
}

fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

/// Why an execution in `status` no longer takes parts or a finalize.
fn not_open(execution: &Execution, doing: &str) -> ApiError {
    match execution.status {
        ExecutionStatus::TokenExpired => conflict(
            "TOKEN_EXPIRED",
            format!(
                "cannot {doing}: the token lifetime of workflow execution {} has passed; start a new execution with PUT /api/v1/accounts/{}",
                execution.id, execution.account_id
            ),
        ),
        ExecutionStatus::SessionExpired => conflict(
            "SESSION_EXPIRED",
            format!(
                "cannot {doing}: workflow execution {} has expired",
                execution.id
            ),
        ),
        status => conflict(
            "ALREADY_FINALIZED",
            format!(
                "cannot {doing}: workflow execution {} was already finalized (it is {status})",
                execution.id
            ),
        ),
    }
}

// ---------------------------------------------------------------- helpers

/// Who is calling an execution's endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    /// A store-API token holder (by token name).
    Store(String),
    /// The execution's own token.
    Execution,
}

/// Checks the bearer token for an endpoint of execution `execution_id` of
/// `account_id`: a store-API token, or (where `execution_token` allows) the
/// execution's JWT. An expired JWT moves its execution to TOKEN_EXPIRED.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    account_id: &str,
    execution_id: &str,
    execution_token: bool,
) -> Result<Access, ApiError> {
    let token = bearer_token(headers)?;
    if token.starts_with(TOKEN_PREFIX) {
        let caller = Caller::from_token(&state.db, token).await?;
        return Ok(Access::Store(caller.name));
    }
    let now = state.clock().unix_seconds();
    match state.platform.keys.verify(token, now) {
        Ok(claims) if claims.sub == execution_id && claims.account_id == account_id => {
            if execution_token {
                Ok(Access::Execution)
            } else {
                Err(ApiError::forbidden(
                    "an execution token may upload parts, finalize and read the status; reading the details needs a store-API token",
                ))
            }
        }
        Ok(_) => Err(ApiError::forbidden(format!(
            "this token belongs to another workflow execution, not {execution_id} of account {account_id}"
        ))),
        Err(TokenError::Expired(claims)) => {
            lifecycle::expire(state, &claims.sub).await?;
            Err(token_expired(format!(
                "the token of workflow execution {} expired at {}; start a new execution with PUT /api/v1/accounts/{}",
                claims.sub,
                time::OffsetDateTime::from_unix_timestamp(claims.exp)
                    .map(rfc3339_millis)
                    .unwrap_or_else(|_| claims.exp.to_string()),
                claims.account_id
            )))
        }
        Err(TokenError::Invalid(_)) => Err(ApiError::unauthorized(
            "unknown token: send a store-API token or this workflow execution's api.token",
        )),
        Err(other @ TokenError::Sign(_)) => Err(ApiError::internal(&other)),
    }
}

/// The execution (404 when the account or the execution is unknown), with
/// its status brought up to date (INITIATED → TOKEN_EXPIRED once due).
async fn load(
    state: &AppState,
    account_id: &str,
    execution_id: &str,
) -> Result<Execution, ApiError> {
    let pool = pool(&state.db);
    let Some(mut execution) = storage::execution(pool, account_id, execution_id).await? else {
        return Err(if storage::account_exists(pool, account_id).await? {
            ApiError::not_found(format!(
                "account {account_id} has no workflow execution {execution_id}"
            ))
        } else {
            ApiError::not_found(format!("no account {account_id}"))
        });
    };
    let now = state.clock().unix_seconds();
    if execution.status == ExecutionStatus::Initiated
        && now >= execution.token_expires_at
        && lifecycle::expire(state, execution_id).await?
        && let Some(expired) = storage::execution(pool, account_id, execution_id).await?
    {
        execution = expired;
    }
    Ok(execution)
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn state_body(
    state: &AppState,
    execution: &Execution,
    status: ExecutionStatus,
) -> ExecutionStateBody {
    let links = Links {
        base: &execution.base_url,
    };
    ExecutionStateBody {
        timestamp: rfc3339_millis(state.clock().now()),
        account: IdRef {
            id: execution.account_id.clone(),
        },
        workflow_execution: ExecutionState {
            id: execution.id.clone(),
            definition_key: execution.definition_key.to_string(),
            status,
            href: links.execution(&execution.account_id, &execution.id),
        },
    }
}

// ---------------------------------------------------------------- handlers

/// Create an account
///
/// A new account with its first workflow execution of the latest published
/// version of `workflowDefinition.key`. Takes a store-API token (any role).
#[utoipa::path(
    post,
    path = "/accounts",
    tag = PLATFORM_TAG,
    operation_id = "createAccount",
    security(("bearer" = [])),
    request_body(
        content = schema::AccountRequest,
        content_type = "application/json",
        description = "Which published workflow to run, the customer's reference and options; at most 2 MiB",
    ),
    responses(
        (status = 200, description = "The account and its new workflow execution: the credentials to collect, the execution token (`sdk.token`, `credentials[].api.token`), the Web Client link and the upload URLs", body = AccountResponse),
        (status = 400, description = "The body is not JSON, not an object, or has bad fields (`BAD_REQUEST`; `details.fields` names every bad field), or the request has no plain Host header to build URLs from", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key, or it has no published version (`NOT_FOUND`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 2 MiB (`PAYLOAD_TOO_LARGE`)", body = ErrorBody),
    ),
)]
async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<AccountResponse>, ApiError> {
    let body = body?;
    let account_id = new_id();
    start_execution(&state, &caller, &body, AccountWrite::Create, account_id).await
}

/// Start a new workflow execution on an account
///
/// Like creating an account, for an existing one. Takes a store-API token
/// (any role).
#[utoipa::path(
    put,
    path = "/accounts/{account_id}",
    tag = PLATFORM_TAG,
    operation_id = "updateAccount",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
    ),
    request_body(
        content = schema::AccountRequest,
        content_type = "application/json",
        description = "Which published workflow to run, the customer's reference and options; at most 2 MiB",
    ),
    responses(
        (status = 200, description = "The account and its new workflow execution: the credentials to collect, the execution token (`sdk.token`, `credentials[].api.token`), the Web Client link and the upload URLs", body = AccountResponse),
        (status = 400, description = "The body is not JSON, not an object, or has bad fields (`BAD_REQUEST`; `details.fields` names every bad field), or the request has no plain Host header to build URLs from", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No such account, or no workflow has this key, or it has no published version (`NOT_FOUND`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 2 MiB (`PAYLOAD_TOO_LARGE`)", body = ErrorBody),
    ),
)]
async fn update_account(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(account_id): ApiPath<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<AccountResponse>, ApiError> {
    let body = body?;
    if !storage::account_exists(pool(&state.db), &account_id).await? {
        return Err(ApiError::not_found(format!("no account {account_id}")));
    }
    start_execution(&state, &caller, &body, AccountWrite::Update, account_id).await
}

async fn start_execution(
    state: &AppState,
    caller: &Caller,
    body: &[u8],
    write: AccountWrite,
    account_id: String,
) -> Result<Json<AccountResponse>, ApiError> {
    // Links come from the server's configuration, never from the
    // request's Host header (issue 13).
    let base = state.public_url.to_string();
    let input = request::parse(body).map_err(request_error)?;
    if let Some(url) = &input.callback_url
        && state.platform.outbound.sends()
        && let Err(problem) = outbound::check(&state.platform.outbound, url).await
    {
        return Err(request_error(RequestError::Invalid(vec![FieldProblem {
            field: "callbackUrl".to_owned(),
            problem,
        }])));
    }
    let key = input.definition_key;
    let latest = state
        .db
        .history(key)
        .await?
        .last()
        .map(|v| v.number)
        .ok_or_else(|| {
            ApiError::not_found(format!(
            "workflow {key} has no published version: publish it before creating accounts with it"
        ))
        .with_details(json!({ "key": key }))
        })?;
    let workflow = state.db.version(key, latest).await?.workflow;

    let now = state.clock().now();
    let created_at = rfc3339_millis(now);
    let issued_at = now.unix_timestamp();
    let expires_at = issued_at.saturating_add(input.token_lifetime_secs);
    let execution_id = new_id();
    let token = state
        .platform
        .keys
        .issue(&account_id, &execution_id, issued_at, expires_at)
        .map_err(|e| ApiError::internal(&e))?;
    let credentials: Vec<StoredCredential> = credentials::plan(&workflow)
        .into_iter()
        .map(|c| StoredCredential {
            id: new_id(),
            node: c.node,
            category: c.category,
            label: c.label,
            channels: c.channels,
            api_parts: c.api_parts,
            existing: c.existing,
        })
        .collect();
    let execution = Execution {
        id: execution_id.clone(),
        account_id: account_id.clone(),
        definition_key: key,
        definition_version: latest,
        scenario: input.scenario.clone(),
        user_reference: input.user_reference.clone(),
        customer_internal_reference: input.customer_internal_reference.clone(),
        callback_url: input.callback_url.clone(),
        locale: input.locale.clone(),
        base_url: base.clone(),
        token_expires_at: expires_at,
        status: ExecutionStatus::Initiated,
        created_at: created_at.clone(),
        started_at: None,
        completed_at: None,
        details: None,
    };
    let new = NewExecution {
        execution,
        request: String::from_utf8_lossy(body).into_owned(),
        created_by: caller.name.clone(),
        credentials,
    };
    if !storage::insert_execution(pool(&state.db), write, &new).await? {
        return Err(ApiError::not_found(format!("no account {account_id}")));
    }
    tracing::info!(
        account = %account_id,
        execution = %execution_id,
        key,
        version = latest,
        scenario = %input.scenario,
        caller = %caller.name,
        "workflow execution created"
    );

    let links = Links { base: &base };
    let execution_url = links.execution(&account_id, &execution_id);
    // A credential no channel delivers is read off the account (10014's
    // earlier facemap): seed 003's 10014 response does not list it.
    let credentials = new
        .credentials
        .iter()
        .filter(|c| !c.channels.is_empty())
        .map(|c| {
            let api = c.channels.contains(&Channel::Api).then(|| {
                let mut parts = ApiParts::default();
                for &part in &c.api_parts {
                    let url = Some(links.part(&account_id, &execution_id, &c.id, part));
                    match part {
                        Part::Front => parts.front = url,
                        Part::Back => parts.back = url,
                        Part::Face => parts.face = url,
                        Part::Facemap => parts.facemap = url,
                        Part::PreparedData => parts.prepared_data = url,
                        Part::DeviceRisk => {}
                    }
                }
                CredentialApi {
                    token: token.clone(),
                    parts: (!c.api_parts.is_empty()).then_some(parts),
                    workflow_execution: execution_url.clone(),
                }
            });
            CredentialBody {
                id: c.id.clone(),
                category: c.category,
                allowed_channels: c.channels.clone(),
                api,
            }
        })
        .collect();
    Ok(Json(AccountResponse {
        timestamp: created_at,
        account: IdRef { id: account_id },
        web: WebLink {
            href: links.web(&token, &input.locale),
        },
        sdk: SdkToken {
            token: token.clone(),
        },
        workflow_execution: NewExecutionBody {
            id: execution_id,
            credentials,
        },
    }))
}

/// Upload an image part
///
/// A JPEG or PNG of at most 5 MiB as the multipart/form-data field `file`,
/// for a credential that the API channel may deliver this part for, while
/// the execution is INITIATED. Only the metadata is kept. Takes a
/// store-API token or the execution's own token (`api.token`/`sdk.token`, a
/// JWT).
#[utoipa::path(
    post,
    path = "/accounts/{account_id}/workflow-executions/{execution_id}/credentials/{credential_id}/parts/{classifier}",
    tag = PLATFORM_TAG,
    operation_id = "uploadPart",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
        ("execution_id" = String, Path, description = "The workflow execution's id (a UUID)"),
        ("credential_id" = String, Path, description = "The credential's id (a UUID, from `workflowExecution.credentials[].id`)"),
        ("classifier" = String, Path, description = "The part: FRONT, BACK or FACE (any case); FACEMAP only for a stored facemap (10071); PREPARED_DATA for prepared data", example = "FRONT"),
    ),
    request_body(
        content(
            (PartUpload = "multipart/form-data"),
            (PreparedData = "application/json"),
        ),
        description = "An image part as the multipart field `file` (at most 5 MiB + 64 KiB); PREPARED_DATA as a JSON body (at most 64 KiB)",
    ),
    responses(
        (status = 200, description = "The part was recorded", body = PartUploaded),
        (status = 400, description = "The classifier is not an image part (`BAD_REQUEST`), the credential does not take this part through the API (`PART_NOT_ALLOWED`), prepared data that is not the documented JSON (`INVALID_PREPARED_DATA`), or the file is missing (`NO_FILE`), empty (`EMPTY_FILE`), not a JPEG or PNG (`UNSUPPORTED_FILE_TYPE`) or over 5 MiB (`FILE_TOO_LARGE`), or the body is not multipart/form-data", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`), or the execution's token has expired (`TOKEN_EXPIRED`; the execution becomes TOKEN_EXPIRED)", body = ErrorBody),
        (status = 403, description = "The token belongs to another workflow execution (`FORBIDDEN`)", body = ErrorBody),
        (status = 404, description = "No such account, workflow execution or credential (`NOT_FOUND`)", body = ErrorBody),
        (status = 409, description = "The execution no longer takes parts: finalized (`ALREADY_FINALIZED`), token lifetime passed (`TOKEN_EXPIRED`) or expired (`SESSION_EXPIRED`)", body = ErrorBody),
        (status = 413, description = "The body is larger than the upload limit (`PAYLOAD_TOO_LARGE`)", body = ErrorBody),
    ),
)]
async fn upload_part(
    State(state): State<AppState>,
    ApiPath((account_id, execution_id, credential_id, classifier)): ApiPath<(
        String,
        String,
        String,
        String,
    )>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Json<PartUploaded>, ApiError> {
    // Decided before anything else, so a body over the limit gets the same
    // answer whatever else is wrong with the request and however it streams.
    if upload::declared_too_large(&headers) {
        return Err(upload_error(UploadError::body_too_large()));
    }
    authorize(&state, &headers, &account_id, &execution_id, true).await?;
    let execution = load(&state, &account_id, &execution_id).await?;
    if execution.status != ExecutionStatus::Initiated {
        return Err(not_open(&execution, "upload parts"));
    }
    let part = Part::parse(&classifier)
        .filter(|p| *p != Part::DeviceRisk)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "{classifier:?} is not a part the API takes: the classifier is FRONT, BACK, FACE, FACEMAP (a stored facemap) or PREPARED_DATA"
            ))
        })?;
    let credential = storage::credentials(pool(&state.db), &execution_id)
        .await?
        .into_iter()
        .find(|c| c.id == credential_id)
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "workflow execution {execution_id} has no credential {credential_id}"
            ))
        })?;
    check_part_allowed(&credential, part)?;
    let received = if part == Part::PreparedData {
        let body = axum::body::to_bytes(request.into_body(), prepared::MAX_PREPARED_DATA_BYTES)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "PAYLOAD_TOO_LARGE",
                    format!(
                        "prepared data may be at most {} bytes",
                        prepared::MAX_PREPARED_DATA_BYTES
                    ),
                )
            })?;
        prepared::parse(&body).map_err(|message| {
            ApiError::new(StatusCode::BAD_REQUEST, "INVALID_PREPARED_DATA", message)
        })?;
        (
            "application/json",
            body.len(),
            crate::db::hex(&<sha2::Sha256 as sha2::Digest>::digest(&body)),
        )
    } else {
        let mut multipart = Multipart::from_request(request, &state).await.map_err(
            |rejection: MultipartRejection| {
                ApiError::bad_request(format!(
                    "send the image as multipart/form-data with a `file` field: {}",
                    rejection.body_text()
                ))
            },
        )?;
        let file = upload::read_file(&mut multipart)
            .await
            .map_err(upload_error)?;
        (file.image_type.content_type(), file.size, file.sha256)
    };
    let (content_type, size, sha256) = received;

    let now = state.clock().now();
    let record = PartRecord {
        credential_id: credential.id.clone(),
        classifier: part,
        content_type: content_type.to_owned(),
        size: u64::try_from(size).unwrap_or(u64::MAX),
        sha256,
        uploaded_at: rfc3339_millis(now),
    };
    if !storage::record_part(
        pool(&state.db),
        &execution_id,
        &record,
        now.unix_timestamp(),
    )
    .await?
    {
        // Finalized or expired while the file streamed in.
        let execution = load(&state, &account_id, &execution_id).await?;
        return Err(not_open(&execution, "upload parts"));
    }
    tracing::info!(
        execution = %execution_id,
        credential = %credential.id,
        part = %part,
        size = record.size,
        content_type = %record.content_type,
        "part uploaded"
    );
    Ok(Json(PartUploaded {
        timestamp: record.uploaded_at.clone(),
        account: IdRef { id: account_id },
        workflow_execution: IdRef { id: execution_id },
        credential: CredentialRef {
            id: credential.id,
            category: credential.category,
        },
        part: PartInfo {
            classifier: part,
            content_type: record.content_type,
            size: record.size,
            sha256: record.sha256,
            uploaded_at: record.uploaded_at,
        },
    }))
}

/// 400 unless the API may deliver `part` for `credential`
/// (`catalog::delivery`: a new facemap never; 10071's stored one yes).
fn check_part_allowed(credential: &StoredCredential, part: Part) -> Result<(), ApiError> {
    let refuse = |message: String| {
        Err(
            ApiError::new(StatusCode::BAD_REQUEST, "PART_NOT_ALLOWED", message).with_details(
                json!({
                    "credential": credential.id,
                    "category": credential.category,
                    "classifier": part,
                    "allowed": credential.api_parts,
                }),
            ),
        )
    };
    if credential.api_parts.contains(&part) {
        return Ok(());
    }
    if credential.category == CredentialCategory::Facemap || part == Part::Facemap {
        return refuse(format!(
            "a FACEMAP cannot be uploaded through the API (credential {} is {}): only the Web Client and the SDKs capture it, except a stored facemap for on-premises authentication (10071)",
            credential.id, credential.category
        ));
    }
    if !credential.channels.contains(&Channel::Api) {
        return refuse(format!(
            "credential {} ({}) does not allow the API channel (allowed: {})",
            credential.id,
            credential.category,
            if credential.channels.is_empty() {
                "none: it is read off the account".to_owned()
            } else {
                names(&credential.channels, Channel::as_str)
            }
        ));
    }
    if credential.existing {
        return refuse(format!(
            "credential {} ({}) uses a credential stored by an earlier execution (USE_EXISTING): nothing is uploaded for it",
            credential.id, credential.category
        ));
    }
    refuse(format!(
        "{part} is not a part of credential {} ({}): it accepts {}",
        credential.id,
        credential.category,
        if credential.api_parts.is_empty() {
            "nothing over the API".to_owned()
        } else {
            names(&credential.api_parts, Part::as_str)
        }
    ))
}

fn names<T: Copy>(items: &[T], name: fn(T) -> &'static str) -> String {
    items
        .iter()
        .map(|i| name(*i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finalize a workflow execution
///
/// Processing starts (the execution becomes ACQUIRED, later PROCESSED, and
/// the callback URL, if any, gets a POST). Takes a store-API token or the
/// execution's own token (`api.token`/`sdk.token`, a JWT).
#[utoipa::path(
    put,
    path = "/accounts/{account_id}/workflow-executions/{execution_id}",
    tag = PLATFORM_TAG,
    operation_id = "finalizeExecution",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
        ("execution_id" = String, Path, description = "The workflow execution's id (a UUID)"),
    ),
    responses(
        (status = 202, description = "Accepted: processing has started", body = ExecutionStateBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`), or the execution's token has expired (`TOKEN_EXPIRED`; the execution becomes TOKEN_EXPIRED)", body = ErrorBody),
        (status = 403, description = "The token belongs to another workflow execution (`FORBIDDEN`)", body = ErrorBody),
        (status = 404, description = "No such account or workflow execution (`NOT_FOUND`)", body = ErrorBody),
        (status = 409, description = "Already finalized (`ALREADY_FINALIZED`), token lifetime passed (`TOKEN_EXPIRED`) or expired (`SESSION_EXPIRED`)", body = ErrorBody),
    ),
)]
async fn finalize(
    State(state): State<AppState>,
    ApiPath((account_id, execution_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let access = authorize(&state, &headers, &account_id, &execution_id, true).await?;
    let mut execution = load(&state, &account_id, &execution_id).await?;
    if execution.status != ExecutionStatus::Initiated {
        return Err(not_open(&execution, "finalize"));
    }
    let now = state.clock().now();
    let started_at = rfc3339_millis(now);
    if !storage::start(
        pool(&state.db),
        &execution_id,
        &started_at,
        now.unix_timestamp(),
    )
    .await?
    {
        let execution = load(&state, &account_id, &execution_id).await?;
        return Err(not_open(&execution, "finalize"));
    }
    execution.status = ExecutionStatus::Acquired;
    execution.started_at = Some(started_at);
    tracing::info!(execution = %execution_id, ?access, "finalized; processing");
    let body = state_body(&state, &execution, ExecutionStatus::Acquired);
    process::spawn(state, execution);
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// Read a workflow execution's status
///
/// Takes a store-API token or the execution's own token
/// (`api.token`/`sdk.token`, a JWT).
#[utoipa::path(
    get,
    path = "/accounts/{account_id}/workflow-executions/{execution_id}/status",
    tag = PLATFORM_TAG,
    operation_id = "getExecutionStatus",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
        ("execution_id" = String, Path, description = "The workflow execution's id (a UUID)"),
    ),
    responses(
        (status = 200, description = "The execution's status", body = ExecutionStateBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`), or the execution's token has expired (`TOKEN_EXPIRED`; the execution becomes TOKEN_EXPIRED)", body = ErrorBody),
        (status = 403, description = "The token belongs to another workflow execution (`FORBIDDEN`)", body = ErrorBody),
        (status = 404, description = "No such account or workflow execution (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn execution_status(
    State(state): State<AppState>,
    ApiPath((account_id, execution_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<ExecutionStateBody>, ApiError> {
    authorize(&state, &headers, &account_id, &execution_id, true).await?;
    let execution = load(&state, &account_id, &execution_id).await?;
    Ok(Json(state_body(&state, &execution, execution.status)))
}

/// Read a workflow execution's details
///
/// Once PROCESSED, the retrieval document; before, the workflow's identity
/// and status only. Takes a store-API token: the execution's own token gets
/// a 403.
#[utoipa::path(
    get,
    path = "/accounts/{account_id}/workflow-executions/{execution_id}",
    tag = PLATFORM_TAG,
    operation_id = "getExecutionDetails",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
        ("execution_id" = String, Path, description = "The workflow execution's id (a UUID)"),
    ),
    responses(
        (status = 200, description = "The details", body = ExecutionDetails),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`), or the execution's token has expired (`TOKEN_EXPIRED`; the execution becomes TOKEN_EXPIRED)", body = ErrorBody),
        (status = 403, description = "An execution token: the details need a store-API token; or the token of another workflow execution (`FORBIDDEN`)", body = ErrorBody),
        (status = 404, description = "No such account or workflow execution (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn execution_details(
    State(state): State<AppState>,
    ApiPath((account_id, execution_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, &account_id, &execution_id, false).await?;
    let execution = load(&state, &account_id, &execution_id).await?;
    if let (ExecutionStatus::Processed, Some(text)) = (execution.status, &execution.details) {
        let document: Value = serde_json::from_str(text).map_err(|e| {
            ApiError::internal(&PlatformError::Corrupt(format!(
                "the details of workflow execution {execution_id}: {e}"
            )))
        })?;
        return Ok(Json(document).into_response());
    }
    Ok(Json(PendingDetails {
        workflow: PendingWorkflow {
            id: execution.id,
            status: execution.status,
            definition_key: execution.definition_key.to_string(),
            user_reference: execution.user_reference,
            customer_internal_reference: execution.customer_internal_reference,
        },
        account: IdRef {
            id: execution.account_id,
        },
        created_at: execution.created_at,
    })
    .into_response())
}
