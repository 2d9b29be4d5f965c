//! What changed between two workflows: steps added, removed and changed
//! (field by field, in the platform's words), connections, notes, the
//! workflow's settings, and apart from those the layout (a moved card
//! changes no behaviour). Steps and notes are matched by id; the lists the
//! platform reads as sets are compared as sets (`fields`).
//! `behaviour` compares what the two would decide.

mod behaviour;
mod fields;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::{Edge, Expectation, Note, Workflow};

pub use behaviour::{BehaviourRow, Decided, behaviour_diff, scenarios as behaviour_scenarios};
pub use fields::{fields, kind_words};

/// A step as a change list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRef {
    pub id: String,
    pub title: String,
    pub kind: String,
}

/// One field's value on each side ("none" / "any" / "—" when absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl FieldChange {
    /// "Channels: WEB, SDK → WEB, SDK, API"; a long list says only what
    /// came and went: "Weights: + WATCHLIST_SCREENING REJECTED 100".
    pub fn words(&self) -> String {
        let items = |v: &str| -> Vec<String> { v.split(", ").map(str::to_owned).collect() };
        let (before, after) = (items(&self.before), items(&self.after));
        if before.len().max(after.len()) <= 4 {
            return format!("{}: {} → {}", self.field, self.before, self.after);
        }
        let added = after
            .iter()
            .filter(|i| !before.contains(i))
            .map(|i| format!("+ {i}"));
        let removed = before
            .iter()
            .filter(|i| !after.contains(i))
            .map(|i| format!("− {i}"));
        let delta: Vec<String> = added.chain(removed).collect();
        if delta.is_empty() {
            // The same items, one of them repeated more or fewer times
            // (`fields` writes set-like lists in one order).
            return format!("{}: {} → {}", self.field, self.before, self.after);
        }
        format!("{}: {}", self.field, delta.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepChange {
    pub id: String,
    pub title: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StepChanges {
    pub added: Vec<StepRef>,
    pub removed: Vec<StepRef>,
    pub changed: Vec<StepChange>,
}

/// A connection: from a step's port to a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Connection {
    pub from: String,
    pub port: String,
    pub to: String,
}

impl From<&Edge> for Connection {
    fn from(e: &Edge) -> Self {
        Connection {
            from: e.from.to_string(),
            port: e.port.as_str().to_owned(),
            to: e.to.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConnectionChanges {
    pub added: Vec<Connection>,
    pub removed: Vec<Connection>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteRef {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteChange {
    pub id: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NoteChanges {
    pub added: Vec<NoteRef>,
    pub removed: Vec<NoteRef>,
    pub changed: Vec<NoteChange>,
}

/// An expectation as a change list names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectationRef {
    pub id: String,
    /// "FACE_NO_MATCH: decision is REJECTED".
    pub words: String,
}

/// An expectation (same id) that says something else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectationChange {
    pub id: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExpectationChanges {
    pub added: Vec<ExpectationRef>,
    pub removed: Vec<ExpectationRef>,
    pub changed: Vec<ExpectationChange>,
}

/// A card or note that moved or was resized: no change in meaning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayoutChange {
    /// "step" or "note".
    pub what: &'static str,
    pub id: String,
    /// "position" or "size".
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// Everything that differs between two workflows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub steps: StepChanges,
    pub connections: ConnectionChanges,
    pub notes: NoteChanges,
    /// Name, description and lint settings.
    pub settings: Vec<FieldChange>,
    /// Expected outcomes, matched by id (issue 34).
    pub expectations: ExpectationChanges,
    pub layout: Vec<LayoutChange>,
}

impl Diff {
    /// Whether the two mean the same (layout aside).
    pub fn same_meaning(&self) -> bool {
        self.steps == StepChanges::default()
            && self.connections == ConnectionChanges::default()
            && self.notes == NoteChanges::default()
            && self.settings.is_empty()
            && self.expectations == ExpectationChanges::default()
    }

    /// Changes in meaning, counted one per step, connection, note and
    /// setting.
    pub fn meaning_count(&self) -> usize {
        let s = &self.steps;
        let n = &self.notes;
        s.added.len()
            + s.removed.len()
            + s.changed.len()
            + self.connections.added.len()
            + self.connections.removed.len()
            + n.added.len()
            + n.removed.len()
            + n.changed.len()
            + self.settings.len()
            + self.expectations.added.len()
            + self.expectations.removed.len()
            + self.expectations.changed.len()
    }

    /// The changes in meaning as lines a person reads, each with the step
    /// it is about (to find it on the canvas).
    pub fn lines(&self) -> Vec<ChangeLine> {
        let mut out = Vec::new();
        for s in &self.steps.added {
            out.push(ChangeLine::step(
                Mark::Added,
                &s.id,
                format!("+ step {} “{}” ({})", s.id, s.title, s.kind),
            ));
        }
        for s in &self.steps.removed {
            out.push(ChangeLine::step(
                Mark::Removed,
                &s.id,
                format!("− step {} “{}” ({})", s.id, s.title, s.kind),
            ));
        }
        for s in &self.steps.changed {
            for f in &s.fields {
                out.push(ChangeLine::step(
                    Mark::Changed,
                    &s.id,
                    format!("~ step {} “{}”: {}", s.id, s.title, f.words()),
                ));
            }
        }
        for c in &self.connections.added {
            out.push(ChangeLine::step(
                Mark::Added,
                &c.from,
                format!("+ connection {} {} → {}", c.from, c.port, c.to),
            ));
        }
        for c in &self.connections.removed {
            out.push(ChangeLine::step(
                Mark::Removed,
                &c.from,
                format!("− connection {} {} → {}", c.from, c.port, c.to),
            ));
        }
        for n in &self.notes.added {
            out.push(ChangeLine::other(
                Mark::Added,
                format!("+ note {}: “{}”", n.id, n.text),
            ));
        }
        for n in &self.notes.removed {
            out.push(ChangeLine::other(
                Mark::Removed,
                format!("− note {}: “{}”", n.id, n.text),
            ));
        }
        for n in &self.notes.changed {
            out.push(ChangeLine::other(
                Mark::Changed,
                format!("~ note {}: “{}” → “{}”", n.id, n.before, n.after),
            ));
        }
        for f in &self.settings {
            out.push(ChangeLine::other(Mark::Changed, format!("~ {}", f.words())));
        }
        let e = &self.expectations;
        for x in &e.added {
            out.push(ChangeLine::other(
                Mark::Added,
                format!("+ expectation {}: {}", x.id, x.words),
            ));
        }
        for x in &e.removed {
            out.push(ChangeLine::other(
                Mark::Removed,
                format!("− expectation {}: {}", x.id, x.words),
            ));
        }
        for x in &e.changed {
            out.push(ChangeLine::other(
                Mark::Changed,
                format!("~ expectation {}: {} → {}", x.id, x.before, x.after),
            ));
        }
        out
    }

    /// The layout changes as lines.
    pub fn layout_lines(&self) -> Vec<ChangeLine> {
        self.layout
            .iter()
            .map(|l| {
                let text = format!(
                    "↔ {} {} {}: {} → {}",
                    l.what, l.id, l.field, l.before, l.after
                );
                match l.what {
                    "step" => ChangeLine::step(Mark::Moved, &l.id, text),
                    _ => ChangeLine::other(Mark::Moved, text),
                }
            })
            .collect()
    }

    /// How `id` changed, if it did (for marks on the canvas).
    pub fn mark_of(&self, id: &str) -> Option<Mark> {
        if self.steps.added.iter().any(|s| s.id == id) {
            Some(Mark::Added)
        } else if self.steps.removed.iter().any(|s| s.id == id) {
            Some(Mark::Removed)
        } else if self.steps.changed.iter().any(|s| s.id == id) {
            Some(Mark::Changed)
        } else if self.layout.iter().any(|l| l.what == "step" && l.id == id) {
            Some(Mark::Moved)
        } else {
            None
        }
    }
}

/// What happened to a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Added,
    Removed,
    Changed,
    Moved,
}

/// One line of a change list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeLine {
    pub mark: Mark,
    /// The step it is about, when it is about one.
    pub step: Option<String>,
    pub text: String,
}

impl ChangeLine {
    fn step(mark: Mark, id: &str, text: String) -> Self {
        ChangeLine {
            mark,
            step: Some(id.to_owned()),
            text,
        }
    }

    fn other(mark: Mark, text: String) -> Self {
        ChangeLine {
            mark,
            step: None,
            text,
        }
    }
}

/// What changed from `a` to `b`.
pub fn diff(a: &Workflow, b: &Workflow) -> Diff {
    let mut out = Diff::default();
    let a_nodes: HashMap<&str, &crate::model::Node> =
        a.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let b_ids: HashMap<&str, ()> = b.nodes.iter().map(|n| (n.id.as_str(), ())).collect();
    for node in &b.nodes {
        match a_nodes.get(node.id.as_str()) {
            None => out.steps.added.push(step_ref(node)),
            Some(before) => {
                let fields = field_changes(&fields(before), &fields(node));
                if !fields.is_empty() {
                    out.steps.changed.push(StepChange {
                        id: node.id.to_string(),
                        title: node.title.clone(),
                        fields,
                    });
                }
                if before.position != node.position {
                    out.layout.push(LayoutChange {
                        what: "step",
                        id: node.id.to_string(),
                        field: "position",
                        before: point(before.position.x, before.position.y),
                        after: point(node.position.x, node.position.y),
                    });
                }
            }
        }
    }
    for node in &a.nodes {
        if !b_ids.contains_key(node.id.as_str()) {
            out.steps.removed.push(step_ref(node));
        }
    }
    out.connections.added = b
        .edges
        .iter()
        .filter(|e| !a.edges.contains(e))
        .map(Connection::from)
        .collect();
    out.connections.removed = a
        .edges
        .iter()
        .filter(|e| !b.edges.contains(e))
        .map(Connection::from)
        .collect();
    diff_notes(&a.notes, &b.notes, &mut out);
    out.settings = settings_changes(a, b);
    out.expectations = expectation_changes(&a.expectations, &b.expectations);
    out
}

/// Expectations matched by id: added, removed, and those whose scenario or
/// expected outcome differ (in the changed side's order).
fn expectation_changes(a: &[Expectation], b: &[Expectation]) -> ExpectationChanges {
    let by_id: HashMap<&str, &Expectation> = a.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut out = ExpectationChanges::default();
    for after in b {
        match by_id.get(after.id.as_str()) {
            None => out.added.push(ExpectationRef {
                id: after.id.clone(),
                words: after.words(),
            }),
            Some(before) if *before != after => out.changed.push(ExpectationChange {
                id: after.id.clone(),
                before: before.words(),
                after: after.words(),
            }),
            Some(_) => {}
        }
    }
    for before in a {
        if !b.iter().any(|e| e.id == before.id) {
            out.removed.push(ExpectationRef {
                id: before.id.clone(),
                words: before.words(),
            });
        }
    }
    out
}

fn step_ref(node: &crate::model::Node) -> StepRef {
    StepRef {
        id: node.id.to_string(),
        title: node.title.clone(),
        kind: kind_words(&node.kind).to_owned(),
    }
}

fn point(x: f32, y: f32) -> String {
    format!("({x}, {y})")
}

/// Field by field, in `after`'s order, then fields only `before` has.
fn field_changes(before: &[(&str, String)], after: &[(&str, String)]) -> Vec<FieldChange> {
    const ABSENT: &str = "—";
    let value = |list: &[(&str, String)], field: &str| {
        list.iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.clone())
    };
    let mut names: Vec<&str> = after.iter().map(|(f, _)| *f).collect();
    names.extend(
        before
            .iter()
            .map(|(f, _)| *f)
            .filter(|f| !after.iter().any(|(g, _)| g == f)),
    );
    names
        .into_iter()
        .filter_map(|field| {
            let (b, a) = (value(before, field), value(after, field));
            (b != a).then(|| FieldChange {
                field: field.to_owned(),
                before: b.unwrap_or_else(|| ABSENT.to_owned()),
                after: a.unwrap_or_else(|| ABSENT.to_owned()),
            })
        })
        .collect()
}

fn diff_notes(a: &[Note], b: &[Note], out: &mut Diff) {
    let by_id: HashMap<&str, &Note> = a.iter().map(|n| (n.id.as_str(), n)).collect();
    for note in b {
        match by_id.get(note.id.as_str()) {
            None => out.notes.added.push(NoteRef {
                id: note.id.clone(),
                text: note.text.clone(),
            }),
            Some(before) => {
                if before.text != note.text {
                    out.notes.changed.push(NoteChange {
                        id: note.id.clone(),
                        before: before.text.clone(),
                        after: note.text.clone(),
                    });
                }
                if before.position != note.position {
                    out.layout.push(LayoutChange {
                        what: "note",
                        id: note.id.clone(),
                        field: "position",
                        before: point(before.position.x, before.position.y),
                        after: point(note.position.x, note.position.y),
                    });
                }
                if before.size() != note.size() {
                    let (s, t) = (before.size(), note.size());
                    out.layout.push(LayoutChange {
                        what: "note",
                        id: note.id.clone(),
                        field: "size",
                        before: format!("{} × {}", s.width, s.height),
                        after: format!("{} × {}", t.width, t.height),
                    });
                }
            }
        }
    }
    for note in a {
        if !b.iter().any(|n| n.id == note.id) {
            out.notes.removed.push(NoteRef {
                id: note.id.clone(),
                text: note.text.clone(),
            });
        }
    }
}

fn settings_changes(a: &Workflow, b: &Workflow) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut field = |name: &str, before: &str, after: &str| {
        if before != after {
            out.push(FieldChange {
                field: name.to_owned(),
                before: before.to_owned(),
                after: after.to_owned(),
            });
        }
    };
    field("Name", &a.name, &b.name);
    field("Description", &a.description, &b.description);
    let rules: BTreeMap<&str, ()> = a
        .lint
        .keys()
        .chain(b.lint.keys())
        .map(|k| (k.as_str(), ()))
        .collect();
    for rule in rules.keys() {
        let setting = |w: &Workflow| {
            w.lint
                .get(*rule)
                .map_or_else(|| "default".to_owned(), |s| format!("{s:?}").to_lowercase())
        };
        field(&format!("Lint rule {rule}"), &setting(a), &setting(b));
    }
    out
}

#[cfg(test)]
mod tests;
