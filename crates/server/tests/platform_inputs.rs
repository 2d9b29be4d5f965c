//! The mock platform's inputs and retrieval links (issue 29) over real
//! HTTP: a server on an ephemeral loopback port over a real SQLite file (or
//! a scratch PostgreSQL database for the `postgres_` tests). Consent times
//! (seed 003, "Authentication"), prepared data checked as data (domain.md,
//! "Prepared (supporting) data"), the stored facemap as a binary file (seed
//! 003, "Authentication On-Premises"), part links and `steps.href` (seed
//! 003's retrieval samples).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Created, Fixture, Server, both_backends, fixture, jpeg, json_of, png, sha256_hex};
use idflow_core::consent::oldest_accepted;
use idflow_server::platform::clock::rfc3339_millis;
use reqwest::StatusCode;
use serde_json::{Value, json};

const MIB: usize = 1024 * 1024;

/// Every Global the server seeds and publishes.
const GLOBALS: &[u32] = &[
    10011, 10013, 10014, 10071, 10163, 10165, 10167, 10169, 10171,
];

/// Bytes that are no image: what a facemap file looks like to the mock.
fn binary(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from((i * 31 + 7) % 251).unwrap_or(0))
        .collect()
}

/// POST /accounts (no account) or PUT /accounts/{id}, as the publisher.
async fn send_account(f: &Fixture, account: Option<&str>, body: &Value) -> reqwest::Response {
    let platform = f.platform();
    match account {
        None => platform.post_account(&f.publisher, body).await,
        Some(id) => platform.put_account(id, body).await,
    }
}

async fn start(f: &Fixture, account: Option<&str>, key: u32, user_reference: &str) -> Created {
    let response = send_account(
        f,
        account,
        &json!({
            "customerInternalReference": "inputs",
            "userReference": user_reference,
            "workflowDefinition": { "key": key }
        }),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK, "key {key}");
    Created::of(json_of(response).await)
}

