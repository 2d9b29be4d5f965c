//! Which store the designer works on: the local folder (always there,
//! works offline) or the team server; opening it, and where unsaved work
//! on a server's workflows is kept. (The store selector is the browser's,
//! components.rs; the "Team server" window a dialog, dialogs.rs.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use idflow_store::remote::RemoteStore;
use idflow_store::{LocalStore, Store, StoreError};

/// The store the open session works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Local,
    Server { url: String },
}

/// Where the user asked to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreTarget {
    Local,
    Server { url: String, token: String },
}

/// The fields of the "Team server" window.
#[derive(Debug, Clone, Default)]
pub struct ServerForm {
    pub url: String,
    pub token: String,
    /// Why the last attempt failed.
    pub failure: Option<String>,
}

/// The store the worker owns: the local folder or a team server.
pub type OpenStore = Box<dyn Store + Send>;

/// Opens a store for `target`; a server's requests may take `timeout`
/// each. Makes no request: the caller's first one (a list) tells whether
/// the URL and token work.
pub fn open(
    target: &StoreTarget,
    local_root: &Path,
    timeout: Duration,
) -> Result<(OpenStore, Link, PathBuf), StoreError> {
    match target {
        StoreTarget::Local => Ok((
            Box::new(LocalStore::open(local_root)?),
            Link::Local,
            local_root.to_owned(),
        )),
        StoreTarget::Server { url, token } => {
            let remote = RemoteStore::new(url, token)?.with_request_timeout(timeout);
            let url = remote.base_url().to_owned();
            let recovery = server_recovery_root(local_root, &url);
            Ok((Box::new(remote), Link::Server { url }, recovery))
        }
    }
}

/// Unsaved work on a server workflow is autosaved on this machine, in the
/// local store's folder, apart per server (keys of different stores mean
/// different workflows).
pub fn server_recovery_root(local_root: &Path, url: &str) -> PathBuf {
    let slug: String = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    local_root.join(".servers").join(slug)
}

/// The host (and port) of a server URL, for display.
pub fn host_of(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split('/').next().unwrap_or(rest).to_owned()
}
