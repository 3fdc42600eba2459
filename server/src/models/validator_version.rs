//! Validator versions and the blobs they point to. A component is stored once by the sha256
//! of its bytes (`validator_blobs`); each publish of a challenge adds a numbered version (v1,
//! v2, …) naming its blob, the manifest it was published with, and the server's own re-run of
//! the samples. Versions are never deleted: verdicts name the version that gave them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::{
    db::{
        DbConnection, new_id, now,
        schema::{validator_blobs, validator_versions},
    },
    error::{Error, Result},
};

/// One published version of a challenge's validator.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = validator_versions)]
pub struct ValidatorVersion {
    /// Identifier.
    pub id: String,
    /// The challenge.
    pub challenge_id: String,
    /// 1, 2, … per challenge.
    pub version: i32,
    /// sha256 (hex) of the component, the key of its blob.
    pub blob_hash: String,
    /// JSON: the manifest as published.
    pub manifest: String,
    /// JSON: the server's re-run of the samples.
    pub sample_report: String,
    /// Who published it.
    pub published_by: String,
    /// When.
    pub created_at: NaiveDateTime,
}

impl ValidatorVersion {
    /// The manifest this version was published with.
    pub fn manifest(&self) -> Result<cohack_package::Manifest> {
        serde_json::from_str(&self.manifest).map_err(|e| {
            Error::internal(anyhow::anyhow!(
                "manifest of validator version {}: {e}",
                self.id
            ))
        })
    }

    /// The version with this id.
    pub fn find(conn: &mut DbConnection, id: &str) -> Result<ValidatorVersion> {
        validator_versions::table
            .find(id)
            .select(ValidatorVersion::as_select())
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("validator version"))
    }

    /// Stores a component unless a blob with its hash exists already.
    pub fn store_blob(conn: &mut DbConnection, hash: &str, wasm: &[u8]) -> Result<()> {
        let exists = validator_blobs::table
            .find(hash)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !exists {
            let size = i64::try_from(wasm.len()).map_err(Error::internal)?;
            diesel::insert_into(validator_blobs::table)
                .values((
                    validator_blobs::hash.eq(hash),
                    validator_blobs::wasm.eq(wasm),
                    validator_blobs::size_bytes.eq(size),
                    validator_blobs::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// The component bytes of a blob.
    pub fn blob(conn: &mut DbConnection, hash: &str) -> Result<Vec<u8>> {
        validator_blobs::table
            .find(hash)
            .select(validator_blobs::wasm)
            .first(conn)
            .optional()?
            .ok_or(Error::NotFound("validator blob"))
    }

    /// Adds the next version of a challenge (1 for the first).
    pub fn add(
        conn: &mut DbConnection,
        challenge_id: &str,
        blob_hash: &str,
        manifest: String,
        sample_report: String,
        published_by: &str,
    ) -> Result<ValidatorVersion> {
        let last: Option<i32> = validator_versions::table
            .filter(validator_versions::challenge_id.eq(challenge_id))
            .select(diesel::dsl::max(validator_versions::version))
            .first(conn)?;
        let version = ValidatorVersion {
            id: new_id(),
            challenge_id: challenge_id.to_owned(),
            version: last.unwrap_or(0) + 1,
            blob_hash: blob_hash.to_owned(),
            manifest,
            sample_report,
            published_by: published_by.to_owned(),
            created_at: now(),
        };
        diesel::insert_into(validator_versions::table)
            .values(&version)
            .execute(conn)?;
        Ok(version)
    }
}
