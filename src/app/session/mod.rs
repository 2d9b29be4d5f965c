//! The session: what talks to the outside. It owns the store (through the
//! worker thread), which store that is, its workflow list, the values
//! asked of it (drafts, versions, their list, comments), where and when
//! unsaved work is autosaved, and the designer's settings. The shell reads it and
//! asks it for calls, each with what the shell will do with the reply
//! (`A`: the shell's type; the session keeps it and hands it back with
//! the reply). No egui here: the shell says how to wake the UI.

pub mod autosave;
pub mod requested;
pub mod worker;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use idflow_core::Workflow;
use idflow_store::remote::REQUEST_TIMEOUT;
use idflow_store::{Comment, Draft, Origin, StoreError, VersionInfo, WorkflowSummary};

use super::jobs::Wake;
use super::link::{Link, OpenStore, StoreTarget};
use super::settings::Settings;
use crate::document::Document;
use autosave::Autosave;
pub use requested::{Ask, Requested};
use requested::{Place, Values};
use worker::{Answer, Call, Ticket, Worker};

/// What a call sent is for.
enum Waiting<A> {
    /// The shell's: it says what to do with the reply.
    Shell(A),
    /// A value asked of the store (the reply fills it).
    Value(Place),
}

/// A reply for the shell.
pub enum Replied<A> {
    /// The answer to a call the shell made, with what it is for.
    Answer(A, Result<Answer, StoreError>),
    /// A value asked of the store could not be read (it says so when
    /// read: `Requested::Failed`).
    ValueFailed(Ask, StoreError),
}

pub struct Session<A> {
    worker: Worker,
    /// The store calls go to (`link` says which).
    pub link: Link,
    /// The local store's folder: always there, also when working on a
    /// server, because unsaved work is autosaved on this machine.
    pub local_root: PathBuf,
    /// Where autosaved work of the current store goes.
    pub recovery_root: PathBuf,
    /// When unsaved work was last written there.
    pub autosave: Autosave,
    /// Why the team server could not be reached, while it cannot.
    pub offline: Option<String>,
    pub settings: Settings,
    /// `None`: settings are not persisted (tests, or a damaged file that
    /// must not be overwritten).
    pub settings_path: Option<PathBuf>,
    /// The last list the store gave (kept while a new one is asked for).
    pub workflows: Vec<WorkflowSummary>,
    /// What was asked of the store and what it answered.
    values: Values,
    /// Calls sent and what their replies are for, oldest first.
    pending: Vec<(Ticket, Waiting<A>)>,
    /// How long one request to a team server may take.
    pub request_timeout: Duration,
    /// The server the session failed to reach at start (Retry tries it).
    pub retry_target: Option<StoreTarget>,
}

impl<A> Session<A> {
    pub fn new(
        store: OpenStore,
        link: Link,
        local_root: PathBuf,
        recovery_root: PathBuf,
        workflows: Vec<WorkflowSummary>,
    ) -> Session<A> {
        Session {
            worker: Worker::start(store),
            link,
            local_root,
            recovery_root,
            autosave: Autosave::default(),
            offline: None,
            settings: Settings::default(),
            settings_path: None,
            workflows,
            values: Values::default(),
            pending: Vec::new(),
            request_timeout: REQUEST_TIMEOUT,
            retry_target: None,
        }
    }

    /// How the worker wakes the UI when a reply is ready.
    pub fn wake(&self) -> &Wake {
        self.worker.wake()
    }

    /// Sends `call`; its reply is handed back with `after`.
    pub fn call(&mut self, call: Call, after: A) {
        let ticket = self.worker.send(call);
        self.pending.push((ticket, Waiting::Shell(after)));
    }

    /// The next replies for the shell; never blocks. Replies to values
    /// asked of the store fill them here. When the worker is gone, every
    /// waiting call fails.
    pub fn next_reply(&mut self) -> Option<Vec<Replied<A>>> {
        let reply = self.worker.poll()?;
        if reply.ticket == 0 {
            let all: Vec<_> = self.pending.drain(..).collect();
            return Some(
                all.into_iter()
                    .filter_map(|(ticket, waiting)| {
                        self.replied(ticket, waiting, Err(worker::gone()))
                    })
                    .collect(),
            );
        }
        let Some(at) = self.pending.iter().position(|(t, _)| *t == reply.ticket) else {
            tracing::error!(ticket = reply.ticket, "a store reply nobody waits for");
            return Some(Vec::new());
        };
        let (ticket, waiting) = self.pending.remove(at);
        Some(
            self.replied(ticket, waiting, reply.result)
                .into_iter()
                .collect(),
        )
    }

