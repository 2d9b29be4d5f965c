//! Crash test (issue 17 acceptance): eight writers drive whole platform
//! journeys (create an account, upload FRONT, finalize) against a real
//! `idflow serve` on SQLite; the server is killed with SIGKILL mid-burst
//! at a pseudo-random moment and restarted on the same file. Every write
//! the server acknowledged (a 200 or 202 reached the client) must be
//! there: the account and its execution, the part's metadata, and the
//! finalize (ACQUIRED, or PROCESSED once the restarted server resumed it).
//! Group commit answers only after the commit, so nothing acknowledged
//! may be missing.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use idflow_server::Db;
use idflow_server::location::DbLocation;
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
    serve_on(db.as_os_str(), port, &["--no-callbacks"])
}

/// `idflow serve` on `db` (a file or a PostgreSQL URL), with `options`.
fn serve_on(db: &std::ffi::OsStr, port: u16, options: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_idflow"))
        .arg("serve")
        .args(options)
        .arg("--bind")
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
    request_with(port, method, path, token, content_type, "", body)
}

/// [`request`] with more header lines (`extra`, each ending in CRLF).
fn request_with(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    content_type: &str,
    extra: &str,
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
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

/// A multipart body holding a small JPEG as the part `file`.
fn front_upload() -> Vec<u8> {
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1];
    let mut multipart = b"--crash\r\nContent-Disposition: form-data; name=\"file\"; filename=\"front.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".to_vec();
    multipart.extend_from_slice(&jpeg);
    multipart.extend_from_slice(b"\r\n--crash--\r\n");
    multipart
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
    let multipart = front_upload();
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

// ---------------------------------------------------------------------
// Issue 31: one use case, one transaction. Designers save, comment and
// publish on the team server while it is killed with SIGKILL at seeded
// random moments; after every kill the database must hold no write
// without its audit entry and no version without the comments it carries
// (on today's code each was a second or third write after the first).
// Meanwhile platform clients open executions that call back to a loopback
// receiver; each restart runs the mock platform's clock 10 minutes further
// ahead (`--clock-ahead`), so the expiry sweep expires the previous
// round's executions while the server may be killed: every expired
// execution must have its callback delivered or still queued.
// 20 kills per backend; `IDFLOW_CRASH_KILLS=200` runs 200.

const STORE_CLIENTS: usize = 4;

fn kills() -> u64 {
    std::env::var("IDFLOW_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20)
}

fn publisher_token(db: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_idflow"))
        .args([
            "token",
            "create",
            "--role",
            "publisher",
            "--name",
            "crash-publisher",
            "--db",
        ])
        .arg(db)
        .output()
        .expect("token create runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// One store API request with an optional `If-Match`: the status and the
/// body as JSON (`Null` when empty), or `None` when the server died.
fn store_request(
    port: u16,
    token: &str,
    method: &str,
    path: &str,
    if_match: Option<u64>,
    body: &[u8],
) -> Option<(u16, Value)> {
    let condition = if_match.map_or(String::new(), |r| format!("If-Match: \"{r}\"\r\n"));
    let path = format!("/api/store/v1{path}");
    let (status, body) = request_with(
        port,
        method,
        &path,
        token,
        "application/json",
        &condition,
        body,
    )?;
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).ok()?
    };
    Some((status, json))
}

/// A workflow that lints clean, as JSON, named `name`.
fn workflow_body(name: &str) -> Vec<u8> {
    use idflow_core::format::{Format, parse_workflow, to_text};
    let ron = include_str!("../sample_workflows/custom-returning-user.ron");
    let mut workflow = parse_workflow(ron, Format::Ron).expect("the sample parses");
    workflow.name = name.to_owned();
    to_text(&workflow, Format::Json).into_bytes()
}

/// A designer's cycles on a workflow of its own, until the server dies:
/// save (a new revision), comment, publish. Each step waits for the one
/// before to be acknowledged, so the comment of cycle N belongs to
/// version N whenever that version exists.
fn store_client(port: u16, token: &str, client: usize) {
    let Some((201, created)) = store_request(
        port,
        token,
        "POST",
        "/workflows",
        None,
        &workflow_body(&format!("crash {client}")),
    ) else {
        return;
    };
    let Some(key) = created["key"].as_u64() else {
        return;
    };
    let mut revision = created["revision"].as_u64().unwrap_or(1);
    for cycle in 1u64.. {
        let body = workflow_body(&format!("crash {client} cycle {cycle}"));
        let path = format!("/workflows/{key}/draft");
        let Some((200, saved)) = store_request(port, token, "PUT", &path, Some(revision), &body)
        else {
            return;
        };
        revision = saved["revision"].as_u64().unwrap_or(revision + 1);
        let comment = format!(r#"{{"text": "cycle {cycle}"}}"#);
        let path = format!("/workflows/{key}/comments");
        let Some((201, _)) = store_request(port, token, "POST", &path, None, comment.as_bytes())
        else {
            return;
        };
        let path = format!("/workflows/{key}/publish");
        let Some((200 | 201, _)) = store_request(port, token, "POST", &path, Some(revision), b"")
        else {
            return;
        };
    }
}

/// A loopback HTTP receiver for callbacks: the execution ids it was
/// called back for, recorded before it answers 200 (so a callback the
/// server settled as delivered is always in the set).
fn callback_receiver() -> (u16, Arc<Mutex<HashSet<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the receiver");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(Mutex::new(HashSet::new()));
    let record = Arc::clone(&received);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let record = Arc::clone(&record);
            std::thread::spawn(move || receive_callback(stream, &record));
        }
    });
    (port, received)
}

