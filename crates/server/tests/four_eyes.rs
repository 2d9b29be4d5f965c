//! Four eyes follows the content (issue 30, item 1), over real HTTP on a
//! real database, SQLite and PostgreSQL (`postgres_` variants; skipped,
//! saying so, without `IDFLOW_TEST_POSTGRES_URL`): a revision's authors
//! are everyone who saved content into it since the last published
//! version; a duplicate carries its source's authors, a restore makes the
//! restorer one, a save that changes nothing adds nobody; none of them may
//! approve it, and each version records its authors and its approver.
//!
//! Every test runs on a store that requires approval, with three
//! publishers (alice, bob, carol) and a designer (dan).

mod common;

use common::{FromBackend, Server, StoreClient, TestDb, both_backends, json_of};
use idflow_core::format::{Format, parse_workflow, to_text};
use idflow_server::{AppState, Role, create_token};
use reqwest::{Client, StatusCode};
use serde_json::Value;

const GOOD: &str = include_str!("../../../sample_workflows/custom-returning-user.ron");

fn named(name: &str) -> String {
    let mut workflow = parse_workflow(GOOD, Format::Ron).expect("fixture parses");
    workflow.name = name.to_owned();
    to_text(&workflow, Format::Json)
}

/// A server on `db` whose store requires approval, and its tokens.
struct Team {
    _db: TestDb,
    server: Server,
    http: Client,
    alice: String,
    bob: String,
    carol: String,
    dan: String,
}

/// Turns four eyes on for the store the state opened (issue 30, item 2:
/// the store's setting).
async fn require_approval(state: &mut AppState) {
    state
        .db
        .set_require_approval(true, idflow_server::db::TOKEN_ADMIN)
        .await
        .expect("require approval");
}

