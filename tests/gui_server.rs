//! The designer on a team server: a real `idflow` server (SQLite, HTTP on
//! an ephemeral port) in a background thread, the real app driven headless
//! through egui_kittest, and a second client racing it over HTTP.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use common::{Steps, harness, window};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use idflow::app::link::ServerForm;
use idflow::app::settings::Settings;
use idflow::app::{IdflowApp, Intent, Link, StoreTarget};
use idflow::document::{Command, Source};
use idflow_server::{AppState, Role, create_token, run};
use idflow_store::Store;
use idflow_store::remote::RemoteStore;
use tempfile::TempDir;
use tokio::sync::oneshot;

/// `idflow serve` on `127.0.0.1:0`, on its own runtime thread (the app's
/// store client is blocking, as the designer's UI thread is).
struct TeamServer {
    url: String,
    publisher: String,
    designer: String,
    /// A second publisher ("gui-reviewer"), for four eyes.
    reviewer: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: TempDir,
}

impl TeamServer {
    fn start() -> TeamServer {
        TeamServer::start_with(false)
    }

    /// `require_approval`: as `idflow serve --require-approval`.
    fn start_with(require_approval: bool) -> TeamServer {
        let dir = TempDir::new().expect("tmp");
        let db = dir.path().join("server.sqlite");
        let (ready, started) = mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let state = AppState::open(&db).await.expect("database");
                if require_approval {
                    state
                        .db
                        .set_require_approval(true, idflow_server::db::TOKEN_ADMIN)
                        .await
                        .expect("require approval");
                }
                let publisher = create_token(&state.db, "gui", Role::Publisher)
                    .await
                    .expect("token");
                let designer = create_token(&state.db, "gui-designer", Role::Designer)
                    .await
                    .expect("token");
                let reviewer = create_token(&state.db, "gui-reviewer", Role::Publisher)
                    .await
                    .expect("token");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let addr = listener.local_addr().expect("addr");
                ready
                    .send((format!("http://{addr}"), publisher, designer, reviewer))
                    .expect("test waits");
                run(listener, state.clone(), async {
                    let _ = stopped.await;
                })
                .await
                .expect("server ran");
                state.db.close().await;
            });
        });
        let (url, publisher, designer, reviewer) = started.recv().expect("server started");
        TeamServer {
            url,
            publisher,
            designer,
            reviewer,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        }
    }

    fn client(&self) -> RemoteStore {
        RemoteStore::new(&self.url, &self.publisher).expect("client")
    }

    fn target(&self) -> StoreTarget {
        StoreTarget::Server {
            url: self.url.clone(),
            token: self.publisher.clone(),
        }
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().expect("server thread");
        }
    }
}

impl Drop for TeamServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn rename(h: &mut Harness<'static, IdflowApp>, name: &str) {
    let doc = &mut h.state_mut().doc;
    let description = doc.workflow().description.clone();
    doc.apply(Command::SetMeta {
        name: name.to_owned(),
        description,
    })
    .expect("rename");
    h.steps(2);
}

/// The app connected (through the Team server window, as a user does) and
/// showing the server's custom workflow `key`.
fn connected(local: &TempDir, server: &TeamServer, key: u32) -> Harness<'static, IdflowApp> {
    let app = IdflowApp::new(local.path(), None).expect("app");
    let mut h = harness(app);
    h.state_mut().open_server_form();
    h.state_mut().dialogs.server_form = Some(ServerForm {
        url: server.url.clone(),
        token: server.publisher.clone(),
        failure: None,
    });
    h.steps(2);
    h.get_by_label("Connect").click();
    h.steps(3);
    assert_eq!(
        h.state().session.link,
        Link::Server {
            url: server.url.clone()
        }
    );
    h.state_mut().perform(Intent::OpenKey(key));
    h.steps(2);
    h
}