fn receive_callback(mut stream: TcpStream, record: &Mutex<HashSet<String>>) -> Option<()> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    let (head_end, length) = loop {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        request.extend_from_slice(&buffer[..read]);
        if let Some(split) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&request[..split])
                .ok()?
                .to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))?
                .trim()
                .parse::<usize>()
                .ok()?;
            break (split + 4, length);
        }
        if request.len() > 64 * 1024 {
            return None;
        }
    };
    while request.len() < head_end + length {
        let read = stream.read(&mut buffer).ok()?;
        if read == 0 {
            return None;
        }
        request.extend_from_slice(&buffer[..read]);
    }
    let body: Value = serde_json::from_slice(&request[head_end..head_end + length]).ok()?;
    let execution = body["workflowExecution"]["id"].as_str()?.to_owned();
    record
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(execution);
    stream
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .ok()
}

/// A platform client until the server dies: opens executions with a
/// 5-minute token that call back to `receiver`, and starts every second
/// journey (a FRONT upload), so expiry makes both TOKEN_EXPIRED and
/// SESSION_EXPIRED. Records every execution the server acknowledged.
fn platform_client(port: u16, token: &str, receiver: u16, opened: &Mutex<Vec<String>>) {
    let account = format!(
        r#"{{"customerInternalReference":"crash","workflowDefinition":{{"key":10011}},"callbackUrl":"http://127.0.0.1:{receiver}/callback","tokenLifetime":"5m"}}"#
    );
    let multipart = front_upload();
    for journey in 0u64.. {
        let Some((200, body)) = request(
            port,
            "POST",
            "/api/v1/accounts",
            token,
            "application/json",
            account.as_bytes(),
        ) else {
            return;
        };
        let Ok(created) = serde_json::from_slice::<Value>(&body) else {
            return;
        };
        let Some(execution) = created["workflowExecution"]["id"].as_str() else {
            return;
        };
        opened
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(execution.to_owned());
        if journey % 2 == 1 {
            let front = created["workflowExecution"]["credentials"]
                .as_array()
                .and_then(|credentials| {
                    credentials
                        .iter()
                        .find_map(|c| c["api"]["parts"]["front"].as_str())
                })
                .map(str::to_owned);
            let Some(front) = front else { return };
            let content_type = "multipart/form-data; boundary=crash";
            if request(
                port,
                "POST",
                path_of(&front),
                token,
                content_type,
                &multipart,
            )
            .is_none()
            {
                return;
            }
        }
    }
}

/// Every execution the clients opened that has expired has its callback
/// delivered (the receiver has it) or queued: `(expired, delivered)`.
async fn assert_every_expiry_called_back(
    db: &Db,
    opened: &[String],
    received: &HashSet<String>,
) -> (usize, usize) {
    use idflow_server::platform::ExecutionStatus;
    let queued: HashSet<String> = storage::pending_callbacks(db.pool())
        .await
        .expect("pending callbacks")
        .into_iter()
        .map(|c| c.execution_id)
        .collect();
    let (mut expired, mut delivered) = (0, 0);
    for id in opened {
        let execution = storage::execution_by_id(db.pool(), id)
            .await
            .expect("read the execution")
            .unwrap_or_else(|| panic!("acknowledged execution {id} is missing"));
        if !matches!(
            execution.status,
            ExecutionStatus::TokenExpired | ExecutionStatus::SessionExpired
        ) {
            continue;
        }
        expired += 1;
        delivered += usize::from(received.contains(id));
        assert!(
            queued.contains(id) || received.contains(id),
            "execution {id} expired ({}) but its callback was neither delivered nor queued",
            execution.status
        );
    }
    (expired, delivered)
}

