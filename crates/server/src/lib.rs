//! idflow team server: the store API (`/api/store/v1`) and the mock
//! platform API (`/api/v1`) over HTTP, backed by one SQLite file (WAL) or
//! one PostgreSQL database shared by several servers, with bearer-token
//! auth (design.md, "Server").
//!
//! Modules: `db` (schema access and the store's semantics, on either
//! backend), `location` (which database `--db` names), `auth`
//! (tokens, roles, the `Caller` extractor), `platform` (the mock platform
//! API: accounts, executions, tokens, uploads, processing, callbacks),
//! `routes` (handlers), `error` (the API's one error type, as JSON),
//! `openapi` (the OpenAPI document of both APIs, at `GET /openapi.json`),
//! `connections` (serving connections within limits and timeouts),
//! `comment_rate` (each token's comment bucket).

pub mod auth;
pub mod cache;
pub mod comment_rate;
pub mod connections;
pub mod db;
pub mod error;
pub mod location;
pub mod openapi;
pub mod platform;
pub mod role;
pub mod routes;
#[doc(hidden)]
pub mod testing;

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use auth::{Role, create_token};
pub use connections::Limits as ConnectionLimits;
pub use db::{Db, DbError};
pub use error::ApiError;
pub use location::DbLocation;
pub use platform::{Clock, PlatformError};

/// The largest request body accepted (2 MiB); larger ones get 413. Part
/// uploads have their own limit (`platform::upload::UPLOAD_BODY_LIMIT`).
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The default `--bind`.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What `serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// The database: a SQLite file (created if missing) or a PostgreSQL URL.
    pub db: DbLocation,
    /// The base of every link the server returns (`http://host:port`);
    /// default `http://BIND`, required when binding 0.0.0.0 or `::`. Never
    /// taken from a request's Host header.
    pub public_url: Option<String>,
    /// Hosts callbacks may go to although they resolve to addresses that
    /// are not public (local testing).
    pub allow_callback_hosts: Vec<String>,
    /// Sends no callbacks and resolves no callback host (offline runs,
    /// load tests, CI).
    pub no_callbacks: bool,
    /// `--require-approval`: turns four eyes on for the store, in its
    /// database (audited, kept after the server stops: issue 30, item 2).
    /// Without it, the store's setting stands.
    pub require_approval: bool,
    /// How many comments each token may post (issue 30, item 3).
    pub comment_rate: comment_rate::CommentRate,
    /// `--clock-ahead`: the mock platform's clock runs this far ahead of
    /// the system's (token expiry without waiting out a lifetime).
    pub clock_ahead: std::time::Duration,
    /// The connection cap and timeouts (`connections`).
    pub limits: ConnectionLimits,
}

