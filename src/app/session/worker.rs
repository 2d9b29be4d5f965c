//! The one thread that talks to the store (the local folder or a team
//! server). The UI thread sends it calls and reads its replies between
//! frames, so a slow or silent server never holds a frame up.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use idflow_core::Workflow;
use idflow_store::remote::RemoteStore;
use idflow_store::{Draft, Revision, Store, StoreError, VersionInfo, Versioned, WorkflowSummary};

use crate::app::jobs::{Ended, Job, Reporter, Wake};
use crate::app::link::{self, Link, OpenStore, StoreTarget};

/// Names one call, so its reply finds what was waiting for it.
pub type Ticket = u64;

/// What the worker is asked to do.
#[derive(Debug)]
pub enum Call {
    List,
    Draft(u32),
    Version(u32, u32),
    History(u32),
    Create(Workflow),
    Save {
        key: u32,
        workflow: Box<Workflow>,
        base: Revision,
    },
    Publish {
        key: u32,
        base: Revision,
        note: String,
        /// The display name (local store only).
        author: String,
    },
    Duplicate {
        key: u32,
        version: Option<u32>,
    },
    Restore {
        key: u32,
        version: u32,
        base: Revision,
    },
    SetArchived {
        key: u32,
        archived: bool,
    },
    Comments(u32),
    /// A comment by `author` (the local store's display name; a server
    /// names the token).
    AddComment {
        key: u32,
        step: Option<String>,
        text: String,
        author: String,
    },
    SetResolved {
        key: u32,
        id: u64,
        resolved: bool,
    },
    /// Four eyes: approve revision `base` (team servers only).
    Approve {
        key: u32,
        base: Revision,
    },
    /// Work on another store from now on (kept only if it answers).
    Connect {
        target: StoreTarget,
        local_root: PathBuf,
        timeout: Duration,
    },
    /// Add a workflow to a team server other than the store worked on.
    CopyToServer {
        url: String,
        token: String,
        workflow: Box<Workflow>,
        timeout: Duration,
    },
}

/// What a call gave back.
#[derive(Debug)]
pub enum Answer {
    List(Vec<WorkflowSummary>),
    Draft(Draft),
    Version(Box<Versioned>),
    History(Vec<VersionInfo>),
    Key(u32),
    Revision(Revision),
    Published(VersionInfo),
    Done,
    /// Everyone who approved a revision.
    Approvers(Vec<String>),
    Comments(Vec<idflow_store::Comment>),
    Comment(idflow_store::Comment),
    Connected {
        link: Link,
        recovery_root: PathBuf,
        workflows: Vec<WorkflowSummary>,
    },
    /// Not done: the call was meant for the store worked on before the
    /// last Connect (keys of different stores are different workflows).
    Skipped,
}

#[derive(Debug)]
pub struct Reply {
    pub ticket: Ticket,
    pub result: Result<Answer, StoreError>,
}

/// A call, its ticket, and the store (by epoch) it was meant for.
struct Envelope {
    ticket: Ticket,
    epoch: u64,
    call: Call,
}

/// The UI thread's end of the worker.
pub struct Worker {
    calls: Sender<Envelope>,
    /// Which store calls are meant for: counts the Connects applied.
    epoch: u64,
    /// The thread, and the replies it sends.
    replies: Job<Reply>,
    /// Replies already taken off the job (by `wait`), not yet handed out.
    received: VecDeque<Reply>,
    in_flight: usize,
    next_ticket: Ticket,
    /// Woken when a reply is ready, so the UI sleeps until then.
    wake: Wake,
}

impl Worker {
    /// Starts the thread, owning `store`.
    pub fn start(store: OpenStore) -> Worker {
        let (calls, inbox) = channel::<Envelope>();
        let wake = Wake::default();
        let replies = match Job::spawn("idflow-store", &wake, move |replies| {
            serve(store, inbox, replies)
        }) {
            Ok(job) => job,
            Err(e) => {
                // Without a thread every call fails at once (the channel is
                // closed), which `poll` reports; nothing hangs.
                tracing::error!("the store thread could not be started: {e}");
                Job::ended()
            }
        };
        Worker {
            calls,
            epoch: 0,
            replies,
            received: VecDeque::new(),
            in_flight: 0,
            next_ticket: 1,
            wake,
        }
    }

