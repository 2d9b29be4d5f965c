//! The designer's own settings: which store to work on and the team
//! server's URL and token. They live in the user's config folder
//! (`settings.ron`, readable by the user only), never in workflow files,
//! which get shared with customers.
//!
//! Settings written by any version load (issue 29): each setting is read
//! on its own, so one this build cannot read (a value a newer idflow
//! added) keeps its default without losing the others, and settings it
//! does not know are ignored. Neither is lost: saving writes them back as
//! the file had them (a setting this build could not read, unless it was
//! changed here). Only a file that is not a settings file at all is
//! refused, and then never written over.

use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use idflow_store::files::{FileError, write_atomic};
use ron::value::RawValue;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

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
    /// What the file held that this build did not read, kept to be written
    /// back (issue 29).
    #[serde(skip)]
    pub kept: Kept,
}

/// Settings a file held that this build did not read: each as the RON
/// text the file had, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kept {
    /// Settings this build does not know (a newer idflow's).
    pub unknown: Vec<(String, String)>,
    /// Settings this build knows whose value it could not read (a value a
    /// newer idflow added, or a damaged one); they have their defaults
    /// meanwhile.
    pub unreadable: Vec<Unreadable>,
}

/// A setting whose value this build could not read.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub name: String,
    /// Its RON text in the file.
    pub value: String,
    /// 1-based, in the file.
    pub line: usize,
    pub problem: String,
}

/// A settings file's top-level fields, each with its RON text, in file
/// order.
struct Fields(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        struct FieldsVisitor;

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = Fields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the settings: `(name: value, ...)`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    fields.push((name, value.get_ron().trim().to_owned()));
                }
                Ok(Fields(fields))
            }
        }

        deserializer.deserialize_any(FieldsVisitor)
    }
}

impl Fields {
    fn of(text: &str) -> Result<Fields, ron::error::SpannedError> {
        ron::from_str(text)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one setting's RON text into `field`, or says why it could not.
fn read_into<T: serde::de::DeserializeOwned>(text: &str, field: &mut T) -> Result<(), String> {
    let value = ron::from_str::<T>(text).map_err(|e| e.code.to_string())?;
    *field = value;
    Ok(())
}

/// The 1-based line where the top-level setting `name` is written.
fn line_of(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i + 1)
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
        let fields = Fields::of(&text).map_err(|e| SettingsError::Parse {
            path: path.to_owned(),
            line: e.span.start.line,
            message: e.code.to_string(),
        })?;
        let mut settings = Settings::default();
        for (name, value) in fields.0 {
            let read = match name.as_str() {
                "use_server" => read_into(&value, &mut settings.use_server),
                "server_url" => read_into(&value, &mut settings.server_url),
                "server_token" => read_into(&value, &mut settings.server_token),
                "last_place" => read_into(&value, &mut settings.last_place),
                "display_name" => read_into(&value, &mut settings.display_name),
                _ => {
                    tracing::info!(path = %path.display(), setting = %name, "a setting this idflow does not know: kept as it is");
                    settings.kept.unknown.push((name, value));
                    continue;
                }
            };
            if let Err(problem) = read {
                tracing::warn!(path = %path.display(), setting = %name, %problem, "a setting this idflow cannot read: its default is used, and the file's value kept");
                settings.kept.unreadable.push(Unreadable {
                    line: line_of(&text, &name),
                    name,
                    value,
                    problem,
                });
            }
        }
        Ok(settings)
    }

    /// What a person should know about the settings just loaded from
    /// `path`: the settings that could not be read, each with its line.
    pub fn unreadable_report(&self, path: &Path) -> Option<String> {
        if self.kept.unreadable.is_empty() {
            return None;
        }
        let lines: Vec<String> = self
            .kept
            .unreadable
            .iter()
            .map(|u| {
                format!(
                    "{}:{}: the setting `{}` cannot be read ({}): it may have been written by a newer idflow",
                    path.display(),
                    u.line,
                    u.name,
                    u.problem
                )
            })
            .collect();
        Some(format!(
            "{}\nidflow uses its default meanwhile; the file keeps its value until it is changed here, fixed or removed",
            lines.join("\n")
        ))
    }

