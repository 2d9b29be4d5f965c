//! The OpenAPI 3.1 document of both HTTP APIs, served without auth at
//! `GET /openapi.json`.
//!
//! Routes and their documentation come from one list: each API's
//! `routes()` registers its handlers with utoipa-axum's `routes!(handler)`,
//! which adds the handler to the router and its `#[utoipa::path]` operation
//! to the document at the same path, so the two cannot drift.
//! `crate::routes::api` nests both APIs under their prefixes on [`base`],
//! [`finish`] completes the document, and [`crate::router`] serves both.
//! This module imports no route: it is what the routes document
//! themselves with (tags, the error body, [`schema`], [`enums`]). `tests/openapi.rs` checks the document against a
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

use crate::error::ApiError;

pub mod enums;

/// Where the document is served.
pub const PATH: &str = "/openapi.json";

/// The name of the security scheme every operation requires.
pub const BEARER: &str = "bearer";

/// The tag of the store API's operations.
pub const STORE_TAG: &str = "store";

/// The tag of the platform API's operations.
pub const PLATFORM_TAG: &str = "platform";

/// What the routes' document (`crate::routes::api`) still lacks once every
/// route is in: the 500 that any operation can answer with.
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
    add_links(&mut document);
    json_body_answers(&mut document);
    version_header(&mut document);
    keys_as_text(&mut document);
    optional_bodies(&mut document);
    text_rules(&mut document);
    score_floor_bounds(&mut document);
    document
}

/// An expectation's `SCORE_AT_LEAST` is a byte: utoipa bounds a `u8` field
/// but not a `u8` in an enum's tuple variant, so the document says so here
/// (schemathesis sent 2147483646, which the schema allowed and the server
/// refused).
fn score_floor_bounds(document: &mut OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let Some(components) = document.components.as_mut() else {
        return;
    };
    let Some(RefOr::T(Schema::OneOf(expected))) = components.schemas.get_mut("Expected") else {
        return;
    };
    for item in &mut expected.items {
        if let RefOr::T(Schema::Object(variant)) = item
            && let Some(RefOr::T(Schema::Object(score))) =
                variant.properties.get_mut("SCORE_AT_LEAST")
        {
            score.minimum = Some(0.into());
            score.maximum = Some(u8::MAX.into());
        }
    }
}

/// The rules of the texts people type (issue 30, item 8), from the
/// constants the server checks them with: each field's longest length and
/// a pattern admitting only the characters it may hold
/// (`idflow_core::text`). `(schema, property, max length, pattern, what
/// the field says)`.
pub fn text_fields() -> Vec<(&'static str, &'static str, usize, &'static str, String)> {
    use idflow_core::text::{
        LINES_PATTERN, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_NOTE_TEXT_CHARS, MAX_TITLE_CHARS,
        NON_BLANK_LINES_PATTERN, ONE_LINE_PATTERN,
    };
    let one_line = |max: usize, what: &str| {
        format!("{what}: at most {max} characters of one line, no control character")
    };
    let lines = |max: usize, what: &str| {
        format!(
            "{what}: at most {max} characters; tabs and line breaks, no other control character"
        )
    };
    vec![
        (
            "Workflow",
            "name",
            MAX_NAME_CHARS,
            ONE_LINE_PATTERN,
            one_line(MAX_NAME_CHARS, "The workflow's name"),
        ),
        (
            "Workflow",
            "description",
            MAX_DESCRIPTION_CHARS,
            LINES_PATTERN,
            lines(MAX_DESCRIPTION_CHARS, "What the workflow is for"),
        ),
        (
            "Node",
            "title",
            MAX_TITLE_CHARS,
            ONE_LINE_PATTERN,
            one_line(
                MAX_TITLE_CHARS,
                "What the canvas card shows as its title; empty means \"use the kind's name\"",
            ),
        ),
        (
            "Note",
            "text",
            MAX_NOTE_TEXT_CHARS,
            LINES_PATTERN,
            lines(MAX_NOTE_TEXT_CHARS, "The sticky note's text"),
        ),
        (
            "NewComment",
            "text",
            idflow_store::MAX_COMMENT_CHARS,
            NON_BLANK_LINES_PATTERN,
            format!(
                "1 to {} characters that say something (not only white space); tabs and line breaks, no other control character. Kept trimmed",
                idflow_store::MAX_COMMENT_CHARS
            ),
        ),
        (
            "NewComment",
            "step",
            idflow_store::MAX_STEP_CHARS,
            ONE_LINE_PATTERN,
            one_line(
                idflow_store::MAX_STEP_CHARS,
                "The step's id (absent or null: the whole workflow)",
            ),
        ),
        (
            "PublishRequest",
            "note",
            idflow_store::MAX_NOTE_CHARS,
            LINES_PATTERN,
            lines(idflow_store::MAX_NOTE_CHARS, "What changed and why"),
        ),
        (
            "AccountRequest",
            "customerInternalReference",
            crate::platform::request::MAX_REFERENCE_CHARS,
            ONE_LINE_PATTERN,
            format!(
                "The customer's own reference: 1 to {} characters of one line, no control character",
                crate::platform::request::MAX_REFERENCE_CHARS
            ),
        ),
    ]
}

