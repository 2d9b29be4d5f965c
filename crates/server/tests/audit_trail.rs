//! The audit trail cannot be hidden (issue 30, item 3): `GET
//! /api/store/v1/audit` pages back through every entry (`cursor`, `limit`,
//! `next`) and filters by key, actor, action and time, so a thousand
//! comments no longer push an approval out of sight; comments are
//! rate-limited per token (429 with `Retry-After`). Real HTTP on a real
//! server over a SQLite file, and over a scratch PostgreSQL database for
//! the `postgres_` test.

mod common;

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use common::{Server, StoreClient, TestDb, both_backends, json_of};
use idflow_server::comment_rate::{CommentLimiter, CommentRate};
use idflow_server::{AppState, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn rate(per_minute: u32, burst: u32) -> CommentRate {
    CommentRate {
        per_minute: NonZeroU32::new(per_minute).expect("positive"),
        burst: NonZeroU32::new(burst).expect("positive"),
    }
}

/// A server on `db` whose comment buckets are `rate`.
async fn server_with(db: &TestDb, comments: CommentRate) -> Server {
    let mut state = AppState::open_location(&db.location)
        .await
        .expect("open the database");
    state.comments = CommentLimiter::new(comments);
    Server::start_with(state).await
}

/// The name a token was created with (the audit's actor).
async fn name_of(server: &Server, token: &str) -> String {
    let caller = idflow_server::auth::Caller::from_token(&server.state.db, token)
        .await
        .expect("a known token");
    caller.name
}

fn entries(body: &Value) -> Vec<Value> {
    body["entries"].as_array().cloned().unwrap_or_default()
}

/// Every page of `query`, walked back from the newest with `next`: the
/// entries oldest first, and how many pages it took.
async fn every_page(store: &StoreClient, query: &[(&str, &str)]) -> (Vec<Value>, usize) {
    let mut pages: Vec<Vec<Value>> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut asked = query.to_vec();
        if let Some(cursor) = &cursor {
            asked.push(("cursor", cursor.as_str()));
        }
        let (status, body) = store.audit(&asked).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page = entries(&body);
        // Each page is oldest first.
        let ids: Vec<u64> = page.iter().map(|e| e["id"].as_u64().expect("id")).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        pages.push(page);
        match body["next"].as_u64() {
            Some(next) => {
                assert_eq!(
                    Some(next),
                    ids.first().copied(),
                    "next is the page's oldest"
                );
                cursor = Some(next.to_string());
            }
            None => break,
        }
        assert!(pages.len() < 100, "paging does not end");
    }
    let count = pages.len();
    (pages.into_iter().rev().flatten().collect(), count)
}

