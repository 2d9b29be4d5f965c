//! `idflow backtest A [--against B] --from PATH...`: recorded retrieval
//! documents replayed through A (and B), summarised. A thin face over
//! `idflow_core::backtest`. Exit 0 on success; 1 with `--fail-on-change`
//! when a decision changed from A to B; 2 when a workflow or an input path
//! cannot be read, or no document at all could be. A malformed document
//! among readable ones is reported (file, line, field), skipped and
//! counted; it does not change the exit code.
//!
//! Agreement with the record is computed over the documents of the
//! recorded keys A stands for (`--recorded-key`; by default A's own key
//! and, for a custom copy in the store, the Global it was duplicated from:
//! issue 29).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use clap::ValueEnum;
use idflow_core::Workflow;
use idflow_core::backtest::{self, Keep, Report, Row, Side, Sides};
use idflow_core::model::DecisionType;
use idflow_store::{Origin, Store, StoreError};
use serde_json::{Value, json};

use super::diff::{Reference, read, reference};
use super::store::Target;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BacktestFormat {
    Text,
    Json,
    Csv,
}

pub struct Options {
    pub format: BacktestFormat,
    pub show_data: bool,
    pub fail_on_change: bool,
    /// The recorded keys A stands for; empty: the default (see
    /// [`default_recorded_keys`]).
    pub recorded_keys: Vec<u32>,
}

/// How many rows of each kind the text report lists.
const LISTED: usize = 50;

pub fn run(
    target: Target<'_>,
    a: &str,
    against: Option<&str>,
    from: &[PathBuf],
    options: &Options,
) -> u8 {
    let mut store = None;
    let reference_a = reference(a);
    let workflow_a = match read(&reference_a, &mut store, target) {
        Ok(workflow) => workflow,
        Err(failure) => return failure.report(a),
    };
    let workflow_b = match against {
        Some(b) => match read(&reference(b), &mut store, target) {
            Ok(workflow) => Some(workflow),
            Err(failure) => return failure.report(b),
        },
        None => None,
    };
    let recorded_keys = if options.recorded_keys.is_empty() {
        default_recorded_keys(&reference_a, &workflow_a, store.as_deref())
    } else {
        options.recorded_keys.clone()
    };
    for path in from {
        // A link that loops or leads nowhere exists: the reader says why
        // it cannot be read.
        if std::fs::symlink_metadata(path).is_err() {
            eprintln!("error: {}: no such file or folder", path.display());
            return exit::UNREADABLE;
        }
    }
    let sides = Sides {
        a: &workflow_a,
        b: workflow_b.as_ref(),
        recorded_keys: Some(&recorded_keys),
    };
    let inputs = backtest::source::inputs(from);
    let mut progress = Progress::new(inputs.total_bytes());
    let read_bytes = std::cell::Cell::new(0u64);
    let inputs = inputs.inspect(|input| {
        let size = input.text.as_ref().map_or(0, String::len) as u64;
        read_bytes.set(read_bytes.get() + size);
    });
    // Rows are written as they are made (json, csv) or only the first of
    // each kind kept (text): memory stays bounded however long the input.
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let keep = match options.format {
        BacktestFormat::Text => Keep::Notable { per_kind: LISTED },
        BacktestFormat::Json | BacktestFormat::Csv => Keep::Notable { per_kind: 0 },
    };
    // A closed stdout (`| head`) is not an error worth reporting.
    let _ = match options.format {
        BacktestFormat::Json => out.write_all(b"{\n  \"transactions\": [\n"),
        BacktestFormat::Csv => out.write_all(csv_header(options.show_data).as_bytes()),
        BacktestFormat::Text => Ok(()),
    };
    let mut first = true;
    let report = backtest::run_with(
        sides,
        inputs,
        &AtomicBool::new(false),
        |done| progress.show(done, read_bytes.get()),
        keep,
        |row| {
            let _ = match options.format {
                BacktestFormat::Json => {
                    let separator = if std::mem::take(&mut first) {
                        "    "
                    } else {
                        ",\n    "
                    };
                    write!(out, "{separator}{}", row_json(row, options.show_data))
                }
                BacktestFormat::Csv => out.write_all(csv_line(row, options.show_data).as_bytes()),
                BacktestFormat::Text => Ok(()),
            };
        },
    );
    progress.finish();
    for unreadable in report.unreadable.iter().take(LISTED) {
        eprintln!(
            "warning: {}: {} (skipped)",
            unreadable.origin, unreadable.message
        );
    }
    if report.unreadable_count > LISTED {
        eprintln!(
            "warning: {} more unreadable documents",
            report.unreadable_count - LISTED
        );
    }
    let names = (a, against.unwrap_or(""));
    let _ = match options.format {
        BacktestFormat::Text => out.write_all(text(&report, names, options.show_data).as_bytes()),
        BacktestFormat::Json => {
            writeln!(
                out,
                "\n  ],\n  \"summary\": {:#}\n}}",
                summary_json(&report, names)
            )
        }
        BacktestFormat::Csv => Ok(()),
    };
    let _ = out.flush();
    drop(out);
    if report.transactions == 0 {
        eprintln!("error: no readable retrieval document in the given paths");
        return exit::UNREADABLE;
    }
    if options.fail_on_change && report.changed() > 0 {
        exit::REFUSED
    } else {
        exit::OK
    }
}

