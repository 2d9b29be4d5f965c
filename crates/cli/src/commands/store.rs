use std::path::{Path, PathBuf};

use idflow_core::format::{Format, workflow_to_text};
use idflow_store::files::read_workflow_file;
use idflow_store::{LocalStore, Store, StoreError};

use crate::output::finding_line;
use crate::{StoreCommand, exit};

/// `--store DIR` / `IDFLOW_STORE`, else the platform data folder.
pub fn resolve_store_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit
        .map(Path::to_owned)
        .or_else(LocalStore::default_location)
}

fn exit_code(error: &StoreError) -> u8 {
    match error {
        StoreError::Corrupt { .. } | StoreError::Integrity { .. } | StoreError::Io { .. } => {
            exit::UNREADABLE
        }
        _ => exit::REFUSED,
    }
}

fn report(error: &StoreError) -> u8 {
    if let StoreError::LintErrors { key, report } = error {
        let place = format!("workflow {key} (draft)");
        for finding in report.errors() {
            eprintln!("{}", finding_line(&place, finding));
        }
    }
    eprintln!("error: {error}");
    exit_code(error)
}

pub fn run(store_dir: Option<&Path>, command: StoreCommand) -> u8 {
    let Some(dir) = resolve_store_dir(store_dir) else {
        eprintln!(
            "error: no home folder to keep the store in: pass --store DIR or set IDFLOW_STORE"
        );
        return exit::UNREADABLE;
    };
    let store = match LocalStore::open(&dir) {
        Ok(s) => s,
        Err(e) => return report(&e),
    };
    match execute(&store, command) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

fn execute(store: &LocalStore, command: StoreCommand) -> Result<u8, StoreError> {
    match command {
        StoreCommand::List => {
            for s in store.list()? {
                let latest = s
                    .latest_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".to_owned());
                println!(
                    "{}\t{}\t{}\t{}\t{latest}",
                    s.key,
                    s.name,
                    s.origin.as_str(),
                    s.status.as_str()
                );
            }
        }
        StoreCommand::Show { key, version: None } => {
            let draft = store.draft(key)?;
            eprintln!("workflow {key}: draft at revision {}", draft.revision);
            print!("{}", workflow_to_text(&draft.workflow, Format::Ron));
        }
        StoreCommand::Show {
            key,
            version: Some(n),
        } => {
            let v = store.version(key, n)?;
            eprintln!(
                "workflow {key}: version {n}, published {}",
                v.info.published_at
            );
            print!("{}", workflow_to_text(&v.workflow, Format::Ron));
        }
        StoreCommand::History { key } => {
            for v in store.history(key)? {
                println!(
                    "{}\t{}\t{}\t{}",
                    v.number, v.published_at, v.sha256, v.revision
                );
            }
        }
        StoreCommand::Import { file } => {
            let workflow = match read_workflow_file(&file) {
                Ok(w) => w,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(exit::UNREADABLE);
                }
            };
            println!("{}", store.create(workflow)?);
        }
        StoreCommand::Save {
            key,
            file,
            base_revision,
        } => {
            let workflow = match read_workflow_file(&file) {
                Ok(w) => w,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(exit::UNREADABLE);
                }
            };
            let revision = store.save_draft(key, &workflow, base_revision)?;
            println!("{revision}");
            eprintln!("workflow {key}: draft saved at revision {revision}");
        }
        StoreCommand::Publish { key, base_revision } => {
            let info = store.publish(key, base_revision)?;
            println!("{}", info.number);
            eprintln!(
                "workflow {key}: published version {} ({})",
                info.number, info.sha256
            );
        }
        StoreCommand::Duplicate { key, version } => {
            println!("{}", store.duplicate(key, version)?);
        }
        StoreCommand::Restore {
            key,
            version,
            base_revision,
        } => {
            let revision = store.restore(key, version, base_revision)?;
            println!("{revision}");
            eprintln!(
                "workflow {key}: version {version} restored as the draft, revision {revision}"
            );
        }
    }
    Ok(exit::OK)
}