#[test]
fn a_stale_save_on_the_server_opens_the_conflict_dialog_and_saving_mine_as_a_copy_keeps_both() {
    let server = TeamServer::start();
    let other = server.client();
    let key = other.duplicate(10011, None).expect("custom workflow");
    let local = TempDir::new().expect("tmp");
    let mut h = connected(&local, &server, key);
    assert!(matches!(h.state().doc.source, Source::Store { key: k, revision: 1, .. } if k == key));

    // Someone else saves first.
    let mut theirs = other.draft(key).expect("draft").workflow;
    theirs.name = "Their edit".to_owned();
    other.save_draft(key, &theirs, 1).expect("their save");

    rename(&mut h, "My edit");
    h.get_by_label("💾 Save draft").click();
    h.steps(3);
    assert_eq!(h.state().dialog_title(), Some("Changed elsewhere"));
    assert!(
        h.query_by_label_contains("saved elsewhere (revision 2) since you opened revision 1")
            .is_some()
    );

    h.get_by_label("Save mine as a new copy").click();
    h.steps(3);
    assert_eq!(h.state().dialog_title(), None);
    // Theirs is untouched on the server; mine is a new draft there, open.
    assert_eq!(other.draft(key).expect("draft").workflow.name, "Their edit");
    let Source::Store { key: copy, .. } = h.state().doc.source else {
        panic!("the copy is open from the store");
    };
    assert_ne!(copy, key);
    assert_eq!(
        other.draft(copy).expect("copy on the server").workflow.name,
        "My edit (my copy)"
    );
    assert!(!h.state().doc.is_dirty());
}

#[test]
fn reload_theirs_shows_the_server_draft_and_cancel_keeps_mine() {
    let server = TeamServer::start();
    let other = server.client();
    let key = other.duplicate(10013, None).expect("custom workflow");
    let local = TempDir::new().expect("tmp");
    let mut h = connected(&local, &server, key);
    let mut theirs = other.draft(key).expect("draft").workflow;
    theirs.name = "Their edit".to_owned();
    other.save_draft(key, &theirs, 1).expect("their save");

    rename(&mut h, "My edit");
    h.get_by_label("💾 Save draft").click();
    h.steps(3);
    h.get_by_label("Cancel").click();
    h.steps(2);
    assert_eq!(h.state().dialog_title(), None);
    assert_eq!(h.state().doc.workflow().name, "My edit");
    assert!(h.state().doc.is_dirty(), "cancel keeps my unsaved edit");

    h.get_by_label("💾 Save draft").click();
    h.steps(3);
    h.get_by_label("Reload theirs").click();
    h.steps(3);
    assert_eq!(h.state().doc.workflow().name, "Their edit");
    assert!(matches!(
        h.state().doc.source,
        Source::Store { revision: 2, .. }
    ));
}

#[test]
fn publishing_from_the_action_bar_publishes_on_the_server() {
    let server = TeamServer::start();
    let other = server.client();
    let key = other.duplicate(10011, None).expect("custom workflow");
    let local = TempDir::new().expect("tmp");
    let mut h = connected(&local, &server, key);
    h.get_by_label("🚀 Publish to server").click();
    h.steps(2);
    h.get_by_label("Publish version 1").click();
    h.steps(3);
    let history = other.history(key).expect("history");
    assert_eq!(history.len(), 1, "published on the server");
    assert_eq!(
        other.version(key, 1).expect("v1").workflow,
        h.state().doc.workflow().clone()
    );
}

#[test]
fn an_unreachable_server_keeps_the_edit_locally_and_says_so() {
    let mut server = TeamServer::start();
    let key = server.client().duplicate(10011, None).expect("custom");
    let local = TempDir::new().expect("tmp");
    let mut h = connected(&local, &server, key);
    server.stop();

    rename(&mut h, "Edited offline");
    h.get_by_label("💾 Save draft").click();
    h.steps(3);
    assert!(h.state().doc.is_dirty(), "nothing was saved, nothing lost");
    assert_eq!(h.state().doc.workflow().name, "Edited offline");
    assert!(h.state().session.offline.is_some());
    assert!(
        h.query_by_label_contains("Server unreachable: working locally")
            .is_some()
    );
    let toast = h.state().toasts.current().expect("a notice").text.clone();
    assert!(toast.contains("Autosaved on this machine"), "{toast}");
    // The edit is in the recovery file for this server, on this machine.
    let recovered = idflow_store::recovery::find_all(&idflow::app::link::server_recovery_root(
        local.path(),
        &server.url,
    ));
    assert_eq!(recovered.len(), 1);
    assert_eq!(recovered[0].1.workflow.name, "Edited offline");
}

