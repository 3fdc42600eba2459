//! The judge: running stored submissions through the live validator of their challenge.
//!
//! ```text
//! actions::submissions::submit: access, phase, lock, input checks, throttle
//!   └▶ store (pending, committed) ─▶ spawn run::judge_submission ─┐
//!                                                                  │
//!   runtime (worker pool, off the executor) ◀─ cached validator of the live version
//!     └▶ verdict or validator error ─▶ record (only while still pending)
//!          └▶ actions::announce(Judged): board invalidated, pushed live, activity
//! ```
//!
//! A validator of a challenge with `[network]` (`cohack:validator@0.2.0`) calls the team's
//! deployed service: its runs get the endpoints the submission copied when it was stored, go
//! to the runtime's network lane (they wait on services, not on the CPU), and every request
//! is recorded with the verdict as an exchange, which a rejudge can replay ([`run`]).
//!
//! The action waits a short time (`judge_wait_ms`) for the verdict and answers 201 with it,
//! or 202 while it is still pending. Nothing acknowledged is lost: a submission is committed
//! before it is judged, and at start-up (then every minute) every submission left `pending`
//! — by a crash, a stop mid-judge or a database hiccup — is judged by [`recovery`].
//!
//! Modules, one job each:
//! - [`run`]: judging one stored submission and recording the verdict;
//! - [`recovery`]: the pending backlog;
//! - [`views`]: what the API returns of ladders, versions, submissions and rejudges.
//!
//! Publishing, the ladder, submitting and rejudging are actions
//! ([`crate::actions::challenges`], [`crate::actions::submissions`]). One [`Judge`] per
//! process holds the sandbox ([`cohack_runtime::Runtime`]) and the loaded validators, one per
//! validator version, loaded from their blobs on first use.

pub mod recovery;
pub mod run;
pub mod views;

pub use run::RejudgeMode;

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use anyhow::Context;
use cohack_package::Manifest;
use cohack_runtime::{Limits, Network, RunContext, Runtime, RuntimeConfig, Validator};

use crate::{
    config::Config,
    db::Database,
    error::{Error, Result},
    models::{challenge::Challenge, validator_version::ValidatorVersion},
};

/// Most manifests kept by [`Judge::manifest`].
const MAX_CACHED_MANIFESTS: usize = 1024;

/// A validator version ready to run: the loaded component, its manifest's config defaults,
/// and its limits (the server's defaults with the manifest's overrides, capped). The
/// manifest's `[network]` section is read with each stored submission ([`run::load`]), beside
/// the endpoints and the recording a run of it needs.
#[derive(Debug, Clone)]
pub struct LoadedVersion {
    /// The version's id.
    pub version_id: String,
    /// The loaded validator.
    pub validator: Validator,
    /// The manifest's `[config]` defaults.
    pub config_defaults: BTreeMap<String, String>,
    /// The limits every run of this version gets.
    pub limits: Limits,
}

impl LoadedVersion {
    /// The run context for `challenge`: the manifest's defaults overlaid with the organizers'
    /// overrides (only of keys the manifest declares), and what the run may reach over HTTP
    /// (`None`, for a version without `[network]` and for materials, refuses every request;
    /// see [`run::network`]).
    pub fn context(&self, challenge: &Challenge, network: Option<Network>) -> RunContext {
        let mut config = self.config_defaults.clone();
        for (key, value) in challenge.config_overrides() {
            if let Some(slot) = config.get_mut(&key) {
                *slot = value;
            }
        }
        RunContext {
            config,
            limits: self.limits,
            network,
        }
    }
}

/// The sandbox and the validators loaded in it. One per process.
pub struct Judge {
    runtime: Runtime,
    versions: Mutex<HashMap<String, Arc<LoadedVersion>>>,
    /// Parsed manifests by version id, read before a submission is stored (its limits and
    /// `[network]`). A version never changes once stored, so nothing invalidates an entry;
    /// a new live version is a new id, read on its first submission.
    manifests: Mutex<HashMap<String, Arc<Manifest>>>,
    wait: Duration,
}