/// What the store may never hold after a crash, read from the database
/// itself: a workflow, revision, version or comment without its audit
/// entry, or a version without the comment of its cycle.
async fn assert_every_write_whole(db: &Db) -> (usize, usize) {
    use idflow_server::db::AuditQuery;
    let audit = |key: u32, action: &str| AuditQuery {
        key: Some(key),
        action: Some(action.to_owned()),
        ..AuditQuery::default()
    };
    let (mut versions, mut comments) = (0, 0);
    let customs = db.list().await.expect("list");
    for workflow in customs.iter().filter(|w| w.key >= 200_000) {
        let key = workflow.key;
        let created = db.audit_page(&audit(key, "create")).await.expect("audit");
        assert_eq!(
            created.entries.len(),
            1,
            "workflow {key} has no create entry"
        );
        let saves = db.audit_page(&audit(key, "save")).await.expect("audit");
        let saved: Vec<u64> = saves.entries.iter().filter_map(|e| e.revision).collect();
        for revision in 2..=workflow.revision {
            assert!(
                saved.contains(&revision),
                "revision {revision} of {key} has no save entry (entries: {saved:?})"
            );
        }
        let history = db.history(key).await.expect("history");
        let published = db.audit_page(&audit(key, "publish")).await.expect("audit");
        for version in &history {
            let detail = format!("v{}", version.number);
            assert!(
                published.entries.iter().any(|e| e.detail == detail),
                "version {} of {key} has no publish entry",
                version.number
            );
        }
        let on_draft = db.comments(key).await.expect("comments");
        let commented = db.audit_page(&audit(key, "comment")).await.expect("audit");
        for comment in &on_draft {
            let detail = format!("comment {}", comment.id);
            assert!(
                commented.entries.iter().any(|e| e.detail == detail),
                "comment {} of {key} has no comment entry",
                comment.id
            );
            let cycle = u32::try_from(comment.id).expect("small ids");
            let expected = history.iter().any(|v| v.number == cycle).then_some(cycle);
            assert_eq!(
                comment.version,
                expected,
                "comment {} of {key} (cycle {cycle}) should go with {expected:?}; versions: {:?}",
                comment.id,
                history.iter().map(|v| v.number).collect::<Vec<_>>()
            );
        }
        versions += history.len();
        comments += on_draft.len();
    }
    (versions, comments)
}

fn store_writes_survive_sigkill_whole(location: DbLocation) {
    let db = match &location {
        DbLocation::Sqlite(path) => path.to_str().expect("a UTF-8 path").to_owned(),
        DbLocation::Postgres(url) => url.clone(),
    };
    let db = db.as_str();
    let token = publisher_token(db);
    let mut random = Random(0x31_0A17_5EED);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let rounds = kills();
    let (receiver, received) = callback_receiver();
    let opened = Arc::new(Mutex::new(Vec::new()));
    let mut totals = (0, 0);
    let mut expiries = (0, 0);
    for round in 0..rounds {
        let port = free_port();
        // Each start 10 minutes further ahead: every 5-minute token of the
        // rounds before has expired, and the sweep's first tick expires
        // them while this round's clients write.
        let ahead = (round * 600).to_string();
        let mut options = vec!["--allow-callback-host", "127.0.0.1"];
        if round > 0 {
            options.extend(["--clock-ahead", ahead.as_str()]);
        }
        let mut server = serve_on(db.as_ref(), port, &options);
        wait_until_listening(port);
        let mut clients: Vec<_> = (0..STORE_CLIENTS)
            .map(|client| {
                let token = token.clone();
                std::thread::spawn(move || store_client(port, &token, client))
            })
            .collect();
        clients.push({
            let (token, opened) = (token.clone(), Arc::clone(&opened));
            std::thread::spawn(move || platform_client(port, &token, receiver, &opened))
        });
        let kill_after = Duration::from_millis(50 + random.below(350));
        std::thread::sleep(kill_after);
        server.kill().expect("kill");
        server.wait().expect("reaped");
        for client in clients {
            client.join().expect("client thread");
        }
        totals = runtime.block_on(async {
            let db = Db::open_location(&location)
                .await
                .expect("the database opens");
            let totals = assert_every_write_whole(&db).await;
            let opened = opened.lock().unwrap_or_else(|p| p.into_inner()).clone();
            let received = received.lock().unwrap_or_else(|p| p.into_inner()).clone();
            expiries = assert_every_expiry_called_back(&db, &opened, &received).await;
            db.close().await;
            totals
        });
        eprintln!(
            "kill {round}: after {kill_after:?}; {} versions, {} comments, {} expired executions ({} called back) so far",
            totals.0, totals.1, expiries.0, expiries.1
        );
    }
    assert!(
        totals.0 >= rounds as usize,
        "the clients did too little to test anything: {} versions",
        totals.0
    );
    assert!(
        expiries.0 >= rounds as usize && expiries.1 > 0,
        "too few expiries to test anything: {} expired, {} called back",
        expiries.0,
        expiries.1
    );
}

#[test]
fn store_writes_killed_at_random_points_keep_their_audit_and_carried_comments() {
    let dir = tempfile::tempdir().expect("tmp");
    store_writes_survive_sigkill_whole(DbLocation::Sqlite(dir.path().join("server.sqlite")));
}

#[test]
fn postgres_store_writes_killed_at_random_points_keep_their_audit_and_carried_comments() {
    let test =
        "postgres_store_writes_killed_at_random_points_keep_their_audit_and_carried_comments";
    let Some(postgres) = idflow_server::testing::ScratchPostgres::create_blocking(test) else {
        return;
    };
    store_writes_survive_sigkill_whole(postgres.location());
}
