//! Scores as the platform gives them (issue 29, "The platform's default
//! score, modelled explicitly"; domain.md, "Top-level decision" and
//! "Scores without the customer's own rules"), swept over every standard
//! workflow (`sample_workflows/100xx`) and every built-in scenario.
//!
//! The default score follows the transaction's final decision: PASSED 0,
//! WARNING 50 (seed 003's IDIV sample: image checks WARNING, score 50),
//! REJECTED 71 (the default band's floor), NOT_EXECUTED -1; where the bands
//! were changed, each moves to the nearest score inside its band; warnings
//! alone never reject (seed 004: "a rejection in any single capability
//! will result in a rejection for the entire transaction"). Custom weights
//! act exactly as written.

use std::path::Path;

use idflow_core::catalog::{capability_spec, standard_workflow};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{
    Capability, DecisionType, Edge, NodeKind, RiskWeight, ScoreBands, Scoring, Workflow,
};
use idflow_core::simulate::{Outcome, Run, Scenario, builtin, by_name, simulate};

/// Every standard workflow as shipped (file name, workflow).
fn standard_samples() -> Vec<(String, Workflow)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_workflows");
    let mut out: Vec<(String, Workflow)> = std::fs::read_dir(&dir)
        .expect("sample_workflows")
        .map(|e| e.expect("entry").path())
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let w = parse_workflow(&text, Format::Ron).expect("a sample parses");
            let name = path.file_name()?.to_string_lossy().into_owned();
            standard_workflow(w.key).map(|_| (name, w))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 9, "the nine standard workflows");
    out
}

fn idiv() -> Workflow {
    standard_samples()
        .into_iter()
        .find(|(_, w)| w.key == 10011)
        .map(|(_, w)| w)
        .expect("10011")
}

/// The last risk step the run went through.
fn last_risk_step<'w>(w: &'w Workflow, run: &Run) -> Option<&'w idflow_core::model::Node> {
    run.path
        .iter()
        .rev()
        .filter_map(|id| w.node(id))
        .find(|n| matches!(n.kind, NodeKind::RiskCalculation(_)))
}

/// The bands the run's score is read against: those of the last risk step
/// reached (the defaults without one).
fn bands_of(w: &Workflow, run: &Run) -> ScoreBands {
    match last_risk_step(w, run).map(|n| &n.kind) {
        Some(NodeKind::RiskCalculation(r)) => r.bands.unwrap_or_default(),
        _ => ScoreBands::default(),
    }
}

fn set_every_risk_step(w: &mut Workflow, scoring: &Scoring, bands: Option<ScoreBands>) {
    for node in &mut w.nodes {
        if let NodeKind::RiskCalculation(r) = &mut node.kind {
            r.scoring = scoring.clone();
            r.bands = bands;
        }
    }
}

fn outcome(capability: Capability, decision: DecisionType) -> Outcome {
    Outcome {
        capability,
        credential: None,
        decision,
        label: capability_spec(capability).labels_for(decision)[0].to_owned(),
    }
}

/// Nothing arrived: no capability could run.
fn nothing_delivered() -> Scenario {
    let mut s = Scenario::new("NOTHING_DELIVERED", "", Vec::new());
    s.delivered = Some(Vec::new());
    s
}

/// Issue 29, acceptance: "every standard workflow x every built-in
/// scenario keeps its score inside its decision's band", and under DEFAULT
/// scoring the score is `default_score(decision)`.
#[test]
fn every_standard_workflow_under_every_builtin_scenario_scores_by_the_default() {
    let mut runs = 0;
    let mut seen = std::collections::BTreeSet::new();
    for (file, w) in standard_samples() {
        for scenario in builtin().into_iter().chain([nothing_delivered()]) {
            let run = simulate(&w, &scenario);
            let bands = bands_of(&w, &run);
            let (low, high) = bands.range(run.decision);
            assert!(
                (low..=high).contains(&run.risk_score),
                "{file} {}: {} {} outside {low}..={high}",
                scenario.name,
                run.decision,
                run.risk_score
            );
            assert_eq!(
                run.risk_score,
                bands.default_score(run.decision),
                "{file} {}: {}",
                scenario.name,
                run.decision
            );
            seen.insert(run.decision);
            runs += 1;
        }
    }
    assert_eq!(runs, 9 * (builtin().len() + 1));
    assert_eq!(
        seen.len(),
        4,
        "every decision occurs in the sweep: {seen:?}"
    );
}

