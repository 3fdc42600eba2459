//! Build-time work for the `cohack` binary:
//!
//! - rebuild when a migration changes (they are embedded);
//! - bundle the browser code in `web/` with esbuild (installed from npm into `web/node_modules`
//!   with `npm ci`, the first time and whenever `package-lock.json` changes) and embed the
//!   result, so that the one binary serves the whole portal. Nothing built is committed.
//!
//! `COHACK_WEB_DIST=/path` embeds an already-built folder instead (for packagers without npm).

use std::{
    env,
    fmt::Write as _,
    fs,
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

use flate2::{Compression, write::GzEncoder};
use sha2::{Digest, Sha256};

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    println!("cargo:rerun-if-env-changed=COHACK_WEB_DIST");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dist = match env::var_os("COHACK_WEB_DIST") {
        Some(dir) => PathBuf::from(dir),
        None => build_web(&out_dir),
    };
    embed(&dist, &out_dir.join("web_assets.rs"));
}

fn build_web(out_dir: &Path) -> PathBuf {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web");
    for input in ["src", "build.mjs", "package.json", "package-lock.json"] {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    let installed = web.join("node_modules/.package-lock.json");
    let wanted = web.join("package-lock.json");
    if is_older(&installed, &wanted) {
        // One build at a time installs the packages (clippy and test builds may run together).
        let install_lock = fs::File::create(web.join("node_modules.lock"))
            .expect("cannot create web/node_modules.lock");
        install_lock
            .lock()
            .expect("cannot lock web/node_modules.lock");
        if is_older(&installed, &wanted) {
            run(
                Command::new(npm())
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&web),
                "npm ci (installing the web UI's packages from the npm registry)",
            );
        }
    }
    let dist = out_dir.join("web");
    let _ = fs::remove_dir_all(&dist);
    run(
        Command::new("node")
            .arg("build.mjs")
            .arg(&dist)
            .current_dir(&web),
        "node build.mjs (bundling the web UI with esbuild)",
    );
    dist
}

fn npm() -> &'static str {
    if cfg!(windows) { "npm.cmd" } else { "npm" }
}

/// True when `a` is missing or was modified before `b`.
fn is_older(a: &Path, b: &Path) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(a), modified(b)) {
        (Some(a), Some(b)) => a < b,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

fn run(command: &mut Command, what: &str) {
    let status = command.status().unwrap_or_else(|e| {
        panic!(
            "\n\ncohack's web UI is built with Node.js (18 or newer) and npm, which were not \
             found ({e}).\nInstall them (Debian: apt-get install nodejs npm), or set \
             COHACK_WEB_DIST to a folder built by `node web/build.mjs DIR`.\n\n"
        )
    });
    assert!(status.success(), "{what} failed with {status}");
}

/// Writes `web_assets.rs`: every file of `dist` as a static with its content type, a short
/// content hash (used to make asset URLs cacheable forever) and, where it pays, a gzip version
/// compressed once here at the highest level so that serving it costs nothing.
fn embed(dist: &Path, target: &Path) {
    let mut files: Vec<PathBuf> = fs::read_dir(dist)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dist.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && path.extension().is_none_or(|e| e != "gz"))
        .collect();
    files.sort();
    let mut code = String::from(
        "/// The bundled browser code and styles.\npub static ASSETS: &[Asset] = &[\n",
    );
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("asset names are UTF-8");
        let body = fs::read(&path).expect("cannot read a built asset");
        let hash = hex(&Sha256::digest(&body)[..6]);
        let content_type = match path.extension().and_then(|e| e.to_str()) {
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("txt") => "text/plain; charset=utf-8",
            Some("svg") => "image/svg+xml",
            _ => "application/octet-stream",
        };
        let gzip = gzip(&body)
            .filter(|packed| packed.len() * 10 < body.len() * 9)
            .map(|packed| {
                let packed_path = path.with_extension(format!(
                    "{}.gz",
                    path.extension().and_then(|e| e.to_str()).unwrap_or("bin")
                ));
                fs::write(&packed_path, packed).expect("cannot write a compressed asset");
                format!(
                    "Some(include_bytes!({:?}))",
                    packed_path.display().to_string()
                )
            })
            .unwrap_or_else(|| "None".to_owned());
        let _ = writeln!(
            code,
            "    Asset {{ name: {name:?}, content_type: {content_type:?}, hash: {hash:?}, body: include_bytes!({:?}), gzip: {gzip} }},",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    fs::write(target, code).expect("cannot write web_assets.rs");
}

fn gzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(body).ok()?;
    encoder.finish().ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