    /// How to wake the UI when a reply arrives (set on the first frame).
    pub fn wake(&self) -> &Wake {
        &self.wake
    }

    pub fn send(&mut self, call: Call) -> Ticket {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.in_flight += 1;
        let envelope = Envelope {
            ticket,
            epoch: self.epoch,
            call,
        };
        if self.calls.send(envelope).is_err() {
            self.received.push_back(Reply {
                ticket,
                result: Err(gone()),
            });
        }
        ticket
    }

    /// The session now works on the store the last Connect opened: calls
    /// from now on are meant for it.
    pub fn moved_on(&mut self) {
        self.epoch += 1;
    }

    /// Which store calls are meant for now: counts the Connects applied.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Calls sent whose replies were not handed out yet.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// The next reply, if one is ready; never blocks.
    pub fn poll(&mut self) -> Option<Reply> {
        let reply = match self.received.pop_front() {
            Some(reply) => Some(reply),
            None => match self.replies.try_next() {
                Ok(reply) => reply,
                Err(Ended) if self.in_flight > 0 => {
                    // The thread is gone: every call still waiting fails
                    // (ticket 0 stands for all of them).
                    self.in_flight = 1;
                    Some(Reply {
                        ticket: 0,
                        result: Err(gone()),
                    })
                }
                Err(Ended) => None,
            },
        };
        if reply.is_some() {
            self.in_flight = self.in_flight.saturating_sub(1);
        }
        reply
    }

    /// Blocks until every call sent so far has its reply ready (or
    /// `timeout` passes); returns whether they all have. For headless
    /// drivers (tests, scripts) between frames, never inside one.
    pub fn wait(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while self.received.len() < self.in_flight {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.replies.next_within(left) {
                Ok(Some(reply)) => self.received.push_back(reply),
                Ok(None) => return false,
                Err(Ended) => return true,
            }
        }
        true
    }
}

/// The error of a call the worker can no longer answer.
pub fn gone() -> StoreError {
    StoreError::Unreachable {
        url: "the store thread".into(),
        message: "it stopped".into(),
    }
}

fn serve(mut store: OpenStore, inbox: Receiver<Envelope>, replies: Reporter<Reply>) {
    let mut epoch = 0;
    for Envelope {
        ticket,
        epoch: meant_for,
        call,
    } in inbox
    {
        let result = match call {
            Call::CopyToServer { .. } => run(&mut store, call),
            _ if meant_for != epoch => Ok(Answer::Skipped),
            _ => {
                let result = run(&mut store, call);
                if matches!(result, Ok(Answer::Connected { .. })) {
                    epoch += 1;
                }
                result
            }
        };
        if !replies.send(Reply { ticket, result }) {
            return;
        }
    }
}

