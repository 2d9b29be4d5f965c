//! The mock platform's web client (`web.href`): a page that walks an
//! execution's WEB journey in a browser, and the three calls it makes. The
//! page is plain HTML, CSS and a little script served from here (no build
//! step, no external requests: the Content-Security-Policy says so).
//!
//! Calls, each with the execution's token as `Authorization: Bearer`:
//! `GET /web/v4/journey` (what to capture), `POST
//! /web/v4/credentials/{id}/parts/{FRONT|BACK|FACE}` (a multipart `file`;
//! a FACE for a selfie step that captures a facemap delivers a simulated
//! FACEMAP with it, the only way one arrives) and `POST /web/v4/finalize`
//! (`{"scenario": NAME}`). Failures answer `{"errorCode": CODE, ...}` with
//! the web client's codes (domain.md): 9200 token missing, invalid or
//! expired; 9210 session expired after the journey started; 9300 an upload
//! failed; 9100 server error.

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use idflow_core::catalog::{credential_channels, delivered_parts};
use idflow_core::model::{Channel, CredentialCategory, NodeKind, Part};
use idflow_core::simulate::names;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::body::{JsonBody, SmallJsonBody};
use super::extract::ApiPath;
use crate::AppState;
use crate::auth::bearer_token;
use crate::error::ApiError;
use crate::platform::clock::rfc3339_millis;
use crate::platform::lifecycle;
use crate::platform::service::{Executions, Refusal};
use crate::platform::storage::model::{Execution, ExecutionStatus, PartRecord};
use crate::platform::storage::reads;
use crate::platform::token::TokenError;
use crate::platform::upload::{self, UPLOAD_BODY_LIMIT};

const PAGE: &str = include_str!("../../web/app.html");
const STYLE: &str = include_str!("../../web/app.css");
const SCRIPT: &str = include_str!("../../web/app.js");

/// Nothing but this server: no external scripts, styles, fonts or images.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/web/v4/app", get(page))
        .route("/web/v4/app.css", get(style))
        .route("/web/v4/app.js", get(script))
        .route("/web/v4/journey", get(journey))
        .route(
            "/web/v4/credentials/{credential_id}/parts/{classifier}",
            post(upload_part).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/web/v4/finalize", post(finalize))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn page() -> Response {
    asset("text/html; charset=utf-8", PAGE)
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE)
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

/// A failure the page turns into the web client's error redirect.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebError {
    pub error_code: u16,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    #[serde(skip)]
    status: StatusCode,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

impl WebError {
    fn new(status: StatusCode, error_code: u16, message: impl Into<String>) -> WebError {
        WebError {
            error_code,
            message: message.into(),
            redirect: None,
            status,
        }
    }

    fn server(error: impl std::fmt::Display) -> WebError {
        tracing::error!(%error, "web client call failed");
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, 9100, "server error")
    }

    /// With the error redirect of `execution`, when it has an error URL.
    fn for_execution(mut self, urls: &JourneyUrls, execution: &Execution) -> WebError {
        self.redirect = urls
            .error
            .as_ref()
            .map(|url| Redirect::to(url, execution, "ERROR", Some(self.error_code)));
        self
    }
}

/// Where the page goes when it is done, with the platform's query
/// parameters (domain.md, "Web client").
#[derive(Debug, Clone, Serialize)]
pub struct Redirect {
    pub url: String,
}

impl Redirect {
    fn to(base: &str, execution: &Execution, status: &str, error_code: Option<u16>) -> Redirect {
        let mut url = match reqwest::Url::parse(base) {
            Ok(url) => url,
            Err(_) => {
                return Redirect {
                    url: base.to_owned(),
                };
            }
        };
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("accountId", &execution.account_id);
            query.append_pair("workflowExecutionId", &execution.id);
            query.append_pair("acquisitionStatus", status);
            query.append_pair(
                "customerInternalReference",
                &execution.customer_internal_reference,
            );
            if let Some(code) = error_code {
                query.append_pair("errorCode", &code.to_string());
            }
        }
        Redirect { url: url.into() }
    }
}

/// `web.successUrl` and `web.errorUrl` of the account request.
#[derive(Debug, Default)]
struct JourneyUrls {
    success: Option<String>,
    error: Option<String>,
}

async fn urls(state: &AppState, execution: &Execution) -> Result<JourneyUrls, WebError> {
    let request = reads::request_of(state.db.pool(), &execution.id)
        .await
        .map_err(WebError::server)?
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .unwrap_or(Value::Null);
    let text = |key: &str| request["web"][key].as_str().map(str::to_owned);
    Ok(JourneyUrls {
        success: text("successUrl"),
        error: text("errorUrl"),
    })
}

