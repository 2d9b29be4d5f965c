//! Token owners remembered between requests on a SQLite database, without
//! letting a revoked token through: every revocation (by this server or by
//! `idflow token revoke` in another process) rewrites a marker file beside
//! the database after its commit, and every lookup first compares the
//! marker's stamp with the one last seen (one `stat`, about a microsecond,
//! where the database read it saves was a trip to a connection thread).
//! A changed stamp forgets every owner, so the first request after a
//! revocation returns is refused, as issue 13 asks.
//!
//! PostgreSQL servers do not use it: replicas may run on other machines,
//! where no file beside the database exists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use super::TokenOwner;

/// The most owners kept (more tokens than any team has).
const KEPT: usize = 4096;

/// What identifies one write of the marker.
type Stamp = (SystemTime, u64);

#[derive(Debug)]
pub(crate) struct TokenOwners {
    marker: PathBuf,
    state: RwLock<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The marker's stamp when `owners` was last trusted (`None`: no
    /// revocation yet).
    seen: Option<Stamp>,
    owners: HashMap<String, TokenOwner>,
    /// How many times `owners` was forgotten: a read that began before a
    /// forgetting is not remembered.
    forgotten: u64,
}

/// A lookup's view: the generation it may remember under, if the marker
/// could be read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lookup(Option<u64>);

impl TokenOwners {
    /// For the database at `database`: the marker is `<database>.revocations`.
    pub(crate) fn beside(database: &Path) -> TokenOwners {
        let mut name = database.as_os_str().to_owned();
        name.push(".revocations");
        TokenOwners {
            marker: PathBuf::from(name),
            state: RwLock::default(),
        }
    }

    fn stamp(&self) -> std::io::Result<Option<Stamp>> {
        match std::fs::metadata(&self.marker) {
            Ok(meta) => Ok(Some((meta.modified()?, meta.len()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Checks the marker (forgetting every owner if it changed); the owner
    /// of `sha256` when it is remembered and may be trusted.
    pub(crate) fn look_up(&self, sha256: &str) -> (Option<TokenOwner>, Lookup) {
        let Ok(stamp) = self.stamp() else {
            // Cannot tell whether a revocation happened: read the database.
            return (None, Lookup(None));
        };
        {
            let state = self.state.read().unwrap_or_else(|p| p.into_inner());
            if state.seen == stamp {
                return (
                    state.owners.get(sha256).cloned(),
                    Lookup(Some(state.forgotten)),
                );
            }
        }
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        if state.seen != stamp {
            state.owners.clear();
            state.forgotten += 1;
            state.seen = stamp;
        }
        (None, Lookup(Some(state.forgotten)))
    }

    /// Remembers an owner read from the database, unless the owners were
    /// forgotten since the lookup began (a revocation may have come
    /// between).
    pub(crate) fn remember(&self, sha256: &str, owner: &TokenOwner, lookup: Lookup) {
        let Lookup(Some(generation)) = lookup else {
            return;
        };
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        if state.forgotten != generation {
            return;
        }
        if state.owners.len() >= KEPT {
            state.owners.clear();
        }
        state.owners.insert(sha256.to_owned(), owner.clone());
    }

    /// A revocation was committed: rewrites the marker (every server on
    /// this file forgets its owners at its next lookup) and forgets here.
    pub(crate) fn revoked(&self) -> std::io::Result<()> {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        {
            let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
            state.owners.clear();
            state.forgotten += 1;
            // Not trusted until the new stamp is read back.
            state.seen = Some((SystemTime::UNIX_EPOCH, u64::MAX));
        }
        // The length changes with the text, so a coarse clock cannot hide
        // two revocations in one tick.
        let previous = std::fs::read_to_string(&self.marker).unwrap_or_default();
        let text = if previous.len().is_multiple_of(2) {
            format!("{nanos}\n")
        } else {
            format!("{nanos} \n")
        };
        std::fs::write(&self.marker, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    fn owner(name: &str) -> TokenOwner {
        TokenOwner {
            name: name.to_owned(),
            role: Role::Designer,
        }
    }

    #[test]
    fn a_revocation_anywhere_forgets_every_owner() {
        let dir = tempfile::tempdir().expect("tmp");
        let database = dir.path().join("server.sqlite");
        let server = TokenOwners::beside(&database);
        let (none, lookup) = server.look_up("h");
        assert_eq!(none, None);
        server.remember("h", &owner("alice"), lookup);
        assert_eq!(server.look_up("h").0, Some(owner("alice")));

        // Another process (its own TokenOwners on the same file) revokes.
        TokenOwners::beside(&database).revoked().expect("marker");
        assert_eq!(
            server.look_up("h").0,
            None,
            "forgotten after a revocation elsewhere"
        );
        let (_, lookup) = server.look_up("h");
        server.remember("h", &owner("alice"), lookup);
        assert_eq!(server.look_up("h").0, Some(owner("alice")));

        // A read that began before a revocation is not remembered.
        let (_, stale) = server.look_up("h2");
        server.revoked().expect("marker");
        server.remember("h2", &owner("bob"), stale);
        assert_eq!(server.look_up("h2").0, None);
        assert_eq!(
            server.look_up("h").0,
            None,
            "this server's own revocation forgets too"
        );
    }
}
