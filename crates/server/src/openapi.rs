//! The OpenAPI 3.1 document of both HTTP APIs, served without auth at
//! `GET /openapi.json`.
//!
//! Routes and their documentation come from one list: each API's
//! `routes()` registers its handlers with utoipa-axum's `routes!(handler)`,
//! which adds the handler to the router and its `#[utoipa::path]` operation
//! to the document at the same path, so the two cannot drift. [`api`] nests
//! both APIs under their prefixes; [`crate::router`] serves the router and
//! this document. `tests/openapi.rs` checks the document against a
//! hand-written list of the routes and against the running server.
//!
//! The store API's bodies describe themselves (`idflow_store::wire`, with
//! its `openapi` feature). The [`schema`] module describes the platform
//! API's types that cannot derive their schema (the core vocabularies, the
//! account request, read leniently to name every bad field), each checked
//! against the real type by a unit test.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use utoipa::ToSchema;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, LicenseBuilder, OpenApi, OpenApiBuilder, Ref,
    ResponseBuilder,
};
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::error::ApiError;
use crate::routes;

/// Where the document is served.
pub const PATH: &str = "/openapi.json";

/// The name of the security scheme every operation requires.
pub const BEARER: &str = "bearer";

/// The tag of the store API's operations.
pub const STORE_TAG: &str = "store";

/// The tag of the platform API's operations.
pub const PLATFORM_TAG: &str = "platform";

/// Both APIs' routes with their documentation, under their prefixes (no
/// state, fallbacks or layers yet: [`crate::router`] adds those).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(base())
        .nest(routes::store::PREFIX, routes::store::routes())
        .nest(routes::platform::PREFIX, routes::platform::routes())
}

/// The whole document, as served at [`PATH`].
pub fn document() -> OpenApi {
    let (_, document) = api().split_for_parts();
    finish(document)
}

/// What [`api`]'s document still lacks once every route is in: the 500
/// that any operation can answer with.
pub fn finish(mut document: OpenApi) -> OpenApi {
    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            operation
                .responses
                .responses
                .entry("500".to_owned())
                .or_insert_with(|| {
                    error_response(
                        "Internal error (`INTERNAL`), or damaged stored data (`DAMAGED`); the server log has the cause",
                    )
                    .into()
                });
        }
    }
    document
}

/// The operations of one path.
pub fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
}

fn error_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                .build(),
        )
        .build()
}

/// Info, tags, the bearer scheme and the error schema.
fn base() -> OpenApi {
    let info = InfoBuilder::new()
        .title("idflow")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "The idflow team server (`idflow serve`) serves two HTTP APIs:\n\n\
             * the **store API** under `/api/store/v1` (tag `store`): list, read, create, save, \
             publish, duplicate and restore identity-verification workflows, which travel in \
             idflow's JSON workflow format. Drafts carry their revision as the `ETag`; writes \
             name it in `If-Match`.\n\
             * the **mock platform API** under `/api/v1` (tag `platform`): create an account (a \
             workflow execution of a published workflow), upload image parts, finalize, and read \
             the status and the simulated retrieval document.\n\n\
             Every operation takes `Authorization: Bearer TOKEN`. Every error is JSON \
             `{\"error\": CODE, \"message\": ..., \"details\"?: {...}}` (`ErrorBody`).",
        ))
        .license(Some(
            LicenseBuilder::new()
                .name("MIT")
                .identifier(Some("MIT"))
                .build(),
        ))
        .build();
    let bearer = SecurityScheme::Http(
        HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("idf_ token or execution JWT")
            .description(Some(
                "`Authorization: Bearer TOKEN` with a store-API token (`idf_...`, made with \
                 `idflow token create`; the role `publisher` is needed to publish). The platform \
                 API's part upload, finalize and status operations also take the execution's own \
                 token (`api.token`/`sdk.token`, a JWT naming the account and the execution).",
            ))
            .build(),
    );
    let components = ComponentsBuilder::new()
        .security_scheme(BEARER, bearer)
        .schema_from::<ErrorBody>()
        .build();
    OpenApiBuilder::new()
        .info(info)
        .tags(Some([
            TagBuilder::new()
                .name(STORE_TAG)
                .description(Some(
                    "The store API, `/api/store/v1`: workflows, drafts and published versions",
                ))
                .build(),
            TagBuilder::new()
                .name(PLATFORM_TAG)
                .description(Some(
                    "The mock platform API, `/api/v1`: accounts, workflow executions, part uploads",
                ))
                .build(),
        ]))
        .components(Some(components))
        .build()
}

/// Every error either API answers with (`crate::error::ApiError` writes it).
pub use idflow_store::wire::ErrorBody;

/// The document as served: encoded once.
#[derive(Debug, Clone)]
pub struct Served(Result<Bytes, Arc<serde_json::Error>>);