/// Issue 29: PASSED 0, WARNING 50, REJECTED 71, NOT_EXECUTED -1 on the
/// default bands; seed 003's IDIV sample (image checks WARNING) scores 50.
#[test]
fn the_default_scores_are_0_50_71_and_minus_1() {
    let bands = ScoreBands::default();
    assert_eq!(
        DecisionType::ALL
            .iter()
            .map(|&d| (d, bands.default_score(d)))
            .collect::<Vec<_>>(),
        [
            (DecisionType::Passed, 0),
            (DecisionType::Rejected, 71),
            (DecisionType::Warning, 50),
            (DecisionType::NotExecuted, -1),
        ]
    );
    let w = idiv();
    for (scenario, expected) in [
        (
            by_name("ALL_PASS").expect("built-in"),
            (DecisionType::Passed, 0),
        ),
        // Seed 003's IDIV sample: image checks WARNING, score 50.
        (
            by_name("REPEATED_FACE").expect("built-in"),
            (DecisionType::Warning, 50),
        ),
        (
            by_name("FAKE_ID").expect("built-in"),
            (DecisionType::Rejected, 71),
        ),
        (nothing_delivered(), (DecisionType::NotExecuted, -1)),
    ] {
        let run = simulate(&w, &scenario);
        assert_eq!(
            (run.decision, run.risk_score),
            expected,
            "{}",
            scenario.name
        );
    }
}

/// Issue 29: "where the bands were changed, each moves to the nearest score
/// inside its band". Every valid pair of bands (PASSED up to p, WARNING up
/// to w, p < w < 100), every decision: the default score is the score of
/// its band nearest to 0, 50, 71 or -1.
#[test]
fn with_changed_bands_each_default_score_moves_to_the_nearest_score_in_its_band() {
    let base = |d| match d {
        DecisionType::Passed => 0i16,
        DecisionType::Warning => 50,
        DecisionType::Rejected => 71,
        DecisionType::NotExecuted => -1,
    };
    let mut moved = 0;
    for passed_up_to in 0u8..99 {
        for warning_up_to in passed_up_to + 1..100 {
            let bands = ScoreBands {
                passed_up_to,
                warning_up_to,
            };
            for &d in DecisionType::ALL {
                let (low, high) = bands.range(d);
                let nearest = (low..=high)
                    .min_by_key(|s| (s - base(d)).abs())
                    .expect("a valid band is not empty");
                assert_eq!(
                    bands.default_score(d),
                    nearest,
                    "{d} with PASSED up to {passed_up_to}, WARNING up to {warning_up_to}"
                );
                moved += usize::from(nearest != base(d));
            }
        }
    }
    assert!(moved > 0);
}

/// Issue 29, with changed bands in the workflow: every standard workflow x
/// every built-in scenario, its risk steps set to a sweep of bands, scores
/// the default of its decision in those bands.
#[test]
fn every_standard_workflow_scores_inside_changed_bands() {
    let sweep = [
        (0, 1),
        (10, 40),
        (30, 70),
        (49, 50),
        (50, 60),
        (60, 80),
        (69, 98),
        (97, 99),
    ];
    let mut moved = 0;
    for (file, w) in standard_samples() {
        for &(passed_up_to, warning_up_to) in &sweep {
            let bands = ScoreBands {
                passed_up_to,
                warning_up_to,
            };
            let mut copy = w.clone();
            set_every_risk_step(&mut copy, &Scoring::Default, Some(bands));
            for scenario in builtin().into_iter().chain([nothing_delivered()]) {
                let run = simulate(&copy, &scenario);
                if last_risk_step(&copy, &run).is_none() {
                    continue;
                }
                let (low, high) = bands.range(run.decision);
                assert!(
                    (low..=high).contains(&run.risk_score),
                    "{file} {} {bands:?}: {} {}",
                    scenario.name,
                    run.decision,
                    run.risk_score
                );
                assert_eq!(
                    run.risk_score,
                    bands.default_score(run.decision),
                    "{file} {} {bands:?}",
                    scenario.name
                );
                moved += usize::from(
                    run.risk_score != ScoreBands::default().default_score(run.decision),
                );
            }
        }
    }
    assert!(moved > 0, "some bands move some scores");
}

