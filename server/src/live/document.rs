//! A document's Yjs socket (`GET /api/v1/teams/{id}/documents/{doc}/ws`): binary frames in
//! the y-protocols encoding, exactly what y-websocket's `WebsocketProvider` speaks (use
//! `…/api/v1/teams/{id}/documents` as its server URL, `{doc}/ws` as the room name and
//! `{access_token}` as its params). The only text frames are error frames, sent when a client
//! sent something that is not a y-protocols message (a standard client never does).

use actix_web::{HttpRequest, HttpResponse, web};

use super::{
    docs::Room,
    protocol::{DOC_LIMITS, error_frame, error_of},
    registry::{ConnId, Frame, Topic},
    socket::{self, Channel},
};
use crate::{
    access,
    auth::AuthUser,
    error::{Error, Result},
    models::document::Document,
    state::AppState,
};

struct DocumentChannel {
    conn: ConnId,
    room: std::sync::Arc<Room>,
}

/// Opens a document's socket: team access and the document are checked before the upgrade.
pub async fn open(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    caller: AuthUser,
    team_id: String,
    doc_id: String,
) -> Result<HttpResponse> {
    let (team, document) = {
        let user = caller.user.clone();
        state
            .db
            .run(move |conn| {
                let access = access::team_access(conn, &user, &team_id)?;
                let document = Document::find(conn, &access.team.id, &doc_id)?;
                Ok::<_, Error>((access.team.id, document.id))
            })
            .await?
    };
    let permit = state.socket_caps.admit(caller.id())?;
    let room = state.live.rooms.open(&state, &team, &document).await?;
    let (response, session, stream) = actix_ws::handle(&req, body)
        .map_err(|e| Error::bad_request("not_websocket", e.to_string()))?;
    let (conn, tx, rx) = state.live.registry.open(DOC_LIMITS.queue);
    state
        .live
        .registry
        .subscribe(Topic::Doc(document), conn, &tx, None);
    state
        .live
        .registry
        .set_user(conn, caller.id(), &caller.session_id);
    drop(tx);
    actix_web::rt::spawn(async move {
        let _permit = permit;
        let greeting = match room.greeting().await {
            Ok(frames) => frames,
            Err(e) => vec![error_of(&e), Frame::Close(1011, "cannot open the document")],
        };
        let channel = DocumentChannel { conn, room };
        socket::run(
            state, conn, session, stream, rx, greeting, channel, DOC_LIMITS,
        )
        .await;
    });
    Ok(response)
}

impl Channel for DocumentChannel {
    async fn on_text(&mut self, _state: &AppState, _text: &str) -> Vec<Frame> {
        vec![error_frame(
            "text_not_accepted",
            "a document socket speaks y-protocols in binary frames",
        )]
    }

    async fn on_binary(&mut self, state: &AppState, data: web::Bytes) -> Vec<Frame> {
        match self.room.receive(state, self.conn, &data).await {
            Ok(replies) => replies,
            Err(e) => vec![error_of(&e)],
        }
    }

    async fn on_close(&mut self, state: &AppState) {
        self.room.leave(state, self.conn).await;
    }
}