    fn replied(
        &mut self,
        ticket: Ticket,
        waiting: Waiting<A>,
        result: Result<Answer, StoreError>,
    ) -> Option<Replied<A>> {
        match waiting {
            Waiting::Shell(after) => Some(Replied::Answer(after, result)),
            Waiting::Value(place) => {
                let failure = self.values.fill(place, ticket, result)?;
                self.failure_words(&failure);
                Some(Replied::ValueFailed(place.ask, failure))
            }
        }
    }

    /// Blocks until every call sent has its reply ready, at most `timeout`.
    /// For headless drivers between frames; the designer never calls it.
    pub fn wait(&mut self, timeout: Duration) -> bool {
        self.worker.wait(timeout)
    }

    /// Whether any call is waiting for its reply.
    pub fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether a call of the shell's that `what` picks is on its way.
    pub fn waiting(&self, what: impl Fn(&A) -> bool) -> bool {
        self.pending.iter().any(|(_, waiting)| match waiting {
            Waiting::Shell(after) => what(after),
            Waiting::Value(_) => false,
        })
    }

    /// The first call on its way that `what` finds something in.
    pub fn find_waiting<'a, T>(&'a self, what: impl Fn(&'a A) -> Option<T>) -> Option<T> {
        self.pending.iter().find_map(|(_, waiting)| match waiting {
            Waiting::Shell(after) => what(after),
            Waiting::Value(_) => None,
        })
    }

    /// The session now works on the store the last Connect opened: what
    /// was read of the one before is forgotten.
    pub fn moved_on(&mut self) {
        self.worker.moved_on();
        self.values = Values::default();
    }

    /// Sends the call that reads `place` (its reply fills it).
    fn send(worker: &mut Worker, pending: &mut Vec<(Ticket, Waiting<A>)>, place: Place) -> Ticket {
        let ticket = worker.send(place.ask.call());
        pending.push((ticket, Waiting::Value(place)));
        ticket
    }

    fn place(&self, ask: Ask) -> Place {
        Place {
            store: self.worker.epoch(),
            ask,
        }
    }

    /// The draft of `key` as stored (asked for on first use).
    pub fn draft(&mut self, key: u32) -> &Requested<Draft> {
        let place = self.place(Ask::Draft(key));
        let Session {
            values,
            worker,
            pending,
            ..
        } = self;
        values.draft(place.store, key, || Self::send(worker, pending, place))
    }

    /// Published version `number` of `key` (asked for on first use).
    pub fn version(&mut self, key: u32, number: u32) -> &Requested<Arc<Workflow>> {
        let place = self.place(Ask::Version(key, number));
        let Session {
            values,
            worker,
            pending,
            ..
        } = self;
        values.version(place.store, key, number, || {
            Self::send(worker, pending, place)
        })
    }

    /// The published versions of `key`, oldest first (asked for on first
    /// use).
    pub fn history(&mut self, key: u32) -> &Requested<Vec<VersionInfo>> {
        let place = self.place(Ask::History(key));
        let Session {
            values,
            worker,
            pending,
            ..
        } = self;
        values.history(place.store, key, || Self::send(worker, pending, place))
    }

    /// The published versions of `key` as far as they can be shown:
    /// `None` while the first answer is awaited; none when they could not
    /// be read (the shell said why when the answer came).
    pub fn versions(&mut self, key: u32) -> Option<&[VersionInfo]> {
        match self.history(key) {
            Requested::Ready(list) => Some(list),
            Requested::Failed(_) => Some(&[]),
            Requested::Pending(_) => None,
        }
    }

    /// The review comments of `key` (asked for on first use; while they
    /// are read again, the ones read before).
    pub fn comments(&mut self, key: u32) -> &Requested<Vec<Comment>> {
        let place = self.place(Ask::Comments(key));
        let Session {
            values,
            worker,
            pending,
            ..
        } = self;
        values.comments(place.store, key, || Self::send(worker, pending, place))
    }

    /// The comments as last read, without asking (for card badges).
    pub fn known_comments(&self, key: u32) -> &[Comment] {
        self.values
            .known_comments(self.worker.epoch(), key)
            .unwrap_or_default()
    }

    /// Reads the comments of `key` again (after a change), showing the
    /// ones read before meanwhile.
    pub fn refresh_comments(&mut self, key: u32) {
        let place = self.place(Ask::Comments(key));
        let Session {
            values,
            worker,
            pending,
            ..
        } = self;
        values.refresh(place, || Self::send(worker, pending, place));
    }

    /// Forgets the versions read (they are read again when next shown).
    pub fn forget_versions(&mut self) {
        self.values.forget_histories();
    }

