//! `idflow render` and `idflow review`: a picture of a workflow, and the
//! review pack of A → B, drawn by the view crate (no window, no designer).

use std::path::Path;

use idflow_core::Workflow;
use idflow_view::review::ReviewSide;

use crate::exit;

/// Draws `workflow` (marked against `against` when given) to `output`,
/// .svg or .png, at `scale`.
pub fn picture(workflow: &Workflow, against: Option<&Workflow>, output: &Path, scale: f32) -> u8 {
    wrote(idflow_view::write(workflow, against, output, scale), output)
}

/// Writes the review pack of `a` → `b` to `output`.
pub fn review(a: &ReviewSide, b: &ReviewSide, output: &Path) -> u8 {
    wrote(idflow_view::review::write(a, b, output), output)
}

fn wrote(result: Result<(), idflow_view::RenderError>, output: &Path) -> u8 {
    match result {
        Ok(()) => {
            eprintln!("wrote {}", output.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::UNREADABLE
        }
    }
}
