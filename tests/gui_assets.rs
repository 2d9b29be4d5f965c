//! Every character the designer draws has a glyph in the fonts it ships
//! with (no "□" boxes): checked on what the screens actually draw, and on
//! every non-ASCII character in the designer's string literals (so a
//! dialog the walk below does not open is covered too).

mod common;

use std::collections::BTreeSet;

use common::{Steps, harness};
use egui::FontFamily;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idflow::app::IdflowApp;
use idflow_core::model::NodeId;
use tempfile::TempDir;

type Seen = BTreeSet<(String, char)>;

fn family_name(family: &FontFamily) -> String {
    match family {
        FontFamily::Proportional => "Proportional".to_owned(),
        FontFamily::Monospace => "Monospace".to_owned(),
        FontFamily::Name(name) => name.to_string(),
    }
}

fn family(name: &str) -> FontFamily {
    match name {
        "Proportional" => FontFamily::Proportional,
        "Monospace" => FontFamily::Monospace,
        other => FontFamily::Name(other.into()),
    }
}

/// Collects (font family, character) of every glyph drawn in the last frame.
fn collect(h: &Harness<'static, IdflowApp>, seen: &mut Seen) {
    fn walk(shape: &egui::Shape, seen: &mut Seen) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, seen)),
            egui::Shape::Text(text) => {
                let job = &text.galley.job;
                // A glyph's section is private: a character counts as drawn
                // in each family its job uses (all of them must have it,
                // which is stricter than needed for jobs of several).
                let families: BTreeSet<String> = job
                    .sections
                    .iter()
                    .map(|s| family_name(&s.format.font_id.family))
                    .collect();
                for placed in &text.galley.rows {
                    for glyph in &placed.row.glyphs {
                        if glyph.chr.is_whitespace() {
                            continue;
                        }
                        for family in &families {
                            seen.insert((family.clone(), glyph.chr));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for clipped in &h.output().shapes {
        walk(&clipped.shape, seen);
    }
}

/// The characters of `seen` that no font of their family has, by the fonts'
/// own character maps (egui's `has_glyph` calls a character missing when
/// its family's first font is also the one holding the replacement glyph).
fn missing(seen: &Seen) -> Vec<String> {
    use skrifa::MetadataProvider;
    let definitions = idflow::app::fonts::definitions();
    seen.iter()
        .filter(|(name, c)| {
            let fonts = definitions
                .families
                .get(&family(name))
                .cloned()
                .unwrap_or_default();
            !fonts.iter().any(|font| {
                definitions.font_data.get(font).is_some_and(|data| {
                    skrifa::FontRef::from_index(&data.font, data.index)
                        .is_ok_and(|f| f.charmap().map(*c).is_some())
                })
            })
        })
        .map(|(name, c)| format!("{c:?} (U+{:04X}) in {name}", *c as u32))
        .collect()
}

#[test]
fn every_glyph_drawn_on_the_main_screens_is_in_the_fonts() {
    let dir = TempDir::new().expect("tmp");
    let mut h = harness(IdflowApp::new(dir.path(), None).expect("app"));
    let mut seen = Seen::new();
    collect(&h, &mut seen);
    for key in [
        10011, 10013, 10014, 10071, 10163, 10165, 10167, 10169, 10171,
    ] {
        h.state_mut().perform(idflow::app::Intent::OpenKey(key));
        h.steps(3);
        collect(&h, &mut seen);
        // Every step's properties.
        let ids: Vec<NodeId> = h
            .state()
            .doc
            .workflow()
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .collect();
        for id in ids {
            h.state_mut().doc.selection = idflow::document::Selection::only(id);
            h.steps(2);
            collect(&h, &mut seen);
        }
        h.state_mut().doc.selection.clear();
    }
    // A test run on 10167 (step pills, decisions, the matrix).
    h.state_mut().perform(idflow::app::Intent::OpenKey(10167));
    h.steps(2);
    h.get_by_label("Test run").click();
    h.steps(2);
    collect(&h, &mut seen);
    for label in ["Run", "Run scenario"] {
        if let Some(button) = h.query_by_label(label) {
            button.click();
            h.steps(3);
            collect(&h, &mut seen);
        }
    }
    // Help and the shortcuts.
    h.key_press(egui::Key::F1);
    h.steps(2);
    collect(&h, &mut seen);

    let missing = missing(&seen);
    assert!(
        missing.is_empty(),
        "drawn without a glyph (a box on screen): {missing:#?}"
    );
    assert!(seen.len() > 100, "the walk drew text: {}", seen.len());
}

/// Every non-ASCII character inside a string literal of the designer's
/// source, in both families it may be drawn with.
#[test]
fn every_non_ascii_character_in_the_designers_strings_is_in_the_fonts() {
    let mut chars = BTreeSet::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("src/app"), root.join("crates/core/src/catalog")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source");
            for line in text.lines() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                // The parts of the line between double quotes.
                for (i, part) in code.split('"').enumerate() {
                    if i % 2 == 1 {
                        chars.extend(part.chars().filter(|c| !c.is_ascii() && !c.is_whitespace()));
                    }
                }
            }
        }
    }
    assert!(!chars.is_empty(), "the scan found the designer's symbols");
    let seen: Seen = chars
        .iter()
        .flat_map(|&c| [("Proportional".to_owned(), c), ("Monospace".to_owned(), c)])
        .collect();
    let missing = missing(&seen);
    assert!(missing.is_empty(), "no glyph for {missing:#?}");
}

/// The application icon decodes to a square image of a useful size, and the
/// `.desktop` entry names it and the binary.
#[test]
fn the_application_icon_and_desktop_entry_are_usable() {
    let icon = idflow::app::window_icon().expect("the icon decodes");
    assert_eq!(icon.width, icon.height, "square");
    assert!(icon.width >= 128, "{}", icon.width);
    assert_eq!(icon.rgba.len(), (icon.width * icon.height * 4) as usize);
    let desktop = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/idflow.desktop"),
    )
    .expect("the .desktop entry");
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Exec=idflow %f",
        "Icon=idflow",
    ] {
        assert!(desktop.lines().any(|l| l == line), "{line} in {desktop}");
    }
}
