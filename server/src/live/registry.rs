//! The connections of this instance, by topic, and the one way frames reach them.
//!
//! Each connection owns a bounded queue (its capacity set per channel); the registry holds its
//! sending side. Delivery is `try_send`: it never waits, so one slow or dead client cannot slow
//! anyone else. A connection whose queue is full is dropped from every topic at once; with the
//! last sender gone its task sees the queue close and ends the socket ("too slow").

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, RwLock,
        atomic::{AtomicU64, Ordering},
    },
};

use actix_web::web::Bytes;
use bytestring::ByteString;
use tokio::sync::mpsc;

/// A connection's id, unique within the instance.
pub type ConnId = u64;

/// A frame ready to be written: built once, cloned cheaply for every recipient.
#[derive(Debug, Clone)]
pub enum Frame {
    /// A JSON text frame.
    Text(ByteString),
    /// A binary frame (Yjs).
    Binary(Bytes),
    /// Close the socket with this code and reason.
    Close(u16, &'static str),
}

impl Frame {
    /// A text frame from a JSON value.
    pub fn json(value: &impl serde::Serialize) -> Frame {
        Frame::Text(ByteString::from(
            serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned()),
        ))
    }
}

/// What a connection listens to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// A team channel (members, coaches, organizers of one team).
    Team(String),
    /// Every team channel of an event (announcements reach them all).
    EventTeams(String),
    /// The public event channel of an event.
    Event(String),
    /// Staff on the event channel (help calls of the teams they may see).
    Staff(String),
    /// Runners and organizers on the event channel (the event's rewards).
    Rewards(String),
    /// The Yjs socket of one document.
    Doc(String),
}

/// The user and session behind a signed-in connection.
struct Holder {
    user: String,
    session: String,
}

struct Subscriber {
    tx: mpsc::Sender<Frame>,
    /// Only frames about these teams (a coach on the event channel); `None`: all.
    teams: Option<Arc<HashSet<String>>>,
    /// Takes board updates as `leaderboard_delta` frames (see [`Registry::send_board`]).
    deltas: bool,
}

/// Every live connection of this instance.
#[derive(Default)]
pub struct Registry {
    topics: RwLock<HashMap<Topic, HashMap<ConnId, Subscriber>>>,
    by_conn: RwLock<HashMap<ConnId, Vec<Topic>>>,
    /// Who is behind each signed-in connection, and in which session (access can be
    /// withdrawn from them, and sessions end).
    users: RwLock<HashMap<ConnId, Holder>>,
    next_id: AtomicU64,
    dropped: AtomicU64,
}

impl Registry {
    /// A new connection id and its queue of `capacity` frames.
    pub fn open(&self, capacity: usize) -> (ConnId, mpsc::Sender<Frame>, mpsc::Receiver<Frame>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = mpsc::channel(capacity);
        (id, tx, rx)
    }

    /// Adds `conn` to `topic`; `teams` restricts team-scoped frames (see [`Registry::send`]).
    pub fn subscribe(
        &self,
        topic: Topic,
        conn: ConnId,
        tx: &mpsc::Sender<Frame>,
        teams: Option<Arc<HashSet<String>>>,
    ) {
        let subscriber = Subscriber {
            tx: tx.clone(),
            teams,
            deltas: false,
        };
        write(&self.topics)
            .entry(topic.clone())
            .or_default()
            .insert(conn, subscriber);
        write(&self.by_conn).entry(conn).or_default().push(topic);
    }

    /// Marks `conn` on `topic` as a client that applies `leaderboard_delta` frames: board
    /// updates reach it through [`Registry::send_board`]'s delta frame.
    pub fn prefer_deltas(&self, topic: &Topic, conn: ConnId) {
        if let Some(subscriber) = write(&self.topics)
            .get_mut(topic)
            .and_then(|subscribers| subscribers.get_mut(&conn))
        {
            subscriber.deltas = true;
        }
    }

    /// Records who is behind `conn` and in which session, so that [`Registry::close_user`]
    /// and [`Registry::close_sessions`] can reach them.
    pub fn set_user(&self, conn: ConnId, user_id: &str, session_id: &str) {
        let holder = Holder {
            user: user_id.to_owned(),
            session: session_id.to_owned(),
        };
        write(&self.users).insert(conn, holder);
    }

    /// The sessions behind this instance's signed-in connections.
    pub fn sessions(&self) -> HashSet<String> {
        read(&self.users)
            .values()
            .map(|h| h.session.clone())
            .collect()
    }

    /// Sends `frame` to every connection, on every topic, opened in one of `sessions`.
    /// Returns how many got it.
    pub fn close_sessions(&self, sessions: &HashSet<String>, frame: &Frame) -> usize {
        let users = read(&self.users);
        let topics = read(&self.topics);
        let mut done = HashSet::new();
        for subscribers in topics.values() {
            for (id, subscriber) in subscribers {
                if users.get(id).is_some_and(|h| sessions.contains(&h.session)) && done.insert(*id)
                {
                    let _ = subscriber.tx.try_send(frame.clone());
                }
            }
        }
        done.len()
    }

