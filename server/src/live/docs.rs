//! Shared documents, live: one room per open document on this instance, speaking the Yjs sync
//! and awareness protocols (y-protocols message encoding) with standard Yjs clients.
//!
//! A room holds the document (a `yrs` replica) and its awareness states. An update from a
//! client is checked (it must decode), **appended to the database first**, then applied to
//! the replica and relayed to the room's other clients, and announced to other instances
//! ([`Notice::Doc`]), which read it back from the database. `watermark` is the seq up to which
//! this replica has applied every stored update; catching up reads everything after it (or
//! the snapshot, when compaction has passed it), in one snapshot of the database, so that a
//! compaction by another instance cannot slip between its reads
//! ([`Document::catchup`](crate::models::document::Document::catchup)). Yjs updates commute
//! and are idempotent, so order and duplicates do not matter for convergence.
//!
//! Compaction merges the stored updates into the snapshot every [`COMPACT_EVERY`] appends and
//! when the last client of a room leaves.

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    sync::{Arc, Mutex, PoisonError},
};

use actix_web::web::Bytes;
use base64::{Engine as _, engine::general_purpose::STANDARD};
use diesel::Connection;
use yrs::{
    ClientID, Doc, ReadTxn, StateVector, Transact, Update,
    encoding::read::Cursor,
    sync::{Awareness, AwarenessUpdate, Message, MessageReader, SyncMessage},
    updates::{
        decoder::{Decode, DecoderV1},
        encoder::Encode,
    },
};

use super::{
    bus::{self, Notice},
    registry::{ConnId, Frame, Topic},
};
use crate::{
    error::{Error, Result},
    models::document::{Catchup, Document},
    state::AppState,
};

/// Appends after which a document is compacted.
pub const COMPACT_EVERY: i64 = 200;

/// One open document.
pub struct Room {
    /// Document id.
    pub id: String,
    /// Its team.
    pub team_id: String,
    inner: tokio::sync::Mutex<RoomState>,
}

struct RoomState {
    loaded: bool,
    awareness: Awareness,
    watermark: i64,
    ahead: BTreeSet<i64>,
    owners: HashMap<ConnId, HashSet<ClientID>>,
    since_compaction: i64,
}

/// The open documents of this instance.
#[derive(Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Arc<Room>>>,
}

fn sync_frame(message: SyncMessage) -> Frame {
    Frame::Binary(Bytes::from(Message::Sync(message).encode_v1()))
}

fn apply(doc: &Doc, update: &[u8]) -> Result<()> {
    let update = Update::decode_v1(update).map_err(Error::internal)?;
    doc.transact_mut()
        .apply_update(update)
        .map_err(Error::internal)
}

fn bad_update(e: impl std::fmt::Display) -> Error {
    Error::bad_request("invalid_update", format!("not a Yjs message: {e}"))
}

impl Rooms {
    /// The room of a document, loaded from the database on first use.
    pub async fn open(&self, state: &AppState, team_id: &str, doc_id: &str) -> Result<Arc<Room>> {
        let room = {
            let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
            rooms
                .entry(doc_id.to_owned())
                .or_insert_with(|| {
                    Arc::new(Room {
                        id: doc_id.to_owned(),
                        team_id: team_id.to_owned(),
                        inner: tokio::sync::Mutex::new(RoomState {
                            loaded: false,
                            awareness: Awareness::new(Doc::new()),
                            watermark: -1,
                            ahead: BTreeSet::new(),
                            owners: HashMap::new(),
                            since_compaction: 0,
                        }),
                    })
                })
                .clone()
        };
        let mut inner = room.inner.lock().await;
        if !inner.loaded {
            room.catch_up_locked(state, &mut inner, false).await?;
            inner.loaded = true;
        }
        drop(inner);
        Ok(room)
    }

    /// The room of a document if it is open here.
    pub fn get(&self, doc_id: &str) -> Option<Arc<Room>> {
        self.rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(doc_id)
            .cloned()
    }

    /// Every open room.
    pub fn all(&self) -> Vec<Arc<Room>> {
        self.rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }

    /// Forgets a room (its last client left, or it was deleted).
    pub fn remove(&self, doc_id: &str) {
        self.rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(doc_id);
    }
}

impl Room {
    fn topic(&self) -> Topic {
        Topic::Doc(self.id.clone())
    }