#[test]
fn settings_keep_the_server_and_an_unreachable_one_falls_back_to_local() {
    let server = TeamServer::start();
    let local = TempDir::new().expect("tmp");
    let settings_path: PathBuf = local.path().join("config").join("settings.ron");

    let mut h = harness(
        IdflowApp::new(local.path(), None)
            .expect("app")
            .with_settings_file(settings_path.clone()),
    );
    assert_eq!(h.state().session.link, Link::Local);
    h.state_mut().perform(Intent::SwitchStore(server.target()));
    h.steps(2);
    assert!(matches!(h.state().session.link, Link::Server { .. }));
    let saved = Settings::load(&settings_path).expect("settings");
    assert!(saved.use_server);
    assert_eq!(saved.server_url, server.url);
    // Workflow files never carry the server or its token.
    assert!(
        !idflow_core::format::to_text(h.state().doc.workflow(), idflow_core::format::Format::Ron)
            .contains(&server.publisher)
    );
    drop(h);

    let reopened = harness(
        IdflowApp::new(local.path(), None)
            .expect("app")
            .with_settings_file(settings_path.clone()),
    );
    assert!(
        matches!(reopened.state().session.link, Link::Server { .. }),
        "remembered"
    );
    drop(reopened);

    drop(server);
    let offline = harness(
        IdflowApp::new(local.path(), None)
            .expect("app")
            .with_settings_file(settings_path),
    );
    assert_eq!(offline.state().session.link, Link::Local);
    assert!(offline.state().session.offline.is_some());
    assert!(
        offline
            .state()
            .toasts
            .current()
            .expect("notice")
            .text
            .contains("local store")
    );
}

#[test]
fn a_designer_token_cannot_publish_and_a_wrong_token_is_refused_in_the_form() {
    let server = TeamServer::start();
    let local = TempDir::new().expect("tmp");
    let mut h = harness(IdflowApp::new(local.path(), None).expect("app"));
    h.state_mut().dialogs.server_form = Some(ServerForm {
        url: server.url.clone(),
        token: "idf_not_a_token".to_owned(),
        failure: None,
    });
    h.steps(2);
    h.get_by_label("Connect").click();
    h.steps(3);
    assert_eq!(h.state().session.link, Link::Local);
    let failure = h
        .state()
        .dialogs
        .server_form
        .as_ref()
        .and_then(|f| f.failure.clone())
        .expect("the form says why");
    assert!(failure.contains("token"), "{failure}");

    let key = server.client().duplicate(10011, None).expect("custom");
    h.state_mut()
        .perform(Intent::SwitchStore(StoreTarget::Server {
            url: server.url.clone(),
            token: server.designer.clone(),
        }));
    h.state_mut().perform(Intent::OpenKey(key));
    h.steps(2);
    h.get_by_label("🚀 Publish to server").click();
    h.steps(2);
    h.get_by_label("Publish version 1").click();
    h.steps(3);
    assert_eq!(h.state().dialog_title(), Some("Something went wrong"));
    assert!(server.client().history(key).expect("history").is_empty());
}

#[test]
fn copy_to_server_sends_local_work_up_as_a_new_server_draft() {
    let server = TeamServer::start();
    let local = TempDir::new().expect("tmp");
    let mut app = IdflowApp::new(local.path(), None).expect("app");
    app.session.settings = Settings {
        use_server: false,
        server_url: server.url.clone(),
        server_token: server.designer.clone(),
        last_place: None,
        display_name: String::new(),
        ..Settings::default()
    };
    let mut h = harness(app);
    assert!(
        h.query_by_label("⇪ Copy to server").is_none(),
        "not offered for a read-only Global workflow"
    );
    h.state_mut().perform(Intent::NewFrom(10011));
    h.steps(2);
    rename(&mut h, "Offline work");
    h.get_by_label("⇪ Copy to server").click();
    h.steps(2);
    let toast = h.state().toasts.current().expect("a notice").text.clone();
    assert!(toast.contains("Copied to"), "{toast}");
    let remote = server.client();
    let copied: Vec<_> = remote
        .list()
        .expect("list")
        .into_iter()
        .filter(|w| w.name == "Offline work")
        .collect();
    assert_eq!(copied.len(), 1, "one new draft on the server");
    assert_eq!(
        remote.draft(copied[0].key).expect("draft").workflow.nodes,
        h.state().doc.workflow().nodes
    );
    assert_eq!(
        h.state().session.link,
        Link::Local,
        "the session stays local"
    );
}

/// A TCP relay in front of the team server that can go silent: it still
/// accepts connections and reads requests, and passes nothing on, as a
/// stalled link or a hung server does.
struct Relay {
    url: String,
    silent: Arc<AtomicBool>,
}

impl Relay {
    fn start(upstream_url: &str) -> Relay {
        let upstream: SocketAddr = upstream_url
            .trim_start_matches("http://")
            .parse()
            .expect("the server's address");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let silent = Arc::new(AtomicBool::new(false));
        let quiet = Arc::clone(&silent);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let quiet = Arc::clone(&quiet);
                std::thread::spawn(move || relay(client, upstream, &quiet));
            }
        });
        Relay { url, silent }
    }

    fn set_silent(&self, silent: bool) {
        self.silent.store(silent, Ordering::SeqCst);
    }
}

