//! Python tools the tests drive (schemathesis, aiosmtpd, standardwebhooks), each installed at
//! the version its `requirements.txt` pins into a virtual environment of its own under
//! `target/cohack-tools`, once: one test installs while the others wait on a file lock.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::Instant,
};

use crate::harness::repo_root;

/// The virtual environment holding `package` at the version `requirements` (a path from the
/// repository's root) pins, installed unless it is there already.
pub async fn venv_with(requirements: &str, package: &str) -> PathBuf {
    let requirements = repo_root().join(requirements);
    let pinned = fs::read_to_string(&requirements)
        .unwrap_or_else(|e| panic!("{}: {e}", requirements.display()));
    let version = pinned
        .lines()
        .find_map(|line| line.trim().strip_prefix(&format!("{package}==")))
        .unwrap_or_else(|| panic!("{} pins {package}==VERSION", requirements.display()))
        .trim()
        .to_owned();
    let venv = repo_root()
        .join("target/cohack-tools")
        .join(format!("{package}-{version}"));
    let installing = venv.clone();
    let package = package.to_owned();
    tokio::task::spawn_blocking(move || install(&installing, &requirements, &package))
        .await
        .expect("the install task");
    venv
}

fn install(venv: &Path, requirements: &Path, package: &str) {
    fs::create_dir_all(venv.parent().expect("a parent")).expect("target/cohack-tools");
    let lock = fs::File::create(venv.with_extension("lock")).expect("create the install lock");
    lock.lock().expect("take the install lock");
    let done = venv.join(".installed");
    if done.exists() {
        return;
    }
    let started = Instant::now();
    let _ = fs::remove_dir_all(venv);
    step(
        Path::new("python3"),
        &["-m", "venv", &venv.to_string_lossy()],
        "python3 -m venv (Debian: apt-get install python3-venv)",
    );
    step(
        &venv.join("bin/pip"),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            &requirements.to_string_lossy(),
        ],
        &format!("pip install -r {}", requirements.display()),
    );
    fs::write(&done, b"").expect("mark the install done");
    eprintln!(
        "{package}: installed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

fn step(program: &Path, args: &[&str], what: &str) {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
