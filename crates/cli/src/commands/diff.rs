//! `idflow diff A B`: what changed between two workflows, each a file or a
//! store reference (KEY, KEY@draft, KEY@vN). Exits like diff(1): 0 when
//! the two mean the same (nothing printed), 1 when they differ, 2 when an
//! input cannot be read.

use std::path::{Path, PathBuf};

use idflow_core::Workflow;
use idflow_core::diff::{BehaviourRow, Diff, behaviour_diff, diff};
use idflow_core::model::parse_key;
use idflow_store::files::read_workflow_file;
use idflow_store::{Store, StoreError};
use idflow_view::review::ReviewSide;
use serde_json::json;

use super::store::{Target, open};
use crate::terminal::{self, printable};
use crate::{TextOrJson, exit};

/// What an argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// A workflow in the store: its draft (`KEY`, `KEY@draft`) or a version.
    Store {
        key: u32,
        version: Option<u32>,
    },
    File(PathBuf),
}

/// `KEY`, `KEY@draft` or `KEY@vN` (digits, no leading zero) is a store
/// reference; anything else is a file path.
pub fn reference(argument: &str) -> Reference {
    let (key, which) = match argument.split_once('@') {
        Some((key, which)) => (key, Some(which)),
        None => (argument, None),
    };
    let Some(key) = parse_key(key) else {
        return Reference::File(PathBuf::from(argument));
    };
    match which {
        None | Some("draft") => Reference::Store { key, version: None },
        Some(which) => match which.strip_prefix('v').and_then(parse_key) {
            Some(number) => Reference::Store {
                key,
                version: Some(number),
            },
            None => Reference::File(PathBuf::from(argument)),
        },
    }
}

/// Reads what `reference` names, opening the store only when asked for.
pub fn read(
    reference: &Reference,
    store: &mut Option<Box<dyn Store>>,
    target: Target<'_>,
) -> Result<Workflow, ReadFailure> {
    match reference {
        Reference::File(path) => read_file(path),
        Reference::Store { key, version } => {
            if store.is_none() {
                *store = Some(open(target).map_err(ReadFailure::Reported)?);
            }
            let Some(store) = store.as_deref() else {
                return Err(ReadFailure::Reported(exit::UNREADABLE));
            };
            let read = match version {
                None => store.draft(*key).map(|d| d.workflow),
                Some(n) => store.version(*key, *n).map(|v| v.workflow),
            };
            read.map_err(ReadFailure::Store)
        }
    }
}

fn read_file(path: &Path) -> Result<Workflow, ReadFailure> {
    read_workflow_file(path).map_err(|e| ReadFailure::Message(e.to_string()))
}

/// Why an input could not be read.
#[derive(Debug)]
pub enum ReadFailure {
    /// Already said (on stderr); exit with this code.
    Reported(u8),
    Store(StoreError),
    Message(String),
}

impl ReadFailure {
    /// Says why, and gives diff's exit code for it: every input that
    /// cannot be read (a missing file, an unknown key or version) is 2.
    pub fn report(self, argument: &str) -> u8 {
        match self {
            ReadFailure::Reported(code) => code,
            ReadFailure::Store(e) => {
                eprintln!("error: {argument}: {e}");
                exit::UNREADABLE
            }
            ReadFailure::Message(m) => {
                eprintln!("error: {m}");
                exit::UNREADABLE
            }
        }
    }
}

/// Reads both sides of a review.
pub fn read_review(target: Target<'_>, a: &str, b: &str) -> Result<[ReviewSide; 2], u8> {
    let mut store = None;
    let mut side = |argument: &str| -> Result<ReviewSide, u8> {
        let reference = reference(argument);
        let workflow = read(&reference, &mut store, target).map_err(|f| f.report(argument))?;
        let (version, comments) = match (&reference, store.as_deref()) {
            (Reference::Store { key, version }, Some(store)) => (
                version.and_then(|n| store.version(*key, n).ok().map(|v| v.info)),
                store.comments(*key).unwrap_or_default(),
            ),
            _ => (None, Vec::new()),
        };
        Ok(ReviewSide {
            reference: argument.to_owned(),
            workflow,
            version,
            comments,
        })
    };
    Ok([side(a)?, side(b)?])
}

