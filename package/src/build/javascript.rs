//! The JavaScript build: `validator/validator.js` (an ES module exporting `validate` and,
//! optionally, `materials`) is bundled with the SDK `@cohack/sdk` into one module by esbuild,
//! then made into a component by componentize-js:
//!
//! ```text
//! esbuild validator/validator.js --bundle --format=esm --platform=neutral \
//!     --alias:@cohack/sdk=challenge-sdk/js --external:cohack:* --external:wasi:* \
//!     --outfile=target/validator.bundle.js
//! componentize-js target/validator.bundle.js --wit challenge-sdk/wit/validator.wit \
//!     --world-name validator -d fetch-event [-d http] -o target/validator.wasm
//! ```
//!
//! componentize-js links a WASI feature only when it is not disabled: `fetch-event` (serving
//! HTTP, which a validator never does) always is, and `http` (outgoing requests, which a
//! 0.2.0 validator may send) is unless the bundle calls `fetch(`. `stdio` stays, so that
//! `console.log` and an uncaught exception's stack reach the run's log; `random` and
//! `clocks` stay, the sandbox makes them deterministic.
//!
//! The SDK's own npm dependencies (its `package.json` `dependencies`, exact versions) are
//! installed with the tools, and esbuild finds them there through `NODE_PATH`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use sha2::Digest as _;

use super::tools::{COMPONENTIZE_JS, ESBUILD, Tools};
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

