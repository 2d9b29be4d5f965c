//! The absolute URLs the platform API hands out, all under one base: the
//! server's public URL (`--public-url`), never the request's Host header.

use idflow_core::model::Part;

/// Where the platform API is mounted.
pub const PREFIX: &str = "/api/v1";

/// URLs under one base.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    pub base: &'a str,
}

impl Links<'_> {
    /// `parts` after the base, in one allocation: an account's answer
    /// holds a dozen links, and nested `format!`s were 3 % of account
    /// creation's CPU.
    fn join(&self, parts: &[&str]) -> String {
        let length = self.base.len() + parts.iter().map(|p| p.len()).sum::<usize>();
        let mut url = String::with_capacity(length);
        url.push_str(self.base);
        for part in parts {
            url.push_str(part);
        }
        url
    }

    /// `rest` under the execution's URL.
    fn under_execution(&self, account: &str, execution: &str, rest: &[&str]) -> String {
        let head = [
            PREFIX,
            "/accounts/",
            account,
            "/workflow-executions/",
            execution,
        ];
        self.join(&[&head[..], rest].concat())
    }

    pub fn account(&self, account: &str) -> String {
        self.join(&[PREFIX, "/accounts/", account])
    }

    /// The execution's details (GET) and finalize (PUT) URL.
    pub fn execution(&self, account: &str, execution: &str) -> String {
        self.under_execution(account, execution, &[])
    }

    pub fn status(&self, account: &str, execution: &str) -> String {
        self.under_execution(account, execution, &["/status"])
    }

    pub fn part(&self, account: &str, execution: &str, credential: &str, part: Part) -> String {
        self.under_execution(
            account,
            execution,
            &["/credentials/", credential, "/parts/", part.as_str()],
        )
    }

    /// The Web Client's URL (served by `routes::web`).
    pub fn web(&self, token: &str, locale: &str) -> String {
        self.join(&["/web/v4/app?authorizationToken=", token, "&locale=", locale])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_is_under_the_base() {
        let links = Links { base: "http://h" };
        assert_eq!(links.account("a"), "http://h/api/v1/accounts/a");
        assert_eq!(
            links.execution("a", "w"),
            "http://h/api/v1/accounts/a/workflow-executions/w"
        );
        assert_eq!(
            links.status("a", "w"),
            "http://h/api/v1/accounts/a/workflow-executions/w/status"
        );
        assert_eq!(
            links.web("t.k.n", "de"),
            "http://h/web/v4/app?authorizationToken=t.k.n&locale=de"
        );
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
