//! Shared documents of a team workspace: metadata, and the Yjs updates that make up the
//! content. Every update is appended durably ([`Document::append_update`]); compaction
//! ([`Document::compact`]) merges the oldest ones into the snapshot. The content is the
//! snapshot followed by every update after `snapshot_seq`, in any order (Yjs updates commute).

use chrono::NaiveDateTime;
use diesel::{
    connection::{AnsiTransactionManager, TransactionManager},
    prelude::*,
};
use serde::Serialize;
use yrs::{Doc, GetString, ReadTxn, StateVector, Transact, Update, updates::decoder::Decode};

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{document_updates, documents},
    },
    error::{Error, Result},
};

/// The Yjs shared type holding a document's text: clients edit `doc.getText("content")`.
pub const TEXT_NAME: &str = "content";
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 120;
/// Most documents a team may have.
pub const MAX_DOCUMENTS_PER_TEAM: i64 = 200;

/// A document's metadata as clients see it.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = documents)]
pub struct DocumentInfo {
    /// Identifier.
    pub id: String,
    /// The team.
    pub team_id: String,
    /// Title.
    pub title: String,
    /// Who created it.
    pub created_by: String,
    /// Creation time (UTC).
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::serialize_utc")]
    pub created_at: NaiveDateTime,
    /// Last change of title or content (UTC).
    #[schema(value_type = String, format = DateTime)]
    #[serde(serialize_with = "super::serialize_utc")]
    pub updated_at: NaiveDateTime,
}

/// What a replica needs to catch up: the snapshot when it is behind it, and the updates after.
#[derive(Debug, Default)]
pub struct Catchup {
    /// The merged updates up to `snapshot_seq`, when the replica has not seen all of them.
    pub snapshot: Option<Vec<u8>>,
    /// Updates after the replica's position (or after the snapshot), by seq.
    pub updates: Vec<(i64, Vec<u8>)>,
    /// The highest seq covered.
    pub last_seq: i64,
}

fn check_title(title: &str) -> Result<&str> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::bad_request(
            "invalid_title",
            format!("a document title has 1 to {MAX_TITLE_CHARS} characters"),
        ));
    }
    Ok(title)
}

/// An empty Yjs document encoded as a v1 update.
fn empty_update() -> Vec<u8> {
    Doc::new()
        .transact()
        .encode_state_as_update_v1(&StateVector::default())
}

/// Applies v1 updates to a fresh document; an undecodable update is an internal error (only
/// checked updates are ever stored).
pub fn replay<'a>(updates: impl IntoIterator<Item = &'a [u8]>) -> Result<Doc> {
    let doc = Doc::new();
    {
        let mut txn = doc.transact_mut();
        for update in updates {
            let update = Update::decode_v1(update).map_err(Error::internal)?;
            txn.apply_update(update).map_err(Error::internal)?;
        }
    }
    Ok(doc)
}

/// Documents of team workspaces.
pub struct Document;

impl Document {
    /// Creates an empty document.
    pub fn create(
        conn: &mut DbConnection,
        team_id: &str,
        title: &str,
        by: &str,
    ) -> Result<DocumentInfo> {
        let title = check_title(title)?;
        let count: i64 = documents::table
            .filter(documents::team_id.eq(team_id))
            .filter(documents::deleted_at.is_null())
            .count()
            .get_result(conn)?;
        if count >= MAX_DOCUMENTS_PER_TEAM {
            return Err(Error::conflict(
                "too_many_documents",
                format!("a team has at most {MAX_DOCUMENTS_PER_TEAM} documents"),
            ));
        }
        let at = now();
        let id = new_id();
        diesel::insert_into(documents::table)
            .values((
                documents::id.eq(&id),
                documents::team_id.eq(team_id),
                documents::title.eq(title),
                documents::created_by.eq(by),
                documents::created_at.eq(at),
                documents::updated_at.eq(at),
                documents::snapshot.eq(empty_update()),
                documents::snapshot_seq.eq(0i64),
                documents::last_seq.eq(0i64),
            ))
            .execute(conn)?;
        Self::find(conn, team_id, &id)
    }

    /// The live (not deleted) document `id` of the team; 404 otherwise.
    pub fn find(conn: &mut DbConnection, team_id: &str, id: &str) -> Result<DocumentInfo> {
        documents::table
            .find(id)
            .filter(documents::team_id.eq(team_id))
            .filter(documents::deleted_at.is_null())
            .select(DocumentInfo::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("document"))
    }

    /// The team's live documents, oldest first.
    pub fn of_team(conn: &mut DbConnection, team_id: &str) -> Result<Vec<DocumentInfo>> {
        Ok(documents::table
            .filter(documents::team_id.eq(team_id))
            .filter(documents::deleted_at.is_null())
            .order(documents::created_at.asc())
            .select(DocumentInfo::as_select())
            .load(conn)?)
    }

    /// Renames a document.
    pub fn rename(
        conn: &mut DbConnection,
        team_id: &str,
        id: &str,
        title: &str,
    ) -> Result<DocumentInfo> {
        let title = check_title(title)?;
        Self::find(conn, team_id, id)?;
        diesel::update(documents::table.find(id))
            .set((documents::title.eq(title), documents::updated_at.eq(now())))
            .execute(conn)?;
        Self::find(conn, team_id, id)
    }

    /// Deletes a document (kept, hidden, for the record; its updates are dropped).
    pub fn delete(conn: &mut DbConnection, team_id: &str, id: &str) -> Result<()> {
        Self::find(conn, team_id, id)?;
        conn.transaction(|conn| {
            diesel::update(documents::table.find(id))
                .set(documents::deleted_at.eq(now()))
                .execute(conn)?;
            Ok(())
        })
    }

