//! Every throttle the portal applies, with its numbers and why; 429 with `Retry-After` when
//! one refuses.
//!
//! Two facts shape them. At a venue, 300 attendees share one public address (NAT), and behind
//! a reverse proxy every request comes from the proxy (see `trusted_proxies` and
//! [`crate::http::client`] for how the real client is found). And a throttle that counts an
//! account's failures from everywhere lets anyone lock its owner out. So:
//!
//! | what | counted | budget | why |
//! |---|---|---|---|
//! | sign-in, per account **and** client | failures only | 10, then 1 a minute | guessing from one address gets ~1,450 tries a day; the owner at their own address is never locked out by guesses from elsewhere |
//! | sign-in, per account | failures only | 100, then 1 every 36 s (100 an hour) | guessing from many addresses; once spent, only clients the account signed in from in the last 30 days may try |
//! | per client | failed sign-ins, sign-ups and password resets | 100, then 1 every 3 s | a room's typos (300 in ten minutes pass) but not a password spray from one address |
//! | sign-up, per client | every attempt | 100, then 1 a second | a room of 500 clears in under seven minutes (700 in ten); each costs an argon2 hash |
//! | invite codes, per user | wrong codes only | 20, then 1 a minute | someone fumbling a code copied from a slide (or a team id) still gets in; a guesser gets ~1,460 a day |
//! | invite codes, per client | wrong codes only | 30, then 1 every 10 s | the same guesser with many accounts |
//! | password reset mails asked, per client | every request | 20, then 1 every 30 s | a forgotten password is rare; bounds one address making cohack mail strangers |
//! | password reset mails, per address | every request | 3, then 1 every 10 minutes | bounds the mail one inbox gets; past it the answer is the same 202 and no mail goes (earlier links still work, so the owner is not locked out) |
//! | e-mail verification mails asked again, per account | every request | 3, then 1 every 10 minutes | a mail that went to spam gets a second and a third try; nobody makes cohack mail one inbox over and over |
//! | materials, per team | every run | 30, then 1 every 2 s | each one runs the validator; a team's page views stay well inside |
//! | submissions, per team and challenge | every one | `submissions_per_minute` | the judge's workers |
//!
//! Successes never count: a successful sign-in, a right invite code, a sign-up that worked give
//! their event back. An attempt is counted *before* the password is checked and given back if
//! it succeeded, so concurrent guesses cannot overshoot a budget. A refused attempt counts
//! nothing, so a refused guesser does not push the wait further out for anyone.
//!
//! What this cannot tell apart: an attacker and an owner behind the same address (a competitor
//! in the same venue) share the per-account-and-client budget; and an owner signing in from a
//! new address while the account is under attack waits for the per-account budget.
//!
//! Limits are per instance, in memory, bounded ([`limiter`]): behind a load balancer with N
//! instances a client can get up to N times the budget, which still bounds guessing; a restart
//! forgets them.

mod limiter;

use std::{
    future::Future,
    net::{IpAddr, Ipv6Addr},
    sync::Arc,
    time::Duration,
};

pub use self::limiter::{Clock, KnownClients, Rule, Taken, Throttle, too_many};
use crate::error::Result;

const MINUTE: Duration = Duration::from_secs(60);

/// Failed sign-ins per account and client address.
pub const SIGN_IN_PER_ACCOUNT_AND_CLIENT: Rule = Rule::new(10, MINUTE);
/// Failed sign-ins per account from clients it does not know.
pub const SIGN_IN_PER_ACCOUNT: Rule = Rule::new(100, Duration::from_secs(36));
/// Failed sign-ins (any account) and failed sign-ups per client address.
pub const FAILURES_PER_CLIENT: Rule = Rule::new(100, Duration::from_secs(3));
/// Sign-up attempts per client address.
pub const SIGN_UPS_PER_CLIENT: Rule = Rule::new(100, Duration::from_secs(1));
/// Wrong invite codes (an event's or a team's) per user.
pub const INVITE_GUESSES_PER_USER: Rule = Rule::new(20, MINUTE);
/// Wrong invite codes per client address.
pub const INVITE_GUESSES_PER_CLIENT: Rule = Rule::new(30, Duration::from_secs(10));
/// Password reset mails asked for per client address.
pub const RESET_REQUESTS_PER_CLIENT: Rule = Rule::new(20, Duration::from_secs(30));
/// Password reset mails sent per address.
pub const RESET_MAILS_PER_ADDRESS: Rule = Rule::new(3, Duration::from_secs(600));
/// E-mail verification mails asked again per account.
pub const VERIFICATION_MAILS_PER_ACCOUNT: Rule = Rule::new(3, Duration::from_secs(600));
/// Materials runs per team.
pub const MATERIALS_PER_TEAM: Rule = Rule::new(30, Duration::from_secs(2));
/// How long a client an account signed in from stays known to it.
pub const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// Keys each throttle remembers at most: 16 bytes each, so a full throttle holds about 2.2 MB
/// with its map's overhead (131,072 buckets), and all twelve at most about 27 MB.
pub const KEYS_PER_THROTTLE: usize = 65_536;