fn text_rules(document: &mut OpenApi) {
    use utoipa::openapi::{RefOr, Schema};
    let Some(components) = document.components.as_mut() else {
        return;
    };
    for (schema, property, max, pattern, description) in text_fields() {
        let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema) else {
            continue;
        };
        let Some(RefOr::T(Schema::Object(field))) = object.properties.get_mut(property) else {
            continue;
        };
        field.max_length = Some(max);
        field.pattern = Some(pattern.to_owned());
        field.description = Some(description);
    }
}

/// Every operation that takes a JSON body answers 415 to another
/// `Content-Type` and 413 to a body over its limit, refused from the
/// `Content-Length` before the body is read (`routes::body`).
fn json_body_answers(document: &mut OpenApi) {
    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            let takes_json = operation
                .request_body
                .as_ref()
                .is_some_and(|body| body.content.contains_key("application/json"));
            if !takes_json {
                continue;
            }
            let responses = &mut operation.responses.responses;
            responses.entry("413".to_owned()).or_insert_with(|| {
                error_response(
                    "The body is larger than this operation takes (`PAYLOAD_TOO_LARGE`; `details.limit_bytes` says how large it may be); a `Content-Length` over it is refused before the body is read",
                )
                .into()
            });
            responses.entry("415".to_owned()).or_insert_with(|| {
                error_response(
                    "The body is sent as something other than JSON: its `Content-Type` is not `application/json` (`UNSUPPORTED_MEDIA_TYPE`)",
                )
                .into()
            });
        }
    }
}

/// Every answer carries `idflow-version` (issue 29): each documented
/// response says so.
fn version_header(document: &mut OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};

    let header = HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[0-9]+\.[0-9]+\.[0-9]+")),
        )
        .description(Some(
            "The idflow release the server runs, e.g. `0.2.0`: a client that cannot read an answer names the idflow it needs",
        ))
        .build();
    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    response.headers.insert(
                        idflow_store::wire::VERSION_HEADER.to_owned(),
                        header.clone(),
                    );
                }
            }
        }
    }
}

/// Operations that also take no body at all (publish: no note).
fn optional_bodies(document: &mut OpenApi) {
    use utoipa::openapi::Required;
    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            if operation.operation_id.as_deref() == Some("publishDraft")
                && let Some(body) = operation.request_body.as_mut()
            {
                body.required = Some(Required::False);
            }
        }
    }
}

/// Keys and version numbers in paths and queries are read as text in one
/// spelling (`routes::extract::Key`): the schema says so, rather than `integer`,
/// which would admit `10011.0`.
fn keys_as_text(document: &mut OpenApi) {
    use utoipa::openapi::path::ParameterIn;

    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                let is_key = match parameter.parameter_in {
                    ParameterIn::Path => {
                        matches!(parameter.name.as_str(), "key" | "number" | "id")
                    }
                    ParameterIn::Query => matches!(parameter.name.as_str(), "version" | "key"),
                    _ => false,
                };
                if is_key {
                    parameter.schema = Some(schema::key_text());
                }
            }
        }
    }
}

