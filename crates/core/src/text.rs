//! What text people type may hold (issue 30, item 8): how long a
//! workflow's name, a step's title, a description or a sticky note may be,
//! and which characters none of them holds. Control characters (Unicode
//! category Cc: C0, DEL and C1) make no sense in a name or a title and only
//! tabs and line breaks do in a longer text; PostgreSQL refuses NUL in text
//! outright. The team server refuses what breaks these rules with a 400
//! naming the field, so every list it answers stays small and every
//! database it runs on stores what it accepted. Files are not refused for
//! them: a file written before these rules keeps reading.
//!
//! The `*_PATTERN`s say the same as the checks in the server's OpenAPI
//! document (ECMA-262 regular expressions, which the `regex` crate and
//! Python read alike); the server's tests hold each pattern to its check.

use thiserror::Error;

use crate::model::Workflow;

/// The longest workflow name, in characters (Unicode scalar values).
pub const MAX_NAME_CHARS: usize = 200;
/// The longest step (card) title.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest workflow description.
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
/// The longest sticky note text.
pub const MAX_NOTE_TEXT_CHARS: usize = 10_000;

/// One line of text: no control character at all.
pub const ONE_LINE_PATTERN: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// Text of several lines: tabs, line feeds and carriage returns, and no
/// other control character.
pub const LINES_PATTERN: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// [`LINES_PATTERN`] with at least one character that is neither white
/// space (what `str::trim` removes) nor a control character: text that
/// says something.
pub const NON_BLANK_LINES_PATTERN: &str = concat!(
    r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*",
    r"[^\u0000-\u0020\u007F-\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]",
    r"[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
);

/// Whether a text is one line or may have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Names, titles, references, ids: no control character.
    One,
    /// Descriptions, notes, comments: tabs and line breaks too.
    Many,
}

impl Lines {
    /// Whether `c` may not be in a text of this kind.
    pub fn refuses(self, c: char) -> bool {
        c.is_control() && !(self == Lines::Many && matches!(c, '\t' | '\n' | '\r'))
    }
}

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextProblem {
    #[error("has {chars} characters; at most {max} are kept")]
    TooLong { chars: usize, max: usize },
    #[error(
        "holds the control character U+{:04X} (character {at}): {}",
        u32::from(*character),
        match lines {
            Lines::One => "a name, title or reference is one line of visible text",
            Lines::Many => "only tabs and line breaks may be in this text",
        }
    )]
    Control {
        /// 1-based, in characters.
        at: usize,
        character: char,
        lines: Lines,
    },
}

/// Checks `text` against a length limit (in characters) and what kind of
/// text it is.
pub fn check(text: &str, max_chars: usize, lines: Lines) -> Result<(), TextProblem> {
    let mut chars = 0usize;
    for c in text.chars() {
        chars += 1;
        if lines.refuses(c) {
            return Err(TextProblem::Control {
                at: chars,
                character: c,
                lines,
            });
        }
    }
    if chars > max_chars {
        return Err(TextProblem::TooLong {
            chars,
            max: max_chars,
        });
    }
    Ok(())
}

/// A refused text and where it is, as a JSON path (`name`,
/// `nodes[2].title`, `notes[0].text`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field} {problem}")]
pub struct FieldProblem {
    pub field: String,
    pub problem: TextProblem,
}

/// A workflow's name, description, step titles and sticky notes, checked:
/// the first that breaks a rule.
pub fn check_workflow(workflow: &Workflow) -> Result<(), FieldProblem> {
    let at = |field: String| move |problem| FieldProblem { field, problem };
    check(&workflow.name, MAX_NAME_CHARS, Lines::One).map_err(at("name".to_owned()))?;
    check(&workflow.description, MAX_DESCRIPTION_CHARS, Lines::Many)
        .map_err(at("description".to_owned()))?;
    for (i, node) in workflow.nodes.iter().enumerate() {
        check(&node.title, MAX_TITLE_CHARS, Lines::One).map_err(at(format!("nodes[{i}].title")))?;
    }
    for (i, note) in workflow.notes.iter().enumerate() {
        check(&note.text, MAX_NOTE_TEXT_CHARS, Lines::Many)
            .map_err(at(format!("notes[{i}].text")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_refuses_every_control_and_lines_keep_tabs_and_breaks() {
        for c in (0u32..=0x3100).filter_map(char::from_u32) {
            let control = ('\u{0}'..='\u{1F}').contains(&c) || ('\u{7F}'..='\u{9F}').contains(&c);
            assert_eq!(Lines::One.refuses(c), control, "{c:?}");
            let kept = matches!(c, '\t' | '\n' | '\r');
            assert_eq!(Lines::Many.refuses(c), control && !kept, "{c:?}");
        }
        assert_eq!(check("Ünïcødé \u{202e} 😀", 200, Lines::One), Ok(()));
        assert_eq!(
            check("a\u{1b}[2J", 200, Lines::One),
            Err(TextProblem::Control {
                at: 2,
                character: '\u{1b}',
                lines: Lines::One
            })
        );
        assert_eq!(check("a\n\tb\r\n", 200, Lines::Many), Ok(()));
        assert!(check("a\nb", 200, Lines::One).is_err());
        assert!(check("a\0b", 200, Lines::Many).is_err());
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert_eq!(check(&"é".repeat(200), 200, Lines::One), Ok(()));
        assert_eq!(
            check(&"é".repeat(201), 200, Lines::One),
            Err(TextProblem::TooLong {
                chars: 201,
                max: 200
            })
        );
    }

    #[test]
    fn a_workflow_names_the_field_that_breaks_a_rule() {
        let mut workflow = Workflow::new(20001, "fine");
        assert_eq!(check_workflow(&workflow), Ok(()));
        workflow.name = "x".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            check_workflow(&workflow).map_err(|e| e.field),
            Err("name".into())
        );
        workflow.name = "fine".into();
        workflow.description = "two\nlines\0".into();
        let problem = check_workflow(&workflow).expect_err("NUL");
        assert_eq!(problem.field, "description");
        assert!(problem.to_string().contains("U+0000"), "{problem}");
    }

    #[test]
    fn every_standard_workflow_sample_keeps_the_rules() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample_workflows");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).expect("sample_workflows") {
            let path = entry.expect("entry").path();
            let Some(format) = crate::format::Format::from_path(&path) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("read");
            let workflow = crate::format::parse_workflow(&text, format).expect("parses");
            assert_eq!(check_workflow(&workflow), Ok(()), "{}", path.display());
            checked += 1;
        }
        assert!(checked >= 9, "{checked} samples");
    }
}
