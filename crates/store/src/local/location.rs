//! Where the local store lives when the user names no folder.

use std::path::PathBuf;

use directories::ProjectDirs;

/// `<data dir>/store`, e.g. `~/.local/share/idflow/store` on Linux,
/// `~/Library/Application Support/dev.idflow.idflow/store` on macOS and
/// `%APPDATA%\idflow\idflow\data\store` on Windows. `None` when the platform
/// has no home directory to put it in.
pub fn default_location() -> Option<PathBuf> {
    ProjectDirs::from("dev", "idflow", "idflow").map(|dirs| dirs.data_dir().join("store"))
}
