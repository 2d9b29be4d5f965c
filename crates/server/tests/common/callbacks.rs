//! A loopback receiver for the mock platform's callbacks (servers started
//! by `Server::start_with` may call back to 127.0.0.1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

/// A loopback receiver that answers 200 and keeps every body: its URL,
/// the bodies, its task.
pub async fn callback_receiver() -> (String, Arc<Mutex<Vec<Value>>>, tokio::task::JoinHandle<()>) {
    use axum::Json;
    use axum::extract::State;
    use axum::routing::post;
    async fn receive(State(seen): State<Arc<Mutex<Vec<Value>>>>, Json(body): Json<Value>) {
        seen.lock().await.push(body);
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (hook, seen, task)
}

/// Waits (at most 10 s) until the receiver holds a callback for `execution`.
pub async fn callback_for(seen: &Mutex<Vec<Value>>, execution: &str) -> Value {
    let start = Instant::now();
    loop {
        if let Some(body) = seen
            .lock()
            .await
            .iter()
            .find(|b| b["workflowExecution"]["id"] == execution)
        {
            return body.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no callback for {execution}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