/// Where an answer's ids lead (OpenAPI links): a created workflow to its
/// draft, versions, save and publish; a created account to its execution.
/// Clients and stateful testing follow these instead of guessing.
fn add_links(document: &mut OpenApi) {
    use utoipa::openapi::link::LinkBuilder;

    /// A link's name, its target operation and `(parameter, expression)`.
    type LinkTo<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

    let workflow_links: &[LinkTo] = &[
        ("GetDraft", "getDraft", &[("key", "$response.body#/key")]),
        (
            "ListVersions",
            "listVersions",
            &[("key", "$response.body#/key")],
        ),
        (
            "SaveDraft",
            "saveDraft",
            &[
                ("key", "$response.body#/key"),
                ("header.If-Match", "$response.header.ETag"),
            ],
        ),
        (
            "PublishDraft",
            "publishDraft",
            &[
                ("key", "$response.body#/key"),
                ("header.If-Match", "$response.header.ETag"),
            ],
        ),
    ];
    let execution = [
        ("account_id", "$response.body#/account/id"),
        ("execution_id", "$response.body#/workflowExecution/id"),
    ];
    let account_links: &[LinkTo] = &[
        ("GetExecutionStatus", "getExecutionStatus", &execution),
        ("GetExecutionDetails", "getExecutionDetails", &execution),
        ("GetExecutionSteps", "getExecutionSteps", &execution),
        ("FinalizeExecution", "finalizeExecution", &execution),
        ("UpdateAccount", "updateAccount", &execution[..1]),
    ];
    let sources: &[(&str, &str, &[LinkTo])] = &[
        ("createWorkflow", "201", workflow_links),
        ("duplicateWorkflow", "201", workflow_links),
        ("createAccount", "200", account_links),
        ("updateAccount", "200", account_links),
    ];
    for item in document.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            let Some((_, status, links)) = sources
                .iter()
                .find(|(id, _, _)| operation.operation_id.as_deref() == Some(id))
            else {
                continue;
            };
            let Some(utoipa::openapi::RefOr::T(response)) =
                operation.responses.responses.get_mut(*status)
            else {
                continue;
            };
            for (name, target, parameters) in *links {
                let link = parameters
                    .iter()
                    .fold(LinkBuilder::new().operation_id(*target), |link, (p, v)| {
                        link.parameter(*p, *v)
                    })
                    .build();
                response.links.insert((*name).to_owned(), link.into());
            }
        }
    }
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
/// The document before any route is in: info, security, tags, the
/// error body.
pub fn base() -> OpenApi {
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

/// utoipa 5.5 writes a Link object's fields in snake case
/// (`operation_id`); OpenAPI spells them `operationId`, `operationRef` and
/// `requestBody`, and clients ignore the others.
pub fn spell_links_as_openapi_does(document: &mut serde_json::Value) {
    let Some(paths) = document.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    let links = paths
        .values_mut()
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|operation| operation.get_mut("responses"))
        .filter_map(|responses| responses.as_object_mut())
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links"))
        .filter_map(|links| links.as_object_mut())
        .flat_map(|links| links.values_mut())
        .filter_map(|link| link.as_object_mut());
    for link in links {
        for (snake, camel) in [
            ("operation_id", "operationId"),
            ("operation_ref", "operationRef"),
            ("request_body", "requestBody"),
        ] {
            if let Some(value) = link.remove(snake) {
                link.insert(camel.to_owned(), value);
            }
        }
    }
}

/// Every error either API answers with (`crate::error::ApiError` writes it).
pub use idflow_store::wire::ErrorBody;

/// The document as served: encoded once.
#[derive(Debug, Clone)]
pub struct Served(Result<Bytes, Arc<serde_json::Error>>);

