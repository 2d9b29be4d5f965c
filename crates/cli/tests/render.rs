//! `idflow render` from the CLI crate alone (issue 32): the command line
//! draws a picture itself, with the view crate, without the designer's
//! package (which this crate cannot depend on: the designer depends on it).

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use idflow_cli::{Cli, Outcome, exit};

/// Runs one command line in this process; its exit code.
fn run(args: &[&str]) -> ExitCode {
    let cli = Cli::try_parse_from(std::iter::once("idflow").chain(args.iter().copied()))
        .expect("the command line parses");
    match idflow_cli::run(cli) {
        Outcome::Exit(code) => code,
        Outcome::Designer { .. } => panic!("{args:?} opened the designer"),
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

/// Every `<text>`'s content.
fn texts(document: &roxmltree::Document<'_>) -> Vec<String> {
    document
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

fn standard(key: u32) -> idflow_core::Workflow {
    idflow_store::standard_workflows()
        .expect("the embedded standard workflows parse")
        .into_iter()
        .find(|w| w.key == key)
        .expect("a standard workflow")
}

#[test]
fn render_draws_a_standard_workflow_of_a_fresh_store_as_svg() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("store");
    let out = dir.path().join("10167.svg");
    let code = run(&["--store", path(&store), "render", "10167", "-o", path(&out)]);
    assert_eq!(code, ExitCode::from(exit::OK));

    let text = std::fs::read_to_string(&out).expect("the picture is written");
    let document = roxmltree::Document::parse(&text).expect("valid XML");
    let svg = document.root_element();
    assert_eq!(svg.tag_name().name(), "svg");
    let workflow = standard(10167);
    let title = svg
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text());
    assert_eq!(title, Some(workflow.name.as_str()));
    let texts = texts(&document);
    assert!(!workflow.nodes.is_empty());
    for node in &workflow.nodes {
        assert!(
            texts.contains(&node.title),
            "{} missing: {texts:?}",
            node.title
        );
    }
    let steps = document
        .descendants()
        .filter(|n| n.attribute("class") == Some("step"))
        .count();
    assert_eq!(steps, workflow.nodes.len(), "one card a step");
    assert!(
        !texts.iter().any(|t| t == "+ added"),
        "nothing to mark without --against"
    );
}

#[test]
fn render_against_another_standard_workflow_marks_the_added_steps() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("store");
    let out = dir.path().join("marked.svg");
    let code = run(&[
        "--store",
        path(&store),
        "render",
        "10167",
        "--against",
        "10011",
        "-o",
        path(&out),
    ]);
    assert_eq!(code, ExitCode::from(exit::OK));
    let text = std::fs::read_to_string(&out).expect("the picture is written");
    let document = roxmltree::Document::parse(&text).expect("valid XML");
    assert!(
        texts(&document).iter().any(|t| t == "+ added"),
        "10167 adds screening to 10011"
    );
}

#[test]
fn render_refuses_a_picture_format_it_does_not_draw_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = dir.path().join("store");
    let out = dir.path().join("10167.gif");
    let code = run(&["--store", path(&store), "render", "10167", "-o", path(&out)]);
    assert_eq!(code, ExitCode::from(exit::UNREADABLE));
    assert!(!out.exists());
}
