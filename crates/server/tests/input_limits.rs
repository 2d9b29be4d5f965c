//! Input limits that hold on both databases (issue 30, item 8), over real
//! HTTP on a real server (a SQLite file; a scratch PostgreSQL database for
//! the `postgres_` tests): control characters refused where they make no
//! sense, with a 400 naming the field (PostgreSQL answered 500 to a NUL);
//! length limits on names, titles, descriptions, notes, comments and
//! references; whitespace-only comments refused; token names checked; a
//! JSON route refuses a `Content-Length` over its limit before reading the
//! body (413), and a body that is not JSON (415).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Fixture, TestDb, both_backends, fixture_on, json_of};
use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use idflow_core::text::{
    MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, MAX_NOTE_TEXT_CHARS, MAX_TITLE_CHARS,
};
use idflow_server::Role;
use reqwest::StatusCode;
use serde_json::json;

/// One-line texts with what a terminal or a database chokes on: NUL, an
/// escape sequence, BEL, CR, a C1 control (CSI).
const CONTROLS: &[&str] = &["a\0b", "a\u{1b}[2Jb", "bell\u{7}", "a\rb", "c1\u{9b}2J"];

fn sample() -> idflow_core::Workflow {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../sample_workflows/10011-idiv.ron"
    ))
    .expect("sample");
    parse_workflow(&text, Format::Ron).expect("parses")
}

fn with_note(mut workflow: idflow_core::Workflow, text: &str) -> idflow_core::Workflow {
    workflow.notes = vec![idflow_core::model::Note {
        id: "n1".into(),
        position: idflow_core::model::Position { x: 0.0, y: 0.0 },
        text: text.into(),
        size: None,
    }];
    workflow
}

/// A workflow as the JSON the store API takes.
fn json_text(workflow: &idflow_core::Workflow) -> String {
    workflow_to_text(workflow, Format::Json)
}

/// 400 whose `details.field` (or one of `details.fields`) is `field`.
async fn assert_names_field(what: &str, response: reqwest::Response, field: &str) {
    let status = response.status();
    let body = json_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
    let named = body["details"]["field"] == field
        || body["details"]["fields"]
            .as_array()
            .is_some_and(|fields| fields.iter().any(|f| f["field"] == field));
    assert!(named, "{what}: the answer does not name {field}: {body}");
}