fn relay(client: TcpStream, upstream: SocketAddr, silent: &AtomicBool) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let (Ok(mut answers), Ok(mut to_client)) = (server.try_clone(), client.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut answers, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Both);
    });
    let (mut client, mut server) = (client, server);
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let n = match client.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if silent.load(Ordering::SeqCst) {
            continue;
        }
        if server.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
    let _ = server.shutdown(Shutdown::Both);
}

/// Issue 14: started on a server that accepts the connection and never
/// answers, the designer paints, handles clicks and says it is connecting;
/// the wait ends with a message naming the server, on the local store.
#[test]
fn a_silent_server_at_start_leaves_the_designer_working_and_then_says_so() {
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", silent.local_addr().expect("addr"));
    let local = TempDir::new().expect("tmp");
    let mut app = IdflowApp::new(local.path(), None).expect("app");
    app.session.request_timeout = Duration::from_secs(2);
    app.start_on(&StoreTarget::Server {
        url: url.clone(),
        token: "idf_silent".to_owned(),
    });
    // Frames only: nothing here waits for the store.
    let mut h = window().build(app);
    h.run_steps(3);
    assert!(h.state().session.connecting().is_some());
    let host = url.trim_start_matches("http://");
    assert_eq!(
        h.query_all_by_label(&format!("Connecting to {host}…"))
            .count(),
        2,
        "the action bar and the store selector say it"
    );

    let zoom = h.state().canvas.zoom();
    h.get_by_label("+").click();
    h.run_steps(3);
    assert!(
        h.state().canvas.zoom() > zoom * 1.2,
        "a click is handled while the request waits"
    );
    assert!(h.state().session.connecting().is_some(), "still waiting");

    assert!(h.state_mut().wait_for_store(Duration::from_secs(30)));
    h.run_steps(2);
    assert_eq!(h.state().session.link, Link::Local);
    let notice = h.state().toasts.current().expect("a notice").text.clone();
    assert!(
        notice.contains(&format!(
            "cannot reach the server at {url}: no answer within 2 s"
        )),
        "{notice}"
    );
    assert!(notice.contains("Working on the local store"), "{notice}");
    drop(silent);
}

/// Issue 14: the server stops answering while a draft is being saved: the
/// designer keeps painting and handling clicks, edits made meanwhile stay
/// unsaved, the save ends with a message naming the server, nothing typed
/// is lost, and once the server is back the next save stores everything.
#[test]
fn a_server_that_stops_answering_during_a_save_loses_nothing() {
    let server = TeamServer::start();
    let key = server.client().duplicate(10011, None).expect("custom");
    let relay = Relay::start(&server.url);
    let local = TempDir::new().expect("tmp");
    let mut app = IdflowApp::new(local.path(), None).expect("app");
    app.session.request_timeout = Duration::from_secs(2);
    let mut h = harness(app);
    h.state_mut()
        .perform(Intent::SwitchStore(StoreTarget::Server {
            url: relay.url.clone(),
            token: server.publisher.clone(),
        }));
    h.steps(2);
    h.state_mut().perform(Intent::OpenKey(key));
    h.steps(2);
    assert!(matches!(h.state().doc.source, Source::Store { key: k, .. } if k == key));

    rename(&mut h, "Typed before the save");
    relay.set_silent(true);
    h.get_by_label("💾 Save draft").click();
    h.run_steps(3);
    assert!(h.state().session.saving());
    let saving = h.get_by_label("💾 Saving…");
    assert!(
        saving.accesskit_node().is_disabled(),
        "a second press does not send twice"
    );

    // Typing goes on while the save waits.
    let doc = &mut h.state_mut().doc;
    let description = doc.workflow().description.clone();
    doc.apply(Command::SetMeta {
        name: "Typed during the save".to_owned(),
        description,
    })
    .expect("rename");
    let zoom = h.state().canvas.zoom();
    h.get_by_label("+").click();
    h.run_steps(3);
    assert!(h.state().canvas.zoom() > zoom * 1.2, "clicks are handled");
    assert!(h.state().session.saving(), "still waiting for the server");

    assert!(h.state_mut().wait_for_store(Duration::from_secs(30)));
    h.run_steps(2);
    let notice = h.state().toasts.current().expect("a notice").text.clone();
    assert!(
        notice.contains(&format!(
            "cannot reach the server at {}: no answer within 2 s",
            relay.url
        )),
        "{notice}"
    );
    assert_eq!(h.state().doc.workflow().name, "Typed during the save");
    assert!(h.state().doc.is_dirty());
    let kept = idflow_store::recovery::find_all(&idflow::app::link::server_recovery_root(
        local.path(),
        &relay.url,
    ));
    assert_eq!(kept.len(), 1, "autosaved on this machine");
    assert_eq!(kept[0].1.workflow.name, "Typed during the save");
    assert_eq!(
        server.client().draft(key).expect("draft").workflow.name,
        "Copy of ID and identity verification (IDIV)",
        "nothing half-written on the server"
    );

    relay.set_silent(false);
    h.get_by_label("💾 Save draft").click();
    h.steps(3);
    assert!(!h.state().doc.is_dirty(), "saved once the server is back");
    assert_eq!(
        server.client().draft(key).expect("draft").workflow.name,
        "Typed during the save"
    );
}

