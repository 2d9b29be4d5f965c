//! Pictures without a window (issue 16): `idflow render` to SVG (valid XML
//! with every step title as text) and PNG, and `--against` marks.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use idflow_core::diff::diff;
use idflow_core::format::{Format, parse_workflow};
use idflow_view::{png, svg};
use resvg::usvg::roxmltree;
use tempfile::TempDir;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_workflows")
        .join(name)
}

fn workflow(name: &str) -> idflow_core::Workflow {
    let text = std::fs::read_to_string(sample(name)).expect("sample");
    parse_workflow(&text, Format::Ron).expect("parses")
}

/// The risk step `id` scores by these weights (a customer's own rule).
fn set_weights(
    w: &mut idflow_core::Workflow,
    id: &str,
    weights: Vec<idflow_core::model::RiskWeight>,
) {
    for node in &mut w.nodes {
        if node.id.as_str() == id
            && let idflow_core::model::NodeKind::RiskCalculation(r) = &mut node.kind
        {
            r.scoring = idflow_core::model::Scoring::Weights(weights.clone());
        }
    }
}

fn idflow() -> Command {
    let mut cmd = Command::cargo_bin("idflow").expect("binary built");
    cmd.env_remove("IDFLOW_STORE").env_remove("RUST_LOG");
    cmd
}

