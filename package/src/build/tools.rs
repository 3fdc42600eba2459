//! The Python and JavaScript build tools, installed on first use at pinned versions into a
//! folder this crate owns (never globally, never into the package):
//!
//! ```text
//! $COHACK_TOOLS_DIR            (else $XDG_CACHE_HOME/cohack/tools, else ~/.cache/cohack/tools)
//!   python-0.25.1/             a venv with componentize-py==0.25.1
//!   js-0.23.0-<lock>/          `npm ci` of the JavaScript SDK's package-lock.json:
//!                              componentize-js 0.23.0, esbuild and the SDK's dependencies
//!                              (<lock>: a digest of challenge-sdk/js/package{,-lock}.json)
//!   python-0.25.1.lock         held while that folder is installed
//! ```
//!
//! componentize-py's version is pinned here ([`COMPONENTIZE_PY`]); the JavaScript tools are
//! pinned, exactly and with their own dependencies, by the SDK's `package-lock.json`, which
//! the SDK's own build script and tests use too.
//!
//! An installation is made in a scratch folder and renamed into place once complete, and it
//! carries a stamp with what was installed: a crash leaves no half installation behind, only
//! a scratch folder that the next install removes. Installs run under a lock file per
//! installation, so two builds at once never both install; the second waits, then uses what
//! the first made.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::PackageError;

/// The componentize-py release Python validators are built with.
pub const COMPONENTIZE_PY: &str = "0.25.1";

/// The stamp an installation carries once complete: what was installed.
const STAMP: &str = ".cohack-installed";

/// The folder the tools are installed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    root: PathBuf,
}

impl Tools {
    /// The tools folder at `root`.
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `$COHACK_TOOLS_DIR`, else `$XDG_CACHE_HOME/cohack/tools`, else
    /// `$HOME/.cache/cohack/tools`.
    pub fn from_env() -> Result<Self, PackageError> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        if let Some(dir) = var("COHACK_TOOLS_DIR") {
            return Ok(Self::at(dir));
        }
        if let Some(cache) = var("XDG_CACHE_HOME") {
            return Ok(Self::at(Path::new(&cache).join("cohack/tools")));
        }
        match var("HOME") {
            Some(home) => Ok(Self::at(Path::new(&home).join(".cache/cohack/tools"))),
            None => Err(PackageError::ToolMissing {
                tool: "a folder for the build tools".to_owned(),
                hint: "set COHACK_TOOLS_DIR (or HOME) to where cohack may install them".to_owned(),
            }),
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The installation `name`, holding exactly `spec` (a description of what is installed,
    /// with versions): returned as it is when complete, otherwise made by `install` into a
    /// scratch folder, stamped with `spec` and renamed into place, all under `name`'s lock.
    pub(crate) fn ensure(
        &self,
        name: &str,
        spec: &str,
        progress: &mut dyn Write,
        install: impl FnOnce(&Path, &mut dyn Write) -> Result<(), PackageError>,
    ) -> Result<PathBuf, PackageError> {
        let dir = self.root.join(name);
        if installed(&dir, spec) {
            return Ok(dir);
        }
        std::fs::create_dir_all(&self.root).map_err(|e| PackageError::io(&self.root, e))?;
        let lock_path = self.root.join(format!("{name}.lock"));
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| PackageError::io(&lock_path, e))?;
        if lock.try_lock().is_err() {
            let _ = writeln!(
                progress,
                "waiting for another build that is installing {name} ({})…",
                lock_path.display()
            );
            lock.lock().map_err(|e| PackageError::io(&lock_path, e))?;
        }
        // The lock is held from here on (released when `lock` is dropped).
        if installed(&dir, spec) {
            return Ok(dir);
        }
        let scratch = self.root.join(format!(".{name}.partial"));
        remove_dir(&scratch)?;
        std::fs::create_dir_all(&scratch).map_err(|e| PackageError::io(&scratch, e))?;
        let _ = writeln!(
            progress,
            "installing {spec} into {} (once; later builds reuse it)",
            dir.display()
        );
        if let Err(error) = install(&scratch, progress) {
            let _ = remove_dir(&scratch);
            return Err(error);
        }
        let stamp = scratch.join(STAMP);
        std::fs::write(&stamp, spec).map_err(|e| PackageError::io(&stamp, e))?;
        // An installation of another spec under this name (an older SDK's) is replaced.
        remove_dir(&dir)?;
        std::fs::rename(&scratch, &dir).map_err(|e| PackageError::io(&dir, e))?;
        drop(lock);
        Ok(dir)
    }
}

/// Whether `dir` is a complete installation of `spec`.
fn installed(dir: &Path, spec: &str) -> bool {
    std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|stamp| stamp == spec)
}

