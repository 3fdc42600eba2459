//! The JavaScript build: `validator/validator.js` (an ES module that imports `@cohack/sdk`
//! and exports the world's `validate` and `materials`) is bundled with the SDK into one
//! module by esbuild, then made into a component by componentize-js:
//!
//! ```text
//! esbuild validator/validator.js --bundle --format=esm --platform=neutral \
//!     --main-fields=module,main --alias:@cohack/sdk=challenge-sdk/js \
//!     --external:cohack:* --external:wasi:* --outfile=target/validator.bundle.js
//! componentize-js validator.bundle.js --wit challenge-sdk/wit --world-name validator \
//!     -d fetch-event [-d http] -o validator.wasm          (in target/)
//! ```
//!
//! `@cohack/sdk` resolves to the SDK's folder, whose `module` entry wires the host's imports
//! in; the contract's and WASI's interfaces stay imports of the component. componentize-js
//! links a WASI feature unless it is disabled: `fetch-event` (serving HTTP, which a validator
//! never does) always is, and `http` (outgoing requests, which a 0.2.0 validator may send) is
//! unless the bundle calls `fetch(`. `stdio` stays, so that `console.log` and an uncaught
//! exception's stack reach the run's log; `random` and `clocks` stay, the sandbox makes them
//! deterministic. componentize-js runs in `target/`, so stack traces name
//! `validator.bundle.js`, which stays beside the component. The SDK's own
//! `scripts/build.mjs` takes the same steps, for building by hand.
//!
//! The tools (componentize-js, esbuild, and the SDK's own dependencies, which esbuild finds
//! through `NODE_PATH`) are the SDK's `package-lock.json`, installed exactly with `npm ci`
//! into the tools folder, once per lock.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sha2::Digest as _;

use super::tools::Tools;
use super::{
    BuildOptions, SdkLocation, WORLD, check_status, fingerprint, fresh_output, output_path,
    publish_output, require_entry, run_streamed, scratch_path,
};
use crate::{Manifest, PackageError};

/// The module the build starts from, in the validator's folder.
pub const ENTRY_FILE: &str = "validator.js";
/// The SDK's package name, as a validator imports it.
const SDK_PACKAGE: &str = "@cohack/sdk";
/// The JavaScript SDK inside challenge-sdk.
const SDK_DIR: &str = "js";
/// The files that pin the tools, inside [`SDK_DIR`].
const PACKAGE_FILES: [&str; 2] = ["package.json", "package-lock.json"];
/// The tool whose version names the installation.
const COMPONENTIZE_JS: &str = "@bytecodealliance/componentize-js";
/// The bundle's name, beside the component.
const BUNDLE: &str = "validator.bundle.js";
/// The world's exports, which the entry module must export.
const EXPORTS: [&str; 2] = ["validate", "materials"];

