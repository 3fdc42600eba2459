//! Real WebSocket clients for the live-layer tests: a JSON client for the team and event
//! channels, and a Yjs client (a `yrs` replica speaking y-protocols) for document sockets.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, tungstenite::Message as WsMessage};
use yrs::{
    Doc, GetString, ReadTxn, Text, Transact, Update,
    encoding::read::Cursor,
    sync::{Message, MessageReader, SyncMessage},
    updates::{
        decoder::{Decode, DecoderV1},
        encoder::Encode,
    },
};

use crate::harness::TestApp;

/// How long a test waits for an expected frame.
pub const WAIT: Duration = Duration::from_secs(10);

/// A connected WebSocket.
pub struct Ws {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// The `ws://` URL of `path` on `app`, with the token as a query parameter.
pub fn ws_url(app: &TestApp, path: &str, token: Option<&str>) -> String {
    let base = app.address.replacen("http://", "ws://", 1);
    match token {
        Some(token) => format!("{base}{path}?access_token={token}"),
        None => format!("{base}{path}"),
    }
}

/// Connects, or returns the HTTP status the handshake was refused with.
pub async fn try_connect(app: &TestApp, path: &str, token: Option<&str>) -> Result<Ws, u16> {
    match tokio_tungstenite::connect_async(ws_url(app, path, token)).await {
        Ok((stream, _)) => Ok(Ws { stream }),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(e) => panic!("websocket connect failed: {e}"),
    }
}

/// Connects, panicking on refusal.
pub async fn connect(app: &TestApp, path: &str, token: Option<&str>) -> Ws {
    match try_connect(app, path, token).await {
        Ok(ws) => ws,
        Err(status) => panic!("{path}: handshake refused with {status}"),
    }
}

impl Ws {
    /// Sends a JSON text frame.
    pub async fn send_json(&mut self, value: Value) {
        self.stream
            .send(WsMessage::text(value.to_string()))
            .await
            .expect("send");
    }

    /// Sends a raw text frame.
    pub async fn send_text(&mut self, text: &str) {
        self.stream
            .send(WsMessage::text(text.to_owned()))
            .await
            .expect("send");
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, data: Vec<u8>) {
        self.stream
            .send(WsMessage::binary(data))
            .await
            .expect("send");
    }

    /// The next data frame (text or binary), or `None` when the socket closed.
    pub async fn next_message(&mut self) -> Option<WsMessage> {
        loop {
            let message = tokio::time::timeout(WAIT, self.stream.next())
                .await
                .expect("a frame in time")?;
            match message {
                Ok(WsMessage::Ping(_) | WsMessage::Pong(_)) => continue,
                Ok(WsMessage::Close(frame)) => {
                    return Some(WsMessage::Close(frame));
                }
                Ok(message) => return Some(message),
                Err(_) => return None,
            }
        }
    }

    /// The next JSON frame whose `type` is `kind` (others are skipped).
    pub async fn expect(&mut self, kind: &str) -> Value {
        self.expect_where(kind, |_| true).await
    }

    /// The next JSON frame of type `kind` that satisfies `check`.
    pub async fn expect_where(&mut self, kind: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.next_message())
                .await
                .unwrap_or_else(|_| panic!("no `{kind}` frame in time"))
                .unwrap_or_else(|| panic!("socket closed while waiting for `{kind}`"));
            if let WsMessage::Text(text) = message {
                let value: Value = serde_json::from_str(&text).expect("server sends JSON");
                if value["type"] == kind && check(&value) {
                    return value;
                }
            }
        }
    }

    /// Every JSON frame that arrives within `window` (to show that something did not come).
    pub async fn frames_for(&mut self, window: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + window;
        let mut frames = Vec::new();
        while let Ok(Some(message)) = tokio::time::timeout_at(deadline, self.next_message()).await {
            if let WsMessage::Text(text) = message {
                frames.push(serde_json::from_str(&text).expect("server sends JSON"));
            }
        }
        frames
    }

    /// The close frame's code, after skipping everything before it.
    pub async fn expect_close(&mut self) -> Option<u16> {
        loop {
            match self.next_message().await {
                Some(WsMessage::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Some(_) => continue,
                None => return None,
            }
        }
    }
}

/// Inserts `chunk` at `index` of the text `content` of a replica; returns the update.
pub fn edit_doc(doc: &Doc, index: u32, chunk: &str) -> Vec<u8> {
    let text = doc.get_or_insert_text("content");
    let before = doc.transact().state_vector();
    text.insert(&mut doc.transact_mut(), index, chunk);
    doc.transact().encode_state_as_update_v1(&before)
}

/// A Yjs client: a replica of one document, synced over its socket.
pub struct YClient {
    pub ws: Ws,
    pub doc: Doc,
}

