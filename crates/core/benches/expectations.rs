//! Issue 34: the cost of expectations. They run with lint on every edit:
//! 10011's starter expectations, goal < 1 ms. Also shown: lint with and
//! without them (what an edit costs in all), and the loosening check a
//! publish runs (10011 against itself with Similarity unticked).

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use idflow_core::expectations::{evaluate, loosenings, with_starter_expectations};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::lint::lint;
use idflow_core::model::{Capability, NodeKind, Workflow};

fn idiv() -> Workflow {
    parse_workflow(
        include_str!("../../../sample_workflows/10011-idiv.ron"),
        Format::Ron,
    )
    .expect("sample")
}

fn without_similarity(mut w: Workflow) -> Workflow {
    for node in &mut w.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.capabilities.retain(|c| *c != Capability::Similarity);
        }
    }
    w
}

fn benches(c: &mut Criterion) {
    let plain = idiv();
    let expecting = with_starter_expectations(idiv());
    c.bench_function("expectations/10011_starters", |b| {
        b.iter(|| evaluate(black_box(&expecting)))
    });
    c.bench_function("lint/10011_with_starters", |b| {
        b.iter(|| lint(black_box(&expecting)))
    });
    c.bench_function("lint/10011_without_expectations", |b| {
        b.iter(|| lint(black_box(&plain)))
    });
    let loosened = without_similarity(expecting.clone());
    c.bench_function("loosenings/10011_similarity_unticked", |b| {
        b.iter(|| loosenings(black_box(&expecting), black_box(&loosened)))
    });
}

fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..101)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    let plain = idiv();
    let expecting = with_starter_expectations(idiv());
    let count = expecting.expectations.len();
    let evaluate_ms = median_ms(|| {
        black_box(evaluate(&expecting).len());
    });
    let lint_with_ms = median_ms(|| {
        black_box(lint(&expecting).findings.len());
    });
    let lint_without_ms = median_ms(|| {
        black_box(lint(&plain).findings.len());
    });
    let loosened = without_similarity(expecting.clone());
    let loosenings_ms = median_ms(|| {
        black_box(loosenings(&expecting, &loosened).len());
    });
    println!("\nidflow expectations summary (median of 101 runs)");
    println!(
        "expectations of 10011 on every edit ({count} starters): {evaluate_ms:.4} ms (goal < 1 ms: {})",
        if evaluate_ms < 1.0 { "met" } else { "MISSED" }
    );
    println!("lint of 10011: {lint_with_ms:.4} ms with them, {lint_without_ms:.4} ms without");
    println!("loosening check at publish (10011, Similarity unticked): {loosenings_ms:.4} ms");
}
