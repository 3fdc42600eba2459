//! A Python or JavaScript build's output: `target/validator.wasm` in the package, with the
//! fingerprint of what it was made from beside it (`validator.wasm.inputs`), so that an
//! unchanged validator is not built again. A build writes a scratch file and renames it into
//! place, so a concurrent build of the same package never reads half a component.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::PackageError;

/// Where a Python or JavaScript build writes its component, inside the package.
pub(super) fn output_path(package: &Path) -> PathBuf {
    package.join("target").join("validator.wasm")
}

/// A digest of everything a build's output depends on: `parts` (tool versions, flags) and
/// the files under `inputs` (paths and contents; hidden files, `__pycache__`, `node_modules`
/// and `target` skipped).
pub(super) fn fingerprint(parts: &[&str], inputs: &[&Path]) -> Result<String, PackageError> {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    for part in parts {
        field(part.as_bytes());
    }
    for input in inputs {
        field(input.to_string_lossy().as_bytes());
        let mut files = Vec::new();
        collect_files(input, &mut files)?;
        files.sort();
        for file in files {
            field(file.to_string_lossy().as_bytes());
            field(&std::fs::read(&file).map_err(|e| PackageError::io(&file, e))?);
        }
    }
    Ok(hex::encode(hash.finalize()))
}

fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), PackageError> {
    if path.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(path).map_err(|e| PackageError::io(path, e))? {
        let entry = entry.map_err(|e| PackageError::io(path, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || ["__pycache__", "node_modules", "target"].contains(&&*name) {
            continue;
        }
        let child = entry.path();
        if child.is_dir() {
            collect_files(&child, files)?;
        } else if child.is_file() {
            files.push(child);
        }
    }
    Ok(())
}

/// Copies the files under `from` that a build reads (as [`fingerprint`] sees them: no hidden
/// files, caches or build outputs) into `to`, which is emptied first.
pub(super) fn stage(from: &Path, to: &Path) -> Result<(), PackageError> {
    match std::fs::remove_dir_all(to) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(PackageError::io(to, e)),
        _ => {}
    }
    let mut files = Vec::new();
    collect_files(from, &mut files)?;
    for file in files {
        let relative = file.strip_prefix(from).unwrap_or(&file);
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| PackageError::io(parent, e))?;
        }
        std::fs::copy(&file, &target).map_err(|e| PackageError::io(&file, e))?;
    }
    Ok(())
}

/// The output of an earlier build with the same fingerprint, if it is still there.
pub(super) fn fresh_output(output: &Path, fingerprint: &str) -> Option<PathBuf> {
    let recorded = std::fs::read_to_string(stamp_of(output)).ok()?;
    (recorded.trim() == fingerprint && output.is_file()).then(|| output.to_path_buf())
}

/// Moves a finished build from `built` to `output` and records its fingerprint. The rename
/// is atomic, so a concurrent build of the same package never reads half a component.
pub(super) fn publish_output(
    built: &Path,
    output: &Path,
    fingerprint: &str,
) -> Result<(), PackageError> {
    std::fs::rename(built, output).map_err(|e| PackageError::io(output, e))?;
    let stamp = stamp_of(output);
    std::fs::write(&stamp, format!("{fingerprint}\n")).map_err(|e| PackageError::io(&stamp, e))
}

fn stamp_of(output: &Path) -> PathBuf {
    output.with_extension("wasm.inputs")
}

/// A scratch file next to `output`, unique to this process.
pub(super) fn scratch_path(output: &Path, what: &str) -> PathBuf {
    output.with_file_name(format!(".{what}-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_fingerprint_follows_contents_and_skips_caches() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(&dir.join("app.py"), "x = 1\n");
        let first = fingerprint(&["tool 1"], &[dir]).unwrap();
        write(&dir.join("__pycache__/app.pyc"), "junk");
        write(&dir.join("node_modules/m/index.js"), "junk");
        write(&dir.join(".hidden"), "junk");
        assert_eq!(fingerprint(&["tool 1"], &[dir]).unwrap(), first);
        assert_ne!(fingerprint(&["tool 2"], &[dir]).unwrap(), first);
        write(&dir.join("app.py"), "x = 2\n");
        assert_ne!(fingerprint(&["tool 1"], &[dir]).unwrap(), first);
    }

    #[test]
    fn staging_copies_the_sources_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let from = tmp.path().join("validator");
        write(&from.join("app.py"), "x = 1\n");
        write(&from.join("lib/util.py"), "y = 2\n");
        write(&from.join("__pycache__/app.pyc"), "junk");
        write(&from.join(".venv/bin/python"), "junk");
        let to = tmp.path().join("staged");
        write(&to.join("stale.py"), "old");
        stage(&from, &to).unwrap();
        let mut staged = Vec::new();
        collect_files(&to, &mut staged).unwrap();
        staged.sort();
        assert_eq!(staged, [to.join("app.py"), to.join("lib/util.py")]);
        assert!(!to.join("__pycache__").exists() && !to.join(".venv").exists());
    }

    #[test]
    fn an_output_is_fresh_only_with_its_fingerprint() {
        let tmp = tempfile::tempdir().unwrap();
        let output = output_path(tmp.path());
        std::fs::create_dir_all(output.parent().unwrap()).unwrap();
        assert_eq!(fresh_output(&output, "abc"), None);
        let built = scratch_path(&output, "validator.wasm");
        std::fs::write(&built, b"\0asm").unwrap();
        publish_output(&built, &output, "abc").unwrap();
        assert!(!built.exists());
        assert_eq!(fresh_output(&output, "abc"), Some(output.clone()));
        assert_eq!(fresh_output(&output, "abd"), None);
        std::fs::remove_file(&output).unwrap();
        assert_eq!(
            fresh_output(&output, "abc"),
            None,
            "the stamp alone is not an output"
        );
    }
}
