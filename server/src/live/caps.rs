//! How many live sockets one user may hold open on this instance.
//!
//! Each idle socket costs the server about 22–32 KiB (BENCHMARKS.md, "memory per idle
//! connection") and a share of every push; without a cap one account could open them until
//! the instance runs out of memory. [`SOCKETS_PER_USER`] leaves room for what people really
//! do: a workspace page holds two sockets (the team channel and the open document), a staff
//! page one or two, and a coach may keep a dozen tabs open. One socket over the cap is refused
//! before the upgrade with 429 `rate_limited` and the usual error body.
//!
//! Anonymous sockets (the public event channel of a big screen) are not counted: they are few,
//! and at a venue they all share one address.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use crate::error::{Error, Result};

/// Open sockets per user and instance.
pub const SOCKETS_PER_USER: usize = 32;

/// Seconds a refused client is told to wait: sockets free up when the user closes a tab.
const RETRY_AFTER_SECS: u64 = 10;

/// The open sockets of each user here; only users with at least one are remembered, so it is
/// bounded by the connections themselves.
pub struct SocketCaps {
    limit: usize,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One admitted socket; dropping it (when the socket's task ends) frees its place.
#[must_use = "the place is freed when the permit is dropped"]
pub struct Permit {
    open: Arc<Mutex<HashMap<String, usize>>>,
    user: String,
}

impl SocketCaps {
    /// At most `limit` open sockets per user.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            open: Arc::default(),
        }
    }

    /// Admits one more socket for `user_id`, or 429 once they hold the limit.
    pub fn admit(&self, user_id: &str) -> Result<Permit> {
        let mut open = lock(&self.open);
        let held = open.entry(user_id.to_owned()).or_default();
        if *held >= self.limit {
            tracing::info!(user = user_id, limit = self.limit, "socket refused: cap");
            return Err(Error::TooManyRequests {
                retry_after: RETRY_AFTER_SECS,
            });
        }
        *held += 1;
        Ok(Permit {
            open: Arc::clone(&self.open),
            user: user_id.to_owned(),
        })
    }

    /// Sockets `user_id` holds open here.
    pub fn held_by(&self, user_id: &str) -> usize {
        lock(&self.open).get(user_id).copied().unwrap_or(0)
    }
}

impl Default for SocketCaps {
    fn default() -> Self {
        Self::new(SOCKETS_PER_USER)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut open = lock(&self.open);
        if let Some(held) = open.get_mut(&self.user) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(&self.user);
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_holds_at_most_the_limit_and_closing_frees_a_place() {
        let caps = SocketCaps::new(3);
        let mut held: Vec<Permit> = (0..3)
            .map(|_| caps.admit("u").expect("within the cap"))
            .collect();
        assert!(matches!(
            caps.admit("u"),
            Err(Error::TooManyRequests { .. })
        ));
        assert!(caps.admit("someone else").is_ok());
        held.pop();
        held.push(caps.admit("u").expect("a place was freed"));
        drop(held);
        assert_eq!(caps.held_by("u"), 0);
        assert!(lock(&caps.open).is_empty(), "nobody is remembered");
    }
}