/// Builds the JavaScript validator in `source` (the package `package`'s validator folder).
pub(super) fn build(
    package: &Path,
    source: &Path,
    manifest: &Manifest,
    options: &BuildOptions,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    require_entry(source, ENTRY_FILE, manifest)?;
    let sdk = SdkLocation::find(source, "js/package-lock.json")?;
    let sdk_js = sdk.root.join(SDK_DIR);
    let lock = Lock::read(&sdk_js)?;
    let output = output_path(package);
    let wit = sdk.root.join("wit");
    let digest = fingerprint(&[&lock.spec(), WORLD], &[source, &sdk_js, &sdk.wit()])?;
    if let Some(fresh) = fresh_output(&output, &digest) {
        let _ = writeln!(progress, "{} is up to date", fresh.display());
        return Ok(fresh);
    }

    let tools = match &options.tools_dir {
        Some(dir) => Tools::at(dir),
        None => Tools::from_env()?,
    };
    let modules = install(&tools, &lock, &sdk_js, progress)?.join("node_modules");
    let out_dir = output.parent().unwrap_or(package);
    std::fs::create_dir_all(out_dir).map_err(|e| PackageError::io(out_dir, e))?;

    let entry = source.join(ENTRY_FILE);
    let bundle = out_dir.join(BUNDLE);
    let metafile = out_dir.join("validator.bundle.meta.json");
    let _ = writeln!(
        progress,
        "bundling {} with esbuild {}",
        entry.display(),
        lock.version("esbuild")
    );
    let mut esbuild = Command::new(modules.join(".bin/esbuild"));
    esbuild
        .arg(&entry)
        .args([
            "--bundle",
            "--format=esm",
            "--platform=neutral",
            "--main-fields=module,main",
            "--log-level=warning",
            "--external:cohack:*",
            "--external:wasi:*",
        ])
        .arg(format!("--alias:{SDK_PACKAGE}={}", sdk_js.display()))
        .arg(format!("--outfile={}", bundle.display()))
        .arg(format!("--metafile={}", metafile.display()))
        .env("NODE_PATH", &modules);
    check_status(run_streamed(&mut esbuild, "esbuild", progress)?, "esbuild")?;
    let missing = missing_exports(&metafile)?;
    let _ = std::fs::remove_file(&metafile);
    if !missing.is_empty() {
        return Err(PackageError::invalid(
            &entry,
            format!(
                "does not export {}, the world's exports: end it with\n  export const {{ validate, materials }} = validator({{ validate(submission) {{ … }} }});",
                missing.join(" and ")
            ),
        ));
    }

    let bundled = std::fs::read_to_string(&bundle).map_err(|e| PackageError::io(&bundle, e))?;
    let disabled = disabled_features(&bundled);
    let _ = writeln!(
        progress,
        "building the component with componentize-js {} (WASI features left out: {})",
        lock.version(COMPONENTIZE_JS),
        disabled.join(", ")
    );
    let built = scratch_path(&output, "validator.wasm");
    let mut componentize = Command::new("node");
    componentize
        .arg(modules.join("@bytecodealliance/componentize-js/src/cli.js"))
        // Relative, in the bundle's folder: stack traces name the file by this path.
        .arg(BUNDLE)
        .arg("--wit")
        .arg(&wit)
        .args(["--world-name", WORLD]);
    for feature in &disabled {
        componentize.args(["-d", feature]);
    }
    let built_name = built.file_name().unwrap_or_default();
    componentize.arg("-o").arg(built_name).current_dir(out_dir);
    let status = run_streamed(&mut componentize, "node", progress)?;
    if let Err(error) = check_status(status, "componentize-js") {
        let _ = std::fs::remove_file(&built);
        return Err(error);
    }
    publish_output(&built, &output, &digest)?;
    Ok(output)
}

/// The WASI features componentize-js should leave out of a component built from `bundle`.
fn disabled_features(bundle: &str) -> Vec<&'static str> {
    if bundle.contains("fetch(") {
        vec!["fetch-event"]
    } else {
        vec!["http", "fetch-event"]
    }
}

/// The world's exports that esbuild's metafile says the bundle lacks, as `` `name` ``.
fn missing_exports(metafile: &Path) -> Result<Vec<String>, PackageError> {
    #[derive(Deserialize)]
    struct Meta {
        outputs: std::collections::BTreeMap<String, Output>,
    }
    #[derive(Deserialize)]
    struct Output {
        #[serde(default)]
        exports: Vec<String>,
    }
    let text = std::fs::read_to_string(metafile).map_err(|e| PackageError::io(metafile, e))?;
    let meta: Meta =
        serde_json::from_str(&text).map_err(|e| PackageError::invalid(metafile, e.to_string()))?;
    let exports: Vec<String> = meta
        .outputs
        .into_iter()
        .filter(|(name, _)| name.ends_with(".js"))
        .flat_map(|(_, output)| output.exports)
        .collect();
    Ok(EXPORTS
        .iter()
        .filter(|name| !exports.iter().any(|e| e == *name))
        .map(|name| format!("`{name}`"))
        .collect())
}

/// The SDK's `package-lock.json`: the exact tools a JavaScript validator is built with.
struct Lock {
    /// sha256 of `package.json` and `package-lock.json`.
    digest: String,
    packages: std::collections::BTreeMap<String, LockedPackage>,
}

#[derive(Deserialize)]
struct LockFile {
    #[serde(default)]
    packages: std::collections::BTreeMap<String, LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    #[serde(default)]
    version: String,
}

