//! The review pack: one self-contained HTML file for a review of A → B
//! (no external request of any kind: styles inline, pictures as inline
//! SVG), laid out to print well to PDF from a browser.

use std::fmt::Write as _;
use std::path::Path;

use idflow_core::Workflow;
use idflow_core::diff::{behaviour_diff, diff};
use idflow_core::lint::{Finding, Severity, lint};

use crate::picture::RenderError;
use crate::svg::{escape, svg};

/// One side of a review: what was asked for, its workflow and, for a
/// published version, its record (time, author, note).
pub struct ReviewSide {
    pub reference: String,
    pub workflow: Workflow,
    pub version: Option<idflow_store::VersionInfo>,
    /// The review comments of a stored workflow (none for a file).
    pub comments: Vec<idflow_store::Comment>,
}

/// The pack asks for nothing: no script, no request, only its own inline
/// styles (a browser then refuses anything a crafted name could smuggle in,
/// even past the escaping).
const CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">";

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; color: #1f2430; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; border-bottom: 1px solid #d5d9e0; padding-bottom: 0.2rem; margin-top: 2rem; }
.meta { color: #5b6472; font-size: 0.85rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e6e9ee; }
th { color: #5b6472; font-weight: normal; }
ul.changes { font-size: 0.9rem; padding-left: 1.2rem; }
.added { color: #2e7d32; } .removed { color: #c62828; } .changed { color: #a15c00; } .moved { color: #546e7a; } .same { color: #5b6472; }
.error { color: #c62828; } .warning { color: #a15c00; } .info { color: #1f66b0; }
figure { margin: 1rem 0; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; border: 1px solid #e6e9ee; }
figcaption { color: #5b6472; font-size: 0.85rem; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; } }
";

/// Writes the pack of A → B to `output`, atomically.
pub fn write(a: &ReviewSide, b: &ReviewSide, output: &Path) -> Result<(), RenderError> {
    idflow_store::files::write_atomic(output, html(a, b).as_bytes()).map_err(|source| {
        RenderError::Write {
            path: output.to_owned(),
            source,
        }
    })
}

/// The pack as HTML text.
pub fn html(a: &ReviewSide, b: &ReviewSide) -> String {
    let changes = diff(&a.workflow, &b.workflow);
    let behaviour = behaviour_diff(&a.workflow, &b.workflow);
    let (lint_a, lint_b) = (lint(&a.workflow), lint(&b.workflow));
    let title = format!(
        "Review of “{}”: {} → {}",
        b.workflow.name, a.reference, b.reference
    );
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">{CSP}<title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let _ = write!(
        out,
        "<h1>{}</h1><p class=\"meta\">Made by idflow {} on {}. Everything here is in this one file.</p>",
        escape(&title),
        env!("CARGO_PKG_VERSION"),
        time_element(&now())
    );

    out.push_str("<h2>Summary</h2><ul>");
    let _ = write!(
        out,
        "<li>{} change(s) in meaning, {} in layout only</li><li>{} scenario(s) decided differently</li>",
        changes.meaning_count(),
        changes.layout.len(),
        behaviour.len()
    );
    for (side, report) in [(a, &lint_a), (b, &lint_b)] {
        let _ = write!(
            out,
            "<li>Lint of {}: {} error(s), {} warning(s), {} info</li>",
            escape(&side.reference),
            report.count(Severity::Error),
            report.count(Severity::Warning),
            report.count(Severity::Info)
        );
    }
    out.push_str("</ul>");

    out.push_str("<h2>Versions</h2><table><tr><th>Side</th><th>Reference</th><th>Name</th><th>Published</th><th>Author</th><th>Approved by</th><th>Note</th></tr>");
    for (label, side) in [("A (before)", a), ("B (after)", b)] {
        let (published, author, approved_by, note) = match &side.version {
            Some(v) => (
                v.published_at.as_str(),
                v.author.as_str(),
                v.approved_by.as_str(),
                v.note.as_str(),
            ),
            None => ("not published (a draft or a file)", "", "", ""),
        };
        let published = if side.version.is_some() {
            time_element(published)
        } else {
            escape(published)
        };
        let _ = write!(
            out,
            "<tr><td>{label}</td><td>{}</td><td>{}</td><td>{published}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&side.reference),
            escape(&side.workflow.name),
            escape(author),
            escape(approved_by),
            escape(note)
        );
    }
    out.push_str("</table>");
    comments(&mut out, a, b);

    out.push_str("<h2>What changed</h2>");
    let lines = changes.lines();
    if lines.is_empty() {
        out.push_str("<p>Nothing in meaning.</p>");
    } else {
        out.push_str("<ul class=\"changes\">");
        for line in lines.iter().chain(changes.layout_lines().iter()) {
            let class = format!("{:?}", line.mark).to_lowercase();
            let _ = write!(out, "<li class=\"{class}\">{}</li>", escape(&line.text));
        }
        out.push_str("</ul>");
    }

    out.push_str("<h2>Behaviour</h2>");
    if behaviour.is_empty() {
        out.push_str("<p>Every scenario is decided as before.</p>");
    } else {
        let _ = write!(
            out,
            "<table><tr><th>Scenario</th><th>{}</th><th>{}</th></tr>",
            escape(&a.reference),
            escape(&b.reference)
        );
        for row in &behaviour {
            // Red and green only where the decision itself changed: a new
            // label, score or end step is not a decision change.
            let (before, after) = if row.a.decision == row.b.decision {
                ("same", "same")
            } else {
                ("removed", "added")
            };
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"{before}\">{}</td><td class=\"{after}\">{}</td></tr>",
                escape(&row.scenario),
                escape(&row.a.words()),
                escape(&row.b.words())
            );
        }
        out.push_str("</table>");
    }

    out.push_str("<h2>Lint</h2>");
    for (side, report) in [(a, &lint_a), (b, &lint_b)] {
        let _ = write!(out, "<h3>{}</h3>", escape(&side.reference));
        findings(&mut out, &report.findings);
    }

    out.push_str("<h2>Pictures</h2>");
    let marked = svg(&b.workflow, Some(&changes), Some(&a.workflow));
    let _ = write!(
        out,
        "<figure>{}<figcaption>{} with what changed since {} marked (removed steps ghosted)</figcaption></figure>",
        inline(&marked),
        escape(&b.reference),
        escape(&a.reference)
    );
    let plain = svg(&a.workflow, None, None);
    let _ = write!(
        out,
        "<figure>{}<figcaption>{} as it was</figcaption></figure>",
        inline(&plain),
        escape(&a.reference)
    );
    out.push_str("</body></html>\n");
    out
}

/// The review comments made on what was reviewed, each once: a side that
/// is version N shows the comments carried into versions up to N (a
/// comment written on a later draft was not part of this review); a draft
/// or a file shows all of its comments.
fn comments(out: &mut String, a: &ReviewSide, b: &ReviewSide) {
    out.push_str("<h2>Review comments</h2>");
    let mut all: Vec<(&idflow_store::Comment, &ReviewSide)> = Vec::new();
    for side in [b, a] {
        for c in side.comments.iter().filter(|c| made_up_to(c, side)) {
            if !all.iter().any(|(d, _)| d.id == c.id && d.at == c.at) {
                all.push((c, side));
            }
        }
    }
    if all.is_empty() {
        out.push_str("<p>None recorded.</p>");
        return;
    }
    out.push_str("<table><tr><th>#</th><th>On</th><th>State</th><th>Author</th><th>Time</th><th>Comment</th></tr>");
    for (c, side) in all {
        let state = match (c.resolved, c.version) {
            (true, Some(v)) => format!("resolved · in v{v}"),
            (false, Some(v)) => format!("open · in v{v}"),
            (true, None) => "resolved".to_owned(),
            (false, None) => "open".to_owned(),
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.id,
            step_words(c.step.as_deref(), side),
            escape(&state),
            escape(&c.author),
            time_element(&c.at),
            escape(&c.text)
        );
    }
    out.push_str("</table>");
}

/// Whether comment `c` was made on a revision up to `side`.
fn made_up_to(c: &idflow_store::Comment, side: &ReviewSide) -> bool {
    match (&side.version, c.version) {
        (Some(version), Some(carried)) => carried <= version.number,
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// What a comment is on, as a person reads it: the step's title (its id
/// on hover), or "the workflow".
fn step_words(step: Option<&str>, side: &ReviewSide) -> String {
    let Some(id) = step else {
        return "the workflow".to_owned();
    };
    match side.workflow.nodes.iter().find(|n| n.id.as_str() == id) {
        Some(node) => format!(
            "<span title=\"{}\">{}</span>",
            escape(id),
            escape(&crate::card::title(node))
        ),
        None => format!("{} (no longer in the workflow)", escape(id)),
    }
}

/// An RFC 3339 time as people read it ("2026-12-08 00:18 UTC"), the exact
/// time kept in the markup and on hover; text that is no such time is
/// shown as it is.
fn time_element(rfc3339: &str) -> String {
    match time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339) {
        Ok(at) => {
            let utc = at.to_offset(time::UtcOffset::UTC);
            let readable = format!(
                "{}-{:02}-{:02} {:02}:{:02} UTC",
                utc.year(),
                u8::from(utc.month()),
                utc.day(),
                utc.hour(),
                utc.minute()
            );
            format!(
                "<time datetime=\"{0}\" title=\"{0}\">{1}</time>",
                escape(rfc3339),
                readable
            )
        }
        Err(_) => escape(rfc3339),
    }
}

fn findings(out: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        out.push_str("<p>No findings.</p>");
        return;
    }
    out.push_str("<ul>");
    for f in findings {
        let class = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let place = f
            .node
            .as_ref()
            .map(|n| format!(" [{n}]"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<li class=\"{class}\">{class} {}{}: {}</li>",
            escape(f.code),
            escape(&place),
            escape(&f.message)
        );
    }
    out.push_str("</ul>");
}

/// An SVG document as an element of the page: HTML needs no namespace
/// declaration (and the pack then names no URL at all).
fn inline(svg: &str) -> String {
    svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "an unknown time".to_owned())
}
