//! One simulated run on a generated 10,000-node workflow (goal < 5 ms) and
//! the full what-if matrix on 10011 (goal < 1 ms per scenario).

use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use idflow_core::format::{Format, parse_workflow};
use idflow_core::simulate::{DetailsContext, builtin, by_name, details, matrix, simulate};
use idflow_core::synthetic::synthetic_workflow;

fn benches(c: &mut Criterion) {
    let big = synthetic_workflow(10_000);
    let all_pass = by_name("ALL_PASS").expect("built-in");
    c.bench_function("simulate/10000_nodes", |b| {
        b.iter(|| simulate(black_box(&big), &all_pass))
    });
    let idiv = parse_workflow(
        include_str!("../../../sample_workflows/10011-idiv.ron"),
        Format::Ron,
    )
    .expect("sample");
    let scenarios = builtin();
    c.bench_function("matrix/10011_all_builtin", |b| {
        b.iter(|| matrix(black_box(&idiv), &scenarios))
    });
    c.bench_function("details/10011", |b| {
        let run = simulate(&idiv, &all_pass);
        b.iter(|| {
            details(
                &idiv,
                black_box(&run),
                &DetailsContext::for_run(&idiv, &run),
            )
        })
    });
}

fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..21)
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
    let big = synthetic_workflow(10_000);
    let all_pass = by_name("ALL_PASS").expect("built-in");
    let run_ms = median_ms(|| {
        black_box(simulate(&big, &all_pass).path.len());
    });
    let idiv = parse_workflow(
        include_str!("../../../sample_workflows/10011-idiv.ron"),
        Format::Ron,
    )
    .expect("sample");
    let scenarios = builtin();
    let matrix_ms = median_ms(|| {
        black_box(matrix(&idiv, &scenarios).len());
    });
    let per = matrix_ms / scenarios.len() as f64;
    println!("\nidflow simulator summary (median of 21 runs)");
    println!(
        "one run, 10,000 nodes: {run_ms:.3} ms (goal < 5 ms: {})",
        if run_ms < 5.0 { "met" } else { "MISSED" }
    );
    println!(
        "matrix on 10011, {} scenarios: {matrix_ms:.3} ms = {per:.4} ms per scenario (goal < 1 ms: {})",
        scenarios.len(),
        if per < 1.0 { "met" } else { "MISSED" }
    );
}