    /// Appends one update durably and returns its seq. Bumping `last_seq` first locks the
    /// row (PostgreSQL) so that concurrent appends from several instances get distinct seqs.
    pub fn append_update(conn: &mut DbConnection, id: &str, data: &[u8]) -> Result<i64> {
        conn.transaction(|conn| {
            let at = now();
            let touched = diesel::update(documents::table.find(id))
                .filter(documents::deleted_at.is_null())
                .set((
                    documents::last_seq.eq(documents::last_seq + 1),
                    documents::updated_at.eq(at),
                ))
                .execute(conn)?;
            if touched == 0 {
                return Err(Error::NotFound("document"));
            }
            let seq: i64 = documents::table
                .find(id)
                .select(documents::last_seq)
                .first(conn)?;
            diesel::insert_into(document_updates::table)
                .values((
                    document_updates::document_id.eq(id),
                    document_updates::seq.eq(seq),
                    document_updates::data.eq(data),
                    document_updates::created_at.eq(at),
                ))
                .execute(conn)?;
            Ok(seq)
        })
    }

    /// What a replica that has applied everything up to `after_seq` is missing.
    ///
    /// Its reads (the seqs, the snapshot, the updates after them) see one snapshot of the
    /// database. Read one by one under PostgreSQL's default isolation, a compaction committing
    /// between them (another instance's room) moved updates into the snapshot and deleted them
    /// after the seqs were read: the replica got neither and kept missing those edits.
    /// SQLite's transactions already read one snapshot.
    pub fn catchup(conn: &mut DbConnection, id: &str, after_seq: i64) -> Result<Catchup> {
        conn.transaction(|conn| {
            if let DbConnection::Postgres(pg) = conn {
                // Only as the transaction's first statement: not when a caller's transaction
                // already holds this one as a savepoint (it then reads as that one does).
                let depth = AnsiTransactionManager::transaction_manager_status_mut(pg)
                    .transaction_depth()
                    .ok()
                    .flatten()
                    .map(std::num::NonZeroU32::get);
                if depth == Some(1) {
                    diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                        .execute(pg)?;
                }
            }
            let (snapshot_seq, last_seq): (i64, i64) = documents::table
                .find(id)
                .select((documents::snapshot_seq, documents::last_seq))
                .first(conn)
                .optional()?
                .ok_or(Error::NotFound("document"))?;
            let snapshot = if after_seq < snapshot_seq {
                Some(
                    documents::table
                        .find(id)
                        .select(documents::snapshot)
                        .first::<Vec<u8>>(conn)?,
                )
            } else {
                None
            };
            let updates = document_updates::table
                .filter(document_updates::document_id.eq(id))
                .filter(document_updates::seq.gt(after_seq.max(snapshot_seq)))
                .order(document_updates::seq.asc())
                .select((document_updates::seq, document_updates::data))
                .load(conn)?;
            Ok(Catchup {
                snapshot,
                updates,
                last_seq,
            })
        })
    }

    /// Updates stored since the last compaction.
    pub fn pending_updates(conn: &mut DbConnection, id: &str) -> Result<i64> {
        let (snapshot_seq, last_seq): (i64, i64) = documents::table
            .find(id)
            .select((documents::snapshot_seq, documents::last_seq))
            .first(conn)?;
        Ok(last_seq - snapshot_seq)
    }

    /// Merges the snapshot and every stored update into a new snapshot and drops those
    /// updates. Safe to run on several instances at once: a snapshot only ever moves forward.
    /// Returns the new `snapshot_seq`, or `None` when there was nothing to compact.
    pub fn compact(conn: &mut DbConnection, id: &str) -> Result<Option<i64>> {
        conn.transaction(|conn| {
            let (snapshot, snapshot_seq): (Vec<u8>, i64) = documents::table
                .find(id)
                .select((documents::snapshot, documents::snapshot_seq))
                .first(conn)?;
            let updates: Vec<(i64, Vec<u8>)> = document_updates::table
                .filter(document_updates::document_id.eq(id))
                .filter(document_updates::seq.gt(snapshot_seq))
                .order(document_updates::seq.asc())
                .select((document_updates::seq, document_updates::data))
                .load(conn)?;
            let Some(upto) = updates.last().map(|(seq, _)| *seq) else {
                return Ok(None);
            };
            let doc = replay(
                std::iter::once(snapshot.as_slice())
                    .chain(updates.iter().map(|(_, u)| u.as_slice())),
            )?;
            let merged = doc
                .transact()
                .encode_state_as_update_v1(&StateVector::default());
            let moved = diesel::update(documents::table.find(id))
                .filter(documents::snapshot_seq.eq(snapshot_seq))
                .set((
                    documents::snapshot.eq(merged),
                    documents::snapshot_seq.eq(upto),
                ))
                .execute(conn)?;
            if moved == 0 {
                return Ok(None);
            }
            diesel::delete(
                document_updates::table
                    .filter(document_updates::document_id.eq(id))
                    .filter(document_updates::seq.le(upto)),
            )
            .execute(conn)?;
            Ok(Some(upto))
        })
    }

    /// The document's current text (the Yjs text [`TEXT_NAME`]), read from the database:
    /// what a submission made from a workspace document contains.
    pub fn text(conn: &mut DbConnection, team_id: &str, id: &str) -> Result<String> {
        Self::find(conn, team_id, id)?;
        let catchup = Self::catchup(conn, id, -1)?;
        let doc = replay(
            catchup
                .snapshot
                .iter()
                .map(Vec::as_slice)
                .chain(catchup.updates.iter().map(|(_, u)| u.as_slice())),
        )?;
        let text = doc.get_or_insert_text(TEXT_NAME);
        let txn = doc.transact();
        Ok(text.get_string(&txn))
    }
}
