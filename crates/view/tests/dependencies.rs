//! The view crate draws without a window (issue 32): nothing it builds on,
//! directly or through another crate, is eframe, egui's windowing or GPU
//! glue, or the designer's package. A server and the command line draw
//! with it; a window system in its tree would come with them. Read from
//! `cargo metadata`, so a dependency added anywhere below it is caught.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// Crates that open windows or talk to a GPU, and the designer itself.
const FORBIDDEN: &[&str] = &[
    "eframe",
    "egui-winit",
    "egui-wgpu",
    "egui_glow",
    "winit",
    "wgpu",
    "glow",
    "idflow",
];

/// The names of every package `idflow-view` builds on (normal and build
/// dependencies, at any depth; not its dev-dependencies).
fn view_dependencies() -> BTreeSet<String> {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--manifest-path", manifest])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let names: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("a package id"),
                p["name"].as_str().expect("a package name"),
            )
        })
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("the resolved graph")
        .iter()
        .map(|n| (n["id"].as_str().expect("a node id"), n))
        .collect();
    let view = names
        .iter()
        .find(|(_, name)| **name == "idflow-view")
        .map(|(id, _)| *id)
        .expect("idflow-view is in the workspace");

    let mut seen = BTreeSet::from([view]);
    let mut queue = vec![view];
    while let Some(id) = queue.pop() {
        for dep in nodes[id]["deps"].as_array().expect("deps") {
            let not_dev_only = dep["dep_kinds"]
                .as_array()
                .expect("dep_kinds")
                .iter()
                .any(|k| k["kind"].as_str() != Some("dev"));
            let pkg = dep["pkg"].as_str().expect("a dependency's id");
            if not_dev_only && seen.insert(pkg) {
                queue.push(pkg);
            }
        }
    }
    seen.remove(view);
    seen.iter().map(|id| names[id].to_owned()).collect()
}

#[test]
fn the_view_crate_builds_on_no_window_gpu_or_designer() {
    let dependencies = view_dependencies();
    // The walk reaches what the view is made of (else an empty answer
    // would pass for a clean one).
    for expected in ["idflow-core", "idflow-store", "emath", "ecolor", "resvg"] {
        assert!(
            dependencies.contains(expected),
            "{expected} not found among {dependencies:?}"
        );
    }
    let found: Vec<&&str> = FORBIDDEN
        .iter()
        .filter(|name| dependencies.contains(**name))
        .collect();
    assert!(
        found.is_empty(),
        "idflow-view must draw without a window, yet depends on {found:?}"
    );
}
