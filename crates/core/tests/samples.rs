//! The shipped sample workflows: lint-clean, and the standard ones match the
//! platform's documented credentials and capabilities (seed 003).

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use idflow_core::catalog::{STANDARD_WORKFLOWS, standard_workflow};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::lint::lint;
use idflow_core::model::{Capability, CredentialCategory, NodeKind, Part, Scoring, Workflow};

fn samples() -> Vec<(PathBuf, Workflow)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../sample_workflows");
    let mut out = Vec::new();
    for entry in fs::read_dir(&dir).expect("sample_workflows exists") {
        let path = entry.expect("entry").path();
        let text = fs::read_to_string(&path).expect("readable");
        let w = parse_workflow(&text, Format::Ron)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((path, w));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Issue 29, acceptance: "`idflow lint sample_workflows/*`: 0 errors, 0
/// warnings, and the samples turn no lint rule off or down". Every file in
/// `sample_workflows/`, with the rules' own severities.
#[test]
fn every_sample_is_free_of_lint_errors_and_warnings_and_configures_no_rule() {
    let all = samples();
    assert!(
        all.len() >= 11,
        "9 standard + 2 custom samples, found {}",
        all.len()
    );
    for (path, w) in &all {
        assert!(
            w.lint.is_empty(),
            "{}: turns rules off or down: {:?}",
            path.display(),
            w.lint
        );
        let report = lint(w);
        let serious: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity != idflow_core::lint::Severity::Info)
            .collect();
        assert!(serious.is_empty(), "{}: {serious:#?}", path.display());
    }
}

/// Issue 29: "The standard workflows switch to Default, so their
/// hand-written weights go"; they are written in today's format (2).
#[test]
fn standard_samples_score_by_the_platforms_default_in_format_2() {
    let mut risk_steps = 0;
    for (path, w) in samples() {
        if standard_workflow(w.key).is_none() {
            continue;
        }
        let text = fs::read_to_string(&path).expect("readable");
        assert!(
            text.contains("format_version: 2,"),
            "{}: not written in format 2",
            path.display()
        );
        for node in &w.nodes {
            if let NodeKind::RiskCalculation(r) = &node.kind {
                assert_eq!(
                    r.scoring,
                    Scoring::Default,
                    "{} {}",
                    path.display(),
                    node.id
                );
                risk_steps += 1;
            }
        }
    }
    assert_eq!(
        risk_steps, 11,
        "9 standard workflows, two with two risk steps"
    );
}

#[test]
fn every_standard_workflow_has_a_sample() {
    let keys: BTreeSet<u32> = samples().iter().map(|(_, w)| w.key).collect();
    for standard in STANDARD_WORKFLOWS {
        assert!(
            keys.contains(&standard.key),
            "no sample for {}",
            standard.key
        );
    }
}

#[test]
fn standard_samples_collect_and_check_what_the_platform_documents() {
    for (path, w) in samples() {
        let Some(standard) = standard_workflow(w.key) else {
            continue;
        };
        let mut credentials = BTreeSet::new();
        let mut prepared_data = false;
        let mut capabilities = BTreeSet::new();
        for node in &w.nodes {
            match &node.kind {
                NodeKind::Acquisition(a) => {
                    credentials.extend(a.credentials().filter(|c| *c != CredentialCategory::Data));
                    prepared_data |= a.category == CredentialCategory::Data
                        && a.parts.contains(&Part::PreparedData);
                }
                NodeKind::Service(s) => capabilities.extend(s.capabilities.iter().copied()),
                NodeKind::RiskSignal(r) => {
                    capabilities.insert(r.signal.capability());
                }
                _ => {}
            }
        }
        let expected: BTreeSet<CredentialCategory> = standard.credentials.iter().copied().collect();
        assert_eq!(credentials, expected, "{}: credentials", path.display());
        assert_eq!(
            prepared_data,
            standard.prepared_data,
            "{}: prepared data",
            path.display()
        );
        let expected: BTreeSet<Capability> = standard.capabilities.iter().copied().collect();
        assert_eq!(capabilities, expected, "{}: capabilities", path.display());
    }
}

#[test]
fn watchlist_screening_in_10167_runs_only_after_a_no_fraud_decision() {
    let (_, w) = samples()
        .into_iter()
        .find(|(_, w)| w.key == 10167)
        .expect("10167");
    let screening = w
        .nodes
        .iter()
        .find(|n| matches!(&n.kind, NodeKind::RiskSignal(r) if r.signal.capability() == Capability::WatchlistScreening))
        .expect("screening node");
    let into: Vec<_> = w.edges.iter().filter(|e| e.to == screening.id).collect();
    assert_eq!(into.len(), 1);
    let from = w.node(&into[0].from).expect("source");
    assert!(
        matches!(from.kind, NodeKind::Decision(_)),
        "screening follows a decision"
    );
    assert_eq!(into[0].port, idflow_core::model::Port::Then);
}
