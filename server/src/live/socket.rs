//! The WebSocket loop every channel shares: the greeting, then frames queued for the client,
//! the client's messages (within the size and rate limits) and heartbeats, until either side
//! goes away.
//!
//! Heartbeats: the server pings every [`PING_EVERY`]; a client silent for [`CLIENT_TIMEOUT`]
//! is disconnected. An oversized frame is answered with `message_too_large` and the socket is
//! closed with 1009 (the rest of the frame cannot be skipped); a client too slow to take its
//! frames is closed with 1013 once its queue is full (see [`super::registry`]).

use std::time::Instant;

use actix_web::web::{self, Bytes};
use actix_ws::{
    AggregatedMessage, CloseCode, CloseReason, Item, MessageStream, ProtocolError, Session,
};
use tokio::sync::mpsc;

use super::{
    protocol::{CLIENT_TIMEOUT, Limits, PING_EVERY, RATE_WINDOW, error_frame},
    registry::{ConnId, Frame},
};
use crate::state::AppState;

/// What makes one kind of channel different.
pub(crate) trait Channel {
    /// A text frame from the client; returns the frames to answer with.
    async fn on_text(&mut self, state: &AppState, text: &str) -> Vec<Frame>;
    /// A binary frame from the client; returns the frames to answer with.
    async fn on_binary(&mut self, state: &AppState, data: Bytes) -> Vec<Frame>;
    /// The socket is gone (whoever closed it).
    async fn on_close(&mut self, state: &AppState);
}

/// How a socket ended.
enum End {
    Client,
    Server(CloseCode, &'static str),
}

/// Text frames larger than this go out as fragments of this size (see [`write`]); with its
/// 4-byte header a fragment is 4 KiB on the wire.
const FRAGMENT: usize = 4 * 1024 - 4;

async fn write(session: &mut Session, frame: Frame) -> Result<(), End> {
    let sent = match frame {
        // A large frame (a leaderboard) goes out as continuation fragments, slices of the one
        // buffer every connection shares: the HTTP layer encodes and writes 4 KiB at a time
        // instead of copying the whole frame into each connection's write buffer at once.
        Frame::Text(text) if text.len() > FRAGMENT => {
            let bytes = text.into_bytes();
            let mut offset = 0;
            while offset < bytes.len() {
                let end = (offset + FRAGMENT).min(bytes.len());
                let chunk = bytes.slice(offset..end);
                let item = match (offset == 0, end == bytes.len()) {
                    (true, _) => Item::FirstText(chunk),
                    (false, true) => Item::Last(chunk),
                    (false, false) => Item::Continue(chunk),
                };
                session.continuation(item).await.map_err(|_| End::Client)?;
                offset = end;
                // Let the HTTP layer take this fragment alone: fed all at once, it would copy
                // the whole frame into the connection's write buffer, which then keeps that
                // size for as long as the connection lives.
                tokio::task::yield_now().await;
            }
            Ok(())
        }
        Frame::Text(text) => session.text(text).await,
        Frame::Binary(bytes) => session.binary(bytes).await,
        Frame::Close(code, reason) => return Err(End::Server(CloseCode::Other(code), reason)),
    };
    sent.map_err(|_| End::Client)
}

/// Runs a socket to its end.
#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one socket, taken apart once"
)]
pub(crate) async fn run<C: Channel>(
    state: web::Data<AppState>,
    conn: ConnId,
    mut session: Session,
    stream: MessageStream,
    mut rx: mpsc::Receiver<Frame>,
    greeting: Vec<Frame>,
    mut channel: C,
    limits: Limits,
) {
    let mut stream = stream
        .max_frame_size(limits.max_frame)
        .aggregate_continuations()
        .max_continuation_size(limits.max_frame);
    let end = async {
        for frame in greeting {
            write(&mut session, frame).await?;
        }
        let mut last_heard = Instant::now();
        let mut window = (Instant::now(), 0u32);
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                frame = rx.recv() => match frame {
                    Some(frame) => write(&mut session, frame).await?,
                    None => return Err(End::Server(CloseCode::Again, "too slow: frames were dropped")),
                },
                message = stream.recv() => {
                    let message = match message {
                        None | Some(Ok(AggregatedMessage::Close(_))) => return Err(End::Client),
                        Some(Ok(message)) => message,
                        Some(Err(ProtocolError::Overflow)) => {
                            let _ = write(&mut session, error_frame(
                                "message_too_large",
                                &format!("frames are limited to {} bytes", limits.max_frame),
                            )).await;
                            return Err(End::Server(CloseCode::Size, "message too large"));
                        }
                        Some(Err(e)) => {
                            let _ = write(&mut session, error_frame("protocol_error", &e.to_string())).await;
                            return Err(End::Server(CloseCode::Protocol, "protocol error"));
                        }
                    };
                    last_heard = Instant::now();
                    let replies = match message {
                        AggregatedMessage::Ping(bytes) => {
                            session.pong(&bytes).await.map_err(|_| End::Client)?;
                            continue;
                        }
                        AggregatedMessage::Pong(_) | AggregatedMessage::Close(_) => continue,
                        message => {
                            if window.0.elapsed() > RATE_WINDOW {
                                window = (Instant::now(), 0);
                            }
                            window.1 += 1;
                            if window.1 > limits.per_window {
                                vec![error_frame("rate_limited", "too many messages; slow down")]
                            } else {
                                match message {
                                    AggregatedMessage::Text(text) => channel.on_text(&state, &text).await,
                                    AggregatedMessage::Binary(data) => channel.on_binary(&state, data).await,
                                    _ => Vec::new(),
                                }
                            }
                        }
                    };
                    for frame in replies {
                        write(&mut session, frame).await?;
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > CLIENT_TIMEOUT {
                        return Err(End::Server(CloseCode::Away, "no heartbeat"));
                    }
                    session.ping(b"").await.map_err(|_| End::Client)?;
                }
            }
        }
        #[expect(unreachable_code, reason = "gives the async block its type")]
        Ok::<(), End>(())
    }
    .await;
    state.live.registry.close(conn);
    channel.on_close(&state).await;
    if let Err(End::Server(code, description)) = end {
        let _ = session
            .close(Some(CloseReason {
                code,
                description: Some(description.to_owned()),
            }))
            .await;
    }
}
