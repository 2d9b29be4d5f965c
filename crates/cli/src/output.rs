//! How findings are printed: one line each, as compilers do, so editors and
//! CI annotate them.

use idflow_core::lint::Finding;

/// `PATH: SEVERITY CODE [node ID]: MESSAGE`
pub fn finding_line(path: &str, finding: &Finding) -> String {
    match &finding.node {
        Some(node) => format!(
            "{path}: {} {} [node {node}]: {}",
            finding.severity, finding.code, finding.message
        ),
        None => format!(
            "{path}: {} {}: {}",
            finding.severity, finding.code, finding.message
        ),
    }
}