both_backends!(
    /// Issue 30, item 8: every text field refuses control characters and
    /// texts over its limit with a 400 naming it, and keeps nothing of the
    /// refused write; at the limit, and with ordinary Unicode, it takes them.
    #[tokio::test(flavor = "multi_thread")]
    async fn texts_are_refused_by_field_and_nothing_is_kept(f: Fixture) {
        let base = sample();
        let created = f.store().post_workflow(json_text(&base)).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let key = json_of(created).await["key"].as_u64().expect("key");

        // The workflow's texts, on create and on save.
        type Edit = fn(&mut idflow_core::Workflow, &str);
        let workflow_fields: [(&str, Edit, bool, usize); 4] = [
            ("name", |w, t| w.name = t.into(), false, MAX_NAME_CHARS),
            (
                "description",
                |w, t| w.description = t.into(),
                true,
                MAX_DESCRIPTION_CHARS,
            ),
            (
                "nodes[0].title",
                |w, t| w.nodes[0].title = t.into(),
                false,
                MAX_TITLE_CHARS,
            ),
            (
                "notes[0].text",
                |w, t| *w = with_note(w.clone(), t),
                true,
                MAX_NOTE_TEXT_CHARS,
            ),
        ];
        for (field, edit, lines, max) in workflow_fields {
            let mut refused: Vec<String> = CONTROLS
                .iter()
                .filter(|t| !(lines && t.contains('\r')))
                .map(|t| (*t).to_owned())
                .collect();
            refused.push("x".repeat(max + 1));
            for text in &refused {
                let mut workflow = base.clone();
                edit(&mut workflow, text);
                assert_names_field(
                    &format!("create {field} {text:.20?}"),
                    f.store().post_workflow(json_text(&workflow)).await,
                    field,
                )
                .await;
                assert_names_field(
                    &format!("save {field} {text:.20?}"),
                    f.store().save(key, "\"1\"", json_text(&workflow)).await,
                    field,
                )
                .await;
            }
            let mut fine = base.clone();
            edit(&mut fine, &"é".repeat(max));
            assert_eq!(
                f.store().post_workflow(json_text(&fine)).await.status(),
                StatusCode::CREATED,
                "{field} at its limit"
            );
            if lines {
                let mut fine = base.clone();
                edit(&mut fine, "two\r\n\tlines, Zoë 😀 \u{202e}");
                assert_eq!(
                    f.store().post_workflow(json_text(&fine)).await.status(),
                    StatusCode::CREATED,
                    "{field} lines"
                );
            }
        }
        // Nothing of the refused saves was kept.
        let draft = json_of(f.store().get_draft(key).await).await;
        assert_eq!(draft["revision"], 1, "{}", draft["revision"]);

        // Comments: text (lines) and step (one line); blank text.
        for text in CONTROLS.iter().filter(|t| !t.contains('\r')) {
            assert_names_field(
                &format!("comment {text:?}"),
                f.store().comment(key, &json!({ "text": text })).await,
                "text",
            )
            .await;
        }
        for step in CONTROLS
            .iter()
            .map(|s| (*s).to_owned())
            .chain(["s".repeat(201)])
        {
            assert_names_field(
                &format!("step {step:.20?}"),
                f.store()
                    .comment(key, &json!({ "text": "fine", "step": step }))
                    .await,
                "step",
            )
            .await;
        }
        for blank in [" ", " \t\r\n ", "\u{a0}\u{3000}\u{2028}"] {
            let response = f.store().comment(key, &json!({ "text": blank })).await;
            assert_eq!(
                response.status(),
                StatusCode::BAD_REQUEST,
                "blank {blank:?}"
            );
        }
        let too_long = f
            .store()
            .comment(key, &json!({ "text": "x".repeat(4_001) }))
            .await;
        assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);
        let fine = f
            .store()
            .comment(
                key,
                &json!({ "text": "line one\n\tline two \u{202e}", "step": "selfie" }),
            )
            .await;
        assert_eq!(fine.status(), StatusCode::CREATED);
        let comments = json_of(f.store().comments(key).await).await;
        assert_eq!(
            comments["comments"].as_array().map(Vec::len),
            Some(1),
            "{comments}"
        );

        // The publish note.
        for note in CONTROLS.iter().filter(|t| !t.contains('\r')) {
            let response = f
                .store_as(&f.publisher)
                .publish_with_note(key, "*", note)
                .await;
            assert_names_field(&format!("note {note:?}"), response, "note").await;
        }
        let versions = json_of(f.store().get_history(key).await).await;
        assert_eq!(versions["versions"], json!([]), "no version was published");

        // The platform's references and callback URL.
        for text in CONTROLS {
            for (field, body) in [
                (
                    "customerInternalReference",
                    json!({ "customerInternalReference": text, "workflowDefinition": { "key": 10011 } }),
                ),
                (
                    "userReference",
                    json!({ "customerInternalReference": "c", "userReference": text, "workflowDefinition": { "key": 10011 } }),
                ),
                (
                    "callbackUrl",
                    json!({ "customerInternalReference": "c", "callbackUrl": format!("https://example.com/{text}"), "workflowDefinition": { "key": 10011 } }),
                ),
            ] {
                assert_names_field(
                    &format!("{field} {text:?}"),
                    f.platform().post_account(&f.publisher, &body).await,
                    field,
                )
                .await;
            }
        }
        let unicode = json!({
            "customerInternalReference": "Zoë \u{202e} 😀",
            "workflowDefinition": { "key": 10011 }
        });
        let unicode = f.platform().post_account(&f.publisher, &unicode).await;
        assert_eq!(unicode.status(), StatusCode::OK);
        f.server.stop().await;
    }
);

both_backends!(
    /// Issue 30, item 8: token names are one visible line and not an actor
    /// the audit reserves; a refused name creates no token.
    #[tokio::test(flavor = "multi_thread")]
    async fn token_names_are_checked(f: Fixture) {
        for name in [
            "",
            "a\0b",
            "esc\u{1b}[31m",
            "two\nlines",
            " padded",
            "command line",
            "Command  Line",
            &"n".repeat(101),
        ] {
            let created =
                idflow_server::create_token(&f.server.state.db, name, Role::Designer).await;
            assert!(created.is_err(), "{name:?} was accepted");
        }
        let tokens = f.server.state.db.tokens().await.expect("tokens");
        assert_eq!(tokens.len(), 2, "only the fixture's two tokens");
        assert!(
            idflow_server::create_token(&f.server.state.db, "Zoë Müller", Role::Designer)
                .await
                .is_ok()
        );
        f.server.stop().await;
    }
);

