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
//! - [`registry`]: this instance's connections by topic, and non-blocking delivery;
//! - `deliver`: what each kind of change becomes for this instance's clients;
//! - [`bus`]: the notices that cross instances (PostgreSQL LISTEN/NOTIFY);
//! - [`docs`]: open documents, the Yjs sync and awareness protocols, persistence;
//! - [`actions`]: what clients do (chat, help calls, documents, announcements), authorized;
//! - [`protocol`]: the JSON messages of the channels;
//! - [`socket`]: the WebSocket loop every channel shares (heartbeats, limits, errors);
//! - [`team`], [`event`], [`document`]: the three sockets.

pub mod actions;
pub mod bus;
mod deliver;
pub mod docs;
pub mod document;
pub mod event;
pub mod protocol;
pub mod registry;
pub mod socket;
pub mod team;

use std::{
    collections::{HashMap, HashSet},
    sync::{Mutex, OnceLock, PoisonError, Weak},
    time::Duration,
};

use bytestring::ByteString;
use diesel::Connection;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use self::{
    bus::{Heard, Notice},
    docs::Rooms,
    registry::{Frame, Registry, Topic},
};
use crate::{
    config::DatabaseUrl,
    db::{Backend, new_id, now},
    error::{Error, Result},
    models::{
        activity::Activity, announcement::Announcement, chat::ChatMessage, event::Event,
        help_call::HelpCall, presence::Presence, verdict::Verdict,
    },
    state::AppState,
};

/// How often an instance heartbeats and re-checks presence.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// The longest the event clock goes without a push.
const CLOCK_EVERY: Duration = Duration::from_secs(60);

/// Something that happened elsewhere in cohack and is pushed live. Build one and hand it to
/// [`LiveHub::publish`]; it is stored (team activity), delivered here and announced to other
/// instances, in the order published.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A team submitted.
    Submission {
        /// The team.
        team_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// The member who submitted.
        submitted_by: String,
    },
    /// A submission was judged (or its validator failed).
    Verdict {
        /// The team.
        team_id: String,
        /// Its event (the leaderboard is pushed too).
        event_id: String,
        /// The submission.
        submission_id: String,
        /// Challenge slug.
        challenge: String,
        /// `judged` or `validator_error`.
        status: String,
        /// Solved.
        passed: bool,
        /// Partial credit.
        score: i32,
        /// Best possible score.
        max_score: i32,
        /// Feedback for the team.
        feedback: String,
        /// The per-check results, `[{name, passed, message}]`.
        checks: Value,
    },
    /// A challenge opened to a team.
    Unlocked {
        /// The team.
        team_id: String,
        /// Challenge slug.
        challenge: String,
    },
    /// Someone joined a team.
    MemberJoined {
        /// The team.
        team_id: String,
        /// The new member.
        user_id: String,
        /// Their display name.
        display_name: String,
    },
    /// A coach was assigned to a team.
    CoachAssigned {
        /// The team.
        team_id: String,
        /// The coach.
        user_id: String,
        /// Their display name.
        display_name: String,
    },
    /// Someone lost access to a team (a coach was removed): their open sockets on it close.
    AccessRevoked {
        /// The team.
        team_id: String,
        /// Its event.
        event_id: String,
        /// Who lost access.
        user_id: String,
    },
    /// The event's leaderboard may have changed (verdicts, rejudges).
    LeaderboardChanged {
        /// The event.
        event_id: String,
    },
    /// The event's schedule (start, end, freeze) changed.
    EventUpdated {
        /// The event.
        event_id: String,
    },
}

impl LiveEvent {
    /// The `Verdict` event of a recorded verdict.
    pub fn verdict(verdict: &Verdict, team_id: &str, event_id: &str, challenge: &str) -> Self {
        LiveEvent::Verdict {
            team_id: team_id.to_owned(),
            event_id: event_id.to_owned(),
            submission_id: verdict.submission_id.clone(),
            challenge: challenge.to_owned(),
            status: if verdict.error_kind.is_some() {
                "validator_error".into()
            } else {
                "judged".into()
            },
            passed: verdict.passed,
            score: verdict.score,
            max_score: verdict.max_score,
            feedback: verdict.feedback.clone(),
            checks: serde_json::from_str(&verdict.checks).unwrap_or(Value::Array(Vec::new())),
        }
    }
}

