//! Parse errors say where and what; versions are checked first.

use idflow_core::format::{Format, ParseError, parse_workflow, workflow_to_text};
use idflow_core::model::{FORMAT_VERSION, FORMAT_WITHOUT_EXPECTATIONS, NodeKind, Scoring};
use idflow_core::versions::IDFLOW_VERSION;

const IDIV: &str = include_str!("../../../sample_workflows/10011-idiv.ron");

#[test]
fn a_syntax_error_names_line_and_column() {
    // A stray character on the first node's `title:` line.
    let target = IDIV
        .lines()
        .position(|l| l.contains("title: \"ID capture\""))
        .expect("line");
    let broken: String = IDIV
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == target {
                l.replacen("title:", "title: @", 1)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    match parse_workflow(&broken, Format::Ron) {
        Err(ParseError::Syntax {
            line,
            column,
            message,
        }) => {
            assert_eq!(line, target + 1);
            assert!(column > "      title:".len(), "column {column}");
            assert!(!message.is_empty());
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn an_unknown_field_is_named_with_its_line() {
    let typo = IDIV.replacen("channels:", "chanels:", 1);
    let err = parse_workflow(&typo, Format::Ron).expect_err("typo rejected");
    let text = err.to_string();
    assert!(text.contains("chanels"), "{text}");
    let expected_line = typo
        .lines()
        .position(|l| l.contains("chanels"))
        .map(|i| i + 1);
    assert_eq!(err.line(), expected_line);
}

#[test]
fn an_unknown_value_lists_what_is_expected() {
    let bad = IDIV.replacen("category: ID,", "category: PASSPORT,", 1);
    let err = parse_workflow(&bad, Format::Ron).expect_err("bad enum value");
    let text = err.to_string();
    assert!(
        text.contains("PASSPORT") && text.contains("SELFIE"),
        "{text}"
    );
}

/// `text` with its top-level `format_version` set to `version`.
fn with_version(text: &str, version: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("format_version:"))
        .expect("a format_version line");
    text.replacen(line, &format!("  format_version: {version},"), 1)
}

fn every_sample() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../sample_workflows");
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read");
            (p.display().to_string(), text)
        })
        .collect();
    out.sort();
    out
}

/// Issue 29, "Files from a newer idflow": a workflow of a newer format is
/// refused with "needs a newer idflow", never with the schema error its
/// unknown fields cause: every sample, in RON and in JSON, as format 4 (the
/// first this build does not read) with a field, a step setting and a step
/// kind this build does not know.
#[test]
fn a_newer_format_is_refused_as_newer_before_any_schema_error() {
    let expected = |found: u64| {
        format!(
            "written by a newer idflow (format {found}); this build ({IDFLOW_VERSION}) reads formats 1–3: needs a newer idflow"
        )
    };
    for (name, text) in every_sample() {
        let future = with_version(&text, "4")
            .replacen("nodes: [", "needs_review: true,\n  nodes: [", 1)
            .replacen("kind: ", "kind: HOLOGRAM_CHECK(depth: 3), old_kind: ", 1)
            .replacen("channels: [", "channels: [TELEPATHY, ", 1);
        let json = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&workflow_to_text(
                &parse_workflow(&text, Format::Ron).expect("sample"),
                Format::Json,
            ))
            .expect("json"),
        )
        .expect("json")
        .replacen(
            "\"format_version\": 2",
            "\"format_version\": 4, \"needs_review\": true",
            1,
        )
        .replacen("\"channels\": [", "\"channels\": [\"TELEPATHY\", ", 1);
        for (format, future) in [(Format::Ron, future), (Format::Json, json)] {
            let err = parse_workflow(&future, format).expect_err("refused");
            assert!(
                matches!(&err, ParseError::Newer(n) if n.found == 4),
                "{name} {format:?}: {err:?}"
            );
            assert_eq!(err.to_string(), expected(4), "{name} {format:?}");
            assert_eq!(err.line(), None);
        }
    }
    // A newer file this build's parser cannot read at all (a syntax of
    // its own) is still refused as newer, not as a syntax error.
    for (format, text) in [
        (
            Format::Ron,
            "(\n  // written by idflow 9\n  format_version: 12,\n  nodes: [<<hologram>>],\n)",
        ),
        (
            Format::Json,
            "{\"name\": \"format_version\", \"format_version\": 12, \"nodes\": [,,]}",
        ),
    ] {
        assert_eq!(
            parse_workflow(text, format).map_err(|e| e.to_string()),
            Err(expected(12)),
            "{format:?}"
        );
    }
    // A version no idflow wrote (0) is not called newer.
    let zero = with_version(IDIV, "0");
    assert!(matches!(
        parse_workflow(&zero, Format::Ron),
        Err(ParseError::UnsupportedVersion { found: 0, .. })
    ));
}