impl Served {
    pub fn new(document: &OpenApi) -> Served {
        Served(
            serde_json::to_vec(document)
                .map(Bytes::from)
                .map_err(Arc::new),
        )
    }

    /// 200 `application/json` with the document.
    pub fn response(&self) -> Response {
        match &self.0 {
            Ok(body) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body.clone(),
            )
                .into_response(),
            Err(error) => ApiError::internal(error.as_ref()).into_response(),
        }
    }
}

/// Schemas of wire types that this crate does not own (it cannot derive
/// `ToSchema` on them): each has the name and the serde shape of the real
/// type, which the unit tests below check.
pub mod schema {
    use std::borrow::Cow;

    use idflow_core::model::Part as CorePart;
    use idflow_core::model::{Channel as CoreChannel, CredentialCategory as CoreCategory};
    use serde::Serialize;
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    use utoipa::openapi::{RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    use crate::platform::storage::ExecutionStatus as StorageStatus;

    /// A string schema whose values are `values` as serde writes them.
    fn string_enum<T: Serialize>(description: &str, values: &[T]) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(
                values
                    .iter()
                    .filter_map(|v| serde_json::to_value(v).ok())
                    .collect::<Vec<_>>(),
            ))
            .into()
    }

    macro_rules! string_enum_schema {
        ($(#[$meta:meta])* $name:ident = $description:literal, $values:expr) => {
            $(#[$meta])*
            pub struct $name;

            impl PartialSchema for $name {
                fn schema() -> RefOr<Schema> {
                    string_enum($description, $values)
                }
            }

            impl ToSchema for $name {
                fn name() -> Cow<'static, str> {
                    Cow::Borrowed(stringify!($name))
                }
            }
        };
    }

    /// Every execution status; a new variant fails to compile here.
    pub(super) fn execution_statuses() -> Vec<StorageStatus> {
        let all = [
            StorageStatus::Initiated,
            StorageStatus::Acquired,
            StorageStatus::Processed,
            StorageStatus::SessionExpired,
            StorageStatus::TokenExpired,
        ];
        for status in all {
            match status {
                StorageStatus::Initiated
                | StorageStatus::Acquired
                | StorageStatus::Processed
                | StorageStatus::SessionExpired
                | StorageStatus::TokenExpired => {}
            }
        }
        all.to_vec()
    }

    string_enum_schema!(
        /// `crate::platform::storage::ExecutionStatus`.
        ExecutionStatus = "Where a workflow execution is: INITIATED (parts may be uploaded), ACQUIRED (finalized, processing), PROCESSED (the details are ready), TOKEN_EXPIRED (the token lifetime passed before finalize), SESSION_EXPIRED",
        &execution_statuses()
    );

    string_enum_schema!(
        /// `idflow_core::model::CredentialCategory`.
        CredentialCategory = "What a credential is",
        CoreCategory::ALL
    );

    string_enum_schema!(
        /// `idflow_core::model::Channel`.
        Channel = "How the end user submits a credential",
        CoreChannel::ALL
    );

    string_enum_schema!(
        /// `idflow_core::model::Part`.
        Part = "A part of a credential (image side, face, facemap, or data kind)",
        CorePart::ALL
    );

    /// The body of `POST /api/v1/accounts` and `PUT /api/v1/accounts/{account_id}`
    /// (`crate::platform::request::AccountRequest`). One 400 names every bad
    /// field (`details.fields`).
    #[derive(ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct AccountRequest {
        /// The customer's own reference, 1 to 100 characters.
        #[schema(max_length = 100, min_length = 1)]
        customer_internal_reference: String,
        workflow_definition: WorkflowDefinitionRequest,
        /// Up to 100 characters; `scenario:NAME` picks the simulated
        /// scenario (default `ALL_PASS`).
        #[schema(max_length = 100, required = false, example = "scenario:ALL_PASS")]
        user_reference: Option<String>,
        /// Absolute http(s) URL that gets a POST once the execution is
        /// processed (or expires); never a loopback, link-local, private or
        /// metadata address unless the server allows the host.
        #[schema(
            required = false,
            min_length = 8,
            pattern = "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]+"
        )]
        callback_url: Option<String>,
        /// How long the tokens are valid: a number and m, h or d (`30m`,
        /// `12h`, `60d`), 5m to 60d; default 30m.
        #[schema(required = false, example = "30m")]
        token_lifetime: Option<String>,
        #[schema(required = false)]
        web: Option<WebRequest>,
        /// Recorded as given (an object).
        #[schema(value_type = Option<Object>, required = false)]
        user_consent: Option<serde_json::Value>,
    }

    /// `workflowDefinition`.
    #[derive(ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct WorkflowDefinitionRequest {
        /// A published workflow's key, as a number (`10011`) or a numeric
        /// string (`"10011"`).
        #[schema(schema_with = workflow_key)]
        key: (),
        /// Recorded: per-credential restrictions.
        #[schema(required = false)]
        credentials: Vec<CredentialRequest>,
        #[schema(required = false)]
        capabilities: Option<CapabilitiesRequest>,
    }

    fn workflow_key() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(u32::MAX)),
            )
            .item(
                // The one spelling the server takes (issue 13): no sign,
                // no leading zero, no spaces; "0" is not a key.
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[1-9][0-9]{0,9}$")),
            )
            .description(Some(
                "A published workflow's key, as a number (10011) or a numeric string (\"10011\")",
            ))
            .examples([10011])
            .into()
    }

    /// One `workflowDefinition.credentials[]` entry (recorded, not enforced).
    #[derive(ToSchema)]
    #[allow(dead_code)]
    pub struct CredentialRequest {
        /// Required in each entry.
        #[schema(value_type = CredentialCategory)]
        category: (),
        #[schema(value_type = Option<Object>, required = false)]
        country: Option<serde_json::Value>,
        #[schema(value_type = Option<Object>, required = false)]
        #[serde(rename = "type")]
        kind: Option<serde_json::Value>,
        #[schema(required = false)]
        label: Option<String>,
    }

    /// `workflowDefinition.capabilities` (recorded).
    #[derive(ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct CapabilitiesRequest {
        /// An object.
        #[schema(value_type = Option<Object>, required = false)]
        watchlist_screening: Option<serde_json::Value>,
    }

    /// `web`.
    #[derive(ToSchema)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    pub struct WebRequest {
        #[schema(required = false)]
        success_url: Option<String>,
        #[schema(required = false)]
        error_url: Option<String>,
        /// e.g. `en-US` (the default), `de`, `pt-BR`.
        #[schema(required = false)]
        locale: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use idflow_core::Workflow;
    use idflow_core::model::RuleSetting;
    use idflow_store::wire::WireWorkflow;
    use idflow_store::{DuplicatedFrom, Origin, Status, VersionInfo, WorkflowSummary};
    use serde_json::{Value, json};
    use utoipa::PartialSchema;
    use utoipa::openapi::{RefOr, Schema};

    use super::*;
    use crate::platform::request::{
        AccountRequest, CapabilitiesRequest, CredentialRequest, WebRequest,
        WorkflowDefinitionRequest,
    };

    fn object(schema: RefOr<Schema>) -> utoipa::openapi::schema::Object {
        match schema {
            RefOr::T(Schema::Object(object)) => object,
            other => panic!(
                "not an object schema: {}",
                serde_json::to_string(&other).unwrap_or_default()
            ),
        }
    }

    /// `schema` has exactly the fields of `sample` (a value with every
    /// optional field present) and requires only fields that are in it.
    fn assert_mirrors(what: &str, schema: RefOr<Schema>, sample: &impl serde::Serialize) {
        let sample = serde_json::to_value(sample).expect("serializes");
        let keys: BTreeSet<String> = sample
            .as_object()
            .unwrap_or_else(|| panic!("{what}: not an object: {sample}"))
            .keys()
            .cloned()
            .collect();
        let object = object(schema);
        let properties: BTreeSet<String> = object.properties.keys().cloned().collect();
        assert_eq!(properties, keys, "{what}: schema properties vs the wire");
        for required in &object.required {
            assert!(keys.contains(required), "{what}: requires {required}");
        }
    }

    #[test]
    fn mirrored_schemas_have_the_real_types_fields() {
        assert_mirrors(
            "WorkflowSummary",
            WorkflowSummary::schema(),
            &WorkflowSummary {
                key: 1,
                name: "n".into(),
                origin: Origin::Custom,
                status: Status::Draft,
                latest_version: Some(1),
                revision: 1,
            },
        );
        assert_mirrors(
            "VersionInfo",
            VersionInfo::schema(),
            &VersionInfo {
                number: 1,
                published_at: "t".into(),
                sha256: "s".into(),
                revision: 1,
            },
        );
        assert_mirrors(
            "DuplicatedFrom",
            DuplicatedFrom::schema(),
            &DuplicatedFrom {
                key: 1,
                version: Some(1),
            },
        );
        let web = WebRequest {
            success_url: Some("s".into()),
            error_url: Some("e".into()),
            locale: Some("de".into()),
        };
        let credential = CredentialRequest {
            category: Some("ID".into()),
            country: Some(json!("DEU")),
            kind: Some(json!("PASSPORT")),
            label: Some("l".into()),
        };
        let capabilities = CapabilitiesRequest {
            watchlist_screening: Some(json!({})),
        };
        let definition = WorkflowDefinitionRequest {
            key: Some(json!(10011)),
            credentials: vec![credential.clone()],
            capabilities: Some(capabilities.clone()),
        };
        assert_mirrors("WebRequest", schema::WebRequest::schema(), &web);
        assert_mirrors(
            "CredentialRequest",
            schema::CredentialRequest::schema(),
            &credential,
        );
        assert_mirrors(
            "CapabilitiesRequest",
            schema::CapabilitiesRequest::schema(),
            &capabilities,
        );
        assert_mirrors(
            "WorkflowDefinitionRequest",
            schema::WorkflowDefinitionRequest::schema(),
            &definition,
        );
        assert_mirrors(
            "AccountRequest",
            schema::AccountRequest::schema(),
            &AccountRequest {
                customer_internal_reference: Some("c".into()),
                workflow_definition: Some(definition),
                user_reference: Some("u".into()),
                callback_url: Some("http://x".into()),
                token_lifetime: Some("30m".into()),
                web: Some(web),
                user_consent: Some(json!({})),
            },
        );

        let mut workflow = Workflow::new(20001, "w");
        workflow.lint.insert("W001".into(), RuleSetting::Off);
        assert_mirrors("Workflow", WireWorkflow::schema(), &workflow);
    }

    #[test]
    fn enum_schemas_list_every_value_as_serde_writes_it() {
        let values =
            |schema: RefOr<Schema>| -> Vec<Value> { object(schema).enum_values.expect("an enum") };
        assert_eq!(
            values(Origin::schema()),
            vec![json!("GLOBAL"), json!("CUSTOM")]
        );
        assert_eq!(
            values(Status::schema()),
            vec![json!("DRAFT"), json!("PUBLISHED"), json!("DAMAGED")]
        );
        assert_eq!(
            values(schema::ExecutionStatus::schema()),
            [
                "INITIATED",
                "ACQUIRED",
                "PROCESSED",
                "SESSION_EXPIRED",
                "TOKEN_EXPIRED"
            ]
            .map(|s| json!(s))
            .to_vec()
        );
        for status in schema::execution_statuses() {
            assert_eq!(
                json!(status.as_str()),
                serde_json::to_value(status).unwrap()
            );
        }
        assert_eq!(
            values(schema::Part::schema()).len(),
            idflow_core::model::Part::ALL.len()
        );
        assert!(values(schema::Channel::schema()).contains(&json!("API")));
        assert!(values(schema::CredentialCategory::schema()).contains(&json!("FACEMAP")));
    }

    #[test]
    fn the_error_schema_matches_what_api_error_writes() {
        use axum::http::StatusCode;
        let error = ApiError::new(StatusCode::CONFLICT, "CONFLICT", "m").with_details(json!({}));
        let body = serde_json::to_value(json!({
            "error": error.code, "message": error.message, "details": error.details,
        }))
        .unwrap();
        assert_mirrors("ErrorBody", ErrorBody::schema(), &body);
        let object = object(ErrorBody::schema());
        assert_eq!(object.required, vec!["error", "message"]);
    }

    #[test]
    fn the_document_is_openapi_3_1_with_every_operation_secured_and_tagged() {
        let mut document = document();
        assert!(document.components.as_ref().is_some_and(|c| {
            c.security_schemes.contains_key(BEARER) && c.schemas.contains_key("ErrorBody")
        }));
        let json = serde_json::to_value(&document).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        assert_eq!(json["info"]["version"], env!("CARGO_PKG_VERSION"));
        let mut count = 0;
        for item in document.paths.paths.values_mut() {
            for operation in operations_mut(item) {
                count += 1;
                let id = operation.operation_id.clone().unwrap_or_default();
                assert!(
                    operation.security.as_ref().is_some_and(|s| !s.is_empty()),
                    "{id}: no security"
                );
                let tags = operation.tags.clone().unwrap_or_default();
                assert!(
                    tags == [STORE_TAG] || tags == [PLATFORM_TAG],
                    "{id}: tags {tags:?}"
                );
                assert!(operation.responses.responses.contains_key("500"), "{id}");
            }
        }
        assert!(count >= 15, "{count} operations");
        // Every schema is a named wire type: no type alias or primitive
        // (`Revision` -> `u64`) leaked in as a component.
        for name in document.components.iter().flat_map(|c| c.schemas.keys()) {
            assert!(name.starts_with(char::is_uppercase), "component {name}");
        }
    }

    #[test]
    fn every_referenced_schema_is_in_the_document() {
        let json = serde_json::to_value(document()).unwrap();
        let schemas = json["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .clone();
        fn refs(value: &Value, out: &mut Vec<String>) {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(r)) = map.get("$ref") {
                        out.push(r.clone());
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&json, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected $ref {r}"));
            assert!(schemas.contains_key(name), "dangling $ref {r}");
        }
    }
}
