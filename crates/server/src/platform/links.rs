//! The absolute URLs the platform API hands out, all under one base
//! (`http://` + the Host the client used).

use axum::http::{HeaderMap, header};
use idflow_core::model::Part;

/// Where the platform API is mounted.
pub const PREFIX: &str = "/api/v1";

/// The base URL of a request: `http://` + its Host header, which must be a
/// plain host[:port] (letters, digits, `.`, `-`, `:`, `[`, `]`). `None`
/// when it is missing or anything else.
pub fn base_url(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?.trim();
    let plain = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    plain.then(|| format!("http://{host}"))
}

/// URLs under one base.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    pub base: &'a str,
}

impl Links<'_> {
    pub fn account(&self, account: &str) -> String {
        format!("{}{PREFIX}/accounts/{account}", self.base)
    }

    /// The execution's details (GET) and finalize (PUT) URL.
    pub fn execution(&self, account: &str, execution: &str) -> String {
        format!("{}/workflow-executions/{execution}", self.account(account))
    }

    pub fn status(&self, account: &str, execution: &str) -> String {
        format!("{}/status", self.execution(account, execution))
    }

    pub fn part(&self, account: &str, execution: &str, credential: &str, part: Part) -> String {
        format!(
            "{}/credentials/{credential}/parts/{}",
            self.execution(account, execution),
            part.as_str()
        )
    }

    /// The Web Client's URL (served by `routes::web`).
    pub fn web(&self, token: &str, locale: &str) -> String {
        format!(
            "{}/web/v4/app?authorizationToken={token}&locale={locale}",
            self.base
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_host(host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).expect("header"));
        headers
    }

    #[test]
    fn the_base_is_the_host_the_client_used() {
        assert_eq!(
            base_url(&with_host("127.0.0.1:38211")).as_deref(),
            Some("http://127.0.0.1:38211")
        );
        assert_eq!(
            base_url(&with_host("[::1]:80")).as_deref(),
            Some("http://[::1]:80")
        );
        assert_eq!(base_url(&with_host("evil/path?x")), None);
        assert_eq!(base_url(&HeaderMap::new()), None);
    }

    #[test]
    fn part_urls_name_the_classifier_in_capitals() {
        let links = Links { base: "http://h" };
        assert_eq!(
            links.part("a", "w", "c", Part::Front),
            "http://h/api/v1/accounts/a/workflow-executions/w/credentials/c/parts/FRONT"
        );
    }
}
