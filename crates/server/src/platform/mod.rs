//! The mock platform API (`/api/v1`): accounts and workflow executions that
//! speak the identity platform's shapes, so an integration can be built and
//! tested against a workflow before it goes live. An execution runs the
//! latest published version of its workflow (at account time) through the
//! simulator (`idflow_core::simulate`) under the scenario its
//! `userReference` names (`scenario:NAME`, else ALL_PASS).
//!
//! Modules, one job each: `request` (the account request and its
//! validation), `credentials` (what a workflow's acquisition steps
//! collect), `delivery` (what arrived, for the simulator), `history` (the
//! account's reuse records, as far as reuse needs them), `token`
//! (execution JWTs), `upload` (multipart parts), `prepared` (JSON
//! prepared data), `steps` (the visited steps `steps.href` answers),
//! `placeholder` (what a part link answers: images are not kept),
//! `remembered` (published versions and details, kept in memory),
//! `service` (the lifecycle and its rules, behind a typed API), `storage`
//! (the tables: model, reads, writes), `writer` (group commit of every
//! write, each one transaction), `process` (finalize → simulate → details → callback),
//! `callback` (delivery with retries), `outbound` (where callbacks may
//! go), `special_addresses` (the IANA registries it refuses), `lifecycle` (expiry, the callback
//! queue), `clock` (time, adjustable in tests),
//! `links` (absolute URLs), `error` (why an operation failed). The
//! handlers are in `routes::platform` and `routes::web`.

pub mod callback;
pub mod clock;
pub mod credentials;
pub mod delivery;
mod error;
pub mod history;
pub mod lifecycle;
pub mod links;
pub mod outbound;
pub mod placeholder;
pub mod prepared;
pub mod process;
pub mod remembered;
pub mod request;
pub mod service;
pub mod special_addresses;
pub mod steps;
pub mod storage;
pub mod token;
pub mod upload;
pub mod writer;

pub use callback::RetryPolicy;
pub use clock::Clock;
pub use error::PlatformError;
pub use storage::model::ExecutionStatus;
pub use token::TokenKeys;

use crate::db::Db;

/// Name of the JWT signing secret in `server_secrets`.
pub const JWT_SECRET: &str = "jwt";

/// What the platform API keeps besides the database: the token keys and
/// the HTTP client for callbacks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Platform {
    // Behind `Arc`s: the state is cloned for every request, and cloning
    // the keys copied them (2 % of the CPU under load).
    pub keys: std::sync::Arc<TokenKeys>,
    pub http: reqwest::Client,
    pub retry: RetryPolicy,
    /// Where callbacks may go (`outbound`).
    pub outbound: std::sync::Arc<outbound::OutboundPolicy>,
    /// Every execution write goes through it (group commit).
    pub writer: writer::Writer,
    /// Published versions and PROCESSED details, kept (`remembered`).
    pub remembered: remembered::Remembered,
}

impl Platform {
    /// Loads the signing secret (making and storing it on first start).
    pub async fn open(db: &Db, clock: &Clock) -> Result<Platform, PlatformError> {
        let secret = storage::secret::secret(
            db.pool(),
            JWT_SECRET,
            &clock::rfc3339_millis(clock.now()),
            || token::new_secret().map_err(|e| PlatformError::Random(e.to_string())),
        )
        .await?;
        let http = reqwest::Client::builder()
            .timeout(callback::ATTEMPT_TIMEOUT)
            .user_agent(concat!("idflow/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PlatformError::HttpClient(e.to_string()))?;
        Ok(Platform {
            keys: std::sync::Arc::new(TokenKeys::from_secret(&secret)),
            http,
            retry: RetryPolicy::default(),
            outbound: std::sync::Arc::new(outbound::OutboundPolicy::default()),
            writer: writer::Writer::start(db.pool().clone()),
            remembered: remembered::Remembered::default(),
        })
    }
}
