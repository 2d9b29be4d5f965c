//! Token owners remembered between requests, without letting a revoked
//! token through. What tells a server that a revocation happened depends on
//! the database:
//!
//! - **SQLite**: every revocation (by this server or by `idflow token
//!   revoke` in another process) rewrites a marker file beside the database
//!   after its commit, and every lookup first compares the marker's stamp
//!   with the one last seen (one `stat`, about a microsecond, where the
//!   database read it saves was a trip to a connection thread).
//! - **PostgreSQL** (replicas may run on other machines): every revocation
//!   sends `NOTIFY idflow_token_revocations` in its own transaction, so the
//!   notice leaves exactly when the revocation commits; each server listens
//!   on one connection of its own. Owners are trusted only while that
//!   connection listens: when it drops, everything is forgotten and every
//!   lookup reads the database until it listens again (notices sent in
//!   between are lost, and so is nothing else).
//!
//! Either way, a revocation forgets every owner, so the first request after
//! it returns is refused, as issue 13 asks (on another PostgreSQL replica:
//! once the notice arrives, milliseconds after the commit).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::role::Role;

/// A token's owner, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub name: String,
    pub role: Role,
}

/// The most owners kept (more tokens than any team has).
const KEPT: usize = 4096;

/// The PostgreSQL channel revocations are announced on.
pub(crate) const REVOCATIONS_CHANNEL: &str = "idflow_token_revocations";

/// What identifies one write of the marker.
type Stamp = (SystemTime, u64);

/// How this server learns of revocations.
#[derive(Debug)]
enum Freshness {
    /// The marker file beside a SQLite database.
    Marker(PathBuf),
    /// PostgreSQL notices: `true` while the listening connection is up.
    Notices(AtomicBool),
}

#[derive(Debug)]
pub(crate) struct TokenOwners {
    freshness: Freshness,
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

/// A lookup's view: the generation it may remember under, if the owners
/// may be trusted at all.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lookup(Option<u64>);

impl TokenOwners {
    /// For the SQLite database at `database`: the marker is
    /// `<database>.revocations`.
    pub(crate) fn beside(database: &Path) -> TokenOwners {
        let mut name = database.as_os_str().to_owned();
        name.push(".revocations");
        TokenOwners {
            freshness: Freshness::Marker(PathBuf::from(name)),
            state: RwLock::default(),
        }
    }

    /// For a PostgreSQL database: nothing is trusted until
    /// [`TokenOwners::listening`] says the notices flow.
    pub(crate) fn notified() -> TokenOwners {
        TokenOwners {
            freshness: Freshness::Notices(AtomicBool::new(false)),
            state: RwLock::default(),
        }
    }

    fn stamp(marker: &Path) -> std::io::Result<Option<Stamp>> {
        match std::fs::metadata(marker) {
            Ok(meta) => Ok(Some((meta.modified()?, meta.len()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Checks for revocations (forgetting every owner if one happened);
    /// the owner of `sha256` when it is remembered and may be trusted.
    pub(crate) fn look_up(&self, sha256: &str) -> (Option<TokenOwner>, Lookup) {
        let stamp = match &self.freshness {
            Freshness::Notices(listening) => {
                if !listening.load(Ordering::Acquire) {
                    return (None, Lookup(None));
                }
                let state = self.state.read().unwrap_or_else(|p| p.into_inner());
                return (
                    state.owners.get(sha256).cloned(),
                    Lookup(Some(state.forgotten)),
                );
            }
            Freshness::Marker(marker) => match Self::stamp(marker) {
                Ok(stamp) => stamp,
                // Cannot tell whether a revocation happened: read the database.
                Err(_) => return (None, Lookup(None)),
            },
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

    /// Whether owners may be kept now (on PostgreSQL: notices are heard).
    pub(crate) fn trusted(&self) -> bool {
        match &self.freshness {
            Freshness::Marker(_) => true,
            Freshness::Notices(listening) => listening.load(Ordering::Acquire),
        }
    }

    /// Forgets every owner (a revocation happened, or may have).
    pub(crate) fn forget(&self) {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        state.owners.clear();
        state.forgotten += 1;
    }

    /// PostgreSQL: whether the notices flow. Either change forgets every
    /// owner: going down, because notices may be lost from now on; coming
    /// up, because some may have been lost while down.
    pub(crate) fn listening(&self, up: bool) {
        if let Freshness::Notices(listening) = &self.freshness {
            self.forget();
            listening.store(up, Ordering::Release);
        }
    }

    /// A revocation was committed. On SQLite: rewrites the marker (every
    /// server on this file forgets its owners at its next lookup). Here,
    /// either way: forgets at once.
    pub(crate) fn revoked(&self) -> std::io::Result<()> {
        let Freshness::Marker(marker) = &self.freshness else {
            self.forget();
            return Ok(());
        };
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
        let previous = std::fs::read_to_string(marker).unwrap_or_default();
        let text = if previous.len().is_multiple_of(2) {
            format!("{nanos}\n")
        } else {
            format!("{nanos} \n")
        };
        std::fs::write(marker, text)
    }
}

/// Listens for revocations on PostgreSQL for as long as the pool is open,
/// telling `owners` when notices flow and when one arrives.
pub(crate) async fn listen_for_revocations(
    pool: sqlx::PgPool,
    owners: std::sync::Arc<TokenOwners>,
) {
    use sqlx::postgres::PgListener;
    let retry = std::time::Duration::from_secs(1);
    let mut listener = loop {
        match PgListener::connect_with(&pool).await {
            Ok(listener) => break listener,
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for token revocations yet: owners are read every request");
                tokio::time::sleep(retry).await;
            }
        }
    };
    listener.eager_reconnect(false);
    loop {
        // (Re)connects when needed, and only then is the channel heard.
        match listener.listen(REVOCATIONS_CHANNEL).await {
            Ok(()) => owners.listening(true),
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for token revocations: owners are read every request");
                tokio::time::sleep(retry).await;
                continue;
            }
        }
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => owners.forget(),
                Ok(None) => {
                    owners.listening(false);
                    break;
                }
                Err(sqlx::Error::PoolClosed) => {
                    owners.listening(false);
                    return;
                }
                Err(error) => {
                    owners.listening(false);
                    tracing::warn!(%error, "listening for token revocations failed: owners are read every request until it listens again");
                    tokio::time::sleep(retry).await;
                    break;
                }
            }
        }
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
