//! `idflow token audit` pages and filters the audit trail (issue 30, item
//! 3): behind 1,001 comments the approval is still found with `--action`,
//! `--all` and `--cursor`, and each filter narrows. The real binary: `token
//! create`, `serve` (with its comment-rate flags), `store duplicate` and
//! `store approve` over HTTP on loopback, then `token audit --db`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use tempfile::TempDir;

fn idflow() -> Command {
    let mut cmd = Command::cargo_bin("idflow").expect("binary built");
    for var in [
        "IDFLOW_SERVER_DB",
        "IDFLOW_SERVER",
        "IDFLOW_TOKEN",
        "IDFLOW_STORE",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("UTF-8")
}

fn create_token(db: &Path, role: &str, name: &str) -> String {
    let output = idflow()
        .args(["token", "create", "--role", role, "--name", name, "--db"])
        .arg(db)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    text(output.stdout).trim().to_owned()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// The server, killed when dropped.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path, port: u16, flags: &[&str]) -> Serving {
    let mut child = Process::new(cargo_bin("idflow"))
        .args([
            "serve",
            "--no-callbacks",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--db",
        ])
        .arg(db)
        .args(flags)
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let begun = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the server exited: {status}");
        }
        assert!(
            begun.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Serving(child)
}

/// A plain HTTP/1.1 POST of a JSON body; the status code.
fn post_json(port: u16, path: &str, token: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// `token audit --db DB ARGS`: (stdout lines split at tabs, stderr).
fn audit(db: &Path, args: &[&str]) -> (Vec<Vec<String>>, String) {
    let output = idflow()
        .args(["token", "audit", "--db"])
        .arg(db)
        .args(args)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    let rows = text(output.stdout)
        .lines()
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect();
    (rows, text(output.stderr))
}

/// The `--cursor` value stderr names, if any.
fn cursor_in(stderr: &str) -> Option<String> {
    stderr
        .split("--cursor ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
}

/// Issue 30, item 3, on the command line.
#[test]
fn token_audit_reaches_an_approval_behind_a_thousand_comments() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let designer = create_token(&db, "designer", "dora");
    let publisher = create_token(&db, "publisher", "paul");
    let port = free_port();
    let server = serve(
        &db,
        port,
        &[
            "--comments-per-minute",
            "1000000",
            "--comment-burst",
            "5000",
        ],
    );
    let url = format!("http://127.0.0.1:{port}");
    let copied = idflow()
        .args([
            "--server",
            &url,
            "--token",
            &designer,
            "store",
            "duplicate",
            "10011",
        ])
        .output()
        .expect("runs");
    assert!(copied.status.success(), "{copied:?}");
    let key = text(copied.stdout).trim().to_owned();
    idflow()
        .args([
            "--server", &url, "--token", &publisher, "store", "approve", &key,
        ])
        .args(["--base-revision", "1"])
        .assert()
        .success();
    for n in 0..1_001 {
        let status = post_json(
            port,
            &format!("/api/store/v1/workflows/{key}/comments"),
            &designer,
            &format!(r#"{{"text": "nit {n}"}}"#),
        );
        assert_eq!(status, 201, "comment {n}");
    }
    drop(server);

    // The newest page: 1,000 comments, the approval out of sight, and
    // stderr says where the older ones go on.
    let (newest, stderr) = audit(&db, &[]);
    assert_eq!(newest.len(), 1_000);
    assert!(newest.iter().all(|row| row[2] == "comment"));
    let cursor = cursor_in(&stderr).unwrap_or_else(|| panic!("no --cursor in {stderr:?}"));

    // --action finds it; --all holds it once, oldest first.
    let (approvals, stderr) = audit(&db, &["--action", "approve"]);
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert_eq!(
        (approvals[0][1].as_str(), approvals[0][3].as_str()),
        ("paul", key.as_str())
    );
    assert!(cursor_in(&stderr).is_none(), "{stderr}");
    let (all, _) = audit(&db, &["--all"]);
    assert_eq!(all.iter().filter(|row| row[2] == "approve").count(), 1);
    assert_eq!(all.iter().filter(|row| row[2] == "comment").count(), 1_001);
    assert_eq!(
        all[..2]
            .iter()
            .map(|row| row[2].as_str())
            .collect::<Vec<_>>(),
        ["token-create", "token-create"]
    );
    assert!(all.windows(2).all(|w| w[0][0] <= w[1][0]), "oldest first");
    assert_eq!(&all[all.len() - 1_000..], &newest[..]);

    // --cursor: the page before the newest ends where the newest starts.
    let (older, _) = audit(&db, &["--cursor", &cursor]);
    assert_eq!(older[..], all[..all.len() - 1_000]);
    let (ten, stderr) = audit(&db, &["--limit", "10"]);
    assert_eq!(ten[..], all[all.len() - 10..]);
    let before_ten = cursor_in(&stderr).expect("older entries");
    let (next_ten, _) = audit(&db, &["--limit", "10", "--cursor", &before_ten]);
    assert_eq!(next_ten[..], all[all.len() - 20..all.len() - 10]);

    // Each filter narrows to exactly what it names.
    type Keep = fn(&[String], &str) -> bool;
    let filters: [(&[&str], Keep); 4] = [
        (&["--key", &key], |row, key| row[3] == key),
        (&["--actor", "dora", "--action", "duplicate"], |row, _| {
            row[1] == "dora" && row[2] == "duplicate"
        }),
        (&["--actor", "command line"], |row, _| {
            row[1] == "command line"
        }),
        (&["--until", "2000-01-01T00:00:00Z"], |_, _| false),
    ];
    for (args, keep) in filters {
        let mut asked = args.to_vec();
        asked.push("--all");
        let (found, _) = audit(&db, &asked);
        let expected: Vec<Vec<String>> =
            all.iter().filter(|row| keep(row, &key)).cloned().collect();
        assert_eq!(found, expected, "{args:?}");
    }
    let at = approvals[0][0].clone();
    let (since, _) = audit(&db, &["--since", &at, "--all"]);
    let expected: Vec<Vec<String>> = all.iter().filter(|row| row[0] >= at).cloned().collect();
    assert_eq!(since, expected);
    idflow()
        .args(["token", "audit", "--db"])
        .arg(&db)
        .args(["--since", "yesterday"])
        .assert()
        .code(2);
}
