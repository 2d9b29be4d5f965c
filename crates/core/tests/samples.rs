//! The shipped sample workflows: lint-clean, and the standard ones match the
//! platform's documented credentials and capabilities (seed 003).

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use idflow_core::catalog::{STANDARD_WORKFLOWS, standard_workflow};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::lint::lint;
use idflow_core::model::{Capability, CredentialCategory, NodeKind, Part, Workflow};

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

#[test]
fn every_sample_is_free_of_lint_errors_and_warnings() {
    let all = samples();
    assert!(
        all.len() >= 11,
        "9 standard + 2 custom samples, found {}",
        all.len()
    );
    for (path, w) in &all {
        let report = lint(w);
        let serious: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity != idflow_core::lint::Severity::Info)
            .collect();
        assert!(serious.is_empty(), "{}: {serious:#?}", path.display());
    }
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
