//! Serving HTTP/1.1 connections within limits (issue 30, item 4), so that
//! clients that send nothing, or send slowly, cannot hold the server's
//! file descriptors: at most [`Limits::max_connections`] at once, and
//! each connection closed when it overstays the phase it is in:
//!
//! - the request head (request line and headers) must be complete within
//!   `header_timeout` from the moment the connection was accepted, or from
//!   the first byte of a later request on a kept-alive connection;
//! - the request body within `body_timeout` from the end of its head;
//! - between requests (from the moment the whole answer was handed to
//!   hyper to the first byte of the next request) a kept-alive
//!   connection may wait `idle_timeout`; an answer that streams keeps its
//!   connection busy.
//!
//! A handler at work is never cut short (one use case is one transaction:
//! a write is not abandoned half-way); the timeouts bound only what the
//! client controls. An expired connection is closed without an answer,
//! as a client that went away would be.
//!
//! At the cap the server stops accepting: further connections wait in the
//! operating system's listen backlog and are served, in order, as slots
//! free (within at most one timeout, since every held connection is one
//! an idle or slow client cannot keep). Accepting and refusing instead
//! would cost a file descriptor per refusal and turn every newcomer away
//! while the slots are held; waiting serves them.
//!
//! hyper's own `header_read_timeout` is not used: it starts when a
//! kept-alive connection goes idle, so it cannot tell an idle connection
//! from a slow head, and hyper has no body or idle timeout of its own.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Body as _;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::time::Instant;
use tower::ServiceExt;

/// How many connections, and how long each phase of one may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub idle_timeout: Duration,
}

/// `--max-connections`: far above what the throughput goals use (wrk
/// -c32), low enough that idle connections cannot use up a common
/// open-file limit.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// `--header-timeout`: a request head is one packet from a working client.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// `--body-timeout`: the largest body (a 5 MiB part upload) at about
/// 0.7 Mbit/s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(60);
/// `--idle-timeout`: keeps a client's connection for its next request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// File descriptors kept for everything but connections when the cap is
/// fitted to the open-file limit: the listener, the database (a pool of
/// eight, the writer, WAL and lock files), callbacks, logs.
pub const RESERVED_FILES: u64 = 64;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

impl Limits {
    /// These limits with the connection cap lowered, if need be, so that
    /// the connections and [`RESERVED_FILES`] fit in `open_files`.
    pub fn fitted_to(self, open_files: u64) -> Limits {
        let room = usize::try_from(open_files.saturating_sub(RESERVED_FILES))
            .unwrap_or(usize::MAX)
            .max(1);
        Limits {
            max_connections: self.max_connections.min(room),
            ..self
        }
    }

    fn longest(&self) -> Duration {
        self.header_timeout
            .max(self.body_timeout)
            .max(self.idle_timeout)
    }
}

/// Raises the soft open-file limit to the hard one (common practice for
/// servers: the soft default, often 1024, is a guard for desktop
/// programs) and returns the limit in force. `None` where it cannot be
/// read.
#[cfg(unix)]
pub fn raise_open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    if limit.rlim_cur < limit.rlim_max {
        let raised = libc::rlimit {
            rlim_cur: limit.rlim_max,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: setrlimit reads the struct we own.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            limit = raised;
        }
    }
    // rlim_t is u64 on Linux and the BSDs, not by definition.
    #[allow(clippy::useless_conversion)]
    Some(u64::try_from(limit.rlim_cur).unwrap_or(u64::MAX))
}