    /// Reads what this replica misses from the database and applies it; with `relay`, the
    /// new updates go to this room's clients too.
    async fn catch_up_locked(
        &self,
        state: &AppState,
        inner: &mut RoomState,
        relay: bool,
    ) -> Result<()> {
        let (id, after) = (self.id.clone(), inner.watermark);
        let Catchup {
            snapshot,
            updates,
            last_seq,
        } = state
            .db
            .run(move |conn| Document::catchup(conn, &id, after))
            .await?;
        let doc = inner.awareness.doc();
        for update in snapshot.iter().chain(updates.iter().map(|(_, u)| u)) {
            apply(doc, update)?;
            if relay {
                state.live.registry.send(
                    &self.topic(),
                    &sync_frame(SyncMessage::Update(update.clone())),
                    None,
                    None,
                );
            }
        }
        inner.watermark = inner.watermark.max(last_seq);
        let watermark = inner.watermark;
        inner.ahead.retain(|seq| *seq > watermark);
        Ok(())
    }

    /// Another instance stored update `seq`: catch up unless it is already applied.
    pub async fn remote_update(&self, state: &AppState, seq: i64) -> Result<()> {
        let mut inner = self.inner.lock().await;
        if seq <= inner.watermark || inner.ahead.contains(&seq) {
            return Ok(());
        }
        self.catch_up_locked(state, &mut inner, true).await
    }

    /// Catches up after the listener was down.
    pub async fn resync(&self, state: &AppState) -> Result<()> {
        let mut inner = self.inner.lock().await;
        self.catch_up_locked(state, &mut inner, true).await
    }

    /// Another instance relayed an awareness update.
    pub async fn remote_awareness(&self, state: &AppState, encoded: &str) -> Result<()> {
        let bytes = STANDARD.decode(encoded).map_err(bad_update)?;
        let update = AwarenessUpdate::decode_v1(&bytes).map_err(bad_update)?;
        let mut inner = self.inner.lock().await;
        let frame = Frame::Binary(Bytes::from(Message::Awareness(update.clone()).encode_v1()));
        inner.awareness.apply_update(update).map_err(bad_update)?;
        state.live.registry.send(&self.topic(), &frame, None, None);
        Ok(())
    }

    /// What a client gets on connecting: the server's state vector (sync step 1) and every
    /// awareness state.
    pub async fn greeting(&self) -> Result<Vec<Frame>> {
        let inner = self.inner.lock().await;
        let sv = inner.awareness.doc().transact().state_vector();
        let mut frames = vec![sync_frame(SyncMessage::SyncStep1(sv))];
        let awareness = inner.awareness.update().map_err(Error::internal)?;
        if !awareness.clients.is_empty() {
            frames.push(Frame::Binary(Bytes::from(
                Message::Awareness(awareness).encode_v1(),
            )));
        }
        Ok(frames)
    }

