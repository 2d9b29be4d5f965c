use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::expectation::Expectation;
use super::node::Node;

/// The file format this build writes. Bump it (and add a migration)
/// whenever a change would make an older build misread a newer file.
/// 2: a risk step's `scoring` (DEFAULT or WEIGHTS); version 1 files, whose
/// risk steps have `weights`, still read (as WEIGHTS).
/// 3: `expectations` (issue 34). A workflow is written in the oldest format
/// that carries what it holds (`Workflow::written_format_version`): one
/// without expectations is still written as format 2, byte for byte as
/// 0.2.0 wrote it, so its hash is unchanged and 0.2.0 reads it; one with
/// expectations is format 3, which 0.2.0 refuses as "needs a newer idflow"
/// (issue 29) instead of failing on an unknown field.
pub const FORMAT_VERSION: u32 = 3;

/// The format a workflow without expectations is written in.
pub const FORMAT_WITHOUT_EXPECTATIONS: u32 = 2;

/// The oldest file format this build still reads.
pub const OLDEST_FORMAT_VERSION: u32 = 1;

/// A whole workflow definition, as stored in a `.ron` or `.json` file.
/// Serialised by `WorkflowText`: its `format_version` is always the one
/// its contents need, whatever the field holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    /// The version of the workflow format; this build reads 1 to 3 and
    /// writes 2, or 3 when the workflow has expectations.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 3))]
    pub format_version: u32,
    /// The platform's workflow key (standard ones are 100xx, custom ones 200000+).
    #[cfg_attr(feature = "openapi", schema(value_type = u64, maximum = 4_294_967_295_u64))]
    pub key: u32,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Per-workflow lint configuration: rule code -> severity or off.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lint: BTreeMap<String, RuleSetting>,
    /// Expected outcomes (issue 34), run with lint. None are written as
    /// no field at all, so files without them read and hash as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expectations: Vec<Expectation>,
}

/// A workflow as it is written: the fields in the file's order, with the
/// format its contents need (see [`FORMAT_VERSION`]).
#[derive(Serialize)]
struct WorkflowText<'w> {
    format_version: u32,
    key: u32,
    name: &'w str,
    description: &'w str,
    nodes: &'w [Node],
    edges: &'w [Edge],
    notes: &'w [Note],
    #[serde(skip_serializing_if = "no_settings")]
    lint: &'w BTreeMap<String, RuleSetting>,
    #[serde(skip_serializing_if = "no_expectations")]
    expectations: &'w [Expectation],
}

fn no_settings(lint: &&BTreeMap<String, RuleSetting>) -> bool {
    lint.is_empty()
}

fn no_expectations(expectations: &&[Expectation]) -> bool {
    expectations.is_empty()
}

impl Serialize for Workflow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WorkflowText {
            format_version: self.written_format_version(),
            key: self.key,
            name: &self.name,
            description: &self.description,
            nodes: &self.nodes,
            edges: &self.edges,
            notes: &self.notes,
            lint: &self.lint,
            expectations: &self.expectations,
        }
        .serialize(serializer)
    }
}

/// A workflow key or version number written the one canonical way: decimal
/// digits, no sign, no leading zero, no spaces, 1 to 4294967295 (issue 13:
/// `010011` and `+10011` are not 10011).
pub fn parse_key(text: &str) -> Option<u32> {
    let canonical =
        !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit());
    if !canonical {
        return None;
    }
    text.parse().ok()
}

impl Workflow {
    /// The capabilities the workflow runs (its services' and risk
    /// signals'), in catalog order, once each.
    pub fn capabilities(&self) -> Vec<super::Capability> {
        let mut bits = 0u32;
        for node in &self.nodes {
            match &node.kind {
                super::NodeKind::Service(s) => {
                    bits |= s.capabilities.iter().fold(0, |acc, c| acc | c.bit());
                }
                super::NodeKind::RiskSignal(r) => bits |= r.signal.capability().bit(),
                _ => {}
            }
        }
        super::Capability::ALL
            .iter()
            .copied()
            .filter(|c| bits & c.bit() != 0)
            .collect()
    }

    /// The oldest format that carries everything the workflow holds: the
    /// one it is written in (3 with expectations, else 2).
    pub fn written_format_version(&self) -> u32 {
        if self.expectations.is_empty() {
            FORMAT_WITHOUT_EXPECTATIONS
        } else {
            FORMAT_VERSION
        }
    }

