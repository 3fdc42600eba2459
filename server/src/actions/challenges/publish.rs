//! Publishing a challenge version: the upload is decoded and checked as a package, the
//! component passes the sandbox's publish checks, and **the samples are re-run on this
//! server's sandbox** under the limits the challenge will run with. Only when every sample
//! gets its declared outcome is anything stored: the blob (once per content hash), the next
//! version number, and the challenge (created, or updated for a re-publish) pointing at it.

use std::sync::Arc;

use cohack_package::{PackageError, SampleLimits, SignOff, Upload};
use cohack_runtime::RuntimeError;
use diesel::Connection;

use crate::{
    access,
    actions::announce::{Change, announce},
    error::{Error, ErrorDetail, Result},
    judge::{
        LoadedVersion,
        views::{ChallengeAdmin, PublishRefused, Published, SampleTable},
    },
    models::{
        challenge::{Challenge, PackageFields, Placement, SIGN_OFF_COACH, SIGN_OFF_NONE},
        hint::StoredHint,
        reward::Reward,
        user::User,
        validator_version::ValidatorVersion,
    },
    state::AppState,
};

/// What a publish led to.
#[derive(Debug)]
pub enum PublishOutcome {
    /// The version is live.
    Live(Box<Published>),
    /// Some sample did not get its declared outcome: nothing was stored.
    Refused(Box<PublishRefused>),
}

fn package_error(error: PackageError) -> Error {
    Error::bad_request("invalid_package", error.to_string())
}

/// A refused validator is the author's to fix (400, with the runtime's stable code:
/// `validator_too_large`, `validator_too_complex`, `invalid_validator`); a sandbox that
/// cannot start is ours.
fn validator_error(error: RuntimeError) -> Error {
    match error {
        RuntimeError::Config(_) | RuntimeError::Setup(_) => Error::internal(error),
        other => Error::bad_request(other.code(), other.to_string()),
    }
}

/// Publishes `upload` to the event `event_slug` as `user` (an author or organizer of it).
pub async fn publish(
    state: &AppState,
    user: &User,
    event_slug: &str,
    upload: Upload,
    placement: Placement,
) -> Result<PublishOutcome> {
    let (caller, slug) = (user.clone(), event_slug.to_owned());
    let event = state
        .db
        .run(move |conn| {
            let access = access::event_access(conn, &caller, &slug)?;
            access.require_author()?;
            Ok::<_, Error>(access.event)
        })
        .await?;

    // Decoding and running samples is CPU work: off the executor. Compiling is the sandbox's
    // own business: it happens on a compile thread of its own, bounded in time and in
    // shape, so that a large validator does not hold up the judging of other challenges.
    let runtime = state.judge.runtime().clone();
    let (package, wasm) = tokio::task::spawn_blocking(move || {
        upload
            .into_package(&SampleLimits::default())
            .map_err(package_error)
    })
    .await
    .map_err(Error::internal)??;
    let limits = runtime.limits_for(&package.manifest.limits);
    let validator = runtime
        .load_with_limits_async(wasm.clone(), limits)
        .await
        .map_err(validator_error)?;
    let caps = state.config.network_caps();
    let (package, validator, report) = tokio::task::spawn_blocking(move || {
        let report = cohack_package::test_with_limits(
            &package,
            &validator,
            limits,
            &caps,
            &mut std::io::sink(),
        );
        (package, validator, report)
    })
    .await
    .map_err(Error::internal)?;
    let table = SampleTable::from(&report);
    if !report.all_ok() {
        let bad = report.mismatches().count();
        let mut message = format!(
            "{bad} of {} samples did not get their declared outcome on the server",
            report.results.len()
        );
        if let Some(materials) = &report.materials_error {
            message.push_str(&format!("; materials failed: {materials}"));
        }
        message.push_str(": nothing was published");
        return Ok(PublishOutcome::Refused(Box::new(PublishRefused {
            error: ErrorDetail {
                code: "samples_mismatch".to_owned(),
                message,
            },
            table,
        })));
    }

    let hints = StoredHint::encode(&StoredHint::from_package(&package));
    let coach_guide = package.coach_guide;
    let manifest = package.manifest;
    let reward = manifest.reward.clone();
    let fields = PackageFields {
        slug: manifest.slug.clone(),
        title: manifest.title.clone(),
        summary: manifest.summary.clone(),
        points: i32::try_from(manifest.points).map_err(Error::internal)?,
        statement: package.statement,
        limits: serde_json::to_string(&manifest.limits).map_err(Error::internal)?,
        hints,
        expected_minutes: manifest
            .expected_minutes
            .map(i32::try_from)
            .transpose()
            .map_err(Error::internal)?,
        sign_off: match manifest.sign_off {
            SignOff::None => SIGN_OFF_NONE,
            SignOff::Coach => SIGN_OFF_COACH,
        }
        .to_owned(),
        coach_guide,
    };
    let manifest_json = serde_json::to_string(&manifest).map_err(Error::internal)?;
    let report_json = serde_json::to_string(&table).map_err(Error::internal)?;
    let hash = validator.hash().to_owned();
    let publisher = user.id.clone();
    let event_id = event.id.clone();
    let blob_hash = hash.clone();
    let (challenge, version, previous) = state
        .db
        .write(move |conn| {
            conn.transaction(|conn| {
                ValidatorVersion::store_blob(conn, &blob_hash, &wasm)?;
                let challenge = Challenge::upsert_for_package(conn, &event_id, fields, placement)?;
                Reward::set_manifest_words(conn, &challenge.id, reward.as_deref())?;
                let previous = challenge.live_version_id.clone();
                let version = ValidatorVersion::add(
                    conn,
                    &challenge.id,
                    &blob_hash,
                    manifest_json,
                    report_json,
                    &publisher,
                )?;
                Challenge::set_live_version(conn, &challenge.id, &version.id)?;
                let challenge = Challenge::find(conn, &challenge.id)?;
                Ok::<_, Error>((challenge, version, previous))
            })
        })
        .await?;

    if let Some(previous) = previous {
        state.judge.forget(&previous);
    }
    state.judge.remember(Arc::new(LoadedVersion {
        version_id: version.id.clone(),
        validator,
        config_defaults: manifest.config,
        limits,
    }));
    announce(
        state,
        Change::LadderChanged {
            event_id: event.id.clone(),
        },
    );
    tracing::info!(
        event = %event.slug,
        challenge = %challenge.slug,
        version = version.version,
        validator = %hash,
        "challenge version published"
    );
    Ok(PublishOutcome::Live(Box::new(Published {
        challenge: ChallengeAdmin::from(&challenge),
        version: version.version,
        validator_sha256: hash,
        table,
    })))
}

#[cfg(test)]
mod tests {
    use actix_web::{ResponseError, http::StatusCode};

    use super::*;

    #[test]
    fn refused_validators_are_the_authors_to_fix_with_the_runtimes_code() {
        let cases = [
            (
                RuntimeError::TooComplex("a function declares 40000 locals".into()),
                "validator_too_complex",
            ),
            (
                RuntimeError::ModuleTooLarge { size: 2, max: 1 },
                "validator_too_large",
            ),
            (RuntimeError::CoreModule, "invalid_validator"),
        ];
        for (error, code) in cases {
            let message = error.to_string();
            let error = validator_error(error);
            assert_eq!(error.code(), code);
            assert_eq!(error.status_code(), StatusCode::BAD_REQUEST);
            assert_eq!(error.to_string(), message);
        }
        let internal = validator_error(RuntimeError::Setup("engine".into()));
        assert_eq!(internal.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
