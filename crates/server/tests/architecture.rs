//! Issue 31: no import circles between the files of `crates/server/src`.
//! A circle (a imports b, b imports a, possibly through others) is where a
//! change to one file forces a change to the other and where a layer runs
//! back up; ARCHITECTURE.md says which way the arrows go. This test reads
//! every `use` statement, and every path in code, that starts at
//! `crate::`, `super::` (`super::super::` too), `self::` or a child module
//! the file declares (`mod review;` then `use review::Audit;` or
//! `review::Audit::new()`), resolves each path to the
//! file that defines the module it names, and fails on any strongly
//! connected group of more than one file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `root`, as a path relative to it.
fn sources(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).expect("the source folder reads");
        for entry in entries {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file reads");
                // A file's own unit tests (the `#[cfg(test)] mod tests` at its
                // end) may reach anywhere: they are not part of the layers.
                let text = match unit_tests_start(&text) {
                    Some(at) => text[..at].to_owned(),
                    None => text,
                };
                let relative = path.strip_prefix(root).expect("under root").to_path_buf();
                files.insert(relative, text);
            }
        }
    }
    files
}

/// Where a file's unit tests start: the first `#[cfg(test)]` on a line of
/// its own followed by a module (`mod tests`, `pub(crate) mod tests`).
fn unit_tests_start(text: &str) -> Option<usize> {
    const MARKER: &str = "#[cfg(test)]\n";
    let mut from = 0;
    while let Some(found) = text[from..].find(MARKER) {
        let at = from + found;
        let next_line = text[at + MARKER.len()..].lines().next().unwrap_or("");
        if without_visibility(next_line.trim()).starts_with("mod ") {
            return Some(at);
        }
        from = at + MARKER.len();
    }
    None
}

/// `pub(crate) mod x;` without its `pub(crate) `.
fn without_visibility(item: &str) -> &str {
    let Some(rest) = item.strip_prefix("pub") else {
        return item;
    };
    let rest = rest.trim_start();
    match rest.strip_prefix('(') {
        Some(inner) => inner
            .find(')')
            .map_or(rest, |close| inner[close + 1..].trim_start()),
        None => rest,
    }
}

/// The child modules `text` declares in files of their own (`mod name;`,
/// whatever the visibility): in that file `name::...` is a path into the
/// child, as `self::name::...` would be.
fn child_modules(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| {
            let name = without_visibility(line.trim())
                .strip_prefix("mod ")?
                .strip_suffix(';')?
                .trim();
            let identifier =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            identifier.then(|| name.to_owned())
        })
        .collect()
}

/// The paths of the `use` statements in `text` that start at `crate::`,
/// `super::`, `self::` or one of `children` (what follows the first
/// segment, up to the `;`), whatever their visibility, with that first
/// segment.
fn module_uses(text: &str, children: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut uses = Vec::new();
    let starts = ["crate", "super", "self"]
        .into_iter()
        .chain(children.iter().map(String::as_str));
    for start in starts {
        let marker = format!("use {start}::");
        let mut rest = text;
        while let Some(at) = rest.find(&marker) {
            let before = &rest[..at];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let prefix = before[line_start..].trim();
            let statement_start = prefix.is_empty() || prefix.starts_with("pub");
            let after = &rest[at + marker.len()..];
            let Some(end) = after.find(';') else { break };
            if statement_start {
                uses.push((start.to_owned(), after[..end].to_owned()));
            }
            rest = &after[end..];
        }
    }
    uses
}

/// The module paths `text` names outside its `use` statements, in code
/// (`store::routes()`, `crate::db::Db::open(..)`, `super::Key`), starting
/// at `crate::`, `super::`, `self::` or one of `children`, as
/// [`module_uses`] gives them. Comments, strings and `use` statements
/// (read by [`module_uses`], with their braces) are skipped.
fn mentioned_paths(text: &str, children: &BTreeSet<String>) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    let mut in_use = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let code = without_visibility(trimmed);
        if in_use || code.starts_with("use ") {
            in_use = !line.contains(';');
            continue;
        }
        let code = code_of(line);
        let bytes = code.as_bytes();
        let mut at = 0;
        while at < code.len() {
            // Not `$crate::` (a macro's path, resolved where it expands)
            // nor `pub(in crate::db)` (a visibility, no import).
            let is_start = at == 0 || {
                let before = bytes[at - 1];
                !(before.is_ascii_alphanumeric()
                    || matches!(before, b'_' | b':' | b'$')
                    || code[..at].ends_with("(in "))
            };
            let rest = &code[at..];
            let word_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..word_end];
            let known = matches!(word, "crate" | "super" | "self") || children.contains(word);
            if is_start && word_end > 0 && known && rest[word_end..].starts_with("::") {
                let after = &rest[word_end + 2..];
                let path_end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(after.len());
                let path = after[..path_end].trim_end_matches(':');
                if !path.is_empty() {
                    paths.push((word.to_owned(), path.to_owned()));
                }
                at += word_end + 2 + path_end;
            } else {
                at += word_end.max(rest.chars().next().map_or(1, char::len_utf8));
            }
        }
    }
    paths
}