impl Served {
    pub fn new(document: &OpenApi) -> Served {
        Served(
            serde_json::to_value(document)
                .map(|mut value| {
                    spell_links_as_openapi_does(&mut value);
                    value
                })
                .and_then(|value| serde_json::to_vec(&value))
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
    use utoipa::ToSchema;
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, SchemaType, Type};
    use utoipa::openapi::{RefOr, Schema};

    pub use super::enums::{
        Channel, CredentialCategory, DecisionType, ExecutionStatus, Part, execution_statuses,
    };

    /// An absolute http(s) URL as the server reads it (WHATWG URL rules):
    /// a host name whose last label starts with a letter, or an IPv4
    /// address; an optional port; a path and query of URL characters. The
    /// text rules out what the URL parser refuses (bad IDNA labels, numeric
    /// hosts out of range, ports past 65535), so it is a little stricter
    /// than the server, never looser.
    pub(super) const HTTP_URL: &str = concat!(
        "^[Hh][Tt][Tt][Pp][Ss]?://",
        "((([A-Za-z0-9]+(-[A-Za-z0-9]+)*[.])*[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*)",
        "|(((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])))",
        "(:[0-9]{1,4})?",
        "(/[A-Za-z0-9._~!$&'()*+,;=:@/-]*)?",
        "([?][A-Za-z0-9._~!$&'()*+,;=:@/?-]*)?$"
    );

    /// A key as text, 1 to 4294967295, as `idflow_core::model::parse_key`
    /// reads it (no sign, no leading zero).
    pub(super) const KEY_TEXT: &str = concat!(
        "^([1-9][0-9]{0,8}|[1-3][0-9]{9}|4[01][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}",
        "|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[01][0-9]{2}",
        "|42949672[0-8][0-9]|429496729[0-5])$"
    );

    /// A key or version number as text (paths and queries).
    pub fn key_text() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(KEY_TEXT))
            .description(Some(
                "A whole number from 1 to 4294967295: decimal digits, no sign or leading zero",
            ))
            .examples(["10011"])
            .into()
    }

    /// A string, or null (which the server reads as absent).
    fn string_or_null() -> SchemaType {
        SchemaType::from_iter([Type::String, Type::Null])
    }

    /// 5m to 60d: minutes 5 to 86400, hours 1 to 1440, days 1 to 60, as
    /// `crate::platform::request::parse_lifetime` reads them (no leading
    /// zeros, no spaces here).
    pub(super) const TOKEN_LIFETIME: &str = concat!(
        "^(([5-9]|[1-9][0-9]{1,3}|[1-7][0-9]{4}|8[0-5][0-9]{3}|86[0-3][0-9]{2}|86400)m",
        "|([1-9]|[1-9][0-9]{1,2}|1[0-3][0-9]{2}|14[0-3][0-9]|1440)h",
        "|([1-9]|[1-5][0-9]|60)d)$"
    );

    /// `userReference`: `scenario:` and a built-in scenario's name (any
    /// case, spaces around it), or up to 100 characters not starting with
    /// `scenario:`.
    pub(super) fn user_reference() -> RefOr<Schema> {
        let any_case = |name: &str| -> String {
            name.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    } else {
                        regex_escape(c)
                    }
                })
                .collect()
        };
        let names: Vec<String> = idflow_core::simulate::names()
            .iter()
            .map(|n| any_case(n))
            .collect();
        let prefix = crate::platform::request::SCENARIO_PREFIX;
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(100))
                    .pattern(Some(format!(
                        "^{prefix}{SPACES}*({}){SPACES}*$",
                        names.join("|")
                    ))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(100))
                    .pattern(Some(not_starting_with(prefix))),
            )
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .description(Some(
                "Up to 100 characters; `scenario:NAME` picks the simulated scenario (default ALL_PASS)",
            ))
            .examples(["scenario:ALL_PASS"])
            .into()
    }

    /// The control characters (Unicode Cc) as a class's ranges: no
    /// reference holds one (issue 30, item 8).
    const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";

    /// The white space `str::trim` removes that is no control character,
    /// as a class: what may stand around a scenario's name.
    const SPACES: &str = r"[ \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

    /// A pattern for the strings that do not start with `prefix`: each
    /// proper beginning of it, then the end or any other next character.
    fn not_starting_with(prefix: &str) -> String {
        let chars: Vec<char> = prefix.chars().collect();
        let branches: Vec<String> = (0..chars.len())
            .map(|i| {
                let start: String = chars[..i].iter().map(|c| regex_escape(*c)).collect();
                let next = chars[i];
                let other = if next == '\\' || next == ']' || next == '^' {
                    format!("\\{next}")
                } else {
                    next.to_string()
                };
                format!("{start}([^{other}{CONTROLS}][^{CONTROLS}]*)?")
            })
            .collect();
        format!("^({})$", branches.join("|"))
    }

    fn http_url() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(string_or_null())
            .pattern(Some(HTTP_URL))
            .description(Some("An absolute http(s) URL"))
            .examples(["https://example.com/idv/done"])
            .into()
    }

    fn token_lifetime() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(string_or_null())
            .pattern(Some(TOKEN_LIFETIME))
            .description(Some(
                "How long the tokens are valid: a number and m, h or d, 5m to 60d; default 30m",
            ))
            .examples(["30m"])
            .into()
    }

    fn regex_escape(c: char) -> String {
        if c.is_ascii_alphanumeric() || c == '_' {
            c.to_string()
        } else {
            format!(
                "[{}]",
                if c == '\\' || c == ']' || c == '^' {
                    format!("\\{c}")
                } else {
                    c.to_string()
                }
            )
        }
    }

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
        /// scenario (default `ALL_PASS`), and only a known name may follow
        /// the prefix.
        #[schema(schema_with = user_reference, required = false)]
        user_reference: Option<String>,
        /// Absolute http(s) URL that gets a POST once the execution is
        /// processed (or expires); refused when it resolves to an address
        /// that is not public (loopback, private, link-local, metadata, any
        /// other block of the IANA special-purpose registries, or an IPv6
        /// form embedding such an IPv4 address) unless the server allows
        /// the host (a rule of the destination, not of the text).
        #[schema(required = false, schema_with = http_url)]
        callback_url: Option<String>,
        /// How long the tokens are valid: a number and m, h or d (`30m`,
        /// `12h`, `60d`), 5m to 60d; default 30m.
        #[schema(required = false, schema_with = token_lifetime)]
        token_lifetime: Option<String>,
        #[schema(required = false)]
        web: Option<WebRequest>,
        /// Recorded as given (an object). Where it has
        /// `consent.obtainedAt`, that is when the end user consented: an
        /// RFC 3339 timestamp (ISO 8601 with a time zone, e.g.
        /// `2024-07-20T17:20:35.000Z`), not in the future and at most 3
        /// years old when the request arrives (seed 003: a consent is valid
        /// for a maximum of 3 years; idflow applies it to every request);
        /// otherwise a 400 naming `userConsent.consent.obtainedAt`.
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
        credentials: Option<Vec<CredentialRequest>>,
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
                    .pattern(Some(KEY_TEXT)),
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
        /// Recorded as given (any JSON value).
        #[schema(value_type = Option<Value>, required = false)]
        country: Option<serde_json::Value>,
        /// Recorded as given (any JSON value).
        #[schema(value_type = Option<Value>, required = false)]
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
        #[schema(required = false, schema_with = http_url)]
        success_url: Option<String>,
        #[schema(required = false, schema_with = http_url)]
        error_url: Option<String>,
        /// e.g. `en-US` (the default), `de`, `pt-BR`.
        #[schema(required = false, pattern = "^[A-Za-z0-9_-]{2,10}$")]
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
    use crate::routes::document;

    fn full_match(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern)
            .expect("the pattern compiles")
            .is_match(text)
    }

    /// The token lifetime's pattern admits exactly the lifetimes the server
    /// reads (canonical spellings, every number from 0 past each limit).
    #[test]
    fn the_token_lifetime_pattern_is_the_servers_range() {
        use crate::platform::request::parse_lifetime;
        for (unit, last) in [('m', 90_000), ('h', 1_500), ('d', 70)] {
            for n in 0..=last {
                let text = format!("{n}{unit}");
                assert_eq!(
                    full_match(schema::TOKEN_LIFETIME, &text),
                    parse_lifetime(&text).is_ok(),
                    "{text}"
                );
            }
        }
        assert!(!full_match(schema::TOKEN_LIFETIME, "05m"));
    }

    /// The key's text pattern admits exactly what `parse_key` reads.
    #[test]
    fn the_key_pattern_is_parse_key() {
        let mut samples: Vec<String> = ["0", "1", "010011", "+10011", "10011", " 1", "99999999999"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        for edge in [
            u64::from(u32::MAX),
            1_000_000_000,
            3_999_999_999,
            4_000_000_000,
            4_294_967_199,
        ] {
            for n in edge.saturating_sub(3)..=edge + 3 {
                samples.push(n.to_string());
            }
        }
        for text in samples {
            assert_eq!(
                full_match(schema::KEY_TEXT, &text),
                idflow_core::model::parse_key(&text).is_some(),
                "{text}"
            );
        }
    }

    /// Every user reference the pattern admits is read by the server, and
    /// an unknown scenario matches neither branch.
    #[test]
    fn the_user_reference_schema_admits_what_the_server_reads() {
        let RefOr::T(Schema::OneOf(one_of)) = schema::user_reference() else {
            panic!("oneOf");
        };
        let patterns: Vec<String> = one_of
            .items
            .iter()
            .filter_map(|item| object(item.clone()).pattern)
            .collect();
        assert_eq!(patterns.len(), 2, "two string branches and null");
        let admitted = |text: &str| patterns.iter().filter(|p| full_match(p, text)).count();
        for text in [
            "scenario:ALL_PASS",
            "scenario: fake_id ",
            "hello",
            "",
            "scenario",
            "Scenario:x",
            "s",
        ] {
            assert_eq!(admitted(text), 1, "{text:?}");
            let body = json!({
                "customerInternalReference": "c",
                "workflowDefinition": { "key": 10011 },
                "userReference": text
            });
            assert!(
                crate::platform::request::parse(
                    body.to_string().as_bytes(),
                    time::OffsetDateTime::now_utc()
                )
                .is_ok(),
                "{text:?}"
            );
        }
        for text in ["scenario:NOPE", "scenario:", "scenario:ALL_PASSX"] {
            assert_eq!(admitted(text), 0, "{text:?}");
        }
        // Issue 30, item 8: no control character, in either branch; the
        // white space trim removes around a name.
        for text in ["scenario:\u{a0}ALL_PASS\u{3000}", "plain \u{2028} text"] {
            assert_eq!(admitted(text), 1, "{text:?}");
        }
        for text in [
            "scenario:\tALL_PASS",
            "scenario:\u{1c}ALL_PASS",
            "a\0b",
            "\u{1b}[2J",
            "x\u{85}",
            "\n",
        ] {
            assert_eq!(admitted(text), 0, "{text:?}");
            let body = json!({
                "customerInternalReference": "c",
                "workflowDefinition": { "key": 10011 },
                "userReference": text
            });
            assert!(
                crate::platform::request::parse(
                    body.to_string().as_bytes(),
                    time::OffsetDateTime::now_utc()
                )
                .is_err(),
                "{text:?}"
            );
        }
    }

    /// Issue 30, item 8: each text pattern of the document admits exactly
    /// the texts the server's check admits: every character from U+0000 to
    /// U+3100 (controls, white space, bidi controls, letters) alone, inside
    /// a text, and around it.
    #[test]
    fn the_text_patterns_are_the_servers_checks() {
        use idflow_core::text::{
            LINES_PATTERN, Lines, NON_BLANK_LINES_PATTERN, ONE_LINE_PATTERN, check,
        };
        let one_line = regex::Regex::new(ONE_LINE_PATTERN).expect("compiles");
        let lines = regex::Regex::new(LINES_PATTERN).expect("compiles");
        let non_blank = regex::Regex::new(NON_BLANK_LINES_PATTERN).expect("compiles");
        let samples = (0u32..=0x3100)
            .chain([0xFEFF, 0xFFFD, 0x1F600, 0xE0001])
            .filter_map(char::from_u32);
        for c in samples {
            for text in [
                c.to_string(),
                format!("a{c}b"),
                format!(" {c} "),
                format!("{c}{c}"),
            ] {
                assert_eq!(
                    one_line.is_match(&text),
                    check(&text, usize::MAX, Lines::One).is_ok(),
                    "one line {text:?}"
                );
                assert_eq!(
                    lines.is_match(&text),
                    check(&text, usize::MAX, Lines::Many).is_ok(),
                    "lines {text:?}"
                );
                assert_eq!(
                    non_blank.is_match(&text),
                    idflow_store::check_comment(&text).is_ok(),
                    "comment {text:?}"
                );
            }
        }
        assert!(!non_blank.is_match(""));
    }

    /// The served document carries each text rule (issue 30, item 8), and
    /// every operation taking JSON documents 413 and 415.
    #[test]
    fn the_document_says_every_text_limit_and_json_answer() {
        let json = serde_json::to_value(document()).expect("JSON");
        for (schema, property, max, pattern, _) in text_fields() {
            let field = &json["components"]["schemas"][schema]["properties"][property];
            assert_eq!(field["maxLength"], max, "{schema}.{property}: {field}");
            assert_eq!(field["pattern"], pattern, "{schema}.{property}: {field}");
        }
        let mut json_operations = 0;
        for item in json["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("item").values() {
                if operation["requestBody"]["content"]
                    .get("application/json")
                    .is_some()
                {
                    json_operations += 1;
                    for status in ["413", "415"] {
                        assert!(
                            operation["responses"].get(status).is_some(),
                            "{}: no {status}",
                            operation["operationId"]
                        );
                    }
                }
            }
        }
        assert!(json_operations >= 7, "{json_operations}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]
        /// Every URL the pattern admits is one the server reads.
        #[test]
        fn every_url_the_pattern_admits_is_read_by_the_server(
            url in proptest::string::string_regex(
                schema::HTTP_URL.trim_start_matches('^').trim_end_matches('$')
            ).expect("a generator")
        ) {
            proptest::prop_assert!(full_match(schema::HTTP_URL, &url), "{}", url);
            let checked = crate::platform::request::check_url(&url);
            proptest::prop_assert!(checked.is_ok(), "{}: {:?}", url, checked);
        }
    }

    /// Every link in the served document names an operation that exists
    /// (as `operationId`, the OpenAPI spelling) and only parameters that
    /// operation has.
    #[test]
    fn served_links_lead_to_real_operations_and_parameters() {
        let Served(Ok(bytes)) = Served::new(&document()) else {
            panic!("the document encodes");
        };
        let served: Value = serde_json::from_slice(&bytes).expect("JSON");
        let mut operations = std::collections::BTreeMap::new();
        for item in served["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("item").values() {
                let id = operation["operationId"].as_str().expect("operationId");
                let parameters: BTreeSet<String> = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| match p["in"].as_str() {
                        Some("header") => format!("header.{}", p["name"].as_str().unwrap_or("")),
                        _ => p["name"].as_str().unwrap_or("").to_owned(),
                    })
                    .collect();
                operations.insert(id.to_owned(), parameters);
            }
        }
        let mut links = 0;
        for item in served["paths"].as_object().expect("paths").values() {
            for operation in item.as_object().expect("item").values() {
                for response in operation["responses"]
                    .as_object()
                    .expect("responses")
                    .values()
                {
                    for link in response["links"]
                        .as_object()
                        .into_iter()
                        .flat_map(|l| l.values())
                    {
                        links += 1;
                        assert!(link.get("operation_id").is_none(), "{link}");
                        let target = link["operationId"].as_str().expect("operationId");
                        let parameters = operations.get(target).expect(target);
                        for name in link["parameters"].as_object().expect("parameters").keys() {
                            assert!(parameters.contains(name), "{target} has no {name}");
                        }
                    }
                }
            }
        }
        assert!(links >= 16, "{links} links");
    }

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
                archived: false,
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
                note: "n".into(),
                author: "a".into(),
                approved_by: "b".into(),
                authors: vec!["c".into()],
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
        workflow.expectations.push(idflow_core::model::Expectation {
            id: "all_pass_passed".into(),
            scenario: idflow_core::model::ScenarioRef::Builtin("ALL_PASS".into()),
            expect: idflow_core::model::Expected::Decision(
                idflow_core::model::DecisionType::Passed,
            ),
        });
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