/// Reads `source` and, when given, `against` (each a file or a store
/// reference); on failure says why and gives the exit code.
pub fn read_sources(
    target: Target<'_>,
    source: &str,
    against: Option<&str>,
) -> Result<(Workflow, Option<Workflow>), u8> {
    let mut store = None;
    let workflow = read(&reference(source), &mut store, target).map_err(|f| f.report(source))?;
    let against = match against {
        Some(other) => {
            Some(read(&reference(other), &mut store, target).map_err(|f| f.report(other))?)
        }
        None => None,
    };
    Ok((workflow, against))
}

pub struct Options {
    pub format: TextOrJson,
    pub behaviour: bool,
    pub layout: bool,
}

pub fn run(target: Target<'_>, a: &str, b: &str, options: &Options) -> u8 {
    let mut store = None;
    let mut sides = Vec::with_capacity(2);
    for argument in [a, b] {
        match read(&reference(argument), &mut store, target) {
            Ok(workflow) => sides.push(workflow),
            Err(failure) => return failure.report(argument),
        }
    }
    let (before, after) = (&sides[0], &sides[1]);
    let changes = diff(before, after);
    let behaviour = if options.behaviour && !changes.same_meaning() {
        behaviour_diff(before, after)
    } else {
        Vec::new()
    };
    let show_layout = options.layout && !changes.layout.is_empty();
    if changes.same_meaning() && !show_layout {
        return exit::OK;
    }
    match options.format {
        TextOrJson::Text => print!("{}", text(a, b, &changes, &behaviour, options.layout)),
        TextOrJson::Json => println!(
            "{}",
            terminal::json(&document(a, b, &changes, &behaviour, options.layout))
        ),
    }
    if changes.same_meaning() {
        exit::OK
    } else {
        exit::REFUSED
    }
}

/// The changes as lines: meaning first, then layout and behaviour when
/// asked for. Each line is one line for a terminal: what the workflows
/// hold is printed escaped (`terminal::printable`).
pub fn text(a: &str, b: &str, changes: &Diff, behaviour: &[BehaviourRow], layout: bool) -> String {
    let mut out = format!("--- {}\n+++ {}\n", printable(a), printable(b));
    for line in changes.lines() {
        out.push_str(&printable(&line.text));
        out.push('\n');
    }
    if layout && !changes.layout.is_empty() {
        out.push_str("Layout (no change in behaviour):\n");
        for line in changes.layout_lines() {
            out.push_str(&format!("  {}\n", printable(&line.text)));
        }
    }
    if !behaviour.is_empty() {
        out.push_str("Behaviour (scenarios decided differently):\n");
        for row in behaviour {
            out.push_str(&format!(
                "  {}: {} → {}\n",
                printable(&row.scenario),
                printable(&row.a.words()),
                printable(&row.b.words())
            ));
        }
    }
    out
}

/// The JSON document the README describes.
pub fn document(
    a: &str,
    b: &str,
    changes: &Diff,
    behaviour: &[BehaviourRow],
    layout: bool,
) -> serde_json::Value {
    json!({
        "a": a,
        "b": b,
        "steps": changes.steps,
        "connections": changes.connections,
        "notes": changes.notes,
        "settings": changes.settings,
        "layout": if layout { json!(changes.layout) } else { json!([]) },
        "behaviour": behaviour,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_keys_drafts_and_versions_and_anything_else_is_a_file() {
        let store = |key, version| Reference::Store { key, version };
        assert_eq!(reference("10011"), store(10011, None));
        assert_eq!(reference("200000@draft"), store(200000, None));
        assert_eq!(reference("200000@v2"), store(200000, Some(2)));
        for file in [
            "flow.ron",
            "010011",
            "200000@v02",
            "200000@v0",
            "200000@V2",
            "200000@",
            "a/200000@v1",
            "200000@v1.ron",
        ] {
            assert_eq!(reference(file), Reference::File(file.into()), "{file}");
        }
    }
}
