//! Comments are rate-limited per token (issue 30, item 3): a thousand
//! comments would otherwise bury an approval in the audit trail's newest
//! page, and fill every reviewer's list. Each token name has a bucket of
//! `burst` comments that refills at `per_minute`; a comment that finds it
//! empty gets 429 with `Retry-After`. The buckets live in this server's
//! memory (replicas sharing a database each keep their own).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

/// `--comments-per-minute` when not given: one comment every two seconds
/// on average.
pub const DEFAULT_PER_MINUTE: u32 = 30;
/// `--comment-burst` when not given: a reviewer's round of comments.
pub const DEFAULT_BURST: u32 = 10;

/// How many comments a token may post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentRate {
    /// Comments per minute, sustained (at least 1).
    pub per_minute: NonZeroU32,
    /// Comments at once, after a quiet spell (at least 1).
    pub burst: NonZeroU32,
}

impl Default for CommentRate {
    fn default() -> CommentRate {
        CommentRate {
            per_minute: NonZeroU32::new(DEFAULT_PER_MINUTE).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(DEFAULT_BURST).unwrap_or(NonZeroU32::MIN),
        }
    }
}

/// The buckets of every token name that commented.
#[derive(Clone)]
pub struct CommentLimiter {
    rate: CommentRate,
    buckets: Arc<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for CommentLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommentLimiter")
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl Default for CommentLimiter {
    fn default() -> CommentLimiter {
        CommentLimiter::new(CommentRate::default())
    }
}

impl CommentLimiter {
    pub fn new(rate: CommentRate) -> CommentLimiter {
        let refill = Duration::from_secs(60) / rate.per_minute.get();
        let quota = Quota::with_period(refill)
            .unwrap_or_else(|| Quota::per_minute(rate.per_minute))
            .allow_burst(rate.burst);
        let clock = DefaultClock::default();
        CommentLimiter {
            rate,
            buckets: Arc::new(DefaultKeyedRateLimiter::dashmap_with_clock(
                quota,
                clock.clone(),
            )),
            clock,
        }
    }

    pub fn rate(&self) -> CommentRate {
        self.rate
    }

    /// Takes one comment from `token`'s bucket, or says how long until
    /// the bucket holds one again.
    pub fn take(&self, token: &str) -> Result<(), Duration> {
        self.buckets
            .check_key(&token.to_owned())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(per_minute: u32, burst: u32) -> CommentRate {
        CommentRate {
            per_minute: NonZeroU32::new(per_minute).expect("positive"),
            burst: NonZeroU32::new(burst).expect("positive"),
        }
    }

    /// Issue 30, item 3: a burst, then a wait of about one refill; each
    /// token has its own bucket.
    #[test]
    fn a_token_gets_its_burst_then_waits_and_others_are_not_held_up() {
        let limiter = CommentLimiter::new(rate(1, 3));
        for _ in 0..3 {
            assert_eq!(limiter.take("alice"), Ok(()));
        }
        let wait = limiter.take("alice").expect_err("the bucket is empty");
        assert!(
            wait > Duration::from_secs(50) && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert_eq!(limiter.take("bob"), Ok(()));
    }

    #[test]
    fn the_default_is_30_a_minute_with_a_burst_of_10() {
        assert_eq!(CommentRate::default(), rate(30, 10));
        let limiter = CommentLimiter::default();
        for _ in 0..10 {
            assert_eq!(limiter.take("carol"), Ok(()));
        }
        let wait = limiter.take("carol").expect_err("burst spent");
        assert!(wait <= Duration::from_secs(2), "{wait:?}");
    }
}
