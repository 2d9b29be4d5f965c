//! The platform API's clock: system time plus an adjustable offset, so a
//! test can move time past a token lifetime without sleeping. Everything
//! time-related in the platform module reads this clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;
use time::macros::format_description;

/// System time plus an offset that only [`Clock::advance`] changes. Cheap to
/// clone; clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// A clock that reads system time (no offset).
    pub fn new() -> Clock {
        Clock::default()
    }

    /// Now, UTC, as this clock sees it.
    pub fn now(&self) -> OffsetDateTime {
        let offset = self.offset_ms.load(Ordering::Relaxed);
        OffsetDateTime::now_utc() + time::Duration::milliseconds(offset)
    }

    /// Now, in whole seconds since the Unix epoch (JWT `iat`/`exp` units).
    pub fn unix_seconds(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |current| {
                Some(current.saturating_add(ms))
            });
    }

    /// How far this clock is ahead of system time.
    pub fn offset(&self) -> std::time::Duration {
        let ms = self.offset_ms.load(Ordering::Relaxed);
        std::time::Duration::from_millis(u64::try_from(ms).unwrap_or(0))
    }
}

/// RFC 3339 in UTC with milliseconds, as the platform writes times
/// (`2022-11-28T23:45:02.536Z`).
pub fn rfc3339_millis(at: OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    utc.format(&format)
        .unwrap_or_else(|_| utc.unix_timestamp().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone() {
        let clock = Clock::new();
        let twin = clock.clone();
        let before = twin.now();
        clock.advance(std::time::Duration::from_secs(360));
        let moved = twin.now() - before;
        assert!(moved >= time::Duration::seconds(360), "{moved}");
        assert!(moved < time::Duration::seconds(370), "{moved}");
        assert_eq!(twin.offset(), std::time::Duration::from_secs(360));
    }

    #[test]
    fn times_are_rfc3339_with_milliseconds() {
        let at =
            OffsetDateTime::from_unix_timestamp_nanos(1_669_679_102_536_000_000).expect("in range");
        assert_eq!(rfc3339_millis(at), "2022-11-28T23:45:02.536Z");
    }
}
