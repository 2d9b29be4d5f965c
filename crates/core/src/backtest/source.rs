//! Where retrieval documents come from: a JSON file (one document), an
//! NDJSON file (`.ndjson`, `.jsonl`: one document a line), or a folder of
//! them (every such file beneath it, in name order). Streamed: one
//! document is in memory at a time, and a document larger than
//! [`MAX_DOCUMENT`] is reported, not read.
//!
//! Only regular files are read, each once (issue 30, item 6): a FIFO, a
//! device or a socket is reported and skipped (reading one would wait for
//! ever or never end); a symbolic link in a folder is followed only to a
//! file or folder inside the named folder (a link that leaves it, loops
//! or leads nowhere is reported and skipped); a file reached twice (a
//! hard link, a link inside the folder, a path named twice) is read the
//! first time only, by device and inode. A path named on the command line
//! is the user's choice and followed wherever it leads, to a regular file
//! or a folder only.

use std::collections::{HashSet, VecDeque};
use std::fs::{File, Metadata};
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

/// A file's identity: its device and inode (`None` where the platform
/// does not say, and nothing is deduplicated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FileId {
    device: u64,
    inode: u64,
}

#[cfg(unix)]
fn file_id(metadata: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some(FileId {
        device: metadata.dev(),
        inode: metadata.ino(),
    })
}

#[cfg(not(unix))]
fn file_id(_metadata: &Metadata) -> Option<FileId> {
    None
}

/// What a file that is neither regular nor a folder is, for the message.
fn kind(metadata: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        } else if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.file_type().is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

fn not_regular(metadata: &Metadata) -> String {
    format!("{}, not a regular file: skipped", kind(metadata))
}

/// The documents under `paths`, in order.
pub fn inputs(paths: &[PathBuf]) -> Inputs {
    let mut files = VecDeque::new();
    let mut problems = VecDeque::new();
    let mut read = HashSet::new();
    let mut total_bytes = 0;
    let mut take = |path: PathBuf, metadata: &Metadata, files: &mut VecDeque<PathBuf>| {
        if file_id(metadata).is_none_or(|id| read.insert(id)) {
            total_bytes += metadata.len();
            files.push_back(path);
        }
    };
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                let mut walk = Walk {
                    root: std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()),
                    folders: HashSet::new(),
                    found: Vec::new(),
                    problems: &mut problems,
                };
                walk.folder(path, &metadata);
                walk.found.sort_by(|a, b| a.0.cmp(&b.0));
                for (file, metadata) in walk.found {
                    take(file, &metadata, &mut files);
                }
            }
            Ok(metadata) if metadata.is_file() => take(path.clone(), &metadata, &mut files),
            Ok(metadata) => problems.push_back(unreadable(path, None, not_regular(&metadata))),
            Err(e) => problems.push_back(unreadable(path, None, format!("cannot read: {e}"))),
        }
    }
    Inputs {
        files,
        problems,
        current: None,
        total_bytes,
    }
}

/// A walk through one named folder.
struct Walk<'a> {
    /// The named folder, links resolved: no link is followed out of it.
    root: PathBuf,
    /// The folders walked (a link back to one is not walked again).
    folders: HashSet<FileId>,
    found: Vec<(PathBuf, Metadata)>,
    problems: &'a mut VecDeque<Input>,
}

impl Walk<'_> {
    fn folder(&mut self, folder: &Path, metadata: &Metadata) {
        if let Some(id) = file_id(metadata)
            && !self.folders.insert(id)
        {
            return;
        }
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => {
                self.problems.push_back(unreadable(
                    folder,
                    None,
                    format!("cannot read the folder: {e}"),
                ));
                return;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // The entry itself, not what a link points to.
            let metadata = match std::fs::symlink_metadata(&path) {
                Ok(metadata) => metadata,
                Err(e) => {
                    if is_document_file(&path) {
                        self.problems.push_back(unreadable(
                            &path,
                            None,
                            format!("cannot read: {e}"),
                        ));
                    }
                    continue;
                }
            };
            if metadata.file_type().is_symlink() {
                self.link(path);
            } else if metadata.is_dir() {
                self.folder(&path, &metadata);
            } else if is_document_file(&path) {
                if metadata.is_file() {
                    self.found.push((path, metadata));
                } else {
                    self.problems
                        .push_back(unreadable(&path, None, not_regular(&metadata)));
                }
            }
        }
    }

    /// A link found in the folder: followed to a file or folder inside
    /// the named folder only.
    fn link(&mut self, link: PathBuf) {
        let target = match std::fs::canonicalize(&link) {
            Ok(target) => target,
            Err(e) => {
                if is_document_file(&link) {
                    self.problems.push_back(unreadable(
                        &link,
                        None,
                        format!("a symbolic link that loops or leads nowhere ({e}): not followed"),
                    ));
                }
                return;
            }
        };
        let Ok(metadata) = std::fs::metadata(&target) else {
            return;
        };
        if !is_document_file(&link) && !metadata.is_dir() {
            return;
        }
        if !target.starts_with(&self.root) {
            self.problems.push_back(unreadable(
                &link,
                None,
                format!(
                    "a symbolic link to {}, outside {}: not followed",
                    target.display(),
                    self.root.display()
                ),
            ));
        } else if metadata.is_dir() {
            self.folder(&link, &metadata);
        } else if metadata.is_file() {
            self.found.push((link, metadata));
        } else {
            self.problems
                .push_back(unreadable(&link, None, not_regular(&metadata)));
        }
    }
}

/// Opens `path` for reading only if it is a regular file, without
/// waiting: a FIFO put in its place since the walk is refused, not
/// waited on.
fn open_regular(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(std::io::Error::other(not_regular(&metadata)));
    }
    Ok(file)
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
    total_bytes: u64,
}

impl Inputs {
    /// The size of the files to be read, in bytes (for a progress bar).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }
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
                match open_regular(&file) {
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
    let read = open_regular(file).and_then(|f| {
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
