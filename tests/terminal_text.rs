//! Text shown in a terminal is made safe (issue 30, item 7): names,
//! titles, notes, comments and references holding ESC sequences, BEL, CR,
//! C1 controls and bidi controls reach stdout escaped through `store
//! list`, `store comments`, `store history` and `diff`, in text and in
//! JSON. The real binary on a real local store in a temp folder; what a
//! terminal would act on gets there from a workflow file, the OS user name
//! and, for comment texts and publish notes (which idflow now refuses to
//! write with control characters), from a store an earlier idflow wrote.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use idflow_core::format::{Format, parse_workflow, workflow_to_text};
use tempfile::TempDir;

/// Clears the screen, sets the window title (ended by BEL), returns the
/// carriage, sends a C1 CSI and reverses the text that follows.
const HOSTILE: &str = "Pwn\u{1b}[2J\u{1b}]0;owned\u{7}\rfake\u{9b}31m\u{202e}desrever";

/// The same as RON writes it in a string (`\u{1b}`, `\r`...).
fn ron_escaped(text: &str) -> String {
    text.chars().flat_map(char::escape_debug).collect()
}

fn idflow(store: &Path) -> Command {
    let mut cmd = Command::cargo_bin("idflow").expect("binary built");
    cmd.env_remove("IDFLOW_STORE")
        .env_remove("RUST_LOG")
        .arg("--store")
        .arg(store);
    cmd
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_workflows/10011-idiv.ron")
}

/// Runs `cmd`, which must succeed (or exit 1 for `diff`), and answers its
/// stdout, after checking that no character a terminal acts on reached it
/// raw: only tabs and line feeds are control characters there.
fn safe_stdout(what: &str, cmd: &mut Command) -> String {
    let output = cmd.output().expect("runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{what}: {output:?}"
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    for (at, c) in text.char_indices() {
        let acts = (c.is_control() && c != '\t' && c != '\n')
            || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}');
        assert!(
            !acts,
            "{what}: raw U+{:04X} at byte {at} of stdout:\n{}",
            u32::from(c),
            text.escape_debug()
        );
    }
    assert!(!text.as_bytes().contains(&0x1b), "{what}: ESC byte");
    text
}

/// The escaped form the CLI prints (`\u{1b}`, `\r`, `\u{202e}`).
fn shown(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c);
            if escape {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Issue 30, item 7: every such print of a store, on a store holding the
/// hostile text in a name, a step title, a sticky note, a comment's step,
/// text and author, and a version's author and note.
#[test]
fn store_and_diff_outputs_show_control_characters_escaped() {
    let dir = TempDir::new().expect("tmp");
    let store = dir.path().join("store");
    let original = parse_workflow(&fs::read_to_string(sample()).expect("sample"), Format::Ron)
        .expect("parses");
    let mut hostile = original.clone();
    hostile.name = HOSTILE.to_owned();
    hostile.nodes[0].title = HOSTILE.to_owned();
    hostile.notes = vec![idflow_core::model::Note {
        id: "n1".into(),
        position: idflow_core::model::Position { x: 0.0, y: 0.0 },
        text: HOSTILE.to_owned(),
        size: None,
    }];
    let file = dir.path().join("hostile.ron");
    fs::write(&file, workflow_to_text(&hostile, Format::Ron)).expect("write");

    // A workflow named with it.
    let imported = idflow(&store)
        .args(["store", "import"])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(imported.status.success(), "{imported:?}");
    let key = String::from_utf8(imported.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let list = safe_stdout("store list", idflow(&store).args(["store", "list"]));
    // A field of a row keeps to its line: its CR prints as a space.
    let one_line = shown(&HOSTILE.replace('\r', " "));
    assert!(list.contains(&format!("\t{one_line}\t")), "{list}");

    // A comment on a step of that name, by a user of that name, and a
    // version published by them.
    let commented = idflow(&store)
        .env("USER", HOSTILE)
        .env("LOGNAME", HOSTILE)
        .args([
            "store",
            "comment",
            &key,
            "--step",
            HOSTILE,
            "PLACEHOLDER-COMMENT",
        ])
        .output()
        .expect("runs");
    assert!(commented.status.success(), "{commented:?}");
    let published = idflow(&store)
        .env("USER", HOSTILE)
        .env("LOGNAME", HOSTILE)
        .args(["store", "publish", &key, "--note", "PLACEHOLDER-NOTE"])
        .output()
        .expect("runs");
    assert!(published.status.success(), "{published:?}");
    // The comment's text and the note as an earlier idflow kept them.
    for (file, placeholder) in [
        ("comments.ron", "PLACEHOLDER-COMMENT"),
        ("meta.ron", "PLACEHOLDER-NOTE"),
    ] {
        let path = store.join(&key).join(file);
        let text = fs::read_to_string(&path).expect("read");
        assert!(text.contains(placeholder), "{file}");
        fs::write(&path, text.replace(placeholder, &ron_escaped(HOSTILE))).expect("write");
    }
    let comments = safe_stdout(
        "store comments",
        idflow(&store).args(["store", "comments", &key]),
    );
    let row: Vec<&str> = comments
        .lines()
        .next()
        .expect("a comment")
        .split('\t')
        .collect();
    assert_eq!(row.len(), 7, "{comments}");
    assert_eq!(row[1], one_line, "step");
    assert_eq!(row[4], one_line, "author");
    assert!(row[6].contains("Pwn\\u{1b}[2J"), "text: {comments}");
    let history = safe_stdout(
        "store history",
        idflow(&store).args(["store", "history", &key]),
    );
    let row: Vec<&str> = history.lines().next().expect("v1").split('\t').collect();
    assert_eq!(row.len(), 8, "{history}");
    assert!(
        row[4].contains("\\u{1b}]0;owned\\u{7}"),
        "author: {history}"
    );
    assert!(row[5].contains("\\u{202e}desrever"), "note: {history}");

    // diff, text and JSON, against the sample it was made from.
    let mut diff = idflow(&store);
    diff.arg("diff").arg(sample()).arg(&file);
    let text = safe_stdout("diff", &mut diff);
    assert!(text.contains(&shown(HOSTILE)), "{text}");
    assert!(text.lines().count() >= 3, "{text}");
    let mut diff_json = idflow(&store);
    diff_json
        .arg("diff")
        .arg(sample())
        .arg(&file)
        .args(["--format", "json"]);
    let json = safe_stdout("diff --format json", &mut diff_json);
    let document: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert!(
        json.contains("\\u001b") && json.contains("\\u202e") && json.contains("\\u009b"),
        "{json}"
    );
    fn holds(value: &serde_json::Value, text: &str) -> bool {
        match value {
            serde_json::Value::String(s) => s.contains(text),
            serde_json::Value::Array(items) => items.iter().any(|v| holds(v, text)),
            serde_json::Value::Object(map) => map.values().any(|v| holds(v, text)),
            _ => false,
        }
    }
    assert!(
        holds(&document, HOSTILE),
        "the JSON reads back to the same text: {json}"
    );
    // And the store's own diff of draft and version.
    let mut stored = idflow(&store);
    stored.args(["diff", &format!("{key}@v1"), &key]);
    safe_stdout("diff of store references", &mut stored);
}