impl Team {
    async fn on(db: TestDb) -> Team {
        let mut state = AppState::open_location(&db.location)
            .await
            .expect("open the database");
        require_approval(&mut state).await;
        let token = |name: &'static str, role: Role| {
            let db = state.db.clone();
            async move { create_token(&db, name, role).await.expect("token") }
        };
        let alice = token("alice", Role::Publisher).await;
        let bob = token("bob", Role::Publisher).await;
        let carol = token("carol", Role::Publisher).await;
        let dan = token("dan", Role::Designer).await;
        let server = Server::start_with(state).await;
        Team {
            _db: db,
            server,
            http: Client::new(),
            alice,
            bob,
            carol,
            dan,
        }
    }

    /// The store API as `token`.
    fn store(&self, token: &str) -> StoreClient {
        self.server.store(&self.http, token)
    }

    /// The draft's revision and its workflow as the API sent it.
    async fn draft(&self, token: &str, key: u32) -> (u64, Value) {
        let (_, body) = self.store(token).draft(key).await;
        (
            body["revision"].as_u64().expect("revision"),
            body["workflow"].clone(),
        )
    }

    async fn save(&self, token: &str, key: u32, base: u64, body: String) -> u64 {
        let response = self
            .store(token)
            .save(key, &format!("\"{base}\""), body)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "save of {key}");
        json_of(response).await["revision"]
            .as_u64()
            .expect("revision")
    }

    async fn duplicate(&self, token: &str, key: u32, version: Option<u32>) -> u32 {
        let response = self.store(token).duplicate(key, version).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        key_of(&json_of(response).await)
    }

    async fn restore(&self, token: &str, key: u32, version: u32, base: u64) -> u64 {
        let response = self
            .store(token)
            .restore(
                key,
                &format!("?version={version}"),
                Some(&format!("\"{base}\"")),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        json_of(response).await["revision"]
            .as_u64()
            .expect("revision")
    }

    /// `who` may not approve revision `revision` of `key`, whose authors
    /// are `authors`: 403 SELF_APPROVAL naming the rule and the authors;
    /// the refusal approves nothing.
    async fn refused(&self, who: (&str, &str), key: u32, revision: u64, authors: &[&str]) {
        let (name, token) = who;
        let response = self
            .store(token)
            .approve(key, &format!("\"{revision}\""))
            .await;
        let status = response.status();
        let body = json_of(response).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("SELF_APPROVAL")),
            "{name} approving revision {revision} of {key}, whose authors are {authors:?}: {body}"
        );
        let message = body["message"].as_str().expect("message");
        assert!(
            message.contains("none of a revision's authors may approve it"),
            "{message}"
        );
        assert_eq!(body["details"]["authors"], serde_json::json!(authors));
    }

    /// `who` approves revision `revision` of `key`.
    async fn approves(&self, who: (&str, &str), key: u32, revision: u64) {
        let (name, token) = who;
        let response = self
            .store(token)
            .approve(key, &format!("\"{revision}\""))
            .await;
        let status = response.status();
        let body = json_of(response).await;
        assert_eq!(status, StatusCode::OK, "{name} approving {key}: {body}");
        assert!(
            body["approved_by"]
                .as_array()
                .expect("approvers")
                .iter()
                .any(|a| a == name),
            "{body}"
        );
    }

    /// Publishes revision `revision` of `key` as alice; its version records
    /// `authors` and `approver`.
    async fn published(&self, key: u32, revision: u64, authors: &[&str], approver: &str) {
        let response = self
            .store(&self.alice)
            .publish(key, &format!("\"{revision}\""))
            .await;
        let status = response.status();
        let body = json_of(response).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let version = &body["version"];
        assert_eq!(version["authors"], serde_json::json!(authors), "{body}");
        assert_eq!(version["approved_by"], approver, "{body}");
        let history = self.store(&self.dan).history(key).await;
        let recorded = history.last().expect("a version");
        assert_eq!(
            (&recorded["authors"], &recorded["approved_by"]),
            (&serde_json::json!(authors), &Value::from(approver)),
            "history of {key}"
        );
    }

    /// Publishing revision `revision` of `key` without an approval by a
    /// non-author is refused, naming its authors.
    async fn unapproved(&self, key: u32, revision: u64, authors: &[&str]) {
        let response = self
            .store(&self.carol)
            .publish(key, &format!("\"{revision}\""))
            .await;
        let status = response.status();
        let body = json_of(response).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::FORBIDDEN, Some("APPROVAL_REQUIRED")),
            "{body}"
        );
        assert_eq!(body["details"]["authors"], serde_json::json!(authors));
    }

    fn alice(&self) -> (&str, &str) {
        ("alice", &self.alice)
    }

    fn bob(&self) -> (&str, &str) {
        ("bob", &self.bob)
    }

    fn carol(&self) -> (&str, &str) {
        ("carol", &self.carol)
    }
}

impl FromBackend for Team {
    async fn on_sqlite() -> Team {
        Team::on(TestDb::sqlite()).await
    }

    async fn on_postgres(test: &str) -> Option<Team> {
        Some(Team::on(TestDb::postgres(test).await?).await)
    }
}

fn key_of(body: &Value) -> u32 {
    u32::try_from(body["key"].as_u64().expect("key")).expect("u32 key")
}

both_backends!(
    /// Issue 30, item 1: "a duplicate carries its source's authors". alice
    /// writes an unreviewed draft; bob duplicates it (the draft, and later a
    /// published version of it): alice is the copy's author, bob is not, so
    /// alice may not approve the copy and bob may. Today the duplicating token
    /// became the "author", and alice approved her own unreviewed content.
    #[tokio::test]
    async fn a_duplicate_carries_its_sources_authors(team: Team) {
        let key = team.store(&team.alice).create(named("Alice's flow")).await;
        let copy = team.duplicate(&team.bob, key, None).await;
        let (revision, _) = team.draft(&team.bob, copy).await;
        team.refused(team.alice(), copy, revision, &["alice"]).await;
        team.unapproved(copy, revision, &["alice"]).await;
        team.approves(team.bob(), copy, revision).await;
        team.published(copy, revision, &["alice"], "bob").await;

        // A copy of a published version carries that version's authors.
        team.approves(team.carol(), key, 1).await;
        team.published(key, 1, &["alice"], "carol").await;
        let of_version = team.duplicate(&team.bob, key, Some(1)).await;
        team.refused(team.alice(), of_version, 1, &["alice"]).await;
        team.approves(team.bob(), of_version, 1).await;
        team.server.stop().await;
    }
);

