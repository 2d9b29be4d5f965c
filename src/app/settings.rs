//! The designer's own settings: which store to work on and the team
//! server's URL and token. They live in the user's config folder
//! (`settings.ron`, readable by the user only), never in workflow files,
//! which get shared with customers.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use idflow_store::files::{FileError, write_atomic};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Open the team server at start instead of the local store.
    pub use_server: bool,
    /// e.g. `http://127.0.0.1:8080`.
    pub server_url: String,
    /// A token from `idflow token create`.
    pub server_token: String,
    /// Where the user left off, reopened at the next start (issue 14).
    pub last_place: Option<Place>,
    /// Recorded as the author of versions published on the local store
    /// (blank: the OS user). A team server records its token's name.
    pub display_name: String,
}

/// The workflow that was open, the canvas view on it and the browser tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The store it lives in: `None` for the local store, else the team
    /// server's URL.
    pub server: Option<String>,
    pub key: u32,
    /// The visible scene rectangle: min x, min y, max x, max y.
    pub view: [f32; 4],
    pub tab: super::BrowserTab,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("{}: cannot read the settings: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: the settings file is damaged ({message}); it was left untouched and idflow uses defaults until it is fixed or removed", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot save the settings: {0}")]
    Write(#[from] FileError),
}

impl Settings {
    /// `<config dir>/idflow/settings.ron` (e.g. `~/.config/idflow/` on
    /// Linux); `None` without a home folder.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("dev", "idflow", "idflow")
            .map(|dirs| dirs.config_dir().join("settings.ron"))
    }

    /// The settings at `path`; defaults when the file does not exist yet.
    pub fn load(path: &Path) -> Result<Settings, SettingsError> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Settings::default()),
            Err(source) => {
                return Err(SettingsError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        ron::from_str(&text).map_err(|e| SettingsError::Parse {
            path: path.to_owned(),
            line: e.span.start.line,
            message: e.code.to_string(),
        })
    }

    /// Writes atomically; the file is created readable by the user only
    /// (it holds a token).
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|source| {
                SettingsError::Write(FileError::Write {
                    path: dir.to_owned(),
                    source,
                })
            })?;
        }
        let text =
            ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default()).unwrap_or_default();
        write_atomic(path, text.as_bytes())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_private_to_the_user() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("nested").join("settings.ron");
        assert_eq!(Settings::load(&path).unwrap(), Settings::default());
        let settings = Settings {
            use_server: true,
            server_url: "http://127.0.0.1:8080".into(),
            server_token: "idf_secret".into(),
            last_place: Some(Place {
                server: None,
                key: 200000,
                view: [-40.0, -120.0, 1360.0, 580.0],
                tab: crate::app::BrowserTab::Custom,
            }),
            display_name: "Ada Lovelace".into(),
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), settings);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "the token must not be readable by others");
        }
    }

    #[test]
    fn a_damaged_file_is_reported_with_its_line_and_left_alone() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("settings.ron");
        fs::write(&path, "(\n  use_server: true,\n  server_url: 42,\n)").unwrap();
        let error = Settings::load(&path).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("settings.ron:3"), "{message}");
        assert!(fs::read_to_string(&path).unwrap().contains("42"));
    }
}
