//! Workflow text formats: RON on disk (human-diffable), JSON on the wire.
//! Both carry the same schema, so `.json` is accepted wherever `.ron` is.
//! This module turns text into a checked `Workflow` and back; reading and
//! writing files is the store's job.

use std::path::Path;

use ron::extensions::Extensions;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use thiserror::Error;

use crate::model::Workflow;
use crate::versions::{Formats, NewerFormat, WORKFLOW_FORMATS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ron,
    Json,
}

impl Format {
    /// Picks the format from a file name's extension (`.ron` or `.json`).
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "ron" => Some(Format::Ron),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Ron => "ron",
            Format::Json => "json",
        }
    }
}

/// The most brackets a workflow text may nest: the deepest real workflow
/// nests 6 (a condition's value list inside a node inside the file). The
/// RON parser spends ~40 µs per level of nested `Some(`: unbounded, a 6 MB
/// file took over 10 s (issue 13).
pub const MAX_NESTING: usize = 32;

/// The largest text parsed: a 10,000-node workflow is about 3.5 MB of RON.
pub const MAX_TEXT_BYTES: usize = 32 * 1024 * 1024;

/// Why a text is not a workflow this build can use.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ParseError {
    /// The text does not match the schema; line and column are 1-based.
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// Written by a newer idflow (issue 29): refused before any schema
    /// error the newer fields would cause.
    #[error(transparent)]
    Newer(#[from] NewerFormat),
    /// A format older than any this build reads (no idflow wrote it).
    #[error(
        "format_version {found} is not a format idflow writes: this build reads format_version {oldest} to {supported}"
    )]
    UnsupportedVersion {
        found: u64,
        oldest: u32,
        supported: u32,
    },
    #[error(
        "the file has no format_version field; add `format_version: {supported}` at the top level"
    )]
    MissingVersion { supported: u32 },
    #[error("node {node}: {message}")]
    InvalidValue { node: String, message: String },
    #[error("line {line}: nested more than {limit} levels deep; no workflow nests so deep")]
    TooDeep { line: usize, limit: usize },
    #[error("{bytes} bytes is more than the {limit} a workflow file may be")]
    TooLarge { bytes: usize, limit: usize },
}

impl ParseError {
    pub fn line(&self) -> Option<usize> {
        match self {
            ParseError::Syntax { line, .. } | ParseError::TooDeep { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// RON extensions we read and write by default, so files stay terse:
/// `kind: SERVICE(service: ID_IV, ...)` and `label: "front"` instead of
/// `kind: SERVICE((...))` and `label: Some("front")`.
fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_default_extension(Extensions::IMPLICIT_SOME)
}

fn ron_pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new().indentor("  ").depth_limit(3)
}

/// Only the version, read when the full parse fails, so that a text
/// written by a newer build is refused with a clear message rather than a
/// confusing schema error. Unknown fields are ignored.
#[derive(Deserialize)]
struct VersionProbe {
    format_version: Option<u64>,
}

/// Refuses a text over [`MAX_TEXT_BYTES`] or nested deeper than
/// [`MAX_NESTING`] before any parser sees it: one linear pass over the
/// bytes, skipping strings and comments.
pub fn check_bounds(text: &str) -> Result<(), ParseError> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(ParseError::TooLarge {
            bytes: text.len(),
            limit: MAX_TEXT_BYTES,
        });
    }
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut i) = (0usize, 1usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseError::TooDeep {
                        line,
                        limit: MAX_NESTING,
                    });
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

fn parse_value<T: DeserializeOwned>(text: &str, format: Format) -> Result<T, ParseError> {
    check_bounds(text)?;
    match format {
        Format::Ron => ron_options()
            .from_str(text)
            .map_err(|e| ParseError::Syntax {
                line: e.span.start.line,
                column: e.span.start.col,
                message: e.code.to_string(),
            }),
        Format::Json => serde_json::from_str(text).or_else(|e| {
            // JSON has one kind of number: `168.0` is the integer 168 to
            // any JSON reader (and to JSON Schema), so a document that
            // writes a whole number with a fraction is read as if it had
            // not. The first error is the one reported.
            let error = ParseError::Syntax {
                line: e.line(),
                column: e.column(),
                message: strip_json_position(&e.to_string()),
            };
            let mut value: serde_json::Value =
                serde_json::from_str(text).map_err(|_| error.clone())?;
            if !whole_numbers_as_integers(&mut value) {
                return Err(error);
            }
            serde_json::from_value(value).map_err(|_| error)
        }),
    }
}

