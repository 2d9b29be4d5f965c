//! Lint: a registry of rules that catch what the platform would reject.
//!
//! Each rule has a stable code, a default severity, and reports findings
//! that say what is wrong and what to do, pointing at a node and field.
//! Errors block publishing. A workflow's `lint` map overrides severities or
//! turns rules off, as bpmnlint's configuration does.

mod analysis;
mod rules;

use serde::Serialize;

pub use analysis::Analysis;
pub use rules::RULES;

use crate::model::{NodeId, RuleSetting, Workflow};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<NodeId>,
    /// The node's setting at fault (`channels`, `capabilities`, `condition`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// The expectation it is about (`expectation-broken`,
    /// `expectation-invalid`), by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expectation: Option<String>,
}

/// A lint rule in the registry.
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// What the rule checks, for help texts and documentation.
    pub summary: &'static str,
    pub(crate) check: fn(&Analysis<'_>, &mut Sink),
}

impl Rule {
    pub fn find(code: &str) -> Option<&'static Rule> {
        RULES.iter().find(|r| r.code == code)
    }
}

/// Collects one rule's findings before code and severity are attached.
#[derive(Default)]
pub(crate) struct Sink {
    raw: Vec<Raw>,
}

/// A finding before its code and severity.
struct Raw {
    node: Option<usize>,
    field: Option<&'static str>,
    expectation: Option<String>,
    message: String,
}

impl Sink {
    pub(crate) fn node(&mut self, node: usize, field: Option<&'static str>, message: String) {
        self.raw.push(Raw {
            node: Some(node),
            field,
            expectation: None,
            message,
        });
    }

    pub(crate) fn workflow(&mut self, field: Option<&'static str>, message: String) {
        self.raw.push(Raw {
            node: None,
            field,
            expectation: None,
            message,
        });
    }

    /// A finding about an expectation, on a node when there is one to
    /// point at (where its run ended).
    pub(crate) fn expectation(&mut self, node: Option<usize>, id: &str, message: String) {
        self.raw.push(Raw {
            node,
            field: Some("expectations"),
            expectation: Some(id.to_owned()),
            message,
        });
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LintReport {
    pub findings: Vec<Finding>,
}

impl LintReport {
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn for_node<'a>(&'a self, id: &'a NodeId) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.node.as_ref() == Some(id))
    }

    pub fn has_code(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// The findings about one expectation.
    pub fn for_expectation<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.expectation.as_deref() == Some(id))
    }
}

/// Lints a workflow with its own rule configuration.
pub fn lint(workflow: &Workflow) -> LintReport {
    let analysis = Analysis::new(workflow, rules::needed_facts);
    let mut findings = Vec::new();
    for rule in RULES {
        let severity = match workflow.lint.get(rule.code) {
            Some(RuleSetting::Off) => continue,
            Some(RuleSetting::Info) => Severity::Info,
            Some(RuleSetting::Warning) => Severity::Warning,
            Some(RuleSetting::Error) => Severity::Error,
            None => rule.severity,
        };
        let mut sink = Sink::default();
        (rule.check)(&analysis, &mut sink);
        findings.extend(sink.raw.into_iter().map(|raw| Finding {
            code: rule.code,
            severity,
            message: raw.message,
            node: raw.node.map(|i| workflow.nodes[i].id.clone()),
            field: raw.field,
            expectation: raw.expectation,
        }));
    }
    // Most severe first, then in node order, so the first line is the one to fix.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    LintReport { findings }
}
