//! `idflow token create`, `idflow serve` and `idflow --server URL store ...`,
//! run as a user would run them: the binary, a database in a temp folder,
//! plain HTTP on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command as Process, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::cargo_bin;
use predicates::prelude::*;
use tempfile::TempDir;

fn idflow() -> Command {
    let mut cmd = Command::cargo_bin("idflow").expect("binary built");
    cmd.env_remove("IDFLOW_SERVER_DB")
        .env_remove("IDFLOW_SERVER")
        .env_remove("IDFLOW_TOKEN")
        .env_remove("IDFLOW_STORE")
        .env_remove("RUST_LOG");
    cmd
}

fn create_token(db: &Path, role: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let name = format!(
        "ci-{role}-{}",
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let output = idflow()
        .args(["token", "create", "--role", role, "--name", &name, "--db"])
        .arg(db)
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .trim()
        .to_owned()
}

/// Every file in `dir`, concatenated (the database, its WAL and shm).
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        bytes.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
    }
    bytes
}

#[test]
fn token_create_prints_a_fresh_token_and_stores_only_its_hash() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let first = create_token(&db, "designer");
    let second = create_token(&db, "publisher");
    for token in [&first, &second] {
        let hex = token.strip_prefix("idf_").expect("idf_ prefix");
        assert_eq!(hex.len(), 64, "{token}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    }
    assert_ne!(first, second);
    let stored = all_bytes(dir.path());
    for token in [&first, &second] {
        let leaked = stored.windows(token.len()).any(|w| w == token.as_bytes());
        assert!(!leaked, "the token itself must not be stored");
    }
}

#[test]
fn token_create_refuses_an_unknown_role() {
    let dir = TempDir::new().expect("tmp");
    idflow()
        .args(["token", "create", "--role", "admin", "--name", "x", "--db"])
        .arg(dir.path().join("server.sqlite"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("designer, publisher"));
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A plain HTTP/1.1 GET; returns the whole response as text.
fn get(port: u16, path: &str, token: Option<&str>) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

struct Running {
    child: Child,
    log: mpsc::Receiver<String>,
}

impl Running {
    fn start(db: &Path, port: u16) -> Running {
        Running::start_with(db, port, &[])
    }

    fn start_with(db: &Path, port: u16, flags: &[&str]) -> Running {
        Running::spawn(Running::command(db, port, flags))
    }

    /// `idflow serve` on `db` and `port` with `flags`, not yet started.
    fn command(db: &Path, port: u16, flags: &[&str]) -> Process {
        let mut command = Process::new(cargo_bin("idflow"));
        command
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--db"])
            .arg(db)
            .args(flags)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    fn spawn(mut command: Process) -> Running {
        let mut child = command.spawn().expect("starts");
        let stderr = child.stderr.take().expect("stderr");
        let (send, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, log }
    }

    /// Waits for a log line containing `text`; returns every line seen.
    fn wait_for(&self, text: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.log.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(text);
                    seen.push(line);
                    if found {
                        return seen;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no log line with {text:?}; saw {seen:#?}");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
#[test]
fn serve_answers_on_the_store_api_and_stops_cleanly_on_sigterm() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let token = create_token(&db, "designer");
    let port = free_port();
    let mut server = Running::start(&db, port);
    server.wait_for("idflow server listening");

    let anonymous = get(port, "/api/store/v1/workflows", None).expect("GET");
    assert!(anonymous.starts_with("HTTP/1.1 401"), "{anonymous}");
    let listed = get(port, "/api/store/v1/workflows", Some(&token)).expect("GET");
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    assert_eq!(
        listed.matches("\"origin\":\"GLOBAL\"").count(),
        9,
        "{listed}"
    );
    server.wait_for("status=200");

    let pid = libc::pid_t::try_from(server.child.id()).expect("pid");
    // SAFETY: sending a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    server.wait_for("SIGTERM: shutting down");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        get(port, "/api/store/v1/workflows", Some(&token)).is_err(),
        "nothing listens after shutdown"
    );
}

/// The same on PostgreSQL: `--db postgres://...` for `token create` and
/// `serve` (a scratch database from `IDFLOW_TEST_POSTGRES_URL`; skipped,
/// saying so, when unset). The password never reaches the log.
#[cfg(unix)]
#[test]
fn token_create_and_serve_work_on_postgres() {
    let test = "token_create_and_serve_work_on_postgres";
    let Some(postgres) = idflow_server::testing::ScratchPostgres::create_blocking(test) else {
        return;
    };
    let db = Path::new(postgres.url());
    let token = create_token(db, "designer");
    let port = free_port();
    let mut server = Running::start(db, port);
    let log = server.wait_for("idflow server listening");
    let password = postgres
        .url()
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| format!(":{password}@"));
    if let Some(password) = password {
        for line in &log {
            assert!(!line.contains(&password), "password in the log: {line}");
        }
        assert!(log.iter().any(|line| line.contains(":***@")), "{log:#?}");
    }
    let listed = get(port, "/api/store/v1/workflows", Some(&token)).expect("GET");
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    assert_eq!(
        listed.matches("\"origin\":\"GLOBAL\"").count(),
        9,
        "{listed}"
    );
    let pid = libc::pid_t::try_from(server.child.id()).expect("pid");
    // SAFETY: sending a signal to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

fn repo_file(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn store_commands_work_on_a_team_server_with_server_and_token() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let designer = create_token(&db, "designer");
    let publisher = create_token(&db, "publisher");
    let port = free_port();
    let server = Running::start(&db, port);
    server.wait_for("idflow server listening");
    let url = format!("http://127.0.0.1:{port}");
    // Given too, the local folder is not used (nor created) with --server.
    let local = dir.path().join("local-store");
    let remote = |token: &str| {
        let mut cmd = idflow();
        cmd.args(["--server", &url, "--token", token, "--store"])
            .arg(&local);
        cmd
    };

    let listed = remote(&designer)
        .args(["store", "list"])
        .output()
        .expect("runs");
    assert!(listed.status.success(), "{listed:?}");
    let listed = text(listed.stdout);
    assert_eq!(listed.lines().count(), 9, "{listed}");
    assert!(
        listed.lines().all(|l| l.contains("\tGLOBAL\tPUBLISHED\t1")),
        "{listed}"
    );
    assert!(listed.starts_with("10011\t"), "{listed}");

    let imported = remote(&designer)
        .args(["store", "import"])
        .arg(repo_file("sample_workflows/custom-returning-user.ron"))
        .output()
        .expect("runs");
    assert!(imported.status.success(), "{imported:?}");
    assert_eq!(text(imported.stdout).trim(), "200000");

    // A designer token may not publish: refused, exit 1, saying why.
    remote(&designer)
        .args(["store", "publish", "200000"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("publisher"));
    // The publisher may, here with the server and token from the environment.
    let published = idflow()
        .env("IDFLOW_SERVER", &url)
        .env("IDFLOW_TOKEN", &publisher)
        .args(["store", "publish", "200000", "--base-revision", "1"])
        .output()
        .expect("runs");
    assert!(published.status.success(), "{published:?}");
    assert_eq!(text(published.stdout).trim(), "1");
    let history = text(
        remote(&designer)
            .args(["store", "history", "200000"])
            .output()
            .expect("runs")
            .stdout,
    );
    assert_eq!(history.lines().count(), 1, "{history}");
    assert!(history.starts_with("1\t"), "{history}");
    remote(&designer)
        .args(["store", "show", "200000", "--version", "1"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("key: 200000"));

    // Lint errors on the server's draft are listed like the local store's.
    let lint = remote(&publisher)
        .args(["store", "import"])
        .arg(repo_file("tests/fixtures/facemap-api-only.ron"))
        .output()
        .expect("runs");
    assert!(lint.status.success(), "{lint:?}");
    assert_eq!(text(lint.stdout).trim(), "200001");
    remote(&publisher)
        .args(["store", "publish", "200001"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("facemap-api-only"));
    remote(&designer)
        .args(["store", "save", "10011", "--base-revision", "1"])
        .arg(repo_file("sample_workflows/custom-returning-user.ron"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("read-only"));
    remote(&format!("{designer}x"))
        .args(["store", "list"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("refused the token")
                .and(predicate::str::contains(url.as_str())),
        );
    assert!(!local.exists(), "the local store was not touched");
}

#[test]
fn store_with_a_server_nobody_listens_on_or_without_a_token_exits_2() {
    let url = format!("http://127.0.0.1:{}", free_port());
    let dead = idflow()
        .args(["--server", &url, "--token", "idf_x", "store", "list"])
        .output()
        .expect("runs");
    assert_eq!(dead.status.code(), Some(2), "{dead:?}");
    let stderr = text(dead.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot reach the server at {url}")),
        "{stderr}"
    );
    assert!(dead.stdout.is_empty());

    idflow()
        .args(["--server", &url, "store", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--token").and(predicate::str::contains("IDFLOW_TOKEN")));
    idflow()
        .args([
            "--server",
            "ftp://example.com",
            "--token",
            "idf_x",
            "store",
            "list",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("http or https"));
}

/// The README's curl walk-through of a journey, extracted from the README
/// itself (the shell block under "Mock platform API"), run by bash against
/// `idflow serve` with a token made by `idflow token create` as the README
/// says: it must work as written.
#[test]
fn the_readme_journey_walk_through_works_as_written() {
    let readme = std::fs::read_to_string(repo_file("README.md")).expect("README");
    let section = readme
        .split("### Mock platform API")
        .nth(1)
        .expect("the README has the walk-through section");
    let script = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a sh block in the section");
    assert!(script.contains("127.0.0.1:8080"), "{script}");

    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let token = create_token(&db, "publisher");
    std::fs::write(dir.path().join("token"), format!("{token}\n")).expect("token file");
    let port = free_port();
    let server = Running::start(&db, port);
    server.wait_for("listening");
    let script = script.replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));

    let output = Process::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(dir.path())
        .output()
        .expect("bash runs (the walk-through needs curl and jq)");
    let stdout = text(output.stdout);
    assert!(
        output.status.success(),
        "the walk-through failed:\n{stdout}\n{}",
        text(output.stderr)
    );
    for classifier in ["FRONT", "BACK", "FACE"] {
        assert!(
            stdout.contains(&format!("\"classifier\":\"{classifier}\"")),
            "{stdout}"
        );
    }
    assert!(stdout.contains("\"status\":\"ACQUIRED\""), "{stdout}");
    assert!(stdout.contains("\"status\":\"PROCESSED\""), "{stdout}");
    // The last command prints pretty JSON; the ones before print one line each.
    let details_at = stdout.rfind("\n{\n").expect("details printed");
    let details: serde_json::Value =
        serde_json::from_str(&stdout[details_at..]).expect("the details are JSON");
    assert_eq!(details["decision"]["type"], "PASSED", "{details}");
    assert_eq!(details["workflow"]["definitionKey"], "10011");
    assert_eq!(details["capabilities"]["similarity"][0], "PASSED");
}

/// Issue 13: `token list` shows names and roles (never tokens), `token
/// revoke NAME` marks it; a second token of one name is refused.
#[test]
fn tokens_can_be_listed_and_revoked_by_name() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let token = |args: &[&str]| {
        idflow()
            .arg("token")
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .expect("runs")
    };
    let created = token(&["create", "--role", "designer", "--name", "bob"]);
    assert!(created.status.success(), "{created:?}");
    let secret = String::from_utf8(created.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let again = token(&["create", "--role", "publisher", "--name", "bob"]);
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stderr).contains("unique"));
    let listed = token(&["list"]);
    let text = String::from_utf8(listed.stdout).expect("utf-8");
    assert!(
        text.starts_with("bob\tdesigner\t") && text.trim_end().ends_with("\t-"),
        "{text}"
    );
    assert!(!text.contains(&secret), "never the token itself");
    let revoked = token(&["revoke", "bob"]);
    assert!(revoked.status.success(), "{revoked:?}");
    let listed = String::from_utf8(token(&["list"]).stdout).expect("utf-8");
    assert!(
        !listed.trim_end().ends_with("\t-"),
        "marked revoked: {listed}"
    );
    assert_eq!(
        token(&["revoke", "bob"]).status.code(),
        Some(1),
        "already revoked"
    );
}

/// Issue 16 from the command line: `serve --require-approval`, the author's
/// publish refused (exit 1, the reason), `store approve` by another
/// publisher, then publish; `store history` shows APPROVED_BY (and, issue
/// 30 item 1, AUTHORS) and `token audit` lists every step with its actor.
#[test]
fn four_eyes_and_the_audit_from_the_command_line() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let author = create_token(&db, "publisher");
    let reviewer = create_token(&db, "publisher");
    let port = free_port();
    let server = Running::start_with(&db, port, &["--require-approval"]);
    server.wait_for("idflow server listening");
    let url = format!("http://127.0.0.1:{port}");
    let as_user = |token: &str, args: &[&str]| {
        let mut cmd = idflow();
        cmd.args(["--server", &url, "--token", token, "store"])
            .args(args);
        cmd
    };
    // Imported: the author wrote its content (a duplicate of a Global
    // would carry the Global's authors, issue 30 item 1).
    let sample = repo_file("sample_workflows/custom-returning-user.ron");
    let key = text(
        as_user(&author, &["import", &sample.display().to_string()])
            .output()
            .expect("runs")
            .stdout,
    )
    .trim()
    .to_owned();
    as_user(&author, &["publish", &key, "--base-revision", "1"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "needs the approval of a publisher other than its author",
        ));
    as_user(&author, &["approve", &key, "--base-revision", "1"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("written by you"));
    as_user(&reviewer, &["approve", &key, "--base-revision", "1"])
        .assert()
        .success();
    as_user(
        &author,
        &[
            "publish",
            &key,
            "--base-revision",
            "1",
            "--note",
            "four eyes",
        ],
    )
    .assert()
    .success()
    .stdout("1\n");
    let history = text(
        as_user(&author, &["history", &key])
            .output()
            .expect("runs")
            .stdout,
    );
    let row: Vec<&str> = history.lines().next().expect("v1").split('\t').collect();
    assert_eq!(row.len(), 8, "{history}");
    assert_eq!(row[6], row[6].trim());
    assert!(row[6].starts_with("ci-publisher-"), "{history}");
    assert_ne!(row[4], row[6], "approved by someone other than the author");
    assert_eq!(row[7], row[4], "AUTHORS: the author wrote it: {history}");
    drop(server);
    let audit = text(
        idflow()
            .args(["token", "audit", "--db"])
            .arg(&db)
            .output()
            .expect("runs")
            .stdout,
    );
    let actions: Vec<&str> = audit
        .lines()
        .filter(|l| l.split('\t').nth(3) == Some(key.as_str()))
        .map(|l| l.split('\t').nth(2).unwrap_or_default())
        .collect();
    assert_eq!(actions, ["create", "approve", "publish"], "{audit}");
    assert!(audit.lines().filter(|l| l.contains("token-create")).count() >= 2);
}

/// Issue 30, item 2: four eyes is the store's setting. `serve
/// --require-approval` turns it on in the database; a server started
/// again without the flag still refuses an unapproved revision; `idflow
/// policy --require-approval off` turns it off (the running server then
/// publishes it); `idflow policy` shows it; the audit names both changes
/// as the command line's, and only the changes (a start on a database
/// that already requires approval, or setting what is set, adds nothing).
#[test]
fn four_eyes_is_the_stores_setting_not_the_servers_flag() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let author = create_token(&db, "publisher");
    let policy = |args: &[&str]| {
        let mut cmd = idflow();
        cmd.args(["policy", "--db"]).arg(&db).args(args);
        cmd
    };
    policy(&[])
        .assert()
        .success()
        .stdout("require-approval\toff\n");
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let as_author = |args: &[&str]| {
        let mut cmd = idflow();
        cmd.args(["--server", &url, "--token", &author, "store"])
            .args(args);
        cmd
    };
    let sample = repo_file("sample_workflows/custom-returning-user.ron");
    let key = {
        let server = Running::start_with(&db, port, &["--require-approval"]);
        server.wait_for("idflow server listening");
        text(
            as_author(&["import", &sample.display().to_string()])
                .output()
                .expect("runs")
                .stdout,
        )
        .trim()
        .to_owned()
    };
    // Stopped, and started again without the flag, twice.
    for _ in 0..2 {
        let server = Running::start(&db, port);
        server.wait_for("idflow server listening");
        as_author(&["publish", &key, "--base-revision", "1"])
            .assert()
            .code(1)
            .stderr(predicates::str::contains(
                "needs the approval of a publisher other than its author",
            ));
    }
    policy(&[])
        .assert()
        .success()
        .stdout("require-approval\ton\n");
    let server = Running::start(&db, port);
    server.wait_for("idflow server listening");
    policy(&["--require-approval", "off"])
        .assert()
        .success()
        .stdout("require-approval\toff\n");
    policy(&["--require-approval", "off"]).assert().success();
    as_author(&["publish", &key, "--base-revision", "1"])
        .assert()
        .success()
        .stdout("1\n");
    drop(server);
    policy(&["--require-approval", "maybe"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("on, off"));
    let audit = text(
        idflow()
            .args(["token", "audit", "--db"])
            .arg(&db)
            .output()
            .expect("runs")
            .stdout,
    );
    let changes: Vec<(&str, &str)> = audit
        .lines()
        .filter(|l| l.split('\t').nth(2) == Some("policy"))
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            (fields[1], fields[5])
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("command line", "require-approval on"),
            ("command line", "require-approval off")
        ],
        "{audit}"
    );
}

/// A custom copy on the team server stands, by default, for the Global it
/// was duplicated from: `idflow --server ... backtest KEY` computes its
/// agreement over that Global's records too (the server's draft answer
/// says where a copy came from). Source: issue 29, "Backtest" ("default:
/// the Global a custom copy came from").
#[test]
fn backtest_of_a_copy_on_a_team_server_stands_for_the_global_it_came_from() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let designer = create_token(&db, "designer");
    let port = free_port();
    let server = Running::start(&db, port);
    server.wait_for("idflow server listening");
    let url = format!("http://127.0.0.1:{port}");
    let remote = || {
        let mut cmd = idflow();
        cmd.args(["--server", &url, "--token", &designer]);
        cmd
    };
    let copied = remote()
        .args(["store", "duplicate", "10011"])
        .output()
        .expect("runs");
    assert!(copied.status.success(), "{copied:?}");
    let copy = text(copied.stdout).trim().to_owned();
    let idiv = idflow_core::format::parse_workflow(
        &std::fs::read_to_string(repo_file("sample_workflows/10011-idiv.ron")).expect("sample"),
        idflow_core::format::Format::Ron,
    )
    .expect("parses");
    let lines: Vec<String> = idflow_core::backtest::generate::documents(&idiv, 25, 4)
        .map(|g| g.document.to_string())
        .collect();
    let documents = dir.path().join("idiv.ndjson");
    std::fs::write(&documents, lines.join("\n") + "\n").expect("write");
    let report = remote()
        .args(["backtest", &copy, "--from"])
        .arg(&documents)
        .output()
        .expect("runs");
    assert!(report.status.success(), "{report:?}");
    let report = text(report.stdout);
    assert!(
        report.contains(&format!(
            "(documents of keys 10011, {copy}): 100.0 % (25 of 25; 0 not comparable)"
        )),
        "{report}"
    );
}

// Issue 30, item 4: connections that send nothing, or send slowly, are
// closed, and the server keeps answering others. Timeouts shortened by
// the flags; every client is on loopback and bounded in number and time.

/// How a connection the test holds ended, if it did within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).expect("timeout");
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            // An answer (a kept-alive client's) before the close.
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true,
        }
    }
}

/// A GET on a fresh connection; the status line, if one came within 10 s.
fn status_of(port: u16, path: &str) -> Option<String> {
    get(port, path, None)
        .ok()
        .and_then(|r| r.lines().next().map(str::to_owned))
}

/// Writes `bytes` one at a time every `every` on a clone of `stream`,
/// until a write fails or `for_at_most` passes.
fn trickle(
    stream: &TcpStream,
    bytes: Vec<u8>,
    every: Duration,
    for_at_most: Duration,
) -> std::thread::JoinHandle<()> {
    let mut writer = stream.try_clone().expect("clone");
    std::thread::spawn(move || {
        let start = Instant::now();
        for byte in bytes.iter().cycle() {
            if start.elapsed() > for_at_most || writer.write_all(&[*byte]).is_err() {
                return;
            }
            std::thread::sleep(every);
        }
    })
}

#[cfg(unix)]
#[test]
fn idle_and_slow_connections_are_closed_while_others_are_answered() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let port = free_port();
    let server = Running::start_with(
        &db,
        port,
        &[
            "--header-timeout",
            "1",
            "--body-timeout",
            "1.5",
            "--idle-timeout",
            "1",
        ],
    );
    server.wait_for("idflow server listening");
    let connect = || TcpStream::connect(("127.0.0.1", port)).expect("connect");

    // 20 that send nothing.
    let mut silent: Vec<TcpStream> = (0..20).map(|_| connect()).collect();
    // 3 that trickle a request head, a byte every 100 ms (never done).
    let head = b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".to_vec();
    let mut slow_heads: Vec<TcpStream> = (0..3).map(|_| connect()).collect();
    let head_writers: Vec<_> = slow_heads
        .iter()
        .map(|s| {
            trickle(
                s,
                head.clone(),
                Duration::from_millis(100),
                Duration::from_secs(12),
            )
        })
        .collect();
    // 3 that send a whole head, then trickle a body that never ends.
    let mut slow_bodies: Vec<TcpStream> = (0..3).map(|_| connect()).collect();
    for stream in &mut slow_bodies {
        stream
            .write_all(b"POST /api/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
            .expect("head");
    }
    let body_writers: Vec<_> = slow_bodies
        .iter()
        .map(|s| {
            trickle(
                s,
                b" ".to_vec(),
                Duration::from_millis(100),
                Duration::from_secs(12),
            )
        })
        .collect();
    // 3 kept alive after an answer, then idle.
    let mut kept: Vec<TcpStream> = (0..3).map(|_| connect()).collect();
    for stream in &mut kept {
        stream
            .write_all(b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("request");
    }

    // Meanwhile a normal client is answered at once, again and again.
    for _ in 0..5 {
        let status = status_of(port, "/openapi.json");
        assert!(
            status
                .as_deref()
                .is_some_and(|s| s.starts_with("HTTP/1.1 200")),
            "{status:?}"
        );
    }
    // Each held connection is closed by the server within its timeout
    // (1 s; 5 s is the bound this test waits).
    let start = Instant::now();
    for (kind, streams) in [
        ("silent", &mut silent),
        ("slow head", &mut slow_heads),
        ("slow body", &mut slow_bodies),
        ("kept alive, then idle", &mut kept),
    ] {
        for (n, stream) in streams.iter_mut().enumerate() {
            let left = Duration::from_secs(5)
                .saturating_sub(start.elapsed())
                .max(Duration::from_millis(10));
            assert!(
                closed_within(stream, left),
                "{kind} connection {n} still open after {:?}",
                start.elapsed()
            );
        }
    }
    for writer in head_writers.into_iter().chain(body_writers) {
        writer.join().expect("writer");
    }
    let status = status_of(port, "/openapi.json");
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 200")),
        "{status:?}"
    );
}

/// Issue 30, item 4: with fewer file descriptors than idle clients (the
/// review ran out with about 60), the cap keeps the server's files, the
/// rest wait in the listen backlog, and a normal client is answered once
/// the idle ones are closed. The limits come from the environment here
/// (`IDFLOW_MAX_CONNECTIONS`, `IDFLOW_HEADER_TIMEOUT`...).
#[cfg(unix)]
#[test]
fn at_the_connection_cap_others_wait_and_are_answered_when_idle_ones_close() {
    use std::os::unix::process::CommandExt;
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let port = free_port();
    let mut command = Running::command(&db, port, &[]);
    command
        .env("IDFLOW_MAX_CONNECTIONS", "1000")
        .env("IDFLOW_HEADER_TIMEOUT", "1")
        .env("IDFLOW_IDLE_TIMEOUT", "1");
    // SAFETY: only setrlimit (async-signal-safe) between fork and exec.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 128,
                rlim_max: 128,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let server = Running::spawn(command);
    let log = server.wait_for("idflow server listening");
    assert!(
        log.iter()
            .any(|l| l.contains("the cap is lowered") && l.contains("max_connections=64")),
        "{log:#?}"
    );
    // More idle clients than the server has files for.
    let mut idle: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // The 65th and later wait in the backlog: a request sent now is
    // answered only once idle connections are closed (after 1 s).
    let sent = Instant::now();
    let status = status_of(port, "/openapi.json");
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 200")),
        "{status:?}"
    );
    assert!(
        sent.elapsed() >= Duration::from_millis(300),
        "answered while 64 idle connections held every slot"
    );
    server.wait_for("connection cap reached");
    let start = Instant::now();
    for (n, stream) in idle.iter_mut().enumerate() {
        let left = Duration::from_secs(8)
            .saturating_sub(start.elapsed())
            .max(Duration::from_millis(10));
        assert!(
            closed_within(stream, left),
            "idle connection {n} still open"
        );
    }
    let status = status_of(port, "/openapi.json");
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 200")),
        "{status:?}"
    );
}

// Issue 30, item 9: the SQLite file holds the key that signs execution
// tokens: created for its owner only, and an existing file others may
// read is reported at start.

#[cfg(unix)]
fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .expect("exists")
        .permissions()
        .mode()
        & 0o777
}

/// `command` run with umask 022 (so that a file created with the
/// defaults is 0644, whatever the test runner's umask).
#[cfg(unix)]
fn with_umask_022(command: &mut Process) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only umask (async-signal-safe) between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        });
    }
}