/// Seed 004: warnings alone are reviewed, never rejected. On every
/// standard workflow, a scenario where every capability it runs that can
/// WARN does so stays WARNING, score 50; so does each pair of them.
#[test]
fn several_warnings_stay_warning() {
    let mut checked = 0;
    for (file, w) in standard_samples() {
        let warns: Vec<Capability> = w
            .capabilities()
            .into_iter()
            .filter(|&c| {
                !capability_spec(c)
                    .labels_for(DecisionType::Warning)
                    .is_empty()
            })
            .collect();
        if warns.is_empty() {
            continue; // 10014, 10071: authentication never warns.
        }
        let mut scenarios = vec![Scenario::new(
            "EVERY_WARNING",
            "",
            warns
                .iter()
                .map(|&c| outcome(c, DecisionType::Warning))
                .collect(),
        )];
        for (n, &a) in warns.iter().enumerate() {
            for &b in &warns[n + 1..] {
                scenarios.push(Scenario::new(
                    "TWO_WARNINGS",
                    "",
                    vec![
                        outcome(a, DecisionType::Warning),
                        outcome(b, DecisionType::Warning),
                    ],
                ));
            }
        }
        for scenario in scenarios {
            let run = simulate(&w, &scenario);
            let warned = run
                .results
                .iter()
                .filter(|r| r.decision == DecisionType::Warning)
                .count();
            assert!(warned >= 1, "{file}: {:?}", scenario.outcomes);
            assert_eq!(
                (run.decision, run.risk_score),
                (DecisionType::Warning, 50),
                "{file}: {warned} warnings from {:?}",
                scenario.outcomes
            );
            checked += usize::from(warned >= 2);
        }
    }
    assert!(checked > 20, "{checked}");
}

/// Issue 29: "a workflow without a risk step scores by Default": every
/// standard workflow with its risk steps taken out decides and scores as
/// it does with them, under every built-in scenario (which is why
/// `no-risk-calculation` stays information).
#[test]
fn a_workflow_without_a_risk_step_scores_as_a_default_step_does() {
    for (file, w) in standard_samples() {
        let mut bare = w.clone();
        let risk: Vec<_> = bare
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::RiskCalculation(_)))
            .map(|n| n.id.clone())
            .collect();
        for id in &risk {
            let next = bare
                .edges
                .iter()
                .find(|e| &e.from == id)
                .map(|e| e.to.clone())
                .expect("a risk step leads on");
            let mut edges: Vec<Edge> = bare
                .edges
                .iter()
                .filter(|e| &e.from != id)
                .cloned()
                .collect();
            for e in &mut edges {
                if &e.to == id {
                    e.to = next.clone();
                }
            }
            bare.edges = edges;
            bare.nodes.retain(|n| &n.id != id);
        }
        assert!(!risk.is_empty());
        for scenario in builtin().into_iter().chain([nothing_delivered()]) {
            let with = simulate(&w, &scenario);
            let without = simulate(&bare, &scenario);
            assert_eq!(
                (without.decision, without.risk_score),
                (with.decision, with.risk_score),
                "{file} {}",
                scenario.name
            );
        }
    }
}

/// The weights every standard workflow shipped with before issue 29
/// (REJECTED 100, WARNING 50 on each capability): what an existing custom
/// copy still carries.
fn previous_weights(w: &Workflow) -> Scoring {
    Scoring::Weights(
        w.capabilities()
            .into_iter()
            .flat_map(|capability| {
                [(DecisionType::Rejected, 100), (DecisionType::Warning, 50)].map(
                    |(decision, weight)| RiskWeight {
                        capability,
                        decision,
                        weight,
                    },
                )
            })
            .collect(),
    )
}

