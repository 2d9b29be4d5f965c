//! Load (parse + check) and lint of generated workflows of 100, 1,000 and
//! 10,000 nodes. Goals on the 2-core reference machine: lint of 10,000 nodes
//! under 10 ms, load under 50 ms, cost growing linearly. The peer figure is
//! bpmnlint: 0.37 s to lint a 1,000-element diagram on this machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use idflow_core::lint::lint;
use idflow_core::synthetic::synthetic_workflow;

const SIZES: [usize; 3] = [100, 1_000, 10_000];
const BPMNLINT_1000_SECONDS: f64 = 0.37;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_ron");
    for &n in &SIZES {
        let text = workflow_to_text(&synthetic_workflow(n), Format::Ron);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| parse_workflow(black_box(text), Format::Ron))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("load_json");
    for &n in &SIZES {
        let text = workflow_to_text(&synthetic_workflow(n), Format::Json);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| parse_workflow(black_box(text), Format::Json))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("lint");
    for &n in &SIZES {
        let workflow = synthetic_workflow(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &workflow, |b, w| {
            b.iter(|| lint(black_box(w)))
        });
    }
    group.finish();
}

fn median<F: FnMut()>(mut f: F) -> Duration {
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The figures the issue asks for, in one table.
fn summary() {
    println!("\nidflow load/lint summary (median of 15 runs)");
    println!(
        "{:>7} {:>12} {:>12} {:>10}",
        "nodes", "load RON ms", "load JSON ms", "lint ms"
    );
    let mut lint_1000 = 0.0;
    for &n in &SIZES {
        let w = synthetic_workflow(n);
        let ron = workflow_to_text(&w, Format::Ron);
        let json = workflow_to_text(&w, Format::Json);
        let load_ron = median(|| {
            black_box(parse_workflow(&ron, Format::Ron).is_ok());
        });
        let load_json = median(|| {
            black_box(parse_workflow(&json, Format::Json).is_ok());
        });
        let linted = median(|| {
            black_box(lint(&w).findings.len());
        });
        if n == 1_000 {
            lint_1000 = linted.as_secs_f64();
        }
        println!(
            "{n:>7} {:>12.3} {:>12.3} {:>10.3}",
            ms(load_ron),
            ms(load_json),
            ms(linted)
        );
        if n == 10_000 {
            println!(
                "goals at 10,000 nodes: lint < 10 ms ({}), load < 50 ms ({})",
                if ms(linted) < 10.0 { "met" } else { "MISSED" },
                if ms(load_ron) < 50.0 { "met" } else { "MISSED" }
            );
        }
    }
    if lint_1000 > 0.0 {
        println!(
            "lint at 1,000 nodes: {:.0}x faster than bpmnlint (0.37 s)",
            BPMNLINT_1000_SECONDS / lint_1000
        );
    }
}

/// Worst cases a hostile or broken file can be (issue 13): 6 MB of nested
/// `Some(` took over 10 s before the nesting bound; now refused in one pass.
fn worst_cases(c: &mut Criterion) {
    let deep = format!(
        "(\n  format_version: 1,\n  key: {}",
        "Some(".repeat(6 * 1024 * 1024 / 5)
    );
    let mut group = c.benchmark_group("parse_worst");
    group.sample_size(20);
    group.bench_function("nested_6mb_refused", |b| {
        b.iter(|| parse_workflow(black_box(&deep), Format::Ron).is_err())
    });
    group.finish();
    let start = Instant::now();
    let refused = parse_workflow(&deep, Format::Ron).is_err();
    println!(
        "worst case: 6 MB nested RON refused={refused} in {:.2} ms (unbounded: over 10 s)",
        start.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    worst_cases(&mut c);
    c.final_summary();
    summary();
}