/// `line` without its comment and with its string literals blanked (a
/// path inside a string or a comment names no module).
fn code_of(line: &str) -> String {
    let mut code = String::with_capacity(line.len());
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
            }
            '"' => {
                in_string = !in_string;
                code.push(' ');
            }
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            _ if in_string => code.push(' '),
            _ => code.push(c),
        }
    }
    code
}

/// The module path of a file: `a/b.rs` and `a/b/mod.rs` are `a::b`,
/// `lib.rs` is the crate.
fn module_of(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" && stem != "lib" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

/// `a::{b, c::{d, e}}` as the paths it names: `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    // `x as y` names `x`: marked before white space goes.
    let tree: String = tree
        .replace(" as ", "@")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut paths = Vec::new();
    expand_into(&tree, &mut Vec::new(), &mut paths);
    paths
}

fn expand_into(tree: &str, prefix: &mut Vec<String>, paths: &mut Vec<Vec<String>>) {
    match tree.find('{') {
        None => {
            let mut path = prefix.clone();
            path.extend(
                tree.split("::")
                    .filter(|s| !s.is_empty())
                    .map(|s| s.split('@').next().unwrap_or(s).to_owned()),
            );
            paths.push(path);
        }
        Some(open) => {
            let head = &tree[..open];
            let close = tree.rfind('}').unwrap_or(tree.len());
            let inner = &tree[open + 1..close];
            let depth_before = prefix.len();
            prefix.extend(
                head.split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            );
            for part in split_top_level(inner) {
                // After a trailing comma (how rustfmt ends a list written
                // over several lines) comes nothing: no path, not the prefix.
                if part.is_empty() {
                    continue;
                }
                if part == "self" {
                    paths.push(prefix.clone());
                } else {
                    expand_into(part, prefix, paths);
                }
            }
            prefix.truncate(depth_before);
        }
    }
}