/// The execution the bearer token opens, while it may still be worked on.
async fn open_execution(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Execution, JourneyUrls), WebError> {
    let unauthorized =
        |message: &str| WebError::new(StatusCode::UNAUTHORIZED, 9200, message.to_owned());
    let token = bearer_token(headers).map_err(|_| unauthorized("the link has no token"))?;
    let now = state.clock().unix_seconds();
    let (claims, expired) = match state.platform.keys.verify(token, now) {
        Ok(claims) => (claims, false),
        Err(TokenError::Expired(claims)) => {
            lifecycle::expire(state, &claims.sub)
                .await
                .map_err(WebError::server)?;
            (*claims, true)
        }
        Err(_) => return Err(unauthorized("this link is not valid")),
    };
    let execution = reads::execution(state.db.pool(), &claims.account_id, &claims.sub)
        .await
        .map_err(WebError::server)?
        .ok_or_else(|| unauthorized("this link is not valid"))?;
    let urls = urls(state, &execution).await?;
    match execution.status {
        ExecutionStatus::SessionExpired => Err(WebError::new(
            StatusCode::CONFLICT,
            9210,
            "the session expired before the journey was finished",
        )
        .for_execution(&urls, &execution)),
        // An expired token reads nothing, whatever the journey's state
        // (issue 30, item 10): a finished journey's decision included.
        status if expired || status == ExecutionStatus::TokenExpired => {
            Err(
                WebError::new(StatusCode::UNAUTHORIZED, 9200, "this link has expired")
                    .for_execution(&urls, &execution),
            )
        }
        _ => Ok((execution, urls)),
    }
}

/// One credential the page captures.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Capture {
    pub credential_id: String,
    pub category: CredentialCategory,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The parts to choose a file for.
    pub parts: Vec<Part>,
    /// A facemap comes with the face (simulated by this mock).
    pub with_facemap: bool,
    /// Already uploaded.
    pub uploaded: Vec<Part>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Journey {
    pub account_id: String,
    pub workflow_execution_id: String,
    pub customer_internal_reference: String,
    pub definition_key: u32,
    pub status: ExecutionStatus,
    pub locale: String,
    pub scenario: String,
    pub scenarios: Vec<String>,
    pub captures: Vec<Capture>,
    /// Once PROCESSED: the decision, for a page without a success URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<Redirect>,
}

