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

    #[test]
    fn part_urls_name_the_classifier_in_capitals() {
        let links = Links { base: "http://h" };
        assert_eq!(
            links.part("a", "w", "c", Part::Front),
            "http://h/api/v1/accounts/a/workflow-executions/w/credentials/c/parts/FRONT"
        );
    }
}
