//! The on-disk cache of compiled validators: compiling a component takes tens of
//! milliseconds, loading a compiled artifact well under one.
//!
//! An entry is keyed by the sha256 of the Wasm bytes and by a digest of the engine's
//! compatibility hash ([`Engine::precompile_compatibility_hash`]: wasmtime version, target,
//! compiler settings), so an upgrade or a different configuration never picks up a stale
//! artifact. The compile engine and every run engine share that hash (the stack size is not
//! part of it), so one entry serves every stack tier. Each artifact `<key>.cwasm` has a
//! sidecar `<key>.blake3` with the artifact's own digest, written after it: a truncated,
//! bit-rotten or foreign file fails that check and is recompiled, never handed to
//! `deserialize_file` (which would trust it to be wasmtime's own output). Files are only ever
//! replaced by atomic renames, so a reader never sees a half-written one.
//!
//! The check runs on every load, so it must be cheap next to the load itself: a Python
//! validator's artifact is about 40 MB, which SHA-256 took 35–100 ms to read and hash, BLAKE3
//! (streamed from the file, never held whole in memory) a few milliseconds; the mapping
//! `deserialize_file` makes afterwards is lazy.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use crate::RuntimeError;

/// A directory of compiled artifacts.
pub(crate) struct ArtifactCache {
    dir: PathBuf,
}

/// Feeds `Hash` into sha256, giving a digest stable across processes (std's hashers are not
/// guaranteed to be).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn finish(&self) -> u64 {
        // Unused: the digest is read with `finalize`.
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// A short, filename-safe digest of everything that makes an artifact loadable by `engine`.
pub(crate) fn engine_key(engine: &Engine) -> String {
    let mut hasher = Sha256Hasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hex::encode(&hasher.0.finalize()[..8])
}

impl ArtifactCache {
    /// Uses (and creates) `dir`.
    pub(crate) fn open(dir: &Path) -> Result<Self, RuntimeError> {
        fs::create_dir_all(dir)
            .map_err(|e| RuntimeError::Setup(format!("artifact cache {}: {e}", dir.display())))?;
        Ok(Self {
            dir: dir.to_path_buf(),
        })
    }

    fn paths(&self, wasm_hash: &str, engine_key: &str) -> (PathBuf, PathBuf) {
        let stem = format!("{wasm_hash}-{engine_key}");
        (
            self.dir.join(format!("{stem}.cwasm")),
            self.dir.join(format!("{stem}.blake3")),
        )
    }

    /// The cached component, if there is a sound one. Any defect is logged, the entry
    /// removed, and `None` returned so that the caller recompiles.
    pub(crate) fn load(
        &self,
        engine: &Engine,
        engine_key: &str,
        wasm_hash: &str,
    ) -> Option<Component> {
        let (artifact, digest) = self.paths(wasm_hash, engine_key);
        let expected = match fs::read_to_string(&digest) {
            Ok(expected) => expected,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => return self.discard(&artifact, &digest, &format!("unreadable digest: {e}")),
        };
        let actual = match digest_of_file(&artifact) {
            Ok(actual) => actual,
            Err(e) => {
                return self.discard(&artifact, &digest, &format!("unreadable artifact: {e}"));
            }
        };
        if actual != expected.trim() {
            return self.discard(&artifact, &digest, "digest mismatch");
        }
        match deserialize_verified(engine, &artifact) {
            Ok(component) => Some(component),
            Err(e) => self.discard(&artifact, &digest, &format!("rejected by wasmtime: {e:#}")),
        }
    }

    fn discard(&self, artifact: &Path, digest: &Path, why: &str) -> Option<Component> {
        tracing::warn!(artifact = %artifact.display(), why, "discarding cached validator artifact");
        let _ = fs::remove_file(digest);
        let _ = fs::remove_file(artifact);
        None
    }

    /// Stores a freshly compiled artifact (wasmtime's serialized component). Failures only
    /// cost a recompile later, so they are logged, not returned.
    pub(crate) fn store(&self, engine_key: &str, wasm_hash: &str, bytes: &[u8]) {
        let (artifact, digest) = self.paths(wasm_hash, engine_key);
        let sum = blake3::hash(bytes).to_hex().to_string();
        let result = self
            .write_atomically(&artifact, bytes)
            // The digest goes last: its presence vouches for a complete artifact.
            .and_then(|()| self.write_atomically(&digest, sum.as_bytes()));
        if let Err(why) = result {
            tracing::warn!(artifact = %artifact.display(), why, "could not cache validator artifact");
        }
    }

    fn write_atomically(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        let mut file = tempfile::NamedTempFile::new_in(&self.dir).map_err(|e| e.to_string())?;
        file.write_all(bytes).map_err(|e| e.to_string())?;
        file.persist(path).map_err(|e| e.to_string())?;
        Ok(())
    }
}

/// The BLAKE3 digest of a file, in hex, read in chunks.
fn digest_of_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(fs::File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Maps the artifact instead of copying it: the fastest way to a ready component.
#[expect(
    unsafe_code,
    reason = "deserializing compiled code; see the safety comment"
)]
fn deserialize_verified(engine: &Engine, artifact: &Path) -> wasmtime::Result<Component> {
    // SAFETY: wasmtime requires the file to be its own `serialize` output and not to change
    // while mapped. The caller has just checked the file against the digest written when
    // this process family serialized it, and cache files are only ever replaced by rename,
    // never modified in place, so the mapping cannot change under us.
    unsafe { Component::deserialize_file(engine, artifact) }
}