    /// The topics `user_id` listens to here.
    pub fn topics_of(&self, user_id: &str) -> Vec<Topic> {
        let users = read(&self.users);
        let by_conn = read(&self.by_conn);
        let mut topics: Vec<Topic> = users
            .iter()
            .filter(|(_, h)| h.user == user_id)
            .filter_map(|(id, _)| by_conn.get(id))
            .flatten()
            .cloned()
            .collect();
        topics.sort_by_key(|t| format!("{t:?}"));
        topics.dedup();
        topics
    }

    /// Sends `frame` (a close, typically) to `user_id`'s connections on `topic`. Returns how
    /// many got it.
    pub fn close_user(&self, topic: &Topic, user_id: &str, frame: &Frame) -> usize {
        let users = read(&self.users);
        let topics = read(&self.topics);
        let Some(subscribers) = topics.get(topic) else {
            return 0;
        };
        subscribers
            .iter()
            .filter(|(id, _)| users.get(id).is_some_and(|h| h.user == user_id))
            // A full queue means the client is being dropped anyway.
            .filter(|(_, subscriber)| subscriber.tx.try_send(frame.clone()).is_ok())
            .count()
    }

    /// Removes `conn` from every topic.
    pub fn close(&self, conn: ConnId) {
        write(&self.users).remove(&conn);
        let Some(topics) = write(&self.by_conn).remove(&conn) else {
            return;
        };
        let mut all = write(&self.topics);
        for topic in topics {
            if let Some(subscribers) = all.get_mut(&topic) {
                subscribers.remove(&conn);
                if subscribers.is_empty() {
                    all.remove(&topic);
                }
            }
        }
    }

    /// Queues `frame` for every subscriber of `topic` but `except`; with `team`, only for
    /// subscribers without a team restriction or whose restriction includes it. Returns how
    /// many got it. Subscribers whose queue is full are dropped.
    pub fn send(
        &self,
        topic: &Topic,
        frame: &Frame,
        team: Option<&str>,
        except: Option<ConnId>,
    ) -> usize {
        self.deliver(topic, |id, subscriber| {
            if Some(id) == except {
                return None;
            }
            if let (Some(team), Some(allowed)) = (team, &subscriber.teams)
                && !allowed.contains(team)
            {
                return None;
            }
            Some(frame)
        })
    }

    /// Queues a board update for every subscriber of `topic`: `delta` for those that asked
    /// for deltas ([`Registry::prefer_deltas`]), `full` for everyone else. Both frames are
    /// built once by the caller; each subscriber gets a reference-counted clone of one.
    /// Returns how many got one.
    pub fn send_board(&self, topic: &Topic, full: &Frame, delta: &Frame) -> usize {
        self.deliver(topic, |_, subscriber| {
            Some(if subscriber.deltas { delta } else { full })
        })
    }

    /// Queues for every subscriber of `topic` the frame `pick` chooses for it (none: skipped).
    /// Subscribers whose queue is full are dropped.
    fn deliver<'f>(
        &self,
        topic: &Topic,
        pick: impl Fn(ConnId, &Subscriber) -> Option<&'f Frame>,
    ) -> usize {
        let mut delivered = 0;
        let mut slow = Vec::new();
        {
            let topics = read(&self.topics);
            let Some(subscribers) = topics.get(topic) else {
                return 0;
            };
            for (id, subscriber) in subscribers {
                let Some(frame) = pick(*id, subscriber) else {
                    continue;
                };
                match subscriber.tx.try_send(frame.clone()) {
                    Ok(()) => delivered += 1,
                    Err(mpsc::error::TrySendError::Full(_)) => slow.push(*id),
                    // Its task has ended and will unsubscribe itself.
                    Err(mpsc::error::TrySendError::Closed(_)) => {}
                }
            }
        }
        for id in slow {
            tracing::info!(connection = id, "live client too slow: dropped");
            self.dropped.fetch_add(1, Ordering::Relaxed);
            self.close(id);
        }
        delivered
    }

    /// Whether anyone here listens to `topic`.
    pub fn has(&self, topic: &Topic) -> bool {
        read(&self.topics).contains_key(topic)
    }

    /// The keys of every topic of one kind with listeners here (`Topic::Team` → team ids…).
    pub fn keys(&self, kind: fn(&Topic) -> Option<&String>) -> Vec<String> {
        read(&self.topics)
            .keys()
            .filter_map(kind)
            .cloned()
            .collect()
    }

    /// Open connections on this instance.
    pub fn connections(&self) -> usize {
        read(&self.by_conn).len()
    }

    /// Connections dropped for being too slow since start.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
