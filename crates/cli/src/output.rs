//! How findings are printed: one line each, as compilers do, so editors and
//! CI annotate them.

use idflow_core::lint::Finding;

/// `PATH: SEVERITY CODE [node ID]: MESSAGE`, on one line, what a workflow
/// holds printed escaped (`terminal::printable`).
pub fn finding_line(path: &str, finding: &Finding) -> String {
    let line = match &finding.node {
        Some(node) => format!(
            "{path}: {} {} [node {node}]: {}",
            finding.severity, finding.code, finding.message
        ),
        None => format!(
            "{path}: {} {}: {}",
            finding.severity, finding.code, finding.message
        ),
    };
    crate::terminal::printable(&line).into_owned()
}