fn run(store: &mut OpenStore, call: Call) -> Result<Answer, StoreError> {
    Ok(match call {
        Call::List => Answer::List(store.list()?),
        Call::Draft(key) => Answer::Draft(store.draft(key)?),
        Call::Version(key, number) => Answer::Version(Box::new(store.version(key, number)?)),
        Call::History(key) => Answer::History(store.history(key)?),
        Call::Create(workflow) => Answer::Key(store.create(workflow)?),
        Call::Save {
            key,
            workflow,
            base,
        } => Answer::Revision(store.save_draft(key, &workflow, base)?),
        Call::Publish {
            key,
            base,
            note,
            author,
        } => {
            store.set_author(&author);
            Answer::Published(store.publish_with_note(key, Some(base), &note)?)
        }
        Call::Duplicate { key, version } => Answer::Key(store.duplicate(key, version)?),
        Call::Restore { key, version, base } => {
            Answer::Revision(store.restore(key, version, base)?)
        }
        Call::Comments(key) => Answer::Comments(store.comments(key)?),
        Call::AddComment {
            key,
            step,
            text,
            author,
        } => {
            store.set_author(&author);
            Answer::Comment(store.add_comment(key, step.as_deref(), &text)?)
        }
        Call::SetResolved { key, id, resolved } => {
            Answer::Comment(store.set_resolved(key, id, resolved)?)
        }
        Call::Approve { key, base } => Answer::Approvers(store.approve(key, base)?),
        Call::SetArchived { key, archived } => {
            store.set_archived(key, archived)?;
            Answer::Done
        }
        Call::Connect {
            target,
            local_root,
            timeout,
        } => {
            let (opened, link, recovery_root) = link::open(&target, &local_root, timeout)?;
            let workflows = opened.list()?;
            *store = opened;
            Answer::Connected {
                link,
                recovery_root,
                workflows,
            }
        }
        Call::CopyToServer {
            url,
            token,
            workflow,
            timeout,
        } => Answer::Key(
            RemoteStore::new(&url, &token)?
                .with_request_timeout(timeout)
                .create(*workflow)?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use idflow_store::LocalStore;
    use idflow_store::policy::Refusal;

    fn local_worker(dir: &std::path::Path) -> Worker {
        Worker::start(Box::new(LocalStore::open(dir).expect("store")))
    }

    #[test]
    fn replies_come_in_the_order_the_calls_were_sent_and_wait_sees_them_all() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let mut worker = local_worker(dir.path());
        let list = worker.send(Call::List);
        let copy = worker.send(Call::Duplicate {
            key: 10011,
            version: None,
        });
        let missing = worker.send(Call::Draft(999_999));
        assert_eq!(worker.in_flight(), 3);
        assert!(worker.wait(Duration::from_secs(30)));
        let replies: Vec<Reply> = std::iter::from_fn(|| worker.poll()).collect();
        assert_eq!(
            replies.iter().map(|r| r.ticket).collect::<Vec<_>>(),
            [list, copy, missing]
        );
        assert!(matches!(replies[0].result, Ok(Answer::List(ref l)) if !l.is_empty()));
        assert!(matches!(replies[1].result, Ok(Answer::Key(200000))));
        assert!(matches!(
            replies[2].result,
            Err(StoreError::Policy(Refusal::NotFound { key: 999_999 }))
        ));
        assert_eq!(worker.in_flight(), 0);
        assert!(worker.poll().is_none());
    }

    #[test]
    fn calls_meant_for_the_store_before_a_connect_are_skipped() {
        let dir = tempfile::TempDir::new().expect("tmp");
        let other = tempfile::TempDir::new().expect("tmp");
        let mut worker = local_worker(dir.path());
        worker.send(Call::Connect {
            target: StoreTarget::Local,
            local_root: other.path().to_owned(),
            timeout: Duration::from_secs(1),
        });
        // Sent before the UI learnt of the switch: meant for the first store.
        worker.send(Call::Duplicate {
            key: 10011,
            version: None,
        });
        assert!(worker.wait(Duration::from_secs(30)));
        assert!(matches!(
            worker.poll().map(|r| r.result),
            Some(Ok(Answer::Connected { .. }))
        ));
        assert!(matches!(
            worker.poll().map(|r| r.result),
            Some(Ok(Answer::Skipped))
        ));
        worker.moved_on();
        worker.send(Call::List);
        assert!(worker.wait(Duration::from_secs(30)));
        let Some(Ok(Answer::List(list))) = worker.poll().map(|r| r.result) else {
            panic!("a list");
        };
        assert!(
            list.iter().all(|w| w.key != 200000),
            "the skipped duplicate was not made"
        );
        for store in [dir.path(), other.path()] {
            let keys: Vec<u32> = LocalStore::open(store)
                .expect("store")
                .list()
                .expect("list")
                .iter()
                .map(|w| w.key)
                .collect();
            assert!(!keys.contains(&200000), "{keys:?}");
        }
    }
}