#[derive(Default)]
struct BoardPush {
    running: bool,
    dirty: bool,
}

/// The live layer of one instance (`state.live`).
pub struct LiveHub {
    instance_id: String,
    backend: Backend,
    /// This instance's connections.
    pub registry: Registry,
    /// Open documents.
    pub rooms: Rooms,
    state: OnceLock<Weak<AppState>>,
    events_tx: mpsc::UnboundedSender<LiveEvent>,
    events_rx: Mutex<Option<mpsc::UnboundedReceiver<LiveEvent>>>,
    boards: Mutex<HashMap<String, BoardPush>>,
    board_frames: Mutex<HashMap<String, (actix_web::web::Bytes, Frame)>>,
    clocks: Mutex<HashSet<String>>,
    slugs: Mutex<HashMap<String, String>>,
    presence: Mutex<HashMap<String, String>>,
    cursors: Mutex<HashMap<String, String>>,
    lost_at: Mutex<Option<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The smallest UUIDv7 of a moment: every id made from then on sorts after it.
fn id_floor(at: chrono::DateTime<chrono::Utc>) -> String {
    let millis = u128::try_from(at.timestamp_millis()).unwrap_or(0);
    uuid::Uuid::from_u128(millis << 80).to_string()
}

impl LiveHub {
    /// A hub for a new instance.
    pub fn new(backend: Backend) -> Self {
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        LiveHub {
            instance_id: new_id(),
            backend,
            registry: Registry::default(),
            rooms: Rooms::default(),
            state: OnceLock::new(),
            events_tx,
            events_rx: Mutex::new(Some(events_rx)),
            boards: Mutex::default(),
            board_frames: Mutex::default(),
            clocks: Mutex::default(),
            slugs: Mutex::default(),
            presence: Mutex::default(),
            cursors: Mutex::default(),
            lost_at: Mutex::default(),
        }
    }

    /// This instance's id (unique per process start).
    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Starts the background work: the publisher, heartbeats and, on PostgreSQL, the
    /// listener. Call once, inside a tokio runtime.
    pub fn start(state: &actix_web::web::Data<AppState>, url: &DatabaseUrl) {
        let hub = &state.live;
        if hub
            .state
            .set(std::sync::Arc::downgrade(&state.clone().into_inner()))
            .is_err()
        {
            return;
        }
        if let Some(rx) = lock(&hub.events_rx).take() {
            tokio::spawn(publisher(state.clone(), rx));
        }
        // Presence counts only for instances seen alive: be seen before the first connection.
        let beat = state
            .db
            .checkout(Duration::from_secs(5))
            .map_err(Error::from)
            .and_then(|mut conn| Presence::heartbeat(&mut conn, &hub.instance_id));
        if let Err(e) = beat {
            tracing::warn!(error = %e, "first live heartbeat failed");
        }
        tokio::spawn(heartbeat(state.clone()));
        if let DatabaseUrl::Postgres(url) = url {
            let (tx, rx) = mpsc::channel(1024);
            tokio::spawn(bus::listen(url.clone(), hub.instance_id.clone(), tx));
            tokio::spawn(receiver(state.clone(), rx));
        }
    }

    /// Publishes an event: stored, pushed here and announced to other instances, in order,
    /// in the background. Never blocks and never fails (failures are logged).
    pub fn publish(&self, event: LiveEvent) {
        if self.events_tx.send(event).is_err() {
            tracing::debug!("live layer not started: event dropped");
        }
    }

    fn state(&self) -> Option<std::sync::Arc<AppState>> {
        self.state.get().and_then(Weak::upgrade)
    }

    fn advance(&self, key: String, id: &str) {
        let mut cursors = lock(&self.cursors);
        let entry = cursors.entry(key).or_default();
        if entry.as_str() < id {
            *entry = id.to_owned();
        }
    }

    fn cursor(&self, key: &str) -> Option<String> {
        lock(&self.cursors)
            .get(key)
            .cloned()
            .or_else(|| lock(&self.lost_at).clone())
    }

    /// Notes what a client was sent at join, so that catching up starts after it.
    pub fn seen(&self, kind: &str, key: &str, id: &str) {
        self.advance(format!("{kind}:{key}"), id);
    }

