use crate::lint::{Analysis, Rule, Sink};

pub(crate) fn empty_name(a: &Analysis<'_>, sink: &mut Sink) {
    if a.workflow.name.trim().is_empty() {
        sink.workflow(Some("name"), "the workflow has no name: give it one so reviewers and the store list can tell it apart".to_owned());
    }
}

pub(crate) fn unknown_lint_rule(a: &Analysis<'_>, sink: &mut Sink) {
    for code in a.workflow.lint.keys() {
        if Rule::find(code).is_none() {
            sink.workflow(
                Some("lint"),
                format!("the lint configuration names `{code}`, which is not a rule: check the spelling (`idflow lint --rules` lists the codes)"),
            );
        }
    }
}