fn encode(message: Message) -> Vec<u8> {
    message.encode_v1()
}

impl YClient {
    /// Connects to a document with a fresh replica and completes the initial sync.
    pub async fn connect(app: &TestApp, token: &str, team: &str, document: &str) -> YClient {
        Self::reconnect(app, token, team, document, Doc::new()).await
    }

    /// Connects with an existing replica (a client coming back) and syncs both ways.
    pub async fn reconnect(
        app: &TestApp,
        token: &str,
        team: &str,
        document: &str,
        doc: Doc,
    ) -> YClient {
        let path = format!("/api/v1/teams/{team}/documents/{document}/ws");
        let ws = connect(app, &path, Some(token)).await;
        let mut client = YClient { ws, doc };
        let sv = client.doc.transact().state_vector();
        client
            .ws
            .send_binary(encode(Message::Sync(SyncMessage::SyncStep1(sv))))
            .await;
        // Until the server answered our step 1 (its step 1 is answered on the way).
        loop {
            if client.receive_one().await {
                break;
            }
        }
        client
    }

    /// Reads one frame and applies it; true when it held a sync step 2.
    async fn receive_one(&mut self) -> bool {
        let message = self.ws.next_message().await.expect("document socket open");
        let WsMessage::Binary(data) = message else {
            panic!("unexpected frame on a document socket: {message:?}");
        };
        let mut got_step2 = false;
        let mut replies = Vec::new();
        {
            let mut decoder = DecoderV1::new(Cursor::new(&data));
            for message in MessageReader::new(&mut decoder) {
                match message.expect("valid y-protocols message") {
                    Message::Sync(SyncMessage::SyncStep1(sv)) => {
                        let update = self.doc.transact().encode_state_as_update_v1(&sv);
                        replies.push(encode(Message::Sync(SyncMessage::SyncStep2(update))));
                    }
                    Message::Sync(SyncMessage::SyncStep2(update)) => {
                        self.apply(&update);
                        got_step2 = true;
                    }
                    Message::Sync(SyncMessage::Update(update)) => self.apply(&update),
                    _ => {}
                }
            }
        }
        for reply in replies {
            self.ws.send_binary(reply).await;
        }
        got_step2
    }

    fn apply(&self, update: &[u8]) {
        let update = Update::decode_v1(update).expect("valid update");
        self.doc
            .transact_mut()
            .apply_update(update)
            .expect("applies");
    }

    /// The document's text.
    pub fn text(&self) -> String {
        let text = self.doc.get_or_insert_text("content");
        text.get_string(&self.doc.transact())
    }

    /// Edits locally: inserts at `index`; returns the update (not sent).
    pub fn edit(&self, index: u32, chunk: &str) -> Vec<u8> {
        edit_doc(&self.doc, index, chunk)
    }

    /// Reads until the text has `len` bytes.
    pub async fn wait_text_len(&mut self, len: usize) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.text().len() != len {
            tokio::time::timeout_at(deadline, self.receive_one())
                .await
                .unwrap_or_else(|_| panic!("text is {:?}, expected {len} bytes", self.text()));
        }
    }

    /// Inserts at `index` and sends the update.
    pub async fn insert(&mut self, index: u32, chunk: &str) {
        let update = self.edit(index, chunk);
        self.ws
            .send_binary(encode(Message::Sync(SyncMessage::Update(update))))
            .await;
    }

    /// Sends an awareness state for this replica.
    pub async fn set_awareness(&mut self, state: &str) {
        let mut awareness = yrs::sync::Awareness::new(self.doc.clone());
        awareness.set_local_state_raw(state);
        let update = awareness.update().expect("awareness update");
        self.ws
            .send_binary(encode(Message::Awareness(update)))
            .await;
    }

    /// Waits for an awareness frame carrying `needle`.
    pub async fn expect_awareness(&mut self, needle: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.ws.next_message())
                .await
                .expect("awareness in time")
                .expect("socket open");
            let WsMessage::Binary(data) = message else {
                continue;
            };
            let mut decoder = DecoderV1::new(Cursor::new(&data));
            for message in MessageReader::new(&mut decoder) {
                match message.expect("valid message") {
                    Message::Awareness(update)
                        if update.clients.values().any(|e| e.json.contains(needle)) =>
                    {
                        return;
                    }
                    Message::Sync(SyncMessage::Update(u) | SyncMessage::SyncStep2(u)) => {
                        self.apply(&u)
                    }
                    _ => {}
                }
            }
        }
    }

    /// Reads until the text is `expected`.
    pub async fn wait_text(&mut self, expected: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.text() != expected {
            tokio::time::timeout_at(deadline, self.receive_one())
                .await
                .unwrap_or_else(|_| panic!("text is {:?}, expected {expected:?}", self.text()));
        }
    }
}
