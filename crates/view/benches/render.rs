//! Pictures without a window (issue 16): the SVG of 1,000 and 5,000 steps
//! (goal: 1,000 under 50 ms), and the PNG of a standard workflow.
//! `cargo bench --bench render` prints the figures and whether the goal is
//! met.

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use idflow_core::synthetic::synthetic_workflow;
use idflow_view::{png, svg};

const GOAL_MS: f64 = 50.0;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    group.measurement_time(Duration::from_secs(4));
    for n in [1_000, 5_000] {
        let w = synthetic_workflow(n);
        group.bench_function(format!("svg {n} steps"), |b| b.iter(|| svg(&w, None, None)));
    }
    let small = synthetic_workflow(10);
    let picture = svg(&small, None, None);
    group.bench_function("png 10 steps", |b| b.iter(|| png(&picture, 1.0)));
    group.finish();
    summary();
}

fn summary() {
    let w = synthetic_workflow(1_000);
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let start = Instant::now();
            let picture = svg(&w, None, None);
            std::hint::black_box(picture.len());
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2].as_secs_f64() * 1e3;
    println!(
        "\nrender summary: SVG of 1,000 steps in {median:.2} ms (median of 21); goal < {GOAL_MS} ms: {}",
        if median < GOAL_MS { "met" } else { "MISSED" }
    );
}

criterion_group!(render, benches);
criterion_main!(render);
