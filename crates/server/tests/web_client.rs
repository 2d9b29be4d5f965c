//! The mock web client (`web.href`) in a real browser: headless Chromium
//! walks WEB journeys through the page, choosing files and clicking Submit
//! with the mouse, against a server on a loopback port (issue 12). Skipped,
//! saying so, without Chromium unless `IDFLOW_REQUIRE_BROWSER=1`.

mod browser;
mod common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{Created, Fixture, fixture, json_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A loopback page for `web.successUrl` and `web.errorUrl`: answers 200 and
/// keeps each request's path and query.
async fn landing() -> (String, Arc<Mutex<Vec<String>>>, tokio::task::JoinHandle<()>) {
    use axum::extract::{OriginalUri, State};
    async fn land(
        State(seen): State<Arc<Mutex<Vec<String>>>>,
        OriginalUri(uri): OriginalUri,
    ) -> &'static str {
        if let Ok(mut seen) = seen.lock() {
            seen.push(uri.to_string());
        }
        "landed"
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().fallback(land).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let root = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (root, seen, task)
}

fn query_of(url: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(url)
        .expect("a URL")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param<'a>(query: &'a [(String, String)], key: &str) -> &'a str {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {key} in {query:?}"))
}

/// Image files on disk, as a tester would pick them.
fn images() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::TempDir::new().expect("tmp");
    let jpeg = dir.path().join("id.jpg");
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(4096, 7);
    std::fs::write(&jpeg, bytes).expect("write jpeg");
    let png = dir.path().join("face.png");
    let mut bytes = vec![0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.resize(2048, 3);
    std::fs::write(&png, bytes).expect("write png");
    (dir, jpeg, png)
}

/// The details of `created` once PROCESSED.
async fn details(f: &Fixture, created: &Created) -> Value {
    let platform = f.platform();
    platform.wait_for(created, "PROCESSED").await;
    platform.details(created).await
}

/// Runs the page's journey in Chromium: choose a file for every part,
/// pick `scenario`, click Submit; returns where the browser landed.
fn walk(
    mut browser: browser::Chromium,
    href: String,
    scenario: &'static str,
    files: (PathBuf, PathBuf),
    landing: String,
    shots: Option<PathBuf>,
) -> String {
    browser.navigate(&href);
    browser.wait_for(
        "document.querySelectorAll('input[type=file]').length > 0 && !document.getElementById('journey').hidden",
        Duration::from_secs(15),
    );
    if let Some(dir) = &shots {
        browser.screenshot(1280, 900, &dir.join("web-client-desktop.png"));
        browser.screenshot(390, 844, &dir.join("web-client-phone.png"));
    }
    let inputs = browser.eval(
        "Array.from(document.querySelectorAll('input[type=file]')).map(i => i.id + ' ' + i.dataset.part)",
    );
    for entry in inputs.as_array().expect("inputs") {
        let text = entry.as_str().expect("id and part");
        let (id, part) = text.split_once(' ').expect("id part");
        let file = if part == "FACE" { &files.1 } else { &files.0 };
        browser.choose_file(&format!("#{id}"), file);
    }
    browser.eval(&format!(
        "(() => {{ const s = document.getElementById('scenario'); s.value = '{scenario}'; return s.value; }})()"
    ));
    browser.click("#submit");
    let landed = browser.wait_for(
        &format!("location.href.startsWith('{landing}') ? location.href : ''"),
        Duration::from_secs(20),
    );
    landed.as_str().expect("href").to_owned()
}

async fn in_browser<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("browser thread")
}