#[cfg(not(unix))]
pub fn raise_open_file_limit() -> Option<u64> {
    None
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then lets every connection finish its request in flight and close.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    // Every connection holds a receiver; all gone = all closed.
    let (all_closed, open) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    let mut full_since: Option<Instant> = None;
    loop {
        let permit = match slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if full_since.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
                    tracing::warn!(
                        max_connections = limits.max_connections,
                        "connection cap reached: new connections wait in the listen backlog until one closes (--max-connections)"
                    );
                    full_since = Some(Instant::now());
                }
                tokio::select! {
                    permit = slots.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (stream, _remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(
            stream,
            app.clone(),
            limits,
            permit,
            stopping.clone(),
            open.clone(),
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    drop(open);
    all_closed.closed().await;
}

/// As hyper 0.14's server did: a connection that went away before it was
/// accepted is nothing; anything else (out of file descriptors) is logged
/// and accepting pauses a second, for connections to close.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// One connection, from accept to close.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    _slot: OwnedSemaphorePermit,
    mut stopping: watch::Receiver<bool>,
    _open: watch::Receiver<()>,
) {
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let activity = activity.clone();
            let app = app.clone();
            async move {
                let request_number = activity.request(if request.body().is_end_stream() {
                    Phase::Busy
                } else {
                    Phase::Body
                });
                let request = request.map(|body| {
                    Body::new(TrackedBody {
                        body,
                        activity: activity.clone(),
                    })
                });
                let response = match app.oneshot(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                };
                Ok::<_, Infallible>(response.map(|body| TrackedResponse {
                    body,
                    activity,
                    request_number,
                }))
            }
        })
    };
    let served = hyper::server::conn::http1::Builder::new().serve_connection(io, service);
    let mut served = std::pin::pin!(served);
    let watchdog = tokio::time::sleep(limits.header_timeout);
    let mut watchdog = std::pin::pin!(watchdog);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended");
                }
                return;
            }
            () = watchdog.as_mut() => match activity.deadline(&limits) {
                Deadline::Passed(phase) => {
                    tracing::debug!(phase = phase.name(), "connection closed: the client took too long");
                    return;
                }
                Deadline::At(at) => watchdog.as_mut().reset(at),
            },
            changed = stopping.changed(), if !shutting_down => {
                shutting_down = true;
                if changed.is_ok() {
                    served.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// What a connection is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    /// The rest of a request head (or, on a new connection, its start).
    Head = 0,
    /// The rest of a request body.
    Body = 1,
    /// A handler's answer: no deadline.
    Busy = 2,
    /// The first byte of the next request on a kept-alive connection.
    Idle = 3,
}

impl Phase {
    fn from_u8(value: u8) -> Phase {
        match value {
            0 => Phase::Head,
            1 => Phase::Body,
            2 => Phase::Busy,
            _ => Phase::Idle,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Phase::Head => "header",
            Phase::Body => "body",
            Phase::Busy => "busy",
            Phase::Idle => "idle",
        }
    }

    fn limit(self, limits: &Limits) -> Option<Duration> {
        match self {
            Phase::Head => Some(limits.header_timeout),
            Phase::Body => Some(limits.body_timeout),
            Phase::Busy => None,
            Phase::Idle => Some(limits.idle_timeout),
        }
    }
}

/// A connection's phase and when it began; written by the reads, the
/// request and response bodies and the service, read by the watchdog
/// (all on the connection's task).
#[derive(Debug)]
struct Activity {
    born: Instant,
    phase: AtomicU8,
    /// Milliseconds from `born` to the start of `phase`.
    since: AtomicU64,
    /// The requests seen: a response that ends late (pipelining) leaves
    /// a later request's phase alone.
    requests: AtomicU64,
}

enum Deadline {
    Passed(Phase),
    At(Instant),
}

impl Activity {
    fn new() -> Activity {
        Activity {
            born: Instant::now(),
            phase: AtomicU8::new(Phase::Head as u8),
            since: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        }
    }

    /// A request's head arrived: its body (or its handler) is next.
    /// Returns its number.
    fn request(&self, phase: Phase) -> u64 {
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        self.enter(phase);
        number
    }

    /// Request `number`'s answer is written (or given up): the
    /// connection is idle, unless a later request has begun.
    fn answered(&self, number: u64) {
        if self.requests.load(Ordering::Relaxed) == number && self.phase() != Phase::Idle {
            self.enter(Phase::Idle);
        }
    }

    fn phase(&self) -> Phase {
        Phase::from_u8(self.phase.load(Ordering::Relaxed))
    }

    fn enter(&self, phase: Phase) {
        let now = u64::try_from(self.born.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.since.store(now, Ordering::Relaxed);
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    /// When the current phase runs out, or that it has.
    fn deadline(&self, limits: &Limits) -> Deadline {
        let phase = self.phase();
        let Some(limit) = phase.limit(limits) else {
            return Deadline::At(Instant::now() + limits.longest());
        };
        let since = self.born + Duration::from_millis(self.since.load(Ordering::Relaxed));
        let at = since + limit;
        if Instant::now() >= at {
            Deadline::Passed(phase)
        } else {
            Deadline::At(at)
        }
    }
}

/// The connection's socket; the first byte read on an idle connection
/// starts the next request's head.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before && self.activity.phase() == Phase::Idle {
            self.activity.enter(Phase::Head);
        }
        read
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A request body that ends the connection's body phase when it ends.
struct TrackedBody {
    body: Incoming,
    activity: Arc<Activity>,
}

impl hyper::body::Body for TrackedBody {
    type Data = hyper::body::Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let frame = Pin::new(&mut self.body).poll_frame(cx);
        let ended = match &frame {
            Poll::Ready(None) => true,
            Poll::Ready(Some(Ok(_))) => self.body.is_end_stream(),
            _ => false,
        };
        if ended && self.activity.phase() == Phase::Body {
            self.activity.enter(Phase::Busy);
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// A response body that makes the connection idle once it is all
/// handed to hyper (dropped): a streamed answer keeps its connection busy
/// for as long as it streams; a finished one waits at most `idle_timeout`
/// for a client that does not read it.
struct TrackedResponse {
    body: Body,
    activity: Arc<Activity>,
    request_number: u64,
}

impl hyper::body::Body for TrackedResponse {
    type Data = hyper::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for TrackedResponse {
    fn drop(&mut self) {
        self.activity.answered(self.request_number);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_fitted_to_the_open_file_limit() {
        let limits = Limits::default();
        assert_eq!(limits.fitted_to(1_048_576), limits);
        assert_eq!(limits.fitted_to(256).max_connections, 192);
        assert_eq!(limits.fitted_to(10).max_connections, 1);
    }
}
