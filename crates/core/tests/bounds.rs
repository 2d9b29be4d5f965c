//! Bounded input (issue 13): a text nested deeper than any workflow, or
//! larger than any workflow file, is refused before a parser sees it, with
//! the line; keys have one spelling.

use idflow_core::format::{Format, MAX_NESTING, ParseError, parse_workflow};
use idflow_core::model::parse_key;

#[test]
fn a_deeply_nested_6_mb_file_is_refused_naming_its_line() {
    let depth = 6 * 1024 * 1024 / "Some(".len();
    let mut text = String::from("(\n  format_version: 1,\n  key: ");
    text.push_str(&"Some(".repeat(depth));
    match parse_workflow(&text, Format::Ron) {
        Err(ParseError::TooDeep { line, limit }) => {
            assert_eq!((line, limit), (3, MAX_NESTING));
        }
        other => panic!("expected TooDeep, got {other:?}"),
    }
    let json = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    assert!(matches!(
        parse_workflow(&json, Format::Json),
        Err(ParseError::TooDeep { .. })
    ));
}

#[test]
fn brackets_inside_strings_and_comments_do_not_count() {
    let text = include_str!("../../../sample_workflows/10011-idiv.ron").replace(
        "name: \"ID and identity verification (IDIV)\",",
        &format!("name: \"{}\",\n  // {}", "(".repeat(100), "[".repeat(100)),
    );
    let workflow = parse_workflow(&text, Format::Ron).expect("still a workflow");
    assert_eq!(workflow.name, "(".repeat(100));
}

#[test]
fn keys_have_one_spelling() {
    assert_eq!(parse_key("10011"), Some(10011));
    for bad in [
        "010011",
        "+10011",
        " 10011",
        "10011 ",
        "0",
        "",
        "1e4",
        "4294967296",
        "-1",
    ] {
        assert_eq!(parse_key(bad), None, "{bad:?}");
    }
}
