//! The parts every throttle is built from: a [`Clock`] tests can drive, a keyed limiter
//! ([`Throttle`], GCRA) whose counts can be given back, and the memory of which clients an
//! account signed in from ([`KnownClients`]) — both in a map with a hard size bound.
//!
//! Why not `governor`: its keyed limiter cannot give a counted event back (so only failures
//! could be counted by peeking first, which races), and `retain_recent` drops only keys that
//! are back at full budget, so an attacker rotating addresses or e-mails grows it for as long
//! as its window lasts. Here each key costs 16 bytes (a keyed 64-bit hash and one instant),
//! and a full map first forgets the keys that are back at full budget, then the ones with the
//! least left to wait: a flood of fresh keys evicts other fresh keys, never an account that is
//! being guessed at.

use std::{
    collections::HashMap,
    hash::{BuildHasher, Hash, RandomState},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

/// The time every throttle reads: the monotonic clock, plus whatever tests skipped ahead.
#[derive(Debug)]
pub struct Clock {
    start: Instant,
    skipped: AtomicU64,
    /// Where the clock stopped ([`Clock::pause`]); `u64::MAX` while it runs.
    paused_at: AtomicU64,
}

impl Clock {
    /// A clock starting now.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            start: Instant::now(),
            skipped: AtomicU64::new(0),
            paused_at: AtomicU64::new(u64::MAX),
        })
    }

    /// Nanoseconds since the clock started (584 years fit).
    fn now(&self) -> u64 {
        let elapsed = match self.paused_at.load(Ordering::Relaxed) {
            u64::MAX => u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1),
            paused_at => paused_at,
        };
        elapsed.saturating_add(self.skipped.load(Ordering::Relaxed))
    }

    /// Stops the clock where it is: from now on only [`Clock::advance`] moves it, so that
    /// tests count exactly, however long they take.
    pub fn pause(&self) {
        let elapsed = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX - 1);
        let _ = self.paused_at.compare_exchange(
            u64::MAX,
            elapsed,
            Ordering::Relaxed,
            Ordering::Relaxed,
        );
    }

    /// Moves this clock forward by `by`: how tests play ten minutes of an event in seconds.
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.skipped.fetch_add(by, Ordering::Relaxed);
    }
}

/// A budget: `burst` events at once, then one more every `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Events allowed at once, from a full budget.
    pub burst: u32,
    /// How often one more is allowed once the burst is spent.
    pub every: Duration,
}

impl Rule {
    /// `burst` at once, then one more every `every`.
    pub const fn new(burst: u32, every: Duration) -> Self {
        Self { burst, every }
    }

    /// `per_minute` at once, then one more every `60 s / per_minute`.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        Self::new(per_minute, Duration::from_secs(60) / per_minute)
    }

    fn interval(self) -> u64 {
        u64::try_from(self.every.as_nanos())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    fn tolerance(self) -> u64 {
        self.interval().saturating_mul(u64::from(self.burst.max(1)))
    }
}

/// A map from hashed keys to instants with a hard bound on its size.
struct Bounded {
    entries: HashMap<u64, u64>,
    capacity: usize,
}

impl Bounded {
    fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity: capacity.max(8),
        }
    }

    /// Makes room for one more key: first drops every entry `keep` says nothing about
    /// (`None`), then, if still full, the eighth with the lowest `keep`.
    fn make_room(&mut self, keep: impl Fn(u64) -> Option<u64>) {
        if self.entries.len() < self.capacity {
            return;
        }
        self.entries.retain(|_, value| keep(*value).is_some());
        if self.entries.len() < self.capacity {
            return;
        }
        let mut ranked: Vec<(u64, u64)> = self
            .entries
            .iter()
            .map(|(key, value)| (keep(*value).unwrap_or(0), *key))
            .collect();
        let evict = self.entries.len() - self.capacity * 7 / 8;
        ranked.select_nth_unstable(evict - 1);
        for (_, key) in &ranked[..evict] {
            self.entries.remove(key);
        }
    }
}