/// Removes a folder, if there is one.
fn remove_dir(dir: &Path) -> Result<(), PackageError> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(PackageError::io(dir, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn an_installation_is_made_once_and_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let tools = Tools::at(tmp.path().join("tools"));
        let runs = AtomicUsize::new(0);
        let install = |dir: &Path, _: &mut dyn Write| {
            runs.fetch_add(1, Ordering::SeqCst);
            std::fs::write(dir.join("tool"), "v1").map_err(|e| PackageError::io(dir, e))
        };
        let dir = tools
            .ensure("t-1", "t 1", &mut Vec::new(), install)
            .unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("tool")).unwrap(), "v1");
        tools
            .ensure("t-1", "t 1", &mut Vec::new(), install)
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        // Another spec under the same name replaces it.
        tools
            .ensure("t-1", "t 1 + x", &mut Vec::new(), install)
            .unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_failed_install_leaves_nothing_and_is_tried_again() {
        let tmp = tempfile::tempdir().unwrap();
        let tools = Tools::at(tmp.path());
        let error = tools
            .ensure("t-2", "t 2", &mut Vec::new(), |dir, _| {
                std::fs::write(dir.join("half"), "").unwrap();
                Err(PackageError::ToolFailed {
                    tool: "pip".into(),
                    status: "exit status: 1".into(),
                })
            })
            .unwrap_err();
        assert!(matches!(error, PackageError::ToolFailed { .. }));
        assert!(!tmp.path().join("t-2").exists());
        assert!(!tmp.path().join(".t-2.partial").exists());

        // A crash mid-install leaves a scratch folder and no stamp: the next install starts
        // over.
        std::fs::create_dir_all(tmp.path().join(".t-2.partial/junk")).unwrap();
        std::fs::create_dir_all(tmp.path().join("t-2")).unwrap();
        let dir = tools
            .ensure("t-2", "t 2", &mut Vec::new(), |dir, _| {
                assert_eq!(std::fs::read_dir(dir).unwrap().count(), 0, "a clean start");
                Ok(())
            })
            .unwrap();
        assert!(installed(&dir, "t 2"));
        assert!(!tmp.path().join(".t-2.partial").exists());
    }

    #[test]
    fn concurrent_builds_install_once() {
        let tmp = tempfile::tempdir().unwrap();
        let runs = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    // A tools value per thread, as separate processes would have.
                    let tools = Tools::at(tmp.path());
                    tools
                        .ensure("t-3", "t 3", &mut Vec::new(), |_, _| {
                            runs.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(200));
                            Ok(())
                        })
                        .unwrap();
                });
            }
        });
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_folder_comes_from_the_environment() {
        // Read-only: the variables are not changed here, other tests run beside this one.
        let tools = Tools::from_env().unwrap();
        if let Some(dir) = std::env::var_os("COHACK_TOOLS_DIR").filter(|d| !d.is_empty()) {
            assert_eq!(tools.root(), Path::new(&dir));
        } else {
            assert!(tools.root().ends_with("cohack/tools"), "{:?}", tools.root());
        }
    }
}
