//! Values asked of the store (a draft, a published version, the list of
//! versions, the comments): asked for on first use, filled in by the
//! reply loop, kept per store, workflow and version. A panel reads one
//! every frame and shows what it is: pending (with the value read before,
//! if any), ready, or failed with the store's words.

use std::collections::HashMap;
use std::sync::Arc;

use idflow_core::Workflow;
use idflow_store::{Comment, Draft, StoreError, VersionInfo};

use super::worker::{Answer, Call};

/// A value asked of the store.
#[derive(Debug, Clone, PartialEq)]
pub enum Requested<T> {
    /// Asked, not answered yet; the value read before, if any, meanwhile.
    Pending(Option<T>),
    Ready(T),
    /// The store could not give it: why, in words.
    Failed(String),
}

impl<T> Requested<T> {
    /// The value, once the store gave it.
    pub fn ready(&self) -> Option<&T> {
        match self {
            Requested::Ready(value) => Some(value),
            _ => None,
        }
    }

    /// The value as last read: the answer, or while a new one is awaited
    /// the one before it.
    pub fn latest(&self) -> Option<&T> {
        match self {
            Requested::Ready(value) | Requested::Pending(Some(value)) => Some(value),
            _ => None,
        }
    }

    /// Why the store could not give it.
    pub fn failure(&self) -> Option<&str> {
        match self {
            Requested::Failed(message) => Some(message),
            _ => None,
        }
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, Requested::Pending(_))
    }
}

/// Which value: what of which workflow (and which version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ask {
    /// The draft of a workflow, as stored.
    Draft(u32),
    /// Published version `.1` of workflow `.0`.
    Version(u32, u32),
    /// The published versions of a workflow, oldest first.
    History(u32),
    /// The review comments of a workflow.
    Comments(u32),
}

impl Ask {
    /// The workflow it is of.
    pub fn key(self) -> u32 {
        match self {
            Ask::Draft(key) | Ask::Version(key, _) | Ask::History(key) | Ask::Comments(key) => key,
        }
    }

    /// The store call that reads it.
    pub fn call(self) -> Call {
        match self {
            Ask::Draft(key) => Call::Draft(key),
            Ask::Version(key, number) => Call::Version(key, number),
            Ask::History(key) => Call::History(key),
            Ask::Comments(key) => Call::Comments(key),
        }
    }
}

/// Where a value is kept: the store it came from (keys of different
/// stores are different workflows) and what it is of (the workflow, the
/// version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub store: u64,
    pub ask: Ask,
}

/// Names the call that was sent for a value: only its answer fills it (an
/// earlier call's answer may be older than a change since).
pub type Ticket = u64;

struct Slot<T> {
    value: Requested<T>,
    /// The call whose answer is awaited, while one is.
    awaited: Option<Ticket>,
}

/// The values of one kind, by place.
struct Shelf<T> {
    slots: HashMap<Place, Slot<T>>,
}

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Shelf {
            slots: HashMap::new(),
        }
    }
}

impl<T> Shelf<T> {
    /// The value at `place`, asked for with `send` on first use.
    fn request(&mut self, place: Place, send: impl FnOnce() -> Ticket) -> &Requested<T> {
        let slot = self.slots.entry(place).or_insert_with(|| Slot {
            value: Requested::Pending(None),
            awaited: Some(send()),
        });
        &slot.value
    }

    fn peek(&self, place: Place) -> Option<&Requested<T>> {
        self.slots.get(&place).map(|slot| &slot.value)
    }

    /// Asks again, keeping the value read so far until the answer.
    fn refresh(&mut self, place: Place, send: impl FnOnce() -> Ticket) {
        let previous = match self.slots.remove(&place).map(|slot| slot.value) {
            Some(Requested::Ready(value) | Requested::Pending(Some(value))) => Some(value),
            _ => None,
        };
        self.slots.insert(
            place,
            Slot {
                value: Requested::Pending(previous),
                awaited: Some(send()),
            },
        );
    }

    /// The answer to call `ticket`, if its value still awaits it.
    fn fill(&mut self, place: Place, ticket: Ticket, value: Result<T, String>) {
        if let Some(slot) = self.slots.get_mut(&place)
            && slot.awaited == Some(ticket)
        {
            slot.awaited = None;
            slot.value = match value {
                Ok(value) => Requested::Ready(value),
                Err(message) => Requested::Failed(message),
            };
        }
    }

    /// An answer that will not come (the call was meant for the store
    /// before): the value is asked for again on its next use.
    fn lost(&mut self, place: Place, ticket: Ticket) {
        if self.slots.get(&place).and_then(|slot| slot.awaited) == Some(ticket) {
            self.slots.remove(&place);
        }
    }

