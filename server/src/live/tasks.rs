//! The live layer's background work on each instance: the publisher (events in the order
//! published), the heartbeat (presence of this instance and of its clients), the sweep that
//! closes the sockets of ended sessions and, on PostgreSQL, the receiver of other instances'
//! notices.

use std::{collections::HashSet, time::Duration};

use actix_web::web;
use tokio::sync::mpsc;

use super::{
    LiveEvent, LiveHub,
    bus::{self, Heard},
    lock,
    registry::{Frame, Topic},
};
use crate::{
    auth::sessions,
    config::DatabaseUrl,
    error::{Error, Result},
    models::presence::Presence,
    state::AppState,
};

/// How often an instance heartbeats and re-checks presence.
const HEARTBEAT: Duration = Duration::from_secs(10);

/// How often the sessions behind open sockets are checked (see [`session_sweep`]).
const SESSION_SWEEP: Duration = Duration::from_millis(500);

/// The smallest UUIDv7 of a moment: every id made from then on sorts after it.
fn id_floor(at: chrono::DateTime<chrono::Utc>) -> String {
    let millis = u128::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Uuid::from_u128(millis << 80).to_string()
}

impl LiveHub {
    /// Starts the background work: the publisher, heartbeats and, on PostgreSQL, the
    /// listener. Call once, inside a tokio runtime; a second call does nothing.
    pub fn start(state: &web::Data<AppState>, url: &DatabaseUrl) -> Result<()> {
        let hub = &state.live;
        let Some(rx) = lock(&hub.events_rx).take() else {
            return Ok(());
        };
        tokio::spawn(publisher(state.clone(), rx));
        // Presence counts only for instances seen alive: be seen before the first connection.
        let beat = state
            .db
            .checkout(Duration::from_secs(5))
            .map_err(Error::from)
            .and_then(|mut conn| Presence::heartbeat(&mut conn, hub.instance_id()));
        if let Err(e) = beat {
            tracing::warn!(error = %e, "first live heartbeat failed");
        }
        tokio::spawn(heartbeat(state.clone()));
        tokio::spawn(session_sweep(state.clone()));
        tokio::spawn(super::nudges::watch(state.clone()));
        if let DatabaseUrl::Postgres(url) = url {
            let (tx, rx) = mpsc::channel(1024);
            tokio::spawn(bus::listen(url.clone(), hub.instance_id().to_owned(), tx));
            tokio::spawn(receiver(state.clone(), rx));
        }
        Ok(())
    }
}

async fn publisher(state: web::Data<AppState>, mut rx: mpsc::UnboundedReceiver<LiveEvent>) {
    while let Some(event) = rx.recv().await {
        if let Err(e) = state.live.handle_event(&state, event).await {
            tracing::warn!(error = %e, "live event not delivered");
        }
    }
}

async fn receiver(state: web::Data<AppState>, mut rx: mpsc::Receiver<Heard>) {
    let mut first = true;
    while let Some(heard) = rx.recv().await {
        match heard {
            Heard::Notice(notice) => {
                if let Err(e) = state.live.on_notice(&state, notice).await {
                    tracing::warn!(error = %e, "live notice not handled");
                }
            }
            Heard::Connected if first => first = false,
            Heard::Connected => {
                tracing::info!("live listener reconnected: catching up from the database");
                if let Err(e) = state.live.catch_up(&state).await {
                    tracing::warn!(error = %e, "live catch-up failed");
                }
                *lock(&state.live.lost_at) = None;
            }
            Heard::Lost => {
                let mut lost = lock(&state.live.lost_at);
                if lost.is_none() {
                    // A margin for clocks of other instances running a little behind.
                    *lost = Some(id_floor(
                        chrono::Utc::now() - chrono::TimeDelta::seconds(10),
                    ));
                }
            }
        }
    }
}

async fn heartbeat(state: web::Data<AppState>) {
    let mut ticks: u64 = 0;
    loop {
        let instance = state.live.instance_id().to_owned();
        let sweep = ticks.is_multiple_of(30);
        let beat = state
            .db
            .write(move |conn| {
                Presence::heartbeat(conn, &instance)?;
                if sweep {
                    Presence::sweep(conn)?;
                }
                Ok::<_, Error>(())
            })
            .await;
        if let Err(e) = beat {
            tracing::warn!(error = %e, "live heartbeat failed");
        }
        if ticks > 0 {
            // Expired instances change presence without anyone saying so.
            let teams = state.live.registry.keys(|t| match t {
                Topic::Team(id) => Some(id),
                _ => None,
            });
            for team in teams {
                if let Err(e) = state.live.deliver_presence(&state, &team, false).await {
                    tracing::debug!(error = %e, "presence not refreshed");
                }
            }
        }
        ticks += 1;
        tokio::time::sleep(HEARTBEAT).await;
    }
}

/// Closes the sockets of sessions that ended, whichever way they ended and on whichever
/// instance: signing out (API or browser), a reused refresh token revoking its family. Asked
/// of the database twice a second for the sessions connected here, so every path that ends
/// a session reaches open sockets within a second without having to know about them.
async fn session_sweep(state: web::Data<AppState>) {
    let ended_frame = Frame::Close(4401, "session ended: sign in again");
    loop {
        tokio::time::sleep(SESSION_SWEEP).await;
        let connected: Vec<String> = state.live.registry.sessions().into_iter().collect();
        if connected.is_empty() {
            continue;
        }
        let ended = state
            .db
            .run(move |conn| sessions::ended_among(conn, &connected))
            .await;
        match ended {
            Ok(ended) if !ended.is_empty() => {
                let ended: HashSet<String> = ended.into_iter().collect();
                let closed = state.live.registry.close_sessions(&ended, &ended_frame);
                tracing::info!(
                    sessions = ended.len(),
                    closed,
                    "sessions ended: sockets closed"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "session sweep failed"),
        }
    }
}