/// `a, b::{c, d}, e` split at the commas outside braces.
fn split_top_level(list: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0usize);
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// The file defining the longest module prefix of `path` (`a::b::Item` is
/// `a/b.rs` or `a/b/mod.rs` when it exists, else `a.rs` or `a/mod.rs`).
fn file_of(path: &[String], files: &BTreeMap<PathBuf, String>) -> Option<PathBuf> {
    for length in (1..=path.len()).rev() {
        let module = path[..length].join("/");
        for candidate in [format!("{module}.rs"), format!("{module}/mod.rs")] {
            let candidate = PathBuf::from(candidate);
            if files.contains_key(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

/// Who imports whom: file -> the files its `use` statements name.
fn imports(files: &BTreeMap<PathBuf, String>) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut graph = BTreeMap::new();
    for (file, text) in files {
        let mut targets = BTreeSet::new();
        let module = module_of(file);
        let children = child_modules(text);
        let mut named = module_uses(text, &children);
        named.extend(mentioned_paths(text, &children));
        for (start, tree) in named {
            let base: Vec<String> = match start.as_str() {
                "crate" => Vec::new(),
                "super" => module[..module.len().saturating_sub(1)].to_vec(),
                "self" => module.clone(),
                child => module.iter().cloned().chain([child.to_owned()]).collect(),
            };
            for relative in expand(&tree) {
                let mut path = base.clone();
                let mut segments = relative.into_iter().peekable();
                // `super::super::x`: each further `super` climbs one more.
                while start == "super" && segments.peek().is_some_and(|s| s == "super") {
                    path.pop();
                    segments.next();
                }
                path.extend(segments);
                if let Some(target) = file_of(&path, files)
                    && &target != file
                {
                    targets.insert(target);
                }
            }
        }
        graph.insert(file.clone(), targets);
    }
    graph
}

/// The groups of more than one file that import each other, directly or
/// through others (Tarjan's strongly connected components).
fn circles(graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Vec<Vec<PathBuf>> {
    struct State<'g> {
        graph: &'g BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        index: BTreeMap<&'g PathBuf, usize>,
        low: BTreeMap<&'g PathBuf, usize>,
        stack: Vec<&'g PathBuf>,
        on_stack: BTreeSet<&'g PathBuf>,
        next: usize,
        found: Vec<Vec<PathBuf>>,
    }
    fn visit<'g>(state: &mut State<'g>, file: &'g PathBuf) {
        state.index.insert(file, state.next);
        state.low.insert(file, state.next);
        state.next += 1;
        state.stack.push(file);
        state.on_stack.insert(file);
        let graph = state.graph;
        for target in graph.get(file).into_iter().flatten() {
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[target].min(state.low[file]);
                state.low.insert(file, low);
            } else if state.on_stack.contains(target) {
                let low = state.index[target].min(state.low[file]);
                state.low.insert(file, low);
            }
        }
        if state.low[file] == state.index[file] {
            let mut group = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                group.push(member.clone());
                if member == file {
                    break;
                }
            }
            if group.len() > 1 {
                group.sort();
                state.found.push(group);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for file in graph.keys() {
        if !state.index.contains_key(file) {
            visit(&mut state, file);
        }
    }
    state.found
}

fn describe(group: &[PathBuf], graph: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> String {
    let mut lines = Vec::new();
    for file in group {
        for target in graph.get(file).into_iter().flatten() {
            if group.contains(target) {
                lines.push(format!("  {} -> {}", file.display(), target.display()));
            }
        }
    }
    lines.join("\n")
}

#[test]
fn the_servers_files_import_in_no_circle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&root);
    assert!(
        files.len() > 20,
        "read {} files under {}",
        files.len(),
        root.display()
    );
    let graph = imports(&files);
    let edges: usize = graph.values().map(BTreeSet::len).sum();
    assert!(
        edges > 20,
        "found only {edges} imports: the parser reads nothing"
    );
    let found = circles(&graph);
    let report: Vec<String> = found.iter().map(|group| describe(group, &graph)).collect();
    assert!(
        found.is_empty(),
        "import circles in crates/server/src (ARCHITECTURE.md: arrows point down only):\n{}",
        report.join("\n\n")
    );
}

/// The detector finds a circle when one is added: two files that import
/// each other (by `crate::` and by `super::` paths), and three through one
/// another, grouped braces and `pub use` included; a tree without one
/// passes.
#[test]
fn a_circle_added_is_found() {
    let tree = |entries: &[(&str, &str)]| -> BTreeMap<PathBuf, String> {
        entries
            .iter()
            .map(|(file, text)| (PathBuf::from(file), (*text).to_owned()))
            .collect()
    };
    let clean = tree(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b::Thing;\n"),
        ("b.rs", "use std::fmt;\n"),
    ]);
    assert!(circles(&imports(&clean)).is_empty());

    let two = tree(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b::Thing;\n"),
        ("b.rs", "pub(crate) use crate::a::{self, Other};\n"),
    ]);
    assert_eq!(
        circles(&imports(&two)),
        vec![vec![PathBuf::from("a.rs"), PathBuf::from("b.rs")]]
    );

    let relative = tree(&[
        ("lib.rs", "pub mod platform;\n"),
        ("platform/mod.rs", "pub mod process;\npub mod service;\n"),
        ("platform/process.rs", "use super::service::Executions;\n"),
        (
            "platform/service.rs",
            "use self::inner::X;\nuse super::process::spawn;\n",
        ),
    ]);
    assert_eq!(
        circles(&imports(&relative)),
        vec![vec![
            PathBuf::from("platform/process.rs"),
            PathBuf::from("platform/service.rs")
        ]]
    );

    // A parent and a child it declares, by the child's own name: `db.rs`
    // re-exports from `db/review.rs`, which names its parent back.
    let child = tree(&[
        ("lib.rs", "pub mod db;\n"),
        (
            "db.rs",
            "pub mod private;\nmod review;\npub(crate) use review::{insert_audit, Audit};\npub struct Db;\n",
        ),
        ("db/review.rs", "use super::Db;\n"),
        ("db/private.rs", "use std::fs;\n"),
    ]);
    assert_eq!(
        circles(&imports(&child)),
        vec![vec![PathBuf::from("db/review.rs"), PathBuf::from("db.rs")]]
    );
    // The same files with the shared type in a leaf both import: no circle.
    // A name the file declares no module for (`other::`, an external crate)
    // is no child path, even where a file of that name lies beside them.
    let leaf = tree(&[
        ("lib.rs", "pub mod db;\npub use db::Db;\n"),
        (
            "db.rs",
            "mod handle;\nmod review;\npub use handle::Db;\npub(crate) use review::Audit;\nuse other::Thing;\n",
        ),
        ("db/handle.rs", "use std::sync::Arc;\n"),
        ("db/review.rs", "use super::handle::Db;\n"),
        ("db/other.rs", "use crate::db::Db;\n"),
    ]);
    assert!(circles(&imports(&leaf)).is_empty());
    let graph = imports(&leaf);
    assert_eq!(
        graph[&PathBuf::from("db.rs")],
        BTreeSet::from([PathBuf::from("db/handle.rs"), PathBuf::from("db/review.rs")]),
        "child paths resolve to the children's files"
    );
    assert_eq!(
        graph[&PathBuf::from("lib.rs")],
        BTreeSet::from([PathBuf::from("db.rs")]),
        "lib.rs's children are the crate's top modules"
    );

    // `super::super::` climbs twice; unit tests declared `pub(crate) mod
    // tests` are left out like `mod tests`.
    let climb = tree(&[
        ("lib.rs", "pub mod platform;\n"),
        ("platform/mod.rs", "pub mod service;\npub mod storage;\n"),
        (
            "platform/service.rs",
            "use crate::platform::storage::writes::Write;\n",
        ),
        ("platform/storage/mod.rs", "pub mod writes;\n"),
        (
            "platform/storage/writes.rs",
            "use super::super::service::Service;\n",
        ),
    ]);
    assert_eq!(
        circles(&imports(&climb)),
        vec![vec![
            PathBuf::from("platform/service.rs"),
            PathBuf::from("platform/storage/writes.rs")
        ]]
    );
    let tests_only = "pub fn write() {}\n\n#[cfg(test)]\npub(crate) mod tests {\n    use super::super::super::platform::service::Service;\n}\n";
    assert_eq!(
        unit_tests_start(tests_only),
        tests_only.find("#[cfg(test)]")
    );

    // A path in code, outside any `use`: the parent calls its child's
    // `store::routes()` while the child imports `super::Key` back; a
    // comment, a string or a `use` statement's inner lines name nothing.
    let mentioned = tree(&[
        ("lib.rs", "pub mod routes;\n"),
        (
            "routes/mod.rs",
            "pub mod extract;\npub mod store;\npub fn api() -> Router {\n    Router::new().nest(\"/s\", store::routes()) // store::x\n}\npub struct Key;\n",
        ),
        ("routes/store.rs", "use super::Key;\npub fn routes() {}\n"),
        ("routes/extract.rs", "pub struct Key;\n"),
    ]);
    assert_eq!(
        circles(&imports(&mentioned)),
        vec![vec![
            PathBuf::from("routes/mod.rs"),
            PathBuf::from("routes/store.rs")
        ]]
    );
    let apart = tree(&[
        ("lib.rs", "pub mod routes;\n"),
        (
            "routes/mod.rs",
            "pub mod extract;\npub mod store;\npub fn api() -> Router {\n    Router::new().nest(\"/s\", store::routes())\n}\n",
        ),
        (
            "routes/store.rs",
            "use super::{\n    extract::Key,\n};\n/// [`super::api`]\npub fn routes() { let _ = \"super::api\"; }\n",
        ),
        ("routes/extract.rs", "pub struct Key;\n"),
    ]);
    assert!(circles(&imports(&apart)).is_empty());
    assert_eq!(
        imports(&apart)[&PathBuf::from("routes/store.rs")],
        BTreeSet::from([PathBuf::from("routes/extract.rs")])
    );

    let three = tree(&[
        ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
        (
            "a.rs",
            "use crate::{\n    b::Thing,\n    other::Nothing,\n};\n",
        ),
        ("b.rs", "use crate::c::deep::{x, y as z};\n"),
        ("c/mod.rs", "pub mod deep;\n"),
        ("c/deep.rs", "pub use crate::a::Start;\n"),
    ]);
    assert_eq!(
        circles(&imports(&three)),
        vec![vec![
            PathBuf::from("a.rs"),
            PathBuf::from("b.rs"),
            PathBuf::from("c/deep.rs")
        ]]
    );
}
