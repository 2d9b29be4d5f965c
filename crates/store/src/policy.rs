//! The store's rules, one copy for every store: the local folder
//! (`local`) and the team server's database (`idflow_server::db`) ask
//! these functions and answer with the same [`Refusal`]s, so a rule
//! cannot drift between them. Each store keeps only how it reads the facts
//! and how it writes (files and a lock, or conditional SQL).

use idflow_core::Workflow;
use idflow_core::lint::{LintReport, lint};
use idflow_core::text::{self, Lines, TextProblem};
use thiserror::Error;

use crate::store::{MAX_COMMENT_CHARS, MAX_NOTE_CHARS, Origin, Revision};

/// Why a store refused a request by its rules (not a failure of disk,
/// database or network).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Refusal {
    #[error("workflow {key} does not exist in this store")]
    NotFound { key: u32 },
    #[error("workflow {key} has no version {version}")]
    VersionNotFound { key: u32, version: u32 },
    #[error(
        "workflow {key} changed since revision {expected} (it is now at revision {current}): reload it and apply your change again"
    )]
    Conflict {
        key: u32,
        expected: Revision,
        current: Revision,
    },
    #[error("workflow {key} is a Global workflow and read-only: duplicate it to customise it")]
    ReadOnly { key: u32 },
    #[error("workflow {key} cannot be published: {} lint error(s) remain", report.errors().count())]
    LintErrors { key: u32, report: LintReport },
    #[error("workflow {key} has no comment {id}")]
    CommentNotFound { key: u32, id: u64 },
    #[error(
        "a comment says something: it is empty, or longer than {} characters",
        MAX_COMMENT_CHARS
    )]
    BadComment,
    #[error(
        "the publish note has {chars} characters; at most {} are kept: say what changed and why in a few lines",
        MAX_NOTE_CHARS
    )]
    NoteTooLong { chars: usize },
    /// A text holds what no text of its kind may (issue 30, item 8).
    #[error("{field} {problem}")]
    BadText {
        field: &'static str,
        problem: TextProblem,
    },
}

/// Global workflows are read-only: their draft, archive flag and comments
/// do not change (duplicate one to customise it).
pub fn may_change(key: u32, origin: Origin) -> Result<(), Refusal> {
    match origin {
        Origin::Global => Err(Refusal::ReadOnly { key }),
        Origin::Custom => Ok(()),
    }
}

/// A write based on revision `base` applies only to that revision: a
/// newer one means someone else wrote meanwhile (never a lost update).
pub fn check_revision(key: u32, base: Revision, current: Revision) -> Result<(), Refusal> {
    if base == current {
        Ok(())
    } else {
        Err(Refusal::Conflict {
            key,
            expected: base,
            current,
        })
    }
}

/// [`may_change`], then [`check_revision`] when the write names a base.
pub fn may_write(
    key: u32,
    origin: Origin,
    current: Revision,
    base: Option<Revision>,
) -> Result<(), Refusal> {
    may_change(key, origin)?;
    base.map_or(Ok(()), |base| check_revision(key, base, current))
}

/// Publishing needs a draft without lint errors (warnings may stay).
pub fn may_publish(key: u32, draft: &Workflow) -> Result<LintReport, Refusal> {
    let report = lint(draft);
    if report.has_errors() {
        return Err(Refusal::LintErrors { key, report });
    }
    Ok(report)
}

/// The name of a copy: "Copy of NAME" for the draft, "Copy of NAME (vN)"
/// for version N.
/// The name is shortened (ending in "…") when the copy's would be longer
/// than a name may be (`idflow_core::text::MAX_NAME_CHARS`).
pub fn copy_name(name: &str, version: Option<u32>) -> String {
    let (before, after) = (
        "Copy of ",
        version.map_or_else(String::new, |number| format!(" (v{number})")),
    );
    let room = text::MAX_NAME_CHARS.saturating_sub(before.len() + after.chars().count());
    let name = if name.chars().count() > room {
        let kept: String = name.chars().take(room.saturating_sub(1)).collect();
        format!("{kept}…")
    } else {
        name.to_owned()
    };
    format!("{before}{name}{after}")
}

