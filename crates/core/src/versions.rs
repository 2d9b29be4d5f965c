//! Which idflow release first wrote each format, and the rule every reader
//! of idflow's texts follows (issue 29, "Files from a newer idflow"): a
//! file, a store folder or a server answer in a newer format is refused
//! with "needs a newer idflow" (or, where the writer's release is known,
//! "needs idflow ≥ X"), never with the parse error its unknown fields would
//! cause; every format an earlier release wrote is still read.
//!
//! A format change adds a row to its table here (the test below fails
//! until it does), so the rule holds for every later change too.

use std::fmt;

use thiserror::Error;

/// This build's release (the workspace's version).
pub const IDFLOW_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One kind of versioned text idflow writes, with the first idflow release
/// that wrote each of its formats, oldest first, numbered 1, 2, 3...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// What the text is, as messages name it (empty for workflows: they
    /// are what "format N" means to a user).
    pub what: &'static str,
    /// `(format_version, first idflow release that writes it)`.
    pub written_since: &'static [(u32, &'static str)],
}

/// Workflow files (`.ron`, `.json`), the store's drafts and versions, and
/// the workflows in the store API's bodies.
pub const WORKFLOW_FORMATS: Formats = Formats {
    what: "",
    written_since: &[(1, "0.1.0"), (2, "0.2.0"), (3, "0.3.0")],
};

impl Formats {
    /// The oldest format this build reads.
    pub const fn oldest(&self) -> u32 {
        match self.written_since.first() {
            Some((v, _)) => *v,
            None => 0,
        }
    }

    /// The format this build writes (the newest it reads).
    pub const fn newest(&self) -> u32 {
        match self.written_since.last() {
            Some((v, _)) => *v,
            None => 0,
        }
    }

    /// The first idflow release that wrote `format_version`, if this build
    /// knows it.
    pub fn first_written_by(&self, format_version: u64) -> Option<&'static str> {
        self.written_since
            .iter()
            .find(|(v, _)| u64::from(*v) == format_version)
            .map(|(_, release)| *release)
    }

    /// Whether this build reads `format_version`.
    pub fn reads(&self, format_version: u64) -> bool {
        (u64::from(self.oldest())..=u64::from(self.newest())).contains(&format_version)
    }

    /// `Some` when `format_version` is newer than any this build reads.
    pub fn newer(&self, format_version: u64) -> Option<NewerFormat> {
        (format_version > u64::from(self.newest())).then_some(NewerFormat {
            what: self.what,
            found: format_version,
            oldest: self.oldest(),
            newest: self.newest(),
        })
    }

    /// "formats 1–2", "store.ron format 1".
    pub fn readable_words(&self) -> String {
        readable_words(self.what, self.oldest(), self.newest())
    }
}

/// "formats 1–2", "store.ron format 1".
fn readable_words(what: &str, oldest: u32, newest: u32) -> String {
    let range = if oldest == newest {
        format!("format {newest}")
    } else {
        format!("formats {oldest}–{newest}")
    };
    prefixed(what, &range)
}

fn prefixed(what: &str, words: &str) -> String {
    if what.is_empty() {
        words.to_owned()
    } else {
        format!("{what} {words}")
    }
}

/// A text in a format newer than this build reads: written by a newer
/// idflow, whose release this build cannot know.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct NewerFormat {
    pub what: &'static str,
    pub found: u64,
    pub oldest: u32,
    pub newest: u32,
}

impl fmt::Display for NewerFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "written by a newer idflow ({}); this build ({IDFLOW_VERSION}) reads {}: needs a newer idflow",
            prefixed(self.what, &format!("format {}", self.found)),
            readable_words(self.what, self.oldest, self.newest),
        )
    }
}

/// A release number as idflow writes it (`0.2.0`), `None` when it is not
/// one.
pub fn release(text: &str) -> Option<semver::Version> {
    semver::Version::parse(text.trim()).ok()
}

/// Whether `other` (a release another idflow reported, e.g. a server's) is
/// newer than this build. A version that cannot be read is not newer.
pub fn is_newer_than_this_build(other: &str) -> bool {
    match (release(other), release(IDFLOW_VERSION)) {
        (Some(other), Some(this)) => other > this,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FORMAT_VERSION, OLDEST_FORMAT_VERSION};

    /// Issue 29: the table names every workflow format this build reads
    /// and writes, each with the release that first wrote it, in order; a
    /// format bump without a new row fails here.
    #[test]
    fn the_workflow_table_matches_the_formats_this_build_reads_and_writes() {
        assert_eq!(WORKFLOW_FORMATS.oldest(), OLDEST_FORMAT_VERSION);
        assert_eq!(WORKFLOW_FORMATS.newest(), FORMAT_VERSION);
        let this = release(IDFLOW_VERSION).expect("the workspace version is a release");
        let mut previous: Option<(u32, semver::Version)> = None;
        for (format, first) in WORKFLOW_FORMATS.written_since {
            let first = release(first).expect("a release number");
            assert!(
                first <= this,
                "format {format} is written by {first}, after {this}"
            );
            if let Some((v, r)) = &previous {
                assert_eq!(*format, v + 1, "formats are numbered 1, 2, 3...");
                assert!(first > *r, "format {format}: releases in order");
            }
            previous = Some((*format, first));
        }
        // Issue 29: format 1 from 0.1.0, format 2 (scoring) from 0.2.0;
        // issue 34: format 3 (expectations) from 0.3.0.
        assert_eq!(WORKFLOW_FORMATS.first_written_by(1), Some("0.1.0"));
        assert_eq!(WORKFLOW_FORMATS.first_written_by(2), Some("0.2.0"));
        assert_eq!(WORKFLOW_FORMATS.first_written_by(3), Some("0.3.0"));
        assert_eq!(WORKFLOW_FORMATS.first_written_by(4), None);
    }

    #[test]
    fn a_newer_format_says_what_this_build_reads_and_that_it_needs_a_newer_idflow() {
        assert_eq!(
            WORKFLOW_FORMATS.newer(4).expect("newer").to_string(),
            format!(
                "written by a newer idflow (format 4); this build ({IDFLOW_VERSION}) reads formats 1–3: needs a newer idflow"
            )
        );
        let store = Formats {
            what: "store.ron",
            written_since: &[(1, "0.1.0")],
        };
        assert_eq!(
            store.newer(2).expect("newer").to_string(),
            format!(
                "written by a newer idflow (store.ron format 2); this build ({IDFLOW_VERSION}) reads store.ron format 1: needs a newer idflow"
            )
        );
        assert_eq!(store.readable_words(), "store.ron format 1");
        assert!(WORKFLOW_FORMATS.newer(3).is_none());
        assert!(
            WORKFLOW_FORMATS.reads(1) && WORKFLOW_FORMATS.reads(2) && WORKFLOW_FORMATS.reads(3)
        );
        assert!(!WORKFLOW_FORMATS.reads(0) && !WORKFLOW_FORMATS.reads(4));
    }

    #[test]
    fn releases_compare_as_numbers() {
        assert!(is_newer_than_this_build("99.0.0"));
        assert!(is_newer_than_this_build("0.10.0"));
        assert!(!is_newer_than_this_build(IDFLOW_VERSION));
        assert!(!is_newer_than_this_build("0.1.0"));
        assert!(!is_newer_than_this_build("not a version"));
    }
}