    /// The settings as the file's text: this build's settings in its
    /// order, then those it did not read as the file had them (a setting
    /// it could not read keeps the file's value unless it was changed
    /// here).
    fn to_text(&self) -> String {
        let pretty = ron::ser::PrettyConfig::default();
        let ours = ron::ser::to_string_pretty(self, pretty.clone()).unwrap_or_default();
        if self.kept == Kept::default() {
            return ours;
        }
        let (Ok(ours), Ok(defaults)) = (
            Fields::of(&ours),
            Fields::of(
                &ron::ser::to_string_pretty(&Settings::default(), pretty).unwrap_or_default(),
            ),
        ) else {
            return ours;
        };
        let mut text = String::from("(\n");
        for (name, value) in &ours.0 {
            let kept = self
                .kept
                .unreadable
                .iter()
                .find(|u| &u.name == name)
                .filter(|_| defaults.get(name) == Some(value.as_str()));
            let value = kept.map_or(value.as_str(), |u| u.value.as_str());
            text.push_str(&format!("    {name}: {value},\n"));
        }
        for (name, value) in &self.kept.unknown {
            text.push_str(&format!("    {name}: {value},\n"));
        }
        text.push(')');
        text
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
        write_atomic(path, self.to_text().as_bytes())?;
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
            kept: Kept::default(),
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
        // Issue 29: one unreadable setting no longer costs the others; it
        // is reported with its line, and kept in the file.
        let settings = Settings::load(&path).unwrap();
        assert!(settings.use_server);
        assert_eq!(settings.server_url, "");
        let message = settings.unreadable_report(&path).expect("reported");
        assert!(message.contains("settings.ron:3"), "{message}");
        assert!(message.contains("`server_url`"), "{message}");
        settings.save(&path).unwrap();
        assert!(
            fs::read_to_string(&path)
                .unwrap()
                .contains("server_url: 42")
        );
        // Text that is not settings at all is refused, and left alone.
        fs::write(
            &path,
            "(\n  use_server: true,\n  server_url: \"x\"\n  oops\n)",
        )
        .unwrap();
        let error = Settings::load(&path).unwrap_err();
        assert!(error.to_string().contains("settings.ron:4"), "{error}");
        assert!(fs::read_to_string(&path).unwrap().contains("oops"));
    }

    /// A settings file as idflow 0.1.0 wrote it (`Settings::save` of that
    /// release, every setting set).
    const WRITTEN_BY_0_1_0: &str =
        include_str!("../../tests/fixtures/settings-written-by-0.1.0.ron");

    fn as_written_by_0_1_0() -> Settings {
        Settings {
            use_server: true,
            server_url: "http://127.0.0.1:8080".into(),
            server_token: "idf_0123456789abcdef".into(),
            last_place: Some(Place {
                server: Some("http://127.0.0.1:8080".into()),
                key: 200001,
                view: [-40.0, -120.0, 1360.0, 580.0],
                tab: crate::app::BrowserTab::Custom,
            }),
            display_name: "Ada Lovelace".into(),
            kept: Kept::default(),
        }
    }

