//! Text shown in a terminal is made safe (issue 30, item 7). Names,
//! titles, notes, comments and references come from other people (a team
//! server's designers, a shared file) and may hold control characters and
//! escape sequences that a terminal acts on: clear the screen, move the
//! cursor and overwrite what was printed, set the window title, ring the
//! bell, or reverse the order of what follows (bidi controls). Every print
//! of such text goes through this module: each such character is written
//! escaped as Rust writes it (`\u{1b}`, `\r`, `\u{202e}`), and everything
//! else, ordinary Unicode included, as it is. JSON output writes the same
//! characters as JSON escapes (`\u001b`), so it stays valid JSON that reads
//! back to the same text.

use std::borrow::Cow;
use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

/// Whether a terminal would act on `c` rather than show it: a control
/// character (C0, DEL, C1), a bidirectional formatting character, or a
/// line or paragraph separator.
pub fn acts_on(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with every character a terminal would act on escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value as one tab-separated field: tabs and line breaks become single
/// spaces (a field stays on its line), then [`printable`].
pub fn one_field(text: &str) -> String {
    let joined = text
        .split(['\t', '\n', '\r'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    printable(&joined).into_owned()
}

/// `value` as pretty JSON in which every character [`acts_on`] is a
/// `\uXXXX` escape (serde_json escapes only C0 by itself).
pub fn json(value: &impl Serialize) -> String {
    encode(value, Escaping(PrettyFormatter::new()))
}

/// [`json`] on one line.
pub fn json_line(value: &impl Serialize) -> String {
    encode(value, Escaping(CompactFormatter))
}

fn encode<F: Formatter>(value: &impl Serialize, formatter: F) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    if let Err(error) = value.serialize(&mut serializer) {
        return format!("{{\"error\": {:?}}}", error.to_string());
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A formatter that also escapes DEL, C1, bidi controls and the line and
/// paragraph separators inside strings; the rest is `F`'s.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|(_, c)| acts_on(*c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // The layout is the inner formatter's.
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\u{1b}]0;pwned\u{7}b\rc\u{202e}d\u{9b}2Je\u{7f}\u{0}";

    #[test]
    fn every_character_a_terminal_acts_on_is_escaped_and_unicode_kept() {
        let shown = printable(HOSTILE);
        assert!(!shown.chars().any(acts_on), "{shown}");
        assert_eq!(
            shown,
            "a\\u{1b}]0;pwned\\u{7}b\\rc\\u{202e}d\\u{9b}2Je\\u{7f}\\u{0}"
        );
        assert!(matches!(
            printable("Zoë 😀 日本"),
            Cow::Borrowed("Zoë 😀 日本")
        ));
        assert_eq!(one_field("a\tb\r\nc\u{1b}"), "a b c\\u{1b}");
    }

    #[test]
    fn json_escapes_them_too_and_reads_back_the_same() {
        let value = serde_json::json!({ "name": HOSTILE, "plain": "Zoë" });
        let text = json(&value);
        assert!(!text.chars().any(|c| acts_on(c) && c != '\n'), "{text}");
        assert!(
            text.contains("\\u202e") && text.contains("\\u009b"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(back, value);
        assert!(text.starts_with("{\n  \""), "pretty: {text}");
        let line = json_line(&value);
        assert!(!line.chars().any(acts_on), "{line}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).expect("JSON"),
            value
        );
    }
}
