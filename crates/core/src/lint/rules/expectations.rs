//! Expectations (issue 34): each one runs with lint, so a broken one is a
//! finding on every edit, on the step where its run ended.

use crate::expectations::{Verdict, evaluate, invalid_reason};
use crate::lint::{Analysis, Sink};

pub(crate) fn expectation_broken(a: &Analysis<'_>, sink: &mut Sink) {
    for result in evaluate(a.workflow) {
        if result.verdict != Verdict::Broken {
            continue;
        }
        let node = result
            .ended_at
            .as_ref()
            .and_then(|id| a.index.get(id.as_str()).copied());
        sink.expectation(
            node,
            &result.id,
            format!(
                "expectation {} is broken: {}. Change the workflow so it holds, or, if the workflow is right, edit the expectation",
                result.id,
                result.what_happened()
            ),
        );
    }
}

pub(crate) fn expectation_invalid(a: &Analysis<'_>, sink: &mut Sink) {
    let expectations = &a.workflow.expectations;
    for (i, expectation) in expectations.iter().enumerate() {
        if let Some(reason) = invalid_reason(a.workflow, expectation, &expectations[..i]) {
            sink.expectation(
                None,
                &expectation.id,
                format!(
                    "expectation {} (“{}”) cannot run: {reason}",
                    expectation.id,
                    expectation.words()
                ),
            );
        }
    }
}
