use super::*;
use crate::format::{Format, parse_workflow};
use crate::model::{Capability, NodeKind, Position};

fn sample(name: &str) -> Workflow {
    let path = format!(
        "{}/../../sample_workflows/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("sample");
    parse_workflow(&text, Format::Ron).expect("parses")
}

fn idiv() -> Workflow {
    sample("10011-idiv.ron")
}

#[test]
fn a_workflow_against_itself_has_no_changes() {
    let w = idiv();
    let d = diff(&w, &w);
    assert!(d.same_meaning());
    assert_eq!(d, Diff::default());
    assert!(behaviour_diff(&w, &w).is_empty());
}

#[test]
fn a_moved_card_is_layout_only() {
    let a = idiv();
    let mut b = a.clone();
    b.nodes[0].position = Position::new(900.0, 40.0);
    let d = diff(&a, &b);
    assert!(d.same_meaning(), "{d:?}");
    assert_eq!(d.layout.len(), 1);
    assert_eq!(d.layout[0].id, a.nodes[0].id.as_str());
    assert_eq!(d.layout[0].after, "(900, 40)");
}

#[test]
fn a_changed_field_reads_in_the_platform_words() {
    let a = idiv();
    let mut b = a.clone();
    let service = b
        .nodes
        .iter_mut()
        .find_map(|n| match &mut n.kind {
            NodeKind::Service(s) if s.capabilities.contains(&Capability::Liveness) => Some(s),
            _ => None,
        })
        .expect("a service with liveness");
    service.capabilities.retain(|c| *c != Capability::Liveness);
    let d = diff(&a, &b);
    assert_eq!(d.steps.changed.len(), 1);
    let field = &d.steps.changed[0].fields[0];
    assert_eq!(field.field, "Capabilities");
    assert!(field.before.contains("LIVENESS"), "{field:?}");
    assert!(!field.after.contains("LIVENESS"), "{field:?}");
    assert_eq!(d.meaning_count(), 1);
    assert_eq!(d.mark_of(&d.steps.changed[0].id), Some(Mark::Changed));
    let line = &d.lines()[0].text;
    assert!(line.ends_with("Capabilities: − LIVENESS"), "{line}");
}

#[test]
fn steps_connections_notes_and_settings_added_and_removed() {
    let a = idiv();
    let b = sample("10167-idiv-watchlist.ron");
    let d = diff(&a, &b);
    assert!(!d.same_meaning());
    assert!(!d.steps.added.is_empty(), "10167 adds steps: {d:?}");
    assert!(
        d.steps
            .added
            .iter()
            .any(|s| s.kind == "Risk signal" || s.title.to_lowercase().contains("watchlist")),
        "{:?}",
        d.steps.added
    );
    assert!(!d.connections.added.is_empty());
    assert!(d.settings.iter().any(|f| f.field == "Name"));
    // The other way round, what was added is removed.
    let back = diff(&b, &a);
    assert_eq!(back.steps.removed.len(), d.steps.added.len());
    assert_eq!(back.connections.removed, d.connections.added);
}

#[test]
fn unticking_liveness_changes_the_spoof_row_and_not_all_pass() {
    let a = idiv();
    let mut b = a.clone();
    for node in &mut b.nodes {
        if let NodeKind::Service(s) = &mut node.kind {
            s.capabilities.retain(|c| *c != Capability::Liveness);
        }
    }
    let rows = behaviour_diff(&a, &b);
    let spoof = rows
        .iter()
        .find(|r| r.scenario == "LIVENESS_SPOOF")
        .expect("the spoof row changes");
    assert_eq!(spoof.a.decision, crate::model::DecisionType::Rejected);
    assert_ne!(spoof.b.decision, crate::model::DecisionType::Rejected);
    assert!(rows.iter().all(|r| r.scenario != "ALL_PASS"), "{rows:?}");
}

#[test]
fn a_long_list_says_what_came_and_went() {
    let change = FieldChange {
        field: "Weights".into(),
        before: "A 1, B 2, C 3, D 4, E 5".into(),
        after: "A 1, B 2, C 3, D 4, E 5, F 6".into(),
    };
    assert_eq!(change.words(), "Weights: + F 6");
    let short = FieldChange {
        field: "Channels".into(),
        before: "WEB, SDK".into(),
        after: "WEB, SDK, API".into(),
    };
    assert_eq!(short.words(), "Channels: WEB, SDK → WEB, SDK, API");
}