impl Judge {
    /// Starts the sandbox from the configuration: limits (defaults and maximum), workers, and
    /// the compiled-artifact cache in `<data_dir>/validators/`.
    pub fn new(config: &Config) -> anyhow::Result<Judge> {
        let default_limits = Limits {
            fuel: config.validator_fuel,
            wall_time: Duration::from_millis(config.validator_wall_time_ms),
            memory_bytes: config.validator_memory_mb.saturating_mul(1 << 20),
            ..Limits::default()
        };
        let max_limits = Limits {
            fuel: config.validator_fuel_max,
            wall_time: Duration::from_millis(config.validator_wall_time_ms_max),
            memory_bytes: config.validator_memory_mb_max.saturating_mul(1 << 20),
            ..Limits::server_max()
        };
        let workers = match config.judge_workers {
            0 => std::thread::available_parallelism().map_or(2, usize::from),
            n => n,
        };
        let runtime = Runtime::new(RuntimeConfig {
            cache_dir: Some(config.data_dir.join("validators")),
            default_limits,
            max_limits,
            workers,
            network_runs: config.validator_network_runs,
            ..RuntimeConfig::default()
        })
        .context(
            "cannot start the validator sandbox (check the validator_* settings: a default \
             must not exceed its _max, validator_network_runs must be at least 1)",
        )?;
        Ok(Judge {
            runtime,
            versions: Mutex::new(HashMap::new()),
            manifests: Mutex::new(HashMap::new()),
            wait: Duration::from_millis(config.judge_wait_ms),
        })
    }

    /// The sandbox.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// How long a submitter waits for the verdict before getting 202.
    pub fn wait(&self) -> Duration {
        self.wait
    }

    /// The limits every run of a version published with `manifest` gets: the server's
    /// defaults with the manifest's overrides, capped.
    pub fn limits_for(&self, manifest: &Manifest) -> Limits {
        self.runtime.limits_for(&manifest.limits)
    }

    /// The loaded validator of a version: from the cache, or loaded from its blob (by the
    /// sandbox's own loading and compile threads, off the executor and off the judges).
    pub async fn version(&self, db: &Database, version_id: &str) -> Result<Arc<LoadedVersion>> {
        if let Some(loaded) = self.cached(version_id) {
            return Ok(loaded);
        }
        let id = version_id.to_owned();
        let (version, wasm) = db
            .run(move |conn| {
                let version = ValidatorVersion::find(conn, &id)?;
                let wasm = ValidatorVersion::blob(conn, &version.blob_hash)?;
                Ok::<_, Error>((version, wasm))
            })
            .await?;
        let manifest = version.manifest()?;
        let limits = self.runtime.limits_for(&manifest.limits);
        let validator = self
            .runtime
            .load_with_limits_async(wasm, limits)
            .await
            .with_context(|| format!("loading validator version {}", version.id))
            .map_err(Error::internal)?;
        let loaded = Arc::new(LoadedVersion {
            version_id: version.id.clone(),
            validator,
            config_defaults: manifest.config,
            limits,
        });
        self.remember(Arc::clone(&loaded));
        Ok(loaded)
    }

    /// The manifest of the version `version_id`, read and parsed once per process.
    pub fn manifest(
        &self,
        conn: &mut crate::db::DbConnection,
        version_id: &str,
    ) -> Result<Arc<Manifest>> {
        let cached = self
            .manifests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(version_id)
            .cloned();
        if let Some(manifest) = cached {
            return Ok(manifest);
        }
        let manifest = Arc::new(ValidatorVersion::find(conn, version_id)?.manifest()?);
        let mut manifests = self
            .manifests
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Bounded: versions are few, but a long-lived portal publishes many.
        if manifests.len() >= MAX_CACHED_MANIFESTS {
            manifests.clear();
        }
        manifests.insert(version_id.to_owned(), Arc::clone(&manifest));
        Ok(manifest)
    }

    fn cached(&self, version_id: &str) -> Option<Arc<LoadedVersion>> {
        self.versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(version_id)
            .cloned()
    }

    /// Keeps a loaded version (publishing has just loaded it).
    pub fn remember(&self, loaded: Arc<LoadedVersion>) {
        self.versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(loaded.version_id.clone(), loaded);
    }

    /// Drops a version that no longer judges (a newer one went live).
    pub fn forget(&self, version_id: &str) {
        self.versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(version_id);
    }
}
