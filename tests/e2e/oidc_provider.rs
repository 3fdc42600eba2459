//! A real OpenID provider for the sign-in tests: panva's `oidc-provider` run by
//! `tests/oidc/provider.mjs` on a random port of 127.0.0.1, with one confidential client and
//! the accounts a test names, killed when the test drops it.
//!
//! The npm package is installed at the version `tests/oidc/package.json` pins (from its
//! `package-lock.json`) into `target/cohack-tools/oidc-provider-<version>/`, once: one test
//! installs while the others wait on a file lock, as the Python tools are.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, ChildStdin},
};

use crate::harness::repo_root;

/// How long the provider may take to say it listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The client the provider knows: what a relying party registered there.
#[derive(Debug, Clone)]
pub struct ClientSpec {
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider may send the browser back with a code.
    pub redirect_uris: Vec<String>,
    /// Where the provider may send the browser after signing out.
    pub post_logout_redirect_uris: Vec<String>,
    /// Where the provider POSTs logout tokens (`features.backchannelLogout`).
    pub backchannel_logout_uri: Option<String>,
}

impl ClientSpec {
    /// cohack on `public_url` registered as provider `id`: its callback, its home page after
    /// signing out, and its back-channel logout endpoint.
    pub fn cohack(id: &str, public_url: &str) -> ClientSpec {
        let public_url = public_url.trim_end_matches('/');
        ClientSpec {
            client_id: format!("cohack-{id}"),
            client_secret: format!("secret-of-cohack-{id}-{}", uuid::Uuid::new_v4().simple()),
            redirect_uris: vec![format!("{public_url}/auth/oidc/{id}/callback")],
            post_logout_redirect_uris: vec![format!("{public_url}/")],
            backchannel_logout_uri: Some(format!("{public_url}/auth/oidc/{id}/backchannel-logout")),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": self.redirect_uris,
            "post_logout_redirect_uris": self.post_logout_redirect_uris,
            "backchannel_logout_uri": self.backchannel_logout_uri,
        })
    }
}

/// A provider that is listening; killed when dropped.
pub struct RunningProvider {
    issuer: String,
    log: Arc<Mutex<Vec<String>>>,
    _child: Child,
    // Closing it tells the provider to exit (`--exit-with-stdin`), should the kill be missed.
    _stdin: ChildStdin,
}

impl RunningProvider {
    /// The issuer, `http://127.0.0.1:PORT`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// What the provider wrote to stderr so far, a line each (`backchannel.success …`,
    /// `backchannel.error …`, its start-up warnings).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// Waits until a line of the log contains `needle`, failing with the log after `within`.
    pub async fn wait_for_log(&self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(line) = self.log().into_iter().find(|line| line.contains(needle)) {
                return line;
            }
            assert!(
                Instant::now() < deadline,
                "the provider logged no {needle:?} within {within:?}:\n{}",
                self.log().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The issuer of a provider started on `port`.
pub fn issuer_on(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// Starts the provider on `port` of 127.0.0.1 (0: any free one; a fixed port lets a relying
/// party be configured before the provider runs) with `client` and `accounts`
/// (`{"<login>": {"email", "email_verified", "name", "organization"}}`: whatever is typed as
/// the log-in form's `login` is the account id, and its claims are these plus `sub`).
pub async fn start(port: u16, client: ClientSpec, accounts: Value) -> RunningProvider {
    let modules = installed().await;
    let script = repo_root().join("tests/oidc/provider.mjs");
    let mut child = tokio::process::Command::new("node")
        .arg(&script)
        .arg("--exit-with-stdin")
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_CLIENT", client.to_json().to_string())
        .env("OIDC_ACCOUNTS", accounts.to_string())
        .env("OIDC_NODE_MODULES", &modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start node for {}: {e}", script.display()));
    let stdin = child.stdin.take().expect("piped stdin");

    let log = Arc::new(Mutex::new(Vec::new()));
    let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
    let collected = log.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            eprintln!("oidc-provider: {line}");
            collected.lock().expect("log lock").push(line);
        }
    });

    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let issuer = tokio::time::timeout(START_TIMEOUT, async {
        while let Ok(Some(line)) = stdout.next_line().await {
            if let Some(issuer) = line.strip_prefix("ISSUER ") {
                return Some(issuer.trim().to_owned());
            }
        }
        None
    })
    .await
    .unwrap_or_else(|_| panic!("the OpenID provider did not start within {START_TIMEOUT:?}"));
    let Some(issuer) = issuer else {
        // Give the stderr reader a moment to take the last lines before showing them.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let status = child.wait().await.expect("provider exit status");
        panic!(
            "the OpenID provider exited ({status}) before listening:\n{}",
            log.lock().expect("log lock").join("\n")
        );
    };
    // Nothing more is expected on stdout; keep reading so that a stray line cannot block it.
    tokio::spawn(async move { while let Ok(Some(_)) = stdout.next_line().await {} });

    RunningProvider {
        issuer,
        log,
        _child: child,
        _stdin: stdin,
    }
}

/// The `node_modules` folder holding the pinned `oidc-provider`, installed unless it is there.
async fn installed() -> PathBuf {
    let package = repo_root().join("tests/oidc");
    let manifest: Value = serde_json::from_str(
        &fs::read_to_string(package.join("package.json")).expect("tests/oidc/package.json"),
    )
    .expect("tests/oidc/package.json is JSON");
    let version = manifest["dependencies"]["oidc-provider"]
        .as_str()
        .expect("tests/oidc/package.json pins oidc-provider")
        .to_owned();
    let folder = repo_root()
        .join("target/cohack-tools")
        .join(format!("oidc-provider-{version}"));
    let installing = folder.clone();
    tokio::task::spawn_blocking(move || install(&installing, &package))
        .await
        .expect("the install task");
    folder.join("node_modules")
}

fn install(folder: &Path, package: &Path) {
    fs::create_dir_all(folder.parent().expect("a parent")).expect("target/cohack-tools");
    // Beside the folder, not `with_extension`: the version's dots are no extension.
    let mut lock_path = folder.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock = fs::File::create(lock_path).expect("create the install lock");
    lock.lock().expect("take the install lock");
    let done = folder.join(".installed");
    if done.exists() {
        return;
    }
    let started = Instant::now();
    let _ = fs::remove_dir_all(folder);
    fs::create_dir_all(folder).expect("the install folder");
    for file in ["package.json", "package-lock.json"] {
        fs::copy(package.join(file), folder.join(file))
            .unwrap_or_else(|e| panic!("copy tests/oidc/{file}: {e}"));
    }
    let output = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" })
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(folder)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("npm does not start (Debian: apt-get install npm): {e}"));
    assert!(
        output.status.success(),
        "npm ci in {} failed ({}):\n{}\n{}",
        folder.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    fs::write(&done, b"").expect("mark the install done");
    eprintln!(
        "oidc-provider: installed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}