    /// Handles one binary frame from `conn`: y-protocols messages, one after another. Returns
    /// the replies for `conn`.
    pub async fn receive(&self, state: &AppState, conn: ConnId, data: &[u8]) -> Result<Vec<Frame>> {
        let mut messages = Vec::new();
        {
            let mut decoder = DecoderV1::new(Cursor::new(data));
            for message in MessageReader::new(&mut decoder) {
                messages.push(message.map_err(bad_update)?);
            }
        }
        if messages.is_empty() {
            return Err(bad_update("empty frame"));
        }
        let mut replies = Vec::new();
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(sv)) => {
                    let inner = self.inner.lock().await;
                    let update = inner
                        .awareness
                        .doc()
                        .transact()
                        .encode_state_as_update_v1(&sv);
                    replies.push(sync_frame(SyncMessage::SyncStep2(update)));
                }
                Message::Sync(SyncMessage::SyncStep2(update) | SyncMessage::Update(update)) => {
                    self.update(state, conn, update).await?;
                }
                Message::Awareness(update) => self.awareness(state, conn, update).await?,
                Message::AwarenessQuery => {
                    let inner = self.inner.lock().await;
                    let update = inner.awareness.update().map_err(Error::internal)?;
                    replies.push(Frame::Binary(Bytes::from(
                        Message::Awareness(update).encode_v1(),
                    )));
                }
                // Authorization happened when the socket opened.
                Message::Auth(_) => {}
                Message::Custom(tag, _) => {
                    return Err(Error::bad_request(
                        "unsupported_message",
                        format!("y-protocols message type {tag} is not supported"),
                    ));
                }
            }
        }
        Ok(replies)
    }

    async fn update(&self, state: &AppState, conn: ConnId, update: Vec<u8>) -> Result<()> {
        let decoded = Update::decode_v1(&update).map_err(bad_update)?;
        if decoded.is_empty() {
            return Ok(());
        }
        let mut inner = self.inner.lock().await;
        // Durable first: a client's edit is acknowledged (relayed) only once it is stored.
        let (id, data, instance) = (
            self.id.clone(),
            update.clone(),
            state.live.instance_id().to_owned(),
        );
        let seq = state
            .db
            .write(move |conn| {
                conn.transaction(|conn| {
                    let seq = Document::append_update(conn, &id, &data)?;
                    bus::notify(
                        conn,
                        &Notice::Doc {
                            o: instance,
                            d: id,
                            s: seq,
                        },
                    )?;
                    Ok::<_, Error>(seq)
                })
            })
            .await?;
        inner
            .awareness
            .doc()
            .transact_mut()
            .apply_update(decoded)
            .map_err(bad_update)?;
        if seq == inner.watermark + 1 {
            inner.watermark = seq;
            while inner.ahead.first() == Some(&(inner.watermark + 1)) {
                inner.ahead.pop_first();
                inner.watermark += 1;
            }
        } else {
            inner.ahead.insert(seq);
        }
        state.live.registry.send(
            &self.topic(),
            &sync_frame(SyncMessage::Update(update)),
            None,
            Some(conn),
        );
        inner.since_compaction += 1;
        if inner.since_compaction >= COMPACT_EVERY {
            inner.since_compaction = 0;
            self.compact_later(state);
        }
        Ok(())
    }

    async fn awareness(
        &self,
        state: &AppState,
        conn: ConnId,
        update: AwarenessUpdate,
    ) -> Result<()> {
        let encoded = update.encode_v1();
        let mut inner = self.inner.lock().await;
        let summary = inner
            .awareness
            .apply_update_summary(update.clone())
            .map_err(bad_update)?;
        if let Some(summary) = summary {
            let owned = inner.owners.entry(conn).or_default();
            owned.extend(summary.added.iter().chain(summary.updated.iter()).copied());
            for removed in &summary.removed {
                owned.remove(removed);
            }
        }
        drop(inner);
        let frame = Frame::Binary(Bytes::from(Message::Awareness(update).encode_v1()));
        state
            .live
            .registry
            .send(&self.topic(), &frame, None, Some(conn));
        self.relay_awareness(state, &encoded);
        Ok(())
    }

    fn relay_awareness(&self, state: &AppState, encoded: &[u8]) {
        if state.db.backend() != crate::db::Backend::Postgres {
            return;
        }
        let notice = Notice::Awareness {
            o: state.live.instance_id().to_owned(),
            d: self.id.clone(),
            u: STANDARD.encode(encoded),
        };
        let db = state.db.clone();
        tokio::spawn(async move {
            let sent = db.run(move |conn| bus::notify(conn, &notice)).await;
            if let Err(e) = sent {
                tracing::debug!(error = %e, "awareness not relayed");
            }
        });
    }

    /// `conn` left: its awareness states are removed (and everyone told); the last one out
    /// compacts the document and closes the room.
    pub async fn leave(&self, state: &AppState, conn: ConnId) {
        let mut inner = self.inner.lock().await;
        if let Some(owned) = inner.owners.remove(&conn)
            && !owned.is_empty()
        {
            for client in &owned {
                inner.awareness.remove_state(*client);
            }
            if let Ok(update) = inner.awareness.update_with_clients(owned.iter().copied()) {
                let encoded = update.encode_v1();
                let frame = Frame::Binary(Bytes::from(Message::Awareness(update).encode_v1()));
                state.live.registry.send(&self.topic(), &frame, None, None);
                self.relay_awareness(state, &encoded);
            }
        }
        if !state.live.registry.has(&self.topic()) {
            state.live.rooms.remove(&self.id);
            drop(inner);
            self.compact_later(state);
        }
    }

    fn compact_later(&self, state: &AppState) {
        let (db, id) = (state.db.clone(), self.id.clone());
        tokio::spawn(async move {
            let result = db
                .write(move |conn| {
                    if Document::pending_updates(conn, &id)? == 0 {
                        return Ok(None);
                    }
                    Document::compact(conn, &id)
                })
                .await;
            match result {
                Ok(Some(seq)) => tracing::debug!(upto = seq, "document compacted"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "document compaction failed"),
            }
        });
    }

    /// The replica's current state as one update (tests, diagnostics).
    pub async fn encoded_state(&self) -> Vec<u8> {
        let inner = self.inner.lock().await;
        inner
            .awareness
            .doc()
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }
}
