//! Issue 32: the designer's shell keeps its shape. Reading the source
//! files of `src/`, these tests fail when
//! - a file other than `src/app/mod.rs` has a function taking the whole
//!   app (`&mut IdflowApp`, or a method of an `impl` block for it): panels
//!   get a narrow context (`app::panel::Cx`) and ask for the rest with an
//!   `Action`;
//! - a file of the session (`src/app/session/`) imports anything of egui
//!   (or of eframe and the crates egui is made of): the session talks to
//!   the store, the shell draws;
//! - a file outside `src/app` imports the app (`crate::app`): the document
//!   and the binary's other layers sit below it.
//!
//! Only code counts: comments, strings and character literals are blanked
//! out before looking, so a doc comment may name what it likes.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `root` (relative to the package), with its
/// text.
fn sources(root: &Path) -> Vec<(PathBuf, String)> {
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut folders = vec![package.join(root)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("the source folder reads") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file reads");
                let relative = path.strip_prefix(package).expect("in the package");
                files.push((relative.to_path_buf(), text));
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no sources under {}", root.display());
    files
}

/// `text` with comments, string literals and character literals replaced
/// by spaces (line breaks kept, so line numbers hold).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            // A raw string: r"…", r#"…"#.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut k = j + 1;
            while k < chars.len() && !chars[k..].starts_with(&close) {
                k += 1;
            }
            let end = (k + close.len()).min(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\''), not a lifetime.
            out.push(' ');
            i += 1;
            if chars.get(i) == Some(&'\\') {
                out.push(' ');
                i += 1;
            }
            while i < chars.len() && chars[i] != '\'' {
                out.push(' ');
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// One token of code: an identifier (or number), `::`, or one other
/// character; with its line.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    line: usize,
}

/// The tokens of `code` (comments, strings and character literals already
/// blanked); lifetimes (`'a`) are left out.
fn tokens(code: &str) -> Vec<Token<'_>> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut line = 1;
    let mut rest = code;
    let mut lifetime = false;
    while let Some(c) = rest.chars().next() {
        let len = if ident(c) {
            rest.find(|c: char| !ident(c)).unwrap_or(rest.len())
        } else if rest.starts_with("::") {
            2
        } else {
            c.len_utf8()
        };
        let text = &rest[..len];
        if c == '\n' {
            line += 1;
        } else if c == '\'' {
            lifetime = true;
        } else if !c.is_whitespace() {
            if !(lifetime && ident(c)) {
                out.push(Token { text, line });
            }
            lifetime = false;
        }
        rest = &rest[len..];
    }
    out
}

