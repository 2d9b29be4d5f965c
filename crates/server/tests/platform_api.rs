//! The mock platform API (`/api/v1`) over real HTTP: a server on an
//! ephemeral loopback port, a real SQLite file in a temp folder, reqwest as
//! the client, the seeded Global workflow 10011 (published as version 1).
//! The `postgres_` tests run a journey on a scratch PostgreSQL database
//! (`IDFLOW_TEST_POSTGRES_URL`; skipped, saying so, when unset).

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{
    Created, Fixture, Server, both_backends, callback_for, callback_receiver, fixture, jpeg,
    json_of, multipart, png, sha256_hex, silent_fixture,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;

const RETRIEVAL_SAMPLE: &str = include_str!("../../core/tests/retrieval_sample.json");
const MIB: usize = 1024 * 1024;

/// Every field path of a JSON document (`a.b`, `list[].c`).
fn paths(v: &Value, prefix: String, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                out.insert(p.clone());
                paths(child, p, out);
            }
        }
        Value::Array(items) => {
            for child in items {
                paths(child, format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// Every field path of seed 003's retrieval sample is in `details`, but
/// for the facemap link: the sample is a Web Client journey, and over API
/// alone there is no facemap (domain.md, "Inputs").
fn assert_has_every_sample_path(details: &Value) {
    let sample: Value = serde_json::from_str(RETRIEVAL_SAMPLE).expect("sample");
    let mut expected = BTreeSet::new();
    paths(&sample, String::new(), &mut expected);
    expected.remove("capabilities.liveness[].validFaceMapForAuthentication");
    let mut actual = BTreeSet::new();
    paths(details, String::new(), &mut actual);
    let missing: Vec<&String> = expected.iter().filter(|p| !actual.contains(*p)).collect();
    assert!(missing.is_empty(), "missing {missing:#?} in {details:#}");
}

fn field_names(error: &Value) -> Vec<String> {
    error["details"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no details.fields in {error}"))
        .iter()
        .map(|f| f["field"].as_str().expect("field").to_owned())
        .collect()
}

both_backends!(
    #[tokio::test]
    async fn a_journey_ends_processed_with_every_field_of_the_retrieval_sample(f: Fixture) {
        let created = f
            .platform()
            .create(json!({
                "customerInternalReference": "myCompany",
                "userReference": "user-42",
                "callbackUrl": null,
                "workflowDefinition": { "key": 10011, "credentials": [{ "category": "ID", "country": { "values": ["USA"] } }] },
                "web": { "locale": "de" }
            }))
            .await;
        let root = &f.server.root;
        let body = &created.body;
        assert!(body["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));

        // Credentials: ID and SELFIE by API, FACEMAP by Web/SDK only.
        let id = created.credential("ID");
        assert_eq!(id["allowedChannels"], json!(["WEB", "API", "SDK"]));
        let id_parts = id["api"]["parts"].as_object().expect("ID api.parts");
        assert_eq!(
            id_parts.keys().collect::<Vec<_>>(),
            ["back", "front"],
            "front and back only"
        );
        let execution_url = f.platform().execution_url(&created);
        assert_eq!(
            id["api"]["parts"]["front"],
            format!(
                "{execution_url}/credentials/{}/parts/FRONT",
                id["id"].as_str().expect("id")
            )
        );
        assert_eq!(id["api"]["workflowExecution"], execution_url);
        assert_eq!(id["api"]["token"], created.token);
        let facemap = created.credential("FACEMAP");
        assert_eq!(facemap["allowedChannels"], json!(["WEB", "SDK"]));
        assert!(
            facemap.get("api").is_none(),
            "no api for a FACEMAP: {facemap}"
        );
        let selfie = created.credential("SELFIE");
        assert_eq!(
            selfie["api"]["parts"]
                .as_object()
                .map(|p| p.keys().cloned().collect::<Vec<_>>()),
            Some(vec!["face".to_owned()])
        );
        assert_eq!(created.token.split('.').count(), 3, "a JWT");
        assert_eq!(
            body["web"]["href"],
            format!(
                "{root}/web/v4/app?authorizationToken={}&locale=de",
                created.token
            )
        );

        // Before processing: identity and status only.
        let pending = f.platform().details(&created).await;
        assert_eq!(pending["workflow"]["status"], "INITIATED");
        assert_eq!(pending["workflow"]["definitionKey"], "10011");
        assert_eq!(pending["workflow"]["userReference"], "user-42");
        assert!(pending.get("decision").is_none(), "{pending}");

        // Uploads with the execution's token; the metadata comes back.
        let front = jpeg(2048);
        let response = f
            .platform()
            .upload(
                &created.part_url("ID", "front"),
                &created.token,
                "file",
                &front,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let uploaded = json_of(response).await;
        assert_eq!(uploaded["part"]["classifier"], "FRONT");
        assert_eq!(uploaded["part"]["contentType"], "image/jpeg");
        assert_eq!(uploaded["part"]["size"], 2048);
        assert_eq!(uploaded["part"]["sha256"], sha256_hex(&front));
        assert_eq!(uploaded["credential"]["id"], id["id"]);
        let back = png(1024);
        let response = f
            .platform()
            .upload(
                &created.part_url("ID", "back"),
                &created.token,
                "file",
                &back,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(json_of(response).await["part"]["contentType"], "image/png");
        // A store-API token may upload too.
        let response = f
            .platform()
            .upload(
                &created.part_url("SELFIE", "face"),
                &f.designer,
                "file",
                &png(64),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);

        let status = json_of(f.platform().status(&created, &created.token).await).await;
        assert_eq!(status["workflowExecution"]["status"], "INITIATED");

        let finalized = f.platform().finalize(&created, &created.token).await;
        assert_eq!(finalized.status(), StatusCode::ACCEPTED);
        let finalized = json_of(finalized).await;
        assert_eq!(finalized["workflowExecution"]["status"], "ACQUIRED");
        assert_eq!(finalized["workflowExecution"]["href"], execution_url);
        assert_eq!(finalized["account"]["id"], created.account.as_str());

        let status = f.platform().wait_for(&created, "PROCESSED").await;
        assert_eq!(
            status["workflowExecution"]["id"],
            created.execution.as_str()
        );
        assert_eq!(status["workflowExecution"]["definitionKey"], "10011");
        assert_eq!(status["account"]["id"], created.account.as_str());

        let details = f.platform().details(&created).await;
        assert_has_every_sample_path(&details);
        assert_eq!(details["decision"]["type"], "PASSED");
        assert_eq!(details["workflow"]["status"], "PROCESSED");
        assert_eq!(details["workflow"]["definitionKey"], "10011");
        assert_eq!(details["workflow"]["id"], created.execution.as_str());
        assert_eq!(details["workflow"]["userReference"], "user-42");
        assert_eq!(
            details["workflow"]["customerInternalReference"],
            "myCompany"
        );
        assert_eq!(details["account"]["id"], created.account.as_str());
        let ids: BTreeSet<&str> = details["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .filter_map(|c| c["id"].as_str())
            .collect();
        let uploaded: BTreeSet<&str> = created.body["workflowExecution"]["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .filter(|c| c["category"] != "FACEMAP")
            .filter_map(|c| c["id"].as_str())
            .collect();
        assert_eq!(
            ids, uploaded,
            "the details name the credentials that arrived (no facemap over API)"
        );
        assert!(
            !details.to_string().contains("FACEMAP"),
            "an API journey has no facemap results: {details}"
        );
        assert!(
            details["steps"]["href"].as_str().is_some_and(
                |h| h.starts_with(&format!("{root}/api/v1/accounts/{}", created.account))
            ),
            "{}",
            details["steps"]
        );
        for time in ["createdAt", "startedAt", "completedAt"] {
            assert!(
                details[time]
                    .as_str()
                    .is_some_and(|t| t.len() == 24 && t.ends_with('Z')),
                "{time}: {}",
                details[time]
            );
        }
        f.server.stop().await;
    }
);

#[tokio::test]
async fn the_fake_id_scenario_is_rejected() {
    let f = fixture().await;
    let created = f.platform().journey("scenario:FAKE_ID").await;
    let details = f.platform().details(&created).await;
    assert_eq!(details["decision"]["type"], "REJECTED");
    assert_eq!(details["workflow"]["userReference"], "scenario:FAKE_ID");
    let image_checks = &details["capabilities"]["imageChecks"][0]["decision"];
    assert_eq!(image_checks["type"], "REJECTED");
    assert_eq!(image_checks["details"]["label"], "FAKE");
    f.server.stop().await;
}

#[tokio::test]
async fn accounts_need_a_store_token() {
    let f = fixture().await;
    let body = json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } });
    let response = f
        .http
        .post(f.platform().url("/accounts"))
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json_of(response).await["error"], "UNAUTHORIZED");
    let response = f
        .platform()
        .post_account("idf_not-a-real-token", &body)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let created = f.platform().create(body.clone()).await;
    // The execution's own token does not create accounts.
    let response = f.platform().post_account(&created.token, &body).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Any role does.
    let response = f.platform().post_account(&f.designer, &body).await;
    assert_eq!(response.status(), StatusCode::OK);

    // Execution endpoints: no token, a forged token, another execution's.
    let response = f
        .http
        .get(format!("{}/status", f.platform().execution_url(&created)))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let response = f
        .platform()
        .status(&created, "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl")
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let other = f.platform().create(body).await;
    let response = f.platform().status(&created, &other.token).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = f
        .platform()
        .upload(
            &created.part_url("ID", "front"),
            &other.token,
            "file",
            &jpeg(64),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // The details need a store token.
    let platform = f.platform();
    let response = platform
        .get(&platform.execution_url(&created), &created.token)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    f.server.stop().await;
}

#[tokio::test]
async fn unknown_or_unpublished_workflows_are_404_and_published_custom_ones_run() {
    let f = fixture().await;
    let response = f
        .platform()
        .post_account(
            &f.publisher,
            &json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 99999 } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        json_of(response).await["message"]
            .as_str()
            .is_some_and(|m| m.contains("99999"))
    );

    // A custom copy of 10011: not published yet, then published.
    let response = f.store_as(&f.publisher).duplicate(10011, Some(1)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let key = json_of(response).await["key"].as_u64().expect("key");
    let body = json!({ "customerInternalReference": "c", "workflowDefinition": { "key": key.to_string() } });
    let response = f.platform().post_account(&f.publisher, &body).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        json_of(response).await["message"]
            .as_str()
            .is_some_and(|m| m.contains("no published version"))
    );
    let response = f.store_as(&f.publisher).publish(key, "*").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created = f.platform().create(body).await;
    assert_eq!(
        created.body["workflowExecution"]["credentials"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(
        f.platform()
            .finalize(&created, &created.token)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    f.platform().wait_for(&created, "PROCESSED").await;
    assert_eq!(
        f.platform().details(&created).await["workflow"]["definitionKey"],
        key.to_string()
    );
    f.server.stop().await;
}

#[tokio::test]
async fn bad_account_requests_are_400_naming_every_bad_field() {
    let f = fixture().await;
    let bad = |body: Value| {
        let f = &f;
        async move {
            let response = f.platform().post_account(&f.publisher, &body).await;
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
            json_of(response).await
        }
    };

    let error = bad(json!({ "workflowDefinition": { "key": 10011 } })).await;
    assert_eq!(error["error"], "BAD_REQUEST");
    assert_eq!(field_names(&error), ["customerInternalReference"]);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("customerInternalReference")),
        "{error}"
    );

    let error = bad(json!({
        "customerInternalReference": "x".repeat(101),
        "workflowDefinition": { "key": 10011 }
    }))
    .await;
    assert_eq!(field_names(&error), ["customerInternalReference"]);
    // 100 characters (not bytes) is fine.
    let ok = json!({
        "customerInternalReference": "é".repeat(100),
        "workflowDefinition": { "key": 10011 }
    });
    let ok = f.platform().post_account(&f.publisher, &ok).await;
    assert_eq!(ok.status(), StatusCode::OK);

    let error = bad(json!({
        "customerInternalReference": "c",
        "workflowDefinition": { "key": 10011 },
        "callbackUrl": "not a url"
    }))
    .await;
    assert_eq!(field_names(&error), ["callbackUrl"]);
    let error = bad(json!({
        "customerInternalReference": "c",
        "workflowDefinition": { "key": 10011 },
        "tokenLifetime": "1m"
    }))
    .await;
    assert_eq!(field_names(&error), ["tokenLifetime"]);
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("tokenLifetime"))
    );

    let error = bad(json!({
        "userReference": "scenario:NO_SUCH_THING",
        "callbackUrl": "ftp://example.com/x",
        "tokenLifetime": "61d",
        "web": { "errorUrl": "relative/path" }
    }))
    .await;
    assert_eq!(
        field_names(&error),
        [
            "customerInternalReference",
            "workflowDefinition.key",
            "userReference",
            "callbackUrl",
            "tokenLifetime",
            "web.errorUrl"
        ]
    );
    let scenario_problem = error["details"]["fields"][2]["problem"]
        .as_str()
        .expect("problem");
    assert!(
        scenario_problem.contains("FAKE_ID") && scenario_problem.contains("ALL_PASS"),
        "{scenario_problem}"
    );

    let response = f
        .http
        .post(f.platform().url("/accounts"))
        .bearer_auth(&f.publisher)
        .header("content-type", "application/json")
        .body("{\n  \"customerInternalReference\": \"c\",\n  \"workflowDefinition\": { \"key\": 10011 ]\n}")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json_of(response).await;
    assert_eq!(error["details"]["line"], 3);
    assert!(error["details"]["column"].as_u64().is_some_and(|c| c > 0));
    f.server.stop().await;
}

#[tokio::test]
async fn uploads_must_be_jpeg_or_png_of_at_most_5_mib_for_an_api_part() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .await;
    let front = created.part_url("ID", "front");
    let token = &created.token;

    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!".to_vec();
    for (name, bytes) in [
        ("GIF", gif),
        ("text", b"hello, this is not an image".to_vec()),
    ] {
        let response = f.platform().upload(&front, token, "file", &bytes).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}");
        let error = json_of(response).await;
        assert_eq!(error["error"], "UNSUPPORTED_FILE_TYPE", "{name}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("JPEG or PNG"))
        );
    }

    let response = f.platform().upload(&front, token, "image", &jpeg(64)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(response).await["error"], "NO_FILE");

    let response = f
        .http
        .post(&front)
        .bearer_auth(token)
        .header("content-type", "image/jpeg")
        .body(jpeg(64))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "not multipart");

    // Exactly 5 MiB passes; one byte more is a 400 that says why; a body
    // far beyond the upload limit is a 413.
    let response = f
        .platform()
        .upload(&front, token, "file", &png(5 * MIB))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["part"]["size"], 5 * MIB);
    let response = f
        .platform()
        .upload(&front, token, "file", &png(5 * MIB + 1))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json_of(response).await;
    assert_eq!(error["error"], "FILE_TOO_LARGE");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("5 MiB"))
    );
    let response = f
        .platform()
        .upload(&front, token, "file", &png(8 * MIB))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_of(response).await["error"], "PAYLOAD_TOO_LARGE");

    // Parts the credential does not take through the API.
    let facemap_id = created.credential("FACEMAP")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let facemap = format!(
        "{}/credentials/{facemap_id}/parts/FACEMAP",
        f.platform().execution_url(&created)
    );
    let response = f.platform().upload(&facemap, token, "file", &png(64)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json_of(response).await;
    assert_eq!(error["error"], "PART_NOT_ALLOWED");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("FACEMAP"))
    );
    let selfie_back = created.part_url("SELFIE", "face").replace("/FACE", "/BACK");
    let response = f
        .platform()
        .upload(&selfie_back, token, "file", &png(64))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json_of(response).await;
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("BACK") && m.contains("FACE")),
        "{error}"
    );
    let data = front.replace("/FRONT", "/PREPARED_DATA");
    let response = f.platform().upload(&data, token, "file", &png(64)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let unknown = format!(
        "{}/credentials/00000000-0000-4000-a000-000000000000/parts/FRONT",
        f.platform().execution_url(&created)
    );
    let response = f.platform().upload(&unknown, token, "file", &png(64)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    f.server.stop().await;
}

/// The upload route's body limit (5 MiB + 64 KiB), as the README states it.
const UPLOAD_BODY_LIMIT: usize = 5 * MIB + 64 * 1024;

/// An upload sent as a chunked body (no `Content-Length`), written by hand
/// over a loopback socket so the server can only judge it by what streams
/// in. The answer is read while the body is still being written, as a
/// client must when a server answers before the body ends. Returns the
/// status and the JSON error code.
async fn upload_streamed(
    f: &Fixture,
    url: &str,
    token: &str,
    body: bytes::Bytes,
    chunk: usize,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let address = f
        .server
        .root
        .strip_prefix("http://")
        .expect("http root")
        .to_owned();
    let path = url.strip_prefix(&f.server.root).expect("url on the server");
    let stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let boundary = "idflow-streamed-boundary";
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let opening = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"image\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    );
    let closing = format!("\r\n--{boundary}--\r\n");
    let write = tokio::spawn(async move {
        let mut pieces = vec![bytes::Bytes::from(opening)];
        let mut offset = 0;
        while offset < body.len() {
            let end = (offset + chunk).min(body.len());
            pieces.push(body.slice(offset..end));
            offset = end;
        }
        pieces.push(bytes::Bytes::from(closing));
        writer.write_all(head.as_bytes()).await?;
        for piece in pieces {
            writer
                .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                .await?;
            writer.write_all(&piece).await?;
            writer.write_all(b"\r\n").await?;
        }
        writer.write_all(b"0\r\n\r\n").await?;
        std::io::Result::Ok(())
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        let mut buffer = [0u8; 8192];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no answer to the streamed upload within 30 s");
    write.abort();
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {text:?}"));
    let code = text
        .split_once("\"error\":\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .unwrap_or("")
        .to_owned();
    (status, code)
}

/// Issue 9: one answer per size class, however far the body has streamed
/// when a limit trips. Over the route's limit: 413 `PAYLOAD_TOO_LARGE`
/// (from `Content-Length`, or from the streamed count without it); within
/// it, a file over 5 MiB: 400 `FILE_TOO_LARGE`.
#[tokio::test]
async fn oversized_uploads_get_one_answer_per_size_class_whatever_the_timing() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .await;
    let front = created.part_url("ID", "front");
    let token = created.token.clone();

    // Chunked, in chunks small and large: the file check and the body
    // limit trip at different moments, the answer must not change.
    for chunk in [1024, 64 * 1024, 3 * MIB] {
        let over_file = bytes::Bytes::from(png(5 * MIB + 1));
        assert_eq!(
            upload_streamed(&f, &front, &token, over_file, chunk).await,
            (400, "FILE_TOO_LARGE".to_owned()),
            "chunked, a file over 5 MiB in a body within the limit, chunks of {chunk}"
        );
        let at_limit = bytes::Bytes::from(png(UPLOAD_BODY_LIMIT - 512));
        assert_eq!(
            upload_streamed(&f, &front, &token, at_limit, chunk).await,
            (400, "FILE_TOO_LARGE".to_owned()),
            "chunked, a body just within the limit, chunks of {chunk}"
        );
        let over_body = bytes::Bytes::from(png(8 * MIB));
        assert_eq!(
            upload_streamed(&f, &front, &token, over_body, chunk).await,
            (413, "PAYLOAD_TOO_LARGE".to_owned()),
            "chunked, a body over the limit, chunks of {chunk}"
        );
        let not_an_image_over = bytes::Bytes::from(vec![b'x'; 8 * MIB]);
        assert_eq!(
            upload_streamed(&f, &front, &token, not_an_image_over, chunk).await,
            (413, "PAYLOAD_TOO_LARGE".to_owned()),
            "chunked, a body over the limit that is no image, chunks of {chunk}"
        );
    }

    // With `Content-Length`, a body over the limit is refused before
    // anything else is looked at, even the token.
    let response = f
        .platform()
        .upload(&front, "not-a-token", "file", &png(8 * MIB))
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error = json_of(response).await;
    assert_eq!(error["error"], "PAYLOAD_TOO_LARGE");
    assert_eq!(error["details"]["limit_bytes"], UPLOAD_BODY_LIMIT);

    // 50 concurrent 20 MiB uploads, with and without `Content-Length`: all
    // the same answer.
    let f = Arc::new(f);
    let (content_type, body) = multipart("file", &png(20 * MIB));
    let body = bytes::Bytes::from(body);
    let file = bytes::Bytes::from(png(20 * MIB));
    let mut tasks = Vec::new();
    for i in 0..50 {
        let f = Arc::clone(&f);
        let front = front.clone();
        let token = token.clone();
        let content_type = content_type.clone();
        let body = body.clone();
        let file = file.clone();
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                let response = f
                    .http
                    .post(&front)
                    .bearer_auth(&token)
                    .header("content-type", content_type)
                    .body(body)
                    .send()
                    .await
                    .expect("upload with Content-Length");
                let status = response.status().as_u16();
                let code = json_of(response).await["error"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                (status, code)
            } else {
                upload_streamed(&f, &front, &token, file, 256 * 1024).await
            }
        }));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(
            task.await.expect("upload task"),
            (413, "PAYLOAD_TOO_LARGE".to_owned()),
            "upload {i} of 50"
        );
    }
    match Arc::try_unwrap(f) {
        Ok(f) => f.server.stop().await,
        Err(_) => panic!("the fixture is still shared"),
    }
}

