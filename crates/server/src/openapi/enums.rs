//! Schemas of the string enums on the wire whose types this module cannot
//! derive `ToSchema` on (core's, and the platform's execution status): each
//! has the name and the values of the real type, as serde writes them (the
//! tests of `crate::openapi` hold them to it). A leaf: the platform's own
//! wire types (`crate::platform::steps`) and the routes name these without
//! reaching into the document's assembly.

use std::borrow::Cow;

use idflow_core::model::Part as CorePart;
use idflow_core::model::{
    Channel as CoreChannel, CredentialCategory as CoreCategory, DecisionType as CoreDecision,
};
use serde::Serialize;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::platform::storage::model::ExecutionStatus as StorageStatus;

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
pub fn execution_statuses() -> Vec<StorageStatus> {
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
    /// `idflow_core::model::DecisionType`.
    DecisionType = "The decision a capability or a transaction renders",
    CoreDecision::ALL
);

string_enum_schema!(
    /// `idflow_core::model::Part`.
    Part = "A part of a credential (image side, face, facemap, or data kind)",
    CorePart::ALL
);
