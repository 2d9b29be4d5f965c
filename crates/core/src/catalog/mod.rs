//! The platform's rules as data, in one place: capabilities and their
//! dependencies, decision labels, credential categories and their parts,
//! channels, services, risk signals and the standard workflows. Lint, the
//! GUI and the simulator all read this; none of them restates it.

mod capabilities;
mod conditions;
mod credentials;
mod delivery;
mod palette;
mod standard;

pub use capabilities::{
    CAPABILITIES, CapabilitySpec, CredentialNeed, ID_CHAIN, capability_spec, is_idflow_model,
};
pub use conditions::{ValueKind, default_condition, normalize, value_kind};
pub use credentials::{
    allowed_parts, captures_facemap, carries, category_name, default_parts, document_types_for,
    mandatory_part, requirements, service_capabilities, service_needs,
};
pub use delivery::{
    api_parts, can_arrive, credential_channels, deliverable_parts, delivered_parts,
    fresh_scan_api_parts, is_stored_facemap, reuses,
};
pub use palette::{PaletteEntry, PaletteGroup, default_weights, palette};
pub use standard::{STANDARD_WORKFLOWS, StandardWorkflow, standard_workflow};

/// Custom workflow keys start here; lower keys belong to the platform.
pub const FIRST_CUSTOM_KEY: u32 = 200_000;
