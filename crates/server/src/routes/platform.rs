//! The mock platform API, `/api/v1` (see `crate::platform`): create or
//! update an account (a new workflow execution), upload parts, finalize,
//! read the status, the details, and what the details link to (the visited
//! steps, the credentials' parts).
//!
//! Auth: `Authorization: Bearer TOKEN`. Creating and updating accounts and
//! reading details, steps and parts take a store-API token (any role). Uploading, finalizing
//! and reading the status take a store-API token or the execution's own
//! token (`api.token`/`sdk.token`, a JWT that names the account and the
//! execution); an expired execution token is a 401 `TOKEN_EXPIRED`.

use std::borrow::Cow;

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use idflow_core::model::{Channel, CredentialCategory, Part};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::body::{JsonBody, LargeJsonBody};
use super::extract::ApiPath;
use crate::AppState;
use crate::auth::{Caller, bearer_token};
use crate::error::ApiError;
use crate::openapi::{ErrorBody, PLATFORM_TAG, schema};
use crate::platform::PlatformError;
use crate::platform::clock::rfc3339_millis;
use crate::platform::links::Links;
use crate::platform::prepared::{self, PreparedData};
use crate::platform::request::RequestError;
use crate::platform::service::{
    AccountTarget, Details, Executions, Received, Refusal, Started, Takes,
};
use crate::platform::steps::StepsDocument;
use crate::platform::storage::model::{Execution, ExecutionStatus};
use crate::platform::upload::{self, UPLOAD_BODY_LIMIT, UploadError};

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
        .routes(routes!(execution_steps))
        .routes(routes!(upload_part).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)))
        .routes(routes!(credential_part))
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

/// One credential the execution collects. A credential read off the
/// account with no channel (10014's earlier facemap) is not listed. A
/// REUSABLE_IDENTITY ID is listed on the channels its step allows: with
/// `api.parts` when the account offers no qualifying ID (a fresh scan, its
/// parts uploaded like a new ID's), without parts when it does (reused: the
/// execution then needs nothing uploaded for it).
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
    /// Upload URLs, only for the parts the API accepts: none for a reused
    /// credential (USE_EXISTING; REUSABLE_IDENTITY with a qualifying ID on
    /// the account), the ID's parts for Reusable Identity's fresh scan.
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
                    .property(
                        "credentials",
                        ArrayBuilder::new().items(retrieval_credential()),
                    )
                    .required("workflow")
                    .required("decision"),
            )
            .description(Some(
                "PendingDetails before the execution is PROCESSED, the retrieval document after",
            ))
            .into()
    }
}

/// One `credentials[]` entry of a retrieval document (`idflow_core::
/// simulate::details`): a credential this execution collected, or the ID
/// Reusable Identity reused, with what Reusable Identity did.
fn retrieval_credential() -> ObjectBuilder {
    let text = |description: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
    };
    let part = ObjectBuilder::new()
        .property(
            "classifier",
            text("FRONT, BACK, FACE, FACEMAP, PREPARED_DATA, or a liveness frame LIVENESS_1 to LIVENESS_6"),
        )
        .required("classifier")
        .property(
            "href",
            text("The part's URL (absent for an on-premises authentication's stored facemap)"),
        );
    let statuses: Vec<&str> = [
        idflow_core::simulate::ReusableIdentity::IdFound,
        idflow_core::simulate::ReusableIdentity::IdNotFound,
        idflow_core::simulate::ReusableIdentity::RiskDetected,
    ]
    .iter()
    .map(|s| s.as_str())
    .collect();
    let source = ObjectBuilder::new()
        .property(
            "type",
            text("WORKFLOW_EXECUTION: the ID was reused from an earlier workflow execution of the account; NEW_SCAN: the ID was captured anew in this one")
                .enum_values(Some(["WORKFLOW_EXECUTION", "NEW_SCAN"])),
        )
        .required("type")
        .property(
            "workflowExecutionId",
            text("With WORKFLOW_EXECUTION: the earlier workflow execution the ID comes from"),
        )
        .description(Some("Where the ID comes from"));
    let reusable_identity = ObjectBuilder::new()
        .property(
            "status",
            text("ID_FOUND: a pre-verified ID qualified (from a PASSED execution whose usability of it PASSED, with no REJECTED execution after it) and was reused; ID_NOT_FOUND: none qualified, the ID was scanned anew; RISK_DETECTED: one qualified but a later execution of the account was REJECTED, the ID was scanned anew")
                .enum_values(Some(statuses)),
        )
        .required("status")
        .property("source", source)
        .required("source")
        .description(Some(
            "Only on the ID of a REUSABLE_IDENTITY step: what Reusable Identity did (idflow's own values; domain.md, \"Reusable credentials\")",
        ));
    ObjectBuilder::new()
        .property(
            "id",
            text("The credential's id; a reused ID keeps its id from the earlier execution"),
        )
        .required("id")
        .property("category", schema::CredentialCategory::schema())
        .required("category")
        .property(
            "label",
            text("The acquisition step's label, when it has one"),
        )
        .property(
            "parts",
            ArrayBuilder::new().items(part).description(Some(
                "The parts that arrived in this execution (none for a reused ID)",
            )),
        )
        .required("parts")
        .property("reusableIdentity", reusable_identity)
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