impl Lock {
    fn read(sdk_js: &Path) -> Result<Self, PackageError> {
        let mut hash = sha2::Sha256::new();
        let mut lock = None;
        for name in PACKAGE_FILES {
            let file = sdk_js.join(name);
            let bytes = std::fs::read(&file).map_err(|e| PackageError::io(&file, e))?;
            hash.update(&bytes);
            if name == "package-lock.json" {
                lock = Some(
                    serde_json::from_slice::<LockFile>(&bytes)
                        .map_err(|e| PackageError::invalid(&file, e.to_string()))?,
                );
            }
        }
        let packages = lock.map(|l| l.packages).unwrap_or_default();
        let this = Self {
            digest: hex::encode(&hash.finalize()[..4]),
            packages,
        };
        for tool in [COMPONENTIZE_JS, "esbuild"] {
            if this.version(tool).is_empty() {
                return Err(PackageError::invalid(
                    sdk_js.join("package-lock.json"),
                    format!("`{tool}` is not locked here: the JavaScript build needs it"),
                ));
            }
        }
        Ok(this)
    }

    /// The locked version of `name`, or an empty string.
    fn version(&self, name: &str) -> &str {
        self.packages
            .get(&format!("node_modules/{name}"))
            .map_or("", |p| p.version.as_str())
    }

    /// What an installation of this lock holds, for its stamp and the build's fingerprint.
    fn spec(&self) -> String {
        format!(
            "npm ci of challenge-sdk/js {} ({COMPONENTIZE_JS} {}, esbuild {})",
            self.digest,
            self.version(COMPONENTIZE_JS),
            self.version("esbuild")
        )
    }
}

/// The tools' folder for `lock`, installed with `npm ci` if it is not there yet: one folder
/// per lock, so that checkouts of different SDKs do not take turns reinstalling.
fn install(
    tools: &Tools,
    lock: &Lock,
    sdk_js: &Path,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    let name = format!("js-{}-{}", lock.version(COMPONENTIZE_JS), lock.digest);
    let spec = lock.spec();
    tools.ensure(&name, &spec, progress, |dir, progress| {
        for file in PACKAGE_FILES {
            let (from, to) = (sdk_js.join(file), dir.join(file));
            std::fs::copy(&from, &to).map_err(|e| PackageError::io(&from, e))?;
        }
        let status = run_streamed(
            Command::new("npm")
                .args([
                    "ci",
                    "--include=dev",
                    "--no-audit",
                    "--no-fund",
                    "--no-update-notifier",
                    // None is needed (esbuild's only checks its binary, which npm installed).
                    "--ignore-scripts",
                ])
                .current_dir(dir),
            "npm",
            progress,
        )?;
        if !status.success() {
            return Err(PackageError::ToolInstall {
                what: spec.clone(),
                status: status.to_string(),
            });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_linked_only_for_a_bundle_that_fetches() {
        assert_eq!(
            disabled_features("export function validate(s) { return 1; }"),
            ["http", "fetch-event"]
        );
        assert_eq!(
            disabled_features("const r = await fetch(url);"),
            ["fetch-event"]
        );
    }

    #[test]
    fn missing_exports_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let meta = tmp.path().join("meta.json");
        std::fs::write(
            &meta,
            r#"{"inputs": {}, "outputs": {"target/validator.bundle.js": {"exports": ["validate"]}}}"#,
        )
        .unwrap();
        assert_eq!(missing_exports(&meta).unwrap(), ["`materials`"]);
    }

    #[test]
    fn the_lock_names_the_tools_and_their_installation() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(tmp.path().join(name), text).unwrap();
        write("package.json", r#"{"name": "@cohack/sdk"}"#);
        write(
            "package-lock.json",
            r#"{"lockfileVersion": 3, "packages": {
                "": {"name": "@cohack/sdk"},
                "node_modules/@bytecodealliance/componentize-js": {"version": "0.23.0"},
                "node_modules/esbuild": {"version": "0.28.2"}}}"#,
        );
        let lock = Lock::read(tmp.path()).unwrap();
        assert_eq!(lock.version(COMPONENTIZE_JS), "0.23.0");
        assert_eq!(lock.version("smol-toml"), "");
        let spec = lock.spec();
        assert!(
            spec.contains("componentize-js 0.23.0, esbuild 0.28.2"),
            "{spec}"
        );

        write("package.json", r#"{"name": "@cohack/sdk", "version": "2"}"#);
        assert_ne!(Lock::read(tmp.path()).unwrap().digest, lock.digest);

        write("package-lock.json", r#"{"packages": {}}"#);
        let error = Lock::read(tmp.path()).err().unwrap().to_string();
        assert!(error.contains("is not locked here"), "{error}");
    }
}