both_backends!(
    /// Issue 30, item 3: 1,001 comments after an approval; the newest page no
    /// longer shows the approval, but paging back and the action filter reach
    /// it, and every filter narrows to exactly what it names.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_approval_stays_reachable_behind_a_thousand_comments(db: TestDb) {
        let server = server_with(&db, rate(1_000_000, 1_000_000)).await;
        let http = reqwest::Client::new();
        let designer = server.token(Role::Designer).await;
        let publisher = server.token(Role::Publisher).await;
        let (as_designer, as_publisher) = (
            server.store(&http, &designer),
            server.store(&http, &publisher),
        );
        let (designer_name, publisher_name) = (
            name_of(&server, &designer).await,
            name_of(&server, &publisher).await,
        );
        // The designer's copy, approved by the publisher (four eyes).
        let copied = as_designer.duplicate(10011, None).await;
        assert_eq!(copied.status(), StatusCode::CREATED);
        let key = json_of(copied).await["key"].as_u64().expect("key");
        let approved = as_publisher.approve(key, "\"1\"").await;
        assert_eq!(approved.status(), StatusCode::OK);
        for n in 0..1_001 {
            let response = as_designer
                .comment(key, &json!({ "text": format!("nit {n}") }))
                .await;
            assert_eq!(response.status(), StatusCode::CREATED, "comment {n}");
        }

        // The newest page: 1,000 entries, all comments; older ones exist.
        let (status, newest) = as_publisher.audit(&[]).await;
        assert_eq!(status, StatusCode::OK);
        let page = entries(&newest);
        assert_eq!(page.len(), 1_000);
        assert!(page.iter().all(|e| e["action"] == "comment"));
        assert!(newest["next"].as_u64().is_some(), "{}", newest["next"]);

        // Paging back reaches everything, the approval included, once each.
        let (all, pages) = every_page(&as_publisher, &[]).await;
        assert!(pages >= 2, "{pages} pages");
        let ids: Vec<u64> = all.iter().map(|e| e["id"].as_u64().expect("id")).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "pages overlap or skip");
        let approvals: Vec<&Value> = all.iter().filter(|e| e["action"] == "approve").collect();
        assert_eq!(approvals.len(), 1, "the approval, once");
        let approval = approvals[0].clone();
        assert_eq!(approval["actor"], publisher_name.as_str());
        assert_eq!(approval["key"], key);
        assert_eq!(
            all.iter().filter(|e| e["action"] == "comment").count(),
            1_001
        );
        // Smaller pages give the same trail.
        let (small, small_pages) = every_page(&as_publisher, &[("limit", "97")]).await;
        assert_eq!(small, all);
        assert_eq!(small_pages, all.len().div_ceil(97));

        // The action filter: the approval alone, on one page.
        let (status, body) = as_publisher.audit(&[("action", "approve")]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(entries(&body), vec![approval.clone()]);
        assert!(body.get("next").is_none(), "{body}");

        // Each filter narrows to exactly what it names (checked against the
        // whole trail read above).
        let at = approval["at"].as_str().expect("at").to_owned();
        let key_text = key.to_string();
        type Keep = Box<dyn Fn(&Value) -> bool>;
        let cases: Vec<(Vec<(&str, &str)>, Keep)> = vec![
            (
                vec![("key", key_text.as_str())],
                Box::new(move |e: &Value| e["key"] == key),
            ),
            (
                vec![("actor", publisher_name.as_str())],
                Box::new({
                    let name = publisher_name.clone();
                    move |e: &Value| e["actor"] == name.as_str()
                }),
            ),
            (
                vec![("actor", designer_name.as_str()), ("action", "duplicate")],
                Box::new({
                    let name = designer_name.clone();
                    move |e: &Value| e["actor"] == name.as_str() && e["action"] == "duplicate"
                }),
            ),
            (
                vec![("action", "token-create")],
                Box::new(|e: &Value| e["action"] == "token-create"),
            ),
            (
                vec![("since", at.as_str())],
                Box::new({
                    let at = at.clone();
                    move |e: &Value| e["at"].as_str().unwrap_or_default() >= at.as_str()
                }),
            ),
            (
                vec![("until", at.as_str())],
                Box::new({
                    let at = at.clone();
                    move |e: &Value| e["at"].as_str().unwrap_or_default() < at.as_str()
                }),
            ),
            (
                vec![("since", at.as_str()), ("action", "approve")],
                Box::new(|e: &Value| e["action"] == "approve"),
            ),
            (vec![("actor", "nobody")], Box::new(|_: &Value| false)),
            // No entry can name a NUL (PostgreSQL refuses one in text).
            (vec![("actor", "nobody\0")], Box::new(|_: &Value| false)),
            (vec![("action", "\0")], Box::new(|_: &Value| false)),
            (
                vec![("until", "2000-01-01T00:00:00Z")],
                Box::new(|_: &Value| false),
            ),
            (
                vec![("since", "9999-12-31T23:59:59.5Z")],
                Box::new(|_: &Value| false),
            ),
        ];
        for (query, keep) in &cases {
            let expected: Vec<Value> = all.iter().filter(|e| keep(e)).cloned().collect();
            let (found, _) = every_page(&as_publisher, query).await;
            assert_eq!(found.len(), expected.len(), "{query:?}");
            assert_eq!(found, expected, "{query:?}");
        }
        // A time in another offset is the same instant.
        let instant =
            time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339)
                .expect("RFC 3339");
        let east = instant
            .to_offset(time::UtcOffset::from_hms(5, 30, 0).expect("offset"))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("format");
        let (in_utc, _) = every_page(&as_publisher, &[("since", &at)]).await;
        let (in_east, _) = every_page(&as_publisher, &[("since", &east)]).await;
        assert_eq!(in_utc, in_east, "{at} = {east}");

        // Malformed paging and filters are 400; designers may not read it.
        for query in [
            [("limit", "0")],
            [("limit", "1001")],
            [("cursor", "0")],
            [("cursor", "9223372036854775808")],
            [("since", "yesterday")],
            [("until", "2026-13-01T00:00:00Z")],
            [("key", "010011")],
        ] {
            let (status, body) = as_publisher.audit(&query).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query:?}: {body}");
        }
        let (status, _) = as_designer.audit(&[("action", "approve")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let ids: BTreeSet<u64> = all.iter().map(|e| e["id"].as_u64().unwrap_or(0)).collect();
        assert_eq!(ids.len(), all.len());
        server.stop().await;
    }
);

/// Issue 30, item 3: each token's comments come from its own bucket; an
/// empty bucket answers 429 with `Retry-After` and writes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn comments_past_a_tokens_burst_are_429_with_retry_after() {
    let db = TestDb::sqlite();
    let server = server_with(&db, rate(1, 3)).await;
    let http = reqwest::Client::new();
    let designer = server.token(Role::Designer).await;
    let publisher = server.token(Role::Publisher).await;
    let (as_designer, as_publisher) = (
        server.store(&http, &designer),
        server.store(&http, &publisher),
    );
    let copied = as_designer.duplicate(10011, None).await;
    let key = json_of(copied).await["key"].as_u64().expect("key");
    for n in 0..3 {
        let response = as_designer
            .comment(key, &json!({ "text": format!("ok {n}") }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED, "comment {n}");
    }
    let refused = as_designer
        .comment(key, &json!({ "text": "one too many" }))
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = json_of(refused).await;
    assert_eq!(body["error"], "RATE_LIMITED", "{body}");
    // Another token is not held up.
    let other = as_publisher.comment(key, &json!({ "text": "mine" })).await;
    assert_eq!(other.status(), StatusCode::CREATED);
    // The refused comment left no trace.
    let listed = json_of(as_designer.comments(key).await).await;
    let texts: Vec<&str> = listed["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(texts, ["ok 0", "ok 1", "ok 2", "mine"]);
    let (_, trail) = as_publisher.audit(&[("action", "comment")]).await;
    assert_eq!(entries(&trail).len(), 4);
    server.stop().await;
}