/// Issue 29: "Custom weights act exactly as written". Every standard
/// workflow with the weights it shipped with before, every built-in
/// scenario and two warnings: the score is the capped sum of the weights
/// whose outcome occurred, and the decision the more severe of the
/// capabilities' decision and the score's band (a sum in the REJECTED band
/// rejects; issue 11, "one rule for decision and score").
#[test]
fn custom_weights_act_exactly_as_written() {
    let severity = |d| match d {
        DecisionType::Passed => 0,
        DecisionType::Warning => 1,
        DecisionType::Rejected => 2,
        DecisionType::NotExecuted => 3,
    };
    let mut rejected_by_warnings = 0;
    for (file, w) in standard_samples() {
        let mut copy = w.clone();
        set_every_risk_step(&mut copy, &previous_weights(&w), None);
        let two = Scenario::new(
            "TWO_WARNINGS",
            "",
            vec![
                outcome(Capability::Usability, DecisionType::Warning),
                outcome(Capability::ImageChecks, DecisionType::Warning),
            ],
        );
        for scenario in builtin().into_iter().chain([nothing_delivered(), two]) {
            let run = simulate(&copy, &scenario);
            let Some(step) = last_risk_step(&copy, &run) else {
                continue;
            };
            let NodeKind::RiskCalculation(r) = &step.kind else {
                unreachable!()
            };
            let sum: u32 = r
                .weights()
                .iter()
                .filter(|x| {
                    run.results
                        .iter()
                        .any(|o| o.capability == x.capability && o.decision == x.decision)
                })
                .map(|x| u32::from(x.weight))
                .sum();
            let raw = sum.min(100) as i16;
            let bands = ScoreBands::default();
            let c = run.overall();
            let by_score = bands.decision(raw);
            let expected = if severity(c) > severity(by_score) {
                (c, bands.range(c).0)
            } else {
                (by_score, raw)
            };
            assert_eq!(
                (run.decision, run.risk_score),
                expected,
                "{file} {}",
                scenario.name
            );
            if c == DecisionType::Warning && run.decision == DecisionType::Rejected {
                rejected_by_warnings += 1;
            }
        }
    }
    assert!(rejected_by_warnings > 0, "a sum of warnings rejects");
    // The same two warnings under the default: WARNING 50 (seed 004).
    let two = Scenario::new(
        "TWO_WARNINGS",
        "",
        vec![
            outcome(Capability::Liveness, DecisionType::Warning),
            outcome(Capability::ImageChecks, DecisionType::Warning),
        ],
    );
    let run = simulate(&idiv(), &two);
    assert_eq!((run.decision, run.risk_score), (DecisionType::Warning, 50));
    let mut custom = idiv();
    set_every_risk_step(&mut custom, &previous_weights(&idiv()), None);
    let run = simulate(&custom, &two);
    assert_eq!(
        (run.decision, run.risk_score),
        (DecisionType::Rejected, 100)
    );
}

/// The designer's "Custom weights" starts from `default_weights`: on every
/// standard workflow that table shows no `risk-warnings-reject` (seed 004:
/// warnings alone are reviewed, never rejected), so a new custom rule does
/// not start with warnings that reject.
#[test]
fn the_starting_weights_never_let_warnings_reject() {
    for (name, mut w) in standard_samples() {
        let capabilities = w.capabilities();
        let weights = idflow_core::catalog::default_weights(&capabilities);
        set_every_risk_step(&mut w, &Scoring::Weights(weights), None);
        let codes: Vec<&str> = idflow_core::lint::lint(&w)
            .findings
            .iter()
            .map(|f| f.code)
            .filter(|c| *c == "risk-warnings-reject")
            .collect();
        assert!(codes.is_empty(), "{name}: {codes:?}");
    }
}

/// Any bands a file can hold (u8 each, valid or not: lint's `risk-bands`
/// refuses the invalid ones) give every decision a score without a panic,
/// and lint and the simulator run on them (schemathesis published such a
/// file and the server's lint panicked in `clamp`).
#[test]
fn any_bands_a_file_can_hold_score_without_a_panic() {
    let decisions = [
        DecisionType::Passed,
        DecisionType::Warning,
        DecisionType::Rejected,
        DecisionType::NotExecuted,
    ];
    for passed_up_to in (0..=255u8).step_by(5) {
        for warning_up_to in (0..=255u8).step_by(5) {
            let bands = ScoreBands {
                passed_up_to,
                warning_up_to,
            };
            for d in decisions {
                let _ = bands.default_score(d);
                let _ = bands.into_band(d, 55);
            }
        }
    }
    let mut w = idiv();
    set_every_risk_step(
        &mut w,
        &Scoring::Default,
        Some(ScoreBands {
            passed_up_to: 250,
            warning_up_to: 200,
        }),
    );
    let report = idflow_core::lint::lint(&w);
    assert!(report.findings.iter().any(|f| f.code == "risk-bands"));
    for scenario in builtin() {
        let _ = simulate(&w, &scenario);
    }
}
