//! Crash test (issue 17 acceptance): eight writers drive whole platform
//! journeys (create an account, upload FRONT, finalize) against a real
//! `idflow serve` on SQLite; the server is killed with SIGKILL mid-burst
//! at a pseudo-random moment and restarted on the same file. Every write
//! the server acknowledged (a 200 or 202 reached the client) must be
//! there: the account and its execution, the part's metadata, and the
//! finalize (ACQUIRED, or PROCESSED once the restarted server resumed it).
//! Group commit answers only after the commit, so nothing acknowledged
//! may be missing.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use idflow_server::Db;
use idflow_server::platform::storage;
use serde_json::Value;

const WRITERS: usize = 8;
const ROUNDS: u64 = 3;

/// xorshift64*: reproducible kill points.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn serve(db: &Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_idflow"))
        .args(["serve", "--no-callbacks", "--bind"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--db")
        .arg(db)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts")
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server never listened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One HTTP/1.1 request on its own connection: the status and the body,
/// or `None` when the connection failed or broke (the server died).
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    content_type: &str,
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let split = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status_line = std::str::from_utf8(&response[..split]).ok()?;
    let status: u16 = status_line.split(' ').nth(1)?.parse().ok()?;
    Some((status, response[split + 4..].to_vec()))
}

fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
}

/// What the server acknowledged.
#[derive(Default)]
struct Acknowledged {
    /// (account, execution)
    created: Vec<(String, String)>,
    /// (execution, credential)
    uploaded: Vec<(String, String)>,
    finalized: Vec<String>,
}

fn writer(port: u16, token: &str, stop: &AtomicBool, acknowledged: &Mutex<Acknowledged>) {
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1];
    let mut multipart = b"--crash\r\nContent-Disposition: form-data; name=\"file\"; filename=\"front.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".to_vec();
    multipart.extend_from_slice(&jpeg);
    multipart.extend_from_slice(b"\r\n--crash--\r\n");
    let account = br#"{"customerInternalReference":"crash","userReference":"scenario:ALL_PASS","workflowDefinition":{"key":10011}}"#;
    while !stop.load(Ordering::Relaxed) {
        let Some((200, body)) = request(
            port,
            "POST",
            "/api/v1/accounts",
            token,
            "application/json",
            account,
        ) else {
            return;
        };
        let created: Value = serde_json::from_slice(&body).expect("account JSON");
        let account_id = created["account"]["id"].as_str().expect("id").to_owned();
        let execution_id = created["workflowExecution"]["id"]
            .as_str()
            .expect("execution id")
            .to_owned();
        let lock = || acknowledged.lock().unwrap_or_else(|p| p.into_inner());
        lock()
            .created
            .push((account_id.clone(), execution_id.clone()));
        let front = created["workflowExecution"]["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .find_map(|c| {
                Some((
                    c["id"].as_str()?.to_owned(),
                    c["api"]["parts"]["front"].as_str()?.to_owned(),
                ))
            })
            .expect("a credential takes FRONT over the API");
        let Some((200, _)) = request(
            port,
            "POST",
            path_of(&front.1),
            token,
            "multipart/form-data; boundary=crash",
            &multipart,
        ) else {
            return;
        };
        lock().uploaded.push((execution_id.clone(), front.0));
        let Some((202, _)) = request(
            port,
            "PUT",
            &format!("/api/v1/accounts/{account_id}/workflow-executions/{execution_id}"),
            token,
            "application/json",
            b"",
        ) else {
            return;
        };
        lock().finalized.push(execution_id);
    }
}

#[test]
fn acknowledged_platform_writes_survive_sigkill_mid_burst() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let output = Command::new(env!("CARGO_BIN_EXE_idflow"))
        .args([
            "token", "create", "--role", "designer", "--name", "crash", "--db",
        ])
        .arg(&db)
        .output()
        .expect("token create runs");
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();

    let mut random = Random(0x1DF1_0A17);
    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    for round in 0..ROUNDS {
        let port = free_port();
        let mut server = serve(&db, port);
        wait_until_listening(port);
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                let (token, stop, acknowledged) =
                    (token.clone(), Arc::clone(&stop), Arc::clone(&acknowledged));
                std::thread::spawn(move || writer(port, &token, &stop, &acknowledged))
            })
            .collect();
        let kill_after = Duration::from_millis(300 + random.below(700));
        std::thread::sleep(kill_after);
        // SIGKILL on Unix: no chance to finish anything.
        server.kill().expect("kill");
        server.wait().expect("reaped");
        stop.store(true, Ordering::Relaxed);
        for writer in writers {
            writer.join().expect("writer thread");
        }
        let count = acknowledged
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .created
            .len();
        eprintln!(
            "round {round}: killed after {kill_after:?}; {count} accounts acknowledged so far"
        );
    }

    // Restarted, the server resumes the finalized executions.
    let port = free_port();
    let mut server = serve(&db, port);
    wait_until_listening(port);
    let acknowledged = acknowledged.lock().unwrap_or_else(|p| p.into_inner());
    assert!(
        acknowledged.finalized.len() >= WRITERS,
        "the burst did too little to test anything: {} finalized",
        acknowledged.finalized.len()
    );
    for (account, execution) in &acknowledged.created {
        let status = request(
            port,
            "GET",
            &format!("/api/v1/accounts/{account}/workflow-executions/{execution}/status"),
            &token,
            "application/json",
            b"",
        )
        .expect("the restarted server answers");
        assert_eq!(
            status.0,
            200,
            "acknowledged account {account} / execution {execution} is missing: {}",
            String::from_utf8_lossy(&status.1)
        );
    }
    server.kill().expect("kill");
    server.wait().expect("reaped");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let db = Db::open(&db).await.expect("the database opens");
        for (execution, credential) in &acknowledged.uploaded {
            let parts = storage::parts(db.pool(), execution).await.expect("parts");
            assert!(
                parts
                    .iter()
                    .any(|p| &p.credential_id == credential && p.classifier.as_str() == "FRONT"),
                "acknowledged upload to {execution}/{credential} is missing"
            );
        }
        for execution in &acknowledged.finalized {
            let stored = storage::execution_by_id(db.pool(), execution)
                .await
                .expect("read")
                .expect("the finalized execution exists");
            assert_ne!(
                stored.status.as_str(),
                "INITIATED",
                "acknowledged finalize of {execution} is missing"
            );
        }
        db.close().await;
    });
    eprintln!(
        "checked {} accounts, {} uploads, {} finalizes",
        acknowledged.created.len(),
        acknowledged.uploaded.len(),
        acknowledged.finalized.len()
    );
}