/// Builds the JavaScript validator in `source` (the package `package`'s validator folder).
pub(super) fn build(
    package: &Path,
    source: &Path,
    manifest: &Manifest,
    options: &BuildOptions,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    require_entry(source, ENTRY_FILE, manifest)?;
    let sdk = SdkLocation::find(source, "js/package.json")?;
    let sdk_js = sdk.root.join(SDK_DIR);
    let dependencies = tool_dependencies(&sdk_js)?;
    let spec = dependencies
        .iter()
        .map(|(name, version)| format!("{name}@{version}"))
        .collect::<Vec<_>>()
        .join(" ");
    let output = output_path(package);
    let wit = sdk.wit();
    let digest = fingerprint(&[&spec, WORLD], &[source, &sdk_js, &wit])?;
    if let Some(fresh) = fresh_output(&output, &digest) {
        let _ = writeln!(progress, "{} is up to date", fresh.display());
        return Ok(fresh);
    }

    let tools = match &options.tools_dir {
        Some(dir) => Tools::at(dir),
        None => Tools::from_env()?,
    };
    let modules = install(&tools, &dependencies, &spec, progress)?.join("node_modules");
    let out_dir = output.parent().unwrap_or(package);
    std::fs::create_dir_all(out_dir).map_err(|e| PackageError::io(out_dir, e))?;

    let bundle = out_dir.join("validator.bundle.js");
    let _ = writeln!(
        progress,
        "bundling {} with esbuild {ESBUILD}",
        source.join(ENTRY_FILE).display()
    );
    let mut esbuild = Command::new(modules.join(".bin/esbuild"));
    esbuild
        .arg(source.join(ENTRY_FILE))
        .args([
            "--bundle",
            "--format=esm",
            "--platform=neutral",
            "--main-fields=module,main",
            "--log-level=warning",
            // The contract's and WASI's interfaces are the component's imports.
            "--external:cohack:*",
            "--external:wasi:*",
        ])
        .arg(format!("--alias:{SDK_PACKAGE}={}", sdk_js.display()))
        .arg(format!("--outfile={}", bundle.display()))
        .env("NODE_PATH", &modules);
    check_status(run_streamed(&mut esbuild, "esbuild", progress)?, "esbuild")?;

    let bundled = std::fs::read_to_string(&bundle).map_err(|e| PackageError::io(&bundle, e))?;
    let disabled = disabled_features(&bundled);
    let _ = writeln!(
        progress,
        "building the component with componentize-js {COMPONENTIZE_JS} (WASI features left out: {})",
        disabled.join(", ")
    );
    let built = scratch_path(&output, "validator.wasm");
    let mut componentize = Command::new("node");
    componentize
        .arg(modules.join("@bytecodealliance/componentize-js/src/cli.js"))
        .arg(&bundle)
        .arg("--wit")
        .arg(&wit)
        .args(["--world-name", WORLD]);
    for feature in &disabled {
        componentize.args(["-d", feature]);
    }
    componentize.arg("-o").arg(&built);
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

/// What the SDK's `package.json` says it needs at run time.
#[derive(Deserialize)]
struct SdkPackage {
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

/// The npm packages to install: componentize-js and esbuild at our pins, and the SDK's own
/// `dependencies`, each of which must be an exact version.
fn tool_dependencies(sdk_js: &Path) -> Result<BTreeMap<String, String>, PackageError> {
    let file = sdk_js.join("package.json");
    let text = std::fs::read_to_string(&file).map_err(|e| PackageError::io(&file, e))?;
    let sdk: SdkPackage =
        serde_json::from_str(&text).map_err(|e| PackageError::invalid(&file, e.to_string()))?;
    let mut dependencies = BTreeMap::from([
        (
            "@bytecodealliance/componentize-js".to_owned(),
            COMPONENTIZE_JS.to_owned(),
        ),
        ("esbuild".to_owned(), ESBUILD.to_owned()),
    ]);
    for (name, version) in sdk.dependencies {
        let exact = !version.is_empty()
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
        if !exact {
            return Err(PackageError::invalid(
                &file,
                format!(
                    "dependency `{name}` is `{version}`: the SDK's dependencies must be exact versions, so every build bundles the same code"
                ),
            ));
        }
        dependencies.entry(name).or_insert(version);
    }
    Ok(dependencies)
}

/// The tools' folder, with `dependencies` installed by npm if they are not there yet.
fn install(
    tools: &Tools,
    dependencies: &BTreeMap<String, String>,
    spec: &str,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    // One folder per list of packages, so that checkouts with different SDKs do not take
    // turns reinstalling.
    let digest = hex::encode(&sha2::Sha256::digest(spec.as_bytes())[..4]);
    let name = format!("js-{COMPONENTIZE_JS}-{digest}");
    tools.ensure(&name, spec, progress, |dir, progress| {
        let manifest = serde_json::json!({
            "name": "cohack-build-tools",
            "private": true,
            "description": "The tools cohack builds JavaScript validators with.",
            "dependencies": dependencies,
        });
        let file = dir.join("package.json");
        std::fs::write(&file, format!("{manifest:#}\n")).map_err(|e| PackageError::io(&file, e))?;
        let status = run_streamed(
            Command::new("npm")
                .args([
                    "install",
                    "--no-audit",
                    "--no-fund",
                    "--no-update-notifier",
                    "--save-exact",
                    // None is needed (esbuild's only checks its binary, which npm installed).
                    "--ignore-scripts",
                ])
                .current_dir(dir),
            "npm",
            progress,
        )?;
        if !status.success() {
            return Err(PackageError::ToolInstall {
                what: spec.to_owned(),
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
    fn the_sdk_dependencies_join_the_pinned_tools_and_must_be_exact() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |text: &str| std::fs::write(tmp.path().join("package.json"), text).unwrap();
        write(r#"{"name": "@cohack/sdk", "dependencies": {"smol-toml": "1.9.1"}}"#);
        let deps = tool_dependencies(tmp.path()).unwrap();
        assert_eq!(deps["@bytecodealliance/componentize-js"], COMPONENTIZE_JS);
        assert_eq!(deps["esbuild"], ESBUILD);
        assert_eq!(deps["smol-toml"], "1.9.1");
        write(r#"{"name": "@cohack/sdk", "devDependencies": {"vitest": "^3"}}"#);
        assert_eq!(tool_dependencies(tmp.path()).unwrap().len(), 2);
        write(r#"{"name": "@cohack/sdk", "dependencies": {"smol-toml": "^1.9.1"}}"#);
        let error = tool_dependencies(tmp.path()).unwrap_err().to_string();
        assert!(error.contains("must be exact versions"), "{error}");
    }
}
