//! The live layer: team workspace channels, shared documents and the event channel over
//! WebSockets, working across several instances.
//!
//! ```text
//!  client ──ws──▶ session (team.rs / docs socket / event.rs) ──▶ actions: check, store
//!                                                                  │ + pg_notify (same txn)
//!  judge, teams, … ──▶ LiveHub::publish(LiveEvent) ─▶ store ───────┤
//!                                                                  ▼
//!                     this instance: Registry::send ──▶ bounded queue per connection
//!                     other instances: bus::listen ──▶ read from the database ──▶ Registry
//! ```
//!
//! Modules, one job each:
//! - `hub`: the live layer of one instance and its ordered publishing queue;
//! - `changes`: what each published [`LiveEvent`] becomes (activity rows, pushes, notices);
//! - [`board`]: the board and the clock of event channels;
//! - [`board_delta`]: the board's frames, full and as a delta from the board pushed before;
//! - `catch_up`: other instances' notices, and catching up after the listener was down;
//! - `tasks`: the background work (publisher, heartbeat, receiver);
//! - `nudges`: the task that nudges coaches of teams over a challenge's expected time, and
//!   the `nudge` frames on the staff channel;
//! - `sign_offs`: the `sign_offs` frame on the staff channel (passes awaiting a coach);
//! - [`registry`]: this instance's connections by topic, and non-blocking delivery;
//! - `deliver`: what each kind of change becomes for this instance's clients;
//! - `questions`: a question or answer for the staff queue, a clarification for every team;
//! - `rewards`: the `rewards` frame to runners and organizers, a remote team's `reward`
//!   activity;
//! - [`bus`]: the notices that cross instances (PostgreSQL LISTEN/NOTIFY);
//! - [`docs`]: open documents, the Yjs sync and awareness protocols, persistence;
//! - [`protocol`]: the JSON messages of the channels;
//! - [`socket`]: the WebSocket loop every channel shares (heartbeats, limits, errors);
//! - [`caps`]: how many sockets one user may hold open;
//! - [`team`], [`event`], [`document`]: the three sockets.

pub mod board;
pub mod board_delta;
pub mod bus;
pub mod caps;
mod catch_up;
mod changes;
mod deliver;
pub mod docs;
pub mod document;
pub mod event;
mod hub;
mod nudges;
pub mod protocol;
mod questions;
pub mod registry;
mod rewards;
mod sign_offs;
pub mod socket;
pub mod stored;
mod tasks;
pub mod team;

use std::sync::{Mutex, PoisonError};

pub use self::{changes::LiveEvent, hub::LiveHub};

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
