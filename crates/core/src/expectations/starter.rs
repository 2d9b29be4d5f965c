//! Starter expectations: the platform's own rules (seed 004, domain.md),
//! for the capabilities a workflow selects and the credentials it collects.

use crate::model::{
    Capability, CredentialCategory, DecisionType, Expectation, Expected, NodeKind, ScenarioRef,
    Workflow, expectation_id_base, fresh_id,
};

/// One platform rule as an expectation: a built-in scenario, what it must
/// decide, and what the workflow needs for the rule to apply.
struct StarterRule {
    scenario: &'static str,
    decision: DecisionType,
    /// Every one of these capabilities is selected.
    capabilities: &'static [Capability],
    /// The workflow collects an ID (the scenario's outcome is on the ID,
    /// or needs a face on it).
    on_id: bool,
}

use Capability as C;
use DecisionType::{Passed, Rejected, Warning};

/// The rules, in the order the starters are listed (the what-if matrix's
/// order of built-in scenarios). Sources: seed 004 ("How to Handle Workflow
/// Results"), seed 003's IDIV retrieval sample, domain.md "How the platform
/// decides"; `tests/expectations.rs` quotes each.
const RULES: &[StarterRule] = &[
    // Every workflow: nothing wrong, nothing refused.
    StarterRule {
        scenario: "ALL_PASS",
        decision: Passed,
        capabilities: &[],
        on_id: false,
    },
    // Seed 004: "A rejection in any single capability will result in a
    // rejection for the entire transaction."
    StarterRule {
        scenario: "BLURRED_ID",
        decision: Rejected,
        capabilities: &[C::Usability],
        on_id: true,
    },
    // Seed 004: "Jumio rejects photocopied documents by default."
    StarterRule {
        scenario: "PHOTOCOPY_ID",
        decision: Rejected,
        capabilities: &[C::Usability],
        on_id: true,
    },
    StarterRule {
        scenario: "FAKE_ID",
        decision: Rejected,
        capabilities: &[C::ImageChecks],
        on_id: false,
    },
    StarterRule {
        scenario: "DIGITAL_MANIPULATION",
        decision: Rejected,
        capabilities: &[C::ImageChecks],
        on_id: false,
    },
    // Seed 004: "Repeated faces result in “WARNING” decisions"; seed 003's
    // IDIV sample: image checks WARNING REPEATED_FACE, decision WARNING.
    // A face is found on an ID only (domain.md: a document has no face).
    StarterRule {
        scenario: "REPEATED_FACE",
        decision: Warning,
        capabilities: &[C::ImageChecks],
        on_id: true,
    },
    // Seed 004: a rejection in any single capability rejects (data checks
    // REJECTED MRZ_CHECKSUM, domain.md's labels).
    StarterRule {
        scenario: "MRZ_CHECKSUM",
        decision: Rejected,
        capabilities: &[C::DataChecks],
        on_id: false,
    },
    StarterRule {
        scenario: "LIVENESS_SPOOF",
        decision: Rejected,
        capabilities: &[C::Liveness],
        on_id: false,
    },
    // Seed 004: "By default, multiple people detection occurs during the
    // liveness detection capability" (liveness REJECTED MULTIPLE_PEOPLE).
    StarterRule {
        scenario: "MULTIPLE_PEOPLE",
        decision: Rejected,
        capabilities: &[C::Liveness],
        on_id: false,
    },
    StarterRule {
        scenario: "FACE_NO_MATCH",
        decision: Rejected,
        capabilities: &[C::Similarity],
        on_id: false,
    },
    // Seed 004: a rejection in any single capability rejects
    // (authentication REJECTED FAILED, domain.md's labels).
    StarterRule {
        scenario: "AUTHENTICATION_FAILED",
        decision: Rejected,
        capabilities: &[C::Authentication],
        on_id: false,
    },
];

/// The platform's own rules that apply to `workflow`, as expectations: only
/// for the capabilities it selects (FAKE_ID and DIGITAL_MANIPULATION
/// REJECTED where image checks run, FACE_NO_MATCH REJECTED where similarity
/// runs, ...), and ALL_PASS PASSED. Ids are the readable bases
/// (`fake_id_rejected`), made fresh against the workflow's own
/// expectations, so adding them to a workflow that has some never repeats
/// an id.
pub fn starter_expectations(workflow: &Workflow) -> Vec<Expectation> {
    let selected = workflow.capabilities();
    let collects_id = workflow.nodes.iter().any(
        |n| matches!(&n.kind, NodeKind::Acquisition(a) if a.category == CredentialCategory::Id),
    );
    let mut taken: Vec<String> = workflow.expectations.iter().map(|e| e.id.clone()).collect();
    let mut out = Vec::new();
    for rule in RULES {
        let applies =
            rule.capabilities.iter().all(|c| selected.contains(c)) && (!rule.on_id || collects_id);
        if !applies {
            continue;
        }
        let scenario = ScenarioRef::Builtin(rule.scenario.to_owned());
        let expect = Expected::Decision(rule.decision);
        let id = fresh_id(&expectation_id_base(&scenario, &expect), |id| {
            taken.iter().any(|t| t == id)
        });
        taken.push(id.clone());
        out.push(Expectation {
            id,
            scenario,
            expect,
        });
    }
    out
}

/// A standard workflow with the starter expectations it lacks (those whose
/// scenario and expected outcome none of its expectations states yet); what
/// it has is kept. For the Globals, which nobody edits: a custom copy
/// inherits what its Global had when it was copied, and an author's edit
/// or removal there is theirs (the loosening check asks about it), never
/// undone by topping the copy up.
pub fn with_starter_expectations(mut workflow: Workflow) -> Workflow {
    for starter in starter_expectations(&workflow) {
        let stated = workflow
            .expectations
            .iter()
            .any(|e| e.scenario.same_as(&starter.scenario) && e.expect == starter.expect);
        if !stated {
            workflow.expectations.push(starter);
        }
    }
    workflow
}
