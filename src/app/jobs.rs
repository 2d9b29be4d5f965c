//! Work off the UI thread, the one way the designer does it: a named
//! thread that sends what it has to the UI, says how far it got, stops
//! when asked to, and wakes the UI whenever there is something to show.
//! The picture exports, the backtest and the store worker run on it.
//!
//! Nothing here knows egui: the shell says how to wake the UI (`Wake`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

type WakeFn = Box<dyn Fn() + Send + Sync>;

/// How a job wakes the UI (asks for a frame). Clones share it; until it
/// is set (the first frame gives the UI), waking does nothing.
#[derive(Clone, Default)]
pub struct Wake(Arc<OnceLock<WakeFn>>);

impl Wake {
    /// A wake that calls `wake` from the start.
    pub fn new(wake: impl Fn() + Send + Sync + 'static) -> Wake {
        let this = Wake::default();
        this.set(wake);
        this
    }

    /// Wakes through `wake` from now on; the first one set stays.
    pub fn set(&self, wake: impl Fn() + Send + Sync + 'static) {
        let _ = self.0.set(Box::new(wake));
    }

    pub fn is_set(&self) -> bool {
        self.0.get().is_some()
    }

    pub fn wake(&self) {
        if let Some(wake) = self.0.get() {
            wake();
        }
    }
}

/// What the UI and the job share.
#[derive(Default)]
struct Shared {
    cancel: AtomicBool,
    progress: AtomicUsize,
}

/// The job's end: what it sends, how far it got, whether to stop.
pub struct Reporter<T> {
    sent: Sender<T>,
    shared: Arc<Shared>,
    wake: Wake,
}

impl<T> Reporter<T> {
    /// Sends `message` to the UI and wakes it; `false` once nobody
    /// listens any more (the job may as well end).
    pub fn send(&self, message: T) -> bool {
        let listened = self.sent.send(message).is_ok();
        self.wake.wake();
        listened
    }

    /// How many items are done so far (shown while the job runs).
    pub fn progress(&self, done: usize) {
        self.shared.progress.store(done, Ordering::Relaxed);
        self.wake.wake();
    }

    /// Whether the UI asked the job to stop.
    pub fn cancelled(&self) -> bool {
        self.shared.cancel.load(Ordering::Relaxed)
    }

    /// The flag behind `cancelled`, for loops that poll it themselves.
    pub fn cancel_flag(&self) -> &AtomicBool {
        &self.shared.cancel
    }
}

/// The job ended and every message it sent was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended;

/// The UI's end of a job. Dropping it asks the job to stop: nobody waits
/// for what it would send.
pub struct Job<T> {
    messages: Receiver<T>,
    shared: Arc<Shared>,
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread named `name`; what it sends wakes the UI
    /// through `wake`.
    pub fn spawn(
        name: &str,
        wake: &Wake,
        work: impl FnOnce(Reporter<T>) + Send + 'static,
    ) -> std::io::Result<Job<T>> {
        let (sent, messages) = channel();
        let shared = Arc::new(Shared::default());
        let reporter = Reporter {
            sent,
            shared: Arc::clone(&shared),
            wake: wake.clone(),
        };
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || work(reporter))?;
        Ok(Job { messages, shared })
    }
}

impl<T> Job<T> {
    /// A job that never started: it has ended, with nothing to take.
    pub fn ended() -> Job<T> {
        let (_, messages) = channel();
        Job {
            messages,
            shared: Arc::default(),
        }
    }

    /// What the job last said it has done.
    pub fn progress(&self) -> usize {
        self.shared.progress.load(Ordering::Relaxed)
    }

    /// Asks the job to stop (it says so in what it sends, if anything).
    pub fn cancel(&self) {
        self.shared.cancel.store(true, Ordering::Relaxed);
    }

    /// The next message, if one is there; never waits.
    pub fn try_next(&self) -> Result<Option<T>, Ended> {
        match self.messages.try_recv() {
            Ok(message) => Ok(Some(message)),
            Err(TryRecvError::Empty) => Ok(None),
            Err(TryRecvError::Disconnected) => Err(Ended),
        }
    }

    /// The next message, waiting at most `timeout` for it (`Ok(None)`:
    /// none came). For headless drivers between frames, never in one.
    pub fn next_within(&self, timeout: Duration) -> Result<Option<T>, Ended> {
        match self.messages.recv_timeout(timeout) {
            Ok(message) => Ok(Some(message)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(Ended),
        }
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn a_job_sends_reports_progress_and_wakes_the_ui_each_time() {
        let wakes = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&wakes);
        let wake = Wake::new(move || {
            counted.fetch_add(1, Ordering::Relaxed);
        });
        let job = Job::spawn("test-job", &wake, |reporter| {
            reporter.progress(7);
            reporter.send("done");
        })
        .expect("spawned");
        assert_eq!(job.next_within(Duration::from_secs(30)), Ok(Some("done")));
        assert_eq!(job.progress(), 7);
        assert_eq!(job.next_within(Duration::from_secs(30)), Err(Ended));
        assert_eq!(wakes.load(Ordering::Relaxed), 2, "one wake per report");
    }

    #[test]
    fn a_cancelled_job_sees_it_and_a_dropped_job_is_cancelled() {
        let (started, running) = channel();
        let (stop_seen, seen) = channel();
        let job = Job::<()>::spawn("test-job", &Wake::default(), move |reporter| {
            let _ = started.send(());
            while !reporter.cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = stop_seen.send(());
        })
        .expect("spawned");
        running.recv().expect("started");
        assert_eq!(job.try_next(), Ok(None), "nothing sent yet");
        drop(job);
        seen.recv_timeout(Duration::from_secs(30))
            .expect("the dropped job was asked to stop");
    }

    #[test]
    fn a_job_that_never_started_has_ended() {
        assert_eq!(Job::<u8>::ended().try_next(), Err(Ended));
    }
}
