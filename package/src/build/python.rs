//! The Python build: `validator/app.py` (which defines `WitWorld`, most simply as
//! `WitWorld = cohack_sdk.export(validate)`) and the `cohack_sdk` package, made into a
//! component by componentize-py:
//!
//! ```text
//! componentize-py -d challenge-sdk/wit/validator.wit -w validator componentize app \
//!     -p validator -p challenge-sdk/python -o target/validator.wasm
//! ```
//!
//! (run on copies of both folders under `target/`, since the interpreter writes
//! `__pycache__` where it imports from).
//!
//! componentize-py generates the bindings of the contract itself while it builds (the
//! `wit_world` module the SDK imports), so no Python copy of the contract's types exists.
//! It bundles a CPython interpreter and the modules the validator imports, and runs the
//! module's top level at build time: a component is about 17 MiB, and starts ready.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::tools::{COMPONENTIZE_PY, Tools};
use super::{
    BuildOptions, SdkLocation, WORLD, check_status, fingerprint, fresh_output, output_path,
    publish_output, require_entry, run_streamed, scratch_path, stage,
};
use crate::{Manifest, PackageError};

/// The module componentize-py wraps: `app.py` in the validator's folder.
pub const ENTRY_MODULE: &str = "app";
/// The Python SDK inside challenge-sdk.
const SDK_DIR: &str = "python";

/// Builds the Python validator in `source` (the package `package`'s validator folder).
pub(super) fn build(
    package: &Path,
    source: &Path,
    manifest: &Manifest,
    options: &BuildOptions,
    progress: &mut dyn Write,
) -> Result<PathBuf, PackageError> {
    require_entry(source, &format!("{ENTRY_MODULE}.py"), manifest)?;
    let sdk = SdkLocation::find(source, "python/cohack_sdk")?;
    let sdk_python = sdk.root.join(SDK_DIR);
    let output = output_path(package);
    let wit = sdk.wit();
    let spec = format!("componentize-py {COMPONENTIZE_PY}");
    let digest = fingerprint(&[&spec, WORLD], &[source, &sdk_python, &wit])?;
    if let Some(fresh) = fresh_output(&output, &digest) {
        let _ = writeln!(progress, "{} is up to date", fresh.display());
        return Ok(fresh);
    }

    let tools = match &options.tools_dir {
        Some(dir) => Tools::at(dir),
        None => Tools::from_env()?,
    };
    let componentize = install(&tools, progress)?;
    let out_dir = output.parent().unwrap_or(package);
    std::fs::create_dir_all(out_dir).map_err(|e| PackageError::io(out_dir, e))?;
    let built = scratch_path(&output, "validator.wasm");
    // componentize-py's interpreter writes `__pycache__` into the folders it imports from, so
    // it gets copies: the author's folder and the SDK stay as they are, and nothing but their
    // sources (no editor or venv folder) is bundled.
    let staged = scratch_path(&output, "python-src");
    stage(source, &staged.join("validator"))?;
    stage(&sdk_python, &staged.join("sdk"))?;
    let _ = writeln!(
        progress,
        "building {} with componentize-py {COMPONENTIZE_PY}",
        source.join(format!("{ENTRY_MODULE}.py")).display()
    );
    let mut command = componentize.command();
    command
        .arg("-d")
        .arg(&wit)
        .args(["-w", WORLD, "componentize", ENTRY_MODULE, "-p"])
        .arg(staged.join("validator"))
        .arg("-p")
        .arg(staged.join("sdk"))
        .arg("-o")
        .arg(&built);
    let status = run_streamed(&mut command, "componentize-py", progress);
    let _ = std::fs::remove_dir_all(&staged);
    if let Err(error) = check_status(status?, "componentize-py") {
        let _ = std::fs::remove_file(&built);
        return Err(error);
    }
    publish_output(&built, &output, &digest)?;
    Ok(output)
}

impl Tools {
    /// A command that runs componentize-py (installed first if need be), for what the build
    /// does not do itself, such as `bindings DIR`: the stubs of the contract's Python types
    /// that the Python SDK's own tests import. `progress` gets the installation's output.
    pub fn componentize_py(&self, progress: &mut dyn Write) -> Result<Command, PackageError> {
        Ok(install(self, progress)?.command())
    }
}

/// componentize-py in its venv.
pub(crate) struct Componentize {
    venv: PathBuf,
}

impl Componentize {
    /// A command running componentize-py. The venv was made elsewhere and renamed into place,
    /// so its console scripts' `#!` lines point at the old place: the module is run by the
    /// venv's interpreter instead. The caller's Python settings are cleared so that nothing
    /// of another environment is bundled into the component, and no `__pycache__` is
    /// written into the author's folder or the SDK.
    pub(crate) fn command(&self) -> Command {
        let mut command = Command::new(self.venv.join("bin/python"));
        command
            .args([
                "-c",
                "import sys; from componentize_py import script; \
                 sys.argv[0] = 'componentize-py'; sys.exit(script())",
            ])
            .env_remove("VIRTUAL_ENV")
            .env_remove("PYTHONPATH")
            .env_remove("PYTHONHOME")
            .env_remove("PYTHONSTARTUP")
            .env("PYTHONDONTWRITEBYTECODE", "1");
        command
    }
}

/// componentize-py, installed in a venv of the tools folder if it is not there yet.
pub(crate) fn install(
    tools: &Tools,
    progress: &mut dyn Write,
) -> Result<Componentize, PackageError> {
    let spec = format!("componentize-py=={COMPONENTIZE_PY}");
    let venv = tools.ensure(
        &format!("python-{COMPONENTIZE_PY}"),
        &spec,
        progress,
        |dir, progress| {
            let python = std::env::var_os("COHACK_PYTHON")
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "python3".into());
            let status = run_streamed(
                Command::new(&python)
                    .args(["-m", "venv"])
                    .arg(dir)
                    .env_remove("VIRTUAL_ENV")
                    .env_remove("PYTHONPATH"),
                "python3",
                progress,
            )?;
            if !status.success() {
                return Err(PackageError::ToolInstall {
                    what: "a Python venv (`python3 -m venv`; on Debian, `apt install python3-venv` provides it)".to_owned(),
                    status: status.to_string(),
                });
            }
            let status = run_streamed(
                Command::new(dir.join("bin/python"))
                    .args([
                        "-m",
                        "pip",
                        "install",
                        "--disable-pip-version-check",
                        "--no-input",
                        "--progress-bar",
                        "off",
                        &spec,
                    ])
                    .env_remove("PYTHONPATH")
                    .env("PYTHONDONTWRITEBYTECODE", "1"),
                "pip",
                progress,
            )?;
            if !status.success() {
                return Err(PackageError::ToolInstall {
                    what: spec.clone(),
                    status: status.to_string(),
                });
            }
            Ok(())
        },
    )?;
    Ok(Componentize { venv })
}
