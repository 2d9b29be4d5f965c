//! Where retrieval documents come from: a JSON file (one document), an
//! NDJSON file (`.ndjson`, `.jsonl`: one document a line), or a folder of
//! them (every such file beneath it, in name order). Streamed: one
//! document is in memory at a time, and a document larger than
//! [`MAX_DOCUMENT`] is reported, not read.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The largest document read (a retrieval document is a few kilobytes).
pub const MAX_DOCUMENT: usize = 8 * 1024 * 1024;

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    /// The line, in an NDJSON file.
    pub line: Option<usize>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// One document's text, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Input {
    pub origin: Origin,
    pub text: Result<String, String>,
}

fn is_ndjson(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("ndjson" | "jsonl")
    )
}

fn is_document_file(path: &Path) -> bool {
    is_ndjson(path) || path.extension().and_then(|e| e.to_str()) == Some("json")
}

/// The documents under `paths`, in order.
pub fn inputs(paths: &[PathBuf]) -> Inputs {
    let mut files = VecDeque::new();
    let mut problems = VecDeque::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            collect(path, &mut found, &mut problems);
            found.sort();
            files.extend(found);
        } else {
            files.push_back(path.clone());
        }
    }
    Inputs {
        files,
        problems,
        current: None,
    }
}

fn collect(folder: &Path, found: &mut Vec<PathBuf>, problems: &mut VecDeque<Input>) {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push_back(unreadable(
                folder,
                None,
                format!("cannot read the folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, found, problems);
        } else if is_document_file(&path) {
            found.push(path);
        }
    }
}

fn unreadable(file: &Path, line: Option<usize>, message: String) -> Input {
    Input {
        origin: Origin {
            file: file.to_owned(),
            line,
        },
        text: Err(message),
    }
}

/// The iterator [`inputs`] returns.
pub struct Inputs {
    files: VecDeque<PathBuf>,
    problems: VecDeque<Input>,
    current: Option<Lines>,
}

struct Lines {
    file: PathBuf,
    reader: BufReader<File>,
    line: usize,
}

impl Iterator for Inputs {
    type Item = Input;

    fn next(&mut self) -> Option<Input> {
        if let Some(problem) = self.problems.pop_front() {
            return Some(problem);
        }
        loop {
            if let Some(lines) = self.current.as_mut() {
                match next_line(lines) {
                    Some(input) => return Some(input),
                    None => self.current = None,
                }
            }
            let file = self.files.pop_front()?;
            if is_ndjson(&file) {
                match File::open(&file) {
                    Ok(f) => {
                        self.current = Some(Lines {
                            file,
                            reader: BufReader::with_capacity(256 * 1024, f),
                            line: 0,
                        });
                    }
                    Err(e) => return Some(unreadable(&file, None, format!("cannot open: {e}"))),
                }
            } else {
                return Some(whole(&file));
            }
        }
    }
}

fn whole(file: &Path) -> Input {
    let read = File::open(file).and_then(|f| {
        let mut text = String::new();
        f.take(MAX_DOCUMENT as u64 + 1).read_to_string(&mut text)?;
        Ok(text)
    });
    match read {
        Ok(text) if text.len() > MAX_DOCUMENT => unreadable(
            file,
            None,
            format!(
                "larger than {} MiB: not a retrieval document",
                MAX_DOCUMENT >> 20
            ),
        ),
        Ok(text) => Input {
            origin: Origin {
                file: file.to_owned(),
                line: None,
            },
            text: Ok(text),
        },
        Err(e) => unreadable(file, None, format!("cannot read: {e}")),
    }
}

/// The next non-blank line; a line longer than the bound is reported and
/// skipped without holding it.
fn next_line(lines: &mut Lines) -> Option<Input> {
    loop {
        let mut buffer = Vec::new();
        let read = (&mut lines.reader)
            .take(MAX_DOCUMENT as u64 + 1)
            .read_until(b'\n', &mut buffer);
        lines.line += 1;
        let line = lines.line;
        match read {
            Err(e) => {
                return Some(unreadable(
                    &lines.file,
                    Some(line),
                    format!("cannot read: {e}"),
                ));
            }
            Ok(0) => return None,
            Ok(_) if buffer.len() > MAX_DOCUMENT && buffer.last() != Some(&b'\n') => {
                skip_rest_of_line(&mut lines.reader);
                return Some(unreadable(
                    &lines.file,
                    Some(line),
                    format!("line longer than {} MiB: skipped", MAX_DOCUMENT >> 20),
                ));
            }
            Ok(_) => {}
        }
        let text = match String::from_utf8(buffer) {
            Ok(text) => text,
            Err(_) => {
                return Some(unreadable(
                    &lines.file,
                    Some(line),
                    "not UTF-8 text".to_owned(),
                ));
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        return Some(Input {
            origin: Origin {
                file: lines.file.clone(),
                line: Some(line),
            },
            text: Ok(text),
        });
    }
}

fn skip_rest_of_line(reader: &mut BufReader<File>) {
    loop {
        let (done, used) = match reader.fill_buf() {
            Ok([]) | Err(_) => return,
            Ok(buffer) => match buffer.iter().position(|&b| b == b'\n') {
                Some(at) => (true, at + 1),
                None => (false, buffer.len()),
            },
        };
        reader.consume(used);
        if done {
            return;
        }
    }
}