/// Issue 29: files written by earlier versions still load: format 1 (a
/// risk step's `weights` read as WEIGHTS) and format 2, each read into
/// today's model and written back in the format its contents need: 2, as
/// no sample has expectations (issue 34: format 3 only carries them).
#[test]
fn formats_written_by_earlier_versions_still_load() {
    for (name, text) in every_sample() {
        for version in ["1", "2", "3"] {
            let older = with_version(&text, version);
            let read = parse_workflow(&older, Format::Ron)
                .unwrap_or_else(|e| panic!("{name} as format {version}: {e}"));
            assert_eq!(read.format_version, FORMAT_WITHOUT_EXPECTATIONS, "{name}");
            assert!(
                workflow_to_text(&read, Format::Ron).contains("  format_version: 2,\n"),
                "{name} as format {version}"
            );
        }
    }
}

#[test]
fn a_missing_format_version_is_refused() {
    let without = with_version(IDIV, "4").replacen("  format_version: 4,", "", 1);
    assert!(!without.contains("format_version"));
    assert_eq!(
        parse_workflow(&without, Format::Ron),
        Err(ParseError::MissingVersion {
            supported: FORMAT_VERSION
        })
    );
}

#[test]
fn json_errors_have_line_and_column_too() {
    let json = workflow_to_text(
        &parse_workflow(IDIV, Format::Ron).expect("sample"),
        Format::Json,
    );
    let broken = json.replacen("\"WEB\"", "WEB", 1);
    let expected_line = broken
        .lines()
        .position(|l| l.contains("WEB") && !l.contains('"'))
        .map(|i| i + 1);
    let err = parse_workflow(&broken, Format::Json).expect_err("broken JSON");
    assert_eq!(err.line(), expected_line);
    assert!(
        !err.to_string().contains(" at line "),
        "position is not repeated: {err}"
    );
}

#[test]
fn json_and_ron_of_a_sample_are_the_same_workflow() {
    let from_ron = parse_workflow(IDIV, Format::Ron).expect("ron");
    let json = workflow_to_text(&from_ron, Format::Json);
    assert!(json.contains(&format!(
        "\"format_version\": {FORMAT_WITHOUT_EXPECTATIONS}"
    )));
    assert_eq!(parse_workflow(&json, Format::Json), Ok(from_ron));
}

#[test]
fn non_finite_positions_are_refused() {
    let nan = IDIV.replacen("position: (x: 0.0,", "position: (x: NaN,", 1);
    match parse_workflow(&nan, Format::Ron) {
        Err(ParseError::Syntax { line, message, .. }) => {
            assert_eq!(
                IDIV.lines().nth(line - 1).map(|l| l.contains("position")),
                Some(true)
            );
            assert!(message.contains("finite"), "{message}");
        }
        other => panic!("expected a refusal on the position's line, got {other:?}"),
    }
}

