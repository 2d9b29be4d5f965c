//! The publish dialog: what this version changes against the last one, the
//! scenarios it decides differently, the warnings still open, and a note
//! saying what changed and why (kept with the version).

use egui::{RichText, Ui};
use idflow_core::Workflow;
use idflow_core::diff::{BehaviourRow, Diff, behaviour_diff, diff};
use idflow_core::lint::{Finding, Severity};
use idflow_store::MAX_NOTE_CHARS;

use idflow_view::theme;

/// Lines shown before "and N more".
const SHOWN: usize = 12;

pub struct PublishReview {
    pub note: String,
    /// Who the version names as its publisher, on the local store (kept in
    /// the settings); a team server names the token instead.
    pub author: Option<String>,
    pub basis: Basis,
}

/// What the new version is compared with.
pub enum Basis {
    /// Waiting for the list of versions.
    Unknown,
    /// Reading version N.
    Reading(u32),
    /// Nothing published yet.
    First,
    Against {
        number: u32,
        changes: Box<Diff>,
        behaviour: Vec<BehaviourRow>,
    },
    Failed(String),
}

pub enum PublishChoice {
    None,
    Publish,
    Cancel,
}

/// What the dialog shows once the last version (`number`) is read:
/// the draft compared with it.
pub fn against(number: u32, last: &Workflow, current: &Workflow) -> Basis {
    Basis::Against {
        number,
        changes: Box::new(diff(last, current)),
        behaviour: behaviour_diff(last, current),
    }
}

/// The dialog's body.
pub fn body(
    ui: &mut Ui,
    review: &mut PublishReview,
    what: &str,
    dirty: bool,
    warnings: &[Finding],
) -> PublishChoice {
    let mut choice = PublishChoice::None;
    let next = match &review.basis {
        Basis::First => Some(1),
        Basis::Against { number, .. } | Basis::Reading(number) => Some(number + 1),
        _ => None,
    };
    let version = next.map_or_else(|| "the next version".to_owned(), |n| format!("version {n}"));
    ui.label(format!("Publish {what} as {version}?"));
    ui.label(
        RichText::new("A published version never changes; later edits start a new draft.").weak(),
    );
    if dirty {
        ui.label(RichText::new("Unsaved changes are saved first.").weak());
    }
    ui.add_space(theme::SPACING);
    egui::ScrollArea::vertical()
        .max_height(320.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            open_warnings(ui, warnings);
            ui.add_space(theme::SPACING * 0.5);
            changes(ui, &review.basis);
        });
    ui.add_space(theme::SPACING);
    let heading = ui.label(RichText::new("Note: what changed and why").strong());
    ui.add(
        egui::TextEdit::multiline(&mut review.note)
            .hint_text("e.g. Liveness off: ACME checks liveness upstream")
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .char_limit(MAX_NOTE_CHARS),
    )
    .labelled_by(heading.id);
    if let Some(author) = review.author.as_mut() {
        ui.horizontal(|ui| {
            let label = ui.label("Published by");
            ui.add(egui::TextEdit::singleline(author).desired_width(220.0))
                .labelled_by(label.id)
                .on_hover_text("Kept in idflow's settings for the next time");
        });
    }
    ui.add_space(theme::SPACING);
    ui.horizontal(|ui| {
        let label = next.map_or_else(|| "Publish".to_owned(), |n| format!("Publish version {n}"));
        if ui.button(label).clicked() {
            choice = PublishChoice::Publish;
        }
        if ui.button("Cancel").clicked() {
            choice = PublishChoice::Cancel;
        }
    });
    choice
}

fn changes(ui: &mut Ui, basis: &Basis) {
    match basis {
        Basis::Unknown | Basis::Reading(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(RichText::new("Comparing with the last version…").weak());
            });
        }
        Basis::First => {
            ui.label("The first version: nothing to compare with.");
        }
        Basis::Failed(message) => {
            ui.label(
                RichText::new(format!("The last version could not be read: {message}"))
                    .color(ui.visuals().warn_fg_color),
            );
        }
        Basis::Against {
            number,
            changes,
            behaviour,
        } => {
            let lines = changes.lines();
            ui.label(RichText::new(format!("Changes since v{number}")).strong());
            if lines.is_empty() {
                ui.label(RichText::new("None in meaning (at most cards moved).").weak());
            }
            for line in lines.iter().take(SHOWN) {
                ui.label(RichText::new(&line.text).small());
            }
            if lines.len() > SHOWN {
                ui.label(RichText::new(format!("and {} more", lines.len() - SHOWN)).weak());
            }
            ui.add_space(theme::SPACING * 0.5);
            ui.label(RichText::new("Scenarios decided differently").strong());
            if behaviour.is_empty() {
                ui.label(RichText::new("None: every scenario ends as before.").weak());
            }
            for row in behaviour.iter().take(SHOWN) {
                ui.label(
                    RichText::new(format!(
                        "{}: {} → {}",
                        row.scenario,
                        row.a.words(),
                        row.b.words()
                    ))
                    .small(),
                );
            }
            if behaviour.len() > SHOWN {
                ui.label(RichText::new(format!("and {} more", behaviour.len() - SHOWN)).weak());
            }
        }
    }
}

fn open_warnings(ui: &mut Ui, warnings: &[Finding]) {
    let heading = if warnings.is_empty() {
        "No open warnings".to_owned()
    } else {
        format!("Open warnings ({})", warnings.len())
    };
    ui.label(RichText::new(heading).strong());
    for finding in warnings.iter().take(SHOWN) {
        let place = finding
            .node
            .as_ref()
            .map(|n| format!(" [{n}]"))
            .unwrap_or_default();
        ui.label(
            RichText::new(format!("⚠ {}{place}: {}", finding.code, finding.message))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    if warnings.len() > SHOWN {
        ui.label(RichText::new(format!("and {} more", warnings.len() - SHOWN)).weak());
    }
}

/// The findings a publish would carry along.
pub fn warnings_of(findings: &[Finding]) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .cloned()
        .collect()
}
