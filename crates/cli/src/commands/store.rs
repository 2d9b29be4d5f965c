use idflow_store::policy::Refusal;
use std::path::{Path, PathBuf};

use idflow_core::format::{Format, workflow_to_text};
use idflow_store::files::read_workflow_file;
use idflow_store::remote::RemoteStore;
use idflow_store::{LocalStore, Store, StoreError};

use crate::output::finding_line;
use crate::terminal::one_field;
use crate::{StoreCommand, exit};

/// `--store DIR` / `IDFLOW_STORE`, else the platform data folder.
pub fn resolve_store_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    explicit
        .map(Path::to_owned)
        .or_else(LocalStore::default_location)
}

/// Which store `idflow store ...` works on.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// The local folder (`--store DIR`, else the platform data folder).
    Local(Option<&'a Path>),
    /// The team server at `url` (`--server URL`), with `--token`.
    Server {
        url: &'a str,
        token: Option<&'a str>,
    },
}

fn exit_code(error: &StoreError) -> u8 {
    match error {
        StoreError::Corrupt { .. }
        | StoreError::Newer { .. }
        | StoreError::NewerServer { .. }
        | StoreError::Integrity { .. }
        | StoreError::Io { .. }
        | StoreError::Unreachable { .. }
        | StoreError::Server { .. }
        | StoreError::InvalidUrl { .. }
        | StoreError::InvalidToken { .. } => exit::UNREADABLE,
        StoreError::Policy(Refusal::NotFound { .. })
        | StoreError::Policy(Refusal::VersionNotFound { .. })
        | StoreError::Policy(Refusal::Conflict { .. })
        | StoreError::Policy(Refusal::ReadOnly { .. })
        | StoreError::Policy(Refusal::LintErrors { .. })
        | StoreError::KeysExhausted
        | StoreError::RevisionsExhausted { .. }
        | StoreError::Unauthorized { .. }
        | StoreError::Forbidden { .. }
        | StoreError::Policy(Refusal::NoteTooLong { .. })
        | StoreError::Refused { .. }
        | StoreError::Policy(Refusal::CommentNotFound { .. })
        | StoreError::Policy(Refusal::BadComment)
        | StoreError::Policy(Refusal::BadText { .. }) => exit::REFUSED,
    }
}

fn report(error: &StoreError) -> u8 {
    if let StoreError::Policy(Refusal::LintErrors { key, report }) = error {
        let place = format!("workflow {key} (draft)");
        for finding in report.errors() {
            eprintln!("{}", finding_line(&place, finding));
        }
    }
    eprintln!("error: {error}");
    exit_code(error)
}

/// Runs a store command on the local folder or, with `--server`, on the
/// team server's store; the commands are the same on both.
pub fn run(target: Target<'_>, command: StoreCommand) -> u8 {
    let store = match open(target) {
        Ok(store) => store,
        Err(code) => return code,
    };
    if let (Target::Server { .. }, StoreCommand::Approve { key, base_revision }) =
        (target, &command)
    {
        return match store.approve(*key, *base_revision) {
            Ok(approvers) => {
                println!("{}", one_field(&approvers.join(", ")));
                eprintln!("workflow {key}: revision {base_revision} approved");
                exit::OK
            }
            Err(e) => report(&e),
        };
    }
    match execute(store.as_ref(), command) {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

/// The store `target` names; on failure, says why and gives the exit code.
pub fn open(target: Target<'_>) -> Result<Box<dyn Store>, u8> {
    Ok(match target {
        Target::Local(store_dir) => {
            let Some(dir) = resolve_store_dir(store_dir) else {
                eprintln!(
                    "error: no home folder to keep the store in: pass --store DIR or set IDFLOW_STORE"
                );
                return Err(exit::UNREADABLE);
            };
            match LocalStore::open(&dir) {
                Ok(s) => Box::new(s),
                Err(e) => return Err(report(&e)),
            }
        }
        Target::Server { url, token } => {
            let Some(token) = token.filter(|t| !t.trim().is_empty()) else {
                eprintln!(
                    "error: --server {url} needs a token: pass --token TOKEN or set IDFLOW_TOKEN (the server's administrator creates one with `idflow token create`)"
                );
                return Err(exit::UNREADABLE);
            };
            match RemoteStore::new(url, token) {
                Ok(s) => Box::new(s),
                Err(e) => return Err(report(&e)),
            }
        }
    })
}

fn execute(store: &dyn Store, command: StoreCommand) -> Result<u8, StoreError> {
    match command {
        StoreCommand::List { archived } => {
            for s in store.list()?.into_iter().filter(|s| s.archived == archived) {
                let latest = s
                    .latest_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".to_owned());
                println!(
                    "{}\t{}\t{}\t{}\t{latest}",
                    s.key,
                    one_field(&s.name),
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
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    v.number,
                    one_field(&v.published_at),
                    one_field(&v.sha256),
                    v.revision,
                    one_field(&v.author),
                    one_field(&v.note),
                    one_field(&v.approved_by),
                    one_field(&v.authors.join(", "))
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
        StoreCommand::Publish {
            key,
            base_revision,
            note,
        } => {
            let info =
                store.publish_with_note(key, base_revision, note.as_deref().unwrap_or(""))?;
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
        StoreCommand::Archive { key } => {
            store.set_archived(key, true)?;
            eprintln!(
                "workflow {key}: archived (hidden from lists; `store list --archived` shows it, `store unarchive {key}` brings it back)"
            );
        }
        StoreCommand::Unarchive { key } => {
            store.set_archived(key, false)?;
            eprintln!("workflow {key}: listed again");
        }
        StoreCommand::Comments { key } => {
            for c in store.comments(key)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    c.id,
                    one_field(c.step.as_deref().unwrap_or("-")),
                    if c.resolved { "resolved" } else { "open" },
                    c.version
                        .map_or_else(|| "draft".to_owned(), |v| format!("v{v}")),
                    one_field(&c.author),
                    one_field(&c.at),
                    one_field(&c.text)
                );
            }
        }
        StoreCommand::Comment { key, step, text } => {
            let comment = store.add_comment(key, step.as_deref(), &text)?;
            println!("{}", comment.id);
            eprintln!("workflow {key}: comment {} added", comment.id);
        }
        StoreCommand::Resolve { key, id, reopen } => {
            let comment = store.set_resolved(key, id, !reopen)?;
            eprintln!(
                "workflow {key}: comment {} {}",
                comment.id,
                if comment.resolved {
                    "resolved"
                } else {
                    "reopened"
                }
            );
        }
        // On a server, `run` approves before coming here.
        StoreCommand::Approve { .. } => {
            eprintln!(
                "error: approving is a team server's four-eyes rule: use --server URL --token TOKEN"
            );
            return Ok(exit::REFUSED);
        }
    }
    Ok(exit::OK)
}