both_backends!(
    /// Issue 30, item 1: "a save that changes nothing adds nobody and keeps
    /// the authors". bob re-saves alice's draft byte for byte: alice stays its
    /// only author, so she still may not approve it (today bob became its
    /// "author" and she could); bob, who changed nothing, may.
    #[tokio::test]
    async fn a_byte_for_byte_resave_keeps_the_authors(team: Team) {
        let key = team.store(&team.alice).create(named("Alice's flow")).await;
        let (base, workflow) = team.draft(&team.alice, key).await;
        let mut edited = workflow.clone();
        edited["name"] = Value::from("Alice's flow, edited");
        let revision = team.save(&team.alice, key, base, edited.to_string()).await;
        let (_, same) = team.draft(&team.bob, key).await;
        let resaved = team.save(&team.bob, key, revision, same.to_string()).await;
        assert_eq!(resaved, revision + 1, "a no-op save is still a revision");
        team.refused(team.alice(), key, resaved, &["alice"]).await;
        team.unapproved(key, resaved, &["alice"]).await;
        team.approves(team.bob(), key, resaved).await;
        team.published(key, resaved, &["alice"], "bob").await;
        team.server.stop().await;
    }
);

both_backends!(
    /// Issue 30, item 1: "a restore makes the restorer an author". alice's
    /// v1 is published (carol approved); alice then saves unreviewed content
    /// and bob restores v1 over it: the restored revision's authors are alice
    /// (who saved content since v1) and bob (the restorer). Neither may
    /// approve it (today the restorer alone was its "author", and alice could
    /// approve it); carol may. After the publish, authors start anew: a
    /// restore right after a publish has the restorer alone as its author.
    #[tokio::test]
    async fn a_restore_makes_the_restorer_an_author(team: Team) {
        let key = team.store(&team.alice).create(named("Alice's flow")).await;
        team.approves(team.carol(), key, 1).await;
        team.published(key, 1, &["alice"], "carol").await;
        let edited = team
            .save(&team.alice, key, 1, named("Alice's unreviewed change"))
            .await;
        let restored = team.restore(&team.bob, key, 1, edited).await;
        team.refused(team.alice(), key, restored, &["alice", "bob"])
            .await;
        team.refused(team.bob(), key, restored, &["alice", "bob"])
            .await;
        team.unapproved(key, restored, &["alice", "bob"]).await;
        team.approves(team.carol(), key, restored).await;
        team.published(key, restored, &["alice", "bob"], "carol")
            .await;

        // Since v2 nobody saved content: the restorer alone is the author.
        let again = team.restore(&team.carol, key, 1, restored).await;
        team.refused(team.carol(), key, again, &["carol"]).await;
        team.approves(team.alice(), key, again).await;
        team.server.stop().await;
    }
);

both_backends!(
    /// Issue 30, item 1: a save by a second author makes both authors: neither
    /// may approve (today the last writer alone was the "author", so the first
    /// could approve content the second added); a third publisher may, and
    /// the version records both authors and the approver.
    #[tokio::test]
    async fn a_save_by_a_second_author_makes_two_authors(team: Team) {
        let key = team.store(&team.alice).create(named("Alice's flow")).await;
        let revision = team
            .save(&team.bob, key, 1, named("Alice's flow, Bob's change"))
            .await;
        team.refused(team.alice(), key, revision, &["alice", "bob"])
            .await;
        team.refused(team.bob(), key, revision, &["alice", "bob"])
            .await;
        team.unapproved(key, revision, &["alice", "bob"]).await;
        team.approves(team.carol(), key, revision).await;
        team.published(key, revision, &["alice", "bob"], "carol")
            .await;
        // After the publish, authors start anew: a designer's save makes the
        // designer the only author, and alice, an author of v1 but not of this
        // revision, may approve it.
        let by_dan = team
            .save(&team.dan, key, revision, named("Dan's change"))
            .await;
        team.unapproved(key, by_dan, &["dan"]).await;
        team.approves(team.alice(), key, by_dan).await;
        team.published(key, by_dan, &["dan"], "alice").await;
        team.server.stop().await;
    }
);