/// The address a request comes from, as throttles count it (see [`crate::http::client`] for
/// how it is found behind proxies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(IpAddr);

tokio::task_local! {
    static CURRENT: ClientAddress;
}

impl ClientAddress {
    /// The client at `ip` (an IPv4 address mapped into IPv6 is the IPv4 address).
    pub fn new(ip: IpAddr) -> Self {
        Self(ip.to_canonical())
    }

    /// A client whose address is not known (no peer address): all of them share one budget.
    pub fn unknown() -> Self {
        Self(IpAddr::from([0, 0, 0, 0]))
    }

    /// The address.
    pub fn ip(&self) -> IpAddr {
        self.0
    }

    /// What throttles count against: the address, or for IPv6 its /64, since one host usually
    /// holds a whole /64 and could otherwise take a fresh budget per address.
    pub fn throttle_key(&self) -> IpAddr {
        match self.0 {
            IpAddr::V4(_) => self.0,
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        }
    }

    /// The client of the request being served, for actions that throttle per client without
    /// every edge passing it down; `None` outside a request (the CLI, background tasks).
    pub fn current() -> Option<Self> {
        CURRENT.try_with(|client| *client).ok()
    }

    /// Runs `work` (a request's handling) with this as [`ClientAddress::current`].
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        CURRENT.scope(self, work).await
    }
}

impl std::fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Every throttle the portal applies (see the module documentation for the numbers).
pub struct Throttles {
    clock: Arc<Clock>,
    sign_in_pair: Throttle,
    sign_in_account: Throttle,
    failures_per_client: Throttle,
    sign_ups_per_client: Throttle,
    known: KnownClients,
    invite_per_user: Throttle,
    invite_per_client: Throttle,
    materials_per_team: Throttle,
    reset_requests_per_client: Throttle,
    reset_mails_per_address: Throttle,
    verification_mails_per_account: Throttle,
    /// Submissions per team and challenge.
    pub submissions: Throttle,
}

/// An admitted attempt. Say how it ended with [`Attempt::succeeded`]; dropped, it counts as
/// a failure (a client that hung up mid-check included).
#[must_use = "an attempt dropped counts as a failure"]
pub struct Attempt<'a> {
    counted: Vec<Taken<'a>>,
    on_success: Option<(&'a KnownClients, String, IpAddr)>,
}

impl Attempt<'_> {
    /// It worked: nothing counts, and a sign-in or sign-up makes its client known to the
    /// account.
    pub fn succeeded(self) {
        for taken in self.counted {
            taken.give_back();
        }
        if let Some((known, account, client)) = self.on_success {
            known.remember(&(account, client));
        }
    }

    /// Ends the attempt as `failed` says.
    pub fn finish(self, failed: bool) {
        if !failed {
            self.succeeded();
        }
    }
}

impl Throttles {
    /// The portal's throttles; submissions at `submissions_per_minute` per team and challenge.
    pub fn new(submissions_per_minute: u32) -> Self {
        let clock = Clock::new();
        let throttle = |rule| Throttle::new(rule, KEYS_PER_THROTTLE, Arc::clone(&clock));
        Self {
            sign_in_pair: throttle(SIGN_IN_PER_ACCOUNT_AND_CLIENT),
            sign_in_account: throttle(SIGN_IN_PER_ACCOUNT),
            failures_per_client: throttle(FAILURES_PER_CLIENT),
            sign_ups_per_client: throttle(SIGN_UPS_PER_CLIENT),
            known: KnownClients::new(KNOWN_FOR, KEYS_PER_THROTTLE, Arc::clone(&clock)),
            invite_per_user: throttle(INVITE_GUESSES_PER_USER),
            invite_per_client: throttle(INVITE_GUESSES_PER_CLIENT),
            materials_per_team: throttle(MATERIALS_PER_TEAM),
            reset_requests_per_client: throttle(RESET_REQUESTS_PER_CLIENT),
            reset_mails_per_address: throttle(RESET_MAILS_PER_ADDRESS),
            verification_mails_per_account: throttle(VERIFICATION_MAILS_PER_ACCOUNT),
            submissions: throttle(Rule::per_minute(submissions_per_minute)),
            clock,
        }
    }