/// Sends the head of a POST declaring `length` bytes, and no body; the
/// answer's status line (a server that waits for the body times out).
fn declared_only(root: &str, path: &str, token: &str, length: usize) -> String {
    let address = root.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nIf-Match: *\r\nContent-Length: {length}\r\n\r\n{{"
    )
    .expect("send");
    let mut answer = [0u8; 512];
    let read = stream.read(&mut answer).unwrap_or(0);
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or("no answer within 10 s: the server waited for the body")
        .to_owned()
}

/// Issue 30, item 8: every JSON route refuses a `Content-Length` over its
/// limit at once, without waiting for the body, and a body sent as
/// something other than JSON with 415; JSON with parameters is JSON.
#[tokio::test(flavor = "multi_thread")]
async fn json_routes_refuse_declared_oversize_and_other_content_types() {
    let f = fixture_on(TestDb::sqlite()).await;
    let created = f.store().post_workflow(json_text(&sample())).await;
    let key = json_of(created).await["key"].as_u64().expect("key");
    let small = 64 * 1024 + 1;
    let large = idflow_server::BODY_LIMIT + 1;
    let routes = [
        ("/api/store/v1/workflows".to_owned(), large),
        (format!("/api/store/v1/workflows/{key}/comments"), small),
        (format!("/api/store/v1/workflows/{key}/publish"), small),
        ("/api/v1/accounts".to_owned(), large),
    ];
    for (path, length) in &routes {
        let status = tokio::task::spawn_blocking({
            let (root, path, token, length) = (
                f.server.root.clone(),
                path.clone(),
                f.publisher.clone(),
                *length,
            );
            move || declared_only(&root, &path, &token, length)
        })
        .await
        .expect("joined");
        assert!(status.contains(" 413 "), "{path}: {status}");
    }
    let plain = |method: reqwest::Method, path: String| {
        f.http
            .request(method, path)
            .bearer_auth(&f.publisher)
            .header("If-Match", "\"1\"")
            .header("content-type", "text/plain")
    };
    let workflow = workflow_to_text(&sample(), Format::Json);
    let sent = [
        plain(reqwest::Method::POST, f.url("/workflows")).body(workflow.clone()),
        plain(
            reqwest::Method::PUT,
            f.url(&format!("/workflows/{key}/draft")),
        )
        .body(workflow),
        plain(
            reqwest::Method::POST,
            f.url(&format!("/workflows/{key}/comments")),
        )
        .body(r#"{"text": "hi"}"#),
        plain(
            reqwest::Method::PUT,
            f.url(&format!("/workflows/{key}/comments/1")),
        )
        .body(r#"{"resolved": true}"#),
        plain(
            reqwest::Method::POST,
            f.url(&format!("/workflows/{key}/publish")),
        )
        .body(r#"{"note": "n"}"#),
        plain(
            reqwest::Method::POST,
            format!("{}/api/v1/accounts", f.server.root),
        )
        .body(r#"{"customerInternalReference": "c", "workflowDefinition": {"key": 10011}}"#),
        plain(reqwest::Method::POST, f.url("/workflows"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("{}"),
    ];
    for request in sent {
        let response = request.send().await.expect("sent");
        let url = response.url().to_string();
        let status = response.status();
        let body = json_of(response).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{url}: {body}");
        assert_eq!(body["error"], "UNSUPPORTED_MEDIA_TYPE", "{url}");
    }
    // Nothing was written: still revision 1, no comment.
    let draft = json_of(f.store().get_draft(key).await).await;
    assert_eq!(draft["revision"], 1);
    let commented = f
        .http
        .post(f.url(&format!("/workflows/{key}/comments")))
        .bearer_auth(&f.designer)
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"text": "JSON with a charset is JSON"}"#)
        .send()
        .await
        .expect("comment");
    assert_eq!(commented.status(), StatusCode::CREATED);
    f.server.stop().await;
}
