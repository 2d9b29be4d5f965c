//! Load on loopback: the real server (in-process, its own 2-thread
//! runtime, SQLite in a temp folder) against a load generator on another
//! runtime, over keep-alive HTTP/1.1 connections (hyper's client
//! connection, so the generator costs little of the 2 cores it shares).
//!
//! Prints requests/s with p50/p99 latency for GET of a published workflow,
//! and whole platform journeys/s (create account, upload FRONT, BACK and
//! FACE, finalize, poll status until PROCESSED, read the details).
//!
//! `cargo bench -p idflow-server --bench load` (IDFLOW_LOAD_SECONDS to
//! change the 5 s per measurement).

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use idflow_server::{AppState, Role, create_token, run};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;

const CONNECTIONS: usize = 32;
const GOAL_RPS: f64 = 20_000.0;
const GOAL_P99_MS: f64 = 10.0;

fn runtime(threads: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn seconds() -> Duration {
    let secs = std::env::var("IDFLOW_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(5.0);
    Duration::from_secs_f64(secs)
}

/// One keep-alive connection.
async fn connect(addr: std::net::SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    sender
}

/// Sends one request and reads the whole body.
async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    request: Request<Full<Bytes>>,
) -> (StatusCode, Bytes) {
    sender.ready().await.expect("connection ready");
    let response = sender.send_request(request).await.expect("response");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, body)
}

struct Figures {
    count: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u32>,
}

impl Figures {
    fn merge(parts: Vec<Figures>) -> Figures {
        let mut all = Figures {
            count: 0,
            errors: 0,
            elapsed: Duration::ZERO,
            latencies_us: Vec::new(),
        };
        for part in parts {
            all.count += part.count;
            all.errors += part.errors;
            all.elapsed = all.elapsed.max(part.elapsed);
            all.latencies_us.extend(part.latencies_us);
        }
        all.latencies_us.sort_unstable();
        all
    }

    fn rate(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return f64::NAN;
        }
        let index = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies_us[index]) / 1000.0
    }
}

/// GET of published workflow 10011 version 1 on every connection for the
/// measurement time.
async fn load_published_get(
    addr: std::net::SocketAddr,
    token: String,
    duration: Duration,
) -> Figures {
    let uri = "/api/store/v1/workflows/10011/versions/1";
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let token = token.clone();
        workers.push(tokio::spawn(async move {
            let mut sender = connect(addr).await;
            let mut figures = Figures {
                count: 0,
                errors: 0,
                elapsed: Duration::ZERO,
                latencies_us: Vec::with_capacity(200_000),
            };
            let start = Instant::now();
            while start.elapsed() < duration {
                let request = Request::builder()
                    .method(Method::GET)
                    .uri(uri)
                    .header("host", "127.0.0.1")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Full::new(Bytes::new()))
                    .expect("request");
                let sent = Instant::now();
                let (status, body) = send(&mut sender, request).await;
                let took = sent.elapsed();
                figures.count += 1;
                if status != StatusCode::OK || body.is_empty() {
                    figures.errors += 1;
                }
                figures
                    .latencies_us
                    .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
            }
            figures.elapsed = start.elapsed();
            figures
        }));
    }
    let mut parts = Vec::new();
    for worker in workers {
        parts.push(worker.await.expect("worker"));
    }
    Figures::merge(parts)
}

/// A part upload body: multipart/form-data with one `file` (a tiny PNG).
fn part_body(boundary: &str) -> Bytes {
    let png: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"part.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Bytes::from(body)
}

fn request(method: Method, uri: &str, token: &str, body: Bytes) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Full::new(body))
        .expect("request")
}

/// The path part of an absolute URL the server handed out.
fn path_of(url: &str) -> &str {
    url.find("/api/").map_or(url, |i| &url[i..])
}

fn json(body: &Bytes) -> serde_json::Value {
    serde_json::from_slice(body).expect("JSON answer")
}