/// Whether `tokens[at..]` starts with `words`.
fn starts(tokens: &[Token<'_>], at: usize, words: &[&str]) -> bool {
    tokens.len() >= at + words.len()
        && tokens[at..at + words.len()]
            .iter()
            .zip(words)
            .all(|(t, w)| t.text == *w)
}

fn report(violations: &[(PathBuf, Vec<usize>)]) -> String {
    violations
        .iter()
        .map(|(path, lines)| format!("{} (lines {lines:?})", path.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sorted(mut lines: Vec<usize>) -> Vec<usize> {
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// The places in `text` where a function takes the whole app: a
/// parameter of type `&mut IdflowApp` (any lifetime, by any path), an
/// `impl` block for it (its methods take it as `self`), or a new name for
/// it (`IdflowApp as App`).
fn takes_the_app(text: &str) -> Vec<usize> {
    let code = code_only(text);
    let tokens = tokens(&code);
    let mut lines = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if token.text != "IdflowApp" {
            continue;
        }
        // Back over its path (`super::`, `crate::app::`).
        let mut start = at;
        while start >= 2 && tokens[start - 1].text == "::" {
            start -= 2;
        }
        let borrowed = start >= 2 && starts(&tokens, start - 2, &["&", "mut"]);
        let renamed = starts(&tokens, at + 1, &["as"]);
        // The type of an impl block is the last thing before its brace:
        // `impl IdflowApp {`, `impl Trait for IdflowApp {`.
        let block = starts(&tokens, at + 1, &["{"]) && {
            let header_start = tokens[..start]
                .iter()
                .rposition(|t| matches!(t.text, "{" | "}" | ";"))
                .map_or(0, |i| i + 1);
            let header = &tokens[header_start..start];
            // Attributes before it (`#[allow(…)]`) are not the header.
            let first = header
                .iter()
                .rposition(|t| t.text == "]")
                .map_or(0, |i| i + 1);
            header.get(first).is_some_and(|t| t.text == "impl")
                || header.get(first).is_some_and(|t| t.text == "unsafe")
                    && header.get(first + 1).is_some_and(|t| t.text == "impl")
        };
        if borrowed || renamed || block {
            lines.push(token.line);
        }
    }
    sorted(lines)
}

/// The places in `text` that name egui, eframe, or the crates egui is
/// made of (emath, epaint, ecolor).
fn names_egui(text: &str) -> Vec<usize> {
    let code = code_only(text);
    let lines = tokens(&code)
        .iter()
        .filter(|t| matches!(t.text, "egui" | "eframe" | "emath" | "epaint" | "ecolor"))
        .map(|t| t.line)
        .collect();
    sorted(lines)
}

/// The places in `text` that import the app: `crate::app`, or `app` in a
/// braced list under `crate::`.
fn imports_the_app(text: &str) -> Vec<usize> {
    let code = code_only(text);
    let tokens = tokens(&code);
    let mut lines = Vec::new();
    for (at, token) in tokens.iter().enumerate() {
        if starts(&tokens, at, &["crate", "::", "app"]) {
            lines.push(token.line);
        }
        if starts(&tokens, at, &["crate", "::", "{"]) {
            // The list's own items (not those of a nested list).
            let mut depth = 0;
            for (i, t) in tokens.iter().enumerate().skip(at + 2) {
                match t.text {
                    "{" => depth += 1,
                    "}" if depth == 1 => break,
                    "}" => depth -= 1,
                    "app"
                        if depth == 1
                            && matches!(tokens[i - 1].text, "{" | ",")
                            && tokens
                                .get(i + 1)
                                .is_some_and(|n| matches!(n.text, "::" | "," | "}" | "as")) =>
                    {
                        lines.push(token.line)
                    }
                    _ => {}
                }
            }
        }
    }
    sorted(lines)
}

#[test]
fn only_the_shell_takes_the_whole_app() {
    let violations: Vec<(PathBuf, Vec<usize>)> = sources(Path::new("src"))
        .into_iter()
        .filter(|(path, _)| path != Path::new("src/app/mod.rs"))
        .map(|(path, code)| {
            let lines = takes_the_app(&code);
            (path, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    assert!(
        violations.is_empty(),
        "functions outside src/app/mod.rs take &mut IdflowApp (give the panel a narrow context, app::panel::Cx, and queue an Action for the rest): {}",
        report(&violations)
    );
}

#[test]
fn the_session_imports_nothing_of_egui() {
    let violations: Vec<(PathBuf, Vec<usize>)> = sources(Path::new("src/app/session"))
        .into_iter()
        .map(|(path, code)| {
            let lines = names_egui(&code);
            (path, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    assert!(
        violations.is_empty(),
        "the session names egui (the shell draws; the session wakes it through jobs::Wake): {}",
        report(&violations)
    );
}

#[test]
fn nothing_outside_the_app_imports_it() {
    let violations: Vec<(PathBuf, Vec<usize>)> = sources(Path::new("src"))
        .into_iter()
        .filter(|(path, _)| !path.starts_with("src/app"))
        .map(|(path, code)| {
            let lines = imports_the_app(&code);
            (path, lines)
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect();
    assert!(
        violations.is_empty(),
        "files outside src/app import crate::app (the layers below the app never reach up): {}",
        report(&violations)
    );
}

/// The three checks find what they look for, and only in code.
#[test]
fn the_checks_see_violations_in_code_only() {
    let taking = "impl Panel {\n    fn ui(&mut self, app: &mut\n        IdflowApp) {}\n}\n";
    assert_eq!(takes_the_app(taking), [3]);
    assert_eq!(takes_the_app("fn f<'a>(app: &'a mut IdflowApp) {}"), [1]);
    assert_eq!(takes_the_app("use super::IdflowApp as App;"), [1]);
    assert_eq!(takes_the_app("fn f(app: &mut super::IdflowApp) {}"), [1]);
    assert_eq!(takes_the_app("impl crate::app::IdflowApp {}"), [1]);
    assert_eq!(
        takes_the_app("struct A;\nimpl IdflowApp {\n    fn f(&mut self) {}\n}"),
        [2]
    );
    assert_eq!(takes_the_app("impl<'a> From<u8> for IdflowApp {}"), [1]);
    assert_eq!(
        takes_the_app(
            "// fn f(app: &mut IdflowApp)\nfn g(app: &IdflowApp) -> &str { \"&mut IdflowApp\" }"
        ),
        Vec::<usize>::new(),
        "comments, strings and a shared borrow are not taking the app"
    );

    assert_eq!(names_egui("use std::fmt;\nuse egui::Rect;"), [2]);
    assert_eq!(names_egui("fn f(ctx: &eframe::Frame) {}"), [1]);
    assert_eq!(
        names_egui(
            "//! No egui here.\nlet s = \"egui\";\nlet regui = 1;\nlet c = '\"';\nlet e = 2; // egui"
        ),
        Vec::<usize>::new(),
        "comments, strings and longer names are not egui"
    );

    assert_eq!(imports_the_app("use crate::app::canvas::Canvas;"), [1]);
    assert_eq!(
        imports_the_app("use crate::{\n    app::theme,\n    document,\n};"),
        [1]
    );
    assert_eq!(imports_the_app("let a = crate::app::run;"), [1]);
    assert_eq!(
        imports_the_app("use crate::application::X;\nuse crate::document::Document; // crate::app"),
        Vec::<usize>::new()
    );
}