    /// The clock every throttle reads; tests move it forward.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Admits a sign-in to `account` (the normalised e-mail, known or not) from `client`.
    pub fn sign_in(&self, account: &str, client: ClientAddress) -> Result<Attempt<'_>> {
        let ip = client.throttle_key();
        let mut budgets = vec![
            (&self.sign_in_pair, key((account, ip))),
            (&self.failures_per_client, key(ip)),
        ];
        if !self.known.knows(&(account, ip)) {
            budgets.push((&self.sign_in_account, key(account)));
        }
        let counted = take_all(&budgets)?;
        Ok(Attempt {
            counted,
            on_success: Some((&self.known, account.to_owned(), ip)),
        })
    }

    /// Admits a sign-up for `account` (the normalised e-mail) from `client`: the client's
    /// sign-up rate always counts, its failure budget only if the sign-up fails.
    pub fn sign_up(&self, account: &str, client: ClientAddress) -> Result<Attempt<'_>> {
        let ip = client.throttle_key();
        let mut counted = take_all(&[
            (&self.sign_ups_per_client, key(ip)),
            (&self.failures_per_client, key(ip)),
        ])?;
        drop(counted.remove(0));
        Ok(Attempt {
            counted,
            on_success: Some((&self.known, account.to_owned(), ip)),
        })
    }

    /// Admits an invite code presented by `user` from `client` (if known); only a wrong one
    /// should count ([`Attempt::finish`]).
    pub fn invite_code(&self, user: &str, client: Option<ClientAddress>) -> Result<Attempt<'_>> {
        let mut budgets = vec![(&self.invite_per_user, key(user))];
        if let Some(client) = client {
            budgets.push((&self.invite_per_client, key(client.throttle_key())));
        }
        Ok(Attempt {
            counted: take_all(&budgets)?,
            on_success: None,
        })
    }

    /// Admits a password reset link presented from `client`: an unknown, used or expired link
    /// counts against the client's failure budget (a link's 256 random bits cannot be
    /// guessed; this bounds a client probing for one), a link that works gives it back.
    pub fn reset_link(&self, client: ClientAddress) -> Result<Attempt<'_>> {
        let ip = client.throttle_key();
        Ok(Attempt {
            counted: take_all(&[(&self.failures_per_client, key(ip))])?,
            on_success: None,
        })
    }

    /// Admits a request for a password reset mail to `address` (normalised) from `client`:
    /// 429 once the client's budget is spent; `false` (send nothing, answer the same) once
    /// the address's is. Known and unknown addresses count alike, so neither the answer nor
    /// the throttle tells whether an account exists.
    pub fn reset_request(&self, address: &str, client: ClientAddress) -> Result<bool> {
        self.reset_requests_per_client
            .check(&key(client.throttle_key()))?;
        Ok(self.reset_mails_per_address.take(&key(address)).is_ok())
    }

    /// Counts a request by the account `user_id` for another e-mail verification mail; 429
    /// once its budget is spent.
    pub fn verification_mail(&self, user_id: &str) -> Result<()> {
        self.verification_mails_per_account.check(user_id)
    }

    /// Counts a materials run for `team_id`; 429 once its budget is spent.
    pub fn materials(&self, team_id: &str) -> Result<()> {
        self.materials_per_team.check(team_id)
    }
}

/// Keys are hashed by each throttle; this only fixes one type for the list in `take_all`.
#[derive(Hash)]
enum Key<'a> {
    Text(&'a str),
    Address(IpAddr),
    Pair(&'a str, IpAddr),
}

fn key<'a>(parts: impl Into<Key<'a>>) -> Key<'a> {
    parts.into()
}

impl<'a> From<&'a str> for Key<'a> {
    fn from(text: &'a str) -> Self {
        Key::Text(text)
    }
}

impl From<IpAddr> for Key<'_> {
    fn from(ip: IpAddr) -> Self {
        Key::Address(ip)
    }
}

impl<'a> From<(&'a str, IpAddr)> for Key<'a> {
    fn from((text, ip): (&'a str, IpAddr)) -> Self {
        Key::Pair(text, ip)
    }
}