async fn journey(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Journey>, WebError> {
    let (execution, urls) = open_execution(&state, &headers).await?;
    let workflow = state
        .db
        .version(execution.definition_key, execution.definition_version)
        .await
        .map_err(WebError::server)?
        .workflow;
    let (credentials, parts) = reads::credentials_and_parts(state.db.pool(), &execution.id)
        .await
        .map_err(WebError::server)?;
    let mut captures = Vec::new();
    for credential in &credentials {
        let Some(step) = workflow.nodes.iter().find_map(|n| match &n.kind {
            NodeKind::Acquisition(a) if n.id.as_str() == credential.node => Some(a),
            _ => None,
        }) else {
            continue;
        };
        // The facemap arrives with its selfie; prepared data never comes
        // through the web client.
        if credential.category == CredentialCategory::Facemap
            || !credential_channels(step, credential.category).contains(&Channel::Web)
            || credential.existing
        {
            continue;
        }
        let wanted = delivered_parts(credential.category, &step.parts);
        if wanted.is_empty() {
            continue;
        }
        captures.push(Capture {
            credential_id: credential.id.clone(),
            category: credential.category,
            label: credential.label.clone(),
            with_facemap: credentials
                .iter()
                .any(|c| c.node == credential.node && c.category == CredentialCategory::Facemap),
            uploaded: parts
                .iter()
                .filter(|p| p.credential_id == credential.id)
                .map(|p| p.classifier)
                .collect(),
            parts: wanted,
        });
    }
    let decision = execution
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
        .map(|d| d["decision"].clone());
    let success = match execution.status {
        ExecutionStatus::Acquired | ExecutionStatus::Processed => urls
            .success
            .as_ref()
            .map(|url| Redirect::to(url, &execution, "SUCCESS", None)),
        _ => None,
    };
    Ok(Json(Journey {
        account_id: execution.account_id.clone(),
        workflow_execution_id: execution.id.clone(),
        customer_internal_reference: execution.customer_internal_reference.clone(),
        definition_key: execution.definition_key,
        status: execution.status,
        locale: execution.locale.clone(),
        scenario: execution.scenario.clone(),
        scenarios: names(),
        captures,
        decision,
        success,
    }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Uploaded {
    pub credential_id: String,
    pub classifier: Part,
    /// Also recorded: the simulated facemap that came with the face.
    pub facemap: bool,
}

async fn upload_part(
    State(state): State<AppState>,
    ApiPath((credential_id, classifier)): ApiPath<(String, String)>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<Uploaded>, WebError> {
    let failed = |message: String| WebError::new(StatusCode::BAD_REQUEST, 9300, message);
    let (execution, urls) = open_execution(&state, &headers).await?;
    if execution.status != ExecutionStatus::Initiated {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            9300,
            "this journey was already submitted",
        )
        .for_execution(&urls, &execution));
    }
    let credentials = reads::credentials(state.db.pool(), &execution.id)
        .await
        .map_err(WebError::server)?;
    let Some(credential) = credentials.iter().find(|c| c.id == credential_id) else {
        return Err(failed(format!(
            "no credential {credential_id} in this journey"
        )));
    };
    let part = Part::parse(&classifier)
        .filter(|p| matches!(p, Part::Front | Part::Back | Part::Face))
        .ok_or_else(|| failed(format!("{classifier:?} is not FRONT, BACK or FACE")))?;
    if !credential.channels.contains(&Channel::Web)
        || credential.category == CredentialCategory::Facemap
    {
        return Err(failed(format!(
            "credential {} ({}) is not captured by the web client",
            credential.id, credential.category
        )));
    }
    let mut multipart = multipart.map_err(|e| failed(e.body_text()))?;
    let file = upload::read_file(&mut multipart, upload::Expected::Image)
        .await
        .map_err(|e| failed(e.to_string()).for_execution(&urls, &execution))?;
    let now = state.clock().now();
    let uploaded_at = rfc3339_millis(now);
    let mut records = vec![PartRecord {
        credential_id: credential.id.clone(),
        classifier: part,
        content_type: file.content_type.to_owned(),
        size: u64::try_from(file.size).unwrap_or(u64::MAX),
        sha256: file.sha256.clone(),
        uploaded_at: uploaded_at.clone(),
    }];
    let facemap = credentials.iter().find(|c| {
        c.node == credential.node && c.category == CredentialCategory::Facemap && part == Part::Face
    });
    if let Some(facemap) = facemap {
        records.push(PartRecord {
            credential_id: facemap.id.clone(),
            classifier: Part::Facemap,
            content_type: "application/octet-stream".to_owned(),
            size: u64::try_from(file.size).unwrap_or(u64::MAX),
            sha256: file.sha256.clone(),
            uploaded_at,
        });
    }
    let stored = Executions::new(&state)
        .record_parts(&execution, &records)
        .await
        .map_err(WebError::server)?;
    if !stored {
        return Err(WebError::new(
            StatusCode::CONFLICT,
            9210,
            "the session expired before the journey was finished",
        )
        .for_execution(&urls, &execution));
    }
    tracing::info!(execution = %execution.id, credential = %credential.id, part = %part, facemap = facemap.is_some(), "web client part uploaded");
    Ok(Json(Uploaded {
        credential_id: credential.id.clone(),
        classifier: part,
        facemap: facemap.is_some(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct FinalizeBody {
    #[serde(default)]
    pub scenario: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finalized {
    pub status: ExecutionStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
}

async fn finalize(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<SmallJsonBody, ApiError>,
) -> Result<Json<Finalized>, WebError> {
    let (execution, urls) = open_execution(&state, &headers).await?;
    // A JSON body or none (issue 30, item 8: another Content-Type is 415).
    let JsonBody(body) = body.map_err(|error| WebError::new(error.status, 9100, error.message))?;
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(serde_json::from_slice::<FinalizeBody>(&body).map_err(|e| {
            WebError::new(
                StatusCode::BAD_REQUEST,
                9100,
                format!("the request body is not {{\"scenario\": NAME}}: {e}"),
            )
        })?)
    };
    let scenario = body.and_then(|b| b.scenario);
    // The scenario and the finalize are one write (the service's).
    let finalized = Executions::new(&state)
        .finalize(&execution.account_id, &execution.id, scenario.as_deref())
        .await
        .map_err(|refusal| finalize_refused(refusal, &urls))?;
    Ok(Json(Finalized {
        status: finalized.status,
        redirect: urls
            .success
            .as_ref()
            .map(|url| Redirect::to(url, &finalized, "SUCCESS", None)),
    }))
}

/// A refused finalize in the web client's codes: 9210 once the session
/// expired, 9100 for a journey already submitted or an unknown scenario.
fn finalize_refused(refusal: Refusal, urls: &JourneyUrls) -> WebError {
    match refusal {
        Refusal::NotOpen { execution, .. } => match execution.status {
            ExecutionStatus::SessionExpired | ExecutionStatus::TokenExpired => WebError::new(
                StatusCode::CONFLICT,
                9210,
                "the session expired before the journey was finished",
            )
            .for_execution(urls, &execution),
            _ => WebError::new(
                StatusCode::CONFLICT,
                9100,
                "this journey was already submitted",
            )
            .for_execution(urls, &execution),
        },
        Refusal::UnknownScenario(error) => {
            WebError::new(StatusCode::BAD_REQUEST, 9100, error.to_string())
        }
        other => WebError::server(other),
    }
}