/// The base every returned link starts with: `public_url` checked
/// (http(s), a host, nothing after it), else `http://BIND`; an unspecified
/// bind address (0.0.0.0, `::`) needs `public_url`.
pub fn public_url(config_url: Option<&str>, bind: SocketAddr) -> Result<String, ServerError> {
    let Some(text) = config_url else {
        if bind.ip().is_unspecified() {
            return Err(ServerError::PublicUrl(format!(
                "the server listens on {bind}, which is no address clients can use: pass --public-url http://HOST:{}",
                bind.port()
            )));
        }
        return Ok(format!("http://{bind}"));
    };
    let url = reqwest::Url::parse(text)
        .map_err(|e| ServerError::PublicUrl(format!("{text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ServerError::PublicUrl(format!(
            "{text:?} is not an http(s) URL with a host"
        )));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(ServerError::PublicUrl(format!(
            "{text:?} has a path, query or fragment: give only scheme, host and port"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// `database` is the file path or the URL without its password.
    #[error("{database}: {source}")]
    Db { database: String, source: DbError },
    #[error("{database}: {source}")]
    Platform {
        database: String,
        source: PlatformError,
    },
    #[error("--public-url: {0}")]
    PublicUrl(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    /// The platform API's token keys and callback client.
    pub platform: platform::Platform,
    /// JSON answers for published versions, which never change.
    pub published: cache::ImmutableCache<(u32, u32), axum::body::Bytes>,
    /// The base of every link the server returns (see [`public_url`]).
    pub public_url: std::sync::Arc<str>,
    /// Each token's comment bucket (`--comments-per-minute`,
    /// `--comment-burst`).
    pub comments: comment_rate::CommentLimiter,
    clock: Clock,
}

impl AppState {
    /// Opens the SQLite database at `path` (migrating it) and seeds the
    /// standard workflows on first start.
    pub async fn open(path: &Path) -> Result<AppState, ServerError> {
        AppState::open_location(&DbLocation::Sqlite(path.to_owned())).await
    }

    /// Opens the database `location` names (migrating it) and seeds the
    /// standard workflows on first start. Several servers (replicas) may
    /// open one PostgreSQL database at once: it is seeded once.
    pub async fn open_location(location: &DbLocation) -> Result<AppState, ServerError> {
        let failed = |source| ServerError::Db {
            database: location.redacted(),
            source,
        };
        // The whole start-up (migrate, seed, the platform's key) is one
        // server's turn at a time on a SQLite file.
        let (db, turn) = Db::open_location_held(location).await.map_err(failed)?;
        db.seed().await.map_err(failed)?;
        let clock = Clock::new();
        let platform = platform::Platform::open(&db, &clock)
            .await
            .map_err(|source| ServerError::Platform {
                database: location.redacted(),
                source,
            })?;
        drop(turn);
        Ok(AppState {
            db,
            platform,
            published: cache::ImmutableCache::new(1024),
            public_url: std::sync::Arc::from(format!("http://{DEFAULT_BIND}")),
            comments: comment_rate::CommentLimiter::default(),
            clock,
        })
    }

    /// The clock the platform API reads (system time unless advanced).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Moves the platform API's clock forward (tests: token expiry without
    /// sleeping).
    pub fn advance(&self, by: std::time::Duration) {
        self.clock.advance(by);
    }
}

/// `<data dir>/server.sqlite`, beside the local store's default folder
/// (e.g. `~/.local/share/idflow/server.sqlite` on Linux). `None` when the
/// platform has no home directory.
pub fn default_db_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("dev", "idflow", "idflow")
        .map(|dirs| dirs.data_dir().join("server.sqlite"))
}

/// The whole HTTP API, with request ids (`x-request-id`, set when the
/// client sends none, echoed in the response), a trace span per request
/// and the body limit. Both APIs' routes come with their documentation
/// (`routes::api`), served without auth at `GET /openapi.json`. Every
/// answer carries the `idflow-version` header (issue 29).
pub fn router(state: AppState) -> Router {
    let (api, document) = routes::api().split_for_parts();
    let document = openapi::Served::new(&openapi::finish(document));
    Router::new()
        .merge(api)
        .merge(routes::web::router())
        .route(
            openapi::PATH,
            get(move || std::future::ready(document.response())),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request
                        .headers()
                        .get(&REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        id,
                        method = %request.method(),
                        uri = %request.uri(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        // Outermost: every answer says which idflow wrote it (issue 29).
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(idflow_store::wire::VERSION_HEADER),
            HeaderValue::from_static(idflow_core::versions::IDFLOW_VERSION),
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found(
        "no such endpoint: the store API is under /api/store/v1, the platform API under /api/v1",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this endpoint does not accept that method",
    )
}

/// Serves `state` on `listener` with the default connection limits until
/// `shutdown` completes, then finishes the requests in flight. Tests call
/// this with a port-0 listener.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    run_within(listener, state, ConnectionLimits::default(), shutdown).await
}

/// [`run`] within `limits`. First resumes the processing of executions a
/// previous run left ACQUIRED.
pub async fn run_within(
    listener: TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    match platform::process::resume(&state).await {
        Ok(0) => {}
        Ok(resumed) => tracing::info!(resumed, "resumed processing of finalized executions"),
        Err(error) => tracing::error!(%error, "cannot resume processing of finalized executions"),
    }
    match platform::lifecycle::resume_callbacks(&state).await {
        Ok(0) => {}
        Ok(resumed) => tracing::info!(resumed, "resumed pending callbacks"),
        Err(error) => tracing::error!(%error, "cannot resume pending callbacks"),
    }
    let sweep = platform::lifecycle::spawn_expiry_sweep(state.clone());
    connections::serve(listener, router(state), limits, shutdown).await;
    sweep.abort();
    Ok(())
}

/// `idflow serve`: opens (and on first start seeds) the database, listens
/// on `config.bind`, and stops gracefully on SIGINT or SIGTERM.
pub async fn serve(config: Config) -> Result<(), ServerError> {
    let public = public_url(config.public_url.as_deref(), config.bind)?;
    if let DbLocation::Sqlite(path) = &config.db {
        for exposed in db::private_file::exposed(path) {
            tracing::warn!(path = %exposed.path.display(), mode = format!("{:o}", exposed.mode), "the database file is readable by others than its owner: it holds the key that signs execution tokens");
        }
    }
    let limits = fitted_limits(config.limits);
    let mut state = AppState::open_location(&config.db).await?;
    state.public_url = std::sync::Arc::from(public.as_str());
    state.comments = comment_rate::CommentLimiter::new(config.comment_rate);
    state.advance(config.clock_ahead);
    let database = |source| ServerError::Db {
        database: config.db.redacted(),
        source,
    };
    if config.require_approval {
        state
            .db
            .set_require_approval(true, db::TOKEN_ADMIN)
            .await
            .map_err(database)?;
    }
    let require_approval = state.db.require_approval().await.map_err(database)?;
    state.platform.outbound = std::sync::Arc::new(
        platform::outbound::OutboundPolicy::allowing(config.allow_callback_hosts.iter().cloned())
            .silent(config.no_callbacks),
    );
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.bind,
            source,
        })?;
    let addr = listener.local_addr()?;
    // Before the server says it listens: a SIGTERM from then on is heard.
    let shutdown = shutdown_signal();
    tracing::info!(
        %addr,
        public = %public,
        db = %config.db,
        require_approval,
        max_connections = limits.max_connections,
        header_timeout = ?limits.header_timeout,
        body_timeout = ?limits.body_timeout,
        idle_timeout = ?limits.idle_timeout,
        clock_ahead = ?config.clock_ahead,
        "idflow server listening"
    );
    let result = run_within(listener, state.clone(), limits, shutdown).await;
    state.db.close().await;
    tracing::info!("idflow server stopped");
    result
}

/// `limits` with the open-file limit raised to its hard limit and the
/// connection cap lowered to what that limit holds (said in the log).
fn fitted_limits(limits: ConnectionLimits) -> ConnectionLimits {
    let Some(open_files) = connections::raise_open_file_limit() else {
        return limits;
    };
    let fitted = limits.fitted_to(open_files);
    if fitted.max_connections < limits.max_connections {
        tracing::warn!(
            asked = limits.max_connections,
            max_connections = fitted.max_connections,
            open_files,
            reserved = connections::RESERVED_FILES,
            "the open-file limit holds fewer connections than --max-connections: the cap is lowered"
        );
    }
    fitted
}

/// Completes on Ctrl+C (SIGINT) or, on Unix, SIGTERM. The handlers are
/// installed when this is called, not when the future is first polled: a
/// signal that arrives once the server says it is listening must stop it
/// gracefully, never kill it.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        async fn received(signal: std::io::Result<Signal>, name: &'static str) {
            match signal {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for {name}");
                    std::future::pending::<()>().await;
                }
            }
        }
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = received(interrupt, "SIGINT") => tracing::info!("SIGINT: shutting down"),
                () = received(terminate, "SIGTERM") => tracing::info!("SIGTERM: shutting down"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl+C");
            std::future::pending::<()>().await;
        }
        tracing::info!("Ctrl+C: shutting down");
    }
}
