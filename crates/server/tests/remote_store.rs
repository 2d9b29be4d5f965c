//! `idflow_store::remote::RemoteStore` against the real server: HTTP on an
//! ephemeral loopback port, a real SQLite file. The client is blocking, so
//! every use of it runs on a blocking thread (`spawn_blocking`), never on a
//! runtime worker.

mod common;

use idflow_store::policy::Refusal;
use std::time::{Duration, Instant};

use common::{Server, fixture};
use idflow_core::Workflow;
use idflow_core::catalog::STANDARD_WORKFLOWS;
use idflow_core::format::{Format, parse_workflow};
use idflow_server::Role;
use idflow_store::remote::RemoteStore;
use idflow_store::{Origin, Status, Store, StoreError};
use tempfile::TempDir;

const GOOD: &str = include_str!("../../../sample_workflows/custom-returning-user.ron");
const LINT_ERRORS: &str = include_str!("../../../tests/fixtures/facemap-api-only.ron");

fn workflow(ron: &str) -> Workflow {
    parse_workflow(ron, Format::Ron).expect("fixture parses")
}

/// Runs `f` on a blocking thread (reqwest's blocking client must not run on
/// a runtime worker) and returns what it returns; its panics fail the test.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

#[tokio::test(flavor = "multi_thread")]
async fn list_shows_the_nine_global_workflows() {
    let f = fixture().await;
    let store = RemoteStore::new(&format!("{}/", f.server.root), &f.designer).expect("client");
    assert_eq!(store.base_url(), f.server.root, "trailing slash dropped");
    let list = blocking(move || store.list()).await.expect("list");
    let mut standard: Vec<u32> = STANDARD_WORKFLOWS.iter().map(|w| w.key).collect();
    standard.sort_unstable();
    assert_eq!(list.iter().map(|s| s.key).collect::<Vec<_>>(), standard);
    for summary in &list {
        assert_eq!(summary.origin, Origin::Global, "{summary:?}");
        assert_eq!(summary.status, Status::Published, "{summary:?}");
        assert_eq!(summary.latest_version, Some(1), "{summary:?}");
        assert!(!summary.name.is_empty());
    }
    f.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_life_of_a_custom_workflow_through_the_client() {
    let f = fixture().await;
    let designer = RemoteStore::new(&f.server.root, &f.designer).expect("client");
    let publisher = RemoteStore::new(&f.server.root, &f.publisher).expect("client");
    blocking(move || {
        // Create: the server hands out the first custom key at revision 1.
        let original = workflow(GOOD);
        let key = designer.create(original.clone()).expect("create");
        assert_eq!(key, 200_000);
        let draft = designer.draft(key).expect("draft");
        assert_eq!(draft.revision, 1);
        assert_eq!(draft.workflow.key, key, "the key is the store's");
        assert_eq!(draft.workflow.name, original.name);
        assert_eq!(draft.workflow.nodes, original.nodes);

        // Save: the revision goes up; a stale base is a conflict naming both.
        let mut renamed = draft.workflow.clone();
        renamed.name = "Renamed".to_owned();
        assert_eq!(designer.save_draft(key, &renamed, 1).expect("save"), 2);
        let mut stale = renamed.clone();
        stale.name = "Stale".to_owned();
        match designer.save_draft(key, &stale, 1) {
            Err(StoreError::Policy(Refusal::Conflict {
                key: k,
                expected: 1,
                current: 2,
            })) => assert_eq!(k, key),
            other => panic!("expected Conflict 1 -> 2, got {other:?}"),
        }
        assert_eq!(designer.draft(key).expect("draft").workflow.name, "Renamed");

        // Publish: designers may not; publishers may.
        match designer.publish(key, Some(2)) {
            Err(e @ StoreError::Forbidden { .. }) => {
                assert!(e.to_string().contains("publisher"), "{e}");
            }
            other => panic!("expected Forbidden, got {other:?}"),
        }
        assert!(designer.history(key).expect("history").is_empty());
        match publisher.publish(key, Some(1)) {
            Err(StoreError::Policy(Refusal::Conflict {
                expected: 1,
                current: 2,
                ..
            })) => {}
            other => panic!("expected a stale publish to conflict, got {other:?}"),
        }
        let v1 = publisher.publish(key, Some(2)).expect("publish");
        assert_eq!(v1.number, 1);
        assert_eq!(v1.revision, 2);
        assert_eq!(v1.sha256.len(), 64);
        let history = publisher.history(key).expect("history");
        assert_eq!(history, vec![v1.clone()]);
        let versioned = publisher.version(key, 1).expect("version 1");
        assert_eq!(versioned.info, v1);
        let saved = designer.draft(key).expect("draft").workflow;
        assert_eq!(versioned.workflow, saved, "version 1 is what was saved");
        assert_eq!(versioned.workflow.name, "Renamed");
        let summary = designer.list().expect("list");
        let summary = summary.iter().find(|s| s.key == key).expect("listed");
        assert_eq!(summary.status, Status::Published);
        assert_eq!(summary.latest_version, Some(1));
        assert_eq!(summary.origin, Origin::Custom);
        assert!(matches!(
            publisher.version(key, 2),
            Err(StoreError::Policy(Refusal::VersionNotFound {
                version: 2,
                ..
            }))
        ));

        // `publish(key, None)` publishes whatever the draft is.
        let mut changed = saved.clone();
        changed.name = "Changed after v1".to_owned();
        assert_eq!(designer.save_draft(key, &changed, 2).expect("save"), 3);
        let v2 = publisher.publish(key, None).expect("publish any");
        assert_eq!((v2.number, v2.revision), (2, 3));

        // Restore version 1: a new revision holding version 1 again.
        assert_eq!(designer.restore(key, 1, 3).expect("restore"), 4);
        let draft = designer.draft(key).expect("draft");
        assert_eq!(draft.revision, 4);
        assert_eq!(draft.workflow, versioned.workflow);
        match designer.restore(key, 1, 3) {
            Err(StoreError::Policy(Refusal::Conflict {
                expected: 3,
                current: 4,
                ..
            })) => {}
            other => panic!("expected a stale restore to conflict, got {other:?}"),
        }
        assert!(matches!(
            designer.restore(key, 9, 4),
            Err(StoreError::Policy(Refusal::VersionNotFound {
                version: 9,
                ..
            }))
        ));

        // Duplicate a version and the draft into new custom workflows.
        let copy = designer.duplicate(key, Some(2)).expect("duplicate v2");
        assert_eq!(copy, key + 1);
        let copied = designer.draft(copy).expect("copy");
        assert_eq!(copied.revision, 1);
        assert_eq!(copied.workflow.name, "Copy of Changed after v1 (v2)");
        let copy_of_draft = designer.duplicate(key, None).expect("duplicate draft");
        assert_eq!(
            designer.draft(copy_of_draft).expect("copy").workflow.name,
            "Copy of Renamed"
        );
        assert!(matches!(
            designer.duplicate(key, Some(7)),
            Err(StoreError::Policy(Refusal::VersionNotFound {
                version: 7,
                ..
            }))
        ));

        // Unknown keys.
        assert!(matches!(
            designer.draft(999_999),
            Err(StoreError::Policy(Refusal::NotFound { key: 999_999 }))
        ));
        assert!(matches!(
            designer.history(999_999),
            Err(StoreError::Policy(Refusal::NotFound { key: 999_999 }))
        ));
        assert!(matches!(
            designer.save_draft(999_999, &saved, 1),
            Err(StoreError::Policy(Refusal::NotFound { key: 999_999 }))
        ));
    })
    .await;
    f.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn publishing_a_draft_with_lint_errors_reports_the_findings() {
    let f = fixture().await;
    let store = RemoteStore::new(&f.server.root, &f.publisher).expect("client");
    blocking(move || {
        let key = store.create(workflow(LINT_ERRORS)).expect("create");
        match store.publish(key, Some(1)) {
            Err(e @ StoreError::Policy(Refusal::LintErrors { .. })) => {
                let StoreError::Policy(Refusal::LintErrors { key: k, report }) = &e else {
                    unreachable!()
                };
                assert_eq!(*k, key);
                assert!(
                    report
                        .errors()
                        .any(|finding| finding.code == "facemap-api-only"
                            && finding.node.as_ref().map(|n| n.to_string()).as_deref()
                                == Some("selfie_capture")),
                    "{report:?}"
                );
                assert!(e.to_string().contains("cannot be published"), "{e}");
            }
            other => panic!("expected LintErrors, got {other:?}"),
        }
        assert!(store.history(key).expect("history").is_empty());
    })
    .await;
    f.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn global_workflows_are_read_only_through_the_client() {
    let f = fixture().await;
    let store = RemoteStore::new(&f.server.root, &f.publisher).expect("client");
    blocking(move || {
        let global = store.draft(10011).expect("global draft");
        assert_eq!(global.revision, 1);
        assert!(matches!(
            store.save_draft(10011, &global.workflow, 1),
            Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
        ));
        assert!(matches!(
            store.publish(10011, None),
            Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
        ));
        assert!(matches!(
            store.restore(10011, 1, 1),
            Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
        ));
        assert_eq!(store.history(10011).expect("history").len(), 1);
        let copy = store.duplicate(10011, Some(1)).expect("duplicate");
        let copied = store.draft(copy).expect("copy");
        assert!(copied.workflow.name.ends_with("(v1)"));
        assert_eq!(
            store.save_draft(copy, &copied.workflow, 1).expect("save"),
            2
        );
    })
    .await;
    f.server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_token_is_unauthorized_and_names_the_server() {
    let f = fixture().await;
    let root = f.server.root.clone();
    let store = RemoteStore::new(&root, &format!("{}x", f.publisher)).expect("client");
    let (listed, created) = blocking(move || (store.list(), store.create(workflow(GOOD)))).await;
    match listed {
        Err(e @ StoreError::Unauthorized { .. }) => {
            assert!(e.to_string().contains(&root), "{e}");
            assert!(e.to_string().contains("refused the token"), "{e}");
        }
        other => panic!("expected Unauthorized, got {other:?}"),
    }
    assert!(matches!(created, Err(StoreError::Unauthorized { .. })));
    let check = RemoteStore::new(&f.server.root, &f.designer).expect("client");
    let count = blocking(move || check.list().expect("list").len()).await;
    assert_eq!(count, 9, "the refused create wrote nothing");
    f.server.stop().await;
}

#[test]
fn a_server_nobody_listens_on_is_unreachable_quickly() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    // The listener is dropped: nothing listens on the port any more.
    let url = format!("http://127.0.0.1:{port}");
    let store = RemoteStore::new(&url, "idf_whatever").expect("client");
    let started = Instant::now();
    let result = store.list();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    match result {
        Err(e @ StoreError::Unreachable { .. }) => {
            let text = e.to_string();
            assert!(text.contains(&url), "{text}");
            assert!(text.contains("kept locally"), "{text}");
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(matches!(
        store.save_draft(200_000, &workflow(GOOD), 1),
        Err(StoreError::Unreachable { .. })
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_url_that_is_not_the_store_api_is_a_server_error() {
    let f = fixture().await;
    // A path prefix the server does not serve: 404 without the API's details.
    let store =
        RemoteStore::new(&format!("{}/elsewhere", f.server.root), &f.designer).expect("client");
    match blocking(move || store.list()).await {
        Err(e @ StoreError::Server { status: 404, .. }) => {
            assert!(e.to_string().contains("/elsewhere/api/store/v1"), "{e}");
        }
        other => panic!("expected a 404 Server error, got {other:?}"),
    }
    f.server.stop().await;
}

/// Issue 14: archive and unarchive round-trip on the server through the
/// client; a designer token may not archive, a Global cannot be archived,
/// and the draft's revision does not move.
#[tokio::test(flavor = "multi_thread")]
async fn archive_and_unarchive_round_trip_on_the_server() {
    let f = fixture().await;
    let root = f.server.root.clone();
    let (publisher, designer) = (f.publisher.clone(), f.designer.clone());
    blocking(move || {
        let store = RemoteStore::new(&root, &publisher).expect("client");
        let key = store.create(workflow(GOOD)).expect("create");
        let archived = |store: &RemoteStore| {
            store
                .list()
                .expect("list")
                .into_iter()
                .find(|s| s.key == key)
                .map(|s| s.archived)
        };
        assert_eq!(archived(&store), Some(false));
        store.set_archived(key, true).expect("archive");
        store.set_archived(key, true).expect("archive again");
        assert_eq!(archived(&store), Some(true));
        assert_eq!(store.draft(key).expect("draft").revision, 1);

        let as_designer = RemoteStore::new(&root, &designer).expect("client");
        assert!(matches!(
            as_designer.set_archived(key, false),
            Err(StoreError::Forbidden { .. })
        ));
        assert!(matches!(
            store.set_archived(10011, true),
            Err(StoreError::Policy(Refusal::ReadOnly { key: 10011 }))
        ));
        assert!(matches!(
            store.set_archived(299_999, true),
            Err(StoreError::Policy(Refusal::NotFound { key: 299_999 }))
        ));

        store.set_archived(key, false).expect("unarchive");
        assert_eq!(archived(&store), Some(false));
    })
    .await;
    f.server.stop().await;
}

/// Issue 15: a version records its note and, as its author, the name of
/// the token that published it (whatever the client says); a note too long
/// is refused before anything is sent, and by the server too.
#[tokio::test(flavor = "multi_thread")]
async fn a_version_keeps_its_note_and_the_token_name_as_author() {
    let f = fixture().await;
    let root = f.server.root.clone();
    let publisher = f.publisher.clone();
    blocking(move || {
        let store = RemoteStore::new(&root, &publisher).expect("client");
        let key = store.create(workflow(GOOD)).expect("create");
        let v1 = store
            .publish_with_note(key, Some(1), "  First release for the pilot  ")
            .expect("publish");
        assert_eq!(v1.note, "First release for the pilot");
        assert!(v1.author.starts_with("test-publisher-"), "{}", v1.author);
        let history = store.history(key).expect("history");
        assert_eq!(history, std::slice::from_ref(&v1));
        assert_eq!(store.version(key, 1).expect("v1").info, v1);
        // Exactly once: the same revision again answers v1 as it was.
        let again = store
            .publish_with_note(key, Some(1), "another note")
            .expect("again");
        assert_eq!(again, v1);
        let long = "x".repeat(idflow_store::MAX_NOTE_CHARS + 1);
        assert!(matches!(
            store.publish_with_note(key, None, &long),
            Err(StoreError::Policy(Refusal::NoteTooLong { .. }))
        ));
    })
    .await;
    let http = reqwest::Client::new();
    let publish = |body: &'static str| {
        http.post(format!(
            "{}/api/store/v1/workflows/10011/publish",
            f.server.root
        ))
        .bearer_auth(&f.publisher)
        .header("if-match", "*")
        .header("content-type", "application/json")
        .body(body)
    };
    for bad in [r#"{"note": 3}"#, r#"{"notes": "x"}"#, "not json"] {
        let response = publish(bad).send().await.expect("send");
        assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST, "{bad}");
    }
    f.server.stop().await;
}

/// Issue 16: four eyes. On a server started with `--require-approval` the
/// author alone cannot publish; a designer cannot approve; nobody approves
/// their own revision; after another publisher approves revision N,
/// publishing N succeeds and history says who approved; a later save
/// withdraws the approval. The audit trail lists every step with its actor.
#[tokio::test(flavor = "multi_thread")]
async fn four_eyes_publishing_and_the_audit_trail() {
    let dir = TempDir::new().expect("tmp");
    let state = idflow_server::AppState::open(&dir.path().join("server.sqlite"))
        .await
        .expect("open");
    state
        .db
        .set_require_approval(true, idflow_server::db::TOKEN_ADMIN)
        .await
        .expect("require approval");
    let server = Server::start_with(state).await;
    let token = |name: &'static str, role: Role| {
        let db = server.state.db.clone();
        async move {
            idflow_server::create_token(&db, name, role)
                .await
                .expect("token")
        }
    };
    let alice = token("alice", Role::Publisher).await;
    let bob = token("bob", Role::Publisher).await;
    let dan = token("dan", Role::Designer).await;
    let root = server.root.clone();
    let entries = blocking(move || {
        let as_alice = RemoteStore::new(&root, &alice).expect("client");
        let as_bob = RemoteStore::new(&root, &bob).expect("client");
        let as_dan = RemoteStore::new(&root, &dan).expect("client");
        let key = as_alice.create(workflow(GOOD)).expect("create");
        let draft = as_alice.draft(key).expect("draft").workflow;
        let revision = as_alice.save_draft(key, &draft, 1).expect("save");

        let alone = as_alice.publish(key, Some(revision)).expect_err("four eyes");
        assert!(
            matches!(&alone, StoreError::Refused { message } if message.contains("approval of a publisher other than its author (alice)")),
            "{alone}"
        );
        assert!(matches!(
            as_dan.approve(key, revision),
            Err(StoreError::Forbidden { .. })
        ));
        assert!(matches!(
            as_alice.approve(key, revision),
            Err(StoreError::Refused { .. })
        ));
        assert_eq!(as_bob.approve(key, revision).expect("approve"), ["bob"]);

        // A save after the approval withdraws it.
        let later = as_alice.save_draft(key, &draft, revision).expect("save");
        assert!(matches!(
            as_alice.publish(key, Some(later)),
            Err(StoreError::Refused { .. })
        ));
        assert!(matches!(
            as_bob.approve(key, revision),
            Err(StoreError::Policy(Refusal::Conflict { .. }))
        ));
        as_bob.approve(key, later).expect("approve the new revision");
        let v1 = as_alice
            .publish_with_note(key, Some(later), "reviewed by bob")
            .expect("publish");
        assert_eq!((v1.author.as_str(), v1.approved_by.as_str()), ("alice", "bob"));
        assert_eq!(as_alice.history(key).expect("history")[0].approved_by, "bob");
        assert!(matches!(
            as_dan.audit(),
            Err(StoreError::Forbidden { .. })
        ));
        (key, as_bob.audit().expect("audit"))
    })
    .await;
    let (key, entries) = entries;
    let steps: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.key == Some(key))
        .map(|e| (e.actor.clone(), e.action.clone()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("alice", "create"),
        ("alice", "save"),
        ("bob", "approve"),
        ("alice", "save"),
        ("bob", "approve"),
        ("alice", "publish"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(steps, expected);
    assert!(
        entries
            .iter()
            .any(|e| e.action == "token-create" && e.detail == "bob (publisher)")
    );
    // The trail is append-only.
    let idflow_server::db::Pool::Sqlite(pool) = server.state.db.pool() else {
        panic!("SQLite");
    };
    assert!(
        sqlx::query("DELETE FROM audit")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE audit SET actor = 'mallory'")
            .execute(pool)
            .await
            .is_err()
    );
    server.stop().await;
}

/// Issue 16: review comments on the server, as on the local store: on a
/// step and on the workflow, resolved and reopened, surviving two saves,
/// carried read-only by the published version; every step in the audit.
#[tokio::test(flavor = "multi_thread")]
async fn comments_on_the_server_survive_saves_and_go_with_the_version() {
    let f = fixture().await;
    let root = f.server.root.clone();
    let (publisher, designer) = (f.publisher.clone(), f.designer.clone());
    let key = blocking(move || {
        let store = RemoteStore::new(&root, &publisher).expect("client");
        let as_designer = RemoteStore::new(&root, &designer).expect("client");
        let key = store.create(workflow(GOOD)).expect("create");
        let on_step = as_designer
            .add_comment(key, Some("selfie"), "Why no facemap?")
            .expect("a designer comments");
        let on_workflow = store.add_comment(key, None, "Ready?").expect("comment");
        assert_eq!((on_step.id, on_workflow.id), (1, 2));
        assert!(on_step.author.starts_with("test-designer-"));
        assert!(store.set_resolved(key, 1, true).expect("resolve").resolved);
        assert!(!store.set_resolved(key, 1, false).expect("reopen").resolved);
        store.set_resolved(key, 2, true).expect("resolve");
        let draft = store.draft(key).expect("draft");
        let r2 = store.save_draft(key, &draft.workflow, 1).expect("save");
        let r3 = store.save_draft(key, &draft.workflow, r2).expect("save");
        let v1 = store.publish(key, Some(r3)).expect("publish");
        let carried = store.comments(key).expect("comments");
        assert_eq!(carried.len(), 2);
        assert!(carried.iter().all(|c| c.version == Some(v1.number)));
        assert!(matches!(
            store.set_resolved(key, 1, true),
            Err(StoreError::Server { .. }
                | StoreError::Refused { .. }
                | StoreError::Forbidden { .. })
        ));
        assert!(matches!(
            store.set_resolved(key, 9, true),
            Err(StoreError::Policy(Refusal::NotFound { .. }) | StoreError::Server { .. })
        ));
        key
    })
    .await;
    let audit = f.server.state.db.audit().await.expect("audit");
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.key == Some(key))
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "create", "comment", "comment", "resolve", "reopen", "resolve", "save", "save",
            "publish"
        ]
    );
    f.server.stop().await;
}