    /// Forgets the drafts read (a comparison reads the stored draft anew).
    pub fn forget_drafts(&mut self) {
        self.values.forget_drafts();
    }

    /// Forgets what was read of workflows other than `key` (they are read
    /// anew when open again) and the versions' list of `key` too.
    pub fn open_on(&mut self, key: Option<u32>) {
        self.values.keep_only(self.worker.epoch(), key);
        self.values.forget_histories();
    }

    /// Writes `doc` to the recovery folder when it has unsaved work not
    /// yet written there; returns whether it wrote.
    pub fn autosave_now(&mut self, doc: &Document) -> bool {
        self.autosave.write(&self.recovery_root, doc)
    }

    /// Autosaves `doc` when it is time (`now`: seconds of the UI's
    /// clock); returns when to come back while there is unsaved work.
    pub fn autosave_tick(&mut self, doc: &Document, now: f64) -> Option<Duration> {
        self.autosave.tick(&self.recovery_root, doc, now)
    }

    /// Words a store failure; an unreachable server puts the session in
    /// offline mode (work goes on locally, autosaved) instead of failing.
    pub fn failure_words(&mut self, error: &StoreError) -> String {
        if matches!(error, StoreError::Unreachable { .. }) {
            self.offline = Some(error.to_string());
        }
        error.to_string()
    }

    /// Whether `key` is Global or custom, as the last list says.
    pub fn origin_of(&self, key: u32) -> Origin {
        self.workflows
            .iter()
            .find(|w| w.key == key)
            .map(|w| w.origin)
            .unwrap_or(Origin::Custom)
    }

    /// The store this session works on, as a place records it.
    pub fn place_server(&self) -> Option<String> {
        match self.link {
            Link::Local => None,
            _ => Some(self.settings.server_url.clone()),
        }
    }

    pub fn save_settings(&mut self) {
        if let Some(path) = &self.settings_path
            && let Err(e) = self.settings.save(path)
        {
            tracing::warn!("{e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idflow_store::{LocalStore, Store};

    fn session(dir: &std::path::Path) -> Session<&'static str> {
        let store = LocalStore::open(dir).expect("store");
        let workflows = store.list().expect("list");
        let root = dir.to_owned();
        Session::new(Box::new(store), Link::Local, root.clone(), root, workflows)
    }

    /// Every reply ready, after waiting for them all.
    fn replies(session: &mut Session<&'static str>) -> Vec<Replied<&'static str>> {
        assert!(session.wait(Duration::from_secs(30)), "the store answers");
        std::iter::from_fn(|| session.next_reply())
            .flatten()
            .collect()
    }

    #[test]
    fn values_are_asked_on_first_use_and_filled_by_the_reply_loop() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let mut session = session(dir.path());
        assert_eq!(session.history(10011), &Requested::Pending(None));
        assert_eq!(
            session.versions(10011),
            None,
            "pending: nothing to show yet"
        );
        assert!(session.busy());
        assert!(replies(&mut session).is_empty(), "nothing for the shell");
        assert!(!session.busy());
        let numbers: Vec<u32> = session
            .versions(10011)
            .expect("read")
            .iter()
            .map(|v| v.number)
            .collect();
        assert_eq!(numbers, [1], "a standard workflow is seeded as version 1");
        assert!(!session.busy(), "read once");
        let v1 = session.version(10011, 1).clone();
        assert!(v1.is_pending());
        assert!(replies(&mut session).is_empty());
        let workflow = session.version(10011, 1).ready().expect("version 1");
        assert_eq!(workflow.key, 10011);
    }

    #[test]
    fn a_value_that_cannot_be_read_says_why_and_the_shell_hears_of_it_once() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let mut session = session(dir.path());
        session.version(10011, 99);
        let heard = replies(&mut session);
        assert!(
            matches!(
                heard.as_slice(),
                [Replied::ValueFailed(Ask::Version(10011, 99), _)]
            ),
            "one failure for the shell"
        );
        let failure = session.version(10011, 99).failure().map(str::to_owned);
        assert!(
            failure.is_some_and(|words| words.contains("99")),
            "the store's words"
        );
        assert!(!session.busy(), "not asked again by itself");
    }

    #[test]
    fn a_call_of_the_shells_comes_back_with_what_it_is_for() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let mut session = session(dir.path());
        session.call(Call::List, "list");
        session.comments(10011);
        let heard = replies(&mut session);
        assert!(
            matches!(heard.as_slice(), [Replied::Answer("list", Ok(Answer::List(list)))] if !list.is_empty()),
            "the list for the shell, the comments kept"
        );
        assert_eq!(session.known_comments(10011), &[]);
        assert!(session.comments(10011).ready().is_some());
    }
}