    /// Announces a notice to other instances (outside any transaction).
    pub async fn notify(&self, state: &AppState, notice: Notice) {
        if self.backend != Backend::Postgres {
            return;
        }
        if let Err(e) = state.db.run(move |conn| bus::notify(conn, &notice)).await {
            tracing::warn!(error = %e, "live notice not sent");
        }
    }

    // ---- catching up ---------------------------------------------------------------------

    async fn on_notice(&self, state: &AppState, notice: Notice) -> Result<()> {
        match notice {
            Notice::Chat { t, id, .. } => self.deliver_chat(state, &t, &id).await,
            Notice::Activity { t, id, .. } => self.deliver_activity(state, &t, &id).await,
            Notice::Presence { t, .. } => self.deliver_presence(state, &t, false).await,
            Notice::Help { t, id, .. } => self.deliver_help(state, &t, &id).await,
            Notice::Docs { t, .. } => self.deliver_documents(state, &t).await,
            Notice::Doc { d, s, .. } => match self.rooms.get(&d) {
                Some(room) => room.remote_update(state, s).await,
                None => Ok(()),
            },
            Notice::Awareness { d, u, .. } => match self.rooms.get(&d) {
                Some(room) => room.remote_awareness(state, &u).await,
                None => Ok(()),
            },
            Notice::Announcement { id, .. } => self.deliver_announcement(state, &id).await,
            Notice::Board { e, .. } => {
                state.leaderboard.invalidate(&e);
                self.deliver_board(&e);
                Ok(())
            }
            Notice::Event { e, .. } => {
                state.leaderboard.invalidate(&e);
                self.deliver_board(&e);
                self.deliver_clock(state, &e).await
            }
            Notice::Revoked { t, e, u, .. } => {
                self.close_revoked(&t, &e, &u);
                Ok(())
            }
        }
    }

    /// Closes `user_id`'s sockets here on the team `team_id` (its channel and documents, code
    /// 4403) and their staff event channel (whose team list is now stale; the client
    /// reconnects with the new one).
    fn close_revoked(&self, team_id: &str, event_id: &str, user_id: &str) {
        let gone = Frame::Close(4403, "access withdrawn");
        let mut closed = self
            .registry
            .close_user(&Topic::Team(team_id.to_owned()), user_id, &gone);
        for room in self.rooms.all() {
            if room.team_id == team_id {
                closed += self
                    .registry
                    .close_user(&Topic::Doc(room.id.clone()), user_id, &gone);
            }
        }
        let stale = Frame::Close(4409, "team list changed: reconnect");
        closed += self
            .registry
            .close_user(&Topic::Staff(event_id.to_owned()), user_id, &stale);
        if closed > 0 {
            tracing::info!(
                team = team_id,
                user = user_id,
                closed,
                "access withdrawn: sockets closed"
            );
        }
    }

    /// After the listener was down: reads from the database whatever it may have missed for
    /// the teams, documents and events with clients here, and pushes it.
    pub async fn catch_up(&self, state: &AppState) -> Result<()> {
        let teams = self.registry.keys(|t| match t {
            Topic::Team(id) => Some(id),
            _ => None,
        });
        for team in teams {
            let after = self.cursor(&format!("chat:{team}"));
            let (owned, page) = (
                team.clone(),
                crate::models::chat::HistoryPage {
                    after: Some(after.unwrap_or_default()),
                    limit: crate::models::chat::MAX_HISTORY_PAGE,
                    ..Default::default()
                },
            );
            let (lines, _) = state
                .db
                .run(move |conn| ChatMessage::history(conn, &owned, &page))
                .await?;
            for line in lines {
                self.advance(format!("chat:{team}"), &line.id);
                let frame = Frame::json(&protocol::with_type("chat", &line));
                self.registry
                    .send(&Topic::Team(team.clone()), &frame, None, None);
            }
            let after = self.cursor(&format!("activity:{team}")).unwrap_or_default();
            let owned = team.clone();
            let items = state
                .db
                .run(move |conn| Activity::of_team(conn, &owned, Some(&after), 200))
                .await?;
            for item in items {
                self.advance(format!("activity:{team}"), &item.id);
                let frame = Frame::Text(ByteString::from(item.payload));
                self.registry
                    .send(&Topic::Team(team.clone()), &frame, None, None);
            }
            let owned = team.clone();
            let calls = state
                .db
                .run(move |conn| HelpCall::open_of_team(conn, &owned))
                .await?;
            let views: Vec<_> = calls
                .iter()
                .map(crate::models::help_call::HelpCallView::from)
                .collect();
            let frame = Frame::json(&json!({"type": "help_calls", "calls": views}));
            self.registry
                .send(&Topic::Team(team.clone()), &frame, None, None);
            self.deliver_presence(state, &team, false).await?;
            self.deliver_documents(state, &team).await?;
        }
        for room in self.rooms.all() {
            room.resync(state).await?;
        }
        let events = self.registry.keys(|t| match t {
            Topic::Event(id) | Topic::EventTeams(id) => Some(id),
            _ => None,
        });
        for event in events.into_iter().collect::<HashSet<_>>() {
            state.leaderboard.invalidate(&event);
            self.deliver_board(&event);
            if self.registry.has(&Topic::Event(event.clone())) {
                self.deliver_clock(state, &event).await?;
            }
            let after = self
                .cursor(&format!("announcement:{event}"))
                .unwrap_or_default();
            let owned = event.clone();
            let list = state
                .db
                .run(move |conn| Announcement::of_event(conn, &owned, Some(&after), 50))
                .await?;
            for view in list {
                self.advance(format!("announcement:{event}"), &view.id);
                let frame = Frame::json(&protocol::with_type("announcement", &view));
                self.registry
                    .send(&Topic::Event(event.clone()), &frame, None, None);
                self.registry
                    .send(&Topic::EventTeams(event.clone()), &frame, None, None);
            }
        }
        Ok(())
    }

