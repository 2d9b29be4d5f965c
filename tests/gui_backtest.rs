//! The Backtest tab (issue 18), driven headless through egui_kittest as a
//! user would: recorded documents of the published version replayed
//! through it and through a draft with Liveness unticked.

mod common;

use std::time::Duration;

use common::{IDIV, Steps, app_on, harness, new_from_global};
use egui::Event;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idflow::app::{BottomTab, IdflowApp};
use idflow::document::Command;
use idflow_core::Workflow;
use idflow_core::backtest::{Side, generate};
use idflow_core::model::{Capability, NodeId, NodeKind};
use idflow_store::Store;
use tempfile::TempDir;

/// Runs frames (25 ms apart, at most `frames`) until `done` holds for
/// the app: the backtest runs on its own thread.
fn wait_until(
    h: &mut Harness<'static, IdflowApp>,
    frames: usize,
    done: impl Fn(&IdflowApp) -> bool,
) -> bool {
    for _ in 0..frames {
        h.steps(1);
        if done(h.state()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

/// The designer on a fresh store in `dir`, with a custom copy of 10011
/// published as v1 through the UI and open; and that version.
fn published_copy(dir: &TempDir) -> (Harness<'static, IdflowApp>, Workflow) {
    let mut app = app_on(dir);
    app.action_bar.theme = egui::ThemePreference::Light;
    let mut h = harness(app);
    new_from_global(&mut h, IDIV);
    let key = h.state().doc.key().expect("a store workflow");
    h.get_by_label("🚀 Publish").click();
    h.steps(3);
    h.get_by_label("Publish version 1").click();
    h.steps(3);
    let published = idflow_store::LocalStore::open(dir.path())
        .expect("store")
        .version(key, 1)
        .expect("v1 published")
        .workflow;
    (h, published)
}

#[test]
fn backtest_tab_compares_published_with_the_draft() {
    let dir = TempDir::new().expect("tmp");
    let (mut h, published) = published_copy(&dir);

    // 40 recorded documents of v1, one file each.
    let docs = TempDir::new().expect("tmp");
    for (i, generated) in generate::documents(&published, 40, 7).enumerate() {
        let text = serde_json::to_string_pretty(&generated.document).expect("json");
        std::fs::write(docs.path().join(format!("doc-{i:02}.json")), text).expect("write");
    }

    // The draft stops checking liveness.
    {
        let app = h.state_mut();
        let mut idiv = app.doc.node(&NodeId::new("idiv")).expect("idiv").clone();
        if let NodeKind::Service(s) = &mut idiv.kind {
            s.capabilities.retain(|c| *c != Capability::Liveness);
        }
        app.doc.apply(Command::SetNode(idiv)).expect("edit");
    }
    h.steps(2);

    h.get_by_label("Backtest").click();
    h.steps(3);
    assert_eq!(h.state().bottom.tab, BottomTab::Backtest);
    // Without a desktop portal (as here) the folder dialog gives nothing:
    // the field keeps what it had.
    h.get_by_label("📁 Choose folder…").click();
    h.steps(2);
    assert_eq!(h.state().bottom.backtest.path, "");
    assert!(
        h.query_by_label_contains("A: Published v1 → B: Draft")
            .is_some(),
        "the sides are named"
    );
    h.get_by_label("Documents path").click();
    h.steps(1);
    h.event(Event::Text(docs.path().display().to_string()));
    h.steps(2);
    assert_eq!(
        h.state().bottom.backtest.path,
        docs.path().display().to_string()
    );

    h.get_by_label("Run backtest").click();
    let finished = wait_until(&mut h, 200, |app| app.bottom.backtest.finished.is_some());
    assert!(finished, "the backtest finished");
    // New rows are laid out invisibly first (egui's sizing pass).
    h.steps(4);

    let (changed_id, path) = {
        let finished = h.state().bottom.backtest.finished.as_ref().expect("report");
        let report = &finished.report;
        assert_eq!(report.documents(), 40);
        assert!(report.changed() > 0, "unticking Liveness changes decisions");
        assert_eq!(report.unreadable_count, 0);
        let first_changed = finished
            .notable
            .iter()
            .filter_map(|&i| report.rows.get(i))
            .find(|r| r.changed)
            .expect("a changed row listed");
        assert!(
            matches!(first_changed.b, Some(Side::Decided { .. })),
            "{:?}",
            first_changed.b
        );
        (first_changed.id.clone(), first_changed.b_path.clone())
    };
    assert!(h.query_by_label("40 documents").is_some(), "summary shown");
    let changed = h
        .state()
        .bottom
        .backtest
        .finished
        .as_ref()
        .expect("report")
        .report
        .changed();
    assert!(
        h.query_by_label(&format!("{changed} changed")).is_some(),
        "changed count shown"
    );
    assert!(h.query_by_label("Changed decisions").is_some());

    h.get_by_label(&changed_id).click();
    h.steps(3);
    let app = h.state();
    assert!(!path.is_empty(), "a changed row keeps its path");
    assert_eq!(
        app.canvas.highlighted, path,
        "the row's path is highlighted"
    );
    assert_eq!(
        app.canvas.highlighted_edges.len(),
        path.len() - 1,
        "the connections along it too"
    );
    let selected = app.bottom.backtest.selected.expect("row selected");
    assert_eq!(
        app.bottom
            .backtest
            .finished
            .as_ref()
            .and_then(|f| f.report.rows.get(selected))
            .map(|r| r.id.as_str()),
        Some(changed_id.as_str())
    );

    // The temporary folder's name changes each run: the snapshot shows a
    // fixed one (the report is already made; the field is only text).
    h.state_mut().bottom.backtest.path = "/tmp/recorded-documents".to_owned();
    h.steps(2);
    h.snapshot("backtest_tab");

    // Side B: nothing, for the published version alone (picked in its
    // combo box with the pointer).
    h.get_by_label("Side B").click();
    h.steps(2);
    h.get_by_label("Nothing (A alone)").click();
    h.steps(2);
    assert!(
        h.query_by_label_contains("A: Published v1 alone").is_some(),
        "the sides are named"
    );
    h.state_mut().bottom.backtest.path = docs.path().display().to_string();
    h.steps(1);
    h.get_by_label("Run backtest").click();
    let alone = wait_until(&mut h, 200, |app| {
        app.bottom
            .backtest
            .finished
            .as_ref()
            .is_some_and(|f| f.b_label.is_none())
    });
    assert!(alone, "the backtest ran on A alone");
    let report = &h
        .state()
        .bottom
        .backtest
        .finished
        .as_ref()
        .expect("report")
        .report;
    assert!(report.b.is_none());
    assert_eq!(report.agreement.agreed, 40);

    // Side A: the draft (picked with the pointer too), alone: it no longer
    // checks liveness, so it disagrees with what v1 recorded.
    let changed_before = changed;
    h.get_by_label("Side A").click();
    h.steps(2);
    h.get_by_label("Draft").click();
    h.steps(2);
    assert!(
        h.query_by_label_contains("A: Draft alone").is_some(),
        "the sides are named"
    );
    h.get_by_label("Run backtest").click();
    let draft_alone = wait_until(&mut h, 200, |app| {
        app.bottom
            .backtest
            .finished
            .as_ref()
            .is_some_and(|f| f.a_label == "Draft")
    });
    assert!(draft_alone, "the backtest ran on the draft alone");
    let report = &h
        .state()
        .bottom
        .backtest
        .finished
        .as_ref()
        .expect("report")
        .report;
    assert!(report.b.is_none());
    // v1 alone agreed on all 40; the draft disagrees at least wherever it
    // changed v1's decision (and may differ in label or score elsewhere).
    let disagreeing = report.agreement.compared - report.agreement.agreed;
    assert!(
        changed_before > 0 && disagreeing >= changed_before,
        "{disagreeing} disagreeing, {changed_before} changed"
    );

    // Another tab gives the canvas back.
    h.get_by_label("Problems").click();
    h.steps(2);
    assert!(h.state().canvas.highlighted.is_empty());
}

/// Cancel stops a long backtest between batches: the report covers what
/// was replayed and says it was cancelled.
#[test]
fn cancel_stops_a_long_backtest() {
    let dir = TempDir::new().expect("tmp");
    let (mut h, published) = published_copy(&dir);

    // 20,000 recorded documents in one NDJSON file: many batches.
    const LINES: usize = 20_000;
    let docs = TempDir::new().expect("tmp");
    let file = docs.path().join("month.ndjson");
    let lines: Vec<String> = generate::documents(&published, 50, 3)
        .map(|g| g.document.to_string())
        .collect();
    let mut text = String::new();
    for i in 0..LINES {
        text.push_str(&lines[i % lines.len()]);
        text.push('\n');
    }
    std::fs::write(&file, text).expect("write");

    h.get_by_label("Backtest").click();
    h.steps(3);
    h.get_by_label("Documents path").click();
    h.steps(1);
    h.event(Event::Text(file.display().to_string()));
    h.steps(2);
    h.get_by_label("Run backtest").click();
    h.steps(1);
    assert!(h.state().bottom.backtest.running(), "running on its thread");
    h.get_by_label("Cancel").click();
    let finished = wait_until(&mut h, 400, |app| app.bottom.backtest.finished.is_some());
    assert!(finished, "the cancelled backtest ends");
    let report = &h
        .state()
        .bottom
        .backtest
        .finished
        .as_ref()
        .expect("report")
        .report;
    assert!(report.cancelled, "it says it was cancelled");
    assert!(
        report.documents() < LINES,
        "it stopped early: {} of {LINES}",
        report.documents()
    );
}