both_backends!(
    #[tokio::test]
    async fn finalizing_twice_is_409_and_uploads_end_at_finalize(f: Fixture) {
        let created = f
            .platform()
            .create(
                json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }),
            )
            .await;
        assert_eq!(
            f.platform().finalize(&created, &f.publisher).await.status(),
            StatusCode::ACCEPTED
        );
        let again = f.platform().finalize(&created, &created.token).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
        assert_eq!(json_of(again).await["error"], "ALREADY_FINALIZED");
        let response = f
            .platform()
            .upload(
                &created.part_url("ID", "front"),
                &created.token,
                "file",
                &jpeg(64),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        f.platform().wait_for(&created, "PROCESSED").await;
        let again = f.platform().finalize(&created, &created.token).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);

        let response = f
            .http
            .put(format!(
                "{}/workflow-executions/{}",
                f.platform().url(&format!("/accounts/{}", created.account)),
                "00000000-0000-4000-a000-000000000000"
            ))
            .bearer_auth(&f.publisher)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        f.server.stop().await;
    }
);

#[tokio::test]
async fn a_token_past_its_lifetime_is_token_expired() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({
            "customerInternalReference": "c",
            "workflowDefinition": { "key": 10011 },
            "tokenLifetime": "5m"
        }))
        .await;
    let front = created.part_url("ID", "front");
    f.server.state.clock().advance(Duration::from_secs(4 * 60));
    let response = f
        .platform()
        .upload(&front, &created.token, "file", &jpeg(64))
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "still valid after 4 minutes"
    );

    f.server.state.clock().advance(Duration::from_secs(2 * 60));
    let response = f
        .platform()
        .upload(&front, &created.token, "file", &jpeg(64))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json_of(response).await["error"], "TOKEN_EXPIRED");
    // The journey had started (a part arrived): SESSION_EXPIRED (issue 12;
    // TOKEN_EXPIRED is for a lifetime that passed before anything arrived).
    let status = json_of(f.platform().status(&created, &f.publisher).await).await;
    assert_eq!(status["workflowExecution"]["status"], "SESSION_EXPIRED");
    let response = f.platform().finalize(&created, &f.publisher).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(json_of(response).await["error"], "SESSION_EXPIRED");
    let response = f
        .platform()
        .upload(&front, &f.publisher, "file", &jpeg(64))
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);

    // A new execution on the same account starts afresh.
    let response = f
        .platform()
        .put_account(
            &created.account,
            &json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let renewed = Created::of(json_of(response).await);
    assert_eq!(renewed.account, created.account);
    assert_ne!(renewed.execution, created.execution);
    let status = json_of(f.platform().status(&renewed, &renewed.token).await).await;
    assert_eq!(status["workflowExecution"]["status"], "INITIATED");
    f.server.stop().await;
}

