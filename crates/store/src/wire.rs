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

/// The answer to archive and unarchive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Archived))]
pub struct ArchivedBody {
    pub key: u32,
    /// Whether the workflow is now archived.
    pub archived: bool,
}

/// What a publish may say: why this version (optional; an empty or absent
/// body publishes without a note).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// What changed and why, at most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
}

/// A workflow's review comments, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Comments))]
pub struct CommentList {
    pub key: u32,
    pub comments: Vec<crate::Comment>,
}

/// A new comment: on a step (its id) or, without `step`, on the workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    #[serde(default)]
    pub step: Option<String>,
    /// 1 to 4,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 4000))]
    pub text: String,
}

/// Resolve (`true`) or reopen (`false`) a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentState {
    pub resolved: bool,
}

/// The answer to approve: who approved that revision (everyone so far).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Approved))]
pub struct ApprovedBody {
    pub key: u32,
    pub revision: u64,
    pub approved_by: Vec<String>,
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: u64,
    /// RFC 3339, UTC.
    pub at: String,
    /// The token's name (or `command line` for token administration).
    pub actor: String,
    /// `create`, `save`, `publish`, `approve`, `restore`, `duplicate`,
    /// `archive`, `unarchive`, `comment`, `resolve`, `reopen`,
    /// `token-create`, `token-revoke`, `policy` (four eyes turned on or
    /// off: `require-approval on|off`).
    pub action: String,
    pub key: Option<u32>,
    pub revision: Option<u64>,
    pub detail: String,
}

/// A page of the audit trail: the newest entries that match, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Audit))]
pub struct AuditList {
    pub entries: Vec<AuditEntry>,
    /// Older entries match too: pass this as `cursor` (with the same
    /// filters) for the page before this one. Absent on the page that
    /// holds the oldest match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(required = false, nullable = false, minimum = 1)
    )]
    pub next: Option<u64>,
}

/// The answer to publish: the version that holds the revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Published))]
pub struct PublishedBody {
    pub key: u32,
    pub version: VersionInfo,
}

/// The response header every answer of the server carries: the idflow
/// release it runs, e.g. `0.2.0` (issue 29: a client that cannot read an
/// answer says which idflow it needs).
pub const VERSION_HEADER: &str = "idflow-version";

/// `GET /version`: the idflow release the server runs and the workflow
/// formats it reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerVersion {
    /// The idflow release, e.g. `0.2.0` (the `idflow-version` header of
    /// every answer says the same).
    #[cfg_attr(feature = "openapi", schema(example = "0.2.0"))]
    pub idflow: String,
    /// The workflow formats the server reads; it writes the newest.
    pub workflow_formats: FormatRange,
}

/// The oldest and the newest format a reader reads (both included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormatRange {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub oldest: u32,
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub newest: u32,
}

impl ServerVersion {
    /// This build's.
    pub fn this_build() -> ServerVersion {
        use idflow_core::versions::{IDFLOW_VERSION, WORKFLOW_FORMATS};
        ServerVersion {
            idflow: IDFLOW_VERSION.to_owned(),
            workflow_formats: FormatRange {
                oldest: WORKFLOW_FORMATS.oldest(),
                newest: WORKFLOW_FORMATS.newest(),
            },
        }
    }
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

/// The body is a workflow in idflow's JSON format, so its schema is the
/// format's own, derived from the model (`idflow_core::model`): what the
/// schema admits is what `parse_workflow` reads.
#[cfg(feature = "openapi")]
mod schema {
    use std::borrow::Cow;

    use idflow_core::Workflow;
    use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, SchemaType, Type};
    use utoipa::openapi::{RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    use super::WireWorkflow;

    impl PartialSchema for WireWorkflow {
        fn schema() -> RefOr<Schema> {
            let mut schema = <Workflow as PartialSchema>::schema();
            closed(&mut schema);
            schema
        }
    }

    impl ToSchema for WireWorkflow {
        fn name() -> Cow<'static, str> {
            <Workflow as ToSchema>::name()
        }

        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            let first = schemas.len();
            <Workflow as ToSchema>::schemas(schemas);
            for (_, schema) in &mut schemas[first..] {
                closed(schema);
            }
        }
    }

    /// Every object of the format admits only its own fields: the model's
    /// structs deny unknown fields, and an enum variant's object (`{"SERVICE":
    /// {...}}`) holds its one key. Maps (the lint settings) keep their value
    /// schema.
    fn closed(schema: &mut RefOr<Schema>) {
        let RefOr::T(schema) = schema else {
            return;
        };
        match schema {
            Schema::Object(object) => {
                let is_object = matches!(object.schema_type, SchemaType::Type(Type::Object))
                    || !object.properties.is_empty();
                if is_object && object.additional_properties.is_none() {
                    object.additional_properties =
                        Some(Box::new(AdditionalProperties::FreeForm(false)));
                }
                object.properties.values_mut().for_each(closed);
                if let Some(additional) = object.additional_properties.as_deref_mut()
                    && let AdditionalProperties::RefOr(inner) = additional
                {
                    closed(inner);
                }
            }
            Schema::Array(array) => {
                if let ArrayItems::RefOrSchema(items) = &mut array.items {
                    closed(items);
                }
            }
            Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(closed),
            Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(closed),
            Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(closed),
            _ => {}
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