    // ---- events from the rest of cohack -------------------------------------------------

    async fn record_activity(
        &self,
        state: &AppState,
        team_id: &str,
        kind: &str,
        data: Value,
    ) -> Result<()> {
        let id = new_id();
        let at = now();
        let mut payload = json!({"type": "activity", "id": id, "kind": kind, "at": at.and_utc()});
        if let (Some(target), Value::Object(fields)) = (payload.as_object_mut(), data) {
            target.extend(fields);
        }
        let activity = Activity {
            id: id.clone(),
            team_id: team_id.to_owned(),
            kind: kind.to_owned(),
            payload: payload.to_string(),
            created_at: at,
        };
        let notice = Notice::Activity {
            o: self.instance_id.clone(),
            t: team_id.to_owned(),
            id: id.clone(),
        };
        state
            .db
            .write(move |conn| {
                conn.transaction(|conn| {
                    Activity::record(conn, &activity)?;
                    bus::notify(conn, &notice)
                })
            })
            .await?;
        self.deliver_activity(state, team_id, &id).await
    }

    async fn handle_event(&self, state: &AppState, event: LiveEvent) -> Result<()> {
        match event {
            LiveEvent::Submission {
                team_id,
                submission_id,
                challenge,
                submitted_by,
            } => {
                let data = json!({"submission_id": submission_id, "challenge": challenge,
                    "submitted_by": submitted_by});
                self.record_activity(state, &team_id, "submission", data)
                    .await
            }
            LiveEvent::Verdict {
                team_id,
                event_id,
                submission_id,
                challenge,
                status,
                passed,
                score,
                max_score,
                feedback,
                checks,
            } => {
                let data = json!({"submission_id": submission_id, "challenge": challenge,
                    "status": status, "passed": passed, "score": score, "max_score": max_score,
                    "feedback": feedback, "checks": checks});
                self.record_activity(state, &team_id, "verdict", data)
                    .await?;
                self.board_changed(state, &event_id).await;
                if passed && status == "judged" {
                    let (event, team) = (event_id.clone(), team_id.clone());
                    let opened = state
                        .db
                        .run(move |conn| newly_unlocked(conn, &event, &team, &challenge))
                        .await?;
                    for challenge in opened {
                        let data = json!({"challenge": challenge});
                        self.record_activity(state, &team_id, "unlock", data)
                            .await?;
                    }
                }
                Ok(())
            }
            LiveEvent::Unlocked { team_id, challenge } => {
                self.record_activity(state, &team_id, "unlock", json!({"challenge": challenge}))
                    .await
            }
            LiveEvent::MemberJoined {
                team_id,
                user_id,
                display_name,
            } => {
                let data = json!({"user": {"user_id": user_id, "display_name": display_name}});
                self.record_activity(state, &team_id, "member_joined", data)
                    .await
            }
            LiveEvent::CoachAssigned {
                team_id,
                user_id,
                display_name,
            } => {
                let data = json!({"user": {"user_id": user_id, "display_name": display_name}});
                self.record_activity(state, &team_id, "coach_assigned", data)
                    .await
            }
            LiveEvent::LeaderboardChanged { event_id } => {
                self.board_changed(state, &event_id).await;
                Ok(())
            }
            LiveEvent::AccessRevoked {
                team_id,
                event_id,
                user_id,
            } => {
                self.close_revoked(&team_id, &event_id, &user_id);
                let notice = Notice::Revoked {
                    o: self.instance_id.clone(),
                    t: team_id,
                    e: event_id,
                    u: user_id,
                };
                self.notify(state, notice).await;
                Ok(())
            }
            LiveEvent::EventUpdated { event_id } => {
                state.leaderboard.invalidate(&event_id);
                self.deliver_board(&event_id);
                let notice = Notice::Event {
                    o: self.instance_id.clone(),
                    e: event_id.clone(),
                };
                self.notify(state, notice).await;
                if self.registry.has(&Topic::Event(event_id.clone())) {
                    self.deliver_clock(state, &event_id).await?;
                }
                Ok(())
            }
        }
    }