/// Issue 12 acceptance: a WEB journey on 10011 through the page lands on
/// the success URL with the platform's parameters (domain.md, "Web
/// client"); the details show the scenario picked on the page and a
/// FACEMAP credential (a facemap comes only through WEB or SDK).
#[tokio::test]
async fn a_web_journey_on_10011_lands_on_the_success_url() {
    let Some(browser) = browser::launch("a_web_journey_on_10011_lands_on_the_success_url") else {
        return;
    };
    let (root, seen, task) = landing().await;
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({
            "customerInternalReference": "web-walk",
            "userReference": "scenario:ALL_PASS",
            "workflowDefinition": { "key": 10011 },
            "web": { "successUrl": format!("{root}/success"), "errorUrl": format!("{root}/error"), "locale": "en-GB" }
        }))
        .await;
    let href = created.body["web"]["href"]
        .as_str()
        .expect("web.href")
        .to_owned();
    let (_dir, jpeg, png) = images();
    let shots = std::env::var_os("IDFLOW_WEB_SHOTS").map(PathBuf::from);
    let success = format!("{root}/success");
    let landed =
        in_browser(move || walk(browser, href, "REPEATED_FACE", (jpeg, png), success, shots)).await;

    let query = query_of(&landed);
    assert_eq!(param(&query, "acquisitionStatus"), "SUCCESS");
    assert_eq!(param(&query, "accountId"), created.account);
    assert_eq!(param(&query, "workflowExecutionId"), created.execution);
    assert_eq!(param(&query, "customerInternalReference"), "web-walk");
    assert!(
        seen.lock()
            .expect("seen")
            .iter()
            .any(|u| u.starts_with("/success?"))
    );

    let details = details(&f, &created).await;
    assert_eq!(
        details["decision"]["type"], "WARNING",
        "REPEATED_FACE, picked on the page: {details}"
    );
    let categories: Vec<&str> = details["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .filter_map(|c| c["category"].as_str())
        .collect();
    assert_eq!(categories, ["ID", "SELFIE", "FACEMAP"]);
    assert!(
        details["capabilities"]["liveness"][0]["validFaceMapForAuthentication"].is_string(),
        "{details}"
    );
    f.server.stop().await;
    task.abort();
}

/// Issue 12 acceptance; seed 003, "Authentication On-Premises": the stored
/// facemap goes over API first, then the web journey brings the new selfie
/// and facemap; authentication follows the scenario.
#[tokio::test]
async fn on_premises_authentication_completes_through_the_web_client() {
    if browser::launch("probe").is_none() {
        return;
    }
    let (root, _seen, task) = landing().await;
    let f = fixture().await;
    for (scenario, decision) in [
        ("ALL_PASS", "PASSED"),
        ("AUTHENTICATION_FAILED", "REJECTED"),
    ] {
        let created = f
            .platform()
            .create(json!({
                "customerInternalReference": "on-premises",
                "workflowDefinition": { "key": 10071 },
                "web": { "successUrl": format!("{root}/success") }
            }))
            .await;
        let stored = created.body["workflowExecution"]["credentials"]
            .as_array()
            .expect("credentials")
            .iter()
            .find(|c| c["allowedChannels"] == json!(["API"]))
            .expect("the stored facemap")
            .clone();
        let url = stored["api"]["parts"]["facemap"]
            .as_str()
            .expect("facemap url");
        let token = stored["api"]["token"].as_str().expect("token");
        let response = f
            .platform()
            .upload(
                url,
                token,
                "file",
                &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);

        let browser = browser::launch("on_premises").expect("found before");
        let href = created.body["web"]["href"]
            .as_str()
            .expect("href")
            .to_owned();
        let (_dir, jpeg, png) = images();
        let success = format!("{root}/success");
        let landed =
            in_browser(move || walk(browser, href, scenario, (jpeg, png), success, None)).await;
        assert_eq!(param(&query_of(&landed), "acquisitionStatus"), "SUCCESS");
        let details = details(&f, &created).await;
        let authentication = &details["capabilities"]["authentication"][0]["decision"]["type"];
        assert_eq!(authentication, decision, "{scenario}: {details}");
        assert_eq!(details["decision"]["type"], decision, "{scenario}");
    }
    f.server.stop().await;
    task.abort();
}

/// Issue 12 acceptance: an expired token lands on the error URL with
/// errorCode 9200 (domain.md: "9200 token missing, invalid or expired");
/// a journey started but not finished, 9210.
#[tokio::test]
async fn expired_links_land_on_the_error_url() {
    if browser::launch("probe").is_none() {
        return;
    }
    let (root, _seen, task) = landing().await;
    let f = fixture().await;
    let body = json!({
        "customerInternalReference": "late",
        "workflowDefinition": { "key": 10011 },
        "tokenLifetime": "5m",
        "web": { "successUrl": format!("{root}/success"), "errorUrl": format!("{root}/error") }
    });
    let untouched = f.platform().create(body.clone()).await;
    let started = f.platform().create(body).await;
    // The started one gets a part through the web client's own call.
    let selfie = started.body["workflowExecution"]["credentials"]
        .as_array()
        .expect("credentials")
        .iter()
        .find(|c| c["category"] == "SELFIE")
        .expect("selfie")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let response = f
        .platform()
        .web_upload(
            &started.token,
            &selfie,
            "FACE",
            &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json_of(response).await["facemap"],
        true,
        "the facemap came with the face"
    );
    f.server.state.clock().advance(Duration::from_secs(6 * 60));

    for (created, code) in [(untouched, "9200"), (started, "9210")] {
        let browser = browser::launch("expired").expect("found before");
        let href = created.body["web"]["href"]
            .as_str()
            .expect("href")
            .to_owned();
        let error = format!("{root}/error");
        let landed = in_browser(move || {
            let mut browser = browser;
            browser.navigate(&href);
            let landed = browser.wait_for(
                &format!("location.href.startsWith('{error}') ? location.href : ''"),
                Duration::from_secs(15),
            );
            landed.as_str().expect("href").to_owned()
        })
        .await;
        let query = query_of(&landed);
        assert_eq!(param(&query, "acquisitionStatus"), "ERROR");
        assert_eq!(param(&query, "errorCode"), code, "{landed}");
        assert_eq!(param(&query, "workflowExecutionId"), created.execution);
    }
    f.server.stop().await;
    task.abort();
}

