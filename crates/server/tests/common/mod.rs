//! The server every integration test talks to: a real server on an
//! ephemeral loopback port over a real SQLite file.

#![allow(dead_code)] // each test binary uses its own part of this

use std::path::Path;

use idflow_server::{AppState, Role, create_token, run};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

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
        let state = AppState::open(db).await.expect("open the database");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
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
        create_token(&self.state.db, "test", role)
            .await
            .expect("token")
    }
}
