//! The event channel (`GET /api/v1/events/{slug}/ws`): the public leaderboard (frozen for the
//! public as over HTTP), the clock with the server's time, and announcements. No log-in is
//! needed; an organizer (all teams) or coach (their teams) who sends a token also gets the
//! event's help calls live, and a runner or organizer of an event that gives rewards gets a
//! `rewards` frame whenever its rewards may have changed. A client that opens it with `?board=deltas` gets board updates as
//! `leaderboard_delta` frames (see [`super::board_delta`]) and may ask for the whole board.

use std::{collections::HashSet, sync::Arc};

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::{
    board::BoardChannel,
    protocol::{EVENT_LIMITS, EventRequest, error_of, parse, pong_frame},
    registry::{Frame, Topic},
    socket::{self, Channel},
};
use crate::{
    access,
    auth::MaybeUser,
    error::{Error, Result},
    models::{
        announcement::Announcement,
        event::Event,
        help_call::{HelpCall, HelpCallView},
    },
    state::AppState,
};

struct EventChannel {
    event_id: String,
}

/// How a client wants board updates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BoardUpdates {
    /// Every update as a whole `leaderboard` frame (the default).
    #[default]
    Full,
    /// Updates as `leaderboard_delta` frames where smaller; the greeting's board and answers
    /// to `{"type":"leaderboard"}` stay whole.
    Deltas,
}

/// Who on the event channel sees help calls: `None` nobody, `Some(None)` all teams (an
/// organizer), `Some(Some(teams))` those teams (a coach).
type StaffScope = Option<Option<Vec<String>>>;

/// Opens an event channel.
pub async fn open(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    caller: MaybeUser,
    slug: String,
    updates: BoardUpdates,
) -> Result<HttpResponse> {
    let caller_id = caller
        .0
        .as_ref()
        .map(|c| (c.user.id.clone(), c.session_id.clone()));
    let (event, staff, rewards): (Event, StaffScope, bool) = state
        .db
        .run(move |conn| {
            let event = Event::find_by_slug(conn, &slug)?;
            let (staff, rewards) = match caller.0 {
                None => (None, false),
                Some(caller) => {
                    let access = access::event_access(conn, &caller.user, &slug)?;
                    let staff = access::oversight(conn, &caller.user, &access)?
                        .map(|oversight| oversight.team_ids().map(<[String]>::to_vec));
                    (staff, access.sees_rewards() && access.event.rewards)
                }
            };
            Ok::<_, Error>((event, staff, rewards))
        })
        .await?;
    let permit = match &caller_id {
        Some((user, _)) => Some(state.socket_caps.admit(user)?),
        None => None,
    };
    let (response, session, stream) = actix_ws::handle(&req, body)
        .map_err(|e| Error::bad_request("not_websocket", e.to_string()))?;
    let hub = &state.live;
    let (conn, tx, rx) = hub.registry.open(EVENT_LIMITS.queue);
    hub.registry
        .subscribe(Topic::Event(event.id.clone()), conn, &tx, None);
    if updates == BoardUpdates::Deltas {
        hub.registry
            .prefer_deltas(&Topic::Event(event.id.clone()), conn);
    }
    if let Some(scope) = &staff {
        let teams = scope
            .as_ref()
            .map(|teams| Arc::new(teams.iter().cloned().collect::<HashSet<_>>()));
        hub.registry
            .subscribe(Topic::Staff(event.id.clone()), conn, &tx, teams);
    }
    if rewards {
        hub.registry
            .subscribe(Topic::Rewards(event.id.clone()), conn, &tx, None);
    }
    if (staff.is_some() || rewards)
        && let Some((user, session)) = &caller_id
    {
        hub.registry.set_user(conn, user, session);
    }
    drop(tx);
    hub.ensure_clock(&event.id);
    let channel = EventChannel {
        event_id: event.id.clone(),
    };
    actix_web::rt::spawn(async move {
        let _permit = permit;
        let greeting = match greeting(&state, &event, staff).await {
            Ok(frames) => frames,
            Err(e) => vec![error_of(&e), Frame::Close(1011, "cannot join")],
        };
        socket::run(
            state,
            conn,
            session,
            stream,
            rx,
            greeting,
            channel,
            EVENT_LIMITS,
        )
        .await;
    });
    Ok(response)
}

/// `hello`, `clock`, `leaderboard`, `announcements`, and for staff `help_calls`.
async fn greeting(state: &AppState, event: &Event, staff: StaffScope) -> Result<Vec<Frame>> {
    let board = state.live.board.frame(&event.id).await?;
    let (event_id, scope) = (event.id.clone(), staff.clone());
    let (announcements, calls) = state
        .db
        .run(move |conn| {
            let announcements = Announcement::of_event(conn, &event_id, None, 20)?;
            let calls = match &scope {
                None => Vec::new(),
                Some(teams) => HelpCall::of_event(conn, &event_id, true, teams.as_deref())?,
            };
            Ok::<_, Error>((announcements, calls))
        })
        .await?;
    if let Some(last) = announcements.last() {
        state.live.seen("announcement", &event.id, &last.id);
    }
    let mut frames = vec![
        Frame::json(&json!({
            "type": "hello",
            "server_time": chrono::Utc::now(),
            "event": {"id": event.id, "slug": event.slug, "name": event.name},
            "staff": staff.is_some(),
        })),
        BoardChannel::clock_frame(event),
        board,
        Frame::json(&json!({"type": "announcements", "announcements": announcements})),
    ];
    if staff.is_some() {
        let calls: Vec<HelpCallView> = calls.iter().map(HelpCallView::from).collect();
        frames.push(Frame::json(&json!({"type": "help_calls", "calls": calls})));
    }
    Ok(frames)
}

impl Channel for EventChannel {
    async fn on_text(&mut self, state: &AppState, text: &str) -> Vec<Frame> {
        match parse::<EventRequest>(text) {
            Ok(EventRequest::Ping) => vec![pong_frame()],
            Ok(EventRequest::Leaderboard) => match state.live.board.frame(&self.event_id).await {
                Ok(frame) => vec![frame],
                Err(e) => vec![error_of(&e)],
            },
            Err(frame) => vec![frame],
        }
    }

    async fn on_binary(&mut self, _state: &AppState, _data: web::Bytes) -> Vec<Frame> {
        vec![error_of(&Error::bad_request(
            "binary_not_accepted",
            "the event channel speaks JSON text frames",
        ))]
    }

    async fn on_close(&mut self, _state: &AppState) {}
}