/// The recorded keys A stands for when none are given (issue 29): A's own
/// key and, when A is a custom copy in the store, the Global it was
/// duplicated from (through copies of copies). A file carries no origin:
/// its own key only. A store that cannot say is reported and A's own key
/// used.
fn default_recorded_keys(
    reference: &Reference,
    workflow: &Workflow,
    store: Option<&dyn Store>,
) -> Vec<u32> {
    let mut keys = vec![workflow.key];
    let (Reference::Store { key, .. }, Some(store)) = (reference, store) else {
        return keys;
    };
    match global_origin(store, *key) {
        Ok(Some(global)) => keys.push(global),
        Ok(None) => {}
        Err(e) => eprintln!(
            "warning: where workflow {key} was duplicated from could not be read ({e}): agreement is computed over the documents of key {} only",
            workflow.key
        ),
    }
    keys
}

/// The Global workflow `key` was duplicated from, following copies of
/// copies; `None` when `key` is a Global itself or no chain of duplicates
/// leads to one.
fn global_origin(store: &dyn Store, key: u32) -> Result<Option<u32>, StoreError> {
    let list = store.list()?;
    let is_global = |k: u32| {
        list.iter()
            .any(|s| s.key == k && s.origin == Origin::Global)
    };
    if is_global(key) {
        return Ok(None);
    }
    let mut seen = vec![key];
    let mut current = key;
    while let Some(from) = store.duplicated_from(current)? {
        if is_global(from.key) {
            return Ok(Some(from.key));
        }
        if seen.contains(&from.key) {
            break;
        }
        seen.push(from.key);
        current = from.key;
    }
    Ok(None)
}

/// A progress bar on stderr, only when stderr is a terminal.
struct Progress {
    shown: bool,
    total_bytes: u64,
    began: Instant,
}

impl Progress {
    fn new(total_bytes: u64) -> Progress {
        Progress {
            shown: std::io::stderr().is_terminal(),
            total_bytes,
            began: Instant::now(),
        }
    }

    fn show(&mut self, done: usize, bytes: u64) {
        if !self.shown {
            return;
        }
        let fraction = if self.total_bytes > 0 {
            (bytes as f64 / self.total_bytes as f64).min(1.0)
        } else {
            0.0
        };
        let filled = (fraction * 30.0).round() as usize;
        let rate = done as f64 / self.began.elapsed().as_secs_f64().max(1e-3);
        eprint!(
            "\r[{}{}] {} documents, {}/s ",
            "#".repeat(filled),
            " ".repeat(30 - filled),
            thousands(done),
            thousands(rate as usize)
        );
    }

    fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn side_words(side: &Side) -> String {
    match side {
        Side::Decided {
            decision, label, ..
        } => format!("{decision} {label}"),
        Side::NotComparable { node, reason } => {
            format!("not comparable ({reason} at {node})")
        }
    }
}

fn personal_words(row: &Row) -> String {
    let p = &row.personal;
    format!(
        "  [{} {}, born {}, document {}]",
        p.first_name, p.last_name, p.date_of_birth, p.document_number
    )
}

fn text(report: &Report, (a, b): (&str, &str), show_data: bool) -> String {
    let mut out = String::new();
    let two = report.b.is_some();
    let _ = writeln!(
        out,
        "Backtest of {} documents: A = {a}{}{}",
        thousands(report.documents()),
        if two { ", B = " } else { "" },
        b
    );
    if report.unreadable_count > 0 {
        let _ = writeln!(
            out,
            "{} unreadable (skipped; listed on stderr)",
            thousands(report.unreadable_count)
        );
    }
    if report.cancelled {
        let _ = writeln!(out, "cancelled: the figures cover what was replayed");
    }
    let _ = writeln!(
        out,
        "\n{:<16}{:>10}{}",
        "decision",
        "A",
        if two { "         B" } else { "" }
    );
    for decision in DecisionType::ALL {
        let count_a = report.a.decisions.get(decision).copied().unwrap_or(0);
        let count_b = report
            .b
            .as_ref()
            .map(|b| format!("{:>10}", b.decisions.get(decision).copied().unwrap_or(0)));
        let _ = writeln!(
            out,
            "{:<16}{count_a:>10}{}",
            decision.as_str(),
            count_b.unwrap_or_default()
        );
    }
    let b_not = report
        .b
        .as_ref()
        .map(|b| format!("{:>10}", b.not_comparable));
    let _ = writeln!(
        out,
        "{:<16}{:>10}{}",
        "not comparable",
        report.a.not_comparable,
        b_not.unwrap_or_default()
    );
    for (name, summary) in [("A", Some(&report.a)), ("B", report.b.as_ref())] {
        if let Some(summary) = summary.filter(|s| s.not_comparable > 0) {
            let reasons: Vec<String> = summary
                .reasons
                .iter()
                .map(|(why, n)| format!("{why}: {n}"))
                .collect();
            let _ = writeln!(out, "  {name}: {}", reasons.join("; "));
        }
    }
    if two {
        let compared = report.changed() + report.unchanged;
        let _ = writeln!(
            out,
            "\nChanged decisions A -> B: {} of {} comparable on both sides",
            report.changed(),
            compared
        );
        for ((from, to), n) in &report.changes {
            let _ = writeln!(out, "  {:<13} -> {:<13} {n:>8}", from.as_str(), to.as_str());
        }
    }
    let agreement = &report.agreement;
    let keys = keys_words(&report.recorded_keys);
    match agreement.percent() {
        Some(percent) => {
            let _ = writeln!(
                out,
                "\nAgreement of A with the recorded decisions (documents of {keys}): {percent:.1} % ({} of {}; {} not comparable)",
                agreement.agreed, agreement.compared, agreement.not_comparable
            );
            let _ = writeln!(
                out,
                "  decided on decision and label; same decision, score differs: {}",
                thousands(agreement.score_differs)
            );
        }
        None => {
            let _ = writeln!(out, "\nAgreement: no document of {keys} to compare with");
        }
    }
    let mut list = |title: &str, total: usize, rows: Vec<&Row>, line: &dyn Fn(&Row) -> String| {
        if total == 0 {
            return;
        }
        let _ = writeln!(out, "\n{title} ({}):", thousands(total));
        for row in rows.iter().take(LISTED) {
            let extra = if show_data {
                personal_words(row)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {}  {}{extra}", row.id, line(row));
        }
        if total > LISTED {
            let _ = writeln!(
                out,
                "  ... {} more (--format json or csv lists every transaction)",
                thousands(total - LISTED)
            );
        }
    };
    list(
        "Disagreements of A with the record (a modelling gap?)",
        report.disagreements,
        report.rows.iter().filter(|r| r.disagrees).collect(),
        &|r| {
            format!(
                "recorded {} {} score {}; A {} score {}",
                r.recorded.decision,
                r.recorded.label,
                r.recorded.score.map_or("-".to_owned(), |s| s.to_string()),
                side_words(&r.a),
                score_of(&r.a).map_or("-".to_owned(), |s| s.to_string())
            )
        },
    );
    list(
        "Same decision, score differs",
        report.agreement.score_differs,
        report.rows.iter().filter(|r| r.score_differs).collect(),
        &|r| {
            format!(
                "{} {}: recorded score {}, A score {}",
                r.recorded.decision,
                r.recorded.label,
                r.recorded.score.map_or("-".to_owned(), |s| s.to_string()),
                score_of(&r.a).map_or("-".to_owned(), |s| s.to_string())
            )
        },
    );
    list(
        "Changed transactions",
        report.changed(),
        report.rows.iter().filter(|r| r.changed).collect(),
        &|r| {
            format!(
                "{} -> {}",
                side_words(&r.a),
                r.b.as_ref().map(side_words).unwrap_or_default()
            )
        },
    );
    list(
        "Not comparable",
        report.not_comparable,
        report.rows.iter().filter(|r| r.not_comparable()).collect(),
        &|r| {
            let b = r.b.as_ref().map(|b| format!("; B {}", side_words(b)));
            format!("A {}{}", side_words(&r.a), b.unwrap_or_default())
        },
    );
    if !report.unknown_labels.is_empty() {
        let _ = writeln!(out, "\nLabels the catalog does not know (never guessed):");
        for (label, n) in &report.unknown_labels {
            let _ = writeln!(
                out,
                "  {} {} {}: {n}",
                label.capability, label.decision, label.label
            );
        }
    }
    out
}

/// `key 10011` or `keys 10011, 200001`.
fn keys_words(keys: &[u32]) -> String {
    let list: Vec<String> = keys.iter().map(u32::to_string).collect();
    match list.len() {
        1 => format!("key {}", list[0]),
        _ => format!("keys {}", list.join(", ")),
    }
}

fn score_of(side: &Side) -> Option<i16> {
    match side {
        Side::Decided { score, .. } => Some(*score),
        Side::NotComparable { .. } => None,
    }
}

fn side_json(side: &Side) -> Value {
    match side {
        Side::Decided {
            decision,
            label,
            score,
            terminal,
        } => json!({
            "decision": decision.as_str(),
            "label": label,
            "score": score,
            "terminal": terminal.as_ref().map(|t| t.to_string()),
        }),
        Side::NotComparable { node, reason } => json!({
            "notComparable": { "node": node.to_string(), "reason": reason.to_string() },
        }),
    }
}

fn row_json(row: &Row, show_data: bool) -> Value {
    let mut value = json!({
        "id": row.id,
        "source": row.origin.file.display().to_string(),
        "line": row.origin.line,
        "definitionKey": row.definition_key,
        "recorded": {
            "decision": row.recorded.decision.as_str(),
            "label": row.recorded.label,
            "score": row.recorded.score,
        },
        "a": side_json(&row.a),
        "b": row.b.as_ref().map(side_json),
        "changed": row.changed,
        "disagrees": row.disagrees,
        "scoreDiffers": row.score_differs,
    });
    if show_data {
        value["data"] = json!({
            "firstName": row.personal.first_name,
            "lastName": row.personal.last_name,
            "dateOfBirth": row.personal.date_of_birth,
            "documentNumber": row.personal.document_number,
        });
    }
    value
}

fn summary_json(report: &Report, (a, b): (&str, &str)) -> Value {
    let summary = |s: &backtest::SideSummary| {
        json!({
            "decisions": s.decisions.iter().map(|(d, n)| (d.as_str().to_owned(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "notComparable": s.not_comparable,
            "reasons": s.reasons,
        })
    };
    json!({
        "a": { "reference": a, "key": report.a_key, "summary": summary(&report.a) },
        "b": report.b.as_ref().map(|s| json!({ "reference": b, "key": report.b_key, "summary": summary(s) })),
        "documents": report.documents(),
        "unreadable": report.unreadable.iter().map(|u| json!({
            "source": u.origin.file.display().to_string(),
            "line": u.origin.line,
            "message": u.message,
        })).collect::<Vec<_>>(),
        "unreadableCount": report.unreadable_count,
        "changes": report.changes.iter().map(|((from, to), n)| json!({
            "from": from.as_str(), "to": to.as_str(), "count": n,
        })).collect::<Vec<_>>(),
        "unchanged": report.unchanged,
        "agreement": {
            "key": report.a_key,
            "keys": report.recorded_keys,
            "compared": report.agreement.compared,
            "agreed": report.agreement.agreed,
            "scoreDiffers": report.agreement.score_differs,
            "notComparable": report.agreement.not_comparable,
        },
        "unknownLabels": report.unknown_labels.iter().map(|(l, n)| json!({
            "capability": l.capability, "decision": l.decision.as_str(), "label": l.label, "count": n,
        })).collect::<Vec<_>>(),
        "transactions": report.transactions,
        "changed": report.changed(),
        "disagreements": report.disagreements,
        "notComparable": report.not_comparable,
        "cancelled": report.cancelled,
    })
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_side(side: Option<&Side>) -> [String; 4] {
    match side {
        Some(Side::Decided {
            decision,
            label,
            score,
            ..
        }) => [
            decision.as_str().to_owned(),
            label.clone(),
            score.to_string(),
            String::new(),
        ],
        Some(Side::NotComparable { node, reason }) => [
            String::new(),
            String::new(),
            String::new(),
            format!("{reason} at {node}"),
        ],
        None => Default::default(),
    }
}

fn csv_header(show_data: bool) -> String {
    let mut header = String::from(
        "id,source,line,definition_key,recorded_decision,recorded_label,recorded_score,a_decision,a_label,a_score,a_not_comparable,b_decision,b_label,b_score,b_not_comparable,changed,disagrees,score_differs",
    );
    if show_data {
        header.push_str(",first_name,last_name,date_of_birth,document_number");
    }
    header.push('\n');
    header
}

fn csv_line(row: &Row, show_data: bool) -> String {
    let mut fields = vec![
        row.id.clone(),
        row.origin.file.display().to_string(),
        row.origin.line.map(|l| l.to_string()).unwrap_or_default(),
        row.definition_key
            .map(|k| k.to_string())
            .unwrap_or_default(),
        row.recorded.decision.as_str().to_owned(),
        row.recorded.label.clone(),
        row.recorded
            .score
            .map(|s| s.to_string())
            .unwrap_or_default(),
    ];
    fields.extend(csv_side(Some(&row.a)));
    fields.extend(csv_side(row.b.as_ref()));
    fields.push(row.changed.to_string());
    fields.push(row.disagrees.to_string());
    fields.push(row.score_differs.to_string());
    if show_data {
        let p = &row.personal;
        fields.extend([
            p.first_name.clone(),
            p.last_name.clone(),
            p.date_of_birth.clone(),
            p.document_number.clone(),
        ]);
    }
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    line.join(",") + "\n"
}
