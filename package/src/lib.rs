//! The cohack challenge package format and the author workflow.
//!
//! A challenge **package** is a folder:
//!
//! ```text
//! 03-clean-readings/
//!   challenge.toml        the manifest (`Manifest`): slug, title, points, summary, limits,
//!                         config, hints, expected_minutes, sign_off
//!   README.md             the statement teams read (Markdown)
//!   hints/*.md            the text of each `[[hints]]` entry (any path the manifest names)
//!   validator/            the validator: a crate using challenge-sdk (built for
//!                         wasm32-wasip2), or `app.py` (Python) or `validator.js`
//!                         (JavaScript) and `sdk.toml`, as the manifest's `language` says
//!   samples/pass/NAME/    submissions that must pass …
//!   samples/fail/NAME/    … and must fail: their files, plus `answer.txt` (the short answer),
//!                         `sample.toml` (`score = N`, `team = "…"`) and, for a challenge
//!                         with a `[network]` section, `exchanges.json` (the endpoints the
//!                         run sees and the recording it replays), all optional
//! ```
//!
//! The workflow, as the `cohack challenge` commands run it:
//! - [`scaffold`] (`new`): writes a package that builds and passes its own samples;
//! - [`build()`] (`build`): builds the validator with its language's tool (cargo,
//!   componentize-py, esbuild and componentize-js; the last three installed on demand into
//!   [`Tools`]), returns the `.wasm`;
//! - [`test()`] (`test`): runs every sample on the real sandbox ([`cohack_runtime`]) and
//!   reports mismatches, replaying recorded exchanges instead of calling anything; the server
//!   runs the same function before a validator version goes live;
//! - [`test_live`] (`test --live URL`): runs the samples that must pass against a service
//!   the author runs;
//! - [`Package::to_upload`] / [`Upload::into_package`]: the JSON form a package is published
//!   in.
//!
//! Errors: every fallible function returns [`PackageError`], whose messages name the file (and
//! the field) to fix, since they are shown to authors as they are.

mod build;
mod error;
mod live;
mod manifest;
mod package;
mod sample_network;
mod scaffold;
mod test;
mod upload;

pub use build::{BuildOptions, SDK_FILE, SdkLocation, Tools, build, build_with, tools};
pub use error::PackageError;
pub use live::{LiveReport, LiveResult, test_live};
pub use manifest::{
    HintSpec, Language, MANIFEST_FILE, MAX_HINTS, Manifest, NetworkCaps, NetworkSpec,
    STATEMENT_FILE, SignOff,
};
pub use package::{
    COACH_GUIDE_FILE, DEFAULT_TEAM, Expect, MAX_COACH_GUIDE_BYTES, MAX_HINT_BYTES, Package, Sample,
    SampleLimits,
};
pub use sample_network::SampleNetwork;
pub use scaffold::scaffold;
pub use test::{SampleOutcome, SampleReport, SampleResult, test, test_with_limits};
pub use upload::{UPLOAD_FORMAT, Upload, UploadFile, UploadSample};

/// The sandbox crate's types that appear in this crate's API.
pub use cohack_runtime::{Endpoint, Exchange, File, LimitOverrides, Limits, Validator};