/// What a part link of the details answers: a generated placeholder (the
/// mock keeps no uploaded file), a JPEG or PNG image, or a facemap's bytes.
pub struct PartBytes;

impl PartialSchema for PartBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            )))
            .description(Some(
                "A generated placeholder of the part's recorded type: a 320 × 200 JPEG or PNG image, or, for a FACEMAP, placeholder bytes (application/octet-stream)",
            ))
            .into()
    }
}

impl ToSchema for PartBytes {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PartBytes")
    }
}

/// What a data part link (PREPARED_DATA) answers: the fields are not kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DataPartPlaceholder {
    /// Always true.
    pub placeholder: bool,
    pub note: String,
}

/// The multipart/form-data body of a part upload.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: `upload::read_file` reads the body
pub struct PartUpload {
    /// At most 5 MiB: a JPEG or PNG (recognised by its first bytes,
    /// whatever its declared type), or, for the stored facemap of an
    /// on-premises authentication (10071), the facemap file as it is.
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

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        let message = refusal.to_string();
        match refusal {
            Refusal::NoAccount { .. }
            | Refusal::NoExecution { .. }
            | Refusal::NoCredential { .. }
            | Refusal::NoPart { .. } => ApiError::not_found(message),
            Refusal::NotPublished { key } => {
                ApiError::not_found(message).with_details(json!({ "key": key }))
            }
            Refusal::Request(error) => request_error(error),
            Refusal::UnknownToken(_) => ApiError::unauthorized(message),
            Refusal::Forbidden(message) => ApiError::forbidden(message),
            Refusal::TokenExpired { .. } => {
                ApiError::new(StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED", message)
            }
            Refusal::NotOpen { execution, .. } => {
                let code = match execution.status {
                    ExecutionStatus::TokenExpired => "TOKEN_EXPIRED",
                    ExecutionStatus::SessionExpired => "SESSION_EXPIRED",
                    _ => "ALREADY_FINALIZED",
                };
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            Refusal::NotAPart { .. } | Refusal::UnknownScenario(_) => {
                ApiError::bad_request(message)
            }
            Refusal::PartNotAllowed {
                credential, part, ..
            } => ApiError::new(StatusCode::BAD_REQUEST, "PART_NOT_ALLOWED", message).with_details(
                json!({
                    "credential": credential.id,
                    "category": credential.category,
                    "classifier": part,
                    "allowed": credential.api_parts,
                }),
            ),
            Refusal::InvalidPreparedData(error) => {
                let refused =
                    ApiError::new(StatusCode::BAD_REQUEST, "INVALID_PREPARED_DATA", message);
                match error.field {
                    Some(field) => refused.with_details(json!({ "field": field })),
                    None => refused,
                }
            }
            Refusal::Store(error) => ApiError::from(error),
            Refusal::Failed(error) => ApiError::from(error),
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

// ---------------------------------------------------------------- bodies out

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

/// A JSON body written into a buffer sized for it at once: an account
/// answer is about 2.7 KB, and growing axum's default 128-byte buffer to it
/// was 3 % of the CPU under load.
struct SizedJson<T>(T);

impl<T: Serialize> IntoResponse for SizedJson<T> {
    fn into_response(self) -> Response {
        let mut body = Vec::with_capacity(4096);
        match serde_json::to_writer(&mut body, &self.0) {
            Ok(()) => (
                [(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(error) => ApiError::internal(&error).into_response(),
        }
    }
}

/// The account response for a new execution.
fn account_body(started: Started) -> AccountResponse {
    let Started {
        execution,
        credentials,
        token,
    } = started;
    let links = Links {
        base: &execution.base_url,
    };
    let account_id = &execution.account_id;
    let execution_url = links.execution(account_id, &execution.id);
    // A credential no channel delivers is read off the account (10014's
    // earlier facemap): seed 003's 10014 response does not list it.
    let credentials = credentials
        .into_iter()
        .filter(|c| !c.channels.is_empty())
        .map(|c| {
            let api = c.channels.contains(&Channel::Api).then(|| {
                let mut parts = ApiParts::default();
                for &part in &c.api_parts {
                    let url = Some(links.part(account_id, &execution.id, &c.id, part));
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
                id: c.id,
                category: c.category,
                allowed_channels: c.channels,
                api,
            }
        })
        .collect();
    AccountResponse {
        timestamp: execution.created_at.clone(),
        account: IdRef {
            id: account_id.clone(),
        },
        web: WebLink {
            href: links.web(&token, &execution.locale),
        },
        sdk: SdkToken { token },
        workflow_execution: NewExecutionBody {
            id: execution.id,
            credentials,
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
        (status = 200, description = "The account and its new workflow execution: the credentials to collect, the execution token (`sdk.token`, `credentials[].api.token`), the Web Client link and the upload URLs. When every credential is reused from the account (nothing to upload), the execution has finalized by itself: it is ACQUIRED and being processed, and a finalize answers 409 `ALREADY_FINALIZED`", body = AccountResponse),
        (status = 400, description = "The body is not JSON, not an object, or has bad fields (`BAD_REQUEST`; `details.fields` names every bad field), or the request has no plain Host header to build URLs from", body = ErrorBody),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`)", body = ErrorBody),
        (status = 404, description = "No workflow has this key, or it has no published version (`NOT_FOUND`)", body = ErrorBody),
        (status = 413, description = "The body is larger than 2 MiB (`PAYLOAD_TOO_LARGE`)", body = ErrorBody),
    ),
)]
async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): LargeJsonBody,
) -> Result<SizedJson<AccountResponse>, ApiError> {
    let started = Executions::new(&state)
        .start(&caller.name, &body, AccountTarget::New)
        .await?;
    Ok(SizedJson(account_body(started)))
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
        (status = 200, description = "The account and its new workflow execution: the credentials to collect, the execution token (`sdk.token`, `credentials[].api.token`), the Web Client link and the upload URLs. When every credential is reused from the account (nothing to upload), the execution has finalized by itself: it is ACQUIRED and being processed, and a finalize answers 409 `ALREADY_FINALIZED`", body = AccountResponse),
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
    JsonBody(body): LargeJsonBody,
) -> Result<SizedJson<AccountResponse>, ApiError> {
    let started = Executions::new(&state)
        .start(&caller.name, &body, AccountTarget::Existing(account_id))
        .await?;
    Ok(SizedJson(account_body(started)))
}

/// Upload a part
///
/// A JPEG or PNG of at most 5 MiB as the multipart/form-data field `file`,
/// for a credential that the API channel may deliver this part for, while
/// the execution is INITIATED. The stored facemap of an on-premises
/// authentication (10071, FACEMAP) is "a single binary file" (seed 003):
/// its bytes are taken as they are, at most 5 MiB, and recorded as
/// `application/octet-stream`. Only the metadata is kept. Takes a store-API
/// token or the execution's own token (`api.token`/`sdk.token`, a JWT).
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
        (status = 400, description = "The classifier is not an image part (`BAD_REQUEST`), the credential does not take this part through the API (`PART_NOT_ALLOWED`), prepared data that is not the documented JSON or has a refused value, e.g. a country code ISO 3166-1 does not assign or a date of birth in the future or before 1900 (`INVALID_PREPARED_DATA`; `details.field` names the field), or the file is missing (`NO_FILE`), empty (`EMPTY_FILE`), not a JPEG or PNG where an image is expected (`UNSUPPORTED_FILE_TYPE`) or over 5 MiB (`FILE_TOO_LARGE`), or the body is not multipart/form-data", body = ErrorBody),
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
    let service = Executions::new(&state);
    service
        .access(
            bearer_token(&headers)?,
            &account_id,
            &execution_id,
            Takes::EitherToken,
        )
        .await?;
    let target = service
        .upload_target(&account_id, &execution_id, &credential_id, &classifier)
        .await?;
    let received = if target.part == Part::PreparedData {
        // Prepared data is JSON (issue 30, item 8: anything else is 415).
        if let Some(content_type) = headers.get(header::CONTENT_TYPE)
            && !super::body::is_json(content_type.to_str().unwrap_or_default())
        {
            return Err(super::body::not_json(&String::from_utf8_lossy(
                content_type.as_bytes(),
            )));
        }
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
        Received::PreparedData(body)
    } else {
        let mut multipart = Multipart::from_request(request, &state).await.map_err(
            |rejection: MultipartRejection| {
                ApiError::bad_request(format!(
                    "send the image as multipart/form-data with a `file` field: {}",
                    rejection.body_text()
                ))
            },
        )?;
        // Seed 003, "Authentication On-Premises": the stored facemap is "a
        // single binary file", taken as it is.
        let expected = if target.stored_facemap {
            upload::Expected::Binary
        } else {
            upload::Expected::Image
        };
        let file = upload::read_file(&mut multipart, expected)
            .await
            .map_err(upload_error)?;
        Received::File {
            content_type: file.content_type,
            size: file.size,
            sha256: file.sha256,
        }
    };
    let record = service.upload(&target, received).await?;
    Ok(Json(PartUploaded {
        timestamp: record.uploaded_at.clone(),
        account: IdRef { id: account_id },
        workflow_execution: IdRef { id: execution_id },
        credential: CredentialRef {
            id: target.credential.id,
            category: target.credential.category,
        },
        part: PartInfo {
            classifier: record.classifier,
            content_type: record.content_type,
            size: record.size,
            sha256: record.sha256,
            uploaded_at: record.uploaded_at,
        },
    }))
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
        (status = 409, description = "Already finalized (`ALREADY_FINALIZED`; also an execution that finalized by itself, needing no upload), token lifetime passed (`TOKEN_EXPIRED`) or expired (`SESSION_EXPIRED`)", body = ErrorBody),
    ),
)]
async fn finalize(
    State(state): State<AppState>,
    ApiPath((account_id, execution_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let service = Executions::new(&state);
    let access = service
        .access(
            bearer_token(&headers)?,
            &account_id,
            &execution_id,
            Takes::EitherToken,
        )
        .await?;
    let execution = service.finalize(&account_id, &execution_id, None).await?;
    tracing::debug!(execution = %execution_id, ?access, "finalized");
    let body = state_body(&state, &execution, ExecutionStatus::Acquired);
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
    let service = Executions::new(&state);
    service
        .access(
            bearer_token(&headers)?,
            &account_id,
            &execution_id,
            Takes::EitherToken,
        )
        .await?;
    let execution = service.status(&account_id, &execution_id).await?;
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
    let service = Executions::new(&state);
    service
        .access(
            bearer_token(&headers)?,
            &account_id,
            &execution_id,
            Takes::StoreTokenOnly,
        )
        .await?;
    let execution = match service.details(&account_id, &execution_id).await? {
        Details::Processed(document) => {
            return Ok((
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                document,
            )
                .into_response());
        }
        Details::Pending(execution) => execution,
    };
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

/// Read the steps an execution visited
///
/// What `steps.href` of the details links to: idflow's own list (seed 003
/// links the steps without showing them) of the steps the execution
/// visited, in path order, each with its node id, title, kind and what it
/// produced (credentials, capability results, the branch taken, the risk
/// score, the end decision). Recorded when the execution is processed;
/// before that, and for an execution processed before idflow kept them
/// (migration 0012), the list is empty and `note` says why. Takes a
/// store-API token, as the details do: the execution's own token gets a
/// 403.
#[utoipa::path(
    get,
    path = "/accounts/{account_id}/workflow-executions/{execution_id}/steps",
    tag = PLATFORM_TAG,
    operation_id = "getExecutionSteps",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
        ("execution_id" = String, Path, description = "The workflow execution's id (a UUID)"),
    ),
    responses(
        (status = 200, description = "The visited steps", body = StepsDocument),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`), or the execution's token has expired (`TOKEN_EXPIRED`; the execution becomes TOKEN_EXPIRED)", body = ErrorBody),
        (status = 403, description = "An execution token: the steps need a store-API token; or the token of another workflow execution (`FORBIDDEN`)", body = ErrorBody),
        (status = 404, description = "No such account or workflow execution (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn execution_steps(
    State(state): State<AppState>,
    ApiPath((account_id, execution_id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<StepsDocument>, ApiError> {
    let service = Executions::new(&state);
    service
        .access(
            bearer_token(&headers)?,
            &account_id,
            &execution_id,
            Takes::StoreTokenOnly,
        )
        .await?;
    Ok(Json(service.steps(&account_id, &execution_id).await?))
}

/// Read a part of a credential
///
/// What a part `href` of the details links to (`credentials[].parts[]`,
/// `validFaceMapForAuthentication`). The mock keeps no uploaded file, so it
/// answers a generated placeholder of the part's recorded type: a JPEG or a
/// PNG image (a PNG where a PNG was uploaded; a JPEG otherwise), for a
/// FACEMAP placeholder bytes as `application/octet-stream` ("a single
/// binary file", seed 003; it can be uploaded as the stored facemap of an
/// on-premises authentication), and for PREPARED_DATA a JSON note (the
/// fields are not kept). Only parts that the details of one of the
/// account's PROCESSED executions link to answer. Takes a store-API token,
/// as the details do: an execution's own token gets a 403.
#[utoipa::path(
    get,
    path = "/accounts/{account_id}/credentials/{credential_id}/parts/{classifier}",
    tag = PLATFORM_TAG,
    operation_id = "getCredentialPart",
    security(("bearer" = [])),
    params(
        ("account_id" = String, Path, description = "The account's id (a UUID)"),
        ("credential_id" = String, Path, description = "The credential's id (a UUID, from the details' `credentials[].id`)"),
        ("classifier" = String, Path, description = "The part, as the details name it (FRONT, BACK, FACE, FACEMAP...; any case)", example = "FRONT"),
    ),
    responses(
        (status = 200, description = "A generated placeholder of the part's recorded type (images are not kept)", content(
            (PartBytes = "image/jpeg"),
            (PartBytes = "image/png"),
            (PartBytes = "application/octet-stream"),
            (DataPartPlaceholder = "application/json"),
        )),
        (status = 401, description = "Missing, malformed or unknown token (`UNAUTHORIZED`), or an execution token that has expired (`TOKEN_EXPIRED`; its execution becomes TOKEN_EXPIRED)", body = ErrorBody),
        (status = 403, description = "An execution token: the parts need a store-API token (`FORBIDDEN`)", body = ErrorBody),
        (status = 404, description = "No such account, or no part of this credential that the details of the account's processed executions link to (`NOT_FOUND`)", body = ErrorBody),
    ),
)]
async fn credential_part(
    State(state): State<AppState>,
    ApiPath((account_id, credential_id, classifier)): ApiPath<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let service = Executions::new(&state);
    service
        .account_read_access(bearer_token(&headers)?, &account_id)
        .await?;
    let file = service
        .part(&account_id, &credential_id, &classifier)
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(file.content_type),
        )],
        file.bytes,
    )
        .into_response())
}