    fn retain(&mut self, keep: impl Fn(&Place) -> bool) {
        self.slots.retain(|place, _| keep(place));
    }
}

/// Every value asked of the store, by kind.
#[derive(Default)]
pub struct Values {
    drafts: Shelf<Draft>,
    versions: Shelf<Arc<Workflow>>,
    histories: Shelf<Vec<VersionInfo>>,
    comments: Shelf<Vec<Comment>>,
}

impl Values {
    /// The draft of `key` in `store`, asked for with `send` on first use.
    pub fn draft(
        &mut self,
        store: u64,
        key: u32,
        send: impl FnOnce() -> Ticket,
    ) -> &Requested<Draft> {
        self.drafts.request(
            Place {
                store,
                ask: Ask::Draft(key),
            },
            send,
        )
    }

    pub fn version(
        &mut self,
        store: u64,
        key: u32,
        number: u32,
        send: impl FnOnce() -> Ticket,
    ) -> &Requested<Arc<Workflow>> {
        let ask = Ask::Version(key, number);
        self.versions.request(Place { store, ask }, send)
    }

    pub fn history(
        &mut self,
        store: u64,
        key: u32,
        send: impl FnOnce() -> Ticket,
    ) -> &Requested<Vec<VersionInfo>> {
        self.histories.request(
            Place {
                store,
                ask: Ask::History(key),
            },
            send,
        )
    }

    pub fn comments(
        &mut self,
        store: u64,
        key: u32,
        send: impl FnOnce() -> Ticket,
    ) -> &Requested<Vec<Comment>> {
        self.comments.request(
            Place {
                store,
                ask: Ask::Comments(key),
            },
            send,
        )
    }

    /// The comments as last read, without asking.
    pub fn known_comments(&self, store: u64, key: u32) -> Option<&[Comment]> {
        self.comments
            .peek(Place {
                store,
                ask: Ask::Comments(key),
            })
            .and_then(Requested::latest)
            .map(Vec::as_slice)
    }

    /// Asks for `place` again with `send`, its value kept until the answer.
    pub fn refresh(&mut self, place: Place, send: impl FnOnce() -> Ticket) {
        match place.ask {
            Ask::Draft(_) => self.drafts.refresh(place, send),
            Ask::Version(..) => self.versions.refresh(place, send),
            Ask::History(_) => self.histories.refresh(place, send),
            Ask::Comments(_) => self.comments.refresh(place, send),
        }
    }

    /// Forgets every workflow's list of versions (read again when next
    /// used, from nothing).
    pub fn forget_histories(&mut self) {
        self.histories.retain(|_| false);
    }

    /// Forgets the drafts read (the next use reads them anew).
    pub fn forget_drafts(&mut self) {
        self.drafts.retain(|_| false);
    }

    /// Keeps only the values of workflow `key` in `store`: another
    /// workflow's are read anew when it is open again.
    pub fn keep_only(&mut self, store: u64, key: Option<u32>) {
        let keep = |place: &Place| place.store == store && Some(place.ask.key()) == key;
        self.drafts.retain(keep);
        self.versions.retain(keep);
        self.histories.retain(keep);
        self.comments.retain(keep);
    }

