//! The server every integration test talks to: a real server on an
//! ephemeral loopback port over a real SQLite file, or over a scratch
//! PostgreSQL database (`TestDb::postgres`, see `idflow_server::testing`),
//! and how the tests talk to it: `both_backends!` runs one test on both
//! databases; `StoreClient` and `PlatformClient` are the one client of the
//! store API and of the mock platform; `callbacks` receives the platform's
//! callbacks.

#![allow(dead_code)] // each test binary uses its own part of this

use std::path::Path;

mod backends;
mod callbacks;
mod platform_client;
mod store_client;

// Not every test binary uses every part.
#[allow(unused_imports)]
pub(crate) use backends::{FromBackend, both_backends};
#[allow(unused_imports)]
pub use callbacks::{callback_for, callback_receiver};
#[allow(unused_imports)]
pub use platform_client::{Created, PlatformClient, jpeg, multipart, png, sha256_hex};
#[allow(unused_imports)]
pub use store_client::StoreClient;

use idflow_server::testing::ScratchPostgres;
use idflow_server::{AppState, DbLocation, Role, create_token, run};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A database for one test: a SQLite file in a temp folder or a scratch
/// PostgreSQL database, removed when dropped.
pub struct TestDb {
    pub location: DbLocation,
    _dir: Option<TempDir>,
    _postgres: Option<ScratchPostgres>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = TempDir::new().expect("tmp");
        TestDb {
            location: DbLocation::Sqlite(dir.path().join("server.sqlite")),
            _dir: Some(dir),
            _postgres: None,
        }
    }

    /// `None` (the test is skipped, saying so) without a configured
    /// PostgreSQL.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let scratch = ScratchPostgres::create(test).await?;
        Some(TestDb {
            location: scratch.location(),
            _dir: None,
            _postgres: Some(scratch),
        })
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.location, DbLocation::Postgres(_))
    }
}

/// A server running on `127.0.0.1:0` until stopped.
pub struct Server {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub root: String,
    pub state: AppState,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), idflow_server::ServerError>>,
}

impl Server {
    pub async fn start(db: &Path) -> Server {
        Server::start_at(&DbLocation::Sqlite(db.to_owned())).await
    }

    pub async fn start_at(location: &DbLocation) -> Server {
        let state = AppState::open_location(location)
            .await
            .expect("open the database");
        Server::start_with(state).await
    }

    /// A server whose callbacks may go to this machine (the tests'
    /// receivers listen on 127.0.0.1), with links under its own address.
    pub async fn start_with(mut state: AppState) -> Server {
        state.platform.outbound =
            idflow_server::platform::outbound::OutboundPolicy::allowing(["127.0.0.1"]).into();
        Server::start_strict(state).await
    }

    /// A server with the default callback policy (loopback refused).
    pub async fn start_strict(mut state: AppState) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        state.public_url = std::sync::Arc::from(format!("http://{addr}"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Server {
            root: format!("http://{addr}"),
            state,
            stop,
            task,
        }
    }

    /// Graceful shutdown, then the database is closed.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task
            .await
            .expect("server task")
            .expect("server ran cleanly");
        self.state.db.close().await;
    }

    /// A URL of the store API (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/store/v1{path}", self.root)
    }

    pub async fn token(&self, role: Role) -> String {
        // Token names are unique per server.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        create_token(&self.state.db, &format!("test-{role}-{n}"), role)
            .await
            .expect("token")
    }
}

/// A running server with a designer and a publisher token and an HTTP
/// client: what most tests start from.
pub struct Fixture {
    pub db: TestDb,
    pub server: Server,
    pub designer: String,
    pub publisher: String,
    pub http: reqwest::Client,
}

/// A server on a fresh SQLite file.
pub async fn fixture() -> Fixture {
    fixture_on(TestDb::sqlite()).await
}

/// A server run with `--no-callbacks` on a fresh SQLite database.
pub async fn silent_fixture() -> Fixture {
    let db = TestDb::sqlite();
    let mut state = AppState::open_location(&db.location)
        .await
        .expect("open the database");
    state.platform.outbound = idflow_server::platform::outbound::OutboundPolicy::default()
        .silent(true)
        .into();
    let server = Server::start_strict(state).await;
    with_tokens(db, server).await
}

/// A server on a fresh PostgreSQL database; `None` when none is
/// configured (the test says it was skipped).
pub async fn postgres_fixture(test: &str) -> Option<Fixture> {
    Some(fixture_on(TestDb::postgres(test).await?).await)
}

pub async fn fixture_on(db: TestDb) -> Fixture {
    let server = Server::start_at(&db.location).await;
    with_tokens(db, server).await
}

/// The fixture of a started server, with a designer and a publisher token.
async fn with_tokens(db: TestDb, server: Server) -> Fixture {
    let designer = server.token(Role::Designer).await;
    let publisher = server.token(Role::Publisher).await;
    Fixture {
        db,
        server,
        designer,
        publisher,
        http: reqwest::Client::new(),
    }
}

/// The value of header `name`; panics without one.
pub fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .expect("ASCII header")
}

pub async fn json_of(response: reqwest::Response) -> serde_json::Value {
    response
        .json::<serde_json::Value>()
        .await
        .expect("JSON body")
}
