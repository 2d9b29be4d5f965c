//! The store API's bodies, `/api/store/v1`, defined once: the server
//! writes them, the remote client reads them, and (with the `openapi`
//! feature) they describe themselves in the server's OpenAPI document, so
//! the three cannot drift. Readers ignore fields they do not know, so a
//! newer server that adds some still works with an older client.

use idflow_core::Workflow;
use idflow_core::format::{Format, parse_workflow};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::{DuplicatedFrom, Origin, Revision, VersionInfo, WorkflowSummary};

/// `GET /workflows`: every workflow, Global and custom, by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkflowList {
    pub workflows: Vec<WorkflowSummary>,
}

/// `GET /workflows/{key}`: a workflow's draft (its `ETag` is the revision).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Draft))]
pub struct DraftBody {
    pub key: u32,
    pub origin: Origin,
    /// The draft's revision: name it in `If-Match` to save.
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub revision: Revision,
    /// Set when the workflow was made with duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub duplicated_from: Option<DuplicatedFrom>,
    pub workflow: WireWorkflow,
}

/// `GET /workflows/{key}/versions`: the published versions, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = History))]
pub struct HistoryBody {
    pub key: u32,
    pub versions: Vec<VersionInfo>,
}

/// `GET /workflows/{key}/versions/{n}`: one published version with its
/// workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Version))]
pub struct VersionBody {
    pub key: u32,
    pub version: VersionInfo,
    pub workflow: WireWorkflow,
}

/// The answer to create, save, duplicate and restore: the workflow's key
/// and its draft's revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Written))]
pub struct WrittenBody {
    pub key: u32,
    /// The draft's revision (also the `ETag`).
    #[cfg_attr(feature = "openapi", schema(value_type = u64))]
    pub revision: Revision,
}

/// The answer to publish: the version that holds the revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Published))]
pub struct PublishedBody {
    pub key: u32,
    pub version: VersionInfo,
}

/// Every error either API answers with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A stable machine-readable code, e.g. `UNAUTHORIZED`, `NOT_FOUND`,
    /// `CONFLICT`, `READ_ONLY`, `LINT_ERRORS`, `PRECONDITION_REQUIRED`,
    /// `INVALID_WORKFLOW`, `PAYLOAD_TOO_LARGE`, `TOKEN_EXPIRED`.
    #[cfg_attr(feature = "openapi", schema(example = "NOT_FOUND"))]
    pub error: String,
    /// What went wrong and what to do about it, for a person.
    pub message: String,
    /// Structured details where useful (e.g. `key`, `expected_revision` and
    /// `current_revision` of a conflict, `findings` of lint errors,
    /// `fields` of an invalid account request, `limit_bytes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Object, required = false, nullable = false)
    )]
    pub details: Option<Value>,
}

/// A workflow in the JSON wire format: written as a `.json` workflow file
/// is, and read with the same checks a file gets (format version, bounds,
/// values), so a server cannot hand the designer a workflow a file could
/// not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct WireWorkflow(pub Workflow);

impl Serialize for WireWorkflow {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WireWorkflow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WireWorkflow, D::Error> {
        let value = Value::deserialize(deserializer)?;
        parse_workflow(&value.to_string(), Format::Json)
            .map(WireWorkflow)
            .map_err(|e| serde::de::Error::custom(format!("not a workflow idflow can read: {e}")))
    }
}

#[cfg(feature = "openapi")]
mod schema {
    use std::borrow::Cow;

    use idflow_core::model::FORMAT_VERSION;
    use utoipa::openapi::schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, Type};
    use utoipa::openapi::{RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    use super::WireWorkflow;

    impl PartialSchema for WireWorkflow {
        fn schema() -> RefOr<Schema> {
            let any_objects = |description: &str| {
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::Object))
                    .description(Some(description))
                    .build()
            };
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .description(Some(format!(
                    "A workflow in idflow's JSON wire format (`idflow_core::format`, `Format::Json`): \
                     the same document as a `.json` workflow file that `idflow` reads and writes. \
                     `format_version` names the version of that format (currently {FORMAT_VERSION}); \
                     the nodes, edges, notes and lint settings are described by the format, not \
                     here. Unknown fields are refused."
                )))
                .property(
                    "format_version",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0))
                        .description(Some("The version of the workflow format"))
                        .examples([FORMAT_VERSION]),
                )
                .property(
                    "key",
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0))
                        .description(Some(
                            "The platform's workflow key (standard ones are 100xx, custom ones \
                             200000+); the server assigns it on create and keeps it on save",
                        )),
                )
                .property("name", ObjectBuilder::new().schema_type(Type::String))
                .property(
                    "description",
                    ObjectBuilder::new().schema_type(Type::String),
                )
                .property("nodes", any_objects("The workflow's nodes"))
                .property("edges", any_objects("Connections between node ports"))
                .property("notes", any_objects("Canvas notes"))
                .property(
                    "lint",
                    ObjectBuilder::new()
                        .schema_type(Type::Object)
                        .description(Some(
                            "Per-workflow lint configuration: rule code -> severity or off",
                        )),
                )
                .required("format_version")
                .required("key")
                .required("name")
                .required("nodes")
                .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(false)))
                .into()
        }
    }

    impl ToSchema for WireWorkflow {
        fn name() -> Cow<'static, str> {
            Cow::Borrowed("Workflow")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standard_workflows;

    #[test]
    fn a_draft_reads_back_as_it_was_written() {
        let workflow = standard_workflows().unwrap().remove(0);
        let body = DraftBody {
            key: workflow.key,
            origin: Origin::Global,
            revision: 3,
            duplicated_from: None,
            workflow: WireWorkflow(workflow),
        };
        let text = serde_json::to_string(&body).expect("plain data");
        assert!(!text.contains("duplicated_from"), "{text}");
        let back: DraftBody = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, body);
    }

    #[test]
    fn a_workflow_a_file_could_not_hold_is_refused_with_the_reason() {
        let text = r#"{"key": 1, "origin": "CUSTOM", "revision": 1,
            "workflow": {"format_version": 999, "key": 1, "name": "x", "nodes": []}}"#;
        let error = serde_json::from_str::<DraftBody>(text).expect_err("wrong format version");
        assert!(
            error.to_string().contains("not a workflow idflow can read"),
            "{error}"
        );
        assert!(error.to_string().contains("999"), "{error}");
    }

    #[test]
    fn an_error_without_details_leaves_the_field_out_and_reads_back() {
        let body = ErrorBody {
            error: "NOT_FOUND".to_owned(),
            message: "workflow 7 does not exist".to_owned(),
            details: None,
        };
        let text = serde_json::to_string(&body).expect("plain data");
        assert_eq!(
            text,
            r#"{"error":"NOT_FOUND","message":"workflow 7 does not exist"}"#
        );
        assert_eq!(
            serde_json::from_str::<ErrorBody>(&text).expect("reads"),
            body
        );
    }
}
