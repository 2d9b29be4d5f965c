//! Backtest (issue 18): 100,000 generated retrieval documents of 10011,
//! streamed from an NDJSON file on disk and replayed through 10011 and a
//! copy with Liveness unticked, parsing included. Goal: under 2 s on this
//! 2-core machine, memory bounded (documents are read a batch at a time).

use std::io::Write;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::Criterion;
use idflow_core::backtest::{self, Keep, Sides, generate, source};
use idflow_core::format::{Format, parse_workflow};
use idflow_core::model::{Capability, NodeKind, Workflow};

// As in the `idflow` binary that runs `idflow backtest`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DOCUMENTS: usize = 100_000;
const GOAL: Duration = Duration::from_secs(2);

fn idiv() -> Workflow {
    parse_workflow(
        include_str!("../../../sample_workflows/10011-idiv.ron"),
        Format::Ron,
    )
    .expect("sample")
}

fn main() {
    let a = idiv();
    let mut b = a.clone();
    for node in &mut b.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.capabilities.retain(|c| *c != Capability::Liveness);
        }
    }
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("documents.ndjson");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    for generated in generate::documents(&a, DOCUMENTS, 2026) {
        serde_json::to_writer(&mut file, &generated.document).expect("write");
        file.write_all(b"\n").expect("write");
    }
    file.flush().expect("flush");
    drop(file);
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let paths = [path.clone()];
    let replay_all = || {
        // As `idflow backtest` runs it: rows streamed, 50 of each kind kept.
        let report = backtest::run_with(
            Sides::new(&a, Some(&b)),
            source::inputs(&paths),
            &AtomicBool::new(false),
            |_| {},
            Keep::Notable { per_kind: 50 },
            |_| {},
        );
        assert_eq!(report.documents(), DOCUMENTS);
        report
    };

    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .configure_from_args();
    c.bench_function("backtest/100000_documents_two_workflows", |bench| {
        bench.iter(|| replay_all().changed())
    });
    c.final_summary();

    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let began = Instant::now();
            std::hint::black_box(replay_all());
            began.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let report = replay_all();
    // Peak resident memory of this process (Linux), generation included.
    let peak_mb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0);
    println!(
        "backtest: peak resident memory {peak_mb:.0} MB for {:.0} MB of documents",
        bytes as f64 / 1e6
    );
    println!(
        "backtest: {DOCUMENTS} documents ({:.0} MB NDJSON) through two workflows: median {:.2} s, {:.0} documents/s; goal < {:.0} s: {}; changed {}, agreement {:.1} %",
        bytes as f64 / 1e6,
        median.as_secs_f64(),
        DOCUMENTS as f64 / median.as_secs_f64(),
        GOAL.as_secs_f64(),
        if median < GOAL { "met" } else { "NOT met" },
        report.changed(),
        report.agreement.percent().unwrap_or(0.0),
    );
}
