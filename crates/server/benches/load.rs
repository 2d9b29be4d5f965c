//! Load on loopback: the real server (in-process, its own 2-thread
//! runtime, SQLite in a temp folder) against a load generator on another
//! runtime, over keep-alive HTTP/1.1 connections (hyper's client
//! connection, so the generator costs little of the 2 cores it shares).
//!
//! Prints requests/s with p50/p99 latency, beside the Prism mock server's
//! figures on this machine and the goal (issue 17), for account creation
//! (valid and refused), the details of a PROCESSED execution and GET of a
//! published workflow; then whole platform journeys/s at 32 connections
//! (create account, upload FRONT, BACK and FACE, finalize, poll status
//! until PROCESSED, read the details). The same endpoints measured with
//! wrk against a release `idflow serve`: `benches/platform-wrk.sh`.
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

/// `make()` sent on every one of [`CONNECTIONS`] keep-alive connections for
/// `duration`; an answer other than `expected` counts as an error.
async fn load_requests(
    addr: std::net::SocketAddr,
    make: std::sync::Arc<dyn Fn() -> Request<Full<Bytes>> + Send + Sync>,
    expected: StatusCode,
    duration: Duration,
) -> Figures {
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let make = std::sync::Arc::clone(&make);
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
                let request = make();
                let sent = Instant::now();
                let (status, body) = send(&mut sender, request).await;
                let took = sent.elapsed();
                figures.count += 1;
                if status != expected || body.is_empty() {
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

/// What the Prism mock server (5.14) did on this machine with the same
/// bodies, wrk -t2 -c32 (issue 17), and the goal for idflow.
struct Peer {
    prism_rps: f64,
    prism_p99_ms: f64,
    goal_rps: f64,
    goal_p99_ms: f64,
}

/// Prints one endpoint's figures beside Prism's and the goal.
fn report(name: &str, figures: &Figures, peer: &Peer) {
    let rps = figures.rate();
    let p99 = figures.percentile_ms(0.99);
    println!(
        "{name}, {CONNECTIONS} connections, {:.1} s: {rps:.0} req/s, p50 {:.2} ms, p99 {p99:.2} ms, errors {} of {}",
        figures.elapsed.as_secs_f64(),
        figures.percentile_ms(0.50),
        figures.errors,
        figures.count,
    );
    let prism = if peer.prism_rps > 0.0 {
        format!(
            "Prism {:.0} req/s, p99 {:.0} ms: {:.1}x the requests/s, p99 {:.1}x lower",
            peer.prism_rps,
            peer.prism_p99_ms,
            rps / peer.prism_rps,
            peer.prism_p99_ms / p99,
        )
    } else {
        "Prism: no such endpoint".to_owned()
    };
    println!(
        "  {prism}; goal >= {:.0} req/s with p99 < {} ms: {}",
        peer.goal_rps,
        peer.goal_p99_ms,
        if rps >= peer.goal_rps && p99 < peer.goal_p99_ms && figures.errors == 0 {
            "met"
        } else {
            "NOT met"
        },
    );
}

const ACCOUNT_BODY: &str = r#"{"customerInternalReference":"load","userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}"#;
/// Refused with 400 (a field is missing): the request path without a write.
const INVALID_ACCOUNT_BODY: &str =
    r#"{"userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}"#;

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

/// The details path of a PROCESSED execution (a whole journey first).
async fn processed_execution(sender: &mut SendRequest<Full<Bytes>>, token: &str) -> String {
    let (status, body) = send(
        sender,
        request(
            Method::POST,
            "/api/v1/accounts",
            token,
            Bytes::from_static(ACCOUNT_BODY.as_bytes()),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let account = json(&body);
    let execution = path_of(
        account["workflowExecution"]["credentials"][0]["api"]["workflowExecution"]
            .as_str()
            .expect("execution URL"),
    )
    .to_owned();
    let (status, _) = send(
        sender,
        request(Method::PUT, &execution, token, Bytes::new()),
    )
    .await;
    assert!(status.is_success());
    loop {
        let (status, body) = send(
            sender,
            request(Method::GET, &execution, token, Bytes::new()),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        if json(&body)["decision"].is_object() {
            return execution;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
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
    let published = {
        let token = token.clone();
        std::sync::Arc::new(move || {
            request(
                Method::GET,
                "/api/store/v1/workflows/10011/versions/1",
                &token,
                Bytes::new(),
            )
        })
    };
    // Warm-up (connections, caches, allocator).
    client_runtime.block_on(load_requests(
        addr,
        published.clone(),
        StatusCode::OK,
        Duration::from_millis(500),
    ));

    let accounts = {
        let token = token.clone();
        std::sync::Arc::new(move || {
            request(
                Method::POST,
                "/api/v1/accounts",
                &token,
                Bytes::from_static(ACCOUNT_BODY.as_bytes()),
            )
        })
    };
    let created = client_runtime.block_on(load_requests(addr, accounts, StatusCode::OK, duration));
    report(
        "POST /api/v1/accounts (valid)",
        &created,
        &Peer {
            prism_rps: 908.0,
            prism_p99_ms: 133.0,
            goal_rps: 20_000.0,
            goal_p99_ms: 10.0,
        },
    );

    let invalid = {
        let token = token.clone();
        std::sync::Arc::new(move || {
            request(
                Method::POST,
                "/api/v1/accounts",
                &token,
                Bytes::from_static(INVALID_ACCOUNT_BODY.as_bytes()),
            )
        })
    };
    let refused = client_runtime.block_on(load_requests(
        addr,
        invalid,
        StatusCode::BAD_REQUEST,
        duration,
    ));
    report(
        "POST /api/v1/accounts (invalid)",
        &refused,
        &Peer {
            prism_rps: 1_080.0,
            prism_p99_ms: 100.0,
            goal_rps: 10_800.0,
            goal_p99_ms: 10.0,
        },
    );

    let details_path = client_runtime.block_on(async {
        let mut sender = connect(addr).await;
        processed_execution(&mut sender, &token).await
    });
    let details = {
        let token = token.clone();
        std::sync::Arc::new(move || request(Method::GET, &details_path, &token, Bytes::new()))
    };
    let read = client_runtime.block_on(load_requests(addr, details, StatusCode::OK, duration));
    report(
        "GET execution details (PROCESSED)",
        &read,
        &Peer {
            prism_rps: 927.0,
            prism_p99_ms: 140.0,
            goal_rps: 30_000.0,
            goal_p99_ms: 5.0,
        },
    );

    let get = client_runtime.block_on(load_requests(addr, published, StatusCode::OK, duration));
    report(
        "GET published workflow (10011 v1, store API)",
        &get,
        &Peer {
            prism_rps: 0.0,
            prism_p99_ms: 0.0,
            goal_rps: 20_000.0,
            goal_p99_ms: 10.0,
        },
    );

    let (journeys, requests) =
        client_runtime.block_on(load_journeys(addr, token.clone(), CONNECTIONS, duration));
    println!(
        "Platform journeys (create, 3 uploads, finalize, status until PROCESSED, details), {CONNECTIONS} concurrent, {:.1} s: {:.0} journeys/s ({:.0} req/s), journey p50 {:.2} ms, p99 {:.2} ms, failed {} of {}",
        journeys.elapsed.as_secs_f64(),
        journeys.rate(),
        requests as f64 / journeys.elapsed.as_secs_f64(),
        journeys.percentile_ms(0.50),
        journeys.percentile_ms(0.99),
        journeys.errors,
        journeys.count,
    );
    println!(
        "  goal >= 1,000 journeys/s: {}",
        if journeys.rate() >= 1_000.0 && journeys.errors == 0 {
            "met"
        } else {
            "NOT met"
        }
    );

    let _ = stop.send(());
    server_runtime.block_on(async {
        let _ = task.await;
        state.db.close().await;
    });
}
