use std::path::Path;

use idflow_store::files::{format_of, read_workflow_file, write_workflow_file};

use crate::exit;

pub fn run(input: &Path, output: &Path) -> u8 {
    // Check the target's extension before reading, so a typo costs nothing.
    if let Err(error) = format_of(output) {
        eprintln!("error: {error}");
        return exit::UNREADABLE;
    }
    let workflow = match read_workflow_file(input) {
        Ok(w) => w,
        Err(error) => {
            eprintln!("error: {error}");
            return exit::UNREADABLE;
        }
    };
    match write_workflow_file(output, &workflow) {
        Ok(()) => exit::OK,
        Err(error) => {
            eprintln!("error: {error}");
            exit::UNREADABLE
        }
    }
}