    pub fn new(key: u32, name: impl Into<String>) -> Self {
        Workflow {
            format_version: FORMAT_WITHOUT_EXPECTATIONS,
            key,
            name: name.into(),
            description: String::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            notes: Vec::new(),
            lint: BTreeMap::new(),
            expectations: Vec::new(),
        }
    }

    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }
}

/// A node's stable identity; survives moves, edits, save and load.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct NodeId(pub String);

impl NodeId {
    pub fn new(id: impl Into<String>) -> Self {
        NodeId(id.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for NodeId {
    fn from(s: &str) -> Self {
        NodeId(s.to_owned())
    }
}

/// Canvas coordinates (logical pixels, y down).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
/// Coordinates and sizes are `f32`, read by `finite_f32`.
pub struct Position {
    #[serde(deserialize_with = "finite_f32")]
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = -3.402_823_567_797_336_6e38, exclusive_maximum = 3.402_823_567_797_336_6e38))]
    pub x: f32,
    #[serde(deserialize_with = "finite_f32")]
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = -3.402_823_567_797_336_6e38, exclusive_maximum = 3.402_823_567_797_336_6e38))]
    pub y: f32,
}

impl Position {
    pub fn new(x: f32, y: f32) -> Self {
        Position { x, y }
    }
}

/// The numbers that round to a finite `f32` lie strictly within
/// ±F32_ROUNDS_FINITE (`f32::MAX` plus half its last step, as an `f64`):
/// the bounds the OpenAPI schema states. Anything further is refused, not
/// rounded to infinity; `f32::MAX` as RON writes it (3.4028235e38) reads
/// back.
const F32_ROUNDS_FINITE: f64 = 3.402_823_567_797_336_6e38;

/// A number as an `f32`, refused unless it rounds to a finite one.
fn finite_f32<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<f32, D::Error> {
    let value = f64::deserialize(deserializer)?;
    if value.abs() < F32_ROUNDS_FINITE {
        #[allow(clippy::cast_possible_truncation)]
        Ok(value as f32)
    } else {
        Err(serde::de::Error::custom(format!(
            "{value} is not a coordinate or size: a finite number within ±3.4028235e38"
        )))
    }
}

/// Which output of a node an edge leaves from. Decision points have `THEN`
/// and `ELSE`; every other node has the single `OUT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Port {
    Out,
    Then,
    Else,
}

impl Port {
    pub fn as_str(self) -> &'static str {
        match self {
            Port::Out => "OUT",
            Port::Then => "THEN",
            Port::Else => "ELSE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Edge {
    pub from: NodeId,
    #[serde(default = "default_port", skip_serializing_if = "is_out")]
    pub port: Port,
    pub to: NodeId,
}

fn default_port() -> Port {
    Port::Out
}

fn is_out(port: &Port) -> bool {
    *port == Port::Out
}

impl Edge {
    pub fn new(from: impl Into<String>, port: Port, to: impl Into<String>) -> Self {
        Edge {
            from: NodeId(from.into()),
            port,
            to: NodeId(to.into()),
        }
    }
}

/// A sticky note on the canvas; not part of the executed flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: String,
    pub position: Position,
    pub text: String,
    /// Set once the note is resized; a note without it has the default size
    /// (files written before notes could be resized have none, and a note
    /// never resized is written exactly as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<NoteSize>,
}

/// A note's width and height on the canvas (logical pixels).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteSize {
    #[serde(deserialize_with = "finite_f32")]
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = -3.402_823_567_797_336_6e38, exclusive_maximum = 3.402_823_567_797_336_6e38))]
    pub width: f32,
    #[serde(deserialize_with = "finite_f32")]
    #[cfg_attr(feature = "openapi", schema(exclusive_minimum = -3.402_823_567_797_336_6e38, exclusive_maximum = 3.402_823_567_797_336_6e38))]
    pub height: f32,
}

impl NoteSize {
    /// A new note's size.
    pub const DEFAULT: NoteSize = NoteSize {
        width: 200.0,
        height: 100.0,
    };
    /// The smallest a note can be resized to.
    pub const MIN: NoteSize = NoteSize {
        width: 80.0,
        height: 40.0,
    };
    /// The largest a note can be resized to.
    pub const MAX: NoteSize = NoteSize {
        width: 2000.0,
        height: 2000.0,
    };
}

impl Note {
    pub fn size(&self) -> NoteSize {
        self.size.unwrap_or(NoteSize::DEFAULT)
    }
}

/// A lint rule's configured severity in one workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleSetting {
    Off,
    Info,
    Warning,
    Error,
}