#[tokio::test]
async fn updating_an_unknown_account_is_404() {
    let f = fixture().await;
    let response = f
        .platform()
        .put_account(
            "00000000-0000-4000-a000-000000000000",
            &json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = f
        .http
        .get(format!("{}/api/v2/nothing", f.server.root))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let message = json_of(response).await["message"]
        .as_str()
        .expect("message")
        .to_owned();
    assert!(
        message.contains("/api/store/v1") && message.contains("/api/v1"),
        "{message}"
    );
    f.server.stop().await;
}

/// What the callback receiver saw: each request's arrival and body.
#[derive(Default)]
struct Received {
    calls: Mutex<Vec<(Instant, Value)>>,
    count: AtomicUsize,
}

#[tokio::test]
async fn the_callback_is_retried_until_delivered() {
    use axum::Json;
    use axum::extract::State;
    use axum::http::StatusCode as AxumStatus;
    use axum::routing::post;

    async fn receive(State(received): State<Arc<Received>>, Json(body): Json<Value>) -> AxumStatus {
        received.calls.lock().await.push((Instant::now(), body));
        if received.count.fetch_add(1, Ordering::SeqCst) == 0 {
            AxumStatus::INTERNAL_SERVER_ERROR
        } else {
            AxumStatus::OK
        }
    }

    let received = Arc::new(Received::default());
    let app = axum::Router::new()
        .route("/hook", post(receive))
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let receiver = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({
            "customerInternalReference": "c",
            "workflowDefinition": { "key": 10011 },
            "callbackUrl": hook
        }))
        .await;
    assert_eq!(
        f.platform()
            .finalize(&created, &created.token)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    f.platform().wait_for(&created, "PROCESSED").await;

    let start = Instant::now();
    while received.count.load(Ordering::SeqCst) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no retry within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let calls = received.calls.lock().await.clone();
    assert_eq!(calls.len(), 2, "one failure, one success, then no more");
    let waited = calls[1].0 - calls[0].0;
    assert!(waited >= Duration::from_millis(450), "backoff: {waited:?}");
    let root = &f.server.root;
    for (_, body) in &calls {
        assert!(
            body["callbackSentAt"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z')),
            "{body}"
        );
        let execution = &body["workflowExecution"];
        assert_eq!(execution["id"], created.execution.as_str());
        assert_eq!(execution["status"], "PROCESSED");
        assert_eq!(execution["definitionKey"], "10011");
        assert_eq!(execution["href"], f.platform().execution_url(&created));
        assert_eq!(body["account"]["id"], created.account.as_str());
        assert_eq!(
            body["account"]["href"],
            format!("{root}/api/v1/accounts/{}", created.account)
        );
    }
    // No further attempt after the success.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(received.count.load(Ordering::SeqCst), 2);
    f.server.stop().await;
    receiver.abort();
}

both_backends!(
    #[tokio::test]
    async fn executions_survive_a_restart(f: Fixture) {
        let created = f.platform().journey("scenario:REPEATED_FACE").await;
        let before = f.platform().details(&created).await;
        assert_eq!(before["decision"]["type"], "WARNING");
        let Fixture {
            db,
            server,
            publisher,
            designer,
            http,
        } = f;
        server.stop().await;

        let server = Server::start_at(&db.location).await;
        let f = Fixture {
            db,
            server,
            publisher,
            designer,
            http,
        };
        // The execution token still verifies: the signing secret was kept.
        let response = f.platform().status(&created, &created.token).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            json_of(response).await["workflowExecution"]["status"],
            "PROCESSED"
        );
        assert_eq!(f.platform().details(&created).await, before);
        f.server.stop().await;
    }
);

/// The issue's end-to-end path: a solutions engineer publishes through the
/// remote store (the client the CLI and the designer use), then an
/// integration runs the documented journey against that published version.
#[tokio::test(flavor = "multi_thread")]
async fn a_workflow_published_through_the_remote_store_runs_end_to_end() {
    use idflow_store::Store;
    use idflow_store::remote::RemoteStore;

    let f = fixture().await;
    let (root, publisher) = (f.server.root.clone(), f.publisher.clone());
    let key = tokio::task::spawn_blocking(move || {
        let store = RemoteStore::new(&root, &publisher).expect("client");
        let key = store.duplicate(10011, None).expect("duplicate");
        let draft = store.draft(key).expect("draft");
        let mut workflow = draft.workflow;
        workflow.name = "Team IDIV".to_owned();
        let revision = store
            .save_draft(key, &workflow, draft.revision)
            .expect("save");
        let version = store.publish(key, Some(revision)).expect("publish");
        assert_eq!(version.number, 1);
        key
    })
    .await
    .expect("blocking client");
    assert!(key >= 200_000, "a custom key: {key}");

    let created = f.platform().journey_on(key, "scenario:ALL_PASS").await;
    let details = f.platform().details(&created).await;
    assert_has_every_sample_path(&details);
    assert_eq!(details["workflow"]["definitionKey"], key.to_string());
    assert_eq!(details["decision"]["type"], "PASSED");

    let rejected = f.platform().journey_on(key, "scenario:FAKE_ID").await;
    assert_eq!(
        f.platform().details(&rejected).await["decision"]["type"],
        "REJECTED"
    );
    f.server.stop().await;
}

// Results come from inputs (issue 11). Sources: domain.md, "How the
// platform decides" ("Inputs", "Authentication", "Reusable credentials")
// and "The platform API a mock must speak"; seed 003.

impl Fixture {
    /// An account update (PUT) running workflow `key` on `account`.
    async fn update(&self, account: &str, key: u32, user_reference: &str) -> Created {
        let body = json!({
            "customerInternalReference": "myCompany",
            "userReference": user_reference,
            "workflowDefinition": { "key": key }
        });
        self.platform().update(account, &body).await
    }
}

/// (capability, decision, label, categories) of every result.
fn results_of(details: &Value) -> Vec<(String, String, String, Vec<String>)> {
    let mut out = Vec::new();
    for (capability, list) in details["capabilities"].as_object().into_iter().flatten() {
        for entry in list.as_array().into_iter().flatten() {
            out.push((
                capability.clone(),
                entry["decision"]["type"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                entry["decision"]["details"]["label"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                entry["credentials"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c["category"].as_str().map(str::to_owned))
                    .collect(),
            ));
        }
    }
    out
}

/// domain.md, "Inputs": "a credential whose parts were not delivered gets
/// usability NOT_EXECUTED NOT_UPLOADED, and everything after it does not
/// run"; nothing executed is NOT_EXECUTED with score -1.
#[tokio::test]
async fn finalizing_with_nothing_uploaded_is_not_uploaded_and_never_passed() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .await;
    let details = f.platform().processed(&created).await;
    let results = results_of(&details);
    let usability: Vec<_> = results.iter().filter(|r| r.0 == "usability").collect();
    assert_eq!(
        usability.len(),
        2,
        "ID and SELFIE (no facemap over API): {results:?}"
    );
    for r in &usability {
        assert_eq!(
            (r.1.as_str(), r.2.as_str()),
            ("NOT_EXECUTED", "NOT_UPLOADED"),
            "{r:?}"
        );
    }
    assert!(results.iter().all(|r| r.1 == "NOT_EXECUTED"), "{results:?}");
    assert_eq!(details["decision"]["type"], "NOT_EXECUTED");
    assert_eq!(details["decision"]["risk"]["score"], -1.0);
    f.server.stop().await;
}

/// domain.md, "Inputs": only delivered parts count. 10011 asks for FRONT and
/// BACK; a FRONT-only ID leaves everything that reads it unpassed.
#[tokio::test]
async fn a_front_only_upload_leaves_what_reads_the_id_unpassed() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .await;
    for (category, part) in [("ID", "front"), ("SELFIE", "face")] {
        let response = f
            .platform()
            .upload(
                &created.part_url(category, part),
                &created.token,
                "file",
                &jpeg(512),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let details = f.platform().processed(&created).await;
    let results = results_of(&details);
    for capability in ["imageChecks", "extraction", "dataChecks", "similarity"] {
        let found: Vec<_> = results.iter().filter(|r| r.0 == capability).collect();
        assert!(!found.is_empty(), "{capability} reported");
        assert!(
            found.iter().all(|r| r.1 == "NOT_EXECUTED"),
            "{capability}: {found:?}"
        );
    }
    assert!(results.contains(&(
        "usability".into(),
        "NOT_EXECUTED".into(),
        "NOT_UPLOADED".into(),
        vec!["ID".into()]
    )));
    assert_ne!(details["decision"]["type"], "PASSED");
    f.server.stop().await;
}

/// domain.md, "Inputs": "A FACEMAP can only come through WEB or SDK; over
/// API alone there is none, and liveness works on the selfie alone."
#[tokio::test]
async fn an_api_journey_on_10011_has_no_facemap_results() {
    let f = fixture().await;
    let created = f.platform().journey("scenario:ALL_PASS").await;
    let details = f.platform().details(&created).await;
    let results = results_of(&details);
    assert!(
        results.iter().all(|r| !r.3.contains(&"FACEMAP".to_owned())),
        "{results:?}"
    );
    assert!(results.contains(&(
        "liveness".into(),
        "PASSED".into(),
        "OK".into(),
        vec!["SELFIE".into()]
    )));
    assert!(
        details["capabilities"]["liveness"][0]
            .get("validFaceMapForAuthentication")
            .is_none()
    );
    assert_eq!(details["decision"]["type"], "PASSED");
    f.server.stop().await;
}

/// Seed 003, "Authentication On-Premises": the response lists "A FACEMAP
/// with the API allowed channel, and an api:parts:facemap URL you can use to
/// upload the stored FACEMAP"; uploading it is a 200. The new facemap comes
/// through the web client only, so over API authentication never passes.
#[tokio::test]
async fn the_stored_facemap_of_10071_uploads_over_api() {
    let f = fixture().await;
    let onboarded = f.platform().journey("scenario:ALL_PASS").await;
    let created = f
        .update(&onboarded.account, 10071, "scenario:ALL_PASS")
        .await;
    let credentials = created.body["workflowExecution"]["credentials"]
        .as_array()
        .expect("credentials")
        .clone();
    let stored = credentials
        .iter()
        .find(|c| c["category"] == "FACEMAP" && c["allowedChannels"] == json!(["API"]))
        .unwrap_or_else(|| panic!("a stored facemap with API: {credentials:?}"));
    let url = stored["api"]["parts"]["facemap"]
        .as_str()
        .expect("api.parts.facemap");
    let response = f
        .platform()
        .upload(url, &created.token, "file", &png(256))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(json_of(response).await["part"]["classifier"], "FACEMAP");
    let details = f.platform().processed(&created).await;
    let results = results_of(&details);
    let authentication: Vec<_> = results.iter().filter(|r| r.0 == "authentication").collect();
    assert_eq!(authentication.len(), 1, "{results:?}");
    assert_eq!(
        authentication[0].1, "NOT_EXECUTED",
        "no new facemap over API"
    );
    assert_ne!(details["decision"]["type"], "PASSED");
    // A new facemap is still refused over API.
    let new_facemap = credentials
        .iter()
        .find(|c| c["category"] == "FACEMAP" && c["allowedChannels"] == json!(["WEB", "SDK"]))
        .expect("the new facemap");
    assert!(new_facemap.get("api").is_none(), "{new_facemap}");
    f.server.stop().await;
}

/// Seed 003, "Authentication" (10014 compares a new facemap with the
/// existing one; the response lists only the new SELFIE and FACEMAP) and
/// domain.md, "Authentication": an account that never delivered a facemap
/// (onboarded over API) has none, so authentication is NOT_EXECUTED.
#[tokio::test]
async fn authentication_on_an_account_without_a_facemap_is_not_executed() {
    let f = fixture().await;
    let onboarded = f.platform().journey("scenario:ALL_PASS").await;
    let created = f
        .update(&onboarded.account, 10014, "scenario:ALL_PASS")
        .await;
    let listed: Vec<(String, Value)> = created.body["workflowExecution"]["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .map(|c| {
            (
                c["category"].as_str().unwrap_or_default().to_owned(),
                c["allowedChannels"].clone(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("SELFIE".to_owned(), json!(["WEB", "SDK"])),
            ("FACEMAP".to_owned(), json!(["WEB", "SDK"])),
        ],
        "no stored facemap credential is listed"
    );
    let details = f.platform().processed(&created).await;
    let results = results_of(&details);
    assert!(
        results
            .iter()
            .any(|r| r.0 == "authentication" && r.1 == "NOT_EXECUTED"),
        "{results:?}"
    );
    assert_eq!(details["decision"]["type"], "NOT_EXECUTED");
    f.server.stop().await;
}

/// domain.md, "Prepared (supporting) data": a DATA credential with
/// `allowedChannels: ["API"]` and `api.parts.prepared_data`; the
/// integration POSTs a JSON body with the execution's token.
#[tokio::test]
async fn prepared_data_uploads_on_10163() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10163 } }))
        .await;
    let data = created.credential("DATA");
    assert_eq!(data["allowedChannels"], json!(["API"]));
    let url = data["api"]["parts"]["prepared_data"]
        .as_str()
        .expect("api.parts.prepared_data")
        .to_owned();
    assert!(url.ends_with("/parts/PREPARED_DATA"), "{url}");
    let body = json!({
        "firstName": "JOHN", "lastName": "DOE", "email": "john.doe@example.com",
        "phoneNumber": "+14155550100", "dateOfBirth": "1964-08-20",
        "address": { "line1": "1 Main St", "city": "San Francisco", "postalCode": "94105",
                     "subdivision": "CA", "country": "USA" }
    });
    let response = f
        .platform()
        .upload_prepared_data(&url, &created.token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let uploaded = json_of(response).await;
    assert_eq!(uploaded["part"]["classifier"], "PREPARED_DATA");
    assert_eq!(uploaded["part"]["contentType"], "application/json");
    // A malformed field is a 400 naming it.
    let response = f
        .platform()
        .upload_prepared_data(
            &url,
            &created.token,
            &json!({ "phoneNumber": "4155550100" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error = json_of(response).await;
    assert_eq!(error["error"], "INVALID_PREPARED_DATA", "{error}");
    assert!(error.to_string().contains("phoneNumber"), "{error}");
    f.server.stop().await;
}

/// Publishes a copy of 10011 whose ID is reused (USE_EXISTING): seed 003's
/// "selfie against an already verified ID".
async fn publish_reused_id_workflow(f: &Fixture) -> u32 {
    use idflow_core::model::{AcquisitionType, NodeKind};
    use idflow_store::Store;
    use idflow_store::remote::RemoteStore;
    let (root, publisher) = (f.server.root.clone(), f.publisher.clone());
    tokio::task::spawn_blocking(move || {
        let store = RemoteStore::new(&root, &publisher).expect("client");
        let key = store.duplicate(10011, None).expect("duplicate");
        let draft = store.draft(key).expect("draft");
        let mut workflow = draft.workflow;
        workflow.name = "Selfie against a verified ID".to_owned();
        for node in &mut workflow.nodes {
            if let NodeKind::Acquisition(a) = &mut node.kind
                && a.category == idflow_core::model::CredentialCategory::Id
            {
                a.acquisition_type = AcquisitionType::UseExisting;
                a.channels.clear();
            }
        }
        let revision = store
            .save_draft(key, &workflow, draft.revision)
            .expect("save");
        store.publish(key, Some(revision)).expect("publish");
        key
    })
    .await
    .expect("blocking client")
}

/// domain.md, "Reusable credentials": a reused ID keeps its earlier results
/// (usability PASSED), so similarity runs on it; on an account that never
/// had a usable ID it is missing and similarity cannot run.
#[tokio::test]
async fn a_reused_id_comes_from_the_account_or_is_missing() {
    let f = fixture().await;
    let key = publish_reused_id_workflow(&f).await;
    let selfie_only = |created: &Created| created.part_url("SELFIE", "face");

    // Onboarded over API (ID usability PASSED): the ID is on the account.
    let onboarded = f.platform().journey("scenario:ALL_PASS").await;
    let created = f.update(&onboarded.account, key, "scenario:ALL_PASS").await;
    assert!(
        created.body["workflowExecution"]["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .all(|c| c["category"] != "ID"),
        "the reused ID is not listed: {}",
        created.body
    );
    let response = f
        .platform()
        .upload(&selfie_only(&created), &created.token, "file", &jpeg(512))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let details = f.platform().processed(&created).await;
    let similarity = &details["capabilities"]["similarity"][0]["decision"];
    assert_eq!(similarity["type"], "PASSED", "{details}");
    assert_eq!(details["decision"]["type"], "PASSED");

    // A fresh account has no ID to reuse.
    let fresh = f
        .platform()
        .create(
            json!({ "customerInternalReference": "c", "userReference": "scenario:ALL_PASS",
                        "workflowDefinition": { "key": key } }),
        )
        .await;
    let response = f
        .platform()
        .upload(&selfie_only(&fresh), &fresh.token, "file", &jpeg(512))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let details = f.platform().processed(&fresh).await;
    assert_eq!(
        details["capabilities"]["similarity"][0]["decision"]["type"],
        "NOT_EXECUTED"
    );
    assert_ne!(details["decision"]["type"], "PASSED");
    f.server.stop().await;
}

// Lifecycle (issue 12): expiry, callbacks for every end state, processing
// failures. Sources: domain.md ("Statuses": callbacks are sent for
// PROCESSED, SESSION_EXPIRED and TOKEN_EXPIRED) and issue 12.

#[tokio::test]
async fn expired_journeys_are_session_or_token_expired_and_called_back() {
    let (hook, seen, receiver) = callback_receiver().await;
    let f = fixture().await;
    let body = json!({
        "customerInternalReference": "c",
        "workflowDefinition": { "key": 10011 },
        "tokenLifetime": "5m",
        "callbackUrl": hook
    });
    let started = f.platform().create(body.clone()).await;
    let untouched = f.platform().create(body).await;
    let response = f
        .platform()
        .upload(
            &started.part_url("ID", "front"),
            &started.token,
            "file",
            &jpeg(64),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    f.server.state.clock().advance(Duration::from_secs(6 * 60));

    // Read: the status says it; nobody reading: the sweep expires it.
    let status = json_of(f.platform().status(&started, &f.publisher).await).await;
    assert_eq!(status["workflowExecution"]["status"], "SESSION_EXPIRED");
    let callback = callback_for(&seen, &started.execution).await;
    assert_eq!(callback["workflowExecution"]["status"], "SESSION_EXPIRED");
    let callback = callback_for(&seen, &untouched.execution).await;
    assert_eq!(callback["workflowExecution"]["status"], "TOKEN_EXPIRED");
    let status = json_of(f.platform().status(&untouched, &f.publisher).await).await;
    assert_eq!(status["workflowExecution"]["status"], "TOKEN_EXPIRED");
    assert_eq!(seen.lock().await.len(), 2, "one callback each");
    f.server.stop().await;
    receiver.abort();
}

#[tokio::test]
async fn a_callback_pending_at_a_crash_is_sent_after_the_restart() {
    let (hook, seen, receiver) = callback_receiver().await;
    let dir = tempfile::TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let server = Server::start(&db).await;
    let publisher = server.token(idflow_server::auth::Role::Publisher).await;
    let created = server
        .platform(&reqwest::Client::new(), &publisher)
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .await;
    // As if the process died after committing PROCESSED and its queued
    // callback, before delivering it.
    let idflow_server::db::Pool::Sqlite(pool) = server.state.db.pool() else {
        panic!("a SQLite fixture");
    };
    sqlx::query(
        "INSERT INTO platform_callbacks (execution_id, url, status, created_at)
         VALUES ($1, $2, 'PROCESSED', '2026-01-01T00:00:00.000Z')",
    )
    .bind(&created.execution)
    .bind(&hook)
    .execute(pool)
    .await
    .expect("queue a callback");
    server.stop().await;
    assert!(seen.lock().await.is_empty());

    let server = Server::start(&db).await;
    let callback = callback_for(&seen, &created.execution).await;
    assert_eq!(callback["workflowExecution"]["status"], "PROCESSED");
    // Delivered once, then no longer queued.
    let idflow_server::db::Pool::Sqlite(pool) = server.state.db.pool() else {
        panic!("a SQLite fixture");
    };
    let start = Instant::now();
    loop {
        let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM platform_callbacks")
            .fetch_one(pool)
            .await
            .expect("count");
        if left == 0 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "still queued");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.stop().await;
    receiver.abort();
}

/// Issue 12: "a processing failure ends PROCESSED with the failing
/// capability NOT_EXECUTED TECHNICAL_ERROR (never stuck in ACQUIRED)".
#[tokio::test]
async fn a_processing_failure_ends_processed_with_technical_error() {
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .await;
    // A scenario this server does not know (a damaged row) makes the
    // simulation fail.
    let idflow_server::db::Pool::Sqlite(pool) = f.server.state.db.pool() else {
        panic!("a SQLite fixture");
    };
    sqlx::query("UPDATE platform_executions SET scenario = 'NO_SUCH_SCENARIO' WHERE id = $1")
        .bind(&created.execution)
        .execute(pool)
        .await
        .expect("damage the row");
    let details = f.platform().processed(&created).await;
    assert_eq!(details["workflow"]["status"], "PROCESSED");
    let usability = &details["capabilities"]["usability"];
    assert!(
        usability
            .as_array()
            .expect("usability")
            .iter()
            .all(|u| u["decision"]["details"]["label"] == "TECHNICAL_ERROR"),
        "{usability}"
    );
    assert_eq!(details["decision"]["type"], "NOT_EXECUTED");
    f.server.stop().await;
}

/// A copy of `tests/fixtures/NAME` in a temporary folder (tests open
/// fixtures read-write: migrations run on them).
fn copy_of_fixture(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::copy(&fixture, &db).expect("copy the fixture");
    (dir, db)
}

/// A database written by the previous release (before the callback queue,
/// migration 3): it opens, migrates, and its executions read as before.
#[tokio::test]
async fn a_database_from_before_the_callback_queue_opens_and_reads() {
    let (_dir, db) = copy_of_fixture("server-before-callbacks.sqlite");
    let server = Server::start(&db).await;
    let publisher = server.token(idflow_server::auth::Role::Publisher).await;
    let http = reqwest::Client::new();
    let platform = server.platform(&http, &publisher);
    let get = |path: String| {
        let platform = platform.clone();
        let token = publisher.clone();
        async move { platform.get(&platform.url(&path), &token).await }
    };
    let response = get(
        "/accounts/831a32f2-31e9-4b9c-a591-1c35a3cc90eb/workflow-executions/5f477f43-d533-47ea-894b-33b29d7c45a8".to_owned(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let details = json_of(response).await;
    assert_eq!(details["workflow"]["status"], "PROCESSED");
    assert_eq!(
        details["decision"]["type"], "PASSED",
        "as it was written: {details}"
    );
    let response = get(
        "/accounts/9ef841de-bc39-4c75-a222-80ce7ec8999b/workflow-executions/d21c2d2c-e2e3-4c06-a7a4-36335981efaf/status".to_owned(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let status = json_of(response).await;
    assert!(
        ["INITIATED", "TOKEN_EXPIRED"]
            .contains(&status["workflowExecution"]["status"].as_str().unwrap_or("")),
        "{status}"
    );
    let idflow_server::db::Pool::Sqlite(pool) = server.state.db.pool() else {
        panic!("a SQLite fixture");
    };
    let (queued,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM platform_callbacks")
        .fetch_one(pool)
        .await
        .expect("the new table exists");
    assert_eq!(queued, 0);
    // And it publishes: duplicate a Global workflow, publish the copy,
    // publish it again (exactly once: the same version).
    let store = server.store(&http, &publisher);
    let response = store.duplicate(10011, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let key = json_of(response).await["key"].as_u64().expect("key");
    for expected in [StatusCode::CREATED, StatusCode::OK] {
        let response = store.publish(key, "\"1\"").await;
        assert_eq!(response.status(), expected);
        assert_eq!(json_of(response).await["version"]["number"], 1);
    }
    server.stop().await;
}

/// A database written before credentials moved into their execution's
/// row (migration 10), by the release before it: five executions (one
/// PROCESSED with every part, one with one part uploaded, one untouched,
/// one on Authentication reusing the account's facemap, one with a
/// labelled document). Each reads back its credentials in workflow order
/// and its parts; expiry still tells a started journey from an untouched
/// one; the migrated account takes a new execution.
#[tokio::test]
async fn a_database_from_before_credentials_in_the_execution_row_opens_and_reads() {
    use idflow_core::model::{Channel, CredentialCategory, Part};
    use idflow_server::platform::storage;
    let (_dir, db) = copy_of_fixture("server-before-credentials-in-row.sqlite");
    let server = Server::start(&db).await;
    let pool = server.state.db.pool();
    const ACCOUNT: &str = "01a24913-5eb2-75e9-b8b6-865c3b67da12";
    const PROCESSED: &str = "01a24913-5eb3-72f7-8a0e-faf7ff675f57";
    const STARTED: &str = "01a24913-66f3-7328-83ab-48fd3db7f0e0";
    const UNTOUCHED: &str = "01a24913-6721-720f-a40c-145fd5fcf0f5";
    const AGAIN: &str = "01a24913-6745-74f5-b530-2fac917e9813";
    const LABELS: &str = "01a24913-674e-725b-970e-2e034892038a";
    let summary = |credentials: &[storage::StoredCredential]| -> Vec<String> {
        credentials
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} label={:?} channels={:?} parts={:?} existing={}",
                    c.node,
                    c.category.as_str(),
                    c.id,
                    c.label,
                    c.channels,
                    c.api_parts,
                    c.existing
                )
            })
            .collect()
    };
    let processed = storage::credentials(pool, PROCESSED).await.expect("read");
    assert_eq!(
        summary(&processed),
        [
            "id_capture ID 01a24913-5eb4-7253-96ed-c9c563a787d4 label=None channels=[Web, Api, Sdk] parts=[Front, Back] existing=false",
            "selfie_capture SELFIE 01a24913-5eb4-7253-96ed-c9c6565b621a label=None channels=[Web, Api, Sdk] parts=[Face] existing=false",
            "selfie_capture FACEMAP 01a24913-5eb4-7253-96ed-c9c74c1a384f label=None channels=[Web, Sdk] parts=[] existing=false",
        ]
    );
    let again = storage::credentials(pool, AGAIN).await.expect("read");
    assert_eq!(again.len(), 3);
    assert_eq!(again[0].category, CredentialCategory::Facemap);
    assert_eq!(again[0].label.as_deref(), Some("existing"));
    assert!(again[0].existing && again[0].channels.is_empty());
    assert_eq!(again[1].label.as_deref(), Some("new"));
    assert_eq!(again[1].channels, [Channel::Web, Channel::Sdk]);
    let labels = storage::credentials(pool, LABELS).await.expect("read");
    assert_eq!(labels.len(), 4);
    assert_eq!(labels[3].category, CredentialCategory::Document);
    assert_eq!(labels[3].node, "address_document");
    assert_eq!(labels[3].api_parts, [Part::Front]);
    for execution in [STARTED, UNTOUCHED] {
        let credentials = storage::credentials(pool, execution).await.expect("read");
        let categories: Vec<_> = credentials.iter().map(|c| c.category).collect();
        assert_eq!(
            categories,
            [
                CredentialCategory::Id,
                CredentialCategory::Selfie,
                CredentialCategory::Facemap
            ]
        );
    }
    // Parts: by credential in workflow order, then by classifier.
    let parts = storage::parts(pool, PROCESSED).await.expect("parts");
    let found: Vec<(&str, Part)> = parts
        .iter()
        .map(|p| (p.credential_id.as_str(), p.classifier))
        .collect();
    assert_eq!(
        found,
        [
            (processed[0].id.as_str(), Part::Back),
            (processed[0].id.as_str(), Part::Front),
            (processed[1].id.as_str(), Part::Face),
        ]
    );
    assert!(
        parts
            .iter()
            .all(|p| p.size == 12 && p.content_type == "image/png")
    );
    let started = storage::parts(pool, STARTED).await.expect("parts");
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].classifier, Part::Front);
    assert!(
        storage::parts(pool, UNTOUCHED)
            .await
            .expect("parts")
            .is_empty()
    );

    let publisher = server.token(idflow_server::auth::Role::Publisher).await;
    let platform = server.platform(&reqwest::Client::new(), &publisher);
    let execution_url = |account: &str, execution: &str| {
        platform.url(&format!(
            "/accounts/{account}/workflow-executions/{execution}"
        ))
    };
    let response = platform
        .get(&execution_url(ACCOUNT, PROCESSED), &publisher)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let details = json_of(response).await;
    assert_eq!(details["workflow"]["status"], "PROCESSED");
    assert_eq!(details["decision"]["type"], "PASSED", "{details}");

    // A day later every open journey has expired: the one with a part as a
    // session, the untouched one as a token.
    server
        .state
        .clock()
        .advance(Duration::from_secs(24 * 60 * 60));
    let rows: Vec<(String, String)> = {
        let idflow_server::db::Pool::Sqlite(sqlite) = pool else {
            panic!("a SQLite fixture");
        };
        sqlx::query_as("SELECT id, account_id FROM platform_executions")
            .fetch_all(sqlite)
            .await
            .expect("executions")
    };
    let account_of = |id: &str| {
        rows.iter()
            .find(|(execution, _)| execution == id)
            .map(|(_, account)| account.clone())
            .expect("in the fixture")
    };
    for (execution, expected) in [
        (STARTED, "SESSION_EXPIRED"),
        (UNTOUCHED, "TOKEN_EXPIRED"),
        (LABELS, "TOKEN_EXPIRED"),
    ] {
        let url = format!(
            "{}/status",
            execution_url(&account_of(execution), execution)
        );
        let response = platform.get(&url, &publisher).await;
        assert_eq!(response.status(), StatusCode::OK);
        let status = json_of(response).await;
        assert_eq!(
            status["workflowExecution"]["status"], expected,
            "{execution}: {status}"
        );
    }

    // The migrated account takes a new execution, stored in the new shape.
    let response = platform
        .put_account(
            ACCOUNT,
            &json!({
                "customerInternalReference": "after-migration",
                "userReference": "scenario:ALL_PASS",
                "workflowDefinition": {"key": 10011}
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let created = json_of(response).await;
    let execution = created["workflowExecution"]["id"]
        .as_str()
        .expect("execution id");
    let credentials = storage::credentials(pool, execution).await.expect("read");
    let ids: Vec<&str> = credentials.iter().map(|c| c.id.as_str()).collect();
    let answered: Vec<&str> = created["workflowExecution"]["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, answered);
    server.stop().await;
}

/// Issue 13: callbacks may not go to this machine (or any loopback,
/// private, link-local or metadata address) unless the server allows the
/// host; refused when the account names it, so no traffic is ever sent.
#[tokio::test]
async fn callback_urls_on_this_machine_are_refused_by_default() {
    let dir = tempfile::TempDir::new().expect("tmp");
    let state = idflow_server::AppState::open(&dir.path().join("server.sqlite"))
        .await
        .expect("open");
    let server = Server::start_strict(state).await;
    let publisher = server.token(idflow_server::auth::Role::Publisher).await;
    let platform = server.platform(&reqwest::Client::new(), &publisher);
    for url in [
        "http://127.0.0.1:9/hook",
        "http://[::1]:9/hook",
        "http://0x7f000001/hook",
    ] {
        let response = platform
            .post_account(
                &publisher,
                &json!({
                    "customerInternalReference": "c",
                    "workflowDefinition": { "key": 10011 },
                    "callbackUrl": url
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{url}");
        let error = json_of(response).await;
        assert_eq!(
            error["details"]["fields"][0]["field"], "callbackUrl",
            "{error}"
        );
        assert!(
            error["details"]["fields"][0]["problem"]
                .as_str()
                .is_some_and(|p| p.to_lowercase().contains("loopback")
                    && p.contains("--allow-callback-host")),
            "{error}"
        );
    }
    server.stop().await;
}

/// `idflow serve --no-callbacks`: a callbackUrl is taken for its form
/// alone (here one on this machine, which the default policy refuses) and
/// no callback is sent when the execution ends.
#[tokio::test]
async fn with_callbacks_off_a_callback_url_is_accepted_and_never_called() {
    let (hook, seen, receiver) = callback_receiver().await;
    let f = silent_fixture().await;
    let created = f
        .platform()
        .create(json!({
            "customerInternalReference": "c",
            "workflowDefinition": { "key": 10011 },
            "callbackUrl": hook
        }))
        .await;
    assert_eq!(
        f.platform()
            .finalize(&created, &created.token)
            .await
            .status(),
        StatusCode::ACCEPTED
    );
    f.platform().wait_for(&created, "PROCESSED").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(seen.lock().await.is_empty(), "a callback was sent");
    f.server.stop().await;
    receiver.abort();
}

/// Issue 13: links come from the server's configuration; a forged Host
/// header appears in none of them (web.href carries the execution token).
#[tokio::test]
async fn a_forged_host_header_is_never_echoed_in_links() {
    let f = fixture().await;
    let response = f
        .http
        .post(f.platform().url("/accounts"))
        .bearer_auth(&f.publisher)
        .header("host", "evil.example")
        .json(&json!({ "customerInternalReference": "c", "workflowDefinition": { "key": 10011 } }))
        .send()
        .await
        .expect("create");
    assert_eq!(response.status(), StatusCode::OK);
    let body = json_of(response).await;
    let text = body.to_string();
    assert!(!text.contains("evil.example"), "{text}");
    assert!(
        body["web"]["href"]
            .as_str()
            .is_some_and(|h| h.starts_with(&f.server.root)),
        "{body}"
    );
    f.server.stop().await;
}

/// Issue 29 over HTTP, on the mock platform: what the holder brings decides
/// which checks run on 10013. Domain.md, "Driving-licence verification"
/// (10013: "US driving licence verification": another country is
/// NOT_EXECUTED UNSUPPORTED_COUNTRY; the state comes from the scenario's
/// document, never a constant) and "Documents" (a document outside its
/// step's presets gets usability WARNING UNSUPPORTED_DOCUMENT_TYPE; it has
/// no face, so no face search on it).
#[tokio::test]
async fn documents_and_licences_decide_what_runs_on_10013() {
    let f = fixture().await;
    let journey = async |scenario: &str| -> Value {
        let created = f
            .platform()
            .create(json!({
                "customerInternalReference": "c",
                "userReference": format!("scenario:{scenario}"),
                "workflowDefinition": { "key": 10013 }
            }))
            .await;
        for (category, part, bytes) in [
            ("ID", "front", jpeg(2048)),
            ("ID", "back", png(1024)),
            ("SELFIE", "face", jpeg(4096)),
            ("DOCUMENT", "front", jpeg(2048)),
        ] {
            let response = f
                .platform()
                .upload(
                    &created.part_url(category, part),
                    &created.token,
                    "file",
                    &bytes,
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{category} {part}");
        }
        f.platform().processed(&created).await
    };
    let on = |details: &Value, capability: &str, category: &str| -> (String, String) {
        let entry = details["capabilities"][capability]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| {
                e["credentials"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["category"] == category || category.is_empty())
            })
            .unwrap_or_else(|| panic!("{capability} on {category} in {details}"));
        (
            entry["decision"]["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            entry["decision"]["details"]["label"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        )
    };
    let pair = |d: &str, l: &str| (d.to_owned(), l.to_owned());

    let passed = journey("ALL_PASS").await;
    assert_eq!(
        on(&passed, "drivingLicenseVerification", ""),
        pair("PASSED", "OK")
    );
    let extraction = passed["capabilities"]["extraction"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["credentials"][0]["category"] == "ID")
        .expect("the ID's extraction")
        .clone();
    assert_eq!(extraction["data"]["state"], "CA", "the scenario's state");

    let foreign = journey("FOREIGN_LICENCE").await;
    assert_eq!(
        on(&foreign, "usability", "ID"),
        pair("WARNING", "UNSUPPORTED_COUNTRY")
    );
    assert_eq!(
        on(&foreign, "drivingLicenseVerification", ""),
        pair("NOT_EXECUTED", "UNSUPPORTED_COUNTRY")
    );
    assert!(foreign["decision"]["type"] != "PASSED", "{foreign}");

    // A passport takes 10013's other branch: no licence verification.
    let passport = journey("PASSPORT_HOLDER").await;
    assert!(
        passport["capabilities"]
            .get("drivingLicenseVerification")
            .is_none()
    );

    let document = journey("UNSUPPORTED_PROOF_OF_ADDRESS").await;
    assert_eq!(
        on(&document, "usability", "DOCUMENT"),
        pair("WARNING", "UNSUPPORTED_DOCUMENT_TYPE")
    );
    assert_eq!(
        on(&document, "usability", "ID"),
        pair("PASSED", "OK"),
        "the ID's own type"
    );

    let faces = journey("REPEATED_FACE").await;
    let document_checks = faces["capabilities"]["imageChecks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["credentials"][0]["category"] == "DOCUMENT")
        .expect("image checks on the document")
        .clone();
    assert_eq!(document_checks["decision"]["type"], "PASSED");
    assert!(document_checks["data"].get("faceSearchFindings").is_none());
    f.server.stop().await;
}

// Returning users (issue 29, "Reuse only what was verified", "Reusable
// Identity falls back to a fresh scan", "A workflow needing no new
// credential finalizes by itself"). Sources: seed 002, "Acquisition Type"
// ("Use Existing: Reuses credentials from a previous successful
// transaction"; "Reusable Identity: Reuses a pre-verified ID (if the user
// has already been verified successfully before and is trusted), or
// Continues with a fresh ID scan (if no pre-verified qualified ID is found
// or risk is detected)"); seed 002, "Select Capabilities" (authentication
// "Requires an existing facemap and selfie passing Liveness"); domain.md,
// "How the platform decides" ("Reusable credentials", "Facemaps for
// authentication").

/// Publishes a copy of `from` changed by `edit`; its key.
async fn publish_variant(
    f: &Fixture,
    from: u32,
    edit: impl FnOnce(&mut idflow_core::Workflow) + Send + 'static,
) -> u32 {
    use idflow_store::Store;
    use idflow_store::remote::RemoteStore;
    let (root, publisher) = (f.server.root.clone(), f.publisher.clone());
    tokio::task::spawn_blocking(move || {
        let store = RemoteStore::new(&root, &publisher).expect("client");
        let key = store.duplicate(from, None).expect("duplicate");
        let draft = store.draft(key).expect("draft");
        let mut workflow = draft.workflow;
        edit(&mut workflow);
        let revision = store
            .save_draft(key, &workflow, draft.revision)
            .expect("save");
        store.publish(key, Some(revision)).expect("publish");
        key
    })
    .await
    .expect("blocking client")
}

/// 10165 (ID verification) reduced to its ID step, acquired as `kind` on
/// `channels` with `parts`: a workflow whose only credential is the ID.
async fn publish_id_only(
    f: &Fixture,
    kind: idflow_core::model::AcquisitionType,
    channels: Vec<idflow_core::model::Channel>,
    parts: Vec<idflow_core::model::Part>,
) -> u32 {
    use idflow_core::model::{CredentialCategory, NodeKind};
    publish_variant(f, 10165, move |workflow| {
        workflow.name = format!("ID only, {kind:?} on {channels:?}");
        let data: Vec<_> = workflow
            .nodes
            .iter()
            .filter(|n| {
                matches!(&n.kind, NodeKind::Acquisition(a) if a.category == CredentialCategory::Data)
            })
            .map(|n| n.id.clone())
            .collect();
        for gone in &data {
            let into: Vec<_> = workflow
                .edges
                .iter()
                .filter(|e| &e.to == gone)
                .cloned()
                .collect();
            let onward: Vec<_> = workflow
                .edges
                .iter()
                .filter(|e| &e.from == gone)
                .map(|e| e.to.clone())
                .collect();
            workflow.edges.retain(|e| &e.to != gone && &e.from != gone);
            for edge in into {
                for to in &onward {
                    workflow.edges.push(idflow_core::model::Edge {
                        to: to.clone(),
                        ..edge.clone()
                    });
                }
            }
            workflow.nodes.retain(|n| &n.id != gone);
        }
        for node in &mut workflow.nodes {
            if let NodeKind::Acquisition(a) = &mut node.kind
                && a.category == CredentialCategory::Id
            {
                a.acquisition_type = kind;
                a.channels.clone_from(&channels);
                a.parts.clone_from(&parts);
            }
        }
    })
    .await
}

impl Fixture {
    /// Uploads `part` (FRONT, BACK, FACE) of a credential through the web
    /// client; a FACE brings its facemap with it, the only way one arrives.
    async fn web_upload(&self, created: &Created, credential: &str, part: &str) {
        let response = self
            .platform()
            .web_upload(&created.token, credential, part, &jpeg(2048))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "web {part}");
    }

    /// An account update (PUT) with a store token, as `update` but any key.
    async fn returning(&self, account: &str, key: u32, scenario: &str) -> Created {
        self.update(account, key, &format!("scenario:{scenario}"))
            .await
    }

    /// 10011 on `account` (a new one when `None`) under `scenario`: the ID
    /// over API, the selfie through the web client (with its facemap),
    /// finalized and PROCESSED; its details.
    async fn onboard(&self, account: Option<&str>, scenario: &str) -> (Created, Value) {
        let created = match account {
            Some(account) => self.returning(account, 10011, scenario).await,
            None => {
                self.platform()
                    .create(json!({
                        "customerInternalReference": "returning",
                        "userReference": format!("scenario:{scenario}"),
                        "workflowDefinition": { "key": 10011 }
                    }))
                    .await
            }
        };
        for part in ["front", "back"] {
            let response = self
                .platform()
                .upload(
                    &created.part_url("ID", part),
                    &created.token,
                    "file",
                    &jpeg(1024),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
        let selfie = created.credential("SELFIE")["id"]
            .as_str()
            .expect("selfie id")
            .to_owned();
        self.web_upload(&created, &selfie, "FACE").await;
        let details = self.platform().processed(&created).await;
        (created, details)
    }

    /// Waits for PROCESSED without finalizing; the details.
    async fn processed_by_itself(&self, created: &Created) -> Value {
        self.platform().wait_for(created, "PROCESSED").await;
        self.platform().details(created).await
    }
}

/// The ids of every credential a details document names (its own list and
/// every result's).
fn credential_ids(details: &Value) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for c in details["credentials"].as_array().into_iter().flatten() {
        ids.extend(c["id"].as_str().map(str::to_owned));
    }
    for list in details["capabilities"].as_object().into_iter().flatten() {
        for entry in list.1.as_array().into_iter().flatten() {
            for c in entry["credentials"].as_array().into_iter().flatten() {
                ids.extend(c["id"].as_str().map(str::to_owned));
            }
        }
    }
    ids
}

/// The id of the listed credential of `category` in a details document.
fn listed(details: &Value, category: &str) -> Value {
    details["credentials"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["category"] == category)
        .cloned()
        .unwrap_or_else(|| panic!("no {category} credential in {details:#}"))
}

/// The first result of `capability` as (decision, label).
fn first_result(details: &Value, capability: &str) -> (String, String) {
    let entry = &details["capabilities"][capability][0];
    (
        entry["decision"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        entry["decision"]["details"]["label"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

both_backends!(
    /// Issue 29 (acceptance, sweep): for every built-in scenario as an
    /// account's first transaction on 10011, a later USE_EXISTING, REUSABLE_
    /// IDENTITY and 10014 authentication on that account never reuse its
    /// credentials unless it was PASSED; authentication is NOT_EXECUTED
    /// PRECONDITION_NOT_FULFILLED after a non-PASSED onboarding (seed 002,
    /// "Acquisition Type" and "Select Capabilities"; domain.md, "Reusable
    /// credentials", "Facemaps for authentication").
    #[tokio::test]
    async fn only_a_passed_onboarding_offers_its_credentials_to_a_returning_user(f: Fixture) {
        use idflow_core::model::{AcquisitionType, Channel, Part};
        let every = vec![Channel::Web, Channel::Api, Channel::Sdk];
        let use_existing = publish_id_only(
            &f,
            AcquisitionType::UseExisting,
            every.clone(),
            vec![Part::Front, Part::Back],
        )
        .await;
        let reusable_identity = publish_id_only(
            &f,
            AcquisitionType::ReusableIdentity,
            every,
            vec![Part::Front, Part::Back],
        )
        .await;
        let (mut passed, mut not_passed) = (0, 0);
        for scenario in idflow_core::simulate::builtin() {
            let (first, onboarding) = f.onboard(None, &scenario.name).await;
            let decision = onboarding["decision"]["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let first_ids = credential_ids(&onboarding);
            let first_id = listed(&onboarding, "ID")["id"].clone();
            let was_passed = decision == "PASSED";
            let context = format!("first transaction {} ({decision})", scenario.name);
            if was_passed {
                passed += 1;
            } else {
                not_passed += 1;
            }

            // USE_EXISTING: nothing to upload, so it finalizes by itself.
            let created = f.returning(&first.account, use_existing, "ALL_PASS").await;
            let details = f.processed_by_itself(&created).await;
            let reused: Vec<_> = credential_ids(&details)
                .intersection(&first_ids)
                .cloned()
                .collect();
            if was_passed {
                assert_eq!(
                    reused,
                    [first_id.as_str().unwrap_or_default()],
                    "{context}: USE_EXISTING {details:#}"
                );
                assert_eq!(details["decision"]["type"], "PASSED", "{context}");
            } else {
                assert!(
                    reused.is_empty(),
                    "{context}: USE_EXISTING reused {reused:?}"
                );
                assert_ne!(
                    details["decision"]["type"], "PASSED",
                    "{context}: {details:#}"
                );
            }

            // REUSABLE_IDENTITY: the ID offered for a fresh scan unless the
            // onboarding PASSED.
            let created = f
                .returning(&first.account, reusable_identity, "ALL_PASS")
                .await;
            let id = created.credential("ID").clone();
            let details = if was_passed {
                assert!(id["api"].get("parts").is_none(), "{context}: {id}");
                f.processed_by_itself(&created).await
            } else {
                for part in ["front", "back"] {
                    let response = f
                        .platform()
                        .upload(
                            &created.part_url("ID", part),
                            &created.token,
                            "file",
                            &jpeg(1024),
                        )
                        .await;
                    assert_eq!(response.status(), StatusCode::OK, "{context}");
                }
                f.platform().processed(&created).await
            };
            let status = &listed(&details, "ID")["reusableIdentity"]["status"];
            let reused: Vec<_> = credential_ids(&details)
                .intersection(&first_ids)
                .cloned()
                .collect();
            if was_passed {
                assert_eq!(status, "ID_FOUND", "{context}");
                assert_eq!(reused, [first_id.as_str().unwrap_or_default()], "{context}");
            } else {
                assert_eq!(status, "ID_NOT_FOUND", "{context}: {details:#}");
                assert!(
                    reused.is_empty(),
                    "{context}: REUSABLE_IDENTITY reused {reused:?}"
                );
            }

            // 10014: the facemap compared with must come from a PASSED one.
            let created = f.returning(&first.account, 10014, "ALL_PASS").await;
            let selfie = created.credential("SELFIE")["id"]
                .as_str()
                .expect("selfie")
                .to_owned();
            f.web_upload(&created, &selfie, "FACE").await;
            let details = f.platform().processed(&created).await;
            let reused: Vec<_> = credential_ids(&details)
                .intersection(&first_ids)
                .cloned()
                .collect();
            // Its results name only the new facemap (seed 003's 10014 details
            // list only the new selfie and facemap).
            if was_passed {
                assert_eq!(
                    first_result(&details, "authentication").0,
                    "PASSED",
                    "{context}: {details:#}"
                );
            } else {
                assert_eq!(
                    first_result(&details, "authentication"),
                    (
                        "NOT_EXECUTED".to_owned(),
                        "PRECONDITION_NOT_FULFILLED".to_owned()
                    ),
                    "{context}: {details:#}"
                );
                assert!(
                    reused.is_empty(),
                    "{context}: authentication read {reused:?}"
                );
                assert_ne!(details["decision"]["type"], "PASSED", "{context}");
            }
        }
        assert!(passed >= 3 && not_passed >= 8, "{passed} {not_passed}");
        f.server.stop().await;
    }
);

both_backends!(
    /// Issue 29, "Reusable Identity falls back to a fresh scan": with nothing
    /// that qualifies, the ID is offered on every channel its step allows, over
    /// API with its `api.parts`; its checks run on the fresh scan and
    /// `reusableIdentity` says so (ID_NOT_FOUND; RISK_DETECTED when a later
    /// transaction was REJECTED). Sweep over the step's channels and parts.
    #[tokio::test]
    async fn reusable_identity_without_a_qualifying_id_scans_a_fresh_one(f: Fixture) {
        use idflow_core::model::{AcquisitionType, Channel, Part};
        for (channels, parts) in [
            (
                vec![Channel::Web, Channel::Api, Channel::Sdk],
                vec![Part::Front, Part::Back],
            ),
            (vec![Channel::Api], vec![Part::Front]),
            (
                vec![Channel::Web, Channel::Sdk],
                vec![Part::Front, Part::Back],
            ),
        ] {
            let key = publish_id_only(
                &f,
                AcquisitionType::ReusableIdentity,
                channels.clone(),
                parts.clone(),
            )
            .await;
            let channel_names: Vec<&str> = channels.iter().map(|c| c.as_str()).collect();
            let part_names: Vec<String> = parts.iter().map(|p| p.as_str().to_lowercase()).collect();
            // An account whose PASSED onboarding was followed by a REJECTED one.
            let (risky, _) = f.onboard(None, "ALL_PASS").await;
            let (_, rejected) = f.onboard(Some(&risky.account), "FAKE_ID").await;
            assert_eq!(rejected["decision"]["type"], "REJECTED");
            for (account, expected) in [
                (None, "ID_NOT_FOUND"),
                (Some(risky.account.as_str()), "RISK_DETECTED"),
            ] {
                let context = format!("{channel_names:?} {part_names:?} {expected}");
                let created = match account {
                    None => {
                        f.platform()
                            .create(json!({
                                "customerInternalReference": "fresh",
                                "userReference": "scenario:ALL_PASS",
                                "workflowDefinition": { "key": key }
                            }))
                            .await
                    }
                    Some(account) => f.returning(account, key, "ALL_PASS").await,
                };
                let id = created.credential("ID").clone();
                assert_eq!(id["allowedChannels"], json!(channel_names), "{context}");
                let id_id = id["id"].as_str().expect("id").to_owned();
                if channels.contains(&Channel::Api) {
                    let offered: BTreeSet<String> = id["api"]["parts"]
                        .as_object()
                        .unwrap_or_else(|| panic!("{context}: api.parts in {id}"))
                        .keys()
                        .cloned()
                        .collect();
                    assert_eq!(offered, part_names.iter().cloned().collect(), "{context}");
                    for part in &part_names {
                        let response = f
                            .platform()
                            .upload(
                                &created.part_url("ID", part),
                                &created.token,
                                "file",
                                &jpeg(1024),
                            )
                            .await;
                        assert_eq!(response.status(), StatusCode::OK, "{context}");
                    }
                } else {
                    assert!(id.get("api").is_none(), "{context}: {id}");
                    for part in &parts {
                        f.web_upload(&created, &id_id, part.as_str()).await;
                    }
                }
                let details = f.platform().processed(&created).await;
                let listed_id = listed(&details, "ID");
                assert_eq!(
                    listed_id["id"],
                    id_id.as_str(),
                    "{context}: the fresh scan is this execution's"
                );
                assert_eq!(
                    listed_id["reusableIdentity"]["status"], expected,
                    "{context}"
                );
                assert_eq!(
                    listed_id["reusableIdentity"]["source"]["type"], "NEW_SCAN",
                    "{context}"
                );
                let usability = &details["capabilities"]["usability"][0];
                assert_eq!(
                    usability["credentials"][0]["id"],
                    id_id.as_str(),
                    "{context}"
                );
                assert_eq!(
                    usability["decision"]["type"], "PASSED",
                    "{context}: {details:#}"
                );
                assert_eq!(details["decision"]["type"], "PASSED", "{context}");
            }
        }
        f.server.stop().await;
    }
);

both_backends!(
    /// Issue 29: "When several qualify, the most recent one. A later
    /// transaction that REJECTED withdraws trust for Reusable Identity ('or
    /// risk is detected')" (seed 002); USE_EXISTING still reuses the most
    /// recent PASSED one.
    #[tokio::test]
    async fn a_later_rejection_withdraws_trust_and_the_most_recent_qualifying_one_wins(f: Fixture) {
        use idflow_core::model::{AcquisitionType, Channel, Part};
        let every = vec![Channel::Web, Channel::Api, Channel::Sdk];
        let use_existing = publish_id_only(
            &f,
            AcquisitionType::UseExisting,
            every.clone(),
            vec![Part::Front, Part::Back],
        )
        .await;
        let reusable_identity = publish_id_only(
            &f,
            AcquisitionType::ReusableIdentity,
            every,
            vec![Part::Front, Part::Back],
        )
        .await;
        let (first, _) = f.onboard(None, "ALL_PASS").await;
        let account = first.account.clone();
        let (second, second_details) = f.onboard(Some(&account), "ALL_PASS").await;
        let second_id = listed(&second_details, "ID")["id"].clone();

        // Two qualify: the most recent one.
        let created = f.returning(&account, reusable_identity, "ALL_PASS").await;
        let details = f.processed_by_itself(&created).await;
        let id = listed(&details, "ID");
        assert_eq!(id["id"], second_id, "{details:#}");
        assert_eq!(id["reusableIdentity"]["status"], "ID_FOUND");
        assert_eq!(
            id["reusableIdentity"]["source"]["workflowExecutionId"],
            second.execution.as_str()
        );

        // A later REJECTED: USE_EXISTING still reuses the most recent PASSED
        // one ...
        let (_, rejected) = f.onboard(Some(&account), "MRZ_CHECKSUM").await;
        assert_eq!(rejected["decision"]["type"], "REJECTED");
        let rejected_id = listed(&rejected, "ID")["id"].clone();
        let created = f.returning(&account, use_existing, "ALL_PASS").await;
        let details = f.processed_by_itself(&created).await;
        let ids = credential_ids(&details);
        assert!(
            ids.contains(second_id.as_str().unwrap_or_default()),
            "{details:#}"
        );
        assert!(
            !ids.contains(rejected_id.as_str().unwrap_or_default()),
            "{details:#}"
        );
        assert_eq!(details["decision"]["type"], "PASSED");
        // ... while Reusable Identity no longer trusts it: a fresh scan.
        let created = f.returning(&account, reusable_identity, "ALL_PASS").await;
        assert!(
            created.credential("ID")["api"]["parts"]["front"].is_string(),
            "a fresh scan is offered: {}",
            created.body
        );
        for part in ["front", "back"] {
            let response = f
                .platform()
                .upload(
                    &created.part_url("ID", part),
                    &created.token,
                    "file",
                    &jpeg(1024),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK);
        }
        let details = f.platform().processed(&created).await;
        let fresh_scan = listed(&details, "ID");
        assert_eq!(
            fresh_scan["reusableIdentity"]["status"], "RISK_DETECTED",
            "{details:#}"
        );
        assert!(!credential_ids(&details).contains(second_id.as_str().unwrap_or_default()));
        assert_eq!(details["decision"]["type"], "PASSED");

        // That fresh scan PASSED after the rejection: it is now the most recent
        // qualifying ID, with no REJECTED after it.
        let created_after = f.returning(&account, reusable_identity, "ALL_PASS").await;
        let details = f.processed_by_itself(&created_after).await;
        let id = listed(&details, "ID");
        assert_eq!(id["reusableIdentity"]["status"], "ID_FOUND", "{details:#}");
        assert_eq!(id["id"], fresh_scan["id"]);
        assert_eq!(
            id["reusableIdentity"]["source"]["workflowExecutionId"],
            created.execution.as_str()
        );
        f.server.stop().await;
    }
);

both_backends!(
    /// Domain.md, "Reusable credentials": "A workflow needing no new credential
    /// finalizes by itself". Every credential reused from the account (nothing
    /// to upload): the execution is never INITIATED, it is processed without a
    /// finalize call, and a finalize afterwards answers as for an execution
    /// already finalized. One that still takes an upload waits for finalize.
    #[tokio::test]
    async fn a_workflow_needing_no_new_credential_finalizes_by_itself(f: Fixture) {
        use idflow_core::model::{AcquisitionType, Channel, Part};
        let every = vec![Channel::Web, Channel::Api, Channel::Sdk];
        let use_existing = publish_id_only(
            &f,
            AcquisitionType::UseExisting,
            every.clone(),
            vec![Part::Front, Part::Back],
        )
        .await;
        let reusable_identity = publish_id_only(
            &f,
            AcquisitionType::ReusableIdentity,
            every,
            vec![Part::Front, Part::Back],
        )
        .await;
        let reused_id_new_selfie = publish_reused_id_workflow(&f).await;
        let (first, _) = f.onboard(None, "ALL_PASS").await;
        for (key, by_itself) in [
            (use_existing, true),
            (reusable_identity, true),
            (reused_id_new_selfie, false),
            (10014, false),
            (10071, false),
        ] {
            let created = f.returning(&first.account, key, "ALL_PASS").await;
            let status = json_of(f.platform().status(&created, &created.token).await).await;
            let status = status["workflowExecution"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if by_itself {
                assert!(
                    ["ACQUIRED", "PROCESSED"].contains(&status.as_str()),
                    "{key}: {status}"
                );
                let details = f.processed_by_itself(&created).await;
                assert_eq!(details["decision"]["type"], "PASSED", "{key}: {details:#}");
                let again = f.platform().finalize(&created, &created.token).await;
                assert_eq!(again.status(), StatusCode::CONFLICT, "{key}");
                assert_eq!(json_of(again).await["error"], "ALREADY_FINALIZED", "{key}");
            } else {
                assert_eq!(
                    status, "INITIATED",
                    "{key}: waits for its upload and finalize"
                );
            }
        }
        // Without a qualifying ID, Reusable Identity takes a fresh scan: it
        // waits for its upload.
        let fresh = f
            .platform()
            .create(json!({
                "customerInternalReference": "fresh",
                "workflowDefinition": { "key": reusable_identity }
            }))
            .await;
        let status = json_of(f.platform().status(&fresh, &fresh.token).await).await;
        assert_eq!(status["workflowExecution"]["status"], "INITIATED");
        f.server.stop().await;
    }
);

/// Issue 29: "Reuse is read from a typed record written when an execution
/// completes ... (executions completed before the migration are backfilled
/// by it)"; the team's standard: a database written by the release before
/// keeps working. The fixture was written by the server before migration
/// 11: five PROCESSED executions of 10011 (ID over API, the selfie and its
/// facemap through the web client) on four accounts by
/// customerInternalReference: `passed-then-rejected` (ALL_PASS, then
/// FAKE_ID: REJECTED), `rejected` (LIVENESS_SPOOF), `warning`
/// (REPEATED_FACE), `passed-over-api` (ALL_PASS, the selfie over API: no
/// facemap); and one left INITIATED (`open`). Each PROCESSED one gets its
/// record from its details; reuse then follows the rule on them.
#[tokio::test]
async fn a_database_from_before_reuse_records_is_backfilled_and_reuses_by_the_rule() {
    use idflow_core::model::{AcquisitionType, Channel, CredentialCategory, DecisionType, Part};
    let (_dir, db) = copy_of_fixture("server-before-reuse-records.sqlite");
    let server = Server::start(&db).await;
    let idflow_server::db::Pool::Sqlite(pool) = server.state.db.pool() else {
        panic!("a SQLite fixture");
    };
    let executions: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.customer_internal_reference, e.account_id, e.id, e.status, r.record
         FROM platform_executions e LEFT JOIN platform_reuse_records r ON r.execution_id = e.id
         ORDER BY e.created_at",
    )
    .fetch_all(pool)
    .await
    .expect("executions and records");
    assert_eq!(executions.len(), 6);
    let mut accounts = std::collections::BTreeMap::new();
    let mut records = Vec::new();
    for (reference, account, id, status, record) in &executions {
        accounts.insert(reference.clone(), account.clone());
        if status != "PROCESSED" {
            assert!(
                record.is_none(),
                "{reference}: an open execution has no record"
            );
            continue;
        }
        let record = idflow_server::platform::history::decode(
            id,
            record
                .as_deref()
                .unwrap_or_else(|| panic!("{reference}: no record")),
        )
        .expect("the backfilled record decodes as core's type");
        records.push((reference.clone(), record));
    }
    let summary: Vec<String> = records
        .iter()
        .map(|(reference, r)| {
            let credentials: Vec<String> = r
                .credentials
                .iter()
                .map(|c| {
                    format!(
                        "{} {}{}",
                        c.category.as_str(),
                        c.usability.as_str(),
                        if c.valid_for_authentication {
                            " valid"
                        } else {
                            ""
                        }
                    )
                })
                .collect();
            format!(
                "{reference}: {} [{}]",
                r.decision.as_str(),
                credentials.join(", ")
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "passed-then-rejected: PASSED [ID PASSED, SELFIE PASSED, FACEMAP PASSED valid]",
            "passed-then-rejected: REJECTED [ID PASSED, SELFIE PASSED, FACEMAP PASSED valid]",
            "rejected: REJECTED [ID PASSED, SELFIE PASSED, FACEMAP PASSED]",
            "warning: WARNING [ID PASSED, SELFIE PASSED, FACEMAP PASSED valid]",
            "passed-over-api: PASSED [ID PASSED, SELFIE PASSED]",
        ]
    );
    // The records name the credentials the details listed.
    let (_, first) = &records[0];
    assert!(first.credentials.iter().all(|c| !c.id.is_empty()));
    assert_eq!(first.credentials[0].category, CredentialCategory::Id);
    assert_eq!(first.decision, DecisionType::Passed);

    // Reuse follows the rule on the migrated accounts. (The fixture holds
    // tokens of its own: a name of this test's.)
    let publisher = idflow_server::create_token(
        &server.state.db,
        "after-migration-11",
        idflow_server::auth::Role::Publisher,
    )
    .await
    .expect("token");
    let f = Fixture {
        db: common::TestDb::sqlite(),
        designer: publisher.clone(),
        publisher,
        http: reqwest::Client::new(),
        server,
    };
    let every = vec![Channel::Web, Channel::Api, Channel::Sdk];
    let use_existing = publish_id_only(
        &f,
        AcquisitionType::UseExisting,
        every.clone(),
        vec![Part::Front, Part::Back],
    )
    .await;
    let reusable_identity = publish_id_only(
        &f,
        AcquisitionType::ReusableIdentity,
        every,
        vec![Part::Front, Part::Back],
    )
    .await;
    let first_id = first.credentials[0].id.clone();

    // passed-then-rejected: USE_EXISTING reuses the PASSED one's ID;
    // Reusable Identity sees the later REJECTED (a fresh scan is offered).
    let account = &accounts["passed-then-rejected"];
    let created = f.returning(account, use_existing, "ALL_PASS").await;
    let details = f.processed_by_itself(&created).await;
    assert!(credential_ids(&details).contains(&first_id), "{details:#}");
    assert_eq!(details["decision"]["type"], "PASSED");
    let created = f.returning(account, reusable_identity, "ALL_PASS").await;
    assert!(
        created.credential("ID")["api"]["parts"]["front"].is_string(),
        "{}",
        created.body
    );
    // 10014 compares with the PASSED one's facemap (liveness PASSED).
    let created = f.returning(account, 10014, "ALL_PASS").await;
    let selfie = created.credential("SELFIE")["id"]
        .as_str()
        .expect("selfie")
        .to_owned();
    f.web_upload(&created, &selfie, "FACE").await;
    let details = f.platform().processed(&created).await;
    assert_eq!(
        first_result(&details, "authentication").0,
        "PASSED",
        "{details:#}"
    );

    // rejected and warning offer nothing.
    for reference in ["rejected", "warning"] {
        let account = &accounts[reference];
        let created = f.returning(account, 10014, "ALL_PASS").await;
        let selfie = created.credential("SELFIE")["id"]
            .as_str()
            .expect("selfie")
            .to_owned();
        f.web_upload(&created, &selfie, "FACE").await;
        let details = f.platform().processed(&created).await;
        assert_eq!(
            first_result(&details, "authentication"),
            (
                "NOT_EXECUTED".to_owned(),
                "PRECONDITION_NOT_FULFILLED".to_owned()
            ),
            "{reference}: {details:#}"
        );
        let created = f.returning(account, use_existing, "ALL_PASS").await;
        let details = f.processed_by_itself(&created).await;
        assert_ne!(
            details["decision"]["type"], "PASSED",
            "{reference}: {details:#}"
        );
    }

    // passed-over-api: its ID qualifies for Reusable Identity (found, so
    // the execution finalizes by itself); it has no facemap.
    let account = &accounts["passed-over-api"];
    let created = f.returning(account, reusable_identity, "ALL_PASS").await;
    let details = f.processed_by_itself(&created).await;
    assert_eq!(
        listed(&details, "ID")["reusableIdentity"]["status"],
        "ID_FOUND",
        "{details:#}"
    );
    f.server.stop().await;
}