    async fn board_changed(&self, state: &AppState, event_id: &str) {
        state.leaderboard.invalidate(event_id);
        self.deliver_board(event_id);
        let notice = Notice::Board {
            o: self.instance_id.clone(),
            e: event_id.to_owned(),
        };
        self.notify(state, notice).await;
    }

    /// Publishes and waits until the event is stored and pushed (tests, benchmarks).
    pub async fn publish_now(&self, state: &AppState, event: LiveEvent) -> Result<()> {
        self.handle_event(state, event).await
    }
}

/// The challenges (slugs) a team's first pass on `challenge` opened: none when it had passed
/// it before. Two first passes judged at the same moment may both see two passes and report
/// nothing; the ladder itself is still right.
fn newly_unlocked(
    conn: &mut crate::db::DbConnection,
    event_id: &str,
    team_id: &str,
    challenge: &str,
) -> Result<Vec<String>> {
    use diesel::prelude::*;

    use crate::{
        db::schema::{submissions, verdicts},
        models::challenge::{self, Challenge},
    };

    let ladder = Challenge::ladder(conn, event_id)?;
    let Some(passed) = ladder.iter().find(|c| c.slug == challenge) else {
        return Ok(Vec::new());
    };
    let passes: i64 = submissions::table
        .inner_join(verdicts::table)
        .filter(submissions::team_id.eq(team_id))
        .filter(submissions::challenge_id.eq(&passed.id))
        .filter(verdicts::is_current.eq(true))
        .filter(verdicts::passed.eq(true))
        .count()
        .get_result(conn)?;
    if passes != 1 {
        return Ok(Vec::new());
    }
    let solved = Challenge::solved_by(conn, team_id)?;
    let mut before = solved.clone();
    before.remove(&passed.id);
    let open_now = challenge::unlocked(&ladder, &solved);
    let open_before = challenge::unlocked(&ladder, &before);
    Ok(ladder
        .iter()
        .filter(|c| open_now.contains(&c.id) && !open_before.contains(&c.id))
        .map(|c| c.slug.clone())
        .collect())
}

/// The time until the next schedule boundary of `event` and which.
fn next_boundary(event: &Event) -> Option<(Duration, chrono::NaiveDateTime)> {
    let at = now();
    [Some(event.starts_at), event.freeze_at, Some(event.ends_at)]
        .into_iter()
        .flatten()
        .filter(|b| *b > at)
        .min()
        .map(|b| {
            (
                (b - at).to_std().unwrap_or_default() + Duration::from_millis(20),
                b,
            )
        })
}

async fn publisher(
    state: actix_web::web::Data<AppState>,
    mut rx: mpsc::UnboundedReceiver<LiveEvent>,
) {
    while let Some(event) = rx.recv().await {
        if let Err(e) = state.live.handle_event(&state, event).await {
            tracing::warn!(error = %e, "live event not delivered");
        }
    }
}

async fn receiver(state: actix_web::web::Data<AppState>, mut rx: mpsc::Receiver<Heard>) {
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

async fn heartbeat(state: actix_web::web::Data<AppState>) {
    let mut ticks: u64 = 0;
    loop {
        let instance = state.live.instance_id.clone();
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