/// A whole journey as an integration runs it: everything the Web Client
/// captures goes through its page's endpoints (the facemap comes with the
/// face), what only the API takes goes over the API (the stored facemap:
/// `stored`; prepared data), then the execution is finalized. What was
/// uploaded: (credential id, classifier) → content type.
async fn journey(
    f: &Fixture,
    created: &Created,
    stored: &[u8],
) -> (Value, BTreeMap<(String, String), String>) {
    let platform = f.platform();
    let mut sent = BTreeMap::new();
    let journey = json_of(platform.web_journey(&created.token).await).await;
    let mut image_count = 0usize;
    for capture in journey["captures"].as_array().into_iter().flatten() {
        let credential = capture["credentialId"].as_str().expect("credentialId");
        for part in capture["parts"].as_array().into_iter().flatten() {
            let part = part.as_str().expect("part");
            image_count += 1;
            let (bytes, content_type) = if image_count.is_multiple_of(2) {
                (png(600), "image/png")
            } else {
                (jpeg(700), "image/jpeg")
            };
            let response = platform
                .web_upload(&created.token, credential, part, &bytes)
                .await;
            assert_eq!(response.status(), StatusCode::OK, "web {part}");
            sent.insert(
                (credential.to_owned(), part.to_owned()),
                content_type.to_owned(),
            );
        }
    }
    for credential in created.credentials() {
        if credential["allowedChannels"] != json!(["API"]) {
            continue;
        }
        let id = credential["id"].as_str().expect("id").to_owned();
        let parts = credential["api"]["parts"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (name, url) in parts {
            let url = url.as_str().expect("url");
            let response = if name == "prepared_data" {
                let data = json!({ "firstName": "JOHN", "dateOfBirth": "1980-04-02",
                    "address": { "line1": "1 Main St", "city": "Lyon", "postalCode": "69001", "country": "FRA" } });
                platform
                    .upload_prepared_data(url, &created.token, &data)
                    .await
            } else {
                platform.upload(url, &created.token, "file", stored).await
            };
            assert_eq!(response.status(), StatusCode::OK, "api {name}");
            let uploaded = json_of(response).await;
            sent.insert(
                (
                    id.clone(),
                    uploaded["part"]["classifier"]
                        .as_str()
                        .expect("classifier")
                        .to_owned(),
                ),
                uploaded["part"]["contentType"]
                    .as_str()
                    .expect("type")
                    .to_owned(),
            );
        }
    }
    let response = platform.web_finalize(&created.token, &json!({})).await;
    assert_eq!(response.status(), StatusCode::OK, "web finalize");
    platform.wait_for(created, "PROCESSED").await;
    (platform.details(created).await, sent)
}

/// Every part link in a document: (credential id, classifier, href) of
/// `credentials[].parts[]` and of `validFaceMapForAuthentication`.
fn part_links(details: &Value) -> Vec<(String, String, String)> {
    let mut links = Vec::new();
    for credential in details["credentials"].as_array().into_iter().flatten() {
        // 10071's stored facemap lists its FACEMAP without a link, as seed
        // 003's sample does.
        for part in credential["parts"].as_array().into_iter().flatten() {
            let Some(href) = part["href"].as_str() else {
                continue;
            };
            links.push((
                credential["id"].as_str().expect("id").to_owned(),
                part["classifier"].as_str().expect("classifier").to_owned(),
                href.to_owned(),
            ));
        }
    }
    for list in details["capabilities"].as_object().into_iter().flatten() {
        for entry in list.1.as_array().into_iter().flatten() {
            if let Some(href) = entry["validFaceMapForAuthentication"].as_str() {
                let mut pieces = href.rsplit('/');
                let classifier = pieces.next().unwrap_or_default().to_owned();
                pieces.next();
                let credential = pieces.next().unwrap_or_default().to_owned();
                links.push((credential, classifier, href.to_owned()));
            }
        }
    }
    links
}

fn field_problems(error: &Value) -> Vec<(String, String)> {
    error["details"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no details.fields in {error}"))
        .iter()
        .map(|p| {
            (
                p["field"].as_str().unwrap_or_default().to_owned(),
                p["problem"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

// ------------------------------------------------------------- consent

fn consent(obtained_at: Value) -> Value {
    json!({
        "customerInternalReference": "consent",
        "workflowDefinition": { "key": 10011 },
        "userConsent": { "userIp": "203.0.113.7", "consent": { "obtained": "yes", "obtainedAt": obtained_at } }
    })
}

/// The answer to `body` on a new account and on `account`: both statuses,
/// and the problems of a 400.
async fn consent_answers(f: &Fixture, account: &str, body: &Value) -> Vec<(StatusCode, Value)> {
    let mut answers = Vec::new();
    for target in [None, Some(account)] {
        let response = send_account(f, target, body).await;
        let status = response.status();
        answers.push((status, json_of(response).await));
    }
    answers
}

fn assert_consent_refused(answers: &[(StatusCode, Value)], why: &str, what: &str) {
    for (status, body) in answers {
        assert_eq!(*status, StatusCode::BAD_REQUEST, "{what}: {body}");
        let problems = field_problems(body);
        assert_eq!(problems.len(), 1, "{what}: {problems:?}");
        assert_eq!(problems[0].0, "userConsent.consent.obtainedAt", "{what}");
        assert!(problems[0].1.contains(why), "{what}: {problems:?}");
    }
}

fn assert_consent_taken(answers: &[(StatusCode, Value)], what: &str) {
    for (status, body) in answers {
        assert_eq!(*status, StatusCode::OK, "{what}: {body}");
    }
}

/// Seed 003, "Authentication": "The original consent can be valid for a
/// maximum of 3 years"; idflow applies the limit to every request (so seed
/// 003's own 2022 example is refused now), and a consent time is an ISO
/// 8601 timestamp with a zone, not in the future. Times are the server's:
/// its clock is moved to cross each limit. On account creation and update
/// alike, and on every Global.
#[tokio::test]
async fn consent_times_are_timestamps_within_the_last_three_years() {
    let f = fixture().await;
    let clock = f.server.state.clock();
    let account = start(&f, None, 10011, "scenario:ALL_PASS").await.account;

    let now = clock.now();
    assert_consent_taken(
        &consent_answers(&f, &account, &consent(json!(rfc3339_millis(now)))).await,
        "now",
    );
    // Seed 003's example request body.
    assert_consent_refused(
        &consent_answers(&f, &account, &consent(json!("2022-07-20T17:20:35.000Z"))).await,
        "more than 3 years ago",
        "seed 003's example",
    );

    // The 3-year limit moves with the clock.
    let nearly_old = rfc3339_millis(oldest_accepted(clock.now()) + time::Duration::hours(1));
    assert_consent_taken(
        &consent_answers(&f, &account, &consent(json!(nearly_old))).await,
        "3 years less an hour",
    );
    clock.advance(Duration::from_secs(2 * 60 * 60));
    assert_consent_refused(
        &consent_answers(&f, &account, &consent(json!(nearly_old))).await,
        "more than 3 years ago",
        "3 years and an hour",
    );

    // A consent from the future becomes valid once its time has come.
    let soon = rfc3339_millis(clock.now() + time::Duration::hours(1));
    assert_consent_refused(
        &consent_answers(&f, &account, &consent(json!(soon))).await,
        "in the future",
        "in an hour",
    );
    clock.advance(Duration::from_secs(2 * 60 * 60));
    assert_consent_taken(
        &consent_answers(&f, &account, &consent(json!(soon))).await,
        "an hour ago",
    );

    for bad in [
        json!("2025-07-20"),
        json!("2025-07-20T17:20:35"),
        json!("20250720T172035Z"),
        json!("yesterday"),
        json!(""),
    ] {
        assert_consent_refused(
            &consent_answers(&f, &account, &consent(bad.clone())).await,
            "not an ISO 8601 timestamp",
            &bad.to_string(),
        );
    }
    assert_consent_refused(
        &consent_answers(&f, &account, &consent(json!(1_700_000_000))).await,
        "must be a string",
        "a number",
    );

    // Every Global: the rule is the request's, whatever the workflow.
    for &key in GLOBALS {
        let mut body = consent(json!("2021-01-01T00:00:00Z"));
        body["workflowDefinition"]["key"] = json!(key);
        assert_consent_refused(
            &consent_answers(&f, &account, &body).await,
            "more than 3 years ago",
            &format!("key {key}"),
        );
        body["userConsent"]["consent"]["obtainedAt"] = json!(rfc3339_millis(clock.now()));
        assert_consent_taken(
            &consent_answers(&f, &account, &body).await,
            &format!("key {key}"),
        );
    }
    f.server.stop().await;
}

// ------------------------------------------------------- prepared data

async fn post_prepared(f: &Fixture, url: &str, token: &str, body: &Value) -> (StatusCode, Value) {
    let response = f.platform().upload_prepared_data(url, token, body).await;
    let status = response.status();
    (status, json_of(response).await)
}

fn address(country: &str) -> Value {
    json!({ "address": { "line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": country } })
}

/// domain.md, "Prepared (supporting) data": `address.country` is an ISO
/// 3166-1 alpha-3 or alpha-2 code. Sweep: every code of the ISO list (by
/// the crate the server uses) is taken, in both forms; codes ISO does not
/// assign, lower case, and other shapes are refused with
/// INVALID_PREPARED_DATA naming the field.
#[tokio::test]
async fn prepared_data_takes_every_iso_country_code_and_nothing_else() {
    let f = fixture().await;
    let created = start(&f, None, 10163, "scenario:ALL_PASS").await;
    let url = created.part_url("DATA", "prepared_data");
    let mut codes: Vec<&str> = Vec::new();
    for (alpha2, alpha3) in idflow_core::countries::all() {
        codes.push(alpha2);
        codes.push(alpha3);
    }
    assert!(codes.len() >= 2 * 249, "the ISO list: {}", codes.len());
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in codes.chunks(codes.len().div_ceil(8)) {
        let chunk: Vec<String> = chunk.iter().map(|c| (*c).to_owned()).collect();
        let (platform, url, token) = (f.platform(), url.clone(), created.token.clone());
        tasks.spawn(async move {
            let mut refused = Vec::new();
            for code in chunk {
                let response = platform
                    .upload_prepared_data(&url, &token, &address(&code))
                    .await;
                if response.status() != StatusCode::OK {
                    refused.push(code);
                }
            }
            refused
        });
    }
    let mut refused = Vec::new();
    while let Some(done) = tasks.join_next().await {
        refused.extend(done.expect("task"));
    }
    assert!(refused.is_empty(), "ISO codes refused: {refused:?}");

    // Not assigned by ISO 3166-1 (UK and EU are reserved, XK and XKX are
    // user-assigned for Kosovo, AAA and ZZZ unassigned), or not a code.
    for bad in [
        "XX", "ZZ", "UK", "EU", "XK", "XKX", "AA", "QQ", "AAA", "ZZZ", "EUR", "usa", "us", "Usa",
        "USAA", "U", "", "12", "840", "US ", "ÜSA",
    ] {
        let (status, error) = post_prepared(&f, &url, &created.token, &address(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {error}");
        assert_eq!(error["error"], "INVALID_PREPARED_DATA", "{bad:?}");
        assert_eq!(
            error["details"]["field"], "address.country",
            "{bad:?}: {error}"
        );
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("address.country") && m.contains("ISO 3166-1")),
            "{bad:?}: {error}"
        );
    }
    f.server.stop().await;
}

/// domain.md, "Prepared (supporting) data" (`dateOfBirth`, YYYY-MM-DD) and
/// issue 29: a date of birth in the future or before 1900-01-01 is refused
/// (INVALID_PREPARED_DATA naming `dateOfBirth`). "Today" is the server's:
/// its clock is moved to make tomorrow's date valid.
#[tokio::test]
async fn dates_of_birth_lie_between_1900_and_today() {
    let f = fixture().await;
    let clock = f.server.state.clock();
    let created = start(&f, None, 10163, "scenario:ALL_PASS").await;
    let url = created.part_url("DATA", "prepared_data");
    let day = |offset: i64| (clock.now().date() + time::Duration::days(offset)).to_string();
    let tomorrow = day(1);
    for good in ["1900-01-01", "1900-01-02", "1964-08-20", "2000-02-29"]
        .map(str::to_owned)
        .into_iter()
        .chain([day(0), day(-1)])
    {
        let (status, body) =
            post_prepared(&f, &url, &created.token, &json!({ "dateOfBirth": good })).await;
        assert_eq!(status, StatusCode::OK, "{good}: {body}");
    }
    for (bad, why) in [
        (tomorrow.clone(), "in the future"),
        (day(400), "in the future"),
        ("2999-01-01".to_owned(), "in the future"),
        ("1899-12-31".to_owned(), "before 1900-01-01"),
        ("1000-06-15".to_owned(), "before 1900-01-01"),
        ("0001-01-01".to_owned(), "before 1900-01-01"),
        ("1990-02-30".to_owned(), "not a date"),
        ("20-01-1990".to_owned(), "not a date"),
    ] {
        let (status, error) =
            post_prepared(&f, &url, &created.token, &json!({ "dateOfBirth": bad })).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {error}");
        assert_eq!(error["error"], "INVALID_PREPARED_DATA", "{bad}");
        assert_eq!(error["details"]["field"], "dateOfBirth", "{bad}: {error}");
        assert!(
            error["message"].as_str().is_some_and(|m| m.contains(why)),
            "{bad}: {error}"
        );
    }
    clock.advance(Duration::from_secs(2 * 24 * 60 * 60));
    // A new execution: the first one's token has run out meanwhile.
    let later = start(&f, Some(&created.account), 10163, "scenario:ALL_PASS").await;
    let url = later.part_url("DATA", "prepared_data");
    let (status, body) =
        post_prepared(&f, &url, &later.token, &json!({ "dateOfBirth": tomorrow })).await;
    assert_eq!(status, StatusCode::OK, "a day later: {body}");
    f.server.stop().await;
}

// ---------------------------------------------------- the stored facemap

/// Seed 003, "Authentication On-Premises": the customer stores "the Facemap
/// as a single binary file" and uploads it over the API: its part takes the
/// bytes as they are (no image check), recorded as
/// application/octet-stream, within the 5 MiB limit. Every other API part
/// of every Global keeps the JPEG/PNG check (sweep).
#[tokio::test]
async fn the_stored_facemap_is_a_binary_file_and_other_parts_stay_images() {
    let f = fixture().await;
    let onboarded = start(&f, None, 10011, "scenario:ALL_PASS").await;
    let on_premises = start(&f, Some(&onboarded.account), 10071, "scenario:ALL_PASS").await;
    let url = on_premises.part_url("FACEMAP", "facemap");

    let file = binary(64 * 1024);
    let response = f
        .platform()
        .upload(&url, &on_premises.token, "file", &file)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let uploaded = json_of(response).await;
    assert_eq!(uploaded["part"]["classifier"], "FACEMAP");
    assert_eq!(uploaded["part"]["contentType"], "application/octet-stream");
    assert_eq!(uploaded["part"]["size"], 64 * 1024);
    assert_eq!(uploaded["part"]["sha256"], sha256_hex(&file));
    // An image is bytes too.
    let response = f
        .platform()
        .upload(&url, &on_premises.token, "file", &png(300))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json_of(response).await["part"]["contentType"],
        "application/octet-stream"
    );
    // The size limit stays: 5 MiB is taken, a byte more is not.
    let response = f
        .platform()
        .upload(&url, &on_premises.token, "file", &binary(5 * MIB))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = f
        .platform()
        .upload(&url, &on_premises.token, "file", &binary(5 * MIB + 1))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(response).await["error"], "FILE_TOO_LARGE");
    let response = f
        .platform()
        .upload(&url, &on_premises.token, "file", &[])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json_of(response).await["error"], "EMPTY_FILE");

    // Every image part the API takes, on every Global: still JPEG or PNG.
    let mut image_parts = 0;
    for &key in GLOBALS {
        let created = start(&f, Some(&onboarded.account), key, "scenario:ALL_PASS").await;
        for credential in created.credentials() {
            for (name, part_url) in credential["api"]["parts"].as_object().into_iter().flatten() {
                let part_url = part_url.as_str().expect("url");
                let response = f
                    .platform()
                    .upload(part_url, &created.token, "file", &binary(2048))
                    .await;
                let status = response.status();
                let answer = json_of(response).await;
                if name == "prepared_data" {
                    // Prepared data is JSON: a multipart body is 415
                    // (issue 30, item 8).
                    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{key} {name}");
                    continue;
                }
                if credential["category"] == "FACEMAP" {
                    assert_eq!(status, StatusCode::OK, "{key} stored facemap: {answer}");
                    continue;
                }
                image_parts += 1;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{key} {name}: {answer}");
                assert_eq!(answer["error"], "UNSUPPORTED_FILE_TYPE", "{key} {name}");
                let response = f
                    .platform()
                    .upload(part_url, &created.token, "file", &jpeg(2048))
                    .await;
                assert_eq!(response.status(), StatusCode::OK, "{key} {name} as JPEG");
            }
        }
    }
    assert!(image_parts >= 10, "image parts checked: {image_parts}");
    f.server.stop().await;
}

// ------------------------------------------------------ retrieval links

both_backends!(
    /// Seed 003's retrieval samples link every part (`credentials[].parts[].href`,
    /// `validFaceMapForAuthentication`); seed 003, "Authentication
    /// On-Premises": the facemap is retrieved "as a single binary file" and
    /// uploaded again as the stored one. Sweep: every part link of every
    /// processed execution of every Global (whole journeys: Web Client and
    /// API) answers 200 to a store-API token with a placeholder of the recorded
    /// type (a FACEMAP: binary bytes); images are not kept, so it is a
    /// generated one. An execution token gets a 403, no token a 401, an unknown
    /// part a 404.
    #[tokio::test]
    async fn every_part_link_answers_a_placeholder_of_the_recorded_type(f: Fixture) {
        // Onboarded through the Web Client: the account holds a facemap.
        let onboarding = start(&f, None, 10011, "scenario:ALL_PASS").await;
        let (details, _) = journey(&f, &onboarding, &[]).await;
        assert_eq!(details["decision"]["type"], "PASSED", "{details}");
        let account = onboarding.account.clone();
        let facemap_href = part_links(&details)
            .into_iter()
            .find(|(_, classifier, _)| classifier == "FACEMAP")
            .map(|(_, _, href)| href)
            .expect("a web onboarding links its facemap");
        let response = f.platform().get(&facemap_href, &f.publisher).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"],
            "application/octet-stream"
        );
        let stored = response.bytes().await.expect("facemap bytes").to_vec();
        assert!(!stored.is_empty() && image::guess_format(&stored).is_err());

        let mut checked: BTreeMap<String, usize> = BTreeMap::new();
        let mut runs = Vec::new();
        for &key in GLOBALS {
            for scenario in ["ALL_PASS", "FAKE_ID"] {
                let created = start(&f, Some(&account), key, &format!("scenario:{scenario}")).await;
                // The downloaded facemap is what 10071 uploads as the stored one.
                let (details, sent) = journey(&f, &created, &stored).await;
                runs.push((created, details, sent));
            }
        }
        let other_account = start(&f, None, 10165, "scenario:ALL_PASS").await.account;
        for (created, details, sent) in &runs {
            for (credential, classifier, href) in part_links(details) {
                assert!(
                    href.starts_with(&format!(
                        "{}/api/v1/accounts/{}/credentials/",
                        f.server.root, created.account
                    )),
                    "{href}"
                );
                let response = f.platform().get(&href, &f.publisher).await;
                assert_eq!(response.status(), StatusCode::OK, "{href}");
                let content_type = response.headers()["content-type"]
                    .to_str()
                    .expect("text")
                    .to_owned();
                let bytes = response.bytes().await.expect("body");
                match classifier.as_str() {
                    "FACEMAP" => {
                        assert_eq!(content_type, "application/octet-stream", "{href}");
                        assert!(image::guess_format(&bytes).is_err(), "{href}");
                    }
                    "PREPARED_DATA" => {
                        assert_eq!(content_type, "application/json", "{href}");
                        let note: Value = serde_json::from_slice(&bytes).expect("JSON");
                        assert_eq!(note["placeholder"], true, "{href}");
                    }
                    _ => {
                        // The type recorded at upload; a JPEG for a part the
                        // details list though nothing was uploaded for it.
                        let recorded = sent
                            .get(&(credential.clone(), classifier.clone()))
                            .map_or("image/jpeg", String::as_str);
                        assert_eq!(content_type, recorded, "{href}");
                        let format = image::guess_format(&bytes)
                            .unwrap_or_else(|e| panic!("{href}: not an image: {e}"));
                        assert_eq!(
                            format,
                            if recorded == "image/png" {
                                image::ImageFormat::Png
                            } else {
                                image::ImageFormat::Jpeg
                            },
                            "{href}"
                        );
                        image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{href}: {e}"));
                    }
                }
                *checked.entry(classifier.clone()).or_default() += 1;
                // The same auth as the details: any store-API role; never the
                // execution's own token; a token is needed.
                assert_eq!(
                    f.platform().get(&href, &f.designer).await.status(),
                    StatusCode::OK
                );
                assert_eq!(
                    f.platform().get(&href, &created.token).await.status(),
                    StatusCode::FORBIDDEN,
                    "{href}"
                );
                let anonymous = f.http.get(&href).send().await.expect("GET");
                assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{href}");
                // Any case, as uploads take it.
                let lower = href.replace(
                    &format!("/parts/{classifier}"),
                    &format!("/parts/{}", classifier.to_lowercase()),
                );
                assert_eq!(
                    f.platform().get(&lower, &f.publisher).await.status(),
                    StatusCode::OK
                );
                // Another account does not reach it.
                let elsewhere = href.replace(&created.account, &other_account);
                assert_eq!(
                    f.platform().get(&elsewhere, &f.publisher).await.status(),
                    StatusCode::NOT_FOUND,
                    "{elsewhere}"
                );
            }
        }
        eprintln!("part links checked, by classifier: {checked:?}");
        for classifier in ["FRONT", "BACK", "FACE", "FACEMAP", "PREPARED_DATA"] {
            assert!(
                checked.get(classifier).is_some_and(|n| *n > 0),
                "no {classifier} link met: {checked:?}"
            );
        }

        // Unknown parts are 404: a classifier the details do not link, an
        // unknown credential, an id that is no UUID, an unknown account.
        let id = runs[0].1["credentials"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let root = format!("{}/api/v1/accounts/{account}", f.server.root);
        for path in [
            format!("{root}/credentials/{id}/parts/DEVICE_RISK"),
            format!("{root}/credentials/{id}/parts/NOPE"),
            format!("{root}/credentials/{}/parts/FRONT", uuid::Uuid::new_v4()),
            format!("{root}/credentials/not-a-uuid/parts/FRONT"),
            format!("{root}/credentials/%25/parts/FRONT"),
            format!(
                "{}/api/v1/accounts/{}/credentials/{id}/parts/FRONT",
                f.server.root,
                uuid::Uuid::new_v4()
            ),
        ] {
            let response = f.platform().get(&path, &f.publisher).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert_eq!(json_of(response).await["error"], "NOT_FOUND", "{path}");
        }
        f.server.stop().await;
    }
);

/// (capability, decision, label) of every result of a details document.
fn detail_results(details: &Value) -> Vec<(String, String, String)> {
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
            ));
        }
    }
    out.sort();
    out
}

