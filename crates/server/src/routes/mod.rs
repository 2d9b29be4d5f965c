//! HTTP handlers, one module per API; the documented APIs put together
//! ([`api`]).

pub mod body;
pub mod extract;
pub mod platform;
pub mod store;
pub mod web;

use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::openapi;

/// Both APIs' routes with their documentation, under their prefixes (no
/// state, fallbacks or layers yet: [`crate::router`] adds those).
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .nest(store::PREFIX, store::routes())
        .nest(platform::PREFIX, platform::routes())
}

/// The whole document, as served at [`openapi::PATH`].
pub fn document() -> OpenApi {
    let (_, document) = api().split_for_parts();
    openapi::finish(document)
}