/// Counts one event in each budget, or none if any refuses (the 429 then names the longest
/// wait among those that refused).
fn take_all<'a>(budgets: &[(&'a Throttle, Key<'_>)]) -> Result<Vec<Taken<'a>>> {
    let mut counted = Vec::with_capacity(budgets.len());
    let mut wait = None;
    for (throttle, key) in budgets {
        match throttle.take(key) {
            Ok(taken) => counted.push(taken),
            Err(until) => wait = wait.max(Some(until)),
        }
    }
    match wait {
        None => Ok(counted),
        Some(until) => {
            counted.into_iter().for_each(Taken::give_back);
            Err(too_many(until))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ip: &str) -> ClientAddress {
        ClientAddress::new(ip.parse().expect("an address"))
    }

    fn fail_sign_in(throttles: &Throttles, account: &str, from: ClientAddress) -> bool {
        throttles.sign_in(account, from).map(drop).is_ok()
    }

    #[test]
    fn successes_never_count() {
        let throttles = Throttles::new(12);
        let venue = client("198.51.100.1");
        for n in 0..1_000 {
            let account = format!("attendee{n}@example.com");
            throttles
                .sign_up(&account, venue)
                .unwrap_or_else(|e| panic!("sign-up {n}: {e}"))
                .succeeded();
            // A sign-up that worked gives back its failure; only the rate counts.
            throttles.clock().advance(Duration::from_secs(1));
            throttles
                .sign_in(&account, venue)
                .expect("sign-ins that work never run out")
                .succeeded();
        }
    }

    #[test]
    fn guessing_from_many_addresses_stops_but_the_owner_signs_in() {
        let throttles = Throttles::new(12);
        let home = client("192.0.2.7");
        throttles
            .sign_in("owner@example.com", home)
            .expect("first sign-in")
            .succeeded();
        let mut guessed = 0;
        for n in 0..100u8 {
            let attacker = ClientAddress::new(IpAddr::from([203, 0, 113, n]));
            for _ in 0..10 {
                guessed += u32::from(fail_sign_in(&throttles, "owner@example.com", attacker));
            }
        }
        assert_eq!(guessed, 100, "the per-account budget");
        assert!(
            throttles.sign_in("owner@example.com", home).is_ok(),
            "the owner's own client is not locked out"
        );
        let new_place = client("192.0.2.99");
        assert!(throttles.sign_in("owner@example.com", new_place).is_err());
    }

    #[test]
    fn one_address_guessing_one_account_waits_a_minute_per_try() {
        let throttles = Throttles::new(12);
        let attacker = client("203.0.113.5");
        let tries = (0..50)
            .filter(|_| fail_sign_in(&throttles, "victim@example.com", attacker))
            .count();
        assert_eq!(tries, 10);
        throttles.clock().advance(MINUTE);
        assert!(fail_sign_in(&throttles, "victim@example.com", attacker));
        assert!(!fail_sign_in(&throttles, "victim@example.com", attacker));
        // The victim elsewhere is not affected.
        assert!(
            throttles
                .sign_in("victim@example.com", client("192.0.2.1"))
                .is_ok()
        );
    }

    #[test]
    fn a_spray_from_one_address_is_capped_per_client() {
        let throttles = Throttles::new(12);
        let attacker = client("203.0.113.5");
        let tries = (0..500)
            .filter(|n| fail_sign_in(&throttles, &format!("user{n}@example.com"), attacker))
            .count();
        assert_eq!(tries, 100);
    }

    #[test]
    fn wrong_invite_codes_are_capped_per_user_and_per_client() {
        let throttles = Throttles::new(12);
        let venue = Some(client("198.51.100.1"));
        let tries = (0..50)
            .filter(|_| throttles.invite_code("mallory", venue).map(drop).is_ok())
            .count();
        assert_eq!(tries, 20);
        let by_many_accounts = (0..100)
            .filter(|n| {
                throttles
                    .invite_code(&format!("sock{n}"), venue)
                    .map(drop)
                    .is_ok()
            })
            .count();
        assert_eq!(by_many_accounts, 10, "30 per client, 20 spent already");
        for _ in 0..100 {
            throttles
                .invite_code("alice", Some(client("192.0.2.1")))
                .expect("right codes never count")
                .succeeded();
        }
    }

    #[test]
    fn ipv6_clients_count_by_their_64() {
        assert_eq!(
            client("2001:db8:1:2:aaaa::1").throttle_key(),
            client("2001:db8:1:2:bbbb::2").throttle_key()
        );
        assert_ne!(
            client("2001:db8:1:2::1").throttle_key(),
            client("2001:db8:1:3::1").throttle_key()
        );
        assert_eq!(client("::ffff:192.0.2.1"), client("192.0.2.1"));
    }
}