/// Rewrites every whole number written with a fraction (`168.0`) as an
/// integer, as far as integers reach. Whether it changed anything.
fn whole_numbers_as_integers(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            let Some(float) = number.as_f64() else {
                return false;
            };
            // Within ±2^63 the float is exactly an i64 when it is whole.
            let integral = float.fract() == 0.0 && float.abs() < 9.223_372_036_854_775e18;
            if integral {
                #[allow(clippy::cast_possible_truncation)]
                let integer = float as i64;
                *number = serde_json::Number::from(integer);
            }
            integral
        }
        // Every item is visited (no short cut): all of them are rewritten.
        serde_json::Value::Array(items) => {
            items
                .iter_mut()
                .map(whole_numbers_as_integers)
                .filter(|changed| *changed)
                .count()
                > 0
        }
        serde_json::Value::Object(map) => {
            map.values_mut()
                .map(whole_numbers_as_integers)
                .filter(|changed| *changed)
                .count()
                > 0
        }
        _ => false,
    }
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// Parses a workflow and checks its version and values.
///
/// The full parse runs first and the version probe only when it fails (or
/// the version differs): probing first would parse every file twice, which
/// doubled load time at 10,000 nodes.
pub fn parse_workflow(text: &str, format: Format) -> Result<Workflow, ParseError> {
    let mut workflow = parse_versioned(text, format, &WORKFLOW_FORMATS, |w: &Workflow| {
        u64::from(w.format_version)
    })?;
    check_values(&workflow)?;
    // An older file is read into today's model (its risk steps' `weights`
    // as WEIGHTS) and written back in the format its contents need (2
    // without expectations: as it was written; see `FORMAT_VERSION`).
    workflow.format_version = workflow.written_format_version();
    Ok(workflow)
}

/// Parses a text that carries a top-level `format_version` of `formats`:
/// one of a newer format is refused as [`ParseError::Newer`] (issue 29),
/// before any schema error its unknown fields would cause; one without a
/// version, or of a version no idflow wrote, says so.
pub fn parse_versioned<T: DeserializeOwned>(
    text: &str,
    format: Format,
    formats: &Formats,
    version_of: impl Fn(&T) -> u64,
) -> Result<T, ParseError> {
    match parse_value::<T>(text, format) {
        Ok(value) => {
            let version = version_of(&value);
            match version_problem(Some(version), formats) {
                None => Ok(value),
                Some(problem) => Err(problem),
            }
        }
        Err(error) => {
            // Bounds errors stand: the probe would meet the same text.
            if matches!(
                error,
                ParseError::TooDeep { .. } | ParseError::TooLarge { .. }
            ) {
                return Err(error);
            }
            Err(probe_version(text, format)
                .and_then(|found| version_problem(found, formats))
                .unwrap_or(error))
        }
    }
}

/// What is wrong with a text's version, if anything.
fn version_problem(found: Option<u64>, formats: &Formats) -> Option<ParseError> {
    let Some(found) = found else {
        return Some(ParseError::MissingVersion {
            supported: formats.newest(),
        });
    };
    if let Some(newer) = formats.newer(found) {
        return Some(ParseError::Newer(newer));
    }
    (!formats.reads(found)).then_some(ParseError::UnsupportedVersion {
        found,
        oldest: formats.oldest(),
        supported: formats.newest(),
    })
}

/// The text's top-level `format_version`: `Some(None)` when it has none,
/// `None` when the text cannot be probed at all. Read with the parser
/// (unknown fields ignored), else, for a text this build's parser cannot
/// read at all, by finding `format_version` at the top level.
fn probe_version(text: &str, format: Format) -> Option<Option<u64>> {
    match parse_value::<VersionProbe>(text, format) {
        Ok(probe) => Some(probe.format_version),
        Err(_) => top_level_version(text).map(Some),
    }
}

/// `format_version: N` (RON) or `"format_version": N` (JSON) one level
/// inside the outermost brackets, outside strings and comments.
fn top_level_version(text: &str) -> Option<u64> {
    const NAME: &[u8] = b"format_version";
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                // A JSON key: "format_version"
                if depth == 1
                    && bytes.get(start..i) == Some(NAME)
                    && let Some(found) = number_after_colon(&bytes[(i + 1).min(bytes.len())..])
                {
                    return Some(found);
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ if depth == 1
                && bytes[i..].starts_with(NAME)
                && (i == 0 || !is_ident_byte(bytes[i - 1]))
                && !bytes
                    .get(i + NAME.len())
                    .copied()
                    .is_some_and(is_ident_byte) =>
            {
                if let Some(found) = number_after_colon(&bytes[i + NAME.len()..]) {
                    return Some(found);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// ` : 12` -> 12.
fn number_after_colon(rest: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(rest).ok()?.trim_start();
    let text = text.strip_prefix(':')?.trim_start();
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Values serde accepts but a workflow must not hold.
fn check_values(workflow: &Workflow) -> Result<(), ParseError> {
    for node in &workflow.nodes {
        if !(node.position.x.is_finite() && node.position.y.is_finite()) {
            return Err(ParseError::InvalidValue {
                node: node.id.to_string(),
                message: "position must be finite numbers".to_owned(),
            });
        }
    }
    Ok(())
}

/// Serialises any value in the given format (pretty, stable field order).
pub fn to_text<T: Serialize>(value: &T, format: Format) -> String {
    match format {
        // Serialising our own plain data types cannot fail: they have no
        // maps with non-string keys and no custom serialisers that error.
        Format::Ron => ron_options()
            .to_string_pretty(value, ron_pretty())
            .map(|mut s| {
                s.push('\n');
                s
            })
            .unwrap_or_else(|e| panic!("RON serialisation of a model value failed: {e}")),
        Format::Json => serde_json::to_string_pretty(value)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .unwrap_or_else(|e| panic!("JSON serialisation of a model value failed: {e}")),
    }
}

pub fn workflow_to_text(workflow: &Workflow, format: Format) -> String {
    to_text(workflow, format)
}

/// Parses any RON/JSON value with the same options as workflows (the store
/// uses it for its metadata files).
pub fn parse_text<T: DeserializeOwned>(text: &str, format: Format) -> Result<T, ParseError> {
    parse_value(text, format)
}
