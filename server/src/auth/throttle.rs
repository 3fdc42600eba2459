//! Rate limits per key (an account, a client address, a team and challenge), answering 429
//! with `Retry-After`. Backed by `governor`'s keyed GCRA limiter: constant memory per key,
//! no background task; stale keys are pruned as the map grows.
//!
//! Limits are per instance: behind a load balancer with N instances a client can get up to N
//! times the budget, which still bounds brute force.

use std::{
    num::NonZeroU32,
    sync::atomic::{AtomicU64, Ordering},
};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::error::Error;

/// How many checks pass between two prunes of idle keys.
const PRUNE_EVERY: u64 = 4096;

/// One keyed rate limit.
pub struct Throttle {
    limiter: DefaultKeyedRateLimiter<String>,
    checks: AtomicU64,
}

impl Throttle {
    /// Allows `per_minute` events per key per minute, in bursts of up to `per_minute`.
    pub fn per_minute(per_minute: u32) -> Self {
        let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(rate)),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one event for `key`; a 429 error with the wait if the budget is spent.
    pub fn check(&self, key: &str) -> Result<(), Error> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Error::TooManyRequests {
                    retry_after: wait.as_secs() + 1,
                }
            })
    }
}

/// Every throttle the portal applies.
pub struct Throttles {
    /// Log-in attempts per account and per client address.
    pub login: Throttle,
    /// Registrations per client address.
    pub register: Throttle,
    /// Submissions per team and challenge.
    pub submissions: Throttle,
}

impl Throttles {
    /// Throttles from the configured rates.
    pub fn new(login_per_minute: u32, submissions_per_minute: u32) -> Self {
        Self {
            login: Throttle::per_minute(login_per_minute),
            register: Throttle::per_minute(login_per_minute.saturating_mul(3)),
            submissions: Throttle::per_minute(submissions_per_minute),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_per_key() {
        let throttle = Throttle::per_minute(2);
        assert!(throttle.check("a").is_ok());
        assert!(throttle.check("a").is_ok());
        match throttle.check("a") {
            Err(Error::TooManyRequests { retry_after }) => assert!((1..=61).contains(&retry_after)),
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(throttle.check("b").is_ok());
    }
}