both_backends!(
    /// Seed 003's retrieval samples link `steps.href`; issue 29: it answers
    /// idflow's documented list of the visited steps, in path order, each with
    /// its node id, title, kind and what it produced. Sweep: every Global under
    /// two scenarios, API and Web Client journeys: the list is answered with
    /// the details' auth, its results are exactly the details' results, it
    /// starts with an acquisition and ends with the terminal that decided, and
    /// every node it names is a node of the workflow run.
    #[tokio::test]
    async fn steps_list_the_visited_steps_with_what_they_produced(f: Fixture) {
        let onboarding = start(&f, None, 10011, "scenario:ALL_PASS").await;
        let steps_url = format!("{}/steps", f.platform().execution_url(&onboarding));
        // Before processing: answered, empty, saying why.
        let response = f.platform().get(&steps_url, &f.publisher).await;
        assert_eq!(response.status(), StatusCode::OK);
        let pending = json_of(response).await;
        assert_eq!(pending["workflowExecution"]["status"], "INITIATED");
        assert_eq!(pending["steps"], json!([]));
        assert!(
            pending["note"]
                .as_str()
                .is_some_and(|n| n.contains("PROCESSED")),
            "{pending}"
        );
        let (first, _) = journey(&f, &onboarding, &[]).await;
        let mut runs = vec![(onboarding.clone(), first)];
        for &key in GLOBALS {
            for scenario in ["ALL_PASS", "FAKE_ID"] {
                let created = start(
                    &f,
                    Some(&onboarding.account),
                    key,
                    &format!("scenario:{scenario}"),
                )
                .await;
                let (details, _) = journey(&f, &created, &binary(512)).await;
                runs.push((created, details));
            }
        }
        // An API journey too (no Web Client): nothing uploaded.
        let api_only = start(&f, None, 10011, "scenario:ALL_PASS").await;
        let details = f.platform().processed(&api_only).await;
        runs.push((api_only, details));

        let kinds = [
            "ACQUISITION",
            "SERVICE",
            "RISK_SIGNAL",
            "DECISION",
            "RISK_CALCULATION",
            "TERMINAL",
        ];
        for (created, details) in &runs {
            let href = details["steps"]["href"].as_str().expect("steps.href");
            assert_eq!(
                href,
                format!("{}/steps", f.platform().execution_url(created))
            );
            assert_eq!(
                f.platform().get(href, &created.token).await.status(),
                StatusCode::FORBIDDEN,
                "the execution's token"
            );
            let response = f.platform().get(href, &f.designer).await;
            assert_eq!(response.status(), StatusCode::OK, "{href}");
            let document = json_of(response).await;
            let key = &details["workflow"]["definitionKey"];
            assert_eq!(
                document["workflowExecution"]["id"],
                created.execution.as_str()
            );
            assert_eq!(document["workflowExecution"]["status"], "PROCESSED");
            assert!(document.get("note").is_none(), "{key}: {document}");
            let steps = document["steps"].as_array().expect("steps");
            assert!(steps.len() >= 2, "{key}: {document}");
            assert_eq!(steps[0]["kind"], "ACQUISITION", "{key}");
            assert_eq!(steps[0]["outcome"], "ACQUIRED", "{key}");
            let last = steps.last().expect("a last step");
            assert_eq!(last["kind"], "TERMINAL", "{key}");
            assert_eq!(last["outcome"], "END", "{key}");
            assert_eq!(
                last["decision"],
                json!({ "type": details["decision"]["type"], "details": { "label": details["decision"]["details"]["label"] } }),
                "{key}"
            );
            let mut results = Vec::new();
            let mut nodes = std::collections::BTreeSet::new();
            for step in steps {
                let node = step["nodeId"].as_str().expect("nodeId");
                assert!(nodes.insert(node.to_owned()), "{key}: {node} twice");
                assert!(
                    step["title"].as_str().is_some_and(|t| !t.is_empty()),
                    "{key}: {step}"
                );
                assert!(
                    kinds.contains(&step["kind"].as_str().unwrap_or_default()),
                    "{step}"
                );
                assert!(step["summary"].is_string(), "{step}");
                match step["outcome"].as_str().unwrap_or_default() {
                    "ACQUIRED" => {
                        for credential in step["credentials"].as_array().expect("credentials") {
                            assert!(
                                credential["id"].is_string() && credential["arrival"].is_string()
                            );
                        }
                    }
                    "CHECKED" => {
                        for result in step["results"].as_array().expect("results") {
                            results.push((
                                result["capability"].as_str().unwrap_or_default().to_owned(),
                                result["decision"]["type"]
                                    .as_str()
                                    .unwrap_or_default()
                                    .to_owned(),
                                result["decision"]["details"]["label"]
                                    .as_str()
                                    .unwrap_or_default()
                                    .to_owned(),
                            ));
                        }
                    }
                    "BRANCH" => {
                        assert!(
                            step["branch"].is_string() && step["condition"].is_string(),
                            "{step}"
                        )
                    }
                    "RISK_SCORE" => assert!(step["score"].is_number(), "{step}"),
                    "END" => assert!(step["decision"]["type"].is_string(), "{step}"),
                    other => panic!("{key}: outcome {other:?}"),
                }
            }
            results.sort();
            assert_eq!(
                results,
                detail_results(details),
                "{key}: the details' results"
            );
            // The credentials the details list are the ones the steps brought.
            let acquired: std::collections::BTreeSet<String> = steps
                .iter()
                .filter_map(|s| s["credentials"].as_array())
                .flatten()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect();
            for credential in details["credentials"].as_array().into_iter().flatten() {
                let id = credential["id"].as_str().expect("id");
                assert!(
                    acquired.contains(id),
                    "{key}: {id} not acquired in {document}"
                );
            }
        }

        // Unknown executions and accounts are 404.
        for url in [
            format!(
                "{}/api/v1/accounts/{}/workflow-executions/{}/steps",
                f.server.root,
                onboarding.account,
                uuid::Uuid::new_v4()
            ),
            format!(
                "{}/api/v1/accounts/{}/workflow-executions/{}/steps",
                f.server.root,
                uuid::Uuid::new_v4(),
                onboarding.execution
            ),
        ] {
            assert_eq!(
                f.platform().get(&url, &f.publisher).await.status(),
                StatusCode::NOT_FOUND,
                "{url}"
            );
        }
        f.server.stop().await;
    }
);