/// Keys of different stores are different workflows: a save asked for
/// while the session is moving to a server is meant for the store the
/// draft came from, and is never carried out on the new one.
#[test]
fn a_save_queued_behind_a_store_switch_never_lands_in_the_other_store() {
    let server = TeamServer::start();
    let same_key = server.client().duplicate(10011, None).expect("custom");
    let local = TempDir::new().expect("tmp");
    let mut h = harness(IdflowApp::new(local.path(), None).expect("app"));
    h.state_mut().perform(Intent::NewFrom(10011));
    h.steps(2);
    assert_eq!(
        h.state().doc.key(),
        Some(same_key),
        "the same key in both stores"
    );
    rename(&mut h, "Local edit");

    h.state_mut().perform(Intent::SwitchStore(server.target()));
    assert!(h.state_mut().save(), "sent behind the switch");
    h.steps(2);

    assert!(matches!(h.state().session.link, Link::Server { .. }));
    assert_eq!(
        server
            .client()
            .draft(same_key)
            .expect("draft")
            .workflow
            .name,
        "Copy of ID and identity verification (IDIV)",
        "the server's workflow is untouched"
    );
    let local_store = idflow_store::LocalStore::open(local.path()).expect("store");
    assert_eq!(
        local_store.draft(same_key).expect("draft").workflow.name,
        "Copy of ID and identity verification (IDIV)",
        "not saved locally either: the save was not carried out"
    );
    let kept = idflow_store::recovery::find_all(local.path());
    assert_eq!(kept.len(), 1, "the edit is kept for the local store");
    assert_eq!(kept[0].1.workflow.name, "Local edit");
}

/// Issue 16: four eyes from the designer. On a server that requires
/// approval the author's Publish is refused with the reason, the author's
/// own "Approve" is refused, and once another publisher approved the
/// revision, Publish goes through and Versions says who approved it.
#[test]
fn four_eyes_in_the_designer() {
    let server = TeamServer::start_with(true);
    let reviewer = RemoteStore::new(&server.url, &server.reviewer).expect("client");
    let key = reviewer.duplicate(10011, None).expect("custom");
    let local = TempDir::new().expect("tmp");
    let mut h = connected(&local, &server, key);
    rename(&mut h, "Reviewed flow");
    h.get_by_label("💾 Save draft").click();
    h.steps(3);
    let Source::Store { revision, .. } = h.state().doc.source else {
        panic!("a server draft");
    };
    h.get_by_label("🚀 Publish to server").click();
    h.steps(3);
    h.get_by_label("Publish version 1").click();
    h.steps(3);
    assert_eq!(h.state().dialog_title(), Some("Something went wrong"));
    assert!(
        h.query_by_label_contains("needs the approval of a publisher other than its author (gui)")
            .is_some()
    );
    h.get_by_label("OK").click();
    h.steps(2);

    h.get_by_label(&format!("✔ Approve revision {revision}"))
        .click();
    h.steps(3);
    let toast = h.state().toasts.current().expect("a notice").text.clone();
    assert!(
        toast.contains("not approved") && toast.contains("written by you"),
        "{toast}"
    );

    assert_eq!(
        reviewer
            .approve(key, revision)
            .expect("the reviewer approves"),
        ["gui-reviewer"]
    );
    h.get_by_label("🚀 Publish to server").click();
    h.steps(3);
    h.get_by_label("Publish version 1").click();
    h.steps(3);
    assert_eq!(h.state().dialog_title(), None);
    let history = reviewer.history(key).expect("history");
    assert_eq!(history[0].approved_by, "gui-reviewer");
    assert_eq!(history[0].author, "gui");
    h.get_by_label("🕓 Versions").click();
    h.steps(3);
    assert!(h.query_by_label("approved by gui-reviewer").is_some());
    // Issue 30, item 1: the version records who wrote it.
    assert_eq!(history[0].authors, ["gui"]);
    assert!(h.query_by_label("written by gui").is_some());
}