/// Every `<text>`'s content.
fn texts(svg: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(svg).expect("valid XML");
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_svg_of_10167_is_xml_with_every_step_title_as_text() {
    let dir = TempDir::new().expect("tmp");
    let out = dir.path().join("10167.svg");
    idflow()
        .arg("render")
        .arg(sample("10167-idiv-watchlist.ron"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).expect("written");
    let texts = texts(&text);
    for node in &workflow("10167-idiv-watchlist.ron").nodes {
        assert!(
            texts.contains(&node.title),
            "{} missing: {texts:?}",
            node.title
        );
    }
    assert!(
        !text.contains("+ added"),
        "nothing to mark without --against"
    );
}

#[test]
fn against_another_workflow_the_changed_steps_are_marked() {
    let before = workflow("10011-idiv.ron");
    // Both standard workflows score by the platform's default (issue 29):
    // a copy of 10167 that weighs its screening itself changes the risk step.
    let mut after = workflow("10167-idiv-watchlist.ron");
    set_weights(
        &mut after,
        "risk",
        vec![idflow_core::model::RiskWeight {
            capability: idflow_core::model::Capability::WatchlistScreening,
            decision: idflow_core::model::DecisionType::Warning,
            weight: 30,
        }],
    );
    let changes = diff(&before, &after);
    let picture = svg(&after, Some(&changes), Some(&before));
    let document = roxmltree::Document::parse(&picture).expect("valid XML");
    let mark_of = |id: &str| -> Vec<String> {
        document
            .descendants()
            .find(|n| n.attribute("id") == Some(&format!("step-{id}")))
            .map(|g| {
                g.descendants()
                    .filter(|n| n.has_tag_name("text"))
                    .filter_map(|n| n.text().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(mark_of("screening").contains(&"+ added".to_owned()));
    assert!(mark_of("risk").contains(&"~ changed".to_owned()));
    assert!(
        !mark_of("idiv")
            .iter()
            .any(|t| t.contains("added") || t.contains("changed")),
        "an unchanged step carries no mark"
    );
    // The other way round, the steps 10011 lacks are drawn ghosted.
    let back = diff(&after, &before);
    let ghosted = svg(&before, Some(&back), Some(&after));
    assert!(texts(&ghosted).contains(&"− removed".to_owned()));
}

#[test]
fn the_png_is_drawn_at_the_scale_asked_for() {
    let w = workflow("10167-idiv-watchlist.ron");
    let picture = svg(&w, None, None);
    let document = roxmltree::Document::parse(&picture).expect("valid XML");
    let width: f32 = document
        .root_element()
        .attribute("width")
        .and_then(|v| v.parse().ok())
        .expect("width");
    for scale in [1.0f32, 2.0] {
        let bytes = png(&picture, scale).expect("png");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let png_width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        assert_eq!(png_width, (width * scale).round() as u32);
    }
    let dir = TempDir::new().expect("tmp");
    idflow()
        .arg("render")
        .arg(sample("10167-idiv-watchlist.ron"))
        .arg("-o")
        .arg(dir.path().join("x.gif"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("must be .svg or .png"));
    idflow()
        .arg("render")
        .arg(sample("10167-idiv-watchlist.ron"))
        .args(["--scale", "100", "-o"])
        .arg(dir.path().join("x.png"))
        .assert()
        .code(2);
    assert!(!dir.path().join("x.png").exists(), "nothing written");
}

/// `idflow review`: one HTML file with both pictures, the change list, the
/// versions' notes, the lint of both sides and the behaviour diff, that
/// asks for nothing outside itself.
#[test]
fn the_review_pack_is_one_file_that_references_nothing_external() {
    use idflow_store::{LocalStore, Store};
    let dir = TempDir::new().expect("tmp");
    let store_dir = dir.path().join("store");
    let store = LocalStore::open(&store_dir)
        .expect("store")
        .with_author("Ada");
    let key = store.duplicate(10011, None).expect("copy");
    // The copy weighs liveness itself (10011 scores by the platform's
    // default, issue 29), so taking liveness out leaves a weight behind.
    let mut copy = store.draft(key).expect("draft").workflow;
    set_weights(
        &mut copy,
        "risk",
        vec![idflow_core::model::RiskWeight {
            capability: idflow_core::model::Capability::Liveness,
            decision: idflow_core::model::DecisionType::Rejected,
            weight: 100,
        }],
    );
    let revision = store.save_draft(key, &copy, 1).expect("save the weights");
    store
        .add_comment(key, Some("idiv"), "Is liveness needed?")
        .expect("comment");
    store
        .publish_with_note(key, Some(revision), "First version for ACME")
        .expect("v1");
    store
        .add_comment(key, None, "Between v1 and v2")
        .expect("comment");
    let mut draft = store.draft(key).expect("draft").workflow;
    for node in &mut draft.nodes {
        if let idflow_core::model::NodeKind::Service(s) = &mut node.kind {
            s.capabilities
                .retain(|c| *c != idflow_core::model::Capability::Liveness);
        }
    }
    let revision = store.save_draft(key, &draft, revision).expect("save");
    store
        .publish_with_note(key, Some(revision), "Liveness off <upstream>")
        .expect("v2");
    // Issue 33, item 10: written on the draft after v2, so not part of a
    // review of v1 → v2.
    store
        .add_comment(key, None, "Written after v2")
        .expect("comment");
    let pack = dir.path().join("pack.html");
    idflow()
        .arg("--store")
        .arg(&store_dir)
        .args(["review", &format!("{key}@v1"), &format!("{key}@v2"), "-o"])
        .arg(&pack)
        .assert()
        .success();
    let html = std::fs::read_to_string(&pack).expect("written");
    assert!(
        html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">"#),
        "the pack sets a Content-Security-Policy"
    );
    let lower = html.to_lowercase();
    for external in [
        "http://", "https://", "src=", "href=", "@import", "<script", "<link", "<iframe",
    ] {
        assert!(!lower.contains(external), "{external} in the pack");
    }
    assert!(
        lower.matches("url(").count() == lower.matches("url(#").count(),
        "only in-document references"
    );
    for expected in [
        "First version for ACME",
        "Liveness off &lt;upstream&gt;",
        "Capabilities: − LIVENESS",
        "LIVENESS_SPOOF",
        "risk-weight-unproduced",
        "<svg ",
        "ID &amp; identity verification",
        "Is liveness needed?",
        "open · in v1",
        "Between v1 and v2",
        "open · in v2",
        // Issue 33, item 11: a comment names its step by title, the id on
        // hover.
        r#"<span title="idiv">ID &amp; identity verification</span>"#,
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    assert!(
        !html.contains("Written after v2"),
        "a comment on a later draft is not part of this review"
    );
    // Issue 33, item 10: times as people read them, the exact time on
    // hover; no raw RFC 3339 text outside the markup.
    let times = html.matches("<time datetime=").count();
    assert!(
        times >= 5,
        "versions, comments and the pack's own time: {times}"
    );
    let shown: String = html
        .split('<')
        .filter_map(|tag| tag.split_once('>').map(|(_, text)| text))
        .collect();
    assert!(
        !shown.contains("T0") && !shown.contains("T1") && !shown.contains("T2"),
        "a raw RFC 3339 time is shown: {shown}"
    );
    assert!(shown.contains(" UTC"), "readable times end in UTC");
    assert_eq!(html.matches("<svg ").count(), 2, "both pictures");
    idflow()
        .arg("--store")
        .arg(&store_dir)
        .args(["review", &format!("{key}@v1"), &format!("{key}@v7"), "-o"])
        .arg(dir.path().join("none.html"))
        .assert()
        .code(2);
    assert!(!dir.path().join("none.html").exists());
}

/// Issue 33, item 10: "a row whose only change is a label is not coloured
/// as a decision change". 10011 → 10013 ends most scenarios at another end
/// step with the same decision (neutral) and decides the watchlist alert
/// differently (red → green).
#[test]
fn the_review_packs_behaviour_colours_only_decision_changes() {
    use idflow_view::review::{ReviewSide, html};
    let side = |reference: &str, name: &str| ReviewSide {
        reference: reference.to_owned(),
        workflow: workflow(name),
        version: None,
        comments: Vec::new(),
    };
    let a = side("A", "10011-idiv.ron");
    let b = side("B", "10013-idiv-screening-residency-address-dl.ron");
    let pack = html(&a, &b);
    let rows: Vec<&str> = pack
        .split("<tr>")
        .filter(|row| row.contains(" · score "))
        .collect();
    assert!(rows.len() > 10, "{} behaviour rows", rows.len());
    let (mut same, mut changed) = (0, 0);
    for row in rows {
        let cells: Vec<&str> = row.split("<td").skip(2).collect();
        let decision = |cell: &str| {
            cell.split('>')
                .nth(1)
                .and_then(|text| text.split(' ').next())
                .map(str::to_owned)
        };
        let (before, after) = (decision(cells[0]), decision(cells[1]));
        if before == after {
            same += 1;
            assert!(
                cells.iter().all(|c| c.starts_with(r#" class="same""#)),
                "same decision, coloured as a change: {row}"
            );
        } else {
            changed += 1;
            assert!(
                cells[0].starts_with(r#" class="removed""#)
                    && cells[1].starts_with(r#" class="added""#),
                "a decision change not coloured: {row}"
            );
        }
    }
    assert!(same > 0 && changed > 0, "same {same}, changed {changed}");
}

/// Issue 33, item 9: "Pictures keep the branch meaning": `idflow render`
/// draws Then and Else as the canvas does (green and red, the port colours
/// of `idflow_view::theme`), with the words Then and Else as text on those
/// wires, and an If/Else's condition worded and wrapped between words,
/// never cut inside one.
#[test]
fn an_if_else_reads_then_and_else_and_its_condition_in_words() {
    use idflow_core::model::{NodeKind, Port};
    use idflow_view::theme::port_color;
    let wf = workflow("10013-idiv-screening-residency-address-dl.ron");
    let picture = svg(&wf, None, None);
    let document = roxmltree::Document::parse(&picture).expect("valid XML");
    let hex = |c: egui::Color32| format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b());
    let (then, otherwise) = (
        hex(port_color(Port::Then, false, egui::Color32::GRAY)),
        hex(port_color(Port::Else, false, egui::Color32::GRAY)),
    );
    let branches: Vec<(String, String)> = document
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some("branch"))
        .map(|n| {
            (
                n.text().unwrap_or_default().to_owned(),
                n.attribute("fill").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let wired = |port: Port| wf.edges.iter().filter(|e| e.port == port).count();
    for (word, color, port) in [
        ("Then", &then, Port::Then),
        ("Else", &otherwise, Port::Else),
    ] {
        let on_wires = branches
            .iter()
            .filter(|(w, c)| w == word && c == color)
            .count();
        assert_eq!(
            on_wires,
            wired(port),
            "{word} on each of its wires, in {color}"
        );
        let strokes = document
            .descendants()
            .filter(|n| n.has_tag_name("path") && n.attribute("stroke") == Some(color.as_str()))
            .count();
        assert_eq!(strokes, wired(port), "{word} wires drawn in {color}");
    }
    // Every If/Else's condition, in words, in whole words.
    let decisions: Vec<_> = wf
        .nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Decision(_)))
        .collect();
    assert_eq!(decisions.len(), 2);
    for node in decisions {
        let subtitle = idflow_view::card::card_text(node).subtitle;
        assert!(
            !subtitle.contains('=') && !subtitle.contains('≠'),
            "{subtitle}"
        );
        let group = document
            .descendants()
            .find(|n| n.attribute("id") == Some(format!("step-{}", node.id.as_str()).as_str()))
            .expect("the step's group");
        let lines: Vec<String> = group
            .descendants()
            .filter(|n| n.attribute("class") == Some("subtitle"))
            .map(|n| n.text().unwrap_or_default().to_owned())
            .collect();
        assert!(!lines.is_empty() && lines.len() <= 2, "{lines:?}");
        let words: Vec<&str> = subtitle.split_whitespace().collect();
        let shown: Vec<String> = lines
            .iter()
            .flat_map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        for (i, word) in shown.iter().enumerate() {
            let whole = word.trim_end_matches('…');
            assert_eq!(
                Some(&whole),
                words.get(i),
                "{:?} shows {lines:?}: a word cut or changed",
                node.id
            );
        }
    }
    let shown = texts(&picture).join(" ");
    for sentence in [
        "If the decision is not Rejected",
        "If Document type is Driving licence",
    ] {
        let words: Vec<&str> = sentence.split(' ').collect();
        assert!(
            shown.contains(&words.join(" ")),
            "{sentence} not in {shown}"
        );
    }
}
