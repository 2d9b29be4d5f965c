//! The SQLite file holds the key that signs execution tokens, so it is
//! its owner's alone (issue 30, item 9): created with mode 0600 before
//! SQLite opens it (SQLite gives its -wal and -shm files the database's
//! own mode), and an existing file that its group or others may read is
//! reported at start ([`exposed`]), never silently changed.

use std::path::{Path, PathBuf};

/// The files of the database at `path`: itself, its WAL and shared memory.
fn database_files(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_owned(), with("-wal"), with("-shm")]
}

/// Creates an empty database file at `path`, readable and writable by its
/// owner only, unless one is there already (SQLite takes an empty file as
/// a new database).
#[cfg(unix)]
pub(crate) fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(not(unix))]
pub(crate) fn create_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// A database file its group or others may read or write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposed {
    pub path: PathBuf,
    /// The permission bits, e.g. `0o644`.
    pub mode: u32,
}

impl std::fmt::Display for Exposed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is readable by others than its owner (mode {:o}): it holds the key that signs execution tokens; `chmod 600 {}` makes it private",
            self.path.display(),
            self.mode,
            self.path.display()
        )
    }
}

/// The files of the SQLite database at `path` (the database, its -wal and
/// -shm) that exist and give their group or others any access.
#[cfg(unix)]
pub fn exposed(path: &Path) -> Vec<Exposed> {
    use std::os::unix::fs::PermissionsExt;
    database_files(path)
        .into_iter()
        .filter_map(|path| {
            let mode = std::fs::metadata(&path).ok()?.permissions().mode() & 0o777;
            (mode & 0o077 != 0).then_some(Exposed { path, mode })
        })
        .collect()
}

#[cfg(not(unix))]
pub fn exposed(_path: &Path) -> Vec<Exposed> {
    Vec::new()
}