/// One whole journey on 10011; returns the number of HTTP requests it
/// took, or `None` if any step failed.
async fn journey(sender: &mut SendRequest<Full<Bytes>>, token: &str) -> Option<usize> {
    let mut requests = 0;
    let create = serde_json::json!({
        "customerInternalReference": "load",
        "userReference": "scenario:ALL_PASS",
        "workflowDefinition": { "key": 10011 },
    });
    let (status, body) = send(
        sender,
        request(
            Method::POST,
            "/api/v1/accounts",
            token,
            Bytes::from(create.to_string()),
        ),
    )
    .await;
    requests += 1;
    if status != StatusCode::OK {
        return None;
    }
    let account = json(&body);
    let execution = account["workflowExecution"]["credentials"][0]["api"]["workflowExecution"]
        .as_str()?
        .to_owned();
    let mut uploads = Vec::new();
    for credential in account["workflowExecution"]["credentials"].as_array()? {
        if let Some(parts) = credential["api"]["parts"].as_object() {
            let api_token = credential["api"]["token"].as_str()?.to_owned();
            for url in parts.values() {
                uploads.push((url.as_str()?.to_owned(), api_token.clone()));
            }
        }
    }
    let boundary = "idflowloadboundary";
    for (url, api_token) in &uploads {
        let upload = Request::builder()
            .method(Method::POST)
            .uri(path_of(url))
            .header("host", "127.0.0.1")
            .header("authorization", format!("Bearer {api_token}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Full::new(part_body(boundary)))
            .expect("request");
        let (status, _) = send(sender, upload).await;
        requests += 1;
        if status != StatusCode::OK {
            return None;
        }
    }
    let execution = path_of(&execution).to_owned();
    let (status, _) = send(
        sender,
        request(Method::PUT, &execution, token, Bytes::new()),
    )
    .await;
    requests += 1;
    if !status.is_success() {
        return None;
    }
    loop {
        let (status, body) = send(
            sender,
            request(
                Method::GET,
                &format!("{execution}/status"),
                token,
                Bytes::new(),
            ),
        )
        .await;
        requests += 1;
        if status != StatusCode::OK {
            return None;
        }
        if json(&body)["workflowExecution"]["status"] == "PROCESSED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let (status, body) = send(
        sender,
        request(Method::GET, &execution, token, Bytes::new()),
    )
    .await;
    requests += 1;
    (status == StatusCode::OK && json(&body)["decision"]["type"] == "PASSED").then_some(requests)
}

/// Whole journeys on `connections` connections for the measurement time;
/// `count` is journeys, latencies are per journey.
async fn load_journeys(
    addr: std::net::SocketAddr,
    token: String,
    connections: usize,
    duration: Duration,
) -> (Figures, usize) {
    let mut workers = Vec::new();
    for _ in 0..connections {
        let token = token.clone();
        workers.push(tokio::spawn(async move {
            let mut sender = connect(addr).await;
            let mut figures = Figures {
                count: 0,
                errors: 0,
                elapsed: Duration::ZERO,
                latencies_us: Vec::new(),
            };
            let mut requests = 0;
            let start = Instant::now();
            while start.elapsed() < duration {
                let began = Instant::now();
                match journey(&mut sender, &token).await {
                    Some(n) => requests += n,
                    None => figures.errors += 1,
                }
                figures.count += 1;
                figures
                    .latencies_us
                    .push(u32::try_from(began.elapsed().as_micros()).unwrap_or(u32::MAX));
            }
            figures.elapsed = start.elapsed();
            (figures, requests)
        }));
    }
    let mut parts = Vec::new();
    let mut requests = 0;
    for worker in workers {
        let (figures, n) = worker.await.expect("worker");
        parts.push(figures);
        requests += n;
    }
    (Figures::merge(parts), requests)
}

fn main() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = dir.path().join("server.sqlite");
    let server_runtime = runtime(2);
    let (addr, token, stop, task, state) = server_runtime.block_on(async {
        let state = AppState::open(&db).await.expect("database");
        let token = create_token(&state.db, "load", Role::Publisher)
            .await
            .expect("token");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        (addr, token, stop, task, state)
    });

    let client_runtime = runtime(2);
    let duration = seconds();
    // Warm-up (connections, caches, allocator).
    client_runtime.block_on(load_published_get(
        addr,
        token.clone(),
        Duration::from_millis(500),
    ));
    let get = client_runtime.block_on(load_published_get(addr, token.clone(), duration));
    println!(
        "GET published workflow (10011 v1), {CONNECTIONS} connections, {:.1} s: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, errors {} of {}",
        get.elapsed.as_secs_f64(),
        get.rate(),
        get.percentile_ms(0.50),
        get.percentile_ms(0.99),
        get.errors,
        get.count,
    );
    println!(
        "  goal > {GOAL_RPS:.0} req/s and p99 < {GOAL_P99_MS} ms: {}; Prism mock server on this machine: ~1,000 req/s, p99 ~100 ms ({:.0}x the requests/s)",
        if get.rate() > GOAL_RPS && get.percentile_ms(0.99) < GOAL_P99_MS {
            "met"
        } else {
            "NOT met"
        },
        get.rate() / 1_000.0,
    );

    let journey_connections = 8;
    let (journeys, requests) = client_runtime.block_on(load_journeys(
        addr,
        token.clone(),
        journey_connections,
        duration,
    ));
    println!(
        "Platform journeys (create, 3 uploads, finalize, status until PROCESSED, details), {journey_connections} concurrent, {:.1} s: {:.0} journeys/s ({:.0} req/s), journey p50 {:.2} ms, p99 {:.2} ms, failed {} of {}",
        journeys.elapsed.as_secs_f64(),
        journeys.rate(),
        requests as f64 / journeys.elapsed.as_secs_f64(),
        journeys.percentile_ms(0.50),
        journeys.percentile_ms(0.99),
        journeys.errors,
        journeys.count,
    );

    let _ = stop.send(());
    server_runtime.block_on(async {
        let _ = task.await;
        state.db.close().await;
    });
}
