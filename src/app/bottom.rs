//! The bottom of the window: Problems, Test run, Backtest and Review, one
//! tab at a time, each panel with its own state; and which run's path the
//! canvas shows.

use egui::{Panel, Ui};

use super::backtest::BacktestPanel;
use super::canvas::Canvas;
use super::focus::{self, Region};
use super::panel::{Cx, View};
use super::problems::ProblemsPanel;
use super::review::ReviewPanel;
use super::test_panel::TestPanel;
use crate::document::Document;

/// What the bottom panel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BottomTab {
    Problems,
    TestRun,
    /// Recorded documents replayed through the published version and the
    /// draft.
    Backtest,
    Review,
}

pub struct BottomPanel {
    pub tab: BottomTab,
    pub problems: ProblemsPanel,
    pub test_panel: TestPanel,
    pub backtest: BacktestPanel,
    pub review: ReviewPanel,
}

impl Default for BottomPanel {
    fn default() -> Self {
        BottomPanel {
            tab: BottomTab::Problems,
            problems: ProblemsPanel,
            test_panel: TestPanel::default(),
            backtest: BacktestPanel::default(),
            review: ReviewPanel::default(),
        }
    }
}

impl BottomPanel {
    /// Another workflow is open: the runs and the backtest were of the
    /// one before.
    pub fn forget(&mut self) {
        self.test_panel.forget_runs();
        self.backtest.forget();
    }

    /// The panel at the bottom of `ui` (the window's).
    pub fn show(&mut self, ui: &mut Ui, cx: &mut Cx<'_>) {
        // One panel id per tab, so each keeps its own height.
        let (panel_id, height) = match self.tab {
            BottomTab::Problems => ("problems_panel", 150.0),
            BottomTab::TestRun => ("test_run_panel", 320.0),
            BottomTab::Backtest => ("backtest_panel", 320.0),
            BottomTab::Review => ("review_panel", 200.0),
        };
        Panel::bottom(panel_id)
            .resizable(true)
            .default_size(height)
            .min_size(60.0)
            .show(ui, |ui| {
                ui.add_space(2.0);
                ui.horizontal(|ui| {
                    let problems =
                        ui.selectable_value(&mut self.tab, BottomTab::Problems, "Problems");
                    focus::set_anchor(ui.ctx(), Region::Problems, problems.id);
                    ui.selectable_value(&mut self.tab, BottomTab::TestRun, "Test run");
                    ui.selectable_value(&mut self.tab, BottomTab::Backtest, "Backtest");
                    ui.selectable_value(&mut self.tab, BottomTab::Review, "Review");
                });
                ui.separator();
                match self.tab {
                    BottomTab::Problems => self.problems.ui(ui, cx),
                    BottomTab::TestRun => self.test_panel.ui(ui, cx.doc, cx.canvas),
                    BottomTab::Backtest => {
                        self.backtest.look_up_sides(cx.doc, cx.session);
                        self.backtest.ui(ui, cx.doc, cx.canvas);
                    }
                    BottomTab::Review => self.review.ui(ui, cx),
                }
            });
    }

    /// The canvas shows a backtest row's path while the Backtest tab is
    /// open with a row picked; else the test run's.
    pub fn sync_canvas(&mut self, doc: &Document, canvas: &mut Canvas) {
        if self.tab == BottomTab::Backtest && self.backtest.wants_canvas(doc) {
            self.backtest.sync(doc, canvas);
        } else {
            if self.backtest.release_canvas() {
                canvas.clear_run();
                self.test_panel.restore(doc, canvas);
            }
            self.test_panel.sync(doc, canvas);
        }
    }
}