    /// Issue 29: "settings written by earlier versions still load": the
    /// file idflow 0.1.0 wrote, every setting as it was, and an older one
    /// without the later settings.
    #[test]
    fn settings_written_by_0_1_0_still_load() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("settings.ron");
        fs::write(&path, WRITTEN_BY_0_1_0).unwrap();
        assert_eq!(Settings::load(&path).unwrap(), as_written_by_0_1_0());
        // Saved again unchanged, it is the same file.
        as_written_by_0_1_0().save(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), WRITTEN_BY_0_1_0);
        let before_places: String = WRITTEN_BY_0_1_0
            .lines()
            .filter(|l| l.starts_with("    use_server") || l.starts_with("    server_"))
            .collect::<Vec<_>>()
            .join("\n");
        fs::write(&path, format!("(\n{before_places}\n)")).unwrap();
        let loaded = Settings::load(&path).unwrap();
        assert_eq!(
            (loaded.use_server, loaded.last_place, loaded.display_name),
            (true, None, String::new())
        );
    }

    /// The 0.1.0 file as a newer idflow would leave it: a setting this
    /// build does not know, and a value it cannot read (a browser tab it
    /// has no name for).
    fn as_a_newer_idflow_writes_it() -> String {
        let newer = WRITTEN_BY_0_1_0
            .replacen("tab: Custom,", "tab: Recent(days: 7),", 1)
            .replacen(
                "    display_name:",
                "    theme: Dark(contrast: 2),\n    display_name:",
                1,
            );
        assert_ne!(newer, WRITTEN_BY_0_1_0);
        newer
    }

    /// Issue 29: a settings file with settings from a newer idflow loads
    /// what this build can read (the server, the token, the name) instead
    /// of refusing the whole file; what it cannot read keeps its default.
    #[test]
    fn a_newer_settings_file_keeps_loading_what_it_can() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("settings.ron");
        fs::write(&path, as_a_newer_idflow_writes_it()).unwrap();
        let loaded = Settings::load(&path).unwrap();
        let expected = as_written_by_0_1_0();
        assert_eq!(
            (
                loaded.use_server,
                &loaded.server_url,
                &loaded.server_token,
                &loaded.display_name
            ),
            (
                expected.use_server,
                &expected.server_url,
                &expected.server_token,
                &expected.display_name
            )
        );
        assert_eq!(loaded.last_place, None, "unreadable: its default");
        assert_eq!(
            loaded.kept.unknown,
            [("theme".to_owned(), "Dark(contrast: 2)".to_owned())]
        );
        assert_eq!(loaded.kept.unreadable.len(), 1);
        let unreadable = &loaded.kept.unreadable[0];
        assert_eq!(unreadable.name, "last_place");
        assert!(unreadable.value.contains("Recent(days: 7)"));
        assert_eq!(
            WRITTEN_BY_0_1_0
                .lines()
                .nth(unreadable.line - 1)
                .map(str::trim_start),
            Some("last_place: Some((")
        );
        let report = loaded.unreadable_report(&path).expect("reported");
        assert!(report.contains("`last_place`"), "{report}");
    }

    /// Issue 29: saving never drops what a newer idflow wrote: its unknown
    /// setting and the value this build could not read are written back
    /// as they were, beside the setting changed here; a setting changed
    /// here is written as changed.
    #[test]
    fn saving_keeps_what_a_newer_idflow_wrote() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("settings.ron");
        let newer = as_a_newer_idflow_writes_it();
        fs::write(&path, &newer).unwrap();
        let mut settings = Settings::load(&path).unwrap();
        settings.save(&path).unwrap();
        let saved = fs::read_to_string(&path).unwrap();
        assert!(saved.contains("theme: Dark(contrast: 2)"), "{saved}");
        assert!(saved.contains("tab: Recent(days: 7)"), "{saved}");
        assert_eq!(Settings::load(&path).unwrap(), settings);

        settings.display_name = "Grace Hopper".into();
        settings.save(&path).unwrap();
        let saved = fs::read_to_string(&path).unwrap();
        assert!(saved.contains("display_name: \"Grace Hopper\""), "{saved}");
        assert!(saved.contains("theme: Dark(contrast: 2)"), "{saved}");
        assert!(saved.contains("tab: Recent(days: 7)"), "{saved}");

        // The place changed here replaces the one this build could not read.
        settings.last_place = as_written_by_0_1_0().last_place;
        settings.save(&path).unwrap();
        let saved = fs::read_to_string(&path).unwrap();
        assert!(saved.contains("tab: Custom"), "{saved}");
        assert!(!saved.contains("Recent"), "{saved}");
        assert!(saved.contains("theme: Dark(contrast: 2)"), "{saved}");
        let reloaded = Settings::load(&path).unwrap();
        assert_eq!(reloaded.last_place, as_written_by_0_1_0().last_place);
        assert_eq!(reloaded.display_name, "Grace Hopper");
    }
}