/// "Never strand user files": a database written before the steps were
/// kept (the fixture of migration 0010) opens; its processed execution's
/// `steps.href` answers an empty list saying the steps were not recorded,
/// and every part link of its details answers the placeholder of the type
/// recorded then (PNG).
#[tokio::test]
async fn executions_processed_before_the_steps_were_kept_still_answer() {
    let dir = tempfile::TempDir::new().expect("tmp");
    let db = dir.path().join("server.sqlite");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/server-before-credentials-in-row.sqlite"),
        &db,
    )
    .expect("copy the fixture");
    let server = Server::start(&db).await;
    let publisher = server.token(idflow_server::auth::Role::Publisher).await;
    let platform = server.platform(&reqwest::Client::new(), &publisher);
    const ACCOUNT: &str = "01a24913-5eb2-75e9-b8b6-865c3b67da12";
    const PROCESSED: &str = "01a24913-5eb3-72f7-8a0e-faf7ff675f57";
    let execution = platform.url(&format!(
        "/accounts/{ACCOUNT}/workflow-executions/{PROCESSED}"
    ));
    let fetch = |url: String| {
        let (platform, publisher) = (platform.clone(), publisher.clone());
        async move { platform.get(&url, &publisher).await }
    };
    let details = json_of(fetch(execution.clone()).await).await;
    assert_eq!(details["workflow"]["status"], "PROCESSED");
    let response = fetch(format!("{execution}/steps")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let steps = json_of(response).await;
    assert_eq!(steps["steps"], json!([]));
    assert_eq!(steps["workflowExecution"]["status"], "PROCESSED");
    assert!(
        steps["note"]
            .as_str()
            .is_some_and(|n| n.contains("not recorded") && n.contains("0012")),
        "{steps}"
    );
    let links = part_links(&details);
    assert_eq!(links.len(), 3, "FRONT, BACK, FACE: {details}");
    for (_, classifier, href) in links {
        // The links name the address the fixture was written on.
        let path = &href[href.find("/api/v1/").expect("an API link")..];
        let response = fetch(format!("{}{path}", server.root)).await;
        assert_eq!(response.status(), StatusCode::OK, "{classifier}");
        assert_eq!(
            response.headers()["content-type"],
            "image/png",
            "{classifier}"
        );
        let bytes = response.bytes().await.expect("body");
        assert_eq!(
            image::guess_format(&bytes).expect("an image"),
            image::ImageFormat::Png
        );
    }
    server.stop().await;
}