/// Issue 12: "Without those URLs it shows the outcome on the page": the
/// page waits for the decision and says it.
#[tokio::test]
async fn without_a_success_url_the_page_shows_the_decision() {
    let Some(browser) = browser::launch("without_a_success_url_the_page_shows_the_decision") else {
        return;
    };
    let f = fixture().await;
    let created = f
        .platform()
        .create(json!({
            "customerInternalReference": "no-urls",
            "userReference": "scenario:FAKE_ID",
            "workflowDefinition": { "key": 10165 }
        }))
        .await;
    let href = created.body["web"]["href"]
        .as_str()
        .expect("href")
        .to_owned();
    let (_dir, jpeg, _png) = images();
    let shown = in_browser(move || {
        let mut browser = browser;
        browser.navigate(&href);
        browser.wait_for(
            "document.querySelectorAll('input[type=file]').length === 2",
            Duration::from_secs(15),
        );
        for id in ["#file-0-0", "#file-0-1"] {
            browser.choose_file(id, &jpeg);
        }
        // The scenario from userReference is preselected.
        let picked = browser.eval("document.getElementById('scenario').value");
        assert_eq!(picked, "FAKE_ID");
        browser.click("#submit");
        browser
            .wait_for(
                "(t => t.includes('REJECTED') ? t : '')(document.getElementById('outcome-text').textContent)",
                Duration::from_secs(20),
            )
            .as_str()
            .expect("text")
            .to_owned()
    })
    .await;
    assert!(shown.starts_with("Decision: REJECTED"), "{shown}");
    f.server.stop().await;
}

/// Seed 003, "Authentication": onboarded through the web client (10011,
/// which leaves a usable facemap on the account), the user returns on
/// 10014 and authenticates through the web client; over API alone that
/// could never pass (no facemap).
#[tokio::test]
async fn a_returning_user_authenticates_on_10014_after_a_web_onboarding() {
    if browser::launch("probe").is_none() {
        return;
    }
    let (root, _seen, task) = landing().await;
    let f = fixture().await;
    let onboarding = f
        .platform()
        .create(json!({
            "customerInternalReference": "returning",
            "workflowDefinition": { "key": 10011 },
            "web": { "successUrl": format!("{root}/success") }
        }))
        .await;
    let account = onboarding.account.clone();
    let href = onboarding.body["web"]["href"]
        .as_str()
        .expect("href")
        .to_owned();
    let (_dir, jpeg, png) = images();
    let success = format!("{root}/success");
    let (files, landing_url) = ((jpeg.clone(), png.clone()), success.clone());
    let browser = browser::launch("onboarding").expect("found before");
    in_browser(move || walk(browser, href, "ALL_PASS", files, landing_url, None)).await;
    let onboarded = details(&f, &onboarding).await;
    assert_eq!(onboarded["decision"]["type"], "PASSED");

    let returning = f
        .platform()
        .update(
            &account,
            &json!({
                "customerInternalReference": "returning",
                "workflowDefinition": { "key": 10014 },
                "web": { "successUrl": format!("{root}/success") }
            }),
        )
        .await;
    let href = returning.body["web"]["href"]
        .as_str()
        .expect("href")
        .to_owned();
    let browser = browser::launch("returning").expect("found before");
    in_browser(move || walk(browser, href, "ALL_PASS", (jpeg, png), success, None)).await;
    let details = details(&f, &returning).await;
    assert_eq!(
        details["capabilities"]["authentication"][0]["decision"]["type"], "PASSED",
        "{details}"
    );
    assert_eq!(details["decision"]["type"], "PASSED");
    f.server.stop().await;
    task.abort();
}