#[cfg(unix)]
#[test]
fn a_fresh_server_database_and_its_wal_and_shm_are_private() {
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let port = free_port();
    let mut command = Running::command(&db, port, &[]);
    with_umask_022(&mut command);
    let server = Running::spawn(command);
    server.wait_for("idflow server listening");
    let status = status_of(port, "/api/store/v1/workflows");
    assert!(
        status
            .as_deref()
            .is_some_and(|s| s.starts_with("HTTP/1.1 401")),
        "{status:?}"
    );
    for suffix in ["", "-wal", "-shm"] {
        let path = dir.path().join(format!("server.sqlite{suffix}"));
        assert_eq!(mode_of(&path), 0o600, "{}", path.display());
    }
    drop(server);
    // `token create` on a fresh file too.
    let other = dir.path().join("other.sqlite");
    let mut create = Process::new(cargo_bin("idflow"));
    create
        .args([
            "token", "create", "--role", "designer", "--name", "x", "--db",
        ])
        .arg(&other)
        .env_remove("IDFLOW_SERVER_DB")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    with_umask_022(&mut create);
    assert!(create.status().expect("runs").success());
    assert_eq!(mode_of(&other), 0o600);
}

#[cfg(unix)]
#[test]
fn a_database_others_can_read_is_reported_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    create_token(&db, "designer");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let port = free_port();
    let server = Running::start(&db, port);
    let log = server.wait_for("idflow server listening");
    let shown = db.display().to_string();
    let plain = log
        .iter()
        .find(|l| l.starts_with("warning: ") && l.contains(&shown))
        .unwrap_or_else(|| panic!("no warning line naming {shown}: {log:#?}"));
    assert!(
        plain.contains("mode 644") && plain.contains("chmod 600"),
        "{plain}"
    );
    assert!(
        log.iter()
            .any(|l| l.contains("WARN") && l.contains("readable by others") && l.contains(&shown)),
        "{log:#?}"
    );
    // Private files get no warning. (The killed server may have left a
    // -wal and -shm, which SQLite made 0644 like the database: they
    // would be reported too.)
    drop(server);
    for suffix in ["", "-wal", "-shm"] {
        let path = dir.path().join(format!("server.sqlite{suffix}"));
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
    }
    let port = free_port();
    let server = Running::start(&db, port);
    let log = server.wait_for("idflow server listening");
    assert!(!log.iter().any(|l| l.contains("readable by")), "{log:#?}");
}
