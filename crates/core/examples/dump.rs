fn main() {
    let w = idflow_core::synthetic::synthetic_workflow(8);
    let text = idflow_core::format::workflow_to_text(&w, idflow_core::format::Format::Ron);
    print!("{text}");
    let back =
        idflow_core::format::parse_workflow(&text, idflow_core::format::Format::Ron).unwrap();
    assert_eq!(back, w);
    let r = idflow_core::lint::lint(&w);
    for f in r.findings {
        eprintln!("{:?}", f);
    }
}