/// JSON has one kind of number: a whole number written with a fraction
/// (`49.0`) reads as the integer, as it does for any JSON reader and for the
/// OpenAPI schema; a real fraction in an integer field is still refused,
/// with the first error's position.
#[test]
fn json_whole_numbers_with_a_fraction_read_as_integers() {
    let plain = r#"{"format_version": 1, "key": 200000, "name": "w", "nodes": [
        {"id": "risk", "position": {"x": 0, "y": 0}, "kind": {"RISK_CALCULATION": {"weights": [
            {"capability": "LIVENESS", "decision": "REJECTED", "weight": 49}]}}}]}"#;
    let written_with_fractions = plain
        .replace("\"format_version\": 1", "\"format_version\": 1.0")
        .replace("200000", "200000.0")
        .replace("\"weight\": 49", "\"weight\": 49.0");
    assert_eq!(
        parse_workflow(&written_with_fractions, Format::Json).expect("reads"),
        parse_workflow(plain, Format::Json).expect("reads")
    );
    let fractional = plain.replace("\"weight\": 49", "\"weight\": 49.5");
    match parse_workflow(&fractional, Format::Json) {
        Err(ParseError::Syntax { line, message, .. }) => {
            assert_eq!(line, 3);
            assert!(message.contains("49.5"), "{message}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

/// Coordinates are f32: a number past f32::MAX is refused, not rounded to
/// f32::MAX or to infinity (the OpenAPI schema's bounds are exact).
#[test]
fn coordinates_past_the_f32_range_are_refused() {
    let at = |x: &str| {
        format!(
            r#"{{"format_version": 1, "key": 200000, "name": "w", "nodes": [
            {{"id": "t", "position": {{"x": {x}, "y": 0}}, "kind": {{"TERMINAL": {{"decision": "DERIVED"}}}}}}]}}"#
        )
    };
    for max in [
        "3.4028234663852886e38",
        "3.4028235e38",
        "-3.4028235677973e38",
    ] {
        let read = parse_workflow(&at(max), Format::Json).expect(max);
        assert_eq!(read.nodes[0].position.x.abs(), f32::MAX, "{max}");
    }
    for past in ["3.4028235677973366e38", "-3.4028236e38", "1e39"] {
        match parse_workflow(&at(past), Format::Json) {
            Err(ParseError::Syntax { message, .. }) => {
                assert!(
                    message.contains("finite number within"),
                    "{past}: {message}"
                )
            }
            other => panic!("{past}: expected a refusal, got {other:?}"),
        }
    }
}

/// Issue 29: a risk step has `scoring: DEFAULT` or `scoring: WEIGHTS([...])`;
/// files written before have `weights`, read as WEIGHTS. Neither, both, or a
/// `null` in their place is refused (as `weights: null` always was).
#[test]
fn a_risk_step_scores_one_way() {
    let risk = |kind: &str| {
        format!(
            r#"{{"format_version": 2, "key": 200000, "name": "r", "nodes": [{{"id": "risk", "position": {{"x": 0, "y": 0}}, "kind": {{"RISK_CALCULATION": {kind}}}}}]}}"#
        )
    };
    for (kind, ok) in [
        (r#"{"scoring": "DEFAULT"}"#, true),
        (r#"{"scoring": {"WEIGHTS": []}}"#, true),
        (r#"{"weights": []}"#, true),
        (r#"{}"#, false),
        (r#"[]"#, false),
        (r#"[null, null]"#, false),
        (r#"{"scoring": null}"#, false),
        (r#"{"weights": null}"#, false),
        (r#"{"scoring": "DEFAULT", "weights": []}"#, false),
    ] {
        assert_eq!(
            parse_workflow(&risk(kind), Format::Json).is_ok(),
            ok,
            "{kind}"
        );
    }
    let ron = "(format_version: 2, key: 200000, name: \"r\", nodes: [(id: \"risk\", position: (x: 0.0, y: 0.0), kind: RISK_CALCULATION(scoring: DEFAULT))])";
    let w = parse_workflow(ron, Format::Ron).expect("RON, DEFAULT");
    assert!(matches!(
        &w.nodes[0].kind,
        NodeKind::RiskCalculation(r) if r.scoring == Scoring::Default
    ));
}