/// A comment's text as kept: trimmed; refused when too long (as sent),
/// blank, or holding a control character other than a tab or a line break
/// (issue 30, item 8).
pub fn check_comment(text: &str) -> Result<String, Refusal> {
    check_lines("text", text)?;
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(Refusal::BadComment);
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::BadComment);
    }
    Ok(text.to_owned())
}

/// Refuses a note too long to be one (a pasted file, say), or holding a
/// control character other than a tab or a line break.
pub fn check_note(note: &str) -> Result<(), Refusal> {
    check_lines("note", note)?;
    let chars = note.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(Refusal::NoteTooLong { chars });
    }
    Ok(())
}

/// Only the characters a text of several lines may hold; its length is the
/// caller's rule.
fn check_lines(field: &'static str, value: &str) -> Result<(), Refusal> {
    text::check(value, usize::MAX, Lines::Many)
        .map_err(|problem| Refusal::BadText { field, problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_workflows_are_read_only_and_stale_bases_conflict() {
        assert_eq!(
            may_write(10011, Origin::Global, 1, None),
            Err(Refusal::ReadOnly { key: 10011 })
        );
        assert_eq!(may_write(20001, Origin::Custom, 4, None), Ok(()));
        assert_eq!(may_write(20001, Origin::Custom, 4, Some(4)), Ok(()));
        assert_eq!(
            may_write(20001, Origin::Custom, 5, Some(4)),
            Err(Refusal::Conflict {
                key: 20001,
                expected: 4,
                current: 5
            })
        );
    }

    #[test]
    fn a_draft_with_lint_errors_is_not_published() {
        let empty = Workflow::new(20001, "Empty");
        match may_publish(20001, &empty) {
            Err(Refusal::LintErrors { key, report }) => {
                assert_eq!(key, 20001);
                assert!(report.has_errors());
            }
            other => panic!("an empty workflow was publishable: {other:?}"),
        }
        let idiv = crate::standard_workflows()
            .expect("the standard workflows")
            .into_iter()
            .find(|w| w.key == 10011)
            .expect("10011");
        assert!(may_publish(10011, &idiv).is_ok());
    }

    #[test]
    fn copies_say_what_they_copy() {
        assert_eq!(copy_name("KYC", None), "Copy of KYC");
        assert_eq!(copy_name("KYC", Some(3)), "Copy of KYC (v3)");
        // Issue 30, item 8: a copy's name fits the name limit too.
        let long = "n".repeat(text::MAX_NAME_CHARS);
        for version in [None, Some(7), Some(u32::MAX)] {
            let copy = copy_name(&long, version);
            assert_eq!(copy.chars().count(), text::MAX_NAME_CHARS, "{copy}");
            assert!(copy.starts_with("Copy of nnn"), "{copy}");
            assert!(text::check(&copy, text::MAX_NAME_CHARS, Lines::One).is_ok());
        }
    }

    #[test]
    fn comments_and_notes_have_bounds() {
        assert_eq!(check_comment("  fine  "), Ok("fine".to_owned()));
        assert_eq!(check_comment("   "), Err(Refusal::BadComment));
        assert_eq!(
            check_comment(&"x".repeat(MAX_COMMENT_CHARS + 1)),
            Err(Refusal::BadComment)
        );
        assert_eq!(check_note(&"x".repeat(MAX_NOTE_CHARS)), Ok(()));
        // Issue 30, item 8: tabs and line breaks, but no other control.
        assert_eq!(check_comment("a\tb\r\nc"), Ok("a\tb\r\nc".to_owned()));
        for bad in ["a\0b", "\u{1b}[31m", "bell\u{7}", "c1\u{85}"] {
            assert!(
                matches!(
                    check_comment(bad),
                    Err(Refusal::BadText { field: "text", .. })
                ),
                "{bad:?}"
            );
            assert!(
                matches!(check_note(bad), Err(Refusal::BadText { field: "note", .. })),
                "{bad:?}"
            );
        }
        // Blank is every kind of white space that trim removes.
        assert_eq!(
            check_comment("\u{a0}\u{3000}\u{2028} \n"),
            Err(Refusal::BadComment)
        );
        assert_eq!(
            check_note(&"x".repeat(MAX_NOTE_CHARS + 1)),
            Err(Refusal::NoteTooLong {
                chars: MAX_NOTE_CHARS + 1
            })
        );
    }
}