/// One keyed rate limit (GCRA: per key, the instant its budget is full again).
pub struct Throttle {
    rule: Rule,
    clock: Arc<Clock>,
    hasher: RandomState,
    keys: Mutex<Bounded>,
}

/// An event [`Throttle::take`] counted; [`Taken::give_back`] un-counts it, dropping keeps it.
#[must_use = "dropping keeps the event counted; give_back() if it should not count"]
pub struct Taken<'a> {
    throttle: &'a Throttle,
    key: u64,
}

impl Taken<'_> {
    /// Un-counts the event (a success, or an attempt another throttle refused).
    pub fn give_back(self) {
        let now = self.throttle.clock.now();
        let interval = self.throttle.rule.interval();
        let mut keys = lock(&self.throttle.keys);
        if let Some(full_at) = keys.entries.get_mut(&self.key) {
            *full_at = full_at.saturating_sub(interval);
            if *full_at <= now {
                keys.entries.remove(&self.key);
            }
        }
    }
}

impl Throttle {
    /// A throttle of `rule` remembering at most `capacity` keys, on `clock`.
    pub fn new(rule: Rule, capacity: usize, clock: Arc<Clock>) -> Self {
        Self {
            rule,
            clock,
            hasher: RandomState::new(),
            keys: Mutex::new(Bounded::new(capacity)),
        }
    }