    /// Puts the store's answer to call `ticket` where it is awaited;
    /// returns the store's error when it failed.
    pub fn fill(
        &mut self,
        place: Place,
        ticket: Ticket,
        answer: Result<Answer, StoreError>,
    ) -> Option<StoreError> {
        let answer = match answer {
            Ok(Answer::Skipped) => {
                match place.ask {
                    Ask::Draft(_) => self.drafts.lost(place, ticket),
                    Ask::Version(..) => self.versions.lost(place, ticket),
                    Ask::History(_) => self.histories.lost(place, ticket),
                    Ask::Comments(_) => self.comments.lost(place, ticket),
                }
                return None;
            }
            Ok(answer) => answer,
            Err(e) => {
                let message = e.to_string();
                match place.ask {
                    Ask::Draft(_) => self.drafts.fill(place, ticket, Err(message)),
                    Ask::Version(..) => self.versions.fill(place, ticket, Err(message)),
                    Ask::History(_) => self.histories.fill(place, ticket, Err(message)),
                    Ask::Comments(_) => self.comments.fill(place, ticket, Err(message)),
                }
                return Some(e);
            }
        };
        match (place.ask, answer) {
            (Ask::Draft(_), Answer::Draft(draft)) => self.drafts.fill(place, ticket, Ok(draft)),
            (Ask::Version(..), Answer::Version(v)) => {
                self.versions.fill(place, ticket, Ok(Arc::new(v.workflow)))
            }
            (Ask::History(_), Answer::History(list)) => {
                self.histories.fill(place, ticket, Ok(list))
            }
            (Ask::Comments(_), Answer::Comments(list)) => {
                self.comments.fill(place, ticket, Ok(list))
            }
            (ask, answer) => {
                tracing::error!(?ask, ?answer, "a store reply of the wrong kind");
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use idflow_store::policy::Refusal;

    fn history(numbers: &[u32]) -> Vec<VersionInfo> {
        numbers
            .iter()
            .map(|&number| VersionInfo {
                number,
                published_at: "2025-01-01T00:00:00Z".to_owned(),
                sha256: String::new(),
                revision: 1,
                note: String::new(),
                author: String::new(),
                approved_by: String::new(),
                authors: Vec::new(),
            })
            .collect()
    }

    fn place(ask: Ask) -> Place {
        Place { store: 0, ask }
    }

    /// Sends nothing: fails the test if a value is asked for.
    fn asked_already() -> Ticket {
        panic!("asked a second time")
    }

    #[test]
    fn a_value_is_asked_once_then_filled_by_its_answer() {
        let mut values = Values::default();
        let mut sent = 0;
        let read = values.history(0, 7, || {
            sent += 1;
            1
        });
        assert_eq!(read, &Requested::Pending(None));
        assert_eq!(
            values.history(0, 7, asked_already),
            &Requested::Pending(None)
        );
        assert_eq!(sent, 1);
        let answer = Ok(Answer::History(history(&[1, 2])));
        assert!(values.fill(place(Ask::History(7)), 1, answer).is_none());
        let read = values.history(0, 7, asked_already);
        assert_eq!(read.ready().map(Vec::len), Some(2));
    }

    #[test]
    fn a_refresh_keeps_the_value_read_until_its_own_answer_comes() {
        let mut values = Values::default();
        values.comments(0, 7, || 1);
        let first = Ok(Answer::Comments(Vec::new()));
        values.fill(place(Ask::Comments(7)), 1, first);
        values.refresh(place(Ask::Comments(7)), || 2);
        values.refresh(place(Ask::Comments(7)), || 3);
        assert_eq!(
            values.comments(0, 7, asked_already),
            &Requested::Pending(Some(Vec::new()))
        );
        assert_eq!(values.known_comments(0, 7), Some(&[][..]));
        // The answer to the call before the last refresh is older than it.
        let comment = idflow_store::Comment {
            id: 1,
            step: None,
            text: "why?".to_owned(),
            author: "ada".to_owned(),
            at: "2025-01-01T00:00:00Z".to_owned(),
            resolved: false,
            version: None,
        };
        values.fill(place(Ask::Comments(7)), 2, Ok(Answer::Comments(Vec::new())));
        assert!(values.comments(0, 7, asked_already).is_pending());
        let newest = Ok(Answer::Comments(vec![comment.clone()]));
        values.fill(place(Ask::Comments(7)), 3, newest);
        assert_eq!(
            values.comments(0, 7, asked_already),
            &Requested::Ready(vec![comment])
        );
    }

    #[test]
    fn a_failure_keeps_the_stores_words_and_is_not_asked_again_by_itself() {
        let mut values = Values::default();
        values.version(0, 7, 2, || 1);
        let refusal = StoreError::Policy(Refusal::VersionNotFound { key: 7, version: 2 });
        let words = refusal.to_string();
        let failure = values.fill(place(Ask::Version(7, 2)), 1, Err(refusal));
        assert!(failure.is_some());
        assert_eq!(
            values.version(0, 7, 2, asked_already),
            &Requested::Failed(words)
        );
    }

    #[test]
    fn values_are_kept_apart_by_store_workflow_and_version() {
        let mut values = Values::default();
        values.history(0, 7, || 1);
        values.fill(
            place(Ask::History(7)),
            1,
            Ok(Answer::History(history(&[1]))),
        );
        let mut asked = Vec::new();
        values.history(1, 7, || {
            asked.push("another store");
            2
        });
        values.history(0, 8, || {
            asked.push("another workflow");
            3
        });
        values.version(0, 7, 1, || {
            asked.push("version 1");
            4
        });
        values.version(0, 7, 2, || {
            asked.push("version 2");
            5
        });
        values.keep_only(0, Some(8));
        values.history(0, 7, || {
            asked.push("forgotten with its workflow");
            6
        });
        assert_eq!(
            asked,
            [
                "another store",
                "another workflow",
                "version 1",
                "version 2",
                "forgotten with its workflow"
            ]
        );
    }

    #[test]
    fn an_answer_meant_for_the_store_before_leaves_the_value_to_be_asked_again() {
        let mut values = Values::default();
        values.draft(0, 7, || 1);
        values.fill(place(Ask::Draft(7)), 1, Ok(Answer::Skipped));
        let mut again = false;
        values.draft(0, 7, || {
            again = true;
            2
        });
        assert!(again);
    }
}