    /// Counts one event for `key`, or says how long until one would be allowed (and counts
    /// nothing).
    pub fn take<K: Hash + ?Sized>(&self, key: &K) -> Result<Taken<'_>, Duration> {
        let key = self.hasher.hash_one(key);
        let now = self.clock.now();
        let (interval, tolerance) = (self.rule.interval(), self.rule.tolerance());
        let mut keys = lock(&self.keys);
        let full_at = keys.entries.get(&key).copied().unwrap_or(now).max(now);
        let next = full_at.saturating_add(interval);
        if next - now > tolerance {
            return Err(Duration::from_nanos(next - tolerance - now));
        }
        if !keys.entries.contains_key(&key) {
            keys.make_room(|full_at| full_at.checked_sub(now).filter(|debt| *debt > 0));
        }
        keys.entries.insert(key, next);
        Ok(Taken {
            throttle: self,
            key,
        })
    }

    /// Counts one event for `key`; a 429 with `Retry-After` if its budget is spent.
    pub fn check<K: Hash + ?Sized>(&self, key: &K) -> Result<(), crate::error::Error> {
        self.take(key).map(drop).map_err(too_many)
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        lock(&self.keys).entries.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The 429 for a wait: `Retry-After` in whole seconds, rounded up.
pub fn too_many(wait: Duration) -> crate::error::Error {
    let whole = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    crate::error::Error::TooManyRequests {
        retry_after: whole.max(1),
    }
}

/// Which clients each account signed in from lately (hashed pairs, bounded): an account under
/// attack still lets them try.
pub struct KnownClients {
    remember_for: u64,
    clock: Arc<Clock>,
    hasher: RandomState,
    pairs: Mutex<Bounded>,
}

impl KnownClients {
    /// Remembers at most `capacity` pairs, each for `remember_for` after its last sign-in.
    pub fn new(remember_for: Duration, capacity: usize, clock: Arc<Clock>) -> Self {
        Self {
            remember_for: u64::try_from(remember_for.as_nanos()).unwrap_or(u64::MAX),
            clock,
            hasher: RandomState::new(),
            pairs: Mutex::new(Bounded::new(capacity)),
        }
    }

    /// Notes that `pair` signed in just now.
    pub fn remember<K: Hash + ?Sized>(&self, pair: &K) {
        let key = self.hasher.hash_one(pair);
        let now = self.clock.now();
        let mut pairs = lock(&self.pairs);
        if !pairs.entries.contains_key(&key) {
            let remember_for = self.remember_for;
            // Forget the expired, then the least recent.
            pairs.make_room(|at| (now.saturating_sub(at) < remember_for).then_some(at));
        }
        pairs.entries.insert(key, now);
    }

    /// Whether `pair` signed in within the remembered time.
    pub fn knows<K: Hash + ?Sized>(&self, pair: &K) -> bool {
        let key = self.hasher.hash_one(pair);
        let now = self.clock.now();
        lock(&self.pairs)
            .entries
            .get(&key)
            .is_some_and(|at| now.saturating_sub(*at) < self.remember_for)
    }

    /// Pairs remembered now.
    pub fn len(&self) -> usize {
        lock(&self.pairs).entries.len()
    }

    /// Whether no pair is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_burst_then_one_per_interval_per_key() {
        let clock = Clock::new();
        let throttle = Throttle::new(Rule::new(3, MINUTE), 100, Arc::clone(&clock));
        for _ in 0..3 {
            throttle.take("a").map(drop).expect("within the burst");
        }
        let wait = throttle.take("a").err().expect("burst spent");
        assert!(
            wait <= MINUTE && wait > MINUTE - Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(throttle.take("b").is_ok(), "another key has its own budget");
        clock.advance(MINUTE);
        throttle
            .take("a")
            .map(drop)
            .expect("one more after a minute");
        assert!(throttle.take("a").is_err());
        clock.advance(3 * MINUTE);
        for _ in 0..3 {
            throttle.take("a").map(drop).expect("full again");
        }
    }

    #[test]
    fn given_back_events_do_not_count() {
        let clock = Clock::new();
        let throttle = Throttle::new(Rule::new(2, MINUTE), 100, clock);
        for _ in 0..50 {
            throttle.take("owner").expect("never spent").give_back();
        }
        assert!(
            throttle.is_empty(),
            "a key back at full budget is forgotten"
        );
        throttle.take("owner").map(drop).expect("first");
        throttle.take("owner").map(drop).expect("second");
        assert!(throttle.take("owner").is_err());
    }

    #[test]
    fn a_spent_budget_answers_429_with_retry_after() {
        let throttle = Throttle::new(Rule::per_minute(1), 100, Clock::new());
        assert!(throttle.check("k").is_ok());
        match throttle.check("k") {
            Err(Error::TooManyRequests { retry_after }) => assert_eq!(retry_after, 60),
            other => panic!("expected 429, got {other:?}"),
        }
    }

    #[test]
    fn rotating_keys_cannot_grow_it_nor_evict_a_guessed_account() {
        let clock = Clock::new();
        let throttle = Throttle::new(Rule::new(5, MINUTE), 1_000, Arc::clone(&clock));
        for _ in 0..5 {
            throttle.take("victim").map(drop).expect("within the burst");
        }
        for n in 0..100_000 {
            let _ = throttle.take(&n).map(drop);
            assert!(throttle.len() <= 1_000);
        }
        assert!(
            throttle.take("victim").is_err(),
            "the account being guessed kept its count"
        );
        // Keys back at full budget go first, however much they once owed.
        clock.advance(10 * MINUTE);
        for n in 100_000..100_200 {
            throttle.take(&n).map(drop).expect("fresh keys");
        }
        assert!(throttle.len() <= 200, "{}", throttle.len());
    }

    #[test]
    fn known_clients_are_bounded_and_forgotten_in_time() {
        let clock = Clock::new();
        let known = KnownClients::new(Duration::from_secs(3_600), 1_000, Arc::clone(&clock));
        known.remember(&("owner@example.com", 1));
        clock.advance(MINUTE);
        for n in 0..10_000 {
            known.remember(&("attacker@example.com", n));
            assert!(known.len() <= 1_000);
        }
        assert!(
            known.knows(&("attacker@example.com", 9_999)),
            "the most recent stay"
        );
        clock.advance(Duration::from_secs(3_600));
        assert!(!known.knows(&("attacker@example.com", 9_999)), "expired");
    }
}
